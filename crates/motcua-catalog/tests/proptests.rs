//! The parsers never panic, whatever the input.

use motcua_catalog::parse::{channels, documents, duration, fee, fields, legal, text};
use motcua_catalog::{parse_line, parse_reader};
use proptest::prelude::*;

/// Strings built from the portal's own vocabulary, so the parsers reach their deep paths.
fn portal_text() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "Hình thức nộpThời gianPhí, lệ phíMô tả",
        "Trực tuyến",
        "Trực tiếp",
        "Dịch vụ bưu chính",
        "7",
        "1",
        "0",
        "1.5",
        ",",
        ".",
        " Ngày làm việc",
        " Ngày",
        "Giờ",
        " Tháng",
        "Miễn phí",
        "Không có thông tin",
        "70,000",
        " Việt Nam Đồng",
        " VNĐ",
        "USD",
        "(",
        ")",
        "đồng",
        " ngày làm việc kể từ",
        "Trong thời hạn 05",
        "Tên giấy tờMẫu đơn, tờ khaiSố lượng",
        " bản chính",
        ",1 bản sao",
        ".docx",
        "Mau",
        "Tên văn bản pháp lýMã văn bản",
        "/2019/",
        "QH",
        "14",
        "NĐ-CP",
        "Luật ",
        "Mã: ",
        "KQ.G01.000064",
        "Từ khóa",
        "ă",
        "Đ",
        "\u{0323}",
        "\n",
        " ",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![portal_text(), any::<String>(), "\\PC{0,200}"]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn field_parsers_never_panic(s in any_text()) {
        let _ = channels::parse_channels(&s, &s);
        let _ = documents::parse_documents(&s);
        let _ = legal::parse_legal_basis(&s);
        let _ = fields::parse_levels(&s);
        let _ = fields::parse_subjects(&s);
        let _ = fields::parse_results(&s);
        let _ = fields::parse_related(&s);
        let _ = duration::prose_duration(&s);
        let _ = duration::classify_cell(&s);
        let _ = fee::prose_amounts(&s);
        let _ = fee::fee_cell_prefix(&s);
        let _ = text::parse_grouped_int(&s);
        let _ = text::parse_milli(&s);
        let _ = text::normalize(&s);
    }

    #[test]
    fn channel_rows_keep_their_kind(s in portal_text()) {
        let (chs, _) = channels::parse_channels(&s, "");
        for c in chs {
            if let Some(d) = c.duration {
                prop_assert!(d.value > 0);
            }
            if let Some(v) = c.fee_vnd {
                prop_assert!(v >= 0);
            }
        }
    }

    #[test]
    fn lines_never_panic(s in any_text(), code in "[0-9]\\.[0-9]{6}") {
        let line = serde_json::json!({
            "ma_thu_tuc": code,
            "ten_thu_tuc": s,
            "cap_thuc_hien": s,
            "doi_tuong_thuc_hien": s,
            "cach_thuc_thuc_hien": s,
            "thanh_phan_ho_so": s,
            "can_cu_phap_ly": s,
            "ket_qua_xu_ly": s,
            "thu_tuc_lien_quan": s,
        })
        .to_string();
        let p = parse_line(&line);
        prop_assert!(p.is_ok());
        let _ = parse_line(&s);
    }

    #[test]
    fn reader_accounts_for_every_line(lines in prop::collection::vec(any_text(), 0..8)) {
        let input = lines.iter().map(|l| l.replace('\n', " ")).collect::<Vec<_>>().join("\n");
        let b = parse_reader(input.as_bytes());
        prop_assert_eq!(b.report.lines - b.report.blank_lines, b.procedures.len() + b.errors.len());
    }
}

#[test]
fn reader_reports_bad_lines() {
    let input = "{\"ma_thu_tuc\":\"1.000001\",\"ten_thu_tuc\":\"A\"}\nnot json\n\n[1]\n{\"ten_thu_tuc\":\"no code\"}\n\u{0}\n";
    let b = parse_reader(input.as_bytes());
    assert_eq!(b.procedures.len(), 1);
    assert_eq!(b.errors.len(), 4);
    assert_eq!(b.report.blank_lines, 1);
    assert_eq!(b.errors[0].line, 2);
    let mut bytes = b"{\"ma_thu_tuc\":\"1.000002\"}\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    let b = parse_reader(bytes.as_slice());
    assert_eq!(b.procedures.len(), 1);
    assert_eq!(b.errors[0].error, motcua_catalog::LineError::InvalidUtf8);
}
