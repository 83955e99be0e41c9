//! Statutory public holidays (Labour Code 2019, art. 112) and the default way they fall on
//! the calendar when no official notice says otherwise.
//!
//! The law fixes which days are holidays; the government publishes each year how they are
//! actually taken (see [`crate::notice`]). When a year has no notice yet — every year after
//! the last one entered — the system still has to promise appointment dates, so these rules
//! produce the most likely days off:
//!
//! * 1/1 (Tết Dương lịch);
//! * Tết Nguyên đán, 5 days: lunar New Year's Eve (last day of month 12) and 1–4/1 lunar;
//! * 10/3 lunar, Hùng Kings' Commemoration Day (the ordinary month 3, never the leap one);
//! * 30/4 (Reunification Day) and 1/5 (International Labour Day);
//! * 2/9 (National Day) and one adjacent day, see [`AdjacentDay`];
//! * from 2026, 24/11, Vietnam Culture Day (Resolution 80-NQ/TW, paid day off).
//!
//! A holiday on a Saturday or Sunday, or on a date already taken by another holiday, gives a
//! compensatory day off on the next Monday–Friday that is not itself a holiday or another
//! compensatory day (art. 111(3), art. 112; Decree 145/2020 art. 58). Compensation follows
//! the public sector's Saturday–Sunday weekend whatever a receiving point's own opening days
//! are, because the days off are set nationally.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::lunar::{self, LunarDate, LunarError};

/// What a day off is for. Notices use it to say which default days they replace.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    /// 1/1.
    NewYear,
    /// Lunar New Year.
    Tet,
    /// 10/3 lunar.
    HungKings,
    /// 30/4.
    Reunification,
    /// 1/5.
    Labour,
    /// 2/9 and its adjacent day.
    NationalDay,
    /// 24/11, from 2026.
    CultureDay,
    /// A working day swapped with a make-up weekend day (nghỉ hoán đổi) to bridge a break.
    Bridge,
    /// Anything else an administrator decides (e.g. a day of national mourning).
    Other,
}

impl HolidayKind {
    /// The Vietnamese name shown to officers and the public.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::NewYear => "Tết Dương lịch",
            Self::Tet => "Tết Nguyên đán",
            Self::HungKings => "Giỗ Tổ Hùng Vương",
            Self::Reunification => "Ngày Chiến thắng (30/4)",
            Self::Labour => "Ngày Quốc tế Lao động",
            Self::NationalDay => "Quốc khánh",
            Self::CultureDay => "Ngày Văn hóa Việt Nam",
            Self::Bridge => "Nghỉ hoán đổi",
            Self::Other => "Ngày nghỉ",
        }
    }

    /// The English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::NewYear => "New Year's Day",
            Self::Tet => "Lunar New Year (Tết)",
            Self::HungKings => "Hùng Kings' Commemoration Day",
            Self::Reunification => "Reunification Day",
            Self::Labour => "International Labour Day",
            Self::NationalDay => "National Day",
            Self::CultureDay => "Vietnam Culture Day",
            Self::Bridge => "Swapped day off",
            Self::Other => "Day off",
        }
    }

    /// Kinds whose default days a notice replaces when it lists any day of that kind.
    /// Bridges and other days only ever add to the defaults.
    pub fn is_statutory(self) -> bool {
        !matches!(self, Self::Bridge | Self::Other)
    }
}

/// Which day goes with 2/9 when no notice says.
///
/// The law says "2/9 and one day before or after"; the government picks each year. The
/// default, [`AdjacentDay::Auto`], reproduces every choice since the rule began (2021–2026):
/// it takes the neighbour that is a Monday–Friday and joins the break to a weekend —
/// 2/9 on Monday → 3/9, Tuesday → 1/9, Wednesday → 1/9 (as 2026), Thursday → 3/9,
/// Friday → 1/9, Saturday → 1/9, Sunday → 3/9.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjacentDay {
    #[default]
    Auto,
    /// Always 1/9.
    Before,
    /// Always 3/9.
    After,
}

/// The parts of the default rules that policy may change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HolidayRules {
    /// How the day adjacent to 2/9 is chosen.
    #[serde(default)]
    pub national_day_adjacent: AdjacentDay,
    /// First year in which 24/11 is a day off (2026); `None` disables it.
    #[serde(default = "culture_day_from")]
    pub culture_day_from: Option<i32>,
}

fn culture_day_from() -> Option<i32> {
    Some(2026)
}

impl Default for HolidayRules {
    fn default() -> Self {
        Self {
            national_day_adjacent: AdjacentDay::Auto,
            culture_day_from: culture_day_from(),
        }
    }
}

/// One day off, with why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DayOff {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    /// Vietnamese name.
    pub name: String,
    pub name_en: String,
    /// Whether this is a compensatory day for a holiday that fell on a weekend or clashed.
    #[serde(default)]
    pub compensatory: bool,
}

impl DayOff {
    fn holiday(date: NaiveDate, kind: HolidayKind) -> Self {
        Self {
            date,
            kind,
            name: kind.name_vi().to_owned(),
            name_en: kind.name_en().to_owned(),
            compensatory: false,
        }
    }

    fn compensation(date: NaiveDate, kind: HolidayKind) -> Self {
        Self {
            date,
            kind,
            name: format!("Nghỉ bù {}", kind.name_vi()),
            name_en: format!("{} (compensatory day off)", kind.name_en()),
            compensatory: true,
        }
    }
}

/// Whether `date` is a Saturday or a Sunday.
pub fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("valid fixed holiday date")
}

