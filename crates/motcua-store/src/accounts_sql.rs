//! The one implementation of [`AccountStore`](crate::AccountStore) for both backends: the SQL
//! text (`$N` placeholders work in SQLite and PostgreSQL), the row shapes, the filter builders
//! (generic over the database through `QueryBuilder`) and [`impl_account_store!`], which stamps
//! the method bodies out for a backend.
//!
//! A backend invoking the macro provides two helpers of the same name:
//! `fn read_pool(&self) -> &sqlx::Pool<DB>` and
//! `async fn write(&self) -> StoreResult<Transaction<'static, DB>>` (for SQLite, `BEGIN
//! IMMEDIATE` on the single writer: every write goes through it). What genuinely differs
//! (row locks) is passed to the macro as SQL constants.

use chrono::{DateTime, SubsecRound, Utc};
use motcua_domain::identity::{Role, VerificationLevel};
use sqlx::{Database, QueryBuilder};

use crate::accounts::*;
use crate::error::StoreError;
use crate::rows::{decode_err, fold};
use crate::sql::like;

/// The store's clock, at the precision both backends keep (microseconds), so a value reads
/// back as it was written.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// What makes an account findable by a folded substring search.
pub(crate) fn account_search_text(full_name: &str, login: &str, email: Option<&str>) -> String {
    fold(&format!(
        "{full_name} {login} {}",
        email.unwrap_or_default()
    ))
}

/// Names the unique column a failed insert or update collided with.
pub(crate) fn account_conflict(err: sqlx::Error) -> StoreError {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let email = db.message().contains("email")
                || db.constraint().is_some_and(|c| c.contains("email"));
            StoreError::Conflict {
                field: if email { "email" } else { "login" },
            }
        }
        _ => StoreError::Database(err),
    }
}

pub(crate) fn unknown_unit() -> StoreError {
    StoreError::unknown(
        "address_unit_code",
        "đơn vị hành chính",
        "administrative unit",
    )
}

/// The event, about `account_id` unless it names another account.
pub(crate) fn about(mut event: NewSecurityEvent, account_id: i64) -> NewSecurityEvent {
    event.account_id.get_or_insert(account_id);
    event
}

// ---- accounts ----

macro_rules! account_columns {
    () => {
        "id, kind, login, full_name, email, phone, password_hash, verification, address_unit_code, address_line, totp_secret, totp_enabled, totp_last_step, totp_recovery, disabled, created_at, updated_at, password_changed_at"
    };
}

pub(crate) const INSERT_ACCOUNT: &str = "INSERT INTO accounts (kind, login, full_name, email, phone, password_hash, verification, address_unit_code, address_line, search_text, created_at, updated_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING id";

pub(crate) const SELECT_ACCOUNT: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE id = $1"
);

/// Login first: an e-mail address never looks like a login, but if it did, the login wins.
pub(crate) const SELECT_ACCOUNT_FOR_LOGIN: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE login = $1 OR email = $1 ORDER BY CASE WHEN login = $1 THEN 0 ELSE 1 END LIMIT 1"
);

pub(crate) const SELECT_ACCOUNT_BY_EMAIL: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE email = $1"
);

pub(crate) const ACCOUNT_EXISTS: &str = "SELECT id FROM accounts WHERE id = $1";

pub(crate) const UPDATE_PROFILE: &str = "UPDATE accounts SET full_name = $2, email = $3, phone = $4, address_unit_code = $5, address_line = $6, search_text = $7, updated_at = $8 WHERE id = $1";

pub(crate) const SET_VERIFICATION: &str =
    "UPDATE accounts SET verification = $2, updated_at = $3 WHERE id = $1";

pub(crate) const SET_PASSWORD: &str = "UPDATE accounts SET password_hash = $2, password_changed_at = $3, updated_at = $3 WHERE id = $1";

pub(crate) const REHASH_PASSWORD: &str = "UPDATE accounts SET password_hash = $2 WHERE id = $1";

pub(crate) const SET_TOTP: &str = "UPDATE accounts SET totp_secret = $2, totp_enabled = $3, totp_last_step = $4, totp_recovery = $5, updated_at = $6 WHERE id = $1";

/// One conditional statement: of two concurrent requests with the same step, one wins.
pub(crate) const ADVANCE_TOTP_STEP: &str = "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)";

/// SQLite: the single writer already serialises the read-modify-write.
pub(crate) const SELECT_RECOVERY_SQLITE: &str = "SELECT totp_recovery FROM accounts WHERE id = $1";

/// PostgreSQL: the row stays locked until the transaction ends.
pub(crate) const SELECT_RECOVERY_PG: &str =
    "SELECT totp_recovery FROM accounts WHERE id = $1 FOR UPDATE";

pub(crate) const SET_RECOVERY: &str = "UPDATE accounts SET totp_recovery = $2 WHERE id = $1";

pub(crate) const SET_DISABLED: &str =
    "UPDATE accounts SET disabled = $2, updated_at = $3 WHERE id = $1";

/// `$2` is the session to keep, or `''` (no token hash is empty).
pub(crate) const DELETE_SESSIONS_OF: &str =
    "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2";

#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    id: i64,
    kind: String,
    login: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    password_hash: String,
    verification: String,
    address_unit_code: Option<String>,
    address_line: Option<String>,
    totp_secret: Option<String>,
    totp_enabled: bool,
    totp_last_step: Option<i64>,
    totp_recovery: String,
    disabled: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    password_changed_at: DateTime<Utc>,
}

