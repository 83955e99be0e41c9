//! Languages and translation catalogs. Vietnamese is the default; English is second.
//!
//! Strings live in `locales/*.toml`, never in templates or handlers. The language of a request
//! comes from `?lang=`, then the `lang` cookie, then `Accept-Language`.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Request};
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The best of our languages for an `Accept-Language` header (`None` if neither fits).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let primary = tag.split('-').next()?;
                let lang = Self::parse(primary)?;
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some((lang, q))
            })
            .fold(None, |best: Option<(Lang, f32)>, (lang, q)| match best {
                Some((_, bq)) if bq >= q => best,
                _ => Some((lang, q)),
            })
            .map(|(lang, _)| lang)
    }
}

/// Both catalogs, loaded once at start.
pub struct Catalogs {
    vi: HashMap<String, String>,
    en: HashMap<String, String>,
}

impl Catalogs {
    pub fn load() -> Self {
        Self {
            vi: flatten(include_str!("../locales/vi.toml")),
            en: flatten(include_str!("../locales/en.toml")),
        }
    }

    /// The text for `key`; Vietnamese when English lacks it, the key itself when both do
    /// (a test keeps the catalogs complete, so that only shows during development).
    pub fn t<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let primary = match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        };
        primary
            .get(key)
            .or_else(|| self.vi.get(key))
            .map_or(key, String::as_str)
    }

    pub fn keys(&self, lang: Lang) -> Vec<&str> {
        let map = match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        };
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }
}

fn flatten(source: &str) -> HashMap<String, String> {
    fn walk(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(t) => walk(&path, t, out),
                toml::Value::String(s) => {
                    out.insert(path, s.clone());
                }
                other => panic!("locale key {path} must be text, found {other}"),
            }
        }
    }
    let table: toml::Table = source.parse().expect("locale catalogs are valid TOML");
    let mut out = HashMap::new();
    walk("", &table, &mut out);
    out
}

fn cookie_lang(parts: &Parts) -> Option<Lang> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lang=").and_then(Lang::parse))
}

fn query_lang(parts: &Parts) -> Option<Lang> {
    parts
        .uri
        .query()?
        .split('&')
        .find_map(|kv| kv.strip_prefix("lang=").and_then(Lang::parse))
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Lang>()
            .copied()
            .unwrap_or_else(|| resolve(parts)))
    }
}

fn resolve(parts: &Parts) -> Lang {
    query_lang(parts)
        .or_else(|| cookie_lang(parts))
        .or_else(|| {
            parts
                .headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Resolves the language once per request and remembers an explicit `?lang=` in a cookie.
pub async fn middleware(request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let chosen = query_lang(&parts);
    let lang = resolve(&parts);
    parts.extensions.insert(lang);
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(lang) = chosen {
        let cookie = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
            lang.code()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogs_have_the_same_keys() {
        let c = Catalogs::load();
        assert_eq!(
            c.keys(Lang::Vi),
            c.keys(Lang::En),
            "vi.toml and en.toml must list the same keys"
        );
        assert!(c.keys(Lang::Vi).len() > 20);
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, vi;q=0.8"),
            Some(Lang::Vi)
        );
        assert_eq!(Lang::from_accept_language("vi-VN"), Some(Lang::Vi));
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(Lang::from_accept_language("en;q=0"), None);
        assert_eq!(Lang::from_accept_language(""), None);
    }

    #[test]
    fn vietnamese_is_the_fallback() {
        let c = Catalogs::load();
        assert_eq!(c.t(Lang::Vi, "nav.home"), "Trang chủ");
        assert_eq!(c.t(Lang::En, "nav.home"), "Home");
        assert_eq!(c.t(Lang::En, "no.such.key"), "no.such.key");
    }
}
