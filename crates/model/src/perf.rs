//! 项目支出绩效自评: a project's facts, its indicators with typed targets, and the
//! scores the department states.
//!
//! ```text
//!  Project ─ name, 项目单位, 主管部门, texts (概况 … 改进措施)
//!   ├─ budget: [BudgetLine]   年初预算(目标申报/预算编制), 全年预算数, 全年执行数
//!   ├─ indicators: [Indicator] 一级/二级, 名称, 年初指标, 调整后指标 (Target),
//!   │                          实际完成值 (Actual), 权重, 得分 (stated), 偏差原因
//!   └─ stated: 执行率, 预算执行得分, 指标得分, 总得分, 等级 — checked, never trusted
//! ```
//!
//! Scores are [`Points`] (exact hundredths). Targets keep their original text.

use crate::money::Money;
use crate::round::div_round_half_away;
use crate::source::SourceRef;
use serde::{Serialize, Serializer};
use std::fmt;

/// A score or weight in points, exactly: hundredths of a point (`2.5` = 250).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

impl Points {
    /// Zero.
    pub const ZERO: Points = Points(0);

    /// Points from hundredths.
    pub const fn from_hundredths(h: i64) -> Points {
        Points(h)
    }

    /// Whole points.
    pub const fn whole(n: i64) -> Points {
        Points(n * 100)
    }

    /// Hundredths.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// Parses `8`, `2.5`, `3.33` (at most two decimals, not negative).
    pub fn parse(s: &str) -> Option<Points> {
        let d = Dec::parse(s.trim())?;
        if d.decimals > 2 || d.scaled < 0 {
            return None;
        }
        i64::try_from(d.scaled * 10_i128.pow(2 - d.decimals))
            .ok()
            .map(Points)
    }

    /// `weight × num / den`, 四舍五入 to 0.01 point. Total: the inputs' points are
    /// bounded (0–100, `juesuan_ingest::validate`), so the product fits `i128` for
    /// any `num` below 10³⁴; beyond that (never from a validated input) the ratio
    /// is rounded first rather than the product overflowing.
    pub fn scaled(self, num: i128, den: i128) -> Points {
        if den == 0 {
            return Points::ZERO;
        }
        let v = match i128::from(self.0).checked_mul(num) {
            Some(p) => div_round_half_away(p, den),
            None => div_round_half_away(num, den).saturating_mul(i128::from(self.0)),
        };
        Points(i64::try_from(v).unwrap_or(0))
    }

    /// `8`, `2.5`, `3.33`: as few decimals as needed, as score sheets print them.
    pub fn display(self) -> String {
        let neg = self.0 < 0;
        let v = self.0.unsigned_abs();
        let (i, f) = (v / 100, v % 100);
        let s = if f == 0 {
            i.to_string()
        } else if f % 10 == 0 {
            format!("{i}.{}", f / 10)
        } else {
            format!("{i}.{f:02}")
        };
        if neg { format!("-{s}") } else { s }
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0.saturating_add(o.0))
    }
}

impl std::ops::Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0.saturating_sub(o.0))
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        iter.fold(Points::ZERO, |a, b| a + b)
    }
}

impl fmt::Display for Points {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display())
    }
}

/// An exact decimal as written: `95.9` is `scaled = 959, decimals = 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dec {
    /// Value × 10^decimals.
    pub scaled: i128,
    /// Decimals written.
    pub decimals: u32,
}

impl Dec {
    /// Parses `1687`, `95.9`, `0.3`, `-2`, `10,000` (thousands separators allowed).
    pub fn parse(s: &str) -> Option<Dec> {
        let t: String = s.trim().chars().filter(|c| *c != ',').collect();
        let (neg, body) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t.as_str()),
        };
        let (i, f) = body.split_once('.').unwrap_or((body, ""));
        if i.is_empty() && f.is_empty() {
            return None;
        }
        if !i.bytes().chain(f.bytes()).all(|b| b.is_ascii_digit()) || f.len() > 9 || i.len() > 20 {
            return None;
        }
        let digits = format!("{i}{f}");
        let v: i128 = digits.parse().ok()?;
        Some(Dec {
            scaled: if neg { -v } else { v },
            decimals: u32::try_from(f.len()).ok()?,
        })
    }

    /// Both values at a common scale: (a, b, decimals).
    pub fn common(a: Dec, b: Dec) -> (i128, i128) {
        let d = a.decimals.max(b.decimals);
        (
            a.scaled * 10_i128.pow(d - a.decimals),
            b.scaled * 10_i128.pow(d - b.decimals),
        )
    }

    /// `95.9`
    pub fn display(self) -> String {
        let neg = self.scaled < 0;
        let v = self.scaled.unsigned_abs();
        let p = 10_u128.pow(self.decimals);
        let s = if self.decimals == 0 {
            v.to_string()
        } else {
            format!("{}.{:0w$}", v / p, v % p, w = self.decimals as usize)
        };
        if neg { format!("-{s}") } else { s }
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display())
    }
}

