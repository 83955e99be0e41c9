//! `motcua demo --scale city` at a small size on the backend under test: the generated
//! dossiers have unique, gap-free codes per agency and day, sequences that continue where
//! the generator stopped, intact log chains (`motcua audit verify`), an on-time share in
//! the 97–99 % band; the API serves them (public tracking, officers' queues, logins with
//! the demo password); and the load tool's dossier scenarios run against them without
//! errors.

use std::path::Path;
use std::time::Duration;

use motcua_domain::identity::Role;
use serde_json::{Value, json};

use crate::binary::{Database, Server, motcua, run};

const LIMIT: Duration = Duration::from_secs(180);

/// Agency-days whose codes are not exactly 1..n, or repeat.
const GAPS: &str = "SELECT CAST(COUNT(*) AS TEXT) FROM (SELECT substr(code, 1, length(code) - 5) AS k, COUNT(*) AS n, COUNT(DISTINCT code) AS d, MAX(CAST(substr(code, length(code) - 3) AS INTEGER)) AS m FROM dossiers WHERE code IS NOT NULL GROUP BY substr(code, 1, length(code) - 5)) g WHERE n <> m OR d <> n";
/// Sequences whose last number is not the number of codes of their agency and day.
const SEQUENCE_MISMATCHES: &str = "SELECT CAST(COUNT(*) AS TEXT) FROM dossier_code_sequences s JOIN agencies a ON a.id = s.agency_id WHERE s.last <> (SELECT COUNT(*) FROM dossiers d WHERE d.code LIKE a.code || '-' || s.day || '-%')";

fn catalog_file() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/tthc/bo-tu-phap.jsonl")
        .display()
        .to_string()
}

fn bench(db: &Database, server: &Server, scenario: &str) -> Value {
    let output = run(
        db.configure(&mut motcua(db.dir())).args([
            "bench",
            scenario,
            "--url",
            &server.address,
            "--duration",
            "0.5",
            "--concurrency",
            "2",
            "--json",
        ]),
        LIMIT,
    );
    output.assert_success();
    let report: Value = serde_json::from_str(output.stdout.trim())
        .unwrap_or_else(|e| panic!("{scenario}: one JSON object ({e}): {output:#?}"));
    assert_eq!(report["scenario"], scenario);
    assert_eq!(report["errors"], 0, "{scenario}: {report:#}");
    assert!(report["ok"].as_u64().unwrap() > 0, "{scenario}: {report:#}");
    report
}

