//! Who may do what to which resource: the authorization policy, in one pure function.
//!
//! Every route builds an [`Actor`] (from the session or the API key), names the [`Resource`]
//! it touches (after loading just enough of it to know its owner and agencies) and the
//! [`Action`], and asks [`authorize`]. Nothing else in the server decides access, so this
//! file and its matrix test are the whole story.
//!
//! The rules (SPEC §1, §12):
//! - **Everyone**, logged in or not, reads public things: the catalog, agencies, units, the
//!   working calendar, a dossier's public tracking page (which has its own second factor).
//! - **Applicants** see and change only their own account and dossiers. Someone else's
//!   dossier or account does not exist for them (404).
//! - **Officers** act through their roles in agencies. A dossier belongs to the agencies that
//!   hold it, received it or held it before (transfers); its officers read it, and act on it
//!   by role: receiving officers at the counter ([`Action::Receive`]), specialists and
//!   department heads process, department heads and leaders approve — only where it is held
//!   now. Officers of other agencies get 404. Every officer reads the administration pages
//!   and local settings of their own agencies; department heads read their agency's
//!   dashboard.
//! - **Agency administrators** manage their agency: its officers (accounts and roles, except
//!   the system administrator and supervisor roles — [`authorize_grant`]), local settings,
//!   internal processes and receiving points, and read its security log. Deleting or creating
//!   an officer needs administration of all the officer's agencies. They do not
//!   read dossiers by virtue of that role: administrators manage people and settings, not
//!   case files.
//! - **System administrators** manage agencies, the catalog, the calendars, integrations and
//!   every account, grant any role, and read the whole security log. No dossiers either.
//! - **Supervisors** read, never write: dossiers, administration pages, settings and
//!   dashboards of the agencies they are attached to and of the agencies those supervise
//!   ([`Officer::supervised_agency_ids`]).
//! - **Leaders** approve at their agency, and read the dashboards, administration pages and
//!   settings of their agency and of the agencies it supervises — not the dossiers of the
//!   latter.
//! - **Receiving officers** also look up and verify applicants' accounts (identity checked at
//!   the counter), whoever they are, since a dossier may be received at any counter.
//! - **Integrating systems** (API keys) read public things and, with the right
//!   [`Scope`], dossiers and statistics.
//! - Nobody changes the security log: it is written by the server itself, outside this
//!   policy.
//! - Nobody administers their own account (roles, lock, deletion): no self-escalation.
//!
//! A refusal says how to answer ([`DenyReason::http_status`]): 401 when logging in could
//! help, 404 when even saying "forbidden" would reveal that someone else's dossier or account
//! exists, 403 otherwise. The web layer must ask for authentication *before* loading a
//! resource, so that a 401 does not reveal existence either.

#[cfg(test)]
mod matrix_tests;

use std::collections::BTreeSet;

use motcua_domain::identity::Role;

use crate::token::{Scope, ScopeSet};

/// The id of an account (applicant or officer).
pub type AccountId = i64;
/// The id of an agency (`motcua_domain::agency::Agency::id`).
pub type AgencyId = i64;

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// Nobody logged in.
    Anonymous,
    /// A citizen, business or organisation account.
    Applicant { account_id: AccountId },
    /// An officer with roles in agencies.
    Officer(Officer),
    /// An integrating system, authenticated by an API key with these scopes.
    System { scopes: ScopeSet },
}

/// An officer's roles, as loaded for the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    pub account_id: AccountId,
    /// Every (agency, role) the officer holds; an officer may work in several agencies.
    pub roles: Vec<(AgencyId, Role)>,
    /// The agencies below those where the officer is a leader or supervisor, resolved by the
    /// caller from the agency tree (the policy stays pure). Leaders read their dashboards;
    /// supervisors also their dossiers and settings. Other roles ignore this set.
    pub supervised_agency_ids: BTreeSet<AgencyId>,
}

impl Officer {
    fn has(&self, role: Role, agency: AgencyId) -> bool {
        self.roles.contains(&(agency, role))
    }

