//! Agencies' local settings for procedures over HTTP, end to end on a fresh database with
//! three real procedures of the shared national export — birth registration (1.001193) and
//! marriage registration (1.000894), both online, and the citizen ID card (1.001247), paper
//! only: an agency administrator sets the internal process and the e-form; dossiers created
//! afterwards follow them (their number of steps, their e-form values checked); invalid
//! definitions are refused field by field with nothing changed; other agencies' administrators
//! and officers who do not administer are refused; the pages' form (CSRF, rows, errors beside
//! their fields); the "submit online" button of the procedure page.

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp};

const BIRTH: &str = "1.001193";
const MARRIAGE: &str = "1.000894";
const PAPER_ONLY: &str = "1.001247";
const JUSTICE: &str = "000.00.12.H29";
const HOME_AFFAIRS: &str = "000.00.11.H29";
const PASSWORD: &str = "Kiem-thu-thiet-lap-2026";

fn shared_lines(codes: &[&str]) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tthc");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("shared data missing at {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut out = String::new();
    for code in codes {
        let line = files
            .iter()
            .find_map(|f| {
                std::fs::read_to_string(f).unwrap().lines().find_map(|l| {
                    l.contains(&format!("\"ma_thu_tuc\": \"{code}\""))
                        .then(|| l.to_owned())
                })
            })
            .unwrap_or_else(|| panic!("{code} not in the shared data"));
        out.push_str(&line);
        out.push('\n');
    }
    out
}

struct Session {
    cookie: String,
    csrf: String,
}

struct World {
    app: TestApp,
    admin: Session,
    other_admin: Session,
    specialist: Session,
    citizen: Session,
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

impl Session {
    async fn send(
        &self,
        app: &TestApp,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = app
            .client
            .request(method, app.url(path))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let r = r.send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    async fn get(&self, app: &TestApp, path: &str) -> (StatusCode, Value) {
        self.send(app, reqwest::Method::GET, path, None).await
    }

    async fn put(&self, app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(app, reqwest::Method::PUT, path, Some(body)).await
    }

    async fn post(&self, app: &TestApp, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(app, reqwest::Method::POST, path, Some(body))
            .await
    }

    async fn page(&self, app: &TestApp, path: &str) -> (StatusCode, String) {
        let r = app
            .client
            .get(app.url(path))
            .header(COOKIE, &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a page form url-encoded, with `csrf` as given.
    async fn form(
        &self,
        app: &TestApp,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (StatusCode, Option<String>, String) {
        let r = app
            .client
            .post(app.url(path))
            .header(COOKIE, &self.cookie)
            .form(fields)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let location = r
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, location, r.text().await.unwrap())
    }
}

async fn officer(app: &TestApp, agency: &str, login_name: &str, role: &str) {
    let r = app
        .client
        .post(app.url(&format!("/api/v1/agencies/{agency}/officers")))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "login": login_name, "full_name": login_name, "password": PASSWORD, "role": role }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "officer {login_name}");
}

async fn world() -> World {
    let db = motcua_store::testing::fresh_store().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("three.jsonl");
    std::fs::write(&file, shared_lines(&[BIRTH, MARRIAGE, PAPER_ONLY])).unwrap();
    motcua::import::tthc_files(db.store.as_ref(), &[file])
        .await
        .unwrap();
    let store = db.store.clone();
    // Started after the import: the in-memory catalog (the agency's list) has them.
    let app = TestApp::spawn_on(store.clone(), Some(db)).await;
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
    for point in ["MC", "CN1"] {
        store
            .upsert_receiving_point(&motcua_store::NewReceivingPoint {
                agency_code: JUSTICE.parse().unwrap(),
                code: point.into(),
                name: format!("Bộ phận tiếp nhận {point}"),
                address: None,
                unit_code: None,
            })
            .await
            .unwrap();
    }
    officer(&app, JUSTICE, "qt.tuphap", "agency_admin").await;
    officer(&app, HOME_AFFAIRS, "qt.noivu", "agency_admin").await;
    officer(&app, JUSTICE, "cv.tuphap", "specialist").await;
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
        admin: login(&app, "qt.tuphap").await,
        other_admin: login(&app, "qt.noivu").await,
        specialist: login(&app, "cv.tuphap").await,
        citizen: login(&app, "079305004321").await,
        app,
    }
}

fn settings_path(agency: &str, code: &str) -> String {
    format!("/api/v1/agencies/{agency}/procedures/{code}/settings")
}

/// Two steps and a birth-registration e-form.
fn birth_settings() -> Value {
    json!({
        "steps": [
            {"name_vi": "Chuyên viên hộ tịch thụ lý", "name_en": "Civil-status specialist examines", "role": "specialist", "budget_hours": 6},
            {"name_vi": "Lãnh đạo Sở ký", "name_en": "Director signs", "role": "leader", "budget_hours": 2}
        ],
        "eform": [
            {"key": "ho_ten_tre", "label_vi": "Họ, chữ đệm, tên của trẻ", "label_en": "Child's full name", "type": "text", "required": true, "max_length": 100},
            {"key": "ngay_sinh", "label_vi": "Ngày sinh", "label_en": "Date of birth", "type": "date", "required": true},
            {"key": "gioi_tinh", "label_vi": "Giới tính", "label_en": "Sex", "type": "select", "options": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]}
        ],
        "fee_overrides": [{"channel": "in_person", "fee_vnd": 8000}],
        "online_level": "full_process",
        "receiving_points": ["MC"],
        "enabled": true
    })
}

