//! Administrative units (đơn vị hành chính): provinces and communes with official codes.
//!
//! The official list is data (`vn-admin-units.json`); this module reads its format and holds
//! the rules about codes, nothing about storage.

use serde::{Deserialize, Serialize};

/// Province codes have 2 digits, commune codes 5.
pub fn is_unit_code(code: &str) -> bool {
    matches!(code.len(), 2 | 5) && code.bytes().all(|b| b.is_ascii_digit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Province,
    Commune,
}

impl UnitLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Commune => "commune",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "province" => Some(Self::Province),
            "commune" => Some(Self::Commune),
            _ => None,
        }
    }
}

/// A province or a commune (xã, phường, đặc khu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdminUnit {
    pub code: String,
    pub level: UnitLevel,
    /// For a commune, its province's code.
    pub parent_code: Option<String>,
    pub name: String,
    pub name_en: String,
    pub full_name: String,
    pub full_name_en: String,
    /// ASCII slug from the source (`ha_noi`), handy for search without diacritics.
    pub code_name: String,
    /// "Thành phố", "Tỉnh", "Phường", "Xã", "Đặc khu".
    pub unit_type: String,
    pub unit_type_en: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SourceUnit {
    code: String,
    name: String,
    name_en: String,
    full_name: String,
    full_name_en: String,
    code_name: String,
    administrative_unit_short_name: String,
    administrative_unit_short_name_en: String,
    #[serde(default)]
    wards: Vec<SourceUnit>,
}

#[derive(Debug, thiserror::Error)]
pub enum UnitFileError {
    #[error("not a valid administrative-units file: {0}")]
    Json(String),
    #[error("unit {code:?}: code must have {expected} digits")]
    BadCode { code: String, expected: usize },
}

/// Reads the `vn-admin-units.json` format: provinces, each with its `Wards`.
/// Returns provinces first, then communes, so parents are always stored before children.
pub fn parse_units_file(json: &str) -> Result<Vec<AdminUnit>, UnitFileError> {
    let provinces: Vec<SourceUnit> =
        serde_json::from_str(json).map_err(|e| UnitFileError::Json(e.to_string()))?;
    let mut out = Vec::with_capacity(4000);
    let mut communes = Vec::new();
    for mut province in provinces {
        check_code(&province.code, 2)?;
        for ward in std::mem::take(&mut province.wards) {
            check_code(&ward.code, 5)?;
            communes.push(convert(
                ward,
                UnitLevel::Commune,
                Some(province.code.clone()),
            ));
        }
        out.push(convert(province, UnitLevel::Province, None));
    }
    out.extend(communes);
    Ok(out)
}

fn check_code(code: &str, expected: usize) -> Result<(), UnitFileError> {
    if code.len() == expected && is_unit_code(code) {
        Ok(())
    } else {
        Err(UnitFileError::BadCode {
            code: code.to_owned(),
            expected,
        })
    }
}

fn convert(s: SourceUnit, level: UnitLevel, parent_code: Option<String>) -> AdminUnit {
    AdminUnit {
        code: s.code,
        level,
        parent_code,
        name: s.name,
        name_en: s.name_en,
        full_name: s.full_name,
        full_name_en: s.full_name_en,
        code_name: s.code_name,
        unit_type: s.administrative_unit_short_name,
        unit_type_en: s.administrative_unit_short_name_en,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"[{"Type":"province","Code":"79","Name":"Hồ Chí Minh","NameEn":"Ho Chi Minh","FullName":"Thành phố Hồ Chí Minh","FullNameEn":"Ho Chi Minh City","CodeName":"ho_chi_minh","AdministrativeUnitShortName":"Thành phố","AdministrativeUnitShortNameEn":"City","Wards":[{"Type":"ward","Code":"26734","Name":"Sài Gòn","NameEn":"Sai Gon","FullName":"Phường Sài Gòn","FullNameEn":"Sai Gon Ward","CodeName":"sai_gon","ProvinceCode":"79","AdministrativeUnitShortName":"Phường","AdministrativeUnitShortNameEn":"Ward"}]}]"#;

    #[test]
    fn parses_provinces_then_communes() {
        let units = parse_units_file(SAMPLE).unwrap();
        assert_eq!(units.len(), 2);
        assert_eq!(units[0].level, UnitLevel::Province);
        assert_eq!(units[1].parent_code.as_deref(), Some("79"));
        assert_eq!(units[1].full_name, "Phường Sài Gòn");
    }

    #[test]
    fn rejects_bad_codes_and_garbage() {
        let bad = SAMPLE.replace("\"26734\"", "\"2673\"");
        assert!(matches!(
            parse_units_file(&bad),
            Err(UnitFileError::BadCode { .. })
        ));
        assert!(matches!(parse_units_file("{"), Err(UnitFileError::Json(_))));
    }

    #[test]
    fn reads_the_shared_national_list() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/vn-admin-units.json"
        );
        let Ok(json) = std::fs::read_to_string(path) else {
            panic!("shared data missing at {path}: the repository expects ../shared beside it");
        };
        let units = parse_units_file(&json).unwrap();
        let provinces = units
            .iter()
            .filter(|u| u.level == UnitLevel::Province)
            .count();
        assert_eq!(provinces, 34);
        assert_eq!(units.len() - provinces, 3321);
        let hcmc = units
            .iter()
            .filter(|u| u.parent_code.as_deref() == Some("79"))
            .count();
        assert_eq!(hcmc, 168);
    }
}
