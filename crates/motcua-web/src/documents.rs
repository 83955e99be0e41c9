//! Documents, shared by the API and the pages: the documents of a dossier (what applicants
//! submit, what the counter scans from paper, the results) and each applicant's document store
//! (kho dữ liệu điện tử), reused in new dossiers without uploading again.
//!
//! An upload is checked before anything is stored: its size against the limit, its type by
//! its content (the declared type and the file name's extension are the client's word and are
//! not trusted). The content goes to the blob store under its SHA-256 first, then the row and
//! its log entry (kind `document`, with the hash) in one transaction.
//!
//! Who adds what, when (the authorization policy for the person, the dossier's state for the
//! moment):
//! - application documents: the owner while the dossier is a draft or a supplement is
//!   requested; counter staff of its agencies (scanning paper) from the draft of a paper
//!   dossier until it is received, and during a supplement request (an applicant's online
//!   draft is theirs until they submit it);
//! - result documents: those who process or approve it where it is held, from reception until
//!   the result is returned.
//!
//! The right role at the wrong moment is a 422 naming `role`; no right at all is 403 (404 for
//! those who may not see the dossier).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Utc;
use motcua_auth::policy::{Action, Resource};
use motcua_domain::FieldError;
use motcua_dossier::Status;
use motcua_store::documents::source;
use motcua_store::{
    ApplicantDocument, Attachment, DossierDocument, NewApplicantDocument, NewDocument, NewLogEntry,
    StoredDossier,
};

use crate::AppState;
use crate::auth::Viewer;
use crate::dossiers::{load_readable, scope};
use crate::error::{ApiError, ApiResult};
use crate::uploads::{Upload, UploadForm, too_large};

/// A type we accept, as recognised from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub mime: &'static str,
    pub extension: &'static str,
    pub label: &'static str,
}

/// What may be attached: documents and scans, and the office formats agencies exchange.
/// Executables, HTML, scripts, archives and legacy (macro-bearing) office files are not.
pub const ACCEPTED: &[Kind] = &[
    Kind {
        mime: "application/pdf",
        extension: "pdf",
        label: "PDF",
    },
    Kind {
        mime: "image/jpeg",
        extension: "jpg",
        label: "JPEG",
    },
    Kind {
        mime: "image/png",
        extension: "png",
        label: "PNG",
    },
    Kind {
        mime: "image/tiff",
        extension: "tif",
        label: "TIFF",
    },
    Kind {
        mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        extension: "docx",
        label: "DOCX",
    },
    Kind {
        mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extension: "xlsx",
        label: "XLSX",
    },
    Kind {
        mime: "application/vnd.oasis.opendocument.text",
        extension: "odt",
        label: "ODT",
    },
    Kind {
        mime: "application/vnd.oasis.opendocument.spreadsheet",
        extension: "ods",
        label: "ODS",
    },
];

/// What the document templates use besides their context: the `accept` attribute of file
/// inputs (`upload_accept`), the size limit in MiB (`upload_max_mib`), `|filesize`.
pub fn register_template_helpers(env: &mut minijinja::Environment<'static>, max_file_bytes: usize) {
    env.add_global("upload_accept", accept_attribute());
    env.add_global("upload_max_mib", max_file_bytes.div_ceil(1024 * 1024));
    env.add_filter("filesize", filesize);
}

/// `1.5 MB`, `820 KB`, `12 B` (powers of 1024).
pub fn filesize(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes.max(0) as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.0} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

/// The `accept` attribute of file inputs (a hint to the browser; the server sniffs anyway).
pub fn accept_attribute() -> String {
    let mut parts: Vec<String> = ACCEPTED
        .iter()
        .map(|k| format!(".{}", k.extension))
        .collect();
    parts.extend([".jpeg".to_owned(), ".tiff".to_owned()]);
    parts.extend(ACCEPTED.iter().map(|k| k.mime.to_owned()));
    parts.join(",")
}

