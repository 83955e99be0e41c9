//! `motcua bench SCENARIO --url URL [--duration S] [--concurrency C] [--json]`: the load tool
//! (issue 7). A fixed number of client tasks on this process's tokio runtime, each with one
//! keep-alive HTTP/1.1 connection, send requests back to back (a closed loop) for the duration
//! and record every latency in a histogram. The same run also measures the machine's own
//! ceilings for reference — a no-op HTTP endpoint (`/healthz` of the same server, through the
//! same middleware) and a raw durable single-row SQLite commit loop (a temporary file, WAL,
//! `synchronous=FULL`, one INSERT per transaction) — and gives our figures as ratios to them.
//!
//! Scenarios: `search` (catalog queries from real phrasings, with and without diacritics,
//! with typos), `noop` (`GET /healthz`), and over the dossiers of a generated city
//! (`motcua demo --scale city`): `submit` (an online dossier created with an
//! Idempotency-Key, submitted by its applicant and received at the counter — three durable
//! commits), `track` (public tracking of random existing codes with the right second
//! factor), `queue` (the work queues of the agency holding the most open dossiers) and
//! `mixed` (a busy day compressed: mostly tracking and search, some submissions, receptions
//! and assignments). Those four read their samples — codes with phone numbers, procedures
//! and agencies — from the server's database before the run (`--data-dir` or
//! `--database-url`, as for `serve`), and log in as generated accounts
//! (`crate::demo_city`'s names, the demo password).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode, Uri, header};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use serde_json::json;

/// What people type into the search box: the phrasings of the search crate's benchmark
/// (`crates/motcua-search/benches/search.rs`), with and without diacritics, with typos and
/// everyday words.
pub const SEARCH_PHRASINGS: &[&str] = &[
    "dang ky khai sinh",
    "đăng ký khai sinh",
    "cấp lại căn cước",
    "lam lai can cuoc",
    "ly lich tu phap",
    "khai snh",
    "làm lại cccd",
    "cap doi the can cuoc",
    "đăng ký kết hôn",
    "dang ky ket hon co yeu to nuoc ngoai",
    "khai tu",
    "trich luc ho tich",
    "ban sao giay khai sinh",
    "ho chieu",
    "cap ho chieu pho thong",
    "thi thuc",
    "dang ky thuong tru",
    "nhap ho khau",
    "tam tru",
    "so do",
    "cap giay chung nhan quyen su dung dat",
    "giay phep xay dung",
    "xay nha",
    "dang ky kinh doanh",
    "thanh lap doanh nghiep",
    "mo cong ty",
    "ho kinh doanh",
    "bang lai xe may",
    "doi giay phep lai xe",
    "dang ky xe mo to",
    "ma so thue ca nhan",
    "hoan thue gia tri gia tang",
    "thu tuc hai quan xuat khau",
    "bao hiem y te",
    "nuoi con nuoi",
    "chung thuc ban sao",
    "cong chung hop dong",
    "khieu nai",
    "to cao",
    "giay phep moi truong",
    "khai thac khoang san",
    "dang kiem xe",
    "giay phep kinh doanh van tai",
    "cap phep bay",
    "chung khoan",
    "quoc tich viet nam",
    "thay doi ho tich",
    "dang ky giam ho",
    "toi muon lam lai can cuoc o dau",
    "cấp phiếu lý lịch tư pháp số 2",
    "dnag ky khai sinh",
    "giay chung nhan dau tu",
];

/// What one request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// `GET /api/v1/procedures?q=…` over the phrasings.
    Search,
    /// `GET /healthz`: the HTTP stack alone.
    Noop,
    /// Create, submit (applicant), receive (counter): one dossier per operation.
    Submit,
    /// `GET /api/v1/tracking/{code}?phone=…`.
    Track,
    /// `GET /api/v1/dossiers?queue=…&agency=…` as a department head.
    Queue,
    /// A busy day: tracking, search, queues, submissions, receptions, assignments.
    Mixed,
}

impl Scenario {
    pub const ALL: &[Scenario] = &[
        Scenario::Search,
        Scenario::Noop,
        Scenario::Submit,
        Scenario::Track,
        Scenario::Queue,
        Scenario::Mixed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Search => "search",
            Scenario::Noop => "noop",
            Scenario::Submit => "submit",
            Scenario::Track => "track",
            Scenario::Queue => "queue",
            Scenario::Mixed => "mixed",
        }
    }

    fn about(self) -> &'static str {
        match self {
            Scenario::Search => "catalog queries (GET /api/v1/procedures?q=…)",
            Scenario::Noop => "the HTTP ceiling (GET /healthz)",
            Scenario::Submit => {
                "online submission then reception: create, submit, receive (3 durable commits)"
            }
            Scenario::Track => "public tracking of existing codes (GET /api/v1/tracking/{code})",
            Scenario::Queue => "officers' work queues of the busiest agency (GET /api/v1/dossiers)",
            Scenario::Mixed => "a busy day: tracking, search, queues, submissions, receptions",
        }
    }

    /// Whether the scenario samples the server's database first.
    pub fn needs_database(self) -> bool {
        matches!(
            self,
            Scenario::Submit | Scenario::Track | Scenario::Queue | Scenario::Mixed
        )
    }

    /// The scenario named `name`, or an error saying what can be chosen.
    pub fn parse(name: &str) -> anyhow::Result<Self> {
        if let Some(s) = Self::ALL.iter().find(|s| s.name() == name) {
            return Ok(*s);
        }
        let available = Self::ALL
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(", ");
        bail!("unknown scenario {name:?}: choose one of {available}")
    }
}

