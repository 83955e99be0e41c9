//! The SQLite hot path: synchronous connections (rusqlite) that run a whole read or a whole
//! write transaction in one go, instead of one hand-off to a worker thread per statement.
//!
//! sqlx's SQLite driver gives every connection a worker thread and sends it each statement
//! (and each row back) over a channel; on a busy server that hand-off, not SQLite, is most
//! of the cost (BENCHMARKS.md: 30–48 % of samples in kernel scheduling). The requests that
//! dominate a public-service day — tracking look-ups, session checks, dossier writes — go
//! through this engine instead:
//!
//! - **Reads** run on the calling thread, on a read-only connection taken from a small pool:
//!   one statement or a few, on pages the operating system has cached, in tens of
//!   microseconds — less than a hand-off to another thread would cost. Long reads (queue
//!   pages, exports) stay on sqlx's reader pool.
//! - **Writes** are closures sent to one writer thread that owns a connection. It takes every
//!   closure waiting, runs each in its own savepoint inside one `BEGIN IMMEDIATE` transaction
//!   and commits them together (group commit: one fsync for the lot), then answers each
//!   caller. A caller is answered only after the commit is durable; a closure that fails is
//!   rolled back to its savepoint alone and its caller gets the error.
//!
//! The rest of the store still writes through sqlx's single-connection writer pool. The
//! writer thread holds that pool's one connection while it runs a batch, so the two never
//! contend for SQLite's write lock inside the process (the pool's queue is fair: a waiting
//! sqlx transaction goes between two batches).
//!
//! SQL text is shared with the sqlx code: `$N` placeholders are bound by their number, the
//! way sqlx binds them, and times are written in sqlx's format (RFC 3339), so rows written
//! either way compare and decode alike.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{FromSql, FromSqlError, ToSql, ValueRef};
use rusqlite::{Connection, OpenFlags, Row};
use sqlx::SqlitePool;

use crate::{StoreError, StoreResult};

/// Closures one batch takes at most, so one commit does not keep early callers waiting long.
const MAX_BATCH: usize = 64;

/// Read connections kept for reuse (more may be open while more threads read at once).
const MAX_IDLE_READERS: usize = 8;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// What a write closure leaves for after the commit: its caller's answer, given the commit's
/// outcome.
type Reply = Box<dyn FnOnce(Result<(), &str>) + Send>;

/// A write waiting for the writer thread.
trait WriteJob: Send {
    /// Runs the closure (inside its savepoint); whether it succeeded, and its answer.
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Reply);
    /// Answers with an error without running: the batch could not start.
    fn fail(self: Box<Self>, error: &str);
}

type Job = Box<dyn WriteJob>;

struct Pending<F, R> {
    f: F,
    answer: tokio::sync::oneshot::Sender<StoreResult<R>>,
}

impl<F, R> WriteJob for Pending<F, R>
where
    R: Send + 'static,
    F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
{
    fn run(self: Box<Self>, conn: &Connection) -> (bool, Reply) {
        let Pending { f, answer } = *self;
        let out = std::panic::catch_unwind(AssertUnwindSafe(|| f(conn)))
            .unwrap_or_else(|_| Err(StoreError::Write("the write panicked".into())));
        let ok = out.is_ok();
        let reply: Reply = Box::new(move |committed| {
            let out = match committed {
                Err(e) if ok => Err(StoreError::Write(format!("commit failed: {e}"))),
                _ => out,
            };
            let _ = answer.send(out);
        });
        (ok, reply)
    }

    fn fail(self: Box<Self>, error: &str) {
        let _ = self.answer.send(Err(StoreError::Write(error.to_owned())));
    }
}

