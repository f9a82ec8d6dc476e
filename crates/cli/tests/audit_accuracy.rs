#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::float_arithmetic,
    clippy::cast_precision_loss,
    reason = "test code: a failed unwrap is a failed test; percentages of a report"
)]
//! How well the audit finds what is wrong, measured: our own report (consistent by
//! construction) is printed to PDF, read back as text, and mutated one figure or one
//! word at a time — the label is the mutation. A mutation is *found* when the audit of
//! the mutated text reports something new at the mutated table or section; every other
//! new finding is *spurious*. Recall and precision per family go to
//! `docs/AUDIT_ACCURACY.md` (`UPDATE_GOLDEN=1` rewrites the table there; the test fails
//! when the document and the measurement disagree, or when recall falls below the floor).

use juesuan_audit::source::from_text;
use juesuan_audit::tokens::{Kind, tokenize};
use juesuan_model::{Finding, Location, Severity};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn our_text() -> String {
    let t = tempfile::tempdir().unwrap();
    let s = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args([
            "build",
            root().join("examples/jincheng-amr-2022").to_str().unwrap(),
            "-o",
            t.path().to_str().unwrap(),
            "--format",
            "pdf",
        ])
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let out = Command::new("pdftotext")
        .args([
            "-layout",
            t.path().join("report.pdf").to_str().unwrap(),
            "-",
        ])
        .output()
        .expect("pdftotext (poppler-utils) is needed; scripts/test.sh installs it");
    String::from_utf8(out.stdout).unwrap()
}

/// A change of one token in one line.
#[derive(Clone, Debug)]
struct Mutation {
    family: &'static str,
    /// Index of the line in the text's lines (split on '\n').
    line: usize,
    from: String,
    to: String,
    /// `公开03表` or the narrative section id.
    place: String,
}

/// One digit of a number changed (the first of its integer part, +1, 9 → 1), keeping
/// the width of the text.
fn bump(s: &str) -> String {
    let mut done = false;
    s.chars()
        .map(|c| {
            if !done && c.is_ascii_digit() {
                done = true;
                match c {
                    '9' => '1',
                    d => char::from_u32(u32::from(d) + 1).unwrap_or(d),
                }
            } else {
                c
            }
        })
        .collect()
}

fn key(f: &Finding) -> String {
    format!("{}|{}|{}", f.rule, f.location, f.message)
}

fn relates(f: &Finding, m: &Mutation) -> bool {
    let loc = f.location.to_string();
    if loc.contains(&m.place) || f.message.contains(&m.place) {
        return true;
    }
    match &f.location {
        Location::Narrative { section, .. } => *section == m.place,
        _ => f.related.iter().any(|r| r.to_string().contains(&m.place)),
    }
}

fn audit(text: &str) -> Vec<Finding> {
    let src = from_text("mutated.txt", text.as_bytes()).unwrap();
    juesuan_audit::audit_source(src).unwrap().findings
}

#[derive(Default, Clone)]
struct Tally {
    n: usize,
    found: usize,
    related: usize,
    spurious: usize,
}