crate::sqlite::engine::engine_row!(AccountRow {
    id,
    kind,
    login,
    full_name,
    email,
    phone,
    password_hash,
    verification,
    address_unit_code,
    address_line,
    totp_secret,
    totp_enabled,
    totp_last_step,
    totp_recovery,
    disabled,
    created_at,
    updated_at,
    password_changed_at,
});

pub(crate) fn recovery_hashes(json: &str) -> Result<Vec<String>, sqlx::Error> {
    serde_json::from_str(json).map_err(|_| decode_err("recovery code list", json))
}

impl TryFrom<AccountRow> for Account {
    type Error = sqlx::Error;
    fn try_from(r: AccountRow) -> Result<Self, sqlx::Error> {
        let totp = match r.totp_secret {
            None => None,
            Some(secret_base32) => Some(TotpState {
                secret_base32,
                enabled: r.totp_enabled,
                last_step: r.totp_last_step,
                recovery_hashes: recovery_hashes(&r.totp_recovery)?,
            }),
        };
        Ok(Account {
            id: r.id,
            kind: AccountKind::parse(&r.kind).ok_or_else(|| decode_err("account kind", &r.kind))?,
            login: r.login,
            full_name: r.full_name,
            email: r.email,
            phone: r.phone,
            password_hash: r.password_hash,
            verification: r
                .verification
                .parse::<VerificationLevel>()
                .map_err(|_| decode_err("verification level", &r.verification))?,
            address_unit_code: r.address_unit_code,
            address_line: r.address_line,
            totp,
            disabled: r.disabled,
            created_at: r.created_at,
            updated_at: r.updated_at,
            password_changed_at: r.password_changed_at,
        })
    }
}

/// The profile after `update`, as the columns of [`UPDATE_PROFILE`].
pub(crate) struct Profile {
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
    pub search_text: String,
}

pub(crate) fn merge_profile(current: &Account, update: &ProfileUpdate) -> Profile {
    let pick = |new: &Option<Option<String>>, old: &Option<String>| match new {
        Some(value) => value.clone(),
        None => old.clone(),
    };
    let full_name = update
        .full_name
        .clone()
        .unwrap_or_else(|| current.full_name.clone());
    let email = pick(&update.email, &current.email);
    Profile {
        search_text: account_search_text(&full_name, &current.login, email.as_deref()),
        full_name,
        email,
        phone: pick(&update.phone, &current.phone),
        address_unit_code: pick(&update.address_unit_code, &current.address_unit_code),
        address_line: pick(&update.address_line, &current.address_line),
    }
}

/// `id IN (…)` for a list of ids; an empty list matches nothing.
fn push_ids<DB>(qb: &mut QueryBuilder<DB>, ids: &[i64])
where
    DB: Database,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    qb.push("(");
    if ids.is_empty() {
        qb.push("NULL");
    } else {
        let mut list = qb.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
    }
    qb.push(")");
}

/// `SELECT {columns} FROM accounts WHERE … ORDER BY …` (or a count) for a filter.
pub(crate) fn accounts_query<DB>(f: &AccountFilter, count: bool) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(if count {
        "SELECT COUNT(*) FROM accounts WHERE 1 = 1"
    } else {
        concat!("SELECT ", account_columns!(), " FROM accounts WHERE 1 = 1")
    });
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" AND search_text LIKE ").push_bind(like(q));
    }
    if let Some(kind) = f.kind {
        qb.push(" AND kind = ").push_bind(kind.as_str().to_owned());
    }
    if let Some(ids) = &f.agency_ids {
        qb.push(" AND id IN (SELECT account_id FROM officer_roles WHERE agency_id IN ");
        push_ids(&mut qb, ids);
        qb.push(")");
    }
    if !count {
        qb.push(" ORDER BY login LIMIT ")
            .push_bind(f.page.limit())
            .push(" OFFSET ")
            .push_bind(f.page.offset());
    }
    qb
}

// ---- officers' roles ----

macro_rules! select_roles {
    ($where:literal) => {
        concat!(
            "SELECT r.account_id, r.agency_id, a.code AS agency_code, a.name AS agency_name, r.role, p.code AS receiving_point, r.granted_at FROM officer_roles r JOIN agencies a ON a.id = r.agency_id LEFT JOIN receiving_points p ON p.id = r.receiving_point_id WHERE ",
            $where
        )
    };
}

pub(crate) const SELECT_ROLES: &str = concat!(
    select_roles!("r.account_id = $1"),
    " ORDER BY a.code, r.role"
);

pub(crate) const AGENCY_EXISTS: &str = "SELECT id FROM agencies WHERE id = $1";

pub(crate) const POINT_IN_AGENCY: &str =
    "SELECT id FROM receiving_points WHERE agency_id = $1 AND code = $2";

pub(crate) const INSERT_ROLE: &str = "INSERT INTO officer_roles (account_id, agency_id, role, receiving_point_id, granted_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, agency_id, role) DO NOTHING";

pub(crate) const DELETE_ROLE: &str =
    "DELETE FROM officer_roles WHERE account_id = $1 AND agency_id = $2 AND role = $3";

