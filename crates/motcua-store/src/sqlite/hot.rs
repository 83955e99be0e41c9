//! The SQLite bodies of the hot dossier methods, on the engine (`engine.rs`): the same SQL
//! and row shapes as their sqlx bodies for PostgreSQL (`impl_dossier_hot_sqlx!`), each read
//! or write in one go.

use chrono::{DateTime, Utc};
use motcua_dossier::chain::LogEntry;
use rusqlite::Connection;

use super::SqliteStore;
use super::engine::{execute, query_all, query_one, query_opt, time, time_opt};
use crate::accounts::*;
use crate::accounts_sql::{
    AccountRow, RoleRow, SELECT_ACCOUNT, SELECT_ROLES, SELECT_SESSION, SessionRow,
};
use crate::dossiers::*;
use crate::dossiers_sql::*;
use crate::local_settings::StoredLocalSettings;
use crate::local_settings_sql::{SELECT_ONE as SELECT_LOCAL_SETTINGS, SettingsRow};
use crate::rows::AgencyRow;
use crate::sql::{SELECT_AGENCY_BY_CODE, SELECT_AGENCY_BY_ID, SELECT_CURRENT_PROCEDURE};
use crate::types::StoredProcedure;
use crate::{StoreError, StoreResult};
use motcua_domain::agency::{Agency, AgencyCode};

super::engine::engine_row!(StoredProcedure {
    code,
    version,
    fingerprint,
    document,
    raw,
    source,
    created_at,
});

fn dossier(row: &rusqlite::Row<'_>) -> StoreResult<StoredDossier> {
    DossierRow::from_engine(row)?.try_into()
}

/// A dossier list's SQL with SQLite's positional `?` and the values they stand for.
fn positional(head: &str, parts: &[ListSql]) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut sql = head.to_owned();
    let mut values = Vec::new();
    for part in parts {
        match part {
            ListSql::Text(text) => sql.push_str(text),
            ListSql::Bind(value) => {
                sql.push('?');
                values.push(match value {
                    ListValue::Int(v) => Value::Integer(*v),
                    ListValue::Text(v) => Value::Text(v.clone()),
                    ListValue::Time(v) => Value::Text(time(*v)),
                });
            }
        }
    }
    (sql, values)
}

fn params(values: &[rusqlite::types::Value]) -> Vec<&dyn rusqlite::ToSql> {
    values.iter().map(|v| v as &dyn rusqlite::ToSql).collect()
}

fn dossier_by_id(c: &Connection, id: i64) -> StoreResult<StoredDossier> {
    query_one(c, SELECT_DOSSIER, &[&id], dossier)
}

fn insert_log(c: &Connection, id: i64, e: &LogEntry) -> StoreResult<()> {
    execute(
        c,
        INSERT_LOG,
        &[
            &id,
            &e.seq,
            &time(e.at),
            &e.kind,
            &e.actor_id,
            &e.ip,
            &e.detail.to_string(),
            &e.prev_hash,
            &e.hash,
        ],
    )?;
    Ok(())
}

/// Chains `entry` after the dossier's last one (the writer thread serialises writers).
fn append_log(c: &Connection, id: i64, entry: NewLogEntry) -> StoreResult<LogEntry> {
    let last: Option<LogEntry> =
        query_opt(c, LAST_LOG, &[&id], |r| LogRow::from_engine(r)?.try_into())?;
    let e = LogEntry::next(
        last.as_ref(),
        entry.at,
        &entry.kind,
        entry.actor_id,
        entry.ip,
        entry.detail,
    );
    insert_log(c, id, &e)?;
    Ok(e)
}

fn note_agencies(c: &Connection, id: i64, state: &motcua_dossier::Dossier) -> StoreResult<()> {
    for agency in agencies_of(state) {
        execute(c, ADD_DOSSIER_AGENCY, &[&id, &agency])?;
    }
    Ok(())
}

