//! Rules on 项目支出绩效自评: the arithmetic of the score sheet (weights, sums,
//! totals, grades, execution rate), the self-scores against the facts (a missed
//! target scored full), the prose's own numbers, and the projects against the tables.
//!
//! Arithmetic that does not add up is an error. A self-score that the facts do not
//! support is a warning: scoring is the department's judgement, but a reviewer
//! should see where it parts from the method (docs/PERFORMANCE.md).

use crate::ctx::Ctx;
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_model::{
    Actual, Dec, Finding, Key, Location, Measure, Money, Num, Percent, Points, Project, Severity,
    Target, percent_consistent,
};
use juesuan_perf::{ProjectEval, RateBase, Verdict, evaluate};

fn projects<'a>(ctx: &'a Ctx<'_>) -> Vec<(&'a Project, ProjectEval)> {
    ctx.report
        .map(|r| {
            r.projects
                .iter()
                .map(|p| (p, evaluate(p, &ctx.profile.performance)))
                .collect()
        })
        .unwrap_or_default()
}

fn at(p: &Project, item: Option<String>) -> Location {
    Location::Project {
        project: p.name.clone(),
        item,
    }
}

fn stated_at(p: &Project, field: &str) -> Option<Location> {
    p.stated
        .sources
        .get(field)
        .map(|s| Location::Input(s.clone()))
}

fn finding(
    info: &'static RuleInfo,
    sev: Severity,
    loc: Location,
    msg: String,
    hint: &str,
) -> Finding {
    Finding::new(info.id, sev, loc, msg, hint)
}

fn pts(p: Points) -> juesuan_model::FValue {
    juesuan_model::FValue::Text(p.display())
}

/// PERF-WEIGHT
pub struct Weights;
static WEIGHTS: RuleInfo = RuleInfo {
    id: "PERF-WEIGHT",
    family: Family::Performance,
    title: "绩效指标权重之和 = 90（另 10 分为预算执行率）；一级指标权重 50/30/10；权重不为 0",
    severity: "错误（权重和不符）；警告（一级指标权重不合原则、权重为 0 的指标）",
    purpose: "项目支出绩效自评总分 100 分：预算执行率 10 分，绩效指标 90 分；原则上产出指标 50、效益指标 30、服务对象满意度指标 10（《项目支出绩效评价管理办法》财预〔2020〕10号；分值见模板 [performance]）。各指标权重之和必须等于 90；权重为 0 的指标不参与评价，不应列入。",
    example: "项目“市场监督管理经费”：指标“推进制造业实现绿色化”权重为 0。",
};
impl Rule for Weights {
    fn info(&self) -> &'static RuleInfo {
        &WEIGHTS
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let want = ctx.profile.performance.indicator_weight;
        let mut out = Vec::new();
        for (p, e) in projects(ctx) {
            if e.weight_sum != want {
                out.push(
                    finding(
                        &WEIGHTS,
                        Severity::Error,
                        at(p, Some("绩效指标".into())),
                        format!(
                            "项目“{}”各指标权重之和为 {}，应为 {want}",
                            p.name, e.weight_sum
                        ),
                        "调整各指标权重，使其合计等于模板规定的分值。",
                    )
                    .quote(pts(want), pts(e.weight_sum)),
                );
            }
            for (level1, want1) in &ctx.profile.performance.level1_weights {
                let got: Points = p
                    .indicators
                    .iter()
                    .filter(|i| &i.level1 == level1)
                    .map(|i| i.weight)
                    .sum();
                if got != *want1 {
                    out.push(
                        finding(
                            &WEIGHTS,
                            Severity::Warning,
                            at(p, Some(format!("一级指标「{level1}」"))),
                            format!("项目“{}”{level1}的权重合计 {got}，原则上应为 {want1}", p.name),
                            "《项目支出绩效评价管理办法》（财预〔2020〕10号）：原则上产出指标 50%、效益指标 30%、服务对象满意度指标 10%、预算执行率 10%。",
                        )
                        .quote(pts(*want1), pts(got)),
                    );
                }
            }
            for i in p.indicators.iter().filter(|i| i.weight == Points::ZERO) {
                out.push(
                    finding(
                        &WEIGHTS,
                        Severity::Warning,
                        at(p, Some(format!("绩效指标「{}」", i.name))),
                        format!("项目“{}”的指标“{}”权重为 0，不参与评价", p.name, i.name),
                        "删去该指标，或给它分配权重。",
                    )
                    .also(Location::Input(i.source.clone())),
                );
            }
        }
        out
    }
}

