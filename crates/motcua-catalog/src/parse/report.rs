//! The import report: per field, how many procedures were parsed, empty or not (fully)
//! parsed, with a few examples; channel figures; and the import target measured honestly.
//!
//! **How "states a duration" / "gives a fee" is decided.** Independently of the parsers, with
//! plain patterns over each channel row's own text (time cell, fee cell with its note,
//! description):
//!
//! * a row *states a duration* when its time cell holds a non-zero number, or its time cell
//!   or description holds a number followed by a time word (ngày, giờ, tháng, tuần, năm,
//!   phút) that is not part of a date ("ngày 15 tháng 11 năm 2022");
//! * a row *gives a fee* when its fee cell or description holds "miễn phí" / "miễn lệ phí" /
//!   "không thu phí" or a number followed by a currency (đồng, đ, VNĐ, VND, USD).
//!
//! A procedure meets the target when every row that states a duration got one, and every
//! row that gives a fee got one. A procedure whose channel table holds text but yielded no
//! row counts as failing when that text states a duration or gives a fee.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::ParsedProcedure;
use super::text::snippet;
use crate::model::{Channel, ChannelKind, DurationSource, FeeSource};

/// Examples kept per field.
const EXAMPLES: usize = 3;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldStats {
    pub parsed: usize,
    pub empty: usize,
    /// Not parsed, or only partly (text left over).
    pub unparsed: usize,
    /// A few `code: snippet` examples of unparsed values.
    pub examples: Vec<String>,
}

/// The outcome of one field of one procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Parsed,
    Empty,
    Unparsed,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TargetFigures {
    pub procedures: usize,
    /// Procedures with at least one row stating a duration.
    pub with_stated_duration: usize,
    /// … of which every such row got a parsed duration.
    pub all_durations_parsed: usize,
    pub duration_pct: f64,
    pub with_stated_fee: usize,
    pub all_fees_parsed: usize,
    pub fee_pct: f64,
    pub rows_stating_duration: usize,
    pub rows_duration_parsed: usize,
    pub rows_giving_fee: usize,
    pub rows_fee_parsed: usize,
    /// Both percentages are at least 99 %.
    pub met: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ParseReport {
    pub lines: usize,
    pub blank_lines: usize,
    pub procedures: usize,
    pub line_errors: usize,
    pub duplicate_codes: Vec<String>,
    pub fields: BTreeMap<String, FieldStats>,
    /// Channel rows per kind (`online`, `in_person`, `postal`).
    pub channels: BTreeMap<String, usize>,
    /// Parsed durations per source (`cell`, `cell_unit_from_text`, …).
    pub duration_sources: BTreeMap<String, usize>,
    /// Parsed fees per source (`cell`, `cell_note`, `description`).
    pub fee_sources: BTreeMap<String, usize>,
    /// Fees whose amount needed an interpretation, per assumption.
    pub fee_assumptions: BTreeMap<String, usize>,
    pub target: TargetFigures,
}

static DURATION_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d+)\s*(?:\([^()]*\)\s*)?(?:ngày|giờ|tháng|tuần|năm|phút)").expect("regex")
});
static FEE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\d\s*(?:việt\s+nam\s+đồng|đồng|đ\b|vnđ|vnd|usd)|miễn\s+(?:lệ\s+)?phí|không\s+thu\s+(?:lệ\s+)?phí",
    )
    .expect("regex")
});

/// Whether text holds a number followed by a time word, outside dates.
pub fn states_duration_text(text: &str) -> bool {
    DURATION_WORD.captures_iter(text).any(|c| {
        let Some(n) = c.get(1) else { return false };
        let before = text[..n.start()].to_lowercase();
        let b = before.trim_end();
        !(b.ends_with("ngày")
            || b.ends_with("tháng")
            || b.ends_with("năm")
            || before.ends_with(|ch: char| ch.is_alphanumeric() || ch == '/' || ch == '-'))
    })
}

/// Whether a channel row states a duration (see the module documentation).
pub fn row_states_duration(c: &Channel) -> bool {
    c.duration_text
        .chars()
        .any(|ch| ch.is_ascii_digit() && ch != '0')
        || states_duration_text(&c.duration_text)
        || states_duration_text(&c.description)
}

/// Whether text gives a fee: an amount with a currency, or "miễn phí".
pub fn gives_fee_text(text: &str) -> bool {
    FEE_WORD.is_match(text)
}

/// Whether a channel row gives a fee (see the module documentation).
pub fn row_gives_fee(c: &Channel) -> bool {
    gives_fee_text(&c.fee_text) || gives_fee_text(&c.description)
}

fn kind_key(k: ChannelKind) -> &'static str {
    match k {
        ChannelKind::Online => "online",
        ChannelKind::InPerson => "in_person",
        ChannelKind::Postal => "postal",
    }
}

fn key<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn pct(n: usize, d: usize) -> f64 {
    if d == 0 {
        100.0
    } else {
        (n as f64 * 10_000.0 / d as f64).round() / 100.0
    }
}

impl ParseReport {
    /// Records one field outcome; `example` is shown for unparsed values.
    pub fn record(&mut self, field: &str, outcome: Outcome, code: &str, example: &str) {
        let stats = self.fields.entry(field.to_owned()).or_default();
        match outcome {
            Outcome::Parsed => stats.parsed += 1,
            Outcome::Empty => stats.empty += 1,
            Outcome::Unparsed => {
                stats.unparsed += 1;
                if stats.examples.len() < EXAMPLES {
                    stats
                        .examples
                        .push(format!("{code}: {}", snippet(example, 100)));
                }
            }
        }
    }

