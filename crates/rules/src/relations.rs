//! Rules inside one table: the relations each table declares (sums, hierarchy,
//! groups, balances, cells kept blank), and per-cell sanity.
//!
//! Figures printed in 万元 are exact only to ±0.005 万元; a sum of n printed parts
//! may differ from its printed total by up to (n + 1) half-steps. Inside that
//! envelope a difference is reported as information (rounding), outside as an error.
//! Our own tables are exact (envelope 0).

use crate::ctx::Ctx;
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_model::{CellRef, Finding, Location, Num, RelFamily, Relation, RowKey, Severity};

fn raw(ctx: &Ctx<'_>, r: &CellRef) -> i64 {
    ctx.tables.cell(r).map_or(0, |c| c.raw())
}

fn kind_of(ctx: &Ctx<'_>, r: &CellRef) -> Num {
    ctx.tables
        .cell(r)
        .and_then(|c| {
            c.value
                .or_else(|| c.key.as_ref().map(|k| Num::zero(k.measure.kind())))
        })
        .unwrap_or(Num::Money(juesuan_model::Money::ZERO))
}

/// A short description of a set of cells: `行次1–26`, `科目 201 的下级科目（2 个）`,
/// `栏次2＋3`.
fn describe_parts(ctx: &Ctx<'_>, total: &CellRef, parts: &[CellRef]) -> String {
    let same_row = parts
        .iter()
        .all(|p| p.row == total.row && p.panel == total.panel);
    if same_row {
        let cols: Vec<String> = parts.iter().map(|p| ctx.tables.describe(p).2).collect();
        return cols.join("＋");
    }
    let rows: Vec<&juesuan_model::Row> = parts
        .iter()
        .filter_map(|p| {
            ctx.tables
                .tables
                .get(p.table)?
                .panels
                .get(p.panel)?
                .rows
                .get(p.row)
        })
        .collect();
    let lines: Option<Vec<u32>> = rows.iter().map(|r| r.line).collect();
    if let Some(mut lines) = lines.filter(|l| !l.is_empty()) {
        lines.sort_unstable();
        let contiguous = lines.windows(2).all(|w| w[1] == w[0] + 1);
        return if contiguous && lines.len() > 2 {
            format!("行次{}–{}", lines[0], lines[lines.len() - 1])
        } else {
            format!(
                "行次{}",
                lines
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join("、")
            )
        };
    }
    let names: Vec<String> = rows.iter().map(|r| r.describe()).collect();
    if names.len() <= 4 {
        names.join("、")
    } else {
        format!("{} 等 {} 行", names[..3].join("、"), names.len())
    }
}

/// Judges `stated` against `expected` within `tol` fen; `None` when they agree.
fn judge(stated: i64, expected: i64, tol: i64) -> Option<Severity> {
    let d = (stated - expected).abs();
    if d == 0 {
        None
    } else if d <= tol {
        Some(Severity::Info)
    } else {
        Some(Severity::Error)
    }
}

fn sum_findings(
    ctx: &Ctx<'_>,
    family: RelFamily,
    info: &'static RuleInfo,
    what: &str,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &ctx.tables.tables {
        for rel in &t.relations {
            let Relation::Sum {
                family: f,
                total,
                parts,
            } = rel
            else {
                continue;
            };
            if *f != family {
                continue;
            }
            let stated = raw(ctx, total);
            let expected: i64 = parts
                .iter()
                .map(|p| raw(ctx, p))
                .fold(0, i64::saturating_add);
            let n = i64::try_from(parts.len()).unwrap_or(i64::MAX);
            let tol = ctx.half_step(total).saturating_mul(n + 1);
            let Some(sev) = judge(stated, expected, tol) else {
                continue;
            };
            let proto = kind_of(ctx, total);
            let (_, row, col) = ctx.tables.describe(total);
            let parts_text = describe_parts(ctx, total, parts);
            let message = match sev {
                Severity::Info => format!(
                    "{what}：{row} / {col} 与 {parts_text} 之和相差 {}，在四舍五入误差范围内",
                    proto.with_raw(stated - expected).display()
                ),
                _ => format!(
                    "{what}：{row} / {col} 应等于 {parts_text} 之和 {}，实为 {}",
                    proto.with_raw(expected).display(),
                    proto.with_raw(stated).display()
                ),
            };
            out.push(
                Finding::new(info.id, sev, ctx.at(total), message, hint_for(family))
                    .values(proto.with_raw(expected), proto.with_raw(stated)),
            );
        }
    }
    out
}

