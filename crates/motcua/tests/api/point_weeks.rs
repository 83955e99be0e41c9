//! Receiving points' work weeks end to end: a point's week changes its due dates, invalid
//! weeks are refused naming their fields and change nothing, only the agency's administrators
//! and system administrators edit them (API and page), and `DELETE` restores the default.
//!
//! Changes happen on a private app with its own agencies, points and officers, so the shared
//! demo is only read (refusals there change nothing).

use motcua::demo_accounts::{DEMO_PASSWORD, FIRST_WARD, JUSTICE};
use motcua_store::NewReceivingPoint;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp, expect_problem};

/// The private app's agency, with points `MC` and `CN1`, and another agency with `MC`.
const AGENCY: &str = "000.00.12.H29";
const OTHER: &str = "001.00.70.H29";
const PASSWORD: &str = "Lich-Lam-Viec-2026";
/// Friday 21 November 2025, 10:00: one working day later is Monday 24 on the default week,
/// the next morning on a Saturday-morning point.
const FRIDAY: &str = "2025-11-21T10:00:00%2B07:00";

const SATURDAY_MORNINGS: &str = r#"{"saturday_morning": true}"#;

/// A logged-in API client: the session cookie and its CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

async fn log_in(app: &TestApp, login: &str, password: &str) -> Session {
    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "login of {login}");
    let cookie = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mc_session=") && !c.starts_with("mc_session=;"))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a session cookie");
    let body: Value = response.json().await.unwrap();
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

/// Who changes a week.
enum As<'a> {
    Nobody,
    Admin,
    Person(&'a Session),
}

fn week_path(agency: &str, point: &str) -> String {
    format!("/api/v1/agencies/{agency}/receiving-points/{point}/work-week")
}

async fn call(
    app: &TestApp,
    who: As<'_>,
    method: Method,
    path: &str,
    body: Option<&str>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path));
    match who {
        As::Nobody => {}
        As::Admin => request = request.bearer_auth(ADMIN_TOKEN),
        As::Person(s) => {
            request = request
                .header(COOKIE, &s.cookie)
                .header("x-csrf-token", &s.csrf);
        }
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    request.send().await.unwrap()
}

async fn put_week(app: &TestApp, who: As<'_>, agency: &str, point: &str, body: &str) -> StatusCode {
    call(app, who, Method::PUT, &week_path(agency, point), Some(body))
        .await
        .status()
}

/// `GET /api/v1/calendar/due?{query}` → the due moment.
async fn due(app: &TestApp, query: &str) -> String {
    let body: Value = app.get_ok(&format!("/api/v1/calendar/due?{query}")).await;
    body["due"].as_str().expect("due").to_owned()
}

/// The `work_week` members of an agency's points, by code.
async fn weeks(app: &TestApp, agency: &str) -> Vec<(String, Value)> {
    let detail: Value = app
        .get_ok(&format!(
            "/api/v1/agencies/{agency}?expand=receiving_points"
        ))
        .await;
    detail["receiving_points"]
        .as_array()
        .expect("receiving points")
        .iter()
        .map(|p| {
            assert!(
                p.get("work_week").is_some(),
                "every point has work_week: {p}"
            );
            (
                p["code"].as_str().unwrap().to_owned(),
                p["work_week"].clone(),
            )
        })
        .collect()
}

async fn week_of(app: &TestApp, agency: &str, point: &str) -> Value {
    weeks(app, agency)
        .await
        .into_iter()
        .find(|(code, _)| code == point)
        .unwrap_or_else(|| panic!("{agency} has a point {point}"))
        .1
}

async fn create_officer(app: &TestApp, agency: &str, login: &str, role: &str, point: Option<&str>) {
    let response = call(
        app,
        As::Admin,
        Method::POST,
        &format!("/api/v1/agencies/{agency}/officers"),
        Some(
            &json!({
                "login": login, "full_name": "Cán Bộ Thử Lịch", "password": PASSWORD,
                "role": role, "receiving_point": point,
            })
            .to_string(),
        ),
    )
    .await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{login}: {}",
        response.text().await.unwrap()
    );
}

