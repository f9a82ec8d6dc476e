//! `juesuan compare` and `check --previous`: two years of one department, the
//! cross-year findings with exit codes like `check`; `check` of many inputs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{example, juesuan};
use juesuan_engine::sample::{self, Department, Mistake};
use juesuan_model::{Key, Measure};
use std::path::Path;

/// Writes a made-up report as a workbook.
fn write(dir: &Path, name: &str, r: &juesuan_model::Report) -> String {
    let (_, profile) = sample::example().unwrap();
    let path = dir.join(name);
    std::fs::write(&path, juesuan_xlsx::form::form(r, profile).unwrap()).unwrap();
    path.display().to_string()
}

#[test]
fn the_example_made_into_a_second_year_with_a_wrong_last_year_figure() {
    let t = tempfile::tempdir().unwrap();
    let (base, profile) = sample::example().unwrap();
    let figures = juesuan_tables::derive(&base, profile);
    let dept = Department {
        code: "065".into(),
        name: base.meta.department.clone(),
    };
    let next = |mistakes: &[Mistake]| {
        sample::report(&base, &dept, 2, 2023, Some((&base, &figures)), mistakes)
    };
    let good = write(t.path(), "2023.xlsx", &next(&[]));
    let wrong = write(
        t.path(),
        "2023-wrong.xlsx",
        &next(&[Mistake::LastYear(Key::all(Measure::IncomeGrand), 50_000)]),
    );
    let ex = example().display().to_string();

    // Consistent: exit 0, the headline table, no cross-year finding; either order.
    let r = juesuan(&["compare", &good, &ex]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("主要数据"), "{}", r.stdout);
    assert!(r.stdout.contains("2022 年度") && r.stdout.contains("2023 年度"));
    // Every amount of the year doubled: +100.00 % on 本年收入合计.
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("本年收入合计") && l.contains("100.00%")),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("本年报告所述的上年数均与上年度报告一致"),
        "{}",
        r.stdout
    );

    // The wrong 上年数: exit 1, named with both places and the difference.
    let r = juesuan(&["compare", &ex, &wrong]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("[XY-LASTYEAR]"), "{}", r.stdout);
    assert!(r.stdout.contains("500.00"), "{}", r.stdout);
    assert!(
        r.stdout.contains(&format!("上年度报告（{ex}）")),
        "{}",
        r.stdout
    );

    // JSON: the same, machine-readable.
    let r = juesuan(&["compare", &ex, &wrong, "--format", "json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "XY-LASTYEAR");
    assert_eq!(v["before_year"], 2022);
    assert!(v["headline"].as_array().unwrap().len() >= 20);
    assert!(!v["changed"].as_array().unwrap().is_empty());

    // check --previous runs every rule, the cross-year ones included.
    let r = juesuan(&["check", &wrong, "--previous", &ex]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("[XY-LASTYEAR]"));
    let r = juesuan(&["check", &good, "--previous", &ex]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    // Not last year's: refused, exit 2, naming both years.
    let r = juesuan(&["check", &ex, "--previous", &good]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("2023") && r.stderr.contains("2021"),
        "{}",
        r.stderr
    );
    let r = juesuan(&["compare", &ex, &ex]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("都是 2022 年度"), "{}", r.stderr);
}

#[test]
fn check_of_many_inputs_checks_each_and_sums_up() {
    let t = tempfile::tempdir().unwrap();
    let (base, profile) = sample::example().unwrap();
    let mut paths = Vec::new();
    for i in 0..3 {
        let r = sample::years(
            &base,
            profile,
            &sample::department("晋城市", i),
            i,
            &[2022],
            &[],
        )
        .remove(0);
        paths.push(write(t.path(), &format!("{i}.xlsx"), &r));
    }
    let mut args = vec!["check".to_string()];
    args.extend(paths.iter().cloned());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = juesuan(&refs);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("共检查 3 份：未发现错误 3 份，有错误 0 份，无法使用 0 份"),
        "{}",
        r.stdout
    );
    for p in &paths {
        assert!(r.stdout.contains(&format!("══ {p} ══")), "{}", r.stdout);
    }
    // One unusable: exit 2, the others still checked; JSON names each.
    let missing = t.path().join("无此文件.xlsx").display().to_string();
    let r = juesuan(&["check", &paths[0], &missing, &paths[1], "--format", "json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "juesuan/check@1");
    assert_eq!(v["counts"]["unusable"], 1);
    let rows = v["inputs"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["errors"], 0);
    assert!(
        rows[1]["unusable"]
            .as_str()
            .unwrap()
            .contains("无此文件.xlsx")
    );
    assert_eq!(rows[2]["department"], sample::department("晋城市", 1).name);
    // --previous with many inputs is refused.
    let r = juesuan(&["check", &paths[0], &paths[1], "--previous", &paths[2]]);
    assert_eq!(r.code, 2);
}

#[test]
fn check_with_units_sums_them() {
    let t = tempfile::tempdir().unwrap();
    let (base, _) = sample::example().unwrap();
    let dept = sample::department("晋城市", 4);
    let whole = write(
        t.path(),
        "部门.xlsx",
        &sample::report(&base, &dept, 3, 2022, None, &[]),
    );
    let unit = |k: i64, name: &str, zero_counts: bool, extra_fen: i64| {
        let d = Department {
            code: format!("9{k}"),
            name: name.to_string(),
        };
        let mut r = sample::report(&base, &d, k, 2022, None, &[]);
        for v in r.facts.scalars.values_mut() {
            if zero_counts && matches!(v, juesuan_model::Num::Count(_)) {
                *v = juesuan_model::Num::Count(0);
            }
        }
        if let Some(juesuan_model::Num::Money(m)) = r.facts.scalars.get_mut(&Measure::OrcAdmin) {
            *m = juesuan_model::Money::from_fen(m.fen() + extra_fen);
        }
        write(t.path(), &format!("{name}.xlsx"), &r)
    };
    let a = unit(1, "本级", false, 0);
    let b = unit(2, "下属单位", true, 0);
    let r = juesuan(&["check", &whole, "--unit", &a, "--unit", &b]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("XU-SUM"));
    let wrong = unit(2, "下属单位错", true, 12_345);
    let r = juesuan(&["check", &whole, "--unit", &a, "--unit", &wrong]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("[XU-SUM]") && r.stdout.contains("123.45"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("下属单位错"),
        "the unit is named: {}",
        r.stdout
    );
}
