//! Demo accounts, one for every role, with one published password. For the demo only: the
//! README says so, and `serve --demo` prints them at start.

use chrono::Utc;
use motcua_auth::password::{HashParams, PasswordHasher};
use motcua_domain::agency::AgencyCode;
use motcua_domain::identity::{Role, VerificationLevel};
use motcua_store::{AccountKind, NewAccount, NewSecurityEvent, Store};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "MotCua-Demo-2026";

/// The Department of Justice, where most demo officers work.
pub const JUSTICE: &str = "000.00.12.H29";
/// The first ward's People's Committee.
pub const FIRST_WARD: &str = "001.00.70.H29";

/// (login, kind, name, e-mail, roles as (agency code, role, receiving point))
type Spec = (
    &'static str,
    AccountKind,
    &'static str,
    &'static str,
    &'static [(&'static str, Role, Option<&'static str>)],
);

pub const ACCOUNTS: &[Spec] = &[
    (
        "079090001234",
        AccountKind::Citizen,
        "Nguyễn Văn An",
        "an.nguyen@example.vn",
        &[],
    ),
    (
        "0100109106",
        AccountKind::Business,
        "Công ty TNHH Minh Phát",
        "lienhe@minhphat.example.vn",
        &[],
    ),
    (
        "tp.tiepnhan",
        AccountKind::Officer,
        "Trần Thị Bình",
        "binh.tran@tuphap.example.vn",
        &[(JUSTICE, Role::ReceivingOfficer, Some("MC"))],
    ),
    (
        "tp.chuyenvien",
        AccountKind::Officer,
        "Lê Văn Cường",
        "cuong.le@tuphap.example.vn",
        &[(JUSTICE, Role::Specialist, None)],
    ),
    (
        "tp.truongphong",
        AccountKind::Officer,
        "Phạm Thị Dung",
        "dung.pham@tuphap.example.vn",
        &[(JUSTICE, Role::DepartmentHead, None)],
    ),
    (
        "tp.lanhdao",
        AccountKind::Officer,
        "Hoàng Văn Em",
        "em.hoang@tuphap.example.vn",
        &[(JUSTICE, Role::Leader, None)],
    ),
    (
        "tp.quantri",
        AccountKind::Officer,
        "Vũ Thị Giang",
        "giang.vu@tuphap.example.vn",
        &[(JUSTICE, Role::AgencyAdmin, None)],
    ),
    (
        "px.tiepnhan",
        AccountKind::Officer,
        "Đỗ Văn Hải",
        "hai.do@phuong.example.vn",
        &[(FIRST_WARD, Role::ReceivingOfficer, Some("MC"))],
    ),
    (
        "qt.hethong",
        AccountKind::Officer,
        "Bùi Thị Lan",
        "lan.bui@hcmc.example.vn",
        &[("000.00.00.H29", Role::SystemAdmin, None)],
    ),
    (
        "ks.giamsat",
        AccountKind::Officer,
        "Ngô Văn Minh",
        "minh.ngo@hcmc.example.vn",
        &[("000.00.00.H29", Role::Supervisor, None)],
    ),
];

/// Creates the demo accounts that do not exist yet (an existing one keeps its password) and
/// makes sure they hold their roles. Returns the lines to print.
pub async fn create(store: &dyn Store) -> anyhow::Result<Vec<String>> {
    let hasher = PasswordHasher::new(HashParams::OWASP)?;
    let hash = tokio::task::spawn_blocking(move || hasher.hash(DEMO_PASSWORD)).await??;
    let mut lines = Vec::new();
    for (login, kind, name, email, roles) in ACCOUNTS {
        let account = match store.find_account_for_login(login).await? {
            Some(a) => a,
            None => {
                let mut event = NewSecurityEvent::new("account_created", Utc::now());
                event.detail = serde_json::json!({ "source": "demo" });
                store
                    .create_account(
                        &NewAccount {
                            kind: *kind,
                            login: (*login).into(),
                            full_name: (*name).into(),
                            email: Some((*email).into()),
                            phone: None,
                            password_hash: hash.clone(),
                            verification: if kind.is_applicant() {
                                VerificationLevel::SelfRegistered
                            } else {
                                VerificationLevel::CounterVerified
                            },
                            address_unit_code: kind.is_applicant().then(|| "79".into()),
                            address_line: None,
                        },
                        event,
                    )
                    .await?
            }
        };
        let mut labels = Vec::new();
        for (agency, role, point) in roles.iter() {
            let code: AgencyCode = agency.parse()?;
            let agency = store
                .get_agency(&code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo agency {code} missing"))?;
            let mut event = NewSecurityEvent::new("role_granted", Utc::now());
            event.agency_id = Some(agency.id);
            event.detail = serde_json::json!({ "role": role.as_str(), "source": "demo" });
            store
                .grant_role(account.id, agency.id, *role, *point, event)
                .await?;
            labels.push(format!("{} @ {}", role.as_str(), code));
        }
        let what = if labels.is_empty() {
            kind.as_str().to_owned()
        } else {
            labels.join(", ")
        };
        lines.push(format!("  {login:<14} {what}"));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_password_passes_the_policy() {
        for (login, _, _, email, _) in super::ACCOUNTS {
            motcua_domain::identity::password::check(super::DEMO_PASSWORD, &[login, email])
                .expect("demo password acceptable");
        }
    }
}
