//! Agencies' local settings for procedures (issue 4), shared by the API
//! (`api/local_settings.rs`), the administration pages (`pages/local_settings.rs`), dossier
//! creation (`dossiers.rs`) and the submission page.
//!
//! * [`effective`]: what applies to one agency × procedure — the agency's settings, or the
//!   defaults ([`LocalSettings::default_for`]: the three-step process Chuyên viên thụ lý /
//!   Lãnh đạo phòng / Lãnh đạo cơ quan, no e-form, the catalog's fees and online level, every
//!   receiving point, enabled) — with the steps always filled in.
//! * [`view`], [`put`], [`remove`], [`list`]: reading and changing them, each asking the
//!   policy (`Resource::AgencyLocalSettings`: officers of the agency read, its administrators
//!   and system administrators change) and refusing invalid settings field by field with
//!   nothing changed. Changes are versioned (409 when stale) and written to the security log.
//!
//! The catalog assigns no procedures to agencies (its competent agencies are free text), so
//! any agency may receive any procedure of the catalog; an agency turns one off with
//! `enabled: false`, and its list shows the catalog with its own settings marked.

use chrono::{DateTime, Utc};
use motcua_auth::policy::{Action, Actor, Resource};
use motcua_catalog::local::LocalSettings;
use motcua_catalog::model::{ChannelKind, OnlineLevel, Procedure};
use motcua_domain::FieldError;
use motcua_domain::agency::Agency;
use motcua_search::fold;
use motcua_store::{PutLocalSettings, StoredLocalSettings};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::admin::agency_of;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// The current version of a procedure from the catalog; `NotFound` when there is none.
pub async fn procedure(state: &AppState, code: &str) -> ApiResult<Procedure> {
    let stored = state
        .store
        .get_procedure(code.trim())
        .await?
        .ok_or(ApiError::NotFound)?;
    crate::api::procedures::decode(&stored, false)
}

fn decode(stored: &StoredLocalSettings) -> ApiResult<LocalSettings> {
    serde_json::from_str(&stored.settings).map_err(|e| {
        ApiError::Internal(anyhow::anyhow!(
            "local settings of agency {} for {} unreadable: {e}",
            stored.agency_id,
            stored.procedure_code
        ))
    })
}

/// The agency's stored settings for the procedure, decoded, with their row.
pub async fn stored(
    state: &AppState,
    agency_id: i64,
    procedure_code: &str,
) -> ApiResult<Option<(LocalSettings, StoredLocalSettings)>> {
    match state
        .store
        .local_settings(agency_id, procedure_code)
        .await?
    {
        Some(row) => Ok(Some((decode(&row)?, row))),
        None => Ok(None),
    }
}

/// What applies to `procedure` at the agency: its settings with the steps filled in (the
/// default process when it defined none), or the defaults when it set nothing.
pub async fn effective_for(
    state: &AppState,
    agency_id: i64,
    procedure: &Procedure,
) -> ApiResult<LocalSettings> {
    let mut settings = match stored(state, agency_id, &procedure.code).await? {
        Some((s, _)) => s,
        None => LocalSettings::default_for(procedure),
    };
    settings.steps = settings.effective_steps(procedure);
    Ok(settings)
}

/// [`effective_for`] by procedure code; `NotFound` when the catalog has no such procedure.
/// No access check: what an agency requires of applicants is public.
pub async fn effective(
    state: &AppState,
    agency_id: i64,
    procedure_code: &str,
) -> ApiResult<LocalSettings> {
    let p = procedure(state, procedure_code).await?;
    effective_for(state, agency_id, &p).await
}

/// A channel's fee in force at an agency.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChannelFee {
    pub channel: ChannelKind,
    /// VND; `null` when the catalog states no amount and the agency set none.
    pub fee_vnd: Option<i64>,
    /// The agency's override rather than the catalog's fee.
    pub overridden: bool,
}

/// What applies at the agency, derived from the settings and the catalog.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EffectiveSettings {
    pub online_level: OnlineLevel,
    /// Whether applicants may submit online to this agency.
    pub online_submission: bool,
    /// One per channel kind the catalog lists, in its order.
    pub fees: Vec<ChannelFee>,
    /// The number of steps of the internal process (the default process has 3).
    pub step_count: usize,
}

