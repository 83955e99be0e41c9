//! Behaviour on a small hand-made catalog: folding, filters, ordering, pagination,
//! highlighting, autocomplete and incremental updates.

use motcua_search::{SearchDoc, SearchIndex, SearchRequest, Segment, plain_text, to_html};

fn doc(code: &str, name: &str, field: &str, level: &str, online: &str, body: &str) -> SearchDoc {
    SearchDoc {
        code: code.into(),
        name: name.into(),
        fields: vec![field.into()],
        subjects: vec!["Công dân Việt Nam".into()],
        subject_kinds: vec!["citizen".into()],
        agencies: vec!["Ủy ban nhân dân cấp xã".into()],
        levels: vec![level.into()],
        online_level: online.into(),
        body: body.into(),
    }
}

fn catalog() -> Vec<SearchDoc> {
    vec![
        doc(
            "1.001193",
            "Thủ tục đăng ký khai sinh",
            "Hộ tịch",
            "commune",
            "full_process",
            "Người đi đăng ký khai sinh nộp tờ khai theo mẫu. Giấy chứng sinh do cơ sở y tế cấp.",
        ),
        doc(
            "1.004884",
            "Thủ tục đăng ký lại khai sinh",
            "Hộ tịch",
            "commune",
            "partial",
            "Việc khai sinh đã được đăng ký nhưng sổ hộ tịch bị mất.",
        ),
        doc(
            "1.014064",
            "Cấp lại thẻ căn cước",
            "Cấp, quản lý căn cước",
            "commune",
            "full_process",
            "Công dân đề nghị cấp lại thẻ căn cước khi bị mất hoặc hư hỏng.",
        ),
        doc(
            "2.001194",
            "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)",
            "Cấp, quản lý căn cước",
            "province",
            "partial",
            "Công dân đề nghị cấp lại thẻ căn cước tại Công an cấp tỉnh.",
        ),
        doc(
            "3.000333",
            "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "Lý lịch tư pháp",
            "province",
            "none",
            "Người yêu cầu cấp Phiếu lý lịch tư pháp nộp tờ khai.",
        ),
    ]
}

fn codes(index: &SearchIndex, req: SearchRequest) -> Vec<String> {
    index
        .search(&req)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.code)
        .collect()
}

#[test]
fn diacritics_case_and_typos() {
    let idx = SearchIndex::build(catalog()).unwrap();
    for q in [
        "đăng ký khai sinh",
        "DANG KY KHAI SINH",
        "dang ki khai sinh",
        "khai snh",
    ] {
        let c = codes(&idx, SearchRequest::new(q));
        assert_eq!(
            c.first().map(String::as_str),
            Some("1.001193"),
            "{q}: {c:?}"
        );
    }
    let c = codes(&idx, SearchRequest::new("lam lai CCCD"));
    assert_eq!(
        c[..2],
        ["1.014064", "2.001194"],
        "everyday words and acronym"
    );
    let c = codes(&idx, SearchRequest::new("li lich tu phap"));
    assert_eq!(c, ["3.000333"]);
    // Completion of the word being typed.
    let c = codes(&idx, SearchRequest::new("ly lich tu ph"));
    assert_eq!(c.first().map(String::as_str), Some("3.000333"));
    assert!(
        idx.search(&SearchRequest::new("zzzz qqqq"))
            .unwrap()
            .hits
            .is_empty()
    );
}

#[test]
fn filters() {
    let idx = SearchIndex::build(catalog()).unwrap();
    let all = |r: SearchRequest| codes(&idx, r.page(1, 100));
    assert_eq!(
        all(SearchRequest::new("can cuoc").level("province")),
        ["2.001194"]
    );
    assert_eq!(
        all(SearchRequest::new("").field("ho tich")),
        ["1.001193", "1.004884"]
    );
    assert_eq!(
        all(SearchRequest::new("").online_level("none")),
        ["3.000333"]
    );
    assert_eq!(
        all(SearchRequest::new("")
            .online_level("none")
            .online_level("partial")),
        ["1.004884", "2.001194", "3.000333"],
        "values of one filter are alternatives"
    );
    assert_eq!(
        all(SearchRequest::new("")
            .field("ho tich")
            .online_level("partial")),
        ["1.004884"],
        "filters combine"
    );
    assert_eq!(all(SearchRequest::new("").subject("citizen")).len(), 5);
    assert_eq!(
        all(SearchRequest::new("").agency("UY BAN NHAN DAN CAP XA")).len(),
        5
    );
    assert!(
        all(SearchRequest::new("").agency("Ủy ban")).is_empty(),
        "exact facets"
    );
}

