//! Accounts over HTTP: registration, sessions (login with a second factor, logout), one's own
//! profile, password and two-factor set-up, password resets.
//!
//! A session made through the API is the same cookie the pages use; changing calls made with
//! it must send `X-CSRF-Token` (the `csrf_token` of the login answer or of `GET /me`).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_auth::policy::{Action, Resource};
use motcua_domain::identity::{Email, Phone};
use motcua_domain::{FieldError, Validation};
use motcua_store::{Account, OfficerRole, ProfileUpdate};
use serde::{Deserialize, Serialize};

use super::ApiJson;
use crate::AppState;
use crate::auth::login::{self, LoginOutcome, Registration};
use crate::auth::{Viewer, session_cookie, with_cookie};
use crate::error::{ApiError, ApiResult};

/// One's own account as the API shows it (no secret, no hash).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: i64,
    /// `citizen`, `business`, `organisation` or `officer`.
    pub kind: String,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub verification: String,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
    pub totp_enabled: bool,
    pub roles: Vec<OfficerRole>,
    /// An officer who must set up two-factor authentication before reaching agency work.
    pub must_enroll_totp: bool,
    /// For `X-CSRF-Token` on changing calls made with the session cookie.
    pub csrf_token: Option<String>,
}

pub fn me_of(state: &AppState, viewer: &Viewer, account: &Account) -> Me {
    Me {
        id: account.id,
        kind: account.kind.as_str().to_owned(),
        login: account.login.clone(),
        full_name: account.full_name.clone(),
        email: account.email.clone(),
        phone: account.phone.clone(),
        verification: account.verification.as_str().to_owned(),
        address_unit_code: account.address_unit_code.clone(),
        address_line: account.address_line.clone(),
        totp_enabled: account.totp.as_ref().is_some_and(|t| t.enabled),
        roles: viewer.roles.clone(),
        must_enroll_totp: viewer.must_enroll_totp,
        csrf_token: viewer.csrf_token(state),
    }
}

/// A viewer for the session just started (for the CSRF token of the answer).
async fn viewer_for_token(state: &AppState, token: &str) -> ApiResult<Viewer> {
    let mut request = axum::http::Request::builder()
        .uri("/api/v1/me")
        .header(
            header::COOKIE,
            format!("{}={token}", state.auth.session_cookie_name()),
        )
        .body(())
        .map_err(|e| ApiError::Internal(e.into()))?
        .into_parts()
        .0;
    <Viewer as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut request, state)
        .await
}

/// `POST /api/v1/accounts`: registers a citizen, business or organisation and logs it in.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", request_body = Registration,
    responses((status = 201, body = Me, description = "created and logged in (Set-Cookie)"), (status = 422, body = crate::error::Problem)))]
pub async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<Registration>,
) -> ApiResult<Response> {
    let (_, token) = login::register(&state, &viewer, &input).await?;
    let session = viewer_for_token(&state, &token).await?;
    let account = session.require_account()?;
    let body = me_of(&state, &session, account);
    Ok(with_cookie(
        (StatusCode::CREATED, Json(body)).into_response(),
        &session_cookie(&state, &token),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    /// Personal ID, tax code, user name or e-mail address.
    pub login: Option<String>,
    pub password: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    /// `true`: send the code to `POST /api/v1/session/totp` with this session.
    pub totp_required: bool,
    pub me: Option<Me>,
    pub csrf_token: Option<String>,
}

/// `POST /api/v1/session`: logs in; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = LoginInput,
    responses((status = 200, body = LoginAnswer), (status = 422, body = crate::error::Problem, description = "wrong login or password (the same answer whether or not the account exists)"), (status = 429, body = crate::error::Problem)))]
