#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The structure of the nine tables of the official Shanghai 2024 template
//! (`../shared/corpus/shanghai-2024-template.txt`, `pdftotext -layout` of the PDF) is
//! the structure of profile shanghai-2024: every row label, code, header word and note
//! the template prints for a table is in our definition of that table, and every fixed
//! row we define is printed by the template.
//!
//! The text is read loosely: each table runs from its caption line to the next
//! caption (or 第三部分); words are split at whitespace, so a label the PDF wraps over
//! two lines (“二十二、灾害防治及应急管理支” / “出”) arrives in pieces, and a piece only
//! has to be part of one of our labels.

use juesuan_model::{EconomicCode, FunctionalCode};
use juesuan_profile::{Layout, Profile, TableDef};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn template() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/shanghai-2024-template.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn profile() -> &'static Profile {
    juesuan_profile::builtin("shanghai-2024").unwrap()
}

/// The lines of each table, in profile order: from the caption to the next caption.
fn segments<'a>(text: &'a str, p: &Profile) -> Vec<Vec<&'a str>> {
    let lines: Vec<&str> = text.lines().collect();
    let starts: Vec<usize> = p
        .tables
        .iter()
        .scan(0, |from, t| {
            let i = (*from..lines.len())
                .find(|&i| lines[i].trim() == t.title)
                .unwrap_or_else(|| panic!("caption {} not in the template", t.title));
            *from = i + 1;
            Some(i)
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).copied().unwrap_or_else(|| {
                (s..lines.len())
                    .find(|&i| lines[i].trim().starts_with("第三部分"))
                    .unwrap()
            });
            lines[s + 1..end].to_vec()
        })
        .collect()
}

fn is_cjk(c: char) -> bool {
    c > '\u{2e80}'
}

/// Whitespace-separated words with a Chinese character; a leading code is split off
/// (`30207邮电费` → `30207`, `邮电费`).
fn words(lines: &[&str]) -> (Vec<String>, Vec<String>) {
    let mut codes = Vec::new();
    let mut texts = Vec::new();
    for l in lines {
        // The template's instructions to the department, not part of the table.
        if l.contains("仍保留该表格式") {
            continue;
        }
        for w in l.split_whitespace() {
            let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
            let rest: String = w.chars().skip(digits.chars().count()).collect();
            if digits.len() >= 3 {
                codes.push(digits);
            }
            if rest.chars().any(is_cjk) {
                texts.push(rest);
            }
        }
    }
    (codes, texts)
}

