//! 第一部分 and 第三部分: the profile's MiniJinja templates rendered over the figures.
//!
//! Templates choose words; every number comes from a function here that reads an
//! exact figure and rounds once (四舍五入, via `juesuan_model`). Percentages are
//! always computed from exact fen, never from the rounded 万元 figures printed
//! beside them.

use crate::doc::{Block, Chart, ChartKind, ChartSeries, TableView};
use crate::project::ProjectView;
use juesuan_model::{
    FnLevel, FunctionalCode, Key, Measure, Money, Num, Percent, Report, Scope, UnitKind,
};
use juesuan_profile::{ChartCategories, ChartDef, ChartYear, InputDecl, Profile, SectionDef};
use juesuan_tables::{
    Figures, complete_scalar_sums, economic_groups, economic_name, functional_name,
};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior, Value, context};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A section of rendered narrative.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// `一` … (empty for 第一部分 sections).
    pub id: String,
    /// Heading.
    pub title: String,
    /// Sub-headings and paragraphs.
    pub blocks: Vec<Block>,
}

/// A template failed to render: a profile bug, reported with the section.
#[derive(Debug, thiserror::Error)]
#[error("模板 {profile} 的“{section}”无法生成：{message}")]
pub struct ComposeError {
    /// Profile id.
    pub profile: String,
    /// Section title.
    pub section: String,
    /// What went wrong.
    pub message: String,
}

/// Everything the template functions read.
struct Data {
    figures: Figures,
    last_year: BTreeMap<Key, Num>,
    budget: BTreeMap<Key, Money>,
    texts: BTreeMap<String, String>,
    counts: BTreeMap<String, i64>,
    amounts: BTreeMap<String, Money>,
    count_sums: Vec<InputDecl>,
    classes: Vec<ClassView>,
    /// Printed names of the functional codes with a figure or a 年初预算.
    fn_names: BTreeMap<FunctionalCode, String>,
    econ: BTreeMap<String, Vec<(String, Key, Key)>>,
    empty_tables: Vec<String>,
    projects: Vec<ProjectView>,
    summarized: Vec<String>,
    grades: Vec<String>,
    scores: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
struct ClassView {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct ChangeView {
    same: bool,
    up: bool,
    down: bool,
    zero_base: bool,
    amount: String,
    amount_wan: String,
    pct: Option<String>,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

fn key(s: &str) -> Result<Key, Error> {
    Key::parse(s).ok_or_else(|| bad(format!("“{s}” 不是有效的数据项")))
}

fn yuan(v: Option<i64>) -> String {
    v.map_or_else(|| "（未填报）".to_string(), |f| Money::from_fen(f).yuan())
}

fn wan(v: Option<i64>) -> String {
    v.map_or_else(|| "（未填报）".to_string(), |f| Money::from_fen(f).wan())
}

/// The change from `prev` to `cur`, with the words' inputs: direction, |Δ| in 元 and
/// 万元, and Δ/|prev| as a percentage (none on a zero base).
fn change(cur: i64, prev: i64) -> ChangeView {
    let delta = cur.saturating_sub(prev);
    let m = Money::from_fen(delta.saturating_abs());
    ChangeView {
        same: delta == 0,
        up: delta > 0,
        down: delta < 0,
        zero_base: prev == 0 && delta != 0,
        amount: m.yuan(),
        amount_wan: m.wan(),
        pct: Percent::of(
            i128::from(delta.saturating_abs()),
            i128::from(prev.saturating_abs()),
        )
        .map(|p| p.display()),
    }
}

fn environment(data: Arc<Data>, macros: &str) -> Result<Environment<'static>, Error> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template_owned("macros", macros.to_string())?;

