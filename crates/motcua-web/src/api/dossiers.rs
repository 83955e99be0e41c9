//! Dossiers over HTTP: create (online draft, or a paper dossier at the counter), read, give
//! lifecycle commands with optimistic versioning, work queues and "my dossiers", the log, and
//! the public tracking look-up with its second factor.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, FixedOffset, Utc};
use motcua_domain::FieldError;
use motcua_dossier::chain::LogEntry;
use motcua_dossier::{Command, Status};
use motcua_store::{DossierFilter, PageRequest, StoredDossier};
use serde::{Deserialize, Serialize};

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Viewer;
use crate::dossiers::{self, NewDossierInput, TrackQuery};
use crate::error::{ApiError, ApiResult};

/// A dossier as officers and its applicant see it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DossierView {
    pub id: i64,
    /// `<agency>-<yyMMdd>-<NNNN>`, from reception on.
    pub code: Option<String>,
    pub procedure_code: String,
    pub procedure_version: i32,
    pub channel: String,
    pub status: String,
    /// The national portal's status code (none for drafts).
    pub status_code: Option<u8>,
    pub status_vi: String,
    pub status_en: String,
    pub applicant_name: String,
    pub receiving_agency_id: i64,
    pub holding_agency_id: i64,
    pub assignee_id: Option<i64>,
    pub step: u32,
    pub steps: u32,
    pub received_at: Option<DateTime<FixedOffset>>,
    /// The appointment.
    pub due_at: Option<DateTime<FixedOffset>>,
    pub late: bool,
    /// Past the appointment and not done.
    pub overdue: bool,
    /// Send it back with the next command.
    pub version: i64,
    #[schema(value_type = Object)]
    pub form_values: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn view(d: &StoredDossier) -> DossierView {
    let s = &d.state;
    let now = Utc::now().with_timezone(&motcua_calendar::vietnam());
    let open = !s.status.is_final() && s.status != Status::Processed;
    DossierView {
        id: d.id,
        code: d.code.clone(),
        procedure_code: d.procedure_code.clone(),
        procedure_version: d.procedure_version,
        channel: d.channel.clone(),
        status: s.status.as_str().to_owned(),
        status_code: s.status.national_code(),
        status_vi: s.status.label_vi().to_owned(),
        status_en: s.status.label_en().to_owned(),
        applicant_name: d.applicant.name.clone(),
        receiving_agency_id: s.receiving_agency_id,
        holding_agency_id: s.holding_agency_id,
        assignee_id: s.assignee_id,
        step: s.step,
        steps: s.steps,
        received_at: s.received_at,
        due_at: s.due_at,
        late: s.late,
        overdue: open
            && s.paused.is_none()
            && s.due_at
                .is_some_and(|due| motcua_calendar::is_overdue(due, now)),
        version: s.version,
        form_values: d.form_values.clone(),
        created_at: d.created_at,
        updated_at: d.updated_at,
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedDossier {
    #[serde(flatten)]
    pub dossier: DossierView,
    /// The tracking secret of the receipt's QR code (derived: the same on every call).
    pub tracking_secret: Option<String>,
}

/// `POST /api/v1/dossiers`: a new draft. Send `Idempotency-Key` to make retries safe.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = NewDossierInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "repeat-safe creation")),
    responses((status = 201, body = CreatedDossier), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    ApiJson(input): ApiJson<NewDossierInput>,
) -> ApiResult<(StatusCode, Json<CreatedDossier>)> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200);
    let created = dossiers::create(&state, &viewer, &input, key).await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedDossier {
            dossier: view(&created.dossier),
            tracking_secret: created.tracking_secret,
        }),
    ))
}

/// `GET /api/v1/dossiers/{id}`.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossiers", params(("id" = i64, Path)),
    responses((status = 200, body = DossierView), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> ApiResult<Json<DossierView>> {
    // Every officer view is on the record.
    let d = dossiers::load_viewed(&state, &viewer, id).await?;
    Ok(Json(view(&d)))
}

/// A command and the version it was computed from.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CommandInput {
    /// The dossier's `version` as read; a concurrent change makes the command fail with 409.
    pub version: i64,
    /// `submit`, `receive`, `request_supplement` (`items`), `supplement`, `refuse`
    /// (`reasons`), `assign` (`to`), `forward` (`to`), `send_back` (`reason`, `to`),
    /// `request_fees` (`amount_vnd`), `confirm_fees`, `approve`, `transfer` (`to_agency_id`,
    /// `reason`), `stop` (`reason`), `withdraw` (`reason`), `return_result` (`channel`),
    /// `apologize` (`new_due`, `reason`, `responsible_agency_id`).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub command: serde_json::Value,
}

