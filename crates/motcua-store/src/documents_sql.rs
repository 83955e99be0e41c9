//! The one implementation of [`DocumentStore`](crate::DocumentStore) for both backends, in the
//! manner of `dossiers_sql.rs`: SQL text, row shapes, and [`impl_document_store!`] stamping
//! the method bodies out for a backend that provides `read_pool()`, `write()` and the
//! dossier store's `append_log_in`. The statement that locks the dossier row is passed in.

use chrono::{DateTime, Utc};

use crate::documents::ApplicantDocument;

pub(crate) const SELECT_DOSSIER_DOCUMENT: &str = "SELECT id, dossier_id, role, name, file_name, content_type, size_bytes, sha256, added_by, added_at FROM dossier_documents WHERE dossier_id = $1 AND id = $2";

pub(crate) const SELECT_DOCUMENT_BY_ID: &str = "SELECT id, dossier_id, role, name, file_name, content_type, size_bytes, sha256, added_by, added_at FROM dossier_documents WHERE id = $1";

pub(crate) const FIND_DOCUMENT_KEY: &str =
    "SELECT document_id FROM document_idempotency_keys WHERE actor = $1 AND key = $2";

pub(crate) const INSERT_DOCUMENT_KEY: &str = "INSERT INTO document_idempotency_keys (actor, key, document_id, created_at) VALUES ($1, $2, $3, $4)";

macro_rules! applicant_select {
    ($tail:literal) => {
        concat!(
            "SELECT id, account_id, name, file_name, content_type, size_bytes, sha256, source, source_dossier_id, added_at FROM applicant_documents ",
            $tail
        )
    };
}

pub(crate) const SELECT_APPLICANT_DOCUMENTS: &str =
    applicant_select!("WHERE account_id = $1 ORDER BY id DESC");
pub(crate) const SELECT_APPLICANT_DOCUMENT: &str =
    applicant_select!("WHERE account_id = $1 AND id = $2");
pub(crate) const SELECT_APPLICANT_DOCUMENT_BY_HASH: &str =
    applicant_select!("WHERE account_id = $1 AND sha256 = $2");

/// Keeps a document in an account's store once per content.
pub(crate) const KEEP_APPLICANT_DOCUMENT: &str = "INSERT INTO applicant_documents (account_id, name, file_name, content_type, size_bytes, sha256, source, source_dossier_id, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (account_id, sha256) DO NOTHING RETURNING id";

/// When a dossier's result is returned, its owner's store keeps the result documents
/// (`$1` dossier, `$2` now). Run by `change_dossier` in the returning transaction.
pub(crate) const KEEP_RESULTS: &str = "INSERT INTO applicant_documents (account_id, name, file_name, content_type, size_bytes, sha256, source, source_dossier_id, added_at) SELECT d.owner_account_id, dd.name, dd.file_name, dd.content_type, dd.size_bytes, dd.sha256, 'result', dd.dossier_id, $2 FROM dossier_documents dd JOIN dossiers d ON d.id = dd.dossier_id WHERE dd.dossier_id = $1 AND dd.role = 'result' AND d.owner_account_id IS NOT NULL ORDER BY dd.id ON CONFLICT (account_id, sha256) DO NOTHING";

pub(crate) const RENAME_APPLICANT_DOCUMENT: &str =
    "UPDATE applicant_documents SET name = $3 WHERE account_id = $1 AND id = $2";

pub(crate) const DELETE_APPLICANT_DOCUMENT: &str =
    "DELETE FROM applicant_documents WHERE account_id = $1 AND id = $2";

#[derive(sqlx::FromRow)]
pub(crate) struct ApplicantRow {
    id: i64,
    account_id: i64,
    name: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    source: String,
    source_dossier_id: Option<i64>,
    added_at: DateTime<Utc>,
}

impl From<ApplicantRow> for ApplicantDocument {
    fn from(r: ApplicantRow) -> Self {
        ApplicantDocument {
            id: r.id,
            account_id: r.account_id,
            name: r.name,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            sha256: r.sha256,
            source: r.source,
            source_dossier_id: r.source_dossier_id,
            added_at: r.added_at,
        }
    }
}

