//! Legal basis (căn cứ pháp lý): a table `Tên văn bản pháp lý | Mã văn bản` run together,
//! e.g. `Luật Hộ tịch123/2015/NĐ-CPThông tư 216/2016/TT-BTC216/2016/TT-BTC`.
//!
//! The code cell is the document number glued (no space) to the end of its title; numbers
//! inside titles follow a space ("Thông tư 216/2016/TT-BTC"). A title may be just the number,
//! giving two glued numbers in a row. Uppercase titles glued to a code ("…NĐ-CPQUY ĐỊNH …")
//! are cut using the known issuer codes.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use super::text::squash;
use crate::model::LegalDocument;

pub const HEADER: &str = "Tên văn bản pháp lýMã văn bản";

static NUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"((?:Luật|Nghị định|Thông tư liên tịch|Thông tư|Quyết định|Nghị quyết|Pháp lệnh)(?: số)? )?",
        r"(\d+(?:\.\d+)?)/(?:(\d{4})(?:/((?:TTg|[A-ZĐ]+)(?:[-_/](?:TTg|[A-ZĐ]+))*))?",
        r"|((?:TTg|[A-ZĐ]+)(?:[-_/](?:TTg|[A-ZĐ]+))*))",
    ))
    .expect("valid regex")
});

static DATE_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[\s,]*(?:ngày|ban hành ngày)\s+(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
        .expect("valid regex")
});

static DATE_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[\s,]*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
        .expect("valid regex")
});

/// Issuer codes of document numbers (and the type codes that sit beside them).
const ISSUERS: &[(&str, &str)] = &[
    ("CP", "Chính phủ"),
    ("TTg", "Thủ tướng Chính phủ"),
    ("QH", "Quốc hội"),
    ("UBTVQH", "Ủy ban Thường vụ Quốc hội"),
    ("CTN", "Chủ tịch nước"),
    ("VPCP", "Văn phòng Chính phủ"),
    ("BCA", "Bộ Công an"),
    ("BTC", "Bộ Tài chính"),
    ("BTP", "Bộ Tư pháp"),
    ("BXD", "Bộ Xây dựng"),
    ("BNNMT", "Bộ Nông nghiệp và Môi trường"),
    ("BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn"),
    ("BTNMT", "Bộ Tài nguyên và Môi trường"),
    ("BGTVT", "Bộ Giao thông vận tải"),
    ("BYT", "Bộ Y tế"),
    ("BQP", "Bộ Quốc phòng"),
    ("BNG", "Bộ Ngoại giao"),
    ("BNV", "Bộ Nội vụ"),
    ("BCT", "Bộ Công Thương"),
    ("BKHĐT", "Bộ Kế hoạch và Đầu tư"),
    ("BKHCN", "Bộ Khoa học và Công nghệ"),
    ("BLĐTBXH", "Bộ Lao động - Thương binh và Xã hội"),
    ("BGDĐT", "Bộ Giáo dục và Đào tạo"),
    ("BTTTT", "Bộ Thông tin và Truyền thông"),
    ("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch"),
    ("NHNN", "Ngân hàng Nhà nước Việt Nam"),
    ("BHXH", "Bảo hiểm xã hội Việt Nam"),
    ("TANDTC", "Tòa án nhân dân tối cao"),
    ("VKSNDTC", "Viện kiểm sát nhân dân tối cao"),
    ("KTNN", "Kiểm toán nhà nước"),
    ("TTCP", "Thanh tra Chính phủ"),
    ("UBDT", "Ủy ban Dân tộc"),
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
];

const TYPES: &[(&str, &str)] = &[
    ("NĐ", "Nghị định"),
    ("ND", "Nghị định"),
    ("TTLT", "Thông tư liên tịch"),
    ("TT", "Thông tư"),
    ("QĐ", "Quyết định"),
    ("NQ", "Nghị quyết"),
    ("VBHN", "Văn bản hợp nhất"),
    ("CT", "Chỉ thị"),
    ("PL", "Pháp lệnh"),
    ("L", "Luật"),
];

const TITLE_TYPES: &[&str] = &[
    "Thông tư liên tịch",
    "Luật",
    "Bộ luật",
    "Nghị định",
    "Thông tư",
    "Quyết định",
    "Nghị quyết",
    "Pháp lệnh",
    "Lệnh",
    "Chỉ thị",
    "Văn bản hợp nhất",
];

fn known(seg: &str) -> bool {
    ISSUERS.iter().any(|(c, _)| *c == seg) || TYPES.iter().any(|(c, _)| *c == seg)
}

/// A number match, with the code cut to known segments.
#[derive(Debug)]
struct Num {
    /// Start including the "Luật số " prefix.
    start: usize,
    end: usize,
    number: String,
    prefix: Option<String>,
}

