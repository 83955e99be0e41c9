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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// The weekdays in order, with the short names a [`WeekDefinition`] uses.
const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Mon, "mon"),
    (Weekday::Tue, "tue"),
    (Weekday::Wed, "wed"),
    (Weekday::Thu, "thu"),
    (Weekday::Fri, "fri"),
    (Weekday::Sat, "sat"),
    (Weekday::Sun, "sun"),
];

/// The short name of a weekday in a [`WeekDefinition`]: `mon` … `sun`.
pub fn weekday_name(day: Weekday) -> &'static str {
    WEEKDAYS[day.num_days_from_monday() as usize].1
}

/// A span of opening hours as people write it: `HH:MM` times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursDefinition {
    /// Opening time, `HH:MM` (24-hour clock), e.g. `07:30`.
    #[schema(example = "07:30")]
    pub start: String,
    /// Closing time, `HH:MM`, after `start`, e.g. `11:30`.
    #[schema(example = "11:30")]
    pub end: String,
}

fn default_working_days() -> Vec<String> {
    WEEKDAYS[..5].iter().map(|(_, n)| (*n).to_owned()).collect()
}

fn default_hours_definition() -> Vec<HoursDefinition> {
    default_hours().iter().map(HoursDefinition::from).collect()
}

/// A receiving point's work week as people write it — in the API and on forms: weekday names
/// and `HH:MM` times. [`WeekDefinition::to_week`] checks it into a [`WorkWeek`], naming every
/// problem's field in Vietnamese and English; [`WeekDefinition::from`] writes a week back.
/// Omitted members take the standard week's values, so `{}` is the standard week and
/// `{"saturday_morning": true}` adds Saturday mornings to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekDefinition {
    /// The full working days: `mon`, `tue`, `wed`, `thu`, `fri`, `sat`, `sun` (English
    /// weekday names in any case are accepted too). Default Monday–Friday.
    #[serde(default = "default_working_days")]
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub working_days: Vec<String>,
    /// Saturday, not a full working day, is worked in the morning only: the intervals of
    /// `hours` that end by 12:00 (07:30–11:30 by default), counted as a working day for
    /// deadlines. Default `false`.
    #[serde(default)]
    pub saturday_morning: bool,
    /// The opening hours of a working day, in order and not overlapping. Default 07:30–11:30
    /// and 13:00–17:00.
    #[serde(default = "default_hours_definition")]
    pub hours: Vec<HoursDefinition>,
}

impl Default for WeekDefinition {
    /// The standard week.
    fn default() -> Self {
        Self::from(&WorkWeek::standard())
    }
}

fn clock(t: NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

impl From<&Interval> for HoursDefinition {
    fn from(i: &Interval) -> Self {
        Self {
            start: clock(i.start),
            end: clock(i.end),
        }
    }
}

impl From<&WorkWeek> for WeekDefinition {
    fn from(week: &WorkWeek) -> Self {
        Self {
            working_days: WEEKDAYS
                .iter()
                .filter(|(d, _)| !week.weekly_days_off.contains(d))
                .map(|(_, n)| (*n).to_owned())
                .collect(),
            saturday_morning: week.saturday_morning,
            hours: week.hours.iter().map(HoursDefinition::from).collect(),
        }
    }
}

/// Parses `H:MM` or `HH:MM` (a trailing `:00` for the seconds is allowed); the error names
/// `field`.
fn parse_clock(field: String, raw: &str) -> Result<NaiveTime, FieldError> {
    let parts: Vec<&str> = raw.trim().split(':').collect();
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    let shaped = match parts.as_slice() {
        [h, m] | [h, m, "00"] if digits(h, 1..=2) && digits(m, 2..=2) => Some((*h, *m)),
        _ => None,
    };
    let Some((h, m)) = shaped else {
        return Err(FieldError::new(
            field,
            "time_format",
            format!("Giờ \"{raw}\" phải viết theo dạng HH:MM (24 giờ), ví dụ 07:30."),
            format!("The time \"{raw}\" must be written HH:MM (24-hour clock), e.g. 07:30."),
        ));
    };
    let (h, m): (u32, u32) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| {
        FieldError::new(
            field,
            "time_range",
            format!("\"{raw}\" không phải giờ trên đồng hồ: giờ từ 00 đến 23, phút từ 00 đến 59."),
            format!("\"{raw}\" is not a time of day: hours run 00–23 and minutes 00–59."),
        )
    })
}

