//! Request metrics (Prometheus) and request tracing.
//!
//! Spans carry the method, the matched route and the request id — never the query string,
//! which may hold personal data (a phone number used to track a dossier).

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::Response;
use axum::middleware::Next;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::Span;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
static HEAP_PROBE: OnceLock<fn() -> Option<HeapStats>> = OnceLock::new();

/// The memory allocator's own figures, in bytes (jemalloc's `stats.*`): what the program holds
/// (`allocated`), the pages it spans (`active`), what the allocator keeps in memory in all
/// (`resident`, its metadata included) and what it has mapped but given back (`retained`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapStats {
    pub allocated: u64,
    pub active: u64,
    pub resident: u64,
    pub metadata: u64,
    pub retained: u64,
}

impl std::fmt::Display for HeapStats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mib = |b: u64| b as f64 / 1_048_576.0;
        write!(
            f,
            "allocated {:.1} MiB, active {:.1} MiB, resident {:.1} MiB (metadata {:.1} MiB)",
            mib(self.allocated),
            mib(self.active),
            mib(self.resident),
            mib(self.metadata)
        )
    }
}

/// Sets where [`heap_stats`] reads from: the binary that chose the global allocator knows how
/// to ask it. Later calls are ignored.
pub fn set_heap_probe(probe: fn() -> Option<HeapStats>) {
    let _ = HEAP_PROBE.set(probe);
}

/// The allocator's figures, when the binary gave a probe (`None` otherwise, or if it failed).
pub fn heap_stats() -> Option<HeapStats> {
    HEAP_PROBE.get().and_then(|probe| probe())
}

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process-wide Prometheus recorder, installed on first use.
pub fn metrics_handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(LATENCY_BUCKETS)
            .expect("static buckets are valid")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (tests embedding several apps); the
        // handle still renders ours.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

fn route_of<B>(request: &axum::http::Request<B>) -> String {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned())
}

/// Counts requests and records their latency per method, route and status.
pub async fn record(request: Request, next: Next) -> axum::response::Response {
    metrics_handle();
    let start = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = route_of(&request);
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let elapsed = start.elapsed().as_secs_f64();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(elapsed);
    response
}

#[derive(Clone)]
pub struct Spans;

impl<B> MakeSpan<B> for Spans {
    fn make_span(&mut self, request: &axum::http::Request<B>) -> Span {
        let request_id = request
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!(
            "request",
            method = %request.method(),
            route = %route_of(request),
            request_id = %request_id,
        )
    }
}

#[derive(Clone)]
pub struct Finished;

impl<B> OnResponse<B> for Finished {
    fn on_response(self, response: &Response<B>, latency: std::time::Duration, _: &Span) {
        let status = response.status().as_u16();
        let ms = latency.as_secs_f64() * 1000.0;
        if status >= 500 {
            tracing::error!(status, latency_ms = ms, "response");
        } else {
            tracing::info!(status, latency_ms = ms, "response");
        }
    }
}

pub fn trace_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    Spans,
    (),
    Finished,
    tower_http::trace::DefaultOnBodyChunk,
    tower_http::trace::DefaultOnEos,
    (),
> {
    TraceLayer::new_for_http()
        .make_span_with(Spans)
        .on_request(())
        .on_response(Finished)
        .on_failure(())
}
