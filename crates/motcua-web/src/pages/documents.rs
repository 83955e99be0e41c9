//! Document pages: adding a document to a dossier from its page (multipart form), downloads,
//! and the applicant's document store at `/account/documents` (list, upload, rename, remove,
//! download). The dossier page shows its documents with `templates/dossier_documents.html`,
//! fed by [`crate::documents::documents_context`].
//!
//! Upload forms are `multipart/form-data`: their CSRF token is the form's first field and is
//! checked before the file is read ([`crate::uploads`]), as [`CsrfForm`] checks url-encoded
//! forms.

use std::collections::BTreeMap;

use axum::extract::{OriginalUri, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{error_page, login_redirect, page, see_other};
use crate::AppState;
use crate::auth::{CsrfForm, Viewer};
use crate::documents::{self, documents_context, mine_value};
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::uploads::{self, Csrf};

/// `{field: message}` of an upload's error in the visitor's language, when it is the
/// person's to fix.
fn upload_errors(err: &ApiError, lang: Lang) -> Option<BTreeMap<String, String>> {
    let list = match err {
        ApiError::Invalid(v) => v.0.clone(),
        ApiError::FileTooLarge(e) => vec![e.clone()],
        _ => return None,
    };
    let mut map = BTreeMap::new();
    for e in list {
        let msg = match lang {
            Lang::Vi => e.message_vi,
            Lang::En => e.message_en,
        };
        map.entry(e.field)
            .and_modify(|m: &mut String| {
                m.push(' ');
                m.push_str(&msg);
            })
            .or_insert(msg);
    }
    Some(map)
}

/// `POST /dossiers/{id}/documents`: adds a document from the dossier page; back to the
/// dossier (303), or the documents with what to fix (422, 413).
pub async fn upload(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(id): Path<i64>,
    request: Request,
) -> Response {
    let form = uploads::read(&state, request, Csrf::Field(&viewer)).await;
    if viewer.account.is_none() {
        return match form {
            Err(e @ ApiError::CsrfFailed) => error_page(&state, lang, &uri, e),
            _ => login_redirect(&uri),
        };
    }
    let result = match form {
        Ok(form) => documents::add_to_dossier(&state, &viewer, id, &form, None)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => see_other(&format!("/dossiers/{id}#documents")),
        Err(err) => match upload_errors(&err, lang) {
            Some(errors) => {
                let status = err.status();
                let mut r = dossier_documents_page(&state, lang, &uri, &viewer, id, errors).await;
                if r.status() == StatusCode::OK {
                    *r.status_mut() = status;
                }
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}

/// The dossier's documents and the form again, with the upload's errors.
async fn dossier_documents_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    id: i64,
    errors: BTreeMap<String, String>,
) -> Response {
    let result = async {
        let d = crate::dossiers::load_readable(state, viewer, id).await?;
        let ctx = documents_context(state, viewer, &d).await?;
        Ok::<_, ApiError>((d, ctx))
    }
    .await;
    match result {
        Ok((d, ctx)) => page(
            state,
            lang,
            uri,
            "dossier_documents_page.html",
            context! { code => d.code, upload_errors => errors, ..ctx },
        ),
        Err(e) => error_page(state, lang, uri, e),
    }
}

/// `GET /dossiers/{id}/documents/{doc}`: a download, authorized like reading the dossier.
pub async fn download(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path((id, doc)): Path<(i64, i64)>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    match documents::download(&state, &viewer, id, doc).await {
        Ok(r) => r,
        Err(e) => error_page(&state, lang, &uri, e),
    }
}

#[derive(Deserialize, Default)]
pub struct MineQuery {
    added: Option<String>,
    removed: Option<String>,
    renamed: Option<String>,
}

async fn mine_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    extra: Value,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    let docs = match documents::my_documents(state, viewer).await {
        Ok(d) => d,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let documents: Vec<Value> = docs.iter().map(mine_value).collect();
    page(
        state,
        lang,
        uri,
        "my_documents.html",
        context! { documents, csrf => viewer.csrf_token(state), ..extra },
    )
}

/// `GET /account/documents`: the applicant's document store.
pub async fn mine(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Query(q): Query<MineQuery>,
) -> Response {
    let extra = context! {
        added => q.added, removed => q.removed.is_some(), renamed => q.renamed.is_some(),
    };
    mine_page(&state, lang, &uri, &viewer, extra).await
}

/// `POST /account/documents`: keeps a file in one's store.
pub async fn upload_mine(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    request: Request,
) -> Response {
    let form = uploads::read(&state, request, Csrf::Field(&viewer)).await;
    if viewer.account.is_none() {
        return match form {
            Err(e @ ApiError::CsrfFailed) => error_page(&state, lang, &uri, e),
            _ => login_redirect(&uri),
        };
    }
    let result = match form {
        Ok(form) => documents::keep_mine(&state, &viewer, &form).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((_, created)) => see_other(&format!(
            "/account/documents?added={}",
            if created { "new" } else { "existing" }
        )),
        Err(err) => match upload_errors(&err, lang) {
            Some(errors) => {
                let status = err.status();
                let mut r =
                    mine_page(&state, lang, &uri, &viewer, context! { errors => errors }).await;
                if r.status() == StatusCode::OK {
                    *r.status_mut() = status;
                }
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}

/// `GET /account/documents/{id}`: a download from one's store.
pub async fn download_mine(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    match documents::download_mine(&state, &viewer, id).await {
        Ok(r) => r,
        Err(e) => error_page(&state, lang, &uri, e),
    }
}

#[derive(Deserialize, Default)]
pub struct NoFields {}

/// `POST /account/documents/{id}/delete`.
pub async fn remove_mine(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(id): Path<i64>,
    CsrfForm { viewer, .. }: CsrfForm<NoFields>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    match documents::remove_mine(&state, &viewer, id).await {
        Ok(()) => see_other("/account/documents?removed=1"),
        Err(e) => error_page(&state, lang, &uri, e),
    }
}

#[derive(Deserialize, Default)]
pub struct RenameForm {
    name: Option<String>,
}

/// `POST /account/documents/{id}/rename`.
pub async fn rename_mine(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(id): Path<i64>,
    CsrfForm { viewer, form }: CsrfForm<RenameForm>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(&uri);
    }
    match documents::rename_mine(&state, &viewer, id, form.name.as_deref()).await {
        Ok(_) => see_other("/account/documents?renamed=1"),
        Err(err) => match upload_errors(&err, lang) {
            Some(errors) => {
                let mut r = mine_page(
                    &state,
                    lang,
                    &uri,
                    &viewer,
                    context! { rename_errors => errors, rename_id => id },
                )
                .await;
                if r.status() == StatusCode::OK {
                    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                }
                r
            }
            None => error_page(&state, lang, &uri, err),
        },
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use minijinja::context;

    use crate::i18n::{Catalogs, Lang};

    /// The partial renders with what `documents_context` gives, in both languages.
    #[test]
    fn the_documents_partial_renders() {
        let mut env = crate::templates::environment(Arc::new(Catalogs::load()));
        crate::documents::register_template_helpers(&mut env, 20 * 1024 * 1024);
        let doc = context! {
            id => 7, name => "Tờ khai", file_name => "to-khai.pdf", content_type => "application/pdf",
            size_bytes => 123_456, sha256 => "ab".repeat(32), role => "application", added_at => "01/02/2026 08:00",
        };
        let mine = context! { id => 3, name => "Căn cước", file_name => "cccd.png" };
        for lang in [Lang::Vi, Lang::En] {
            let ctx = context! {
                dossier_id => 42, documents => vec![doc.clone()], my_documents => vec![mine.clone()],
                can_upload_application => true, can_upload_result => true, csrf => "tok",
                upload_errors => context! { file => "Tệp quá lớn" }, code => "000.00.12.H29-260101-0001",
            };
            let html = crate::templates::render(
                &env,
                "dossier_documents_page.html",
                lang,
                "/dossiers/42/documents",
                ctx,
            )
            .unwrap_or_else(|e| panic!("{e:#}"));
            assert!(html.contains("action=\"/dossiers/42/documents\""), "{html}");
            assert!(html.contains("enctype=\"multipart/form-data\""));
            assert!(html.contains("href=\"/dossiers/42/documents/7\""));
            assert!(html.contains("name=\"from_my_documents\""));
            assert!(html.contains("Tệp quá lớn"));
            let csrf_at = html.find("name=\"csrf\"").unwrap();
            assert!(
                csrf_at < html.find("name=\"file\"").unwrap(),
                "the token before the file"
            );
        }
    }
}