    let d = data.clone();
    env.add_function("f", move |k: &str| -> Result<i64, Error> {
        Ok(d.figures.get(&key(k)?).raw())
    });
    let d = data.clone();
    env.add_function("last", move |k: &str| -> Result<Option<i64>, Error> {
        Ok(d.last_year.get(&key(k)?).map(|v| v.raw()))
    });
    let d = data.clone();
    env.add_function("has_last", move |k: &str| -> Result<bool, Error> {
        Ok(d.last_year.contains_key(&key(k)?))
    });
    let d = data.clone();
    env.add_function("budget", move |k: &str| -> Result<Option<i64>, Error> {
        Ok(d.budget.get(&key(k)?).map(|v| v.fen()))
    });
    let d = data.clone();
    env.add_function("text", move |id: &str| {
        d.texts.get(id).cloned().unwrap_or_default()
    });
    let d = data.clone();
    env.add_function("count", move |id: &str| -> Option<i64> {
        if let Some(decl) = d.count_sums.iter().find(|x| x.id == id) {
            return decl.sum_of.iter().map(|p| d.counts.get(p).copied()).sum();
        }
        d.counts.get(id).copied()
    });
    let d = data.clone();
    env.add_function("amount", move |id: &str| d.amounts.get(id).map(|m| m.fen()));
    env.add_function("yuan", yuan);
    env.add_function("wan", wan);
    env.add_function("num", |v: Option<i64>| {
        v.map_or_else(|| "（未填报）".to_string(), |n| n.to_string())
    });
    env.add_function("pct", |a: i64, b: Option<i64>| -> Option<String> {
        b.and_then(|b| Percent::of(i128::from(a), i128::from(b)))
            .map(|p| p.display())
    });
    env.add_function("change", |cur: i64, prev: i64| {
        Value::from_serialize(change(cur, prev))
    });
    let d = data.clone();
    env.add_function("classes", move |measure: &str| -> Result<Value, Error> {
        let m = Measure::from_name(measure).ok_or_else(|| bad(format!("未知的度量 {measure}")))?;
        let rows: Vec<Value> = d
            .classes
            .iter()
            .filter_map(|c| {
                let code = FunctionalCode::parse(&c.code).ok()?;
                let k = Key::func(m, &code);
                let value = d.figures.get(&k).raw();
                let budget = d.budget.get(&k).map(|v| v.fen());
                if value == 0 && budget.is_none_or(|b| b == 0) {
                    return None;
                }
                Some(context! {
                    code => c.code.clone(),
                    name => c.name.clone(),
                    value => value,
                    budget => budget,
                    last => d.last_year.get(&k).map(|v| v.raw()),
                })
            })
            .collect();
        Ok(Value::from(rows))
    });
    let d = data.clone();
    env.add_function("items", move |measure: &str| -> Result<Value, Error> {
        let m = Measure::from_name(measure).ok_or_else(|| bad(format!("未知的度量 {measure}")))?;
        let name = |c: &FunctionalCode| d.fn_names.get(c).cloned().unwrap_or_default();
        let rows: Vec<Value> = d
            .fn_names
            .keys()
            .filter(|c| c.level() == FnLevel::Item)
            .filter_map(|code| {
                let k = Key::func(m, code);
                let value = d.figures.get(&k).raw();
                let budget = d.budget.get(&k).map(|v| v.fen());
                if value == 0 && budget.is_none_or(|b| b == 0) {
                    return None;
                }
                let lineage = code.lineage();
                Some(context! {
                    code => code.to_string(),
                    name => name(code),
                    class_name => lineage.first().map(&name).unwrap_or_default(),
                    section_name => lineage.get(1).map(&name).unwrap_or_default(),
                    value => value,
                    budget => budget,
                    last => d.last_year.get(&k).map(|v| v.raw()),
                })
            })
            .collect();
        Ok(Value::from(rows))
    });
    let d = data.clone();
    env.add_function(
        "econ_names",
        move |group: &str, measure: &str| -> Result<Vec<String>, Error> {
            let m =
                Measure::from_name(measure).ok_or_else(|| bad(format!("未知的度量 {measure}")))?;
            let items = d
                .econ
                .get(group)
                .ok_or_else(|| bad(format!("未知的分组 {group}")))?;
            Ok(items
                .iter()
                .filter(|(_, amount, basic)| {
                    let k = if m == Measure::EconBasic {
                        basic
                    } else {
                        amount
                    };
                    !d.figures.get(k).is_zero()
                })
                .map(|(name, _, _)| name.clone())
                .collect())
        },
    );
    let d = data.clone();
    env.add_function("table_empty", move |id: &str| {
        d.empty_tables.iter().any(|t| t == id)
    });
    project_functions(&mut env, &data);
    Ok(env)
}

/// Functions over the project self-evaluations, for the 十（四） summary.
fn project_functions(env: &mut Environment<'static>, data: &Arc<Data>) {
    let d = data.clone();
    env.add_function("score", move |id: &str| d.scores.get(id).cloned());
    let d = data.clone();
    env.add_function("grades", move || d.grades.clone());
    let d = data.clone();
    env.add_function("pcount", move |level: u8| {
        d.projects.iter().filter(|p| p.level == level).count()
    });
    let d = data.clone();
    env.add_function(
        "pfunds",
        move |kwargs: minijinja::value::Kwargs| -> Result<i64, Error> {
            let level: Option<u8> = kwargs.get("level")?;
            let fund: Option<String> = kwargs.get("fund")?;
            kwargs.assert_all_used()?;
            Ok(d.projects
                .iter()
                .filter(|p| level.is_none_or(|l| p.level == l))
                .filter(|p| fund.as_ref().is_none_or(|f| &p.fund == f))
                .map(|p| p.executed)
                .fold(0_i64, i64::saturating_add))
        },
    );
    let d = data.clone();
    env.add_function("gcount", move |level: u8, grade: &str| {
        d.projects
            .iter()
            .filter(|p| p.level == level && p.grade == grade)
            .count()
    });
    let d = data.clone();
    env.add_function("summarized", move || -> Result<Vec<Value>, Error> {
        d.summarized
            .iter()
            .map(|name| {
                d.projects
                    .iter()
                    .find(|p| &p.name == name)
                    .map(Value::from_serialize)
                    .ok_or_else(|| bad(format!("要公开的项目“{name}”不在 projects/ 中")))
            })
            .collect()
    });
}

/// Groups the report's units by kind, in the order the 概况 lists kinds.
fn unit_groups(report: &Report) -> Vec<Value> {
    UnitKind::ALL
        .iter()
        .filter_map(|k| {
            let names: Vec<String> = report
                .overview
                .units
                .iter()
                .filter(|u| u.kind == *k)
                .map(|u| u.name.clone())
                .collect();
            (!names.is_empty())
                .then(|| context! { kind => k.label(), count => names.len(), names => names })
        })
        .collect()
}

/// Everything rendered from templates.
pub struct Rendered {
    /// 第一部分 sections.
    pub overview: Vec<Section>,
    /// 第三部分 sections.
    pub narrative: Vec<Section>,
    /// 第五部分: every project report, in order.
    pub projects: Vec<Block>,
}

/// Renders the 第一部分, 第三部分 and 第五部分 templates.
pub fn render(
    report: &Report,
    profile: &Profile,
    figures: &Figures,
    empty_tables: Vec<String>,
    projects: &[ProjectParts],
) -> Result<Rendered, ComposeError> {
    let mut last_year = report.narrative.last_year.clone();
    complete_scalar_sums(&mut last_year);
    let classes = profile
        .classes()
        .into_iter()
        .map(|c| ClassView {
            name: functional_name(report, profile, &c),
            code: c.to_string(),
        })
        .collect();
    // Every 项 with a figure or a 年初预算, and its 类 and 款, with printed names.
    let mut fn_names = BTreeMap::new();
    let budget_codes = report
        .narrative
        .initial_budget
        .keys()
        .filter_map(|k| match &k.scope {
            Scope::Fn(c) => Some(c),
            _ => None,
        });
    for code in figures.functional_codes.iter().chain(budget_codes) {
        for c in code.lineage() {
            let name = functional_name(report, profile, &c);
            fn_names.entry(c).or_insert(name);
        }
    }
    let econ = economic_groups(profile)
        .into_iter()
        .map(|(g, classes)| {
            let items = profile
                .economic_catalog
                .codes()
                .filter(|c| !c.is_class() && classes.contains(&c.class()))
                .map(|c| {
                    (
                        economic_name(report, profile, c),
                        Key::econ(Measure::EconAmount, c),
                        Key::econ(Measure::EconBasic, c),
                    )
                })
                .collect();
            (g.name().to_string(), items)
        })
        .collect();
    let data = Arc::new(Data {
        figures: figures.clone(),
        last_year,
        budget: report.narrative.initial_budget.clone(),
        texts: report.narrative.texts.clone(),
        counts: report.narrative.counts.clone(),
        amounts: report.narrative.amounts.clone(),
        count_sums: profile
            .inputs
            .counts
            .iter()
            .filter(|d| !d.sum_of.is_empty())
            .cloned()
            .collect(),
        classes,
        fn_names,
        econ,
        empty_tables,
        projects: projects.iter().map(|p| p.view.clone()).collect(),
        summarized: report
            .narrative
            .lists
            .get("perf.summarized")
            .cloned()
            .unwrap_or_default(),
        grades: profile
            .performance
            .grades
            .iter()
            .map(|(g, _)| g.clone())
            .collect(),
        scores: report
            .narrative
            .scores
            .iter()
            .map(|(k, v)| (k.clone(), v.display()))
            .collect(),
    });
    let fail = |section: &str, e: &Error| ComposeError {
        profile: profile.id.clone(),
        section: section.to_string(),
        message: format!("{e:#}"),
    };
    let env =
        environment(data.clone(), &profile.narrative.macros).map_err(|e| fail("macros", &e))?;
    let ctx = context! {
        department => report.meta.department.clone(),
        year => report.meta.year,
        prev_year => report.meta.year - 1,
        duties => report.overview.duties.clone(),
        offices => report.overview.offices.clone(),
        unit_groups => unit_groups(report),
        units => report
            .overview
            .units
            .iter()
            .map(|u| context! { name => u.name.clone(), kind => u.kind.label() })
            .collect::<Vec<_>>(),
    };
    let run = |sections: &[SectionDef]| -> Result<Vec<Section>, ComposeError> {
        sections
            .iter()
            .map(|s| {
                let src = format!("{{% import \"macros\" as m %}}{}", s.template);
                let text = env
                    .render_str(&src, ctx.clone())
                    .map_err(|e| fail(&s.title, &e))?;
                let mut chart_error = None;
                let blocks = blocks(&s.id, &text, &mut |marker| {
                    let id = marker.strip_prefix("chart:")?;
                    let def = profile.narrative.charts.iter().find(|c| c.id == id)?;
                    match chart(def, &data, &env, &ctx) {
                        Ok(c) => c.map(|c| Block::Chart(Box::new(c))),
                        Err(e) => {
                            chart_error = Some(e);
                            None
                        }
                    }
                });
                if let Some(e) = chart_error {
                    return Err(fail(&s.title, &e));
                }
                Ok(Section {
                    id: s.id.clone(),
                    title: s.title.clone(),
                    blocks,
                })
            })
            .collect()
    };
    let overview = run(&profile.narrative.overview)?;
    let narrative = run(&profile.narrative.sections)?;
    let mut project_blocks = Vec::new();
    let src = format!(
        "{{% import \"macros\" as m %}}{}",
        profile.narrative.project
    );
    for p in projects {
        let pctx = context! {
            p => Value::from_serialize(&p.view),
            year => report.meta.year,
            department => report.meta.department.clone(),
        };
        let text = env
            .render_str(&src, pctx)
            .map_err(|e| fail(&format!("项目“{}”", p.view.name), &e))?;
        let mut tables = vec![
            ("budget", p.budget.clone()),
            ("indicators", p.indicators.clone()),
        ];
        project_blocks.extend(blocks(
            &format!("p{}", p.view.index),
            &text,
            &mut |marker| {
                let i = tables.iter().position(|(m, _)| *m == marker)?;
                let (_, t) = tables.remove(i);
                Some(Block::Table(Box::new(t)))
            },
        ));
    }
    Ok(Rendered {
        overview,
        narrative,
        projects: project_blocks,
    })
}

/// Builds a chart from its definition, or nothing when a figure it needs was not
/// supplied (last year's) or every value is zero: a chart never shows a made-up
/// number. Values are exact; labels are 万元 rounded once (四舍五入), shares
/// computed from fen as in the text.
fn chart(
    def: &ChartDef,
    data: &Data,
    env: &Environment<'static>,
    ctx: &Value,
) -> Result<Option<Chart>, Error> {
    let value = |k: &Key, year: ChartYear| -> Option<Money> {
        match year {
            ChartYear::This => Some(data.figures.get(k)),
            ChartYear::Last => data.last_year.get(k).copied(),
        }
        .and_then(|n| match n {
            Num::Money(m) => Some(m),
            Num::Count(_) => None,
        })
    };
    let categories: Vec<(String, Vec<Key>)> = match &def.categories {
        ChartCategories::Listed(list) => list.clone(),
        ChartCategories::Classes(m) => data
            .classes
            .iter()
            .filter_map(|c| {
                let code = FunctionalCode::parse(&c.code).ok()?;
                Some((c.name.clone(), vec![Key::func(*m, &code); def.series.len()]))
            })
            .collect(),
    };
    let mut names = Vec::new();
    let mut columns: Vec<Vec<Money>> = vec![Vec::new(); def.series.len()];
    for (label, keys) in &categories {
        let mut row = Vec::new();
        for (k, s) in keys.iter().zip(&def.series) {
            let Some(v) = value(k, s.year) else {
                return Ok(None);
            };
            row.push(v);
        }
        // A pie slice of nothing is not drawn (a bar group of zeros is: it says zero).
        if def.kind == juesuan_profile::ChartKind::Pie && row.iter().all(|v| v.is_zero()) {
            continue;
        }
        names.push(label.clone());
        for (col, v) in columns.iter_mut().zip(row) {
            col.push(v);
        }
    }
    if names.is_empty() || columns.iter().flatten().all(|v| v.is_zero()) {
        return Ok(None);
    }
    if def.kind == juesuan_profile::ChartKind::Pie && columns.iter().flatten().any(|v| v.fen() < 0)
    {
        return Ok(None);
    }
    let series = def
        .series
        .iter()
        .zip(columns)
        .map(|(s, values)| {
            let total: i128 = values.iter().map(|v| i128::from(v.fen())).sum();
            Ok(ChartSeries {
                name: env.render_str(&s.name, ctx.clone())?,
                labels: values.iter().map(|v| v.wan()).collect(),
                shares: values
                    .iter()
                    .filter(|_| def.kind == juesuan_profile::ChartKind::Pie)
                    .map(|v| {
                        Percent::of(i128::from(v.fen()), total)
                            .map_or_else(String::new, |p| p.display())
                    })
                    .collect(),
                values,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Some(Chart {
        id: def.id.clone(),
        kind: match def.kind {
            juesuan_profile::ChartKind::Pie => ChartKind::Pie,
            juesuan_profile::ChartKind::Bars => ChartKind::Bars,
        },
        title: env.render_str(&def.title, ctx.clone())?,
        unit: "万元".to_string(),
        categories: names,
        series,
    }))
}

/// A project ready to render: its template view and its two tables.
pub struct ProjectParts {
    /// What the template sees.
    pub view: ProjectView,
    /// 预算执行情况.
    pub budget: TableView,
    /// 绩效指标完成情况.
    pub indicators: TableView,
}

/// Splits rendered text into blocks: each non-empty line a paragraph; `# title | toc`
/// a level-2 heading, `## ` level 3, `### ` level 4; `@@break@@` a page break;
/// other `@@name@@` markers are given to `marker` (tables).
fn blocks(section: &str, text: &str, marker: &mut dyn FnMut(&str) -> Option<Block>) -> Vec<Block> {
    let mut n = 0;
    let mut out = Vec::new();
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(m) = l.strip_prefix("@@").and_then(|r| r.strip_suffix("@@")) {
            if m == "break" {
                out.push(Block::PageBreak);
            } else if let Some(b) = marker(m) {
                out.push(b);
            }
            continue;
        }
        let (level, rest) = if let Some(r) = l.strip_prefix("### ") {
            (4, r)
        } else if let Some(r) = l.strip_prefix("## ") {
            (3, r)
        } else if let Some(r) = l.strip_prefix("# ") {
            (2, r)
        } else {
            out.push(Block::Paragraph {
                text: l.to_string(),
            });
            continue;
        };
        n += 1;
        let (text, toc) = match rest.split_once(" | ") {
            Some((t, toc)) => (t.trim().to_string(), Some(toc.trim().to_string())),
            None => (rest.trim().to_string(), None),
        };
        out.push(Block::Heading {
            level,
            text,
            anchor: format!("s{section}-{n}"),
            toc,
        });
    }
    out
}

/// Renders a one-line template (part titles, the report title) with the report's
/// identity.
pub fn render_line(template: &str, report: &Report) -> String {
    let env = Environment::new();
    let ctx = context! { department => report.meta.department.clone(), year => report.meta.year };
    env.render_str(template, ctx)
        .unwrap_or_else(|_| template.to_string())
}
