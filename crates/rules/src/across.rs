//! Rules across reports. Across years: what this year's report says about last year must be what
//! last year's report says. They run only when the context holds last year's
//! report ([`Ctx::previous`]): the platform passes the department's published
//! report of the year before, `juesuan compare` and `check --previous` the older
//! input. Last year's figures are read from its tables, so a report read back
//! from a published PDF (rounded to 万元) serves as well as an input; a
//! difference within its rounding is reported as information only. Across
//! units: a department's facts must be the sums of its units' (`XU-SUM`).

use crate::ctx::{Ctx, Previous};
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_model::{Finding, Key, Location, Measure, Num, Report, Severity};
use std::collections::{BTreeMap, BTreeSet};

/// Where last year's report states a key, as a location naming that report.
fn there(prev: &Previous<'_>, key: &Key) -> Location {
    let at = prev.cell_of(key).map_or(Location::Report, |c| {
        let (table, row, column) = prev.tables.describe(&c);
        Location::Cell { table, row, column }
    });
    Location::Elsewhere {
        report: prev.label.clone(),
        at: Box::new(at),
    }
}

/// The severity of a difference `a − b` where `b` is last year's printed figure.
fn severity(prev: &Previous<'_>, key: &Key, diff: i64) -> Severity {
    if diff.unsigned_abs() <= prev.half_step(key).unsigned_abs() {
        Severity::Info
    } else {
        Severity::Error
    }
}

/// XY-LASTYEAR
pub struct LastYearFigures;
static LAST_YEAR: RuleInfo = RuleInfo {
    id: "XY-LASTYEAR",
    family: Family::CrossYear,
    title: "情况说明所用的上年数与上年度报告一致",
    severity: "错误（超出上年报告的四舍五入误差）；提示（在误差范围内）",
    purpose: "情况说明中“与上年相比”“比上年增加/减少”的每个上年数（收入、支出总计，财政拨款收支总计，一般公共预算财政拨款支出及其各类，“三公”经费及各项，机关运行经费等）必须等于上年度已公开报告中的同一数据。上年报告在平台上已公开（或在命令行用 --previous、compare 给出）时检查；上年报告为万元时，相差在其四舍五入误差内只作提示。",
    example: "narrative.toml 的 [last_year] grand.income 填写 51,214,869.11，而上年度报告 公开01表 行次31 收入总计 为 51,241,869.11。",
};
impl Rule for LastYearFigures {
    fn info(&self) -> &'static RuleInfo {
        &LAST_YEAR
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let (Some(prev), Some(report)) = (&ctx.previous, ctx.report) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, stated) in &report.narrative.last_year {
            let Some(published) = prev.value(key) else {
                continue;
            };
            let diff = stated.raw().saturating_sub(published.raw());
            if diff == 0 {
                continue;
            }
            let sev = severity(prev, key, diff);
            let here = report
                .narrative
                .sources
                .get(&format!("last_year.{key}"))
                .cloned()
                .map_or(Location::Report, Location::Input);
            out.push(
                Finding::new(
                    LAST_YEAR.id,
                    sev,
                    here,
                    format!(
                        "上年数“{}”填写为 {}，而{}为 {}，相差 {}{}",
                        key.describe(),
                        stated.display(),
                        prev.label,
                        published.display(),
                        stated.with_raw(diff).display(),
                        if sev == Severity::Info {
                            "（在上年报告的四舍五入误差范围内）"
                        } else {
                            ""
                        }
                    ),
                    "情况说明的增减额、增长率由上年数计算：上年数应取自上年度已公开的报告。若上年报告有误并已更正，以更正后的为准。",
                )
                .values(published, *stated)
                .also(there(prev, key)),
            );
        }
        out
    }
}

/// This year's opening balances and last year's closing ones.
const CARRIED: [(Measure, Measure); 5] = [
    (Measure::CarryIn, Measure::CarryOut),
    (Measure::FbalInTotal, Measure::FbalOutTotal),
    (Measure::FbalInGpb, Measure::FbalOutGpb),
    (Measure::FbalInGf, Measure::FbalOutGf),
    (Measure::FbalInSoc, Measure::FbalOutSoc),
];

