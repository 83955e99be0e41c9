//! Due moments, following the Civil Code 2015, art. 147–148.
//!
//! * The day of the event (reception) is not counted: a period in days starts the next day.
//! * A period in days, working days or months ends at the end of its last day; if that day
//!   is a day off, at the end of the next working day.
//! * A period in hours starts at the moment of the event.
//! * A zero-length period (0 days, 0 working days, 0 months) ends at the end of the
//!   reception day, or of the next working day if that one is off or already closed.
//!
//! **The end of a day is the end of its working hours** (17:00 by default; 11:30 on a
//! Saturday-morning day), not the Civil Code's 24:00. Why: the appointment is a time the
//! applicant comes to collect the result and the agency must have it ready, which is only
//! possible while the office is open; an appointment at midnight would give the agency
//! until the next morning in practice. This is also what appointment slips print.
//!
//! Working hours count only time inside the working hours of working days. Pausing (the
//! applicant must supplement the dossier) keeps the working time left; resuming adds it to
//! the moment of resumption, or restarts the whole period when the procedure says so.

use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

use chrono::{DateTime, FixedOffset, Months, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{WorkCalendar, vietnam};
use crate::error::CalendarError;

/// An amount of working time, in seconds; negative means "overdue by".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct WorkingTime(i64);

impl WorkingTime {
    pub const ZERO: Self = Self(0);

    pub const fn from_seconds(seconds: i64) -> Self {
        Self(seconds)
    }

    pub const fn from_minutes(minutes: i64) -> Self {
        Self(minutes * 60)
    }

    pub const fn from_hours(hours: i64) -> Self {
        Self(hours * 3600)
    }

    pub const fn seconds(self) -> i64 {
        self.0
    }

    /// Whole minutes, rounded toward zero.
    pub const fn minutes(self) -> i64 {
        self.0 / 60
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl Add for WorkingTime {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self(self.0 + rhs.0)
    }
}

impl Sub for WorkingTime {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self(self.0 - rhs.0)
    }
}

impl Neg for WorkingTime {
    type Output = Self;
    fn neg(self) -> Self {
        Self(-self.0)
    }
}

impl Sum for WorkingTime {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        Self(iter.map(|t| t.0).sum())
    }
}

/// A processing period, as procedures state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    /// N working days (ngày làm việc): the most common.
    WorkingDays(u32),
    /// N calendar days (ngày).
    Days(u32),
    /// N working hours (giờ làm việc), e.g. "trong 4 giờ làm việc".
    WorkingHours(u32),
    /// N months (tháng): same day number N months later, or that month's last day.
    Months(u32),
}

/// How the clock restarts after a supplement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resume {
    /// The working time left at the pause runs again from the resumption.
    Remaining,
    /// The whole period starts again, as if the dossier were received at the resumption.
    Restart(Duration),
}

/// A stopped clock: what was left when the dossier was paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub paused_at: DateTime<FixedOffset>,
    /// Working time from the pause to the due moment; negative if already overdue, so the
    /// dossier stays late by the same amount after resuming.
    pub remaining: WorkingTime,
}

/// One step's share of a period, and when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepPlan {
    pub budget: WorkingTime,
    pub due: DateTime<FixedOffset>,
}

/// Whether a result due at `due` is late at `now` (the due moment itself is still on time).
pub fn is_overdue(due: DateTime<FixedOffset>, now: DateTime<FixedOffset>) -> bool {
    now > due
}

/// Splits `total` among steps in proportion to `weights`, so that the shares add up to
/// exactly `total`: whole minutes by largest remainder (earlier steps win ties), leftover
/// seconds to the last step. Zero weights everywhere mean equal shares; a total of zero or
/// less goes entirely to the last step.
pub fn split_budget(total: WorkingTime, weights: &[u32]) -> Vec<WorkingTime> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let mut shares = vec![WorkingTime::ZERO; n];
    if total.0 <= 0 {
        shares[n - 1] = total;
        return shares;
    }
    let weights: Vec<u128> = if weights.iter().all(|&w| w == 0) {
        vec![1; n]
    } else {
        weights.iter().map(|&w| u128::from(w)).collect()
    };
    let sum: u128 = weights.iter().sum();
    let minutes = (total.0 / 60) as u128;
    let mut given = 0u128;
    let mut remainders = Vec::with_capacity(n);
    for (i, &w) in weights.iter().enumerate() {
        let exact = minutes * w;
        let whole = exact / sum;
        shares[i] = WorkingTime::from_minutes(whole as i64);
        given += whole;
        remainders.push((exact % sum, i));
    }
    // Largest remainders first; on equal remainders the earlier step.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take((minutes - given) as usize) {
        shares[i] = shares[i] + WorkingTime::from_minutes(1);
    }
    shares[n - 1] = shares[n - 1] + WorkingTime::from_seconds(total.0 % 60);
    shares
}

