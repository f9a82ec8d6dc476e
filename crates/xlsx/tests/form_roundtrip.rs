#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The workbook form: the example written as a workbook reads back into the same
//! report; an empty form reads as an empty report.

use juesuan_model::{Report, SourceRef};

/// The report as JSON without where it came from.
fn semantic(r: &Report) -> serde_json::Value {
    let mut r = r.clone();
    r.meta.source = SourceRef::default();
    for s in &mut r.stated {
        s.source = SourceRef::default();
    }
    serde_json::to_value(&r).unwrap()
}

#[test]
fn the_example_reads_back_from_its_workbook() {
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    let bytes = juesuan_xlsx::form::form(&report, profile).unwrap();
    let (again, _) =
        juesuan_xlsx::form::read_workbook_bytes(&bytes, "x.xlsx").unwrap_or_else(|e| panic!("{e}"));
    let a = semantic(&report);
    let b = semantic(&again);
    if a != b {
        let sa = serde_json::to_string_pretty(&a).unwrap();
        let sb = serde_json::to_string_pretty(&b).unwrap();
        for (i, (x, y)) in sa.lines().zip(sb.lines()).enumerate() {
            if x != y {
                panic!("first difference at line {i}:\n  text: {x}\n  xlsx: {y}");
            }
        }
        panic!("reports differ in length");
    }
    // Deterministic.
    assert_eq!(bytes, juesuan_xlsx::form::form(&report, profile).unwrap());
}

#[test]
fn an_empty_form_reads_as_an_empty_report() {
    let profile = juesuan_profile::builtin("shanxi-2022").unwrap();
    let empty = juesuan_xlsx::form::empty_report(profile, "某某局", 2023);
    let bytes = juesuan_xlsx::form::form(&empty, profile).unwrap();
    let (r, _) =
        juesuan_xlsx::form::read_workbook_bytes(&bytes, "x.xlsx").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.meta.department, "某某局");
    assert_eq!(r.meta.year, 2023);
    assert!(r.facts.functional.is_empty() && r.facts.scalars.is_empty());
    assert!(r.stated.is_empty() && r.projects.is_empty());
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
