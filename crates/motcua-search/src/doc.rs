//! What is indexed for one procedure ([`SearchDoc`]) and what the index keeps beside
//! tantivy to render hits ([`DocData`]).

use motcua_catalog::{Level, OnlineLevel, Procedure, SubjectKind};
use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::fold::analyze;
use crate::highlight::{LazyFold, PREFOLDED_CHARS};

/// One procedure as the search engine sees it.
///
/// Filter values (`fields`, `subjects`, `subject_kinds`, `agencies`, `levels`,
/// `online_level`) are matched exactly after [`crate::normalize_facet`] (folded words joined
/// by single spaces), so "Hộ tịch", "ho tich" and "HỘ TỊCH" are one value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// National code, e.g. `1.001193`; unique in the index.
    pub code: String,
    pub name: String,
    /// Fields (lĩnh vực): searched (second to the name) and filterable.
    pub fields: Vec<String>,
    /// Subjects as published ("Công dân Việt Nam"): searched like fields and filterable.
    pub subjects: Vec<String>,
    /// Subject kinds (`citizen`, `business`, …): filterable with the subject filter.
    pub subject_kinds: Vec<String>,
    /// Agency names or codes: filterable, and searched with the body's weight.
    pub agencies: Vec<String>,
    /// Levels (`ministry`, `province`, `commune`, `other`): filterable.
    pub levels: Vec<String>,
    /// Online level (`full_process`, `partial`, `none`): filterable.
    pub online_level: String,
    /// Steps, documents, results, legal basis, conditions and keywords: searched with the
    /// lowest weight; snippets are cut from it.
    pub body: String,
}

/// The filter value of a level.
pub fn level_code(l: Level) -> &'static str {
    match l {
        Level::Ministry => "ministry",
        Level::Province => "province",
        Level::Commune => "commune",
        Level::Other => "other",
    }
}

/// The filter value of an online level.
pub fn online_level_code(l: OnlineLevel) -> &'static str {
    match l {
        OnlineLevel::FullProcess => "full_process",
        OnlineLevel::Partial => "partial",
        OnlineLevel::None => "none",
    }
}

