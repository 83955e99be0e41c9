//! The working calendar in force: the bundled notices overridden by those administrators
//! stored, precomputed once and rebuilt only when a notice changes, so a due date costs
//! nanoseconds on every request. Receiving points with a work week of their own get the same
//! calendar for their week, built on first use and kept until a notice changes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

use motcua_calendar::{CalendarConfig, NoticeSet, WorkCalendar, WorkWeek, YearNotice};
use motcua_domain::agency::AgencyCode;
use motcua_domain::{FieldError, Validation};
use motcua_store::{Store, StoreError};

pub struct CalendarService {
    current: RwLock<Arc<InForce>>,
}

/// The calendar of the standard week and those of the other weeks asked for, all from the
/// same notices.
struct InForce {
    standard: Arc<WorkCalendar>,
    by_week: Mutex<HashMap<WorkWeek, Arc<WorkCalendar>>>,
}

/// Distinct weeks kept at once (each calendar is a few hundred kilobytes); past that the
/// cache starts over.
const MAX_WEEKS: usize = 64;

impl InForce {
    fn new(standard: WorkCalendar) -> Arc<Self> {
        Arc::new(Self {
            standard: Arc::new(standard),
            by_week: Mutex::new(HashMap::new()),
        })
    }
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
    #[error("stored work week of receiving point {point} of {agency} is unreadable: {reason}")]
    CorruptWeek {
        agency: String,
        point: String,
        reason: String,
    },
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
            current: RwLock::new(InForce::new(load(store).await?)),
        })
    }

    /// The calendar of the standard week.
    pub fn get(&self) -> Arc<WorkCalendar> {
        self.current.read().expect("calendar lock").standard.clone()
    }

    /// The calendar for a receiving point's week (`None`: the standard week).
    pub fn for_week(
        &self,
        week: Option<&WorkWeek>,
    ) -> Result<Arc<WorkCalendar>, CalendarServiceError> {
        let in_force = self.current.read().expect("calendar lock").clone();
        let Some(week) = week.filter(|w| *w != &in_force.standard.config().week) else {
            return Ok(in_force.standard.clone());
        };
        if let Some(found) = in_force.by_week.lock().expect("week cache lock").get(week) {
            return Ok(found.clone());
        }
        // Built outside the lock (a few milliseconds); two first requests may both build.
        let built = Arc::new(in_force.standard.with_week(week.clone())?);
        let mut cache = in_force.by_week.lock().expect("week cache lock");
        if cache.len() >= MAX_WEEKS {
            cache.clear();
        }
        cache.insert(week.clone(), built.clone());
        Ok(built)
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
        *self.current.write().expect("calendar lock") = InForce::new(calendar);
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
        *self.current.write().expect("calendar lock") = InForce::new(calendar);
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

/// Decodes a receiving point's stored week.
pub fn decode_week(
    agency: &str,
    point: &str,
    json: &str,
) -> Result<WorkWeek, CalendarServiceError> {
    serde_json::from_str(json).map_err(|e| CalendarServiceError::CorruptWeek {
        agency: agency.to_owned(),
        point: point.to_owned(),
        reason: e.to_string(),
    })
}

/// The work week of the receiving point `point` of agency `agency`, as a due-date request
/// names them (both or neither; `None` for neither or for a point on the default week). A
/// missing, malformed or unknown code is refused naming `agency` or `point`.
pub async fn point_week(
    store: &dyn Store,
    agency: Option<&str>,
    point: Option<&str>,
) -> Result<Option<WorkWeek>, CalendarServiceError> {
    fn given(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    let (agency, point) = match (given(agency), given(point)) {
        (None, None) => return Ok(None),
        (Some(a), Some(p)) => (a, p),
        (None, Some(_)) => return Err(Validation::from(point_field_required("agency")).into()),
        (Some(_), None) => return Err(Validation::from(point_field_required("point")).into()),
    };
    let code: AgencyCode = agency.parse().map_err(|_| {
        Validation::from(FieldError::new(
            "agency",
            "format",
            "Mã cơ quan phải có dạng 000.00.00.H29 (QCVN 102:2016).",
            "The agency code must look like 000.00.00.H29 (QCVN 102:2016).",
        ))
    })?;
    match store.receiving_point_week(&code, point).await {
        Ok(None) => Ok(None),
        Ok(Some(json)) => decode_week(agency, point, &json).map(Some),
        Err(StoreError::NotFound) => {
            let unknown = if store.get_agency(&code).await?.is_none() {
                FieldError::new(
                    "agency",
                    "unknown",
                    "Không tìm thấy cơ quan.",
                    "No such agency.",
                )
            } else {
                FieldError::new(
                    "point",
                    "unknown",
                    "Cơ quan không có điểm tiếp nhận này.",
                    "The agency has no such receiving point.",
                )
            };
            Err(Validation::from(unknown).into())
        }
        Err(e) => Err(e.into()),
    }
}

fn point_field_required(field: &str) -> FieldError {
    FieldError::new(
        field,
        "required",
        "Cần cả mã cơ quan (agency) và mã điểm tiếp nhận (point), hoặc không có cả hai.",
        "Give both the agency code (agency) and the receiving point code (point), or neither.",
    )
}
