//! Comparing a stated 情况说明 (someone's text, e.g. a published report) with the one
//! we generate from the data, sentence by sentence.
//!
//! Both texts are cut into the profile's sections, whitespace is removed, and each
//! section is split after every 。 and ；. Sentences are aligned (dynamic programming
//! over sentence similarity), and each aligned pair that differs is classified by
//! its numbers: a number that differs beyond the stated precision is an error
//! ("增加47%" where the data give 68.36%); the same numbers written differently are
//! a formatting note ("10.8%" for 10.80%, "4502元" for 4,502.00元); a pair with the
//! same numbers but other words is a wording difference.

use crate::doc::{Block, Document};
use crate::narrative::Section;
use juesuan_profile::Profile;
use std::collections::BTreeMap;

/// A section of a narrative as sentences.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionText {
    /// Section id (`一` …).
    pub id: String,
    /// Sentences, whitespace removed, each ending with its 。 or ； when it has one.
    pub sentences: Vec<String>,
    /// For a stated text: the line (1-based) each sentence starts on; empty for ours.
    pub lines: Vec<usize>,
}

/// Removes all whitespace (spaces, full-width spaces, line breaks).
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Splits text (already squeezed) after every 。 and ；.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if c == '。' || c == '；' {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The 情况说明 of a composed document as sentence lists, one per section of the
/// profile (a section starts at each level-2 heading of the `narrative` part).
pub fn document_sections(doc: &Document, ids: &[String]) -> Vec<SectionText> {
    let Some(part) = doc.parts.iter().find(|p| p.id == "narrative") else {
        return Vec::new();
    };
    let mut sections: Vec<Section> = Vec::new();
    for b in &part.blocks {
        match b {
            Block::Heading { level: 2, text, .. } => {
                let id = ids.get(sections.len()).cloned().unwrap_or_default();
                sections.push(Section {
                    id,
                    title: text.clone(),
                    blocks: Vec::new(),
                });
            }
            other => {
                if let Some(s) = sections.last_mut() {
                    s.blocks.push(other.clone());
                }
            }
        }
    }
    our_sections(&sections)
}

/// Our sections as sentence lists; sub-headings are sentences of their own.
pub fn our_sections(sections: &[Section]) -> Vec<SectionText> {
    sections
        .iter()
        .map(|s| {
            let mut sents = Vec::new();
            let mut para = String::new();
            for b in &s.blocks {
                match b {
                    Block::Heading { text, .. } => {
                        sents.extend(sentences(&squeeze(&std::mem::take(&mut para))));
                        sents.push(squeeze(text));
                    }
                    Block::Paragraph { text } => para.push_str(text),
                    _ => {}
                }
            }
            sents.extend(sentences(&squeeze(&para)));
            let mut all = vec![squeeze(&s.title)];
            all.extend(sents);
            SectionText {
                id: s.id.clone(),
                sentences: all,
                lines: Vec::new(),
            }
        })
        .collect()
}

/// Whether a line is the heading of section `id` titled `title`: it starts with
/// `一、`…, is short, has no full stop, and resembles the title (a stated report may
/// word a title differently; that difference is then reported like any other).
fn is_section_heading(line: &str, id: &str, title: &str) -> bool {
    let t = squeeze(title);
    if line == t {
        return true;
    }
    let prefix = format!("{id}、");
    if !line.starts_with(&prefix) || line.contains('。') || line.chars().count() > 40 {
        return false;
    }
    let s = similarity(line, &t);
    s.common * 10 >= s.longest * 6
}

/// If a line is some text printed twice in a row (PDF extraction doubles bold
/// headings: "一、…说明一、…说明"), the text once.
fn undouble(line: &str) -> &str {
    let n = line.chars().count();
    if n.is_multiple_of(2) && n > 0 {
        let mid = line
            .char_indices()
            .nth(n / 2)
            .map_or(line.len(), |(i, _)| i);
        if let Some((a, b)) = line.split_at_checked(mid)
            && a == b
        {
            return a;
        }
    }
    line
}

/// Cuts a stated narrative (a whole report's text, or just its 第三部分) into the
/// given sections. `titles` are the section titles in order (`一、收入支出决算…`);
/// `headings` are the sub-headings we print (`（一）…`), which become sentences of
/// their own when a line consists of one. `furniture` lines (the running title) and
/// page numbers (`-19-`) are dropped. Text before the first title and from
/// `stop` on is ignored.
pub fn stated_sections(
    text: &str,
    ids_and_titles: &[(String, String)],
    headings: &[String],
    furniture: &[String],
    stop: &str,
) -> Vec<SectionText> {
    let mut out: Vec<SectionText> = Vec::new();
    // The paragraph so far (squeezed lines joined), and where each line starts in it
    // (byte offset, line number), to give each sentence the line it starts on.
    let mut para = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let flush =
        |para: &mut String, starts: &mut Vec<(usize, usize)>, out: &mut Vec<SectionText>| {
            if let Some(last) = out.last_mut() {
                let mut at = 0;
                for sentence in sentences(para) {
                    // The last line starting at or before the sentence (the starts
                    // are in order: a binary search keeps a paragraph of many lines
                    // and many sentences O(n log n)).
                    let after = starts.partition_point(|(from, _)| *from <= at);
                    let line = after
                        .checked_sub(1)
                        .and_then(|i| starts.get(i))
                        .map_or(0, |(_, n)| *n);
                    at += sentence.len();
                    last.sentences.push(sentence);
                    last.lines.push(line);
                }
            }
            para.clear();
            starts.clear();
        };
    for (number, raw) in (1..).zip(text.lines()) {
        let line = squeeze(raw);
        if line.is_empty() {
            continue;
        }
        let line = undouble(&line).to_string();
        let is_page_no = line
            .strip_prefix('-')
            .and_then(|r| r.strip_suffix('-'))
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if is_page_no || furniture.iter().any(|f| squeeze(f) == line) {
            continue;
        }
        if !out.is_empty() && line.contains(stop) {
            break;
        }
        let next = ids_and_titles
            .iter()
            .filter(|(id, _)| !out.iter().any(|s| &s.id == id))
            .find(|(id, t)| is_section_heading(&line, id, t));
        if let Some((id, _)) = next {
            flush(&mut para, &mut starts, &mut out);
            out.push(SectionText {
                id: id.clone(),
                sentences: vec![line.clone()],
                lines: vec![number],
            });
            continue;
        }
        if out.is_empty() {
            continue;
        }
        if headings.iter().any(|h| squeeze(h) == line) {
            flush(&mut para, &mut starts, &mut out);
            if let Some(last) = out.last_mut() {
                last.sentences.push(line);
                last.lines.push(number);
            }
            continue;
        }
        starts.push((para.len(), number));
        para.push_str(&line);
    }
    flush(&mut para, &mut starts, &mut out);
    out
}

/// Similarity of two sentences in [0, 1]: the share of characters they have in
/// common (as multisets), relative to the longer one.
fn similarity(a: &str, b: &str) -> Overlap {
    let mut counts: BTreeMap<char, i64> = BTreeMap::new();
    for c in a.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let mut common = 0_i64;
    for c in b.chars() {
        if let Some(n) = counts.get_mut(&c)
            && *n > 0
        {
            *n -= 1;
            common += 1;
        }
    }
    let longest = i64::try_from(a.chars().count().max(b.chars().count()))
        .unwrap_or(1)
        .max(1);
    Overlap { common, longest }
}

/// An exact ratio (no floats): `common / longest`.
#[derive(Clone, Copy)]
struct Overlap {
    common: i64,
    longest: i64,
}

/// Aligns two sentence lists; each pair is (ours, theirs), either side may be absent.
pub fn align(ours: &[String], theirs: &[String]) -> Vec<(Option<usize>, Option<usize>)> {
    // Costs in thousandths: a gap costs 1000; a pair costs 1000 × (1 − similarity),
    // and pairs under 40 % similar are not allowed to pair (two gaps instead).
    let (n, m) = (ours.len(), theirs.len());
    let pair_cost = |i: usize, j: usize| -> Option<i64> {
        if ours[i] == theirs[j] {
            return Some(0);
        }
        let s = similarity(&ours[i], &theirs[j]);
        if s.common * 10 < s.longest * 4 {
            None
        } else {
            Some(1000 - s.common * 1000 / s.longest)
        }
    };
    let mut cost = vec![vec![0_i64; m + 1]; n + 1];
    for i in 1..=n {
        cost[i][0] = cost[i - 1][0] + 1000;
    }
    for j in 1..=m {
        cost[0][j] = cost[0][j - 1] + 1000;
    }
    for i in 1..=n {
        for j in 1..=m {
            let mut best = cost[i - 1][j].min(cost[i][j - 1]) + 1000;
            if let Some(c) = pair_cost(i - 1, j - 1) {
                best = best.min(cost[i - 1][j - 1] + c);
            }
            cost[i][j] = best;
        }
    }
    let (mut i, mut j) = (n, m);
    let mut out = Vec::new();
    while i > 0 || j > 0 {
        if i > 0
            && j > 0
            && let Some(c) = pair_cost(i - 1, j - 1)
            && cost[i][j] == cost[i - 1][j - 1] + c
        {
            out.push((Some(i - 1), Some(j - 1)));
            i -= 1;
            j -= 1;
            continue;
        }
        if i > 0 && cost[i][j] == cost[i - 1][j] + 1000 {
            out.push((Some(i - 1), None));
            i -= 1;
        } else {
            out.push((None, Some(j - 1)));
            j -= 1;
        }
    }
    out.reverse();
    out
}

/// A number in a sentence, exactly: digits scaled by 10^decimals, with its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatedNumber {
    /// The text as written (`6,600,378.10`, `12.89%`).
    pub text: String,
    /// Value × 10^decimals.
    pub scaled: i128,
    /// Decimals written.
    pub decimals: u32,
    /// Followed by `%`.
    pub percent: bool,
    /// Followed by `万元` (else 元 or a plain count).
    pub wan: bool,
}

