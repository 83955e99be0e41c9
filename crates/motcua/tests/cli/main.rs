//! The `motcua` program as an operator meets it: the real executable run as a child process
//! with a clean environment, on the backend named by `MOTCUA_TEST_BACKEND`.

#[path = "../common/binary.rs"]
mod binary;

mod audit;
mod bench;
mod calendar;
mod config;
mod demo_city;
mod errors;
mod import;
mod serve;
