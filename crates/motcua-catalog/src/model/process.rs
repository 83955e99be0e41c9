//! Per-agency internal process (quy trình nội bộ): ordered steps, each with a role and a time
//! budget; the budgets add up to the procedure's processing time.

use serde::{Deserialize, Serialize};

use super::{DefinitionError, Duration, DurationUnit};

/// Who performs a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepRole {
    /// Bộ phận một cửa: receives and checks the dossier.
    Reception,
    /// Chuyên viên thụ lý: examines the dossier.
    Specialist,
    /// Lãnh đạo phòng: reviews.
    Reviewer,
    /// Lãnh đạo cơ quan: approves and signs.
    Approver,
    /// Văn thư: numbers, stamps, issues.
    Clerk,
    /// Trả kết quả.
    ResultReturn,
    /// Another agency consulted (phối hợp).
    External,
}

/// A time budget: like [`Duration`] without provenance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeBudget {
    pub value: u32,
    pub unit: DurationUnit,
}

/// How budgets are compared: working time in working hours (8 per working day), calendar
/// time in hours, months on their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    WorkingHours(u64),
    Hours(u64),
    Months(u64),
}

impl TimeBudget {
    fn measure(self) -> Measure {
        let v = u64::from(self.value);
        match self.unit {
            DurationUnit::WorkingDays => Measure::WorkingHours(v * 8),
            DurationUnit::WorkingHours => Measure::WorkingHours(v),
            DurationUnit::Days => Measure::Hours(v * 24),
            DurationUnit::Hours => Measure::Hours(v),
            DurationUnit::Months => Measure::Months(v),
        }
    }
}