fn next_num(text: &str, mut pos: usize) -> Option<Num> {
    while pos < text.len() {
        let caps = NUM.captures_at(text, pos)?;
        let all = caps.get(0)?;
        let num = caps.get(2)?;
        // "…sửa đổi 2023" + "23/2023/QH15", "…ngày 25/01/2026" + "40/2026/NĐ-CP": the year
        // of the title is glued to the number.
        let lead = num.as_str();
        let glued_year = (5..=7).contains(&lead.len())
            && (lead.starts_with("19") || lead.starts_with("20"))
            && !lead.contains('.');
        if !glued_year && text[..num.start()].ends_with(|c: char| c == '/' || c.is_ascii_digit()) {
            // Part of a date or a longer number: look again right after its first digits.
            pos = num.end();
            continue;
        }
        let mut start = caps.get(1).map_or(num.start(), |p| p.start());
        let mut num_start = num.start();
        if glued_year {
            num_start += 4;
            start = num_start;
        }
        let mut end = all.end();
        if let Some(suffix) = caps.get(4).or(caps.get(5)) {
            // Cut an unknown last segment to its longest known prefix ("CPQUY" → "CP").
            let s = suffix.as_str();
            let last_start = s.rfind(['-', '_', '/']).map_or(0, |i| i + 1);
            let last = &s[last_start..];
            if !known(last)
                && let Some(k) = (1..last.len())
                    .rev()
                    .filter(|k| last.is_char_boundary(*k))
                    .find(|k| known(&last[..*k]))
            {
                end = suffix.start() + last_start + k;
            }
            // Legislature numbers: "QH14", "UBTVQH15".
            let code = &text[suffix.start()..end];
            let after = &text[end..];
            if code.ends_with("QH")
                && after.len() >= 2
                && after.as_bytes()[..2].iter().all(u8::is_ascii_digit)
            {
                end += 2;
            }
        }
        let prefix = caps
            .get(1)
            .filter(|p| p.start() == start)
            .map(|p| squash(p.as_str()));
        return Some(Num {
            start,
            end,
            number: text[num_start..end].replace('_', "-"),
            prefix,
        });
    }
    None
}

fn all_nums(text: &str) -> Vec<Num> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(n) = next_num(text, pos) {
        pos = n.end.max(pos + 1);
        out.push(n);
    }
    out
}

fn glued(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace() && !"(“\"[".contains(c))
}

/// Parses the legal basis; the second value is trailing text that fits no row.
pub fn parse_legal_basis(text: &str) -> (Vec<LegalDocument>, Option<String>) {
    let Some(h) = text.find(HEADER) else {
        // No table: every number in the prose is a document.
        let docs = all_nums(text)
            .into_iter()
            .map(|n| document(&text[n.start..n.end], Some(&n)))
            .collect();
        return (docs, None);
    };
    let body = &text[h + HEADER.len()..];
    let nums = all_nums(body);
    let mut docs = Vec::new();
    let mut row_start = 0;
    let mut i = 0;
    while i < nums.len() {
        let n = &nums[i];
        let effective_start =
            row_start + (body[row_start..].len() - body[row_start..].trim_start().len());
        if n.start < effective_start {
            i += 1;
            continue;
        }
        if n.start == effective_start {
            // A title that is just a number, followed by its glued code.
            if let Some(code) = nums.get(i + 1).filter(|c| c.start == n.end) {
                docs.push(document(&body[n.start..n.end], Some(code)));
                row_start = code.end;
                i += 2;
                continue;
            }
        } else if glued(body, n.start) {
            docs.push(document(&body[row_start..n.start], Some(n)));
            row_start = n.end;
        }
        i += 1;
    }
    let rest = squash(&body[row_start..]);
    let mut leftover = None;
    if !rest.is_empty() {
        let inner = all_nums(&rest);
        if inner.is_empty() {
            leftover = Some(rest.clone());
        }
        docs.push(document(&rest, inner.first()));
    }
    (docs, leftover)
}

fn document(title: &str, num: Option<&Num>) -> LegalDocument {
    let title = squash(title);
    let number = num.map(|n| n.number.clone());
    let segments: Vec<&str> = number
        .as_deref()
        .map(|n| n.split(['-', '/']).skip(1).collect())
        .unwrap_or_default();
    let year = segments
        .first()
        .filter(|s| s.len() == 4)
        .and_then(|s| s.parse().ok());
    let doc_type = num
        .and_then(|n| n.prefix.as_deref())
        .map(|p| p.trim_end_matches(" số").to_owned())
        .or_else(|| {
            let lower = title.to_lowercase();
            TITLE_TYPES
                .iter()
                .find(|t| lower.starts_with(&t.to_lowercase()))
                .map(|t| (*t).to_owned())
        })
        .or_else(|| type_from_segments(&segments));
    let issuer = issuer_from_segments(&segments);
    let issued = number.as_deref().and_then(|n| issued_date(&title, n));
    LegalDocument {
        number,
        title,
        doc_type,
        issued,
        year,
        issuer,
    }
}

fn type_from_segments(segments: &[&str]) -> Option<String> {
    for s in segments {
        if let Some((_, t)) = TYPES.iter().find(|(c, _)| c == s) {
            return Some((*t).to_owned());
        }
        if s.starts_with("QH") {
            return Some("Luật".to_owned());
        }
    }
    None
}

