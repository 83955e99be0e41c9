//! Background work that runs beside the web server and stops with it.
//!
//! Each job runs on its own interval; a failing run is logged and retried at the next tick,
//! never taking the server down. Jobs that must run once across several instances (outbox
//! delivery, reminders) will claim their work in the database (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL), so any number of instances can run this.

pub mod mail;

use std::sync::Arc;
use std::time::Duration;

use motcua_store::Store;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running set of jobs.
pub struct Worker {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Asks every job to stop and waits for runs in progress to finish.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts the background jobs: database upkeep hourly, e-mail delivery every few seconds.
pub fn spawn(store: Arc<dyn Store>, mailer: Option<mail::Mailer>) -> Worker {
    let (stop, stopped) = watch::channel(false);
    let mut tasks = Vec::new();
    if let Some(mailer) = mailer {
        let mailer = Arc::new(mailer);
        let store = store.clone();
        tasks.push(every(
            Duration::from_secs(5),
            stopped.clone(),
            "e-mail delivery",
            move || {
                let store = store.clone();
                let mailer = mailer.clone();
                async move { mailer.deliver_due(&store).await.map(|_| ()) }
            },
        ));
    }
    let maintenance = every(
        Duration::from_secs(3600),
        stopped,
        "database maintenance",
        move || {
            let store = store.clone();
            async move { store.maintain().await.map_err(|e| e.to_string()) }
        },
    );
    tasks.push(maintenance);
    Worker { stop, tasks }
}

fn every<F, Fut>(
    period: Duration,
    mut stopped: watch::Receiver<bool>,
    name: &'static str,
    job: F,
) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(period);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await; // the first tick is immediate: skip it, start-up is busy enough
        loop {
            tokio::select! {
                _ = ticks.tick() => {
                    match job().await {
                        Ok(()) => tracing::debug!(job = name, "job done"),
                        Err(err) => tracing::warn!(job = name, error = %err, "job failed; will retry"),
                    }
                }
                _ = stopped.changed() => break,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn jobs_tick_and_stop() {
        let runs = Arc::new(AtomicU32::new(0));
        let (stop, stopped) = watch::channel(false);
        let counter = runs.clone();
        let task = every(Duration::from_secs(10), stopped, "count", move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                Err("failures are retried".into())
            }
        });
        tokio::time::sleep(Duration::from_secs(35)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        stop.send(true).unwrap();
        task.await.unwrap();
    }
}
