//! The one implementation of [`DossierStore`](crate::DossierStore) for both backends, in the
//! manner of `accounts_sql.rs`: SQL text, row shapes, and [`impl_dossier_store!`] stamping the
//! method bodies out for a backend that provides `read_pool()` and `write()`. The statement
//! that locks a dossier row before appending to its log differs (PostgreSQL `FOR UPDATE`;
//! SQLite's single writer already serialises) and is passed in.

use chrono::{DateTime, FixedOffset, Utc};
use motcua_dossier::Dossier;
use motcua_dossier::chain::LogEntry;

use crate::StoreResult;
use crate::dossiers::*;
use crate::error::StoreError;
use crate::rows::decode_err;

/// A stored value that does not decode.
pub(crate) fn bad(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(decode_err(what, &e.to_string()))
}

macro_rules! dossier_select {
    ($tail:literal) => {
        concat!(
            "SELECT id, code, procedure_code, procedure_version, channel, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, receiving_point, form_values, state, tracking_secret_hash, created_at, updated_at FROM dossiers ",
            $tail
        )
    };
}

pub(crate) const SELECT_DOSSIER: &str = dossier_select!("WHERE id = $1");
pub(crate) const SELECT_DOSSIER_BY_CODE: &str = dossier_select!("WHERE code = $1");

/// The log entries `l` that tracking shows: all but the kinds of internal work (see
/// [`crate::TRACKING_HIDDEN_KINDS`]). Written as comparisons, not `NOT IN (…)`, for which
/// SQLite builds a temporary index on every execution.
macro_rules! tracking_shown {
    () => {
        "l.kind <> 'view' AND l.kind <> 'forward' AND l.kind <> 'send_back' AND l.kind <> 'assign' AND l.kind <> 'document'"
    };
}

/// The tracking read: what tracking shows of the dossier with this code and checks its
/// second factor against (not its form nor the applicant's name), its holding agency, the
/// look-up's recent failures and the milestones of its log (`$milestones`: a JSON array of
/// `[at, kind, to]`, oldest first, in each engine's own JSON functions) — one statement.
macro_rules! track_select {
    ($milestones:expr) => {
        concat!(
            "SELECT d.code, d.procedure_code, d.applicant_id_number, d.applicant_phone, d.state, d.tracking_secret_hash, a.code AS holding_agency_code, a.name AS holding_agency_name, (SELECT COUNT(*) FROM login_failures f WHERE f.key = $2 AND f.at >= $3) AS recent_failures, ",
            $milestones,
            " AS milestones FROM dossiers d JOIN agencies a ON a.id = d.holding_agency_id WHERE d.code = $1"
        )
    };
}

pub(crate) const TRACK_DOSSIER_SQLITE: &str = track_select!(concat!(
    "(SELECT json_group_array(json_array(l.at, l.kind, json_extract(l.detail, '$.to')) ORDER BY l.seq) FROM dossier_log l WHERE l.dossier_id = d.id AND ",
    tracking_shown!(),
    ")"
));

pub(crate) const TRACK_DOSSIER_PG: &str = track_select!(concat!(
    "(SELECT COALESCE(json_agg(json_build_array(l.at, l.kind, l.detail::json ->> 'to') ORDER BY l.seq), '[]')::text FROM dossier_log l WHERE l.dossier_id = d.id AND ",
    tracking_shown!(),
    ")"
));

pub(crate) const INSERT_DOSSIER: &str = "INSERT INTO dossiers (procedure_code, procedure_version, channel, owner_account_id, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, receiving_agency_id, receiving_point, holding_agency_id, assignee_id, status, received_at, due_at, late, state, form_values, tracking_secret_hash, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22) RETURNING id, code, procedure_code, procedure_version, channel, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, receiving_point, form_values, state, tracking_secret_hash, created_at, updated_at";

/// A change's UPDATE: `$1` id, `$2` expected version; the rest the new values.
macro_rules! update_dossier {
    ($set:literal, $where:literal) => {
        concat!(
            "UPDATE dossiers SET holding_agency_id = $3, assignee_id = $4, status = $5, received_at = $6, due_at = $7, late = $8, state = $9, version = $10, updated_at = $11, form_values = COALESCE($12, form_values)",
            $set,
            " WHERE id = $1 AND version = $2",
            $where,
            " RETURNING id, code, procedure_code, procedure_version, channel, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, receiving_point, form_values, state, tracking_secret_hash, created_at, updated_at"
        )
    };
}

