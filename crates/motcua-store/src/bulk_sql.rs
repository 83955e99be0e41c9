//! The bulk path: loading generated data (a city's year of dossiers, `motcua demo --scale
//! city`) in minutes instead of hours. Rows arrive complete — ids chosen by the caller, codes
//! already numbered, states computed by the lifecycle, logs already chained — and go in as
//! multi-row INSERTs inside large transactions (one per call), with the statements cached.
//! Everything else keeps the normal transactional path; what this writes is indistinguishable
//! from what that path writes (the same columns, the same JSON, the same `dossier_agencies`
//! rows and code sequences), which the city test checks through the API.
//!
//! One implementation for both backends, stamped out by [`impl_bulk_store!`]; what differs
//! (moving PostgreSQL's identity sequences past the ids given, SQLite's page cache during the
//! load) is passed in.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::identity::{Role, VerificationLevel};
use motcua_dossier::Dossier;
use motcua_dossier::chain::LogEntry;

use crate::{AccountKind, Applicant, StoreResult};

/// An account with its id chosen by the caller.
#[derive(Debug, Clone)]
pub struct BulkAccount {
    pub id: i64,
    pub kind: AccountKind,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A PHC string; generated officers share one hash of the demo password.
    pub password_hash: String,
    pub verification: VerificationLevel,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct BulkRole {
    pub account_id: i64,
    pub agency_id: i64,
    pub role: Role,
    pub receiving_point_id: Option<i64>,
    pub granted_at: DateTime<Utc>,
}

/// A dossier as the normal path would have left it after its log's last entry.
#[derive(Debug, Clone)]
pub struct BulkDossier {
    pub id: i64,
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_version: i32,
    pub channel: &'static str,
    pub applicant: Applicant,
    pub receiving_point: Option<String>,
    pub form_values: serde_json::Value,
    pub state: Dossier,
    pub tracking_secret_hash: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The whole chain, oldest first (`LogEntry::next` from the genesis).
    pub log: Vec<LogEntry>,
}

/// `(agency id, day as yyMMdd, last number given)`.
pub type CodeSequence = (i64, String, i64);

#[async_trait]
pub trait BulkStore: Send + Sync {
    /// The largest account and dossier ids in use (0 when none), to number new rows after.
    async fn bulk_max_ids(&self) -> StoreResult<(i64, i64)>;
    /// Inserts accounts and officers' roles, all in one transaction.
    async fn bulk_insert_accounts(
        &self,
        accounts: &[BulkAccount],
        roles: &[BulkRole],
    ) -> StoreResult<()>;
    /// Inserts dossiers with the agencies they belong to and their logs, in one transaction.
    /// Returns the number of log entries written.
    async fn bulk_insert_dossiers(&self, dossiers: &[BulkDossier]) -> StoreResult<u64>;
    /// Sets the code sequences to the last numbers given (inserting or replacing), so the
    /// next reception on those days continues without a gap.
    async fn bulk_set_code_sequences(&self, sequences: &[CodeSequence]) -> StoreResult<()>;
    /// Prepares the database for a large load (a big page cache on SQLite).
    async fn bulk_begin(&self) -> StoreResult<()>;
    /// After the load: identity sequences moved past the ids given (PostgreSQL), planner
    /// statistics refreshed, normal settings back.
    async fn bulk_finish(&self) -> StoreResult<()>;
}

/// Rows per INSERT statement: under SQLite's 32 766 bound parameters (and PostgreSQL's
/// 65 535) for each table's column count.
pub(crate) const DOSSIER_ROWS_PER_STATEMENT: usize = 1_000; // 26 columns
pub(crate) const LOG_ROWS_PER_STATEMENT: usize = 3_000; // 9 columns
pub(crate) const PAIR_ROWS_PER_STATEMENT: usize = 10_000; // 2 columns
pub(crate) const ACCOUNT_ROWS_PER_STATEMENT: usize = 2_000; // 14 columns
pub(crate) const ROLE_ROWS_PER_STATEMENT: usize = 5_000; // 5 columns
pub(crate) const SEQUENCE_ROWS_PER_STATEMENT: usize = 10_000; // 3 columns

pub(crate) const BULK_DOSSIER_HEAD: &str = "INSERT INTO dossiers (id, code, procedure_code, procedure_version, channel, owner_account_id, applicant_name, applicant_id_number, applicant_phone, applicant_email, applicant_address, receiving_agency_id, receiving_point, holding_agency_id, assignee_id, status, received_at, due_at, late, state, form_values, tracking_secret_hash, version, created_at, updated_at) ";
pub(crate) const BULK_LOG_HEAD: &str =
    "INSERT INTO dossier_log (dossier_id, seq, at, kind, actor_id, ip, detail, prev_hash, hash) ";
pub(crate) const BULK_AGENCY_HEAD: &str = "INSERT INTO dossier_agencies (dossier_id, agency_id) ";
pub(crate) const BULK_ACCOUNT_HEAD: &str = "INSERT INTO accounts (id, kind, login, full_name, email, phone, password_hash, verification, address_unit_code, address_line, search_text, created_at, updated_at, password_changed_at) ";
pub(crate) const BULK_ROLE_HEAD: &str =
    "INSERT INTO officer_roles (account_id, agency_id, role, receiving_point_id, granted_at) ";
pub(crate) const BULK_SEQUENCE_HEAD: &str =
    "INSERT INTO dossier_code_sequences (agency_id, day, last) ";
pub(crate) const BULK_SEQUENCE_TAIL: &str =
    " ON CONFLICT (agency_id, day) DO UPDATE SET last = excluded.last";
pub(crate) const MAX_IDS: &str = "SELECT (SELECT COALESCE(MAX(id), 0) FROM accounts), (SELECT COALESCE(MAX(id), 0) FROM dossiers)";

/// PostgreSQL: identity columns continue after the largest id given explicitly.
pub(crate) const FINISH_PG: &[&str] = &[
    "SELECT setval(pg_get_serial_sequence('accounts', 'id'), GREATEST((SELECT MAX(id) FROM accounts), 1))",
    "SELECT setval(pg_get_serial_sequence('dossiers', 'id'), GREATEST((SELECT MAX(id) FROM dossiers), 1))",
];
/// PostgreSQL, after the transaction (VACUUM cannot run inside one): statistics, and the
/// visibility map, without which counting a queue reads every row from the table instead of
/// the index alone (measured: 2.6 s instead of milliseconds for 100,000 open dossiers).
pub(crate) const FINISH_PG_OUTSIDE: &[&str] = &["VACUUM (ANALYZE)"];
pub(crate) const FINISH_SQLITE_OUTSIDE: &[&str] = &[];
/// SQLite: back to the page cache the store opens with, then statistics.
pub(crate) const FINISH_SQLITE: &[&str] = &["PRAGMA cache_size = -16000", "ANALYZE"];
pub(crate) const BEGIN_SQLITE: &[&str] = &["PRAGMA cache_size = -262144"];
pub(crate) const BEGIN_PG: &[&str] = &[];

/// Implements [`BulkStore`] for `$store` on `$db`.
macro_rules! impl_bulk_store {
    ($store:ty, $db:ty, begin = $begin:expr, finish = $finish:expr, finish_outside = $outside:expr $(,)?) => {
        const _: () = {
            use $crate::StoreResult;
            use $crate::bulk_sql::*;
            use $crate::dossiers_sql::state_json;

            #[::async_trait::async_trait]
            impl $crate::bulk_sql::BulkStore for $store {
                async fn bulk_max_ids(&self) -> StoreResult<(i64, i64)> {
                    Ok(::sqlx::query_as(MAX_IDS)
                        .fetch_one(self.read_pool())
                        .await?)
                }

                async fn bulk_insert_accounts(
                    &self,
                    accounts: &[BulkAccount],
                    roles: &[BulkRole],
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    for chunk in accounts.chunks(ACCOUNT_ROWS_PER_STATEMENT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(BULK_ACCOUNT_HEAD);
                        qb.push_values(chunk, |mut b, a| {
                            b.push_bind(a.id)
                                .push_bind(a.kind.as_str())
                                .push_bind(&a.login)
                                .push_bind(&a.full_name)
                                .push_bind(&a.email)
                                .push_bind(&a.phone)
                                .push_bind(&a.password_hash)
                                .push_bind(a.verification.as_str())
                                .push_bind(&a.address_unit_code)
                                .push_bind(&a.address_line)
                                .push_bind($crate::accounts_sql::account_search_text(
                                    &a.full_name,
                                    &a.login,
                                    a.email.as_deref(),
                                ))
                                .push_bind(a.created_at)
                                .push_bind(a.created_at)
                                .push_bind(a.created_at);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    for chunk in roles.chunks(ROLE_ROWS_PER_STATEMENT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(BULK_ROLE_HEAD);
                        qb.push_values(chunk, |mut b, r| {
                            b.push_bind(r.account_id)
                                .push_bind(r.agency_id)
                                .push_bind(r.role.as_str())
                                .push_bind(r.receiving_point_id)
                                .push_bind(r.granted_at);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn bulk_insert_dossiers(&self, dossiers: &[BulkDossier]) -> StoreResult<u64> {
                    // Serialised before the transaction: the writer is held for SQL only.
                    let states = dossiers
                        .iter()
                        .map(|d| state_json(&d.state))
                        .collect::<StoreResult<Vec<_>>>()?;
                    let forms: Vec<String> =
                        dossiers.iter().map(|d| d.form_values.to_string()).collect();
                    let mut pairs: Vec<(i64, i64)> = Vec::with_capacity(dossiers.len() * 2);
                    for d in dossiers {
                        let s = &d.state;
                        let mut ids = vec![s.receiving_agency_id, s.holding_agency_id];
                        ids.extend(s.transferred_agency_ids.iter().copied());
                        ids.sort_unstable();
                        ids.dedup();
                        pairs.extend(ids.into_iter().map(|a| (d.id, a)));
                    }
                    let logs: Vec<(i64, &::motcua_dossier::chain::LogEntry, String)> = dossiers
                        .iter()
                        .flat_map(|d| d.log.iter().map(move |e| (d.id, e, e.detail.to_string())))
                        .collect();
                    let indexed: Vec<(usize, &BulkDossier)> = dossiers.iter().enumerate().collect();
                    let mut tx = self.write().await?;
                    for chunk in indexed.chunks(DOSSIER_ROWS_PER_STATEMENT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(BULK_DOSSIER_HEAD);
                        qb.push_values(chunk, |mut b, (i, d)| {
                            let s = &d.state;
                            b.push_bind(d.id)
                                .push_bind(&d.code)
                                .push_bind(&d.procedure_code)
                                .push_bind(i64::from(d.procedure_version))
                                .push_bind(d.channel)
                                .push_bind(s.owner_account_id)
                                .push_bind(&d.applicant.name)
                                .push_bind(&d.applicant.id_number)
                                .push_bind(&d.applicant.phone)
                                .push_bind(&d.applicant.email)
                                .push_bind(&d.applicant.address)
                                .push_bind(s.receiving_agency_id)
                                .push_bind(&d.receiving_point)
                                .push_bind(s.holding_agency_id)
                                .push_bind(s.assignee_id)
                                .push_bind(s.status.as_str())
                                .push_bind($crate::dossiers_sql::utc(s.received_at))
                                .push_bind($crate::dossiers_sql::utc(s.due_at))
                                .push_bind(s.late)
                                .push_bind(&states[*i])
                                .push_bind(&forms[*i])
                                .push_bind(&d.tracking_secret_hash)
                                .push_bind(s.version)
                                .push_bind(d.created_at)
                                .push_bind(d.updated_at);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    for chunk in pairs.chunks(PAIR_ROWS_PER_STATEMENT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(BULK_AGENCY_HEAD);
                        qb.push_values(chunk, |mut b, (d, a)| {
                            b.push_bind(*d).push_bind(*a);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    for chunk in logs.chunks(LOG_ROWS_PER_STATEMENT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(BULK_LOG_HEAD);
                        qb.push_values(chunk, |mut b, (id, e, detail)| {
                            b.push_bind(*id)
                                .push_bind(e.seq)
                                .push_bind(e.at)
                                .push_bind(&e.kind)
                                .push_bind(e.actor_id)
                                .push_bind(&e.ip)
                                .push_bind(detail)
                                .push_bind(&e.prev_hash)
                                .push_bind(&e.hash);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    self.queue_counts.clear();
                    Ok(logs.len() as u64)
                }

                async fn bulk_set_code_sequences(
                    &self,
                    sequences: &[CodeSequence],
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    for chunk in sequences.chunks(SEQUENCE_ROWS_PER_STATEMENT) {
                        let mut qb = ::sqlx::QueryBuilder::<$db>::new(BULK_SEQUENCE_HEAD);
                        qb.push_values(chunk, |mut b, (agency, day, last)| {
                            b.push_bind(*agency).push_bind(day).push_bind(*last);
                        });
                        qb.push(BULK_SEQUENCE_TAIL);
                        qb.build().execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn bulk_begin(&self) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    for sql in $begin {
                        ::sqlx::query(*sql).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn bulk_finish(&self) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    for sql in $finish {
                        ::sqlx::query(*sql).execute(&mut *tx).await?;
                    }
                    tx.commit().await?;
                    for sql in $outside {
                        ::sqlx::query(*sql).execute(self.write_pool()).await?;
                    }
                    self.queue_counts.clear();
                    Ok(())
                }
            }
        };
    };
}

pub(crate) use impl_bulk_store;
