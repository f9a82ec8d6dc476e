//! The text as it will be published: template leftovers, doubled punctuation,
//! a phrase written twice. The checks themselves are plain functions over a
//! text, shared with the audit (which runs them on each line of a published
//! report); the rules here run them on our composed document before it is
//! built, so that what `check` passes, the audit of our own PDF passes too.

use crate::ctx::Ctx;
use crate::registry::{Family, Rule, RuleInfo};
use juesuan_compose::{Block, Document, ViewCell};
use juesuan_model::{Finding, Location, Report, Severity, SourceRef};

/// Placeholders a template leaves when a department forgets to fill it in, and
/// what a finding calls each.
pub const LEFTOVERS: &[(&str, &str)] = &[
    ("XX", "模板占位符“XX”"),
    ("××", "模板占位符“××”"),
    ("XXX", "模板占位符“XXX”"),
    ("***", "模板占位符“***”"),
    ("（增长）", "未删去的选项“（增长）”"),
    ("（下降）", "未删去的选项“（下降）”"),
    ("增加（减少）", "未删去的选项“增加（减少）”"),
    ("增长（下降）", "未删去的选项“增长（下降）”"),
    ("减增加", "自相矛盾的“减增加”"),
    ("增减少", "自相矛盾的“增减少”"),
    ("202 年", "年份缺位“202 年”"),
    ("20XX", "年份占位“20XX”"),
];

/// Punctuation written twice.
pub const DOUBLED: &[&str] = &["。。", "，，", "；；", "、、"];

/// The shortest and longest phrase [`repeats`] looks for, in characters.
const PHRASE: std::ops::RangeInclusive<usize> = 8..=40;

/// Whitespace dropped, full-width digits and `Ｘ` folded to ASCII.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            'Ｘ' => 'X',
            _ => c,
        })
        .collect()
}

/// Whether `c` holds `202年` not preceded by a digit: a year whose last digit
/// was left out (`202 年度`), not `2022年`.
fn short_year(c: &str) -> bool {
    c.match_indices("202年").any(|(i, _)| {
        !c.get(..i)
            .and_then(|b| b.chars().next_back())
            .is_some_and(|p| p.is_ascii_digit())
    })
}

/// What [`LEFTOVERS`] a text holds (whitespace ignored), each once. `XX` counts
/// alone only, not inside `XXX` (which is its own entry).
pub fn leftovers(text: &str) -> Vec<&'static str> {
    let c = compact(text);
    LEFTOVERS
        .iter()
        .filter(|(pat, _)| match *pat {
            "XX" => c.contains("XX") && !c.contains("XXX"),
            "202 年" => short_year(&c),
            p => c.contains(p),
        })
        .map(|(_, what)| *what)
        .collect()
}

/// What [`DOUBLED`] punctuation a text holds (whitespace ignored).
pub fn doubled(text: &str) -> Vec<&'static str> {
    let c = compact(text);
    DOUBLED.iter().copied().filter(|d| c.contains(d)).collect()
}

/// Phrases of 8 to 40 characters written twice in a row at the start of a
/// clause (`人员经费…主要包括人员经费…主要包括`), not all digits: each as its
/// start and length in `text`, longest first at each start, never overlapping.
/// At most 33 lengths are tried at each clause start: linear in the text.
pub fn repeats(text: &[char]) -> Vec<(usize, usize)> {
    let n = text.len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let starts_clause = i == 0
            || text
                .get(i - 1)
                .is_some_and(|c| "，：；。、,:;".contains(*c));
        let found = PHRASE.rev().filter(|_| starts_clause).find(|&len| {
            i + 2 * len <= n
                && text.get(i..i + len) == text.get(i + len..i + 2 * len)
                && text
                    .get(i..i + len)
                    .is_some_and(|p| p.iter().any(|c| !c.is_ascii_digit()))
        });
        match found {
            Some(len) => {
                out.push((i, len));
                i += 2 * len;
            }
            None => i += 1,
        }
    }
    out
}

/// One text of the composed document, where it is printed, and the input it
/// came from when an input holds the offending words.
struct Printed<'a> {
    text: &'a str,
    at: Location,
}

