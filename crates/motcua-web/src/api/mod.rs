//! The JSON API under `/api/v1`: aggregate reads (`?expand=`) rather than chains of small
//! requests, RFC 9457 problem details for every error.

pub mod accounts;
pub mod admin;
pub mod agencies;
pub mod calendar;
pub mod catalog_admin;
pub mod documents;
pub mod dossiers;
mod extract;
pub mod local_settings;
pub mod openapi;
pub mod point_weeks;
pub mod procedures;
mod units;

use axum::Router;
use axum::routing::{get, patch, post, put};

use crate::AppState;
pub use extract::{ApiJson, ApiQuery};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agencies", get(agencies::list).post(agencies::create))
        .route("/agencies/tree", get(agencies::tree))
        .route("/agencies/{code}", get(agencies::show))
        .route(
            "/agencies/{code}/officers",
            get(admin::officers).post(admin::create_officer),
        )
        .route(
            "/agencies/{code}/officers/{id}/roles/{role}",
            put(admin::grant_role).delete(admin::revoke_role),
        )
        .route("/agencies/{code}/procedures", get(local_settings::list))
        .route(
            "/agencies/{code}/procedures/{proc}/settings",
            get(local_settings::show)
                .put(local_settings::put)
                .delete(local_settings::delete),
        )
        .route(
            "/agencies/{code}/receiving-points/{point}/work-week",
            put(point_weeks::put_week).delete(point_weeks::delete_week),
        )
        .route(
            "/accounts",
            get(admin::list_accounts).post(accounts::register),
        )
        .route("/accounts/{id}", get(admin::show_account))
        .route("/accounts/{id}/verification", put(admin::set_verification))
        .route("/accounts/{id}/disabled", put(admin::set_disabled))
        .route(
            "/session",
            post(accounts::create_session).delete(accounts::delete_session),
        )
        .route("/session/totp", post(accounts::session_totp))
        .route("/me", get(accounts::me).patch(accounts::update_me))
        .route("/me/password", put(accounts::change_password))
        .route(
            "/me/totp",
            post(accounts::begin_totp).delete(accounts::disable_totp),
        )
        .route("/me/totp/confirm", post(accounts::confirm_totp))
        .route("/password-resets", post(accounts::request_reset))
        .route("/password-resets/complete", post(accounts::complete_reset))
        .route("/dossiers", get(dossiers::list).post(dossiers::create))
        .route("/dossiers/{id}", get(dossiers::show))
        .route("/dossiers/{id}/commands", post(dossiers::give))
        .route("/dossiers/{id}/log", get(dossiers::log))
        .route(
            "/dossiers/{id}/documents",
            get(documents::list).post(documents::add),
        )
        .route(
            "/dossiers/{id}/documents/{doc}/content",
            get(documents::content),
        )
        .route(
            "/me/documents",
            get(documents::my_list).post(documents::my_add),
        )
        .route(
            "/me/documents/{id}",
            patch(documents::my_rename).delete(documents::my_remove),
        )
        .route("/me/documents/{id}/content", get(documents::my_content))
        .route("/tracking/{code}", get(dossiers::track))
        .route("/security-events", get(admin::security_events))
        .route("/api-keys", get(admin::list_keys).post(admin::create_key))
        .route("/api-keys/{id}", axum::routing::delete(admin::revoke_key))
        .route("/units", get(units::list))
        .route("/units/{code}", get(units::show))
        .route("/procedures", get(procedures::list))
        .route("/procedures/suggest", get(procedures::suggest))
        .route(
            "/procedures/import",
            post(catalog_admin::post_import).layer(axum::extract::DefaultBodyLimit::max(
                catalog_admin::MAX_IMPORT_BYTES,
            )),
        )
        .route("/procedures/{code}", get(procedures::show))
        .route("/fields", get(procedures::fields))
        .route("/calendar/due", get(calendar::due))
        .route("/calendar/tet", get(calendar::tet))
        .route(
            "/calendar/notices/{year}",
            get(calendar::notice)
                .put(calendar::put_notice)
                .delete(calendar::delete_notice),
        )
        .route("/calendar/{year}", get(calendar::year))
        .fallback(|| async { crate::error::ApiError::NotFound })
        .layer(axum::middleware::map_response(
            extract::method_not_allowed_as_problem,
        ))
}

/// Parses `expand=a,b` against the names an endpoint knows; unknown names are refused.
pub(crate) fn parse_expand(
    raw: Option<&str>,
    known: &[&'static str],
) -> Result<Vec<&'static str>, crate::error::ApiError> {
    let mut out = Vec::new();
    for name in raw
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match known.iter().find(|k| **k == name) {
            Some(k) => out.push(*k),
            None => {
                return Err(motcua_domain::FieldError::new(
                    "expand",
                    "one_of",
                    format!(
                        "Không thể mở rộng '{name}'; chọn trong: {}.",
                        known.join(", ")
                    ),
                    format!("Cannot expand '{name}'; choose from: {}.", known.join(", ")),
                )
                .into());
            }
        }
    }
    Ok(out)
}
