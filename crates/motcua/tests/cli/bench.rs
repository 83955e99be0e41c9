//! `motcua bench` as an operator runs it: against a real `motcua serve`, one JSON object with
//! `--json`; a scenario it does not have or a server it cannot reach is one line and a
//! non-zero exit.

use std::time::Duration;

use serde_json::Value;

use crate::binary::{Database, Server, motcua, occupied_port, run};

const LIMIT: Duration = Duration::from_secs(60);

#[tokio::test]
async fn bench_noop_measures_a_running_server_and_its_ceilings() {
    let db = Database::migrated().await;
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = Server::start(&mut command);

    let output = run(
        motcua(db.dir()).args([
            "bench",
            "noop",
            "--url",
            &server.address,
            "--duration",
            "1",
            "--concurrency",
            "2",
            "--json",
        ]),
        LIMIT,
    );
    output.assert_success();
    let report: Value = serde_json::from_str(output.stdout.trim())
        .unwrap_or_else(|e| panic!("one JSON object on standard output ({e}): {output:#?}"));
    assert_eq!(report["scenario"], "noop");
    assert_eq!(report["concurrency"], 2);
    assert!(
        report["throughput_rps"].as_f64().unwrap() > 0.0,
        "{report:#}"
    );
    assert_eq!(report["errors"], 0, "{report:#}");
    assert!(report["ok"].as_u64().unwrap() > 0, "{report:#}");
    let latency = &report["latency_ms"];
    for p in ["p50", "p95", "p99", "max"] {
        assert!(latency[p].as_f64().unwrap() > 0.0, "{p}: {report:#}");
    }
    assert!(latency["p50"].as_f64() <= latency["p99"].as_f64());
    assert!(latency["p99"].as_f64() <= latency["max"].as_f64());
    let commits = &report["ceilings"]["sqlite_commit"];
    assert!(commits["commits"].as_u64().unwrap() > 0, "{report:#}");
    assert!(commits["commits_per_s"].as_f64().unwrap() > 0.0);
    assert!(
        report["ratios"]["throughput_vs_sqlite_commit"]
            .as_f64()
            .unwrap()
            > 0.0
    );

    // A person gets the same figures as a table.
    let human = run(
        motcua(db.dir()).args([
            "bench",
            "noop",
            "--url",
            &server.address,
            "--duration",
            "0.3",
            "--concurrency",
            "1",
        ]),
        LIMIT,
    );
    human.assert_success();
    for expected in [
        "req/s",
        "p99",
        "errors 0",
        "SQLite commit",
        "commits/s",
        "ratios:",
    ] {
        assert!(human.stdout.contains(expected), "{expected}: {human:#?}");
    }

    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}

#[tokio::test]
async fn search_on_an_empty_catalog_is_refused_with_the_command_that_fills_it() {
    let db = Database::migrated().await;
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = Server::start(&mut command);
    let output = run(
        motcua(db.dir()).args([
            "bench",
            "search",
            "--url",
            &server.address,
            "--duration",
            "1",
        ]),
        LIMIT,
    );
    let line = output.assert_one_line_error();
    assert!(
        line.contains("catalog") && line.contains("motcua import tthc"),
        "{line}"
    );
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}

#[tokio::test]
async fn an_unknown_scenario_or_one_without_dossiers_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = run(
        motcua(dir.path()).args(["bench", "serch", "--url", "http://127.0.0.1:1"]),
        LIMIT,
    );
    let line = unknown.assert_one_line_error();
    assert!(
        line.contains("unknown scenario") && line.contains("search") && line.contains("mixed"),
        "{line}"
    );
    // The dossier scenarios against a server without dossiers say how to make some.
    let db = Database::migrated().await;
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = Server::start(&mut command);
    for scenario in ["submit", "track", "queue", "mixed"] {
        let output = run(
            db.configure(&mut motcua(db.dir())).args([
                "bench",
                scenario,
                "--url",
                &server.address,
                "--duration",
                "0.2",
            ]),
            LIMIT,
        );
        let line = output.assert_one_line_error();
        if scenario == "mixed" {
            // Mixed also searches: the empty catalog is found first.
            assert!(line.contains("catalog") && line.contains("empty"), "{line}");
            continue;
        }
        assert!(
            line.contains(scenario)
                && line.contains("no dossiers")
                && line.contains("motcua demo --scale city"),
            "{line}"
        );
    }
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}

#[test]
fn an_unreachable_or_malformed_url_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // A port that is bound but never answers would hang; a closed one refuses at once.
    let closed = occupied_port().local_addr().unwrap();
    let url = format!("http://{closed}");
    let output = run(
        motcua(dir.path()).args(["bench", "noop", "--url", &url, "--duration", "1"]),
        LIMIT,
    );
    let line = output.assert_one_line_error();
    assert!(
        line.contains("cannot reach") && line.contains(&url),
        "{line}"
    );
    assert!(line.to_lowercase().contains("refused"), "{line}");
    assert!(output.stdout.is_empty(), "no figures: {output:#?}");

    for (url, says) in [
        ("127.0.0.1:8080", "http://"),
        ("https://127.0.0.1:8080", "only http://"),
    ] {
        let output = run(
            motcua(dir.path()).args(["bench", "noop", "--url", url]),
            LIMIT,
        );
        let line = output.assert_one_line_error();
        assert!(line.contains(says), "{url}: {line}");
    }
    let output = run(
        motcua(dir.path()).args(["bench", "noop", "--url", &url, "--concurrency", "0"]),
        LIMIT,
    );
    assert!(output.assert_one_line_error().contains("--concurrency"));
}
