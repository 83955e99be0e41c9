//! Accounts end to end over HTTP: registration, login and its throttling, sessions and CSRF,
//! two-factor authentication, password change and reset through the outbox, officers and
//! roles administered by their agency, API keys, the security log.

use motcua_auth::totp::TotpSecret;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp};

/// A logged-in API client: the session cookie and its CSRF token.
struct Session {
    cookie: String,
    csrf: String,
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mc_session=") && !c.starts_with("mc_session=;"))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

async fn login(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": name, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn logged_in(app: &TestApp, name: &str, password: &str) -> Session {
    let r = login(app, name, password).await;
    assert_eq!(r.status(), StatusCode::OK, "login of {name}");
    let cookie = session_cookie(&r).expect("a session cookie");
    let body: Value = r.json().await.unwrap();
    Session {
        cookie,
        csrf: body["csrf_token"].as_str().unwrap().to_owned(),
    }
}

impl Session {
    fn get(&self, app: &TestApp, path: &str) -> reqwest::RequestBuilder {
        app.client.get(app.url(path)).header(COOKIE, &self.cookie)
    }

    fn send(&self, app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        app.client
            .request(method, app.url(path))
            .header(COOKIE, &self.cookie)
            .header("x-csrf-token", &self.csrf)
    }
}

fn citizen(id: &str, email: &str) -> Value {
    json!({
        "kind": "citizen",
        "identifier": id,
        "full_name": "Trần Thị Hoa",
        "email": email,
        "phone": "0912345678",
        "password": "Hoa-mat-khau-2026",
    })
}

async fn register(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/accounts"))
        .json(body)
        .send()
        .await
        .unwrap()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_citizen_registers_logs_in_out_and_edits_the_profile() {
    let app = TestApp::spawn().await;
    let r = register(&app, &citizen("079305001234", "Hoa.Tran@Example.VN")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let cookie = session_cookie(&r).expect("registration logs in");
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["login"], "079305001234");
    assert_eq!(me["kind"], "citizen");
    assert_eq!(me["verification"], "self_registered");
    assert_eq!(me["email"], "hoa.tran@example.vn", "stored for lookup");
    assert!(me.get("password_hash").is_none());
    let s = Session {
        cookie,
        csrf: me["csrf_token"].as_str().unwrap().to_owned(),
    };
    let me: Value = s
        .get(&app, "/api/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["full_name"], "Trần Thị Hoa");

    // Profile: a bad phone is refused naming the field, and nothing changes.
    let bad = s
        .send(&app, reqwest::Method::PATCH, "/api/v1/me")
        .json(&json!({ "full_name": "Trần Thị Hoa B", "phone": "12" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = bad.json().await.unwrap();
    assert_eq!(fields(&problem), ["phone"]);
    assert!(
        !problem["errors"][0]["message_vi"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    let me: Value = s
        .get(&app, "/api/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["full_name"], "Trần Thị Hoa");
    let ok = s
        .send(&app, reqwest::Method::PATCH, "/api/v1/me")
        .json(&json!({ "full_name": "Trần Thị Hoa B", "phone": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let me: Value = ok.json().await.unwrap();
    assert_eq!(me["full_name"], "Trần Thị Hoa B");
    assert!(me["phone"].is_null());

    // Without the CSRF header, a changing call made with the cookie is refused.
    let forged = app
        .client
        .patch(app.url("/api/v1/me"))
        .header(COOKIE, &s.cookie)
        .json(&json!({ "full_name": "Kẻ giả mạo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let problem: Value = forged.json().await.unwrap();
    assert_eq!(problem["type"], "urn:motcua:problem:csrf");

    // Log in with the e-mail address too; log out ends the session.
    let other = logged_in(&app, "HOA.TRAN@example.vn", "Hoa-mat-khau-2026").await;
    let out = other
        .send(&app, reqwest::Method::DELETE, "/api/v1/session")
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let after = other.get(&app, "/api/v1/me").send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    // The first session is untouched.
    assert_eq!(
        s.get(&app, "/api/v1/me").send().await.unwrap().status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn registration_checks_every_field_and_never_says_which_account_exists() {
    let app = TestApp::spawn().await;
    let r = register(
        &app,
        &json!({ "kind": "citizen", "identifier": "079305001", "full_name": "", "email": "x@", "password": "123" }),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut f = fields(&r.json().await.unwrap());
    f.sort();
    f.dedup();
    assert_eq!(f, ["email", "full_name", "identifier", "password"]);
    // A business with a tax code whose check digit is wrong.
    let r = register(
        &app,
        &json!({ "kind": "business", "identifier": "0100109107", "full_name": "Công ty A", "email": "a@example.vn", "password": "Cong-ty-A-2026!" }),
    )
    .await;
    assert_eq!(fields(&r.json().await.unwrap()), ["identifier"]);

    assert_eq!(
        register(&app, &citizen("079305001234", "a@example.vn"))
            .await
            .status(),
        StatusCode::CREATED
    );
    // Same ID, other e-mail; other ID, same e-mail: the same message for both.
    let same_id = register(&app, &citizen("079305001234", "b@example.vn")).await;
    let same_email = register(&app, &citizen("079305009999", "a@example.vn")).await;
    assert_eq!(same_id.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(same_email.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (a, b): (Value, Value) = (
        same_id.json().await.unwrap(),
        same_email.json().await.unwrap(),
    );
    assert_eq!(a["errors"], b["errors"]);
}

#[tokio::test]
async fn login_answers_alike_for_unknown_accounts_and_locks_after_repeated_failures() {
    let app = TestApp::spawn().await;
    register(&app, &citizen("079305001234", "a@example.vn")).await;
    let unknown = login(&app, "079305009999", "whatever-password").await;
    let wrong = login(&app, "079305001234", "not-the-password").await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (u, w): (Value, Value) = (unknown.json().await.unwrap(), wrong.json().await.unwrap());
    assert_eq!(
        u, w,
        "no difference between an unknown account and a wrong password"
    );

    for _ in 0..4 {
        login(&app, "079305001234", "not-the-password").await;
    }
    // Five consecutive failures lock the account: even the right password waits.
    let locked = login(&app, "079305001234", "Hoa-mat-khau-2026").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.headers().contains_key("retry-after"));
    // Another account from the same address is not locked by it.
    register(&app, &citizen("079305005678", "c@example.vn")).await;
    assert_eq!(
        login(&app, "079305005678", "Hoa-mat-khau-2026")
            .await
            .status(),
        StatusCode::OK
    );

    // The security log has the failures and the lockout, and no password.
    let log: Value = app
        .client
        .get(app.url("/api/v1/security-events?per_page=100"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"lockout"), "{kinds:?}");
    assert!(kinds.iter().filter(|k| **k == "login_failed").count() >= 5);
    assert!(kinds.contains(&"register") && kinds.contains(&"login"));
    let text = log.to_string();
    assert!(!text.contains("not-the-password") && !text.contains("Hoa-mat-khau"));
}

#[tokio::test]
async fn two_factor_setup_login_replay_and_recovery_codes() {
    let app = TestApp::spawn().await;
    let r = register(&app, &citizen("079305001234", "a@example.vn")).await;
    let cookie = session_cookie(&r).unwrap();
    let me: Value = r.json().await.unwrap();
    let s = Session {
        cookie,
        csrf: me["csrf_token"].as_str().unwrap().into(),
    };
    let setup: Value = s
        .send(&app, reqwest::Method::POST, "/api/v1/me/totp")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = TotpSecret::from_base32(setup["secret"].as_str().unwrap()).unwrap();
    assert!(
        setup["otpauth_uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let wrong = s
        .send(&app, reqwest::Method::POST, "/api/v1/me/totp/confirm")
        .json(&json!({ "code": "000000" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let code = secret.code_at(chrono::Utc::now());
    let confirmed: Value = s
        .send(&app, reqwest::Method::POST, "/api/v1/me/totp/confirm")
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recovery: Vec<String> = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);

    // Password alone now leaves the session pending: nothing but the second step opens.
    let r = login(&app, "079305001234", "Hoa-mat-khau-2026").await;
    let pending_cookie = session_cookie(&r).unwrap();
    let answer: Value = r.json().await.unwrap();
    assert_eq!(answer["totp_required"], true);
    assert!(answer["me"].is_null());
    let pending = Session {
        cookie: pending_cookie,
        csrf: answer["csrf_token"].as_str().unwrap().into(),
    };
    assert_eq!(
        pending
            .get(&app, "/api/v1/me")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
    // The code used to confirm is a replay now.
    let replay = pending
        .send(&app, reqwest::Method::POST, "/api/v1/session/totp")
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A recovery code works once.
    let ok = pending
        .send(&app, reqwest::Method::POST, "/api/v1/session/totp")
        .json(&json!({ "code": recovery[0] }))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(
        pending
            .get(&app, "/api/v1/me")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let r = login(&app, "079305001234", "Hoa-mat-khau-2026").await;
    let cookie = session_cookie(&r).unwrap();
    let answer: Value = r.json().await.unwrap();
    let again = Session {
        cookie,
        csrf: answer["csrf_token"].as_str().unwrap().into(),
    };
    let reused = again
        .send(&app, reqwest::Method::POST, "/api/v1/session/totp")
        .json(&json!({ "code": recovery[0] }))
        .send()
        .await
        .unwrap();
    assert_eq!(reused.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn password_change_ends_other_sessions_and_reset_works_once_through_the_outbox() {
    let app = TestApp::spawn().await;
    register(&app, &citizen("079305001234", "a@example.vn")).await;
    let first = logged_in(&app, "079305001234", "Hoa-mat-khau-2026").await;
    let second = logged_in(&app, "079305001234", "Hoa-mat-khau-2026").await;
    let bad = first
        .send(&app, reqwest::Method::PUT, "/api/v1/me/password")
        .json(&json!({ "current_password": "wrong", "new_password": "short" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let mut f = fields(&bad.json().await.unwrap());
    f.dedup();
    assert_eq!(f, ["current_password", "new_password"]);
    let changed = first
        .send(&app, reqwest::Method::PUT, "/api/v1/me/password")
        .json(&json!({ "current_password": "Hoa-mat-khau-2026", "new_password": "Mat-khau-moi-2027" }))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        first.get(&app, "/api/v1/me").send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        second
            .get(&app, "/api/v1/me")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED,
        "other sessions end"
    );

    // Reset: the same answer for a known and an unknown address; the mail is in the outbox.
    for email in ["a@example.vn", "nobody@example.vn"] {
        let r = app
            .client
            .post(app.url("/api/v1/password-resets"))
            .json(&json!({ "email": email }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    let token = outbox_reset_token(&app, "a@example.vn").await;
    let weak = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({ "token": token, "new_password": "123" }))
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let done = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({ "token": token, "new_password": "Dat-lai-mat-khau-2028" }))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let twice = app
        .client
        .post(app.url("/api/v1/password-resets/complete"))
        .json(&json!({ "token": token, "new_password": "Lan-hai-mat-khau-2029" }))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        first.get(&app, "/api/v1/me").send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "a reset ends every session"
    );
    logged_in(&app, "079305001234", "Dat-lai-mat-khau-2028").await;
}

/// The reset token from the newest message to `email` in the outbox.
async fn outbox_reset_token(app: &TestApp, email: &str) -> String {
    let store = app.store().expect("a private store");
    let messages = store.messages_to(email).await.unwrap();
    let body = &messages.first().expect("a reset message").body;
    let start = body.find("token=").expect("a link with a token") + "token=".len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[tokio::test]
async fn agency_administrators_staff_their_agency_only() {
    let app = TestApp::demo();
    let suffix = uuid::Uuid::new_v4().simple().to_string()[..8].to_owned();
    let admin = logged_in(&app, "tp.quantri", "MotCua-Demo-2026").await;
    let login_name = format!("tp.moi{suffix}");
    let created = admin
        .send(
            &app,
            reqwest::Method::POST,
            "/api/v1/agencies/000.00.12.H29/officers",
        )
        .json(&json!({
            "login": login_name, "full_name": "Cán bộ Mới", "password": "Can-bo-moi-2026!",
            "role": "receiving_officer", "receiving_point": "MC",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let officer: Value = created.json().await.unwrap();
    let id = officer["id"].as_i64().unwrap();
    assert_eq!(officer["roles"][0]["role"], "receiving_officer");
    assert_eq!(officer["roles"][0]["receiving_point"], "MC");

    // Not in another agency, and not the roles that act across agencies.
    let elsewhere = admin
        .send(&app, reqwest::Method::POST, "/api/v1/agencies/001.00.70.H29/officers")
        .json(&json!({ "login": format!("px.moi{suffix}"), "full_name": "X", "password": "Can-bo-moi-2026!", "role": "specialist" }))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), StatusCode::FORBIDDEN);
    let escalate = admin
        .send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/agencies/000.00.12.H29/officers/{id}/roles/system_admin"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(escalate.status(), StatusCode::FORBIDDEN);
    let granted = admin
        .send(
            &app,
            reqwest::Method::PUT,
            &format!("/api/v1/agencies/000.00.12.H29/officers/{id}/roles/specialist"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(granted.status(), StatusCode::OK);
    let list: Value = admin
        .get(
            &app,
            &format!("/api/v1/agencies/000.00.12.H29/officers?q={login_name}"),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["roles"].as_array().unwrap().len(), 2);
    let revoked = admin
        .send(
            &app,
            reqwest::Method::DELETE,
            &format!("/api/v1/agencies/000.00.12.H29/officers/{id}/roles/specialist"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);

    // The new officer logs in and sees their agency only.
    let officer = logged_in(&app, &login_name, "Can-bo-moi-2026!").await;
    let me: Value = officer
        .get(&app, "/api/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["roles"].as_array().unwrap().len(), 1);
    assert_eq!(me["roles"][0]["agency_code"], "000.00.12.H29");
    let other = officer
        .get(&app, "/api/v1/agencies/000.00.12.H29/officers")
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::FORBIDDEN);

    // The agency's security log shows the role changes to its administrator.
    let log: Value = admin
        .get(
            &app,
            "/api/v1/security-events?agency=000.00.12.H29&per_page=200",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mine: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["account_id"].as_i64() == Some(id))
        .collect();
    let kinds: Vec<&str> = mine.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.contains(&"role_granted") && kinds.contains(&"role_revoked"),
        "{kinds:?}"
    );
    assert_eq!(
        admin
            .get(&app, "/api/v1/security-events")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN,
        "the global log is for system administrators"
    );
}

#[tokio::test]
async fn api_keys_are_shown_once_scoped_and_revocable() {
    let app = TestApp::spawn().await;
    let created = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "name": "Cổng dịch vụ công quốc gia", "scopes": ["dossiers:read"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let key: Value = created.json().await.unwrap();
    let secret = key["key"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("mc_live_"));
    let listed: Value = app
        .client
        .get(app.url("/api/v1/api-keys"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["scopes"], json!(["dossiers:read"]));
    assert!(
        !listed.to_string().contains(&secret),
        "the key is shown once"
    );
    let bad = app
        .client
        .post(app.url("/api/v1/api-keys"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "name": "", "scopes": ["everything"] }))
        .send()
        .await
        .unwrap();
    let mut f = fields(&bad.json().await.unwrap());
    f.sort();
    assert_eq!(f, ["name", "scopes"]);

    // The key reads public data, is refused administration, and stops working when revoked.
    let public = app
        .client
        .get(app.url("/api/v1/agencies"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::OK);
    let admin = app
        .client
        .get(app.url("/api/v1/api-keys"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(admin.status(), StatusCode::FORBIDDEN);
    let id = key["id"].as_str().unwrap();
    let revoked = app
        .client
        .delete(app.url(&format!("/api/v1/api-keys/{id}")))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let after = app
        .client
        .get(app.url("/api/v1/agencies"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn page_forms_need_their_csrf_token() {
    let app = TestApp::spawn().await;
    register(&app, &citizen("079305001234", "a@example.vn")).await;
    // Without the pre-session cookie and token, the login form is refused.
    let forged = app
        .client
        .post(app.url("/login"))
        .form(&[("login", "079305001234"), ("password", "Hoa-mat-khau-2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);

    // With them (as a browser has), it logs in and redirects.
    let form = app.client.get(app.url("/login")).send().await.unwrap();
    let pre = form
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mc_pre="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .expect("a pre-session cookie");
    let html = form.text().await.unwrap();
    let start = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let token: String = html[start..].chars().take_while(|c| *c != '"').collect();
    let ok = app
        .client
        .post(app.url("/login"))
        .header(COOKIE, &pre)
        .form(&[
            ("csrf", token.as_str()),
            ("login", "079305001234"),
            ("password", "Hoa-mat-khau-2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], "/account");
    assert!(session_cookie(&ok).is_some());
    // A token of another pre-session does not verify.
    let replay = app
        .client
        .post(app.url("/login"))
        .header(COOKIE, format!("mc_pre={}", "A".repeat(43)))
        .form(&[("csrf", token.as_str()), ("login", "x"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::FORBIDDEN);
}

/// The hidden CSRF token of the first form of a page.
fn csrf_of(html: &str) -> String {
    let start = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[start..].chars().take_while(|c| *c != '"').collect()
}

#[tokio::test]
async fn a_system_administrator_edits_the_yearly_calendar_notice_on_its_page() {
    let app = TestApp::spawn().await;
    let agency = app
        .client
        .post(app.url("/api/v1/agencies"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "code": "000.00.00.H29", "name": "Ủy ban nhân dân Thành phố", "kind": "provincial_peoples_committee" }))
        .send()
        .await
        .unwrap();
    assert_eq!(agency.status(), StatusCode::CREATED);
    let officer = app
        .client
        .post(app.url("/api/v1/agencies/000.00.00.H29/officers"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "login": "qt.lich", "full_name": "Quản trị Lịch", "password": "Quan-tri-lich-2026", "role": "system_admin" }))
        .send()
        .await
        .unwrap();
    assert_eq!(officer.status(), StatusCode::CREATED);
    let s = logged_in(&app, "qt.lich", "Quan-tri-lich-2026").await;
    let form = s
        .get(&app, "/admin/calendar?year=2030")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let token = csrf_of(&form.text().await.unwrap());

    // Invalid JSON is refused on the field and changes nothing.
    let bad = app
        .client
        .post(app.url("/admin/calendar/2030"))
        .header(COOKIE, &s.cookie)
        .form(&[("csrf", token.as_str()), ("notice", "{ not json")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("JSON"));

    let notice = json!({
        "year": 2030,
        "source": "Thông báo thử nghiệm",
        "days_off": [{ "date": "2030-04-29", "kind": "bridge", "name": "Nghỉ bù" }],
        "workdays_on_weekend": [{ "date": "2030-05-04", "replaces": "2030-04-29" }],
    });
    let saved = app
        .client
        .post(app.url("/admin/calendar/2030"))
        .header(COOKIE, &s.cookie)
        .form(&[
            ("csrf", token.as_str()),
            ("notice", notice.to_string().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        saved.status(),
        StatusCode::SEE_OTHER,
        "{}",
        saved.text().await.unwrap()
    );
    let year: Value = app
        .client
        .get(app.url("/api/v1/calendar/2030"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(year.to_string().contains("2030-04-29"), "{year}");
    assert!(
        year["workdays_on_weekend"]
            .to_string()
            .contains("2030-05-04")
    );

    // A citizen gets no such page.
    register(&app, &citizen("079305001234", "a@example.vn")).await;
    let c = logged_in(&app, "079305001234", "Hoa-mat-khau-2026").await;
    assert_eq!(
        c.get(&app, "/admin/calendar")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_api_keys_page_creates_a_key_with_every_ticked_scope() {
    let app = TestApp::spawn().await;
    app.client
        .post(app.url("/api/v1/agencies"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "code": "000.00.00.H29", "name": "Ủy ban nhân dân Thành phố", "kind": "provincial_peoples_committee" }))
        .send()
        .await
        .unwrap();
    app.client
        .post(app.url("/api/v1/agencies/000.00.00.H29/officers"))
        .bearer_auth(ADMIN_TOKEN)
        .json(&json!({ "login": "qt.khoa", "full_name": "Quản trị Khóa", "password": "Quan-tri-khoa-2026", "role": "system_admin" }))
        .send()
        .await
        .unwrap();
    let s = logged_in(&app, "qt.khoa", "Quan-tri-khoa-2026").await;
    let page = s.get(&app, "/admin/api-keys").send().await.unwrap();
    let token = csrf_of(&page.text().await.unwrap());
    let created = app
        .client
        .post(app.url("/admin/api-keys"))
        .header(COOKIE, &s.cookie)
        .form(&[
            ("csrf", token.as_str()),
            ("name", "Hệ thống báo cáo"),
            ("scopes", "dossiers:read"),
            ("scopes", "statistics:read"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let html = created.text().await.unwrap();
    assert!(html.contains("id=\"new-key\""), "the key is shown once");
    let keys: Value = app
        .client
        .get(app.url("/api/v1/api-keys"))
        .bearer_auth(ADMIN_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(keys[0]["name"], "Hệ thống báo cáo");
    assert_eq!(
        keys[0]["scopes"],
        json!(["dossiers:read", "statistics:read"])
    );
}
