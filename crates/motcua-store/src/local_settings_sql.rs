//! The one implementation of [`LocalSettingsStore`](crate::LocalSettingsStore) for both
//! backends, in the manner of `point_weeks_sql.rs`: SQL text (`$N` placeholders work in SQLite
//! and PostgreSQL) and [`impl_local_settings_store!`], which stamps the trait out for a backend
//! providing `fn read_pool(&self) -> &sqlx::Pool<DB>` and
//! `async fn write(&self) -> StoreResult<Transaction<'static, DB>>`.
//!
//! Writes are optimistic: the UPDATE names the version it replaces, so of two concurrent
//! writers one gets `Stale`; two concurrent first writes meet the primary key, and the loser
//! gets `Stale` too.

use chrono::{DateTime, Utc};

use crate::local_settings::StoredLocalSettings;

macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT agency_id, procedure_code, settings, version, updated_by, updated_at FROM agency_procedure_settings ",
            $tail
        )
    };
}

pub(crate) const SELECT_ONE: &str = select!("WHERE agency_id = $1 AND procedure_code = $2");
pub(crate) const SELECT_AGENCY: &str = select!("WHERE agency_id = $1 ORDER BY procedure_code");
pub(crate) const SELECT_VERSION: &str =
    "SELECT version FROM agency_procedure_settings WHERE agency_id = $1 AND procedure_code = $2";
pub(crate) const INSERT: &str = "INSERT INTO agency_procedure_settings (agency_id, procedure_code, settings, version, updated_by, updated_at) VALUES ($1, $2, $3, 1, $4, $5)";
pub(crate) const UPDATE: &str = "UPDATE agency_procedure_settings SET settings = $3, version = version + 1, updated_by = $4, updated_at = $5 WHERE agency_id = $1 AND procedure_code = $2 AND version = $6";
pub(crate) const DELETE: &str = "DELETE FROM agency_procedure_settings WHERE agency_id = $1 AND procedure_code = $2 AND version = $3";
pub(crate) const AGENCY_EXISTS: &str = "SELECT 1 FROM agencies WHERE id = $1";
pub(crate) const PROCEDURE_EXISTS: &str = "SELECT 1 FROM procedures WHERE code = $1";

#[derive(sqlx::FromRow)]
pub(crate) struct SettingsRow {
    agency_id: i64,
    procedure_code: String,
    settings: String,
    version: i64,
    updated_by: Option<i64>,
    updated_at: DateTime<Utc>,
}

crate::sqlite::engine::engine_row!(SettingsRow {
    agency_id,
    procedure_code,
    settings,
    version,
    updated_by,
    updated_at,
});

impl From<SettingsRow> for StoredLocalSettings {
    fn from(r: SettingsRow) -> Self {
        Self {
            agency_id: r.agency_id,
            procedure_code: r.procedure_code,
            settings: r.settings,
            version: r.version,
            updated_by: r.updated_by,
            updated_at: r.updated_at,
        }
    }
}