/// Every text the document prints: headings, paragraphs, the text cells of its
/// tables — each with where it is (情况说明 by its heading, a project by its
/// 第五部分 section or table, a numbered table by its number, else the report).
fn printed<'a>(doc: &'a Document, report: &Report) -> Vec<Printed<'a>> {
    let project_of = |id: &str| -> Option<String> {
        let digits: String = id
            .strip_prefix("sp")
            .or_else(|| id.strip_prefix('p'))?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let i: usize = digits.parse().ok()?;
        report
            .projects
            .get(i.checked_sub(1)?)
            .map(|p| p.name.clone())
    };
    let mut out = Vec::new();
    for part in &doc.parts {
        let mut heading = part.title.clone();
        let mut project: Option<String> = None;
        let at = |heading: &str, project: &Option<String>, item: Option<String>| match (
            part.id.as_str(),
            project,
        ) {
            ("narrative", _) => Location::Narrative {
                section: heading.to_string(),
                quote: None,
            },
            (_, Some(p)) => Location::Project {
                project: p.clone(),
                item,
            },
            // 第一部分 and the rest have no typed place of their own: the message
            // quotes the text, and the input it came from is related.
            _ => Location::Report,
        };
        for b in &part.blocks {
            match b {
                Block::Heading { text, anchor, .. } => {
                    heading = text.clone();
                    if let Some(p) = project_of(anchor) {
                        project = Some(p);
                    }
                    out.push(Printed {
                        text,
                        at: at(&heading, &project, None),
                    });
                }
                Block::Paragraph { text } => out.push(Printed {
                    text,
                    at: at(&heading, &project, None),
                }),
                Block::Table(t) => {
                    if let Some(p) = project_of(&t.id) {
                        project = Some(p);
                    }
                    for row in &t.rows {
                        for c in &row.cells {
                            if let ViewCell::Text { text, .. } = c {
                                let item = (!t.title.is_empty()).then(|| t.title.clone());
                                out.push(Printed {
                                    text,
                                    at: if t.number.is_empty() {
                                        at(&heading, &project, item)
                                    } else {
                                        Location::Table {
                                            table: t.number.clone(),
                                        }
                                    },
                                });
                            }
                        }
                    }
                }
                Block::Chart(_) | Block::PageBreak => {}
            }
        }
    }
    out
}

/// The texts the input gives (narrative texts, project texts and indicators),
/// each with where it came from.
fn inputs(report: &Report) -> Vec<(&str, &SourceRef)> {
    let mut out: Vec<(&str, &SourceRef)> = Vec::new();
    for (id, text) in &report.narrative.texts {
        if let Some(s) = report.narrative.sources.get(&format!("texts.{id}")) {
            out.push((text, s));
        }
    }
    for p in &report.projects {
        for text in p.texts.all() {
            out.push((text, &p.source));
        }
        for i in &p.indicators {
            for text in [
                &i.level1,
                &i.level2,
                &i.name,
                &i.initial,
                &i.target.text,
                &i.actual.text,
                &i.deviation,
            ] {
                out.push((text, &i.source));
            }
        }
    }
    out
}

/// Runs `hits` on every printed text; one finding per text and hit, naming the
/// input it came from when one input text shows the same hit.
fn scan(
    ctx: &Ctx<'_>,
    rule: &'static str,
    severity: Severity,
    hits: &dyn Fn(&str) -> Vec<String>,
    message: &dyn Fn(&str, &str) -> String,
    fix: &'static str,
) -> Vec<Finding> {
    let (Some(doc), Some(report)) = (ctx.document, ctx.report) else {
        return Vec::new();
    };
    let sources = inputs(report);
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in printed(doc, report) {
        for hit in hits(p.text) {
            if !seen.insert((p.text, hit.clone())) {
                continue;
            }
            let quote = excerpt(p.text, &hit);
            let mut f = Finding::new(rule, severity, p.at.clone(), message(&hit, &quote), fix);
            if let Some((_, s)) = sources.iter().find(|(t, _)| hits(t).contains(&hit)) {
                f.related.push(Location::Input((*s).clone()));
            }
            out.push(f);
        }
    }
    out
}

/// At most 60 characters of `text` around the first place `hit` shows (the
/// whole text when it is short or `hit` is not a substring of it).
fn excerpt(text: &str, hit: &str) -> String {
    const AROUND: usize = 30;
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 2 * AROUND {
        return text.to_string();
    }
    let at = text
        .find(hit)
        .and_then(|b| text.get(..b))
        .map_or(0, |b| b.chars().count());
    let from = at.saturating_sub(AROUND);
    let to = (at + AROUND).min(chars.len());
    let mut s: String = chars[from..to].iter().collect();
    if from > 0 {
        s.insert(0, '…');
    }
    if to < chars.len() {
        s.push('…');
    }
    s
}

