//! From what a person typed to a tantivy query.
//!
//! 1. The text is folded and split like the index ([`crate::fold::analyze`]).
//! 2. The words are grouped into **units**: a phrase of the synonym table
//!    ([`crate::synonyms`], longest match first) is one unit whose alternatives are the
//!    phrase and its synonyms; any other word is a unit whose alternatives are the word, its
//!    typo corrections and, for the last word while typing, its completions.
//! 3. Each unit becomes one clause, the sum of its alternatives' matches: a single word in
//!    `name` (×[`W_NAME`]) > `meta` (fields, subjects; ×[`W_META`]) > `body` (×[`W_BODY`]);
//!    a phrase as all its word pairs in one bigram field, weighted like its words.
//!    Synonyms, corrections and completions weigh less than what was typed
//!    ([`W_SYNONYM`], [`W_FUZZY1`], [`W_FUZZY2`], [`W_PREFIX`]): exact matches rank first.
//! 4. Most units must match (all of them up to three, all but one up to six, 70 % beyond);
//!    everyday filler words ("tôi muốn … ở đâu") and words or phrases found in half the
//!    catalog ([`COMMON_SHARE`]) are optional: they score, they are not required. Pairs of
//!    adjacent units add a bigram bonus ([`B_NAME`], [`B_META`], [`B_BODY`]), so "khai
//!    sinh" in a name beats "khai" and "sinh" far apart. When nothing matches, the search is
//!    retried requiring a single unit.
//!
//! Typo policy: a word found in no procedure name nor field/subject is looked up with a
//! Levenshtein automaton (transpositions cost 1) over the name and meta dictionaries —
//! distance 1 for words of 3 to 7 characters (3 only when the word is found nowhere), 2
//! from 8 — keeping the [`MAX_FUZZY`] closest, most frequent terms; the body dictionary is
//! the fallback. Known words are not expanded: Vietnamese syllables are short and nearly
//! every one-letter change is another real syllable. The last word, unless followed by a
//! space, is also completed from the name dictionary ([`MAX_PREFIX`] most frequent terms)
//! when it is not itself a name word of three letters or more ("ho chie" → "chiếu").
//!
//! Cost: every term query costs a BM25 set-up and every union a 4,096-document buffer in
//! tantivy, so units are flat unions, and terms absent from a field get no clause; nor do
//! body terms found in half the catalog (near-zero weight, longest postings).

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::fold::{analyze, edit_distance, normalize_facet};
use crate::index::Fields;
use crate::search::Filters;
use crate::stats::Stats;
use crate::synonyms::table;

pub const W_NAME: f32 = 4.0;
pub const W_META: f32 = 1.5;
pub const W_BODY: f32 = 0.5;
/// Bonus weights of an adjacent pair of query words found together.
pub const B_NAME: f32 = 3.0;
pub const B_META: f32 = 1.2;
pub const B_BODY: f32 = 0.4;
/// Weight of the closest synonym; each further one weighs 0.1 less (at least 0.5).
pub const W_SYNONYM: f32 = 0.9;
pub const W_FUZZY1: f32 = 0.5;
pub const W_FUZZY2: f32 = 0.3;
pub const W_PREFIX: f32 = 0.45;
pub const MAX_FUZZY: usize = 5;
pub const MAX_PREFIX: usize = 5;
/// A word found in at least this share of the procedures ("có", "đăng", "ký", "cấp" in
/// bodies) does not discriminate: it scores but is not required (like Lucene's common
/// terms), which also spares counting it for every procedure.
pub const COMMON_SHARE: f64 = 0.5;

/// What the planner reads.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub searcher: &'a Searcher,
    pub stats: &'a Stats,
    pub f: &'a Fields,
}

