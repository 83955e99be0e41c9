-- The procedure catalog, versioned: a change creates a new version and dossiers keep the
-- version they were received under. Documents are JSON (motcua_catalog::Procedure), kept beside
-- the original fields of the national portal.
CREATE TABLE procedures (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    current_version  INTEGER NOT NULL,
    name             TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

CREATE TABLE procedure_versions (
    procedure_id  INTEGER NOT NULL REFERENCES procedures (id),
    version       INTEGER NOT NULL,
    fingerprint   TEXT NOT NULL,
    document      TEXT NOT NULL,
    raw           TEXT NOT NULL,
    source        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (procedure_id, version)
) STRICT;