/// PERF-SCORE
pub struct ScoreWithinWeight;
static SCORE: RuleInfo = RuleInfo {
    id: "PERF-SCORE",
    family: Family::Performance,
    title: "每个指标得分 ≤ 权重，且已填写",
    severity: "错误（超过权重）；警告（未填写得分）",
    purpose: "绩效指标的得分不能超过它的权重，也不能为负；每个指标都应有得分。",
    example: "项目“抽检费”指标“群众满意度”权重 10，得分 12。",
};
impl Rule for ScoreWithinWeight {
    fn info(&self) -> &'static RuleInfo {
        &SCORE
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (p, _) in projects(ctx) {
            for i in &p.indicators {
                let loc = at(p, Some(format!("绩效指标「{}」", i.name)));
                match i.score {
                    Some(s) if s > i.weight => out.push(
                        finding(
                            &SCORE,
                            Severity::Error,
                            loc,
                            format!("指标“{}”得分 {s} 超过权重 {}", i.name, i.weight),
                            "得分最多等于权重。",
                        )
                        .quote(pts(i.weight), pts(s))
                        .also(Location::Input(i.source.clone())),
                    ),
                    None => out.push(
                        finding(
                            &SCORE,
                            Severity::Warning,
                            loc,
                            format!("指标“{}”没有填写得分", i.name),
                            "填写该指标的自评得分。",
                        )
                        .also(Location::Input(i.source.clone())),
                    ),
                    _ => {}
                }
            }
        }
        out
    }
}