/// One way of satisfying a unit: a word sequence, its index terms (the word, or the
/// phrase's pairs) with their document frequencies in the three fields, and its weight.
#[derive(Debug, Clone)]
struct Alt {
    words: Vec<String>,
    terms: Vec<String>,
    /// Per term: doc freq in name, meta, body (or their bigram twins).
    dfs: Vec<[u64; 3]>,
    weight: f32,
    /// Whether to look in the body too: not for corrections and completions taken from the
    /// name and meta dictionaries (in long bodies they mostly add noise, and cost most).
    body: bool,
}

impl Alt {
    fn new(cx: Ctx<'_>, words: Vec<String>, weight: f32, body: bool) -> Alt {
        let f = cx.f;
        let (terms, fields) = if words.len() == 1 {
            (vec![words[0].clone()], [f.name, f.meta, f.body])
        } else {
            let pairs = words
                .windows(2)
                .map(|p| format!("{} {}", p[0], p[1]))
                .collect();
            (pairs, [f.name_bi, f.meta_bi, f.body_bi])
        };
        let dfs = terms
            .iter()
            .map(|t| fields.map(|field| cx.stats.doc_freq(field, t)))
            .collect();
        Alt {
            words,
            terms,
            dfs,
            weight,
            body,
        }
    }

    /// Whether the alternative occurs in some field it is looked for in (every pair of a
    /// phrase in one field).
    fn occurs(&self) -> bool {
        (0..if self.body { 3 } else { 2 }).any(|k| self.dfs.iter().all(|d| d[k] > 0))
    }

    /// Whether the word, or the phrase's first pair, is in [`COMMON_SHARE`] of the catalog.
    fn common(&self, docs: u64) -> bool {
        self.dfs
            .first()
            .and_then(|d| d.iter().max())
            .is_some_and(|&df| df as f64 >= COMMON_SHARE * docs.max(1) as f64)
    }
}

#[derive(Debug)]
struct Unit {
    alts: Vec<Alt>,
    /// Not required to match (filler or common word).
    optional: bool,
    /// A filler word ("tôi", "muốn"): not highlighted either.
    filler: bool,
    /// How many alternatives form pairs with the neighbouring units.
    pair_alts: usize,
}