/// The roles of several accounts at once (one page of a listing).
pub(crate) fn roles_query<DB>(account_ids: &[i64]) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(select_roles!("r.account_id IN "));
    push_ids(&mut qb, account_ids);
    qb.push(" ORDER BY a.code, r.role");
    qb
}

#[derive(sqlx::FromRow)]
pub(crate) struct RoleRow {
    pub account_id: i64,
    agency_id: i64,
    agency_code: String,
    agency_name: String,
    role: String,
    receiving_point: Option<String>,
    granted_at: DateTime<Utc>,
}

crate::sqlite::engine::engine_row!(RoleRow {
    account_id,
    agency_id,
    agency_code,
    agency_name,
    role,
    receiving_point,
    granted_at,
});

impl TryFrom<RoleRow> for OfficerRole {
    type Error = sqlx::Error;
    fn try_from(r: RoleRow) -> Result<Self, sqlx::Error> {
        Ok(OfficerRole {
            agency_id: r.agency_id,
            agency_code: r.agency_code,
            agency_name: r.agency_name,
            role: r
                .role
                .parse::<Role>()
                .map_err(|_| decode_err("role", &r.role))?,
            receiving_point: r.receiving_point,
            granted_at: r.granted_at,
        })
    }
}

/// Pairs each account with its roles (rows of [`roles_query`]), keeping the accounts' order.
pub(crate) fn with_roles(
    accounts: Vec<Account>,
    roles: Vec<RoleRow>,
) -> Result<Vec<AccountWithRoles>, sqlx::Error> {
    let mut by_account: std::collections::HashMap<i64, Vec<OfficerRole>> = Default::default();
    for row in roles {
        by_account
            .entry(row.account_id)
            .or_default()
            .push(row.try_into()?);
    }
    Ok(accounts
        .into_iter()
        .map(|account| AccountWithRoles {
            roles: by_account.remove(&account.id).unwrap_or_default(),
            account,
        })
        .collect())
}

// ---- sessions ----

pub(crate) const INSERT_SESSION: &str = "INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at, mfa_pending, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(crate) const SELECT_SESSION: &str = "SELECT token_hash, account_id, created_at, last_seen_at, expires_at, mfa_pending, ip, user_agent FROM sessions WHERE token_hash = $1 AND expires_at > $2";

pub(crate) const TOUCH_SESSION: &str =
    "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1";

pub(crate) const COMPLETE_SESSION_MFA: &str =
    "UPDATE sessions SET mfa_pending = $2 WHERE token_hash = $1";

pub(crate) const DELETE_SESSION: &str = "DELETE FROM sessions WHERE token_hash = $1";

#[derive(sqlx::FromRow)]
pub(crate) struct SessionRow {
    token_hash: String,
    account_id: i64,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    mfa_pending: bool,
    ip: Option<String>,
    user_agent: Option<String>,
}

crate::sqlite::engine::engine_row!(SessionRow {
    token_hash,
    account_id,
    created_at,
    last_seen_at,
    expires_at,
    mfa_pending,
    ip,
    user_agent,
});

impl From<SessionRow> for SessionRecord {
    fn from(r: SessionRow) -> Self {
        SessionRecord {
            token_hash: r.token_hash,
            account_id: r.account_id,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
            mfa_pending: r.mfa_pending,
            ip: r.ip,
            user_agent: r.user_agent,
        }
    }
}

// ---- password resets ----

pub(crate) const INSERT_PASSWORD_RESET: &str = "INSERT INTO password_resets (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";

/// One conditional statement: of concurrent attempts with the same token, one wins.
pub(crate) const CONSUME_PASSWORD_RESET: &str = "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING account_id";

// ---- login throttling ----

pub(crate) const INSERT_LOGIN_FAILURE: &str =
    "INSERT INTO login_failures (key, at) VALUES ($1, $2)";

pub(crate) const SELECT_LOGIN_FAILURES: &str =
    "SELECT at FROM login_failures WHERE key = $1 AND at >= $2 ORDER BY at";

pub(crate) const CLEAR_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE key = $1";

pub(crate) const PRUNE_LOGIN_FAILURES: &str = "DELETE FROM login_failures WHERE at < $1";

// ---- API keys ----

macro_rules! select_api_keys {
    ($tail:literal) => {
        concat!(
            "SELECT id, name, scopes, secret_hash, created_by, created_at, revoked_at, last_used_at FROM api_keys",
            $tail
        )
    };
}

pub(crate) const INSERT_API_KEY: &str = "INSERT INTO api_keys (id, name, scopes, secret_hash, created_by, created_at, revoked_at, last_used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

pub(crate) const SELECT_API_KEY: &str = select_api_keys!(" WHERE id = $1");

pub(crate) const SELECT_API_KEYS: &str = select_api_keys!(" ORDER BY created_at, id");

pub(crate) const REVOKE_API_KEY: &str =
    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

pub(crate) const TOUCH_API_KEY: &str = "UPDATE api_keys SET last_used_at = $2 WHERE id = $1";

