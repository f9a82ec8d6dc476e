//! The narrative's claims: every amount, share, year-on-year change and completion
//! rate the 情况说明 states, checked against each other and against the tables.
//!
//! Printed figures are intervals: `4224.31万元` is any amount within ±0.005 万元, `12.9%`
//! any rate within ±0.05 %. A claim is wrong only when no values inside the intervals
//! of its operands give the rate it states; everything is integer arithmetic.
//!
//! Which figure an amount claims to be is learnt from the profile's own templates:
//! `收入总计{{ yuan(f("grand.income")) }}元` says that in its section an amount after
//! “收入总计” is `grand.income`; the audit compares it with what the tables print.

use crate::source::Line;
use crate::structure::Structure;
use crate::tokens::normalize;
use juesuan_model::{AmountUnit, Finding, Key, Location, Money, Num, Percent, Severity, SourceRef};
use juesuan_profile::Profile;
use std::collections::BTreeMap;

/// An amount printed in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Amount {
    /// Hundredths of the unit (or the integer, for counts).
    value: i64,
    /// Decimals printed.
    decimals: u32,
    unit: AmountUnit,
    /// Character position in the sentence.
    at: usize,
    /// Text before it in its clause (the label).
    label: String,
}

impl Amount {
    /// The interval of exact amounts in fen it stands for.
    fn fen(&self) -> (i128, i128) {
        let step =
            i128::from(self.unit.fen_per_step()) * 10i128.pow(2u32.saturating_sub(self.decimals));
        let v = i128::from(self.value)
            * 10i128.pow(2u32.saturating_sub(self.decimals))
            * i128::from(self.unit.fen_per_step());
        if self.unit == AmountUnit::Yuan && self.decimals == 2 {
            return (v, v);
        }
        (v - step / 2, v + step / 2)
    }

    fn money(&self) -> Money {
        let v = i128::from(self.value)
            * 10i128.pow(2u32.saturating_sub(self.decimals))
            * i128::from(self.unit.fen_per_step());
        Money::from_fen(i64::try_from(v).unwrap_or(i64::MAX))
    }

    fn shown(&self) -> String {
        let int = self.value / 10i64.pow(self.decimals);
        let frac = self.value.rem_euclid(10i64.pow(self.decimals));
        // Thousands separated, as reports print 元 amounts.
        let digits = int.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let n = if self.decimals == 0 {
            grouped
        } else {
            format!("{grouped}.{frac:0width$}", width = self.decimals as usize)
        };
        format!("{n} {}", self.unit.label())
    }
}

/// A percentage printed in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pct {
    /// Digits without the point (`12.89` → 1289).
    value: i64,
    decimals: u32,
    at: usize,
}

impl Pct {
    /// Does a ratio num/den (both intervals, den > 0) fit this printed rate?
    fn fits(&self, num: (i128, i128), den: (i128, i128)) -> bool {
        if den.1 <= 0 {
            return false;
        }
        let scale = 2 * 10i128.pow(self.decimals);
        let (p, lo_p, hi_p) = (
            i128::from(self.value),
            2 * i128::from(self.value) - 1,
            2 * i128::from(self.value) + 1,
        );
        let _ = p;
        let den_lo = den.0.max(1);
        // ratio range [num.0/den.1, num.1/den_lo] meets [lo_p, hi_p] / scale / 100
        num.0 * 100 * scale <= hi_p * den.1 && num.1 * 100 * scale >= lo_p * den_lo
    }

    fn percent(&self) -> String {
        let int = self.value / 10i64.pow(self.decimals);
        let frac = self.value.rem_euclid(10i64.pow(self.decimals));
        if self.decimals == 0 {
            format!("{int}%")
        } else {
            format!("{int}.{frac:0w$}%", w = self.decimals as usize)
        }
    }
}

/// A sentence of the narrative with the numbers in it.
#[derive(Clone, Debug)]
struct Sentence {
    text: String,
    /// Profile section index.
    section: usize,
    /// Index of its first line.
    line: usize,
    amounts: Vec<Amount>,
    pcts: Vec<Pct>,
    /// Amounts and rates too large to check, as printed.
    huge: Vec<String>,
}

/// The most characters before a number taken as its label: labels are a few words
/// (`一般公共预算财政拨款支出`); the bound keeps a clause of thousands of numbers
/// linear.
const LABEL_CHARS: usize = 80;

const CLAUSE_BREAKS: &[char] = &['，', '、', '：', '；', '。', ',', ':', '（', '(', '）', ')'];

/// Numbers with units and percentages of a sentence.
fn numbers(s: &str) -> (Vec<Amount>, Vec<Pct>) {
    let (amounts, pcts, _) = numbers_and_huge(s);
    (amounts, pcts)
}

