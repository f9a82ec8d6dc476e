//! `juesuan check` (one input, or many in parallel with a summary; with
//! `--previous`, against last year's report) and `juesuan compare` (two years of
//! one department: what changed, and the cross-year rules).

use crate::output::{counts, findings_text};
use crate::{Outcome, fail, term};
use juesuan_engine::compare::{Comparison, FigureChange};
use juesuan_engine::{Against, Failure, Loaded, is_workbook, load};
use juesuan_model::{Finding, Severity};
use juesuan_rules::Family;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `juesuan check` was asked.
pub struct CheckArgs {
    /// Inputs (at least one).
    pub inputs: Vec<PathBuf>,
    /// `text` or `json`.
    pub format: String,
    /// Show information-level findings too.
    pub all: bool,
    /// Warnings count as errors.
    pub strict: bool,
    /// A stated narrative to compare with.
    pub narrative: Option<PathBuf>,
    /// Last year's report of the same department.
    pub previous: Option<PathBuf>,
    /// Its units' reports.
    pub units: Vec<PathBuf>,
}

/// The text of a failure, one line per problem.
pub fn failure_text(f: &Failure) -> String {
    match f {
        Failure::Input(errors) => {
            let mut s = String::new();
            for e in &errors.0 {
                let _ = writeln!(s, "错误：{e}");
            }
            let _ = writeln!(
                s,
                "输入无法使用（{} 处错误），未生成任何输出。",
                errors.0.len()
            );
            s
        }
        Failure::Other(m) => format!("错误：{m}\n"),
    }
}

fn unknown_format(format: &str) -> Option<ExitCode> {
    (!matches!(format, "text" | "json")).then(|| {
        fail(Failure::Other(format!(
            "未知的输出格式 “{format}”：可用 text、json"
        )))
    })
}

/// How findings name last year's report given on the command line.
fn previous_label(path: &Path) -> String {
    format!("上年度报告（{}）", path.display())
}

/// One line on a checked input: department, year, template and counts.
pub(crate) fn summary(l: &Loaded, input: &Path) -> String {
    let (e, w, i) = counts(&l.findings);
    format!(
        "检查 {}（{} {} 年度，模板 {}）：错误 {e} 处，警告 {w} 处，提示 {i} 处",
        input.display(),
        l.report.meta.department,
        l.report.meta.year,
        l.profile.id
    )
}

fn exit_of(findings: &[Finding], strict: bool) -> ExitCode {
    match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Error) => ExitCode::from(1),
        Some(Severity::Warning) if strict => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

fn json<T: Serialize>(v: &T) -> Outcome {
    match serde_json::to_string_pretty(v) {
        Ok(s) => term::outln(&s).map(|()| ExitCode::SUCCESS),
        Err(e) => Err(fail(Failure::Other(format!("无法输出 JSON：{e}")))),
    }
}

/// `juesuan check`.
pub fn check(a: &CheckArgs) -> Outcome {
    if let Some(code) = unknown_format(&a.format) {
        return Err(code);
    }
    if a.inputs.len() > 1 {
        if a.narrative.is_some() || a.previous.is_some() || !a.units.is_empty() {
            return Err(fail(Failure::Other(
                "--narrative、--previous 与 --unit 只能用于一份输入：请逐份检查".to_string(),
            )));
        }
        return many(a);
    }
    let input = &a.inputs[0];
    let previous = match &a.previous {
        Some(p) => Some((
            load(p, None, Against::default()).map_err(fail)?,
            previous_label(p),
        )),
        None => None,
    };
    let mut units = Vec::new();
    for u in &a.units {
        let l = load(u, None, Against::default()).map_err(fail)?;
        let label = format!("单位报告（{}，{}）", u.display(), l.report.meta.department);
        units.push((l, label));
    }
    let unit_refs: Vec<(&Loaded, &str)> = units.iter().map(|(l, s)| (l, s.as_str())).collect();
    let loaded = load(
        input,
        a.narrative.as_deref(),
        Against {
            previous: previous.as_ref().map(|(l, label)| (l, label.as_str())),
            units: &unit_refs,
        },
    )
    .map_err(fail)?;
    if a.format == "json" {
        let (errors, warnings, infos) = counts(&loaded.findings);
        json(&serde_json::json!({
            "schema": CHECK_SCHEMA,
            "input": input.display().to_string(),
            "department": loaded.report.meta.department,
            "year": loaded.report.meta.year,
            "profile": loaded.profile.id,
            "counts": { "error": errors, "warning": warnings, "info": infos },
            "findings": loaded.findings,
        }))?;
    } else {
        let mut s = findings_text(&loaded.findings, a.all);
        s.push_str(&summary(&loaded, input));
        s.push('\n');
        if loaded.findings.iter().all(|f| f.severity == Severity::Info) {
            s.push_str("未发现错误或警告。\n");
        }
        term::out(&s)?;
    }
    Ok(exit_of(&loaded.findings, a.strict))
}

