//! Fees: the fee cell ("Miễn phí", "70,000 Việt Nam Đồng", "20 VNĐ", "10 USD"), its
//! parenthesised note, and prose ("Lệ phí: 50.000 đồng", "1,5 triệu đồng").

use std::sync::LazyLock;

use regex::Regex;

use super::text::{NO_INFO, parse_grouped_int, parse_milli};
use crate::model::{Currency, Fee, FeeKind, FeeSource};

/// What the fee cell says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeeCell {
    Free,
    NoInfo,
    /// An amount as written ("70,000") and its currency.
    Amount {
        digits: String,
        currency: Currency,
    },
}

const FREE: &str = "Miễn phí";

/// Currency words of the fee cell, longest first.
const CURRENCIES: &[(&str, Currency)] = &[
    ("Việt Nam Đồng", Currency::Vnd),
    ("VNĐ", Currency::Vnd),
    ("VND", Currency::Vnd),
    ("Đồng", Currency::Vnd),
    ("đồng", Currency::Vnd),
    ("USD", Currency::Usd),
    ("EUR", Currency::Eur),
];

/// The currency word at the start of `s` (after at most one space), with bytes consumed.
pub fn currency_prefix(s: &str) -> Option<(Currency, usize)> {
    let skip = usize::from(s.starts_with(' '));
    let rest = &s[skip..];
    CURRENCIES
        .iter()
        .find(|(w, _)| rest.starts_with(w))
        .map(|(w, c)| (*c, skip + w.len()))
}

/// Length of a leading run of digits, commas and dots that ends in a digit.
pub fn amount_run_len(s: &str) -> usize {
    let run = s
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',' || *b == b'.')
        .count();
    s[..run].trim_end_matches([',', '.']).len()
}

/// Recognises a fee cell at the start of `s`: returns it and the bytes it used.
pub fn fee_cell_prefix(s: &str) -> Option<(FeeCell, usize)> {
    if s.starts_with(FREE) {
        return Some((FeeCell::Free, FREE.len()));
    }
    if s.starts_with(NO_INFO) {
        return Some((FeeCell::NoInfo, NO_INFO.len()));
    }
    let run = amount_run_len(s);
    if run == 0 {
        return None;
    }
    let (currency, used) = currency_prefix(&s[run..])?;
    Some((
        FeeCell::Amount {
            digits: s[..run].to_owned(),
            currency,
        },
        run + used,
    ))
}

static PROSE_AMOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?)\s*(triệu|nghìn|ngàn)?\s*(việt\s+nam\s+đồng|đồng|vnđ|vnd|usd|đ)\b",
    )
    .expect("valid regex")
});

static PROSE_FREE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)miễn\s+(?:lệ\s+)?phí|không\s+(?:thu|mất|phải\s+nộp)\s+(?:lệ\s+)?phí")
        .expect("valid regex")
});

static LOCAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)hội\s+đồng\s+nhân\s+dân|hđnd|ủy\s+ban\s+nhân\s+dân\s+(?:cấp\s+)?tỉnh\s+quy\s+định|địa\s+phương\s+quy\s+định",
    )
    .expect("valid regex")
});

/// Every amount with a currency in prose, in order: (amount in currency units, currency).
pub fn prose_amounts(text: &str) -> Vec<(i64, Currency)> {
    let mut out = Vec::new();
    for caps in PROSE_AMOUNT.captures_iter(text) {
        let (Some(num), Some(cur)) = (caps.get(1), caps.get(3)) else {
            continue;
        };
        // A number glued to a word or a slash is a code, not an amount.
        if text[..num.start()].ends_with(|c: char| c.is_alphanumeric() || c == '/') {
            continue;
        }
        let multiplier = match caps.get(2).map(|m| m.as_str().to_lowercase()) {
            Some(m) if m == "triệu" => 1_000_000,
            Some(_) => 1_000,
            None => 1,
        };
        let amount = if multiplier == 1 {
            parse_grouped_int(num.as_str())
        } else {
            parse_grouped_int(num.as_str())
                .and_then(|v| v.checked_mul(multiplier))
                .or_else(|| {
                    parse_milli(num.as_str())
                        .and_then(|m| i64::try_from(m).ok())
                        .and_then(|m| m.checked_mul(multiplier / 1000))
                })
        };
        let Some(amount) = amount else { continue };
        let currency = if cur.as_str().eq_ignore_ascii_case("usd") {
            Currency::Usd
        } else {
            Currency::Vnd
        };
        out.push((amount, currency));
    }
    out
}

