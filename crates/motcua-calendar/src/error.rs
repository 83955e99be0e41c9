//! Errors: validation problems that name the field and speak both languages, and the
//! calendar's own failures.
//!
//! The shape of [`FieldError`] and [`Validation`] deliberately mirrors `motcua-domain`'s, so
//! the web layer renders them the same way; this crate keeps its own copy to stay free of
//! dependencies on the rest of the workspace.

use chrono::NaiveDate;
use serde::Serialize;

use crate::lunar::LunarError;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Path of the field, e.g. `year` or `days_off[2].date`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `not_weekend`, `duplicate`.
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: &'static str,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code,
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }
}

/// The collected problems of one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .0.iter().map(|e| format!("{}: {} / {}", e.field, e.message_vi, e.message_en)).collect::<Vec<_>>().join("; "))]
pub struct Validation(pub Vec<FieldError>);

impl Validation {
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was pushed, so validators can end with `v.finish()`.
    pub fn finish(self) -> Result<(), Validation> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    /// Prefixes every field path, e.g. to report `notices[3].days_off[0].date`.
    pub fn prefixed(self, prefix: &str) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|mut e| {
                    e.field = format!("{prefix}.{}", e.field);
                    e
                })
                .collect(),
        )
    }
}

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
