//! Start-up: open the store, check its schema, bind, serve until a signal, shut down cleanly.

use std::sync::Arc;

use anyhow::Context;
use motcua_store::{Backend, Store};
use motcua_web::AppState;
use tokio::net::TcpListener;

use crate::config::Config;

pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    Ok(motcua_store::open(&config.store_options()).await?)
}

/// Opens the store and makes sure its schema is current: SQLite migrates itself on open;
/// PostgreSQL is migrated only when asked (`migrate`), since several instances may share it.
pub async fn open_ready_store(config: &Config, migrate: bool) -> anyhow::Result<Arc<dyn Store>> {
    let store = open_store(config).await?;
    if store.backend() == Backend::Postgres {
        if migrate {
            store.migrate().await?;
        }
        let pending = store.pending_migrations().await?;
        anyhow::ensure!(
            pending.is_empty(),
            "the database has {} pending migration(s): run `motcua migrate` (or `motcua serve --migrate`)",
            pending.len()
        );
    }
    Ok(store)
}

/// What `serve --demo` loads.
pub struct Demo {
    /// National-portal files or directories to import first when the catalog is empty.
    pub catalog: Vec<std::path::PathBuf>,
}

/// Imports the demo's catalog when the store has none, before the demo's agency settings
/// (which apply to procedures the catalog holds): the demo then has procedures to search and
/// dossiers to submit at once.
async fn demo_catalog(store: &dyn Store, sources: &[std::path::PathBuf]) -> anyhow::Result<()> {
    if sources.is_empty() || !store.current_procedures().await?.is_empty() {
        return Ok(());
    }
    let files = crate::demo_city::catalog_files(sources)?;
    anyhow::ensure!(!files.is_empty(), "no catalog files (*.jsonl) in --tthc");
    let import = crate::import::tthc_files(store, &files).await?;
    println!(
        "demo: national catalog imported ({} procedures)",
        import.stored.inserted
    );
    Ok(())
}

pub async fn serve(config: &Config, demo: Option<Demo>, migrate: bool) -> anyhow::Result<()> {
    // Signals are caught from the very start: a SIGTERM during start-up (migrations, demo
    // data) still ends in a clean shutdown instead of the default abrupt exit.
    let shutdown = ShutdownSignal::install()?;
    let addr = config.listen_addr()?;
    let store = open_ready_store(config, migrate).await?;
    if let Some(demo) = demo {
        demo_catalog(store.as_ref(), &demo.catalog).await?;
        let report = crate::demo::create(store.as_ref()).await?;
        tracing::info!("{report}");
        println!("{report}");
    }
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let state = AppState::new(store.clone(), config.web_config(local)).await?;
    motcua_web::set_heap_probe(crate::heap::stats);
    if let Some(heap) = crate::heap::stats() {
        tracing::debug!(%heap, "memory before emptying the database's caches");
    }
    release_memory(&state).await;
    if let Some(heap) = crate::heap::stats() {
        tracing::info!(%heap, "memory after start-up");
    }
    let mailer = motcua_worker::mail::Mailer::new(&config.mail_settings())
        .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
    let worker = motcua_worker::spawn(store.clone(), Some(mailer));
    let catalog_refresh = spawn_catalog_refresh(state.clone());
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        local.ip().to_string()
    };
    let host = if local.is_ipv6() && !local.ip().is_unspecified() {
        format!("[{host}]")
    } else {
        host
    };
    println!(
        "motcua {} on {} — open http://{host}:{}/",
        env!("CARGO_PKG_VERSION"),
        config.database_label(),
        local.port()
    );
    tracing::info!(listen = %local, database = %config.database_label(), files = %state.blobs.label(), "serving");
    motcua_web::serve(listener, state, shutdown.wait()).await?;
    tracing::info!("shutting down");
    catalog_refresh.abort();
    worker.stop().await;
    store.close().await;
    Ok(())
}

/// Rebuilds the in-memory catalog when an import (possibly by another process) changed it.
fn spawn_catalog_refresh(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(30));
        ticks.tick().await;
        loop {
            ticks.tick().await;
            match state.catalog.refresh_if_changed(state.store.as_ref()).await {
                Ok(true) => release_memory(&state).await,
                Ok(false) => {}
                Err(err) => tracing::warn!(
                    error = format!("{err:#}"),
                    "catalog refresh failed; will retry"
                ),
            }
        }
    })
}

/// After reading the whole catalog: the database connections' caches hold its pages, which
/// requests do not read again (BENCHMARKS.md, idle memory).
async fn release_memory(state: &AppState) {
    if let Err(err) = state.store.release_memory().await {
        tracing::warn!(error = %err, "could not release the database's cached pages");
    }
}

/// Ctrl-C and SIGTERM, listened for from the moment it is installed.
struct ShutdownSignal {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
}

impl ShutdownSignal {
    #[cfg(unix)]
    fn install() -> anyhow::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
            interrupt: signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> anyhow::Result<Self> {
        Ok(Self {})
    }

    /// Resolves on the first signal (including one received before this was awaited).
    async fn wait(mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {},
            _ = self.interrupt.recv() => {},
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