/// The comparison a target states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// ≥
    Ge,
    /// ＞
    Gt,
    /// ≤
    Le,
    /// ＜
    Lt,
    /// ＝
    Eq,
}

impl Op {
    /// The symbol as printed in 绩效目标表 (full-width where the forms use it).
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => "＞",
            Op::Le => "≤",
            Op::Lt => "＜",
            Op::Eq => "＝",
        }
    }
}

/// A year and month (`2022.3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct YearMonth {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

/// What an indicator's 年度指标 (调整后指标) says, typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A number with a comparison and a unit: `≥60个`, `＝100%`, `≤180 元/天/人`.
    Quantity {
        /// Comparison.
        op: Op,
        /// Value.
        value: Dec,
        /// Unit as written (`个`, `%`, `元/天/人`), may be empty.
        unit: String,
    },
    /// A period: `2022.3-2022.11`.
    Period {
        /// Start.
        from: YearMonth,
        /// End.
        to: YearMonth,
    },
    /// A qualitative target: `及时`, `持续向好`, `有效预防`.
    Qualitative {
        /// The wording.
        text: String,
    },
    /// No target set: `未填报` or empty.
    NotSet,
}

/// What an indicator's 实际完成值 says, typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Actual {
    /// A number (`1687`, `95.9`).
    Number(Dec),
    /// 达成预期指标.
    Achieved,
    /// 部分达成预期指标（并具有一定效果）.
    Partial,
    /// 未达成预期指标.
    NotAchieved,
    /// Other wording.
    Text(String),
    /// Nothing stated.
    Empty,
}

/// Maps full-width digits, dots and comparison signs to one form.
fn normalize_target(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            '－' | '—' | '～' | '~' => '-',
            _ => c,
        })
        .collect()
}

/// Comparison words and signs, longest first.
const OPS: &[(&str, Op)] = &[
    ("大于等于", Op::Ge),
    ("小于等于", Op::Le),
    ("不低于", Op::Ge),
    ("不少于", Op::Ge),
    ("不高于", Op::Le),
    ("不超过", Op::Le),
    ("不多于", Op::Le),
    ("＞＝", Op::Ge),
    ("＜＝", Op::Le),
    (">=", Op::Ge),
    ("<=", Op::Le),
    ("大于", Op::Gt),
    ("小于", Op::Lt),
    ("低于", Op::Lt),
    ("高于", Op::Gt),
    ("等于", Op::Eq),
    ("≥", Op::Ge),
    ("≧", Op::Ge),
    ("≤", Op::Le),
    ("≦", Op::Le),
    ("＞", Op::Gt),
    (">", Op::Gt),
    ("＜", Op::Lt),
    ("<", Op::Lt),
    ("＝", Op::Eq),
    ("=", Op::Eq),
];

/// A leading number: digits with at most one dot (and thousands commas); returns
/// the number and the rest.
fn leading_number(s: &str) -> Option<(Dec, &str)> {
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(s.len(), |(i, _)| i);
    let (head, _) = s.split_at_checked(end)?;
    let num = head.trim_end_matches(['.', ',']);
    if num.is_empty() || !num.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let rest = s.get(num.len()..)?;
    Dec::parse(num).map(|d| (d, rest))
}

fn year_month(s: &str) -> Option<(YearMonth, &str)> {
    let (y, rest) = s.split_once('.')?;
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let end = rest
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(rest.len(), |(i, _)| i);
    let (digits, after) = rest.split_at_checked(end)?;
    let month: u32 = digits.parse().ok()?;
    if !(1..=12).contains(&month) {
        return None;
    }
    Some((
        YearMonth {
            year: y.parse().ok()?,
            month,
        },
        after,
    ))
}

