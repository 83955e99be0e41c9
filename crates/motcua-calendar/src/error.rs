//! Errors: the calendar's own failures. Validation problems use the domain's
//! [`FieldError`] and [`Validation`], which name the field and speak both languages.

use chrono::NaiveDate;

use crate::lunar::LunarError;
pub use motcua_domain::{FieldError, Validation};

/// Why the calendar could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date is outside the years the calendar was built for.
    #[error(
        "ngày {date} nằm ngoài khoảng lịch làm việc {first}–{last} / {date} is outside the working calendar {first}–{last}"
    )]
    OutOfRange {
        date: NaiveDate,
        first: i32,
        last: i32,
    },
    /// A calendar was asked for years outside 1900–2199 (or an empty range).
    #[error(
        "chỉ hỗ trợ lịch các năm 1900–2199, không phải {0}–{1} / calendars cover 1900–2199 only, not {0}–{1}"
    )]
    UnsupportedYears(i32, i32),
    /// The lunar calendar could not be computed (year outside 1900–2200).
    #[error(transparent)]
    Lunar(#[from] LunarError),
    /// A notice, a work week or another input is invalid.
    #[error(transparent)]
    Invalid(#[from] Validation),
}
