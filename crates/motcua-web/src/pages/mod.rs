//! Server-rendered pages. They work without JavaScript and read the same store as the API.

mod agencies;
mod calendar;
mod home;
mod procedures;
mod search;
mod units;

use axum::Router;
use axum::extract::OriginalUri;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use minijinja::Value;

use crate::AppState;
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
}

/// Renders a page or, when rendering itself fails, a plain error.
pub(crate) fn page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    name: &str,
    ctx: Value,
) -> Response {
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
