//! Channels (cách thức thực hiện). The portal table
//! `Hình thức nộp | Thời gian | Phí, lệ phí | Mô tả` arrives as one run-together string:
//!
//! ```text
//! Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việc70,000 Việt Nam Đồng(- Cấp
//! lại …)- Thông qua Cổng …Dịch vụ bưu chính7 Ngày làm việc70,000 Việt Nam Đồng…
//! ```
//!
//! A row starts with a kind word glued to a time cell and a fee cell: kind words also occur
//! in descriptions ("- Trực tiếp: nộp hồ sơ …"), so a kind word only starts a row when it is
//! followed, without a space, by a time cell then a recognizable fee cell.

use super::duration::{
    RawUnit, TimeCell, classify_cell, make_duration, number_prefix_len, prose_duration,
    unit_for_number, unit_prefix,
};
use super::fee::{
    FeeCell, amount_run_len, build_fee, currency_prefix, fee_cell_prefix, prose_amounts,
};
use super::text::{NO_INFO, matching_paren, parse_grouped_int, squash};
use crate::model::{Channel, ChannelKind, DurationSource};

/// The header of the channel table.
pub const HEADER: &str = "Hình thức nộpThời gianPhí, lệ phíMô tả";

const KINDS: &[(&str, ChannelKind)] = &[
    ("Trực tuyến", ChannelKind::Online),
    ("Trực tiếp", ChannelKind::InPerson),
    ("Dịch vụ bưu chính", ChannelKind::Postal),
];

/// Longest free-text time cell accepted ("Không phải trả kết quả cho người nộp thuế", …).
const MAX_FREE_TIME: usize = 400;

/// The head of a row after its kind word: time cell, fee cell, optional `(note)`.
#[derive(Debug, Clone, PartialEq)]
struct Head {
    time_len: usize,
    fee: FeeCell,
    /// Inner range of the parenthesised note, relative to the row tail.
    note: Option<(usize, usize)>,
    /// End of the head (exclusive).
    end: usize,
}

fn with_note(tail: &str, time_len: usize, fee: FeeCell, fee_end: usize) -> Head {
    let (note, end) = match tail[fee_end..].starts_with('(') {
        true => match matching_paren(tail, fee_end) {
            Some(close) => (Some((fee_end + 1, close)), close + 1),
            None => (None, fee_end),
        },
        false => (None, fee_end),
    };
    Head {
        time_len,
        fee,
        note,
        end,
    }
}

fn fee_after(tail: &str, time_len: usize) -> Option<Head> {
    let (fee, used) = fee_cell_prefix(&tail[time_len..])?;
    Some(with_note(tail, time_len, fee, time_len + used))
}

/// A bare time number glued to an amount ("1100 VNĐ" = time "1", fee "100 VNĐ"): chooses the
/// split whose amount (or amount × 1,000) the note confirms, else the shortest time.
fn split_glued(tail: &str) -> Option<Head> {
    let run = amount_run_len(tail);
    currency_prefix(&tail[run..])?;
    let lead = super::text::leading_digits(tail);
    let candidates: Vec<Head> = (1..lead.min(run))
        .filter_map(|k| {
            let amount = &tail[k..run];
            let valid = parse_grouped_int(amount).is_some()
                && (amount.len() == 1 || !amount.starts_with('0'));
            valid.then(|| fee_after(tail, k)).flatten()
        })
        .collect();
    let confirmed = candidates.iter().find(|h| {
        let (FeeCell::Amount { digits, .. }, Some((a, b))) = (&h.fee, h.note) else {
            return false;
        };
        let Some(v) = parse_grouped_int(digits) else {
            return false;
        };
        prose_amounts(&tail[a..b])
            .iter()
            .any(|(x, _)| *x == v || *x == v * 1000)
    });
    confirmed.or(candidates.first()).cloned()
}

/// Parses the head of a row from the text right after its kind word.
fn row_head(tail: &str) -> Option<Head> {
    if tail.starts_with(NO_INFO) {
        return fee_after(tail, NO_INFO.len()).or_else(|| free_text_head(tail));
    }
    if tail.starts_with(|c: char| c.is_ascii_digit()) {
        let n = number_prefix_len(tail);
        if let Some((_, used)) = unit_prefix(&tail[n..]) {
            return fee_after(tail, n + used);
        }
        if let Some(head) = fee_after(tail, n).filter(|h| !matches!(h.fee, FeeCell::Amount { .. }))
        {
            return Some(head);
        }
        return split_glued(tail).or_else(|| fee_after(tail, n));
    }
    free_text_head(tail)
}

