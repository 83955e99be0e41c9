//! Processing times: the time cell ("7 Ngày làm việc", "24 Giờ", "1.5 Ngày làm việc", a bare
//! "7") and prose ("Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ").

use std::sync::LazyLock;

use regex::Regex;

use super::text::{leading_digits, parse_milli};
use crate::model::{Duration, DurationSource, DurationUnit};

/// A unit as written, before conversion to [`DurationUnit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawUnit {
    WorkingDay,
    Day,
    Hour,
    Month,
    Year,
    Week,
    Minute,
}

/// Unit words of the time cell, longest first (matched case-insensitively).
const CELL_UNITS: &[(&str, RawUnit)] = &[
    ("ngày làm việc", RawUnit::WorkingDay),
    ("ngày", RawUnit::Day),
    ("giờ", RawUnit::Hour),
    ("tháng", RawUnit::Month),
    ("năm", RawUnit::Year),
    ("tuần", RawUnit::Week),
    ("phút", RawUnit::Minute),
];

/// The unit word at the start of `s` (after optional spaces), with the bytes consumed.
pub fn unit_prefix(s: &str) -> Option<(RawUnit, usize)> {
    let trimmed = s.trim_start_matches(' ');
    let skipped = s.len() - trimmed.len();
    for (word, unit) in CELL_UNITS {
        let mut consumed = 0;
        let mut ok = true;
        let mut rest = trimmed.chars();
        for want in word.chars() {
            match rest.next() {
                Some(c) if c.to_lowercase().eq(want.to_lowercase()) => consumed += c.len_utf8(),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Some((*unit, skipped + consumed));
        }
    }
    None
}

fn raw_unit_from_word(word: &str) -> Option<RawUnit> {
    unit_prefix(word).map(|(u, _)| u)
}

/// Builds a [`Duration`] from a value in thousandths and a raw unit (see the conversion
/// rules on [`Duration`]). `None` for zero or absurd values.
pub fn make_duration(milli: u64, unit: RawUnit, source: DurationSource) -> Option<Duration> {
    if milli == 0 {
        return None;
    }
    let whole = milli.is_multiple_of(1000);
    let ceil_div = |num: u64, den: u64| num.div_ceil(den);
    let (value, unit, approximate) = match unit {
        RawUnit::WorkingDay if whole => (milli / 1000, DurationUnit::WorkingDays, false),
        RawUnit::WorkingDay => {
            let h = milli * 8;
            (
                ceil_div(h, 1000),
                DurationUnit::WorkingHours,
                !h.is_multiple_of(1000),
            )
        }
        RawUnit::Day if whole => (milli / 1000, DurationUnit::Days, false),
        RawUnit::Day => {
            let h = milli * 24;
            (
                ceil_div(h, 1000),
                DurationUnit::Hours,
                !h.is_multiple_of(1000),
            )
        }
        RawUnit::Hour => (ceil_div(milli, 1000), DurationUnit::Hours, !whole),
        RawUnit::Month if whole => (milli / 1000, DurationUnit::Months, false),
        RawUnit::Month => (ceil_div(milli * 30, 1000), DurationUnit::Days, true),
        RawUnit::Year => {
            let m = milli * 12;
            (
                ceil_div(m, 1000),
                DurationUnit::Months,
                !m.is_multiple_of(1000),
            )
        }
        RawUnit::Week => {
            let d = milli * 7;
            (
                ceil_div(d, 1000),
                DurationUnit::Days,
                !d.is_multiple_of(1000),
            )
        }
        RawUnit::Minute => (ceil_div(milli, 60_000), DurationUnit::Hours, true),
    };
    let value = u32::try_from(value)
        .ok()
        .filter(|v| *v > 0 && *v < 100_000)?;
    Some(Duration {
        value,
        unit,
        source,
        approximate,
    })
}

/// What the time cell says.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeCell {
    /// "Không có thông tin".
    NoInfo,
    /// Number and unit.
    Unit(u64, RawUnit),
    /// A bare number (thousandths) with no unit.
    Bare(u64),
    /// Anything else ("Không quy định", "Không phải trả kết quả …").
    Text,
}

