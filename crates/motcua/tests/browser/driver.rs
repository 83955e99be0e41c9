//! A real headless Chromium driven through chromedriver (Debian's `chromium` and
//! `chromium-driver` packages), and a few waits that make journeys read like what a person
//! does.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// How long a page may take to show what the test waits for.
const PATIENCE: Duration = Duration::from_secs(15);

fn program(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// chromedriver running as our child, in a process group of its own so that the browsers it
/// starts go with it.
pub struct ChromeDriver {
    child: Child,
    port: u16,
    chromium: PathBuf,
}

impl ChromeDriver {
    /// Starts chromedriver on a free port. `None` (after saying so loudly) when the browser is
    /// missing and `MOTCUA_SKIP_BROWSER=1`; otherwise a missing browser fails the test with
    /// the command that installs it.
    pub fn start() -> Option<Self> {
        let chromium = program("MOTCUA_CHROMIUM", "/usr/bin/chromium");
        let driver = program("MOTCUA_CHROMEDRIVER", "/usr/bin/chromedriver");
        let missing: Vec<String> = [&chromium, &driver]
            .into_iter()
            .filter(|p| !p.is_file())
            .map(|p| p.display().to_string())
            .collect();
        if !missing.is_empty() {
            if std::env::var("MOTCUA_SKIP_BROWSER").as_deref() == Ok("1") {
                eprintln!(
                    "\n***** SKIPPED browser tests: {} not found (MOTCUA_SKIP_BROWSER=1) *****\n",
                    missing.join(", ")
                );
                return None;
            }
            panic!(
                "the browser tests need Chromium and chromedriver, but {} is missing.\n\
                 Install them with: sudo apt-get install chromium chromium-driver\n\
                 (or point MOTCUA_CHROMIUM / MOTCUA_CHROMEDRIVER at them, \
                 or set MOTCUA_SKIP_BROWSER=1 to skip these tests)",
                missing.join(" and ")
            );
        }
        let mut child = Command::new(&driver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        // "ChromeDriver was started successfully on port 40123."
        let stdout = child.stdout.take().expect("chromedriver stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line
                    .split("started successfully on port ")
                    .nth(1)
                    .and_then(|rest| rest.trim_end_matches('.').trim().parse::<u16>().ok())
                {
                    let _ = tx.send(port);
                }
            }
        });
        let port = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("chromedriver did not report its port within 20 s");
            });
        Some(Self {
            child,
            port,
            chromium,
        })
    }

    /// A new browser session: headless, with a profile of its own, quiet on the network, set
    /// up like a visitor in Vietnam (`Accept-Language: vi-VN,vi`).
    pub async fn session(&self, profile: &std::path::Path) -> Client {
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--window-size=1280,900".to_owned(),
            "--lang=vi".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": self.chromium,
                "args": args,
                "prefs": { "intl.accept_languages": "vi-VN,vi" },
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        let started = Instant::now();
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .unwrap_or_else(|e| panic!("cannot start a Chromium session: {e}"));
        eprintln!("Chromium session ready in {:.1?}", started.elapsed());
        client
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser a failed test left open.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// The steps of a journey, as a person would see them.
#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
}

impl Browser {
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Clicks the element matching `css` and waits until the window holds the page the click
    /// led to: the old document gone and the new one loaded. Forms that post back to the page
    /// they are on leave the address unchanged, so the address alone cannot tell.
    pub async fn click_and_wait_for_new_page(&self, css: &str) {
        let old = self.find("html").await;
        self.click(css).await;
        let deadline = Instant::now() + PATIENCE;
        loop {
            match old.tag_name().await {
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference =>
                {
                    break;
                }
                _ => {}
            }
            assert!(
                Instant::now() < deadline,
                "click {css}: the page never changed"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        loop {
            let ready = self
                .client
                .execute("return document.readyState", vec![])
                .await
                .expect("readyState");
            if ready == "complete" {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "click {css}: the new page never finished loading"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Clicks the link whose text is exactly `text`.
    pub async fn click_link(&self, text: &str) {
        let element = self
            .client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?}: {e}"));
        element
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {text:?}: {e}"));
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing matches {css:?}: {e}"))
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css)
            .await
            .text()
            .await
            .expect("element text")
            .trim()
            .to_owned()
    }

    pub async fn type_into(&self, css: &str, text: &str) {
        self.find(css)
            .await
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Waits until the page in the window is `path_and_query` (a navigation has finished).
    pub async fn wait_for_page(&self, path_and_query: &str) {
        let expected = format!("{}{path_and_query}", self.base);
        let deadline = Instant::now() + PATIENCE;
        loop {
            let url = self.client.current_url().await.expect("current URL");
            let ready = self
                .client
                .execute("return document.readyState", vec![])
                .await
                .expect("readyState");
            if url.as_str() == expected && ready == "complete" {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "still on {url} (expected {expected})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The language the page declares on `<html lang>`.
    pub async fn lang(&self) -> String {
        self.find("html")
            .await
            .attr("lang")
            .await
            .expect("lang")
            .unwrap_or_default()
    }

    /// Rules of our stylesheet that reached the page (0 if it was blocked or not found).
    pub async fn css_rules(&self) -> u64 {
        self.client
            .execute(
                "return Array.from(document.styleSheets).reduce((n, s) => n + s.cssRules.length, 0)",
                vec![],
            )
            .await
            .expect("count CSS rules")
            .as_u64()
            .unwrap_or(0)
    }
}

/// Runs `journey` in a new browser session on the app at the address `app` gives, and ends
/// the session (closing Chromium) whether the journey passed or failed. Returns without
/// starting anything when browser tests are skipped.
pub async fn journey<F, Fut>(app: impl FnOnce() -> String, journey: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(driver) = ChromeDriver::start() else {
        return;
    };
    let base = app();
    let profile = tempfile::tempdir().expect("browser profile");
    let browser = Browser {
        client: driver.session(profile.path()).await,
        base,
    };
    let started = Instant::now();
    let outcome = tokio::spawn(journey(browser.clone())).await;
    let closed = browser.client.close().await;
    eprintln!("journey took {:.1?}", started.elapsed());
    if let Err(failure) = outcome {
        std::panic::resume_unwind(failure.into_panic());
    }
    closed.expect("end the browser session");
}
