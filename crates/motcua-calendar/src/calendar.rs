//! The working calendar, precomputed so that due dates cost nanoseconds.
//!
//! Why precompute: every list of dossiers shows remaining times and overdue flags, and the
//! indicators recompute thousands of them; looping over days (and recomputing the lunar
//! calendar for each Tết) would be far too slow. [`WorkCalendar::new`] resolves the rules,
//! the notices and the work week for a range of years once (about 40 000 days for
//! 1990–2100, a few hundred kilobytes), into:
//!
//! * the shape of every day (off, full day, Saturday morning);
//! * prefix counts of working days and the list of working days, so "the N-th working day
//!   after" is two array reads;
//! * prefix sums of working seconds, so "N working hours after" is a binary search.
//!
//! All moments are in Vietnam time, UTC+7 (no daylight saving); precision is one second.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone, Utc};

use crate::deadline::WorkingTime;
use crate::error::CalendarError;
use crate::holidays::HolidayRules;
use crate::notice::{NamedDay, NoticeSet, resolve_year};
use crate::week::{DayShape, Interval, WorkWeek};

/// Vietnam's UTC offset, in seconds.
pub const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;
const DAY: i64 = 86_400;

/// The UTC+7 offset every moment of this crate is expressed in.
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS).expect("valid offset")
}

/// Everything a calendar is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarConfig {
    /// Years covered; due dates beyond them are refused. Default 1990–2100.
    pub years: RangeInclusive<i32>,
    pub rules: HolidayRules,
    pub notices: NoticeSet,
    pub week: WorkWeek,
}

impl Default for CalendarConfig {
    /// 1990–2100, the default holiday rules, the bundled notices and the standard week.
    fn default() -> Self {
        Self {
            years: 1990..=2100,
            rules: HolidayRules::default(),
            notices: NoticeSet::bundled(),
            week: WorkWeek::standard(),
        }
    }
}

/// Working seconds of one kind of day, precompiled.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shape {
    /// (start, end) seconds since midnight.
    intervals: Vec<(u32, u32)>,
    /// End of the last interval: the "end of the working day" periods end at.
    close: u32,
}

impl Shape {
    fn new(intervals: &[Interval]) -> Self {
        let intervals: Vec<_> = intervals.iter().map(|i| i.seconds()).collect();
        let close = intervals.last().map_or(0, |&(_, e)| e);
        Self { intervals, close }
    }

    fn total(&self) -> u32 {
        self.intervals.iter().map(|(s, e)| e - s).sum()
    }

    /// Working seconds of this day before `second_of_day`.
    fn worked_before(&self, second_of_day: u32) -> u32 {
        self.intervals
            .iter()
            .map(|&(s, e)| second_of_day.clamp(s, e) - s)
            .sum()
    }

    /// The earliest second of the day by which `worked` working seconds (> 0) have passed.
    fn moment_after(&self, mut worked: u32) -> u32 {
        for &(s, e) in &self.intervals {
            if worked <= e - s {
                return s + worked;
            }
            worked -= e - s;
        }
        self.close
    }
}

/// A precomputed working calendar for one work week over a range of years.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    config: CalendarConfig,
    first: NaiveDate,
    /// Days since 1970-01-01 (UTC+7) of `first`.
    first_epoch_day: i64,
    /// Shape index of every day: see [`DayShape`].
    days: Vec<u8>,
    shapes: [Shape; 3],
    /// `work_prefix[i]`: working days among days `0..i`.
    work_prefix: Vec<u32>,
    /// Indices of the working days, in order.
    work_days: Vec<u32>,
    /// `second_prefix[i]`: working seconds in days `0..i`.
    second_prefix: Vec<i64>,
    /// Names of days off and make-up days.
    names: BTreeMap<NaiveDate, NamedDay>,
}

