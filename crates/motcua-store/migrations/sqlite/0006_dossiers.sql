-- Dossiers, their per-agency-per-day code sequences, the agencies each one belongs to (for
-- access and work queues), its documents, its hash-chained log and the idempotency keys of
-- creating calls. The lifecycle state (motcua_dossier::Dossier) is kept as JSON beside the
-- columns that queries filter on.
CREATE TABLE dossiers (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT UNIQUE,
    procedure_code        TEXT NOT NULL,
    procedure_version     INTEGER NOT NULL,
    channel               TEXT NOT NULL CHECK (channel IN ('online', 'in_person', 'postal')),
    owner_account_id      INTEGER REFERENCES accounts (id),
    applicant_name        TEXT NOT NULL,
    applicant_id_number   TEXT,
    applicant_phone       TEXT,
    applicant_email       TEXT,
    applicant_address     TEXT,
    receiving_agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    receiving_point       TEXT,
    holding_agency_id     INTEGER NOT NULL REFERENCES agencies (id),
    assignee_id           INTEGER REFERENCES accounts (id),
    status                TEXT NOT NULL,
    received_at           TEXT,
    due_at                TEXT,
    late                  INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    state                 TEXT NOT NULL,
    form_values           TEXT NOT NULL DEFAULT '{}',
    -- SHA-256 (hex) of the tracking secret printed in the receipt's QR code.
    tracking_secret_hash  TEXT NOT NULL,
    version               INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;
CREATE INDEX dossiers_holding_queue ON dossiers (holding_agency_id, status, due_at);
CREATE INDEX dossiers_assignee ON dossiers (assignee_id, status);
CREATE INDEX dossiers_owner ON dossiers (owner_account_id, created_at);
CREATE INDEX dossiers_receiving ON dossiers (receiving_agency_id, status);

-- The last sequence number given to an agency on a day (yyMMdd, Vietnam time).
CREATE TABLE dossier_code_sequences (
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    day        TEXT NOT NULL,
    last       INTEGER NOT NULL,
    PRIMARY KEY (agency_id, day)
) STRICT;

-- Every agency a dossier belongs to: receiving, holding now, held before (transfers).
CREATE TABLE dossier_agencies (
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    agency_id   INTEGER NOT NULL REFERENCES agencies (id),
    PRIMARY KEY (dossier_id, agency_id)
) STRICT;
CREATE INDEX dossier_agencies_agency ON dossier_agencies (agency_id, dossier_id);

CREATE TABLE dossier_documents (
    id            INTEGER PRIMARY KEY,
    dossier_id    INTEGER NOT NULL REFERENCES dossiers (id),
    -- `application` (submitted, scanned) or `result`.
    role          TEXT NOT NULL CHECK (role IN ('application', 'result')),
    name          TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    sha256        TEXT NOT NULL,
    added_by      INTEGER REFERENCES accounts (id),
    added_at      TEXT NOT NULL
) STRICT;
CREATE INDEX dossier_documents_dossier ON dossier_documents (dossier_id, id);
CREATE INDEX dossier_documents_hash ON dossier_documents (sha256);

-- Append-only; each entry chained to the previous one (motcua_dossier::chain).
CREATE TABLE dossier_log (
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    seq         INTEGER NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    actor_id    INTEGER,
    ip          TEXT,
    detail      TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (dossier_id, seq)
) STRICT;

-- A creating call seen before answers with what it created.
CREATE TABLE idempotency_keys (
    actor       TEXT NOT NULL,
    key         TEXT NOT NULL,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (actor, key)
) STRICT;
