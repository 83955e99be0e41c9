//! An agency's e-form (its local settings for a procedure) on page forms: the fields to
//! render, the answers read back from a posted form as the JSON a dossier keeps, and the
//! answers shown on the dossier page. Checking the answers is `dossiers::create`'s (the
//! same for the API and the pages); its errors name `form_values.<key>`, which become the
//! page field `fv_<key>` here.

use std::collections::BTreeMap;

use minijinja::{Value, context};
use motcua_catalog::local::EFormField;
use motcua_catalog::model::eform::FieldKind;
use serde_json::Value as Json;

use crate::i18n::Lang;

/// The prefix of e-form inputs, so that no e-form key meets a page field (`csrf`, `agency`…).
const PREFIX: &str = "fv_";

/// The form input name of an e-form key.
pub fn input_name(key: &str) -> String {
    format!("{PREFIX}{key}")
}

/// Posted values by input name, repeated inputs (multiple choice) kept in order.
pub type Posted = BTreeMap<String, Vec<String>>;

/// Groups a posted form's pairs by name.
pub fn posted(pairs: &[(String, String)]) -> Posted {
    let mut out = Posted::new();
    for (k, v) in pairs {
        out.entry(k.clone()).or_default().push(v.clone());
    }
    out
}

/// The first posted value of `name`, trimmed; `None` when absent or blank.
pub fn one<'a>(p: &'a Posted, name: &str) -> Option<&'a str> {
    p.get(name)
        .and_then(|v| v.first())
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
}

/// The answers of a posted form as the e-form's JSON object: text as given (the check trims
/// and converts numbers), a ticked checkbox `true`, multiple choices a list.
pub fn collect(fields: &[EFormField], p: &Posted) -> Json {
    let mut out = serde_json::Map::new();
    for f in fields {
        let given = p.get(&input_name(&f.key));
        let value = match &f.kind {
            FieldKind::Checkbox => {
                Json::Bool(given.is_some_and(|v| v.iter().any(|s| !s.is_empty())))
            }
            FieldKind::Select { multiple: true, .. } => Json::Array(
                given
                    .into_iter()
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .map(|s| Json::String(s.clone()))
                    .collect(),
            ),
            _ => match given.and_then(|v| v.first()) {
                Some(s) => Json::String(s.clone()),
                None => continue,
            },
        };
        out.insert(f.key.clone(), value);
    }
    Json::Object(out)
}

/// Field errors of the service (`form_values.<key>`) under the page's input names.
pub fn page_errors(errors: Option<Value>) -> Option<Value> {
    let errors = errors?;
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    if let Ok(iter) = errors.try_iter() {
        for key in iter {
            let Some(k) = key.as_str() else { continue };
            let msg = errors
                .get_item(&key)
                .ok()
                .and_then(|m| m.as_str().map(str::to_owned))
                .unwrap_or_default();
            let name = match k.strip_prefix("form_values.") {
                Some(rest) => input_name(rest),
                None => k.to_owned(),
            };
            map.insert(name, msg);
        }
    }
    Some(Value::from_serialize(&map))
}

fn text_of(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

fn pick(lang: Lang, vi: &str, en: &str) -> String {
    match lang {
        Lang::En if !en.trim().is_empty() => en.to_owned(),
        _ => vi.to_owned(),
    }
}

/// The fields for `dossier_eform.html`, with what was posted (or the dossier's values).
pub fn fields_context(fields: &[EFormField], lang: Lang, values: &ValuesSource<'_>) -> Vec<Value> {
    fields
        .iter()
        .map(|f| {
            let name = input_name(&f.key);
            let current: Vec<String> = match values {
                ValuesSource::Posted(p) => p.get(&name).cloned().unwrap_or_default(),
                ValuesSource::Empty => vec![],
            };
            let help = match lang {
                Lang::En => f.help_en.clone().or_else(|| f.help_vi.clone()),
                Lang::Vi => f.help_vi.clone(),
            };
            let (input, attrs) = input_kind(&f.kind);
            let options: Vec<Value> = match &f.kind {
                FieldKind::Select { options, .. } => options
                    .iter()
                    .map(|o| {
                        context! {
                            value => o.value, label => o.label,
                            selected => current.iter().any(|c| c == &o.value),
                        }
                    })
                    .collect(),
                _ => vec![],
            };
            context! {
                key => f.key, name, input, attrs, options, help,
                label => pick(lang, &f.label_vi, &f.label_en),
                required => f.required,
                multiple => matches!(f.kind, FieldKind::Select { multiple: true, .. }),
                value => current.first().cloned().unwrap_or_default(),
                checked => !current.is_empty(),
            }
        })
        .collect()
}

/// Where the values shown in an e-form come from.
pub enum ValuesSource<'a> {
    Posted(&'a Posted),
    Empty,
}

/// The HTML control (`text`, `textarea`, `select`, `checkbox`, or an input type) and its
/// constraint attributes, as `(name, value)` pairs the template writes escaped.
fn input_kind(kind: &FieldKind) -> (&'static str, Vec<(&'static str, String)>) {
    match kind {
        FieldKind::Text {
            min_length,
            max_length,
            ..
        } => {
            let mut a = Vec::new();
            if let Some(n) = min_length {
                a.push(("minlength", n.to_string()));
            }
            if let Some(n) = max_length {
                a.push(("maxlength", n.to_string()));
            }
            ("text", a)
        }
        FieldKind::Textarea { max_length } => (
            "textarea",
            max_length
                .map(|n| vec![("maxlength", n.to_string())])
                .unwrap_or_default(),
        ),
        FieldKind::Number { min, max, integer } => {
            let mut a = vec![("step", if *integer { "1" } else { "any" }.to_owned())];
            if let Some(n) = min {
                a.push(("min", n.to_string()));
            }
            if let Some(n) = max {
                a.push(("max", n.to_string()));
            }
            a.push((
                "inputmode",
                if *integer { "numeric" } else { "decimal" }.to_owned(),
            ));
            ("number", a)
        }
        FieldKind::Date { min, max } => {
            let mut a = Vec::new();
            if let Some(d) = min {
                a.push(("min", d.to_string()));
            }
            if let Some(d) = max {
                a.push(("max", d.to_string()));
            }
            ("date", a)
        }
        FieldKind::Select { .. } => ("select", vec![]),
        FieldKind::Checkbox => ("checkbox", vec![]),
        FieldKind::IdNumber => (
            "text",
            vec![
                ("inputmode", "numeric".into()),
                ("pattern", "[0-9]{12}".into()),
                ("maxlength", "12".into()),
                ("autocomplete", "off".into()),
            ],
        ),
        FieldKind::Phone => (
            "tel",
            vec![("inputmode", "tel".into()), ("autocomplete", "tel".into())],
        ),
        FieldKind::Email => ("email", vec![("autocomplete", "email".into())]),
        FieldKind::TaxCode => (
            "text",
            vec![("inputmode", "numeric".into()), ("maxlength", "14".into())],
        ),
        // Local e-forms have neither (their settings refuse them); shown as text if met.
        FieldKind::File { .. } | FieldKind::Group { .. } => ("text", vec![]),
    }
}

