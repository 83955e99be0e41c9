//! `motcua calendar …`: the working calendar from the command line — a year's days off,
//! Tết dates, due dates, and the yearly notices administrators maintain.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use motcua_calendar::{YearNotice, tet_range, year_summary};
use motcua_web::api::calendar::{one_duration, parse_moment};
use motcua_web::workcal::{self, CalendarService};

use crate::config::Config;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct CalendarArgs {
    #[command(subcommand)]
    command: Option<CalendarCommand>,
    /// The year whose days off and make-up working days to print.
    year: Option<i32>,
    /// Print JSON: {"year", "days_off", "workdays_on_weekend"}.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Tết (lunar New Year, Vietnam, UTC+7) for a year or a range of years.
    Tet {
        from: i32,
        to: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// The due moment of a period starting at a reception moment.
    Due {
        /// Reception moment, RFC 3339 (e.g. 2025-11-21T10:00:00+07:00).
        #[arg(long)]
        from: String,
        #[arg(long)]
        working_days: Option<u32>,
        #[arg(long)]
        days: Option<u32>,
        #[arg(long)]
        working_hours: Option<u32>,
        #[arg(long)]
        months: Option<u32>,
        /// With --point: compute for this agency's receiving point (QCVN 102 code), with the
        /// point's work week.
        #[arg(long, requires = "point")]
        agency: Option<String>,
        /// A receiving point code of --agency (e.g. MC).
        #[arg(long, requires = "agency")]
        point: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Official yearly notices (days off swapped with make-up Saturdays).
    #[command(subcommand)]
    Notice(NoticeCommand),
}

#[derive(Subcommand)]
enum NoticeCommand {
    /// Print the notice in force for a year as JSON.
    Show { year: i32 },
    /// Enter or replace a year's notice from a JSON file (validated first).
    Set { file: PathBuf },
    /// Remove an entered notice; the year falls back to the shipped notice or the defaults.
    Remove { year: i32 },
}

pub async fn run(config: &Config, args: CalendarArgs) -> anyhow::Result<()> {
    match args.command {
        Some(CalendarCommand::Tet { from, to, json }) => {
            let to = to.unwrap_or(from);
            anyhow::ensure!(from <= to, "the first year must not be after the last");
            let dates = tet_range(from, to)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&dates)?);
            } else {
                for (year, date) in dates {
                    println!("{year}  {date}");
                }
            }
            Ok(())
        }
        Some(CalendarCommand::Due {
            from,
            working_days,
            days,
            working_hours,
            months,
            agency,
            point,
            json,
        }) => {
            let received = parse_moment("from", Some(&from))
                .map_err(|e| anyhow::anyhow!("--from: {} / {}", e.message_vi, e.message_en))?;
            let duration =
                one_duration(working_days, days, working_hours, months).map_err(|_| {
                    anyhow::anyhow!(
                        "give exactly one of --working-days, --days, --working-hours, --months"
                    )
                })?;
            let calendar = with_store(config, |store| async move {
                let week = workcal::point_week(store.as_ref(), agency.as_deref(), point.as_deref())
                    .await?;
                let calendar = workcal::load(store.as_ref()).await?;
                Ok(match week {
                    Some(week) => calendar.with_week(week)?,
                    None => calendar,
                })
            })
            .await?;
            let due = calendar.due(received, duration)?;
            if json {
                println!("{}", serde_json::json!({ "due": due.to_rfc3339() }));
            } else {
                println!("{}", due.to_rfc3339());
            }
            Ok(())
        }
        Some(CalendarCommand::Notice(NoticeCommand::Show { year })) => {
            let stored = with_store(config, |store| async move {
                Ok(workcal::stored_notices(store.as_ref()).await?)
            })
            .await?;
            let notice = stored
                .into_iter()
                .find(|n| n.year == year)
                .or_else(|| motcua_calendar::NoticeSet::bundled().get(year).cloned())
                .with_context(|| format!("no notice for {year}: the statutory defaults apply"))?;
            println!("{}", serde_json::to_string_pretty(&notice)?);
            Ok(())
        }
        Some(CalendarCommand::Notice(NoticeCommand::Set { file })) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let notice: YearNotice = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a calendar notice", file.display()))?;
            let year = notice.year;
            with_store(config, |store| async move {
                let service = CalendarService::load(store.as_ref()).await?;
                service.put_notice(store.as_ref(), notice).await?;
                Ok(())
            })
            .await?;
            println!("notice for {year} stored");
            Ok(())
        }
        Some(CalendarCommand::Notice(NoticeCommand::Remove { year })) => {
            let removed = with_store(config, |store| async move {
                let service = CalendarService::load(store.as_ref()).await?;
                Ok(service.remove_notice(store.as_ref(), year).await?)
            })
            .await?;
            anyhow::ensure!(removed, "no entered notice for {year}");
            println!("notice for {year} removed");
            Ok(())
        }
        None => {
            let year = args
                .year
                .context("give a YEAR, or one of: tet, due, notice (see --help)")?;
            let calendar = with_store(config, |store| async move {
                Ok(workcal::load(store.as_ref()).await?)
            })
            .await?;
            anyhow::ensure!(
                calendar.years().contains(&year),
                "the calendar covers {}–{}",
                calendar.years().start(),
                calendar.years().end()
            );
            let summary = year_summary(&calendar, year)?;
            if args.json {
                println!("{}", serde_json::to_string_pretty(&summary)?);
            } else {
                println!("Lịch làm việc {year} / Working calendar {year}");
                println!(
                    "\nNgày nghỉ (thứ Hai–thứ Sáu) / Days off (Monday–Friday): {}",
                    summary.days_off.len()
                );
                for day in &summary.days_off {
                    println!("  {}  {:<3}  {}", day.date, day.date.format("%a"), day.name);
                }
                println!(
                    "\nNgày làm bù (thứ Bảy, Chủ nhật) / Working weekend days: {}",
                    summary.workdays_on_weekend.len()
                );
                for day in &summary.workdays_on_weekend {
                    println!("  {}  {:<3}  {}", day.date, day.date.format("%a"), day.name);
                }
            }
            Ok(())
        }
    }
}

/// Opens the store, runs `f`, closes the store whatever happened.
async fn with_store<T, F, Fut>(config: &Config, f: F) -> anyhow::Result<T>
where
    F: FnOnce(std::sync::Arc<dyn motcua_store::Store>) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let store = crate::startup::open_ready_store(config, false).await?;
    let result = f(store.clone()).await;
    store.close().await;
    result
}