/// A free-text time cell: up to the first fee cell, with no kind word in between.
fn free_text_head(tail: &str) -> Option<Head> {
    let limit = tail
        .char_indices()
        .map(|(i, _)| i)
        .take_while(|i| *i <= MAX_FREE_TIME)
        .collect::<Vec<_>>();
    for i in limit.into_iter().skip(1) {
        let rest = &tail[i..];
        if KINDS.iter().any(|(w, _)| rest.starts_with(w)) {
            return None;
        }
        let digit_start = rest.starts_with(|c: char| c.is_ascii_digit())
            && !tail[..i].ends_with(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
        if (rest.starts_with("Miễn phí") || rest.starts_with(NO_INFO) || digit_start)
            && let Some(head) = fee_after(tail, i)
        {
            return Some(head);
        }
    }
    None
}

/// One located row.
#[derive(Debug)]
pub struct Row<'a> {
    pub kind: ChannelKind,
    pub time: &'a str,
    pub fee: FeeCell,
    pub fee_text: &'a str,
    pub note: &'a str,
    pub description: &'a str,
}

/// Splits the channel table into rows; also returns unrecognised text before the first row.
pub fn split_rows(text: &str) -> (Vec<Row<'_>>, &str) {
    let body = match text.find(HEADER) {
        Some(i) => &text[i + HEADER.len()..],
        None => text,
    };
    let mut starts: Vec<(usize, ChannelKind, usize)> = KINDS
        .iter()
        .flat_map(|(w, k)| body.match_indices(w).map(move |(i, _)| (i, *k, w.len())))
        .filter(|(i, _, len)| {
            body[i + len..]
                .chars()
                .next()
                .is_some_and(|c| !c.is_whitespace() && !":,.;-–)(/".contains(c))
        })
        .collect();
    starts.sort_by_key(|s| s.0);

    // (start, kind, tail start, head)
    let mut located: Vec<(usize, ChannelKind, usize, Option<Head>)> = Vec::new();
    let mut busy_until = 0;
    for (i, kind, len) in starts {
        if i < busy_until {
            continue;
        }
        let tail_start = i + len;
        let head = row_head(&body[tail_start..]);
        let first_at_start = located.is_empty() && body[..i].trim().is_empty();
        if head.is_some() || first_at_start {
            busy_until = tail_start + head.as_ref().map_or(0, |h| h.end);
            located.push((i, kind, tail_start, head));
        }
    }

    let preamble = located.first().map_or(body, |l| &body[..l.0]);
    let mut rows = Vec::with_capacity(located.len());
    for (idx, (_, kind, tail_start, head)) in located.iter().enumerate() {
        let end = located.get(idx + 1).map_or(body.len(), |n| n.0);
        let tail = &body[*tail_start..end];
        let row = match head {
            Some(h) => Row {
                kind: *kind,
                time: &tail[..h.time_len],
                fee: h.fee.clone(),
                fee_text: &tail[h.time_len..h.end],
                note: h.note.map_or("", |(a, b)| &tail[a..b]),
                description: tail[h.end..].trim(),
            },
            None => Row {
                kind: *kind,
                time: "",
                fee: FeeCell::NoInfo,
                fee_text: "",
                note: "",
                description: tail.trim(),
            },
        };
        rows.push(row);
    }
    (rows, preamble.trim())
}

/// Builds the channels of a procedure; `steps` helps to find the unit of a bare number.
pub fn parse_channels(text: &str, steps: &str) -> (Vec<Channel>, Option<String>) {
    let (rows, preamble) = split_rows(text);
    let channels = rows.iter().map(|r| build_channel(r, steps)).collect();
    let leftover = (!preamble.is_empty()).then(|| preamble.to_owned());
    (channels, leftover)
}

