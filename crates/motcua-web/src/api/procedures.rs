//! The procedure catalog over HTTP.

use axum::Json;
use axum::extract::{Path, State};
use motcua_catalog::{Procedure, RawFields};
use motcua_store::StoredProcedure;
use serde::{Deserialize, Serialize};

use super::{ApiQuery, parse_expand};
use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// A procedure as the API and the pages show it: the parsed document and its version.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProcedureView {
    #[serde(flatten)]
    pub procedure: Procedure,
    pub version: i32,
    /// Earlier versions (`?expand=versions`): number, fingerprint and when they were stored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versions: Option<Vec<VersionInfo>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VersionInfo {
    pub version: i32,
    pub fingerprint: String,
    pub source: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Decodes a stored version; the raw national-portal fields only when asked for.
pub fn decode(stored: &StoredProcedure, with_raw: bool) -> ApiResult<Procedure> {
    let mut procedure: Procedure = serde_json::from_str(&stored.document)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored procedure {} unreadable: {e}", stored.code)))?;
    if with_raw && !stored.raw.is_empty() {
        procedure.raw = serde_json::from_str::<RawFields>(&stored.raw)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("raw fields of {} unreadable: {e}", stored.code)))?;
    }
    Ok(procedure)
}

/// Loads a procedure (a given version, or the current one) with what `expand` names.
pub async fn load(state: &AppState, code: &str, version: Option<i32>, expand: &[&str]) -> ApiResult<ProcedureView> {
    let stored = match version {
        Some(v) => state.store.get_procedure_version(code, v).await?,
        None => state.store.get_procedure(code).await?,
    }
    .ok_or(ApiError::NotFound)?;
    let procedure = decode(&stored, expand.contains(&"raw"))?;
    let versions = if expand.contains(&"versions") {
        Some(
            state
                .store
                .procedure_versions(code)
                .await?
                .into_iter()
                .map(|v| VersionInfo { version: v.version, fingerprint: v.fingerprint, source: v.source, created_at: v.created_at })
                .collect(),
        )
    } else {
        None
    };
    Ok(ProcedureView { procedure, version: stored.version, versions })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowQuery {
    expand: Option<String>,
    version: Option<i32>,
}

/// `GET /api/v1/procedures/{code}?version=&expand=raw,versions`: the procedure with
/// `channels` (kind, duration {value, unit}, fee_vnd), `documents`, `legal_basis`, `results`.
/// Without `expand=raw` the original portal fields are left out (they are large).
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "procedures", params(("code" = String, Path, description = "national code, e.g. 1.001193"), ShowQuery), responses((status = 200, body = ProcedureView), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ShowQuery>,
) -> ApiResult<Json<serde_json::Value>> {
    let expand = parse_expand(q.expand.as_deref(), &["raw", "versions"])?;
    let view = load(&state, &code, q.version, &expand).await?;
    let mut json = serde_json::to_value(&view).map_err(|e| ApiError::Internal(e.into()))?;
    if !expand.contains(&"raw")
        && let Some(object) = json.as_object_mut()
    {
        object.remove("raw");
    }
    Ok(Json(json))
}
