//! Storage errors: what callers can act on (not found, conflict, invalid) apart from faults.

use motcua_domain::{FieldError, Validation};

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value is taken; `field` names the input field concerned.
    #[error("conflict on {field}")]
    Conflict { field: &'static str },
    /// The input refers to things that do not exist (unknown parent, unknown unit…).
    #[error(transparent)]
    Invalid(#[from] Validation),
    #[error("not found")]
    NotFound,
    /// The row changed since it was read (optimistic concurrency): nothing was written.
    #[error("changed meanwhile")]
    Stale,
    /// The database cannot be opened or used as configured.
    #[error("{0}")]
    Config(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// From the SQLite engine's synchronous connections (`sqlite::engine`).
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    /// A write the SQLite engine could not commit (nothing of it was kept).
    #[error("database write failed: {0}")]
    Write(String),
    #[error("migration error")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub(crate) fn unknown(field: &str, what_vi: &str, what_en: &str) -> Self {
        Self::Invalid(Validation(vec![FieldError::new(
            field,
            "unknown",
            format!("Không tìm thấy {what_vi}."),
            format!("No such {what_en}."),
        )]))
    }
}

/// Turns a unique-constraint violation into a [`StoreError::Conflict`] on `field`.
pub(crate) fn on_unique(err: sqlx::Error, field: &'static str) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict { field },
        _ => StoreError::Database(err),
    }
}
