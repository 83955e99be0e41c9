//! Receiving points' work weeks: stored per point, read back as written, cleared back to the
//! default, kept across re-imports of the point, refused for unknown points.

use motcua_domain::agency::AgencyCode;
use motcua_store::testing::fresh_store;
use motcua_store::{NewReceivingPoint, Store, StoreError};

use crate::agency;

const SATURDAY_MORNINGS: &str = r#"{"weekly_days_off":["Sat","Sun"],"saturday_morning":true,"hours":[{"start":"07:30:00","end":"11:30:00"},{"start":"13:00:00","end":"17:00:00"}]}"#;
const FOUR_DAYS: &str = r#"{"weekly_days_off":["Fri","Sat","Sun"],"saturday_morning":false,"hours":[{"start":"08:00:00","end":"16:00:00"}]}"#;

fn point(agency: &AgencyCode, code: &str) -> NewReceivingPoint {
    NewReceivingPoint {
        agency_code: agency.clone(),
        code: code.into(),
        name: format!("Bộ phận một cửa {code}"),
        address: None,
        unit_code: None,
    }
}

/// Two agencies with a point `MC` each, and a second point `CN1` in the first.
async fn two_agencies(store: &dyn Store) -> (AgencyCode, AgencyCode) {
    let a = store
        .create_agency(&agency("000.00.12.H29", "Sở Tư pháp", None))
        .await
        .unwrap()
        .code;
    let b = store
        .create_agency(&agency("001.00.70.H29", "UBND Phường Một", None))
        .await
        .unwrap()
        .code;
    for (agency, code) in [(&a, "MC"), (&a, "CN1"), (&b, "MC")] {
        store
            .upsert_receiving_point(&point(agency, code))
            .await
            .unwrap();
    }
    (a, b)
}

#[tokio::test]
async fn a_point_keeps_its_own_week_until_cleared() {
    let t = fresh_store().await;
    let store = t.store.as_ref();
    let (a, b) = two_agencies(store).await;

    // Every point starts with the default week.
    assert_eq!(store.receiving_point_week(&a, "MC").await.unwrap(), None);
    assert!(store.receiving_point_weeks(&a).await.unwrap().is_empty());

    store
        .set_receiving_point_week(&a, "MC", Some(SATURDAY_MORNINGS))
        .await
        .unwrap();
    store
        .set_receiving_point_week(&a, "CN1", Some(FOUR_DAYS))
        .await
        .unwrap();
    assert_eq!(
        store
            .receiving_point_week(&a, "MC")
            .await
            .unwrap()
            .as_deref(),
        Some(SATURDAY_MORNINGS)
    );
    assert_eq!(
        store.receiving_point_weeks(&a).await.unwrap(),
        vec![
            ("CN1".to_owned(), FOUR_DAYS.to_owned()),
            ("MC".to_owned(), SATURDAY_MORNINGS.to_owned()),
        ]
    );
    // The same point code in another agency is another point.
    assert_eq!(store.receiving_point_week(&b, "MC").await.unwrap(), None);
    assert!(store.receiving_point_weeks(&b).await.unwrap().is_empty());

    // Replacing, and setting the same week again, are fine.
    store
        .set_receiving_point_week(&a, "MC", Some(FOUR_DAYS))
        .await
        .unwrap();
    store
        .set_receiving_point_week(&a, "MC", Some(FOUR_DAYS))
        .await
        .unwrap();
    assert_eq!(
        store
            .receiving_point_week(&a, "MC")
            .await
            .unwrap()
            .as_deref(),
        Some(FOUR_DAYS)
    );

    // Re-importing the point (demo refresh, imports) does not touch its week.
    let mut renamed = point(&a, "MC");
    renamed.name = "Bộ phận tiếp nhận và trả kết quả".into();
    store.upsert_receiving_point(&renamed).await.unwrap();
    assert_eq!(
        store
            .receiving_point_week(&a, "MC")
            .await
            .unwrap()
            .as_deref(),
        Some(FOUR_DAYS)
    );
    assert_eq!(store.receiving_points(&a).await.unwrap().len(), 2);

    // Clearing returns it to the default, and only it; clearing again is no error.
    store
        .set_receiving_point_week(&a, "MC", None)
        .await
        .unwrap();
    store
        .set_receiving_point_week(&a, "MC", None)
        .await
        .unwrap();
    assert_eq!(store.receiving_point_week(&a, "MC").await.unwrap(), None);
    assert_eq!(
        store.receiving_point_weeks(&a).await.unwrap(),
        vec![("CN1".to_owned(), FOUR_DAYS.to_owned())]
    );
}

#[tokio::test]
async fn unknown_points_and_agencies_are_not_found_and_change_nothing() {
    let t = fresh_store().await;
    let store = t.store.as_ref();
    let (a, b) = two_agencies(store).await;
    let nowhere: AgencyCode = "000.00.99.H29".parse().unwrap();

    for (agency, code) in [(&a, "KHONG"), (&b, "CN1"), (&nowhere, "MC")] {
        let err = store.receiving_point_week(agency, code).await.unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound),
            "{agency} {code}: {err:?}"
        );
        let err = store
            .set_receiving_point_week(agency, code, Some(SATURDAY_MORNINGS))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound),
            "{agency} {code}: {err:?}"
        );
        let err = store
            .set_receiving_point_week(agency, code, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NotFound),
            "{agency} {code}: {err:?}"
        );
    }
    assert!(
        store
            .receiving_point_weeks(&nowhere)
            .await
            .unwrap()
            .is_empty()
    );
    for agency in [&a, &b] {
        assert!(
            store
                .receiving_point_weeks(agency)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.receiving_point_week(agency, "MC").await.unwrap(),
            None
        );
    }
}
