-- The applicant's document store (kho dữ liệu điện tử): files an account keeps to reuse in new
-- dossiers without uploading again — its own uploads, documents it submitted, results issued
-- to it. Contents live in the blob store under their SHA-256; one entry per content per
-- account.
CREATE TABLE applicant_documents (
    id                 INTEGER PRIMARY KEY,
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    name               TEXT NOT NULL,
    file_name          TEXT NOT NULL,
    content_type       TEXT NOT NULL,
    size_bytes         INTEGER NOT NULL,
    sha256             TEXT NOT NULL,
    -- `upload` (to the store), `submitted` (with a dossier) or `result` (issued).
    source             TEXT NOT NULL CHECK (source IN ('upload', 'submitted', 'result')),
    source_dossier_id  INTEGER REFERENCES dossiers (id),
    added_at           TEXT NOT NULL,
    UNIQUE (account_id, sha256)
) STRICT;
CREATE INDEX applicant_documents_account ON applicant_documents (account_id, id);

-- A document-adding call seen before answers with the document it added.
CREATE TABLE document_idempotency_keys (
    actor        TEXT NOT NULL,
    key          TEXT NOT NULL,
    document_id  INTEGER NOT NULL REFERENCES dossier_documents (id),
    created_at   TEXT NOT NULL,
    PRIMARY KEY (actor, key)
) STRICT;
