//! motcua's working calendar: everything an appointment date depends on, as pure functions
//! and data (no I/O).
//!
//! * [`lunar`]: the Vietnamese lunar calendar (UTC+7) — Tết and 10/3 lunar move every year.
//! * [`holidays`]: the statutory holidays (Labour Code 2019, art. 112) and their default
//!   placement with compensatory days.
//! * [`notice`]: the government's yearly notices as data (bundled for 2024–2026,
//!   administrator-editable), overriding the defaults.
//! * [`week`]: a receiving point's working days and hours, and [`WeekDefinition`], the
//!   checked form people write them in (API, forms).
//! * [`calendar`]: [`WorkCalendar`], all of the above precomputed over a range of years.
//! * [`deadline`]: due moments (Civil Code 2015, art. 147–148), pause/resume, remaining
//!   time, per-step budgets.
//! * [`summary`]: the JSON shapes of the CLI and the API.
//!
//! Typical use:
//!
//! ```
//! use chrono::DateTime;
//! use motcua_calendar::{Duration, WorkCalendar};
//!
//! let cal = WorkCalendar::standard();
//! let received = DateTime::parse_from_rfc3339("2025-11-21T10:00:00+07:00").unwrap();
//! let due = cal.due(received, Duration::WorkingDays(5)).unwrap();
//! assert_eq!(due.to_rfc3339(), "2025-11-28T17:00:00+07:00");
//! ```

pub mod calendar;
pub mod deadline;
pub mod error;
pub mod holidays;
pub mod lunar;
pub mod notice;
pub mod summary;
pub mod week;

pub use calendar::{CalendarConfig, WorkCalendar, vietnam};
pub use deadline::{Duration, Pause, Resume, StepPlan, WorkingTime, is_overdue, split_budget};
pub use error::{CalendarError, FieldError, Validation};
pub use holidays::{AdjacentDay, DayOff, HolidayKind, HolidayRules};
pub use lunar::{LunarDate, LunarError};
pub use notice::{NamedDay, NoticeDayOff, NoticeSet, NoticeWorkday, YearNotice, apply_notices};
pub use summary::{YearSummary, tet_range, year_summary};
pub use week::{HoursDefinition, Interval, WeekDefinition, WorkWeek, weekday_name};
