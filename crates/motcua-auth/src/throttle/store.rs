//! The in-memory failure store of a single server instance.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, TimeDelta, Utc};

use super::{ThrottleDecision, ThrottlePolicy};

/// Failures remembered per key; older ones are dropped first. Enough to reach the longest
/// lockout and delay of any sensible policy.
const MAX_PER_KEY: usize = 512;
/// Keys remembered per map by default (about 100 bytes each).
const DEFAULT_MAX_KEYS: usize = 100_000;
/// How often a full sweep of expired failures runs.
const PRUNE_EVERY: TimeDelta = TimeDelta::minutes(1);

/// Recent login failures per account key and per client key, in memory, behind a mutex.
///
/// For one server instance only: with several instances, each would see part of the
/// attempts, so they must persist failures in the shared database and call
/// [`ThrottlePolicy::decide`] instead.
///
/// Memory is bounded: expired failures are swept every minute, each key keeps at most 512
/// failures, and each map at most `max_keys` keys. When a map is full of unexpired keys (a
/// flood of distinct names or addresses), the key whose last failure is oldest is forgotten —
/// a flood can thus shorten someone's lockout, but never lock anyone.
#[derive(Debug)]
pub struct Throttle {
    policy: ThrottlePolicy,
    max_keys: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    accounts: HashMap<String, Vec<DateTime<Utc>>>,
    clients: HashMap<String, Vec<DateTime<Utc>>>,
    last_prune: Option<DateTime<Utc>>,
}

impl Throttle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        Self::with_max_keys(policy, DEFAULT_MAX_KEYS)
    }

    /// A store remembering at most `max_keys` keys of each kind (at least 1).
    pub fn with_max_keys(policy: ThrottlePolicy, max_keys: usize) -> Self {
        Self {
            policy,
            max_keys: max_keys.max(1),
            state: Mutex::new(State::default()),
        }
    }

    pub fn policy(&self) -> &ThrottlePolicy {
        &self.policy
    }

    /// The decision for an attempt on `account_key` from `client_key` at `now` (keys from
    /// [`account_key`](super::account_key) and [`ip_key`](super::ip_key)).
    pub fn check(
        &self,
        account_key: &str,
        client_key: &str,
        now: DateTime<Utc>,
    ) -> ThrottleDecision {
        let state = self.lock();
        let none = Vec::new();
        self.policy.decide(
            state.accounts.get(account_key).unwrap_or(&none),
            state.clients.get(client_key).unwrap_or(&none),
            now,
        )
    }

    /// Records a failed attempt (wrong password, wrong second factor, unknown name).
    pub fn record_failure(&self, account_key: &str, client_key: &str, now: DateTime<Utc>) {
        let mut state = self.lock();
        self.prune_if_due(&mut state, now);
        let max_keys = self.max_keys;
        push(&mut state.accounts, account_key, now, max_keys);
        push(&mut state.clients, client_key, now, max_keys);
    }

    /// Records a successful login: the account key's consecutive failures are forgotten. The
    /// client's failures stay: one valid account must not unlock guessing on others.
    pub fn record_success(&self, account_key: &str, now: DateTime<Utc>) {
        let mut state = self.lock();
        self.prune_if_due(&mut state, now);
        state.accounts.remove(account_key);
    }

    /// Forgets every failure that can no longer count at `now`.
    pub fn prune(&self, now: DateTime<Utc>) {
        let mut state = self.lock();
        self.prune_now(&mut state, now);
    }

    /// Keys currently remembered, accounts and clients together.
    pub fn tracked_keys(&self) -> usize {
        let state = self.lock();
        state.accounts.len() + state.clients.len()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps inconsistent in a way that
        // matters (at worst one failure is missing), so a poisoned lock is still used.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn prune_if_due(&self, state: &mut State, now: DateTime<Utc>) {
        if state
            .last_prune
            .is_none_or(|last| now - last >= PRUNE_EVERY)
        {
            self.prune_now(state, now);
        }
    }

    fn prune_now(&self, state: &mut State, now: DateTime<Utc>) {
        let account_since = now - self.policy.account_window;
        // A failure can matter as long as a lock or a delay it contributes to can last.
        let client_since = now - self.policy.ip_window.max(self.policy.ip_max_delay);
        retain_recent(&mut state.accounts, account_since);
        retain_recent(&mut state.clients, client_since);
        state.last_prune = Some(now);
    }
}