/// Whether prose says the service is free ("miễn phí", "không thu lệ phí").
pub fn prose_free(text: &str) -> bool {
    PROSE_FREE.is_match(text)
}

/// Whether prose says the fee is set locally (HĐND / UBND cấp tỉnh).
pub fn locally_determined(text: &str) -> bool {
    LOCAL.is_match(text)
}

fn vnd_of(amount: i64, currency: Currency) -> Option<i64> {
    (currency == Currency::Vnd).then_some(amount)
}

fn varies(amounts: &[(i64, Currency)], representative: (i64, Currency)) -> bool {
    amounts.iter().any(|a| *a != representative)
}

fn amount_fee(
    (amount, currency): (i64, Currency),
    source: FeeSource,
    varies: bool,
    local: bool,
) -> Fee {
    Fee {
        kind: FeeKind::Amount,
        amount: Some(amount),
        currency: Some(currency),
        vnd: vnd_of(amount, currency),
        source,
        varies,
        locally_determined: local,
        assumption: None,
    }
}

fn free_fee(source: FeeSource, local: bool) -> Fee {
    Fee {
        kind: FeeKind::Free,
        amount: Some(0),
        currency: Some(Currency::Vnd),
        vnd: Some(0),
        source,
        varies: false,
        locally_determined: local,
        assumption: None,
    }
}