/// A query ready to run, with the folded words to highlight.
pub(crate) struct Plan {
    pub query: Box<dyn Query>,
    /// Every folded word of the units (filler words aside).
    pub highlight: Vec<String>,
    /// Per unit (filler words aside), its folded words (snippets).
    pub unit_words: Vec<Vec<String>>,
    /// Number of required units; a relaxed plan is worth trying when above 1.
    pub required: usize,
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boost(q: Box<dyn Query>, w: f32) -> Box<dyn Query> {
    if (w - 1.0).abs() < f32::EPSILON {
        q
    } else {
        Box::new(BoostQuery::new(q, w))
    }
}

type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// Whether a body term is in [`COMMON_SHARE`] of the catalog: its weight is next to nothing
/// (BM25 idf) and its postings are the longest, so it gets no clause.
fn is_common(df: u64, cx: Ctx<'_>) -> bool {
    df as f64 >= COMMON_SHARE * cx.stats.docs().max(1) as f64
}

/// Adds the clauses of the pair `a b` in name > meta > body (where it occurs at all).
fn push_pair(out: &mut Clauses, cx: Ctx<'_>, (a, b): (&str, &str), scale: f32, body: bool) {
    let f = cx.f;
    let pair = format!("{a} {b}");
    let fields = [
        (f.name_bi, B_NAME),
        (f.meta_bi, B_META),
        (f.body_bi, B_BODY),
    ];
    for (k, &(field, w)) in fields.iter().enumerate().take(if body { 3 } else { 2 }) {
        let df = cx.stats.doc_freq(field, &pair);
        if df > 0 && !(k == 2 && is_common(df, cx)) {
            out.push((Occur::Should, boost(term_query(field, &pair), w * scale)));
        }
    }
}

/// Adds the clauses of one alternative, in the fields where it occurs: a word in name >
/// meta > body; a phrase as the intersection of its pairs in one bigram field, weighted
/// like its words.
fn push_alt(out: &mut Clauses, cx: Ctx<'_>, alt: &Alt) {
    let f = cx.f;
    let fields = if alt.words.len() == 1 {
        [(f.name, W_NAME), (f.meta, W_META), (f.body, W_BODY)]
    } else {
        [
            (f.name_bi, W_NAME),
            (f.meta_bi, W_META),
            (f.body_bi, W_BODY),
        ]
    };
    let scale = alt.words.len() as f32 / alt.terms.len() as f32;
    for (k, &(field, w)) in fields.iter().enumerate().take(if alt.body { 3 } else { 2 }) {
        if alt
            .dfs
            .iter()
            .any(|d| d[k] == 0 || (k == 2 && is_common(d[k], cx)))
        {
            continue;
        }
        let q = match alt.terms.as_slice() {
            [t] => term_query(field, t),
            ts => Box::new(BooleanQuery::intersection(
                ts.iter().map(|t| term_query(field, t)).collect(),
            )),
        };
        out.push((Occur::Should, boost(q, w * alt.weight * scale)));
    }
}

/// Dictionary terms of `field` within `distance` of `word`: (term, distance, doc freq).
fn fuzzy_terms(
    searcher: &Searcher,
    field: Field,
    word: &str,
    distance: u8,
) -> tantivy::Result<Vec<(String, usize, u64)>> {
    let automaton =
        FuzzyTermQuery::new(Term::from_field_text(field, word), distance, true).automaton()?;
    let mut out: Vec<(String, usize, u64)> = Vec::new();
    for seg in searcher.segment_readers() {
        let inv = seg.inverted_index(field)?;
        let mut stream = inv.terms().search(&automaton).into_stream()?;
        let mut seen = 0;
        while stream.advance() && seen < 256 {
            seen += 1;
            let Ok(t) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if t == word {
                continue;
            }
            let df = u64::from(stream.value().doc_freq);
            match out.iter_mut().find(|(x, _, _)| x == t) {
                Some(e) => e.2 += df,
                None => out.push((t.to_owned(), edit_distance(word, t), df)),
            }
        }
    }
    Ok(out)
}
/// Name-dictionary terms starting with `prefix` (excluding it): (term, doc freq).
fn prefix_terms(
    searcher: &Searcher,
    field: Field,
    prefix: &str,
) -> tantivy::Result<Vec<(String, u64)>> {
    let mut upper = prefix.as_bytes().to_vec();
    // Folded words are ASCII (or end with a non-ASCII char below U+10FFFF): bump the last byte.
    match upper.last_mut() {
        Some(b) if *b < 0xFF => *b += 1,
        _ => return Ok(Vec::new()),
    }
    let mut out: Vec<(String, u64)> = Vec::new();
    for seg in searcher.segment_readers() {
        let inv = seg.inverted_index(field)?;
        let mut stream = inv.terms().range().ge(prefix).lt(&upper).into_stream()?;
        let mut seen = 0;
        while stream.advance() && seen < 2048 {
            seen += 1;
            let Ok(t) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            if t == prefix {
                continue;
            }
            let df = u64::from(stream.value().doc_freq);
            match out.iter_mut().find(|(x, _)| x == t) {
                Some(e) => e.1 += df,
                None => out.push((t.to_owned(), df)),
            }
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(MAX_PREFIX);
    Ok(out)
}

/// The alternatives of one plain word, and whether the word is common.
fn word_unit(cx: Ctx<'_>, word: &str, complete: bool) -> tantivy::Result<(Vec<Alt>, bool)> {
    let (searcher, f) = (cx.searcher, cx.f);
    let exact = Alt::new(cx, vec![word.to_owned()], 1.0, true);
    let [df_name, df_meta, df_body] = exact.dfs[0];
    let df_strong = df_name + df_meta;
    let df_all = df_strong + df_body;
    let common = exact.common(cx.stats.docs());
    let mut alts = Vec::new();
    if df_all > 0 {
        alts.push(exact);
    }
    let len = word.chars().count();
    let numeric = word.bytes().all(|b| b.is_ascii_digit());
    let distance: u8 = match len {
        _ if numeric || df_strong > 0 => 0,
        8.. => 2,
        4.. => 1,
        3 if df_all == 0 => 1,
        _ => 0,
    };
    if distance > 0 {
        let mut found = fuzzy_terms(searcher, f.name, word, distance)?;
        for (t, d, df) in fuzzy_terms(searcher, f.meta, word, distance)? {
            match found.iter_mut().find(|(x, _, _)| *x == t) {
                Some(e) => e.2 += df,
                None => found.push((t, d, df)),
            }
        }
        let from_body = found.is_empty();
        if from_body {
            found = fuzzy_terms(searcher, f.body, word, distance)?;
        }
        found.sort_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)).then(a.0.cmp(&b.0)));
        for (t, d, _) in found.into_iter().take(MAX_FUZZY) {
            let w = if d <= 1 { W_FUZZY1 } else { W_FUZZY2 };
            alts.push(Alt::new(cx, vec![t], w, from_body));
        }
    }
    // Complete the word being typed, unless it is already a known name word of 3+ letters.
    if complete && len >= 2 && !numeric && (df_strong == 0 || len <= 2) {
        for (t, _) in prefix_terms(searcher, f.name, word)? {
            if !alts.iter().any(|a| a.words[0] == t) {
                alts.push(Alt::new(cx, vec![t], W_PREFIX, false));
            }
        }
    }
    Ok((alts, common))
}

