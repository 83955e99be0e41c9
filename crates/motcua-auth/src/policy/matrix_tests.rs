//! The authorization matrix: every kind of actor × every action × every kind of resource, with
//! the expected decision written out by hand. Any change to the policy changes a cell here.
//!
//! The world: agency A (1) holds a dossier received at B (2) after passing through C (3);
//! agency D (4) is below A; Z (9) is unrelated. `owner` (account 100) owns the dossiers,
//! `stranger` (101) is another applicant. `a_<role>` holds that one role in A (with D as
//! supervised agency), `z_<role>` the same role in Z. `sys_all` / `sys_none` are API keys with
//! every scope / none.
//!
//! The table itself is `matrix.txt` (its header explains the cells); this file builds the
//! world it describes and checks every cell.

use std::collections::{BTreeMap, BTreeSet};

use super::*;

const A: AgencyId = 1;
const B: AgencyId = 2;
const C: AgencyId = 3;
const D: AgencyId = 4;
const Z: AgencyId = 9;
const OWNER: AccountId = 100;
const STRANGER: AccountId = 101;

/// Short names of the roles, as used in actor names.
const ROLE_NAMES: [(Role, &str); 7] = [
    (Role::ReceivingOfficer, "recv"),
    (Role::Specialist, "spec"),
    (Role::DepartmentHead, "head"),
    (Role::Leader, "lead"),
    (Role::AgencyAdmin, "aadm"),
    (Role::SystemAdmin, "sadm"),
    (Role::Supervisor, "supv"),
];

fn actors() -> Vec<(String, Actor)> {
    let mut actors = vec![
        ("anonymous".to_owned(), Actor::Anonymous),
        ("owner".to_owned(), Actor::Applicant { account_id: OWNER }),
        (
            "stranger".to_owned(),
            Actor::Applicant {
                account_id: STRANGER,
            },
        ),
    ];
    for (prefix, agency, base_id, supervised) in [
        ("a", A, 200, BTreeSet::from([D])),
        ("z", Z, 300, BTreeSet::new()),
    ] {
        for (i, (role, name)) in ROLE_NAMES.iter().enumerate() {
            actors.push((
                format!("{prefix}_{name}"),
                Actor::Officer(Officer {
                    account_id: base_id + i as AccountId,
                    roles: vec![(agency, *role)],
                    supervised_agency_ids: supervised.clone(),
                }),
            ));
        }
    }
    actors.push((
        "sys_all".to_owned(),
        Actor::System {
            scopes: ScopeSet::all(),
        },
    ));
    actors.push((
        "sys_none".to_owned(),
        Actor::System {
            scopes: ScopeSet::EMPTY,
        },
    ));
    actors
}

/// The acting person's account id and agencies (the owner's for those without an account).
fn own(actor: &Actor) -> (AccountId, BTreeSet<AgencyId>) {
    match actor {
        Actor::Anonymous | Actor::System { .. } => (OWNER, BTreeSet::new()),
        Actor::Applicant { account_id } => (*account_id, BTreeSet::new()),
        Actor::Officer(o) => (o.account_id, o.roles.iter().map(|(a, _)| *a).collect()),
    }
}

fn resource(name: &str, actor: &Actor) -> Resource {
    let (me, my_agencies) = own(actor);
    let dossier = |owner, holding, receiving, transferred: &[AgencyId]| {
        Resource::Dossier(DossierScope {
            owner_account_id: owner,
            holding_agency_id: holding,
            receiving_agency_id: receiving,
            transferred_agency_ids: transferred.to_vec(),
        })
    };
    let account = |account_id, agency_ids: &[AgencyId]| Resource::Account {
        account_id,
        agency_ids: agency_ids.iter().copied().collect(),
    };
    match name {
        "public" => Resource::Public,
        "catalog" => Resource::Catalog,
        "calendar" => Resource::CalendarNotices,
        "own_account" => Resource::OwnAccount(me),
        "others_account" => Resource::OwnAccount(999),
        "account_self" => Resource::Account {
            account_id: me,
            agency_ids: my_agencies,
        },
        "account_officer_a" => account(500, &[A]),
        "account_applicant" => account(102, &[]),
        "agency_a" => Resource::Agency(A),
        "agency_d" => Resource::Agency(D),
        "settings_a" => Resource::AgencyLocalSettings(A),
        "dossier_held_by_a" => dossier(Some(OWNER), A, B, &[C, A]),
        "dossier_received_at_a" => dossier(Some(OWNER), C, A, &[C]),
        "dossier_of_d" => dossier(None, D, D, &[]),
        "log_a" => Resource::SecurityLog(LogScope::Agency(A)),
        "log_global" => Resource::SecurityLog(LogScope::Global),
        "dashboard_a" => Resource::Dashboard(A),
        "dashboard_d" => Resource::Dashboard(D),
        "integrations" => Resource::Integrations,
        other => panic!("no resource fixture {other}"),
    }
}

