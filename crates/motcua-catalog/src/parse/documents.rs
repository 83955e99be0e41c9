//! Required documents (thành phần hồ sơ). The portal gives one or more tables
//! `Tên giấy tờ | Mẫu đơn, tờ khai | Số lượng`, each preceded by a case heading ("--" when
//! there is none), rows run together:
//!
//! ```text
//! * Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai (Mẫu NA20).Mau NA20.docx1 bản
//! chính- Bản sao giấy phép0 bản chính,1 bản sao* Giấy tờ phải xuất trình:Tên giấy tờ…
//! ```
//!
//! A row ends with its count ("1 bản chính", "0 bản chính,1 bản sao", "1 bản sao") glued to the
//! next row; template file names (".docx", ".doc", ".pdf", …) sit between name and count.

use std::sync::LazyLock;

use regex::Regex;

use super::text::squash;
use crate::model::{RequiredDocument, Requirement};

pub const HEADER: &str = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";

static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+) bản chính(?:,\s*(\d+) bản sao)?|(\d+) bản sao").expect("valid regex")
});

static EXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\.(?:docx|doc|pdf|xlsx|xls|rar|zip|odt|rtf)").expect("valid regex")
});

/// Longest template file name looked for before an extension.
const MAX_TEMPLATE: usize = 160;

/// A count cell: the match range (digits trimmed) and the two numbers.
struct Count {
    start: usize,
    end: usize,
    originals: Option<u32>,
    copies: Option<u32>,
}

/// The count of a cell: counts are written without leading zeros and are small, so digits
/// glued in front ("…năm 2026" + "1 bản chính") belong to the name.
fn count_digits(s: &str) -> (usize, Option<u32>) {
    let keep = if s.len() > 2 || (s.len() == 2 && s.starts_with('0')) {
        1
    } else {
        s.len()
    };
    (s.len() - keep, s[s.len() - keep..].parse().ok())
}

fn counts(text: &str) -> Vec<Count> {
    let mut out = Vec::new();
    for caps in COUNT.captures_iter(text) {
        let Some(all) = caps.get(0) else { continue };
        // A count cell is glued to the next row (or ends the text); "01 bản chính hoặc …"
        // inside a name is prose.
        let next = text[all.end()..].chars().next();
        if next.is_some_and(|c| c.is_whitespace() || ")],.;:".contains(c)) {
            continue;
        }
        let first = caps.get(1).or(caps.get(3)).map_or("", |m| m.as_str());
        let (skip, n) = count_digits(first);
        let start = all.start() + skip;
        let (originals, copies) = if caps.get(1).is_some() {
            (n, caps.get(2).and_then(|m| count_digits(m.as_str()).1))
        } else {
            (None, n)
        };
        out.push(Count {
            start,
            end: all.end(),
            originals,
            copies,
        });
    }
    out
}

/// Words template file names usually start with.
const TEMPLATE_MARKERS: &[&str] = &[
    "Mẫu",
    "Mau",
    "MẪU",
    "MAU",
    "mẫu",
    "mau",
    "Phụ lục",
    "PHỤ LỤC",
    "Phu luc",
];

/// Whether a template name may start at `rest`, glued to `prev` (and `prev2` before it):
/// a lowercase → uppercase step ("sảnMau"), punctuation glued to a capital or digit
/// ("(NA20).Mau", ";Mau01"), or a template word glued to anything ("NĐ-CPMẫu số 25").
fn is_boundary(prev2: Option<char>, prev: char, rest: &str) -> bool {
    let Some(c) = rest.chars().next() else {
        return false;
    };
    if prev.is_whitespace() || "([“\"".contains(prev) {
        return false;
    }
    if TEMPLATE_MARKERS.iter().any(|m| rest.starts_with(m)) {
        return true;
    }
    let after_punct = ")];:”\"".contains(prev)
        || (prev == '.' && prev2.is_some_and(|p| p.is_lowercase() || p == ')'));
    (c.is_uppercase() && (prev.is_lowercase() || after_punct))
        || (c.is_ascii_digit() && after_punct)
}

