//! What the dossier page shows: the summary, the e-form answers, the history read from the
//! log, and the actions the viewer may take now — each computed by the same functions the
//! API's commands go through (`dossiers::performer` for the authority, the lifecycle's
//! `apply` for whether the state allows it), so the page never offers what would be refused.

use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use minijinja::{Value, context};
use motcua_catalog::local::LocalSettings;
use motcua_catalog::model::{ChannelKind, Procedure};
use motcua_domain::agency::Agency;
use motcua_domain::identity::Role;
use motcua_dossier::chain::LogEntry;
use motcua_dossier::{Command, Refusal, ReturnChannel, Status};
use motcua_store::{AccountFilter, AccountKind, PageRequest, StoredDossier};

use crate::AppState;
use crate::auth::Viewer;
use crate::dossiers;
use crate::error::ApiResult;
use crate::i18n::Lang;

/// History entries per page.
pub const HISTORY_PER_PAGE: usize = 20;

/// Log kinds applicants do not see: internal hand-overs and officers' views (the same as
/// public tracking's milestones).
const INTERNAL_KINDS: &[&str] = &["view", "forward", "send_back", "assign", "document"];

pub fn pick(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::Vi => vi.to_owned(),
        Lang::En => en.to_owned(),
    }
}

pub fn status_label(s: Status, lang: Lang) -> String {
    pick(lang, s.label_vi(), s.label_en())
}

pub fn channel_kind(channel: &str) -> ChannelKind {
    match channel {
        "online" => ChannelKind::Online,
        "postal" => ChannelKind::Postal,
        _ => ChannelKind::InPerson,
    }
}

pub fn return_channel_name(c: ReturnChannel) -> &'static str {
    match c {
        ReturnChannel::Counter => "counter",
        ReturnChannel::Post => "post",
        ReturnChannel::Online => "online",
    }
}

/// The procedure as the dossier was made under (its version), if the catalog still has it.
pub async fn procedure_of(state: &AppState, d: &StoredDossier) -> ApiResult<Option<Procedure>> {
    let stored = state
        .store
        .get_procedure_version(&d.procedure_code, d.procedure_version)
        .await?;
    Ok(stored.and_then(|s| serde_json::from_str(&s.document).ok()))
}

/// Agencies by id, looked up once each.
#[derive(Default)]
pub struct Agencies(HashMap<i64, Option<Agency>>);

impl Agencies {
    pub async fn get(&mut self, state: &AppState, id: i64) -> ApiResult<Option<&Agency>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(id) {
            slot.insert(state.store.get_agency_by_id(id).await?);
        }
        Ok(self.0.get(&id).and_then(Option::as_ref))
    }

    pub async fn name(&mut self, state: &AppState, id: i64) -> ApiResult<String> {
        Ok(self
            .get(state, id)
            .await?
            .map_or_else(|| format!("#{id}"), |a| a.name.clone()))
    }

    pub async fn brief(&mut self, state: &AppState, id: i64) -> ApiResult<Value> {
        Ok(match self.get(state, id).await? {
            Some(a) => context! { id, code => a.code.as_str(), name => a.name },
            None => context! { id, code => "", name => format!("#{id}") },
        })
    }
}

/// Account names by id, looked up once each.
#[derive(Default)]
pub struct People(HashMap<i64, Option<String>>);

impl People {
    pub async fn name(&mut self, state: &AppState, id: i64) -> ApiResult<Option<String>> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.0.entry(id) {
            slot.insert(state.store.get_account(id).await?.map(|a| a.full_name));
        }
        Ok(self.0.get(&id).cloned().flatten())
    }
}

/// The fee of the dossier's channel: the agency's override, else the catalog's.
fn fee(p: Option<&Procedure>, settings: Option<&LocalSettings>, channel: &str) -> Value {
    let kind = channel_kind(channel);
    if let Some(vnd) = settings.and_then(|s| s.fee_for(kind)) {
        return context! { vnd => super::procedures::format_vnd(vnd), free => vnd == 0 };
    }
    let Some(c) = p.and_then(|p| p.channels_of(kind).next()) else {
        return Value::from(());
    };
    match c.fee_vnd {
        Some(0) => context! { free => true },
        Some(vnd) => context! { vnd => super::procedures::format_vnd(vnd), free => false },
        None if !c.fee_text.trim().is_empty() => context! { text => c.fee_text, free => false },
        None => Value::from(()),
    }
}

