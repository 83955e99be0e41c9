//! `motcua demo --scale city`: Ho Chi Minh City at full size, to measure the system against
//! (issue 7). On top of the small demo province (its 168 communes and wards, departments and
//! service-center branches, `crate::demo`) it adds the real procedures of the national
//! export assigned to agencies by level, about 10 000 officers in every role, about 200 000
//! applicants and a year of dossiers (about 3.65 million) with realistic lifecycles.
//!
//! Every dossier is lived through by the real lifecycle (`motcua_dossier::apply`) with the
//! real working calendar, step by step at simulated moments: created and submitted (online
//! at any hour, at the counter in working hours), received with a code numbered per agency
//! and day without gaps, assigned, forwarded through the three-step internal process,
//! approved and returned — or supplemented, refused, withdrawn, stopped, transferred, fees
//! requested, late with or without an apology. Each step appends to the dossier's log chain
//! (`LogEntry::next`), so `motcua audit verify` checks generated data like any other.
//! Dossiers whose next step would fall after the end of the window stay open where they are
//! (the work queues of the last days).
//!
//! The rows go in through the store's bulk path (`motcua_store::BulkStore`): large
//! transactions of multi-row INSERTs, while a second thread simulates the next batch.
//! Officers share ONE argon2id hash of the demo password (computed once; 10 000 argon2 runs
//! would take longer than the whole load). The result is deterministic for a seed, a size
//! and an end date (`--until`, default today).

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use motcua_calendar::{Duration, WorkCalendar, WorkingTime, vietnam};
use motcua_catalog::model::{ChannelKind, Level, Procedure};
use motcua_domain::agency::AgencyCode;
use motcua_domain::identity::{Role, VerificationLevel};
use motcua_dossier::chain::LogEntry;
use motcua_dossier::lifecycle::ReturnChannel;
use motcua_dossier::{Command, Dossier, DossierCode, Performer, Status};
use motcua_store::{AccountKind, Applicant, BulkAccount, BulkDossier, BulkRole, Store};

/// Dossiers a year in the whole city (about 10 000 a calendar day).
pub const DOSSIERS_PER_YEAR: u64 = 3_650_000;
/// Applicants with an account at full size.
pub const APPLICANTS: u64 = 200_000;
/// The backlog's dossiers arrive over the window's last days.
pub const BACKLOG_DAYS: u64 = 60;
/// Dossiers per bulk transaction.
const BATCH: usize = 10_000;

/// What `motcua demo --scale city` was asked for.
#[derive(Debug, Clone)]
pub struct CityOptions {
    pub years: u32,
    pub seed: u64,
    /// The number of dossiers; default [`DOSSIERS_PER_YEAR`] × years. Applicants scale with
    /// it (one per 18 dossiers, at most [`APPLICANTS`]); officers do not (they are what
    /// agencies employ).
    pub dossiers: Option<u64>,
    /// The last day of the window (default today, Vietnam time).
    pub until: Option<NaiveDate>,
    /// More dossiers, received at the department with the most procedures over the last
    /// [`BACKLOG_DAYS`] days, whose processing stalls there (they stay open).
    pub backlog: u64,
    /// Catalog files or directories of `*.jsonl` to import first (default
    /// `../shared/data/tthc` when the catalog is empty).
    pub tthc: Vec<PathBuf>,
}

/// What the generator made.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct CityReport {
    pub first_day: String,
    pub last_day: String,
    pub procedures: usize,
    pub agencies_receiving: usize,
    pub officers: usize,
    pub applicants: usize,
    pub dossiers: u64,
    pub log_entries: u64,
    /// Dossiers with a code (received).
    pub received: u64,
    /// Finished processing (processed or returned).
    pub finished: u64,
    pub finished_late: u64,
    /// finished on time / finished.
    pub on_time_share: f64,
    pub refused: u64,
    pub withdrawn: u64,
    pub stopped: u64,
    pub supplements: u64,
    pub transfers: u64,
    pub apologies: u64,
    /// Still open at the end of the window.
    pub open: u64,
    /// The agency holding the most open dossiers, and how many.
    pub busiest_agency: String,
    pub busiest_open: u64,
    pub seconds: f64,
}

impl fmt::Display for CityReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "city generated in {:.1} s: {} dossiers from {} to {} ({} log entries), {} procedures at {} receiving agencies, {} officers, {} applicants",
            self.seconds,
            self.dossiers,
            self.first_day,
            self.last_day,
            self.log_entries,
            self.procedures,
            self.agencies_receiving,
            self.officers,
            self.applicants
        )?;
        writeln!(
            f,
            "  received {}, finished {} ({:.2} % on time, {} late, {} apologies), refused {}, withdrawn {}, stopped {}, supplements {}, transfers {}",
            self.received,
            self.finished,
            self.on_time_share * 100.0,
            self.finished_late,
            self.apologies,
            self.refused,
            self.withdrawn,
            self.stopped,
            self.supplements,
            self.transfers
        )?;
        write!(
            f,
            "  open at the end: {} (most at {}: {}); officers' password: {} (one argon2id hash shared by all generated officers)",
            self.open,
            self.busiest_agency,
            self.busiest_open,
            crate::demo_accounts::DEMO_PASSWORD
        )
    }
}

// ---------------------------------------------------------------------------------------
// Names the load tool can derive without the database.

/// The login of generated applicant `i` (a personal ID number of Ho Chi Minh City, 079).
pub fn citizen_login(i: u64) -> String {
    format!("079{}{:02}{:06}", i % 2, 50 + (i / 2) % 50, i % 1_000_000)
}

