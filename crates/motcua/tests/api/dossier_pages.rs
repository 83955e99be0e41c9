//! The dossier pages, driven as a browser without JavaScript drives them: real HTTP, the
//! session cookie, the CSRF token read from the page, forms posted url-encoded. On a fresh
//! database with one real procedure (birth registration, 1.001193, from the shared national
//! export): online submission, "my dossiers", the officer's queues, the dossier page and its
//! action forms (with the "changed meanwhile" answer to a stale form), counter reception of a
//! paper dossier, and who sees what.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp, shared_line};

const PROCEDURE: &str = "1.001193";
const JUSTICE: &str = "000.00.12.H29";
const HOME_AFFAIRS: &str = "000.00.11.H29";
const PASSWORD: &str = "Kiem-thu-trang-ho-so-2026";
const CITIZEN: &str = "079305004321";

/// A logged-in browser: its session cookie.
struct Browser {
    cookie: String,
    id: i64,
}

/// A page as the test reads it.
struct Page {
    status: StatusCode,
    location: Option<String>,
    html: String,
}

impl Page {
    fn has(&self, text: &str) -> bool {
        self.html.contains(text)
    }

    #[track_caller]
    fn assert_has(&self, text: &str) {
        assert!(
            self.has(text),
            "the page ({}) lacks {text:?}:\n{}",
            self.status,
            self.html
        );
    }

    #[track_caller]
    fn assert_lacks(&self, text: &str) {
        assert!(!self.has(text), "the page shows {text:?}:\n{}", self.html);
    }

    /// The hidden CSRF token of the page's forms (the session's; every form carries it).
    fn csrf(&self) -> String {
        let at = self
            .html
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF field")
            + "name=\"csrf\" value=\"".len();
        self.html[at..].chars().take_while(|c| *c != '"').collect()
    }
}

async fn read(r: reqwest::Response) -> Page {
    let status = r.status();
    let location = r
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let html = r.text().await.unwrap();
    // Every text of these pages comes from the catalogs: a key shown as such is missing.
    assert!(
        !html.contains("dossier_pages."),
        "an untranslated key on the page:\n{html}"
    );
    Page {
        status,
        location,
        html,
    }
}

