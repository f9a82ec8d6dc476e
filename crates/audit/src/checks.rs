//! Checks only a published text needs: tables and sections the template requires but
//! the text lacks or retitles, numbers that could not be read, 金额单位 not stated,
//! template leftovers, a phrase printed twice.
//!
//! Cost: numbers that could not be read give one finding per line and reason (their
//! count bounded by the lines, each quoting at most five of them); every other check
//! is one pass over the lines, each line compacted a bounded number of times; the
//! repeated-phrase search tries at most 33 lengths at each clause start. Time and
//! memory linear in the text.

use crate::assemble::{Assembled, source};
use crate::source::Source;
use crate::structure::Structure;
use crate::tokens::compact;
use juesuan_model::{Finding, Location, Severity};
use juesuan_profile::Profile;

/// Findings about the text's shape and what could not be read.
pub fn check(profile: &Profile, src: &Source, s: &Structure, tables: &Assembled) -> Vec<Finding> {
    let mut out = Vec::new();
    let paged = src.pages > 1;
    for &ti in &s.missing_tables {
        if let Some(def) = profile.tables.get(ti) {
            out.push(Finding::new(
                "AU-MISSING",
                Severity::Error,
                Location::Table {
                    table: def.number.clone(),
                },
                format!(
                    "没有找到{}{}（模板要求公开此表；无数据时也应公开并注明“本表无数据”）",
                    def.number, def.title
                ),
                "补齐缺少的公开表",
            ));
        }
    }
    if s.narrative.is_none() {
        out.push(Finding::new(
            "AU-MISSING",
            Severity::Error,
            Location::Report,
            "没有找到情况说明部分（“第三部分 … 情况说明”）",
            "补齐情况说明",
        ));
    } else {
        for &si in &s.missing_sections {
            if let Some(sec) = profile.narrative.sections.get(si) {
                out.push(Finding::new(
                    "AU-MISSING",
                    Severity::Error,
                    Location::Narrative {
                        section: sec.id.clone(),
                        quote: None,
                    },
                    format!("情况说明缺少“{}”", sec.title),
                    "按模板补齐各节",
                ));
            }
        }
    }
    for (si, printed) in &s.retitled {
        if let Some(sec) = profile.narrative.sections.get(*si) {
            out.push(
                Finding::new(
                    "AU-TITLE",
                    Severity::Warning,
                    Location::Narrative {
                        section: sec.id.clone(),
                        quote: Some(printed.clone()),
                    },
                    format!("标题为“{printed}”，模板为“{}”", sec.title),
                    "标题应与模板一致（常见原因：复制上一节后未改标题）",
                )
                .quote(sec.title.clone(), printed.clone()),
            );
        }
    }
    for r in &s.tables {
        let Some(def) = profile.tables.get(r.index) else {
            continue;
        };
        if r.unit.is_none() {
            out.push(Finding::new(
                "AU-UNIT",
                Severity::Warning,
                Location::Table {
                    table: def.number.clone(),
                },
                format!(
                    "{}没有注明金额单位，按模板的{}读取",
                    def.number,
                    profile.amount_unit.label()
                ),
                "每张表应注明“金额单位：元/万元”",
            ));
        }
    }
    // One finding per line and reason, however many numbers it holds: a line of
    // thousands of numbers is one thing to look at, and each finding quotes its line.
    let mut groups: Vec<(usize, usize, &str, Vec<&str>)> = Vec::new();
    for u in &tables.unread {
        match groups.last_mut() {
            Some((t, l, why, texts))
                if *t == u.table && *l == u.unread.line && *why == u.unread.why =>
            {
                texts.push(&u.unread.text);
            }
            _ => groups.push((u.table, u.unread.line, &u.unread.why, vec![&u.unread.text])),
        }
    }
    for (table, line, why, texts) in groups {
        let number = profile
            .tables
            .get(table)
            .map_or(String::new(), |d| d.number.clone());
        let shown: Vec<String> = texts.iter().take(5).map(|t| format!("“{t}”")).collect();
        let what = if texts.len() > shown.len() {
            format!("{}等 {} 个数", shown.join(""), texts.len())
        } else {
            shown.join("")
        };
        let mut f = Finding::new(
            "AU-UNREAD",
            Severity::Warning,
            Location::Table {
                table: number.clone(),
            },
            format!("{number}中的{what}无法读入表格：{why}"),
            if texts.len() > 1 {
                "这些数未经检查；请核对原文的排版"
            } else {
                "此数未经检查；请核对原文的排版"
            },
        );
        if let Some(l) = src.lines.get(line) {
            f.related.push(Location::Input(source(
                &src.path,
                l,
                texts.first().copied(),
                paged,
            )));
        }
        out.push(f);
    }
    // Text-level checks over every line.
    for l in &src.lines {
        // The line as the audit compacts it: a text the PDF's layers print twice
        // (`。。` for `。`) counts once.
        for what in juesuan_rules::text::leftovers(&compact(&l.text)) {
            let mut f = Finding::new(
                "AU-LEFTOVER",
                Severity::Error,
                Location::Input(source(&src.path, l, None, paged)),
                format!("{what}：“{}”", l.text.trim()),
                "删去模板占位符和未选的选项，填入实际内容",
            );
            f.related.clear();
            out.push(f);
        }
    }
    out.extend(repeats(src, s, profile));
    out.extend(years(src));
    out
}