/// Numbers with units and percentages of a sentence, and the amounts and rates too
/// large to check (beyond [`juesuan_model::MAX_ABS_FEN`], more digits than a number
/// holds, or more than four decimals), as printed: never read as 0.
fn numbers_and_huge(s: &str) -> (Vec<Amount>, Vec<Pct>, Vec<String>) {
    let chars: Vec<char> = s.chars().map(normalize).collect();
    let mut amounts = Vec::new();
    let mut pcts = Vec::new();
    let mut huge = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        let prev_digit = i > 0
            && chars
                .get(i - 1)
                .is_some_and(|p| p.is_ascii_digit() || *p == '.');
        if !c.is_ascii_digit() || prev_digit {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut digits = String::new();
        let mut decimals: Option<u32> = None;
        while let Some(&d) = chars.get(j) {
            if d.is_ascii_digit() {
                digits.push(d);
                if let Some(n) = decimals.as_mut() {
                    *n += 1;
                }
            } else if d == ','
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
                && decimals.is_none()
            {
            } else if d == '.'
                && chars.get(j + 1).is_some_and(char::is_ascii_digit)
                && decimals.is_none()
            {
                decimals = Some(0);
            } else {
                break;
            }
            j += 1;
        }
        let parsed = digits.parse::<i64>().ok();
        let decimals = decimals.unwrap_or(0);
        let rest: String = chars
            .get(j..(j + 2).min(chars.len()))
            .unwrap_or(&[])
            .iter()
            .collect();
        let label: String = {
            let mut k = i;
            let floor = i.saturating_sub(LABEL_CHARS);
            loop {
                while k > floor && !chars.get(k - 1).is_some_and(|c| CLAUSE_BREAKS.contains(c)) {
                    k -= 1;
                }
                // A short bracket inside a name (`因公出国（境）费`, `维修（护）费`) does not
                // end the label.
                let short = k >= 2
                    && k > floor
                    && matches!(chars.get(k - 1), Some('）' | ')'))
                    && (2..=4).any(|n| {
                        k > n
                            && matches!(chars.get(k - 1 - n), Some('（' | '('))
                            && chars
                                .get(k - n..k - 1)
                                .is_some_and(|w| w.iter().all(|c| !CLAUSE_BREAKS.contains(c)))
                    });
                if !short {
                    break;
                }
                let open = (2..=4)
                    .find(|n| matches!(chars.get(k - 1 - n), Some('（' | '(')))
                    .unwrap_or(0);
                k -= open + 1;
            }
            chars.get(k..i).unwrap_or(&[]).iter().collect()
        };
        let printed = || -> String {
            let n: String = chars.get(i..j).unwrap_or(&[]).iter().collect();
            format!(
                "{n}{}",
                rest.chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(2)
                    .collect::<String>()
            )
        };
        let fits = |unit: AmountUnit| {
            parsed.is_some_and(|v| {
                decimals <= 4
                    && i128::from(v)
                        .checked_mul(10i128.pow(2u32.saturating_sub(decimals)))
                        .and_then(|x| x.checked_mul(i128::from(unit.fen_per_step())))
                        .is_some_and(|f| {
                            f.unsigned_abs()
                                <= u128::from(juesuan_model::MAX_ABS_FEN.unsigned_abs())
                        })
            })
        };
        let value = parsed.unwrap_or(0);
        if rest.starts_with('%') {
            if fits(AmountUnit::Yuan) {
                pcts.push(Pct {
                    value,
                    decimals,
                    at: i,
                });
            } else {
                huge.push(printed());
            }
        } else {
            let unit = if rest.starts_with("万元") {
                Some(AmountUnit::Wan)
            } else if rest.starts_with("亿元") {
                Some(AmountUnit::Yi)
            } else if rest.starts_with('元') {
                Some(AmountUnit::Yuan)
            } else {
                None
            };
            match unit {
                Some(unit) if fits(unit) => amounts.push(Amount {
                    value,
                    decimals,
                    unit,
                    at: i,
                    label,
                }),
                Some(_) => huge.push(printed()),
                None => {}
            }
        }
        i = j;
    }
    (amounts, pcts, huge)
}

/// Lines that are page furniture, not text: page numbers and running titles.
fn furniture(t: &str, running: &std::collections::HashSet<&str>) -> bool {
    let t = t.trim();
    t.is_empty()
        || (t.starts_with('-') && t.ends_with('-') && t.len() <= 8)
        || t.chars().all(|c| c.is_ascii_digit())
        || running.contains(t)
}

/// The running titles of a paged text: a line among the last two of a page
/// that ends at least three pages and a quarter of them (the report's title
/// under each page number). A sentence broken by a page break is read whole.
fn running_titles(lines: &[Line]) -> std::collections::HashSet<&str> {
    let mut tails: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut pages = 0usize;
    let mut i = lines.len();
    while i > 0 {
        let page = lines[i - 1].page;
        let start = lines[..i]
            .iter()
            .rposition(|l| l.page != page)
            .map_or(0, |p| p + 1);
        pages += 1;
        let mut seen = 0;
        for l in lines[start..i].iter().rev() {
            let t = l.text.trim();
            if t.is_empty() {
                continue;
            }
            *tails.entry(t).or_insert(0) += 1;
            seen += 1;
            if seen == 2 {
                break;
            }
        }
        i = start;
    }
    tails
        .into_iter()
        .filter(|(t, n)| *n >= 3 && *n * 4 >= pages && t.chars().count() >= 6)
        .map(|(t, _)| t)
        .collect()
}

/// The sentences of each narrative section, then of the text after the narrative
/// (project self-evaluations; section `usize::MAX`).
fn sentences(lines: &[Line], s: &Structure) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut regions: Vec<crate::structure::SectionRegion> = s.sections.clone();
    if let Some(end) = s.narrative_end {
        regions.push(crate::structure::SectionRegion {
            index: usize::MAX,
            title: end,
            end: lines.len(),
        });
    }
    let running = running_titles(lines);
    for sec in &regions {
        let mut text = String::new();
        let mut starts: Vec<(usize, usize)> = Vec::new();
        let mut len = 0usize;
        for li in sec.title + 1..sec.end {
            let Some(l) = lines.get(li) else { break };
            if furniture(&l.text, &running) || legend(&l.text).is_some() {
                continue;
            }
            starts.push((len, li));
            let squeezed = squeeze(l.text.trim());
            len += squeezed.chars().count();
            text.push_str(&squeezed);
        }
        // The line a sentence starts on: the last line starting at or before it (the
        // sentences come in order, so one forward walk).
        let mut at = 0usize;
        let mut line_of = |begin: usize| {
            while starts.get(at + 1).is_some_and(|(p, _)| *p <= begin) {
                at += 1;
            }
            starts
                .get(at)
                .filter(|(p, _)| *p <= begin)
                .map_or(sec.title, |x| x.1)
        };
        let mut pos = 0usize;
        let mut cur = String::new();
        let mut begin = 0usize;
        for c in text.chars() {
            cur.push(c);
            pos += 1;
            if c == '。' || c == '；' || c == ';' {
                let line = line_of(begin);
                let (amounts, pcts, huge) = numbers_and_huge(&cur);
                out.push(Sentence {
                    text: std::mem::take(&mut cur),
                    section: sec.index,
                    line,
                    amounts,
                    pcts,
                    huge,
                });
                begin = pos;
            }
        }
        if !cur.trim().is_empty() {
            let line = line_of(begin);
            let (amounts, pcts, huge) = numbers_and_huge(&cur);
            out.push(Sentence {
                text: cur,
                section: sec.index,
                line,
                amounts,
                pcts,
                huge,
            });
        }
    }
    out
}

/// A count printed in the text (`13辆`, `2台（套）`), with its label.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CountTok {
    value: i64,
    unit: &'static str,
    at: usize,
    label: String,
}

