//! Officers' pages: their work home (their agencies and what they may do there), agency
//! officer administration, the security log, API keys and the yearly calendar notices. Each
//! handler asks the same policy as the API, through the same shared functions.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use motcua_auth::policy::{Action, LogScope, Resource};
use motcua_domain::FieldError;
use motcua_domain::identity::Role;
use motcua_store::{AccountFilter, AccountKind, PageRequest};
use serde::Deserialize;

use super::{error_page, form_errors, login_redirect, page, see_other};
use crate::AppState;
use crate::api::admin::{
    agency_of, create_key_in, create_officer_in, grant_role_in, key_view, load_events,
    revoke_role_in,
};
use crate::auth::login::NewOfficerInput;
use crate::auth::{CsrfForm, Viewer};
use crate::error::ApiError;
use crate::i18n::Lang;

fn role_label(role: Role, lang: Lang) -> &'static str {
    match lang {
        Lang::Vi => role.label_vi(),
        Lang::En => role.label_en(),
    }
}

/// An officer's home: the agencies they work in, with their roles and links to what they
/// may do there. Nothing of other agencies appears.
pub async fn work(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    if !viewer.is_officer() {
        return error_page(&state, lang, &uri, ApiError::Forbidden);
    }
    let mut agencies: Vec<(String, String, i64, Vec<&'static str>)> = Vec::new();
    for r in &viewer.roles {
        match agencies.iter_mut().find(|a| a.0 == r.agency_code) {
            Some(a) => a.3.push(role_label(r.role, lang)),
            None => agencies.push((
                r.agency_code.clone(),
                r.agency_name.clone(),
                r.agency_id,
                vec![role_label(r.role, lang)],
            )),
        }
    }
    let agencies: Vec<Value> = agencies
        .into_iter()
        .map(|(code, name, id, roles)| {
            context! {
                code, name, roles,
                administer => viewer.allowed(Action::Administer, &Resource::Agency(id)),
                dossiers => crate::dossiers::reads_dossiers_at(&viewer, id),
                reception => super::work::receives_at(&viewer, id),
                security_log => viewer.allowed(Action::Read, &Resource::SecurityLog(LogScope::Agency(id))),
            }
        })
        .collect();
    page(
        &state,
        lang,
        &uri,
        "work.html",
        context! {
            agencies,
            must_enroll_totp => viewer.must_enroll_totp,
            system_admin => viewer.is_system_admin(),
        },
    )
}

#[derive(Deserialize, Default)]
pub struct OfficersQuery {
    q: Option<String>,
    page: Option<u32>,
    created: Option<String>,
}

async fn officers_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    code: &str,
    q: OfficersQuery,
    extra: Value,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    let result = async {
        let agency = agency_of(state, code).await?;
        viewer.authorize(Action::Administer, &Resource::Agency(agency.id))?;
        let list = state
            .store
            .list_accounts(&AccountFilter {
                q: q.q.clone(),
                kind: Some(AccountKind::Officer),
                agency_ids: Some(vec![agency.id]),
                page: PageRequest::new(q.page, Some(50)),
            })
            .await?;
        let points = state.store.receiving_points(&agency.code).await?;
        Ok::<_, ApiError>((agency, list, points))
    }
    .await;
    let (agency, list, points) = match result {
        Ok(r) => r,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let officers: Vec<Value> = list
        .items
        .iter()
        .map(|o| {
            let roles: Vec<Value> = o
                .roles
                .iter()
                .filter(|r| r.agency_id == agency.id)
                .map(|r| context! { role => r.role.as_str(), label => role_label(r.role, lang), receiving_point => r.receiving_point })
                .collect();
            let elsewhere: Vec<String> = o
                .roles
                .iter()
                .filter(|r| r.agency_id != agency.id)
                .map(|r| format!("{} — {}", r.agency_code, role_label(r.role, lang)))
                .collect();
            context! {
                id => o.account.id, login => o.account.login, full_name => o.account.full_name,
                email => o.account.email, totp => o.account.totp.as_ref().is_some_and(|t| t.enabled),
                disabled => o.account.disabled, roles, elsewhere,
                myself => viewer.account_id() == Some(o.account.id),
            }
        })
        .collect();
    let grantable: Vec<Value> = Role::ALL
        .iter()
        .filter(|r| viewer.authorize_grant(agency.id, **r).is_ok())
        .map(|r| context! { role => r.as_str(), label => role_label(*r, lang) })
        .collect();
    let points: Vec<Value> = points
        .iter()
        .map(|p| context! { code => p.code, name => p.name })
        .collect();
    page(
        state,
        lang,
        uri,
        "officers.html",
        context! {
            agency => context! { code => agency.code.as_str(), name => agency.name },
            officers, grantable, points, total => list.total, q => q.q,
            created => q.created.is_some(),
            csrf => viewer.csrf_token(state),
            ..extra
        },
    )
}

pub async fn officers(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<OfficersQuery>,
) -> Response {
    officers_page(&state, lang, &uri, &viewer, &code, q, context! {}).await
}

pub async fn create_officer(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(code): Path<String>,
    CsrfForm { viewer, form }: CsrfForm<NewOfficerInput>,
) -> Response {
    match create_officer_in(&state, &viewer, &code, &form).await {
        Ok(_) => see_other(&format!("/admin/agencies/{code}/officers?created=1")),
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => {
                let kept = context! {
                    login => form.login, full_name => form.full_name, email => form.email,
                    phone => form.phone, role => form.role, receiving_point => form.receiving_point,
                };
                let mut r = officers_page(
                    &state,
                    lang,
                    &uri,
                    &viewer,
                    &code,
                    OfficersQuery::default(),
                    context! { errors, form => kept },
                )
                .await;
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}

#[derive(Deserialize)]
pub struct GrantForm {
    role: Option<String>,
    receiving_point: Option<String>,
}

pub async fn grant_role(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path((code, id)): Path<(String, i64)>,
    CsrfForm { viewer, form }: CsrfForm<GrantForm>,
) -> Response {
    let role = form.role.clone().unwrap_or_default();
    match grant_role_in(
        &state,
        &viewer,
        &code,
        id,
        &role,
        form.receiving_point.as_deref(),
    )
    .await
    {
        Ok(_) => see_other(&format!("/admin/agencies/{code}/officers")),
        Err(err) => error_page(&state, lang, &uri, err),
    }
}

pub async fn revoke_role(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path((code, id, role)): Path<(String, i64, String)>,
    CsrfForm { viewer, .. }: CsrfForm<super::account::Empty>,
) -> Response {
    match revoke_role_in(&state, &viewer, &code, id, &role).await {
        Ok(()) => see_other(&format!("/admin/agencies/{code}/officers")),
        Err(err) => error_page(&state, lang, &uri, err),
    }
}

#[derive(Deserialize, Default)]
pub struct LogQuery {
    agency: Option<String>,
    kind: Option<String>,
    page: Option<u32>,
}

pub async fn security_log(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<LogQuery>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    let page_no = q.page.unwrap_or(1).max(1);
    let events = match load_events(
        &state,
        &viewer,
        q.agency.as_deref(),
        q.kind.clone(),
        PageRequest::new(Some(page_no), Some(50)),
    )
    .await
    {
        Ok(e) => e,
        Err(e) => return error_page(&state, lang, &uri, e),
    };
    let items: Vec<Value> = events
        .items
        .iter()
        .map(|e| {
            context! {
                at => e.at.with_timezone(&motcua_calendar::vietnam()).format("%d/%m/%Y %H:%M:%S").to_string(),
                iso => e.at.to_rfc3339(), kind => e.kind, account => e.account_login, actor => e.actor_login,
                agency => e.agency_code, ip => e.ip,
                detail => if e.detail.as_object().is_some_and(|o| o.is_empty()) { String::new() } else { e.detail.to_string() },
            }
        })
        .collect();
    let pages = (events.total + 49) / 50;
    page(
        &state,
        lang,
        &uri,
        "security_log.html",
        context! {
            items, total => events.total, page => page_no, pages,
            agency => q.agency, kind => q.kind,
        },
    )
}

pub async fn api_keys(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    keys_page(&state, lang, &uri, &viewer, context! {}).await
}

async fn keys_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    extra: Value,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    if let Err(e) = viewer.authorize(Action::Read, &Resource::Integrations) {
        return error_page(state, lang, uri, e);
    }
    let keys = match state.store.list_api_keys().await {
        Ok(k) => k,
        Err(e) => return error_page(state, lang, uri, e.into()),
    };
    let keys: Vec<Value> = keys
        .iter()
        .map(|k| Value::from_serialize(key_view(k)))
        .collect();
    let scopes: Vec<&str> = motcua_auth::token::Scope::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    page(
        state,
        lang,
        uri,
        "api_keys.html",
        context! { keys, scopes, csrf => viewer.csrf_token(state), ..extra },
    )
}

/// The form as its pairs: repeated checkboxes arrive as `scopes=a&scopes=b`, which a struct
/// field cannot collect with axum's (serde_urlencoded) form parser.
type KeyForm = Vec<(String, String)>;

pub async fn create_key(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<KeyForm>,
) -> Response {
    let name = form
        .iter()
        .find(|(k, _)| k == "name")
        .map(|(_, v)| v.as_str());
    let scopes: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "scopes")
        .map(|(_, v)| v.clone())
        .collect();
    match create_key_in(&state, &viewer, name, &scopes).await {
        Ok(created) => {
            keys_page(
                &state,
                lang,
                &uri,
                &viewer,
                context! { created_key => created.key, created_id => created.record.id },
            )
            .await
        }
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => keys_page(&state, lang, &uri, &viewer, context! { errors }).await,
            None => error_page(&state, lang, &uri, err),
        },
    }
}

