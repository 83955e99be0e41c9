//! The index: schema, build, incremental updates and the snapshot searches run on.
//!
//! Everything lives in RAM: the tantivy index (in a `RamDirectory`, nothing stored in its
//! doc store) and, beside it, what hits are rendered from ([`DocData`]: name and the start of
//! the body, for snippets). A search takes the current [`Snapshot`] — a tantivy
//! `Searcher` and the document map of the same generation — so updates never show a
//! half-applied state; updates build the next snapshot and swap it in.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use crate::analyzer::{BIGRAM, UNIGRAM, bigram, unigram};
use crate::cache::{DEFAULT_CACHE_CAPACITY, Key, ResultCache};
use crate::doc::{DocData, SearchDoc, nfc_body};
use crate::fold::normalize_facet;
use crate::search::{SearchRequest, SearchResults, run};
use crate::stats::Stats;
use crate::suggest::Suggester;

/// Name of the u64 fast field holding the internal document id.
pub(crate) const ID_FIELD: &str = "id";
/// Indexing memory budget of the build (one thread).
const BUILD_HEAP: usize = 200_000_000;
/// Indexing memory budget of an update.
const UPDATE_HEAP: usize = 15_000_000;

/// Errors of the search engine.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// The schema's fields.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub code: Field,
    pub name: Field,
    pub name_bi: Field,
    pub meta: Field,
    pub meta_bi: Field,
    pub body: Field,
    pub body_bi: Field,
    pub f_field: Field,
    pub f_agency: Field,
    pub f_level: Field,
    pub f_online: Field,
    pub f_subject: Field,
}

fn schema() -> (Schema, Fields) {
    let text = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_u64_field(ID_FIELD, FAST),
        code: b.add_text_field("code", STRING),
        name: b.add_text_field("name", text(UNIGRAM)),
        name_bi: b.add_text_field("name_bi", text(BIGRAM)),
        meta: b.add_text_field("meta", text(UNIGRAM)),
        meta_bi: b.add_text_field("meta_bi", text(BIGRAM)),
        body: b.add_text_field("body", text(UNIGRAM)),
        body_bi: b.add_text_field("body_bi", text(BIGRAM)),
        f_field: b.add_text_field("f_field", STRING),
        f_agency: b.add_text_field("f_agency", STRING),
        f_level: b.add_text_field("f_level", STRING),
        f_online: b.add_text_field("f_online", STRING),
        f_subject: b.add_text_field("f_subject", STRING),
    };
    (b.build(), fields)
}

fn to_tantivy(f: &Fields, id: u64, d: &SearchDoc, data: &DocData, body: &str) -> TantivyDocument {
    let mut t = TantivyDocument::default();
    t.add_u64(f.id, id);
    t.add_text(f.code, &d.code);
    t.add_text(f.name, &data.name);
    t.add_text(f.name_bi, &data.name);
    for v in d.fields.iter().chain(&d.subjects) {
        t.add_text(f.meta, v);
        t.add_text(f.meta_bi, v);
    }
    t.add_text(f.body, body);
    t.add_text(f.body_bi, body);
    for a in &d.agencies {
        t.add_text(f.body, a);
        t.add_text(f.body_bi, a);
    }
    let mut facet = |field: Field, v: &str| {
        let v = normalize_facet(v);
        if !v.is_empty() {
            t.add_text(field, v);
        }
    };
    for v in &d.fields {
        facet(f.f_field, v);
    }
    for v in &d.agencies {
        facet(f.f_agency, v);
    }
    for v in &d.levels {
        facet(f.f_level, v);
    }
    facet(f.f_online, &d.online_level);
    for v in d.subjects.iter().chain(&d.subject_kinds) {
        facet(f.f_subject, v);
    }
    t
}

/// One generation of the index: what a search runs on.
pub(crate) struct Snapshot {
    pub searcher: Searcher,
    pub stats: Stats,
    pub cache: ResultCache,
    pub docs: HashMap<u64, Arc<DocData>>,
    pub by_code: HashMap<String, u64>,
    pub suggester: Suggester,
}

impl Snapshot {
    fn new(
        searcher: Searcher,
        docs: HashMap<u64, Arc<DocData>>,
        f: &Fields,
        cache_capacity: usize,
    ) -> Result<Self> {
        let by_code = docs.iter().map(|(id, d)| (d.code.clone(), *id)).collect();
        let suggester = Suggester::new(docs.values());
        let text_fields = [
            f.name, f.name_bi, f.meta, f.meta_bi, f.body, f.body_bi, f.code,
        ];
        Ok(Snapshot {
            stats: Stats::new(&searcher, &text_fields)?,
            cache: ResultCache::new(cache_capacity),
            searcher,
            docs,
            by_code,
            suggester,
        })
    }
}

/// Figures about the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct IndexStats {
    pub documents: usize,
    pub segments: usize,
    /// Bytes of the tantivy index files (RAM directory).
    pub index_bytes: u64,
    /// Approximate bytes kept beside it (names, bodies, folded bodies, autocomplete).
    pub side_bytes: usize,
}

