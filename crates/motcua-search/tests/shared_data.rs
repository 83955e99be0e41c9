//! Search over the real national catalog (`../shared/data/tthc/*.jsonl`): the examples of
//! the issue must put the right procedure in the first three results.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Instant;

use motcua_search::{SearchIndex, SearchRequest, SearchResults, fold, plain_text};

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/tthc"
    ))
}

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = data_dir();
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "shared data missing: cannot read {} ({e}); the search tests need ../shared/data/tthc/*.jsonl",
                dir.display()
            )
        });
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no *.jsonl in {}", dir.display());
        let mut procs = Vec::new();
        for path in files {
            let f = File::open(&path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
            let batch = motcua_catalog::parse_reader(BufReader::new(f));
            procs.extend(batch.procedures.into_iter().map(|p| p.procedure));
        }
        assert!(procs.len() > 2000, "expected the whole catalog, got {}", procs.len());
        let t = Instant::now();
        let index = SearchIndex::from_procedures(&procs).expect("index builds");
        eprintln!(
            "built index of {} procedures in {:?}: {:?}",
            procs.len(),
            t.elapsed(),
            index.stats()
        );
        index
    })
}

fn top3(q: &str) -> SearchResults {
    let r = index()
        .search(&SearchRequest::new(q).page(1, 3))
        .expect("search runs");
    eprintln!("{q:?} → {} results", r.total);
    for h in &r.hits {
        eprintln!("   {} {:>7.3} {}", h.code, h.score, h.name);
    }
    r
}

/// The top 3 of `q` contain `code`, whose name starts (folded) with `name_start`.
fn assert_top3(q: &str, code: &str, name_start: &str) {
    let r = top3(q);
    let hit = r.hits.iter().find(|h| h.code == code).unwrap_or_else(|| {
        panic!(
            "{q:?}: {code} ({name_start}) not in the top 3: {:#?}",
            r.hits
        )
    });
    assert!(
        fold(&hit.name).starts_with(&fold(name_start)),
        "{q:?}: {code} is {:?}",
        hit.name
    );
}

#[test]
fn dang_ky_khai_sinh() {
    assert_top3("dang ky khai sinh", "1.001193", "Thủ tục đăng ký khai sinh");
}

#[test]
fn cap_lai_can_cuoc() {
    assert_top3("cấp lại căn cước", "1.014064", "Cấp lại thẻ căn cước");
}

#[test]
fn lam_lai_can_cuoc() {
    // "làm lại" is everyday wording for "cấp lại" / "cấp đổi".
    let r = top3("lam lai can cuoc");
    assert!(
        r.hits.iter().any(|h| {
            let n = fold(&h.name);
            n.starts_with("cap lai the can cuoc") || n.starts_with("cap doi the can cuoc")
        }),
        "{:#?}",
        r.hits
    );
    assert!(
        r.hits
            .iter()
            .any(|h| h.code == "1.014064" || h.code == "1.014063")
    );
}

#[test]
fn ly_lich_tu_phap() {
    let r = top3("ly lich tu phap");
    assert!(
        r.hits
            .iter()
            .all(|h| fold(&h.name).starts_with("cap phieu ly lich tu phap")),
        "{:#?}",
        r.hits
    );
    assert!(r.hits.iter().any(|h| h.code == "3.000333"));
}

#[test]
fn khai_snh_typo() {
    let r = top3("khai snh");
    assert!(
        r.hits
            .iter()
            .any(|h| fold(&h.name).starts_with("thu tuc dang ky khai sinh")),
        "{:#?}",
        r.hits
    );
    assert!(r.hits.iter().any(|h| h.code == "1.001193"));
}

#[test]
fn more_everyday_queries() {
    for (q, code) in [
        ("Đăng ký khai sinh", "1.001193"),
        ("DANG KY KHAI SINH", "1.001193"),
        ("thủ tục đăng kí khai sinh", "1.001193"),
        ("lí lịch tư pháp", "3.000333"),
        ("cap doi the can cuoc", "1.014063"),
        ("cccd cap lai", "1.014064"),
        ("dnag ky khai sinh", "1.001193"),
        ("khai sinh", "1.001193"),
        ("1.001193", "1.001193"),
    ] {
        let r = top3(q);
        assert!(
            r.hits.iter().any(|h| h.code == code),
            "{q:?}: {code} missing: {:#?}",
            r.hits
        );
    }
}

#[test]
fn highlights_and_snippets() {
    let r = index()
        .search(&SearchRequest::new("dang ky khai sinh"))
        .unwrap();
    let hit = r.hits.iter().find(|h| h.code == "1.001193").unwrap();
    assert_eq!(plain_text(&hit.name_highlight), hit.name);
    let marked: Vec<&str> = hit
        .name_highlight
        .iter()
        .filter(|s| s.highlighted)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marked, ["đăng ký khai sinh"], "{:?}", hit.name_highlight);
    assert!(
        hit.snippet.iter().any(|s| s.highlighted),
        "{:?}",
        hit.snippet
    );
    let snippet = plain_text(&hit.snippet);
    assert!(
        snippet.chars().count() <= motcua_search::SNIPPET_CHARS + 10,
        "{snippet}"
    );
    let html = motcua_search::to_html(&hit.name_highlight);
    assert!(html.contains("<mark>đăng ký khai sinh</mark>"), "{html}");
}

