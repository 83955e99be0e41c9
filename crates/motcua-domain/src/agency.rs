//! Agencies (cơ quan, đơn vị): a tree that is data, identified by QCVN 102:2016 codes.
//!
//! The number of levels is never hard-coded: since 1 July 2025 Vietnam has two levels of local
//! government, and it may change again. Merges and renames keep history through links between
//! a predecessor and its successor, so old dossiers keep the agency that received them.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Validation};

/// An agency identifier code in the form of QCVN 102:2016/BTTTT: `LV4.LV3.LV2.LV1`,
/// e.g. `000.00.00.H29` (the People's Committee of Ho Chi Minh City) or `000.00.12.H29`.
///
/// Level 1 is a letter and two digits (`H29` for a province, `G01` for a ministry); levels
/// 2–4 are 2, 2 and 3 upper-case alphanumerics. The code appears in every dossier code.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

impl AgencyCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level-1 segment, e.g. `H29`: which province or ministry the agency belongs to.
    pub fn root(&self) -> &str {
        &self.0[10..]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("agency code must look like 000.00.00.H29")]
pub struct InvalidAgencyCode;

impl FromStr for AgencyCode {
    type Err = InvalidAgencyCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('.').collect();
        let alnum = |p: &str, n: usize| {
            p.len() == n
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        };
        let ok = parts.len() == 4
            && alnum(parts[0], 3)
            && alnum(parts[1], 2)
            && alnum(parts[2], 2)
            && parts[3].len() == 3
            && parts[3].as_bytes()[0].is_ascii_uppercase()
            && parts[3][1..].bytes().all(|b| b.is_ascii_digit());
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidAgencyCode)
        }
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = InvalidAgencyCode;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<AgencyCode> for String {
    fn from(code: AgencyCode) -> Self {
        code.0
    }
}

impl fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of body an agency is; drives labels and, later, which procedures it handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Ministry,
    ProvincialPeoplesCommittee,
    Department,
    Division,
    CommunePeoplesCommittee,
    ServiceCenter,
    ServiceCenterBranch,
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 8] = [
        Self::Ministry,
        Self::ProvincialPeoplesCommittee,
        Self::Department,
        Self::Division,
        Self::CommunePeoplesCommittee,
        Self::ServiceCenter,
        Self::ServiceCenterBranch,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ministry => "ministry",
            Self::ProvincialPeoplesCommittee => "provincial_peoples_committee",
            Self::Department => "department",
            Self::Division => "division",
            Self::CommunePeoplesCommittee => "commune_peoples_committee",
            Self::ServiceCenter => "service_center",
            Self::ServiceCenterBranch => "service_center_branch",
            Self::Other => "other",
        }
    }
}

impl FromStr for AgencyKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// An agency as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Agency {
    pub id: i64,
    pub code: AgencyCode,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: AgencyKind,
    pub parent_id: Option<i64>,
    /// The administrative unit the agency serves (province or commune code), if any.
    pub unit_code: Option<String>,
    pub address: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl Agency {
    /// Whether the agency exists on `day`: merged or dissolved agencies stay for history.
    pub fn is_valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// Input for creating or updating an agency, as it arrives from a form, the API or an import.
/// Every field defaults to empty so that a missing field is reported by [`AgencyInput::validate`]
/// by name, together with every other problem.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgencyInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub name_en: Option<String>,
    #[serde(default)]
    pub kind: String,
    /// Code of the parent agency.
    #[serde(default)]
    pub parent_code: Option<String>,
    #[serde(default)]
    pub unit_code: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
}

/// A validated [`AgencyInput`], ready for storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgency {
    pub code: AgencyCode,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: AgencyKind,
    pub parent_code: Option<AgencyCode>,
    pub unit_code: Option<String>,
    pub address: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn code_error(field: &str) -> FieldError {
    FieldError::new(
        field,
        "format",
        "Mã cơ quan phải có dạng 000.00.00.H29 (QCVN 102:2016).",
        "The agency code must look like 000.00.00.H29 (QCVN 102:2016).",
    )
}

