//! Demo local settings (issue 4): the Department of Justice (Sở Tư pháp, `000.00.12.H29`)
//! receives birth registration (`1.001193`) and marriage registration (`1.000894`) with its
//! own internal process and an e-form modelled on the civil-status declarations (tờ khai
//! đăng ký khai sinh / kết hôn, Circular 04/2024/TT-BTP), so the demo shows real e-forms.
//!
//! Applied by [`crate::demo::create`] to those procedures the catalog holds (the demo itself
//! imports none: after `motcua import tthc`, run `motcua demo` or `serve --demo` again). Only
//! where the agency has no settings yet: an administrator's changes are never overwritten.

use chrono::Utc;
use motcua_catalog::local::{EFormField, LocalSettings, ProcessStep};
use motcua_domain::agency::AgencyCode;
use motcua_domain::identity::Role;
use motcua_store::{NewSecurityEvent, PutLocalSettings, Store, StoreError};
use serde_json::json;

/// Birth registration.
pub const BIRTH: &str = "1.001193";
/// Marriage registration.
pub const MARRIAGE: &str = "1.000894";

fn field(v: serde_json::Value) -> EFormField {
    serde_json::from_value(v).expect("a demo e-form field")
}

fn step(name_vi: &str, name_en: &str, role: Role, budget_hours: u32) -> ProcessStep {
    ProcessStep {
        name_vi: name_vi.into(),
        name_en: name_en.into(),
        role,
        budget_hours,
    }
}

/// The civil-status process of the demo department: a specialist checks and drafts the
/// extract (half a day), the head of the civil-status division reviews, the director signs.
fn civil_status_steps() -> Vec<ProcessStep> {
    vec![
        step(
            "Chuyên viên hộ tịch kiểm tra, dự thảo trích lục",
            "Civil-status specialist checks and drafts the extract",
            Role::Specialist,
            4,
        ),
        step(
            "Trưởng phòng Hành chính tư pháp xem xét",
            "Head of the judicial administration division reviews",
            Role::DepartmentHead,
            2,
        ),
        step(
            "Lãnh đạo Sở ký trích lục",
            "Department director signs the extract",
            Role::Leader,
            2,
        ),
    ]
}

fn relation() -> serde_json::Value {
    json!([
        {"value": "cha", "label": "Cha"}, {"value": "me", "label": "Mẹ"},
        {"value": "ong_ba", "label": "Ông, bà"}, {"value": "nguoi_than", "label": "Người thân thích khác"}
    ])
}

/// The e-form of birth registration (tờ khai đăng ký khai sinh).
pub fn birth_eform() -> Vec<EFormField> {
    vec![
        field(
            json!({"key": "ho_ten_tre", "label_vi": "Họ, chữ đệm, tên của trẻ", "label_en": "Child's full name", "type": "text", "required": true, "max_length": 100}),
        ),
        field(
            json!({"key": "ngay_sinh", "label_vi": "Ngày, tháng, năm sinh", "label_en": "Date of birth", "type": "date", "required": true}),
        ),
        field(
            json!({"key": "gioi_tinh", "label_vi": "Giới tính", "label_en": "Sex", "type": "select", "required": true,
                   "options": [{"value": "nam", "label": "Nam"}, {"value": "nu", "label": "Nữ"}]}),
        ),
        field(
            json!({"key": "noi_sinh", "label_vi": "Nơi sinh", "label_en": "Place of birth", "type": "text", "required": true, "max_length": 200,
                   "help_vi": "Tên cơ sở y tế hoặc địa chỉ nơi trẻ sinh ra.", "help_en": "The hospital or the address where the child was born."}),
        ),
        field(
            json!({"key": "dan_toc", "label_vi": "Dân tộc", "label_en": "Ethnicity", "type": "text", "max_length": 50}),
        ),
        field(
            json!({"key": "ho_ten_me", "label_vi": "Họ, chữ đệm, tên của mẹ", "label_en": "Mother's full name", "type": "text", "required": true, "max_length": 100}),
        ),
        field(
            json!({"key": "so_dinh_danh_me", "label_vi": "Số định danh cá nhân của mẹ", "label_en": "Mother's personal ID number", "type": "id_number"}),
        ),
        field(
            json!({"key": "ho_ten_cha", "label_vi": "Họ, chữ đệm, tên của cha", "label_en": "Father's full name", "type": "text", "max_length": 100,
                   "help_vi": "Để trống nếu chưa xác định được cha.", "help_en": "Leave empty when the father is not established."}),
        ),
        field(
            json!({"key": "so_dinh_danh_cha", "label_vi": "Số định danh cá nhân của cha", "label_en": "Father's personal ID number", "type": "id_number"}),
        ),
        field(
            json!({"key": "quan_he", "label_vi": "Quan hệ của người đi đăng ký với trẻ", "label_en": "The applicant's relation to the child", "type": "select", "required": true,
                   "options": relation()}),
        ),
    ]
}

