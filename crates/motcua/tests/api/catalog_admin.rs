//! System administrators manage the catalog: an import of national-portal lines over the API
//! and from the `/admin/catalog` page, with the parse report, versioning of what changed and
//! the search index rebuilt at once; nobody else may import.

use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp, shared_line};

const PROCEDURE: &str = "1.001193";

async fn import(app: &TestApp, auth: Option<&str>, body: String) -> (StatusCode, Value) {
    let mut r = app
        .client
        .post(app.url("/api/v1/procedures/import?source=bo-tu-phap.jsonl"))
        .header(CONTENT_TYPE, "application/x-ndjson")
        .body(body);
    if let Some(token) = auth {
        r = r.bearer_auth(token);
    }
    let r = r.send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_system_administrator_imports_and_versions_procedures_over_the_api() {
    let app = TestApp::spawn().await;
    let line = shared_line(PROCEDURE);
    // Nobody but a system administrator: anonymous 401, a citizen 403.
    let (status, _) = import(&app, None, line.clone()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(
            &json!({ "kind": "citizen", "identifier": "079305004321", "full_name": "Lê Thị Cúc",
                       "email": "cuc@example.vn", "password": "Kiem-thu-ho-so-2026" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let login = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": "079305004321", "password": "Kiem-thu-ho-so-2026" }))
        .send()
        .await
        .unwrap();
    let cookie = login
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
    let csrf = login.json::<Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .client
        .post(app.url("/api/v1/procedures/import"))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .body(line.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.client
            .get(app.url(&format!("/api/v1/procedures/{PROCEDURE}")))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "a refused import stored nothing"
    );

    // Garbage: refused naming the file, nothing stored.
    let (status, problem) = import(&app, Some(ADMIN_TOKEN), "không phải JSON\n{}\n".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "file", "{problem}");

    // The first import inserts, the same lines again change nothing.
    let (status, done) = import(&app, Some(ADMIN_TOKEN), line.clone() + "\n").await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["stored"]["inserted"], 1);
    assert_eq!(done["report"]["procedures"], 1);
    let (_, again) = import(&app, Some(ADMIN_TOKEN), line.clone()).await;
    assert_eq!(
        (
            again["stored"]["inserted"].as_u64(),
            again["stored"]["unchanged"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // Searchable at once, without a restart.
    let found: Value = app
        .client
        .get(app.url("/api/v1/procedures?q=dang+ky+khai+sinh"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["items"][0]["code"], PROCEDURE, "{found}");

    // A changed procedure gets a new version; the old one stays for dossiers received under it.
    let mut changed: Value = serde_json::from_str(&line).unwrap();
    let name = changed["ten_thu_tuc"].as_str().unwrap().to_owned();
    changed["ten_thu_tuc"] = json!(format!("{name} (sửa đổi thử nghiệm)"));
    let (status, done) = import(&app, Some(ADMIN_TOKEN), changed.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["stored"]["new_versions"], 1);
    let p: Value = app
        .client
        .get(app.url(&format!("/api/v1/procedures/{PROCEDURE}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(p["version"], 2, "{p}");
    assert!(
        p["name"]
            .as_str()
            .unwrap()
            .ends_with("(sửa đổi thử nghiệm)")
    );
    let store = app.store().unwrap();
    assert_eq!(store.procedure_versions(PROCEDURE).await.unwrap().len(), 2);
    // On the record.
    let log: Value = app
        .client
        .get(app.url("/api/v1/security-events?kind=catalog_imported"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 3, "{log}");
}

const BOUNDARY: &str = "motcua-test-boundary-7f3a";

fn upload_body(csrf: &str, file_name: &str, content: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/x-ndjson\r\n\r\n{content}\r\n--{BOUNDARY}--\r\n"
    )
    .into_bytes()
}

async fn session(app: &TestApp, login: &str) -> (String, String) {
    let r = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": login, "password": motcua::demo_accounts::DEMO_PASSWORD }))
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
    let csrf = r.json::<Value>().await.unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (cookie, csrf)
}

async fn post_page(app: &TestApp, cookie: &str, body: Vec<u8>) -> (StatusCode, String) {
    let r = app
        .client
        .post(app.url("/admin/catalog"))
        .header(COOKIE, cookie)
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_catalog_page_imports_a_file_and_shows_the_report() {
    // A fresh database with the demo's accounts (the shared demo's catalog stays as it is).
    let app = &TestApp::spawn().await;
    motcua::demo::create(app.store().unwrap().as_ref())
        .await
        .unwrap();
    let (cookie, csrf) = session(app, "qt.hethong").await;
    let page = app
        .client
        .get(app.url("/admin/catalog"))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Quản lý danh mục thủ tục hành chính"));
    assert!(html.contains("enctype=\"multipart/form-data\""));

    let line = shared_line(PROCEDURE);
    let (status, html) =
        post_page(app, &cookie, upload_body(&csrf, "bo-tu-phap.jsonl", &line)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"import-report\""), "{html}");
    assert!(html.contains("<dd id=\"import-parsed\">1</dd>"), "{html}");
    assert!(html.contains("<dd id=\"import-inserted\">1</dd>"), "{html}");
    // The same file again changes nothing.
    let (status, html) =
        post_page(app, &cookie, upload_body(&csrf, "bo-tu-phap.jsonl", &line)).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("<dd id=\"import-unchanged\">1</dd>"),
        "{html}"
    );
    // A file that holds no procedure: the field's error, in Vietnamese, 422.
    let (status, html) = post_page(app, &cookie, upload_body(&csrf, "x.jsonl", "xin chào")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Không đọc được thủ tục nào"), "{html}");
    // Without the form's token: refused before the file is read.
    let (status, _) = post_page(app, &cookie, upload_body("not-a-token", "x.jsonl", &line)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Another role: refused.
    let (cookie, csrf) = session(app, "tp.quantri").await;
    let (status, _) = post_page(app, &cookie, upload_body(&csrf, "bo-tu-phap.jsonl", &line)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