    fn has_any_of(&self, roles: &[Role], agency: AgencyId) -> bool {
        roles.iter().any(|&r| self.has(r, agency))
    }

    fn has_anywhere(&self, role: Role) -> bool {
        self.roles.iter().any(|&(_, r)| r == role)
    }

    fn works_in(&self, agency: AgencyId) -> bool {
        self.roles.iter().any(|&(a, _)| a == agency)
    }

    /// Whether `role` (leader or supervisor) reaches `agency`: held there, or held somewhere
    /// and `agency` is supervised.
    fn oversees(&self, role: Role, agency: AgencyId) -> bool {
        self.has(role, agency)
            || (self.has_anywhere(role) && self.supervised_agency_ids.contains(&agency))
    }

    fn is_system_admin(&self) -> bool {
        self.has_anywhere(Role::SystemAdmin)
    }
}

/// What is being acted upon, with just what the policy needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Public pages and data: catalog, agencies, units, calendar, statistics, tracking page.
    Public,
    /// The acting person's own account: profile, password, two-factor, sessions.
    OwnAccount(AccountId),
    /// An account as administered: officers by their agencies' administrators, applicants by
    /// counter staff (identity verification), anyone by system administrators.
    Account {
        account_id: AccountId,
        /// The agencies where the account holds roles; empty for applicants.
        agency_ids: BTreeSet<AgencyId>,
    },
    /// An agency's administration: officers, roles, internal processes, receiving points
    /// (create, update and delete concern the agency itself in the tree).
    Agency(AgencyId),
    Dossier(DossierScope),
    /// The yearly calendar notices (holidays, swapped days).
    CalendarNotices,
    /// The procedure catalog, for editing.
    Catalog,
    AgencyLocalSettings(AgencyId),
    SecurityLog(LogScope),
    /// The internal dashboards and indicators of an agency (public statistics are
    /// [`Resource::Public`]). A global view is the dashboard of the root agency.
    Dashboard(AgencyId),
    /// API keys and webhooks of integrating systems.
    Integrations,
}

/// The agencies and owner of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierScope {
    /// The applicant's account; `None` for a paper dossier of someone without an account.
    pub owner_account_id: Option<AccountId>,
    /// The agency holding it now.
    pub holding_agency_id: AgencyId,
    /// The agency whose receiving point received it.
    pub receiving_agency_id: AgencyId,
    /// Every agency it was transferred to or through.
    pub transferred_agency_ids: Vec<AgencyId>,
}

impl DossierScope {
    fn agencies(&self) -> impl Iterator<Item = AgencyId> + '_ {
        [self.holding_agency_id, self.receiving_agency_id]
            .into_iter()
            .chain(self.transferred_agency_ids.iter().copied())
    }
}

/// Which part of the security log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogScope {
    Agency(AgencyId),
    Global,
}

/// What the actor wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Create,
    Update,
    Delete,
    /// Internal processing of a dossier: assign, propose a result, transfer.
    Process,
    /// Counter work on a dossier: receive, request supplements at reception, refuse, return
    /// the result.
    Receive,
    /// Approve (and sign) a dossier's result.
    Approve,
    /// Manage what hangs off a resource: an agency's officers and processes, an account's
    /// roles, lock and second factor.
    Administer,
}

impl Action {
    pub const ALL: [Action; 8] = [
        Action::Read,
        Action::Create,
        Action::Update,
        Action::Delete,
        Action::Process,
        Action::Receive,
        Action::Approve,
        Action::Administer,
    ];
}

/// The answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny { reason: DenyReason },
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }

    fn deny(reason: DenyReason) -> Self {
        Decision::Deny { reason }
    }
}

/// Why access was refused, which decides the HTTP answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenyReason {
    /// Nobody is logged in and an account could help: 401 (or the login page).
    Unauthenticated,
    /// The resource is someone else's dossier or account; answer as if it did not exist: 404.
    NotFound,
    /// The actor may see the resource, or its existence is public, but may not do this: 403.
    Forbidden,
    /// The API key lacks this scope: 403.
    MissingScope(Scope),
    /// Administering one's own account (roles, lock, deletion) is left to someone else: 403.
    SelfAdministration,
}

