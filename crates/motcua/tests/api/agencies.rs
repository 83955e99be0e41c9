//! `/api/v1/agencies`: listing, search, tree and detail over the demo province; creation on a
//! database of the test's own.

use chrono::NaiveDate;
use motcua_domain::agency::{AgencyInput, AgencyKind, LinkKind};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Caller, TestApp, agency_input, expect_problem};

const CITY: &str = "000.00.00.H29";
const JUSTICE: &str = "000.00.12.H29";
const AGRICULTURE: &str = "000.00.03.H29";
const SERVICE_CENTER: &str = "000.00.30.H29";

// ---- reading the demo province ----

#[tokio::test]
async fn list_pages_through_every_agency_in_code_order() {
    let app = TestApp::demo();
    let first = app.agencies("").await;
    assert_eq!(first.total, 213, "the demo creates 213 agencies");
    assert_eq!((first.page, first.per_page, first.items.len()), (1, 50, 50));
    let codes = app.all_agency_codes().await;
    assert_eq!(codes.len(), 213);
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "ordered by code across pages");
    sorted.dedup();
    assert_eq!(sorted.len(), 213, "no agency on two pages");

    let clamped = app.agencies("per_page=1000").await;
    assert_eq!((clamped.per_page, clamped.items.len()), (200, 200));
    let beyond = app.agencies("page=99").await;
    assert!(beyond.items.is_empty());
    assert_eq!(beyond.total, 213);
}

#[tokio::test]
async fn list_filters_by_kind_parent_and_unit() {
    let app = TestApp::demo();
    let departments = app.agencies("kind=department&per_page=200").await;
    assert_eq!(departments.total, 18, "16 departments and 2 merged away");
    assert!(
        departments
            .items
            .iter()
            .all(|a| a.kind == AgencyKind::Department)
    );

    let divisions = app.agencies(&format!("parent={JUSTICE}")).await;
    let names: Vec<&str> = divisions.items.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Phòng Hành chính tư pháp",
            "Phòng Bổ trợ tư pháp",
            "Phòng Xây dựng và kiểm tra văn bản"
        ]
    );

    let branches = app
        .agencies(&format!(
            "parent={SERVICE_CENTER}&kind=service_center_branch"
        ))
        .await;
    assert_eq!(branches.total, 22);

    let saigon = app.agencies("unit=26740").await;
    assert_eq!(saigon.total, 1);
    assert_eq!(saigon.items[0].name, "Ủy ban nhân dân Phường Sài Gòn");
    assert_eq!(saigon.items[0].kind, AgencyKind::CommunePeoplesCommittee);

    let communes = app.agencies("kind=commune_peoples_committee").await;
    assert_eq!(
        communes.total, 168,
        "one People's Committee per commune and ward"
    );
}

