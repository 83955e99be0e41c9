//! Start-up: open the store, check its schema, bind, serve until a signal, shut down cleanly.

use std::sync::Arc;

use anyhow::Context;
use motcua_store::{Backend, Store};
use motcua_web::{AppState, WebConfig};
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

pub async fn serve(config: &Config, demo: bool, migrate: bool) -> anyhow::Result<()> {
    let addr = config.listen_addr()?;
    let store = open_ready_store(config, migrate).await?;
    if demo {
        let report = crate::demo::create(store.as_ref()).await?;
        tracing::info!("{report}");
        println!("{report}");
    }
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let state = AppState::new(
        store.clone(),
        WebConfig {
            admin_token: config.admin_token.as_ref().map(|s| s.expose().to_owned()),
        },
    )
    .await?;
    let worker = motcua_worker::spawn(store.clone());
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
    tracing::info!(listen = %local, database = %config.database_label(), "serving");
    motcua_web::serve(listener, state, shutdown_signal()).await?;
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
            if let Err(err) = state.catalog.refresh_if_changed(state.store.as_ref()).await {
                tracing::warn!(error = format!("{err:#}"), "catalog refresh failed; will retry");
            }
        }
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