fn accepted_labels() -> String {
    ACCEPTED
        .iter()
        .map(|k| k.label)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The type of `bytes`, recognised from their content, if we accept it.
pub fn sniff(bytes: &[u8]) -> Result<Kind, FieldError> {
    if bytes.is_empty() {
        return Err(FieldError::new(
            "file",
            "empty",
            "Tệp rỗng.",
            "The file is empty.",
        ));
    }
    let found = infer::get(bytes);
    if let Some(kind) = found.and_then(|t| ACCEPTED.iter().find(|k| k.mime == t.mime_type())) {
        return Ok(*kind);
    }
    let what = found.map_or_else(
        || "không rõ / unknown".to_owned(),
        |t| t.mime_type().to_owned(),
    );
    Err(FieldError::new(
        "file",
        "type",
        format!(
            "Nội dung tệp không thuộc loại được chấp nhận ({}); hệ thống nhận diện: {what}. Tên tệp hay đuôi tệp không quyết định loại tệp.",
            accepted_labels()
        ),
        format!(
            "The file's content is not of an accepted type ({}); it was recognised as: {what}. The file name or extension does not decide the type.",
            accepted_labels()
        ),
    ))
}

const MAX_NAME: usize = 300;
const MAX_FILE_NAME: usize = 200;

/// The file name to keep: the last path component of what the client sent (browsers on some
/// systems send a whole path), without control characters, with the extension of the type
/// recognised.
pub fn clean_file_name(raw: &str, kind: Kind) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, _)) if !stem.trim().is_empty() => stem.trim(),
        _ => cleaned,
    };
    let stem: String = stem.chars().take(MAX_FILE_NAME).collect();
    let stem = if stem.trim().is_empty() {
        "tai-lieu".to_owned()
    } else {
        stem
    };
    format!("{stem}.{}", kind.extension)
}

/// The title given, or the file name without its extension.
fn title(given: Option<&str>, file_name: &str) -> ApiResult<String> {
    match given.map(str::trim).filter(|s| !s.is_empty()) {
        Some(t) if t.chars().count() > MAX_NAME => {
            Err(FieldError::too_long("name", MAX_NAME).into())
        }
        Some(t) => Ok(t.to_owned()),
        None => Ok(file_name
            .rsplit_once('.')
            .map_or(file_name, |(stem, _)| stem)
            .to_owned()),
    }
}

/// A checked file, its content stored.
pub struct Stored {
    pub kind: Kind,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// Checks an upload (size, type by content) and stores its content.
pub async fn check_and_store(state: &AppState, upload: &Upload) -> ApiResult<Stored> {
    let max = state.blobs.max_file_bytes();
    if upload.bytes.len() > max {
        return Err(too_large(max));
    }
    let kind = sniff(&upload.bytes)?;
    let sha256 = state.blobs.put(upload.bytes.clone()).await?;
    Ok(Stored {
        kind,
        file_name: clean_file_name(&upload.file_name, kind),
        size_bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
        sha256,
    })
}

/// The two kinds of dossier documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Submitted with the dossier or scanned from paper at the counter.
    Application,
    /// The result issued.
    Result,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Application => "application",
            Role::Result => "result",
        }
    }

    fn label_vi(self) -> &'static str {
        match self {
            Role::Application => "thành phần hồ sơ",
            Role::Result => "kết quả",
        }
    }

    pub fn parse(raw: Option<&str>) -> ApiResult<Self> {
        match raw.map(str::trim).unwrap_or("application") {
            "" | "application" => Ok(Role::Application),
            "result" => Ok(Role::Result),
            _ => Err(FieldError::new(
                "role",
                "one_of",
                "Loại tài liệu phải là application (thành phần hồ sơ) hoặc result (kết quả).",
                "The role must be application or result.",
            )
            .into()),
        }
    }
}