/// Classifies a (complete) time cell.
pub fn classify_cell(cell: &str) -> TimeCell {
    let c = cell.trim();
    if super::text::is_empty_cell(c) && !c.starts_with(|ch: char| ch.is_ascii_digit()) {
        return if c.is_empty() || c == super::text::NO_INFO {
            TimeCell::NoInfo
        } else {
            TimeCell::Text
        };
    }
    let n = number_prefix_len(c);
    if n == 0 {
        return TimeCell::Text;
    }
    let Some(milli) = parse_milli(&c[..n]) else {
        return TimeCell::Text;
    };
    match unit_prefix(&c[n..]) {
        Some((unit, used)) if c[n + used..].trim().is_empty() => TimeCell::Unit(milli, unit),
        Some(_) => TimeCell::Text,
        None if c[n..].trim().is_empty() => TimeCell::Bare(milli),
        None => TimeCell::Text,
    }
}

/// Length of a leading number "7", "1.5", "1,5" (a separator must be followed by a digit).
pub fn number_prefix_len(s: &str) -> usize {
    let d = leading_digits(s);
    if d == 0 {
        return 0;
    }
    let rest = &s[d..];
    if let Some(sep) = rest.chars().next().filter(|c| *c == '.' || *c == ',') {
        let frac = leading_digits(&rest[sep.len_utf8()..]);
        if (1..=3).contains(&frac) {
            return d + 1 + frac;
        }
    }
    d
}

static PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\d+(?:[.,]\d+)?)\s*(?:\([^()]{0,25}\)\s*)?(ngày\s+làm\s+việc|ngày|giờ|tháng|năm|tuần|phút)",
    )
    .expect("valid regex")
});

/// A duration-like mention in prose: its value (thousandths), unit, byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub milli: u64,
    pub unit: RawUnit,
    pub start: usize,
    pub end: usize,
}

/// Every "number + time unit" in `text` that is not part of a date ("ngày 15 tháng 11 năm
/// 2022", "15/11/2015").
pub fn mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for caps in PROSE.captures_iter(text) {
        let (Some(all), Some(num), Some(word)) = (caps.get(0), caps.get(1), caps.get(2)) else {
            continue;
        };
        if is_date_context(text, num.start()) {
            continue;
        }
        let (Some(milli), Some(unit)) =
            (parse_milli(num.as_str()), raw_unit_from_word(word.as_str()))
        else {
            continue;
        };
        out.push(Mention {
            milli,
            unit,
            start: all.start(),
            end: all.end(),
        });
    }
    out
}

/// Whether the number at `at` belongs to a date: preceded by "ngày", "tháng", "năm" or a
/// "/" or "-" (dates, document numbers), or glued to a word ("QH14 ngày").
fn is_date_context(text: &str, at: usize) -> bool {
    let before = &text[..at];
    let tail: String = before
        .chars()
        .rev()
        .take(7)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail.to_lowercase();
    let t = tail.trim_end();
    t.ends_with("ngày")
        || t.ends_with("tháng")
        || t.ends_with("năm")
        || before.ends_with(|c: char| c.is_alphanumeric() || c == '/' || c == '-')
        || (before.ends_with('.')
            && before[..before.len() - 1].ends_with(|c: char| c.is_ascii_digit()))
}

const LEAD_CUES: &[&str] = &[
    "thời hạn",
    "không quá",
    "trong vòng",
    "tối đa",
    "chậm nhất",
    "giải quyết",
    "xử lý",
    "thời gian",
];

/// The processing time stated in prose: the first mention qualified by a cue — preceded
/// by "thời hạn", "không quá", "trong vòng", "tối đa", "chậm nhất", "giải quyết", … or
/// followed by "kể từ" — else the first mention. A mention followed by "trước" (a deadline
/// before an event, not a processing time) is skipped.
pub fn prose_duration(text: &str) -> Option<Duration> {
    let found: Vec<Mention> = mentions(text)
        .into_iter()
        .filter(|m| {
            let after: String = text[m.end..]
                .chars()
                .take(12)
                .collect::<String>()
                .to_lowercase();
            !after.trim_start().starts_with("trước")
        })
        .collect();
    let qualified = found.iter().find(|m| {
        let before: String = text[..m.start]
            .chars()
            .rev()
            .take(40)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect::<String>()
            .to_lowercase();
        let after: String = text[m.end..]
            .chars()
            .take(30)
            .collect::<String>()
            .to_lowercase();
        LEAD_CUES.iter().any(|c| before.contains(c))
            || after.contains("kể từ")
            || after.contains("từ ngày")
            || after.contains("từ khi")
    });
    qualified
        .or(found.first())
        .and_then(|m| make_duration(m.milli, m.unit, DurationSource::Prose))
}

