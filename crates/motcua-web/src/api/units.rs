use axum::Json;
use axum::extract::{Path, State};
use motcua_domain::FieldError;
use motcua_domain::unit::{AdminUnit, UnitLevel};
use motcua_store::{Page, PageRequest, UnitFilter};
use serde::{Deserialize, Serialize};

use super::{ApiQuery, parse_expand};
use crate::AppState;
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    level: Option<String>,
    parent: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `GET /api/v1/units?level=province|commune&parent=79&q=&page=&per_page=`
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(ListQuery), responses((status = 200, description = "A page of administrative units", body = UnitPage), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<AdminUnit>>> {
    let level = match q.level.as_deref() {
        None | Some("") => None,
        Some(l) => Some(UnitLevel::parse(l).ok_or_else(|| {
            FieldError::new(
                "level",
                "one_of",
                "Cấp phải là province hoặc commune.",
                "level must be province or commune.",
            )
        })?),
    };
    let filter = UnitFilter {
        level,
        parent_code: q.parent,
        q: q.q,
        page: PageRequest::new(q.page, q.per_page),
    };
    Ok(Json(state.store.list_units(&filter).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowQuery {
    expand: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    unit: AdminUnit,
    #[serde(skip_serializing_if = "Option::is_none")]
    communes: Option<Vec<AdminUnit>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent: Option<Option<AdminUnit>>,
}

/// `GET /api/v1/units/{code}?expand=communes,parent`
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units", params(("code" = String, Path, description = "2-digit province or 5-digit commune code"), ShowQuery), responses((status = 200, body = UnitDetail), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ShowQuery>,
) -> ApiResult<Json<UnitDetail>> {
    let expand = parse_expand(q.expand.as_deref(), &["communes", "parent"])?;
    let unit = state
        .store
        .get_unit(&code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let communes = if expand.contains(&"communes") {
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let chunk = state
                .store
                .list_units(&UnitFilter {
                    parent_code: Some(unit.code.clone()),
                    page: PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
                    ..Default::default()
                })
                .await?;
            let done = chunk.items.len() < PageRequest::MAX_PER_PAGE as usize;
            all.extend(chunk.items);
            if done {
                break;
            }
            page += 1;
        }
        Some(all)
    } else {
        None
    };
    let parent = if expand.contains(&"parent") {
        Some(match &unit.parent_code {
            Some(p) => state.store.get_unit(p).await?,
            None => None,
        })
    } else {
        None
    };
    Ok(Json(UnitDetail {
        unit,
        communes,
        parent,
    }))
}

/// A page of administrative units.
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documents the shape of Page<AdminUnit> in the OpenAPI document"
)]
pub struct UnitPage {
    items: Vec<AdminUnit>,
    total: i64,
    page: u32,
    per_page: u32,
}
