use motcua_domain::unit::UnitLevel;
use motcua_store::testing::fresh_store;
use motcua_store::{PageRequest, UnitFilter, UpsertCounts};

use crate::unit;

#[tokio::test]
async fn upsert_is_idempotent_and_updates() {
    let t = fresh_store().await;
    let mut units = vec![
        unit("79", None, "Hồ Chí Minh"),
        unit("26734", Some("79"), "Sài Gòn"),
        unit("26737", Some("79"), "Tân Định"),
    ];
    let first = t.store.upsert_units(&units).await.unwrap();
    assert_eq!(
        first,
        UpsertCounts {
            inserted: 3,
            updated: 0,
            unchanged: 0
        }
    );
    let again = t.store.upsert_units(&units).await.unwrap();
    assert_eq!(
        again,
        UpsertCounts {
            inserted: 0,
            updated: 0,
            unchanged: 3
        }
    );
    units[2].name = "Tân Định mới".into();
    let changed = t.store.upsert_units(&units).await.unwrap();
    assert_eq!(
        changed,
        UpsertCounts {
            inserted: 0,
            updated: 1,
            unchanged: 2
        }
    );
    let stored = t.store.get_unit("26737").await.unwrap().unwrap();
    assert_eq!(stored, units[2]);
    assert!(t.store.get_unit("00000").await.unwrap().is_none());
}

#[tokio::test]
async fn lists_filter_by_level_parent_and_folded_name() {
    let t = fresh_store().await;
    t.store
        .upsert_units(&[
            unit("79", None, "Hồ Chí Minh"),
            unit("48", None, "Đà Nẵng"),
            unit("26734", Some("79"), "Sài Gòn"),
            unit("26737", Some("79"), "Tân Định"),
        ])
        .await
        .unwrap();
    let provinces = t
        .store
        .list_units(&UnitFilter {
            level: Some(UnitLevel::Province),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(provinces.total, 2);
    assert_eq!(provinces.items[0].code, "48", "ordered by code");
    let hcmc = t
        .store
        .list_units(&UnitFilter {
            parent_code: Some("79".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(hcmc.total, 2);
    for q in ["da nang", "ĐÀ NẴNG", "nẵng"] {
        let found = t
            .store
            .list_units(&UnitFilter {
                q: Some(q.into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(found.items.len(), 1, "{q}");
        assert_eq!(found.items[0].code, "48");
    }
    let page2 = t
        .store
        .list_units(&UnitFilter {
            page: PageRequest::new(Some(2), Some(3)),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!((page2.total, page2.items.len()), (4, 1));
    let wild = t
        .store
        .list_units(&UnitFilter {
            q: Some("%".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(wild.total, 4, "a lone wildcard is not a pattern");
}