impl WeekDefinition {
    /// Checks the definition and makes it a [`WorkWeek`]; every problem names its field
    /// (`working_days[2]`, `hours[1].start`, `hours[1]`, `saturday_morning`…) in Vietnamese
    /// and English.
    pub fn to_week(&self) -> Result<WorkWeek, Validation> {
        let mut v = Validation::default();
        let mut working: Vec<Weekday> = Vec::new();
        let mut all_days_known = true;
        for (i, raw) in self.working_days.iter().enumerate() {
            let field = format!("working_days[{i}]");
            match raw.trim().parse::<Weekday>() {
                Ok(day) if working.contains(&day) => v.push(FieldError::new(
                    field,
                    "duplicate",
                    format!("Ngày \"{raw}\" được liệt kê hai lần."),
                    format!("The day \"{raw}\" is listed twice."),
                )),
                Ok(day) => working.push(day),
                Err(_) => {
                    all_days_known = false;
                    v.push(FieldError::new(
                        field,
                        "unknown_weekday",
                        format!("\"{raw}\" không phải một ngày trong tuần; dùng mon, tue, wed, thu, fri, sat, sun."),
                        format!("\"{raw}\" is not a day of the week; use mon, tue, wed, thu, fri, sat, sun."),
                    ));
                }
            }
        }
        if all_days_known && working.is_empty() && !self.saturday_morning {
            v.push(FieldError::new(
                "working_days",
                "no_working_day",
                "Phải có ít nhất một ngày làm việc trong tuần (hoặc làm việc sáng thứ Bảy).",
                "At least one day of the week must be a working day (or Saturday mornings worked).",
            ));
        }
        if self.saturday_morning && working.contains(&Weekday::Sat) {
            v.push(FieldError::new(
                "saturday_morning",
                "conflict",
                "Thứ Bảy đã là ngày làm việc cả ngày; bỏ chọn thứ Bảy hoặc bỏ chọn chỉ làm buổi sáng.",
                "Saturday is already a full working day; untick Saturday or the Saturday-morning option.",
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
        let mut hours = Vec::with_capacity(self.hours.len());
        let mut all_hours_known = true;
        let mut previous_end: Option<NaiveTime> = None;
        for (i, h) in self.hours.iter().enumerate() {
            let start = parse_clock(format!("hours[{i}].start"), &h.start);
            let end = parse_clock(format!("hours[{i}].end"), &h.end);
            let (start, end) = match (start, end) {
                (Ok(s), Ok(e)) => (s, e),
                (s, e) => {
                    all_hours_known = false;
                    previous_end = None;
                    v.0.extend(s.err());
                    v.0.extend(e.err());
                    continue;
                }
            };
            if start >= end {
                v.push(FieldError::new(
                    format!("hours[{i}]"),
                    "reversed",
                    format!(
                        "Giờ bắt đầu {} phải trước giờ kết thúc {}.",
                        clock(start),
                        clock(end)
                    ),
                    format!(
                        "The start {} must be before the end {}.",
                        clock(start),
                        clock(end)
                    ),
                ));
            } else if previous_end.is_some_and(|p| start < p) {
                v.push(FieldError::new(
                    format!("hours[{i}]"),
                    "overlap",
                    format!(
                        "Khoảng {}–{} bắt đầu trước khi khoảng trước kết thúc: các khoảng giờ phải theo thứ tự và không chồng lên nhau.",
                        clock(start),
                        clock(end)
                    ),
                    format!(
                        "{}–{} starts before the previous interval ends: intervals must be in order and must not overlap.",
                        clock(start),
                        clock(end)
                    ),
                ));
            }
            previous_end = Some(end);
            hours.push(Interval { start, end });
        }
        let week = WorkWeek {
            weekly_days_off: WEEKDAYS
                .iter()
                .map(|(d, _)| *d)
                .filter(|d| !working.contains(d))
                .collect(),
            saturday_morning: self.saturday_morning,
            hours,
        };
        if self.saturday_morning
            && all_hours_known
            && !self.hours.is_empty()
            && week.morning_hours().is_empty()
        {
            v.push(FieldError::new(
                "saturday_morning",
                "no_morning_hours",
                "Không có khoảng giờ nào kết thúc trước 12:00 để làm việc sáng thứ Bảy.",
                "No interval of working hours ends by 12:00 to work on Saturday mornings.",
            ));
        }
        v.finish()?;
        // The week's own rules, which the checks above already cover.
        week.validate()?;
        Ok(week)
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

    fn def(json: &str) -> WeekDefinition {
        serde_json::from_str(json).unwrap()
    }

    fn problems(json: &str) -> Vec<(String, &'static str)> {
        let err = def(json).to_week().unwrap_err();
        for e in &err.0 {
            assert!(
                !e.message_vi.is_empty() && e.message_vi != e.message_en,
                "{e:?}"
            );
        }
        err.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn definitions_round_trip_to_weeks() {
        assert_eq!(def("{}").to_week().unwrap(), WorkWeek::standard());
        assert_eq!(
            WeekDefinition::default().to_week().unwrap(),
            WorkWeek::standard()
        );
        for week in [WorkWeek::standard(), WorkWeek::with_saturday_morning()] {
            let written = WeekDefinition::from(&week);
            assert_eq!(written.to_week().unwrap(), week);
        }
        let sat = def(r#"{"saturday_morning": true}"#).to_week().unwrap();
        assert_eq!(sat, WorkWeek::with_saturday_morning());
        assert_eq!(
            serde_json::to_value(WeekDefinition::from(&sat)).unwrap(),
            serde_json::json!({
                "working_days": ["mon", "tue", "wed", "thu", "fri"],
                "saturday_morning": true,
                "hours": [{"start": "07:30", "end": "11:30"}, {"start": "13:00", "end": "17:00"}],
            })
        );
    }

    #[test]
    fn definitions_accept_names_and_clock_variants() {
        let w = def(
            r#"{"working_days": ["Monday", " TUE ", "wed", "Thu", "fri", "sat"],
                "hours": [{"start": "8:00", "end": "12:00:00"}, {"start": "13:30", "end": "16:30"}]}"#,
        )
        .to_week()
        .unwrap();
        assert_eq!(w.weekly_days_off, vec![Weekday::Sun]);
        assert_eq!(
            w.hours,
            vec![Interval::hm(8, 0, 12, 0), Interval::hm(13, 30, 16, 30)]
        );
        // A Saturday-morning point with its own hours: Saturday works 08:00–11:00 only.
        let w = def(
            r#"{"saturday_morning": true,
                "hours": [{"start": "08:00", "end": "11:00"}, {"start": "13:00", "end": "17:00"}]}"#,
        )
        .to_week()
        .unwrap();
        assert_eq!(w.shape(Weekday::Sat), DayShape::Morning);
        assert_eq!(w.morning_hours(), vec![Interval::hm(8, 0, 11, 0)]);
    }

    #[test]
    fn invalid_definitions_name_their_fields() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            (
                r#"{"working_days": ["mon", "funday"]}"#,
                &[("working_days[1]", "unknown_weekday")],
            ),
            (
                r#"{"working_days": ["mon", "Monday"]}"#,
                &[("working_days[1]", "duplicate")],
            ),
            (
                r#"{"working_days": []}"#,
                &[("working_days", "no_working_day")],
            ),
            (r#"{"hours": []}"#, &[("hours", "required")]),
            (
                r#"{"working_days": [], "hours": []}"#,
                &[("working_days", "no_working_day"), ("hours", "required")],
            ),
            (
                r#"{"hours": [{"start": "07:75", "end": "11:30"}, {"start": "13:00", "end": "25:00"}]}"#,
                &[
                    ("hours[0].start", "time_range"),
                    ("hours[1].end", "time_range"),
                ],
            ),
            (
                r#"{"hours": [{"start": "7h30", "end": "11:30"}, {"start": "13:00", "end": "17:00:30"}]}"#,
                &[
                    ("hours[0].start", "time_format"),
                    ("hours[1].end", "time_format"),
                ],
            ),
            (
                r#"{"hours": [{"start": "11:30", "end": "07:30"}]}"#,
                &[("hours[0]", "reversed")],
            ),
            (
                r#"{"hours": [{"start": "07:30", "end": "07:30"}]}"#,
                &[("hours[0]", "reversed")],
            ),
            (
                r#"{"hours": [{"start": "07:30", "end": "12:00"}, {"start": "11:00", "end": "17:00"}]}"#,
                &[("hours[1]", "overlap")],
            ),
            (
                r#"{"hours": [{"start": "13:00", "end": "17:00"}, {"start": "07:30", "end": "11:30"}]}"#,
                &[("hours[1]", "overlap")],
            ),
            (
                r#"{"saturday_morning": true, "hours": [{"start": "13:00", "end": "17:00"}]}"#,
                &[("saturday_morning", "no_morning_hours")],
            ),
            (
                r#"{"working_days": ["mon", "sat"], "saturday_morning": true}"#,
                &[("saturday_morning", "conflict")],
            ),
        ];
        for (json, want) in cases {
            let want: Vec<(String, &str)> =
                want.iter().map(|(f, c)| ((*f).to_owned(), *c)).collect();
            assert_eq!(problems(json), want, "{json}");
        }
        // Only Saturday mornings: a working week still.
        assert!(
            def(r#"{"working_days": [], "saturday_morning": true}"#)
                .to_week()
                .is_ok()
        );
        // Unknown members are refused when reading the JSON.
        assert!(serde_json::from_str::<WeekDefinition>(r#"{"sunday": true}"#).is_err());
    }
}
