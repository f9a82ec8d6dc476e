//! docs/RULES.md is generated from the rule registries (the core rules, then the
//! audit's) and must stay equal to them: `cargo run -- rules --markdown > docs/RULES.md`,
//! or run this test with UPDATE_GOLDEN=1.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn rules_doc_is_current() {
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(["rules", "--markdown"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    assert!(generated.contains("T-ROWSUM") && generated.contains("AU-CHANGE"));
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/RULES.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        doc == generated,
        "docs/RULES.md is stale: run `cargo run -- rules --markdown > docs/RULES.md`"
    );
}

#[test]
fn explain_knows_audit_rules() {
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(["explain", "au-change"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("AU-CHANGE — 增减百分比"), "{text}");
}
