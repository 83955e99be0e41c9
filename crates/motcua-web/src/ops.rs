//! Operations endpoints: liveness, readiness and Prometheus metrics.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is up and answering.
async fn healthz() -> impl IntoResponse {
    axum::Json(json!({ "status": "ok" }))
}

/// The database answers and every migration this binary knows is applied.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let backend = state.store.backend().as_str();
    if let Err(err) = state.store.ping().await {
        tracing::warn!(error = %err, "readiness: database unreachable");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(
                json!({ "status": "unavailable", "database": backend, "reason": "database unreachable" }),
            ),
        );
    }
    match state.store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => (
            StatusCode::OK,
            axum::Json(json!({ "status": "ready", "database": backend })),
        ),
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({
                "status": "unavailable",
                "database": backend,
                "reason": "pending migrations: run `motcua migrate`",
                "pending": pending,
            })),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness: migration check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(
                    json!({ "status": "unavailable", "database": backend, "reason": "migration check failed" }),
                ),
            )
        }
    }
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let handle = crate::metrics_handle();
    for pool in state.store.pool_stats() {
        let labels = [("pool", pool.pool)];
        metrics::gauge!("db_pool_connections", &labels).set(f64::from(pool.size));
        metrics::gauge!("db_pool_idle_connections", &labels).set(f64::from(pool.idle));
        metrics::gauge!("db_pool_max_connections", &labels).set(f64::from(pool.max));
    }
    if let Some(heap) = crate::heap_stats() {
        for (kind, bytes) in [
            ("allocated", heap.allocated),
            ("active", heap.active),
            ("resident", heap.resident),
            ("metadata", heap.metadata),
            ("retained", heap.retained),
        ] {
            metrics::gauge!("process_heap_bytes", "kind" => kind).set(bytes as f64);
        }
    }
    handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
}
