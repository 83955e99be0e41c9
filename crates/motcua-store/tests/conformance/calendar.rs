use motcua_store::testing::fresh_store;

#[tokio::test]
async fn notices_are_stored_replaced_and_removed() {
    let t = fresh_store().await;
    assert!(t.store.calendar_notices().await.unwrap().is_empty());
    t.store
        .put_calendar_notice(2027, r#"{"year":2027}"#)
        .await
        .unwrap();
    t.store
        .put_calendar_notice(2026, r#"{"year":2026}"#)
        .await
        .unwrap();
    t.store
        .put_calendar_notice(2027, r#"{"year":2027,"source":"x"}"#)
        .await
        .unwrap();
    let all = t.store.calendar_notices().await.unwrap();
    assert_eq!(
        all,
        vec![
            (2026, r#"{"year":2026}"#.into()),
            (2027, r#"{"year":2027,"source":"x"}"#.into())
        ]
    );
    assert!(t.store.delete_calendar_notice(2026).await.unwrap());
    assert!(!t.store.delete_calendar_notice(2026).await.unwrap());
    assert_eq!(t.store.calendar_notices().await.unwrap().len(), 1);
}
