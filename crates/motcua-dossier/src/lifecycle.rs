//! The dossier lifecycle as a state machine (SPEC §4, Decree 118/2025/NĐ-CP).
//!
//! [`apply`] is the only way a dossier changes state: given the dossier, a [`Command`], who
//! gives it and when, it returns the new dossier and a [`Transition`] describing the effects
//! (status, clock, assignment, the form it produces, whether the applicant is told) — or a
//! [`Refusal`] saying why not, in Vietnamese and English.
//!
//! Who may give a command is split in two, on purpose:
//! - *which kind of right* a command needs is [`Command::authority`]: the owner's, the
//!   counter's (receive), the processor's or the approver's. The web layer maps that to the
//!   authorization policy (`motcua_auth::policy`), which knows roles and agencies;
//! - *whether the dossier's state allows it now* is decided here, with the internal process
//!   (steps in order, the assignee acts on their step).
//!
//! | state | commands |
//! |---|---|
//! | draft | submit (owner, or the counter for them) |
//! | submitted | receive, request supplement, refuse (counter); withdraw (owner, counter) |
//! | supplement requested | supplement, withdraw (owner, counter); refuse (counter, at reception); stop (processor, during processing) |
//! | received | assign, request supplement, transfer, stop (processor); apologize (processor, approver); withdraw (owner) |
//! | processing | assign, forward, send back, request supplement, request fees, transfer, stop (processor); approve (approver, at the last step); send back, apologize (processor, approver); withdraw (owner) |
//! | awaiting fees | confirm fees (counter, processor); withdraw (owner) |
//! | processed | return the result (counter) |
//! | refused, withdrawn, stopped, returned | nothing |

use chrono::{DateTime, FixedOffset};
use motcua_calendar::{Duration, Pause, Resume, WorkCalendar};
use motcua_domain::FieldError;
use serde::{Deserialize, Serialize};

use crate::status::Status;

/// Who gives a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Performer {
    /// The dossier's own applicant.
    Applicant { account_id: i64 },
    /// An officer the authorization policy allowed to use the command's authority on this
    /// dossier.
    Officer { account_id: i64 },
}

impl Performer {
    pub fn account_id(self) -> i64 {
        match self {
            Self::Applicant { account_id } | Self::Officer { account_id } => account_id,
        }
    }
}

/// The kind of right a command needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// The applicant who owns the dossier.
    Owner,
    /// Counter work: receive, request supplements at reception, refuse, return the result.
    Counter,
    /// Internal processing: assign, forward, transfer, request supplements or fees, stop.
    Processor,
    /// Approve (and sign) the result.
    Approver,
}

/// How the result is handed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReturnChannel {
    Counter,
    Post,
    Online,
}

/// The printable forms of Circular 03/2025/TT-VPCP, Annex I.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// 01: receipt and appointment.
    Receipt,
    /// 02: supplement request.
    SupplementRequest,
    /// 03: refusal.
    Refusal,
    /// 04: apology and new appointment.
    Apology,
    /// 05: notice of stopping.
    StopNotice,
}

impl FormKind {
    pub fn number(self) -> &'static str {
        match self {
            Self::Receipt => "01",
            Self::SupplementRequest => "02",
            Self::Refusal => "03",
            Self::Apology => "04",
            Self::StopNotice => "05",
        }
    }
}