/// The fees in force per channel kind.
pub fn fees(settings: &LocalSettings, p: &Procedure) -> Vec<ChannelFee> {
    let mut out: Vec<ChannelFee> = Vec::new();
    for c in &p.channels {
        if out.iter().any(|f| f.channel == c.kind) {
            continue;
        }
        let over = settings.fee_for(c.kind);
        out.push(ChannelFee {
            channel: c.kind,
            fee_vnd: over.or(c.fee_vnd),
            overridden: over.is_some(),
        });
    }
    out
}

/// What applies, for display.
pub fn effective_summary(settings: &LocalSettings, p: &Procedure) -> EffectiveSettings {
    EffectiveSettings {
        online_level: settings.online_level_for(p),
        online_submission: settings.online_submission(p),
        fees: fees(settings, p),
        step_count: settings.effective_steps(p).len(),
    }
}

/// One agency's settings for one procedure, as the API shows them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SettingsView {
    /// The agency's QCVN 102 code.
    pub agency: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// Whether the agency set its own settings; `false`: `settings` are the defaults.
    pub custom: bool,
    /// The stored version, 0 when none: send it back in `PUT` to be told (409) when someone
    /// changed them meanwhile.
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
    pub updated_by: Option<i64>,
    /// As stored (or the defaults), steps filled in.
    pub settings: LocalSettings,
    pub effective: EffectiveSettings,
}

/// `PUT` body: the settings and, optionally, the version they replace.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    /// The version read (0: only if the agency has none yet); omitted: overwrite.
    #[serde(default)]
    pub version: Option<i64>,
    pub settings: LocalSettings,
}

async fn authorized(
    state: &AppState,
    viewer: &Viewer,
    agency_code: &str,
    action: Action,
) -> ApiResult<Agency> {
    // Who asks comes first: an anonymous 401 must not depend on whether the agency exists.
    if matches!(viewer.actor, Actor::Anonymous) {
        return Err(ApiError::Unauthorized);
    }
    let agency = agency_of(state, agency_code).await?;
    viewer.authorize(action, &Resource::AgencyLocalSettings(agency.id))?;
    Ok(agency)
}

fn view_of(
    agency: &Agency,
    p: &Procedure,
    row: Option<(LocalSettings, StoredLocalSettings)>,
) -> SettingsView {
    let (mut settings, meta) = match row {
        Some((s, r)) => (s, Some(r)),
        None => (LocalSettings::default_for(p), None),
    };
    settings.steps = settings.effective_steps(p);
    SettingsView {
        agency: agency.code.as_str().to_owned(),
        procedure_code: p.code.clone(),
        procedure_name: p.name.clone(),
        custom: meta.is_some(),
        version: meta.as_ref().map_or(0, |m| m.version),
        updated_at: meta.as_ref().map(|m| m.updated_at),
        updated_by: meta.as_ref().and_then(|m| m.updated_by),
        effective: effective_summary(&settings, p),
        settings,
    }
}

/// Reads one agency's settings for a procedure (officers of the agency, its administrators,
/// leaders and supervisors overseeing it, system administrators).
pub async fn view(
    state: &AppState,
    viewer: &Viewer,
    agency_code: &str,
    procedure_code: &str,
) -> ApiResult<SettingsView> {
    let agency = authorized(state, viewer, agency_code, Action::Read).await?;
    let p = procedure(state, procedure_code).await?;
    let row = stored(state, agency.id, &p.code).await?;
    Ok(view_of(&agency, &p, row))
}