#[tokio::test]
async fn a_small_city_is_consistent_served_and_benchmarked() {
    let db = Database::migrated().await;
    let output = run(
        db.configure(&mut motcua(db.dir())).args([
            "demo",
            "--scale",
            "city",
            "--dossiers",
            "2500",
            // And a stalled backlog at one department (the queue benchmark's 100,000).
            "--backlog",
            "600",
            "--seed",
            "7",
            "--until",
            // Today: the bench's receptions below continue today's generated sequences.
            &chrono::Utc::now()
                .with_timezone(&motcua_calendar::vietnam())
                .date_naive()
                .to_string(),
            "--tthc",
            &catalog_file(),
            "--json",
        ]),
        LIMIT,
    );
    output.assert_success();
    assert!(
        output.stdout.contains("dossiers/s"),
        "progress is printed: {}",
        output.stdout
    );
    let report: Value = serde_json::from_str(output.stdout.lines().last().unwrap())
        .unwrap_or_else(|e| panic!("the report as JSON last ({e}): {}", output.stdout));
    assert_eq!(report["dossiers"], 3100, "{report:#}");
    // Nearly all the backlog stays open at its department (a few are refused at reception).
    assert!(
        report["busiest_open"].as_u64().unwrap() >= 480,
        "{report:#}"
    );
    assert!(report["officers"].as_u64().unwrap() >= 10_000, "{report:#}");
    let share = report["on_time_share"].as_f64().unwrap();
    assert!(
        (0.97..=0.99).contains(&share),
        "on time: {share}: {report:#}"
    );
    for kind in [
        "refused",
        "withdrawn",
        "supplements",
        "transfers",
        "apologies",
        "finished_late",
        "open",
    ] {
        assert!(report[kind].as_u64().unwrap() > 0, "{kind}: {report:#}");
    }
    assert_eq!(
        db.scalar("SELECT CAST(COUNT(*) AS TEXT) FROM dossiers")
            .await,
        "3100"
    );
    let received = report["received"].as_u64().unwrap().to_string();
    assert_eq!(
        db.scalar("SELECT CAST(COUNT(DISTINCT code) AS TEXT) FROM dossiers WHERE code IS NOT NULL")
            .await,
        received
    );
    assert_eq!(db.scalar(GAPS).await, "0");
    assert_eq!(db.scalar(SEQUENCE_MISMATCHES).await, "0");
    assert_ne!(
        db.scalar("SELECT CAST(COUNT(*) AS TEXT) FROM dossier_code_sequences")
            .await,
        "0"
    );

    // Every generated chain verifies.
    let audit = run(
        db.configure(&mut motcua(db.dir()))
            .args(["audit", "verify"]),
        LIMIT,
    );
    audit.assert_success();
    assert!(
        audit.stdout.contains("3100 dossiers") && audit.stdout.contains("every chain is intact"),
        "{}",
        audit.stdout
    );

    // A second run refuses to pile a city onto the first.
    let again = run(
        db.configure(&mut motcua(db.dir()))
            .args(["demo", "--scale", "city", "--dossiers", "10"]),
        LIMIT,
    );
    assert!(
        again
            .assert_one_line_error()
            .contains("already holds dossiers")
    );

    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = Server::start(&mut command);
    let client = reqwest::Client::new();

    // Public tracking of a generated dossier with its applicant's phone number.
    let row = db
        .scalar("SELECT code || ' ' || applicant_phone || ' ' || status FROM dossiers WHERE code IS NOT NULL AND status = 'returned' ORDER BY id LIMIT 1")
        .await;
    let [code, phone, status]: [&str; 3] = row
        .split(' ')
        .collect::<Vec<_>>()
        .try_into()
        .expect("three fields");
    let r = client
        .get(server.url(&format!("/api/v1/tracking/{code}?phone={phone}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let tracked: Value = r.json().await.unwrap();
    assert_eq!(tracked["code"], code);
    assert_eq!(tracked["status"], status);
    let kinds: Vec<&str> = tracked["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["kind"].as_str())
        .collect();
    assert!(
        kinds.starts_with(&["create", "submit"]) && kinds.contains(&"receive"),
        "{kinds:?}"
    );
    let wrong = client
        .get(server.url(&format!("/api/v1/tracking/{code}?phone=0900000000")))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);

    // A generated department head logs in with the demo password and sees the queue the
    // database holds.
    let agency = code.split('-').next().unwrap();
    let r = client
        .post(server.url("/api/v1/session"))
        .json(&json!({
            "login": motcua::demo_city::officer_login(agency, Role::DepartmentHead, 1),
            "password": motcua::demo_accounts::DEMO_PASSWORD,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mc_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let queue: Value = client
        .get(server.url(&format!(
            "/api/v1/dossiers?queue=in_process&agency={agency}"
        )))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let open = db
        .scalar(&format!("SELECT CAST(COUNT(*) AS TEXT) FROM dossiers d JOIN agencies a ON a.id = d.holding_agency_id WHERE a.code = '{agency}' AND d.status IN ('submitted', 'received', 'processing', 'supplement_requested', 'awaiting_fees')"))
        .await;
    assert_eq!(queue["total"].to_string(), open, "{queue}");

    // The load tool's dossier scenarios, briefly.
    let track = bench(&db, &server, "track");
    assert!(track["sample"]["tracking_codes"].as_u64().unwrap() > 100);
    let queue = bench(&db, &server, "queue");
    assert!(queue["sample"]["queue_open_dossiers"].as_u64().unwrap() > 0);
    let submit = bench(&db, &server, "submit");
    for kind in ["create", "submit", "receive"] {
        assert!(
            submit["by_kind"][kind]["answered"].as_u64().unwrap() > 0,
            "{kind}: {submit:#}"
        );
    }
    let mixed = bench(&db, &server, "mixed");
    assert!(mixed["by_kind"]["track"]["answered"].as_u64().unwrap() > 0);

    // Receptions after the load continue the generated sequences without gaps or repeats.
    let (status, _, log) = server.terminate(Duration::from_secs(30));
    assert!(status.success(), "{log}");
    let now_received: u64 = db
        .scalar("SELECT CAST(COUNT(DISTINCT code) AS TEXT) FROM dossiers WHERE code IS NOT NULL")
        .await
        .parse()
        .unwrap();
    assert!(now_received > report["received"].as_u64().unwrap());
    assert_eq!(db.scalar(GAPS).await, "0");
    assert_eq!(db.scalar(SEQUENCE_MISMATCHES).await, "0");
}