/// PERF-TOTAL
pub struct StatedTotals;
static TOTALS: RuleInfo = RuleInfo {
    id: "PERF-TOTAL",
    family: Family::Performance,
    title: "自评表的合计行、指标得分、总得分、等级与计算一致",
    severity: "错误",
    purpose: "预算执行情况表的合计行（资金结转余 = 全年预算数 − 全年执行数，执行率 = 全年执行数 ÷ 全年预算数，得分 = 10 × 执行率），指标完成情况得分 = 各指标得分之和，总得分 = 预算执行得分 + 指标完成情况得分，等级按模板分数线（山西：优 ≥ 90，良 80–90，中 60–80，差 < 60）。自评表上填写的这些数只核对、不采用。",
    example: "项目“放心消费创建活动经费”：填写的总得分 85 与 预算执行得分 10 + 指标得分 75 = 85 一致，不报；若填 88 则报错。",
};
impl Rule for StatedTotals {
    fn info(&self) -> &'static RuleInfo {
        &TOTALS
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let perf = &ctx.profile.performance;
        let mut out = Vec::new();
        for (p, e) in projects(ctx) {
            let s = &p.stated;
            let mut push = |field: &str, what: &str, expected: String, actual: String| {
                let loc = stated_at(p, field).unwrap_or_else(|| at(p, None));
                out.push(
                    finding(
                        &TOTALS,
                        Severity::Error,
                        loc,
                        format!(
                            "项目“{}”：填写的{what} {actual} 与计算的 {expected} 不符",
                            p.name
                        ),
                        "自评表上的合计与得分由明细计算：请核对明细，或改正填写的数。",
                    )
                    .quote(expected, actual)
                    .also(at(p, Some(what.to_string()))),
                );
            };
            if let Some(b) = s.balance
                && b != e.budget.balance
            {
                push("balance", "资金结转余", e.budget.balance.yuan(), b.yuan());
            }
            if let Some(r) = s.execution_rate {
                let ok = match (e.budget.base, e.budget.rate) {
                    (_, Some(_)) => {
                        let den = if e.budget.base == RateBase::FullYear {
                            e.budget.full_year
                        } else {
                            e.budget.compiled
                        };
                        percent_consistent(
                            r.scaled,
                            r.decimals,
                            i128::from(e.budget.executed.fen()),
                            i128::from(den.fen()),
                        )
                    }
                    (_, None) => r.scaled == 0,
                };
                if !ok {
                    push(
                        "execution_rate",
                        "执行率",
                        e.budget.rate.map_or("—".into(), |x| x.display()),
                        format!("{}%", r.display()),
                    );
                }
            }
            if let Some(b) = s.budget_score
                && b != e.budget.score
            {
                push(
                    "budget_score",
                    "预算执行情况得分",
                    e.budget.score.display(),
                    b.display(),
                );
            }
            if let Some(i) = s.indicator_score
                && i != e.indicator_score
            {
                push(
                    "indicator_score",
                    "指标完成情况得分",
                    e.indicator_score.display(),
                    i.display(),
                );
            }
            if let Some(t) = s.total
                && t != e.total
            {
                push("total", "总得分", e.total.display(), t.display());
            }
            if let Some(g) = &s.grade {
                // The grade must fit the stated total (and the derived one, when they agree).
                let basis = s.total.unwrap_or(e.total);
                let want = perf.grade(basis);
                if g != &want {
                    push(
                        "grade",
                        "等级",
                        format!("{want}（总得分 {basis}）"),
                        g.clone(),
                    );
                }
            }
        }
        out
    }
}

/// PERF-BUDGET
pub struct BudgetExecution;
static BUDGET: RuleInfo = RuleInfo {
    id: "PERF-BUDGET",
    family: Family::Performance,
    title: "项目预算执行：执行数不超过预算；全年预算调减至恰等于执行数",
    severity: "错误（执行数超过全年预算数）；提示（全年预算数调减至执行数，执行率 100% 来自调减）",
    purpose: "全年执行数不能超过全年预算数。全年预算数调减到与执行数分毫不差、远低于年初预算时，100% 的执行率来自调减预算而非执行；此时提示按年初预算计算的执行率，供审核参考。",
    example: "项目“市场监督管理经费”：年初预算 4,700,000.00，全年预算数调减为 2,737,825.90，恰等于执行数；按年初预算执行率为 58.25%。",
};
impl Rule for BudgetExecution {
    fn info(&self) -> &'static RuleInfo {
        &BUDGET
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (p, e) in projects(ctx) {
            let b = &e.budget;
            if b.executed > b.full_year {
                out.push(
                    finding(
                        &BUDGET,
                        Severity::Error,
                        at(p, Some("预算执行情况".into())),
                        format!(
                            "项目“{}”全年执行数 {} 超过全年预算数 {}",
                            p.name,
                            b.executed.yuan(),
                            b.full_year.yuan()
                        ),
                        "执行数不能超过预算：核对两数，或补记预算调整。",
                    )
                    .values(Num::Money(b.full_year), Num::Money(b.executed))
                    .also(Location::Input(p.source.clone())),
                );
            } else if !b.full_year.is_zero()
                && b.full_year == b.executed
                && b.compiled > b.full_year
            {
                let initial =
                    Percent::ratio(b.executed, b.compiled).map_or("—".into(), |r| r.display());
                out.push(
                    finding(
                        &BUDGET,
                        Severity::Info,
                        at(p, Some("预算执行情况".into())),
                        format!(
                            "项目“{}”全年预算数由年初 {} 调减为 {}，恰等于执行数：执行率 100% 来自调减；按年初预算执行率为 {initial}",
                            p.name,
                            b.compiled.yuan(),
                            b.full_year.yuan()
                        ),
                        "如属年中调减，可在“项目实施和预算执行情况分析”中说明原因。",
                    ),
                );
            }
        }
        out
    }
}

