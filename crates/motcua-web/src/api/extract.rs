//! Extractors that turn malformed input into problem details instead of plain-text 400s.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use motcua_domain::FieldError;

use crate::error::ApiError;

#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// axum reports deserialization errors as "<what>: <path>: <reason>" (serde_path_to_error);
/// the path is the field to name, when there is one.
fn field_of(detail: &str, after: &str) -> Option<String> {
    let rest = &detail[detail.find(after)? + after.len()..];
    let (path, _) = rest.split_once(": ")?;
    let plausible = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    plausible.then(|| path.to_owned())
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let detail = rejection.body_text();
        FieldError::new(
            field_of(&detail, "target type: ").unwrap_or_else(|| "body".to_owned()),
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
        FieldError::new(
            field_of(&detail, "query string: ").unwrap_or_else(|| "query".to_owned()),
            "format",
            format!("Tham số truy vấn không hợp lệ: {detail}"),
            format!("Invalid query parameter: {detail}"),
        )
        .into()
    }
}

/// Turns axum's bare 405 into problem details, keeping its `Allow` header.
pub async fn method_not_allowed_as_problem(
    response: axum::response::Response,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if response.status() != axum::http::StatusCode::METHOD_NOT_ALLOWED
        || response
            .headers()
            .contains_key(axum::http::header::CONTENT_TYPE)
    {
        return response;
    }
    let allow = response.headers().get(axum::http::header::ALLOW).cloned();
    let mut problem = ApiError::MethodNotAllowed.into_response();
    if let Some(allow) = allow {
        problem
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow);
    }
    problem
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_the_field_from_axum_messages() {
        let json = "Failed to deserialize the JSON body into the target type: valid_from: input contains invalid characters at line 1 column 80";
        assert_eq!(
            super::field_of(json, "target type: ").as_deref(),
            Some("valid_from")
        );
        let query = "Failed to deserialize query string: page: invalid digit found in string";
        assert_eq!(
            super::field_of(query, "query string: ").as_deref(),
            Some("page")
        );
        assert_eq!(
            super::field_of(
                "Failed to parse the request body as JSON: EOF while parsing",
                "target type: "
            ),
            None
        );
    }
}