pub(crate) struct Engine {
    path: PathBuf,
    busy_timeout: Duration,
    readers: Mutex<Vec<Connection>>,
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Engine {
    /// Opens the writer thread's connection and starts it. `gate` is sqlx's writer pool,
    /// held by the thread during each batch. Call from inside the Tokio runtime.
    pub(crate) fn open(
        path: &Path,
        synchronous: &str,
        busy_timeout: Duration,
        gate: SqlitePool,
    ) -> StoreResult<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(busy_timeout)?;
        // The same settings as sqlx's connections (see `SqliteStore::open`).
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; \
             PRAGMA foreign_keys = ON; PRAGMA temp_store = memory; PRAGMA cache_size = -16000;"
        ))?;
        stable_plans(&conn)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let runtime = tokio::runtime::Handle::current();
        let (tx, rx) = mpsc::channel::<Job>();
        let writer = std::thread::Builder::new()
            .name("motcua-sqlite-writer".into())
            .spawn(move || write_loop(conn, rx, gate, runtime))
            .map_err(|e| StoreError::Config(format!("cannot start the SQLite writer: {e}")))?;
        Ok(Self {
            path: path.to_owned(),
            busy_timeout,
            readers: Mutex::new(Vec::new()),
            jobs: Mutex::new(Some(tx)),
            writer: Mutex::new(Some(writer)),
        })
    }

    /// Runs `f` on a read-only connection, on this thread.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&Connection) -> StoreResult<R>) -> StoreResult<R> {
        let idle = self.readers.lock().map(|mut r| r.pop()).unwrap_or(None);
        let conn = match idle {
            Some(conn) => conn,
            None => self.open_reader()?,
        };
        let out = f(&conn);
        if let Ok(mut idle) = self.readers.lock()
            && idle.len() < MAX_IDLE_READERS
        {
            idle.push(conn);
        }
        out
    }

    fn open_reader(&self) -> StoreResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(self.busy_timeout)?;
        // A small page cache per reader: the operating system caches the file for all.
        conn.execute_batch("PRAGMA cache_size = -4000; PRAGMA temp_store = memory;")?;
        stable_plans(&conn)?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// Empties the page caches of the idle readers and, between two batches, the writer's.
    pub(crate) async fn release_memory(&self) -> StoreResult<()> {
        if let Ok(readers) = self.readers.lock() {
            for conn in readers.iter() {
                conn.release_memory()?;
            }
        }
        self.write(|conn| Ok(conn.release_memory()?)).await
    }

    /// Runs `f` in the writer's next transaction; answers once that transaction is durable.
    pub(crate) async fn write<R, F>(&self, f: F) -> StoreResult<R>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<R> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel::<StoreResult<R>>();
        let job: Job = Box::new(Pending { f, answer });
        let sent = match self.jobs.lock() {
            Ok(jobs) => jobs.as_ref().is_some_and(|jobs| jobs.send(job).is_ok()),
            Err(_) => false,
        };
        if !sent {
            return Err(StoreError::Write("the SQLite writer is closed".into()));
        }
        answered
            .await
            .map_err(|_| StoreError::Write("the SQLite writer stopped".into()))?
    }

    /// Stops the writer thread after the closures already sent, and closes the readers.
    pub(crate) fn close(&self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
        let writer = self.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        if let Ok(mut readers) = self.readers.lock() {
            readers.clear();
        }
    }
}

impl Drop for Engine {
    /// Lets the writer thread finish what it was sent and end, without waiting for it.
    fn drop(&mut self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
    }
}

/// Plans that do not depend on bound values (SQLite's query planner stability guarantee).
///
/// The bundled SQLite keeps `sqlite_stat4` samples (after `ANALYZE`, which bulk loads and
/// `PRAGMA optimize` run); without this, a statement whose plan looked at a bound value — a
/// range on `login_failures.at`, say — is re-prepared every time it is bound again, which
/// was a third of the server's CPU in the `track` benchmark. Our statements are written for
/// their indexes; they need no per-value plans.
fn stable_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// The writer thread: batches of closures, one transaction and one commit each.
fn write_loop(
    conn: Connection,
    jobs: mpsc::Receiver<Job>,
    gate: SqlitePool,
    runtime: tokio::runtime::Handle,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // sqlx's writer stays out while the batch runs (see the module's notes).
        let held = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(gate.acquire())));
        let held = match held {
            Ok(Ok(conn)) => Some(conn),
            Ok(Err(e)) => {
                fail_all(batch, &format!("writer gate: {e}"));
                continue;
            }
            // The runtime is gone (shutting down): run without the gate.
            Err(_) => None,
        };
        run_batch(&conn, batch);
        if let Some(held) = held {
            let _inside = runtime.enter();
            drop(held);
        }
    }
}

fn run_batch(conn: &Connection, batch: Vec<Job>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        fail_all(batch, &e.to_string());
        return;
    }
    let mut replies: Vec<Reply> = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            job.fail(&e.to_string());
            return abandon(conn, replies, jobs, &e.to_string());
        }
        let (ok, reply) = job.run(conn);
        replies.push(reply);
        let closed = if ok {
            conn.execute_batch("RELEASE job")
        } else {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")
        };
        if let Err(e) = closed {
            return abandon(conn, replies, jobs, &e.to_string());
        }
    }
    let committed = conn.execute_batch("COMMIT").map_err(|e| e.to_string());
    if committed.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for reply in replies {
        reply(committed.as_ref().map(|_| ()).map_err(String::as_str));
    }
}

/// Rolls the batch back: those that ran and those still waiting hear the error.
fn abandon(
    conn: &Connection,
    replies: Vec<Reply>,
    waiting: impl Iterator<Item = Job>,
    error: &str,
) {
    if !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for reply in replies {
        reply(Err(error));
    }
    fail_all(waiting, error);
}

/// Answers every closure of a batch that could not run with the error; nothing was written.
fn fail_all(batch: impl IntoIterator<Item = Job>, error: &str) {
    for job in batch {
        job.fail(error);
    }
}

// ---- statements ----

/// Binds `params` to `$N` placeholders by their number, as sqlx does (`?` in order).
fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[&dyn ToSql]) -> rusqlite::Result<()> {
    for i in 1..=stmt.parameter_count() {
        let n = match stmt.parameter_name(i) {
            Some(name) => name[1..]
                .parse::<usize>()
                .map_err(|_| rusqlite::Error::InvalidParameterName(name.to_owned()))?,
            None => i,
        };
        if let Some(value) = params.get(n - 1) {
            stmt.raw_bind_parameter(i, *value)?;
        }
    }
    Ok(())
}