impl Target {
    /// Reads a 年度指标 as written. `Err` explains what could not be understood
    /// (a comparison sign without a number, an impossible month); the caller keeps
    /// the text and reports it, never guesses.
    pub fn parse(text: &str) -> Result<Target, String> {
        let t = normalize_target(text.trim());
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() || compact == "未填报" || compact == "无" || compact == "/" {
            return Ok(Target::NotSet);
        }
        // A period: 2022.3-2022.11 (anything after it is kept in the text).
        if let Some((from, rest)) = year_month(&compact)
            && let Some(rest) = rest.strip_prefix('-')
            && let Some((to, _)) = year_month(rest)
        {
            if to < from {
                return Err(format!("“{}” 的结束时间早于开始时间", text.trim()));
            }
            return Ok(Target::Period { from, to });
        }
        let op = OPS.iter().find(|(w, _)| compact.starts_with(w));
        let body = op.map_or(compact.as_str(), |(w, _)| {
            compact.strip_prefix(w).unwrap_or(&compact)
        });
        match (op, leading_number(body)) {
            (Some((_, op)), Some((value, unit))) => Ok(Target::Quantity {
                op: *op,
                value,
                unit: unit.to_string(),
            }),
            (Some((w, _)), None) => {
                Err(format!("“{}” 有比较符号“{w}”，但其后不是数值", text.trim()))
            }
            (None, Some((value, unit)))
                if unit.is_empty() || !unit.contains(|c: char| c.is_ascii_digit()) =>
            {
                // A bare number with a unit (`1000元`): the target is that value.
                if unit.starts_with(['月', '年', '日', '-', '、']) {
                    return Ok(Target::Qualitative {
                        text: text.trim().to_string(),
                    });
                }
                Ok(Target::Quantity {
                    op: Op::Eq,
                    value,
                    unit: unit.to_string(),
                })
            }
            _ => Ok(Target::Qualitative {
                text: text.trim().to_string(),
            }),
        }
    }
}

impl Actual {
    /// Reads a 实际完成值 as written.
    pub fn parse(text: &str) -> Actual {
        let t = normalize_target(text.trim());
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Actual::Empty;
        }
        if compact.starts_with("部分达成") {
            return Actual::Partial;
        }
        if compact.starts_with("未达成") || compact.starts_with("未完成") {
            return Actual::NotAchieved;
        }
        if compact.starts_with("达成") || compact == "完成" || compact == "已完成" {
            return Actual::Achieved;
        }
        if let Some((d, rest)) = leading_number(&compact)
            && (rest.is_empty() || !rest.contains(|c: char| c.is_ascii_digit()))
        {
            return Actual::Number(d);
        }
        Actual::Text(text.trim().to_string())
    }
}

/// Typed value with the text it was read from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Parsed<T> {
    /// As written.
    pub text: String,
    /// As understood.
    pub value: T,
}

/// One row of the 绩效指标 table.
#[derive(Clone, Debug, Serialize)]
pub struct Indicator {
    /// 一级指标: 产出指标 / 效益指标 / 满意度指标.
    pub level1: String,
    /// 二级指标: 数量指标, 质量指标, 时效指标, 成本指标, 经济效益指标 …
    pub level2: String,
    /// 指标名称.
    pub name: String,
    /// 年初指标, as written.
    pub initial: String,
    /// 调整后指标 (the year's target).
    pub target: Parsed<Target>,
    /// 实际完成值.
    pub actual: Parsed<Actual>,
    /// 权重.
    pub weight: Points,
    /// 得分 as the department states it.
    pub score: Option<Points>,
    /// 偏差原因分析及改进措施.
    pub deviation: String,
    /// Where it was given.
    #[serde(skip)]
    pub source: SourceRef,
}

/// A funding line of the 预算执行情况 table (the 合计 row is derived).
#[derive(Clone, Debug, Serialize)]
pub struct BudgetLine {
    /// 资金来源, e.g. 市县区财政资金.
    pub source: String,
    /// 年初预算数：目标申报.
    pub declared: Money,
    /// 年初预算数：预算编制.
    pub compiled: Money,
    /// 全年预算数 (adjusted).
    pub full_year: Money,
    /// 全年执行数.
    pub executed: Money,
}

/// What the department states that can be derived; rules compare.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProjectStated {
    /// 资金结（转）余 of the 合计 row.
    pub balance: Option<Money>,
    /// 执行率 of the 合计 row, in percent as written (`100`, `58`).
    pub execution_rate: Option<Dec>,
    /// 得分 of the budget table (预算执行情况得分).
    pub budget_score: Option<Points>,
    /// 指标完成情况得分.
    pub indicator_score: Option<Points>,
    /// 总得分.
    pub total: Option<Points>,
    /// 等级 (优/良/中/差 …).
    pub grade: Option<String>,
    /// Where each was stated, by field name.
    #[serde(skip)]
    pub sources: std::collections::BTreeMap<String, SourceRef>,
}

