//! Autocomplete on procedure names: a sorted array of the folded name suffixes starting at
//! each word, searched by binary search. "khai si" completes to every name containing a word
//! sequence starting with "khai si" — "Thủ tục đăng ký khai sinh", … — ranked by where the
//! match starts (at the beginning of the name, ignoring a leading "Thủ tục", first), then by
//! name length, then by code.

use std::sync::Arc;

use crate::doc::DocData;
use crate::fold::analyze;

/// Matches examined per call at most (the prefix "c" matches tens of thousands).
const MAX_SCAN: usize = 20_000;

pub(crate) struct Suggester {
    /// Folded names: words joined by single spaces.
    names: Vec<String>,
    /// Offset of the name proper (after a leading "thu tuc ").
    heads: Vec<usize>,
    docs: Vec<Arc<DocData>>,
    /// (name index, byte offset of a word start), sorted by the suffix text.
    suffixes: Vec<(u32, u32)>,
}

fn folded_words(text: &str) -> String {
    analyze(text)
        .into_iter()
        .map(|w| w.text)
        .collect::<Vec<_>>()
        .join(" ")
}

impl Suggester {
    pub fn new<'a>(docs: impl IntoIterator<Item = &'a Arc<DocData>>) -> Self {
        let mut docs: Vec<Arc<DocData>> = docs.into_iter().cloned().collect();
        docs.sort_by(|a, b| a.code.cmp(&b.code));
        let names: Vec<String> = docs.iter().map(|d| folded_words(&d.name)).collect();
        let heads = names
            .iter()
            .map(|n| if n.starts_with("thu tuc ") { 8 } else { 0 })
            .collect();
        let mut suffixes = Vec::new();
        for (i, n) in names.iter().enumerate() {
            let mut at_start = true;
            for (b, c) in n.char_indices() {
                if at_start {
                    suffixes.push((i as u32, b as u32));
                }
                at_start = c == ' ';
            }
        }
        suffixes.sort_unstable_by(|a, b| {
            names[a.0 as usize][a.1 as usize..].cmp(&names[b.0 as usize][b.1 as usize..])
        });
        Suggester {
            names,
            heads,
            docs,
            suffixes,
        }
    }

    fn suffix(&self, s: (u32, u32)) -> &str {
        &self.names[s.0 as usize][s.1 as usize..]
    }

    /// Up to `limit` (code, name) completing `prefix`.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<(String, String)> {
        let mut q = folded_words(prefix);
        if q.is_empty() || limit == 0 {
            return Vec::new();
        }
        if prefix.ends_with(char::is_whitespace) {
            q.push(' ');
        }
        let lo = self
            .suffixes
            .partition_point(|&s| self.suffix(s) < q.as_str());
        // (rank, name length, name index)
        let mut found: Vec<(u8, usize, u32)> = Vec::new();
        for &s in self.suffixes[lo..].iter().take(MAX_SCAN) {
            if !self.suffix(s).starts_with(q.as_str()) {
                break;
            }
            let i = s.0 as usize;
            let at = s.1 as usize;
            let rank = if at == 0 || at == self.heads[i] { 0 } else { 1 };
            found.push((rank, self.names[i].len(), s.0));
        }
        found.sort_unstable();
        let mut out: Vec<(String, String)> = Vec::with_capacity(limit);
        let mut taken: Vec<u32> = Vec::with_capacity(limit);
        for (_, _, i) in found {
            if taken.contains(&i) {
                continue;
            }
            taken.push(i);
            let d = &self.docs[i as usize];
            out.push((d.code.clone(), d.name.clone()));
            if out.len() == limit {
                break;
            }
        }
        out
    }

    pub fn heap_size(&self) -> usize {
        self.names.iter().map(String::capacity).sum::<usize>()
            + self.suffixes.capacity() * 8
            + self.heads.capacity() * 8
            + self.docs.capacity() * 8
    }
}