/// The first row of `sql`, mapped; `None` when there is none.
pub(crate) fn query_opt<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    map: impl FnOnce(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Option<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    let mut rows = stmt.raw_query();
    match rows.next()? {
        Some(row) => Ok(Some(map(row)?)),
        None => Ok(None),
    }
}

/// The one row `sql` must return.
pub(crate) fn query_one<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    map: impl FnOnce(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<T> {
    query_opt(conn, sql, params, map)?
        .ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
}

/// Every row of `sql`, mapped.
pub(crate) fn query_all<T>(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
    mut map: impl FnMut(&Row<'_>) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    let mut rows = stmt.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(map(row)?);
    }
    Ok(out)
}

/// Runs a statement that returns no rows; the number of rows it changed.
pub(crate) fn execute(conn: &Connection, sql: &str, params: &[&dyn ToSql]) -> StoreResult<usize> {
    let mut stmt = conn.prepare_cached(sql)?;
    bind(&mut stmt, params)?;
    Ok(stmt.raw_execute()?)
}

/// A time as sqlx writes it to SQLite, so text comparisons in SQL see one format.
pub(crate) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, false)
}

/// [`time`] of an optional time.
pub(crate) fn time_opt(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(time)
}

/// A stored time in any of the forms sqlx reads: RFC 3339 (with `T` or a space), or a
/// naive date-time taken as UTC.
pub(crate) fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .or_else(|_| DateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S%.f")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S%.f"))
                .ok()
                .map(|t| t.and_utc())
        })
}

/// A column read by name into one of the types rows hold.
pub(crate) trait Column: Sized {
    fn column(row: &Row<'_>, name: &str) -> rusqlite::Result<Self>;
}

macro_rules! plain_column {
    ($($t:ty),*) => {
        $(impl Column for $t {
            fn column(row: &Row<'_>, name: &str) -> rusqlite::Result<Self> {
                row.get(name)
            }
        })*
    };
}

plain_column!(
    i64,
    i32,
    String,
    bool,
    Option<i64>,
    Option<String>,
    Option<bool>
);

/// A date as sqlx writes it (`YYYY-MM-DD`).
struct DateText(chrono::NaiveDate);

impl FromSql for DateText {
    fn column_result(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        let raw = value.as_str()?;
        chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(DateText)
            .map_err(|_| FromSqlError::Other(format!("not a date: {raw:?}").into()))
    }
}

impl Column for Option<chrono::NaiveDate> {
    fn column(row: &Row<'_>, name: &str) -> rusqlite::Result<Self> {
        row.get::<_, Option<DateText>>(name).map(|d| d.map(|d| d.0))
    }
}

/// Text holding a time.
struct TimeText(DateTime<Utc>);

impl FromSql for TimeText {
    fn column_result(value: ValueRef<'_>) -> Result<Self, FromSqlError> {
        let raw = value.as_str()?;
        parse_time(raw)
            .map(TimeText)
            .ok_or_else(|| FromSqlError::Other(format!("not a time: {raw:?}").into()))
    }
}

impl Column for DateTime<Utc> {
    fn column(row: &Row<'_>, name: &str) -> rusqlite::Result<Self> {
        row.get::<_, TimeText>(name).map(|t| t.0)
    }
}

impl Column for Option<DateTime<Utc>> {
    fn column(row: &Row<'_>, name: &str) -> rusqlite::Result<Self> {
        row.get::<_, Option<TimeText>>(name).map(|t| t.map(|t| t.0))
    }
}

/// Implements reading a row struct (one that also derives `sqlx::FromRow`) from an engine
/// row, column by field name; invoke it where the struct's fields are visible.
macro_rules! engine_row {
    ($ty:ident { $($field:ident),* $(,)? }) => {
        impl $ty {
            pub(crate) fn from_engine(
                row: &::rusqlite::Row<'_>,
            ) -> ::rusqlite::Result<Self> {
                use $crate::sqlite::engine::Column;
                Ok(Self {
                    $($field: Column::column(row, stringify!($field))?,)*
                })
            }
        }
    };
}

pub(crate) use engine_row;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_back_in_every_stored_form() {
        let t = DateTime::parse_from_rfc3339("2026-12-02T07:36:00.123456+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(t), "2026-12-02T07:36:00.123456+00:00");
        assert_eq!(parse_time(&time(t)), Some(t));
        assert_eq!(parse_time("2026-12-02 07:36:00.123456+00:00"), Some(t));
        assert_eq!(parse_time("2026-12-02 07:36:00.123456"), Some(t));
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn numbered_placeholders_bind_by_number() {
        let conn = Connection::open_in_memory().unwrap();
        let got = query_one(
            &conn,
            "SELECT $2 || '-' || $1 || '-' || $2 AS s",
            &[&"a", &"b"],
            |r| Ok(r.get::<_, String>("s")?),
        )
        .unwrap();
        assert_eq!(got, "b-a-b");
    }
}