impl AgencyInput {
    /// Checks every field at once, so a person sees all problems in one answer.
    pub fn validate(&self) -> Result<NewAgency, Validation> {
        let mut v = Validation::default();
        let code = self.code.trim().parse::<AgencyCode>();
        if code.is_err() {
            v.push(code_error("code"));
        }
        let name = v.text("name", &self.name, 300).to_owned();
        let kind = self.kind.parse::<AgencyKind>();
        if kind.is_err() {
            v.push(FieldError::new(
                "kind",
                "one_of",
                "Loại cơ quan không hợp lệ.",
                "Unknown agency kind.",
            ));
        }
        let parent_code = match non_empty(&self.parent_code) {
            None => None,
            Some(p) => match p.parse::<AgencyCode>() {
                Ok(p) => Some(p),
                Err(_) => {
                    v.push(code_error("parent_code"));
                    None
                }
            },
        };
        if let (Ok(code), Some(parent)) = (&code, &parent_code)
            && code == parent
        {
            v.push(FieldError::new(
                "parent_code",
                "cycle",
                "Cơ quan không thể là cơ quan cấp trên của chính nó.",
                "An agency cannot be its own parent.",
            ));
        }
        let unit_code = non_empty(&self.unit_code);
        if let Some(u) = &unit_code
            && !crate::unit::is_unit_code(u)
        {
            v.push(FieldError::new(
                "unit_code",
                "format",
                "Mã đơn vị hành chính gồm 2 chữ số (tỉnh) hoặc 5 chữ số (xã).",
                "An administrative unit code has 2 digits (province) or 5 digits (commune).",
            ));
        }
        if let Some(name_en) = &self.name_en
            && name_en.chars().count() > 300
        {
            v.push(FieldError::too_long("name_en", 300));
        }
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            v.push(FieldError::new(
                "valid_to",
                "range",
                "Ngày hết hiệu lực phải sau ngày có hiệu lực.",
                "The end of validity must not be before its start.",
            ));
        }
        v.finish()?;
        Ok(NewAgency {
            code: code.expect("checked"),
            name,
            name_en: non_empty(&self.name_en),
            kind: kind.expect("checked"),
            parent_code,
            unit_code,
            address: non_empty(&self.address),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        })
    }
}

/// Why one agency replaced another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    Rename,
    Merge,
    Split,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rename => "rename",
            Self::Merge => "merge",
            Self::Split => "split",
        }
    }
}

impl FromStr for LinkKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [Self::Rename, Self::Merge, Self::Split]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// A predecessor → successor link: history survives reorganisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AgencyLink {
    pub predecessor: AgencyCode,
    pub successor: AgencyCode,
    pub kind: LinkKind,
    pub effective: NaiveDate,
}

/// A counter where dossiers are received (điểm tiếp nhận).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReceivingPoint {
    pub id: i64,
    pub agency_code: AgencyCode,
    /// Unique within the agency.
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub unit_code: Option<String>,
}

/// A node of the agency tree, children ordered by code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AgencyNode {
    #[serde(flatten)]
    pub agency: Agency,
    #[schema(no_recursion)]
    pub children: Vec<AgencyNode>,
}