#[test]
fn mutations_of_our_own_report_are_found() {
    let text = our_text();
    let lines: Vec<&str> = text.split('\n').collect();
    let src = from_text("clean.txt", text.as_bytes()).unwrap();
    let (profile, structure) = juesuan_audit::detect(&src).unwrap();
    // The extracted lines map one to one to the text's lines except for form feeds,
    // which start pages: find each source line's index in `lines` by its number.
    let line_of = |i: usize| src.lines.get(i).map(|l| l.no - 1);
    let mut mutations = Vec::new();
    // Table figures: every 3rd amount of every table.
    for r in &structure.tables {
        let number = profile.tables[r.index].number.clone();
        let mut k = 0;
        for i in r.start..r.end {
            let Some(li) = line_of(i) else { continue };
            let Some(line) = lines.get(li) else { continue };
            for t in tokenize(line) {
                if let Kind::Amount { hundredths, .. } = t.kind {
                    if hundredths == 0 {
                        continue;
                    }
                    k += 1;
                    if k % 3 == 1 {
                        mutations.push(Mutation {
                            family: "表内数字",
                            line: li,
                            from: t.text.clone(),
                            to: bump(&t.text),
                            place: number.clone(),
                        });
                    }
                }
            }
        }
    }
    // Narrative: amounts, percentages and direction words, in every section.
    for sec in &structure.sections {
        let id = profile.narrative.sections[sec.index].id.clone();
        let (mut amounts, mut pcts, mut words) = (0, 0, 0);
        for i in sec.title + 1..sec.end {
            let Some(li) = line_of(i) else { continue };
            let Some(line) = lines.get(li) else { continue };
            for t in tokenize(line) {
                match t.kind {
                    Kind::Amount { hundredths, .. } if hundredths != 0 && amounts < 4 => {
                        amounts += 1;
                        mutations.push(Mutation {
                            family: "情况说明金额",
                            line: li,
                            from: t.text.clone(),
                            to: bump(&t.text),
                            place: id.clone(),
                        });
                    }
                    Kind::Percent { bp, .. } if bp != 0 && bp != 10000 && pcts < 3 => {
                        pcts += 1;
                        let from = format!("{}%", t.text);
                        mutations.push(Mutation {
                            family: "情况说明比率",
                            line: li,
                            from: from.clone(),
                            to: bump(&from),
                            place: id.clone(),
                        });
                    }
                    _ => {}
                }
            }
            for (a, b) in [("减少", "增加"), ("下降", "增长")] {
                if words < 2 && line.contains(a) {
                    words += 1;
                    mutations.push(Mutation {
                        family: "增减用语",
                        line: li,
                        from: a.to_string(),
                        to: b.to_string(),
                        place: id.clone(),
                    });
                }
            }
        }
    }
    assert!(mutations.len() > 100, "{} mutations", mutations.len());
    let clean = audit(&text);
    let clean_keys: BTreeSet<String> = clean.iter().map(key).collect();
    let clean_errors: Vec<String> = clean
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(key)
        .collect();
    let mut tallies: Vec<(&str, Tally)> = Vec::new();
    for m in &mutations {
        let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let line = mutated.get_mut(m.line).unwrap();
        *line = line.replacen(&m.from, &m.to, 1);
        let findings = audit(&mutated.join("\n"));
        let new: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning && !clean_keys.contains(&key(f)))
            .collect();
        let related = new.iter().filter(|f| relates(f, m)).count();
        let t = match tallies.iter_mut().find(|(f, _)| *f == m.family) {
            Some((_, t)) => t,
            None => {
                tallies.push((m.family, Tally::default()));
                &mut tallies.last_mut().unwrap().1
            }
        };
        t.n += 1;
        if related == 0 {
            println!(
                "missed: {} {} “{}” → “{}” in “{}”",
                m.family,
                m.place,
                m.from,
                m.to,
                lines.get(m.line).map_or("", |l| l.trim())
            );
        }
        t.found += usize::from(related > 0);
        t.related += related;
        t.spurious += new.len() - related;
    }
    let mut table = String::from(
        "| 变异类别 | 变异数 | 找到 | 召回率 | 新发现中指向变异处的 | 其他新发现 | 精确率 |\n|---|---|---|---|---|---|---|\n",
    );
    let mut total = Tally::default();
    for (family, t) in &tallies {
        let recall = 100.0 * t.found as f64 / t.n.max(1) as f64;
        let precision = 100.0 * t.related as f64 / (t.related + t.spurious).max(1) as f64;
        table.push_str(&format!(
            "| {family} | {} | {} | {recall:.1}% | {} | {} | {precision:.1}% |\n",
            t.n, t.found, t.related, t.spurious
        ));
        total.n += t.n;
        total.found += t.found;
        total.related += t.related;
        total.spurious += t.spurious;
    }
    table.push_str(&format!(
        "| 合计 | {} | {} | {:.1}% | {} | {} | {:.1}% |\n",
        total.n,
        total.found,
        100.0 * total.found as f64 / total.n.max(1) as f64,
        total.related,
        total.spurious,
        100.0 * total.related as f64 / (total.related + total.spurious).max(1) as f64
    ));
    table.push_str(&format!(
        "\n未变异的报告：错误级发现 {} 处。\n",
        clean_errors.len()
    ));
    println!("{table}");
    for e in &clean_errors {
        println!("clean error: {e}");
    }
    let doc = root().join("docs/AUDIT_ACCURACY.md");
    let current = std::fs::read_to_string(&doc).unwrap_or_default();
    let (begin, end) = ("<!-- mutations:begin -->\n", "<!-- mutations:end -->");
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
    // Floors: what the audit must keep finding.
    let recall = total.found * 100 / total.n.max(1);
    assert!(recall >= 80, "overall recall {recall}%");
}
