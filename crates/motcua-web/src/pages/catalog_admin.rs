//! `/admin/catalog`: system administrators import national-portal procedure files (the
//! JSON-lines export) from a page, and read the import's report — what was new, what got a
//! new version, what could not be parsed, per field.

use axum::extract::{OriginalUri, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use motcua_auth::policy::{Action, Resource};

use super::{error_page, form_errors, page};
use crate::AppState;
use crate::api::catalog_admin;
use crate::auth::Viewer;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::uploads::{self, Csrf};

fn view(state: &AppState, viewer: &Viewer, extra: Value) -> Value {
    let catalog = state.catalog.get();
    context! {
        procedures => catalog.summaries.len(),
        fields => catalog.fields.len(),
        csrf => viewer.csrf_token(state),
        max_mib => state.blobs.max_file_bytes() / (1024 * 1024),
        ..extra
    }
}

/// `GET /admin/catalog`.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
) -> Response {
    if let Err(err) = viewer
        .require_account()
        .and_then(|_| viewer.authorize(Action::Update, &Resource::Catalog))
    {
        return error_page(&state, lang, &uri, err);
    }
    let ctx = view(&state, &viewer, context! {});
    page(&state, lang, &uri, "admin_catalog.html", ctx)
}

/// `POST /admin/catalog`: a `multipart/form-data` form with `csrf` then `file`.
pub async fn import(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    request: Request,
) -> Response {
    let result = async {
        // The form's token first (before the file, and before who asks: a forged post is
        // refused as such), then the right to import.
        let form = uploads::read(&state, request, Csrf::Field(&viewer)).await?;
        viewer.require_account()?;
        viewer.authorize(Action::Update, &Resource::Catalog)?;
        let file = form
            .file
            .ok_or_else(|| ApiError::from(motcua_domain::FieldError::required("file")))?;
        catalog_admin::import(&state, &viewer, &file.bytes, Some(&file.file_name)).await
    }
    .await;
    match result {
        Ok(done) => {
            let unparsed: Vec<Value> = done
                .report
                .fields
                .iter()
                .filter(|(_, stats)| stats.unparsed > 0)
                .map(|(name, stats)| context! { name, unparsed => stats.unparsed })
                .collect();
            let ctx = view(
                &state,
                &viewer,
                context! {
                    done => Value::from_serialize(done.stored),
                    parsed => done.report.procedures,
                    failed => done.failed_lines.iter().take(50).map(|f| context! { line => f.line, snippet => f.snippet.clone() }).collect::<Vec<_>>(),
                    failed_count => done.failed_lines.len(),
                    unparsed,
                },
            );
            page(&state, lang, &uri, "admin_catalog.html", ctx)
        }
        Err(err) => {
            let too_large = matches!(err, ApiError::FileTooLarge(_));
            let errors = match &err {
                ApiError::FileTooLarge(e) => {
                    form_errors(&ApiError::Invalid(e.clone().into()), lang)
                }
                other => form_errors(other, lang),
            };
            match errors {
                Some(errors) => {
                    let mut r = page(
                        &state,
                        lang,
                        &uri,
                        "admin_catalog.html",
                        view(&state, &viewer, context! { errors }),
                    );
                    *r.status_mut() = if too_large {
                        StatusCode::PAYLOAD_TOO_LARGE
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY
                    };
                    r
                }
                None => error_page(&state, lang, &uri, err),
            }
        }
    }
}
