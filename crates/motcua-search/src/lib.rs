//! Procedure search for motcua (SPEC §3): an in-RAM [tantivy] index over the catalog, rebuilt
//! at start-up (the whole national catalog, ~2,200 procedures, indexes in about a second).
//!
//! * **Diacritics-insensitive**: names, fields and bodies are folded ([`fold()`]: lowercase,
//!   no tone or vowel marks, `đ` = `d`, "lí"/"lý" merged) by the analyzers registered on the
//!   index ([`analyzer`]); the query is folded the same way.
//! * **Phrase-aware**: Vietnamese words are mostly two syllables, so adjacent syllable pairs
//!   are indexed too (bigram fields) and "khai sinh" together ranks above "khai" … "sinh".
//! * **Typo-tolerant and everyday-word-tolerant**: unknown words are corrected by
//!   Levenshtein automata, the word being typed is completed, and a synonym table
//!   ([`synonyms`]) maps "làm lại" to "cấp lại", "CCCD" to "căn cước", "sổ đỏ" to "giấy
//!   chứng nhận quyền sử dụng đất", … See [`query`] for the whole policy.
//! * **Ranked** name > field/subject > body, exact > phrase > corrected, ties by code.
//! * **Filters** on field, agency, level, online level and subject ([`Filters`]),
//!   pagination and total count, **highlighting** ([`Segment`]) and **autocomplete**
//!   ([`SearchIndex::suggest`]).
//!
//! [`SearchIndex`] is `Send + Sync`: share it in an `Arc`; searches run concurrently on one
//! tantivy `Searcher` per index generation, [`SearchIndex::upsert`] / [`SearchIndex::remove`]
//! swap in the next generation. Result pages are cached per generation
//! ([`DEFAULT_CACHE_CAPACITY`]).
//!
//! ```
//! # fn main() -> Result<(), motcua_search::SearchError> {
//! use motcua_search::{SearchDoc, SearchIndex, SearchRequest};
//! let index = SearchIndex::build([SearchDoc {
//!     code: "1.001193".into(),
//!     name: "Thủ tục đăng ký khai sinh".into(),
//!     levels: vec!["commune".into()],
//!     ..Default::default()
//! }])?;
//! let results = index.search(&SearchRequest::new("dang ky khai snh").level("commune"))?;
//! assert_eq!(results.hits[0].code, "1.001193");
//! assert_eq!(
//!     motcua_search::to_html(&results.hits[0].name_highlight),
//!     "Thủ tục <mark>đăng ký khai sinh</mark>"
//! );
//! # Ok(()) }
//! ```

pub mod analyzer;
mod cache;
mod doc;
pub mod fold;
mod highlight;
mod index;
pub mod query;
mod search;
mod stats;
mod suggest;
pub mod synonyms;

pub use cache::DEFAULT_CACHE_CAPACITY;
pub use doc::{SearchDoc, level_code, online_level_code, subject_kind_code};
pub use fold::{fold, normalize_facet};
pub use highlight::{SNIPPET_CHARS, Segment, plain_text, to_html};
pub use index::{IndexStats, Result, SearchError, SearchIndex};
pub use search::{Filters, Hit, MAX_PER_PAGE, SearchRequest, SearchResults};
