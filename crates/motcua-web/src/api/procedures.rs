//! The procedure catalog over HTTP.

use axum::Json;
use axum::extract::{Path, State};
use motcua_catalog::{Procedure, RawFields};
use motcua_store::StoredProcedure;
use serde::{Deserialize, Serialize};

use super::{ApiQuery, parse_expand};
use crate::AppState;
use crate::catalog::{FieldCount, ProcedureSummary};
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
    let mut procedure: Procedure = serde_json::from_str(&stored.document).map_err(|e| {
        ApiError::Internal(anyhow::anyhow!(
            "stored procedure {} unreadable: {e}",
            stored.code
        ))
    })?;
    if with_raw && !stored.raw.is_empty() {
        procedure.raw = serde_json::from_str::<RawFields>(&stored.raw).map_err(|e| {
            ApiError::Internal(anyhow::anyhow!(
                "raw fields of {} unreadable: {e}",
                stored.code
            ))
        })?;
    }
    Ok(procedure)
}

/// Loads a procedure (a given version, or the current one) with what `expand` names.
pub async fn load(
    state: &AppState,
    code: &str,
    version: Option<i32>,
    expand: &[&str],
) -> ApiResult<ProcedureView> {
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
                .map(|v| VersionInfo {
                    version: v.version,
                    fingerprint: v.fingerprint,
                    source: v.source,
                    created_at: v.created_at,
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(ProcedureView {
        procedure,
        version: stored.version,
        versions,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowQuery {
    expand: Option<String>,
    version: Option<i32>,
    /// An agency's QCVN 102 code: adds `local`, what applies at that agency (its online
    /// level, whether it takes online submissions, fees per channel, e-form, process steps).
    agency: Option<String>,
}

/// `GET /api/v1/procedures/{code}?version=&expand=raw,versions&agency=`: the procedure with
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
    if let Some(agency) = q.agency.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        let local = crate::settings::local_view(&state, agency, &view.procedure).await?;
        json["local"] = serde_json::to_value(local).map_err(|e| ApiError::Internal(e.into()))?;
    }
    Ok(Json(json))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words to search for, with or without diacritics; empty lists the catalog by code.
    pub q: Option<String>,
    /// Field (lĩnh vực), e.g. "Hộ tịch".
    pub field: Option<String>,
    /// Agency name as published.
    pub agency: Option<String>,
    /// `ministry`, `province`, `commune`, `other`.
    pub level: Option<String>,
    /// Online service level: `full_process`, `partial`, `none`.
    pub online: Option<String>,
    /// Subject kind (`citizen`, `business`, …) or text.
    pub subject: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// One search result: the procedure's summary, its name with the matched words marked, and
/// a passage of its text around the matches (HTML-escaped, matches in `<mark>`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ListItem {
    #[serde(flatten)]
    pub summary: ProcedureSummary,
    pub name_html: String,
    pub snippet_html: String,
    pub score: f32,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ListPage {
    pub items: Vec<ListItem>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    /// True when nothing matched every word and the results match only some of them.
    pub relaxed: bool,
}

fn one_of(field: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(motcua_domain::FieldError::new(
            field,
            "one_of",
            format!("Giá trị phải là một trong: {}.", allowed.join(", ")),
            format!("Must be one of: {}.", allowed.join(", ")),
        )
        .into())
    }
}

/// Runs a catalog search for the API and the results page.
pub fn search(state: &AppState, q: &ListQuery) -> ApiResult<ListPage> {
    let mut request = motcua_search::SearchRequest::new(q.q.clone().unwrap_or_default()).page(
        q.page.unwrap_or(1).max(1) as usize,
        (q.per_page.unwrap_or(20) as usize).clamp(1, motcua_search::MAX_PER_PAGE),
    );
    let non_empty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    if let Some(field) = non_empty(&q.field) {
        request = request.field(field);
    }
    if let Some(agency) = non_empty(&q.agency) {
        request = request.agency(agency);
    }
    if let Some(level) = non_empty(&q.level) {
        one_of(
            "level",
            &level,
            &["ministry", "province", "commune", "other"],
        )?;
        request = request.level(level);
    }
    if let Some(online) = non_empty(&q.online) {
        one_of("online", &online, &["full_process", "partial", "none"])?;
        request = request.online_level(online);
    }
    if let Some(subject) = non_empty(&q.subject) {
        request = request.subject(subject);
    }
    let catalog = state.catalog.get();
    let results = catalog
        .index
        .search(&request)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let items = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let summary = catalog.summaries.get(&hit.code)?.clone();
            Some(ListItem {
                summary,
                name_html: motcua_search::to_html(&hit.name_highlight),
                snippet_html: motcua_search::to_html(&hit.snippet),
                score: hit.score,
            })
        })
        .collect();
    Ok(ListPage {
        items,
        total: results.total,
        page: results.page,
        per_page: results.per_page,
        relaxed: results.relaxed,
    })
}

/// `GET /api/v1/procedures?q=&field=&agency=&level=&online=&subject=&page=&per_page=`:
/// ranked, diacritics- and typo-tolerant search over the catalog.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "procedures", params(ListQuery), responses((status = 200, body = ListPage), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<ListPage>> {
    Ok(Json(search(&state, &q)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What the person has typed so far.
    pub q: String,
    pub limit: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub code: String,
    pub name: String,
}

/// `GET /api/v1/procedures/suggest?q=dang ky kh`: names completing what was typed.
#[utoipa::path(get, path = "/api/v1/procedures/suggest", tag = "procedures", params(SuggestQuery), responses((status = 200, body = [Suggestion])))]
pub async fn suggest(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<SuggestQuery>,
) -> Json<Vec<Suggestion>> {
    let limit = q.limit.unwrap_or(8).clamp(1, 20) as usize;
    let found = state.catalog.get().index.suggest(&q.q, limit);
    Json(
        found
            .into_iter()
            .map(|(code, name)| Suggestion { code, name })
            .collect(),
    )
}

/// `GET /api/v1/fields`: every field (lĩnh vực) with its number of procedures.
#[utoipa::path(get, path = "/api/v1/fields", tag = "procedures", responses((status = 200, body = [FieldCount])))]
pub async fn fields(State(state): State<AppState>) -> Json<Vec<FieldCount>> {
    Json(state.catalog.get().fields.clone())
}