/// The variant name; exhaustive, so a new kind of resource must be added here and then to the
/// matrix (see `every_kind_is_covered`).
fn resource_kind(r: &Resource) -> &'static str {
    match r {
        Resource::Public => "Public",
        Resource::OwnAccount(_) => "OwnAccount",
        Resource::Account { .. } => "Account",
        Resource::Agency(_) => "Agency",
        Resource::Dossier(_) => "Dossier",
        Resource::CalendarNotices => "CalendarNotices",
        Resource::Catalog => "Catalog",
        Resource::AgencyLocalSettings(_) => "AgencyLocalSettings",
        Resource::SecurityLog(LogScope::Agency(_)) => "SecurityLog(Agency)",
        Resource::SecurityLog(LogScope::Global) => "SecurityLog(Global)",
        Resource::Dashboard(_) => "Dashboard",
        Resource::Integrations => "Integrations",
    }
}

const ALL_RESOURCE_KINDS: usize = 12;

fn actor_kind(a: &Actor) -> &'static str {
    match a {
        Actor::Anonymous => "Anonymous",
        Actor::Applicant { .. } => "Applicant",
        Actor::Officer(_) => "Officer",
        Actor::System { .. } => "System",
    }
}

fn cell(decision: Decision) -> char {
    match decision {
        Decision::Allow => '+',
        Decision::Deny { reason } => match reason {
            DenyReason::Unauthenticated => 'U',
            DenyReason::NotFound => 'N',
            DenyReason::Forbidden => 'F',
            DenyReason::SelfAdministration => 'S',
            DenyReason::MissingScope(Scope::DossiersRead) => 'r',
            DenyReason::MissingScope(Scope::DossiersWrite) => 'w',
            DenyReason::MissingScope(Scope::StatisticsRead) => 't',
        },
    }
}

/// The expected decisions: `[resource]` headers, then one `actor cells` line per actor.
const MATRIX: &str = include_str!("matrix.txt");

/// The matrix as (resource, [(actor, cells)]), in file order.
fn expected() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    let mut blocks: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for line in MATRIX.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            blocks.push((name, Vec::new()));
        } else {
            let (actor, cells) = line.split_once(' ').expect("actor and cells");
            blocks
                .last_mut()
                .expect("a [resource] first")
                .1
                .push((actor, cells.trim()));
        }
    }
    blocks
}