/// XY-CARRY
pub struct CarryOverAcrossYears;
static CARRY: RuleInfo = RuleInfo {
    id: "XY-CARRY",
    family: Family::CrossYear,
    title: "本年年初结转和结余等于上年年末结转和结余",
    severity: "错误（超出上年报告的四舍五入误差）；提示（在误差范围内）",
    purpose: "本年的年初结转和结余就是上年的年末结转和结余：公开01表 年初结转和结余 = 上年公开01表 年末结转和结余；公开04表 年初财政拨款结转和结余（合计及一般公共预算、政府性基金、国有资本经营各栏）= 上年公开04表 年末财政拨款结转和结余的同一栏。",
    example: "公开04表 年初财政拨款结转和结余 / 一般公共预算财政拨款 为 120,000.00，而上年度报告 公开04表 年末财政拨款结转和结余 / 一般公共预算财政拨款 为 0.00。",
};
impl Rule for CarryOverAcrossYears {
    fn info(&self) -> &'static RuleInfo {
        &CARRY
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(prev) = &ctx.previous else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (opening, closing) in CARRIED {
            let (now, then) = (Key::all(opening), Key::all(closing));
            let (Some(a), Some(b)) = (ctx.value(&now), prev.value(&then)) else {
                continue;
            };
            let diff = a.raw().saturating_sub(b.raw());
            if diff == 0 {
                continue;
            }
            let sev = severity(prev, &then, diff);
            out.push(
                Finding::new(
                    CARRY.id,
                    sev,
                    ctx.at_key(&now),
                    format!(
                        "{}为 {}，而{}的{}为 {}，相差 {}{}",
                        opening.label(),
                        a.display(),
                        prev.label,
                        closing.label(),
                        b.display(),
                        a.with_raw(diff).display(),
                        if sev == Severity::Info {
                            "（在上年报告的四舍五入误差范围内）"
                        } else {
                            ""
                        }
                    ),
                    "年初结转和结余应等于上年年末结转和结余：核对本年填写的年初数，或上年报告是否已更正。",
                )
                .values(b, a)
                .also(there(prev, &then)),
            );
        }
        out
    }
}

/// XY-DEPT
pub struct SameDepartment;
static DEPT: RuleInfo = RuleInfo {
    id: "XY-DEPT",
    family: Family::CrossYear,
    title: "上年度报告是同一部门的报告",
    severity: "警告",
    purpose: "跨年度比对的两份报告应是同一部门（单位）的：部门名称不同时，或是上传错了文件，或是机构改革后更名——后者请在说明中写明。",
    example: "本年报告为“晋城市市场监督管理局”，上年度报告为“晋城市工商行政管理局”。",
};
impl Rule for SameDepartment {
    fn info(&self) -> &'static RuleInfo {
        &DEPT
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let (Some(prev), Some(report)) = (&ctx.previous, ctx.report) else {
            return Vec::new();
        };
        let now = report.meta.department.trim();
        if now.is_empty() || prev.department.trim() == now {
            return Vec::new();
        }
        let here = report
            .meta
            .sources
            .get("department")
            .cloned()
            .map_or(Location::Report, Location::Input);
        vec![
            Finding::new(
                DEPT.id,
                Severity::Warning,
                here,
                format!(
                    "本年报告的部门为“{now}”，而{}的部门为“{}”",
                    prev.label,
                    prev.department.trim()
                ),
                "确认上年度报告是同一部门的；机构更名的，请说明。",
            )
            .quote(prev.department.trim().to_string(), now.to_string()),
        ]
    }
}

