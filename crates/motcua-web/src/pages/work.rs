//! Officers' dossier pages: the work queues of an agency (to receive, assigned to me, in
//! process, due within N working days, overdue, transferred in, all) and counter reception
//! of a paper dossier. The queues are the API's (`api::dossiers::queue_filter`), the
//! applicant look-up is the API's (`api::admin::lookup_accounts`), creation is
//! `dossiers::create` — one path for pages and API.

use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use motcua_auth::policy::{Action, DossierScope, Resource};
use motcua_domain::identity::Role;
use motcua_store::{Account, AccountWithRoles};
use serde::Deserialize;

use super::dossier_view::People;
use super::dossiers::{PER_PAGE, local_settings, row};
use super::eform::{self, Posted, ValuesSource, one};
use super::{error_page, form_errors, login_redirect, page, see_other};
use crate::AppState;
use crate::api::admin::{AccountsQuery, lookup_accounts};
use crate::api::dossiers::{ListQuery, queue_filter};
use crate::auth::{CsrfForm, Viewer};
use crate::dossiers::{self, NewDossierInput};
use crate::error::ApiError;
use crate::i18n::Lang;

/// The queues, in the order of the tabs.
pub const QUEUES: [&str; 7] = [
    "to_receive",
    "mine",
    "in_process",
    "due_soon",
    "overdue",
    "transferred_in",
    "all",
];

/// "Due soon" means within this many working days unless the officer asks otherwise.
const DUE_SOON_DAYS: u32 = 2;

/// An agency the officer works at, as the tabs show it.
struct WorkAgency {
    id: i64,
    code: String,
    name: String,
    counter: bool,
}

/// The officer's agencies where `keep` holds, in the order of their roles.
fn agencies_where(viewer: &Viewer, keep: impl Fn(i64) -> bool) -> Vec<WorkAgency> {
    let mut out: Vec<WorkAgency> = Vec::new();
    for r in &viewer.roles {
        if out.iter().any(|a| a.id == r.agency_id) || !keep(r.agency_id) {
            continue;
        }
        out.push(WorkAgency {
            id: r.agency_id,
            code: r.agency_code.clone(),
            name: r.agency_name.clone(),
            counter: viewer
                .roles
                .iter()
                .any(|x| x.agency_id == r.agency_id && x.role == Role::ReceivingOfficer),
        });
    }
    out
}

/// The agency named by `?agency=`, or the first of `mine`. Any agency where `allowed` holds
/// may be named (a supervisor's supervised agencies are not in their tabs); another agency
/// is 403, an unknown one 404.
async fn choose(
    state: &AppState,
    viewer: &Viewer,
    mine: &[WorkAgency],
    asked: Option<&str>,
    allowed: impl Fn(i64) -> bool,
) -> Result<WorkAgency, ApiError> {
    let Some(code) = asked.map(str::trim).filter(|c| !c.is_empty()) else {
        let first = mine.first().ok_or(ApiError::Forbidden)?;
        return Ok(WorkAgency {
            id: first.id,
            code: first.code.clone(),
            name: first.name.clone(),
            counter: first.counter,
        });
    };
    let agency = crate::api::admin::agency_of(state, code).await?;
    if !allowed(agency.id) {
        return Err(ApiError::Forbidden);
    }
    Ok(WorkAgency {
        id: agency.id,
        code: agency.code.as_str().to_owned(),
        name: agency.name.clone(),
        counter: viewer
            .roles
            .iter()
            .any(|r| r.agency_id == agency.id && r.role == Role::ReceivingOfficer),
    })
}

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    agency: Option<String>,
    queue: Option<String>,
    #[serde(default, deserialize_with = "super::dossiers::lenient")]
    days: Option<u32>,
    #[serde(default, deserialize_with = "super::dossiers::lenient")]
    page: Option<u32>,
}

