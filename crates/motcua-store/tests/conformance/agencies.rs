use chrono::NaiveDate;
use motcua_domain::agency::{AgencyLink, LinkKind};
use motcua_store::testing::fresh_store;
use motcua_store::{AgencyFilter, NewReceivingPoint, StoreError};

use crate::{agency, unit};

#[tokio::test]
async fn create_read_and_refuse_duplicates() {
    let t = fresh_store().await;
    let root = t
        .store
        .create_agency(&agency("000.00.00.H29", "UBND TP.HCM", None))
        .await
        .unwrap();
    let child = t
        .store
        .create_agency(&agency(
            "000.00.12.H29",
            "Sở Tư pháp",
            Some("000.00.00.H29"),
        ))
        .await
        .unwrap();
    assert_eq!(child.parent_id, Some(root.id));
    let got = t.store.get_agency(&child.code).await.unwrap().unwrap();
    assert_eq!(got, child);
    let dup = t
        .store
        .create_agency(&agency("000.00.12.H29", "Khác", None))
        .await
        .unwrap_err();
    assert!(
        matches!(dup, StoreError::Conflict { field: "code" }),
        "{dup:?}"
    );
    assert_eq!(
        t.store.all_agencies().await.unwrap().len(),
        2,
        "the refused insert changed nothing"
    );
}

#[tokio::test]
async fn unknown_references_are_named_and_change_nothing() {
    let t = fresh_store().await;
    let err = t
        .store
        .create_agency(&agency("000.00.12.H29", "Sở", Some("000.00.00.H29")))
        .await
        .unwrap_err();
    let StoreError::Invalid(v) = err else {
        panic!("{err:?}")
    };
    assert_eq!(v.0[0].field, "parent_code");
    let mut with_unit = agency("000.00.00.H29", "UBND", None);
    with_unit.unit_code = Some("79".into());
    let StoreError::Invalid(v) = t.store.create_agency(&with_unit).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(v.0[0].field, "unit_code");
    assert!(t.store.all_agencies().await.unwrap().is_empty());
    t.store
        .upsert_units(&[unit("79", None, "Hồ Chí Minh")])
        .await
        .unwrap();
    assert_eq!(
        t.store
            .create_agency(&with_unit)
            .await
            .unwrap()
            .unit_code
            .as_deref(),
        Some("79")
    );
}

#[tokio::test]
async fn upsert_updates_in_place() {
    let t = fresh_store().await;
    let first = t
        .store
        .upsert_agency(&agency("000.00.00.H29", "UBND", None))
        .await
        .unwrap();
    let mut renamed = agency("000.00.00.H29", "Ủy ban nhân dân Thành phố", None);
    renamed.valid_from = NaiveDate::from_ymd_opt(2025, 7, 1);
    let second = t.store.upsert_agency(&renamed).await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(second.name, "Ủy ban nhân dân Thành phố");
    assert_eq!(second.valid_from, NaiveDate::from_ymd_opt(2025, 7, 1));
    assert_eq!(t.store.all_agencies().await.unwrap().len(), 1);
}

#[tokio::test]
async fn list_filters_children_and_search() {
    let t = fresh_store().await;
    t.store
        .create_agency(&agency("000.00.00.H29", "UBND Thành phố", None))
        .await
        .unwrap();
    t.store
        .create_agency(&agency(
            "000.00.12.H29",
            "Sở Tư pháp",
            Some("000.00.00.H29"),
        ))
        .await
        .unwrap();
    t.store
        .create_agency(&agency(
            "000.00.13.H29",
            "Sở Xây dựng",
            Some("000.00.00.H29"),
        ))
        .await
        .unwrap();
    let kids = t
        .store
        .list_agencies(&AgencyFilter {
            parent: Some("000.00.00.H29".parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(kids.total, 2);
    let found = t
        .store
        .list_agencies(&AgencyFilter {
            q: Some("so tu phap".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_eq!(found.items[0].code.as_str(), "000.00.12.H29");
    let by_code = t
        .store
        .list_agencies(&AgencyFilter {
            q: Some("000.00.13".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_code.total, 1);
}

#[tokio::test]
async fn links_keep_history_both_ways() {
    let t = fresh_store().await;
    let old = t
        .store
        .create_agency(&agency("000.00.20.H29", "Sở cũ", None))
        .await
        .unwrap();
    let new = t
        .store
        .create_agency(&agency("000.00.21.H29", "Sở mới", None))
        .await
        .unwrap();
    let link = AgencyLink {
        predecessor: old.code.clone(),
        successor: new.code.clone(),
        kind: LinkKind::Merge,
        effective: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
    };
    t.store.link_agencies(&link).await.unwrap();
    t.store.link_agencies(&link).await.unwrap();
    assert_eq!(
        t.store.agency_links(&old.code).await.unwrap(),
        vec![link.clone()]
    );
    assert_eq!(t.store.agency_links(&new.code).await.unwrap(), vec![link]);
}

#[tokio::test]
async fn receiving_points_upsert_per_agency() {
    let t = fresh_store().await;
    let a = t
        .store
        .create_agency(&agency("000.00.00.H29", "Trung tâm", None))
        .await
        .unwrap();
    let mut point = NewReceivingPoint {
        agency_code: a.code.clone(),
        code: "Q1".into(),
        name: "Chi nhánh 1".into(),
        address: None,
        unit_code: None,
    };
    let first = t.store.upsert_receiving_point(&point).await.unwrap();
    point.name = "Chi nhánh số 1".into();
    let second = t.store.upsert_receiving_point(&point).await.unwrap();
    assert_eq!(first.id, second.id);
    let all = t.store.receiving_points(&a.code).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Chi nhánh số 1");
}

#[tokio::test]
async fn concurrent_writers_never_see_locks() {
    let t = fresh_store().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let store = t.store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .create_agency(&agency(&format!("{i:03}.00.00.H29"), "Đơn vị", None))
                .await
        }));
    }
    for task in tasks {
        task.await
            .unwrap()
            .expect("every concurrent write succeeds");
    }
    assert_eq!(t.store.all_agencies().await.unwrap().len(), 200);
}

#[tokio::test]
async fn two_processes_sharing_one_database_both_write() {
    // A second handle on the same database stands in for a CLI import running beside the
    // server: on SQLite that is a second writer pool on the same file.
    let t = fresh_store().await;
    let other = motcua_store::open(&t.options).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..100 {
        let store = if i % 2 == 0 {
            t.store.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move {
            store
                .create_agency(&agency(&format!("{i:03}.01.00.H29"), "Đơn vị", None))
                .await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("no database-is-locked error");
    }
    assert_eq!(t.store.all_agencies().await.unwrap().len(), 100);
}

#[tokio::test]
async fn receiving_point_with_unknown_unit_is_named() {
    let t = fresh_store().await;
    let a = t
        .store
        .create_agency(&agency("000.00.00.H29", "Trung tâm", None))
        .await
        .unwrap();
    let point = NewReceivingPoint {
        agency_code: a.code.clone(),
        code: "Q1".into(),
        name: "Chi nhánh 1".into(),
        address: None,
        unit_code: Some("99999".into()),
    };
    let StoreError::Invalid(v) = t.store.upsert_receiving_point(&point).await.unwrap_err() else {
        panic!()
    };
    assert_eq!(v.0[0].field, "unit_code");
    assert!(t.store.receiving_points(&a.code).await.unwrap().is_empty());
}