impl From<&Duration> for TimeBudget {
    fn from(d: &Duration) -> Self {
        Self {
            value: d.value,
            unit: d.unit,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalStep {
    /// 1-based position.
    pub order: u32,
    pub name: String,
    pub role: StepRole,
    pub budget: TimeBudget,
    #[serde(default)]
    pub description: Option<String>,
}

/// The internal process one agency follows for one procedure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternalProcess {
    pub procedure_code: String,
    pub agency_code: String,
    pub steps: Vec<InternalStep>,
}

fn fmt_measure(m: Measure) -> (String, String) {
    match m {
        Measure::WorkingHours(h) if h % 8 == 0 => (
            format!("{} ngày làm việc", h / 8),
            format!("{} working days", h / 8),
        ),
        Measure::WorkingHours(h) => (format!("{h} giờ làm việc"), format!("{h} working hours")),
        Measure::Hours(h) if h % 24 == 0 => {
            (format!("{} ngày", h / 24), format!("{} days", h / 24))
        }
        Measure::Hours(h) => (format!("{h} giờ"), format!("{h} hours")),
        Measure::Months(m) => (format!("{m} tháng"), format!("{m} months")),
    }
}

impl InternalProcess {
    /// The sum of the step budgets, when every step uses a comparable unit.
    fn total_measure(&self) -> Option<Measure> {
        let mut total: Option<Measure> = None;
        for s in &self.steps {
            let m = s.budget.measure();
            total = Some(match (total, m) {
                (None, m) => m,
                (Some(Measure::WorkingHours(a)), Measure::WorkingHours(b)) => {
                    Measure::WorkingHours(a + b)
                }
                (Some(Measure::Hours(a)), Measure::Hours(b)) => Measure::Hours(a + b),
                (Some(Measure::Months(a)), Measure::Months(b)) => Measure::Months(a + b),
                _ => return None,
            });
        }
        total
    }

    /// The sum of the budgets as a [`TimeBudget`] (whole working days / days when exact).
    pub fn total_budget(&self) -> Option<TimeBudget> {
        let (value, unit) = match self.total_measure()? {
            Measure::WorkingHours(h) if h % 8 == 0 => (h / 8, DurationUnit::WorkingDays),
            Measure::WorkingHours(h) => (h, DurationUnit::WorkingHours),
            Measure::Hours(h) if h % 24 == 0 => (h / 24, DurationUnit::Days),
            Measure::Hours(h) => (h, DurationUnit::Hours),
            Measure::Months(m) => (m, DurationUnit::Months),
        };
        Some(TimeBudget {
            value: u32::try_from(value).ok()?,
            unit,
        })
    }

    /// Checks the definition; with `processing_time`, also that the budgets add up to it.
    pub fn validate(&self, processing_time: Option<&Duration>) -> Result<(), Vec<DefinitionError>> {
        let mut errors = Vec::new();
        if self.procedure_code.trim().is_empty() {
            errors.push(DefinitionError::required("procedure_code"));
        }
        if self.agency_code.trim().is_empty() {
            errors.push(DefinitionError::required("agency_code"));
        }
        if self.steps.is_empty() {
            errors.push(DefinitionError::new(
                "steps",
                "required",
                "Quy trình phải có ít nhất một bước.",
                "The process needs at least one step.",
            ));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let path = format!("steps[{i}]");
            if usize::try_from(s.order).ok() != Some(i + 1) {
                errors.push(DefinitionError::new(
                    format!("{path}.order"),
                    "order",
                    format!("Bước thứ {} phải có số thứ tự {}.", i + 1, i + 1),
                    format!("Step {} must have order {}.", i + 1, i + 1),
                ));
            }
            let name = s.name.trim();
            if name.is_empty() {
                errors.push(DefinitionError::required(format!("{path}.name")));
            } else if name.chars().count() > 500 {
                errors.push(DefinitionError::new(
                    format!("{path}.name"),
                    "too_long",
                    "Tên bước không được dài quá 500 ký tự.",
                    "A step name must be at most 500 characters long.",
                ));
            }
            if s.budget.value == 0 {
                errors.push(DefinitionError::new(
                    format!("{path}.budget.value"),
                    "range",
                    "Thời gian của bước phải lớn hơn 0.",
                    "A step's time budget must be greater than 0.",
                ));
            }
        }
        if !self.steps.is_empty() {
            match self.total_measure() {
                None => errors.push(DefinitionError::new(
                    "steps",
                    "mixed_units",
                    "Các bước phải cùng loại đơn vị thời gian (ngày làm việc/giờ làm việc, ngày/giờ, hoặc tháng).",
                    "All steps must use comparable units (working days/hours, days/hours, or months).",
                )),
                Some(total) => {
                    if let Some(expected) = processing_time {
                        let expected_m = TimeBudget::from(expected).measure();
                        if total != expected_m {
                            let (tv, te) = fmt_measure(total);
                            let (ev, ee) = fmt_measure(expected_m);
                            errors.push(DefinitionError::new(
                                "steps",
                                "total_mismatch",
                                format!("Tổng thời gian các bước ({tv}) phải bằng thời hạn giải quyết ({ev})."),
                                format!("The steps add up to {te}; the processing time is {ee}."),
                            ));
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DurationSource;

    fn step(order: u32, role: StepRole, value: u32, unit: DurationUnit) -> InternalStep {
        InternalStep {
            order,
            name: format!("Bước {order}"),
            role,
            budget: TimeBudget { value, unit },
            description: None,
        }
    }

    fn process(steps: Vec<InternalStep>) -> InternalProcess {
        InternalProcess {
            procedure_code: "1.000080".into(),
            agency_code: "UBND-XA".into(),
            steps,
        }
    }

    #[test]
    fn budgets_add_up() {
        let p = process(vec![
            step(1, StepRole::Reception, 4, DurationUnit::WorkingHours),
            step(2, StepRole::Specialist, 5, DurationUnit::WorkingDays),
            step(3, StepRole::Approver, 1, DurationUnit::WorkingDays),
            step(4, StepRole::ResultReturn, 4, DurationUnit::WorkingHours),
        ]);
        let seven = Duration {
            value: 7,
            unit: DurationUnit::WorkingDays,
            source: DurationSource::Cell,
            approximate: false,
        };
        assert_eq!(p.validate(Some(&seven)), Ok(()));
        assert_eq!(
            p.total_budget(),
            Some(TimeBudget {
                value: 7,
                unit: DurationUnit::WorkingDays
            })
        );
        let five = Duration { value: 5, ..seven };
        let err = p.validate(Some(&five)).unwrap_err();
        assert_eq!(err[0].code, "total_mismatch");
        assert!(err[0].message_en.contains("7 working days"));
    }

    #[test]
    fn refuses_bad_definitions() {
        let p = InternalProcess {
            procedure_code: String::new(),
            agency_code: "A".into(),
            steps: vec![
                step(2, StepRole::Reception, 0, DurationUnit::WorkingDays),
                step(2, StepRole::Approver, 1, DurationUnit::Days),
            ],
        };
        let errs = p.validate(None).unwrap_err();
        let paths: Vec<&str> = errs.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"procedure_code"));
        assert!(paths.contains(&"steps[0].order"));
        assert!(paths.contains(&"steps[0].budget.value"));
        assert!(errs.iter().any(|e| e.code == "mixed_units"));
        assert!(process(vec![]).validate(None).is_err());
    }
}