fn hint_for(family: RelFamily) -> &'static str {
    match family {
        RelFamily::ColumnSum => {
            "核对该行各栏：合计栏应等于各分项栏之和，检查是否漏填或错填某一栏。"
        }
        RelFamily::RowSum => "核对合计行与各分项行：是否漏列、重列某一行，或某一行数字录错。",
        RelFamily::Hierarchy => {
            "类 = 所属各款之和，款 = 所属各项之和：检查下级科目是否漏列或录错。"
        }
        RelFamily::Group => "人员经费合计 = 301 + 303，公用经费合计 = 其余各类：检查各类合计。",
        RelFamily::Balance => "收支总表两侧应平衡：检查结转结余和各项收支。",
    }
}

/// T-COLSUM
pub struct ColumnSum;
static COLSUM: RuleInfo = RuleInfo {
    id: "T-COLSUM",
    family: Family::Table,
    title: "表内横向合计：合计栏 = 各分项栏之和",
    severity: "错误（超出四舍五入误差）；提示（万元表在误差范围内）",
    purpose: "每一行中，合计栏应等于其分项栏之和：公开02表 本年收入合计 = 财政拨款收入 + 上级补助收入 + … + 其他收入；公开03表 本年支出合计 = 基本支出 + 项目支出 + …；公开05表 小计 = 基本支出 + 项目支出；公开04表 合计 = 一般公共预算 + 政府性基金 + 国有资本经营；公开07表 合计 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费，小计 = 购置费 + 运行维护费。",
    example: "公开03表 201 一般公共服务支出 / 本年支出合计（栏次1）：应等于 基本支出（栏次2）＋项目支出（栏次3）＋… 之和 38,716,532.65，实为 38,716,532.66。",
};
impl Rule for ColumnSum {
    fn info(&self) -> &'static RuleInfo {
        &COLSUM
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        sum_findings(ctx, RelFamily::ColumnSum, &COLSUM, "横向合计不符")
    }
}

/// T-ROWSUM
pub struct RowSum;
static ROWSUM: RuleInfo = RuleInfo {
    id: "T-ROWSUM",
    family: Family::Table,
    title: "表内纵向合计：合计行 = 各分项行之和",
    severity: "错误（超出四舍五入误差）；提示（万元表在误差范围内）",
    purpose: "模板规定的合计行应等于其分项行之和：公开01表 本年收入合计（行27）= 行1–26，总计（行31）= 行27–30，本年支出合计（行58）= 26 个功能类之和；公开04表 对应各行；功能分类表的“合计”行 = 各类之和；公开10表 政府采购合计 = 货物 + 工程 + 服务，车辆数合计 = 各类用车之和。",
    example: "公开01表 行次27 本年收入合计 / 决算数（栏次1）：应等于 行次1–26 之和 44,592,816.01，实为 44,592,817.01。",
};
impl Rule for RowSum {
    fn info(&self) -> &'static RuleInfo {
        &ROWSUM
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        sum_findings(ctx, RelFamily::RowSum, &ROWSUM, "纵向合计不符")
    }
}

/// T-HIER
pub struct Hierarchy;
static HIER: RuleInfo = RuleInfo {
    id: "T-HIER",
    family: Family::Table,
    title: "科目层级：类 = Σ款，款 = Σ项（每一栏）",
    severity: "错误（超出四舍五入误差）；提示（万元表在误差范围内）",
    purpose: "功能分类表（公开02、03、05、08、09表）中每个类等于其下各款之和、每个款等于其下各项之和；经济分类表（公开06表）中每个类等于其下各款之和。逐栏检查。",
    example: "公开05表 20138 市场监督管理事务 / 基本支出（栏次2）：应等于 2013801 行政运行 之和 25,483,460.23，实为 25,483,460.32。",
};
impl Rule for Hierarchy {
    fn info(&self) -> &'static RuleInfo {
        &HIER
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        sum_findings(ctx, RelFamily::Hierarchy, &HIER, "上下级科目不符")
    }
}

/// T-GROUP
pub struct GroupSum;
static GROUP: RuleInfo = RuleInfo {
    id: "T-GROUP",
    family: Family::Table,
    title: "公开06表：人员经费合计 = 301 + 303，公用经费合计 = 其余各类",
    severity: "错误",
    purpose: "一般公共预算财政拨款支出决算明细表中，人员经费合计等于 301 工资福利支出与 303 对个人和家庭的补助之和，公用经费合计等于 302、307、309、310、311、312、313、399 之和；金额栏与“其中：基本支出”栏分别检查。",
    example: "公开06表 人员经费合计 / 其中：基本支出：应等于 301 工资福利支出、303 对个人和家庭的补助 之和 27,928,672.17，实为 28,009,222.17。",
};
impl Rule for GroupSum {
    fn info(&self) -> &'static RuleInfo {
        &GROUP
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        sum_findings(ctx, RelFamily::Group, &GROUP, "经费分组合计不符")
    }
}

