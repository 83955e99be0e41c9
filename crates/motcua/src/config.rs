//! Layered configuration: defaults < file < environment (`MOTCUA_*`, and `DATABASE_URL`)
//! < command-line flags. Secrets are wrapped so that `Debug` and `config print` never show them.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize, Serializer};

/// A value that must not appear in logs or printed configuration.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the embedded database and files live.
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL; unset for SQLite in `data_dir`. May hold a password.
    pub database_url: Option<Secret>,
    /// Address the HTTP server listens on.
    pub listen: String,
    pub log: LogConfig,
    pub database: DatabaseConfig,
    /// A bootstrap token that acts as a system administrator on the API (first set-up,
    /// automation); unset disables it.
    pub admin_token: Option<Secret>,
    /// The address people reach the site at, for links in e-mails (default: from `listen`).
    pub public_url: Option<String>,
    pub auth: AuthConfig,
    pub mail: MailConfig,
    pub files: FilesConfig,
}

/// Attachments: where their contents go and how large they may be.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesConfig {
    /// `directory` (default: files under `files.directory`) or `s3` (an S3-compatible bucket;
    /// needs a build with `--features s3`).
    pub storage: String,
    /// Where `directory` keeps files (default: `<data_dir>/blobs`).
    pub directory: Option<PathBuf>,
    /// The largest file accepted, in MiB.
    pub max_upload_mib: u32,
    pub s3: S3Config,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Config {
    /// `https://s3.example.vn` for S3-compatible storage; unset for AWS.
    pub endpoint: Option<String>,
    pub bucket: Option<String>,
    pub region: Option<String>,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Secret>,
    /// Allow an `http://` endpoint (storage on the local network).
    pub allow_http: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// `Secure` cookies with the `__Host-` prefix: set when served over HTTPS (default: when
    /// `public_url` starts with `https://`).
    pub secure_cookies: Option<bool>,
    /// Officers must set up two-factor authentication before reaching agency work.
    pub require_totp_for_officers: bool,
    /// A session unused this long ends.
    pub session_idle_minutes: u32,
    /// A session ends this long after login.
    pub session_max_hours: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailConfig {
    /// `directory` (each message an `.eml` file in `mail.directory`), `smtp` or `none`.
    pub transport: String,
    /// The sender address.
    pub from: String,
    /// `smtp://host:25` or `smtps://user:password@host:465` (with `transport = "smtp"`).
    pub smtp_url: Option<Secret>,
    /// Where `directory` writes (default: `<data_dir>/mail`).
    pub directory: Option<PathBuf>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfig {
    /// `human` or `json`.
    pub format: String,
    /// A tracing filter, e.g. `info` or `motcua=debug,info`.
    pub level: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    pub max_connections: u32,
    /// Seconds a request waits for a connection or a lock before failing.
    pub busy_timeout_secs: u64,
    /// SQLite `synchronous`: `full` (default, survives power loss) or `normal`.
    pub sqlite_synchronous: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            listen: "127.0.0.1:8080".into(),
            log: LogConfig {
                format: "human".into(),
                level: "info".into(),
            },
            database: DatabaseConfig {
                max_connections: 8,
                busy_timeout_secs: 30,
                sqlite_synchronous: "full".into(),
            },
            admin_token: None,
            public_url: None,
            auth: AuthConfig {
                secure_cookies: None,
                require_totp_for_officers: false,
                session_idle_minutes: 120,
                session_max_hours: 12,
            },
            mail: MailConfig {
                transport: "directory".into(),
                from: "Một cửa điện tử <noreply@motcua.invalid>".into(),
                smtp_url: None,
                directory: None,
            },
            files: FilesConfig {
                storage: "directory".into(),
                directory: None,
                max_upload_mib: 20,
                s3: S3Config::default(),
            },
        }
    }
}

/// Values given on the command line; only those present override the other layers.
#[derive(Debug, Default, Serialize)]
pub struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log: Option<LogOverrides>,
}

#[derive(Debug, Default, Serialize)]
pub struct LogOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

