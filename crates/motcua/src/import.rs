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
