//! Agencies' local settings for procedures over HTTP (issue 4): the list of procedures an
//! agency may receive with its own settings marked, and one procedure's settings — internal
//! process steps, e-form fields, receiving points, online level, fee overrides, whether the
//! agency receives it. Officers of the agency read them; its administrators and system
//! administrators change them (`Resource::AgencyLocalSettings`). The operations live in
//! [`crate::settings`], shared with the administration pages.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiJson, ApiQuery};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::settings::{self, AgencyProcedures, ProcedureListQuery, SettingsInput, SettingsView};

/// `GET /api/v1/agencies/{code}/procedures?q=&custom=&level=&page=&per_page=`: the catalog's
/// procedures as this agency receives them — those with the agency's own settings first —
/// filtered by words of the name or the code (diacritics optional).
#[utoipa::path(get, path = "/api/v1/agencies/{code}/procedures", tag = "agencies",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ProcedureListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = AgencyProcedures), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(code): Path<String>,
    ApiQuery(q): ApiQuery<ProcedureListQuery>,
) -> ApiResult<Json<AgencyProcedures>> {
    Ok(Json(settings::list(&state, &viewer, &code, &q).await?))
}

/// `GET /api/v1/agencies/{code}/procedures/{proc}/settings`: the agency's settings for the
/// procedure (`custom: false` and the defaults when it set none) and what applies.
#[utoipa::path(get, path = "/api/v1/agencies/{code}/procedures/{proc}/settings", tag = "agencies",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ("proc" = String, Path, description = "The procedure's national code, e.g. 1.001193")),
    security(("bearer" = [])),
    responses((status = 200, body = SettingsView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, proc_code)): Path<(String, String)>,
) -> ApiResult<Json<SettingsView>> {
    Ok(Json(
        settings::view(&state, &viewer, &code, &proc_code).await?,
    ))
}

/// `PUT /api/v1/agencies/{code}/procedures/{proc}/settings` (the agency's administrators,
/// system administrators): replaces the agency's settings for the procedure. Invalid settings
/// are refused (422) naming each field (`steps[1].budget_hours`, `eform[0].key`, …) in
/// Vietnamese and English, with nothing changed; with `version`, 409 when they changed since.
#[utoipa::path(put, path = "/api/v1/agencies/{code}/procedures/{proc}/settings", tag = "agencies",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ("proc" = String, Path, description = "The procedure's national code, e.g. 1.001193")),
    request_body = SettingsInput, security(("bearer" = [])),
    responses((status = 200, body = SettingsView), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn put(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, proc_code)): Path<(String, String)>,
    ApiJson(input): ApiJson<SettingsInput>,
) -> ApiResult<Json<SettingsView>> {
    Ok(Json(
        settings::put(
            &state,
            &viewer,
            &code,
            &proc_code,
            input.settings,
            input.version,
        )
        .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// The version read; 409 when the settings changed since.
    pub version: Option<i64>,
}

/// `DELETE /api/v1/agencies/{code}/procedures/{proc}/settings?version=` (the agency's
/// administrators, system administrators): back to the defaults (also when it had them).
#[utoipa::path(delete, path = "/api/v1/agencies/{code}/procedures/{proc}/settings", tag = "agencies",
    params(("code" = String, Path, description = "QCVN 102 code, e.g. 000.00.12.H29"), ("proc" = String, Path, description = "The procedure's national code, e.g. 1.001193"), DeleteQuery),
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::Problem), (status = 403, body = crate::error::Problem), (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((code, proc_code)): Path<(String, String)>,
    ApiQuery(q): ApiQuery<DeleteQuery>,
) -> ApiResult<StatusCode> {
    settings::remove(&state, &viewer, &code, &proc_code, q.version).await?;
    Ok(StatusCode::NO_CONTENT)
}
