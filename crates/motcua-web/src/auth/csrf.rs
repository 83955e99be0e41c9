//! CSRF on pages: the pre-session cookie for visitors who are not logged in, and the
//! [`CsrfForm`] extractor every page form that changes something goes through.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use chrono::TimeDelta;
use serde::de::DeserializeOwned;

use super::{Viewer, cookie_value};
use crate::AppState;
use crate::error::ApiError;

/// The anonymous visitor's pre-session token (from the cookie, or just issued), and whether
/// a form on the page used it — the cookie is only set then, so plain reading leaves no
/// cookie behind.
#[derive(Debug, Clone)]
pub struct PreSession {
    pub token: String,
    pub used: Arc<AtomicBool>,
}

/// Gives page visitors without a session a pre-session token, so the forms they see (login,
/// registration, password reset) carry a CSRF token bound to it; its cookie is set when a form
/// used it. API paths are left alone.
pub async fn csrf_middleware(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/api/")
        || request.uri().path().starts_with("/static/")
        || cookie_value(request.headers(), state.auth.session_cookie_name()).is_some()
    {
        return next.run(request).await;
    }
    let existing = cookie_value(request.headers(), state.auth.pre_cookie_name())
        .filter(|t| motcua_auth::token::Token::is_well_formed(t))
        .map(str::to_owned);
    let (token, issued) = match existing {
        Some(t) => (t, false),
        None => match motcua_auth::token::Token::generate() {
            Ok(t) => (t.expose().to_owned(), true),
            Err(_) => return next.run(request).await,
        },
    };
    let used = Arc::new(AtomicBool::new(false));
    request.extensions_mut().insert(PreSession {
        token: token.clone(),
        used: used.clone(),
    });
    let mut response = next.run(request).await;
    if issued && used.load(Ordering::Relaxed) {
        let cookie = state.auth.cookie(
            state.auth.pre_cookie_name(),
            &token,
            Some(TimeDelta::days(1)),
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    response
}

/// A url-encoded form whose `csrf` field verified against the viewer's session (or
/// pre-session), with the viewer who sent it. A missing or wrong token is refused with 403
/// before the handler runs.
pub struct CsrfForm<T> {
    pub viewer: Viewer,
    pub form: T,
}

/// Forms larger than this are not forms.
const MAX_FORM_BYTES: usize = 256 * 1024;

impl<T> FromRequest<AppState> for CsrfForm<T>
where
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let (mut parts, body) = request.into_parts();
        let viewer = <Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(
            &mut parts, state,
        )
        .await?;
        if parts.method != Method::POST {
            return Err(ApiError::MethodNotAllowed);
        }
        let bytes: Bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        let presented = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        if !viewer.csrf_valid(state, &presented) {
            return Err(ApiError::CsrfFailed);
        }
        let request = Request::from_parts(parts, Body::from(bytes));
        let axum::Form(form) = axum::Form::<T>::from_request(request, state)
            .await
            .map_err(|e| {
                ApiError::from(motcua_domain::FieldError::new(
                    "form",
                    "format",
                    format!("Biểu mẫu không hợp lệ: {}", e.body_text()),
                    format!("Invalid form: {}", e.body_text()),
                ))
            })?;
        Ok(Self { viewer, form })
    }
}
