//! Accounts, officers' roles, sessions, API keys, password resets, login failures, the
//! security log, the outbox of messages to deliver and the server's own secrets.
//!
//! The contract is the [`AccountStore`] trait; both backends implement it with the same SQL
//! (`accounts_sql.rs`), so there is one body per method, not two.
//!
//! Secrets are never stored in the clear: session tokens, reset tokens and API-key secrets are
//! stored as SHA-256 digests (hex), passwords as argon2id PHC strings. The TOTP key must be
//! readable to verify codes, so it is stored as given (the caller may encrypt it).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use motcua_domain::identity::{Role, VerificationLevel};
use serde::Serialize;

use crate::{Page, PageRequest, StoreResult};

/// What an account stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// Công dân: logs in with the 12-digit personal ID (or e-mail).
    Citizen,
    /// Doanh nghiệp: logs in with the tax code (or e-mail).
    Business,
    /// Tổ chức: logs in with its tax code (or e-mail).
    Organisation,
    /// Cán bộ, công chức: logs in with a user name given by an administrator (or e-mail).
    Officer,
}

impl AccountKind {
    pub const ALL: [AccountKind; 4] = [
        AccountKind::Citizen,
        AccountKind::Business,
        AccountKind::Organisation,
        AccountKind::Officer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Business => "business",
            Self::Organisation => "organisation",
            Self::Officer => "officer",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_applicant(self) -> bool {
        self != Self::Officer
    }
}

/// A new account, validated by the caller (identifiers parsed, password hashed).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub kind: AccountKind,
    /// The normalised login: personal ID, tax code or officer user name. Unique.
    pub login: String,
    pub full_name: String,
    /// Normalised for lookup (`Email::lookup_key`); unique when present.
    pub email: Option<String>,
    /// Normalised (`Phone::as_str`).
    pub phone: Option<String>,
    pub password_hash: String,
    pub verification: VerificationLevel,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
}

/// A stored account. `Debug` omits the password hash and TOTP secret.
#[derive(Clone, Serialize)]
pub struct Account {
    pub id: i64,
    pub kind: AccountKind,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(skip)]
    pub password_hash: String,
    pub verification: VerificationLevel,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
    #[serde(skip)]
    pub totp: Option<TotpState>,
    /// An administrator's lock: nobody logs in to a disabled account.
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub password_changed_at: DateTime<Utc>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("verification", &self.verification)
            .field("disabled", &self.disabled)
            .field(
                "totp_enabled",
                &self.totp.as_ref().is_some_and(|t| t.enabled),
            )
            .finish_non_exhaustive()
    }
}

/// Two-factor state of an account: `enabled` is false between set-up and the first valid
/// code.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpState {
    /// The key, base32 (as shown to the user at set-up).
    pub secret_base32: String,
    pub enabled: bool,
    /// The last accepted time step, against replays.
    pub last_step: Option<i64>,
    /// PHC hashes of the unused recovery codes.
    pub recovery_hashes: Vec<String>,
}

/// Profile fields an account holder may change; `None` leaves a field as it is,
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileUpdate {
    pub full_name: Option<String>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub address_unit_code: Option<Option<String>>,
    pub address_line: Option<Option<String>>,
}

/// A role an officer holds in an agency, with the agency's code and name for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OfficerRole {
    pub agency_id: i64,
    pub agency_code: String,
    pub agency_name: String,
    /// `Role::as_str`: `receiving_officer`, `specialist`, `department_head`, `leader`,
    /// `agency_admin`, `system_admin` or `supervisor`.
    #[schema(value_type = String, example = "specialist")]
    pub role: Role,
    /// The receiving point (its code within the agency) a counter officer works at.
    pub receiving_point: Option<String>,
    pub granted_at: DateTime<Utc>,
}

/// An account with its roles, as officer administration lists them.
#[derive(Debug, Clone)]
pub struct AccountWithRoles {
    pub account: Account,
    pub roles: Vec<OfficerRole>,
}

/// Which accounts to list.
#[derive(Debug, Clone, Default)]
pub struct AccountFilter {
    /// Folded substring of name, login or e-mail.
    pub q: Option<String>,
    pub kind: Option<AccountKind>,
    /// Only officers holding a role in one of these agencies.
    pub agency_ids: Option<Vec<i64>>,
    pub page: PageRequest,
}