/// A change; the row as stored comes back.
pub(crate) const UPDATE_DOSSIER: &str = update_dossier!("", "");
/// A reception's change with its code (`$13`), for a dossier that has none yet (a dossier is
/// received once). Only this one writes the column, so other changes leave its unique index
/// alone.
pub(crate) const UPDATE_DOSSIER_WITH_CODE: &str =
    update_dossier!(", code = $13", " AND code IS NULL");

pub(crate) const NEXT_SEQUENCE: &str = "INSERT INTO dossier_code_sequences (agency_id, day, last) VALUES ($1, $2, 1) ON CONFLICT (agency_id, day) DO UPDATE SET last = dossier_code_sequences.last + 1 RETURNING last";

pub(crate) const AGENCY_BY_CODE: &str = "SELECT id FROM agencies WHERE code = $1";

pub(crate) const ADD_DOSSIER_AGENCY: &str = "INSERT INTO dossier_agencies (dossier_id, agency_id) VALUES ($1, $2) ON CONFLICT (dossier_id, agency_id) DO NOTHING";

pub(crate) const LAST_LOG: &str = "SELECT seq, at, kind, actor_id, ip, detail, prev_hash, hash FROM dossier_log WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1";

pub(crate) const INSERT_LOG: &str = "INSERT INTO dossier_log (dossier_id, seq, at, kind, actor_id, ip, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub(crate) const SELECT_LOG_PAGE: &str = "SELECT seq, at, kind, actor_id, ip, detail, prev_hash, hash FROM dossier_log WHERE dossier_id = $1 ORDER BY seq LIMIT $2 OFFSET $3";

pub(crate) const COUNT_LOG: &str = "SELECT COUNT(*) FROM dossier_log WHERE dossier_id = $1";

pub(crate) const SELECT_CHAIN: &str = "SELECT seq, at, kind, actor_id, ip, detail, prev_hash, hash FROM dossier_log WHERE dossier_id = $1 ORDER BY seq";

pub(crate) const DOSSIER_IDS: &str = "SELECT id FROM dossiers WHERE id > $1 ORDER BY id LIMIT $2";

pub(crate) const LOCK_DOSSIER_SQLITE: &str = "SELECT id FROM dossiers WHERE id = $1";
pub(crate) const LOCK_DOSSIER_PG: &str = "SELECT id FROM dossiers WHERE id = $1 FOR UPDATE";

pub(crate) const FIND_IDEMPOTENT: &str =
    "SELECT dossier_id FROM idempotency_keys WHERE actor = $1 AND key = $2";
pub(crate) const INSERT_IDEMPOTENT: &str =
    "INSERT INTO idempotency_keys (actor, key, dossier_id, created_at) VALUES ($1, $2, $3, $4)";

pub(crate) const INSERT_DOCUMENT: &str = "INSERT INTO dossier_documents (dossier_id, role, name, file_name, content_type, size_bytes, sha256, added_by, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

pub(crate) const SELECT_DOCUMENTS: &str = "SELECT id, dossier_id, role, name, file_name, content_type, size_bytes, sha256, added_by, added_at FROM dossier_documents WHERE dossier_id = $1 ORDER BY id";

pub(crate) const INSERT_MESSAGE: &str = "INSERT INTO outbox (channel, recipient, subject, body, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5)";

#[derive(sqlx::FromRow)]
pub(crate) struct DossierRow {
    pub(crate) id: i64,
    pub(crate) code: Option<String>,
    procedure_code: String,
    procedure_version: i64,
    channel: String,
    applicant_name: String,
    applicant_id_number: Option<String>,
    applicant_phone: Option<String>,
    applicant_email: Option<String>,
    applicant_address: Option<String>,
    receiving_point: Option<String>,
    form_values: String,
    state: String,
    tracking_secret_hash: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

crate::sqlite::engine::engine_row!(DossierRow {
    id,
    code,
    procedure_code,
    procedure_version,
    channel,
    applicant_name,
    applicant_id_number,
    applicant_phone,
    applicant_email,
    applicant_address,
    receiving_point,
    form_values,
    state,
    tracking_secret_hash,
    created_at,
    updated_at,
});

impl TryFrom<DossierRow> for StoredDossier {
    type Error = StoreError;

