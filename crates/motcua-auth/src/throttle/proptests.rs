//! Properties of the throttling policy over arbitrary histories.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;

use super::*;

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
}

/// How restrictive a decision is, comparable: allow < any delay < any lock; longer is more.
fn severity(d: ThrottleDecision) -> (u8, i64) {
    match d {
        ThrottleDecision::Allow => (0, 0),
        ThrottleDecision::Delay { seconds } => (1, i64::try_from(seconds).unwrap()),
        ThrottleDecision::Locked { until } => (2, until.timestamp()),
    }
}

/// Failure times in the two days before `now` (at 2 days + 1 h).
fn history() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(0i64..(48 * 3600), 0..80)
}

const NOW: i64 = 49 * 3600;

#[derive(Debug, Clone)]
enum Event {
    Failure { account: u8, client: u8 },
    Success { account: u8 },
}

fn events() -> impl Strategy<Value = Vec<(u16, Event)>> {
    prop::collection::vec(
        (
            0u16..600,
            prop_oneof![
                (0u8..3, 0u8..3).prop_map(|(account, client)| Event::Failure { account, client }),
                (0u8..3).prop_map(|account| Event::Success { account }),
            ],
        ),
        0..120,
    )
}

proptest! {
    #[test]
    fn never_locks_without_failures(
        ip in history(),
        now in 0i64..NOW,
    ) {
        let p = ThrottlePolicy::default();
        let decision = p.decide(&[], &ip.iter().map(|&s| at(s)).collect::<Vec<_>>(), at(now));
        let locked = matches!(decision, ThrottleDecision::Locked { .. });
        prop_assert!(!locked);
        prop_assert_eq!(p.decide(&[], &[], at(now)), ThrottleDecision::Allow);
    }

    #[test]
    fn successes_never_lock(events in events()) {
        let throttle = Throttle::new(ThrottlePolicy::default());
        let mut now = 0i64;
        for (gap, event) in events {
            now += i64::from(gap);
            match event {
                Event::Failure { account, client } => {
                    throttle.record_failure(&format!("a{account}"), &format!("c{client}"), at(now));
                }
                Event::Success { account } => {
                    throttle.record_success(&format!("a{account}"), at(now));
                    // Right after a success the account is never locked (a delay from the
                    // client's own failures may remain).
                    for client in 0..3 {
                        let d = throttle.check(&format!("a{account}"), &format!("c{client}"), at(now));
                        let locked = matches!(d, ThrottleDecision::Locked { .. });
                        prop_assert!(!locked, "{:?}", d);
                    }
                }
            }
        }
        // Only successes: always allowed.
        let clean = Throttle::new(ThrottlePolicy::default());
        for i in 0..20 {
            clean.record_success("a0", at(i));
            prop_assert!(clean.check("a0", "c0", at(i)).is_allowed());
        }
    }

    #[test]
    fn lock_and_delay_are_bounded(
        account in history(),
        ip in history(),
        now in (48 * 3600i64)..NOW,
    ) {
        let p = ThrottlePolicy::default();
        let account: Vec<_> = account.iter().map(|&s| at(s)).collect();
        let ip: Vec<_> = ip.iter().map(|&s| at(s)).collect();
        match p.decide(&account, &ip, at(now)) {
            ThrottleDecision::Allow => {}
            ThrottleDecision::Delay { seconds } => {
                prop_assert!(seconds >= 1);
                prop_assert!(i64::try_from(seconds).unwrap() <= p.ip_max_delay.num_seconds());
            }
            ThrottleDecision::Locked { until } => {
                prop_assert!(until > at(now));
                prop_assert!(until - at(now) <= p.account_max_lockout);
            }
        }
    }

    #[test]
    fn more_failures_are_never_less_restrictive(
        account in history(),
        ip in history(),
        extra_account in history(),
        extra_ip in history(),
        now in (47 * 3600i64)..NOW,
    ) {
        let p = ThrottlePolicy::default();
        let to_times = |v: &[i64]| v.iter().map(|&s| at(s.min(now))).collect::<Vec<_>>();
        let base = p.decide(&to_times(&account), &to_times(&ip), at(now));
        let more_account = [account.clone(), extra_account].concat();
        let more_ip = [ip.clone(), extra_ip].concat();
        let more = p.decide(&to_times(&more_account), &to_times(&more_ip), at(now));
        prop_assert!(severity(more) >= severity(base), "{:?} then {:?}", base, more);
        // Each side alone too.
        let a = p.decide(&to_times(&more_account), &to_times(&ip), at(now));
        let i = p.decide(&to_times(&account), &to_times(&more_ip), at(now));
        prop_assert!(severity(a) >= severity(base));
        prop_assert!(severity(i) >= severity(base));
    }

    #[test]
    fn the_lock_grows_with_consecutive_failures(n in 0usize..200, m in 0usize..200) {
        let p = ThrottlePolicy::default();
        let (lo, hi) = (n.min(m), n.max(m));
        prop_assert!(p.lockout_for(lo) <= p.lockout_for(hi));
        prop_assert!(p.ip_delay_for(lo) <= p.ip_delay_for(hi));
        prop_assert_eq!(p.lockout_for(n).is_some(), n >= 5);
        prop_assert_eq!(p.ip_delay_for(n).is_some(), n > 20);
    }
}
