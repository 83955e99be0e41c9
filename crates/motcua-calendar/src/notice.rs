//! Official yearly notices (thông báo lịch nghỉ lễ, Tết) as data.
//!
//! Each year the government decides how the statutory holidays are actually taken by the
//! public sector: which days around Tết are off, which working day is swapped with a
//! Saturday to bridge a break. This cannot be computed, so it is data: a [`YearNotice`] per
//! year. The notices for 2024–2026 ship with the program (`src/notices.json`); an
//! administrator adds or corrects later years, and the storage layer persists those edits
//! and hands them back to [`NoticeSet::apply`].
//!
//! How a notice combines with the default rules of [`crate::holidays`]: for every statutory
//! [`HolidayKind`] the notice lists at least one day of, the notice's days replace the
//! default ones of that kind (compensatory days included); kinds it does not mention keep
//! their defaults; bridges and other days only add. `replace_defaults: true` drops every
//! default day of the year, for a notice that lists the whole year.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Validation};
use crate::holidays::{self, DayOff, HolidayKind, HolidayRules, is_weekend};
use crate::lunar::{self, LunarDate, LunarError};

/// Longest accepted name or source text, in characters.
const MAX_TEXT: usize = 300;

/// A date with its Vietnamese and English names, as shown in calendars and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NamedDay {
    pub date: NaiveDate,
    /// Vietnamese name.
    pub name: String,
    pub name_en: String,
}

/// A day off decreed by a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeDayOff {
    pub date: NaiveDate,
    /// Which holiday this day belongs to; decides which default days it replaces.
    pub kind: HolidayKind,
    /// Vietnamese name; defaults to the kind's name. Required for [`HolidayKind::Other`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

/// A Saturday or Sunday that a notice turns into a working day (ngày làm bù).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeWorkday {
    pub date: NaiveDate,
    /// The day off this one makes up for, if any; must be one of the notice's days off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
}

/// The official notice(s) of one year, merged into one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearNotice {
    pub year: i32,
    /// Reference of the document(s), free text, for the record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Drop every default day off of the year: the notice lists the whole year.
    #[serde(default)]
    pub replace_defaults: bool,
    #[serde(default)]
    pub days_off: Vec<NoticeDayOff>,
    #[serde(default)]
    pub workdays_on_weekend: Vec<NoticeWorkday>,
}

fn fmt_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// Dates a day of `kind` may plausibly fall on in `year`, to catch typos (2025-02-27 for
/// 2025-01-27) before they move every appointment. `None` for kinds with no fixed place.
fn plausible_window(
    kind: HolidayKind,
    year: i32,
) -> Result<Option<(NaiveDate, NaiveDate)>, LunarError> {
    use HolidayKind::*;
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    let around = |date: NaiveDate, days: u64| (date - Days::new(days), date + Days::new(days));
    Ok(match kind {
        NewYear => Some(around(ymd(1, 1), 10)),
        Tet => Some(around(lunar::tet(year)?, 10)),
        HungKings => Some(around(
            lunar::lunar_to_solar(LunarDate::new(year, 3, 10))?,
            10,
        )),
        Reunification | Labour => Some((ymd(4, 20), ymd(5, 10))),
        NationalDay => Some((ymd(8, 25), ymd(9, 10))),
        CultureDay => Some((ymd(11, 17), ymd(12, 1))),
        Bridge | Other => None,
    })
}

fn check_text(v: &mut Validation, field: &str, value: Option<&str>, required: bool) {
    match value.map(str::trim) {
        None | Some("") if required => v.push(FieldError::new(
            field,
            "required",
            "Trường này là bắt buộc với loại ngày nghỉ \"other\".",
            "This field is required for days off of kind \"other\".",
        )),
        Some("") => v.push(FieldError::new(
            field,
            "empty",
            "Không được để trống; bỏ trường này để dùng tên mặc định.",
            "Must not be empty; omit the field to use the default name.",
        )),
        Some(text) if text.chars().count() > MAX_TEXT => v.push(FieldError::new(
            field,
            "too_long",
            format!("Không được dài quá {MAX_TEXT} ký tự."),
            format!("Must be at most {MAX_TEXT} characters long."),
        )),
        _ => {}
    }
}

