use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Response;
use motcua_domain::unit::UnitLevel;
use motcua_store::{AgencyFilter, PageRequest, UnitFilter};
use serde::Deserialize;

use super::{error_page, page};
use crate::AppState;
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(Deserialize)]
pub struct IndexQuery {
    q: Option<String>,
}

/// Provinces, or any unit matching `q` (with or without diacritics).
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Query(query): Query<IndexQuery>,
) -> Response {
    let q = query.q.filter(|q| !q.trim().is_empty());
    let filter = UnitFilter {
        level: if q.is_some() {
            None
        } else {
            Some(UnitLevel::Province)
        },
        q: q.clone(),
        page: PageRequest::new(None, Some(PageRequest::MAX_PER_PAGE)),
        ..Default::default()
    };
    match state.store.list_units(&filter).await {
        Ok(found) => page(
            &state,
            lang,
            &uri,
            "units.html",
            minijinja::context! { q, units => found.items, total => found.total },
        ),
        Err(err) => error_page(&state, lang, &uri, err.into()),
    }
}

#[derive(Deserialize)]
pub struct ShowQuery {
    page: Option<u32>,
}

/// A unit: a province with its communes, or a commune with its agencies.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(code): Path<String>,
    Query(query): Query<ShowQuery>,
) -> Response {
    let result = async {
        let unit = state
            .store
            .get_unit(&code)
            .await?
            .ok_or(ApiError::NotFound)?;
        let parent = match &unit.parent_code {
            Some(p) => state.store.get_unit(p).await?,
            None => None,
        };
        let communes = state
            .store
            .list_units(&UnitFilter {
                parent_code: Some(unit.code.clone()),
                page: PageRequest::new(query.page, Some(PageRequest::MAX_PER_PAGE)),
                ..Default::default()
            })
            .await?;
        let agencies = state
            .store
            .list_agencies(&AgencyFilter {
                unit_code: Some(unit.code.clone()),
                page: PageRequest::new(None, Some(PageRequest::MAX_PER_PAGE)),
                ..Default::default()
            })
            .await?;
        Ok::<_, ApiError>(minijinja::context! {
            unit, parent,
            communes => communes.items, communes_total => communes.total,
            page => communes.page, pages => (communes.total + i64::from(communes.per_page) - 1) / i64::from(communes.per_page),
            agencies => agencies.items,
        })
    };
    match result.await {
        Ok(ctx) => page(&state, lang, &uri, "unit.html", ctx),
        Err(err) => error_page(&state, lang, &uri, err),
    }
}
