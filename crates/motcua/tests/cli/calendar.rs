//! `motcua calendar due … --agency CODE --point CODE`: due dates on a receiving point's work
//! week, and unknown points named.

use std::time::Duration;

use motcua_calendar::WorkWeek;
use motcua_domain::agency::AgencyInput;
use motcua_store::{NewReceivingPoint, OpenOptions};

use crate::binary::{Database, Output, motcua, run};

const AGENCY: &str = "000.00.12.H29";

fn due(db: &Database, extra: &[&str]) -> Output {
    run(
        db.configure(&mut motcua(db.dir()))
            .args(["calendar", "due", "--from", "2025-11-21T10:00:00+07:00"])
            .args(["--working-days", "1", "--json"])
            .args(extra),
        Duration::from_secs(60),
    )
}

fn due_moment(output: &Output) -> String {
    output.assert_success();
    let json: serde_json::Value =
        serde_json::from_str(output.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {output:#?}"));
    json["due"].as_str().expect("due").to_owned()
}

#[tokio::test]
async fn due_dates_follow_a_receiving_points_week() {
    let db = Database::migrated().await;
    // A Saturday-morning counter `MC` and a default one `CN1`, stored beside the program.
    let store = motcua_store::open(&OpenOptions {
        data_dir: db.data_dir(),
        database_url: db.url.clone(),
        ..OpenOptions::default()
    })
    .await
    .expect("open the test database");
    store.migrate().await.unwrap();
    let agency = AgencyInput {
        code: AGENCY.into(),
        name: "Sở Tư pháp".into(),
        kind: "department".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    store.create_agency(&agency).await.unwrap();
    for code in ["MC", "CN1"] {
        store
            .upsert_receiving_point(&NewReceivingPoint {
                agency_code: agency.code.clone(),
                code: code.into(),
                name: format!("Quầy {code}"),
                address: None,
                unit_code: None,
            })
            .await
            .unwrap();
    }
    let week = serde_json::to_string(&WorkWeek::with_saturday_morning()).unwrap();
    store
        .set_receiving_point_week(&agency.code, "MC", Some(&week))
        .await
        .unwrap();
    store.close().await;

    // Friday 10:00 + 1 working day: Saturday 11:30 at MC, Monday 17:00 elsewhere.
    assert_eq!(
        due_moment(&due(&db, &["--agency", AGENCY, "--point", "MC"])),
        "2025-11-22T11:30:00+07:00"
    );
    assert_eq!(
        due_moment(&due(&db, &["--agency", AGENCY, "--point", "CN1"])),
        "2025-11-24T17:00:00+07:00"
    );
    assert_eq!(due_moment(&due(&db, &[])), "2025-11-24T17:00:00+07:00");

    let unknown = due(&db, &["--agency", AGENCY, "--point", "KHONG"]);
    let line = unknown.assert_one_line_error();
    assert!(
        line.contains("point") && line.contains("receiving point"),
        "{line}"
    );
    let unknown = due(&db, &["--agency", "000.00.99.H29", "--point", "MC"]);
    let line = unknown.assert_one_line_error();
    assert!(
        line.contains("agency") && line.contains("No such agency"),
        "{line}"
    );
}