/// The list `motcua bench --help` shows.
pub fn scenarios_help() -> String {
    let mut help = String::from("Scenarios:\n");
    for s in Scenario::ALL {
        let _ = writeln!(help, "  {:<8} {}", s.name(), s.about());
    }
    help.push_str(
        "submit, track, queue and mixed read samples from the server's database first: give the \
         same --data-dir or --database-url as the server, after `motcua demo --scale city`.\n",
    );
    help
}

/// What the command line asked for.
#[derive(Clone)]
pub struct Options {
    pub scenario: String,
    pub url: String,
    pub duration: f64,
    pub concurrency: usize,
    pub json: bool,
    /// The server's database, for the scenarios that sample it (closed before the load).
    pub store: Option<std::sync::Arc<dyn motcua_store::Store>>,
}

/// The server's address: `http://host[:port][/prefix]`.
#[derive(Debug, Clone)]
struct Target {
    /// `host:port`, to connect to and for the `Host` header.
    authority: String,
    /// A path prefix without its trailing `/` (usually empty).
    prefix: String,
    /// The URL as given, without a trailing `/`, for messages.
    display: String,
}

impl Target {
    fn parse(url: &str) -> anyhow::Result<Self> {
        let display = url.trim_end_matches('/').to_owned();
        let uri: Uri = url
            .parse()
            .with_context(|| format!("invalid --url {url:?}: expected http://HOST:PORT"))?;
        match uri.scheme_str() {
            Some("http") => {}
            Some(other) => bail!(
                "invalid --url {url:?}: only http:// is supported ({other}:// is not; the load \
                 tool measures the server itself, on loopback)"
            ),
            None => bail!("invalid --url {url:?}: expected http://HOST:PORT"),
        }
        let authority = uri
            .authority()
            .with_context(|| format!("invalid --url {url:?}: no host"))?;
        let port = authority.port_u16().unwrap_or(80);
        if uri.query().is_some() {
            bail!("invalid --url {url:?}: give the server's address without a query");
        }
        Ok(Self {
            authority: format!("{}:{port}", authority.host()),
            prefix: uri.path().trim_end_matches('/').to_owned(),
            display,
        })
    }
}

/// A session of a generated account: its cookie and CSRF token.
#[derive(Debug, Clone)]
struct Session {
    cookie: String,
    csrf: String,
}

/// One request of a scenario.
#[derive(Debug, Clone)]
struct Req {
    post: bool,
    path: String,
    session: Option<Arc<Session>>,
    body: Option<Bytes>,
    idempotency_key: Option<String>,
}

impl Req {
    fn get(path: String) -> Self {
        Self {
            post: false,
            path,
            session: None,
            body: None,
            idempotency_key: None,
        }
    }

    fn get_as(path: String, session: &Arc<Session>) -> Self {
        Self {
            session: Some(session.clone()),
            ..Self::get(path)
        }
    }

    fn post(path: String, session: Option<&Arc<Session>>, body: &serde_json::Value) -> Self {
        Self {
            post: true,
            path,
            session: session.cloned(),
            body: Some(Bytes::from(body.to_string())),
            idempotency_key: None,
        }
    }
}

/// One keep-alive connection.
struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

impl Connection {
    async fn open(target: &Target) -> anyhow::Result<Self> {
        let stream = tokio::net::TcpStream::connect(&target.authority)
            .await
            .with_context(|| format!("cannot connect to {}", target.authority))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .context("HTTP handshake")?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Self { sender })
    }

    /// Sends the request, reads the whole body; returns the status and body size (and the
    /// body itself when `keep` is set).
    async fn send(&mut self, target: &Target, req: &Req, keep: bool) -> anyhow::Result<Answer> {
        self.sender.ready().await.context("connection closed")?;
        let mut builder = Request::builder()
            .method(if req.post {
                hyper::Method::POST
            } else {
                hyper::Method::GET
            })
            .uri(req.path.as_str())
            .header(header::HOST, &target.authority)
            .header(header::USER_AGENT, "motcua-bench");
        if let Some(s) = &req.session {
            builder = builder
                .header(header::COOKIE, &s.cookie)
                .header("x-csrf-token", &s.csrf);
        }
        if req.body.is_some() {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
        }
        if let Some(key) = &req.idempotency_key {
            builder = builder.header("idempotency-key", key);
        }
        let request = builder.body(Full::new(req.body.clone().unwrap_or_default()))?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        let cookie = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("mc_session="))
            .and_then(|c| c.split(';').next())
            .map(str::to_owned);
        let mut body = response.into_body();
        let mut bytes = 0;
        let mut kept = Vec::new();
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data() {
                bytes += data.len();
                if keep {
                    kept.extend_from_slice(&data);
                }
            }
        }
        Ok(Answer {
            status,
            bytes,
            body: kept,
            cookie,
        })
    }

    /// `send` with a time limit.
    async fn send_timed(
        &mut self,
        target: &Target,
        req: &Req,
        keep: bool,
    ) -> anyhow::Result<Answer> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.send(target, req, keep)).await {
            Ok(answer) => answer,
            Err(_) => bail!("no answer within {} s", REQUEST_TIMEOUT.as_secs()),
        }
    }

    /// `GET path` with a time limit.
    async fn get_timed(
        &mut self,
        target: &Target,
        path: &str,
        keep: bool,
    ) -> anyhow::Result<Answer> {
        self.send_timed(target, &Req::get(path.to_owned()), keep)
            .await
    }
}

struct Answer {
    status: StatusCode,
    bytes: usize,
    /// Empty unless asked for.
    body: Vec<u8>,
    /// The session cookie set (`mc_session=…`), if any.
    cookie: Option<String>,
}

/// The requests of a simple scenario, in the order the client tasks walk through them.
fn paths(scenario: Scenario, target: &Target) -> Vec<String> {
    match scenario {
        Scenario::Search => SEARCH_PHRASINGS
            .iter()
            .map(|q| format!("{}/api/v1/procedures?q={}", target.prefix, encode(q)))
            .collect(),
        _ => vec![format!("{}/healthz", target.prefix)],
    }
}