pub async fn revoke_key(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(id): Path<String>,
    CsrfForm { viewer, .. }: CsrfForm<super::account::Empty>,
) -> Response {
    let result = async {
        viewer.authorize(Action::Delete, &Resource::Integrations)?;
        let mut event = crate::auth::login::admin_event(&viewer, "api_key_revoked", None, None);
        event.detail = serde_json::json!({ "key_id": id });
        state.store.revoke_api_key(&id, event).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => see_other("/admin/api-keys"),
        Err(e) => error_page(&state, lang, &uri, e),
    }
}

#[derive(Deserialize, Default)]
pub struct CalendarQuery {
    year: Option<i32>,
    saved: Option<String>,
}

async fn calendar_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    year: i32,
    extra: Value,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    if let Err(e) = viewer.authorize(Action::Update, &Resource::CalendarNotices) {
        return error_page(state, lang, uri, e);
    }
    let stored = match crate::workcal::stored_notices(state.store.as_ref()).await {
        Ok(s) => s,
        Err(e) => return error_page(state, lang, uri, ApiError::Internal(e.into())),
    };
    let stored_years: Vec<i32> = stored.iter().map(|n| n.year).collect();
    let current = stored
        .iter()
        .find(|n| n.year == year)
        .cloned()
        .or_else(|| motcua_calendar::NoticeSet::bundled().get(year).cloned());
    let is_stored = stored_years.contains(&year);
    let text = current
        .as_ref()
        .and_then(|n| serde_json::to_string_pretty(n).ok())
        .unwrap_or_else(|| {
            format!(
                "{{\n  \"year\": {year},\n  \"days_off\": [],\n  \"workdays_on_weekend\": []\n}}"
            )
        });
    page(
        state,
        lang,
        uri,
        "admin_calendar.html",
        context! {
            year, text, is_stored, has_notice => current.is_some(), stored_years,
            years => (2024..=2030).collect::<Vec<i32>>(),
            csrf => viewer.csrf_token(state),
            ..extra
        },
    )
}