impl StatedNumber {
    /// The value in hundredths of its unit (fen for 元, 0.01 for %, 0.01 万元 …),
    /// when the text has at most two decimals.
    fn hundredths(&self) -> Option<i128> {
        (self.decimals <= 2).then(|| self.scaled * 10_i128.pow(2 - self.decimals))
    }
}

/// The numbers of a sentence, in order. Years before 年 and ordinal numbers of
/// list items (`1、`) are numbers too; comparison is positional.
pub fn numbers(s: &str) -> Vec<StatedNumber> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut text = String::new();
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (chars[i] == ',' && i + 1 < chars.len() && chars[i + 1].is_ascii_digit())
                || (chars[i] == '.' && i + 1 < chars.len() && chars[i + 1].is_ascii_digit()))
        {
            text.push(chars[i]);
            i += 1;
        }
        let digits: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
        let decimals = text
            .split_once('.')
            .map_or(0, |(_, f)| u32::try_from(f.len()).unwrap_or(0));
        let rest: String = chars[i..].iter().take(2).collect();
        let scaled = digits.parse::<i128>().unwrap_or(0);
        out.push(StatedNumber {
            percent: rest.starts_with('%') || rest.starts_with('％'),
            wan: rest.starts_with("万元"),
            text,
            scaled,
            decimals,
        });
    }
    out
}

