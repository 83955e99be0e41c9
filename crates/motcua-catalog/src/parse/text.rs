//! Text helpers shared by the field parsers: normalization, "no information" markers,
//! number reading.

use unicode_normalization::UnicodeNormalization;

/// The portal's placeholder for an empty cell.
pub const NO_INFO: &str = "Không có thông tin";

/// NFC-normalizes (the export mixes composed and decomposed diacritics), turns non-breaking
/// spaces and tabs into spaces, drops zero-width characters and `\r`.
pub fn normalize(s: &str) -> String {
    s.nfc()
        .filter_map(|c| match c {
            '\u{a0}' | '\u{202f}' | '\u{2007}' | '\t' => Some(' '),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\r' => None,
            // Private-use bullets (Wingdings ticks pasted from Word).
            '\u{f000}'..='\u{f0ff}' => Some('•'),
            c => Some(c),
        })
        .collect()
}

/// Collapses every whitespace run into one space and trims.
pub fn squash(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Whether a cell says nothing: empty, "Không có thông tin", "Không", "--", …
pub fn is_empty_cell(s: &str) -> bool {
    let t = s.trim().trim_end_matches(['.', ';']).trim().to_lowercase();
    t.is_empty()
        || t == NO_INFO.to_lowercase()
        || t == "không"
        || t == "--"
        || t == "-"
        || t == "không có"
        || t == "không quy định"
}

/// A cleaned single-line value, or `None` for an empty cell.
pub fn cell(s: &str) -> Option<String> {
    let v = squash(s);
    if is_empty_cell(&v) { None } else { Some(v) }
}

/// A cleaned multi-line text (paragraphs kept), or `None` for an empty cell.
pub fn text_block(s: &str) -> Option<String> {
    let lines: Vec<String> = s.lines().map(squash).filter(|l| !l.is_empty()).collect();
    let v = lines.join("\n");
    if is_empty_cell(&v) { None } else { Some(v) }
}

/// Reads an amount written with thousands separators ("70,000", "1.500.000") or plainly
/// ("100"). Returns `None` for anything else (decimals, empty, overflow).
pub fn parse_grouped_int(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() || !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let groups: Vec<&str> = s.split([',', '.']).collect();
    if groups.len() > 1 {
        // Every group after the first must have exactly three digits.
        if groups[0].is_empty()
            || groups[0].len() > 3
            || groups[1..].iter().any(|g| g.len() != 3)
            || groups
                .iter()
                .any(|g| !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        return groups.concat().parse().ok();
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Reads a decimal such as "1.5", "1,5" or "7" as thousandths ("1.5" → 1500).
pub fn parse_milli(s: &str) -> Option<u64> {
    let s = s.trim();
    let (int, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 3 {
        return None;
    }
    let int: u64 = int.parse().ok()?;
    let mut frac_milli = 0u64;
    for (i, b) in frac.bytes().enumerate() {
        frac_milli += u64::from(b - b'0') * 10u64.pow(2 - i as u32);
    }
    int.checked_mul(1000)?.checked_add(frac_milli)
}

/// Byte length of the leading ASCII digits of `s`.
pub fn leading_digits(s: &str) -> usize {
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// A short, char-boundary-safe excerpt for reports.
pub fn snippet(s: &str, max_chars: usize) -> String {
    let s = squash(s);
    if s.chars().count() <= max_chars {
        s
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}

/// Byte index of the matching `)` for the `(` at `open`, if balanced.
pub fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits on `sep` outside parentheses.
pub fn split_top_level(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_decomposed_diacritics_and_nbsp() {
        let decomposed = "Ho\u{0302}\u{0323} ti\u{0323}ch\u{a0}xã";
        assert_eq!(normalize(decomposed), "Hộ tịch xã");
    }

    #[test]
    fn empty_cells() {
        assert!(is_empty_cell("Không có thông tin"));
        assert!(is_empty_cell(" Không. "));
        assert!(is_empty_cell("--"));
        assert!(!is_empty_cell("Bộ Công an"));
        assert_eq!(cell("  Bộ   Công an "), Some("Bộ Công an".into()));
    }

    #[test]
    fn grouped_ints() {
        assert_eq!(parse_grouped_int("70,000"), Some(70_000));
        assert_eq!(parse_grouped_int("1.500.000"), Some(1_500_000));
        assert_eq!(parse_grouped_int("100"), Some(100));
        assert_eq!(parse_grouped_int("1,5"), None);
        assert_eq!(parse_grouped_int("0,000"), Some(0));
        assert_eq!(parse_grouped_int(""), None);
    }

    #[test]
    fn milli() {
        assert_eq!(parse_milli("1.5"), Some(1500));
        assert_eq!(parse_milli("1,5"), Some(1500));
        assert_eq!(parse_milli("07"), Some(7000));
        assert_eq!(parse_milli("x"), None);
    }

    #[test]
    fn top_level_split() {
        let parts = split_top_level(
            "Tổ chức (không bao gồm doanh nghiệp, HTX), Doanh nghiệp",
            ',',
        );
        assert_eq!(parts.len(), 2);
    }
}