fn fields_of(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors in {problem:#}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[track_caller]
fn assert_bilingual(problem: &Value) {
    for e in problem["errors"].as_array().unwrap() {
        assert!(
            !e["message_vi"].as_str().unwrap().is_empty()
                && !e["message_en"].as_str().unwrap().is_empty(),
            "{e:#}"
        );
    }
}

#[tokio::test]
async fn settings_give_dossiers_their_steps_and_check_their_eform() {
    let w = world().await;
    let app = &w.app;
    let path = settings_path(JUSTICE, BIRTH);

    // Nothing set: the defaults, three steps, no e-form.
    let (status, view) = w.admin.get(app, &path).await;
    assert_eq!(status, StatusCode::OK, "{view:#}");
    assert_eq!(view["custom"], false);
    assert_eq!(view["version"], 0);
    let names: Vec<&str> = view["settings"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name_vi"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Chuyên viên thụ lý", "Lãnh đạo phòng", "Lãnh đạo cơ quan"]
    );
    assert_eq!(view["settings"]["eform"], json!([]));
    // Without settings, a dossier gets the default three steps and its values as given.
    let (status, d) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": BIRTH, "agency": JUSTICE, "form_values": {"free": "text"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d:#}");
    assert_eq!(d["steps"], 3);
    assert_eq!(d["form_values"], json!({"free": "text"}));

    // The agency administrator sets two steps and an e-form.
    let (status, saved) = w
        .admin
        .put(
            app,
            &path,
            json!({"version": 0, "settings": birth_settings()}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved:#}");
    assert_eq!(saved["custom"], true);
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["effective"]["step_count"], 2);
    assert_eq!(saved["effective"]["online_level"], "full_process");
    let (_, again) = w.admin.get(app, &path).await;
    assert_eq!(again["settings"], saved["settings"]);

    // A dossier missing required values is refused, naming each e-form field.
    let (status, problem) = w
        .citizen
        .post(app, "/api/v1/dossiers", json!({"procedure_code": BIRTH, "agency": JUSTICE, "form_values": {"gioi_tinh": "khac"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem:#}");
    assert_eq!(
        fields_of(&problem),
        [
            "form_values.ho_ten_tre",
            "form_values.ngay_sinh",
            "form_values.gioi_tinh"
        ]
    );
    assert_bilingual(&problem);
    // Keys the e-form does not have are refused too; so are values of the wrong kind.
    let (status, problem) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": BIRTH, "agency": JUSTICE,
            "form_values": {"ho_ten_tre": "Khôi", "ngay_sinh": "15/01/2026", "ghi_chu": "x"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields_of(&problem),
        ["form_values.ghi_chu", "form_values.ngay_sinh"]
    );
    // No e-form values at all: the required fields are named.
    let (status, problem) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": BIRTH, "agency": JUSTICE}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fields_of(&problem).contains(&"form_values.ho_ten_tre".to_owned()));

    // Valid values: the dossier has the agency's two steps, its values normalized, and the
    // process and fee in force recorded in its log.
    let (status, d) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": BIRTH, "agency": JUSTICE,
            "form_values": {"ho_ten_tre": "  Lê Minh Khôi ", "ngay_sinh": "2026-01-15"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d:#}");
    assert_eq!(d["steps"], 2);
    assert_eq!(
        d["form_values"],
        json!({"ho_ten_tre": "Lê Minh Khôi", "ngay_sinh": "2026-01-15"})
    );
    let id = d["id"].as_i64().unwrap();
    let (_, log) = w
        .citizen
        .get(app, &format!("/api/v1/dossiers/{id}/log"))
        .await;
    let create = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "create")
        .unwrap_or_else(|| panic!("{log:#}"));
    assert_eq!(
        create["detail"]["process"][1]["name_vi"], "Lãnh đạo Sở ký",
        "{create:#}"
    );
    assert_eq!(create["detail"]["process"].as_array().unwrap().len(), 2);

    // Another agency keeps the defaults for the same procedure.
    let (status, d) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": BIRTH, "agency": HOME_AFFAIRS}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d:#}");
    assert_eq!(d["steps"], 3);

    // The change is in the agency's security log with who made it.
    let (status, events) = w
        .admin
        .get(
            app,
            &format!("/api/v1/security-events?agency={JUSTICE}&kind=local_settings_changed"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{events:#}");
    let e = &events["items"][0];
    assert_eq!(e["actor_login"], "qt.tuphap", "{events:#}");
    assert_eq!(e["detail"]["procedure"], BIRTH);

    // The public procedure answer shows what applies at the agency.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/procedures/{BIRTH}?agency={JUSTICE}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let p: Value = r.json().await.unwrap();
    let local = &p["local"];
    assert_eq!(local["online_level"], "full_process");
    assert_eq!(local["online_submission"], true);
    assert_eq!(local["eform"][0]["key"], "ho_ten_tre");
    let in_person = local["fees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["channel"] == "in_person")
        .unwrap();
    assert_eq!(
        (
            in_person["fee_vnd"].as_i64(),
            in_person["overridden"].as_bool()
        ),
        (Some(8000), Some(true))
    );
    let r = app
        .client
        .get(app.url(&format!("/api/v1/procedures/{BIRTH}?agency=999.99.99.H29")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Removing them returns to the defaults.
    let (status, _) = w
        .admin
        .send(
            app,
            reqwest::Method::DELETE,
            &format!("{path}?version=1"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, view) = w.admin.get(app, &path).await;
    assert_eq!(
        (view["custom"].as_bool(), view["version"].as_i64()),
        (Some(false), Some(0))
    );
}

#[tokio::test]
async fn invalid_definitions_are_refused_field_by_field_and_change_nothing() {
    let w = world().await;
    let app = &w.app;
    let path = settings_path(JUSTICE, BIRTH);
    let (status, _) = w
        .admin
        .put(app, &path, json!({"settings": birth_settings()}))
        .await;
    assert_eq!(status, StatusCode::OK);

    let mut bad = birth_settings();
    bad["steps"][1]["budget_hours"] = json!(0);
    bad["steps"][0]["name_en"] = json!(" ");
    bad["eform"][0]["key"] = json!("Họ tên");
    bad["eform"][2]["key"] = json!("ngay_sinh");
    bad["eform"][1]["label_vi"] = json!("");
    bad["fee_overrides"] = json!([{"channel": "in_person", "fee_vnd": -5}]);
    bad["receiving_points"] = json!(["MC", "KHONG_CO"]);
    let (status, problem) = w
        .admin
        .put(app, &path, json!({"version": 1, "settings": bad}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem:#}");
    let mut fields = fields_of(&problem);
    fields.sort();
    assert_eq!(
        fields,
        [
            "eform[0].key",
            "eform[1].label_vi",
            "eform[2].key",
            "fee_overrides[0].fee_vnd",
            "receiving_points[1]",
            "steps[0].name_en",
            "steps[1].budget_hours",
        ]
    );
    assert_bilingual(&problem);

    // Budgets beyond the processing time (one working day = 8 hours), a specialist at the
    // approving step.
    let mut bad = birth_settings();
    bad["steps"][0]["budget_hours"] = json!(40);
    bad["steps"][1]["role"] = json!("specialist");
    let (status, problem) = w.admin.put(app, &path, json!({"settings": bad})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&problem), ["steps[1].role", "steps"]);
    // An online level for a paper-only procedure.
    let (status, problem) = w
        .admin
        .put(
            app,
            &settings_path(JUSTICE, PAPER_ONLY),
            json!({"settings": {"online_level": "partial"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&problem), ["online_level"]);
    // Unknown members are refused rather than ignored.
    let (status, _) = w
        .admin
        .put(app, &path, json!({"settings": {"step": []}}))
        .await;
    assert!(status.is_client_error(), "{status}");

    // Nothing changed.
    let (_, view) = w.admin.get(app, &path).await;
    assert_eq!(view["version"], 1);
    assert_eq!(view["settings"]["steps"][1]["budget_hours"], 2);
    let (_, view) = w.admin.get(app, &settings_path(JUSTICE, PAPER_ONLY)).await;
    assert_eq!(view["custom"], false);

    // A stale version: 409, nothing changed.
    let mut changed = birth_settings();
    changed["enabled"] = json!(false);
    let (status, _) = w
        .admin
        .put(app, &path, json!({"version": 0, "settings": changed}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, view) = w.admin.get(app, &path).await;
    assert_eq!(view["settings"]["enabled"], true);
    // Unknown procedure and agency: 404.
    let (status, _) = w.admin.get(app, &settings_path(JUSTICE, "9.999999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn only_the_agencys_administrators_change_its_settings() {
    let w = world().await;
    let app = &w.app;
    let path = settings_path(JUSTICE, BIRTH);
    let body = json!({"settings": birth_settings()});
    // Another agency's administrator, an officer who does not administer, an applicant.
    for (who, s) in [
        ("other agency's admin", &w.other_admin),
        ("specialist", &w.specialist),
        ("citizen", &w.citizen),
    ] {
        let (status, _) = s.put(app, &path, body.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let (status, _) = s.send(app, reqwest::Method::DELETE, &path, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
    }
    let r = app
        .client
        .put(app.url(&path))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Reading: the agency's officers yes, outsiders no.
    assert_eq!(w.specialist.get(app, &path).await.0, StatusCode::OK);
    assert_eq!(w.other_admin.get(app, &path).await.0, StatusCode::FORBIDDEN);
    assert_eq!(w.citizen.get(app, &path).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        w.other_admin
            .get(app, &format!("/api/v1/agencies/{JUSTICE}/procedures"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    // Nothing was changed; the other administrator manages their own agency.
    let (_, view) = w.admin.get(app, &path).await;
    assert_eq!(view["custom"], false);
    let (status, _) = w
        .other_admin
        .put(
            app,
            &settings_path(HOME_AFFAIRS, BIRTH),
            json!({"settings": {"enabled": false}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The system administrator may change any agency's.
    let r = app
        .client
        .put(app.url(&path))
        .bearer_auth(ADMIN_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn what_the_agency_turns_off_is_refused_to_applicants() {
    let w = world().await;
    let app = &w.app;
    let path = settings_path(JUSTICE, MARRIAGE);
    // Online level "none": no online submission at this agency.
    let (status, _) = w
        .admin
        .put(
            app,
            &path,
            json!({"settings": {"online_level": "none", "receiving_points": ["CN1"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": MARRIAGE, "agency": JUSTICE}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&problem), ["channel"]);
    // Postal submission still works, but only at the receiving points that receive it.
    let (status, problem) = w
        .citizen
        .post(app, "/api/v1/dossiers", json!({"procedure_code": MARRIAGE, "agency": JUSTICE, "channel": "postal", "receiving_point": "MC"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&problem), ["receiving_point"]);
    let (status, _) = w
        .citizen
        .post(app, "/api/v1/dossiers", json!({"procedure_code": MARRIAGE, "agency": JUSTICE, "channel": "postal", "receiving_point": "CN1"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    // Not received at all.
    let (status, _) = w
        .admin
        .put(app, &path, json!({"settings": {"enabled": false}}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": MARRIAGE, "agency": JUSTICE, "channel": "postal"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "not_received");

    // The agency's list: its own settings first, searchable without diacritics.
    let (status, list) = w
        .admin
        .get(app, &format!("/api/v1/agencies/{JUSTICE}/procedures"))
        .await;
    assert_eq!(status, StatusCode::OK, "{list:#}");
    assert_eq!(list["total"], 3);
    assert_eq!(list["custom_count"], 1);
    assert_eq!(list["items"][0]["code"], MARRIAGE);
    assert_eq!(list["items"][0]["custom"], true);
    assert_eq!(list["items"][0]["enabled"], false);
    let (_, found) = w
        .admin
        .get(
            app,
            &format!("/api/v1/agencies/{JUSTICE}/procedures?q=dang+ky+khai+sinh"),
        )
        .await;
    let codes: Vec<&str> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, [BIRTH]);
    let (_, only) = w
        .specialist
        .get(
            app,
            &format!("/api/v1/agencies/{JUSTICE}/procedures?custom=false"),
        )
        .await;
    assert_eq!(only["total"], 2);
}

#[tokio::test]
async fn the_pages_edit_settings_with_rows_and_show_errors_beside_fields() {
    let w = world().await;
    let app = &w.app;
    let list = format!("/admin/agencies/{JUSTICE}/procedures");
    let edit = format!("{list}/{BIRTH}");

    // The work page links the agency administrator to the list.
    let (_, work) = w.admin.page(app, "/work").await;
    assert!(work.contains(&format!("href=\"{list}\"")), "{work}");
    let (status, html) = w.admin.page(app, &format!("{list}?q=khai+sinh")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("href=\"{edit}\"")), "{html}");
    assert!(
        !html.contains("local_settings."),
        "an untranslated key:\n{html}"
    );
    assert!(!html.contains(PAPER_ONLY), "filtered by name");

    let (status, html) = w.admin.page(app, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("local_settings."),
        "an untranslated key:\n{html}"
    );
    assert!(
        html.contains("name=\"step_name_vi_0\" value=\"Chuyên viên thụ lý\""),
        "{html}"
    );
    assert!(html.contains("name=\"point_CN1\""));
    let csrf = {
        let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
        html[at..]
            .chars()
            .take_while(|c| *c != '"')
            .collect::<String>()
    };
    let eform = r#"[{"key": "ho_ten_tre", "label_vi": "Họ tên trẻ", "label_en": "Child's name", "type": "text", "required": true}]"#;
    let good: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("version", "0"),
        ("action", "save"),
        ("enabled", "on"),
        ("step_name_vi_0", "Thụ lý"),
        ("step_name_en_0", "Examine"),
        ("step_role_0", "specialist"),
        ("step_budget_0", "6"),
        ("step_name_vi_1", ""),
        ("step_name_en_1", ""),
        ("step_role_1", "specialist"),
        ("step_budget_1", ""),
        ("step_name_vi_2", "Ký duyệt"),
        ("step_name_en_2", "Sign"),
        ("step_role_2", "department_head"),
        ("step_budget_2", "2"),
        ("fee_postal", "15.000"),
        ("online_level", ""),
        ("point_MC", "on"),
        ("eform_json", eform),
    ];
    // Without the CSRF token: refused, nothing changed.
    let (status, _, _) = w.admin.form(app, &edit, &good[1..]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Invalid rows come back on the same page, each error beside its field.
    let mut bad = good.clone();
    bad[7] = ("step_budget_0", "sáu");
    bad[13] = ("step_name_en_2", "");
    bad[19] = (
        "eform_json",
        r#"[{"key": "X", "label_vi": "a", "label_en": "a", "type": "text"}]"#,
    );
    let (status, _, html) = w.admin.form(app, &edit, &bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    for field in ["step_budget_0", "step_name_en_2", "eform_json"] {
        assert!(
            html.contains(&format!("id=\"e-{field}\"")),
            "no error beside {field}:\n{html}"
        );
    }
    assert!(html.contains("eform[0].key"), "{html}");
    assert!(
        html.contains("value=\"sáu\""),
        "the form keeps what was typed"
    );
    let (_, view) = w.admin.get(app, &settings_path(JUSTICE, BIRTH)).await;
    assert_eq!(view["custom"], false, "nothing changed");

    // The good form saves; blank rows are dropped.
    let (status, location, _) = w.admin.form(app, &edit, &good).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some(format!("{edit}?saved=1").as_str())
    );
    let (_, view) = w.admin.get(app, &settings_path(JUSTICE, BIRTH)).await;
    let s = &view["settings"];
    assert_eq!(s["steps"].as_array().unwrap().len(), 2);
    assert_eq!(s["steps"][1]["role"], "department_head");
    assert_eq!(
        s["fee_overrides"],
        json!([{"channel": "postal", "fee_vnd": 15000}])
    );
    assert_eq!(s["receiving_points"], json!(["MC"]));
    assert_eq!(s["eform"][0]["key"], "ho_ten_tre");
    // The same form again is stale (version 0 is gone).
    let (status, _, html) = w.admin.form(app, &edit, &good).await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    // Reset: back to the defaults.
    let (_, html) = w.admin.page(app, &edit).await;
    assert!(html.contains("value=\"reset\""));
    let reset = [
        ("csrf", csrf.as_str()),
        ("version", "1"),
        ("action", "reset"),
    ];
    let (status, location, _) = w.admin.form(app, &edit, &reset).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(location.unwrap().starts_with(&list));
    let (_, view) = w.admin.get(app, &settings_path(JUSTICE, BIRTH)).await;
    assert_eq!(view["custom"], false);

    // Another agency's administrator cannot open or post the form.
    let (status, _) = w.other_admin.page(app, &edit).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let other_csrf = w.other_admin.csrf.clone();
    let mut theirs = good.clone();
    theirs[0] = ("csrf", &other_csrf);
    let (status, _, _) = w.other_admin.form(app, &edit, &theirs).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An officer of the agency sees the settings read-only.
    let (status, html) = w.specialist.page(app, &edit).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("name=\"step_name_vi_0\""));
}

#[tokio::test]
async fn the_procedure_page_offers_online_submission_only_where_it_exists() {
    let w = world().await;
    let app = &w.app;
    let button = format!("href=\"/procedures/{BIRTH}/submit\"");
    let html = app
        .client
        .get(app.url(&format!("/procedures/{BIRTH}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&button), "{html}");
    assert!(html.contains("Nộp trực tuyến"));
    let html = app
        .client
        .get(app.url(&format!("/procedures/{PAPER_ONLY}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(PAPER_ONLY), "{html}");
    assert!(!html.contains("/submit\""), "{html}");
    assert!(!html.contains("Nộp trực tuyến"));
}

#[tokio::test]
async fn the_demo_gives_justice_real_eforms_without_overwriting_an_administrators() {
    let w = world().await;
    let app = &w.app;
    let store = app.store().unwrap();
    // The administrator already changed marriage registration: the demo leaves it alone.
    let (status, _) = w
        .admin
        .put(
            app,
            &settings_path(JUSTICE, MARRIAGE),
            json!({"settings": {"enabled": false}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        motcua::demo_settings::apply(store.as_ref()).await.unwrap(),
        1
    );
    let (_, marriage) = w.admin.get(app, &settings_path(JUSTICE, MARRIAGE)).await;
    assert_eq!(marriage["settings"]["enabled"], false);
    assert_eq!(marriage["settings"]["eform"], json!([]));
    let (_, birth) = w.admin.get(app, &settings_path(JUSTICE, BIRTH)).await;
    let keys: Vec<&str> = birth["settings"]["eform"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    for key in [
        "ho_ten_tre",
        "ngay_sinh",
        "noi_sinh",
        "ho_ten_me",
        "ho_ten_cha",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(birth["effective"]["step_count"], 3);
    // Run again: nothing more (and nothing overwritten).
    assert_eq!(
        motcua::demo_settings::apply(store.as_ref()).await.unwrap(),
        0
    );
    // A birth registration with the demo e-form.
    let (status, d) = w
        .citizen
        .post(
            app,
            "/api/v1/dossiers",
            json!({"procedure_code": BIRTH, "agency": JUSTICE, "form_values": {
            "ho_ten_tre": "Lê Minh Khôi", "ngay_sinh": "2026-11-20", "gioi_tinh": "nam",
            "noi_sinh": "Bệnh viện Từ Dũ", "ho_ten_me": "Lê Thị Cúc", "quan_he": "me"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{d:#}");
    assert_eq!(d["steps"], 3);
    let (status, problem) = w
        .citizen
        .post(app, "/api/v1/dossiers", json!({"procedure_code": BIRTH, "agency": JUSTICE, "form_values": {"ho_ten_tre": "Khôi"}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fields_of(&problem).contains(&"form_values.ho_ten_me".to_owned()));
}