/// A login session. The token itself is only in the browser's cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie's token, hex.
    pub token_hash: String,
    pub account_id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The password was right but the second factor is still awaited: such a session only
    /// opens the second-factor page.
    pub mfa_pending: bool,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// An integrating system's key. The secret is only shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiKeyRecord {
    /// The public part (`ApiKeyId`), shown in lists and logs.
    pub id: String,
    pub name: String,
    /// `ScopeSet` bits.
    pub scopes: i64,
    #[serde(skip)]
    pub secret_hash: String,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// What happened, for the security log. `detail` is a JSON object with no secret and no
/// personal data beyond ids (never a password, a token or a full ID number).
#[derive(Debug, Clone)]
pub struct NewSecurityEvent {
    pub at: DateTime<Utc>,
    /// `login`, `login_failed`, `lockout`, `logout`, `register`, `password_changed`,
    /// `password_reset_requested`, `password_reset`, `totp_enabled`, `totp_disabled`,
    /// `role_granted`, `role_revoked`, `account_created`, `account_disabled`,
    /// `account_enabled`, `api_key_created`, `api_key_revoked`, …
    pub kind: String,
    /// The account concerned.
    pub account_id: Option<i64>,
    /// Who did it, when not the account itself.
    pub actor_id: Option<i64>,
    /// The agency concerned (role changes), so agency administrators see their part.
    pub agency_id: Option<i64>,
    pub ip: Option<String>,
    pub detail: serde_json::Value,
}

