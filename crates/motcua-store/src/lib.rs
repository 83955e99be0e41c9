//! Storage for motcua: one [`Store`] trait, implemented for SQLite (embedded, the default) and
//! PostgreSQL (for scale). Each backend owns its SQL and its migrations; one conformance suite
//! (`tests/conformance`) holds both to the same behaviour.

pub mod accounts;
mod accounts_sql;
pub mod bulk_sql;
pub mod documents;
mod documents_sql;
pub mod dossiers;
mod dossiers_sql;
mod error;
pub mod local_settings;
mod local_settings_sql;
mod point_weeks_sql;
pub mod postgres;
mod queue_counts;
mod rows;
mod sql;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
mod types;

use std::sync::Arc;

use async_trait::async_trait;
use motcua_domain::agency::{Agency, AgencyCode, AgencyLink, NewAgency, ReceivingPoint};
use motcua_domain::unit::AdminUnit;

pub use accounts::*;
pub use bulk_sql::{BulkAccount, BulkDossier, BulkRole, BulkStore, CodeSequence};
pub use documents::{ApplicantDocument, Attachment, DocumentStore, NewApplicantDocument};
pub use dossiers::*;
pub use error::{StoreError, StoreResult};
pub use local_settings::{LocalSettingsStore, PutLocalSettings, StoredLocalSettings};
pub use types::*;

