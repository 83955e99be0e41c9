//! Dossier operations shared by the API and the pages: create (online draft or paper dossier
//! at the counter), give a lifecycle command, read with access checks, track publicly.
//!
//! Every command goes the same way: load the dossier; find which of the command's
//! authorities the viewer holds on it, asking the one authorization policy; let the lifecycle
//! (`motcua_dossier::apply`) decide; persist the result with the version it was computed
//! from, the log entry and the notifications in one transaction. A concurrent change makes
//! the store answer `Stale`, which becomes "changed meanwhile" (409) — never a lost update.

use chrono::Utc;
use motcua_auth::policy::{Action, DossierScope, Resource};
use motcua_auth::token::Token;
use motcua_calendar::{Duration, Resume};
use motcua_catalog::model::{ChannelKind, DurationUnit, Procedure};
use motcua_domain::FieldError;
use motcua_dossier::lifecycle::Authority;
use motcua_dossier::{Command, Dossier, Performer, ReturnChannel, Status};
use motcua_store::{
    Applicant, DossierChange, NewDossier, NewLogEntry, NewOutboxMessage, StoredDossier,
    TrackedDossier,
};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// Steps of the default internal process, when an agency defined none in its local settings
/// (`crate::settings`): a specialist examines, a department head reviews, a leader approves.
pub const DEFAULT_STEPS: u32 = 3;

/// What the policy needs to know about a dossier.
pub fn scope(d: &StoredDossier) -> DossierScope {
    DossierScope {
        owner_account_id: d.state.owner_account_id,
        holding_agency_id: d.state.holding_agency_id,
        receiving_agency_id: d.state.receiving_agency_id,
        transferred_agency_ids: d.state.transferred_agency_ids.clone(),
    }
}

fn policy_action(a: Authority) -> Action {
    match a {
        Authority::Owner => Action::Update,
        Authority::Counter => Action::Receive,
        Authority::Processor => Action::Process,
        Authority::Approver => Action::Approve,
    }
}

/// Whether the viewer reads the dossiers of `agency_id` (the policy, asked about a dossier
/// received and held there): work queues list only such agencies. Administrators work in
/// their agency without reading its case files.
pub fn reads_dossiers_at(viewer: &Viewer, agency_id: i64) -> bool {
    viewer.allowed(
        Action::Read,
        &Resource::Dossier(DossierScope {
            owner_account_id: None,
            holding_agency_id: agency_id,
            receiving_agency_id: agency_id,
            transferred_agency_ids: vec![],
        }),
    )
}