/// Every input fact of a report, by key: leaf (项) functional figures, economic
/// 款 amounts and their 基本支出, whole-department figures. Every other figure is
/// a sum of these, so facts that add up make every table add up.
fn facts(r: &Report) -> BTreeMap<Key, Num> {
    let mut out = BTreeMap::new();
    for (code, row) in &r.facts.functional {
        for (m, v) in row {
            out.insert(Key::func(*m, code), Num::Money(*v));
        }
    }
    for (code, e) in &r.facts.economic {
        out.insert(Key::econ(Measure::EconAmount, code), Num::Money(e.amount));
        out.insert(Key::econ(Measure::EconBasic, code), Num::Money(e.basic));
    }
    for (m, v) in &r.facts.scalars {
        out.insert(Key::all(*m), *v);
    }
    out
}

/// XU-SUM
pub struct UnitsSum;
static UNITS: RuleInfo = RuleInfo {
    id: "XU-SUM",
    family: Family::Units,
    title: "部门决算等于所属各单位决算之和",
    severity: "错误",
    purpose: "部门决算由所属各单位（本级及下属单位）的决算汇总而成：部门填写的每一个明细数（各功能分类项级科目的收入、支出，各经济分类款级科目的金额与基本支出，结转结余、“三公”经费、政府采购、机关运行经费、车辆等）都必须等于各单位报告中同一数之和。明细相符，各表的类、款、合计也就相符，所以只报明细处的差异。在命令行用 --unit 给出各单位的报告时检查；在平台上，单位作为部门的下属单独填报，各单位都提交后，部门的每次上传都与各单位最新提交的报告之和核对。",
    example: "部门 2013801 行政运行 / 基本支出 填写 25,483,460.23，而本级 20,183,460.23 与下属单位 5,300,000.09 之和为 25,483,460.32。",
};
impl Rule for UnitsSum {
    fn info(&self) -> &'static RuleInfo {
        &UNITS
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(report) = ctx.report else {
            return Vec::new();
        };
        if ctx.units.is_empty() {
            return Vec::new();
        }
        let own = facts(report);
        let units: Vec<(BTreeMap<Key, Num>, &str)> = ctx
            .units
            .iter()
            .map(|(r, label)| (facts(r), label.as_str()))
            .collect();
        let keys: BTreeSet<&Key> = own
            .keys()
            .chain(units.iter().flat_map(|(f, _)| f.keys()))
            .collect();
        let mut out = Vec::new();
        for key in keys {
            let zero = Num::zero(key.measure.kind());
            let stated = own.get(key).copied().unwrap_or(zero);
            let parts: Vec<(Num, &str)> = units
                .iter()
                .map(|(f, label)| (f.get(key).copied().unwrap_or(zero), *label))
                .collect();
            let sum = parts
                .iter()
                .fold(0_i64, |a, (v, _)| a.saturating_add(v.raw()));
            if sum == stated.raw() {
                continue;
            }
            let listed: Vec<String> = parts
                .iter()
                .filter(|(v, _)| !v.is_zero())
                .map(|(v, label)| format!("{label} {}", v.display()))
                .collect();
            let here = report
                .facts
                .sources
                .get(key)
                .cloned()
                .map_or_else(|| ctx.at_key(key), Location::Input);
            let mut f = Finding::new(
                UNITS.id,
                Severity::Error,
                here,
                format!(
                    "{}：部门填写 {}，各单位合计 {}{}，相差 {}",
                    key.describe(),
                    stated.display(),
                    stated.with_raw(sum).display(),
                    if listed.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", listed.join("，"))
                    },
                    stated.with_raw(stated.raw().saturating_sub(sum)).display()
                ),
                "部门决算应由各单位决算汇总：核对部门的这个数，或核对各单位的报告是否齐全、是否填错。",
            )
            .values(stated.with_raw(sum), stated);
            for (r, label) in &ctx.units {
                if let Some(src) = r.facts.sources.get(key) {
                    f = f.also(Location::Elsewhere {
                        report: label.clone(),
                        at: Box::new(Location::Input(src.clone())),
                    });
                }
            }
            out.push(f);
        }
        out
    }
}
