//! `motcua import units FILE`: idempotent, and a re-import updates what changed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::binary::{Database, Output, motcua, run};

const IMPORT: Duration = Duration::from_secs(120);

/// The official list (a copy of `shared/data/vn-admin-units.json` kept with the crate).
fn units_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vn-admin-units.json")
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
struct Counts {
    inserted: u64,
    updated: u64,
    unchanged: u64,
}

fn import(db: &Database, file: &Path, json: bool) -> Output {
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .arg("import")
        .arg("units")
        .arg(file);
    if json {
        command.arg("--json");
    }
    let output = run(&mut command, IMPORT);
    output.assert_success();
    output
}

fn counts(output: &Output) -> Counts {
    serde_json::from_str(output.stdout.trim()).unwrap_or_else(|e| panic!("{e}: {output:#?}"))
}

const fn c(inserted: u64, updated: u64, unchanged: u64) -> Counts {
    Counts {
        inserted,
        updated,
        unchanged,
    }
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let db = Database::migrated().await;
    assert_eq!(counts(&import(&db, &units_file(), true)), c(3355, 0, 0));
    assert_eq!(counts(&import(&db, &units_file(), true)), c(0, 0, 3355));
    let human = import(&db, &units_file(), false);
    assert!(
        human
            .stdout
            .contains("0 inserted, 0 updated, 3355 unchanged"),
        "{human:#?}"
    );
    assert_eq!(
        db.scalar("SELECT CAST(COUNT(*) AS TEXT) FROM admin_units")
            .await,
        "3355"
    );
}

#[tokio::test]
async fn a_re_import_updates_only_what_changed() {
    let db = Database::migrated().await;
    import(&db, &units_file(), true);
    let original = std::fs::read_to_string(units_file()).unwrap();
    let changed = original.replacen("\"Sai Gon Ward\"", "\"Saigon Ward\"", 1);
    assert_ne!(
        original, changed,
        "the fixture still has the ward to rename"
    );
    let file = db.dir().join("changed.json");
    std::fs::write(&file, changed).unwrap();
    assert_eq!(counts(&import(&db, &file, true)), c(0, 1, 3354));
    let name = db
        .scalar("SELECT full_name_en FROM admin_units WHERE code = '26740'")
        .await;
    assert_eq!(name, "Saigon Ward");
}

#[tokio::test]
async fn a_missing_or_malformed_file_is_one_line_and_imports_nothing() {
    let db = Database::migrated().await;
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .args(["import", "units", "no-such-file.json"]);
    let line = run(&mut command, IMPORT).assert_one_line_error().to_owned();
    assert!(line.contains("no-such-file.json"), "{line}");

    let broken = db.dir().join("broken.json");
    std::fs::write(&broken, "[{\"Code\": \"79\"").unwrap();
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .arg("import")
        .arg("units")
        .arg(&broken);
    let line = run(&mut command, IMPORT).assert_one_line_error().to_owned();
    assert!(line.contains("broken.json"), "{line}");

    assert_eq!(
        db.scalar("SELECT CAST(COUNT(*) AS TEXT) FROM admin_units")
            .await,
        "0"
    );
}