pub async fn create_session(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<LoginInput>,
) -> ApiResult<Response> {
    let outcome = login::login(
        &state,
        &viewer,
        input.login.as_deref().unwrap_or_default(),
        input.password.as_deref().unwrap_or_default(),
    )
    .await?;
    let (token, totp_required) = match outcome {
        LoginOutcome::Done { token, .. } => (token, false),
        LoginOutcome::NeedsTotp { token } => (token, true),
    };
    let session = viewer_for_token(&state, &token).await?;
    let me = session.account.as_ref().map(|a| me_of(&state, &session, a));
    let body = LoginAnswer {
        totp_required,
        me,
        csrf_token: session.csrf_token(&state),
    };
    Ok(with_cookie(
        Json(body).into_response(),
        &session_cookie(&state, &token),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CodeInput {
    /// A 6-digit code from the authenticator app, or a recovery code.
    pub code: Option<String>,
}

/// `POST /api/v1/session/totp`: the second factor of a pending login.
#[utoipa::path(post, path = "/api/v1/session/totp", tag = "accounts", request_body = CodeInput,
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn session_totp(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<CodeInput>,
) -> ApiResult<Json<Me>> {
    let account =
        login::complete_totp(&state, &viewer, input.code.as_deref().unwrap_or_default()).await?;
    let mut me = me_of(&state, &viewer, &account);
    // The viewer was resolved while the second factor was pending: no roles loaded yet.
    me.roles = state.store.officer_roles(account.id).await?;
    Ok(Json(me))
}

/// `DELETE /api/v1/session`: logs out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts",
    responses((status = 204)))]
pub async fn delete_session(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Response> {
    login::logout(&state, &viewer).await?;
    Ok(with_cookie(
        StatusCode::NO_CONTENT.into_response(),
        &state
            .auth
            .cookie(state.auth.session_cookie_name(), "", None),
    ))
}

/// `GET /api/v1/me`: one's own account, roles and a CSRF token.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem)))]
pub async fn me(State(state): State<AppState>, viewer: Viewer) -> ApiResult<Json<Me>> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Read, &Resource::OwnAccount(account.id))?;
    Ok(Json(me_of(&state, &viewer, account)))
}

/// Profile changes: absent fields stay, empty strings clear optional ones.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ProfileInput {
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_unit_code: Option<String>,
    pub address_line: Option<String>,
}

/// Validates a profile change (all fields at once).
pub fn validate_profile(input: &ProfileInput) -> Result<ProfileUpdate, Validation> {
    let mut v = Validation::default();
    let mut update = ProfileUpdate::default();
    let blank = |s: &str| s.trim().is_empty();
    if let Some(name) = &input.full_name {
        if blank(name) {
            v.push(FieldError::required("full_name"));
        } else if name.chars().count() > 200 {
            v.push(FieldError::new(
                "full_name",
                "too_long",
                "Họ tên không được dài quá 200 ký tự.",
                "The name must be at most 200 characters.",
            ));
        } else {
            update.full_name = Some(name.trim().to_owned());
        }
    }
    if let Some(email) = &input.email {
        if blank(email) {
            v.push(FieldError::new(
                "email",
                "required",
                "Cần địa chỉ thư điện tử để nhận thông báo và đặt lại mật khẩu.",
                "An e-mail address is required for notifications and password resets.",
            ));
        } else {
            match Email::parse_field("email", email) {
                Ok(e) => update.email = Some(Some(e.lookup_key())),
                Err(e) => v.push(e),
            }
        }
    }
    if let Some(phone) = &input.phone {
        if blank(phone) {
            update.phone = Some(None);
        } else {
            match Phone::parse_field("phone", phone) {
                Ok(p) => update.phone = Some(Some(p.as_str().to_owned())),
                Err(e) => v.push(e),
            }
        }
    }
    if let Some(unit) = &input.address_unit_code {
        update.address_unit_code = Some(Some(unit.trim().to_owned()).filter(|s| !s.is_empty()));
    }
    if let Some(line) = &input.address_line {
        if line.chars().count() > 300 {
            v.push(FieldError::new(
                "address_line",
                "too_long",
                "Địa chỉ không được dài quá 300 ký tự.",
                "The address must be at most 300 characters.",
            ));
        }
        update.address_line = Some(Some(line.trim().to_owned()).filter(|s| !s.is_empty()));
    }
    v.finish()?;
    Ok(update)
}

