//! The HTTP layer of motcua: the JSON API under `/api/v1`, server-rendered pages and the
//! operations endpoints, as one axum router over an [`AppState`].
//!
//! Handlers are thin: they parse input, call the domain and the store, and render. The server
//! is started on a listener the caller binds (port 0 in tests), so tests run the real thing.

pub mod api;
mod assets;
pub mod auth;
pub mod blobs;
pub mod catalog;
pub mod documents;
pub mod dossiers;
pub mod error;
pub mod i18n;
mod ops;
pub mod pages;
pub mod settings;
mod telemetry;
mod templates;
pub mod uploads;
pub mod workcal;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use motcua_store::Store;
use tokio::net::TcpListener;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;

pub use telemetry::{HeapStats, heap_stats, metrics_handle, set_heap_probe};

/// Settings of the web layer.
#[derive(Clone, Default)]
pub struct WebConfig {
    /// A bootstrap token that acts as a system administrator on the API (for a first set-up
    /// and automation); `None` disables it.
    pub admin_token: Option<String>,
    pub auth: auth::AuthSettings,
    /// Where attachments go and how large they may be.
    pub blobs: blobs::BlobSettings,
}

/// What every handler can reach: one reference-counted [`Shared`], so that a clone (axum
/// clones the state for every extractor and layer of every request) is one atomic increment
/// rather than one per service (BENCHMARKS.md: seven `Arc`s were 5.6 % of `track`'s CPU).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The services behind [`AppState`].
pub struct Shared {
    pub store: Arc<dyn Store>,
    pub config: Arc<WebConfig>,
    pub calendar: Arc<workcal::CalendarService>,
    pub catalog: Arc<catalog::CatalogService>,
    pub auth: Arc<auth::AuthService>,
    /// Attachment contents, by hash.
    pub blobs: blobs::Blobs,
    pub(crate) templates: Arc<minijinja::Environment<'static>>,
}

impl AppState {
    /// Builds the state; loads the working calendar from the store.
    pub async fn new(store: Arc<dyn Store>, config: WebConfig) -> anyhow::Result<Self> {
        let catalogs = Arc::new(i18n::Catalogs::load());
        let blobs = blobs::Blobs::open(&config.blobs)?;
        let mut env = templates::environment(catalogs);
        documents::register_template_helpers(&mut env, blobs.max_file_bytes());
        let templates = Arc::new(env);
        let calendar = Arc::new(workcal::CalendarService::load(store.as_ref()).await?);
        let catalog = Arc::new(catalog::CatalogService::load(store.as_ref()).await?);
        let auth = Arc::new(auth::AuthService::load(store.as_ref(), config.auth.clone()).await?);
        Ok(Self(Arc::new(Shared {
            auth,
            blobs,
            store,
            config: Arc::new(config),
            calendar,
            catalog,
            templates,
        })))
    }
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application: routes and the layers every request goes through.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .nest(
            "/api/v1",
            api::routes().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                auth::api_middleware,
            )),
        )
        .merge(ops::routes())
        .merge(utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", <api::openapi::ApiDoc as utoipa::OpenApi>::openapi()))
        .merge(assets::routes())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::nav_middleware,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_middleware,
        ))
        .layer(axum::middleware::from_fn(i18n::middleware))
        .layer(axum::middleware::from_fn(telemetry::record))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
            ),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(telemetry::trace_layer())
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