/// The filter value of a subject kind.
pub fn subject_kind_code(k: SubjectKind) -> &'static str {
    match k {
        SubjectKind::Citizen => "citizen",
        SubjectKind::Foreigner => "foreigner",
        SubjectKind::OverseasVietnamese => "overseas_vietnamese",
        SubjectKind::Business => "business",
        SubjectKind::ForeignInvestedBusiness => "foreign_invested_business",
        SubjectKind::Cooperative => "cooperative",
        SubjectKind::Organisation => "organisation",
        SubjectKind::ForeignOrganisation => "foreign_organisation",
        SubjectKind::CivilServant => "civil_servant",
        SubjectKind::PartyMember => "party_member",
        SubjectKind::PartyOrganisation => "party_organisation",
        SubjectKind::Other => "other",
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() && !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

impl From<&Procedure> for SearchDoc {
    fn from(p: &Procedure) -> Self {
        let mut agencies = Vec::new();
        for a in [
            &p.competent_agency,
            &p.implementing_agency,
            &p.authorized_agency,
        ]
        .into_iter()
        .flatten()
        {
            push_unique(&mut agencies, a);
        }
        let mut subject_kinds = Vec::new();
        for s in &p.subjects {
            push_unique(&mut subject_kinds, subject_kind_code(s.kind));
        }
        let mut levels = Vec::new();
        for l in &p.levels {
            push_unique(&mut levels, level_code(*l));
        }

        let mut body = String::with_capacity(p.steps.len() + 1024);
        let mut para = |s: &str| {
            let s = s.trim();
            if !s.is_empty() {
                if !body.is_empty() {
                    body.push('\n');
                }
                body.push_str(s);
            }
        };
        para(&p.steps);
        for d in &p.documents {
            para(&d.name);
        }
        for r in &p.results {
            para(&r.name);
            if let Some(c) = &r.code {
                para(c);
            }
        }
        for l in &p.legal_basis {
            match &l.number {
                Some(n) if !l.title.contains(n.as_str()) => para(&format!("{n} {}", l.title)),
                _ => para(&l.title),
            }
        }
        if let Some(c) = &p.conditions {
            para(c);
        }
        if !p.keywords.is_empty() {
            para(&p.keywords.join(", "));
        }

        SearchDoc {
            code: p.code.clone(),
            name: p.name.clone(),
            fields: p.fields.clone(),
            subjects: p.subjects.iter().map(|s| s.text.clone()).collect(),
            subject_kinds,
            agencies,
            levels,
            online_level: online_level_code(p.online_level).to_owned(),
            body,
        }
    }
}

fn nfc(s: &str) -> String {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

/// What the index keeps in memory per procedure to render a hit.
///
/// Only the start of the body is kept: snippets are cut from its first
/// [`SCAN_CHARS`](crate::highlight::SCAN_CHARS) characters (the steps come first), so the rest
/// — on average more than half of a procedure's text — lives only in tantivy's index. The
/// folded twin the snippet finder scans is kept for the first chunk only, and made for the
/// rest when a snippet needs it.
#[derive(Debug)]
pub(crate) struct DocData {
    pub code: String,
    pub name: String,
    /// The first [`HEAD_CHARS`] chars of the body (NFC).
    pub body_head: Box<str>,
    /// Chars in `body_head`.
    pub head_chars: u32,
    /// The folded start of `body_head` (what the snippet finder scans first), ending at a
    /// word boundary; it folds the rest when it reads further.
    pub head_folded: Box<[u8]>,
    /// Whether the body goes on after `body_head`.
    pub body_cut: bool,
    /// The words of `name` (for highlighting without re-analyzing): byte range and
    /// [`word_key`] of the folded word; the folded text only when longer than 8 bytes.
    pub name_words: Vec<NameWord>,
}

/// One word of a name.
#[derive(Debug)]
pub(crate) struct NameWord {
    pub from: u32,
    pub to: u32,
    pub key: u64,
    pub long: Option<Box<str>>,
}

/// The first 8 bytes of a folded word as an integer: exact for words of up to 8 bytes
/// (Vietnamese syllables), a prefilter for longer ones.
pub(crate) fn word_key(w: &str) -> u64 {
    let b = w.as_bytes();
    let mut k = [0u8; 8];
    let n = b.len().min(8);
    k[..n].copy_from_slice(&b[..n]);
    u64::from_le_bytes(k)
}

fn name_words(name: &str) -> Vec<NameWord> {
    analyze(name)
        .into_iter()
        .map(|w| NameWord {
            from: w.from as u32,
            to: w.to as u32,
            key: word_key(&w.text),
            long: (w.text.len() > 8).then(|| w.text.into_boxed_str()),
        })
        .collect()
}

/// Chars of the body kept for snippets: what the snippet finder scans, plus a snippet's
/// length and a margin, so that a snippet near the end of the scan is cut exactly as it
/// would be from the whole body.
pub(crate) const HEAD_CHARS: usize =
    crate::highlight::SCAN_CHARS + crate::highlight::SNIPPET_CHARS + 64;

/// The body as indexed and shown: NFC.
pub(crate) fn nfc_body(doc: &SearchDoc) -> String {
    nfc(&doc.body)
}

impl DocData {
    /// What is kept of `doc`; `body` is [`nfc_body`] of it.
    pub fn new(doc: &SearchDoc, body: &str) -> Self {
        let (head, body_cut) = match body.char_indices().nth(HEAD_CHARS) {
            Some((at, _)) => (&body[..at], true),
            None => (body, false),
        };
        let head_chars = head.chars().count() as u32;
        let mut folded = LazyFold::new(head, &[]);
        folded.extend_to(PREFOLDED_CHARS);
        let name = nfc(&doc.name);
        DocData {
            code: doc.code.clone(),
            name_words: name_words(&name),
            name,
            body_head: head.into(),
            head_chars,
            head_folded: folded.out.into_boxed_slice(),
            body_cut,
        }
    }

    /// Approximate heap size in bytes.
    pub fn heap_size(&self) -> usize {
        self.code.capacity()
            + self.name.capacity()
            + self.body_head.len()
            + self.head_folded.len()
            + self
                .name_words
                .iter()
                .map(|w| std::mem::size_of::<NameWord>() + w.long.as_ref().map_or(0, |l| l.len()))
                .sum::<usize>()
    }
}
