//! The OpenAPI 3.1 document, generated from the handlers' annotations, served at
//! `/api/v1/openapi.json` and browsable at `/api/docs` (Swagger UI assets vendored in the binary).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{
    accounts, admin, agencies, calendar, catalog_admin, documents, dossiers, local_settings,
    point_weeks, procedures, units,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "motcua API",
        description = "Cổng dịch vụ công và một cửa điện tử — public-service portal and electronic one-stop shop. Errors are RFC 9457 problem details with messages in Vietnamese and English.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        agencies::list, agencies::tree, agencies::show, agencies::create,
        point_weeks::put_week, point_weeks::delete_week,
        local_settings::list, local_settings::show, local_settings::put, local_settings::delete,
        units::list, units::show,
        procedures::list, procedures::suggest, procedures::show, procedures::fields,
        catalog_admin::post_import,
        calendar::year, calendar::due, calendar::tet, calendar::notice, calendar::put_notice, calendar::delete_notice,
        accounts::register, accounts::create_session, accounts::session_totp, accounts::delete_session,
        accounts::me, accounts::update_me, accounts::change_password,
        accounts::begin_totp, accounts::confirm_totp, accounts::disable_totp,
        accounts::request_reset, accounts::complete_reset,
        admin::officers, admin::create_officer, admin::grant_role, admin::revoke_role,
        admin::list_accounts, admin::show_account, admin::set_verification, admin::set_disabled,
        admin::security_events, admin::list_keys, admin::create_key, admin::revoke_key,
        dossiers::create, dossiers::show, dossiers::give, dossiers::list, dossiers::log, dossiers::track,
        documents::add, documents::list, documents::content,
        documents::my_list, documents::my_add, documents::my_rename, documents::my_remove, documents::my_content,
    ),
    modifiers(&Bearer),
    tags(
        (name = "agencies", description = "Agencies (QCVN 102:2016 codes), their tree, history and receiving points"),
        (name = "units", description = "Provinces and communes"),
        (name = "procedures", description = "The procedure catalog"),
        (name = "calendar", description = "Working calendar, due dates and yearly notices"),
        (name = "accounts", description = "Registration, sessions, one's own account, two-factor authentication, password resets"),
        (name = "dossiers", description = "Dossiers: submission, reception, processing, results, work queues, the log, public tracking"),
        (name = "documents", description = "Documents of dossiers (content-addressed, checked by content, hashed in the log) and each applicant's document store"),
        (name = "administration", description = "Officers and roles, account look-up and verification, the security log, API keys"),
    )
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[test]
    fn document_lists_every_api_route() {
        let doc = super::ApiDoc::openapi();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["openapi"], "3.1.0");
        let paths = json["paths"].as_object().unwrap();
        for path in [
            "/api/v1/agencies",
            "/api/v1/agencies/tree",
            "/api/v1/agencies/{code}",
            "/api/v1/units",
            "/api/v1/units/{code}",
            "/api/v1/procedures",
            "/api/v1/procedures/suggest",
            "/api/v1/procedures/{code}",
            "/api/v1/fields",
            "/api/v1/calendar/{year}",
            "/api/v1/calendar/due",
            "/api/v1/calendar/tet",
            "/api/v1/calendar/notices/{year}",
            "/api/v1/agencies/{code}/procedures",
            "/api/v1/agencies/{code}/procedures/{proc}/settings",
        ] {
            assert!(
                paths.contains_key(path),
                "{path} missing from the OpenAPI document"
            );
        }
        assert!(json["components"]["schemas"]["Problem"].is_object());
        assert!(json["components"]["schemas"]["Channel"].is_object());
    }
}