/// Everything our definition of a table prints as text.
fn vocabulary(t: &TableDef, p: &Profile) -> Vec<String> {
    let mut v: Vec<String> = vec![
        t.title.clone(),
        format!("{}：{}", t.unit_label, p.amount_unit.label()),
    ];
    let dept = "上海市XX局";
    v.extend(t.note.iter().cloned());
    v.extend(
        t.empty_note
            .iter()
            .map(|n| n.replace("{{ department }}", dept)),
    );
    v.extend(t.header.iter().flatten().map(|h| h.text.clone()));
    match &t.layout {
        Layout::Panels { panels, .. } => {
            for panel in panels {
                v.extend(panel.name.iter().cloned());
                v.extend(panel.columns.iter().map(|c| c.label.clone()));
                v.extend(panel.rows.iter().map(|r| r.label.clone()));
            }
        }
        Layout::Functional { columns, .. } => {
            v.push("合计".to_string());
            v.extend(columns.iter().map(|c| c.label.clone()));
        }
        Layout::Economic {
            columns,
            groups,
            codes,
            ..
        } => {
            v.extend(columns.iter().map(|c| c.label.clone()));
            for g in groups {
                v.push(g.label.clone());
                v.push(g.total_label.clone());
            }
            for c in codes.iter().flatten() {
                v.extend(p.economic_catalog.name(c).map(String::from));
            }
        }
        Layout::Grid { columns, .. } => v.extend(columns.iter().map(|c| c.label.clone())),
    }
    v.into_iter()
        .map(|s| s.split_whitespace().collect::<String>())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Numbered row labels (`一、…`, `二十四、…`).
fn numbered(s: &str) -> bool {
    s.split_once('、').is_some_and(|(n, rest)| {
        !n.is_empty() && !rest.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
    })
}

#[test]
fn every_printed_word_of_the_template_tables_is_in_the_profile() {
    let text = template();
    let p = profile();
    let segs = segments(&text, p);
    assert_eq!(segs.len(), 9);
    for (t, lines) in p.tables.iter().zip(&segs) {
        let mut vocab = vocabulary(t, p);
        let (codes, words) = words(lines);
        if matches!(t.layout, Layout::Functional { .. }) {
            // The example rows (205 教育支出 …) print the catalog's names.
            vocab.extend(
                codes
                    .iter()
                    .filter_map(|c| FunctionalCode::parse(c).ok())
                    .filter_map(|c| p.functional_catalog.name(&c).map(String::from)),
            );
        }
        assert!(!words.is_empty(), "{}: nothing read", t.title);
        for w in &words {
            assert!(
                vocab.iter().any(|v| v.contains(w.as_str())),
                "{} {}: the template prints “{w}”, which is in none of our labels",
                t.number,
                t.title
            );
        }
    }
}

#[test]
fn two_sided_tables_have_exactly_the_template_rows() {
    let text = template();
    let p = profile();
    for (t, lines) in p.tables.iter().zip(segments(&text, p)) {
        let Layout::Panels { panels, .. } = &t.layout else {
            continue;
        };
        let ours: Vec<&str> = panels
            .iter()
            .flat_map(|x| &x.rows)
            .map(|r| r.label.as_str())
            .filter(|l| !l.is_empty())
            .collect();
        let (_, words) = words(&lines);
        // Template → ours: a numbered label is ours, or the start of one the PDF wrapped.
        for w in words.iter().filter(|w| numbered(w)) {
            assert!(
                ours.iter().any(|l| l.starts_with(w.as_str())),
                "{}: template row “{w}” missing",
                t.title
            );
        }
        // Ours → template: every row we define is printed (whole, or wrapped).
        for l in &ours {
            assert!(
                words
                    .iter()
                    .any(|w| w == l || (numbered(w) && l.starts_with(w.as_str()))),
                "{}: our row “{l}” is not in the template",
                t.title
            );
        }
        // Same number of rows per side: the template has no 行次, rows pair by position.
        let n: Vec<usize> = panels.iter().map(|x| x.rows.len()).collect();
        assert!(n.windows(2).all(|w| w[0] == w[1]), "{}: {n:?}", t.title);
    }
    // 表一: 24 numbered expenditure rows; the 2022 债务 rows are not in the 2024 template.
    let t1 = &segments(&text, p)[0];
    let (_, words) = words(t1);
    let exp: BTreeSet<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| numbered(w) && w.ends_with("支出"))
        .collect();
    assert_eq!(exp.len(), 24, "{exp:?}");
    assert!(
        !words
            .iter()
            .any(|w| w.contains("债务还本") || w.contains("债务付息"))
    );
}

#[test]
fn the_basic_expenditure_table_prints_exactly_the_template_codes() {
    let text = template();
    let p = profile();
    let segs = segments(&text, p);
    let t = p.table("06").unwrap();
    let Layout::Economic {
        codes: Some(codes),
        blocks,
        ..
    } = &t.layout
    else {
        panic!("表六 is an economic table with its codes");
    };
    let (printed, _) = words(&segs[5]);
    let printed: BTreeSet<String> = printed.into_iter().collect();
    let ours: BTreeSet<String> = codes.iter().map(ToString::to_string).collect();
    assert_eq!(printed, ours);
    assert_eq!(blocks.len(), 2, "人员经费 and 公用经费 side by side");
    for c in codes {
        assert!(EconomicCode::parse(c.as_str()).is_ok());
    }
}

#[test]
fn example_codes_of_the_functional_tables_have_their_printed_names() {
    let text = template();
    let p = profile();
    for (t, lines) in p.tables.iter().zip(segments(&text, p)) {
        if !matches!(t.layout, Layout::Functional { .. }) {
            continue;
        }
        let (codes, _) = words(&lines);
        for c in codes {
            let code = FunctionalCode::parse(&c).unwrap();
            assert!(
                p.functional_catalog.get(&code).is_some(),
                "{}: example code {c} not in the catalog",
                t.title
            );
            assert!(p.classes().contains(&code.class()), "{c}");
        }
    }
}

#[test]
fn notes_and_empty_notes_are_the_template_s() {
    let text = template();
    let p = profile();
    let flat: String = text.split_whitespace().collect();
    for t in &p.tables {
        let note = t.note.as_deref().unwrap();
        assert!(flat.contains(note), "{}: {note}", t.title);
        if let Some(n) = &t.empty_note {
            let n = n.replace("{{ department }}", "上海市XX局");
            assert!(flat.contains(&n), "{}: {n}", t.title);
        }
    }
}
