//! `motcua bench SCENARIO --url URL [--duration S] [--concurrency C] [--json]`: the load tool
//! (issue 7). A fixed number of client tasks on this process's tokio runtime, each with one
//! keep-alive HTTP/1.1 connection, send requests back to back (a closed loop) for the duration
//! and record every latency in a histogram. The same run also measures the machine's own
//! ceilings for reference — a no-op HTTP endpoint (`/healthz` of the same server, through the
//! same middleware) and a raw durable single-row SQLite commit loop (a temporary file, WAL,
//! `synchronous=FULL`, one INSERT per transaction) — and gives our figures as ratios to them.
//!
//! Scenarios today: `search` (catalog queries from real phrasings, with and without
//! diacritics, with typos) and `noop` (`GET /healthz`). `submit`, `track`, `queue` and
//! `mixed` drive dossiers and come with them (issue 6).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode, Uri, header};
use hyper_util::rt::TokioIo;
use serde::Serialize;

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

/// Scenarios that drive dossiers: listed so that asking for one says when it comes.
const NOT_YET: &[&str] = &["submit", "track", "queue", "mixed"];
const NOT_YET_REASON: &str = "not available until dossiers exist (issue 6)";

/// What one request may take before it counts as an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// `GET /api/v1/procedures?q=…` over the phrasings.
    Search,
    /// `GET /healthz`: the HTTP stack alone.
    Noop,
}

impl Scenario {
    pub const ALL: &[Scenario] = &[Scenario::Search, Scenario::Noop];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Search => "search",
            Scenario::Noop => "noop",
        }
    }

    fn about(self) -> &'static str {
        match self {
            Scenario::Search => "catalog queries (GET /api/v1/procedures?q=…)",
            Scenario::Noop => "the HTTP ceiling (GET /healthz)",
        }
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
        if NOT_YET.contains(&name) {
            bail!("scenario {name:?} is {NOT_YET_REASON}; available now: {available}");
        }
        bail!(
            "unknown scenario {name:?}: choose one of {available} ({} are {NOT_YET_REASON})",
            NOT_YET.join(", ")
        )
    }
}

/// The list `motcua bench --help` shows.
pub fn scenarios_help() -> String {
    let mut help = String::from("Scenarios:\n");
    for s in Scenario::ALL {
        let _ = writeln!(help, "  {:<8} {}", s.name(), s.about());
    }
    for name in NOT_YET {
        let _ = writeln!(help, "  {name:<8} {NOT_YET_REASON}");
    }
    help
}

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub scenario: String,
    pub url: String,
    pub duration: f64,
    pub concurrency: usize,
    pub json: bool,
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

/// One keep-alive connection.
struct Connection {
    sender: SendRequest<Empty<Bytes>>,
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

    /// Sends `GET path_and_query`, reads the whole body; returns the status and body size
    /// (and the body itself when `keep` is set).
    async fn get(
        &mut self,
        target: &Target,
        path_and_query: &str,
        keep: bool,
    ) -> anyhow::Result<Answer> {
        self.sender.ready().await.context("connection closed")?;
        let request = Request::get(path_and_query)
            .header(header::HOST, &target.authority)
            .header(header::USER_AGENT, "motcua-bench")
            .body(Empty::new())?;
        let response = self.sender.send_request(request).await?;
        let status = response.status();
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
        })
    }

    /// `get` with a time limit.
    async fn get_timed(
        &mut self,
        target: &Target,
        path: &str,
        keep: bool,
    ) -> anyhow::Result<Answer> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.get(target, path, keep)).await {
            Ok(answer) => answer,
            Err(_) => bail!("no answer within {} s", REQUEST_TIMEOUT.as_secs()),
        }
    }
}

struct Answer {
    status: StatusCode,
    bytes: usize,
    /// Empty unless asked for.
    body: Vec<u8>,
}