/// Builds the forest of agencies from a flat list; an agency whose parent is missing becomes a
/// root rather than disappearing. Cycles cannot be stored (the parent must exist first).
pub fn build_tree(agencies: Vec<Agency>) -> Vec<AgencyNode> {
    let ids: std::collections::HashSet<i64> = agencies.iter().map(|a| a.id).collect();
    let mut children: BTreeMap<Option<i64>, Vec<Agency>> = BTreeMap::new();
    for agency in agencies {
        let parent = agency.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(agency);
    }
    fn attach(
        parent: Option<i64>,
        children: &mut BTreeMap<Option<i64>, Vec<Agency>>,
    ) -> Vec<AgencyNode> {
        let mut level = children.remove(&parent).unwrap_or_default();
        level.sort_by(|a, b| a.code.cmp(&b.code));
        level
            .into_iter()
            .map(|agency| {
                let id = agency.id;
                AgencyNode {
                    agency,
                    children: attach(Some(id), children),
                }
            })
            .collect()
    }
    attach(None, &mut children)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_qcvn_codes() {
        for code in [
            "000.00.00.H29",
            "000.00.12.H29",
            "000.00.00.G01",
            "A12.B3.00.H79",
        ] {
            assert!(code.parse::<AgencyCode>().is_ok(), "{code}");
        }
        assert_eq!("000.00.12.H29".parse::<AgencyCode>().unwrap().root(), "H29");
    }

    #[test]
    fn refuses_malformed_codes() {
        for code in [
            "",
            "000.00.00",
            "000.00.00.29",
            "00.00.00.H29",
            "000.00.00.h29",
            "000.00.00.H2X",
            "000-00-00-H29",
            "000.00.00.H290",
        ] {
            assert!(code.parse::<AgencyCode>().is_err(), "{code}");
        }
    }

    fn input() -> AgencyInput {
        AgencyInput {
            code: "000.00.12.H29".into(),
            name: "Sở Tư pháp".into(),
            kind: "department".into(),
            parent_code: Some("000.00.00.H29".into()),
            unit_code: Some("79".into()),
            ..Default::default()
        }
    }

    #[test]
    fn validation_reports_every_bad_field_at_once() {
        let bad = AgencyInput {
            code: "12".into(),
            name: "  ".into(),
            kind: "castle".into(),
            parent_code: Some("x".into()),
            unit_code: Some("7".into()),
            valid_from: NaiveDate::from_ymd_opt(2025, 7, 1),
            valid_to: NaiveDate::from_ymd_opt(2025, 6, 30),
            ..Default::default()
        };
        let err = bad.validate().unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "code",
                "name",
                "kind",
                "parent_code",
                "unit_code",
                "valid_to"
            ]
        );
        assert!(
            err.0
                .iter()
                .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
        );
        assert!(input().validate().is_ok());
    }

    #[test]
    fn self_parent_is_refused() {
        let mut i = input();
        i.parent_code = Some(i.code.clone());
        assert_eq!(i.validate().unwrap_err().0[0].code, "cycle");
    }

    fn agency(id: i64, code: &str, parent: Option<i64>) -> Agency {
        Agency {
            id,
            code: code.parse().unwrap(),
            name: code.into(),
            name_en: None,
            kind: AgencyKind::Other,
            parent_id: parent,
            unit_code: None,
            address: None,
            valid_from: None,
            valid_to: None,
        }
    }

    #[test]
    fn tree_nests_children_and_keeps_orphans() {
        let tree = build_tree(vec![
            agency(3, "000.00.13.H29", Some(1)),
            agency(1, "000.00.00.H29", None),
            agency(2, "000.00.12.H29", Some(1)),
            agency(4, "000.00.00.H26", Some(99)),
        ]);
        assert_eq!(tree.len(), 2);
        assert_eq!(tree[1].agency.id, 1);
        let kids: Vec<i64> = tree[1].children.iter().map(|n| n.agency.id).collect();
        assert_eq!(kids, [2, 3]);
    }

    #[test]
    fn validity_window_is_inclusive() {
        let mut a = agency(1, "000.00.00.H29", None);
        a.valid_from = NaiveDate::from_ymd_opt(2025, 7, 1);
        a.valid_to = NaiveDate::from_ymd_opt(2025, 12, 31);
        assert!(!a.is_valid_on(NaiveDate::from_ymd_opt(2025, 6, 30).unwrap()));
        assert!(a.is_valid_on(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()));
        assert!(a.is_valid_on(NaiveDate::from_ymd_opt(2025, 12, 31).unwrap()));
        assert!(!a.is_valid_on(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
    }

    proptest! {
        #[test]
        fn code_parsing_never_panics_and_round_trips(s in "\\PC{0,20}") {
            if let Ok(code) = s.parse::<AgencyCode>() {
                prop_assert_eq!(code.as_str(), s.as_str());
            }
        }

        #[test]
        fn well_formed_codes_parse(a in "[0-9A-Z]{3}", b in "[0-9A-Z]{2}", c in "[0-9A-Z]{2}", l in "[A-Z]", n in "[0-9]{2}") {
            let s = format!("{a}.{b}.{c}.{l}{n}");
            prop_assert!(s.parse::<AgencyCode>().is_ok());
        }
    }
}