/// The fee of one channel row from its cell, the cell's note and the row description.
///
/// * "Miễn phí" is free, unless its note states amounts — the portal shows "Miễn phí" as a
///   default while the note reads "Lệ phí …: 135.000 đồng/lần" — then the first amount of
///   the note is the representative fee ([`FeeSource::CellNote`]).
/// * An amount in VND below 1,000 is not a real fee: the portal stores many "VNĐ" fees in
///   thousands ("20 VNĐ (20.000 đ/tờ khai)"). If the note names the same number in USD
///   ("145 USD/thẻ") the currency is USD; otherwise the amount is read as thousands of đồng,
///   and the [`Fee::assumption`] says whether the note confirmed it.
/// * No information in the cell: amounts or "miễn phí" in the description are used.
pub fn build_fee(cell: &FeeCell, note: &str, description: &str) -> Option<Fee> {
    let local = locally_determined(note);
    match cell {
        FeeCell::Free => {
            let amounts = prose_amounts(note);
            match amounts.first() {
                Some(&first) => Some(amount_fee(
                    first,
                    FeeSource::CellNote,
                    varies(&amounts, first),
                    local,
                )),
                None => Some(free_fee(FeeSource::Cell, local)),
            }
        }
        FeeCell::NoInfo => {
            let amounts = prose_amounts(description);
            if let Some(&first) = amounts.first() {
                return Some(amount_fee(
                    first,
                    FeeSource::Description,
                    varies(&amounts, first),
                    locally_determined(description),
                ));
            }
            prose_free(description)
                .then(|| free_fee(FeeSource::Description, locally_determined(description)))
        }
        FeeCell::Amount { digits, currency } => {
            let amount = parse_grouped_int(digits)?;
            let note_amounts = prose_amounts(note);
            let mut fee = amount_fee(
                (amount, *currency),
                FeeSource::Cell,
                varies(&note_amounts, (amount, *currency)) && !note_amounts.is_empty(),
                local,
            );
            if *currency == Currency::Vnd && amount > 0 && amount < 1000 {
                if note_amounts.contains(&(amount, Currency::Usd)) {
                    fee.currency = Some(Currency::Usd);
                    fee.vnd = None;
                    fee.assumption = Some("currency_usd_from_note".into());
                } else {
                    let scaled = amount * 1000;
                    fee.vnd = Some(scaled);
                    fee.assumption = Some(
                        if note_amounts.contains(&(scaled, Currency::Vnd)) {
                            "thousands_of_dong_confirmed_by_note"
                        } else {
                            "thousands_of_dong_assumed"
                        }
                        .into(),
                    );
                }
                fee.varies = note_amounts
                    .iter()
                    .any(|a| Some(a.0) != fee.vnd && Some(a.0) != fee.amount);
            }
            Some(fee)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells() {
        assert_eq!(
            fee_cell_prefix("Miễn phí(x)"),
            Some((FeeCell::Free, FREE.len()))
        );
        let (c, n) = fee_cell_prefix("70,000 Việt Nam Đồng(- Cấp lại").unwrap();
        assert_eq!(
            c,
            FeeCell::Amount {
                digits: "70,000".into(),
                currency: Currency::Vnd
            }
        );
        assert_eq!(n, "70,000 Việt Nam Đồng".len());
        assert!(matches!(
            fee_cell_prefix("10 USD(/lần)"),
            Some((
                FeeCell::Amount {
                    currency: Currency::Usd,
                    ..
                },
                _
            ))
        ));
        assert_eq!(fee_cell_prefix("Nộp hồ sơ"), None);
    }

    #[test]
    fn prose() {
        assert_eq!(
            prose_amounts("Lệ phí: 50.000 đồng"),
            vec![(50_000, Currency::Vnd)]
        );
        assert_eq!(
            prose_amounts("40.000 đồng/01 Giấy; riêng ô tô: 90.000 đồng/01 Giấy"),
            vec![(40_000, Currency::Vnd), (90_000, Currency::Vnd)]
        );
        assert_eq!(
            prose_amounts("1,5 triệu đồng"),
            vec![(1_500_000, Currency::Vnd)]
        );
        assert_eq!(
            prose_amounts("(20.000Đ/tờ khai)"),
            vec![(20_000, Currency::Vnd)]
        );
        assert_eq!(prose_amounts("145 USD/thẻ"), vec![(145, Currency::Usd)]);
        assert!(prose_amounts("Thông tư số 47/2019/TT-BTC ngày 2 đối với").is_empty());
        assert!(prose_free("Miễn lệ phí cho người thuộc hộ nghèo"));
        assert!(!prose_free("nộp phí, lệ phí theo quy định"));
    }

    #[test]
    fn fees() {
        let free = build_fee(
            &FeeCell::Free,
            "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định",
            "",
        )
        .unwrap();
        assert_eq!(
            (free.kind, free.vnd, free.locally_determined),
            (FeeKind::Free, Some(0), true)
        );

        let from_note = build_fee(
            &FeeCell::Free,
            "Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.",
            "",
        )
        .unwrap();
        assert_eq!(
            (from_note.vnd, from_note.source),
            (Some(135_000), FeeSource::CellNote)
        );

        let amount = FeeCell::Amount {
            digits: "20".into(),
            currency: Currency::Vnd,
        };
        let thousands = build_fee(&amount, "20.000 đ/tờ khai", "").unwrap();
        assert_eq!(thousands.vnd, Some(20_000));
        assert_eq!(
            thousands.assumption.as_deref(),
            Some("thousands_of_dong_confirmed_by_note")
        );
        assert!(!thousands.varies);

        let usd = FeeCell::Amount {
            digits: "145".into(),
            currency: Currency::Vnd,
        };
        let usd = build_fee(
            &usd,
            "Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.",
            "",
        )
        .unwrap();
        assert_eq!((usd.currency, usd.vnd), (Some(Currency::Usd), None));

        let described = build_fee(&FeeCell::NoInfo, "", "Phí : 50.000 Đồng - 50.000 Đồng").unwrap();
        assert_eq!(
            (described.vnd, described.source),
            (Some(50_000), FeeSource::Description)
        );
        assert_eq!(build_fee(&FeeCell::NoInfo, "", "nộp hồ sơ trực tiếp"), None);
    }
}