/// In which states each right adds documents.
fn states(right: Right) -> &'static [Status] {
    match right {
        Right::Owner => &[Status::Draft, Status::SupplementRequested],
        Right::Counter => &[
            Status::Draft,
            Status::Submitted,
            Status::Received,
            Status::SupplementRequested,
        ],
        Right::Processor => &[
            Status::Received,
            Status::Processing,
            Status::AwaitingFees,
            Status::Processed,
        ],
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Right {
    Owner,
    Counter,
    Processor,
}

/// Which right lets the viewer add a `role` document to `d` now: the rights the person holds
/// on it (policy), then whether the dossier's state admits it.
fn adding_right(viewer: &Viewer, d: &StoredDossier, role: Role) -> ApiResult<Right> {
    let account = viewer.require_account()?;
    let resource = Resource::Dossier(scope(d));
    viewer.authorize(Action::Read, &resource)?;
    let officer = viewer.is_officer();
    let held: Vec<Right> = match role {
        Role::Application => [
            (d.state.owner_account_id == Some(account.id)
                && viewer.allowed(Action::Update, &resource))
            .then_some(Right::Owner),
            (officer && viewer.allowed(Action::Receive, &resource)).then_some(Right::Counter),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Role::Result => (officer
            && (viewer.allowed(Action::Process, &resource)
                || viewer.allowed(Action::Approve, &resource)))
        .then_some(Right::Processor)
        .into_iter()
        .collect(),
    };
    if held.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let status = d.state.status;
    let online_draft = status == Status::Draft && d.channel == "online";
    held.into_iter()
        .find(|r| states(*r).contains(&status) && !(*r == Right::Counter && online_draft))
        .ok_or_else(|| {
            FieldError::new(
                "role",
                "not_now",
                format!(
                    "Không thể thêm tài liệu {} khi hồ sơ đang ở trạng thái «{}».",
                    role.label_vi(),
                    status.label_vi()
                ),
                format!(
                    "No {} document can be added while the dossier is “{}”.",
                    role.as_str(),
                    status.label_en()
                ),
            )
            .into()
        })
}

/// Whether the viewer may add a `role` document to `d` now (for showing the form).
pub fn can_add(viewer: &Viewer, d: &StoredDossier, role: Role) -> bool {
    adding_right(viewer, d, role).is_ok()
}

/// Adds a document to dossier `dossier_id`: the form's `file`, or `from_my_documents` (an
/// entry of the viewer's document store) without uploading again; `name` and `role`
/// (`application` by default).
pub async fn add_to_dossier(
    state: &AppState,
    viewer: &Viewer,
    dossier_id: i64,
    form: &UploadForm,
    idempotency_key: Option<&str>,
) -> ApiResult<(DossierDocument, bool)> {
    let d = load_readable(state, viewer, dossier_id).await?;
    let account = viewer.require_account()?;
    let role = Role::parse(form.text("role"))?;
    let right = adding_right(viewer, &d, role)?;
    let reuse = form.text("from_my_documents");
    let mut reused_name = None;
    let (file_name, content_type, size_bytes, sha256, reused) = match (&form.file, reuse) {
        (Some(_), Some(_)) => {
            return Err(FieldError::new(
                "from_my_documents",
                "either",
                "Chọn tải tệp lên hoặc dùng lại một tài liệu trong kho, không cả hai.",
                "Upload a file or reuse a document from your store, not both.",
            )
            .into());
        }
        (None, Some(raw)) => {
            let unknown = || {
                ApiError::from(FieldError::new(
                    "from_my_documents",
                    "unknown",
                    "Không có tài liệu này trong kho dữ liệu của bạn.",
                    "No such document in your document store.",
                ))
            };
            let id: i64 = raw.parse().map_err(|_| unknown())?;
            let mine = state
                .store
                .applicant_document(account.id, id)
                .await?
                .ok_or_else(unknown)?;
            if !state.blobs.exists(&mine.sha256).await? {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "document store entry {} has no content",
                    mine.id
                )));
            }
            reused_name = Some(mine.name);
            (
                mine.file_name,
                mine.content_type,
                mine.size_bytes,
                mine.sha256,
                true,
            )
        }
        (Some(upload), None) => {
            let stored = check_and_store(state, upload).await?;
            (
                stored.file_name,
                stored.kind.mime.to_owned(),
                stored.size_bytes,
                stored.sha256,
                false,
            )
        }
        (None, None) => return Err(FieldError::required("file").into()),
    };
    let name = match (form.text("name"), reused_name) {
        (None, Some(kept)) => kept,
        (given, _) => title(given, &file_name)?,
    };
    let detail = serde_json::json!({
        "name": name,
        "file_name": file_name,
        "content_type": content_type,
        "size_bytes": size_bytes,
        "sha256": sha256,
        "role": role.as_str(),
        "reused": reused,
    });
    let attachment = Attachment {
        document: NewDocument {
            role: role.as_str().to_owned(),
            name,
            file_name,
            content_type,
            size_bytes,
            sha256,
            added_by: Some(account.id),
        },
        log: NewLogEntry {
            at: Utc::now(),
            kind: "document".into(),
            actor_id: Some(account.id),
            ip: viewer.ip.clone(),
            detail,
        },
        // What the owner submits is theirs to reuse.
        keep_for: (right == Right::Owner && !reused).then_some(account.id),
        idempotency: idempotency_key.map(|k| (format!("account:{}", account.id), k.to_owned())),
    };
    Ok(state.store.attach_document(d.id, &attachment).await?)
}

/// The documents of a dossier the viewer may read.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    dossier_id: i64,
) -> ApiResult<(StoredDossier, Vec<DossierDocument>)> {
    let d = load_readable(state, viewer, dossier_id).await?;
    let docs = state.store.documents(d.id).await?;
    Ok((d, docs))
}

