#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The audit reads our own PDF back — every figure of every table into its cell — and
//! finds nothing wrong in the tables of a consistent report.

use juesuan_model::{RowKey, Severity, Table};
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Our example's PDF, built once, as `pdftotext -layout` text.
pub fn our_pdf_text() -> (tempfile::TempDir, PathBuf, String) {
    let t = tempfile::tempdir().unwrap();
    let s = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args([
            "build",
            root().join("examples/jincheng-amr-2022").to_str().unwrap(),
            "-o",
            t.path().to_str().unwrap(),
            "--format",
            "pdf",
        ])
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let pdf = t.path().join("report.pdf");
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    (t, pdf, String::from_utf8(out.stdout).unwrap())
}

fn cells(t: &Table) -> Vec<(usize, String, usize, i64)> {
    let mut out = Vec::new();
    for (pi, p) in t.panels.iter().enumerate() {
        for r in &p.rows {
            let id = match &r.key {
                RowKey::Line(n) => format!("行次{n}"),
                RowKey::Fn(c) => c.to_string(),
                RowKey::Econ(c) => c.to_string(),
                RowKey::Total => "合计".to_string(),
                RowKey::Group(g) => format!("{g:?}"),
                RowKey::Single => format!("row:{}", r.label),
            };
            for (ci, c) in r.cells.iter().enumerate() {
                if c.raw() != 0 {
                    out.push((pi, id.clone(), ci, c.raw()));
                }
            }
        }
    }
    out
}

#[test]
fn our_pdf_reads_back_figure_for_figure() {
    let (_t, pdf, _) = our_pdf_text();
    let a = juesuan_audit::audit_path(&pdf).unwrap();
    assert_eq!(a.profile.id, "shanxi-2022");
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    let truth = juesuan_tables::derive_all(&report, profile).tables;
    for t in &truth.tables {
        let read = a.tables.tables.get(&t.id).unwrap();
        let (want, got) = (cells(t), cells(read));
        for w in &want {
            assert!(got.contains(w), "{} lacks {w:?}", t.number);
        }
        for g in &got {
            assert!(want.contains(g), "{} has an extra {g:?}", t.number);
        }
    }
    assert!(a.tables.unread.is_empty(), "{:?}", a.tables.unread);
    let table_errors: Vec<String> = a
        .findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error && (f.rule.starts_with("T-") || f.rule.starts_with("XT-"))
        })
        .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
        .collect();
    assert!(table_errors.is_empty(), "{table_errors:#?}");
}
