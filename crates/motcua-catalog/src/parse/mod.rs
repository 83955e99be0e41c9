//! The national-portal parser: one JSON object per line (`data/tthc/*.jsonl`).
//!
//! Nothing is dropped silently: every line yields a [`ParsedProcedure`] — with whatever could
//! be parsed, the original fields in [`crate::RawFields`], per-field outcomes and issues — or
//! a [`FailedLine`] naming the line and why (invalid JSON, no code). [`ParseReport`] sums the
//! outcomes per field.

pub mod channels;
pub mod documents;
pub mod duration;
pub mod fee;
pub mod fields;
pub mod legal;
pub mod report;
pub mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use self::report::{Outcome, ParseReport};
use self::text::{cell, normalize, snippet, squash, text_block};
use crate::model::{Procedure, RawFields};

/// Something the parser could not (fully) understand in one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseIssue {
    pub field: String,
    pub message: String,
    /// A short excerpt of the offending text.
    pub snippet: String,
}

/// One procedure as parsed, with its issues and content fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParsedProcedure {
    pub procedure: Procedure,
    pub issues: Vec<ParseIssue>,
    /// Outcome per reported field (`channels`, `durations`, `fees`, `documents`, …).
    pub outcomes: BTreeMap<String, FieldOutcome>,
    /// See [`crate::fingerprint()`].
    pub fingerprint: String,
}

/// Serializable twin of [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOutcome {
    Parsed,
    Empty,
    Unparsed,
}

impl From<FieldOutcome> for Outcome {
    fn from(o: FieldOutcome) -> Self {
        match o {
            FieldOutcome::Parsed => Outcome::Parsed,
            FieldOutcome::Empty => Outcome::Empty,
            FieldOutcome::Unparsed => Outcome::Unparsed,
        }
    }
}

/// Why a line yielded no procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LineError {
    #[error("invalid JSON: {message}")]
    InvalidJson { message: String },
    #[error("the line is not a JSON object")]
    NotAnObject,
    #[error("no procedure code (ma_thu_tuc)")]
    MissingCode,
    #[error("the line is not valid UTF-8")]
    InvalidUtf8,
    #[error("read error: {message}")]
    Io { message: String },
}

/// A line that yielded no procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedLine {
    /// 1-based line number.
    pub line: usize,
    pub error: LineError,
    pub snippet: String,
}

/// Everything one reader yielded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportBatch {
    pub procedures: Vec<ParsedProcedure>,
    pub errors: Vec<FailedLine>,
    pub report: ParseReport,
}

const KNOWN: &[&str] = &[
    "ma_thu_tuc",
    "detail_url",
    "formality_id",
    "ten_thu_tuc",
    "so_quyet_dinh",
    "cap_thuc_hien",
    "loai_thu_tuc",
    "linh_vuc",
    "doi_tuong_thuc_hien",
    "co_quan_co_tham_quyen",
    "dia_chi_tiep_nhan",
    "co_quan_duoc_uy_quyen",
    "co_quan_phoi_hop",
    "thu_tuc_lien_quan",
    "trinh_tu_thuc_hien",
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "co_quan_thuc_hien",
    "yeu_cau_dieu_kien",
    "ket_qua_xu_ly",
    "raw_text",
];

fn raw_fields(obj: serde_json::Map<String, Value>, issues: &mut Vec<ParseIssue>) -> RawFields {
    let mut raw = RawFields::default();
    let mut extra = BTreeMap::new();
    let mut known: BTreeMap<&str, String> = BTreeMap::new();
    for (k, v) in obj {
        match KNOWN.iter().find(|n| **n == k) {
            Some(name) => {
                let s = match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => {
                        issues.push(ParseIssue {
                            field: k.clone(),
                            message: "not a string; kept as JSON text".into(),
                            snippet: snippet(&other.to_string(), 80),
                        });
                        other.to_string()
                    }
                };
                known.insert(name, s);
            }
            None => {
                extra.insert(k, v);
            }
        }
    }
    let mut take = |k: &str| known.remove(k).unwrap_or_default();
    raw.ma_thu_tuc = take("ma_thu_tuc");
    raw.detail_url = take("detail_url");
    raw.formality_id = take("formality_id");
    raw.ten_thu_tuc = take("ten_thu_tuc");
    raw.so_quyet_dinh = take("so_quyet_dinh");
    raw.cap_thuc_hien = take("cap_thuc_hien");
    raw.loai_thu_tuc = take("loai_thu_tuc");
    raw.linh_vuc = take("linh_vuc");
    raw.doi_tuong_thuc_hien = take("doi_tuong_thuc_hien");
    raw.co_quan_co_tham_quyen = take("co_quan_co_tham_quyen");
    raw.dia_chi_tiep_nhan = take("dia_chi_tiep_nhan");
    raw.co_quan_duoc_uy_quyen = take("co_quan_duoc_uy_quyen");
    raw.co_quan_phoi_hop = take("co_quan_phoi_hop");
    raw.thu_tuc_lien_quan = take("thu_tuc_lien_quan");
    raw.trinh_tu_thuc_hien = take("trinh_tu_thuc_hien");
    raw.cach_thuc_thuc_hien = take("cach_thuc_thuc_hien");
    raw.thanh_phan_ho_so = take("thanh_phan_ho_so");
    raw.can_cu_phap_ly = take("can_cu_phap_ly");
    raw.co_quan_thuc_hien = take("co_quan_thuc_hien");
    raw.yeu_cau_dieu_kien = take("yeu_cau_dieu_kien");
    raw.ket_qua_xu_ly = take("ket_qua_xu_ly");
    raw.raw_text = take("raw_text");
    raw.extra = extra;
    raw
}