/// A private app: two agencies, their points, an administrator and a receiving officer of
/// the first, a receiving officer and an administrator of the second.
async fn private_app() -> TestApp {
    let app = TestApp::spawn().await;
    for (code, name) in [(AGENCY, "Sở Tư pháp"), (OTHER, "UBND Phường Một")] {
        let response = call(
            &app,
            As::Admin,
            Method::POST,
            "/api/v1/agencies",
            Some(&json!({ "code": code, "name": name, "kind": "department" }).to_string()),
        )
        .await;
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let store = app.store().expect("a private store");
    for (agency, code, name) in [
        (AGENCY, "MC", "Bộ phận Một cửa Sở Tư pháp"),
        (AGENCY, "CN1", "Chi nhánh số 1"),
        (OTHER, "MC", "Bộ phận Một cửa Phường Một"),
    ] {
        store
            .upsert_receiving_point(&NewReceivingPoint {
                agency_code: agency.parse().unwrap(),
                code: code.into(),
                name: name.into(),
                address: None,
                unit_code: None,
            })
            .await
            .unwrap();
    }
    create_officer(&app, AGENCY, "lich.quantri", "agency_admin", None).await;
    create_officer(
        &app,
        AGENCY,
        "lich.tiepnhan",
        "receiving_officer",
        Some("MC"),
    )
    .await;
    create_officer(&app, OTHER, "lich.phuong", "receiving_officer", Some("MC")).await;
    create_officer(&app, OTHER, "lich.phuong.quantri", "agency_admin", None).await;
    app
}

fn point_query(agency: &str, point: &str) -> String {
    format!("agency={agency}&point={point}")
}

#[tokio::test]
async fn a_saturday_morning_point_changes_due_dates_across_a_weekend() {
    let app = private_app().await;
    let admin = log_in(&app, "lich.quantri", PASSWORD).await;
    let mc = point_query(AGENCY, "MC");

    // Every point starts on the default week: Friday + 1 working day is Monday, 17:00.
    assert!(weeks(&app, AGENCY).await.iter().all(|(_, w)| w.is_null()));
    assert_eq!(
        due(&app, &format!("from={FRIDAY}&working_days=1&{mc}")).await,
        "2025-11-24T17:00:00+07:00"
    );

    let response = call(
        &app,
        As::Person(&admin),
        Method::PUT,
        &week_path(AGENCY, "MC"),
        Some(SATURDAY_MORNINGS),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let saved: Value = response.json().await.unwrap();
    let saturday_mornings = json!({
        "working_days": ["mon", "tue", "wed", "thu", "fri"],
        "saturday_morning": true,
        "hours": [{"start": "07:30", "end": "11:30"}, {"start": "13:00", "end": "17:00"}],
    });
    assert_eq!(saved["code"], "MC");
    assert_eq!(saved["work_week"], saturday_mornings);
    assert_eq!(week_of(&app, AGENCY, "MC").await, saturday_mornings);
    assert!(week_of(&app, AGENCY, "CN1").await.is_null());
    assert!(week_of(&app, OTHER, "MC").await.is_null());

    // Saturday morning is a working day there: it ends at 11:30.
    assert_eq!(
        due(&app, &format!("from={FRIDAY}&working_days=1&{mc}")).await,
        "2025-11-22T11:30:00+07:00"
    );
    // Five working days: Sat 22, Mon 24 … Thu 27 (the default week needs Friday 28).
    assert_eq!(
        due(&app, &format!("from={FRIDAY}&working_days=5&{mc}")).await,
        "2025-11-27T17:00:00+07:00"
    );
    // Friday 16:00 + 8 working hours: 1 h Friday, 4 h Saturday morning, 3 h Monday.
    assert_eq!(
        due(
            &app,
            &format!("from=2025-11-21T16:00:00%2B07:00&working_hours=8&{mc}")
        )
        .await,
        "2025-11-24T10:30:00+07:00"
    );
    // The default week, another point, another agency's point of the same code: unchanged.
    for query in [
        String::new(),
        format!("&{}", point_query(AGENCY, "CN1")),
        format!("&{}", point_query(OTHER, "MC")),
    ] {
        assert_eq!(
            due(&app, &format!("from={FRIDAY}&working_days=1{query}")).await,
            "2025-11-24T17:00:00+07:00",
            "{query}"
        );
    }

    // A week of its own hours: Monday–Thursday, 08:00–12:00 and 13:30–17:30. Thursday + 1
    // working day is the next Monday, closing at 17:30.
    let four_days = json!({
        "working_days": ["mon", "tue", "wed", "thu"],
        "hours": [{"start": "08:00", "end": "12:00"}, {"start": "13:30", "end": "17:30"}],
    });
    assert_eq!(
        put_week(
            &app,
            As::Person(&admin),
            AGENCY,
            "CN1",
            &four_days.to_string()
        )
        .await,
        StatusCode::OK
    );
    let cn1 = point_query(AGENCY, "CN1");
    assert_eq!(
        due(
            &app,
            &format!("from=2025-11-20T10:00:00%2B07:00&working_days=1&{cn1}")
        )
        .await,
        "2025-11-24T17:30:00+07:00"
    );

    // DELETE restores the default week (and is idempotent).
    for _ in 0..2 {
        let deleted = call(
            &app,
            As::Person(&admin),
            Method::DELETE,
            &week_path(AGENCY, "MC"),
            None,
        )
        .await;
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    }
    assert!(week_of(&app, AGENCY, "MC").await.is_null());
    assert_eq!(
        due(&app, &format!("from={FRIDAY}&working_days=1&{mc}")).await,
        "2025-11-24T17:00:00+07:00"
    );
    assert!(!week_of(&app, AGENCY, "CN1").await.is_null());

    // The changes are in the agency's security log.
    let log: Value = app
        .client
        .get(app.url(&format!(
            "/api/v1/security-events?agency={AGENCY}&kind=work_week_saved"
        )))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log["total"], 2, "{log}");
}

#[tokio::test]
async fn invalid_weeks_are_refused_naming_their_fields_and_change_nothing() {
    let app = private_app().await;
    let admin = log_in(&app, "lich.quantri", PASSWORD).await;
    assert_eq!(
        put_week(&app, As::Person(&admin), AGENCY, "MC", SATURDAY_MORNINGS).await,
        StatusCode::OK
    );
    let before = week_of(&app, AGENCY, "MC").await;

    let cases = [
        // An unknown weekday.
        (r#"{"working_days": ["mon", "funday"]}"#, "working_days[1]"),
        // Minutes (and hours) not on the clock, and times not written HH:MM.
        (
            r#"{"hours": [{"start": "07:75", "end": "11:30"}]}"#,
            "hours[0].start",
        ),
        (
            r#"{"hours": [{"start": "07:30", "end": "24:00"}]}"#,
            "hours[0].end",
        ),
        (
            r#"{"hours": [{"start": "7h30", "end": "11:30"}]}"#,
            "hours[0].start",
        ),
        // Reversed and overlapping intervals.
        (
            r#"{"hours": [{"start": "11:30", "end": "07:30"}]}"#,
            "hours[0]",
        ),
        (
            r#"{"hours": [{"start": "07:30", "end": "12:00"}, {"start": "11:00", "end": "17:00"}]}"#,
            "hours[1]",
        ),
        // No working time at all.
        (r#"{"working_days": []}"#, "working_days"),
        (r#"{"hours": []}"#, "hours"),
        // Saturday mornings without morning hours.
        (
            r#"{"saturday_morning": true, "hours": [{"start": "13:00", "end": "17:00"}]}"#,
            "saturday_morning",
        ),
    ];
    for (body, field) in cases {
        let response = call(
            &app,
            As::Person(&admin),
            Method::PUT,
            &week_path(AGENCY, "MC"),
            Some(body),
        )
        .await;
        let problem = expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
        problem.assert_names(field);
    }
    // Not a week at all: an unknown member, a weekday that is no text, no JSON.
    for body in [
        r#"{"sunday": true}"#,
        r#"{"working_days": [1, 2]}"#,
        "{ not json",
    ] {
        let response = call(
            &app,
            As::Person(&admin),
            Method::PUT,
            &week_path(AGENCY, "MC"),
            Some(body),
        )
        .await;
        expect_problem(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    assert_eq!(week_of(&app, AGENCY, "MC").await, before, "nothing changed");
    assert_eq!(
        due(
            &app,
            &format!("from={FRIDAY}&working_days=1&{}", point_query(AGENCY, "MC"))
        )
        .await,
        "2025-11-22T11:30:00+07:00"
    );
}

#[tokio::test]
async fn only_the_agency_administrators_and_system_administrators_edit_a_week() {
    let app = private_app().await;
    let counter = log_in(&app, "lich.tiepnhan", PASSWORD).await;
    let ward = log_in(&app, "lich.phuong", PASSWORD).await;
    let ward_admin = log_in(&app, "lich.phuong.quantri", PASSWORD).await;
    let admin = log_in(&app, "lich.quantri", PASSWORD).await;

    assert_eq!(
        put_week(&app, As::Nobody, AGENCY, "MC", SATURDAY_MORNINGS).await,
        StatusCode::UNAUTHORIZED
    );
    // The agency's own receiving officer, the ward's officer and the ward's administrator.
    for who in [&counter, &ward, &ward_admin] {
        assert_eq!(
            put_week(&app, As::Person(who), AGENCY, "MC", SATURDAY_MORNINGS).await,
            StatusCode::FORBIDDEN
        );
        let deleted = call(
            &app,
            As::Person(who),
            Method::DELETE,
            &week_path(AGENCY, "MC"),
            None,
        )
        .await;
        assert_eq!(deleted.status(), StatusCode::FORBIDDEN);
    }
    // A session without its CSRF token.
    let forged = app
        .client
        .put(app.url(&week_path(AGENCY, "MC")))
        .header(COOKIE, &admin.cookie)
        .header("content-type", "application/json")
        .body(SATURDAY_MORNINGS)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(
        week_of(&app, AGENCY, "MC").await.is_null(),
        "nothing changed"
    );

    // The ward's administrator edits the ward's point; the system administrator any point.
    assert_eq!(
        put_week(
            &app,
            As::Person(&ward_admin),
            OTHER,
            "MC",
            SATURDAY_MORNINGS
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        put_week(&app, As::Admin, AGENCY, "MC", SATURDAY_MORNINGS).await,
        StatusCode::OK
    );
    assert!(!week_of(&app, OTHER, "MC").await.is_null());
    assert!(!week_of(&app, AGENCY, "MC").await.is_null());
    // Unknown points and agencies.
    assert_eq!(
        put_week(&app, As::Person(&admin), AGENCY, "KHONG", SATURDAY_MORNINGS).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        put_week(&app, As::Admin, "000.00.99.H29", "MC", SATURDAY_MORNINGS).await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn demo_officers_outside_the_administration_cannot_edit_the_justice_counter() {
    let app = TestApp::demo();
    let counter = log_in(&app, "tp.tiepnhan", DEMO_PASSWORD).await;
    let ward = log_in(&app, "px.tiepnhan", DEMO_PASSWORD).await;
    let justice_admin = log_in(&app, "tp.quantri", DEMO_PASSWORD).await;
    for who in [&counter, &ward] {
        assert_eq!(
            put_week(&app, As::Person(who), JUSTICE, "MC", SATURDAY_MORNINGS).await,
            StatusCode::FORBIDDEN
        );
    }
    // Justice's administrator administers Justice only.
    assert_eq!(
        put_week(
            &app,
            As::Person(&justice_admin),
            FIRST_WARD,
            "MC",
            SATURDAY_MORNINGS
        )
        .await,
        StatusCode::FORBIDDEN
    );
    let page = app
        .client
        .get(app.url(&format!("/admin/agencies/{JUSTICE}/receiving-points")))
        .header(COOKIE, &counter.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn due_dates_name_unknown_agencies_and_points() {
    let app = TestApp::demo();
    let base = format!("/api/v1/calendar/due?from={FRIDAY}&working_days=1");
    for (query, field) in [
        ("&agency=000.00.99.H29&point=MC".to_owned(), "agency"),
        ("&agency=not-a-code&point=MC".to_owned(), "agency"),
        (format!("&agency={JUSTICE}&point=KHONG"), "point"),
        (format!("&agency={JUSTICE}"), "point"),
        ("&point=MC".to_owned(), "agency"),
    ] {
        let problem = app
            .get_problem(&format!("{base}{query}"), StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        problem.assert_names(field);
    }
    // With every problem at once.
    let problem = app
        .get_problem(
            "/api/v1/calendar/due?from=yesterday&point=MC",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    for field in ["from", "working_days", "agency"] {
        problem.assert_names(field);
    }
    // The Justice counter of the demo keeps the default week.
    assert_eq!(
        due(
            &app,
            &format!("from={FRIDAY}&working_days=1&agency={JUSTICE}&point=MC")
        )
        .await,
        "2025-11-24T17:00:00+07:00"
    );
}

/// The CSRF token of the page's first form.
fn csrf_of(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[start..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn an_agency_administrator_edits_point_weeks_on_the_page() {
    let app = private_app().await;
    let admin = log_in(&app, "lich.quantri", PASSWORD).await;
    let path = format!("/admin/agencies/{AGENCY}/receiving-points");

    // The work home links to the page.
    let work = app
        .client
        .get(app.url("/work"))
        .header(COOKIE, &admin.cookie)
        .send()
        .await
        .unwrap();
    assert!(
        work.text()
            .await
            .unwrap()
            .contains(&format!("href=\"{path}\""))
    );

    let page = app
        .client
        .get(app.url(&path))
        .header(COOKIE, &admin.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    for text in [
        "Bộ phận Một cửa Sở Tư pháp",
        "Chi nhánh số 1",
        "Lịch mặc định",
        "name=\"day_mon\" checked",
        "name=\"day_sat\">",
        "value=\"07:30\"",
        "value=\"17:00\"",
    ] {
        assert!(html.contains(text), "the page shows {text:?}:\n{html}");
    }
    let token = csrf_of(&html);
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let mut form = vec![("csrf", token.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k, v.to_owned())));
        app.client
            .post(app.url(&path))
            .header(COOKIE, &admin.cookie)
            .form(&form)
            .send()
    };
    let weekdays = [
        ("day_mon", "on"),
        ("day_tue", "on"),
        ("day_wed", "on"),
        ("day_thu", "on"),
        ("day_fri", "on"),
    ];

    // Saturday mornings, and a shorter afternoon.
    let mut fields = vec![
        ("point", "MC"),
        ("action", "save"),
        ("saturday_morning", "on"),
    ];
    fields.extend(weekdays);
    fields.extend([
        ("morning_start", "07:30"),
        ("morning_end", "11:30"),
        ("afternoon_start", "13:00"),
        ("afternoon_end", "16:30"),
    ]);
    let saved = post(fields).await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        saved.headers()[LOCATION].to_str().unwrap(),
        format!("{path}?saved=MC")
    );
    assert_eq!(
        week_of(&app, AGENCY, "MC").await,
        json!({
            "working_days": ["mon", "tue", "wed", "thu", "fri"],
            "saturday_morning": true,
            "hours": [{"start": "07:30", "end": "11:30"}, {"start": "13:00", "end": "16:30"}],
        })
    );
    assert_eq!(
        due(
            &app,
            &format!("from={FRIDAY}&working_days=1&{}", point_query(AGENCY, "MC"))
        )
        .await,
        "2025-11-22T11:30:00+07:00"
    );
    let shown = app
        .client
        .get(app.url(&format!("{path}?saved=MC")))
        .header(COOKIE, &admin.cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for text in [
        "Đã lưu lịch làm việc",
        "Lịch riêng",
        "sáng thứ Bảy",
        "13:00–16:30",
        "name=\"saturday_morning\" aria-describedby=\"h-MC-sat\" checked",
        "value=\"reset\"",
    ] {
        assert!(shown.contains(text), "the page shows {text:?}:\n{shown}");
    }

    // A reversed morning is refused on its row, in the visitor's language; nothing changes.
    let mut fields = vec![("point", "MC"), ("action", "save")];
    fields.extend(weekdays);
    fields.extend([("morning_start", "11:30"), ("morning_end", "07:30")]);
    let refused = post(fields).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("Giờ bắt đầu 11:30 phải trước giờ kết thúc 07:30."),
        "{html}"
    );
    assert!(
        html.contains("value=\"11:30\""),
        "the submitted values are kept"
    );
    // No working day at all.
    let refused = post(vec![
        ("point", "CN1"),
        ("morning_start", "07:30"),
        ("morning_end", "11:30"),
    ])
    .await
    .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Phải có ít nhất một ngày làm việc trong tuần")
    );
    assert_eq!(
        week_of(&app, AGENCY, "MC").await["hours"][1]["end"],
        "16:30",
        "nothing changed"
    );
    assert!(week_of(&app, AGENCY, "CN1").await.is_null());

    // Back to the default week.
    let reset = post(vec![("point", "MC"), ("action", "reset")])
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert!(week_of(&app, AGENCY, "MC").await.is_null());

    // A receiving officer of the agency gets no such page; a visitor is sent to log in.
    let counter = log_in(&app, "lich.tiepnhan", PASSWORD).await;
    let page = app
        .client
        .get(app.url(&path))
        .header(COOKIE, &counter.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let visitor = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(visitor.status(), StatusCode::SEE_OTHER);
}
