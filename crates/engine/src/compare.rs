//! Two years of one department side by side: every figure that changed, with its
//! change and rate, and the headline figures (the ones a reader compares first)
//! in a fixed order. The numbers are computed here, once, from both reports'
//! exact figures; the CLI and the server only print them.

use crate::Loaded;
use juesuan_model::{Key, Measure, Num, Percent, Scope};
use juesuan_tables::{economic_name, functional_name};
use serde::Serialize;
use std::collections::BTreeSet;

/// The figures a reader compares first, in the order shown: totals, 基本/项目,
/// 财政拨款, 三公 (budget and actual), 机关运行经费, procurement, vehicles.
pub const HEADLINE: &[Measure] = &[
    Measure::IncomeGrand,
    Measure::ExpGrand,
    Measure::IncTotal,
    Measure::ExpTotal,
    Measure::ExpBasic,
    Measure::ExpProject,
    Measure::FiscalIncomeGrand,
    Measure::FiscalGrand,
    Measure::GpbTotal,
    Measure::GpbBasic,
    Measure::GpbProject,
    Measure::GfTotal,
    Measure::SocTotal,
    Measure::CarryIn,
    Measure::CarryOut,
    Measure::SgBudgetTotal,
    Measure::SgActualTotal,
    Measure::SgActualAbroad,
    Measure::SgActualVehiclePurchase,
    Measure::SgActualVehicleRunning,
    Measure::SgActualReception,
    Measure::OrcTotal,
    Measure::ProcTotal,
    Measure::ProcSme,
    Measure::VehTotal,
];

/// One figure in both years.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FigureChange {
    /// The figure's key (`gpb.total@201`).
    pub key: Key,
    /// Its Chinese name (`201 一般公共服务支出：一般公共预算财政拨款支出`).
    pub name: String,
    /// The older year's value (zero when the older report has no such figure).
    pub before: Num,
    /// The newer year's value.
    pub after: Num,
    /// after − before.
    pub change: Num,
    /// change / before, 四舍五入 to 0.01 %; none on a zero base.
    pub rate: Option<Percent>,
}

impl FigureChange {
    fn new(key: &Key, name: String, before: Num, after: Num) -> FigureChange {
        let change = after.with_raw(after.raw().saturating_sub(before.raw()));
        FigureChange {
            key: key.clone(),
            name,
            before,
            after,
            change,
            rate: Percent::of(i128::from(change.raw()), i128::from(before.raw())),
        }
    }
}

/// Two years of one department compared.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// The older year.
    pub before_year: i32,
    /// The newer year.
    pub after_year: i32,
    /// The headline figures, changed or not, in [`HEADLINE`] order.
    pub headline: Vec<FigureChange>,
    /// Every figure whose value differs, in key order.
    pub changed: Vec<FigureChange>,
    /// The functional 类 whose 本年支出合计 changed most, largest change first (up to ten).
    pub largest: Vec<FigureChange>,
}

/// Compares two loaded reports of one department (`before` the older year).
pub fn compare(before: &Loaded, after: &Loaded) -> Comparison {
    let (b, a) = (&before.derived.figures, &after.derived.figures);
    // Codes are named as the newer report names them (`201 一般公共服务支出`).
    let name = |k: &Key| match &k.scope {
        Scope::Fn(code) => format!(
            "{code} {}：{}",
            functional_name(&after.report, after.profile, code),
            k.measure.label()
        ),
        Scope::Econ(code) => format!(
            "{code} {}：{}",
            economic_name(&after.report, after.profile, code),
            k.measure.label()
        ),
        _ => k.describe(),
    };
    let pair = |k: &Key| {
        let zero = Num::zero(k.measure.kind());
        FigureChange::new(
            k,
            name(k),
            b.get_opt(k).unwrap_or(zero),
            a.get_opt(k).unwrap_or(zero),
        )
    };
    let headline = HEADLINE.iter().map(|m| pair(&Key::all(*m))).collect();
    let keys: BTreeSet<&Key> = b.iter().chain(a.iter()).map(|(k, _)| k).collect();
    let changed: Vec<FigureChange> = keys
        .into_iter()
        .map(pair)
        .filter(|c| c.before != c.after)
        .collect();
    let mut largest: Vec<FigureChange> = changed
        .iter()
        .filter(|c| {
            c.key.measure == Measure::ExpTotal
                && matches!(&c.key.scope, Scope::Fn(code) if code.parent().is_none())
        })
        .cloned()
        .collect();
    largest.sort_by_key(|c| std::cmp::Reverse(c.change.raw().unsigned_abs()));
    largest.truncate(10);
    Comparison {
        before_year: before.report.meta.year,
        after_year: after.report.meta.year,
        headline,
        changed,
        largest,
    }
}
