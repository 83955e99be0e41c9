//! `motcua audit verify`: walks every dossier's hash-chained log and reports the first broken
//! link of each damaged chain (SPEC §4 "Log"). Exit status 1 when any chain is broken.

use motcua_dossier::chain::{ChainBreak, verify};
use motcua_store::Store;
use serde::Serialize;

/// Dossiers read per batch.
const BATCH: u32 = 500;

#[derive(Debug, Default, Serialize)]
pub struct AuditReport {
    pub dossiers: u64,
    pub entries: u64,
    pub broken: Vec<BrokenChain>,
}

#[derive(Debug, Serialize)]
pub struct BrokenChain {
    pub dossier_id: i64,
    pub code: Option<String>,
    /// The first entry that does not verify.
    pub seq: i64,
    pub reason: String,
}

/// Verifies every chain in the database.
pub async fn verify_all(store: &dyn Store) -> anyhow::Result<AuditReport> {
    let mut report = AuditReport::default();
    let mut after = 0;
    loop {
        let ids = store.dossier_ids(after, BATCH).await?;
        let Some(&last) = ids.last() else { break };
        for id in ids {
            let chain = store.dossier_chain(id).await?;
            report.dossiers += 1;
            report.entries += chain.len() as u64;
            if let Err(e) = verify(&chain) {
                let code = store.get_dossier(id).await?.and_then(|d| d.code);
                let (seq, reason) = match &e {
                    ChainBreak::Altered { seq } | ChainBreak::Unlinked { seq } => {
                        (*seq, e.to_string())
                    }
                };
                report.broken.push(BrokenChain {
                    dossier_id: id,
                    code,
                    seq,
                    reason,
                });
            }
        }
        after = last;
    }
    Ok(report)
}

impl std::fmt::Display for AuditReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} dossiers, {} log entries checked: {}",
            self.dossiers,
            self.entries,
            if self.broken.is_empty() {
                "every chain is intact".to_owned()
            } else {
                format!("{} broken", self.broken.len())
            }
        )?;
        for b in &self.broken {
            writeln!(
                f,
                "BROKEN dossier {} ({}): {}",
                b.dossier_id,
                b.code.as_deref().unwrap_or("no code yet"),
                b.reason
            )?;
        }
        Ok(())
    }
}
