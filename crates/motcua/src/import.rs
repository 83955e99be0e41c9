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

pub use motcua_web::catalog::CatalogImport;

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
    motcua_web::catalog::import(store, std::io::BufReader::new(input), &source).await
}
