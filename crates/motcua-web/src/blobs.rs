//! Attachment contents, content-addressed: a file is stored once under the SHA-256 of its bytes
//! (`sha256/ab/cd/<hex>`), whoever uploads it and however often, in a local directory by
//! default or in S3-compatible object storage (cargo feature `s3`), through `object_store`.
//!
//! Contents are written before the database row that refers to them: a crash in between
//! leaves at most an unreferenced blob, never a document without content. Nothing here
//! deletes: a blob may be shared by several documents and accounts, and a removal racing an
//! upload of the same bytes would leave a row without content. Unreferenced blobs are for a
//! later garbage collection that checks the database first.

use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};

/// Where attachment contents go.
#[derive(Clone, Default)]
pub enum BlobBackend {
    /// In memory, gone with the process: for tests and embedding (`motcua serve` always
    /// configures a directory or S3).
    #[default]
    Memory,
    /// A local directory (created when missing); files are synced before a write returns.
    Directory(PathBuf),
    /// An S3-compatible bucket (needs the `s3` cargo feature).
    S3(S3Settings),
}

/// An S3-compatible bucket (AWS, MinIO, Ceph, Viettel/VNPT/FPT object storage…).
#[derive(Clone, Default)]
pub struct S3Settings {
    /// `https://s3.example.vn`; unset for AWS itself.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Allow `http://` endpoints (a bucket on the local network).
    pub allow_http: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id.as_ref().map(|_| "***"))
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "***"),
            )
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// Attachment settings of the web layer.
#[derive(Clone)]
pub struct BlobSettings {
    pub backend: BlobBackend,
    /// The largest file accepted, in bytes.
    pub max_file_bytes: usize,
}

/// 20 MiB: a scanned dossier of a few dozen pages at 200 dpi.
pub const DEFAULT_MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

impl Default for BlobSettings {
    fn default() -> Self {
        Self {
            backend: BlobBackend::Memory,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// The content store. Cheap to clone.
#[derive(Clone)]
pub struct Blobs {
    store: Arc<dyn ObjectStore>,
    max_file_bytes: usize,
    label: String,
}

/// A blob as read back.
pub struct BlobContent {
    pub size: u64,
    pub stream: BoxStream<'static, object_store::Result<Bytes>>,
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write;
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Whether `s` is a SHA-256 in lowercase hex (what [`Blobs::path`] accepts).
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Blobs {
    pub fn open(settings: &BlobSettings) -> anyhow::Result<Self> {
        let (store, label): (Arc<dyn ObjectStore>, String) = match &settings.backend {
            BlobBackend::Memory => (
                Arc::new(object_store::memory::InMemory::new()),
                "memory".into(),
            ),
            BlobBackend::Directory(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| {
                    anyhow::anyhow!("cannot create the files directory {}: {e}", dir.display())
                })?;
                let fs = object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| anyhow::anyhow!("files directory {}: {e}", dir.display()))?
                    .with_fsync(true)
                    .with_automatic_cleanup(false);
                (Arc::new(fs), format!("directory {}", dir.display()))
            }
            BlobBackend::S3(s3) => (s3_store(s3)?, format!("S3 bucket {}", s3.bucket)),
        };
        Ok(Self {
            store,
            max_file_bytes: settings.max_file_bytes,
            label,
        })
    }

    /// For logs: where contents go, without credentials.
    pub fn label(&self) -> &str {
        &self.label
    }

    pub fn max_file_bytes(&self) -> usize {
        self.max_file_bytes
    }

    /// `sha256/ab/cd/<hex>`: two levels of fan-out keep directories small.
    pub fn path(sha256: &str) -> ObjectPath {
        debug_assert!(is_sha256_hex(sha256));
        ObjectPath::from(format!(
            "sha256/{}/{}/{sha256}",
            &sha256[0..2],
            &sha256[2..4]
        ))
    }

    /// Stores `bytes` under their hash unless already there; returns the hash.
    #[tracing::instrument(skip_all, fields(size = bytes.len()))]
    pub async fn put(&self, bytes: Bytes) -> anyhow::Result<String> {
        let sha = sha256_hex(&bytes);
        let path = Self::path(&sha);
        if self.exists(&sha).await? {
            return Ok(sha);
        }
        // Two identical uploads at once both write the same bytes; the local store writes to a
        // temporary file and renames, so readers never see half a file.
        self.store
            .put(&path, PutPayload::from(bytes))
            .await
            .map_err(|e| anyhow::anyhow!("store blob {sha}: {e}"))?;
        Ok(sha)
    }

    pub async fn exists(&self, sha256: &str) -> anyhow::Result<bool> {
        if !is_sha256_hex(sha256) {
            return Ok(false);
        }
        match self.store.head(&Self::path(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(anyhow::anyhow!("look up blob {sha256}: {e}")),
        }
    }

    /// The content of a blob, streamed; `None` when it is missing.
    pub async fn get(&self, sha256: &str) -> anyhow::Result<Option<BlobContent>> {
        if !is_sha256_hex(sha256) {
            return Ok(None);
        }
        match self.store.get(&Self::path(sha256)).await {
            Ok(got) => Ok(Some(BlobContent {
                size: got.meta.size,
                stream: got.into_stream(),
            })),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(anyhow::anyhow!("read blob {sha256}: {e}")),
        }
    }
}

#[cfg(feature = "s3")]
fn s3_store(s3: &S3Settings) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let mut builder = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_allow_http(s3.allow_http);
    if let Some(endpoint) = &s3.endpoint {
        builder = builder.with_endpoint(endpoint);
    }
    if let Some(id) = &s3.access_key_id {
        builder = builder.with_access_key_id(id);
    }
    if let Some(secret) = &s3.secret_access_key {
        builder = builder.with_secret_access_key(secret);
    }
    let store = builder
        .build()
        .map_err(|e| anyhow::anyhow!("S3 bucket {}: {e}", s3.bucket))?;
    Ok(Arc::new(store))
}

#[cfg(not(feature = "s3"))]
fn s3_store(_: &S3Settings) -> anyhow::Result<Arc<dyn ObjectStore>> {
    anyhow::bail!(
        "this motcua was built without S3 support: build it with `--features s3`, or use files.storage = \"directory\""
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_same_bytes_are_stored_once_under_their_hash() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(&BlobSettings {
            backend: BlobBackend::Directory(dir.path().join("blobs")),
            ..BlobSettings::default()
        })
        .unwrap();
        let a = blobs
            .put(Bytes::from_static(b"%PDF-1.7 one"))
            .await
            .unwrap();
        let b = blobs
            .put(Bytes::from_static(b"%PDF-1.7 one"))
            .await
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, sha256_hex(b"%PDF-1.7 one"));
        let file = dir
            .path()
            .join("blobs/sha256")
            .join(&a[0..2])
            .join(&a[2..4])
            .join(&a);
        assert_eq!(std::fs::read(&file).unwrap(), b"%PDF-1.7 one");
        let files = walk(&dir.path().join("blobs"));
        assert_eq!(files, 1, "one file for one content");
        assert!(blobs.exists(&a).await.unwrap());
        assert!(!blobs.exists(&sha256_hex(b"other")).await.unwrap());
        assert!(blobs.get("../../etc/passwd").await.unwrap().is_none());
    }

    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    }

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(is_sha256_hex(&sha256_hex(b"x")));
        assert!(!is_sha256_hex("E3B0"));
    }
}
