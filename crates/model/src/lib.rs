//! Domain types of 部门决算公开 (departmental final-accounts disclosure) and nothing else.
//!
//! ```text
//!  Report ─────────────────────────────────────────────────── (what a department states)
//!   ├─ Meta          部门, 年度, profile
//!   ├─ Overview      第一部分 概况: 职责, units (OrgUnit/UnitKind), 内设机构
//!   ├─ Facts         leaf figures behind the ten tables
//!   │    ├─ functional: FunctionalCode(项) → Measure → Money      (02, 05, 08, 09, 非财政拨款)
//!   │    ├─ economic:   EconomicCode(款) → 金额, 其中基本支出      (06)
//!   │    └─ scalars:    Measure → Num                              (balances, 07 预算数, 10)
//!   ├─ NarrativeInputs  上年数, 年初预算, reasons and counts for 第三部分
//!   ├─ projects      项目支出绩效自评 (Project: budget lines, indicators, stated scores)
//!   └─ Stated        derived values the input states anyway (checked, not trusted)
//!
//!  Key = Measure × Scope ── what a number means (exp.basic @ 2013801)
//!  Num = Money (integer fen) | Count
//!
//!  TableSet ─ Table ─ Panel ─ Row ─ Cell(value, key)             (derived or read back)
//!            └─ Relation: Sum / Equal / Blank over CellRefs      (what rules check)
//!
//!  Finding ─ rule id, Severity, Location, expected/actual/difference, hint
//! ```
//!
//! Money is [`Money`] (integer fen), percentages are [`Percent`] (0.01 %), and the
//! only rounding is 四舍五入 on exact values ([`round`] module).

mod codes;
mod finding;
mod keys;
mod money;
mod percent;
mod perf;
mod report;
pub mod round;
mod source;
mod table;

pub use codes::{CodeError, EconomicCode, FnLevel, FunctionalCode};
pub use finding::{FValue, Finding, Location, Severity, sort_findings};
pub use keys::{Domain, EconGroup, ExpKind, Fund, Key, Measure, Num, NumKind, Scope};
pub use money::{AmountUnit, MAX_ABS_FEN, MAX_TOTAL_FEN, Money, MoneyError};
pub use percent::{Percent, percent_consistent};
pub use perf::{
    Actual, BudgetLine, Dec, Indicator, Op, Parsed, Points, Project, ProjectStated, ProjectTexts,
    Target, YearMonth,
};
pub use report::{
    EconFacts, Facts, Meta, NarrativeInputs, OrgUnit, Overview, Report, Stated, UnitKind,
};
pub use source::SourceRef;
pub use table::{
    Cell, CellRef, Column, Panel, RelFamily, Relation, Row, RowKey, RowKind, Table, TableSet,
};
