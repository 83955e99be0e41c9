//! The application started in-process on a free port, the way `motcua serve` starts it:
//! `motcua_web::serve` on a listener bound to `127.0.0.1:0`, over a real store of the backend
//! named by `MOTCUA_TEST_BACKEND` (see `motcua_store::testing`).
//!
//! Two flavours:
//! - [`TestApp::spawn`]: a fresh, empty, migrated database of its own, for tests that write;
//! - [`TestApp::demo`]: the demo province (Ho Chi Minh City), built once per test binary and
//!   shared read-only by every test that asks for it, since building it takes seconds.

#![allow(dead_code, reason = "each test binary uses a part of these helpers")]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use motcua_store::testing::{TestStore, backend, fresh_store};
use motcua_store::{Backend, OpenOptions, Store};
use motcua_web::blobs::BlobBackend;
use motcua_web::{AppState, WebConfig};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The bootstrap administrator token every test app accepts.
pub const ADMIN_TOKEN: &str = "test-admin-token";

pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub address: String,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    /// Keeps a private database (and its temporary directory) alive as long as the app.
    _db: Option<TestStore>,
    /// Where a private app keeps attachment contents (`None` for the shared demo, which
    /// keeps them in memory).
    blobs: Option<tempfile::TempDir>,
}

impl TestApp {
    /// The app on a fresh, empty, migrated database.
    pub async fn spawn() -> Self {
        let db = fresh_store().await;
        let store = db.store.clone();
        Self::spawn_on(store, Some(db)).await
    }

    /// The app on a store the test prepared (e.g. one with pending migrations).
    pub async fn spawn_on(store: Arc<dyn Store>, db: Option<TestStore>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let address = format!("http://{}", listener.local_addr().expect("local address"));
        let blobs = tempfile::tempdir().expect("a directory for attachments");
        let state = state(store, BlobBackend::Directory(blobs.path().join("blobs"))).await;
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = rx.await;
            };
            motcua_web::serve(listener, state, shutdown)
                .await
                .expect("the test server runs");
        });
        Self {
            address,
            client: client(),
            shutdown: Some(tx),
            _db: db,
            blobs: Some(blobs),
        }
    }

    /// A client of the shared demo app (created on first use, then reused).
    pub fn demo() -> Self {
        Self {
            address: demo_address().to_owned(),
            client: client(),
            shutdown: None,
            _db: None,
            blobs: None,
        }
    }

    /// The private store of an app made by [`TestApp::spawn`] (`None` for the shared demo).
    pub fn store(&self) -> Option<Arc<dyn Store>> {
        self._db.as_ref().map(|db| db.store.clone())
    }

    /// The directory of a private app's attachment contents.
    pub fn blob_dir(&self) -> Option<PathBuf> {
        self.blobs.as_ref().map(|d| d.path().join("blobs"))
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

async fn state(store: Arc<dyn Store>, blobs: BlobBackend) -> AppState {
    AppState::new(
        store,
        WebConfig {
            admin_token: Some(ADMIN_TOKEN.into()),
            blobs: motcua_web::blobs::BlobSettings {
                backend: blobs,
                ..Default::default()
            },
            ..WebConfig::default()
        },
    )
    .await
    .expect("application state")
}

/// A client that shows redirects and cookies as they are, so tests can assert on them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

static DEMO: OnceLock<String> = OnceLock::new();

/// Starts the shared demo app on a thread and runtime of its own, which live as long as the
/// test process (a test's runtime ends with the test), and returns its address.
fn demo_address() -> &'static str {
    DEMO.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("demo-app".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("demo runtime");
                runtime.block_on(async move {
                    let started = std::time::Instant::now();
                    let store = motcua_store::open(&demo_options().await)
                        .await
                        .expect("open the demo database");
                    store.migrate().await.expect("migrate the demo database");
                    motcua::demo::create(store.as_ref())
                        .await
                        .expect("create the demo province");
                    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                    let address = format!("http://{}", listener.local_addr().expect("address"));
                    eprintln!(
                        "demo app ({}) ready at {address} in {:.1?}",
                        backend().as_str(),
                        started.elapsed()
                    );
                    let state = state(store, BlobBackend::Memory).await;
                    tx.send(address).expect("report the demo address");
                    motcua_web::serve(listener, state, std::future::pending())
                        .await
                        .expect("the demo server runs");
                });
            })
            .expect("spawn the demo thread");
        rx.recv()
            .expect("the demo app failed to start (see the panic above)")
    })
}

/// A database for the shared demo app, named after this process so that a later run can
/// remove what an earlier one left behind (a shared app outlives every test, so nothing
/// drops it).
async fn demo_options() -> OpenOptions {
    let pid = std::process::id();
    match backend() {
        Backend::Sqlite => {
            let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("motcua-demo");
            std::fs::create_dir_all(&root).expect("create the demo root");
            for entry in std::fs::read_dir(&root)
                .expect("list the demo root")
                .flatten()
            {
                let stale = entry
                    .file_name()
                    .to_str()
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_some_and(|p| !process_alive(p));
                if stale {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
            let dir: PathBuf = root.join(pid.to_string());
            let _ = std::fs::remove_dir_all(&dir);
            OpenOptions {
                data_dir: dir,
                ..OpenOptions::default()
            }
        }
        Backend::Postgres => {
            let url = std::env::var("MOTCUA_TEST_DATABASE_URL")
                .expect("MOTCUA_TEST_BACKEND=postgres needs MOTCUA_TEST_DATABASE_URL");
            let admin = sqlx::PgPool::connect(&url)
                .await
                .expect("connect to PostgreSQL");
            let schemas: Vec<String> = sqlx::query_scalar(
                "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'motcua_demo_%'",
            )
            .fetch_all(&admin)
            .await
            .expect("list demo schemas");
            for schema in schemas {
                let stale = schema
                    .strip_prefix("motcua_demo_")
                    .and_then(|p| p.parse::<u32>().ok())
                    .is_some_and(|p| p == pid || !process_alive(p));
                if stale {
                    let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(drop)).execute(&admin).await;
                }
            }
            let schema = format!("motcua_demo_{pid}");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await
                .expect("create the demo schema");
            admin.close().await;
            OpenOptions {
                database_url: Some(url),
                pg_schema: Some(schema),
                max_connections: 4,
                ..OpenOptions::default()
            }
        }
    }
}

fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}