pub async fn calendar(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<CalendarQuery>,
) -> Response {
    let year = q.year.unwrap_or_else(|| {
        use chrono::Datelike;
        chrono::Utc::now()
            .with_timezone(&motcua_calendar::vietnam())
            .year()
    });
    calendar_page(
        &state,
        lang,
        &uri,
        &viewer,
        year,
        context! { saved => q.saved.is_some() },
    )
    .await
}

#[derive(Deserialize)]
pub struct NoticeForm {
    notice: Option<String>,
}

pub async fn save_notice(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(year): Path<i32>,
    CsrfForm { viewer, form }: CsrfForm<NoticeForm>,
) -> Response {
    let text = form.notice.unwrap_or_default();
    let result = async {
        viewer.authorize(Action::Update, &Resource::CalendarNotices)?;
        let notice: motcua_calendar::YearNotice = serde_json::from_str(&text).map_err(|e| {
            FieldError::new(
                "notice",
                "json",
                format!("Nội dung thông báo không đúng định dạng JSON: {e}"),
                format!("The notice is not valid JSON: {e}"),
            )
        })?;
        if notice.year != year {
            return Err(FieldError::new(
                "notice",
                "mismatch",
                "Năm trong nội dung phải trùng với năm đang sửa.",
                "The year in the notice must be the year being edited.",
            )
            .into());
        }
        state
            .calendar
            .put_notice(state.store.as_ref(), notice)
            .await?;
        let mut e = crate::auth::login::admin_event(&viewer, "calendar_notice_saved", None, None);
        e.detail = serde_json::json!({ "year": year });
        state.store.append_security_event(e).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/admin/calendar?year={year}&saved=1")),
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => {
                let mut r = calendar_page(
                    &state,
                    lang,
                    &uri,
                    &viewer,
                    year,
                    context! { errors, submitted => text },
                )
                .await;
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}

pub async fn remove_notice(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(year): Path<i32>,
    CsrfForm { viewer, .. }: CsrfForm<super::account::Empty>,
) -> Response {
    let result = async {
        viewer.authorize(Action::Delete, &Resource::CalendarNotices)?;
        state
            .calendar
            .remove_notice(state.store.as_ref(), year)
            .await?;
        let mut e = crate::auth::login::admin_event(&viewer, "calendar_notice_removed", None, None);
        e.detail = serde_json::json!({ "year": year });
        state.store.append_security_event(e).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match result {
        Ok(()) => see_other(&format!("/admin/calendar?year={year}&saved=1")),
        Err(e) => error_page(&state, lang, &uri, e),
    }
}
