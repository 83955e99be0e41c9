//! The Vietnamese lunisolar calendar (âm lịch), computed for UTC+7.
//!
//! Why not the Chinese calendar: the rules are the same (a month starts on the day of a new
//! moon; month 11 contains the winter solstice; in a 13-month year the first month without a
//! principal solar term is leap), but Vietnam applies them to *local dates in UTC+7* while
//! China uses UTC+8. A new moon or solar term between 16:00 and 17:00 UTC falls on different
//! dates, and the two calendars then differ: Tết 1985 was 21 January in Vietnam and
//! 20 February in China; Tết 2007 was 17 February in Vietnam and 18 February in China.
//!
//! The astronomy is Hồ Ngọc Đức's well-known compact algorithm (the one behind most Vietnamese
//! calendar software): a truncated Meeus series for the mean and true new moon and a
//! low-order series for the sun's longitude, evaluated at local midnights. It is cheap, and
//! the tests check it month by month, 1900–2200, against `tests/data/lunar_months.csv`,
//! produced by an independent implementation (`tests/data/gen_tet.py`: PyEphem's
//! high-precision ephemeris with the rules applied directly). They agree on Tết for every
//! year 1900–2174 and on every month but eight, each a new moon less than 2.5 minutes
//! before local midnight that the series puts just after it (listed in
//! `tests/lunar_reference.rs`; the first to move Tết is 2175, where even the ephemeris is
//! uncertain by minutes). This module keeps the series' answer there, as the calendars
//! Vietnamese people use do.
//!
//! Two deliberate departures from the published code: [`solar_to_lunar`] steps to the right
//! month when the mean-month estimate is off by one (the original answers "day 0" for
//! e.g. 2054-05-07), and [`lunar_to_solar`] recognises a leap 12th month.
//!
//! Historical note: the calendar is computed for UTC+7 throughout. North Vietnam adopted
//! the UTC+7 calendar in 1968 and the whole country after reunification; earlier dates here are
//! the UTC+7 calendar as it would have been, not necessarily what was printed at the time.
//!
//! The supported range is the solar dates 1900-01-01 ..= 2200-12-31 (lunar years 1899–2200
//! where they fall in it); outside it the series' error grows and nothing was verified, so
//! conversions refuse with [`LunarError::OutOfRange`].

use std::f64::consts::PI;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Vietnam's time zone, in hours east of UTC: the whole point of this module.
pub const TIME_ZONE_HOURS: f64 = 7.0;

/// First solar date the conversions accept.
pub const MIN_DATE: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
/// Last solar date the conversions accept.
pub const MAX_DATE: NaiveDate = NaiveDate::from_ymd_opt(2200, 12, 31).expect("valid date");

/// Julian day number of 0001-01-01 minus chrono's day count from the common era.
const JDN_CE_OFFSET: i64 = 1_721_425;
/// Julian day of the new moon of 1900-01-01 (k = 0 in Hồ Ngọc Đức's numbering).
const K0_JD: f64 = 2_415_021.076_998_695;
/// Mean synodic month, days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// A date in the Vietnamese lunar calendar.
///
/// Field order makes the derived ordering chronological: a leap month (`leap: true`) comes
/// right after the ordinary month with the same number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct LunarDate {
    /// Lunar year: the one that began with the Tết before this date.
    pub year: i32,
    /// Month number, 1–12.
    pub month: u8,
    /// Whether this is the leap (intercalary) month repeating `month`.
    pub leap: bool,
    /// Day of the month, 1–30.
    pub day: u8,
}

impl LunarDate {
    /// An ordinary (non-leap) lunar date.
    pub const fn new(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            leap: false,
            day,
        }
    }

    /// A date in the leap month that repeats `month`.
    pub const fn leap(year: i32, month: u8, day: u8) -> Self {
        Self {
            year,
            month,
            leap: true,
            day,
        }
    }
}

impl fmt::Display for LunarDate {
    /// `dd/mm/yyyy`, with ` nhuận` after the month of a leap month (Vietnamese usage).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let leap = if self.leap { " nhuận" } else { "" };
        write!(f, "{:02}/{:02}{leap}/{}", self.day, self.month, self.year)
    }
}