impl WorkCalendar {
    /// The due moment of a period starting at `received` (see the module docs for the
    /// rules). Every result is in UTC+7 and on a working day.
    pub fn due(
        &self,
        received: DateTime<FixedOffset>,
        duration: Duration,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        let (index, _) = self.split(received)?;
        let last_day = match duration {
            Duration::WorkingDays(0) => self.next_working_index(index)?,
            Duration::WorkingDays(n) => self.nth_working_index_after(index, n)?,
            Duration::Days(n) => {
                let last = index + n as usize;
                if last >= self.day_count() {
                    return Err(self.past_end());
                }
                self.next_working_index(last)?
            }
            Duration::Months(n) => {
                let date = self.date(index);
                let last = date
                    .checked_add_months(Months::new(n))
                    .ok_or_else(|| self.past_end())?;
                self.next_working_index(self.index(last)?)?
            }
            Duration::WorkingHours(h) => {
                return self.add_working_time(received, WorkingTime::from_hours(i64::from(h)));
            }
        };
        let due = self.close_of_business(last_day);
        if due < received {
            // Only a zero-length period received after closing: the next working day.
            return Ok(self.close_of_business(self.nth_working_index_after(last_day, 1)?));
        }
        Ok(due)
    }

    /// [`Self::due`] for a reception moment in UTC (interpreted in Vietnam time).
    pub fn due_utc(
        &self,
        received: DateTime<Utc>,
        duration: Duration,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        self.due(received.with_timezone(&vietnam()), duration)
    }

    /// Working time left until `due` at `now`; negative when overdue (by that much).
    pub fn remaining(
        &self,
        due: DateTime<FixedOffset>,
        now: DateTime<FixedOffset>,
    ) -> Result<WorkingTime, CalendarError> {
        self.working_time_between(now, due)
    }

    /// Stops the clock at `at` (supplement requested).
    pub fn pause(
        &self,
        due: DateTime<FixedOffset>,
        at: DateTime<FixedOffset>,
    ) -> Result<Pause, CalendarError> {
        Ok(Pause {
            paused_at: at,
            remaining: self.remaining(due, at)?,
        })
    }

    /// Restarts the clock at `at` (supplement received) and returns the new due moment.
    pub fn resume(
        &self,
        pause: &Pause,
        at: DateTime<FixedOffset>,
        how: Resume,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        match how {
            Resume::Remaining => self.add_working_time(at, pause.remaining),
            Resume::Restart(duration) => self.due(at, duration),
        }
    }

    /// Splits the working time from `start` to `due` among steps by `weights` (see
    /// [`split_budget`]) and gives each step's due moment; the last one is `due` itself.
    pub fn plan_steps(
        &self,
        start: DateTime<FixedOffset>,
        due: DateTime<FixedOffset>,
        weights: &[u32],
    ) -> Result<Vec<StepPlan>, CalendarError> {
        let budgets = split_budget(self.working_time_between(start, due)?, weights);
        let mut elapsed = WorkingTime::ZERO;
        let mut plan = Vec::with_capacity(budgets.len());
        for (i, &budget) in budgets.iter().enumerate() {
            elapsed = elapsed + budget;
            let step_due = if i + 1 == budgets.len() {
                due.with_timezone(&vietnam())
            } else {
                self.add_working_time(start, elapsed)?
            };
            plan.push(StepPlan {
                budget,
                due: step_due,
            });
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_adds_up() {
        let total = WorkingTime::from_hours(40);
        let parts = split_budget(total, &[1, 6, 2, 1]);
        assert_eq!(parts.iter().copied().sum::<WorkingTime>(), total);
        assert_eq!(
            parts,
            vec![
                WorkingTime::from_hours(4),
                WorkingTime::from_hours(24),
                WorkingTime::from_hours(8),
                WorkingTime::from_hours(4)
            ]
        );
        let odd = WorkingTime::from_seconds(100 * 60 + 7);
        let parts = split_budget(odd, &[1, 1, 1]);
        assert_eq!(
            parts,
            vec![
                WorkingTime::from_minutes(34),
                WorkingTime::from_minutes(33),
                WorkingTime::from_seconds(33 * 60 + 7)
            ]
        );
        assert_eq!(
            split_budget(odd, &[0, 0])
                .iter()
                .copied()
                .sum::<WorkingTime>(),
            odd
        );
        assert!(split_budget(odd, &[]).is_empty());
    }

    #[test]
    fn duration_serde() {
        assert_eq!(
            serde_json::to_string(&Duration::WorkingDays(5)).unwrap(),
            r#"{"working_days":5}"#
        );
        let d: Duration = serde_json::from_str(r#"{"working_hours":4}"#).unwrap();
        assert_eq!(d, Duration::WorkingHours(4));
    }
}