    /// Adds the channel figures and target measurement of one procedure (field outcomes are
    /// recorded by the parser through [`ParseReport::record`]).
    pub(crate) fn add_channels(&mut self, p: &ParsedProcedure) {
        let proc_ = &p.procedure;
        let raw = &proc_.raw.cach_thuc_thuc_hien;
        let t = &mut self.target;
        t.procedures += 1;
        let mut stated_d = false;
        let mut ok_d = true;
        let mut stated_f = false;
        let mut ok_f = true;
        for c in &proc_.channels {
            *self.channels.entry(kind_key(c.kind).into()).or_default() += 1;
            if let Some(d) = &c.duration {
                *self
                    .duration_sources
                    .entry(key::<DurationSource>(&d.source))
                    .or_default() += 1;
            }
            if let Some(f) = &c.fee {
                *self
                    .fee_sources
                    .entry(key::<FeeSource>(&f.source))
                    .or_default() += 1;
                if let Some(a) = &f.assumption {
                    *self.fee_assumptions.entry(a.clone()).or_default() += 1;
                }
            }
            if row_states_duration(c) {
                stated_d = true;
                t.rows_stating_duration += 1;
                if c.duration.is_some() {
                    t.rows_duration_parsed += 1;
                } else {
                    ok_d = false;
                }
            }
            if row_gives_fee(c) {
                stated_f = true;
                t.rows_giving_fee += 1;
                if c.fee.is_some() {
                    t.rows_fee_parsed += 1;
                } else {
                    ok_f = false;
                }
            }
        }
        if proc_.channels.is_empty() {
            let body = raw.replace(super::channels::HEADER, "");
            if states_duration_text(&body) {
                stated_d = true;
                ok_d = false;
            }
            if gives_fee_text(&body) {
                stated_f = true;
                ok_f = false;
            }
        }
        if stated_d {
            t.with_stated_duration += 1;
            t.all_durations_parsed += usize::from(ok_d);
        }
        if stated_f {
            t.with_stated_fee += 1;
            t.all_fees_parsed += usize::from(ok_f);
        }
        let (d_outcome, f_outcome) = (
            if !stated_d {
                Outcome::Empty
            } else if ok_d {
                Outcome::Parsed
            } else {
                Outcome::Unparsed
            },
            if !stated_f {
                Outcome::Empty
            } else if ok_f {
                Outcome::Parsed
            } else {
                Outcome::Unparsed
            },
        );
        let first_bad_d = proc_
            .channels
            .iter()
            .find(|c| row_states_duration(c) && c.duration.is_none())
            .map_or(raw.as_str(), |c| c.duration_text.as_str());
        let first_bad_d = if first_bad_d.is_empty() {
            raw.as_str()
        } else {
            first_bad_d
        };
        self.record("durations", d_outcome, &proc_.code, first_bad_d);
        self.record("fees", f_outcome, &proc_.code, raw);
    }

    /// Computes percentages; call once after the last procedure.
    pub fn finish(&mut self) {
        let t = &mut self.target;
        t.duration_pct = pct(t.all_durations_parsed, t.with_stated_duration);
        t.fee_pct = pct(t.all_fees_parsed, t.with_stated_fee);
        t.met = t.duration_pct >= 99.0 && t.fee_pct >= 99.0;
    }

    /// A plain-text table for terminals.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "lines {}  procedures {}  line errors {}  blank {}  duplicate codes {}",
            self.lines,
            self.procedures,
            self.line_errors,
            self.blank_lines,
            self.duplicate_codes.len()
        );
        let _ = writeln!(
            s,
            "{:<22} {:>8} {:>8} {:>9}  examples of unparsed",
            "field", "parsed", "empty", "unparsed"
        );
        for (name, f) in &self.fields {
            let _ = writeln!(
                s,
                "{:<22} {:>8} {:>8} {:>9}  {}",
                name,
                f.parsed,
                f.empty,
                f.unparsed,
                f.examples.first().map_or("", String::as_str)
            );
            for e in f.examples.iter().skip(1) {
                let _ = writeln!(s, "{:<50}  {e}", "");
            }
        }
        let t = &self.target;
        let _ = writeln!(s, "channel rows: {:?}", self.channels);
        let _ = writeln!(s, "duration sources: {:?}", self.duration_sources);
        let _ = writeln!(
            s,
            "fee sources: {:?}  assumptions: {:?}",
            self.fee_sources, self.fee_assumptions
        );
        let _ = writeln!(
            s,
            "durations: {}/{} procedures ({:.2} %), rows {}/{}",
            t.all_durations_parsed,
            t.with_stated_duration,
            t.duration_pct,
            t.rows_duration_parsed,
            t.rows_stating_duration
        );
        let _ = writeln!(
            s,
            "fees:      {}/{} procedures ({:.2} %), rows {}/{}",
            t.all_fees_parsed, t.with_stated_fee, t.fee_pct, t.rows_fee_parsed, t.rows_giving_fee
        );
        let _ = writeln!(
            s,
            "target (≥ 99 % each): {}",
            if t.met { "met" } else { "NOT met" }
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detectors() {
        assert!(states_duration_text("Trong thời hạn 05 ngày làm việc"));
        assert!(states_duration_text("24 Giờ"));
        assert!(!states_duration_text("ngày 15 tháng 11 năm 2022"));
        assert!(!states_duration_text("Luật số 59/2020/QH14 ngày 17/6/2020"));
        assert!(gives_fee_text("Lệ phí: 50.000 đồng"));
        assert!(gives_fee_text("Miễn phí"));
        assert!(gives_fee_text("70,000 Việt Nam Đồng"));
        assert!(!gives_fee_text("nộp phí, lệ phí theo quy định"));
    }

    #[test]
    fn percentages() {
        assert!((pct(99, 100) - 99.0).abs() < f64::EPSILON);
        assert!((pct(0, 0) - 100.0).abs() < f64::EPSILON);
    }
}