fn units(cx: Ctx<'_>, text: &str) -> tantivy::Result<Vec<Unit>> {
    let words: Vec<String> = analyze(text).into_iter().map(|w| w.text).collect();
    let typing = !text.ends_with(char::is_whitespace);
    let syn = table();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if let Some((len, alts)) = syn.longest_match(&words, i) {
            let mut unit_alts = vec![Alt::new(cx, words[i..i + len].to_vec(), 1.0, true)];
            // A longer alternative would score more words: scale it back to the span.
            // Earlier alternatives are the closer ones ("làm lại": "cấp lại", then "cấp đổi").
            for (k, a) in alts.iter().enumerate() {
                let w =
                    (W_SYNONYM - 0.1 * k as f32).max(0.5) * (len as f32 / a.len() as f32).min(1.0);
                unit_alts.push(Alt::new(cx, a.clone(), w, true));
            }
            unit_alts.retain(Alt::occurs);
            if !unit_alts.is_empty() {
                // A phrase satisfied by half the catalog ("doanh nghiệp") does not
                // discriminate.
                let common = unit_alts.iter().any(|a| a.common(cx.stats.docs()));
                out.push(Unit {
                    alts: unit_alts,
                    optional: common,
                    filler: false,
                    pair_alts: 2,
                });
            }
            i += len;
            continue;
        }
        let last = i + 1 == words.len();
        let (mut alts, common) = word_unit(cx, &words[i], last && typing)?;
        alts.retain(Alt::occurs);
        if !alts.is_empty() {
            let filler = syn.is_optional(&words[i]);
            out.push(Unit {
                alts,
                optional: common || filler,
                filler,
                pair_alts: 1,
            });
        }
        i += 1;
    }
    if out.iter().all(|u| u.optional) {
        for u in &mut out {
            u.optional = false;
        }
    }
    Ok(out)
}

/// How many of `n` required units must match.
pub fn minimum_match(n: usize) -> usize {
    match n {
        0..=3 => n,
        4..=6 => n - 1,
        _ => (n * 7).div_ceil(10),
    }
}

