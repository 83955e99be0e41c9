//! Catalog types (SPEC §3): one [`Procedure`] as the national procedure database publishes
//! it, with what the parser could extract from the run-together web table cells and, in
//! [`RawFields`], every original text beside it.
//!
//! All types serialize with serde; enum values use snake_case (`"online"`, `"in_person"`,
//! `"working_days"`, `"full_process"`, …) as the public API documents.

pub mod eform;
pub mod process;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One administrative procedure (thủ tục hành chính).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Procedure {
    /// National code, e.g. `1.000080` (`ma_thu_tuc`).
    pub code: String,
    /// Local variant codes (none in the national export; kept for provincial variants).
    #[serde(default)]
    pub variant_codes: Vec<String>,
    pub name: String,
    /// The decision that published the procedure (`so_quyet_dinh`), e.g. `163/QĐ-BTP`.
    pub decision: Option<String>,
    /// Implementing levels (`cap_thuc_hien`); a procedure may be run at several levels.
    pub levels: Vec<Level>,
    /// Procedure type as published (`loai_thu_tuc`), e.g. "TTHC được giao luật quy định chi tiết".
    pub procedure_type: Option<String>,
    /// Fields (lĩnh vực). The portal gives one per procedure; commas belong to the name
    /// ("Khiếu nại, tố cáo"), so the value is not split.
    pub fields: Vec<String>,
    pub subjects: Vec<Subject>,
    /// Competent agency (`co_quan_co_tham_quyen`, falling back to `co_quan_thuc_hien`).
    pub competent_agency: Option<String>,
    /// Implementing agency as published (`co_quan_thuc_hien`).
    pub implementing_agency: Option<String>,
    pub authorized_agency: Option<String>,
    pub coordinating_agencies: Vec<String>,
    pub receiving_address: Option<String>,
    pub related_procedures: Vec<RelatedProcedure>,
    /// Steps (trình tự thực hiện) as published text.
    pub steps: String,
    /// Channels (cách thức thực hiện), one per published table row: a channel kind may appear
    /// several times when the portal lists several cases with different times or fees.
    pub channels: Vec<Channel>,
    pub documents: Vec<RequiredDocument>,
    pub legal_basis: Vec<LegalDocument>,
    /// Conditions (yêu cầu, điều kiện), `None` when the portal has none.
    pub conditions: Option<String>,
    pub results: Vec<ResultDoc>,
    /// Keywords ("Từ khóa") the portal attaches to the results, if any.
    pub keywords: Vec<String>,
    pub online_level: OnlineLevel,
    /// How [`Procedure::online_level`] was decided.
    pub online_level_basis: OnlineLevelBasis,
    /// Every original field, untouched.
    pub raw: RawFields,
}

impl Procedure {
    /// The channels of one kind, in published order.
    pub fn channels_of(&self, kind: ChannelKind) -> impl Iterator<Item = &Channel> {
        self.channels.iter().filter(move |c| c.kind == kind)
    }

    /// Whether online submission (a "Trực tuyến" row) is offered.
    pub fn offers_online(&self) -> bool {
        self.channels.iter().any(|c| c.kind == ChannelKind::Online)
    }
}

/// Implementing level (cấp thực hiện).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Cấp bộ (ministry / central).
    Ministry,
    /// Cấp tỉnh.
    Province,
    /// Cấp xã.
    Commune,
    /// Cơ quan khác, or anything unrecognised (the raw text stays in [`RawFields`]).
    Other,
}

/// A subject (đối tượng thực hiện): the classified kind and the published text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Subject {
    pub kind: SubjectKind,
    pub text: String,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// Công dân Việt Nam.
    Citizen,
    /// Người nước ngoài.
    Foreigner,
    /// Người Việt Nam định cư ở nước ngoài.
    OverseasVietnamese,
    /// Doanh nghiệp, Doanh nghiệp Việt Nam.
    Business,
    /// Doanh nghiệp có vốn đầu tư nước ngoài.
    ForeignInvestedBusiness,
    /// Hợp tác xã.
    Cooperative,
    /// Tổ chức (không bao gồm doanh nghiệp, HTX).
    Organisation,
    /// Tổ chức nước ngoài.
    ForeignOrganisation,
    /// Cán bộ, công chức, viên chức.
    CivilServant,
    /// Đảng viên.
    PartyMember,
    /// Tổ chức Đảng.
    PartyOrganisation,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelatedProcedure {
    pub code: Option<String>,
    pub name: String,
}

/// Channel kind (hình thức nộp).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Trực tuyến.
    Online,
    /// Trực tiếp.
    InPerson,
    /// Dịch vụ bưu chính.
    Postal,
}

/// One row of the "cách thức thực hiện" table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Channel {
    pub kind: ChannelKind,
    pub duration: Option<Duration>,
    /// The time cell as published ("7 Ngày làm việc", "Không có thông tin", …).
    pub duration_text: String,
    /// Representative fee in VND: 0 when free, `None` when not given or not in VND.
    pub fee_vnd: Option<i64>,
    pub fee: Option<Fee>,
    /// The fee cell as published, including its parenthesised note.
    pub fee_text: String,
    pub description: String,
}

/// A processing time.
///
/// `value` is a whole number. Fractional published values are converted exactly to the next
/// finer unit: working days × 8 → [`DurationUnit::WorkingHours`] (the 8-hour civil-service
/// day), days × 24 → hours, months × 30 → days (marked `approximate`); fractional hours are
/// rounded up. Years become months (× 12), weeks days (× 7), minutes hours (rounded up).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Duration {
    pub value: u32,
    pub unit: DurationUnit,
    pub source: DurationSource,
    /// True when a conversion (months → days, minutes → hours, …) was not exact.
    #[serde(default)]
    pub approximate: bool,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    WorkingDays,
    /// Only produced for fractional working days (1.5 working days = 12 working hours).
    WorkingHours,
    Days,
    Hours,
    Months,
}

