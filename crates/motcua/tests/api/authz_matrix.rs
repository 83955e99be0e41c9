//! The authorization matrix: every route of the API (as `/api/v1/openapi.json` lists them)
//! and every page (as `pages/mod.rs` routes them), called as every kind of person and
//! anonymously, against the shared demo province.
//!
//! The expected answers are written by hand from the policy (`motcua_auth::policy`, its
//! module documentation) — not computed from it — so that the code is held to what the policy
//! says. Columns, always in this order:
//!
//! | column | who                                                              |
//! |--------|------------------------------------------------------------------|
//! | anon   | nobody logged in                                                 |
//! | cit    | citizen `079090001234`                                           |
//! | bus    | business `0100109106`                                            |
//! | ro     | `tp.tiepnhan`, receiving officer, Department of Justice          |
//! | sp     | `tp.chuyenvien`, specialist, Justice                             |
//! | dh     | `tp.truongphong`, department head, Justice                       |
//! | ld     | `tp.lanhdao`, leader, Justice                                    |
//! | aa     | `tp.quantri`, agency administrator, Justice                      |
//! | wrd    | `px.tiepnhan`, receiving officer of the first ward               |
//! | sa     | `qt.hethong`, system administrator                               |
//! | sv     | `ks.giamsat`, supervisor (city level)                            |
//! | key    | an API key without any scope                                     |
//!
//! A cell is the HTTP status expected, or `L` for a page that sends the visitor to
//! `/login?next=<the path>` (303). Refusals (401, 403, 404, `L`) must not contain any of the
//! data the allowed answer shows (the row's markers) nor any account's login or e-mail.
//!
//! Writes only touch throwaway objects made for the test (officers, an applicant, API keys,
//! the calendar notice of 2099; the work weeks of the Justice and first-ward counters `MC`
//! are put back on the default week after every call), or are made so that they pass
//! authorization and then change nothing (an empty profile change, a too-weak new password, a malformed agency). Demo
//! accounts keep their passwords and two-factor state; no login fails (login throttling
//! counts failures per address, and every test comes from 127.0.0.1).

use std::collections::BTreeSet;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use motcua::demo_accounts::{DEMO_PASSWORD, FIRST_WARD, JUSTICE};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_TOKEN, TestApp};

/// A password every throwaway account gets (passes the password policy).
const STRONG: &str = "Chuoi-Mat-Khau-2026!";
/// The year whose calendar notice the test stores and removes (nobody else uses it).
const SPARE_YEAR: i32 = 2099;

// ---------------------------------------------------------------------------------------
// Who calls
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Citizen,
    Business,
    Receiving,
    Specialist,
    DepartmentHead,
    Leader,
    AgencyAdmin,
    WardReceiving,
    SystemAdmin,
    Supervisor,
    ApiKey,
}

const WHO: [Who; 12] = [
    Who::Anonymous,
    Who::Citizen,
    Who::Business,
    Who::Receiving,
    Who::Specialist,
    Who::DepartmentHead,
    Who::Leader,
    Who::AgencyAdmin,
    Who::WardReceiving,
    Who::SystemAdmin,
    Who::Supervisor,
    Who::ApiKey,
];

impl Who {
    /// The demo account this actor logs in as.
    fn login(self) -> Option<&'static str> {
        Some(match self {
            Who::Anonymous | Who::ApiKey => return None,
            Who::Citizen => "079090001234",
            Who::Business => "0100109106",
            Who::Receiving => "tp.tiepnhan",
            Who::Specialist => "tp.chuyenvien",
            Who::DepartmentHead => "tp.truongphong",
            Who::Leader => "tp.lanhdao",
            Who::AgencyAdmin => "tp.quantri",
            Who::WardReceiving => "px.tiepnhan",
            Who::SystemAdmin => "qt.hethong",
            Who::Supervisor => "ks.giamsat",
        })
    }

    fn label(self) -> String {
        match self {
            Who::Anonymous => "anonymous".into(),
            Who::ApiKey => "API key without scope".into(),
            other => format!("{other:?} ({})", other.login().unwrap_or_default()),
        }
    }
}

/// An actor as the test holds it: its session (or pre-session, or key).
struct Actor {
    who: Who,
    /// `mc_session=…` of a logged-in person.
    session: Option<String>,
    /// The session's CSRF token, for `X-CSRF-Token`.
    csrf: Option<String>,
    /// `mc_pre=…` of an anonymous visitor, for page forms.
    pre: Option<String>,
    bearer: Option<String>,
    account_id: Option<i64>,
}

impl Actor {
    fn logged_in(&self) -> bool {
        self.session.is_some()
    }
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Api,
    Page,
}

/// Something to do around one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Nothing,
    /// Make sure the role-target officer holds this role in this agency (administrator token).
    GrantRole(&'static str, &'static str),
    /// Take the role away again (administrator token), whether or not it is held.
    RevokeRole(&'static str, &'static str),
    /// A fresh API key (administrator token), named `<key>` in the call.
    FreshKey,
    /// Store the notice of [`SPARE_YEAR`] (administrator token).
    StoreNotice,
    /// Give the counter `MC` of this agency a week of its own (administrator token).
    StoreWorkWeek(&'static str),
    /// Put the counter `MC` of this agency back on the default week (administrator token).
    ResetWorkWeek(&'static str),
    /// The actor turns two-factor off with their password (a no-op for the demo accounts,
    /// which never have it on), so that no half-finished set-up is left or met.
    ClearTotp,
}

#[derive(Clone)]
struct Row {
    kind: Kind,
    method: Method,
    /// The route as the router names it (and the OpenAPI document, for the API).
    route: &'static str,
    /// The concrete path called; `<…>` are filled in per call (see [`Ctx::fill`]).
    path: &'static str,
    expect: &'static str,
    json: Option<&'static str>,
    form: &'static [(&'static str, &'static str)],
    /// The page whose form the CSRF token is read from (page POSTs).
    form_page: &'static str,
    before: Step,
    after: Step,
    /// What an allowed answer shows and a refusal must not.
    shows: &'static [&'static str],
    /// Where an allowed 303 goes (a prefix of `Location`).
    to: &'static str,
}

const GET: Method = Method::GET;
const POST: Method = Method::POST;
const PUT: Method = Method::PUT;
const PATCH: Method = Method::PATCH;
const DELETE: Method = Method::DELETE;

fn row(
    kind: Kind,
    method: Method,
    route: &'static str,
    path: &'static str,
    expect: &'static str,
) -> Row {
    Row {
        kind,
        method,
        route,
        path,
        expect,
        json: None,
        form: &[],
        form_page: "/account",
        before: Step::Nothing,
        after: Step::Nothing,
        shows: &[],
        to: "",
    }
}

fn api(method: Method, route: &'static str, path: &'static str, expect: &'static str) -> Row {
    row(Kind::Api, method, route, path, expect)
}

fn page(method: Method, route: &'static str, path: &'static str, expect: &'static str) -> Row {
    row(Kind::Page, method, route, path, expect)
}

impl Row {
    fn json(mut self, body: &'static str) -> Self {
        self.json = Some(body);
        self
    }

    fn form(
        mut self,
        form_page: &'static str,
        fields: &'static [(&'static str, &'static str)],
    ) -> Self {
        self.form_page = form_page;
        self.form = fields;
        self
    }

    fn before(mut self, step: Step) -> Self {
        self.before = step;
        self
    }

    fn after(mut self, step: Step) -> Self {
        self.after = step;
        self
    }