fn create(c: &Connection, d: &NewDossier, log: NewLogEntry) -> StoreResult<StoredDossier> {
    if let Some((actor, key)) = &d.idempotency {
        let seen = query_opt(c, FIND_IDEMPOTENT, &[actor, key], |r| {
            Ok(r.get::<_, i64>(0)?)
        })?;
        if let Some(id) = seen {
            return dossier_by_id(c, id);
        }
    }
    let now = time(crate::accounts_sql::now());
    let s = &d.state;
    let row = query_one(
        c,
        INSERT_DOSSIER,
        &[
            &d.procedure_code,
            &i64::from(d.procedure_version),
            &d.channel,
            &s.owner_account_id,
            &d.applicant.name,
            &d.applicant.id_number,
            &d.applicant.phone,
            &d.applicant.email,
            &d.applicant.address,
            &s.receiving_agency_id,
            &d.receiving_point,
            &s.holding_agency_id,
            &s.assignee_id,
            &s.status.as_str(),
            &time_opt(utc(s.received_at)),
            &time_opt(utc(s.due_at)),
            &s.late,
            &state_json(s)?,
            &d.form_values.to_string(),
            &d.tracking_secret_hash,
            &s.version,
            &now,
        ],
        dossier,
    )?;
    let id = row.id;
    if let Some((actor, key)) = &d.idempotency {
        execute(c, INSERT_IDEMPOTENT, &[actor, key, &id, &now])?;
    }
    note_agencies(c, id, s)?;
    // The first entry of a new dossier's chain: nothing to read before it.
    let first = LogEntry::next(None, log.at, &log.kind, log.actor_id, log.ip, log.detail);
    insert_log(c, id, &first)?;
    Ok(row)
}

