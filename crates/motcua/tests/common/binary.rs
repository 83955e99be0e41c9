//! The real `motcua` executable run as a child process, the way an operator runs it: in a
//! working directory of its own, with only the environment the test gives it.

#![allow(dead_code, reason = "each test binary uses a part of these helpers")]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use motcua_store::Backend;
use motcua_store::testing::backend;

pub const BIN: &str = env!("CARGO_BIN_EXE_motcua");

/// `motcua` in `dir`, with a clean environment: nothing from the test's own environment
/// (`MOTCUA_TEST_*`, a developer's `DATABASE_URL`…) leaks into the program.
pub fn motcua(dir: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    command
}

/// What a finished command printed.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn assert_success(&self) -> &Self {
        assert!(self.status.success(), "expected success: {self:#?}");
        self
    }

    /// A refusal as an operator should see it: a non-zero exit, no panic, and exactly one line
    /// on standard error, starting with `error:`. Returns that line.
    pub fn assert_one_line_error(&self) -> &str {
        assert!(!self.status.success(), "expected a failure: {self:#?}");
        assert_ne!(
            self.status.code(),
            Some(101),
            "exit code 101 is a panic: {self:#?}"
        );
        assert!(
            self.status.code().is_some(),
            "killed by a signal: {self:#?}"
        );
        assert!(
            !self.stderr.contains("panicked"),
            "a panic is not an error message: {self:#?}"
        );
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(lines.len(), 1, "one line on standard error: {self:#?}");
        assert!(lines[0].starts_with("error: "), "{self:#?}");
        lines[0]
    }
}

/// Runs the command to its end, failing the test if it takes longer than `limit`.
pub fn run(command: &mut Command, limit: Duration) -> Output {
    let description = format!("{command:?}");
    try_run(command, limit).unwrap_or_else(|partial| {
        panic!("motcua did not finish within {limit:?}: {description}\n{partial:#?}")
    })
}

/// Runs the command to its end; after `limit` kills it and returns what it printed so far
/// as the error.
pub fn try_run(command: &mut Command, limit: Duration) -> Result<Output, Output> {
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("start motcua");
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let (status, finished) = match wait_for(&mut child, limit) {
        Some(status) => (status, true),
        None => {
            let _ = child.kill();
            (child.wait().expect("reap the child"), false)
        }
    };
    let output = Output {
        status,
        stdout: stdout.join(),
        stderr: stderr.join(),
    };
    if finished { Ok(output) } else { Err(output) }
}

/// Collects a pipe on a thread of its own (so that a chatty child never blocks on it).
struct Drain(std::thread::JoinHandle<String>);

fn drain(mut pipe: impl Read + Send + 'static) -> Drain {
    Drain(std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    }))
}

impl Drain {
    fn join(self) -> String {
        self.0.join().expect("pipe reader")
    }
}

/// Waits up to `limit` for the child to exit.
pub fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `motcua serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, read from what the server printed; no trailing slash.
    pub address: String,
    /// Every line printed so far, standard output and error, for failure messages.
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `command` (a `motcua … serve …`), waiting for it to print the URL to open.
    pub fn start(command: &mut Command) -> Self {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("start motcua serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        follow(child.stdout.take().expect("stdout"), log.clone(), Some(tx));
        follow(child.stderr.take().expect("stderr"), log.clone(), None);
        let deadline = Instant::now() + Duration::from_secs(60);
        let address = loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(line) => {
                    if let Some(address) = url_in(&line) {
                        break address;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = wait_for(&mut child, Duration::from_secs(5));
                    panic!(
                        "motcua serve ended ({status:?}) without printing its URL:\n{}",
                        log.lock().unwrap()
                    );
                }
            }
            if Instant::now() >= deadline {
                let _ = child.kill();
                panic!(
                    "motcua serve printed no URL within 60 s:\n{}",
                    log.lock().unwrap()
                );
            }
        };
        Self {
            child,
            address,
            log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM, as a service manager does, and waits for the exit.
    pub fn terminate(self, limit: Duration) -> (ExitStatus, Duration, String) {
        self.stop("TERM", limit)
    }

    /// Sends the signal `name` (`TERM`, `INT`…) and waits for the exit.
    pub fn stop(mut self, name: &str, limit: Duration) -> (ExitStatus, Duration, String) {
        let started = Instant::now();
        signal(self.child.id(), name);
        let status = wait_for(&mut self.child, limit).unwrap_or_else(|| {
            panic!(
                "motcua serve still running {limit:?} after SIG{name}:\n{}",
                self.log()
            )
        });
        (status, started.elapsed(), self.log())
    }

    /// `kill -9`: no chance to flush or clean up.
    pub fn kill9(&mut self) {
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().expect("reap the killed server");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Copies lines of a pipe into `log`, and to `lines` when given.
fn follow(
    pipe: impl Read + Send + 'static,
    log: Arc<Mutex<String>>,
    lines: Option<mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            {
                let mut log = log.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
            if let Some(tx) = &lines {
                let _ = tx.send(line);
            }
        }
    });
}

/// `http://HOST:PORT` from a line such as `… open http://127.0.0.1:41234/`.
fn url_in(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let rest = &line[start + "http://".len()..];
    let end = rest.find('/')?;
    let host_port = &rest[..end];
    let (_, port) = host_port.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    Some(format!("http://{host_port}"))
}

