//! Server-rendered pages: Vietnamese by default, English on request and remembered, names
//! with their diacritics, our own assets only.

use reqwest::StatusCode;

use crate::helpers::{TestApp, Visitor};

#[tokio::test]
async fn home_is_vietnamese_by_default() {
    let app = TestApp::demo();
    let home = app.page("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.lang(), "vi");
    assert_eq!(home.h1(), "Dịch vụ công trực tuyến");
    home.assert_contains("Trang chủ");
    home.assert_contains("<strong>213</strong>");
    home.assert_contains("<strong>34</strong>");
    home.assert_contains("<strong>3321</strong>");
    assert!(home.set_cookies().is_empty(), "no cookie without a choice");
}

#[tokio::test]
async fn lang_en_switches_to_english_and_is_remembered_in_a_cookie() {
    let app = TestApp::demo();
    let english = app.page("/?lang=en").await;
    assert_eq!(english.status, StatusCode::OK);
    assert_eq!(english.lang(), "en");
    assert_eq!(english.h1(), "Online public services");
    english.assert_contains(">Home<");
    assert!(
        !english.body.contains("Trang chủ"),
        "no Vietnamese navigation left"
    );

    let cookie = english
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("lang=en"))
        .expect("a lang cookie")
        .to_owned();
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(
        cookie.contains("Max-Age="),
        "remembered beyond the session: {cookie}"
    );

    // The next request, without ?lang, carries only the cookie.
    let sent = cookie.split(';').next().unwrap();
    let later = app
        .page_as(
            "/agencies",
            Visitor {
                cookie: Some(sent),
                ..Visitor::default()
            },
        )
        .await;
    assert_eq!(later.lang(), "en");
    assert_eq!(later.h1(), "Agency directory");

    // And switching back works the same way.
    let back = app
        .page_as(
            "/?lang=vi",
            Visitor {
                cookie: Some(sent),
                ..Visitor::default()
            },
        )
        .await;
    assert_eq!(back.lang(), "vi");
    assert!(back.set_cookies().iter().any(|c| c.starts_with("lang=vi")));
}

#[tokio::test]
async fn accept_language_is_honoured_below_an_explicit_choice() {
    let app = TestApp::demo();
    let english = Visitor {
        accept_language: Some("en-US,en;q=0.9"),
        ..Visitor::default()
    };
    let page = app.page_as("/", english).await;
    assert_eq!(page.lang(), "en");
    assert_eq!(page.h1(), "Online public services");

    let prefers_vi = Visitor {
        accept_language: Some("fr, en;q=0.5, vi;q=0.8"),
        ..Visitor::default()
    };
    assert_eq!(app.page_as("/", prefers_vi).await.lang(), "vi");
    let neither = Visitor {
        accept_language: Some("fr, de"),
        ..Visitor::default()
    };
    assert_eq!(
        app.page_as("/", neither).await.lang(),
        "vi",
        "Vietnamese is the default"
    );

    let cookie_wins = Visitor {
        cookie: Some("lang=vi"),
        accept_language: Some("en"),
    };
    assert_eq!(app.page_as("/", cookie_wins).await.lang(), "vi");
    assert_eq!(
        app.page_as("/?lang=en", cookie_wins).await.lang(),
        "en",
        "?lang beats the cookie"
    );
}

#[tokio::test]
async fn the_agency_page_shows_the_agency_with_its_diacritics() {
    let app = TestApp::demo();
    let page = app.page("/agencies/000.00.12.H29").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Sở Tư pháp");
    page.assert_contains("000.00.12.H29");
    page.assert_contains("Phòng Hành chính tư pháp");
    page.assert_contains("Ủy ban nhân dân Thành phố Hồ Chí Minh");
    page.assert_contains("Điểm tiếp nhận hồ sơ");

    let english = app.page("/agencies/000.00.30.H29?lang=en").await;
    assert_eq!(
        english.h1(),
        "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
        "the official name stays"
    );
    english.assert_contains("Ho Chi Minh City Public Administrative Service Center");
    english.assert_contains("Trụ sở Trung tâm Phục vụ hành chính công Thành phố");
    english.assert_contains("Chi nhánh số 22");
}

#[tokio::test]
async fn the_agency_directory_searches_without_diacritics() {
    let app = TestApp::demo();
    let tree = app.page("/agencies").await;
    tree.assert_contains("href=\"/agencies/000.00.12.H29\">Sở Tư pháp</a>");
    let found = app.page("/agencies?q=so+tu+phap").await;
    found.assert_contains("href=\"/agencies/000.00.12.H29\">Sở Tư pháp</a>");
    assert!(!found.body.contains("Sở Y tế"), "only matches are listed");
}

#[tokio::test]
async fn what_a_visitor_types_is_shown_escaped() {
    let app = TestApp::demo();
    let page = app
        .page("/agencies?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("<script>alert(1)"),
        "the query is echoed unescaped"
    );
    page.assert_contains("&lt;script&gt;");
    let units = app.page("/units?q=%3Cb%3Ebold%3C%2Fb%3E").await;
    assert!(!units.body.contains("<b>bold</b>"));
}

#[tokio::test]
async fn the_unit_page_shows_the_city_and_its_communes() {
    let app = TestApp::demo();
    let page = app.page("/units/79").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.h1(), "Thành phố Hồ Chí Minh");
    page.assert_contains("(168)");
    page.assert_contains("Phường Sài Gòn");
    page.assert_contains("Ủy ban nhân dân Thành phố Hồ Chí Minh");
    let english = app.page("/units/79?lang=en").await;
    assert_eq!(english.h1(), "Ho Chi Minh City");

    let search = app.page("/units?q=sai+gon").await;
    search.assert_contains("href=\"/units/26740\">Sài Gòn</a>");
}

#[tokio::test]
async fn unknown_pages_are_404_pages_in_the_visitors_language() {
    let app = TestApp::demo();
    for path in [
        "/no-such-page",
        "/agencies/999.99.99.H99",
        "/agencies/not-a-code",
        "/units/99",
    ] {
        let page = app.page(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page.lang(), "vi");
        page.assert_contains("Không tìm thấy");
    }
    let english = app.page("/no-such-page?lang=en").await;
    assert_eq!(english.status, StatusCode::NOT_FOUND);
    assert_eq!(english.lang(), "en");
}

#[tokio::test]
async fn pages_use_only_our_own_assets() {
    let app = TestApp::demo();
    let mut checked = 0;
    for path in [
        "/",
        "/?lang=en",
        "/agencies",
        "/agencies/000.00.30.H29",
        "/units",
        "/units/79",
        "/calendar",
        "/nope",
    ] {
        let page = app.page(path).await;
        let assets = page.asset_urls();
        assert!(!assets.is_empty(), "{path}: the stylesheet at least");
        for (tag, url) in assets {
            assert!(
                url.starts_with('/') && !url.starts_with("//"),
                "{path}: {tag} loads {url:?}, not a relative URL of ours"
            );
            checked += 1;
        }
        for scheme in ["http://", "https://"] {
            assert!(!page.body.contains(scheme), "{path} refers to {scheme}…");
        }
    }
    assert!(checked >= 7);
    let css = app.get("/static/app.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    let csp = app.get("/").await.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{csp}");
}