/// T-BALANCE
pub struct Balance;
static BALANCE: RuleInfo = RuleInfo {
    id: "T-BALANCE",
    family: Family::Table,
    title: "收支平衡：收入总计 = 支出总计（公开01、04表，按资金来源；公开08表逐行）",
    severity: "错误（超出四舍五入误差）；提示（万元表在误差范围内）",
    purpose: "公开01表 收入总计（行31）= 支出总计（行62）；公开04表 收入总计（行32）= 总计（行64 合计栏），且每种资金：本年收入 + 年初结转和结余 = 本年支出 + 年末结转和结余；公开08表每一科目：年初结转和结余 + 本年收入 = 本年支出 + 年末结转和结余。不平衡通常意味着结转结余或某项收支漏填、错填。",
    example: "公开01表：行次31 总计 之和 44,614,491.01 应等于 行次62 总计 之和 44,592,816.01，相差 21,675.00。",
};
impl Rule for Balance {
    fn info(&self) -> &'static RuleInfo {
        &BALANCE
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for t in &ctx.tables.tables {
            for rel in &t.relations {
                let Relation::Equal { left, right, .. } = rel else {
                    continue;
                };
                let (Some(first), false) = (left.first(), right.is_empty()) else {
                    continue;
                };
                let l: i64 = left.iter().map(|c| raw(ctx, c)).sum();
                let r: i64 = right.iter().map(|c| raw(ctx, c)).sum();
                let n = i64::try_from(left.len() + right.len()).unwrap_or(i64::MAX);
                let tol = ctx.half_step(first).saturating_mul(n);
                let Some(sev) = judge(l, r, tol) else {
                    continue;
                };
                let proto = kind_of(ctx, first);
                let side = |cells: &[CellRef]| -> String {
                    cells
                        .iter()
                        .map(|c| {
                            let (_, row, col) = ctx.tables.describe(c);
                            if cells.iter().all(|x| x.col == c.col)
                                && t.panels.get(c.panel).is_some_and(|p| p.columns.len() == 1)
                            {
                                row
                            } else {
                                format!("{row}（{col}）")
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(" ＋ ")
                };
                let message = format!(
                    "{}不平衡：{} = {}，{} = {}，相差 {}{}",
                    t.number,
                    side(left),
                    proto.with_raw(l).display(),
                    side(right),
                    proto.with_raw(r).display(),
                    proto.with_raw(l - r).display(),
                    if sev == Severity::Info {
                        "，在四舍五入误差范围内"
                    } else {
                        ""
                    }
                );
                let mut f = Finding::new(
                    BALANCE.id,
                    sev,
                    ctx.at(first),
                    message,
                    hint_for(RelFamily::Balance),
                )
                .values(proto.with_raw(r), proto.with_raw(l));
                for c in right {
                    f = f.also(ctx.at(c));
                }
                out.push(f);
            }
        }
        out
    }
}

/// T-BLANK
pub struct Blank;
static BLANK: RuleInfo = RuleInfo {
    id: "T-BLANK",
    family: Family::Table,
    title: "模板规定为空的格子不得有数（空白行次、“────”）",
    severity: "错误",
    purpose: "公开01、04表中的空白行次（如行9–26）不对应任何收支项目，公开06表中标“────”的格子（309、311、313 基本建设类的“其中：基本支出”）按规定不适用。这些格子出现数字，说明数字填错了行或列。",
    example: "公开06表 30905 基础设施建设 / 其中：基本支出：模板规定此格为空（不适用），却填有 12,000.00。",
};
impl Rule for Blank {
    fn info(&self) -> &'static RuleInfo {
        &BLANK
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for t in &ctx.tables.tables {
            for rel in &t.relations {
                let Relation::Blank { cell } = rel else {
                    continue;
                };
                let Some(v) = ctx
                    .tables
                    .cell(cell)
                    .and_then(|c| c.value)
                    .filter(|v| !v.is_zero())
                else {
                    continue;
                };
                let (_, row, col) = ctx.tables.describe(cell);
                out.push(
                    Finding::new(
                        BLANK.id,
                        Severity::Error,
                        ctx.at(cell),
                        format!(
                            "{} {row} / {col}：模板规定此格为空，却填有 {}",
                            t.number,
                            v.display()
                        ),
                        "把这个数移到它应在的行或栏；空白行次与“────”格不填数。",
                    )
                    .values(v.with_raw(0), v),
                );
            }
        }
        out
    }
}

/// T-EMPTY
pub struct EmptyNote;
static EMPTY: RuleInfo = RuleInfo {
    id: "T-EMPTY",
    family: Family::Table,
    title: "无数据的表须保留并注明“本表无数据”",
    severity: "错误（空表未注明）；警告（有数据却注明无数据）",
    purpose: "公开08、09表即使没有数据也必须公开，并在表下注明“说明：本表无数据”；反过来，注明无数据的表不应有数字。",
    example: "公开09表：本表没有任何数据，但没有注明“说明：本表无数据”。",
};
impl Rule for EmptyNote {
    fn info(&self) -> &'static RuleInfo {
        &EMPTY
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for t in &ctx.tables.tables {
            let Some(mut note) = ctx.profile.table(&t.id).and_then(|d| d.empty_note.clone()) else {
                continue;
            };
            if let Some(r) = ctx.report {
                // The note may name the department (上海 2024: “说明：{{ department }}本年度没有…”).
                note = juesuan_compose::render_line(&note, r);
            }
            let loc = Location::Table {
                table: t.number.clone(),
            };
            if t.is_empty() && !t.empty_note_shown {
                out.push(Finding::new(
                    EMPTY.id,
                    Severity::Error,
                    loc,
                    format!("{}没有数据，但没有注明“{note}”", t.number),
                    "空表也要公开，并在表下注明“说明：本表无数据”。",
                ));
            } else if !t.is_empty() && t.empty_note_shown {
                out.push(Finding::new(
                    EMPTY.id,
                    Severity::Warning,
                    loc,
                    format!("{}注明“{note}”，却有数字", t.number),
                    "删除“本表无数据”的说明，或核对表中数字是否属于本表。",
                ));
            }
        }
        out
    }
}

