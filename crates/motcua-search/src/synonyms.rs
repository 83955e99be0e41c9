//! Everyday phrasing → catalog wording.
//!
//! People do not type the official names: they "làm lại căn cước" (the catalog says "cấp
//! lại thẻ căn cước"), ask for a "sổ đỏ" (a "giấy chứng nhận quyền sử dụng đất") or a
//! "bằng lái" ("giấy phép lái xe"). The query builder looks for the phrases below in the
//! folded query (longest match first, left to right) and lets the matched span be satisfied
//! by the phrase itself **or** by any of its alternatives.
//!
//! * [`GROUPS`] are symmetric: every phrase of a group is an alternative of the others,
//!   except the longer phrases containing it ("thẻ căn cước" adds nothing to "căn cước").
//! * [`ONE_WAY`] rules only rewrite the everyday phrase into the official ones ("làm lại" →
//!   "cấp lại"; the reverse would be wrong: "cấp lại" never means "làm lại" something else).
//!
//! Phrases are written with their diacritics for readability and folded at start-up with the
//! same analyzer as the index ([`crate::fold::analyze`]), so "CCCD", "cccd" and "Cccđ" are
//! one key.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::fold::analyze;

/// Symmetric groups of equivalent phrases.
pub const GROUPS: &[&[&str]] = &[
    &[
        "căn cước",
        "thẻ căn cước",
        "căn cước công dân",
        "CCCD",
        "chứng minh nhân dân",
        "CMND",
        "chứng minh thư",
        "CMT",
    ],
    &["giấy khai sinh", "khai sinh"],
    &["lý lịch tư pháp", "LLTP", "phiếu lý lịch tư pháp"],
    &["hộ khẩu", "thường trú", "sổ hộ khẩu"],
    &[
        "sổ đỏ",
        "sổ hồng",
        "giấy chứng nhận quyền sử dụng đất",
        "quyền sử dụng đất",
    ],
    &[
        "đăng ký kinh doanh",
        "giấy phép kinh doanh",
        "doanh nghiệp",
        "hộ kinh doanh",
    ],
    &["xe máy", "mô tô", "xe mô tô", "xe gắn máy"],
    &["bằng lái", "bằng lái xe", "giấy phép lái xe", "GPLX"],
    &["hộ chiếu", "passport"],
    &["thị thực", "visa"],
    &["bảo hiểm y tế", "BHYT"],
    &["bảo hiểm xã hội", "BHXH"],
    &["mã số thuế", "MST"],
    &["kết hôn", "đăng ký kết hôn"],
];

/// One-way rules: everyday phrase → official phrases.
pub const ONE_WAY: &[(&str, &[&str])] = &[
    ("làm lại", &["cấp lại", "cấp đổi"]),
    ("làm mới", &["cấp đổi", "cấp mới"]),
    ("bị mất", &["cấp lại"]),
    ("đổi tên", &["thay đổi hộ tịch", "cải chính hộ tịch"]),
    ("tiền án", &["lý lịch tư pháp"]),
    ("lấy vợ", &["kết hôn"]),
    ("lấy chồng", &["kết hôn"]),
    ("cưới", &["kết hôn"]),
    ("giấy chứng tử", &["khai tử"]),
    ("báo tử", &["khai tử"]),
    ("mở công ty", &["thành lập doanh nghiệp"]),
    ("thành lập công ty", &["thành lập doanh nghiệp"]),
    ("công ty", &["doanh nghiệp"]),
    ("nhận con nuôi", &["nuôi con nuôi"]),
    ("xây nhà", &["giấy phép xây dựng"]),
    ("nhập hộ khẩu", &["đăng ký thường trú"]),
    ("cắt hộ khẩu", &["xóa đăng ký thường trú"]),
];

/// Everyday query words that carry no meaning for the catalog ("tôi muốn làm … ở đâu"):
/// they still score when they match but are not required to. Words whose folded form is
/// also a catalog word are left out ("cần" = "căn", "sao" = "bản sao", "bao" = "bảo hiểm",
/// "để" = "đề nghị", "thì" = "thị thực").
pub const OPTIONAL_WORDS: &[&str] = &[
    "tôi", "muốn", "mình", "em", "giúp", "như", "nào", "ở", "đâu", "gì", "lâu", "và", "của", "cho",
    "là", "về", "tại", "xin", "làm", "phải",
];

/// The folded synonym table: key phrase (folded words) → alternatives (folded words).
pub struct Table {
    map: HashMap<Vec<String>, Vec<Vec<String>>>,
    longest: usize,
    optional: Vec<String>,
}

/// Whether `phrase` contains `part` as consecutive words. Such an alternative is dropped:
/// every document it matches also matches the key, so it would only count twice.
fn contains(phrase: &[String], part: &[String]) -> bool {
    phrase.windows(part.len()).any(|w| w == part)
}