impl NewSecurityEvent {
    pub fn new(kind: &str, at: DateTime<Utc>) -> Self {
        Self {
            at,
            kind: kind.to_owned(),
            account_id: None,
            actor_id: None,
            agency_id: None,
            ip: None,
            detail: serde_json::Value::Object(Default::default()),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SecurityEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub account_id: Option<i64>,
    /// The account's login, for display.
    pub account_login: Option<String>,
    pub actor_id: Option<i64>,
    pub actor_login: Option<String>,
    pub agency_id: Option<i64>,
    pub agency_code: Option<String>,
    pub ip: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct SecurityEventFilter {
    /// `None`: every event (system administrators). `Some(ids)`: events about these
    /// agencies, or about accounts holding a role in them.
    pub agency_ids: Option<Vec<i64>>,
    pub account_id: Option<i64>,
    pub kind: Option<String>,
    pub page: PageRequest,
}

/// A message to deliver (e-mail today; SMS and Zalo later), written in the same transaction
/// as the change it reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOutboxMessage {
    /// `email`.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    /// When it may be (re)tried; also the lease of a claimed message.
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Everything about accounts the application asks of its database.
#[async_trait]
pub trait AccountStore: Send + Sync {
    // ---- accounts ----

    /// Creates an account and logs `event` (its `account_id` is filled in) in one
    /// transaction. `Conflict` on `login` or `email`; `Invalid` on an unknown unit.
    async fn create_account(
        &self,
        account: &NewAccount,
        event: NewSecurityEvent,
    ) -> StoreResult<Account>;
    async fn get_account(&self, id: i64) -> StoreResult<Option<Account>>;
    /// The account whose login, or whose e-mail, is `login_or_email` (already normalised).
    async fn find_account_for_login(&self, login_or_email: &str) -> StoreResult<Option<Account>>;
    async fn find_account_by_email(&self, email: &str) -> StoreResult<Option<Account>>;
    async fn list_accounts(&self, filter: &AccountFilter) -> StoreResult<Page<AccountWithRoles>>;
    /// `Conflict` on `email`, `NotFound` on an unknown id.
    async fn update_profile(&self, id: i64, update: &ProfileUpdate) -> StoreResult<Account>;
    /// Raises the verification level (counter check); logs `event`.
    async fn set_verification(
        &self,
        id: i64,
        level: VerificationLevel,
        event: NewSecurityEvent,
    ) -> StoreResult<()>;
    /// Replaces the password hash, ends every session of the account except `keep_session`
    /// (a token hash), and logs `event`, in one transaction.
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
        event: NewSecurityEvent,
    ) -> StoreResult<()>;
    /// Replaces the hash only (a rehash with stronger parameters at login).
    async fn rehash_password(&self, id: i64, password_hash: &str) -> StoreResult<()>;
    /// Sets or clears the two-factor state; logs `event` when given.
    async fn set_totp(
        &self,
        id: i64,
        totp: Option<&TotpState>,
        event: Option<NewSecurityEvent>,
    ) -> StoreResult<()>;
    /// Accepts `step` only if it is later than the last accepted one (atomically, so a code
    /// cannot be replayed even by two concurrent requests). `false` when it was not later.
    async fn advance_totp_step(&self, id: i64, step: i64) -> StoreResult<bool>;
    /// Removes one recovery code hash (used); `false` when it was not there.
    async fn consume_recovery_code(&self, id: i64, hash: &str) -> StoreResult<bool>;
    /// Disables or re-enables an account; disabling ends its sessions. Logs `event`.
    async fn set_disabled(
        &self,
        id: i64,
        disabled: bool,
        event: NewSecurityEvent,
    ) -> StoreResult<()>;

    // ---- officers' roles ----

    async fn officer_roles(&self, account_id: i64) -> StoreResult<Vec<OfficerRole>>;
    /// Grants a role (idempotent: `false` when already held) and logs `event`.
    /// `Invalid` on an unknown receiving point code of that agency.
    async fn grant_role(
        &self,
        account_id: i64,
        agency_id: i64,
        role: Role,
        receiving_point: Option<&str>,
        event: NewSecurityEvent,
    ) -> StoreResult<bool>;
    /// Revokes a role; `false` when it was not held. Logs `event` when something changed.
    async fn revoke_role(
        &self,
        account_id: i64,
        agency_id: i64,
        role: Role,
        event: NewSecurityEvent,
    ) -> StoreResult<bool>;

    // ---- sessions ----

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// The session with this token hash, if not expired at `now`.
    async fn get_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<SessionRecord>>;
    /// Slides the expiry and records the time of use.
    async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Marks the second factor as passed.
    async fn complete_session_mfa(&self, token_hash: &str) -> StoreResult<()>;
    /// Ends a session; `false` when there was none.
    async fn delete_session(&self, token_hash: &str) -> StoreResult<bool>;
    /// Ends every session of an account except `keep` (a token hash); returns how many.
    async fn delete_sessions_of(&self, account_id: i64, keep: Option<&str>) -> StoreResult<u64>;

    // ---- password resets ----

    /// Stores a reset token (hash) and queues the message carrying it, in one transaction.
    async fn create_password_reset(
        &self,
        token_hash: &str,
        account_id: i64,
        expires_at: DateTime<Utc>,
        message: &NewOutboxMessage,
        event: NewSecurityEvent,
    ) -> StoreResult<()>;
    /// Marks an unused, unexpired token as used and returns its account; `None` otherwise.
    /// A token works once, even under concurrent attempts.
    async fn consume_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>>;

    // ---- login throttling (shared by every instance) ----

    async fn record_login_failure(&self, key: &str, at: DateTime<Utc>) -> StoreResult<()>;
    /// Failure times of `key` since `since`, oldest first.
    async fn login_failures(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<Vec<DateTime<Utc>>>;
    async fn clear_login_failures(&self, key: &str) -> StoreResult<()>;
    /// Forgets failures older than `before`; returns how many.
    async fn prune_login_failures(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    // ---- API keys ----

    /// `Conflict` on `id`. Logs `event`.
    async fn create_api_key(&self, key: &ApiKeyRecord, event: NewSecurityEvent) -> StoreResult<()>;
    async fn get_api_key(&self, id: &str) -> StoreResult<Option<ApiKeyRecord>>;
    async fn list_api_keys(&self) -> StoreResult<Vec<ApiKeyRecord>>;
    /// `false` when unknown or already revoked. Logs `event` when revoked.
    async fn revoke_api_key(&self, id: &str, event: NewSecurityEvent) -> StoreResult<bool>;
    async fn touch_api_key(&self, id: &str, at: DateTime<Utc>) -> StoreResult<()>;

    // ---- security log ----

    async fn append_security_event(&self, event: NewSecurityEvent) -> StoreResult<()>;
    /// Newest first.
    async fn security_events(
        &self,
        filter: &SecurityEventFilter,
    ) -> StoreResult<Page<SecurityEvent>>;

    // ---- outbox ----

    async fn enqueue_message(&self, message: &NewOutboxMessage) -> StoreResult<i64>;
    /// Claims up to `limit` messages due at `now` that are not sent, moving their
    /// `next_attempt_at` to `lease_until` so no other instance takes them meanwhile.
    async fn claim_messages(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<OutboxMessage>>;
    async fn mark_message_sent(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()>;
    /// Records a failed attempt (attempts + 1) and when to retry.
    async fn mark_message_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Messages to a recipient, newest first (tests, support).
    async fn messages_to(&self, recipient: &str) -> StoreResult<Vec<OutboxMessage>>;

    // ---- server secrets ----

    /// The secret called `name`, created (random, 32 bytes, from `generate`) on first use and
    /// then the same for every instance sharing the database.
    async fn server_secret(&self, name: &str, generate: &[u8]) -> StoreResult<Vec<u8>>;
}
