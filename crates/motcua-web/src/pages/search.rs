use axum::extract::{OriginalUri, Query, State};
use axum::response::Response;

use super::{error_page, page};
use crate::AppState;
use crate::api::procedures::{ListQuery, search};
use crate::i18n::Lang;

/// Search results with filters, usable without JavaScript.
pub async fn procedures(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Query(q): Query<ListQuery>,
) -> Response {
    let results = match search(&state, &q) {
        Ok(r) => r,
        Err(err) => return error_page(&state, lang, &uri, err),
    };
    let pages = results.total.div_ceil(results.per_page.max(1));
    // Query string without the page number, for the pager links.
    let mut base: Vec<(&str, &str)> = Vec::new();
    for (key, value) in [
        ("q", &q.q),
        ("field", &q.field),
        ("level", &q.level),
        ("online", &q.online),
        ("agency", &q.agency),
        ("subject", &q.subject),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            base.push((key, v));
        }
    }
    let query_base = base
        .iter()
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let catalog = state.catalog.get();
    page(
        &state,
        lang,
        &uri,
        "procedures.html",
        minijinja::context! {
            q => q.q, field => q.field, level => q.level, online => q.online,
            fields => catalog.fields.clone(),
            items => results.items, total => results.total, page => results.page, pages,
            relaxed => results.relaxed, query_base,
        },
    )
}

/// The fields (lĩnh vực) directory.
pub async fn fields(State(state): State<AppState>, lang: Lang, uri: OriginalUri) -> Response {
    let catalog = state.catalog.get();
    page(
        &state,
        lang,
        &uri,
        "fields.html",
        minijinja::context! { fields => catalog.fields.clone() },
    )
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
