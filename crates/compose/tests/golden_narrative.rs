#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Golden tests of the narrative.
//!
//! 1. Our 第三部分 compared with the seed's, sentence by sentence (whitespace and line
//!    breaks ignored): every difference must be listed in
//!    `examples/jincheng-amr-2022/KNOWN_DIFFERENCES.md` (with the arithmetic that
//!    shows why), and every listed difference must still occur.
//! 2. The whole generated text (第一、三、四、五部分) equals the committed golden file;
//!    `UPDATE_GOLDEN=1 cargo test` rewrites it for review.

use juesuan_compose::{Block, Document};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn compose() -> (Document, &'static juesuan_profile::Profile) {
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    let d = juesuan_tables::derive_all(&report, profile);
    (
        juesuan_compose::compose(&report, profile, &d).unwrap(),
        profile,
    )
}

/// (section, seed sentence, our sentence); "（无）" where a side has none.
type Diff = (String, String, String);

fn actual_differences() -> BTreeMap<Diff, usize> {
    let (doc, profile) = compose();
    let seed =
        std::fs::read_to_string(root().join("../shared/seed/000_4d08a9674d8dc8ea.txt")).unwrap();
    juesuan_compose::narrative_diffs(&doc, profile, &seed)
        .into_iter()
        .fold(BTreeMap::new(), |mut m, d| {
            let key = (
                d.section,
                d.theirs.unwrap_or_else(|| "（无）".to_string()),
                d.ours.unwrap_or_else(|| "（无）".to_string()),
            );
            *m.entry(key).or_insert(0) += 1;
            m
        })
}

fn quoted(line: &str, key: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(key)?.trim();
    Some(
        rest.strip_prefix('`')
            .and_then(|r| r.strip_suffix('`'))
            .unwrap_or(rest)
            .to_string(),
    )
}

/// Each listed difference with how many times it is listed (a difference that
/// occurs twice is listed twice).
fn documented_differences() -> BTreeMap<Diff, usize> {
    let text =
        std::fs::read_to_string(root().join("examples/jincheng-amr-2022/KNOWN_DIFFERENCES.md"))
            .unwrap();
    let mut out = BTreeMap::new();
    let (mut section, mut seed) = (None, None);
    for line in text.lines() {
        if let Some(s) = quoted(line, "- section:") {
            section = Some(s);
        } else if let Some(s) = quoted(line, "- seed:") {
            seed = Some(s);
        } else if let Some(o) = quoted(line, "- ours:") {
            let s = seed
                .take()
                .expect("a “- ours:” line must follow a “- seed:” line");
            let sec = section
                .clone()
                .expect("a “- section:” line must come first");
            *out.entry((sec, s, o)).or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn every_difference_from_the_seed_is_known_and_explained() {
    let actual = actual_differences();
    let documented = documented_differences();
    let surplus = |a: &BTreeMap<Diff, usize>, b: &BTreeMap<Diff, usize>| -> Vec<Diff> {
        a.iter()
            .filter(|(k, n)| b.get(*k).copied().unwrap_or(0) < **n)
            .map(|(k, _)| k.clone())
            .collect()
    };
    let undocumented = surplus(&actual, &documented);
    let stale = surplus(&documented, &actual);
    let show = |v: &[Diff]| {
        v.iter()
            .map(|(s, a, b)| format!("- section: {s}\n- seed: `{a}`\n- ours: `{b}`\n"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        undocumented.is_empty() && stale.is_empty(),
        "\nUndocumented differences (add them to KNOWN_DIFFERENCES.md with the arithmetic):\n{}\n\nListed but no longer occurring (remove them):\n{}",
        show(&undocumented),
        show(&stale)
    );
    // The seed's first four sections are reproduced exactly.
    assert!(
        actual
            .keys()
            .all(|(s, _, _)| !["一", "二", "三", "四"].contains(&s.as_str()))
    );
}

/// The document's text parts as plain lines: `#`/`##`/`###` headings, paragraphs,
/// `[表 …]` for tables, `[图 …]` with every label for charts.
fn plain_text(doc: &Document) -> String {
    let mut s = String::new();
    for p in doc.parts.iter().filter(|p| p.id != "tables") {
        s.push_str(&format!("# {}\n", p.title));
        for b in &p.blocks {
            match b {
                Block::Heading { level, text, .. } => {
                    s.push_str(&format!("{} {text}\n", "#".repeat(usize::from(*level))))
                }
                Block::Paragraph { text } => s.push_str(&format!("{text}\n")),
                Block::Table(t) => s.push_str(&format!(
                    "[表 {} {}：{} 行]\n",
                    t.number,
                    t.title,
                    t.rows.len()
                )),
                Block::Chart(c) => {
                    s.push_str(&format!("[图 {}（{}）", c.title, c.unit));
                    for series in &c.series {
                        let cells: Vec<String> = c
                            .categories
                            .iter()
                            .zip(&series.labels)
                            .zip(&series.shares)
                            .map(|((cat, l), sh)| format!("{cat} {l} {sh}").trim_end().to_string())
                            .collect();
                        s.push_str(&format!(" {}：{}", series.name, cells.join("；")));
                    }
                    s.push_str("]\n");
                }
                Block::PageBreak => {}
            }
        }
    }
    s
}

#[test]
fn generated_text_matches_the_golden_file() {
    let (doc, _) = compose();
    let text = plain_text(&doc);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/jincheng-amr-2022.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let golden = std::fs::read_to_string(&path)
        .expect("golden file missing: run with UPDATE_GOLDEN=1 and review it");
    assert!(
        golden == text,
        "generated text differs from {}; review with UPDATE_GOLDEN=1 and git diff",
        path.display()
    );
}