/// Percent-encodes a query-string value (UTF-8 bytes; space as `+`).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

fn new_histogram() -> Histogram<u64> {
    // Nanoseconds, 1 µs to 10 minutes, 3 significant digits.
    Histogram::new_with_bounds(1_000, 600_000_000_000, 3).expect("valid histogram bounds")
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// What the client tasks of one phase saw.
struct Tally {
    /// Of whole operations (one request, or the requests of a submission).
    latencies: Histogram<u64>,
    ok: u64,
    /// Requests sent (an operation may send several).
    requests: u64,
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    first_error: Option<String>,
    bytes: u64,
    /// Latency of each kind of request (`create`, `submit`, `receive`, `track`, …).
    kinds: BTreeMap<&'static str, Histogram<u64>>,
}

impl Tally {
    fn new() -> Self {
        Self {
            latencies: new_histogram(),
            ok: 0,
            requests: 0,
            statuses: BTreeMap::new(),
            transport_errors: 0,
            first_error: None,
            bytes: 0,
            kinds: BTreeMap::new(),
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies
            .add(&other.latencies)
            .expect("histograms of the same bounds");
        self.ok += other.ok;
        self.requests += other.requests;
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.bytes += other.bytes;
        for (kind, h) in other.kinds {
            self.kinds
                .entry(kind)
                .or_insert_with(new_histogram)
                .add(&h)
                .expect("histograms of the same bounds");
        }
    }
}

/// A client task's connection and tally: sends one request, records it under `kind`.
struct Client {
    target: Arc<Target>,
    connection: Option<Connection>,
    tally: Tally,
}

impl Client {
    fn new(target: Arc<Target>) -> Self {
        Self {
            target,
            connection: None,
            tally: Tally::new(),
        }
    }

    /// The answer when it is a success; errors are counted and remembered.
    async fn exchange(&mut self, kind: &'static str, req: &Req, keep: bool) -> Option<Answer> {
        let started = Instant::now();
        let outcome = match self.connection.as_mut() {
            Some(c) => c.send_timed(&self.target, req, keep).await,
            None => match Connection::open(&self.target).await {
                Ok(mut c) => {
                    let answer = c.send_timed(&self.target, req, keep).await;
                    self.connection = Some(c);
                    answer
                }
                Err(e) => Err(e),
            },
        };
        let took = started.elapsed();
        self.tally.requests += 1;
        match outcome {
            Ok(answer) => {
                self.tally
                    .kinds
                    .entry(kind)
                    .or_insert_with(new_histogram)
                    .saturating_record(nanos(took));
                self.tally.bytes += answer.bytes as u64;
                if answer.status.is_success() {
                    Some(answer)
                } else {
                    *self
                        .tally
                        .statuses
                        .entry(answer.status.as_u16())
                        .or_default() += 1;
                    if self.tally.first_error.is_none() {
                        let body = String::from_utf8_lossy(&answer.body);
                        self.tally.first_error = Some(format!(
                            "{} {}: HTTP {} {}",
                            if req.post { "POST" } else { "GET" },
                            req.path,
                            answer.status,
                            body.chars().take(300).collect::<String>()
                        ));
                    }
                    None
                }
            }
            Err(e) => {
                self.tally.transport_errors += 1;
                if self.tally.first_error.is_none() {
                    self.tally.first_error = Some(format!("{}: {e:#}", req.path));
                }
                self.connection = None;
                // A server that went away is not hammered with reconnections.
                tokio::time::sleep(Duration::from_millis(10)).await;
                None
            }
        }
    }

    /// Records a whole operation.
    fn operation(&mut self, started: Instant, ok: bool) {
        self.tally
            .latencies
            .saturating_record(nanos(started.elapsed()));
        if ok {
            self.tally.ok += 1;
        }
    }
}

/// A lane: what one client task submits, as whom, where.
#[derive(Debug, Clone)]
struct Lane {
    citizen: Arc<Session>,
    counter: Arc<Session>,
    head: Arc<Session>,
    specialist_id: i64,
    procedure: String,
    agency: String,
}

/// What the client tasks work through.
struct Work {
    scenario: Scenario,
    /// GET requests to cycle through (search, noop, track, queue).
    requests: Vec<Req>,
    /// Mixed: the other kinds.
    search: Vec<Req>,
    queue: Vec<Req>,
    lanes: Vec<Lane>,
    /// Distinguishes this run's idempotency keys from another's.
    run_id: String,
}

/// One client task: operations back to back on its own connection until `deadline`.
async fn client(target: Arc<Target>, work: Arc<Work>, index: usize, deadline: Instant) -> Tally {
    let mut c = Client::new(target.clone());
    let mut next = index * work.requests.len().max(1) / 64 + index;
    let lane = (!work.lanes.is_empty()).then(|| work.lanes[index % work.lanes.len()].clone());
    let mut submitted: Vec<i64> = Vec::new();
    let mut received: Vec<i64> = Vec::new();
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        next += 1;
        let started = Instant::now();
        match (work.scenario, lane.as_ref()) {
            (Scenario::Submit, Some(lane)) => {
                let ok = submit_one(&mut c, &work, lane, index, n, true)
                    .await
                    .is_some();
                c.operation(started, ok);
            }
            (Scenario::Mixed, Some(lane)) => {
                // Out of 100: 55 tracking, 25 search, 6 queue, 6 submissions, 4 receptions,
                // 4 assignments (those two fall back to tracking when nothing waits).
                let slot = (n * 37 + index as u64 * 11) % 100;
                let ok = if slot < 6 {
                    match submit_one(&mut c, &work, lane, index, n, false).await {
                        Some(id) => {
                            submitted.push(id);
                            true
                        }
                        None => false,
                    }
                } else if slot < 10 && !submitted.is_empty() {
                    let id = submitted.remove(0);
                    let req = command(
                        &target,
                        id,
                        1,
                        json!({ "command": "receive" }),
                        &lane.counter,
                    );
                    let ok = c.exchange("receive", &req, false).await.is_some();
                    if ok {
                        received.push(id);
                    }
                    ok
                } else if slot < 14 && !received.is_empty() {
                    let id = received.remove(0);
                    let req = command(
                        &target,
                        id,
                        2,
                        json!({ "command": "assign", "to": lane.specialist_id }),
                        &lane.head,
                    );
                    c.exchange("assign", &req, false).await.is_some()
                } else if (14..39).contains(&slot) && !work.search.is_empty() {
                    let req = &work.search[next % work.search.len()];
                    c.exchange("search", req, false).await.is_some()
                } else if (39..45).contains(&slot) && !work.queue.is_empty() {
                    let req = &work.queue[next % work.queue.len()];
                    c.exchange("queue", req, false).await.is_some()
                } else {
                    let req = &work.requests[next % work.requests.len()];
                    c.exchange("track", req, false).await.is_some()
                };
                c.operation(started, ok);
            }
            _ => {
                let req = &work.requests[next % work.requests.len()];
                let ok = c.exchange(work.scenario.name(), req, false).await.is_some();
                c.operation(started, ok);
            }
        }
    }
    c.tally
}

fn command(
    target: &Target,
    id: i64,
    version: i64,
    mut body: serde_json::Value,
    session: &Arc<Session>,
) -> Req {
    body["version"] = json!(version);
    Req::post(
        format!("{}/api/v1/dossiers/{id}/commands", target.prefix),
        Some(session),
        &body,
    )
}

/// Creates an online dossier (with an Idempotency-Key), submits it as its applicant and,
/// when `receive`, receives it at the counter. Returns its id when every step succeeded.
async fn submit_one(
    c: &mut Client,
    work: &Work,
    lane: &Lane,
    index: usize,
    n: u64,
    receive: bool,
) -> Option<i64> {
    let prefix = c.target.prefix.clone();
    let mut create = Req::post(
        format!("{prefix}/api/v1/dossiers"),
        Some(&lane.citizen),
        &json!({ "procedure_code": lane.procedure, "agency": lane.agency, "channel": "online" }),
    );
    // Unique across the phases of the run (warm-up and measurement).
    static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    create.idempotency_key = Some(format!("bench-{}-{index}-{n}-{serial}", work.run_id));
    let answer = c.exchange("create", &create, true).await?;
    let id = serde_json::from_slice::<serde_json::Value>(&answer.body)
        .ok()?
        .get("id")?
        .as_i64()?;
    let target = c.target.clone();
    let submit = command(
        &target,
        id,
        0,
        json!({ "command": "submit" }),
        &lane.citizen,
    );
    c.exchange("submit", &submit, false).await?;
    if receive {
        let req = command(
            &target,
            id,
            1,
            json!({ "command": "receive" }),
            &lane.counter,
        );
        c.exchange("receive", &req, false).await?;
    }
    Some(id)
}

/// Runs `concurrency` client tasks over `work` for `duration`.
async fn load(
    target: &Arc<Target>,
    work: &Arc<Work>,
    concurrency: usize,
    duration: Duration,
) -> HttpFigures {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| tokio::spawn(client(target.clone(), work.clone(), i, deadline)))
        .collect();
    let mut tally = Tally::new();
    for task in tasks {
        match task.await {
            Ok(t) => tally.merge(t),
            Err(e) => {
                tally.transport_errors += 1;
                tally
                    .first_error
                    .get_or_insert_with(|| format!("client task failed: {e}"));
            }
        }
    }
    HttpFigures::from_tally(tally, started.elapsed())
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub max: f64,
    pub mean: f64,
}

