-- Administrative units, agencies, agency history and receiving points.
CREATE TABLE admin_units (
    code          TEXT PRIMARY KEY NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('province', 'commune')),
    parent_code   TEXT REFERENCES admin_units (code),
    name          TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    full_name_en  TEXT NOT NULL,
    code_name     TEXT NOT NULL,
    unit_type     TEXT NOT NULL,
    unit_type_en  TEXT NOT NULL,
    search_text   TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX admin_units_parent ON admin_units (parent_code, code);

CREATE TABLE agencies (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    name_en      TEXT,
    kind         TEXT NOT NULL,
    parent_id    INTEGER REFERENCES agencies (id),
    unit_code    TEXT REFERENCES admin_units (code),
    address      TEXT,
    valid_from   TEXT,
    valid_to     TEXT,
    search_text  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX agencies_parent ON agencies (parent_id);
CREATE INDEX agencies_unit ON agencies (unit_code);

CREATE TABLE agency_links (
    predecessor_id  INTEGER NOT NULL REFERENCES agencies (id),
    successor_id    INTEGER NOT NULL REFERENCES agencies (id),
    kind            TEXT NOT NULL CHECK (kind IN ('rename', 'merge', 'split')),
    effective       TEXT NOT NULL,
    PRIMARY KEY (predecessor_id, successor_id)
) STRICT;
CREATE INDEX agency_links_successor ON agency_links (successor_id);

CREATE TABLE receiving_points (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    address    TEXT,
    unit_code  TEXT REFERENCES admin_units (code),
    UNIQUE (agency_id, code)
) STRICT;