/// Builds the query for `text`; `None` when nothing in it can match. `relaxed` requires a
/// single unit only (the fallback when the strict query finds nothing).
pub(crate) fn plan(cx: Ctx<'_>, text: &str, relaxed: bool) -> tantivy::Result<Option<Plan>> {
    let units = units(cx, text)?;
    let mut highlight: HashSet<String> = HashSet::new();
    let mut unit_words: Vec<Vec<String>> = Vec::new();
    let mut required: Clauses = Vec::new();
    let mut outer: Clauses = Vec::new();
    for u in &units {
        let mut clauses = Vec::new();
        for a in &u.alts {
            push_alt(&mut clauses, cx, a);
        }
        if clauses.is_empty() {
            continue;
        }
        if !u.filler {
            let mut words: Vec<String> = Vec::new();
            for w in u.alts.iter().flat_map(|a| &a.words) {
                if !words.contains(w) {
                    words.push(w.clone());
                }
            }
            highlight.extend(words.iter().cloned());
            unit_words.push(words);
        }
        if u.optional {
            outer.extend(clauses);
        } else if clauses.len() == 1 {
            // No union (and its buffer) around a single clause.
            required.extend(clauses);
        } else {
            required.push((Occur::Should, Box::new(BooleanQuery::new(clauses))));
        }
    }
    // Adjacent pairs across units: the word (or its best correction) of a word unit, the
    // phrase and its closest synonym of a synonym unit.
    for pair in units.windows(2) {
        for a in pair[0].alts.iter().take(pair[0].pair_alts) {
            for b in pair[1].alts.iter().take(pair[1].pair_alts) {
                let (Some(x), Some(y)) = (a.words.last(), b.words.first()) else {
                    continue;
                };
                push_pair(
                    &mut outer,
                    cx,
                    (x, y),
                    a.weight * b.weight,
                    a.body && b.body,
                );
            }
        }
    }
    let n = required.len();
    if n == 0 {
        return Ok(None);
    }
    let min = if relaxed { 1 } else { minimum_match(n) };
    let core: Box<dyn Query> = if n == 1 {
        required
            .pop()
            .map_or_else(|| Box::new(EmptyQuery) as Box<dyn Query>, |c| c.1)
    } else if min == n {
        // All required: an intersection (leapfrog) is much cheaper than a counting union.
        Box::new(BooleanQuery::new(
            required
                .into_iter()
                .map(|(_, q)| (Occur::Must, q))
                .collect(),
        ))
    } else {
        Box::new(BooleanQuery::with_minimum_required_clauses(required, min))
    };
    outer.insert(0, (Occur::Must, core));
    let mut highlight: Vec<String> = highlight.into_iter().collect();
    highlight.sort();
    Ok(Some(Plan {
        query: Box::new(BooleanQuery::with_minimum_required_clauses(outer, 0)),
        highlight,
        unit_words,
        required: n,
    }))
}

pub(crate) fn filter_clauses(f: &Fields, filters: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (field, values) in [
        (f.f_field, &filters.fields),
        (f.f_agency, &filters.agencies),
        (f.f_level, &filters.levels),
        (f.f_online, &filters.online_levels),
        (f.f_subject, &filters.subjects),
    ] {
        let terms: Vec<Box<dyn Query>> = values
            .iter()
            .map(|v| normalize_facet(v))
            .filter(|v| !v.is_empty())
            .map(|v| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &v),
                    IndexRecordOption::Basic,
                ))
            })
            .collect();
        if terms.is_empty() {
            continue;
        }
        let any = BooleanQuery::union(terms);
        out.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(any), 0.0)),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::minimum_match;

    #[test]
    fn minimum_should_match() {
        assert_eq!(minimum_match(1), 1);
        assert_eq!(minimum_match(3), 3);
        assert_eq!(minimum_match(4), 3);
        assert_eq!(minimum_match(6), 5);
        assert_eq!(minimum_match(10), 7);
    }
}
