//! The cross-year rules on made-up departments over several years: nothing found
//! on consistent years, every injected mistake found where it was made.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use juesuan_engine::sample::{self, Mistake};
use juesuan_engine::{Against, Loaded, check};
use juesuan_model::{Key, Location, Measure, Severity};

const YEARS: [i32; 3] = [2021, 2022, 2023];

/// Loads department `i`'s years, each checked against the one before.
fn chain(i: usize, mistakes: &[(i32, Mistake)]) -> Vec<Loaded> {
    let (base, profile) = sample::example().expect("example");
    let reports = sample::years(
        &base,
        profile,
        &sample::department("晋城市", i),
        i,
        &YEARS,
        mistakes,
    );
    let mut out: Vec<Loaded> = Vec::new();
    for r in reports {
        let label = format!("{} 年度报告", r.meta.year - 1);
        let previous = out.last().map(|l| (l, label.as_str()));
        let loaded = match check(
            r,
            profile,
            false,
            None,
            Against {
                previous,
                ..Against::default()
            },
        ) {
            Ok(l) => l,
            Err(_) => panic!("made-up report unusable"),
        };
        out.push(loaded);
    }
    out
}

fn cross_year(l: &Loaded) -> Vec<&juesuan_model::Finding> {
    l.findings
        .iter()
        .filter(|f| f.rule.starts_with("XY-"))
        .collect()
}

#[test]
fn consistent_years_have_no_error_and_no_cross_year_finding() {
    for i in 0..8 {
        let years = chain(i, &[]);
        for l in &years {
            let errors: Vec<_> = l
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| format!("{} {} {}", f.rule, f.location, f.message))
                .collect();
            assert!(
                errors.is_empty(),
                "department {i} {}: {errors:#?}",
                l.report.meta.year
            );
            assert!(cross_year(l).is_empty(), "{:#?}", cross_year(l));
            // The same warnings as the example (its project reports), no more.
            let warnings = l
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count();
            assert_eq!(warnings, 18, "department {i} {}", l.report.meta.year);
            let y = l.report.meta.year;
            let title = l.report.meta.title.clone().unwrap_or_default();
            assert!(
                title.contains(&format!("{y}年")) && title.contains(&l.report.meta.department),
                "{title}"
            );
        }
        // The figures do change from year to year, and the carry-over is real.
        let fig = |l: &Loaded, m| l.derived.figures.get(&Key::all(m)).raw();
        assert_ne!(
            fig(&years[0], Measure::IncomeGrand),
            fig(&years[1], Measure::IncomeGrand)
        );
        assert_eq!(
            fig(&years[0], Measure::CarryOut),
            fig(&years[1], Measure::CarryIn)
        );
    }
}

#[test]
fn every_stated_last_year_figure_that_is_off_is_found_where_it_is_stated() {
    let (base, _) = sample::example().expect("example");
    let keys: Vec<Key> = base.narrative.last_year.keys().cloned().collect();
    assert!(keys.len() >= 10, "the example states its 上年数");
    for (n, key) in keys.iter().enumerate() {
        let delta = 100 + n as i64 * 37;
        let years = chain(3, &[(2023, Mistake::LastYear(key.clone(), delta))]);
        assert!(cross_year(&years[1]).is_empty());
        let found = cross_year(&years[2]);
        assert_eq!(found.len(), 1, "{key}: {found:#?}");
        let f = found[0];
        assert_eq!(f.rule, "XY-LASTYEAR");
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.difference.as_ref().map(ToString::to_string),
            Some(juesuan_model::Money::from_fen(delta).yuan()),
            "{f:#?}"
        );
        // Here: where this year's input states it; there: last year's table cell.
        assert!(
            matches!(&f.location, Location::Input(s) if s.file.ends_with("narrative.toml")),
            "{f:#?}"
        );
        assert!(
            f.related.iter().any(|l| matches!(l, Location::Elsewhere { report, at } if report == "2022 年度报告" && (key.measure == Measure::OrcTotal || matches!(**at, Location::Cell { .. })))),
            "{f:#?}"
        );
    }
}

#[test]
fn an_opening_balance_that_is_not_last_years_closing_one_is_found() {
    let years = chain(5, &[(2022, Mistake::CarryIn(123_400))]);
    let found = cross_year(&years[1]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].rule, "XY-CARRY");
    assert!(
        found[0].message.contains("年初结转和结余"),
        "{}",
        found[0].message
    );
    // The report itself still balances: no other error.
    assert!(
        years[1]
            .findings
            .iter()
            .all(|f| f.severity != Severity::Error || f.rule == "XY-CARRY")
    );
    // The next year carries the (wrong) closing balance on consistently.
    assert!(cross_year(&years[2]).is_empty());
}

#[test]
fn a_report_of_another_department_or_year_is_named() {
    let (base, profile) = sample::example().expect("example");
    let a = sample::years(
        &base,
        profile,
        &sample::department("晋城市", 1),
        1,
        &[2021],
        &[],
    )
    .remove(0);
    let b = sample::years(
        &base,
        profile,
        &sample::department("晋城市", 2),
        2,
        &[2022],
        &[],
    )
    .remove(0);
    let prev = check(a.clone(), profile, false, None, Against::default())
        .ok()
        .expect("a");
    let l = check(
        b.clone(),
        profile,
        false,
        None,
        Against {
            previous: Some((&prev, "上年")),
            ..Against::default()
        },
    )
    .ok()
    .expect("b");
    assert!(
        l.findings
            .iter()
            .any(|f| f.rule == "XY-DEPT" && f.severity == Severity::Warning)
    );
    // Not the year before: refused, with both years named.
    let mut c = b;
    c.meta.year = 2024;
    match check(
        c,
        profile,
        false,
        None,
        Against {
            previous: Some((&prev, "上年度报告")),
            ..Against::default()
        },
    ) {
        Err(juesuan_engine::Failure::Other(m)) => assert!(
            m.contains("2021") && m.contains("2024") && m.contains("2023"),
            "{m}"
        ),
        _ => panic!("a report two years older is not last year's"),
    }
}