/// Loads a dossier the viewer may read (404 otherwise, so codes and ids reveal nothing).
pub async fn load_readable(state: &AppState, viewer: &Viewer, id: i64) -> ApiResult<StoredDossier> {
    // Who asks comes first: an anonymous 401 must not depend on whether the id exists.
    viewer.require_account()?;
    let d = state
        .store
        .get_dossier(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    viewer.authorize(Action::Read, &Resource::Dossier(scope(&d)))?;
    Ok(d)
}

/// [`load_readable`], and for an officer the view recorded in the dossier's log: every
/// officer's view is on the record (SPEC §4). The API's show and the dossier page use it.
pub async fn load_viewed(state: &AppState, viewer: &Viewer, id: i64) -> ApiResult<StoredDossier> {
    let d = load_readable(state, viewer, id).await?;
    if viewer.is_officer() {
        state
            .store
            .append_dossier_log(
                id,
                NewLogEntry {
                    at: Utc::now(),
                    kind: "view".into(),
                    actor_id: viewer.account_id(),
                    ip: viewer.ip.clone(),
                    detail: serde_json::json!({}),
                },
            )
            .await?;
    }
    Ok(d)
}

/// The processing time of a procedure's channel, as the calendar counts it.
pub fn channel_duration(p: &Procedure, channel: ChannelKind) -> Option<Duration> {
    let pick = p
        .channels_of(channel)
        .find_map(|c| c.duration.as_ref())
        .or_else(|| p.channels.iter().find_map(|c| c.duration.as_ref()))?;
    Some(match pick.unit {
        DurationUnit::WorkingDays => Duration::WorkingDays(pick.value),
        DurationUnit::WorkingHours => Duration::WorkingHours(pick.value),
        DurationUnit::Days => Duration::Days(pick.value),
        // Hours in a procedure are office hours at a counter.
        DurationUnit::Hours => Duration::WorkingHours(pick.value),
        DurationUnit::Months => Duration::Months(pick.value),
    })
}

fn parse_channel(raw: &str) -> ApiResult<(ChannelKind, &'static str)> {
    match raw {
        "online" => Ok((ChannelKind::Online, "online")),
        "in_person" => Ok((ChannelKind::InPerson, "in_person")),
        "postal" => Ok((ChannelKind::Postal, "postal")),
        _ => Err(FieldError::new(
            "channel",
            "one_of",
            "Kênh nộp phải là online, in_person hoặc postal.",
            "The channel must be online, in_person or postal.",
        )
        .into()),
    }
}

/// Input for a new dossier.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct NewDossierInput {
    /// The procedure's code, e.g. `1.001193`.
    pub procedure_code: Option<String>,
    /// The agency (QCVN 102 code) whose counter receives it — any counter, wherever one lives.
    pub agency: Option<String>,
    pub receiving_point: Option<String>,
    /// `online` (default for applicants), `in_person` (default at the counter) or `postal`.
    pub channel: Option<String>,
    /// The e-form's values.
    #[schema(value_type = Object)]
    pub form_values: Option<serde_json::Value>,
    /// At the counter: who applies (applicants online are taken from their account).
    pub applicant_name: Option<String>,
    pub applicant_id_number: Option<String>,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    pub applicant_address: Option<String>,
    /// Where to receive the result: `counter`, `post` or `online`.
    pub result_delivery: Option<String>,
}

/// A result delivery channel as forms and the API name it.
pub fn parse_return_channel(field: &str, raw: &str) -> ApiResult<ReturnChannel> {
    match raw.trim() {
        "counter" => Ok(ReturnChannel::Counter),
        "post" => Ok(ReturnChannel::Post),
        "online" => Ok(ReturnChannel::Online),
        _ => Err(FieldError::new(
            field,
            "one_of",
            "Nơi nhận kết quả phải là counter (tại quầy), post (bưu chính) hoặc online (trực tuyến).",
            "The result delivery must be counter, post or online.",
        )
        .into()),
    }
}

/// A created dossier and its tracking secret (derived: the same on every call, for the receipt's QR code).
pub struct Created {
    pub dossier: StoredDossier,
    pub tracking_secret: Option<String>,
}

