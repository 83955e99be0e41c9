//! The administration pages of an agency's local settings for procedures (issue 4):
//!
//! * `/admin/agencies/{code}/procedures`: the catalog as the agency receives it, searchable
//!   by name or code (diacritics optional), filtered to those with its own settings;
//! * `/admin/agencies/{code}/procedures/{proc}`: one procedure's settings as a form — the
//!   internal process as rows (name, role, working hours; blank rows are ignored, so a step is
//!   added by filling the spare rows), the fee per channel, the online level, the receiving
//!   points, whether the agency receives it, and the e-form as JSON (the advanced editor). A
//!   POST saves it through [`crate::settings::put`], as the API does; invalid input comes
//!   back on the same page (422) with each error beside its field, nothing changed.

use std::collections::BTreeMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use motcua_auth::policy::{Action, Resource};
use motcua_catalog::local::{EFormField, FeeOverride, LocalSettings, ProcessStep, STEP_ROLES};
use motcua_catalog::model::{ChannelKind, OnlineLevel, Procedure};
use motcua_domain::identity::Role;
use motcua_domain::{FieldError, Validation};
use serde::Deserialize;

use super::procedures::format_vnd;
use super::{error_page, login_redirect, page, see_other};
use crate::AppState;
use crate::api::admin::agency_of;
use crate::auth::{CsrfForm, Viewer};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::settings::{self, ProcedureListQuery, SettingsView};

/// Spare step rows offered below the process's steps.
const SPARE_ROWS: usize = 2;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    /// `custom` (only those with the agency's own settings) or empty.
    show: Option<String>,
    page: Option<u32>,
    saved: Option<String>,
    removed: Option<String>,
}

/// `GET /admin/agencies/{code}/procedures`
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<ListQuery>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    let query = ProcedureListQuery {
        q: q.q.clone(),
        custom: (q.show.as_deref() == Some("custom")).then_some(true),
        level: None,
        page: q.page,
        per_page: Some(50),
    };
    let list = match settings::list(&state, &viewer, &code, &query).await {
        Ok(l) => l,
        Err(e) => return error_page(&state, lang, &uri, e),
    };
    let pages = list.total.div_ceil(50).max(1);
    let link = |p: usize| {
        let mut s = format!("?page={p}");
        if let Some(q) = q.q.as_deref().filter(|q| !q.trim().is_empty()) {
            s.push_str("&q=");
            s.extend(form_urlencoded::byte_serialize(q.as_bytes()));
        }
        if query.custom == Some(true) {
            s.push_str("&show=custom");
        }
        s
    };
    let page_no = list.page as usize;
    page(
        &state,
        lang,
        &uri,
        "admin_procedure_list.html",
        context! {
            agency => context! { code => list.agency, name => list.agency_name },
            items => Value::from_serialize(&list.items),
            total => list.total, custom_count => list.custom_count,
            q => q.q, only_custom => query.custom == Some(true),
            page => page_no, pages,
            prev => (page_no > 1).then(|| link(page_no - 1)),
            next => (page_no < pages).then(|| link(page_no + 1)),
            saved => q.saved, removed => q.removed,
        },
    )
}

/// What the edit form posts: fixed names (`online_level`, `enabled`, `eform_json`,
/// `version`, `action`) and numbered ones (`step_name_vi_0`, `step_role_0`,
/// `step_budget_0`, …, `fee_online`, `point_MC`), hence a map.
pub type SettingsForm = BTreeMap<String, String>;

fn text<'a>(form: &'a SettingsForm, key: &str) -> &'a str {
    form.get(key).map(|s| s.trim()).unwrap_or_default()
}

fn channel_code(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Online => "online",
        ChannelKind::InPerson => "in_person",
        ChannelKind::Postal => "postal",
    }
}

fn level_code(level: OnlineLevel) -> &'static str {
    match level {
        OnlineLevel::FullProcess => "full_process",
        OnlineLevel::Partial => "partial",
        OnlineLevel::None => "none",
    }
}

/// The channel kinds the procedure lists, once each, in order.
fn channel_kinds(p: &Procedure) -> Vec<ChannelKind> {
    let mut kinds = Vec::new();
    for c in &p.channels {
        if !kinds.contains(&c.kind) {
            kinds.push(c.kind);
        }
    }
    kinds
}

/// The settings a form describes, with what is needed to put errors back on its fields: the
/// form row of each step, the channel of each fee override. Input that cannot even be read
/// (a budget that is not a number, JSON that does not parse) is reported on its form field.
struct Parsed {
    settings: LocalSettings,
    step_rows: Vec<usize>,
    fee_channels: Vec<ChannelKind>,
    errors: Validation,
}