#[derive(sqlx::FromRow)]
pub(crate) struct ApiKeyRow {
    id: String,
    name: String,
    scopes: i64,
    secret_hash: String,
    created_by: Option<i64>,
    created_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKeyRecord {
    fn from(r: ApiKeyRow) -> Self {
        ApiKeyRecord {
            id: r.id,
            name: r.name,
            scopes: r.scopes,
            secret_hash: r.secret_hash,
            created_by: r.created_by,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        }
    }
}

// ---- security log ----

pub(crate) const INSERT_SECURITY_EVENT: &str = "INSERT INTO security_events (at, kind, account_id, actor_id, agency_id, ip, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)";

/// `SELECT … FROM security_events … ORDER BY newest first` (or a count) for a filter.
pub(crate) fn events_query<DB>(f: &SecurityEventFilter, count: bool) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(if count {
        "SELECT COUNT(*) FROM security_events e WHERE 1 = 1"
    } else {
        "SELECT e.id, e.at, e.kind, e.account_id, acc.login AS account_login, e.actor_id, act.login AS actor_login, e.agency_id, ag.code AS agency_code, e.ip, e.detail FROM security_events e LEFT JOIN accounts acc ON acc.id = e.account_id LEFT JOIN accounts act ON act.id = e.actor_id LEFT JOIN agencies ag ON ag.id = e.agency_id WHERE 1 = 1"
    });
    if let Some(ids) = &f.agency_ids {
        qb.push(" AND (e.agency_id IN ");
        push_ids(&mut qb, ids);
        qb.push(" OR e.account_id IN (SELECT account_id FROM officer_roles WHERE agency_id IN ");
        push_ids(&mut qb, ids);
        qb.push("))");
    }
    if let Some(account) = f.account_id {
        qb.push(" AND e.account_id = ").push_bind(account);
    }
    if let Some(kind) = &f.kind {
        qb.push(" AND e.kind = ").push_bind(kind.clone());
    }
    if !count {
        qb.push(" ORDER BY e.at DESC, e.id DESC LIMIT ")
            .push_bind(f.page.limit())
            .push(" OFFSET ")
            .push_bind(f.page.offset());
    }
    qb
}

#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    id: i64,
    at: DateTime<Utc>,
    kind: String,
    account_id: Option<i64>,
    account_login: Option<String>,
    actor_id: Option<i64>,
    actor_login: Option<String>,
    agency_id: Option<i64>,
    agency_code: Option<String>,
    ip: Option<String>,
    detail: String,
}

impl TryFrom<EventRow> for SecurityEvent {
    type Error = sqlx::Error;
    fn try_from(r: EventRow) -> Result<Self, sqlx::Error> {
        Ok(SecurityEvent {
            detail: serde_json::from_str(&r.detail)
                .map_err(|_| decode_err("event detail", &r.detail))?,
            id: r.id,
            at: r.at,
            kind: r.kind,
            account_id: r.account_id,
            account_login: r.account_login,
            actor_id: r.actor_id,
            actor_login: r.actor_login,
            agency_id: r.agency_id,
            agency_code: r.agency_code,
            ip: r.ip,
        })
    }
}

// ---- outbox ----

macro_rules! outbox_columns {
    () => {
        "id, channel, recipient, subject, body, created_at, attempts, next_attempt_at, sent_at, last_error"
    };
}

pub(crate) const INSERT_MESSAGE: &str = "INSERT INTO outbox (channel, recipient, subject, body, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5) RETURNING id";

/// SQLite: the single writer already serialises claimers.
pub(crate) const CLAIM_MESSAGES_SQLITE: &str = concat!(
    "UPDATE outbox SET next_attempt_at = $2 WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3) RETURNING ",
    outbox_columns!()
);

/// PostgreSQL: rows another instance is claiming are skipped, not waited for or taken twice.
pub(crate) const CLAIM_MESSAGES_PG: &str = concat!(
    "UPDATE outbox SET next_attempt_at = $2 WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING ",
    outbox_columns!()
);

pub(crate) const MARK_MESSAGE_SENT: &str = "UPDATE outbox SET sent_at = $2 WHERE id = $1";

pub(crate) const MARK_MESSAGE_FAILED: &str = "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1";

pub(crate) const SELECT_MESSAGES_TO: &str = concat!(
    "SELECT ",
    outbox_columns!(),
    " FROM outbox WHERE recipient = $1 ORDER BY created_at DESC, id DESC"
);

#[derive(sqlx::FromRow)]
pub(crate) struct OutboxRow {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    created_at: DateTime<Utc>,
    attempts: i32,
    next_attempt_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
    last_error: Option<String>,
}

impl From<OutboxRow> for OutboxMessage {
    fn from(r: OutboxRow) -> Self {
        OutboxMessage {
            id: r.id,
            channel: r.channel,
            recipient: r.recipient,
            subject: r.subject,
            body: r.body,
            created_at: r.created_at,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            sent_at: r.sent_at,
            last_error: r.last_error,
        }
    }
}

// ---- server secrets ----

pub(crate) const INSERT_SECRET: &str = "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING";

pub(crate) const SELECT_SECRET: &str = "SELECT value FROM server_secrets WHERE name = $1";

// ---- upkeep ----

pub(crate) const PURGE_SESSIONS: &str = "DELETE FROM sessions WHERE expires_at <= $1";

pub(crate) const PURGE_PASSWORD_RESETS: &str =
    "DELETE FROM password_resets WHERE used_at IS NOT NULL OR expires_at <= $1";

