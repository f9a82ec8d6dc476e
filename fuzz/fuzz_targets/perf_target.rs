//! Any UTF-8 text as the fields of a performance indicator, one per line: the
//! 年度指标 (target), the 实际完成值 (actual), the 权重 (weight) and the stated
//! 得分 (score), and the second-level category. Each is parsed as the text
//! directory and the workbook parse them (Target, Actual, Points, Dec, Money),
//! then the indicator is scored by both built-in profiles' methods. Never
//! panics (no overflow, no division by zero), never hangs.
#![no_main]

use juesuan_model::{Actual, Dec, Indicator, Parsed, Points, Target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut f = text.split('\n');
    let target = f.next().unwrap_or("");
    let actual = f.next().unwrap_or("");
    let weight = f.next().unwrap_or("");
    let score = f.next().unwrap_or("");
    let level2 = f.next().unwrap_or("数量指标");
    for s in [target, actual, weight, score] {
        if let Some(d) = Dec::parse(s) {
            let _ = d.display();
            let _ = Dec::common(d, d);
        }
        if let Some(p) = Points::parse(s) {
            let _ = p.display();
        }
        let _ = juesuan_model::Money::parse(s);
    }
    let Ok(t) = Target::parse(target) else {
        return;
    };
    let a = Actual::parse(actual);
    let ind = Indicator {
        level1: "产出指标".to_string(),
        level2: level2.to_string(),
        name: "指标".to_string(),
        initial: target.to_string(),
        target: Parsed {
            text: target.to_string(),
            value: t,
        },
        actual: Parsed {
            text: actual.to_string(),
            value: a,
        },
        weight: Points::parse(weight).unwrap_or_default(),
        score: Points::parse(score),
        deviation: String::new(),
        source: juesuan_model::SourceRef::default(),
    };
    for id in juesuan_profile::BUILTIN {
        if let Ok(profile) = juesuan_profile::builtin(id) {
            let _ = juesuan_perf::indicator(&ind, &profile.performance);
        }
    }
});
