//! Online submission of a procedure by a logged-in applicant: choose the receiving agency
//! (those the catalog names for the procedure first, then any agency with a counter), its
//! receiving point, fill in the agency's e-form, choose where to receive the result, and save
//! the draft ("Lưu nháp") through `dossiers::create`, the same as the API. The draft opens on
//! its dossier page, where the applicant attaches documents and submits.

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use motcua_catalog::model::{Level, Procedure};
use motcua_domain::agency::{Agency, AgencyKind};
use serde::Deserialize;

use super::dossiers::{Pairs, local_settings, with_status};
use super::eform::{self, Posted, ValuesSource, one};
use super::{error_page, form_errors, login_redirect, page, see_other};
use crate::AppState;
use crate::auth::{CsrfForm, Viewer};
use crate::dossiers::{self, NewDossierInput};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Lang;

/// Agencies whose names the catalog gives for the procedure (competent, implementing,
/// authorized), and for commune-level procedures the communes' People's Committees.
fn competent(p: &Procedure, a: &Agency) -> bool {
    let name = motcua_search::fold(&a.name);
    let named = [
        &p.competent_agency,
        &p.implementing_agency,
        &p.authorized_agency,
    ]
    .into_iter()
    .flatten()
    .flat_map(|t| t.split([',', ';', '\n']))
    .map(motcua_search::fold)
    .any(|t| !t.trim().is_empty() && (t.trim() == name || (name.len() >= 8 && t.contains(&name))));
    named || (a.kind == AgencyKind::CommunePeoplesCommittee && p.levels.contains(&Level::Commune))
}

/// The agencies an applicant may send the dossier to: those the catalog names for the
/// procedure first, then any other agency with a counter — a dossier may be received at any
/// receiving point, wherever the applicant lives (SPEC §2).
async fn receiving_choices(state: &AppState, p: &Procedure) -> ApiResult<(Vec<Value>, Vec<Value>)> {
    let today = chrono::Utc::now()
        .with_timezone(&motcua_calendar::vietnam())
        .date_naive();
    let mut all: Vec<Agency> = state
        .store
        .all_agencies()
        .await?
        .into_iter()
        .filter(|a| a.kind != AgencyKind::Division && a.is_valid_on(today))
        .collect();
    all.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let option = |a: &Agency| context! { code => a.code.as_str(), name => a.name };
    let first: Vec<Value> = all.iter().filter(|a| competent(p, a)).map(option).collect();
    let mut others = Vec::new();
    for kind in AgencyKind::ALL {
        let items: Vec<Value> = all
            .iter()
            .filter(|a| a.kind == kind && !competent(p, a))
            .map(option)
            .collect();
        if !items.is_empty() {
            others.push(context! { kind => kind.as_str(), items });
        }
    }
    Ok((first, others))
}

#[derive(Deserialize, Default)]
pub struct SubmitQuery {
    agency: Option<String>,
}

struct SubmitForm<'a> {
    agency: Option<String>,
    posted: Option<&'a Posted>,
    errors: Option<Value>,
}

