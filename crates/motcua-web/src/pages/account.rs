//! Account pages: log in (with a second factor), log out, register, profile, password,
//! two-factor set-up, forgotten password. Every form carries a CSRF token ([`CsrfForm`]) and
//! calls the same operations as the API ([`crate::auth::login`]).

use axum::extract::{OriginalUri, Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use motcua_auth::policy::{Action, Resource};
use serde::Deserialize;

use super::{error_page, form_errors, login_redirect, page, see_other};
use crate::AppState;
use crate::api::accounts::{ProfileInput, email_taken, validate_profile};
use crate::auth::login::{self, LoginError, LoginOutcome, Registration};
use crate::auth::{CsrfForm, Viewer, session_cookie, with_cookie};
use crate::error::ApiError;
use crate::i18n::Lang;

/// Only local paths are followed after login (no open redirect).
fn safe_next(next: Option<&str>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .map(str::to_owned)
}

/// Renders a form page, or the error page when the failure is not about the input.
fn form_or_error(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    template: &str,
    err: ApiError,
    ctx: Value,
) -> Response {
    match form_errors(&err, lang) {
        Some(errors) => {
            let mut response = page(
                state,
                lang,
                uri,
                template,
                context! { errors, csrf => viewer.csrf_token(state), ..ctx },
            );
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        None => match err {
            ApiError::TooManyRequests { retry_after } => {
                let mut response = page(
                    state,
                    lang,
                    uri,
                    template,
                    context! { throttled => retry_after, csrf => viewer.csrf_token(state), ..ctx },
                );
                *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
                response
            }
            other => error_page(state, lang, uri, other),
        },
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<NextQuery>,
) -> Response {
    if viewer.account.is_some() {
        return see_other(&safe_next(q.next.as_deref()).unwrap_or_else(|| "/account".into()));
    }
    page(
        &state,
        lang,
        &uri,
        "login.html",
        context! { csrf => viewer.csrf_token(&state), next => safe_next(q.next.as_deref()) },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    login: Option<String>,
    password: Option<String>,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<LoginForm>,
) -> Response {
    let name = form.login.clone().unwrap_or_default();
    let next = safe_next(form.next.as_deref());
    match login::login(
        &state,
        &viewer,
        &name,
        form.password.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(LoginOutcome::Done { account, token }) => {
            let default = if account.kind.is_applicant() {
                "/account"
            } else {
                "/work"
            };
            with_cookie(
                see_other(&next.unwrap_or_else(|| default.into())),
                &session_cookie(&state, &token),
            )
        }
        Ok(LoginOutcome::NeedsTotp { token }) => {
            let to = match next {
                Some(n) => format!(
                    "/login/totp?next={}",
                    form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()
                ),
                None => "/login/totp".into(),
            };
            with_cookie(see_other(&to), &session_cookie(&state, &token))
        }
        Err(e) => {
            let err = match e {
                LoginError::Invalid => ApiError::Invalid(login::invalid_credentials().into()),
                LoginError::Throttled { retry_after } => ApiError::TooManyRequests { retry_after },
                LoginError::Other(e) => e,
            };
            form_or_error(
                &state,
                lang,
                &uri,
                &viewer,
                "login.html",
                err,
                context! { login => name, next },
            )
        }
    }
}

pub async fn totp_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<NextQuery>,
) -> Response {
    if viewer.mfa_pending.is_none() {
        return see_other("/login");
    }
    page(
        &state,
        lang,
        &uri,
        "login_totp.html",
        context! { csrf => viewer.csrf_token(&state), next => safe_next(q.next.as_deref()) },
    )
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: Option<String>,
    next: Option<String>,
}

pub async fn totp_login(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<CodeForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    match login::complete_totp(&state, &viewer, form.code.as_deref().unwrap_or_default()).await {
        Ok(account) => {
            let default = if account.kind.is_applicant() {
                "/account"
            } else {
                "/work"
            };
            see_other(&next.unwrap_or_else(|| default.into()))
        }
        Err(e) => form_or_error(
            &state,
            lang,
            &uri,
            &viewer,
            "login_totp.html",
            e.into(),
            context! { next },
        ),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, .. }: CsrfForm<Empty>,
) -> Response {
    match login::logout(&state, &viewer).await {
        Ok(()) => with_cookie(
            see_other("/"),
            &state
                .auth
                .cookie(state.auth.session_cookie_name(), "", None),
        ),
        Err(e) => error_page(&state, lang, &uri, e),
    }
}

async fn provinces(state: &AppState) -> Vec<Value> {
    let filter = motcua_store::UnitFilter {
        level: Some(motcua_domain::unit::UnitLevel::Province),
        page: motcua_store::PageRequest::new(None, Some(100)),
        ..Default::default()
    };
    state
        .store
        .list_units(&filter)
        .await
        .map(|p| {
            p.items
                .into_iter()
                .map(|u| context! { code => u.code, name => u.full_name })
                .collect()
        })
        .unwrap_or_default()
}

pub async fn register_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    if viewer.account.is_some() {
        return see_other("/account");
    }
    let provinces = provinces(&state).await;
    page(
        &state,
        lang,
        &uri,
        "register.html",
        context! { csrf => viewer.csrf_token(&state), provinces, form => context! { kind => "citizen" } },
    )
}

pub async fn register(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<Registration>,
) -> Response {
    match login::register(&state, &viewer, &form).await {
        Ok((_, token)) => with_cookie(
            see_other("/account?welcome=1"),
            &session_cookie(&state, &token),
        ),
        Err(err) => {
            let provinces = provinces(&state).await;
            let kept = context! {
                kind => form.kind, identifier => form.identifier, full_name => form.full_name,
                email => form.email, phone => form.phone, address_unit_code => form.address_unit_code,
                address_line => form.address_line,
            };
            form_or_error(
                &state,
                lang,
                &uri,
                &viewer,
                "register.html",
                err,
                context! { provinces, form => kept },
            )
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ProfileQuery {
    welcome: Option<String>,
    saved: Option<String>,
}

async fn profile_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    extra: Value,
) -> Response {
    let Some(account) = viewer.account.as_ref() else {
        return login_redirect(uri);
    };
    let unit = match &account.address_unit_code {
        Some(code) => state.store.get_unit(code).await.ok().flatten(),
        None => None,
    };
    let roles: Vec<Value> = viewer
        .roles
        .iter()
        .map(|r| context! { agency_code => r.agency_code, agency_name => r.agency_name, role => r.role.as_str(), receiving_point => r.receiving_point })
        .collect();
    let provinces = provinces(state).await;
    page(
        state,
        lang,
        uri,
        "account.html",
        context! {
            csrf => viewer.csrf_token(state),
            account => context! {
                kind => account.kind.as_str(), login => account.login, full_name => account.full_name,
                email => account.email, phone => account.phone, verification => account.verification.as_str(),
                address_unit_code => account.address_unit_code, address_line => account.address_line,
                unit_name => unit.map(|u| u.full_name),
                totp_enabled => account.totp.as_ref().is_some_and(|t| t.enabled),
            },
            roles, provinces, must_enroll_totp => viewer.must_enroll_totp,
            ..extra
        },
    )
}

pub async fn profile(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<ProfileQuery>,
) -> Response {
    profile_page(
        &state,
        lang,
        &uri,
        &viewer,
        context! { welcome => q.welcome.is_some(), saved => q.saved.is_some() },
    )
    .await
}

pub async fn update_profile(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<ProfileInput>,
) -> Response {
    let result = async {
        let account = viewer.require_account()?;
        viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
        let update = validate_profile(&form)?;
        state
            .store
            .update_profile(account.id, &update)
            .await
            .map_err(email_taken)
    }
    .await;
    match result {
        Ok(_) => see_other("/account?saved=1"),
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => {
                let mut r = profile_page(&state, lang, &uri, &viewer, context! { errors }).await;
                *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}

pub async fn password_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    page(
        &state,
        lang,
        &uri,
        "password.html",
        context! { csrf => viewer.csrf_token(&state) },
    )
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: Option<String>,
    new_password: Option<String>,
    new_password_confirm: Option<String>,
}

pub async fn change_password(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<PasswordForm>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    match login::change_password(
        &state,
        &viewer,
        form.current_password.as_deref().unwrap_or_default(),
        form.new_password.as_deref().unwrap_or_default(),
        Some(form.new_password_confirm.as_deref().unwrap_or_default()),
    )
    .await
    {
        Ok(()) => page(
            &state,
            lang,
            &uri,
            "password.html",
            context! { done => true },
        ),
        Err(err) => form_or_error(
            &state,
            lang,
            &uri,
            &viewer,
            "password.html",
            err,
            context! {},
        ),
    }
}

/// A QR code of `text` as inline SVG (rendered here: no remote service, no script).
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

pub async fn totp_setup(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    let Some(account) = viewer.account.as_ref() else {
        return login_redirect(&uri);
    };
    if account.totp.as_ref().is_some_and(|t| t.enabled) {
        return page(
            &state,
            lang,
            &uri,
            "totp.html",
            context! { enabled => true, csrf => viewer.csrf_token(&state) },
        );
    }
    match login::begin_totp(&state, &viewer).await {
        Ok((secret, uri_text)) => {
            let qr = qr_svg(&uri_text);
            // Group the key in fours for typing.
            let grouped: String = secret
                .as_bytes()
                .chunks(4)
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            page(
                &state,
                lang,
                &uri,
                "totp.html",
                context! { enabled => false, secret => grouped, raw_secret => secret, otpauth => uri_text, qr, csrf => viewer.csrf_token(&state) },
            )
        }
        Err(err) => error_page(&state, lang, &uri, err),
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    code: Option<String>,
}

pub async fn totp_confirm(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<ConfirmForm>,
) -> Response {
    let Some(account) = viewer.account.as_ref() else {
        return login_redirect(&uri);
    };
    match login::confirm_totp(&state, &viewer, form.code.as_deref().unwrap_or_default()).await {
        Ok(codes) => page(
            &state,
            lang,
            &uri,
            "totp.html",
            context! { enabled => true, recovery_codes => codes, csrf => viewer.csrf_token(&state) },
        ),
        Err(err) => {
            let pending = account.totp.as_ref().filter(|t| !t.enabled);
            let secret = pending.map(|t| t.secret_base32.clone());
            let otpauth = secret.as_ref().and_then(|s| {
                motcua_auth::totp::TotpSecret::from_base32(s)
                    .ok()
                    .map(|t| t.provisioning_uri(&account.login).expose().clone())
            });
            let qr = otpauth.as_deref().and_then(qr_svg);
            form_or_error(
                &state,
                lang,
                &uri,
                &viewer,
                "totp.html",
                err,
                context! { enabled => false, secret => secret.clone(), raw_secret => secret, otpauth, qr },
            )
        }
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    password: Option<String>,
}

pub async fn totp_disable(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<DisableForm>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    match login::disable_totp(
        &state,
        &viewer,
        form.password.as_deref().unwrap_or_default(),
    )
    .await
    {
        Ok(()) => see_other("/account?saved=1"),
        Err(err) => form_or_error(
            &state,
            lang,
            &uri,
            &viewer,
            "totp.html",
            err,
            context! { enabled => true },
        ),
    }
}

pub async fn forgot_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    page(
        &state,
        lang,
        &uri,
        "forgot.html",
        context! { csrf => viewer.csrf_token(&state) },
    )
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: Option<String>,
}

pub async fn forgot(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<ForgotForm>,
) -> Response {
    match login::request_reset(&state, &viewer, form.email.as_deref().unwrap_or_default()).await {
        Ok(()) => page(&state, lang, &uri, "forgot.html", context! { sent => true }),
        Err(err) => form_or_error(
            &state,
            lang,
            &uri,
            &viewer,
            "forgot.html",
            err,
            context! { email => form.email },
        ),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

pub async fn reset_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<TokenQuery>,
) -> Response {
    page(
        &state,
        lang,
        &uri,
        "reset.html",
        context! { csrf => viewer.csrf_token(&state), token => q.token },
    )
}

#[derive(Deserialize)]
pub struct ResetForm {
    token: Option<String>,
    new_password: Option<String>,
    new_password_confirm: Option<String>,
}

pub async fn reset(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<ResetForm>,
) -> Response {
    match login::complete_reset(
        &state,
        &viewer,
        form.token.as_deref().unwrap_or_default(),
        form.new_password.as_deref().unwrap_or_default(),
        Some(form.new_password_confirm.as_deref().unwrap_or_default()),
    )
    .await
    {
        Ok(()) => page(&state, lang, &uri, "reset.html", context! { done => true }),
        Err(err) => form_or_error(
            &state,
            lang,
            &uri,
            &viewer,
            "reset.html",
            err,
            context! { token => form.token },
        ),
    }
}
