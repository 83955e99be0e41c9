//! An agency's local settings for one procedure (issue 4, SPEC §3): its internal process
//! (quy trình nội bộ), its e-form (biểu mẫu điện tử), the receiving points that receive it, a
//! local online level, fee overrides, and whether the agency receives the procedure at all.
//!
//! The national catalog says what a procedure is; these settings say how one agency runs it.
//! They are pure data here, checked by [`LocalSettings::validate`] (structure) and
//! [`LocalSettings::validate_for`] (against the procedure); an applicant's e-form answers are
//! checked by [`check_values`]. Errors name the offending field by its path (`steps[2].budget_hours`,
//! `eform[0].key`, `form_values.ho_ten`) with a Vietnamese and an English message.
//!
//! Decisions:
//!
//! * **Steps.** Empty means "the default process" ([`LocalSettings::default_steps`]: specialist,
//!   department head, leader). A step is done by an officer role that processes dossiers —
//!   specialist, department head or leader — and the last step approves the result, so its
//!   role is department head or leader (who may approve under the policy). Budgets are
//!   working hours; when the procedure's processing time is working time, the budgets add up
//!   to at most that time (the rest belongs to reception and returning the result).
//! * **E-form.** Empty means "no e-form": the applicant's values are kept as given (they must be
//!   a JSON object, at most [`MAX_FREE_VALUES_BYTES`] long). With fields, only the defined keys
//!   are accepted, each checked against its kind. Groups and file fields are not offered in
//!   local e-forms (files are the procedure's required documents).
//! * **Online level.** `None` keeps the catalog's level. An agency may set any level, but a level
//!   above `none` needs an online channel in the catalog; `none` turns online submission off at
//!   this agency. (The catalog infers `partial` from an online channel; agencies raise it to
//!   `full_process` when every step is online.)
//! * **Receiving points.** Codes of the agency's receiving points; empty means all of them.
//!   Whether the codes exist is checked by the web layer, which knows the agency.
//! * **Fees.** One override per channel kind the procedure has, in VND.

use std::collections::BTreeSet;

use motcua_domain::identity::Role;
use motcua_domain::{FieldError, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::eform::{FieldKind, FormField};
use crate::model::{ChannelKind, DefinitionError, DurationUnit, OnlineLevel, Procedure};

/// The most steps an internal process may have.
pub const MAX_STEPS: usize = 20;
/// The most fields a local e-form may have.
pub const MAX_FIELDS: usize = 100;
/// The largest step budget, in working hours (a year of working days).
pub const MAX_BUDGET_HOURS: u32 = 2_000;
/// The largest serialized size of free e-form values (when no e-form is defined).
pub const MAX_FREE_VALUES_BYTES: usize = 64 * 1024;
/// The largest fee override, in VND.
pub const MAX_FEE_VND: i64 = 1_000_000_000_000;

/// One agency's settings for one procedure. Serialized as stored and as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LocalSettings {
    /// The ordered internal process; empty = the default process.
    pub steps: Vec<ProcessStep>,
    /// The e-form's fields; empty = no e-form (values kept as given).
    pub eform: Vec<EFormField>,
    /// Fees per channel kind, replacing the catalog's.
    pub fee_overrides: Vec<FeeOverride>,
    /// The agency's online level; `None` = the catalog's.
    pub online_level: Option<OnlineLevel>,
    /// Codes of the agency's receiving points that receive the procedure; empty = all.
    pub receiving_points: Vec<String>,
    /// Whether the agency receives this procedure.
    pub enabled: bool,
}

impl Default for LocalSettings {
    fn default() -> Self {
        Self {
            steps: Vec::new(),
            eform: Vec::new(),
            fee_overrides: Vec::new(),
            online_level: None,
            receiving_points: Vec::new(),
            enabled: true,
        }
    }
}

/// One step of the internal process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProcessStep {
    pub name_vi: String,
    pub name_en: String,
    /// Who does the step: `specialist`, `department_head` or `leader`.
    #[schema(value_type = String, example = "specialist")]
    pub role: Role,
    /// The step's time budget in working hours (8 per working day).
    pub budget_hours: u32,
}

