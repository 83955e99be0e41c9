//! Documents over HTTP: a dossier's documents (add by upload or from the applicant's document
//! store, list, download) and one's own document store (list, upload, rename, remove,
//! download). Uploads are `multipart/form-data`; the rules are in [`crate::documents`].

use axum::Json;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use motcua_store::{ApplicantDocument, DossierDocument};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::AppState;
use crate::auth::Viewer;
use crate::documents;
use crate::error::ApiResult;
use crate::uploads::{self, Csrf};

/// A document of a dossier.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    pub id: i64,
    pub dossier_id: i64,
    /// `application` (submitted, or scanned at the counter) or `result`.
    pub role: String,
    pub name: String,
    pub file_name: String,
    /// As recognised from the content when it was added.
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the content (hex), as recorded in the dossier's log.
    pub sha256: String,
    pub added_by: Option<i64>,
    pub added_at: DateTime<Utc>,
}

fn view(d: DossierDocument) -> DocumentView {
    DocumentView {
        id: d.id,
        dossier_id: d.dossier_id,
        role: d.role,
        name: d.name,
        file_name: d.file_name,
        content_type: d.content_type,
        size_bytes: d.size_bytes,
        sha256: d.sha256,
        added_by: d.added_by,
        added_at: d.added_at,
    }
}

/// An entry of one's document store.
#[derive(Serialize, utoipa::ToSchema)]
pub struct MyDocumentView {
    pub id: i64,
    pub name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// `upload`, `submitted` (with a dossier) or `result` (issued to you).
    pub source: String,
    pub source_dossier_id: Option<i64>,
    pub added_at: DateTime<Utc>,
}

fn mine(d: ApplicantDocument) -> MyDocumentView {
    MyDocumentView {
        id: d.id,
        name: d.name,
        file_name: d.file_name,
        content_type: d.content_type,
        size_bytes: d.size_bytes,
        sha256: d.sha256,
        source: d.source,
        source_dossier_id: d.source_dossier_id,
        added_at: d.added_at,
    }
}

/// The multipart form of `POST /api/v1/dossiers/{id}/documents`.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document"
)]
pub struct DocumentUpload {
    /// The file (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT or ODS, recognised by content); or
    /// `from_my_documents` instead.
    #[schema(value_type = Option<String>, format = Binary)]
    pub file: Option<Vec<u8>>,
    /// The id of an entry of your document store, attached without uploading again.
    pub from_my_documents: Option<i64>,
    /// The document's title, e.g. «Tờ khai đăng ký khai sinh» (default: the file name).
    pub name: Option<String>,
    /// `application` (default) or `result`.
    pub role: Option<String>,
}

/// The multipart form of `POST /api/v1/me/documents`.
#[derive(utoipa::ToSchema)]
#[allow(
    dead_code,
    reason = "describes the multipart form for the OpenAPI document"
)]
pub struct MyDocumentUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    pub name: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RenameInput {
    pub name: Option<String>,
}

fn idempotency_key(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
}

/// `POST /api/v1/dossiers/{id}/documents`: adds a document — the owner while it is a draft or
/// a supplement is requested; counter staff (scans of paper) until it is received; those who
/// process or approve it, its results. The content's hash goes on the dossier's log. Send
/// `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/documents", tag = "documents",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "repeat-safe upload")),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = DocumentView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "Idempotency-Key used for another dossier"),
        (status = 413, body = crate::error::Problem, description = "the file is over the size limit"), (status = 422, body = crate::error::Problem)))]
pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    request: Request,
) -> ApiResult<(StatusCode, Json<DocumentView>)> {
    // Who asks and whether they see the dossier come before reading a byte of the body.
    crate::dossiers::load_readable(&state, &viewer, id).await?;
    let key = idempotency_key(request.headers()).map(str::to_owned);
    let form = uploads::read(&state, request, Csrf::Checked).await?;
    let (doc, _) = documents::add_to_dossier(&state, &viewer, id, &form, key.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(view(doc))))
}

/// `GET /api/v1/dossiers/{id}/documents`: the dossier's documents, as those who may read it
/// see them (an officer's listing is logged as a view).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/documents", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DocumentView>), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<DocumentView>>> {
    let (d, docs) = documents::list(&state, &viewer, id).await?;
    documents::log_view(
        &state,
        &viewer,
        d.id,
        serde_json::json!({ "documents": "list" }),
    )
    .await?;
    Ok(Json(docs.into_iter().map(view).collect()))
}

/// `GET /api/v1/dossiers/{id}/documents/{doc}/content`: the file, as an attachment with the
/// type recognised at upload (an officer's download is logged as a view).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/documents/{doc}/content", tag = "documents",
    params(("id" = i64, Path), ("doc" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn content(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((id, doc)): Path<(i64, i64)>,
) -> ApiResult<Response> {
    documents::download(&state, &viewer, id, doc).await
}

/// `GET /api/v1/me/documents`: one's document store (kho dữ liệu điện tử), newest first.
#[utoipa::path(get, path = "/api/v1/me/documents", tag = "documents",
    responses((status = 200, body = Vec<MyDocumentView>), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn my_list(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<Vec<MyDocumentView>>> {
    let docs = documents::my_documents(&state, &viewer).await?;
    Ok(Json(docs.into_iter().map(mine).collect()))
}

/// `POST /api/v1/me/documents`: keeps a file in one's document store. The same content
/// again is the same entry (200 instead of 201).
#[utoipa::path(post, path = "/api/v1/me/documents", tag = "documents",
    request_body(content = MyDocumentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = MyDocumentView), (status = 200, body = MyDocumentView, description = "already in the store"),
        (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem),
        (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn my_add(
    State(state): State<AppState>,
    viewer: Viewer,
    request: Request,
) -> ApiResult<(StatusCode, Json<MyDocumentView>)> {
    viewer.require_account()?;
    let form = uploads::read(&state, request, Csrf::Checked).await?;
    let (doc, created) = documents::keep_mine(&state, &viewer, &form).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(mine(doc))))
}

/// `PATCH /api/v1/me/documents/{id}`: renames an entry.
#[utoipa::path(patch, path = "/api/v1/me/documents/{id}", tag = "documents", params(("id" = i64, Path)), request_body = RenameInput,
    responses((status = 200, body = MyDocumentView), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn my_rename(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RenameInput>,
) -> ApiResult<Json<MyDocumentView>> {
    let doc = documents::rename_mine(&state, &viewer, id, input.name.as_deref()).await?;
    Ok(Json(mine(doc)))
}

/// `DELETE /api/v1/me/documents/{id}`: removes an entry from one's store (dossiers it was
/// attached to keep their copy).
#[utoipa::path(delete, path = "/api/v1/me/documents/{id}", tag = "documents", params(("id" = i64, Path)),
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn my_remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    documents::remove_mine(&state, &viewer, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me/documents/{id}/content`: the file of an entry of one's store.
#[utoipa::path(get, path = "/api/v1/me/documents/{id}/content", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, description = "the file", content_type = "application/octet-stream"), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn my_content(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    documents::download_mine(&state, &viewer, id).await
}