/// An officer's reading of a dossier goes on its record.
pub async fn log_view(
    state: &AppState,
    viewer: &Viewer,
    dossier_id: i64,
    detail: serde_json::Value,
) -> ApiResult<()> {
    if viewer.is_officer() {
        state
            .store
            .append_dossier_log(
                dossier_id,
                NewLogEntry {
                    at: Utc::now(),
                    kind: "view".into(),
                    actor_id: viewer.account_id(),
                    ip: viewer.ip.clone(),
                    detail,
                },
            )
            .await?;
    }
    Ok(())
}

/// Downloads a document of a dossier: authorized like reading the dossier; an officer's
/// download is logged as a view.
pub async fn download(
    state: &AppState,
    viewer: &Viewer,
    dossier_id: i64,
    document_id: i64,
) -> ApiResult<Response> {
    let d = load_readable(state, viewer, dossier_id).await?;
    let doc = state
        .store
        .dossier_document(d.id, document_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    log_view(
        state,
        viewer,
        d.id,
        serde_json::json!({ "document_id": doc.id, "sha256": doc.sha256 }),
    )
    .await?;
    content(state, &doc.sha256, &doc.content_type, &doc.file_name).await
}

/// The viewer's own document store.
pub async fn my_documents(state: &AppState, viewer: &Viewer) -> ApiResult<Vec<ApplicantDocument>> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Read, &Resource::OwnAccount(account.id))?;
    Ok(state.store.applicant_documents(account.id).await?)
}

/// Adds the form's file to the viewer's document store (the same content twice is one
/// entry: `false` then).
pub async fn keep_mine(
    state: &AppState,
    viewer: &Viewer,
    form: &UploadForm,
) -> ApiResult<(ApplicantDocument, bool)> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    let upload = form
        .file
        .as_ref()
        .ok_or_else(|| ApiError::from(FieldError::required("file")))?;
    let stored = check_and_store(state, upload).await?;
    let name = title(form.text("name"), &stored.file_name)?;
    Ok(state
        .store
        .keep_applicant_document(
            account.id,
            &NewApplicantDocument {
                name,
                file_name: stored.file_name,
                content_type: stored.kind.mime.to_owned(),
                size_bytes: stored.size_bytes,
                sha256: stored.sha256,
                source: source::UPLOAD.to_owned(),
                source_dossier_id: None,
            },
        )
        .await?)
}

pub async fn rename_mine(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    name: Option<&str>,
) -> ApiResult<ApplicantDocument> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    let name = name
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::from(FieldError::required("name")))?;
    if name.chars().count() > MAX_NAME {
        return Err(FieldError::too_long("name", MAX_NAME).into());
    }
    Ok(state
        .store
        .rename_applicant_document(account.id, id, name)
        .await?)
}

pub async fn remove_mine(state: &AppState, viewer: &Viewer, id: i64) -> ApiResult<()> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Update, &Resource::OwnAccount(account.id))?;
    if state
        .store
        .remove_applicant_document(account.id, id)
        .await?
    {
        Ok(())
    } else {
        Err(ApiError::NotFound)
    }
}

pub async fn download_mine(state: &AppState, viewer: &Viewer, id: i64) -> ApiResult<Response> {
    let account = viewer.require_account()?;
    viewer.authorize(Action::Read, &Resource::OwnAccount(account.id))?;
    let doc = state
        .store
        .applicant_document(account.id, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    content(state, &doc.sha256, &doc.content_type, &doc.file_name).await
}

/// A stored content as a download: the type recognised at upload, never sniffed again by the
/// browser, always saved rather than shown inline (an uploaded file is not our page).
async fn content(
    state: &AppState,
    sha256: &str,
    content_type: &str,
    file_name: &str,
) -> ApiResult<Response> {
    let blob = state.blobs.get(sha256).await?.ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!("document content {sha256} is missing"))
    })?;
    let mut response = Response::new(Body::from_stream(blob.stream));
    *response.status_mut() = StatusCode::OK;
    let h = response.headers_mut();
    let safe_type = ACCEPTED
        .iter()
        .find(|k| k.mime == content_type)
        .map_or("application/octet-stream", |k| k.mime);
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(safe_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(blob.size));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(file_name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"sha256-{sha256}\"")) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

/// `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266, RFC 8187).
pub fn content_disposition(file_name: &str) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && !matches!(c, '"' | '\\' | ';' | '%') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in file_name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A dossier document as pages show it.
fn document_value(d: &DossierDocument) -> minijinja::Value {
    minijinja::context! {
        id => d.id, name => d.name, file_name => d.file_name, content_type => d.content_type,
        size_bytes => d.size_bytes, sha256 => d.sha256, role => d.role,
        added_at => d.added_at.with_timezone(&motcua_calendar::vietnam()).format("%d/%m/%Y %H:%M").to_string(),
    }
}