#[test]
fn ties_are_broken_by_code_and_pages_are_stable() {
    let mut docs: Vec<SearchDoc> = (0..25)
        .map(|i| {
            doc(
                &format!("9.{:06}", 100 - i),
                "Thủ tục giống hệt nhau",
                "Khác",
                "other",
                "none",
                "",
            )
        })
        .collect();
    docs.reverse();
    let idx = SearchIndex::build(docs).unwrap();
    let mut seen = Vec::new();
    for page in 1..=3 {
        let r = idx
            .search(&SearchRequest::new("giong het").page(page, 10))
            .unwrap();
        assert_eq!(r.total, 25);
        seen.extend(r.hits.into_iter().map(|h| h.code));
    }
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 25);
    let r = idx
        .search(&SearchRequest::new("giong het").page(4, 10))
        .unwrap();
    assert!(r.hits.is_empty() && r.total == 25);
    // per_page is clamped.
    let r = idx
        .search(&SearchRequest::new("giong het").page(0, 1000))
        .unwrap();
    assert_eq!((r.page, r.per_page, r.hits.len()), (1, 100, 25));
}

#[test]
fn highlighting() {
    let idx = SearchIndex::build(catalog()).unwrap();
    let r = idx.search(&SearchRequest::new("lam lai can cuoc")).unwrap();
    let hit = &r.hits[0];
    assert_eq!(plain_text(&hit.name_highlight), hit.name);
    assert_eq!(
        hit.name_highlight,
        [
            Segment {
                text: "Cấp lại".into(),
                highlighted: true
            },
            Segment {
                text: " thẻ ".into(),
                highlighted: false
            },
            Segment {
                text: "căn cước".into(),
                highlighted: true
            },
        ]
    );
    assert_eq!(
        to_html(&hit.name_highlight),
        "<mark>Cấp lại</mark> thẻ <mark>căn cước</mark>"
    );
    let snippet = plain_text(&hit.snippet);
    assert!(snippet.contains("cấp lại thẻ căn cước"), "{snippet}");
    let marked: Vec<&str> = hit
        .snippet
        .iter()
        .filter(|s| s.highlighted)
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(marked, ["cấp lại", "căn cước"], "{:?}", hit.snippet);
    let escaped = to_html(&[Segment {
        text: "<a & \"b\">".into(),
        highlighted: false,
    }]);
    assert_eq!(escaped, "&lt;a &amp; &quot;b&quot;&gt;");
    let no = idx
        .search(&SearchRequest::new("khai sinh").snippets(false))
        .unwrap();
    assert!(no.hits.iter().all(|h| h.snippet.is_empty()));
}

#[test]
fn words_far_into_a_long_body_are_found_though_snippets_come_from_its_start() {
    // The index keeps only the start of each body for snippets; the whole body is searched.
    let long = format!(
        "Bước 1: nộp hồ sơ tại bộ phận một cửa. {}Lệ phí trước bạ nhà đất.",
        "Cán bộ kiểm tra thành phần hồ sơ. ".repeat(300)
    );
    let mut docs = catalog();
    docs.push(doc(
        "9.000001",
        "Thủ tục thử nghiệm",
        "Thử nghiệm",
        "commune",
        "none",
        &long,
    ));
    let idx = SearchIndex::build(docs).unwrap();
    let r = idx.search(&SearchRequest::new("trước bạ")).unwrap();
    assert_eq!(r.total, 1);
    let snippet = plain_text(&r.hits[0].snippet);
    assert!(snippet.starts_with("Bước 1: nộp hồ sơ"), "{snippet}");
    assert!(snippet.ends_with(" …"), "{snippet}");
    assert_eq!(r.hits[0].code, "9.000001");
}

#[test]
fn autocomplete() {
    let idx = SearchIndex::build(catalog()).unwrap();
    let s = idx.suggest("cap lai the", 10);
    assert_eq!(
        s.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>(),
        ["1.014064", "2.001194"],
        "shorter names first"
    );
    let s = idx.suggest("KHAI S", 10);
    assert_eq!(s.len(), 2);
    assert!(s.iter().all(|(_, n)| n.contains("khai sinh")));
    let s = idx.suggest("dang ky", 1);
    assert_eq!(s.len(), 1);
    assert_eq!(
        s[0].0, "1.001193",
        "match at the start of the name (after \"Thủ tục\")"
    );
    assert!(idx.suggest("xyz", 5).is_empty());
}

