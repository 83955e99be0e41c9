use motcua_store::testing::fresh_store;
use motcua_store::{ImportCounts, ProcedureRecord};

fn record(code: &str, fingerprint: &str) -> ProcedureRecord {
    ProcedureRecord {
        code: code.into(),
        name: format!("Thủ tục {code}"),
        fingerprint: fingerprint.into(),
        document: format!(r#"{{"code":"{code}","fp":"{fingerprint}"}}"#),
        raw: r#"{"ma_thu_tuc":"x"}"#.into(),
        source: "test.jsonl".into(),
    }
}

#[tokio::test]
async fn import_versions_what_changed_and_nothing_else() {
    let t = fresh_store().await;
    assert_eq!(t.store.catalog_stamp().await.unwrap(), (0, 0));
    let first = t
        .store
        .import_procedures(&[record("1.000001", "a"), record("1.000002", "b")])
        .await
        .unwrap();
    assert_eq!(
        first,
        ImportCounts {
            inserted: 2,
            new_versions: 0,
            unchanged: 0
        }
    );
    let again = t
        .store
        .import_procedures(&[record("1.000001", "a"), record("1.000002", "b")])
        .await
        .unwrap();
    assert_eq!(
        again,
        ImportCounts {
            inserted: 0,
            new_versions: 0,
            unchanged: 2
        }
    );
    let changed = t
        .store
        .import_procedures(&[record("1.000001", "a2"), record("1.000002", "b")])
        .await
        .unwrap();
    assert_eq!(
        changed,
        ImportCounts {
            inserted: 0,
            new_versions: 1,
            unchanged: 1
        }
    );

    assert_eq!(
        t.store.catalog_stamp().await.unwrap(),
        (2, 3),
        "two procedures, versions 2 + 1"
    );
    let current = t.store.get_procedure("1.000001").await.unwrap().unwrap();
    assert_eq!((current.version, current.fingerprint.as_str()), (2, "a2"));
    assert!(current.raw.contains("ma_thu_tuc"));
    let old = t
        .store
        .get_procedure_version("1.000001", 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.fingerprint, "a", "a dossier's version stays readable");
    let versions = t.store.procedure_versions("1.000001").await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    let all = t.store.current_procedures().await.unwrap();
    assert_eq!(
        all.iter()
            .map(|p| (p.code.as_str(), p.version))
            .collect::<Vec<_>>(),
        [("1.000001", 2), ("1.000002", 1)]
    );
    assert!(t.store.get_procedure("9.999999").await.unwrap().is_none());
}
