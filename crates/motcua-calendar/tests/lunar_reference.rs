//! The lunar calendar against an independent reference (see `tests/data/README.md`).

use chrono::{Days, NaiveDate};
use motcua_calendar::lunar::{self, LunarDate};
use motcua_calendar::tet_range;

const TET: &str = include_str!("data/tet_1900_2100.csv");
const MONTHS: &str = include_str!("data/lunar_months.csv");

/// Month starts where Hồ Ngọc Đức's series and the ephemeris disagree: each is a new moon
/// less than 2.5 minutes before local midnight (ephemeris time in UT shown), which the
/// low-order series places just after midnight, so the series starts the month one day late.
/// None affects Tết or 10/3 before 2175; 2175 and 2199 are beyond what anyone can know today
/// (the uncertainty of ΔT that far ahead is minutes). Any *other* difference fails the test.
const KNOWN_SERIES_DIFFERENCES: &[(&str, &str)] = &[
    ("1944-06-20", "1944-06-20 16:59:32"),
    ("2072-12-09", "2072-12-09 16:58:28"),
    ("2077-11-15", "2077-11-15 16:59:34"),
    ("2130-05-07", "2130-05-07 16:57:56"),
    ("2150-05-26", "2150-05-26 16:59:24"),
    ("2159-05-17", "2159-05-17 16:58:07"),
    ("2175-01-22", "2175-01-22 16:59:36"),
    ("2199-01-26", "2199-01-26 16:57:53"),
];

fn known_difference(start: NaiveDate, days: u8) -> bool {
    let end = start + Days::new(u64::from(days));
    KNOWN_SERIES_DIFFERENCES
        .iter()
        .any(|(d, _)| date(d) == start || date(d) == end)
}

fn rows(csv: &str) -> impl Iterator<Item = Vec<&str>> {
    csv.lines().skip(1).map(|line| line.split(',').collect())
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn tet_every_year_1900_2100_matches_reference_table() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for row in rows(TET) {
        let year: i32 = row[0].parse().unwrap();
        let want = date(row[1]);
        let got = lunar::tet(year).unwrap();
        if got != want {
            wrong.push(format!("{year}: reference {want}, computed {got}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 201);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn known_tet_dates() {
    for (year, want) in [
        (1985, "1985-01-21"), // China: 1985-02-20
        (2007, "2007-02-17"), // China: 2007-02-18
        (1991, "1991-02-15"), // amlich-core 0.1.4 says 02-14
        (2024, "2024-02-10"),
        (2025, "2025-01-29"),
        (2026, "2026-02-17"),
    ] {
        assert_eq!(lunar::tet(year).unwrap(), date(want), "Tết {year}");
    }
    // The reference table agrees with the same facts.
    let table: Vec<_> = rows(TET)
        .map(|r| (r[0].to_owned(), r[1].to_owned()))
        .collect();
    assert!(table.contains(&("1985".into(), "1985-01-21".into())));
    assert!(table.contains(&("2007".into(), "2007-02-17".into())));
}

#[test]
fn tet_range_shape() {
    let map = tet_range(1985, 1986).unwrap();
    assert_eq!(
        serde_json::to_string(&map).unwrap(),
        r#"{"1985":"1985-01-21","1986":"1986-02-09"}"#
    );
    assert!(tet_range(2000, 1999).is_err());
    assert!(tet_range(1899, 1900).is_err());
}

#[test]
fn every_lunar_month_and_day_matches_reference() {
    let mut wrong = Vec::new();
    let mut months = 0;
    for row in rows(MONTHS) {
        let start = date(row[0]);
        let year: i32 = row[1].parse().unwrap();
        let month: u8 = row[2].parse().unwrap();
        let leap = row[3] == "1";
        let days: u8 = row[4].parse().unwrap();
        if known_difference(start, days) {
            continue;
        }
        for day in 1..=days {
            let solar = start + Days::new(u64::from(day) - 1);
            if !(lunar::MIN_DATE..=lunar::MAX_DATE).contains(&solar) {
                continue;
            }
            let want = LunarDate {
                year,
                month,
                leap,
                day,
            };
            let got = lunar::solar_to_lunar(solar).unwrap();
            if got != want {
                wrong.push(format!("{solar}: reference {want}, computed {got}"));
            }
            if lunar::lunar_to_solar(want) != Ok(solar) {
                wrong.push(format!(
                    "{want}: reference {solar}, computed {:?}",
                    lunar::lunar_to_solar(want)
                ));
            }
        }
        if (lunar::MIN_DATE..=lunar::MAX_DATE).contains(&start) && (1900..=2199).contains(&year) {
            months += 1;
            if lunar::month_length(year, month, leap) != Some(days) {
                wrong.push(format!("{year}/{month} leap={leap}: reference {days} days"));
            }
            let past_end = LunarDate {
                year,
                month,
                leap,
                day: days + 1,
            };
            if lunar::lunar_to_solar(past_end).is_ok() {
                wrong.push(format!("{past_end} accepted"));
            }
        }
    }
    assert_eq!(months, 3695, "lunar months of 1900–2199 compared");
    assert!(
        wrong.is_empty(),
        "{} mismatches: {:#?}",
        wrong.len(),
        &wrong
    );
}

#[test]
fn leap_months_match_reference() {
    for row in rows(MONTHS) {
        let year: i32 = row[1].parse().unwrap();
        if !(1900..=2199).contains(&year) {
            continue;
        }
        if row[3] == "1" {
            assert_eq!(
                lunar::leap_month(year),
                Some(row[2].parse().unwrap()),
                "{year}"
            );
        }
    }
}

#[test]
fn known_series_differences_start_the_month_one_day_late() {
    for (d, _) in KNOWN_SERIES_DIFFERENCES {
        let start = date(d);
        let computed = lunar::solar_to_lunar(start).unwrap();
        assert_eq!(computed.day, 30, "{start}");
        assert_eq!(
            lunar::solar_to_lunar(start + Days::new(1)).unwrap().day,
            1,
            "{start}"
        );
    }
    // The two that move Tết, outside the 1900–2100 table.
    assert_eq!(lunar::tet(2175).unwrap(), date("2175-01-23"));
    assert_eq!(lunar::tet(2199).unwrap(), date("2199-01-27"));
}
