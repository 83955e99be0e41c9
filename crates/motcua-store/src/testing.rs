//! A fresh, migrated store per test, on the backend the environment names.
//!
//! `MOTCUA_TEST_BACKEND=sqlite` (default) uses a temporary directory;
//! `MOTCUA_TEST_BACKEND=postgres` creates a new schema in the database named by
//! `MOTCUA_TEST_DATABASE_URL` (the test script makes a throwaway database for each run).
//! Asking for PostgreSQL without a URL fails loudly rather than quietly testing SQLite.

use std::sync::Arc;

use crate::{Backend, OpenOptions, Store};

pub struct TestStore {
    pub store: Arc<dyn Store>,
    /// The options the store was opened with, to open it again (e.g. after a restart).
    pub options: OpenOptions,
    _dir: tempfile::TempDir,
}

/// Which backend the test run targets.
pub fn backend() -> Backend {
    match std::env::var("MOTCUA_TEST_BACKEND").as_deref() {
        Ok("postgres") => Backend::Postgres,
        Ok("sqlite") | Err(_) => Backend::Sqlite,
        Ok(other) => panic!("MOTCUA_TEST_BACKEND must be sqlite or postgres, not {other:?}"),
    }
}

/// Options for a new empty database on the selected backend; the directory lives as long as
/// the returned guard.
pub async fn fresh_options() -> (OpenOptions, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut options = OpenOptions {
        data_dir: dir.path().join("data"),
        ..OpenOptions::default()
    };
    if backend() == Backend::Postgres {
        let url = std::env::var("MOTCUA_TEST_DATABASE_URL").expect(
            "MOTCUA_TEST_BACKEND=postgres needs MOTCUA_TEST_DATABASE_URL (scripts/test does this)",
        );
        let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = sqlx::PgPool::connect(&url)
            .await
            .expect("connect to test PostgreSQL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .expect("create test schema");
        admin.close().await;
        options.database_url = Some(url);
        options.pg_schema = Some(schema);
        options.max_connections = 4;
    }
    (options, dir)
}

/// A new, migrated store on the selected backend.
pub async fn fresh_store() -> TestStore {
    let (options, dir) = fresh_options().await;
    let store = crate::open(&options).await.expect("open test store");
    store.migrate().await.expect("migrate test store");
    TestStore {
        store,
        options,
        _dir: dir,
    }
}
