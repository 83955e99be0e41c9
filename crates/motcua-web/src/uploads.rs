//! Reading a `multipart/form-data` upload (one file and a few text fields) within limits, for
//! the API and the pages alike.
//!
//! axum's default body limit (2 MB) belongs to its extractors (`Json`, `Form`, `Multipart`);
//! upload handlers take the raw request and read its stream here, with the configured limit
//! instead: the whole body may be the largest file plus [`FORM_OVERHEAD`]; a file over the
//! limit is read to its end and dropped (so the client hears the 413 instead of a reset
//! connection), a body over the whole limit is cut off (a `Content-Length` over it is refused
//! before reading). Page forms carry their CSRF token in a `csrf` field that must come
//! before the file (as the templates place it): a file is never read for a request whose
//! token did not check.

use std::collections::BTreeMap;

use axum::extract::Request;
use axum::http::header;
use bytes::{Bytes, BytesMut};
use motcua_domain::FieldError;

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// Room for the form's other fields and the multipart framing.
pub const FORM_OVERHEAD: usize = 1024 * 1024;
/// A text field of an upload form.
const MAX_TEXT_FIELD: usize = 16 * 1024;
const MAX_FIELDS: usize = 32;
/// A url-encoded form posted where an upload was expected (no file in it).
const MAX_URLENCODED: usize = 64 * 1024;

/// A file as received; its name and declared type are the client's word, not trusted.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub declared_type: Option<String>,
    pub bytes: Bytes,
}

/// The text fields and the file of an upload form.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: BTreeMap<String, String>,
    pub file: Option<Upload>,
}

impl UploadForm {
    /// A text field, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    }
}

/// How the form proves it came from our page.
#[derive(Clone, Copy)]
pub enum Csrf<'a> {
    /// API calls: checked by the API middleware (`X-CSRF-Token` with a session cookie).
    Checked,
    /// A page form: its `csrf` field must verify for this viewer, before the file.
    Field(&'a Viewer),
}

/// The error for a file over `max` bytes.
pub fn too_large(max: usize) -> ApiError {
    let mib = max as f64 / (1024.0 * 1024.0);
    ApiError::FileTooLarge(FieldError::new(
        "file",
        "too_large",
        format!("Tệp quá lớn: tối đa {mib:.0} MiB."),
        format!("The file is too large: at most {mib:.0} MiB."),
    ))
}

fn malformed(why: impl std::fmt::Display) -> ApiError {
    FieldError::new(
        "file",
        "multipart",
        format!("Không đọc được biểu mẫu gửi tệp (multipart/form-data): {why}"),
        format!("The upload form (multipart/form-data) cannot be read: {why}"),
    )
    .into()
}

/// Reads the upload form of `request`.
pub async fn read(state: &AppState, request: Request, csrf: Csrf<'_>) -> ApiResult<UploadForm> {
    let max_file = state.blobs.max_file_bytes();
    let max_body = max_file + FORM_OVERHEAD;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let declared_length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Ok(boundary) = multer::parse_boundary(&content_type) else {
        return read_urlencoded(state, request, csrf, &content_type).await;
    };
    if declared_length.is_some_and(|n| n > max_body as u64) {
        return Err(too_large(max_file));
    }
    let limits = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(max_body as u64)
            .per_field(max_body as u64),
    );
    let stream = request.into_body().into_data_stream();
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, limits);
    let mut form = UploadForm::default();
    let mut verified = matches!(csrf, Csrf::Checked);
    let mut count = 0;
    let mut file_too_large = false;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(stream_error(e, max_file)),
        };
        count += 1;
        if count > MAX_FIELDS {
            return Err(malformed("too many fields"));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if !verified {
                return Err(ApiError::CsrfFailed);
            }
            if form.file.is_some() {
                return Err(FieldError::new(
                    "file",
                    "one_file",
                    "Mỗi lần chỉ gửi một tệp.",
                    "Send one file at a time.",
                )
                .into());
            }
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let declared_type = field.content_type().map(|m| m.essence_str().to_owned());
            let mut field = field;
            let mut buf = BytesMut::new();
            let mut seen = 0usize;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        seen += chunk.len();
                        if seen > max_file {
                            // Read to the end (bounded by the whole-body limit), keep nothing.
                            file_too_large = true;
                            buf = BytesMut::new();
                        } else {
                            buf.extend_from_slice(&chunk);
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(stream_error(e, max_file)),
                }
            }
            // A browser sends an empty part when no file was chosen.
            if !(file_name.is_empty() && seen == 0) {
                form.file = Some(Upload {
                    file_name,
                    declared_type,
                    bytes: buf.freeze(),
                });
            }
        } else {
            let mut field = field;
            let mut buf = Vec::new();
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        buf.extend_from_slice(&chunk);
                        if buf.len() > MAX_TEXT_FIELD {
                            return Err(FieldError::too_long(name, MAX_TEXT_FIELD).into());
                        }
                    }
                    Ok(None) => break,
                    Err(e) => return Err(stream_error(e, max_file)),
                }
            }
            let text = String::from_utf8(buf).map_err(|_| malformed("text is not UTF-8"))?;
            if name == "csrf"
                && let Csrf::Field(viewer) = csrf
            {
                if !viewer.csrf_valid(state, text.trim()) {
                    return Err(ApiError::CsrfFailed);
                }
                verified = true;
            }
            form.fields.insert(name, text);
        }
    }
    if !verified {
        return Err(ApiError::CsrfFailed);
    }
    if file_too_large {
        return Err(too_large(max_file));
    }
    Ok(form)
}

fn stream_error(e: multer::Error, max_file: usize) -> ApiError {
    match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            too_large(max_file)
        }
        other => malformed(other),
    }
}

/// A form without a file: pages check its token like any form; the API says a multipart
/// upload was expected.
async fn read_urlencoded(
    state: &AppState,
    request: Request,
    csrf: Csrf<'_>,
    content_type: &str,
) -> ApiResult<UploadForm> {
    let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
    let bytes = axum::body::to_bytes(request.into_body(), MAX_URLENCODED)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let fields: BTreeMap<String, String> = if urlencoded {
        form_urlencoded::parse(&bytes).into_owned().collect()
    } else {
        BTreeMap::new()
    };
    if let Csrf::Field(viewer) = csrf {
        let presented = fields.get("csrf").map(String::as_str).unwrap_or_default();
        if !viewer.csrf_valid(state, presented) {
            return Err(ApiError::CsrfFailed);
        }
    } else if !urlencoded {
        return Err(malformed("multipart/form-data expected"));
    }
    Ok(UploadForm { fields, file: None })
}
