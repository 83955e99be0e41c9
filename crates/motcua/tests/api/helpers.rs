//! Typed requests and answers, so that tests read as what a client does.

use motcua_domain::agency::{Agency, AgencyInput, AgencyLink, ReceivingPoint};
use motcua_domain::unit::AdminUnit;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, HeaderMap, SET_COOKIE};
use serde::Deserialize;
use serde::de::DeserializeOwned;

pub use crate::app::{ADMIN_TOKEN, TestApp};

/// The line of the shared national export (`../shared/data/tthc/*.jsonl`) holding procedure
/// `code`, for tests that import one real procedure.
pub fn shared_line(code: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tthc");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("shared data missing at {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        if let Some(line) = text
            .lines()
            .find(|l| l.contains(&format!("\"ma_thu_tuc\": \"{code}\"")))
        {
            return line.to_owned();
        }
    }
    panic!("{code} not in the shared data");
}

/// One page of a listing.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// A node of `GET /api/v1/agencies/tree`.
#[derive(Debug, Deserialize)]
pub struct Node {
    #[serde(flatten)]
    pub agency: Agency,
    pub children: Vec<Node>,
}

impl Node {
    /// This node and all below it.
    pub fn count(&self) -> usize {
        1 + self.children.iter().map(Node::count).sum::<usize>()
    }

    pub fn find(&self, code: &str) -> Option<&Node> {
        if self.agency.code.as_str() == code {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(code))
    }
}

/// `GET /api/v1/agencies/{code}?expand=…`; absent members were not asked for.
#[derive(Debug, Deserialize)]
pub struct AgencyDetail {
    #[serde(flatten)]
    pub agency: Agency,
    pub parent: Option<Agency>,
    pub children: Option<Vec<Agency>>,
    pub receiving_points: Option<Vec<ReceivingPoint>>,
    pub links: Option<Vec<AgencyLink>>,
    pub unit: Option<AdminUnit>,
}

/// `GET /api/v1/units/{code}?expand=…`.
#[derive(Debug, Deserialize)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: AdminUnit,
    pub communes: Option<Vec<AdminUnit>>,
    pub parent: Option<AdminUnit>,
}

/// RFC 9457 problem details as motcua answers them.
#[derive(Debug, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub detail_vi: String,
    #[serde(default)]
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl Problem {
    pub fn fields(&self) -> Vec<&str> {
        self.errors.iter().map(|e| e.field.as_str()).collect()
    }

    /// The problem names `field`, with a message in both languages.
    pub fn assert_names(&self, field: &str) {
        let error = self
            .errors
            .iter()
            .find(|e| e.field == field)
            .unwrap_or_else(|| panic!("the problem does not name {field}: {self:#?}"));
        assert!(
            !error.message_vi.trim().is_empty() && !error.message_en.trim().is_empty(),
            "messages in both languages for {field}: {error:#?}"
        );
        assert_ne!(
            error.message_vi, error.message_en,
            "the Vietnamese message is not just the English one"
        );
    }
}

/// Who calls an administrative endpoint.
#[derive(Clone, Copy)]
pub enum Caller<'a> {
    Anonymous,
    Token(&'a str),
}

impl Caller<'_> {
    pub const ADMIN: Caller<'static> = Caller::Token(ADMIN_TOKEN);
}

/// How a browser asks for a page: its cookie and its languages.
#[derive(Default, Clone, Copy)]
pub struct Visitor<'a> {
    pub cookie: Option<&'a str>,
    pub accept_language: Option<&'a str>,
}

/// A rendered page.
pub struct Html {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Html {
    /// The `lang` attribute of the `<html>` element.
    pub fn lang(&self) -> &str {
        let start = self.body.find("<html").expect("an <html> element");
        let tag = &self.body[start..start + self.body[start..].find('>').expect("tag end")];
        attribute(tag, "lang").expect("<html lang=…>")
    }

    pub fn h1(&self) -> &str {
        let start = self.body.find("<h1>").expect("an <h1>") + 4;
        let end = start + self.body[start..].find("</h1>").expect("</h1>");
        self.body[start..end].trim()
    }

    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    }

    /// Every `(tag, url)` of a `<link href>`, `<script src>` or `<img src>` on the page.
    pub fn asset_urls(&self) -> Vec<(&str, &str)> {
        let mut out = Vec::new();
        for (tag, attr) in [("<link", "href"), ("<script", "src"), ("<img", "src")] {
            let mut rest = self.body.as_str();
            while let Some(at) = rest.find(tag) {
                let element = &rest[at..at + rest[at..].find('>').unwrap_or(rest.len() - at)];
                if let Some(url) = attribute(element, attr) {
                    out.push((tag, url));
                }
                rest = &rest[at + tag.len()..];
            }
        }
        out
    }

    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.body.contains(text),
            "the page should contain {text:?}:\n{}",
            self.body
        );
    }
}

