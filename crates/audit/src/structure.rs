//! Where things are: each table of the profile (caption, 金额单位, extent), the
//! narrative part and its sections. Contents pages list the same titles; a caption is
//! only taken where a 金额单位 line or the table's number follows it closely.
//!
//! Cost: every line is compacted once; each table of the profile is then searched
//! for from where the previous one was found, looking at the 19 lines around a line
//! that shows its title; each narrative section likewise. Time O(lines × tables of
//! the profile) — linear in the text, the profile being fixed — and memory one
//! compacted copy of the text.

use crate::source::Line;
use crate::tokens::compact;
use juesuan_model::AmountUnit;
use juesuan_profile::Profile;

/// A table found in the text.
#[derive(Clone, Debug)]
pub struct TableRegion {
    /// Index of the table in the profile.
    pub index: usize,
    /// Line index of the caption.
    pub caption: usize,
    /// First line index after the caption (header and body).
    pub start: usize,
    /// One past the last line index.
    pub end: usize,
    /// 金额单位 as printed, and where.
    pub unit: Option<(AmountUnit, usize)>,
    /// "本表无数据" printed in the table.
    pub empty_note: bool,
}

/// A narrative section found in the text.
#[derive(Clone, Debug)]
pub struct SectionRegion {
    /// Index of the section in the profile.
    pub index: usize,
    /// Line index of the title.
    pub title: usize,
    /// One past the last line index.
    pub end: usize,
}

/// The parts of a report.
#[derive(Clone, Debug, Default)]
pub struct Structure {
    /// Tables found, in order.
    pub tables: Vec<TableRegion>,
    /// Profile tables not found.
    pub missing_tables: Vec<usize>,
    /// Line index of the narrative part's title.
    pub narrative: Option<usize>,
    /// Narrative sections found, in order.
    pub sections: Vec<SectionRegion>,
    /// Profile sections not found.
    pub missing_sections: Vec<usize>,
    /// Sections found under another title: (profile index, title as printed).
    pub retitled: Vec<(usize, String)>,
    /// Line index where the narrative ends (the next part), if found.
    pub narrative_end: Option<usize>,
}

/// Drops a leading ordinal (`一、`, `（一）`, `1.`) and a table number (`公开01表`).
fn bare(s: &str) -> String {
    let mut t = s.to_string();
    if let Some(i) = t.find("表") {
        // `公开02表收入决算表` → `收入决算表`
        let head: String = t.chars().take_while(|c| *c != '表').collect();
        if head.starts_with("公开") && head.chars().skip(2).all(|c| c.is_ascii_digit()) {
            t = t.get(i + '表'.len_utf8()..).unwrap_or("").to_string();
        }
    }
    let ordinals = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
    let mut chars = t.chars().peekable();
    let mut prefix = 0usize;
    while chars.peek().is_some_and(|c| ordinals.contains(c)) {
        chars.next();
        prefix += 1;
    }
    if prefix > 0 && chars.peek() == Some(&'、') {
        chars.next();
        return chars.collect();
    }
    t
}

/// The 金额单位 of a line (`金额单位：元`, `单位：万元`), if it states one.
pub fn unit_of(line: &str) -> Option<AmountUnit> {
    let c = compact(line);
    c.match_indices("单位").find_map(|(i, _)| {
        let rest = c.get(i + "单位".len()..)?.trim_start_matches([':', '：']);
        if rest.starts_with("万元") {
            Some(AmountUnit::Wan)
        } else if rest.starts_with("亿元") {
            Some(AmountUnit::Yi)
        } else if rest.starts_with('元') {
            Some(AmountUnit::Yuan)
        } else {
            None
        }
    })
}

/// A table's 金额单位 and the line it is stated on.
type UnitAt = Option<(AmountUnit, usize)>;

