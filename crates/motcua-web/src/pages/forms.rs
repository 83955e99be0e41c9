//! The printable forms of Circular 03/2025/TT-VPCP, Annex I, for one dossier: 01 receipt and
//! appointment, 02 supplement request, 03 refusal, 04 apology and new appointment, 05 notice
//! of stopping, 06 processing control slip. In Vietnamese (they are legal documents), laid
//! out for A4 paper, each with a QR code that opens the dossier's public tracking page with
//! the receipt's secret.
//!
//! Everything on a form comes from the dossier and its log (the reasons, the items asked
//! for, who held it when), so a reprint shows what was decided, not what is true now.

use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use chrono::{DateTime, FixedOffset, Utc};
use minijinja::{Value, context};
use motcua_catalog::model::{ChannelKind, Procedure};
use motcua_dossier::chain::LogEntry;
use motcua_store::StoredDossier;

use super::account::qr_svg;
use super::{error_page, page};
use crate::AppState;
use crate::auth::Viewer;
use crate::dossiers;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Lang;

/// The forms, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Receipt,
    Supplement,
    Refusal,
    Apology,
    Stop,
    ControlSlip,
}

impl Form {
    fn parse(number: &str) -> Option<Self> {
        Some(match number {
            "01" => Self::Receipt,
            "02" => Self::Supplement,
            "03" => Self::Refusal,
            "04" => Self::Apology,
            "05" => Self::Stop,
            "06" => Self::ControlSlip,
            _ => return None,
        })
    }

    fn number(self) -> &'static str {
        match self {
            Self::Receipt => "01",
            Self::Supplement => "02",
            Self::Refusal => "03",
            Self::Apology => "04",
            Self::Stop => "05",
            Self::ControlSlip => "06",
        }
    }

    /// The log entry the form prints (the latest, for forms that can be issued again).
    fn entry(self, chain: &[LogEntry]) -> Option<&LogEntry> {
        let kind = match self {
            Self::Receipt | Self::ControlSlip => "receive",
            Self::Supplement => "request_supplement",
            Self::Refusal => "refuse",
            Self::Apology => "apologize",
            Self::Stop => "stop",
        };
        chain.iter().rev().find(|e| e.kind == kind)
    }
}