fn issuer_from_segments(segments: &[&str]) -> Option<String> {
    let names: Vec<&str> = segments
        .iter()
        .filter_map(|s| {
            let s = s.trim_end_matches(|c: char| c.is_ascii_digit());
            ISSUERS.iter().find(|(c, _)| *c == s).map(|(_, n)| *n)
        })
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

/// The date written right after the document's own number in its title
/// ("… 123/2015/NĐ-CP ngày 15/11/2015 …", "… ngày 11 tháng 01 năm 2022").
fn issued_date(title: &str, number: &str) -> Option<NaiveDate> {
    let at = title.find(number)? + number.len();
    let after = &title[at..];
    let caps = DATE_NUMERIC
        .captures(after)
        .or_else(|| DATE_WORDS.captures(after))?;
    let n = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    NaiveDate::from_ymd_opt(i32::try_from(n(3)?).ok()?, n(2)?, n(1)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<Option<String>> {
        parse_legal_basis(text)
            .0
            .into_iter()
            .map(|d| d.number)
            .collect()
    }

    #[test]
    fn glued_codes() {
        let text = "Tên văn bản pháp lýMã văn bảnThông tư Hướng dẫn về phí và lệ phí85/2019/TT-BTCNghị định số 123/2015/NĐ-CP ngày 15/11/2015 của  Chính phủ quy định chi tiết Luật Hộ tịch123/2015/NĐ-CPLuật 51/2019/QH1451/2019/QH14";
        let (docs, left) = parse_legal_basis(text);
        assert_eq!(left, None);
        assert_eq!(
            numbers(text),
            vec![
                Some("85/2019/TT-BTC".into()),
                Some("123/2015/NĐ-CP".into()),
                Some("51/2019/QH14".into())
            ]
        );
        assert_eq!(docs[0].doc_type.as_deref(), Some("Thông tư"));
        assert_eq!(docs[0].issuer.as_deref(), Some("Bộ Tài chính"));
        assert_eq!(docs[1].issued, NaiveDate::from_ymd_opt(2015, 11, 15));
        assert_eq!(docs[1].issuer.as_deref(), Some("Chính phủ"));
        assert_eq!(docs[2].doc_type.as_deref(), Some("Luật"));
        assert_eq!(docs[2].issuer.as_deref(), Some("Quốc hội"));
        assert_eq!(docs[2].year, Some(2019));
    }

    #[test]
    fn number_only_titles_and_prefixed_codes() {
        let text = "Tên văn bản pháp lýMã văn bảnLuật Quản lý thuế38/2019/QH14Giao dịch điện tử trong lĩnh vực thuế19/2021/TT-BTC86/2024/TT-BTC86/2024/TT-BTCLuật Thú yLuật 79/2015/QH13Nghị định 75/2012/NĐ-CP75/2012/NĐ-CP";
        assert_eq!(
            numbers(text),
            vec![
                Some("38/2019/QH14".into()),
                Some("19/2021/TT-BTC".into()),
                Some("86/2024/TT-BTC".into()),
                Some("79/2015/QH13".into()),
                Some("75/2012/NĐ-CP".into()),
            ]
        );
    }

    #[test]
    fn glued_years_uppercase_titles_and_decisions() {
        let text = "Tên văn bản pháp lýMã văn bảnLuật Cư trú 202068/2020/QH14QUY ĐỊNH MỨC THU PHÍ25/2021/TT-BTCQuyết định của Bộ trưởng1898/QĐ-BTPHướng dẫn191/2005/TTLT/BQP-BLĐTBXH-BTC";
        assert_eq!(
            numbers(text),
            vec![
                Some("68/2020/QH14".into()),
                Some("25/2021/TT-BTC".into()),
                Some("1898/QĐ-BTP".into()),
                Some("191/2005/TTLT/BQP-BLĐTBXH-BTC".into()),
            ]
        );
        let docs = parse_legal_basis(text).0;
        assert_eq!(docs[0].title, "Luật Cư trú 2020");
        assert_eq!(
            numbers("Tên văn bản pháp lýMã văn bảnNghị định ngày 25/01/202640/2026/NĐ-CP"),
            vec![Some("40/2026/NĐ-CP".into())]
        );
        assert_eq!(
            docs[3].issuer.as_deref(),
            Some("Bộ Quốc phòng, Bộ Lao động - Thương binh và Xã hội, Bộ Tài chính")
        );
    }

    #[test]
    fn trailing_title_and_prose() {
        let (docs, left) =
            parse_legal_basis("Tên văn bản pháp lýMã văn bản06/2007/QH12Luật Hóa chất");
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].number.as_deref(), Some("06/2007/QH12"));
        assert_eq!(left, None);
        let (docs, _) =
            parse_legal_basis(": Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính");
        assert_eq!(docs[0].number.as_deref(), Some("269/2016/TT-BTC"));
        assert!(parse_legal_basis("Không có thông tin").0.is_empty());
    }
}
