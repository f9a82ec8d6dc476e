//! Rules across tables. Most cross-table checks are one rule, `XT-SAME`: every cell
//! carries the figure it stands for, and two cells standing for the same figure must
//! agree (02 合计 = 01 行27, 03 各类 = 01 行32–57, 04 一般公共预算栏 = 05, 01 行1–3 =
//! 04 行1–3 …). The others relate *different* figures.

use crate::ctx::Ctx;
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_model::{EconGroup, EconomicCode, Finding, Key, Measure, Money, Num, Severity};
use juesuan_tables::SANGONG_ECON;

/// XT-SAME
pub struct SameFigure;
static SAME: RuleInfo = RuleInfo {
    id: "XT-SAME",
    family: Family::CrossTable,
    title: "同一数据在各表中一致",
    severity: "错误（超出四舍五入误差）；提示（在误差范围内）",
    purpose: "同一个数在不同表中出现时必须相同：公开02表合计 = 公开01表本年收入合计；公开03表各类 = 公开01表支出各类；公开01表行1–3 = 公开04表行1–3；公开04表一般公共预算财政拨款栏各类 = 公开05表各类小计；公开04表政府性基金、国有资本经营栏 = 公开08、09表；公开03表与公开05表的合计等。每个单元格都标明它代表哪个数据项，凡数据项相同者逐一比对。",
    example: "公开04表 行次51 十九、住房保障支出 / 一般公共预算财政拨款（栏次3）为 2,423,127.00，而公开05表 221 住房保障支出 / 小计（栏次1）为 2,432,127.00。",
};
impl Rule for SameFigure {
    fn info(&self) -> &'static RuleInfo {
        &SAME
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (key, first, again) in &ctx.repeats {
            let a = ctx.tables.cell(first).map_or(0, |c| c.raw());
            let b = ctx.tables.cell(again).map_or(0, |c| c.raw());
            if a == b {
                continue;
            }
            let tol = ctx.half_step(first) + ctx.half_step(again);
            let sev = if (a - b).abs() <= tol {
                Severity::Info
            } else {
                Severity::Error
            };
            let proto = Num::zero(key.measure.kind());
            let (t1, r1, c1) = ctx.tables.describe(first);
            let (t2, r2, c2) = ctx.tables.describe(again);
            out.push(
                Finding::new(
                    SAME.id,
                    sev,
                    ctx.at(again),
                    format!(
                        "同一数据“{}”两处不一致：{t1} {r1} / {c1} 为 {}，{t2} {r2} / {c2} 为 {}{}",
                        key.describe(),
                        proto.with_raw(a).display(),
                        proto.with_raw(b).display(),
                        if sev == Severity::Info {
                            "（在四舍五入误差范围内）"
                        } else {
                            ""
                        }
                    ),
                    "同一个数应在各表中一致：确定哪一处正确，改正另一处。",
                )
                .values(proto.with_raw(a), proto.with_raw(b))
                .also(ctx.at(first)),
            );
        }
        out
    }
}

fn money(ctx: &Ctx<'_>, key: &Key) -> Option<Money> {
    ctx.value(key).and_then(Num::money)
}