/// PERF-JUDGE
pub struct SelfScoreVsFacts;
static JUDGE: RuleInfo = RuleInfo {
    id: "PERF-JUDGE",
    family: Family::Performance,
    title: "自评得分与事实不符：未达到的目标得满分、达到的目标被扣分、定性得分超出规定区间、未设目标却得分",
    severity: "警告（定量目标未达到却满分、达到却扣分；定性指标得分不在规定区间；未设定目标却得分；按方法等级不同）；提示（与建议分不同；实际远超目标，指标值可能偏低）",
    purpose: "按模板的评分方法（docs/PERFORMANCE.md，依据财预〔2020〕10号）：定量指标达到目标得满分、未达到按完成比例得分；定性指标达成得权重的 80%–100%、部分达成 60%–80%、未达成 0–60%；未设定年度指标值的不得分。自评得分与事实明显矛盾的给出警告，与建议分不同的给出提示，并说明理由；实际完成值为目标两倍以上的提示指标值可能偏低。",
    example: "项目“抽检费”指标“食品抽检每批次”目标 ≥1000元，实际 900：未达到，完成 90.00%，按比例得 4.5，自评却得满分 5。",
};
impl Rule for SelfScoreVsFacts {
    fn info(&self) -> &'static RuleInfo {
        &JUDGE
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let m = &ctx.profile.performance;
        let mut out = Vec::new();
        for (p, e) in projects(ctx) {
            for (i, ev) in p.indicators.iter().zip(&e.indicators) {
                let Some(stated) = i.score else { continue };
                let w = i.weight;
                let share =
                    |x: Points| Percent::of(i128::from(x.hundredths()), i128::from(w.hundredths()));
                let within = |(lo, hi): (i64, i64), upper_open: bool| {
                    let (x, wt) = (
                        i128::from(stated.hundredths()) * 100,
                        i128::from(w.hundredths()),
                    );
                    x >= i128::from(lo) * wt
                        && if upper_open {
                            x < i128::from(hi) * wt
                        } else {
                            x <= i128::from(hi) * wt
                        }
                };
                let qualitative = matches!(
                    i.actual.value,
                    Actual::Achieved | Actual::Partial | Actual::NotAchieved
                ) && !matches!(i.target.value, Target::NotSet);
                let (sev, what) = match ev.verdict {
                    Verdict::NotSet if stated > Points::ZERO => {
                        (Severity::Warning, "未设定年度指标值却得分".to_string())
                    }
                    Verdict::Missed if stated == w => {
                        (Severity::Warning, "目标未达到却得满分".to_string())
                    }
                    Verdict::Met if !qualitative && stated < w => {
                        (Severity::Warning, "目标已达到却被扣分".to_string())
                    }
                    _ if qualitative => {
                        let (band, name, open) = match i.actual.value {
                            Actual::Achieved => (m.achieved_band, "达成", false),
                            Actual::Partial => (m.partial_band, "部分达成", false),
                            _ => (m.not_achieved_band, "未达成", true),
                        };
                        if within(band, open) {
                            if stated == ev.proposed.unwrap_or(stated) {
                                continue;
                            }
                            (
                                Severity::Info,
                                "自评得分与建议分不同（在规定区间内）".to_string(),
                            )
                        } else {
                            (
                                Severity::Warning,
                                format!(
                                    "{name}的指标应得权重的 {}%–{}%，自评为 {}",
                                    band.0,
                                    band.1,
                                    share(stated).map_or_else(|| "—".to_string(), |s| s.display())
                                ),
                            )
                        }
                    }
                    _ if ev.proposed.is_some_and(|x| x != stated) => (
                        Severity::Info,
                        "自评得分与按方法计算的建议分不同".to_string(),
                    ),
                    _ => continue,
                };
                let proposed = ev.proposed.map_or_else(|| "—".to_string(), |x| x.display());
                out.push(
                    finding(
                        &JUDGE,
                        sev,
                        at(p, Some(format!("绩效指标「{}」", i.name))),
                        format!(
                            "项目“{}”指标“{}”{what}：自评 {stated}，建议 {proposed}。{}",
                            p.name, i.name, ev.why
                        ),
                        "按事实与评分方法调整自评得分，或在“偏差原因分析及改进措施”中说明理由。",
                    )
                    .quote(proposed, stated.display())
                    .also(Location::Input(i.source.clone())),
                );
            }
            // A target far exceeded: the regulation asks to look at whether it was set too low.
            for i in &p.indicators {
                if let (
                    Target::Quantity {
                        op: juesuan_model::Op::Ge | juesuan_model::Op::Gt | juesuan_model::Op::Eq,
                        value,
                        unit,
                    },
                    Actual::Number(a),
                ) = (&i.target.value, &i.actual.value)
                {
                    let (a_s, t_s) = Dec::common(*a, *value);
                    if t_s > 0
                        && a_s >= t_s * i128::from(m.overshoot_ratio)
                        && !m.lower_is_better.contains(&i.level2)
                    {
                        out.push(finding(
                            &JUDGE,
                            Severity::Info,
                            at(p, Some(format!("绩效指标「{}」", i.name))),
                            format!(
                                "项目“{}”指标“{}”实际 {} 为目标 {}{} 的 {} 倍：年初指标值可能设定偏低",
                                p.name,
                                i.name,
                                a.display(),
                                value.display(),
                                unit,
                                Percent::of(a_s, t_s).map_or_else(|| "—".to_string(), |r| format!("{}", r.hundredths() / 10_000))
                            ),
                            "《项目支出绩效评价管理办法》（财预〔2020〕10号）：完成值高于指标值较多的要分析原因，年初指标值明显偏低的应按偏离度适度调减分值，并在下一年度合理设定指标值。",
                        ));
                    }
                }
            }
            if e.proposed_grade != e.grade {
                out.push(
                    finding(
                        &JUDGE,
                        Severity::Warning,
                        at(p, Some("自评结果".into())),
                        format!(
                            "项目“{}”按方法计算总分 {}（{}），自评总分 {}（{}）：等级不同",
                            p.name, e.proposed_total, e.proposed_grade, e.total, e.grade
                        ),
                        "逐项核对上面列出的指标得分。",
                    )
                    .quote(
                        format!("{}（{}）", e.proposed_total, e.proposed_grade),
                        format!("{}（{}）", e.total, e.grade),
                    ),
                );
            }
        }
        out
    }
}

