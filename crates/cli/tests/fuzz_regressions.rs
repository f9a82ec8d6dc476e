#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Inputs the fuzzers (fuzz/, cargo-fuzz) found to crash, minimised, each run
//! through the library call that crashed: it must return, not panic.

use juesuan_model::{Actual, Indicator, Parsed, Points, SourceRef, Target};

/// An indicator with the fields as the text directory or the workbook gives them.
fn indicator(target: &str, actual: &str, weight: &str) -> Indicator {
    Indicator {
        level1: "产出指标".to_string(),
        level2: "数量指标".to_string(),
        name: "指标".to_string(),
        initial: target.to_string(),
        target: Parsed {
            text: target.to_string(),
            value: Target::parse(target).expect("a bare number is a target"),
        },
        actual: Parsed {
            text: actual.to_string(),
            value: Actual::parse(actual),
        },
        weight: Points::parse(weight).expect("a weight the loaders accept"),
        score: None,
        deviation: String::new(),
        source: SourceRef::default(),
    }
}

/// fuzz target perf_target, input
/// `"21111111082739\n16666000006660.3109920\n16566676006666000"`: a weight the
/// loaders accept (no upper bound) times a 29-digit actual overflowed i128 in
/// `Points::scaled` (crates/model/src/perf.rs), "attempt to multiply with
/// overflow" from `juesuan_perf::indicator`, i.e. from `check` of a project file.
/// Fixed twice over: the product is checked, and the loaders refuse a weight over
/// 100 points (`juesuan_ingest::validate::MAX_POINTS`).
#[test]
fn huge_weight_times_huge_actual_is_not_a_panic() {
    let ind = indicator(
        "21111111082739",
        "16666000006660.3109920",
        "16566676006666000",
    );
    for id in juesuan_profile::BUILTIN {
        let profile = juesuan_profile::builtin(id).unwrap();
        let r = std::panic::catch_unwind(|| juesuan_perf::indicator(&ind, &profile.performance));
        assert!(r.is_ok(), "{id}: scoring the indicator panicked");
    }
}
