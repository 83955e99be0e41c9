//! Documents on both backends (`DocumentStore`): attaching with the log entry in the same
//! transaction, idempotency keys, the owner's document store (one entry per content, rename,
//! remove) and results kept for the owner when they are returned.

use chrono::Utc;
use motcua_calendar::{Duration, Resume};
use motcua_domain::identity::VerificationLevel;
use motcua_dossier::chain::verify;
use motcua_dossier::{Dossier, Status};
use motcua_store::documents::source;
use motcua_store::testing::fresh_store;
use motcua_store::{
    AccountKind, Applicant, Attachment, DossierChange, NewAccount, NewApplicantDocument,
    NewDocument, NewDossier, NewLogEntry, NewSecurityEvent, Store, StoreError,
};
use serde_json::json;

use crate::agency;

async fn owner_and_agency(store: &dyn Store) -> (i64, i64) {
    let a = store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap();
    let account = store
        .create_account(
            &NewAccount {
                kind: AccountKind::Citizen,
                login: "079090001234".into(),
                full_name: "Nguyễn Văn An".into(),
                email: None,
                phone: None,
                password_hash: "$argon2id$test".into(),
                verification: VerificationLevel::SelfRegistered,
                address_unit_code: None,
                address_line: None,
            },
            NewSecurityEvent::new("register", Utc::now()),
        )
        .await
        .unwrap();
    (account.id, a.id)
}

fn log(kind: &str, detail: serde_json::Value) -> NewLogEntry {
    NewLogEntry {
        at: Utc::now(),
        kind: kind.into(),
        actor_id: None,
        ip: None,
        detail,
    }
}

async fn dossier(store: &dyn Store, owner: i64, agency: i64) -> motcua_store::StoredDossier {
    store
        .create_dossier(
            &NewDossier {
                procedure_code: "1.001193".into(),
                procedure_version: 1,
                channel: "online".into(),
                applicant: Applicant {
                    name: "Nguyễn Văn An".into(),
                    ..Default::default()
                },
                receiving_point: None,
                form_values: json!({}),
                state: Dossier::draft(
                    Some(owner),
                    agency,
                    2,
                    Duration::WorkingDays(5),
                    Resume::Remaining,
                ),
                tracking_secret_hash: "ab".repeat(32),
                idempotency: None,
            },
            log("create", json!({})),
        )
        .await
        .unwrap()
}

fn doc(role: &str, name: &str, sha: &str) -> NewDocument {
    NewDocument {
        role: role.into(),
        name: name.into(),
        file_name: format!("{name}.pdf"),
        content_type: "application/pdf".into(),
        size_bytes: 1234,
        sha256: sha.into(),
        added_by: None,
    }
}

fn attachment(document: NewDocument, keep_for: Option<i64>, key: Option<&str>) -> Attachment {
    let detail = json!({ "name": document.name, "sha256": document.sha256, "role": document.role });
    Attachment {
        document,
        log: log("document", detail),
        keep_for,
        idempotency: key.map(|k| ("account:1".to_owned(), k.to_owned())),
    }
}

#[tokio::test]
async fn an_attachment_is_logged_with_its_hash_and_kept_for_the_owner_once() {
    let t = fresh_store().await;
    let (owner, agency) = owner_and_agency(t.store.as_ref()).await;
    let d = dossier(t.store.as_ref(), owner, agency).await;
    let sha = "cd".repeat(32);
    let (first, created) = t
        .store
        .attach_document(
            d.id,
            &attachment(doc("application", "Tờ khai", &sha), Some(owner), Some("k1")),
        )
        .await
        .unwrap();
    assert!(created);
    let chain = t.store.dossier_chain(d.id).await.unwrap();
    assert_eq!(verify(&chain), Ok(()));
    let last = chain.last().unwrap();
    assert_eq!(last.kind, "document");
    assert_eq!(last.detail["sha256"], sha);
    assert_eq!(
        t.store.dossier_document(d.id, first.id).await.unwrap(),
        Some(first.clone())
    );

    // The same key again: the same document, nothing added, nothing logged.
    let (again, created) = t
        .store
        .attach_document(
            d.id,
            &attachment(doc("application", "Tờ khai", &sha), Some(owner), Some("k1")),
        )
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(again, first);
    assert_eq!(t.store.documents(d.id).await.unwrap().len(), 1);
    assert_eq!(
        t.store.dossier_chain(d.id).await.unwrap().len(),
        chain.len()
    );

    // Another key, the same content: a second document of the dossier, one store entry.
    t.store
        .attach_document(
            d.id,
            &attachment(doc("application", "Bản sao", &sha), Some(owner), Some("k2")),
        )
        .await
        .unwrap();
    assert_eq!(t.store.documents(d.id).await.unwrap().len(), 2);
    let mine = t.store.applicant_documents(owner).await.unwrap();
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0].source, source::SUBMITTED);
    assert_eq!(mine[0].source_dossier_id, Some(d.id));
    assert_eq!(mine[0].name, "Tờ khai");

    // A key used for this dossier is not a key for another one.
    let other = dossier(t.store.as_ref(), owner, agency).await;
    let err = t
        .store
        .attach_document(
            other.id,
            &attachment(doc("application", "x", &sha), None, Some("k1")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Conflict {
                field: "idempotency_key"
            }
        ),
        "{err:?}"
    );
    assert!(t.store.documents(other.id).await.unwrap().is_empty());
    // An unknown dossier.
    let err = t
        .store
        .attach_document(
            987_654,
            &attachment(doc("application", "x", &sha), None, None),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
}

