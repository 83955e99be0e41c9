//! Dossier pages for applicants and officers: "my dossiers" and the dossier page with its
//! history and the actions the viewer may take, each a small form posting a lifecycle
//! command. Online submission is `submission.rs`.
//!
//! Everything goes through the service layer the API uses (`crate::dossiers`: create,
//! command, load and record the view), so a page can neither allow what the API refuses nor
//! refuse what it allows. Commands carry the version the page showed; a concurrent change is
//! answered "changed meanwhile" and changes nothing.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, NaiveTime, TimeZone};
use minijinja::{Value, context};
use motcua_catalog::local::LocalSettings;
use motcua_catalog::model::Procedure;
use motcua_domain::FieldError;
use motcua_dossier::Command;
use motcua_store::StoredDossier;
use serde::Deserialize;

use super::dossier_view::{self, Agencies, People};
use super::eform::{self, Posted, one};
use super::{error_page, form_errors, login_redirect, page, see_other};
use crate::AppState;
use crate::api::dossiers::{ListQuery, queue_filter};
use crate::auth::{CsrfForm, Viewer};
use crate::dossiers;
use crate::error::{ApiError, ApiResult};
use crate::i18n::Lang;

/// A posted form as its pairs (e-form inputs are named by the agency's settings).
pub(super) type Pairs = Vec<(String, String)>;

/// The agency's settings for a procedure as they apply now (its e-form, process, fees,
/// receiving points), as dossier creation reads them.
pub(super) async fn local_settings(
    state: &AppState,
    agency_id: i64,
    procedure: &Procedure,
) -> ApiResult<Option<LocalSettings>> {
    crate::settings::effective_for(state, agency_id, procedure)
        .await
        .map(Some)
}

/// A number of a query string (`?page=`), ignored when it is not one: a mistyped link still
/// opens the page.
pub(super) fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
{
    let raw: Option<String> = Deserialize::deserialize(d)?;
    Ok(raw.and_then(|s| s.trim().parse().ok()))
}

/// The commands a notice may name (`?done=`).
const COMMANDS: [&str; 16] = [
    "submit",
    "receive",
    "request_supplement",
    "supplement",
    "refuse",
    "assign",
    "forward",
    "send_back",
    "request_fees",
    "confirm_fees",
    "approve",
    "transfer",
    "stop",
    "withdraw",
    "return_result",
    "apologize",
];

pub(super) fn with_status(mut r: Response, status: StatusCode) -> Response {
    *r.status_mut() = status;
    r
}

// ---------------------------------------------------------------------------------------
// My dossiers
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "lenient")]
    page: Option<u32>,
}

/// Dossiers per page in lists.
pub const PER_PAGE: u32 = 20;

/// A row of a dossier list.
pub(super) fn row(state: &AppState, d: &StoredDossier, lang: Lang) -> Value {
    let v = crate::api::dossiers::view(d);
    let name = state
        .catalog
        .get()
        .summaries
        .get(&d.procedure_code)
        .map(|s| s.name.clone());
    context! {
        id => d.id, code => d.code, procedure_code => d.procedure_code, procedure_name => name,
        status => d.state.status.as_str(),
        status_label => dossier_view::status_label(d.state.status, lang),
        status_code => d.state.status.national_code(),
        applicant => d.applicant.name,
        received_at => d.state.received_at.map(|t| t.to_rfc3339()),
        due_at => d.state.due_at.map(|t| t.to_rfc3339()),
        late => d.state.late, overdue => v.overdue,
        paused => d.state.paused.is_some(),
        updated_at => d.updated_at.to_rfc3339(),
    }
}

