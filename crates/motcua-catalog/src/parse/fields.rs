//! Small fields: levels, subjects, agencies, results, related procedures, online level.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{cell, is_empty_cell, split_top_level, squash};
use crate::model::{
    Channel, ChannelKind, Level, OnlineLevel, OnlineLevelBasis, RelatedProcedure, ResultDoc,
    Subject, SubjectKind,
};

/// Levels of `cap_thuc_hien` ("Cấp bộ, Cấp tỉnh, Cấp xã", "Cơ quan khác"); the second value
/// lists the parts that were not recognised (kept as [`Level::Other`]).
pub fn parse_levels(text: &str) -> (Vec<Level>, Vec<String>) {
    let mut levels = Vec::new();
    let mut unknown = Vec::new();
    for part in text.split([',', ';']).map(squash).filter(|p| !p.is_empty()) {
        let p = part.to_lowercase();
        let level = if p.contains("bộ") || p.contains("trung ương") {
            Level::Ministry
        } else if p.contains("tỉnh") {
            Level::Province
        } else if p.contains("xã") || p.contains("huyện") {
            Level::Commune
        } else {
            if p != "cơ quan khác" {
                unknown.push(part.clone());
            }
            Level::Other
        };
        if !levels.contains(&level) {
            levels.push(level);
        }
    }
    (levels, unknown)
}

/// Subject labels that contain commas themselves.
const COMPOUND_SUBJECTS: &[&str] = &["Cán bộ, công chức, viên chức"];

fn subject_kind(s: &str) -> SubjectKind {
    let l = s.to_lowercase();
    if l.starts_with("công dân") {
        SubjectKind::Citizen
    } else if l.starts_with("người việt nam định cư") {
        SubjectKind::OverseasVietnamese
    } else if l.starts_with("người nước ngoài") {
        SubjectKind::Foreigner
    } else if l.contains("vốn đầu tư nước ngoài") {
        SubjectKind::ForeignInvestedBusiness
    } else if l.starts_with("doanh nghiệp") {
        SubjectKind::Business
    } else if l.starts_with("hợp tác xã") {
        SubjectKind::Cooperative
    } else if l.starts_with("tổ chức nước ngoài") {
        SubjectKind::ForeignOrganisation
    } else if l.starts_with("tổ chức đảng") {
        SubjectKind::PartyOrganisation
    } else if l.starts_with("tổ chức") {
        SubjectKind::Organisation
    } else if l.starts_with("cán bộ") || l.starts_with("công chức") || l.starts_with("viên chức")
    {
        SubjectKind::CivilServant
    } else if l.starts_with("đảng viên") {
        SubjectKind::PartyMember
    } else {
        SubjectKind::Other
    }
}

/// Subjects of `doi_tuong_thuc_hien`: split on commas outside parentheses, keeping the
/// compound "Cán bộ, công chức, viên chức" together.
pub fn parse_subjects(text: &str) -> Vec<Subject> {
    let mut rest = squash(text);
    let mut out: Vec<Subject> = Vec::new();
    for compound in COMPOUND_SUBJECTS {
        if let Some(i) = rest.find(compound) {
            out.push(Subject {
                kind: subject_kind(compound),
                text: (*compound).to_owned(),
            });
            rest.replace_range(i..i + compound.len(), "");
        }
    }
    for part in split_top_level(&rest, ',') {
        let p = squash(part);
        if p.is_empty() || is_empty_cell(&p) {
            continue;
        }
        out.push(Subject {
            kind: subject_kind(&p),
            text: p,
        });
    }
    // Keep the published order.
    let norm = squash(text);
    out.sort_by_key(|s| norm.find(&s.text).unwrap_or(usize::MAX));
    out
}

/// A list of agencies ("Bộ Công an, Bộ Quốc phòng").
pub fn parse_agencies(text: &str) -> Vec<String> {
    split_top_level(text, ',')
        .into_iter()
        .filter_map(cell)
        .collect()
}

static RESULT_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*((?:[A-Z0-9]+[.\-])*[A-Z]*\d+)").expect("valid regex"));

const RESULT_TAIL_MARKERS: &[&str] = &["Từ khóa", "Chọn cơ quan thực hiện"];

/// Results of `ket_qua_xu_ly` ("Trích lục …Mã: KQ.G15.000033Từ khóa…Mô tả…") and keywords.
pub fn parse_results(text: &str) -> (Vec<ResultDoc>, Vec<String>) {
    let end = RESULT_TAIL_MARKERS
        .iter()
        .filter_map(|m| text.find(m))
        .min()
        .unwrap_or(text.len());
    let body = &text[..end];
    let mut results = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("Mã:") {
        let name = squash(&rest[..i]);
        let after = &rest[i + "Mã:".len()..];
        let (code, used) = match RESULT_CODE.captures(after).and_then(|c| c.get(1)) {
            Some(m) => (Some(m.as_str().to_owned()), m.end()),
            None => (None, 0),
        };
        if !name.is_empty() || code.is_some() {
            results.push(ResultDoc { code, name });
        }
        rest = &after[used..];
    }
    if let Some(name) = cell(rest) {
        results.push(ResultDoc { code: None, name });
    }
    let keywords = text
        .find("Từ khóa")
        .map(|i| {
            let k = &text[i + "Từ khóa".len()..];
            let k = &k[..k.find("Mô tả").unwrap_or(k.len())];
            k.split([',', ';', '\n'])
                .filter_map(cell)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    (results, keywords)
}

static RELATED_ROW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\d.])(\d{1,3})(\p{Lu})").expect("valid regex"));
static PROCEDURE_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d\.\d{6})\b").expect("valid regex"));