/// PERF-TARGET
pub struct TargetText;
static TARGET: RuleInfo = RuleInfo {
    id: "PERF-TARGET",
    family: Family::Performance,
    title: "年度指标写法无法识别",
    severity: "警告",
    purpose: "年度指标应写成“≥60个”“＝100%”“≤180 元/人/天”“2022.3-2022.11”或定性表述。有比较符号却没有数值、起止时间颠倒的，无法据以评分，原文照录并提醒。留有模板占位符“XX”的，由 TX-LEFTOVER 作为错误报告。",
    example: "项目“抽检费”指标“抽检时间”的调整后指标“2022.11-2022.3”起止时间颠倒。",
};
impl Rule for TargetText {
    fn info(&self) -> &'static RuleInfo {
        &TARGET
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (p, _) in projects(ctx) {
            for i in &p.indicators {
                let loc = at(p, Some(format!("绩效指标「{}」", i.name)));
                // Template leftovers are TX-LEFTOVER's, wherever they are printed.
                let problem = Target::parse(&i.target.text).err();
                if let Some(why) = problem {
                    out.push(
                        finding(
                            &TARGET,
                            Severity::Warning,
                            loc,
                            format!("项目“{}”指标“{}”：{why}", p.name, i.name),
                            "按“比较符号 + 数值 + 单位”或定性表述改写年度指标。",
                        )
                        .also(Location::Input(i.source.clone())),
                    );
                }
            }
        }
        out
    }
}