/// How an aligned pair of sentences differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffKind {
    /// A number differs beyond the stated precision (or a number is missing/extra).
    Number {
        /// Ours.
        ours: String,
        /// Theirs.
        theirs: String,
    },
    /// Their sentence states numbers ours does not (and all ours are in theirs).
    ExtraNumber {
        /// The first such number.
        theirs: String,
    },
    /// Ours states numbers theirs does not (and all theirs are in ours).
    MissingNumber {
        /// The first such number.
        ours: String,
    },
    /// Same numbers, written with another precision or format.
    Format,
    /// Same numbers, other words.
    Wording,
    /// Only in our text.
    Missing,
    /// Only in theirs.
    Extra,
}

/// A difference between our narrative and a stated one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// Section id.
    pub section: String,
    /// The line of the stated text their sentence starts on.
    pub line: Option<usize>,
    /// Our sentence, if any.
    pub ours: Option<String>,
    /// Their sentence, if any.
    pub theirs: Option<String>,
    /// Classification.
    pub kind: DiffKind,
}

/// Whether their number is ours written with less precision or other separators.
fn same_number(ours: &StatedNumber, theirs: &StatedNumber) -> bool {
    if ours.percent != theirs.percent {
        return false;
    }
    if ours.scaled == theirs.scaled && ours.decimals == theirs.decimals {
        return true;
    }
    // Compare at their precision: ours 四舍五入 to their decimals.
    if theirs.decimals <= ours.decimals {
        let drop = 10_i128.pow(ours.decimals - theirs.decimals);
        let rounded = juesuan_model::round::div_round_half_away(ours.scaled, drop);
        return rounded == theirs.scaled;
    }
    matches!((ours.hundredths(), theirs.hundredths()), (Some(a), Some(b)) if a == b)
}