impl DenyReason {
    pub fn http_status(self) -> u16 {
        match self {
            DenyReason::Unauthenticated => 401,
            DenyReason::NotFound => 404,
            DenyReason::Forbidden
            | DenyReason::MissingScope(_)
            | DenyReason::SelfAdministration => 403,
        }
    }
}

/// The decision for `actor` doing `action` to `resource`.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    if action == Action::Read && is_public(resource) {
        return Decision::Allow;
    }
    match actor {
        Actor::Anonymous => Decision::deny(DenyReason::Unauthenticated),
        Actor::System { scopes } => system(*scopes, action, resource),
        Actor::Applicant { account_id } => person(*account_id, None, action, resource),
        Actor::Officer(officer) => person(officer.account_id, Some(officer), action, resource),
    }
}

/// Whether an actor may grant `role` in `agency` to someone. Refusing self-grants is the
/// caller's part (it is [`Action::Administer`] on [`Resource::Account`] of oneself).
pub fn authorize_grant(actor: &Actor, agency: AgencyId, role: Role) -> Decision {
    match actor {
        Actor::Anonymous => Decision::deny(DenyReason::Unauthenticated),
        Actor::Officer(o) if o.is_system_admin() => Decision::Allow,
        // Agency administrators staff their agency; system administrators and supervisors
        // act across agencies and are appointed by system administrators.
        Actor::Officer(o)
            if o.has(Role::AgencyAdmin, agency)
                && !matches!(role, Role::SystemAdmin | Role::Supervisor) =>
        {
            Decision::Allow
        }
        _ => Decision::deny(DenyReason::Forbidden),
    }
}

/// Resources everyone may read.
fn is_public(resource: &Resource) -> bool {
    matches!(
        resource,
        Resource::Public | Resource::Catalog | Resource::CalendarNotices
    )
}

/// Resources whose existence is nobody else's business: refusals are 404.
fn hides_existence(resource: &Resource) -> bool {
    matches!(
        resource,
        Resource::OwnAccount(_) | Resource::Account { .. } | Resource::Dossier(_)
    )
}

/// An API key: what its scopes allow, nothing else. Keys are not agency-bound, so a missing
/// scope is said plainly (403), except for accounts, which no key ever reaches (404).
fn system(scopes: ScopeSet, action: Action, resource: &Resource) -> Decision {
    let needed = match (resource, action) {
        (Resource::Dossier(_), Action::Read) => Some(Scope::DossiersRead),
        (Resource::Dossier(_), Action::Create | Action::Update) => Some(Scope::DossiersWrite),
        (Resource::Dashboard(_), Action::Read) => Some(Scope::StatisticsRead),
        _ => None,
    };
    match needed {
        Some(scope) if scopes.contains(scope) => Decision::Allow,
        Some(scope) => Decision::deny(DenyReason::MissingScope(scope)),
        None if matches!(resource, Resource::OwnAccount(_) | Resource::Account { .. }) => {
            Decision::deny(DenyReason::NotFound)
        }
        None => Decision::deny(DenyReason::Forbidden),
    }
}

/// An applicant (`officer` is `None`) or an officer, who is also a person with an account.
fn person(
    me: AccountId,
    officer: Option<&Officer>,
    action: Action,
    resource: &Resource,
) -> Decision {
    if let Resource::Account { account_id, .. } = resource
        && *account_id == me
    {
        return match action {
            Action::Read => Decision::Allow,
            Action::Update | Action::Delete | Action::Administer => {
                Decision::deny(DenyReason::SelfAdministration)
            }
            _ => Decision::deny(DenyReason::Forbidden),
        };
    }
    let may = |a: Action| {
        own_rights(me, a, resource) || officer.is_some_and(|o| officer_rights(o, a, resource))
    };
    if may(action) {
        Decision::Allow
    } else if hides_existence(resource) && !may(Action::Read) {
        Decision::deny(DenyReason::NotFound)
    } else {
        Decision::deny(DenyReason::Forbidden)
    }
}

