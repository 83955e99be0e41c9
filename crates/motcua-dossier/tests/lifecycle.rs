//! The lifecycle, exhaustively: every command in every state for an officer and for the
//! owner (and a stranger), then the effects that matter — appointments from the calendar,
//! the clock stopping and resuming, late dossiers, transfers, the process order.

use chrono::{DateTime, FixedOffset, TimeZone};
use motcua_calendar::{CalendarConfig, Duration, Resume, WorkCalendar};
use motcua_dossier::lifecycle::{Authority, ClockChange, FormKind};
use motcua_dossier::{Command, Dossier, Performer, Refusal, ReturnChannel, Status, apply};

const OWNER: i64 = 100;
const STRANGER: i64 = 101;
const SPECIALIST: i64 = 7;
const HEAD: i64 = 8;
const A: i64 = 1;
const B: i64 = 2;

fn calendar() -> WorkCalendar {
    WorkCalendar::new(CalendarConfig::default()).unwrap()
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    motcua_calendar::vietnam()
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .unwrap()
}

fn owner() -> Performer {
    Performer::Applicant { account_id: OWNER }
}
fn officer(id: i64) -> Performer {
    Performer::Officer { account_id: id }
}

fn draft() -> Dossier {
    Dossier::draft(
        Some(OWNER),
        A,
        3,
        Duration::WorkingDays(5),
        Resume::Remaining,
    )
}

/// Runs commands from a draft, each by the performer that may; panics on a refusal.
fn walk(cmds: &[(Command, Performer)], now: DateTime<FixedOffset>) -> Dossier {
    let cal = calendar();
    let mut d = draft();
    for (c, by) in cmds {
        d = apply(&d, c, *by, now, &cal)
            .unwrap_or_else(|e| panic!("{} refused: {e}", c.name()))
            .0;
    }
    d
}

fn reason() -> String {
    "Lý do".into()
}

/// A dossier in each state (processing at the last step, held by the specialist).
fn in_state(status: Status) -> Dossier {
    use Command::*;
    let now = at(2026, 11, 20, 10, 0);
    let received = vec![(Submit, owner()), (Receive, officer(HEAD))];
    let mut processing = received.clone();
    processing.extend([
        (Assign { to: SPECIALIST }, officer(HEAD)),
        (
            Forward {
                to: Some(SPECIALIST),
            },
            officer(SPECIALIST),
        ),
        (
            Forward {
                to: Some(SPECIALIST),
            },
            officer(SPECIALIST),
        ),
    ]);
    let cmds: Vec<(Command, Performer)> = match status {
        Status::Draft => vec![],
        Status::Submitted => vec![(Submit, owner())],
        Status::Received => received,
        Status::Refused => vec![
            (Submit, owner()),
            (
                Refuse {
                    reasons: vec![reason()],
                },
                officer(HEAD),
            ),
        ],
        Status::Processing => processing,
        Status::SupplementRequested => {
            let mut p = processing;
            p.push((
                RequestSupplement {
                    items: vec!["Bản sao".into()],
                },
                officer(SPECIALIST),
            ));
            p
        }
        Status::AwaitingFees => {
            let mut p = processing;
            p.push((RequestFees { amount_vnd: 50_000 }, officer(SPECIALIST)));
            p
        }
        Status::Withdrawn => vec![(Submit, owner()), (Withdraw { reason: reason() }, owner())],
        Status::Stopped => {
            let mut p = processing;
            p.push((Stop { reason: reason() }, officer(HEAD)));
            p
        }
        Status::Processed => {
            let mut p = processing;
            p.push((Approve, officer(HEAD)));
            p
        }
        Status::Returned => {
            let mut p = processing;
            p.extend([
                (Approve, officer(HEAD)),
                (
                    ReturnResult {
                        channel: ReturnChannel::Counter,
                    },
                    officer(HEAD),
                ),
            ]);
            p
        }
    };
    let d = walk(&cmds, now);
    assert_eq!(d.status, status);
    d
}

