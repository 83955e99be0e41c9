use motcua_store::Backend;
use motcua_store::testing::{backend, fresh_store};

#[tokio::test]
async fn migrated_store_is_ready() {
    let t = fresh_store().await;
    t.store.ping().await.unwrap();
    assert!(t.store.pending_migrations().await.unwrap().is_empty());
    assert_eq!(
        t.store.migrate().await.unwrap(),
        0,
        "migrating twice applies nothing"
    );
    assert_eq!(t.store.backend(), backend());
    assert!(t.store.pool_stats().iter().all(|p| p.max >= 1));
    t.store.maintain().await.unwrap();
}

#[tokio::test]
async fn sqlite_is_durable_and_enforces_foreign_keys() {
    if backend() != Backend::Sqlite {
        return;
    }
    let (options, _dir) = motcua_store::testing::fresh_options().await;
    let store = motcua_store::sqlite::SqliteStore::open(&options)
        .await
        .unwrap();
    let (journal, sync, fk) = store.pragmas().await.unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(sync, 2, "synchronous=FULL");
    assert_eq!(fk, 1);
}

#[tokio::test]
async fn sqlite_refuses_bad_synchronous_setting() {
    if backend() != Backend::Sqlite {
        return;
    }
    let (mut options, _dir) = motcua_store::testing::fresh_options().await;
    options.sqlite_synchronous = "off".into();
    let err = motcua_store::sqlite::SqliteStore::open(&options)
        .await
        .err()
        .unwrap();
    assert!(err.to_string().contains("synchronous"), "{err}");
}