/// What anyone may do with their own things.
fn own_rights(me: AccountId, action: Action, resource: &Resource) -> bool {
    match resource {
        Resource::OwnAccount(id) => *id == me && matches!(action, Action::Read | Action::Update),
        Resource::Dossier(d) => {
            d.owner_account_id == Some(me)
                && matches!(
                    action,
                    // Delete only succeeds on drafts; the lifecycle enforces that.
                    Action::Read | Action::Create | Action::Update | Action::Delete
                )
        }
        _ => false,
    }
}

/// What an officer's roles allow.
fn officer_rights(o: &Officer, action: Action, resource: &Resource) -> bool {
    use Action::*;
    use Role::*;
    let admin = o.is_system_admin();
    match resource {
        // Public reads were allowed before; one's own account is `own_rights`'.
        Resource::Public | Resource::OwnAccount(_) => false,
        Resource::SecurityLog(LogScope::Global) => action == Read && admin,
        Resource::Catalog | Resource::CalendarNotices | Resource::Integrations => {
            admin && matches!(action, Read | Create | Update | Delete | Administer)
        }
        Resource::Account { agency_ids, .. } => {
            let managed = |a: &AgencyId| o.has(AgencyAdmin, *a);
            let by_agency_admin = match action {
                Read | Update | Administer => agency_ids.iter().any(managed),
                Create | Delete => !agency_ids.is_empty() && agency_ids.iter().all(managed),
                _ => false,
            };
            // Counter staff look up and verify applicants, wherever they live.
            let by_counter = agency_ids.is_empty()
                && o.has_anywhere(ReceivingOfficer)
                && matches!(action, Read | Update);
            let by_system_admin =
                admin && matches!(action, Read | Create | Update | Delete | Administer);
            by_agency_admin || by_counter || by_system_admin
        }
        Resource::Agency(id) => match action {
            Read => {
                o.works_in(*id) || admin || o.oversees(Leader, *id) || o.oversees(Supervisor, *id)
            }
            Administer => admin || o.has(AgencyAdmin, *id),
            Create | Update | Delete => admin,
            Process | Receive | Approve => false,
        },
        Resource::AgencyLocalSettings(id) => match action {
            Read => {
                o.works_in(*id) || admin || o.oversees(Leader, *id) || o.oversees(Supervisor, *id)
            }
            Create | Update | Delete | Administer => admin || o.has(AgencyAdmin, *id),
            Process | Receive | Approve => false,
        },
        Resource::SecurityLog(LogScope::Agency(id)) => {
            action == Read && (admin || o.has(AgencyAdmin, *id))
        }
        Resource::Dashboard(id) => {
            action == Read
                && (o.oversees(Leader, *id)
                    || o.oversees(Supervisor, *id)
                    || o.has(DepartmentHead, *id))
        }
        Resource::Dossier(d) => dossier_rights(o, action, d),
    }
}

fn dossier_rights(o: &Officer, action: Action, d: &DossierScope) -> bool {
    use Action::*;
    use Role::*;
    let holding = d.holding_agency_id;
    let receiving = d.receiving_agency_id;
    let at_holding = |roles: &[Role]| o.has_any_of(roles, holding);
    let at_counter = o.has(ReceivingOfficer, receiving) || o.has(ReceivingOfficer, holding);
    match action {
        Read => d.agencies().any(|a| {
            o.has_any_of(&[ReceivingOfficer, Specialist, DepartmentHead, Leader], a)
                || o.oversees(Supervisor, a)
        }),
        Create => o.has(ReceivingOfficer, receiving),
        Receive => at_counter,
        Update => at_counter || at_holding(&[Specialist, DepartmentHead]),
        Process => at_holding(&[Specialist, DepartmentHead]),
        Approve => at_holding(&[DepartmentHead, Leader]),
        Delete | Administer => false,
    }
}
