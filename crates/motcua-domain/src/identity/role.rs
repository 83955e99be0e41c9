//! Closed vocabularies of identity: officers' roles, verification levels, applicant kinds.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// Defines `ALL`, `as_str`, `label_vi`, `label_en`, `Display` and `FromStr` (whose error is a
/// `one_of` [`FieldError`] on `$field`) for a field-less enum.
macro_rules! vocabulary {
    ($ty:ident, $field:literal, $what_vi:literal, $what_en:literal,
     [$($variant:ident => $s:literal, $vi:literal, $en:literal;)+]) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(Self::$variant),+];

            /// The stable name, as serialized and stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $s,)+
                }
            }

            pub fn label_vi(self) -> &'static str {
                match self {
                    $(Self::$variant => $vi,)+
                }
            }

            pub fn label_en(self) -> &'static str {
                match self {
                    $(Self::$variant => $en,)+
                }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = FieldError;

            /// Parses the stable name (`as_str`); error code `one_of` on the field
            #[doc = concat!("`", $field, "`.")]
            fn from_str(s: &str) -> Result<Self, FieldError> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or_else(|| {
                        FieldError::new(
                            $field,
                            "one_of",
                            concat!($what_vi, " không hợp lệ."),
                            concat!("Unknown ", $what_en, "."),
                        )
                    })
            }
        }
    };
}

/// What an officer may do in an agency. An officer can hold roles in several agencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Cán bộ một cửa: receives dossiers at a receiving point and returns results.
    ReceivingOfficer,
    /// Chuyên viên thụ lý: processes a dossier and proposes a result.
    Specialist,
    /// Lãnh đạo phòng: reviews and approves within a department.
    DepartmentHead,
    /// Lãnh đạo cơ quan / UBND: approves, signs, follows the dashboards.
    Leader,
    /// Quản trị đơn vị: the officers, roles, processes and receiving points of an agency.
    AgencyAdmin,
    /// Quản trị hệ thống: agencies, catalog, calendars, integrations.
    SystemAdmin,
    /// Cán bộ kiểm soát TTHC / thanh tra: read-only view across agencies.
    Supervisor,
}

vocabulary!(Role, "role", "Vai trò", "role", [
    ReceivingOfficer => "receiving_officer", "Cán bộ tiếp nhận và trả kết quả (một cửa)", "Receiving officer";
    Specialist => "specialist", "Chuyên viên thụ lý", "Specialist";
    DepartmentHead => "department_head", "Lãnh đạo phòng", "Department head";
    Leader => "leader", "Lãnh đạo cơ quan", "Leader";
    AgencyAdmin => "agency_admin", "Quản trị đơn vị", "Agency administrator";
    SystemAdmin => "system_admin", "Quản trị hệ thống", "System administrator";
    Supervisor => "supervisor", "Cán bộ kiểm soát thủ tục hành chính", "Supervisor";
]);

/// How far an applicant's identity has been checked. Ordered: a higher level implies the
/// lower ones, so `level >= VerificationLevel::CounterVerified` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerificationLevel {
    /// Registered online; nothing checked beyond the structure of the identifiers.
    SelfRegistered,
    /// An officer checked the identity papers at a counter.
    CounterVerified,
    /// Verified by an external identity provider (e.g. VNeID, the national portal).
    IdpVerified,
}

vocabulary!(VerificationLevel, "verification_level", "Mức xác thực", "verification level", [
    SelfRegistered => "self_registered", "Tự đăng ký", "Self-registered";
    CounterVerified => "counter_verified", "Đã xác thực tại quầy", "Verified at a counter";
    IdpVerified => "idp_verified", "Đã xác thực qua định danh điện tử", "Verified by an identity provider";
]);

/// Who an applicant account stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantKind {
    /// Công dân, identified by a [`PersonalId`](super::PersonalId).
    Citizen,
    /// Doanh nghiệp, identified by a [`TaxCode`](super::TaxCode).
    Business,
    /// Tổ chức (association, school, public body…), usually with a tax code.
    Organisation,
}

vocabulary!(ApplicantKind, "applicant_kind", "Loại người nộp hồ sơ", "applicant kind", [
    Citizen => "citizen", "Công dân", "Citizen";
    Business => "business", "Doanh nghiệp", "Business";
    Organisation => "organisation", "Tổ chức", "Organisation";
]);

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T>(all: &[T])
    where
        T: Copy + fmt::Debug + PartialEq + FromStr<Err = FieldError> + Serialize + fmt::Display,
        T: serde::de::DeserializeOwned,
    {
        for &v in all {
            let s = v.to_string();
            assert_eq!(s.parse::<T>().unwrap(), v);
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<T>(&format!("\"{s}\"")).unwrap(), v);
        }
    }

    #[test]
    fn roles_round_trip_and_have_labels() {
        assert_eq!(Role::ALL.len(), 7);
        round_trips(Role::ALL);
        round_trips(VerificationLevel::ALL);
        round_trips(ApplicantKind::ALL);
        let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            names,
            [
                "receiving_officer",
                "specialist",
                "department_head",
                "leader",
                "agency_admin",
                "system_admin",
                "supervisor"
            ]
        );
        assert_eq!(Role::AgencyAdmin.label_vi(), "Quản trị đơn vị");
        assert_eq!(Role::AgencyAdmin.label_en(), "Agency administrator");
        for r in Role::ALL {
            assert!(!r.label_vi().is_empty() && !r.label_en().is_empty());
        }
        assert_eq!(ApplicantKind::Business.label_vi(), "Doanh nghiệp");
        assert_eq!(
            VerificationLevel::IdpVerified.label_en(),
            "Verified by an identity provider"
        );
        assert!(VerificationLevel::SelfRegistered < VerificationLevel::CounterVerified);
        assert!(VerificationLevel::CounterVerified < VerificationLevel::IdpVerified);
    }

    #[test]
    fn unknown_names_are_refused_on_their_field() {
        for (e, field) in [
            ("admin".parse::<Role>().unwrap_err(), "role"),
            ("Specialist".parse::<Role>().unwrap_err(), "role"),
            ("".parse::<Role>().unwrap_err(), "role"),
            (
                "verified".parse::<VerificationLevel>().unwrap_err(),
                "verification_level",
            ),
            (
                "company".parse::<ApplicantKind>().unwrap_err(),
                "applicant_kind",
            ),
        ] {
            assert_eq!((e.field.as_str(), e.code), (field, "one_of"));
            assert!(e.message_vi.ends_with("không hợp lệ."));
        }
        assert_eq!(" leader ".parse::<Role>().unwrap(), Role::Leader);
        assert!(serde_json::from_str::<Role>("\"admin\"").is_err());
    }
}
