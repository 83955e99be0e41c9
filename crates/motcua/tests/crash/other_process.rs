//! SQLite is one file shared by every `motcua` process on the machine: an import running
//! beside the server must make the server's writers wait, never fail with "database is locked".

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::binary::{Database, Server, motcua, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_wait_for_an_import_in_another_process() {
    let db = Database::migrated().await;
    if db.is_postgres() {
        eprintln!("SQLite only: PostgreSQL has no database-wide write lock");
        return;
    }
    let mut command = motcua(db.dir());
    db.configure(&mut command)
        .env("MOTCUA_ADMIN_TOKEN", "t")
        .args(["serve", "--listen", "127.0.0.1:0"]);
    let server = Server::start(&mut command);

    // Four imports, each but the first rewriting thousands of rows: the official list, then
    // one with the English names of the wards changed, and back.
    let original = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/vn-admin-units.json");
    let renamed = db.dir().join("renamed.json");
    let text = std::fs::read_to_string(&original).unwrap();
    std::fs::write(&renamed, text.replace(" Ward\"", " Quarter\"")).unwrap();
    let mut imports: Vec<_> = [&original, &renamed, &original, &renamed]
        .into_iter()
        .map(|file| {
            let mut import = motcua(db.dir());
            db.configure(&mut import)
                .args(["import", "units", "--json"])
                .arg(file);
            import
        })
        .collect();
    let importing = std::thread::spawn(move || {
        imports
            .iter_mut()
            .map(|import| run(import, Duration::from_secs(120)))
            .collect::<Vec<_>>()
    });

    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut during = 0;
    for seq in 0..400 {
        if importing.is_finished() {
            break;
        }
        let code = format!("{:03}.00.00.H29", 500 + seq);
        let response = http
            .post(server.url("/api/v1/agencies"))
            .bearer_auth("t")
            .json(&json!({ "code": code, "name": "Cơ quan song song", "kind": "other" }))
            .send()
            .await
            .expect("the server answers");
        let status = response.status();
        if status != StatusCode::CREATED {
            let text = response.text().await.unwrap_or_default();
            failures.push(format!("{code}: {status} {text}"));
        }
        during += 1;
    }
    let imported = importing.join().expect("import thread");
    for output in &imported {
        output.assert_success();
    }
    assert!(imported[1].stdout.contains("\"updated\":"), "{imported:#?}");
    assert!(
        !imported[1].stdout.contains("\"updated\":0,"),
        "{imported:#?}"
    );
    eprintln!("{during} writes while four imports ran in another process");
    assert!(during > 0, "no write overlapped the imports");
    assert!(
        failures.is_empty(),
        "writes failed beside the import:\n{}\n{}",
        failures.join("\n"),
        server.log()
    );
    assert!(
        !server.log().contains("database is locked"),
        "{}",
        server.log()
    );
    let (status, _, log) = server.terminate(Duration::from_secs(10));
    assert!(status.success(), "{log}");
}