/// The phone number of generated applicant `i` (distinct for distinct `i`).
pub fn citizen_phone(i: u64) -> String {
    format!("09{:08}", (i * 7_919 + 12_345_678) % 100_000_000)
}

/// The login of the `n`-th (from 1) generated officer with `role` at `agency`, e.g.
/// `tn001.0000012` for the first receiving officer of `000.00.12.H29`.
pub fn officer_login(agency: &str, role: Role, n: u32) -> String {
    let slug: String = agency
        .trim_end_matches(".H29")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!("{}{n:03}.{slug}", role_prefix(role))
}

fn role_prefix(role: Role) -> &'static str {
    match role {
        Role::ReceivingOfficer => "tn",
        Role::Specialist => "cv",
        Role::DepartmentHead => "tp",
        Role::Leader => "ld",
        Role::AgencyAdmin => "qt",
        Role::SystemAdmin => "ht",
        Role::Supervisor => "ks",
    }
}

// ---------------------------------------------------------------------------------------
// A small deterministic generator (SplitMix64): the same seed gives the same city.

#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Weighted choice by a cumulative table.
struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Self { cumulative }
    }
    fn pick(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().unwrap_or(&0.0);
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|c| *c <= x)
            .min(self.cumulative.len().saturating_sub(1))
    }
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Gia", "Hoàng", "Thu", "Bảo", "Đức",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Khánh",
    "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga", "Phong", "Phúc", "Quang", "Sơn", "Tâm",
    "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vy", "Yến", "Khôi", "Nhi", "Phương", "Tú",
];

fn person_name(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    )
}

// ---------------------------------------------------------------------------------------
// The city as the simulation sees it.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Commune,
    Department,
    Branch,
}

struct Place {
    id: i64,
    code: AgencyCode,
    class: Class,
    point: Option<String>,
    point_id: Option<i64>,
    /// Officers by role: receiving, specialist, head, leader.
    receiving: Vec<i64>,
    specialists: Vec<i64>,
    heads: Vec<i64>,
    leaders: Vec<i64>,
}

struct Proc {
    code: String,
    version: i32,
    online: Option<Duration>,
    counter: Duration,
    commune: bool,
    /// For province-level procedures: the department (index into places) that decides.
    department: Option<usize>,
    fee: bool,
    /// The internal process in force (the default of the agencies' local settings), as the
    /// normal path records it at creation, and its number of steps.
    process: serde_json::Value,
    steps: u32,
    /// The fee per channel, as recorded at creation.
    fee_online: Option<i64>,
    fee_counter: Option<i64>,
}

/// Officers per agency: (receiving, specialists, heads, leaders, admins).
fn staffing(class: Class) -> [u32; 5] {
    match class {
        Class::Commune => [8, 20, 2, 1, 1],
        Class::Department => [40, 180, 10, 3, 1],
        Class::Branch => [20, 20, 2, 1, 1],
    }
}

/// The department (LV2 code) deciding a province-level procedure, from its agencies' names.
fn department_for(p: &Procedure) -> Option<&'static str> {
    let text = format!(
        "{} {} {}",
        p.implementing_agency.as_deref().unwrap_or_default(),
        p.competent_agency.as_deref().unwrap_or_default(),
        p.fields.join(" ")
    );
    let has = |s: &str| text.contains(s);
    if has("Công an") {
        // The city police are not among the demo's agencies.
        return None;
    }
    Some(if has("Tư pháp") || has("Hộ tịch") || has("Công chứng") {
        "12"
    } else if has("Tài nguyên") || has("Môi trường") || has("Nông nghiệp") || has("Đất đai")
    {
        "03"
    } else if has("Xây dựng") || has("Giao thông") || has("Nhà ở") {
        "04"
    } else if has("Tài chính") || has("Thuế") || has("Kế hoạch") || has("Doanh nghiệp") {
        "02"
    } else {
        // Anything else: spread over the four by its code.
        ["02", "03", "04", "12"][p.code.bytes().map(usize::from).sum::<usize>() % 4]
    })
}

fn local(day: NaiveDate, seconds: i64) -> DateTime<FixedOffset> {
    let t = day.and_time(NaiveTime::MIN) + chrono::TimeDelta::seconds(seconds);
    vietnam()
        .from_local_datetime(&t)
        .single()
        .expect("fixed offset")
}

// ---------------------------------------------------------------------------------------
// One dossier's life.

#[derive(Default, Clone, Copy)]
struct Tally {
    dossiers: u64,
    received: u64,
    finished: u64,
    finished_late: u64,
    refused: u64,
    withdrawn: u64,
    stopped: u64,
    supplements: u64,
    transfers: u64,
    apologies: u64,
    open: u64,
    log_entries: u64,
}

/// The last code number given per (receiving place, day).
type Counters = Vec<((usize, NaiveDate), u32)>;

struct World<'a> {
    calendar: &'a WorkCalendar,
    places: &'a [Place],
    procs: &'a [Proc],
    /// Past this moment nothing happens (the dossier stays where it is).
    end: DateTime<FixedOffset>,
    counters: HashMap<(usize, NaiveDate), u32>,
}

/// A dossier being lived through.
struct Life {
    state: Dossier,
    log: Vec<LogEntry>,
    at: DateTime<FixedOffset>,
    /// The window ended before the next step.
    halted: bool,
    code: Option<String>,
}

impl World<'_> {
    fn after(&self, from: DateTime<FixedOffset>, seconds: i64) -> DateTime<FixedOffset> {
        self.calendar
            .add_working_time(from, WorkingTime::from_seconds(seconds.max(1)))
            .unwrap_or(from)
    }

    /// A working moment a fraction `f` of the working time from `from` to `due` later.
    fn toward(
        &self,
        from: DateTime<FixedOffset>,
        due: Option<DateTime<FixedOffset>>,
        f: f64,
    ) -> DateTime<FixedOffset> {
        let span = due
            .and_then(|d| self.calendar.working_time_between(from, d).ok())
            .map_or(0, WorkingTime::seconds);
        if span <= 600 {
            return self.after(from, (600.0 * f) as i64 + 60);
        }
        self.after(from, (span as f64 * f) as i64)
    }
}

