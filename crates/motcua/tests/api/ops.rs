//! Operations endpoints: `/healthz`, `/readyz`, `/metrics`, and the request id on everything.

use motcua_store::Backend;
use motcua_store::testing::{backend, fresh_store};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::spawn().await;
    let body: Value = app.get_ok("/healthz").await;
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn readyz_answers_ok_on_a_migrated_database() {
    let app = TestApp::spawn().await;
    let body: Value = app.get_ok("/readyz").await;
    assert_eq!(body["status"], "ready");
    assert_eq!(body["database"], backend().as_str());
}

/// A database behind the binary's migrations must not receive traffic: 503 with the reason.
/// (`motcua serve` refuses to start on such a database; this is the instance that was already
/// running when a newer binary's migrations were announced, simulated by forgetting that the
/// newest migration ran.)
#[tokio::test]
async fn readyz_answers_503_with_the_reason_when_migrations_are_pending() {
    let db = fresh_store().await;
    let forget =
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)";
    match backend() {
        Backend::Sqlite => {
            let file = db.options.data_dir.join("motcua.db");
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display()))
                .await
                .expect("open the SQLite file");
            sqlx::query(forget)
                .execute(&pool)
                .await
                .expect("forget a migration");
            pool.close().await;
        }
        Backend::Postgres => {
            let url = db
                .options
                .database_url
                .as_deref()
                .expect("a PostgreSQL URL");
            let schema = db.options.pg_schema.as_deref().expect("a test schema");
            let pool = sqlx::PgPool::connect(url).await.expect("connect");
            let sql = format!("SET search_path TO {schema}; {forget}");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&pool)
                .await
                .expect("forget a migration");
            pool.close().await;
        }
    }
    let app = TestApp::spawn_on(db.store.clone(), Some(db)).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"], backend().as_str());
    let reason = body["reason"].as_str().expect("a reason");
    assert!(
        reason.contains("pending migrations") && reason.contains("motcua migrate"),
        "{body}"
    );
    assert_eq!(
        body["pending"].as_array().expect("pending versions").len(),
        1,
        "{body}"
    );
    // The process itself is fine.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_per_route_and_show_the_pool() {
    let app = TestApp::spawn().await;
    for path in [
        "/healthz",
        "/api/v1/agencies",
        "/api/v1/agencies/000.00.99.H29",
        "/no-such-page",
    ] {
        app.get(path).await;
    }
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    let text = response.text().await.unwrap();

    let requests: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("http_requests_total{"))
        .collect();
    let counted = |route: &str, status: &str| {
        requests.iter().any(|l| {
            l.contains(&format!("route=\"{route}\"")) && l.contains(&format!("status=\"{status}\""))
        })
    };
    assert!(counted("/healthz", "200"), "{requests:#?}");
    assert!(counted("/api/v1/agencies", "200"), "{requests:#?}");
    // The route template, not the path: codes must not explode the label set.
    assert!(counted("/api/v1/agencies/{code}", "404"), "{requests:#?}");
    assert!(
        !text.contains("000.00.99.H29"),
        "a path leaked into the labels"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("http_request_duration_seconds_bucket{")
                && l.contains("route=\"/healthz\"")),
        "latency histogram per route"
    );

    let pools: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("db_pool_connections{"))
        .collect();
    let expected = match backend() {
        Backend::Sqlite => "pool=\"writer\"",
        Backend::Postgres => "pool=\"main\"",
    };
    assert!(pools.iter().any(|l| l.contains(expected)), "{pools:#?}");
    assert!(text.contains("db_pool_max_connections{"), "pool size limit");
}

#[tokio::test]
async fn metrics_show_the_allocators_totals() {
    // What `serve` does at start-up; the test binary links the same global allocator.
    motcua_web::set_heap_probe(motcua::heap::stats);
    let app = TestApp::spawn().await;
    let text = app.get("/metrics").await.text().await.unwrap();
    let bytes = |kind: &str| -> f64 {
        let prefix = format!("process_heap_bytes{{kind=\"{kind}\"}} ");
        let line = text
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {prefix} in /metrics"));
        line[prefix.len()..].trim().parse().unwrap()
    };
    let (allocated, active, resident) = (bytes("allocated"), bytes("active"), bytes("resident"));
    // A running server holds at least its catalog and templates; the totals nest.
    assert!(allocated > 1_000_000.0, "allocated {allocated}");
    assert!(
        active >= allocated && resident >= active,
        "{allocated} {active} {resident}"
    );
    bytes("metadata");
    bytes("retained");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let mut seen = Vec::new();
    for path in [
        "/",
        "/healthz",
        "/metrics",
        "/static/app.css",
        "/api/v1/agencies",
        "/api/v1/nope",
        "/nope",
    ] {
        let response = app.get(path).await;
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("{path} answered without x-request-id"))
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!id.is_empty());
        seen.push(id);
    }
    // Errors too, including a refused write.
    let refused = app.post_agency(Caller::Anonymous, &json!({})).await;
    assert!(
        refused.headers().contains_key("x-request-id"),
        "401 without x-request-id"
    );
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7, "each request gets its own id");
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_kept() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/api/v1/agencies/000.00.99.H29"] {
        let response = app
            .client
            .get(app.url(path))
            .header("x-request-id", "from-the-gateway-42")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["x-request-id"],
            "from-the-gateway-42",
            "{path}"
        );
    }
}