/// TX-LEFTOVER
pub struct Leftover;
static LEFTOVER: RuleInfo = RuleInfo {
    id: "TX-LEFTOVER",
    family: Family::Text,
    title: "将公开的文字中留有模板占位符或未删的选项",
    severity: "错误",
    purpose: "报告的每段文字（情况说明、项目自评、表中的文字）在生成前检查：留有“XX”“××”“（增长）”“增加（减少）”“202 年”等模板残留的，不能公开。审计对已公开的报告做同样的检查（AU-LEFTOVER），所以 check 通过的报告，其 PDF 经审计也不会有这类错误。",
    example: "项目“办公楼设施维修费”绩效指标完成情况表：模板占位符“XX”：“2022.3-2022.11XX 月 XX 日-XX 月 XX日”。",
};
impl Rule for Leftover {
    fn info(&self) -> &'static RuleInfo {
        &LEFTOVER
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        scan(
            ctx,
            LEFTOVER.id,
            Severity::Error,
            &|t| leftovers(t).into_iter().map(str::to_string).collect(),
            &|what, quote| format!("{what}：“{quote}”"),
            "删去模板占位符和未选的选项，填入实际内容",
        )
    }
}

/// TX-PUNCT
pub struct Punctuation;
static PUNCT: RuleInfo = RuleInfo {
    id: "TX-PUNCT",
    family: Family::Text,
    title: "将公开的文字中有重复的标点",
    severity: "警告",
    purpose: "“。。”“，，”“；；”“、、”多为删改后留下的。生成前逐段检查，与审计的 AU-PUNCT 相同。",
    example: "项目“自收自支人员经费”：标点重复“，，”：“严格遵循预算既定绩效目标，，强化员工绩效考核”。",
};
impl Rule for Punctuation {
    fn info(&self) -> &'static RuleInfo {
        &PUNCT
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        scan(
            ctx,
            PUNCT.id,
            Severity::Warning,
            &|t| doubled(t).into_iter().map(str::to_string).collect(),
            &|dup, quote| format!("标点重复“{dup}”：“{quote}”"),
            "删去重复的标点",
        )
    }
}

/// TX-REPEAT
pub struct Repeat;
static REPEAT: RuleInfo = RuleInfo {
    id: "TX-REPEAT",
    family: Family::Text,
    title: "将公开的文字中同一词语连写两次",
    severity: "警告",
    purpose: "分句开头把 8 字以上的同一词语连写两次（如“人员经费…主要包括人员经费…主要包括”），多为复制粘贴留下的。生成前逐段检查，与审计的 AU-REPEAT 相同。",
    example: "情况说明 九、机关运行经费支出情况：“主要用于办公费、印刷费”连续出现两次。",
};
impl Rule for Repeat {
    fn info(&self) -> &'static RuleInfo {
        &REPEAT
    }
    fn check(&self, ctx: &Ctx<'_>) -> Vec<Finding> {
        scan(
            ctx,
            REPEAT.id,
            Severity::Warning,
            &|t| {
                let chars: Vec<char> = t.chars().collect();
                repeats(&chars)
                    .into_iter()
                    .map(|(i, len)| chars[i..i + len].iter().collect())
                    .collect()
            },
            &|phrase, _| format!("“{phrase}”连续出现两次"),
            "删去重复的文字",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leftovers_are_found_once_each_and_xx_only_alone() {
        assert_eq!(
            leftovers("2022.3-2022.11XX 月 XX 日"),
            vec!["模板占位符“XX”"]
        );
        assert_eq!(leftovers("XXX局"), vec!["模板占位符“XXX”"]);
        assert_eq!(leftovers("ｘｘ"), Vec::<&str>::new());
        assert_eq!(leftovers("ＸＸ日"), vec!["模板占位符“XX”"]);
        assert_eq!(leftovers("202 年度"), vec!["年份缺位“202 年”"]);
        assert!(leftovers("2022 年度").is_empty() && leftovers("２０２２年").is_empty());
        assert_eq!(leftovers("截至202年12月"), vec!["年份缺位“202 年”"]);
        assert!(leftovers("比上年增加（减少）10 元").contains(&"未删去的选项“增加（减少）”"));
    }

    #[test]
    fn doubled_punctuation_ignores_spaces() {
        assert_eq!(doubled("目标， ，强化"), vec!["，，"]);
        assert!(doubled("目标，强化。").is_empty());
    }

    #[test]
    fn repeats_start_a_clause_and_are_not_all_digits() {
        let t: Vec<char> = "支出，人员经费主要包括工资人员经费主要包括工资。"
            .chars()
            .collect();
        assert_eq!(repeats(&t), vec![(3, 10)]);
        let digits: Vec<char> = "1234567812345678".chars().collect();
        assert!(repeats(&digits).is_empty());
        let mid: Vec<char> = "甲人员经费主要包括工资人员经费主要包括工资"
            .chars()
            .collect();
        assert!(repeats(&mid).is_empty());
    }
}