fn change(c: &Connection, id: i64, change: DossierChange) -> StoreResult<StoredDossier> {
    let now = time(crate::accounts_sql::now());
    let s = &change.state;
    // The reception's code first; a refused change below rolls the number back with it.
    let code = match &change.allocate_code {
        Some((agency_code, day)) => {
            let agency_id = query_one(c, AGENCY_BY_CODE, &[agency_code], |r| {
                Ok(r.get::<_, i64>(0)?)
            })?;
            let key = motcua_dossier::DossierCode::day_key(*day);
            let seq = query_one(c, NEXT_SEQUENCE, &[&agency_id, &key], |r| {
                Ok(r.get::<_, i64>(0)?)
            })?;
            let code = motcua_dossier::DossierCode::on(
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
    let form_values = change.form_values.as_ref().map(|v| v.to_string());
    let row = query_opt(
        c,
        update,
        &[
            &id,
            &change.expected_version,
            &s.holding_agency_id,
            &s.assignee_id,
            &s.status.as_str(),
            &time_opt(utc(s.received_at)),
            &time_opt(utc(s.due_at)),
            &s.late,
            &state_json(s)?,
            &s.version,
            &now,
            &form_values,
            &code,
        ],
        dossier,
    )?;
    // Nothing changed: a stale version, or (reception) a code already given.
    let Some(row) = row else {
        let exists = query_opt(c, LOCK_DOSSIER_SQLITE, &[&id], |_| Ok(()))?;
        return Err(if exists.is_some() {
            StoreError::Stale
        } else {
            StoreError::NotFound
        });
    };
    if s.status == motcua_dossier::Status::Returned {
        // The applicant's document store keeps issued results (SPEC §10).
        execute(c, crate::documents_sql::KEEP_RESULTS, &[&id, &now])?;
    }
    note_agencies(c, id, s)?;
    append_log(c, id, change.log)?;
    for m in &change.messages {
        execute(
            c,
            INSERT_MESSAGE,
            &[&m.channel, &m.recipient, &m.subject, &m.body, &now],
        )?;
    }
    Ok(row)
}

impl SqliteStore {
    pub(crate) async fn create_dossier_hot(
        &self,
        d: &NewDossier,
        log: NewLogEntry,
    ) -> StoreResult<StoredDossier> {
        let d = d.clone();
        let agencies = agencies_of(&d.state);
        let stored = self.engine.write(move |c| create(c, &d, log)).await?;
        self.queue_counts.bump(agencies);
        Ok(stored)
    }

    pub(crate) async fn get_dossier_hot(&self, id: i64) -> StoreResult<Option<StoredDossier>> {
        self.engine
            .read(|c| query_opt(c, SELECT_DOSSIER, &[&id], dossier))
    }

    pub(crate) async fn find_dossier_by_code_hot(
        &self,
        code: &str,
    ) -> StoreResult<Option<StoredDossier>> {
        self.engine
            .read(|c| query_opt(c, SELECT_DOSSIER_BY_CODE, &[&code], dossier))
    }

    pub(crate) async fn change_dossier_hot(
        &self,
        id: i64,
        dossier_change: DossierChange,
    ) -> StoreResult<StoredDossier> {
        let agencies = agencies_of(&dossier_change.state);
        let stored = self
            .engine
            .write(move |c| change(c, id, dossier_change))
            .await?;
        self.queue_counts.bump(agencies);
        Ok(stored)
    }

    pub(crate) async fn track_dossier_hot(
        &self,
        code: &str,
        failure_key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Option<TrackedDossier>> {
        self.engine.read(|c| {
            query_opt(
                c,
                TRACK_DOSSIER_SQLITE,
                &[&code, &failure_key, &time(since)],
                |r| TrackRow::from_engine(r)?.try_into(),
            )
        })
    }

    // ---- work queues and an applicant's list ----

    pub(crate) async fn count_dossiers_hot(&self, filter: &[ListSql]) -> StoreResult<i64> {
        let (sql, values) = positional(COUNT_HEAD, filter);
        self.engine
            .read(|c| query_one(c, &sql, &params(&values), |r| Ok(r.get(0)?)))
    }

    pub(crate) async fn select_dossiers_hot(
        &self,
        sql: &[ListSql],
    ) -> StoreResult<Vec<StoredDossier>> {
        let (sql, values) = positional(LIST_HEAD, sql);
        self.engine
            .read(|c| query_all(c, &sql, &params(&values), dossier))
    }

    // ---- what every signed-in request reads ----

    pub(crate) async fn get_session_hot(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>> {
        self.engine.read(|c| {
            query_opt(c, SELECT_SESSION, &[&token_hash, &time(now)], |r| {
                Ok(SessionRow::from_engine(r)?.into())
            })
        })
    }

    pub(crate) async fn get_account_hot(&self, id: i64) -> StoreResult<Option<Account>> {
        self.engine.read(|c| {
            query_opt(c, SELECT_ACCOUNT, &[&id], |r| {
                Ok(AccountRow::from_engine(r)?.try_into()?)
            })
        })
    }

    pub(crate) async fn officer_roles_hot(&self, account_id: i64) -> StoreResult<Vec<OfficerRole>> {
        self.engine.read(|c| {
            query_all(c, SELECT_ROLES, &[&account_id], |r| {
                Ok(RoleRow::from_engine(r)?.try_into()?)
            })
        })
    }

    // ---- what every new dossier reads ----

    pub(crate) async fn get_procedure_hot(
        &self,
        code: &str,
    ) -> StoreResult<Option<StoredProcedure>> {
        self.engine.read(|c| {
            query_opt(c, SELECT_CURRENT_PROCEDURE, &[&code], |r| {
                Ok(StoredProcedure::from_engine(r)?)
            })
        })
    }

    pub(crate) async fn get_agency_hot(&self, code: &AgencyCode) -> StoreResult<Option<Agency>> {
        self.engine.read(|c| {
            query_opt(c, SELECT_AGENCY_BY_CODE, &[&code.as_str()], |r| {
                Ok(AgencyRow::from_engine(r)?.try_into()?)
            })
        })
    }

    pub(crate) async fn get_agency_by_id_hot(&self, id: i64) -> StoreResult<Option<Agency>> {
        self.engine.read(|c| {
            query_opt(c, SELECT_AGENCY_BY_ID, &[&id], |r| {
                Ok(AgencyRow::from_engine(r)?.try_into()?)
            })
        })
    }

    pub(crate) async fn local_settings_hot(
        &self,
        agency_id: i64,
        procedure_code: &str,
    ) -> StoreResult<Option<StoredLocalSettings>> {
        self.engine.read(|c| {
            query_opt(
                c,
                SELECT_LOCAL_SETTINGS,
                &[&agency_id, &procedure_code],
                |r| Ok(SettingsRow::from_engine(r)?.into()),
            )
        })
    }
}
