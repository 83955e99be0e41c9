//! `/api/v1/units`: provinces and communes from the official list (loaded by the demo).

use motcua_domain::unit::UnitLevel;
use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn list_by_level_and_parent() {
    let app = TestApp::demo();
    let provinces = app.units("level=province").await;
    assert_eq!(provinces.total, 34, "34 provinces since 1 July 2025");
    assert!(
        provinces
            .items
            .iter()
            .all(|u| u.level == UnitLevel::Province && u.parent_code.is_none())
    );
    let communes = app.units("level=commune").await;
    assert_eq!(communes.total, 3321);
    assert_eq!(provinces.total + communes.total, 3355);

    let hcmc = app.units("parent=79&per_page=200").await;
    assert_eq!(hcmc.total, 168);
    assert_eq!(hcmc.items.len(), 168);
    assert!(
        hcmc.items
            .iter()
            .all(|u| u.parent_code.as_deref() == Some("79") && u.level == UnitLevel::Commune)
    );
}

#[tokio::test]
async fn search_finds_names_with_or_without_diacritics() {
    let app = TestApp::demo();
    for q in [
        "ho%20chi%20minh",
        "H%E1%BB%93%20Ch%C3%AD%20Minh",
        "HO%20CHI%20MINH",
    ] {
        let found = app.units(&format!("level=province&q={q}")).await;
        let codes: Vec<&str> = found.items.iter().map(|u| u.code.as_str()).collect();
        assert_eq!(codes, ["79"], "q={q}");
        assert_eq!(found.items[0].full_name, "Thành phố Hồ Chí Minh");
    }
    for q in ["sai%20gon", "S%C3%A0i%20G%C3%B2n"] {
        let found = app.units(&format!("q={q}&parent=79")).await;
        let names: Vec<&str> = found.items.iter().map(|u| u.full_name.as_str()).collect();
        assert!(names.contains(&"Phường Sài Gòn"), "q={q}: {names:?}");
    }
    // Folding does not make everything match.
    assert_eq!(app.units("q=zzzzz").await.total, 0);
}

#[tokio::test]
async fn detail_expands_communes_and_parent() {
    let app = TestApp::demo();
    let hcmc = app.unit("79", "communes").await;
    assert_eq!(hcmc.unit.full_name, "Thành phố Hồ Chí Minh");
    assert_eq!(hcmc.unit.full_name_en, "Ho Chi Minh City");
    let communes = hcmc.communes.expect("communes");
    assert_eq!(communes.len(), 168);
    assert!(
        communes
            .iter()
            .any(|c| c.code == "26740" && c.full_name == "Phường Sài Gòn")
    );
    assert!(hcmc.parent.is_none());

    let saigon = app.unit("26740", "parent").await;
    assert_eq!(saigon.unit.unit_type, "Phường");
    assert_eq!(saigon.parent.expect("parent").code, "79");
    assert!(saigon.communes.is_none(), "not asked for");
}

#[tokio::test]
async fn unknown_units_and_bad_parameters_are_problems() {
    let app = TestApp::demo();
    for path in [
        "/api/v1/units/99",
        "/api/v1/units/00000",
        "/api/v1/units/abc",
    ] {
        let problem = app.get_problem(path, StatusCode::NOT_FOUND).await;
        assert_eq!(problem.kind, "urn:motcua:problem:not-found", "{path}");
    }
    app.get_problem(
        "/api/v1/units?level=district",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
    .assert_names("level");
    app.get_problem(
        "/api/v1/units/79?expand=districts",
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
    .assert_names("expand");
}
