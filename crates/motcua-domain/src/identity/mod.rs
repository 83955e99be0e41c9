//! Who is acting: the pure rules for identifying applicants and officers.
//!
//! Nothing here does I/O or reads a clock; the date a rule depends on is passed in. Every
//! refusal is a [`FieldError`](crate::error::FieldError) naming the field, with a stable
//! `code` and a message in Vietnamese and English, so a form can say exactly what to fix.
//!
//! | type | what | canonical form |
//! |---|---|---|
//! | [`PersonalId`] | số định danh cá nhân (CCCD), 12 digits | `079203000034` |
//! | [`TaxCode`] | mã số thuế (MST), 10 digits or a 13-digit branch code | `0100109106`, `0100109106-001` |
//! | [`Phone`] | Vietnamese mobile or landline number | `0912345678`, `02838291234` |
//! | [`Email`] | e-mail address, domain lower-cased | `Ten.Ho@example.vn` |
//! | [`Role`] | an officer's role in an agency | `receiving_officer` |
//! | [`VerificationLevel`] | how an applicant account was verified | `counter_verified` |
//! | [`ApplicantKind`] | citizen, business or organisation | `business` |
//!
//! The password policy lives in [`password`]; hashing does not belong here.
//!
//! All identifier types serialize as their canonical string and deserialize through the same
//! parser as user input, so a stored value is always valid.

mod contact;
pub mod password;
mod personal_id;
mod role;
mod tax_code;

#[cfg(test)]
mod proptests;

pub use contact::{Email, Phone, PhoneKind};
pub use personal_id::{PROVINCE_CODES, PersonalId, Sex, province_name};
pub use role::{ApplicantKind, Role, VerificationLevel};
pub use tax_code::TaxCode;

/// The input with every whitespace character removed (people group digits when copying
/// them from a card: `079 203 000 034`).
fn without_whitespace(input: &str) -> String {
    input.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod test_util {
    use crate::error::FieldError;

    /// The error code of a refused input, or a panic naming the accepted value.
    pub fn code<T: std::fmt::Debug>(result: Result<T, FieldError>) -> &'static str {
        match result {
            Ok(v) => panic!("expected a refusal, got {v:?}"),
            Err(e) => {
                assert!(!e.message_vi.is_empty() && !e.message_en.is_empty());
                e.code
            }
        }
    }
}