impl WorkCalendar {
    /// Builds the calendar; fails on an invalid work week or notice, or years outside
    /// 1900–2199.
    pub fn new(config: CalendarConfig) -> Result<Self, CalendarError> {
        config.week.validate().map_err(|e| e.prefixed("week"))?;
        let (first_year, last_year) = (*config.years.start(), *config.years.end());
        if first_year > last_year || first_year < 1900 || last_year > 2199 {
            return Err(CalendarError::UnsupportedYears(first_year, last_year));
        }
        for notice in config.notices.iter() {
            notice
                .validate()
                .map_err(|e| e.prefixed(&format!("notices[{}]", notice.year)))?;
        }
        let first = NaiveDate::from_ymd_opt(first_year, 1, 1).expect("valid date");
        let last = NaiveDate::from_ymd_opt(last_year, 12, 31).expect("valid date");

        let mut off = BTreeMap::new();
        let mut make_up = BTreeMap::new();
        for year in first_year - 1..=last_year + 1 {
            let notice = config.notices.get(year);
            let resolved = if config.years.contains(&year) {
                resolve_year(year, &config.rules, notice)?
            } else if let Some(notice) = notice {
                // A neighbouring year's notice may reach into the range (30/12 off).
                let only_notice = crate::notice::YearNotice {
                    replace_defaults: true,
                    ..notice.clone()
                };
                resolve_year(year, &config.rules, Some(&only_notice))?
            } else {
                continue;
            };
            for d in resolved.days_off {
                let named = NamedDay {
                    date: d.date,
                    name: d.name,
                    name_en: d.name_en,
                };
                off.insert(d.date, named);
            }
            for w in resolved.workdays_on_weekend {
                make_up.insert(w.date, w);
            }
        }

        let n = (last - first).num_days() as usize + 1;
        let mut days = Vec::with_capacity(n);
        let mut work_prefix = Vec::with_capacity(n + 1);
        let mut work_days = Vec::with_capacity(n);
        let mut second_prefix = Vec::with_capacity(n + 1);
        let shapes = [
            Shape::new(&[]),
            Shape::new(&config.week.hours),
            Shape::new(&config.week.morning_hours()),
        ];
        let (mut count, mut seconds) = (0u32, 0i64);
        for (i, date) in first.iter_days().take(n).enumerate() {
            let shape = if off.contains_key(&date) {
                DayShape::Off
            } else if make_up.contains_key(&date) {
                DayShape::Full
            } else {
                config.week.shape(date.weekday())
            };
            work_prefix.push(count);
            second_prefix.push(seconds);
            days.push(shape as u8);
            if shape != DayShape::Off {
                count += 1;
                work_days.push(i as u32);
                seconds += i64::from(shapes[shape as usize].total());
            }
        }
        work_prefix.push(count);
        second_prefix.push(seconds);

        let mut names = make_up;
        // A day off wins over a make-up day on the same date (only possible across years).
        names.extend(off);
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
        Ok(Self {
            first,
            first_epoch_day: (first - epoch).num_days(),
            days,
            shapes,
            work_prefix,
            work_days,
            second_prefix,
            names,
            config,
        })
    }

    /// The usual calendar: 1990–2100, default rules, bundled notices, standard week.
    pub fn standard() -> Self {
        Self::new(CalendarConfig::default()).expect("the default configuration is valid")
    }

    /// What the calendar was built from.
    pub fn config(&self) -> &CalendarConfig {
        &self.config
    }

    /// Years covered.
    pub fn years(&self) -> RangeInclusive<i32> {
        self.config.years.clone()
    }

    pub fn first_day(&self) -> NaiveDate {
        self.first
    }

    pub fn last_day(&self) -> NaiveDate {
        self.first + Days::new(self.days.len() as u64 - 1)
    }

    fn out_of_range(&self, date: NaiveDate) -> CalendarError {
        CalendarError::OutOfRange {
            date,
            first: *self.config.years.start(),
            last: *self.config.years.end(),
        }
    }

    /// The error for a result beyond the last day.
    pub(crate) fn past_end(&self) -> CalendarError {
        self.out_of_range(self.last_day() + Days::new(1))
    }

    /// Number of days covered.
    pub(crate) fn day_count(&self) -> usize {
        self.days.len()
    }

