//! PostgreSQL backend: for scale and for several `motcua` instances sharing one database.
//!
//! Migrations are not run on start (several instances may start at once): `motcua migrate`
//! applies them, and `/readyz` reports pending ones.

use async_trait::async_trait;
use chrono::Utc;
use motcua_domain::agency::{Agency, AgencyCode, AgencyLink, NewAgency, ReceivingPoint};
use motcua_domain::unit::AdminUnit;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Postgres, Transaction};

use crate::error::on_unique;
use crate::rows::{AgencyRow, LinkRow, PointRow, UnitRow, convert_all};
use crate::sql::*;
use crate::types::*;
use crate::{Store, StoreError, StoreResult};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

crate::dossiers_sql::impl_dossier_store!(
    PgStore,
    Postgres,
    lock_dossier = crate::dossiers_sql::LOCK_DOSSIER_PG,
);

crate::dossiers_sql::impl_dossier_hot_sqlx!(
    PgStore,
    Postgres,
    track = crate::dossiers_sql::TRACK_DOSSIER_PG,
);

crate::bulk_sql::impl_bulk_store!(
    PgStore,
    Postgres,
    begin = crate::bulk_sql::BEGIN_PG,
    finish = crate::bulk_sql::FINISH_PG,
    finish_outside = crate::bulk_sql::FINISH_PG_OUTSIDE,
);

crate::documents_sql::impl_document_store!(
    PgStore,
    lock_dossier = crate::dossiers_sql::LOCK_DOSSIER_PG,
);

crate::accounts_sql::impl_account_store!(
    PgStore,
    Postgres,
    select_recovery = crate::accounts_sql::SELECT_RECOVERY_PG,
    claim_messages = crate::accounts_sql::CLAIM_MESSAGES_PG,
);

crate::accounts_sql::impl_account_hot_sqlx!(PgStore);

/// How long start-up waits for PostgreSQL to answer before saying it cannot be reached.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

crate::point_weeks_sql::impl_point_week_store!(PgStore);

crate::local_settings_sql::impl_local_settings_store!(PgStore, Postgres);

crate::local_settings_sql::impl_local_settings_hot_sqlx!(PgStore);

pub struct PgStore {
    pool: PgPool,
    max: u32,
    queue_counts: crate::queue_counts::QueueCounts,
}

impl PgStore {
    pub async fn connect(url: &str, options: &OpenOptions) -> StoreResult<Self> {
        let mut connect: PgConnectOptions = url.parse().map_err(|e| {
            StoreError::Config(format!(
                "invalid database URL {}: {e}",
                crate::redact_url(url)
            ))
        })?;
        connect = connect.application_name("motcua");
        if let Some(schema) = &options.pg_schema {
            connect = connect.options([("search_path", schema.as_str())]);
        }
        // One direct connection first: the pool would retry a refused connection until its
        // acquire timeout and then report only "pool timed out", hiding the cause.
        let probe =
            tokio::time::timeout(CONNECT_TIMEOUT, sqlx::ConnectOptions::connect(&connect)).await;
        let fail = |why: String| {
            StoreError::Config(format!(
                "cannot connect to PostgreSQL at {}: {why}",
                crate::redact_url(url)
            ))
        };
        match probe {
            Err(_) => {
                return Err(fail(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
            Ok(Err(e)) => return Err(fail(e.to_string())),
            Ok(Ok(conn)) => {
                let _ = sqlx::Connection::close(conn).await;
            }
        }
        let max = options.max_connections.max(2);
        let pool = PgPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(options.busy_timeout)
            .connect_lazy_with(connect);
        Ok(Self {
            pool,
            max,
            queue_counts: Default::default(),
        })
    }

    /// The pool, for tests and tools that need raw access.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// The pool, for statements that must run outside a transaction.
    fn write_pool(&self) -> &PgPool {
        &self.pool
    }

    fn read_pool(&self) -> &PgPool {
        &self.pool
    }

    async fn agency_in(tx: &mut Transaction<'static, Postgres>, code: &str) -> StoreResult<Agency> {
        let row: AgencyRow = sqlx::query_as(SELECT_AGENCY_BY_CODE)
            .bind(code)
            .fetch_one(&mut **tx)
            .await?;
        Ok(row.try_into()?)
    }

    /// Resolves the parent and checks the unit inside the write transaction.
    async fn references(
        tx: &mut Transaction<'static, Postgres>,
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
            .fetch_optional(&self.pool)
            .await?;
        id.ok_or_else(|| StoreError::unknown(field, "cơ quan", "agency"))
    }
}

#[async_trait]
impl Store for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn migrate(&self) -> StoreResult<usize> {
        let before = self.pending_migrations().await?.len();
        MIGRATOR.run(&self.pool).await?;
        Ok(before)
    }

    async fn pending_migrations(&self) -> StoreResult<Vec<i64>> {
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
        )
        .fetch_optional(&self.pool)
        .await?;
        let applied: Vec<i64> = if exists.is_some() {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
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
        vec![PoolStats {
            pool: "main",
            size: self.pool.size(),
            idle: self.pool.num_idle() as u32,
            max: self.max,
        }]
    }

    async fn maintain(&self) -> StoreResult<()> {
        // Autovacuum keeps statistics current; only expired authentication rows to forget.
        self.purge_expired_auth().await
    }

    async fn close(&self) {
        self.pool.close().await;
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
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(TryInto::try_into).transpose()?)
    }

    async fn list_units(&self, filter: &UnitFilter) -> StoreResult<Page<AdminUnit>> {
        let total: i64 = units_query::<Postgres>(filter, true)
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<UnitRow> = units_query::<Postgres>(filter, false)
            .build_query_as()
            .fetch_all(&self.pool)
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
        let row: Option<AgencyRow> = sqlx::query_as(SELECT_AGENCY_BY_CODE)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(TryInto::try_into).transpose()?)
    }

    async fn get_agency_by_id(&self, id: i64) -> StoreResult<Option<Agency>> {
        let row: Option<AgencyRow> = sqlx::query_as(SELECT_AGENCY_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(TryInto::try_into).transpose()?)
    }

    async fn list_agencies(&self, filter: &AgencyFilter) -> StoreResult<Page<Agency>> {
        let total: i64 = agencies_query::<Postgres>(filter, true)
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await?;
        let rows: Vec<AgencyRow> = agencies_query::<Postgres>(filter, false)
            .build_query_as()
            .fetch_all(&self.pool)
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
            .fetch_all(&self.pool)
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
            .fetch_all(&self.pool)
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
                .fetch_optional(&self.pool)
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
            .fetch_all(&self.pool)
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
        Ok(sqlx::query_as(SELECT_NOTICES).fetch_all(&self.pool).await?)
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
        Ok(sqlx::query_as(SELECT_CURRENT_PROCEDURE)
            .bind(code)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn get_procedure_version(
        &self,
        code: &str,
        version: i32,
    ) -> StoreResult<Option<StoredProcedure>> {
        Ok(sqlx::query_as(SELECT_PROCEDURE_VERSION)
            .bind(code)
            .bind(version)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn procedure_versions(&self, code: &str) -> StoreResult<Vec<StoredProcedure>> {
        Ok(sqlx::query_as(SELECT_PROCEDURE_VERSIONS)
            .bind(code)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn current_procedures(&self) -> StoreResult<Vec<StoredProcedure>> {
        Ok(sqlx::query_as(SELECT_CURRENT_PROCEDURES)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn catalog_stamp(&self) -> StoreResult<(i64, i64)> {
        Ok(sqlx::query_as(CATALOG_STAMP).fetch_one(&self.pool).await?)
    }
}
