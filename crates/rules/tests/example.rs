#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The bundled example: its tables and inputs are consistent (no error), and the
//! warnings are exactly the seed's own scoring mistakes listed in KNOWN_DIFFERENCES.md
//! (`- finding: RULE | location` lines).

use juesuan_model::Severity;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[test]
fn example_has_no_error_and_exactly_the_documented_warnings() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022");
    let (report, profile) = juesuan_ingest::read_text_dir(&dir).unwrap();
    let d = juesuan_tables::derive_all(&report, profile);
    let doc = juesuan_compose::compose(&report, profile, &d).unwrap();
    let mut ctx = juesuan_rules::Ctx::new(profile, &d.tables, Some(&report), Some(&d.figures));
    ctx.document = Some(&doc);
    let findings = juesuan_rules::run(ctx);
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let warnings: BTreeSet<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(|f| format!("{} | {}", f.rule, f.location))
        .collect();
    let doc = std::fs::read_to_string(dir.join("KNOWN_DIFFERENCES.md")).unwrap();
    let documented: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- finding:"))
        .map(|s| s.trim().to_string())
        .collect();
    let missing: Vec<_> = documented.difference(&warnings).collect();
    let extra: Vec<_> = warnings.difference(&documented).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "documented but not reported: {missing:#?}\nreported but not documented: {extra:#?}"
    );
}

#[test]
fn rule_ids_are_unique_and_documented() {
    let mut ids = BTreeSet::new();
    for r in juesuan_rules::registry() {
        let i = r.info();
        assert!(ids.insert(i.id), "duplicate rule id {}", i.id);
        assert!(
            !i.purpose.is_empty() && !i.example.is_empty() && !i.title.is_empty(),
            "{}",
            i.id
        );
    }
}
