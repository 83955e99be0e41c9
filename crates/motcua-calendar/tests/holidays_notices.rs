//! Table tests of the holiday rules, the bundled notices and the year summaries.

use chrono::NaiveDate;
use motcua_calendar::notice::{NoticeDayOff, NoticeWorkday};
use motcua_calendar::{
    CalendarConfig, HolidayKind, NoticeSet, WorkCalendar, WorkWeek, YearNotice, apply_notices,
    year_summary,
};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn days_off(cal: &WorkCalendar, year: i32) -> Vec<String> {
    year_summary(cal, year)
        .unwrap()
        .days_off
        .into_iter()
        .map(|n| n.date.to_string())
        .collect()
}

fn weekend_work(cal: &WorkCalendar, year: i32) -> Vec<String> {
    year_summary(cal, year)
        .unwrap()
        .workdays_on_weekend
        .into_iter()
        .map(|n| n.date.to_string())
        .collect()
}

#[test]
fn official_2024() {
    let cal = WorkCalendar::standard();
    assert_eq!(
        days_off(&cal, 2024),
        [
            "2024-01-01", // Tết Dương lịch (Monday)
            "2024-02-08",
            "2024-02-09",
            "2024-02-12",
            "2024-02-13",
            "2024-02-14", // Tết
            "2024-04-18", // Giỗ Tổ 10/3 lunar (Thursday)
            "2024-04-29", // swapped with Saturday 4/5
            "2024-04-30",
            "2024-05-01",
            "2024-09-02",
            "2024-09-03",
        ]
    );
    assert_eq!(weekend_work(&cal, 2024), ["2024-05-04"]);
}

#[test]
fn official_2025() {
    let cal = WorkCalendar::standard();
    assert_eq!(
        days_off(&cal, 2025),
        [
            "2025-01-01",
            "2025-01-27",
            "2025-01-28",
            "2025-01-29",
            "2025-01-30",
            "2025-01-31",
            "2025-04-07", // Giỗ Tổ (Monday)
            "2025-04-30",
            "2025-05-01",
            "2025-05-02", // swapped with Saturday 26/4
            "2025-09-01",
            "2025-09-02",
        ]
    );
    assert_eq!(weekend_work(&cal, 2025), ["2025-04-26"]);
}

#[test]
fn official_2026() {
    let cal = WorkCalendar::standard();
    assert_eq!(
        days_off(&cal, 2026),
        [
            "2026-01-01",
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20",
            "2026-04-27", // Giỗ Tổ falls on Sunday 26/4: compensated Monday
            "2026-04-30",
            "2026-05-01",
            "2026-08-31", // swapped with Saturday 22/8
            "2026-09-01",
            "2026-09-02",
            "2026-11-24", // Ngày Văn hóa Việt Nam, from 2026
        ]
    );
    assert_eq!(weekend_work(&cal, 2026), ["2026-08-22"]);
}

#[test]
fn default_rules_2027() {
    // Tết Saturday 6/2: eve Fri 5/2, Sat 6 – Tue 9; Sat, Sun compensated Wed 10, Thu 11.
    // Giỗ Tổ Friday 16/4; 1/5 Saturday → Monday 3/5; 2/9 Thursday → + Friday 3/9.
    let cal = WorkCalendar::standard();
    assert_eq!(
        days_off(&cal, 2027),
        [
            "2027-01-01",
            "2027-02-05",
            "2027-02-08",
            "2027-02-09",
            "2027-02-10",
            "2027-02-11",
            "2027-04-16",
            "2027-04-30",
            "2027-05-03",
            "2027-09-02",
            "2027-09-03",
            "2027-11-24",
        ]
    );
    assert!(weekend_work(&cal, 2027).is_empty());
}

#[test]
fn default_rules_2028_compensations() {
    // 1/1 Saturday → Monday 3/1. Tết Wednesday 26/1: eve Tue 25 – Sat 29; Sat → Monday 31/1.
    // 30/4 Sunday → Tuesday 2/5 (Monday 1/5 is Labour Day). 2/9 Saturday → Friday 1/9 as the
    // adjacent day, Saturday compensated Monday 4/9.
    let cal = WorkCalendar::standard();
    assert_eq!(
        days_off(&cal, 2028),
        [
            "2028-01-03",
            "2028-01-25",
            "2028-01-26",
            "2028-01-27",
            "2028-01-28",
            "2028-01-31",
            "2028-04-04",
            "2028-05-01",
            "2028-05-02",
            "2028-09-01",
            "2028-09-04",
            "2028-11-24",
        ]
    );
}

#[test]
fn culture_day_only_from_2026() {
    let cal = WorkCalendar::standard();
    assert!(cal.is_working_day(d("2025-11-24")).unwrap()); // Monday, not yet a holiday
    assert!(!cal.is_working_day(d("2026-11-24")).unwrap());
    assert!(!cal.is_working_day(d("2030-11-25")).unwrap()); // 24/11/2030 Sunday → Monday
}