impl YearNotice {
    /// Checks the notice; every problem names its field, in Vietnamese and English.
    pub fn validate(&self) -> Result<(), Validation> {
        let mut v = Validation::default();
        let year = self.year;
        if !(lunar::MIN_DATE.year()..lunar::MAX_DATE.year()).contains(&year) {
            v.push(FieldError::new(
                "year",
                "out_of_range",
                format!("Năm {year} nằm ngoài khoảng hỗ trợ 1900–2199."),
                format!("Year {year} is outside the supported range 1900–2199."),
            ));
            return v.finish();
        }
        check_text(&mut v, "source", self.source.as_deref(), false);
        // A notice may reach a few days into the neighbouring years (a New Year break that
        // starts on 30/12), never further.
        let first = NaiveDate::from_ymd_opt(year - 1, 12, 1).expect("valid date");
        let last = NaiveDate::from_ymd_opt(year + 1, 1, 31).expect("valid date");
        let in_year = |v: &mut Validation, field: &str, date: NaiveDate| {
            let ok = (first..=last).contains(&date);
            if !ok {
                v.push(FieldError::new(
                    field,
                    "wrong_year",
                    format!(
                        "Ngày {} không thuộc năm {year} của thông báo.",
                        fmt_date(date)
                    ),
                    format!("{date} does not belong to the notice's year {year}."),
                ));
            }
            ok
        };
        let mut off = BTreeSet::new();
        for (i, day) in self.days_off.iter().enumerate() {
            let field = format!("days_off[{i}].date");
            if !off.insert(day.date) {
                v.push(FieldError::new(
                    &field,
                    "duplicate",
                    format!("Ngày {} được liệt kê hai lần.", fmt_date(day.date)),
                    format!("{} is listed twice.", day.date),
                ));
            }
            if in_year(&mut v, &field, day.date) {
                let window = plausible_window(day.kind, year).map_err(|e| {
                    Validation(vec![FieldError::new(
                        "year",
                        "lunar",
                        e.to_string(),
                        e.to_string(),
                    )])
                })?;
                if let Some((from, to)) = window.filter(|(f, t)| !(*f..=*t).contains(&day.date)) {
                    v.push(FieldError::new(
                        &field,
                        "implausible_date",
                        format!(
                            "Ngày {} không thể là {} năm {year} (phải trong khoảng {} – {}).",
                            fmt_date(day.date),
                            day.kind.name_vi(),
                            fmt_date(from),
                            fmt_date(to)
                        ),
                        format!(
                            "{} cannot be {} of {year} (expected between {from} and {to}).",
                            day.date,
                            day.kind.name_en()
                        ),
                    ));
                }
            }
            let other = day.kind == HolidayKind::Other;
            check_text(
                &mut v,
                &format!("days_off[{i}].name"),
                day.name.as_deref(),
                other,
            );
            check_text(
                &mut v,
                &format!("days_off[{i}].name_en"),
                day.name_en.as_deref(),
                other,
            );
        }
        let mut work = BTreeSet::new();
        for (i, day) in self.workdays_on_weekend.iter().enumerate() {
            let field = format!("workdays_on_weekend[{i}].date");
            if !work.insert(day.date) {
                v.push(FieldError::new(
                    &field,
                    "duplicate",
                    format!("Ngày {} được liệt kê hai lần.", fmt_date(day.date)),
                    format!("{} is listed twice.", day.date),
                ));
            }
            in_year(&mut v, &field, day.date);
            if !is_weekend(day.date) {
                v.push(FieldError::new(
                    &field,
                    "not_weekend",
                    format!(
                        "Ngày làm bù {} phải là thứ Bảy hoặc Chủ nhật.",
                        fmt_date(day.date)
                    ),
                    format!(
                        "Make-up working day {} must be a Saturday or a Sunday (it is a {}).",
                        day.date,
                        day.date.weekday()
                    ),
                ));
            }
            if off.contains(&day.date) {
                v.push(FieldError::new(
                    &field,
                    "conflict",
                    format!(
                        "Ngày {} vừa là ngày nghỉ vừa là ngày làm bù.",
                        fmt_date(day.date)
                    ),
                    format!("{} is both a day off and a make-up working day.", day.date),
                ));
            }
            if let Some(replaced) = day.replaces {
                let weekday = !matches!(replaced.weekday(), Weekday::Sat | Weekday::Sun);
                if !off.contains(&replaced) || !weekday {
                    v.push(FieldError::new(
                        format!("workdays_on_weekend[{i}].replaces"),
                        "unknown_day_off",
                        format!(
                            "Ngày {} không phải là một ngày nghỉ từ thứ Hai đến thứ Sáu của thông báo.",
                            fmt_date(replaced)
                        ),
                        format!("{replaced} is not one of the notice's Monday–Friday days off."),
                    ));
                }
            }
            check_text(
                &mut v,
                &format!("workdays_on_weekend[{i}].name"),
                day.name.as_deref(),
                false,
            );
            check_text(
                &mut v,
                &format!("workdays_on_weekend[{i}].name_en"),
                day.name_en.as_deref(),
                false,
            );
        }
        v.finish()
    }
}

/// The notices in force, at most one per year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoticeSet {
    by_year: BTreeMap<i32, YearNotice>,
}