    pub(crate) fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        let i = (date - self.first).num_days();
        if (0..self.days.len() as i64).contains(&i) {
            Ok(i as usize)
        } else {
            Err(self.out_of_range(date))
        }
    }

    pub(crate) fn date(&self, index: usize) -> NaiveDate {
        self.first + Days::new(index as u64)
    }

    /// Whether `date` is a working day of this calendar.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.days[self.index(date)?] != DayShape::Off as u8)
    }

    /// The working hours of `date` (empty on a day off).
    pub fn working_hours(&self, date: NaiveDate) -> Result<Vec<Interval>, CalendarError> {
        let shape = self.days[self.index(date)?];
        Ok(match shape {
            1 => self.config.week.hours.clone(),
            2 => self.config.week.morning_hours(),
            _ => Vec::new(),
        })
    }

    /// The name of a day off or make-up day, if it has one (weekends have none).
    pub fn name_of(&self, date: NaiveDate) -> Option<&NamedDay> {
        self.names.get(&date)
    }

    /// Index of the first working day on or after day `index`.
    pub(crate) fn next_working_index(&self, index: usize) -> Result<usize, CalendarError> {
        self.work_days
            .get(self.work_prefix[index] as usize)
            .map(|&i| i as usize)
            .ok_or_else(|| self.past_end())
    }

    /// Index of the `n`-th working day after day `index` (`n` ≥ 1; day `index` not counted).
    pub(crate) fn nth_working_index_after(
        &self,
        index: usize,
        n: u32,
    ) -> Result<usize, CalendarError> {
        let position = self.work_prefix[index + 1] as usize + n as usize - 1;
        self.work_days
            .get(position)
            .map(|&i| i as usize)
            .ok_or_else(|| self.past_end())
    }

    /// The first working day on or after `date`.
    pub fn next_working_day(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        Ok(self.date(self.next_working_index(self.index(date)?)?))
    }

    /// The `n`-th working day after `date`, `date` itself not counted (Civil Code art. 147);
    /// for `n == 0`, the first working day on or after `date`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let index = self.index(date)?;
        let target = if n == 0 {
            self.next_working_index(index)?
        } else {
            self.nth_working_index_after(index, n)?
        };
        Ok(self.date(target))
    }

    /// Working days in `(from, to]`; negative when `to` is before `from`.
    pub fn working_days_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<i64, CalendarError> {
        let (a, b) = (self.index(from)?, self.index(to)?);
        Ok(i64::from(self.work_prefix[b + 1]) - i64::from(self.work_prefix[a + 1]))
    }

    /// (day index, second of day) of a moment, in UTC+7.
    pub(crate) fn split(
        &self,
        moment: DateTime<FixedOffset>,
    ) -> Result<(usize, u32), CalendarError> {
        let local = moment.timestamp() + i64::from(VIETNAM_OFFSET_SECONDS);
        let index = local.div_euclid(DAY) - self.first_epoch_day;
        if (0..self.days.len() as i64).contains(&index) {
            Ok((index as usize, local.rem_euclid(DAY) as u32))
        } else {
            let date = moment.with_timezone(&vietnam()).date_naive();
            Err(self.out_of_range(date))
        }
    }

    /// The moment at `second` of day `index`, in UTC+7.
    pub(crate) fn moment(&self, index: usize, second: u32) -> DateTime<FixedOffset> {
        let local = (self.first_epoch_day + index as i64) * DAY + i64::from(second);
        let utc = local - i64::from(VIETNAM_OFFSET_SECONDS);
        vietnam()
            .timestamp_opt(utc, 0)
            .single()
            .expect("in chrono's range")
    }

    /// The end of the working day `index` (17:00 by default; 11:30 on a Saturday morning).
    pub(crate) fn close_of_business(&self, index: usize) -> DateTime<FixedOffset> {
        self.moment(index, self.shapes[self.days[index] as usize].close)
    }

    /// Working seconds from the start of the calendar to `moment`.
    fn worked_until(&self, moment: DateTime<FixedOffset>) -> Result<i64, CalendarError> {
        let (index, second) = self.split(moment)?;
        let shape = &self.shapes[self.days[index] as usize];
        Ok(self.second_prefix[index] + i64::from(shape.worked_before(second)))
    }

    /// Working time from `from` to `to`: only time inside working hours of working days
    /// counts. Negative when `to` is before `from`.
    pub fn working_time_between(
        &self,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> Result<WorkingTime, CalendarError> {
        Ok(WorkingTime::from_seconds(
            self.worked_until(to)? - self.worked_until(from)?,
        ))
    }

    /// The earliest moment by which `amount` of working time has passed since `from`
    /// (ending exactly at 11:30 rather than 13:00 when the last second is the morning's).
    /// `amount` may be negative, to go back in time.
    pub fn add_working_time(
        &self,
        from: DateTime<FixedOffset>,
        amount: WorkingTime,
    ) -> Result<DateTime<FixedOffset>, CalendarError> {
        if amount.seconds() == 0 {
            return Ok(from.with_timezone(&vietnam()));
        }
        let target = self.worked_until(from)? + amount.seconds();
        let total = *self.second_prefix.last().expect("not empty");
        if target <= 0 {
            return Err(self.out_of_range(self.first - Days::new(1)));
        }
        if target > total {
            return Err(self.past_end());
        }
        // First day whose cumulative working time reaches the target.
        let index = self.second_prefix[1..].partition_point(|&s| s < target);
        let within = (target - self.second_prefix[index]) as u32;
        let second = self.shapes[self.days[index] as usize].moment_after(within);
        Ok(self.moment(index, second))
    }

    /// [`Self::working_time_between`] for moments in UTC.
    pub fn working_time_between_utc(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<WorkingTime, CalendarError> {
        self.working_time_between(from.with_timezone(&vietnam()), to.with_timezone(&vietnam()))
    }

    /// The same calendar for another work week: one calendar per distinct receiving-point
    /// week.
    pub fn with_week(&self, week: WorkWeek) -> Result<Self, CalendarError> {
        Self::new(CalendarConfig {
            week,
            ..self.config.clone()
        })
    }
}
