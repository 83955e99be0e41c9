//! Parses every file of the shared national-portal export and checks the import target:
//! ≥ 99 % of procedures get a parsed duration for every channel row that states one, and a
//! parsed fee wherever a row gives one (see `motcua_catalog::parse::report` for how "states"
//! and "gives" are detected independently of the parsers).

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use motcua_catalog::parse::report::{row_gives_fee, row_states_duration};
use motcua_catalog::{ImportBatch, ParseReport, add_to_report, parse_reader};

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/tthc")
}

fn load_all() -> Vec<(String, ImportBatch)> {
    let dir = data_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "shared data missing: cannot read {} ({e}); the catalog tests need ../shared/data/tthc/*.jsonl",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.jsonl in {}", dir.display());
    files
        .into_iter()
        .map(|path| {
            let f = File::open(&path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, parse_reader(BufReader::new(f)))
        })
        .collect()
}

#[test]
fn parses_all_shared_data_and_meets_the_target() {
    let batches = load_all();
    let mut total = ParseReport::default();
    let mut lines = 0;
    for (name, b) in &batches {
        println!(
            "{name}: {} lines, {} procedures, {} errors",
            b.report.lines, b.report.procedures, b.report.line_errors
        );
        // Never drop a procedure silently: every non-blank line is a procedure or an error.
        assert_eq!(
            b.report.lines - b.report.blank_lines,
            b.procedures.len() + b.errors.len(),
            "{name}: lines unaccounted for"
        );
        lines += b.report.lines;
        for p in &b.procedures {
            add_to_report(&mut total, p);
        }
        total.line_errors += b.errors.len();
        total.blank_lines += b.report.blank_lines;
    }
    total.lines = lines;
    total.procedures = batches.iter().map(|(_, b)| b.procedures.len()).sum();
    total.finish();
    println!("{}", total.to_table());
    println!("{}", serde_json::to_string(&total.target).unwrap());

    assert!(
        total.procedures >= 2_000,
        "expected the ~2,190 shared procedures"
    );
    assert_eq!(
        total.line_errors, 0,
        "the shared data is valid JSON with codes"
    );

    // Print what failed, to keep the measurement honest and debuggable.
    let mut shown = 0;
    for (_, b) in &batches {
        for p in &b.procedures {
            for c in &p.procedure.channels {
                let bad_d = row_states_duration(c) && c.duration.is_none();
                let bad_f = row_gives_fee(c) && c.fee.is_none();
                if (bad_d || bad_f) && shown < 25 {
                    shown += 1;
                    println!(
                        "UNPARSED {} {:?} time={:?} fee={:?} desc={:?}",
                        p.procedure.code,
                        c.kind,
                        c.duration_text,
                        c.fee_text,
                        c.description.chars().take(120).collect::<String>()
                    );
                }
            }
        }
    }

    let t = &total.target;
    assert!(t.with_stated_duration > 1_500 && t.with_stated_fee > 1_500);
    assert!(t.duration_pct >= 99.0, "durations: {:.2} %", t.duration_pct);
    assert!(t.fee_pct >= 99.0, "fees: {:.2} %", t.fee_pct);
    assert!(t.met);
}

#[test]
fn shared_data_spot_checks() {
    let batches = load_all();
    let all: Vec<_> = batches.iter().flat_map(|(_, b)| &b.procedures).collect();
    let find = |code: &str| {
        all.iter()
            .find(|p| p.procedure.code == code)
            .unwrap_or_else(|| panic!("{code} missing"))
    };

    // Cấp lại thẻ căn cước: 70,000 đồng, 7 working days, legal basis with numbers.
    let p = &find("1.000757").procedure;
    assert!(p.channels.iter().any(|c| c.fee_vnd == Some(70_000)));
    assert!(
        p.channels
            .iter()
            .all(|c| c.duration.as_ref().is_some_and(|d| d.value == 7))
    );

    // Bare time "7" with the unit nowhere: working days assumed, free, locally set fee noted.
    let p = &find("1.000080").procedure;
    assert_eq!(p.channels.len(), 3);
    assert!(p.channels.iter().all(|c| c.fee_vnd == Some(0)));
    assert!(
        p.legal_basis
            .iter()
            .any(|d| d.number.as_deref() == Some("123/2015/NĐ-CP"))
    );
    assert!(
        p.results
            .iter()
            .any(|r| r.code.as_deref() == Some("KQ.G15.000033"))
    );

    // Result codes, template files and JSON round trip for every procedure.
    let p = &find("1.000232").procedure;
    assert!(
        p.documents
            .iter()
            .any(|d| d.templates.iter().any(|t| t.ends_with(".docx")))
    );
    for p in &all {
        let json = serde_json::to_string(&p.procedure).unwrap();
        let back: motcua_catalog::Procedure = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p.procedure);
        assert!(
            !p.procedure.raw.raw_text.is_empty() || p.procedure.raw.cach_thuc_thuc_hien.is_empty()
        );
    }
}
