//! Property tests of folding and word splitting.

use motcua_search::fold::{analyze, fold, fold_word};
use motcua_search::normalize_facet;
use proptest::prelude::*;

/// Every Vietnamese letter, upper and lower case, with every tone and vowel mark.
const VIETNAMESE: &str = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ\
AÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬBCDĐEÈÉẺẼẸÊỀẾỂỄỆGHIÌÍỈĨỊKLMNOÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢPQRSTUÙÚỦŨỤƯỪỨỬỮỰVXYỲÝỶỸỴ";

fn vietnamese_text() -> impl Strategy<Value = String> {
    let chars: Vec<char> = VIETNAMESE
        .chars()
        .chain(" ,.;:()/-0123456789\n".chars())
        .collect();
    proptest::collection::vec(proptest::sample::select(chars), 0..80)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn folding_vietnamese_is_ascii_and_idempotent(s in vietnamese_text()) {
        let f = fold(&s);
        prop_assert!(f.is_ascii(), "{f:?}");
        prop_assert_eq!(fold(&f), f.clone());
        prop_assert!(!f.chars().any(|c| c.is_ascii_uppercase()));
        // One char in, one char out for NFC Vietnamese.
        prop_assert_eq!(f.chars().count(), s.chars().count());
    }

    #[test]
    fn folding_any_text_is_idempotent(s in any::<String>()) {
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f);
    }

    #[test]
    fn words_are_folded_slices(s in vietnamese_text()) {
        let mut last_end = 0;
        let mut buf = String::new();
        for w in analyze(&s) {
            prop_assert!(w.from >= last_end && w.from < w.to);
            prop_assert!(s.is_char_boundary(w.from) && s.is_char_boundary(w.to));
            fold_word(&s[w.from..w.to], &mut buf);
            prop_assert_eq!(&buf, &w.text);
            prop_assert!(!w.text.is_empty() && w.text.is_ascii());
            prop_assert!(w.text.bytes().all(|b| b.is_ascii_alphanumeric()));
            last_end = w.to;
        }
    }

    #[test]
    fn facets_are_normal(s in vietnamese_text()) {
        let n = normalize_facet(&s);
        prop_assert_eq!(normalize_facet(&n), n.clone());
        prop_assert_eq!(normalize_facet(&s.to_uppercase()), n.clone());
        prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
    }

    #[test]
    fn analyze_never_panics(s in any::<String>()) {
        let _ = analyze(&s);
        let _ = normalize_facet(&s);
    }
}
