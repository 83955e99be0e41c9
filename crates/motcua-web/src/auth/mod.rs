//! Who is asking, and may they: sessions, API keys, CSRF and the authorization policy wired
//! to HTTP.
//!
//! Every handler that needs to know who acts takes a [`Viewer`] (an extractor): it resolves
//! the `Authorization: Bearer` header (an API key, or the bootstrap administrator token) or
//! the session cookie into a [`motcua_auth::policy::Actor`], and handlers ask
//! [`Viewer::authorize`], which calls the one pure policy function. Nothing else decides
//! access.
//!
//! - Sessions: an opaque random token in an `HttpOnly`, `SameSite=Lax` cookie (`Secure` and the
//!   `__Host-` prefix when served over TLS); the database keeps its SHA-256 digest only. Idle
//!   sessions expire ([`AuthSettings::session_idle`]), every session after
//!   [`AuthSettings::session_max`].
//! - CSRF: every form carries a token bound to the session (or, before login, to a
//!   pre-session cookie) — [`CsrfForm`] refuses a form without a valid one; API calls made with
//!   a session cookie must send it in `X-CSRF-Token`. API keys are not cookies and need none.
//! - Login ([`login`]) throttles per account and per client address with the failures kept in
//!   the database (so every instance sees them), verifies argon2id hashes off the async
//!   threads, and answers the same way whether or not the account exists.

mod csrf;
pub mod login;

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use chrono::{DateTime, TimeDelta, Utc};
use motcua_auth::password::{HashParams, PasswordHasher};
use motcua_auth::policy::{self, Action, Actor, DenyReason, Officer, Resource};
use motcua_auth::throttle::ThrottlePolicy;
use motcua_auth::token::{PresentedApiKey, ScopeSet, TokenHash};
use motcua_domain::identity::Role;
use motcua_store::{Account, OfficerRole, Store};

pub use csrf::{CsrfForm, PreSession, csrf_middleware};

use crate::AppState;
use crate::error::ApiError;

/// Settings of authentication.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Cookies get `Secure` and the `__Host-` prefix: set when the site is served over TLS.
    pub secure_cookies: bool,
    /// Officers must set up two-factor authentication before they reach their agency's work.
    pub require_totp_for_officers: bool,
    /// A session unused for this long ends.
    pub session_idle: TimeDelta,
    /// A session ends this long after login, however active.
    pub session_max: TimeDelta,
    /// How long a password-reset link works.
    pub reset_ttl: TimeDelta,
    /// The site's address as people reach it, for links in e-mails (no trailing slash).
    pub public_url: String,
    pub throttle: ThrottlePolicy,
    pub hash_params: HashParams,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            require_totp_for_officers: false,
            session_idle: TimeDelta::hours(2),
            session_max: TimeDelta::hours(12),
            reset_ttl: TimeDelta::minutes(30),
            public_url: "http://127.0.0.1:8080".into(),
            throttle: ThrottlePolicy::default(),
            hash_params: HashParams::OWASP,
        }
    }
}

/// Authentication state shared by all requests.
pub struct AuthService {
    pub settings: AuthSettings,
    pub hasher: Arc<PasswordHasher>,
    /// The server secret CSRF keys are derived from, shared by every instance (stored).
    csrf_secret: Vec<u8>,
    /// The server secret receipts' tracking secrets are derived from (stored, shared).
    tracking_secret: Vec<u8>,
}

impl AuthService {
    pub async fn load(store: &dyn Store, settings: AuthSettings) -> anyhow::Result<Self> {
        let fresh = motcua_auth::random_bytes::<32>()?;
        let csrf_secret = store.server_secret("csrf", &fresh).await?;
        let fresh = motcua_auth::random_bytes::<32>()?;
        let tracking_secret = store.server_secret("tracking", &fresh).await?;
        let hasher = Arc::new(PasswordHasher::new(settings.hash_params)?);
        Ok(Self {
            settings,
            hasher,
            csrf_secret,
            tracking_secret,
        })
    }

    /// The tracking secret of a dossier (its receipt's QR code), from the dossier's salt.
    pub fn tracking_secret(&self, salt: &str) -> String {
        motcua_auth::tracking::tracking_secret(&self.tracking_secret, salt)
    }

    /// Whether `presented` is the tracking secret of the dossier salted `salt`.
    pub fn verify_tracking_secret(&self, salt: &str, presented: &str) -> bool {
        motcua_auth::tracking::verify_tracking_secret(&self.tracking_secret, salt, presented)
    }