#[tokio::test]
async fn list_refuses_bad_filters_naming_them() {
    let app = TestApp::demo();
    app.get_problem(
        "/api/v1/agencies?kind=castle",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
    .assert_names("kind");
    app.get_problem(
        "/api/v1/agencies?parent=12",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
    .assert_names("parent");
}

/// A bad query parameter is a bad field like any other: the problem names the parameter.
#[tokio::test]
async fn a_malformed_query_parameter_is_named() {
    let app = TestApp::demo();
    let problem = app
        .get_problem(
            "/api/v1/agencies?page=abc",
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    problem.assert_names("page");
}

#[tokio::test]
async fn search_ignores_diacritics_and_case() {
    let app = TestApp::demo();
    for q in [
        "so tu phap",
        "Sở Tư pháp",
        "SỞ TƯ PHÁP",
        "So Tu Phap",
        "department of justice",
        "000.00.12",
    ] {
        let found = app.agencies(&format!("q={}", encode(q))).await;
        let codes: Vec<&str> = found.items.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(codes, [JUSTICE], "q={q:?}");
        assert_eq!(found.total, 1);
    }
    let wards = app
        .agencies(&format!("q={}", encode("uy ban nhan dan phuong sai gon")))
        .await;
    assert_eq!(wards.items.len(), 1);
    assert_eq!(wards.items[0].name, "Ủy ban nhân dân Phường Sài Gòn");
    let none = app.agencies("q=zzzz").await;
    assert_eq!(none.total, 0);
    assert!(none.items.is_empty());
}

#[tokio::test]
async fn the_tree_nests_every_agency_under_the_city() {
    let app = TestApp::demo();
    let tree = app.agency_tree().await;
    assert_eq!(tree.len(), 1, "one root: the City People's Committee");
    let city = &tree[0];
    assert_eq!(city.agency.code.as_str(), CITY);
    assert_eq!(city.count(), 213, "no agency lost or repeated");
    let justice = city.find(JUSTICE).expect("Sở Tư pháp in the tree");
    assert_eq!(justice.agency.name, "Sở Tư pháp");
    assert_eq!(justice.children.len(), 3);
    let center = city.find(SERVICE_CENTER).expect("the service center");
    assert_eq!(center.children.len(), 22);
    let children: Vec<&str> = city
        .children
        .iter()
        .map(|c| c.agency.code.as_str())
        .collect();
    let mut sorted = children.clone();
    sorted.sort_unstable();
    assert_eq!(children, sorted, "children ordered by code");
}

#[tokio::test]
async fn detail_expands_what_is_asked_and_nothing_else() {
    let app = TestApp::demo();
    let plain = app.agency(JUSTICE, "").await;
    assert_eq!(plain.agency.name, "Sở Tư pháp");
    assert_eq!(
        plain.agency.name_en.as_deref(),
        Some("Department of Justice")
    );
    assert!(plain.parent.is_none() && plain.children.is_none() && plain.receiving_points.is_none());
    assert!(plain.links.is_none() && plain.unit.is_none());

    let center = app
        .agency(
            SERVICE_CENTER,
            "parent,children,receiving_points,links,unit",
        )
        .await;
    assert_eq!(center.parent.expect("parent").code.as_str(), CITY);
    assert_eq!(center.children.expect("children").len(), 22);
    let points = center.receiving_points.expect("receiving points");
    assert_eq!(points.len(), 1);
    assert_eq!(points[0].code, "TT");
    assert_eq!(points[0].unit_code.as_deref(), Some("26740"));
    assert_eq!(center.links.expect("links"), []);
    let unit = center.unit.expect("unit");
    assert_eq!(
        (unit.code.as_str(), unit.full_name.as_str()),
        ("79", "Thành phố Hồ Chí Minh")
    );

    // Predecessors merged into the Department of Agriculture and Environment.
    let merged = app.agency(AGRICULTURE, "links").await;
    let links = merged.links.expect("links");
    assert_eq!(links.len(), 2);
    assert!(
        links
            .iter()
            .all(|l| l.successor.as_str() == AGRICULTURE && l.kind == LinkKind::Merge)
    );
    assert!(
        links
            .iter()
            .all(|l| l.effective == NaiveDate::from_ymd_opt(2025, 3, 1).unwrap())
    );
    let old = app.agency("000.00.21.H29", " links , parent ").await;
    assert_eq!(
        old.agency.valid_to,
        NaiveDate::from_ymd_opt(2025, 2, 28),
        "history is kept"
    );
    assert_eq!(old.links.expect("links").len(), 1);
    assert!(
        old.parent.is_some(),
        "spaces around expand names are allowed"
    );
}

#[tokio::test]
async fn detail_refuses_an_unknown_expansion_naming_expand() {
    let app = TestApp::demo();
    let problem = app
        .get_problem(
            &format!("/api/v1/agencies/{JUSTICE}?expand=parent,grandparent"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    problem.assert_names("expand");
    assert!(
        problem.errors[0].message_en.contains("grandparent"),
        "{problem:?}"
    );
}

#[tokio::test]
async fn unknown_agencies_are_404_problems() {
    let app = TestApp::demo();
    for path in [
        "/api/v1/agencies/999.99.99.H99",
        "/api/v1/agencies/not-a-code",
        "/api/v1/no-such-thing",
    ] {
        let problem = app.get_problem(path, StatusCode::NOT_FOUND).await;
        assert_eq!(problem.kind, "urn:motcua:problem:not-found", "{path}");
    }
}

// ---- creating agencies ----

#[tokio::test]
async fn creating_requires_the_administrator_token() {
    let app = TestApp::spawn().await;
    let body = serde_json::to_value(agency_input(CITY, "Ủy ban nhân dân Thành phố")).unwrap();

    let anonymous = app.post_agency(Caller::Anonymous, &body).await;
    let problem = expect_problem(anonymous, StatusCode::UNAUTHORIZED).await;
    assert_eq!(problem.kind, "urn:motcua:problem:unauthorized");
    // An unknown bearer credential is not a key of ours: 401 (RFC 6750 invalid_token).
    let wrong = app.post_agency(Caller::Token("not-the-token"), &body).await;
    expect_problem(wrong, StatusCode::UNAUTHORIZED).await;
    let basic = app
        .client
        .post(app.url("/api/v1/agencies"))
        .basic_auth("admin", Some(crate::app::ADMIN_TOKEN))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(matches!(
        basic.status(),
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ));

    assert_eq!(
        app.agencies("").await.total,
        0,
        "a refused create changes nothing"
    );
}

#[tokio::test]
async fn an_invalid_agency_is_refused_naming_every_bad_field() {
    let app = TestApp::spawn().await;
    let bad = json!({
        "code": "12",
        "name": "   ",
        "kind": "castle",
        "parent_code": "x",
        "unit_code": "7",
        "valid_from": "2025-07-01",
        "valid_to": "2025-06-30",
    });
    let problem = expect_problem(
        app.post_agency(Caller::ADMIN, &bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(problem.kind, "urn:motcua:problem:validation");
    assert_eq!(
        problem.fields(),
        [
            "code",
            "name",
            "kind",
            "parent_code",
            "unit_code",
            "valid_to"
        ]
    );
    for field in problem.fields() {
        problem.assert_names(field);
    }

    let empty = expect_problem(
        app.post_agency(Caller::ADMIN, &json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        empty.fields(),
        ["code", "name", "kind"],
        "missing fields are named, not a parse error"
    );
    assert_eq!(empty.errors[1].code, "required");

    assert_eq!(
        app.agencies("").await.total,
        0,
        "a refused create changes nothing"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_problem_not_a_plain_text_error() {
    let app = TestApp::spawn().await;
    let request = |body: &'static str, content_type: Option<&'static str>| {
        let mut r = app
            .client
            .post(app.url("/api/v1/agencies"))
            .bearer_auth(crate::app::ADMIN_TOKEN)
            .body(body);
        if let Some(ct) = content_type {
            r = r.header("content-type", ct);
        }
        r.send()
    };
    let broken = request("{\"code\": ", Some("application/json"))
        .await
        .unwrap();
    expect_problem(broken, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .assert_names("body");
    let untyped = request("{}", None).await.unwrap();
    expect_problem(untyped, StatusCode::UNPROCESSABLE_ENTITY)
        .await
        .assert_names("body");
    assert_eq!(app.agencies("").await.total, 0);
}

/// A date a person typed the Vietnamese way is a bad field like any other: named, with the
/// other fields still checked.
#[tokio::test]
async fn a_malformed_date_is_named() {
    let app = TestApp::spawn().await;
    let body = json!({
        "code": "000.00.40.H29",
        "name": "Sở Ngoại vụ",
        "kind": "department",
        "valid_from": "01/07/2025",
    });
    let problem = expect_problem(
        app.post_agency(Caller::ADMIN, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem.assert_names("valid_from");
    assert_eq!(app.agencies("").await.total, 0);
}

#[tokio::test]
async fn a_taken_code_is_a_409_conflict_and_the_first_agency_stays() {
    let app = TestApp::spawn().await;
    app.create_agency(&agency_input(JUSTICE, "Sở Tư pháp"))
        .await;
    let again = serde_json::to_value(agency_input(JUSTICE, "Sở Tư pháp (bản sao)")).unwrap();
    let problem = expect_problem(
        app.post_agency(Caller::ADMIN, &again).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(problem.kind, "urn:motcua:problem:conflict");
    problem.assert_names("code");
    assert_eq!(app.agency(JUSTICE, "").await.agency.name, "Sở Tư pháp");
    assert_eq!(app.agencies("").await.total, 1);
}

#[tokio::test]
async fn an_unknown_parent_or_unit_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let orphan = AgencyInput {
        parent_code: Some(CITY.into()),
        ..agency_input(JUSTICE, "Sở Tư pháp")
    };
    let body = serde_json::to_value(&orphan).unwrap();
    let problem = expect_problem(
        app.post_agency(Caller::ADMIN, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem.assert_names("parent_code");

    let nowhere = AgencyInput {
        unit_code: Some("79".into()),
        ..agency_input(JUSTICE, "Sở Tư pháp")
    };
    let body = serde_json::to_value(&nowhere).unwrap();
    let problem = expect_problem(
        app.post_agency(Caller::ADMIN, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    problem.assert_names("unit_code");

    assert_eq!(
        app.agencies("").await.total,
        0,
        "a refused create changes nothing"
    );
    app.get_problem(
        &format!("/api/v1/agencies/{JUSTICE}"),
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_created_agency_is_answered_201_and_then_found_everywhere() {
    let app = TestApp::spawn().await;
    let city = app
        .create_agency(&agency_input(CITY, "Ủy ban nhân dân Thành phố Hồ Chí Minh"))
        .await;
    let input = AgencyInput {
        code: format!(" {JUSTICE} "),
        name: "  Sở Tư pháp ".into(),
        name_en: Some("Department of Justice".into()),
        parent_code: Some(CITY.into()),
        address: Some("141-143 Pasteur, Phường Xuân Hòa".into()),
        valid_from: NaiveDate::from_ymd_opt(2025, 7, 1),
        ..agency_input("", "")
    };
    let created = app.create_agency(&input).await;
    assert_eq!(created.code.as_str(), JUSTICE, "the code is trimmed");
    assert_eq!(created.name, "Sở Tư pháp", "the name is trimmed");
    assert_eq!(created.parent_id, Some(city.id));

    let detail = app.agency(JUSTICE, "parent,children").await;
    assert_eq!(detail.agency, created);
    assert_eq!(detail.parent.expect("parent").code.as_str(), CITY);
    assert_eq!(detail.children.expect("children"), []);
    assert_eq!(
        detail.agency.address.as_deref(),
        Some("141-143 Pasteur, Phường Xuân Hòa")
    );

    let under_city = app.agencies(&format!("parent={CITY}")).await;
    assert_eq!(under_city.items.len(), 1);
    assert_eq!(under_city.items[0], created);
    let found = app.agencies("q=so%20tu%20phap").await;
    assert_eq!(found.items, [created]);
    let tree = app.agency_tree().await;
    assert_eq!(tree.len(), 1);
    assert_eq!(tree[0].children[0].agency.code.as_str(), JUSTICE);
}

/// Percent-encodes a query value.
fn encode(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Every API error is a problem document, including a method the route does not have.
#[tokio::test]
async fn a_wrong_method_is_a_problem_too() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/agencies/{JUSTICE}")))
        .bearer_auth(crate::app::ADMIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(
        response.headers().contains_key("allow"),
        "405 says what is allowed"
    );
    expect_problem(response, StatusCode::METHOD_NOT_ALLOWED).await;
}