/// `GET /work/dossiers?agency=&queue=&days=&page=`: an agency's work queues, with the
/// number of dossiers in each.
pub async fn queues(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<QueueQuery>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    if !viewer.is_officer() {
        return error_page(&state, lang, &uri, ApiError::Forbidden);
    }
    let mine = agencies_where(&viewer, |a| dossiers::reads_dossiers_at(&viewer, a));
    let days = q.days.unwrap_or(DUE_SOON_DAYS).clamp(1, 60);
    let result = async {
        let agency = &choose(&state, &viewer, &mine, q.agency.as_deref(), |a| {
            dossiers::reads_dossiers_at(&viewer, a)
        })
        .await?;
        let queue = q
            .queue
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| if agency.counter { "to_receive" } else { "mine" }.to_owned());
        let query = |queue: &str, page: Option<u32>, per_page: u32| ListQuery {
            queue: Some(queue.to_owned()),
            agency: Some(agency.code.clone()),
            days: Some(days),
            page,
            per_page: Some(per_page),
        };
        let filter = queue_filter(&state, &viewer, &query(&queue, q.page, PER_PAGE)).await?;
        let list = state.store.list_dossiers(&filter).await?;
        let mut tabs = Vec::new();
        for name in QUEUES {
            let f = queue_filter(&state, &viewer, &query(name, Some(1), 1)).await?;
            let count = state.store.list_dossiers(&f).await?.total;
            tabs.push(context! { name, count, current => name == queue });
        }
        let mut people = People::default();
        let mut items = Vec::new();
        for d in &list.items {
            let assignee = match d.state.assignee_id {
                Some(id) => people.name(&state, id).await?,
                None => None,
            };
            items.push(context! { assignee, ..row(&state, d, lang) });
        }
        Ok::<_, ApiError>(context! {
            agency => context! { code => agency.code, name => agency.name },
            queue, tabs, items, total => list.total, page => list.page,
            pages => (list.total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE),
        })
    }
    .await;
    let ctx = match result {
        Ok(c) => c,
        Err(e) => return error_page(&state, lang, &uri, e),
    };
    let agencies: Vec<Value> = mine
        .iter()
        .map(|a| context! { code => a.code, name => a.name })
        .collect();
    page(
        &state,
        lang,
        &uri,
        "dossier_queue.html",
        context! { agencies, days, ..ctx },
    )
}

// ---------------------------------------------------------------------------------------
// Counter reception
// ---------------------------------------------------------------------------------------

/// Whether the viewer creates paper dossiers received at `agency_id` (the policy's
/// `Create`, asked as `dossiers::create` asks it).
pub(super) fn receives_at(viewer: &Viewer, agency_id: i64) -> bool {
    viewer.allowed(
        Action::Create,
        &Resource::Dossier(DossierScope {
            owner_account_id: None,
            holding_agency_id: agency_id,
            receiving_agency_id: agency_id,
            transferred_agency_ids: vec![],
        }),
    )
}

#[derive(Deserialize, Default, Clone)]
pub struct ReceptionQuery {
    agency: Option<String>,
    /// The applicant's ID number (or tax code), to look their account up.
    id_number: Option<String>,
    /// Words to find the procedure by.
    q: Option<String>,
    /// The procedure chosen (its code).
    procedure: Option<String>,
}

/// The applicant's account with this exact ID number or tax code, if they have one.
async fn find_applicant(
    state: &AppState,
    viewer: &Viewer,
    id_number: &str,
) -> Result<Option<Account>, ApiError> {
    for kind in ["citizen", "business", "organisation"] {
        let page = lookup_accounts(
            state,
            viewer,
            AccountsQuery {
                q: Some(id_number.to_owned()),
                kind: Some(kind.to_owned()),
                page: None,
                per_page: Some(10),
            },
        )
        .await?;
        if let Some(AccountWithRoles { account, .. }) = page
            .items
            .into_iter()
            .find(|a| a.account.login == id_number)
        {
            return Ok(Some(account));
        }
    }
    Ok(None)
}