    pub fn session_cookie_name(&self) -> &'static str {
        if self.settings.secure_cookies {
            "__Host-mc_session"
        } else {
            "mc_session"
        }
    }

    pub fn pre_cookie_name(&self) -> &'static str {
        if self.settings.secure_cookies {
            "__Host-mc_pre"
        } else {
            "mc_pre"
        }
    }

    /// `Set-Cookie` value for a cookie of ours (`max_age` `None`: delete it).
    pub fn cookie(&self, name: &str, value: &str, max_age: Option<TimeDelta>) -> String {
        let secure = if self.settings.secure_cookies {
            "; Secure"
        } else {
            ""
        };
        match max_age {
            Some(age) => format!(
                "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{secure}",
                age.num_seconds()
            ),
            None => format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"),
        }
    }

    /// Hashes off the async threads (argon2id costs tens of milliseconds of CPU).
    pub async fn hash_password(&self, password: String) -> Result<String, ApiError> {
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || hasher.hash(&password))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("password hashing: {e}")))
    }

    /// Verifies off the async threads; `None` for the hash runs a dummy verification, so an
    /// unknown account costs the same time as a wrong password.
    pub async fn verify_password(
        &self,
        password: String,
        phc: Option<String>,
    ) -> Result<bool, ApiError> {
        let hasher = self.hasher.clone();
        tokio::task::spawn_blocking(move || match phc {
            Some(phc) => hasher.verify(&password, &phc).unwrap_or(false),
            None => {
                hasher.dummy_verify(&password);
                false
            }
        })
        .await
        .map_err(|e| ApiError::Internal(e.into()))
    }

    pub(crate) fn csrf_key(&self, binding: &TokenHash) -> motcua_auth::csrf::CsrfKey {
        motcua_auth::csrf::CsrfKey::derive(&self.csrf_secret, binding)
    }
}

/// How the viewer proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Anonymous,
    /// A session cookie; the digest of its token.
    Session {
        token_hash: String,
    },
    ApiKey {
        id: String,
    },
    /// The bootstrap administrator token of the configuration.
    AdminToken,
}