impl Life {
    /// Gives `command` at `at` (not before the previous step); false once the window ended.
    fn step(
        &mut self,
        w: &mut World<'_>,
        receiving: usize,
        command: Command,
        by: Performer,
        at: DateTime<FixedOffset>,
    ) -> anyhow::Result<bool> {
        if self.halted {
            return Ok(false);
        }
        let at = at.max(self.at + chrono::TimeDelta::seconds(1));
        if at > w.end {
            self.halted = true;
            return Ok(false);
        }
        let (next, t) = motcua_dossier::apply(&self.state, &command, by, at, w.calendar)
            .map_err(|r| anyhow::anyhow!("generated {} refused: {r}", command.name()))?;
        if t.command == "receive" {
            let day = at.date_naive();
            let n = w.counters.entry((receiving, day)).or_insert(0);
            *n += 1;
            let code = DossierCode::on(w.places[receiving].code.clone(), day, *n)?;
            self.code = Some(code.to_string());
        }
        let detail = serde_json::json!({
            "command": command,
            "from": t.from.as_str(),
            "to": t.to.as_str(),
            "clock": t.clock,
            "form": t.form.map(|f| f.number()),
        });
        let entry = LogEntry::next(
            self.log.last(),
            at.with_timezone(&Utc),
            t.command,
            Some(by.account_id()),
            None,
            detail,
        );
        self.log.push(entry);
        self.state = next;
        self.at = at;
        Ok(true)
    }
}

/// Who applies.
struct Who {
    owner: Option<i64>,
    applicant: Applicant,
}

