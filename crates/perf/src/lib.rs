//! Scoring of 项目支出绩效自评 by the profile's method (docs/PERFORMANCE.md).
//!
//! Pipeline position: report (projects) + profile → **perf** → rules (stated vs
//! supported scores), compose (the 第五部分 tables, the 十（四） summary), `juesuan score`.
//!
//! What is arithmetic is derived: the budget table's 合计, 结余, 执行率 and its score,
//! the indicator total, the total and the grade. What is judgement stays the
//! department's: each indicator's 得分. Beside it we *propose* the score the facts
//! support, and say why, so a reviewer sees where the two part.

use juesuan_model::{Actual, Dec, Indicator, Money, Op, Percent, Points, Project, Target};
use juesuan_profile::PerformanceDef;
use serde::Serialize;

/// Which amount the execution rate is measured against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateBase {
    /// 全年预算数 (the adjusted budget), the normal case.
    FullYear,
    /// 年初预算数（预算编制）, when the 全年预算数 is zero.
    Initial,
    /// Both are zero: no rate.
    None,
}

/// The derived 预算执行情况 of a project (its 合计 row).
#[derive(Clone, Debug, Serialize)]
pub struct BudgetEval {
    /// 年初预算数：目标申报.
    pub declared: Money,
    /// 年初预算数：预算编制.
    pub compiled: Money,
    /// 全年预算数.
    pub full_year: Money,
    /// 全年执行数.
    pub executed: Money,
    /// 资金结（转）余 = 全年预算数 − 全年执行数.
    pub balance: Money,
    /// Denominator of the rate.
    pub base: RateBase,
    /// 执行率, 四舍五入 to 0.01 %.
    pub rate: Option<Percent>,
    /// Its score: weight × min(rate, 100 %).
    pub score: Points,
}

/// How an indicator fares against its target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Target met.
    Met,
    /// A quantitative target missed.
    Missed,
    /// Partly achieved (qualitative).
    Partial,
    /// Not achieved.
    NotAchieved,
    /// No target was set.
    NotSet,
    /// Cannot be judged from what is written.
    Unknown,
}

/// The score the facts support for one indicator, and why.
#[derive(Clone, Debug, Serialize)]
pub struct IndicatorEval {
    /// Verdict.
    pub verdict: Verdict,
    /// Proposed score (none when it cannot be judged).
    pub proposed: Option<Points>,
    /// Why, in Chinese.
    pub why: String,
}

/// A project scored.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectEval {
    /// Budget execution.
    pub budget: BudgetEval,
    /// One per indicator.
    pub indicators: Vec<IndicatorEval>,
    /// Σ 权重.
    pub weight_sum: Points,
    /// Σ stated 得分 (the department's indicator score).
    pub indicator_score: Points,
    /// budget score + indicator score.
    pub total: Points,
    /// Grade of `total`.
    pub grade: String,
    /// Σ proposed 得分 (stated where no proposal can be made).
    pub proposed_indicator_score: Points,
    /// budget score + proposed indicator score.
    pub proposed_total: Points,
    /// Grade of `proposed_total`.
    pub proposed_grade: String,
}

/// The execution of a project's budget, derived.
pub fn budget(p: &Project, m: &PerformanceDef) -> BudgetEval {
    let declared = p.total(|l| l.declared);
    let compiled = p.total(|l| l.compiled);
    let full_year = p.total(|l| l.full_year);
    let executed = p.total(|l| l.executed);
    let (base, denom) = if !full_year.is_zero() {
        (RateBase::FullYear, full_year)
    } else if !compiled.is_zero() {
        (RateBase::Initial, compiled)
    } else {
        (RateBase::None, Money::ZERO)
    };
    let rate = Percent::ratio(executed, denom);
    let capped = executed.min(denom).max(Money::ZERO);
    let score = m
        .budget_weight
        .scaled(i128::from(capped.fen()), i128::from(denom.fen()));
    BudgetEval {
        declared,
        compiled,
        full_year,
        executed,
        balance: full_year - executed,
        base,
        rate,
        score,
    }
}

fn pct_of(weight: Points, percent: i64) -> Points {
    weight.scaled(i128::from(percent), 100)
}

fn ratio_text(num: i128, den: i128) -> String {
    Percent::of(num, den).map_or_else(|| "—".to_string(), |p| p.display())
}

/// Whether smaller actual values are better for this indicator and target.
pub fn lower_is_better(ind: &Indicator, op: Op, value: Dec, m: &PerformanceDef) -> bool {
    match op {
        Op::Le | Op::Lt => true,
        Op::Ge | Op::Gt => false,
        Op::Eq => value.scaled == 0 || m.lower_is_better.iter().any(|c| c == &ind.level2),
    }
}

