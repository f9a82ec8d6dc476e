//! Rules on the inputs of the 情况说明: what is missing, and what the inputs say
//! about each other and about the tables.

use crate::ctx::Ctx;
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_model::{
    Finding, FunctionalCode, Key, Location, Measure, Money, Num, Report, Scope, Severity, SourceRef,
};
use juesuan_tables::complete_scalar_sums;

/// Where the narrative inputs live (beside report.toml).
fn narrative_file(report: &Report) -> SourceRef {
    let dir = std::path::Path::new(&report.meta.source.file)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if dir.is_empty() {
        SourceRef::file("narrative.toml")
    } else {
        SourceRef::file(format!("{dir}/narrative.toml"))
    }
}

fn input_loc(report: &Report, id: &str) -> Location {
    Location::Input(
        report
            .narrative
            .sources
            .get(id)
            .cloned()
            .unwrap_or_else(|| narrative_file(report)),
    )
}

/// Classes with a non-zero 一般公共预算财政拨款支出 this year.
fn spending_classes(ctx: &Ctx<'_>) -> Vec<FunctionalCode> {
    ctx.derived
        .map(|f| {
            f.functional_codes
                .iter()
                .filter(|c| {
                    c.as_str().len() == 3 && !f.money(&Key::func(Measure::GpbTotal, c)).is_zero()
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// 项 with a non-zero figure of a measure this year.
fn spending_items(ctx: &Ctx<'_>, m: Measure) -> Vec<FunctionalCode> {
    ctx.derived
        .map(|f| {
            f.functional_codes
                .iter()
                .filter(|c| c.as_str().len() == 7 && !f.money(&Key::func(m, c)).is_zero())
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

/// Expands a declared id or key pattern (`use.{class}`, `gpb.total@{item}`) to the
/// ids needed: one per 类 with 一般公共预算财政拨款支出; one per 项 with a figure of
/// the pattern's measure (of 一般公共预算财政拨款支出 for texts).
fn expand(ctx: &Ctx<'_>, pattern: &str, classes: &[FunctionalCode]) -> Vec<String> {
    if pattern.contains("{class}") {
        classes
            .iter()
            .map(|c| pattern.replace("{class}", c.as_str()))
            .collect()
    } else if pattern.contains("{item}") {
        let m = pattern
            .split_once('@')
            .and_then(|(m, _)| Measure::from_name(m))
            .unwrap_or(Measure::GpbTotal);
        spending_items(ctx, m)
            .iter()
            .map(|c| pattern.replace("{item}", c.as_str()))
            .collect()
    } else {
        vec![pattern.to_string()]
    }
}

/// NARR-INPUT
pub struct MissingInput;

/// The id of [`MissingInput`]: its findings are what a report lacks to be
/// published (`build` refuses without `--draft`; the platform refuses to submit).
pub const MISSING_INPUT: &str = "NARR-INPUT";

static MISSING: RuleInfo = RuleInfo {
    id: MISSING_INPUT,
    family: Family::Narrative,
    title: "情况说明所需的输入缺失",
    severity: "警告",
    purpose: "情况说明中的同比、完成率、原因和“三公”明细需要决算表之外的输入：上年决算数、年初预算、原因与用途说明、批次与人次等（模板在 profile.toml 的 [inputs] 中声明）。缺少时相应句子省略或标“（未填报）”，并在此提醒。",
    example: "narrative.toml：缺少上年数 gpb.total@208（社会保障和就业支出），情况说明五（三）不作同比。",
};
impl Rule for MissingInput {
    fn info(&self) -> &'static RuleInfo {
        &MISSING
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(report) = ctx.report else {
            return Vec::new();
        };
        let n = &report.narrative;
        let classes = spending_classes(ctx);
        let file = narrative_file(report);
        let mut out = Vec::new();
        let mut last = n.last_year.clone();
        complete_scalar_sums(&mut last);
        // Where the input goes: the workbook's cell that awaits it (the message then
        // names it by its label only), else narrative.toml (by the key to write).
        let slot = |section: &str, id: &str| n.slots.get(&format!("{section}.{id}")).cloned();
        let missing = |at: Option<SourceRef>, what: String, hint: &str| {
            Finding::new(
                MISSING.id,
                Severity::Warning,
                Location::Input(at.unwrap_or_else(|| file.clone())),
                what,
                hint,
            )
        };
        const FORM_HINT: &str =
            "在工作簿“情况说明数据”表的这一格填写；情况说明中该处暂以“（未填报）”或省略处理。";
        for p in &ctx.profile.inputs.last_year {
            for id in expand(ctx, p, &classes) {
                if let Some(k) = Key::parse(&id).filter(|k| !last.contains_key(k)) {
                    let at = slot("last_year", &k.to_string());
                    let what = match at {
                        Some(_) => format!(
                            "缺少上年决算数：{}（情况说明中相应的同比句省略）",
                            describe(&id)
                        ),
                        None => format!(
                            "缺少上年决算数 [last_year] \"{id}\"（{}）：情况说明中相应的同比句省略",
                            describe(&id)
                        ),
                    };
                    let hint = if at.is_some() {
                        "从上年决算公开报告中取该数，填在这一格。"
                    } else {
                        "从上年决算公开报告中取该数填入 narrative.toml 的 [last_year]。"
                    };
                    out.push(missing(at, what, hint));
                }
            }
        }
        for p in &ctx.profile.inputs.initial_budget {
            for id in expand(ctx, p, &classes) {
                if let Some(k) = Key::parse(&id).filter(|k| !n.initial_budget.contains_key(k)) {
                    let at = slot("initial_budget", &k.to_string());
                    let what = match at {
                        Some(_) => format!(
                            "缺少年初预算数：{}（不能计算完成年初预算的比例）",
                            describe(&id)
                        ),
                        None => format!(
                            "缺少年初预算 [initial_budget] \"{id}\"（{}）：不能计算完成年初预算的比例",
                            describe(&id)
                        ),
                    };
                    let hint = if at.is_some() {
                        "从年初部门预算批复中取该数，填在这一格。"
                    } else {
                        "从年初部门预算批复中取该数填入 narrative.toml 的 [initial_budget]。"
                    };
                    out.push(missing(at, what, hint));
                }
            }
        }
        let texts: Vec<&String> = n
            .texts
            .iter()
            .filter(|(_, t)| !t.is_empty())
            .map(|(k, _)| k)
            .collect();
        let counts: Vec<&String> = n.counts.keys().collect();
        let amounts: Vec<&String> = n.amounts.keys().collect();
        for (section, kind, decls, present) in [
            ("texts", "说明", &ctx.profile.inputs.texts, texts),
            ("counts", "数量", &ctx.profile.inputs.counts, counts),
            ("amounts", "金额", &ctx.profile.inputs.amounts, amounts),
        ] {
            for d in decls.iter().filter(|d| !d.optional && d.sum_of.is_empty()) {
                for id in expand(ctx, &d.id, &classes) {
                    if !present.contains(&&id) {
                        let at = slot(section, &id);
                        let (what, hint) = match at {
                            Some(_) => (format!("缺少{}：{}", kind, d.label), FORM_HINT),
                            None => (
                                format!("缺少 [{section}] \"{id}\"（{}）", d.label),
                                "在 narrative.toml 中补填；情况说明中该处暂以“（未填报）”或省略处理。",
                            ),
                        };
                        out.push(missing(at, what, hint));
                    }
                }
            }
        }
        out
    }
}

fn describe(id: &str) -> String {
    Key::parse(id)
        .map(|k| k.describe())
        .unwrap_or_else(|| id.to_string())
}

/// Σ of a measure over keys scoped to functional codes of `digits` digits (类 3, 项 7),
/// and how many there were.
fn class_sum<V>(
    map: &std::collections::BTreeMap<Key, V>,
    measure: Measure,
    digits: usize,
    money: impl Fn(&V) -> Option<Money>,
) -> (Money, usize) {
    let mut sum = Money::ZERO;
    let mut count = 0;
    for (k, v) in map {
        if k.measure == measure
            && matches!(&k.scope, Scope::Fn(c) if c.as_str().len() == digits)
            && let Some(v) = money(v)
        {
            sum += v;
            count += 1;
        }
    }
    (sum, count)
}

/// NARR-BUDGET
pub struct BudgetByClass;
static BUDGET: RuleInfo = RuleInfo {
    id: "NARR-BUDGET",
    family: Family::Narrative,
    title: "按类（项）的年初预算之和 = 年初预算合计；按类的上年数之和 ≤ 上年合计",
    severity: "错误",
    purpose: "情况说明五（三）逐类（上海 2024 模板逐项）给出年初预算与上年决算。各类（各项）年初预算之和必须等于年初预算合计；各类上年数之和不能超过上年合计（上年可能有今年没有的类）。",
    example: "年初预算按类之和 48,691,000.00 ≠ 年初预算合计 48,691,030.75。",
};
impl Rule for BudgetByClass {
    fn info(&self) -> &'static RuleInfo {
        &BUDGET
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(report) = ctx.report else {
            return Vec::new();
        };
        let n = &report.narrative;
        let mut out = Vec::new();
        for (digits, level) in [(3, "类"), (7, "项")] {
            let (sum, count) =
                class_sum(&n.initial_budget, Measure::GpbTotal, digits, |v| Some(*v));
            let Some(total) = n.initial_budget.get(&Key::all(Measure::GpbTotal)).copied() else {
                continue;
            };
            if count > 0 && sum != total {
                out.push(
                    Finding::new(
                        BUDGET.id,
                        Severity::Error,
                        input_loc(report, "initial_budget.gpb.total"),
                        format!(
                            "年初预算按{level}之和 {} ≠ 年初预算合计 {}，相差 {}",
                            sum.yuan(),
                            total.yuan(),
                            (sum - total).yuan()
                        ),
                        "核对 narrative.toml [initial_budget] 中各类（项）与合计。",
                    )
                    .values(Num::Money(total), Num::Money(sum)),
                );
            }
        }
        let (sum, count) = class_sum(&n.last_year, Measure::GpbTotal, 3, |v| v.money());
        let total = n
            .last_year
            .get(&Key::all(Measure::GpbTotal))
            .and_then(|v| v.money());
        if let (Some(total), true) = (total, count > 0)
            && sum > total
        {
            out.push(
                Finding::new(
                    BUDGET.id,
                    Severity::Error,
                    input_loc(report, "last_year.gpb.total"),
                    format!(
                        "上年一般公共预算财政拨款支出按类之和 {} 超过上年合计 {}",
                        sum.yuan(),
                        total.yuan()
                    ),
                    "核对 narrative.toml [last_year] 中各类与合计。",
                )
                .values(Num::Money(total), Num::Money(sum)),
            );
        }
        out
    }
}

/// NARR-ZERO
pub struct ZeroBase;
static ZERO: RuleInfo = RuleInfo {
    id: "NARR-ZERO",
    family: Family::Narrative,
    title: "零基数：上年为零或未安排预算时不计算增长率、完成率",
    severity: "提示",
    purpose: "上年数为零而本年不为零时，增长率没有意义（不能写“增长100%”）；年初预算为零时，完成率没有意义。情况说明改用文字说明（“上年为零，不计算增长率”“全年未安排预算”），此处提示哪些句子这样处理了。",
    example: "公务用车购置费上年为 0.00，本年 280,000.00：不计算增长率。",
};
impl Rule for ZeroBase {
    fn info(&self) -> &'static RuleInfo {
        &ZERO
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let (Some(report), Some(fig)) = (ctx.report, ctx.derived) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut last = report.narrative.last_year.clone();
        complete_scalar_sums(&mut last);
        for (k, v) in &last {
            let now = fig.get(k);
            if v.is_zero() && !now.is_zero() {
                out.push(Finding::new(
                    ZERO.id,
                    Severity::Info,
                    input_loc(report, &format!("last_year.{k}")),
                    format!(
                        "{}：上年为 0，本年为 {}，情况说明不计算增长率",
                        k.describe(),
                        now.display()
                    ),
                    "无需处理；如需说明，在原因中写明新增的缘由。",
                ));
            }
        }
        for (k, b) in &report.narrative.initial_budget {
            let now = fig.money(k);
            if b.is_zero() && !now.is_zero() {
                out.push(Finding::new(
                    ZERO.id,
                    Severity::Info,
                    input_loc(report, &format!("initial_budget.{k}")),
                    format!(
                        "{}：年初预算为 0，本年支出 {}，不计算完成年初预算的比例",
                        k.describe(),
                        now.yuan()
                    ),
                    "无需处理；如属年中追加预算，可在原因中说明。",
                ));
            }
        }
        out
    }
}

/// SG-RECEPTION
pub struct Reception;
static RECEPTION: RuleInfo = RuleInfo {
    id: "SG-RECEPTION",
    family: Family::Narrative,
    title: "公务接待费构成：国内 + 国（境）外 = 公开07表决算数；外事接待 ≤ 国内接待",
    severity: "错误（金额不符）；警告（有金额无批次，或有批次无金额）",
    purpose: "情况说明九（二）把公务接待费分为国内接待（其中外事接待）和国（境）外接待，金额之和必须等于公开07表的公务接待费决算数；其中外事接待的金额、批次、人次不能超过国内接待；有金额就应有批次和人次，反之亦然。",
    example: "国内接待费 4,502.00 + 国（境）外接待费 0.00 = 4,502.00，而公开07表公务接待费决算数为 5,402.00。",
};
impl Rule for Reception {
    fn info(&self) -> &'static RuleInfo {
        &RECEPTION
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(report) = ctx.report else {
            return Vec::new();
        };
        let n = &report.narrative;
        let mut out = Vec::new();
        let dom = n.amounts.get("sg.reception.domestic").copied();
        let abr = n.amounts.get("sg.reception.abroad").copied();
        let fa = n.amounts.get("sg.reception.foreign_affairs").copied();
        let table = ctx
            .value(&Key::all(Measure::SgActualReception))
            .and_then(Num::money);
        if let (Some(d), Some(a), Some(t)) = (dom, abr, table)
            && d + a != t
        {
            out.push(
                Finding::new(
                    RECEPTION.id,
                    Severity::Error,
                    input_loc(report, "amounts.sg.reception.domestic"),
                    format!(
                        "国内接待费 {} + 国（境）外接待费 {} = {}，而{}公务接待费决算数为 {}",
                        d.yuan(),
                        a.yuan(),
                        (d + a).yuan(),
                        ctx.table_no("07"),
                        t.yuan()
                    ),
                    format!(
                        "核对 narrative.toml [amounts] 的接待费构成与{}。",
                        ctx.table_no("07")
                    ),
                )
                .values(Num::Money(t), Num::Money(d + a))
                .also(ctx.at_key(&Key::all(Measure::SgActualReception))),
            );
        }
        if let (Some(d), Some(f)) = (dom, fa)
            && f > d
        {
            out.push(
                Finding::new(
                    RECEPTION.id,
                    Severity::Error,
                    input_loc(report, "amounts.sg.reception.foreign_affairs"),
                    format!("其中外事接待费 {} 超过国内接待费 {}", f.yuan(), d.yuan()),
                    "“其中”是国内接待的一部分，不能更大。",
                )
                .values(Num::Money(d), Num::Money(f)),
            );
        }
        for part in ["domestic", "foreign_affairs", "abroad"] {
            for what in ["batches", "persons"] {
                let id = format!("sg.reception.{part}.{what}");
                let count = n.counts.get(&id).copied();
                let amount = n.amounts.get(&format!("sg.reception.{part}")).copied();
                let label = match part {
                    "domestic" => "国内接待",
                    "foreign_affairs" => "外事接待",
                    _ => "国（境）外接待",
                };
                let unit = if what == "batches" {
                    "批次"
                } else {
                    "人次"
                };
                match (amount, count) {
                    (Some(a), Some(0)) if !a.is_zero() => out.push(Finding::new(
                        RECEPTION.id,
                        Severity::Warning,
                        input_loc(report, &format!("counts.{id}")),
                        format!("{label}有支出 {} 元，{unit}却为 0", a.yuan()),
                        "核对接待批次与人次。",
                    )),
                    (Some(a), Some(c)) if a.is_zero() && c > 0 => out.push(Finding::new(
                        RECEPTION.id,
                        Severity::Warning,
                        input_loc(report, &format!("counts.{id}")),
                        format!("{label}{unit}为 {c}，支出却为 0.00 元"),
                        "核对接待费金额。",
                    )),
                    _ => {}
                }
            }
            if part == "foreign_affairs" {
                for what in ["batches", "persons"] {
                    let (d, f) = (
                        n.counts
                            .get(&format!("sg.reception.domestic.{what}"))
                            .copied(),
                        n.counts
                            .get(&format!("sg.reception.foreign_affairs.{what}"))
                            .copied(),
                    );
                    if let (Some(d), Some(f)) = (d, f)
                        && f > d
                    {
                        out.push(Finding::new(
                            RECEPTION.id,
                            Severity::Error,
                            input_loc(
                                report,
                                &format!("counts.sg.reception.foreign_affairs.{what}"),
                            ),
                            format!(
                                "其中外事接待{} {f} 超过国内接待 {d}",
                                if what == "batches" {
                                    "批次"
                                } else {
                                    "人次"
                                }
                            ),
                            "“其中”是国内接待的一部分，不能更大。",
                        ));
                    }
                }
            }
        }
        out
    }
}

/// SG-VEHICLES
pub struct Vehicles;
static VEHICLES: RuleInfo = RuleInfo {
    id: "SG-VEHICLES",
    family: Family::Narrative,
    title: "公务用车与出国：数量与金额相互印证",
    severity: "错误（保有量超过车辆总数）；警告（有车辆购置无购置费，有团组无出国费，或相反）",
    purpose: "使用财政拨款负担的公务用车保有量不能超过公开10表的车辆数合计；购置了车辆就应有公务用车购置费，有购置费就应购置了车辆；出国团组与因公出国（境）费同理。",
    example: "公务用车保有量 15 辆，超过公开10表车辆数合计 13 辆。",
};
impl Rule for Vehicles {
    fn info(&self) -> &'static RuleInfo {
        &VEHICLES
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(report) = ctx.report else {
            return Vec::new();
        };
        let n = &report.narrative;
        let mut out = Vec::new();
        if let (Some(held), Some(total)) = (
            n.counts.get("sg.vehicles.held"),
            ctx.value(&Key::all(Measure::VehTotal)),
        ) && *held > total.raw()
        {
            out.push(
                Finding::new(
                    VEHICLES.id,
                    Severity::Error,
                    input_loc(report, "counts.sg.vehicles.held"),
                    format!(
                        "使用财政拨款负担的公务用车保有量 {held} 辆，超过{}车辆数合计 {} 辆",
                        ctx.table_no("10"),
                        total.raw()
                    ),
                    "保有量是车辆总数的一部分：核对两处。",
                )
                .values(total, Num::Count(*held))
                .also(ctx.at_key(&Key::all(Measure::VehTotal))),
            );
        }
        for (count_id, measure, thing) in [
            (
                "sg.vehicles.purchased",
                Measure::SgActualVehiclePurchase,
                "购置公务用车",
            ),
            (
                "sg.abroad.groups",
                Measure::SgActualAbroad,
                "因公出国（境）团组",
            ),
        ] {
            let (Some(c), Some(m)) = (
                n.counts.get(count_id),
                ctx.value(&Key::all(measure)).and_then(Num::money),
            ) else {
                continue;
            };
            let msg = if *c > 0 && m.is_zero() {
                format!("{thing} {c} 个（辆），但{}为 0.00", measure.label())
            } else if *c == 0 && !m.is_zero() {
                format!("{}为 {}，但{thing}为 0", measure.label(), m.yuan())
            } else {
                continue;
            };
            out.push(Finding::new(
                VEHICLES.id,
                Severity::Warning,
                input_loc(report, &format!("counts.{count_id}")),
                msg,
                "数量与金额应相互印证：核对后改正，或在情况说明中解释（如跨年结算）。",
            ));
        }
        out
    }
}

/// PROC-SME
pub struct Procurement;
static PROC: RuleInfo = RuleInfo {
    id: "PROC-SME",
    family: Family::Narrative,
    title: "政府采购：授予小微企业 ≤ 授予中小企业 ≤ 采购总额",
    severity: "错误",
    purpose: "授予中小企业的合同金额是政府采购支出总额的一部分，授予小微企业的又是中小企业的一部分。",
    example: "授予中小企业合同金额 7,699,839.00 超过政府采购支出总额 7,622,860.00。",
};
impl Rule for Procurement {
    fn info(&self) -> &'static RuleInfo {
        &PROC
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let Some(fig) = ctx.derived else {
            return Vec::new();
        };
        let total = ctx
            .value(&Key::all(Measure::ProcTotal))
            .and_then(Num::money)
            .unwrap_or(fig.all(Measure::ProcTotal));
        let sme = fig.all(Measure::ProcSme);
        let small = fig.all(Measure::ProcSmallMicro);
        let mut out = Vec::new();
        for (part, whole, what) in [
            (sme, total, "授予中小企业合同金额超过政府采购支出总额"),
            (small, sme, "授予小微企业合同金额超过授予中小企业合同金额"),
        ] {
            if part > whole {
                out.push(
                    Finding::new(
                        PROC.id,
                        Severity::Error,
                        ctx.input_of(&Key::all(Measure::ProcSme))
                            .unwrap_or(Location::Report),
                        format!("{what}：{} > {}", part.yuan(), whole.yuan()),
                        "核对 report.toml [procurement]。",
                    )
                    .values(Num::Money(whole), Num::Money(part)),
                );
            }
        }
        out
    }
}

/// NARR-STATED
pub struct StatedNarrative;
static STATED: RuleInfo = RuleInfo {
    id: "NARR-STATED",
    family: Family::Narrative,
    title: "已有的情况说明文字与数据不符（逐句比对）",
    severity: "错误（数字按其写出的精度仍不符）；警告（措辞不同、缺句）；提示（同一数字写法不同、多余标点）",
    purpose: "把一份已写好的情况说明（如去年手工撰写的、或已公开的报告全文，用 `juesuan check DIR --narrative 文件` 指定）与按数据生成的情况说明逐句对齐比对：同一句中的数字按写出的精度四舍五入后仍不符的报错（如“增加47%”而数据为 68.36%），措辞不同的给出警告，仅写法不同的（“10.8%”与 10.80%、“4502元”与 4,502.00元）作为提示。",
    example: "情况说明 五：“较2021年决算增加76.68万元，增加47%…” —— 按数据应为“增长68.36%”。",
};
impl Rule for StatedNarrative {
    fn info(&self) -> &'static RuleInfo {
        &STATED
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        use juesuan_compose::DiffKind;
        let Some(diffs) = ctx.narrative_diffs.as_ref() else {
            return Vec::new();
        };
        diffs
            .iter()
            .map(|d| {
                let theirs = d.theirs.clone().unwrap_or_default();
                let ours = d.ours.clone().unwrap_or_default();
                let trivial = |s: &str| s.chars().all(|c| matches!(c, '。' | '；' | '，' | '：'));
                let (sev, msg) = match &d.kind {
                    DiffKind::Number { ours: o, theirs: t } => (
                        Severity::Error,
                        format!(
                            "情况说明 {}：陈述的“{t}”与数据不符，按数据应为“{o}”",
                            d.section
                        ),
                    ),
                    DiffKind::ExtraNumber { theirs: t } => (
                        Severity::Warning,
                        format!(
                            "情况说明 {}：陈述中有按数据生成的句子所没有的数字“{t}”",
                            d.section
                        ),
                    ),
                    DiffKind::MissingNumber { ours: o } => (
                        Severity::Warning,
                        format!("情况说明 {}：少了按数据应陈述的数字“{o}”", d.section),
                    ),
                    DiffKind::Wording => (
                        Severity::Warning,
                        format!("情况说明 {}：措辞与按数据生成的不同", d.section),
                    ),
                    DiffKind::Format => (
                        Severity::Info,
                        format!("情况说明 {}：数字相同，写法不同", d.section),
                    ),
                    DiffKind::Missing => (
                        Severity::Warning,
                        format!("情况说明 {}：缺少一句", d.section),
                    ),
                    DiffKind::Extra if trivial(&theirs) => (
                        Severity::Info,
                        format!("情况说明 {}：多余的标点“{theirs}”", d.section),
                    ),
                    DiffKind::Extra => (
                        Severity::Warning,
                        format!("情况说明 {}：多出一句（数据中没有对应内容）", d.section),
                    ),
                };
                let section = Location::Narrative {
                    section: d.section.clone(),
                    quote: d.theirs.clone(),
                };
                // Where: the stated text's line when known (so the list reads in
                // its order), with the section beside it.
                let (at, also) = match d.line.filter(|_| !ctx.narrative_file.is_empty()) {
                    Some(n) => (
                        Location::Input(SourceRef::line(&ctx.narrative_file, n)),
                        Some(section),
                    ),
                    None => (section, None),
                };
                // What differs, in 【】 on both sides.
                let (ours, theirs) = juesuan_compose::marked(&ours, &theirs);
                let mut f = Finding::new(
                    STATED.id,
                    sev,
                    at,
                    msg,
                    "按数据生成的句子见“应为”，与陈述不同处以【】标出；改正陈述，或核对数据。",
                )
                .quote(
                    if ours.is_empty() {
                        "（无）".to_string()
                    } else {
                        ours
                    },
                    if theirs.is_empty() {
                        "（无）".to_string()
                    } else {
                        theirs
                    },
                );
                if let Some(also) = also {
                    f = f.also(also);
                }
                f
            })
            .collect()
    }
}
