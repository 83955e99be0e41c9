//! The totals of work queues, kept between requests.
//!
//! An officer's queue page shows one page of dossiers and the queue's total. The page is an
//! index range read (cheap at any size); the total is a count over every open dossier of the
//! agency — ≈ 7–10 ms at 100,000 open on SQLite, paid on every request. This cache keeps
//! totals per filter and invalidates them by agency: every write to a dossier bumps the
//! generation of each agency the dossier belongs to (receiving, holding, held before), and a
//! total is used only while the generations of all its filter's agencies are the ones seen
//! *before* it was counted. Within one process a total is therefore never stale; writes by
//! another process (several servers on one PostgreSQL, a CLI beside the server) are seen
//! after at most [`QueueCounts::MAX_AGE`].
//!
//! Only filters that name their agencies are kept. A `due_before` (due soon, overdue) is part
//! of the key: callers round it (the web layer to the minute) so that its totals are kept
//! too.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::DossierFilter;

/// Generations of agencies, and totals counted under them.
#[derive(Default)]
pub struct QueueCounts {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Bumped for every agency by [`QueueCounts::clear`].
    epoch: u64,
    generations: HashMap<i64, u64>,
    totals: HashMap<String, Total>,
}

impl Inner {
    fn seen(&self, agencies: &[i64]) -> Seen {
        Seen {
            epoch: self.epoch,
            generations: agencies
                .iter()
                .map(|a| self.generations.get(a).copied().unwrap_or(0))
                .collect(),
        }
    }
}

struct Total {
    seen: Seen,
    at: Instant,
    total: i64,
}

/// The generations a count is made under; give it back to [`QueueCounts::put`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Seen {
    epoch: u64,
    generations: Vec<u64>,
}

impl QueueCounts {
    /// How long a total is trusted without a write seen by this process.
    pub const MAX_AGE: Duration = Duration::from_secs(5);
    /// Totals kept at most (then all are dropped and counted again).
    const CAPACITY: usize = 4_096;

    /// The cache key and the agencies of a filter whose total may be kept.
    pub fn key(f: &DossierFilter) -> Option<(String, &[i64])> {
        let agencies = f.holding_agency_ids.as_deref()?;
        if f.agency_ids.is_some() || f.owner_account_id.is_some() {
            return None;
        }
        let mut statuses = f.statuses.clone().unwrap_or_default();
        statuses.sort_unstable();
        Some((
            format!(
                "{agencies:?}|{:?}|{statuses:?}|{}|{:?}",
                f.assignee_id,
                f.transferred_only,
                f.due_before.map(|d| d.timestamp_micros())
            ),
            agencies,
        ))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves plain counters behind: keep using them.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The generations now; take them before counting.
    pub fn seen(&self, agencies: &[i64]) -> Seen {
        self.lock().seen(agencies)
    }

    /// The kept total, when nothing it counts has been written since.
    pub fn get(&self, key: &str, agencies: &[i64]) -> Option<i64> {
        let inner = self.lock();
        let t = inner.totals.get(key)?;
        (t.seen == inner.seen(agencies) && t.at.elapsed() < Self::MAX_AGE).then_some(t.total)
    }

    /// Keeps a total counted under `seen`.
    pub fn put(&self, key: String, seen: Seen, total: i64) {
        let mut inner = self.lock();
        if inner.totals.len() >= Self::CAPACITY {
            inner.totals.clear();
        }
        inner.totals.insert(
            key,
            Total {
                seen,
                at: Instant::now(),
                total,
            },
        );
    }

    /// A dossier of these agencies changed (call after the commit).
    pub fn bump(&self, agencies: impl IntoIterator<Item = i64>) {
        let mut inner = self.lock();
        for a in agencies {
            *inner.generations.entry(a).or_insert(0) += 1;
        }
    }

    /// Anything may have changed (bulk loads).
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.totals.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(agencies: Vec<i64>) -> DossierFilter {
        DossierFilter {
            holding_agency_ids: Some(agencies),
            statuses: Some(vec!["received".into(), "processing".into()]),
            ..Default::default()
        }
    }

    #[test]
    fn a_write_at_one_of_the_agencies_drops_the_total() {
        let c = QueueCounts::default();
        let f = filter(vec![1, 2]);
        let (key, agencies) = QueueCounts::key(&f).unwrap();
        let seen = c.seen(agencies);
        c.put(key.clone(), seen, 7);
        assert_eq!(c.get(&key, agencies), Some(7));
        c.bump([3]);
        assert_eq!(c.get(&key, agencies), Some(7), "another agency's write");
        c.bump([2]);
        assert_eq!(c.get(&key, agencies), None);
    }

    #[test]
    fn a_write_during_the_count_is_not_hidden() {
        let c = QueueCounts::default();
        let f = filter(vec![1]);
        let (key, agencies) = QueueCounts::key(&f).unwrap();
        let seen = c.seen(agencies);
        c.bump([1]); // commits while the count runs
        c.put(key.clone(), seen, 7);
        assert_eq!(c.get(&key, agencies), None);
    }

    #[test]
    fn clear_drops_everything_and_bounds_are_part_of_the_key() {
        let c = QueueCounts::default();
        let f = filter(vec![1]);
        let (key, agencies) = QueueCounts::key(&f).unwrap();
        c.put(key.clone(), c.seen(agencies), 1);
        c.clear();
        assert_eq!(c.get(&key, agencies), None);
        let at = |minute| DossierFilter {
            due_before: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 2, 9, minute, 0)
                .single(),
            ..filter(vec![1])
        };
        assert_ne!(
            QueueCounts::key(&at(1)).unwrap().0,
            QueueCounts::key(&at(2)).unwrap().0
        );
        assert_ne!(QueueCounts::key(&at(1)).unwrap().0, key);
        assert!(QueueCounts::key(&DossierFilter::default()).is_none());
        let owner = DossierFilter {
            owner_account_id: Some(7),
            ..filter(vec![1])
        };
        assert!(QueueCounts::key(&owner).is_none());
    }

    #[test]
    fn statuses_in_any_order_share_a_key() {
        let a = filter(vec![1]);
        let mut b = filter(vec![1]);
        b.statuses.as_mut().unwrap().reverse();
        assert_eq!(
            QueueCounts::key(&a).unwrap().0,
            QueueCounts::key(&b).unwrap().0
        );
    }
}
