//! The tax code (mã số thuế, MST) of a business or organisation.
//!
//! A tax code has 10 digits `d1…d10`; `d10` is a check digit over the first nine:
//!
//! ```text
//! S   = 31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 + 3·d9
//! d10 = 10 − (S mod 11)
//! ```
//!
//! `S mod 11` lies in 0‥10, so `10 − (S mod 11)` lies in 0‥10 and can never be 11. The only
//! impossible value is 10, which happens exactly when `S mod 11 = 0`: such a nine-digit prefix
//! has no valid tax code at all. Every other prefix has exactly one valid check digit.
//!
//! A dependent unit or branch (đơn vị phụ thuộc, chi nhánh) has a 13-digit code: the parent's
//! 10 digits, a hyphen and a three-digit branch number from `001` to `999`
//! (`0100109106-001`). The hyphen is canonical; 13 digits without it are accepted and
//! normalized. Whitespace anywhere is ignored; any other character is refused.
//!
//! Since 1 July 2025 individuals use their 12-digit personal ID as tax code; that is a
//! [`PersonalId`](super::PersonalId), not a `TaxCode`.
//!
//! Verified example: `0100109106` (Viettel, the widely published code): S = 29 + 17 + 63 + 5
//! = 114, 114 mod 11 = 4, d10 = 10 − 4 = 6.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Validation};

const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];

/// A valid tax code in canonical form: `NNNNNNNNNN` or `NNNNNNNNNN-BBB`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TaxCode(String);

impl TaxCode {
    /// The field name used by [`TaxCode::parse`].
    pub const FIELD: &'static str = "tax_code";

    /// The check digit for the first nine digits of a tax code, or `None` when the prefix is
    /// not nine ASCII digits or no check digit exists for it (`S mod 11 = 0`).
    pub fn check_digit(first_nine: &str) -> Option<u8> {
        if first_nine.len() != 9 || !first_nine.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let sum: u32 = first_nine
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        match 10 - sum % 11 {
            10 => None,
            d => Some(d as u8),
        }
    }

    /// Parses user input, reporting problems against the field `tax_code`.
    ///
    /// Error codes: `required`, `digits_only`, `format` (misplaced hyphen), `length`,
    /// `check_digit`, `branch_number` (`000`).
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_field(Self::FIELD, input)
    }

    /// Parses user input, reporting problems against `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = super::without_whitespace(input);
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        if !s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            return Err(FieldError::new(
                field,
                "digits_only",
                "Mã số thuế chỉ gồm chữ số (và dấu gạch ngang trước số thứ tự chi nhánh).",
                "A tax code contains digits only (and a hyphen before a branch number).",
            ));
        }
        let (parent, branch) = match s.split_once('-') {
            Some((parent, branch)) => {
                if parent.len() != 10 || branch.len() != 3 || branch.contains('-') {
                    return Err(FieldError::new(
                        field,
                        "format",
                        "Mã số thuế phải có dạng 0100109106 hoặc 0100109106-001.",
                        "A tax code must look like 0100109106 or 0100109106-001.",
                    ));
                }
                (parent, Some(branch))
            }
            None => match s.len() {
                10 => (s.as_str(), None),
                13 => (&s[..10], Some(&s[10..])),
                n => {
                    return Err(FieldError::new(
                        field,
                        "length",
                        format!(
                            "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số đối với đơn vị phụ thuộc, chi nhánh; đã nhập {n}."
                        ),
                        format!(
                            "A tax code has 10 digits, or 13 for a dependent unit or branch; {n} entered."
                        ),
                    ));
                }
            },
        };
        if Self::check_digit(&parent[..9]) != Some(parent.as_bytes()[9] - b'0') {
            return Err(FieldError::new(
                field,
                "check_digit",
                "Mã số thuế không hợp lệ (chữ số kiểm tra không khớp); vui lòng kiểm tra lại.",
                "This is not a valid tax code (the check digit does not match); please check it.",
            ));
        }
        match branch {
            None => Ok(Self(parent.to_owned())),
            Some("000") => Err(FieldError::new(
                field,
                "branch_number",
                "Số thứ tự chi nhánh (ba chữ số cuối) phải từ 001 đến 999.",
                "The branch number (the last three digits) must be between 001 and 999.",
            )),
            Some(branch) => Ok(Self(format!("{parent}-{branch}"))),
        }
    }

    /// The canonical form, `0100109106` or `0100109106-001`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 10-digit code of the enterprise itself (the whole code when it is not a branch).
    pub fn parent(&self) -> &str {
        &self.0[..10]
    }

    /// The parent's own tax code.
    pub fn parent_code(&self) -> TaxCode {
        Self(self.parent().to_owned())
    }

    /// The three-digit branch number, e.g. `001`, when this is a branch code.
    pub fn branch(&self) -> Option<&str> {
        self.0.get(11..)
    }

    pub fn is_branch(&self) -> bool {
        self.0.len() == 14
    }
}

