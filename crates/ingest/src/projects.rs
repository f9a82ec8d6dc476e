//! `projects/*.toml`: one 项目支出绩效自评分析报告 per file, printed in file-name
//! order (name them `01-….toml`, `02-…`). See docs/INPUT.md.

use crate::error::{InputError, InputErrors};
use crate::textdir::{Lines, parse_toml};
use crate::values::Amount;
use juesuan_model::{
    Actual, BudgetLine, Dec, Indicator, Parsed, Points, Project, ProjectStated, ProjectTexts,
    SourceRef, Target,
};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// The directory of project files inside a text directory.
pub const PROJECTS_DIR: &str = "projects";

/// A weight or score: a string (`"2.5"`) or an integer. Floats are refused (3.3 is
/// not exactly representable).
#[derive(Clone, Copy, Debug)]
struct PointsIn(Points);

impl<'de> Deserialize<'de> for PointsIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PointsIn, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PointsIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("分值（如 \"2.5\"）")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<PointsIn, E> {
                Points::parse(s).map(PointsIn).ok_or_else(|| {
                    E::custom(format!(
                        "“{s}” 不是分值（应为不小于 0、最多两位小数的数，如 2.5）"
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PointsIn, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PointsIn, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<PointsIn, E> {
                Err(E::custom(
                    "分值请写成带引号的字符串（如 \"3.3\"）：不带引号的小数按二进制浮点数读取，不精确",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProject {
    name: String,
    #[serde(default = "two")]
    level: u8,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    date: String,
    #[serde(default = "general")]
    fund: String,
    #[serde(default)]
    info: RawInfo,
    #[serde(default)]
    goals: RawGoals,
    #[serde(default)]
    budget: Vec<Spanned<RawBudget>>,
    #[serde(default)]
    stated: RawStated,
    #[serde(default)]
    indicators: Vec<Spanned<RawIndicator>>,
    #[serde(default)]
    results: RawResults,
}

fn two() -> u8 {
    2
}

fn general() -> String {
    "一般公共预算".to_string()
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawInfo {
    #[serde(default)]
    overview: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    necessity: String,
    #[serde(default)]
    safeguards: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawGoals {
    #[serde(default)]
    period: String,
    #[serde(default)]
    annual: String,
    #[serde(default)]
    plan: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBudget {
    source: String,
    declared: Amount,
    compiled: Amount,
    full_year: Amount,
    executed: Amount,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStated {
    #[serde(default)]
    balance: Option<Spanned<Amount>>,
    #[serde(default)]
    execution_rate: Option<Spanned<String>>,
    #[serde(default)]
    budget_score: Option<Spanned<PointsIn>>,
    #[serde(default)]
    indicator_score: Option<Spanned<PointsIn>>,
    #[serde(default)]
    total: Option<Spanned<PointsIn>>,
    #[serde(default)]
    grade: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    #[serde(default)]
    level1: String,
    #[serde(default)]
    level2: String,
    name: String,
    #[serde(default)]
    initial: String,
    #[serde(default)]
    target: String,
    #[serde(default)]
    actual: String,
    weight: PointsIn,
    #[serde(default)]
    score: Option<PointsIn>,
    #[serde(default)]
    deviation: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawResults {
    #[serde(default)]
    completion: String,
    #[serde(default)]
    execution: String,
    #[serde(default)]
    outputs: String,
    #[serde(default)]
    effects: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    experience: String,
    #[serde(default)]
    problems: String,
    #[serde(default)]
    improvements: String,
}

fn text(s: &str) -> String {
    s.trim().to_string()
}

/// Reads every `projects/*.toml` of a text directory, in file-name order.
pub fn read_projects(dir: &Path, shown_dir: &str, errors: &mut InputErrors) -> Vec<Project> {
    let pdir = dir.join(PROJECTS_DIR);
    let shown_pdir = format!("{shown_dir}/{PROJECTS_DIR}");
    if !crate::guard::present(&pdir) {
        return Vec::new();
    }
    let entries = match std::fs::read_dir(&pdir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(InputError::at(
                SourceRef::file(&shown_pdir),
                format!(
                    "无法读取项目目录：{}",
                    if pdir.is_file() {
                        "这是文件，应为存放 *.toml 的目录".to_string()
                    } else {
                        crate::guard::io_reason(&e)
                    }
                ),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<String> = Vec::new();
    for e in entries.filter_map(Result::ok) {
        let os = e.file_name();
        match os.to_str() {
            Some(n) if n.ends_with(".toml") => files.push(n.to_string()),
            Some(_) => {}
            // A name that is not UTF-8 (e.g. GBK from an old zip tool) cannot be
            // named in a report or a message: say so rather than "not found".
            None if os.to_string_lossy().ends_with(".toml") => errors.push(InputError::at(
                SourceRef::file(format!("{shown_pdir}/{}", os.to_string_lossy())),
                "文件名不是 UTF-8 编码（可能是 GBK，如由旧版压缩软件解压）：请用 UTF-8 文件名重新命名",
            )),
            None => {}
        }
    }
    files.sort();
    let mut out = Vec::new();
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for f in files {
        let shown = format!("{shown_pdir}/{f}");
        let text_in = match crate::textdir::read_text(&pdir.join(&f), &shown) {
            Ok(t) => t,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let raw: RawProject = match parse_toml(&text_in, &shown) {
            Ok(r) => r,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if let Some(first) = names.insert(raw.name.clone(), shown.clone()) {
            errors.push(InputError::at(
                SourceRef::file(&shown),
                format!("项目“{}”重复（{first} 中已有）", raw.name),
            ));
        }
        if !matches!(raw.level, 1 | 2) {
            errors.push(InputError::at(
                SourceRef::file(&shown).with_field("level"),
                "项目级次应为 1（一级项目）或 2（二级项目）",
            ));
        }
        let lines = Lines::new(&text_in);
        let at = |s: std::ops::Range<usize>| SourceRef::line(&shown, lines.line(s.start));
        let mut indicators = Vec::new();
        for si in &raw.indicators {
            let src = at(si.span());
            let i = si.get_ref();
            if i.level1.trim().is_empty() || i.level2.trim().is_empty() {
                errors.push(InputError::at(
                    src.clone().with_field(if i.level1.trim().is_empty() {
                        "level1"
                    } else {
                        "level2"
                    }),
                    format!(
                        "绩效指标“{}”缺少{}",
                        i.name,
                        if i.level1.trim().is_empty() {
                            "一级指标（产出指标/效益指标/满意度指标）"
                        } else {
                            "二级指标（数量指标/质量指标/…）"
                        }
                    ),
                ));
                continue;
            }
            let target = match Target::parse(&i.target) {
                Ok(t) => Parsed {
                    text: text(&i.target),
                    value: t,
                },
                // Kept as text; rule PERF-TARGET reports it as a warning.
                Err(_) => Parsed {
                    text: text(&i.target),
                    value: Target::Qualitative {
                        text: text(&i.target),
                    },
                },
            };
            indicators.push(Indicator {
                level1: text(&i.level1),
                level2: text(&i.level2),
                name: text(&i.name),
                initial: text(&i.initial),
                target,
                actual: Parsed {
                    text: text(&i.actual),
                    value: Actual::parse(&i.actual),
                },
                weight: i.weight.0,
                score: i.score.map(|s| s.0),
                deviation: text(&i.deviation),
                source: src,
            });
        }
        let mut stated = ProjectStated::default();
        let s = &raw.stated;
        if let Some(v) = &s.balance {
            stated.balance = Some(v.get_ref().0);
            stated.sources.insert("balance".into(), at(v.span()));
        }
        if let Some(v) = &s.execution_rate {
            let t = v.get_ref().trim().trim_end_matches(['%', '％']);
            match Dec::parse(t) {
                Some(d) => {
                    stated.execution_rate = Some(d);
                    stated.sources.insert("execution_rate".into(), at(v.span()));
                }
                None => errors.push(InputError::at(
                    at(v.span()).with_field("stated.execution_rate"),
                    format!("执行率“{}”不是百分数", v.get_ref()),
                )),
            }
        }
        for (name, field, slot) in [
            ("budget_score", &s.budget_score, &mut stated.budget_score),
            (
                "indicator_score",
                &s.indicator_score,
                &mut stated.indicator_score,
            ),
            ("total", &s.total, &mut stated.total),
        ] {
            if let Some(v) = field {
                *slot = Some(v.get_ref().0);
                stated.sources.insert(name.into(), at(v.span()));
            }
        }
        if let Some(g) = &s.grade {
            stated.grade = Some(text(g.get_ref()));
            stated.sources.insert("grade".into(), at(g.span()));
        }
        let r = &raw.results;
        out.push(Project {
            name: text(&raw.name),
            level: raw.level,
            unit: text(&raw.unit),
            department: text(&raw.department),
            date: text(&raw.date),
            fund: text(&raw.fund),
            texts: ProjectTexts {
                overview: text(&raw.info.overview),
                basis: text(&raw.info.basis),
                necessity: text(&raw.info.necessity),
                safeguards: text(&raw.info.safeguards),
                period_goal: text(&raw.goals.period),
                annual_goal: text(&raw.goals.annual),
                plan: text(&raw.goals.plan),
                completion: text(&r.completion),
                execution: text(&r.execution),
                outputs: text(&r.outputs),
                effects: text(&r.effects),
                satisfaction: text(&r.satisfaction),
                experience: text(&r.experience),
                problems: text(&r.problems),
                improvements: text(&r.improvements),
            },
            budget: raw
                .budget
                .iter()
                .map(|b| {
                    let b = b.get_ref();
                    BudgetLine {
                        source: text(&b.source),
                        declared: b.declared.0,
                        compiled: b.compiled.0,
                        full_year: b.full_year.0,
                        executed: b.executed.0,
                    }
                })
                .collect(),
            indicators,
            stated,
            source: SourceRef::file(&shown),
        });
    }
    out
}