fn parse_form(form: &SettingsForm, p: &Procedure) -> Parsed {
    let mut errors = Validation::default();
    let mut steps = Vec::new();
    let mut step_rows = Vec::new();
    let rows = form
        .keys()
        .filter_map(|k| k.strip_prefix("step_role_"))
        .filter_map(|i| i.parse::<usize>().ok())
        .max()
        .map_or(0, |m| m + 1)
        .min(motcua_catalog::local::MAX_STEPS + SPARE_ROWS);
    for row in 0..rows {
        let name_vi = text(form, &format!("step_name_vi_{row}"));
        let name_en = text(form, &format!("step_name_en_{row}"));
        let budget = text(form, &format!("step_budget_{row}"));
        let role = text(form, &format!("step_role_{row}"));
        if name_vi.is_empty() && name_en.is_empty() && budget.is_empty() {
            continue; // a spare row left blank
        }
        let role = match role.parse::<Role>() {
            Ok(r) => r,
            Err(_) => {
                errors.push(FieldError::new(
                    format!("step_role_{row}"),
                    "one_of",
                    "Chọn vai trò của bước.",
                    "Choose the step's role.",
                ));
                Role::Specialist
            }
        };
        let budget_hours = if budget.is_empty() {
            errors.push(FieldError::required(format!("step_budget_{row}")));
            1
        } else {
            match budget.parse::<u32>() {
                Ok(h) => h,
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("step_budget_{row}"),
                        "format",
                        "Thời gian phải là số giờ làm việc (số nguyên).",
                        "The budget must be a whole number of working hours.",
                    ));
                    1
                }
            }
        };
        steps.push(ProcessStep {
            name_vi: name_vi.to_owned(),
            name_en: name_en.to_owned(),
            role,
            budget_hours,
        });
        step_rows.push(row);
    }
    let mut fee_overrides = Vec::new();
    let mut fee_channels = Vec::new();
    for kind in channel_kinds(p) {
        let name = format!("fee_{}", channel_code(kind));
        let raw: String = text(form, &name)
            .chars()
            .filter(|c| !matches!(c, '.' | ',' | ' '))
            .collect();
        if raw.is_empty() {
            continue;
        }
        match raw.parse::<i64>() {
            Ok(fee_vnd) => {
                fee_overrides.push(FeeOverride {
                    channel: kind,
                    fee_vnd,
                });
                fee_channels.push(kind);
            }
            Err(_) => errors.push(FieldError::new(
                name,
                "format",
                "Lệ phí phải là số tiền bằng đồng, ví dụ 8.000.",
                "The fee must be an amount in VND, e.g. 8000.",
            )),
        }
    }
    let online_level = match text(form, "online_level") {
        "full_process" => Some(OnlineLevel::FullProcess),
        "partial" => Some(OnlineLevel::Partial),
        "none" => Some(OnlineLevel::None),
        "" => None,
        _ => {
            errors.push(FieldError::new(
                "online_level",
                "one_of",
                "Mức độ trực tuyến không hợp lệ.",
                "Unknown online level.",
            ));
            None
        }
    };
    let receiving_points = form
        .keys()
        .filter_map(|k| k.strip_prefix("point_"))
        .map(str::to_owned)
        .collect();
    let eform_text = text(form, "eform_json");
    let eform: Vec<EFormField> = if eform_text.is_empty() {
        Vec::new()
    } else {
        match serde_json::from_str(eform_text) {
            Ok(f) => f,
            Err(e) => {
                errors.push(FieldError::new(
                    "eform_json",
                    "format",
                    format!("Định nghĩa biểu mẫu không phải JSON hợp lệ: {e}"),
                    format!("The e-form definition is not valid JSON: {e}"),
                ));
                Vec::new()
            }
        }
    };
    Parsed {
        settings: LocalSettings {
            steps,
            eform,
            fee_overrides,
            online_level,
            receiving_points,
            enabled: form.contains_key("enabled"),
        },
        step_rows,
        fee_channels,
        errors,
    }
}