/// The summary: what the dossier is, where it is, and its clock.
pub async fn summary(
    state: &AppState,
    lang: Lang,
    d: &StoredDossier,
    procedure: Option<&Procedure>,
    settings: Option<&LocalSettings>,
    agencies: &mut Agencies,
    people: &mut People,
) -> ApiResult<Value> {
    let s = &d.state;
    let v = crate::api::dossiers::view(d);
    let assignee = match s.assignee_id {
        Some(id) => people.name(state, id).await?,
        None => None,
    };
    let steps = settings
        .zip(procedure)
        .map(|(set, p)| set.effective_steps(p))
        .unwrap_or_default();
    let step_name = (s.step >= 1)
        .then(|| steps.get(s.step as usize - 1))
        .flatten()
        .map(|st| pick(lang, &st.name_vi, &st.name_en));
    let mut transferred = Vec::new();
    for id in &s.transferred_agency_ids {
        transferred.push(agencies.name(state, *id).await?);
    }
    let paused = s.paused.as_ref().map(|p| {
        context! {
            at => p.paused_at.to_rfc3339(),
            hours => format!("{:.1}", p.remaining.seconds() as f64 / 3600.0),
        }
    });
    Ok(context! {
        id => d.id, code => d.code, version => s.version,
        procedure_code => d.procedure_code, procedure_version => d.procedure_version,
        procedure_name => procedure.map(|p| p.name.clone()),
        channel => d.channel,
        status => s.status.as_str(), status_label => status_label(s.status, lang),
        status_code => s.status.national_code(),
        applicant => context! {
            name => d.applicant.name, id_number => d.applicant.id_number,
            phone => d.applicant.phone, email => d.applicant.email, address => d.applicant.address,
        },
        receiving => agencies.brief(state, s.receiving_agency_id).await?,
        receiving_point => d.receiving_point,
        holding => agencies.brief(state, s.holding_agency_id).await?,
        transferred,
        assignee,
        step => s.step, steps => s.steps, step_name,
        received_at => s.received_at.map(|t| t.to_rfc3339()),
        due_at => s.due_at.map(|t| t.to_rfc3339()),
        late => s.late, overdue => v.overdue, paused,
        fee => fee(procedure, settings, &d.channel),
        fee_due => s.fee_due_vnd.map(super::procedures::format_vnd),
        result_delivery => s.result_delivery.map(return_channel_name),
        created_at => d.created_at.to_rfc3339(),
        is_final => s.status.is_final(),
    })
}

/// One sample of every command, valid in its arguments, to ask who may give which now.
fn samples(d: &StoredDossier, viewer_id: i64, now: DateTime<FixedOffset>) -> Vec<Command> {
    let later = d.state.due_at.unwrap_or(now).max(now) + TimeDelta::days(1);
    let x = || "x".to_owned();
    vec![
        Command::Submit,
        Command::Receive,
        Command::RequestSupplement { items: vec![x()] },
        Command::Supplement,
        Command::Refuse { reasons: vec![x()] },
        Command::Assign { to: viewer_id },
        Command::Forward { to: None },
        Command::SendBack {
            reason: x(),
            to: None,
        },
        Command::RequestFees { amount_vnd: 1 },
        Command::ConfirmFees,
        Command::Approve,
        Command::Transfer {
            to_agency_id: -1,
            reason: x(),
        },
        Command::Stop { reason: x() },
        Command::Withdraw { reason: x() },
        Command::ReturnResult {
            channel: ReturnChannel::Counter,
        },
        Command::Apologize {
            new_due: later,
            reason: x(),
            responsible_agency_id: d.state.holding_agency_id,
        },
    ]
}