/// The score the facts support for one indicator.
pub fn indicator(ind: &Indicator, m: &PerformanceDef) -> IndicatorEval {
    let w = ind.weight;
    let full = |why: String| IndicatorEval {
        verdict: Verdict::Met,
        proposed: Some(w),
        why,
    };
    match (&ind.target.value, &ind.actual.value) {
        (Target::NotSet, _) => IndicatorEval {
            verdict: Verdict::NotSet,
            proposed: Some(pct_of(w, m.not_set_percent)),
            why: format!(
                "未设定年度指标值，无从考核：按方法得权重的 {}%",
                m.not_set_percent
            ),
        },
        (Target::Quantity { op, value, unit }, Actual::Number(a)) => {
            let (a_s, t_s) = Dec::common(*a, *value);
            let lower = lower_is_better(ind, *op, *value, m);
            let met = match op {
                Op::Ge => a_s >= t_s,
                Op::Gt => a_s > t_s,
                Op::Le => a_s <= t_s,
                Op::Lt => a_s < t_s,
                Op::Eq if lower => a_s <= t_s,
                Op::Eq => a_s >= t_s,
            };
            let target = format!("{}{}{}", op.symbol(), value.display(), unit);
            if met {
                return full(format!(
                    "目标 {target}，实际 {}：达到目标，得满分 {w}",
                    a.display()
                ));
            }
            let (num, den) = if lower { (t_s, a_s) } else { (a_s.max(0), t_s) };
            let proposed = if den <= 0 {
                Points::ZERO
            } else {
                w.scaled(num.min(den), den)
            };
            IndicatorEval {
                verdict: Verdict::Missed,
                proposed: Some(proposed),
                why: format!(
                    "目标 {target}，实际 {}：未达到，完成 {}，按比例得 {proposed}（权重 {w}）",
                    a.display(),
                    ratio_text(num, den),
                ),
            }
        }
        (Target::Quantity { .. }, Actual::Achieved) => {
            full("实际完成值写作“达成预期指标”，按达到目标计满分".to_string())
        }
        (_, Actual::Achieved) => full(format!(
            "定性指标达成：应得权重的 {}%–{}%，建议满分 {w}",
            m.achieved_band.0, m.achieved_band.1
        )),
        (_, Actual::Partial) => {
            let (lo, hi) = m.partial_band;
            let p = pct_of(w, (lo + hi) / 2);
            IndicatorEval {
                verdict: Verdict::Partial,
                proposed: Some(p),
                why: format!("部分达成：应得权重的 {lo}%–{hi}%，建议取中 {p}"),
            }
        }
        (_, Actual::NotAchieved) => IndicatorEval {
            verdict: Verdict::NotAchieved,
            proposed: Some(pct_of(w, m.not_achieved_band.0)),
            why: format!(
                "未达成：应得权重的 {}%–{}%（不含上限），建议取下限",
                m.not_achieved_band.0, m.not_achieved_band.1
            ),
        },
        (Target::Quantity { .. }, _) => IndicatorEval {
            verdict: Verdict::Unknown,
            proposed: None,
            why: format!(
                "定量目标，但实际完成值“{}”不是数值，无法比较",
                ind.actual.text
            ),
        },
        (_, _) => IndicatorEval {
            verdict: Verdict::Unknown,
            proposed: None,
            why: format!("实际完成值“{}”不能判断是否达成", ind.actual.text),
        },
    }
}

