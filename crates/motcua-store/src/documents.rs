//! Documents: those attached to dossiers (with their log entries and idempotency keys) and
//! each account's document store (kho dữ liệu điện tử), whose entries are reused in new
//! dossiers without uploading again.
//!
//! Rows only: contents live in the web layer's blob store under their SHA-256 and are written
//! before a row names them. One implementation for both backends (`documents_sql.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{DossierDocument, NewDocument, NewLogEntry, StoreResult};

/// Where a document-store entry came from.
pub mod source {
    /// Uploaded to the store directly.
    pub const UPLOAD: &str = "upload";
    /// Submitted by its owner with a dossier.
    pub const SUBMITTED: &str = "submitted";
    /// A result issued to its owner (kept when the result was returned).
    pub const RESULT: &str = "result";
}

/// An entry of an account's document store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApplicantDocument {
    pub id: i64,
    pub account_id: i64,
    pub name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// [`source`]: `upload`, `submitted` or `result`.
    pub source: String,
    pub source_dossier_id: Option<i64>,
    pub added_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewApplicantDocument {
    pub name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub source: String,
    pub source_dossier_id: Option<i64>,
}

/// A document to attach to a dossier, and what goes with it.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub document: NewDocument,
    /// Appended to the dossier's chain in the same transaction as the row.
    pub log: NewLogEntry,
    /// Also keep the document in this account's store (the owner submitting it), unless the
    /// store holds that content already.
    pub keep_for: Option<i64>,
    /// `(actor, key)`: an attaching call with a key seen before returns the document it
    /// attached and adds nothing.
    pub idempotency: Option<(String, String)>,
}

#[async_trait]
pub trait DocumentStore: Send + Sync {
    /// Attaches a document whose content is already stored: the row, its log entry and the
    /// store entry in one transaction. Returns the document and whether it was added now
    /// (`false`: an idempotent replay). A key already used for another dossier is
    /// `Conflict { field: "idempotency_key" }`; an unknown dossier `NotFound`.
    async fn attach_document(
        &self,
        dossier_id: i64,
        attachment: &Attachment,
    ) -> StoreResult<(DossierDocument, bool)>;
    /// One document of a dossier.
    async fn dossier_document(
        &self,
        dossier_id: i64,
        document_id: i64,
    ) -> StoreResult<Option<DossierDocument>>;
    /// An account's document store, newest first.
    async fn applicant_documents(&self, account_id: i64) -> StoreResult<Vec<ApplicantDocument>>;
    async fn applicant_document(
        &self,
        account_id: i64,
        id: i64,
    ) -> StoreResult<Option<ApplicantDocument>>;
    /// Adds an entry; when the store already holds that content, returns that entry instead
    /// (and `false`).
    async fn keep_applicant_document(
        &self,
        account_id: i64,
        document: &NewApplicantDocument,
    ) -> StoreResult<(ApplicantDocument, bool)>;
    /// `NotFound` when the account has no such entry.
    async fn rename_applicant_document(
        &self,
        account_id: i64,
        id: i64,
        name: &str,
    ) -> StoreResult<ApplicantDocument>;
    /// Removes an entry (the content stays: dossiers and other stores may share it); `false`
    /// when there was none.
    async fn remove_applicant_document(&self, account_id: i64, id: i64) -> StoreResult<bool>;
}
