//! The public tracking page: a dossier code and a second factor (phone, the last 4 digits of
//! the applicant's ID, or the receipt QR code's secret) show the status, the appointment, the
//! agency holding it and the milestones. The same look-up as the API (one throttle against
//! enumeration, the same answer for an unknown code and a wrong factor).

use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;

use super::{error_page, page};
use crate::AppState;
use crate::api::ApiQuery;
use crate::api::dossiers::track_lookup;
use crate::auth::Viewer;
use crate::dossiers::TrackQuery;
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(Debug, Default, serde::Deserialize)]
pub struct TrackForm {
    pub code: Option<String>,
    pub phone: Option<String>,
    pub id_last4: Option<String>,
    pub secret: Option<String>,
}

/// `GET /tracking`: the form, and the result once a code and a factor are given.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    ApiQuery(form): ApiQuery<TrackForm>,
) -> Response {
    show(&state, lang, &uri, &viewer, form).await
}

/// `GET /tracking/{code}?secret=…`: where the QR code of a printed form leads.
pub async fn by_code(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(code): Path<String>,
    ApiQuery(mut form): ApiQuery<TrackForm>,
) -> Response {
    form.code = Some(code);
    show(&state, lang, &uri, &viewer, form).await
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

async fn show(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    form: TrackForm,
) -> Response {
    let code = given(&form.code);
    let query = TrackQuery {
        phone: given(&form.phone),
        id_last4: given(&form.id_last4),
        secret: given(&form.secret),
    };
    let has_factor = query.phone.is_some() || query.id_last4.is_some() || query.secret.is_some();
    let mut status = StatusCode::OK;
    let mut problem: Option<&str> = None;
    let mut result = None;
    match (&code, has_factor) {
        (None, false) => {}
        (None, true) => problem = Some("tracking.need_code"),
        (Some(_), false) => problem = Some("tracking.need_factor"),
        (Some(code), true) => match track_lookup(state, viewer, code, &query).await {
            Ok(t) => {
                let procedure_name = state
                    .catalog
                    .get()
                    .summaries
                    .get(&t.procedure_code)
                    .map(|p| p.name.clone());
                result = Some(context! {
                    t => minijinja::Value::from_serialize(&t),
                    procedure_name,
                    milestones => t.milestones.iter().rev().map(|m| context! {
                        at => m.at.to_rfc3339(), kind => format!("tracking.kind.{}", m.kind),
                        status => m.status.as_ref().map(|s| format!("tracking.state.{s}")),
                    }).collect::<Vec<_>>(),
                });
            }
            Err(ApiError::NotFound) => {
                status = StatusCode::NOT_FOUND;
                problem = Some("tracking.not_found");
            }
            Err(ApiError::TooManyRequests { .. }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                problem = Some("tracking.too_many");
            }
            Err(err) => return error_page(state, lang, uri, err),
        },
    }
    let mut response = page(
        state,
        lang,
        uri,
        "tracking.html",
        context! {
            code, phone => query.phone, id_last4 => query.id_last4,
            // From a QR code: the secret stays in the form, never shown.
            secret => query.secret, problem, result,
        },
    );
    *response.status_mut() = status;
    response
}
