//! One error model for the HTTP layer.
//!
//! API errors answer with RFC 9457 problem details (`application/problem+json`) naming each
//! bad field in Vietnamese and English. Server faults are logged with their detail and the
//! request id; the client sees only that something failed and the id to quote.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_domain::{FieldError, Validation};
use motcua_store::StoreError;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("invalid input")]
    Invalid(Validation),
    #[error("not found")]
    NotFound,
    #[error("unauthorized")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The form or API call lacked a valid CSRF token.
    #[error("CSRF token missing or invalid")]
    CsrfFailed,
    #[error("payload too large")]
    PayloadTooLarge,
    /// An uploaded file over the size limit: 413 naming the field.
    #[error("file too large")]
    FileTooLarge(FieldError),
    /// Throttled (login attempts, tracking lookups): try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// The resource changed since the client read it (optimistic versioning).
    #[error("changed meanwhile")]
    ChangedMeanwhile,
    #[error("conflict on {0}")]
    Conflict(&'static str),
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Invalid(v) => Self::Invalid(v),
            StoreError::NotFound => Self::NotFound,
            StoreError::Stale => Self::ChangedMeanwhile,
            StoreError::Conflict { field } => Self::Conflict(field),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<Validation> for ApiError {
    fn from(v: Validation) -> Self {
        Self::Invalid(v)
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        Self::Invalid(e.into())
    }
}

/// RFC 9457 problem details, with our extension members `detail_vi` and `errors`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: &'static str,
    pub status: u16,
    pub detail: String,
    pub detail_vi: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::CsrfFailed => StatusCode::FORBIDDEN,
            Self::PayloadTooLarge | Self::FileTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::ChangedMeanwhile => StatusCode::CONFLICT,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status().as_u16();
        let (kind, title, detail_vi, detail, errors) = match self {
            Self::Invalid(v) => (
                "urn:motcua:problem:validation",
                "Invalid input",
                "Dữ liệu gửi lên không hợp lệ: xem từng trường trong errors.".to_owned(),
                "The submitted data is invalid: see each field in errors.".to_owned(),
                v.0.clone(),
            ),
            Self::NotFound => (
                "urn:motcua:problem:not-found",
                "Not found",
                "Không tìm thấy.".to_owned(),
                "Not found.".to_owned(),
                vec![],
            ),
            Self::Unauthorized => (
                "urn:motcua:problem:unauthorized",
                "Unauthorized",
                "Cần đăng nhập hoặc khóa API hợp lệ.".to_owned(),
                "A login or a valid API key is required.".to_owned(),
                vec![],
            ),
            Self::Forbidden => (
                "urn:motcua:problem:forbidden",
                "Forbidden",
                "Bạn không có quyền thực hiện thao tác này.".to_owned(),
                "You are not allowed to do this.".to_owned(),
                vec![],
            ),
            Self::MethodNotAllowed => (
                "urn:motcua:problem:method-not-allowed",
                "Method not allowed",
                "Phương thức HTTP này không được hỗ trợ tại địa chỉ này; xem tiêu đề Allow."
                    .to_owned(),
                "This HTTP method is not supported here; see the Allow header.".to_owned(),
                vec![],
            ),
            Self::CsrfFailed => (
                "urn:motcua:problem:csrf",
                "Forbidden",
                "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và thử lại."
                    .to_owned(),
                "The form's security token is missing or expired; reload the page and try again."
                    .to_owned(),
                vec![FieldError::new(
                    "csrf",
                    "invalid",
                    "Mã bảo vệ biểu mẫu (CSRF) thiếu hoặc không hợp lệ.",
                    "The form protection token (CSRF) is missing or invalid.",
                )],
            ),
            Self::PayloadTooLarge => (
                "urn:motcua:problem:too-large",
                "Payload too large",
                "Dữ liệu gửi lên quá lớn.".to_owned(),
                "The submitted data is too large.".to_owned(),
                vec![],
            ),
            Self::FileTooLarge(e) => (
                "urn:motcua:problem:too-large",
                "Payload too large",
                e.message_vi.clone(),
                e.message_en.clone(),
                vec![e.clone()],
            ),
            Self::TooManyRequests { retry_after } => (
                "urn:motcua:problem:too-many-requests",
                "Too many requests",
                format!("Quá nhiều lần thử; vui lòng thử lại sau {retry_after} giây."),
                format!("Too many attempts; please try again in {retry_after} seconds."),
                vec![],
            ),
            Self::ChangedMeanwhile => (
                "urn:motcua:problem:changed-meanwhile",
                "Conflict",
                "Dữ liệu đã được người khác thay đổi trong lúc bạn thao tác; hãy tải lại và thử lại."
                    .to_owned(),
                "It was changed by someone else meanwhile; reload and try again.".to_owned(),
                vec![FieldError::new(
                    "version",
                    "stale",
                    "Phiên bản đã cũ.",
                    "The version is stale.",
                )],
            ),
            Self::Conflict(field) => (
                "urn:motcua:problem:conflict",
                "Conflict",
                format!("Giá trị của trường {field} đã được sử dụng."),
                format!("The value of {field} is already taken."),
                vec![FieldError::new(
                    *field,
                    "taken",
                    "Giá trị này đã được sử dụng.",
                    "This value is already taken.",
                )],
            ),
            Self::Unavailable(_) => (
                "urn:motcua:problem:unavailable",
                "Service unavailable",
                "Hệ thống tạm thời không sẵn sàng, vui lòng thử lại sau.".to_owned(),
                "The service is temporarily unavailable, please try again later.".to_owned(),
                vec![],
            ),
            Self::Internal(_) => (
                "urn:motcua:problem:internal",
                "Internal error",
                "Đã có lỗi xảy ra; lỗi đã được ghi lại. Vui lòng thử lại sau.".to_owned(),
                "Something went wrong; it has been logged. Please try again later.".to_owned(),
                vec![],
            ),
        };
        Problem {
            kind,
            title,
            status,
            detail,
            detail_vi,
            errors,
        }
    }

    /// Logs what the client must not see.
    pub fn log(&self) {
        match self {
            Self::Internal(err) => tracing::error!(error = format!("{err:#}"), "request failed"),
            Self::Unavailable(why) => tracing::warn!(reason = %why, "service unavailable"),
            _ => {}
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let retry_after = match &self {
            Self::TooManyRequests { retry_after } => Some(*retry_after),
            _ => None,
        };
        let mut response = (status, axum::Json(self.problem())).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_hide_their_detail() {
        let err = ApiError::Internal(anyhow::anyhow!("password=hunter2 at db"));
        let json = serde_json::to_string(&err.problem()).unwrap();
        assert!(!json.contains("hunter2"));
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn validation_lists_each_field() {
        let err = ApiError::Invalid(Validation(vec![FieldError::required("name")]));
        let p = err.problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors[0].field, "name");
        assert!(!p.errors[0].message_vi.is_empty());
    }
}
