//! Highlighting: the name cut into plain and matched parts, and a body snippet around the
//! densest group of matches. Matching is done on folded words, the segments carry the
//! original text (with its diacritics).

use aho_corasick::packed;
use memchr::memmem;
use serde::{Deserialize, Serialize};

use crate::analyzer::adjacent;
use crate::doc::{DocData, NameWord, word_key};
use crate::fold::{canonical_words, fold_byte};

/// Target length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 180;
/// Characters of the body searched for matches at most (the steps come first).
pub const SCAN_CHARS: usize = 4_096;
/// Characters searched at a time.
const CHUNK_CHARS: usize = 1_024;
/// Occurrences of one term considered when placing the snippet.
const MAX_OCCURRENCES: usize = 16;

/// A piece of text, matched or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Segment {
    pub text: String,
    pub highlighted: bool,
}

/// Renders segments as HTML: text escaped, matched parts in `<mark>`.
pub fn to_html(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        if s.highlighted {
            out.push_str("<mark>");
        }
        for c in s.text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c => out.push(c),
            }
        }
        if s.highlighted {
            out.push_str("</mark>");
        }
    }
    out
}

/// Plain text of segments.
pub fn plain_text(segments: &[Segment]) -> String {
    segments.iter().map(|s| s.text.as_str()).collect()
}

fn push_plain(out: &mut Vec<Segment>, text: &str, collapse: bool) {
    if text.is_empty() {
        return;
    }
    if !matches!(out.last(), Some(last) if !last.highlighted) {
        out.push(Segment {
            text: String::with_capacity(text.len()),
            highlighted: false,
        });
    }
    let Some(last) = out.last_mut() else {
        return;
    };
    if !collapse {
        last.text.push_str(text);
        return;
    }
    let mut space = last.text.ends_with(' ');
    for c in text.chars() {
        if c.is_whitespace() {
            if !space {
                last.text.push(' ');
            }
            space = true;
        } else {
            last.text.push(c);
            space = false;
        }
    }
}

