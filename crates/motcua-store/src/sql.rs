//! SQL text shared by both backends (`$N` placeholders work in SQLite and PostgreSQL) and
//! the filter builders, generic over the database through `QueryBuilder`.

use motcua_domain::unit::AdminUnit;
use sqlx::{Database, QueryBuilder};

use crate::rows::fold;
use crate::types::{AgencyFilter, UnitFilter};

pub(crate) const UNIT_COLUMNS: &str = "code, level, parent_code, name, name_en, full_name, full_name_en, code_name, unit_type, unit_type_en";

pub(crate) const SELECT_ALL_UNITS: &str = "SELECT code, level, parent_code, name, name_en, full_name, full_name_en, code_name, unit_type, unit_type_en FROM admin_units";

pub(crate) const SELECT_UNIT: &str = "SELECT code, level, parent_code, name, name_en, full_name, full_name_en, code_name, unit_type, unit_type_en FROM admin_units WHERE code = $1";

pub(crate) const INSERT_UNIT: &str = "INSERT INTO admin_units (code, level, parent_code, name, name_en, full_name, full_name_en, code_name, unit_type, unit_type_en, search_text, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

pub(crate) const UPDATE_UNIT: &str = "UPDATE admin_units SET level = $2, parent_code = $3, name = $4, name_en = $5, full_name = $6, full_name_en = $7, code_name = $8, unit_type = $9, unit_type_en = $10, search_text = $11, updated_at = $12 WHERE code = $1";

pub(crate) const SELECT_AGENCY_BY_CODE: &str = "SELECT id, code, name, name_en, kind, parent_id, unit_code, address, valid_from, valid_to FROM agencies WHERE code = $1";

pub(crate) const SELECT_AGENCY_BY_ID: &str = "SELECT id, code, name, name_en, kind, parent_id, unit_code, address, valid_from, valid_to FROM agencies WHERE id = $1";

pub(crate) const SELECT_ALL_AGENCIES: &str = "SELECT id, code, name, name_en, kind, parent_id, unit_code, address, valid_from, valid_to FROM agencies ORDER BY code";

pub(crate) const AGENCY_ID_BY_CODE: &str = "SELECT id FROM agencies WHERE code = $1";

pub(crate) const UNIT_EXISTS: &str = "SELECT CAST(1 AS BIGINT) FROM admin_units WHERE code = $1";

pub(crate) const INSERT_AGENCY: &str = "INSERT INTO agencies (code, name, name_en, kind, parent_id, unit_code, address, valid_from, valid_to, search_text, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id";

pub(crate) const UPDATE_AGENCY: &str = "UPDATE agencies SET name = $2, name_en = $3, kind = $4, parent_id = $5, unit_code = $6, address = $7, valid_from = $8, valid_to = $9, search_text = $10, updated_at = $11 WHERE code = $1 RETURNING id";

pub(crate) const INSERT_LINK: &str = "INSERT INTO agency_links (predecessor_id, successor_id, kind, effective) VALUES ($1, $2, $3, $4) ON CONFLICT (predecessor_id, successor_id) DO UPDATE SET kind = excluded.kind, effective = excluded.effective";

pub(crate) const SELECT_LINKS: &str = "SELECT p.code AS predecessor, s.code AS successor, l.kind, l.effective FROM agency_links l JOIN agencies p ON p.id = l.predecessor_id JOIN agencies s ON s.id = l.successor_id WHERE p.code = $1 OR s.code = $1 ORDER BY l.effective, p.code, s.code";

pub(crate) const UPSERT_POINT: &str = "INSERT INTO receiving_points (agency_id, code, name, address, unit_code) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agency_id, code) DO UPDATE SET name = excluded.name, address = excluded.address, unit_code = excluded.unit_code";

pub(crate) const SELECT_POINTS: &str = "SELECT r.id, a.code AS agency_code, r.code, r.name, r.address, r.unit_code FROM receiving_points r JOIN agencies a ON a.id = r.agency_id WHERE a.code = $1 ORDER BY r.code";

pub(crate) const SELECT_POINT: &str = "SELECT r.id, a.code AS agency_code, r.code, r.name, r.address, r.unit_code FROM receiving_points r JOIN agencies a ON a.id = r.agency_id WHERE a.code = $1 AND r.code = $2";

/// What makes a unit findable by a folded substring search.
pub(crate) fn unit_search_text(u: &AdminUnit) -> String {
    fold(&format!(
        "{} {} {} {}",
        u.full_name,
        u.name_en,
        u.code_name.replace('_', " "),
        u.code
    ))
}

pub(crate) fn agency_search_text(code: &str, name: &str, name_en: Option<&str>) -> String {
    fold(&format!("{code} {name} {}", name_en.unwrap_or_default()))
}

