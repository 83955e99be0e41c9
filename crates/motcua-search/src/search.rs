//! Running a search: request and result types, the collector, ordering and pagination.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

use crate::highlight::{Highlighter, Segment, snippet_segments};
use crate::index::{Fields, ID_FIELD, Snapshot};
use crate::query::{Ctx, filter_clauses, plan};

/// Largest page size honoured.
pub const MAX_PER_PAGE: usize = 100;

/// Filters: within one filter any of the values matches, across filters all must.
/// Values are compared after [`crate::normalize_facet`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filters {
    /// Fields (lĩnh vực), e.g. "Hộ tịch".
    #[serde(default)]
    pub fields: Vec<String>,
    /// Agency names or codes as indexed.
    #[serde(default)]
    pub agencies: Vec<String>,
    /// `ministry`, `province`, `commune`, `other`.
    #[serde(default)]
    pub levels: Vec<String>,
    /// `full_process`, `partial`, `none`.
    #[serde(default)]
    pub online_levels: Vec<String>,
    /// Subject texts ("Công dân Việt Nam") or kinds (`citizen`, `business`, …).
    #[serde(default)]
    pub subjects: Vec<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
            && self.agencies.is_empty()
            && self.levels.is_empty()
            && self.online_levels.is_empty()
            && self.subjects.is_empty()
    }
}

/// A search. An empty query lists the (filtered) catalog by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    #[serde(default)]
    pub filters: Filters,
    /// 1-based page number.
    pub page: usize,
    /// Hits per page, at most [`MAX_PER_PAGE`].
    pub per_page: usize,
    /// Whether to cut a body snippet for each hit.
    pub snippets: bool,
}

impl SearchRequest {
    /// Page 1, 10 per page, with snippets.
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            filters: Filters::default(),
            page: 1,
            per_page: 10,
            snippets: true,
        }
    }

    pub fn page(mut self, page: usize, per_page: usize) -> Self {
        self.page = page;
        self.per_page = per_page;
        self
    }

    pub fn snippets(mut self, on: bool) -> Self {
        self.snippets = on;
        self
    }

    pub fn field(mut self, v: impl Into<String>) -> Self {
        self.filters.fields.push(v.into());
        self
    }

    pub fn agency(mut self, v: impl Into<String>) -> Self {
        self.filters.agencies.push(v.into());
        self
    }

    pub fn level(mut self, v: impl Into<String>) -> Self {
        self.filters.levels.push(v.into());
        self
    }

    pub fn online_level(mut self, v: impl Into<String>) -> Self {
        self.filters.online_levels.push(v.into());
        self
    }

    pub fn subject(mut self, v: impl Into<String>) -> Self {
        self.filters.subjects.push(v.into());
        self
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub code: String,
    pub name: String,
    pub score: f32,
    /// The name, cut into plain and matched parts.
    pub name_highlight: Vec<Segment>,
    /// A passage of the body around the matches (empty when snippets are off).
    pub snippet: Vec<Segment>,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Number of matching procedures (all pages).
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    /// True when no procedure matched (nearly) every word and the search fell back to
    /// procedures matching some of them.
    pub relaxed: bool,
}

/// Collects (score, id) of every matching document: the catalog is small and the total
/// count needs every match anyway; ordering with the code tie-breaker is done afterwards.
struct ScoredIds;

struct ScoredIdsSegment {
    ids: Column<u64>,
    out: Vec<(Score, u64)>,
}

impl Collector for ScoredIds {
    type Fruit = Vec<(Score, u64)>;
    type Child = ScoredIdsSegment;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<ScoredIdsSegment> {
        Ok(ScoredIdsSegment {
            ids: reader.fast_fields().u64(ID_FIELD)?,
            out: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Score, u64)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.concat())
    }
}

impl SegmentCollector for ScoredIdsSegment {
    type Fruit = Vec<(Score, u64)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(id) = self.ids.first(doc) {
            self.out.push((score, id));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.out
    }
}

fn with_filters(f: &Fields, filters: &Filters, query: Box<dyn Query>) -> Box<dyn Query> {
    let mut clauses = filter_clauses(f, filters);
    if clauses.is_empty() {
        return query;
    }
    clauses.insert(0, (Occur::Must, query));
    Box::new(BooleanQuery::new(clauses))
}

pub(crate) fn run(
    snap: &Snapshot,
    f: &Fields,
    req: &SearchRequest,
) -> tantivy::Result<SearchResults> {
    let per_page = req.per_page.clamp(1, MAX_PER_PAGE);
    let page = req.page.max(1);
    let text = req.query.trim_start();
    let mut highlight = Vec::new();
    let mut unit_words = Vec::new();
    let mut relaxed = false;
    let cx = Ctx {
        searcher: &snap.searcher,
        stats: &snap.stats,
        f,
    };

    let mut found = if text.trim().is_empty() {
        let q = with_filters(f, &req.filters, Box::new(AllQuery));
        snap.searcher
            .search_with_statistics_provider(&*q, &ScoredIds, &snap.stats)?
    } else if let Some(&id) = snap.by_code.get(text.trim()) {
        // A procedure code: that procedure (if the filters allow it).
        let term = Term::from_field_text(f.code, text.trim());
        let q = with_filters(
            f,
            &req.filters,
            Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
        );
        let hits = snap
            .searcher
            .search_with_statistics_provider(&*q, &ScoredIds, &snap.stats)?;
        debug_assert!(hits.iter().all(|h| h.1 == id));
        hits
    } else {
        match plan(cx, text, false)? {
            None => Vec::new(),
            Some(p) => {
                highlight = p.highlight;
                unit_words = p.unit_words;
                let required = p.required;
                let q = with_filters(f, &req.filters, p.query);
                let mut hits =
                    snap.searcher
                        .search_with_statistics_provider(&*q, &ScoredIds, &snap.stats)?;
                if hits.is_empty()
                    && required > 1
                    && let Some(p) = plan(cx, text, true)?
                {
                    let q = with_filters(f, &req.filters, p.query);
                    hits = snap.searcher.search_with_statistics_provider(
                        &*q,
                        &ScoredIds,
                        &snap.stats,
                    )?;
                    relaxed = !hits.is_empty();
                }
                hits
            }
        }
    };

    let total = found.len();
    let code_of = |id: u64| snap.docs.get(&id).map_or("", |d| d.code.as_str());
    let order = |a: &(Score, u64), b: &(Score, u64)| -> Ordering {
        b.0.total_cmp(&a.0)
            .then_with(|| code_of(a.1).cmp(code_of(b.1)))
    };
    let start = (page - 1).saturating_mul(per_page);
    let end = start.saturating_add(per_page).min(total);
    let mut hits = Vec::new();
    if start < total {
        let h = Highlighter::new(&highlight, &unit_words);
        if end < total {
            found.select_nth_unstable_by(end, order);
            found.truncate(end);
        }
        found.sort_unstable_by(order);
        for &(score, id) in &found[start..end] {
            let Some(doc) = snap.docs.get(&id) else {
                continue;
            };
            hits.push(Hit {
                code: doc.code.clone(),
                name: doc.name.clone(),
                score,
                name_highlight: h.name(doc),
                snippet: if req.snippets {
                    snippet_segments(&h, doc)
                } else {
                    Vec::new()
                },
            });
        }
    }
    Ok(SearchResults {
        total,
        page,
        per_page,
        hits,
        relaxed,
    })
}