/// The dossier's answers for reading: `(label, value)` in the e-form's order, then any
/// value without a field (kept as given when there was no e-form).
pub fn answers(fields: &[EFormField], values: &Json, lang: Lang) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(obj) = values.as_object() else {
        return out;
    };
    let yes_no = |b: bool| match (lang, b) {
        (Lang::Vi, true) => "Có",
        (Lang::Vi, false) => "Không",
        (Lang::En, true) => "Yes",
        (Lang::En, false) => "No",
    };
    let shown = |f: &EFormField, v: &Json| -> String {
        let option_label = |s: &str| match &f.kind {
            FieldKind::Select { options, .. } => options
                .iter()
                .find(|o| o.value == s)
                .map_or_else(|| s.to_owned(), |o| o.label.clone()),
            _ => s.to_owned(),
        };
        match v {
            Json::Bool(b) => yes_no(*b).to_owned(),
            Json::Array(a) => a
                .iter()
                .map(|x| option_label(&text_of(x)))
                .collect::<Vec<_>>()
                .join(", "),
            other => option_label(&text_of(other)),
        }
    };
    for f in fields {
        if let Some(v) = obj.get(&f.key) {
            out.push((pick(lang, &f.label_vi, &f.label_en), shown(f, v)));
        }
    }
    for (k, v) in obj {
        if !fields.iter().any(|f| &f.key == k) {
            let text = match v {
                Json::Bool(b) => yes_no(*b).to_owned(),
                Json::Array(a) => a.iter().map(text_of).collect::<Vec<_>>().join(", "),
                other => text_of(other),
            };
            out.push((k.clone(), text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use motcua_catalog::model::eform::SelectOption;
    use serde_json::json;

    fn field(key: &str, kind: FieldKind) -> EFormField {
        EFormField {
            key: key.into(),
            label_vi: format!("Nhãn {key}"),
            label_en: format!("Label {key}"),
            kind,
            required: false,
            help_vi: None,
            help_en: None,
        }
    }

    fn form() -> Vec<EFormField> {
        vec![
            field(
                "ho_ten",
                FieldKind::Text {
                    min_length: None,
                    max_length: Some(100),
                    pattern: None,
                },
            ),
            field("dong_y", FieldKind::Checkbox),
            field(
                "giay_to",
                FieldKind::Select {
                    options: vec![
                        SelectOption {
                            value: "a".into(),
                            label: "Giấy A".into(),
                        },
                        SelectOption {
                            value: "b".into(),
                            label: "Giấy B".into(),
                        },
                    ],
                    multiple: true,
                },
            ),
        ]
    }

    #[test]
    fn posted_answers_become_the_eform_object() {
        let pairs: Vec<(String, String)> = [
            ("csrf", "x"),
            ("fv_ho_ten", " Lê Minh Khôi "),
            ("fv_giay_to", "a"),
            ("fv_giay_to", "b"),
            ("fv_khac", "ignored: not a field"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let got = collect(&form(), &posted(&pairs));
        assert_eq!(
            got,
            json!({"ho_ten": " Lê Minh Khôi ", "dong_y": false, "giay_to": ["a", "b"]})
        );
    }

    #[test]
    fn answers_read_with_labels_and_options() {
        let values = json!({"ho_ten": "Khôi", "dong_y": true, "giay_to": ["b"], "ghi_chu": "x"});
        let got = answers(&form(), &values, Lang::Vi);
        assert_eq!(
            got,
            vec![
                ("Nhãn ho_ten".into(), "Khôi".into()),
                ("Nhãn dong_y".into(), "Có".into()),
                ("Nhãn giay_to".into(), "Giấy B".into()),
                ("ghi_chu".into(), "x".into()),
            ]
        );
        assert_eq!(answers(&form(), &values, Lang::En)[1].0, "Label dong_y");
    }

    #[test]
    fn service_errors_map_to_inputs() {
        let mut m = BTreeMap::new();
        m.insert("form_values.ho_ten".to_owned(), "Bắt buộc".to_owned());
        m.insert("agency".to_owned(), "Không có".to_owned());
        let got = page_errors(Some(Value::from_serialize(&m))).unwrap();
        assert_eq!(
            got.get_attr("fv_ho_ten").unwrap().as_str(),
            Some("Bắt buộc")
        );
        assert_eq!(got.get_attr("agency").unwrap().as_str(), Some("Không có"));
    }
}
