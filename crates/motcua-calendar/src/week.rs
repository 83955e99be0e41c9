//! A receiving point's working week: which weekdays it works and its opening hours.
//!
//! Why per receiving point: the public sector works Monday–Friday, but some one-stop shops
//! also receive on Saturday mornings, and a province may set different office hours.
//! Holidays and make-up days stay national (see [`crate::holidays`]); the week only decides
//! what an ordinary day looks like.

use chrono::{NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Validation};

/// A span of working time within a day, `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Interval {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl Interval {
    /// `Interval::hm(7, 30, 11, 30)` is 07:30–11:30.
    pub fn hm(start_h: u32, start_m: u32, end_h: u32, end_m: u32) -> Self {
        Self {
            start: NaiveTime::from_hms_opt(start_h, start_m, 0).expect("valid time"),
            end: NaiveTime::from_hms_opt(end_h, end_m, 0).expect("valid time"),
        }
    }

    /// Seconds since midnight of the start and of the end (sub-second parts ignored).
    pub(crate) fn seconds(self) -> (u32, u32) {
        (
            self.start.num_seconds_from_midnight(),
            self.end.num_seconds_from_midnight(),
        )
    }
}

fn default_days_off() -> Vec<Weekday> {
    vec![Weekday::Sat, Weekday::Sun]
}

fn default_hours() -> Vec<Interval> {
    vec![Interval::hm(7, 30, 11, 30), Interval::hm(13, 0, 17, 0)]
}

/// The working week of a receiving point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkWeek {
    /// Weekly days off; default Saturday and Sunday.
    #[serde(default = "default_days_off")]
    pub weekly_days_off: Vec<Weekday>,
    /// Works on Saturday mornings although Saturday is a weekly day off: Saturday then has
    /// the morning intervals of `hours` (those ending by 12:00) and counts as a working day
    /// for deadlines. Points that only *receive* on Saturday mornings without the time
    /// counting toward deadlines should leave this off.
    #[serde(default)]
    pub saturday_morning: bool,
    /// Opening hours of a working day, in order; default 07:30–11:30 and 13:00–17:00. Also
    /// the hours of a make-up Saturday.
    #[serde(default = "default_hours")]
    pub hours: Vec<Interval>,
}

impl Default for WorkWeek {
    fn default() -> Self {
        Self::standard()
    }
}

/// What an ordinary day of the week is, before holidays and make-up days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DayShape {
    Off = 0,
    Full = 1,
    Morning = 2,
}

impl WorkWeek {
    /// Monday–Friday, 07:30–11:30 and 13:00–17:00: the public sector's week.
    pub fn standard() -> Self {
        Self {
            weekly_days_off: default_days_off(),
            saturday_morning: false,
            hours: default_hours(),
        }
    }

    /// The standard week plus Saturday mornings (07:30–11:30).
    pub fn with_saturday_morning() -> Self {
        Self {
            saturday_morning: true,
            ..Self::standard()
        }
    }

    /// The intervals worked on a Saturday morning: those of `hours` that end by 12:00.
    pub fn morning_hours(&self) -> Vec<Interval> {
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("valid time");
        self.hours
            .iter()
            .copied()
            .filter(|i| i.end <= noon)
            .collect()
    }

    pub(crate) fn shape(&self, weekday: Weekday) -> DayShape {
        if !self.weekly_days_off.contains(&weekday) {
            DayShape::Full
        } else if weekday == Weekday::Sat && self.saturday_morning {
            DayShape::Morning
        } else {
            DayShape::Off
        }
    }

    /// Checks the week; every problem names its field, in Vietnamese and English.
    pub fn validate(&self) -> Result<(), Validation> {
        let mut v = Validation::default();
        let mut distinct = self.weekly_days_off.clone();
        distinct.sort_by_key(|d| d.num_days_from_monday());
        distinct.dedup();
        if distinct.len() != self.weekly_days_off.len() {
            v.push(FieldError::new(
                "weekly_days_off",
                "duplicate",
                "Một ngày trong tuần được liệt kê hai lần.",
                "A weekday is listed twice.",
            ));
        }
        if distinct.len() == 7 && !self.saturday_morning {
            v.push(FieldError::new(
                "weekly_days_off",
                "no_working_day",
                "Phải có ít nhất một ngày làm việc trong tuần.",
                "At least one weekday must be a working day.",
            ));
        }
        if self.hours.is_empty() {
            v.push(FieldError::new(
                "hours",
                "required",
                "Phải có ít nhất một khoảng giờ làm việc.",
                "At least one interval of working hours is required.",
            ));
        }
        let mut previous_end = None;
        for (i, interval) in self.hours.iter().enumerate() {
            let (start, end) = interval.seconds();
            if start >= end {
                v.push(FieldError::new(
                    format!("hours[{i}]"),
                    "empty_interval",
                    format!(
                        "Giờ bắt đầu {} phải trước giờ kết thúc {}.",
                        interval.start, interval.end
                    ),
                    format!(
                        "Start {} must be before end {}.",
                        interval.start, interval.end
                    ),
                ));
            }
            if previous_end.is_some_and(|p| start < p) {
                v.push(FieldError::new(
                    format!("hours[{i}]"),
                    "overlap",
                    "Các khoảng giờ làm việc phải theo thứ tự và không chồng lên nhau.",
                    "Working-hour intervals must be in order and must not overlap.",
                ));
            }
            previous_end = Some(end);
        }
        if self.saturday_morning && self.morning_hours().is_empty() {
            v.push(FieldError::new(
                "saturday_morning",
                "no_morning_hours",
                "Không có khoảng giờ nào kết thúc trước 12:00 để làm việc sáng thứ Bảy.",
                "No interval of working hours ends by 12:00 to work on Saturday mornings.",
            ));
        }
        v.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_week() {
        let w = WorkWeek::standard();
        assert_eq!(w.shape(Weekday::Mon), DayShape::Full);
        assert_eq!(w.shape(Weekday::Sat), DayShape::Off);
        assert_eq!(w.shape(Weekday::Sun), DayShape::Off);
        assert!(w.validate().is_ok());
        let s = WorkWeek::with_saturday_morning();
        assert_eq!(s.shape(Weekday::Sat), DayShape::Morning);
        assert_eq!(s.morning_hours(), vec![Interval::hm(7, 30, 11, 30)]);
    }

    #[test]
    fn serde_defaults() {
        let w: WorkWeek = serde_json::from_str("{}").unwrap();
        assert_eq!(w, WorkWeek::standard());
        let w: WorkWeek = serde_json::from_str(
            r#"{"saturday_morning": true, "hours": [{"start": "08:00:00", "end": "11:00:00"}]}"#,
        )
        .unwrap();
        assert_eq!(w.morning_hours(), vec![Interval::hm(8, 0, 11, 0)]);
    }

    #[test]
    fn invalid_weeks_name_their_fields() {
        let w = WorkWeek {
            weekly_days_off: vec![Weekday::Sat, Weekday::Sat],
            saturday_morning: true,
            hours: vec![Interval::hm(13, 0, 17, 0), Interval::hm(12, 0, 12, 0)],
        };
        let fields: Vec<_> = w
            .validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("weekly_days_off".to_owned(), "duplicate"),
                ("hours[1]".to_owned(), "empty_interval"),
                ("hours[1]".to_owned(), "overlap"),
            ]
        );
    }
}
