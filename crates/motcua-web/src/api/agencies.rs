use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use motcua_domain::FieldError;
use motcua_domain::agency::{
    Agency, AgencyCode, AgencyInput, AgencyKind, AgencyLink, AgencyNode, build_tree,
};
use motcua_domain::unit::AdminUnit;
use motcua_store::{AgencyFilter, Page, PageRequest};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiQuery, parse_expand};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use motcua_auth::policy::{Action, Resource};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    q: Option<String>,
    kind: Option<String>,
    parent: Option<String>,
    unit: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

fn code_param(field: &str, raw: &str) -> Result<AgencyCode, ApiError> {
    raw.parse().map_err(|_| {
        FieldError::new(
            field,
            "format",
            "Mã cơ quan phải có dạng 000.00.00.H29 (QCVN 102:2016).",
            "The agency code must look like 000.00.00.H29 (QCVN 102:2016).",
        )
        .into()
    })
}

/// `GET /api/v1/agencies?q=&kind=&parent=&unit=&page=&per_page=`
#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies", params(ListQuery),
    responses((status = 200, description = "A page of agencies", body = AgencyPage), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Agency>>> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(k.parse::<AgencyKind>().map_err(|()| {
            FieldError::new(
                "kind",
                "one_of",
                "Loại cơ quan không hợp lệ.",
                "Unknown agency kind.",
            )
        })?),
    };
    let parent = match q.parent.as_deref().filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => Some(code_param("parent", p)?),
    };
    let filter = AgencyFilter {
        parent,
        kind,
        unit_code: q.unit,
        q: q.q,
        page: PageRequest::new(q.page, q.per_page),
    };
    Ok(Json(state.store.list_agencies(&filter).await?))
}

/// `GET /api/v1/agencies/tree`: the whole forest in one answer.
#[utoipa::path(get, path = "/api/v1/agencies/tree", tag = "agencies", responses((status = 200, body = [AgencyNode])))]
pub async fn tree(State(state): State<AppState>) -> ApiResult<Json<Vec<AgencyNode>>> {
    Ok(Json(build_tree(state.store.all_agencies().await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowQuery {
    expand: Option<String>,
}

/// Related objects loaded on request; absent keys were not asked for.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct Expanded {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<Option<Agency>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<Agency>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Each with its `work_week` (`null`: the default week).
    pub receiving_points: Option<Vec<super::point_weeks::PointDetail>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<AgencyLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<Option<AdminUnit>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyDetail {
    #[serde(flatten)]
    pub agency: Agency,
    #[serde(flatten)]
    pub expanded: Expanded,
}

pub const EXPANDABLE: &[&str] = &["parent", "children", "receiving_points", "links", "unit"];

/// Loads an agency and the related objects named in `expand` (shared by page and API).
pub async fn load_detail(state: &AppState, code: &str, expand: &[&str]) -> ApiResult<AgencyDetail> {
    let code: AgencyCode = code.parse().map_err(|_| ApiError::NotFound)?;
    let agency = state
        .store
        .get_agency(&code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut expanded = Expanded::default();
    if expand.contains(&"parent") {
        expanded.parent = Some(match agency.parent_id {
            Some(id) => state.store.get_agency_by_id(id).await?,
            None => None,
        });
    }
    if expand.contains(&"children") {
        let mut children = Vec::new();
        let mut page = 1;
        loop {
            let chunk = state
                .store
                .list_agencies(&AgencyFilter {
                    parent: Some(code.clone()),
                    page: PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
                    ..Default::default()
                })
                .await?;
            let done = chunk.items.len() < PageRequest::MAX_PER_PAGE as usize;
            children.extend(chunk.items);
            if done {
                break;
            }
            page += 1;
        }
        expanded.children = Some(children);
    }
    if expand.contains(&"receiving_points") {
        expanded.receiving_points =
            Some(super::point_weeks::points_with_weeks(state, &code).await?);
    }
    if expand.contains(&"links") {
        expanded.links = Some(state.store.agency_links(&code).await?);
    }
    if expand.contains(&"unit") {
        expanded.unit = Some(match &agency.unit_code {
            Some(u) => state.store.get_unit(u).await?,
            None => None,
        });
    }
    Ok(AgencyDetail { agency, expanded })
}

/// `GET /api/v1/agencies/{code}?expand=parent,children,receiving_points,links,unit`
#[utoipa::path(get, path = "/api/v1/agencies/{code}", tag = "agencies", params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ShowQuery),
    responses((status = 200, body = AgencyDetail), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ShowQuery>,
) -> ApiResult<Json<AgencyDetail>> {
    let expand = parse_expand(q.expand.as_deref(), EXPANDABLE)?;
    Ok(Json(load_detail(&state, &code, &expand).await?))
}

/// `POST /api/v1/agencies` (administrators): creates an agency; 201 with the stored agency.
#[utoipa::path(post, path = "/api/v1/agencies", tag = "agencies", request_body = AgencyInput, security(("bearer" = [])),
    responses((status = 201, body = Agency), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<AgencyInput>,
) -> ApiResult<(StatusCode, Json<Agency>)> {
    // Creating agencies is system administration (the tree is one resource here).
    viewer.authorize(Action::Create, &Resource::Agency(0))?;
    let new = input.validate()?;
    let created = state.store.create_agency(&new).await?;
    tracing::info!(agency = %created.code, "agency created");
    Ok((StatusCode::CREATED, Json(created)))
}

/// A page of agencies (`items`, `total`, `page`, `per_page`).
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "documents the shape of Page<Agency> in the OpenAPI document"
)]
pub struct AgencyPage {
    items: Vec<Agency>,
    total: i64,
    page: u32,
    per_page: u32,
}
