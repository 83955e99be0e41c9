//! The burst, the kill and the check.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::binary::{Database, Server, motcua};

const TOKEN: &str = "t";
const CLIENTS: usize = 16;
/// Acknowledged writes after which the server is killed.
const KILL_AFTER: usize = 300;

fn start(db: &Database) -> Server {
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .env("MOTCUA_ADMIN_TOKEN", TOKEN)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    Server::start(&mut command)
}

/// What one burst saw.
#[derive(Default)]
struct Outcome {
    /// Codes answered 201.
    acknowledged: BTreeSet<String>,
    /// Answers other than 201 while the server was up: each is a bug (e.g. "database is
    /// locked" surfacing as a 500).
    refused: Vec<String>,
}

/// `CLIENTS` clients create agencies as fast as they can, each waiting for its answer before
/// the next write, until the server disappears. Codes are `{client:03}.{seq:02}.00.H29`
/// shifted by `round` so that rounds never collide.
async fn burst(server: &mut Server, round: usize) -> Outcome {
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let acked = Arc::new(AtomicUsize::new(0));
    let url = server.url("/api/v1/agencies");
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (outcome, acked, url) = (outcome.clone(), acked.clone(), url.clone());
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let n = 1 + round * CLIENTS + client;
            for seq in 0..100 {
                let code = format!("{n:03}.{seq:02}.00.H29");
                let body = json!({
                    "code": code,
                    "name": format!("Cơ quan thử nghiệm độ bền {n}-{seq}"),
                    "kind": "other",
                });
                let Ok(response) = http.post(&url).bearer_auth(TOKEN).json(&body).send().await
                else {
                    break; // The server is gone.
                };
                let status = response.status();
                let Ok(text) = response.text().await else {
                    break;
                };
                let mut outcome = outcome.lock().await;
                if status == StatusCode::CREATED {
                    outcome.acknowledged.insert(code);
                    acked.fetch_add(1, Ordering::SeqCst);
                } else {
                    outcome.refused.push(format!("{code}: {status} {text}"));
                }
            }
        }));
    }
    // Until enough writes are acknowledged, or every client has given up, or two minutes.
    let deadline = Instant::now() + Duration::from_secs(120);
    while acked.load(Ordering::SeqCst) < KILL_AFTER
        && !clients.iter().all(tokio::task::JoinHandle::is_finished)
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    if acked.load(Ordering::SeqCst) < KILL_AFTER {
        let outcome = outcome.lock().await;
        let sample: Vec<&String> = outcome.refused.iter().take(5).collect();
        panic!(
            "only {} writes acknowledged; refused: {} (first: {sample:#?})\n{}",
            acked.load(Ordering::SeqCst),
            outcome.refused.len(),
            server.log()
        );
    }
    server.kill9();
    for client in clients {
        client.await.expect("client task");
    }
    Arc::try_unwrap(outcome)
        .ok()
        .expect("all clients done")
        .into_inner()
}

async fn get(server: &Server, path: &str) -> (StatusCode, Value) {
    let response = reqwest::get(server.url(path)).await.expect("GET");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn stored_codes(server: &Server) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for page in 1.. {
        let (status, body) = get(
            server,
            &format!("/api/v1/agencies?per_page=200&page={page}"),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body["items"].as_array().expect("items");
        codes.extend(items.iter().map(|a| a["code"].as_str().unwrap().to_owned()));
        if items.len() < 200 {
            break;
        }
    }
    codes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_kill_9_during_a_burst() {
    let db = Database::migrated().await;
    let mut expected = BTreeSet::new();
    let mut server = start(&db);
    // Twice: the second crash hits a database that has already recovered from one.
    for round in 0..2 {
        let started = Instant::now();
        let outcome = burst(&mut server, round).await;
        assert!(
            outcome.refused.is_empty(),
            "writes refused under concurrency:\n{}\n{}",
            outcome.refused.join("\n"),
            server.log()
        );
        assert!(outcome.acknowledged.len() >= KILL_AFTER);
        eprintln!(
            "round {round}: {} writes acknowledged before kill -9 after {:.1?}",
            outcome.acknowledged.len(),
            started.elapsed()
        );
        expected.extend(outcome.acknowledged);

        server = start(&db);
        let (status, body) = get(&server, "/readyz").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "the database reopens ready: {body}\n{}",
            server.log()
        );
        let stored = stored_codes(&server).await;
        let lost: Vec<&String> = expected.difference(&stored).collect();
        assert!(
            lost.is_empty(),
            "{} acknowledged writes lost: {lost:?}",
            lost.len()
        );
        for code in expected.iter().step_by(37) {
            let (status, body) = get(&server, &format!("/api/v1/agencies/{code}")).await;
            assert_eq!(status, StatusCode::OK, "{code}: {body}");
            assert!(
                body["name"]
                    .as_str()
                    .unwrap()
                    .starts_with("Cơ quan thử nghiệm độ bền"),
                "{body}"
            );
        }
    }

    // Still writable after two crashes, and it stops cleanly.
    let after = reqwest::Client::new()
        .post(server.url("/api/v1/agencies"))
        .bearer_auth(TOKEN)
        .json(&json!({ "code": "999.00.00.H29", "name": "Sau sự cố", "kind": "other" }))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::CREATED);
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");

    if !db.is_postgres() {
        assert_eq!(db.scalar("PRAGMA integrity_check").await, "ok");
        let dangling = "SELECT CAST(COUNT(*) AS TEXT) FROM pragma_foreign_key_check";
        assert_eq!(db.scalar(dangling).await, "0");
    }
}
