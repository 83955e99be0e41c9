-- Official yearly calendar notices entered or edited by administrators (JSON documents of
-- motcua_calendar::YearNotice); a year without a row uses the notices shipped in the binary.
CREATE TABLE calendar_notices (
    year        INTEGER PRIMARY KEY NOT NULL,
    notice      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
