//! The shapes the CLI and the API print: a year's days off, and Tết dates.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkCalendar;
use crate::error::CalendarError;
use crate::holidays::is_weekend;
use crate::lunar::{self, LunarError};
use crate::notice::NamedDay;

/// A year at a glance, as `motcua calendar YEAR --json` and `GET /api/v1/calendar/{year}`
/// print it: `{"year": 2025, "days_off": [{"date": "2025-01-01", "name": "Tết Dương lịch",
/// "name_en": "New Year's Day"}, …], "workdays_on_weekend": [{"date": "2025-04-26", …}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct YearSummary {
    pub year: i32,
    /// Every Monday–Friday date of the year that is not a working day, in order.
    pub days_off: Vec<NamedDay>,
    /// Every Saturday or Sunday of the year that is a working day, in order.
    pub workdays_on_weekend: Vec<NamedDay>,
}

/// The year's days off and weekend working days in `cal` (its work week included).
pub fn year_summary(cal: &WorkCalendar, year: i32) -> Result<YearSummary, CalendarError> {
    let first =
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or(CalendarError::UnsupportedYears(year, year))?;
    let last =
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or(CalendarError::UnsupportedYears(year, year))?;
    cal.index(first)?;
    cal.index(last)?;
    let mut summary = YearSummary {
        year,
        days_off: Vec::new(),
        workdays_on_weekend: Vec::new(),
    };
    for date in first.iter_days().take_while(|d| *d <= last) {
        let working = cal.is_working_day(date)?;
        let weekend = is_weekend(date);
        if working == weekend {
            let named = cal.name_of(date).cloned().unwrap_or_else(|| {
                let (name, name_en) = match (weekend, date.weekday()) {
                    (false, _) => ("Ngày nghỉ hằng tuần", "Weekly day off"),
                    (true, Weekday::Sat) if cal.config().week.saturday_morning => {
                        ("Làm việc sáng thứ Bảy", "Saturday morning working hours")
                    }
                    (true, _) => ("Ngày làm việc", "Working day"),
                };
                NamedDay {
                    date,
                    name: name.to_owned(),
                    name_en: name_en.to_owned(),
                }
            });
            if weekend {
                summary.workdays_on_weekend.push(named);
            } else {
                summary.days_off.push(named);
            }
        }
    }
    Ok(summary)
}

/// Tết of every lunar year from `from` to `to` inclusive, keyed by the year as text, for
/// `motcua calendar tet FROM TO --json`: `{"1985": "1985-01-21", …}`. Years 1900–2199;
/// `from > to` is refused like a year out of range.
pub fn tet_range(from: i32, to: i32) -> Result<BTreeMap<String, String>, LunarError> {
    if from > to {
        return Err(LunarError::OutOfRange(from));
    }
    if !(1900..=2199).contains(&from) {
        return Err(LunarError::OutOfRange(from));
    }
    if !(1900..=2199).contains(&to) {
        return Err(LunarError::OutOfRange(to));
    }
    (from..=to)
        .map(|y| Ok((y.to_string(), lunar::tet(y)?.to_string())))
        .collect()
}
