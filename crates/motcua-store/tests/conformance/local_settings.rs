//! Agencies' local settings for procedures: stored per agency × procedure, read back as
//! written, versioned optimistically (a stale writer changes nothing), removed back to the
//! defaults, refused for unknown agencies or procedures, every change in the security log in
//! the same transaction.

use chrono::Utc;
use motcua_store::testing::fresh_store;
use motcua_store::{
    NewSecurityEvent, PageRequest, ProcedureRecord, PutLocalSettings, SecurityEventFilter, Store,
    StoreError,
};

use crate::agency;

fn record(code: &str) -> ProcedureRecord {
    ProcedureRecord {
        code: code.into(),
        name: format!("Thủ tục {code}"),
        fingerprint: "fp".into(),
        document: format!(r#"{{"code":"{code}"}}"#),
        raw: "{}".into(),
        source: "test.jsonl".into(),
    }
}

fn put(agency_id: i64, code: &str, settings: &str, expected: Option<i64>) -> PutLocalSettings {
    PutLocalSettings {
        agency_id,
        procedure_code: code.into(),
        settings: settings.into(),
        expected_version: expected,
        updated_by: None,
        at: Utc::now(),
    }
}

fn event(kind: &str, agency_id: i64) -> NewSecurityEvent {
    let mut e = NewSecurityEvent::new(kind, Utc::now());
    e.agency_id = Some(agency_id);
    e.detail = serde_json::json!({ "procedure": "1.001193" });
    e
}

async fn setup(store: &dyn Store) -> (i64, i64) {
    store
        .import_procedures(&[record("1.001193"), record("1.000894")])
        .await
        .unwrap();
    let a = store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap()
        .id;
    let b = store
        .create_agency(&agency("001.00.70.H29", "UBND Phường Một", None))
        .await
        .unwrap()
        .id;
    (a, b)
}

async fn log_kinds(store: &dyn Store, agency_id: i64) -> Vec<String> {
    store
        .security_events(&SecurityEventFilter {
            agency_ids: Some(vec![agency_id]),
            account_id: None,
            kind: None,
            page: PageRequest::new(None, None),
        })
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

#[tokio::test]
async fn settings_are_kept_per_agency_and_procedure_with_versions() {
    let t = fresh_store().await;
    let store = t.store.as_ref();
    let (a, b) = setup(store).await;

    assert_eq!(store.local_settings(a, "1.001193").await.unwrap(), None);
    assert!(store.agency_local_settings(a).await.unwrap().is_empty());

    let first = store
        .put_local_settings(
            &put(a, "1.001193", r#"{"steps":[]}"#, Some(0)),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    assert_eq!(first.version, 1);
    assert_eq!(first.settings, r#"{"steps":[]}"#);
    assert_eq!(first.agency_id, a);

    // Another agency and another procedure are separate.
    store
        .put_local_settings(
            &put(b, "1.001193", r#"{"enabled":false}"#, None),
            event("local_settings_changed", b),
        )
        .await
        .unwrap();
    store
        .put_local_settings(
            &put(a, "1.000894", "{}", None),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    let mine: Vec<String> = store
        .agency_local_settings(a)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.procedure_code)
        .collect();
    assert_eq!(mine, vec!["1.000894", "1.001193"]);
    assert_eq!(
        store
            .local_settings(b, "1.001193")
            .await
            .unwrap()
            .unwrap()
            .settings,
        r#"{"enabled":false}"#
    );

    // An update names the version it replaces.
    let second = store
        .put_local_settings(
            &put(a, "1.001193", r#"{"steps":[1]}"#, Some(1)),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    assert_eq!(second.version, 2);
    // A stale writer (read version 1) changes nothing, and logs nothing.
    let before = log_kinds(store, a).await.len();
    for expected in [Some(1), Some(0), Some(7)] {
        let err = store
            .put_local_settings(
                &put(a, "1.001193", r#"{"lost":true}"#, expected),
                event("local_settings_changed", a),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale), "{expected:?}: {err:?}");
    }
    let now = store.local_settings(a, "1.001193").await.unwrap().unwrap();
    assert_eq!(
        (now.version, now.settings.as_str()),
        (2, r#"{"steps":[1]}"#)
    );
    assert_eq!(log_kinds(store, a).await.len(), before);
    // Without a version, the write goes through.
    let third = store
        .put_local_settings(
            &put(a, "1.001193", "{}", None),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    assert_eq!(third.version, 3);
    // A version for settings that do not exist is stale too.
    assert!(matches!(
        store
            .put_local_settings(
                &put(b, "1.000894", "{}", Some(4)),
                event("local_settings_changed", b)
            )
            .await,
        Err(StoreError::Stale)
    ));
}

#[tokio::test]
async fn removal_returns_to_the_defaults_and_is_logged() {
    let t = fresh_store().await;
    let store = t.store.as_ref();
    let (a, _) = setup(store).await;
    store
        .put_local_settings(
            &put(a, "1.001193", "{}", None),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    // A stale removal changes nothing.
    assert!(matches!(
        store
            .delete_local_settings(a, "1.001193", Some(5), event("local_settings_removed", a))
            .await,
        Err(StoreError::Stale)
    ));
    assert!(store.local_settings(a, "1.001193").await.unwrap().is_some());
    assert!(
        store
            .delete_local_settings(a, "1.001193", Some(1), event("local_settings_removed", a))
            .await
            .unwrap()
    );
    assert_eq!(store.local_settings(a, "1.001193").await.unwrap(), None);
    // Nothing left to remove: false, nothing logged.
    assert!(
        !store
            .delete_local_settings(a, "1.001193", None, event("local_settings_removed", a))
            .await
            .unwrap()
    );
    assert_eq!(
        log_kinds(store, a).await,
        vec!["local_settings_removed", "local_settings_changed"]
    );
    // Created again from scratch: version 1.
    let again = store
        .put_local_settings(
            &put(a, "1.001193", "{}", Some(0)),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    assert_eq!(again.version, 1);
}

#[tokio::test]
async fn unknown_agencies_and_procedures_are_refused() {
    let t = fresh_store().await;
    let store = t.store.as_ref();
    let (a, _) = setup(store).await;
    for (agency_id, code, field) in [
        (a, "9.999999", "procedure_code"),
        (999_999, "1.001193", "agency"),
    ] {
        match store
            .put_local_settings(
                &put(agency_id, code, "{}", None),
                event("local_settings_changed", a),
            )
            .await
        {
            Err(StoreError::Invalid(v)) => assert_eq!(v.0[0].field, field),
            other => panic!("{code}: {other:?}"),
        }
    }
    assert!(log_kinds(store, a).await.is_empty());
}

#[tokio::test]
async fn concurrent_writers_of_one_version_one_wins() {
    let t = fresh_store().await;
    let store = t.store.clone();
    let (a, _) = setup(store.as_ref()).await;
    store
        .put_local_settings(
            &put(a, "1.001193", "{}", None),
            event("local_settings_changed", a),
        )
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .put_local_settings(
                    &put(a, "1.001193", &format!(r#"{{"writer":{i}}}"#), Some(1)),
                    event("local_settings_changed", a),
                )
                .await
        }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(s) => {
                won += 1;
                assert_eq!(s.version, 2);
            }
            Err(StoreError::Stale) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(
        store
            .local_settings(a, "1.001193")
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
}