/// The person or system behind a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub via: Via,
    pub account: Option<Account>,
    /// Roles as held (also when hidden from `actor` until two-factor is set up).
    pub roles: Vec<OfficerRole>,
    /// Logged in with the right password, second factor still awaited.
    pub mfa_pending: Option<Account>,
    /// An officer who must set up two-factor authentication before reaching agency work.
    pub must_enroll_totp: bool,
    /// What CSRF tokens are bound to: the session, or the anonymous pre-session.
    csrf_binding: Option<TokenHash>,
    /// Set when a form used the pre-session, so its cookie is sent.
    pre_used: Option<Arc<std::sync::atomic::AtomicBool>>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Viewer {
    fn anonymous(ip: Option<String>, user_agent: Option<String>) -> Self {
        Self {
            actor: Actor::Anonymous,
            via: Via::Anonymous,
            account: None,
            roles: Vec::new(),
            mfa_pending: None,
            must_enroll_totp: false,
            csrf_binding: None,
            pre_used: None,
            ip,
            user_agent,
        }
    }

    pub fn account_id(&self) -> Option<i64> {
        self.account.as_ref().map(|a| a.id)
    }

    pub fn is_officer(&self) -> bool {
        matches!(self.actor, Actor::Officer(_))
    }

    pub fn session_hash(&self) -> Option<&str> {
        match &self.via {
            Via::Session { token_hash } => Some(token_hash),
            _ => None,
        }
    }

    /// Asks the policy; a refusal becomes the HTTP answer it calls for (401, 403 or 404).
    pub fn authorize(&self, action: Action, resource: &Resource) -> Result<(), ApiError> {
        match policy::authorize(&self.actor, action, resource) {
            policy::Decision::Allow => Ok(()),
            policy::Decision::Deny { reason } => Err(deny(reason)),
        }
    }

    pub fn allowed(&self, action: Action, resource: &Resource) -> bool {
        policy::authorize(&self.actor, action, resource).is_allowed()
    }

    /// May grant `role` in `agency`.
    pub fn authorize_grant(&self, agency: i64, role: Role) -> Result<(), ApiError> {
        match policy::authorize_grant(&self.actor, agency, role) {
            policy::Decision::Allow => Ok(()),
            policy::Decision::Deny { reason } => Err(deny(reason)),
        }
    }

    /// Requires somebody logged in (or an API key); 401 otherwise.
    /// API keys never reach accounts: for them the account routes do not exist (404).
    pub fn require_account(&self) -> Result<&Account, ApiError> {
        match (&self.account, &self.actor) {
            (Some(a), _) => Ok(a),
            (None, Actor::System { .. }) => Err(ApiError::NotFound),
            (None, _) => Err(ApiError::Unauthorized),
        }
    }

    /// A fresh CSRF token for a form, or `None` when there is nothing to bind it to (the
    /// pre-session middleware did not run: API paths).
    pub fn csrf_token(&self, state: &AppState) -> Option<String> {
        let binding = self.csrf_binding.as_ref()?;
        if let Some(used) = &self.pre_used {
            used.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        motcua_auth::csrf::csrf_token(&state.auth.csrf_key(binding)).ok()
    }

    pub fn csrf_valid(&self, state: &AppState, presented: &str) -> bool {
        self.csrf_binding.as_ref().is_some_and(|binding| {
            motcua_auth::csrf::verify_csrf(&state.auth.csrf_key(binding), presented)
        })
    }

    /// The agencies where the viewer holds `role`, or any role when `None`.
    pub fn agencies_with(&self, role: Option<Role>) -> BTreeSet<i64> {
        match &self.actor {
            Actor::Officer(o) => o
                .roles
                .iter()
                .filter(|(_, r)| role.is_none_or(|want| *r == want))
                .map(|(a, _)| *a)
                .collect(),
            _ => BTreeSet::new(),
        }
    }

    pub fn is_system_admin(&self) -> bool {
        matches!(&self.actor, Actor::Officer(o) if o.roles.iter().any(|(_, r)| *r == Role::SystemAdmin))
    }
}

pub(crate) fn deny(reason: DenyReason) -> ApiError {
    match reason.http_status() {
        401 => ApiError::Unauthorized,
        404 => ApiError::NotFound,
        _ => ApiError::Forbidden,
    }
}

/// The client's address as seen by this server (a reverse proxy's address when behind one;
/// trusted proxy headers are for a later configuration).
fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

pub(crate) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let viewer = resolve(parts, state).await?;
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

async fn resolve(parts: &Parts, state: &AppState) -> Result<Viewer, ApiError> {
    let ip = client_ip(parts);
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(200).collect());
    let mut viewer = Viewer::anonymous(ip, user_agent);
    let now = Utc::now();

    if let Some(presented) = bearer(&parts.headers) {
        if let Some(expected) = &state.config.admin_token
            && constant_time_eq(presented.as_bytes(), expected.as_bytes())
        {
            viewer.actor = Actor::Officer(Officer {
                account_id: 0,
                roles: vec![(0, Role::SystemAdmin)],
                supervised_agency_ids: BTreeSet::new(),
            });
            viewer.via = Via::AdminToken;
            return Ok(viewer);
        }
        let key = PresentedApiKey::parse(presented).map_err(|_| ApiError::Unauthorized)?;
        let stored = state
            .store
            .get_api_key(key.id.as_str())
            .await?
            .filter(|k| k.revoked_at.is_none())
            .ok_or(ApiError::Unauthorized)?;
        let hash = TokenHash::from_hex(&stored.secret_hash).ok_or(ApiError::Unauthorized)?;
        if !key.verify(&hash) {
            return Err(ApiError::Unauthorized);
        }
        if stored
            .last_used_at
            .is_none_or(|t| now - t > TimeDelta::minutes(1))
        {
            state.store.touch_api_key(&stored.id, now).await?;
        }
        viewer.actor = Actor::System {
            scopes: ScopeSet::from_bits(stored.scopes as u32),
        };
        viewer.via = Via::ApiKey { id: stored.id };
        return Ok(viewer);
    }

    let session_token = cookie_value(&parts.headers, state.auth.session_cookie_name())
        .filter(|t| motcua_auth::token::Token::is_well_formed(t));
    if let Some(token) = session_token {
        let hash = TokenHash::of(token);
        if let Some(session) = state.store.get_session(&hash.to_hex(), now).await? {
            let account = state
                .store
                .get_account(session.account_id)
                .await?
                .filter(|a| !a.disabled);
            if let Some(account) = account {
                if now - session.last_seen_at > TimeDelta::minutes(1) {
                    let expires = (now + state.auth.settings.session_idle)
                        .min(session.created_at + state.auth.settings.session_max);
                    state
                        .store
                        .touch_session(&session.token_hash, now, expires)
                        .await?;
                }
                viewer.csrf_binding = Some(hash);
                viewer.via = Via::Session {
                    token_hash: session.token_hash.clone(),
                };
                if session.mfa_pending {
                    viewer.mfa_pending = Some(account);
                } else {
                    set_account(&mut viewer, state, account).await?;
                }
                check_api_csrf(parts, state, &viewer)?;
                return Ok(viewer);
            }
        }
    }
    if let Some(pre) = parts.extensions.get::<PreSession>() {
        viewer.csrf_binding = Some(TokenHash::of(&pre.token));
        viewer.pre_used = Some(pre.used.clone());
    }
    Ok(viewer)
}