/// Every code matching `req`, page after page.
fn all_codes(req: SearchRequest) -> Vec<String> {
    let mut out = Vec::new();
    for page in 1.. {
        let r = index().search(&req.clone().page(page, 100)).unwrap();
        if r.hits.is_empty() {
            assert_eq!(out.len(), r.total);
            return out;
        }
        out.extend(r.hits.into_iter().map(|h| h.code));
    }
    unreachable!()
}

#[test]
fn filters_and_pagination() {
    let idx = index();
    let all = all_codes(SearchRequest::new("khai sinh"));
    assert!(all.len() >= 10, "{}", all.len());

    let field = idx
        .search(
            &SearchRequest::new("khai sinh")
                .field("ho tich")
                .page(1, 100),
        )
        .unwrap();
    assert!(field.total > 0 && field.total < all.len());
    assert!(field.hits.iter().all(|h| all.contains(&h.code)));

    // Exact facet match on the normalized value: "Hộ tịch" = "HO TICH".
    let again = idx
        .search(
            &SearchRequest::new("khai sinh")
                .field("HỘ TỊCH")
                .page(1, 100),
        )
        .unwrap();
    assert_eq!(again.total, field.total);
    let none = idx
        .search(&SearchRequest::new("khai sinh").field("ho").page(1, 100))
        .unwrap();
    assert_eq!(none.total, 0, "a prefix of a field is not the field");

    let ministry = idx
        .search(
            &SearchRequest::new("can cuoc")
                .level("ministry")
                .page(1, 100),
        )
        .unwrap();
    assert!(ministry.hits.iter().any(|h| h.code == "1.000757"));
    assert!(
        ministry.hits.iter().all(|h| h.code != "1.014064"),
        "1.014064 is commune level"
    );

    let browse = idx
        .search(&SearchRequest::new("").field("Lý lịch tư pháp").page(1, 100))
        .unwrap();
    assert!(browse.total >= 3);
    let codes: Vec<&str> = browse.hits.iter().map(|h| h.code.as_str()).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "browsing is by code");

    let online = idx
        .search(&SearchRequest::new("").online_level("none").page(1, 1))
        .unwrap();
    let partial = idx
        .search(&SearchRequest::new("").online_level("partial").page(1, 1))
        .unwrap();
    let full = idx
        .search(
            &SearchRequest::new("")
                .online_level("full_process")
                .page(1, 1),
        )
        .unwrap();
    assert_eq!(online.total + partial.total + full.total, idx.len());

    let citizens = idx
        .search(
            &SearchRequest::new("khai sinh")
                .subject("citizen")
                .page(1, 1),
        )
        .unwrap();
    let citizens_text = idx
        .search(
            &SearchRequest::new("khai sinh")
                .subject("Công dân Việt Nam")
                .page(1, 1),
        )
        .unwrap();
    assert!(citizens.total > 0 && citizens.total == citizens_text.total);

    let agency = idx
        .search(&SearchRequest::new("").agency("Bộ Tài chính").page(1, 1))
        .unwrap();
    assert!(agency.total > 0);

    // Pages are consecutive slices of one stable order.
    let p1 = idx
        .search(&SearchRequest::new("giay phep").page(1, 7))
        .unwrap();
    let p2 = idx
        .search(&SearchRequest::new("giay phep").page(2, 7))
        .unwrap();
    let both = idx
        .search(&SearchRequest::new("giay phep").page(1, 14))
        .unwrap();
    assert_eq!(p1.total, both.total);
    let joined: Vec<&str> = p1
        .hits
        .iter()
        .chain(&p2.hits)
        .map(|h| h.code.as_str())
        .collect();
    let whole: Vec<&str> = both.hits.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(joined, whole);
    let far = idx
        .search(&SearchRequest::new("giay phep").page(10_000, 7))
        .unwrap();
    assert!(far.hits.is_empty() && far.total == p1.total);
}

#[test]
fn suggestions() {
    let idx = index();
    let s = idx.suggest("dang ky khai si", 5);
    assert!(!s.is_empty());
    assert!(
        s.iter().all(|(_, n)| fold(n).contains("dang ky khai si")),
        "{s:?}"
    );
    assert!(s.iter().any(|(c, _)| c == "1.001193"), "{s:?}");
    let s = idx.suggest("Cấp lại thẻ", 5);
    assert!(
        s.iter().all(|(_, n)| fold(n).starts_with("cap lai the")),
        "{s:?}"
    );
    assert!(s.iter().any(|(c, _)| c == "1.014064"), "{s:?}");
    // Typos fall back to search.
    let s = idx.suggest("khai snh", 5);
    assert!(s.iter().any(|(c, _)| c == "1.001193"), "{s:?}");
    assert!(idx.suggest("", 5).is_empty());
}
