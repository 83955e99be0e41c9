//! Checking an applicant's answers against an e-form definition.

use chrono::NaiveDate;
use serde_json::Value;

use super::{FieldKind, FormField, compile, err};
use crate::model::DefinitionError;

fn invalid(path: &str, vi: &str, en: &str) -> DefinitionError {
    err(path, "invalid", vi, en)
}

pub(super) fn check_object(
    fields: &[FormField],
    values: &Value,
    base: &str,
    errors: &mut Vec<DefinitionError>,
) {
    let Some(obj) = values.as_object() else {
        errors.push(invalid(
            base,
            "Dữ liệu phải là một đối tượng.",
            "Values must be an object.",
        ));
        return;
    };
    for f in fields {
        let path = format!("{base}.{}", f.key);
        let missing = match obj.get(&f.key) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Bool(b)) => matches!(f.kind, FieldKind::Checkbox) && !b,
            _ => false,
        };
        if missing {
            if f.required {
                errors.push(DefinitionError::required(path));
            }
            continue;
        }
        if let Some(v) = obj.get(&f.key) {
            check_value(&f.kind, v, &path, errors);
        }
    }
}

fn digits_only(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

fn check_value(kind: &FieldKind, v: &Value, path: &str, errors: &mut Vec<DefinitionError>) {
    let text = v.as_str().map(str::trim);
    let need_text = |errors: &mut Vec<DefinitionError>| {
        errors.push(invalid(
            path,
            "Giá trị phải là chuỗi ký tự.",
            "The value must be a string.",
        ));
    };
    match kind {
        FieldKind::Text {
            min_length,
            max_length,
            pattern,
        } => {
            let Some(s) = text else {
                return need_text(errors);
            };
            let n = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
            if min_length.is_some_and(|m| n < m) {
                errors.push(err(
                    path,
                    "too_short",
                    format!("Phải có ít nhất {} ký tự.", min_length.unwrap_or(0)),
                    format!(
                        "Must be at least {} characters long.",
                        min_length.unwrap_or(0)
                    ),
                ));
            }
            if max_length.is_some_and(|m| n > m) {
                errors.push(err(
                    path,
                    "too_long",
                    format!("Không được dài quá {} ký tự.", max_length.unwrap_or(0)),
                    format!(
                        "Must be at most {} characters long.",
                        max_length.unwrap_or(0)
                    ),
                ));
            }
            if let Some(p) = pattern
                && compile(p).is_ok_and(|re| !re.is_match(s))
            {
                errors.push(err(
                    path,
                    "format",
                    "Giá trị không đúng định dạng.",
                    "The value does not have the expected format.",
                ));
            }
        }
        FieldKind::Textarea { max_length } => {
            let Some(s) = text else {
                return need_text(errors);
            };
            if max_length.is_some_and(|m| u32::try_from(s.chars().count()).unwrap_or(u32::MAX) > m)
            {
                errors.push(err(
                    path,
                    "too_long",
                    "Nội dung quá dài.",
                    "The text is too long.",
                ));
            }
        }
        FieldKind::Number { min, max, integer } => {
            let n = v
                .as_f64()
                .or_else(|| text.and_then(|s| s.replace(',', ".").parse().ok()));
            let Some(n) = n.filter(|n: &f64| n.is_finite()) else {
                return errors.push(invalid(
                    path,
                    "Giá trị phải là số.",
                    "The value must be a number.",
                ));
            };
            if *integer && n.fract() != 0.0 {
                errors.push(invalid(
                    path,
                    "Giá trị phải là số nguyên.",
                    "The value must be a whole number.",
                ));
            }
            if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                errors.push(err(
                    path,
                    "range",
                    "Giá trị nằm ngoài khoảng cho phép.",
                    "The value is out of range.",
                ));
            }
        }
        FieldKind::Date { min, max } => {
            let Some(d) = text.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) else {
                return errors.push(invalid(
                    path,
                    "Ngày phải có dạng YYYY-MM-DD.",
                    "A date must be written YYYY-MM-DD.",
                ));
            };
            if min.is_some_and(|m| d < m) || max.is_some_and(|m| d > m) {
                errors.push(err(
                    path,
                    "range",
                    "Ngày nằm ngoài khoảng cho phép.",
                    "The date is out of range.",
                ));
            }
        }
        FieldKind::Select { options, multiple } => {
            let chosen: Vec<&Value> = match (v, multiple) {
                (Value::Array(a), true) => a.iter().collect(),
                (Value::Array(_), false) => {
                    return errors.push(invalid(
                        path,
                        "Chỉ được chọn một phương án.",
                        "Only one option may be chosen.",
                    ));
                }
                (other, _) => vec![other],
            };
            if chosen.iter().any(|c| {
                !c.as_str()
                    .is_some_and(|s| options.iter().any(|o| o.value == s))
            }) {
                errors.push(invalid(
                    path,
                    "Phương án đã chọn không có trong danh sách.",
                    "The chosen option is not in the list.",
                ));
            }
        }
        FieldKind::Checkbox => {
            if !v.is_boolean() {
                errors.push(invalid(
                    path,
                    "Giá trị phải là đúng/sai.",
                    "The value must be true or false.",
                ));
            }
        }
        FieldKind::IdNumber => {
            if !text.is_some_and(|s| s.len() == 12 && digits_only(s)) {
                errors.push(invalid(
                    path,
                    "Số định danh cá nhân gồm đúng 12 chữ số.",
                    "A personal ID number has exactly 12 digits.",
                ));
            }
        }
        FieldKind::Phone => {
            let ok = text.is_some_and(|s| {
                let s: String = s
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '.' | '-'))
                    .collect();
                let rest = s.strip_prefix("+84").or_else(|| s.strip_prefix('0'));
                rest.is_some_and(|r| (9..=10).contains(&r.len()) && digits_only(r))
            });
            if !ok {
                errors.push(invalid(
                    path,
                    "Số điện thoại không hợp lệ.",
                    "Invalid phone number.",
                ));
            }
        }
        FieldKind::Email => {
            let ok = text.is_some_and(|s| {
                s.split_once('@').is_some_and(|(u, d)| {
                    !u.is_empty()
                        && d.contains('.')
                        && !d.starts_with('.')
                        && !d.ends_with('.')
                        && !s.contains(char::is_whitespace)
                })
            });
            if !ok {
                errors.push(invalid(
                    path,
                    "Địa chỉ thư điện tử không hợp lệ.",
                    "Invalid email address.",
                ));
            }
        }
        FieldKind::TaxCode => {
            let ok = text.is_some_and(|s| match s.split_once('-') {
                Some((a, b)) => a.len() == 10 && b.len() == 3 && digits_only(a) && digits_only(b),
                None => s.len() == 10 && digits_only(s),
            });
            if !ok {
                errors.push(invalid(
                    path,
                    "Mã số thuế gồm 10 chữ số (hoặc 10-3 với đơn vị phụ thuộc).",
                    "A tax code has 10 digits (or 10-3 for a branch).",
                ));
            }
        }
        FieldKind::File { .. } => {
            if text.is_none() {
                errors.push(invalid(
                    path,
                    "Tệp đính kèm không hợp lệ.",
                    "Invalid attachment reference.",
                ));
            }
        }
        FieldKind::Group { fields, repeatable } => match (v, repeatable) {
            (Value::Array(items), true) => {
                for (i, item) in items.iter().enumerate() {
                    check_object(fields, item, &format!("{path}[{i}]"), errors);
                }
            }
            (_, true) => errors.push(invalid(
                path,
                "Nhóm lặp lại phải là một danh sách.",
                "A repeatable group takes a list.",
            )),
            (item, false) => check_object(fields, item, path, errors),
        },
    }
}