async fn submit_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    code: &str,
    form: SubmitForm<'_>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    if viewer.is_officer() {
        // Officers receive paper dossiers at the counter (`/work/reception`).
        return error_page(state, lang, uri, ApiError::Forbidden);
    }
    let result = async {
        let view = crate::api::procedures::load(state, code, None, &[]).await?;
        let p = view.procedure;
        let (first, others) = receiving_choices(state, &p).await?;
        let chosen = match form
            .agency
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(c) => crate::api::admin::agency_of(state, c).await.ok(),
            None => None,
        };
        let mut extra = context! {};
        if let Some(agency) = &chosen {
            let settings = local_settings(state, agency.id, &p).await?;
            let online = settings
                .as_ref()
                .map_or(p.offers_online(), |s| s.online_submission(&p));
            let mut points = state.store.receiving_points(&agency.code).await?;
            if let Some(s) = &settings
                && !s.receiving_points.is_empty()
            {
                points.retain(|pt| s.receiving_points.contains(&pt.code));
            }
            let points: Vec<Value> = points
                .iter()
                .map(|pt| context! { code => pt.code, name => pt.name })
                .collect();
            let fields: Vec<_> = settings.map(|s| s.eform).unwrap_or_default();
            let values = match form.posted {
                Some(p) => ValuesSource::Posted(p),
                None => ValuesSource::Empty,
            };
            let mut inline: Vec<String> =
                fields.iter().map(|f| eform::input_name(&f.key)).collect();
            inline.extend(["result_delivery".into(), "receiving_point".into()]);
            extra = context! {
                agency => context! { code => agency.code.as_str(), name => agency.name },
                agency_online => online,
                points, inline,
                fields => eform::fields_context(&fields, lang, &values),
            };
        }
        Ok::<_, ApiError>(context! {
            procedure => context! {
                code => p.code, name => p.name, version => view.version,
                online => p.offers_online(),
            },
            first, others, ..extra
        })
    }
    .await;
    let ctx = match result {
        Ok(c) => c,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let posted = form.posted;
    let kept = |name: &str| posted.and_then(|p| one(p, name)).map(str::to_owned);
    page(
        state,
        lang,
        uri,
        "dossier_submit.html",
        context! {
            csrf => viewer.csrf_token(state),
            key => kept("key").unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            receiving_point => kept("receiving_point"),
            result_delivery => kept("result_delivery").unwrap_or_else(|| "online".into()),
            errors => eform::page_errors(form.errors),
            ..ctx
        },
    )
}

/// `GET /procedures/{code}/submit[?agency=]`: choose the receiving agency, then fill in.
pub async fn submit_form(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<SubmitQuery>,
) -> Response {
    let form = SubmitForm {
        agency: q.agency,
        posted: None,
        errors: None,
    };
    submit_page(&state, lang, &uri, &viewer, &code, form).await
}

/// `POST /procedures/{code}/submit`: saves the draft ("Lưu nháp") and opens it, where the
/// applicant attaches the documents and submits.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(code): Path<String>,
    CsrfForm { viewer, form }: CsrfForm<Pairs>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    if viewer.is_officer() {
        return error_page(&state, lang, &uri, ApiError::Forbidden);
    }
    let p = eform::posted(&form);
    let agency = one(&p, "agency").map(str::to_owned);
    let result = async {
        let view = crate::api::procedures::load(&state, &code, None, &[]).await?;
        let agency_id = match agency.as_deref() {
            Some(c) => crate::api::admin::agency_of(&state, c)
                .await
                .ok()
                .map(|a| a.id),
            None => None,
        };
        let fields = match agency_id {
            Some(id) => local_settings(&state, id, &view.procedure)
                .await?
                .map(|s| s.eform)
                .unwrap_or_default(),
            None => vec![],
        };
        let input = NewDossierInput {
            procedure_code: Some(code.clone()),
            agency: agency.clone(),
            receiving_point: one(&p, "receiving_point").map(str::to_owned),
            channel: Some("online".into()),
            form_values: Some(eform::collect(&fields, &p)),
            result_delivery: one(&p, "result_delivery").map(str::to_owned),
            ..Default::default()
        };
        dossiers::create(&state, &viewer, &input, one(&p, "key")).await
    }
    .await;
    match result {
        Ok(created) => see_other(&format!("/dossiers/{}?created=1", created.dossier.id)),
        Err(err) => match form_errors(&err, lang) {
            Some(errors) => {
                let form = SubmitForm {
                    agency,
                    posted: Some(&p),
                    errors: Some(errors),
                };
                let r = submit_page(&state, lang, &uri, &viewer, &code, form).await;
                with_status(r, StatusCode::UNPROCESSABLE_ENTITY)
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}