/// Implements [`AccountStore`](crate::AccountStore) for `$store` on database `$db`, plus the
/// inherent helper `purge_expired_auth` for the backend's `maintain`.
///
/// - `select_recovery`: reads an account's recovery hashes, locking the row until the end of
///   the transaction where the backend needs it.
/// - `claim_messages`: the claim statement (`$1` now, `$2` lease, `$3` limit).
macro_rules! impl_account_store {
    ($store:ty, $db:ty, select_recovery = $select_recovery:expr, claim_messages = $claim:expr $(,)?) => {
        const _: () = {
            use ::motcua_domain::identity::{Role, VerificationLevel};
            use ::sqlx::Transaction;
            use $crate::accounts::*;
            use $crate::accounts_sql::*;
            use $crate::{Page, StoreError, StoreResult};

            impl $store {
                async fn log_security_event(
                    tx: &mut Transaction<'static, $db>,
                    event: &NewSecurityEvent,
                ) -> StoreResult<()> {
                    ::sqlx::query(INSERT_SECURITY_EVENT)
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

                async fn account_in(
                    tx: &mut Transaction<'static, $db>,
                    id: i64,
                ) -> StoreResult<Option<Account>> {
                    let row: Option<AccountRow> = ::sqlx::query_as(SELECT_ACCOUNT)
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?;
                    Ok(row.map(TryInto::try_into).transpose()?)
                }

                async fn check_address_unit(
                    tx: &mut Transaction<'static, $db>,
                    unit: Option<&str>,
                ) -> StoreResult<()> {
                    let Some(unit) = unit else { return Ok(()) };
                    let found: Option<i64> = ::sqlx::query_scalar($crate::sql::UNIT_EXISTS)
                        .bind(unit)
                        .fetch_optional(&mut **tx)
                        .await?;
                    found.map(|_| ()).ok_or_else(unknown_unit)
                }

                /// Runs a statement updating one account (by id) in `tx`; `NotFound` when it
                /// matched no row.
                async fn update_account(
                    tx: &mut Transaction<'static, $db>,
                    query: ::sqlx::query::Query<'_, $db, <$db as ::sqlx::Database>::Arguments>,
                ) -> StoreResult<()> {
                    let done = query.execute(&mut **tx).await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    Ok(())
                }

                /// Forgets expired sessions, used or expired password resets and login
                /// failures older than a day (part of `maintain`).
                pub(crate) async fn purge_expired_auth(&self) -> StoreResult<()> {
                    let now = now();
                    let mut tx = self.write().await?;
                    ::sqlx::query(PURGE_SESSIONS)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    ::sqlx::query(PURGE_PASSWORD_RESETS)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                    ::sqlx::query(PRUNE_LOGIN_FAILURES)
                        .bind(now - ::chrono::TimeDelta::days(1))
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[::async_trait::async_trait]
            impl $crate::AccountStore for $store {
                // ---- accounts ----

                async fn create_account(
                    &self,
                    account: &NewAccount,
                    mut event: NewSecurityEvent,
                ) -> StoreResult<Account> {
                    let mut tx = self.write().await?;
                    Self::check_address_unit(&mut tx, account.address_unit_code.as_deref()).await?;
                    let id: i64 = ::sqlx::query_scalar(INSERT_ACCOUNT)
                        .bind(account.kind.as_str())
                        .bind(&account.login)
                        .bind(&account.full_name)
                        .bind(&account.email)
                        .bind(&account.phone)
                        .bind(&account.password_hash)
                        .bind(account.verification.as_str())
                        .bind(&account.address_unit_code)
                        .bind(&account.address_line)
                        .bind(account_search_text(
                            &account.full_name,
                            &account.login,
                            account.email.as_deref(),
                        ))
                        .bind(now())
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(account_conflict)?;
                    event.account_id = Some(id);
                    Self::log_security_event(&mut tx, &event).await?;
                    let created = Self::account_in(&mut tx, id)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn get_account(&self, id: i64) -> StoreResult<Option<Account>> {
                    self.get_account_hot(id).await
                }

                async fn find_account_for_login(
                    &self,
                    login_or_email: &str,
                ) -> StoreResult<Option<Account>> {
                    let row: Option<AccountRow> = ::sqlx::query_as(SELECT_ACCOUNT_FOR_LOGIN)
                        .bind(login_or_email)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(TryInto::try_into).transpose()?)
                }

                async fn find_account_by_email(&self, email: &str) -> StoreResult<Option<Account>> {
                    let row: Option<AccountRow> = ::sqlx::query_as(SELECT_ACCOUNT_BY_EMAIL)
                        .bind(email)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(TryInto::try_into).transpose()?)
                }

                async fn list_accounts(
                    &self,
                    filter: &AccountFilter,
                ) -> StoreResult<Page<AccountWithRoles>> {
                    let total: i64 = accounts_query::<$db>(filter, true)
                        .build_query_scalar()
                        .fetch_one(self.read_pool())
                        .await?;
                    let rows: Vec<AccountRow> = accounts_query::<$db>(filter, false)
                        .build_query_as()
                        .fetch_all(self.read_pool())
                        .await?;
                    let accounts: Vec<Account> = $crate::rows::convert_all(rows)?;
                    let roles: Vec<RoleRow> = if accounts.is_empty() {
                        Vec::new()
                    } else {
                        let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
                        roles_query::<$db>(&ids)
                            .build_query_as()
                            .fetch_all(self.read_pool())
                            .await?
                    };
                    Ok(Page {
                        items: with_roles(accounts, roles)?,
                        total,
                        page: filter.page.page,
                        per_page: filter.page.per_page,
                    })
                }

                async fn update_profile(
                    &self,
                    id: i64,
                    update: &ProfileUpdate,
                ) -> StoreResult<Account> {
                    let mut tx = self.write().await?;
                    let current = Self::account_in(&mut tx, id)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    let p = merge_profile(&current, update);
                    if update.address_unit_code.is_some() {
                        Self::check_address_unit(&mut tx, p.address_unit_code.as_deref()).await?;
                    }
                    ::sqlx::query(UPDATE_PROFILE)
                        .bind(id)
                        .bind(&p.full_name)
                        .bind(&p.email)
                        .bind(&p.phone)
                        .bind(&p.address_unit_code)
                        .bind(&p.address_line)
                        .bind(&p.search_text)
                        .bind(now())
                        .execute(&mut *tx)
                        .await
                        .map_err(account_conflict)?;
                    let updated = Self::account_in(&mut tx, id)
                        .await?
                        .ok_or(StoreError::NotFound)?;
                    tx.commit().await?;
                    Ok(updated)
                }

                async fn set_verification(
                    &self,
                    id: i64,
                    level: VerificationLevel,
                    event: NewSecurityEvent,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    Self::update_account(
                        &mut tx,
                        ::sqlx::query(SET_VERIFICATION)
                            .bind(id)
                            .bind(level.as_str())
                            .bind(now()),
                    )
                    .await?;
                    Self::log_security_event(&mut tx, &about(event, id)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_password(
                    &self,
                    id: i64,
                    password_hash: &str,
                    keep_session: Option<&str>,
                    event: NewSecurityEvent,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    Self::update_account(
                        &mut tx,
                        ::sqlx::query(SET_PASSWORD)
                            .bind(id)
                            .bind(password_hash)
                            .bind(now()),
                    )
                    .await?;
                    ::sqlx::query(DELETE_SESSIONS_OF)
                        .bind(id)
                        .bind(keep_session.unwrap_or_default())
                        .execute(&mut *tx)
                        .await?;
                    Self::log_security_event(&mut tx, &about(event, id)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn rehash_password(&self, id: i64, password_hash: &str) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    Self::update_account(
                        &mut tx,
                        ::sqlx::query(REHASH_PASSWORD).bind(id).bind(password_hash),
                    )
                    .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_totp(
                    &self,
                    id: i64,
                    totp: Option<&TotpState>,
                    event: Option<NewSecurityEvent>,
                ) -> StoreResult<()> {
                    let recovery = ::serde_json::to_string(
                        totp.map(|t| t.recovery_hashes.as_slice())
                            .unwrap_or_default(),
                    )
                    .map_err(|e| StoreError::Database(::sqlx::Error::Encode(e.into())))?;
                    let mut tx = self.write().await?;
                    Self::update_account(
                        &mut tx,
                        ::sqlx::query(SET_TOTP)
                            .bind(id)
                            .bind(totp.map(|t| t.secret_base32.as_str()))
                            .bind(totp.is_some_and(|t| t.enabled))
                            .bind(totp.and_then(|t| t.last_step))
                            .bind(recovery)
                            .bind(now()),
                    )
                    .await?;
                    if let Some(event) = event {
                        Self::log_security_event(&mut tx, &about(event, id)).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn advance_totp_step(&self, id: i64, step: i64) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(ADVANCE_TOTP_STEP)
                        .bind(id)
                        .bind(step)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected() == 1)
                }

                async fn consume_recovery_code(&self, id: i64, hash: &str) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let json: Option<String> = ::sqlx::query_scalar($select_recovery)
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let Some(json) = json else { return Ok(false) };
                    let mut hashes = recovery_hashes(&json)?;
                    let Some(at) = hashes.iter().position(|h| h == hash) else {
                        return Ok(false);
                    };
                    hashes.remove(at);
                    let json = ::serde_json::to_string(&hashes)
                        .map_err(|e| StoreError::Database(::sqlx::Error::Encode(e.into())))?;
                    ::sqlx::query(SET_RECOVERY)
                        .bind(id)
                        .bind(json)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn set_disabled(
                    &self,
                    id: i64,
                    disabled: bool,
                    event: NewSecurityEvent,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    Self::update_account(
                        &mut tx,
                        ::sqlx::query(SET_DISABLED)
                            .bind(id)
                            .bind(disabled)
                            .bind(now()),
                    )
                    .await?;
                    if disabled {
                        ::sqlx::query(DELETE_SESSIONS_OF)
                            .bind(id)
                            .bind("")
                            .execute(&mut *tx)
                            .await?;
                    }
                    Self::log_security_event(&mut tx, &about(event, id)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                // ---- officers' roles ----

                async fn officer_roles(&self, account_id: i64) -> StoreResult<Vec<OfficerRole>> {
                    self.officer_roles_hot(account_id).await
                }

                async fn grant_role(
                    &self,
                    account_id: i64,
                    agency_id: i64,
                    role: Role,
                    receiving_point: Option<&str>,
                    mut event: NewSecurityEvent,
                ) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let account: Option<i64> = ::sqlx::query_scalar(ACCOUNT_EXISTS)
                        .bind(account_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if account.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    let agency: Option<i64> = ::sqlx::query_scalar(AGENCY_EXISTS)
                        .bind(agency_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if agency.is_none() {
                        return Err(StoreError::unknown("agency", "cơ quan", "agency"));
                    }
                    let point_id: Option<i64> = match receiving_point {
                        None => None,
                        Some(code) => {
                            let id: Option<i64> = ::sqlx::query_scalar(POINT_IN_AGENCY)
                                .bind(agency_id)
                                .bind(code)
                                .fetch_optional(&mut *tx)
                                .await?;
                            Some(id.ok_or_else(|| {
                                StoreError::unknown(
                                    "receiving_point",
                                    "bộ phận tiếp nhận và trả kết quả của cơ quan này",
                                    "receiving point of this agency",
                                )
                            })?)
                        }
                    };
                    let done = ::sqlx::query(INSERT_ROLE)
                        .bind(account_id)
                        .bind(agency_id)
                        .bind(role.as_str())
                        .bind(point_id)
                        .bind(now())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Ok(false);
                    }
                    event.agency_id.get_or_insert(agency_id);
                    Self::log_security_event(&mut tx, &about(event, account_id)).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn revoke_role(
                    &self,
                    account_id: i64,
                    agency_id: i64,
                    role: Role,
                    mut event: NewSecurityEvent,
                ) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(DELETE_ROLE)
                        .bind(account_id)
                        .bind(agency_id)
                        .bind(role.as_str())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Ok(false);
                    }
                    event.agency_id.get_or_insert(agency_id);
                    Self::log_security_event(&mut tx, &about(event, account_id)).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                // ---- sessions ----

                async fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(INSERT_SESSION)
                        .bind(&session.token_hash)
                        .bind(session.account_id)
                        .bind(session.created_at)
                        .bind(session.last_seen_at)
                        .bind(session.expires_at)
                        .bind(session.mfa_pending)
                        .bind(&session.ip)
                        .bind(&session.user_agent)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_session(
                    &self,
                    token_hash: &str,
                    now: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<Option<SessionRecord>> {
                    self.get_session_hot(token_hash, now).await
                }

                async fn touch_session(
                    &self,
                    token_hash: &str,
                    last_seen_at: ::chrono::DateTime<::chrono::Utc>,
                    expires_at: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(TOUCH_SESSION)
                        .bind(token_hash)
                        .bind(last_seen_at)
                        .bind(expires_at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn complete_session_mfa(&self, token_hash: &str) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(COMPLETE_SESSION_MFA)
                        .bind(token_hash)
                        .bind(false)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn delete_session(&self, token_hash: &str) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(DELETE_SESSION)
                        .bind(token_hash)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_sessions_of(
                    &self,
                    account_id: i64,
                    keep: Option<&str>,
                ) -> StoreResult<u64> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(DELETE_SESSIONS_OF)
                        .bind(account_id)
                        .bind(keep.unwrap_or_default())
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected())
                }

                // ---- password resets ----

                async fn create_password_reset(
                    &self,
                    token_hash: &str,
                    account_id: i64,
                    expires_at: ::chrono::DateTime<::chrono::Utc>,
                    message: &NewOutboxMessage,
                    event: NewSecurityEvent,
                ) -> StoreResult<()> {
                    let now = now();
                    let mut tx = self.write().await?;
                    ::sqlx::query(INSERT_PASSWORD_RESET)
                        .bind(token_hash)
                        .bind(account_id)
                        .bind(now)
                        .bind(expires_at)
                        .execute(&mut *tx)
                        .await?;
                    ::sqlx::query_scalar::<_, i64>(INSERT_MESSAGE)
                        .bind(&message.channel)
                        .bind(&message.recipient)
                        .bind(&message.subject)
                        .bind(&message.body)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    Self::log_security_event(&mut tx, &about(event, account_id)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn consume_password_reset(
                    &self,
                    token_hash: &str,
                    now: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<Option<i64>> {
                    let mut tx = self.write().await?;
                    let account: Option<i64> = ::sqlx::query_scalar(CONSUME_PASSWORD_RESET)
                        .bind(token_hash)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(account)
                }

                // ---- login throttling ----

                async fn record_login_failure(
                    &self,
                    key: &str,
                    at: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(INSERT_LOGIN_FAILURE)
                        .bind(key)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn login_failures(
                    &self,
                    key: &str,
                    since: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<Vec<::chrono::DateTime<::chrono::Utc>>> {
                    Ok(::sqlx::query_scalar(SELECT_LOGIN_FAILURES)
                        .bind(key)
                        .bind(since)
                        .fetch_all(self.read_pool())
                        .await?)
                }

                async fn clear_login_failures(&self, key: &str) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(CLEAR_LOGIN_FAILURES)
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn prune_login_failures(
                    &self,
                    before: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<u64> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(PRUNE_LOGIN_FAILURES)
                        .bind(before)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected())
                }

                // ---- API keys ----

                async fn create_api_key(
                    &self,
                    key: &ApiKeyRecord,
                    event: NewSecurityEvent,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(INSERT_API_KEY)
                        .bind(&key.id)
                        .bind(&key.name)
                        .bind(key.scopes)
                        .bind(&key.secret_hash)
                        .bind(key.created_by)
                        .bind(key.created_at)
                        .bind(key.revoked_at)
                        .bind(key.last_used_at)
                        .execute(&mut *tx)
                        .await
                        .map_err(|e| $crate::error::on_unique(e, "id"))?;
                    Self::log_security_event(&mut tx, &event).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_api_key(&self, id: &str) -> StoreResult<Option<ApiKeyRecord>> {
                    let row: Option<ApiKeyRow> = ::sqlx::query_as(SELECT_API_KEY)
                        .bind(id)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(Into::into))
                }

                async fn list_api_keys(&self) -> StoreResult<Vec<ApiKeyRecord>> {
                    let rows: Vec<ApiKeyRow> = ::sqlx::query_as(SELECT_API_KEYS)
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn revoke_api_key(
                    &self,
                    id: &str,
                    event: NewSecurityEvent,
                ) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(REVOKE_API_KEY)
                        .bind(id)
                        .bind(now())
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Ok(false);
                    }
                    Self::log_security_event(&mut tx, &event).await?;
                    tx.commit().await?;
                    Ok(true)
                }

                async fn touch_api_key(
                    &self,
                    id: &str,
                    at: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(TOUCH_API_KEY)
                        .bind(id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                // ---- security log ----

                async fn append_security_event(&self, event: NewSecurityEvent) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    Self::log_security_event(&mut tx, &event).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn security_events(
                    &self,
                    filter: &SecurityEventFilter,
                ) -> StoreResult<Page<SecurityEvent>> {
                    let total: i64 = events_query::<$db>(filter, true)
                        .build_query_scalar()
                        .fetch_one(self.read_pool())
                        .await?;
                    let rows: Vec<EventRow> = events_query::<$db>(filter, false)
                        .build_query_as()
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(Page {
                        items: $crate::rows::convert_all(rows)?,
                        total,
                        page: filter.page.page,
                        per_page: filter.page.per_page,
                    })
                }

                // ---- outbox ----

                async fn enqueue_message(&self, message: &NewOutboxMessage) -> StoreResult<i64> {
                    let mut tx = self.write().await?;
                    let id: i64 = ::sqlx::query_scalar(INSERT_MESSAGE)
                        .bind(&message.channel)
                        .bind(&message.recipient)
                        .bind(&message.subject)
                        .bind(&message.body)
                        .bind(now())
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(id)
                }

                async fn claim_messages(
                    &self,
                    now: ::chrono::DateTime<::chrono::Utc>,
                    lease_until: ::chrono::DateTime<::chrono::Utc>,
                    limit: u32,
                ) -> StoreResult<Vec<OutboxMessage>> {
                    let mut tx = self.write().await?;
                    let rows: Vec<OutboxRow> = ::sqlx::query_as($claim)
                        .bind(now)
                        .bind(lease_until)
                        .bind(i64::from(limit))
                        .fetch_all(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    let mut messages: Vec<OutboxMessage> =
                        rows.into_iter().map(Into::into).collect();
                    messages.sort_by_key(|m| m.id);
                    Ok(messages)
                }

                async fn mark_message_sent(
                    &self,
                    id: i64,
                    at: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(MARK_MESSAGE_SENT)
                        .bind(id)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn mark_message_failed(
                    &self,
                    id: i64,
                    error: &str,
                    retry_at: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<()> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(MARK_MESSAGE_FAILED)
                        .bind(id)
                        .bind(error)
                        .bind(retry_at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn messages_to(&self, recipient: &str) -> StoreResult<Vec<OutboxMessage>> {
                    let rows: Vec<OutboxRow> = ::sqlx::query_as(SELECT_MESSAGES_TO)
                        .bind(recipient)
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                // ---- server secrets ----

                async fn server_secret(&self, name: &str, generate: &[u8]) -> StoreResult<Vec<u8>> {
                    let mut tx = self.write().await?;
                    ::sqlx::query(INSERT_SECRET)
                        .bind(name)
                        .bind(generate)
                        .bind(now())
                        .execute(&mut *tx)
                        .await?;
                    let value: Vec<u8> = ::sqlx::query_scalar(SELECT_SECRET)
                        .bind(name)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(value)
                }
            }
        };
    };
}

pub(crate) use impl_account_store;

/// The account reads every signed-in request makes, which the SQLite backend runs on its
/// engine (`sqlite::hot`) instead: their sqlx bodies, for PostgreSQL.
macro_rules! impl_account_hot_sqlx {
    ($store:ty $(,)?) => {
        const _: () = {
            use $crate::StoreResult;
            use $crate::accounts::*;
            use $crate::accounts_sql::*;

            impl $store {
                pub(crate) async fn get_account_hot(
                    &self,
                    id: i64,
                ) -> StoreResult<Option<Account>> {
                    let row: Option<AccountRow> = ::sqlx::query_as(SELECT_ACCOUNT)
                        .bind(id)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(TryInto::try_into).transpose()?)
                }

                pub(crate) async fn officer_roles_hot(
                    &self,
                    account_id: i64,
                ) -> StoreResult<Vec<OfficerRole>> {
                    let rows: Vec<RoleRow> = ::sqlx::query_as(SELECT_ROLES)
                        .bind(account_id)
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok($crate::rows::convert_all(rows)?)
                }

                pub(crate) async fn get_session_hot(
                    &self,
                    token_hash: &str,
                    now: ::chrono::DateTime<::chrono::Utc>,
                ) -> StoreResult<Option<SessionRecord>> {
                    let row: Option<SessionRow> = ::sqlx::query_as(SELECT_SESSION)
                        .bind(token_hash)
                        .bind(now)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(Into::into))
                }
            }
        };
    };
}

pub(crate) use impl_account_hot_sqlx;