/// The counts of a sentence: whole numbers followed by a unit of things.
fn counts(s: &str) -> Vec<CountTok> {
    let chars: Vec<char> = s.chars().map(normalize).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars.get(i).is_some_and(char::is_ascii_digit)
            && !(i > 0
                && chars
                    .get(i - 1)
                    .is_some_and(|p| p.is_ascii_digit() || *p == '.' || *p == ','));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while chars.get(j).is_some_and(char::is_ascii_digit) {
            j += 1;
        }
        let rest: String = chars
            .get(j..(j + 4).min(chars.len()))
            .unwrap_or(&[])
            .iter()
            .collect();
        let unit = ["辆", "台（套）", "台", "批次", "人次"]
            .into_iter()
            .find(|u| rest.starts_with(u));
        // A count too large for any report is not a count to check (never read as 0).
        let value = chars
            .get(i..j)
            .unwrap_or(&[])
            .iter()
            .collect::<String>()
            .parse::<i64>()
            .ok()
            .filter(|v| *v <= juesuan_model::MAX_ABS_FEN);
        if let (Some(unit), Some(value)) = (unit, value) {
            let mut k = i;
            let floor = i.saturating_sub(LABEL_CHARS);
            while k > floor && !chars.get(k - 1).is_some_and(|c| CLAUSE_BREAKS.contains(c)) {
                k -= 1;
            }
            let label: String = chars.get(k..i).unwrap_or(&[]).iter().collect();
            out.push(CountTok {
                value,
                unit,
                at: i,
                label,
            });
        }
        i = j.max(i + 1);
    }
    out
}

/// A chart's legend line: a name, an amount and its share, set apart by spaces
/// (`基本支出     3135.97万元   70.32%`), and nothing else.
fn legend(t: &str) -> Option<(Amount, Pct)> {
    let t = t.trim();
    let first_digit = t.find(|c: char| c.is_ascii_digit())?;
    let name = t.get(..first_digit)?;
    if !name.ends_with("  ")
        || name.trim().is_empty()
        || t.contains(['，', '。', '：', '；', ',', ':'])
        || !t.ends_with('%')
    {
        return None;
    }
    let (amounts, pcts) = numbers(&squeeze(t));
    match (amounts.as_slice(), pcts.as_slice()) {
        ([a], [p]) if a.at < p.at => Some((a.clone(), *p)),
        _ => None,
    }
}

/// Chart legends: each share must be its amount over the sum of the legend's amounts.
fn legends(
    profile: &Profile,
    lines: &[Line],
    structure: &Structure,
    path: &str,
    paged: bool,
    out: &mut Vec<Finding>,
) {
    for sec in &structure.sections {
        let mut group: Vec<(usize, Amount, Pct)> = Vec::new();
        for li in sec.title + 1..=sec.end {
            let entry = lines
                .get(li)
                .filter(|_| li < sec.end)
                .and_then(|l| legend(&l.text));
            let gap = group.last().is_some_and(|(last, _, _)| li > last + 2);
            if entry.is_none() && (gap || li >= sec.end) || entry.is_some() && gap {
                check_legend(profile, lines, sec.index, &group, path, paged, out);
                group.clear();
            }
            if let Some((a, p)) = entry {
                group.push((li, a, p));
            }
        }
    }
}