impl Config {
    /// Loads the layers. `file` is `--config`; without it `motcua.toml` is read when present.
    pub fn load(file: Option<&Path>, overrides: &Overrides) -> anyhow::Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                anyhow::ensure!(
                    path.is_file(),
                    "configuration file {} not found",
                    path.display()
                );
                figment = figment.merge(Toml::file(path));
            }
            None => figment = figment.merge(Toml::file("motcua.toml")),
        }
        figment = figment
            .merge(
                Env::raw()
                    .only(&["DATABASE_URL"])
                    .map(|_| "database_url".into()),
            )
            .merge(Env::prefixed("MOTCUA_").split("__").ignore(&[
                "CONFIG",
                "LOG_FILTER",
                "TEST_BACKEND",
                "TEST_DATABASE_URL",
                "TEST_PG_URL",
                "SKIP_BROWSER",
                "SKIP_POSTGRES",
                "CHROMIUM",
                "CHROMEDRIVER",
            ]))
            .merge(Serialized::defaults(overrides));
        let config: Config = figment
            .extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            matches!(self.log.format.as_str(), "human" | "json"),
            "invalid configuration: log.format must be human or json, not {:?}",
            self.log.format
        );
        self.listen_addr()?;
        anyhow::ensure!(
            matches!(self.mail.transport.as_str(), "directory" | "smtp" | "none"),
            "invalid configuration: mail.transport must be directory, smtp or none, not {:?}",
            self.mail.transport
        );
        anyhow::ensure!(
            self.mail.transport != "smtp" || self.mail.smtp_url.is_some(),
            "invalid configuration: mail.transport = \"smtp\" needs mail.smtp_url (MOTCUA_MAIL__SMTP_URL)"
        );
        anyhow::ensure!(
            matches!(self.files.storage.as_str(), "directory" | "s3"),
            "invalid configuration: files.storage must be directory or s3, not {:?}",
            self.files.storage
        );
        anyhow::ensure!(
            self.files.storage != "s3" || self.files.s3.bucket.is_some(),
            "invalid configuration: files.storage = \"s3\" needs files.s3.bucket (MOTCUA_FILES__S3__BUCKET)"
        );
        anyhow::ensure!(
            (1..=1024).contains(&self.files.max_upload_mib),
            "invalid configuration: files.max_upload_mib must be between 1 and 1024, not {}",
            self.files.max_upload_mib
        );
        if let Some(url) = &self.public_url {
            anyhow::ensure!(
                url.starts_with("http://") || url.starts_with("https://"),
                "invalid configuration: public_url must start with http:// or https://, not {url:?}"
            );
        }
        anyhow::ensure!(
            self.auth.session_idle_minutes >= 1 && self.auth.session_max_hours >= 1,
            "invalid configuration: auth.session_idle_minutes and auth.session_max_hours must be at least 1"
        );
        Ok(())
    }

    /// The web layer's settings; `local` is the address actually bound (for the default
    /// public URL).
    pub fn web_config(&self, local: SocketAddr) -> motcua_web::WebConfig {
        let public_url = self
            .public_url
            .clone()
            .unwrap_or_else(|| {
                let host = if local.ip().is_unspecified() {
                    "127.0.0.1".to_owned()
                } else if local.is_ipv6() {
                    format!("[{}]", local.ip())
                } else {
                    local.ip().to_string()
                };
                format!("http://{host}:{}", local.port())
            })
            .trim_end_matches('/')
            .to_owned();
        let secure = self
            .auth
            .secure_cookies
            .unwrap_or_else(|| public_url.starts_with("https://"));
        motcua_web::WebConfig {
            admin_token: self.admin_token.as_ref().map(|s| s.expose().to_owned()),
            auth: motcua_web::auth::AuthSettings {
                secure_cookies: secure,
                require_totp_for_officers: self.auth.require_totp_for_officers,
                session_idle: chrono::TimeDelta::minutes(i64::from(self.auth.session_idle_minutes)),
                session_max: chrono::TimeDelta::hours(i64::from(self.auth.session_max_hours)),
                public_url,
                ..Default::default()
            },
            blobs: self.blob_settings(),
        }
    }

    /// Where attachments go.
    pub fn blob_settings(&self) -> motcua_web::blobs::BlobSettings {
        use motcua_web::blobs::{BlobBackend, BlobSettings, S3Settings};
        let backend = match self.files.storage.as_str() {
            "s3" => {
                let s3 = &self.files.s3;
                BlobBackend::S3(S3Settings {
                    endpoint: s3.endpoint.clone(),
                    bucket: s3.bucket.clone().unwrap_or_default(),
                    region: s3.region.clone().unwrap_or_else(|| "us-east-1".into()),
                    access_key_id: s3.access_key_id.clone(),
                    secret_access_key: s3.secret_access_key.as_ref().map(|s| s.expose().to_owned()),
                    allow_http: s3.allow_http,
                })
            }
            _ => BlobBackend::Directory(
                self.files
                    .directory
                    .clone()
                    .unwrap_or_else(|| self.data_dir.join("blobs")),
            ),
        };
        BlobSettings {
            backend,
            max_file_bytes: usize::try_from(self.files.max_upload_mib)
                .unwrap_or(20)
                .saturating_mul(1024 * 1024),
        }
    }

    /// Where e-mail goes.
    pub fn mail_settings(&self) -> motcua_worker::mail::MailSettings {
        use motcua_worker::mail::MailTransport;
        let transport = match self.mail.transport.as_str() {
            "smtp" => MailTransport::Smtp(
                self.mail
                    .smtp_url
                    .as_ref()
                    .map(|s| s.expose().to_owned())
                    .unwrap_or_default(),
            ),
            "none" => MailTransport::None,
            _ => MailTransport::Directory(
                self.mail
                    .directory
                    .clone()
                    .unwrap_or_else(|| self.data_dir.join("mail")),
            ),
        };
        motcua_worker::mail::MailSettings {
            transport,
            from: self.mail.from.clone(),
        }
    }

    pub fn listen_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listen.parse().map_err(|e| {
            anyhow::anyhow!(
                "invalid listen address {:?}: {e} (expected e.g. 127.0.0.1:8080)",
                self.listen
            )
        })
    }

    pub fn store_options(&self) -> motcua_store::OpenOptions {
        motcua_store::OpenOptions {
            data_dir: self.data_dir.clone(),
            database_url: self.database_url.as_ref().map(|s| s.expose().to_owned()),
            sqlite_synchronous: self.database.sqlite_synchronous.clone(),
            max_connections: self.database.max_connections,
            busy_timeout: Duration::from_secs(self.database.busy_timeout_secs),
            pg_schema: None,
        }
    }

    /// The configuration as TOML with secrets replaced by `***`.
    pub fn redacted_toml(&self) -> String {
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# cannot print configuration: {e}\n"))
    }

    /// A description of the database for humans, without credentials.
    pub fn database_label(&self) -> String {
        match &self.database_url {
            Some(url) => format!("PostgreSQL {}", motcua_store::redact_url(url.expose())),
            None => format!("SQLite {}", self.data_dir.join("motcua.db").display()),
        }
    }
}

