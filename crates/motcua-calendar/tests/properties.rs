//! Property tests: the invariants every due date relies on.

use std::sync::LazyLock;

use chrono::{DateTime, Days, FixedOffset, NaiveDate, TimeZone};
use motcua_calendar::lunar::{self, LunarDate};
use motcua_calendar::{
    Duration, Resume, WorkCalendar, WorkWeek, WorkingTime, split_budget, vietnam,
};
use proptest::prelude::*;

static STANDARD: LazyLock<WorkCalendar> = LazyLock::new(WorkCalendar::standard);
static SATURDAY: LazyLock<WorkCalendar> = LazyLock::new(|| {
    WorkCalendar::standard()
        .with_week(WorkWeek::with_saturday_morning())
        .unwrap()
});

fn cal(saturday: bool) -> &'static WorkCalendar {
    if saturday { &SATURDAY } else { &STANDARD }
}

/// A date in 1991–2093, far enough from the calendar's edges (1990–2100) for the sums below.
fn date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1991, 1, 1).unwrap();
    (0u64..103 * 365).prop_map(move |d| first + Days::new(d))
}

/// A moment in 1991–2093, to the second, in UTC+7.
fn moment() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (date(), 0u32..86_400).prop_map(|(d, s)| {
        let naive = d.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::seconds(i64::from(s));
        vietnam().from_local_datetime(&naive).unwrap()
    })
}

