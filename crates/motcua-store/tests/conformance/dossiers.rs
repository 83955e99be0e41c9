//! Dossiers on both backends: creation and idempotency, optimistic concurrency, codes that are
//! unique and gap-free per agency and day under concurrent receptions, the hash-chained log,
//! queues and documents.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use motcua_calendar::{Duration, Resume};
use motcua_dossier::chain::verify;
use motcua_dossier::{Dossier, Status};
use motcua_store::testing::fresh_store;
use motcua_store::{
    Applicant, DossierChange, DossierFilter, NewDocument, NewDossier, NewLogEntry,
    NewOutboxMessage, PageRequest, Store, StoreError,
};
use serde_json::json;

use crate::agency;

async fn two_agencies(store: &dyn Store) -> (i64, i64) {
    let a = store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap();
    let b = store
        .create_agency(&agency("000.00.11.H29", "Sở Nội vụ", None))
        .await
        .unwrap();
    (a.id, b.id)
}

fn log(kind: &str) -> NewLogEntry {
    NewLogEntry {
        at: Utc::now(),
        kind: kind.into(),
        actor_id: None,
        ip: Some("127.0.0.1".into()),
        detail: json!({ "lý do": "kiểm thử" }),
    }
}

fn new_dossier(agency: i64, key: Option<&str>) -> NewDossier {
    NewDossier {
        procedure_code: "1.001193".into(),
        procedure_version: 1,
        channel: "online".into(),
        applicant: Applicant {
            name: "Nguyễn Văn An".into(),
            id_number: Some("079090001234".into()),
            phone: Some("0912345678".into()),
            ..Default::default()
        },
        receiving_point: Some("MC".into()),
        form_values: json!({ "ho_ten_tre": "Nguyễn Văn Bình" }),
        state: Dossier::draft(None, agency, 2, Duration::WorkingDays(5), Resume::Remaining),
        tracking_secret_hash: "ab".repeat(32),
        idempotency: key.map(|k| ("account:1".to_owned(), k.to_owned())),
    }
}

/// The change a reception makes (status and version only: the lifecycle's effects are
/// tested in motcua-dossier).
fn received(state: &Dossier) -> Dossier {
    let mut s = state.clone();
    s.status = Status::Received;
    s.version += 1;
    let now = Utc::now().fixed_offset();
    s.received_at = Some(now);
    s.due_at = Some(now + chrono::TimeDelta::days(7));
    s
}

#[tokio::test]
async fn a_dossier_is_created_once_per_idempotency_key() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let first = t
        .store
        .create_dossier(&new_dossier(a, Some("k1")), log("create"))
        .await
        .unwrap();
    let again = t
        .store
        .create_dossier(&new_dossier(a, Some("k1")), log("create"))
        .await
        .unwrap();
    assert_eq!(first.id, again.id);
    let other = t
        .store
        .create_dossier(&new_dossier(a, Some("k2")), log("create"))
        .await
        .unwrap();
    assert_ne!(first.id, other.id);
    let got = t.store.get_dossier(first.id).await.unwrap().unwrap();
    assert_eq!(got.applicant.name, "Nguyễn Văn An");
    assert_eq!(got.form_values["ho_ten_tre"], "Nguyễn Văn Bình");
    assert_eq!(got.state.status, Status::Draft);
    assert!(got.code.is_none());
    assert_eq!(t.store.dossier_chain(first.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_stale_change_is_refused_and_writes_nothing() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let d = t
        .store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    let change = |state: Dossier, expected: i64| DossierChange {
        expected_version: expected,
        state,
        allocate_code: None,
        form_values: None,
        log: log("submit"),
        messages: vec![NewOutboxMessage {
            channel: "email".into(),
            recipient: "an@example.vn".into(),
            subject: "Đã nộp".into(),
            body: "…".into(),
        }],
    };
    let mut next = d.state.clone();
    next.status = Status::Submitted;
    next.version = 1;
    t.store
        .change_dossier(d.id, change(next.clone(), 0))
        .await
        .unwrap();
    // A second officer who read version 0 too.
    let stale = t.store.change_dossier(d.id, change(next, 0)).await;
    assert!(matches!(stale, Err(StoreError::Stale)), "{stale:?}");
    assert_eq!(
        t.store.dossier_chain(d.id).await.unwrap().len(),
        2,
        "no log entry for the refused change"
    );
    assert_eq!(
        t.store.messages_to("an@example.vn").await.unwrap().len(),
        1,
        "nor a message"
    );
    let missing = t
        .store
        .change_dossier(999_999, change(d.state.clone(), 0))
        .await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
}

#[tokio::test]
async fn codes_are_unique_and_gap_free_under_concurrent_receptions() {
    let t = fresh_store().await;
    let (a, b) = two_agencies(t.store.as_ref()).await;
    let store: Arc<dyn Store> = t.store.clone();
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut ids = Vec::new();
    for _ in 0..24 {
        ids.push(
            store
                .create_dossier(&new_dossier(a, None), log("create"))
                .await
                .unwrap(),
        );
    }
    let other = store
        .create_dossier(&new_dossier(b, None), log("create"))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for d in ids {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .change_dossier(
                    d.id,
                    DossierChange {
                        expected_version: d.state.version,
                        state: received(&d.state),
                        allocate_code: Some(("000.00.12.H29".into(), day)),
                        form_values: None,
                        log: log("receive"),
                        messages: vec![],
                    },
                )
                .await
                .unwrap()
        }));
    }
    let mut codes = Vec::new();
    for task in tasks {
        codes.push(task.await.unwrap().code.unwrap());
    }
    codes.sort();
    let expected: Vec<String> = (1..=24)
        .map(|n| format!("000.00.12.H29-261123-{n:04}"))
        .collect();
    assert_eq!(codes, expected);
    // Another agency counts on its own; another day starts again at 0001.
    let o = store
        .change_dossier(
            other.id,
            DossierChange {
                expected_version: 0,
                state: received(&other.state),
                allocate_code: Some(("000.00.11.H29".into(), day.succ_opt().unwrap())),
                form_values: None,
                log: log("receive"),
                messages: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(o.code.as_deref(), Some("000.00.11.H29-261124-0001"));
    let found = store
        .find_dossier_by_code("000.00.12.H29-261123-0007")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.state.status, Status::Received);
}

