//! Administration over HTTP: an agency's officers and their roles, accounts (look-up and
//! verification at the counter, locking), the security log and API keys. Every handler asks
//! the policy through [`Viewer::authorize`].

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use motcua_auth::policy::{Action, LogScope, Resource};
use motcua_auth::token::{NewApiKey, ScopeSet};
use motcua_domain::FieldError;
use motcua_domain::agency::Agency;
use motcua_domain::identity::{Role, VerificationLevel};
use motcua_store::{
    Account, AccountFilter, AccountKind, ApiKeyRecord, OfficerRole, Page, PageRequest,
    SecurityEvent, SecurityEventFilter, StoreError,
};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Viewer;
use crate::auth::login::{self, NewOfficerInput, admin_event};
use crate::error::{ApiError, ApiResult};

/// An account as administrators see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: i64,
    pub kind: String,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub verification: String,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub roles: Vec<OfficerRole>,
    pub created_at: chrono::DateTime<Utc>,
}

pub fn account_view(account: &Account, roles: Vec<OfficerRole>) -> AccountView {
    AccountView {
        id: account.id,
        kind: account.kind.as_str().to_owned(),
        login: account.login.clone(),
        full_name: account.full_name.clone(),
        email: account.email.clone(),
        phone: account.phone.clone(),
        verification: account.verification.as_str().to_owned(),
        totp_enabled: account.totp.as_ref().is_some_and(|t| t.enabled),
        disabled: account.disabled,
        roles,
        created_at: account.created_at,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

fn page_of(p: Page<motcua_store::AccountWithRoles>) -> AccountPage {
    AccountPage {
        items: p
            .items
            .into_iter()
            .map(|a| account_view(&a.account, a.roles))
            .collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }
}

/// The agency named by a path code, or 404.
pub async fn agency_of(state: &AppState, code: &str) -> ApiResult<Agency> {
    let code: motcua_domain::agency::AgencyCode = code.parse().map_err(|_| ApiError::NotFound)?;
    state
        .store
        .get_agency(&code)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The resource for administering an account: its agencies decide who may. The policy reads
/// an empty agency set as an applicant (whom counter staff look up), so an officer holding no
/// role at the moment is placed in agency 0, which nobody administers: only system
/// administrators reach them.
pub async fn account_resource(state: &AppState, account_id: i64) -> ApiResult<Resource> {
    let roles = state.store.officer_roles(account_id).await?;
    let mut agency_ids: BTreeSet<i64> = roles.iter().map(|r| r.agency_id).collect();
    if agency_ids.is_empty()
        && state
            .store
            .get_account(account_id)
            .await?
            .is_some_and(|a| a.kind == AccountKind::Officer)
    {
        agency_ids.insert(0);
    }
    Ok(Resource::Account {
        account_id,
        agency_ids,
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// `GET /api/v1/agencies/{code}/officers`: the agency's officers and their roles.
#[utoipa::path(get, path = "/api/v1/agencies/{code}/officers", tag = "administration", params(("code" = String, Path), ListQuery),
    responses((status = 200, body = AccountPage), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn officers(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<AccountPage>> {
    if viewer.account.is_none() && viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let agency = agency_of(&state, &code).await?;
    viewer.authorize(Action::Administer, &Resource::Agency(agency.id))?;
    let page = state
        .store
        .list_accounts(&AccountFilter {
            q: q.q,
            kind: Some(AccountKind::Officer),
            agency_ids: Some(vec![agency.id]),
            page: PageRequest::new(q.page, q.per_page),
        })
        .await?;
    Ok(Json(page_of(page)))
}

/// `POST /api/v1/agencies/{code}/officers`: creates an officer account with a first role.
#[utoipa::path(post, path = "/api/v1/agencies/{code}/officers", tag = "administration", params(("code" = String, Path)), request_body = NewOfficerInput,
    responses((status = 201, body = AccountView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_officer(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    ApiJson(input): ApiJson<NewOfficerInput>,
) -> ApiResult<(StatusCode, Json<AccountView>)> {
    let view = create_officer_in(&state, &viewer, &code, &input).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Shared by the page and the API.
pub async fn create_officer_in(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    input: &NewOfficerInput,
) -> ApiResult<AccountView> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let agency = agency_of(state, code).await?;
    viewer.authorize(Action::Administer, &Resource::Agency(agency.id))?;
    let (mut account, password, role) = login::validate_officer(input)?;
    viewer.authorize_grant(agency.id, role)?;
    account.password_hash = state.auth.hash_password(password).await?;
    let created = state
        .store
        .create_account(
            &account,
            admin_event(viewer, "account_created", None, Some(agency.id)),
        )
        .await?;
    let point = input
        .receiving_point
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    grant(state, viewer, created.id, &agency, role, point).await?;
    let roles = state.store.officer_roles(created.id).await?;
    Ok(account_view(&created, roles))
}

async fn grant(
    state: &AppState,
    viewer: &Viewer,
    account_id: i64,
    agency: &Agency,
    role: Role,
    point: Option<&str>,
) -> ApiResult<bool> {
    let mut event = admin_event(viewer, "role_granted", Some(account_id), Some(agency.id));
    event.detail = serde_json::json!({ "role": role.as_str(), "agency": agency.code.as_str(), "receiving_point": point });
    Ok(state
        .store
        .grant_role(account_id, agency.id, role, point, event)
        .await?)
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct GrantInput {
    /// A receiving point code of the agency, for receiving officers.
    pub receiving_point: Option<String>,
}

fn parse_role(raw: &str) -> ApiResult<Role> {
    raw.parse::<Role>().map_err(ApiError::from)
}

/// Checks that `account_id` is an officer the viewer may administer, and not themselves.
pub async fn administrable_officer(
    state: &AppState,
    viewer: &Viewer,
    account_id: i64,
) -> ApiResult<Account> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let account = state
        .store
        .get_account(account_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let resource = account_resource(state, account_id).await?;
    viewer.authorize(Action::Administer, &resource)?;
    if account.kind != AccountKind::Officer {
        return Err(FieldError::new(
            "account",
            "not_officer",
            "Chỉ tài khoản cán bộ mới được giao vai trò.",
            "Only officer accounts can hold roles.",
        )
        .into());
    }
    Ok(account)
}

/// `PUT /api/v1/agencies/{code}/officers/{id}/roles/{role}`: grants a role (idempotent).
#[utoipa::path(put, path = "/api/v1/agencies/{code}/officers/{id}/roles/{role}", tag = "administration",
    params(("code" = String, Path), ("id" = i64, Path), ("role" = String, Path)), request_body = GrantInput,
    responses((status = 200, body = AccountView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn grant_role(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, id, role)): Path<(String, i64, String)>,
    body: axum::body::Bytes,
) -> ApiResult<Json<AccountView>> {
    // The body is optional: `{}` or nothing grants the role without a receiving point.
    let input: GrantInput = if body.iter().all(u8::is_ascii_whitespace) {
        GrantInput::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            FieldError::new(
                "body",
                "json",
                format!("Nội dung gửi lên không phải JSON hợp lệ: {e}"),
                format!("The request body is not valid JSON: {e}"),
            )
        })?
    };
    Ok(Json(
        grant_role_in(
            &state,
            &viewer,
            &code,
            id,
            &role,
            input.receiving_point.as_deref(),
        )
        .await?,
    ))
}

pub async fn grant_role_in(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    id: i64,
    role: &str,
    point: Option<&str>,
) -> ApiResult<AccountView> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let agency = agency_of(state, code).await?;
    viewer.authorize(Action::Administer, &Resource::Agency(agency.id))?;
    let role = parse_role(role)?;
    if viewer.account_id() == Some(id) {
        return Err(ApiError::Forbidden);
    }
    viewer.authorize_grant(agency.id, role)?;
    let account = administrable_officer(state, viewer, id).await?;
    let point = point.map(str::trim).filter(|s| !s.is_empty());
    grant(state, viewer, account.id, &agency, role, point).await?;
    let roles = state.store.officer_roles(account.id).await?;
    Ok(account_view(&account, roles))
}

/// `DELETE /api/v1/agencies/{code}/officers/{id}/roles/{role}`: revokes a role.
#[utoipa::path(delete, path = "/api/v1/agencies/{code}/officers/{id}/roles/{role}", tag = "administration",
    params(("code" = String, Path), ("id" = i64, Path), ("role" = String, Path)),
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn revoke_role(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, id, role)): Path<(String, i64, String)>,
) -> ApiResult<StatusCode> {
    revoke_role_in(&state, &viewer, &code, id, &role).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn revoke_role_in(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    id: i64,
    role: &str,
) -> ApiResult<()> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let agency = agency_of(state, code).await?;
    viewer.authorize(Action::Administer, &Resource::Agency(agency.id))?;
    let role = parse_role(role)?;
    if viewer.account_id() == Some(id) {
        return Err(ApiError::Forbidden);
    }
    viewer.authorize_grant(agency.id, role)?;
    let account = administrable_officer(state, viewer, id).await?;
    let mut event = admin_event(viewer, "role_revoked", Some(account.id), Some(agency.id));
    event.detail = serde_json::json!({ "role": role.as_str(), "agency": agency.code.as_str() });
    if !state
        .store
        .revoke_role(account.id, agency.id, role, event)
        .await?
    {
        return Err(ApiError::NotFound);
    }
    Ok(())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountsQuery {
    pub q: Option<String>,
    /// `citizen`, `business`, `organisation` or `officer`.
    pub kind: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// `GET /api/v1/accounts`: looks accounts up — system administrators every account, counter
/// staff applicants (to verify them and receive their dossiers).
#[utoipa::path(get, path = "/api/v1/accounts", tag = "administration", params(AccountsQuery),
    responses((status = 200, body = AccountPage), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list_accounts(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<AccountsQuery>,
) -> ApiResult<Json<AccountPage>> {
    Ok(Json(page_of(lookup_accounts(&state, &viewer, q).await?)))
}

/// Looks accounts up as [`list_accounts`] does, for the API and the counter's reception page.
pub async fn lookup_accounts(
    state: &AppState,
    viewer: &Viewer,
    q: AccountsQuery,
) -> ApiResult<Page<motcua_store::AccountWithRoles>> {
    let kind = match q.kind.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(k) => Some(AccountKind::parse(k).ok_or_else(|| {
            FieldError::new(
                "kind",
                "one_of",
                "Loại tài khoản phải là citizen, business, organisation hoặc officer.",
                "The kind must be citizen, business, organisation or officer.",
            )
        })?),
    };
    // Who may list what: an applicant list needs applicant read rights (counter staff,
    // system administrators); officers and "all" need system administration.
    let probe = match kind {
        Some(k) if k.is_applicant() => Resource::Account {
            account_id: -1,
            agency_ids: BTreeSet::new(),
        },
        _ => Resource::Catalog,
    };
    let action = if matches!(probe, Resource::Catalog) {
        Action::Administer
    } else {
        Action::Read
    };
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    if !viewer.allowed(action, &probe) {
        return Err(ApiError::Forbidden);
    }
    Ok(state
        .store
        .list_accounts(&AccountFilter {
            q: q.q,
            kind,
            agency_ids: None,
            page: PageRequest::new(q.page, q.per_page),
        })
        .await?)
}

/// `GET /api/v1/accounts/{id}`.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "administration", params(("id" = i64, Path)),
    responses((status = 200, body = AccountView), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn show_account(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<AccountView>> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let resource = account_resource(&state, id).await?;
    viewer.authorize(Action::Read, &resource)?;
    let account = state
        .store
        .get_account(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let roles = state.store.officer_roles(id).await?;
    Ok(Json(account_view(&account, roles)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct VerificationInput {
    /// `counter_verified` (checked papers at a counter) or `idp_verified`.
    pub verification_level: Option<String>,
}

/// `PUT /api/v1/accounts/{id}/verification`: records that an applicant's identity was
/// checked (counter staff, system administrators).
#[utoipa::path(put, path = "/api/v1/accounts/{id}/verification", tag = "administration", params(("id" = i64, Path)), request_body = VerificationInput,
    responses((status = 200, body = AccountView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn set_verification(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VerificationInput>,
) -> ApiResult<Json<AccountView>> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let resource = account_resource(&state, id).await?;
    viewer.authorize(Action::Update, &resource)?;
    let account = state
        .store
        .get_account(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let level: VerificationLevel = input
        .verification_level
        .as_deref()
        .unwrap_or_default()
        .parse()?;
    if !account.kind.is_applicant() || level == VerificationLevel::SelfRegistered {
        return Err(FieldError::new(
            "verification_level",
            "invalid",
            "Chỉ nâng mức xác thực của tài khoản người nộp hồ sơ.",
            "Only an applicant's verification level can be raised.",
        )
        .into());
    }
    let mut event = admin_event(&viewer, "account_verified", Some(id), None);
    event.detail = serde_json::json!({ "level": level.as_str() });
    state.store.set_verification(id, level, event).await?;
    let account = state
        .store
        .get_account(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(account_view(&account, Vec::new())))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DisabledInput {
    pub disabled: bool,
}

/// `PUT /api/v1/accounts/{id}/disabled`: locks or unlocks an account (its administrators).
#[utoipa::path(put, path = "/api/v1/accounts/{id}/disabled", tag = "administration", params(("id" = i64, Path)), request_body = DisabledInput,
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn set_disabled(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DisabledInput>,
) -> ApiResult<StatusCode> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let resource = account_resource(&state, id).await?;
    viewer.authorize(Action::Administer, &resource)?;
    state
        .store
        .get_account(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let kind = if input.disabled {
        "account_disabled"
    } else {
        "account_enabled"
    };
    state
        .store
        .set_disabled(
            id,
            input.disabled,
            admin_event(&viewer, kind, Some(id), None),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// An agency code: its part of the log (its administrators); absent: the whole log
    /// (system administrators).
    pub agency: Option<String>,
    pub kind: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct EventPage {
    pub items: Vec<SecurityEvent>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Loads the part of the security log the viewer asked for and may read.
pub async fn load_events(
    state: &AppState,
    viewer: &Viewer,
    agency: Option<&str>,
    kind: Option<String>,
    page: PageRequest,
) -> ApiResult<Page<SecurityEvent>> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    let agency_ids = match agency.map(str::trim).filter(|s| !s.is_empty()) {
        None => {
            viewer.authorize(Action::Read, &Resource::SecurityLog(LogScope::Global))?;
            None
        }
        Some(code) => {
            let agency = agency_of(state, code).await?;
            viewer.authorize(
                Action::Read,
                &Resource::SecurityLog(LogScope::Agency(agency.id)),
            )?;
            Some(vec![agency.id])
        }
    };
    Ok(state
        .store
        .security_events(&SecurityEventFilter {
            agency_ids,
            account_id: None,
            kind: kind.filter(|k| !k.trim().is_empty()),
            page,
        })
        .await?)
}

/// `GET /api/v1/security-events`: logins, failures, lockouts, role changes, key creation.
#[utoipa::path(get, path = "/api/v1/security-events", tag = "administration", params(EventsQuery),
    responses((status = 200, body = EventPage), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn security_events(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> ApiResult<Json<EventPage>> {
    let p = load_events(
        &state,
        &viewer,
        q.agency.as_deref(),
        q.kind,
        PageRequest::new(q.page, q.per_page),
    )
    .await?;
    Ok(Json(EventPage {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiKeyView {
    pub id: String,
    pub name: String,
    pub scopes: Vec<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub revoked_at: Option<chrono::DateTime<Utc>>,
    pub last_used_at: Option<chrono::DateTime<Utc>>,
}

pub fn key_view(k: &ApiKeyRecord) -> ApiKeyView {
    ApiKeyView {
        id: k.id.clone(),
        name: k.name.clone(),
        scopes: ScopeSet::from_bits(k.scopes as u32)
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        created_at: k.created_at,
        revoked_at: k.revoked_at,
        last_used_at: k.last_used_at,
    }
}

fn require_integrations(viewer: &Viewer, action: Action) -> ApiResult<()> {
    if viewer.via == crate::auth::Via::Anonymous {
        return Err(ApiError::Unauthorized);
    }
    viewer.authorize(action, &Resource::Integrations)
}

/// `GET /api/v1/api-keys` (system administrators).
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "administration",
    responses((status = 200, body = Vec<ApiKeyView>), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem)))]
pub async fn list_keys(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<Vec<ApiKeyView>>> {
    require_integrations(&viewer, Action::Read)?;
    Ok(Json(
        state
            .store
            .list_api_keys()
            .await?
            .iter()
            .map(key_view)
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewKeyInput {
    pub name: Option<String>,
    /// Scope names, e.g. `["dossiers:read"]`.
    pub scopes: Option<Vec<String>>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub record: ApiKeyView,
    /// The whole key, shown this once: send it as `Authorization: Bearer …`.
    pub key: String,
}

/// Validates and creates a key; shared by the page and the API.
pub async fn create_key_in(
    state: &AppState,
    viewer: &Viewer,
    name: Option<&str>,
    scopes: &[String],
) -> ApiResult<CreatedKey> {
    require_integrations(viewer, Action::Create)?;
    let mut v = motcua_domain::Validation::default();
    let name = name.map(str::trim).filter(|s| !s.is_empty());
    if name.is_none() {
        v.push(FieldError::required("name"));
    }
    let mut set = ScopeSet::EMPTY;
    for s in scopes {
        match s.parse::<motcua_auth::token::Scope>() {
            Ok(scope) => set = set.with(scope),
            Err(e) => v.push(e),
        }
    }
    v.finish()?;
    let now = Utc::now();
    for _ in 0..3 {
        let new = NewApiKey::generate().map_err(|e| ApiError::Internal(e.into()))?;
        let record = ApiKeyRecord {
            id: new.id.as_str().to_owned(),
            name: name.unwrap_or_default().to_owned(),
            scopes: i64::from(set.bits()),
            secret_hash: new.hash.to_hex(),
            created_by: viewer.account_id().filter(|id| *id > 0),
            created_at: now,
            revoked_at: None,
            last_used_at: None,
        };
        let mut event = admin_event(viewer, "api_key_created", None, None);
        event.detail = serde_json::json!({ "key_id": record.id, "name": record.name, "scopes": set.to_string() });
        match state.store.create_api_key(&record, event).await {
            Ok(()) => {
                return Ok(CreatedKey {
                    record: key_view(&record),
                    key: new.key.expose().clone(),
                });
            }
            // A random id collided: draw again.
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Internal(anyhow::anyhow!(
        "three API key id collisions in a row"
    )))
}

/// `POST /api/v1/api-keys`: creates a key for an integrating system; the key is in the
/// answer only.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "administration", request_body = NewKeyInput,
    responses((status = 201, body = CreatedKey), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_key(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiJson(input): ApiJson<NewKeyInput>,
) -> ApiResult<(StatusCode, Json<CreatedKey>)> {
    let created = create_key_in(
        &state,
        &viewer,
        input.name.as_deref(),
        input.scopes.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `DELETE /api/v1/api-keys/{id}`: revokes a key at once.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "administration", params(("id" = String, Path)),
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn revoke_key(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    require_integrations(&viewer, Action::Delete)?;
    let mut event = admin_event(&viewer, "api_key_revoked", None, None);
    event.detail = serde_json::json!({ "key_id": id });
    if state.store.revoke_api_key(&id, event).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