/// The texts of a project report, in the order printed.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ProjectTexts {
    /// 项目概况.
    pub overview: String,
    /// 立项依据.
    pub basis: String,
    /// 项目设立的必要性.
    pub necessity: String,
    /// 保证项目实施的措施与制度.
    pub safeguards: String,
    /// 项目实施期绩效目标.
    pub period_goal: String,
    /// 项目年度目标.
    pub annual_goal: String,
    /// 项目实施计划.
    pub plan: String,
    /// 2 全年目标实际完成情况.
    pub completion: String,
    /// 3 项目实施和预算执行情况分析.
    pub execution: String,
    /// 4.产出情况及分析.
    pub outputs: String,
    /// 5.效益情况及分析.
    pub effects: String,
    /// 6.满意度情况及分析.
    pub satisfaction: String,
    /// 四、项目主要经验做法.
    pub experience: String,
    /// 五、项目管理中存在的主要问题及原因分析.
    pub problems: String,
    /// 六、下一步改进措施及管理建议.
    pub improvements: String,
}

impl ProjectTexts {
    /// Every text, in the order printed.
    pub fn all(&self) -> [&String; 15] {
        [
            &self.overview,
            &self.basis,
            &self.necessity,
            &self.safeguards,
            &self.period_goal,
            &self.annual_goal,
            &self.plan,
            &self.completion,
            &self.execution,
            &self.outputs,
            &self.effects,
            &self.satisfaction,
            &self.experience,
            &self.problems,
            &self.improvements,
        ]
    }
}

/// One 项目支出绩效自评分析报告.
#[derive(Clone, Debug, Serialize)]
pub struct Project {
    /// 项目名称.
    pub name: String,
    /// 一级 or 二级 project (the seed's are all 二级).
    pub level: u8,
    /// 项目单位 (`065001-晋城市市场监督管理局`).
    pub unit: String,
    /// 主管部门 (`065-晋城市市场监督管理局`).
    pub department: String,
    /// Date on the cover (`2022 年 12 月`).
    pub date: String,
    /// Fund type of the money (一般公共预算 …), for the 十（四） summary.
    pub fund: String,
    /// Texts.
    pub texts: ProjectTexts,
    /// 预算执行情况: funding lines.
    pub budget: Vec<BudgetLine>,
    /// 绩效指标.
    pub indicators: Vec<Indicator>,
    /// Stated derived values.
    pub stated: ProjectStated,
    /// Where the project was given.
    #[serde(skip)]
    pub source: SourceRef,
}

