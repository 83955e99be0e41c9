//! Plain types exchanged with the store: filters, pages, counts.

use std::path::PathBuf;
use std::time::Duration;

use motcua_domain::agency::AgencyCode;
use motcua_domain::unit::UnitLevel;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// How to open the database.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Where the SQLite file (and later attachments) live.
    pub data_dir: PathBuf,
    /// `postgres://…` selects PostgreSQL; `None` means SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// SQLite `synchronous`: `full` (default: an acknowledged write survives power loss)
    /// or `normal` (survives a process crash, not power loss).
    pub sqlite_synchronous: String,
    /// Largest number of pooled connections (readers for SQLite).
    pub max_connections: u32,
    /// How long a request waits for a connection, and SQLite for a lock, before failing.
    pub busy_timeout: Duration,
    /// PostgreSQL `search_path`, used by tests to isolate each run in its own schema.
    pub pg_schema: Option<String>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            sqlite_synchronous: "full".into(),
            max_connections: 8,
            busy_timeout: Duration::from_secs(30),
            pg_schema: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PoolStats {
    /// `reader`, `writer` (SQLite) or `main` (PostgreSQL).
    pub pool: &'static str,
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UpsertCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// One page of a listing, with the total for pagers.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Page number (from 1) and size, clamped to sane bounds.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u32 = 200;

    pub fn new(page: Option<u32>, per_page: Option<u32>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

#[derive(Debug, Clone, Default)]
pub struct UnitFilter {
    pub level: Option<UnitLevel>,
    /// Communes of this province.
    pub parent_code: Option<String>,
    /// Matches the name, with or without diacritics.
    pub q: Option<String>,
    pub page: PageRequest,
}

#[derive(Debug, Clone, Default)]
pub struct AgencyFilter {
    /// Direct children of this agency.
    pub parent: Option<AgencyCode>,
    pub kind: Option<motcua_domain::agency::AgencyKind>,
    pub unit_code: Option<String>,
    /// Matches the name or the code.
    pub q: Option<String>,
    pub page: PageRequest,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReceivingPoint {
    pub agency_code: AgencyCode,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub unit_code: Option<String>,
}

/// One procedure as the importer hands it over: already parsed and fingerprinted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRecord {
    pub code: String,
    pub name: String,
    /// Content hash of the parsed document; a different one makes a new version.
    pub fingerprint: String,
    /// The parsed procedure (JSON).
    pub document: String,
    /// The original fields as published (JSON), kept beside what was parsed.
    pub raw: String,
    /// Where it came from (file name, administrator…), for the record.
    pub source: String,
}

/// A stored version of a procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StoredProcedure {
    pub code: String,
    pub version: i32,
    pub fingerprint: String,
    pub document: String,
    pub raw: String,
    pub source: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportCounts {
    /// Procedures seen for the first time.
    pub inserted: u64,
    /// Procedures whose content changed: a new version was created.
    pub new_versions: u64,
    pub unchanged: u64,
}