impl fmt::Display for TaxCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TaxCode {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for TaxCode {
    type Error = Validation;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Ok(Self::parse(&s)?)
    }
}

impl From<TaxCode> for String {
    fn from(code: TaxCode) -> Self {
        code.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::test_util::code;

    #[test]
    fn computes_the_check_digit() {
        // Viettel: 0·31 + 1·29 + 0·23 + 0·19 + 1·17 + 0·13 + 9·7 + 1·5 + 0·3 = 114 ≡ 4 → 6.
        assert_eq!(TaxCode::check_digit("010010910"), Some(6));
        // S = 0 → 10 − 0 = 10: no valid tax code starts with nine zeros.
        assert_eq!(TaxCode::check_digit("000000000"), None);
        // S = 31 + 29 + 23 + 19 + 17 + 13 + 7 + 5 + 3 = 147 ≡ 4 → 6.
        assert_eq!(TaxCode::check_digit("111111111"), Some(6));
        // S = 31 ≡ 9 → 1.
        assert_eq!(TaxCode::check_digit("100000000"), Some(1));
        // d8 = d9 = 1: S = 5 + 3 = 8 → 2.
        assert_eq!(TaxCode::check_digit("000000011"), Some(2));
        // S = 5·2 + 3·1 = 13 ≡ 2 → 8.
        assert_eq!(TaxCode::check_digit("000000021"), Some(8));
        // S = 7 + 3 = 10 → check digit 0.
        assert_eq!(TaxCode::check_digit("000000101"), Some(0));
        // S = 7 + 5·3 = 22 ≡ 0 → 10: none.
        assert_eq!(TaxCode::check_digit("000000130"), None);
        assert_eq!(TaxCode::check_digit("01001091"), None);
        assert_eq!(TaxCode::check_digit("01001091a"), None);
    }

    #[test]
    fn accepts_good_codes() {
        // (input, canonical, parent, branch)
        let good = [
            ("0100109106", "0100109106", "0100109106", None),
            (" 0100109106 ", "0100109106", "0100109106", None),
            (
                "0100109106-001",
                "0100109106-001",
                "0100109106",
                Some("001"),
            ),
            ("0100109106001", "0100109106-001", "0100109106", Some("001")),
            (
                "0100 109 106 - 999",
                "0100109106-999",
                "0100109106",
                Some("999"),
            ),
            ("1111111116", "1111111116", "1111111116", None),
            ("1000000001", "1000000001", "1000000001", None),
            (
                "0000001010-010",
                "0000001010-010",
                "0000001010",
                Some("010"),
            ),
        ];
        for (input, canonical, parent, branch) in good {
            let tax = TaxCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(tax.as_str(), canonical, "{input:?}");
            assert_eq!(tax.parent(), parent, "{input:?}");
            assert_eq!(tax.branch(), branch, "{input:?}");
            assert_eq!(tax.is_branch(), branch.is_some(), "{input:?}");
            assert_eq!(tax.parent_code().as_str(), parent);
            assert_eq!(tax.to_string(), canonical);
        }
    }

    #[test]
    fn refuses_bad_codes_with_their_codes() {
        let bad = [
            ("", "required"),
            ("  ", "required"),
            ("010010910", "length"),
            ("01001091066", "length"),
            ("010010910600", "length"),
            ("01001091060011", "length"),
            ("0100109106-0001", "format"),
            ("0100109106-01", "format"),
            ("0100109106-", "format"),
            ("-0100109106", "format"),
            ("010010910-6001", "format"),
            ("0100109106--001", "format"),
            ("0100109106-00-1", "format"),
            ("010010910O", "digits_only"),
            ("MST0100109106", "digits_only"),
            ("0100109106/001", "digits_only"),
            ("0100109106.001", "digits_only"),
            ("0100109107", "check_digit"),
            ("0100109105", "check_digit"),
            ("0000000000", "check_digit"),
            ("0000001300", "check_digit"),
            ("0100109107-001", "check_digit"),
            ("0100109106-000", "branch_number"),
            ("0100109106000", "branch_number"),
        ];
        for (input, expected) in bad {
            assert_eq!(code(TaxCode::parse(input)), expected, "{input:?}");
        }
        assert_eq!(
            TaxCode::parse_field("business.tax_code", "1")
                .unwrap_err()
                .field,
            "business.tax_code"
        );
    }

    #[test]
    fn serde_uses_the_canonical_string() {
        let tax: TaxCode = serde_json::from_str("\"0100109106001\"").unwrap();
        assert_eq!(serde_json::to_string(&tax).unwrap(), "\"0100109106-001\"");
        assert!(serde_json::from_str::<TaxCode>("\"0100109107\"").is_err());
    }
}