/// `POST /api/v1/dossiers/{id}/commands`: one step of the lifecycle.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/commands", tag = "dossiers", params(("id" = i64, Path)), request_body = CommandInput,
    responses((status = 200, body = DossierView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem, description = "changed meanwhile"), (status = 422, body = crate::error::Problem)))]
pub async fn give(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CommandInput>,
) -> ApiResult<Json<DossierView>> {
    let mut body = input.command;
    if let Some(obj) = body.as_object_mut() {
        obj.remove("version");
    }
    let command: Command = serde_json::from_value(body).map_err(|e| {
        FieldError::new(
            "command",
            "invalid",
            format!("Lệnh không hợp lệ: {e}"),
            format!("Invalid command: {e}"),
        )
    })?;
    let d = dossiers::command(&state, &viewer, id, input.version, command).await?;
    Ok(Json(view(&d)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `mine` (an applicant's own; an officer's assigned), `to_receive`, `in_process`,
    /// `due_soon` (within `days` working days, default 2), `overdue`, `transferred_in`, `all`.
    pub queue: Option<String>,
    /// The agency (QCVN code) of an officer's queue; default: every agency of theirs.
    pub agency: Option<String>,
    pub days: Option<u32>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DossierPage {
    pub items: Vec<DossierView>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// `GET /api/v1/dossiers`: an applicant's own dossiers, or an officer's work queues.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", params(ListQuery),
    responses((status = 200, body = DossierPage), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<DossierPage>> {
    let filter = queue_filter(&state, &viewer, &q).await?;
    let p = state.store.list_dossiers(&filter).await?;
    Ok(Json(DossierPage {
        items: p.items.iter().map(view).collect(),
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

/// Now, to the minute: the moment queues measure "overdue" and "due soon" from, so that their
/// totals can be kept for a minute (`motcua_store` queue counts).
fn this_minute() -> chrono::DateTime<Utc> {
    use chrono::DurationRound;
    let now = Utc::now();
    now.duration_trunc(chrono::TimeDelta::minutes(1))
        .unwrap_or(now)
}

/// The store filter of a queue, scoped to what the viewer may see.
pub async fn queue_filter(
    state: &AppState,
    viewer: &Viewer,
    q: &ListQuery,
) -> ApiResult<DossierFilter> {
    let account = viewer.require_account()?;
    let page = PageRequest::new(q.page, q.per_page);
    let queue = q.queue.as_deref().unwrap_or("mine");
    if !viewer.is_officer() {
        if queue != "mine" {
            return Err(ApiError::Forbidden);
        }
        return Ok(DossierFilter {
            owner_account_id: Some(account.id),
            page,
            ..Default::default()
        });
    }
    // Only agencies whose dossiers the viewer reads (not, e.g., where they administer).
    let mut agencies: Vec<i64> = viewer
        .agencies_with(None)
        .into_iter()
        .filter(|a| dossiers::reads_dossiers_at(viewer, *a))
        .collect();
    if let Some(code) = q.agency.as_deref().filter(|c| !c.trim().is_empty()) {
        let agency = crate::api::admin::agency_of(state, code).await?;
        if !dossiers::reads_dossiers_at(viewer, agency.id) {
            return Err(ApiError::Forbidden);
        }
        agencies = vec![agency.id];
    }
    let open = || Some(motcua_store::open_statuses());
    let mut f = DossierFilter {
        holding_agency_ids: Some(agencies.clone()),
        page,
        ..Default::default()
    };
    match queue {
        "mine" => {
            f.assignee_id = Some(account.id);
            f.statuses = open();
        }
        "to_receive" => f.statuses = Some(vec!["submitted".into()]),
        "in_process" => f.statuses = open(),
        "due_soon" => {
            let days = q.days.unwrap_or(2).min(60);
            let calendar = state.calendar.get();
            let now = this_minute().with_timezone(&motcua_calendar::vietnam());
            let until = calendar
                .due(now, motcua_calendar::Duration::WorkingDays(days))
                .map_err(|e| ApiError::Internal(e.into()))?;
            f.statuses = open();
            f.due_before = Some(until.with_timezone(&Utc));
        }
        "overdue" => {
            f.statuses = Some(
                ["received", "processing", "awaiting_fees"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect(),
            );
            f.due_before = Some(this_minute());
        }
        "transferred_in" => {
            f.statuses = open();
            f.transferred_only = true;
        }
        "all" => {
            f.holding_agency_ids = None;
            f.agency_ids = Some(agencies);
        }
        other => {
            return Err(FieldError::new(
                "queue",
                "one_of",
                format!("Hàng đợi «{other}» không có; chọn mine, to_receive, in_process, due_soon, overdue, transferred_in hoặc all."),
                format!("No queue “{other}”; choose mine, to_receive, in_process, due_soon, overdue, transferred_in or all."),
            )
            .into());
        }
    }
    Ok(f)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LogPage {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<LogEntry>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// `GET /api/v1/dossiers/{id}/log`: every action, oldest first, with its hash chain.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/log", tag = "dossiers", params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = LogPage), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<LogPage>> {
    dossiers::load_readable(&state, &viewer, id).await?;
    let p = state
        .store
        .dossier_log(id, PageRequest::new(q.page, q.per_page))
        .await?;
    Ok(Json(LogPage {
        items: p.items,
        total: p.total,
        page: p.page,
        per_page: p.per_page,
    }))
}

/// What anyone with the code and the second factor sees.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Tracking {
    pub code: String,
    pub procedure_code: String,
    pub status: String,
    pub status_code: Option<u8>,
    pub status_vi: String,
    pub status_en: String,
    pub received_at: Option<DateTime<FixedOffset>>,
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The agency holding it now.
    pub holding_agency: String,
    pub holding_agency_code: String,
    pub milestones: Vec<Milestone>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Milestone {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub status: Option<String>,
}

/// Failed look-ups from one address within ten minutes before it must wait.
const TRACK_FAILURES: usize = 20;

/// `GET /api/v1/tracking/{code}?phone=|id_last4=|secret=`: public tracking. A wrong second
/// factor answers like an unknown code (404); repeated failures from one address are
/// throttled (429).
#[utoipa::path(get, path = "/api/v1/tracking/{code}", tag = "dossiers", params(("code" = String, Path), TrackQuery),
    responses((status = 200, body = Tracking), (status = 404, body = crate::error::Problem), (status = 429, body = crate::error::Problem)))]
pub async fn track(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<TrackQuery>,
) -> ApiResult<Json<Tracking>> {
    Ok(Json(track_lookup(&state, &viewer, &code, &q).await?))
}

/// Shared by the tracking page.
pub async fn track_lookup(
    state: &AppState,
    viewer: &Viewer,
    code: &str,
    q: &TrackQuery,
) -> ApiResult<Tracking> {
    let now = Utc::now();
    let key = format!("track:{}", viewer.ip.as_deref().unwrap_or("unknown"));
    let since = now - chrono::TimeDelta::minutes(10);
    // One read for the dossier, its holder, its milestones and the address's recent
    // failures; the failures alone only when the code is unknown.
    let found = state.store.track_dossier(code.trim(), &key, since).await?;
    let recent = match &found {
        Some(t) => usize::try_from(t.recent_failures).unwrap_or(usize::MAX),
        None => state.store.login_failures(&key, since).await?.len(),
    };
    if recent >= TRACK_FAILURES {
        return Err(ApiError::TooManyRequests { retry_after: 60 });
    }
    let Some(found) = found.filter(|t| dossiers::second_factor_ok(state, t, q)) else {
        state.store.record_login_failure(&key, now).await?;
        return Err(ApiError::NotFound);
    };
    let milestones = found
        .milestones
        .into_iter()
        .map(|m| Milestone {
            at: m.at,
            kind: m.kind,
            status: m.to,
        })
        .collect();
    let s = found.status;
    Ok(Tracking {
        code: found.code,
        procedure_code: found.procedure_code,
        status: s.as_str().to_owned(),
        status_code: s.national_code(),
        status_vi: s.label_vi().to_owned(),
        status_en: s.label_en().to_owned(),
        received_at: found.received_at,
        due_at: found.due_at,
        holding_agency: found.holding_agency_name,
        holding_agency_code: found.holding_agency_code,
        milestones,
    })
}