/// Records outcomes and issues of one procedure.
struct Outcomes {
    map: BTreeMap<String, FieldOutcome>,
    issues: Vec<ParseIssue>,
}

impl Outcomes {
    fn set(&mut self, field: &str, outcome: FieldOutcome) {
        self.map.insert(field.to_owned(), outcome);
    }

    fn presence(&mut self, field: &str, present: bool) {
        self.set(
            field,
            if present {
                FieldOutcome::Parsed
            } else {
                FieldOutcome::Empty
            },
        );
    }

    fn unparsed(&mut self, field: &str, message: &str, text: &str) {
        self.set(field, FieldOutcome::Unparsed);
        self.issues.push(ParseIssue {
            field: field.to_owned(),
            message: message.to_owned(),
            snippet: snippet(text, 160),
        });
    }
}

/// Parses one line of the national-portal export.
pub fn parse_line(line: &str) -> Result<ParsedProcedure, LineError> {
    let value: Value = serde_json::from_str(line).map_err(|e| LineError::InvalidJson {
        message: e.to_string(),
    })?;
    let Value::Object(obj) = value else {
        return Err(LineError::NotAnObject);
    };
    let mut out = Outcomes {
        map: BTreeMap::new(),
        issues: Vec::new(),
    };
    let raw = raw_fields(obj, &mut out.issues);
    let code = squash(&normalize(&raw.ma_thu_tuc));
    if code.is_empty() {
        return Err(LineError::MissingCode);
    }
    let n = |s: &str| normalize(s);

    let name = squash(&n(&raw.ten_thu_tuc));
    out.presence("name", !name.is_empty());

    let (levels, unknown_levels) = fields::parse_levels(&n(&raw.cap_thuc_hien));
    if unknown_levels.is_empty() {
        out.presence("levels", !levels.is_empty());
    } else {
        out.unparsed("levels", "unknown level", &unknown_levels.join(", "));
    }

    let procedure_type = cell(&n(&raw.loai_thu_tuc));
    out.presence("procedure_type", procedure_type.is_some());
    let fields_: Vec<String> = cell(&n(&raw.linh_vuc)).into_iter().collect();
    out.presence("fields", !fields_.is_empty());

    let subjects = fields::parse_subjects(&n(&raw.doi_tuong_thuc_hien));
    match subjects
        .iter()
        .find(|s| s.kind == crate::SubjectKind::Other)
    {
        Some(s) => out.unparsed("subjects", "unclassified subject (kept as other)", &s.text),
        None => out.presence("subjects", !subjects.is_empty()),
    }

    let implementing_agency = cell(&n(&raw.co_quan_thuc_hien));
    let competent_agency =
        cell(&n(&raw.co_quan_co_tham_quyen)).or_else(|| implementing_agency.clone());
    out.presence("competent_agency", competent_agency.is_some());
    let coordinating_agencies = fields::parse_agencies(&n(&raw.co_quan_phoi_hop));
    let receiving_address = text_block(&n(&raw.dia_chi_tiep_nhan));
    let related_procedures = fields::parse_related(&n(&raw.thu_tuc_lien_quan));
    out.presence("related_procedures", !related_procedures.is_empty());

    let steps = text_block(&n(&raw.trinh_tu_thuc_hien)).unwrap_or_default();
    out.presence("steps", !steps.is_empty());

    let channel_text = n(&raw.cach_thuc_thuc_hien);
    let (channels, preamble) = channels::parse_channels(&channel_text, &steps);
    let channel_body = channel_text.replace(channels::HEADER, "");
    if channels.is_empty() {
        if channel_body.trim().is_empty() || text::is_empty_cell(&channel_body) {
            out.set("channels", FieldOutcome::Empty);
        } else {
            out.unparsed("channels", "no channel row recognised", &channel_body);
        }
    } else if let Some(p) = preamble {
        out.unparsed("channels", "text before the first channel row", &p);
    } else {
        out.set("channels", FieldOutcome::Parsed);
    }

    let (documents, doc_leftover) = documents::parse_documents(&n(&raw.thanh_phan_ho_so));
    match (&doc_leftover, documents.is_empty()) {
        (Some(l), _) => out.unparsed("documents", "text outside the document table", l),
        (None, empty) => out.presence("documents", !empty),
    }

    let legal_text = n(&raw.can_cu_phap_ly);
    let (legal_basis, legal_leftover) = legal::parse_legal_basis(&legal_text);
    match legal_leftover {
        Some(l) => out.unparsed("legal_basis", "trailing text without a document number", &l),
        None if legal_basis.is_empty() && !text::is_empty_cell(&legal_text) => {
            out.unparsed("legal_basis", "no document number found", &legal_text);
        }
        None => out.presence("legal_basis", !legal_basis.is_empty()),
    }

    let conditions = text_block(&n(&raw.yeu_cau_dieu_kien));
    out.presence("conditions", conditions.is_some());

    let (results, keywords) = fields::parse_results(&n(&raw.ket_qua_xu_ly));
    match results.iter().find(|r| r.code.is_none()) {
        Some(r) => out.unparsed("result_codes", "result without a code", &r.name),
        None => out.presence("result_codes", !results.is_empty()),
    }
    out.presence("results", !results.is_empty());

    let (online_level, online_level_basis) = fields::online_level(&name, &channels);

    let procedure = Procedure {
        code,
        variant_codes: Vec::new(),
        name,
        decision: cell(&n(&raw.so_quyet_dinh)),
        levels,
        procedure_type,
        fields: fields_,
        subjects,
        competent_agency,
        implementing_agency,
        authorized_agency: cell(&n(&raw.co_quan_duoc_uy_quyen)),
        coordinating_agencies,
        receiving_address,
        related_procedures,
        steps,
        channels,
        documents,
        legal_basis,
        conditions,
        results,
        keywords,
        online_level,
        online_level_basis,
        raw,
    };
    for c in &procedure.channels {
        if report::row_states_duration(c) && c.duration.is_none() {
            out.issues.push(ParseIssue {
                field: "durations".into(),
                message: "duration stated but not parsed".into(),
                snippet: snippet(&format!("{} | {}", c.duration_text, c.description), 160),
            });
        }
        if report::row_gives_fee(c) && c.fee.is_none() {
            out.issues.push(ParseIssue {
                field: "fees".into(),
                message: "fee given but not parsed".into(),
                snippet: snippet(&format!("{} | {}", c.fee_text, c.description), 160),
            });
        }
    }
    let fingerprint = crate::fingerprint::fingerprint(&procedure);
    Ok(ParsedProcedure {
        procedure,
        issues: out.issues,
        outcomes: out.map,
        fingerprint,
    })
}