/// A document-store entry as pages show it.
pub(crate) fn mine_value(d: &ApplicantDocument) -> minijinja::Value {
    minijinja::context! {
        id => d.id, name => d.name, file_name => d.file_name, content_type => d.content_type,
        size_bytes => d.size_bytes, sha256 => d.sha256, source => d.source,
        source_dossier_id => d.source_dossier_id,
        added_at => d.added_at.with_timezone(&motcua_calendar::vietnam()).format("%d/%m/%Y %H:%M").to_string(),
    }
}

/// What `templates/dossier_documents.html` expects, for the dossier page to merge into its
/// context: `dossier_id`, `documents`, `my_documents` (the viewer's store, for reuse),
/// `can_upload_application`, `can_upload_result`, `csrf`. The caller has checked that the
/// viewer may read `d` (and logged the view).
pub async fn documents_context(
    state: &AppState,
    viewer: &Viewer,
    d: &StoredDossier,
) -> ApiResult<minijinja::Value> {
    let documents: Vec<minijinja::Value> = state
        .store
        .documents(d.id)
        .await?
        .iter()
        .map(document_value)
        .collect();
    let can_upload_application = can_add(viewer, d, Role::Application);
    let can_upload_result = can_add(viewer, d, Role::Result);
    let my_documents: Vec<minijinja::Value> = match viewer.account_id() {
        Some(me) if can_upload_application && d.state.owner_account_id == Some(me) => state
            .store
            .applicant_documents(me)
            .await?
            .iter()
            .map(mine_value)
            .collect(),
        _ => Vec::new(),
    };
    Ok(minijinja::context! {
        dossier_id => d.id,
        documents,
        my_documents,
        can_upload_application,
        can_upload_result,
        csrf => viewer.csrf_token(state).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    const PNG: &[u8] = &[
        0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];

    #[test]
    fn types_come_from_the_content() {
        assert_eq!(sniff(PDF).unwrap().mime, "application/pdf");
        assert_eq!(sniff(PNG).unwrap().mime, "image/png");
        let html = sniff(b"<!DOCTYPE html><html><script>alert(1)</script></html>").unwrap_err();
        assert_eq!((html.field.as_str(), html.code), ("file", "type"));
        assert!(html.message_vi.contains("text/html"), "{}", html.message_vi);
        let mut elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0".to_vec();
        elf.resize(64, 0);
        let elf = sniff(&elf).unwrap_err();
        assert!(elf.message_en.contains("executable"), "{}", elf.message_en);
        assert_eq!(sniff(b"").unwrap_err().code, "empty");
        let zip = sniff(b"PK\x03\x04\x14\0\0\0\0\0").unwrap_err();
        assert_eq!(zip.code, "type");
    }

    #[test]
    fn file_names_are_cleaned_and_get_the_extension_of_their_content() {
        let pdf = ACCEPTED[0];
        let png = ACCEPTED[2];
        assert_eq!(clean_file_name("Tờ khai.pdf", pdf), "Tờ khai.pdf");
        assert_eq!(
            clean_file_name("C:\\fakepath\\scan 01.PDF", pdf),
            "scan 01.pdf"
        );
        assert_eq!(clean_file_name("anh.pdf", png), "anh.png");
        assert_eq!(clean_file_name("../../etc/passwd", pdf), "passwd.pdf");
        assert_eq!(clean_file_name("", pdf), "tai-lieu.pdf");
        assert_eq!(clean_file_name(".pdf", pdf), "pdf.pdf");
        assert_eq!(clean_file_name("a\u{0}b\"c.pdf", pdf), "abc.pdf");
    }

    #[test]
    fn downloads_name_the_file_in_ascii_and_utf8() {
        assert_eq!(
            content_disposition("Giấy khai sinh.pdf"),
            "attachment; filename=\"Gi_y khai sinh.pdf\"; filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh.pdf"
        );
        assert!(content_disposition("a\";b.pdf").starts_with("attachment; filename=\"a__b.pdf\""));
    }

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(filesize(12), "12 B");
        assert_eq!(filesize(820 * 1024), "820 KB");
        assert_eq!(filesize(3 * 1024 * 1024 / 2), "1.5 MB");
    }

    #[test]
    fn roles_parse_with_a_named_field() {
        assert_eq!(Role::parse(None).unwrap(), Role::Application);
        assert_eq!(Role::parse(Some("result")).unwrap(), Role::Result);
        let Err(ApiError::Invalid(v)) = Role::parse(Some("other")) else {
            panic!("refused");
        };
        assert_eq!(v.0[0].field, "role");
    }
}
