//! `motcua audit verify`: intact chains pass; a log entry changed behind the application's
//! back is reported with its dossier and position, and the command fails.

use std::time::Duration;

use chrono::Utc;
use motcua_calendar::Resume;
use motcua_dossier::Dossier;
use motcua_store::{Applicant, NewDossier, NewLogEntry, OpenOptions};

use crate::binary::{Database, motcua, run};

const LIMIT: Duration = Duration::from_secs(60);

fn entry(kind: &str) -> NewLogEntry {
    NewLogEntry {
        at: Utc::now(),
        kind: kind.into(),
        actor_id: None,
        ip: None,
        detail: serde_json::json!({ "ghi chú": "kiểm tra" }),
    }
}

#[tokio::test]
async fn verify_reports_the_first_broken_link_of_a_tampered_chain() {
    let db = Database::migrated().await;
    let options = OpenOptions {
        data_dir: db.data_dir(),
        database_url: db.url.clone(),
        ..OpenOptions::default()
    };
    let store = motcua_store::open(&options)
        .await
        .expect("open the database");
    store.migrate().await.unwrap();
    let agency = store
        .create_agency(
            &motcua_domain::agency::AgencyInput {
                code: "000.00.12.H29".into(),
                name: "Sở Tư pháp".into(),
                kind: "department".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let d = store
            .create_dossier(
                &NewDossier {
                    procedure_code: "1.001193".into(),
                    procedure_version: 1,
                    channel: "in_person".into(),
                    applicant: Applicant {
                        name: "Trần Văn Bảo".into(),
                        ..Default::default()
                    },
                    receiving_point: None,
                    form_values: serde_json::json!({}),
                    state: Dossier::draft(
                        None,
                        agency.id,
                        1,
                        motcua_calendar::Duration::WorkingDays(3),
                        Resume::Remaining,
                    ),
                    tracking_secret_hash: "0".repeat(64),
                    idempotency: None,
                },
                entry("create"),
            )
            .await
            .unwrap();
        for kind in ["view", "view", "message"] {
            store.append_dossier_log(d.id, entry(kind)).await.unwrap();
        }
        ids.push(d.id);
    }
    store.close().await;

    let verify = |json: bool| {
        let mut c = motcua(db.dir());
        db.configure(&mut c).arg("audit").arg("verify");
        if json {
            c.arg("--json");
        }
        run(&mut c, LIMIT)
    };
    let ok = verify(false);
    ok.assert_success();
    assert!(ok.stdout.contains("2 dossiers, 8 log entries"), "{ok:#?}");
    assert!(ok.stdout.contains("intact"));

    // Someone with database access rewrites the reason of the third entry of the second
    // dossier.
    let tamper = "UPDATE dossier_log SET detail = '{\"ghi chú\": \"đã sửa\"}' WHERE dossier_id = $1 AND seq = 3";
    match &db.url {
        None => {
            let pool = sqlx::SqlitePool::connect(&format!(
                "sqlite://{}",
                db.data_dir().join("motcua.db").display()
            ))
            .await
            .unwrap();
            sqlx::query(tamper)
                .bind(ids[1])
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
        Some(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query(tamper)
                .bind(ids[1])
                .execute(&pool)
                .await
                .unwrap();
            pool.close().await;
        }
    }
    let broken = verify(true);
    assert!(!broken.status.success(), "{broken:#?}");
    let report: serde_json::Value = serde_json::from_str(&broken.stdout).unwrap();
    assert_eq!(report["broken"].as_array().unwrap().len(), 1);
    assert_eq!(report["broken"][0]["dossier_id"], ids[1]);
    assert_eq!(report["broken"][0]["seq"], 3);
    assert!(
        broken.stderr.contains("1 dossier log chain(s) broken"),
        "{broken:#?}"
    );
}