/// Everything the application asks of its database.
///
/// Methods are grouped by area; each area gets its own section as features land. Handlers hold
/// an `Arc<dyn Store>` and never know which backend is behind it.
#[async_trait]
pub trait Store:
    AccountStore + DossierStore + DocumentStore + BulkStore + LocalSettingsStore + Send + Sync + 'static
{
    /// Which backend this is, for logs, metrics and `/readyz`.
    fn backend(&self) -> Backend;

    /// Round-trips a trivial query: the database is reachable.
    async fn ping(&self) -> StoreResult<()>;

    /// Applies pending migrations; returns how many were applied.
    async fn migrate(&self) -> StoreResult<usize>;

    /// Migrations known to this binary that the database has not applied yet.
    async fn pending_migrations(&self) -> StoreResult<Vec<i64>>;

    /// Connection pool figures for `/metrics`.
    fn pool_stats(&self) -> Vec<PoolStats>;

    /// Periodic upkeep: statistics for the planner, WAL checkpoints; forgets expired sessions,
    /// used or expired password resets and login failures older than a day.
    async fn maintain(&self) -> StoreResult<()>;

    /// Closes pools, waiting for connections in use; for a clean shutdown.
    async fn close(&self);

    /// Gives back memory the backend keeps in this process beyond what its work needs: for
    /// SQLite, the page caches of idle connections, which a bulk read (the catalog at
    /// start-up) fills with pages no request reads again. Nothing for PostgreSQL.
    async fn release_memory(&self) -> StoreResult<()> {
        Ok(())
    }

    // ---- administrative units ----

    /// Inserts or updates units by code (idempotent); parents must come before children.
    async fn upsert_units(&self, units: &[AdminUnit]) -> StoreResult<UpsertCounts>;
    async fn get_unit(&self, code: &str) -> StoreResult<Option<AdminUnit>>;
    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<AdminUnit>>;

    // ---- agencies ----

    /// Creates an agency; `Conflict` on a taken code, `Invalid` on an unknown parent or unit.
    async fn create_agency(&self, agency: &NewAgency) -> StoreResult<Agency>;
    /// Creates or updates the agency with this code (for imports and demo data).
    async fn upsert_agency(&self, agency: &NewAgency) -> StoreResult<Agency>;
    async fn get_agency(&self, code: &AgencyCode) -> StoreResult<Option<Agency>>;
    async fn get_agency_by_id(&self, id: i64) -> StoreResult<Option<Agency>>;
    async fn list_agencies(&self, filter: &AgencyFilter) -> StoreResult<Page<Agency>>;
    /// Every agency, for building the tree (hundreds, not millions).
    async fn all_agencies(&self) -> StoreResult<Vec<Agency>>;
    /// Records that `link.successor` replaced `link.predecessor` (idempotent).
    async fn link_agencies(&self, link: &AgencyLink) -> StoreResult<()>;
    /// Links in which the agency is predecessor or successor.
    async fn agency_links(&self, code: &AgencyCode) -> StoreResult<Vec<AgencyLink>>;

    // ---- receiving points ----

    async fn upsert_receiving_point(
        &self,
        point: &NewReceivingPoint,
    ) -> StoreResult<ReceivingPoint>;
    async fn receiving_points(&self, agency: &AgencyCode) -> StoreResult<Vec<ReceivingPoint>>;
    /// The work weeks of the agency's receiving points that have one of their own, as
    /// `(point code, JSON of motcua_calendar::WorkWeek)` by point code; the other points keep
    /// the default week.
    async fn receiving_point_weeks(
        &self,
        agency: &AgencyCode,
    ) -> StoreResult<Vec<(String, String)>>;
    /// The work week (JSON) of one receiving point, `None` for the default week; `NotFound`
    /// when the agency has no such point.
    async fn receiving_point_week(
        &self,
        agency: &AgencyCode,
        point: &str,
    ) -> StoreResult<Option<String>>;
    /// Stores a receiving point's work week (the caller has validated it), or with `None`
    /// returns it to the default week; `NotFound` when the agency has no such point.
    async fn set_receiving_point_week(
        &self,
        agency: &AgencyCode,
        point: &str,
        week_json: Option<&str>,
    ) -> StoreResult<()>;

    // ---- procedure catalog ----

    /// Stores procedures, creating a new version of each one whose fingerprint changed
    /// (idempotent: re-importing the same content changes nothing). All or nothing.
    async fn import_procedures(&self, records: &[ProcedureRecord]) -> StoreResult<ImportCounts>;
    /// The current version of a procedure.
    async fn get_procedure(&self, code: &str) -> StoreResult<Option<StoredProcedure>>;
    /// A given version of a procedure (what a dossier was received under).
    async fn get_procedure_version(
        &self,
        code: &str,
        version: i32,
    ) -> StoreResult<Option<StoredProcedure>>;
    /// Every version of a procedure, oldest first, without documents' raw fields.
    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<StoredProcedure>>;
    /// The current version of every procedure (to build the search index), by code.
    async fn current_procedures(&self) -> StoreResult<Vec<StoredProcedure>>;
    /// A cheap stamp that changes whenever the catalog does (count and sum of versions), so
    /// servers notice an import made by another process.
    async fn catalog_stamp(&self) -> StoreResult<(i64, i64)>;

    // ---- working calendar ----

    /// Administrator-entered yearly notices as `(year, JSON document)`, by year.
    async fn calendar_notices(&self) -> StoreResult<Vec<(i32, String)>>;
    /// Stores (replacing) the notice of a year; the caller has validated it.
    async fn put_calendar_notice(&self, year: i32, notice_json: &str) -> StoreResult<()>;
    /// Removes the stored notice of a year; `false` when there was none.
    async fn delete_calendar_notice(&self, year: i32) -> StoreResult<bool>;
}

/// Opens the store the configuration names: PostgreSQL for a `postgres://` URL, otherwise
/// SQLite in the data directory.
pub async fn open(options: &OpenOptions) -> StoreResult<Arc<dyn Store>> {
    match &options.database_url {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(postgres::PgStore::connect(url, options).await?))
        }
        Some(url) => Err(StoreError::Config(format!(
            "unsupported database URL scheme in {:?}: use postgres://… or leave it unset for SQLite",
            redact_url(url)
        ))),
        None => Ok(Arc::new(sqlite::SqliteStore::open(options).await?)),
    }
}

/// Hides the password of a database URL, for logs and `config print`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((creds, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact_url("postgres://h/db"), "postgres://h/db");
    }
}
