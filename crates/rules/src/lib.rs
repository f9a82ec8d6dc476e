//! Every consistency rule of a 决算公开 report, in one ordered registry.
//!
//! Pipeline position: tables (+ report when we have it) → **rules** → findings.
//! Each rule is a small unit with a stable id, its Chinese documentation (shown by
//! `juesuan explain ID` and generated into docs/RULES.md) and its check. Table
//! rules work on any `TableSet` — our derived tables or tables read back from a
//! published report — so the same rules build and audit.

mod across;
mod cross;
mod ctx;
mod input;
mod narrative;
mod perf;
mod registry;
mod relations;
#[cfg(test)]
mod tests;
pub mod text;

pub use ctx::{Ctx, Previous};
pub use narrative::MISSING_INPUT;
pub use registry::{Family, Rule, RuleInfo, find, registry};

use juesuan_model::{Finding, Report, TableSet, sort_findings};
use juesuan_profile::Profile;
use juesuan_tables::Figures;

/// Runs every rule and returns the findings, sorted (errors first).
pub fn check_all(
    profile: &Profile,
    tables: &TableSet,
    report: Option<&Report>,
    derived: Option<&Figures>,
) -> Vec<Finding> {
    run(Ctx::new(profile, tables, report, derived))
}

/// Runs every rule on a prepared context (e.g. with narrative differences).
pub fn run(ctx: Ctx<'_>) -> Vec<Finding> {
    let mut out: Vec<Finding> = registry().iter().flat_map(|r| r.check(&ctx)).collect();
    sort_findings(&mut out);
    out
}

/// What the registry guarantees about single-cell changes, and what escapes.
const ESCAPES: &str = "
## What a single changed cell can escape

`crates/rules/tests/properties.rs` changes every cell of the example's ten tables by
±0.01 元 and by ±10,000.00 元 and runs the table, cross-table and input rules on the
result, as an audit of a published report would (no access to the inputs): 3,520 of
the 3,524 changes are reported as a warning or an error (99.89 %). A property test does
the same on generated consistent reports, which themselves pass every rule. Two cells
can escape, by design:

- 公开10表 行17 单价100万元（含）以上设备: a count that no other figure of the report
  relates to (any negative value is still caught by `T-NEG`).
- 公开10表 行5/行6 机关运行经费 *lowered*: 机关运行经费 below 公用经费合计的基本支出 is
  legitimate when the department has non-参公 事业单位 (their 公用经费 is not
  机关运行经费), which an audited table does not reveal; `XT-10-06` reports it as
  information. Raised above it, or when the inputs say every unit is 行政/参公, it is an
  error.
";

/// Markdown documentation of every rule (docs/RULES.md is this, generated).
pub fn rules_markdown() -> String {
    let mut s = String::from(
        "# 规则一览 (Rules)\n\n\
         Generated from the rule registry by `juesuan rules --markdown`; a test keeps this file \
         equal to the registry. Every finding names its rule id; `juesuan explain ID` prints the \
         entry below.\n\n\
         | id | 类别 | 规则 | 级别 |\n|---|---|---|---|\n",
    );
    for r in registry() {
        let i = r.info();
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            i.id,
            i.id.to_lowercase(),
            i.family.label(),
            i.title,
            i.severity
        ));
    }
    s.push_str(ESCAPES);
    for r in registry() {
        let i = r.info();
        s.push_str(&format!(
            "\n## {}\n\n**{}**（{}）\n\n级别：{}\n\n{}\n\n例：{}\n",
            i.id,
            i.title,
            i.family.label(),
            i.severity,
            i.purpose,
            i.example
        ));
    }
    s
}
