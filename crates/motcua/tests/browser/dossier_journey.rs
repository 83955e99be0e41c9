//! A dossier from start to end in a real browser, through the pages only (issue #6's
//! journey): a citizen submits birth registration online with a document; the receiving
//! officer of the Department of Justice receives it and prints the receipt (form 01); the
//! specialist, the department head and the leader process it (the leader attaches the signed
//! result and approves); the counter returns the result; the citizen finds the result in their
//! document store and, logged out, tracks the dossier by its code and sees every milestone.

use motcua::demo_accounts::DEMO_PASSWORD;
use motcua_store::testing::fresh_store;

use crate::app::TestApp;
use crate::driver::{Browser, journey};

const PROCEDURE: &str = "1.001193";
const CITIZEN: &str = "079090001234";
/// The last 4 digits of the demo citizen's ID number.
const CITIZEN_LAST4: &str = "1234";

/// A fresh app with birth registration in the catalog, then the demo province, its accounts
/// and its Department of Justice's local settings (the birth registration e-form).
async fn app() -> TestApp {
    let db = fresh_store().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = crate::search::subset(dir.path(), &[PROCEDURE]);
    motcua::import::tthc_files(db.store.as_ref(), &[file])
        .await
        .expect("import birth registration");
    motcua::demo::create(db.store.as_ref())
        .await
        .expect("the demo province");
    let store = db.store.clone();
    TestApp::spawn_on(store, Some(db)).await
}

#[tokio::test]
async fn a_citizen_submits_online_officers_process_and_the_citizen_tracks_every_milestone() {
    let app = app().await;
    journey(|| app.address.clone(), submit_process_track).await;
}

async fn log_in(browser: &Browser, login: &str) {
    browser.open("/login").await;
    browser.type_into("#f-login", login).await;
    browser.type_into("#f-password", DEMO_PASSWORD).await;
    browser
        .click_and_wait_for_new_page("form[action='/login'] button[type='submit']")
        .await;
    browser.find("#logout").await;
}

async fn log_out(browser: &Browser) {
    browser.click_and_wait_for_new_page("#logout").await;
    browser.find("#nav-login").await;
}

/// Clicks the button of a one-click action (submit, receive, approve…) and waits for the
/// page to say it was done.
async fn act(browser: &Browser, command: &str) {
    browser
        .click_and_wait_for_new_page(&format!("#cmd-{command}"))
        .await;
    let notice = browser.text("#notice").await;
    assert!(!notice.is_empty(), "{command}: a notice that it was done");
}

/// Opens an action's form (a `<details>`), chooses the officer `to` when given, and sends it.
async fn act_with_form(browser: &Browser, command: &str, to: Option<&str>) {
    browser.click(&format!("#action-{command} > summary")).await;
    if let Some(name) = to {
        let select = browser.find(&format!("#{command}-to")).await;
        select
            .select_by_label(&select_label(&select, name).await)
            .await
            .unwrap_or_else(|e| panic!("{command}: choose {name}: {e}"));
    }
    browser
        .click_and_wait_for_new_page(&format!("#action-{command} #cmd-{command}"))
        .await;
    let notice = browser.text("#notice").await;
    assert!(!notice.is_empty(), "{command}: a notice that it was done");
}

/// The visible label of the option of `select` that starts with `name`.
async fn select_label(select: &fantoccini::elements::Element, name: &str) -> String {
    for option in select
        .find_all(fantoccini::Locator::Css("option"))
        .await
        .expect("options")
    {
        let text = option.text().await.expect("option text");
        if text.starts_with(name) {
            return text;
        }
    }
    panic!("no option for {name}");
}