/// Finds the profile's tables and narrative sections.
pub fn locate(lines: &[Line], profile: &Profile) -> Structure {
    let compacts: Vec<String> = lines.iter().map(|l| compact(&l.text)).collect();
    let mut s = Structure::default();
    let mut from = 0usize;
    // (table index, caption line, its unit and the unit's line)
    let mut found: Vec<(usize, usize, UnitAt)> = Vec::new();
    for (ti, def) in profile.tables.iter().enumerate() {
        let title = compact(&def.title);
        let number = compact(&def.number);
        let hit = (from..lines.len()).find_map(|i| {
            let c = compacts.get(i)?;
            let b = bare(c);
            if b != title && !(c.contains(&title) && c.chars().count() <= title.chars().count() + 8)
            {
                return None;
            }
            // A caption has its 金额单位 (or its number) just after it; a contents
            // entry does not.
            let near = i.saturating_sub(3)..(i + 16).min(lines.len());
            let unit = near
                .clone()
                .find_map(|j| unit_of(&lines.get(j)?.text).map(|u| (u, j)));
            let numbered = !number.is_empty()
                && near
                    .clone()
                    .any(|j| compacts.get(j).is_some_and(|x| x.contains(&number)));
            (unit.is_some() || numbered).then_some((i, unit))
        });
        match hit {
            Some((i, unit)) => {
                found.push((ti, i, unit));
                from = i + 1;
            }
            None => s.missing_tables.push(ti),
        }
    }
    // The narrative part: its title after the last table.
    let after = found.last().map_or(0, |f| f.1);
    s.narrative = (after..lines.len()).find(|&i| {
        compacts.get(i).is_some_and(|c| {
            c.starts_with("第三部分")
                && (c.contains("说明") || c.contains("情况") || c.chars().count() <= 12)
        })
    });
    let part_end = s.narrative.and_then(|n| {
        (n + 1..lines.len()).find(|&i| {
            compacts
                .get(i)
                .is_some_and(|c| c.starts_with("第四部分") || c.starts_with("第五部分"))
        })
    });
    s.narrative_end = part_end;
    for (k, &(ti, caption, unit)) in found.iter().enumerate() {
        let next = found.get(k + 1).map(|f| f.1);
        let end = next.or(s.narrative).unwrap_or(lines.len()).max(caption + 1);
        let empty_note =
            (caption..end).any(|i| compacts.get(i).is_some_and(|c| c.contains("本表无数据")));
        s.tables.push(TableRegion {
            index: ti,
            caption,
            start: caption + 1,
            end,
            unit,
            empty_note,
        });
    }
    if let Some(n) = s.narrative {
        let end = part_end.unwrap_or(lines.len());
        let mut from = n + 1;
        let mut titles: Vec<(usize, usize)> = Vec::new();
        let sections = &profile.narrative.sections;
        for (si, sec) in sections.iter().enumerate() {
            let title = compact(&sec.title);
            let exact = |c: &String| {
                c == &title
                    || (c.starts_with(&title) && c.chars().count() <= title.chars().count() + 2)
            };
            let hit = (from..end).find(|&i| compacts.get(i).is_some_and(exact));
            // Not found as printed in the template: a heading with the same ordinal
            // (`六、`) before the next section's title is this section, retitled.
            let next_title = sections.get(si + 1).map(|n| compact(&n.title));
            let limit = next_title
                .and_then(|n| {
                    (from..end).find(|&i| compacts.get(i).is_some_and(|c| c.starts_with(&n)))
                })
                .unwrap_or(end);
            let ordinal: String = title
                .chars()
                .take_while(|c| *c != '、')
                .chain(std::iter::once('、'))
                .collect();
            let retitled = || {
                (from..limit).find(|&i| {
                    compacts.get(i).is_some_and(|c| {
                        c.starts_with(&ordinal) && c.chars().count() <= title.chars().count() + 6
                    })
                })
            };
            match hit.or_else(|| {
                let r = retitled();
                if let Some(i) = r {
                    s.retitled
                        .push((si, compacts.get(i).cloned().unwrap_or_default()));
                }
                r
            }) {
                Some(i) => {
                    titles.push((si, i));
                    from = i + 1;
                }
                None => s.missing_sections.push(si),
            }
        }
        for (k, &(si, i)) in titles.iter().enumerate() {
            let e = titles.get(k + 1).map_or(end, |t| t.1);
            s.sections.push(SectionRegion {
                index: si,
                title: i,
                end: e,
            });
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_titles() {
        assert_eq!(bare("公开02表收入决算表"), "收入决算表");
        assert_eq!(bare("一、收入支出决算总表"), "收入支出决算总表");
        assert_eq!(bare("收入决算表"), "收入决算表");
    }

    #[test]
    fn units() {
        assert_eq!(
            unit_of("部门名称：某局 2022年度  金额单位：元"),
            Some(AmountUnit::Yuan)
        );
        assert_eq!(
            unit_of("                 单位：万元"),
            Some(AmountUnit::Wan)
        );
        assert_eq!(unit_of("单位: 亿元"), Some(AmountUnit::Yi));
        assert_eq!(unit_of("单位名称：晋城市市场监督管理局"), None);
        assert_eq!(
            unit_of("单位名称：某局 2022年度 金额单位：元"),
            Some(AmountUnit::Yuan)
        );
    }
}
