use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use motcua_domain::agency::build_tree;
use motcua_store::{AgencyFilter, PageRequest};
use serde::Deserialize;

use super::{error_page, page};
use crate::AppState;
use crate::api::agencies::{AgencyDetail, load_detail};
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(Deserialize)]
pub struct IndexQuery {
    q: Option<String>,
    page: Option<u32>,
}

/// The agency directory: the whole tree, or search results when `q` is given.
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Query(query): Query<IndexQuery>,
) -> Response {
    let q = query.q.filter(|q| !q.trim().is_empty());
    let result = async {
        if let Some(q) = &q {
            let found = state
                .store
                .list_agencies(&AgencyFilter {
                    q: Some(q.clone()),
                    page: PageRequest::new(query.page, Some(50)),
                    ..Default::default()
                })
                .await?;
            Ok::<_, ApiError>(
                minijinja::context! { q, results => found.items, total => found.total },
            )
        } else {
            let tree = build_tree(state.store.all_agencies().await?);
            Ok(minijinja::context! { tree })
        }
    };
    match result.await {
        Ok(ctx) => page(&state, lang, &uri, "agencies.html", ctx),
        Err(err) => error_page(&state, lang, &uri, err),
    }
}

pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(code): Path<String>,
) -> Response {
    match load_detail(
        &state,
        &code,
        &["parent", "children", "receiving_points", "links", "unit"],
    )
    .await
    {
        Ok(AgencyDetail { agency, expanded }) => page(
            &state,
            lang,
            &uri,
            "agency.html",
            minijinja::context! { agency, ..minijinja::Value::from_serialize(&expanded) },
        ),
        Err(err) => error_page(&state, lang, &uri, err),
    }
}
