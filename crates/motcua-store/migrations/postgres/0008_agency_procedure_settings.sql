-- An agency's local settings for one procedure (issue 4): its internal process, e-form,
-- receiving points, online level, fee overrides and whether it receives the procedure, as the
-- JSON document of motcua_catalog::local::LocalSettings. No row: the defaults apply.
-- `version` is optimistic (1 when created, +1 per change); every change is also written to
-- security_events (kind local_settings_changed / local_settings_removed) with who and when.
CREATE TABLE agency_procedure_settings (
    agency_id       BIGINT NOT NULL REFERENCES agencies (id),
    procedure_code  TEXT NOT NULL REFERENCES procedures (code),
    settings        TEXT NOT NULL,
    version         BIGINT NOT NULL,
    updated_by      BIGINT,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (agency_id, procedure_code)
);