#[tokio::test]
async fn the_document_store_keeps_one_entry_per_content_and_only_for_its_account() {
    let t = fresh_store().await;
    let (owner, _) = owner_and_agency(t.store.as_ref()).await;
    let new = |name: &str, sha: &str| NewApplicantDocument {
        name: name.into(),
        file_name: format!("{name}.png"),
        content_type: "image/png".into(),
        size_bytes: 99,
        sha256: sha.into(),
        source: source::UPLOAD.into(),
        source_dossier_id: None,
    };
    let (a, created) = t
        .store
        .keep_applicant_document(owner, &new("Căn cước", &"01".repeat(32)))
        .await
        .unwrap();
    assert!(created);
    let (same, created) = t
        .store
        .keep_applicant_document(owner, &new("Căn cước lần hai", &"01".repeat(32)))
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(same, a, "the first entry, unchanged");
    let (b, _) = t
        .store
        .keep_applicant_document(owner, &new("Hộ chiếu", &"02".repeat(32)))
        .await
        .unwrap();
    let all = t.store.applicant_documents(owner).await.unwrap();
    assert_eq!(
        all.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![b.id, a.id],
        "newest first"
    );
    // Nobody else's.
    assert_eq!(
        t.store.applicant_document(owner + 1, a.id).await.unwrap(),
        None
    );
    assert!(matches!(
        t.store
            .rename_applicant_document(owner + 1, a.id, "x")
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));
    assert!(
        !t.store
            .remove_applicant_document(owner + 1, a.id)
            .await
            .unwrap()
    );
    assert!(matches!(
        t.store
            .keep_applicant_document(987_654, &new("x", &"03".repeat(32)))
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));

    let renamed = t
        .store
        .rename_applicant_document(owner, a.id, "Căn cước công dân")
        .await
        .unwrap();
    assert_eq!(renamed.name, "Căn cước công dân");
    assert_eq!(renamed.sha256, a.sha256);
    assert!(
        t.store
            .remove_applicant_document(owner, a.id)
            .await
            .unwrap()
    );
    assert!(
        !t.store
            .remove_applicant_document(owner, a.id)
            .await
            .unwrap()
    );
    assert_eq!(t.store.applicant_documents(owner).await.unwrap(), vec![b]);
}

#[tokio::test]
async fn returned_results_land_in_the_owners_store_in_the_same_change() {
    let t = fresh_store().await;
    let (owner, agency) = owner_and_agency(t.store.as_ref()).await;
    let d = dossier(t.store.as_ref(), owner, agency).await;
    for (role, name, sha) in [
        ("application", "Tờ khai", "aa".repeat(32)),
        ("result", "Giấy khai sinh", "bb".repeat(32)),
        ("result", "Bản sao giấy khai sinh", "cc".repeat(32)),
    ] {
        t.store
            .attach_document(d.id, &attachment(doc(role, name, &sha), None, None))
            .await
            .unwrap();
    }
    let change = |status: Status, version: i64| {
        let mut s = d.state.clone();
        s.status = status;
        s.version = version + 1;
        DossierChange {
            expected_version: version,
            state: s,
            allocate_code: None,
            form_values: None,
            log: log("step", json!({})),
            messages: vec![],
        }
    };
    t.store
        .change_dossier(d.id, change(Status::Processed, d.state.version))
        .await
        .unwrap();
    assert!(
        t.store.applicant_documents(owner).await.unwrap().is_empty(),
        "not before the result is returned"
    );
    // A stale return writes nothing, results included.
    assert!(matches!(
        t.store
            .change_dossier(d.id, change(Status::Returned, d.state.version))
            .await
            .unwrap_err(),
        StoreError::Stale
    ));
    assert!(t.store.applicant_documents(owner).await.unwrap().is_empty());
    t.store
        .change_dossier(d.id, change(Status::Returned, d.state.version + 1))
        .await
        .unwrap();
    let mine = t.store.applicant_documents(owner).await.unwrap();
    let mut names: Vec<&str> = mine.iter().map(|m| m.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Bản sao giấy khai sinh", "Giấy khai sinh"]);
    assert!(
        mine.iter()
            .all(|m| m.source == source::RESULT && m.source_dossier_id == Some(d.id))
    );
}
