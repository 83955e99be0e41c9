//! The command line: `motcua serve | migrate | demo | import … | calendar … | bench … | config print`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, LogOverrides, Overrides};

#[derive(Parser)]
#[command(
    name = "motcua",
    version,
    about = "Cổng dịch vụ công và một cửa điện tử — public-service portal and electronic one-stop shop"
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct GlobalArgs {
    /// Configuration file (TOML); default: ./motcua.toml when present.
    #[arg(long, global = true, env = "MOTCUA_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory for the embedded SQLite database (default ./data).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); overrides DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    /// Log format: human or json.
    #[arg(long, global = true)]
    log_format: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (pages and API).
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Create the demo province (idempotent) before serving.
        #[arg(long)]
        demo: bool,
        /// With --demo: national-portal catalog files or directories of *.jsonl to import
        /// first when the catalog is empty (e.g. ../shared/data/tthc), so the demo agencies'
        /// e-forms apply to them.
        #[arg(long, requires = "demo")]
        tthc: Vec<std::path::PathBuf>,
        /// Apply pending PostgreSQL migrations before serving (SQLite always migrates).
        #[arg(long)]
        migrate: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Create (idempotently) the demo province: Ho Chi Minh City, its communes and agencies;
    /// with `--scale city`, the whole city with officers, applicants and a year of dossiers.
    Demo(DemoArgs),
    /// Import reference data.
    #[command(subcommand)]
    Import(ImportCommand),
    /// The working calendar: days off, Tết, due dates, yearly notices.
    Calendar(crate::calendar_cli::CalendarArgs),
    /// Inspect the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check the tamper-evident logs.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Load a running server over HTTP: throughput, latency p50/p95/p99/max, errors, and the
    /// machine's ceilings (no-op HTTP, durable SQLite commits) measured in the same run.
    #[command(after_help = crate::bench::scenarios_help())]
    Bench {
        /// What to ask for: search, noop, submit, track, queue or mixed.
        scenario: String,
        /// The server, e.g. http://127.0.0.1:8080.
        #[arg(long)]
        url: String,
        /// Seconds of measurement.
        #[arg(long, default_value_t = 10.0)]
        duration: f64,
        /// Concurrent clients, each with one keep-alive connection.
        #[arg(long, default_value_t = 20)]
        concurrency: usize,
        /// Print the figures as one JSON object.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
struct DemoArgs {
    /// `small` (the province, its agencies and one account per role) or `city` (Ho Chi Minh
    /// City at full size: ~10 000 officers, ~200 000 applicants, ~3.65 million dossiers a
    /// year, through the bulk path; needs a database without dossiers).
    #[arg(long, default_value = "small")]
    scale: String,
    /// City: years of dossiers, ending on --until.
    #[arg(long, default_value_t = 1)]
    years: u32,
    /// City: the seed; the same seed, size and --until give the same city.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// City: the number of dossiers instead of 3.65 million a year (e.g. a few thousand for
    /// tests and development); applicants scale with it.
    #[arg(long)]
    dossiers: Option<u64>,
    /// City: the last day of the window (YYYY-MM-DD; default today).
    #[arg(long)]
    until: Option<chrono::NaiveDate>,
    /// City: a backlog — this many more dossiers received at the department with the most
    /// procedures over the window's last 60 days whose processing stalls, so that one agency
    /// holds 100 000 open dossiers for the `queue` benchmark (a swamped land-registration
    /// office, as HCMC's was).
    #[arg(long, default_value_t = 0)]
    backlog: u64,
    /// City: catalog files or directories of *.jsonl to import first (default
    /// ../shared/data/tthc when the catalog is empty).
    #[arg(long)]
    tthc: Vec<PathBuf>,
    /// City: print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Procedures from national-portal files (*.jsonl); versions what changed, prints a report.
    Tthc {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Administrative units from a vn-admin-units.json file (idempotent; re-import updates).
    Units {
        file: PathBuf,
        /// Print the counts as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify every dossier's hash chain; exit status 1 and the first broken link of each
    /// damaged chain when one does not verify.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print the effective configuration, secrets redacted.
    Print,
}

/// Parses arguments, runs the command, and turns any error into one line and exit code 1.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<()> {
    let listen = match &cli.command {
        Command::Serve { listen, .. } => listen.clone(),
        _ => None,
    };
    let overrides = Overrides {
        data_dir: cli.global.data_dir,
        database_url: cli.global.database_url,
        listen,
        log: cli.global.log_format.map(|format| LogOverrides {
            format: Some(format),
        }),
    };
    let config = Config::load(cli.global.config.as_deref(), &overrides)?;
    if let Command::Config(ConfigCommand::Print) = cli.command {
        print!("{}", config.redacted_toml());
        return Ok(());
    }
    crate::logging::init(&config.log);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve {
                demo,
                migrate,
                tthc,
                ..
            } => {
                let demo = demo.then_some(crate::startup::Demo { catalog: tthc });
                crate::startup::serve(&config, demo, migrate).await
            }
            Command::Migrate => {
                let store = crate::startup::open_store(&config).await?;
                let applied = store.migrate().await?;
                println!(
                    "{applied} migration(s) applied to {}",
                    config.database_label()
                );
                store.close().await;
                Ok(())
            }
            Command::Demo(args) if args.scale == "city" => {
                let store = crate::startup::open_ready_store(&config, false).await?;
                let options = crate::demo_city::CityOptions {
                    years: args.years,
                    seed: args.seed,
                    dossiers: args.dossiers,
                    until: args.until,
                    backlog: args.backlog,
                    tthc: args.tthc,
                };
                let result = crate::demo_city::create(store.clone(), &options).await;
                store.close().await;
                let report = result?;
                if args.json {
                    println!("{}", serde_json::to_string(&report)?);
                } else {
                    println!("{report}");
                }
                Ok(())
            }
            Command::Demo(args) => {
                anyhow::ensure!(
                    args.scale == "small",
                    "invalid --scale {:?}: choose small or city",
                    args.scale
                );
                let store = crate::startup::open_ready_store(&config, false).await?;
                let report = crate::demo::create(store.as_ref()).await?;
                println!("{report}");
                store.close().await;
                Ok(())
            }
            Command::Import(ImportCommand::Tthc { files, json }) => {
                let store = crate::startup::open_ready_store(&config, false).await?;
                let started = std::time::Instant::now();
                let result = crate::import::tthc_files(store.as_ref(), &files).await;
                store.close().await;
                let import = result?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&import)?);
                } else {
                    print!("{}", import.report.to_table());
                    for failed in &import.failed_lines {
                        println!("line {}: {}", failed.line, failed.error);
                    }
                    println!(
                        "stored: {} new procedures, {} new versions, {} unchanged ({:.1} s)",
                        import.stored.inserted,
                        import.stored.new_versions,
                        import.stored.unchanged,
                        started.elapsed().as_secs_f64()
                    );
                }
                Ok(())
            }
            Command::Import(ImportCommand::Units { file, json }) => {
                let store = crate::startup::open_ready_store(&config, false).await?;
                let counts = crate::import::units_file(store.as_ref(), &file).await?;
                if json {
                    println!("{}", serde_json::to_string(&counts)?);
                } else {
                    println!(
                        "administrative units from {}: {} inserted, {} updated, {} unchanged",
                        file.display(),
                        counts.inserted,
                        counts.updated,
                        counts.unchanged
                    );
                }
                store.close().await;
                Ok(())
            }
            Command::Calendar(args) => crate::calendar_cli::run(&config, args).await,
            Command::Audit(AuditCommand::Verify { json }) => {
                let store = crate::startup::open_ready_store(&config, false).await?;
                let result = crate::audit::verify_all(store.as_ref()).await;
                store.close().await;
                let report = result?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&report)?);
                } else {
                    print!("{report}");
                }
                anyhow::ensure!(
                    report.broken.is_empty(),
                    "{} dossier log chain(s) broken",
                    report.broken.len()
                );
                Ok(())
            }
            Command::Bench {
                scenario,
                url,
                duration,
                concurrency,
                json,
            } => {
                let needs_database = crate::bench::Scenario::parse(&scenario)
                    .is_ok_and(crate::bench::Scenario::needs_database);
                let store = if needs_database {
                    Some(crate::startup::open_ready_store(&config, false).await?)
                } else {
                    None
                };
                crate::bench::run(crate::bench::Options {
                    scenario,
                    url,
                    duration,
                    concurrency,
                    json,
                    store,
                })
                .await
            }
            Command::Config(_) => unreachable!("handled before start-up"),
        }
    })
}
