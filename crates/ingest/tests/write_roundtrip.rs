#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]
//! A report written as a text directory reads back into the same report.

use juesuan_ingest::{read_text_dir, write_text_dir};
use juesuan_model::{Report, SourceRef};
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022")
}

/// The report as JSON without where it came from.
fn semantic(r: &Report) -> serde_json::Value {
    let mut r = r.clone();
    r.meta.source = SourceRef::default();
    for s in &mut r.stated {
        s.source = SourceRef::default();
    }
    serde_json::to_value(&r).unwrap()
}

fn write(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

#[test]
fn the_example_survives_writing_and_reading() {
    let (report, _) = read_text_dir(&example()).unwrap();
    let out = write_text_dir(&report).unwrap();
    assert!(out.dropped.is_empty());
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &out.files);
    let (again, _) = read_text_dir(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(semantic(&report), semantic(&again));
    // The CSV files are the example's, byte for byte.
    for f in ["income.csv", "general-budget.csv", "economic.csv"] {
        let ours = &out.files.iter().find(|(n, _)| n == f).unwrap().1;
        let theirs = std::fs::read(example().join(f)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(ours),
            String::from_utf8_lossy(&theirs),
            "{f}"
        );
    }
}