#[cfg(test)]
#[expect(
    clippy::result_large_err,
    reason = "figment::Jail closures must return figment::Error"
)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let config = Config {
            database_url: Some(Secret("postgres://u:pw@h/db".into())),
            admin_token: Some(Secret("tok".into())),
            files: FilesConfig {
                s3: S3Config {
                    secret_access_key: Some(Secret("s3-secret-key".into())),
                    ..S3Config::default()
                },
                ..Config::default().files
            },
            ..Config::default()
        };
        let printed = config.redacted_toml();
        assert!(
            !printed.contains("pw@")
                && !printed.contains("tok\"")
                && !printed.contains("s3-secret-key"),
            "{printed}"
        );
        assert!(!format!("{config:?}").contains("pw@"));
    }

    #[test]
    fn flags_beat_environment_beat_file_beat_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "motcua.toml",
                "listen = \"127.0.0.1:1\"\ndata_dir = \"from-file\"\n[log]\nformat = \"json\"\n",
            )?;
            jail.set_env("MOTCUA_LISTEN", "127.0.0.1:2");
            jail.set_env("MOTCUA_DATABASE__MAX_CONNECTIONS", "3");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.listen, "127.0.0.1:2");
            assert_eq!(c.data_dir, PathBuf::from("from-file"));
            assert_eq!(c.log.format, "json");
            assert_eq!(c.database.max_connections, 3);
            assert_eq!(c.database.busy_timeout_secs, 30, "default kept");
            let flags = Overrides {
                listen: Some("127.0.0.1:3".into()),
                ..Default::default()
            };
            assert_eq!(Config::load(None, &flags).unwrap().listen, "127.0.0.1:3");
            Ok(())
        });
    }

    #[test]
    fn database_url_comes_from_the_usual_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("DATABASE_URL", "postgres://x@h/db");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert_eq!(c.database_url.unwrap().expose(), "postgres://x@h/db");
            Ok(())
        });
    }

    #[test]
    fn bad_values_are_named() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MOTCUA_LISTEN", "nowhere");
            let err = Config::load(None, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("listen address"), "{err}");
            jail.set_env("MOTCUA_LISTEN", "127.0.0.1:1");
            jail.set_env("MOTCUA_LOG__FORMAT", "xml");
            let err = Config::load(None, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("log.format"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn files_go_to_the_data_directory_unless_told_otherwise() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("MOTCUA_FILES__MAX_UPLOAD_MIB", "5");
            let c = Config::load(None, &Overrides::default()).unwrap();
            let blobs = c.blob_settings();
            assert_eq!(blobs.max_file_bytes, 5 * 1024 * 1024);
            assert!(
                matches!(&blobs.backend, motcua_web::blobs::BlobBackend::Directory(d) if d == &PathBuf::from("data/blobs"))
            );
            jail.set_env("MOTCUA_FILES__STORAGE", "s3");
            let err = Config::load(None, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("files.s3.bucket"), "{err}");
            jail.set_env("MOTCUA_FILES__S3__BUCKET", "motcua");
            jail.set_env("MOTCUA_FILES__S3__ENDPOINT", "http://127.0.0.1:9000");
            let c = Config::load(None, &Overrides::default()).unwrap();
            assert!(
                matches!(&c.blob_settings().backend, motcua_web::blobs::BlobBackend::S3(s) if s.bucket == "motcua")
            );
            jail.set_env("MOTCUA_FILES__STORAGE", "ftp");
            let err = Config::load(None, &Overrides::default())
                .unwrap_err()
                .to_string();
            assert!(err.contains("files.storage"), "{err}");
            Ok(())
        });
    }
}