#[test]
fn clashing_holidays_are_compensated() {
    // 1947: 10/3 lunar fell on 30/4 (Wednesday); Thursday 1/5 is Labour Day → Friday 2/5.
    let cal = WorkCalendar::new(CalendarConfig {
        years: 1947..=1947,
        ..CalendarConfig::default()
    })
    .unwrap();
    let off = days_off(&cal, 1947);
    assert!(off.contains(&"1947-04-30".into()));
    assert!(off.contains(&"1947-05-01".into()));
    assert!(off.contains(&"1947-05-02".into()));
}

#[test]
fn summary_json_shape() {
    let cal = WorkCalendar::standard();
    let json = serde_json::to_value(year_summary(&cal, 2025).unwrap()).unwrap();
    let obj = json.as_object().unwrap();
    assert_eq!(
        obj.keys().collect::<Vec<_>>(),
        ["days_off", "workdays_on_weekend", "year"]
    );
    assert_eq!(obj["year"], 2025);
    assert_eq!(
        obj["days_off"][0],
        serde_json::json!({"date": "2025-01-01", "name": "Tết Dương lịch", "name_en": "New Year's Day"})
    );
    assert_eq!(obj["days_off"][1]["name"], "Tết Nguyên đán");
    assert_eq!(obj["workdays_on_weekend"][0]["date"], "2025-04-26");
    assert_eq!(
        obj["workdays_on_weekend"][0]["name"],
        "Làm bù cho ngày nghỉ 02/05/2025"
    );
    assert!(year_summary(&cal, 2101).is_err());
}

#[test]
fn summary_names_compensatory_days() {
    let cal = WorkCalendar::standard();
    let s = year_summary(&cal, 2026).unwrap();
    let comp = s
        .days_off
        .iter()
        .find(|n| n.date == d("2026-04-27"))
        .unwrap();
    assert_eq!(comp.name, "Nghỉ bù Giỗ Tổ Hùng Vương");
    assert_eq!(
        comp.name_en,
        "Hùng Kings' Commemoration Day (compensatory day off)"
    );
}

#[test]
fn saturday_morning_point_lists_its_saturdays() {
    let cal = WorkCalendar::standard()
        .with_week(WorkWeek::with_saturday_morning())
        .unwrap();
    let s = year_summary(&cal, 2025).unwrap();
    // 52 Saturdays in 2025, none of them a holiday.
    assert_eq!(s.workdays_on_weekend.len(), 52);
    assert!(
        s.workdays_on_weekend
            .iter()
            .all(|n| n.date.format("%a").to_string() == "Sat")
    );
}

#[test]
fn bundled_notices_parse_and_validate() {
    let set = NoticeSet::bundled();
    let years: Vec<_> = set.iter().map(|n| n.year).collect();
    assert_eq!(years, [2024, 2025, 2026]);
    for n in set.iter() {
        n.validate().unwrap();
    }
}

fn notice(year: i32) -> YearNotice {
    YearNotice {
        year,
        source: None,
        replace_defaults: false,
        days_off: Vec::new(),
        workdays_on_weekend: Vec::new(),
    }
}

fn off(date: &str, kind: HolidayKind) -> NoticeDayOff {
    NoticeDayOff {
        date: d(date),
        kind,
        name: None,
        name_en: None,
    }
}

fn work(date: &str, replaces: Option<&str>) -> NoticeWorkday {
    NoticeWorkday {
        date: d(date),
        replaces: replaces.map(d),
        name: None,
        name_en: None,
    }
}

#[test]
fn administrator_edits_override_and_add() {
    // 2027 (no bundled notice): an administrator enters Tết as Thu 4/2 – Wed 10/2 and a
    // bridge on Friday 31/12 made up on Saturday 8/1/2028.
    let mut n2027 = notice(2027);
    for day in [
        "2027-02-04",
        "2027-02-05",
        "2027-02-08",
        "2027-02-09",
        "2027-02-10",
    ] {
        n2027.days_off.push(off(day, HolidayKind::Tet));
    }
    n2027.days_off.push(off("2027-12-31", HolidayKind::Bridge));
    n2027
        .workdays_on_weekend
        .push(work("2028-01-08", Some("2027-12-31")));
    // 2025 replaced by an edit without the bridge day.
    let mut n2025 = notice(2025);
    for day in [
        "2025-01-27",
        "2025-01-28",
        "2025-01-29",
        "2025-01-30",
        "2025-01-31",
    ] {
        n2025.days_off.push(off(day, HolidayKind::Tet));
    }
    let notices = apply_notices([n2027, n2025]).unwrap();
    let cal = WorkCalendar::new(CalendarConfig {
        notices,
        ..CalendarConfig::default()
    })
    .unwrap();
    let off27 = days_off(&cal, 2027);
    assert!(off27.contains(&"2027-02-04".into()));
    assert!(!off27.contains(&"2027-02-11".into())); // the default Tết compensation is replaced
    assert!(off27.contains(&"2027-04-16".into())); // Giỗ Tổ keeps its default
    assert!(off27.contains(&"2027-12-31".into()));
    assert_eq!(weekend_work(&cal, 2028), ["2028-01-08"]); // a notice may reach into January
    // 2025's bridge is gone with the edit, and its make-up Saturday too.
    assert!(cal.is_working_day(d("2025-05-02")).unwrap());
    assert!(!cal.is_working_day(d("2025-04-26")).unwrap());
    // 2024 still comes from the bundled notice.
    assert!(!cal.is_working_day(d("2024-04-29")).unwrap());
}