/// The commands the viewer may give now, by name: the authority from the policy (as the
/// command itself would ask it), then the lifecycle's own answer on a trial run — a
/// refusal for the state or the process step hides the command; an argument it would
/// question (the form asks for the real ones) does not.
pub fn actions(state: &AppState, viewer: &Viewer, d: &StoredDossier) -> Vec<&'static str> {
    let Some(me) = viewer.account_id() else {
        return vec![];
    };
    let now = Utc::now().with_timezone(&motcua_calendar::vietnam());
    let calendar = state.calendar.get();
    samples(d, me, now)
        .into_iter()
        .filter(|c| {
            let Ok(by) = dossiers::performer(viewer, d, c) else {
                return false;
            };
            match motcua_dossier::apply(&d.state, c, by, now, &calendar) {
                Ok(_) => true,
                Err(Refusal::NotNow { .. } | Refusal::NotYours { .. }) => false,
                Err(Refusal::Invalid(_) | Refusal::Calendar(_)) => true,
            }
        })
        .map(|c| c.name())
        .collect()
}

/// Officers who process dossiers at `agency_id`, for the assign / forward / send back
/// choices, with their roles there.
pub async fn processors(state: &AppState, agency_id: i64, lang: Lang) -> ApiResult<Vec<Value>> {
    let list = state
        .store
        .list_accounts(&AccountFilter {
            q: None,
            kind: Some(AccountKind::Officer),
            agency_ids: Some(vec![agency_id]),
            page: PageRequest::new(None, Some(PageRequest::MAX_PER_PAGE)),
        })
        .await?;
    Ok(list
        .items
        .iter()
        .filter(|o| !o.account.disabled)
        .filter_map(|o| {
            let roles: Vec<&str> = o
                .roles
                .iter()
                .filter(|r| r.agency_id == agency_id)
                .filter(|r| {
                    matches!(
                        r.role,
                        Role::Specialist | Role::DepartmentHead | Role::Leader
                    )
                })
                .map(|r| match lang {
                    Lang::Vi => r.role.label_vi(),
                    Lang::En => r.role.label_en(),
                })
                .collect();
            (!roles.is_empty()).then(|| {
                context! { id => o.account.id, name => o.account.full_name, roles => roles.join(", ") }
            })
        })
        .collect())
}

/// Agencies a dossier may be transferred to (every agency in force but the holder), grouped
/// by kind for the select.
pub async fn transfer_targets(state: &AppState, holding: i64) -> ApiResult<Vec<Value>> {
    let today = Utc::now()
        .with_timezone(&motcua_calendar::vietnam())
        .date_naive();
    let mut all: Vec<Agency> = state
        .store
        .all_agencies()
        .await?
        .into_iter()
        .filter(|a| a.id != holding && a.is_valid_on(today))
        .collect();
    all.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for kind in motcua_domain::agency::AgencyKind::ALL {
        let items: Vec<Value> = all
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| context! { code => a.code.as_str(), name => a.name })
            .collect();
        if !items.is_empty() {
            groups.push((kind.as_str().to_owned(), items));
        }
    }
    Ok(groups
        .into_iter()
        .map(|(kind, items)| context! { kind, items })
        .collect())
}

