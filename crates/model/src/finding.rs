//! One diagnostic shape for every rule, every input and every output format.

use crate::keys::Num;
use crate::money::Money;
use crate::percent::Percent;
use crate::source::SourceRef;
use serde::Serialize;
use std::fmt;

/// How bad a finding is. Exit codes: any `Error` → 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is wrong (e.g. a difference within rounding).
    Info,
    /// Probably wrong or incomplete; a person should look.
    Warning,
    /// Wrong: the report contradicts itself or the rules.
    Error,
}

impl Severity {
    /// 错误 / 警告 / 提示
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }
}

/// A value quoted in a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum FValue {
    /// An amount (serialized as a string in 元).
    Money(Money),
    /// A count.
    Count(i64),
    /// A percentage (serialized as `"12.89%"`).
    Percent(Percent),
    /// Anything else (a name, a word, a sentence).
    Text(String),
}

impl From<Num> for FValue {
    fn from(n: Num) -> FValue {
        match n {
            Num::Money(m) => FValue::Money(m),
            Num::Count(c) => FValue::Count(c),
        }
    }
}

impl From<Money> for FValue {
    fn from(m: Money) -> FValue {
        FValue::Money(m)
    }
}

impl From<Percent> for FValue {
    fn from(p: Percent) -> FValue {
        FValue::Percent(p)
    }
}

impl From<String> for FValue {
    fn from(s: String) -> FValue {
        FValue::Text(s)
    }
}

impl From<&str> for FValue {
    fn from(s: &str) -> FValue {
        FValue::Text(s.to_string())
    }
}

impl fmt::Display for FValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FValue::Money(m) => write!(f, "{}", m.yuan()),
            FValue::Count(c) => write!(f, "{c}"),
            FValue::Percent(p) => write!(f, "{p}"),
            FValue::Text(t) => f.write_str(t),
        }
    }
}

/// Where in the report a finding points.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// A cell of a table.
    Cell {
        /// `公开02表`
        table: String,
        /// `201 一般公共服务支出` or `行次27 本年收入合计`
        row: String,
        /// `本年收入合计（栏次1）`
        column: String,
    },
    /// A whole table.
    Table {
        /// `公开08表`
        table: String,
    },
    /// A sentence or paragraph of the narrative (情况说明).
    Narrative {
        /// Section number, e.g. `五` or `九（一）`.
        section: String,
        /// The sentence quoted.
        #[serde(skip_serializing_if = "Option::is_none")]
        quote: Option<String>,
    },
    /// A project performance report (绩效自评).
    Project {
        /// 项目名称
        project: String,
        /// Part of it, e.g. `绩效指标「授权专利数量」`.
        #[serde(skip_serializing_if = "Option::is_none")]
        item: Option<String>,
    },
    /// A place in an input file.
    Input(SourceRef),
    /// A place in another report (last year's, a unit's), by that report's name.
    Elsewhere {
        /// `晋城市市场监督管理局 2021 年度报告`
        report: String,
        /// The place in it.
        at: Box<Location>,
    },
    /// The report as a whole.
    Report,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Cell { table, row, column } => write!(f, "{table} {row} / {column}"),
            Location::Table { table } => f.write_str(table),
            Location::Narrative { section, .. } => write!(f, "情况说明 {section}"),
            Location::Project { project, item } => match item {
                Some(i) => write!(f, "项目「{project}」{i}"),
                None => write!(f, "项目「{project}」"),
            },
            Location::Input(src) => write!(f, "{src}"),
            Location::Elsewhere { report, at } => write!(f, "{report}：{at}"),
            Location::Report => f.write_str("全文"),
        }
    }
}

/// A diagnostic: what rule, how bad, where, what was expected and found, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable rule id (`T-SUM`, `XT-SAME` …); `juesuan explain ID` documents it.
    pub rule: String,
    /// How bad.
    pub severity: Severity,
    /// The Chinese message.
    pub message: String,
    /// Where.
    pub location: Location,
    /// Other places involved (the other cell of a cross-table mismatch, the input line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Location>,
    /// What the data gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<FValue>,
    /// What is stated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<FValue>,
    /// actual − expected, when both are numbers of one kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<FValue>,
    /// How to fix it.
    pub hint: String,
}

impl Finding {
    /// A finding with no values; add them with the builder methods.
    pub fn new(
        rule: &str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            message: message.into(),
            location,
            related: Vec::new(),
            expected: None,
            actual: None,
            difference: None,
            hint: hint.into(),
        }
    }

    /// Sets expected and actual numbers and their difference (actual − expected).
    pub fn values(mut self, expected: Num, actual: Num) -> Finding {
        self.difference = Some(FValue::from(
            actual.with_raw(actual.raw().saturating_sub(expected.raw())),
        ));
        self.expected = Some(expected.into());
        self.actual = Some(actual.into());
        self
    }

    /// Sets expected and actual values of any kind, without a difference.
    pub fn quote(mut self, expected: impl Into<FValue>, actual: impl Into<FValue>) -> Finding {
        self.expected = Some(expected.into());
        self.actual = Some(actual.into());
        self
    }

    /// Adds a related location.
    pub fn also(mut self, loc: Location) -> Finding {
        self.related.push(loc);
        self
    }
}

/// Sorts findings for output: errors first, then by rule and location text. Stable
/// and deterministic, so the same input always prints the same list.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| natural_cmp(&a.location.to_string(), &b.location.to_string()))
            .then_with(|| a.message.cmp(&b.message))
    });
}

/// Compares two texts with their runs of ASCII digits as numbers, so that
/// `第7页 第 9 行` comes before `第18页 第 1 行`.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let run = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut s = String::new();
                    while let Some(c) = it.next_if(char::is_ascii_digit) {
                        s.push(c);
                    }
                    s
                };
                let (m, n) = (run(&mut x), run(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let o = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if o != std::cmp::Ordering::Equal {
                    return o;
                }
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod natural_tests {
    #[test]
    fn digit_runs_compare_as_numbers() {
        use std::cmp::Ordering::*;
        assert_eq!(super::natural_cmp("第7页 第 9 行", "第18页 第 1 行"), Less);
        assert_eq!(super::natural_cmp("第 16 行", "第 7 行"), Greater);
        assert_eq!(super::natural_cmp("表 007", "表 7"), Equal);
        assert_eq!(super::natural_cmp("a", "b"), Less);
    }
}
