//! Accounts in a real browser: a citizen registers, sets up two-factor authentication and
//! logs in with it; an agency administrator sees their agency and nothing of others.

use std::time::Duration;

use motcua_auth::totp::{TotpSecret, time_step};

use crate::app::TestApp;
use crate::driver::{Browser, journey};

const PASSWORD: &str = "Chuoi-Mat-Khau-2026!";
const NAME: &str = "Phạm Thị Hồng Nhung";

#[tokio::test]
async fn a_citizen_registers_sets_up_two_factor_and_logs_in_with_it() {
    journey(|| TestApp::demo().address.clone(), register_totp_login).await;
}

async fn register_totp_login(browser: Browser) {
    // A personal ID no demo account has: Ho Chi Minh City (079), a man born in 2005 (2 = man
    // of the 21st century, 05 = the year), six random digits.
    let digits = format!("{:06}", uuid::Uuid::new_v4().as_u128() % 1_000_000);
    let personal_id = format!("079205{digits}");
    let email = format!("nhung.pham.{digits}@example.vn");

    browser.open("/register").await;
    assert_eq!(browser.lang().await, "vi");
    browser.click("input[name='kind'][value='citizen']").await;
    browser.type_into("#f-identifier", &personal_id).await;
    browser.type_into("#f-full_name", NAME).await;
    browser.type_into("#f-email", &email).await;
    browser.type_into("#f-password", PASSWORD).await;
    browser.type_into("#f-password_confirm", PASSWORD).await;
    browser
        .click("form[action='/register'] button[type='submit']")
        .await;
    browser.wait_for_page("/account?welcome=1").await;
    assert_eq!(
        browser.text("#nav-account").await,
        NAME,
        "logged in, the name with its diacritics"
    );
    assert!(
        browser.text("#totp-status").await.contains("Chưa bật"),
        "two-factor is off at first"
    );

    // Two-factor set-up: the key as an authenticator app would read it, and its current code.
    browser.click("#totp-status a[href='/account/totp']").await;
    browser.wait_for_page("/account/totp").await;
    let secret = browser
        .find("#totp-secret")
        .await
        .attr("data-secret")
        .await
        .expect("data-secret")
        .expect("the key of the set-up");
    let secret = TotpSecret::from_base32(&secret).expect("a base32 key");
    let now = chrono::Utc::now();
    let used_step = time_step(now).expect("a time step");
    browser.type_into("#f-code", &secret.code_at(now)).await;
    browser
        .click("form[action='/account/totp'] button[type='submit']")
        .await;
    let codes = browser.text("#recovery-codes").await;
    assert!(
        codes.lines().filter(|l| !l.trim().is_empty()).count() >= 8,
        "recovery codes are shown once: {codes}"
    );

    browser.click("#logout").await;
    browser.wait_for_page("/").await;
    browser.find("#nav-login").await;

    // The password alone is not enough any more.
    browser.open("/login").await;
    browser.type_into("#f-login", &personal_id).await;
    browser.type_into("#f-password", PASSWORD).await;
    browser
        .click("form[action='/login'] button[type='submit']")
        .await;
    browser.wait_for_page("/login/totp").await;

    // A code of the step already used would be a replay: wait for the next one.
    while time_step(chrono::Utc::now()).expect("a time step") <= used_step {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    browser
        .type_into("#f-code", &secret.code_at(chrono::Utc::now()))
        .await;
    browser
        .click("form[action='/login/totp'] button[type='submit']")
        .await;
    browser.wait_for_page("/account").await;
    assert_eq!(browser.text("#nav-account").await, NAME);
    assert!(
        browser.text("#totp-status").await.contains("Đang bật"),
        "two-factor is on"
    );
}

#[tokio::test]
async fn an_agency_administrator_sees_their_agency_only() {
    journey(|| TestApp::demo().address.clone(), agency_admin).await;
}

async fn agency_admin(browser: Browser) {
    browser.open("/login").await;
    browser.type_into("#f-login", "tp.quantri").await;
    browser
        .type_into("#f-password", motcua::demo_accounts::DEMO_PASSWORD)
        .await;
    browser
        .click("form[action='/login'] button[type='submit']")
        .await;
    browser.wait_for_page("/work").await;
    assert_eq!(browser.text("#nav-account").await, "Vũ Thị Giang");
    let agencies = browser.text("#my-agencies").await;
    assert!(agencies.contains("000.00.12.H29"), "{agencies}");
    assert!(agencies.contains("Sở Tư pháp"), "{agencies}");
    assert!(
        !agencies.contains("001.00.70.H29"),
        "nothing of other agencies: {agencies}"
    );

    browser
        .click("#my-agencies a[href='/admin/agencies/000.00.12.H29/officers']")
        .await;
    browser
        .wait_for_page("/admin/agencies/000.00.12.H29/officers")
        .await;
    let officers = browser.text("#officers").await;
    for login in [
        "tp.chuyenvien",
        "tp.tiepnhan",
        "tp.truongphong",
        "tp.lanhdao",
    ] {
        assert!(officers.contains(login), "{login} is listed: {officers}");
    }
    assert!(
        officers.contains("Lê Văn Cường"),
        "names with their diacritics"
    );
    assert!(!officers.contains("px.tiepnhan"), "{officers}");

    // Another agency's officers, and the whole security log, are refused.
    browser.open("/admin/agencies/001.00.70.H29/officers").await;
    let refusal = browser.text("h1").await;
    assert!(refusal.contains("403"), "{refusal}");
    let body = browser.text("main").await;
    assert!(!body.contains("px.tiepnhan"), "{body}");
    browser.open("/admin/security-log").await;
    let refusal = browser.text("h1").await;
    assert!(refusal.contains("403"), "{refusal}");
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("#events"))
            .await
            .is_err()
    );

    // Their agency's part of the log is theirs to read.
    browser
        .open("/admin/security-log?agency=000.00.12.H29")
        .await;
    assert!(!browser.text("h1").await.contains("403"));
    browser.find("#events").await;
}