/// Creates a draft: an applicant's own online, or a paper dossier by a receiving officer of
/// `agency`. `idempotency_key` makes retries safe.
pub async fn create(
    state: &AppState,
    viewer: &Viewer,
    input: &NewDossierInput,
    idempotency_key: Option<&str>,
) -> ApiResult<Created> {
    let account = viewer.require_account()?;
    let mut v = motcua_domain::Validation::default();
    let code = input
        .procedure_code
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    if code.is_empty() {
        v.push(FieldError::required("procedure_code"));
    }
    let agency_code = input.agency.as_deref().map(str::trim).unwrap_or_default();
    if agency_code.is_empty() {
        v.push(FieldError::required("agency"));
    }
    v.finish()?;
    let stored = state.store.get_procedure(code).await?.ok_or_else(|| {
        ApiError::from(FieldError::new(
            "procedure_code",
            "unknown",
            "Không có thủ tục này trong danh mục.",
            "No such procedure in the catalog.",
        ))
    })?;
    let procedure: Procedure = serde_json::from_str(&stored.document)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored procedure {code}: {e}")))?;
    let agency = crate::api::admin::agency_of(state, agency_code)
        .await
        .map_err(|_| {
            ApiError::from(FieldError::new(
                "agency",
                "unknown",
                "Không tìm thấy cơ quan tiếp nhận.",
                "No such receiving agency.",
            ))
        })?;
    let officer = viewer.is_officer();
    let default_channel = if officer { "in_person" } else { "online" };
    let (kind, channel) = parse_channel(input.channel.as_deref().unwrap_or(default_channel))?;
    // The receiving agency's local settings: process, e-form, points, online level, fees.
    let local = crate::settings::effective_for(state, agency.id, &procedure).await?;
    local_checks(&local, &procedure, kind, input.receiving_point.as_deref())?;
    let duration = channel_duration(&procedure, kind).ok_or_else(|| {
        ApiError::from(FieldError::new(
            "procedure_code",
            "no_duration",
            "Danh mục chưa ghi thời hạn giải quyết của thủ tục này; chưa thể tiếp nhận.",
            "The catalog states no processing time for this procedure; it cannot be received yet.",
        ))
    })?;
    let (owner, applicant) = if officer {
        // A paper dossier: the officer must be able to receive at this agency.
        let probe = DossierScope {
            owner_account_id: None,
            holding_agency_id: agency.id,
            receiving_agency_id: agency.id,
            transferred_agency_ids: vec![],
        };
        viewer.authorize(Action::Create, &Resource::Dossier(probe))?;
        let name = input
            .applicant_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::from(FieldError::required("applicant_name")))?;
        // An applicant with an account (their ID number or tax code is their login) owns
        // the paper dossier: it shows in their "my dossiers", they may act on it online, and
        // its result lands in their document store.
        let id_number = input
            .applicant_id_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let owner = match id_number {
            Some(id) => state
                .store
                .find_account_for_login(id)
                .await?
                .filter(|a| a.login == id && a.kind != motcua_store::AccountKind::Officer)
                .map(|a| a.id),
            None => None,
        };
        (
            owner,
            Applicant {
                name: name.to_owned(),
                id_number: id_number.map(str::to_owned),
                phone: input.applicant_phone.clone(),
                email: input.applicant_email.clone(),
                address: input.applicant_address.clone(),
            },
        )
    } else {
        (
            Some(account.id),
            Applicant {
                name: account.full_name.clone(),
                id_number: Some(account.login.clone()),
                phone: account.phone.clone(),
                email: account.email.clone(),
                address: account.address_line.clone(),
            },
        )
    };
    let values = input
        .form_values
        .clone()
        .unwrap_or_else(|| serde_json::json!({}));
    // Checked against the agency's e-form (kept as given when it defines none).
    let values = motcua_catalog::local::check_values(&local.eform, &values)?;
    // The receipt's tracking secret is derived from this random salt (see
    // `motcua_auth::tracking`), so every print carries the same one.
    let salt = Token::generate()
        .map_err(|e| ApiError::Internal(e.into()))?
        .hash()
        .to_hex();
    let steps = u32::try_from(local.steps.len()).unwrap_or(DEFAULT_STEPS);
    let mut draft = Dossier::draft(owner, agency.id, steps, duration, Resume::Remaining);
    draft.result_delivery = match input
        .result_delivery
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        Some(raw) => Some(parse_return_channel("result_delivery", raw)?),
        None => None,
    };
    let actor_key = format!("account:{}", account.id);
    let new = NewDossier {
        procedure_code: stored.code.clone(),
        procedure_version: stored.version,
        channel: channel.to_owned(),
        applicant,
        receiving_point: input.receiving_point.clone(),
        form_values: values,
        state: draft,
        tracking_secret_hash: salt,
        idempotency: idempotency_key.map(|k| (actor_key, k.to_owned())),
    };
    let dossier = state
        .store
        .create_dossier(
            &new,
            NewLogEntry {
                at: Utc::now(),
                kind: "create".into(),
                actor_id: Some(account.id),
                ip: viewer.ip.clone(),
                // The process and fee in force at reception stay with the dossier.
                detail: serde_json::json!({ "procedure": code, "procedure_version": stored.version, "channel": channel,
                    "process": local.steps, "fee_vnd": crate::settings::fees(&local, &procedure).iter().find(|f| f.channel == kind).and_then(|f| f.fee_vnd) }),
            },
        )
        .await?;
    // A replayed idempotent call gets the dossier and its (same) secret.
    let tracking_secret = Some(state.auth.tracking_secret(&dossier.tracking_secret_hash));
    Ok(Created {
        dossier,
        tracking_secret,
    })
}

