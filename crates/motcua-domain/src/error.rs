//! Validation errors that name the offending field and speak both languages.
//!
//! Every error a person can cause must be actionable, so each one carries a machine-readable
//! code, the field it concerns and a message in Vietnamese (first) and English.

use serde::Serialize;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Path of the field in the submitted document, e.g. `code` or `documents[2].name`.
    pub field: String,
    /// Stable machine-readable reason, e.g. `required`, `format`, `too_long`.
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

    pub fn required(field: impl Into<String>) -> Self {
        Self::new(
            field,
            "required",
            "Trường này là bắt buộc.",
            "This field is required.",
        )
    }

    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self::new(
            field,
            "too_long",
            format!("Không được dài quá {max} ký tự."),
            format!("Must be at most {max} characters long."),
        )
    }
}

/// The collected problems of one input; empty means valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
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

    /// Checks a required, length-limited text field; returns the trimmed value.
    pub fn text<'a>(&mut self, field: &str, value: &'a str, max: usize) -> &'a str {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.push(FieldError::required(field));
        } else if trimmed.chars().count() > max {
            self.push(FieldError::too_long(field, max));
        }
        trimmed
    }
}

impl From<FieldError> for Validation {
    fn from(error: FieldError) -> Self {
        Self(vec![error])
    }
}