/// XT-05-06
pub struct BasicAcrossTables;
static BASIC_XT: RuleInfo = RuleInfo {
    id: "XT-05-06",
    family: Family::CrossTable,
    title: "公开05表与公开06表：支出合计、基本支出合计一致",
    severity: "错误；已公开的报告以万元印出、差异在三个数四舍五入的误差范围内时为提示",
    purpose: "一般公共预算财政拨款支出按功能分类（公开05表）和按经济分类（公开06表）是同一笔钱的两种分法：公开05表合计小计 = 公开06表 人员经费合计 + 公用经费合计（金额）；公开05表合计基本支出 = 公开06表 人员经费合计 + 公用经费合计（其中：基本支出）。",
    example: "公开05表 合计 / 基本支出 为 31,359,743.59，而公开06表 人员经费合计 + 公用经费合计（其中：基本支出）为 31,359,734.59。",
};
impl Rule for BasicAcrossTables {
    fn info(&self) -> &'static RuleInfo {
        &BASIC_XT
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let t05 = ctx.table_no("05");
        let t06 = ctx.table_no("06");
        let mut out = Vec::new();
        for (fn_measure, econ_measure, what) in [
            (Measure::GpbTotal, Measure::EconAmount, "支出合计（金额）"),
            (Measure::GpbBasic, Measure::EconBasic, "基本支出"),
        ] {
            let fkey = Key::all(fn_measure);
            let (Some(f), Some(p), Some(q)) = (
                money(ctx, &fkey),
                money(ctx, &Key::group(econ_measure, EconGroup::Personnel)),
                money(ctx, &Key::group(econ_measure, EconGroup::Public)),
            ) else {
                continue;
            };
            let e = p + q;
            if e == f {
                continue;
            }
            // Three figures each printed rounded (万元) may differ by up to the sum
            // of their half steps: that is the rounding, not a mistake.
            let step = |k: &Key| ctx.cell_of(k).map_or(0, |c| ctx.half_step(&c));
            let envelope = step(&fkey)
                + step(&Key::group(econ_measure, EconGroup::Personnel))
                + step(&Key::group(econ_measure, EconGroup::Public));
            let within = (f - e).fen().abs() <= envelope;
            let mut finding = Finding::new(
                BASIC_XT.id,
                if within {
                    Severity::Info
                } else {
                    Severity::Error
                },
                ctx.at_key(&fkey),
                format!(
                    "一般公共预算财政拨款{what}：按功能分类（{t05}）为 {}，按经济分类（{t06} 人员经费合计 + 公用经费合计）为 {}，相差 {}{}",
                    f.yuan(),
                    e.yuan(),
                    (f - e).yuan(),
                    if within {
                        "（在各数四舍五入的误差范围内）"
                    } else {
                        ""
                    }
                ),
                format!("两张表是同一笔支出的两种分类，合计必须相等：检查{t06}各经济分类科目或{t05}各功能科目是否漏填、错填。"),
            )
            .values(Num::Money(e), Num::Money(f));
            if let Some(c) = ctx.cell_of(&Key::group(econ_measure, EconGroup::Personnel)) {
                finding = finding.also(ctx.at(&c));
            }
            out.push(finding);
        }
        out
    }
}

/// XT-03-FUND
pub struct FiscalWithinTotal;
static FUND: RuleInfo = RuleInfo {
    id: "XT-03-FUND",
    family: Family::CrossTable,
    title: "公开03表各科目支出 ≥ 财政拨款支出（公开05 + 08 + 09表）",
    severity: "错误",
    purpose: "公开03表是全部资金的支出，财政拨款支出（一般公共预算、政府性基金、国有资本经营）只是其中一部分：每个功能科目的基本支出、项目支出都不能小于三类财政拨款之和。",
    example: "公开03表 2013802 一般行政管理事务 / 项目支出 为 5,892,885.90，小于财政拨款项目支出 5,982,885.90。",
};
impl Rule for FiscalWithinTotal {
    fn info(&self) -> &'static RuleInfo {
        &FUND
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let t03 = ctx.table_no("03");
        let (t05, t08, t09) = (ctx.table_no("05"), ctx.table_no("08"), ctx.table_no("09"));
        let mut out = Vec::new();
        for (all, parts) in [
            (
                Measure::ExpBasic,
                [Measure::GpbBasic, Measure::GfBasic, Measure::SocBasic],
            ),
            (
                Measure::ExpProject,
                [Measure::GpbProject, Measure::GfProject, Measure::SocProject],
            ),
        ] {
            for (key, (v, cell)) in ctx.stated.range(Key::all(all)..) {
                if key.measure != all {
                    break;
                }
                let total = v.raw();
                let fiscal: i64 = parts
                    .iter()
                    .map(|m| {
                        ctx.raw(&Key {
                            measure: *m,
                            scope: key.scope.clone(),
                        })
                    })
                    .sum();
                if total >= fiscal || fiscal - total <= ctx.half_step(cell) * 4 {
                    continue;
                }
                let (_, row, col) = ctx.tables.describe(cell);
                out.push(
                    Finding::new(
                        FUND.id,
                        Severity::Error,
                        ctx.at(cell),
                        format!(
                            "{t03} {row} / {col} 为 {}，小于该科目财政拨款{}之和 {}",
                            Money::from_fen(total).yuan(),
                            all.label(),
                            Money::from_fen(fiscal).yuan()
                        ),
                        format!("全部支出不能少于其中的财政拨款支出：核对{t03}与{t05}、{t08}、{t09}的该科目。"),
                    )
                    .values(Num::Money(Money::from_fen(fiscal)), Num::Money(Money::from_fen(total))),
                );
            }
        }
        out
    }
}