/// Pairs the numbers of two sentences by longest common subsequence (numbers equal
/// at the stated precision), returning the unpaired ones of each side in order.
fn unpaired<'a>(
    a: &'a [StatedNumber],
    b: &'a [StatedNumber],
) -> (Vec<&'a StatedNumber>, Vec<&'a StatedNumber>) {
    let (n, m) = (a.len(), b.len());
    let mut l = vec![vec![0_usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if same_number(&a[i], &b[j]) {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut ua, mut ub) = (Vec::new(), Vec::new());
    while i < n && j < m {
        if same_number(&a[i], &b[j]) {
            i += 1;
            j += 1;
        } else if l[i + 1][j] >= l[i][j + 1] {
            ua.push(&a[i]);
            i += 1;
        } else {
            ub.push(&b[j]);
            j += 1;
        }
    }
    ua.extend(&a[i..]);
    ub.extend(&b[j..]);
    (ua, ub)
}

fn shown(n: Option<&&StatedNumber>) -> String {
    n.map_or_else(
        || "（无）".to_string(),
        |n| format!("{}{}", n.text, if n.percent { "%" } else { "" }),
    )
}

/// Classifies a pair of differing sentences.
pub fn classify(ours: &str, theirs: &str) -> DiffKind {
    let a = numbers(ours);
    let b = numbers(theirs);
    let (ua, ub) = unpaired(&a, &b);
    match (ua.is_empty(), ub.is_empty()) {
        (false, false) => {
            return DiffKind::Number {
                ours: shown(ua.first()),
                theirs: shown(ub.first()),
            };
        }
        (true, false) => {
            return DiffKind::ExtraNumber {
                theirs: shown(ub.first()),
            };
        }
        (false, true) => {
            return DiffKind::MissingNumber {
                ours: shown(ua.first()),
            };
        }
        (true, true) => {}
    }
    let strip = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_ascii_digit() && *c != ',' && *c != '.')
            .collect()
    };
    if strip(ours) == strip(theirs) && a.iter().zip(&b).any(|(x, y)| x.text != y.text) {
        DiffKind::Format
    } else {
        DiffKind::Wording
    }
}

/// Every difference between our sections and stated ones, section by section.
pub fn diff(ours: &[SectionText], theirs: &[SectionText]) -> Vec<Difference> {
    let mut out = Vec::new();
    for o in ours {
        let empty = SectionText {
            id: o.id.clone(),
            sentences: Vec::new(),
            lines: Vec::new(),
        };
        let t = theirs.iter().find(|t| t.id == o.id).unwrap_or(&empty);
        for (i, j) in align(&o.sentences, &t.sentences) {
            let (os, ts) = (
                i.map(|i| o.sentences[i].clone()),
                j.map(|j| t.sentences[j].clone()),
            );
            let kind = match (&os, &ts) {
                (Some(a), Some(b)) if a == b => continue,
                (Some(a), Some(b)) => classify(a, b),
                (Some(_), None) => DiffKind::Missing,
                (None, Some(_)) => DiffKind::Extra,
                (None, None) => continue,
            };
            out.push(Difference {
                section: o.id.clone(),
                line: j.and_then(|j| t.lines.get(j).copied()).filter(|n| *n > 0),
                ours: os,
                theirs: ts,
                kind,
            });
        }
    }
    out
}

/// A sentence cut for marking: a number (digits with `.`, `,` and `%`) is one
/// piece, as is a run of ASCII letters; any other character is a piece of its own.
fn pieces(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let run = |f: fn(char) -> bool| rest.find(|c: char| !f(c)).unwrap_or(rest.len());
        let len = if c.is_ascii_digit() {
            run(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '%'))
        } else if c.is_ascii_alphabetic() {
            run(|c| c.is_ascii_alphabetic())
        } else {
            c.len_utf8()
        };
        let (piece, tail) = rest.split_at(len);
        out.push(piece);
        rest = tail;
    }
    out
}

/// The longest pieces marked on each side: the two sentences with what differs
/// between them in 【】 (a longest common subsequence of their pieces is left
/// unmarked). Sentences of more than 2,000 pieces are returned unmarked (the table
/// is quadratic).
pub fn marked(ours: &str, theirs: &str) -> (String, String) {
    let (a, b) = (pieces(ours), pieces(theirs));
    if a.len() > 2_000 || b.len() > 2_000 {
        return (ours.to_string(), theirs.to_string());
    }
    // lcs[i][j]: the common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut keep_a, mut keep_b) = (vec![false; a.len()], vec![false; b.len()]);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            keep_a[i] = true;
            keep_b[j] = true;
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    let render = |p: &[&str], keep: &[bool]| {
        let mut s = String::new();
        let mut open = false;
        for (piece, k) in p.iter().zip(keep) {
            if !k && !open {
                s.push('【');
                open = true;
            } else if *k && open {
                s.push('】');
                open = false;
            }
            s.push_str(piece);
        }
        if open {
            s.push('】');
        }
        s
    };
    (render(&a, &keep_a), render(&b, &keep_b))
}