/// What a command asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Send a draft for reception.
    Submit,
    /// Accept a complete dossier: appointment issued (form 01).
    Receive,
    /// Ask for everything missing, at once (form 02). At reception the clock has not
    /// started; during processing it stops.
    RequestSupplement {
        items: Vec<String>,
    },
    /// The applicant supplied what was asked.
    Supplement,
    /// Not eligible: refused at reception with reasons (form 03).
    Refuse {
        reasons: Vec<String>,
    },
    /// Hand the dossier to an officer (first step, or reassign the current step).
    Assign {
        to: i64,
    },
    /// Pass to the next step of the internal process, to `to` when known.
    Forward {
        to: Option<i64>,
    },
    /// Back to the previous step, with the reason.
    SendBack {
        reason: String,
        to: Option<i64>,
    },
    /// Wait for the applicant's fees or taxes.
    RequestFees {
        amount_vnd: i64,
    },
    ConfirmFees,
    /// Approve (and sign) the result at the last step: the result is ready.
    Approve,
    /// Move the dossier to another agency (competent or coordinating); the clock runs on.
    Transfer {
        to_agency_id: i64,
        reason: String,
    },
    /// Stop processing, with the reason (form 05).
    Stop {
        reason: String,
    },
    /// The applicant withdraws the dossier.
    Withdraw {
        reason: String,
    },
    /// Hand over the result.
    ReturnResult {
        channel: ReturnChannel,
    },
    /// Before (or after) the appointment passes: apologise and give a new appointment
    /// (form 04); the dossier stays counted as late, the delay attributed to `responsible`.
    Apologize {
        new_due: DateTime<FixedOffset>,
        reason: String,
        responsible_agency_id: i64,
    },
}

impl Command {
    /// The stable name, used in the log and the API.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Receive => "receive",
            Self::RequestSupplement { .. } => "request_supplement",
            Self::Supplement => "supplement",
            Self::Refuse { .. } => "refuse",
            Self::Assign { .. } => "assign",
            Self::Forward { .. } => "forward",
            Self::SendBack { .. } => "send_back",
            Self::RequestFees { .. } => "request_fees",
            Self::ConfirmFees => "confirm_fees",
            Self::Approve => "approve",
            Self::Transfer { .. } => "transfer",
            Self::Stop { .. } => "stop",
            Self::Withdraw { .. } => "withdraw",
            Self::ReturnResult { .. } => "return_result",
            Self::Apologize { .. } => "apologize",
        }
    }

    /// The rights that may give this command in `status` (any one suffices).
    pub fn authorities(&self, status: Status) -> &'static [Authority] {
        use Authority::*;
        match self {
            // The counter acts for applicants without an account (paper dossiers) or at
            // their request at the counter.
            Self::Submit | Self::Supplement | Self::Withdraw { .. } => &[Owner, Counter],
            Self::Receive | Self::Refuse { .. } | Self::ReturnResult { .. } => &[Counter],
            Self::RequestSupplement { .. } if status == Status::Submitted => &[Counter],
            Self::RequestSupplement { .. } => &[Processor],
            Self::ConfirmFees => &[Counter, Processor],
            Self::Assign { .. }
            | Self::Forward { .. }
            | Self::RequestFees { .. }
            | Self::Transfer { .. }
            | Self::Stop { .. } => &[Processor],
            Self::SendBack { .. } | Self::Apologize { .. } => &[Processor, Approver],
            Self::Approve => &[Approver],
        }
    }
}

/// What happened to the appointment clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "clock", rename_all = "snake_case")]
pub enum ClockChange {
    Unchanged,
    /// Received: the appointment.
    Started {
        due: DateTime<FixedOffset>,
    },
    /// Supplement requested during processing.
    Paused {
        remaining_seconds: i64,
    },
    /// Supplemented: the new appointment.
    Resumed {
        due: DateTime<FixedOffset>,
    },
    /// Apology: the new appointment.
    Extended {
        due: DateTime<FixedOffset>,
    },
    /// The result is ready (or processing ended): `late` when after the appointment.
    Stopped {
        late: bool,
    },
}

/// The effects of an accepted command, for the log, the outbox and the forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub command: &'static str,
    pub from: Status,
    pub to: Status,
    pub clock: ClockChange,
    /// The form this step produces, to print or send.
    pub form: Option<FormKind>,
    /// Whether the applicant is told (a milestone).
    pub notify_applicant: bool,
}

