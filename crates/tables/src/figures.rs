//! Facts → figures: every [`Key`] a report can show, computed once from the input
//! facts by exact integer sums. Nothing here rounds.

use juesuan_model::{
    Domain, EconGroup, EconomicCode, ExpKind, FunctionalCode, Fund, Key, Measure, Money, Num,
    Report, Scope,
};
use juesuan_profile::{Layout, Profile};
use std::collections::{BTreeMap, BTreeSet};

/// Every figure of a report, by key. Absent keys are zero.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    map: BTreeMap<Key, Num>,
    /// Functional codes with any figure (项 and their ancestors).
    pub functional_codes: BTreeSet<FunctionalCode>,
}

impl Figures {
    /// The figure of a key; zero of the measure's kind when absent.
    pub fn get(&self, key: &Key) -> Num {
        self.map
            .get(key)
            .copied()
            .unwrap_or_else(|| Num::zero(key.measure.kind()))
    }

    /// The figure of a key if it was derived or given.
    pub fn get_opt(&self, key: &Key) -> Option<Num> {
        self.map.get(key).copied()
    }

    /// Money figure of a key (zero for counts and absent keys).
    pub fn money(&self, key: &Key) -> Money {
        self.get(key).money().unwrap_or(Money::ZERO)
    }

    /// Whole-department money figure of a measure.
    pub fn all(&self, m: Measure) -> Money {
        self.money(&Key::all(m))
    }

    /// Sets a figure.
    pub fn set(&mut self, key: Key, v: Num) {
        self.map.insert(key, v);
    }

    /// All figures, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Num)> {
        self.map.iter()
    }
}

/// Whole-department totals that are sums of other whole-department figures, in
/// the order they must be computed. Used for this year's figures and, by the
/// narrative, to complete last year's from their parts.
pub const SCALAR_SUMS: &[(Measure, &[Measure])] = &[
    (
        Measure::SgBudgetVehicle,
        &[
            Measure::SgBudgetVehiclePurchase,
            Measure::SgBudgetVehicleRunning,
        ],
    ),
    (
        Measure::SgBudgetTotal,
        &[
            Measure::SgBudgetAbroad,
            Measure::SgBudgetVehicle,
            Measure::SgBudgetReception,
        ],
    ),
    (
        Measure::SgActualVehicle,
        &[
            Measure::SgActualVehiclePurchase,
            Measure::SgActualVehicleRunning,
        ],
    ),
    (
        Measure::SgActualTotal,
        &[
            Measure::SgActualAbroad,
            Measure::SgActualVehicle,
            Measure::SgActualReception,
        ],
    ),
    (
        Measure::ProcTotal,
        &[
            Measure::ProcGoods,
            Measure::ProcWorks,
            Measure::ProcServices,
        ],
    ),
    (Measure::OrcTotal, &[Measure::OrcAdmin, Measure::OrcCivil]),
    (
        Measure::VehTotal,
        &[
            Measure::VehMinisterial,
            Measure::VehLeader,
            Measure::VehConfidential,
            Measure::VehEmergency,
            Measure::VehLaw,
            Measure::VehSpecial,
            Measure::VehRetired,
            Measure::VehOther,
        ],
    ),
];

/// The 公开06表 codes that make up each 三公 item's 决算数: the national economic
/// classification puts 因公出国（境）费 in 30212, 公务接待费 in 30217, 公务用车运行维护费
/// in 30231, and 公务用车购置 in 30913 (基本建设) and 31013.
pub const SANGONG_ECON: &[(Measure, &[&str])] = &[
    (Measure::SgActualAbroad, &["30212"]),
    (Measure::SgActualVehiclePurchase, &["30913", "31013"]),
    (Measure::SgActualVehicleRunning, &["30231"]),
    (Measure::SgActualReception, &["30217"]),
];