fn words(s: &str) -> Vec<String> {
    analyze(s).into_iter().map(|w| w.text).collect()
}

impl Table {
    fn build() -> Self {
        let mut map: HashMap<Vec<String>, Vec<Vec<String>>> = HashMap::new();
        for group in GROUPS {
            let folded: Vec<Vec<String>> = group.iter().map(|p| words(p)).collect();
            for (i, key) in folded.iter().enumerate() {
                let alts = map.entry(key.clone()).or_default();
                for (j, alt) in folded.iter().enumerate() {
                    if i != j && !alts.contains(alt) && !contains(alt, key) {
                        alts.push(alt.clone());
                    }
                }
            }
        }
        for (from, to) in ONE_WAY {
            let alts = map.entry(words(from)).or_default();
            for t in *to {
                let t = words(t);
                if !alts.contains(&t) {
                    alts.push(t);
                }
            }
        }
        map.retain(|_, alts| !alts.is_empty());
        let longest = map.keys().map(Vec::len).max().unwrap_or(1);
        let optional = OPTIONAL_WORDS.iter().flat_map(|w| words(w)).collect();
        Table {
            map,
            longest,
            optional,
        }
    }

    /// The longest key starting at `tokens[at]`: its length and alternatives.
    pub fn longest_match(&self, tokens: &[String], at: usize) -> Option<(usize, &[Vec<String>])> {
        let max = self.longest.min(tokens.len() - at);
        (1..=max).rev().find_map(|len| {
            self.map
                .get(&tokens[at..at + len])
                .map(|alts| (len, alts.as_slice()))
        })
    }

    /// Whether a folded word is an optional everyday word.
    pub fn is_optional(&self, word: &str) -> bool {
        self.optional.iter().any(|w| w == word)
    }
}

/// The table, folded once.
pub fn table() -> &'static Table {
    static TABLE: LazyLock<Table> = LazyLock::new(Table::build);
    &TABLE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alts(q: &str) -> Vec<String> {
        let t = words(q);
        let (len, alts) = table().longest_match(&t, 0).expect("a synonym");
        assert_eq!(len, t.len(), "whole phrase matched for {q}");
        alts.iter().map(|a| a.join(" ")).collect()
    }

    #[test]
    fn everyday_phrasings() {
        assert!(alts("làm lại").contains(&"cap lai".to_owned()));
        assert!(alts("lam lai").contains(&"cap doi".to_owned()));
        let cc = alts("căn cước");
        for a in ["cccd", "chung minh nhan dan", "cmnd"] {
            assert!(cc.contains(&a.to_owned()), "{a} in {cc:?}");
        }
        assert!(alts("căn cước công dân").contains(&"can cuoc".to_owned()));
        assert!(alts("CCCD").contains(&"can cuoc".to_owned()));
        assert!(alts("giấy khai sinh").contains(&"khai sinh".to_owned()));
        // Its only alternative contains it: no rule left.
        assert!(table().longest_match(&words("khai sinh"), 0).is_none());
        for subsumed in ["the can cuoc", "can cuoc cong dan"] {
            assert!(!cc.contains(&subsumed.to_owned()), "{subsumed} in {cc:?}");
        }
        assert!(alts("ho khau").contains(&"thuong tru".to_owned()));
        assert!(alts("thường trú").contains(&"ho khau".to_owned()));
        assert!(alts("so do").contains(&"giay chung nhan quyen su dung dat".to_owned()));
        assert!(alts("dang ky kinh doanh").contains(&"doanh nghiep".to_owned()));
        assert!(alts("đăng ký kinh doanh").contains(&"ho kinh doanh".to_owned()));
        assert!(alts("xe may").contains(&"mo to".to_owned()));
        assert!(alts("mô tô").contains(&"xe may".to_owned()));
        assert!(alts("bang lai").contains(&"giay phep lai xe".to_owned()));
        // "lý" is folded to the canonical "li".
        assert!(alts("LLTP").contains(&"li lich tu phap".to_owned()));
    }

    #[test]
    fn one_way_rules_do_not_reverse() {
        let t = words("cấp lại");
        assert!(table().longest_match(&t, 0).is_none());
    }

    #[test]
    fn longest_match_wins() {
        let t = words("cap the can cuoc cong dan");
        let (len, _) = table().longest_match(&t, 2).unwrap();
        assert_eq!(len, 4);
        let (len, _) = table().longest_match(&t, 1).unwrap();
        assert_eq!(len, 3, "thẻ căn cước");
    }

    #[test]
    fn optional_words() {
        assert!(table().is_optional("toi"));
        assert!(table().is_optional("o"));
        assert!(!table().is_optional("the"), "thẻ (card) is not optional");
    }
}