/// On the API, credentials presented are checked on every route, public ones included: an
/// unknown, revoked or malformed key or token is refused with 401 rather than ignored, and a
/// session-cookie call that changes something needs its CSRF token.
pub async fn api_middleware(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let presents = request.headers().contains_key(header::AUTHORIZATION)
        || cookie_value(request.headers(), state.auth.session_cookie_name()).is_some();
    if !presents {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    match <Viewer as FromRequestParts<AppState>>::from_request_parts(&mut parts, &state).await {
        Ok(_) => {
            next.run(axum::extract::Request::from_parts(parts, body))
                .await
        }
        Err(e) => e.into_response(),
    }
}

/// Fills in the account, its roles and the actor.
async fn set_account(
    viewer: &mut Viewer,
    state: &AppState,
    account: Account,
) -> anyhow::Result<()> {
    if account.kind.is_applicant() {
        viewer.actor = Actor::Applicant {
            account_id: account.id,
        };
    } else {
        let roles = state.store.officer_roles(account.id).await?;
        let totp_on = account.totp.as_ref().is_some_and(|t| t.enabled);
        viewer.must_enroll_totp = state.auth.settings.require_totp_for_officers && !totp_on;
        let held: Vec<(i64, Role)> = if viewer.must_enroll_totp {
            Vec::new()
        } else {
            roles.iter().map(|r| (r.agency_id, r.role)).collect()
        };
        let supervised = supervised_agencies(state, &held).await?;
        viewer.actor = Actor::Officer(Officer {
            account_id: account.id,
            roles: held,
            supervised_agency_ids: supervised,
        });
        viewer.roles = roles;
    }
    viewer.account = Some(account);
    Ok(())
}

/// The agencies below those where the officer is a leader or supervisor.
async fn supervised_agencies(
    state: &AppState,
    roles: &[(i64, Role)],
) -> anyhow::Result<BTreeSet<i64>> {
    let tops: Vec<i64> = roles
        .iter()
        .filter(|(_, r)| matches!(r, Role::Leader | Role::Supervisor))
        .map(|(a, _)| *a)
        .collect();
    if tops.is_empty() {
        return Ok(BTreeSet::new());
    }
    let all = state.store.all_agencies().await?;
    let mut found: BTreeSet<i64> = BTreeSet::new();
    let mut frontier = tops;
    while let Some(parent) = frontier.pop() {
        for child in all.iter().filter(|a| a.parent_id == Some(parent)) {
            if found.insert(child.id) {
                frontier.push(child.id);
            }
        }
    }
    Ok(found)
}

/// API calls that change something and are authenticated by the session cookie must carry
/// the CSRF token in `X-CSRF-Token` (pages use [`CsrfForm`]).
fn check_api_csrf(parts: &Parts, state: &AppState, viewer: &Viewer) -> Result<(), ApiError> {
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // Inside the nested API router the path has lost its prefix; the original one has not.
    let path = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path(), |o| o.0.path());
    if !unsafe_method || !path.starts_with("/api/") {
        return Ok(());
    }
    let presented = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if viewer.csrf_valid(state, presented) {
        Ok(())
    } else {
        Err(ApiError::CsrfFailed)
    }
}

/// Starts a session for `account`: returns the cookie's token. `mfa_pending` when the second
/// factor is still to be checked.
pub async fn start_session(
    state: &AppState,
    account_id: i64,
    mfa_pending: bool,
    ip: Option<String>,
    user_agent: Option<String>,
) -> Result<String, ApiError> {
    let token = motcua_auth::token::Token::generate().map_err(|e| ApiError::Internal(e.into()))?;
    let now = Utc::now();
    state
        .store
        .create_session(&motcua_store::SessionRecord {
            token_hash: token.hash().to_hex(),
            account_id,
            created_at: now,
            last_seen_at: now,
            expires_at: now + state.auth.settings.session_idle,
            mfa_pending,
            ip,
            user_agent,
        })
        .await?;
    Ok(token.expose().to_owned())
}

/// Adds a `Set-Cookie` header to a response.
pub fn with_cookie(
    mut response: axum::response::Response,
    cookie: &str,
) -> axum::response::Response {
    if let Ok(v) = axum::http::HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// The `Set-Cookie` header value carrying a session token.
pub fn session_cookie(state: &AppState, token: &str) -> String {
    state.auth.cookie(
        state.auth.session_cookie_name(),
        token,
        Some(state.auth.settings.session_max),
    )
}

/// A security event about `account_id` with the viewer's address.
pub fn event(
    viewer: &Viewer,
    kind: &str,
    account_id: Option<i64>,
    now: DateTime<Utc>,
) -> motcua_store::NewSecurityEvent {
    let mut e = motcua_store::NewSecurityEvent::new(kind, now);
    e.account_id = account_id;
    e.actor_id = viewer.account_id().filter(|me| Some(*me) != account_id);
    e.ip = viewer.ip.clone();
    e
}
