//! `juesuan score`: per project, the stated score, the score the facts support by the
//! profile's method, and why they differ.

use juesuan_model::{Points, Report};
use juesuan_perf::{ProjectEval, evaluate};
use juesuan_profile::Profile;
use serde::Serialize;
use std::fmt::Write as _;

/// One project's scores.
#[derive(Serialize)]
pub struct ProjectScore<'a> {
    /// 项目名称.
    pub name: &'a str,
    /// Stated total (as the department wrote it), if any.
    pub stated_total: Option<Points>,
    /// Stated grade, if any.
    pub stated_grade: Option<&'a str>,
    /// The evaluation.
    pub eval: ProjectEval,
}

/// Scores every project.
pub fn scores<'a>(report: &'a Report, profile: &Profile) -> Vec<ProjectScore<'a>> {
    report
        .projects
        .iter()
        .map(|p| ProjectScore {
            name: &p.name,
            stated_total: p.stated.total,
            stated_grade: p.stated.grade.as_deref(),
            eval: evaluate(p, &profile.performance),
        })
        .collect()
}

/// The scores as terminal text.
pub fn text(report: &Report, profile: &Profile) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "项目支出绩效自评：自评得分与按评分方法计算的得分（模板 {}）",
        profile.id
    );
    let _ = writeln!(s, "评分方法：{}\n", profile.performance.method);
    let all = scores(report, profile);
    for (i, ps) in all.iter().enumerate() {
        let p = &report.projects[i];
        let e = &ps.eval;
        let b = &e.budget;
        let _ = writeln!(s, "{:>2} {}", i + 1, ps.name);
        let _ = writeln!(
            s,
            "   预算执行：年初预算 {}，全年预算 {}，执行 {}，执行率 {}，得分 {}",
            b.compiled.yuan(),
            b.full_year.yuan(),
            b.executed.yuan(),
            b.rate.map_or_else(|| "—".to_string(), |r| r.display()),
            b.score
        );
        let _ = writeln!(
            s,
            "   指标得分：自评 {}，按方法 {}（权重合计 {}）",
            e.indicator_score, e.proposed_indicator_score, e.weight_sum
        );
        let stated = match (ps.stated_total, ps.stated_grade) {
            (Some(t), Some(g)) => format!("{t}（{g}）"),
            (Some(t), None) => t.to_string(),
            _ => format!("{}（{}，计算）", e.total, e.grade),
        };
        let mark = if e.proposed_grade == e.grade {
            ""
        } else {
            "　← 等级不同"
        };
        let _ = writeln!(
            s,
            "   总得分：自评 {stated}，按方法 {}（{}）{mark}",
            e.proposed_total, e.proposed_grade
        );
        let differing: Vec<String> = p
            .indicators
            .iter()
            .zip(&e.indicators)
            .filter(|(ind, ev)| ev.proposed.is_some() && ind.score != ev.proposed)
            .map(|(ind, ev)| {
                format!(
                    "     {}：自评 {}，建议 {} —— {}",
                    ind.name,
                    ind.score
                        .map_or_else(|| "未填".to_string(), |x| x.to_string()),
                    ev.proposed.map_or_else(String::new, |x| x.to_string()),
                    ev.why
                )
            })
            .collect();
        if !differing.is_empty() {
            let _ = writeln!(s, "   与方法不同的指标：");
            for d in differing {
                let _ = writeln!(s, "{d}");
            }
        }
        let unknown: Vec<&str> = p
            .indicators
            .iter()
            .zip(&e.indicators)
            .filter(|(_, ev)| ev.proposed.is_none())
            .map(|(ind, _)| ind.name.as_str())
            .collect();
        if !unknown.is_empty() {
            let _ = writeln!(s, "   无法按方法判断（沿用自评）：{}", unknown.join("、"));
        }
        s.push('\n');
    }
    let count = |f: &dyn Fn(&ProjectScore) -> String| -> String {
        profile
            .performance
            .grades
            .iter()
            .map(|(g, _)| format!("{g} {}", all.iter().filter(|p| &f(p) == g).count()))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let _ = writeln!(
        s,
        "合计 {} 个项目。自评等级：{}；按方法：{}",
        all.len(),
        count(&|p| p.eval.grade.clone()),
        count(&|p| p.eval.proposed_grade.clone())
    );
    s
}
