#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    clippy::string_slice,
    reason = "test code: a failed unwrap is a failed test; XML is cut at ASCII delimiters found by `find`"
)]
//! The form's formulas compute what juesuan derives: LibreOffice recalculates the
//! example's workbook (its cached results removed first, so nothing can be
//! taken from them) and every formula cell must show the figure we derive.
//! The workbook LibreOffice saves then reads back into the same report — a
//! spreadsheet program's way of writing the file is tolerated.
//!
//! Needs `soffice` (or `libreoffice`) on PATH; skipped without it unless `CI`
//! is set.

use calamine::{Data, Reader, Xlsx};
use juesuan_model::{Report, SourceRef};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn office() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .flat_map(|dir| ["soffice", "libreoffice"].map(|n| dir.join(n)))
        .find(|p| p.is_file());
    if found.is_none() && std::env::var_os("CI").is_some() {
        panic!("CI is set but soffice/libreoffice is not on PATH");
    }
    found
}

/// The workbook with every formula's cached result removed.
fn without_results(bytes: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name.starts_with("xl/worksheets/sheet") {
            let s = String::from_utf8(data).unwrap();
            let mut o = String::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find("</f><v>") {
                let (head, tail) = rest.split_at(i + 4);
                o.push_str(head);
                let end = tail.find("</v>").unwrap();
                rest = &tail[end + 4..];
            }
            o.push_str(rest);
            data = o.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Converts `xlsx` with LibreOffice, recalculating every formula on load.
fn recalculate(office: &Path, dir: &Path, xlsx: &Path) -> PathBuf {
    let profile = dir.join("lo-profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let outdir = dir.join("recalculated");
    let out = Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(&outdir)
        .arg(xlsx)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "LibreOffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    outdir.join(xlsx.file_name().unwrap())
}

fn show(d: &Data) -> String {
    match d {
        Data::Float(f) => format!("{f:.2}"),
        Data::Int(i) => format!("{i}.00"),
        Data::Empty => "empty".to_string(),
        other => format!("{other:?}"),
    }
}

fn semantic(r: &Report) -> serde_json::Value {
    let mut r = r.clone();
    r.meta.source = SourceRef::default();
    for s in &mut r.stated {
        s.source = SourceRef::default();
    }
    serde_json::to_value(&r).unwrap()
}

#[test]
fn libreoffice_computes_every_formula_as_we_derive() {
    let Some(office) = office() else {
        eprintln!("note: LibreOffice not found; test skipped");
        return;
    };
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    let ours = juesuan_xlsx::form::form(&report, profile).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("form.xlsx");
    std::fs::write(&input, without_results(&ours)).unwrap();
    let recalculated = std::fs::read(recalculate(&office, dir.path(), &input)).unwrap();

    let mut a: Xlsx<_> = Xlsx::new(Cursor::new(ours.clone())).unwrap();
    let mut b: Xlsx<_> = Xlsx::new(Cursor::new(recalculated.clone())).unwrap();
    let mut formulas = 0;
    let mut wrong = Vec::new();
    for name in a.sheet_names() {
        let f = a.worksheet_formula(&name).unwrap();
        let va = a.worksheet_range(&name).unwrap();
        let vb = b.worksheet_range(&name).unwrap();
        for (r, c, text) in f.used_cells() {
            if text.is_empty() {
                continue;
            }
            let (Some((r0, c0)), Some(_)) = (f.start(), va.start()) else {
                continue;
            };
            let pos = (
                r0 + u32::try_from(r).unwrap(),
                c0 + u32::try_from(c).unwrap(),
            );
            let want = va.get_value(pos).cloned().unwrap_or(Data::Empty);
            let got = vb.get_value(pos).cloned().unwrap_or(Data::Empty);
            formulas += 1;
            if show(&want) != show(&got) {
                wrong.push(format!(
                    "{name}!{pos:?} ={text}: ours {} LibreOffice {}",
                    show(&want),
                    show(&got)
                ));
            }
        }
    }
    assert!(formulas > 300, "only {formulas} formulas");
    assert!(
        wrong.is_empty(),
        "{} of {formulas} formulas differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // The workbook as LibreOffice saves it reads into the same report.
    let (again, _) = juesuan_xlsx::form::read_workbook_bytes(&recalculated, "lo.xlsx")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(semantic(&report), semantic(&again));
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}