/// Why a conversion was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LunarError {
    /// The date (or the lunar year) lies outside 1900-01-01 ..= 2200-12-31.
    #[error("ngoài phạm vi lịch hỗ trợ (1900–2200) / outside the supported range (1900–2200): {0}")]
    OutOfRange(i32),
    /// The lunar date does not exist: no such leap month that year, day 30 of a 29-day
    /// month, month 0 or 13…
    #[error("ngày âm lịch không tồn tại / no such lunar date: {0}")]
    NoSuchDate(LunarDate),
}

/// Julian day number of a solar (proleptic Gregorian) date.
fn jdn(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) + JDN_CE_OFFSET
}

fn date_from_jdn(jd: i64) -> NaiveDate {
    let days = i32::try_from(jd - JDN_CE_OFFSET).expect("day number in range");
    NaiveDate::from_num_days_from_ce_opt(days).expect("day number in range")
}

/// Julian day (TT-corrected to UT) of the `k`-th new moon after 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85; // Julian centuries since 1900 January 0.5
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3; // sun's mean anomaly
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3; // moon's
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3; // arg. of latitude
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// The sun's true ecliptic longitude, radians in `[0, 2π)`, at Julian day `jd` (UT).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36525.0; // Julian centuries since J2000.0
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l.rem_euclid(2.0 * PI)
}

/// Local (UTC+7) day number on which the `k`-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE_HOURS / 24.0).floor() as i64
}

/// Which 30° sector (0–11) the sun is in at local midnight starting day `day`: a month
/// contains a principal term exactly when the sector changes between its first day and the
/// next month's first day.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - TIME_ZONE_HOURS / 24.0) / PI * 6.0).floor() as i64
}

