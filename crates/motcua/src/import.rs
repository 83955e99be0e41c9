//! Imports of reference data.

use std::path::Path;

use anyhow::Context;
use motcua_store::{Store, UpsertCounts};

/// Imports `vn-admin-units.json`; idempotent, a re-import updates what changed.
pub async fn units_file(store: &dyn Store, path: &Path) -> anyhow::Result<UpsertCounts> {
    let json =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    units_json(store, &json)
        .await
        .with_context(|| format!("cannot import {}", path.display()))
}

pub async fn units_json(store: &dyn Store, json: &str) -> anyhow::Result<UpsertCounts> {
    let units = motcua_domain::unit::parse_units_file(json)?;
    Ok(store.upsert_units(&units).await?)
}

/// What `motcua import tthc` did: the parse report and what was stored.
#[derive(Debug, serde::Serialize)]
pub struct CatalogImport {
    pub report: motcua_catalog::ParseReport,
    pub stored: motcua_store::ImportCounts,
    /// Lines that could not be read as a procedure at all (reported, never silently dropped).
    pub failed_lines: Vec<motcua_catalog::FailedLine>,
}

/// Imports national-portal procedure files (`*.jsonl`, one procedure per line): parses them,
/// keeps every original field beside the parsed ones, and stores a new version of each
/// procedure whose content changed. Re-importing the same files changes nothing.
pub async fn tthc_files(
    store: &dyn Store,
    paths: &[std::path::PathBuf],
) -> anyhow::Result<CatalogImport> {
    use std::io::Read;
    anyhow::ensure!(!paths.is_empty(), "give at least one file to import");
    let mut input: Box<dyn Read> = Box::new(std::io::empty());
    for path in paths {
        let file =
            std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
        // A newline between files keeps a last line without one from merging with the next file.
        input = Box::new(input.chain(file).chain(&b"\n"[..]));
    }
    let batch = motcua_catalog::parse_reader(std::io::BufReader::new(input));
    let source = paths
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let mut records = Vec::with_capacity(batch.procedures.len());
    for parsed in &batch.procedures {
        let mut document = parsed.procedure.clone();
        let raw = std::mem::take(&mut document.raw);
        records.push(motcua_store::ProcedureRecord {
            code: document.code.clone(),
            name: document.name.clone(),
            fingerprint: parsed.fingerprint.clone(),
            document: serde_json::to_string(&document)?,
            raw: serde_json::to_string(&raw)?,
            source: source.clone(),
        });
    }
    let stored = store.import_procedures(&records).await?;
    Ok(CatalogImport {
        report: batch.report,
        stored,
        failed_lines: batch.errors,
    })
}