/// The requests of a scenario, in the order the client tasks walk through them.
fn paths(scenario: Scenario, target: &Target) -> Vec<String> {
    match scenario {
        Scenario::Search => SEARCH_PHRASINGS
            .iter()
            .map(|q| format!("{}/api/v1/procedures?q={}", target.prefix, encode(q)))
            .collect(),
        Scenario::Noop => vec![format!("{}/healthz", target.prefix)],
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

/// What the client tasks of one phase saw.
struct Tally {
    latencies: Histogram<u64>,
    ok: u64,
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    first_error: Option<String>,
    bytes: u64,
}

impl Tally {
    fn new() -> Self {
        Self {
            latencies: new_histogram(),
            ok: 0,
            statuses: BTreeMap::new(),
            transport_errors: 0,
            first_error: None,
            bytes: 0,
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies
            .add(&other.latencies)
            .expect("histograms of the same bounds");
        self.ok += other.ok;
        for (status, n) in other.statuses {
            *self.statuses.entry(status).or_default() += n;
        }
        self.transport_errors += other.transport_errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.bytes += other.bytes;
    }
}

/// One client task: requests back to back on its own connection until `deadline`.
async fn client(
    target: Arc<Target>,
    paths: Arc<Vec<String>>,
    start: usize,
    deadline: Instant,
) -> Tally {
    let mut tally = Tally::new();
    let mut connection: Option<Connection> = None;
    let mut next = start;
    while Instant::now() < deadline {
        let path = &paths[next % paths.len()];
        next += 1;
        let started = Instant::now();
        let outcome = match connection.as_mut() {
            Some(c) => c.get_timed(&target, path, false).await,
            None => match Connection::open(&target).await {
                Ok(mut c) => {
                    let answer = c.get_timed(&target, path, false).await;
                    connection = Some(c);
                    answer
                }
                Err(e) => Err(e),
            },
        };
        let took = started.elapsed();
        match outcome {
            Ok(answer) => {
                tally
                    .latencies
                    .saturating_record(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX));
                tally.bytes += answer.bytes as u64;
                if answer.status.is_success() {
                    tally.ok += 1;
                } else {
                    *tally.statuses.entry(answer.status.as_u16()).or_default() += 1;
                    if tally.first_error.is_none() {
                        tally.first_error = Some(format!("{path}: HTTP {}", answer.status));
                    }
                }
            }
            Err(e) => {
                tally.transport_errors += 1;
                if tally.first_error.is_none() {
                    tally.first_error = Some(format!("{path}: {e:#}"));
                }
                connection = None;
                // A server that went away is not hammered with reconnections.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    tally
}

/// Runs `concurrency` client tasks over `paths` for `duration`.
async fn load(
    target: &Arc<Target>,
    paths: &Arc<Vec<String>>,
    concurrency: usize,
    duration: Duration,
) -> HttpFigures {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..concurrency)
        .map(|i| {
            // Tasks start spread over the list, so they do not ask the same thing in step.
            let start = i * paths.len() / concurrency;
            tokio::spawn(client(target.clone(), paths.clone(), start, deadline))
        })
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

/// The figures of one HTTP phase.
#[derive(Debug, Clone, Serialize)]
pub struct HttpFigures {
    /// Requests answered (any status) or failed.
    pub requests: u64,
    /// Requests answered 2xx.
    pub ok: u64,
    /// Non-2xx answers plus transport errors (refused, reset, timed out).
    pub errors: u64,
    /// Non-2xx answers by status.
    pub error_statuses: BTreeMap<u16, u64>,
    pub transport_errors: u64,
    /// The first error seen, to say what went wrong.
    pub first_error: Option<String>,
    pub elapsed_s: f64,
    /// 2xx answers per second.
    pub throughput_rps: f64,
    /// Of every answered request.
    pub latency_ms: Latency,
    pub mean_response_bytes: f64,
}

impl HttpFigures {
    fn from_tally(t: Tally, elapsed: Duration) -> Self {
        let answered: u64 = t.ok + t.statuses.values().sum::<u64>();
        let errors = t.statuses.values().sum::<u64>() + t.transport_errors;
        Self {
            requests: answered + t.transport_errors,
            ok: t.ok,
            errors,
            error_statuses: t.statuses,
            transport_errors: t.transport_errors,
            first_error: t.first_error,
            elapsed_s: elapsed.as_secs_f64(),
            throughput_rps: t.ok as f64 / elapsed.as_secs_f64().max(1e-9),
            latency_ms: Latency::of(&t.latencies),
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
    /// Procedures in the server's catalog (`search` only).
    pub catalog_procedures: Option<u64>,
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
    if scenario != Scenario::Search {
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

    let requests = Arc::new(paths(scenario, &target));
    // A warm-up (connections, caches), not counted.
    let warm_up = Duration::from_secs_f64((options.duration / 10.0).clamp(0.1, 1.0));
    load(&target, &requests, options.concurrency, warm_up).await;
    let result = load(&target, &requests, options.concurrency, duration).await;

    // The ceilings, right after, on the same machine.
    let noop_http = if scenario == Scenario::Noop {
        result.clone()
    } else {
        let noop = Arc::new(paths(Scenario::Noop, &target));
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
        distinct_requests: requests.len(),
        catalog_procedures,
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
    fn scenarios_are_named_and_the_missing_ones_say_why() {
        assert_eq!(Scenario::parse("search").unwrap(), Scenario::Search);
        assert_eq!(Scenario::parse("noop").unwrap(), Scenario::Noop);
        let submit = Scenario::parse("submit").unwrap_err().to_string();
        assert!(
            submit.contains("issue 6") && submit.contains("search"),
            "{submit}"
        );
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