/// Per-item derivations, in order: each derived measure and the measures it adds up.
/// 公开03表's columns are the sum over the funds ([`Fund::measure`]); each fund's total
/// is its 基本 + 项目.
fn item_sums() -> Vec<(Measure, Vec<Measure>)> {
    let mut out = vec![(
        Measure::IncTotal,
        vec![
            Measure::IncFiscal,
            Measure::IncSuperior,
            Measure::IncBusiness,
            Measure::IncOperating,
            Measure::IncAffiliated,
            Measure::IncOther,
        ],
    )];
    for fund in Fund::ALL {
        if let Some(total) = fund.total() {
            out.push((
                total,
                ExpKind::ALL
                    .iter()
                    .filter_map(|k| fund.measure(*k))
                    .collect(),
            ));
        }
    }
    for kind in ExpKind::ALL {
        out.push((
            kind.total(),
            Fund::ALL.iter().filter_map(|f| f.measure(kind)).collect(),
        ));
    }
    out.push((
        Measure::ExpTotal,
        ExpKind::ALL.iter().map(|k| k.total()).collect(),
    ));
    out.push((
        Measure::FiscalTotal,
        Fund::ALL.iter().filter_map(|f| f.total()).collect(),
    ));
    out
}

/// Economic groups of a profile: which classes make 人员经费 and 公用经费.
pub fn economic_groups(profile: &Profile) -> Vec<(EconGroup, Vec<EconomicCode>)> {
    profile
        .tables
        .iter()
        .find_map(|t| match &t.layout {
            Layout::Economic { groups, .. } => Some(
                groups
                    .iter()
                    .map(|g| (g.group, g.classes.clone()))
                    .collect(),
            ),
            _ => None,
        })
        .unwrap_or_default()
}

