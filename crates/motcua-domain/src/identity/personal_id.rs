//! The personal identification number (số định danh cá nhân) printed on the citizen identity
//! card (CCCD): 12 digits, `PPP` `G` `YY` `RRRRRR`.
//!
//! - `PPP`: code of the province where the birth was registered (Circular 07/2016/TT-BCA,
//!   replaced by Circular 59/2021/TT-BCA): one of the 63 pre-2025 provinces, see
//!   [`PROVINCE_CODES`]. Numbers already issued keep their code after the 2025 merger, and
//!   the 34 merged provinces reuse codes of this list, so the list is still the complete one.
//! - `G`: sex and century of birth: even = male, odd = female; 0/1 → 1900s, 2/3 → 2000s,
//!   4/5 → 2100s, 6/7 → 2200s, 8/9 → 1800s.
//! - `YY`: the last two digits of the birth year.
//! - `RRRRRR`: a random number. There is no check digit.
//!
//! Input rules: leading, trailing and inner whitespace is ignored (`079 203 000 034` is
//! accepted, as people group the digits when copying them from the card); anything else that
//! is not an ASCII digit — letters, dots, hyphens, full-width digits — is refused.
//!
//! A full number must never reach a log: [`fmt::Debug`] prints the masked form, there is no
//! `Display`, and [`PersonalId::masked`] is what logs and listings should show.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Validation};

/// The valid province-of-birth codes of a CCCD number, with the province's name.
pub const PROVINCE_CODES: [(&str, &str); 63] = [
    ("001", "Hà Nội"),
    ("002", "Hà Giang"),
    ("004", "Cao Bằng"),
    ("006", "Bắc Kạn"),
    ("008", "Tuyên Quang"),
    ("010", "Lào Cai"),
    ("011", "Điện Biên"),
    ("012", "Lai Châu"),
    ("014", "Sơn La"),
    ("015", "Yên Bái"),
    ("017", "Hòa Bình"),
    ("019", "Thái Nguyên"),
    ("020", "Lạng Sơn"),
    ("022", "Quảng Ninh"),
    ("024", "Bắc Giang"),
    ("025", "Phú Thọ"),
    ("026", "Vĩnh Phúc"),
    ("027", "Bắc Ninh"),
    ("030", "Hải Dương"),
    ("031", "Hải Phòng"),
    ("033", "Hưng Yên"),
    ("034", "Thái Bình"),
    ("035", "Hà Nam"),
    ("036", "Nam Định"),
    ("037", "Ninh Bình"),
    ("038", "Thanh Hóa"),
    ("040", "Nghệ An"),
    ("042", "Hà Tĩnh"),
    ("044", "Quảng Bình"),
    ("045", "Quảng Trị"),
    ("046", "Thừa Thiên Huế"),
    ("048", "Đà Nẵng"),
    ("049", "Quảng Nam"),
    ("051", "Quảng Ngãi"),
    ("052", "Bình Định"),
    ("054", "Phú Yên"),
    ("056", "Khánh Hòa"),
    ("058", "Ninh Thuận"),
    ("060", "Bình Thuận"),
    ("062", "Kon Tum"),
    ("064", "Gia Lai"),
    ("066", "Đắk Lắk"),
    ("067", "Đắk Nông"),
    ("068", "Lâm Đồng"),
    ("070", "Bình Phước"),
    ("072", "Tây Ninh"),
    ("074", "Bình Dương"),
    ("075", "Đồng Nai"),
    ("077", "Bà Rịa - Vũng Tàu"),
    ("079", "Hồ Chí Minh"),
    ("080", "Long An"),
    ("082", "Tiền Giang"),
    ("083", "Bến Tre"),
    ("084", "Trà Vinh"),
    ("086", "Vĩnh Long"),
    ("087", "Đồng Tháp"),
    ("089", "An Giang"),
    ("091", "Kiên Giang"),
    ("092", "Cần Thơ"),
    ("093", "Hậu Giang"),
    ("094", "Sóc Trăng"),
    ("095", "Bạc Liêu"),
    ("096", "Cà Mau"),
];

/// The name of the province with CCCD code `code` (three digits), if it is one.
pub fn province_name(code: &str) -> Option<&'static str> {
    PROVINCE_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Sex as encoded in the fourth digit of a personal ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Male => "Nam",
            Self::Female => "Nữ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Male => "Male",
            Self::Female => "Female",
        }
    }
}

