//! Term statistics of one index generation, with the per-field readers and token counts
//! looked up once: query planning checks many document frequencies, and every term query
//! asks tantivy for BM25 statistics (by default one lock and one map look-up per segment
//! and per call).

use std::sync::Arc;

use tantivy::index::InvertedIndexReader;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

pub(crate) struct Stats {
    /// Indexed by field id: the field's readers (one per segment) and total token count.
    fields: Vec<Option<(Vec<Arc<InvertedIndexReader>>, u64)>>,
    total_docs: u64,
    searcher: Searcher,
}

impl Stats {
    pub fn new(searcher: &Searcher, fields: &[Field]) -> tantivy::Result<Self> {
        let max = fields
            .iter()
            .map(|f| f.field_id() as usize)
            .max()
            .unwrap_or(0);
        let mut per_field = vec![None; max + 1];
        for &field in fields {
            let mut readers = Vec::new();
            let mut tokens = 0;
            for seg in searcher.segment_readers() {
                let inv = seg.inverted_index(field)?;
                tokens += inv.total_num_tokens();
                readers.push(inv);
            }
            per_field[field.field_id() as usize] = Some((readers, tokens));
        }
        let total_docs = searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.max_doc()))
            .sum();
        Ok(Stats {
            fields: per_field,
            total_docs,
            searcher: searcher.clone(),
        })
    }

    fn field(&self, field: Field) -> Option<&(Vec<Arc<InvertedIndexReader>>, u64)> {
        self.fields.get(field.field_id() as usize)?.as_ref()
    }

    /// Number of procedures whose `field` holds the term `text`.
    pub fn doc_freq(&self, field: Field, text: &str) -> u64 {
        match self.field(field) {
            Some((readers, _)) => readers
                .iter()
                .filter_map(|r| r.terms().get(text.as_bytes()).ok().flatten())
                .map(|info| u64::from(info.doc_freq))
                .sum(),
            None => self
                .searcher
                .doc_freq(&Term::from_field_text(field, text))
                .unwrap_or(0),
        }
    }

    /// Number of documents (deleted ones included, like tantivy's own statistics).
    pub fn docs(&self) -> u64 {
        self.total_docs
    }
}

impl Bm25StatisticsProvider for Stats {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.field(field) {
            Some((_, tokens)) => Ok(*tokens),
            None => self.searcher.total_num_tokens(field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.total_docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        match term.value().as_str() {
            Some(text) if self.field(term.field()).is_some() => {
                Ok(Stats::doc_freq(self, term.field(), text))
            }
            _ => self.searcher.doc_freq(term),
        }
    }
}