/// Waits until the element `css` (after a navigation) contains `needle`.
async fn wait_for_text(browser: &Browser, css: &str, needle: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if let Ok(e) = browser.client.find(fantoccini::Locator::Css(css)).await
            && e.text().await.is_ok_and(|t| t.contains(needle))
        {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{css} never showed {needle:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The dossier page's status code (`data-status`).
async fn status(browser: &Browser) -> String {
    browser
        .find("#dossier-status")
        .await
        .attr("data-status")
        .await
        .expect("data-status")
        .unwrap_or_default()
}

/// Opens the dossier from the officer's queue `queue` of the Department of Justice.
async fn open_from_queue(browser: &Browser, queue: &str, dossier_path: &str) {
    browser
        .open(&format!(
            "/work/dossiers?agency=000.00.12.H29&queue={queue}"
        ))
        .await;
    browser
        .click(&format!("#queue a[href='{dossier_path}']"))
        .await;
    browser.wait_for_page(dossier_path).await;
}

fn pdf(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    let body = format!(
        "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    );
    std::fs::write(&path, body).expect("write a PDF");
    path.to_string_lossy().into_owned()
}

async fn submit_process_track(browser: Browser) {
    let files = tempfile::tempdir().expect("files to upload");

    // ---- The citizen finds the procedure and submits online.
    log_in(&browser, CITIZEN).await;
    browser.open(&format!("/procedures/{PROCEDURE}")).await;
    browser
        .click(&format!("a[href='/procedures/{PROCEDURE}/submit']"))
        .await;
    browser
        .wait_for_page(&format!("/procedures/{PROCEDURE}/submit"))
        .await;
    browser
        .find("#f-agency")
        .await
        .select_by_value("000.00.12.H29")
        .await
        .expect("choose the Department of Justice");
    browser.click("#choose-agency").await;
    browser.find("#submit-form").await;
    // The agency's e-form.
    fill_eform(&browser).await;
    browser
        .click("#result-delivery input[value='online']")
        .await;
    browser.click_and_wait_for_new_page("#save-draft").await;
    let draft = browser.text("#notice").await;
    assert!(!draft.is_empty(), "the draft is saved");
    let dossier_path = browser
        .client
        .current_url()
        .await
        .expect("URL")
        .path()
        .to_owned();
    assert!(dossier_path.starts_with("/dossiers/"), "{dossier_path}");
    assert_eq!(status(&browser).await, "draft");
    assert!(
        browser.text("#answers").await.contains("Nguyễn Minh Khang"),
        "the e-form's answers are on the dossier"
    );
    // A document: the birth certificate from the hospital (a PDF).
    browser.type_into("#doc-name", "Giấy chứng sinh").await;
    browser
        .type_into(
            "#doc-file",
            &pdf(files.path(), "giay-chung-sinh.pdf", "giấy chứng sinh"),
        )
        .await;
    browser
        .click("form[action$='/documents'] button[type='submit']")
        .await;
    wait_for_text(&browser, "#documents table", "Giấy chứng sinh").await;
    act(&browser, "submit").await;
    assert_eq!(status(&browser).await, "submitted");
    // In "my dossiers".
    browser.open("/dossiers").await;
    browser.find(&format!("a[href='{dossier_path}']")).await;
    log_out(&browser).await;

    // ---- The receiving officer receives it and prints the receipt.
    log_in(&browser, "tp.tiepnhan").await;
    open_from_queue(&browser, "to_receive", &dossier_path).await;
    assert!(
        browser.text("#documents").await.contains("Giấy chứng sinh"),
        "the officer sees the document"
    );
    assert!(
        browser
            .client
            .find(fantoccini::Locator::Css("#cmd-approve"))
            .await
            .is_err(),
        "no approval at the counter"
    );
    act(&browser, "receive").await;
    let code = browser.text("#dossier-code").await;
    assert!(
        code.starts_with("000.00.12.H29-") && code.len() == "000.00.12.H29-261201-0001".len(),
        "the dossier code: {code}"
    );
    assert_eq!(status(&browser).await, "received");
    let due = browser.text("#dossier-due").await;
    assert!(due.contains('/'), "an appointment: {due}");
    browser
        .click(&format!(
            "#printable-forms a[href='{dossier_path}/forms/01']"
        ))
        .await;
    browser
        .wait_for_page(&format!("{dossier_path}/forms/01"))
        .await;
    assert_eq!(browser.text("#form-code").await, code);
    assert!(
        browser
            .text("article.printed h1")
            .await
            .contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    );
    assert!(
        browser.text("#form-due").await.contains(&due[..10]),
        "the receipt carries the appointment"
    );
    browser.find("article.printed .form-qr svg").await;
    let qr_link = browser.text("article.printed .form-qr .url").await;
    assert!(
        qr_link.contains("/tracking/") && qr_link.contains("secret="),
        "{qr_link}"
    );
    log_out(&browser).await;

    // ---- The internal process: the specialist takes it and passes it on; the department
    // head reviews; the leader attaches the signed result and approves.
    log_in(&browser, "tp.chuyenvien").await;
    open_from_queue(&browser, "in_process", &dossier_path).await;
    act_with_form(&browser, "assign", Some("Lê Văn Cường")).await;
    assert_eq!(status(&browser).await, "processing");
    let steps = browser.text("#dossier-step").await;
    assert!(steps.starts_with("1/"), "{steps}");
    let last_step: u32 = steps[2..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    if last_step == 3 {
        act_with_form(&browser, "forward", Some("Phạm Thị Dung")).await;
        log_out(&browser).await;
        log_in(&browser, "tp.truongphong").await;
        open_from_queue(&browser, "mine", &dossier_path).await;
    }
    act_with_form(&browser, "forward", Some("Hoàng Văn Em")).await;
    log_out(&browser).await;
    log_in(&browser, "tp.lanhdao").await;
    open_from_queue(&browser, "mine", &dossier_path).await;
    assert!(
        browser
            .text("#dossier-step")
            .await
            .starts_with(&format!("{last_step}/"))
    );
    browser
        .type_into("#doc-name", "Giấy khai sinh (bản điện tử)")
        .await;
    browser
        .type_into(
            "#doc-file",
            &pdf(files.path(), "giay-khai-sinh.pdf", "giấy khai sinh"),
        )
        .await;
    // (a choice only when the leader may add both kinds)
    if let Ok(radio) = browser
        .client
        .find(fantoccini::Locator::Css(
            "form[action$='/documents'] input[type='radio'][name='role'][value='result']",
        ))
        .await
    {
        radio.click().await.expect("a result document");
    }
    browser
        .click("form[action$='/documents'] button[type='submit']")
        .await;
    wait_for_text(&browser, "#documents table", "Giấy khai sinh (bản điện tử)").await;
    act(&browser, "approve").await;
    assert_eq!(status(&browser).await, "processed");
    log_out(&browser).await;

    // ---- The counter returns the result.
    log_in(&browser, "tp.tiepnhan").await;
    browser.open(&dossier_path).await;
    act_with_form(&browser, "return_result", None).await;
    assert_eq!(status(&browser).await, "returned");
    // The control slip shows who held it.
    browser.open(&format!("{dossier_path}/forms/06")).await;
    let slip = browser.text("#form-rows").await;
    assert!(
        slip.contains("Phê duyệt, ký kết quả") && slip.contains("Trả kết quả"),
        "{slip}"
    );
    log_out(&browser).await;

    // ---- The citizen has the result in their document store.
    log_in(&browser, CITIZEN).await;
    browser.open("/account").await;
    browser
        .click("#applicant-links a[href='/account/documents']")
        .await;
    browser.wait_for_page("/account/documents").await;
    assert!(
        browser
            .text("main")
            .await
            .contains("Giấy khai sinh (bản điện tử)"),
        "the result landed in the document store"
    );
    log_out(&browser).await;

    // ---- Anyone with the code and the last 4 ID digits tracks it.
    browser.open("/tracking").await;
    browser.type_into("#f-code", &code).await;
    browser.type_into("#f-id_last4", CITIZEN_LAST4).await;
    browser
        .click_and_wait_for_new_page("#tracking-submit")
        .await;
    assert_eq!(browser.text("#tracking-code").await, code);
    assert!(
        browser
            .text("#tracking-status")
            .await
            .contains("Đã trả kết quả")
    );
    let milestones = browser.text("#tracking-milestones").await;
    for step in [
        "Nộp hồ sơ",
        "Tiếp nhận hồ sơ, hẹn ngày trả kết quả",
        "Đã giải quyết xong, có kết quả",
        "Đã trả kết quả",
    ] {
        assert!(
            milestones.contains(step),
            "milestone {step:?} in {milestones}"
        );
    }
    assert!(
        !milestones.contains("Xem hồ sơ"),
        "officer views are not milestones"
    );
}

/// Fills the Department of Justice's birth registration e-form (the demo's settings).
async fn fill_eform(browser: &Browser) {
    browser.find("#eform").await;
    browser
        .type_into("#f-fv_ho_ten_tre", "Nguyễn Minh Khang")
        .await;
    // A date input takes its value in ISO form whatever the browser's locale shows.
    browser
        .client
        .execute(
            "document.getElementById('f-fv_ngay_sinh').value = '2026-11-20'",
            vec![],
        )
        .await
        .expect("set the date of birth");
    choose_second_option(browser, "#f-fv_gioi_tinh").await;
    browser
        .type_into("#f-fv_noi_sinh", "Bệnh viện Từ Dũ, Thành phố Hồ Chí Minh")
        .await;
    browser.type_into("#f-fv_ho_ten_me", "Trần Thị Mai").await;
    choose_second_option(browser, "#f-fv_quan_he").await;
}

async fn choose_second_option(browser: &Browser, css: &str) {
    let select = browser.find(css).await;
    let options = select
        .find_all(fantoccini::Locator::Css("option"))
        .await
        .expect("options");
    options
        .get(1)
        .unwrap_or_else(|| panic!("{css} has choices"))
        .click()
        .await
        .expect("choose");
}