impl Project {
    /// Sum of a budget column over the funding lines (the 合计 row).
    pub fn total(&self, f: impl Fn(&BudgetLine) -> Money) -> Money {
        self.budget.iter().map(f).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(op: Op, v: &str, unit: &str) -> Target {
        Target::Quantity {
            op,
            value: Dec::parse(v).unwrap(),
            unit: unit.to_string(),
        }
    }

    /// Every 调整后指标 form in the seed's 159 indicators, and malformed ones.
    #[test]
    fn targets_of_the_seed() {
        assert_eq!(Target::parse("≥60个"), Ok(q(Op::Ge, "60", "个")));
        assert_eq!(Target::parse("≥800 家"), Ok(q(Op::Ge, "800", "家")));
        assert_eq!(Target::parse("＞900 户"), Ok(q(Op::Gt, "900", "户")));
        assert_eq!(Target::parse("≥98%"), Ok(q(Op::Ge, "98", "%")));
        assert_eq!(Target::parse("＝100%"), Ok(q(Op::Eq, "100", "%")));
        assert_eq!(
            Target::parse("＝180 元/人/天"),
            Ok(q(Op::Eq, "180", "元/人/天"))
        );
        assert_eq!(
            Target::parse("≤180 元/天/人"),
            Ok(q(Op::Le, "180", "元/天/人"))
        );
        assert_eq!(
            Target::parse("＝25.5 元/人"),
            Ok(q(Op::Eq, "25.5", "元/人"))
        );
        assert_eq!(
            Target::parse("≤4100 万元/套"),
            Ok(q(Op::Le, "4100", "万元/套"))
        );
        assert_eq!(
            Target::parse("≤600 元/平方米（万元/台等）"),
            Ok(q(Op::Le, "600", "元/平方米（万元/台等）"))
        );
        assert_eq!(Target::parse("＝0件"), Ok(q(Op::Eq, "0", "件")));
        assert_eq!(Target::parse("≥10000人"), Ok(q(Op::Ge, "10000", "人")));
        assert_eq!(Target::parse("≥1000 元"), Ok(q(Op::Ge, "1000", "元")));
        assert_eq!(Target::parse("＝20万元"), Ok(q(Op::Eq, "20", "万元")));
        assert_eq!(Target::parse("≥10年"), Ok(q(Op::Ge, "10", "年")));
        assert_eq!(
            Target::parse("2022.3-2022.11"),
            Ok(Target::Period {
                from: YearMonth {
                    year: 2022,
                    month: 3
                },
                to: YearMonth {
                    year: 2022,
                    month: 11
                }
            })
        );
        // The seed's cell with a template leftover after the period still reads as the period.
        assert!(matches!(
            Target::parse("2022.3-2022.11XX 月 XX 日-XX 月 XX日"),
            Ok(Target::Period { .. })
        ));
        for qual in [
            "及时",
            "持续向好",
            "有效预防",
            "高度重视",
            "按标准",
            "是",
            "1月-8月完成",
            "7月、9月",
            "7月",
            "2022 年 12月",
        ] {
            assert_eq!(
                Target::parse(qual),
                Ok(Target::Qualitative {
                    text: qual.to_string()
                }),
                "{qual}"
            );
        }
        assert_eq!(Target::parse("未填报"), Ok(Target::NotSet));
        assert_eq!(Target::parse(""), Ok(Target::NotSet));
        assert_eq!(Target::parse("不低于 95%"), Ok(q(Op::Ge, "95", "%")));
        assert_eq!(Target::parse("≥９５％"), Ok(q(Op::Ge, "95", "%")));
    }

    #[test]
    fn malformed_targets_explain_themselves() {
        assert!(Target::parse("≥").unwrap_err().contains("不是数值"));
        assert!(Target::parse("≥abc").unwrap_err().contains("不是数值"));
        assert!(Target::parse("＝＝5").is_err());
        assert!(
            Target::parse("2022.11-2022.3")
                .unwrap_err()
                .contains("早于")
        );
    }

    #[test]
    fn actuals() {
        assert_eq!(
            Actual::parse("1687"),
            Actual::Number(Dec::parse("1687").unwrap())
        );
        assert_eq!(
            Actual::parse("95.9"),
            Actual::Number(Dec::parse("95.9").unwrap())
        );
        assert_eq!(
            Actual::parse("98%"),
            Actual::Number(Dec::parse("98").unwrap())
        );
        assert_eq!(Actual::parse("达成预期指标"), Actual::Achieved);
        assert_eq!(
            Actual::parse("部分达成预期指标并具有一定效果"),
            Actual::Partial
        );
        assert_eq!(Actual::parse("未达成预期指标"), Actual::NotAchieved);
        assert_eq!(Actual::parse(""), Actual::Empty);
        assert_eq!(Actual::parse("良好"), Actual::Text("良好".to_string()));
    }

    #[test]
    fn points_parse_and_display() {
        assert_eq!(Points::parse("2.5"), Some(Points(250)));
        assert_eq!(Points::parse("10"), Some(Points(1000)));
        assert_eq!(Points::parse("3.33"), Some(Points(333)));
        assert_eq!(Points::parse("3.333"), None);
        assert_eq!(Points::parse("-1"), None);
        assert_eq!(Points::parse("十"), None);
        assert_eq!(Points(250).display(), "2.5");
        assert_eq!(Points(1000).display(), "10");
        assert_eq!(Points(333).display(), "3.33");
        assert_eq!(Points::whole(20).scaled(124, 132).display(), "18.79");
    }

    #[test]
    fn decimals() {
        assert_eq!(
            Dec::parse("95.9"),
            Some(Dec {
                scaled: 959,
                decimals: 1
            })
        );
        assert_eq!(
            Dec::parse("10,000"),
            Some(Dec {
                scaled: 10000,
                decimals: 0
            })
        );
        assert_eq!(Dec::parse("abc"), None);
        assert_eq!(Dec::parse(""), None);
        assert_eq!(
            Dec::common(Dec::parse("95.9").unwrap(), Dec::parse("80").unwrap()),
            (959, 800)
        );
        assert_eq!(Dec::parse("0.30").unwrap().display(), "0.30");
    }
}