impl Latency {
    fn of(h: &Histogram<u64>) -> Self {
        let ms = |ns: u64| ns as f64 / 1e6;
        if h.is_empty() {
            return Self {
                p50: 0.0,
                p95: 0.0,
                p99: 0.0,
                max: 0.0,
                mean: 0.0,
            };
        }
        Self {
            p50: ms(h.value_at_quantile(0.50)),
            p95: ms(h.value_at_quantile(0.95)),
            p99: ms(h.value_at_quantile(0.99)),
            max: ms(h.max()),
            mean: h.mean() / 1e6,
        }
    }
}

/// One kind of request within a phase.
#[derive(Debug, Clone, Serialize)]
pub struct KindFigures {
    pub answered: u64,
    pub latency_ms: Latency,
}

/// The figures of one HTTP phase.
#[derive(Debug, Clone, Serialize)]
pub struct HttpFigures {
    /// Requests sent (an operation of `submit` sends three).
    pub requests: u64,
    /// Operations that succeeded (every request 2xx): requests for most scenarios, dossiers
    /// submitted and received for `submit`.
    pub ok: u64,
    /// Non-2xx answers plus transport errors (refused, reset, timed out).
    pub errors: u64,
    /// Non-2xx answers by status.
    pub error_statuses: BTreeMap<u16, u64>,
    pub transport_errors: u64,
    /// The first error seen, to say what went wrong.
    pub first_error: Option<String>,
    pub elapsed_s: f64,
    /// Successful operations per second.
    pub throughput_rps: f64,
    /// Of every operation.
    pub latency_ms: Latency,
    /// Each kind of request (`create`, `submit`, `receive`, `track`, `search`, …).
    pub by_kind: BTreeMap<String, KindFigures>,
    pub mean_response_bytes: f64,
}