/// Day number of the start of lunar month 11 (the month containing the winter solstice) of
/// solar year `year`.
fn month11(year: i32) -> i64 {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
    let off = jdn(dec31) - 2_415_021;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// Index of the new moon starting the month that begins on day `day` (which must be one).
fn k_of(day: i64) -> i64 {
    ((day as f64 - K0_JD) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// In a 13-month cycle starting at month 11 `a11`, how many months after it the leap month
/// lies (1 means the month right after month 11 is leap 11).
fn leap_month_offset(a11: i64) -> i64 {
    let k = k_of(a11);
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}

fn check_range(date: NaiveDate) -> Result<(), LunarError> {
    if (MIN_DATE..=MAX_DATE).contains(&date) {
        Ok(())
    } else {
        Err(LunarError::OutOfRange(date.year()))
    }
}

/// The lunar date of a solar date.
pub fn solar_to_lunar(date: NaiveDate) -> Result<LunarDate, LunarError> {
    check_range(date)?;
    let day = jdn(date);
    // The mean-month estimate can be one month off when the true new moon lags the mean one
    // (Hồ Ngọc Đức's published code then answers "day 0", e.g. for 2054-05-07): step until
    // `day` lies in [start of month k, start of month k + 1).
    let mut k = ((day as f64 - K0_JD) / SYNODIC_MONTH).floor() as i64;
    while new_moon_day(k) > day {
        k -= 1;
    }
    while new_moon_day(k + 1) <= day {
        k += 1;
    }
    let month_start = new_moon_day(k);
    let yy = date.year();
    let mut a11 = month11(yy);
    let b11;
    let mut lunar_year;
    if a11 >= month_start {
        lunar_year = yy;
        b11 = a11;
        a11 = month11(yy - 1);
    } else {
        lunar_year = yy + 1;
        b11 = month11(yy + 1);
    }
    let lunar_day = day - month_start + 1;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    Ok(LunarDate {
        year: lunar_year,
        month: month as u8,
        leap,
        day: lunar_day as u8,
    })
}

/// Day number of the first day of lunar month (`year`, `month`, `leap`), if it exists.
fn month_start(year: i32, month: u8, leap: bool) -> Option<i64> {
    if !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (month11(year - 1), month11(year))
    } else {
        (month11(year), month11(year + 1))
    };
    let k = k_of(a11);
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        // Offset 1 is leap 11, 2 is leap 12, 3 is leap 1… (Hồ Ngọc Đức's published code maps
        // offset 2 to month 0 and so never finds a leap 12th month; this does.)
        let leap_month = (leap_off + 9) % 12 + 1;
        if leap && i64::from(month) != leap_month {
            return None;
        }
        if leap || off >= leap_off {
            off += 1;
        }
    } else if leap {
        return None;
    }
    Some(new_moon_day(k + off))
}

/// The solar date of a lunar date; refuses dates that do not exist (a leap month the year
/// does not have, day 30 of a short month).
pub fn lunar_to_solar(date: LunarDate) -> Result<NaiveDate, LunarError> {
    if !(MIN_DATE.year() - 1..=MAX_DATE.year()).contains(&date.year) {
        return Err(LunarError::OutOfRange(date.year));
    }
    let start =
        month_start(date.year, date.month, date.leap).ok_or(LunarError::NoSuchDate(date))?;
    let length = new_moon_day(k_of(start) + 1) - start;
    if date.day == 0 || i64::from(date.day) > length {
        return Err(LunarError::NoSuchDate(date));
    }
    let solar = date_from_jdn(start + i64::from(date.day) - 1);
    check_range(solar)?;
    Ok(solar)
}

/// Number of days (29 or 30) of a lunar month, or `None` if it does not exist.
pub fn month_length(year: i32, month: u8, leap: bool) -> Option<u8> {
    let start = month_start(year, month, leap)?;
    Some((new_moon_day(k_of(start) + 1) - start) as u8)
}

/// The leap month of lunar year `year`, if it has one (e.g. `Some(6)` for 2025's leap 6th
/// month). A leap 11th or 12th month belongs to the lunar year that month falls in.
pub fn leap_month(year: i32) -> Option<u8> {
    (1..=12).find(|&m| month_start(year, m, true).is_some())
}

/// Tết Nguyên đán: the solar date of 1/1 of lunar year `year`.
pub fn tet(year: i32) -> Result<NaiveDate, LunarError> {
    lunar_to_solar(LunarDate::new(year, 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn julian_day_numbers() {
        assert_eq!(jdn(d(2000, 1, 1)), 2_451_545);
        assert_eq!(date_from_jdn(2_451_545), d(2000, 1, 1));
    }

    #[test]
    fn vietnam_differs_from_china() {
        assert_eq!(tet(1985), Ok(d(1985, 1, 21)));
        assert_eq!(tet(2007), Ok(d(2007, 2, 17)));
        assert_eq!(tet(1991), Ok(d(1991, 2, 15)));
    }

    #[test]
    fn leap_months() {
        assert_eq!(leap_month(2023), Some(2));
        assert_eq!(leap_month(2025), Some(6));
        assert_eq!(leap_month(2024), None);
        assert_eq!(
            solar_to_lunar(d(2025, 7, 25)),
            Ok(LunarDate::leap(2025, 6, 1))
        );
        assert_eq!(
            lunar_to_solar(LunarDate::leap(2024, 6, 1)),
            Err(LunarError::NoSuchDate(LunarDate::leap(2024, 6, 1)))
        );
    }

    #[test]
    fn hung_kings_day() {
        assert_eq!(
            lunar_to_solar(LunarDate::new(2024, 3, 10)),
            Ok(d(2024, 4, 18))
        );
        assert_eq!(
            lunar_to_solar(LunarDate::new(2025, 3, 10)),
            Ok(d(2025, 4, 7))
        );
        assert_eq!(
            lunar_to_solar(LunarDate::new(2026, 3, 10)),
            Ok(d(2026, 4, 26))
        );
    }

    #[test]
    fn true_new_moon_later_than_mean_one() {
        // The mean-month estimate points one month too late here.
        assert_eq!(
            solar_to_lunar(d(2054, 5, 7)),
            Ok(LunarDate::new(2054, 3, 30))
        );
        assert_eq!(
            solar_to_lunar(d(2062, 4, 9)),
            Ok(LunarDate::new(2062, 2, 30))
        );
    }

    #[test]
    fn range_is_enforced() {
        assert_eq!(
            solar_to_lunar(d(1899, 12, 31)),
            Err(LunarError::OutOfRange(1899))
        );
        assert_eq!(
            solar_to_lunar(d(2201, 1, 1)),
            Err(LunarError::OutOfRange(2201))
        );
        assert!(solar_to_lunar(MIN_DATE).is_ok());
        assert!(solar_to_lunar(MAX_DATE).is_ok());
        assert_eq!(tet(2201), Err(LunarError::OutOfRange(2201)));
    }

    #[test]
    fn display() {
        assert_eq!(LunarDate::leap(2025, 6, 1).to_string(), "01/06 nhuận/2025");
        assert_eq!(LunarDate::new(2024, 3, 10).to_string(), "10/03/2024");
    }
}
