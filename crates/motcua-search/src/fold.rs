//! Diacritics folding and word splitting — the single source of truth for how text becomes
//! terms, shared by the tantivy analyzers ([`crate::analyzer`]), the query builder, the
//! highlighter and the autocompleter.
//!
//! * [`fold`]: lowercase, every Vietnamese tone and vowel mark removed, `đ`/`Đ` → `d`
//!   ("Đăng ký khai sinh" → "dang ky khai sinh"). Other Latin accents are removed the same
//!   way (canonical decomposition); combining marks (NFD input) are dropped. Folding is
//!   idempotent and turns Vietnamese text into ASCII.
//! * Words are maximal runs of letters or of digits: "việc5,000" → `viec`, `5`, `000`;
//!   "53/2025/TT-BCA" → `53`, `2025`, `tt`, `bca`.
//! * [`canonical_word`]: the spelling variants `i`/`y` after a single consonant ("lý"/"lí",
//!   "kỳ"/"kì", "sĩ"/"sỹ") and "qui"/"quy" are merged, so "ly lich" finds "lí lịch".

use std::sync::LazyLock;

use unicode_normalization::char::decompose_canonical;

/// First code point of the Latin-1 Supplement / Latin Extended-A/B range with Vietnamese
/// letters (`À`), and one past the last (`ư` is U+01B0).
const LATIN_LO: u32 = 0x00C0;
const LATIN_HI: u32 = 0x01B1;
/// The Vietnamese part of Latin Extended Additional (`Ạ` … `ỹ`).
const VI_LO: u32 = 0x1EA0;
const VI_HI: u32 = 0x1EFA;

/// For each code point of the two ranges, the folded ASCII letter, or 0 when the character
/// has no ASCII base letter. Built once from the canonical decompositions.
static TABLES: LazyLock<(Vec<u8>, Vec<u8>)> = LazyLock::new(|| {
    let build = |lo: u32, hi: u32| -> Vec<u8> {
        (lo..hi)
            .map(|cp| {
                let Some(c) = char::from_u32(cp) else {
                    return 0;
                };
                if matches!(c, 'đ' | 'Đ' | 'Ð') {
                    return b'd';
                }
                let mut base = None;
                decompose_canonical(c, |d| {
                    if base.is_none() {
                        base = Some(d);
                    }
                });
                match base {
                    Some(b) if b.is_ascii_alphabetic() && b != c => b.to_ascii_lowercase() as u8,
                    _ => 0,
                }
            })
            .collect()
    };
    (build(LATIN_LO, LATIN_HI), build(VI_LO, VI_HI))
});

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF)
}

/// The ASCII letter a non-ASCII character folds to, if any.
fn table_fold(c: char) -> Option<u8> {
    let cp = c as u32;
    let (latin, vi) = &*TABLES;
    let b = if (LATIN_LO..LATIN_HI).contains(&cp) {
        latin[(cp - LATIN_LO) as usize]
    } else if (VI_LO..VI_HI).contains(&cp) {
        vi[(cp - VI_LO) as usize]
    } else {
        0
    };
    (b != 0).then_some(b)
}

/// Appends the folded form of `c` to `out`.
#[inline]
pub fn fold_char_into(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else if let Some(b) = table_fold(c) {
        out.push(b as char);
    } else if is_combining(c) {
    } else {
        for l in c.to_lowercase() {
            if l.is_ascii() {
                out.push(l);
            } else if let Some(b) = table_fold(l) {
                out.push(b as char);
            } else if !is_combining(l) {
                out.push(l);
            }
        }
    }
}

/// Lowercases and removes diacritics: "Cấp lại thẻ Căn cước" → "cap lai the can cuoc".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    fold_into(s, &mut out);
    out
}

/// [`fold`] appending to `out`.
pub fn fold_into(s: &str, out: &mut String) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase() as char));
        return;
    }
    for c in s.chars() {
        fold_char_into(c, out);
    }
}

/// The byte [`fold_bytes`] gives a character: the folded ASCII letter or digit, `_` for
/// another letter, a space for anything else.
#[inline]
pub(crate) fn fold_byte(c: char) -> u8 {
    if c.is_ascii_alphanumeric() {
        c.to_ascii_lowercase() as u8
    } else if let Some(b) = table_fold(c) {
        b
    } else if c.is_alphanumeric() || is_combining(c) {
        b'_'
    } else {
        b' '
    }
}

/// Makes every word of a [`fold_byte`] sequence canonical ([`canonical_word`]) in place;
/// `out` must start and end at word boundaries.
pub(crate) fn canonical_words(out: &mut [u8]) {
    let mut i = 0;
    while i < out.len() {
        if out[i].is_ascii_alphabetic() || out[i] == b'_' {
            let start = i;
            while i < out.len() && (out[i].is_ascii_alphabetic() || out[i] == b'_') {
                i += 1;
            }
            canonical_bytes(&mut out[start..i]);
        } else {
            i += 1;
        }
    }
}

/// One byte per character of `s` (so byte `i` of the result stands for char `i` of `s`):
/// [`fold_byte`] of each, words then made canonical ([`canonical_words`]). What the snippet
/// finder scans (it folds lazily, as far as it reads, in the same way).
#[cfg(test)]
pub(crate) fn fold_bytes(s: &str) -> Vec<u8> {
    let mut out: Vec<u8> = s.chars().map(fold_byte).collect();
    canonical_words(&mut out);
    out
}