#[test]
fn replace_defaults_lists_the_whole_year() {
    let mut n = notice(2030);
    n.replace_defaults = true;
    n.days_off.push(off("2030-01-01", HolidayKind::NewYear));
    let cal = WorkCalendar::new(CalendarConfig {
        notices: apply_notices([n]).unwrap(),
        ..CalendarConfig::default()
    })
    .unwrap();
    assert_eq!(days_off(&cal, 2030), ["2030-01-01"]);
}

fn codes(n: &YearNotice) -> Vec<(String, &'static str)> {
    n.validate()
        .unwrap_err()
        .0
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect()
}

#[test]
fn invalid_notices_name_their_fields() {
    let mut n = notice(2027);
    n.days_off.push(off("2027-02-27", HolidayKind::Tet)); // typo for 2027-02-07
    n.days_off.push(off("2027-02-05", HolidayKind::Tet));
    n.days_off.push(off("2027-02-05", HolidayKind::Tet));
    n.days_off.push(off("2029-01-05", HolidayKind::Bridge));
    n.days_off.push(off("2027-06-01", HolidayKind::Other));
    n.workdays_on_weekend.push(work("2027-02-10", None)); // a Wednesday
    n.workdays_on_weekend
        .push(work("2027-02-06", Some("2027-03-01"))); // Saturday
    n.workdays_on_weekend
        .push(work("2027-02-13", Some("2027-02-06")));
    assert_eq!(
        codes(&n),
        [
            ("days_off[0].date".to_owned(), "implausible_date"),
            ("days_off[2].date".to_owned(), "duplicate"),
            ("days_off[3].date".to_owned(), "wrong_year"),
            ("days_off[4].name".to_owned(), "required"),
            ("days_off[4].name_en".to_owned(), "required"),
            ("workdays_on_weekend[0].date".to_owned(), "not_weekend"),
            (
                "workdays_on_weekend[1].replaces".to_owned(),
                "unknown_day_off"
            ),
            (
                "workdays_on_weekend[2].replaces".to_owned(),
                "unknown_day_off"
            ),
        ]
    );
    let err = n.validate().unwrap_err();
    let first = &err.0[0];
    assert!(
        first.message_vi.contains("27/02/2027"),
        "{}",
        first.message_vi
    );
    assert!(
        first.message_en.contains("Lunar New Year"),
        "{}",
        first.message_en
    );

    let mut conflict = notice(2027);
    conflict.days_off.push(off("2027-02-06", HolidayKind::Tet));
    conflict.workdays_on_weekend.push(work("2027-02-06", None));
    assert_eq!(
        codes(&conflict),
        [("workdays_on_weekend[0].date".to_owned(), "conflict")]
    );

    assert_eq!(codes(&notice(2200)), [("year".to_owned(), "out_of_range")]);
}

#[test]
fn notice_sets_reject_two_notices_for_one_year() {
    let mut bad = notice(2027);
    bad.workdays_on_weekend.push(work("2027-02-10", None));
    let err = apply_notices([notice(2027), bad]).unwrap_err();
    let fields: Vec<_> = err.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["notices[1].workdays_on_weekend[0].date", "notices[1].year"]
    );
    assert!(err.to_string().contains("thứ Bảy"));
}

#[test]
fn notice_json_rejects_unknown_fields() {
    let ok: YearNotice = serde_json::from_str(
        r#"{"year": 2027, "days_off": [{"date": "2027-02-05", "kind": "tet", "name": "Tết"}]}"#,
    )
    .unwrap();
    assert_eq!(ok.days_off[0].name.as_deref(), Some("Tết"));
    assert!(serde_json::from_str::<YearNotice>(r#"{"year": 2027, "day_off": []}"#).is_err());
    assert!(
        serde_json::from_str::<YearNotice>(
            r#"{"year": 2027, "days_off": [{"date": "2027-02-05", "kind": "tết"}]}"#
        )
        .is_err()
    );
}
