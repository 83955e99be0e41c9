//! The administration page of an agency's receiving points' work weeks: each point with its
//! week and a form (working days, Saturday mornings, morning and afternoon hours, back to the
//! default week). Changes go through [`crate::api::point_weeks::set_week`], as the API's do.

use std::collections::BTreeMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use motcua_auth::policy::{Action, Resource};
use motcua_calendar::{HoursDefinition, WeekDefinition};
use serde::Deserialize;

use super::{error_page, login_redirect, page, see_other};
use crate::AppState;
use crate::api::admin::agency_of;
use crate::api::point_weeks::{PointDetail, points_with_weeks, set_week};
use crate::auth::{CsrfForm, Viewer};
use crate::error::ApiError;
use crate::i18n::Lang;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Deserialize, Default)]
pub struct WeeksQuery {
    saved: Option<String>,
}

/// What one point's form shows: its week, or what was submitted with the errors found.
struct Shown {
    point: String,
    form: WeekForm,
    errors: BTreeMap<String, String>,
}

/// The form of one point. Weekdays are separate checkboxes (`day_mon`…), morning and
/// afternoon one interval each (either may be left empty).
#[derive(Deserialize, Default, Clone)]
pub struct WeekForm {
    point: Option<String>,
    /// `save` (default) or `reset` (back to the default week).
    action: Option<String>,
    day_mon: Option<String>,
    day_tue: Option<String>,
    day_wed: Option<String>,
    day_thu: Option<String>,
    day_fri: Option<String>,
    day_sat: Option<String>,
    day_sun: Option<String>,
    saturday_morning: Option<String>,
    morning_start: Option<String>,
    morning_end: Option<String>,
    afternoon_start: Option<String>,
    afternoon_end: Option<String>,
}

impl WeekForm {
    fn days(&self) -> [&Option<String>; 7] {
        [
            &self.day_mon,
            &self.day_tue,
            &self.day_wed,
            &self.day_thu,
            &self.day_fri,
            &self.day_sat,
            &self.day_sun,
        ]
    }

    /// The form filled in with a week.
    fn of(definition: &WeekDefinition) -> Self {
        let on = |day: &str| {
            definition
                .working_days
                .iter()
                .any(|d| d == day)
                .then(|| "on".to_owned())
        };
        let (morning, afternoon) = split_hours(&definition.hours);
        Self {
            point: None,
            action: None,
            day_mon: on("mon"),
            day_tue: on("tue"),
            day_wed: on("wed"),
            day_thu: on("thu"),
            day_fri: on("fri"),
            day_sat: on("sat"),
            day_sun: on("sun"),
            saturday_morning: definition.saturday_morning.then(|| "on".to_owned()),
            morning_start: morning.map(|h| h.start.clone()),
            morning_end: morning.map(|h| h.end.clone()),
            afternoon_start: afternoon.map(|h| h.start.clone()),
            afternoon_end: afternoon.map(|h| h.end.clone()),
        }
    }

    /// The week the form describes, and the form row (`morning`, `afternoon`) of each of its
    /// intervals, to name the fields of errors.
    fn definition(&self) -> (WeekDefinition, Vec<&'static str>) {
        let working_days = DAYS
            .iter()
            .zip(self.days())
            .filter(|(_, v)| v.is_some())
            .map(|(d, _)| (*d).to_owned())
            .collect();
        let text = |v: &Option<String>| v.as_deref().unwrap_or_default().trim().to_owned();
        let mut hours = Vec::new();
        let mut rows = Vec::new();
        for (row, start, end) in [
            ("morning", &self.morning_start, &self.morning_end),
            ("afternoon", &self.afternoon_start, &self.afternoon_end),
        ] {
            let (start, end) = (text(start), text(end));
            if start.is_empty() && end.is_empty() {
                continue;
            }
            hours.push(HoursDefinition { start, end });
            rows.push(row);
        }
        let definition = WeekDefinition {
            working_days,
            saturday_morning: self.saturday_morning.is_some(),
            hours,
        };
        (definition, rows)
    }
}

/// The morning and afternoon rows of the form for a list of intervals: two intervals fill
/// both; a single one goes where its time of day is.
fn split_hours(hours: &[HoursDefinition]) -> (Option<&HoursDefinition>, Option<&HoursDefinition>) {
    match hours {
        [] => (None, None),
        [one] if one.start.as_str() >= "12:00" => (None, Some(one)),
        [one] => (Some(one), None),
        [first, second, ..] => (Some(first), Some(second)),
    }
}

/// The form field an error of the week definition concerns: `hours[1].start` is
/// `afternoon_start` when the second interval came from the afternoon row.
fn form_field(field: &str, rows: &[&str]) -> String {
    if field.starts_with("working_days") {
        return "working_days".into();
    }
    if let Some(rest) = field.strip_prefix("hours[")
        && let Some((index, tail)) = rest.split_once(']')
        && let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i))
    {
        return match tail.strip_prefix('.') {
            Some(part) => format!("{row}_{part}"),
            None => (*row).to_owned(),
        };
    }
    field.to_owned()
}