async fn reception_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    q: ReceptionQuery,
    posted: Option<&Posted>,
    errors: Option<Value>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    let mine = agencies_where(viewer, |a| receives_at(viewer, a));
    let result = async {
        let agency = &choose(state, viewer, &mine, q.agency.as_deref(), |a| {
            receives_at(viewer, a)
        })
        .await?;
        let id_number = q
            .id_number
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let found = match id_number {
            Some(id) => find_applicant(state, viewer, id).await?,
            None => None,
        };
        let words = q.q.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let results: Vec<Value> = match words {
            Some(w) => {
                let list = crate::api::procedures::search(
                    state,
                    &crate::api::procedures::ListQuery {
                        q: Some(w.to_owned()),
                        field: None,
                        agency: None,
                        level: None,
                        online: None,
                        subject: None,
                        page: None,
                        per_page: Some(10),
                    },
                )?;
                list.items
                    .iter()
                    .map(|i| context! { code => i.summary.code, name => i.summary.name })
                    .collect()
            }
            None => vec![],
        };
        let chosen = q
            .procedure
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let mut procedure = Value::from(());
        let mut fields = vec![];
        let mut missing = false;
        if let Some(code) = chosen {
            match crate::api::procedures::load(state, code, None, &[]).await {
                Ok(view) => {
                    fields = local_settings(state, agency.id, &view.procedure)
                        .await?
                        .map(|s| s.eform)
                        .unwrap_or_default();
                    procedure = context! {
                        code => view.procedure.code, name => view.procedure.name,
                        version => view.version,
                    };
                }
                Err(ApiError::NotFound) => missing = true,
                Err(e) => return Err(e),
            }
        }
        let code: motcua_domain::agency::AgencyCode = agency
            .code
            .parse()
            .map_err(|_| ApiError::NotFound)?;
        let points: Vec<Value> = state
            .store
            .receiving_points(&code)
            .await?
            .iter()
            .map(|p| context! { code => p.code, name => p.name })
            .collect();
        let my_point = viewer
            .roles
            .iter()
            .find(|r| r.agency_id == agency.id && r.role == Role::ReceivingOfficer)
            .and_then(|r| r.receiving_point.clone());
        let values = match posted {
            Some(p) => ValuesSource::Posted(p),
            None => ValuesSource::Empty,
        };
        let kept = |name: &str| posted.and_then(|p| one(p, name)).map(str::to_owned);
        let applicant = context! {
            name => kept("applicant_name").or_else(|| found.as_ref().map(|a| a.full_name.clone())),
            id_number => kept("applicant_id_number").or_else(|| id_number.map(str::to_owned)),
            phone => kept("applicant_phone").or_else(|| found.as_ref().and_then(|a| a.phone.clone())),
            email => kept("applicant_email").or_else(|| found.as_ref().and_then(|a| a.email.clone())),
            address => kept("applicant_address").or_else(|| found.as_ref().and_then(|a| a.address_line.clone())),
        };
        let mut inline: Vec<String> = fields.iter().map(|f| eform::input_name(&f.key)).collect();
        inline.extend(
            [
                "applicant_name",
                "applicant_id_number",
                "applicant_phone",
                "applicant_email",
                "applicant_address",
                "result_delivery",
            ]
            .map(String::from),
        );
        Ok::<_, ApiError>(context! {
            agency => context! { code => agency.code, name => agency.name },
            inline,
            looked_up => id_number.is_some(),
            found => found.as_ref().map(|a| context! {
                name => a.full_name, login => a.login, verification => a.verification.as_str(),
            }),
            words, results, procedure, missing, chosen,
            fields => eform::fields_context(&fields, lang, &values),
            points, receiving_point => kept("receiving_point").or(my_point),
            result_delivery => kept("result_delivery").unwrap_or_else(|| "counter".into()),
            key => kept("key").unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            applicant,
        })
    }
    .await;
    let ctx = match result {
        Ok(c) => c,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let agencies: Vec<Value> = mine
        .iter()
        .map(|a| context! { code => a.code, name => a.name })
        .collect();
    page(
        state,
        lang,
        uri,
        "dossier_reception.html",
        context! {
            agencies, csrf => viewer.csrf_token(state),
            errors => eform::page_errors(errors),
            ..ctx
        },
    )
}

/// `GET /work/reception?agency=&id_number=&q=&procedure=`: a paper dossier at the counter —
/// find the applicant by ID number, find the procedure, fill in.
pub async fn reception_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<ReceptionQuery>,
) -> Response {
    reception_page(&state, lang, &uri, &viewer, q, None, None).await
}

/// `POST /work/reception`: creates the paper dossier (channel in person) and opens it, where
/// the officer scans the documents and receives it.
pub async fn receive_paper(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    CsrfForm { viewer, form }: CsrfForm<Vec<(String, String)>>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    let p = eform::posted(&form);
    let kept = |name: &str| one(&p, name).map(str::to_owned);
    let result = async {
        let agency = kept("agency");
        // Only the agency's counter staff create paper dossiers there (asked first, so that
        // nobody else learns anything from the answer).
        let at =
            crate::api::admin::agency_of(&state, agency.as_deref().unwrap_or_default()).await?;
        if !receives_at(&viewer, at.id) {
            return Err(ApiError::Forbidden);
        }
        let code = kept("procedure_code");
        let fields = match (&agency, &code) {
            (Some(a), Some(c)) => {
                let agency = crate::api::admin::agency_of(&state, a).await.ok();
                let procedure = crate::api::procedures::load(&state, c, None, &[])
                    .await
                    .ok();
                match (agency, procedure) {
                    (Some(a), Some(v)) => local_settings(&state, a.id, &v.procedure)
                        .await?
                        .map(|s| s.eform)
                        .unwrap_or_default(),
                    _ => vec![],
                }
            }
            _ => vec![],
        };
        let input = NewDossierInput {
            procedure_code: code,
            agency,
            receiving_point: kept("receiving_point"),
            channel: Some("in_person".into()),
            form_values: Some(eform::collect(&fields, &p)),
            applicant_name: kept("applicant_name"),
            applicant_id_number: kept("applicant_id_number"),
            applicant_phone: kept("applicant_phone"),
            applicant_email: kept("applicant_email"),
            applicant_address: kept("applicant_address"),
            result_delivery: kept("result_delivery"),
        };
        dossiers::create(&state, &viewer, &input, one(&p, "key")).await
    }
    .await;
    match result {
        Ok(created) => see_other(&format!("/dossiers/{}?created=1", created.dossier.id)),
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => {
                let q = ReceptionQuery {
                    agency: kept("agency"),
                    id_number: None,
                    q: None,
                    procedure: kept("procedure_code"),
                };
                let mut r =
                    reception_page(&state, lang, &uri, &viewer, q, Some(&p), Some(errors)).await;
                if r.status() == StatusCode::OK {
                    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                }
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}