/// Byte index where the first template file name starts in `row[..ext_start]`.
fn template_start(row: &str, ext_start: usize) -> usize {
    let window_start = row[..ext_start]
        .char_indices()
        .rev()
        .take(MAX_TEMPLATE)
        .last()
        .map_or(0, |(i, _)| i);
    let mut prev2 = None;
    let mut prev = None;
    for (i, c) in row[..ext_start].char_indices() {
        if i >= window_start
            && let Some(p) = prev
            && is_boundary(prev2, p, &row[i..])
        {
            return i;
        }
        prev2 = prev;
        prev = Some(c);
    }
    // No glued boundary: the last word is the file name.
    row[..ext_start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| i + 1)
}

/// Splits a row (name + template names) into the name and its templates.
fn split_templates(row: &str) -> (String, Vec<String>) {
    let exts: Vec<(usize, usize)> = EXT
        .find_iter(row)
        .filter(|m| {
            row[m.end()..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_whitespace() && !c.is_lowercase())
        })
        .map(|m| (m.start(), m.end()))
        .collect();
    let Some(&(first_start, _)) = exts.first() else {
        return (squash(row), Vec::new());
    };
    if exts.last().is_none_or(|e| e.1 != row.len()) {
        return (squash(row), Vec::new());
    }
    let start = template_start(row, first_start);
    let mut templates = Vec::new();
    let mut from = start;
    for (_, end) in exts {
        let t = squash(&row[from..end]);
        if !t.is_empty() {
            templates.push(t);
        }
        from = end;
    }
    (squash(&row[..start]), templates)
}

/// Conditional when the name says so: "(nếu có)", or it starts with / has a parenthesis
/// starting with "trường hợp", "đối với", "nếu" (after bullets and enumerations).
fn requirement(name: &str) -> Requirement {
    let n = name.to_lowercase();
    let core = n.trim_start_matches(|c: char| {
        c.is_whitespace() || "-+*•–.)(".contains(c) || c.is_ascii_digit()
    });
    // Enumerations such as "a) ", "iv) ".
    let core = match core.split_once(") ") {
        Some((e, rest)) if e.len() <= 4 && e.chars().all(|c| c.is_ascii_lowercase()) => rest,
        _ => core,
    };
    let leads = ["trường hợp", "đối với", "nếu", "trong trường hợp"];
    if n.contains("nếu có")
        || leads.iter().any(|w| core.starts_with(w))
        || [
            "(trường hợp",
            "(đối với",
            "(nếu",
            "(áp dụng",
            "trong trường hợp",
        ]
        .iter()
        .any(|w| n.contains(w))
    {
        Requirement::Conditional
    } else {
        Requirement::Required
    }
}

fn heading(s: &str) -> Option<String> {
    let h = squash(s);
    let h = h
        .trim_start_matches(['*', '-', '+', '•', ' '])
        .trim_end_matches([':', ' '])
        .trim();
    (!h.is_empty() && h != "--" && h != "-").then(|| h.to_owned())
}