/// Related procedures ("#Tên thủ tục1Hướng dẫn …2Thẩm định …").
pub fn parse_related(text: &str) -> Vec<RelatedProcedure> {
    if is_empty_cell(text) {
        return Vec::new();
    }
    let body = text
        .trim()
        .trim_start_matches('#')
        .trim_start_matches("Tên thủ tục")
        .trim_start_matches("Mã thủ tục");
    let starts: Vec<(usize, usize)> = RELATED_ROW
        .captures_iter(body)
        .filter_map(|c| Some((c.get(1)?.start(), c.get(2)?.start())))
        .collect();
    let rows: Vec<&str> = if starts.is_empty() {
        vec![body]
    } else {
        starts
            .iter()
            .enumerate()
            .map(|(i, (_, name_start))| {
                let end = starts.get(i + 1).map_or(body.len(), |n| n.0);
                &body[*name_start..end]
            })
            .collect()
    };
    rows.into_iter()
        .filter_map(cell)
        .map(|name| RelatedProcedure {
            code: PROCEDURE_CODE
                .captures(&name)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().to_owned()),
            name,
        })
        .collect()
}

/// Online level (see [`OnlineLevelBasis`]): the name stating "toàn trình" / "một phần"
/// decides; otherwise an online channel means partial, none means none.
pub fn online_level(name: &str, channels: &[Channel]) -> (OnlineLevel, OnlineLevelBasis) {
    let n = squash(&name.to_lowercase());
    let online_service = n.contains("trực tuyến") || n.contains("dịch vụ công");
    if online_service && n.contains("toàn trình") {
        return (OnlineLevel::FullProcess, OnlineLevelBasis::Explicit);
    }
    if online_service && n.contains("một phần") {
        return (OnlineLevel::Partial, OnlineLevelBasis::Explicit);
    }
    if channels.iter().any(|c| c.kind == ChannelKind::Online) {
        (OnlineLevel::Partial, OnlineLevelBasis::OnlineChannel)
    } else {
        (OnlineLevel::None, OnlineLevelBasis::NoOnlineChannel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels() {
        assert_eq!(
            parse_levels("Cấp bộ, Cấp tỉnh, Cấp xã").0,
            vec![Level::Ministry, Level::Province, Level::Commune]
        );
        assert_eq!(parse_levels("Cơ quan khác"), (vec![Level::Other], vec![]));
        assert_eq!(parse_levels("Cấp lạ").1, vec!["Cấp lạ".to_owned()]);
        assert!(parse_levels("").0.is_empty());
    }

    #[test]
    fn subjects() {
        let s = parse_subjects(
            "Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức, Doanh nghiệp có vốn đầu tư nước ngoài",
        );
        let kinds: Vec<SubjectKind> = s.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            vec![
                SubjectKind::Organisation,
                SubjectKind::Citizen,
                SubjectKind::CivilServant,
                SubjectKind::ForeignInvestedBusiness
            ]
        );
        assert_eq!(s[0].text, "Tổ chức (không bao gồm doanh nghiệp, HTX)");
    }

    #[test]
    fn results() {
        let (r, k) = parse_results(
            "Giấy chứng nhận đăng ký thuế (10 MST)Mã: KQ.G12.000184Thông báo mã số thuếMã: KQ.G12.000828Từ khóaTuyển sinh, Công an\nMô tảKhông có thông tinChọn cơ quan thực hiệnNộp hồ sơ",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].code.as_deref(), Some("KQ.G12.000184"));
        assert_eq!(r[0].name, "Giấy chứng nhận đăng ký thuế (10 MST)");
        assert_eq!(r[1].code.as_deref(), Some("KQ.G12.000828"));
        assert_eq!(k, vec!["Tuyển sinh", "Công an"]);
        let (r, _) = parse_results(
            "Quyết định giải quyết khiếu nạiMã: 000.00.00.G12-KQ2025-001Từ khóaKhông có thông tin",
        );
        assert_eq!(r[0].code.as_deref(), Some("000.00.00.G12-KQ2025-001"));
        let (r, _) = parse_results("Văn bản trả lời");
        assert_eq!(r[0].code, None);
    }

    #[test]
    fn related() {
        let r = parse_related(
            "#Tên thủ tục1Hướng dẫn việc thực hiện quy hoạch2Thẩm định nhiệm vụ quy hoạch",
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].name, "Thẩm định nhiệm vụ quy hoạch");
        assert!(parse_related("Không có thông tin").is_empty());
    }

    #[test]
    fn online() {
        assert_eq!(
            online_level(
                "Đăng ký xe tạm thời thực hiện bằng dịch vụ công trực tuyến toàn trình",
                &[]
            )
            .0,
            OnlineLevel::FullProcess
        );
        assert_eq!(online_level("Cấp phép", &[]).0, OnlineLevel::None);
    }
}
