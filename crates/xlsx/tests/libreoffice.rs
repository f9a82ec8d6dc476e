#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test code: a failed unwrap is a failed test"
)]
//! LibreOffice opens the workbook without repair and prints it: converted to
//! PDF, the text shows the tables' figures, and every project report starts a
//! new page.
//!
//! Needs `soffice` (or `libreoffice`) and `pdftotext` on PATH. Without them the
//! test is skipped, unless `CI` is set: then it fails, so CI cannot pass
//! silently without having run it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn tools() -> Option<(PathBuf, PathBuf)> {
    let office = find(&["soffice", "libreoffice"]);
    let pdftotext = find(&["pdftotext"]);
    match (office, pdftotext) {
        (Some(o), Some(p)) => Some((o, p)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CI is set but soffice/libreoffice or pdftotext is not on PATH: the test command \
             must install LibreOffice Calc (e.g. apt-get install libreoffice-calc-nogui) and \
             poppler-utils"
        ),
        _ => None,
    }
}

fn convert(office: &Path, dir: &Path, xlsx: &Path) -> PathBuf {
    // A profile of its own, so parallel runs do not share LibreOffice's lock.
    let profile = dir.join("lo-profile");
    let out = Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .arg(xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "LibreOffice failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    xlsx.with_extension("pdf")
}

#[test]
fn libreoffice_prints_the_workbook() {
    let Some((office, pdftotext)) = tools() else {
        eprintln!("note: LibreOffice or pdftotext not found; test skipped");
        return;
    };
    let doc = common::example();
    let bytes = juesuan_xlsx::workbook(&doc).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("report.xlsx");
    std::fs::write(&xlsx, bytes).unwrap();

    let pdf = convert(&office, dir.path(), &xlsx);
    let size = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 0,
        "no PDF written (a workbook LibreOffice cannot open)"
    );

    let out = Command::new(&pdftotext)
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext failed");
    let text = String::from_utf8(out.stdout).unwrap();
    for wanted in [
        "收入支出决算总表",
        "公开01表",
        "44,592,816.01",
        "44,614,491.01",
        "38,716,532.65",
        "2013801",
        "一般公共预算财政拨款支出决算明细表",
        "24,333,836.17",
        "说明：本表无数据",
        "第三部分 情况说明",
        "项目支出绩效自评分析报告",
        "100.00%",
    ] {
        assert!(text.contains(wanted), "the PDF lacks “{wanted}”");
    }

    // pdftotext separates pages with form feeds: each project report heads a
    // page of its own.
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let starts = pages
        .iter()
        .filter(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .take(3)
                .any(|l| l == "项目支出绩效自评分析报告")
        })
        .count();
    assert_eq!(starts, 14, "project reports not each on a new page");
}
