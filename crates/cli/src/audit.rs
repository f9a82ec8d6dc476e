//! `juesuan audit` and `juesuan extract`: published reports (PDF or extracted text)
//! read back and checked; several files on both cores, with progress, and a summary
//! CSV for batches.

use crate::Outcome;
use crate::output::{
    DirMode, Inputs, check_dir, check_files, counts, format_of_extension, write_dir, write_files,
};
use crate::term;
use juesuan_audit::{Audit, AuditError};
use juesuan_model::{Finding, Location, Severity};
use juesuan_render::html::esc;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// One input's outcome.
struct InputOutcome {
    path: PathBuf,
    result: Result<Audit, AuditError>,
    elapsed: Duration,
}

/// Audits every input in parallel, with progress when there are several.
fn run_all(inputs: &[PathBuf]) -> Vec<InputOutcome> {
    crate::parallel::each(
        inputs,
        |p| p.display().to_string(),
        |path| {
            let start = Instant::now();
            let result = juesuan_audit::audit_path(path);
            InputOutcome {
                path: path.clone(),
                result,
                elapsed: start.elapsed(),
            }
        },
        |o| match &o.result {
            Ok(a) => {
                let (e, w, _) = counts(&a.findings);
                format!("错误 {e}，警告 {w}")
            }
            Err(_) => "无法审计".to_string(),
        },
    )
}

/// The text of a line a finding points to, for quoting.
fn quoted(a: &Audit, f: &Finding) -> Option<String> {
    if let Location::Narrative { quote: Some(q), .. } = &f.location {
        return Some(q.clone());
    }
    let src = f.related.iter().find_map(|l| match l {
        Location::Input(s) => Some(s),
        _ => None,
    });
    let src = src.or(match &f.location {
        Location::Input(s) => Some(s),
        _ => None,
    })?;
    let line = src.line?;
    let lines = &a.source.lines;
    // The source's lines are in document order (page, then line): a binary search,
    // not a scan per finding (a report can have as many findings as lines).
    let i = if a.source.pages > 1 {
        let page: u32 = src
            .file
            .strip_suffix("页")?
            .rsplit_once('第')?
            .1
            .parse()
            .ok()?;
        lines
            .binary_search_by_key(&(page, line), |l| (l.page, l.in_page))
            .ok()?
    } else {
        lines.binary_search_by_key(&line, |l| l.no).ok()?
    };
    lines.get(i).map(|l| l.text.trim().to_string())
}

/// Where a finding is, as a file position when known.
fn position(f: &Finding) -> Option<String> {
    f.related
        .iter()
        .chain(std::iter::once(&f.location))
        .find_map(|l| match l {
            Location::Input(s) => Some(s.to_string()),
            _ => None,
        })
}

fn summary_line(a: &Audit) -> String {
    let (e, w, i) = counts(&a.findings);
    let read: usize = a
        .tables
        .tables
        .tables
        .iter()
        .flat_map(|t| &t.panels)
        .flat_map(|p| &p.rows)
        .flat_map(|r| &r.cells)
        .filter(|c| c.value.is_some())
        .count();
    let kind = match a.source.kind {
        juesuan_audit::SourceKind::Pdf => format!("PDF {} 页", a.source.pages),
        juesuan_audit::SourceKind::Text => "文本".to_string(),
    };
    format!(
        "审计 {}（{kind}，模板 {}）：读入 {} 张表 {read} 个数、情况说明 {} 节；错误 {e} 处，警告 {w} 处，提示 {i} 处",
        a.source.path,
        a.profile.id,
        a.structure.tables.len(),
        a.structure.sections.len()
    )
}

/// Findings as text, grouped by severity, each with its quoted source.
fn text(a: &Audit, show_info: bool) -> String {
    let mut s = String::new();
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let group: Vec<&Finding> = a.findings.iter().filter(|f| f.severity == sev).collect();
        if group.is_empty() || (sev == Severity::Info && !show_info) {
            continue;
        }
        let _ = writeln!(s, "── {}（{} 处）──", sev.label(), group.len());
        for f in group {
            let _ = writeln!(s, "{} [{}] {}", sev.label(), f.rule, f.location);
            let _ = writeln!(s, "  {}", f.message);
            if let Some(q) = quoted(a, f) {
                let _ = writeln!(s, "  原文：“{q}”");
            }
            if let Some(p) = position(f) {
                let _ = writeln!(s, "  位置：{p}");
            }
            let _ = writeln!(s, "  处理：{}", f.hint);
        }
        s.push('\n');
    }
    s
}