/// The unit written next to the number `milli` (allowing leading zeros: "05 ngày") in one of
/// `texts`, searched in order.
pub fn unit_for_number(milli: u64, texts: &[&str]) -> Option<RawUnit> {
    texts.iter().find_map(|t| {
        mentions(t)
            .into_iter()
            .find(|m| m.milli == milli)
            .map(|m| m.unit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(value: u32, unit: DurationUnit, source: DurationSource) -> Option<Duration> {
        Some(Duration {
            value,
            unit,
            source,
            approximate: false,
        })
    }

    #[test]
    fn cells() {
        assert_eq!(
            classify_cell("7 Ngày làm việc"),
            TimeCell::Unit(7000, RawUnit::WorkingDay)
        );
        assert_eq!(
            classify_cell("10 Ngày"),
            TimeCell::Unit(10_000, RawUnit::Day)
        );
        assert_eq!(
            classify_cell("24 Giờ"),
            TimeCell::Unit(24_000, RawUnit::Hour)
        );
        assert_eq!(
            classify_cell("3 Tháng"),
            TimeCell::Unit(3000, RawUnit::Month)
        );
        assert_eq!(
            classify_cell("1.5 Ngày làm việc"),
            TimeCell::Unit(1500, RawUnit::WorkingDay)
        );
        assert_eq!(classify_cell("7"), TimeCell::Bare(7000));
        assert_eq!(classify_cell("Không có thông tin"), TimeCell::NoInfo);
        assert_eq!(classify_cell("Không quy định"), TimeCell::Text);
        assert_eq!(
            classify_cell("Không phải trả kết quả cho người nộp thuế"),
            TimeCell::Text
        );
    }

    #[test]
    fn conversions() {
        let s = DurationSource::Cell;
        assert_eq!(
            make_duration(7000, RawUnit::WorkingDay, s),
            d(7, DurationUnit::WorkingDays, s)
        );
        assert_eq!(
            make_duration(1500, RawUnit::WorkingDay, s),
            d(12, DurationUnit::WorkingHours, s)
        );
        assert_eq!(
            make_duration(500, RawUnit::Day, s),
            d(12, DurationUnit::Hours, s)
        );
        assert_eq!(
            make_duration(2000, RawUnit::Year, s),
            d(24, DurationUnit::Months, s)
        );
        assert_eq!(
            make_duration(1000, RawUnit::Week, s),
            d(7, DurationUnit::Days, s)
        );
        assert_eq!(make_duration(0, RawUnit::Day, s), None);
        let m = make_duration(30_000, RawUnit::Minute, s).unwrap();
        assert_eq!(
            (m.value, m.unit, m.approximate),
            (1, DurationUnit::Hours, true)
        );
    }

    #[test]
    fn prose() {
        let p = DurationSource::Prose;
        assert_eq!(
            prose_duration("Trong thời hạn 05 ngày làm việc kể từ ngày nhận đủ hồ sơ"),
            d(5, DurationUnit::WorkingDays, p)
        );
        assert_eq!(
            prose_duration("15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ"),
            d(15, DurationUnit::WorkingDays, p)
        );
        assert_eq!(
            prose_duration("05 (năm) ngày làm việc kể từ ngày nhận"),
            d(5, DurationUnit::WorkingDays, p)
        );
        assert_eq!(
            prose_duration("trong thời hạn 1,5 ngày làm việc kể từ thời điểm nhận"),
            d(12, DurationUnit::WorkingHours, p)
        );
        // Dates are not durations.
        assert_eq!(
            prose_duration("Nghị định ngày 11 tháng 01 năm 2022 của Chính phủ"),
            None
        );
        assert_eq!(
            prose_duration("Thông tư số 60/2023/TT-BTC ngày 07/9/2023"),
            None
        );
        // The first qualified mention wins over an earlier incidental one.
        assert_eq!(
            prose_duration("Thẻ có giá trị 02 năm. Không quá 07 ngày làm việc kể từ ngày nhận"),
            d(7, DurationUnit::WorkingDays, p)
        );
    }

    #[test]
    fn unit_lookup() {
        let texts = ["Bước 1: Trong thời hạn 01 ngày làm việc kể từ ngày nhận hồ sơ"];
        assert_eq!(unit_for_number(1000, &texts), Some(RawUnit::WorkingDay));
        assert_eq!(unit_for_number(2000, &texts), None);
    }
}