/// A dossier as the lifecycle sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub status: Status,
    pub owner_account_id: Option<i64>,
    pub receiving_agency_id: i64,
    pub holding_agency_id: i64,
    /// Agencies it was transferred out of, oldest first.
    pub transferred_agency_ids: Vec<i64>,
    /// The officer holding it now.
    pub assignee_id: Option<i64>,
    /// The current step of the internal process (1-based); 0 before assignment.
    pub step: u32,
    /// The number of steps of the holding agency's internal process (at least 1).
    pub steps: u32,
    /// The procedure channel's processing time.
    pub duration: Duration,
    /// How the clock restarts after a supplement during processing.
    pub resume: Resume,
    pub received_at: Option<DateTime<FixedOffset>>,
    /// The appointment.
    pub due_at: Option<DateTime<FixedOffset>>,
    /// The stopped clock while a supplement requested during processing is awaited.
    pub paused: Option<Pause>,
    pub supplement_rounds: u32,
    /// Counted as late (apology issued, or the result was ready after the appointment).
    pub late: bool,
    pub fee_due_vnd: Option<i64>,
    /// Where the applicant asked to receive the result (chosen at submission).
    #[serde(default)]
    pub result_delivery: Option<ReturnChannel>,
    /// Incremented by every change; writes check it (optimistic concurrency).
    pub version: i64,
}

impl Dossier {
    /// A new draft (online) of `owner`, to be received by `receiving_agency_id`.
    pub fn draft(
        owner_account_id: Option<i64>,
        receiving_agency_id: i64,
        steps: u32,
        duration: Duration,
        resume: Resume,
    ) -> Self {
        Self {
            status: Status::Draft,
            owner_account_id,
            receiving_agency_id,
            holding_agency_id: receiving_agency_id,
            transferred_agency_ids: Vec::new(),
            assignee_id: None,
            step: 0,
            steps: steps.max(1),
            duration,
            resume,
            received_at: None,
            due_at: None,
            paused: None,
            supplement_rounds: 0,
            late: false,
            fee_due_vnd: None,
            result_delivery: None,
            version: 0,
        }
    }
}

/// Why a command was refused. Messages in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not in this state.
    #[error("{command} is not possible while the dossier is {status:?}")]
    NotNow {
        command: &'static str,
        status: Status,
    },
    /// An applicant's command by someone else, or an officer's by an applicant.
    #[error("{command} is not for this person")]
    NotYours { command: &'static str },
    /// A bad argument, naming the field.
    #[error("invalid {}", .0.field)]
    Invalid(FieldError),
    /// The working calendar cannot place the date (outside its years).
    #[error("calendar: {0}")]
    Calendar(String),
}

impl Refusal {
    /// A field error for the API's problem details.
    pub fn to_field_error(&self) -> FieldError {
        match self {
            Refusal::NotNow { command, status } => FieldError::new(
                "command",
                "not_now",
                format!(
                    "Không thể thực hiện «{}» khi hồ sơ đang ở trạng thái «{}».",
                    command_label_vi(command),
                    status.label_vi()
                ),
                format!(
                    "“{command}” is not possible while the dossier is “{}”.",
                    status.label_en()
                ),
            ),
            Refusal::NotYours { command } => FieldError::new(
                "command",
                "not_yours",
                format!(
                    "Bạn không thể thực hiện «{}» trên hồ sơ này.",
                    command_label_vi(command)
                ),
                format!("You cannot “{command}” this dossier."),
            ),
            Refusal::Invalid(e) => e.clone(),
            Refusal::Calendar(why) => FieldError::new(
                "date",
                "calendar",
                format!("Ngày nằm ngoài lịch làm việc: {why}"),
                format!("The date is outside the working calendar: {why}"),
            ),
        }
    }
}

/// Vietnamese names of the commands, for messages and pages.
pub fn command_label_vi(name: &str) -> &'static str {
    match name {
        "submit" => "nộp hồ sơ",
        "receive" => "tiếp nhận",
        "request_supplement" => "yêu cầu bổ sung",
        "supplement" => "bổ sung hồ sơ",
        "refuse" => "từ chối tiếp nhận",
        "assign" => "phân công",
        "forward" => "chuyển bước tiếp theo",
        "send_back" => "trả lại bước trước",
        "request_fees" => "yêu cầu thực hiện nghĩa vụ tài chính",
        "confirm_fees" => "xác nhận đã nộp phí",
        "approve" => "phê duyệt",
        "transfer" => "chuyển cơ quan khác",
        "stop" => "dừng xử lý",
        "withdraw" => "rút hồ sơ",
        "return_result" => "trả kết quả",
        "apologize" => "xin lỗi và hẹn lại",
        _ => "thao tác",
    }
}

