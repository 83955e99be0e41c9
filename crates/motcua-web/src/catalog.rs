//! The catalog in force, in memory: the search index and a summary of every procedure, built
//! from the store at start-up and rebuilt when the catalog changes (an import in another
//! process is noticed by [`CatalogService::refresh_if_changed`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use motcua_catalog::Procedure;
use motcua_search::{SearchIndex, level_code, online_level_code};
use motcua_store::Store;
use serde::Serialize;

/// What a list of procedures shows of each one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProcedureSummary {
    pub code: String,
    pub name: String,
    pub fields: Vec<String>,
    /// `ministry`, `province`, `commune`, `other`.
    pub levels: Vec<String>,
    /// `full_process`, `partial`, `none`.
    pub online_level: String,
    pub competent_agency: Option<String>,
}

/// A field (lĩnh vực) and how many procedures it has.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldCount {
    pub name: String,
    pub count: usize,
}

pub struct Catalog {
    pub index: SearchIndex,
    pub summaries: HashMap<String, ProcedureSummary>,
    /// Fields by name, with counts.
    pub fields: Vec<FieldCount>,
    stamp: (i64, i64),
}

impl Catalog {
    fn build(procedures: &[Procedure], stamp: (i64, i64)) -> anyhow::Result<Self> {
        let index = SearchIndex::from_procedures(procedures)?;
        let mut fields: BTreeMap<&str, usize> = BTreeMap::new();
        let summaries = procedures
            .iter()
            .map(|p| {
                for f in &p.fields {
                    *fields.entry(f.as_str()).or_default() += 1;
                }
                let summary = ProcedureSummary {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    fields: p.fields.clone(),
                    levels: p.levels.iter().map(|l| level_code(*l).to_owned()).collect(),
                    online_level: online_level_code(p.online_level).to_owned(),
                    competent_agency: p.competent_agency.clone(),
                };
                (p.code.clone(), summary)
            })
            .collect();
        let fields = fields
            .into_iter()
            .map(|(name, count)| FieldCount {
                name: name.to_owned(),
                count,
            })
            .collect();
        Ok(Self {
            index,
            summaries,
            fields,
            stamp,
        })
    }
}

pub struct CatalogService {
    current: RwLock<Arc<Catalog>>,
}

async fn load(store: &dyn Store) -> anyhow::Result<Catalog> {
    let stamp = store.catalog_stamp().await?;
    let stored = store.current_procedures().await?;
    let procedures = tokio::task::spawn_blocking(move || {
        stored
            .iter()
            .map(|s| crate::api::procedures::decode(s, false).map_err(|e| anyhow::anyhow!("{e}")))
            .collect::<anyhow::Result<Vec<Procedure>>>()
            .and_then(|procedures| Catalog::build(&procedures, stamp))
    })
    .await??;
    Ok(procedures)
}

impl CatalogService {
    pub async fn load(store: &dyn Store) -> anyhow::Result<Self> {
        let started = std::time::Instant::now();
        let catalog = load(store).await?;
        tracing::info!(
            procedures = catalog.summaries.len(),
            ms = started.elapsed().as_millis() as u64,
            "catalog index built"
        );
        Ok(Self {
            current: RwLock::new(Arc::new(catalog)),
        })
    }

    pub fn get(&self) -> Arc<Catalog> {
        self.current.read().expect("catalog lock").clone()
    }

    /// Rebuilds the catalog when the store's stamp moved; returns whether it did.
    pub async fn refresh_if_changed(&self, store: &dyn Store) -> anyhow::Result<bool> {
        if store.catalog_stamp().await? == self.get().stamp {
            return Ok(false);
        }
        let catalog = load(store).await?;
        tracing::info!(
            procedures = catalog.summaries.len(),
            "catalog changed: index rebuilt"
        );
        *self.current.write().expect("catalog lock") = Arc::new(catalog);
        Ok(true)
    }
}

/// What an import of national-portal procedures did: the parse report and what was stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CatalogImport {
    /// Counts per field of what was parsed and what was not.
    #[schema(value_type = Object)]
    pub report: motcua_catalog::ParseReport,
    pub stored: motcua_store::ImportCounts,
    /// Lines that could not be read as a procedure at all (reported, never silently dropped).
    #[schema(value_type = Vec<Object>)]
    pub failed_lines: Vec<motcua_catalog::FailedLine>,
}

/// Imports national-portal procedures (one JSON object per line) from `input`: parses them,
/// keeps every original field beside the parsed ones, and stores a new version of each
/// procedure whose content changed (re-importing the same lines changes nothing). `source`
/// names where they came from (file names, the administrator), for the record. Shared by
/// `motcua import tthc` and the administrators' import (API and page).
pub fn import_records(
    input: impl std::io::BufRead,
    source: &str,
) -> anyhow::Result<(
    motcua_catalog::ImportBatch,
    Vec<motcua_store::ProcedureRecord>,
)> {
    let batch = motcua_catalog::parse_reader(input);
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
            source: source.to_owned(),
        });
    }
    Ok((batch, records))
}

/// [`import_records`], then stores them.
pub async fn import(
    store: &dyn Store,
    input: impl std::io::BufRead,
    source: &str,
) -> anyhow::Result<CatalogImport> {
    let (batch, records) = import_records(input, source)?;
    let stored = store.import_procedures(&records).await?;
    Ok(CatalogImport {
        report: batch.report,
        stored,
        failed_lines: batch.errors,
    })
}