/// `GET /dossiers`: "Hồ sơ của tôi", drafts included. Officers have their queues instead.
pub async fn mine(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<PageQuery>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    if viewer.is_officer() {
        return see_other("/work/dossiers");
    }
    let query = ListQuery {
        queue: Some("mine".into()),
        agency: None,
        days: None,
        page: q.page,
        per_page: Some(PER_PAGE),
    };
    let result = async {
        let filter = queue_filter(&state, &viewer, &query).await?;
        Ok::<_, ApiError>(state.store.list_dossiers(&filter).await?)
    }
    .await;
    let list = match result {
        Ok(l) => l,
        Err(e) => return error_page(&state, lang, &uri, e),
    };
    let items: Vec<Value> = list.items.iter().map(|d| row(&state, d, lang)).collect();
    let pages = (list.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE);
    page(
        &state,
        lang,
        &uri,
        "dossier_mine.html",
        context! { items, total => list.total, page => list.page, pages },
    )
}

// ---------------------------------------------------------------------------------------
// The dossier page
// ---------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    /// The command just given (a notice).
    done: Option<String>,
    created: Option<String>,
    /// The history page.
    #[serde(default, deserialize_with = "lenient")]
    page: Option<usize>,
}

/// What the page shows beyond the dossier: a notice, or the failed form with its errors.
#[derive(Default)]
struct Outcome<'a> {
    done: Option<String>,
    created: bool,
    conflict: bool,
    /// The command whose form failed, with what was posted and the errors.
    open: Option<String>,
    posted: Option<&'a Posted>,
    errors: Option<Value>,
    history_page: usize,
}

async fn dossier_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    id: i64,
    outcome: Outcome<'_>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    let result = async {
        // Every officer's view is on the record, as on the API.
        let d = dossiers::load_viewed(state, viewer, id).await?;
        let officer = viewer.is_officer();
        let procedure = dossier_view::procedure_of(state, &d).await?;
        let settings = match &procedure {
            Some(p) => local_settings(state, d.state.receiving_agency_id, p).await?,
            None => None,
        };
        let mut agencies = Agencies::default();
        let mut people = People::default();
        let summary = dossier_view::summary(
            state,
            lang,
            &d,
            procedure.as_ref(),
            settings.as_ref(),
            &mut agencies,
            &mut people,
        )
        .await?;
        let fields = settings
            .as_ref()
            .map(|s| s.eform.clone())
            .unwrap_or_default();
        let answers: Vec<Value> = eform::answers(&fields, &d.form_values, lang)
            .into_iter()
            .map(|(label, value)| context! { label, value })
            .collect();
        let chain = state.store.dossier_chain(d.id).await?;
        let (history, history_page, history_pages) = dossier_view::history(
            state,
            lang,
            officer,
            &chain,
            outcome.history_page.max(1),
            &mut agencies,
            &mut people,
        )
        .await?;
        let forms: Vec<Value> = super::forms::available(&chain, officer)
            .into_iter()
            .map(|(number, title)| context! { number, title })
            .collect();
        let actions = dossier_view::actions(state, viewer, &d);
        let needs = |names: &[&str]| actions.iter().any(|a| names.contains(a));
        let processors = if needs(&["assign", "forward", "send_back"]) {
            dossier_view::processors(state, d.state.holding_agency_id, lang).await?
        } else {
            vec![]
        };
        let targets = if needs(&["transfer"]) {
            dossier_view::transfer_targets(state, d.state.holding_agency_id).await?
        } else {
            vec![]
        };
        // The delay of a late dossier is attributed to one of the agencies it went through.
        let mut responsible = Vec::new();
        if needs(&["apologize"]) {
            let mut ids = vec![d.state.holding_agency_id, d.state.receiving_agency_id];
            ids.extend(d.state.transferred_agency_ids.iter().rev());
            ids.dedup();
            for aid in ids {
                if !responsible
                    .iter()
                    .any(|v: &Value| v.get_attr("id").ok().and_then(|x| x.as_i64()) == Some(aid))
                {
                    responsible.push(agencies.brief(state, aid).await?);
                }
            }
        }
        // The documents partial (`dossier_documents.html`): list, downloads, uploads.
        let documents = crate::documents::documents_context(state, viewer, &d).await?;
        Ok::<_, ApiError>(context! {
            d => summary, answers, history, history_page, history_pages, forms,
            actions, processors, targets, responsible, officer, ..documents
        })
    }
    .await;
    let ctx = match result {
        Ok(c) => c,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let posted = outcome.posted;
    let kept = |name: &str| {
        posted
            .and_then(|p| p.get(name))
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    };
    let kept = context! {
        items => kept("items"), reasons => kept("reasons"), reason => kept("reason"),
        to => kept("to"), amount_vnd => kept("amount_vnd"), to_agency => kept("to_agency"),
        channel => kept("channel"), new_due_date => kept("new_due_date"),
        new_due_time => kept("new_due_time"), responsible_agency => kept("responsible_agency"),
    };
    page(
        state,
        lang,
        uri,
        "dossier_page.html",
        context! {
            csrf => viewer.csrf_token(state),
            done => outcome.done, created => outcome.created, conflict => outcome.conflict,
            open => outcome.open, errors => outcome.errors, kept,
            ..ctx
        },
    )
}

