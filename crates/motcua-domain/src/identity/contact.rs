//! Contact channels: Vietnamese telephone numbers and e-mail addresses.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{FieldError, Validation};

/// Whether a number reaches a mobile phone or a fixed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Landline,
}

/// A Vietnamese telephone number in domestic form.
///
/// - Mobile: 10 digits starting `03`, `05`, `07`, `08` or `09` (`0912345678`).
/// - Landline: 11 digits starting `02`, area code included (`02838291234` in Ho Chi Minh
///   City, `02438253536` in Hà Nội).
///
/// Input rules: whitespace, dots, hyphens and parentheses are separators and ignored
/// (`(028) 3829-1234`, `091.234.5678`). International forms are converted to the domestic
/// one: `+84…`, `0084…`, and `84…` when it has 11 or 12 digits (no domestic number starts
/// with 8); a trunk `0` kept after the country code (`+84 (0) 912…`) is tolerated. A `+` with
/// another country code is refused: only Vietnamese numbers are supported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// The field name used by [`Phone::parse`].
    pub const FIELD: &'static str = "phone";

    /// Parses user input, reporting problems against the field `phone`.
    ///
    /// Error codes: `required`, `format` (characters other than digits, separators and a
    /// leading `+`), `country` (a `+` not followed by 84), `length`, `prefix`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_field(Self::FIELD, input)
    }

    /// Parses user input, reporting problems against `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        let s: String = input
            .chars()
            .filter(|c| !(c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')))
            .collect();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        let (plus, digits) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s.as_str()),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::new(
                field,
                "format",
                "Số điện thoại chỉ gồm chữ số, có thể bắt đầu bằng +84.",
                "A phone number contains digits only and may start with +84.",
            ));
        }
        let international = if plus {
            match digits.strip_prefix("84") {
                Some(rest) => Some(rest),
                None => {
                    return Err(FieldError::new(
                        field,
                        "country",
                        "Chỉ chấp nhận số điện thoại Việt Nam (mã quốc gia +84).",
                        "Only Vietnamese phone numbers (country code +84) are accepted.",
                    ));
                }
            }
        } else if let Some(rest) = digits.strip_prefix("0084") {
            Some(rest)
        } else if digits.starts_with("84") && matches!(digits.len(), 11 | 12) {
            Some(&digits[2..])
        } else {
            None
        };
        let national = match international {
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => digits.to_owned(),
        };
        let kind = match national.as_bytes() {
            [b'0', b'2', ..] => PhoneKind::Landline,
            [b'0', b'3' | b'5' | b'7' | b'8' | b'9', ..] => PhoneKind::Mobile,
            _ => {
                return Err(FieldError::new(
                    field,
                    "prefix",
                    "Số điện thoại không hợp lệ: số di động bắt đầu bằng 03, 05, 07, 08 hoặc 09; số cố định bắt đầu bằng 02.",
                    "Not a valid phone number: mobile numbers start with 03, 05, 07, 08 or 09, landlines with 02.",
                ));
            }
        };
        let expected = match kind {
            PhoneKind::Mobile => 10,
            PhoneKind::Landline => 11,
        };
        if national.len() != expected {
            let n = national.len();
            return Err(match kind {
                PhoneKind::Mobile => FieldError::new(
                    field,
                    "length",
                    format!("Số điện thoại di động gồm 10 chữ số (ví dụ 0912345678); đã nhập {n}."),
                    format!("A mobile number has 10 digits (e.g. 0912345678); {n} entered."),
                ),
                PhoneKind::Landline => FieldError::new(
                    field,
                    "length",
                    format!(
                        "Số điện thoại cố định gồm 11 chữ số kể cả mã vùng (ví dụ 02838291234); đã nhập {n}."
                    ),
                    format!(
                        "A landline number has 11 digits including the area code (e.g. 02838291234); {n} entered."
                    ),
                ),
            });
        }
        Ok(Self(national))
    }

    /// The domestic form, e.g. `0912345678`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> PhoneKind {
        if self.0.as_bytes()[1] == b'2' {
            PhoneKind::Landline
        } else {
            PhoneKind::Mobile
        }
    }

    pub fn is_mobile(&self) -> bool {
        self.kind() == PhoneKind::Mobile
    }

    /// The international E.164 form, e.g. `+84912345678`, for SMS gateways.
    pub fn e164(&self) -> String {
        format!("+84{}", &self.0[1..])
    }

    /// The form for logs and listings: the first three and last three digits, e.g.
    /// `091****678`.
    pub fn masked(&self) -> String {
        let n = self.0.len();
        format!("{}{}{}", &self.0[..3], "*".repeat(n - 6), &self.0[n - 3..])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Phone {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Phone {
    type Error = Validation;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Ok(Self::parse(&s)?)
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> Self {
        phone.0
    }
}

/// An e-mail address, structurally checked; the domain is lower-cased, the local part kept
/// as typed.
///
/// Rules (a practical subset of RFC 5321/5322, no quoted local parts, no IP literals):
/// surrounding whitespace is trimmed; at most 254 characters; ASCII only (an address typed
/// with Vietnamese diacritics is almost always a mistake, and internationalised domains must
/// be entered in their `xn--` form); exactly one `@`; a local part of 1–64 characters from
/// letters, digits and ``!#$%&'*+-/=?^_`{|}~``, with dots but not at either end or doubled; a
/// domain of at least two dot-separated labels of 1–63 letters, digits and hyphens, no label
/// starting or ending with a hyphen, and a top-level label that is not all digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

const EMAIL_MAX: usize = 254;

impl Email {
    /// The field name used by [`Email::parse`].
    pub const FIELD: &'static str = "email";

    /// Parses user input, reporting problems against the field `email`.
    ///
    /// Error codes: `required`, `too_long`, `non_ascii`, `format` (not exactly one `@`),
    /// `local_part`, `domain`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        Self::parse_field(Self::FIELD, input)
    }

    /// Parses user input, reporting problems against `field`.
    pub fn parse_field(field: &str, input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(FieldError::required(field));
        }
        if s.chars().count() > EMAIL_MAX {
            return Err(FieldError::too_long(field, EMAIL_MAX));
        }
        if !s.is_ascii() {
            return Err(FieldError::new(
                field,
                "non_ascii",
                "Địa chỉ thư điện tử không được có chữ có dấu hay ký tự đặc biệt ngoài bảng ASCII.",
                "An e-mail address may not contain accented or other non-ASCII characters.",
            ));
        }
        let Some((local, domain)) = s.split_once('@').filter(|(_, d)| !d.contains('@')) else {
            return Err(FieldError::new(
                field,
                "format",
                "Địa chỉ thư điện tử phải có đúng một ký tự @ (ví dụ ten@example.vn).",
                "An e-mail address must contain exactly one @ (e.g. name@example.vn).",
            ));
        };
        let atext = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b);
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .split('.')
                .all(|part| !part.is_empty() && part.bytes().all(atext));
        if !local_ok {
            return Err(FieldError::new(
                field,
                "local_part",
                "Phần trước @ của địa chỉ thư điện tử không hợp lệ.",
                "The part before the @ of the e-mail address is not valid.",
            ));
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &str| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| label_ok(l))
            && !labels[labels.len() - 1].bytes().all(|b| b.is_ascii_digit());
        if !domain_ok {
            return Err(FieldError::new(
                field,
                "domain",
                "Tên miền (phần sau @) của địa chỉ thư điện tử không hợp lệ.",
                "The domain (the part after the @) of the e-mail address is not valid.",
            ));
        }
        Ok(Self(format!("{local}@{domain}")))
    }

    /// The address with its domain lower-cased, e.g. `Ten.Ho@example.vn`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        &self.0[..self.at()]
    }

    pub fn domain(&self) -> &str {
        &self.0[self.at() + 1..]
    }

    /// The whole address lower-cased, for finding an account regardless of case: local parts
    /// are case-sensitive in theory but never in practice.
    pub fn lookup_key(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    fn at(&self) -> usize {
        self.0.find('@').expect("checked when parsed")
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Email {
    type Err = FieldError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Email {
    type Error = Validation;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Ok(Self::parse(&s)?)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::test_util::code;

    #[test]
    fn normalizes_good_phone_numbers() {
        let good = [
            ("0912345678", "0912345678", PhoneKind::Mobile),
            (" 091 234 5678 ", "0912345678", PhoneKind::Mobile),
            ("091.234.5678", "0912345678", PhoneKind::Mobile),
            ("0912-345-678", "0912345678", PhoneKind::Mobile),
            ("+84912345678", "0912345678", PhoneKind::Mobile),
            ("+84 912 345 678", "0912345678", PhoneKind::Mobile),
            ("+84 (0) 912 345 678", "0912345678", PhoneKind::Mobile),
            ("84912345678", "0912345678", PhoneKind::Mobile),
            ("0084912345678", "0912345678", PhoneKind::Mobile),
            ("0321234567", "0321234567", PhoneKind::Mobile),
            ("0561234567", "0561234567", PhoneKind::Mobile),
            ("0701234567", "0701234567", PhoneKind::Mobile),
            ("0861234567", "0861234567", PhoneKind::Mobile),
            ("(028) 3829 1234", "02838291234", PhoneKind::Landline),
            ("02438253536", "02438253536", PhoneKind::Landline),
            ("+84 28 3829 1234", "02838291234", PhoneKind::Landline),
            ("842838291234", "02838291234", PhoneKind::Landline),
            ("0236 3822 111", "02363822111", PhoneKind::Landline),
        ];
        for (input, canonical, kind) in good {
            let phone = Phone::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(phone.as_str(), canonical, "{input:?}");
            assert_eq!(phone.kind(), kind, "{input:?}");
            assert_eq!(phone.is_mobile(), kind == PhoneKind::Mobile);
        }
        let phone = Phone::parse("0912345678").unwrap();
        assert_eq!(phone.e164(), "+84912345678");
        assert_eq!(phone.masked(), "091****678");
        assert_eq!(Phone::parse("02838291234").unwrap().masked(), "028*****234");
    }

    #[test]
    fn refuses_bad_phone_numbers_with_their_codes() {
        let bad = [
            ("", "required"),
            (" - . ", "required"),
            ("+", "format"),
            ("09123456a8", "format"),
            ("0912 345 678 ext 2", "format"),
            ("09+12345678", "format"),
            ("++84912345678", "format"),
            ("+1 202 555 0100", "country"),
            ("+33612345678", "country"),
            ("091234567", "length"),
            ("09123456789", "length"),
            ("0283829123", "length"),
            ("028382912345", "length"),
            ("+8491234567", "length"),
            ("0112345678", "prefix"),
            ("0412345678", "prefix"),
            ("0612345678", "prefix"),
            ("0012345678", "prefix"),
            ("912345678", "prefix"),
            ("1022", "prefix"),
            ("113", "prefix"),
        ];
        for (input, expected) in bad {
            assert_eq!(code(Phone::parse(input)), expected, "{input:?}");
        }
        assert_eq!(
            Phone::parse_field("contact.phone", "1").unwrap_err().field,
            "contact.phone"
        );
    }

    #[test]
    fn normalizes_good_emails() {
        let good = [
            ("ten@example.vn", "ten@example.vn"),
            ("  Ten.Ho@Example.GOV.VN ", "Ten.Ho@example.gov.vn"),
            (
                "nguyen.van.a+dvc@mail.hochiminhcity.gov.vn",
                "nguyen.van.a+dvc@mail.hochiminhcity.gov.vn",
            ),
            ("a@b.co", "a@b.co"),
            ("o'brien_1@x-y.com", "o'brien_1@x-y.com"),
            ("user@xn--tn-cia.vn", "user@xn--tn-cia.vn"),
        ];
        for (input, canonical) in good {
            let email = Email::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e:?}"));
            assert_eq!(email.as_str(), canonical, "{input:?}");
        }
        let email = Email::parse("Ten.Ho@Example.VN").unwrap();
        assert_eq!(email.local_part(), "Ten.Ho");
        assert_eq!(email.domain(), "example.vn");
        assert_eq!(email.lookup_key(), "ten.ho@example.vn");
    }

    #[test]
    fn refuses_bad_emails_with_their_codes() {
        let long = format!("{}@example.vn", "a".repeat(250));
        let bad = [
            ("", "required"),
            ("   ", "required"),
            (long.as_str(), "too_long"),
            ("nguyễn@gmail.com", "non_ascii"),
            ("ten@tên.vn", "non_ascii"),
            ("ten.example.vn", "format"),
            ("a@b@example.vn", "format"),
            ("@example.vn", "local_part"),
            (".ten@example.vn", "local_part"),
            ("ten.@example.vn", "local_part"),
            ("te..n@example.vn", "local_part"),
            ("te n@example.vn", "local_part"),
            ("\"ten\"@example.vn", "local_part"),
            ("ten(x)@example.vn", "local_part"),
            ("ten@", "domain"),
            ("ten@localhost", "domain"),
            ("ten@example..vn", "domain"),
            ("ten@example.vn.", "domain"),
            ("ten@.example.vn", "domain"),
            ("ten@-example.vn", "domain"),
            ("ten@example-.vn", "domain"),
            ("ten@exa_mple.vn", "domain"),
            ("ten@192.168.1.1", "domain"),
            ("ten@[192.168.1.1]", "domain"),
        ];
        for (input, expected) in bad {
            assert_eq!(code(Email::parse(input)), expected, "{input:?}");
        }
        let local = format!("{}@example.vn", "a".repeat(65));
        assert_eq!(code(Email::parse(&local)), "local_part");
        let label = format!("ten@{}.vn", "a".repeat(64));
        assert_eq!(code(Email::parse(&label)), "domain");
    }

    #[test]
    fn serde_uses_the_canonical_strings() {
        let phone: Phone = serde_json::from_str("\"+84 912 345 678\"").unwrap();
        assert_eq!(serde_json::to_string(&phone).unwrap(), "\"0912345678\"");
        assert!(serde_json::from_str::<Phone>("\"123\"").is_err());
        let email: Email = serde_json::from_str("\"A@B.VN\"").unwrap();
        assert_eq!(serde_json::to_string(&email).unwrap(), "\"A@b.vn\"");
        assert!(serde_json::from_str::<Email>("\"a@b\"").is_err());
    }
}