/// The e-form of marriage registration (tờ khai đăng ký kết hôn).
pub fn marriage_eform() -> Vec<EFormField> {
    let mut fields = Vec::new();
    for (who, vi, en) in [("chong", "chồng", "husband"), ("vo", "vợ", "wife")] {
        fields.push(field(json!({"key": format!("ho_ten_{who}"), "label_vi": format!("Họ, chữ đệm, tên bên {vi}"),
            "label_en": format!("The {en}'s full name"), "type": "text", "required": true, "max_length": 100})));
        fields.push(field(
            json!({"key": format!("ngay_sinh_{who}"), "label_vi": format!("Ngày sinh bên {vi}"),
            "label_en": format!("The {en}'s date of birth"), "type": "date", "required": true}),
        ));
        fields.push(field(json!({"key": format!("so_dinh_danh_{who}"), "label_vi": format!("Số định danh cá nhân bên {vi}"),
            "label_en": format!("The {en}'s personal ID number"), "type": "id_number", "required": true})));
    }
    fields.push(field(
        json!({"key": "lan_ket_hon", "label_vi": "Kết hôn lần thứ mấy (bên nộp hồ sơ)", "label_en": "Which marriage this is (applicant)", "type": "number", "integer": true, "min": 1, "max": 20}),
    ));
    fields
}

/// The demo settings of one procedure, if it is one of the demo's.
pub fn settings_for(code: &str) -> Option<LocalSettings> {
    let eform = match code {
        BIRTH => birth_eform(),
        MARRIAGE => marriage_eform(),
        _ => return None,
    };
    Some(LocalSettings {
        steps: civil_status_steps(),
        eform,
        receiving_points: vec!["MC".into()],
        ..LocalSettings::default()
    })
}

/// Gives the Department of Justice its demo settings for the demo procedures the catalog
/// holds and it has no settings for; returns how many were set.
pub async fn apply(store: &dyn Store) -> anyhow::Result<usize> {
    let justice: AgencyCode = crate::demo_accounts::JUSTICE.parse()?;
    let Some(agency) = store.get_agency(&justice).await? else {
        return Ok(0);
    };
    let mut applied = 0;
    for code in [BIRTH, MARRIAGE] {
        let Some(stored) = store.get_procedure(code).await? else {
            continue;
        };
        let settings = settings_for(code).expect("a demo procedure");
        let procedure: motcua_catalog::Procedure = serde_json::from_str(&stored.document)?;
        if let Err(v) = settings.validate_for(&procedure) {
            // A catalog whose processing time no longer fits the demo process: keep defaults.
            tracing::warn!(procedure = code, errors = %v, "demo local settings do not fit; skipped");
            continue;
        }
        let mut event = NewSecurityEvent::new("local_settings_changed", Utc::now());
        event.agency_id = Some(agency.id);
        event.detail = json!({ "procedure": code, "source": "demo" });
        let put = PutLocalSettings {
            agency_id: agency.id,
            procedure_code: code.to_owned(),
            settings: serde_json::to_string(&settings)?,
            // Only where the agency has none: never overwrite an administrator's settings.
            expected_version: Some(0),
            updated_by: None,
            at: Utc::now(),
        };
        match store.put_local_settings(&put, event).await {
            Ok(_) => applied += 1,
            Err(StoreError::Stale) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_settings_are_valid() {
        for code in [BIRTH, MARRIAGE] {
            let s = settings_for(code).unwrap();
            assert_eq!(s.validate(), Ok(()), "{code}");
            assert!(s.eform.iter().any(|f| f.required));
        }
        assert!(settings_for("9.999999").is_none());
        let keys: Vec<String> = birth_eform().into_iter().map(|f| f.key).collect();
        assert!(keys.contains(&"ho_ten_tre".to_owned()));
        assert!(keys.contains(&"ho_ten_me".to_owned()));
    }
}