impl HttpFigures {
    fn from_tally(t: Tally, elapsed: Duration) -> Self {
        let errors = t.statuses.values().sum::<u64>() + t.transport_errors;
        let answered = t.requests.saturating_sub(t.transport_errors);
        Self {
            requests: t.requests,
            ok: t.ok,
            errors,
            error_statuses: t.statuses,
            transport_errors: t.transport_errors,
            first_error: t.first_error,
            elapsed_s: elapsed.as_secs_f64(),
            throughput_rps: t.ok as f64 / elapsed.as_secs_f64().max(1e-9),
            latency_ms: Latency::of(&t.latencies),
            by_kind: t
                .kinds
                .iter()
                .map(|(k, h)| {
                    (
                        (*k).to_owned(),
                        KindFigures {
                            answered: h.len(),
                            latency_ms: Latency::of(h),
                        },
                    )
                })
                .collect(),
            mean_response_bytes: t.bytes as f64 / answered.max(1) as f64,
        }
    }
}

/// The raw durable commit loop.
#[derive(Debug, Clone, Serialize)]
pub struct CommitFigures {
    pub commits: u64,
    pub elapsed_s: f64,
    pub commits_per_s: f64,
    pub latency_ms: Latency,
    /// Where the temporary database was (its file system is what is measured).
    pub directory: String,
}

/// One connection, WAL, `synchronous=FULL`: `BEGIN IMMEDIATE; INSERT one row; COMMIT`, back
/// to back for `duration`, in a temporary file that is removed afterwards.
async fn sqlite_commit_loop(duration: Duration) -> anyhow::Result<CommitFigures> {
    let dir = scratch_dir()?;
    let result = commit_loop_in(&dir, duration).await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn scratch_dir() -> anyhow::Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!("motcua-bench-{}-{nanos:09}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create a scratch directory {}", dir.display()))?;
    Ok(dir)
}

async fn commit_loop_in(dir: &Path, duration: Duration) -> anyhow::Result<CommitFigures> {
    use sqlx::ConnectOptions;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let options = SqliteConnectOptions::new()
        .filename(dir.join("ceiling.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full);
    let mut conn = options
        .connect()
        .await
        .context("cannot open the SQLite ceiling database")?;
    sqlx::query(
        "CREATE TABLE ceiling (id INTEGER PRIMARY KEY, at TEXT NOT NULL, payload TEXT NOT NULL)",
    )
    .execute(&mut conn)
    .await?;
    let payload = "x".repeat(200);
    let mut latencies = new_histogram();
    let mut commits = 0u64;
    let started = Instant::now();
    let deadline = started + duration;
    while Instant::now() < deadline {
        let t0 = Instant::now();
        sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await?;
        sqlx::query("INSERT INTO ceiling (at, payload) VALUES (?, ?)")
            .bind(chrono::Utc::now().to_rfc3339())
            .bind(&payload)
            .execute(&mut conn)
            .await?;
        sqlx::query("COMMIT").execute(&mut conn).await?;
        latencies.saturating_record(u64::try_from(t0.elapsed().as_nanos()).unwrap_or(u64::MAX));
        commits += 1;
    }
    let elapsed = started.elapsed();
    sqlx::Connection::close(conn).await?;
    Ok(CommitFigures {
        commits,
        elapsed_s: elapsed.as_secs_f64(),
        commits_per_s: commits as f64 / elapsed.as_secs_f64().max(1e-9),
        latency_ms: Latency::of(&latencies),
        directory: dir
            .parent()
            .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
    })
}

#[derive(Debug, Clone, Serialize)]
pub struct Ceilings {
    /// `GET /healthz` on the same server, same concurrency.
    pub noop_http: HttpFigures,
    pub sqlite_commit: CommitFigures,
}

/// Our figures divided by the ceilings'.
#[derive(Debug, Clone, Serialize)]
pub struct Ratios {
    /// Throughput / no-op throughput (1 = as fast as the HTTP stack allows).
    pub throughput_vs_noop: f64,
    /// p99 / no-op p99.
    pub p99_vs_noop: f64,
    /// Throughput / durable commits per second.
    pub throughput_vs_sqlite_commit: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpus: usize,
    /// `/proc/loadavg` (1, 5, 15 min) before and after the run.
    pub load_before: Option<[f64; 3]>,
    pub load_after: Option<[f64; 3]>,
}

fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut it = text.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some([it.next()??, it.next()??, it.next()??])
}

/// The whole report (`--json` prints it as one object).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub scenario: Scenario,
    pub url: String,
    pub concurrency: usize,
    pub duration_s: f64,
    /// Distinct requests the clients cycle through.
    pub distinct_requests: usize,
    /// Procedures in the server's catalog (`search` and `mixed`).
    pub catalog_procedures: Option<u64>,
    /// What the dossier scenarios sampled from the database.
    pub sample: Option<Sample>,
    #[serde(flatten)]
    pub result: HttpFigures,
    pub ceilings: Ceilings,
    pub ratios: Ratios,
    pub machine: Machine,
}

