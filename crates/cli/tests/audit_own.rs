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

/// A report `check` passes without error makes a PDF whose audit has no error:
/// the example, the example under the Shanghai profile, and made-up departments
/// of the platform's generator. Each failure lists the audit's errors.
#[test]
fn what_check_passes_the_audit_of_its_pdf_passes() {
    use juesuan_engine::{Against, Format, check, render, sample};
    let (base, shanxi) = sample::example().unwrap();
    let shanghai = juesuan_profile::builtin("shanghai-2024").unwrap();
    let mut cases: Vec<(
        String,
        juesuan_model::Report,
        &'static juesuan_profile::Profile,
    )> = vec![("example".into(), base.clone(), shanxi)];
    // Shanghai grades differently (合格, not 中): the stated grades go.
    let mut as_shanghai = base.clone();
    for p in &mut as_shanghai.projects {
        p.stated.grade = None;
    }
    cases.push(("example as shanghai-2024".into(), as_shanghai, shanghai));
    for i in [1, 4, 6] {
        let dept = sample::department("晋城市", i);
        for r in sample::years(&base, shanxi, &dept, i, &[2022, 2023], &[]) {
            cases.push((format!("{} {}", dept.name, r.meta.year), r, shanxi));
        }
    }
    let t = tempfile::tempdir().unwrap();
    let mut checked = 0_usize;
    for (name, report, profile) in cases {
        let Ok(loaded) = check(report, profile, false, None, Against::default()) else {
            panic!("{name}: unusable");
        };
        let errors: Vec<String> = loaded
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
            .collect();
        assert!(errors.is_empty(), "{name}: check finds {errors:#?}");
        let files = render(&loaded, &[Format::Pdf], None).unwrap().files;
        let pdf = t.path().join(format!("{checked}.pdf"));
        std::fs::write(&pdf, &files[0].1).unwrap();
        let a = juesuan_audit::audit_path(&pdf).unwrap();
        let audit_errors: Vec<String> = a
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
            .collect();
        assert!(audit_errors.is_empty(), "{name}: {audit_errors:#?}");
        checked += 1;
    }
    assert_eq!(checked, 8);
}
