#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::float_arithmetic,
    clippy::cast_precision_loss,
    reason = "test code: a failed unwrap is a failed test; percentages of a report"
)]
//! The audit on the labelled corpus of `tests/audit/labels.json` — the seed, the
//! official Shanghai template, a published Shanghai report and its copy with injected
//! mistakes — measured: recall and precision per file and per rule family, written to
//! `docs/AUDIT_ACCURACY.md` (`UPDATE_GOLDEN=1` rewrites the tables there; the test fails
//! when the document and the measurement disagree). Floors: every injected mistake is
//! found at error or warning level, and no error-level finding on the published report
//! is unlabelled.

use juesuan_audit::source::Line;
use juesuan_model::{Finding, Location, Severity};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[derive(serde::Deserialize)]
struct Labels {
    files: Vec<File>,
}

#[derive(serde::Deserialize)]
struct File {
    path: String,
    name: String,
    labels: Vec<Label>,
}

#[derive(serde::Deserialize)]
struct Label {
    id: String,
    family: String,
    rules: Vec<String>,
    #[serde(rename = "match")]
    text: String,
    /// Every finding of the rules belongs to this label (an unfilled template).
    #[serde(default)]
    all: bool,
}

/// The family a finding's rule belongs to (as in the labels).
fn family(rule: &str) -> &'static str {
    match rule {
        r if r.starts_with("T-") || r.starts_with("XT-") => "表格算术",
        "AU-AMOUNT" | "AU-SHARE" | "AU-RATE" | "AU-CHANGE" | "AU-ZERO" | "AU-COMPARE" => {
            "情况说明与表"
        }
        "AU-WORD" | "AU-REPEAT" | "AU-PUNCT" => "用语",
        r if r.starts_with("PERF-") => "项目绩效",
        _ => "模板与结构",
    }
}

const FAMILIES: &[&str] = &[
    "表格算术",
    "情况说明与表",
    "用语",
    "模板与结构",
    "项目绩效",
    "列举内容",
];

/// What a finding says and quotes: its message, location, and the source lines it
/// points at (the line and the two after it, where a sentence may go on).
fn text_of(f: &Finding, lines: &[Line]) -> String {
    let mut s = format!(
        "{} {} {:?} {:?}",
        f.message, f.location, f.location, f.related
    );
    for r in &f.related {
        let Location::Input(src) = r else { continue };
        let Some(n) = src.line else { continue };
        let page: Option<u32> = src
            .file
            .rsplit_once(" 第")
            .and_then(|(_, p)| p.trim_end_matches('页').parse().ok());
        let at = lines.iter().position(|l| match page {
            Some(p) => l.page == p && l.in_page == n,
            None => l.no == n,
        });
        for l in at.into_iter().flat_map(|i| lines.iter().skip(i).take(3)) {
            s.push(' ');
            s.push_str(&l.text.split_whitespace().collect::<String>());
        }
    }
    s
}

fn matches(l: &Label, f: &Finding, lines: &[Line]) -> bool {
    l.rules.contains(&f.rule) && (l.all || text_of(f, lines).contains(&l.text))
}

#[derive(Default, Clone, Copy)]
struct Count {
    labels: usize,
    found: usize,
    flagged: usize,
    true_flagged: usize,
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "—".to_string()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}

#[test]
fn the_labelled_corpus() {
    let labels: Labels = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/audit/labels.json")).unwrap(),
    )
    .unwrap();
    let mut by_file = String::from(
        "| 文件 | 标注的错误 | 找到 | 召回率 | 错误+警告级发现 | 其中对应标注 | 精确率 | 未找到 |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut fam: Vec<(&str, Count)> = FAMILIES.iter().map(|f| (*f, Count::default())).collect();
    let mut problems = Vec::new();
    for file in &labels.files {
        let path = root().join(&file.path);
        let audit =
            juesuan_audit::audit_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let fs = &audit.findings;
        let lines = &audit.source.lines;
        let mut c = Count::default();
        let mut missed = Vec::new();
        for l in &file.labels {
            c.labels += 1;
            let found = fs.iter().any(|f| matches(l, f, lines));
            let e = &mut fam.iter_mut().find(|(n, _)| *n == l.family).unwrap().1;
            e.labels += 1;
            if found {
                c.found += 1;
                e.found += 1;
            } else {
                missed.push(l.id.clone());
            }
            // Every injected mistake at error or warning level.
            if l.id.starts_with("INJ-")
                && !fs
                    .iter()
                    .any(|f| f.severity != Severity::Info && matches(l, f, lines))
            {
                problems.push(format!("{}: {} not found", file.name, l.id));
            }
        }
        for f in fs.iter().filter(|f| f.severity != Severity::Info) {
            let labelled = file.labels.iter().any(|l| matches(l, f, lines));
            c.flagged += 1;
            let e = &mut fam
                .iter_mut()
                .find(|(n, _)| *n == family(&f.rule))
                .unwrap()
                .1;
            e.flagged += 1;
            if labelled {
                c.true_flagged += 1;
                e.true_flagged += 1;
            } else {
                println!(
                    "unlabelled: {} | {} | {}",
                    file.name,
                    f.rule,
                    text_of(f, lines)
                );
                if f.severity == Severity::Error && file.path.ends_with("caizhengju-2024.pdf") {
                    problems.push(format!("published report: unlabelled error {}", f.message));
                }
            }
        }
        by_file.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            file.name,
            c.labels,
            c.found,
            pct(c.found, c.labels),
            c.flagged,
            c.true_flagged,
            pct(c.true_flagged, c.flagged),
            if missed.is_empty() {
                "—".to_string()
            } else {
                missed.join("、")
            }
        ));
    }
    let mut by_family = String::from(
        "| 规则族 | 标注的错误 | 找到 | 召回率 | 错误+警告级发现 | 其中对应标注 | 精确率 |\n|---|---|---|---|---|---|---|\n",
    );
    let mut total = Count::default();
    for (name, c) in &fam {
        total.labels += c.labels;
        total.found += c.found;
        total.flagged += c.flagged;
        total.true_flagged += c.true_flagged;
        by_family.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} |\n",
            c.labels,
            c.found,
            pct(c.found, c.labels),
            c.flagged,
            c.true_flagged,
            pct(c.true_flagged, c.flagged)
        ));
    }
    by_family.push_str(&format!(
        "| 合计 | {} | {} | {} | {} | {} | {} |\n",
        total.labels,
        total.found,
        pct(total.found, total.labels),
        total.flagged,
        total.true_flagged,
        pct(total.true_flagged, total.flagged)
    ));
    let table = format!("{by_file}\n{by_family}");
    println!("{table}");
    let doc = root().join("docs/AUDIT_ACCURACY.md");
    let current = std::fs::read_to_string(&doc).unwrap_or_default();
    let (begin, end) = ("<!-- corpus:begin -->\n", "<!-- corpus:end -->");
    let updated = match (current.find(begin), current.find(end)) {
        (Some(b), Some(e)) if b < e => format!(
            "{}{begin}{table}{}",
            current.get(..b).unwrap_or(""),
            current.get(e..).unwrap_or("")
        ),
        _ => format!("{current}\n{begin}{table}{end}\n"),
    };
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&doc, &updated).unwrap();
    } else {
        assert!(
            updated == current,
            "docs/AUDIT_ACCURACY.md is out of date: run with UPDATE_GOLDEN=1 and review\n{table}"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
