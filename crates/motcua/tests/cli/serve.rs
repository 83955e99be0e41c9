//! `motcua serve`, `migrate` and `demo` as processes: the printed URL, the operations
//! endpoints, graceful shutdown, and the schema checks of each backend.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::binary::{Database, Server, motcua, run};

const SLOW: Duration = Duration::from_secs(120);

async fn get(server: &Server, path: &str) -> (StatusCode, Value) {
    let response = reqwest::get(server.url(path))
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}\n{}", server.log()));
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn serve(db: &Database, extra: &[&str]) -> Server {
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra);
    Server::start(&mut command)
}

#[tokio::test]
async fn serve_prints_its_url_answers_and_stops_gracefully_on_sigterm() {
    let db = Database::migrated().await;
    for signal in ["TERM", "INT"] {
        let server = serve(&db, &[]);
        assert!(
            server.log().contains(&format!("{}/", server.address)),
            "{}",
            server.log()
        );
        assert_eq!(get(&server, "/healthz").await.0, StatusCode::OK);
        let (status, body) = get(&server, "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let expected = if db.is_postgres() {
            "postgres"
        } else {
            "sqlite"
        };
        assert_eq!(body["database"], expected);
        let (status, took, log) = server.stop(signal, Duration::from_secs(10));
        assert!(status.success(), "SIG{signal}: exit {status:?}\n{log}");
        assert!(took < Duration::from_secs(5), "SIG{signal}: took {took:?}");
        assert!(!log.contains("panicked"), "{log}");
    }
}

/// A service manager may stop the server at any moment once it has said it is up (printed
/// its URL): even a SIGTERM right after that line is a graceful shutdown, exit code 0.
#[tokio::test]
async fn sigterm_right_after_start_up_is_still_a_graceful_shutdown() {
    let db = Database::migrated().await;
    let mut abrupt = Vec::new();
    for attempt in 0..10 {
        let server = serve(&db, &[]);
        let (status, _, log) = server.terminate(Duration::from_secs(10));
        if !status.success() {
            abrupt.push(format!("attempt {attempt}: {status:?}\n{log}"));
        }
    }
    assert!(
        abrupt.is_empty(),
        "{} of 10 stops were not graceful:\n{}",
        abrupt.len(),
        abrupt.join("\n")
    );
}

#[tokio::test]
async fn the_demo_province_is_created_once_however_often_it_is_asked_for() {
    let db = Database::migrated().await;
    let mut command = motcua(db.dir());
    let first = run(db.configure(&mut command).arg("demo"), SLOW);
    first.assert_success();
    assert!(
        first
            .stdout
            .contains("168 communes and wards, 213 agencies"),
        "{first:#?}"
    );

    let server = serve(&db, &["--demo"]);
    assert!(
        server.log().contains("3355 unchanged"),
        "nothing re-inserted:\n{}",
        server.log()
    );
    let (status, agencies) = get(&server, "/api/v1/agencies?per_page=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(agencies["total"], 213);
    let (_, units) = get(&server, "/api/v1/units?per_page=1").await;
    assert_eq!(units["total"], 3355);
    let home = reqwest::get(server.url("/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains("<strong>213</strong>"), "{home}");
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}

/// PostgreSQL may be shared by several instances, so `serve` does not migrate it: a new
/// database is refused with the command to run, and served once migrated.
#[tokio::test]
async fn a_new_postgres_database_is_refused_until_motcua_migrate() {
    let db = Database::fresh().await;
    if !db.is_postgres() {
        eprintln!("PostgreSQL only (MOTCUA_TEST_BACKEND=postgres); SQLite migrates on start");
        return;
    }
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let refused = run(&mut command, SLOW);
    let line = refused.assert_one_line_error();
    assert!(
        line.contains("pending migration") && line.contains("motcua migrate"),
        "{line}"
    );
    assert!(
        !refused.stdout.contains("http://"),
        "no URL printed for a server that is not up"
    );

    let mut command = motcua(db.dir());
    let migrated = run(db.configure(&mut command).arg("migrate"), SLOW);
    migrated.assert_success();
    assert!(
        migrated
            .stdout
            .contains("migration(s) applied to PostgreSQL"),
        "{migrated:#?}"
    );
    assert!(!migrated.stdout.starts_with("0 "), "{migrated:#?}");

    let server = serve(&db, &[]);
    let (status, body) = get(&server, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");

    let mut command = motcua(db.dir());
    let again = run(db.configure(&mut command).arg("migrate"), SLOW);
    assert!(
        again
            .assert_success()
            .stdout
            .starts_with("0 migration(s) applied"),
        "{again:#?}"
    );
}

/// `serve --migrate` is the one-step form for a single instance.
#[tokio::test]
async fn serve_migrate_prepares_a_new_database_itself() {
    let db = Database::fresh().await;
    let server = serve(&db, &["--migrate"]);
    let (status, body) = get(&server, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}

/// The embedded database needs no setup: `serve` on an empty data directory creates and
/// migrates it, after which `motcua migrate` has nothing left to do.
#[tokio::test]
async fn a_new_sqlite_data_directory_is_created_and_migrated_by_serve() {
    let db = Database::fresh().await;
    if db.is_postgres() {
        eprintln!("SQLite only (MOTCUA_TEST_BACKEND=sqlite)");
        return;
    }
    assert!(!db.data_dir().exists());
    let server = serve(&db, &[]);
    let (status, body) = get(&server, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
    assert!(db.data_dir().join("motcua.db").is_file());

    let mut command = motcua(db.dir());
    let migrate = run(db.configure(&mut command).arg("migrate"), SLOW);
    assert!(
        migrate
            .assert_success()
            .stdout
            .starts_with("0 migration(s) applied to SQLite"),
        "{migrate:#?}"
    );
    let mode = db.scalar("PRAGMA journal_mode").await;
    assert_eq!(mode, "wal");
}

/// `serve --demo --tthc DIR` on an empty catalog imports it first, so the demo agencies'
/// settings (the Department of Justice's birth-registration e-form) apply at once.
#[tokio::test]
async fn serve_demo_imports_the_catalog_it_is_given_before_the_demo_settings() {
    let db = Database::migrated().await;
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/tthc/bo-tu-phap.jsonl");
    let text = std::fs::read_to_string(&source)
        .unwrap_or_else(|e| panic!("shared data missing at {}: {e}", source.display()));
    let line = text
        .lines()
        .find(|l| l.contains("\"ma_thu_tuc\": \"1.001193\""))
        .expect("birth registration in the shared export");
    let dir = db.dir().join("catalog");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("one.jsonl"), format!("{line}\n")).unwrap();
    let server = serve(&db, &["--demo", "--tthc", dir.to_str().unwrap()]);
    assert!(
        server
            .log()
            .contains("demo: national catalog imported (1 procedures)"),
        "{}",
        server.log()
    );
    let (status, p) = get(&server, "/api/v1/procedures/1.001193?agency=000.00.12.H29").await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert!(
        p["local"]["eform"].as_array().is_some_and(|f| f.len() >= 5),
        "the demo e-form: {p}"
    );
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}