/// Scores a whole project.
pub fn evaluate(p: &Project, m: &PerformanceDef) -> ProjectEval {
    let budget = budget(p, m);
    let indicators: Vec<IndicatorEval> = p.indicators.iter().map(|i| indicator(i, m)).collect();
    let weight_sum = p.indicators.iter().map(|i| i.weight).sum();
    let indicator_score: Points = p
        .indicators
        .iter()
        .map(|i| i.score.unwrap_or_default())
        .sum();
    let proposed_indicator_score: Points = p
        .indicators
        .iter()
        .zip(&indicators)
        .map(|(i, e)| e.proposed.or(i.score).unwrap_or_default())
        .sum();
    let total = budget.score + indicator_score;
    let proposed_total = budget.score + proposed_indicator_score;
    ProjectEval {
        grade: m.grade(total),
        proposed_grade: m.grade(proposed_total),
        budget,
        indicators,
        weight_sum,
        indicator_score,
        total,
        proposed_indicator_score,
        proposed_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juesuan_model::{Actual, Dec, Parsed, SourceRef, Target};

    fn method() -> PerformanceDef {
        juesuan_profile::builtin("shanxi-2022")
            .unwrap()
            .performance
            .clone()
    }

    fn ind(level2: &str, target: &str, actual: &str, weight: i64) -> Indicator {
        Indicator {
            level1: "产出指标".into(),
            level2: level2.into(),
            name: "测试指标".into(),
            initial: String::new(),
            target: Parsed {
                text: target.into(),
                value: Target::parse(target).unwrap(),
            },
            actual: Parsed {
                text: actual.into(),
                value: Actual::parse(actual),
            },
            weight: Points::whole(weight),
            score: None,
            deviation: String::new(),
            source: SourceRef::default(),
        }
    }

    fn proposed(level2: &str, target: &str, actual: &str, weight: i64) -> (Verdict, String) {
        let e = indicator(&ind(level2, target, actual, weight), &method());
        (
            e.verdict,
            e.proposed.map(|p| p.display()).unwrap_or_default(),
        )
    }

    #[test]
    fn quantitative_targets_met_and_missed() {
        assert_eq!(
            proposed("数量指标", "≥60个", "1687", 8),
            (Verdict::Met, "8".into())
        );
        assert_eq!(
            proposed("数量指标", "≥10000人", "7400", 6),
            (Verdict::Missed, "4.44".into())
        );
        assert_eq!(
            proposed("数量指标", "＝132 套", "124", 20),
            (Verdict::Missed, "18.79".into())
        );
        // ＝ on a quantity means at least: exceeding meets it.
        assert_eq!(
            proposed("数量指标", "＝2条", "6", 10),
            (Verdict::Met, "10".into())
        );
        // ＞900: exactly 900 misses, by a hair.
        assert_eq!(
            proposed("数量指标", "＞900 户", "900", 8),
            (Verdict::Missed, "8".into())
        );
        assert_eq!(
            proposed("成本指标", "≥1000 元", "900", 5),
            (Verdict::Missed, "4.5".into())
        );
    }

    #[test]
    fn costs_and_zero_targets_are_lower_is_better() {
        assert_eq!(
            proposed("成本指标", "≤390 万元", "164", 10),
            (Verdict::Met, "10".into())
        );
        assert_eq!(
            proposed("成本指标", "＝180 元/人/天", "200", 10),
            (Verdict::Missed, "9".into())
        );
        assert_eq!(
            proposed("成本指标", "＝180 元/人/天", "150", 10),
            (Verdict::Met, "10".into())
        );
        assert_eq!(
            proposed("经济效益指标", "＝0件", "0", 10),
            (Verdict::Met, "10".into())
        );
        assert_eq!(
            proposed("经济效益指标", "＝0%", "1", 15),
            (Verdict::Missed, "0".into())
        );
    }

    #[test]
    fn qualitative_and_unset_targets() {
        assert_eq!(
            proposed("时效指标", "及时", "达成预期指标", 10),
            (Verdict::Met, "10".into())
        );
        assert_eq!(
            proposed("时效指标", "及时", "部分达成预期指标并具有一定效果", 10),
            (Verdict::Partial, "7".into())
        );
        assert_eq!(
            proposed("时效指标", "及时", "未达成预期指标", 10),
            (Verdict::NotAchieved, "0".into())
        );
        assert_eq!(
            proposed(
                "时效指标",
                "2022.3-2022.11",
                "部分达成预期指标并具有一定效果",
                10
            ),
            (Verdict::Partial, "7".into())
        );
        assert_eq!(
            proposed("成本指标", "", "达成预期指标", 10),
            (Verdict::NotSet, "0".into())
        );
        assert_eq!(
            proposed("时效指标", "及时", "基本及时", 10),
            (Verdict::Unknown, String::new())
        );
        assert_eq!(
            proposed("数量指标", "≥5个", "较多", 10),
            (Verdict::Unknown, String::new())
        );
    }

    #[test]
    fn budget_score_against_full_year_then_initial() {
        let line = |compiled: &str, full: &str, executed: &str| juesuan_model::BudgetLine {
            source: "市县区财政资金".into(),
            declared: Money::parse(compiled).unwrap(),
            compiled: Money::parse(compiled).unwrap(),
            full_year: Money::parse(full).unwrap(),
            executed: Money::parse(executed).unwrap(),
        };
        let project = |l| Project {
            name: "测试".into(),
            level: 2,
            unit: String::new(),
            department: String::new(),
            date: String::new(),
            fund: String::new(),
            texts: Default::default(),
            budget: vec![l],
            indicators: Vec::new(),
            stated: Default::default(),
            source: SourceRef::default(),
        };
        let b = budget(
            &project(line("4,700,000", "2,737,825.90", "2,737,825.90")),
            &method(),
        );
        assert_eq!(
            (b.base, b.rate.unwrap().display(), b.score.display()),
            (RateBase::FullYear, "100.00%".into(), "10".into())
        );
        let b = budget(&project(line("1,000", "1,000", "583.33")), &method());
        assert_eq!(
            (b.rate.unwrap().display(), b.score.display()),
            ("58.33%".into(), "5.83".into())
        );
        let b = budget(&project(line("200,000", "0", "0")), &method());
        assert_eq!(
            (b.base, b.rate.unwrap().display(), b.score.display()),
            (RateBase::Initial, "0.00%".into(), "0".into())
        );
        let b = budget(&project(line("0", "0", "0")), &method());
        assert_eq!(
            (b.base, b.rate, b.score.display()),
            (RateBase::None, None, "0".into())
        );
        // Over-execution is capped at the weight.
        let b = budget(&project(line("100", "100", "150")), &method());
        assert_eq!(b.score.display(), "10");
        let _ = Dec::parse("1");
    }

    #[test]
    fn grades_by_band() {
        let m = method();
        for (t, g) in [
            (100, "优"),
            (90, "优"),
            (8999, "良"),
            (80, "良"),
            (77, "中"),
            (60, "中"),
            (59, "差"),
            (0, "差"),
        ] {
            let p = if t > 100 {
                Points::from_hundredths(t)
            } else {
                Points::whole(t)
            };
            assert_eq!(m.grade(p), g, "{t}");
        }
    }
}
