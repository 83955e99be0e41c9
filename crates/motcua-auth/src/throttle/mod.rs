//! Login throttling and temporary lockout, as a pure policy over failure timestamps.
//!
//! Two keys are watched for every login attempt:
//! - the **account key** — the login name as typed, normalized by [`account_key`], whether
//!   or not an account has that name, so that lockout behaves the same for names that exist
//!   and names that do not (messages and behaviour must never reveal which accounts exist);
//! - the **client key** — the IP address, or its /64 network for IPv6 ([`ip_key`]), since one
//!   IPv6 client holds billions of addresses.
//!
//! [`ThrottlePolicy::decide`] turns the recent failures of both keys into a
//! [`ThrottleDecision`]:
//! - after [`ThrottlePolicy::account_threshold`] (5) consecutive failures, the account key is
//!   **locked** for 15 minutes from the last failure; every further 5 failures double the
//!   lockout, up to a day. A success clears the account's failures (the caller forgets them),
//!   so the failures passed in are the consecutive ones. Failures older than a day are ignored.
//! - more than [`ThrottlePolicy::ip_threshold`] (20) failures from one client within 10
//!   minutes **delay** its next attempt: 1 s after the 21st, doubling with each further
//!   failure, at most 5 minutes. A delay rather than a lock, because many people share an
//!   address behind carrier-grade NAT (common on Vietnamese mobile networks).
//!
//! Attempts refused by the throttle should not check the password and should not be
//! recorded as failures: the lock then ends when it said it would, and the refused attempt
//! tells the client nothing about the password.
//!
//! [`Throttle`] keeps failures in memory for a single server instance. Several instances
//! behind a load balancer each see only part of the attempts, so a multi-instance deployment
//! must store failures in the shared database (the server does) and call
//! [`ThrottlePolicy::decide`] on what it loads.

mod store;

#[cfg(test)]
mod proptests;

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};

pub use store::Throttle;

/// The numbers of the throttling policy. [`Default`] gives the values described in the module
/// documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Consecutive failures on an account key that lock it.
    pub account_threshold: u32,
    /// The first lockout.
    pub account_lockout: TimeDelta,
    /// The longest lockout, however many failures.
    pub account_max_lockout: TimeDelta,
    /// Failures older than this no longer count against an account key.
    pub account_window: TimeDelta,
    /// Failures from one client within `ip_window` allowed without delay.
    pub ip_threshold: u32,
    pub ip_window: TimeDelta,
    /// The delay after the first failure over the threshold.
    pub ip_base_delay: TimeDelta,
    /// The longest delay.
    pub ip_max_delay: TimeDelta,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            account_threshold: 5,
            account_lockout: TimeDelta::minutes(15),
            account_max_lockout: TimeDelta::hours(24),
            account_window: TimeDelta::hours(24),
            ip_threshold: 20,
            ip_window: TimeDelta::minutes(10),
            ip_base_delay: TimeDelta::seconds(1),
            ip_max_delay: TimeDelta::minutes(5),
        }
    }
}

/// What to do with a login attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleDecision {
    /// Check the credentials.
    Allow,
    /// Refuse without checking; the client may try again after `seconds`.
    Delay { seconds: u64 },
    /// The account key is locked until `until`; refuse without checking.
    Locked { until: DateTime<Utc> },
}

impl ThrottleDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allow)
    }

    /// Seconds to put in a `Retry-After` header (rounded up), `None` when allowed.
    pub fn retry_after_secs(&self, now: DateTime<Utc>) -> Option<u64> {
        match *self {
            Self::Allow => None,
            Self::Delay { seconds } => Some(seconds),
            Self::Locked { until } => Some(ceil_secs(until - now)),
        }
    }
}