/// The version of `check --format json`'s shape: an object with `schema`,
/// `counts` and `findings` (one input) or `inputs` (several).
const CHECK_SCHEMA: &str = "juesuan/check@1";

/// One input's result in `check --format json` of several inputs.
#[derive(Serialize)]
struct Checked<'a> {
    input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    department: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    year: Option<i32>,
    errors: usize,
    warnings: usize,
    infos: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<&'a [Finding]>,
    /// Why the input could not be used (exit code 2 for the whole run).
    #[serde(skip_serializing_if = "Option::is_none")]
    unusable: Option<String>,
}

/// Several inputs, checked in parallel; a summary at the end. Exit 2 when any
/// input is unusable, else 1 when any has an error (or a warning, `--strict`).
fn many(a: &CheckArgs) -> Outcome {
    let results = crate::parallel::each(
        &a.inputs,
        |p| p.display().to_string(),
        |p| load(p, None, Against::default()),
        |r| match r {
            Ok(l) => {
                let (e, w, _) = counts(&l.findings);
                format!("错误 {e}，警告 {w}")
            }
            Err(_) => "无法使用".to_string(),
        },
    );
    let (mut clean, mut failing, mut unusable) = (0, 0, 0);
    let mut code = ExitCode::SUCCESS;
    for r in &results {
        match r {
            Ok(l) if exit_of(&l.findings, a.strict) == ExitCode::SUCCESS => clean += 1,
            Ok(_) => failing += 1,
            Err(_) => unusable += 1,
        }
    }
    if failing > 0 {
        code = ExitCode::from(1);
    }
    if unusable > 0 {
        code = ExitCode::from(2);
    }
    if a.format == "json" {
        let rows: Vec<Checked<'_>> = a
            .inputs
            .iter()
            .zip(&results)
            .map(|(p, r)| match r {
                Ok(l) => {
                    let (errors, warnings, infos) = counts(&l.findings);
                    Checked {
                        input: p.display().to_string(),
                        department: Some(&l.report.meta.department),
                        year: Some(l.report.meta.year),
                        errors,
                        warnings,
                        infos,
                        findings: Some(&l.findings),
                        unusable: None,
                    }
                }
                Err(f) => Checked {
                    input: p.display().to_string(),
                    department: None,
                    year: None,
                    errors: 0,
                    warnings: 0,
                    infos: 0,
                    findings: None,
                    unusable: Some(failure_text(f).trim_end().to_string()),
                },
            })
            .collect();
        json(&serde_json::json!({
            "schema": CHECK_SCHEMA,
            "counts": { "clean": clean, "failing": failing, "unusable": unusable },
            "inputs": rows,
        }))?;
        return Ok(code);
    }
    let mut s = String::new();
    for (p, r) in a.inputs.iter().zip(&results) {
        let _ = writeln!(s, "══ {} ══", p.display());
        match r {
            Ok(l) => {
                s.push_str(&findings_text(&l.findings, a.all));
                s.push_str(&summary(l, p));
                s.push('\n');
            }
            Err(f) => s.push_str(&failure_text(f)),
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "共检查 {} 份：未发现错误 {clean} 份，有错误 {failing} 份{}，无法使用 {unusable} 份。",
        a.inputs.len(),
        if a.strict { "（含警告）" } else { "" }
    );
    term::out(&s)?;
    Ok(code)
}

/// `juesuan compare A B`: the two inputs in either order (the older year is
/// found from their data).
pub fn compare(first: &Path, second: &Path, format: &str, all: bool) -> Outcome {
    if let Some(code) = unknown_format(format) {
        return Err(code);
    }
    let a = load(first, None, Against::default()).map_err(fail)?;
    let b = load(second, None, Against::default()).map_err(fail)?;
    let ((old, old_path), (new, new_path)) = if a.report.meta.year <= b.report.meta.year {
        ((a, first), (b, second))
    } else {
        ((b, second), (a, first))
    };
    if old.report.meta.year == new.report.meta.year {
        return Err(fail(Failure::Other(format!(
            "{} 与 {} 都是 {} 年度的报告：compare 比较同一部门的两个年度",
            old_path.display(),
            new_path.display(),
            new.report.meta.year
        ))));
    }
    let consecutive = old.report.meta.year == new.report.meta.year - 1;
    let label = previous_label(old_path);
    // The cross-year rules: the newer report checked against the older one.
    let findings: Vec<Finding> = if consecutive {
        juesuan_engine::check(
            new.report.clone(),
            new.profile,
            is_workbook(new_path),
            None,
            Against {
                previous: Some((&old, &label)),
                ..Against::default()
            },
        )
        .map_err(fail)?
        .findings
        .into_iter()
        .filter(|f| {
            juesuan_rules::find(&f.rule).is_some_and(|r| r.info().family == Family::CrossYear)
        })
        .collect()
    } else {
        Vec::new()
    };
    let comparison = juesuan_engine::compare::compare(&old, &new);
    if format == "json" {
        #[derive(Serialize)]
        struct Out<'a> {
            department: &'a str,
            before: String,
            after: String,
            #[serde(flatten)]
            comparison: &'a Comparison,
            findings: &'a [Finding],
        }
        json(&Out {
            department: &new.report.meta.department,
            before: old_path.display().to_string(),
            after: new_path.display().to_string(),
            comparison: &comparison,
            findings: &findings,
        })?;
        return Ok(exit_of(&findings, false));
    }
    let mut s = format!(
        "比较 {} {} 年度（{}）与 {} 年度（{}）\n\n",
        new.report.meta.department,
        old.report.meta.year,
        old_path.display(),
        new.report.meta.year,
        new_path.display()
    );
    let years = (
        format!("{} 年度", old.report.meta.year),
        format!("{} 年度", new.report.meta.year),
    );
    s.push_str(&table("主要数据", &years, &comparison.headline, |c| {
        c.key.measure.label().to_string()
    }));
    if !comparison.largest.is_empty() {
        s.push('\n');
        s.push_str(&table(
            "本年支出变化最大的功能分类（类）",
            &years,
            &comparison.largest,
            |c| c.name.clone(),
        ));
    }
    s.push('\n');
    if all {
        s.push_str(&table(
            "全部不同的数据",
            &years,
            &comparison.changed,
            |c| c.name.clone(),
        ));
    } else {
        let _ = writeln!(
            s,
            "两年共有 {} 项数据不同（--all 逐项列出）。",
            comparison.changed.len()
        );
    }
    s.push('\n');
    if consecutive {
        s.push_str("跨年度核对（本年报告所述上年数、年初结转和结余与上年度报告）：\n\n");
        s.push_str(&findings_text(&findings, true));
        let (e, w, i) = counts(&findings);
        let _ = writeln!(s, "错误 {e} 处，警告 {w} 处，提示 {i} 处");
        if findings.is_empty() {
            s.push_str("本年报告所述的上年数均与上年度报告一致。\n");
        }
    } else {
        let _ = writeln!(
            s,
            "两个年度不相邻，不做上年数核对（需要 {} 年度的报告）。",
            new.report.meta.year - 1
        );
    }
    term::out(&s)?;
    Ok(exit_of(&findings, false))
}

/// Display width on a terminal: CJK and full-width characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

fn pad_left(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

fn pad_right(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// A table of figure changes, aligned for a terminal.
fn table(
    title: &str,
    years: &(String, String),
    rows: &[FigureChange],
    name: impl Fn(&FigureChange) -> String,
) -> String {
    let header = [
        String::new(),
        years.0.clone(),
        years.1.clone(),
        "增减额".to_string(),
        "增减率".to_string(),
    ];
    let body: Vec<[String; 5]> = rows
        .iter()
        .map(|c| {
            [
                name(c),
                c.before.display(),
                c.after.display(),
                c.change.display(),
                c.rate.map_or_else(|| "—".to_string(), |r| r.display()),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&body) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let mut s = format!("{title}\n");
    for row in std::iter::once(&header).chain(&body) {
        let mut line = pad_right(&row[0], widths[0]);
        for (w, cell) in widths.iter().zip(row).skip(1) {
            line.push_str("  ");
            line.push_str(&pad_left(cell, *w));
        }
        let _ = writeln!(s, "{}", line.trim_end());
    }
    s
}