/// XT-02-04
pub struct FiscalIncome;
static FISCAL_INC: RuleInfo = RuleInfo {
    id: "XT-02-04",
    family: Family::CrossTable,
    title: "财政拨款收入：公开02表合计 = 公开04表本年收入合计",
    severity: "错误",
    purpose: "公开02表的“财政拨款收入”合计是一般公共预算、政府性基金、国有资本经营三类财政拨款收入之和，应等于公开04表本年收入合计（行27）。",
    example: "公开02表 合计 / 财政拨款收入 为 44,592,816.01，公开04表 本年收入合计 为 44,529,816.01。",
};
impl Rule for FiscalIncome {
    fn info(&self) -> &'static RuleInfo {
        &FISCAL_INC
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let t02 = ctx.table_no("02");
        let t04 = ctx.table_no("04");
        let a = Key::all(Measure::IncFiscal);
        let b = Key::all(Measure::FiscalIncome);
        let (Some(x), Some(y)) = (money(ctx, &a), money(ctx, &b)) else {
            return Vec::new();
        };
        if x == y {
            return Vec::new();
        }
        vec![
            Finding::new(
                FISCAL_INC.id,
                Severity::Error,
                ctx.at_key(&b),
                format!(
                    "财政拨款收入：{t02}合计为 {}，{t04}本年收入合计为 {}，相差 {}",
                    x.yuan(),
                    y.yuan(),
                    (y - x).yuan()
                ),
                format!("两处都是本年财政拨款收入，应相等：核对{t02}财政拨款收入栏与{t04}收入栏。"),
            )
            .values(Num::Money(x), Num::Money(y))
            .also(ctx.at_key(&a)),
        ]
    }
}

/// XT-01-04
pub struct CarryOver;
static CARRY: RuleInfo = RuleInfo {
    id: "XT-01-04",
    family: Family::CrossTable,
    title: "结转结余：公开01表 ≥ 公开04表（财政拨款部分）",
    severity: "错误",
    purpose: "公开01表的年初（年末）结转和结余包含全部资金，公开04表只含财政拨款部分，前者不能小于后者。两者之差是非财政拨款结转结余。",
    example: "公开01表 年末结转和结余 为 21,675.00，小于公开04表 年末财政拨款结转和结余 31,675.00。",
};
impl Rule for CarryOver {
    fn info(&self) -> &'static RuleInfo {
        &CARRY
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let t01 = ctx.table_no("01");
        let t04 = ctx.table_no("04");
        let mut out = Vec::new();
        for (all, fiscal, what) in [
            (Measure::CarryIn, Measure::FbalInTotal, "年初"),
            (Measure::CarryOut, Measure::FbalOutTotal, "年末"),
        ] {
            let (ka, kf) = (Key::all(all), Key::all(fiscal));
            let (Some(a), Some(f)) = (money(ctx, &ka), money(ctx, &kf)) else {
                continue;
            };
            if a >= f {
                continue;
            }
            out.push(
                Finding::new(
                    CARRY.id,
                    Severity::Error,
                    ctx.at_key(&ka),
                    format!(
                        "{t01}{what}结转和结余 {} 小于{t04}{what}财政拨款结转和结余 {}",
                        a.yuan(),
                        f.yuan()
                    ),
                    "全部资金的结转结余不能少于其中的财政拨款结转结余：核对两表。",
                )
                .values(Num::Money(f), Num::Money(a))
                .also(ctx.at_key(&kf)),
            );
        }
        out
    }
}