/// A structurally valid 12-digit personal identification number (CCCD).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonalId(String);

impl PersonalId {
    /// The field name used by [`PersonalId::parse`].
    pub const FIELD: &'static str = "personal_id";

    /// Parses user input, reporting problems against the field `personal_id`.
    ///
    /// Error codes: `required`, `digits_only`, `length`, `province`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_field(Self::FIELD, input)
    }

    /// Parses user input, reporting problems against `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        let digits = super::without_whitespace(input);
        if digits.is_empty() {
            return Err(FieldError::required(field));
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "digits_only",
                "Số định danh cá nhân (số CCCD) chỉ gồm chữ số.",
                "The personal ID number (CCCD) may contain digits only.",
            ));
        }
        if digits.len() != 12 {
            let n = digits.len();
            return Err(FieldError::new(
                field,
                "length",
                format!("Số định danh cá nhân (số CCCD) phải gồm đúng 12 chữ số; đã nhập {n}."),
                format!("The personal ID number (CCCD) must have exactly 12 digits; {n} entered."),
            ));
        }
        let province = &digits[..3];
        if province_name(province).is_none() {
            return Err(FieldError::new(
                field,
                "province",
                format!(
                    "Ba chữ số đầu ({province}) không phải mã tỉnh, thành phố nơi đăng ký khai sinh."
                ),
                format!(
                    "The first three digits ({province}) are not the code of a province of birth registration."
                ),
            ));
        }
        Ok(Self(digits))
    }

    /// Parses user input and also refuses a birth year after the year of `today`.
    ///
    /// Error codes: those of [`PersonalId::parse_field`] and `birth_year_future`.
    pub fn parse_field_as_of(
        field: &str,
        input: &str,
        today: NaiveDate,
    ) -> Result<Self, FieldError> {
        let id = Self::parse_field(field, input)?;
        id.check_birth_year(field, today)?;
        Ok(id)
    }

    /// Refuses (code `birth_year_future`) a number whose birth year is after the year of `today`.
    pub fn check_birth_year(&self, field: &str, today: NaiveDate) -> Result<(), FieldError> {
        let year = self.birth_year();
        if year > today.year() {
            return Err(FieldError::new(
                field,
                "birth_year_future",
                format!("Năm sinh {year} suy ra từ số định danh cá nhân nằm trong tương lai."),
                format!(
                    "The birth year {year} encoded in the personal ID number is in the future."
                ),
            ));
        }
        Ok(())
    }

    /// The 12 digits. Do not log this: use [`PersonalId::masked`].
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The province-of-birth-registration code, e.g. `079`.
    pub fn province_code(&self) -> &str {
        &self.0[..3]
    }

    /// The name of the province of birth registration, e.g. `Hồ Chí Minh`.
    pub fn province_name(&self) -> &'static str {
        province_name(self.province_code()).expect("checked when parsed")
    }

    fn gender_century_digit(&self) -> u8 {
        self.0.as_bytes()[3] - b'0'
    }

    pub fn sex(&self) -> Sex {
        if self.gender_century_digit().is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The full birth year, e.g. 2003 for `0792…` followed by `03`.
    pub fn birth_year(&self) -> i32 {
        let century = match self.gender_century_digit() {
            0 | 1 => 1900,
            2 | 3 => 2000,
            4 | 5 => 2100,
            6 | 7 => 2200,
            _ => 1800,
        };
        let yy = (self.0.as_bytes()[4] - b'0') as i32 * 10 + (self.0.as_bytes()[5] - b'0') as i32;
        century + yy
    }

    /// The form for display and logs: the first four and last two digits, e.g. `0792******34`.
    pub fn masked(&self) -> String {
        format!("{}******{}", &self.0[..4], &self.0[10..])
    }

    /// The last four digits, e.g. for "the ID ending in 0034".
    pub fn last4(&self) -> &str {
        &self.0[8..]
    }
}

impl fmt::Debug for PersonalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PersonalId").field(&self.masked()).finish()
    }
}

impl FromStr for PersonalId {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PersonalId {
    type Error = Validation;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Ok(Self::parse(&s)?)
    }
}

