//! The working calendar over HTTP: a year's days off, due dates, Tết dates, and the yearly
//! notices administrators maintain.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset};
use motcua_calendar::{Duration, YearNotice, YearSummary, tet_range, year_summary};
use motcua_domain::FieldError;
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::workcal::{CalendarServiceError, year_error};
use motcua_auth::policy::{Action, Resource};

impl From<CalendarServiceError> for ApiError {
    fn from(err: CalendarServiceError) -> Self {
        match err {
            CalendarServiceError::Invalid(v) => ApiError::Invalid(v),
            CalendarServiceError::Store(e) => e.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

/// `GET /api/v1/calendar/{year}`: `{"year", "days_off": [...], "workdays_on_weekend": [...]}`.
#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)), responses((status = 200, body = YearSummary), (status = 422, body = crate::error::Problem)))]
pub async fn year(
    State(state): State<AppState>,
    Path(year): Path<String>,
) -> ApiResult<Json<YearSummary>> {
    let calendar = state.calendar.get();
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| calendar.years().contains(y))
        .ok_or_else(|| year_error("year", calendar.years()))?;
    Ok(Json(
        year_summary(&calendar, year).map_err(|e| ApiError::Internal(e.into()))?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DueQuery {
    from: Option<String>,
    working_days: Option<u32>,
    days: Option<u32>,
    working_hours: Option<u32>,
    months: Option<u32>,
    /// With `point`: compute for this agency's receiving point, with its work week.
    agency: Option<String>,
    /// A receiving point code of `agency` (e.g. `MC`).
    point: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Due {
    due: String,
}

/// Parses an RFC 3339 moment; a message that names the field otherwise.
pub fn parse_moment(field: &str, raw: Option<&str>) -> Result<DateTime<FixedOffset>, FieldError> {
    let raw = raw
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| FieldError::required(field))?;
    DateTime::parse_from_rfc3339(raw).map_err(|_| {
        FieldError::new(
            field,
            "format",
            "Thời điểm phải theo RFC 3339, ví dụ 2025-11-21T10:00:00+07:00.",
            "The moment must be RFC 3339, e.g. 2025-11-21T10:00:00+07:00.",
        )
    })
}

/// Exactly one of the duration kinds, or an error naming the fields.
pub fn one_duration(
    working_days: Option<u32>,
    days: Option<u32>,
    working_hours: Option<u32>,
    months: Option<u32>,
) -> Result<Duration, FieldError> {
    let given: Vec<Duration> = [
        working_days.map(Duration::WorkingDays),
        days.map(Duration::Days),
        working_hours.map(Duration::WorkingHours),
        months.map(Duration::Months),
    ]
    .into_iter()
    .flatten()
    .collect();
    match given.as_slice() {
        [one] => Ok(*one),
        _ => Err(FieldError::new(
            "working_days",
            "one_of",
            "Cần đúng một trong working_days, days, working_hours, months.",
            "Give exactly one of working_days, days, working_hours, months.",
        )),
    }
}

/// `GET /api/v1/calendar/due?from=RFC3339&working_days=N` (or `days`, `working_hours`,
/// `months`; optionally `agency=CODE&point=CODE` for a receiving point's work week):
/// `{"due": RFC3339}` in Vietnam time.
#[utoipa::path(get, path = "/api/v1/calendar/due", tag = "calendar", params(DueQuery), responses((status = 200, body = Due), (status = 422, body = crate::error::Problem)))]
pub async fn due(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<DueQuery>,
) -> ApiResult<Json<Due>> {
    let mut problems = motcua_domain::Validation::default();
    let from = parse_moment("from", q.from.as_deref())
        .map_err(|e| problems.push(e))
        .ok();
    let duration = one_duration(q.working_days, q.days, q.working_hours, q.months)
        .map_err(|e| problems.push(e))
        .ok();
    let week = match crate::workcal::point_week(
        state.store.as_ref(),
        q.agency.as_deref(),
        q.point.as_deref(),
    )
    .await
    {
        Ok(week) => week,
        Err(CalendarServiceError::Invalid(v)) => {
            problems.0.extend(v.0);
            None
        }
        Err(e) => return Err(e.into()),
    };
    problems.finish()?;
    let (Some(from), Some(duration)) = (from, duration) else {
        unreachable!("checked above")
    };
    let due = state
        .calendar
        .for_week(week.as_ref())?
        .due(from, duration)
        .map_err(|e| FieldError::new("from", "range", e.to_string(), e.to_string()))?;
    Ok(Json(Due {
        due: due.to_rfc3339(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TetQuery {
    from: i32,
    to: Option<i32>,
}

/// `GET /api/v1/calendar/tet?from=1985&to=2030`: `{"1985": "1985-01-21", …}`.
#[utoipa::path(get, path = "/api/v1/calendar/tet", tag = "calendar", params(TetQuery), responses((status = 200, description = "Year → date of Tết", body = std::collections::BTreeMap<String, String>), (status = 422, body = crate::error::Problem)))]
pub async fn tet(ApiQuery(q): ApiQuery<TetQuery>) -> ApiResult<Json<BTreeMap<String, String>>> {
    let to = q.to.unwrap_or(q.from);
    if to < q.from || to - q.from > 300 {
        return Err(FieldError::new(
            "to",
            "range",
            "Khoảng năm không hợp lệ.",
            "Invalid range of years.",
        )
        .into());
    }
    tet_range(q.from, to)
        .map(Json)
        .map_err(|_| year_error("from", 1900..=2199).into())
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NoticeView {
    /// Whether an administrator stored it (else it is the one shipped with motcua).
    stored: bool,
    notice: YearNotice,
}

/// `GET /api/v1/calendar/notices/{year}`: the notice in force for the year.
#[utoipa::path(get, path = "/api/v1/calendar/notices/{year}", tag = "calendar", params(("year" = i32, Path)), responses((status = 200, body = NoticeView), (status = 404, body = crate::error::Problem)))]
pub async fn notice(
    State(state): State<AppState>,
    Path(year): Path<i32>,
) -> ApiResult<Json<NoticeView>> {
    let stored = crate::workcal::stored_notices(state.store.as_ref()).await?;
    if let Some(notice) = stored.into_iter().find(|n| n.year == year) {
        return Ok(Json(NoticeView {
            stored: true,
            notice,
        }));
    }
    let bundled = motcua_calendar::NoticeSet::bundled();
    let notice = bundled.get(year).cloned().ok_or(ApiError::NotFound)?;
    Ok(Json(NoticeView {
        stored: false,
        notice,
    }))
}

/// `PUT /api/v1/calendar/notices/{year}` (administrators): enters or replaces the year's
/// official notice; the calendar in force changes at once.
#[utoipa::path(put, path = "/api/v1/calendar/notices/{year}", tag = "calendar", params(("year" = i32, Path)), request_body = YearNotice, security(("bearer" = [])), responses((status = 200, body = NoticeView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put_notice(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(year): Path<i32>,
    ApiJson(notice): ApiJson<YearNotice>,
) -> ApiResult<Json<NoticeView>> {
    viewer.authorize(Action::Update, &Resource::CalendarNotices)?;
    if notice.year != year {
        return Err(FieldError::new(
            "year",
            "mismatch",
            "Năm trong nội dung phải trùng với năm trên đường dẫn.",
            "The year in the body must match the year in the path.",
        )
        .into());
    }
    state
        .calendar
        .put_notice(state.store.as_ref(), notice.clone())
        .await?;
    tracing::info!(year, "calendar notice stored");
    Ok(Json(NoticeView {
        stored: true,
        notice,
    }))
}

/// `DELETE /api/v1/calendar/notices/{year}` (administrators).
#[utoipa::path(delete, path = "/api/v1/calendar/notices/{year}", tag = "calendar", params(("year" = i32, Path)), security(("bearer" = [])), responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn delete_notice(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(year): Path<i32>,
) -> ApiResult<StatusCode> {
    viewer.authorize(Action::Delete, &Resource::CalendarNotices)?;
    if state
        .calendar
        .remove_notice(state.store.as_ref(), year)
        .await?
    {
        tracing::info!(year, "calendar notice removed");
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
