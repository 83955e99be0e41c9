//! E-form definitions (biểu mẫu điện tử): the typed fields an applicant fills in online, as a
//! JSON-Schema-like document an administrator edits.
//!
//! ```json
//! {"code": "1.000080-TK", "title": "Tờ khai", "version": 1, "fields": [
//!   {"key": "ho_ten", "label": "Họ và tên", "type": "text", "required": true, "max_length": 100},
//!   {"key": "so_cccd", "label": "Số CCCD", "type": "id_number", "required": true},
//!   {"key": "gioi_tinh", "label": "Giới tính", "type": "select",
//!    "options": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]}]}
//! ```
//!
//! [`FormDefinition::validate`] refuses invalid definitions; [`FormDefinition::check_values`]
//! checks an applicant's answers against a (valid) definition. Both report errors with the
//! path of the field and a Vietnamese and an English message.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::DefinitionError;

mod values;

const MAX_DEPTH: usize = 3;
const MAX_TEXT: u32 = 20_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub code: String,
    pub title: String,
    #[serde(default = "one")]
    pub version: u32,
    pub fields: Vec<FormField>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormField {
    /// Machine key: lowercase ASCII letters, digits and `_`, starting with a letter.
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Text {
        #[serde(default)]
        min_length: Option<u32>,
        #[serde(default)]
        max_length: Option<u32>,
        /// A regular expression the whole value must match.
        #[serde(default)]
        pattern: Option<String>,
    },
    Textarea {
        #[serde(default)]
        max_length: Option<u32>,
    },
    Number {
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
        #[serde(default)]
        integer: bool,
    },
    /// ISO dates (`YYYY-MM-DD`).
    Date {
        #[serde(default)]
        min: Option<NaiveDate>,
        #[serde(default)]
        max: Option<NaiveDate>,
    },
    Select {
        options: Vec<SelectOption>,
        #[serde(default)]
        multiple: bool,
    },
    Checkbox,
    /// Số định danh cá nhân / CCCD: 12 digits.
    IdNumber,
    /// Vietnamese phone number: 0 or +84 then 9–10 digits.
    Phone,
    Email,
    /// Mã số thuế: 10 digits, or 10-3 for branches.
    TaxCode,
    File {
        /// Extensions (".pdf") or MIME types ("application/pdf").
        #[serde(default)]
        accept: Vec<String>,
        #[serde(default)]
        max_size_mb: Option<u32>,
    },
    /// A group of fields; `repeatable` groups take a list of answers (e.g. family members).
    Group {
        fields: Vec<FormField>,
        #[serde(default)]
        repeatable: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label: String,
}

pub(super) fn err(
    path: &str,
    code: &str,
    vi: impl Into<String>,
    en: impl Into<String>,
) -> DefinitionError {
    DefinitionError::new(path, code, vi, en)
}

fn valid_key(k: &str) -> bool {
    let mut chars = k.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && k.len() <= 64
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(super) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
        .size_limit(1 << 20)
        .build()
}

impl FormDefinition {
    /// Refuses an invalid definition with every problem found.
    pub fn validate(&self) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        if self.code.trim().is_empty() {
            errors.push(DefinitionError::required("code"));
        }
        if self.title.trim().is_empty() {
            errors.push(DefinitionError::required("title"));
        }
        if self.version == 0 {
            errors.push(err(
                "version",
                "range",
                "Phiên bản phải từ 1 trở lên.",
                "The version must be at least 1.",
            ));
        }
        if self.fields.is_empty() {
            errors.push(err(
                "fields",
                "required",
                "Biểu mẫu phải có ít nhất một trường.",
                "The form needs at least one field.",
            ));
        }
        validate_fields(&self.fields, "fields", 1, &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks answers (a JSON object keyed by field key) against the definition.
    pub fn check_values(&self, values: &Value) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        values::check_object(&self.fields, values, "values", &mut errors);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn validate_fields(
    fields: &[FormField],
    base: &str,
    depth: usize,
    errors: &mut Vec<DefinitionError>,
) {
    let mut keys = BTreeSet::new();
    for (i, f) in fields.iter().enumerate() {
        let path = format!("{base}[{i}]");
        if !valid_key(&f.key) {
            errors.push(err(
                &format!("{path}.key"),
                "format",
                "Mã trường chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng chữ, tối đa 64 ký tự.",
                "A field key uses lowercase ASCII letters, digits and underscores, starts with a letter, at most 64 characters.",
            ));
        } else if !keys.insert(f.key.as_str()) {
            errors.push(err(
                &format!("{path}.key"),
                "duplicate",
                format!("Mã trường \"{}\" bị trùng.", f.key),
                format!("The field key \"{}\" is used twice.", f.key),
            ));
        }
        if f.label.trim().is_empty() {
            errors.push(DefinitionError::required(format!("{path}.label")));
        } else if f.label.chars().count() > 200 {
            errors.push(err(
                &format!("{path}.label"),
                "too_long",
                "Nhãn không được dài quá 200 ký tự.",
                "A label must be at most 200 characters long.",
            ));
        }
        validate_kind(&f.kind, &path, depth, errors);
    }
}

fn range_error(path: &str) -> DefinitionError {
    err(
        path,
        "range",
        "Giá trị tối thiểu lớn hơn giá trị tối đa.",
        "The minimum is greater than the maximum.",
    )
}

fn validate_kind(kind: &FieldKind, path: &str, depth: usize, errors: &mut Vec<DefinitionError>) {
    match kind {
        FieldKind::Text {
            min_length,
            max_length,
            pattern,
        } => {
            if let (Some(a), Some(b)) = (min_length, max_length)
                && a > b
            {
                errors.push(range_error(&format!("{path}.min_length")));
            }
            if max_length.is_some_and(|m| m == 0 || m > MAX_TEXT) {
                errors.push(err(
                    &format!("{path}.max_length"),
                    "range",
                    format!("Độ dài tối đa phải từ 1 đến {MAX_TEXT}."),
                    format!("The maximum length must be between 1 and {MAX_TEXT}."),
                ));
            }
            if let Some(p) = pattern
                && let Err(e) = compile(p)
            {
                errors.push(err(
                    &format!("{path}.pattern"),
                    "pattern",
                    format!("Biểu thức kiểm tra không hợp lệ: {e}"),
                    format!("Invalid validation pattern: {e}"),
                ));
            }
        }
        FieldKind::Textarea { max_length } => {
            if max_length.is_some_and(|m| m == 0 || m > MAX_TEXT) {
                errors.push(err(
                    &format!("{path}.max_length"),
                    "range",
                    format!("Độ dài tối đa phải từ 1 đến {MAX_TEXT}."),
                    format!("The maximum length must be between 1 and {MAX_TEXT}."),
                ));
            }
        }
        FieldKind::Number { min, max, .. } => {
            if min.is_some_and(|v| !v.is_finite()) || max.is_some_and(|v| !v.is_finite()) {
                errors.push(err(
                    &format!("{path}.min"),
                    "range",
                    "Giới hạn phải là số hữu hạn.",
                    "Limits must be finite numbers.",
                ));
            } else if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                errors.push(range_error(&format!("{path}.min")));
            }
        }
        FieldKind::Date { min, max } => {
            if let (Some(a), Some(b)) = (min, max)
                && a > b
            {
                errors.push(range_error(&format!("{path}.min")));
            }
        }
        FieldKind::Select { options, .. } => {
            if options.is_empty() {
                errors.push(err(
                    &format!("{path}.options"),
                    "required",
                    "Trường lựa chọn phải có ít nhất một phương án.",
                    "A select field needs at least one option.",
                ));
            }
            let mut seen = BTreeSet::new();
            for (j, o) in options.iter().enumerate() {
                let op = format!("{path}.options[{j}]");
                if o.value.trim().is_empty() {
                    errors.push(DefinitionError::required(format!("{op}.value")));
                } else if !seen.insert(o.value.as_str()) {
                    errors.push(err(
                        &format!("{op}.value"),
                        "duplicate",
                        format!("Giá trị \"{}\" bị trùng.", o.value),
                        format!("The option value \"{}\" is used twice.", o.value),
                    ));
                }
                if o.label.trim().is_empty() {
                    errors.push(DefinitionError::required(format!("{op}.label")));
                }
            }
        }
        FieldKind::File {
            accept,
            max_size_mb,
        } => {
            for (j, a) in accept.iter().enumerate() {
                let ok = (a.starts_with('.')
                    && a.len() > 1
                    && a[1..].chars().all(|c| c.is_ascii_alphanumeric()))
                    || (a.contains('/') && !a.contains(char::is_whitespace));
                if !ok {
                    errors.push(err(&format!("{path}.accept[{j}]"), "format", "Định dạng tệp phải là phần mở rộng (.pdf) hoặc kiểu MIME (application/pdf).", "A file type is an extension (.pdf) or a MIME type (application/pdf)."));
                }
            }
            if max_size_mb.is_some_and(|m| m == 0 || m > 100) {
                errors.push(err(
                    &format!("{path}.max_size_mb"),
                    "range",
                    "Dung lượng tối đa phải từ 1 đến 100 MB.",
                    "The maximum size must be between 1 and 100 MB.",
                ));
            }
        }
        FieldKind::Group { fields, .. } => {
            if depth >= MAX_DEPTH {
                errors.push(err(
                    &format!("{path}.fields"),
                    "depth",
                    format!("Nhóm trường lồng nhau tối đa {MAX_DEPTH} cấp."),
                    format!("Groups nest at most {MAX_DEPTH} levels deep."),
                ));
            } else if fields.is_empty() {
                errors.push(err(
                    &format!("{path}.fields"),
                    "required",
                    "Nhóm phải có ít nhất một trường.",
                    "A group needs at least one field.",
                ));
            } else {
                validate_fields(fields, &format!("{path}.fields"), depth + 1, errors);
            }
        }
        FieldKind::Checkbox
        | FieldKind::IdNumber
        | FieldKind::Phone
        | FieldKind::Email
        | FieldKind::TaxCode => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form() -> FormDefinition {
        serde_json::from_value(json!({
            "code": "1.000080-TK", "title": "Tờ khai", "version": 1,
            "fields": [
                {"key": "ho_ten", "label": "Họ và tên", "type": "text", "required": true, "max_length": 10},
                {"key": "so_cccd", "label": "Số CCCD", "type": "id_number", "required": true},
                {"key": "ngay_sinh", "label": "Ngày sinh", "type": "date", "max": "2026-12-31"},
                {"key": "gioi_tinh", "label": "Giới tính", "type": "select",
                 "options": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]},
                {"key": "con", "label": "Con", "type": "group", "repeatable": true,
                 "fields": [{"key": "ten", "label": "Tên", "type": "text", "required": true}]}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn valid_definition_and_values() {
        let f = form();
        assert_eq!(f.validate(), Ok(()));
        let ok = json!({"ho_ten": "Nguyễn An", "so_cccd": "001090000001", "ngay_sinh": "1990-01-02",
                        "gioi_tinh": "nu", "con": [{"ten": "Bình"}]});
        assert_eq!(f.check_values(&ok), Ok(()));
        let bad = json!({"ho_ten": "Nguyễn Văn Thành Công", "so_cccd": "123", "ngay_sinh": "02/01/1990",
                         "gioi_tinh": "khac", "con": [{}]});
        let errs = f.check_values(&bad).unwrap_err();
        let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "values.ho_ten",
                "values.so_cccd",
                "values.ngay_sinh",
                "values.gioi_tinh",
                "values.con[0].ten"
            ]
        );
        assert!(
            errs.iter()
                .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
        );
    }

    #[test]
    fn refuses_invalid_definitions() {
        let mut f = form();
        f.fields[1].key = "ho_ten".into();
        f.fields[0].label = " ".into();
        f.fields.push(
            serde_json::from_value(
                json!({"key": "Bad Key", "label": "x", "type": "text", "pattern": "("}),
            )
            .unwrap(),
        );
        f.fields.push(
            serde_json::from_value(
                json!({"key": "chon", "label": "x", "type": "select", "options": []}),
            )
            .unwrap(),
        );
        f.fields.push(
            serde_json::from_value(
                json!({"key": "so", "label": "x", "type": "number", "min": 5, "max": 1}),
            )
            .unwrap(),
        );
        let errs = f.validate().unwrap_err();
        let got: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.path.as_str(), e.code.as_str()))
            .collect();
        assert!(got.contains(&("fields[1].key", "duplicate")));
        assert!(got.contains(&("fields[0].label", "required")));
        assert!(got.contains(&("fields[5].key", "format")));
        assert!(got.contains(&("fields[5].pattern", "pattern")));
        assert!(got.contains(&("fields[6].options", "required")));
        assert!(got.contains(&("fields[7].min", "range")));
    }

    #[test]
    fn unknown_type_is_a_serde_error() {
        let r: Result<FormField, _> =
            serde_json::from_value(json!({"key": "a", "label": "A", "type": "colour"}));
        assert!(r.is_err());
    }
}
