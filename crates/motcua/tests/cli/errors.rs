//! Bad configuration: one clear line on standard error, a non-zero exit, never a panic.

use std::time::{Duration, Instant};

use crate::binary::{Database, motcua, occupied_port, run, try_run};

const QUICK: Duration = Duration::from_secs(20);

#[test]
fn an_unreachable_database_is_one_line_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = motcua(dir.path());
    command
        // Keeps the test short: the pool stops retrying after a second.
        .env("MOTCUA_DATABASE__BUSY_TIMEOUT_SECS", "1")
        .args([
            "--database-url",
            "postgres://postgres:hunter2@127.0.0.1:1/x",
            "serve",
        ]);
    let output = run(&mut command, QUICK);
    let line = output.assert_one_line_error();
    assert!(
        line.contains("PostgreSQL") && line.contains("127.0.0.1:1"),
        "{line}"
    );
    assert!(
        !output.stderr.contains("hunter2") && !output.stdout.contains("hunter2"),
        "{output:#?}"
    );
}

/// With the default settings, a refused connection is reported as soon as it is refused,
/// and the line says so: not 30 seconds of silence and then "pool timed out".
#[test]
fn an_unreachable_database_is_reported_promptly_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = motcua(dir.path());
    command.args([
        "--database-url",
        "postgres://postgres@127.0.0.1:1/x",
        "serve",
    ]);
    let started = Instant::now();
    let output = try_run(&mut command, Duration::from_secs(10)).unwrap_or_else(|partial| {
        panic!("still trying to connect after 10 s, with nothing printed to say why: {partial:#?}")
    });
    let line = output.assert_one_line_error();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        line.to_lowercase().contains("refused"),
        "the cause is missing: {line}"
    );
}

#[test]
fn a_malformed_listen_address_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        motcua(dir.path()).args(["serve", "--listen", "nowhere"]),
        QUICK,
    );
    let line = output.assert_one_line_error();
    assert!(
        line.contains("listen address") && line.contains("nowhere"),
        "{line}"
    );

    let output = run(
        motcua(dir.path())
            .env("MOTCUA_LISTEN", "127.0.0.1:99999")
            .arg("serve"),
        QUICK,
    );
    let line = output.assert_one_line_error();
    assert!(line.contains("127.0.0.1:99999"), "{line}");
    assert!(
        !dir.path().join("data").exists(),
        "refused before touching the data directory"
    );
}

#[tokio::test]
async fn a_listen_address_in_use_is_one_line() {
    let db = Database::migrated().await;
    let taken = occupied_port();
    let address = taken.local_addr().unwrap().to_string();
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["serve", "--listen", &address]);
    let output = run(&mut command, QUICK);
    let line = output.assert_one_line_error();
    assert!(line.contains(&address), "{line}");
    assert!(line.to_lowercase().contains("in use"), "{line}");
}

#[test]
fn an_unwritable_data_directory_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    // Permissions do not stop root, but nothing can create a directory inside a file.
    std::fs::write(dir.path().join("somefile"), "not a directory").unwrap();
    let output = run(
        motcua(dir.path()).args([
            "--data-dir",
            "somefile/sub",
            "serve",
            "--listen",
            "127.0.0.1:0",
        ]),
        QUICK,
    );
    let line = output.assert_one_line_error();
    assert!(
        line.contains("somefile/sub") && line.contains("data directory"),
        "{line}"
    );

    // The same for the commands that open the database.
    std::fs::write(dir.path().join("units.json"), "[]").unwrap();
    for args in [
        &["migrate"][..],
        &["import", "units", "units.json"],
        &["demo"],
    ] {
        let output = run(
            motcua(dir.path())
                .args(["--data-dir", "somefile/sub"])
                .args(args),
            QUICK,
        );
        output.assert_one_line_error();
    }
}

#[test]
fn a_bad_configuration_file_or_value_is_one_line_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let print = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = motcua(dir.path());
        command
            .args(args)
            .args(["config", "print"])
            .envs(env.iter().copied());
        run(&mut command, QUICK)
    };

    let missing = print(&["--config", "nowhere.toml"], &[]);
    assert!(missing.assert_one_line_error().contains("nowhere.toml"));

    std::fs::write(dir.path().join("typo.toml"), "lissen = \"127.0.0.1:1\"\n").unwrap();
    let typo = print(&["--config", "typo.toml"], &[]);
    assert!(typo.assert_one_line_error().contains("lissen"), "{typo:#?}");

    std::fs::write(
        dir.path().join("type.toml"),
        "[database]\nmax_connections = \"many\"\n",
    )
    .unwrap();
    let wrong_type = print(&["--config", "type.toml"], &[]);
    assert!(
        wrong_type
            .assert_one_line_error()
            .contains("max_connections"),
        "{wrong_type:#?}"
    );

    // A syntax error may show the offending line under the message, but is still an error
    // naming the file and the place, not a panic.
    std::fs::write(dir.path().join("broken.toml"), "listen = \n").unwrap();
    let broken = print(&["--config", "broken.toml"], &[]);
    assert!(
        !broken.status.success() && broken.status.code() != Some(101),
        "{broken:#?}"
    );
    assert!(
        broken.stderr.starts_with("error: ") && !broken.stderr.contains("panicked"),
        "{broken:#?}"
    );
    assert!(
        broken.stderr.contains("broken.toml") && broken.stderr.contains("line 1"),
        "{broken:#?}"
    );

    let format = print(&[], &[("MOTCUA_LOG__FORMAT", "xml")]);
    assert!(
        format.assert_one_line_error().contains("log.format"),
        "{format:#?}"
    );
}

#[test]
fn a_database_url_of_another_kind_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        motcua(dir.path())
            .env("DATABASE_URL", "mysql://root:pw@localhost/motcua")
            .arg("serve"),
        QUICK,
    );
    let line = output.assert_one_line_error();
    assert!(
        line.contains("postgres://"),
        "says what is expected: {line}"
    );
    assert!(!line.contains(":pw@"), "{line}");
}
