//! One storage suite for both backends: run with `MOTCUA_TEST_BACKEND=sqlite` (default) or
//! `postgres` (see `motcua_store::testing`). Every test opens its own fresh database.

mod accounts;
mod agencies;
mod basics;
mod calendar;
mod documents;
mod dossiers;
mod local_settings;
mod point_weeks;
mod procedures;
mod units;

use motcua_domain::agency::{AgencyInput, NewAgency};
use motcua_domain::unit::{AdminUnit, UnitLevel};

pub fn unit(code: &str, parent: Option<&str>, name: &str) -> AdminUnit {
    AdminUnit {
        code: code.into(),
        level: if parent.is_some() {
            UnitLevel::Commune
        } else {
            UnitLevel::Province
        },
        parent_code: parent.map(Into::into),
        name: name.into(),
        name_en: name.into(),
        full_name: name.into(),
        full_name_en: name.into(),
        code_name: name.to_lowercase().replace(' ', "_"),
        unit_type: "Phường".into(),
        unit_type_en: "Ward".into(),
    }
}

pub fn agency(code: &str, name: &str, parent: Option<&str>) -> NewAgency {
    AgencyInput {
        code: code.into(),
        name: name.into(),
        kind: "department".into(),
        parent_code: parent.map(Into::into),
        ..Default::default()
    }
    .validate()
    .expect("valid test agency")
}