const BUNDLED: &str = include_str!("notices.json");

impl NoticeSet {
    /// No notices: every year follows the default rules.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The notices shipped with the program (2024–2026).
    pub fn bundled() -> Self {
        let notices: Vec<YearNotice> =
            serde_json::from_str(BUNDLED).expect("src/notices.json is valid (tested)");
        let mut set = Self::empty();
        set.apply(notices)
            .expect("bundled notices are valid (tested)");
        set
    }

    /// Validates `edits` and lets each one replace the notice of its year. All or nothing:
    /// on any error nothing changes, and field paths name the edit (`notices[1].year`).
    pub fn apply(&mut self, edits: impl IntoIterator<Item = YearNotice>) -> Result<(), Validation> {
        let edits: Vec<YearNotice> = edits.into_iter().collect();
        let mut v = Validation::default();
        let mut years = BTreeSet::new();
        for (i, notice) in edits.iter().enumerate() {
            if let Err(e) = notice.validate() {
                v.0.extend(e.prefixed(&format!("notices[{i}]")).0);
            }
            if !years.insert(notice.year) {
                v.push(FieldError::new(
                    format!("notices[{i}].year"),
                    "duplicate",
                    format!(
                        "Có hai thông báo cho năm {}; hãy gộp thành một.",
                        notice.year
                    ),
                    format!("Two notices for year {}; merge them into one.", notice.year),
                ));
            }
        }
        v.finish()?;
        for notice in edits {
            self.by_year.insert(notice.year, notice);
        }
        Ok(())
    }

    /// Drops the notice of `year` (the year then follows the default rules).
    pub fn remove(&mut self, year: i32) -> Option<YearNotice> {
        self.by_year.remove(&year)
    }

    pub fn get(&self, year: i32) -> Option<&YearNotice> {
        self.by_year.get(&year)
    }

    /// The notices, by year.
    pub fn iter(&self) -> impl Iterator<Item = &YearNotice> {
        self.by_year.values()
    }
}

/// The bundled notices with an administrator's edits applied (each edit replaces the
/// notice of its year).
pub fn apply_notices(edits: impl IntoIterator<Item = YearNotice>) -> Result<NoticeSet, Validation> {
    let mut set = NoticeSet::bundled();
    set.apply(edits)?;
    Ok(set)
}

/// Days off and make-up days of one year once defaults and notice are combined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedYear {
    /// Every day off, weekend ones included, in date order.
    pub days_off: Vec<DayOff>,
    /// Make-up working days, in date order.
    pub workdays_on_weekend: Vec<NamedDay>,
}

/// Combines the default rules of `year` with its notice, if any (see the module docs).
pub fn resolve_year(
    year: i32,
    rules: &HolidayRules,
    notice: Option<&YearNotice>,
) -> Result<ResolvedYear, LunarError> {
    let defaults = match notice {
        Some(n) if n.replace_defaults => Vec::new(),
        _ => holidays::default_days_off(year, rules)?,
    };
    let replaced: BTreeSet<HolidayKind> = notice
        .iter()
        .flat_map(|n| &n.days_off)
        .map(|d| d.kind)
        .filter(|k| k.is_statutory())
        .collect();
    // Keyed by date: a notice's day wins over a default day of another kind on the same date.
    let mut days_off: BTreeMap<NaiveDate, DayOff> = defaults
        .into_iter()
        .filter(|d| !replaced.contains(&d.kind))
        .map(|d| (d.date, d))
        .collect();
    let mut workdays_on_weekend = Vec::new();
    if let Some(notice) = notice {
        for d in &notice.days_off {
            let day = DayOff {
                date: d.date,
                kind: d.kind,
                name: d
                    .name
                    .clone()
                    .unwrap_or_else(|| d.kind.name_vi().to_owned()),
                name_en: d
                    .name_en
                    .clone()
                    .unwrap_or_else(|| d.kind.name_en().to_owned()),
                compensatory: false,
            };
            days_off.insert(d.date, day);
        }
        workdays_on_weekend = notice
            .workdays_on_weekend
            .iter()
            .map(|w| NamedDay {
                date: w.date,
                name: w.name.clone().unwrap_or_else(|| match w.replaces {
                    Some(r) => format!("Làm bù cho ngày nghỉ {}", fmt_date(r)),
                    None => "Ngày làm bù".to_owned(),
                }),
                name_en: w.name_en.clone().unwrap_or_else(|| match w.replaces {
                    Some(r) => format!("Make-up working day for {r}"),
                    None => "Make-up working day".to_owned(),
                }),
            })
            .collect();
        workdays_on_weekend.sort_by_key(|w| w.date);
    }
    let days_off = days_off.into_values().collect();
    Ok(ResolvedYear {
        days_off,
        workdays_on_weekend,
    })
}