fn point_view(p: &PointDetail, shown: Option<&Shown>) -> Value {
    let mine = shown.filter(|s| s.point == p.point.code);
    let custom = p.work_week.is_some();
    let week = p.work_week.clone().unwrap_or_default();
    let form = match mine {
        Some(s) => s.form.clone(),
        None => WeekForm::of(&week),
    };
    let days: Vec<Value> = DAYS
        .iter()
        .zip(form.days())
        .enumerate()
        .map(|(i, (key, v))| context! { key, index => i, checked => v.is_some() })
        .collect();
    let working: Vec<usize> = DAYS
        .iter()
        .enumerate()
        .filter(|(_, d)| week.working_days.iter().any(|w| w == *d))
        .map(|(i, _)| i)
        .collect();
    let hours: Vec<String> = week
        .hours
        .iter()
        .map(|h| format!("{}–{}", h.start, h.end))
        .collect();
    context! {
        code => p.point.code, name => p.point.name, address => p.point.address,
        custom, working, saturday_morning => week.saturday_morning, hours,
        more_intervals => week.hours.len() > 2,
        days,
        form_saturday_morning => form.saturday_morning.is_some(),
        morning_start => form.morning_start, morning_end => form.morning_end,
        afternoon_start => form.afternoon_start, afternoon_end => form.afternoon_end,
        errors => mine.map(|s| s.errors.clone()).filter(|e| !e.is_empty()),
    }
}

async fn weeks_page(
    state: &AppState,
    lang: Lang,
    uri: &OriginalUri,
    viewer: &Viewer,
    code: &str,
    saved: Option<String>,
    shown: Option<Shown>,
) -> Response {
    if viewer.account.is_none() {
        return login_redirect(uri);
    }
    let result = async {
        let agency = agency_of(state, code).await?;
        viewer.authorize(Action::Update, &Resource::AgencyLocalSettings(agency.id))?;
        let points = points_with_weeks(state, &agency.code).await?;
        Ok::<_, ApiError>((agency, points))
    }
    .await;
    let (agency, points) = match result {
        Ok(r) => r,
        Err(e) => return error_page(state, lang, uri, e),
    };
    let saved_name = saved.and_then(|s| {
        points
            .iter()
            .find(|p| p.point.code == s)
            .map(|p| p.point.name.clone())
    });
    let points: Vec<Value> = points
        .iter()
        .map(|p| point_view(p, shown.as_ref()))
        .collect();
    page(
        state,
        lang,
        uri,
        "admin_point_weeks.html",
        context! {
            agency => context! { code => agency.code.as_str(), name => agency.name },
            points, saved => saved_name,
            csrf => viewer.csrf_token(state),
        },
    )
}

/// `GET /admin/agencies/{code}/receiving-points`
pub async fn index(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    viewer: Viewer,
    Path(code): Path<String>,
    Query(q): Query<WeeksQuery>,
) -> Response {
    weeks_page(&state, lang, &uri, &viewer, &code, q.saved, None).await
}

/// `POST /admin/agencies/{code}/receiving-points`: saves one point's form, or puts it back on
/// the default week.
pub async fn save(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(code): Path<String>,
    CsrfForm { viewer, form }: CsrfForm<WeekForm>,
) -> Response {
    let point = form.point.clone().unwrap_or_default();
    let (definition, rows) = form.definition();
    let reset = form.action.as_deref() == Some("reset");
    let result = set_week(
        &state,
        &viewer,
        &code,
        &point,
        (!reset).then_some(&definition),
    )
    .await;
    match result {
        Ok(_) => {
            let saved: String = form_urlencoded::byte_serialize(point.as_bytes()).collect();
            see_other(&format!(
                "/admin/agencies/{code}/receiving-points?saved={saved}"
            ))
        }
        Err(ApiError::Invalid(v)) => {
            let mut errors = BTreeMap::new();
            for e in v.0 {
                let message = match lang {
                    Lang::Vi => e.message_vi,
                    Lang::En => e.message_en,
                };
                errors
                    .entry(form_field(&e.field, &rows))
                    .and_modify(|m: &mut String| {
                        m.push(' ');
                        m.push_str(&message);
                    })
                    .or_insert(message);
            }
            let shown = Shown {
                point,
                form,
                errors,
            };
            let mut r = weeks_page(&state, lang, &uri, &viewer, &code, None, Some(shown)).await;
            if r.status() == StatusCode::OK {
                *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            r
        }
        Err(err) => error_page(&state, lang, &uri, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_form_fields() {
        let rows = ["afternoon"];
        assert_eq!(form_field("hours[0].start", &rows), "afternoon_start");
        assert_eq!(form_field("hours[0]", &rows), "afternoon");
        assert_eq!(form_field("working_days[3]", &rows), "working_days");
        assert_eq!(form_field("saturday_morning", &rows), "saturday_morning");
        assert_eq!(form_field("hours", &rows), "hours");
    }

    #[test]
    fn a_form_round_trips_a_week() {
        let week = WeekDefinition::from(&motcua_calendar::WorkWeek::with_saturday_morning());
        let (back, rows) = WeekForm::of(&week).definition();
        assert_eq!(back, week);
        assert_eq!(rows, ["morning", "afternoon"]);
        let afternoon_only = WeekDefinition {
            hours: vec![HoursDefinition {
                start: "13:00".into(),
                end: "17:00".into(),
            }],
            ..WeekDefinition::default()
        };
        let form = WeekForm::of(&afternoon_only);
        assert_eq!(form.morning_start, None);
        assert_eq!(form.afternoon_start.as_deref(), Some("13:00"));
        assert_eq!(form.definition().1, ["afternoon"]);
    }
}
