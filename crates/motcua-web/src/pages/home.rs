use axum::extract::{OriginalUri, State};
use axum::response::Response;
use motcua_domain::unit::UnitLevel;
use motcua_store::{AgencyFilter, PageRequest, UnitFilter};

use super::{error_page, page};
use crate::AppState;
use crate::i18n::Lang;

pub async fn home(State(state): State<AppState>, lang: Lang, uri: OriginalUri) -> Response {
    let counts = async {
        let agencies = state
            .store
            .list_agencies(&AgencyFilter {
                page: PageRequest::new(None, Some(1)),
                ..Default::default()
            })
            .await?
            .total;
        let provinces = state
            .store
            .list_units(&UnitFilter {
                level: Some(UnitLevel::Province),
                page: PageRequest::new(None, Some(1)),
                ..Default::default()
            })
            .await?
            .total;
        let communes = state
            .store
            .list_units(&UnitFilter {
                level: Some(UnitLevel::Commune),
                page: PageRequest::new(None, Some(1)),
                ..Default::default()
            })
            .await?
            .total;
        Ok::<_, motcua_store::StoreError>((agencies, provinces, communes))
    };
    match counts.await {
        Ok((agencies, provinces, communes)) => page(
            &state,
            lang,
            &uri,
            "home.html",
            minijinja::context! { agencies, provinces, communes },
        ),
        Err(err) => error_page(&state, lang, &uri, err.into()),
    }
}