/// Checks that the server answers before loading it, with one clear line when it does not.
async fn preflight(target: &Target, scenario: Scenario) -> anyhow::Result<Option<u64>> {
    let mut connection = Connection::open(target)
        .await
        .with_context(|| format!("cannot reach {}", target.display))?;
    let health = format!("{}/healthz", target.prefix);
    let answer = connection
        .get_timed(target, &health, false)
        .await
        .with_context(|| format!("cannot reach {}", target.display))?;
    if !answer.status.is_success() {
        bail!(
            "{}{health} answered HTTP {}: is this a motcua server?",
            target.display,
            answer.status
        );
    }
    if !matches!(scenario, Scenario::Search | Scenario::Mixed) {
        return Ok(None);
    }
    // The size of the catalog: searching an empty one would measure nothing.
    let list = format!("{}/api/v1/procedures?per_page=1", target.prefix);
    let answer = connection
        .get_timed(target, &list, true)
        .await
        .with_context(|| format!("GET {}{list}", target.display))?;
    if !answer.status.is_success() {
        bail!(
            "{}{list} answered HTTP {}: is this a motcua server?",
            target.display,
            answer.status
        );
    }
    let body: serde_json::Value = serde_json::from_slice(&answer.body)
        .with_context(|| format!("{}{list}: not a list of procedures", target.display))?;
    let total = body["total"].as_u64().unwrap_or(0);
    if total == 0 {
        bail!(
            "the catalog of {} is empty, so searching it measures nothing: import it first \
             (motcua import tthc ../shared/data/tthc/*.jsonl)",
            target.display
        );
    }
    Ok(Some(total))
}

/// What the dossier scenarios sampled from the database.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sample {
    /// The largest dossier id (the number of dossiers, for generated data).
    pub dossiers: i64,
    /// Tracking look-ups prepared (distinct codes).
    pub tracking_codes: usize,
    /// The agency whose queues `queue` and `mixed` read, and its open dossiers.
    pub queue_agency: Option<String>,
    pub queue_open_dossiers: Option<i64>,
    /// Submission lanes: (procedure, agency) pairs, one per client.
    pub lanes: usize,
}

/// Logs in as `login` with the demo password.
async fn login(target: &Target, login: &str) -> anyhow::Result<Arc<Session>> {
    let mut connection = Connection::open(target).await?;
    let req = Req::post(
        format!("{}/api/v1/session", target.prefix),
        None,
        &json!({ "login": login, "password": crate::demo_accounts::DEMO_PASSWORD }),
    );
    let answer = connection.send_timed(target, &req, true).await?;
    if !answer.status.is_success() {
        bail!(
            "cannot log in as {login} (HTTP {}): is this a generated city (motcua demo --scale city)?",
            answer.status
        );
    }
    let body: serde_json::Value = serde_json::from_slice(&answer.body)?;
    Ok(Arc::new(Session {
        cookie: answer
            .cookie
            .with_context(|| format!("logging in as {login} set no session cookie"))?,
        csrf: body["csrf_token"]
            .as_str()
            .context("the login answer has no csrf_token")?
            .to_owned(),
    }))
}

/// Samples the database and logs in the accounts the scenario needs.
async fn prepare(
    scenario: Scenario,
    target: &Arc<Target>,
    store: &dyn motcua_store::Store,
    concurrency: usize,
) -> anyhow::Result<(Work, Sample)> {
    use motcua_domain::identity::Role;
    use motcua_store::{DossierFilter, PageRequest};
    let prefix = &target.prefix;
    let mut sample = Sample::default();
    let mut work = Work {
        scenario,
        requests: paths(scenario, target).into_iter().map(Req::get).collect(),
        search: Vec::new(),
        queue: Vec::new(),
        lanes: Vec::new(),
        run_id: format!(
            "{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        ),
    };
    if !scenario.needs_database() {
        return Ok((work, sample));
    }
    let (_, max_id) = store.bulk_max_ids().await?;
    sample.dossiers = max_id;
    if max_id == 0 {
        bail!(
            "the database holds no dossiers, so {} measures nothing: generate a city first \
             (motcua demo --scale city), and give the bench the server's --data-dir or --database-url",
            scenario.name()
        );
    }
    // Random existing dossiers (a fixed sequence: runs compare).
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut tracking = Vec::new();
    let mut online: Vec<(String, i64)> = Vec::new();
    let mut agencies: BTreeMap<i64, String> = BTreeMap::new();
    for _ in 0..4_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = 1 + (x % max_id as u64) as i64;
        let Some(d) = store.get_dossier(id).await? else {
            continue;
        };
        if let (Some(code), Some(phone)) = (&d.code, &d.applicant.phone) {
            tracking.push(Req::get(format!(
                "{prefix}/api/v1/tracking/{}?phone={}",
                encode(code),
                encode(phone)
            )));
        }
        if d.channel == "online" && online.len() < 500 {
            online.push((d.procedure_code.clone(), d.state.receiving_agency_id));
        }
    }
    anyhow::ensure!(
        !tracking.is_empty(),
        "no received dossier with a phone number found to track"
    );
    sample.tracking_codes = tracking.len();
    let requests = std::mem::replace(&mut work.requests, tracking);
    work.search = if scenario == Scenario::Mixed {
        paths(Scenario::Search, target)
            .into_iter()
            .map(Req::get)
            .collect()
    } else {
        requests
    };
    let agency_code =
        async |id: i64, agencies: &mut BTreeMap<i64, String>| -> anyhow::Result<String> {
            if let Some(code) = agencies.get(&id) {
                return Ok(code.clone());
            }
            let a = store
                .get_agency_by_id(id)
                .await?
                .with_context(|| format!("agency {id} missing"))?;
            agencies.insert(id, a.code.as_str().to_owned());
            Ok(a.code.as_str().to_owned())
        };
    if matches!(scenario, Scenario::Queue | Scenario::Mixed) {
        // The agency holding the most open dossiers among those with generated staff.
        let mut best: Option<(i64, i64, String)> = None;
        for a in store.all_agencies().await? {
            let code = a.code.as_str().to_owned();
            let head = crate::demo_city::officer_login(&code, Role::DepartmentHead, 1);
            if store.find_account_for_login(&head).await?.is_none() {
                continue;
            }
            let open = store
                .list_dossiers(&DossierFilter {
                    holding_agency_ids: Some(vec![a.id]),
                    statuses: Some(motcua_store::open_statuses()),
                    page: PageRequest::new(None, Some(1)),
                    ..Default::default()
                })
                .await?
                .total;
            if best.as_ref().is_none_or(|b| open > b.1) {
                best = Some((a.id, open, code));
            }
        }
        let (_, open, code) = best.context("no agency with generated officers")?;
        sample.queue_agency = Some(code.clone());
        sample.queue_open_dossiers = Some(open);
        let head = login(
            target,
            &crate::demo_city::officer_login(&code, Role::DepartmentHead, 1),
        )
        .await?;
        let agency = encode(&code);
        for q in [
            "in_process",
            "in_process&page=2",
            "in_process&page=10",
            "to_receive",
            "due_soon",
            "overdue",
            "transferred_in",
            "mine",
        ] {
            work.queue.push(Req::get_as(
                format!("{prefix}/api/v1/dossiers?queue={q}&agency={agency}"),
                &head,
            ));
        }
        if scenario == Scenario::Queue {
            work.requests = work.queue.clone();
        }
    }
    if matches!(scenario, Scenario::Submit | Scenario::Mixed) {
        anyhow::ensure!(
            !online.is_empty(),
            "no online dossier found to take procedures and agencies from"
        );
        let mut sessions: BTreeMap<String, Arc<Session>> = BTreeMap::new();
        for i in 0..concurrency.min(64) {
            let (procedure, agency_id) = online[i * 7 % online.len()].clone();
            let agency = agency_code(agency_id, &mut agencies).await?;
            let mut session = async |name: String| -> anyhow::Result<Arc<Session>> {
                if let Some(s) = sessions.get(&name) {
                    return Ok(s.clone());
                }
                let s = login(target, &name).await?;
                sessions.insert(name, s.clone());
                Ok(s)
            };
            let citizen = session(crate::demo_city::citizen_login(i as u64)).await?;
            let counter = session(crate::demo_city::officer_login(
                &agency,
                Role::ReceivingOfficer,
                1 + (i as u32 % 8),
            ))
            .await?;
            let head = session(crate::demo_city::officer_login(
                &agency,
                Role::DepartmentHead,
                1,
            ))
            .await?;
            let specialist = store
                .find_account_for_login(&crate::demo_city::officer_login(
                    &agency,
                    Role::Specialist,
                    1 + (i as u32 % 20),
                ))
                .await?
                .context("generated specialist missing")?;
            work.lanes.push(Lane {
                citizen,
                counter,
                head,
                specialist_id: specialist.id,
                procedure,
                agency,
            });
        }
        sample.lanes = work.lanes.len();
    }
    Ok((work, sample))
}

