//! Dossiers over HTTP, end to end on a fresh database with one real procedure (birth
//! registration, 1.001193, from the shared national export): an online submission received
//! at the counter, processed through the internal process, returned; conflicts between two
//! officers; idempotent creation; access; the log chain; public tracking with its second
//! factor and its throttle.

use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp, shared_line};

const PROCEDURE: &str = "1.001193";
const AGENCY: &str = "000.00.12.H29";
const PASSWORD: &str = "Kiem-thu-ho-so-2026";

struct World {
    app: TestApp,
    citizen: Session,
    reception: Session,
    specialist: Session,
    specialist_id: i64,
    head: Session,
    head_id: i64,
    leader: Session,
    leader_id: i64,
}

struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    fn post(&self, app: &TestApp, path: &str, body: Value) -> reqwest::RequestBuilder {
        app.client
            .post(app.url(path))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
    }
    fn get(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        app.client.get(app.url(path)).header(COOKIE, &self.cookie)
    }
}

async fn login(app: &TestApp, name: &str) -> Session {
    let r = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": name, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {name}");
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
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

async fn officer(app: &TestApp, login_name: &str, role: &str) -> i64 {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/agencies/{AGENCY}/officers")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "login": login_name, "full_name": login_name, "password": PASSWORD, "role": role }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
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
    for (code, name) in [(AGENCY, "Sở Tư pháp"), ("000.00.11.H29", "Sở Nội vụ")] {
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
    officer(&app, "tn.mot", "receiving_officer").await;
    let specialist_id = officer(&app, "cv.mot", "specialist").await;
    let head_id = officer(&app, "lp.mot", "department_head").await;
    let leader_id = officer(&app, "ld.mot", "leader").await;
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(
            &json!({ "kind": "citizen", "identifier": "079305004321", "full_name": "Lê Thị Cúc",
                       "email": "cuc@example.vn", "phone": "0987654321", "password": PASSWORD }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    World {
        citizen: login(&app, "079305004321").await,
        reception: login(&app, "tn.mot").await,
        specialist: login(&app, "cv.mot").await,
        head: login(&app, "lp.mot").await,
        leader: login(&app, "ld.mot").await,
        specialist_id,
        head_id,
        leader_id,
        app,
    }
}

async fn give(w: &World, s: &Session, id: i64, version: i64, cmd: Value) -> reqwest::Response {
    let mut body = cmd;
    body["version"] = json!(version);
    s.post(&w.app, &format!("/api/v1/dossiers/{id}/commands"), body)
        .send()
        .await
        .unwrap()
}

async fn ok(w: &World, s: &Session, id: i64, version: i64, cmd: Value) -> Value {
    let r = give(w, s, id, version, cmd.clone()).await;
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{cmd}: {body}");
    body
}

#[tokio::test]
async fn an_online_dossier_from_submission_to_result_with_tracking() {
    let w = world().await;
    let app = &w.app;
    let create = |key: &'static str| {
        w.citizen
            .post(app, "/api/v1/dossiers", json!({ "procedure_code": PROCEDURE, "agency": AGENCY, "form_values": { "ho_ten_tre": "Lê Minh Khôi" } }))
            .header("idempotency-key", key)
    };
    let r = create("k-1").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let d: Value = r.json().await.unwrap();
    let id = d["id"].as_i64().unwrap();
    let secret = d["tracking_secret"].as_str().unwrap().to_owned();
    assert_eq!(d["status"], "draft");
    assert!(d["status_code"].is_null());
    // The same key again: the same dossier, no second one, the same secret (it is derived,
    // so every print of the receipt carries it).
    let again: Value = create("k-1").send().await.unwrap().json().await.unwrap();
    assert_eq!(again["id"], id);
    assert_eq!(again["tracking_secret"], secret.as_str());
    let mine: Value = w
        .citizen
        .get(app, "/api/v1/dossiers")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["total"], 1);

    // Officers cannot submit someone's draft; the citizen does.
    let d = ok(&w, &w.citizen, id, 0, json!({ "command": "submit" })).await;
    assert_eq!(
        (d["status"].as_str(), d["status_code"].as_i64()),
        (Some("submitted"), Some(1))
    );
    let queue: Value = w
        .reception
        .get(app, "/api/v1/dossiers?queue=to_receive")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queue["total"], 1);
    // A specialist is not counter staff.
    assert_eq!(
        give(&w, &w.specialist, id, 1, json!({ "command": "receive" }))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let d = ok(&w, &w.reception, id, 1, json!({ "command": "receive" })).await;
    let code = d["code"].as_str().unwrap().to_owned();
    assert!(
        code.starts_with("000.00.12.H29-") && code.ends_with("-0001"),
        "{code}"
    );
    assert!(d["due_at"].is_string());
    assert_eq!(d["status_code"], 2);

    // Two officers act on version 2 at once: one wins, the other hears "changed meanwhile".
    let a = give(
        &w,
        &w.head,
        id,
        2,
        json!({ "command": "assign", "to": w.specialist_id }),
    );
    let b = give(
        &w,
        &w.reception,
        id,
        2,
        json!({ "command": "transfer", "to_agency_id": 999, "reason": "x" }),
    );
    let head_try = a.await;
    assert_eq!(head_try.status(), StatusCode::OK);
    let late = b.await;
    assert!(matches!(
        late.status(),
        StatusCode::CONFLICT | StatusCode::FORBIDDEN | StatusCode::UNPROCESSABLE_ENTITY
    ));
    let stale = give(
        &w,
        &w.head,
        id,
        2,
        json!({ "command": "assign", "to": w.head_id }),
    )
    .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let problem: Value = stale.json().await.unwrap();
    assert_eq!(problem["type"], "urn:motcua:problem:changed-meanwhile");

    let d = ok(
        &w,
        &w.specialist,
        id,
        3,
        json!({ "command": "forward", "to": w.head_id }),
    )
    .await;
    assert_eq!(d["step"], 2);
    // The leader cannot approve before the last step.
    assert_eq!(
        give(&w, &w.leader, id, 4, json!({ "command": "approve" }))
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    ok(
        &w,
        &w.head,
        id,
        4,
        json!({ "command": "forward", "to": w.leader_id }),
    )
    .await;
    let d = ok(&w, &w.leader, id, 5, json!({ "command": "approve" })).await;
    assert_eq!(d["status"], "processed");
    let d = ok(
        &w,
        &w.reception,
        id,
        6,
        json!({ "command": "return_result", "channel": "online" }),
    )
    .await;
    assert_eq!(
        (d["status"].as_str(), d["status_code"].as_i64()),
        (Some("returned"), Some(10))
    );

    // The log is a verifiable chain, with every officer's view on it.
    let log: Value = w
        .head
        .get(app, &format!("/api/v1/dossiers/{id}/log?per_page=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries: Vec<motcua_dossier::chain::LogEntry> =
        serde_json::from_value(log["items"].clone()).unwrap();
    assert_eq!(motcua_dossier::chain::verify(&entries), Ok(()));
    let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
    for k in [
        "create",
        "submit",
        "receive",
        "assign",
        "forward",
        "approve",
        "return_result",
    ] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    // The citizen was told at each milestone, through the outbox.
    let mail = app
        .store()
        .unwrap()
        .messages_to("cuc@example.vn")
        .await
        .unwrap();
    assert!(
        mail.iter().any(|m| m.subject.contains("Đã tiếp nhận")),
        "{mail:?}"
    );

    // Public tracking: the code plus a second factor.
    let track = |q: String| {
        app.client
            .get(app.url(&format!("/api/v1/tracking/{code}?{q}")))
            .send()
    };
    let by_phone: Value = track("phone=0987654321".into())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_phone["status"], "returned");
    assert_eq!(by_phone["holding_agency_code"], AGENCY);
    let steps: Vec<&str> = by_phone["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert!(
        steps.contains(&"receive") && steps.contains(&"return_result") && !steps.contains(&"view"),
        "{steps:?}"
    );
    assert_eq!(
        track("id_last4=4321".into()).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        track(format!("secret={secret}")).await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        track("phone=0900000000".into()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        track(String::new()).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Enumeration is throttled.
    let mut last = StatusCode::OK;
    for _ in 0..25 {
        last = track("id_last4=0000".into()).await.unwrap().status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn strangers_do_not_see_dossiers_and_refusals_need_reasons() {
    let w = world().await;
    let app = &w.app;
    let d: Value = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({ "procedure_code": PROCEDURE, "agency": AGENCY }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = d["id"].as_i64().unwrap();
    // Another citizen: 404, as if it did not exist.
    let r = app.client.post(app.url("/api/v1/accounts")).json(&json!({ "kind": "citizen", "identifier": "079305001111", "full_name": "Người Khác", "email": "khac@example.vn", "password": PASSWORD })).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let other = login(app, "079305001111").await;
    assert_eq!(
        other
            .get(app, &format!("/api/v1/dossiers/{id}"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        give(&w, &other, id, 0, json!({ "command": "submit" }))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // An officer of the agency sees a submitted dossier, not a draft's owner's rights.
    ok(&w, &w.citizen, id, 0, json!({ "command": "submit" })).await;
    let empty = give(
        &w,
        &w.reception,
        id,
        1,
        json!({ "command": "refuse", "reasons": [] }),
    )
    .await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = empty.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "reasons");
    let unknown = give(&w, &w.reception, id, 1, json!({ "command": "teleport" })).await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let d = ok(
        &w,
        &w.reception,
        id,
        1,
        json!({ "command": "refuse", "reasons": ["Không thuộc thẩm quyền"] }),
    )
    .await;
    assert_eq!(
        (d["status"].as_str(), d["status_code"].as_i64()),
        (Some("refused"), Some(3))
    );
    assert!(d["code"].is_null(), "a refused dossier gets no code");
    // Anonymous: 401 before anything is looked up.
    assert_eq!(
        app.client
            .get(app.url(&format!("/api/v1/dossiers/{id}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // An unknown procedure or agency names the field.
    let bad: Value = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({ "procedure_code": "9.999999", "agency": "" }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["agency"]);
}

/// A page's status and HTML, with the slashes minijinja escapes put back (dates, URLs).
async fn text(s: &Session, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = s.get(app, path).send().await.unwrap();
    (r.status(), r.text().await.unwrap().replace("&#x2f;", "/"))
}

/// The printable forms 01–06 come from the dossier and its log, each with a QR code whose
/// link opens the public tracking page; the tracking page takes a code and a second factor.
#[tokio::test]
async fn printable_forms_and_the_public_tracking_page() {
    let w = world().await;
    let app = &w.app;
    let d: Value = w
        .citizen
        .post(app, "/api/v1/dossiers", json!({ "procedure_code": PROCEDURE, "agency": AGENCY, "form_values": { "ho_ten_tre": "Lê Minh Khôi" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = d["id"].as_i64().unwrap();
    let secret = d["tracking_secret"].as_str().unwrap().to_owned();
    ok(&w, &w.citizen, id, 0, json!({ "command": "submit" })).await;
    // Nothing to print before reception: a draft or submitted dossier has no code.
    assert_eq!(
        text(&w.citizen, app, &format!("/dossiers/{id}/forms/01"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    ok(
        &w,
        &w.reception,
        id,
        1,
        json!({ "command": "request_supplement", "items": ["Bản sao giấy chứng sinh", "Giấy tờ tùy thân của người đi đăng ký"] }),
    )
    .await;
    ok(&w, &w.citizen, id, 2, json!({ "command": "supplement" })).await;
    let d = ok(&w, &w.reception, id, 3, json!({ "command": "receive" })).await;
    let code = d["code"].as_str().unwrap().to_owned();

    // 01: the receipt, with the appointment and a QR code carrying the secret.
    let (status, receipt) = text(&w.citizen, app, &format!("/dossiers/{id}/forms/01")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(receipt.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"));
    assert!(receipt.contains(&code));
    assert!(receipt.contains("Lê Thị Cúc"));
    assert!(receipt.contains("tn.mot"), "the receiving officer signs");
    assert!(receipt.contains("<svg"), "a QR code");
    let link = format!("/tracking/{code}?secret={secret}");
    // (printed as text beside the QR code; HTML escapes its slashes)
    assert!(
        receipt.contains(&format!("?secret={secret}")),
        "the QR code's link"
    );
    // 02: everything asked for, from the log.
    let (status, supplement) = text(&w.citizen, app, &format!("/dossiers/{id}/forms/02")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(supplement.contains("PHIẾU YÊU CẦU BỔ SUNG"));
    assert!(supplement.contains("Bản sao giấy chứng sinh"));
    assert!(supplement.contains("Giấy tờ tùy thân của người đi đăng ký"));
    // No refusal, apology or stop yet; the control slip is for officers; numbers are 01–06.
    for n in ["03", "04", "05", "06", "07", "1"] {
        assert_eq!(
            text(&w.citizen, app, &format!("/dossiers/{id}/forms/{n}"))
                .await
                .0,
            StatusCode::NOT_FOUND,
            "form {n}"
        );
    }
    // Anonymous visitors are sent to log in; the form does not leak.
    let r = app
        .client
        .get(app.url(&format!("/dossiers/{id}/forms/01")))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());

    // Processing, an apology (04) and a stop (05).
    let d = ok(
        &w,
        &w.head,
        id,
        4,
        json!({ "command": "assign", "to": w.specialist_id }),
    )
    .await;
    let agency_id = d["holding_agency_id"].as_i64().unwrap();
    let new_due = "2027-01-15T16:30:00+07:00";
    ok(
        &w,
        &w.specialist,
        id,
        5,
        json!({ "command": "apologize", "new_due": new_due, "reason": "Cần xác minh thông tin với cơ quan khác", "responsible_agency_id": agency_id }),
    )
    .await;
    let (status, apology) = text(&w.citizen, app, &format!("/dossiers/{id}/forms/04")).await;
    assert_eq!(status, StatusCode::OK, "{apology}");
    assert!(apology.contains("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"));
    assert!(apology.contains("Cần xác minh thông tin với cơ quan khác"));
    assert!(apology.contains("16 giờ 30 phút, ngày 15/01/2027"));
    ok(
        &w,
        &w.specialist,
        id,
        6,
        json!({ "command": "stop", "reason": "Người nộp đề nghị dừng để bổ sung giấy tờ gốc" }),
    )
    .await;
    let (status, stop) = text(&w.citizen, app, &format!("/dossiers/{id}/forms/05")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(stop.contains("Người nộp đề nghị dừng để bổ sung giấy tờ gốc"));
    // 06: who handed the dossier to whom, when.
    let (status, slip) = text(&w.reception, app, &format!("/dossiers/{id}/forms/06")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(slip.contains("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"));
    assert!(slip.contains("cv.mot"), "the specialist it was assigned to");
    assert!(slip.contains("Dừng xử lý"));

    // A refused dossier prints 03 with its reasons.
    let d: Value = w
        .citizen
        .post(app, "/api/v1/dossiers", json!({ "procedure_code": PROCEDURE, "agency": AGENCY, "form_values": { "ho_ten_tre": "Lê Minh An" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let other = d["id"].as_i64().unwrap();
    ok(&w, &w.citizen, other, 0, json!({ "command": "submit" })).await;
    ok(
        &w,
        &w.reception,
        other,
        1,
        json!({ "command": "refuse", "reasons": ["Không thuộc thẩm quyền giải quyết của Sở Tư pháp"] }),
    )
    .await;
    // Refused at reception, it has no code (never received) but its refusal prints; there
    // is no receipt.
    let (status, refusal) = text(&w.citizen, app, &format!("/dossiers/{other}/forms/03")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(refusal.contains("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"));
    assert!(refusal.contains("Không thuộc thẩm quyền giải quyết của Sở Tư pháp"));
    assert_eq!(
        text(&w.citizen, app, &format!("/dossiers/{other}/forms/01"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );

    // The tracking page: the QR link works without typing anything.
    let anon = Session {
        cookie: String::new(),
        csrf: String::new(),
    };
    let (status, page) = text(&anon, app, &link).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains(&code));
    assert!(page.contains("Dừng xử lý"), "the status");
    assert!(page.contains("Tiếp nhận hồ sơ"), "the milestones");
    assert!(page.contains("Sở Tư pháp"), "the agency holding it");
    assert!(
        !page.contains("Xem hồ sơ"),
        "officer views are not milestones"
    );
    // By code and the last 4 digits of the ID, or the phone number.
    let (status, page) = text(&anon, app, &format!("/tracking?code={code}&id_last4=4321")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Yêu cầu bổ sung, hoàn thiện hồ sơ"));
    let (status, _) = text(
        &anon,
        app,
        &format!("/tracking?code={code}&phone=0987654321"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A wrong factor answers like an unknown code, and says so plainly.
    let (status, page) = text(&anon, app, &format!("/tracking?code={code}&id_last4=0000")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("Không tìm thấy hồ sơ"));
    assert!(!page.contains("Lê Thị Cúc"));
    let (status, page) = text(&anon, app, &format!("/tracking?code={code}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Vui lòng nhập số điện thoại"));
    // The form alone, in English too.
    let (status, page) = text(&anon, app, "/tracking?lang=en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Track a dossier"));
}

/// A paper dossier received at the counter for an applicant who has an account belongs to
/// that account (their "my dossiers"); for someone without one it belongs to nobody.
#[tokio::test]
async fn a_paper_dossier_belongs_to_the_applicant_account_with_that_id_number() {
    let w = world().await;
    let app = &w.app;
    let paper = |id_number: &str| {
        w.reception.post(
            app,
            "/api/v1/dossiers",
            json!({ "procedure_code": PROCEDURE, "agency": AGENCY, "applicant_name": "Lê Thị Cúc",
                    "applicant_id_number": id_number, "form_values": { "ho_ten_tre": "Lê Minh Khôi" } }),
        )
    };
    let r = paper(" 079305004321 ").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let linked: Value = r.json().await.unwrap();
    assert_eq!(linked["channel"], "in_person");
    let r = paper("079305009999").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let unlinked: Value = r.json().await.unwrap();
    let mine: Value = w
        .citizen
        .get(app, "/api/v1/dossiers")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [linked["id"].as_i64().unwrap()], "{mine}");
    // The owner reads it; the other one is not theirs.
    let path = format!("/api/v1/dossiers/{}", linked["id"]);
    assert_eq!(
        w.citizen.get(app, &path).send().await.unwrap().status(),
        StatusCode::OK
    );
    let other = format!("/api/v1/dossiers/{}", unlinked["id"]);
    assert_eq!(
        w.citizen.get(app, &other).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}