/// Implements [`DocumentStore`](crate::DocumentStore) for `$store`.
macro_rules! impl_document_store {
    ($store:ty, lock_dossier = $lock:expr $(,)?) => {
        const _: () = {
            use $crate::StoreResult;
            use $crate::documents::*;
            use $crate::documents_sql::*;
            use $crate::dossiers::{DossierDocument, NewDocument};
            use $crate::dossiers_sql::{DocumentRow, INSERT_DOCUMENT};
            use $crate::error::{StoreError, on_unique};

            #[::async_trait::async_trait]
            impl $crate::DocumentStore for $store {
                async fn attach_document(
                    &self,
                    dossier_id: i64,
                    a: &Attachment,
                ) -> StoreResult<(DossierDocument, bool)> {
                    let mut tx = self.write().await?;
                    // Attachments to one dossier queue here, so a replayed key sees the first.
                    let found: Option<i64> = ::sqlx::query_scalar($lock)
                        .bind(dossier_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if found.is_none() {
                        return Err(StoreError::NotFound);
                    }
                    if let Some((actor, key)) = &a.idempotency {
                        let seen: Option<i64> = ::sqlx::query_scalar(FIND_DOCUMENT_KEY)
                            .bind(actor)
                            .bind(key)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if let Some(id) = seen {
                            let row: DocumentRow = ::sqlx::query_as(SELECT_DOCUMENT_BY_ID)
                                .bind(id)
                                .fetch_one(&mut *tx)
                                .await?;
                            let doc = DossierDocument::from(row);
                            if doc.dossier_id != dossier_id {
                                return Err(StoreError::Conflict {
                                    field: "idempotency_key",
                                });
                            }
                            return Ok((doc, false));
                        }
                    }
                    let now = $crate::accounts_sql::now();
                    let d: &NewDocument = &a.document;
                    let id: i64 = ::sqlx::query_scalar(INSERT_DOCUMENT)
                        .bind(dossier_id)
                        .bind(&d.role)
                        .bind(&d.name)
                        .bind(&d.file_name)
                        .bind(&d.content_type)
                        .bind(d.size_bytes)
                        .bind(&d.sha256)
                        .bind(d.added_by)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                    Self::append_log_in(&mut tx, dossier_id, a.log.clone()).await?;
                    if let Some((actor, key)) = &a.idempotency {
                        ::sqlx::query(INSERT_DOCUMENT_KEY)
                            .bind(actor)
                            .bind(key)
                            .bind(id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await
                            .map_err(|e| on_unique(e, "idempotency_key"))?;
                    }
                    if let Some(account) = a.keep_for {
                        let _: Option<i64> = ::sqlx::query_scalar(KEEP_APPLICANT_DOCUMENT)
                            .bind(account)
                            .bind(&d.name)
                            .bind(&d.file_name)
                            .bind(&d.content_type)
                            .bind(d.size_bytes)
                            .bind(&d.sha256)
                            .bind(source::SUBMITTED)
                            .bind(dossier_id)
                            .bind(now)
                            .fetch_optional(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok((
                        DossierDocument {
                            id,
                            dossier_id,
                            role: d.role.clone(),
                            name: d.name.clone(),
                            file_name: d.file_name.clone(),
                            content_type: d.content_type.clone(),
                            size_bytes: d.size_bytes,
                            sha256: d.sha256.clone(),
                            added_by: d.added_by,
                            added_at: now,
                        },
                        true,
                    ))
                }

                async fn dossier_document(
                    &self,
                    dossier_id: i64,
                    document_id: i64,
                ) -> StoreResult<Option<DossierDocument>> {
                    let row: Option<DocumentRow> = ::sqlx::query_as(SELECT_DOSSIER_DOCUMENT)
                        .bind(dossier_id)
                        .bind(document_id)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(Into::into))
                }

                async fn applicant_documents(
                    &self,
                    account_id: i64,
                ) -> StoreResult<Vec<ApplicantDocument>> {
                    let rows: Vec<ApplicantRow> = ::sqlx::query_as(SELECT_APPLICANT_DOCUMENTS)
                        .bind(account_id)
                        .fetch_all(self.read_pool())
                        .await?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }

                async fn applicant_document(
                    &self,
                    account_id: i64,
                    id: i64,
                ) -> StoreResult<Option<ApplicantDocument>> {
                    let row: Option<ApplicantRow> = ::sqlx::query_as(SELECT_APPLICANT_DOCUMENT)
                        .bind(account_id)
                        .bind(id)
                        .fetch_optional(self.read_pool())
                        .await?;
                    Ok(row.map(Into::into))
                }

                async fn keep_applicant_document(
                    &self,
                    account_id: i64,
                    d: &NewApplicantDocument,
                ) -> StoreResult<(ApplicantDocument, bool)> {
                    let mut tx = self.write().await?;
                    let now = $crate::accounts_sql::now();
                    let id: Option<i64> = ::sqlx::query_scalar(KEEP_APPLICANT_DOCUMENT)
                        .bind(account_id)
                        .bind(&d.name)
                        .bind(&d.file_name)
                        .bind(&d.content_type)
                        .bind(d.size_bytes)
                        .bind(&d.sha256)
                        .bind(&d.source)
                        .bind(d.source_dossier_id)
                        .bind(now)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(|e| match &e {
                            ::sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                                StoreError::NotFound
                            }
                            _ => StoreError::Database(e),
                        })?;
                    let row: ApplicantRow = match id {
                        Some(id) => {
                            ::sqlx::query_as(SELECT_APPLICANT_DOCUMENT)
                                .bind(account_id)
                                .bind(id)
                                .fetch_one(&mut *tx)
                                .await?
                        }
                        None => {
                            ::sqlx::query_as(SELECT_APPLICANT_DOCUMENT_BY_HASH)
                                .bind(account_id)
                                .bind(&d.sha256)
                                .fetch_one(&mut *tx)
                                .await?
                        }
                    };
                    tx.commit().await?;
                    Ok((row.into(), id.is_some()))
                }

                async fn rename_applicant_document(
                    &self,
                    account_id: i64,
                    id: i64,
                    name: &str,
                ) -> StoreResult<ApplicantDocument> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(RENAME_APPLICANT_DOCUMENT)
                        .bind(account_id)
                        .bind(id)
                        .bind(name)
                        .execute(&mut *tx)
                        .await?;
                    if done.rows_affected() == 0 {
                        return Err(StoreError::NotFound);
                    }
                    let row: ApplicantRow = ::sqlx::query_as(SELECT_APPLICANT_DOCUMENT)
                        .bind(account_id)
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(row.into())
                }

                async fn remove_applicant_document(
                    &self,
                    account_id: i64,
                    id: i64,
                ) -> StoreResult<bool> {
                    let mut tx = self.write().await?;
                    let done = ::sqlx::query(DELETE_APPLICANT_DOCUMENT)
                        .bind(account_id)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(done.rows_affected() > 0)
                }
            }
        };
    };
}

pub(crate) use impl_document_store;
