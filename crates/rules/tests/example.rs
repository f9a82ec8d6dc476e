#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stdout, clippy::print_stderr, reason = "test code: a failed unwrap is a failed test")]
//! The bundled example is consistent: no rule reports an error or a warning.

use juesuan_model::Severity;
use std::path::PathBuf;

#[test]
fn example_has_no_error_or_warning() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022");
    let (report, profile) = juesuan_ingest::read_text_dir(&dir).unwrap();
    let d = juesuan_tables::derive_all(&report, profile);
    let findings = juesuan_rules::check_all(profile, &d.tables, Some(&report), Some(&d.figures));
    for f in &findings {
        eprintln!("{:?} {} {} | {}", f.severity, f.rule, f.location, f.message);
    }
    assert!(
        findings.iter().all(|f| f.severity == Severity::Info),
        "{} findings",
        findings.len()
    );
}