/// PERF-PROSE
pub struct ProseRate;
static PROSE: RuleInfo = RuleInfo {
    id: "PERF-PROSE",
    family: Family::Performance,
    title: "项目文字中的预算执行数字（预算收入、支出、执行率）与数据一致",
    severity: "警告",
    purpose: "“项目实施和预算执行情况分析”常写“预算收入 470 万元，支出 273.78 万元，预算执行率 58%”。这些数按其写出的精度核对：预算收入对年初预算，支出对全年执行数，执行率对两者之比（四舍五入到写出的小数位）。文字由部门撰写、原样印出，不符时提醒修改。",
    example: "项目“自收自支人员经费”：文字写执行率 99.68%，而 3,155,060.00 ÷ 3,165,000.00 = 99.686%，四舍五入为 99.69%。",
};
impl Rule for ProseRate {
    fn info(&self) -> &'static RuleInfo {
        &PROSE
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for (p, e) in projects(ctx) {
            let Some(claim) = execution_claim(&p.texts.execution) else {
                continue;
            };
            let b = &e.budget;
            let mut problems = Vec::new();
            if let Some(x) = claim.budget
                && !wan_consistent(x, b.compiled)
            {
                problems.push(format!(
                    "预算 {} 万元与年初预算 {} 不符",
                    x.display(),
                    b.compiled.yuan()
                ));
            }
            if let Some(y) = claim.spent
                && !wan_consistent(y, b.executed)
            {
                problems.push(format!(
                    "支出 {} 万元与全年执行数 {} 不符",
                    y.display(),
                    b.executed.yuan()
                ));
            }
            if let Some(r) = claim.rate {
                let den = if claim.budget.is_some() {
                    b.compiled
                } else {
                    b.full_year
                };
                if !den.is_zero()
                    && !percent_consistent(
                        r.scaled,
                        r.decimals,
                        i128::from(b.executed.fen()),
                        i128::from(den.fen()),
                    )
                {
                    let exact =
                        Percent::ratio(b.executed, den).map_or("—".into(), |x| x.display());
                    problems.push(format!(
                        "执行率 {}% 与 {} ÷ {} = {exact} 不符（按写出的 {} 位小数四舍五入）",
                        r.display(),
                        b.executed.yuan(),
                        den.yuan(),
                        r.decimals
                    ));
                }
            }
            for why in problems {
                out.push(
                    finding(
                        &PROSE,
                        Severity::Warning,
                        at(p, Some("项目实施和预算执行情况分析".into())),
                        format!("项目“{}”的文字“{}”：{why}", p.name, claim.quote),
                        "改正文字中的数字，使其与预算执行情况表一致。",
                    )
                    .also(Location::Input(p.source.clone())),
                );
            }
        }
        out
    }
}

/// Numbers a project's prose states about its execution.
struct ExecutionClaim {
    quote: String,
    budget: Option<Dec>,
    spent: Option<Dec>,
    rate: Option<Dec>,
}

/// The number right after the first of `words` in `s` (working on characters, never
/// on byte offsets), and the character position of that word.
fn number_after(s: &[char], words: &[&str]) -> Option<(Dec, usize)> {
    let find = |w: &str| -> Option<usize> {
        let w: Vec<char> = w.chars().collect();
        (0..s.len().saturating_sub(w.len() - 1)).find(|&i| s[i..].starts_with(&w))
    };
    let (pos, len) = words
        .iter()
        .filter_map(|w| find(w).map(|p| (p, w.chars().count())))
        .min_by_key(|(p, _)| *p)?;
    // Skip a few connecting characters (收入, 为, 达, ：) up to the number.
    let mut i = pos + len;
    let limit = (i + 4).min(s.len());
    while i < limit && !s[i].is_ascii_digit() && !matches!(s[i], '，' | '。' | '；') {
        i += 1;
    }
    let start = i;
    while i < s.len() && (s[i].is_ascii_digit() || s[i] == '.') {
        i += 1;
    }
    let num: String = s[start..i].iter().collect();
    Dec::parse(&num).map(|d| (d, pos))
}