/// One field of a local e-form. The kind is flattened: `{"key": "ho_ten", "type": "text",
/// "max_length": 100, …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EFormField {
    /// Machine key: lowercase ASCII letters, digits and `_`, starting with a letter.
    pub key: String,
    pub label_vi: String,
    pub label_en: String,
    /// `text`, `textarea`, `number`, `date`, `select`, `checkbox`, `id_number`, `phone`,
    /// `email` or `tax_code`, with the kind's options.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_en: Option<String>,
}

impl EFormField {
    /// The kind's stable name (`text`, `select`, …), as serialized in `type`.
    pub fn kind_name(&self) -> &'static str {
        kind_name(&self.kind)
    }

    fn as_form_field(&self) -> FormField {
        FormField {
            key: self.key.clone(),
            label: self.label_vi.clone(),
            kind: self.kind.clone(),
            required: self.required,
            help: self.help_vi.clone(),
        }
    }
}

/// The stable name of a field kind (`text`, `select`, …).
pub fn kind_name(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::Text { .. } => "text",
        FieldKind::Textarea { .. } => "textarea",
        FieldKind::Number { .. } => "number",
        FieldKind::Date { .. } => "date",
        FieldKind::Select { .. } => "select",
        FieldKind::Checkbox => "checkbox",
        FieldKind::IdNumber => "id_number",
        FieldKind::Phone => "phone",
        FieldKind::Email => "email",
        FieldKind::TaxCode => "tax_code",
        FieldKind::File { .. } => "file",
        FieldKind::Group { .. } => "group",
    }
}

/// A fee replacing the catalog's for one channel kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FeeOverride {
    pub channel: ChannelKind,
    /// The fee in VND; 0 = free.
    pub fee_vnd: i64,
}

/// The roles a process step may have.
pub const STEP_ROLES: [Role; 3] = [Role::Specialist, Role::DepartmentHead, Role::Leader];

fn step(name_vi: &str, name_en: &str, role: Role, budget_hours: u32) -> ProcessStep {
    ProcessStep {
        name_vi: name_vi.to_owned(),
        name_en: name_en.to_owned(),
        role,
        budget_hours,
    }
}

/// A procedure's processing time in working hours, when it is counted in working time
/// (the shortest over its channels).
pub fn processing_working_hours(p: &Procedure) -> Option<u32> {
    p.channels
        .iter()
        .filter_map(|c| c.duration.as_ref())
        .filter_map(|d| match d.unit {
            DurationUnit::WorkingDays => d.value.checked_mul(8),
            DurationUnit::WorkingHours => Some(d.value),
            _ => None,
        })
        .min()
}

impl LocalSettings {
    /// What applies when the agency set nothing: the default process, no e-form, the
    /// catalog's fees and online level, every receiving point, enabled.
    pub fn default_for(p: &Procedure) -> Self {
        Self {
            steps: Self::default_steps(processing_working_hours(p)),
            ..Self::default()
        }
    }

    /// The default process — Chuyên viên thụ lý, Lãnh đạo phòng, Lãnh đạo cơ quan — sharing
    /// `total_hours` of working time 60/20/20 (one working day each when unknown).
    pub fn default_steps(total_hours: Option<u32>) -> Vec<ProcessStep> {
        let (a, b, c) = match total_hours {
            Some(t) if t >= 3 => {
                let b = (t / 5).max(1);
                let c = (t / 5).max(1);
                (t - b - c, b, c)
            }
            _ => (8, 8, 8),
        };
        vec![
            step("Chuyên viên thụ lý", "Specialist", Role::Specialist, a),
            step("Lãnh đạo phòng", "Department head", Role::DepartmentHead, b),
            step("Lãnh đạo cơ quan", "Leader", Role::Leader, c),
        ]
    }

    /// The steps in force: the agency's, or the default when it defined none.
    pub fn effective_steps(&self, p: &Procedure) -> Vec<ProcessStep> {
        if self.steps.is_empty() {
            Self::default_steps(processing_working_hours(p))
        } else {
            self.steps.clone()
        }
    }

    /// The fee override for a channel kind, if any.
    pub fn fee_for(&self, channel: ChannelKind) -> Option<i64> {
        self.fee_overrides
            .iter()
            .find(|f| f.channel == channel)
            .map(|f| f.fee_vnd)
    }

    /// The online level in force at this agency.
    pub fn online_level_for(&self, p: &Procedure) -> OnlineLevel {
        self.online_level.unwrap_or(p.online_level)
    }