/// T-06-BASIC
pub struct BasicWithinAmount;
static BASIC_LE: RuleInfo = RuleInfo {
    id: "T-06-BASIC",
    family: Family::Table,
    title: "公开06表：其中：基本支出 ≤ 金额",
    severity: "错误",
    purpose: "“其中：基本支出”是金额的一部分，任何一行都不能超过该行金额。",
    example: "公开06表 30201 办公费：其中：基本支出 473,520.00 超过金额 228,112.40。",
};
impl Rule for BasicWithinAmount {
    fn info(&self) -> &'static RuleInfo {
        &BASIC_LE
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for t in &ctx.tables.tables {
            for p in &t.panels {
                let amount = p.columns.iter().position(|c| c.id == "amount");
                let basic = p.columns.iter().position(|c| c.id == "basic");
                let (Some(a), Some(b)) = (amount, basic) else {
                    continue;
                };
                for r in &p.rows {
                    if !matches!(r.key, RowKey::Econ(_) | RowKey::Group(_)) {
                        continue;
                    }
                    let (Some(ca), Some(cb)) = (r.cells.get(a), r.cells.get(b)) else {
                        continue;
                    };
                    if cb.raw() > ca.raw() {
                        let proto = cb.value.unwrap_or(Num::Money(juesuan_model::Money::ZERO));
                        out.push(
                            Finding::new(
                                BASIC_LE.id,
                                Severity::Error,
                                Location::Cell {
                                    table: t.number.clone(),
                                    row: r.describe(),
                                    column: p.columns[b].describe(),
                                },
                                format!(
                                    "{} {}：其中：基本支出 {} 超过金额 {}",
                                    t.number,
                                    r.describe(),
                                    proto.with_raw(cb.raw()).display(),
                                    proto.with_raw(ca.raw()).display()
                                ),
                                "基本支出是金额的一部分：检查两栏是否填反，或金额漏填了项目支出。",
                            )
                            .values(proto.with_raw(ca.raw()), proto.with_raw(cb.raw())),
                        );
                    }
                }
            }
        }
        out
    }
}

/// T-NEG
pub struct Negative;
static NEG: RuleInfo = RuleInfo {
    id: "T-NEG",
    family: Family::Table,
    title: "金额与数量不应为负",
    severity: "警告",
    purpose: "决算公开表中的收入、支出、结转结余、车辆数等一般不为负数。负数多为录入错误（如把减少额当作本年数）。确属负数（如个别结余）的，应在情况说明中解释。",
    example: "公开10表 行次3 工程 / 数值：-570,000.00 为负数。",
};
impl Rule for Negative {
    fn info(&self) -> &'static RuleInfo {
        &NEG
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in ctx.tables.all_cells() {
            let Some(v) = ctx.tables.cell(&r).and_then(|c| c.value) else {
                continue;
            };
            if v.raw() < 0 {
                let (table, row, col) = ctx.tables.describe(&r);
                out.push(
                    Finding::new(
                        NEG.id,
                        Severity::Warning,
                        ctx.at(&r),
                        format!("{table} {row} / {col}：{} 为负数", v.display()),
                        "核对是否录入错误；确属负数的，在情况说明中解释原因。",
                    )
                    .quote("≥ 0", v.display()),
                );
            }
        }
        out
    }
}
