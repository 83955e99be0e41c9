//! What a visitor does: read the home page, switch language, find an agency.

use crate::app::TestApp;
use crate::driver::{Browser, journey};

#[tokio::test]
async fn home_switch_language_and_open_an_agency() {
    journey(|| TestApp::demo().address.clone(), home_language_agency).await;
}

async fn home_language_agency(browser: Browser) {
    browser.open("/").await;
    assert_eq!(browser.lang().await, "vi", "Vietnamese by default");
    assert_eq!(browser.text("h1").await, "Dịch vụ công trực tuyến");
    assert_eq!(browser.text("#lang-switch").await, "English");
    assert!(
        browser.css_rules().await > 0,
        "our stylesheet loaded under the CSP"
    );

    browser.click("#lang-switch").await;
    browser.wait_for_page("/?lang=en").await;
    assert_eq!(browser.lang().await, "en");
    assert_eq!(browser.text("h1").await, "Online public services");

    browser.click("header nav a[href='/agencies']").await;
    browser.wait_for_page("/agencies").await;
    assert_eq!(browser.lang().await, "en", "the choice follows the visitor");
    assert_eq!(browser.text("h1").await, "Agency directory");

    // Official names stay Vietnamese in English pages.
    browser.click_link("Sở Tư pháp").await;
    browser.wait_for_page("/agencies/000.00.12.H29").await;
    assert_eq!(browser.text("h1").await, "Sở Tư pháp");
    assert_eq!(browser.text("p.lead").await, "Department of Justice");
    assert_eq!(browser.text("dd.code").await, "000.00.12.H29");
    assert!(
        !browser.text("#points").await.is_empty(),
        "a receiving points section"
    );
    assert!(
        browser.text("#children").await.ends_with("(3)"),
        "three divisions"
    );
    browser.find("a[href='/agencies/000.01.12.H29']").await;

    // The language is remembered (cookie), not carried in the address.
    browser.client.refresh().await.expect("reload");
    browser.wait_for_page("/agencies/000.00.12.H29").await;
    assert_eq!(browser.lang().await, "en");
    browser.open("/").await;
    assert_eq!(browser.text("h1").await, "Online public services");

    // And switching back works the same way.
    browser.click("#lang-switch").await;
    browser.wait_for_page("/?lang=vi").await;
    assert_eq!(browser.lang().await, "vi");
    browser.open("/units").await;
    assert_eq!(browser.text("h1").await, "Đơn vị hành chính");
}

#[tokio::test]
async fn search_an_agency_without_diacritics_and_open_it() {
    journey(|| TestApp::demo().address.clone(), search_and_open).await;
}

async fn search_and_open(browser: Browser) {
    browser.open("/agencies").await;
    assert_eq!(browser.lang().await, "vi");
    browser.type_into("input#q", "so tu phap").await;
    browser.click("form.search button[type='submit']").await;
    browser.wait_for_page("/agencies?q=so+tu+phap").await;
    let results = browser
        .client
        .find_all(fantoccini::Locator::Css("ul.list a"))
        .await
        .expect("results");
    assert_eq!(results.len(), 1, "only Sở Tư pháp matches");
    assert_eq!(results[0].text().await.unwrap(), "Sở Tư pháp");
    assert_eq!(
        browser
            .find("input#q")
            .await
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("so tu phap")
    );

    results[0].click().await.expect("open the result");
    browser.wait_for_page("/agencies/000.00.12.H29").await;
    assert_eq!(browser.text("h1").await, "Sở Tư pháp");
    assert_eq!(browser.text("dd.code").await, "000.00.12.H29");
}