#[test]
fn the_matrix_holds() {
    let actors = actors();
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (resource_name, rows) in expected() {
        let names: Vec<&str> = rows.iter().map(|(a, _)| *a).collect();
        let fixture_names: Vec<&str> = actors.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, fixture_names, "actors of {resource_name}, in order");
        for ((_, cells), (actor_name, actor)) in rows.iter().zip(&actors) {
            assert_eq!(
                cells.chars().count(),
                Action::ALL.len(),
                "{resource_name} {actor_name}"
            );
            let resource = resource(resource_name, actor);
            let actual: String = Action::ALL
                .iter()
                .map(|&action| cell(authorize(actor, action, &resource)))
                .collect();
            checked += Action::ALL.len();
            if actual != *cells {
                mismatches.push(format!(
                    "{resource_name:<22} {actor_name:<10} expected {cells} got {actual}"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "policy differs from the matrix:\n{}",
        mismatches.join("\n")
    );
    assert_eq!(checked, 19 * 19 * 8);
}

#[test]
fn every_kind_is_covered() {
    let actors = actors();
    let blocks = expected();
    let resource_kinds: BTreeSet<&str> = blocks
        .iter()
        .map(|(name, _)| resource_kind(&resource(name, &Actor::Anonymous)))
        .collect();
    assert_eq!(
        resource_kinds.len(),
        ALL_RESOURCE_KINDS,
        "{resource_kinds:?}"
    );
    let actor_kinds: BTreeSet<&str> = actors.iter().map(|(_, a)| actor_kind(a)).collect();
    assert_eq!(actor_kinds.len(), 4);
    // Every role, in the resource's agency and elsewhere.
    for prefix in ["a_", "z_"] {
        let roles: BTreeSet<Role> = actors
            .iter()
            .filter(|(n, _)| n.starts_with(prefix))
            .filter_map(|(_, a)| match a {
                Actor::Officer(o) => Some(o.roles[0].1),
                _ => None,
            })
            .collect();
        assert_eq!(roles.len(), Role::ALL.len());
    }
    let resources: BTreeMap<&str, usize> = blocks.iter().map(|(n, b)| (*n, b.len())).collect();
    assert_eq!(resources.len(), blocks.len(), "a resource appears twice");
    assert_eq!(blocks.len(), 19);
}

#[test]
fn nobody_sees_someone_elses_dossier_or_learns_it_exists() {
    let stranger = Actor::Applicant {
        account_id: STRANGER,
    };
    for name in ["dossier_held_by_a", "dossier_received_at_a", "dossier_of_d"] {
        let r = resource(name, &stranger);
        for action in Action::ALL {
            assert_eq!(
                authorize(&stranger, action, &r),
                Decision::Deny {
                    reason: DenyReason::NotFound
                },
                "{name} {action:?}"
            );
        }
    }
    assert_eq!(DenyReason::NotFound.http_status(), 404);
    assert_eq!(DenyReason::Unauthenticated.http_status(), 401);
    for reason in [
        DenyReason::Forbidden,
        DenyReason::SelfAdministration,
        DenyReason::MissingScope(Scope::DossiersRead),
    ] {
        assert_eq!(reason.http_status(), 403);
    }
}

#[test]
fn roles_combine_across_agencies() {
    // A specialist in A who is also the receiving officer at B's counter.
    let officer = Actor::Officer(Officer {
        account_id: 7,
        roles: vec![(A, Role::Specialist), (B, Role::ReceivingOfficer)],
        supervised_agency_ids: BTreeSet::new(),
    });
    let held = resource("dossier_held_by_a", &officer);
    let allowed: Vec<Action> = Action::ALL
        .into_iter()
        .filter(|&a| authorize(&officer, a, &held).is_allowed())
        .collect();
    assert_eq!(
        allowed,
        [
            Action::Read,
            Action::Create,
            Action::Update,
            Action::Process,
            Action::Receive
        ]
    );
    // A transfer away leaves read access to the former holder, nothing more.
    let moved = Resource::Dossier(DossierScope {
        owner_account_id: Some(OWNER),
        holding_agency_id: Z,
        receiving_agency_id: C,
        transferred_agency_ids: vec![A, Z],
    });
    assert!(authorize(&officer, Action::Read, &moved).is_allowed());
    assert_eq!(
        authorize(&officer, Action::Process, &moved),
        Decision::Deny {
            reason: DenyReason::Forbidden
        }
    );
    // An agency administrator of A and Z may delete an officer of A and Z; of A only, not.
    let both = Resource::Account {
        account_id: 500,
        agency_ids: BTreeSet::from([A, Z]),
    };
    let admin_of = |agencies: &[AgencyId]| {
        Actor::Officer(Officer {
            account_id: 8,
            roles: agencies.iter().map(|&a| (a, Role::AgencyAdmin)).collect(),
            supervised_agency_ids: BTreeSet::new(),
        })
    };
    assert!(authorize(&admin_of(&[A, Z]), Action::Delete, &both).is_allowed());
    assert_eq!(
        authorize(&admin_of(&[A]), Action::Delete, &both),
        Decision::Deny {
            reason: DenyReason::Forbidden
        }
    );
    assert!(authorize(&admin_of(&[A]), Action::Administer, &both).is_allowed());
}

#[test]
fn who_may_grant_which_role() {
    let a_admin = Actor::Officer(Officer {
        account_id: 1,
        roles: vec![(A, Role::AgencyAdmin)],
        supervised_agency_ids: BTreeSet::from([D]),
    });
    let sys_admin = Actor::Officer(Officer {
        account_id: 2,
        roles: vec![(Z, Role::SystemAdmin)],
        supervised_agency_ids: BTreeSet::new(),
    });
    let leader = Actor::Officer(Officer {
        account_id: 3,
        roles: vec![(A, Role::Leader)],
        supervised_agency_ids: BTreeSet::new(),
    });
    for &role in Role::ALL {
        let staff = !matches!(role, Role::SystemAdmin | Role::Supervisor);
        assert_eq!(
            authorize_grant(&a_admin, A, role).is_allowed(),
            staff,
            "{role}"
        );
        assert!(
            !authorize_grant(&a_admin, D, role).is_allowed(),
            "{role} below A"
        );
        assert!(
            !authorize_grant(&a_admin, Z, role).is_allowed(),
            "{role} in Z"
        );
        assert!(authorize_grant(&sys_admin, A, role).is_allowed());
        assert!(!authorize_grant(&leader, A, role).is_allowed());
        assert_eq!(
            authorize_grant(&Actor::Anonymous, A, role),
            Decision::Deny {
                reason: DenyReason::Unauthenticated
            }
        );
        assert!(
            !authorize_grant(
                &Actor::System {
                    scopes: ScopeSet::all()
                },
                A,
                role
            )
            .is_allowed()
        );
        assert!(!authorize_grant(&Actor::Applicant { account_id: OWNER }, A, role).is_allowed());
    }
}
