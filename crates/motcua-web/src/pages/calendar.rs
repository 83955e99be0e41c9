use axum::extract::{OriginalUri, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use motcua_calendar::{Duration, vietnam, year_summary};
use serde::Deserialize;

use super::{error_page, page};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(Deserialize)]
pub struct CalendarQuery {
    year: Option<String>,
    /// Due-date calculator: reception date, time and number of working days.
    date: Option<String>,
    time: Option<String>,
    working_days: Option<String>,
}

/// The public working calendar: a year's days off and make-up working days, and a due-date
/// calculator that works without JavaScript.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Query(q): Query<CalendarQuery>,
) -> Response {
    let calendar = state.calendar.get();
    let this_year = Utc::now().with_timezone(&vietnam()).year();
    let year = q
        .year
        .as_deref()
        .and_then(|y| y.parse::<i32>().ok())
        .unwrap_or(this_year);
    if !calendar.years().contains(&year) {
        return error_page(&state, lang, &uri, ApiError::NotFound);
    }
    let summary = match year_summary(&calendar, year) {
        Ok(s) => s,
        Err(err) => return error_page(&state, lang, &uri, ApiError::Internal(err.into())),
    };
    let weekday = |d: NaiveDate| format!("weekday.{}", d.weekday().num_days_from_monday());
    let days_off: Vec<_> = summary
        .days_off
        .iter()
        .map(|d| minijinja::context! { date => d.date.format("%d/%m/%Y").to_string(), iso => d.date.to_string(), weekday => weekday(d.date), name => d.name, name_en => d.name_en })
        .collect();
    let workdays: Vec<_> = summary
        .workdays_on_weekend
        .iter()
        .map(|d| minijinja::context! { date => d.date.format("%d/%m/%Y").to_string(), iso => d.date.to_string(), weekday => weekday(d.date), name => d.name, name_en => d.name_en })
        .collect();

    let date = q
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let time = q
        .time
        .as_deref()
        .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
        .unwrap_or_else(|| NaiveTime::from_hms_opt(8, 0, 0).expect("valid time"));
    let working_days = q
        .working_days
        .as_deref()
        .and_then(|n| n.trim().parse::<u32>().ok())
        .filter(|n| *n <= 365);
    let asked = q.date.is_some() || q.working_days.is_some();
    let due = match (date, working_days) {
        (Some(date), Some(n)) => vietnam()
            .from_local_datetime(&date.and_time(time))
            .single()
            .and_then(|received| calendar.due(received, Duration::WorkingDays(n)).ok())
            .map(|due| {
                (
                    due.format("%H:%M %d/%m/%Y").to_string(),
                    weekday(due.date_naive()),
                )
            }),
        _ => None,
    };
    page(
        &state,
        lang,
        &uri,
        "calendar.html",
        minijinja::context! {
            year, prev => year - 1, next => year + 1,
            first => *calendar.years().start(), last => *calendar.years().end(),
            days_off, workdays,
            form_date => q.date.unwrap_or_default(), form_time => time.format("%H:%M").to_string(),
            form_days => q.working_days.unwrap_or_default(),
            due => due.as_ref().map(|d| d.0.clone()), due_weekday => due.map(|d| d.1),
            calc_error => asked && (date.is_none() || working_days.is_none()),
        },
    )
}