/// `GET /dossiers/{id}`: the dossier page, for its applicant and its agencies' officers.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Response {
    let done = q.done.filter(|c| COMMANDS.contains(&c.as_str()));
    let outcome = Outcome {
        done,
        created: q.created.is_some(),
        history_page: q.page.unwrap_or(1),
        ..Outcome::default()
    };
    dossier_page(&state, lang, &uri, &viewer, id, outcome).await
}

fn lines(p: &Posted, name: &str) -> Vec<String> {
    p.get(name)
        .into_iter()
        .flatten()
        .flat_map(|v| v.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

fn text(p: &Posted, name: &str) -> String {
    one(p, name).unwrap_or_default().to_owned()
}

fn person(p: &Posted, name: &str) -> ApiResult<Option<i64>> {
    match one(p, name) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            FieldError::new(
                name,
                "invalid",
                "Cán bộ được chọn không hợp lệ.",
                "The officer chosen is not valid.",
            )
            .into()
        }),
    }
}

async fn agency_id(state: &AppState, p: &Posted, name: &str) -> ApiResult<i64> {
    let code = one(p, name).ok_or_else(|| ApiError::from(FieldError::required(name)))?;
    crate::api::admin::agency_of(state, code)
        .await
        .map(|a| a.id)
        .map_err(|_| {
            FieldError::new(
                name,
                "unknown",
                "Không tìm thấy cơ quan này.",
                "No such agency.",
            )
            .into()
        })
}

/// `new_due_date` (`YYYY-MM-DD`) and `new_due_time` (`HH:MM`, end of office hours when
/// empty), Vietnam time.
fn new_due(p: &Posted) -> ApiResult<chrono::DateTime<chrono::FixedOffset>> {
    let bad = || {
        ApiError::from(FieldError::new(
            "new_due",
            "invalid",
            "Ngày hẹn mới không hợp lệ (ngày dạng YYYY-MM-DD, giờ dạng HH:MM).",
            "The new appointment is not valid (date as YYYY-MM-DD, time as HH:MM).",
        ))
    };
    let date =
        one(p, "new_due_date").ok_or_else(|| ApiError::from(FieldError::required("new_due")))?;
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
    let time = match one(p, "new_due_time") {
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad())?,
        None => NaiveTime::from_hms_opt(17, 0, 0).ok_or_else(bad)?,
    };
    motcua_calendar::vietnam()
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(bad)
}