/// The forms a dossier has, for links from the dossier page: `(number, title)`.
pub fn available(chain: &[LogEntry], officer: bool) -> Vec<(&'static str, &'static str)> {
    [
        (Form::Receipt, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        (Form::Supplement, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        (Form::Refusal, "Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        (Form::Apology, "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        (Form::Stop, "Thông báo dừng xử lý hồ sơ"),
        (
            Form::ControlSlip,
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        ),
    ]
    .into_iter()
    .filter(|(f, _)| (officer || *f != Form::ControlSlip) && f.entry(chain).is_some())
    .map(|(f, title)| (f.number(), title))
    .collect()
}

fn vn(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&motcua_calendar::vietnam())
}

/// `08 giờ 30 phút, ngày 24/11/2026`.
fn moment(at: DateTime<FixedOffset>) -> String {
    at.format("%H giờ %M phút, ngày %d/%m/%Y").to_string()
}

/// `ngày 24 tháng 11 năm 2026`.
fn long_date(at: DateTime<FixedOffset>) -> String {
    at.format("ngày %d tháng %m năm %Y").to_string()
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn person(state: &AppState, id: Option<i64>) -> ApiResult<Option<String>> {
    Ok(match id {
        Some(id) => state.store.get_account(id).await?.map(|a| a.full_name),
        None => None,
    })
}

async fn agency_name(state: &AppState, id: i64) -> ApiResult<String> {
    Ok(state
        .store
        .get_agency_by_id(id)
        .await?
        .map(|a| a.name)
        .unwrap_or_default())
}

/// "7 ngày làm việc" and the like, from the procedure as received.
fn duration_text(p: Option<&Procedure>, channel: &str) -> Option<String> {
    let p = p?;
    let kind = match channel {
        "online" => ChannelKind::Online,
        "postal" => ChannelKind::Postal,
        _ => ChannelKind::InPerson,
    };
    let d = dossiers::channel_duration(p, kind)?;
    Some(match d {
        motcua_calendar::Duration::WorkingDays(n) => format!("{n} ngày làm việc"),
        motcua_calendar::Duration::WorkingHours(n) => format!("{n} giờ làm việc"),
        motcua_calendar::Duration::Days(n) => format!("{n} ngày"),
        motcua_calendar::Duration::Months(n) => format!("{n} tháng"),
    })
}

/// One row of the control slip: who handed the dossier to whom, when, and whether that
/// step kept its time.
async fn control_rows(state: &AppState, chain: &[LogEntry]) -> ApiResult<Vec<Value>> {
    let mut rows = Vec::new();
    let mut holder: Option<String> = None;
    for e in chain {
        let label = match e.kind.as_str() {
            "receive" => "Bộ phận tiếp nhận và trả kết quả tiếp nhận",
            "assign" => "Phân công xử lý",
            "forward" => "Chuyển bước xử lý",
            "send_back" => "Trả lại bước trước",
            "transfer" => "Chuyển cơ quan xử lý",
            "request_supplement" => "Yêu cầu bổ sung hồ sơ",
            "supplement" => "Nhận hồ sơ bổ sung",
            "request_fees" => "Yêu cầu thực hiện nghĩa vụ tài chính",
            "confirm_fees" => "Xác nhận nghĩa vụ tài chính",
            "approve" => "Phê duyệt, ký kết quả",
            "apologize" => "Xin lỗi, hẹn lại ngày trả",
            "stop" => "Dừng xử lý",
            "return_result" => "Trả kết quả",
            _ => continue,
        };
        let by = person(state, e.actor_id).await?;
        let to = match e.detail["command"]["to"].as_i64() {
            Some(id) => person(state, Some(id)).await?,
            None => None,
        };
        let to = match (e.kind.as_str(), to) {
            ("transfer", _) => match e.detail["command"]["to_agency_id"].as_i64() {
                Some(id) => Some(agency_name(state, id).await?),
                None => None,
            },
            (_, Some(to)) => Some(to),
            _ => None,
        };
        rows.push(context! {
            label, at => moment(vn(e.at)), giver => by.clone().or(holder.clone()), receiver => to.clone(),
            note => e.detail["command"]["reason"].as_str().map(str::to_owned),
        });
        holder = to.or(by);
    }
    Ok(rows)
}

/// `GET /dossiers/{id}/forms/{number}`: a form of a dossier the viewer may read (the control
/// slip for officers only). A form the dossier does not have is 404.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path((id, number)): Path<(i64, String)>,
) -> Response {
    match render(&state, &viewer, id, &number).await {
        Ok(ctx) => page(&state, lang, &uri, "dossier_form.html", ctx),
        Err(err) => error_page(&state, lang, &uri, err),
    }
}

async fn render(state: &AppState, viewer: &Viewer, id: i64, number: &str) -> ApiResult<Value> {
    let d: StoredDossier = dossiers::load_readable(state, viewer, id).await?;
    let form = Form::parse(number).ok_or(ApiError::NotFound)?;
    if form == Form::ControlSlip && !viewer.is_officer() {
        return Err(ApiError::NotFound);
    }
    let chain = state.store.dossier_chain(d.id).await?;
    let entry = form.entry(&chain).ok_or(ApiError::NotFound)?.clone();
    // Every form but a refusal at reception follows reception, which gives the code.
    let code = d.code.clone();
    if code.is_none() && form != Form::Refusal {
        return Err(ApiError::NotFound);
    }
    let procedure: Option<Procedure> = state
        .store
        .get_procedure_version(&d.procedure_code, d.procedure_version)
        .await?
        .and_then(|p| serde_json::from_str(&p.document).ok());
    let receiving = state
        .store
        .get_agency_by_id(d.state.receiving_agency_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let place = match receiving.unit_code.as_deref() {
        Some(unit) => state.store.get_unit(unit).await?.map(|u| u.name),
        None => None,
    };
    let tracking_url = code.as_ref().map(|code| {
        let secret = state.auth.tracking_secret(&d.tracking_secret_hash);
        let public = state.auth.settings.public_url.trim_end_matches('/');
        format!("{public}/tracking/{code}?secret={secret}")
    });
    let documents: Vec<String> = state
        .store
        .documents(d.id)
        .await?
        .into_iter()
        .filter(|doc| doc.role == "application")
        .map(|doc| doc.name)
        .collect();
    let command = &entry.detail["command"];
    // The appointment before the apology: the last one set before it.
    let previous_due = chain
        .iter()
        .take_while(|e| e.seq < entry.seq)
        .filter_map(|e| e.detail["clock"]["due"].as_str())
        .filter_map(|s| DateTime::parse_from_rfc3339(s).ok())
        .last()
        .map(moment);
    let received = chain.iter().find(|e| e.kind == "receive");
    let holding = agency_name(state, d.state.holding_agency_id).await?;
    let responsible = match command["responsible_agency_id"].as_i64() {
        Some(a) => Some(agency_name(state, a).await?),
        None => None,
    };
    let new_due = command["new_due"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(moment);
    let delivery = match d.state.result_delivery {
        Some(motcua_dossier::ReturnChannel::Counter) | None => "Tại Bộ phận Một cửa",
        Some(motcua_dossier::ReturnChannel::Post) => "Qua dịch vụ bưu chính",
        Some(motcua_dossier::ReturnChannel::Online) => "Trực tuyến",
    };
    let rows = if form == Form::ControlSlip {
        control_rows(state, &chain).await?
    } else {
        Vec::new()
    };
    Ok(context! {
        number => form.number(),
        dossier_id => d.id,
        code,
        qr => tracking_url.as_deref().and_then(qr_svg),
        tracking_url,
        agency => receiving.name.to_uppercase(),
        agency_name => receiving.name,
        holding,
        place,
        issued => long_date(vn(entry.at)),
        officer => person(state, entry.actor_id).await?,
        applicant => Value::from_serialize(&d.applicant),
        procedure_name => procedure.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| d.procedure_code.clone()),
        duration => duration_text(procedure.as_ref(), &d.channel),
        received_at => received.map(|e| moment(vn(e.at))),
        due_at => d.state.due_at.map(moment),
        delivery,
        documents,
        items => strings(&command["items"]),
        reasons => strings(&command["reasons"]),
        reason => command["reason"].as_str().map(str::to_owned),
        new_due,
        previous_due,
        responsible,
        rows,
    })
}
