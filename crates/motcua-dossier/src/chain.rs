//! The dossier log: append-only, each entry chained to the previous one by a SHA-256 hash,
//! so that changing, removing or reordering an entry breaks every later link.
//!
//! `hash = SHA-256("motcua/dossier-log/v1" ‖ previous hash ‖ canonical JSON of the entry)`,
//! where the canonical JSON has its keys sorted (serde_json's map is ordered) and the
//! entry's own hash left out. The first entry's previous hash is 32 zero bytes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const CONTEXT: &[u8] = b"motcua/dossier-log/v1";

/// One log entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// 1-based position in the dossier's chain.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// `receive`, `view`, `message`, `document_added`, … (the command or the event).
    pub kind: String,
    /// The account acting; `None` for the system.
    pub actor_id: Option<i64>,
    /// Where from (address), for the record.
    pub ip: Option<String>,
    /// Why (reasons, messages), and what changed.
    pub detail: serde_json::Value,
    /// Hex SHA-256 of the previous entry (64 zeros for the first).
    pub prev_hash: String,
    /// Hex SHA-256 of this entry.
    pub hash: String,
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What the hash covers: everything but the hash itself.
#[derive(Serialize)]
struct Hashed<'a> {
    seq: i64,
    at: String,
    kind: &'a str,
    actor_id: Option<i64>,
    ip: Option<&'a str>,
    detail: &'a serde_json::Value,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of an entry with these contents after `prev_hash`.
pub fn entry_hash(
    prev_hash: &str,
    seq: i64,
    at: DateTime<Utc>,
    kind: &str,
    actor_id: Option<i64>,
    ip: Option<&str>,
    detail: &serde_json::Value,
) -> String {
    let body = serde_json::to_vec(&Hashed {
        seq,
        // Microseconds: what both databases keep.
        at: at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        kind,
        actor_id,
        ip,
        detail,
    })
    .expect("log entries serialize");
    let mut h = Sha256::new();
    h.update(CONTEXT);
    h.update(prev_hash.as_bytes());
    h.update(&body);
    hex(&h.finalize())
}

impl LogEntry {
    /// The next entry after `prev` (or the first when `None`), with its hash.
    pub fn next(
        prev: Option<&LogEntry>,
        at: DateTime<Utc>,
        kind: &str,
        actor_id: Option<i64>,
        ip: Option<String>,
        detail: serde_json::Value,
    ) -> Self {
        let (seq, prev_hash) = match prev {
            Some(p) => (p.seq + 1, p.hash.clone()),
            None => (1, GENESIS.to_owned()),
        };
        // Truncate to microseconds so the stored value hashes the same when read back.
        let at = DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at);
        let hash = entry_hash(&prev_hash, seq, at, kind, actor_id, ip.as_deref(), &detail);
        Self {
            seq,
            at,
            kind: kind.to_owned(),
            actor_id,
            ip,
            detail,
            prev_hash,
            hash,
        }
    }

    fn recomputed(&self) -> String {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            &self.kind,
            self.actor_id,
            self.ip.as_deref(),
            &self.detail,
        )
    }
}

/// Where a chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("entry {seq}: its contents do not match its hash (changed after writing)")]
    Altered { seq: i64 },
    #[error("entry {seq}: it does not follow the previous entry (removed, reordered or inserted)")]
    Unlinked { seq: i64 },
}

/// Checks a whole chain, in order; the first broken link.
pub fn verify(entries: &[LogEntry]) -> Result<(), ChainBreak> {
    let mut prev_hash = GENESIS;
    for (i, e) in entries.iter().enumerate() {
        if e.seq != i as i64 + 1 || e.prev_hash != prev_hash {
            return Err(ChainBreak::Unlinked { seq: e.seq });
        }
        if e.recomputed() != e.hash {
            return Err(ChainBreak::Altered { seq: e.seq });
        }
        prev_hash = &e.hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(n: usize) -> Vec<LogEntry> {
        let mut out: Vec<LogEntry> = Vec::new();
        let t0 = DateTime::from_timestamp(1_764_000_000, 123_456_789).unwrap();
        for i in 0..n {
            let e = LogEntry::next(
                out.last(),
                t0 + chrono::TimeDelta::seconds(i as i64),
                "receive",
                Some(7),
                Some("10.0.0.1".into()),
                json!({ "i": i, "lý do": "đủ hồ sơ" }),
            );
            out.push(e);
        }
        out
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(()));
        assert_eq!(verify(&[]), Ok(()));
    }

    #[test]
    fn changing_an_entry_is_detected_at_that_entry() {
        let mut c = chain(5);
        c[2].detail = json!({ "i": 2, "lý do": "thiếu giấy tờ" });
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 3 }));
        let mut c = chain(5);
        c[1].actor_id = Some(8);
        assert_eq!(verify(&c), Err(ChainBreak::Altered { seq: 2 }));
    }

    #[test]
    fn rehashing_a_changed_entry_breaks_the_next_link() {
        let mut c = chain(5);
        c[2].kind = "refuse".into();
        c[2].hash = c[2].recomputed();
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 4 }));
    }

    #[test]
    fn removing_or_reordering_is_detected() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 3 }));
        let mut c = chain(5);
        c.swap(3, 4);
        assert_eq!(verify(&c), Err(ChainBreak::Unlinked { seq: 5 }));
    }

    #[test]
    fn times_hash_at_microsecond_precision() {
        let c = chain(2);
        let mut read_back = c.clone();
        read_back[0].at = DateTime::from_timestamp_micros(c[0].at.timestamp_micros()).unwrap();
        assert_eq!(verify(&read_back), Ok(()));
    }
}
