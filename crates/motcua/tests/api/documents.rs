//! Documents over HTTP, end to end on a fresh database with birth registration (1.001193):
//! uploads checked by content and size, content stored once under its hash with the hash in
//! the dossier's log, who may add what when, downloads, the applicant's document store
//! (reuse, results kept at return), and the page forms' CSRF.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp, shared_line};

const PROCEDURE: &str = "1.001193";
const AGENCY: &str = "000.00.12.H29";
const OTHER_AGENCY: &str = "000.00.11.H29";
const PASSWORD: &str = "Kiem-thu-tai-lieu-2026";
/// The default limit of `files.max_upload_mib`.
const MAX: usize = 20 * 1024 * 1024;

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n%âãÏÓ\n1 0 obj << /Title ({text}) >> endobj\ntrailer << >>\n%%EOF\n")
        .into_bytes()
}

fn png() -> Vec<u8> {
    let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    b.extend_from_slice(&[
        0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 2,
    ]);
    b
}

/// An x86-64 ELF header (what `infer` needs to see an executable).
const ELF: &[u8] = &[
    0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0, 1, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0, 0x38, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
];
const HTML: &[u8] =
    b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>";

// ---------------------------------------------------------------------------------------
// Multipart bodies, written out so that tests control the order of the parts
// ---------------------------------------------------------------------------------------

enum Part<'a> {
    Text(&'a str, &'a str),
    File {
        file_name: &'a str,
        content_type: &'a str,
        bytes: &'a [u8],
    },
}

const BOUNDARY: &str = "----motcua-test-boundary-7d1c";

fn multipart(parts: &[Part]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File {
                file_name,
                content_type,
                bytes,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

fn file<'a>(file_name: &'a str, content_type: &'a str, bytes: &'a [u8]) -> Part<'a> {
    Part::File {
        file_name,
        content_type,
        bytes,
    }
}

// ---------------------------------------------------------------------------------------
// The world: a procedure, two agencies, their officers, two citizens
// ---------------------------------------------------------------------------------------

struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    fn get(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        app.client.get(app.url(path)).header(COOKIE, &self.cookie)
    }

    fn json(
        &self,
        app: &TestApp,
        method: reqwest::Method,
        path: &str,
        body: Value,
    ) -> reqwest::RequestBuilder {
        app.client
            .request(method, app.url(path))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .json(&body)
    }

    /// A multipart API call (the CSRF token in its header, as for every API change).
    fn upload(&self, app: &TestApp, path: &str, parts: &[Part]) -> reqwest::RequestBuilder {
        let (content_type, body) = multipart(parts);
        app.client
            .post(app.url(path))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header(CONTENT_TYPE, content_type)
            .body(body)
    }
}

