//! The HTTP surface of motcua, end to end: the real server started in-process on a free port
//! over a real database (`MOTCUA_TEST_BACKEND=sqlite|postgres`), driven with an HTTP client.
//!
//! One module per area, mirroring the routes; requests go through the typed helpers in
//! `helpers.rs`.

#[path = "../common/app.rs"]
mod app;
mod helpers;

mod accounts;
mod agencies;
mod authz_matrix;
mod catalog_admin;
mod documents;
mod dossier_pages;
mod dossiers;
mod local_settings;
mod ops;
mod pages;
mod point_weeks;
mod units;
