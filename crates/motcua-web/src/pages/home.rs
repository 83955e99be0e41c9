use axum::extract::{OriginalUri, State};
use axum::response::Response;
use motcua_domain::unit::UnitLevel;
use motcua_store::{AgencyFilter, PageRequest, UnitFilter};

use super::{error_page, page};
use crate::AppState;
use crate::i18n::Lang;

/// Procedures people ask for most at one-stop counters (shown when present in the catalog).
const POPULAR: &[&str] = &[
    "1.001193", // đăng ký khai sinh
    "1.000894", // đăng ký kết hôn
    "1.014064", // cấp lại thẻ căn cước
    "1.004222", // đăng ký thường trú
    "1.000656", // đăng ký khai tử
    "3.000347", // đổi giấy phép lái xe
    "1.001612", // đăng ký thành lập hộ kinh doanh
];

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
    let catalog = state.catalog.get();
    let popular: Vec<_> = POPULAR
        .iter()
        .filter_map(|code| catalog.summaries.get(*code).cloned())
        .collect();
    let mut top_fields = catalog.fields.clone();
    top_fields.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    top_fields.truncate(12);
    let procedures = catalog.summaries.len();
    match counts.await {
        Ok((agencies, provinces, communes)) => page(
            &state,
            lang,
            &uri,
            "home.html",
            minijinja::context! { agencies, provinces, communes, procedures, popular, top_fields },
        ),
        Err(err) => error_page(&state, lang, &uri, err.into()),
    }
}
