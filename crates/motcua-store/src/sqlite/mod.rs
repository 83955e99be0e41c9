//! SQLite backend: one embedded file in the data directory, no setup.
//!
//! Durability and concurrency are deliberate: WAL journal, `synchronous=FULL` by default (an
//! acknowledged write survives power loss), foreign keys on, and a single-connection writer
//! pool so writers queue inside the process instead of failing with "database is locked".
//! Write transactions start with `BEGIN IMMEDIATE` and a generous busy timeout covers other
//! processes (an import running beside the server). Readers use their own pool and never
//! block the writer.

use std::str::FromStr;

use async_trait::async_trait;
use chrono::Utc;
use motcua_domain::agency::{Agency, AgencyCode, AgencyLink, NewAgency, ReceivingPoint};
use motcua_domain::unit::AdminUnit;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use crate::error::on_unique;
use crate::rows::{AgencyRow, LinkRow, PointRow, UnitRow, convert_all};
use crate::sql::*;
use crate::types::*;
use crate::{Store, StoreError, StoreResult};

pub(crate) mod engine;
mod hot;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

crate::dossiers_sql::impl_dossier_store!(
    SqliteStore,
    Sqlite,
    lock_dossier = crate::dossiers_sql::LOCK_DOSSIER_SQLITE,
);

crate::bulk_sql::impl_bulk_store!(
    SqliteStore,
    Sqlite,
    begin = crate::bulk_sql::BEGIN_SQLITE,
    finish = crate::bulk_sql::FINISH_SQLITE,
    finish_outside = crate::bulk_sql::FINISH_SQLITE_OUTSIDE,
);

crate::documents_sql::impl_document_store!(
    SqliteStore,
    lock_dossier = crate::dossiers_sql::LOCK_DOSSIER_SQLITE,
);

crate::accounts_sql::impl_account_store!(
    SqliteStore,
    Sqlite,
    select_recovery = crate::accounts_sql::SELECT_RECOVERY_SQLITE,
    claim_messages = crate::accounts_sql::CLAIM_MESSAGES_SQLITE,
);

crate::point_weeks_sql::impl_point_week_store!(SqliteStore);

crate::local_settings_sql::impl_local_settings_store!(SqliteStore, Sqlite);

/// Reader connections at most (see [`SqliteStore::open`]).
const MAX_READERS: u32 = 4;

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    max_readers: u32,
    queue_counts: crate::queue_counts::QueueCounts,
    /// The hot path: synchronous reads and the batching writer thread (`engine.rs`).
    engine: engine::Engine,
}

