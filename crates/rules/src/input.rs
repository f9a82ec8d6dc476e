//! Rules on what the input states: derived values stated anyway, and classification
//! codes with their names.

use crate::ctx::Ctx;
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_model::{Finding, Location, RowKey, Severity};
use juesuan_profile::{NameMatch, normalize_name};
use std::collections::BTreeSet;

/// IN-DERIVED
pub struct StatedDerived;
static DERIVED: RuleInfo = RuleInfo {
    id: "IN-DERIVED",
    family: Family::Input,
    title: "输入中填写的合计、类、款等计算值与程序计算不符",
    severity: "错误",
    purpose: "类、款、合计、小计、总计都由明细计算，不需要填写。若输入文件填了（如 CSV 中的类、款行或“合计”栏，report.toml 中的 total），程序只核对、不采用：不符即报错，报告中使用计算值。",
    example: "general-budget.csv 第 3 行「基本支出」：类 201 填写 25,483,460.32，按其下各项计算为 25,483,460.23。",
};
impl Rule for StatedDerived {
    fn info(&self) -> &'static RuleInfo {
        &DERIVED
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let (Some(report), Some(fig)) = (ctx.report, ctx.derived) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for s in &report.stated {
            let computed = fig.get(&s.key);
            if computed == s.value {
                continue;
            }
            out.push(
                Finding::new(
                    DERIVED.id,
                    Severity::Error,
                    Location::Input(s.source.clone()),
                    format!(
                        "{}：填写的 {} 与按明细计算的 {} 不符，相差 {}",
                        s.key.describe(),
                        s.value.display(),
                        computed.display(),
                        s.value.with_raw(s.value.raw() - computed.raw()).display()
                    ),
                    "合计与类、款由程序按明细计算，报告采用计算值：请核对明细，或删去这个填写值。",
                )
                .values(computed, s.value)
                .also(ctx.at_key(&s.key)),
            );
        }
        out
    }
}

fn name_findings(ctx: &Ctx<'_>, info: &'static RuleInfo, economic: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for t in &ctx.tables.tables {
        for p in &t.panels {
            for r in &p.rows {
                let (code, entry, complete) = match (&r.key, economic) {
                    (RowKey::Fn(c), false) => (
                        c.to_string(),
                        ctx.profile.functional_catalog.get(c),
                        ctx.profile.functional_catalog.complete,
                    ),
                    (RowKey::Econ(c), true) => (
                        c.to_string(),
                        ctx.profile.economic_catalog.get(c),
                        ctx.profile.economic_catalog.complete,
                    ),
                    _ => continue,
                };
                if !seen.insert((code.clone(), normalize_name(&r.label))) {
                    continue;
                }
                let loc = Location::Cell {
                    table: t.number.clone(),
                    row: r.describe(),
                    column: "科目名称".to_string(),
                };
                let kind = if economic {
                    "支出经济分类"
                } else {
                    "支出功能分类"
                };
                match entry {
                    None => out.push(Finding::new(
                        info.id,
                        if complete { Severity::Error } else { Severity::Warning },
                        loc,
                        format!(
                            "{kind}科目 {code}「{}」不在模板 {} 的科目目录中{}",
                            r.label,
                            ctx.profile.id,
                            if complete { "" } else { "（目录不完整，请人工核对编码）" }
                        ),
                        "核对科目编码是否属于当年政府收支分类科目。",
                    )),
                    Some(e) => match e.compare(&r.label) {
                        NameMatch::Same => {}
                        NameMatch::Variant => out.push(
                            Finding::new(
                                info.id,
                                Severity::Info,
                                loc,
                                format!("{kind}科目 {code} 印作「{}」，目录名称为「{}」（已知的另一印法）", r.label, e.name),
                                "可统一为目录名称。",
                            )
                            .quote(e.name.as_str(), r.label.as_str()),
                        ),
                        NameMatch::Different => out.push(
                            Finding::new(
                                info.id,
                                Severity::Warning,
                                loc,
                                format!("{kind}科目 {code} 的名称「{}」与目录名称「{}」不一致", r.label, e.name),
                                "科目名称应与当年政府收支分类科目一致：核对编码与名称是否对应。",
                            )
                            .quote(e.name.as_str(), r.label.as_str()),
                        ),
                    },
                }
            }
        }
    }
    out
}

/// CAT-FN
pub struct FunctionalCatalog;
static CAT_FN: RuleInfo = RuleInfo {
    id: "CAT-FN",
    family: Family::Input,
    title: "支出功能分类科目：编码在目录中，名称与目录一致",
    severity: "警告（不在目录中——目录不完整，只作提醒；名称不一致）；提示（已知的另一印法）",
    purpose: "功能分类科目编码与名称应符合当年《政府收支分类科目》。目前没有找到完整的 2022 年机器可读目录，模板附带的目录（见 profiles/*/functional-codes.csv）收录了已核实的类、款、项及来源，目录之外的编码只提醒核对。",
    example: "公开05表 2013804 市场主体管理：名称「市场主体管理」与目录名称「市场主体管理」一致，不报；若印作「市场主体管理事务」则报名称不一致。",
};
impl Rule for FunctionalCatalog {
    fn info(&self) -> &'static RuleInfo {
        &CAT_FN
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        name_findings(ctx, &CAT_FN, false)
    }
}

/// CAT-ECON
pub struct EconomicCatalog;
static CAT_ECON: RuleInfo = RuleInfo {
    id: "CAT-ECON",
    family: Family::Input,
    title: "支出经济分类科目：编码在目录中，名称与目录一致",
    severity: "错误（编码不在目录中，目录完整）；警告（名称不一致）；提示（已知的另一印法）",
    purpose: "公开06表的经济分类科目应符合当年《部门支出经济分类科目》。2022 年的完整目录即原报告公开06表所列 109 个科目（profiles/shanxi-2022/economic-codes.csv）。",
    example: "公开06表 30201「办公经费」与目录名称「办公费」不一致。",
};
impl Rule for EconomicCatalog {
    fn info(&self) -> &'static RuleInfo {
        &CAT_ECON
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        name_findings(ctx, &CAT_ECON, true)
    }
}
