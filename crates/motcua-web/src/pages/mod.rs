//! Server-rendered pages. They work without JavaScript and read the same store as the API.

mod account;
mod admin;
mod agencies;
mod calendar;
mod catalog_admin;
mod documents;
mod dossier_view;
mod dossiers;
mod eform;
mod forms;
mod home;
mod local_settings;
mod point_weeks;
mod procedures;
mod search;
mod submission;
mod tracking;
mod units;
mod work;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::Value;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::i18n::Lang;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/agencies", get(agencies::index))
        .route("/agencies/{code}", get(agencies::show))
        .route("/units", get(units::index))
        .route("/units/{code}", get(units::show))
        .route("/calendar", get(calendar::index))
        .route("/procedures", get(search::procedures))
        .route("/procedures/{code}", get(procedures::show))
        .route("/fields", get(search::fields))
        .route("/tracking", get(tracking::index))
        .route("/dossiers/{id}/forms/{number}", get(forms::show))
        .route("/tracking/{code}", get(tracking::by_code))
        .route("/login", get(account::login_form).post(account::login))
        .route(
            "/login/totp",
            get(account::totp_form).post(account::totp_login),
        )
        .route("/logout", post(account::logout))
        .route(
            "/register",
            get(account::register_form).post(account::register),
        )
        .route(
            "/account",
            get(account::profile).post(account::update_profile),
        )
        .route(
            "/account/password",
            get(account::password_form).post(account::change_password),
        )
        .route(
            "/account/totp",
            get(account::totp_setup).post(account::totp_confirm),
        )
        .route("/account/totp/disable", post(account::totp_disable))
        .route(
            "/account/documents",
            get(documents::mine).post(documents::upload_mine),
        )
        .route("/account/documents/{id}", get(documents::download_mine))
        .route(
            "/account/documents/{id}/delete",
            post(documents::remove_mine),
        )
        .route(
            "/account/documents/{id}/rename",
            post(documents::rename_mine),
        )
        .route("/dossiers/{id}/documents", post(documents::upload))
        .route("/dossiers/{id}/documents/{doc}", get(documents::download))
        .route(
            "/password/forgot",
            get(account::forgot_form).post(account::forgot),
        )
        .route(
            "/password/reset",
            get(account::reset_form).post(account::reset),
        )
        .route("/work", get(admin::work))
        .route(
            "/procedures/{code}/submit",
            get(submission::submit_form).post(submission::submit),
        )
        .route("/dossiers", get(dossiers::mine))
        .route("/dossiers/{id}", get(dossiers::show))
        .route("/dossiers/{id}/commands", post(dossiers::give))
        .route("/work/dossiers", get(work::queues))
        .route(
            "/work/reception",
            get(work::reception_form).post(work::receive_paper),
        )
        .route(
            "/admin/agencies/{code}/officers",
            get(admin::officers).post(admin::create_officer),
        )
        .route(
            "/admin/agencies/{code}/officers/{id}/roles",
            post(admin::grant_role),
        )
        .route(
            "/admin/agencies/{code}/officers/{id}/roles/{role}/revoke",
            post(admin::revoke_role),
        )
        .route(
            "/admin/agencies/{code}/procedures",
            get(local_settings::index),
        )
        .route(
            "/admin/agencies/{code}/procedures/{proc}",
            get(local_settings::edit).post(local_settings::save),
        )
        .route(
            "/admin/agencies/{code}/receiving-points",
            get(point_weeks::index).post(point_weeks::save),
        )
        .route("/admin/security-log", get(admin::security_log))
        .route(
            "/admin/api-keys",
            get(admin::api_keys).post(admin::create_key),
        )
        .route("/admin/api-keys/{id}/revoke", post(admin::revoke_key))
        .route(
            "/admin/catalog",
            get(catalog_admin::index).post(catalog_admin::import),
        )
        .route("/admin/calendar", get(admin::calendar))
        .route("/admin/calendar/{year}", post(admin::save_notice))
        .route("/admin/calendar/{year}/remove", post(admin::remove_notice))
}

/// What the header shows about the person browsing: set for each page request by
/// [`nav_middleware`], read by [`page`] (a task-local, so the many read-only pages need not
/// thread it through).
#[derive(Debug, Clone, Default)]
pub(crate) struct Nav {
    pub name: Option<String>,
    pub officer: bool,
    pub csrf: Option<String>,
}

tokio::task_local! {
    static NAV: Nav;
}

/// Resolves the viewer once for a page request (handlers reuse it) and makes the header's
/// account links available to every template.
pub async fn nav_middleware(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    if path.starts_with("/api/") || path.starts_with("/static/") {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let viewer = <Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(
        &mut parts, &state,
    )
    .await
    .ok();
    let nav = viewer
        .map(|v| Nav {
            name: v.account.as_ref().map(|a| a.full_name.clone()),
            officer: v.is_officer(),
            csrf: v.account.as_ref().and_then(|_| v.csrf_token(&state)),
        })
        .unwrap_or_default();
    NAV.scope(
        nav,
        next.run(axum::extract::Request::from_parts(parts, body)),
    )
    .await
}

/// Maps a validation error to `{field: message}` in the visitor's language, for forms.
pub(crate) fn form_errors(err: &ApiError, lang: Lang) -> Option<Value> {
    let ApiError::Invalid(v) = err else {
        return None;
    };
    let map: std::collections::BTreeMap<String, String> =
        v.0.iter()
            .map(|e| {
                let msg = match lang {
                    Lang::Vi => e.message_vi.clone(),
                    Lang::En => e.message_en.clone(),
                };
                (e.field.clone(), msg)
            })
            .collect();
    Some(Value::from_serialize(&map))
}

/// A redirect after a successful POST (303: the browser follows with GET).
pub(crate) fn see_other(to: &str) -> Response {
    axum::response::Redirect::to(to).into_response()
}

/// Pages that need a login send anonymous visitors to the login form and back.
pub(crate) fn login_redirect(uri: &OriginalUri) -> Response {
    let next: String = form_urlencoded::byte_serialize(uri.path().as_bytes()).collect();
    axum::response::Redirect::to(&format!("/login?next={next}")).into_response()
}

/// Renders a page or, when rendering itself fails, a plain error.
pub(crate) fn page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    name: &str,
    ctx: Value,
) -> Response {
    let nav = NAV.try_with(Nav::clone).unwrap_or_default();
    let ctx = minijinja::context! { nav_name => nav.name, nav_officer => nav.officer, nav_csrf => nav.csrf, ..ctx };
    match crate::templates::render(&state.templates, name, lang, uri.path(), ctx) {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, template = name, "template failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Lỗi hệ thống / Internal error",
            )
                .into_response()
        }
    }
}

/// The HTML counterpart of an [`ApiError`]: same status, a page in the visitor's language.
pub(crate) fn error_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    err: ApiError,
) -> Response {
    if matches!(err, ApiError::Unauthorized) {
        return login_redirect(uri);
    }
    err.log();
    let status = err.status();
    let key = match status {
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => "error.forbidden",
        StatusCode::UNPROCESSABLE_ENTITY => "error.invalid",
        _ => "error.internal",
    };
    let mut response = page(
        state,
        lang,
        uri,
        "error.html",
        minijinja::context! { status => status.as_u16(), message_key => key },
    );
    *response.status_mut() = status;
    response
}

/// Unknown paths: problem details under `/api/`, a page elsewhere.
pub async fn not_found(
    axum::extract::State(state): axum::extract::State<AppState>,
    lang: Lang,
    uri: OriginalUri,
) -> Response {
    if uri.path().starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    error_page(&state, lang, &uri, ApiError::NotFound)
}
