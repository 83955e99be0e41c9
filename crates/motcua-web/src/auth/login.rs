//! The account operations shared by pages and API: registration, login with throttling and a
//! second factor, password changes and resets, two-factor set-up. Handlers only translate
//! HTTP to these and back, so pages and API cannot disagree.

use chrono::{DateTime, Utc};
use motcua_auth::throttle::{ThrottleDecision, account_key};
use motcua_auth::token::{Token, TokenHash};
use motcua_auth::totp::{TotpSecret, recovery};
use motcua_domain::identity::{
    Email, PersonalId, Phone, TaxCode, VerificationLevel, password as password_policy,
};
use motcua_domain::{FieldError, Validation};
use motcua_store::{
    Account, AccountKind, NewAccount, NewOutboxMessage, NewSecurityEvent, StoreError, TotpState,
};
use serde::Deserialize;

use super::{Viewer, event, start_session};
use crate::AppState;
use crate::error::ApiError;

/// What a person fills in to register (page form and API body).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct Registration {
    /// `citizen`, `business` or `organisation`.
    pub kind: Option<String>,
    /// The 12-digit personal ID for a citizen, the tax code for a business or organisation.
    pub identifier: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub password: Option<String>,
    /// The password typed again (pages); optional in the API.
    pub password_confirm: Option<String>,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
}

fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Checks every field at once and returns the account to create (password not yet hashed).
pub fn validate_registration(
    r: &Registration,
    today: chrono::NaiveDate,
) -> Result<(NewAccount, String), Validation> {
    let mut v = Validation::default();
    let kind = match present(&r.kind) {
        None => {
            v.push(FieldError::required("kind"));
            None
        }
        Some(k) => match AccountKind::parse(k).filter(|k| k.is_applicant()) {
            Some(k) => Some(k),
            None => {
                v.push(FieldError::new(
                    "kind",
                    "one_of",
                    "Loại tài khoản phải là công dân, doanh nghiệp hoặc tổ chức.",
                    "The account kind must be citizen, business or organisation.",
                ));
                None
            }
        },
    };
    let login = match (kind, present(&r.identifier)) {
        (_, None) => {
            v.push(FieldError::required("identifier"));
            None
        }
        (Some(AccountKind::Citizen), Some(id)) => {
            match PersonalId::parse_field_as_of("identifier", id, today) {
                Ok(p) => Some(p.as_str().to_owned()),
                Err(e) => {
                    v.push(e);
                    None
                }
            }
        }
        (Some(_), Some(id)) => match TaxCode::parse_field("identifier", id) {
            Ok(t) => Some(t.as_str().to_owned()),
            Err(e) => {
                v.push(e);
                None
            }
        },
        (None, Some(_)) => None,
    };
    let full_name = present(&r.full_name).map(str::to_owned);
    match &full_name {
        None => v.push(FieldError::required("full_name")),
        Some(n) if n.chars().count() > 200 => v.push(FieldError::new(
            "full_name",
            "too_long",
            "Họ tên không được dài quá 200 ký tự.",
            "The name must be at most 200 characters.",
        )),
        _ => {}
    }
    let email = match present(&r.email) {
        None => {
            v.push(FieldError::new(
                "email",
                "required",
                "Cần địa chỉ thư điện tử để nhận thông báo và đặt lại mật khẩu.",
                "An e-mail address is required for notifications and password resets.",
            ));
            None
        }
        Some(e) => match Email::parse_field("email", e) {
            Ok(e) => Some(e),
            Err(err) => {
                v.push(err);
                None
            }
        },
    };
    let phone = match present(&r.phone) {
        None => None,
        Some(p) => match Phone::parse_field("phone", p) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(e) => {
                v.push(e);
                None
            }
        },
    };
    let password = r.password.clone().unwrap_or_default();
    let identifiers: Vec<&str> = [login.as_deref(), email.as_ref().map(|e| e.as_str())]
        .into_iter()
        .flatten()
        .chain(phone.as_deref())
        .collect();
    password_policy::check_into(&mut v, "password", &password, &identifiers);
    if let Some(confirm) = &r.password_confirm
        && *confirm != password
    {
        v.push(FieldError::new(
            "password_confirm",
            "mismatch",
            "Mật khẩu nhập lại không khớp.",
            "The passwords do not match.",
        ));
    }
    let address_line = present(&r.address_line).map(str::to_owned);
    if address_line
        .as_ref()
        .is_some_and(|a| a.chars().count() > 300)
    {
        v.push(FieldError::new(
            "address_line",
            "too_long",
            "Địa chỉ không được dài quá 300 ký tự.",
            "The address must be at most 300 characters.",
        ));
    }
    v.finish()?;
    let (Some(kind), Some(login), Some(full_name), Some(email)) = (kind, login, full_name, email)
    else {
        unreachable!("every missing field was reported above")
    };
    Ok((
        NewAccount {
            kind,
            login,
            full_name,
            email: Some(email.lookup_key()),
            phone,
            password_hash: String::new(),
            verification: VerificationLevel::SelfRegistered,
            address_unit_code: present(&r.address_unit_code).map(str::to_owned),
            address_line,
        },
        password,
    ))
}

