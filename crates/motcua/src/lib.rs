//! The `motcua` program: command-line interface, configuration, start-up and the commands
//! that load data (imports, demo). `main.rs` only calls [`cli::run`].

pub mod audit;
pub mod bench;
mod calendar_cli;
pub mod cli;
pub mod config;
pub mod demo;
pub mod demo_accounts;
pub mod demo_city;
pub mod demo_settings;
pub mod heap;
pub mod import;
mod logging;
pub mod startup;