/// What the receiving agency's settings refuse: a procedure it does not receive, online
/// submission where it takes none, a receiving point that does not receive the procedure.
fn local_checks(
    local: &motcua_catalog::local::LocalSettings,
    procedure: &Procedure,
    kind: ChannelKind,
    point: Option<&str>,
) -> ApiResult<()> {
    if !local.enabled {
        return Err(FieldError::new(
            "procedure_code",
            "not_received",
            "Cơ quan này không tiếp nhận thủ tục này.",
            "This agency does not receive this procedure.",
        )
        .into());
    }
    if kind == ChannelKind::Online && !local.online_submission(procedure) {
        return Err(FieldError::new(
            "channel",
            "not_online",
            "Thủ tục này không được nộp trực tuyến tại cơ quan này.",
            "This procedure cannot be submitted online to this agency.",
        )
        .into());
    }
    if let Some(p) = point.map(str::trim).filter(|p| !p.is_empty())
        && !local.receiving_points.is_empty()
        && !local.receiving_points.iter().any(|r| r == p)
    {
        return Err(FieldError::new(
            "receiving_point",
            "not_received",
            "Bộ phận tiếp nhận này không nhận thủ tục này.",
            "This receiving point does not receive this procedure.",
        )
        .into());
    }
    Ok(())
}

/// The authority the viewer holds for `command` on `d`, as the lifecycle needs to hear it
/// (`Forbidden` when none; `NotFound` when the viewer may not even read the dossier). Pages
/// ask it to list the actions a viewer may take.
pub fn performer(viewer: &Viewer, d: &StoredDossier, command: &Command) -> ApiResult<Performer> {
    let account = viewer.require_account()?;
    let resource = Resource::Dossier(scope(d));
    // Reading first: someone who may not even see the dossier gets 404.
    viewer.authorize(Action::Read, &resource)?;
    for authority in command.authorities(d.state.status) {
        let allowed = match authority {
            Authority::Owner => d.state.owner_account_id == Some(account.id),
            other => viewer.is_officer() && viewer.allowed(policy_action(*other), &resource),
        };
        if allowed {
            return Ok(if *authority == Authority::Owner {
                Performer::Applicant {
                    account_id: account.id,
                }
            } else {
                Performer::Officer {
                    account_id: account.id,
                }
            });
        }
    }
    Err(ApiError::Forbidden)
}

fn milestone_message(d: &StoredDossier, to: Status) -> Option<NewOutboxMessage> {
    let email = d.applicant.email.clone()?;
    let code = d.code.clone().unwrap_or_else(|| format!("#{}", d.id));
    Some(NewOutboxMessage {
        channel: "email".into(),
        recipient: email,
        subject: format!("Hồ sơ {code}: {} / {}", to.label_vi(), to.label_en()),
        body: format!(
            "Hồ sơ {code} ({}) chuyển sang trạng thái: {}.\nDossier {code} is now: {}.\n",
            d.procedure_code,
            to.label_vi(),
            to.label_en()
        ),
    })
}