/// Writes that arrive together commit together on SQLite (one transaction, a savepoint
/// each): a refused one among them undoes only itself — its code number included — and
/// every acknowledged one is there after the store is opened again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_writes_among_concurrent_ones_undo_only_themselves() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let store: Arc<dyn Store> = t.store.clone();
    let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let mut dossiers = Vec::new();
    for _ in 0..16 {
        dossiers.push(
            store
                .create_dossier(&new_dossier(a, None), log("create"))
                .await
                .unwrap(),
        );
    }
    let mut tasks = Vec::new();
    for d in &dossiers {
        for stale in [false, true] {
            let store = store.clone();
            let d = d.clone();
            tasks.push(tokio::spawn(async move {
                let out = store
                    .change_dossier(
                        d.id,
                        DossierChange {
                            expected_version: if stale { 99 } else { d.state.version },
                            state: received(&d.state),
                            allocate_code: Some(("000.00.12.H29".into(), day)),
                            form_values: None,
                            log: log("receive"),
                            messages: vec![],
                        },
                    )
                    .await;
                (stale, out)
            }));
        }
    }
    let mut codes = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            (false, Ok(d)) => codes.push(d.code.unwrap()),
            (true, Err(StoreError::Stale)) => {}
            (stale, other) => panic!("stale={stale}: {other:?}"),
        }
    }
    codes.sort();
    let expected: Vec<String> = (1..=16)
        .map(|n| format!("000.00.12.H29-261202-{n:04}"))
        .collect();
    assert_eq!(
        codes, expected,
        "refused receptions gave their numbers back"
    );
    t.store.close().await;
    let reopened = motcua_store::open(&t.options).await.unwrap();
    for d in &dossiers {
        let again = reopened.get_dossier(d.id).await.unwrap().unwrap();
        assert_eq!(again.state.status, Status::Received);
        let chain = reopened.dossier_chain(d.id).await.unwrap();
        assert_eq!(
            chain.len(),
            2,
            "one entry for the reception, none for the refusal"
        );
        verify(&chain).unwrap();
    }
    reopened.close().await;
}

/// Emptying the connections' caches (after start-up and each catalog rebuild) goes between
/// writes in flight, on the writer too, and loses none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn releasing_memory_among_writes_loses_nothing() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let store: Arc<dyn Store> = t.store.clone();
    let mut tasks = Vec::new();
    for i in 0..24 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            if i % 4 == 0 {
                store.release_memory().await.map(|()| None)
            } else {
                store
                    .create_dossier(&new_dossier(a, None), log("create"))
                    .await
                    .map(|d| Some(d.id))
            }
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        let done = tokio::time::timeout(std::time::Duration::from_secs(60), task)
            .await
            .expect("no write waits for the release for ever");
        if let Some(id) = done.unwrap().unwrap() {
            ids.push(id);
        }
    }
    assert_eq!(ids.len(), 18);
    store.release_memory().await.unwrap();
    for id in ids {
        let d = store.get_dossier(id).await.unwrap().expect("written");
        assert_eq!(d.state.status, Status::Draft);
    }
}

