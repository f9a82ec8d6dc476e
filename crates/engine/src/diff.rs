//! What changed between two versions of a report: the table rows whose printed
//! figures differ, and the sentences of the explanation added or removed.
//!
//! A [`Snapshot`] is taken of the composed document when a version is stored (it
//! is what the reader will see, so the diff is of the published form, not of the
//! input files); [`diff`] compares two. Rows are keyed by table number and the
//! row's label cells (行次, 科目编码, 名称), so an inserted row shows as added
//! rather than shifting every row below it.

use juesuan_compose::{Block, Document, ViewCell};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The comparable content of one version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// `(公开01表 · 行次1 一般公共预算财政拨款收入, the row's figures as printed)`.
    pub rows: Vec<(String, String)>,
    /// `(section heading, sentence)` of every paragraph outside the tables.
    pub sentences: Vec<(String, String)>,
}

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `表` for a table row, `文` for a sentence.
    pub kind: &'static str,
    /// The row's key or the sentence's section.
    pub place: String,
    /// Before (empty when added).
    pub before: String,
    /// After (empty when removed).
    pub after: String,
}

fn cell_text(c: &ViewCell) -> Option<String> {
    Some(match c {
        ViewCell::Text { text, .. } => text.clone(),
        ViewCell::Code(c) => c.clone(),
        ViewCell::Link { text, .. } => text.clone(),
        ViewCell::Line(n) => format!("行次{n}"),
        ViewCell::Amount(m) => m.to_string(),
        ViewCell::Count(n) => n.to_string(),
        ViewCell::Score(p) => p.to_string(),
        ViewCell::Rate(p) => p.to_string(),
        ViewCell::Empty => String::new(),
        ViewCell::NotApplicable => "—".to_string(),
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

fn is_label(c: &ViewCell) -> bool {
    matches!(
        c,
        ViewCell::Text { .. } | ViewCell::Code(_) | ViewCell::Line(_)
    )
}

/// The snapshot of a composed document.
pub fn snapshot(doc: &Document) -> Snapshot {
    let mut s = Snapshot::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for part in &doc.parts {
        let mut section = part.title.clone();
        for block in &part.blocks {
            match block {
                Block::Heading { text, .. } => section = text.clone(),
                Block::Paragraph { text } => {
                    for sentence in text.split_inclusive('。') {
                        let sentence = sentence.trim();
                        if !sentence.is_empty() {
                            s.sentences.push((section.clone(), sentence.to_string()));
                        }
                    }
                }
                Block::Table(t) => {
                    // A table without a number (a project's 预算执行情况) is
                    // named by its title.
                    let name = if t.number.is_empty() {
                        t.title.clone()
                    } else {
                        t.number.clone()
                    };
                    for row in &t.rows {
                        let label: Vec<String> = row
                            .cells
                            .iter()
                            .filter(|c| is_label(c))
                            .filter_map(cell_text)
                            .filter(|t| !t.is_empty())
                            .collect();
                        let values: Vec<String> = row
                            .cells
                            .iter()
                            .filter(|c| !is_label(c))
                            .filter_map(cell_text)
                            .collect();
                        let mut key = format!("{name} · {}", label.join(" "));
                        // The same key twice (a blank label row, the 合计 of
                        // each project's table): number the repeats in document
                        // order so each keeps its own key.
                        let n = seen.entry(key.clone()).or_default();
                        *n += 1;
                        if *n > 1 {
                            key.push_str(&format!("（第{n}处）"));
                        }
                        s.rows.push((key, values.join(" | ")));
                    }
                }
                _ => {}
            }
        }
    }
    s
}

/// The changes from `old` to `new`: changed, removed and added rows in `new`'s
/// order (removed ones after), then removed and added sentences.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Vec<Change> {
    let mut out = Vec::new();
    let before: BTreeMap<&str, &str> = old
        .rows
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let after: BTreeMap<&str, &str> = new
        .rows
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (k, v) in &new.rows {
        match before.get(k.as_str()) {
            Some(b) if b == v => {}
            b => out.push(Change {
                kind: "表",
                place: k.clone(),
                before: b.map(|s| s.to_string()).unwrap_or_default(),
                after: v.clone(),
            }),
        }
    }
    for (k, v) in &old.rows {
        if !after.contains_key(k.as_str()) {
            out.push(Change {
                kind: "表",
                place: k.clone(),
                before: v.clone(),
                after: String::new(),
            });
        }
    }
    let count = |list: &[(String, String)]| {
        let mut m: BTreeMap<(String, String), usize> = BTreeMap::new();
        for item in list {
            *m.entry(item.clone()).or_default() += 1;
        }
        m
    };
    let (was, now) = (count(&old.sentences), count(&new.sentences));
    for item in &old.sentences {
        if now.get(item).copied().unwrap_or(0) < was.get(item).copied().unwrap_or(0) {
            out.push(Change {
                kind: "文",
                place: item.0.clone(),
                before: item.1.clone(),
                after: String::new(),
            });
        }
    }
    for item in &new.sentences {
        if was.get(item).copied().unwrap_or(0) < now.get(item).copied().unwrap_or(0) {
            out.push(Change {
                kind: "文",
                place: item.0.clone(),
                before: String::new(),
                after: item.1.clone(),
            });
        }
    }
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_example_has_its_own_key() {
        let Ok((report, profile)) = crate::sample::example() else {
            panic!("example");
        };
        let Ok(loaded) = crate::check(report, profile, false, None, crate::Against::default())
        else {
            panic!("example checks");
        };
        let s = snapshot(&loaded.document);
        let keys: std::collections::BTreeSet<&str> =
            s.rows.iter().map(|(k, _)| k.as_str()).collect();
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        for (k, _) in &s.rows {
            *count.entry(k.as_str()).or_default() += 1;
        }
        let repeated: Vec<_> = count.iter().filter(|(_, n)| **n > 1).take(5).collect();
        assert_eq!(keys.len(), s.rows.len(), "row keys repeat: {repeated:?}");
        assert!(diff(&s, &s).is_empty());
    }

    fn snap(rows: &[(&str, &str)], sentences: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            rows: rows
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            sentences: sentences
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    #[test]
    fn changed_added_removed() {
        let old = snap(
            &[("t · a", "1"), ("t · b", "2")],
            &[("一", "甲。"), ("一", "乙。")],
        );
        let new = snap(
            &[("t · a", "3"), ("t · c", "4")],
            &[("一", "甲。"), ("一", "丙。")],
        );
        let d = diff(&old, &new);
        let places: Vec<(&str, &str, &str)> = d
            .iter()
            .map(|c| (c.place.as_str(), c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            places,
            vec![
                ("t · a", "1", "3"),
                ("t · c", "", "4"),
                ("t · b", "2", ""),
                ("一", "乙。", ""),
                ("一", "", "丙。"),
            ]
        );
        assert!(diff(&new, &new).is_empty());
    }
}