impl From<PersonalId> for String {
    fn from(id: PersonalId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::test_util::code;

    #[test]
    fn the_province_table_is_sorted_unique_and_complete() {
        assert_eq!(PROVINCE_CODES.len(), 63);
        assert!(PROVINCE_CODES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(PROVINCE_CODES.iter().all(|(c, _)| c.len() == 3));
        assert_eq!(province_name("079"), Some("Hồ Chí Minh"));
        assert_eq!(province_name("003"), None);
    }

    #[test]
    fn accepts_good_numbers() {
        // (input, canonical, province, sex, birth year)
        let good = [
            ("079203000034", "079203000034", "079", Sex::Male, 2003),
            ("  001185012345 ", "001185012345", "001", Sex::Female, 1985),
            ("079 203 000 034", "079203000034", "079", Sex::Male, 2003),
            (
                "096\t099\u{a0}999999",
                "096099999999",
                "096",
                Sex::Male,
                1999,
            ),
            ("048300000001", "048300000001", "048", Sex::Female, 2000),
            ("031999123456", "031999123456", "031", Sex::Female, 1899),
            ("002800000000", "002800000000", "002", Sex::Male, 1800),
            ("001499000000", "001499000000", "001", Sex::Male, 2199),
            ("001700000000", "001700000000", "001", Sex::Female, 2200),
        ];
        for (input, canonical, province, sex, year) in good {
            let id = PersonalId::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(id.as_str(), canonical, "{input:?}");
            assert_eq!(id.province_code(), province, "{input:?}");
            assert_eq!(id.sex(), sex, "{input:?}");
            assert_eq!(id.birth_year(), year, "{input:?}");
        }
    }

    #[test]
    fn refuses_bad_numbers_with_their_codes() {
        let bad = [
            ("", "required"),
            ("   ", "required"),
            ("\n\t", "required"),
            ("07920300003", "length"),
            ("0792030000345", "length"),
            ("0", "length"),
            ("07920300003A", "digits_only"),
            ("079-203-000-034", "digits_only"),
            ("079.203.000.034", "digits_only"),
            ("０７９２０３００００３４", "digits_only"),
            ("+79203000034", "digits_only"),
            ("CCCD079203000034", "digits_only"),
            ("000203000034", "province"),
            ("003203000034", "province"),
            ("097203000034", "province"),
            ("100203000034", "province"),
            ("999999999999", "province"),
        ];
        for (input, expected) in bad {
            assert_eq!(code(PersonalId::parse(input)), expected, "{input:?}");
        }
    }

    #[test]
    fn errors_name_the_field() {
        let e = PersonalId::parse_field("members[1].personal_id", "12").unwrap_err();
        assert_eq!(e.field, "members[1].personal_id");
        assert!(e.message_vi.contains("12 chữ số"));
        assert_eq!(PersonalId::parse("x").unwrap_err().field, "personal_id");
    }

    #[test]
    fn future_birth_years_are_refused_given_today() {
        let today = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        for (input, ok) in [
            ("079225000034", true),
            ("079226000034", false),
            ("079399000034", false),
            ("079400000034", false),
            ("079800000034", true),
            ("079199000034", true),
        ] {
            let r = PersonalId::parse_field_as_of("cccd", input, today);
            if ok {
                assert!(r.is_ok(), "{input}: {r:?}");
            } else {
                let e = r.unwrap_err();
                assert_eq!((e.field.as_str(), e.code), ("cccd", "birth_year_future"));
            }
        }
        // The structural errors still come first.
        assert_eq!(
            code(PersonalId::parse_field_as_of("cccd", "12", today)),
            "length"
        );
    }

    #[test]
    fn shows_only_a_masked_form() {
        let id = PersonalId::parse("079203000034").unwrap();
        assert_eq!(id.masked(), "0792******34");
        assert_eq!(id.last4(), "0034");
        assert_eq!(format!("{id:?}"), "PersonalId(\"0792******34\")");
        assert!(!format!("{:?}", Some(&id)).contains("079203000034"));
        assert_eq!(id.province_name(), "Hồ Chí Minh");
    }

    #[test]
    fn serde_uses_the_canonical_string_and_validates() {
        let id: PersonalId = serde_json::from_str("\"079 203 000 034\"").unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"079203000034\"");
        assert!(serde_json::from_str::<PersonalId>("\"003203000034\"").is_err());
        assert_eq!("079203000034".parse::<PersonalId>().unwrap(), id);
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"female\"");
    }
}