#[tokio::test]
async fn the_log_is_a_verifiable_chain_even_under_concurrent_appends() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let store: Arc<dyn Store> = t.store.clone();
    let d = store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut e = log("view");
            e.actor_id = Some(i);
            store.append_dossier_log(d.id, e).await.unwrap()
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let chain = store.dossier_chain(d.id).await.unwrap();
    assert_eq!(chain.len(), 13);
    assert_eq!(verify(&chain), Ok(()), "the chain read back verifies");
    let page = store
        .dossier_log(d.id, PageRequest::new(Some(2), Some(5)))
        .await
        .unwrap();
    assert_eq!(page.total, 13);
    assert_eq!(
        page.items.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [6, 7, 8, 9, 10]
    );
    assert!(matches!(
        store.append_dossier_log(424_242, log("view")).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.dossier_ids(0, 10).await.unwrap(), [d.id]);
}

#[tokio::test]
async fn queues_filter_by_agency_status_assignee_owner_and_due_date() {
    let t = fresh_store().await;
    let (a, b) = two_agencies(t.store.as_ref()).await;
    let store = t.store.as_ref();
    let d1 = store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    let d2 = store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    let mut owned = new_dossier(b, None);
    owned.state.owner_account_id = None;
    let d3 = store.create_dossier(&owned, log("create")).await.unwrap();
    // d1: received, due in 7 days, assigned to officer 5 (no account: the column is a plain
    // reference only when set, so leave the assignee unset in this backend-neutral test).
    let mut s1 = received(&d1.state);
    s1.due_at = Some(
        Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0)
            .unwrap()
            .fixed_offset(),
    );
    store
        .change_dossier(
            d1.id,
            DossierChange {
                expected_version: 0,
                state: s1,
                allocate_code: None,
                form_values: None,
                log: log("receive"),
                messages: vec![],
            },
        )
        .await
        .unwrap();
    let page = |f: DossierFilter| async move { store.list_dossiers(&f).await.unwrap() };
    let at_a = page(DossierFilter {
        holding_agency_ids: Some(vec![a]),
        ..Default::default()
    })
    .await;
    assert_eq!(at_a.total, 2);
    assert_eq!(
        at_a.items[0].id, d1.id,
        "dated dossiers first, soonest due first"
    );
    let received_at_a = page(DossierFilter {
        holding_agency_ids: Some(vec![a]),
        statuses: Some(vec!["received".into()]),
        ..Default::default()
    })
    .await;
    assert_eq!(
        received_at_a.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [d1.id]
    );
    let due_soon = page(DossierFilter {
        due_before: Some(Utc.with_ymd_and_hms(2026, 12, 2, 0, 0, 0).unwrap()),
        ..Default::default()
    })
    .await;
    assert_eq!(due_soon.total, 1);
    let at_b = page(DossierFilter {
        agency_ids: Some(vec![b]),
        ..Default::default()
    })
    .await;
    assert_eq!(at_b.items.iter().map(|d| d.id).collect::<Vec<_>>(), [d3.id]);
    let none = page(DossierFilter {
        holding_agency_ids: Some(vec![]),
        ..Default::default()
    })
    .await;
    assert_eq!(none.total, 0, "an empty agency list matches nothing");
    let _ = d2;
}

#[tokio::test]
async fn documents_are_recorded_with_their_hash_and_logged() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let d = t
        .store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    let doc = t
        .store
        .add_document(
            d.id,
            &NewDocument {
                role: "application".into(),
                name: "Tờ khai đăng ký khai sinh".into(),
                file_name: "to-khai.pdf".into(),
                content_type: "application/pdf".into(),
                size_bytes: 1234,
                sha256: "cd".repeat(32),
                added_by: None,
            },
            log("document_added"),
        )
        .await
        .unwrap();
    let docs = t.store.documents(d.id).await.unwrap();
    assert_eq!(docs, vec![doc]);
    let chain = t.store.dossier_chain(d.id).await.unwrap();
    assert_eq!(chain.last().unwrap().kind, "document_added");
}