/// Gives `command` to dossier `id`, computed from `expected_version`.
pub async fn command(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    expected_version: i64,
    command: Command,
) -> ApiResult<StoredDossier> {
    viewer.require_account()?;
    let d = state
        .store
        .get_dossier(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let by = performer(viewer, &d, &command)?;
    if d.state.version != expected_version {
        return Err(ApiError::ChangedMeanwhile);
    }
    if let Command::Transfer { to_agency_id, .. } = &command
        && state.store.get_agency_by_id(*to_agency_id).await?.is_none()
    {
        return Err(FieldError::new(
            "to_agency",
            "unknown",
            "Không tìm thấy cơ quan nhận hồ sơ chuyển.",
            "No such agency to transfer to.",
        )
        .into());
    }
    // A dossier is handed only to someone who processes dossiers where it is held.
    let handed_to = match &command {
        Command::Assign { to } => Some(*to),
        Command::Forward { to } | Command::SendBack { to, .. } => *to,
        _ => None,
    };
    if let Some(to) = handed_to
        && !processes_at(state, to, d.state.holding_agency_id).await?
    {
        return Err(FieldError::new(
            "to",
            "not_processor",
            "Người được chọn không phải cán bộ xử lý hồ sơ của cơ quan đang giữ hồ sơ.",
            "The person chosen does not process dossiers at the agency holding this dossier.",
        )
        .into());
    }
    let now = Utc::now().with_timezone(&motcua_calendar::vietnam());
    let calendar = state.calendar.get();
    let (next, transition) = motcua_dossier::apply(&d.state, &command, by, now, &calendar)
        .map_err(|r| match r {
            motcua_dossier::Refusal::NotYours { .. } => ApiError::Forbidden,
            other => ApiError::from(other.to_field_error()),
        })?;
    let allocate_code = (transition.command == "receive").then(|| {
        let receiving = d.state.receiving_agency_id;
        (receiving, now.date_naive())
    });
    let allocate_code = match allocate_code {
        Some((agency_id, day)) => {
            let agency = state
                .store
                .get_agency_by_id(agency_id)
                .await?
                .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("receiving agency gone")))?;
            Some((agency.code.as_str().to_owned(), day))
        }
        None => None,
    };
    let detail = serde_json::json!({
        "command": command,
        "from": transition.from.as_str(),
        "to": transition.to.as_str(),
        "clock": transition.clock,
        "form": transition.form.map(|f| f.number()),
    });
    let messages = if transition.notify_applicant {
        milestone_message(&d, transition.to).into_iter().collect()
    } else {
        Vec::new()
    };
    let stored = state
        .store
        .change_dossier(
            id,
            DossierChange {
                expected_version,
                state: next,
                allocate_code,
                form_values: None,
                log: NewLogEntry {
                    at: Utc::now(),
                    kind: transition.command.to_owned(),
                    actor_id: viewer.account_id(),
                    ip: viewer.ip.clone(),
                    detail,
                },
                messages,
            },
        )
        .await?;
    Ok(stored)
}

/// Whether the officer `account_id` holds a processing role (specialist, department head,
/// leader) at `agency_id`.
pub async fn processes_at(state: &AppState, account_id: i64, agency_id: i64) -> ApiResult<bool> {
    use motcua_domain::identity::Role;
    Ok(state
        .store
        .officer_roles(account_id)
        .await?
        .iter()
        .any(|r| {
            r.agency_id == agency_id
                && matches!(
                    r.role,
                    Role::Specialist | Role::DepartmentHead | Role::Leader
                )
        }))
}

/// A public tracking look-up's second factor.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrackQuery {
    /// The applicant's phone number.
    pub phone: Option<String>,
    /// The last 4 digits of the applicant's ID number.
    pub id_last4: Option<String>,
    /// The secret of the receipt's QR code.
    pub secret: Option<String>,
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Whether the second factor matches the dossier (constant-time where it is a secret).
pub fn second_factor_ok(state: &AppState, d: &TrackedDossier, q: &TrackQuery) -> bool {
    if let Some(secret) = q.secret.as_deref().filter(|s| !s.is_empty()) {
        return state
            .auth
            .verify_tracking_secret(&d.tracking_secret_hash, secret);
    }
    if let Some(phone) = q.phone.as_deref().filter(|s| !s.is_empty()) {
        let given = digits(phone);
        return given.len() >= 9
            && d.applicant_phone
                .as_deref()
                .is_some_and(|p| digits(p).ends_with(&given[given.len() - 9..]));
    }
    if let Some(last4) = q.id_last4.as_deref().filter(|s| !s.is_empty()) {
        let given = digits(last4);
        return given.len() == 4
            && d.applicant_id_number
                .as_deref()
                .is_some_and(|id| digits(id).ends_with(&given));
    }
    false
}