/// XT-07-06
pub struct SangongVsEconomic;
static SG06: RuleInfo = RuleInfo {
    id: "XT-07-06",
    family: Family::CrossTable,
    title: "“三公”经费决算数与公开06表经济分类一致",
    severity: "错误（公开07表小于公开06表）；警告（公开07表大于公开06表）",
    purpose: "公开07表的“三公”经费决算数与公开06表的经济分类科目对应：因公出国（境）费 = 30212，公务接待费 = 30217，公务用车运行维护费 = 30231，公务用车购置费 = 30913 + 31013。公开06表只含一般公共预算财政拨款，公开07表含全部财政拨款，所以公开07表不能小于公开06表；大于时须有政府性基金等其他财政拨款安排的“三公”经费，应核实。",
    example: "公开07表 决算数 公务接待费 为 4,502.00，而公开06表 30217 公务接待费 为 5,402.00。",
};
impl Rule for SangongVsEconomic {
    fn info(&self) -> &'static RuleInfo {
        &SG06
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let t06 = ctx.table_no("06");
        let t07 = ctx.table_no("07");
        let mut out = Vec::new();
        for (m, codes) in SANGONG_ECON {
            let k = Key::all(*m);
            let Some(sg) = money(ctx, &k) else { continue };
            let econ: Option<Money> = codes
                .iter()
                .filter_map(|c| EconomicCode::parse(c).ok())
                .map(|c| money(ctx, &Key::econ(Measure::EconAmount, &c)))
                .try_fold(Money::ZERO, |acc, v| v.map(|v| acc + v));
            let Some(econ) = econ else { continue };
            if sg == econ {
                continue;
            }
            let sev = if sg < econ {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(
                Finding::new(
                    SG06.id,
                    sev,
                    ctx.at_key(&k),
                    format!(
                        "{}：{t07}为 {}，{t06}经济分类 {} 合计为 {}",
                        m.label(),
                        sg.yuan(),
                        codes.join("+"),
                        econ.yuan()
                    ),
                    if sev == Severity::Error {
                        format!("{t07}的“三公”决算数包含{t06}的对应科目，不能更小：核对两表。")
                    } else {
                        format!("{t07}大于{t06}，只有在政府性基金等其他财政拨款也安排了“三公”经费时才成立：请核实并在情况说明中说明。")
                    },
                )
                .values(Num::Money(econ), Num::Money(sg)),
            );
        }
        out
    }
}

/// XT-10-06
pub struct RunningCosts;
static ORC: RuleInfo = RuleInfo {
    id: "XT-10-06",
    family: Family::CrossTable,
    title: "机关运行经费（公开10表）与公用经费基本支出（公开06表）",
    severity: "错误（大于公用经费基本支出；或全部为行政/参公单位而不相等）；提示（小于，差额应为非参公事业单位的公用经费）",
    purpose: "机关运行经费是行政单位和参照公务员法管理事业单位财政拨款基本支出中的公用经费，所以不能超过公开06表公用经费合计的“其中：基本支出”；若报告所含单位全部是行政单位或参公单位，两者应相等。",
    example: "公开10表 机关运行经费 为 3,431,071.42，超过公开06表 公用经费合计 / 其中：基本支出 3,331,071.42。",
};
impl Rule for RunningCosts {
    fn info(&self) -> &'static RuleInfo {
        &ORC
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let t06 = ctx.table_no("06");
        let t10 = ctx.table_no("10");
        let ka = Key::all(Measure::OrcAdmin);
        let kc = Key::all(Measure::OrcCivil);
        let kp = Key::group(Measure::EconBasic, EconGroup::Public);
        let (Some(a), Some(p)) = (money(ctx, &ka), money(ctx, &kp)) else {
            return Vec::new();
        };
        let orc = a + money(ctx, &kc).unwrap_or_default();
        if orc == p {
            return Vec::new();
        }
        let all_organs = ctx.report.is_some_and(|r| {
            !r.overview.units.is_empty()
                && r.overview.units.iter().all(|u| u.kind.counts_as_organ())
        });
        let (sev, why) = if orc > p {
            (Severity::Error, "机关运行经费不能超过公用经费中的基本支出")
        } else if all_organs {
            (
                Severity::Error,
                "本报告的单位都是行政单位或参公单位，两者应相等",
            )
        } else {
            (Severity::Info, "差额应为非参公事业单位的公用经费基本支出")
        };
        let mut f = Finding::new(
            ORC.id,
            sev,
            ctx.at_key(&ka),
            format!(
                "机关运行经费 {}（{t10}），公用经费合计其中基本支出 {}（{t06}），相差 {}：{why}",
                orc.yuan(),
                p.yuan(),
                (orc - p).yuan()
            ),
            format!(
                "核对{t10}机关运行经费与{t06}公用经费；机关运行经费只含行政单位和参公事业单位。"
            ),
        )
        .values(Num::Money(p), Num::Money(orc))
        .also(ctx.at_key(&kp));
        if let Some(l) = ctx.input_of(&ka) {
            f = f.also(l);
        }
        vec![f]
    }
}
