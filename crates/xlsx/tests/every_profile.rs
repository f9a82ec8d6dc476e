#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Every built-in profile's own workbook form reads back (issue 10, defect 6:
//! the 上海 2024 form, whose 表一/表四 print no 行次, was written without the
//! 行次 columns the importer finds its panels by).
//!
//! - the blank form (`juesuan init --xlsx`) of every profile reads back without
//!   error as an empty report;
//! - a filled form (`juesuan convert` of a text directory of that profile) reads
//!   back into the same report as the directory.

use juesuan_model::{Report, SourceRef};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
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

fn first_difference(a: &serde_json::Value, b: &serde_json::Value) -> String {
    let sa = serde_json::to_string_pretty(a).unwrap();
    let sb = serde_json::to_string_pretty(b).unwrap();
    let la: Vec<&str> = sa.lines().collect();
    let lb: Vec<&str> = sb.lines().collect();
    let only_a: Vec<&&str> = la.iter().filter(|l| !lb.contains(l)).take(30).collect();
    let only_b: Vec<&&str> = lb.iter().filter(|l| !la.contains(l)).take(30).collect();
    format!("only in the text directory: {only_a:#?}\nonly in the workbook: {only_b:#?}")
}

/// 情况说明 inputs of shanghai-2024 in its own ids (as in
/// crates/cli/tests/shanghai_profile.rs).
const SHANGHAI_NARRATIVE: &str = r#"
[last_year]
"grand.income" = "51,214,869.11"
"fiscal.income_grand" = "44,592,816.01"
"gpb.total" = "48,406,694.11"
"sg.actual.vehicle" = "308,989.20"

[initial_budget]
"gpb.total" = "44,711,272.01"
"gpb.total@2013801" = "25,606,916.23"

[texts]
"reason.一" = "财政核减预算资金"
"use.2013801" = "机关人员经费及公用经费等基本支出"

[counts]
"sg.vehicles.held" = 13
"sg.reception.domestic.batches" = 8

[amounts]
"sg.reception.domestic" = "4,502.00"

[scores]
"perf.self.average" = "99.43"
"#;

/// A text directory of `profile` with the example's figures: the example
/// itself for its own profile; for another, its CSV files, its report.toml
/// naming the profile, and 情况说明 inputs in that profile's ids where known.
fn text_dir(profile: &str, dir: &Path) -> PathBuf {
    let src = root().join("examples/jincheng-amr-2022");
    let report = std::fs::read_to_string(src.join("report.toml")).unwrap();
    if report.contains(&format!("profile = \"{profile}\"")) {
        return src;
    }
    std::fs::create_dir_all(dir).unwrap();
    for f in ["income.csv", "general-budget.csv", "economic.csv"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let report: String = report
        .lines()
        .filter(|l| !l.starts_with("title = "))
        .map(|l| {
            if l.starts_with("profile = ") {
                format!("profile = \"{profile}\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("report.toml"), report).unwrap();
    if profile == "shanghai-2024" {
        std::fs::write(dir.join("narrative.toml"), SHANGHAI_NARRATIVE).unwrap();
    }
    dir.to_path_buf()
}

#[test]
fn shanghai_blank_form_reads_back() {
    for id in juesuan_profile::BUILTIN {
        let profile = juesuan_profile::builtin(id).unwrap();
        let empty = juesuan_xlsx::form::empty_report(profile, "上海市某局", 2024);
        let bytes = juesuan_xlsx::form::form(&empty, profile).unwrap();
        let (r, p) = juesuan_xlsx::form::read_workbook_bytes(&bytes, "blank.xlsx")
            .unwrap_or_else(|e| panic!("{id}: the blank form does not read back:\n{e}"));
        assert_eq!(p.id, *id);
        assert_eq!(r.meta.department, "上海市某局");
        assert_eq!(r.meta.year, 2024);
        assert!(
            r.facts.functional.is_empty() && r.facts.scalars.is_empty(),
            "{id}"
        );
        assert!(r.stated.is_empty() && r.projects.is_empty(), "{id}");
    }
}

#[test]
fn shanghai_filled_form_round_trips() {
    let t = tempfile::tempdir().unwrap();
    for id in juesuan_profile::BUILTIN {
        let dir = text_dir(id, &t.path().join(id));
        let (report, profile) = juesuan_ingest::read_text_dir(&dir)
            .unwrap_or_else(|e| panic!("{id}: the text directory does not read:\n{e}"));
        assert_eq!(profile.id, *id);
        assert!(!report.facts.functional.is_empty(), "{id}");
        let bytes = juesuan_xlsx::form::form(&report, profile).unwrap();
        let (again, p) = juesuan_xlsx::form::read_workbook_bytes(&bytes, "filled.xlsx")
            .unwrap_or_else(|e| panic!("{id}: the filled form does not read back:\n{e}"));
        assert_eq!(p.id, *id);
        let (a, b) = (semantic(&report), semantic(&again));
        assert!(a == b, "{id}: {}", first_difference(&a, &b));
    }
}

/// The 行次 columns the form adds to a two-sided table that prints none.
#[test]
fn shanghai_two_sided_tables_have_line_columns_on_the_form() {
    let profile = juesuan_profile::builtin("shanghai-2024").unwrap();
    let empty = juesuan_xlsx::form::empty_report(profile, "上海市某局", 2024);
    let bytes = juesuan_xlsx::form::form(&empty, profile).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut sst = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/sharedStrings.xml").unwrap(), &mut sst)
        .unwrap();
    assert!(sst.contains(">行次<"), "no 行次 in the form's strings");
}

/// Issue 10, defect 8: a department name of 47+ Chinese characters made the
/// 部门/年度/单位 line of the wide tables a merged range billions of columns
/// wide (`超出 Excel 的行列上限`). A 200-character name builds report.xlsx and
/// the form, for every profile.
#[test]
fn long_department_name_builds_xlsx() {
    let t = tempfile::tempdir().unwrap();
    let name: String = "晋城市市场监督管理局".chars().cycle().take(200).collect();
    for id in juesuan_profile::BUILTIN {
        let dir = text_dir(id, &t.path().join(id));
        let (mut report, profile) = juesuan_ingest::read_text_dir(&dir).unwrap();
        report.meta.department = name.clone();
        let derived = juesuan_tables::derive_all(&report, profile);
        let doc = juesuan_compose::compose(&report, profile, &derived).unwrap();
        let bytes = juesuan_xlsx::workbook(&doc).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(bytes.starts_with(b"PK"));
        let form =
            juesuan_xlsx::form::form(&report, profile).unwrap_or_else(|e| panic!("{id}: {e}"));
        // Reading it back: the name, or (past the length `check` accepts) an
        // error at its cell.
        match juesuan_xlsx::form::read_workbook_bytes(&form, "long.xlsx") {
            Ok((again, _)) => assert_eq!(again.meta.department, name),
            Err(e) => assert!(e.to_string().contains("基本信息!B"), "{id}: {e}"),
        }
    }
}