/// The holidays themselves in `year`, before compensation, in date order.
pub fn statutory_holidays(
    year: i32,
    rules: &HolidayRules,
) -> Result<Vec<(NaiveDate, HolidayKind)>, LunarError> {
    use HolidayKind::*;
    let tet = lunar::tet(year)?;
    let mut days = vec![(ymd(year, 1, 1), NewYear)];
    // New Year's Eve is the day before 1/1 lunar, whether month 12 has 29 or 30 days.
    let eve = tet - Days::new(1);
    days.extend((0..5).map(|i| (eve + Days::new(i), Tet)));
    days.push((
        lunar::lunar_to_solar(LunarDate::new(year, 3, 10))?,
        HungKings,
    ));
    days.push((ymd(year, 4, 30), Reunification));
    days.push((ymd(year, 5, 1), Labour));
    let national = ymd(year, 9, 2);
    let before = match rules.national_day_adjacent {
        AdjacentDay::Before => true,
        AdjacentDay::After => false,
        AdjacentDay::Auto => matches!(
            national.weekday(),
            Weekday::Tue | Weekday::Wed | Weekday::Fri | Weekday::Sat
        ),
    };
    let adjacent = if before {
        ymd(year, 9, 1)
    } else {
        ymd(year, 9, 3)
    };
    days.push((national.min(adjacent), NationalDay));
    days.push((national.max(adjacent), NationalDay));
    if rules.culture_day_from.is_some_and(|from| year >= from) {
        days.push((ymd(year, 11, 24), CultureDay));
    }
    days.sort();
    Ok(days)
}

/// The default days off of `year`: the holidays and their compensatory days, in date order.
/// Includes holidays that fall on a weekend (they are days off too; the calendar shows them).
pub fn default_days_off(year: i32, rules: &HolidayRules) -> Result<Vec<DayOff>, LunarError> {
    let holidays = statutory_holidays(year, rules)?;
    let mut taken: BTreeSet<NaiveDate> = holidays.iter().map(|(d, _)| *d).collect();
    let mut out = Vec::with_capacity(holidays.len() + 4);
    let mut seen = BTreeSet::new();
    for &(date, kind) in &holidays {
        let clash = !seen.insert(date);
        if !clash {
            out.push(DayOff::holiday(date, kind));
        }
        if clash || is_weekend(date) {
            let mut comp = date + Days::new(1);
            while is_weekend(comp) || taken.contains(&comp) {
                comp = comp + Days::new(1);
            }
            taken.insert(comp);
            out.push(DayOff::compensation(comp, kind));
        }
    }
    out.sort_by_key(|d| d.date);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn weekdays_off(year: i32) -> Vec<(NaiveDate, HolidayKind, bool)> {
        default_days_off(year, &HolidayRules::default())
            .unwrap()
            .into_iter()
            .filter(|d| !is_weekend(d.date))
            .map(|d| (d.date, d.kind, d.compensatory))
            .collect()
    }

    #[test]
    fn tet_on_a_weekend_is_compensated_after_the_break() {
        // Tết 2024 was Saturday 10/2: eve Fri 9, Sat 10 – Tue 13; Sat and Sun → Wed 14, Thu 15.
        let tet: Vec<_> = weekdays_off(2024)
            .into_iter()
            .filter(|(_, k, _)| *k == HolidayKind::Tet)
            .map(|(d, _, c)| (d, c))
            .collect();
        assert_eq!(
            tet,
            vec![
                (d(2024, 2, 9), false),
                (d(2024, 2, 12), false),
                (d(2024, 2, 13), false),
                (d(2024, 2, 14), true),
                (d(2024, 2, 15), true),
            ]
        );
    }

    #[test]
    fn national_day_adjacent_auto_matches_recent_years() {
        let pick = |y| {
            weekdays_off(y)
                .into_iter()
                .filter(|(_, k, c)| *k == HolidayKind::NationalDay && !c)
                .map(|(d, _, _)| d.day())
                .collect::<Vec<_>>()
        };
        assert_eq!(pick(2021), vec![2, 3]); // Thursday → Friday 3/9
        assert_eq!(pick(2022), vec![1, 2]); // Friday → Thursday 1/9
        assert_eq!(pick(2023), vec![1]); // Saturday → Friday 1/9 (+ Monday 4/9 in lieu)
        assert_eq!(pick(2024), vec![2, 3]); // Monday → Tuesday 3/9
        assert_eq!(pick(2025), vec![1, 2]); // Tuesday → Monday 1/9
        assert_eq!(pick(2026), vec![1, 2]); // Wednesday → Tuesday 1/9
    }

    #[test]
    fn weekend_holidays_skip_other_holidays_when_compensated() {
        // 2023: Hùng Kings' day Saturday 29/4 and 30/4 a Sunday are compensated on Tuesday 2/5
        // and Wednesday 3/5, because Monday 1/5 is Labour Day itself.
        let off: Vec<_> = weekdays_off(2023).into_iter().map(|(d, _, _)| d).collect();
        assert!(off.contains(&d(2023, 5, 1)));
        assert!(off.contains(&d(2023, 5, 2)));
        assert!(off.contains(&d(2023, 5, 3)));
        assert!(!off.contains(&d(2023, 5, 4)));
    }

    #[test]
    fn culture_day_only_from_2026() {
        let has = |y| {
            default_days_off(y, &HolidayRules::default())
                .unwrap()
                .iter()
                .any(|d| d.kind == HolidayKind::CultureDay)
        };
        assert!(!has(2025));
        assert!(has(2026));
        assert!(has(2027));
    }
}
