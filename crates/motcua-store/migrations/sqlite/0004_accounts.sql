-- Accounts (applicants and officers), officers' roles in agencies, login sessions, password
-- resets, login throttling, API keys of integrating systems, the security log, the outbox of
-- messages to deliver and the server's own secrets. Secrets are stored as SHA-256 digests
-- (hex) or argon2id PHC strings, never in the clear; the TOTP key is stored as given.
CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL
                         CHECK (kind IN ('citizen', 'business', 'organisation', 'officer')),
    login                TEXT NOT NULL UNIQUE,
    full_name            TEXT NOT NULL,
    email                TEXT UNIQUE,
    phone                TEXT,
    password_hash        TEXT NOT NULL,
    verification         TEXT NOT NULL
                         CHECK (verification IN ('self_registered', 'counter_verified', 'idp_verified')),
    address_unit_code    TEXT REFERENCES admin_units (code),
    address_line         TEXT,
    -- Folded full name, login and e-mail, for substring search.
    search_text          TEXT NOT NULL,
    totp_secret          TEXT,
    totp_enabled         INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
    totp_last_step       INTEGER,
    -- JSON array of PHC hashes of the unused recovery codes.
    totp_recovery        TEXT NOT NULL DEFAULT '[]',
    disabled             INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    password_changed_at  TEXT NOT NULL
) STRICT;
CREATE INDEX accounts_kind ON accounts (kind, login);
CREATE INDEX accounts_unit ON accounts (address_unit_code);

CREATE TABLE officer_roles (
    account_id          INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    agency_id           INTEGER NOT NULL REFERENCES agencies (id),
    role                TEXT NOT NULL
                        CHECK (role IN ('receiving_officer', 'specialist', 'department_head', 'leader',
                                        'agency_admin', 'system_admin', 'supervisor')),
    receiving_point_id  INTEGER REFERENCES receiving_points (id),
    granted_at          TEXT NOT NULL,
    PRIMARY KEY (account_id, agency_id, role)
) STRICT;
CREATE INDEX officer_roles_agency ON officer_roles (agency_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    mfa_pending   INTEGER NOT NULL CHECK (mfa_pending IN (0, 1)),
    ip            TEXT,
    user_agent    TEXT
) STRICT;
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE password_resets (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
) STRICT;
CREATE INDEX password_resets_account ON password_resets (account_id);

-- One row per failed attempt; `key` is what is throttled (a login, an address…).
CREATE TABLE login_failures (
    key  TEXT NOT NULL,
    at   TEXT NOT NULL
) STRICT;
CREATE INDEX login_failures_key ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    scopes        INTEGER NOT NULL,
    secret_hash   TEXT NOT NULL,
    created_by    INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    revoked_at    TEXT,
    last_used_at  TEXT
) STRICT;

-- Append-only; no foreign keys, so that no event is ever refused.
CREATE TABLE security_events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    account_id  INTEGER,
    actor_id    INTEGER,
    agency_id   INTEGER,
    ip          TEXT,
    detail      TEXT NOT NULL
) STRICT;
CREATE INDEX security_events_at ON security_events (at DESC, id DESC);
CREATE INDEX security_events_account ON security_events (account_id, at DESC, id DESC);
CREATE INDEX security_events_agency ON security_events (agency_id, at DESC, id DESC);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    channel          TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    -- When it may be (re)tried; also the lease of a claimed message.
    next_attempt_at  TEXT NOT NULL,
    sent_at          TEXT,
    last_error       TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);

CREATE TABLE server_secrets (
    name        TEXT PRIMARY KEY NOT NULL,
    value       BLOB NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