/// The procedure search engine. Cheap to share (`Arc<SearchIndex>`): searches take `&self`
/// and run concurrently; updates take `&self` too and are serialized internally.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    current: RwLock<Arc<Snapshot>>,
    /// Next internal id; held while updating.
    writer_lock: Mutex<u64>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("documents", &self.len())
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Builds the index. When several documents share a code, the last one wins.
    pub fn build(docs: impl IntoIterator<Item = SearchDoc>) -> Result<Self> {
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(UNIGRAM, unigram());
        index.tokenizers().register(BIGRAM, bigram());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;

        let unique: BTreeMap<String, SearchDoc> =
            docs.into_iter().map(|d| (d.code.clone(), d)).collect();
        let mut map = HashMap::with_capacity(unique.len());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, BUILD_HEAP)?;
        let mut next_id = 0u64;
        for doc in unique.into_values() {
            let body = nfc_body(&doc);
            let data = DocData::new(&doc, &body);
            writer.add_document(to_tantivy(&fields, next_id, &doc, &data, &body))?;
            map.insert(next_id, Arc::new(data));
            next_id += 1;
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        reader.reload()?;
        let snapshot = Snapshot::new(reader.searcher(), map, &fields, DEFAULT_CACHE_CAPACITY)?;
        tracing::debug!(documents = snapshot.docs.len(), "search index built");
        Ok(SearchIndex {
            index,
            reader,
            fields,
            current: RwLock::new(Arc::new(snapshot)),
            writer_lock: Mutex::new(next_id),
        })
    }

    /// Builds the index from catalog procedures.
    pub fn from_procedures<'a>(
        procs: impl IntoIterator<Item = &'a motcua_catalog::Procedure>,
    ) -> Result<Self> {
        Self::build(procs.into_iter().map(SearchDoc::from))
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Number of indexed procedures.
    pub fn len(&self) -> usize {
        self.snapshot().docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a procedure with this code is indexed.
    pub fn contains(&self, code: &str) -> bool {
        self.snapshot().by_code.contains_key(code)
    }

    /// Adds or replaces (by code) one procedure.
    pub fn upsert(&self, doc: SearchDoc) -> Result<()> {
        self.update(vec![doc], Vec::new())
    }

    /// Adds or replaces several procedures in one generation.
    pub fn upsert_many(&self, docs: impl IntoIterator<Item = SearchDoc>) -> Result<()> {
        self.update(docs.into_iter().collect(), Vec::new())
    }

    /// Removes a procedure; false when it was not indexed.
    pub fn remove(&self, code: &str) -> Result<bool> {
        if !self.contains(code) {
            return Ok(false);
        }
        self.update(Vec::new(), vec![code.to_owned()])?;
        Ok(true)
    }

    fn update(&self, upserts: Vec<SearchDoc>, removals: Vec<String>) -> Result<()> {
        let mut next_id = self
            .writer_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let snap = self.snapshot();
        let mut docs = snap.docs.clone();
        let mut by_code = snap.by_code.clone();
        let mut writer: IndexWriter = self.index.writer_with_num_threads(1, UPDATE_HEAP)?;
        let f = &self.fields;
        for code in removals.iter().chain(upserts.iter().map(|d| &d.code)) {
            writer.delete_term(Term::from_field_text(f.code, code));
            if let Some(id) = by_code.remove(code) {
                docs.remove(&id);
            }
        }
        for doc in &upserts {
            let body = nfc_body(doc);
            let data = DocData::new(doc, &body);
            let id = *next_id;
            *next_id += 1;
            writer.add_document(to_tantivy(f, id, doc, &data, &body))?;
            by_code.insert(doc.code.clone(), id);
            docs.insert(id, Arc::new(data));
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        let next = Snapshot::new(self.reader.searcher(), docs, f, snap.cache.capacity())?;
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        Ok(())
    }

    /// Searches. See [`crate::query`] for how the text is understood. Pages are cached
    /// per index generation ([`SearchIndex::set_cache_capacity`]).
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let snap = self.snapshot();
        let key = Key::new(req);
        if let Some(hit) = snap.cache.get(&key) {
            return Ok((*hit).clone());
        }
        let results = run(&snap, &self.fields, req)?;
        snap.cache.insert(key, Arc::new(results.clone()));
        Ok(results)
    }

    /// Searches without the result cache (benchmarks, tests).
    pub fn search_uncached(&self, req: &SearchRequest) -> Result<SearchResults> {
        Ok(run(&self.snapshot(), &self.fields, req)?)
    }

    /// Sets how many result pages are cached (0 disables the cache); empties it.
    pub fn set_cache_capacity(&self, capacity: usize) {
        self.snapshot().cache.set_capacity(capacity);
    }

    /// Shorthand: the first page (10 hits) for `text`, with snippets.
    pub fn search_text(&self, text: &str) -> Result<SearchResults> {
        self.search(&SearchRequest::new(text))
    }

    /// Autocomplete: up to `limit` (code, name) whose folded name contains a word sequence
    /// starting with the folded `prefix`; when none does, the best search hits (so typos
    /// still get suggestions).
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<(String, String)> {
        let snap = self.snapshot();
        let out = snap.suggester.suggest(prefix, limit);
        if !out.is_empty() || prefix.trim().chars().count() < 3 || limit == 0 {
            return out;
        }
        let req = SearchRequest::new(prefix).page(1, limit).snippets(false);
        match run(&snap, &self.fields, &req) {
            Ok(r) => r.hits.into_iter().map(|h| (h.code, h.name)).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "suggest fallback search failed");
                Vec::new()
            }
        }
    }

    /// Sizes and counts.
    pub fn stats(&self) -> IndexStats {
        let snap = self.snapshot();
        let index_bytes = snap
            .searcher
            .space_usage()
            .map(|u| u.total().get_bytes())
            .unwrap_or(0);
        IndexStats {
            documents: snap.docs.len(),
            segments: snap.searcher.segment_readers().len(),
            index_bytes,
            side_bytes: snap.docs.values().map(|d| d.heap_size()).sum::<usize>()
                + snap.suggester.heap_size(),
        }
    }
}