fn every_command() -> Vec<Command> {
    use Command::*;
    vec![
        Submit,
        Receive,
        RequestSupplement {
            items: vec!["Giấy khai sinh bản chính".into()],
        },
        Supplement,
        Refuse {
            reasons: vec![reason()],
        },
        Assign { to: SPECIALIST },
        Forward { to: None },
        SendBack {
            reason: reason(),
            to: None,
        },
        RequestFees { amount_vnd: 10_000 },
        ConfirmFees,
        Approve,
        Transfer {
            to_agency_id: B,
            reason: reason(),
        },
        Stop { reason: reason() },
        Withdraw { reason: reason() },
        ReturnResult {
            channel: ReturnChannel::Online,
        },
        Apologize {
            new_due: at(2027, 1, 29, 17, 0),
            reason: reason(),
            responsible_agency_id: A,
        },
    ]
}

/// Which commands are accepted in which state: officer (the specialist holding the last
/// step, who also has every officer authority here) and owner. Written out by hand from
/// SPEC §4; every other (state, command) is refused.
fn expected(status: Status, command: &str) -> (bool, bool) {
    use Status::*;
    let officer_ok: &[&str] = match status {
        Draft => &["submit"],
        Submitted => &["receive", "request_supplement", "refuse", "withdraw"],
        // The fixture's supplement was requested during processing: no refusal then.
        SupplementRequested => &["supplement", "stop", "withdraw"],
        Received => &[
            "request_supplement",
            "assign",
            "transfer",
            "stop",
            "withdraw",
            "apologize",
        ],
        // At the last step: no forward; send back, approve, transfer, fees, supplement…
        Processing => &[
            "request_supplement",
            "assign",
            "send_back",
            "request_fees",
            "approve",
            "transfer",
            "stop",
            "withdraw",
            "apologize",
        ],
        AwaitingFees => &["confirm_fees", "withdraw"],
        Processed => &["return_result"],
        Refused | Withdrawn | Stopped | Returned => &[],
    };
    let owner_ok: &[&str] = match status {
        Draft => &["submit"],
        Submitted | Received | Processing | AwaitingFees => &["withdraw"],
        SupplementRequested => &["supplement", "withdraw"],
        _ => &[],
    };
    (officer_ok.contains(&command), owner_ok.contains(&command))
}