fn retain_recent(map: &mut HashMap<String, Vec<DateTime<Utc>>>, since: DateTime<Utc>) {
    map.retain(|_, times| {
        times.retain(|&t| t > since);
        !times.is_empty()
    });
}

fn push(
    map: &mut HashMap<String, Vec<DateTime<Utc>>>,
    key: &str,
    now: DateTime<Utc>,
    max_keys: usize,
) {
    if !map.contains_key(key) && map.len() >= max_keys {
        let stalest = map
            .iter()
            .min_by_key(|(_, times)| times.iter().max().copied())
            .map(|(k, _)| k.clone());
        if let Some(k) = stalest {
            map.remove(&k);
        }
    }
    let times = map.entry(key.to_owned()).or_default();
    if times.len() >= MAX_PER_KEY {
        times.remove(0);
    }
    times.push(now);
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn failures_lock_and_a_success_unlocks_the_account_only() {
        let throttle = Throttle::new(ThrottlePolicy::default());
        for i in 0..4 {
            assert!(throttle.check("an", "1.2.3.4", t(i)).is_allowed());
            throttle.record_failure("an", "1.2.3.4", t(i));
        }
        throttle.record_success("an", t(5));
        for i in 6..10 {
            throttle.record_failure("an", "1.2.3.4", t(i));
        }
        assert!(throttle.check("an", "1.2.3.4", t(10)).is_allowed());
        throttle.record_failure("an", "1.2.3.4", t(10));
        assert_eq!(
            throttle.check("an", "5.6.7.8", t(11)),
            ThrottleDecision::Locked { until: t(910) }
        );
        // Another name from the same client is not locked.
        assert!(throttle.check("binh", "1.2.3.4", t(11)).is_allowed());
    }

    #[test]
    fn a_client_spraying_names_is_delayed() {
        let throttle = Throttle::new(ThrottlePolicy::default());
        for i in 0..21 {
            throttle.record_failure(&format!("user{i}"), "1.2.3.4", t(i));
        }
        assert_eq!(
            throttle.check("someone", "1.2.3.4", t(20)),
            ThrottleDecision::Delay { seconds: 1 }
        );
        assert!(throttle.check("someone", "5.6.7.8", t(20)).is_allowed());
    }

    #[test]
    fn memory_is_bounded_and_expired_failures_are_swept() {
        let throttle = Throttle::with_max_keys(ThrottlePolicy::default(), 10);
        for i in 0..50 {
            throttle.record_failure(&format!("user{i}"), &format!("10.0.0.{i}"), t(i));
        }
        assert_eq!(throttle.tracked_keys(), 20);
        for _ in 0..(MAX_PER_KEY + 10) {
            throttle.record_failure("user49", "10.0.0.49", t(60));
        }
        assert_eq!(throttle.lock().accounts["user49"].len(), MAX_PER_KEY);
        // A day later everything has expired.
        throttle.prune(t(24 * 3600 + 60));
        assert_eq!(throttle.tracked_keys(), 0);
    }

    #[test]
    fn a_poisoned_lock_is_still_usable() {
        let throttle = std::sync::Arc::new(Throttle::new(ThrottlePolicy::default()));
        let clone = throttle.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.state.lock().unwrap();
            panic!("poison");
        })
        .join();
        throttle.record_failure("an", "1.2.3.4", t(0));
        assert_eq!(throttle.tracked_keys(), 2);
    }
}
