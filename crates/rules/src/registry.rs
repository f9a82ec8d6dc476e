//! The rule trait and the one ordered registry of all rules.

use crate::ctx::Ctx;
use juesuan_model::Finding;

/// Which family a rule belongs to (for docs and accuracy reports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// Sums and balances inside one table.
    Table,
    /// The same or related figures across tables.
    CrossTable,
    /// Values the input states, and classification codes.
    Input,
    /// The 情况说明 and its inputs.
    Narrative,
    /// 项目支出绩效自评.
    Performance,
    /// This year's report against last year's.
    CrossYear,
    /// A department's report against its units' reports.
    Units,
    /// The composed text as it will be published.
    Text,
}

impl Family {
    /// Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Family::Table => "表内勾稽",
            Family::CrossTable => "表间勾稽",
            Family::Input => "输入与编码",
            Family::Narrative => "情况说明",
            Family::Performance => "绩效自评",
            Family::CrossYear => "跨年度",
            Family::Units => "单位汇总",
            Family::Text => "文字",
        }
    }
}

/// What a rule is, for `juesuan explain` and docs/RULES.md.
pub struct RuleInfo {
    /// Stable id (`T-ROWSUM`). Never reused for another meaning.
    pub id: &'static str,
    /// Family.
    pub family: Family,
    /// One line, Chinese.
    pub title: &'static str,
    /// Severities it can report, most severe first, with when (Chinese).
    pub severity: &'static str,
    /// What it checks and why (Chinese).
    pub purpose: &'static str,
    /// An example of what it reports (Chinese).
    pub example: &'static str,
}

/// A rule: one small unit with its documentation and its check.
pub trait Rule: Sync {
    /// Its documentation.
    fn info(&self) -> &'static RuleInfo;
    /// Its findings on a report.
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding>;
}

/// Every rule, in the order findings are produced.
pub fn registry() -> &'static [&'static dyn Rule] {
    use crate::{across, cross, input, narrative, perf, relations, text};
    static RULES: &[&dyn Rule] = &[
        &relations::ColumnSum,
        &relations::RowSum,
        &relations::Hierarchy,
        &relations::GroupSum,
        &relations::Balance,
        &relations::Blank,
        &relations::EmptyNote,
        &relations::BasicWithinAmount,
        &relations::Negative,
        &cross::SameFigure,
        &cross::BasicAcrossTables,
        &cross::FiscalWithinTotal,
        &cross::FiscalIncome,
        &cross::CarryOver,
        &cross::SangongVsEconomic,
        &cross::RunningCosts,
        &input::StatedDerived,
        &input::FunctionalCatalog,
        &input::EconomicCatalog,
        &narrative::MissingInput,
        &narrative::BudgetByClass,
        &narrative::ZeroBase,
        &narrative::Reception,
        &narrative::Vehicles,
        &narrative::Procurement,
        &narrative::StatedNarrative,
        &perf::Weights,
        &perf::ScoreWithinWeight,
        &perf::StatedTotals,
        &perf::BudgetExecution,
        &perf::SelfScoreVsFacts,
        &perf::TargetText,
        &perf::ProseRate,
        &perf::Coverage,
        &across::LastYearFigures,
        &across::CarryOverAcrossYears,
        &across::SameDepartment,
        &across::UnitsSum,
        &text::Leftover,
        &text::Punctuation,
        &text::Repeat,
    ];
    RULES
}

/// The rule with this id (case-insensitive).
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    registry()
        .iter()
        .copied()
        .find(|r| r.info().id.eq_ignore_ascii_case(id.trim()))
}