    /// Whether applicants may submit online to this agency: the catalog offers an online
    /// channel, the agency receives the procedure and its online level is not `none`.
    pub fn online_submission(&self, p: &Procedure) -> bool {
        self.enabled && p.offers_online() && self.online_level_for(p) != OnlineLevel::None
    }

    /// Checks the settings' structure (what needs no procedure): steps, e-form, fees,
    /// receiving point codes.
    pub fn validate(&self) -> Result<(), Validation> {
        let mut v = Validation::default();
        self.check_structure(&mut v);
        v.finish()
    }

    /// [`LocalSettings::validate`], and against the procedure: budgets within its processing
    /// time, fees only for its channels, an online level only with an online channel.
    pub fn validate_for(&self, p: &Procedure) -> Result<(), Validation> {
        let mut v = Validation::default();
        self.check_structure(&mut v);
        if let Some(total) = processing_working_hours(p) {
            let sum: u64 = self.steps.iter().map(|s| u64::from(s.budget_hours)).sum();
            if sum > u64::from(total) {
                v.push(FieldError::new(
                    "steps",
                    "total_exceeded",
                    format!(
                        "Tổng thời gian các bước ({sum} giờ làm việc) vượt thời hạn giải quyết ({total} giờ làm việc)."
                    ),
                    format!(
                        "The steps add up to {sum} working hours, more than the processing time ({total} working hours)."
                    ),
                ));
            }
        }
        for (i, f) in self.fee_overrides.iter().enumerate() {
            if !p.channels.iter().any(|c| c.kind == f.channel) {
                v.push(FieldError::new(
                    format!("fee_overrides[{i}].channel"),
                    "unknown_channel",
                    "Thủ tục không có cách thức thực hiện này.",
                    "The procedure has no such channel.",
                ));
            }
        }
        if self
            .online_level
            .is_some_and(|l| l != OnlineLevel::None && !p.offers_online())
        {
            v.push(FieldError::new(
                "online_level",
                "not_online",
                "Thủ tục không có cách thức nộp trực tuyến trong danh mục; chỉ chọn được mức \"không\".",
                "The catalog offers no online channel for this procedure; only \"none\" can be chosen.",
            ));
        }
        v.finish()
    }

    fn check_structure(&self, v: &mut Validation) {
        if self.steps.len() > MAX_STEPS {
            v.push(FieldError::new(
                "steps",
                "too_many",
                format!("Quy trình có tối đa {MAX_STEPS} bước."),
                format!("A process has at most {MAX_STEPS} steps."),
            ));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let path = format!("steps[{i}]");
            v.text(&format!("{path}.name_vi"), &s.name_vi, 200);
            v.text(&format!("{path}.name_en"), &s.name_en, 200);
            if !STEP_ROLES.contains(&s.role) {
                v.push(FieldError::new(
                    format!("{path}.role"),
                    "one_of",
                    "Vai trò của bước phải là chuyên viên thụ lý, lãnh đạo phòng hoặc lãnh đạo cơ quan.",
                    "A step's role must be specialist, department head or leader.",
                ));
            } else if i + 1 == self.steps.len() && s.role == Role::Specialist {
                v.push(FieldError::new(
                    format!("{path}.role"),
                    "approver",
                    "Bước cuối cùng phê duyệt kết quả: vai trò phải là lãnh đạo phòng hoặc lãnh đạo cơ quan.",
                    "The last step approves the result: its role must be department head or leader.",
                ));
            }
            if s.budget_hours == 0 || s.budget_hours > MAX_BUDGET_HOURS {
                v.push(FieldError::new(
                    format!("{path}.budget_hours"),
                    "range",
                    format!("Thời gian của bước phải từ 1 đến {MAX_BUDGET_HOURS} giờ làm việc."),
                    format!(
                        "A step's time budget must be between 1 and {MAX_BUDGET_HOURS} working hours."
                    ),
                ));
            }
        }
        self.check_eform(v);
        let mut channels = BTreeSet::new();
        for (i, f) in self.fee_overrides.iter().enumerate() {
            if !channels.insert(f.channel) {
                v.push(FieldError::new(
                    format!("fee_overrides[{i}].channel"),
                    "duplicate",
                    "Mỗi cách thức thực hiện chỉ có một mức phí.",
                    "Each channel has at most one fee.",
                ));
            }
            if !(0..=MAX_FEE_VND).contains(&f.fee_vnd) {
                v.push(FieldError::new(
                    format!("fee_overrides[{i}].fee_vnd"),
                    "range",
                    "Lệ phí phải là số tiền từ 0 đồng trở lên.",
                    "The fee must be an amount of 0 VND or more.",
                ));
            }
        }
        let mut points = BTreeSet::new();
        for (i, code) in self.receiving_points.iter().enumerate() {
            let path = format!("receiving_points[{i}]");
            let c = v.text(&path, code, 64);
            if !c.is_empty() && !points.insert(c) {
                v.push(FieldError::new(
                    path,
                    "duplicate",
                    format!("Bộ phận tiếp nhận \"{c}\" bị trùng."),
                    format!("The receiving point \"{c}\" is listed twice."),
                ));
            }
        }
    }