    fn shows(mut self, markers: &'static [&'static str]) -> Self {
        self.shows = markers;
        self
    }

    fn to(mut self, location: &'static str) -> Self {
        self.to = location;
        self
    }

    fn cells(&self) -> Vec<&'static str> {
        let cells: Vec<&'static str> = self.expect.split_whitespace().collect();
        assert_eq!(
            cells.len(),
            WHO.len(),
            "{} {}: one expectation per actor",
            self.method,
            self.path
        );
        cells
    }

    fn name(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Every API route. Policy notes beside the rows say why a cell is what it is.
#[rustfmt::skip]
fn api_rows() -> Vec<Row> {
    vec![
        // ---- public reads: everyone, keys included ("Everyone, logged in or not, reads
        // public things: the catalog, agencies, units, the working calendar").
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/agencies", "/api/v1/agencies?per_page=5",              "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/agencies/tree", "/api/v1/agencies/tree",               "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/agencies/{code}", "/api/v1/agencies/000.00.12.H29?expand=receiving_points",
                                                                                  "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/units", "/api/v1/units?per_page=5",                    "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/units/{code}", "/api/v1/units/79",                     "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/procedures", "/api/v1/procedures",                     "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/procedures/suggest", "/api/v1/procedures/suggest?q=khai+sinh",
                                                                                  "200 200 200 200 200 200 200 200 200 200 200 200"),
        // The demo has no catalog: the same 404 for everyone.
        api(GET, "/api/v1/procedures/{code}", "/api/v1/procedures/1.001193",     "404 404 404 404 404 404 404 404 404 404 404 404"),
        api(GET, "/api/v1/fields", "/api/v1/fields",                             "200 200 200 200 200 200 200 200 200 200 200 200"),
        // Catalog imports are for system administrators; a body without a procedure changes
        // nothing (422).
        api(POST, "/api/v1/procedures/import", "/api/v1/procedures/import",       "401 403 403 403 403 403 403 403 403 422 403 403")
            .json(r#"{"not": "a procedure"}"#),
        api(GET, "/api/v1/calendar/{year}", "/api/v1/calendar/2026",             "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/calendar/due", "/api/v1/calendar/due?from=2026-03-02T08:00:00%2B07:00&working_days=5",
                                                                                  "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/calendar/tet", "/api/v1/calendar/tet?from=2026&to=2027", "200 200 200 200 200 200 200 200 200 200 200 200"),
        api(GET, "/api/v1/calendar/notices/{year}", "/api/v1/calendar/notices/2026",
                                                                                  "200 200 200 200 200 200 200 200 200 200 200 200"),

        // ---- agencies and calendars are system administration ("System administrators
        // manage agencies, the catalog, the calendars"); a key has no scope for them (403).
        // The agency is malformed on purpose (422 = past authorization): creating one would
        // change the demo's agency count that other tests read.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(POST, "/api/v1/agencies", "/api/v1/agencies",                        "401 403 403 403 403 403 403 403 403 422 403 403")
            .json(r#"{"code": "not-a-code", "name": "Cơ quan thử <n>", "kind": "department"}"#),
        api(PUT, "/api/v1/calendar/notices/{year}", "/api/v1/calendar/notices/2099",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .json(r#"{"year": 2099, "source": "authz matrix", "days_off": [], "workdays_on_weekend": []}"#),
        api(DELETE, "/api/v1/calendar/notices/{year}", "/api/v1/calendar/notices/2099",
                                                                                  "401 403 403 403 403 403 403 403 403 204 403 403")
            .before(Step::StoreNotice),

        // ---- a receiving point's work week is its agency's local settings: updated by the
        // agency's administrators and system administrators only (its officers, leaders and
        // supervisors may read them, on the public agency answer). A key has no scope for it
        // (403). The counter goes back to the default week after every call.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(PUT, "/api/v1/agencies/{code}/receiving-points/{point}/work-week", "/api/v1/agencies/000.00.12.H29/receiving-points/MC/work-week",
                                                                                  "401 403 403 403 403 403 403 200 403 200 403 403")
            .json(r#"{"saturday_morning": true}"#)
            .shows(&[r#""saturday_morning":true"#])
            .after(Step::ResetWorkWeek(JUSTICE)),
        api(PUT, "/api/v1/agencies/{code}/receiving-points/{point}/work-week", "/api/v1/agencies/001.00.70.H29/receiving-points/MC/work-week",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .json(r#"{"saturday_morning": true}"#)
            .after(Step::ResetWorkWeek(FIRST_WARD)),
        api(DELETE, "/api/v1/agencies/{code}/receiving-points/{point}/work-week", "/api/v1/agencies/000.00.12.H29/receiving-points/MC/work-week",
                                                                                  "401 403 403 403 403 403 403 204 403 204 403 403")
            .before(Step::StoreWorkWeek(JUSTICE))
            .after(Step::ResetWorkWeek(JUSTICE)),

        // ---- an agency's settings for procedures are its local settings too: read by the
        // people working there (and leaders and supervisors overseeing it), changed by its
        // administrators and system administrators. The demo has no catalog, so one
        // procedure's settings are 404 to everyone past authorization.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/agencies/{code}/procedures", "/api/v1/agencies/000.00.12.H29/procedures?per_page=5",
                                                                                  "401 403 403 200 200 200 200 200 403 200 200 403")
            .shows(&["\"custom_count\""]),
        api(GET, "/api/v1/agencies/{code}/procedures", "/api/v1/agencies/001.00.70.H29/procedures?per_page=5",
                                                                                  "401 403 403 403 403 403 403 403 200 200 200 403")
            .shows(&["\"custom_count\""]),
        api(GET, "/api/v1/agencies/{code}/procedures/{proc}/settings", "/api/v1/agencies/000.00.12.H29/procedures/1.001193/settings",
                                                                                  "401 403 403 404 404 404 404 404 403 404 404 403"),
        api(PUT, "/api/v1/agencies/{code}/procedures/{proc}/settings", "/api/v1/agencies/000.00.12.H29/procedures/1.001193/settings",
                                                                                  "401 403 403 403 403 403 403 404 403 404 403 403")
            .json(r#"{"settings": {"enabled": true}}"#),
        api(PUT, "/api/v1/agencies/{code}/procedures/{proc}/settings", "/api/v1/agencies/001.00.70.H29/procedures/1.001193/settings",
                                                                                  "401 403 403 403 403 403 403 403 403 404 403 403")
            .json(r#"{"settings": {"enabled": true}}"#),
        api(DELETE, "/api/v1/agencies/{code}/procedures/{proc}/settings", "/api/v1/agencies/000.00.12.H29/procedures/1.001193/settings",
                                                                                  "401 403 403 403 403 403 403 404 403 404 403 403"),

        // ---- an agency's officers: administered by its agency administrators and system
        // administrators ("Agency administrators manage their agency: its officers (accounts
        // and roles…)"). Listing them is administration (Administer on the agency), not the
        // public agency page.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/agencies/{code}/officers", "/api/v1/agencies/000.00.12.H29/officers",
                                                                                  "401 403 403 403 403 403 403 200 403 200 403 403")
            .shows(&["tp.chuyenvien", "cuong.le@tuphap.example.vn"]),
        api(GET, "/api/v1/agencies/{code}/officers", "/api/v1/agencies/001.00.70.H29/officers",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .shows(&["px.tiepnhan", "hai.do@phuong.example.vn"]),
        api(POST, "/api/v1/agencies/{code}/officers", "/api/v1/agencies/000.00.12.H29/officers",
                                                                                  "401 403 403 403 403 403 403 201 403 201 403 403")
            .json(r#"{"login": "authz.<n>", "full_name": "Cán bộ thử <n>", "email": "authz.<n>@tuphap.example.vn", "password": "<strong>", "role": "specialist"}"#),
        // Roles that act across agencies are appointed by system administrators only
        // (authorize_grant).
        api(POST, "/api/v1/agencies/{code}/officers", "/api/v1/agencies/000.00.12.H29/officers",
                                                                                  "401 403 403 403 403 403 403 403 403 201 403 403")
            .json(r#"{"login": "authz.sv.<n>", "full_name": "Kiểm soát thử <n>", "password": "<strong>", "role": "supervisor"}"#),
        api(POST, "/api/v1/agencies/{code}/officers", "/api/v1/agencies/001.00.70.H29/officers",
                                                                                  "401 403 403 403 403 403 403 403 403 201 403 403")
            .json(r#"{"login": "authz.px.<n>", "full_name": "Cán bộ phường thử <n>", "password": "<strong>", "role": "specialist"}"#),
        api(PUT, "/api/v1/agencies/{code}/officers/{id}/roles/{role}", "/api/v1/agencies/000.00.12.H29/officers/<officer>/roles/department_head",
                                                                                  "401 403 403 403 403 403 403 200 403 200 403 403")
            .after(Step::RevokeRole(JUSTICE, "department_head")),
        api(PUT, "/api/v1/agencies/{code}/officers/{id}/roles/{role}", "/api/v1/agencies/000.00.12.H29/officers/<officer>/roles/supervisor",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .after(Step::RevokeRole(JUSTICE, "supervisor")),
        api(PUT, "/api/v1/agencies/{code}/officers/{id}/roles/{role}", "/api/v1/agencies/001.00.70.H29/officers/<officer>/roles/specialist",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .after(Step::RevokeRole(FIRST_WARD, "specialist")),
        // "Nobody administers their own account (roles, lock, deletion): no self-escalation."
        api(PUT, "/api/v1/agencies/{code}/officers/{id}/roles/{role}", "/api/v1/agencies/000.00.12.H29/officers/<me>/roles/leader",
                                                                                  "401 403 403 403 403 403 403 403 403 403 403 403"),
        api(DELETE, "/api/v1/agencies/{code}/officers/{id}/roles/{role}", "/api/v1/agencies/000.00.12.H29/officers/<officer>/roles/department_head",
                                                                                  "401 403 403 403 403 403 403 204 403 204 403 403")
            .before(Step::GrantRole(JUSTICE, "department_head"))
            .after(Step::RevokeRole(JUSTICE, "department_head")),
        api(DELETE, "/api/v1/agencies/{code}/officers/{id}/roles/{role}", "/api/v1/agencies/000.00.12.H29/officers/<officer>/roles/supervisor",
                                                                                  "401 403 403 403 403 403 403 403 403 204 403 403")
            .before(Step::GrantRole(JUSTICE, "supervisor"))
            .after(Step::RevokeRole(JUSTICE, "supervisor")),

        // ---- dossiers. Listing is "mine" for applicants and the officer's queues; a dossier
        // that does not exist is 404 for everyone who may ask at all (anonymous: 401 first);
        // API keys never reach account-bound routes (404). Creation checks the procedure
        // first (an unknown one is 422 for every person). Tracking is public: an unknown code
        // or a wrong second factor is 404 alike.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/dossiers", "/api/v1/dossiers",                         "401 200 200 200 200 200 200 200 200 200 200 404"),
        api(POST, "/api/v1/dossiers", "/api/v1/dossiers",                        "401 422 422 422 422 422 422 422 422 422 422 404")
            .json(r#"{"procedure_code": "9.999999", "agency": "000.00.12.H29"}"#),
        api(GET, "/api/v1/dossiers/{id}", "/api/v1/dossiers/987654321",          "401 404 404 404 404 404 404 404 404 404 404 404"),
        api(POST, "/api/v1/dossiers/{id}/commands", "/api/v1/dossiers/987654321/commands",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404")
            .json(r#"{"version": 0, "command": "submit"}"#),
        api(GET, "/api/v1/dossiers/{id}/log", "/api/v1/dossiers/987654321/log",  "401 404 404 404 404 404 404 404 404 404 404 404"),
        api(GET, "/api/v1/tracking/{code}", "/api/v1/tracking/000.00.12.H29-261201-0001?phone=0912345678",
                                                                                  "404 404 404 404 404 404 404 404 404 404 404 404"),

        // ---- documents. A dossier's documents are read like the dossier (a missing one is
        // 404 for everyone who may ask; keys never reach account-bound routes, 404); adding
        // one looks the dossier up before reading the upload. One's document store is one's
        // own account ("Applicants see and change only their own account"): every person has
        // one; a JSON body where a multipart upload is expected is 422 (past authorization).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/dossiers/{id}/documents", "/api/v1/dossiers/987654321/documents",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404"),
        api(POST, "/api/v1/dossiers/{id}/documents", "/api/v1/dossiers/987654321/documents",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404")
            .json("{}"),
        api(GET, "/api/v1/dossiers/{id}/documents/{doc}/content", "/api/v1/dossiers/987654321/documents/1/content",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404"),
        api(GET, "/api/v1/me/documents", "/api/v1/me/documents",                 "401 200 200 200 200 200 200 200 200 200 200 404"),
        api(POST, "/api/v1/me/documents", "/api/v1/me/documents",                "401 422 422 422 422 422 422 422 422 422 422 404")
            .json("{}"),
        api(PATCH, "/api/v1/me/documents/{id}", "/api/v1/me/documents/987654321",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404")
            .json(r#"{"name": "Tên mới"}"#),
        api(DELETE, "/api/v1/me/documents/{id}", "/api/v1/me/documents/987654321",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404"),
        api(GET, "/api/v1/me/documents/{id}/content", "/api/v1/me/documents/987654321/content",
                                                                                  "401 404 404 404 404 404 404 404 404 404 404 404"),

        // ---- accounts as administered. Someone else's account does not exist for those who
        // may not read it (404); counter staff read and verify applicants, wherever they
        // live; agency administrators their agency's officers; system administrators
        // everyone. Keys never reach accounts (404).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/accounts", "/api/v1/accounts?q=079090001234",          "401 403 403 403 403 403 403 403 403 200 403 403")
            .shows(&["an.nguyen@example.vn"]),
        api(GET, "/api/v1/accounts", "/api/v1/accounts?kind=citizen&q=079090001234",
                                                                                  "401 403 403 200 403 403 403 403 200 200 403 403")
            .shows(&["an.nguyen@example.vn"]),
        api(GET, "/api/v1/accounts", "/api/v1/accounts?kind=officer&q=tp.quantri",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .shows(&["giang.vu@tuphap.example.vn"]),
        api(GET, "/api/v1/accounts/{id}", "/api/v1/accounts/<applicant>",        "401 404 404 200 404 404 404 404 200 200 404 404")
            .shows(&["<applicant_login>", "<applicant_email>"]),
        api(GET, "/api/v1/accounts/{id}", "/api/v1/accounts/<officer2>",         "401 404 404 404 404 404 404 200 404 200 404 404")
            .shows(&["<officer2_login>", "<officer2_email>"]),
        // An officer without roles is no applicant: counter staff look up applicants only
        // ("Receiving officers also look up and verify applicants' accounts").
        // (Found by this test: a roleless officer used to be described to the policy as an
        // applicant, so counter staff read them.)
        api(GET, "/api/v1/accounts/{id}", "/api/v1/accounts/<roleless>",         "401 404 404 404 404 404 404 404 404 200 404 404")
            .shows(&["<roleless_login>", "<roleless_email>"]),
        api(PUT, "/api/v1/accounts/{id}/verification", "/api/v1/accounts/<roleless>/verification",
                                                                                  "401 404 404 404 404 404 404 404 404 422 404 404")
            .json(r#"{"verification_level": "counter_verified"}"#),
        api(GET, "/api/v1/accounts/{id}", "/api/v1/accounts/<me>",               "401 200 200 200 200 200 200 200 200 200 200 404"),
        // An account that does not exist reads exactly like one that may not be seen.
        api(GET, "/api/v1/accounts/{id}", "/api/v1/accounts/987654321",          "401 404 404 404 404 404 404 404 404 404 404 404"),
        api(PUT, "/api/v1/accounts/{id}/verification", "/api/v1/accounts/<applicant>/verification",
                                                                                  "401 404 404 200 404 404 404 404 200 200 404 404")
            .json(r#"{"verification_level": "counter_verified"}"#),
        // An officer's account may be updated by its administrators, but verification levels
        // are for applicants (422 = past authorization).
        api(PUT, "/api/v1/accounts/{id}/verification", "/api/v1/accounts/<officer2>/verification",
                                                                                  "401 404 404 404 404 404 404 422 404 422 404 404")
            .json(r#"{"verification_level": "counter_verified"}"#),
        // Locking is administration: not for counter staff, who see the account (403).
        api(PUT, "/api/v1/accounts/{id}/disabled", "/api/v1/accounts/<applicant>/disabled",
                                                                                  "401 404 404 403 404 404 404 404 403 204 404 404")
            .json(r#"{"disabled": false}"#),
        api(PUT, "/api/v1/accounts/{id}/disabled", "/api/v1/accounts/<officer2>/disabled",
                                                                                  "401 404 404 404 404 404 404 204 404 204 404 404")
            .json(r#"{"disabled": false}"#),
        api(PUT, "/api/v1/accounts/{id}/disabled", "/api/v1/accounts/<me>/disabled",
                                                                                  "401 403 403 403 403 403 403 403 403 403 403 404")
            .json(r#"{"disabled": false}"#),

        // ---- the security log: the whole of it for system administrators, an agency's part
        // also for its administrators. Integrations: system administrators.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/security-events", "/api/v1/security-events?kind=role_granted",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .shows(&["role_granted"]),
        api(GET, "/api/v1/security-events", "/api/v1/security-events?agency=000.00.12.H29&kind=role_granted",
                                                                                  "401 403 403 403 403 403 403 200 403 200 403 403")
            .shows(&["role_granted"]),
        api(GET, "/api/v1/security-events", "/api/v1/security-events?agency=001.00.70.H29&kind=role_granted",
                                                                                  "401 403 403 403 403 403 403 403 403 200 403 403")
            .shows(&["role_granted"]),
        api(GET, "/api/v1/api-keys", "/api/v1/api-keys",                         "401 403 403 403 403 403 403 403 403 200 403 403")
            .shows(&["<key>"]),
        api(POST, "/api/v1/api-keys", "/api/v1/api-keys",                        "401 403 403 403 403 403 403 403 403 201 403 403")
            .json(r#"{"name": "authz-matrix <n>", "scopes": []}"#),
        api(DELETE, "/api/v1/api-keys/{id}", "/api/v1/api-keys/<key>",           "401 403 403 403 403 403 403 403 403 204 403 403")
            .before(Step::FreshKey),

        // ---- one's own account: anyone logged in. Nothing changes: an empty profile change,
        // a too-weak new password (422 after the current one was checked), no pending
        // two-factor set-up to confirm (422).
        // A valid API key gets 404 on every `/me` route, as the policy answers keys on
        // accounts ("accounts, which no key ever reaches").
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(GET, "/api/v1/me", "/api/v1/me",                                     "401 200 200 200 200 200 200 200 200 200 200 404"),
        api(PATCH, "/api/v1/me", "/api/v1/me",                                   "401 200 200 200 200 200 200 200 200 200 200 404")
            .json("{}"),
        api(PUT, "/api/v1/me/password", "/api/v1/me/password",                   "401 422 422 422 422 422 422 422 422 422 422 404")
            .json(r#"{"current_password": "<password>", "new_password": "short"}"#),
        api(POST, "/api/v1/me/totp/confirm", "/api/v1/me/totp/confirm",          "401 422 422 422 422 422 422 422 422 422 422 404")
            .json(r#"{"code": "000000"}"#)
            .before(Step::ClearTotp),
        api(POST, "/api/v1/me/totp", "/api/v1/me/totp",                          "401 200 200 200 200 200 200 200 200 200 200 404")
            .after(Step::ClearTotp),
        api(DELETE, "/api/v1/me/totp", "/api/v1/me/totp",                        "401 204 204 204 204 204 204 204 204 204 204 404")
            .json(r#"{"password": "<password>"}"#),

        // ---- registration, login, resets: open to all (a second factor needs a pending
        // login, which none of these callers has: 401).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        api(POST, "/api/v1/accounts", "/api/v1/accounts",                        "201 201 201 201 201 201 201 201 201 201 201 201")
            .json(r#"{"kind": "citizen", "identifier": "<pid>", "full_name": "Người Thử <n>", "email": "authz.<n>@example.vn", "password": "<strong>"}"#),
        api(POST, "/api/v1/session", "/api/v1/session",                          "200 200 200 200 200 200 200 200 200 200 200 200")
            .json(r#"{"login": "<applicant_login>", "password": "<strong>"}"#),
        api(POST, "/api/v1/session/totp", "/api/v1/session/totp",                "401 401 401 401 401 401 401 401 401 401 401 401")
            .json(r#"{"code": "000000"}"#),
        api(POST, "/api/v1/password-resets", "/api/v1/password-resets",          "202 202 202 202 202 202 202 202 202 202 202 202")
            .json(r#"{"email": "nobody.<n>@example.vn"}"#),
        api(POST, "/api/v1/password-resets/complete", "/api/v1/password-resets/complete",
                                                                                  "422 422 422 422 422 422 422 422 422 422 422 422")
            .json(r#"{"token": "not-a-token", "new_password": "<strong>"}"#),
        // Last: it ends the sessions.
        api(DELETE, "/api/v1/session", "/api/v1/session",                        "204 204 204 204 204 204 204 204 204 204 204 204"),
    ]
}

/// Fields of a new officer on the page form.
const OFFICER_FORM: &[(&str, &str)] = &[
    ("login", "authz.page.<n>"),
    ("full_name", "Cán bộ trang <n>"),
    ("password", "<strong>"),
    ("role", "specialist"),
];
const REGISTER_FORM: &[(&str, &str)] = &[
    ("kind", "citizen"),
    ("identifier", "<pid>"),
    ("full_name", "Người Đăng Ký <n>"),
    ("email", "authz.page.<n>@example.vn"),
    ("password", "<strong>"),
    ("password_confirm", "<strong>"),
];
const LOGIN_FORM: &[(&str, &str)] = &[("login", "<applicant_login>"), ("password", "<strong>")];
const WEAK_PASSWORD_FORM: &[(&str, &str)] = &[
    ("current_password", "<password>"),
    ("new_password", "short"),
    ("new_password_confirm", "short"),
];
const RESET_FORM: &[(&str, &str)] = &[
    ("token", "not-a-token"),
    ("new_password", "<strong>"),
    ("new_password_confirm", "<strong>"),
];
const NOTICE_FORM: &[(&str, &str)] = &[(
    "notice",
    r#"{"year": 2099, "source": "authz matrix page", "days_off": [], "workdays_on_weekend": []}"#,
)];

/// A week with Saturday mornings for the Justice counter, as the page's form sends it.
const WORK_WEEK_FORM: &[(&str, &str)] = &[
    ("point", "MC"),
    ("action", "save"),
    ("day_mon", "on"),
    ("day_tue", "on"),
    ("day_wed", "on"),
    ("day_thu", "on"),
    ("day_fri", "on"),
    ("saturday_morning", "on"),
    ("morning_start", "07:30"),
    ("morning_end", "11:30"),
    ("afternoon_start", "13:00"),
    ("afternoon_end", "17:00"),
];

/// Every page route, GET and POST.
#[rustfmt::skip]
fn page_rows() -> Vec<Row> {
    vec![
        // ---- public pages.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        page(GET, "/", "/",                                                      "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/agencies", "/agencies",                                      "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/agencies/{code}", "/agencies/000.00.12.H29",                 "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/units", "/units",                                            "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/units/{code}", "/units/79",                                  "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/calendar", "/calendar",                                      "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/procedures", "/procedures",                                  "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/procedures/{code}", "/procedures/1.001193",                  "404 404 404 404 404 404 404 404 404 404 404 404"),
        page(GET, "/fields", "/fields",                                          "200 200 200 200 200 200 200 200 200 200 200 200"),
        // Tracking is public.
        page(GET, "/tracking", "/tracking",                                      "200 200 200 200 200 200 200 200 200 200 200 200"),
        // (Without a second factor the page asks for one; the API row above spends the
        // failed look-ups.)
        page(GET, "/tracking/{code}", "/tracking/000.00.12.H29-261201-0001",    "200 200 200 200 200 200 200 200 200 200 200 200"),
        // A dossier's printable forms: like the dossier, a missing one is 404 to anyone
        // logged in (and to API keys, which never reach account-bound routes).
        page(GET, "/dossiers/{id}/forms/{number}", "/dossiers/987654321/forms/01",
                                                                                  "L   404 404 404 404 404 404 404 404 404 404 404"),
        page(GET, "/password/forgot", "/password/forgot",                        "200 200 200 200 200 200 200 200 200 200 200 200"),
        page(GET, "/password/reset", "/password/reset",                          "200 200 200 200 200 200 200 200 200 200 200 200"),

        // ---- account pages: forms for visitors send the logged-in home; one's own pages
        // need a login. A key is no visitor with an account.
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        page(GET, "/login", "/login",                                            "200 303 303 303 303 303 303 303 303 303 303 200").to("/account"),
        page(GET, "/register", "/register",                                      "200 303 303 303 303 303 303 303 303 303 303 200").to("/account"),
        page(GET, "/login/totp", "/login/totp",                                  "303 303 303 303 303 303 303 303 303 303 303 303").to("/login"),
        page(GET, "/account", "/account",                                        "L   200 200 200 200 200 200 200 200 200 200 L"),
        page(GET, "/account/password", "/account/password",                      "L   200 200 200 200 200 200 200 200 200 200 L"),
        page(GET, "/account/totp", "/account/totp",                              "L   200 200 200 200 200 200 200 200 200 200 L")
            .after(Step::ClearTotp),

        // ---- officers' pages ("Officers act through their roles in agencies"; the work home
        // is for officers, applicants are refused).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        page(GET, "/work", "/work",                                              "L   403 403 200 200 200 200 200 200 200 200 L"),
        page(GET, "/admin/agencies/{code}/officers", "/admin/agencies/000.00.12.H29/officers",
                                                                                  "L   403 403 403 403 403 403 200 403 200 403 L")
            .shows(&["tp.chuyenvien", "tp.truongphong"]),
        page(GET, "/admin/agencies/{code}/officers", "/admin/agencies/001.00.70.H29/officers",
                                                                                  "L   403 403 403 403 403 403 403 403 200 403 L")
            .shows(&["px.tiepnhan"]),
        page(GET, "/admin/security-log", "/admin/security-log?kind=role_granted",
                                                                                  "L   403 403 403 403 403 403 403 403 200 403 L")
            .shows(&["role_granted"]),
        page(GET, "/admin/security-log", "/admin/security-log?agency=000.00.12.H29&kind=role_granted",
                                                                                  "L   403 403 403 403 403 403 200 403 200 403 L")
            .shows(&["role_granted"]),
        page(GET, "/admin/security-log", "/admin/security-log?agency=001.00.70.H29&kind=role_granted",
                                                                                  "L   403 403 403 403 403 403 403 403 200 403 L")
            .shows(&["role_granted"]),
        page(GET, "/admin/api-keys", "/admin/api-keys",                          "L   403 403 403 403 403 403 403 403 200 403 L")
            .shows(&["<key>"]),
        page(GET, "/admin/calendar", "/admin/calendar?year=2026",                "L   403 403 403 403 403 403 403 403 200 403 L")
            .shows(&["workdays_on_weekend"]),
        page(GET, "/admin/catalog", "/admin/catalog",                            "L   403 403 403 403 403 403 403 403 200 403 404")
            .shows(&["enctype=\"multipart/form-data\""]),
        page(GET, "/admin/agencies/{code}/receiving-points", "/admin/agencies/000.00.12.H29/receiving-points",
                                                                                  "L   403 403 403 403 403 403 200 403 200 403 L")
            .shows(&["Bộ phận Một cửa Sở Tư pháp", "name=\"day_mon\""]),
        page(GET, "/admin/agencies/{code}/receiving-points", "/admin/agencies/001.00.70.H29/receiving-points",
                                                                                  "L   403 403 403 403 403 403 403 403 200 403 L")
            .shows(&["name=\"day_mon\""]),
        // Procedure settings: like the API (the demo has no catalog: one procedure's page is
        // 404 past authorization).
        page(GET, "/admin/agencies/{code}/procedures", "/admin/agencies/000.00.12.H29/procedures",
                                                                                  "L   403 403 200 200 200 200 200 403 200 200 L")
            .shows(&["id=\"f-q\""]),
        page(GET, "/admin/agencies/{code}/procedures", "/admin/agencies/001.00.70.H29/procedures",
                                                                                  "L   403 403 403 403 403 403 403 200 200 200 L")
            .shows(&["id=\"f-q\""]),
        page(GET, "/admin/agencies/{code}/procedures/{proc}", "/admin/agencies/000.00.12.H29/procedures/1.001193",
                                                                                  "L   403 403 404 404 404 404 404 403 404 404 L"),

        // ---- page forms, each with the CSRF token of the actor's session (or pre-session)
        // read from a form. A key is not a browser session: it has no CSRF token (403).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        page(POST, "/login", "/login",                                           "303 303 303 303 303 303 303 303 303 303 303 403")
            .form("/login", LOGIN_FORM).to("/account"),
        // No login awaits a second factor: back to the login form.
        page(POST, "/login/totp", "/login/totp",                                 "L   L   L   L   L   L   L   L   L   L   L   403")
            .form("/login", &[("code", "000000")]),
        page(POST, "/register", "/register",                                     "303 303 303 303 303 303 303 303 303 303 303 403")
            .form("/register", REGISTER_FORM).to("/account?welcome=1"),
        page(POST, "/account", "/account",                                       "L   303 303 303 303 303 303 303 303 303 303 403")
            .form("/account", &[]).to("/account?saved=1"),
        page(POST, "/account/password", "/account/password",                     "L   422 422 422 422 422 422 422 422 422 422 403")
            .form("/account/password", WEAK_PASSWORD_FORM),
        page(POST, "/account/totp", "/account/totp",                             "L   422 422 422 422 422 422 422 422 422 422 403")
            .form("/account", &[("code", "000000")])
            .before(Step::ClearTotp),
        page(POST, "/account/totp/disable", "/account/totp/disable",             "L   303 303 303 303 303 303 303 303 303 303 403")
            .form("/account", &[("password", "<password>")]).to("/account?saved=1"),
        page(POST, "/password/forgot", "/password/forgot",                       "200 200 200 200 200 200 200 200 200 200 200 403")
            .form("/password/forgot", &[("email", "nobody.<n>@example.vn")]),
        page(POST, "/password/reset", "/password/reset",                         "422 422 422 422 422 422 422 422 422 422 422 403")
            .form("/password/reset", RESET_FORM),
        page(POST, "/admin/agencies/{code}/officers", "/admin/agencies/000.00.12.H29/officers",
                                                                                  "L   403 403 403 403 403 403 303 403 303 403 403")
            .form("/admin/agencies/000.00.12.H29/officers", OFFICER_FORM)
            .to("/admin/agencies/000.00.12.H29/officers?created=1"),
        page(POST, "/admin/agencies/{code}/officers", "/admin/agencies/001.00.70.H29/officers",
                                                                                  "L   403 403 403 403 403 403 403 403 303 403 403")
            .form("/admin/agencies/001.00.70.H29/officers", OFFICER_FORM)
            .to("/admin/agencies/001.00.70.H29/officers?created=1"),
        page(POST, "/admin/agencies/{code}/officers/{id}/roles", "/admin/agencies/000.00.12.H29/officers/<officer>/roles",
                                                                                  "L   403 403 403 403 403 403 303 403 303 403 403")
            .form("/admin/agencies/000.00.12.H29/officers", &[("role", "department_head")])
            .after(Step::RevokeRole(JUSTICE, "department_head"))
            .to("/admin/agencies/000.00.12.H29/officers"),
        page(POST, "/admin/agencies/{code}/officers/{id}/roles/{role}/revoke",
             "/admin/agencies/000.00.12.H29/officers/<officer>/roles/department_head/revoke",
                                                                                  "L   403 403 403 403 403 403 303 403 303 403 403")
            .form("/admin/agencies/000.00.12.H29/officers", &[])
            .before(Step::GrantRole(JUSTICE, "department_head"))
            .after(Step::RevokeRole(JUSTICE, "department_head"))
            .to("/admin/agencies/000.00.12.H29/officers"),
        page(POST, "/admin/api-keys", "/admin/api-keys",                         "L   403 403 403 403 403 403 403 403 200 403 403")
            .form("/admin/api-keys", &[("name", "authz-matrix page <n>")]),
        page(POST, "/admin/api-keys/{id}/revoke", "/admin/api-keys/<key>/revoke", "L   403 403 403 403 403 403 403 403 303 403 403")
            .form("/admin/api-keys", &[])
            .before(Step::FreshKey)
            .to("/admin/api-keys"),
        // No file in the form: 422 for the system administrator, nothing imported.
        page(POST, "/admin/catalog", "/admin/catalog",                           "L   403 403 403 403 403 403 403 403 422 403 403")
            .form("/admin/catalog", &[]),
        page(POST, "/admin/calendar/{year}", "/admin/calendar/2099",             "L   403 403 403 403 403 403 403 403 303 403 403")
            .form("/admin/calendar?year=2099", NOTICE_FORM)
            .to("/admin/calendar?year=2099&saved=1"),
        page(POST, "/admin/calendar/{year}/remove", "/admin/calendar/2099/remove", "L   403 403 403 403 403 403 403 403 303 403 403")
            .form("/admin/calendar?year=2099", &[])
            .before(Step::StoreNotice)
            .to("/admin/calendar?year=2099&saved=1"),
        page(POST, "/admin/agencies/{code}/receiving-points", "/admin/agencies/000.00.12.H29/receiving-points",
                                                                                  "L   403 403 403 403 403 403 303 403 303 403 403")
            .form("/admin/agencies/000.00.12.H29/receiving-points", WORK_WEEK_FORM)
            .after(Step::ResetWorkWeek(JUSTICE))
            .to("/admin/agencies/000.00.12.H29/receiving-points?saved=MC"),
        page(POST, "/admin/agencies/{code}/procedures/{proc}", "/admin/agencies/000.00.12.H29/procedures/1.001193",
                                                                                  "L   403 403 403 403 403 403 404 403 404 403 403")
            .form("/account", &[("action", "save"), ("enabled", "on")]),
        // ---- dossier pages. Submission online is for applicants (officers receive paper
        // dossiers at the counter, 403); the demo has no catalog, so the procedure is 404 for
        // them, like the procedure page. "My dossiers" is an applicant's list; officers are
        // sent to their queues. A dossier that does not exist is 404 for everyone logged in.
        // Queues list the agencies whose dossiers the viewer reads ("They do not read
        // dossiers by virtue of that role": administrators 403); supervisors those they
        // supervise. Counter reception is for the agency's receiving officers; a paper
        // dossier of an unknown procedure is 422 for them (past authorization).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        page(GET, "/procedures/{code}/submit", "/procedures/1.001193/submit",   "L   404 404 403 403 403 403 403 403 403 403 L"),
        page(POST, "/procedures/{code}/submit", "/procedures/1.001193/submit",  "L   404 404 403 403 403 403 403 403 403 403 403")
            .form("/procedures/1.001193/submit", &[("agency", "000.00.12.H29"), ("result_delivery", "online")]),
        page(GET, "/dossiers", "/dossiers",                                      "L   200 200 303 303 303 303 303 303 303 303 L")
            .shows(&["id=\"no-dossiers\""]).to("/work/dossiers"),
        page(GET, "/dossiers/{id}", "/dossiers/987654321",                       "L   404 404 404 404 404 404 404 404 404 404 L"),
        page(POST, "/dossiers/{id}/commands", "/dossiers/987654321/commands",    "L   404 404 404 404 404 404 404 404 404 404 403")
            .form("/dossiers", &[("version", "0"), ("command", "submit")]),
        page(GET, "/work/dossiers", "/work/dossiers",                            "L   403 403 200 200 200 200 403 200 403 200 L")
            .shows(&["data-count=\"to_receive\""]),
        page(GET, "/work/dossiers", "/work/dossiers?agency=000.00.12.H29&queue=all",
                                                                                  "L   403 403 200 200 200 200 403 403 403 200 L")
            .shows(&["data-count=\"all\""]),
        page(GET, "/work/dossiers", "/work/dossiers?agency=001.00.70.H29",       "L   403 403 403 403 403 403 403 200 403 200 L")
            .shows(&["data-count=\"to_receive\""]),
        page(GET, "/work/reception", "/work/reception",                          "L   403 403 200 403 403 403 403 200 403 403 L")
            .shows(&["id=\"lookup-form\""]),
        page(GET, "/work/reception", "/work/reception?agency=001.00.70.H29",     "L   403 403 403 403 403 403 403 200 403 403 L")
            .shows(&["id=\"lookup-form\""]),
        page(POST, "/work/reception", "/work/reception",                         "L   403 403 422 403 403 403 403 403 403 403 403")
            .form("/work/reception", &[("agency", "000.00.12.H29"), ("procedure_code", "9.999999"), ("applicant_name", "Người Nộp Thử <n>")]),
        // ---- documents: a dossier's like the dossier (404 for a missing one), one's document
        // store for every person. Upload forms are multipart; a url-encoded form without a
        // file passes the CSRF check and is then refused for what it lacks (422) or for the
        // dossier it names (404). A key has no CSRF token (403).
        //                                                                       anon cit bus ro  sp  dh  ld  aa  wrd sa  sv  key
        page(GET, "/account/documents", "/account/documents",                    "L   200 200 200 200 200 200 200 200 200 200 L")
            .shows(&["enctype=\"multipart/form-data\"", "name=\"file\""]),
        page(POST, "/account/documents", "/account/documents",                   "L   422 422 422 422 422 422 422 422 422 422 403")
            .form("/account/documents", &[("name", "Tài liệu thử <n>")]),
        page(GET, "/account/documents/{id}", "/account/documents/987654321",     "L   404 404 404 404 404 404 404 404 404 404 L"),
        page(POST, "/account/documents/{id}/rename", "/account/documents/987654321/rename",
                                                                                  "L   404 404 404 404 404 404 404 404 404 404 403")
            .form("/account/documents", &[("name", "Tên mới")]),
        page(POST, "/account/documents/{id}/delete", "/account/documents/987654321/delete",
                                                                                  "L   404 404 404 404 404 404 404 404 404 404 403")
            .form("/account/documents", &[]),
        page(POST, "/dossiers/{id}/documents", "/dossiers/987654321/documents",  "L   404 404 404 404 404 404 404 404 404 404 403")
            .form("/account/documents", &[("name", "Tài liệu thử")]),
        page(GET, "/dossiers/{id}/documents/{doc}", "/dossiers/987654321/documents/1",
                                                                                  "L   404 404 404 404 404 404 404 404 404 404 L"),
        // Last: it ends the sessions.
        page(POST, "/logout", "/logout",                                         "303 303 303 303 303 303 303 303 303 303 303 403")
            .form("/", &[]).to("/"),
    ]
}

// ---------------------------------------------------------------------------------------
// Coverage: no route without a row
// ---------------------------------------------------------------------------------------

/// `(METHOD, route)` of every operation in the OpenAPI document the app serves.
async fn openapi_operations(app: &TestApp) -> BTreeSet<(String, String)> {
    let response = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// `(METHOD, route)` of every `.route(…)` in a router's source (`prefix` prepended): what is
/// actually served, documented or not.
fn routed(source_file: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let path = format!(
        "{}/../motcua-web/src/{source_file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let source = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let start = source.find("pub fn routes()").expect("a routes() function");
    let body = &source[start..start + source[start..].find("\n}\n").expect("end of routes()")];
    let mut out = BTreeSet::new();
    let mut rest = body;
    while let Some(at) = rest.find(".route(") {
        let call = &rest[at + ".route(".len()..];
        // The call's text, up to its closing parenthesis.
        let mut depth = 1;
        let mut end = 0;
        for (i, c) in call.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = i;
                break;
            }
        }
        let call = &call[..end];
        let open = call.find('"').expect("a route path") + 1;
        let route = &call[open..open + call[open..].find('"').expect("end of the path")];
        let handlers = &call[open + route.len() + 1..];
        for method in ["get", "post", "put", "delete", "patch"] {
            let needle = format!("{method}(");
            let mut from = 0;
            while let Some(i) = handlers[from..].find(&needle) {
                let i = from + i;
                let before = handlers[..i].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    out.insert((method.to_uppercase(), format!("{prefix}{route}")));
                }
                from = i + needle.len();
            }
        }
        rest = &rest[at + ".route(".len() + end..];
    }
    out
}

fn covered(rows: &[Row]) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|r| (r.method.to_string(), r.route.to_owned()))
        .collect()
}

/// Every concrete path fits its route, segment by segment, so a row cannot claim a route it
/// does not call.
fn assert_paths_fit_routes(rows: &[Row]) {
    for r in rows {
        let path = r.path.split('?').next().unwrap();
        let got: Vec<&str> = path.split('/').collect();
        let want: Vec<&str> = r.route.split('/').collect();
        let fits = got.len() == want.len()
            && got
                .iter()
                .zip(&want)
                .all(|(g, w)| g == w || (w.starts_with('{') && w.ends_with('}') && !g.is_empty()));
        assert!(fits, "{} does not fit the route {}", r.path, r.route);
    }
}

#[tokio::test]
async fn every_api_route_of_the_openapi_document_is_in_the_matrix() {
    let app = TestApp::demo();
    let documented = openapi_operations(&app).await;
    let rows = api_rows();
    assert_paths_fit_routes(&rows);
    let in_matrix = covered(&rows);
    let missing: Vec<String> = documented
        .difference(&in_matrix)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "API routes without a row in the authorization matrix (add one per route, with the \
         expected answer for every actor):\n  {}",
        missing.join("\n  ")
    );
    let unknown: Vec<String> = in_matrix
        .difference(&documented)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "matrix rows for routes the OpenAPI document does not have: {unknown:?}"
    );
    // What the router serves is what the document lists, so the check above sees every route.
    let served = routed("api/mod.rs", "/api/v1");
    let undocumented: Vec<String> = served
        .difference(&documented)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        undocumented.is_empty(),
        "API routes served but missing from the OpenAPI document: {undocumented:?}"
    );
    eprintln!(
        "authorization matrix: {} API operations documented and covered",
        documented.len()
    );
}

/// Every page route of `pages/mod.rs`, by hand: a new page must be added here and to the
/// matrix.
const PAGE_ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/agencies"),
    ("GET", "/agencies/{code}"),
    ("GET", "/units"),
    ("GET", "/units/{code}"),
    ("GET", "/calendar"),
    ("GET", "/procedures"),
    ("GET", "/procedures/{code}"),
    ("GET", "/fields"),
    ("GET", "/tracking"),
    ("GET", "/tracking/{code}"),
    ("GET", "/dossiers/{id}/forms/{number}"),
    ("GET", "/admin/catalog"),
    ("POST", "/admin/catalog"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/login/totp"),
    ("POST", "/login/totp"),
    ("POST", "/logout"),
    ("GET", "/register"),
    ("POST", "/register"),
    ("GET", "/account"),
    ("POST", "/account"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("GET", "/account/totp"),
    ("POST", "/account/totp"),
    ("POST", "/account/totp/disable"),
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/reset"),
    ("POST", "/password/reset"),
    ("GET", "/work"),
    ("GET", "/admin/agencies/{code}/officers"),
    ("POST", "/admin/agencies/{code}/officers"),
    ("POST", "/admin/agencies/{code}/officers/{id}/roles"),
    (
        "POST",
        "/admin/agencies/{code}/officers/{id}/roles/{role}/revoke",
    ),
    ("GET", "/admin/security-log"),
    ("GET", "/admin/api-keys"),
    ("POST", "/admin/api-keys"),
    ("POST", "/admin/api-keys/{id}/revoke"),
    ("GET", "/admin/calendar"),
    ("POST", "/admin/calendar/{year}"),
    ("POST", "/admin/calendar/{year}/remove"),
    ("GET", "/admin/agencies/{code}/receiving-points"),
    ("POST", "/admin/agencies/{code}/receiving-points"),
    ("GET", "/admin/agencies/{code}/procedures"),
    ("GET", "/admin/agencies/{code}/procedures/{proc}"),
    ("POST", "/admin/agencies/{code}/procedures/{proc}"),
    ("GET", "/procedures/{code}/submit"),
    ("POST", "/procedures/{code}/submit"),
    ("GET", "/dossiers"),
    ("GET", "/dossiers/{id}"),
    ("POST", "/dossiers/{id}/commands"),
    ("GET", "/work/dossiers"),
    ("GET", "/work/reception"),
    ("POST", "/work/reception"),
    ("GET", "/account/documents"),
    ("POST", "/account/documents"),
    ("GET", "/account/documents/{id}"),
    ("POST", "/account/documents/{id}/rename"),
    ("POST", "/account/documents/{id}/delete"),
    ("POST", "/dossiers/{id}/documents"),
    ("GET", "/dossiers/{id}/documents/{doc}"),
];

#[test]
fn every_page_route_is_listed_and_in_the_matrix() {
    let listed: BTreeSet<(String, String)> = PAGE_ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let served = routed("pages/mod.rs", "");
    let unlisted: Vec<String> = served
        .difference(&listed)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unlisted.is_empty(),
        "page routes of pages/mod.rs missing from PAGE_ROUTES and the matrix:\n  {}",
        unlisted.join("\n  ")
    );
    let gone: Vec<String> = listed
        .difference(&served)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        gone.is_empty(),
        "PAGE_ROUTES lists routes pages/mod.rs no longer has: {gone:?}"
    );
    let rows = page_rows();
    assert_paths_fit_routes(&rows);
    let in_matrix = covered(&rows);
    let missing: Vec<String> = listed
        .difference(&in_matrix)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "page routes without a matrix row: {missing:?}"
    );
    let unknown: Vec<String> = in_matrix
        .difference(&listed)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        unknown.is_empty(),
        "matrix rows for unknown page routes: {unknown:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Calling
// ---------------------------------------------------------------------------------------

/// An answer as the test keeps it.
struct Answer {
    status: u16,
    location: Option<String>,
    content_type: String,
    body: String,
}

/// A unique six-digit number per call (random per process, then counting).
fn unique() -> String {
    static BASE: OnceLock<u32> = OnceLock::new();
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = *BASE.get_or_init(|| (uuid::Uuid::new_v4().as_u128() % 1_000_000) as u32);
    let n = (base + NEXT.fetch_add(1, Ordering::Relaxed)) % 1_000_000;
    format!("{n:06}")
}

/// A valid personal ID no demo account has: Ho Chi Minh City (079), a man born in 2005.
fn personal_id(n: &str) -> String {
    format!("079205{n}")
}

/// The throwaway objects the matrix acts upon.
struct Ctx {
    /// The officer whose roles are granted and revoked (Justice, specialist).
    officer: i64,
    /// The officer whose account is read, verified and locked (Justice, specialist).
    officer2: i64,
    officer2_login: String,
    officer2_email: String,
    /// An officer whose only role was taken away: an officer still, of no agency.
    roleless: i64,
    roleless_login: String,
    roleless_email: String,
    /// A citizen registered for the test.
    applicant: i64,
    applicant_login: String,
    applicant_email: String,
    /// The id of the key without scope (the `key` actor).
    key_id: String,
    /// A key made for one call by [`Step::FreshKey`].
    fresh_key: Option<String>,
}

impl Ctx {
    /// Fills in `<n>` (fresh per call), `<pid>`, the throwaway objects and the actor's `<me>`.
    fn fill(&self, template: &str, n: &str, actor: &Actor) -> String {
        template
            .replace("<n>", n)
            .replace("<pid>", &personal_id(n))
            .replace("<officer2_login>", &self.officer2_login)
            .replace("<officer2_email>", &self.officer2_email)
            .replace("<officer2>", &self.officer2.to_string())
            .replace("<officer>", &self.officer.to_string())
            .replace("<roleless_login>", &self.roleless_login)
            .replace("<roleless_email>", &self.roleless_email)
            .replace("<roleless>", &self.roleless.to_string())
            .replace("<applicant_login>", &self.applicant_login)
            .replace("<applicant_email>", &self.applicant_email)
            .replace("<applicant>", &self.applicant.to_string())
            .replace("<key>", self.fresh_key.as_deref().unwrap_or(&self.key_id))
            .replace("<me>", &actor.account_id.unwrap_or(0).to_string())
            .replace("<password>", DEMO_PASSWORD)
            .replace("<strong>", STRONG)
    }

    /// Logins, e-mails and keys no refusal may contain.
    fn secrets(&self) -> Vec<String> {
        let mut out: Vec<String> = [
            "an.nguyen@example.vn",
            "lienhe@minhphat.example.vn",
            "binh.tran@tuphap.example.vn",
            "cuong.le@tuphap.example.vn",
            "dung.pham@tuphap.example.vn",
            "em.hoang@tuphap.example.vn",
            "giang.vu@tuphap.example.vn",
            "hai.do@phuong.example.vn",
            "lan.bui@hcmc.example.vn",
            "minh.ngo@hcmc.example.vn",
        ]
        .map(String::from)
        .to_vec();
        out.extend([
            self.applicant_login.clone(),
            self.applicant_email.clone(),
            self.officer2_login.clone(),
            self.officer2_email.clone(),
            self.roleless_login.clone(),
            self.roleless_email.clone(),
            self.key_id.clone(),
        ]);
        out
    }
}

fn cookie_named(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")) && !c.starts_with(&format!("{name}=;")))
        .map(|c| c.split(';').next().unwrap().to_owned())
}

async fn answer(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    Answer {
        status,
        location,
        content_type,
        body: response.text().await.unwrap_or_default(),
    }
}

/// An API call as `actor`: their key, or their cookie and (for changes) the CSRF header.
async fn call_api(
    app: &TestApp,
    actor: &Actor,
    method: Method,
    path: &str,
    json: Option<&str>,
) -> Answer {
    let changing = method != Method::GET && method != Method::HEAD;
    let mut request = app.client.request(method, app.url(path));
    if let Some(key) = &actor.bearer {
        request = request.bearer_auth(key);
    }
    if let Some(cookie) = &actor.session {
        request = request.header(COOKIE, cookie);
        if changing {
            request = request.header("x-csrf-token", actor.csrf.as_deref().unwrap_or_default());
        }
    }
    if let Some(body) = json {
        request = request
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_owned());
    }
    answer(request.send().await.expect("API call")).await
}

/// A page request as `actor`: their key, or their session or pre-session cookie.
async fn call_page(
    app: &TestApp,
    actor: &Actor,
    method: Method,
    path: &str,
    form: Option<&[(String, String)]>,
) -> Answer {
    let mut request = app.client.request(method, app.url(path));
    if let Some(key) = &actor.bearer {
        request = request.bearer_auth(key);
    }
    if let Some(cookie) = actor.session.as_ref().or(actor.pre.as_ref()) {
        request = request.header(COOKIE, cookie);
    }
    if let Some(fields) = form {
        request = request.form(fields);
    }
    answer(request.send().await.expect("page request")).await
}

/// The CSRF token of the form posting to `action` on `html` (else of the page's first form).
fn csrf_in(html: &str, action: &str) -> Option<String> {
    const INPUT: &str = "name=\"csrf\" value=\"";
    let from = html.find(&format!("action=\"{action}\"")).unwrap_or(0);
    let at = html[from..]
        .find(INPUT)
        .map(|i| from + i)
        .or_else(|| html.find(INPUT))?
        + INPUT.len();
    Some(html[at..at + html[at..].find('"')?].to_owned())
}

/// Reads the CSRF token as a browser would: from the form on `form_page`, or, when the
/// actor may not see that page, from a form they may see (their account page, or the login
/// form for a visitor). Empty when the actor has none (a key).
async fn page_csrf(app: &TestApp, actor: &Actor, form_page: &str, action: &str) -> String {
    let fallback = if actor.logged_in() {
        "/account"
    } else {
        "/login"
    };
    for page in [form_page, fallback] {
        let got = call_page(app, actor, GET, page, None).await;
        if got.status == 200
            && let Some(token) = csrf_in(&got.body, action)
        {
            return token;
        }
    }
    String::new()
}

async fn admin(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> Answer {
    let mut request = app
        .client
        .request(method, app.url(path))
        .bearer_auth(ADMIN_TOKEN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    answer(request.send().await.expect("administrator call")).await
}

async fn expect_admin(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
    status: u16,
) -> Value {
    let what = format!("{method} {path}");
    let got = admin(app, method, path, body).await;
    assert_eq!(
        got.status, status,
        "{what} with the administrator token: {}",
        got.body
    );
    serde_json::from_str(&got.body).unwrap_or(Value::Null)
}

/// Logs a demo (or throwaway) account in through the API.
async fn log_in(app: &TestApp, login: &str, password: &str) -> (String, String, i64) {
    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "login of {login}");
    let cookie = cookie_named(response.headers(), "mc_session").expect("a session cookie");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["totp_required"], false, "{login} has no second factor");
    (
        cookie,
        body["csrf_token"].as_str().expect("csrf_token").to_owned(),
        body["me"]["id"].as_i64().expect("me.id"),
    )
}

async fn actor(app: &TestApp, who: Who, key: &str) -> Actor {
    let mut actor = Actor {
        who,
        session: None,
        csrf: None,
        pre: None,
        bearer: None,
        account_id: None,
    };
    match who {
        Who::Anonymous => {
            let response = app.client.get(app.url("/login")).send().await.unwrap();
            assert_eq!(response.status(), 200);
            actor.pre = cookie_named(response.headers(), "mc_pre");
            assert!(actor.pre.is_some(), "a visitor gets a pre-session cookie");
        }
        Who::ApiKey => actor.bearer = Some(key.to_owned()),
        person => {
            let (cookie, csrf, id) = log_in(app, person.login().unwrap(), DEMO_PASSWORD).await;
            actor.session = Some(cookie);
            actor.csrf = Some(csrf);
            actor.account_id = Some(id);
        }
    }
    actor
}

/// Creates the throwaway objects and logs everyone in.
async fn set_up(app: &TestApp) -> (Ctx, Vec<Actor>, String) {
    let key = expect_admin(
        app,
        POST,
        "/api/v1/api-keys",
        Some(json!({ "name": "authz-matrix key without scope", "scopes": [] })),
        201,
    )
    .await;
    let key_secret = key["key"].as_str().expect("the key").to_owned();
    assert_eq!(key["scopes"], json!([]));

    let n = unique();
    let applicant_email = format!("authz.applicant.{n}@example.vn");
    let registered = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(&json!({
            "kind": "citizen", "identifier": personal_id(&n), "full_name": "Người Nộp Thử",
            "email": applicant_email, "password": STRONG,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        registered.status(),
        201,
        "{}",
        registered.text().await.unwrap_or_default()
    );
    let applicant: Value = registered.json().await.unwrap();

    let mut officers = Vec::new();
    for which in ["roles", "account", "roleless"] {
        let n = unique();
        let login = format!("authz.{which}.{n}");
        let email = format!("authz.{which}.{n}@tuphap.example.vn");
        let created = expect_admin(
            app,
            POST,
            &format!("/api/v1/agencies/{JUSTICE}/officers"),
            Some(json!({
                "login": login, "full_name": "Cán Bộ Thử Nghiệm", "email": email,
                "password": STRONG, "role": "specialist",
            })),
            201,
        )
        .await;
        officers.push((created["id"].as_i64().unwrap(), login, email));
    }
    let (roleless, roleless_login, roleless_email) = officers.pop().unwrap();
    let path = format!("/api/v1/agencies/{JUSTICE}/officers/{roleless}/roles/specialist");
    expect_admin(app, DELETE, &path, None, 204).await;
    let (officer2, officer2_login, officer2_email) = officers.pop().unwrap();
    let (officer, _, _) = officers.pop().unwrap();

    let ctx = Ctx {
        officer,
        officer2,
        officer2_login,
        officer2_email,
        roleless,
        roleless_login,
        roleless_email,
        applicant: applicant["id"].as_i64().unwrap(),
        applicant_login: personal_id(&n),
        applicant_email,
        key_id: key["id"].as_str().unwrap().to_owned(),
        fresh_key: None,
    };
    let mut actors = Vec::new();
    for who in WHO {
        actors.push(actor(app, who, &key_secret).await);
    }
    (ctx, actors, key_secret)
}

async fn step(app: &TestApp, ctx: &mut Ctx, actor: &Actor, step: Step) {
    match step {
        Step::Nothing => {}
        Step::GrantRole(agency, role) => {
            let path = format!(
                "/api/v1/agencies/{agency}/officers/{}/roles/{role}",
                ctx.officer
            );
            expect_admin(app, PUT, &path, None, 200).await;
        }
        Step::RevokeRole(agency, role) => {
            let path = format!(
                "/api/v1/agencies/{agency}/officers/{}/roles/{role}",
                ctx.officer
            );
            let got = admin(app, DELETE, &path, None).await;
            assert!(matches!(got.status, 204 | 404), "{path}: {}", got.body);
        }
        Step::FreshKey => {
            let key = expect_admin(
                app,
                POST,
                "/api/v1/api-keys",
                Some(json!({ "name": "authz-matrix throwaway", "scopes": [] })),
                201,
            )
            .await;
            ctx.fresh_key = Some(key["id"].as_str().unwrap().to_owned());
        }
        Step::StoreNotice => {
            let path = format!("/api/v1/calendar/notices/{SPARE_YEAR}");
            let notice = json!({ "year": SPARE_YEAR, "source": "authz matrix set-up" });
            expect_admin(app, PUT, &path, Some(notice), 200).await;
        }
        Step::StoreWorkWeek(agency) => {
            let path = format!("/api/v1/agencies/{agency}/receiving-points/MC/work-week");
            let week = json!({ "saturday_morning": true });
            expect_admin(app, PUT, &path, Some(week), 200).await;
        }
        Step::ResetWorkWeek(agency) => {
            let path = format!("/api/v1/agencies/{agency}/receiving-points/MC/work-week");
            expect_admin(app, DELETE, &path, None, 204).await;
        }
        Step::ClearTotp => {
            if actor.logged_in() {
                let body = json!({ "password": DEMO_PASSWORD }).to_string();
                let got = call_api(app, actor, DELETE, "/api/v1/me/totp", Some(&body)).await;
                assert_eq!(
                    got.status,
                    204,
                    "{} turns two-factor off: {}",
                    actor.who.label(),
                    got.body
                );
            }
        }
    }
}

/// The `next` parameter a login redirect carries for `path`.
fn login_location(path: &str) -> String {
    let path = path.split('?').next().unwrap();
    let mut encoded = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"*-._".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("/login?next={encoded}")
}

/// Checks one answer against its cell; returns what is wrong.
fn judge(
    row: &Row,
    cell: &str,
    path: &str,
    got: &Answer,
    shows: &[String],
    secrets: &[String],
) -> Vec<String> {
    let mut wrong = Vec::new();
    let refused = cell == "L" || matches!(cell, "401" | "403" | "404");
    if cell == "L" {
        let want = login_location(path);
        if got.status != 303 || got.location.as_deref() != Some(want.as_str()) {
            wrong.push(format!(
                "expected 303 to {want}, got {} (Location {:?})",
                got.status, got.location
            ));
        }
    } else {
        let want: u16 = cell.parse().expect("a status or L");
        if got.status != want {
            let detail: String = got.body.chars().take(300).collect();
            wrong.push(format!(
                "expected {want}, got {} {:?} {detail}",
                got.status, got.location
            ));
        } else if want == 303
            && !got
                .location
                .as_deref()
                .unwrap_or_default()
                .starts_with(row.to)
        {
            wrong.push(format!(
                "expected a redirect to {}, got {:?}",
                row.to, got.location
            ));
        }
    }
    if refused {
        if row.kind == Kind::Api
            && matches!(got.status, 401 | 403 | 404)
            && got.content_type != "application/problem+json"
        {
            wrong.push(format!(
                "a refusal as {:?}, not problem details",
                got.content_type
            ));
        }
        let mut seen = BTreeSet::new();
        for secret in shows.iter().chain(secrets) {
            if !secret.is_empty() && seen.insert(secret) && got.body.contains(secret.as_str()) {
                wrong.push(format!("the refusal leaks {secret:?}"));
            }
        }
    } else if (200..300).contains(&got.status) {
        for marker in shows {
            if !got.body.contains(marker.as_str()) {
                wrong.push(format!("the allowed answer lacks {marker:?}"));
            }
        }
    }
    wrong
}

/// Runs the rows as every actor, collecting every wrong cell.
async fn run(
    app: &TestApp,
    ctx: &mut Ctx,
    actors: &[Actor],
    rows: &[Row],
    failures: &mut Vec<String>,
) -> usize {
    let secrets = ctx.secrets();
    let mut calls = 0;
    for row in rows {
        for (actor, cell) in actors.iter().zip(row.cells()) {
            step(app, ctx, actor, row.before).await;
            let n = unique();
            let path = ctx.fill(row.path, &n, actor);
            let shows: Vec<String> = row.shows.iter().map(|m| ctx.fill(m, &n, actor)).collect();
            let got = match row.kind {
                Kind::Api => {
                    let body = row.json.map(|b| ctx.fill(b, &n, actor));
                    call_api(app, actor, row.method.clone(), &path, body.as_deref()).await
                }
                Kind::Page if row.method == GET => call_page(app, actor, GET, &path, None).await,
                Kind::Page => {
                    let mut form: Vec<(String, String)> = row
                        .form
                        .iter()
                        .map(|(k, v)| ((*k).to_owned(), ctx.fill(v, &n, actor)))
                        .collect();
                    let form_page = ctx.fill(row.form_page, &n, actor);
                    form.push((
                        "csrf".into(),
                        page_csrf(app, actor, &form_page, &path).await,
                    ));
                    call_page(app, actor, POST, &path, Some(&form)).await
                }
            };
            calls += 1;
            step(app, ctx, actor, row.after).await;
            ctx.fresh_key = None;
            for wrong in judge(row, cell, &path, &got, &shows, &secrets) {
                failures.push(format!("{} as {}: {wrong}", row.name(), actor.who.label()));
            }
        }
    }
    calls
}

/// What each officer's work home lists: their agencies, nothing of others.
async fn check_work_homes(app: &TestApp, actors: &[Actor], failures: &mut Vec<String>) {
    for actor in actors.iter().filter(|a| a.logged_in()) {
        let got = call_page(app, actor, GET, "/work", None).await;
        let (mine, not_mine): (&[&str], &[&str]) = match actor.who {
            Who::Citizen | Who::Business => continue,
            Who::WardReceiving => (
                &[FIRST_WARD],
                &[JUSTICE, "/admin/agencies/", "/admin/api-keys"],
            ),
            Who::AgencyAdmin => (
                &[
                    JUSTICE,
                    "/admin/agencies/000.00.12.H29/officers",
                    "/admin/agencies/000.00.12.H29/receiving-points",
                    "/admin/security-log?agency=000.00.12.H29",
                ],
                &[FIRST_WARD, "/admin/api-keys"],
            ),
            Who::SystemAdmin => (
                &["000.00.00.H29", "/admin/api-keys", "/admin/calendar"],
                &[JUSTICE],
            ),
            Who::Supervisor => (
                &["000.00.00.H29"],
                &[JUSTICE, "/admin/agencies/", "/admin/api-keys"],
            ),
            _ => (
                &[JUSTICE],
                &[
                    FIRST_WARD,
                    "/admin/agencies/",
                    "/admin/api-keys",
                    "/admin/security-log",
                ],
            ),
        };
        for m in mine {
            if !got.body.contains(m) {
                failures.push(format!("GET /work as {}: lacks {m:?}", actor.who.label()));
            }
        }
        for m in not_mine {
            if got.body.contains(m) {
                failures.push(format!("GET /work as {}: shows {m:?}", actor.who.label()));
            }
        }
    }
}

#[tokio::test]
async fn every_route_as_every_actor() {
    let app = TestApp::demo();
    let (mut ctx, mut actors, key_secret) = set_up(&app).await;
    let mut failures = Vec::new();

    let api = api_rows();
    let mut calls = run(&app, &mut ctx, &actors, &api, &mut failures).await;
    // DELETE /api/v1/session ended every session for good.
    for actor in actors.iter().filter(|a| a.logged_in()) {
        let me = call_api(&app, actor, GET, "/api/v1/me", None).await;
        if me.status != 401 {
            failures.push(format!(
                "after logging out, {} still reads /api/v1/me: {}",
                actor.who.label(),
                me.status
            ));
        }
    }

    // Fresh sessions for the pages.
    let mut fresh = Vec::new();
    for who in WHO {
        fresh.push(actor(&app, who, &key_secret).await);
    }
    actors = fresh;
    check_work_homes(&app, &actors, &mut failures).await;
    let pages = page_rows();
    calls += run(&app, &mut ctx, &actors, &pages, &mut failures).await;
    for actor in actors.iter().filter(|a| a.logged_in()) {
        let account = call_page(&app, actor, GET, "/account", None).await;
        if account.status != 303 {
            failures.push(format!(
                "after /logout, {} still sees /account: {}",
                actor.who.label(),
                account.status
            ));
        }
    }

    // Tidy up what refusals left behind.
    let _ = admin(
        &app,
        DELETE,
        &format!("/api/v1/calendar/notices/{SPARE_YEAR}"),
        None,
    )
    .await;
    let keys = expect_admin(&app, GET, "/api/v1/api-keys", None, 200).await;
    for key in keys.as_array().into_iter().flatten() {
        let mine = key["name"]
            .as_str()
            .is_some_and(|n| n.starts_with("authz-matrix"));
        if mine && key["revoked_at"].is_null() {
            let _ = admin(
                &app,
                DELETE,
                &format!("/api/v1/api-keys/{}", key["id"].as_str().unwrap()),
                None,
            )
            .await;
        }
    }

    eprintln!(
        "authorization matrix: {} API rows and {} page rows × {} actors = {calls} calls",
        api.len(),
        pages.len(),
        WHO.len()
    );
    assert!(
        failures.is_empty(),
        "{} cells of the authorization matrix are wrong:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------
// CSRF
// ---------------------------------------------------------------------------------------

/// Who sends each page form without a valid token: a citizen, the system administrator and
/// an anonymous visitor, and the first person the row allows if that is someone else (so
/// every form is tried by someone who may send it).
fn senders(row: &Row) -> Vec<Who> {
    let mut out = vec![Who::Anonymous, Who::Citizen, Who::SystemAdmin];
    let allowed = WHO
        .iter()
        .zip(row.cells())
        .find(|(who, cell)| who.login().is_some() && !matches!(*cell, "L" | "401" | "403" | "404"));
    if let Some((who, _)) = allowed
        && !out.contains(who)
    {
        out.push(*who);
    }
    out
}

#[tokio::test]
async fn page_forms_refuse_posts_without_their_csrf_token() {
    let app = TestApp::demo();
    let (ctx, actors, _) = set_up(&app).await;
    // A valid token, but of another session: refused as well.
    let other = actor(&app, Who::SystemAdmin, "").await;
    let foreign = page_csrf(&app, &other, "/account", "/account").await;
    let mut failures = Vec::new();
    let mut numbers = Vec::new();
    let mut checked = 0;
    for row in page_rows().iter().filter(|r| r.method == POST) {
        for who in senders(row) {
            let actor = actors.iter().find(|a| a.who == who).unwrap();
            let n = unique();
            numbers.push(n.clone());
            let path = ctx.fill(row.path, &n, actor);
            let form: Vec<(String, String)> = row
                .form
                .iter()
                .map(|(k, v)| ((*k).to_owned(), ctx.fill(v, &n, actor)))
                .collect();
            let mut forged = form.clone();
            forged.push(("csrf".into(), foreign.clone()));
            let mut empty = form.clone();
            empty.push(("csrf".into(), String::new()));
            for (what, fields) in [
                ("no csrf field", &form),
                ("an empty csrf", &empty),
                ("another session's csrf", &forged),
            ] {
                let got = call_page(&app, actor, POST, &path, Some(fields)).await;
                checked += 1;
                if got.status != 403 {
                    failures.push(format!(
                        "POST {path} as {} with {what}: {} {:?}",
                        who.label(),
                        got.status,
                        got.location
                    ));
                }
            }
        }
    }
    // Nothing happened: no officer or account was created, the officer gained no role.
    for n in &numbers {
        for q in [format!("authz.page.{n}"), personal_id(n)] {
            let found =
                expect_admin(&app, GET, &format!("/api/v1/accounts?q={q}"), None, 200).await;
            if found["total"] != 0 {
                failures.push(format!(
                    "a refused form created an account: {}",
                    found["items"]
                ));
            }
        }
    }
    let officer = expect_admin(
        &app,
        GET,
        &format!("/api/v1/accounts/{}", ctx.officer),
        None,
        200,
    )
    .await;
    let roles: Vec<&str> = officer["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["role"].as_str())
        .collect();
    if roles != ["specialist"] {
        failures.push(format!(
            "a refused form changed the officer's roles: {roles:?}"
        ));
    }
    eprintln!("CSRF: {checked} page form posts without a valid token");
    assert!(
        failures.is_empty(),
        "page forms accepted without a valid CSRF token:\n  {}",
        failures.join("\n  ")
    );
}

#[tokio::test]
async fn api_changes_with_a_session_cookie_need_the_csrf_header() {
    let app = TestApp::demo();
    let (ctx, _, _) = set_up(&app).await;
    let sa = actor(&app, Who::SystemAdmin, "").await;
    let other = actor(&app, Who::SystemAdmin, "").await;
    let mut failures = Vec::new();
    let mut seen = BTreeSet::new();
    for row in api_rows().iter().filter(|r| r.method != GET) {
        if !seen.insert((row.method.to_string(), row.route)) {
            continue;
        }
        let n = unique();
        let path = ctx.fill(row.path, &n, &sa);
        let body = row.json.map(|b| ctx.fill(b, &n, &sa));
        for (what, header) in [
            ("no X-CSRF-Token", None),
            ("another session's token", other.csrf.as_deref()),
        ] {
            let mut request = app
                .client
                .request(row.method.clone(), app.url(&path))
                .header(COOKIE, sa.session.as_deref().unwrap());
            if let Some(token) = header {
                request = request.header("x-csrf-token", token);
            }
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let got = answer(request.send().await.unwrap()).await;
            if got.status != 403 || !got.body.contains("urn:motcua:problem:csrf") {
                failures.push(format!(
                    "{} {path} with {what}: {} {}",
                    row.method, got.status, got.body
                ));
            }
        }
    }
    // The session is still good (a refused call does not end it), and nothing changed.
    assert_eq!(
        call_api(&app, &sa, GET, "/api/v1/me", None).await.status,
        200
    );
    let officer = expect_admin(
        &app,
        GET,
        &format!("/api/v1/accounts/{}", ctx.officer),
        None,
        200,
    )
    .await;
    assert_eq!(officer["roles"].as_array().unwrap().len(), 1, "{officer}");
    assert!(
        failures.is_empty(),
        "API changes accepted without the CSRF header:\n  {}",
        failures.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------
// The one allowed path the matrix cannot show: a pending login's second factor.
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_pending_login_is_nobody_until_its_second_factor() {
    let app = TestApp::demo();
    let n = unique();
    let login = personal_id(&n);
    let registered = app
        .client
        .post(app.url("/api/v1/accounts"))
        .json(&json!({
            "kind": "citizen", "identifier": login, "full_name": "Người Hai Lớp",
            "email": format!("authz.totp.{n}@example.vn"), "password": STRONG,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 201);
    let cookie = cookie_named(registered.headers(), "mc_session").unwrap();
    let me: Value = registered.json().await.unwrap();
    let person = Actor {
        who: Who::Citizen,
        session: Some(cookie),
        csrf: me["csrf_token"].as_str().map(str::to_owned),
        pre: None,
        bearer: None,
        account_id: me["id"].as_i64(),
    };
    let setup = call_api(&app, &person, POST, "/api/v1/me/totp", None).await;
    assert_eq!(setup.status, 200);
    let secret = serde_json::from_str::<Value>(&setup.body).unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let secret = motcua_auth::totp::TotpSecret::from_base32(&secret).unwrap();
    let now = chrono::Utc::now();
    let code = json!({ "code": secret.code_at(now) }).to_string();
    let confirmed = call_api(&app, &person, POST, "/api/v1/me/totp/confirm", Some(&code)).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let used_step = motcua_auth::totp::time_step(now).unwrap();

    // The password alone opens a pending session, which is nobody yet.
    let response = app
        .client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "login": login, "password": STRONG }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let pending_cookie = cookie_named(response.headers(), "mc_session").unwrap();
    let answer_body: Value = response.json().await.unwrap();
    assert_eq!(answer_body["totp_required"], true);
    assert!(
        answer_body["me"].is_null(),
        "no account before the second factor"
    );
    let pending = Actor {
        who: Who::Citizen,
        session: Some(pending_cookie),
        csrf: answer_body["csrf_token"].as_str().map(str::to_owned),
        pre: None,
        bearer: None,
        account_id: None,
    };
    assert_eq!(
        call_api(&app, &pending, GET, "/api/v1/me", None)
            .await
            .status,
        401
    );
    let account_page = call_page(&app, &pending, GET, "/account", None).await;
    assert_eq!(
        account_page.location.as_deref(),
        Some("/login?next=%2Faccount")
    );
    let applicant_only = call_api(
        &app,
        &pending,
        GET,
        &format!("/api/v1/accounts/{}", me["id"]),
        None,
    )
    .await;
    assert_eq!(
        applicant_only.status, 401,
        "a pending session reads nothing"
    );

    // A fresh code (not the step already used) completes it.
    while motcua_auth::totp::time_step(chrono::Utc::now()).unwrap() <= used_step {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let code = json!({ "code": secret.code_at(chrono::Utc::now()) }).to_string();
    let done = call_api(&app, &pending, POST, "/api/v1/session/totp", Some(&code)).await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(
        call_api(&app, &pending, GET, "/api/v1/me", None)
            .await
            .status,
        200
    );
}