/// Checks settings for an agency: [`LocalSettings::validate_for`] and that the receiving
/// points are the agency's.
pub async fn validate(
    state: &AppState,
    agency: &Agency,
    p: &Procedure,
    settings: &LocalSettings,
) -> ApiResult<()> {
    let mut v = match settings.validate_for(p) {
        Ok(()) => motcua_domain::Validation::default(),
        Err(v) => v,
    };
    if !settings.receiving_points.is_empty() {
        let points = state.store.receiving_points(&agency.code).await?;
        for (i, code) in settings.receiving_points.iter().enumerate() {
            if !code.trim().is_empty() && !points.iter().any(|pt| pt.code == code.trim()) {
                v.push(FieldError::new(
                    format!("receiving_points[{i}]"),
                    "unknown",
                    format!("Cơ quan không có bộ phận tiếp nhận \"{}\".", code.trim()),
                    format!("The agency has no receiving point \"{}\".", code.trim()),
                ));
            }
        }
    }
    Ok(v.finish()?)
}

/// Stores an agency's settings for a procedure after asking the policy and checking them
/// (422 naming each field, nothing changed); 409 when `expected_version` is stale.
pub async fn put(
    state: &AppState,
    viewer: &Viewer,
    agency_code: &str,
    procedure_code: &str,
    mut settings: LocalSettings,
    expected_version: Option<i64>,
) -> ApiResult<SettingsView> {
    let agency = authorized(state, viewer, agency_code, Action::Update).await?;
    let p = procedure(state, procedure_code).await?;
    for code in &mut settings.receiving_points {
        *code = code.trim().to_owned();
    }
    validate(state, &agency, &p, &settings).await?;
    let json = serde_json::to_string(&settings).map_err(|e| ApiError::Internal(e.into()))?;
    let mut event =
        crate::auth::login::admin_event(viewer, "local_settings_changed", None, Some(agency.id));
    event.detail = serde_json::json!({
        "procedure": p.code,
        "steps": settings.steps.len(),
        "eform_fields": settings.eform.len(),
        "enabled": settings.enabled,
    });
    let row = state
        .store
        .put_local_settings(
            &PutLocalSettings {
                agency_id: agency.id,
                procedure_code: p.code.clone(),
                settings: json,
                expected_version,
                updated_by: viewer.account.as_ref().map(|a| a.id),
                at: Utc::now(),
            },
            event,
        )
        .await?;
    tracing::info!(agency = %agency.code, procedure = %p.code, version = row.version, "local settings saved");
    Ok(view_of(&agency, &p, Some((settings, row))))
}

/// Removes an agency's settings for a procedure: the defaults apply again. `false` when it
/// had none.
pub async fn remove(
    state: &AppState,
    viewer: &Viewer,
    agency_code: &str,
    procedure_code: &str,
    expected_version: Option<i64>,
) -> ApiResult<bool> {
    let agency = authorized(state, viewer, agency_code, Action::Delete).await?;
    let p = procedure(state, procedure_code).await?;
    let mut event =
        crate::auth::login::admin_event(viewer, "local_settings_removed", None, Some(agency.id));
    event.detail = serde_json::json!({ "procedure": p.code });
    let removed = state
        .store
        .delete_local_settings(agency.id, &p.code, expected_version, event)
        .await?;
    if removed {
        tracing::info!(agency = %agency.code, procedure = %p.code, "local settings removed");
    }
    Ok(removed)
}

/// One procedure in an agency's list.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgencyProcedure {
    pub code: String,
    pub name: String,
    pub fields: Vec<String>,
    /// `ministry`, `province`, `commune`, `other`.
    pub levels: Vec<String>,
    /// The catalog's online level (`full_process`, `partial`, `none`).
    pub online_level: String,
    /// Whether the agency set its own settings.
    pub custom: bool,
    /// Whether the agency receives it (true unless its settings turn it off).
    pub enabled: bool,
    pub version: i64,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A page of an agency's procedures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgencyProcedures {
    pub agency: String,
    pub agency_name: String,
    pub items: Vec<AgencyProcedure>,
    pub total: usize,
    pub page: u32,
    pub per_page: u32,
    /// How many procedures the agency set its own settings for.
    pub custom_count: usize,
}

/// Filters of an agency's procedure list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureListQuery {
    /// Words of the name or the code, with or without diacritics.
    pub q: Option<String>,
    /// `true`: only those with the agency's own settings; `false`: only those without.
    pub custom: Option<bool>,
    /// Implementing level: `ministry`, `province`, `commune`, `other`.
    pub level: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The procedures an agency may receive (the catalog), those with its own settings first,