/// Where a duration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationSource {
    /// The time cell, number and unit ("7 Ngày làm việc").
    Cell,
    /// The time cell held a bare number ("7"); the unit was found next to the same number in
    /// the channel description or the steps.
    CellUnitFromText,
    /// The time cell held a bare number and nothing told its unit: working days assumed
    /// (the portal's usual unit).
    CellUnitAssumed,
    /// No usable time cell; taken from prose such as "Trong thời hạn 05 ngày làm việc".
    Prose,
}

/// A fee. `amount` is what was written (in `currency` units); `vnd` the VND value when known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Fee {
    pub kind: FeeKind,
    pub amount: Option<i64>,
    pub currency: Option<Currency>,
    pub vnd: Option<i64>,
    pub source: FeeSource,
    /// Several different amounts were found (per case, per item); `amount` is the first.
    #[serde(default)]
    pub varies: bool,
    /// The text says the amount is set locally (HĐND/UBND cấp tỉnh).
    #[serde(default)]
    pub locally_determined: bool,
    /// An interpretation the parser had to make, e.g. that "20 VNĐ" means 20,000 đồng.
    pub assumption: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    Free,
    Amount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Currency {
    Vnd,
    Usd,
    Eur,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FeeSource {
    /// The fee cell ("Miễn phí", "70,000 Việt Nam Đồng").
    Cell,
    /// The parenthesised note of the fee cell: the cell said "Miễn phí" (the portal's
    /// default) while its note states amounts ("Lệ phí …: 135.000 đồng").
    CellNote,
    /// The channel description ("Lệ phí: 50.000 đồng") when the cell had no information.
    Description,
}

/// One entry of "thành phần hồ sơ".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequiredDocument {
    pub name: String,
    /// Template file names (mẫu đơn, tờ khai), e.g. `Mau NA20-BCA.docx`.
    pub templates: Vec<String>,
    pub originals: Option<u32>,
    pub copies: Option<u32>,
    pub requirement: Requirement,
    /// The case heading when the list is grouped ("Giấy tờ phải xuất trình", "Trường hợp …").
    pub group: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Required,
    /// Only in some cases: "(nếu có)", "trường hợp …", "đối với …".
    Conditional,
}

/// One legal document of the legal basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LegalDocument {
    /// Document number, e.g. `53/2025/TT-BCA`, `59/2020/QH14`.
    pub number: Option<String>,
    pub title: String,
    /// Kind derived from the number or title: "Luật", "Nghị định", "Thông tư", …
    pub doc_type: Option<String>,
    pub issued: Option<NaiveDate>,
    pub year: Option<i32>,
    pub issuer: Option<String>,
}

/// One result (kết quả xử lý).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResultDoc {
    /// Result code, e.g. `KQ.G01.000064`.
    pub code: Option<String>,
    pub name: String,
}

/// Online public service level (Decree 42/2022/NĐ-CP).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình: every step online.
    FullProcess,
    /// Một phần: some steps online.
    Partial,
    None,
}

/// How the online level was inferred. The portal export has no level field, so:
/// the procedure name stating "toàn trình" / "một phần" decides (`Explicit`); otherwise an
/// online channel gives `Partial` (`OnlineChannel`: submission is online, but whether every
/// step is cannot be told from the catalog — agencies raise it in their local settings); no
/// online channel gives `None` (`NoOnlineChannel`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevelBasis {
    Explicit,
    OnlineChannel,
    NoOnlineChannel,
}

/// The original national-portal fields, untouched (not even Unicode-normalized).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RawFields {
    pub ma_thu_tuc: String,
    pub detail_url: String,
    pub formality_id: String,
    pub ten_thu_tuc: String,
    pub so_quyet_dinh: String,
    pub cap_thuc_hien: String,
    pub loai_thu_tuc: String,
    pub linh_vuc: String,
    pub doi_tuong_thuc_hien: String,
    pub co_quan_co_tham_quyen: String,
    pub dia_chi_tiep_nhan: String,
    pub co_quan_duoc_uy_quyen: String,
    pub co_quan_phoi_hop: String,
    pub thu_tuc_lien_quan: String,
    pub trinh_tu_thuc_hien: String,
    pub cach_thuc_thuc_hien: String,
    pub thanh_phan_ho_so: String,
    pub can_cu_phap_ly: String,
    pub co_quan_thuc_hien: String,
    pub yeu_cau_dieu_kien: String,
    pub ket_qua_xu_ly: String,
    pub raw_text: String,
    /// Any field this version does not know, kept as it came.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// One problem in an administrator-edited definition (e-form, internal process): the path
/// of the offending field and a message in Vietnamese (first) and English.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, utoipa::ToSchema,
)]
#[error("{path}: {message_en}")]
pub struct DefinitionError {
    /// Path in the definition, e.g. `fields[2].options`.
    pub path: String,
    /// Stable machine-readable reason, e.g. `required`, `duplicate`, `range`.
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl DefinitionError {
    pub fn new(
        path: impl Into<String>,
        code: &str,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            code: code.to_owned(),
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }

    pub(crate) fn required(path: impl Into<String>) -> Self {
        Self::new(
            path,
            "required",
            "Trường này là bắt buộc.",
            "This field is required.",
        )
    }
}
