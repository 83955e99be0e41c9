//! Highlighting: the name cut into plain and matched parts, and a body snippet around the
//! densest group of matches. Matching is done on folded words, the segments carry the
//! original text (with its diacritics).

use memchr::memmem;
use serde::{Deserialize, Serialize};

use crate::analyzer::adjacent;
use crate::doc::{DocData, MARK_EVERY};

/// Target length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 180;
/// Characters of the body searched for matches at most (the steps come first).
pub const SCAN_CHARS: usize = 6_000;
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
    let text = if collapse {
        let mut s = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if c.is_whitespace() {
                if !space {
                    s.push(' ');
                }
                space = true;
            } else {
                s.push(c);
                space = false;
            }
        }
        s
    } else {
        text.to_owned()
    };
    match out.last_mut() {
        Some(last) if !last.highlighted => last.text.push_str(&text),
        _ => out.push(Segment {
            text,
            highlighted: false,
        }),
    }
}

/// Cuts `text[from..to]` into segments, `ranges` (sorted byte ranges inside) highlighted;
/// ranges separated by white space only are merged ("khai sinh" is one mark).
fn cut(
    text: &str,
    from: usize,
    to: usize,
    ranges: &[(usize, usize)],
    collapse: bool,
) -> Vec<Segment> {
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for &(a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 || adjacent(text, last.1, a) => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = Vec::new();
    let mut at = from;
    for (a, b) in merged {
        push_plain(&mut out, &text[at..a], collapse);
        out.push(Segment {
            text: text[a..b].to_owned(),
            highlighted: true,
        });
        at = b;
    }
    push_plain(&mut out, &text[at..to], collapse);
    out
}

/// The first 8 bytes of a folded word as an integer: exact for words of up to 8 bytes
/// (Vietnamese syllables), a prefilter for longer ones.
fn word_key(w: &str) -> u64 {
    let b = w.as_bytes();
    let mut k = [0u8; 8];
    let n = b.len().min(8);
    k[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(k)
}

/// What one search highlights, prepared once for all its hits.
pub(crate) struct Highlighter {
    /// Sorted [`word_key`]s of the words to mark in names.
    keys: Vec<u64>,
    /// The words longer than 8 bytes, to confirm a key match.
    long: Vec<String>,
    /// Snippet terms: finder, length, digits or letters, unit.
    terms: Vec<(memmem::Finder<'static>, usize, bool, usize)>,
    units: usize,
}

impl Highlighter {
    /// `words`: every folded word to mark; `units`: per query unit, the words satisfying it.
    pub fn new(words: &[String], units: &[Vec<String>]) -> Self {
        let mut keys: Vec<u64> = words.iter().map(|w| word_key(w)).collect();
        keys.sort_unstable();
        keys.dedup();
        let long = words.iter().filter(|w| w.len() > 8).cloned().collect();
        let mut terms: Vec<(memmem::Finder<'static>, usize, bool, usize)> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for (u, ws) in units.iter().enumerate() {
            for w in ws {
                // The folded body is ASCII.
                if !w.is_empty() && w.is_ascii() && !seen.contains(&w.as_str()) {
                    seen.push(w);
                    let digit = w.as_bytes()[0].is_ascii_digit();
                    terms.push((
                        memmem::Finder::new(w.as_bytes()).into_owned(),
                        w.len(),
                        digit,
                        u,
                    ));
                }
            }
        }
        Highlighter {
            keys,
            long,
            terms,
            units: units.len(),
        }
    }

    fn marks(&self, w: &str) -> bool {
        self.keys.binary_search(&word_key(w)).is_ok()
            && (w.len() <= 8 || self.long.iter().any(|l| l == w))
    }

    /// The name with the query's words highlighted.
    pub fn name(&self, doc: &DocData) -> Vec<Segment> {
        let ranges: Vec<(usize, usize)> = doc
            .name_words
            .iter()
            .filter(|w| self.marks(&w.text))
            .map(|w| (w.from, w.to))
            .collect();
        cut(&doc.name, 0, doc.name.len(), &ranges, false)
    }
}

fn is_word_byte(b: u8, digit: bool) -> bool {
    if digit {
        b.is_ascii_digit()
    } else {
        b.is_ascii_alphabetic() || b == b'_'
    }
}

/// Byte offset in `doc.body` of char position `c` (`body.len()` past the end).
fn char_to_byte(doc: &DocData, c: usize) -> usize {
    let Some(&mark) = doc.body_marks.get(c / MARK_EVERY) else {
        return doc.body.len();
    };
    let mark = mark as usize;
    doc.body[mark..]
        .char_indices()
        .nth(c % MARK_EVERY)
        .map_or(doc.body.len(), |(b, _)| mark + b)
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

/// A passage of the body around the densest group of matches, matches highlighted; the
/// start of the body when nothing matches. The best window covers the most query units
/// (a unit is covered by any of its words). The body is scanned by chunks of
/// [`CHUNK_CHARS`] and the scan stops as soon as a window covers every unit (most bodies
/// mention the procedure in their first lines), all but one after two chunks, or after
/// [`SCAN_CHARS`].
pub(crate) fn snippet_segments(h: &Highlighter, doc: &DocData) -> Vec<Segment> {
    let folded = doc.body_folded.as_bytes();
    let n = folded.len();
    if n == 0 {
        return Vec::new();
    }
    let terms = &h.terms;
    let units = h.units;
    let limit = n.min(SCAN_CHARS);
    let mut counts = vec![0usize; terms.len()];
    // (char position, length, unit)
    let mut occ: Vec<(usize, usize, usize)> = Vec::new();
    let (mut best_i, mut best_j, mut best_score) = (0, 0, 0);
    let mut scanned = 0;
    while scanned < limit {
        let to = (scanned + CHUNK_CHARS).min(limit);
        for (ti, (finder, len, digit, unit)) in terms.iter().enumerate() {
            let (len, digit, unit) = (*len, *digit, *unit);
            if counts[ti] >= MAX_OCCURRENCES {
                continue;
            }
            let hay = &folded[scanned..(to + len - 1).min(n)];
            for p in finder.find_iter(hay) {
                let pos = scanned + p;
                let end = pos + len;
                let before_ok = pos == 0 || !is_word_byte(folded[pos - 1], digit);
                let after_ok = end == n || !is_word_byte(folded[end], digit);
                if before_ok && after_ok {
                    occ.push((pos, len, unit));
                    counts[ti] += 1;
                    if counts[ti] == MAX_OCCURRENCES {
                        break;
                    }
                }
            }
        }
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
    // Do not cut words.
    while start > 0 && start < first && folded[start - 1] != b' ' {
        start += 1;
    }
    while end < n && end > last_end && folded[end] != b' ' {
        end -= 1;
    }

    let window = &occ[best_i..best_j];
    let to_byte = |c: usize| char_to_byte(doc, c);
    let (b_start, b_end) = (to_byte(start), to_byte(end));
    let ranges: Vec<(usize, usize)> = window
        .iter()
        .map(|&(p, l, _)| (to_byte(p), to_byte(p + l)))
        .collect();

    let mut out = Vec::new();
    if b_start > 0 {
        push_plain(&mut out, "… ", false);
    }
    let body_segments = cut(&doc.body, b_start, b_end, &ranges, true);
    for s in body_segments {
        if s.highlighted {
            out.push(s);
        } else {
            push_plain(&mut out, &s.text, false);
        }
    }
    if b_end < doc.body.len() {
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