impl ThrottlePolicy {
    /// The decision for an attempt at `now`, given the failures since the last success of the
    /// account key and the recent failures of the client key (any order; older ones are
    /// ignored). A lock takes precedence over a delay.
    pub fn decide(
        &self,
        account_failures: &[DateTime<Utc>],
        ip_failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> ThrottleDecision {
        if let Some(until) = self.account_locked_until(account_failures, now) {
            return ThrottleDecision::Locked { until };
        }
        if let Some(until) = self.ip_delayed_until(ip_failures, now) {
            return ThrottleDecision::Delay {
                seconds: ceil_secs(until - now),
            };
        }
        ThrottleDecision::Allow
    }

    /// When the account key's lock ends, if it is locked at `now`.
    pub fn account_locked_until(
        &self,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let (count, latest) = recent(failures, now - self.account_window)?;
        let until = latest + self.lockout_for(count)?;
        (until > now).then_some(until)
    }

    /// When the client key's delay ends, if it is delayed at `now`.
    pub fn ip_delayed_until(
        &self,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let (count, latest) = recent(failures, now - self.ip_window)?;
        let until = latest + self.ip_delay_for(count)?;
        (until > now).then_some(until)
    }

    /// The lockout after `consecutive` failures: none below the threshold, then the first
    /// lockout doubled for every further `account_threshold` failures, capped.
    pub fn lockout_for(&self, consecutive: usize) -> Option<TimeDelta> {
        let threshold = usize::try_from(self.account_threshold.max(1)).unwrap_or(usize::MAX);
        if consecutive < threshold {
            return None;
        }
        let doublings = (consecutive - threshold) / threshold;
        Some(doubled(
            self.account_lockout,
            doublings,
            self.account_max_lockout,
        ))
    }

    /// The delay after `failures` failures within the window: none up to the threshold, then
    /// the base delay doubled for every failure beyond the first over it, capped.
    pub fn ip_delay_for(&self, failures: usize) -> Option<TimeDelta> {
        let threshold = usize::try_from(self.ip_threshold).unwrap_or(usize::MAX);
        if failures <= threshold {
            return None;
        }
        Some(doubled(
            self.ip_base_delay,
            failures - threshold - 1,
            self.ip_max_delay,
        ))
    }
}

/// The number of failures after `since` and the latest of them.
fn recent(failures: &[DateTime<Utc>], since: DateTime<Utc>) -> Option<(usize, DateTime<Utc>)> {
    failures
        .iter()
        .filter(|&&t| t > since)
        .fold(None, |acc, &t| match acc {
            None => Some((1, t)),
            Some((n, latest)) => Some((n + 1, latest.max(t))),
        })
}

/// `base · 2^doublings`, at most `cap`, without overflow.
fn doubled(base: TimeDelta, doublings: usize, cap: TimeDelta) -> TimeDelta {
    let mut value = base;
    for _ in 0..doublings {
        if value >= cap {
            break;
        }
        value = value.checked_add(&value).unwrap_or(cap);
    }
    value.min(cap)
}

fn ceil_secs(delta: TimeDelta) -> u64 {
    let millis = delta.num_milliseconds().max(0);
    u64::try_from((millis + 999) / 1000).unwrap_or(0)
}

/// The account key of a login name as typed: trimmed, whitespace removed, lower-case. People
/// type the same identifier in several ways (`An@Example.vn`, `079 203 000 034`); all of them
/// count against the same key.
pub fn account_key(login: &str) -> String {
    login
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The client key of an address: an IPv4 address itself (also when mapped into IPv6), an IPv6
/// address's /64 network.
pub fn ip_key(addr: IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    fn failures(times: &[i64]) -> Vec<DateTime<Utc>> {
        times.iter().map(|&s| t(s)).collect()
    }

    #[test]
    fn five_consecutive_failures_lock_the_account_for_fifteen_minutes() {
        let p = ThrottlePolicy::default();
        let four = failures(&[0, 10, 20, 30]);
        assert_eq!(p.decide(&four, &[], t(31)), ThrottleDecision::Allow);
        let five = failures(&[0, 10, 20, 30, 40]);
        let locked = p.decide(&five, &[], t(41));
        assert_eq!(locked, ThrottleDecision::Locked { until: t(40 + 900) });
        assert_eq!(locked.retry_after_secs(t(41)), Some(899));
        assert!(!locked.is_allowed());
        // Still locked just before the end, free at the end.
        assert!(!p.decide(&five, &[], t(939)).is_allowed());
        assert_eq!(p.decide(&five, &[], t(940)), ThrottleDecision::Allow);
    }

    #[test]
    fn lockouts_double_every_five_failures_up_to_a_day() {
        let p = ThrottlePolicy::default();
        let minutes = |n| p.lockout_for(n).map(|d| d.num_minutes());
        assert_eq!(minutes(0), None);
        assert_eq!(minutes(4), None);
        assert_eq!(minutes(5), Some(15));
        assert_eq!(minutes(9), Some(15));
        assert_eq!(minutes(10), Some(30));
        assert_eq!(minutes(15), Some(60));
        assert_eq!(minutes(40), Some(24 * 60));
        assert_eq!(minutes(usize::MAX), Some(24 * 60));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let p = ThrottlePolicy::default();
        let day = 24 * 3600;
        let five = failures(&[0, 1, 2, 3, 4]);
        assert_eq!(p.decide(&five, &[], t(day + 4)), ThrottleDecision::Allow);
        // Three old ones and two recent ones are not five.
        let mixed = failures(&[0, 1, 2, day + 10, day + 20]);
        assert_eq!(p.decide(&mixed, &[], t(day + 21)), ThrottleDecision::Allow);
    }

    #[test]
    fn many_failures_from_one_client_delay_it_exponentially() {
        let p = ThrottlePolicy::default();
        let twenty: Vec<i64> = (0..20).collect();
        assert_eq!(
            p.decide(&[], &failures(&twenty), t(20)),
            ThrottleDecision::Allow
        );
        let mut more = twenty.clone();
        more.push(20);
        assert_eq!(
            p.decide(&[], &failures(&more), t(20)),
            ThrottleDecision::Delay { seconds: 1 }
        );
        more.extend([21, 22, 23]);
        assert_eq!(
            p.decide(&[], &failures(&more), t(23)),
            ThrottleDecision::Delay { seconds: 8 }
        );
        assert_eq!(
            p.decide(&[], &failures(&more), t(30)),
            ThrottleDecision::Delay { seconds: 1 }
        );
        assert_eq!(
            p.decide(&[], &failures(&more), t(31)),
            ThrottleDecision::Allow
        );
        // Capped at five minutes; forgotten after ten.
        let flood: Vec<i64> = (0..200).collect();
        assert_eq!(
            p.decide(&[], &failures(&flood), t(199)),
            ThrottleDecision::Delay { seconds: 300 }
        );
        assert_eq!(
            p.decide(&[], &failures(&flood), t(800)),
            ThrottleDecision::Allow
        );
    }

    #[test]
    fn a_lock_wins_over_a_delay_and_keys_normalize() {
        let p = ThrottlePolicy::default();
        let five = failures(&[0, 1, 2, 3, 4]);
        let many: Vec<i64> = (0..30).collect();
        assert!(matches!(
            p.decide(&five, &failures(&many), t(30)),
            ThrottleDecision::Locked { .. }
        ));
        assert_eq!(
            account_key(" An.Nguyen@Example.VN "),
            "an.nguyen@example.vn"
        );
        assert_eq!(account_key("079 203 000 034"), "079203000034");
        assert_eq!(ip_key("203.0.113.7".parse().unwrap()), "203.0.113.7");
        assert_eq!(ip_key("::ffff:203.0.113.7".parse().unwrap()), "203.0.113.7");
        assert_eq!(
            ip_key("2001:db8:1:2:aaaa::1".parse().unwrap()),
            ip_key("2001:db8:1:2:ffff::9".parse().unwrap())
        );
        assert_eq!(
            ip_key("2001:db8:1:2::1".parse().unwrap()),
            "2001:db8:1:2::/64"
        );
    }
}