/// The form field a settings error concerns: `steps[1].budget_hours` is the budget of the
/// form row the second step came from; e-form errors stay on the JSON editor, prefixed with
/// their path.
fn form_field(field: &str, parsed: &Parsed) -> String {
    let indexed = |rest: &str| -> Option<(usize, String)> {
        let (i, tail) = rest.split_once(']')?;
        Some((i.parse().ok()?, tail.trim_start_matches('.').to_owned()))
    };
    if let Some(rest) = field.strip_prefix("steps[")
        && let Some((i, tail)) = indexed(rest)
        && let Some(row) = parsed.step_rows.get(i)
    {
        let part = match tail.as_str() {
            "budget_hours" => "budget",
            "" => "name_vi",
            other => other,
        };
        return format!("step_{part}_{row}");
    }
    if let Some(rest) = field.strip_prefix("fee_overrides[")
        && let Some((i, _)) = indexed(rest)
        && let Some(kind) = parsed.fee_channels.get(i)
    {
        return format!("fee_{}", channel_code(*kind));
    }
    if field.starts_with("eform") {
        return "eform_json".into();
    }
    if field.starts_with("receiving_points") {
        return "points".into();
    }
    field.to_owned()
}

/// Errors by form field in the visitor's language; e-form errors keep their path.
fn errors_by_field(v: &Validation, parsed: &Parsed, lang: Lang) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for e in &v.0 {
        let name = form_field(&e.field, parsed);
        let mut message = match lang {
            Lang::Vi => e.message_vi.clone(),
            Lang::En => e.message_en.clone(),
        };
        if name == "eform_json" && e.field.starts_with("eform") {
            message = format!("{}: {message}", e.field);
        }
        out.entry(name)
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&message);
            })
            .or_insert(message);
    }
    out
}

/// What the form shows: the stored (or default) settings, or what was posted.
struct Shown {
    form: SettingsForm,
    errors: BTreeMap<String, String>,
    stale: bool,
}

fn form_of(view: &SettingsView) -> SettingsForm {
    let s = &view.settings;
    let mut f = SettingsForm::new();
    for (i, step) in s.steps.iter().enumerate() {
        f.insert(format!("step_name_vi_{i}"), step.name_vi.clone());
        f.insert(format!("step_name_en_{i}"), step.name_en.clone());
        f.insert(format!("step_role_{i}"), step.role.as_str().to_owned());
        f.insert(format!("step_budget_{i}"), step.budget_hours.to_string());
    }
    for o in &s.fee_overrides {
        f.insert(
            format!("fee_{}", channel_code(o.channel)),
            o.fee_vnd.to_string(),
        );
    }
    if let Some(l) = s.online_level {
        f.insert("online_level".into(), level_code(l).into());
    }
    for p in &s.receiving_points {
        f.insert(format!("point_{p}"), "on".into());
    }
    if s.enabled {
        f.insert("enabled".into(), "on".into());
    }
    if !s.eform.is_empty() {
        f.insert(
            "eform_json".into(),
            serde_json::to_string_pretty(&s.eform).unwrap_or_default(),
        );
    }
    f.insert("version".into(), view.version.to_string());
    f
}

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    code: &str,
    proc_code: &str,
    saved: bool,
    shown: Option<Shown>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    let result = async {
        let view = settings::view(state, viewer, code, proc_code).await?;
        let agency = agency_of(state, code).await?;
        let p = settings::procedure(state, proc_code).await?;
        let points = state.store.receiving_points(&agency.code).await?;
        Ok::<_, ApiError>((view, agency, p, points))
    }
    .await;
    let (view, agency, p, points) = match result {
        Ok(r) => r,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let can_edit = viewer.allowed(Action::Update, &Resource::AgencyLocalSettings(agency.id));
    let (form, errors, stale) = match shown {
        Some(s) => (s.form, s.errors, s.stale),
        None => (form_of(&view), BTreeMap::new(), false),
    };
    let rows = form
        .keys()
        .filter_map(|k| k.strip_prefix("step_role_"))
        .filter_map(|i| i.parse::<usize>().ok())
        .max()
        .map_or(0, |m| m + 1)
        + SPARE_ROWS;
    let steps: Vec<Value> = (0..rows)
        .map(|i| {
            context! {
                index => i, number => i + 1,
                name_vi => text(&form, &format!("step_name_vi_{i}")),
                name_en => text(&form, &format!("step_name_en_{i}")),
                role => text(&form, &format!("step_role_{i}")),
                budget => text(&form, &format!("step_budget_{i}")),
            }
        })
        .collect();
    let roles: Vec<&str> = STEP_ROLES.iter().map(|r| r.as_str()).collect();
    let fees: Vec<Value> = view
        .effective
        .fees
        .iter()
        .map(|f| {
            let kind = channel_code(f.channel);
            let catalog = p
                .channels
                .iter()
                .find(|c| c.kind == f.channel)
                .and_then(|c| c.fee_vnd);
            context! {
                kind, name => format!("fee_{kind}"),
                value => text(&form, &format!("fee_{kind}")),
                catalog => catalog.map(format_vnd),
            }
        })
        .collect();
    let points: Vec<Value> = points
        .iter()
        .map(|pt| {
            context! {
                code => pt.code, name => pt.name,
                checked => form.contains_key(&format!("point_{}", pt.code)),
            }
        })
        .collect();
    let mut response = page(
        state,
        lang,
        uri,
        "admin_procedure_settings.html",
        context! {
            agency => context! { code => agency.code.as_str(), name => agency.name },
            p => context! { code => p.code, name => p.name, online_level => level_code(p.online_level), offers_online => p.offers_online() },
            view => Value::from_serialize(&view),
            online_level_now => level_code(view.effective.online_level),
            steps, roles, fees, points,
            online_level => text(&form, "online_level"),
            enabled => form.contains_key("enabled"),
            eform_json => text(&form, "eform_json"),
            version => text(&form, "version"),
            errors => (!errors.is_empty()).then_some(errors),
            stale, saved, can_edit,
            csrf => viewer.csrf_token(state),
        },
    );
    if stale && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::CONFLICT;
    }
    response
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    saved: Option<String>,
}