/// Maps a taken e-mail to a message on the field.
pub fn email_taken(err: motcua_store::StoreError) -> ApiError {
    match err {
        motcua_store::StoreError::Conflict { .. } => FieldError::new(
            "email",
            "unavailable",
            "Không thể dùng địa chỉ thư điện tử này.",
            "This e-mail address cannot be used.",
        )
        .into(),
        other => other.into(),
    }
}

/// `PATCH /api/v1/me`: changes one's profile.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts", request_body = ProfileInput,
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn update_me(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<Json<Me>> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    let update = validate_profile(&input)?;
    let updated = state
        .store
        .update_profile(account.id, &update)
        .await
        .map_err(email_taken)?;
    Ok(Json(me_of(&state, &viewer, &updated)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    pub current_password: Option<String>,
    pub new_password: Option<String>,
}

/// `PUT /api/v1/me/password`: changes one's password; other sessions end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordInput,
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PasswordInput>,
) -> ApiResult<StatusCode> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    login::change_password(
        &state,
        &viewer,
        input.current_password.as_deref().unwrap_or_default(),
        input.new_password.as_deref().unwrap_or_default(),
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TotpSetup {
    /// The key in base32, to type into an authenticator app.
    pub secret: String,
    /// The `otpauth://` URI (what the QR code holds).
    pub otpauth_uri: String,
}

/// `POST /api/v1/me/totp`: starts two-factor set-up with a new key.
#[utoipa::path(post, path = "/api/v1/me/totp", tag = "accounts",
    responses((status = 200, body = TotpSetup), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn begin_totp(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<TotpSetup>> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    let (secret, otpauth_uri) = login::begin_totp(&state, &viewer).await?;
    Ok(Json(TotpSetup {
        secret,
        otpauth_uri,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RecoveryCodes {
    /// Shown once: each works once instead of a code from the app.
    pub recovery_codes: Vec<String>,
}

/// `POST /api/v1/me/totp/confirm`: turns two-factor on with a first code.
#[utoipa::path(post, path = "/api/v1/me/totp/confirm", tag = "accounts", request_body = CodeInput,
    responses((status = 200, body = RecoveryCodes), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn confirm_totp(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<CodeInput>,
) -> ApiResult<Json<RecoveryCodes>> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    let recovery_codes =
        login::confirm_totp(&state, &viewer, input.code.as_deref().unwrap_or_default()).await?;
    Ok(Json(RecoveryCodes { recovery_codes }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordConfirm {
    pub password: Option<String>,
}

/// `DELETE /api/v1/me/totp` (body: the password): turns two-factor off.
#[utoipa::path(delete, path = "/api/v1/me/totp", tag = "accounts", request_body = PasswordConfirm,
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn disable_totp(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<PasswordConfirm>,
) -> ApiResult<StatusCode> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    login::disable_totp(
        &state,
        &viewer,
        input.password.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetRequest {
    pub email: Option<String>,
}

/// `POST /api/v1/password-resets`: e-mails a reset link if an account has this address.
/// Always 202, so the answer does not tell whether it does.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "accounts", request_body = ResetRequest,
    responses((status = 202), (status = 422, body = crate::error::Problem, description = "not an e-mail address")))]
pub async fn request_reset(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ResetRequest>,
) -> ApiResult<StatusCode> {
    login::request_reset(&state, &viewer, input.email.as_deref().unwrap_or_default()).await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ResetCompletion {
    /// The token from the e-mailed link.
    pub token: Option<String>,
    pub new_password: Option<String>,
}

/// `POST /api/v1/password-resets/complete`: sets a new password with the e-mailed token.
#[utoipa::path(post, path = "/api/v1/password-resets/complete", tag = "accounts", request_body = ResetCompletion,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn complete_reset(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<ResetCompletion>,
) -> ApiResult<StatusCode> {
    login::complete_reset(
        &state,
        &viewer,
        input.token.as_deref().unwrap_or_default(),
        input.new_password.as_deref().unwrap_or_default(),
        None,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