fn required_text(field: &str, value: &str) -> Result<(), Refusal> {
    if value.trim().is_empty() {
        Err(Refusal::Invalid(FieldError::required(field)))
    } else {
        Ok(())
    }
}

fn required_list(field: &str, items: &[String]) -> Result<(), Refusal> {
    if items.iter().all(|i| i.trim().is_empty()) {
        Err(Refusal::Invalid(FieldError::new(
            field,
            "required",
            "Cần nêu ít nhất một nội dung.",
            "At least one item is required.",
        )))
    } else {
        Ok(())
    }
}

fn cal<T>(r: Result<T, motcua_calendar::CalendarError>) -> Result<T, Refusal> {
    r.map_err(|e| Refusal::Calendar(e.to_string()))
}

/// Applies `command` given by `by` at `now` to `dossier`.
///
/// `by` must already be allowed the command's [`Command::authorities`] on this dossier by
/// the authorization policy; this function checks the owner, the state and the process.
pub fn apply(
    dossier: &Dossier,
    command: &Command,
    by: Performer,
    now: DateTime<FixedOffset>,
    calendar: &WorkCalendar,
) -> Result<(Dossier, Transition), Refusal> {
    use Status::*;
    let name = command.name();
    let from = dossier.status;
    let not_now = || Refusal::NotNow {
        command: name,
        status: from,
    };
    let authorities = command.authorities(from);
    let allowed = match by {
        Performer::Applicant { account_id } => {
            authorities.contains(&Authority::Owner) && dossier.owner_account_id == Some(account_id)
        }
        Performer::Officer { .. } => authorities.iter().any(|a| *a != Authority::Owner),
    };
    if !allowed {
        return Err(Refusal::NotYours { command: name });
    }
    let mut d = dossier.clone();
    let mut clock = ClockChange::Unchanged;
    let mut form = None;
    let mut notify = true;
    let to = match (command, from) {
        (Command::Submit, Draft) => Submitted,
        (Command::Receive, Submitted) => {
            let due = cal(calendar.due(now, d.duration))?;
            d.received_at = Some(now);
            d.due_at = Some(due);
            clock = ClockChange::Started { due };
            form = Some(FormKind::Receipt);
            Received
        }
        (Command::RequestSupplement { items }, Submitted) => {
            required_list("items", items)?;
            form = Some(FormKind::SupplementRequest);
            d.supplement_rounds += 1;
            SupplementRequested
        }
        (Command::RequestSupplement { items }, Received | Processing) => {
            required_list("items", items)?;
            let due = d.due_at.ok_or_else(not_now)?;
            let pause = cal(calendar.pause(due, now))?;
            clock = ClockChange::Paused {
                remaining_seconds: pause.remaining.seconds(),
            };
            d.paused = Some(pause);
            form = Some(FormKind::SupplementRequest);
            d.supplement_rounds += 1;
            SupplementRequested
        }
        (Command::Supplement, SupplementRequested) => match d.paused.take() {
            None => Submitted,
            Some(pause) => {
                let due = cal(calendar.resume(&pause, now, d.resume))?;
                d.due_at = Some(due);
                clock = ClockChange::Resumed { due };
                form = Some(FormKind::Receipt);
                Processing
            }
        },
        (Command::Refuse { reasons }, Submitted) => {
            required_list("reasons", reasons)?;
            form = Some(FormKind::Refusal);
            Refused
        }
        (Command::Refuse { reasons }, SupplementRequested) if d.received_at.is_none() => {
            required_list("reasons", reasons)?;
            form = Some(FormKind::Refusal);
            Refused
        }
        (Command::Assign { to }, Received | Processing) => {
            d.assignee_id = Some(*to);
            d.step = d.step.max(1);
            notify = from == Received;
            Processing
        }
        (Command::Forward { to }, Processing) => {
            if d.step == 0 || d.step >= d.steps {
                return Err(not_now());
            }
            ensure_holder(&d, by, name)?;
            d.step += 1;
            d.assignee_id = *to;
            notify = false;
            Processing
        }
        (Command::SendBack { reason, to }, Processing) => {
            required_text("reason", reason)?;
            if d.step <= 1 {
                return Err(not_now());
            }
            d.step -= 1;
            d.assignee_id = *to;
            notify = false;
            Processing
        }
        (Command::RequestFees { amount_vnd }, Processing) => {
            if *amount_vnd <= 0 {
                return Err(Refusal::Invalid(FieldError::new(
                    "amount_vnd",
                    "positive",
                    "Số tiền phải lớn hơn 0.",
                    "The amount must be more than 0.",
                )));
            }
            d.fee_due_vnd = Some(*amount_vnd);
            AwaitingFees
        }
        (Command::ConfirmFees, AwaitingFees) => {
            d.fee_due_vnd = None;
            Processing
        }
        (Command::Approve, Processing) => {
            if d.step == 0 || d.step < d.steps {
                return Err(not_now());
            }
            let late = d
                .due_at
                .is_some_and(|due| motcua_calendar::is_overdue(due, now));
            d.late |= late;
            clock = ClockChange::Stopped { late: d.late };
            d.assignee_id = None;
            Processed
        }
        (
            Command::Transfer {
                to_agency_id,
                reason,
            },
            Received | Processing,
        ) => {
            required_text("reason", reason)?;
            if *to_agency_id == d.holding_agency_id {
                return Err(Refusal::Invalid(FieldError::new(
                    "to_agency",
                    "same",
                    "Hồ sơ đang ở cơ quan này.",
                    "The dossier is already at this agency.",
                )));
            }
            d.transferred_agency_ids.push(d.holding_agency_id);
            d.holding_agency_id = *to_agency_id;
            d.assignee_id = None;
            d.step = 0;
            notify = false;
            Processing
        }
        (Command::Stop { reason }, Received | Processing | SupplementRequested)
            if from != SupplementRequested || d.received_at.is_some() =>
        {
            required_text("reason", reason)?;
            form = Some(FormKind::StopNotice);
            d.paused = None;
            clock = ClockChange::Stopped { late: d.late };
            Stopped
        }
        (
            Command::Withdraw { reason },
            Submitted | Received | Processing | SupplementRequested | AwaitingFees,
        ) => {
            required_text("reason", reason)?;
            d.paused = None;
            Withdrawn
        }
        (Command::ReturnResult { .. }, Processed) => Returned,
        (
            Command::Apologize {
                new_due,
                reason,
                responsible_agency_id: _,
            },
            Received | Processing,
        ) => {
            required_text("reason", reason)?;
            let due = d.due_at.ok_or_else(not_now)?;
            if *new_due <= due || *new_due <= now {
                return Err(Refusal::Invalid(FieldError::new(
                    "new_due",
                    "later",
                    "Ngày hẹn mới phải sau ngày hẹn cũ và sau thời điểm hiện tại.",
                    "The new appointment must be after the old one and after now.",
                )));
            }
            d.due_at = Some(*new_due);
            d.late = true;
            clock = ClockChange::Extended { due: *new_due };
            form = Some(FormKind::Apology);
            from
        }
        _ => return Err(not_now()),
    };
    d.status = to;
    d.version += 1;
    Ok((
        d,
        Transition {
            command: name,
            from,
            to,
            clock,
            form,
            notify_applicant: notify,
        },
    ))
}

/// At a step held by someone, only that person moves it on (others reassign first).
fn ensure_holder(d: &Dossier, by: Performer, command: &'static str) -> Result<(), Refusal> {
    match d.assignee_id {
        Some(holder) if holder != by.account_id() => Err(Refusal::NotYours { command }),
        _ => Ok(()),
    }
}