/// Reads "预算收入 X 万元，支出 Y 万元，预算执行率 Z%" (and its variants) from prose.
fn execution_claim(text: &str) -> Option<ExecutionClaim> {
    let s: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (rate, rate_pos) = number_after(&s, &["执行率", "执行进度"])?;
    // The claim starts at the last budget word before the rate, at most 40 characters back.
    let from = rate_pos.saturating_sub(40);
    let head = &s[from..rate_pos];
    let start = ["预算收入", "资金预算", "项目预算", "预算"]
        .iter()
        .filter_map(|w| {
            let w: Vec<char> = w.chars().collect();
            (0..head.len().saturating_sub(w.len() - 1)).find(|&i| head[i..].starts_with(&w))
        })
        .min()
        .map_or(rate_pos, |i| from + i);
    let end = s.len().min(rate_pos + 12);
    let window = &s[start..end];
    let budget = number_after(window, &["预算收入", "资金预算", "项目预算"]).map(|(d, _)| d);
    let spent = number_after(window, &["支出", "支付"]).map(|(d, _)| d);
    let quote_end = window
        .iter()
        .position(|c| *c == '%')
        .map_or(window.len(), |i| i + 1);
    Some(ExecutionClaim {
        quote: window[..quote_end].iter().collect(),
        budget,
        spent,
        rate: Some(rate),
    })
}

/// Whether an amount stated in 万元 with its decimals agrees with an exact amount.
fn wan_consistent(stated: Dec, exact: Money) -> bool {
    // exact in 万元 = fen / 1,000,000; compare at the stated decimals.
    let den = 1_000_000_i128 / 10_i128.pow(stated.decimals.min(6));
    juesuan_model::round::div_round_half_away(i128::from(exact.fen()), den) == stated.scaled
}

/// PERF-COVER
pub struct Coverage;
static COVER: RuleInfo = RuleInfo {
    id: "PERF-COVER",
    family: Family::Performance,
    title: "自评项目的执行数之和不超过项目支出（公开03表）",
    severity: "错误",
    purpose: "绩效自评覆盖的项目资金是本年项目支出的一部分：各项目全年执行数之和不能超过公开03表的项目支出合计。情况说明十（四）据此计算“占项目支出总额的比例”。",
    example: "14 个项目执行数之和 11,475,996.40，项目支出 13,233,072.42，占 86.72%：不报。",
};
impl Rule for Coverage {
    fn info(&self) -> &'static RuleInfo {
        &COVER
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let ps = projects(ctx);
        if ps.is_empty() {
            return Vec::new();
        }
        let funds: Money = ps.iter().map(|(_, e)| e.budget.executed).sum();
        let key = Key::all(Measure::ExpProject);
        let Some(project_exp) = ctx.value(&key).and_then(Num::money) else {
            return Vec::new();
        };
        if funds <= project_exp {
            return Vec::new();
        }
        vec![
            finding(
                &COVER,
                Severity::Error,
                ctx.at_key(&key),
                format!(
                    "{} 个自评项目的全年执行数之和 {} 超过项目支出 {}",
                    ps.len(),
                    funds.yuan(),
                    project_exp.yuan()
                ),
                &format!(
                    "核对各项目的全年执行数，或{}的项目支出。",
                    ctx.table_no("03")
                ),
            )
            .values(Num::Money(project_exp), Num::Money(funds)),
        ]
    }
}