/// `GET /admin/agencies/{code}/procedures/{proc}`
pub async fn edit(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path((code, proc_code)): Path<(String, String)>,
    Query(q): Query<EditQuery>,
) -> Response {
    edit_page(
        &state,
        lang,
        &uri,
        &viewer,
        &code,
        &proc_code,
        q.saved.is_some(),
        None,
    )
    .await
}

/// `POST /admin/agencies/{code}/procedures/{proc}`: saves the form (`action=save`) or
/// removes the agency's settings (`action=reset`: the defaults apply again).
pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path((code, proc_code)): Path<(String, String)>,
    CsrfForm { viewer, form }: CsrfForm<SettingsForm>,
) -> Response {
    let version = text(&form, "version").parse::<i64>().ok();
    // Who asks comes first: the answer to someone refused must not depend on the input.
    let allowed = async {
        let agency = agency_of(&state, &code).await?;
        let action = if text(&form, "action") == "reset" {
            Action::Delete
        } else {
            Action::Update
        };
        viewer.authorize(action, &Resource::AgencyLocalSettings(agency.id))?;
        settings::procedure(&state, &proc_code).await
    }
    .await;
    let procedure = match allowed {
        Ok(p) => p,
        Err(e) => return error_page(&state, lang, &uri, e),
    };
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    if text(&form, "action") == "reset" {
        return match settings::remove(&state, &viewer, &code, &proc_code, version).await {
            Ok(_) => see_other(&format!(
                "/admin/agencies/{code}/procedures?removed={}",
                enc(&proc_code)
            )),
            Err(ApiError::ChangedMeanwhile) => {
                let shown = Shown {
                    form,
                    errors: BTreeMap::new(),
                    stale: true,
                };
                edit_page(
                    &state,
                    lang,
                    &uri,
                    &viewer,
                    &code,
                    &proc_code,
                    false,
                    Some(shown),
                )
                .await
            }
            Err(e) => error_page(&state, lang, &uri, e),
        };
    }
    let parsed = parse_form(&form, &procedure);
    let result = if parsed.errors.is_empty() {
        settings::put(
            &state,
            &viewer,
            &code,
            &proc_code,
            parsed.settings.clone(),
            version,
        )
        .await
        .map(|_| ())
    } else {
        // Report what could not be read with every other problem, and change nothing.
        async {
            let agency = agency_of(&state, &code).await?;
            let mut all = parsed.errors.clone();
            if let Err(ApiError::Invalid(v)) =
                settings::validate(&state, &agency, &procedure, &parsed.settings).await
            {
                all.0.extend(v.0);
            }
            Err(ApiError::Invalid(all))
        }
        .await
    };
    match result {
        Ok(()) => see_other(&format!(
            "/admin/agencies/{code}/procedures/{}?saved=1",
            enc(&proc_code)
        )),
        Err(ApiError::Invalid(v)) => {
            let shown = Shown {
                errors: errors_by_field(&v, &parsed, lang),
                form,
                stale: false,
            };
            let mut r = edit_page(
                &state,
                lang,
                &uri,
                &viewer,
                &code,
                &proc_code,
                false,
                Some(shown),
            )
            .await;
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
        Err(ApiError::ChangedMeanwhile) => {
            let shown = Shown {
                form,
                errors: BTreeMap::new(),
                stale: true,
            };
            edit_page(
                &state,
                lang,
                &uri,
                &viewer,
                &code,
                &proc_code,
                false,
                Some(shown),
            )
            .await
        }
        Err(e) => error_page(&state, lang, &uri, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn procedure() -> Procedure {
        let mut p: Procedure = serde_json::from_str(
            r#"{"code": "1.001193", "variant_codes": [], "name": "Đăng ký khai sinh", "decision": null,
            "levels": ["commune"], "procedure_type": null, "fields": [], "subjects": [],
            "competent_agency": null, "implementing_agency": null, "authorized_agency": null,
            "coordinating_agencies": [], "receiving_address": null, "related_procedures": [],
            "steps": "", "documents": [], "legal_basis": [], "conditions": null, "results": [],
            "keywords": [], "online_level": "partial", "online_level_basis": "online_channel",
            "raw": {"ma_thu_tuc": "", "detail_url": "", "formality_id": "", "ten_thu_tuc": "",
                    "so_quyet_dinh": "", "cap_thuc_hien": "", "loai_thu_tuc": "", "linh_vuc": "",
                    "doi_tuong_thuc_hien": "", "co_quan_co_tham_quyen": "", "dia_chi_tiep_nhan": "",
                    "co_quan_duoc_uy_quyen": "", "co_quan_phoi_hop": "", "thu_tuc_lien_quan": "",
                    "trinh_tu_thuc_hien": "", "cach_thuc_thuc_hien": "", "thanh_phan_ho_so": "",
                    "can_cu_phap_ly": "", "co_quan_thuc_hien": "", "yeu_cau_dieu_kien": "",
                    "ket_qua_xu_ly": "", "raw_text": ""},
            "channels": []}"#,
        )
        .unwrap();
        for kind in ["online", "in_person"] {
            p.channels.push(
                serde_json::from_str(&format!(
                    r#"{{"kind": "{kind}", "duration": null, "duration_text": "", "fee_vnd": 0, "fee": null, "fee_text": "", "description": ""}}"#
                ))
                .unwrap(),
            );
        }
        p
    }

    fn form(pairs: &[(&str, &str)]) -> SettingsForm {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn rows_become_steps_and_errors_find_their_rows() {
        let f = form(&[
            ("step_name_vi_0", "Thụ lý"),
            ("step_name_en_0", "Examine"),
            ("step_role_0", "specialist"),
            ("step_budget_0", "16"),
            // row 1 left blank: ignored
            ("step_name_vi_1", ""),
            ("step_role_1", "specialist"),
            ("step_budget_1", ""),
            ("step_name_vi_2", "Ký"),
            ("step_name_en_2", ""),
            ("step_role_2", "leader"),
            ("step_budget_2", "8"),
            ("fee_in_person", "8.000"),
            ("online_level", "full_process"),
            ("point_MC", "on"),
            ("enabled", "on"),
        ]);
        let parsed = parse_form(&f, &procedure());
        assert!(parsed.errors.is_empty());
        let s = &parsed.settings;
        assert_eq!(s.steps.len(), 2);
        assert_eq!(parsed.step_rows, vec![0, 2]);
        assert_eq!(s.steps[1].role, Role::Leader);
        assert_eq!(
            s.fee_overrides,
            vec![FeeOverride {
                channel: ChannelKind::InPerson,
                fee_vnd: 8000
            }]
        );
        assert_eq!(s.online_level, Some(OnlineLevel::FullProcess));
        assert_eq!(s.receiving_points, vec!["MC".to_owned()]);
        assert!(s.enabled);
        // steps[1] is form row 2.
        assert_eq!(form_field("steps[1].name_en", &parsed), "step_name_en_2");
        assert_eq!(
            form_field("steps[0].budget_hours", &parsed),
            "step_budget_0"
        );
        assert_eq!(
            form_field("fee_overrides[0].fee_vnd", &parsed),
            "fee_in_person"
        );
        assert_eq!(form_field("eform[3].key", &parsed), "eform_json");
        assert_eq!(form_field("receiving_points[0]", &parsed), "points");
        assert_eq!(form_field("steps", &parsed), "steps");
    }

    #[test]
    fn unreadable_input_is_reported_on_its_field() {
        let f = form(&[
            ("step_name_vi_0", "Thụ lý"),
            ("step_role_0", "boss"),
            ("step_budget_0", "mười"),
            ("fee_online", "free"),
            ("eform_json", "[{"),
        ]);
        let parsed = parse_form(&f, &procedure());
        let fields: Vec<&str> = parsed.errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["step_role_0", "step_budget_0", "fee_online", "eform_json"]
        );
        assert!(!parsed.settings.enabled, "an unticked box turns it off");
    }
}