fn lines_of(v: &serde_json::Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn vn(at: &str) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&motcua_calendar::vietnam())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// What an entry says, as `(label key, text)` lines.
async fn entry_details(
    state: &AppState,
    lang: Lang,
    e: &LogEntry,
    agencies: &mut Agencies,
    people: &mut People,
) -> ApiResult<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let d = &e.detail;
    let key = |k: &str| format!("dossier_pages.detail.{k}");
    let status = |s: Option<&str>| {
        s.and_then(Status::parse)
            .map(|s| status_label(s, lang))
            .unwrap_or_default()
    };
    if let (Some(from), Some(to)) = (d["from"].as_str(), d["to"].as_str())
        && from != to
    {
        out.push((
            key("status"),
            format!("{} → {}", status(Some(from)), status(Some(to))),
        ));
    }
    let cmd = &d["command"];
    if cmd.is_object() {
        for item in lines_of(&cmd["items"]) {
            out.push((key("item"), item));
        }
        for reason in lines_of(&cmd["reasons"]) {
            out.push((key("reason"), reason));
        }
        if let Some(r) = cmd["reason"].as_str() {
            out.push((key("reason"), r.to_owned()));
        }
        if let Some(to) = cmd["to"].as_i64() {
            let name = people
                .name(state, to)
                .await?
                .unwrap_or_else(|| format!("#{to}"));
            out.push((key("to"), name));
        }
        if let Some(a) = cmd["to_agency_id"].as_i64() {
            out.push((key("to_agency"), agencies.name(state, a).await?));
        }
        if let Some(n) = cmd["amount_vnd"].as_i64() {
            out.push((
                key("amount"),
                format!("{} đ", super::procedures::format_vnd(n)),
            ));
        }
        if let Some(c) = cmd["channel"].as_str() {
            let label = match (c, lang) {
                ("counter", Lang::Vi) => "Tại bộ phận một cửa",
                ("post", Lang::Vi) => "Qua dịch vụ bưu chính",
                ("online", Lang::Vi) => "Trực tuyến",
                ("counter", Lang::En) => "At the counter",
                ("post", Lang::En) => "By post",
                ("online", Lang::En) => "Online",
                (other, _) => other,
            };
            out.push((key("channel"), label.to_owned()));
        }
        if let Some(a) = cmd["responsible_agency_id"].as_i64() {
            out.push((key("responsible"), agencies.name(state, a).await?));
        }
    }
    let clock = &d["clock"];
    if let Some(due) = clock["due"].as_str() {
        out.push((key("due"), vn(due)));
    }
    if let Some(secs) = clock["remaining_seconds"].as_i64() {
        out.push((key("remaining"), format!("{:.1}", secs as f64 / 3600.0)));
    }
    if clock["late"].as_bool() == Some(true) {
        out.push((key("late"), pick(lang, "Có", "Yes")));
    }
    if let Some(f) = d["form"].as_str() {
        out.push((key("form"), f.to_owned()));
    }
    if e.kind == "create" {
        if let Some(c) = d["channel"].as_str() {
            let label = match (c, lang) {
                ("online", Lang::Vi) => "Trực tuyến",
                ("in_person", Lang::Vi) => "Trực tiếp",
                ("postal", Lang::Vi) => "Dịch vụ bưu chính",
                ("online", Lang::En) => "Online",
                ("in_person", Lang::En) => "In person",
                ("postal", Lang::En) => "By post",
                (other, _) => other,
            };
            out.push((key("submitted_via"), label.to_owned()));
        }
        return Ok(out);
    }
    // Entries of other kinds (documents, messages…): their plain values as given.
    if !cmd.is_object()
        && out.is_empty()
        && let Some(obj) = d.as_object()
    {
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Bool(b) => pick(
                    lang,
                    if *b { "Có" } else { "Không" },
                    if *b { "Yes" } else { "No" },
                ),
                _ => continue,
            };
            out.push((k.clone(), text));
        }
    }
    Ok(out)
}

/// The log for the page, newest first, a page at a time: all of it for officers, the
/// milestones for the applicant.
pub async fn history(
    state: &AppState,
    lang: Lang,
    officer: bool,
    chain: &[LogEntry],
    page: usize,
    agencies: &mut Agencies,
    people: &mut People,
) -> ApiResult<(Vec<Value>, usize, usize)> {
    // Consecutive views by one officer read as one line, with their number.
    let mut shown: Vec<(&LogEntry, usize)> = Vec::new();
    for e in chain
        .iter()
        .rev()
        .filter(|e| officer || !INTERNAL_KINDS.contains(&e.kind.as_str()))
    {
        if let Some((last, n)) = shown.last_mut()
            && e.kind == "view"
            && last.kind == "view"
            && last.actor_id == e.actor_id
        {
            *n += 1;
            continue;
        }
        shown.push((e, 1));
    }
    let pages = shown.len().div_ceil(HISTORY_PER_PAGE).max(1);
    let page = page.clamp(1, pages);
    let mut items = Vec::new();
    for (e, count) in shown
        .iter()
        .skip((page - 1) * HISTORY_PER_PAGE)
        .take(HISTORY_PER_PAGE)
    {
        let who = match e.actor_id {
            Some(id) => people.name(state, id).await?,
            None => None,
        };
        let details: Vec<Value> = entry_details(state, lang, e, agencies, people)
            .await?
            .into_iter()
            .map(|(label, text)| context! { label, text })
            .collect();
        items.push(context! {
            seq => e.seq, at => e.at.to_rfc3339(), kind => e.kind, who, count,
            ip => if officer { e.ip.clone() } else { None },
            details,
        });
    }
    Ok((items, page, pages))
}