#[tokio::test]
async fn a_queue_total_follows_every_change_at_its_agency() {
    let t = fresh_store().await;
    let (a, b) = two_agencies(t.store.as_ref()).await;
    let store = t.store.as_ref();
    let open = || DossierFilter {
        holding_agency_ids: Some(vec![a]),
        statuses: Some(motcua_store::open_statuses()),
        page: PageRequest::new(None, Some(1)),
        ..Default::default()
    };
    let submitted = |agency| {
        let mut d = new_dossier(agency, None);
        d.state.status = Status::Submitted;
        d
    };
    let mut ids = Vec::new();
    for expected in 1..=3 {
        ids.push(
            store
                .create_dossier(&submitted(a), log("create"))
                .await
                .unwrap(),
        );
        // Read twice: the second read is the kept total, and must be the new one.
        assert_eq!(store.list_dossiers(&open()).await.unwrap().total, expected);
        assert_eq!(store.list_dossiers(&open()).await.unwrap().total, expected);
    }
    // A dossier elsewhere leaves the total alone.
    store
        .create_dossier(&submitted(b), log("create"))
        .await
        .unwrap();
    assert_eq!(store.list_dossiers(&open()).await.unwrap().total, 3);
    // Finishing one takes it out of the open queue at once.
    let d = &ids[0];
    let mut done = d.state.clone();
    done.status = Status::Withdrawn;
    done.version += 1;
    store
        .change_dossier(
            d.id,
            DossierChange {
                expected_version: d.state.version,
                state: done,
                allocate_code: None,
                form_values: None,
                log: log("withdraw"),
                messages: vec![],
            },
        )
        .await
        .unwrap();
    let page = store.list_dossiers(&open()).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items.len(), 1, "one per page");
    // The reception queue (submitted only, its own index): first come, first served.
    let to_receive = store
        .list_dossiers(&DossierFilter {
            statuses: Some(vec!["submitted".into()]),
            page: PageRequest::new(None, Some(10)),
            ..open()
        })
        .await
        .unwrap();
    assert_eq!(to_receive.total, 2);
    assert_eq!(
        to_receive.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [ids[1].id, ids[2].id]
    );
    // A draft is not in any queue.
    store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    assert_eq!(store.list_dossiers(&open()).await.unwrap().total, 2);
}

#[tokio::test]
async fn tracking_reads_the_dossier_its_holder_milestones_and_failures_at_once() {
    let t = fresh_store().await;
    let (a, _) = two_agencies(t.store.as_ref()).await;
    let store = t.store.as_ref();
    let d = store
        .create_dossier(&new_dossier(a, None), log("create"))
        .await
        .unwrap();
    let s1 = received(&d.state);
    let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let got = store
        .change_dossier(
            d.id,
            DossierChange {
                expected_version: d.state.version,
                state: s1,
                allocate_code: Some(("000.00.12.H29".into(), day)),
                form_values: None,
                log: NewLogEntry {
                    detail: json!({ "to": "received" }),
                    ..log("receive")
                },
                messages: vec![],
            },
        )
        .await
        .unwrap();
    store.append_dossier_log(d.id, log("view")).await.unwrap();
    let code = got.code.clone().unwrap();
    let since = Utc::now() - chrono::TimeDelta::minutes(10);
    store
        .record_login_failure("track:192.0.2.1", Utc::now())
        .await
        .unwrap();
    let found = store
        .track_dossier(&code, "track:192.0.2.1", since)
        .await
        .unwrap()
        .expect("the code is known");
    assert_eq!(found.code, code);
    assert_eq!(found.procedure_code, got.procedure_code);
    assert_eq!(found.status, got.state.status);
    assert_eq!(found.received_at, got.state.received_at);
    assert_eq!(found.due_at, got.state.due_at);
    assert_eq!(found.applicant_phone, got.applicant.phone);
    assert_eq!(found.applicant_id_number, got.applicant.id_number);
    assert_eq!(found.tracking_secret_hash, got.tracking_secret_hash);
    assert_eq!(found.holding_agency_code, "000.00.12.H29");
    assert_eq!(found.holding_agency_name, "Sở Tư pháp");
    assert_eq!(found.recent_failures, 1);
    let other = store
        .track_dossier(&code, "track:192.0.2.2", since)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.recent_failures, 0);
    assert!(
        store
            .track_dossier("000.00.12.H29-261202-9999", "k", since)
            .await
            .unwrap()
            .is_none()
    );
    let kinds = |t: &motcua_store::TrackedDossier| {
        t.milestones
            .iter()
            .map(|m| (m.kind.clone(), m.to.clone()))
            .collect::<Vec<_>>()
    };
    // The officer's view is not a milestone; the statuses come from the log's details.
    assert_eq!(
        kinds(&found),
        [
            ("create".into(), None),
            ("receive".into(), Some("received".into()))
        ]
    );
    let chain = store.dossier_chain(d.id).await.unwrap();
    assert_eq!(
        found.milestones[0].at, chain[0].at,
        "times survive the JSON"
    );
}