    fn check_eform(&self, v: &mut Validation) {
        if self.eform.len() > MAX_FIELDS {
            v.push(FieldError::new(
                "eform",
                "too_many",
                format!("Biểu mẫu có tối đa {MAX_FIELDS} trường."),
                format!("An e-form has at most {MAX_FIELDS} fields."),
            ));
        }
        for (i, f) in self.eform.iter().enumerate() {
            let path = format!("eform[{i}]");
            v.text(&format!("{path}.label_vi"), &f.label_vi, 200);
            v.text(&format!("{path}.label_en"), &f.label_en, 200);
            for (field, help) in [("help_vi", &f.help_vi), ("help_en", &f.help_en)] {
                if help.as_deref().is_some_and(|h| h.chars().count() > 1000) {
                    v.push(FieldError::too_long(format!("{path}.{field}"), 1000));
                }
            }
            if matches!(f.kind, FieldKind::Group { .. } | FieldKind::File { .. }) {
                v.push(FieldError::new(
                    format!("{path}.type"),
                    "one_of",
                    "Biểu mẫu của cơ quan không dùng nhóm trường hay tệp đính kèm (tệp là thành phần hồ sơ).",
                    "Local e-forms have no groups or file fields (files are the required documents).",
                ));
            }
        }
        // The kinds' own rules (keys, duplicates, options, ranges, patterns) are the catalog
        // e-form's, reported under `eform[i]`.
        let fields: Vec<FormField> = self.eform.iter().map(EFormField::as_form_field).collect();
        let def = crate::model::eform::FormDefinition {
            code: "local".into(),
            title: "local".into(),
            version: 1,
            fields,
        };
        if let Err(errors) = def.validate() {
            for e in errors {
                // `fields` itself (required): an empty e-form is allowed here.
                let Some(rest) = e.path.strip_prefix("fields").filter(|r| !r.is_empty()) else {
                    continue;
                };
                // The single label is our label_vi.
                let rest = rest.replace(".label", ".label_vi");
                if rest.ends_with(".label_vi") && e.code == "required" {
                    continue; // already reported by the text check above
                }
                v.push(to_field_error(e, &format!("eform{rest}")));
            }
        }
    }
}

fn static_code(code: &str) -> &'static str {
    match code {
        "required" => "required",
        "format" => "format",
        "duplicate" => "duplicate",
        "range" => "range",
        "too_long" => "too_long",
        "too_short" => "too_short",
        "pattern" => "pattern",
        "depth" => "depth",
        _ => "invalid",
    }
}

fn to_field_error(e: DefinitionError, field: &str) -> FieldError {
    FieldError::new(field, static_code(&e.code), e.message_vi, e.message_en)
}

fn refuse_unknown(obj: &Map<String, Value>, fields: &[EFormField], v: &mut Validation) {
    for key in obj.keys() {
        if !fields.iter().any(|f| &f.key == key) {
            v.push(FieldError::new(
                format!("form_values.{key}"),
                "unknown",
                "Biểu mẫu không có trường này.",
                "The e-form has no such field.",
            ));
        }
    }
}