/// `motcua bench`.
pub async fn run(options: Options) -> anyhow::Result<()> {
    let scenario = Scenario::parse(&options.scenario)?;
    if !(options.duration.is_finite() && options.duration > 0.0 && options.duration <= 86_400.0) {
        bail!(
            "invalid --duration {}: give seconds, more than 0",
            options.duration
        );
    }
    if !(1..=10_000).contains(&options.concurrency) {
        bail!(
            "invalid --concurrency {}: give 1 to 10000 clients",
            options.concurrency
        );
    }
    let target = Arc::new(Target::parse(&options.url)?);
    let catalog_procedures = preflight(&target, scenario).await?;
    let duration = Duration::from_secs_f64(options.duration);
    let load_before = load_average();
    if !options.json {
        println!(
            "motcua bench {}: {} — {} clients for {:.1} s{}",
            scenario.name(),
            target.display,
            options.concurrency,
            options.duration,
            catalog_procedures.map_or_else(String::new, |n| format!(
                " (catalog: {n} procedures, {} phrasings)",
                SEARCH_PHRASINGS.len()
            ))
        );
    }

    let (work, sample) = match (&options.store, scenario.needs_database()) {
        (Some(store), _) => prepare(scenario, &target, store.as_ref(), options.concurrency).await?,
        (None, true) => bail!(
            "{} needs the server's database for its samples: give --data-dir or --database-url",
            scenario.name()
        ),
        (None, false) => (
            Work {
                scenario,
                requests: paths(scenario, &target).into_iter().map(Req::get).collect(),
                search: Vec::new(),
                queue: Vec::new(),
                lanes: Vec::new(),
                run_id: String::new(),
            },
            Sample::default(),
        ),
    };
    // The samples are read; the database is the server's alone during the load.
    if let Some(store) = &options.store {
        store.close().await;
    }
    let requests = Arc::new(work);
    // A warm-up (connections, caches), not counted.
    let warm_up = Duration::from_secs_f64((options.duration / 10.0).clamp(0.1, 1.0));
    load(&target, &requests, options.concurrency, warm_up).await;
    let result = load(&target, &requests, options.concurrency, duration).await;

    // The ceilings, right after, on the same machine.
    let noop_http = if scenario == Scenario::Noop {
        result.clone()
    } else {
        let noop = Arc::new(Work {
            scenario: Scenario::Noop,
            requests: paths(Scenario::Noop, &target)
                .into_iter()
                .map(Req::get)
                .collect(),
            search: Vec::new(),
            queue: Vec::new(),
            lanes: Vec::new(),
            run_id: String::new(),
        });
        let ceiling = duration.min(Duration::from_secs(5));
        load(&target, &noop, options.concurrency, warm_up).await;
        load(&target, &noop, options.concurrency, ceiling).await
    };
    let sqlite_commit = sqlite_commit_loop(duration.min(Duration::from_secs(3))).await?;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let ratios = Ratios {
        throughput_vs_noop: ratio(result.throughput_rps, noop_http.throughput_rps),
        p99_vs_noop: ratio(result.latency_ms.p99, noop_http.latency_ms.p99),
        throughput_vs_sqlite_commit: ratio(result.throughput_rps, sqlite_commit.commits_per_s),
    };
    let report = Report {
        scenario,
        url: target.display.clone(),
        concurrency: options.concurrency,
        duration_s: options.duration,
        distinct_requests: requests.requests.len() + requests.search.len() + requests.queue.len(),
        catalog_procedures,
        sample: scenario.needs_database().then_some(sample),
        result,
        ceilings: Ceilings {
            noop_http,
            sqlite_commit,
        },
        ratios,
        machine: Machine {
            cpus: std::thread::available_parallelism().map_or(1, usize::from),
            load_before,
            load_after: load_average(),
        },
    };
    if options.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", human(&report));
    }
    Ok(())
}