/// Cuts `text[from..to]` into segments appended to `out`, `ranges` (sorted byte ranges
/// inside) highlighted; ranges separated by white space only are merged ("khai sinh" is one
/// mark). `collapse` turns runs of white space of the plain parts into single spaces.
fn cut_into(
    out: &mut Vec<Segment>,
    text: &str,
    (from, to): (usize, usize),
    ranges: &[(usize, usize)],
    collapse: bool,
) {
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for &(a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 || adjacent(text, last.1, a) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut at = from;
    for (a, b) in merged {
        push_plain(out, &text[at..a], collapse);
        out.push(Segment {
            text: text[a..b].to_owned(),
            highlighted: true,
        });
        at = b;
    }
    push_plain(out, &text[at..to], collapse);
}

/// What one search highlights, prepared once for all its hits.
pub(crate) struct Highlighter {
    /// Sorted [`word_key`]s of the words to mark in names.
    keys: Vec<u64>,
    /// The words longer than 8 bytes, to confirm a key match.
    long: Vec<String>,
    /// Snippet terms (folded ASCII words), in pattern order.
    terms: Vec<Term>,
    /// All terms in one SIMD (Teddy) multi-pattern searcher, when the CPU allows it…
    packed: Option<packed::Searcher>,
    /// … else one substring finder per term.
    finders: Vec<memmem::Finder<'static>>,
    max_len: usize,
    units: usize,
}

struct Term {
    len: usize,
    /// Digits (else letters): what may not touch the match on either side.
    digit: bool,
    unit: usize,
}

impl Highlighter {
    /// `words`: every folded word to mark; `units`: per query unit, the words satisfying it.
    pub fn new(words: &[String], units: &[Vec<String>]) -> Self {
        let mut keys: Vec<u64> = words.iter().map(|w| word_key(w)).collect();
        keys.sort_unstable();
        keys.dedup();
        let long = words.iter().filter(|w| w.len() > 8).cloned().collect();
        let mut patterns: Vec<&str> = Vec::new();
        let mut terms = Vec::new();
        for (u, ws) in units.iter().enumerate() {
            for w in ws {
                // The folded body is ASCII.
                if !w.is_empty() && w.is_ascii() && !patterns.contains(&w.as_str()) {
                    patterns.push(w);
                    terms.push(Term {
                        len: w.len(),
                        digit: w.as_bytes()[0].is_ascii_digit(),
                        unit: u,
                    });
                }
            }
        }
        let packed = packed::Config::new()
            .match_kind(packed::MatchKind::LeftmostLongest)
            .builder()
            .extend(&patterns)
            .build();
        let finders = if packed.is_some() {
            Vec::new()
        } else {
            patterns
                .iter()
                .map(|p| memmem::Finder::new(p.as_bytes()).into_owned())
                .collect()
        };
        Highlighter {
            keys,
            long,
            max_len: terms.iter().map(|t| t.len).max().unwrap_or(1),
            terms,
            packed,
            finders,
            units: units.len(),
        }
    }

    /// Adds the whole-word matches starting in `folded[from..to]` to `occ` as (char
    /// position, length, unit), at most [`MAX_OCCURRENCES`] per term.
    fn scan(
        &self,
        folded: &[u8],
        (from, to): (usize, usize),
        counts: &mut [usize],
        occ: &mut Vec<(usize, usize, usize)>,
    ) {
        let n = folded.len();
        let mut accept = |ti: usize, pos: usize| {
            let t = &self.terms[ti];
            let end = pos + t.len;
            if counts[ti] < MAX_OCCURRENCES
                && (pos == 0 || !is_word_byte(folded[pos - 1], t.digit))
                && (end == n || !is_word_byte(folded[end], t.digit))
            {
                counts[ti] += 1;
                occ.push((pos, t.len, t.unit));
            }
        };
        let hay = &folded[from..(to + self.max_len - 1).min(n)];
        if let Some(p) = &self.packed {
            for m in p.find_iter(hay) {
                if from + m.start() >= to {
                    break;
                }
                accept(m.pattern().as_usize(), from + m.start());
            }
        } else {
            for (ti, f) in self.finders.iter().enumerate() {
                for p in f.find_iter(hay) {
                    if from + p >= to {
                        break;
                    }
                    accept(ti, from + p);
                }
            }
        }
    }

    fn marks(&self, w: &NameWord) -> bool {
        self.keys.binary_search(&w.key).is_ok()
            && w.long
                .as_deref()
                .is_none_or(|l| self.long.iter().any(|x| x == l))
    }

    /// The name with the query's words highlighted.
    pub fn name(&self, doc: &DocData) -> Vec<Segment> {
        let ranges: Vec<(usize, usize)> = doc
            .name_words
            .iter()
            .filter(|w| self.marks(w))
            .map(|w| (w.from as usize, w.to as usize))
            .collect();
        let mut out = Vec::with_capacity(2 * ranges.len() + 1);
        cut_into(&mut out, &doc.name, (0, doc.name.len()), &ranges, false);
        out
    }
}

fn is_word_byte(b: u8, digit: bool) -> bool {
    if digit {
        b.is_ascii_digit()
    } else {
        b.is_ascii_alphabetic() || b == b'_'
    }
}

/// Byte offsets in `text` of char positions given in ascending order (`text.len()` past the
/// end), in one walk.
fn chars_to_bytes(text: &str, chars: &[usize]) -> Vec<usize> {
    let (mut ci, mut bi) = (0, 0);
    let mut it = text.chars();
    chars
        .iter()
        .map(|&target| {
            while ci < target {
                match it.next() {
                    Some(c) => {
                        bi += c.len_utf8();
                        ci += 1;
                    }
                    None => return text.len(),
                }
            }
            bi
        })
        .collect()
}

/// The window of at most [`SNIPPET_CHARS`] covering occurrences of the most units:
/// (first occurrence index, one past the last, units covered).
fn best_window(occ: &[(usize, usize, usize)], units: usize) -> (usize, usize, usize) {
    let (mut best_i, mut best_j, mut best_score) = (0, 0, 0usize);
    let mut seen = vec![0u32; units];
    let mut covered = 0;
    let mut j = 0;
    for i in 0..occ.len() {
        while j < occ.len() && occ[j].0 + occ[j].1 <= occ[i].0 + SNIPPET_CHARS {
            if seen[occ[j].2] == 0 {
                covered += 1;
            }
            seen[occ[j].2] += 1;
            j += 1;
        }
        if covered > best_score {
            (best_i, best_j, best_score) = (i, j, covered);
        }
        seen[occ[i].2] -= 1;
        if seen[occ[i].2] == 0 {
            covered -= 1;
        }
    }
    (best_i, best_j, best_score)
}

/// [`crate::fold::fold_bytes`] of a text, made as far as it is read: most snippets are
/// found in a body's first lines, so most of the kept text is never folded.
pub(crate) struct LazyFold<'a> {
    rest: std::str::Chars<'a>,
    /// One byte per char folded so far; ends at a word boundary (after a separator) or at
    /// the end of the text, so words are made canonical whole.
    pub out: Vec<u8>,
}

/// Chars of each body folded once, when it is indexed ([`DocData::head_folded`]): the first
/// chunk the snippet finder scans, where it usually stops.
pub(crate) const PREFOLDED_CHARS: usize = CHUNK_CHARS + 64;