/// Parses every line of `reader`. Blank lines are counted, not parsed; a read error ends the
/// batch with a [`FailedLine`].
pub fn parse_reader(mut reader: impl BufRead) -> ImportBatch {
    let mut batch = ImportBatch::default();
    let mut seen = BTreeSet::new();
    let mut dups = BTreeSet::new();
    let mut buf = Vec::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                batch.errors.push(FailedLine {
                    line: line_no + 1,
                    error: LineError::Io {
                        message: e.to_string(),
                    },
                    snippet: String::new(),
                });
                break;
            }
        }
        line_no += 1;
        batch.report.lines += 1;
        let Ok(line) = std::str::from_utf8(&buf) else {
            batch.errors.push(FailedLine {
                line: line_no,
                error: LineError::InvalidUtf8,
                snippet: snippet(&String::from_utf8_lossy(&buf), 80),
            });
            continue;
        };
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            batch.report.blank_lines += 1;
            continue;
        }
        match parse_line(line) {
            Ok(p) => {
                if !seen.insert(p.procedure.code.clone()) {
                    dups.insert(p.procedure.code.clone());
                }
                add_to_report(&mut batch.report, &p);
                batch.procedures.push(p);
            }
            Err(error) => batch.errors.push(FailedLine {
                line: line_no,
                error,
                snippet: snippet(line, 80),
            }),
        }
    }
    batch.report.procedures = batch.procedures.len();
    batch.report.line_errors = batch.errors.len();
    batch.report.duplicate_codes = dups.into_iter().collect();
    batch.report.finish();
    batch
}

/// Adds one procedure to a report (for callers that parse lines themselves).
pub fn add_to_report(report: &mut ParseReport, p: &ParsedProcedure) {
    let code = &p.procedure.code;
    for (field, outcome) in &p.outcomes {
        let example = p
            .issues
            .iter()
            .find(|i| &i.field == field)
            .map_or("", |i| i.snippet.as_str());
        report.record(field, (*outcome).into(), code, example);
    }
    report.add_channels(p);
}