#[allow(clippy::too_many_arguments)]
fn live<'a>(
    w: &mut World<'a>,
    rng: &mut Rng,
    tally: &mut Tally,
    id: i64,
    proc_index: usize,
    receiving: usize,
    online: bool,
    who: Who,
    created: DateTime<FixedOffset>,
) -> anyhow::Result<BulkDossier> {
    let places: &'a [Place] = w.places;
    let procs: &'a [Proc] = w.procs;
    let p = &procs[proc_index];
    let duration = if online {
        p.online.unwrap_or(p.counter)
    } else {
        p.counter
    };
    let draft = Dossier::draft(
        who.owner,
        places[receiving].id,
        p.steps,
        duration,
        motcua_calendar::Resume::Remaining,
    );
    let counter_staff = *rng.pick(&places[receiving].receiving);
    let channel = if online { "online" } else { "in_person" };
    let creator = who.owner.unwrap_or(counter_staff);
    let first = LogEntry::next(
        None,
        created.with_timezone(&Utc),
        "create",
        Some(creator),
        None,
        serde_json::json!({ "procedure": p.code, "procedure_version": p.version, "channel": channel,
            "process": p.process, "fee_vnd": if online { p.fee_online } else { p.fee_counter } }),
    );
    let mut life = Life {
        state: draft,
        log: vec![first],
        at: created,
        halted: false,
        code: None,
    };
    let owner = |life: &Life| match life.state.owner_account_id {
        Some(account_id) => Performer::Applicant { account_id },
        None => Performer::Officer {
            account_id: counter_staff,
        },
    };
    let counter = Performer::Officer {
        account_id: counter_staff,
    };
    tally.dossiers += 1;

    // Submission and reception.
    let submitted_at = created + chrono::TimeDelta::seconds(rng.range(30, 1_800));
    life.step(w, receiving, Command::Submit, owner(&life), submitted_at)?;
    let mut reception = if online {
        w.after(submitted_at, rng.range(600, 4 * 3_600))
    } else {
        submitted_at + chrono::TimeDelta::seconds(rng.range(60, 600))
    };
    let roll = rng.unit();
    if roll < 0.015 {
        life.step(
            w,
            receiving,
            Command::Refuse {
                reasons: vec!["Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.".into()],
            },
            counter,
            reception,
        )?;
        if !life.halted {
            tally.refused += 1;
        }
        return finish(
            w,
            tally,
            life,
            id,
            p,
            receiving,
            channel,
            who.applicant,
            rng,
        );
    }
    if roll < 0.018 {
        let at = reception - chrono::TimeDelta::seconds(rng.range(10, 300));
        life.step(
            w,
            receiving,
            Command::Withdraw {
                reason: "Người nộp rút hồ sơ.".into(),
            },
            owner(&life),
            at,
        )?;
        if !life.halted {
            tally.withdrawn += 1;
        }
        return finish(
            w,
            tally,
            life,
            id,
            p,
            receiving,
            channel,
            who.applicant,
            rng,
        );
    }
    if roll < 0.058 {
        life.step(
            w,
            receiving,
            Command::RequestSupplement {
                items: vec!["Bản sao giấy tờ tùy thân còn thời hạn.".into()],
            },
            counter,
            reception,
        )?;
        tally.supplements += u64::from(!life.halted);
        let back = reception + chrono::TimeDelta::hours(rng.range(20, 5 * 24));
        life.step(w, receiving, Command::Supplement, owner(&life), back)?;
        reception = w.after(back, rng.range(600, 3 * 3_600));
    }
    if !life.step(w, receiving, Command::Receive, counter, reception)? {
        return finish(
            w,
            tally,
            life,
            id,
            p,
            receiving,
            channel,
            who.applicant,
            rng,
        );
    }
    tally.received += 1;

    // Province-level dossiers received at a service-center branch go to their department.
    let mut holding = receiving;
    if places[receiving].class == Class::Branch
        && let Some(dept) = p.department
    {
        let head = *rng.pick(&places[receiving].heads);
        let at = w.after(reception, rng.range(300, 2 * 3_600));
        life.step(
            w,
            receiving,
            Command::Transfer {
                to_agency_id: places[dept].id,
                reason: "Chuyển cơ quan có thẩm quyền giải quyết.".into(),
            },
            Performer::Officer { account_id: head },
            at,
        )?;
        holding = dept;
    }

    // The internal process: assign, examine, review, approve.
    let late = rng.chance(0.017);
    let processing_supplement = rng.chance(0.02);
    let fees = p.fee && rng.chance(0.3);
    let transfer = rng.chance(0.01);
    let stop = rng.chance(0.002);
    let withdraw = rng.chance(0.003);
    let mut transferred = false;
    loop {
        let place = &places[holding];
        let head = *rng.pick(&place.heads);
        let specialist = *rng.pick(&place.specialists);
        let leader = *rng.pick(&place.leaders);
        let due = life.state.due_at;
        let at = w.toward(life.at, due, rng.unit() * 0.08);
        life.step(
            w,
            receiving,
            Command::Assign { to: specialist },
            Performer::Officer { account_id: head },
            at,
        )?;
        if transfer && !transferred {
            // Not competent after all: to another agency of the same kind.
            let candidates: Vec<usize> = (0..places.len())
                .filter(|i| *i != holding && places[*i].class == place.class)
                .collect();
            if !candidates.is_empty() {
                let to = *rng.pick(&candidates);
                let at = w.toward(life.at, life.state.due_at, 0.1);
                life.step(
                    w,
                    receiving,
                    Command::Transfer {
                        to_agency_id: places[to].id,
                        reason: "Hồ sơ thuộc thẩm quyền của cơ quan khác.".into(),
                    },
                    Performer::Officer {
                        account_id: specialist,
                    },
                    at,
                )?;
                tally.transfers += u64::from(!life.halted);
                transferred = true;
                holding = to;
                continue;
            }
        }
        if withdraw {
            let at = w.toward(life.at, life.state.due_at, 0.2);
            life.step(
                w,
                receiving,
                Command::Withdraw {
                    reason: "Người nộp không còn nhu cầu.".into(),
                },
                owner(&life),
                at,
            )?;
            tally.withdrawn += u64::from(!life.halted);
            break;
        }
        if processing_supplement {
            let at = w.toward(life.at, life.state.due_at, 0.3);
            life.step(
                w,
                receiving,
                Command::RequestSupplement {
                    items: vec!["Giấy tờ chứng minh nơi cư trú.".into()],
                },
                Performer::Officer {
                    account_id: specialist,
                },
                at,
            )?;
            tally.supplements += u64::from(!life.halted);
            let back = life.at + chrono::TimeDelta::hours(rng.range(20, 7 * 24));
            life.step(w, receiving, Command::Supplement, owner(&life), back)?;
        }
        if stop {
            let at = w.toward(life.at, life.state.due_at, 0.4);
            life.step(
                w,
                receiving,
                Command::Stop {
                    reason: "Người nộp không bổ sung đúng hạn.".into(),
                },
                Performer::Officer {
                    account_id: specialist,
                },
                at,
            )?;
            tally.stopped += u64::from(!life.halted);
            break;
        }
        if fees {
            let at = w.toward(life.at, life.state.due_at, 0.3);
            life.step(
                w,
                receiving,
                Command::RequestFees {
                    amount_vnd: rng.range(1, 40) * 50_000,
                },
                Performer::Officer {
                    account_id: specialist,
                },
                at,
            )?;
            let paid = w.after(life.at, rng.range(1_800, 8 * 3_600));
            life.step(w, receiving, Command::ConfirmFees, counter, paid)?;
        }
        // Through the process: the specialist to the department head, on to the leader who
        // approves at the last step.
        let steps = life.state.steps;
        for k in 1..steps {
            let (by, to, share) = match (k, k + 1 == steps) {
                (1, true) => (specialist, leader, 0.3 + rng.unit() * 0.4),
                (1, false) => (specialist, head, 0.3 + rng.unit() * 0.4),
                (_, true) => (head, leader, 0.2 + rng.unit() * 0.4),
                (_, false) => (head, head, 0.2 + rng.unit() * 0.3),
            };
            let at = w.toward(life.at, life.state.due_at, share);
            life.step(
                w,
                receiving,
                Command::Forward { to: Some(to) },
                Performer::Officer { account_id: by },
                at,
            )?;
        }
        let approve_at = if late {
            let due = life.state.due_at.unwrap_or(life.at);
            if rng.chance(0.5) {
                // An apology before the appointment passes, with a new one.
                let at = w.toward(life.at, Some(due), 0.5);
                let new_due = w.after(due, rng.range(1, 5) * 8 * 3_600);
                life.step(
                    w,
                    receiving,
                    Command::Apologize {
                        new_due,
                        reason: "Cần xác minh thêm với cơ quan liên quan.".into(),
                        responsible_agency_id: places[holding].id,
                    },
                    Performer::Officer { account_id: leader },
                    at,
                )?;
                tally.apologies += u64::from(!life.halted);
                w.toward(life.at, Some(new_due), 0.3 + rng.unit() * 0.6)
            } else {
                w.after(due, rng.range(1_800, 3 * 8 * 3_600))
            }
        } else {
            w.toward(life.at, life.state.due_at, 0.1 + rng.unit() * 0.8)
        };
        if life.step(
            w,
            receiving,
            Command::Approve,
            Performer::Officer { account_id: leader },
            approve_at,
        )? {
            tally.finished += 1;
            tally.finished_late += u64::from(life.state.late);
        }
        let channel = *rng.pick(&[
            ReturnChannel::Counter,
            ReturnChannel::Counter,
            ReturnChannel::Online,
            ReturnChannel::Post,
        ]);
        let at = w.after(life.at, rng.range(1_800, 2 * 8 * 3_600));
        life.step(w, receiving, Command::ReturnResult { channel }, counter, at)?;
        break;
    }
    finish(
        w,
        tally,
        life,
        id,
        p,
        receiving,
        channel,
        who.applicant,
        rng,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish(
    w: &World<'_>,
    tally: &mut Tally,
    life: Life,
    id: i64,
    p: &Proc,
    receiving: usize,
    channel: &'static str,
    applicant: Applicant,
    rng: &mut Rng,
) -> anyhow::Result<BulkDossier> {
    if matches!(
        life.state.status,
        Status::Submitted
            | Status::Received
            | Status::Processing
            | Status::SupplementRequested
            | Status::AwaitingFees
    ) {
        tally.open += 1;
    }
    tally.log_entries += life.log.len() as u64;
    let created_at = life.log[0].at;
    let updated_at = life.log.last().map_or(created_at, |e| e.at);
    let secret: String = (0..4).map(|_| format!("{:016x}", rng.next())).collect();
    Ok(BulkDossier {
        id,
        code: life.code,
        procedure_code: p.code.clone(),
        procedure_version: p.version,
        channel,
        applicant,
        receiving_point: w.places[receiving].point.clone(),
        form_values: serde_json::json!({}),
        state: life.state,
        tracking_secret_hash: secret,
        created_at,
        updated_at,
        log: life.log,
    })
}

// ---------------------------------------------------------------------------------------

pub(crate) fn catalog_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Generates the city into `store` (which must hold no dossiers yet).
pub async fn create(store: Arc<dyn Store>, options: &CityOptions) -> anyhow::Result<CityReport> {
    let started = Instant::now();
    anyhow::ensure!(
        (1..=5).contains(&options.years),
        "invalid --years {}: give 1 to 5",
        options.years
    );
    if store.bulk_max_ids().await?.1 > 0 {
        bail!(
            "this database already holds dossiers; the city is generated into a fresh one \
             (another --data-dir or database)"
        );
    }
    let demo = crate::demo::create(store.as_ref()).await?;
    println!(
        "city: demo province ready ({} communes and wards, {} agencies)",
        demo.communes, demo.agencies
    );

    // The catalog.
    let mut catalog = store.current_procedures().await?;
    if catalog.is_empty() || !options.tthc.is_empty() {
        let sources = if options.tthc.is_empty() {
            vec![PathBuf::from("../shared/data/tthc")]
        } else {
            options.tthc.clone()
        };
        let files = catalog_files(&sources)?;
        anyhow::ensure!(
            !files.is_empty(),
            "no catalog files (*.jsonl) in {}: give --tthc DIR",
            sources
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let import = crate::import::tthc_files(store.as_ref(), &files).await?;
        println!(
            "city: catalog imported ({} new procedures, {} unchanged)",
            import.stored.inserted, import.stored.unchanged
        );
        catalog = store.current_procedures().await?;
    }

    // Agencies and their receiving points.
    let mut places: Vec<Place> = Vec::new();
    for agency in store.all_agencies().await? {
        let code = agency.code.as_str().to_owned();
        let parts: Vec<&str> = code.split('.').collect();
        if parts.len() != 4 || parts[3] != "H29" || agency.valid_to.is_some() {
            continue;
        }
        let class = match (parts[0], parts[1], parts[2]) {
            (_, "00", "70") => Class::Commune,
            ("000", "00", lv2)
                if ["02", "03", "04", "12"].contains(&lv2)
                    || lv2.parse::<u32>().is_ok_and(|n| (1..=16).contains(&n)) =>
            {
                Class::Department
            }
            ("000", b, "30") if b != "00" => Class::Branch,
            _ => continue,
        };
        let point = store
            .receiving_points(&agency.code)
            .await?
            .into_iter()
            .next()
            .map(|p| (p.id, p.code));
        places.push(Place {
            id: agency.id,
            code: agency.code.clone(),
            class,
            point: point.as_ref().map(|p| p.1.clone()),
            point_id: point.as_ref().map(|p| p.0),
            receiving: Vec::new(),
            specialists: Vec::new(),
            heads: Vec::new(),
            leaders: Vec::new(),
        });
    }
    anyhow::ensure!(
        places.iter().any(|p| p.class == Class::Commune),
        "the demo province has no communes"
    );

    // Procedures by level.
    let dept_index = |lv2: &str| {
        let code = format!("000.00.{lv2}.H29");
        places.iter().position(|p| p.code.as_str() == code)
    };
    let mut procs = Vec::new();
    for stored in &catalog {
        let Ok(p) = serde_json::from_str::<Procedure>(&stored.document) else {
            continue;
        };
        let Some(counter) = motcua_web::dossiers::channel_duration(&p, ChannelKind::InPerson)
        else {
            continue;
        };
        let online = p
            .offers_online()
            .then(|| motcua_web::dossiers::channel_duration(&p, ChannelKind::Online))
            .flatten();
        let fee = p.channels.iter().any(|c| c.fee_vnd.is_some_and(|v| v > 0));
        // What the normal path records at creation: the agencies' default process and fees.
        let local = motcua_catalog::local::LocalSettings::default_for(&p);
        let steps = local.effective_steps(&p);
        let fees = motcua_web::settings::fees(&local, &p);
        let fee_of = |kind: ChannelKind| {
            fees.iter()
                .find(|f| f.channel == kind)
                .and_then(|f| f.fee_vnd)
        };
        let (fee_online, fee_counter) =
            (fee_of(ChannelKind::Online), fee_of(ChannelKind::InPerson));
        let process = serde_json::to_value(&steps)?;
        let steps = u32::try_from(steps.len())
            .unwrap_or(motcua_web::dossiers::DEFAULT_STEPS)
            .max(1);
        if p.levels.contains(&Level::Commune) {
            procs.push(Proc {
                code: stored.code.clone(),
                version: stored.version,
                online,
                counter,
                commune: true,
                department: None,
                fee,
                process: process.clone(),
                steps,
                fee_online,
                fee_counter,
            });
        } else if p.levels.contains(&Level::Province)
            && let Some(dept) = department_for(&p).and_then(dept_index)
        {
            procs.push(Proc {
                code: stored.code.clone(),
                version: stored.version,
                online,
                counter,
                commune: false,
                department: Some(dept),
                fee,
                process,
                steps,
                fee_online,
                fee_counter,
            });
        }
    }
    anyhow::ensure!(
        procs.iter().any(|p| p.commune) && procs.iter().any(|p| !p.commune),
        "the catalog has no procedures of the commune and province levels with a processing time; import the national export (--tthc ../shared/data/tthc)"
    );

    let (max_account, _) = store.bulk_max_ids().await?;
    // Officers: one shared hash of the demo password.
    let hasher =
        motcua_auth::password::PasswordHasher::new(motcua_auth::password::HashParams::OWASP)?;
    let hash =
        tokio::task::spawn_blocking(move || hasher.hash(crate::demo_accounts::DEMO_PASSWORD))
            .await??;
    let mut rng = Rng::new(options.seed);
    let joined = Utc::now();
    let mut next_account = max_account + 1;
    let mut accounts = Vec::new();
    let mut roles = Vec::new();
    for place in &mut places {
        let point_id = place.point_id;
        let counts = staffing(place.class);
        let kinds = [
            Role::ReceivingOfficer,
            Role::Specialist,
            Role::DepartmentHead,
            Role::Leader,
            Role::AgencyAdmin,
        ];
        for (role, count) in kinds.iter().zip(counts) {
            for n in 1..=count {
                let id = next_account;
                next_account += 1;
                accounts.push(BulkAccount {
                    id,
                    kind: AccountKind::Officer,
                    login: officer_login(place.code.as_str(), *role, n),
                    full_name: person_name(&mut rng),
                    email: None,
                    phone: None,
                    password_hash: hash.clone(),
                    verification: VerificationLevel::CounterVerified,
                    address_unit_code: None,
                    address_line: None,
                    created_at: joined,
                });
                roles.push(BulkRole {
                    account_id: id,
                    agency_id: place.id,
                    role: *role,
                    receiving_point_id: (*role == Role::ReceivingOfficer)
                        .then_some(point_id)
                        .flatten(),
                    granted_at: joined,
                });
                match role {
                    Role::ReceivingOfficer => place.receiving.push(id),
                    Role::Specialist => place.specialists.push(id),
                    Role::DepartmentHead => place.heads.push(id),
                    Role::Leader => place.leaders.push(id),
                    _ => {}
                }
            }
        }
    }
    let officers = accounts.len();

    // Applicants.
    let total = options
        .dossiers
        .unwrap_or(DOSSIERS_PER_YEAR * u64::from(options.years));
    let applicants = (total / 18).clamp(100, APPLICANTS);
    let first_applicant = next_account;
    for i in 0..applicants {
        accounts.push(BulkAccount {
            id: next_account,
            kind: AccountKind::Citizen,
            login: citizen_login(i),
            full_name: person_name(&mut rng),
            email: None,
            phone: Some(citizen_phone(i)),
            password_hash: hash.clone(),
            verification: VerificationLevel::SelfRegistered,
            address_unit_code: Some(crate::demo::PROVINCE.into()),
            address_line: None,
            created_at: joined,
        });
        next_account += 1;
    }
    for chunk in accounts.chunks(50_000) {
        let ids: std::collections::HashSet<i64> = chunk.iter().map(|a| a.id).collect();
        let chunk_roles: Vec<BulkRole> = roles
            .iter()
            .filter(|r| ids.contains(&r.account_id))
            .cloned()
            .collect();
        store.bulk_insert_accounts(chunk, &chunk_roles).await?;
    }
    println!(
        "city: {officers} officers and {applicants} applicants created ({:.1} s)",
        started.elapsed().as_secs_f64()
    );

    // The window and the daily volumes.
    let until = options
        .until
        .unwrap_or_else(|| Utc::now().with_timezone(&vietnam()).date_naive());
    let days_total = 365 * u64::from(options.years);
    let first_day = until - Days::new(days_total - 1);
    let calendar = WorkCalendar::standard();
    let mut day_weights = Vec::new();
    for i in 0..days_total {
        let day = first_day + Days::new(i);
        let working = calendar.is_working_day(day).unwrap_or(false);
        day_weights.push(if working { 1.0 } else { 0.06 });
    }
    let weight_sum: f64 = day_weights.iter().sum();

    let communes: Vec<usize> = (0..places.len())
        .filter(|i| places[*i].class == Class::Commune)
        .collect();
    let branches: Vec<usize> = (0..places.len())
        .filter(|i| places[*i].class == Class::Branch)
        .collect();
    let commune_weights = Weighted::new(communes.iter().map(|_| 0.4 + rng.unit() * 1.6));
    let commune_procs: Vec<usize> = (0..procs.len()).filter(|i| procs[*i].commune).collect();
    let province_procs: Vec<usize> = (0..procs.len()).filter(|i| !procs[*i].commune).collect();
    // Popularity: a few procedures take most dossiers (Zipf over a seeded order).
    let zipf = |n: usize, rng: &mut Rng| {
        let mut ranks: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            ranks.swap(i, rng.below(i as u64 + 1) as usize);
        }
        Weighted::new(ranks.iter().map(|r| 1.0 / ((*r + 1) as f64).powf(1.1)))
    };
    let commune_popularity = zipf(commune_procs.len(), &mut rng);
    let province_popularity = zipf(province_procs.len(), &mut rng);

    println!(
        "city: {total} dossiers from {first_day} to {until}: {} commune-level and {} province-level procedures at {} agencies",
        commune_procs.len(),
        province_procs.len(),
        places.len()
    );
    // The backlog: the department with the most province-level procedures, its working days
    // among the last BACKLOG_DAYS, and how many stalled dossiers each receives.
    let mut backlog_plan: HashMap<usize, u64> = HashMap::new();
    let mut backlog_procs: Vec<usize> = Vec::new();
    let mut backlog_dept = None;
    if options.backlog > 0 {
        let mut per_dept: HashMap<usize, usize> = HashMap::new();
        for i in &province_procs {
            if let Some(d) = procs[*i].department {
                *per_dept.entry(d).or_default() += 1;
            }
        }
        let dept = per_dept
            .into_iter()
            .max_by_key(|(d, n)| (*n, std::cmp::Reverse(*d)))
            .map(|(d, _)| d)
            .context("no department for a backlog")?;
        backlog_procs = province_procs
            .iter()
            .copied()
            .filter(|i| procs[*i].department == Some(dept))
            .collect();
        let days: Vec<usize> = (0..days_total as usize)
            .rev()
            .take(BACKLOG_DAYS as usize)
            .filter(|i| {
                calendar
                    .is_working_day(first_day + Days::new(*i as u64))
                    .unwrap_or(false)
            })
            .collect();
        let n = days.len().max(1) as u64;
        for (k, day) in days.iter().enumerate() {
            let k = k as u64;
            backlog_plan.insert(
                *day,
                options.backlog * (k + 1) / n - options.backlog * k / n,
            );
        }
        backlog_dept = Some(dept);
        println!(
            "city: a backlog of {} dossiers at {} over its last {} working days",
            options.backlog,
            places[dept].code,
            days.len()
        );
    }
    store.bulk_begin().await?;
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<BulkDossier>>(2);
    // The window ends at the close of its last day, or now when that day is today.
    let now = Utc::now().with_timezone(&vietnam());
    let end = local(until, 17 * 3_600).min(now.max(local(until, 0)));
    let seed = options.seed;
    let places = Arc::new(places);
    let procs = Arc::new(procs);
    let sim_places = places.clone();
    let sim_procs = procs.clone();
    let simulation = std::thread::spawn(move || -> anyhow::Result<(Tally, Counters)> {
        let mut world = World {
            calendar: &calendar,
            places: &sim_places,
            procs: &sim_procs,
            end,
            counters: HashMap::new(),
        };
        let mut rng = Rng::new(seed.wrapping_mul(31).wrapping_add(7));
        let mut tally = Tally::default();
        let mut batch = Vec::with_capacity(BATCH);
        let mut next_id = 1_i64;
        let mut carried = 0.0;
        let mut made = 0u64;
        for (i, weight) in day_weights.iter().enumerate() {
            let day = first_day + Days::new(i as u64);
            carried += total as f64 * weight / weight_sum;
            let mut today = carried.floor() as u64;
            if i + 1 == day_weights.len() {
                today = total - made;
            }
            today = today.min(total - made);
            carried -= today as f64;
            made += today;
            let working = calendar.is_working_day(day).unwrap_or(false);
            let mut plans = Vec::with_capacity(today as usize);
            for _ in 0..today {
                let commune_level = rng.chance(0.72);
                let proc_index = if commune_level {
                    commune_procs[commune_popularity.pick(&mut rng)]
                } else {
                    province_procs[province_popularity.pick(&mut rng)]
                };
                let p = &sim_procs[proc_index];
                let online = p.online.is_some() && (!working || rng.chance(0.6));
                let receiving = if commune_level {
                    communes[commune_weights.pick(&mut rng)]
                } else if !branches.is_empty() && rng.chance(0.4) {
                    *rng.pick(&branches)
                } else {
                    p.department
                        .expect("province-level procedures have a department")
                };
                let created = if online {
                    local(day, rng.range(6 * 3_600, 23 * 3_600))
                } else {
                    // A working moment of this day (or the next working day).
                    world.after(local(day, 0), rng.range(60, 8 * 3_600 - 600))
                };
                // Nothing is created after the window closes (today: after now).
                let created = if created > end {
                    end - chrono::TimeDelta::seconds(rng.range(60, 3_600))
                } else {
                    created
                };
                plans.push((created, proc_index, receiving, online, rng.next(), false));
            }
            if let Some(dept) = backlog_dept {
                for _ in 0..backlog_plan.get(&i).copied().unwrap_or(0) {
                    let proc_index = *rng.pick(&backlog_procs);
                    let created = world.after(local(day, 0), rng.range(60, 8 * 3_600 - 600));
                    let created = created.min(end - chrono::TimeDelta::seconds(600));
                    plans.push((created, proc_index, dept, false, rng.next(), true));
                }
            }
            plans.sort_by_key(|p| (p.0, p.4));
            for (created, proc_index, receiving, online, salt, stalls) in plans {
                let mut person = Rng::new(salt);
                let i = person.below(applicants);
                let applicant = Applicant {
                    name: person_name(&mut person),
                    id_number: Some(citizen_login(i)),
                    phone: Some(citizen_phone(i)),
                    email: None,
                    address: None,
                };
                let who = Who {
                    owner: online.then_some(first_applicant + i as i64),
                    applicant,
                };
                // A stalled dossier's world ends a few working hours after it arrives: it is
                // received (perhaps assigned) and goes no further.
                let window_end = world.end;
                if stalls {
                    world.end = world
                        .after(created, person.range(3_600, 3 * 8 * 3_600))
                        .min(window_end);
                }
                let d = live(
                    &mut world,
                    &mut person,
                    &mut tally,
                    next_id,
                    proc_index,
                    receiving,
                    online,
                    who,
                    created,
                );
                world.end = window_end;
                let d = d?;
                next_id += 1;
                batch.push(d);
                if batch.len() == BATCH {
                    if sender.send(std::mem::take(&mut batch)).is_err() {
                        return Ok((tally, Vec::new()));
                    }
                    batch.reserve(BATCH);
                }
            }
        }
        if !batch.is_empty() {
            let _ = sender.send(batch);
        }
        Ok((tally, world.counters.into_iter().collect()))
    });

    let mut written = 0u64;
    let mut logs = 0u64;
    let mut open_by_agency: HashMap<i64, u64> = HashMap::new();
    let load_started = Instant::now();
    let mut last_print = Instant::now();
    loop {
        let next = tokio::task::block_in_place(|| receiver.recv());
        let Ok(batch) = next else { break };
        for d in &batch {
            if matches!(
                d.state.status,
                Status::Submitted
                    | Status::Received
                    | Status::Processing
                    | Status::SupplementRequested
                    | Status::AwaitingFees
            ) {
                *open_by_agency.entry(d.state.holding_agency_id).or_default() += 1;
            }
        }
        logs += store.bulk_insert_dossiers(&batch).await?;
        written += batch.len() as u64;
        let all = total + options.backlog;
        if last_print.elapsed().as_secs_f64() >= 5.0 || written == all {
            last_print = Instant::now();
            let rate = written as f64 / load_started.elapsed().as_secs_f64().max(1e-9);
            let day = batch
                .last()
                .map(|d| {
                    d.created_at
                        .with_timezone(&vietnam())
                        .date_naive()
                        .to_string()
                })
                .unwrap_or_default();
            println!(
                "city: {written}/{all} dossiers ({:.1} %), {logs} log entries, {rate:.0} dossiers/s, at {day}",
                written as f64 * 100.0 / all.max(1) as f64
            );
        }
    }
    let (tally, counters) = simulation
        .join()
        .map_err(|_| anyhow::anyhow!("the simulation thread panicked"))??;
    anyhow::ensure!(written == tally.dossiers, "the load stopped early");
    let sequences: Vec<motcua_store::CodeSequence> = counters
        .into_iter()
        .map(|((place, day), last)| (places[place].id, DossierCode::day_key(day), i64::from(last)))
        .collect();
    store.bulk_set_code_sequences(&sequences).await?;
    println!("city: code sequences set; refreshing planner statistics");
    store.bulk_finish().await?;
    let (busiest_id, busiest_open) = open_by_agency
        .iter()
        .max_by_key(|(id, n)| (**n, -**id))
        .map_or((0, 0), |(id, n)| (*id, *n));
    let busiest_agency = places
        .iter()
        .find(|p| p.id == busiest_id)
        .map(|p| p.code.as_str().to_owned())
        .unwrap_or_default();
    let finished = tally.finished;
    Ok(CityReport {
        first_day: first_day.to_string(),
        last_day: until.to_string(),
        procedures: procs.len(),
        agencies_receiving: places.len(),
        officers,
        applicants: applicants as usize,
        dossiers: tally.dossiers,
        log_entries: tally.log_entries,
        received: tally.received,
        finished,
        finished_late: tally.finished_late,
        on_time_share: if finished == 0 {
            0.0
        } else {
            (finished - tally.finished_late) as f64 / finished as f64
        },
        refused: tally.refused,
        withdrawn: tally.withdrawn,
        stopped: tally.stopped,
        supplements: tally.supplements,
        transfers: tally.transfers,
        apologies: tally.apologies,
        open: tally.open,
        busiest_agency,
        busiest_open,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_are_distinct_and_well_formed() {
        let logins: std::collections::HashSet<String> = (0..200_000).map(citizen_login).collect();
        assert_eq!(logins.len(), 200_000);
        let phones: std::collections::HashSet<String> = (0..200_000).map(citizen_phone).collect();
        assert_eq!(phones.len(), 200_000);
        for i in [0, 1, 199_999] {
            motcua_domain::identity::PersonalId::parse(&citizen_login(i))
                .unwrap_or_else(|e| panic!("{}: {e:?}", citizen_login(i)));
            assert_eq!(citizen_phone(i).len(), 10);
        }
        assert_eq!(
            officer_login("000.00.12.H29", Role::ReceivingOfficer, 1),
            "tn001.0000012"
        );
        assert_eq!(
            officer_login("001.00.70.H29", Role::Leader, 2),
            "ld002.0010070"
        );
    }

    #[test]
    fn the_generator_is_deterministic() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert!((0..100).all(|_| a.next() == b.next()));
        let w = Weighted::new([1.0, 0.0, 3.0]);
        let mut r = Rng::new(1);
        let picks: Vec<usize> = (0..1000).map(|_| w.pick(&mut r)).collect();
        assert!(!picks.contains(&1));
        let threes = picks.iter().filter(|p| **p == 2).count();
        assert!((650..850).contains(&threes), "{threes}");
    }
}
