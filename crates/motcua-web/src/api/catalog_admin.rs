//! System administrators manage the catalog: an import of national-portal procedures (one
//! JSON object per line, the format of `motcua import tthc`) over the API, with the same
//! parser, the same report and the same versioning — a changed procedure gets a new
//! version, dossiers keep the version they were received under. The search index is rebuilt
//! at once.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use motcua_auth::policy::{Action, Resource};
use motcua_domain::FieldError;

use super::ApiQuery;
use crate::AppState;
use crate::auth::Viewer;
use crate::catalog::CatalogImport;
use crate::error::{ApiError, ApiResult};

/// The largest import body: the whole national export is about 34 MB.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Where the lines come from (a file name), kept with each new version.
    pub source: Option<String>,
}

/// Imports `body` (JSON lines) as `viewer`, records it in the security log and refreshes
/// the search index. An empty body, or one without a single procedure, changes nothing.
pub async fn import(
    state: &AppState,
    viewer: &Viewer,
    body: &[u8],
    source: Option<&str>,
) -> ApiResult<CatalogImport> {
    viewer.authorize(Action::Update, &Resource::Catalog)?;
    let login = viewer
        .account
        .as_ref()
        .map_or("admin", |a| a.login.as_str());
    let source = match source.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => format!(
            "{} (import by {login})",
            s.chars().take(200).collect::<String>()
        ),
        None => format!("import by {login}"),
    };
    let (batch, records) =
        crate::catalog::import_records(body, &source).map_err(ApiError::Internal)?;
    if records.is_empty() {
        return Err(FieldError::new(
            "file",
            "no_procedures",
            format!(
                "Không đọc được thủ tục nào ({} dòng lỗi). Tệp phải có mỗi dòng một thủ tục theo định dạng của Cổng dịch vụ công quốc gia.",
                batch.errors.len()
            ),
            format!(
                "No procedure could be read ({} bad lines). The file must hold one procedure per line in the national portal's format.",
                batch.errors.len()
            ),
        )
        .into());
    }
    let stored = state.store.import_procedures(&records).await?;
    let mut event = crate::auth::login::admin_event(viewer, "catalog_imported", None, None);
    event.detail = serde_json::json!({
        "source": source, "procedures": records.len(), "inserted": stored.inserted,
        "new_versions": stored.new_versions, "unchanged": stored.unchanged,
        "failed_lines": batch.errors.len(),
    });
    state.store.append_security_event(event).await?;
    state
        .catalog
        .refresh_if_changed(state.store.as_ref())
        .await
        .map_err(ApiError::Internal)?;
    Ok(CatalogImport {
        report: batch.report,
        stored,
        failed_lines: batch.errors,
    })
}

/// `POST /api/v1/procedures/import`: JSON lines of the national portal (system
/// administrators). Answers the parse report and how many procedures were new, got a new
/// version or were unchanged.
#[utoipa::path(post, path = "/api/v1/procedures/import", tag = "procedures", params(ImportQuery),
    request_body(content = String, content_type = "application/x-ndjson", description = "one procedure per line, as exported by the national portal"),
    responses((status = 200, body = CatalogImport), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn post_import(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Bytes,
) -> ApiResult<Json<CatalogImport>> {
    Ok(Json(
        import(&state, &viewer, &body, q.source.as_deref()).await?,
    ))
}