/// Parses "thành phần hồ sơ"; the second value is text that fits no table (prose lists).
pub fn parse_documents(text: &str) -> (Vec<RequiredDocument>, Option<String>) {
    let parts: Vec<&str> = text.split(HEADER).collect();
    if parts.len() == 1 {
        return (Vec::new(), heading(text));
    }
    let mut docs = Vec::new();
    let mut leftover = None;
    let mut group = heading(parts[0]);
    let last = parts.len() - 1;
    for (idx, part) in parts.iter().enumerate().skip(1) {
        let mut prev = 0;
        for c in counts(part) {
            let (name, templates) = split_templates(&part[prev..c.start]);
            prev = c.end;
            if name.is_empty() && templates.is_empty() {
                continue;
            }
            docs.push(RequiredDocument {
                requirement: requirement(&name),
                name,
                templates,
                originals: c.originals,
                copies: c.copies,
                group: group.clone(),
            });
        }
        let trailing = &part[prev..];
        if idx < last {
            group = heading(trailing);
        } else if let Some(rest) = heading(trailing) {
            let (name, templates) = split_templates(trailing.trim());
            if templates.is_empty() {
                leftover = Some(rest);
            } else {
                docs.push(RequiredDocument {
                    requirement: requirement(&name),
                    name,
                    templates,
                    originals: None,
                    copies: None,
                    group: group.clone(),
                });
            }
        }
    }
    (docs, leftover)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grouped_table_with_templates() {
        let text = "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đề nghị hủy tài khoản điện tử (NA20).Mau NA20-BCA.docx1 bản chính- Bản sao giấy phép0 bản chính,1 bản sao* Giấy tờ phải xuất trình:Tên giấy tờMẫu đơn, tờ khaiSố lượngHộ chiếu (nếu có)1 bản chính";
        let (docs, left) = parse_documents(text);
        assert_eq!(left, None);
        assert_eq!(docs.len(), 3);
        assert_eq!(
            docs[0].name,
            "Tờ khai đề nghị hủy tài khoản điện tử (NA20)."
        );
        assert_eq!(docs[0].templates, vec!["Mau NA20-BCA.docx"]);
        assert_eq!((docs[0].originals, docs[0].copies), (Some(1), None));
        assert_eq!(docs[0].group.as_deref(), Some("Giấy tờ phải nộp"));
        assert_eq!((docs[1].originals, docs[1].copies), (Some(0), Some(1)));
        assert_eq!(docs[2].group.as_deref(), Some("Giấy tờ phải xuất trình"));
        assert_eq!(docs[2].requirement, Requirement::Conditional);
        assert_eq!(docs[0].requirement, Requirement::Required);
    }

    #[test]
    fn several_templates_and_glued_names() {
        let text = "--Tên giấy tờMẫu đơn, tờ khaiSố lượng- Bản đăng ký kiểm dịch động vật thủy sảnMau 04 TS. Giay dang ky.docxMau 05 TS. Giay nhap xuat.docx1 bản chínhd) Văn bản đề nghị cấp thẻ bảo hiểm y tế.Mau02-BK(BHYT).doc1 bản chính- Đơn đề nghị (Mẫu D07-THADS).MauDon.docx1 bản chính";
        let (docs, _) = parse_documents(text);
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0].name, "- Bản đăng ký kiểm dịch động vật thủy sản");
        assert_eq!(
            docs[0].templates,
            vec![
                "Mau 04 TS. Giay dang ky.docx",
                "Mau 05 TS. Giay nhap xuat.docx"
            ]
        );
        assert_eq!(docs[1].templates, vec!["Mau02-BK(BHYT).doc"]);
        assert_eq!(docs[2].templates, vec!["MauDon.docx"]);

        let text = "--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn theo Nghị định số 23/2026/NĐ-CPMau 14.docx1 bản chínhẢnh màu cỡ 4x6 cm có nền màu trắngmau so 12 (1).doc1 bản chính";
        let (docs, _) = parse_documents(text);
        assert_eq!(docs[0].templates, vec!["Mau 14.docx"]);
        assert_eq!(docs[0].name, "Đơn theo Nghị định số 23/2026/NĐ-CP");
        assert_eq!(docs[1].templates, vec!["mau so 12 (1).doc"]);
        assert_eq!(docs[0].group, None);
    }

    #[test]
    fn prose_counts_and_glued_years() {
        let text = "--Tên giấy tờMẫu đơn, tờ khaiSố lượngGiấy phép (01 bản chính hoặc 01 bản sao)1 bản chínhQuyết định ngày 01/01/20261 bản chính";
        let (docs, _) = parse_documents(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].name, "Giấy phép (01 bản chính hoặc 01 bản sao)");
        assert_eq!(docs[1].name, "Quyết định ngày 01/01/2026");
        assert_eq!(docs[1].originals, Some(1));
    }

    #[test]
    fn prose_without_table() {
        let (docs, left) = parse_documents("Hồ sơ gồm đơn đề nghị và bản sao giấy phép.");
        assert!(docs.is_empty());
        assert!(left.is_some());
        assert_eq!(parse_documents("--"), (Vec::new(), None));
    }
}