fn json_value(a: &Audit) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = a
        .findings
        .iter()
        .map(|f| {
            let mut v = serde_json::to_value(f).unwrap_or_default();
            if let Some(q) = quoted(a, f) {
                v["source_text"] = serde_json::Value::String(q);
            }
            v
        })
        .collect();
    let tables: Vec<serde_json::Value> = a
        .profile
        .tables
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let region = a.structure.tables.iter().find(|r| r.index == i);
            serde_json::json!({
                "number": d.number,
                "title": d.title,
                "found": region.is_some(),
                "unit": region.and_then(|r| r.unit).map(|u| u.0.label()),
                "page": region.and_then(|r| a.source.lines.get(r.caption)).map(|l| l.page),
            })
        })
        .collect();
    let (e, w, i) = counts(&a.findings);
    serde_json::json!({
        "schema": "juesuan/audit@1",
        "file": a.source.path,
        "kind": a.source.kind,
        "pages": a.source.pages,
        "profile": a.profile.id,
        "counts": { "error": e, "warning": w, "info": i },
        "tables": tables,
        "figures": a.tables.tables,
        "findings": findings,
    })
}

/// A self-contained HTML page of the findings of every input.
fn html(audits: &[&Audit]) -> String {
    let mut s = String::from(
        "<!doctype html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>决算公开报告审计结果</title>\n<style>\nbody{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.6}\nh1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;padding-bottom:.2em}\ntable{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}\nth,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}\nth{background:#f0f0f0}\n.error{color:#b00020;font-weight:bold}.warning{color:#b26a00;font-weight:bold}.info{color:#555}\nblockquote{margin:.3em 0;padding:.2em .6em;border-left:3px solid #ccc;background:#fafafa;color:#444}\n.rule{font-family:monospace;white-space:nowrap}.where{color:#666;font-size:.9em}td.error,td.warning,td.info{white-space:nowrap}\ntd,blockquote,h2{overflow-wrap:anywhere}\n@media (max-width:600px){body{margin:1em auto}table,tbody,tr,td{display:block;width:auto}thead{display:none}tr{border:1px solid #ccc;margin:0 0 .8em;padding:.3em .5em}td{border:none;padding:.15em 0}}\n</style>\n</head>\n<body>\n<h1>决算公开报告审计结果</h1>\n",
    );
    // A batch: one line per report, linked to its section.
    if audits.len() > 1 {
        s.push_str("<table>\n<thead><tr><th>报告</th><th>模板</th><th>错误</th><th>警告</th><th>提示</th></tr></thead>\n<tbody>\n");
        for (i, a) in audits.iter().enumerate() {
            let (e, w, n) = counts(&a.findings);
            let _ = writeln!(
                s,
                "<tr><td><a href=\"#r{i}\">{}</a></td><td>{}</td><td class=\"error\">{e}</td><td class=\"warning\">{w}</td><td>{n}</td></tr>",
                esc(&a.source.path),
                esc(&a.profile.id)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    for (i, a) in audits.iter().enumerate() {
        let _ = writeln!(
            s,
            "<h2 id=\"r{i}\">{}</h2>\n<p>{}</p>",
            esc(&a.source.path),
            esc(&summary_line(a))
        );
        if a.findings.is_empty() {
            s.push_str("<p>未发现问题。</p>\n");
            continue;
        }
        s.push_str("<table>\n<thead><tr><th>级别</th><th>规则</th><th>位置与说明</th><th>原文</th></tr></thead>\n<tbody>\n");
        for f in &a.findings {
            let class = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let place = f.location.to_string();
            // The line of the source, unless the location already is it.
            let at = position(f).filter(|p| *p != place).unwrap_or_default();
            let _ = writeln!(
                s,
                "<tr><td class=\"{class}\">{}</td><td class=\"rule\">{}</td><td>{}<br>{}<div class=\"where\">{}</div><div class=\"where\">处理：{}</div></td><td>{}</td></tr>",
                f.severity.label(),
                esc(&f.rule),
                esc(&place),
                esc(&f.message),
                esc(&at),
                esc(&f.hint),
                quoted(a, f)
                    .map(|q| format!("<blockquote>{}</blockquote>", esc(&q)))
                    .unwrap_or_default()
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</body>\n</html>\n");
    s
}

/// A text cell of a CSV meant for a spreadsheet, neutralised per the OWASP
/// CSV-injection guidance: a cell starting with `=`, `+`, `-`, `@`, tab or carriage
/// return would be read as a formula, so it gets a leading `'`. Numbers are written
/// as they are (they never go through this).
pub fn spreadsheet_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// One CSV row per input (RFC 4180 quoting by the `csv` crate; text cells
/// neutralised by [`spreadsheet_safe`]).
fn summary_csv(outcomes: &[InputOutcome]) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| format!("无法生成汇总表：{e}");
    w.write_record([
        "文件",
        "部门",
        "年度",
        "结果",
        "模板",
        "类型",
        "页数",
        "识别的表",
        "错误",
        "警告",
        "提示",
        "用时（秒）",
        "说明",
    ])
    .map_err(fail)?;
    for o in outcomes {
        let ms = o.elapsed.as_millis();
        let secs = format!("{}.{:03}", ms / 1000, ms % 1000);
        let file = spreadsheet_safe(&o.path.display().to_string());
        let row: Vec<String> = match &o.result {
            Ok(a) => {
                let (e, w, i) = counts(&a.findings);
                let kind = match a.source.kind {
                    juesuan_audit::SourceKind::Pdf => "PDF",
                    juesuan_audit::SourceKind::Text => "文本",
                };
                let status = if e > 0 { "有错误" } else { "无错误" };
                let year = year(a);
                vec![
                    file,
                    spreadsheet_safe(&department(a)),
                    if year > 0 {
                        year.to_string()
                    } else {
                        String::new()
                    },
                    status.to_string(),
                    spreadsheet_safe(&a.profile.id),
                    kind.to_string(),
                    a.source.pages.to_string(),
                    a.structure.tables.len().to_string(),
                    e.to_string(),
                    w.to_string(),
                    i.to_string(),
                    secs,
                    String::new(),
                ]
            }
            Err(err) => {
                let mut r = vec![file, String::new(), String::new(), "无法读取".to_string()];
                r.extend(std::iter::repeat_n(String::new(), 7));
                r.push(secs);
                r.push(spreadsheet_safe(&err.to_string()));
                r
            }
        };
        w.write_record(&row).map_err(fail)?;
    }
    w.into_inner().map_err(|e| format!("无法生成汇总表：{e}"))
}

/// The audit's output format: `--format` if given, else the one `-o`'s extension
/// names, else text; both given and disagreeing is refused.
fn audit_format(format: Option<&str>, output: Option<&Path>) -> Result<&'static str, String> {
    let known = |f: &str| match f {
        "text" => Some("text"),
        "json" => Some("json"),
        "html" => Some("html"),
        _ => None,
    };
    let given = match format {
        Some(f) => {
            Some(known(f).ok_or_else(|| format!("未知的输出格式 “{f}”：可用 text、json、html"))?)
        }
        None => None,
    };
    let named = output.and_then(|o| format_of_extension(o).map(|f| (o, f)));
    match (given, named) {
        (Some(g), Some((o, f))) if g != f => Err(format!(
            "输出文件 {} 的扩展名表示 {f} 格式，与 --format {g} 不符：请让两者一致（或去掉其中之一）",
            o.display()
        )),
        (Some(g), _) => Ok(g),
        (None, Some((o, f))) => known(f).ok_or_else(|| {
            format!(
                "输出文件 {} 的扩展名表示 {f} 格式，而 audit 只输出 text（.txt）、json（.json）、html（.html）{}",
                o.display(),
                if f == "csv" {
                    "；每个输入一行的汇总表请用 --summary"
                } else {
                    ""
                }
            )
        }),
        (None, None) => Ok("text"),
    }
}

/// `juesuan audit`.
pub fn audit(
    inputs: &[PathBuf],
    format: Option<&str>,
    output: Option<&Path>,
    summary: Option<(&Path, bool)>,
    all: bool,
) -> Outcome {
    // The summary's path, and whether it starts with a BOM (`--csv-bom`).
    let (summary, bom) = match summary {
        Some((p, b)) => (Some(p), b),
        None => (None, false),
    };
    let refuse = |m: String| {
        term::errln(&format!("错误：{m}"));
        ExitCode::from(2)
    };
    let format = audit_format(format, output).map_err(refuse)?;
    if let Some(sum) = summary
        && let Some(f) = format_of_extension(sum).filter(|f| *f != "csv" && *f != "text")
    {
        return Err(refuse(format!(
            "汇总表 {} 的扩展名表示 {f} 格式，而 --summary 写的是 CSV：请用 .csv 文件名",
            sum.display()
        )));
    }
    if inputs.is_empty() {
        return Err(refuse("没有指定要审计的文件".to_string()));
    }
    // Outputs are checked before the (possibly long) audit runs, and again when written.
    let read = Inputs::of(inputs);
    let mut targets: Vec<&Path> = output.into_iter().collect();
    targets.extend(summary);
    check_files(&targets, &read).map_err(refuse)?;
    let outcomes = run_all(inputs);
    let mut worst = 0u8;
    let audits: Vec<&Audit> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok())
        .collect();
    let mut errors = String::new();
    for o in &outcomes {
        match &o.result {
            Err(e) => {
                errors.push_str(&format!("错误：{e}\n"));
                worst = 2;
            }
            Ok(a) => {
                if a.findings.iter().any(|f| f.severity == Severity::Error) {
                    worst = worst.max(1);
                }
            }
        }
    }
    term::err(&errors);
    let rendered = match format {
        "json" => {
            let v: Vec<serde_json::Value> = audits.iter().map(|a| json_value(a)).collect();
            let v = if v.len() == 1 {
                v.into_iter().next().unwrap_or_default()
            } else {
                serde_json::Value::Array(v)
            };
            serde_json::to_string_pretty(&v).map_err(|e| refuse(format!("无法生成 JSON：{e}")))?
                + "\n"
        }
        "html" => html(&audits),
        _ => {
            let mut s = String::new();
            for a in &audits {
                s.push_str(&text(a, all));
                let _ = writeln!(s, "{}", summary_line(a));
                s.push('\n');
            }
            s
        }
    };
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    // Nothing read: no findings to write (the summary still lists why, in a batch).
    if let Some(out) = output.filter(|_| !audits.is_empty()) {
        files.push((out.to_path_buf(), rendered.clone().into_bytes()));
    }
    if let Some(sum) = summary {
        let mut csv = summary_csv(&outcomes).map_err(refuse)?;
        if bom {
            juesuan_render::opendata::prepend_bom(&mut csv);
        }
        files.push((sum.to_path_buf(), csv));
    }
    write_files(&files, &read).map_err(refuse)?;
    match output {
        None => term::out(&rendered)?,
        Some(out) if !audits.is_empty() => term::note(&format!("已写入 {}", out.display()))?,
        Some(_) => {}
    }
    Ok(ExitCode::from(worst))
}

/// `juesuan extract`: the figures of a published report as open-data CSV.
pub fn extract(input: &Path, out: &Path, bom: bool) -> Outcome {
    let refuse = |m: String| {
        term::errln(&format!("错误：{m}"));
        ExitCode::from(2)
    };
    // A folder that cannot be used is said before the audit, not after it.
    check_dir(out, DirMode::NewOrEmpty).map_err(refuse)?;
    let a = juesuan_audit::audit_path(input).map_err(|e| refuse(e.to_string()))?;
    let mut report = juesuan_model::Report::default();
    report.meta.profile = a.profile.id.clone();
    report.meta.department = department(&a);
    report.meta.year = year(&a);
    // Only the tables the text shows: a table not found is not a table of zeros.
    let found = juesuan_model::TableSet {
        tables: a
            .tables
            .tables
            .tables
            .iter()
            .zip(&a.tables.found)
            .filter(|(_, found)| **found)
            .map(|(t, _)| t.clone())
            .collect(),
    };
    let files = juesuan_render::opendata::render(&report, &found)
        .map_err(|e| refuse(format!("无法生成数据：{e}")))?;
    let json = serde_json::to_string_pretty(&json_value(&a))
        .map_err(|e| refuse(format!("无法生成 JSON：{e}")))?
        + "\n";
    let mut all: Vec<(String, Vec<u8>)> = files;
    if bom {
        juesuan_render::opendata::with_bom(&mut all).map_err(refuse)?;
    }
    all.push(("audit.json".to_string(), json.into_bytes()));
    write_dir(out, &all, &Inputs::of(&[input]), DirMode::NewOrEmpty).map_err(refuse)?;
    term::note(&summary_line(&a))?;
    term::note(&format!(
        "已写入 {}：data/（{} 张表的数字，CSV）、audit.json",
        out.display(),
        a.structure.tables.len()
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The department: the report's 部门名称 line, else the name before the year in a
/// title such as `第三部分 上海市普陀区财政局2024年度部门决算情况说明`.
fn department(a: &Audit) -> String {
    let lines = &a.source.lines;
    let named = lines.iter().find_map(|l| {
        let t = l.text.trim();
        let i = t.find("名称：")?;
        let rest = t.get(i + "名称：".len()..)?;
        let name: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        (!name.is_empty()).then_some(name)
    });
    named
        .or_else(|| {
            lines.iter().find_map(|l| {
                let t: String = l.text.split_whitespace().collect();
                let end = t.find("年度部门决算")?;
                let before = t.get(..end)?.trim_end_matches(|c: char| c.is_ascii_digit());
                let name = before.rsplit("部分").next()?.to_string();
                (name.chars().count() >= 3 && !name.contains("XX")).then_some(name)
            })
        })
        .unwrap_or_default()
}

/// The year in the first `NNNN年度` of the text.
fn year(a: &Audit) -> i32 {
    a.source
        .lines
        .iter()
        .find_map(|l| juesuan_audit::checks::year_before(&l.text, "年度"))
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or(0)
}
