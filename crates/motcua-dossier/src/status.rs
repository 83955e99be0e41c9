//! Dossier states with the national portal's status codes (for synchronisation).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nháp: online, not yet sent.
    Draft,
    /// Mới đăng ký: submitted, waiting for reception.
    Submitted,
    /// Đã tiếp nhận: received, appointment issued.
    Received,
    /// Không được tiếp nhận: refused at reception.
    Refused,
    /// Đang xử lý: in the agency's internal process.
    Processing,
    /// Yêu cầu bổ sung: the applicant must supplement.
    SupplementRequested,
    /// Chờ thực hiện nghĩa vụ tài chính.
    AwaitingFees,
    /// Công dân rút hồ sơ.
    Withdrawn,
    /// Dừng xử lý.
    Stopped,
    /// Đã xử lý xong: the result is ready.
    Processed,
    /// Đã trả kết quả.
    Returned,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Submitted,
        Status::Received,
        Status::Refused,
        Status::Processing,
        Status::SupplementRequested,
        Status::AwaitingFees,
        Status::Withdrawn,
        Status::Stopped,
        Status::Processed,
        Status::Returned,
    ];

    /// The national portal's status code; drafts have none.
    pub fn national_code(self) -> Option<u8> {
        Some(match self {
            Status::Draft => return None,
            Status::Submitted => 1,
            Status::Received => 2,
            Status::Refused => 3,
            Status::Processing => 4,
            Status::SupplementRequested => 5,
            Status::AwaitingFees => 6,
            Status::Withdrawn => 7,
            Status::Stopped => 8,
            Status::Processed => 9,
            Status::Returned => 10,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::Refused => "refused",
            Status::Processing => "processing",
            Status::SupplementRequested => "supplement_requested",
            Status::AwaitingFees => "awaiting_fees",
            Status::Withdrawn => "withdrawn",
            Status::Stopped => "stopped",
            Status::Processed => "processed",
            Status::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Draft => "Nháp",
            Status::Submitted => "Mới đăng ký",
            Status::Received => "Đã tiếp nhận",
            Status::Refused => "Không được tiếp nhận",
            Status::Processing => "Đang xử lý",
            Status::SupplementRequested => "Yêu cầu bổ sung",
            Status::AwaitingFees => "Chờ thực hiện nghĩa vụ tài chính",
            Status::Withdrawn => "Công dân rút hồ sơ",
            Status::Stopped => "Dừng xử lý",
            Status::Processed => "Đã xử lý xong",
            Status::Returned => "Đã trả kết quả",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Submitted => "Submitted",
            Status::Received => "Received",
            Status::Refused => "Not accepted",
            Status::Processing => "Being processed",
            Status::SupplementRequested => "Supplement requested",
            Status::AwaitingFees => "Waiting for fees",
            Status::Withdrawn => "Withdrawn",
            Status::Stopped => "Processing stopped",
            Status::Processed => "Processed; result ready",
            Status::Returned => "Result returned",
        }
    }

    /// No command leaves these states.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Refused | Status::Withdrawn | Status::Stopped | Status::Returned
        )
    }

    /// Whether the appointment clock is running (received and not paused or finished).
    pub fn clock_runs(self) -> bool {
        matches!(
            self,
            Status::Received | Status::Processing | Status::AwaitingFees
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_codes_are_those_of_the_portal() {
        let codes: Vec<_> = Status::ALL.iter().map(|s| s.national_code()).collect();
        assert_eq!(
            codes,
            [
                None,
                Some(1),
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                Some(9),
                Some(10)
            ]
        );
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert!(!s.label_vi().is_empty() && !s.label_en().is_empty());
        }
    }
}
