#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "test code"
)]
//! The seed's text read back: every figure of its ten tables at its place, and nothing
//! else. Truth: the tables derived from the example, which
//! `crates/tables/tests/seed_tables.rs` shows equal to the transcription in
//! `../shared/seed/structured/`, figure for figure.

use juesuan_model::{RowKey, Table, TableSet};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn truth() -> TableSet {
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    juesuan_tables::derive_all(&report, profile).tables
}

/// (panel, row identity) → values, non-zero only.
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
                let v = c.raw();
                if v != 0 {
                    out.push((pi, id.clone(), ci, v));
                }
            }
        }
    }
    out
}

#[test]
fn every_figure_of_the_seed_is_read_into_its_cell() {
    let a =
        juesuan_audit::audit_path(&root().join("../shared/seed/000_4d08a9674d8dc8ea.txt")).unwrap();
    assert_eq!(a.profile.id, "shanxi-2022");
    assert!(
        a.tables.found.iter().all(|f| *f),
        "tables not found: {:?}",
        a.tables.found
    );
    let truth = truth();
    let mut compared = 0;
    for t in &truth.tables {
        let read = a.tables.tables.get(&t.id).unwrap();
        let want = cells(t);
        let got = cells(read);
        for w in &want {
            assert!(got.contains(w), "{} lacks {w:?}", t.number);
        }
        for g in &got {
            assert!(want.contains(g), "{} has an extra {g:?}", t.number);
        }
        compared += want.len();
    }
    assert_eq!(compared, 281, "non-zero figures of the seed's tables");
    assert!(a.tables.unread.is_empty(), "{:?}", a.tables.unread);
    // 08 and 09 say 本表无数据.
    for id in ["08", "09"] {
        assert!(a.tables.tables.get(id).unwrap().empty_note_shown);
    }
}

#[test]
#[ignore = "prints the findings, for development"]
fn print_findings() {
    let path = std::env::var("AUDIT_FILE")
        .unwrap_or_else(|_| "../shared/seed/000_4d08a9674d8dc8ea.txt".into());
    let a = juesuan_audit::audit_path(&root().join(path)).unwrap();
    for f in &a.findings {
        println!(
            "{:?} {} {} {} | {:?} {:?}",
            f.severity, f.rule, f.location, f.message, f.expected, f.actual
        );
    }
    for u in &a.tables.unread {
        println!(
            "UNREAD t{} line {} {} {}",
            u.table, u.unread.line, u.unread.text, u.unread.why
        );
    }
}

#[test]
#[ignore = "prints the claim dictionary, for development"]
fn print_dictionary() {
    let p = juesuan_profile::builtin(
        &std::env::var("PROFILE").unwrap_or_else(|_| "shanxi-2022".into()),
    )
    .unwrap();
    for ((s, l), k) in juesuan_audit::claims::dictionary(p) {
        println!("{s} {l} → {k}");
    }
}

#[test]
#[ignore = "times the audit, for development"]
fn time_audit() {
    let path = std::env::var("AUDIT_FILE")
        .unwrap_or_else(|_| "../shared/seed/000_4d08a9674d8dc8ea.txt".into());
    for _ in 0..5 {
        let t = std::time::Instant::now();
        let _ = juesuan_audit::source::read(&root().join(&path)).unwrap();
        let t1 = std::time::Instant::now();
        let p = root().join(&path);
        let n = juesuan_audit::source::pdf_pages(p.to_str().unwrap())
            .unwrap()
            .unwrap_or(0);
        let t2 = std::time::Instant::now();
        let _ = juesuan_audit::source::from_pdf_pages(p.to_str().unwrap(), n);
        let t3 = std::time::Instant::now();
        let _ = juesuan_audit::source::from_pdf_pages(p.to_str().unwrap(), 0);
        println!(
            "read {:?}: estimate {:?}, two processes {:?}, one process {:?}",
            t1 - t,
            t2 - t1,
            t3 - t2,
            t3.elapsed()
        );
    }
    let src = juesuan_audit::source::read(&root().join(&path)).unwrap();
    for _ in 0..3 {
        let t0 = std::time::Instant::now();
        let (p, s) = juesuan_audit::detect(&src).unwrap();
        let t1 = std::time::Instant::now();
        let reads: Vec<_> = s
            .tables
            .iter()
            .map(|r| juesuan_audit::read::read_table(&src.lines, r, p))
            .collect();
        let t2 = std::time::Instant::now();
        let a = juesuan_audit::assemble::assemble(p, &s.tables, &reads, &src);
        let t3 = std::time::Instant::now();
        let _ = juesuan_rules::check_all(p, &a.tables, None, None);
        let t4 = std::time::Instant::now();
        let lookup = |_: &juesuan_model::Key| None;
        let _ = juesuan_audit::claims::check(p, &src.lines, &s, &lookup, &[], &src.path, true);
        let t4b = std::time::Instant::now();
        let _ = juesuan_audit::checks::check(p, &src, &s, &a);
        println!("claims {:?} checks {:?}", t4b - t4, t4b.elapsed());
        let t4 = std::time::Instant::now();
        let _ = juesuan_audit::audit_source(src.clone()).unwrap();
        let t5 = std::time::Instant::now();
        println!(
            "detect {:?} read {:?} assemble {:?} rules {:?} total {:?}",
            t1 - t0,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            t5 - t4
        );
    }
}