/// The report's year: the most frequent `NNNN年度` of the text.
fn report_year(src: &Source) -> Option<u32> {
    let mut counts: std::collections::BTreeMap<u32, usize> = std::collections::BTreeMap::new();
    for l in &src.lines {
        let c = compact(&l.text);
        for (i, _) in c.match_indices("年度") {
            let digits: String = c
                .get(..i)
                .unwrap_or("")
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let (4, Ok(y)) = (digits.len(), digits.parse::<u32>()) {
                *counts.entry(y).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// Part titles naming another year; 截至 a date of another year; doubled punctuation.
fn years(src: &Source) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(year) = report_year(src) else {
        return out;
    };
    let paged = src.pages > 1;
    for l in &src.lines {
        let c = compact(&l.text);
        let at = || Location::Input(source(&src.path, l, None, paged));
        if c.starts_with("第")
            && c.contains("部分")
            && c.chars().count() <= 40
            && let Some(y) = year_before(&c, "年度").filter(|y| *y != year)
        {
            out.push(Finding::new(
                "AU-YEAR",
                Severity::Error,
                at(),
                format!(
                    "标题写的是 {y} 年度，报告是 {year} 年度：“{}”",
                    l.text.trim()
                ),
                "核对标题中的年度",
            ));
        }
        if let Some(i) = c.find("截至") {
            let rest = c.get(i + "截至".len()..).unwrap_or("");
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let (4, Ok(y)) = (digits.len(), digits.parse::<u32>())
                && y != year
                && rest
                    .get(4..)
                    .is_some_and(|r| r.starts_with("年12月31日") || r.starts_with("年末"))
            {
                out.push(Finding::new(
                    "AU-YEAR",
                    Severity::Warning,
                    at(),
                    format!("“截至{y}年…”：报告是 {year} 年度，年末数应截至 {year} 年 12 月 31 日"),
                    "核对日期中的年份",
                ));
            }
        }
        for dup in juesuan_rules::text::doubled(&c) {
            out.push(Finding::new(
                "AU-PUNCT",
                Severity::Warning,
                at(),
                format!("标点重复“{dup}”：“{}”", l.text.trim()),
                "删去重复的标点",
            ));
        }
    }
    out
}

/// A phrase of at least eight characters printed twice in a row (`人员经费…主要包括人员经费…主要包括`).
fn repeats(src: &Source, s: &Structure, profile: &Profile) -> Vec<Finding> {
    let mut out = Vec::new();
    let paged = src.pages > 1;
    for sec in &s.sections {
        let mut text: Vec<char> = Vec::new();
        let mut at: Vec<usize> = Vec::new();
        for li in sec.title + 1..sec.end {
            if let Some(l) = src.lines.get(li) {
                for ch in l.text.trim().chars() {
                    text.push(ch);
                    at.push(li);
                }
            }
        }
        for (i, len) in juesuan_rules::text::repeats(&text) {
            let phrase: String = text.get(i..i + len).unwrap_or(&[]).iter().collect();
            let section = profile
                .narrative
                .sections
                .get(sec.index)
                .map_or(String::new(), |x| x.id.clone());
            let mut f = Finding::new(
                "AU-REPEAT",
                Severity::Warning,
                Location::Narrative {
                    section,
                    quote: Some(format!("{phrase}{phrase}")),
                },
                format!("“{phrase}”连续出现两次"),
                "删去重复的文字",
            );
            if let Some(l) = at.get(i).and_then(|&li| src.lines.get(li)) {
                f.related
                    .push(Location::Input(source(&src.path, l, None, paged)));
            }
            out.push(f);
        }
    }
    out
}

/// The four-digit year written right before the first `marker` of `s`
/// (`第三部分…2023年度部门决算…`, `年度` → 2023).
pub fn year_before(s: &str, marker: &str) -> Option<u32> {
    let i = s.find(marker)?;
    let digits: String = s
        .get(..i)?
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}