/// Derives every figure from the report's facts.
pub fn derive(report: &Report, profile: &Profile) -> Figures {
    let mut fig = Figures::default();
    let facts = &report.facts;

    // Functional: leaf facts and per-item sums, then aggregated to 款, 类 and 合计.
    let fn_measures: Vec<Measure> = Measure::ALL
        .iter()
        .copied()
        .filter(|m| m.domain() == Domain::Functional)
        .collect();
    let mut totals: BTreeMap<(Measure, Scope), Money> = BTreeMap::new();
    let sums = item_sums();
    for (code, values) in &facts.functional {
        let mut item: BTreeMap<Measure, Money> = values.clone();
        for (m, parts) in &sums {
            let s: Money = parts
                .iter()
                .map(|p| item.get(p).copied().unwrap_or_default())
                .sum();
            item.insert(*m, s);
        }
        for anc in code.lineage() {
            fig.functional_codes.insert(anc.clone());
        }
        for m in &fn_measures {
            let v = item.get(m).copied().unwrap_or_default();
            for scope in code
                .lineage()
                .into_iter()
                .map(Scope::Fn)
                .chain([Scope::All])
            {
                *totals.entry((*m, scope)).or_default() += v;
            }
        }
    }
    for m in &fn_measures {
        // Every measure exists at department level, even when zero.
        totals.entry((*m, Scope::All)).or_default();
    }
    for ((measure, scope), v) in totals {
        fig.set(Key { measure, scope }, Num::Money(v));
    }

    // Economic: 款 facts, 类 = Σ款, group = Σ classes, 合计 = Σ groups.
    let groups = economic_groups(profile);
    let mut class_sum: BTreeMap<(Measure, EconomicCode), Money> = BTreeMap::new();
    for (code, e) in &facts.economic {
        for (m, v) in [
            (Measure::EconAmount, e.amount),
            (Measure::EconBasic, e.basic),
        ] {
            fig.set(Key::econ(m, code), Num::Money(v));
            *class_sum.entry((m, code.class())).or_default() += v;
        }
    }
    for ((m, class), v) in &class_sum {
        fig.set(Key::econ(*m, class), Num::Money(*v));
    }
    for m in [Measure::EconAmount, Measure::EconBasic] {
        let mut all = Money::ZERO;
        for (g, classes) in &groups {
            let v: Money = classes
                .iter()
                .map(|c| class_sum.get(&(m, c.clone())).copied().unwrap_or_default())
                .sum();
            fig.set(Key::group(m, *g), Num::Money(v));
            all += v;
        }
        fig.set(Key::all(m), Num::Money(all));
    }

    // Scalar facts (balances, 07 预算数, 10).
    for (m, v) in &facts.scalars {
        fig.set(Key::all(*m), *v);
    }
    let s = |fig: &Figures, m: Measure| fig.all(m);
    let put = |fig: &mut Figures, m: Measure, v: Money| fig.set(Key::all(m), Num::Money(v));

    // 三公 决算数 from 公开06表.
    for (m, codes) in SANGONG_ECON {
        let v: Money = codes
            .iter()
            .filter_map(|c| EconomicCode::parse(c).ok())
            .map(|c| fig.money(&Key::econ(Measure::EconAmount, &c)))
            .sum();
        put(&mut fig, *m, v);
    }
    for (total, parts) in SCALAR_SUMS {
        let zero = Num::zero(total.kind());
        let v = parts
            .iter()
            .map(|p| fig.get(&Key::all(*p)).raw())
            .fold(0_i64, i64::saturating_add);
        fig.set(Key::all(*total), zero.with_raw(v));
    }

    // Fund-level income and balances (公开01表 / 04表).
    let gf_income = s(&fig, Measure::GfIncome);
    put(&mut fig, Measure::IncGfFund, gf_income);
    // 国有资本经营: the fund-level income and balances are input as department
    // figures (report.toml [fiscal]); a template whose table shows them by functional
    // code (soc.income …) takes them from there when they are not input.
    for (fund, by_code) in [
        (Measure::IncSocFund, Measure::SocIncome),
        (Measure::FbalInSoc, Measure::SocCarryIn),
        (Measure::FbalOutSoc, Measure::SocCarryOut),
    ] {
        if !facts.scalars.contains_key(&fund) {
            let v = s(&fig, by_code);
            put(&mut fig, fund, v);
        }
    }
    let soc_income = s(&fig, Measure::IncSocFund);
    let gpb_income = s(&fig, Measure::IncFiscal) - gf_income - soc_income;
    put(&mut fig, Measure::IncGpbFund, gpb_income);
    let gf_in = s(&fig, Measure::GfCarryIn);
    put(&mut fig, Measure::FbalInGf, gf_in);
    let gf_out = s(&fig, Measure::GfCarryOut);
    put(&mut fig, Measure::FbalOutGf, gf_out);
    for (total, parts) in [
        (
            Measure::FbalInTotal,
            [Measure::FbalInGpb, Measure::FbalInGf, Measure::FbalInSoc],
        ),
        (
            Measure::FbalOutTotal,
            [Measure::FbalOutGpb, Measure::FbalOutGf, Measure::FbalOutSoc],
        ),
        (
            Measure::FiscalIncome,
            [Measure::IncGpbFund, Measure::IncGfFund, Measure::IncSocFund],
        ),
    ] {
        let v = parts.iter().map(|p| s(&fig, *p)).sum();
        put(&mut fig, total, v);
    }
    for (total, parts) in [
        (
            Measure::FiscalIncomeGrand,
            [Measure::FiscalIncome, Measure::FbalInTotal],
        ),
        (Measure::GpbGrand, [Measure::GpbTotal, Measure::FbalOutGpb]),
        (Measure::GfGrand, [Measure::GfTotal, Measure::FbalOutGf]),
        (Measure::SocGrand, [Measure::SocTotal, Measure::FbalOutSoc]),
        (
            Measure::FiscalGrand,
            [Measure::FiscalTotal, Measure::FbalOutTotal],
        ),
    ] {
        let v = parts.iter().map(|p| s(&fig, *p)).sum();
        put(&mut fig, total, v);
    }
    let income_grand =
        s(&fig, Measure::IncTotal) + s(&fig, Measure::NonfiscalUsed) + s(&fig, Measure::CarryIn);
    put(&mut fig, Measure::IncomeGrand, income_grand);
    let exp_grand =
        s(&fig, Measure::ExpTotal) + s(&fig, Measure::Distribution) + s(&fig, Measure::CarryOut);
    put(&mut fig, Measure::ExpGrand, exp_grand);
    for m in Measure::ALL.iter().filter(|m| m.domain() == Domain::Scalar) {
        if fig.get_opt(&Key::all(*m)).is_none() {
            fig.set(Key::all(*m), Num::zero(m.kind()));
        }
    }
    fig
}

/// Completes a partial map of whole-department figures (last year's) with the
/// totals of [`SCALAR_SUMS`] whose parts are all present and the total itself is not.
pub fn complete_scalar_sums(map: &mut BTreeMap<Key, Num>) {
    for (total, parts) in SCALAR_SUMS {
        let key = Key::all(*total);
        if map.contains_key(&key) {
            continue;
        }
        let vals: Option<Vec<Num>> = parts
            .iter()
            .map(|p| map.get(&Key::all(*p)).copied())
            .collect();
        if let Some(vals) = vals {
            let raw = vals
                .iter()
                .map(|v| v.raw())
                .fold(0_i64, i64::saturating_add);
            map.insert(key, Num::zero(total.kind()).with_raw(raw));
        }
    }
}