proptest! {
    #[test]
    fn adding_working_days_lands_on_a_working_day(d in date(), n in 0u32..600, sat: bool) {
        let cal = cal(sat);
        let end = cal.add_working_days(d, n).unwrap();
        prop_assert!(cal.is_working_day(end).unwrap());
        prop_assert!(end >= d);
        if n > 0 {
            prop_assert!(end > d);
            prop_assert_eq!(cal.working_days_between(d, end).unwrap(), i64::from(n));
        }
    }

    #[test]
    fn adding_working_days_is_monotonic(d in date(), e in 0u64..400, n in 0u32..600, m in 0u32..50, sat: bool) {
        let cal = cal(sat);
        // In N: strictly from 1 on.
        let a = cal.add_working_days(d, n).unwrap();
        let b = cal.add_working_days(d, n + m + 1).unwrap();
        prop_assert!(a < b || (n == 0 && a <= b));
        // In the start date.
        let later = d + Days::new(e);
        prop_assert!(cal.add_working_days(d, n).unwrap() <= cal.add_working_days(later, n).unwrap());
    }

    #[test]
    fn due_dates_are_on_working_days_and_monotonic(
        t in moment(), s in 0i64..30 * 86_400, n in 0u32..400, kind in 0u8..4, sat: bool,
    ) {
        let cal = cal(sat);
        let duration = |n| match kind {
            0 => Duration::WorkingDays(n),
            1 => Duration::Days(n),
            2 => Duration::WorkingHours(n),
            _ => Duration::Months(n / 10),
        };
        let due = cal.due(t, duration(n)).unwrap();
        prop_assert!(due >= t);
        let local = due.with_timezone(&vietnam());
        // (Zero working hours is the reception moment itself, whatever day it is.)
        if kind != 2 || n > 0 {
            prop_assert!(cal.is_working_day(local.date_naive()).unwrap());
        }
        let later = t + chrono::Duration::seconds(s);
        prop_assert!(cal.due(later, duration(n)).unwrap() >= due);
        prop_assert!(cal.due(t, duration(n + 10)).unwrap() >= due);
        if kind != 2 {
            // Day periods end at the close of their last day.
            let hours = cal.working_hours(local.date_naive()).unwrap();
            prop_assert_eq!(local.time(), hours.last().unwrap().end);
        }
    }

    #[test]
    fn working_hours_add_exactly(t in moment(), h in 0u32..2_000, sat: bool) {
        let cal = cal(sat);
        let due = cal.due(t, Duration::WorkingHours(h)).unwrap();
        prop_assert_eq!(
            cal.working_time_between(t, due).unwrap(),
            WorkingTime::from_hours(i64::from(h))
        );
    }

    #[test]
    fn adding_working_time_inverts_measuring_it(t in moment(), secs in -2_000_000i64..2_000_000, sat: bool) {
        let cal = cal(sat);
        let amount = WorkingTime::from_seconds(secs);
        let end = cal.add_working_time(t, amount).unwrap();
        prop_assert_eq!(cal.working_time_between(t, end).unwrap(), amount);
        let ordered = if secs >= 0 { end >= t } else { end <= t };
        prop_assert!(ordered);
    }

    #[test]
    fn pause_resume_adds_exactly_the_paused_working_time(
        start in moment(), n in 1u32..60, p in 0i64..60 * 86_400, r in 0i64..60 * 86_400, sat: bool,
    ) {
        let cal = cal(sat);
        let due = cal.due(start, Duration::WorkingDays(n)).unwrap();
        let paused = start + chrono::Duration::seconds(p);
        let resumed = paused + chrono::Duration::seconds(r);
        let pause = cal.pause(due, paused).unwrap();
        let new_due = cal.resume(&pause, resumed, Resume::Remaining).unwrap();
        prop_assert_eq!(
            cal.working_time_between(start, new_due).unwrap(),
            cal.working_time_between(start, due).unwrap()
                + cal.working_time_between(paused, resumed).unwrap()
        );
        prop_assert!(new_due >= due || pause.remaining.is_negative());
    }

    #[test]
    fn budgets_add_up(total in 0i64..10_000_000, weights in proptest::collection::vec(0u32..1000, 0..8)) {
        let total = WorkingTime::from_seconds(total);
        let parts = split_budget(total, &weights);
        prop_assert_eq!(parts.len(), weights.len());
        if !weights.is_empty() {
            prop_assert_eq!(parts.iter().copied().sum::<WorkingTime>(), total);
            prop_assert!(parts.iter().all(|p| !p.is_negative()));
            let sum: u64 = weights.iter().map(|&w| u64::from(w)).sum();
            if sum > 0 {
                for (part, &w) in parts.iter().zip(&weights) {
                    let exact = total.seconds() as f64 * f64::from(w) / sum as f64;
                    prop_assert!((part.seconds() as f64 - exact).abs() < 120.0);
                }
            }
        }
    }

    #[test]
    fn step_plans_end_at_the_due_moment(start in moment(), n in 1u32..40, weights in proptest::collection::vec(1u32..10, 1..6)) {
        let cal = &*STANDARD;
        let due = cal.due(start, Duration::WorkingDays(n)).unwrap();
        let plan = cal.plan_steps(start, due, &weights).unwrap();
        prop_assert_eq!(plan.last().unwrap().due, due);
        prop_assert!(plan.windows(2).all(|w| w[0].due <= w[1].due));
        let total: WorkingTime = plan.iter().map(|s| s.budget).sum();
        prop_assert_eq!(total, cal.working_time_between(start, due).unwrap());
    }

    #[test]
    fn lunar_round_trip_from_solar(d in (0u64..110_000).prop_map(|d| lunar::MIN_DATE + Days::new(d))) {
        prop_assume!(d <= lunar::MAX_DATE);
        let l = lunar::solar_to_lunar(d).unwrap();
        prop_assert!((1..=12).contains(&l.month) && (1..=30).contains(&l.day));
        prop_assert_eq!(lunar::lunar_to_solar(l), Ok(d));
    }

    #[test]
    fn lunar_round_trip_from_lunar(year in 1900i32..2200, month in 1u8..=12, leap: bool, day in 1u8..=30) {
        let l = LunarDate { year, month, leap, day };
        if let Ok(solar) = lunar::lunar_to_solar(l) {
            prop_assert_eq!(lunar::solar_to_lunar(solar), Ok(l));
        } else {
            // Only nonexistent dates are refused: leap months the year lacks, day 30 of short
            // months.
            let length = lunar::month_length(year, month, leap);
            prop_assert!(length.is_none_or(|len| day > len));
        }
    }
}
