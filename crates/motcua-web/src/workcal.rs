//! The working calendar in force: the bundled notices overridden by those administrators
//! stored, precomputed once and rebuilt only when a notice changes, so a due date costs
//! nanoseconds on every request.

use std::sync::{Arc, RwLock};

use motcua_calendar::{CalendarConfig, NoticeSet, WorkCalendar, YearNotice};
use motcua_domain::{FieldError, Validation};
use motcua_store::{Store, StoreError};

pub struct CalendarService {
    current: RwLock<Arc<WorkCalendar>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CalendarServiceError {
    #[error(transparent)]
    Invalid(#[from] Validation),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("stored calendar notice of {year} is unreadable: {reason}")]
    Corrupt { year: i32, reason: String },
    #[error(transparent)]
    Calendar(#[from] motcua_calendar::CalendarError),
}

/// The stored notices, decoded.
pub async fn stored_notices(store: &dyn Store) -> Result<Vec<YearNotice>, CalendarServiceError> {
    store
        .calendar_notices()
        .await?
        .into_iter()
        .map(|(year, json)| {
            serde_json::from_str(&json).map_err(|e| CalendarServiceError::Corrupt {
                year,
                reason: e.to_string(),
            })
        })
        .collect()
}

fn build(notices: NoticeSet) -> Result<WorkCalendar, CalendarServiceError> {
    Ok(WorkCalendar::new(CalendarConfig {
        notices,
        ..CalendarConfig::default()
    })?)
}

/// The calendar from the bundled notices plus `stored` ones (a stored year replaces the
/// bundled notice of that year).
pub fn calendar_with(stored: Vec<YearNotice>) -> Result<WorkCalendar, CalendarServiceError> {
    let mut notices = NoticeSet::bundled();
    notices.apply(stored)?;
    build(notices)
}

/// The calendar in force according to the database.
pub async fn load(store: &dyn Store) -> Result<WorkCalendar, CalendarServiceError> {
    calendar_with(stored_notices(store).await?)
}

impl CalendarService {
    pub async fn load(store: &dyn Store) -> Result<Self, CalendarServiceError> {
        Ok(Self {
            current: RwLock::new(Arc::new(load(store).await?)),
        })
    }

    pub fn get(&self) -> Arc<WorkCalendar> {
        self.current.read().expect("calendar lock").clone()
    }

    /// Validates and stores a notice, then swaps in the rebuilt calendar. An invalid notice,
    /// or one the calendar cannot be built with, changes nothing.
    pub async fn put_notice(
        &self,
        store: &dyn Store,
        notice: YearNotice,
    ) -> Result<(), CalendarServiceError> {
        notice.validate()?;
        let mut stored = stored_notices(store).await?;
        stored.retain(|n| n.year != notice.year);
        stored.push(notice.clone());
        let calendar = calendar_with(stored)?;
        let json = serde_json::to_string(&notice).map_err(|e| CalendarServiceError::Corrupt {
            year: notice.year,
            reason: e.to_string(),
        })?;
        store.put_calendar_notice(notice.year, &json).await?;
        *self.current.write().expect("calendar lock") = Arc::new(calendar);
        Ok(())
    }

    /// Removes an administrator's notice: the year falls back to the bundled notice or the
    /// statutory defaults.
    pub async fn remove_notice(
        &self,
        store: &dyn Store,
        year: i32,
    ) -> Result<bool, CalendarServiceError> {
        let removed = store.delete_calendar_notice(year).await?;
        let calendar = load(store).await?;
        *self.current.write().expect("calendar lock") = Arc::new(calendar);
        Ok(removed)
    }
}

/// The error for a year outside the calendar, naming the field.
pub fn year_error(field: &str, years: std::ops::RangeInclusive<i32>) -> FieldError {
    FieldError::new(
        field,
        "range",
        format!("Năm phải trong khoảng {}–{}.", years.start(), years.end()),
        format!("The year must be within {}–{}.", years.start(), years.end()),
    )
}