/// Registers an applicant and logs them in; returns the account and the session token.
pub async fn register(
    state: &AppState,
    viewer: &Viewer,
    r: &Registration,
) -> Result<(Account, String), ApiError> {
    let today = Utc::now()
        .with_timezone(&motcua_calendar::vietnam())
        .date_naive();
    let (mut account, password) = validate_registration(r, today)?;
    account.password_hash = state.auth.hash_password(password).await?;
    let now = Utc::now();
    let created = state
        .store
        .create_account(&account, event(viewer, "register", None, now))
        .await
        .map_err(|e| match e {
            // One message for both, so registration does not tell which identifier or
            // address already has an account.
            StoreError::Conflict { .. } => ApiError::Invalid(
                FieldError::new(
                    "identifier",
                    "unavailable",
                    "Không thể đăng ký với số định danh hoặc thư điện tử này. Nếu bạn đã có tài khoản, hãy đăng nhập hoặc đặt lại mật khẩu.",
                    "Cannot register with this identifier or e-mail. If you already have an account, log in or reset your password.",
                )
                .into(),
            ),
            other => other.into(),
        })?;
    let token = start_session(
        state,
        created.id,
        false,
        viewer.ip.clone(),
        viewer.user_agent.clone(),
    )
    .await?;
    Ok((created, token))
}

/// How a login name is looked up: e-mail addresses by their lookup key, identifiers without
/// spaces, user names in lower case.
pub fn normalize_login(input: &str) -> String {
    let trimmed = input.trim();
    if trimmed.contains('@') {
        return Email::parse(trimmed)
            .map(|e| e.lookup_key())
            .unwrap_or_else(|_| trimmed.to_lowercase());
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    compact.to_lowercase()
}

/// What a correct password leads to.
pub enum LoginOutcome {
    /// Logged in.
    Done {
        account: Box<Account>,
        token: String,
    },
    /// The password was right; the second factor is awaited on this (pending) session.
    NeedsTotp { token: String },
}

pub enum LoginError {
    /// Wrong name or password, unknown or disabled account: one answer for all.
    Invalid,
    /// Too many failures: try again later.
    Throttled {
        retry_after: u64,
    },
    Other(ApiError),
}

impl From<ApiError> for LoginError {
    fn from(e: ApiError) -> Self {
        Self::Other(e)
    }
}

impl From<StoreError> for LoginError {
    fn from(e: StoreError) -> Self {
        Self::Other(e.into())
    }
}

impl From<LoginError> for ApiError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Invalid => ApiError::Invalid(invalid_credentials().into()),
            LoginError::Throttled { retry_after } => ApiError::TooManyRequests { retry_after },
            LoginError::Other(e) => e,
        }
    }
}

pub fn invalid_credentials() -> FieldError {
    FieldError::new(
        "login",
        "invalid_credentials",
        "Tên đăng nhập hoặc mật khẩu không đúng.",
        "Wrong login name or password.",
    )
}

fn client_key(viewer: &Viewer) -> String {
    format!("ip:{}", viewer.ip.as_deref().unwrap_or("unknown"))
}

/// Throttle check for an account key and the viewer's address.
async fn throttle(
    state: &AppState,
    viewer: &Viewer,
    account_key: &str,
    now: DateTime<Utc>,
) -> Result<(), LoginError> {
    let policy = &state.auth.settings.throttle;
    let since = now - policy.account_window.max(policy.ip_window);
    let account_failures = state.store.login_failures(account_key, since).await?;
    let ip_failures = state
        .store
        .login_failures(&client_key(viewer), now - policy.ip_window)
        .await?;
    match policy.decide(&account_failures, &ip_failures, now) {
        ThrottleDecision::Allow => Ok(()),
        decision => Err(LoginError::Throttled {
            retry_after: decision.retry_after_secs(now).unwrap_or(1).max(1),
        }),
    }
}

