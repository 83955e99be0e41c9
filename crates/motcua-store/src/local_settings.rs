//! Agencies' local settings for procedures (issue 4): one JSON document per agency ×
//! procedure (the `motcua_catalog::local::LocalSettings` the web layer validated; the store
//! does not read it), with an optimistic version and who changed it last. Every change is
//! written to the security log in the same transaction, so administrators see who changed
//! what and when. One implementation for both backends (`local_settings_sql.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{NewSecurityEvent, StoreResult};

/// One agency's stored settings for one procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLocalSettings {
    pub agency_id: i64,
    pub procedure_code: String,
    /// JSON of `motcua_catalog::local::LocalSettings`.
    pub settings: String,
    /// 1 when created, +1 on every change.
    pub version: i64,
    pub updated_by: Option<i64>,
    pub updated_at: DateTime<Utc>,
}

/// A change to one agency's settings for one procedure.
#[derive(Debug, Clone)]
pub struct PutLocalSettings {
    pub agency_id: i64,
    pub procedure_code: String,
    pub settings: String,
    /// `None`: write whatever is stored. `Some(0)`: only if nothing is stored yet.
    /// `Some(v)`: only if version `v` is stored. Otherwise [`StoreError::Stale`](crate::StoreError::Stale).
    pub expected_version: Option<i64>,
    pub updated_by: Option<i64>,
    pub at: DateTime<Utc>,
}

#[async_trait]
pub trait LocalSettingsStore: Send + Sync {
    /// One agency's settings for one procedure, if it set any.
    async fn local_settings(
        &self,
        agency_id: i64,
        procedure_code: &str,
    ) -> StoreResult<Option<StoredLocalSettings>>;

    /// Every procedure an agency set settings for, by procedure code.
    async fn agency_local_settings(&self, agency_id: i64) -> StoreResult<Vec<StoredLocalSettings>>;

    /// Creates or replaces settings (see [`PutLocalSettings::expected_version`]) and appends
    /// `event` to the security log, in one transaction. `Invalid` on an unknown agency or
    /// procedure.
    async fn put_local_settings(
        &self,
        put: &PutLocalSettings,
        event: NewSecurityEvent,
    ) -> StoreResult<StoredLocalSettings>;

    /// Removes settings (the agency returns to the defaults) and logs `event`; `false` when
    /// there were none. With `expected_version`, `Stale` unless that version is stored.
    async fn delete_local_settings(
        &self,
        agency_id: i64,
        procedure_code: &str,
        expected_version: Option<i64>,
        event: NewSecurityEvent,
    ) -> StoreResult<bool>;
}