/// Sends a signal with the `kill` program (the workspace forbids `unsafe`, so no libc here).
pub fn signal(pid: u32, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(pid.to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{name} {pid}");
}

/// A new, empty database of the backend under test, for a child process: a data directory
/// for SQLite, or a schema of its own in `MOTCUA_TEST_DATABASE_URL` for PostgreSQL (selected
/// through the URL's `options=-c search_path=…`, dropped again when this value is).
pub struct Database {
    dir: tempfile::TempDir,
    pub url: Option<String>,
    admin_url: Option<String>,
    schema: Option<String>,
}

impl Database {
    pub async fn fresh() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        match backend() {
            Backend::Sqlite => Self {
                dir,
                url: None,
                admin_url: None,
                schema: None,
            },
            Backend::Postgres => {
                let admin_url = std::env::var("MOTCUA_TEST_DATABASE_URL")
                    .expect("MOTCUA_TEST_BACKEND=postgres needs MOTCUA_TEST_DATABASE_URL");
                let schema = format!("cli_{}", uuid::Uuid::new_v4().simple());
                let pool = sqlx::PgPool::connect(&admin_url)
                    .await
                    .expect("connect to PostgreSQL");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&pool)
                    .await
                    .expect("create a schema");
                pool.close().await;
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                Self {
                    dir,
                    url: Some(format!(
                        "{admin_url}{separator}options=-c%20search_path%3D{schema}"
                    )),
                    admin_url: Some(admin_url),
                    schema: Some(schema),
                }
            }
        }
    }

    /// A fresh database that `motcua migrate` has been run on (SQLite migrates by itself).
    pub async fn migrated() -> Self {
        let db = Self::fresh().await;
        if db.url.is_some() {
            run(
                db.configure(&mut motcua(db.dir())).arg("migrate"),
                Duration::from_secs(60),
            )
            .assert_success();
        }
        db
    }

    pub fn is_postgres(&self) -> bool {
        self.url.is_some()
    }

    /// A scratch directory that lives as long as the database (the working directory).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The SQLite data directory (unused, but still set, with PostgreSQL).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Points a `motcua` command at this database, through the environment.
    pub fn configure<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command.env("MOTCUA_DATA_DIR", self.data_dir());
        if let Some(url) = &self.url {
            command.env("DATABASE_URL", url);
        }
        command
    }

    /// Runs one SQL statement against this database, outside the program.
    pub async fn scalar(&self, sql: &str) -> String {
        match &self.url {
            None => {
                let file = self.data_dir().join("motcua.db");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
                    .await
                    .expect("open the SQLite file");
                let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&pool)
                    .await
                    .expect(sql);
                pool.close().await;
                value
            }
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await.expect("connect");
                let value: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
                    .fetch_one(&pool)
                    .await
                    .expect(sql);
                pool.close().await;
                value
            }
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        let (Some(url), Some(schema)) = (self.admin_url.clone(), self.schema.clone()) else {
            return;
        };
        // Drop may run inside a test's runtime, so the clean-up gets a thread and runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let pool = sqlx::PgPool::connect(&url).await.ok()?;
                let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&pool).await;
                pool.close().await;
                Some(())
            })
        })
        .join();
    }
}

/// A port taken for as long as the returned listener lives.
pub fn occupied_port() -> std::net::TcpListener {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port")
}
