//! Demo data: a realistic province to click through — Ho Chi Minh City (unit code 79) with its
//! 168 communes and wards, its departments, the Public Administrative Service Center with its
//! branches, and one People's Committee per commune or ward. Idempotent: running it again
//! updates in place and creates nothing twice.
//!
//! Agency codes follow QCVN 102:2016 (`LV4.LV3.LV2.H29`, H29 being Ho Chi Minh City):
//! departments are `000.00.NN.H29`, their divisions `000.DD.NN.H29`, the service center
//! `000.00.30.H29` with branches `000.BB.30.H29`, and commune People's Committees
//! `III.00.70.H29` (III numbering the communes in code order).

use std::fmt;

use chrono::NaiveDate;
use motcua_domain::agency::{AgencyCode, AgencyInput, AgencyLink, LinkKind};
use motcua_domain::unit::UnitLevel;
use motcua_store::{NewReceivingPoint, PageRequest, Store, UnitFilter, UpsertCounts};

const UNITS_JSON: &str = include_str!("../data/vn-admin-units.json");
pub const PROVINCE: &str = "79";
pub const CITY_COMMITTEE: &str = "000.00.00.H29";
pub const SERVICE_CENTER: &str = "000.00.30.H29";

/// (LV2 code, Vietnamese name, English name)
const DEPARTMENTS: &[(&str, &str, &str)] = &[
    (
        "01",
        "Văn phòng Ủy ban nhân dân Thành phố",
        "Office of the City People's Committee",
    ),
    ("02", "Sở Tài chính", "Department of Finance"),
    (
        "03",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
    ),
    ("04", "Sở Xây dựng", "Department of Construction"),
    ("05", "Sở Công Thương", "Department of Industry and Trade"),
    (
        "06",
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
    ),
    (
        "07",
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
    ),
    ("08", "Sở Y tế", "Department of Health"),
    (
        "09",
        "Sở Văn hóa và Thể thao",
        "Department of Culture and Sports",
    ),
    ("10", "Sở Du lịch", "Department of Tourism"),
    ("11", "Sở Nội vụ", "Department of Home Affairs"),
    ("12", "Sở Tư pháp", "Department of Justice"),
    (
        "13",
        "Sở Dân tộc và Tôn giáo",
        "Department of Ethnic and Religious Affairs",
    ),
    (
        "14",
        "Sở Quy hoạch - Kiến trúc",
        "Department of Planning and Architecture",
    ),
    ("15", "Sở An toàn thực phẩm", "Department of Food Safety"),
    ("16", "Thanh tra Thành phố", "City Inspectorate"),
];

/// Divisions of the Department of Justice: (LV3 code, Vietnamese, English).
const JUSTICE_DIVISIONS: &[(&str, &str, &str)] = &[
    (
        "01",
        "Phòng Hành chính tư pháp",
        "Judicial Administration Division",
    ),
    ("02", "Phòng Bổ trợ tư pháp", "Judicial Support Division"),
    (
        "03",
        "Phòng Xây dựng và kiểm tra văn bản",
        "Legislation Division",
    ),
];

/// Departments merged on 1 March 2025 into the Department of Agriculture and Environment.
const MERGED: &[(&str, &str, &str)] = &[
    (
        "21",
        "Sở Tài nguyên và Môi trường",
        "Department of Natural Resources and Environment",
    ),
    (
        "22",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "Department of Agriculture and Rural Development",
    ),
];

const BRANCHES: u32 = 22;

/// What the demo created or found.
#[derive(Debug, Default)]
pub struct DemoReport {
    pub units: UpsertCounts,
    pub agencies: usize,
    pub communes: usize,
    pub receiving_points: usize,
    /// One line per demo account.
    pub accounts: Vec<String>,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "demo data ready: Ho Chi Minh City with {} communes and wards, {} agencies, {} receiving points \
             (administrative units: {} inserted, {} updated, {} unchanged)",
            self.communes,
            self.agencies,
            self.receiving_points,
            self.units.inserted,
            self.units.updated,
            self.units.unchanged
        )?;
        if !self.accounts.is_empty() {
            write!(
                f,
                "\ndemo accounts (password for all: {}; for the demo only):",
                crate::demo_accounts::DEMO_PASSWORD
            )?;
            for line in &self.accounts {
                write!(f, "\n{line}")?;
            }
        }
        Ok(())
    }
}