#[test]
fn a_department_is_the_sum_of_its_units() {
    let (base, profile) = sample::example().unwrap();
    let dept = sample::department("晋城市", 0);
    // The example times 3 is exactly the example times 1 plus times 2.
    let whole = sample::report(&base, &dept, 3, 2022, None, &[]);
    let unit = |k: i64, name: &str| {
        let d = sample::Department {
            code: format!("0{k}"),
            name: name.to_string(),
        };
        let r = sample::report(&base, &d, k, 2022, None, &[]);
        check(r, profile, false, None, Against::default())
            .ok()
            .unwrap()
    };
    let (a, mut b) = (unit(1, "本级"), unit(2, "下属单位"));
    // Counts are not scaled: the vehicles are all 本级's.
    for v in b.report.facts.scalars.values_mut() {
        if let juesuan_model::Num::Count(_) = v {
            *v = juesuan_model::Num::Count(0);
        }
    }
    let run = |units: &[(&Loaded, &str)]| {
        let l = check(
            whole.clone(),
            profile,
            false,
            None,
            Against {
                units,
                ..Against::default()
            },
        )
        .ok()
        .unwrap();
        l.findings
            .into_iter()
            .filter(|f| f.rule == "XU-SUM")
            .collect::<Vec<_>>()
    };
    let none = run(&[(&a, "本级"), (&b, "下属单位")]);
    assert!(
        none.is_empty(),
        "{:#?}",
        none.iter().map(|f| &f.message).collect::<Vec<_>>()
    );
    // One leaf of one unit off by 9 fen: one finding, at that leaf, naming both units.
    let code = juesuan_model::FunctionalCode::parse("2013801").unwrap();
    let leaf = b.report.facts.functional.get_mut(&code).unwrap();
    let basic = leaf.get_mut(&Measure::GpbBasic).unwrap();
    *basic = juesuan_model::Money::from_fen(basic.fen() + 9);
    let found = run(&[(&a, "本级"), (&b, "下属单位")]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("2013801") && found[0].message.contains("下属单位"),
        "{}",
        found[0].message
    );
    assert_eq!(
        found[0].difference.as_ref().map(ToString::to_string),
        Some("-0.09".to_string())
    );
    // A unit missing: every fact it holds.
    assert!(!run(&[(&a, "本级")]).is_empty());
}

#[test]
fn a_last_year_figure_for_a_class_last_year_did_not_have_is_found() {
    let (base, profile) = sample::example().unwrap();
    let dept = sample::department("晋城市", 2);
    let years = sample::years(&base, profile, &dept, 2, &[2021, 2022], &[]);
    let prev = check(years[0].clone(), profile, false, None, Against::default())
        .ok()
        .unwrap();
    let mut now = years[1].clone();
    let class = juesuan_model::FunctionalCode::parse("213").unwrap();
    now.narrative.last_year.insert(
        Key::func(Measure::GpbTotal, &class),
        juesuan_model::Num::Money(juesuan_model::Money::from_yuan(5_000)),
    );
    let l = check(
        now,
        profile,
        false,
        None,
        Against {
            previous: Some((&prev, "上年")),
            ..Against::default()
        },
    )
    .ok()
    .unwrap();
    let found = cross_year(&l);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("213"), "{}", found[0].message);
}

#[test]
fn a_form_carries_fund_balances_by_code() {
    let (base, profile) = sample::example().unwrap();
    let mut last = base.clone();
    let code = juesuan_model::FunctionalCode::parse("2013801").unwrap();
    let v = juesuan_model::Money::from_fen(123_456);
    last.facts
        .functional
        .entry(code.clone())
        .or_default()
        .insert(Measure::GfCarryOut, v);
    last.facts
        .scalars
        .insert(Measure::CarryOut, juesuan_model::Num::Money(v));
    let last = check(last, profile, false, None, Against::default())
        .ok()
        .unwrap();
    let mut form = juesuan_xlsx::form::empty_report(profile, &base.meta.department, 2023);
    juesuan_engine::carry::carry_over(&mut form, profile, &last);
    assert_eq!(
        form.facts.functional[&code].get(&Measure::GfCarryIn),
        Some(&v)
    );
    assert_eq!(
        form.facts.scalars.get(&Measure::CarryIn),
        Some(&juesuan_model::Num::Money(v))
    );
    assert!(
        !form.facts.scalars.contains_key(&Measure::FbalInGf),
        "the fund total is its codes' sum"
    );
    // Every 上年数 the profile asks for, per 类 for the classes last year had.
    let k = Key::func(
        Measure::GpbTotal,
        &juesuan_model::FunctionalCode::parse("201").unwrap(),
    );
    assert_eq!(
        form.narrative.last_year.get(&k),
        Some(&last.derived.figures.get(&k))
    );
}