#[test]
fn every_command_in_every_state() {
    let cal = calendar();
    let now = at(2026, 11, 23, 9, 0);
    let mut checked = 0;
    for status in Status::ALL {
        let d = in_state(status);
        for c in every_command() {
            let (officer_ok, owner_ok) = expected(status, c.name());
            let by_officer = apply(&d, &c, officer(SPECIALIST), now, &cal);
            let by_owner = apply(&d, &c, owner(), now, &cal);
            let by_stranger = apply(
                &d,
                &c,
                Performer::Applicant {
                    account_id: STRANGER,
                },
                now,
                &cal,
            );
            assert_eq!(
                by_officer.is_ok(),
                officer_ok,
                "{status:?} {} by an officer: {by_officer:?}",
                c.name()
            );
            assert_eq!(
                by_owner.is_ok(),
                owner_ok,
                "{status:?} {} by the owner: {by_owner:?}",
                c.name()
            );
            assert!(by_stranger.is_err(), "a stranger may never {}", c.name());
            if let Ok((after, t)) = by_officer.as_ref().or(by_owner.as_ref()) {
                assert_eq!(
                    after.version,
                    d.version + 1,
                    "every change bumps the version"
                );
                assert_eq!(t.from, status);
                assert_eq!(after.status, t.to);
            } else {
                let e = by_officer.unwrap_err();
                let fe = e.to_field_error();
                assert!(!fe.message_vi.is_empty() && !fe.message_en.is_empty());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 11 * 16);
}

#[test]
fn final_states_accept_nothing() {
    for s in [
        Status::Refused,
        Status::Withdrawn,
        Status::Stopped,
        Status::Returned,
    ] {
        assert!(s.is_final());
        for c in every_command() {
            assert!(!expected(s, c.name()).0 && !expected(s, c.name()).1);
        }
    }
}

#[test]
fn reception_issues_the_appointment_from_the_calendar() {
    // Friday 20 November 2026, 10:00; five working days. Tuesday 24 November is Vietnam
    // Culture Day (a paid day off from 2026): the period ends Monday 30 November, 17:00.
    let cal = calendar();
    let d = walk(&[(Command::Submit, owner())], at(2026, 11, 20, 10, 0));
    let (d, t) = apply(
        &d,
        &Command::Receive,
        officer(HEAD),
        at(2026, 11, 20, 10, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(d.due_at, Some(at(2026, 11, 30, 17, 0)));
    assert_eq!(
        t.clock,
        ClockChange::Started {
            due: at(2026, 11, 30, 17, 0)
        }
    );
    assert_eq!(t.form, Some(FormKind::Receipt));
    assert!(t.notify_applicant);
    assert_eq!(d.received_at, Some(at(2026, 11, 20, 10, 0)));
}

#[test]
fn a_supplement_at_reception_does_not_start_the_clock() {
    let cal = calendar();
    let d = walk(&[(Command::Submit, owner())], at(2026, 11, 20, 10, 0));
    let empty = apply(
        &d,
        &Command::RequestSupplement {
            items: vec![" ".into()],
        },
        officer(HEAD),
        at(2026, 11, 20, 10, 0),
        &cal,
    );
    assert!(matches!(empty, Err(Refusal::Invalid(ref e)) if e.field == "items"));
    let (d, t) = apply(
        &d,
        &Command::RequestSupplement {
            items: vec!["Tờ khai".into(), "Bản sao CCCD".into()],
        },
        officer(HEAD),
        at(2026, 11, 20, 10, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(t.form, Some(FormKind::SupplementRequest));
    assert!(d.due_at.is_none() && d.paused.is_none());
    let (d, _) = apply(
        &d,
        &Command::Supplement,
        owner(),
        at(2026, 11, 25, 8, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(d.status, Status::Submitted, "back to reception");
    // Still refusable before reception.
    assert!(
        apply(
            &d,
            &Command::Refuse {
                reasons: vec![reason()]
            },
            officer(HEAD),
            at(2026, 11, 25, 9, 0),
            &cal
        )
        .is_ok()
    );
}

#[test]
fn a_supplement_during_processing_stops_the_clock_and_resumes_it() {
    let cal = calendar();
    let mut d = in_state(Status::Processing);
    assert_eq!(d.due_at, Some(at(2026, 11, 30, 17, 0)));
    // Paused on Wednesday 25 November at 17:00: 3 working days left (26, 27, 30).
    let (paused, t) = apply(
        &d,
        &Command::RequestSupplement {
            items: vec!["Bản chính".into()],
        },
        officer(SPECIALIST),
        at(2026, 11, 25, 17, 0),
        &cal,
    )
    .unwrap();
    assert!(
        matches!(t.clock, ClockChange::Paused { remaining_seconds } if remaining_seconds == 3 * 8 * 3600)
    );
    // Supplemented on Monday 7 December at 17:00: three working days again → Thursday 10.
    let (resumed, t) = apply(
        &paused,
        &Command::Supplement,
        owner(),
        at(2026, 12, 7, 17, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(resumed.status, Status::Processing);
    assert_eq!(resumed.due_at, Some(at(2026, 12, 10, 17, 0)));
    assert_eq!(
        t.clock,
        ClockChange::Resumed {
            due: at(2026, 12, 10, 17, 0)
        }
    );
    assert_eq!(resumed.supplement_rounds, 1);

    // A procedure whose period restarts: five working days from the supplement.
    d.resume = Resume::Restart(Duration::WorkingDays(5));
    let (paused, _) = apply(
        &d,
        &Command::RequestSupplement {
            items: vec!["x".into()],
        },
        officer(SPECIALIST),
        at(2026, 11, 25, 17, 0),
        &cal,
    )
    .unwrap();
    let (restarted, _) = apply(
        &paused,
        &Command::Supplement,
        owner(),
        at(2026, 12, 7, 17, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(restarted.due_at, Some(at(2026, 12, 14, 17, 0)));
}

#[test]
fn the_process_goes_step_by_step_and_only_its_holder_moves_it_on() {
    let cal = calendar();
    let now = at(2026, 11, 23, 9, 0);
    let d = walk(
        &[
            (Command::Submit, owner()),
            (Command::Receive, officer(HEAD)),
        ],
        now,
    );
    // Approval before the last step is refused.
    let (d, _) = apply(
        &d,
        &Command::Assign { to: SPECIALIST },
        officer(HEAD),
        now,
        &cal,
    )
    .unwrap();
    assert_eq!((d.step, d.assignee_id), (1, Some(SPECIALIST)));
    assert!(matches!(
        apply(&d, &Command::Approve, officer(HEAD), now, &cal),
        Err(Refusal::NotNow { .. })
    ));
    // Someone else cannot forward the specialist's step (they reassign first).
    assert!(matches!(
        apply(
            &d,
            &Command::Forward { to: Some(HEAD) },
            officer(HEAD),
            now,
            &cal
        ),
        Err(Refusal::NotYours { .. })
    ));
    let (d, t) = apply(
        &d,
        &Command::Forward { to: Some(HEAD) },
        officer(SPECIALIST),
        now,
        &cal,
    )
    .unwrap();
    assert_eq!((d.step, d.assignee_id), (2, Some(HEAD)));
    assert!(!t.notify_applicant, "internal steps are not milestones");
    let (back, _) = apply(
        &d,
        &Command::SendBack {
            reason: "Thiếu ý kiến".into(),
            to: Some(SPECIALIST),
        },
        officer(HEAD),
        now,
        &cal,
    )
    .unwrap();
    assert_eq!((back.step, back.assignee_id), (1, Some(SPECIALIST)));
    assert!(matches!(
        apply(
            &back,
            &Command::SendBack {
                reason: "x".into(),
                to: None
            },
            officer(SPECIALIST),
            now,
            &cal
        ),
        Err(Refusal::NotNow { .. })
    ));
    let (d, _) = apply(
        &d,
        &Command::Forward { to: Some(9) },
        officer(HEAD),
        now,
        &cal,
    )
    .unwrap();
    assert_eq!(d.step, 3);
    assert!(matches!(
        apply(&d, &Command::Forward { to: None }, officer(9), now, &cal),
        Err(Refusal::NotNow { .. })
    ));
    let (done, t) = apply(&d, &Command::Approve, officer(9), now, &cal).unwrap();
    assert_eq!(done.status, Status::Processed);
    assert_eq!(t.clock, ClockChange::Stopped { late: false });
    assert!(!done.late);
}

#[test]
fn late_results_and_apologies_stay_late() {
    let cal = calendar();
    let d = in_state(Status::Processing);
    // Approved on Tuesday 1 December: after the appointment of 30 November.
    let (late, t) = apply(
        &d,
        &Command::Approve,
        officer(HEAD),
        at(2026, 12, 1, 9, 0),
        &cal,
    )
    .unwrap();
    assert!(late.late);
    assert_eq!(t.clock, ClockChange::Stopped { late: true });

    let bad = apply(
        &d,
        &Command::Apologize {
            new_due: at(2026, 11, 27, 17, 0),
            reason: reason(),
            responsible_agency_id: A,
        },
        officer(HEAD),
        at(2026, 11, 26, 9, 0),
        &cal,
    );
    assert!(matches!(bad, Err(Refusal::Invalid(ref e)) if e.field == "new_due"));
    let (sorry, t) = apply(
        &d,
        &Command::Apologize {
            new_due: at(2026, 12, 4, 17, 0),
            reason: "Chờ xác minh".into(),
            responsible_agency_id: A,
        },
        officer(HEAD),
        at(2026, 11, 26, 9, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(t.form, Some(FormKind::Apology));
    assert_eq!(sorry.due_at, Some(at(2026, 12, 4, 17, 0)));
    assert!(sorry.late, "an apologised dossier is counted late");
    let (done, _) = apply(
        &sorry,
        &Command::Approve,
        officer(HEAD),
        at(2026, 12, 2, 9, 0),
        &cal,
    )
    .unwrap();
    assert!(done.late, "even when the new appointment is met");
}

#[test]
fn a_transfer_moves_the_dossier_and_the_clock_runs_on() {
    let cal = calendar();
    let d = in_state(Status::Received);
    let same = apply(
        &d,
        &Command::Transfer {
            to_agency_id: A,
            reason: reason(),
        },
        officer(HEAD),
        at(2026, 11, 23, 9, 0),
        &cal,
    );
    assert!(matches!(same, Err(Refusal::Invalid(ref e)) if e.field == "to_agency"));
    let (moved, t) = apply(
        &d,
        &Command::Transfer {
            to_agency_id: B,
            reason: "Thẩm quyền Sở".into(),
        },
        officer(HEAD),
        at(2026, 11, 23, 9, 0),
        &cal,
    )
    .unwrap();
    assert_eq!(moved.holding_agency_id, B);
    assert_eq!(moved.receiving_agency_id, A);
    assert_eq!(moved.transferred_agency_ids, [A]);
    assert_eq!(moved.due_at, d.due_at, "the clock keeps running");
    assert_eq!((moved.step, moved.assignee_id), (0, None));
    assert_eq!(t.clock, ClockChange::Unchanged);
    // The new agency assigns it to start its own process.
    let (assigned, _) = apply(
        &moved,
        &Command::Assign { to: 42 },
        officer(HEAD),
        at(2026, 11, 23, 10, 0),
        &cal,
    )
    .unwrap();
    assert_eq!((assigned.step, assigned.status), (1, Status::Processing));
}

#[test]
fn paper_dossiers_are_submitted_and_supplemented_by_the_counter() {
    let cal = calendar();
    let now = at(2026, 11, 23, 9, 0);
    let d = Dossier::draft(None, A, 1, Duration::Days(10), Resume::Remaining);
    let (d, _) = apply(&d, &Command::Submit, officer(HEAD), now, &cal).unwrap();
    let (d, _) = apply(&d, &Command::Receive, officer(HEAD), now, &cal).unwrap();
    // Ten calendar days from Monday 23 November: Thursday 3 December.
    assert_eq!(d.due_at, Some(at(2026, 12, 3, 17, 0)));
    assert!(matches!(
        apply(
            &d,
            &Command::Withdraw { reason: reason() },
            owner(),
            now,
            &cal
        ),
        Err(Refusal::NotYours { .. })
    ));
}

#[test]
fn authorities_name_the_rights_each_command_needs() {
    assert_eq!(
        Command::Receive.authorities(Status::Submitted),
        [Authority::Counter]
    );
    assert_eq!(
        Command::RequestSupplement { items: vec![] }.authorities(Status::Submitted),
        [Authority::Counter]
    );
    assert_eq!(
        Command::RequestSupplement { items: vec![] }.authorities(Status::Processing),
        [Authority::Processor]
    );
    assert_eq!(
        Command::Approve.authorities(Status::Processing),
        [Authority::Approver]
    );
    assert_eq!(
        Command::Withdraw { reason: reason() }.authorities(Status::Processing),
        [Authority::Owner, Authority::Counter]
    );
}
