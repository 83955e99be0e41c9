//! A citizen finds a procedure the way people type: from the home page, without diacritics,
//! opens it from the results, and reads how to submit it, how long it takes and what it
//! costs (issue 4).
//!
//! The shared demo app has no catalog, so this test imports a few real procedures of the
//! national portal's export (`../shared/data/tthc`) into a fresh app of its own, before the
//! app starts: the catalog index is built from the store when the app does.

use std::path::{Path, PathBuf};

use fantoccini::Locator;
use motcua_store::testing::fresh_store;

use crate::app::TestApp;
use crate::driver::{Browser, journey};

/// Birth registration and its neighbours (so that the search has to rank), an identity card
/// procedure with a fee, and a criminal-record certificate.
const PROCEDURES: &[&str] = &[
    "1.001193", // Thủ tục đăng ký khai sinh
    "1.004884", // Thủ tục đăng ký lại khai sinh
    "2.000528", // Thủ tục đăng ký khai sinh có yếu tố nước ngoài
    "1.014063", // Cấp đổi thẻ căn cước
    "1.014064", // Cấp lại thẻ căn cước
    "3.000333", // Cấp Phiếu Lý lịch tư pháp …
];

fn shared_tthc() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tthc")
}

/// The lines of the shared export for `codes`, in a file of `dir`.
pub(crate) fn subset(dir: &Path, codes: &[&str]) -> PathBuf {
    let source = shared_tthc();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&source)
        .unwrap_or_else(|e| {
            panic!(
                "shared data missing: cannot read {} ({e}); this test needs ../shared/data/tthc/*.jsonl",
                source.display()
            )
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut lines = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read the shared export");
        lines.extend(
            text.lines()
                .filter(|line| {
                    codes
                        .iter()
                        .any(|c| line.contains(&format!("\"ma_thu_tuc\": \"{c}\"")))
                })
                .map(str::to_owned),
        );
    }
    assert_eq!(
        lines.len(),
        codes.len(),
        "each procedure once in the shared data"
    );
    let path = dir.join("subset.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write the subset");
    path
}

/// A fresh app whose catalog holds `PROCEDURES`.
async fn app_with_catalog() -> TestApp {
    let db = fresh_store().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = subset(dir.path(), PROCEDURES);
    let import = motcua::import::tthc_files(db.store.as_ref(), &[file])
        .await
        .expect("import the subset");
    assert_eq!(import.stored.inserted, PROCEDURES.len() as u64);
    let store = db.store.clone();
    let app = TestApp::spawn_on(store, Some(db)).await;
    // The index was built when the app started; the API already finds the procedure.
    let found: serde_json::Value = app
        .client
        .get(app.url("/api/v1/procedures?q=dang+ky+khai+sinh"))
        .send()
        .await
        .expect("search API")
        .json()
        .await
        .expect("search JSON");
    assert_eq!(found["items"][0]["code"], "1.001193", "{found:#}");
    app
}

#[tokio::test]
async fn search_without_diacritics_open_the_procedure_and_see_channels_times_and_fees() {
    let app = app_with_catalog().await;
    journey(|| app.address.clone(), search_open_read).await;
}

/// The rows of the channels table: (how, time, fee), as shown.
async fn channels(browser: &Browser) -> Vec<(String, String, String)> {
    browser.find("table.channels").await;
    let rows = browser
        .client
        .find_all(Locator::Css("table.channels tbody tr"))
        .await
        .expect("channel rows");
    let mut out = Vec::new();
    for row in rows {
        let how = row
            .find(Locator::Css("th"))
            .await
            .expect("channel name")
            .text()
            .await
            .expect("text");
        let cells = row.find_all(Locator::Css("td")).await.expect("cells");
        assert_eq!(cells.len(), 2, "time and fee");
        let time = cells[0].text().await.expect("time");
        let fee = cells[1].text().await.expect("fee");
        out.push((
            how.trim().to_owned(),
            time.trim().to_owned(),
            fee.trim().to_owned(),
        ));
    }
    out
}

/// Types `query` into the home page's search box and submits it.
async fn search_from_home(browser: &Browser, query: &str, expected_page: &str) {
    browser.open("/").await;
    assert_eq!(browser.lang().await, "vi");
    browser.type_into("input#q", query).await;
    browser.click("form.search button[type='submit']").await;
    browser.wait_for_page(expected_page).await;
    assert_eq!(
        browser
            .find("input#q")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some(query),
        "the query stays in the box"
    );
}

async fn search_open_read(browser: Browser) {
    // Birth registration, typed without diacritics.
    search_from_home(
        &browser,
        "dang ky khai sinh",
        "/procedures?q=dang+ky+khai+sinh",
    )
    .await;
    let count = browser.text("#result-count").await;
    assert!(
        count.starts_with("3 "),
        "the three birth registrations: {count}"
    );
    let results = browser
        .client
        .find_all(Locator::Css("ol.results a.result-name"))
        .await
        .expect("results");
    assert!(!results.is_empty(), "results are listed");
    assert_eq!(
        results[0].text().await.unwrap(),
        "Thủ tục đăng ký khai sinh",
        "first, with its diacritics"
    );
    results[0].click().await.expect("open the first result");
    browser.wait_for_page("/procedures/1.001193").await;
    assert_eq!(browser.text("h1").await, "Thủ tục đăng ký khai sinh");
    assert_eq!(browser.text("p.badges .code").await, "1.001193");
    assert_eq!(
        browser.text("h2#channels").await,
        "Cách thức thực hiện, thời hạn và phí, lệ phí"
    );
    let free = |how: &str| {
        (
            how.to_owned(),
            "1 ngày làm việc".to_owned(),
            "Miễn phí".to_owned(),
        )
    };
    assert_eq!(
        channels(&browser).await,
        vec![
            free("Trực tuyến"),
            free("Dịch vụ bưu chính"),
            free("Trực tiếp")
        ],
        "online, by post and in person: one working day, free"
    );

    // A procedure with a fee: the identity card, typed the everyday way.
    search_from_home(
        &browser,
        "lam lai can cuoc",
        "/procedures?q=lam+lai+can+cuoc",
    )
    .await;
    browser.click_link("Cấp lại thẻ căn cước").await;
    browser.wait_for_page("/procedures/1.014064").await;
    assert_eq!(browser.text("h1").await, "Cấp lại thẻ căn cước");
    let rows = channels(&browser).await;
    let in_person = rows
        .iter()
        .find(|(how, _, _)| how == "Trực tiếp")
        .unwrap_or_else(|| panic!("in person: {rows:?}"));
    assert_eq!(in_person.1, "7 ngày làm việc", "{rows:?}");
    assert!(
        in_person.2.starts_with("70.000 đ"),
        "the fee in đồng: {rows:?}"
    );
    assert!(
        rows.iter().any(|(how, _, _)| how == "Trực tuyến"),
        "{rows:?}"
    );
}