fn build_channel(row: &Row<'_>, steps: &str) -> Channel {
    let duration = match classify_cell(row.time) {
        TimeCell::Unit(milli, unit) => make_duration(milli, unit, DurationSource::Cell),
        // A bare "0" says nothing: fall back to prose.
        TimeCell::Bare(milli) => {
            match unit_for_number(milli, &[row.description, row.note, steps]) {
                Some(unit) => make_duration(milli, unit, DurationSource::CellUnitFromText),
                None => make_duration(milli, RawUnit::WorkingDay, DurationSource::CellUnitAssumed),
            }
            .or_else(|| prose_duration(row.description))
        }
        TimeCell::NoInfo | TimeCell::Text => {
            prose_duration(row.time).or_else(|| prose_duration(row.description))
        }
    };
    let fee = build_fee(&row.fee, row.note, row.description);
    Channel {
        kind: row.kind,
        duration,
        duration_text: squash(row.time),
        fee_vnd: fee.as_ref().and_then(|f| f.vnd),
        fee,
        fee_text: squash(row.fee_text),
        description: row.description.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Currency, DurationUnit, FeeKind, FeeSource};

    fn parse(s: &str) -> Vec<Channel> {
        parse_channels(s, "").0
    }

    #[test]
    fn simple_rows() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến28 Ngày làm việcMiễn phíDịch vụ bưu chính16 Ngày làm việcMiễn phíTrực tiếp16 Ngày làm việcMiễn phí",
        );
        assert_eq!(ch.len(), 3);
        assert_eq!(ch[0].kind, ChannelKind::Online);
        assert_eq!(
            ch[0].duration.as_ref().map(|d| (d.value, d.unit)),
            Some((28, DurationUnit::WorkingDays))
        );
        assert_eq!(ch[1].kind, ChannelKind::Postal);
        assert_eq!(ch[2].kind, ChannelKind::InPerson);
        assert!(ch.iter().all(|c| c.fee_vnd == Some(0)));
    }

    #[test]
    fn amounts_notes_and_descriptions() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(10.000 đồng/giấy.)- Nộp hồ sơ trên Cổng dịch vụ công. Trong thời hạn 07 ngày làm việc.Trực tiếp7 Ngày làm việc10,000 Việt Nam Đồng- Trực tiếp: nộp tại Công an.",
        );
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0].fee_vnd, Some(10_000));
        assert_eq!(ch[0].fee_text, "10,000 Việt Nam Đồng(10.000 đồng/giấy.)");
        assert!(ch[0].description.starts_with("- Nộp hồ sơ"));
        assert_eq!(ch[1].description, "- Trực tiếp: nộp tại Công an.");
    }

    #[test]
    fn bare_number_glued_to_amount() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến1100 VNĐ(Phí công bố nội dung đăng ký doanh nghiệp: 100.000 đồng/lần)Trực tiếp120 VNĐ(20.000 đ/tờ khai)",
        );
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0].duration_text, "1");
        assert_eq!(ch[0].fee_vnd, Some(100_000));
        assert_eq!(ch[1].fee_vnd, Some(20_000));
        assert_eq!(
            ch[1].duration.as_ref().map(|d| d.source),
            Some(DurationSource::CellUnitAssumed)
        );
    }

    #[test]
    fn no_info_time_uses_prose() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông có thông tinMiễn phí28 ngày làm việc (đối với trường hợp thông thường)",
        );
        let d = ch[0].duration.as_ref().unwrap();
        assert_eq!(
            (d.value, d.unit, d.source),
            (28, DurationUnit::WorkingDays, DurationSource::Prose)
        );
    }

    #[test]
    fn free_text_time_cell() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíQua Cổng dịch vụ công quốc giaDịch vụ bưu chínhKhông phải trả kết quả cho người nộp thuếMiễn phí",
        );
        assert_eq!(ch.len(), 2);
        assert_eq!(ch[0].duration, None);
        assert_eq!(
            ch[0].duration_text,
            "Không phải trả kết quả cho người nộp thuế"
        );
        assert_eq!(ch[0].fee.as_ref().map(|f| f.kind), Some(FeeKind::Free));
    }

    #[test]
    fn usd_and_fractional() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việc10 USD(10 USD/người)Trực tuyến1.5 Ngày làm việc40,000 Việt Nam Đồng",
        );
        let f = ch[0].fee.as_ref().unwrap();
        assert_eq!(
            (f.amount, f.currency, f.vnd),
            (Some(10), Some(Currency::Usd), None)
        );
        let d = ch[1].duration.as_ref().unwrap();
        assert_eq!((d.value, d.unit), (12, DurationUnit::WorkingHours));
    }

    #[test]
    fn free_marker_with_amounts_in_note() {
        let ch = parse(
            "Hình thức nộpThời gianPhí, lệ phíMô tảTrực tiếp5 Ngày làm việcMiễn phí(Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)",
        );
        let f = ch[0].fee.as_ref().unwrap();
        assert_eq!((f.vnd, f.source), (Some(135_000), FeeSource::CellNote));
    }

    #[test]
    fn garbage_does_not_panic() {
        for s in [
            "",
            "Trực tuyến",
            "Trực tuyến7",
            "Trực tiếp(",
            "Hình thức nộpThời gianPhí, lệ phíMô tả",
        ] {
            let _ = parse(s);
        }
        assert!(parse("Trực tuyến").is_empty());
        assert_eq!(parse("Trực tuyến7").len(), 1);
    }
}
