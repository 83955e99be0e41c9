//! `motcua --version`, `motcua config print`, and the layering of configuration:
//! defaults < file < `MOTCUA_*` environment < flags.

use std::time::Duration;

use crate::binary::{Database, Output, Server, motcua, occupied_port, run};

const QUICK: Duration = Duration::from_secs(20);

/// `motcua config print` in `dir` with `args` and `env`, parsed as TOML.
fn config_print(
    dir: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> (toml::Table, Output) {
    let mut command = motcua(dir);
    command
        .args(args)
        .args(["config", "print"])
        .envs(env.iter().copied());
    let output = run(&mut command, QUICK);
    output.assert_success();
    let table: toml::Table = output
        .stdout
        .parse()
        .unwrap_or_else(|e| panic!("config print is not TOML: {e}\n{}", output.stdout));
    (table, output)
}

fn get<'t>(table: &'t toml::Table, path: &str) -> &'t toml::Value {
    let mut parts = path.split('.');
    let mut value = &table[parts.next().unwrap()];
    for part in parts {
        value = &value[part];
    }
    value
}

fn text<'t>(table: &'t toml::Table, path: &str) -> &'t str {
    get(table, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not text: {table:#?}"))
}

#[test]
fn version_prints_the_package_version() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(motcua(dir.path()).arg("--version"), QUICK);
    output.assert_success();
    assert_eq!(
        output.stdout.trim(),
        format!("motcua {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(output.stderr.is_empty(), "{output:#?}");
}

#[test]
fn config_print_shows_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let (config, _) = config_print(dir.path(), &[], &[]);
    assert_eq!(text(&config, "listen"), "127.0.0.1:8080");
    assert_eq!(text(&config, "data_dir"), "data");
    assert_eq!(text(&config, "log.format"), "human");
    assert_eq!(
        text(&config, "database.sqlite_synchronous"),
        "full",
        "durable by default"
    );
    assert!(
        config.get("database_url").is_none(),
        "SQLite unless a URL is given"
    );
    assert!(
        !dir.path().join("data").exists(),
        "printing the configuration creates nothing"
    );
}

#[test]
fn config_print_redacts_secrets_from_every_layer() {
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("DATABASE_URL", "postgres://u:secretpw@h/db"),
        ("MOTCUA_ADMIN_TOKEN", "tok-s3cret"),
    ];
    let (config, output) = config_print(dir.path(), &[], &env);
    assert_eq!(text(&config, "database_url"), "***");
    assert_eq!(text(&config, "admin_token"), "***");
    for secret in ["secretpw", "tok-s3cret"] {
        assert!(
            !output.stdout.contains(secret),
            "{secret} printed:\n{}",
            output.stdout
        );
        assert!(
            !output.stderr.contains(secret),
            "{secret} logged:\n{}",
            output.stderr
        );
    }

    std::fs::write(
        dir.path().join("secret.toml"),
        "admin_token = \"file-s3cret\"\n",
    )
    .unwrap();
    let args = [
        "--config",
        "secret.toml",
        "--database-url",
        "postgres://u:flagpw@h/db",
    ];
    let (config, output) = config_print(dir.path(), &args, &[]);
    assert_eq!(text(&config, "database_url"), "***");
    assert_eq!(text(&config, "admin_token"), "***");
    assert!(
        !output.stdout.contains("flagpw") && !output.stdout.contains("file-s3cret"),
        "{}",
        output.stdout
    );
}

#[test]
fn file_then_environment_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        "listen = \"127.0.0.1:1111\"\ndata_dir = \"from-file\"\n[log]\nformat = \"json\"\n[database]\nmax_connections = 3\n",
    )
    .unwrap();
    let file = ["--config", "site.toml"];

    let (config, _) = config_print(dir.path(), &file, &[]);
    assert_eq!(text(&config, "listen"), "127.0.0.1:1111");
    assert_eq!(text(&config, "data_dir"), "from-file");
    assert_eq!(text(&config, "log.format"), "json");
    assert_eq!(
        get(&config, "database.max_connections").as_integer(),
        Some(3)
    );
    assert_eq!(
        get(&config, "database.busy_timeout_secs").as_integer(),
        Some(30),
        "defaults fill the rest"
    );

    let env = [
        ("MOTCUA_LISTEN", "127.0.0.1:2222"),
        ("MOTCUA_DATA_DIR", "from-env"),
    ];
    let (config, _) = config_print(dir.path(), &file, &env);
    assert_eq!(
        text(&config, "listen"),
        "127.0.0.1:2222",
        "environment beats file"
    );
    assert_eq!(text(&config, "data_dir"), "from-env");
    assert_eq!(
        text(&config, "log.format"),
        "json",
        "the file still counts where env is silent"
    );

    let flags = [
        "--config",
        "site.toml",
        "--data-dir",
        "from-flag",
        "--log-format",
        "human",
    ];
    let (config, _) = config_print(dir.path(), &flags, &env);
    assert_eq!(
        text(&config, "data_dir"),
        "from-flag",
        "flags beat environment"
    );
    assert_eq!(text(&config, "log.format"), "human", "flags beat the file");
    assert_eq!(text(&config, "listen"), "127.0.0.1:2222");

    let via_env = [("MOTCUA_CONFIG", "site.toml")];
    let (config, _) = config_print(dir.path(), &[], &via_env);
    assert_eq!(
        text(&config, "data_dir"),
        "from-file",
        "MOTCUA_CONFIG names the file"
    );
}