macro_rules! impl_local_settings_store {
    ($store:ty, $db:ty $(,)?) => {
        const _: () = {
            use $crate::local_settings::*;
            use $crate::local_settings_sql::*;
            use $crate::{NewSecurityEvent, StoreError, StoreResult};

            #[::async_trait::async_trait]
            impl $crate::LocalSettingsStore for $store {
                async fn local_settings(
                    &self,
                    agency_id: i64,
                    procedure_code: &str,
                ) -> StoreResult<Option<StoredLocalSettings>> {
                    self.local_settings_hot(agency_id, procedure_code).await
                }

                async fn agency_local_settings(
                    &self,
                    agency_id: i64,
                ) -> StoreResult<Vec<StoredLocalSettings>> {
                    let rows: Vec<SettingsRow> = ::sqlx::query_as(SELECT_AGENCY)
                        .bind(agency_id)
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn put_local_settings(
                    &self,
                    put: &PutLocalSettings,
                    event: NewSecurityEvent,
                ) -> StoreResult<StoredLocalSettings> {
                    let mut tx = self.write().await?;
                    let agency: Option<i32> = ::sqlx::query_scalar(AGENCY_EXISTS)
                        .bind(put.agency_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if agency.is_none() {
                        return Err(StoreError::unknown("agency", "cơ quan", "agency"));
                    }
                    let procedure: Option<i32> = ::sqlx::query_scalar(PROCEDURE_EXISTS)
                        .bind(&put.procedure_code)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if procedure.is_none() {
                        return Err(StoreError::unknown(
                            "procedure_code",
                            "thủ tục",
                            "procedure",
                        ));
                    }
                    let current: Option<i64> = ::sqlx::query_scalar(SELECT_VERSION)
                        .bind(put.agency_id)
                        .bind(&put.procedure_code)
                        .fetch_optional(&mut *tx)
                        .await?;
                    match (current, put.expected_version) {
                        (Some(v), Some(e)) if v != e => return Err(StoreError::Stale),
                        (None, Some(e)) if e != 0 => return Err(StoreError::Stale),
                        _ => {}
                    }
                    if let Some(v) = current {
                        let done = ::sqlx::query(UPDATE)
                            .bind(put.agency_id)
                            .bind(&put.procedure_code)
                            .bind(&put.settings)
                            .bind(put.updated_by)
                            .bind(put.at)
                            .bind(v)
                            .execute(&mut *tx)
                            .await?;
                        if done.rows_affected() == 0 {
                            return Err(StoreError::Stale);
                        }
                    } else {
                        ::sqlx::query(INSERT)
                            .bind(put.agency_id)
                            .bind(&put.procedure_code)
                            .bind(&put.settings)
                            .bind(put.updated_by)
                            .bind(put.at)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| match $crate::error::on_unique(e, "procedure_code") {
                                StoreError::Conflict { .. } => StoreError::Stale,
                                other => other,
                            })?;
                    }
                    log_event(&mut tx, &event).await?;
                    let row: SettingsRow = ::sqlx::query_as(SELECT_ONE)
                        .bind(put.agency_id)
                        .bind(&put.procedure_code)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(row.into())
                }

                async fn delete_local_settings(
                    &self,
                    agency_id: i64,
                    procedure_code: &str,
                    expected_version: Option<i64>,
                    event: NewSecurityEvent,
                ) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let current: Option<i64> = ::sqlx::query_scalar(SELECT_VERSION)
                        .bind(agency_id)
                        .bind(procedure_code)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some(v) = current else {
                        return match expected_version {
                            Some(e) if e != 0 => Err(StoreError::Stale),
                            _ => Ok(false),
                        };
                    };
                    if expected_version.is_some_and(|e| e != v) {
                        return Err(StoreError::Stale);
                    }
                    let done = ::sqlx::query(DELETE)
                        .bind(agency_id)
                        .bind(procedure_code)
                        .bind(v)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::Stale);
                    }
                    log_event(&mut tx, &event).await?;
                    tx.commit().await?;
                    Ok(true)
                }
            }

            async fn log_event(
                tx: &mut ::sqlx::Transaction<'static, $db>,
                event: &NewSecurityEvent,
            ) -> StoreResult<()> {
                ::sqlx::query(crate::accounts_sql::INSERT_SECURITY_EVENT)
                    .bind(event.at)
                    .bind(&event.kind)
                    .bind(event.account_id)
                    .bind(event.actor_id)
                    .bind(event.agency_id)
                    .bind(&event.ip)
                    .bind(event.detail.to_string())
                    .execute(&mut **tx)
                    .await?;
                Ok(())
            }
        };
    };
}

pub(crate) use impl_local_settings_store;

/// The settings read every new dossier makes, which the SQLite backend runs on its engine
/// (`sqlite::hot`) instead: its sqlx body, for PostgreSQL.
macro_rules! impl_local_settings_hot_sqlx {
    ($store:ty $(,)?) => {
        const _: () = {
            use $crate::StoreResult;
            use $crate::local_settings::*;
            use $crate::local_settings_sql::*;

            impl $store {
                pub(crate) async fn local_settings_hot(
                    &self,
                    agency_id: i64,
                    procedure_code: &str,
                ) -> StoreResult<Option<StoredLocalSettings>> {
                    let row: Option<SettingsRow> = ::sqlx::query_as(SELECT_ONE)
                        .bind(agency_id)
                        .bind(procedure_code)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(Into::into))
                }
            }
        };
    };
}

pub(crate) use impl_local_settings_hot_sqlx;