impl Browser {
    async fn get(&self, app: &TestApp, path: &str) -> Page {
        read(
            app.client
                .get(app.url(path))
                .header(COOKIE, &self.cookie)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// Posts a form with the CSRF token read from `from` (as the browser showing it would).
    async fn post(&self, app: &TestApp, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(app, from).await.csrf();
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf", &token));
        read(
            app.client
                .post(app.url(path))
                .header(COOKIE, &self.cookie)
                .form(&form)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// An action form of the dossier page, with the version the page showed.
    async fn act(
        &self,
        app: &TestApp,
        id: i64,
        version: i64,
        command: &str,
        args: &[(&str, &str)],
    ) -> Page {
        let v = version.to_string();
        let mut fields = vec![("command", command), ("version", v.as_str())];
        fields.extend_from_slice(args);
        let page = format!("/dossiers/{id}");
        self.post(app, &page, &format!("{page}/commands"), &fields)
            .await
    }

    async fn api(&self, app: &TestApp, path: &str) -> Value {
        let r = app
            .client
            .get(app.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "GET {path}");
        r.json().await.unwrap()
    }
}

async fn log_in(app: &TestApp, login: &str) -> Browser {
    let r = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": login, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {login}");
    let cookie = r
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mc_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body: Value = r.json().await.unwrap();
    Browser {
        cookie,
        id: body["me"]["id"].as_i64().unwrap(),
    }
}

async fn officer(app: &TestApp, agency: &str, login: &str, name: &str, role: &str) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/agencies/{agency}/officers")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "login": login, "full_name": name, "password": PASSWORD, "role": role }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "officer {login}");
}

async fn citizen(app: &TestApp, id: &str, name: &str) {
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(&json!({ "kind": "citizen", "identifier": id, "full_name": name,
                       "email": format!("{id}@example.vn"), "phone": "0987654321", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

struct World {
    app: TestApp,
    citizen: Browser,
    reception: Browser,
    specialist: Browser,
    head: Browser,
    leader: Browser,
    /// A receiving officer of another agency.
    stranger: Browser,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let store = app.store().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("one.jsonl");
    std::fs::write(&file, shared_line(PROCEDURE) + "\n").unwrap();
    motcua::import::tthc_files(store.as_ref(), &[file])
        .await
        .unwrap();
    for (code, name) in [(JUSTICE, "Sở Tư pháp"), (HOME_AFFAIRS, "Sở Nội vụ")] {
        let r = app
            .client
            .post(app.url("/api/v1/agencies"))
            .bearer_auth(ADMIN_TOKEN)
            .json(&json!({ "code": code, "name": name, "kind": "department" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    store
        .upsert_receiving_point(&motcua_store::NewReceivingPoint {
            agency_code: JUSTICE.parse().unwrap(),
            code: "MC".into(),
            name: "Bộ phận Một cửa Sở Tư pháp".into(),
            address: None,
            unit_code: None,
        })
        .await
        .unwrap();
    officer(
        &app,
        JUSTICE,
        "tn.trang",
        "Trần Tiếp Nhận",
        "receiving_officer",
    )
    .await;
    officer(&app, JUSTICE, "cv.trang", "Phạm Chuyên Viên", "specialist").await;
    officer(&app, JUSTICE, "ld.trang", "Hoàng Lãnh Đạo", "leader").await;
    officer(
        &app,
        JUSTICE,
        "lp.trang",
        "Võ Trưởng Phòng",
        "department_head",
    )
    .await;
    officer(
        &app,
        HOME_AFFAIRS,
        "nv.trang",
        "Đỗ Nội Vụ",
        "receiving_officer",
    )
    .await;
    citizen(&app, CITIZEN, "Lê Thị Cúc").await;
    World {
        citizen: log_in(&app, CITIZEN).await,
        reception: log_in(&app, "tn.trang").await,
        specialist: log_in(&app, "cv.trang").await,
        head: log_in(&app, "lp.trang").await,
        leader: log_in(&app, "ld.trang").await,
        stranger: log_in(&app, "nv.trang").await,
        app,
    }
}

/// The id in a `/dossiers/{id}…` redirect.
fn dossier_id(page: &Page) -> i64 {
    let to = page.location.as_deref().expect("a redirect");
    let rest = to.strip_prefix("/dossiers/").expect("to a dossier page");
    rest.split(['?', '/']).next().unwrap().parse().unwrap()
}

/// An online draft to the Justice counter, made (and optionally submitted) on the pages.
async fn page_dossier(w: &World, submit: bool) -> i64 {
    let app = &w.app;
    // Through the page form, the same service: an online draft to the Justice counter.
    let saved = w
        .citizen
        .post(
            app,
            &format!("/procedures/{PROCEDURE}/submit?agency={JUSTICE}"),
            &format!("/procedures/{PROCEDURE}/submit"),
            &[("agency", JUSTICE), ("result_delivery", "online")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let id = dossier_id(&saved);
    if submit {
        let done = w.citizen.act(app, id, 0, "submit", &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    }
    id
}

async fn version(w: &World, id: i64) -> (String, i64) {
    let d = w
        .reception
        .api(&w.app, &format!("/api/v1/dossiers/{id}"))
        .await;
    (
        d["status"].as_str().unwrap().to_owned(),
        d["version"].as_i64().unwrap(),
    )
}

#[tokio::test]
async fn an_applicant_submits_on_the_pages_and_the_counter_receives_it() {
    let w = world().await;
    let app = &w.app;
    let submit_path = format!("/procedures/{PROCEDURE}/submit");

    // Anonymous visitors are sent to log in, and back.
    let anonymous = read(app.client.get(app.url(&submit_path)).send().await.unwrap()).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anonymous.location.as_deref(),
        Some("/login?next=%2Fprocedures%2F1.001193%2Fsubmit")
    );

    // First the receiving agency, then the form for it.
    let choose = w.citizen.get(app, &submit_path).await;
    assert_eq!(choose.status, StatusCode::OK);
    choose.assert_has("Nộp hồ sơ trực tuyến");
    choose.assert_has("Thủ tục đăng ký khai sinh");
    choose.assert_has(&format!("<option value=\"{JUSTICE}\">Sở Tư pháp</option>"));
    choose.assert_lacks("id=\"submit-form\"");
    let form_page = format!("{submit_path}?agency={JUSTICE}");
    let form = w.citizen.get(app, &form_page).await;
    form.assert_has("id=\"submit-form\"");
    form.assert_has("Bộ phận Một cửa Sở Tư pháp");
    form.assert_has("name=\"result_delivery\" value=\"post\"");
    form.assert_has("Lưu nháp");

    // A bad choice is refused on its field, in Vietnamese, and nothing is created.
    let bad = w
        .citizen
        .post(
            app,
            &form_page,
            &submit_path,
            &[
                ("agency", JUSTICE),
                ("result_delivery", "pigeon"),
                ("key", "k-bad"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("id=\"e-result_delivery\"");
    bad.assert_has("Nơi nhận kết quả phải là");
    let mine = w.citizen.api(app, "/api/v1/dossiers").await;
    assert_eq!(mine["total"], 0);

    // "Lưu nháp": the draft opens on its page.
    let fields = [
        ("agency", JUSTICE),
        ("receiving_point", "MC"),
        ("result_delivery", "post"),
        ("key", "k-page-1"),
    ];
    let saved = w.citizen.post(app, &form_page, &submit_path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
    let id = dossier_id(&saved);
    assert_eq!(
        saved.location.as_deref(),
        Some(format!("/dossiers/{id}?created=1").as_str())
    );
    // Sent twice (a double click, a reload): the same draft.
    let again = w.citizen.post(app, &form_page, &submit_path, &fields).await;
    assert_eq!(dossier_id(&again), id);
    assert_eq!(w.citizen.api(app, "/api/v1/dossiers").await["total"], 1);

    let draft = w
        .citizen
        .get(app, &format!("/dossiers/{id}?created=1"))
        .await;
    assert_eq!(draft.status, StatusCode::OK);
    draft.assert_has("Đã lưu hồ sơ nháp");
    draft.assert_has("<strong>Nháp</strong>");
    draft.assert_has("Nhận qua dịch vụ bưu chính");
    draft.assert_has("id=\"cmd-submit\"");
    draft.assert_lacks("id=\"cmd-receive\"");

    // My dossiers lists it, drafts included.
    let list = w.citizen.get(app, "/dossiers").await;
    list.assert_has(&format!("href=\"/dossiers/{id}\""));
    list.assert_has("Hồ sơ nháp");

    // Submitted from its page.
    let sent = w.citizen.act(app, id, 0, "submit", &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/dossiers/{id}?done=submit").as_str())
    );
    let submitted = w.citizen.get(app, sent.location.as_deref().unwrap()).await;
    submitted.assert_has("Đã thực hiện: Nộp hồ sơ.");
    submitted.assert_has("<strong>Mới đăng ký</strong> (mã trạng thái 1)");
    submitted.assert_lacks("id=\"cmd-receive\"");

    // The counter's queue shows it, with its count.
    let queue = w
        .reception
        .get(app, &format!("/work/dossiers?agency={JUSTICE}"))
        .await;
    assert_eq!(queue.status, StatusCode::OK);
    queue.assert_has("<span class=\"badge\" data-count=\"to_receive\">1</span>");
    queue.assert_has(&format!("<tr data-id=\"{id}\">"));
    queue.assert_has("Lê Thị Cúc");
    // The work home links to it.
    let work = w.reception.get(app, "/work").await;
    work.assert_has(&format!("href=\"/work/dossiers?agency={JUSTICE}\""));
    work.assert_has(&format!("href=\"/work/reception?agency={JUSTICE}\""));

    // The receiving officer's page offers the counter's actions; their view is logged.
    let counter = w.reception.get(app, &format!("/dossiers/{id}")).await;
    counter.assert_has("id=\"cmd-receive\"");
    counter.assert_has("id=\"action-request_supplement\"");
    counter.assert_has("id=\"action-refuse\"");
    counter.assert_lacks("id=\"cmd-submit\"");
    counter.assert_has("data-kind=\"view\"");

    // A form read before someone else acted: "changed meanwhile", and nothing changes.
    let stale = w.reception.act(app, id, 0, "receive", &[]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    stale.assert_has("Hồ sơ đã được người khác thay đổi, vui lòng tải lại trang");
    assert_eq!(version(&w, id).await, ("submitted".to_owned(), 1));

    // Received: the code is issued and shown, with the receipt to print.
    let received = w.reception.act(app, id, 1, "receive", &[]).await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.html);
    let page = w
        .reception
        .get(app, received.location.as_deref().unwrap())
        .await;
    let code = page
        .html
        .split("id=\"dossier-code\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    assert!(
        code.starts_with("000.00.12.H29-") && code.ends_with("-0001"),
        "{code}"
    );
    page.assert_has(&format!("Mã hồ sơ: <strong>{code}</strong>"));
    page.assert_has("<strong>Đã tiếp nhận</strong> (mã trạng thái 2)");
    page.assert_has(&format!("href=\"/dossiers/{id}/forms/01\""));
    page.assert_has(&format!("href=\"/dossiers/{id}/forms/06\""));
    let after = w
        .reception
        .get(app, &format!("/work/dossiers?agency={JUSTICE}"))
        .await;
    after.assert_has("<span class=\"badge\" data-count=\"to_receive\">0</span>");
    after.assert_has("<span class=\"badge\" data-count=\"in_process\">1</span>");

    // The applicant sees the code and the milestones, not the officers' views, and no
    // counter action.
    let theirs = w.citizen.get(app, &format!("/dossiers/{id}")).await;
    theirs.assert_has(&code);
    theirs.assert_has("data-kind=\"receive\"");
    theirs.assert_lacks("data-kind=\"view\"");
    theirs.assert_lacks("127.0.0.1"); // where officers acted from is for officers
    theirs.assert_lacks("id=\"cmd-receive\"");
    theirs.assert_has(&format!("href=\"/dossiers/{id}/forms/01\""));
    theirs.assert_lacks(&format!("href=\"/dossiers/{id}/forms/06\""));
    // And in English.
    let english = w.citizen.get(app, &format!("/dossiers/{id}?lang=en")).await;
    english.assert_has("<strong>Received</strong> (status code 2)");
    english.assert_has("Received; appointment issued");
}

#[tokio::test]
async fn actions_follow_the_role_and_strangers_see_nothing() {
    let w = world().await;
    let app = &w.app;
    let id = page_dossier(&w, true).await;
    let page = format!("/dossiers/{id}");

    // Anonymous: to the login page, for the dossier, the lists and the commands.
    for path in [
        page.as_str(),
        "/dossiers",
        "/work/dossiers",
        "/work/reception",
    ] {
        let r = read(app.client.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            r.location.as_deref().unwrap().starts_with("/login?next="),
            "{path}: {:?}",
            r.location
        );
    }
    // An officer of another agency, and another citizen: as if it did not exist.
    let theirs = w.stranger.get(app, &page).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    theirs.assert_lacks("Lê Thị Cúc");
    let forced = w.stranger.act(app, id, 1, "receive", &[]).await;
    assert_eq!(forced.status, StatusCode::NOT_FOUND);
    citizen(app, "079305001111", "Người Khác").await;
    let other = log_in(app, "079305001111").await;
    assert_eq!(other.get(app, &page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        other
            .act(app, id, 1, "withdraw", &[("reason", "x")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(version(&w, id).await, ("submitted".to_owned(), 1));
    // Nor do their queues hold it; applicants have no queues or counter.
    let queue = w
        .stranger
        .get(app, &format!("/work/dossiers?agency={HOME_AFFAIRS}"))
        .await;
    queue.assert_lacks(&format!("data-id=\"{id}\""));
    assert_eq!(
        w.stranger
            .get(app, &format!("/work/dossiers?agency={JUSTICE}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.citizen.get(app, "/work/dossiers").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.citizen.get(app, "/work/reception").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        w.specialist.get(app, "/work/reception").await.status,
        StatusCode::FORBIDDEN
    );

    // The applicant may withdraw; a specialist has nothing to do before reception.
    let applicant = w.citizen.get(app, &page).await;
    applicant.assert_has("id=\"action-withdraw\"");
    applicant.assert_lacks("id=\"cmd-receive\"");
    let specialist = w.specialist.get(app, &page).await;
    assert_eq!(specialist.status, StatusCode::OK);
    specialist.assert_has("id=\"no-actions\"");
    // A citizen cannot receive even by posting the form.
    let forged = w.citizen.act(app, id, 1, "receive", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(version(&w, id).await, ("submitted".to_owned(), 1));

    // A supplement request must say what is missing: refused on the field, nothing changed.
    let empty = w
        .reception
        .act(app, id, 1, "request_supplement", &[("items", "  \n ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_has("Cần nêu ít nhất một nội dung.");
    empty.assert_has("id=\"action-request_supplement\" data-command=\"request_supplement\" open");
    assert_eq!(version(&w, id).await, ("submitted".to_owned(), 1));

    // Received; the department head assigns from the officers of the agency.
    let received = w.reception.act(app, id, 1, "receive", &[]).await;
    assert_eq!(received.status, StatusCode::SEE_OTHER);
    let head = w.head.get(app, &page).await;
    head.assert_has("id=\"action-assign\"");
    head.assert_has(&format!(
        "<option value=\"{}\">Phạm Chuyên Viên — Chuyên viên",
        w.specialist.id
    ));
    head.assert_lacks("Trần Tiếp Nhận — "); // counter staff do not process
    head.assert_lacks("id=\"cmd-receive\"");
    // Not to an applicant, even by a crafted form.
    let crafted = w
        .head
        .act(app, id, 2, "assign", &[("to", &w.citizen.id.to_string())])
        .await;
    assert_eq!(crafted.status, StatusCode::UNPROCESSABLE_ENTITY);
    crafted.assert_has("không phải cán bộ xử lý hồ sơ");
    assert_eq!(version(&w, id).await, ("received".to_owned(), 2));
    let assigned = w
        .head
        .act(
            app,
            id,
            2,
            "assign",
            &[("to", &w.specialist.id.to_string())],
        )
        .await;
    assert_eq!(assigned.status, StatusCode::SEE_OTHER, "{}", assigned.html);
    let processing = w.specialist.get(app, &page).await;
    processing.assert_has("<dd id=\"dossier-assignee\">Phạm Chuyên Viên</dd>");
    processing.assert_has("<dd id=\"dossier-step\">1/3");
    processing.assert_has("id=\"action-forward\"");
    processing.assert_has("id=\"action-transfer\"");
    processing.assert_lacks("id=\"cmd-approve\"");
    // Fees: a bad amount names the field.
    let fees = w
        .specialist
        .act(app, id, 3, "request_fees", &[("amount_vnd", "nhiều")])
        .await;
    assert_eq!(fees.status, StatusCode::UNPROCESSABLE_ENTITY);
    fees.assert_has("Số tiền phải là một số nguyên");
    let fees = w
        .specialist
        .act(app, id, 3, "request_fees", &[("amount_vnd", "8.000")])
        .await;
    assert_eq!(fees.status, StatusCode::SEE_OTHER);
    let waiting = w.citizen.get(app, &page).await;
    waiting.assert_has("Số tiền phải nộp: 8.000 đ");
    // The history names what happened and who did it.
    let log = w.head.get(app, &page).await;
    log.assert_has("data-kind=\"assign\"");
    log.assert_has("Cán bộ nhận: Phạm Chuyên Viên");
    log.assert_has("Số tiền: 8.000 đ");
    log.assert_has("lần)"); // one officer's views in a row read as one line

    // The history is paginated, newest first: views by two officers in turn fill pages.
    for _ in 0..12 {
        w.head.get(app, &page).await;
        w.specialist.get(app, &page).await;
    }
    let first = w.head.get(app, &page).await;
    first.assert_has("Trang 1/2");
    first.assert_has(&format!("dossiers&#x2f;{id}?page=2\" rel=\"next\""));
    first.assert_lacks("data-kind=\"create\"");
    // A mistyped page number still opens the page.
    assert_eq!(
        w.head.get(app, &format!("{page}?page=abc")).await.status,
        StatusCode::OK
    );
    let second = w.head.get(app, &format!("{page}?page=2")).await;
    second.assert_has("Trang 2/2");
    second.assert_has("data-kind=\"create\"");
    // The applicant's milestones fit on one page.
    w.citizen.get(app, &page).await.assert_lacks("Trang 1/2");
}

#[tokio::test]
async fn a_paper_dossier_is_received_at_the_counter() {
    let w = world().await;
    let app = &w.app;
    // Looked up by ID number: the applicant's account prefills the form.
    let lookup =
        format!("/work/reception?agency={JUSTICE}&id_number={CITIZEN}&procedure={PROCEDURE}");
    let form = w.reception.get(app, &lookup).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    form.assert_has("id=\"applicant-found\"");
    form.assert_has("<strong>Lê Thị Cúc</strong>");
    form.assert_has("id=\"reception-form\"");
    form.assert_has("value=\"Lê Thị Cúc\"");
    form.assert_has("value=\"0987654321\"");
    // Someone without an account: typed in. A missing name is refused on its field.
    let unknown = w
        .reception
        .get(
            app,
            &format!(
                "/work/reception?agency={JUSTICE}&id_number=079305009999&procedure={PROCEDURE}"
            ),
        )
        .await;
    unknown.assert_has("id=\"applicant-not-found\"");
    let fields = |name: &'static str| {
        vec![
            ("agency", JUSTICE),
            ("procedure_code", PROCEDURE),
            ("applicant_name", name),
            ("applicant_id_number", "079305009999"),
            ("applicant_phone", "0911222333"),
            ("result_delivery", "counter"),
            ("receiving_point", "MC"),
            ("key", "paper-1"),
        ]
    };
    let missing = w
        .reception
        .post(app, &lookup, "/work/reception", &fields(""))
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    missing.assert_has("id=\"e-applicant_name\"");
    missing.assert_has("value=\"0911222333\"");
    let created = w
        .reception
        .post(app, &lookup, "/work/reception", &fields("Nguyễn Văn Bình"))
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
    let id = dossier_id(&created);
    let d = w
        .reception
        .api(app, &format!("/api/v1/dossiers/{id}"))
        .await;
    assert_eq!(d["channel"], "in_person");
    assert_eq!(d["applicant_name"], "Nguyễn Văn Bình");
    // On its page the counter sends it on and receives it.
    let page = w.reception.get(app, &format!("/dossiers/{id}")).await;
    page.assert_has("Trực tiếp");
    page.assert_has("Nhận tại bộ phận một cửa");
    page.assert_has("id=\"cmd-submit\"");
    let sent = w.reception.act(app, id, 0, "submit", &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
    let received = w.reception.act(app, id, 1, "receive", &[]).await;
    assert_eq!(received.status, StatusCode::SEE_OTHER, "{}", received.html);
    assert_eq!(version(&w, id).await, ("received".to_owned(), 2));

    // Only the agency's counter staff receive there.
    for (who, status) in [
        (&w.stranger, StatusCode::FORBIDDEN),
        (&w.specialist, StatusCode::FORBIDDEN),
        (&w.citizen, StatusCode::FORBIDDEN),
    ] {
        assert_eq!(who.get(app, &lookup).await.status, status);
    }
    let refused = w
        .stranger
        .post(
            app,
            &format!("/work/reception?agency={HOME_AFFAIRS}"),
            "/work/reception",
            &fields("Người Lạ"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_agencys_eform_is_filled_in_and_checked_field_by_field() {
    let w = world().await;
    let app = &w.app;
    let settings = json!({ "settings": { "eform": [
        { "key": "ho_ten_tre", "label_vi": "Họ, chữ đệm, tên của trẻ", "label_en": "Child's full name",
          "type": "text", "required": true, "max_length": 100 },
        { "key": "ngay_sinh", "label_vi": "Ngày sinh", "label_en": "Date of birth", "type": "date", "required": true },
        { "key": "gioi_tinh", "label_vi": "Giới tính", "label_en": "Sex", "type": "select",
          "options": [{ "value": "nam", "label": "Nam" }, { "value": "nu", "label": "Nữ" }] },
    ] } });
    let r = app
        .client
        .put(app.url(&format!(
            "/api/v1/agencies/{JUSTICE}/procedures/{PROCEDURE}/settings"
        )))
        .bearer_auth(ADMIN_TOKEN)
        .json(&settings)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());

    let submit_path = format!("/procedures/{PROCEDURE}/submit");
    let form_page = format!("{submit_path}?agency={JUSTICE}");
    let form = w.citizen.get(app, &form_page).await;
    form.assert_has("<label for=\"f-fv_ho_ten_tre\">Họ, chữ đệm, tên của trẻ <span aria-hidden=\"true\">*</span></label>");
    form.assert_has("name=\"fv_ngay_sinh\" type=\"date\"");
    form.assert_has("<option value=\"nu\">Nữ</option>");
    let english = w.citizen.get(app, &format!("{form_page}&lang=en")).await;
    english.assert_has("Child&#x27;s full name");
    english.assert_has("<legend>Where to receive the result</legend>");

    // Everything wrong at once, each on its field; nothing is created, the answers stay.
    let bad = w
        .citizen
        .post(
            app,
            &form_page,
            &submit_path,
            &[
                ("agency", JUSTICE),
                ("fv_ngay_sinh", "15/01/2026"),
                ("fv_gioi_tinh", "nu"),
                ("result_delivery", "online"),
                ("key", "eform-1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
    bad.assert_has("id=\"e-fv_ho_ten_tre\"");
    bad.assert_has("id=\"e-fv_ngay_sinh\"");
    bad.assert_has("<option value=\"nu\" selected>Nữ</option>");
    bad.assert_has("value=\"15&#x2f;01&#x2f;2026\"");
    assert_eq!(w.citizen.api(app, "/api/v1/dossiers").await["total"], 0);

    let good = w
        .citizen
        .post(
            app,
            &form_page,
            &submit_path,
            &[
                ("agency", JUSTICE),
                ("fv_ho_ten_tre", "Lê Minh Khôi"),
                ("fv_ngay_sinh", "2026-01-15"),
                ("fv_gioi_tinh", "nam"),
                ("result_delivery", "online"),
                ("key", "eform-2"),
            ],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.html);
    let id = dossier_id(&good);
    let d = w.citizen.api(app, &format!("/api/v1/dossiers/{id}")).await;
    assert_eq!(
        d["form_values"],
        json!({ "ho_ten_tre": "Lê Minh Khôi", "ngay_sinh": "2026-01-15", "gioi_tinh": "nam" })
    );
    let page = w.citizen.get(app, &format!("/dossiers/{id}")).await;
    page.assert_has("<dt>Họ, chữ đệm, tên của trẻ</dt><dd>Lê Minh Khôi</dd>");
    page.assert_has("<dt>Giới tính</dt><dd>Nam</dd>");
    // The documents of the dossier: the applicant may attach theirs.
    page.assert_has("id=\"documents\"");
    page.assert_has(&format!("action=\"/dossiers/{id}/documents\""));

    // The counter fills in the same e-form for a paper dossier.
    let reception = w
        .reception
        .get(
            app,
            &format!("/work/reception?agency={JUSTICE}&procedure={PROCEDURE}"),
        )
        .await;
    reception.assert_has("name=\"fv_ho_ten_tre\"");
    reception.assert_has("name=\"fv_gioi_tinh\"");
}

/// Gives a command on the page and expects to be sent back to the page with its notice.
async fn done(w: &World, who: &Browser, id: i64, command: &str, args: &[(&str, &str)]) -> Page {
    let (_, v) = version(w, id).await;
    let r = who.act(&w.app, id, v, command, args).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{command}: {}", r.html);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/dossiers/{id}?done={command}").as_str())
    );
    who.get(&w.app, r.location.as_deref().unwrap()).await
}

#[tokio::test]
async fn every_action_form_reaches_the_lifecycle() {
    let w = world().await;
    let app = &w.app;
    let sp = w.specialist.id.to_string();
    let lp = w.head.id.to_string();

    // The internal process: assign, forward, send back, forward again, approve, return.
    let id = page_dossier(&w, true).await;
    done(&w, &w.reception, id, "receive", &[]).await;
    done(&w, &w.head, id, "assign", &[("to", &sp)]).await;
    // The apology: a new appointment, the delay attributed to an agency it went through.
    let apology = w.specialist.get(app, &format!("/dossiers/{id}")).await;
    apology.assert_has(&format!("<option value=\"{JUSTICE}\">Sở Tư pháp</option>"));
    let bad = w
        .specialist
        .act(
            app,
            id,
            version(&w, id).await.1,
            "apologize",
            &[
                ("new_due_date", "ngày mai"),
                ("reason", "x"),
                ("responsible_agency", JUSTICE),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_has("Ngày hẹn mới không hợp lệ");
    let page = done(
        &w,
        &w.specialist,
        id,
        "apologize",
        &[
            ("new_due_date", "2027-03-15"),
            ("new_due_time", "16:30"),
            ("reason", "Cần xác minh với cơ quan khác"),
            ("responsible_agency", JUSTICE),
        ],
    )
    .await;
    page.assert_has("15&#x2f;03&#x2f;2027 16:30");
    page.assert_has("<span class=\"badge late\">Trễ hạn</span>");
    page.assert_has(&format!("href=\"/dossiers/{id}/forms/04\""));
    done(&w, &w.specialist, id, "forward", &[("to", &lp)]).await;
    let back = done(
        &w,
        &w.head,
        id,
        "send_back",
        &[("reason", "Thiếu ý kiến thẩm định"), ("to", &sp)],
    )
    .await;
    back.assert_has("<dd id=\"dossier-step\">1/3");
    back.assert_has("Lý do: Thiếu ý kiến thẩm định");
    done(&w, &w.specialist, id, "forward", &[("to", &lp)]).await;
    let last = done(&w, &w.head, id, "forward", &[("to", "")]).await;
    last.assert_has("<dd id=\"dossier-step\">3/3");
    let leader = w.leader.get(app, &format!("/dossiers/{id}")).await;
    leader.assert_has("id=\"cmd-approve\"");
    let approved = done(&w, &w.leader, id, "approve", &[]).await;
    approved.assert_has("<strong>Đã xử lý xong</strong> (mã trạng thái 9)");
    let counter = w.reception.get(app, &format!("/dossiers/{id}")).await;
    counter.assert_has("<option value=\"online\" selected>");
    let returned = done(
        &w,
        &w.reception,
        id,
        "return_result",
        &[("channel", "counter")],
    )
    .await;
    returned.assert_has("<strong>Đã trả kết quả</strong> (mã trạng thái 10)");
    returned.assert_has("id=\"no-actions\"");
    returned.assert_has("Hình thức trả: Tại bộ phận một cửa");

    // A transfer to another agency: the dossier leaves for that agency's queues.
    let moved = page_dossier(&w, true).await;
    done(&w, &w.reception, moved, "receive", &[]).await;
    let transfer = w.specialist.get(app, &format!("/dossiers/{moved}")).await;
    transfer.assert_has(&format!(
        "<option value=\"{HOME_AFFAIRS}\">Sở Nội vụ</option>"
    ));
    let targets = transfer
        .html
        .split("id=\"transfer-to_agency\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .unwrap();
    assert!(
        targets.contains(HOME_AFFAIRS) && !targets.contains(JUSTICE),
        "{targets}"
    );
    let unknown = w
        .specialist
        .act(
            app,
            moved,
            2,
            "transfer",
            &[("to_agency", "999.99.99.H29"), ("reason", "x")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    unknown.assert_has("Không tìm thấy cơ quan này.");
    let page = done(
        &w,
        &w.specialist,
        moved,
        "transfer",
        &[
            ("to_agency", HOME_AFFAIRS),
            ("reason", "Thuộc thẩm quyền Sở Nội vụ"),
        ],
    )
    .await;
    page.assert_has("<dd id=\"dossier-holder\">Sở Nội vụ");
    let theirs = w
        .stranger
        .get(
            app,
            &format!("/work/dossiers?agency={HOME_AFFAIRS}&queue=transferred_in"),
        )
        .await;
    theirs.assert_has(&format!("<tr data-id=\"{moved}\">"));

    // Refusal, stop and withdrawal end a dossier, each with its reasons.
    let refused = page_dossier(&w, true).await;
    let page = done(
        &w,
        &w.reception,
        refused,
        "refuse",
        &[("reasons", "Không thuộc thẩm quyền\nThiếu giấy tờ tùy thân")],
    )
    .await;
    page.assert_has("Lý do: Không thuộc thẩm quyền");
    page.assert_has("Lý do: Thiếu giấy tờ tùy thân");
    page.assert_has(&format!("href=\"/dossiers/{refused}/forms/03\""));
    let stopped = page_dossier(&w, true).await;
    done(&w, &w.reception, stopped, "receive", &[]).await;
    done(
        &w,
        &w.specialist,
        stopped,
        "stop",
        &[("reason", "Người nộp đề nghị dừng")],
    )
    .await;
    assert_eq!(version(&w, stopped).await.0, "stopped");
    let withdrawn = page_dossier(&w, true).await;
    let page = done(
        &w,
        &w.citizen,
        withdrawn,
        "withdraw",
        &[("reason", "Nộp nhầm thủ tục")],
    )
    .await;
    page.assert_has("<strong>Công dân rút hồ sơ</strong>");

    // A supplement requested at reception, supplied, then received; fees, confirmed.
    let sup = page_dossier(&w, true).await;
    let page = done(
        &w,
        &w.reception,
        sup,
        "request_supplement",
        &[("items", "Bản sao giấy chứng sinh\nGiấy tờ tùy thân")],
    )
    .await;
    page.assert_has("Cần bổ sung: Bản sao giấy chứng sinh");
    let theirs = w.citizen.get(app, &format!("/dossiers/{sup}")).await;
    theirs.assert_has("id=\"cmd-supplement\"");
    done(&w, &w.citizen, sup, "supplement", &[]).await;
    done(&w, &w.reception, sup, "receive", &[]).await;
    done(&w, &w.head, sup, "assign", &[("to", &sp)]).await;
    done(
        &w,
        &w.specialist,
        sup,
        "request_fees",
        &[("amount_vnd", "8000")],
    )
    .await;
    let page = done(&w, &w.reception, sup, "confirm_fees", &[]).await;
    page.assert_has("<strong>Đang xử lý</strong>");
}