/// Merges spelling variants of one folded word, in place: `[bdhklmnrstvx]y` → `…i`,
/// `qui` → `quy`. The length never changes.
pub fn canonical_word(word: &mut String) {
    // SAFETY-free: only ASCII bytes are replaced by ASCII bytes.
    let mut bytes = std::mem::take(word).into_bytes();
    canonical_bytes(&mut bytes);
    *word = String::from_utf8(bytes).unwrap_or_default();
}

fn canonical_bytes(w: &mut [u8]) {
    match w {
        [c, y @ b'y'] if b"bdhklmnrstvx".contains(c) => *y = b'i',
        [b'q', b'u', i @ b'i'] => *i = b'y',
        _ => {}
    }
}

/// The class of a character for word splitting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_ascii_alphabetic() {
        Class::Letter
    } else if c.is_ascii() {
        Class::Other
    } else if table_fold(c).is_some() {
        // Vietnamese (and other accented Latin) letters: no Unicode table walk.
        Class::Letter
    } else if c.is_numeric() {
        Class::Digit
    } else if c.is_alphabetic() || is_combining(c) {
        Class::Letter
    } else {
        Class::Other
    }
}

/// The next word of `text` at or after byte `*pos`, as a byte range; advances `*pos`.
pub fn next_word(text: &str, pos: &mut usize) -> Option<(usize, usize)> {
    let rest = text.get(*pos..)?;
    let mut start = None;
    let mut kind = Class::Other;
    for (i, c) in rest.char_indices() {
        let k = class(c);
        match start {
            None if k != Class::Other => {
                start = Some(i);
                kind = k;
            }
            // A combining mark continues a word of either kind.
            Some(s) if k != kind && !(is_combining(c) && k == Class::Letter) => {
                *pos += i;
                return Some((*pos - i + s, *pos));
            }
            _ => {}
        }
    }
    let s = start?;
    let end = text.len();
    let from = *pos + s;
    *pos = end;
    Some((from, end))
}

/// Folds one word (as split by [`next_word`]) into `out` (cleared first) and makes it
/// canonical.
pub fn fold_word(word: &str, out: &mut String) {
    out.clear();
    fold_into(word, out);
    if out.len() <= 3 {
        canonical_word(out);
    }
}

/// One analyzed word: its folded, canonical text and its byte range in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub from: usize,
    pub to: usize,
}

/// Splits and folds `text` exactly as the index does.
pub fn analyze(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((from, to)) = next_word(text, &mut pos) {
        let mut t = String::with_capacity(to - from);
        fold_word(&text[from..to], &mut t);
        if !t.is_empty() {
            out.push(Word { text: t, from, to });
        }
    }
    out
}

/// The normalized form of a filter value (field, agency, level, …): the folded words joined
/// by single spaces. "Khiếu nại, tố cáo" → "khieu nai to cao".
pub fn normalize_facet(s: &str) -> String {
    let words = analyze(s);
    let mut out = String::with_capacity(s.len());
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&w.text);
    }
    out
}

/// Optimal-string-alignment distance (Levenshtein with adjacent transpositions), used to
/// rank typo expansions. Short inputs only.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("CẤP LẠI THẺ CĂN CƯỚC"), "cap lai the can cuoc");
        assert_eq!(fold("Phiếu lý lịch tư pháp"), "phieu ly lich tu phap");
        assert_eq!(fold("ường ưỡng Ỵ ỹ đĐ"), "uong uong y y dd");
        // NFD input: base letters and combining marks.
        assert_eq!(fold("Đa\u{0306}\u{0300}ng"), "dang");
        assert_eq!(fold("Ðồng"), "dong");
        assert_eq!(fold("café Ñandú"), "cafe nandu");
    }

    #[test]
    fn splits_words_and_digits() {
        let w: Vec<String> = analyze("Trực tuyến7 Ngày làm việc5,000 VNĐ; 53/2025/TT-BCA")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            w,
            [
                "truc", "tuyen", "7", "ngay", "lam", "viec", "5", "000", "vnd", "53", "2025", "tt",
                "bca"
            ]
        );
        let words = analyze("Cấp lại");
        assert_eq!((words[1].from, words[1].to), (6, 11));
    }

    #[test]
    fn canonical_spellings() {
        assert_eq!(normalize_facet("Lý lịch"), normalize_facet("lí lịch"));
        assert_eq!(normalize_facet("Kỳ"), "ki");
        assert_eq!(normalize_facet("qui định"), "quy dinh");
        assert_eq!(normalize_facet("Khiếu nại, tố cáo"), "khieu nai to cao");
        // Not a consonant + y syllable.
        assert_eq!(normalize_facet("quy y"), "quy y");
    }

    #[test]
    fn fold_bytes_is_char_aligned() {
        let s = "Đăng ký: lí do";
        let b = fold_bytes(s);
        assert_eq!(b.len(), s.chars().count());
        assert_eq!(std::str::from_utf8(&b).unwrap(), "dang ki  li do");
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("snh", "sinh"), 1);
        assert_eq!(edit_distance("dnag", "dang"), 1);
        assert_eq!(edit_distance("khai", "khia"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("chung", "chuyen"), 3);
    }
}
