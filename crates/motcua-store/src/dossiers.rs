//! Dossiers: their rows, code sequences, documents, hash-chained log and idempotency keys.
//!
//! The contract is [`DossierStore`]; one implementation serves both backends
//! (`dossiers_sql.rs`). The lifecycle itself is `motcua_dossier::lifecycle`: this layer only
//! persists what it decided, atomically with the log entry and the outbox messages, and only
//! if nobody changed the dossier meanwhile (the version the change was computed from).

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use motcua_dossier::chain::LogEntry;
use motcua_dossier::{Dossier, Status};
use serde::Serialize;

use crate::{NewOutboxMessage, Page, PageRequest, StoreResult};

/// Who applies, as written on the dossier (also for applicants without an account).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applicant {
    pub name: String,
    /// Personal ID or tax code.
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A new dossier (a draft online, or a paper dossier at the counter).
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub procedure_code: String,
    pub procedure_version: i32,
    /// `online`, `in_person` or `postal`.
    pub channel: String,
    pub applicant: Applicant,
    pub receiving_point: Option<String>,
    pub form_values: serde_json::Value,
    /// The lifecycle state to start from (`Dossier::draft`).
    pub state: Dossier,
    /// A random salt the receipt's tracking secret is derived from with a server secret
    /// (`motcua_auth::tracking`); the column name is from migration 0006, which stored a
    /// digest of a random secret instead.
    pub tracking_secret_hash: String,
    /// `(actor, key)`: a creating call with a key seen before returns the dossier it made.
    pub idempotency: Option<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StoredDossier {
    pub id: i64,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_version: i32,
    pub channel: String,
    pub applicant: Applicant,
    pub receiving_point: Option<String>,
    pub form_values: serde_json::Value,
    pub state: Dossier,
    /// The tracking secret's salt (see [`NewDossier::tracking_secret_hash`]).
    #[serde(skip)]
    pub tracking_secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What the public tracking look-up reads (see [`DossierStore::track_dossier`]).
#[derive(Debug, Clone)]
pub struct TrackedDossier {
    /// The dossier's code (tracking finds only received dossiers, which all have one).
    pub code: String,
    pub procedure_code: String,
    pub status: Status,
    pub received_at: Option<DateTime<FixedOffset>>,
    /// The appointment.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// What the look-up's second factor is checked against.
    pub applicant_phone: Option<String>,
    pub applicant_id_number: Option<String>,
    /// The tracking secret's salt (see [`NewDossier::tracking_secret_hash`]).
    pub tracking_secret_hash: String,
    pub holding_agency_code: String,
    pub holding_agency_name: String,
    /// Failures recorded under the look-up's failure key in its window.
    pub recent_failures: i64,
    /// The log's public steps, oldest first.
    pub milestones: Vec<TrackedMilestone>,
}

/// A step of a dossier's life as tracking shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedMilestone {
    pub at: DateTime<Utc>,
    /// The log entry's kind (the command: `create`, `submit`, `receive`, …).
    pub kind: String,
    /// The status it led to, when it changed the status.
    pub to: Option<String>,
}

/// Log kinds of internal work that public tracking does not show: officers' views, hand-overs
/// inside the agency, assignments, documents added.
pub const TRACKING_HIDDEN_KINDS: &[&str] = &["view", "forward", "send_back", "assign", "document"];

/// An entry to append to a dossier's log (the store chains it).
#[derive(Debug, Clone)]
pub struct NewLogEntry {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor_id: Option<i64>,
    pub ip: Option<String>,
    pub detail: serde_json::Value,
}

/// A change computed by the lifecycle from the version `expected_version`.
#[derive(Debug, Clone)]
pub struct DossierChange {
    pub expected_version: i64,
    /// The new state; its `version` is `expected_version + 1`.
    pub state: Dossier,
    /// At reception: give the dossier the next code of this agency (its QCVN code) on this
    /// Vietnam date.
    pub allocate_code: Option<(String, NaiveDate)>,
    pub form_values: Option<serde_json::Value>,
    pub log: NewLogEntry,
    /// Written in the same transaction (notifications).
    pub messages: Vec<NewOutboxMessage>,
}