pub(crate) fn like(q: &str) -> String {
    let folded = fold(q.trim()).replace(['%', '_', '\\'], "");
    format!("%{folded}%")
}

/// `SELECT {columns} FROM admin_units WHERE … ORDER BY …` (or a count) for a filter.
pub(crate) fn units_query<DB>(f: &UnitFilter, count: bool) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(if count {
        "SELECT COUNT(*) FROM admin_units WHERE 1 = 1".to_owned()
    } else {
        format!("SELECT {UNIT_COLUMNS} FROM admin_units WHERE 1 = 1")
    });
    if let Some(level) = f.level {
        qb.push(" AND level = ")
            .push_bind(level.as_str().to_owned());
    }
    if let Some(parent) = &f.parent_code {
        qb.push(" AND parent_code = ").push_bind(parent.clone());
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" AND search_text LIKE ").push_bind(like(q));
    }
    if !count {
        qb.push(" ORDER BY code LIMIT ")
            .push_bind(f.page.limit())
            .push(" OFFSET ")
            .push_bind(f.page.offset());
    }
    qb
}

/// The same for agencies.
pub(crate) fn agencies_query<DB>(f: &AgencyFilter, count: bool) -> QueryBuilder<DB>
where
    DB: Database,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let mut qb = QueryBuilder::new(if count {
        "SELECT COUNT(*) FROM agencies WHERE 1 = 1".to_owned()
    } else {
        format!(
            "SELECT {} FROM agencies WHERE 1 = 1",
            crate::rows::AGENCY_COLUMNS
        )
    });
    if let Some(parent) = &f.parent {
        qb.push(" AND parent_id = (SELECT id FROM agencies WHERE code = ")
            .push_bind(parent.as_str().to_owned())
            .push(")");
    }
    if let Some(kind) = f.kind {
        qb.push(" AND kind = ").push_bind(kind.as_str().to_owned());
    }
    if let Some(unit) = &f.unit_code {
        qb.push(" AND unit_code = ").push_bind(unit.clone());
    }
    if let Some(q) = f.q.as_deref().filter(|q| !q.trim().is_empty()) {
        qb.push(" AND search_text LIKE ").push_bind(like(q));
    }
    if !count {
        qb.push(" ORDER BY code LIMIT ")
            .push_bind(f.page.limit())
            .push(" OFFSET ")
            .push_bind(f.page.offset());
    }
    qb
}

pub(crate) const SELECT_NOTICES: &str = "SELECT year, notice FROM calendar_notices ORDER BY year";

pub(crate) const UPSERT_NOTICE: &str = "INSERT INTO calendar_notices (year, notice, updated_at) VALUES ($1, $2, $3) ON CONFLICT (year) DO UPDATE SET notice = excluded.notice, updated_at = excluded.updated_at";

pub(crate) const DELETE_NOTICE: &str = "DELETE FROM calendar_notices WHERE year = $1";

pub(crate) const SELECT_PROCEDURE_STATE: &str = "SELECT p.id, p.current_version, v.fingerprint FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.current_version WHERE p.code = $1";

pub(crate) const INSERT_PROCEDURE: &str = "INSERT INTO procedures (code, current_version, name, updated_at) VALUES ($1, 1, $2, $3) RETURNING id";

pub(crate) const BUMP_PROCEDURE: &str =
    "UPDATE procedures SET current_version = $2, name = $3, updated_at = $4 WHERE id = $1";

pub(crate) const INSERT_PROCEDURE_VERSION: &str = "INSERT INTO procedure_versions (procedure_id, version, fingerprint, document, raw, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(crate) const SELECT_CURRENT_PROCEDURE: &str = "SELECT p.code, v.version, v.fingerprint, v.document, v.raw, v.source, v.created_at FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.current_version WHERE p.code = $1";

pub(crate) const SELECT_PROCEDURE_VERSION: &str = "SELECT p.code, v.version, v.fingerprint, v.document, v.raw, v.source, v.created_at FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id WHERE p.code = $1 AND v.version = $2";

pub(crate) const SELECT_PROCEDURE_VERSIONS: &str = "SELECT p.code, v.version, v.fingerprint, v.document, '' AS raw, v.source, v.created_at FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id WHERE p.code = $1 ORDER BY v.version";

pub(crate) const SELECT_CURRENT_PROCEDURES: &str = "SELECT p.code, v.version, v.fingerprint, v.document, '' AS raw, v.source, v.created_at FROM procedures p JOIN procedure_versions v ON v.procedure_id = p.id AND v.version = p.current_version ORDER BY p.code";

pub(crate) const CATALOG_STAMP: &str =
    "SELECT COUNT(*), CAST(COALESCE(SUM(current_version), 0) AS BIGINT) FROM procedures";