/// then by code; filtered by name or code and by level.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    agency_code: &str,
    q: &ProcedureListQuery,
) -> ApiResult<AgencyProcedures> {
    let agency = authorized(state, viewer, agency_code, Action::Read).await?;
    let rows = state.store.agency_local_settings(agency.id).await?;
    let mut custom: std::collections::HashMap<String, (bool, i64, DateTime<Utc>)> =
        std::collections::HashMap::new();
    for r in &rows {
        custom.insert(
            r.procedure_code.clone(),
            (decode(r)?.enabled, r.version, r.updated_at),
        );
    }
    let catalog = state.catalog.get();
    let words: Vec<String> =
        q.q.as_deref()
            .map(fold)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
    let level = q.level.as_deref().map(str::trim).filter(|l| !l.is_empty());
    let mut items: Vec<AgencyProcedure> = catalog
        .summaries
        .values()
        .filter(|s| {
            let hay = format!("{} {}", s.code, fold(&s.name));
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .filter(|s| level.is_none_or(|l| s.levels.iter().any(|x| x == l)))
        .filter(|s| q.custom.is_none_or(|c| custom.contains_key(&s.code) == c))
        .map(|s| {
            let mine = custom.get(&s.code);
            AgencyProcedure {
                code: s.code.clone(),
                name: s.name.clone(),
                fields: s.fields.clone(),
                levels: s.levels.clone(),
                online_level: s.online_level.clone(),
                custom: mine.is_some(),
                enabled: mine.is_none_or(|m| m.0),
                version: mine.map_or(0, |m| m.1),
                updated_at: mine.map(|m| m.2),
            }
        })
        .collect();
    items.sort_by(|a, b| b.custom.cmp(&a.custom).then_with(|| a.code.cmp(&b.code)));
    let page = q.page.unwrap_or(1).max(1);
    let per_page = q.per_page.unwrap_or(50).clamp(1, 200);
    let total = items.len();
    let start = usize::try_from((page - 1) * per_page).unwrap_or(usize::MAX);
    let items = items
        .into_iter()
        .skip(start)
        .take(usize::try_from(per_page).unwrap_or(50))
        .collect();
    Ok(AgencyProcedures {
        agency: agency.code.as_str().to_owned(),
        agency_name: agency.name.clone(),
        items,
        total,
        page,
        per_page,
        custom_count: rows.len(),
    })
}

/// What applies to a procedure at one agency, as the public procedure page and
/// `GET /api/v1/procedures/{code}?agency=` show it (no version or author).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocalView {
    pub agency: String,
    pub agency_name: String,
    /// Whether the agency set its own settings.
    pub custom: bool,
    pub enabled: bool,
    #[serde(flatten)]
    pub effective: EffectiveSettings,
    pub steps: Vec<motcua_catalog::local::ProcessStep>,
    pub eform: Vec<motcua_catalog::local::EFormField>,
    /// Codes of the receiving points that receive it; empty = all of the agency's.
    pub receiving_points: Vec<String>,
}

/// [`LocalView`] of a procedure at an agency (QCVN 102 code); 422 on `agency` when there is
/// no such agency.
pub async fn local_view(
    state: &AppState,
    agency_code: &str,
    p: &Procedure,
) -> ApiResult<LocalView> {
    let agency = agency_of(state, agency_code).await.map_err(|_| {
        ApiError::from(FieldError::new(
            "agency",
            "unknown",
            "Không tìm thấy cơ quan.",
            "No such agency.",
        ))
    })?;
    let row = stored(state, agency.id, &p.code).await?;
    let custom = row.is_some();
    let settings = match row {
        Some((s, _)) => s,
        None => LocalSettings::default_for(p),
    };
    Ok(LocalView {
        agency: agency.code.as_str().to_owned(),
        agency_name: agency.name.clone(),
        custom,
        enabled: settings.enabled,
        effective: effective_summary(&settings, p),
        steps: settings.effective_steps(p),
        eform: settings.eform.clone(),
        receiving_points: settings.receiving_points.clone(),
    })
}
