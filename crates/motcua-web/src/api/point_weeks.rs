//! Receiving points' work weeks over HTTP: the weekdays a point works and its opening hours
//! (the default week is Monday–Friday, 07:30–11:30 and 13:00–17:00; some points also receive
//! on Saturday mornings). Set by the agency's administrators and system administrators
//! (`Update` on the agency's local settings); due dates use them
//! (`GET /api/v1/calendar/due?agency=&point=`), and `?expand=receiving_points` shows them.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use motcua_auth::policy::{Action, Actor, Resource};
use motcua_calendar::WeekDefinition;
use motcua_domain::agency::{AgencyCode, ReceivingPoint};
use serde::Serialize;

use super::ApiJson;
use super::admin::agency_of;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::workcal::decode_week;

/// A receiving point with its work week.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PointDetail {
    #[serde(flatten)]
    pub point: ReceivingPoint,
    /// The point's own work week; `null` when it keeps the default week (Monday–Friday,
    /// 07:30–11:30 and 13:00–17:00).
    pub work_week: Option<WeekDefinition>,
}

/// An agency's receiving points with their work weeks, by code (shared by the agency's API
/// answer, its page and the administration page).
pub async fn points_with_weeks(
    state: &AppState,
    agency: &AgencyCode,
) -> ApiResult<Vec<PointDetail>> {
    let points = state.store.receiving_points(agency).await?;
    let mut weeks: HashMap<String, String> = state
        .store
        .receiving_point_weeks(agency)
        .await?
        .into_iter()
        .collect();
    points
        .into_iter()
        .map(|point| {
            let work_week = match weeks.remove(&point.code) {
                Some(json) => Some(WeekDefinition::from(&decode_week(
                    agency.as_str(),
                    &point.code,
                    &json,
                )?)),
                None => None,
            };
            Ok(PointDetail { point, work_week })
        })
        .collect()
}

/// Sets (`Some`) or resets (`None`) a point's work week after asking the policy; shared by
/// the page and the API. An invalid week changes nothing.
pub async fn set_week(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    point: &str,
    definition: Option<&WeekDefinition>,
) -> ApiResult<PointDetail> {
    if matches!(viewer.actor, Actor::Anonymous) {
        return Err(ApiError::Unauthorized);
    }
    let agency = agency_of(state, code).await?;
    viewer.authorize(Action::Update, &Resource::AgencyLocalSettings(agency.id))?;
    let found = state
        .store
        .receiving_points(&agency.code)
        .await?
        .into_iter()
        .find(|p| p.code == point)
        .ok_or(ApiError::NotFound)?;
    let week = definition.map(WeekDefinition::to_week).transpose()?;
    // The calendar of that week is built now (and kept), so due dates never fail on it.
    state.calendar.for_week(week.as_ref())?;
    let json = week
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| ApiError::Internal(e.into()))?;
    state
        .store
        .set_receiving_point_week(&agency.code, point, json.as_deref())
        .await?;
    let work_week = week.as_ref().map(WeekDefinition::from);
    let kind = if work_week.is_some() {
        "work_week_saved"
    } else {
        "work_week_reset"
    };
    let mut event = crate::auth::login::admin_event(viewer, kind, None, Some(agency.id));
    event.detail = serde_json::json!({ "point": point, "work_week": work_week });
    state.store.append_security_event(event).await?;
    tracing::info!(agency = %agency.code, point, kind, "receiving point work week changed");
    Ok(PointDetail {
        point: found,
        work_week,
    })
}

/// `PUT /api/v1/agencies/{code}/receiving-points/{point}/work-week` (the agency's
/// administrators, system administrators): the point's own work week; due dates computed for
/// the point use it at once.
#[utoipa::path(put, path = "/api/v1/agencies/{code}/receiving-points/{point}/work-week", tag = "agencies",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ("point" = String, Path, description = "The receiving point's code in the agency, e.g. MC")),
    request_body = WeekDefinition, security(("bearer" = [])),
    responses((status = 200, body = PointDetail), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_week(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, point)): Path<(String, String)>,
    ApiJson(definition): ApiJson<WeekDefinition>,
) -> ApiResult<Json<PointDetail>> {
    Ok(Json(
        set_week(&state, &viewer, &code, &point, Some(&definition)).await?,
    ))
}

/// `DELETE /api/v1/agencies/{code}/receiving-points/{point}/work-week` (the agency's
/// administrators, system administrators): back to the default week (also when it already
/// had it).
#[utoipa::path(delete, path = "/api/v1/agencies/{code}/receiving-points/{point}/work-week", tag = "agencies",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ("point" = String, Path, description = "The receiving point's code in the agency, e.g. MC")),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn delete_week(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, point)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    set_week(&state, &viewer, &code, &point, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