    fn try_from(r: DossierRow) -> Result<Self, StoreError> {
        let state: Dossier =
            serde_json::from_str(&r.state).map_err(|e| bad("dossiers.state", e))?;
        Ok(StoredDossier {
            id: r.id,
            code: r.code,
            procedure_code: r.procedure_code,
            procedure_version: i32::try_from(r.procedure_version)
                .map_err(|e| bad("dossiers.procedure_version", e))?,
            channel: r.channel,
            applicant: Applicant {
                name: r.applicant_name,
                id_number: r.applicant_id_number,
                phone: r.applicant_phone,
                email: r.applicant_email,
                address: r.applicant_address,
            },
            receiving_point: r.receiving_point,
            form_values: serde_json::from_str(&r.form_values)
                .map_err(|e| bad("dossiers.form_values", e))?,
            state,
            tracking_secret_hash: r.tracking_secret_hash,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct TrackRow {
    code: Option<String>,
    procedure_code: String,
    applicant_id_number: Option<String>,
    applicant_phone: Option<String>,
    state: String,
    tracking_secret_hash: String,
    holding_agency_code: String,
    holding_agency_name: String,
    recent_failures: i64,
    milestones: Option<String>,
}

crate::sqlite::engine::engine_row!(TrackRow {
    code,
    procedure_code,
    applicant_id_number,
    applicant_phone,
    state,
    tracking_secret_hash,
    holding_agency_code,
    holding_agency_name,
    recent_failures,
    milestones,
});

/// The part of a dossier's state that tracking shows (the rest of the JSON is skipped).
#[derive(serde::Deserialize)]
struct TrackedState {
    status: motcua_dossier::Status,
    received_at: Option<DateTime<FixedOffset>>,
    due_at: Option<DateTime<FixedOffset>>,
}

impl TryFrom<TrackRow> for TrackedDossier {
    type Error = StoreError;

    fn try_from(r: TrackRow) -> Result<Self, StoreError> {
        let steps: Vec<(String, String, Option<String>)> =
            serde_json::from_str(r.milestones.as_deref().unwrap_or("[]"))
                .map_err(|e| bad("dossier_log.milestones", e))?;
        let milestones = steps
            .into_iter()
            .map(|(at, kind, to)| {
                Ok(TrackedMilestone {
                    at: parse_log_time(&at)?,
                    kind,
                    to,
                })
            })
            .collect::<StoreResult<_>>()?;
        let state: TrackedState =
            serde_json::from_str(&r.state).map_err(|e| bad("dossiers.state", e))?;
        Ok(TrackedDossier {
            code: r
                .code
                .ok_or_else(|| bad("dossiers.code", "a tracked dossier has no code"))?,
            procedure_code: r.procedure_code,
            status: state.status,
            received_at: state.received_at,
            due_at: state.due_at,
            applicant_phone: r.applicant_phone,
            applicant_id_number: r.applicant_id_number,
            tracking_secret_hash: r.tracking_secret_hash,
            holding_agency_code: r.holding_agency_code,
            holding_agency_name: r.holding_agency_name,
            recent_failures: r.recent_failures,
            milestones,
        })
    }
}

/// A log time as either engine writes it in JSON (RFC 3339, with `T` or a space).
fn parse_log_time(raw: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| bad("dossier_log.at", e))
}

#[derive(sqlx::FromRow)]
pub(crate) struct LogRow {
    seq: i64,
    at: DateTime<Utc>,
    kind: String,
    actor_id: Option<i64>,
    ip: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
}

crate::sqlite::engine::engine_row!(LogRow {
    seq,
    at,
    kind,
    actor_id,
    ip,
    detail,
    prev_hash,
    hash,
});

impl TryFrom<LogRow> for LogEntry {
    type Error = StoreError;

    fn try_from(r: LogRow) -> Result<Self, StoreError> {
        Ok(LogEntry {
            seq: r.seq,
            at: r.at,
            kind: r.kind,
            actor_id: r.actor_id,
            ip: r.ip,
            detail: serde_json::from_str(&r.detail).map_err(|e| bad("dossier_log.detail", e))?,
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct DocumentRow {
    id: i64,
    dossier_id: i64,
    role: String,
    name: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    added_by: Option<i64>,
    added_at: DateTime<Utc>,
}

impl From<DocumentRow> for DossierDocument {
    fn from(r: DocumentRow) -> Self {
        DossierDocument {
            id: r.id,
            dossier_id: r.dossier_id,
            role: r.role,
            name: r.name,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            added_by: r.added_by,
            added_at: r.added_at,
        }
    }
}

/// The state as stored, and the columns queries use.
pub(crate) fn state_json(state: &Dossier) -> Result<String, StoreError> {
    serde_json::to_string(state).map_err(|e| bad("dossiers.state", e))
}

pub(crate) fn utc(t: Option<chrono::DateTime<chrono::FixedOffset>>) -> Option<DateTime<Utc>> {
    t.map(|t| t.with_timezone(&Utc))
}

/// [`OPEN_STATUSES`] as SQL, word for word the predicate of the partial index
/// `dossiers_open_queue` (migration 0009).
pub(crate) const OPEN_PREDICATE: &str =
    "status IN ('submitted', 'received', 'processing', 'supplement_requested', 'awaiting_fees')";

/// The predicate of the partial index `dossiers_to_receive` (migration 0010).
pub(crate) const TO_RECEIVE_PREDICATE: &str = "status = 'submitted'";

/// Submitted dossiers only: the reception queue.
pub(crate) fn is_reception_queue(f: &DossierFilter) -> bool {
    f.statuses.as_deref().is_some_and(|s| s == ["submitted"])
}

/// A value bound into the SQL of a dossier list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ListValue {
    Int(i64),
    Text(String),
    Time(::chrono::DateTime<::chrono::Utc>),
}

/// A piece of the SQL of a dossier list: text, or a value bound at that place. One builder
/// ([`list_where`], [`list_order`]) for both ways of running it: sqlx's `QueryBuilder`
/// (PostgreSQL) and the SQLite engine's positional `?`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ListSql {
    Text(&'static str),
    Bind(ListValue),
}

/// What follows `FROM dossiers` in a list and its count: the filter's conditions.
pub(crate) fn list_where(f: &DossierFilter) -> Vec<ListSql> {
    use ListSql::{Bind, Text};
    use ListValue::{Int, Time};
    let mut sql = vec![Text(" WHERE 1 = 1")];
    fn list(sql: &mut Vec<ListSql>, values: impl IntoIterator<Item = ListValue>) {
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                sql.push(ListSql::Text(", "));
            }
            sql.push(ListSql::Bind(v));
        }
    }
    // One agency (the usual queue) as `=`, so that the open-queue index gives the rows in
    // due order.
    match f.holding_agency_ids.as_deref() {
        None => {}
        Some([]) => sql.push(Text(" AND 1 = 0")),
        Some([id]) => sql.extend([Text(" AND holding_agency_id = "), Bind(Int(*id))]),
        Some(ids) => {
            sql.push(Text(" AND holding_agency_id IN ("));
            list(&mut sql, ids.iter().map(|id| Int(*id)));
            sql.push(Text(")"));
        }
    }
    if let Some(ids) = &f.agency_ids {
        sql.push(Text(
            " AND id IN (SELECT dossier_id FROM dossier_agencies WHERE agency_id IN (",
        ));
        // A value that matches nothing, so that an empty list is still valid SQL.
        let values = std::iter::once(-1).chain(ids.iter().copied()).map(Int);
        list(&mut sql, values);
        sql.push(Text("))"));
    }
    if let Some(owner) = f.owner_account_id {
        sql.extend([Text(" AND owner_account_id = "), Bind(Int(owner))]);
    }
    if let Some(a) = f.assignee_id {
        sql.extend([Text(" AND assignee_id = "), Bind(Int(a))]);
    }
    if let Some(st) = &f.statuses {
        if is_reception_queue(f) {
            sql.extend([Text(" AND "), Text(TO_RECEIVE_PREDICATE)]);
        }
        if st.iter().all(|s| OPEN_STATUSES.contains(&s.as_str())) {
            // The partial index's own predicate, word for word: both engines use a partial
            // index only when the query states it.
            sql.extend([Text(" AND "), Text(OPEN_PREDICATE)]);
        }
        sql.push(Text(" AND status IN ("));
        let values = std::iter::once("-".to_owned()).chain(st.iter().cloned());
        list(&mut sql, values.map(ListValue::Text));
        sql.push(Text(")"));
    }
    if let Some(due) = f.due_before {
        sql.extend([Text(" AND due_at <= "), Bind(Time(due))]);
    }
    if f.transferred_only {
        sql.push(Text(" AND receiving_agency_id <> holding_agency_id"));
    }
    sql
}

/// The order and the page of a list, after [`list_where`]: the reception queue first come,
/// first served (nothing in it has a due date yet); the others soonest due first, undated
/// last.
pub(crate) fn list_order(f: &DossierFilter) -> [ListSql; 4] {
    use ListSql::{Bind, Text};
    let per_page = i64::from(f.page.per_page);
    [
        Text(if is_reception_queue(f) {
            " ORDER BY id LIMIT "
        } else {
            " ORDER BY due_at NULLS LAST, id LIMIT "
        }),
        Bind(ListValue::Int(per_page)),
        Text(" OFFSET "),
        Bind(ListValue::Int(per_page * (i64::from(f.page.page) - 1))),
    ]
}

/// The head of a dossier list, before [`list_where`].
pub(crate) const LIST_HEAD: &str = dossier_select!("");

/// The head of a dossier count.
pub(crate) const COUNT_HEAD: &str = "SELECT COUNT(*) FROM dossiers";

/// Every agency a dossier belongs to: receiving, holding, held before.
pub(crate) fn agencies_of(state: &::motcua_dossier::Dossier) -> Vec<i64> {
    let mut ids = vec![state.receiving_agency_id, state.holding_agency_id];
    ids.extend(state.transferred_agency_ids.iter().copied());
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Implements [`DossierStore`](crate::DossierStore) for `$store` on `$db`.
macro_rules! impl_dossier_store {
    ($store:ty, $db:ty, lock_dossier = $lock:expr $(,)?) => {
        const _: () = {
            use ::motcua_dossier::chain::LogEntry;
            use ::sqlx::Transaction;
            use $crate::dossiers::*;
            use $crate::dossiers_sql::*;
            use $crate::{Page, PageRequest, StoreError, StoreResult};

            impl $store {
                /// Chains `entry` after the dossier's last one (the caller holds the row).
                async fn append_log_in(
                    tx: &mut Transaction<'static, $db>,
                    id: i64,
                    entry: NewLogEntry,
                ) -> StoreResult<LogEntry> {
                    let last: Option<LogRow> = ::sqlx::query_as(LAST_LOG)
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    let last: Option<LogEntry> = last.map(TryInto::try_into).transpose()?;
                    let e = LogEntry::next(
                        last.as_ref(),
                        entry.at,
                        &entry.kind,
                        entry.actor_id,
                        entry.ip,
                        entry.detail,
                    );
                    Self::insert_log_in(tx, id, &e).await?;
                    Ok(e)
                }

                async fn insert_log_in(
                    tx: &mut Transaction<'static, $db>,
                    id: i64,
                    e: &LogEntry,
                ) -> StoreResult<()> {
                    ::sqlx::query(INSERT_LOG)
                        .bind(id)
                        .bind(e.seq)
                        .bind(e.at)
                        .bind(&e.kind)
                        .bind(e.actor_id)
                        .bind(&e.ip)
                        .bind(e.detail.to_string())
                        .bind(&e.prev_hash)
                        .bind(&e.hash)
                        .execute(&mut **tx)
                        .await?;
                    Ok(())
                }
            }

            #[::async_trait::async_trait]
            impl $crate::DossierStore for $store {
                async fn create_dossier(
                    &self,
                    d: &NewDossier,
                    log: NewLogEntry,
                ) -> StoreResult<StoredDossier> {
                    self.create_dossier_hot(d, log).await
                }

                async fn get_dossier(&self, id: i64) -> StoreResult<Option<StoredDossier>> {
                    self.get_dossier_hot(id).await
                }

                async fn find_dossier_by_code(
                    &self,
                    code: &str,
                ) -> StoreResult<Option<StoredDossier>> {
                    self.find_dossier_by_code_hot(code).await
                }

                async fn change_dossier(
                    &self,
                    id: i64,
                    change: DossierChange,
                ) -> StoreResult<StoredDossier> {
                    self.change_dossier_hot(id, change).await
                }

                async fn append_dossier_log(
                    &self,
                    id: i64,
                    entry: NewLogEntry,
                ) -> StoreResult<LogEntry> {
                    let mut tx = self.write().await?;
                    let found: Option<i64> = ::sqlx::query_scalar($lock)
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if found.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    let e = Self::append_log_in(&mut tx, id, entry).await?;
                    tx.commit().await?;
                    Ok(e)
                }

                async fn dossier_log(
                    &self,
                    id: i64,
                    page: PageRequest,
                ) -> StoreResult<Page<LogEntry>> {
                    let total: i64 = ::sqlx::query_scalar(COUNT_LOG)
                        .bind(id)
                        .fetch_one(self.read_pool())
                        .await?;
                    let rows: Vec<LogRow> = ::sqlx::query_as(SELECT_LOG_PAGE)
                        .bind(id)
                        .bind(i64::from(page.per_page))
                        .bind(i64::from(page.per_page) * (i64::from(page.page) - 1))
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(Page {
                        items: rows
                            .into_iter()
                            .map(TryInto::try_into)
                            .collect::<StoreResult<_>>()?,
                        total,
                        page: page.page,
                        per_page: page.per_page,
                    })
                }

                async fn dossier_chain(&self, id: i64) -> StoreResult<Vec<LogEntry>> {
                    let rows: Vec<LogRow> = ::sqlx::query_as(SELECT_CHAIN)
                        .bind(id)
                        .fetch_all(self.read_pool())
                        .await?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                async fn track_dossier(
                    &self,
                    code: &str,
                    failure_key: &str,
                    since: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<Option<TrackedDossier>> {
                    self.track_dossier_hot(code, failure_key, since).await
                }

                async fn dossier_ids(&self, after: i64, limit: u32) -> StoreResult<Vec<i64>> {
                    Ok(::sqlx::query_scalar(DOSSIER_IDS)
                        .bind(after)
                        .bind(i64::from(limit))
                        .fetch_all(self.read_pool())
                        .await?)
                }

                async fn list_dossiers(
                    &self,
                    f: &DossierFilter,
                ) -> StoreResult<Page<StoredDossier>> {
                    let filter = list_where(f);
                    let kept = $crate::queue_counts::QueueCounts::key(f);
                    let cached = kept
                        .as_ref()
                        .and_then(|(key, agencies)| self.queue_counts.get(key, agencies));
                    let total: i64 = match cached {
                        Some(total) => total,
                        None => {
                            let seen = kept
                                .as_ref()
                                .map(|(_, agencies)| self.queue_counts.seen(agencies));
                            let total = self.count_dossiers_hot(&filter).await?;
                            if let (Some((key, _)), Some(seen)) = (kept, seen) {
                                self.queue_counts.put(key, seen, total);
                            }
                            total
                        }
                    };
                    let mut sql = filter;
                    sql.extend(list_order(f));
                    Ok(Page {
                        items: self.select_dossiers_hot(&sql).await?,
                        total,
                        page: f.page.page,
                        per_page: f.page.per_page,
                    })
                }

                async fn add_document(
                    &self,
                    dossier_id: i64,
                    doc: &NewDocument,
                    entry: NewLogEntry,
                ) -> StoreResult<DossierDocument> {
                    let mut tx = self.write().await?;
                    let found: Option<i64> = ::sqlx::query_scalar($lock)
                        .bind(dossier_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if found.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    let now = $crate::accounts_sql::now();
                    let id: i64 = ::sqlx::query_scalar(INSERT_DOCUMENT)
                        .bind(dossier_id)
                        .bind(&doc.role)
                        .bind(&doc.name)
                        .bind(&doc.file_name)
                        .bind(&doc.content_type)
                        .bind(doc.size_bytes)
                        .bind(&doc.sha256)
                        .bind(doc.added_by)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    Self::append_log_in(&mut tx, dossier_id, entry).await?;
                    tx.commit().await?;
                    Ok(DossierDocument {
                        id,
                        dossier_id,
                        role: doc.role.clone(),
                        name: doc.name.clone(),
                        file_name: doc.file_name.clone(),
                        content_type: doc.content_type.clone(),
                        size_bytes: doc.size_bytes,
                        sha256: doc.sha256.clone(),
                        added_by: doc.added_by,
                        added_at: now,
                    })
                }

                async fn documents(&self, dossier_id: i64) -> StoreResult<Vec<DossierDocument>> {
                    let rows: Vec<DocumentRow> = ::sqlx::query_as(SELECT_DOCUMENTS)
                        .bind(dossier_id)
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }
            }
        };
    };
}

pub(crate) use impl_dossier_store;

/// The dossier reads and writes that the SQLite backend runs on its engine
/// (`sqlite::engine`) instead: their sqlx bodies, for PostgreSQL.
macro_rules! impl_dossier_hot_sqlx {
    ($store:ty, $db:ty, track = $track:expr $(,)?) => {
        const _: () = {
            use ::motcua_dossier::chain::LogEntry;
            use $crate::dossiers::*;
            use $crate::dossiers_sql::*;
            use $crate::{StoreError, StoreResult};

            const TRACK: &str = $track;

            impl $store {
                async fn dossier_in(
                    tx: &mut ::sqlx::Transaction<'static, $db>,
                    id: i64,
                ) -> StoreResult<StoredDossier> {
                    let row: DossierRow = ::sqlx::query_as(SELECT_DOSSIER)
                        .bind(id)
                        .fetch_one(&mut **tx)
                        .await?;
                    row.try_into()
                }

                async fn note_agencies(
                    tx: &mut ::sqlx::Transaction<'static, $db>,
                    id: i64,
                    state: &::motcua_dossier::Dossier,
                ) -> StoreResult<()> {
                    for agency in agencies_of(state) {
                        ::sqlx::query(ADD_DOSSIER_AGENCY)
                            .bind(id)
                            .bind(agency)
                            .execute(&mut **tx)
                            .await?;
                    }
                    Ok(())
                }
                pub(crate) async fn create_dossier_hot(
                    &self,
                    d: &NewDossier,
                    log: NewLogEntry,
                ) -> StoreResult<StoredDossier> {
                    let mut tx = self.write().await?;
                    if let Some((actor, key)) = &d.idempotency {
                        let seen: Option<i64> = ::sqlx::query_scalar(FIND_IDEMPOTENT)
                            .bind(actor)
                            .bind(key)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if let Some(id) = seen {
                            return Self::dossier_in(&mut tx, id).await;
                        }
                    }
                    let now = $crate::accounts_sql::now();
                    let s = &d.state;
                    // The row as stored comes back from the INSERT itself.
                    let row: DossierRow = ::sqlx::query_as(INSERT_DOSSIER)
                        .bind(&d.procedure_code)
                        .bind(i64::from(d.procedure_version))
                        .bind(&d.channel)
                        .bind(s.owner_account_id)
                        .bind(&d.applicant.name)
                        .bind(&d.applicant.id_number)
                        .bind(&d.applicant.phone)
                        .bind(&d.applicant.email)
                        .bind(&d.applicant.address)
                        .bind(s.receiving_agency_id)
                        .bind(&d.receiving_point)
                        .bind(s.holding_agency_id)
                        .bind(s.assignee_id)
                        .bind(s.status.as_str())
                        .bind(utc(s.received_at))
                        .bind(utc(s.due_at))
                        .bind(s.late)
                        .bind(state_json(s)?)
                        .bind(d.form_values.to_string())
                        .bind(&d.tracking_secret_hash)
                        .bind(s.version)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    let id = row.id;
                    if let Some((actor, key)) = &d.idempotency {
                        ::sqlx::query(INSERT_IDEMPOTENT)
                            .bind(actor)
                            .bind(key)
                            .bind(id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Self::note_agencies(&mut tx, id, s).await?;
                    // The first entry of a new dossier's chain: nothing to read before it.
                    let first =
                        LogEntry::next(None, log.at, &log.kind, log.actor_id, log.ip, log.detail);
                    Self::insert_log_in(&mut tx, id, &first).await?;
                    let stored: StoredDossier = row.try_into()?;
                    tx.commit().await?;
                    self.queue_counts.bump(agencies_of(s));
                    Ok(stored)
                }

                pub(crate) async fn get_dossier_hot(
                    &self,
                    id: i64,
                ) -> StoreResult<Option<StoredDossier>> {
                    let row: Option<DossierRow> = ::sqlx::query_as(SELECT_DOSSIER)
                        .bind(id)
                        .fetch_optional(self.read_pool())
                        .await?;
                    row.map(TryInto::try_into).transpose()
                }

                pub(crate) async fn find_dossier_by_code_hot(
                    &self,
                    code: &str,
                ) -> StoreResult<Option<StoredDossier>> {
                    let row: Option<DossierRow> = ::sqlx::query_as(SELECT_DOSSIER_BY_CODE)
                        .bind(code)
                        .fetch_optional(self.read_pool())
                        .await?;
                    row.map(TryInto::try_into).transpose()
                }

                pub(crate) async fn change_dossier_hot(
                    &self,
                    id: i64,
                    change: DossierChange,
                ) -> StoreResult<StoredDossier> {
                    let mut tx = self.write().await?;
                    let now = $crate::accounts_sql::now();
                    let s = &change.state;
                    // The reception's code first (its sequence row is locked until the
                    // commit; a refused change below rolls the number back with it).
                    let code = match &change.allocate_code {
                        Some((agency_code, day)) => {
                            let agency_id: i64 = ::sqlx::query_scalar(AGENCY_BY_CODE)
                                .bind(agency_code)
                                .fetch_one(&mut *tx)
                                .await?;
                            let key = ::motcua_dossier::DossierCode::day_key(*day);
                            let seq: i64 = ::sqlx::query_scalar(NEXT_SEQUENCE)
                                .bind(agency_id)
                                .bind(&key)
                                .fetch_one(&mut *tx)
                                .await?;
                            let code = ::motcua_dossier::DossierCode::on(
                                agency_code.parse().map_err(|_| StoreError::NotFound)?,
                                *day,
                                u32::try_from(seq).unwrap_or(u32::MAX),
                            )
                            .map_err(|e| bad("dossiers.code", e))?;
                            Some(code.to_string())
                        }
                        None => None,
                    };
                    let update = if code.is_some() {
                        UPDATE_DOSSIER_WITH_CODE
                    } else {
                        UPDATE_DOSSIER
                    };
                    let row = ::sqlx::query_as(update)
                        .bind(id)
                        .bind(change.expected_version)
                        .bind(s.holding_agency_id)
                        .bind(s.assignee_id)
                        .bind(s.status.as_str())
                        .bind(utc(s.received_at))
                        .bind(utc(s.due_at))
                        .bind(s.late)
                        .bind(state_json(s)?)
                        .bind(s.version)
                        .bind(now)
                        .bind(change.form_values.as_ref().map(|v| v.to_string()));
                    let row: Option<DossierRow> = match &code {
                        Some(code) => row.bind(code),
                        None => row,
                    }
                    .fetch_optional(&mut *tx)
                    .await?;
                    // Nothing changed: a stale version, or (reception) a code already given.
                    let Some(row) = row else {
                        let exists: Option<i64> = ::sqlx::query_scalar(LOCK_DOSSIER_SQLITE)
                            .bind(id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        return Err(if exists.is_some() {
                            StoreError::Stale
                        } else {
                            StoreError::NotFound
                        });
                    };
                    if s.status == ::motcua_dossier::Status::Returned {
                        // The applicant's document store keeps issued results (SPEC §10).
                        ::sqlx::query($crate::documents_sql::KEEP_RESULTS)
                            .bind(id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    Self::note_agencies(&mut tx, id, s).await?;
                    Self::append_log_in(&mut tx, id, change.log).await?;
                    for m in &change.messages {
                        ::sqlx::query(INSERT_MESSAGE)
                            .bind(&m.channel)
                            .bind(&m.recipient)
                            .bind(&m.subject)
                            .bind(&m.body)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    let stored: StoredDossier = row.try_into()?;
                    tx.commit().await?;
                    self.queue_counts.bump(agencies_of(s));
                    Ok(stored)
                }

                pub(crate) async fn count_dossiers_hot(
                    &self,
                    filter: &[ListSql],
                ) -> StoreResult<i64> {
                    Ok(Self::list_query(COUNT_HEAD, filter)
                        .build_query_scalar()
                        .fetch_one(self.read_pool())
                        .await?)
                }

                pub(crate) async fn select_dossiers_hot(
                    &self,
                    sql: &[ListSql],
                ) -> StoreResult<Vec<StoredDossier>> {
                    let rows: Vec<DossierRow> = Self::list_query(LIST_HEAD, sql)
                        .build_query_as()
                        .fetch_all(self.read_pool())
                        .await?;
                    rows.into_iter().map(TryInto::try_into).collect()
                }

                fn list_query(head: &str, sql: &[ListSql]) -> ::sqlx::QueryBuilder<$db> {
                    let mut qb = ::sqlx::QueryBuilder::new(head);
                    for part in sql {
                        match part {
                            ListSql::Text(text) => {
                                qb.push(text);
                            }
                            ListSql::Bind(ListValue::Int(v)) => {
                                qb.push_bind(*v);
                            }
                            ListSql::Bind(ListValue::Text(v)) => {
                                qb.push_bind(v.clone());
                            }
                            ListSql::Bind(ListValue::Time(v)) => {
                                qb.push_bind(*v);
                            }
                        }
                    }
                    qb
                }

                pub(crate) async fn track_dossier_hot(
                    &self,
                    code: &str,
                    failure_key: &str,
                    since: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<Option<TrackedDossier>> {
                    let row: Option<TrackRow> = ::sqlx::query_as(TRACK)
                        .bind(code)
                        .bind(failure_key)
                        .bind(since)
                        .fetch_optional(self.read_pool())
                        .await?;
                    row.map(TryInto::try_into).transpose()
                }
            }
        };
    };
}

pub(crate) use impl_dossier_hot_sqlx;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_lists_match_their_rust_constants_and_the_index_predicates() {
        let listed = crate::OPEN_STATUSES
            .iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ");
        assert_eq!(OPEN_PREDICATE, format!("status IN ({listed})"));
        for migration in [
            include_str!("../migrations/sqlite/0009_open_queue_index.sql"),
            include_str!("../migrations/postgres/0009_open_queue_index.sql"),
        ] {
            assert!(migration.contains(&format!("WHERE {OPEN_PREDICATE};")));
        }
        let shown = crate::TRACKING_HIDDEN_KINDS
            .iter()
            .map(|s| format!("l.kind <> '{s}'"))
            .collect::<Vec<_>>()
            .join(" AND ");
        assert_eq!(tracking_shown!(), shown);
        for migration in [
            include_str!("../migrations/sqlite/0010_reception_and_transfer_queues.sql"),
            include_str!("../migrations/postgres/0010_reception_and_transfer_queues.sql"),
        ] {
            assert!(migration.contains(&format!("WHERE {TO_RECEIVE_PREDICATE};")));
            assert!(migration.contains(&format!(
                "WHERE {OPEN_PREDICATE} AND receiving_agency_id <> holding_agency_id;"
            )));
        }
    }
}