/// Records a failure; logs a lockout when this failure locks the account key.
async fn fail(
    state: &AppState,
    viewer: &Viewer,
    account_key: &str,
    account_id: Option<i64>,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<(), LoginError> {
    state.store.record_login_failure(account_key, now).await?;
    state
        .store
        .record_login_failure(&client_key(viewer), now)
        .await?;
    let mut e = event(viewer, kind, account_id, now);
    e.actor_id = None;
    state.store.append_security_event(e).await?;
    let policy = &state.auth.settings.throttle;
    let failures = state
        .store
        .login_failures(account_key, now - policy.account_window)
        .await?;
    if let Some(until) = policy.account_locked_until(&failures, now) {
        let mut e = event(viewer, "lockout", account_id, now);
        e.actor_id = None;
        e.detail = serde_json::json!({ "until": until });
        state.store.append_security_event(e).await?;
    }
    Ok(())
}

/// Checks a login name and password. Unknown accounts cost the same time as known ones, and
/// every refusal reads the same.
pub async fn login(
    state: &AppState,
    viewer: &Viewer,
    login_input: &str,
    password: &str,
) -> Result<LoginOutcome, LoginError> {
    let now = Utc::now();
    let name = normalize_login(login_input);
    if name.is_empty() || password.is_empty() {
        return Err(LoginError::Invalid);
    }
    let key = account_key(&name);
    throttle(state, viewer, &key, now).await?;
    let account = state.store.find_account_for_login(&name).await?;
    let ok = state
        .auth
        .verify_password(
            password.to_owned(),
            account.as_ref().map(|a| a.password_hash.clone()),
        )
        .await?;
    let Some(account) = account.filter(|a| ok && !a.disabled) else {
        fail(state, viewer, &key, None, "login_failed", now).await?;
        return Err(LoginError::Invalid);
    };
    state.store.clear_login_failures(&key).await?;
    if state.auth.hasher.needs_rehash(&account.password_hash) {
        let hash = state.auth.hash_password(password.to_owned()).await?;
        state.store.rehash_password(account.id, &hash).await?;
    }
    let totp_on = account.totp.as_ref().is_some_and(|t| t.enabled);
    let token = start_session(
        state,
        account.id,
        totp_on,
        viewer.ip.clone(),
        viewer.user_agent.clone(),
    )
    .await?;
    let mut e = event(
        viewer,
        if totp_on {
            "login_password_ok"
        } else {
            "login"
        },
        Some(account.id),
        now,
    );
    e.actor_id = None;
    state.store.append_security_event(e).await?;
    Ok(if totp_on {
        LoginOutcome::NeedsTotp { token }
    } else {
        LoginOutcome::Done {
            account: Box::new(account),
            token,
        }
    })
}

/// The second step of a login: a TOTP code or a recovery code for the pending session.
pub async fn complete_totp(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<Account, LoginError> {
    let now = Utc::now();
    let (Some(account), Some(session)) = (viewer.mfa_pending.as_ref(), viewer.session_hash())
    else {
        return Err(LoginError::Other(ApiError::Unauthorized));
    };
    let key = format!("totp:{}", account.id);
    throttle(state, viewer, &key, now).await?;
    let Some(totp) = account.totp.as_ref().filter(|t| t.enabled) else {
        return Err(LoginError::Other(ApiError::Unauthorized));
    };
    if !check_second_factor(state, account, totp, code, now).await? {
        fail(state, viewer, &key, Some(account.id), "totp_failed", now).await?;
        return Err(LoginError::Other(ApiError::Invalid(wrong_code().into())));
    }
    state.store.clear_login_failures(&key).await?;
    state.store.complete_session_mfa(session).await?;
    let mut e = event(viewer, "login", Some(account.id), now);
    e.actor_id = None;
    e.detail = serde_json::json!({ "second_factor": true });
    state.store.append_security_event(e).await?;
    Ok(account.clone())
}

pub fn wrong_code() -> FieldError {
    FieldError::new(
        "code",
        "invalid",
        "Mã xác thực không đúng hoặc đã được dùng.",
        "The code is wrong or was already used.",
    )
}

/// A TOTP code (not replayed) or an unused recovery code.
async fn check_second_factor(
    state: &AppState,
    account: &Account,
    totp: &TotpState,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, ApiError> {
    let secret = TotpSecret::from_base32(&totp.secret_base32)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored TOTP secret: {e}")))?;
    let last = totp.last_step.and_then(|s| u64::try_from(s).ok());
    if let Ok(step) = secret.verify(code, now, last) {
        return Ok(state
            .store
            .advance_totp_step(account.id, step as i64)
            .await?);
    }
    let hasher = state.auth.hasher.clone();
    let hashes = totp.recovery_hashes.clone();
    let presented = code.to_owned();
    let found = tokio::task::spawn_blocking(move || {
        recovery::find(&hasher, &presented, &hashes)
            .ok()
            .flatten()
            .map(|i| hashes[i].clone())
    })
    .await
    .map_err(|e| ApiError::Internal(e.into()))?;
    match found {
        Some(hash) => Ok(state.store.consume_recovery_code(account.id, &hash).await?),
        None => Ok(false),
    }
}

/// Changes the password after checking the current one; other sessions end.
pub async fn change_password(
    state: &AppState,
    viewer: &Viewer,
    current: &str,
    new: &str,
    confirm: Option<&str>,
) -> Result<(), ApiError> {
    let account = viewer.require_account()?;
    let now = Utc::now();
    let key = format!("password:{}", account.id);
    throttle(state, viewer, &key, now).await?;
    let mut v = Validation::default();
    let ok = state
        .auth
        .verify_password(current.to_owned(), Some(account.password_hash.clone()))
        .await?;
    if !ok {
        fail(
            state,
            viewer,
            &key,
            Some(account.id),
            "password_change_failed",
            now,
        )
        .await?;
        v.push(FieldError::new(
            "current_password",
            "invalid",
            "Mật khẩu hiện tại không đúng.",
            "The current password is wrong.",
        ));
    }
    let ids: Vec<&str> = [Some(account.login.as_str()), account.email.as_deref()]
        .into_iter()
        .flatten()
        .chain(account.phone.as_deref())
        .collect();
    password_policy::check_into(&mut v, "new_password", new, &ids);
    if confirm.is_some_and(|c| c != new) {
        v.push(FieldError::new(
            "new_password_confirm",
            "mismatch",
            "Mật khẩu nhập lại không khớp.",
            "The passwords do not match.",
        ));
    }
    v.finish()?;
    let hash = state.auth.hash_password(new.to_owned()).await?;
    state
        .store
        .set_password(
            account.id,
            &hash,
            viewer.session_hash(),
            event(viewer, "password_changed", Some(account.id), now),
        )
        .await?;
    Ok(())
}

/// Sends a reset link if an account has this e-mail; says nothing either way.
pub async fn request_reset(state: &AppState, viewer: &Viewer, email: &str) -> Result<(), ApiError> {
    let email = Email::parse_field("email", email)?;
    let now = Utc::now();
    let key = format!("reset:{}", email.lookup_key());
    // Throttled quietly: the answer is the same, only no more mail is sent.
    if throttle(state, viewer, &key, now).await.is_err() {
        return Ok(());
    }
    state.store.record_login_failure(&key, now).await?;
    let Some(account) = state
        .store
        .find_account_by_email(&email.lookup_key())
        .await?
        .filter(|a| !a.disabled)
    else {
        return Ok(());
    };
    let token = Token::generate().map_err(|e| ApiError::Internal(e.into()))?;
    let link = format!(
        "{}/password/reset?token={}",
        state.auth.settings.public_url,
        token.expose()
    );
    let minutes = state.auth.settings.reset_ttl.num_minutes();
    let message = NewOutboxMessage {
        channel: "email".into(),
        recipient: account.email.clone().unwrap_or_default(),
        subject: "Đặt lại mật khẩu / Password reset — motcua".into(),
        body: format!(
            "Xin chào {name},\n\nĐể đặt lại mật khẩu, hãy mở liên kết sau (có hiệu lực {minutes} phút, dùng một lần):\n{link}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này; mật khẩu của bạn không thay đổi.\n\n---\nHello {name},\n\nTo reset your password, open this link (valid for {minutes} minutes, once):\n{link}\n\nIf you did not ask for this, ignore this message; your password is unchanged.\n",
            name = account.full_name
        ),
    };
    state
        .store
        .create_password_reset(
            &token.hash().to_hex(),
            account.id,
            now + state.auth.settings.reset_ttl,
            &message,
            event(viewer, "password_reset_requested", Some(account.id), now),
        )
        .await?;
    Ok(())
}

pub fn invalid_reset_token() -> FieldError {
    FieldError::new(
        "token",
        "invalid",
        "Liên kết đặt lại mật khẩu không hợp lệ, đã hết hạn hoặc đã được dùng.",
        "The reset link is invalid, expired or already used.",
    )
}

/// Sets a new password with a reset token; every session of the account ends.
pub async fn complete_reset(
    state: &AppState,
    viewer: &Viewer,
    token: &str,
    new: &str,
    confirm: Option<&str>,
) -> Result<(), ApiError> {
    let mut v = Validation::default();
    password_policy::check_into(&mut v, "new_password", new, &[]);
    if confirm.is_some_and(|c| c != new) {
        v.push(FieldError::new(
            "new_password_confirm",
            "mismatch",
            "Mật khẩu nhập lại không khớp.",
            "The passwords do not match.",
        ));
    }
    v.finish()?;
    let now = Utc::now();
    if !Token::is_well_formed(token) {
        return Err(invalid_reset_token().into());
    }
    let hash_of_token = TokenHash::of(token).to_hex();
    // The token first: a guessed one costs a lookup, not an argon2 hash. (A crash between the
    // two steps only burns the link; the person asks for another.)
    let account_id = state
        .store
        .consume_password_reset(&hash_of_token, now)
        .await?
        .ok_or_else(|| ApiError::from(invalid_reset_token()))?;
    let hash = state.auth.hash_password(new.to_owned()).await?;
    state
        .store
        .set_password(
            account_id,
            &hash,
            None,
            event(viewer, "password_reset", Some(account_id), now),
        )
        .await?;
    Ok(())
}

/// A new pending TOTP secret for the viewer (replacing a pending one); not yet enabled.
pub async fn begin_totp(state: &AppState, viewer: &Viewer) -> Result<(String, String), ApiError> {
    let account = viewer.require_account()?;
    if account.totp.as_ref().is_some_and(|t| t.enabled) {
        return Err(FieldError::new(
            "totp",
            "already_enabled",
            "Xác thực hai lớp đã được bật.",
            "Two-factor authentication is already on.",
        )
        .into());
    }
    let secret = TotpSecret::generate().map_err(|e| ApiError::Internal(e.into()))?;
    let base32 = secret.to_base32().expose().clone();
    let uri = secret.provisioning_uri(&account.login).expose().clone();
    state
        .store
        .set_totp(
            account.id,
            Some(&TotpState {
                secret_base32: base32.clone(),
                enabled: false,
                last_step: None,
                recovery_hashes: Vec::new(),
            }),
            None,
        )
        .await?;
    Ok((base32, uri))
}

/// Turns two-factor on with a first valid code; returns the recovery codes (shown once).
pub async fn confirm_totp(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
) -> Result<Vec<String>, ApiError> {
    let account = viewer.require_account()?;
    let now = Utc::now();
    let Some(pending) = account.totp.as_ref().filter(|t| !t.enabled) else {
        return Err(FieldError::new(
            "code",
            "no_pending_setup",
            "Chưa bắt đầu thiết lập xác thực hai lớp.",
            "Two-factor set-up has not been started.",
        )
        .into());
    };
    let key = format!("totp:{}", account.id);
    throttle(state, viewer, &key, now).await?;
    let secret = TotpSecret::from_base32(&pending.secret_base32)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored TOTP secret: {e}")))?;
    let Ok(step) = secret.verify(code, now, None) else {
        fail(state, viewer, &key, Some(account.id), "totp_failed", now).await?;
        return Err(wrong_code().into());
    };
    let codes = recovery::generate().map_err(|e| ApiError::Internal(e.into()))?;
    let hasher = state.auth.hasher.clone();
    let shown: Vec<String> = codes.iter().map(|c| c.display().expose().clone()).collect();
    let hashes = tokio::task::spawn_blocking(move || recovery::hash_all(&hasher, &codes))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing recovery codes: {e}")))?;
    state
        .store
        .set_totp(
            account.id,
            Some(&TotpState {
                secret_base32: pending.secret_base32.clone(),
                enabled: true,
                last_step: Some(step as i64),
                recovery_hashes: hashes,
            }),
            Some(event(viewer, "totp_enabled", Some(account.id), now)),
        )
        .await?;
    Ok(shown)
}

/// Turns two-factor off after checking the password.
pub async fn disable_totp(
    state: &AppState,
    viewer: &Viewer,
    password: &str,
) -> Result<(), ApiError> {
    let account = viewer.require_account()?;
    let now = Utc::now();
    let key = format!("password:{}", account.id);
    throttle(state, viewer, &key, now).await?;
    let ok = state
        .auth
        .verify_password(password.to_owned(), Some(account.password_hash.clone()))
        .await?;
    if !ok {
        fail(
            state,
            viewer,
            &key,
            Some(account.id),
            "totp_disable_failed",
            now,
        )
        .await?;
        return Err(FieldError::new(
            "password",
            "invalid",
            "Mật khẩu không đúng.",
            "Wrong password.",
        )
        .into());
    }
    state
        .store
        .set_totp(
            account.id,
            None,
            Some(event(viewer, "totp_disabled", Some(account.id), now)),
        )
        .await?;
    Ok(())
}

/// Ends the viewer's session.
pub async fn logout(state: &AppState, viewer: &Viewer) -> Result<(), ApiError> {
    if let Some(hash) = viewer.session_hash() {
        state.store.delete_session(hash).await?;
        let account = viewer
            .account_id()
            .or(viewer.mfa_pending.as_ref().map(|a| a.id));
        let mut e = event(viewer, "logout", account, Utc::now());
        e.actor_id = None;
        state.store.append_security_event(e).await?;
    }
    Ok(())
}

/// New security event helper for administrative actions.
pub fn admin_event(
    viewer: &Viewer,
    kind: &str,
    account_id: Option<i64>,
    agency_id: Option<i64>,
) -> NewSecurityEvent {
    let mut e = event(viewer, kind, account_id, Utc::now());
    e.agency_id = agency_id;
    e
}

/// An officer account created by an administrator.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewOfficerInput {
    /// A user name: 3–40 lower-case letters, digits, `.`, `_` or `-`.
    pub login: Option<String>,
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The initial password (the officer changes it).
    pub password: Option<String>,
    /// The first role in the agency.
    pub role: Option<String>,
    /// A receiving point code of the agency (receiving officers).
    pub receiving_point: Option<String>,
}

/// Validates an officer account; returns it (unhashed password) and its first role.
pub fn validate_officer(
    input: &NewOfficerInput,
) -> Result<(NewAccount, String, motcua_domain::identity::Role), Validation> {
    let mut v = Validation::default();
    let login = present(&input.login).map(|s| s.to_lowercase());
    match &login {
        None => v.push(FieldError::required("login")),
        Some(l)
            if !(3..=40).contains(&l.len())
                || !l
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                || l.bytes().all(|b| b.is_ascii_digit()) =>
        {
            v.push(FieldError::new(
                "login",
                "format",
                "Tên đăng nhập gồm 3–40 chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang (không chỉ gồm chữ số).",
                "A user name has 3–40 lower-case letters, digits, dots, underscores or hyphens (not digits only).",
            ))
        }
        _ => {}
    }
    let full_name = present(&input.full_name).map(str::to_owned);
    if full_name.is_none() {
        v.push(FieldError::required("full_name"));
    }
    let email = match present(&input.email) {
        None => None,
        Some(e) => match Email::parse_field("email", e) {
            Ok(e) => Some(e.lookup_key()),
            Err(err) => {
                v.push(err);
                None
            }
        },
    };
    let phone = match present(&input.phone) {
        None => None,
        Some(p) => match Phone::parse_field("phone", p) {
            Ok(p) => Some(p.as_str().to_owned()),
            Err(e) => {
                v.push(e);
                None
            }
        },
    };
    let password = input.password.clone().unwrap_or_default();
    let ids: Vec<&str> = login
        .iter()
        .map(String::as_str)
        .chain(email.as_deref())
        .collect();
    password_policy::check_into(&mut v, "password", &password, &ids);
    let role = match present(&input.role) {
        None => {
            v.push(FieldError::required("role"));
            None
        }
        Some(r) => match r.parse::<motcua_domain::identity::Role>() {
            Ok(r) => Some(r),
            Err(e) => {
                v.push(e);
                None
            }
        },
    };
    v.finish()?;
    let (Some(login), Some(full_name), Some(role)) = (login, full_name, role) else {
        unreachable!("reported above")
    };
    Ok((
        NewAccount {
            kind: AccountKind::Officer,
            login,
            full_name,
            email,
            phone,
            password_hash: String::new(),
            verification: VerificationLevel::CounterVerified,
            address_unit_code: None,
            address_line: None,
        },
        password,
        role,
    ))
}