fn normalize(kind: &FieldKind, value: &Value) -> Value {
    match (kind, value) {
        (FieldKind::Number { .. }, Value::String(s)) => s
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .and_then(|n| {
                if n.fract() == 0.0 && n.abs() < 9.0e15 {
                    #[allow(clippy::cast_possible_truncation)]
                    Some(Value::from(n as i64))
                } else {
                    serde_json::Number::from_f64(n).map(Value::Number)
                }
            })
            .unwrap_or_else(|| value.clone()),
        (FieldKind::Phone, Value::String(s)) => Value::String(
            s.chars()
                .filter(|c| !matches!(c, ' ' | '.' | '-'))
                .collect(),
        ),
        (_, Value::String(s)) => Value::String(s.trim().to_owned()),
        (_, Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Value::String(s.trim().to_owned()),
                    other => other.clone(),
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Checks an applicant's e-form values against the fields and returns them normalized
/// (strings trimmed, numbers given as text made numbers, empty optional answers dropped).
///
/// With no fields (no e-form), any JSON object up to [`MAX_FREE_VALUES_BYTES`] is kept as
/// given. Otherwise keys that are not fields are refused, and every error names
/// `form_values.<key>`.
pub fn check_values(fields: &[EFormField], values: &Value) -> Result<Value, Validation> {
    let Some(obj) = values.as_object() else {
        return Err(FieldError::new(
            "form_values",
            "invalid",
            "Dữ liệu biểu mẫu phải là một đối tượng JSON.",
            "The e-form values must be a JSON object.",
        )
        .into());
    };
    if fields.is_empty() {
        let size = serde_json::to_string(values).map_or(usize::MAX, |s| s.len());
        if size > MAX_FREE_VALUES_BYTES {
            return Err(FieldError::new(
                "form_values",
                "too_long",
                format!("Dữ liệu biểu mẫu không được dài quá {MAX_FREE_VALUES_BYTES} byte."),
                format!("The e-form values must be at most {MAX_FREE_VALUES_BYTES} bytes long."),
            )
            .into());
        }
        return Ok(values.clone());
    }
    let mut v = Validation::default();
    refuse_unknown(obj, fields, &mut v);
    let form: Vec<FormField> = fields.iter().map(EFormField::as_form_field).collect();
    let def = crate::model::eform::FormDefinition {
        code: "local".into(),
        title: "local".into(),
        version: 1,
        fields: form,
    };
    if let Err(errors) = def.check_values(values) {
        for e in errors {
            let rest = e.path.strip_prefix("values").unwrap_or(&e.path).to_owned();
            v.push(to_field_error(e, &format!("form_values{rest}")));
        }
    }
    v.finish()?;
    let mut out = Map::new();
    for f in fields {
        let Some(value) = obj.get(&f.key) else {
            continue;
        };
        let empty = match value {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty(),
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        if !empty {
            out.insert(f.key.clone(), normalize(&f.kind, value));
        }
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(v: Value) -> EFormField {
        serde_json::from_value(v).unwrap()
    }

    fn birth_form() -> Vec<EFormField> {
        vec![
            field(
                json!({"key": "ho_ten_tre", "label_vi": "Họ, chữ đệm và tên của trẻ", "label_en": "Child's full name", "type": "text", "required": true, "max_length": 100}),
            ),
            field(
                json!({"key": "ngay_sinh", "label_vi": "Ngày sinh", "label_en": "Date of birth", "type": "date", "required": true}),
            ),
            field(
                json!({"key": "gioi_tinh", "label_vi": "Giới tính", "label_en": "Sex", "type": "select", "required": true,
                       "options": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]}),
            ),
            field(
                json!({"key": "so_con", "label_vi": "Con thứ", "label_en": "Birth order", "type": "number", "integer": true, "min": 1}),
            ),
            field(
                json!({"key": "dien_thoai", "label_vi": "Số điện thoại", "label_en": "Phone", "type": "phone"}),
            ),
            field(
                json!({"key": "cccd_me", "label_vi": "Số định danh của mẹ", "label_en": "Mother's ID number", "type": "id_number"}),
            ),
        ]
    }

    fn settings() -> LocalSettings {
        LocalSettings {
            steps: vec![
                step("Thụ lý", "Examine", Role::Specialist, 16),
                step("Phê duyệt", "Approve", Role::Leader, 8),
            ],
            eform: birth_form(),
            ..LocalSettings::default()
        }
    }

    fn procedure(online: bool) -> Procedure {
        let channel = |kind| crate::model::Channel {
            kind,
            duration: Some(crate::model::Duration {
                value: 3,
                unit: DurationUnit::WorkingDays,
                source: crate::model::DurationSource::Cell,
                approximate: false,
            }),
            duration_text: "3 Ngày làm việc".into(),
            fee_vnd: Some(0),
            fee: None,
            fee_text: String::new(),
            description: String::new(),
        };
        let mut channels = vec![channel(ChannelKind::InPerson)];
        if online {
            channels.push(channel(ChannelKind::Online));
        }
        Procedure {
            code: "1.001193".into(),
            variant_codes: vec![],
            name: "Thủ tục đăng ký khai sinh".into(),
            decision: None,
            levels: vec![],
            procedure_type: None,
            fields: vec![],
            subjects: vec![],
            competent_agency: None,
            implementing_agency: None,
            authorized_agency: None,
            coordinating_agencies: vec![],
            receiving_address: None,
            related_procedures: vec![],
            steps: String::new(),
            channels,
            documents: vec![],
            legal_basis: vec![],
            conditions: None,
            results: vec![],
            keywords: vec![],
            online_level: if online {
                OnlineLevel::Partial
            } else {
                OnlineLevel::None
            },
            online_level_basis: crate::model::OnlineLevelBasis::OnlineChannel,
            raw: crate::model::RawFields::default(),
        }
    }

    fn fields_of(r: Result<(), Validation>) -> Vec<(String, &'static str)> {
        r.err()
            .map(|v| v.0.into_iter().map(|e| (e.field, e.code)).collect())
            .unwrap_or_default()
    }

    #[test]
    fn defaults_and_round_trip() {
        let p = procedure(true);
        let d = LocalSettings::default_for(&p);
        assert!(d.enabled && d.eform.is_empty());
        assert_eq!(d.steps.len(), 3);
        // 3 working days = 24 working hours, shared 60/20/20 rounded.
        let budgets: Vec<u32> = d.steps.iter().map(|s| s.budget_hours).collect();
        assert_eq!(budgets, vec![16, 4, 4]);
        assert_eq!(d.steps[0].name_vi, "Chuyên viên thụ lý");
        assert_eq!(d.steps[2].role, Role::Leader);
        assert_eq!(d.validate_for(&p), Ok(()));
        assert_eq!(LocalSettings::default_steps(None).len(), 3);
        // Empty settings fall back to the default steps.
        assert_eq!(LocalSettings::default().effective_steps(&p), d.steps);

        let s = settings();
        let text = serde_json::to_value(&s).unwrap();
        assert_eq!(text["steps"][0]["role"], "specialist");
        assert_eq!(text["eform"][0]["type"], "text");
        assert_eq!(text["enabled"], true);
        let back: LocalSettings = serde_json::from_value(text).unwrap();
        assert_eq!(back, s);
        // Missing members take their defaults; `enabled` defaults to true.
        let partial: LocalSettings = serde_json::from_value(json!({"steps": []})).unwrap();
        assert_eq!(partial, LocalSettings::default());
        // A misspelt member is an error, not silently ignored.
        assert!(serde_json::from_value::<LocalSettings>(json!({"step": []})).is_err());
        assert_eq!(s.validate_for(&p), Ok(()));
    }

    #[test]
    fn validate_table() {
        let p = procedure(true);
        type Edit = fn(&mut LocalSettings);
        let cases: Vec<(&str, Edit, &str, &str)> = vec![
            (
                "zero budget",
                |s| s.steps[1].budget_hours = 0,
                "steps[1].budget_hours",
                "range",
            ),
            (
                "blank name",
                |s| s.steps[0].name_vi = "  ".into(),
                "steps[0].name_vi",
                "required",
            ),
            (
                "no english name",
                |s| s.steps[1].name_en = String::new(),
                "steps[1].name_en",
                "required",
            ),
            (
                "counter role",
                |s| s.steps[0].role = Role::ReceivingOfficer,
                "steps[0].role",
                "one_of",
            ),
            (
                "specialist approves",
                |s| s.steps[1].role = Role::Specialist,
                "steps[1].role",
                "approver",
            ),
            (
                "too long for the procedure",
                |s| s.steps[0].budget_hours = 40,
                "steps",
                "total_exceeded",
            ),
            (
                "bad key",
                |s| s.eform[0].key = "Họ tên".into(),
                "eform[0].key",
                "format",
            ),
            (
                "duplicate key",
                |s| s.eform[1].key = "ho_ten_tre".into(),
                "eform[1].key",
                "duplicate",
            ),
            (
                "blank label",
                |s| s.eform[2].label_vi = String::new(),
                "eform[2].label_vi",
                "required",
            ),
            (
                "blank english label",
                |s| s.eform[2].label_en = String::new(),
                "eform[2].label_en",
                "required",
            ),
            (
                "select without options",
                |s| {
                    s.eform[2].kind = FieldKind::Select {
                        options: vec![],
                        multiple: false,
                    }
                },
                "eform[2].options",
                "required",
            ),
            (
                "bad pattern",
                |s| {
                    s.eform[0].kind = FieldKind::Text {
                        min_length: None,
                        max_length: None,
                        pattern: Some("(".into()),
                    }
                },
                "eform[0].pattern",
                "pattern",
            ),
            (
                "file field",
                |s| {
                    s.eform[0].kind = FieldKind::File {
                        accept: vec![],
                        max_size_mb: None,
                    }
                },
                "eform[0].type",
                "one_of",
            ),
            (
                "negative fee",
                |s| {
                    s.fee_overrides = vec![FeeOverride {
                        channel: ChannelKind::Online,
                        fee_vnd: -1,
                    }]
                },
                "fee_overrides[0].fee_vnd",
                "range",
            ),
            (
                "two fees for a channel",
                |s| {
                    s.fee_overrides = vec![
                        FeeOverride {
                            channel: ChannelKind::Online,
                            fee_vnd: 1,
                        },
                        FeeOverride {
                            channel: ChannelKind::Online,
                            fee_vnd: 2,
                        },
                    ]
                },
                "fee_overrides[1].channel",
                "duplicate",
            ),
            (
                "fee for a missing channel",
                |s| {
                    s.fee_overrides = vec![FeeOverride {
                        channel: ChannelKind::Postal,
                        fee_vnd: 5_000,
                    }]
                },
                "fee_overrides[0].channel",
                "unknown_channel",
            ),
            (
                "duplicate point",
                |s| s.receiving_points = vec!["MC".into(), "MC".into()],
                "receiving_points[1]",
                "duplicate",
            ),
            (
                "blank point",
                |s| s.receiving_points = vec![" ".into()],
                "receiving_points[0]",
                "required",
            ),
        ];
        for (what, edit, field, code) in cases {
            let mut s = settings();
            edit(&mut s);
            let got = fields_of(s.validate_for(&p));
            assert!(
                got.contains(&(field.to_owned(), code)),
                "{what}: expected {field} {code}, got {got:?}"
            );
            assert_eq!(got.len(), 1, "{what}: only one error expected, got {got:?}");
        }
        let mut huge = settings();
        huge.steps[0].budget_hours = MAX_BUDGET_HOURS + 1;
        assert_eq!(
            fields_of(huge.validate()),
            vec![("steps[0].budget_hours".to_owned(), "range")]
        );
        let mut many = settings();
        many.steps = (0..=MAX_STEPS)
            .map(|_| step("a", "a", Role::Leader, 1))
            .collect();
        assert!(fields_of(many.validate()).contains(&("steps".into(), "too_many")));
        let messages = settings_with_errors().validate().unwrap_err();
        assert!(
            messages
                .0
                .iter()
                .all(|e| !e.message_vi.is_empty() && !e.message_en.is_empty())
        );
    }

    fn settings_with_errors() -> LocalSettings {
        let mut s = settings();
        s.steps[0].budget_hours = 0;
        s.eform[0].key = "X".into();
        s
    }

    #[test]
    fn online_level_override() {
        let paper = procedure(false);
        let mut s = LocalSettings {
            online_level: Some(OnlineLevel::FullProcess),
            ..LocalSettings::default()
        };
        assert_eq!(
            fields_of(s.validate_for(&paper)),
            vec![("online_level".to_owned(), "not_online")]
        );
        assert!(!s.online_submission(&paper));
        let online = procedure(true);
        assert_eq!(s.validate_for(&online), Ok(()));
        assert!(s.online_submission(&online));
        assert_eq!(s.online_level_for(&online), OnlineLevel::FullProcess);
        s.online_level = Some(OnlineLevel::None);
        assert_eq!(s.validate_for(&paper), Ok(()));
        assert!(!s.online_submission(&online), "none turns online off");
        s.online_level = None;
        assert!(s.online_submission(&online));
        s.enabled = false;
        assert!(!s.online_submission(&online), "disabled turns online off");
        assert_eq!(s.online_level_for(&online), OnlineLevel::Partial);
    }

    #[test]
    fn check_values_table() {
        let form = birth_form();
        let ok = json!({"ho_ten_tre": "  Lê Minh Khôi ", "ngay_sinh": "2026-01-15", "gioi_tinh": "nam",
                        "so_con": "2", "dien_thoai": "0912 345 678", "cccd_me": ""});
        let normalized = check_values(&form, &ok).unwrap();
        assert_eq!(
            normalized,
            json!({"ho_ten_tre": "Lê Minh Khôi", "ngay_sinh": "2026-01-15", "gioi_tinh": "nam",
                   "so_con": 2, "dien_thoai": "0912345678"})
        );
        let base = || ok.as_object().unwrap().clone();
        type Edit = fn(&mut Map<String, Value>);
        let cases: Vec<(&str, Edit, &str, &str)> = vec![
            (
                "missing required",
                |m| {
                    m.remove("ho_ten_tre");
                },
                "form_values.ho_ten_tre",
                "required",
            ),
            (
                "blank required",
                |m| {
                    m.insert("ho_ten_tre".into(), json!("   "));
                },
                "form_values.ho_ten_tre",
                "required",
            ),
            (
                "bad date",
                |m| {
                    m.insert("ngay_sinh".into(), json!("15/01/2026"));
                },
                "form_values.ngay_sinh",
                "invalid",
            ),
            (
                "unknown option",
                |m| {
                    m.insert("gioi_tinh".into(), json!("khac"));
                },
                "form_values.gioi_tinh",
                "invalid",
            ),
            (
                "fraction",
                |m| {
                    m.insert("so_con".into(), json!(1.5));
                },
                "form_values.so_con",
                "invalid",
            ),
            (
                "below min",
                |m| {
                    m.insert("so_con".into(), json!(0));
                },
                "form_values.so_con",
                "range",
            ),
            (
                "bad phone",
                |m| {
                    m.insert("dien_thoai".into(), json!("12345"));
                },
                "form_values.dien_thoai",
                "invalid",
            ),
            (
                "bad id",
                |m| {
                    m.insert("cccd_me".into(), json!("0790"));
                },
                "form_values.cccd_me",
                "invalid",
            ),
            (
                "too long",
                |m| {
                    m.insert("ho_ten_tre".into(), json!("x".repeat(101)));
                },
                "form_values.ho_ten_tre",
                "too_long",
            ),
            (
                "unknown key",
                |m| {
                    m.insert("ghi_chu".into(), json!("?"));
                },
                "form_values.ghi_chu",
                "unknown",
            ),
        ];
        for (what, edit, field, code) in cases {
            let mut m = base();
            edit(&mut m);
            let err = check_values(&form, &Value::Object(m)).unwrap_err();
            let got: Vec<(String, &str)> =
                err.0.iter().map(|e| (e.field.clone(), e.code)).collect();
            assert_eq!(got, vec![(field.to_owned(), code)], "{what}");
            assert!(!err.0[0].message_vi.is_empty() && !err.0[0].message_en.is_empty());
        }
        // Every problem at once.
        let err = check_values(&form, &json!({"ngay_sinh": "x"})).unwrap_err();
        let got: Vec<&str> = err.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            got,
            vec![
                "form_values.ho_ten_tre",
                "form_values.ngay_sinh",
                "form_values.gioi_tinh"
            ]
        );
        assert_eq!(
            check_values(&form, &json!([1])).unwrap_err().0[0].field,
            "form_values"
        );
    }

    #[test]
    fn without_eform_values_are_kept() {
        let v = json!({"anything": " kept as given "});
        assert_eq!(check_values(&[], &v).unwrap(), v);
        assert_eq!(check_values(&[], &json!({})).unwrap(), json!({}));
        assert_eq!(
            check_values(&[], &json!("text")).unwrap_err().0[0].code,
            "invalid"
        );
        let big = json!({"x": "y".repeat(MAX_FREE_VALUES_BYTES)});
        assert_eq!(check_values(&[], &big).unwrap_err().0[0].code, "too_long");
    }
}
