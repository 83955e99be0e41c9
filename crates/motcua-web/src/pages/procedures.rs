use axum::extract::{OriginalUri, Path, State};
use axum::response::Response;
use motcua_catalog::{ChannelKind, DurationUnit};

use super::{error_page, page};
use crate::AppState;
use crate::api::procedures::load;
use crate::i18n::Lang;

/// The procedure page: channels with time and fee, documents with templates, steps, legal
/// basis, agencies, results.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(code): Path<String>,
) -> Response {
    let view = match load(&state, &code, None, &[]).await {
        Ok(v) => v,
        Err(err) => return error_page(&state, lang, &uri, err),
    };
    let p = &view.procedure;
    let channels: Vec<_> = p
        .channels
        .iter()
        .map(|c| {
            let kind = match c.kind {
                ChannelKind::Online => "online",
                ChannelKind::InPerson => "in_person",
                ChannelKind::Postal => "postal",
            };
            let unit = c.duration.as_ref().map(|d| match d.unit {
                DurationUnit::WorkingDays => "working_days",
                DurationUnit::WorkingHours => "working_hours",
                DurationUnit::Days => "days",
                DurationUnit::Hours => "hours",
                DurationUnit::Months => "months",
            });
            minijinja::context! {
                kind, value => c.duration.as_ref().map(|d| d.value), unit,
                duration_text => c.duration_text, fee_vnd => c.fee_vnd.map(format_vnd), fee_text => c.fee_text,
                description => c.description,
            }
        })
        .collect();
    let online_level = match p.online_level {
        motcua_catalog::OnlineLevel::FullProcess => "full_process",
        motcua_catalog::OnlineLevel::Partial => "partial",
        motcua_catalog::OnlineLevel::None => "none",
    };
    let levels: Vec<String> = p
        .levels
        .iter()
        .map(|l| {
            format!(
                "procedure.level.{}",
                serde_json::to_value(l)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )
        })
        .collect();
    page(
        &state,
        lang,
        &uri,
        "procedure.html",
        minijinja::context! {
            p => minijinja::Value::from_serialize(p), version => view.version, channels, online_level, levels,
            // Online submission offered: an online channel and an online level (agencies may
            // still turn it off for themselves; the submission page says so).
            submit_online => p.offers_online() && p.online_level != motcua_catalog::OnlineLevel::None,
            steps => p.steps.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        },
    )
}

/// `70000` → `70.000` (Vietnamese thousands separator).
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if amount < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dong() {
        assert_eq!(super::format_vnd(0), "0");
        assert_eq!(super::format_vnd(5000), "5.000");
        assert_eq!(super::format_vnd(1_250_000), "1.250.000");
    }
}
