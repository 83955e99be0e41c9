//! Journeys through the pages in a real headless Chromium (through chromedriver) against the
//! server started in-process with the demo province.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian: `apt-get install chromium
//! chromium-driver`); `MOTCUA_SKIP_BROWSER=1` skips, loudly, where they cannot be installed.

#[path = "../common/app.rs"]
mod app;
mod driver;

mod accounts;
mod dossier_journey;
mod journeys;
mod search;