#[test]
fn upsert_and_remove() {
    let idx = SearchIndex::build(catalog()).unwrap();
    assert_eq!(idx.len(), 5);
    assert!(
        idx.search(&SearchRequest::new("ho chieu"))
            .unwrap()
            .hits
            .is_empty()
    );
    idx.upsert(doc(
        "2.002000",
        "Cấp hộ chiếu phổ thông",
        "Xuất nhập cảnh",
        "province",
        "full_process",
        "",
    ))
    .unwrap();
    assert_eq!(idx.len(), 6);
    assert_eq!(codes(&idx, SearchRequest::new("ho chieu")), ["2.002000"]);
    // Replace by code: the old name is gone.
    idx.upsert(doc(
        "2.002000",
        "Cấp giấy thông hành",
        "Xuất nhập cảnh",
        "province",
        "full_process",
        "",
    ))
    .unwrap();
    assert_eq!(idx.len(), 6);
    assert!(codes(&idx, SearchRequest::new("ho chieu")).is_empty());
    assert_eq!(codes(&idx, SearchRequest::new("thong hanh")), ["2.002000"]);
    assert_eq!(idx.suggest("giay thong", 5)[0].0, "2.002000");
    assert!(idx.remove("2.002000").unwrap());
    assert!(!idx.remove("2.002000").unwrap());
    let after = codes(&idx, SearchRequest::new("thong hanh"));
    assert!(!after.contains(&"2.002000".to_owned()), "{after:?}");
    assert_eq!(idx.len(), 5);
    idx.upsert_many(catalog()).unwrap();
    assert_eq!(idx.len(), 5);
    assert_eq!(codes(&idx, SearchRequest::new("").page(1, 100)).len(), 5);
    assert_eq!(
        codes(&idx, SearchRequest::new("3.000333")),
        ["3.000333"],
        "a code finds its procedure"
    );
    assert!(idx.contains("1.001193") && !idx.contains("2.002000"));
}

#[test]
fn cache_is_per_generation() {
    let idx = SearchIndex::build(catalog()).unwrap();
    let q = SearchRequest::new("xuat nhap canh");
    let has_new = |idx: &SearchIndex| {
        let r = idx.search(&q).unwrap();
        r.hits.iter().any(|h| h.code == "9.000001")
    };
    assert!(!has_new(&idx));
    idx.upsert(doc(
        "9.000001",
        "Xuất nhập cảnh",
        "Xuất nhập cảnh",
        "other",
        "none",
        "",
    ))
    .unwrap();
    assert!(has_new(&idx), "no stale cached page");
    assert_eq!(codes(&idx, q.clone())[0], "9.000001");
    idx.set_cache_capacity(0);
    assert_eq!(idx.search(&q).unwrap(), idx.search_uncached(&q).unwrap());
}

#[test]
fn searches_from_threads() {
    let idx = SearchIndex::build(catalog()).unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..50 {
                    let r = idx.search(&SearchRequest::new("khai sinh")).unwrap();
                    assert_eq!(r.hits[0].code, "1.001193");
                }
            });
        }
    });
}

#[test]
fn results_serialize_for_the_api() {
    let idx = SearchIndex::build(catalog()).unwrap();
    let r = idx
        .search(&SearchRequest::new("khai sinh").page(1, 1))
        .unwrap();
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["total"], 2);
    assert_eq!(v["hits"][0]["code"], "1.001193");
    assert_eq!(v["hits"][0]["name_highlight"][1]["text"], "khai sinh");
    assert_eq!(v["hits"][0]["name_highlight"][1]["highlighted"], true);
    let back: motcua_search::SearchResults = serde_json::from_value(v).unwrap();
    assert_eq!(back, r);
    let req: SearchRequest = serde_json::from_value(serde_json::json!({
        "query": "ho tich", "page": 1, "per_page": 5, "snippets": false,
        "filters": {"levels": ["commune"]}
    }))
    .unwrap();
    assert_eq!(req.filters.levels, ["commune"]);
}

#[test]
fn index_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
    assert_send_sync::<motcua_search::SearchResults>();
}