/// A document attached to a dossier; the content lives in the object store under its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierDocument {
    pub id: i64,
    pub dossier_id: i64,
    /// `application` or `result`.
    pub role: String,
    pub name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub added_by: Option<i64>,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub role: String,
    pub name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub added_by: Option<i64>,
}

/// The statuses of a dossier still being worked on (what work queues list).
pub const OPEN_STATUSES: &[&str] = &[
    "submitted",
    "received",
    "processing",
    "supplement_requested",
    "awaiting_fees",
];

/// [`OPEN_STATUSES`] as a filter's status list.
pub fn open_statuses() -> Vec<String> {
    OPEN_STATUSES.iter().map(|s| (*s).to_owned()).collect()
}

/// Which dossiers to list (work queues, "my dossiers").
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    /// Held now by one of these agencies.
    pub holding_agency_ids: Option<Vec<i64>>,
    /// Belonging (received, held, held before) to one of these agencies.
    pub agency_ids: Option<Vec<i64>>,
    pub owner_account_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Status names (`motcua_dossier::Status::as_str`).
    pub statuses: Option<Vec<String>>,
    /// Due at or before this moment (due soon, overdue).
    pub due_before: Option<DateTime<Utc>>,
    /// Only dossiers held by another agency than the one that received them (transferred
    /// in).
    pub transferred_only: bool,
    pub page: PageRequest,
}

#[async_trait]
pub trait DossierStore: Send + Sync {
    /// Creates a dossier with its first log entry. With an idempotency key already used by
    /// the same actor, returns the dossier that key created (and creates nothing).
    async fn create_dossier(
        &self,
        dossier: &NewDossier,
        log: NewLogEntry,
    ) -> StoreResult<StoredDossier>;
    async fn get_dossier(&self, id: i64) -> StoreResult<Option<StoredDossier>>;
    async fn find_dossier_by_code(&self, code: &str) -> StoreResult<Option<StoredDossier>>;
    /// Applies a change if the dossier is still at `expected_version`; otherwise
    /// `StoreError::Stale` and nothing is written. Allocates the code at reception (unique and
    /// gap-free per agency and day, under concurrency and across instances), appends the log
    /// entry to the chain and queues the messages, all in one transaction. When the change
    /// returns the result, the owner's document store keeps the result documents (in the same
    /// transaction).
    async fn change_dossier(&self, id: i64, change: DossierChange) -> StoreResult<StoredDossier>;
    /// Appends to the log without changing the dossier (an officer's view, a message).
    async fn append_dossier_log(&self, id: i64, entry: NewLogEntry) -> StoreResult<LogEntry>;
    /// The log, oldest first, a page at a time (`page` counts from 1).
    async fn dossier_log(&self, id: i64, page: PageRequest) -> StoreResult<Page<LogEntry>>;
    /// The whole chain, oldest first (verification).
    async fn dossier_chain(&self, id: i64) -> StoreResult<Vec<LogEntry>>;
    /// The public tracking look-up in one query: what tracking shows of the dossier with this
    /// code and what its second factor is checked against (not its form), the agency
    /// holding it, how many failures `failure_key` has had since `since` (the throttle), and
    /// its milestones (the log without [`TRACKING_HIDDEN_KINDS`]). `None` when no dossier
    /// has the code.
    async fn track_dossier(
        &self,
        code: &str,
        failure_key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Option<TrackedDossier>>;
    /// Dossier ids after `after`, ascending, at most `limit` (to walk every chain).
    async fn dossier_ids(&self, after: i64, limit: u32) -> StoreResult<Vec<i64>>;
    async fn list_dossiers(&self, filter: &DossierFilter) -> StoreResult<Page<StoredDossier>>;
    /// Records a document whose content is already stored; logs `entry` with it.
    async fn add_document(
        &self,
        dossier_id: i64,
        document: &NewDocument,
        entry: NewLogEntry,
    ) -> StoreResult<DossierDocument>;
    async fn documents(&self, dossier_id: i64) -> StoreResult<Vec<DossierDocument>>;
}