impl SqliteStore {
    /// Opens (creating if needed) `motcua.db` in the data directory and migrates it: the
    /// embedded database is private to this process, so migrating on start is safe.
    pub async fn open(options: &OpenOptions) -> StoreResult<Self> {
        let dir = &options.data_dir;
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Config(format!(
                "cannot create data directory {}: {e}",
                dir.display()
            ))
        })?;
        let probe = dir.join(".motcua-write-test");
        std::fs::write(&probe, b"ok")
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|e| {
                StoreError::Config(format!(
                    "data directory {} is not writable: {e}",
                    dir.display()
                ))
            })?;
        let synchronous = SqliteSynchronous::from_str(&options.sqlite_synchronous)
            .ok()
            .filter(|_| {
                matches!(
                    options.sqlite_synchronous.as_str(),
                    "full" | "normal" | "extra"
                )
            })
            .ok_or_else(|| {
                StoreError::Config(format!(
                    "sqlite synchronous must be full, extra or normal, not {:?}",
                    options.sqlite_synchronous
                ))
            })?;
        let connect = SqliteConnectOptions::new()
            .filename(dir.join("motcua.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-16000")
            .optimize_on_close(true, None);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // The engine's writer thread takes this connection for each batch (as the write
            // lock); a local file's connection needs no ping first.
            .test_before_acquire(false)
            .acquire_timeout(options.busy_timeout)
            .connect_with(connect.clone())
            .await
            .map_err(|e| {
                StoreError::Config(format!(
                    "cannot open SQLite database in {}: {e}",
                    dir.display()
                ))
            })?;
        // At most 4 readers: a WAL database has five read marks, and more readers than marks
        // wait on each other in SQLite's read-lock retry loop (measured: 8 readers gave the
        // `submit` and `queue` benchmarks 20–25 % less than 4; BENCHMARKS.md).
        let max_readers = options.max_connections.clamp(1, MAX_READERS);
        let reader = SqlitePoolOptions::new()
            .max_connections(max_readers)
            .acquire_timeout(options.busy_timeout)
            // A smaller page cache per reader (4 MB, against the writer's 16): readers are
            // many, and the operating system caches the file for all of them.
            .connect_with(connect.read_only(true).pragma("cache_size", "-4000"))
            .await?;
        // Migrate before the engine's connections open, so they see the final schema.
        MIGRATOR.run(&writer).await?;
        let engine = engine::Engine::open(
            &dir.join("motcua.db"),
            &options.sqlite_synchronous,
            options.busy_timeout,
            writer.clone(),
        )?;
        Ok(Self {
            writer,
            reader,
            max_readers,
            queue_counts: Default::default(),
            engine,
        })
    }

    async fn write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// The writer, for statements that must run outside a transaction.
    fn write_pool(&self) -> &SqlitePool {
        &self.writer
    }

    fn read_pool(&self) -> &SqlitePool {
        &self.reader
    }

    /// The path of `PRAGMA` checks used by tests: `(journal_mode, synchronous, foreign_keys)`.
    pub async fn pragmas(&self) -> StoreResult<(String, i64, i64)> {
        let mut conn = self.writer.acquire().await?;
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?;
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await?;
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await?;
        Ok((journal, sync, fk))
    }

    async fn agency_in(tx: &mut Transaction<'static, Sqlite>, code: &str) -> StoreResult<Agency> {
        let row: AgencyRow = sqlx::query_as(SELECT_AGENCY_BY_CODE)
            .bind(code)
            .fetch_one(&mut **tx)
            .await?;
        Ok(row.try_into()?)
    }

    /// Resolves the parent and checks the unit inside the write transaction.
    async fn references(
        tx: &mut Transaction<'static, Sqlite>,
        agency: &NewAgency,
    ) -> StoreResult<Option<i64>> {
        if let Some(unit) = &agency.unit_code {
            let found: Option<i64> = sqlx::query_scalar(UNIT_EXISTS)
                .bind(unit)
                .fetch_optional(&mut **tx)
                .await?;
            if found.is_none() {
                return Err(StoreError::unknown(
                    "unit_code",
                    "đơn vị hành chính",
                    "administrative unit",
                ));
            }
        }
        match &agency.parent_code {
            None => Ok(None),
            Some(parent) => {
                let id: Option<i64> = sqlx::query_scalar(AGENCY_ID_BY_CODE)
                    .bind(parent.as_str())
                    .fetch_optional(&mut **tx)
                    .await?;
                id.map(Some).ok_or_else(|| {
                    StoreError::unknown("parent_code", "cơ quan cấp trên", "parent agency")
                })
            }
        }
    }

    async fn agency_id(&self, code: &AgencyCode, field: &str) -> StoreResult<i64> {
        let id: Option<i64> = sqlx::query_scalar(AGENCY_ID_BY_CODE)
            .bind(code.as_str())
            .fetch_optional(&self.reader)
            .await?;
        id.ok_or_else(|| StoreError::unknown(field, "cơ quan", "agency"))
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await?;
        Ok(())
    }

    async fn migrate(&self) -> StoreResult<usize> {
        let before = self.pending_migrations().await?.len();
        MIGRATOR.run(&self.writer).await?;
        Ok(before)
    }

    async fn pending_migrations(&self) -> StoreResult<Vec<i64>> {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.writer)
        .await?;
        let applied: Vec<i64> = if exists.is_some() {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.writer)
                .await?
        } else {
            Vec::new()
        };
        Ok(MIGRATOR
            .iter()
            .map(|m| m.version)
            .filter(|v| !applied.contains(v))
            .collect())
    }

    fn pool_stats(&self) -> Vec<PoolStats> {
        vec![
            PoolStats {
                pool: "writer",
                size: self.writer.size(),
                idle: self.writer.num_idle() as u32,
                max: 1,
            },
            PoolStats {
                pool: "reader",
                size: self.reader.size(),
                idle: self.reader.num_idle() as u32,
                max: self.max_readers,
            },
        ]
    }

    async fn maintain(&self) -> StoreResult<()> {
        // Before taking the writer's only connection for the pragmas.
        self.purge_expired_auth().await?;
        let mut conn = self.writer.acquire().await?;
        sqlx::query("PRAGMA optimize").execute(&mut *conn).await?;
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn release_memory(&self) -> StoreResult<()> {
        for pool in [&self.writer, &self.reader] {
            // Only idle connections: one in use keeps its cache for its statement.
            let idle: Vec<_> = (0..pool.num_idle())
                .map_while(|_| pool.try_acquire())
                .collect();
            for mut conn in idle {
                sqlx::query("PRAGMA shrink_memory")
                    .execute(&mut *conn)
                    .await?;
            }
        }
        self.engine.release_memory().await
    }

    async fn close(&self) {
        self.engine.close();
        self.reader.close().await;
        self.writer.close().await;
    }

    async fn upsert_units(&self, units: &[AdminUnit]) -> StoreResult<UpsertCounts> {
        let mut tx = self.write().await?;
        let existing: Vec<UnitRow> = sqlx::query_as(SELECT_ALL_UNITS).fetch_all(&mut *tx).await?;
        let existing: std::collections::HashMap<String, AdminUnit> =
            convert_all::<_, AdminUnit>(existing)?
                .into_iter()
                .map(|u| (u.code.clone(), u))
                .collect();
        let mut counts = UpsertCounts::default();
        let now = Utc::now();
        for unit in units {
            let sql = match existing.get(&unit.code) {
                Some(old) if old == unit => {
                    counts.unchanged += 1;
                    continue;
                }
                Some(_) => {
                    counts.updated += 1;
                    UPDATE_UNIT
                }
                None => {
                    counts.inserted += 1;
                    INSERT_UNIT
                }
            };
            sqlx::query(sql)
                .bind(&unit.code)
                .bind(unit.level.as_str())
                .bind(&unit.parent_code)
                .bind(&unit.name)
                .bind(&unit.name_en)
                .bind(&unit.full_name)
                .bind(&unit.full_name_en)
                .bind(&unit.code_name)
                .bind(&unit.unit_type)
                .bind(&unit.unit_type_en)
                .bind(unit_search_text(unit))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(counts)
    }

    async fn get_unit(&self, code: &str) -> StoreResult<Option<AdminUnit>> {
        let row: Option<UnitRow> = sqlx::query_as(SELECT_UNIT)
            .bind(code)
            .fetch_optional(&self.reader)
            .await?;
        Ok(row.map(TryInto::try_into).transpose()?)
    }

    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<AdminUnit>> {
        let total: i64 = units_query::<Sqlite>(filter, true)
            .build_query_scalar()
            .fetch_one(&self.reader)
            .await?;
        let rows: Vec<UnitRow> = units_query::<Sqlite>(filter, false)
            .build_query_as()
            .fetch_all(&self.reader)
            .await?;
        Ok(Page {
            items: convert_all(rows)?,
            total,
            page: filter.page.page,
            per_page: filter.page.per_page,
        })
    }

    async fn create_agency(&self, agency: &NewAgency) -> StoreResult<Agency> {
        let mut tx = self.write().await?;
        let parent_id = Self::references(&mut tx, agency).await?;
        let name_en = agency.name_en.as_deref();
        sqlx::query(INSERT_AGENCY)
            .bind(agency.code.as_str())
            .bind(&agency.name)
            .bind(name_en)
            .bind(agency.kind.as_str())
            .bind(parent_id)
            .bind(&agency.unit_code)
            .bind(&agency.address)
            .bind(agency.valid_from)
            .bind(agency.valid_to)
            .bind(agency_search_text(
                agency.code.as_str(),
                &agency.name,
                name_en,
            ))
            .bind(Utc::now())
            .execute(&mut *tx)
            .await
            .map_err(|e| on_unique(e, "code"))?;
        let created = Self::agency_in(&mut tx, agency.code.as_str()).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn upsert_agency(&self, agency: &NewAgency) -> StoreResult<Agency> {
        let mut tx = self.write().await?;
        let parent_id = Self::references(&mut tx, agency).await?;
        let name_en = agency.name_en.as_deref();
        let search = agency_search_text(agency.code.as_str(), &agency.name, name_en);
        let updated: Option<i64> = sqlx::query_scalar(UPDATE_AGENCY)
            .bind(agency.code.as_str())
            .bind(&agency.name)
            .bind(name_en)
            .bind(agency.kind.as_str())
            .bind(parent_id)
            .bind(&agency.unit_code)
            .bind(&agency.address)
            .bind(agency.valid_from)
            .bind(agency.valid_to)
            .bind(&search)
            .bind(Utc::now())
            .fetch_optional(&mut *tx)
            .await?;
        if updated.is_none() {
            sqlx::query(INSERT_AGENCY)
                .bind(agency.code.as_str())
                .bind(&agency.name)
                .bind(name_en)
                .bind(agency.kind.as_str())
                .bind(parent_id)
                .bind(&agency.unit_code)
                .bind(&agency.address)
                .bind(agency.valid_from)
                .bind(agency.valid_to)
                .bind(&search)
                .bind(Utc::now())
                .execute(&mut *tx)
                .await?;
        }
        let stored = Self::agency_in(&mut tx, agency.code.as_str()).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn get_agency(&self, code: &AgencyCode) -> StoreResult<Option<Agency>> {
        self.get_agency_hot(code).await
    }

    async fn get_agency_by_id(&self, id: i64) -> StoreResult<Option<Agency>> {
        self.get_agency_by_id_hot(id).await
    }

    async fn list_agencies(&self, filter: &AgencyFilter) -> StoreResult<Page<Agency>> {
        let total: i64 = agencies_query::<Sqlite>(filter, true)
            .build_query_scalar()
            .fetch_one(&self.reader)
            .await?;
        let rows: Vec<AgencyRow> = agencies_query::<Sqlite>(filter, false)
            .build_query_as()
            .fetch_all(&self.reader)
            .await?;
        Ok(Page {
            items: convert_all(rows)?,
            total,
            page: filter.page.page,
            per_page: filter.page.per_page,
        })
    }

    async fn all_agencies(&self) -> StoreResult<Vec<Agency>> {
        let rows: Vec<AgencyRow> = sqlx::query_as(SELECT_ALL_AGENCIES)
            .fetch_all(&self.reader)
            .await?;
        Ok(convert_all(rows)?)
    }

    async fn link_agencies(&self, link: &AgencyLink) -> StoreResult<()> {
        let pred = self.agency_id(&link.predecessor, "predecessor").await?;
        let succ = self.agency_id(&link.successor, "successor").await?;
        let mut tx = self.write().await?;
        sqlx::query(INSERT_LINK)
            .bind(pred)
            .bind(succ)
            .bind(link.kind.as_str())
            .bind(link.effective)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn agency_links(&self, code: &AgencyCode) -> StoreResult<Vec<AgencyLink>> {
        let rows: Vec<LinkRow> = sqlx::query_as(SELECT_LINKS)
            .bind(code.as_str())
            .fetch_all(&self.reader)
            .await?;
        Ok(convert_all(rows)?)
    }

    async fn upsert_receiving_point(
        &self,
        point: &NewReceivingPoint,
    ) -> StoreResult<ReceivingPoint> {
        let agency_id = self.agency_id(&point.agency_code, "agency_code").await?;
        if let Some(unit) = &point.unit_code {
            let found: Option<i64> = sqlx::query_scalar(UNIT_EXISTS)
                .bind(unit)
                .fetch_optional(&self.reader)
                .await?;
            if found.is_none() {
                return Err(StoreError::unknown(
                    "unit_code",
                    "đơn vị hành chính",
                    "administrative unit",
                ));
            }
        }
        let mut tx = self.write().await?;
        sqlx::query(UPSERT_POINT)
            .bind(agency_id)
            .bind(&point.code)
            .bind(&point.name)
            .bind(&point.address)
            .bind(&point.unit_code)
            .execute(&mut *tx)
            .await?;
        let row: PointRow = sqlx::query_as(SELECT_POINT)
            .bind(point.agency_code.as_str())
            .bind(&point.code)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(row.try_into()?)
    }

    async fn receiving_points(&self, agency: &AgencyCode) -> StoreResult<Vec<ReceivingPoint>> {
        let rows: Vec<PointRow> = sqlx::query_as(SELECT_POINTS)
            .bind(agency.as_str())
            .fetch_all(&self.reader)
            .await?;
        Ok(convert_all(rows)?)
    }

    async fn receiving_point_weeks(
        &self,
        agency: &AgencyCode,
    ) -> StoreResult<Vec<(String, String)>> {
        self.point_weeks(agency).await
    }

    async fn receiving_point_week(
        &self,
        agency: &AgencyCode,
        point: &str,
    ) -> StoreResult<Option<String>> {
        self.point_week(agency, point).await
    }

    async fn set_receiving_point_week(
        &self,
        agency: &AgencyCode,
        point: &str,
        week_json: Option<&str>,
    ) -> StoreResult<()> {
        self.set_point_week(agency, point, week_json).await
    }

    async fn calendar_notices(&self) -> StoreResult<Vec<(i32, String)>> {
        Ok(sqlx::query_as(SELECT_NOTICES)
            .fetch_all(&self.reader)
            .await?)
    }

    async fn put_calendar_notice(&self, year: i32, notice_json: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query(UPSERT_NOTICE)
            .bind(year)
            .bind(notice_json)
            .bind(Utc::now())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_calendar_notice(&self, year: i32) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let done = sqlx::query(DELETE_NOTICE)
            .bind(year)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    async fn import_procedures(&self, records: &[ProcedureRecord]) -> StoreResult<ImportCounts> {
        let mut tx = self.write().await?;
        let mut counts = ImportCounts::default();
        let now = Utc::now();
        for r in records {
            let state: Option<(i64, i32, String)> = sqlx::query_as(SELECT_PROCEDURE_STATE)
                .bind(&r.code)
                .fetch_optional(&mut *tx)
                .await?;
            let (id, version) = match state {
                Some((_, _, fingerprint)) if fingerprint == r.fingerprint => {
                    counts.unchanged += 1;
                    continue;
                }
                Some((id, current, _)) => {
                    counts.new_versions += 1;
                    sqlx::query(BUMP_PROCEDURE)
                        .bind(id)
                        .bind(current + 1)
                        .bind(&r.name)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    (id, current + 1)
                }
                None => {
                    counts.inserted += 1;
                    let id: i64 = sqlx::query_scalar(INSERT_PROCEDURE)
                        .bind(&r.code)
                        .bind(&r.name)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    (id, 1)
                }
            };
            sqlx::query(INSERT_PROCEDURE_VERSION)
                .bind(id)
                .bind(version)
                .bind(&r.fingerprint)
                .bind(&r.document)
                .bind(&r.raw)
                .bind(&r.source)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(counts)
    }

    async fn get_procedure(&self, code: &str) -> StoreResult<Option<StoredProcedure>> {
        self.get_procedure_hot(code).await
    }

    async fn get_procedure_version(
        &self,
        code: &str,
        version: i32,
    ) -> StoreResult<Option<StoredProcedure>> {
        Ok(sqlx::query_as(SELECT_PROCEDURE_VERSION)
            .bind(code)
            .bind(version)
            .fetch_optional(&self.reader)
            .await?)
    }

    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<StoredProcedure>> {
        Ok(sqlx::query_as(SELECT_PROCEDURE_VERSIONS)
            .bind(code)
            .fetch_all(&self.reader)
            .await?)
    }

    async fn current_procedures(&self) -> StoreResult<Vec<StoredProcedure>> {
        Ok(sqlx::query_as(SELECT_CURRENT_PROCEDURES)
            .fetch_all(&self.reader)
            .await?)
    }

    async fn catalog_stamp(&self) -> StoreResult<(i64, i64)> {
        Ok(sqlx::query_as(CATALOG_STAMP)
            .fetch_one(&self.reader)
            .await?)
    }
}