fn input(
    code: &str,
    name: &str,
    name_en: &str,
    kind: &str,
    parent: Option<&str>,
    unit: Option<&str>,
) -> AgencyInput {
    AgencyInput {
        code: code.into(),
        name: name.into(),
        name_en: Some(name_en.into()),
        kind: kind.into(),
        parent_code: parent.map(Into::into),
        unit_code: unit.map(Into::into),
        ..Default::default()
    }
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Creates or refreshes the demo province.
pub async fn create(store: &dyn Store) -> anyhow::Result<DemoReport> {
    let mut report = DemoReport {
        units: crate::import::units_json(store, UNITS_JSON).await?,
        ..Default::default()
    };
    let mut agencies: Vec<AgencyInput> = Vec::new();
    let mut city = input(
        CITY_COMMITTEE,
        "Ủy ban nhân dân Thành phố Hồ Chí Minh",
        "Ho Chi Minh City People's Committee",
        "provincial_peoples_committee",
        None,
        Some(PROVINCE),
    );
    city.address = Some("86 Lê Thánh Tôn, Phường Sài Gòn, Thành phố Hồ Chí Minh".into());
    agencies.push(city);
    for (lv2, name, name_en) in DEPARTMENTS {
        agencies.push(input(
            &format!("000.00.{lv2}.H29"),
            name,
            name_en,
            "department",
            Some(CITY_COMMITTEE),
            Some(PROVINCE),
        ));
    }
    for (lv3, name, name_en) in JUSTICE_DIVISIONS {
        agencies.push(input(
            &format!("000.{lv3}.12.H29"),
            name,
            name_en,
            "division",
            Some("000.00.12.H29"),
            Some(PROVINCE),
        ));
    }
    for (lv2, name, name_en) in MERGED {
        let mut old = input(
            &format!("000.00.{lv2}.H29"),
            name,
            name_en,
            "department",
            Some(CITY_COMMITTEE),
            Some(PROVINCE),
        );
        old.valid_to = day(2025, 2, 28);
        agencies.push(old);
    }
    agencies.push(input(
        SERVICE_CENTER,
        "Trung tâm Phục vụ hành chính công Thành phố Hồ Chí Minh",
        "Ho Chi Minh City Public Administrative Service Center",
        "service_center",
        Some(CITY_COMMITTEE),
        Some(PROVINCE),
    ));
    for b in 1..=BRANCHES {
        agencies.push(input(
            &format!("000.{b:02}.30.H29"),
            &format!("Chi nhánh số {b} - Trung tâm Phục vụ hành chính công Thành phố"),
            &format!("Branch {b} of the City Public Administrative Service Center"),
            "service_center_branch",
            Some(SERVICE_CENTER),
            Some(PROVINCE),
        ));
    }
    let communes = store
        .list_units(&UnitFilter {
            level: Some(UnitLevel::Commune),
            parent_code: Some(PROVINCE.into()),
            page: PageRequest::new(None, Some(PageRequest::MAX_PER_PAGE)),
            ..Default::default()
        })
        .await?;
    anyhow::ensure!(
        communes.total <= i64::from(PageRequest::MAX_PER_PAGE),
        "more communes than one page holds"
    );
    report.communes = communes.items.len();
    for (i, unit) in communes.items.iter().enumerate() {
        let mut committee = input(
            &format!("{:03}.00.70.H29", i + 1),
            &format!("Ủy ban nhân dân {}", unit.full_name),
            &format!("{} People's Committee", unit.full_name_en),
            "commune_peoples_committee",
            Some(CITY_COMMITTEE),
            Some(&unit.code),
        );
        committee.valid_from = day(2025, 7, 1);
        agencies.push(committee);
    }

    for agency in &agencies {
        let new = agency
            .validate()
            .map_err(|v| anyhow::anyhow!("demo agency {}: {v}", agency.code))?;
        store.upsert_agency(&new).await?;
    }
    report.agencies = agencies.len();

    let successor: AgencyCode = "000.00.03.H29".parse()?;
    for (lv2, _, _) in MERGED {
        store
            .link_agencies(&AgencyLink {
                predecessor: format!("000.00.{lv2}.H29").parse()?,
                successor: successor.clone(),
                kind: LinkKind::Merge,
                effective: day(2025, 3, 1).expect("valid date"),
            })
            .await?;
    }

    let mut points = vec![NewReceivingPoint {
        agency_code: SERVICE_CENTER.parse()?,
        code: "TT".into(),
        name: "Trụ sở Trung tâm Phục vụ hành chính công Thành phố".into(),
        address: Some("86 Lê Thánh Tôn, Phường Sài Gòn".into()),
        unit_code: Some("26740".into()),
    }];
    for b in 1..=BRANCHES {
        points.push(NewReceivingPoint {
            agency_code: format!("000.{b:02}.30.H29").parse()?,
            code: format!("CN{b:02}"),
            name: format!("Quầy tiếp nhận Chi nhánh số {b}"),
            address: None,
            unit_code: None,
        });
    }
    for (i, unit) in communes.items.iter().enumerate() {
        points.push(NewReceivingPoint {
            agency_code: format!("{:03}.00.70.H29", i + 1).parse()?,
            code: "MC".into(),
            name: format!("Bộ phận Một cửa {}", unit.full_name),
            address: None,
            unit_code: Some(unit.code.clone()),
        });
    }
    points.push(NewReceivingPoint {
        agency_code: crate::demo_accounts::JUSTICE.parse()?,
        code: "MC".into(),
        name: "Bộ phận Một cửa Sở Tư pháp".into(),
        address: Some("141-143 Pasteur, Phường Xuân Hòa".into()),
        unit_code: None,
    });
    for point in &points {
        store.upsert_receiving_point(point).await?;
    }
    report.receiving_points = points.len();
    report.accounts = crate::demo_accounts::create(store).await?;
    // The Department of Justice's own settings (e-forms) for the demo procedures imported.
    crate::demo_settings::apply(store).await?;
    Ok(report)
}
