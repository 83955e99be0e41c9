//! Row shapes shared by both backends (`FromRow` is generic over the row type) and their
//! conversion to domain types. A value that fails conversion means the database was written
//! by something other than this code, so it surfaces as a decode error, never a panic.

use chrono::NaiveDate;
use motcua_domain::agency::{Agency, AgencyLink, ReceivingPoint};
use motcua_domain::unit::{AdminUnit, UnitLevel};

pub(crate) fn decode_err(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unexpected {what} in database: {value:?}").into())
}

#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    code: String,
    level: String,
    parent_code: Option<String>,
    name: String,
    name_en: String,
    full_name: String,
    full_name_en: String,
    code_name: String,
    unit_type: String,
    unit_type_en: String,
}

impl TryFrom<UnitRow> for AdminUnit {
    type Error = sqlx::Error;
    fn try_from(r: UnitRow) -> Result<Self, sqlx::Error> {
        Ok(AdminUnit {
            level: UnitLevel::parse(&r.level).ok_or_else(|| decode_err("unit level", &r.level))?,
            code: r.code,
            parent_code: r.parent_code,
            name: r.name,
            name_en: r.name_en,
            full_name: r.full_name,
            full_name_en: r.full_name_en,
            code_name: r.code_name,
            unit_type: r.unit_type,
            unit_type_en: r.unit_type_en,
        })
    }
}

pub(crate) const AGENCY_COLUMNS: &str =
    "id, code, name, name_en, kind, parent_id, unit_code, address, valid_from, valid_to";

#[derive(sqlx::FromRow)]
pub(crate) struct AgencyRow {
    id: i64,
    code: String,
    name: String,
    name_en: Option<String>,
    kind: String,
    parent_id: Option<i64>,
    unit_code: Option<String>,
    address: Option<String>,
    valid_from: Option<NaiveDate>,
    valid_to: Option<NaiveDate>,
}

crate::sqlite::engine::engine_row!(AgencyRow {
    id,
    code,
    name,
    name_en,
    kind,
    parent_id,
    unit_code,
    address,
    valid_from,
    valid_to,
});

impl TryFrom<AgencyRow> for Agency {
    type Error = sqlx::Error;
    fn try_from(r: AgencyRow) -> Result<Self, sqlx::Error> {
        Ok(Agency {
            id: r.id,
            code: r
                .code
                .parse()
                .map_err(|_| decode_err("agency code", &r.code))?,
            kind: r
                .kind
                .parse()
                .map_err(|()| decode_err("agency kind", &r.kind))?,
            name: r.name,
            name_en: r.name_en,
            parent_id: r.parent_id,
            unit_code: r.unit_code,
            address: r.address,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct LinkRow {
    predecessor: String,
    successor: String,
    kind: String,
    effective: NaiveDate,
}

impl TryFrom<LinkRow> for AgencyLink {
    type Error = sqlx::Error;
    fn try_from(r: LinkRow) -> Result<Self, sqlx::Error> {
        Ok(AgencyLink {
            predecessor: r
                .predecessor
                .parse()
                .map_err(|_| decode_err("agency code", &r.predecessor))?,
            successor: r
                .successor
                .parse()
                .map_err(|_| decode_err("agency code", &r.successor))?,
            kind: r
                .kind
                .parse()
                .map_err(|()| decode_err("link kind", &r.kind))?,
            effective: r.effective,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct PointRow {
    id: i64,
    agency_code: String,
    code: String,
    name: String,
    address: Option<String>,
    unit_code: Option<String>,
}

impl TryFrom<PointRow> for ReceivingPoint {
    type Error = sqlx::Error;
    fn try_from(r: PointRow) -> Result<Self, sqlx::Error> {
        Ok(ReceivingPoint {
            id: r.id,
            agency_code: r
                .agency_code
                .parse()
                .map_err(|_| decode_err("agency code", &r.agency_code))?,
            code: r.code,
            name: r.name,
            address: r.address,
            unit_code: r.unit_code,
        })
    }
}

pub(crate) fn convert_all<R, T>(rows: Vec<R>) -> Result<Vec<T>, sqlx::Error>
where
    T: TryFrom<R, Error = sqlx::Error>,
{
    rows.into_iter().map(T::try_from).collect()
}

/// Folds text for diacritics-insensitive matching of names (`Đà Nẵng` → `da nang`).
pub(crate) fn fold(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .map(fold_char)
        .collect()
}

fn fold_char(c: char) -> char {
    const GROUPS: [(&str, char); 7] = [
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ìíỉĩị", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ùúủũụưừứửữự", 'u'),
        ("ỳýỷỹỵ", 'y'),
        ("đ", 'd'),
    ];
    GROUPS
        .iter()
        .find(|(set, _)| set.contains(c))
        .map_or(c, |&(_, plain)| plain)
}

#[cfg(test)]
mod tests {
    #[test]
    fn folds_vietnamese() {
        assert_eq!(super::fold("Đà Nẵng"), "da nang");
        assert_eq!(super::fold("Hồ Chí Minh"), "ho chi minh");
        assert_eq!(super::fold("THỦ ĐỨC"), "thu duc");
    }
}