fn http_line(label: &str, f: &HttpFigures) -> String {
    let l = &f.latency_ms;
    format!(
        "  {label:<14} {:>10.0} req/s   p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms   errors {}\n",
        f.throughput_rps, l.p50, l.p95, l.p99, l.max, f.errors
    )
}

/// The report for a person.
pub fn human(r: &Report) -> String {
    let mut out = String::new();
    out.push_str(&http_line(r.scenario.name(), &r.result));
    let _ = writeln!(
        out,
        "  {:<14} {} requests in {:.1} s, {:.0} bytes per answer",
        "", r.result.requests, r.result.elapsed_s, r.result.mean_response_bytes
    );
    if r.result.errors > 0 {
        let statuses: Vec<String> = r
            .result
            .error_statuses
            .iter()
            .map(|(s, n)| format!("{n}× HTTP {s}"))
            .collect();
        let _ = writeln!(
            out,
            "  {:<14} errors: {}{} transport; first: {}",
            "",
            if statuses.is_empty() {
                String::new()
            } else {
                format!("{}, ", statuses.join(", "))
            },
            r.result.transport_errors,
            r.result.first_error.as_deref().unwrap_or("—")
        );
    }
    if r.result.by_kind.len() > 1 || r.scenario.needs_database() {
        for (kind, k) in &r.result.by_kind {
            let _ = writeln!(
                out,
                "  {:<14} {kind:<8} {:>8} answered   p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms",
                "",
                k.answered,
                k.latency_ms.p50,
                k.latency_ms.p95,
                k.latency_ms.p99,
                k.latency_ms.max
            );
        }
    }
    if let Some(s) = &r.sample {
        let _ = writeln!(
            out,
            "  {:<14} sampled: {} dossiers in the database, {} tracking codes{}{}",
            "",
            s.dossiers,
            s.tracking_codes,
            s.queue_agency
                .as_ref()
                .map_or_else(String::new, |a| format!(
                    ", queues of {a} ({} open dossiers)",
                    s.queue_open_dossiers.unwrap_or_default()
                )),
            if s.lanes > 0 {
                format!(", {} submission lanes", s.lanes)
            } else {
                String::new()
            }
        );
    }
    out.push_str("ceilings of this machine, same run:\n");
    out.push_str(&http_line("no-op HTTP", &r.ceilings.noop_http));
    let c = &r.ceilings.sqlite_commit;
    let _ = writeln!(
        out,
        "  {:<14} {:>10.0} commits/s p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  max {:>8.2} ms   (WAL, synchronous=FULL, in {})",
        "SQLite commit",
        c.commits_per_s,
        c.latency_ms.p50,
        c.latency_ms.p95,
        c.latency_ms.p99,
        c.latency_ms.max,
        c.directory
    );
    let _ = writeln!(
        out,
        "ratios: {} throughput = {:.2} × no-op HTTP, {:.1} × durable commits/s; p99 = {:.2} × no-op p99",
        r.scenario.name(),
        r.ratios.throughput_vs_noop,
        r.ratios.throughput_vs_sqlite_commit,
        r.ratios.p99_vs_noop
    );
    let load = |l: Option<[f64; 3]>| {
        l.map_or_else(
            || "?".to_owned(),
            |[a, b, c]| format!("{a:.2} {b:.2} {c:.2}"),
        )
    };
    let _ = writeln!(
        out,
        "machine: {} CPUs, load average {} before, {} after (the clients share the CPUs with the server)",
        r.machine.cpus,
        load(r.machine.load_before),
        load(r.machine.load_after)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scenarios_are_named() {
        assert_eq!(Scenario::parse("search").unwrap(), Scenario::Search);
        assert_eq!(Scenario::parse("noop").unwrap(), Scenario::Noop);
        assert_eq!(Scenario::parse("submit").unwrap(), Scenario::Submit);
        assert_eq!(Scenario::parse("mixed").unwrap(), Scenario::Mixed);
        assert!(Scenario::Track.needs_database() && !Scenario::Search.needs_database());
        let unknown = Scenario::parse("serch").unwrap_err().to_string();
        assert!(
            unknown.contains("unknown scenario") && unknown.contains("noop"),
            "{unknown}"
        );
        assert!(!unknown.contains('\n'));
    }

    #[test]
    fn targets_and_queries() {
        let t = Target::parse("http://127.0.0.1:18090/").unwrap();
        assert_eq!(t.authority, "127.0.0.1:18090");
        assert_eq!(t.prefix, "");
        assert_eq!(
            Target::parse("http://localhost").unwrap().authority,
            "localhost:80"
        );
        assert_eq!(Target::parse("http://h:1/base/").unwrap().prefix, "/base");
        assert!(Target::parse("https://h:1").is_err());
        assert!(Target::parse("127.0.0.1:1").is_err());
        assert_eq!(encode("đăng ký"), "%C4%91%C4%83ng+k%C3%BD");
        let paths = paths(Scenario::Search, &t);
        assert_eq!(paths.len(), SEARCH_PHRASINGS.len());
        assert!(paths.iter().all(|p| p.parse::<Uri>().is_ok()));
    }
}