#[test]
#[ignore = "prints one table as read, for development"]
fn print_table() {
    let path = std::env::var("AUDIT_FILE").unwrap();
    let id = std::env::var("AUDIT_TABLE").unwrap();
    let a = juesuan_audit::audit_path(&root().join(path)).unwrap();
    let src = &a.source;
    let (p, s) = juesuan_audit::detect(src).unwrap();
    for r in &s.tables {
        if p.tables[r.index].id != id {
            continue;
        }
        let t = juesuan_audit::read::read_table(&src.lines, r, p);
        println!("centers {:?}", t.centers);
        for o in &t.rows {
            println!(
                "  {:?} line {} {:?}",
                o.anchor,
                o.line,
                o.values
                    .iter()
                    .map(|v| (v.text.clone(), v.start, v.end))
                    .collect::<Vec<_>>()
            );
        }
    }
    let t = a.tables.tables.get(&id).unwrap();
    for pnl in &t.panels {
        for r in &pnl.rows {
            let vals: Vec<String> = r
                .cells
                .iter()
                .map(|c| c.value.map(|v| v.raw().to_string()).unwrap_or("-".into()))
                .collect();
            println!("  {:?} {} {:?}", r.key, r.label, vals);
        }
    }
}

#[test]
#[ignore = "audits AUDIT_FILE once and prints the findings' count, for measuring memory"]
fn audit_once() {
    let path = std::env::var("AUDIT_FILE").unwrap();
    let t = std::time::Instant::now();
    if std::env::var_os("STAGES").is_some() {
        let src = juesuan_audit::source::read(std::path::Path::new(&path)).unwrap();
        let t1 = std::time::Instant::now();
        let (p, s) = juesuan_audit::detect(&src).unwrap();
        let t2 = std::time::Instant::now();
        let reads: Vec<_> = s
            .tables
            .iter()
            .map(|r| juesuan_audit::read::read_table(&src.lines, r, p))
            .collect();
        let t3 = std::time::Instant::now();
        let a = juesuan_audit::assemble::assemble(p, &s.tables, &reads, &src);
        let t4 = std::time::Instant::now();
        let _ = juesuan_rules::check_all(p, &a.tables, None, None);
        let t5 = std::time::Instant::now();
        let lookup = |_: &juesuan_model::Key| None;
        let _ = juesuan_audit::claims::check(p, &src.lines, &s, &lookup, &[], &src.path, true);
        let t6 = std::time::Instant::now();
        let _ = juesuan_audit::checks::check(p, &src, &s, &a);
        println!(
            "source {:?} detect {:?} read {:?} assemble {:?} rules {:?} claims {:?} checks {:?}",
            t1 - t,
            t2 - t1,
            t3 - t2,
            t4 - t3,
            t5 - t4,
            t6 - t5,
            t6.elapsed()
        );
    }
    let t = std::time::Instant::now();
    match juesuan_audit::audit_path(std::path::Path::new(&path)) {
        Ok(a) => println!("findings {} in {:?}", a.findings.len(), t.elapsed()),
        Err(e) => println!("error {e} in {:?}", t.elapsed()),
    }
}