struct World {
    app: TestApp,
    citizen: Session,
    stranger: Session,
    counter: Session,
    other_counter: Session,
    specialist: Session,
    specialist_id: i64,
    head: Session,
    head_id: i64,
    leader: Session,
    leader_id: i64,
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

async fn officer(app: &TestApp, agency: &str, login_name: &str, role: &str) -> i64 {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/agencies/{agency}/officers")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "login": login_name, "full_name": login_name, "password": PASSWORD, "role": role }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

async fn citizen(app: &TestApp, id: &str, email: &str) {
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(
            &json!({ "kind": "citizen", "identifier": id, "full_name": "Lê Thị Cúc",
                       "email": email, "password": PASSWORD }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let store = app.store().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("one.jsonl");
    std::fs::write(&f, shared_line(PROCEDURE) + "\n").unwrap();
    motcua::import::tthc_files(store.as_ref(), &[f])
        .await
        .unwrap();
    for (code, name) in [(AGENCY, "Sở Tư pháp"), (OTHER_AGENCY, "Sở Nội vụ")] {
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
    officer(&app, AGENCY, "tn.mot", "receiving_officer").await;
    officer(&app, OTHER_AGENCY, "tn.khac", "receiving_officer").await;
    let specialist_id = officer(&app, AGENCY, "cv.mot", "specialist").await;
    let head_id = officer(&app, AGENCY, "lp.mot", "department_head").await;
    let leader_id = officer(&app, AGENCY, "ld.mot", "leader").await;
    citizen(&app, "079305004321", "cuc@example.vn").await;
    citizen(&app, "079305001111", "khac@example.vn").await;
    World {
        citizen: login(&app, "079305004321").await,
        stranger: login(&app, "079305001111").await,
        counter: login(&app, "tn.mot").await,
        other_counter: login(&app, "tn.khac").await,
        specialist: login(&app, "cv.mot").await,
        head: login(&app, "lp.mot").await,
        leader: login(&app, "ld.mot").await,
        specialist_id,
        head_id,
        leader_id,
        app,
    }
}

async fn draft(w: &World) -> i64 {
    let r = w
        .citizen
        .json(
            &w.app,
            reqwest::Method::POST,
            "/api/v1/dossiers",
            json!({ "procedure_code": PROCEDURE, "agency": AGENCY }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Gives a command with the dossier's current version; returns the dossier.
async fn command(w: &World, s: &Session, id: i64, cmd: Value) -> Value {
    let d: Value = s
        .get(&w.app, &format!("/api/v1/dossiers/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut body = cmd.clone();
    body["version"] = d["version"].clone();
    let r = s
        .json(
            &w.app,
            reqwest::Method::POST,
            &format!("/api/v1/dossiers/{id}/commands"),
            body,
        )
        .send()
        .await
        .unwrap();
    let status = r.status();
    let got: Value = r.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{cmd}: {got}");
    got
}

async fn add(w: &World, s: &Session, id: i64, parts: &[Part<'_>]) -> (StatusCode, Value) {
    let r = s
        .upload(&w.app, &format!("/api/v1/dossiers/{id}/documents"), parts)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn documents(w: &World, s: &Session, id: i64) -> Vec<Value> {
    let r = s
        .get(&w.app, &format!("/api/v1/dossiers/{id}/documents"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn log(w: &World, id: i64) -> Vec<motcua_dossier::chain::LogEntry> {
    let log: Value = w
        .head
        .get(&w.app, &format!("/api/v1/dossiers/{id}/log?per_page=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries: Vec<motcua_dossier::chain::LogEntry> =
        serde_json::from_value(log["items"].clone()).unwrap();
    assert_eq!(
        motcua_dossier::chain::verify(&entries),
        Ok(()),
        "the chain verifies"
    );
    entries
}

/// Every file under the app's attachment directory.
fn blob_files(app: &TestApp) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out);
            } else {
                out.push(e.path());
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.blob_dir().unwrap(), &mut out);
    out.sort();
    out
}

fn field_of(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn uploads_are_checked_by_content_stored_once_and_hashed_in_the_log() {
    let w = world().await;
    let app = &w.app;
    let id = draft(&w).await;
    let form = pdf("to khai");
    let (status, doc) = add(
        &w,
        &w.citizen,
        id,
        &[
            Part::Text("name", "Tờ khai đăng ký khai sinh"),
            file("to-khai.pdf", "application/pdf", &form),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    let sha = motcua_web::blobs::sha256_hex(&form);
    assert_eq!(doc["sha256"], sha);
    assert_eq!(doc["content_type"], "application/pdf");
    assert_eq!(doc["role"], "application");
    assert_eq!(doc["name"], "Tờ khai đăng ký khai sinh");
    assert_eq!(doc["size_bytes"], form.len());
    let entries = log(&w, id).await;
    let last = entries.last().unwrap();
    assert_eq!(last.kind, "document");
    assert_eq!(last.detail["sha256"], sha);
    assert_eq!(last.detail["size_bytes"], form.len());
    assert_eq!(last.detail["role"], "application");
    assert_eq!(last.detail["name"], "Tờ khai đăng ký khai sinh");

    // A PNG sent as "anh.pdf", declared a PDF: it is a PNG.
    let image = png();
    let (status, doc) = add(
        &w,
        &w.citizen,
        id,
        &[file("anh.pdf", "application/pdf", &image)],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["content_type"], "image/png");
    assert_eq!(doc["file_name"], "anh.png");
    assert_eq!(doc["name"], "anh", "the file name is the default title");

    // The same content again is a second document, stored once.
    let (status, _) = add(
        &w,
        &w.citizen,
        id,
        &[
            Part::Text("name", "Bản sao"),
            file("ban-sao.pdf", "application/pdf", &form),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let stored = blob_files(app);
    assert_eq!(stored.len(), 2, "one file per content: {stored:?}");
    assert!(
        stored
            .iter()
            .any(|p| p.ends_with(format!("sha256/{}/{}/{sha}", &sha[..2], &sha[2..4]))),
        "{stored:?}"
    );
    assert_eq!(
        std::fs::read(stored.iter().find(|p| p.ends_with(&sha)).unwrap()).unwrap(),
        form
    );

    // A retried upload with the same Idempotency-Key adds nothing.
    let again = |key: &'static str| {
        w.citizen
            .upload(
                app,
                &format!("/api/v1/dossiers/{id}/documents"),
                &[file("lan-nua.pdf", "application/pdf", &form)],
            )
            .header("idempotency-key", key)
    };
    let first: Value = again("tai-len-1")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = again("tai-len-1").send().await.unwrap();
    assert_eq!(second.status(), StatusCode::CREATED);
    let second: Value = second.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(documents(&w, &w.citizen, id).await.len(), 4);

    // Executables and HTML named .pdf are refused by their content, naming the field.
    for (bytes, what) in [(ELF, "executable"), (HTML, "text/html")] {
        let (status, problem) = add(
            &w,
            &w.citizen,
            id,
            &[file("giay-to.pdf", "application/pdf", bytes)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(field_of(&problem), "file");
        let vi = problem["errors"][0]["message_vi"].as_str().unwrap();
        let en = problem["errors"][0]["message_en"].as_str().unwrap();
        assert!(
            vi.contains("Nội dung tệp") && en.contains(what),
            "{vi} / {en}"
        );
    }
    // An empty form names the file as required.
    let (status, problem) = add(&w, &w.citizen, id, &[Part::Text("name", "Không có tệp")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_of(&problem), "file");

    // Larger than axum's default body limit (2 MB) is fine; over the limit is 413.
    let mut big = pdf("lon");
    big.resize(3 * 1024 * 1024, b' ');
    let (status, _) = add(
        &w,
        &w.citizen,
        id,
        &[file("ban-quet.pdf", "application/pdf", &big)],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let before = blob_files(app).len();
    let mut huge = pdf("qua lon");
    huge.resize(MAX + 1, b' ');
    let (status, problem) = add(
        &w,
        &w.citizen,
        id,
        &[file("qua-lon.pdf", "application/pdf", &huge)],
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
    assert_eq!(field_of(&problem), "file");
    assert!(
        problem["errors"][0]["message_vi"]
            .as_str()
            .unwrap()
            .contains("20 MiB")
    );
    assert_eq!(blob_files(app).len(), before, "nothing stored");
    assert_eq!(
        documents(&w, &w.citizen, id).await.len(),
        5,
        "nothing added"
    );

    // Downloads: the recognised type, as an attachment, never sniffed.
    let docs = documents(&w, &w.citizen, id).await;
    let png_doc = docs
        .iter()
        .find(|d| d["content_type"] == "image/png")
        .unwrap();
    let r = w
        .citizen
        .get(
            app,
            &format!("/api/v1/dossiers/{id}/documents/{}/content", png_doc["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    let disposition = r.headers()[CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("anh.png"),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), image.as_slice());
}

#[tokio::test]
async fn who_may_add_read_and_download_and_when() {
    let w = world().await;
    let app = &w.app;
    let id = draft(&w).await;
    let form = pdf("don");
    let (status, doc) = add(
        &w,
        &w.citizen,
        id,
        &[file("don.pdf", "application/pdf", &form)],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let content = format!("/api/v1/dossiers/{id}/documents/{}/content", doc["id"]);
    let list = format!("/api/v1/dossiers/{id}/documents");

    // Nobody logged in: 401, before anything is looked up.
    let anon = app.client.get(app.url(&list)).send().await.unwrap();
    assert_eq!(anon.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.client
            .get(app.url(&content))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let (ct, body) = multipart(&[file("x.pdf", "application/pdf", &form)]);
    let r = app
        .client
        .post(app.url(&list))
        .header(CONTENT_TYPE, ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Another citizen, and an officer of another agency: as if it did not exist.
    for s in [&w.stranger, &w.other_counter] {
        assert_eq!(
            s.get(app, &list).send().await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
        let r = s.get(app, &content).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let body = r.text().await.unwrap();
        assert!(!body.contains("PDF"), "{body}");
        let (status, _) = add(&w, s, id, &[file("x.pdf", "application/pdf", &form)]).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // An unknown document of a readable dossier, or a document of another dossier.
    let other = draft(&w).await;
    let wrong = format!("/api/v1/dossiers/{other}/documents/{}/content", doc["id"]);
    assert_eq!(
        w.citizen.get(app, &wrong).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // An online draft is its applicant's until submitted: not the counter's to fill.
    let (status, problem) = add(
        &w,
        &w.counter,
        id,
        &[file("x.pdf", "application/pdf", &form)],
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, "role"),
        "{problem}"
    );

    command(&w, &w.citizen, id, json!({ "command": "submit" })).await;
    // Submitted: the owner can no longer add; the counter scans; a specialist is not counter.
    let (status, problem) = add(
        &w,
        &w.citizen,
        id,
        &[file("muon.pdf", "application/pdf", &pdf("muon"))],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(field_of(&problem), "role");
    assert!(
        problem["errors"][0]["message_vi"]
            .as_str()
            .unwrap()
            .contains("Mới đăng ký"),
        "{problem}"
    );
    let scan = pdf("ban quet");
    let (status, scanned) = add(
        &w,
        &w.counter,
        id,
        &[
            Part::Text("name", "Bản quét giấy chứng sinh"),
            file("scan.pdf", "application/pdf", &scan),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{scanned}");
    let (status, _) = add(
        &w,
        &w.specialist,
        id,
        &[file("x.pdf", "application/pdf", &form)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A result before there is one to give is not the counter's either.
    let (status, _) = add(
        &w,
        &w.counter,
        id,
        &[
            Part::Text("role", "result"),
            file("kq.pdf", "application/pdf", &form),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A supplement is requested: the owner adds again, until they supplement.
    command(
        &w,
        &w.counter,
        id,
        json!({ "command": "request_supplement", "items": ["Bản sao giấy chứng sinh"] }),
    )
    .await;
    let (status, _) = add(
        &w,
        &w.citizen,
        id,
        &[file("bo-sung.pdf", "application/pdf", &pdf("bo sung"))],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    command(&w, &w.citizen, id, json!({ "command": "supplement" })).await;
    let (status, _) = add(
        &w,
        &w.citizen,
        id,
        &[file("sau.pdf", "application/pdf", &pdf("sau"))],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Officers of the agency read and download; each download is a view on the record.
    let r = w.specialist.get(app, &content).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), form.as_slice());
    let entries = log(&w, id).await;
    assert!(
        entries
            .iter()
            .any(|e| e.kind == "view" && e.detail["document_id"] == doc["id"]),
        "{entries:?}"
    );
    // The owner's own downloads are not officers' views.
    let views = entries.iter().filter(|e| e.kind == "view").count();
    assert_eq!(
        w.citizen.get(app, &content).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        log(&w, id)
            .await
            .iter()
            .filter(|e| e.kind == "view")
            .count(),
        views
    );
}

#[tokio::test]
async fn the_document_store_is_reused_and_receives_the_results() {
    let w = world().await;
    let app = &w.app;
    // Upload to one's own store; the same content again is the same entry.
    let card = png();
    let mine = |parts: &[Part]| w.citizen.upload(app, "/api/v1/me/documents", parts);
    let r = mine(&[
        Part::Text("name", "Căn cước công dân"),
        file("cccd.png", "image/png", &card),
    ])
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let kept: Value = r.json().await.unwrap();
    assert_eq!(kept["source"], "upload");
    let r = mine(&[file("cccd-2.png", "image/png", &card)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["id"], kept["id"]);
    let r = mine(&[file("x.pdf", "application/pdf", HTML)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Nobody else sees it.
    let path = format!("/api/v1/me/documents/{}/content", kept["id"]);
    assert_eq!(
        w.stranger.get(app, &path).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let theirs: Vec<Value> = w
        .stranger
        .get(app, "/api/v1/me/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(theirs.is_empty());
    assert_eq!(
        app.client
            .get(app.url("/api/v1/me/documents"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Reused in a dossier without uploading again: same content, no new file.
    let id = draft(&w).await;
    let files = blob_files(app).len();
    let (status, doc) = add(
        &w,
        &w.citizen,
        id,
        &[Part::Text("from_my_documents", &kept["id"].to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{doc}");
    assert_eq!(doc["sha256"], kept["sha256"]);
    assert_eq!(doc["name"], "Căn cước công dân");
    assert_eq!(blob_files(app).len(), files);
    assert_eq!(log(&w, id).await.last().unwrap().detail["reused"], true);
    // Someone else's entry cannot be reused.
    let (status, problem) = add(
        &w,
        &w.stranger,
        id,
        &[Part::Text("from_my_documents", &kept["id"].to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    let other = {
        let r = w
            .stranger
            .json(
                app,
                reqwest::Method::POST,
                "/api/v1/dossiers",
                json!({ "procedure_code": PROCEDURE, "agency": AGENCY }),
            )
            .send()
            .await
            .unwrap();
        r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
    };
    let (status, problem) = add(
        &w,
        &w.stranger,
        other,
        &[Part::Text("from_my_documents", &kept["id"].to_string())],
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, "from_my_documents")
    );

    // What the owner submits is kept for reuse.
    let form = pdf("to khai moi");
    let (status, _) = add(
        &w,
        &w.citizen,
        id,
        &[
            Part::Text("name", "Tờ khai"),
            file("to-khai.pdf", "application/pdf", &form),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let store: Vec<Value> = w
        .citizen
        .get(app, "/api/v1/me/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        store
            .iter()
            .any(|d| d["source"] == "submitted" && d["source_dossier_id"] == id),
        "{store:?}"
    );

    // Through the process to the result.
    command(&w, &w.citizen, id, json!({ "command": "submit" })).await;
    command(&w, &w.counter, id, json!({ "command": "receive" })).await;
    command(
        &w,
        &w.head,
        id,
        json!({ "command": "assign", "to": w.specialist_id }),
    )
    .await;
    let result = pdf("giay khai sinh so 123");
    let (status, res) = add(
        &w,
        &w.specialist,
        id,
        &[
            Part::Text("role", "result"),
            Part::Text("name", "Giấy khai sinh"),
            file("giay-khai-sinh.pdf", "application/pdf", &result),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    assert_eq!(res["role"], "result");
    // Results are for those who process; the counter does not add them, nor the owner.
    let (status, _) = add(
        &w,
        &w.citizen,
        id,
        &[
            Part::Text("role", "result"),
            file("x.pdf", "application/pdf", &result),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    command(
        &w,
        &w.specialist,
        id,
        json!({ "command": "forward", "to": w.head_id }),
    )
    .await;
    command(
        &w,
        &w.head,
        id,
        json!({ "command": "forward", "to": w.leader_id }),
    )
    .await;
    command(&w, &w.leader, id, json!({ "command": "approve" })).await;
    let before: Vec<Value> = w
        .citizen
        .get(app, "/api/v1/me/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !before.iter().any(|d| d["source"] == "result"),
        "not before it is returned"
    );
    command(
        &w,
        &w.counter,
        id,
        json!({ "command": "return_result", "channel": "online" }),
    )
    .await;
    let after: Vec<Value> = w
        .citizen
        .get(app, "/api/v1/me/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let issued = after
        .iter()
        .find(|d| d["source"] == "result")
        .expect("the result in the store");
    assert_eq!(issued["name"], "Giấy khai sinh");
    assert_eq!(issued["source_dossier_id"], id);
    let r = w
        .citizen
        .get(
            app,
            &format!("/api/v1/me/documents/{}/content", issued["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), result.as_slice());
    // Returned: no more results.
    let (status, problem) = add(
        &w,
        &w.specialist,
        id,
        &[
            Part::Text("role", "result"),
            file("y.pdf", "application/pdf", &pdf("y")),
        ],
    )
    .await;
    assert_eq!(
        (status, field_of(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, "role"),
        "{problem}"
    );

    // Rename and remove; the dossier keeps its copy.
    let renamed: Value = w
        .citizen
        .json(
            app,
            reqwest::Method::PATCH,
            &format!("/api/v1/me/documents/{}", issued["id"]),
            json!({ "name": "Giấy khai sinh của con" }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["name"], "Giấy khai sinh của con");
    let r = w
        .citizen
        .json(
            app,
            reqwest::Method::PATCH,
            &format!("/api/v1/me/documents/{}", issued["id"]),
            json!({ "name": " " }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let remove = || {
        w.citizen.json(
            app,
            reqwest::Method::DELETE,
            &format!("/api/v1/me/documents/{}", issued["id"]),
            json!({}),
        )
    };
    assert_eq!(
        remove().send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        remove().send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let r = w
        .citizen
        .get(
            app,
            &format!("/api/v1/dossiers/{id}/documents/{}/content", res["id"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The CSRF token of the first form on `path`.
async fn page_csrf(app: &TestApp, s: &Session, path: &str) -> String {
    let html = s.get(app, path).send().await.unwrap().text().await.unwrap();
    const INPUT: &str = "name=\"csrf\" value=\"";
    let at = html.find(INPUT).expect("a form with a CSRF token") + INPUT.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

fn page_upload(app: &TestApp, s: &Session, path: &str, parts: &[Part]) -> reqwest::RequestBuilder {
    let (content_type, body) = multipart(parts);
    app.client
        .post(app.url(path))
        .header(COOKIE, &s.cookie)
        .header(CONTENT_TYPE, content_type)
        .body(body)
}

#[tokio::test]
async fn page_uploads_need_their_csrf_token_first_and_go_back_to_the_dossier() {
    let w = world().await;
    let app = &w.app;
    let id = draft(&w).await;
    let csrf = page_csrf(app, &w.citizen, "/account/documents").await;
    let form = pdf("trang");
    let action = format!("/dossiers/{id}/documents");
    let cases: [(&str, Vec<Part>); 3] = [
        ("no token", vec![file("a.pdf", "application/pdf", &form)]),
        (
            "a wrong token",
            vec![
                Part::Text("csrf", "not-the-token"),
                file("a.pdf", "application/pdf", &form),
            ],
        ),
        (
            "the token after the file",
            vec![
                file("a.pdf", "application/pdf", &form),
                Part::Text("csrf", &csrf),
            ],
        ),
    ];
    for (what, parts) in cases {
        let r = page_upload(app, &w.citizen, &action, &parts)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{what}");
    }
    assert!(
        documents(&w, &w.citizen, id).await.is_empty(),
        "nothing added"
    );
    assert!(blob_files(app).is_empty(), "nothing stored");

    let r = page_upload(
        app,
        &w.citizen,
        &action,
        &[
            Part::Text("csrf", &csrf),
            Part::Text("name", "Tờ khai"),
            Part::Text("role", "application"),
            file("to-khai.pdf", "application/pdf", &form),
            Part::Text("from_my_documents", ""),
        ],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], format!("/dossiers/{id}#documents"));
    let docs = documents(&w, &w.citizen, id).await;
    assert_eq!(docs.len(), 1);

    // A refused file comes back with the reason, in Vietnamese first.
    let r = page_upload(
        app,
        &w.citizen,
        &action,
        &[
            Part::Text("csrf", &csrf),
            file("a.pdf", "application/pdf", HTML),
        ],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Nội dung tệp không thuộc loại được chấp nhận"),
        "{html}"
    );
    assert!(
        html.contains("enctype=\"multipart/form-data\"") && html.contains("accept=\".pdf"),
        "the form again"
    );

    // The download page.
    let r = w
        .citizen
        .get(app, &format!("/dossiers/{id}/documents/{}", docs[0]["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()[CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), form.as_slice());
    let r = w
        .stranger
        .get(app, &format!("/dossiers/{id}/documents/{}", docs[0]["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // The document store page: what was submitted is there; upload, rename, remove.
    let page = w
        .citizen
        .get(app, "/account/documents")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Kho dữ liệu điện tử của tôi") && html.contains("Tờ khai"),
        "{html}"
    );
    let r = page_upload(
        app,
        &w.citizen,
        "/account/documents",
        &[
            Part::Text("csrf", &csrf),
            Part::Text("name", "Ảnh chân dung"),
            file("anh.jpg", "image/png", &png()),
        ],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/account/documents?added=new");
    let r = page_upload(
        app,
        &w.citizen,
        "/account/documents",
        &[file("anh.jpg", "image/png", &png())],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let store: Vec<Value> = w
        .citizen
        .get(app, "/api/v1/me/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let photo = store.iter().find(|d| d["name"] == "Ảnh chân dung").unwrap();
    assert_eq!(photo["file_name"], "anh.png");
    let post_form = |path: String, fields: Vec<(&'static str, String)>| {
        app.client
            .post(app.url(&path))
            .header(COOKIE, &w.citizen.cookie)
            .form(&fields)
    };
    let r = post_form(
        format!("/account/documents/{}/rename", photo["id"]),
        vec![("csrf", csrf.clone()), ("name", "Ảnh 4x6".into())],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = post_form(
        format!("/account/documents/{}/delete", photo["id"]),
        vec![("csrf", "wrong".into())],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = post_form(
        format!("/account/documents/{}/delete", photo["id"]),
        vec![("csrf", csrf.clone())],
    )
    .send()
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()[LOCATION], "/account/documents?removed=1");
    let store: Vec<Value> = w
        .citizen
        .get(app, "/api/v1/me/documents")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(!store.iter().any(|d| d["id"] == photo["id"]));
    // Anonymous visitors are sent to log in.
    let r = app
        .client
        .get(app.url("/account/documents"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        r.headers()[LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}
