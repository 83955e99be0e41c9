//! Extractors that turn malformed input into problem details instead of plain-text 400s.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use motcua_domain::FieldError;

use crate::AppState;
use crate::error::ApiError;

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = rejection.body_text();
        FieldError::new(
            "body",
            "json",
            format!("Nội dung gửi lên không phải JSON hợp lệ theo yêu cầu: {detail}"),
            format!("The request body is not the expected JSON: {detail}"),
        )
        .into()
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        let detail = rejection.body_text();
        // serde_urlencoded names the parameter in its message; pass it on.
        FieldError::new(
            "query",
            "format",
            format!("Tham số truy vấn không hợp lệ: {detail}"),
            format!("Invalid query parameter: {detail}"),
        )
        .into()
    }
}

/// Proof that the caller presented the bootstrap administrator token
/// (`Authorization: Bearer …`). Stands in for administrator accounts until they exist.
pub struct AdminToken;

impl FromRequestParts<AppState> for AdminToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthorized)?;
        match &state.config.admin_token {
            Some(expected) if constant_time_eq(presented.as_bytes(), expected.as_bytes()) => {
                Ok(Self)
            }
            _ => Err(ApiError::Forbidden),
        }
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
