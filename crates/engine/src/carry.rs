//! A new year's form, filled with what last year's report already says: its
//! figures as this year's 上年数 (every key the profile's narrative asks for, one
//! per 类 where it asks per 类) and its 年末结转和结余 as this year's 年初. The
//! department then enters only this year's figures; the cross-year rules hold
//! by construction for what was carried.

use crate::Loaded;
use juesuan_model::{FnLevel, Key, Measure, Report, Scope};
use juesuan_profile::{Profile, key_pattern_matches};

/// This year's opening balances and last year's closing ones, where the input
/// gives them for the whole department.
pub const CARRIED: [(Measure, Measure); 3] = [
    (Measure::CarryIn, Measure::CarryOut),
    (Measure::FbalInGpb, Measure::FbalOutGpb),
    (Measure::FbalInSoc, Measure::FbalOutSoc),
];

/// The same, where the input gives them by functional code (公开08表, and 表九 of
/// templates that show 国有资本经营 balances by code); the fund totals are their sums.
pub const CARRIED_BY_CODE: [(Measure, Measure); 2] = [
    (Measure::GfCarryIn, Measure::GfCarryOut),
    (Measure::SocCarryIn, Measure::SocCarryOut),
];

/// Carries `previous` into `report` (a new year's report, usually empty):
/// 上年数 the profile declares, and opening balances. Figures `report`
/// already states are left as they are.
pub fn carry_over(report: &mut Report, profile: &Profile, previous: &Loaded) {
    let fig = &previous.derived.figures;
    for pattern in &profile.inputs.last_year {
        let keys: Vec<Key> = if pattern.contains("{class}") {
            fig.iter()
                .map(|(k, _)| k)
                .filter(|k| {
                    matches!(&k.scope, Scope::Fn(c) if c.level() == FnLevel::Class)
                        && key_pattern_matches(pattern, &k.to_string())
                })
                .cloned()
                .collect()
        } else {
            Key::parse(pattern).into_iter().collect()
        };
        for key in keys {
            let v = fig.get(&key);
            // Per 类: only the classes last year had; whole-department: always.
            if v.is_zero() && !matches!(key.scope, Scope::All) {
                continue;
            }
            report.narrative.last_year.entry(key).or_insert(v);
        }
    }
    for (opening, closing) in CARRIED {
        let v = fig.get(&Key::all(closing));
        if !v.is_zero() {
            report.facts.scalars.entry(opening).or_insert(v);
        }
    }
    for (opening, closing) in CARRIED_BY_CODE {
        for (code, row) in &previous.report.facts.functional {
            if let Some(v) = row.get(&closing).filter(|v| !v.is_zero()) {
                report
                    .facts
                    .functional
                    .entry(code.clone())
                    .or_default()
                    .entry(opening)
                    .or_insert(*v);
            }
        }
    }
}