/// Sentence-by-sentence differences between a stated 情况说明 `text` (a published
/// report's, last year's) and the one composed in `doc`: both cut into the
/// profile's sections, the stated text read up to the glossary part's title
/// (`第四部分`), then aligned by [`diff`]. What `check --narrative` reports.
pub fn narrative_diffs(doc: &Document, profile: &Profile, text: &str) -> Vec<Difference> {
    let ids: Vec<String> = profile
        .narrative
        .sections
        .iter()
        .map(|s| s.id.clone())
        .collect();
    let ours = document_sections(doc, &ids);
    let titles: Vec<(String, String)> = profile
        .narrative
        .sections
        .iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .collect();
    let headings: Vec<String> = doc
        .parts
        .iter()
        .flat_map(|p| &p.blocks)
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let stop = profile.part("glossary").map_or_else(
        || "第四部分".to_string(),
        |p| {
            p.title
                .split_whitespace()
                .next()
                .unwrap_or("第四部分")
                .to_string()
        },
    );
    let theirs = stated_sections(
        text,
        &titles,
        &headings,
        std::slice::from_ref(&doc.title),
        &stop,
    );
    diff(&ours, &theirs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_after_full_stops_and_semicolons() {
        assert_eq!(sentences("甲。乙；丙"), ["甲。", "乙；", "丙"]);
    }

    #[test]
    fn marks_what_differs_whole_numbers_at_a_time() {
        assert_eq!(
            marked("比上年增加68.36%，主要原因是", "比上年增加47%，主要原因是"),
            (
                "比上年增加【68.36%】，主要原因是".to_string(),
                "比上年增加【47%】，主要原因是".to_string()
            )
        );
        assert_eq!(
            marked("支出减少1,000.00元。", "支出增加1,000.00元。"),
            (
                "支出【减少】1,000.00元。".to_string(),
                "支出【增加】1,000.00元。".to_string()
            )
        );
        assert_eq!(marked("同", "同"), ("同".to_string(), "同".to_string()));
        assert_eq!(marked("", "多"), (String::new(), "【多】".to_string()));
    }

    #[test]
    fn a_stated_sentence_knows_its_line() {
        let text = "前言\n一、收入支出决算总体情况说明\n2022年度收入总计100元。支出\n总计100元。\n";
        let ids = [("一".to_string(), "一、收入支出决算总体情况说明".to_string())];
        let s = stated_sections(text, &ids, &[], &[], "第四部分");
        assert_eq!(s[0].sentences.len(), 3);
        assert_eq!(s[0].lines, [2, 3, 3]);
    }

    #[test]
    fn undoubles_extracted_headings() {
        assert_eq!(undouble("一、说明一、说明"), "一、说明");
        assert_eq!(undouble("一、说明"), "一、说明");
    }

    #[test]
    fn numbers_with_units() {
        let n = numbers("减少6,600,378.10元，下降12.89%，较上年增加76.68万元");
        assert_eq!(n.len(), 3);
        assert_eq!(n[0].scaled, 660_037_810);
        assert!(n[1].percent && n[1].decimals == 2);
        assert!(n[2].wan);
    }

    #[test]
    fn classifies_by_numbers_at_stated_precision() {
        assert_eq!(classify("下降10.80%，", "下降10.8%，"), DiffKind::Format);
        assert_eq!(classify("4,502.00元", "4502元"), DiffKind::Format);
        assert_eq!(
            classify("完成年初预算的105.78%", "完成年初预算的106%"),
            DiffKind::Format
        );
        assert!(matches!(
            classify("增长68.36%", "增加47%"),
            DiffKind::Number { .. }
        ));
        assert_eq!(classify("其他用车0辆。", "其他车0辆。"), DiffKind::Wording);
    }

    #[test]
    fn aligns_around_inserted_and_changed_sentences() {
        let a: Vec<String> = ["甲乙丙。", "丁戊己；", "庚辛壬。"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let b: Vec<String> = ["甲乙丙。", "多出来的一句话。", "丁戊巳；", "庚辛壬。"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let al = align(&a, &b);
        assert_eq!(
            al,
            vec![
                (Some(0), Some(0)),
                (None, Some(1)),
                (Some(1), Some(2)),
                (Some(2), Some(3))
            ]
        );
    }
}