fn check_legend(
    profile: &Profile,
    lines: &[Line],
    section: usize,
    group: &[(usize, Amount, Pct)],
    path: &str,
    paged: bool,
    out: &mut Vec<Finding>,
) {
    if group.len() < 2 {
        return;
    }
    let Some(total) = total_of(group.iter().map(|(_, a, _)| a)) else {
        return;
    };
    let (sum, exact) = ((total.lo, total.hi), total.exact);
    let quote: Vec<String> = group
        .iter()
        .filter_map(|(li, _, _)| {
            lines
                .get(*li)
                .map(|l| l.text.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect();
    let joined = clip(&quote.join("；"));
    for (li, a, p) in group {
        if p.fits(a.fen(), sum) {
            continue;
        }
        let Some(line) = lines.get(*li) else { continue };
        let want = Percent::of(i128::from(a.money().fen()), i128::from(exact))
            .map_or("—".to_string(), |x| x.display());
        let s = Sentence {
            text: joined.clone(),
            section,
            line: *li,
            amounts: Vec::new(),
            pcts: Vec::new(),
            huge: Vec::new(),
        };
        let src = crate::assemble::source(path, line, None, paged);
        out.push(
            finding(
                "AU-SHARE",
                Severity::Error,
                profile,
                &s,
                &src,
                format!(
                    "图例：{} {} ÷ 图中各项之和 {} 元 = {}，图中为 {}",
                    a.label.trim(),
                    a.shown(),
                    Money::from_fen(exact).yuan(),
                    want,
                    p.percent()
                ),
                "图中各项的占比 = 该项 ÷ 各项之和；核对图的数据",
            )
            .quote(want, p.percent()),
        );
    }
}

/// The line without the spaces that justified or letter-spaced text puts between
/// characters (`收入支出总计 0 万元`, `本 年 收 入 合 计`); a space stays only between
/// two ASCII letters or digits, where it separates two tokens.
fn squeeze(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    // The next character that is not a space, after each position (one backward pass,
    // so a long run of spaces stays linear).
    let mut next: Vec<Option<char>> = vec![None; chars.len()];
    let mut seen = None;
    for (i, c) in chars.iter().enumerate().rev() {
        if let Some(n) = next.get_mut(i) {
            *n = seen;
        }
        if !c.is_whitespace() {
            seen = Some(*c);
        }
    }
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() || c == '\u{3000}' {
            let before = out.chars().next_back();
            let after = next.get(i).copied().flatten();
            let keep = before.is_some_and(|b| b.is_ascii_alphanumeric())
                && after.is_some_and(|a| a.is_ascii_alphanumeric())
                && !out.ends_with(' ');
            if keep {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// (section index, label) → key: what the profile's templates print after a label.
pub fn dictionary(profile: &Profile) -> BTreeMap<(usize, String), Key> {
    let mut out = BTreeMap::new();
    for (si, sec) in profile.narrative.sections.iter().enumerate() {
        let t = &sec.template;
        for (pos, _) in t.match_indices("{{") {
            let inner = t.get(pos + 2..).unwrap_or("");
            let Some(end) = inner.find("}}") else {
                continue;
            };
            let expr: String = inner
                .get(..end)
                .unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let key = ["yuan(f(\"", "wan(f(\"", "f(\""].iter().find_map(|p| {
                let rest = expr.strip_prefix(p)?;
                let k = rest
                    .strip_suffix("\"))")
                    .or_else(|| rest.strip_suffix("\")"))?;
                Key::parse(k)
            });
            let Some(key) = key else { continue };
            let before: String = t
                .get(..pos)
                .unwrap_or("")
                .chars()
                .rev()
                .take_while(|c| {
                    !"，、：；。,:;".contains(*c) && !c.is_whitespace() && !"}%{".contains(*c)
                })
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            // A label the templates use more than once (in the section or in the shared
            // macros) may name different figures (`涉及资金…` of a project and of the
            // whole): not learnt.
            let uses = t.matches(before.as_str()).count()
                + profile.narrative.macros.matches(before.as_str()).count();
            if before.chars().count() >= 4 && uses == 1 {
                out.insert((si, before), key);
            }
        }
    }
    out
}

fn finding(
    rule: &str,
    sev: Severity,
    profile: &Profile,
    s: &Sentence,
    src: &SourceRef,
    msg: String,
    hint: &str,
) -> Finding {
    let section = profile
        .narrative
        .sections
        .get(s.section)
        .map_or_else(|| "之后的部分".to_string(), |x| x.id.clone());
    let mut f = Finding::new(
        rule,
        sev,
        Location::Narrative {
            section,
            quote: Some(clip(s.text.trim())),
        },
        msg,
        hint,
    );
    f.related.push(Location::Input(src.clone()));
    f
}

/// The most amounts and rates of one sentence whose claims are checked: a
/// sentence of a report states a few; the bound keeps the checks that relate each
/// number to the others of its sentence linear in the text.
const MAX_SENTENCE_NUMBERS: usize = 200;

/// The most amounts of a section remembered for later sentences to refer to (a
/// section states a few dozen).
const MAX_HISTORY: usize = 500;

/// The most characters of a sentence a finding quotes.
const QUOTE_CHARS: usize = 300;

/// A sentence as a finding quotes it: whole up to [`QUOTE_CHARS`] characters, else
/// its beginning and `…`, so that many findings on one long sentence stay linear.
fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(QUOTE_CHARS).collect();
    if text.chars().nth(QUOTE_CHARS).is_some() {
        out.push('…');
    }
    out
}

/// Words that mean up or down.
fn direction(word: &str) -> Option<bool> {
    match word {
        "增加" | "增长" | "上升" | "提高" => Some(true),
        "减少" | "下降" | "降低" => Some(false),
        _ => None,
    }
}

/// The word just before a position (two characters) of a sentence's characters.
/// What a comparison's subject names: `2022年度“三公”经费财政拨款支出决算数` →
/// `“三公”经费财政拨款支出决算数`; empty when nothing is left but a year, units
/// and punctuation (`元，`), or one character.
fn subject(before: &str) -> String {
    let t = before.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace());
    let t = t
        .strip_prefix("年度")
        .or_else(|| t.strip_prefix('年'))
        .filter(|_| t.len() < before.len())
        .unwrap_or(t);
    let t = t.trim_matches(|c: char| "，。；：、,;: 元万".contains(c) || c.is_whitespace());
    if t.chars().count() >= 2 {
        t.to_string()
    } else {
        String::new()
    }
}

fn word_before(chars: &[char], at: usize) -> String {
    chars
        .get(at.saturating_sub(2)..at)
        .unwrap_or(&[])
        .iter()
        .collect()
}

/// Checks every claim; `stated` gives what the tables print for a key.
pub fn check(
    profile: &Profile,
    lines: &[Line],
    structure: &Structure,
    stated: &dyn Fn(&Key) -> Option<Num>,
    budgets: &[(String, Money)],
    path: &str,
    paged: bool,
) -> Vec<Finding> {
    let dict = dictionary(profile);
    let mut out = Vec::new();
    legends(profile, lines, structure, path, paged, &mut out);
    // Amounts stated earlier in the section (a change may refer to one).
    let mut history: Vec<Amount> = Vec::new();
    let mut last_whole: Option<Amount> = None;
    let mut section = usize::MAX;
    let mut prev_amounts: Vec<Amount> = Vec::new();
    let mut prev_counts: Vec<CountTok> = Vec::new();
    let mut itemised: Option<Itemised> = None;
    for s in sentences(lines, structure) {
        if s.section != section {
            if let Some(run) = itemised.take() {
                run.check(profile, &mut out);
            }
            history.clear();
            last_whole = None;
            prev_amounts.clear();
            prev_counts.clear();
            section = s.section;
        }
        // The amounts of the sentence before, for a sentence that only compares them
        // (`年初预算为A万元，支出决算为B万元。决算数小于预算数的主要原因…`).
        let before = std::mem::replace(&mut prev_amounts, s.amounts.clone());
        let Some(line) = lines.get(s.line) else {
            continue;
        };
        let src = crate::assemble::source(path, line, None, paged);
        let text = &s.text;
        // A "sentence" of hundreds of numbers is a table or a list run together, not a
        // claim: said, not checked (every check below then stays within a bound).
        let numbers = s.amounts.len() + s.pcts.len();
        if numbers > MAX_SENTENCE_NUMBERS {
            out.push(finding(
                "AU-UNREAD",
                Severity::Info,
                profile,
                &s,
                &src,
                format!(
                    "这一句印有 {numbers} 个金额和比率，超出可核对的 {MAX_SENTENCE_NUMBERS} 个，其中的说法未核对"
                ),
                "核对原文的断句（是否缺少句号）",
            ));
            continue;
        }
        let chars: Vec<char> = text.chars().collect();
        if !s.huge.is_empty() {
            let shown: Vec<String> = s.huge.iter().take(5).map(|h| format!("“{h}”")).collect();
            let what = if s.huge.len() > shown.len() {
                format!("{}等 {} 个数", shown.join(""), s.huge.len())
            } else {
                shown.join("")
            };
            out.push(finding(
                "AU-UNREAD",
                Severity::Warning,
                profile,
                &s,
                &src,
                format!(
                    "情况说明中的{what}数额过大，超出可处理的范围（绝对值不超过 {} 元），未核对",
                    Money::from_fen(juesuan_model::MAX_ABS_FEN)
                ),
                "核对原文中的数字（是否多打了位数）",
            ));
        }
        // Changes: an amount after 增加/减少 with a rate after it, before the next
        // amount. The current amount is the one the label names (`收入总计减少…` →
        // the last `收入总计…` of the section), or the amount before it in the sentence.
        for (ai, d) in s.amounts.iter().enumerate() {
            let w = word_before(&chars, d.at);
            let Some(up) = direction(&w) else { continue };
            let core: String = {
                let l: Vec<char> = d.label.chars().collect();
                let l: String = l
                    .get(..l.len().saturating_sub(2))
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                match l.find(['较', '比', '与']).or_else(|| l.find("同期")) {
                    // `…支出决算数比2021年度减少`: the subject before the comparison
                    // (its year and units dropped) names the figure; none named
                    // (`元，比上年减少`), the amount before it is meant.
                    Some(at) => subject(l.get(..at).unwrap_or("")),
                    None => l,
                }
            };
            // `财政拨款决算支出` names the same figure as `财政拨款支出`.
            let norm = |l: &str| l.replace("决算", "");
            let named = norm(&core);
            let cur = if core.chars().count() >= 2 {
                s.amounts
                    .get(..ai)
                    .and_then(|a| a.iter().rev().find(|x| norm(&x.label).ends_with(&named)))
                    .or_else(|| {
                        history
                            .iter()
                            .rev()
                            .find(|x| norm(&x.label).ends_with(&named))
                    })
                    // `…支出X元。与上年相比，…减少Y元` : the figure of the sentence before.
                    .or_else(|| {
                        text.trim_start()
                            .starts_with(['与', '较', '比'])
                            .then(|| before.last())
                            .flatten()
                    })
            } else {
                s.amounts
                    .get(..ai)
                    .and_then(|a| a.last())
                    .or_else(|| history.last())
            };
            let Some(cur) = cur.cloned() else { continue };
            let Some(p) = s.pcts.iter().find(|p| p.at > d.at) else {
                continue;
            };
            if s.amounts.get(ai + 1).is_some_and(|n| n.at < p.at) {
                continue;
            }
            let pw = word_before(&chars, p.at);
            if let Some(pup) = direction(&pw) {
                if pup != up {
                    out.push(finding(
                        "AU-WORD",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!("金额说“{w}”，比率却说“{pw}”，方向相反"),
                        "增减方向应一致：增加对应增长，减少对应下降",
                    ));
                } else if matches!(pw.as_str(), "增加" | "减少") {
                    out.push(finding(
                        "AU-WORD",
                        Severity::Warning,
                        profile,
                        &s,
                        &src,
                        format!("比率写成“{pw}{}”：比率应说“增长/下降”", p.percent()),
                        "金额用增加/减少，比率用增长/下降",
                    ));
                }
            }
            let c = cur.fen();
            let dd = d.fen();
            // 上年 = 本年 ∓ 增减额.
            let prev = if up {
                (c.0 - dd.1, c.1 - dd.0)
            } else {
                (c.0 + dd.0, c.1 + dd.1)
            };
            if prev.1 <= 0 {
                out.push(finding(
                    "AU-ZERO",
                    Severity::Error,
                    profile,
                    &s,
                    &src,
                    format!(
                        "上年数为零（本年 {} 全部为增加额），不能计算增长率，却写了 {}",
                        cur.shown(),
                        p.percent()
                    ),
                    "上年为零时不计算增长率，应写明“上年为零”",
                ));
                continue;
            }
            if !p.fits(dd, prev) {
                let exact_prev = cur.money().fen()
                    + if up {
                        -d.money().fen()
                    } else {
                        d.money().fen()
                    };
                let want = Percent::of(i128::from(d.money().fen()), i128::from(exact_prev));
                let want = want.map_or("—".to_string(), |x| x.display());
                out.push(
                    finding(
                        "AU-CHANGE",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!(
                            "本年 {}，{} {}，上年应为 {} 元；{} ÷ 上年 = {}，文中为 {}",
                            cur.shown(),
                            w,
                            d.shown(),
                            Money::from_fen(exact_prev).yuan(),
                            d.shown(),
                            want,
                            p.percent()
                        ),
                        "增减率 = 增减额 ÷ 上年数；核对金额与比率",
                    )
                    .quote(want, p.percent()),
                );
            }
        }
        // Completion rates: 完成…预算的 P, the budget being the amount after 预算 and the
        // actual the amount after 决算/支出 in the same sentence.
        let trigger = ["预算的", "执行率为", "执行率达", "执行率"]
            .iter()
            .find_map(|w| {
                let idx = text.find(w)?;
                Some(text.get(..idx).map_or(0, |t| t.chars().count()) + w.chars().count())
            });
        if let Some(at) = trigger
            && let Some(p) = s.pcts.iter().find(|p| p.at >= at && p.at <= at + 2)
        {
            let actual = s
                .amounts
                .iter()
                .filter(|a| a.at < p.at)
                .rev()
                .find(|a| !a.label.contains("预算") || a.label.contains("执行"));
            // The budget: stated in the sentence, or the table's budget column whose
            // item the actual amount names (`公务接待费支出…` → 预算数 公务接待费).
            let budget = s
                .amounts
                .iter()
                .filter(|a| a.at < p.at)
                .rev()
                .find(|a| a.label.contains("预算") && !a.label.contains("执行"))
                .cloned()
                .or_else(|| {
                    let a = actual?;
                    budgets
                        .iter()
                        .filter(|(item, _)| {
                            item.chars().count() >= 3 && a.label.contains(item.as_str())
                        })
                        .max_by_key(|(item, _)| item.chars().count())
                        .map(|(item, m)| Amount {
                            value: m.fen(),
                            decimals: 2,
                            unit: AmountUnit::Yuan,
                            at: 0,
                            label: format!("预算数 {item}"),
                        })
                });
            if let (Some(b), Some(a)) = (budget.as_ref(), actual) {
                if b.fen().1 <= 0 {
                    out.push(finding(
                        "AU-ZERO",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!(
                            "{}：{}为零，不能计算完成率，却写了 {}",
                            a.label.trim_end_matches("为"),
                            b.label.trim_end_matches("为"),
                            p.percent()
                        ),
                        "预算为零时应写“未安排预算”",
                    ));
                } else if !p.fits(a.fen(), b.fen()) {
                    let want =
                        Percent::of(i128::from(a.money().fen()), i128::from(b.money().fen()));
                    out.push(
                        finding(
                            "AU-RATE",
                            Severity::Error,
                            profile,
                            &s,
                            &src,
                            format!(
                                "{} ÷ {} = {}，文中完成率为 {}",
                                a.shown(),
                                b.shown(),
                                want.map_or("—".to_string(), |x| x.display()),
                                p.percent()
                            ),
                            "完成率 = 决算数 ÷ 预算数；核对所用的预算口径",
                        )
                        .quote(want.map_or("—".to_string(), |x| x.display()), p.percent()),
                    );
                }
            }
        }
        // Shares: `…X元，占比P` / `占本年支出合计的P`: the part is the amount before the
        // rate; the whole is the amount the rate names, else the section's first total.
        for p in &s.pcts {
            let tail: String = chars
                .get(p.at.saturating_sub(16)..p.at.min(chars.len()))
                .unwrap_or(&[])
                .iter()
                .collect();
            let Some(zhan) = tail.rfind('占') else {
                continue;
            };
            if tail.contains("完成")
                || tail.contains("执行")
                || tail.contains("增")
                || tail.contains("下降")
            {
                continue;
            }
            let named: String = tail
                .get(zhan + '占'.len_utf8()..)
                .unwrap_or("")
                .trim_start_matches('比')
                .trim_end_matches('的')
                .to_string();
            let Some(part) = s.amounts.iter().rfind(|a| a.at < p.at) else {
                continue;
            };
            // The whole: the amount the rate names (`占本年支出合计的`); else the first
            // amount of the sentence (`支出合计X元，其中：…Y元，占P`); else the whole of the
            // previous share in the section (a list of shares); else a total.
            let whole = if named.chars().count() >= 2 {
                s.amounts
                    .iter()
                    .chain(history.iter())
                    .find(|a| a.label.ends_with(&named) && a != &part)
                    .cloned()
            } else if let Some(first) = s.amounts.first().filter(|a| *a != part) {
                Some(first.clone())
            } else if text.trim_start().starts_with("其中") {
                // `…支出X元。…。其中，人员经费Y元，占比P`: the figure last stated
                // (not a change) is the whole being broken down.
                history
                    .iter()
                    .rev()
                    .find(|a| {
                        !["增加", "减少", "增长", "下降"]
                            .iter()
                            .any(|w| a.label.ends_with(w))
                    })
                    .cloned()
            } else if let Some(w) = &last_whole {
                Some(w.clone())
            } else {
                history
                    .iter()
                    .find(|a| {
                        a.label.contains("合计")
                            || a.label.contains("总计")
                            || a.label.contains("总额")
                    })
                    .cloned()
            };
            let Some(whole) = whole else { continue };
            last_whole = Some(whole.clone());
            if whole.fen().1 <= 0 || whole == *part {
                continue;
            }
            if !p.fits(part.fen(), whole.fen()) {
                let want = Percent::of(
                    i128::from(part.money().fen()),
                    i128::from(whole.money().fen()),
                );
                let want = want.map_or("—".to_string(), |x| x.display());
                out.push(
                    finding(
                        "AU-SHARE",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!(
                            "{} ÷ {} = {}，文中占比为 {}",
                            part.shown(),
                            whole.shown(),
                            want,
                            p.percent()
                        ),
                        "占比 = 部分 ÷ 总数；核对金额与比率",
                    )
                    .quote(want, p.percent()),
                );
            }
        }
        // Comparisons in words: 决算数大于/小于/等于预算数.
        for (word, want) in [
            ("大于", std::cmp::Ordering::Greater),
            ("高于", std::cmp::Ordering::Greater),
            ("超过", std::cmp::Ordering::Greater),
            ("小于", std::cmp::Ordering::Less),
            ("低于", std::cmp::Ordering::Less),
            ("等于", std::cmp::Ordering::Equal),
            ("持平", std::cmp::Ordering::Equal),
        ] {
            let Some(idx) = text
                .find(&format!("决算数{word}"))
                .or_else(|| text.find(&format!("决算{word}")))
            else {
                continue;
            };
            if !text.get(idx..).is_some_and(|t| t.contains("预算")) {
                continue;
            }
            let pair = |amounts: &[Amount]| -> Option<(Amount, Amount)> {
                let budget = amounts
                    .iter()
                    .find(|a| a.label.contains("预算") && !a.label.contains("决算"))?;
                let actual = amounts
                    .iter()
                    .find(|a| a.label.contains("决算") || a.label.contains("支出"))?;
                Some((budget.clone(), actual.clone()))
            };
            let Some((b, a)) = pair(&s.amounts).or_else(|| pair(&before)) else {
                continue;
            };
            let (blo, bhi) = b.fen();
            let (alo, ahi) = a.fen();
            let holds = match want {
                std::cmp::Ordering::Greater => ahi > blo,
                std::cmp::Ordering::Less => alo < bhi,
                std::cmp::Ordering::Equal => alo <= bhi && ahi >= blo,
            };
            if !holds {
                let actual_word = if alo > bhi {
                    "大于"
                } else if ahi < blo {
                    "小于"
                } else {
                    "等于"
                };
                out.push(
                    finding(
                        "AU-COMPARE",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!(
                            "决算 {} 与预算 {} 相比应为“{actual_word}”，文中说“{word}”",
                            a.shown(),
                            b.shown()
                        ),
                        "比较用语应与数字一致",
                    )
                    .quote(actual_word, word),
                );
            }
            break;
        }
        // Parts of a total: `…总额A万元，其中：货物B万元、工程C万元、服务D万元。` The
        // parts, listed in one sentence after 其中 with no rate among them, must add up
        // to the total — within the rounding of all of them (information), or not (error).
        if let Some(qi) = text.find("其中") {
            let q = text.get(..qi).map_or(0, |t| t.chars().count());
            let total = s.amounts.iter().rfind(|a| a.at < q);
            // A phrase printed twice (AU-REPEAT) does not make two parts.
            let mut parts: Vec<&Amount> = Vec::new();
            for a in s.amounts.iter().filter(|a| a.at > q) {
                let repeated = parts.iter().any(|b| {
                    b.value == a.value
                        && b.unit == a.unit
                        && (a.label.ends_with(b.label.as_str())
                            || b.label.ends_with(a.label.as_str()))
                });
                if !repeated {
                    parts.push(a);
                }
            }
            let span_end = parts.last().map_or(0, |a| a.at);
            let rate_inside = s.pcts.iter().any(|p| p.at > q && p.at < span_end);
            if let Some(total) = total
                && parts.len() >= 2
                && !rate_inside
                && parts.iter().all(|a| a.unit == total.unit)
                && let Some(sum) = total_of(parts.iter().copied())
                && sum.exact != total.money().fen()
            {
                let listed: Vec<String> = parts.iter().map(|a| a.shown()).collect();
                out.push(parts_finding(
                    profile,
                    &s,
                    &src,
                    &format!("其中各项 {} ", listed.join(" + ")),
                    &sum,
                    total,
                ));
            }
        }
        // Amounts the templates name: compare with the tables.
        for a in &s.amounts {
            let Some(key) = dict.iter().find_map(|((si, label), k)| {
                (*si == s.section && a.label.ends_with(label.as_str())).then_some(k)
            }) else {
                continue;
            };
            let Some(Num::Money(v)) = stated(key) else {
                continue;
            };
            let (lo, hi) = a.fen();
            let f = i128::from(v.fen());
            if f < lo || f > hi {
                out.push(
                    finding(
                        "AU-AMOUNT",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!("“{}{}”与表中 {} 不符", a.label, a.shown(), v.yuan() + "元"),
                        "情况说明中的金额应与决算表一致",
                    )
                    .quote(v.yuan() + "元", a.shown()),
                );
            }
        }
        // Counts the templates name (车辆、设备 of 公开10表): compare with the tables;
        // and the parts of a counted total (`共有车辆13辆，其中：…用车0辆、…`).
        let cs = counts(text);
        for c in &cs {
            let Some(key) = dict.iter().find_map(|((si, label), k)| {
                (*si == s.section && c.label.ends_with(label.as_str())).then_some(k)
            }) else {
                continue;
            };
            let Some(Num::Count(v)) = stated(key) else {
                continue;
            };
            if v != c.value {
                out.push(
                    finding(
                        "AU-COUNT",
                        Severity::Error,
                        profile,
                        &s,
                        &src,
                        format!(
                            "“{}{}{}”与表中 {v}{} 不符",
                            c.label, c.value, c.unit, c.unit
                        ),
                        "情况说明中的数量应与决算表一致",
                    )
                    .quote(v.to_string(), c.value.to_string()),
                );
            }
        }
        if let Some(qi) = text.find("其中") {
            let q = text.get(..qi).map_or(0, |t| t.chars().count());
            // `共有车辆13辆。其中：…`: the total ends the sentence before.
            let total = cs.iter().rfind(|c| c.at < q).or_else(|| {
                text.trim_start()
                    .starts_with("其中")
                    .then(|| prev_counts.last())
                    .flatten()
            });
            if let Some(total) = total {
                let parts: Vec<&CountTok> = cs
                    .iter()
                    .filter(|c| c.at > q && c.unit == total.unit)
                    .collect();
                // Exact in i128 however large the printed counts.
                let sum: i128 = parts.iter().map(|c| i128::from(c.value)).sum();
                if parts.len() >= 2 && sum != i128::from(total.value) {
                    out.push(
                        finding(
                            "AU-PARTS",
                            Severity::Error,
                            profile,
                            &s,
                            &src,
                            format!(
                                "其中各项之和为 {sum}{}，文中合计 {}{}",
                                total.unit, total.value, total.unit
                            ),
                            "各分项之和应等于合计；核对分项与合计",
                        )
                        .quote(sum.to_string(), total.value.to_string()),
                    );
                }
            }
        }
        prev_counts = cs;
        // Items after `…年初预算A，支出决算B。其中：`: their budgets and actuals must add
        // up to A and B (checked at the end of the section).
        if let Some(run) = itemised.as_mut() {
            run.collect(&s);
        }
        // The total is in this sentence (`…支出决算为B万元，其中：`), or in the one
        // before when this one only says 其中 (`…完成年初预算的98.20%。…其中：`) or
        // begins the list (`…91.58%。其中：一般公共服务支出年初预算…`).
        let tail = text.trim_end().trim_end_matches(['：', ':', '，', ',']);
        let ends = tail.ends_with("其中");
        let starts = text.trim_start().starts_with("其中");
        if ends || starts {
            let is_actual = |a: &Amount| a.label.contains("决算") && !is_budget(&a.label);
            let own = |a: &&Amount| is_budget(&a.label) || is_actual(a);
            let pool: &[Amount] = if ends && s.amounts.iter().any(|a| own(&a)) {
                &s.amounts
            } else {
                &before
            };
            // Else the latest stated in the section (`…完成年初预算的98.20%。决算数小于
            // 预算数的主要原因：…。其中：1、…`).
            let budget = pool
                .iter()
                .find(|a| is_budget(&a.label))
                .or_else(|| history.iter().rev().find(|a| is_budget(&a.label)))
                .cloned();
            let actual = pool
                .iter()
                .find(|a| is_actual(a))
                .or_else(|| history.iter().rev().find(|a| is_actual(a)))
                .cloned();
            if budget.is_some() || actual.is_some() {
                if let Some(run) = itemised.take() {
                    run.check(profile, &mut out);
                }
                let mut run = Itemised {
                    budget,
                    actual,
                    budgets: Vec::new(),
                    actuals: Vec::new(),
                    numbered: 0,
                    sentence: s.clone(),
                    src: src.clone(),
                };
                if starts {
                    run.collect(&s);
                }
                itemised = Some(run);
            }
        }
        let room = MAX_HISTORY.saturating_sub(history.len());
        history.extend(
            s.amounts
                .iter()
                .filter(|a| direction(&word_before(&chars, a.at)).is_none())
                .take(room)
                .cloned(),
        );
    }
    if let Some(run) = itemised.take() {
        run.check(profile, &mut out);
    }
    out
}

/// The sum of printed amounts in one unit: the interval its true value lies in and its
/// exact value (fen), and the sum as the amounts would print it (their unit, their
/// finest decimals). `None` for no amounts or amounts in different units.
struct Total {
    lo: i128,
    hi: i128,
    exact: i64,
    printed: Amount,
}

fn total_of<'a>(items: impl IntoIterator<Item = &'a Amount>) -> Option<Total> {
    let items: Vec<&Amount> = items.into_iter().collect();
    let unit = items.first()?.unit;
    if items.iter().any(|a| a.unit != unit) {
        return None;
    }
    let (lo, hi) = items.iter().fold((0i128, 0i128), |(lo, hi), a| {
        let (l, h) = a.fen();
        (lo + l, hi + h)
    });
    let d = items.iter().map(|a| a.decimals).max().unwrap_or(0);
    Some(Total {
        lo,
        hi,
        exact: items.iter().map(|a| a.money().fen()).sum(),
        printed: Amount {
            value: items
                .iter()
                .map(|a| a.value * 10i64.pow(d - a.decimals))
                .sum(),
            decimals: d,
            unit,
            at: 0,
            label: String::new(),
        },
    })
}

/// `AU-PARTS`: parts (`what`) that do not add up to the stated total — information
/// inside the rounding envelope of all the figures, else an error.
fn parts_finding(
    profile: &Profile,
    s: &Sentence,
    src: &SourceRef,
    what: &str,
    sum: &Total,
    total: &Amount,
) -> Finding {
    let (tlo, thi) = total.fen();
    let within = sum.lo <= thi && sum.hi >= tlo;
    finding(
        "AU-PARTS",
        if within {
            Severity::Info
        } else {
            Severity::Error
        },
        profile,
        s,
        src,
        format!(
            "{what}之和为 {}，文中合计 {}{}",
            sum.printed.shown(),
            total.shown(),
            if within {
                "（在四舍五入误差范围内）"
            } else {
                ""
            }
        ),
        "各分项之和应等于合计；核对分项与合计",
    )
    .quote(sum.printed.shown(), total.shown())
}

/// A budget's label: `年初预算`, `年初预算为`, `预算数` — not a 决算 or a rate's base.
fn is_budget(label: &str) -> bool {
    let l = label.trim_end_matches('为');
    l.ends_with("预算") || l.ends_with("预算数")
}

/// A total of budget and actual broken down item by item over the following
/// paragraphs (`…年初预算为2993.92万元，支出决算为2940.05万元…。其中：` then one
/// paragraph per 项, each with its own 年初预算 and 支出决算).
struct Itemised {
    budget: Option<Amount>,
    actual: Option<Amount>,
    budgets: Vec<Amount>,
    actuals: Vec<Amount>,
    /// Items numbered `1、` `2、` … in the list.
    numbered: usize,
    sentence: Sentence,
    src: SourceRef,
}

/// How many list numbers (`6、`) the text has at its start or after a colon.
fn list_numbers(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .filter(|&i| {
            let at_start = i == 0 || matches!(chars.get(i - 1), Some('：' | ':'));
            let digits = chars
                .get(i..)
                .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
            at_start && digits > 0 && chars.get(i + digits) == Some(&'、')
        })
        .count()
}

impl Itemised {
    fn collect(&mut self, s: &Sentence) {
        self.numbered += list_numbers(s.text.trim_start());
        for a in &s.amounts {
            if is_budget(&a.label) && !a.label.contains("决算") {
                self.budgets.push(a.clone());
            } else if a.label.ends_with("决算为")
                || a.label.ends_with("决算数")
                || a.label.ends_with("决算")
            {
                self.actuals.push(a.clone());
            }
        }
    }

    fn check(self, profile: &Profile, out: &mut Vec<Finding>) {
        // Not a breakdown of budgets and actuals at all.
        if self.budgets.is_empty() && self.actuals.is_empty() {
            return;
        }
        // A numbered list whose items were not all read (PDF text out of order): say
        // so rather than compare a partial sum.
        let partial = |total: &Option<Amount>, items: &[Amount]| {
            self.numbered >= 2 && total.is_some() && items.len() != self.numbered
        };
        if partial(&self.budget, &self.budgets) || partial(&self.actual, &self.actuals) {
            out.push(finding(
                "AU-UNREAD",
                Severity::Info,
                profile,
                &self.sentence,
                &self.src,
                format!(
                    "其后逐项列出 {} 项，只读出 {} 个预算数、{} 个决算数（PDF 的文字顺序可能被打乱），未核对各项之和",
                    self.numbered,
                    self.budgets.len(),
                    self.actuals.len()
                ),
                "核对原文各项的预算数、决算数之和是否等于合计",
            ));
            return;
        }
        for (what, total, items) in [
            ("预算", &self.budget, &self.budgets),
            ("决算", &self.actual, &self.actuals),
        ] {
            let Some(total) = total else { continue };
            if items.len() < 2 {
                continue;
            }
            let Some(sum) = total_of(items) else {
                continue;
            };
            if sum.exact == total.money().fen() {
                continue;
            }
            // The total as the items would print it (四舍五入 to their unit and decimals):
            // if the printed sum equals it, the items agree with the total as printed.
            let per = match sum.printed.unit {
                AmountUnit::Yuan => 100i64,
                AmountUnit::Wan => 1_000_000,
                AmountUnit::Yi => 10_000_000_000,
            } / 10i64.pow(sum.printed.decimals);
            let t = total.money().fen();
            let shown_total = if per <= 1 {
                t
            } else {
                (t.abs() + per / 2) / per * t.signum()
            };
            if sum.printed.value == shown_total {
                continue;
            }
            out.push(parts_finding(
                profile,
                &self.sentence,
                &self.src,
                &format!("其后逐项列出的{what}数 {} 项", items.len()),
                &sum,
                total,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_labels() {
        let (a, p) = numbers("较2021年决算增加76.68万元，增加47%，收入总计44,614,491.01元");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].value, 7668);
        assert_eq!(a[0].unit, AmountUnit::Wan);
        assert_eq!(a[1].label, "收入总计");
        assert_eq!(a[1].value, 4_461_449_101);
        assert_eq!(p[0].value, 47);
        assert_eq!(p[0].decimals, 0);
    }

    #[test]
    fn rates_as_intervals() {
        // 76.68 / 112.18 = 68.35…% — "68.36%" fits (the amounts are rounded), "47%" does not.
        let d = Amount {
            value: 7668,
            decimals: 2,
            unit: AmountUnit::Wan,
            at: 0,
            label: String::new(),
        }
        .fen();
        let prev = Amount {
            value: 11218,
            decimals: 2,
            unit: AmountUnit::Wan,
            at: 0,
            label: String::new(),
        }
        .fen();
        assert!(
            Pct {
                value: 6836,
                decimals: 2,
                at: 0
            }
            .fits(d, prev)
        );
        assert!(
            !Pct {
                value: 47,
                decimals: 0,
                at: 0
            }
            .fits(d, prev)
        );
        // 300,102.55 / 300,102.55 = 100% exactly; 86.86% does not fit.
        let x = (30_010_255, 30_010_255);
        assert!(
            Pct {
                value: 10000,
                decimals: 2,
                at: 0
            }
            .fits(x, x)
        );
        assert!(
            !Pct {
                value: 8686,
                decimals: 2,
                at: 0
            }
            .fits(x, x)
        );
    }
}
