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
use motcua_auth::token::{Token, TokenHash};
use motcua_calendar::{Duration, Resume};
use motcua_catalog::model::{ChannelKind, DurationUnit, Procedure};
use motcua_domain::FieldError;
use motcua_dossier::lifecycle::Authority;
use motcua_dossier::{Command, Dossier, Performer, Status};
use motcua_store::{
    Applicant, DossierChange, NewDossier, NewLogEntry, NewOutboxMessage, StoredDossier,
};

use crate::AppState;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// Steps of an agency's internal process until agencies define their own (issue 4's local
/// settings): a specialist examines, a department head reviews, a leader approves.
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
}

/// A created dossier and, once, its tracking secret (for the receipt's QR code).
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
    if kind == ChannelKind::Online && !procedure.offers_online() {
        return Err(FieldError::new(
            "channel",
            "not_online",
            "Thủ tục này không được nộp trực tuyến.",
            "This procedure cannot be submitted online.",
        )
        .into());
    }
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
        (
            None,
            Applicant {
                name: name.to_owned(),
                id_number: input.applicant_id_number.clone(),
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
    // E-form definitions come with the agencies' local settings (issue 4); until then the
    // values are kept as given.
    let secret = Token::generate().map_err(|e| ApiError::Internal(e.into()))?;
    let draft = Dossier::draft(owner, agency.id, DEFAULT_STEPS, duration, Resume::Remaining);
    let actor_key = format!("account:{}", account.id);
    let new = NewDossier {
        procedure_code: stored.code.clone(),
        procedure_version: stored.version,
        channel: channel.to_owned(),
        applicant,
        receiving_point: input.receiving_point.clone(),
        form_values: values,
        state: draft,
        tracking_secret_hash: secret.hash().to_hex(),
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
                detail: serde_json::json!({ "procedure": code, "procedure_version": stored.version, "channel": channel }),
            },
        )
        .await?;
    // A replayed idempotent call gets the dossier, not a new secret.
    let fresh = dossier.tracking_secret_hash == new.tracking_secret_hash;
    Ok(Created {
        dossier,
        tracking_secret: fresh.then(|| secret.expose().to_owned()),
    })
}

/// The authority the viewer holds for `command` on `d`, as the lifecycle needs to hear it.
fn performer(viewer: &Viewer, d: &StoredDossier, command: &Command) -> ApiResult<Performer> {
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
pub fn second_factor_ok(d: &StoredDossier, q: &TrackQuery) -> bool {
    if let Some(secret) = q.secret.as_deref().filter(|s| !s.is_empty()) {
        return TokenHash::from_hex(&d.tracking_secret_hash)
            .is_some_and(|h| h.matches(secret.trim()));
    }
    if let Some(phone) = q.phone.as_deref().filter(|s| !s.is_empty()) {
        let given = digits(phone);
        return given.len() >= 9
            && d.applicant
                .phone
                .as_deref()
                .is_some_and(|p| digits(p).ends_with(&given[given.len() - 9..]));
    }
    if let Some(last4) = q.id_last4.as_deref().filter(|s| !s.is_empty()) {
        let given = digits(last4);
        return given.len() == 4
            && d.applicant
                .id_number
                .as_deref()
                .is_some_and(|id| digits(id).ends_with(&given));
    }
    false
}
