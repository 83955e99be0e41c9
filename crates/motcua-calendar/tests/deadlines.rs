//! Table tests of due moments (Civil Code 2015 art. 147–148), pause/resume, budgets.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_calendar::{
    CalendarConfig, CalendarError, Duration, Resume, WorkCalendar, WorkWeek, WorkingTime,
    is_overdue,
};
use std::sync::LazyLock;

static CAL: LazyLock<WorkCalendar> = LazyLock::new(WorkCalendar::standard);
static SAT: LazyLock<WorkCalendar> = LazyLock::new(|| {
    WorkCalendar::standard()
        .with_week(WorkWeek::with_saturday_morning())
        .unwrap()
});

fn t(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn due(cal: &WorkCalendar, from: &str, d: Duration) -> String {
    cal.due(t(from), d).unwrap().to_rfc3339()
}

#[test]
fn working_days() {
    use Duration::WorkingDays as W;
    let cases = [
        // Friday 10:00 + 5: Mon 24 … Fri 28; the day of reception is not counted.
        (
            "2025-11-21T10:00:00+07:00",
            W(5),
            "2025-11-28T17:00:00+07:00",
        ),
        // After hours or on a Saturday: the same, the reception day is not counted anyway.
        (
            "2025-11-21T18:30:00+07:00",
            W(5),
            "2025-11-28T17:00:00+07:00",
        ),
        (
            "2025-11-22T09:00:00+07:00",
            W(5),
            "2025-11-28T17:00:00+07:00",
        ),
        // Friday 17:00 (closing) + 1 → Monday.
        (
            "2025-11-21T17:00:00+07:00",
            W(1),
            "2025-11-24T17:00:00+07:00",
        ),
        // 0 working days: the end of the same working day, or of the next one.
        (
            "2025-11-21T10:00:00+07:00",
            W(0),
            "2025-11-21T17:00:00+07:00",
        ),
        (
            "2025-11-22T10:00:00+07:00",
            W(0),
            "2025-11-24T17:00:00+07:00",
        ),
        // Culture Day, Tuesday 24/11/2026, is skipped.
        (
            "2026-11-23T09:00:00+07:00",
            W(3),
            "2026-11-27T17:00:00+07:00",
        ),
        // But not in 2025 (Monday 24/11 is a working day).
        (
            "2025-11-21T09:00:00+07:00",
            W(1),
            "2025-11-24T17:00:00+07:00",
        ),
        // Tết 2025 (Mon 27/1 – Fri 31/1) is skipped: Mon 3/2, Tue 4/2, Wed 5/2.
        (
            "2025-01-24T10:00:00+07:00",
            W(3),
            "2025-02-05T17:00:00+07:00",
        ),
        // A make-up Saturday counts: Fri 25/4, Sat 26/4/2025.
        (
            "2025-04-24T10:00:00+07:00",
            W(2),
            "2025-04-26T17:00:00+07:00",
        ),
        // 30/4–1/5 and the bridge 2/5/2025: from Mon 28/4, Tue 29/4 then Mon 5/5.
        (
            "2025-04-28T10:00:00+07:00",
            W(2),
            "2025-05-05T17:00:00+07:00",
        ),
        // 2/9/2025 and 1/9: Fri 29/8 + 1 → Wed 3/9.
        (
            "2025-08-29T10:00:00+07:00",
            W(1),
            "2025-09-03T17:00:00+07:00",
        ),
        // A longer one across Tết 2026 (Mon 16/2 – Fri 20/2): 15 working days from Mon 2/2.
        (
            "2026-02-02T08:00:00+07:00",
            W(15),
            "2026-03-02T17:00:00+07:00",
        ),
    ];
    for (from, d, want) in cases {
        assert_eq!(due(&CAL, from, d), want, "{from} + {d:?}");
    }
}

#[test]
fn calendar_days_and_months() {
    use Duration::{Days, Months};
    let cases = [
        (
            "2025-11-17T10:00:00+07:00",
            Days(3),
            "2025-11-20T17:00:00+07:00",
        ),
        // Last day Saturday → end of the next working day.
        (
            "2025-11-21T10:00:00+07:00",
            Days(1),
            "2025-11-24T17:00:00+07:00",
        ),
        // Last day 30/4/2025, then 1/5, the bridge 2/5 and the weekend → Monday 5/5.
        (
            "2025-04-28T10:00:00+07:00",
            Days(2),
            "2025-05-05T17:00:00+07:00",
        ),
        // Months: the same day number, or the month's last day.
        (
            "2025-01-31T10:00:00+07:00",
            Months(1),
            "2025-02-28T17:00:00+07:00",
        ),
        (
            "2024-01-31T10:00:00+07:00",
            Months(1),
            "2024-02-29T17:00:00+07:00",
        ),
        (
            "2025-03-15T10:00:00+07:00",
            Months(1),
            "2025-04-15T17:00:00+07:00",
        ),
        // 2/9/2025 is a holiday (and 1/9): → Wednesday 3/9.
        (
            "2025-08-02T10:00:00+07:00",
            Months(1),
            "2025-09-03T17:00:00+07:00",
        ),
        // 28/2/2026 is a Saturday → Monday 2/3.
        (
            "2025-11-30T10:00:00+07:00",
            Months(3),
            "2026-03-02T17:00:00+07:00",
        ),
        (
            "2025-11-21T10:00:00+07:00",
            Months(12),
            "2026-11-23T17:00:00+07:00",
        ),
    ];
    for (from, d, want) in cases {
        assert_eq!(due(&CAL, from, d), want, "{from} + {d:?}");
    }
}

#[test]
fn working_hours() {
    use Duration::WorkingHours as H;
    let cases = [
        // 10:00–11:30 and 13:00–15:30.
        (
            "2025-11-24T10:00:00+07:00",
            H(4),
            "2025-11-24T15:30:00+07:00",
        ),
        // A morning exactly: ends at 11:30, not 13:00.
        (
            "2025-11-24T07:30:00+07:00",
            H(4),
            "2025-11-24T11:30:00+07:00",
        ),
        // Before opening counts from 07:30.
        (
            "2025-11-24T06:00:00+07:00",
            H(8),
            "2025-11-24T17:00:00+07:00",
        ),
        // Lunch break: counting starts at 13:00.
        (
            "2025-11-24T12:00:00+07:00",
            H(1),
            "2025-11-24T14:00:00+07:00",
        ),
        // Friday 16:00 + 8: 1 h on Friday, 4 h Monday morning, 3 h Monday afternoon.
        (
            "2025-11-21T16:00:00+07:00",
            H(8),
            "2025-11-24T16:00:00+07:00",
        ),
        // Saturday → Monday 07:30 + 1.
        (
            "2025-11-22T10:00:00+07:00",
            H(1),
            "2025-11-24T08:30:00+07:00",
        ),
        // Across Tết 2024 (Thu 8/2 – Wed 14/2): Wed 7/2 16:00 + 2 → Thu 15/2 08:30.
        (
            "2024-02-07T16:00:00+07:00",
            H(2),
            "2024-02-15T08:30:00+07:00",
        ),
        // 0 hours: the moment itself.
        (
            "2025-11-22T10:00:00+07:00",
            H(0),
            "2025-11-22T10:00:00+07:00",
        ),
    ];
    for (from, d, want) in cases {
        assert_eq!(due(&CAL, from, d), want, "{from} + {d:?}");
    }
}

#[test]
fn saturday_morning_points() {
    // Saturday 22/11 is a (morning) working day: it ends at 11:30.
    assert_eq!(
        due(&SAT, "2025-11-21T10:00:00+07:00", Duration::WorkingDays(1)),
        "2025-11-22T11:30:00+07:00"
    );
    assert_eq!(
        due(&SAT, "2025-11-21T10:00:00+07:00", Duration::Days(1)),
        "2025-11-22T11:30:00+07:00"
    );
    // Fri 16:00 + 8 h: 1 h Friday, 4 h Saturday morning, 3 h Monday.
    assert_eq!(
        due(&SAT, "2025-11-21T16:00:00+07:00", Duration::WorkingHours(8)),
        "2025-11-24T10:30:00+07:00"
    );
    // A make-up Saturday is a full day even here, and a holiday Saturday is off:
    // Sat 26/4/2025 make-up (full), Sat 3/5/2025 after the 30/4–2/5 break is worked.
    assert_eq!(
        due(&SAT, "2025-04-25T10:00:00+07:00", Duration::WorkingDays(1)),
        "2025-04-26T17:00:00+07:00"
    );
    assert_eq!(
        due(&SAT, "2025-04-29T10:00:00+07:00", Duration::WorkingDays(1)),
        "2025-05-03T11:30:00+07:00"
    );
    // Sunday is still off.
    assert_eq!(
        due(&SAT, "2025-11-22T10:00:00+07:00", Duration::WorkingDays(1)),
        "2025-11-24T17:00:00+07:00"
    );
}

#[test]
fn time_zones() {
    // 2025-11-20 18:00 UTC is Friday 21/11 01:00 in Vietnam: + 1 working day → Monday.
    let utc: DateTime<Utc> = "2025-11-20T18:00:00Z".parse().unwrap();
    assert_eq!(
        CAL.due_utc(utc, Duration::WorkingDays(1))
            .unwrap()
            .to_rfc3339(),
        "2025-11-24T17:00:00+07:00"
    );
    // Any offset is converted first.
    assert_eq!(
        due(&CAL, "2025-11-21T03:00:00+00:00", Duration::WorkingDays(5)),
        "2025-11-28T17:00:00+07:00"
    );
}

#[test]
fn pause_and_resume() {
    let received = t("2025-11-21T10:00:00+07:00");
    let due = CAL.due(received, Duration::WorkingDays(5)).unwrap();
    assert_eq!(due, t("2025-11-28T17:00:00+07:00"));
    // Paused Tuesday 10:00: 5.5 h that day and Wed, Thu, Fri: 29.5 h left.
    let pause = CAL.pause(due, t("2025-11-25T10:00:00+07:00")).unwrap();
    assert_eq!(pause.remaining, WorkingTime::from_minutes(29 * 60 + 30));
    // Resumed Monday 1/12 10:00: 5.5 h Monday, then Tue, Wed, Thu → Thursday 17:00,
    // i.e. the old due moved by the 4 working days (32 h) the clock was stopped.
    let resume_at = t("2025-12-01T10:00:00+07:00");
    let new_due = CAL.resume(&pause, resume_at, Resume::Remaining).unwrap();
    assert_eq!(new_due, t("2025-12-04T17:00:00+07:00"));
    assert_eq!(
        CAL.working_time_between(due, new_due).unwrap(),
        CAL.working_time_between(pause.paused_at, resume_at)
            .unwrap()
    );
    // Restarting the full period instead: Tue 2/12 … Mon 8/12.
    let restarted = CAL
        .resume(&pause, resume_at, Resume::Restart(Duration::WorkingDays(5)))
        .unwrap();
    assert_eq!(restarted, t("2025-12-08T17:00:00+07:00"));
    // Paused when already late: it stays late by the same working time.
    let late = CAL.pause(due, t("2025-12-01T08:30:00+07:00")).unwrap();
    assert_eq!(late.remaining, WorkingTime::from_hours(-1));
    let late_due = CAL
        .resume(&late, t("2025-12-03T08:30:00+07:00"), Resume::Remaining)
        .unwrap();
    // One working hour before Wednesday 08:30: the earliest such moment is Tuesday's close.
    assert_eq!(late_due, t("2025-12-02T17:00:00+07:00"));
    assert!(is_overdue(late_due, t("2025-12-03T08:30:00+07:00")));
}

#[test]
fn remaining_and_overdue() {
    let due = t("2025-11-28T17:00:00+07:00");
    assert!(!is_overdue(due, due));
    assert!(is_overdue(due, t("2025-11-28T17:00:01+07:00")));
    assert_eq!(
        CAL.remaining(due, t("2025-11-27T16:00:00+07:00")).unwrap(),
        WorkingTime::from_hours(9)
    );
    // Over the weekend nothing is lost: Friday 17:00 to Monday 08:30 is 1 h late.
    assert_eq!(
        CAL.remaining(due, t("2025-12-01T08:30:00+07:00")).unwrap(),
        WorkingTime::from_hours(-1)
    );
}

#[test]
fn step_budgets() {
    let start = t("2025-11-21T10:00:00+07:00");
    let due = t("2025-11-28T17:00:00+07:00");
    // 45.5 working hours (5.5 on Friday 21, 8 on each of Mon 24 – Fri 28) split 1:6:2:1
    // (reception, specialist, head of department, leader): 4h33, 27h18, 9h06, 4h33.
    let plan = CAL.plan_steps(start, due, &[1, 6, 2, 1]).unwrap();
    let budgets: Vec<_> = plan.iter().map(|s| s.budget.minutes()).collect();
    assert_eq!(budgets, [273, 1638, 546, 273]);
    let dues: Vec<_> = plan.iter().map(|s| s.due.to_rfc3339()).collect();
    assert_eq!(
        dues,
        [
            "2025-11-21T16:03:00+07:00", // 10:00–11:30, 13:00–16:03
            "2025-11-27T09:51:00+07:00", // 31h51: 5h30 Fri, 24h Mon–Wed, 2h21 Thursday
            "2025-11-28T10:57:00+07:00", // 40h57: 37h30 to Thursday's close, 3h27 Friday
            "2025-11-28T17:00:00+07:00",
        ]
    );
    let total: WorkingTime = plan.iter().map(|s| s.budget).sum();
    assert_eq!(total, CAL.working_time_between(start, due).unwrap());
}

#[test]
fn out_of_range_is_an_error_not_a_panic() {
    let err = CAL
        .due(t("2100-12-30T10:00:00+07:00"), Duration::WorkingDays(5))
        .unwrap_err();
    assert!(matches!(err, CalendarError::OutOfRange { .. }), "{err}");
    assert!(
        CAL.due(t("1989-12-31T10:00:00+07:00"), Duration::Days(1))
            .is_err()
    );
    assert!(
        CAL.due(t("2100-12-30T10:00:00+07:00"), Duration::Days(5))
            .is_err()
    );
    assert!(
        CAL.due(t("2100-12-30T10:00:00+07:00"), Duration::WorkingHours(100))
            .is_err()
    );
    assert!(
        WorkCalendar::new(CalendarConfig {
            years: 2000..=2200,
            ..CalendarConfig::default()
        })
        .is_err()
    );
}