/// The command a dossier page form posts, with the version it was computed from.
async fn parse_command(state: &AppState, p: &Posted) -> ApiResult<(i64, Command)> {
    let version: i64 = one(p, "version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| {
            ApiError::from(FieldError::new(
                "version",
                "required",
                "Thiếu phiên bản hồ sơ; vui lòng tải lại trang.",
                "The dossier's version is missing; please reload the page.",
            ))
        })?;
    let name = one(p, "command").unwrap_or_default();
    let command = match name {
        "submit" => Command::Submit,
        "receive" => Command::Receive,
        "request_supplement" => Command::RequestSupplement {
            items: lines(p, "items"),
        },
        "supplement" => Command::Supplement,
        "refuse" => Command::Refuse {
            reasons: lines(p, "reasons"),
        },
        "assign" => Command::Assign {
            to: person(p, "to")?.ok_or_else(|| ApiError::from(FieldError::required("to")))?,
        },
        "forward" => Command::Forward {
            to: person(p, "to")?,
        },
        "send_back" => Command::SendBack {
            reason: text(p, "reason"),
            to: person(p, "to")?,
        },
        "request_fees" => {
            let raw: String = text(p, "amount_vnd")
                .chars()
                .filter(|c| !matches!(c, '.' | ',' | ' '))
                .collect();
            let amount_vnd = raw.parse::<i64>().map_err(|_| {
                ApiError::from(FieldError::new(
                    "amount_vnd",
                    "number",
                    "Số tiền phải là một số nguyên, tính bằng đồng.",
                    "The amount must be a whole number of đồng.",
                ))
            })?;
            Command::RequestFees { amount_vnd }
        }
        "confirm_fees" => Command::ConfirmFees,
        "approve" => Command::Approve,
        "transfer" => Command::Transfer {
            to_agency_id: agency_id(state, p, "to_agency").await?,
            reason: text(p, "reason"),
        },
        "stop" => Command::Stop {
            reason: text(p, "reason"),
        },
        "withdraw" => Command::Withdraw {
            reason: text(p, "reason"),
        },
        "return_result" => Command::ReturnResult {
            channel: dossiers::parse_return_channel("channel", &text(p, "channel"))?,
        },
        "apologize" => Command::Apologize {
            new_due: new_due(p)?,
            reason: text(p, "reason"),
            responsible_agency_id: agency_id(state, p, "responsible_agency").await?,
        },
        _ => {
            return Err(FieldError::new(
                "command",
                "unknown",
                "Thao tác không hợp lệ.",
                "Unknown action.",
            )
            .into());
        }
    };
    Ok((version, command))
}

/// `POST /dossiers/{id}/commands`: one action of the dossier page, then back to the page
/// with a notice — or the page again with what went wrong.
pub async fn give(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(id): Path<i64>,
    CsrfForm { viewer, form }: CsrfForm<Pairs>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    let p = eform::posted(&form);
    let name = one(&p, "command")
        .filter(|c| c.len() <= 32 && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .map(str::to_owned);
    let result = async {
        // Whether the dossier may be read at all comes first (404), whatever was posted.
        dossiers::load_readable(&state, &viewer, id).await?;
        let (version, command) = parse_command(&state, &p).await?;
        dossiers::command(&state, &viewer, id, version, command).await
    }
    .await;
    let page_uri = OriginalUri(format!("/dossiers/{id}").parse().unwrap_or(uri.0.clone()));
    match result {
        Ok(d) => {
            let name = name.unwrap_or_default();
            see_other(&format!("/dossiers/{}?done={name}", d.id))
        }
        Err(ApiError::ChangedMeanwhile) => {
            let outcome = Outcome {
                conflict: true,
                ..Outcome::default()
            };
            let r = dossier_page(&state, lang, &page_uri, &viewer, id, outcome).await;
            with_status(r, StatusCode::CONFLICT)
        }
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => {
                let outcome = Outcome {
                    open: name,
                    posted: Some(&p),
                    errors: Some(errors),
                    ..Outcome::default()
                };
                let r = dossier_page(&state, lang, &page_uri, &viewer, id, outcome).await;
                with_status(r, StatusCode::UNPROCESSABLE_ENTITY)
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}