/// The value of `name="…"` in one tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let needle = format!(" {name}=\"");
    let start = tag.find(&needle)? + needle.len();
    let end = start + tag[start..].find('"')?;
    Some(&tag[start..end])
}

impl TestApp {
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    /// GETs `path`, expecting 200 and JSON of type `T`.
    pub async fn get_ok<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self.get(path).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }

    /// GETs `path`, expecting a problem with `status`.
    pub async fn get_problem(&self, path: &str, status: StatusCode) -> Problem {
        expect_problem(self.get(path).await, status).await
    }

    // ---- agencies ----

    /// `GET /api/v1/agencies?{query}`
    pub async fn agencies(&self, query: &str) -> Page<Agency> {
        self.get_ok(&format!("/api/v1/agencies?{query}")).await
    }

    /// Every agency code, following the pages.
    pub async fn all_agency_codes(&self) -> Vec<String> {
        let mut codes = Vec::new();
        for page in 1.. {
            let chunk = self.agencies(&format!("per_page=200&page={page}")).await;
            let done = chunk.items.len() < 200;
            codes.extend(chunk.items.into_iter().map(|a| a.code.to_string()));
            if done {
                break;
            }
        }
        codes
    }

    pub async fn agency_tree(&self) -> Vec<Node> {
        self.get_ok("/api/v1/agencies/tree").await
    }

    pub async fn agency(&self, code: &str, expand: &str) -> AgencyDetail {
        self.get_ok(&format!("/api/v1/agencies/{code}?expand={expand}"))
            .await
    }

    /// `POST /api/v1/agencies` with any JSON body, as `caller`.
    pub async fn post_agency(
        &self,
        caller: Caller<'_>,
        body: &serde_json::Value,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url("/api/v1/agencies")).json(body);
        if let Caller::Token(token) = caller {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("POST /api/v1/agencies")
    }

    /// Creates an agency as the administrator, expecting 201.
    pub async fn create_agency(&self, input: &AgencyInput) -> Agency {
        let body = serde_json::to_value(input).expect("agency JSON");
        let response = self.post_agency(Caller::ADMIN, &body).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        assert_eq!(status, StatusCode::CREATED, "create {}: {text}", input.code);
        serde_json::from_str(&text).expect("the created agency")
    }

    // ---- units ----

    pub async fn units(&self, query: &str) -> Page<AdminUnit> {
        self.get_ok(&format!("/api/v1/units?{query}")).await
    }

    pub async fn unit(&self, code: &str, expand: &str) -> UnitDetail {
        self.get_ok(&format!("/api/v1/units/{code}?expand={expand}"))
            .await
    }

    // ---- pages ----

    pub async fn page(&self, path: &str) -> Html {
        self.page_as(path, Visitor::default()).await
    }

    pub async fn page_as(&self, path: &str, visitor: Visitor<'_>) -> Html {
        let mut request = self.client.get(self.url(path));
        if let Some(cookie) = visitor.cookie {
            request = request.header(COOKIE, cookie);
        }
        if let Some(languages) = visitor.accept_language {
            request = request.header(ACCEPT_LANGUAGE, languages);
        }
        let response = request.send().await.expect("GET page");
        let status = response.status();
        let headers = response.headers().clone();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: content type {content_type:?}"
        );
        Html {
            status,
            headers,
            body: response.text().await.expect("page body"),
        }
    }
}

/// Reads a problem-details answer, checking its status and media type.
pub async fn expect_problem(response: reqwest::Response, status: StatusCode) -> Problem {
    let actual = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.expect("body");
    assert_eq!(actual, status, "{body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    let problem: Problem = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(problem.status, status.as_u16());
    assert!(
        problem.kind.starts_with("urn:motcua:problem:"),
        "{problem:?}"
    );
    assert!(
        !problem.title.is_empty() && !problem.detail.is_empty() && !problem.detail_vi.is_empty()
    );
    problem
}

/// A valid agency input with no parent.
pub fn agency_input(code: &str, name: &str) -> AgencyInput {
    AgencyInput {
        code: code.into(),
        name: name.into(),
        kind: "department".into(),
        ..Default::default()
    }
}