impl<'a> LazyFold<'a> {
    /// Folding `text`, of which `done` (ending at a word boundary) is already folded.
    pub fn new(text: &'a str, done: &[u8]) -> Self {
        let mut out = Vec::with_capacity(done.len().max(CHUNK_CHARS) + 128);
        out.extend_from_slice(done);
        let mut rest = text.chars();
        for _ in 0..done.len() {
            rest.next();
        }
        LazyFold { rest, out }
    }

    /// Folds at least the first `chars` chars (fewer only at the end of the text), then on
    /// to the end of the word there.
    pub fn extend_to(&mut self, chars: usize) {
        let from = self.out.len();
        if from >= chars {
            return;
        }
        for c in self.rest.by_ref() {
            let b = fold_byte(c);
            self.out.push(b);
            if self.out.len() >= chars && b == b' ' {
                break;
            }
        }
        canonical_words(&mut self.out[from..]);
    }
}

/// A passage of the body around the densest group of matches, matches highlighted; the
/// start of the body when nothing matches. The best window covers the most query units
/// (a unit is covered by any of its words). The body is scanned by chunks of
/// [`CHUNK_CHARS`] and the scan stops as soon as a window covers every unit (most bodies
/// mention the procedure in their first lines), all but one after two chunks, or after
/// [`SCAN_CHARS`].
pub(crate) fn snippet_segments(h: &Highlighter, doc: &DocData) -> Vec<Segment> {
    let body = &*doc.body_head;
    let mut folded = LazyFold::new(body, &doc.head_folded);
    let n = doc.head_chars as usize;
    if n == 0 {
        return Vec::new();
    }
    let units = h.units;
    let limit = n.min(SCAN_CHARS);
    let mut counts = vec![0usize; h.terms.len()];
    // (char position, length, unit)
    let mut occ: Vec<(usize, usize, usize)> = Vec::new();
    let (mut best_i, mut best_j, mut best_score) = (0, 0, 0);
    let mut scanned = 0;
    while scanned < limit && !h.terms.is_empty() {
        let to = (scanned + CHUNK_CHARS).min(limit);
        folded.extend_to(to + h.max_len);
        h.scan(&folded.out, (scanned, to), &mut counts, &mut occ);
        scanned = to;
        occ.sort_unstable();
        (best_i, best_j, best_score) = best_window(&occ, units);
        // Every unit in view, or all but one once two chunks were read: good enough for a
        // preview, and most bodies are then read no further.
        if best_score == units
            || (scanned >= 2 * CHUNK_CHARS && best_score + 1 >= units && best_score > 0)
        {
            break;
        }
    }

    let (first, last_end) = if best_score == 0 {
        (0, 0)
    } else {
        (occ[best_i].0, occ[best_j - 1].0 + occ[best_j - 1].1)
    };
    let slack = SNIPPET_CHARS.saturating_sub(last_end - first);
    let mut start = first - first.min(slack / 3);
    let mut end = (start + SNIPPET_CHARS).max(last_end).min(n);
    folded.extend_to(end + 1);
    let folded = &folded.out;
    // Do not cut words.
    while start > 0 && start < first && folded[start - 1] != b' ' {
        start += 1;
    }
    while end < n && end > last_end && folded[end] != b' ' {
        end -= 1;
    }

    let window = &occ[best_i..best_j];
    // Char positions (ascending) to byte offsets, in one pass.
    let mut chars = Vec::with_capacity(2 + 2 * window.len());
    chars.push(start);
    for &(p, l, _) in window {
        chars.extend([p, p + l]);
    }
    chars.push(end);
    let bytes = chars_to_bytes(body, &chars);
    let (b_start, b_end) = (bytes[0], bytes[bytes.len() - 1]);
    let ranges: Vec<(usize, usize)> = bytes[1..bytes.len() - 1]
        .chunks_exact(2)
        .map(|r| (r[0], r[1]))
        .collect();

    let mut out = Vec::with_capacity(2 * ranges.len() + 2);
    if b_start > 0 {
        push_plain(&mut out, "… ", false);
    }
    cut_into(&mut out, body, (b_start, b_end), &ranges, true);
    if b_end < body.len() || doc.body_cut {
        push_plain(&mut out, " …", false);
    }
    if let Some(first) = out.first_mut()
        && !first.highlighted
    {
        let trimmed = first.text.trim_start().to_owned();
        first.text = trimmed;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::SearchDoc;

    fn data(name: &str, body: &str) -> DocData {
        let doc = SearchDoc {
            code: "1".into(),
            name: name.into(),
            body: body.into(),
            ..SearchDoc::default()
        };
        DocData::new(&doc, &crate::doc::nfc_body(&doc))
    }

    fn words(ws: &[&str]) -> Vec<String> {
        ws.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn snippet_marks_whole_words_and_maps_back_to_the_original() {
        let body = format!(
            "{}Bước 1: Người đi đăng ký khai sinh nộp tờ khai. Khai thác, sinh hoạt.\n\nBước 2: {}",
            "Trình tự. ".repeat(40),
            "Cán bộ tư pháp ghi vào Sổ đăng ký khai sinh. ".repeat(20)
        );
        let doc = data("Thủ tục đăng ký khai sinh", &body);
        let units = vec![words(&["khai"]), words(&["sinh"])];
        let all = words(&["khai", "sinh"]);
        let h = Highlighter::new(&all, &units);
        let s = snippet_segments(&h, &doc);
        let text = plain_text(&s);
        assert!(text.starts_with("… "), "{text}");
        assert!(text.chars().count() <= SNIPPET_CHARS + 6, "{text}");
        let marked: Vec<&str> = s
            .iter()
            .filter(|x| x.highlighted)
            .map(|x| x.text.as_str())
            .collect();
        assert_eq!(marked[0], "khai sinh", "{s:?}");
        assert!(
            marked
                .iter()
                .all(|m| m.to_lowercase().contains("khai") || m.to_lowercase().contains("sinh"))
        );

        // The fallback (one finder per term) finds the same.
        let mut slow = Highlighter::new(&all, &units);
        slow.finders = ["khai", "sinh"]
            .iter()
            .map(|p| memmem::Finder::new(p.as_bytes()).into_owned())
            .collect();
        slow.packed = None;
        assert_eq!(snippet_segments(&slow, &doc), s);

        let name = h.name(&doc);
        assert_eq!(plain_text(&name), "Thủ tục đăng ký khai sinh");
        assert_eq!(name.last().unwrap().text, "khai sinh");
    }

    #[test]
    fn snippet_without_match_is_the_start() {
        let doc = data("X", "Một hai ba bốn năm sáu bảy tám chín mười.");
        let h = Highlighter::new(&words(&["zzz"]), &[words(&["zzz"])]);
        let s = snippet_segments(&h, &doc);
        assert_eq!(plain_text(&s), "Một hai ba bốn năm sáu bảy tám chín mười.");
        assert!(s.iter().all(|x| !x.highlighted));
        assert!(snippet_segments(&h, &data("X", "")).is_empty());
    }

    #[test]
    fn a_long_body_is_kept_only_as_far_as_snippets_reach() {
        // A match just before the end of the scan: the snippet is the same as if the whole
        // body were kept, and it says the body goes on.
        let filler = "Nộp hồ sơ tại bộ phận một cửa. ";
        let lead = filler.repeat((SCAN_CHARS - 100) / filler.chars().count());
        let body = format!("{lead}Đăng ký khai sinh. {}", filler.repeat(400));
        let doc = data("X", &body);
        assert!(doc.body_cut);
        assert_eq!(doc.body_head.chars().count(), crate::doc::HEAD_CHARS);
        let h = Highlighter::new(
            &words(&["khai", "sinh"]),
            &[words(&["khai"]), words(&["sinh"])],
        );
        let s = snippet_segments(&h, &doc);
        let text = plain_text(&s);
        assert!(text.starts_with("… ") && text.ends_with(" …"), "{text}");
        assert!(
            s.iter().any(|x| x.highlighted && x.text == "khai sinh"),
            "{s:?}"
        );
        // Never a word cut at the end of what is kept.
        let last = text.trim_end_matches(" …");
        let last_word = last.rsplit(' ').next().unwrap();
        assert!(body.contains(&format!("{last_word} ")), "{text}");

        // A short body is kept whole.
        let short = data("X", "Đăng ký khai sinh.");
        assert!(!short.body_cut);
        assert_eq!(&*short.body_head, "Đăng ký khai sinh.");
        assert!(!plain_text(&snippet_segments(&h, &short)).ends_with('…'));
    }

    #[test]
    fn lazy_folding_gives_what_folding_the_whole_text_gives() {
        let text =
            "Ký  quỹ, kỳ hạn: Quí khách hàng 12/2026 — HỘ KHẨU đăng ký khai sinh. ".repeat(9);
        let whole = crate::fold::fold_bytes(&text);
        for step in [1, 3, 7, 64, 1000] {
            let mut lazy = LazyFold::new(&text, &[]);
            let mut at = 0;
            while at < whole.len() + step {
                at += step;
                lazy.extend_to(at);
                assert!(lazy.out.len() >= at.min(whole.len()));
                assert_eq!(
                    lazy.out[..],
                    whole[..lazy.out.len()],
                    "step {step}, at {at}"
                );
            }
            assert_eq!(lazy.out, whole);
        }
        // Resumed after a part folded beforehand.
        let mut first = LazyFold::new(&text, &[]);
        first.extend_to(40);
        let mut resumed = LazyFold::new(&text, &first.out);
        resumed.extend_to(whole.len());
        assert_eq!(resumed.out, whole);
    }
}