#[test]
fn motcua_toml_in_the_working_directory_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("motcua.toml"),
        "listen = \"0.0.0.0:9000\"\n",
    )
    .unwrap();
    let (config, _) = config_print(dir.path(), &[], &[]);
    assert_eq!(text(&config, "listen"), "0.0.0.0:9000");
}

/// `--listen` is a flag of `serve`, so its layering shows on a running server: the file and
/// the environment name ports that are taken, the flag a free one.
#[tokio::test]
async fn the_listen_flag_beats_environment_and_file() {
    let db = Database::migrated().await;
    let (in_file, in_env) = (occupied_port(), occupied_port());
    let file = dir_file(
        &db,
        &format!("listen = \"{}\"\n", in_file.local_addr().unwrap()),
    );
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .env("MOTCUA_LISTEN", in_env.local_addr().unwrap().to_string())
        .args(["--config", &file, "serve", "--listen", "127.0.0.1:0"]);
    let server = Server::start(&mut command);
    let port: u16 = server.address.rsplit_once(':').unwrap().1.parse().unwrap();
    assert_ne!(port, in_file.local_addr().unwrap().port());
    assert_ne!(port, in_env.local_addr().unwrap().port());
    drop(server);

    // Without the flag, the environment's (taken) port is the one tried.
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .env("MOTCUA_LISTEN", in_env.local_addr().unwrap().to_string())
        .args(["--config", &file, "serve"]);
    let line = run(&mut command, QUICK).assert_one_line_error().to_owned();
    assert!(
        line.contains(&in_env.local_addr().unwrap().to_string()),
        "{line}"
    );
}

/// `MOTCUA_LOG_FILTER` is the program's own variable for the log filter (see `logging.rs`);
/// setting it must not make every command fail as an unknown configuration key.
#[test]
fn the_log_filter_variable_is_not_a_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = motcua(dir.path());
    command
        .env("MOTCUA_LOG_FILTER", "debug")
        .args(["config", "print"]);
    let output = run(&mut command, QUICK);
    assert!(
        output.status.success(),
        "MOTCUA_LOG_FILTER=debug broke the configuration: {output:#?}"
    );
}

fn dir_file(db: &Database, contents: &str) -> String {
    let path = db.dir().join("site.toml");
    std::fs::write(&path, contents).unwrap();
    path.display().to_string()
}
