//! A table's text → observations: which row each printed number belongs to (by its
//! code, 行次 or label), in printed order, with where it was printed. Which *column*
//! each number fills is decided later (`place`), because extracted text drops blank
//! cells: a row printing two numbers in a six-column table can mean several things,
//! and the table's own sums tell which.
//!
//! Two kinds of text: *layout* text (`pdftotext -layout`: a printed row is one line,
//! columns keep their character positions, a number may sit a line above or below
//! its row's code) and *stream* text (like the seed: one cell after another, numbers
//! after their row's code and name).
//!
//! Cost: each line of a table is tokenized once; a token is matched against the
//! profile's rows and columns (a bounded number), a number on a line of its own is
//! given to its row by binary search over the rows (sorted by line and column), a
//! code joined to the part printed below it by one forward scan of the next line.
//! Time O(n log n) and memory O(n) in the size of the table's text.

use crate::source::Line;
use crate::structure::TableRegion;
use crate::tokens::{Kind, Token, compact, tokenize, undouble};
use juesuan_model::{EconomicCode, FunctionalCode};
use juesuan_profile::{Layout, Profile, TableDef};

/// What a row of a read table is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Anchor {
    /// 合计 of a code table.
    Total,
    /// A functional code.
    Fn(FunctionalCode),
    /// An economic code.
    Econ(EconomicCode),
    /// 人员经费合计 / 公用经费合计 (group index in the profile).
    Group(usize),
    /// A 行次 of a panels table.
    Line(u32),
    /// A row of a panels table known by its label (panel, row index).
    Label(usize, usize),
    /// The single row of a grid table.
    Grid(usize),
}

/// A printed number.
#[derive(Clone, Debug)]
pub struct Value {
    /// Hundredths of the printed unit (amounts), or the count.
    pub hundredths: i64,
    /// A count (an integer printed in a count row), not an amount.
    pub count: bool,
    /// Line index.
    pub line: usize,
    /// Character columns.
    pub start: usize,
    /// One past the last column.
    pub end: usize,
    /// As printed.
    pub text: String,
}

/// A row as read: its anchor, the label printed with it, its numbers in order and
/// the "────" marks.
#[derive(Clone, Debug)]
pub struct Observation {
    /// Which row.
    pub anchor: Anchor,
    /// Label text printed with the anchor (names wrap over lines; joined).
    pub label: String,
    /// Line index of the anchor.
    pub line: usize,
    /// Character column of the anchor.
    pub col: usize,
    /// Numbers in reading order.
    pub values: Vec<Value>,
    /// Number of "────" marks.
    pub dashes: usize,
}

/// Something in a table that could not be given a place.
#[derive(Clone, Debug)]
pub struct Unread {
    /// Line index.
    pub line: usize,
    /// What.
    pub text: String,
    /// Why, in Chinese.
    pub why: String,
}

/// A table as read.
#[derive(Clone, Debug)]
pub struct ReadTable {
    /// Index of the table in the profile.
    pub index: usize,
    /// Rows in printed order.
    pub rows: Vec<Observation>,
    /// Numbers that belong to no row.
    pub unread: Vec<Unread>,
    /// Numbers too large to read (beyond the model's range), each reported.
    pub too_large: Vec<Unread>,
    /// Layout text (positions usable) or stream text.
    pub layout: bool,
    /// Per panel, per column: the character column of the column's header, when the
    /// layout text shows it (numbers are placed nearest their header).
    pub centers: Vec<Vec<Option<usize>>>,
}

/// The centre column of each value column's header in layout text: the header words
/// before the first row that begin the column's label (`本年收入合` for 本年收入合计).
/// Labels printed more than once in a panel are left unknown.
fn column_centers(def: &TableDef, header: &[Vec<Token>], split: usize) -> Vec<Vec<Option<usize>>> {
    let panels: Vec<Vec<String>> = match &def.layout {
        Layout::Panels { panels, .. } => panels
            .iter()
            .map(|p| p.columns.iter().map(|c| compact(&c.label)).collect())
            .collect(),
        Layout::Functional { columns, .. }
        | Layout::Grid { columns, .. }
        | Layout::Economic { columns, .. } => {
            vec![columns.iter().map(|c| compact(&c.label)).collect()]
        }
    };
    let words: Vec<&Token> = header
        .iter()
        .flatten()
        .filter(|t| t.kind == Kind::Word)
        .collect();
    panels
        .iter()
        .enumerate()
        .map(|(pi, labels)| {
            if labels.len() < 2 {
                return vec![None; labels.len()];
            }
            labels
                .iter()
                .map(|label| {
                    // The last word of a two-word label (`预算数 合计`) is what prints.
                    let label = label.rsplit(' ').next().unwrap_or(label);
                    let hits: Vec<&&Token> = words
                        .iter()
                        .filter(|t| {
                            let w = compact(&t.text);
                            w.chars().count() >= 2 && (label.starts_with(&w) || w == label)
                        })
                        .filter(|t| {
                            if panels.len() > 1 {
                                (t.start >= split) == (pi == 1)
                            } else {
                                true
                            }
                        })
                        .collect();
                    // The longest fragment of the label is its header (`项目支` rather than
                    // the `项目` over the names).
                    let longest = hits
                        .iter()
                        .map(|t| compact(&t.text).chars().count())
                        .max()
                        .unwrap_or(0);
                    let best: Vec<&&&Token> = hits
                        .iter()
                        .filter(|t| compact(&t.text).chars().count() == longest)
                        .collect();
                    if labels.iter().filter(|l| l.as_str() == label).count() > 1 || best.len() != 1
                    {
                        return None;
                    }
                    best.first().map(|t| (t.start + t.end) / 2)
                })
                .collect::<Vec<Option<usize>>>()
        })
        .map(interpolate)
        .collect()
}

/// Fills unknown header centres between known ones (evenly spaced), and beyond the
/// first and last known with their spacing; all unknown unless two are known.
fn interpolate(c: Vec<Option<usize>>) -> Vec<Option<usize>> {
    let known: Vec<(usize, usize)> = c
        .iter()
        .enumerate()
        .filter_map(|(i, x)| x.map(|x| (i, x)))
        .collect();
    if known.len() < 2 {
        return c;
    }
    let at = |i: usize| -> Option<usize> {
        let before = known.iter().rev().find(|(k, _)| *k <= i);
        let after = known.iter().find(|(k, _)| *k >= i);
        let (a, b) = match (before, after) {
            (Some(a), Some(b)) => (*a, *b),
            (None, Some(_)) => (*known.first()?, *known.get(1)?),
            (Some(_), None) => (*known.get(known.len() - 2)?, *known.last()?),
            (None, None) => return None,
        };
        if a.0 == b.0 {
            return Some(a.1);
        }
        let (ia, ib) = (i64::try_from(a.0).ok()?, i64::try_from(b.0).ok()?);
        let (xa, xb) = (i64::try_from(a.1).ok()?, i64::try_from(b.1).ok()?);
        let x = xa + (xb - xa) * (i64::try_from(i).ok()? - ia) / (ib - ia);
        usize::try_from(x.max(0)).ok()
    };
    (0..c.len()).map(at).collect()
}

/// Layout text keeps columns apart with runs of spaces.
fn is_layout(lines: &[Line], from: usize, to: usize) -> bool {
    let mut wide = 0usize;
    let mut total = 0usize;
    for l in lines.get(from..to).unwrap_or(&[]) {
        let t = l.text.trim();
        if t.split_whitespace().count() < 2 {
            continue;
        }
        total += 1;
        if t.contains("   ") {
            wide += 1;
        }
    }
    total > 0 && wide * 2 >= total
}

/// Tokens of a line with codes split over columns joined (`201 06 01` → 2010601) and
/// doubled codes collapsed (`301301` → 301).
fn line_tokens(text: &str) -> Vec<Token> {
    let raw = tokenize(text);
    let mut out: Vec<Token> = Vec::new();
    let mut i = 0;
    while let Some(t) = raw.get(i) {
        if let Kind::Int(_) = t.kind {
            // Only a code printed twice is collapsed (`301301`); `33` is 行次 33.
            let digits = if matches!(t.text.len(), 6 | 10 | 14) {
                undouble(&t.text)
            } else {
                t.text.clone()
            };
            let mut text = digits.clone();
            let mut end = t.end;
            let mut j = i + 1;
            // 类 款 项 in separate columns: 3 digits then one or two 2-digit parts.
            if text.len() == 3 {
                while let Some(n) = raw.get(j) {
                    if matches!(n.kind, Kind::Int(_)) && n.text.len() == 2 && text.len() < 7 {
                        text.push_str(&n.text);
                        end = n.end;
                        j += 1;
                    } else {
                        break;
                    }
                }
            }
            let value = text.parse::<u64>().unwrap_or(0);
            out.push(Token {
                kind: Kind::Int(value),
                text,
                start: t.start,
                end,
            });
            i = j;
            continue;
        }
        out.push(t.clone());
        i += 1;
    }
    out
}

/// Joins a 3-digit code with a 2-digit part printed just below it (same column, next
/// line), as some layouts print the 款 of a code under its 类.
fn join_codes_down(all: &mut [Vec<Token>]) {
    for i in 0..all.len().saturating_sub(1) {
        let (head, tail) = all.split_at_mut(i + 1);
        let (Some(cur), Some(next)) = (head.last_mut(), tail.first_mut()) else {
            continue;
        };
        // Both lines are in column order: the first unused 2-digit part of the next
        // line starting within a code's columns is found by one forward scan.
        let mut used = vec![false; next.len()];
        let mut from = 0usize;
        for t in cur.iter_mut() {
            if !(matches!(t.kind, Kind::Int(_)) && t.text.len() == 3) {
                continue;
            }
            while next.get(from).is_some_and(|n| n.start + 1 < t.start) {
                from += 1;
            }
            let mut k = from;
            let mut below = None;
            while let Some(n) = next.get(k) {
                if n.start > t.end + 8 {
                    break;
                }
                if !used.get(k).copied().unwrap_or(true)
                    && matches!(n.kind, Kind::Int(_))
                    && n.text.len() == 2
                {
                    below = Some(k);
                    break;
                }
                k += 1;
            }
            if let Some(k) = below
                && let (Some(n), Some(u)) = (next.get(k), used.get_mut(k))
            {
                *u = true;
                t.text.push_str(&n.text);
                t.kind = Kind::Int(t.text.parse().unwrap_or(0));
            }
        }
        if used.contains(&true) {
            let mut flags = used.into_iter();
            next.retain(|_| !flags.next().unwrap_or(false));
        }
    }
}

fn functional_anchor(t: &Token) -> Option<Anchor> {
    if !matches!(t.kind, Kind::Int(_))
        || !matches!(t.text.len(), 3 | 5 | 7)
        || !t.text.starts_with('2')
    {
        return None;
    }
    FunctionalCode::parse(&t.text).ok().map(Anchor::Fn)
}

fn economic_anchor(t: &Token, profile: &Profile) -> Option<Anchor> {
    if !matches!(t.kind, Kind::Int(_)) || !matches!(t.text.len(), 3 | 5) || !t.text.starts_with('3')
    {
        return None;
    }
    let code = EconomicCode::parse(&t.text).ok()?;
    profile.economic_catalog.name(&code)?;
    Some(Anchor::Econ(code))
}

/// Anchors of one line: (token index, anchor).
fn anchors(
    tokens: &[Token],
    def: &TableDef,
    profile: &Profile,
    expected: &mut PanelLines,
    labels: &mut Option<PanelLabels>,
) -> Vec<(usize, Anchor)> {
    let mut out = Vec::new();
    if let Some(l) = labels.as_mut() {
        return l.find(tokens);
    }
    for (k, t) in tokens.iter().enumerate() {
        let a = match &def.layout {
            Layout::Functional { .. } => functional_anchor(t).or_else(|| {
                (t.kind == Kind::Word && undouble(&t.text).starts_with("合计"))
                    .then_some(Anchor::Total)
            }),
            Layout::Economic { groups, .. } => economic_anchor(t, profile).or_else(|| {
                if t.kind != Kind::Word {
                    return None;
                }
                let w = undouble(&t.text);
                groups
                    .iter()
                    .position(|g| w.starts_with(&g.total_label))
                    .map(Anchor::Group)
            }),
            // A 行次 stands apart: not glued to a word before it (`公开01表`).
            Layout::Panels { .. } => {
                let apart = k == 0 || tokens.get(k - 1).is_some_and(|p| p.end < t.start);
                if apart {
                    t.integer().and_then(|n| expected.take(n)).map(Anchor::Line)
                } else {
                    None
                }
            }
            Layout::Grid { .. } => None,
        };
        if let Some(a) = a {
            out.push((k, a));
        }
    }
    out
}

/// The 行次 of a panels table still to come, in each panel: a number is a 行次 only
/// when it is the next one of a panel.
struct PanelLines {
    panels: Vec<Vec<u32>>,
    next: Vec<usize>,
}

impl PanelLines {
    fn new(def: &TableDef) -> PanelLines {
        let panels: Vec<Vec<u32>> = match &def.layout {
            Layout::Panels { panels, .. } => panels
                .iter()
                .map(|p| p.rows.iter().filter_map(|r| r.line).collect())
                .collect(),
            _ => Vec::new(),
        };
        let next = vec![0; panels.len()];
        PanelLines { panels, next }
    }

    fn take(&mut self, n: u64) -> Option<u32> {
        let n = u32::try_from(n).ok()?;
        for (p, lines) in self.panels.iter().enumerate() {
            let i = self.next.get(p).copied().unwrap_or(0);
            // The next 行次 of this panel, or one after it (a skipped blank row).
            for skip in 0..2 {
                if lines.get(i + skip) == Some(&n) {
                    if let Some(x) = self.next.get_mut(p) {
                        *x = i + skip + 1;
                    }
                    return Some(n);
                }
            }
        }
        None
    }
}

/// The rows of a panels table that prints no 行次 (上海 2024), found by their labels:
/// each panel is matched in order, a label wrapped over two lines by its first part.
pub struct PanelLabels {
    /// Per panel: (row index, label without spaces).
    rows: Vec<Vec<(usize, String)>>,
    next: Vec<usize>,
    /// Labels starting at or right of this column belong to the right-hand panel.
    split: usize,
}

impl PanelLabels {
    fn new(def: &TableDef) -> Option<PanelLabels> {
        let Layout::Panels {
            panels,
            line_numbers: false,
            ..
        } = &def.layout
        else {
            return None;
        };
        let rows: Vec<Vec<(usize, String)>> = panels
            .iter()
            .map(|p| {
                p.rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| !r.blank && r.heading.is_none() && !r.label.is_empty())
                    .map(|(i, r)| (i, compact(&r.label)))
                    .collect()
            })
            .collect();
        let next = vec![0; rows.len()];
        Some(PanelLabels {
            rows,
            next,
            split: usize::MAX,
        })
    }

    /// Runs of words with at most two spaces between them, as (first token, last
    /// token, text without spaces, column).
    fn phrases(tokens: &[Token]) -> Vec<(usize, usize, String, usize)> {
        let mut out = Vec::new();
        let mut k = 0;
        while k < tokens.len() {
            if tokens.get(k).is_none_or(|t| t.kind != Kind::Word) {
                k += 1;
                continue;
            }
            let start = k;
            let mut text = String::new();
            let mut end = k;
            while let Some(t) = tokens.get(end) {
                if t.kind != Kind::Word {
                    break;
                }
                if end > start && tokens.get(end - 1).is_some_and(|p| t.start > p.end + 2) {
                    break;
                }
                text.push_str(&t.text);
                end += 1;
            }
            let col = tokens.get(start).map_or(0, |t| t.start);
            out.push((start, end - 1, compact(&text), col));
            k = end;
        }
        out
    }

    fn matches(label: &str, text: &str) -> bool {
        label == text
            || (text.chars().count() >= 5 && label.starts_with(text))
            || (label.chars().count() >= 4
                && text.starts_with(label)
                && text.chars().count() <= label.chars().count() + 2)
    }

    /// Where the right-hand panel starts: the leftmost column of a label only the
    /// right-hand panel has.
    fn learn_split(&mut self, lines: &[Vec<Token>]) {
        let (Some(left), Some(right)) = (self.rows.first(), self.rows.get(1)) else {
            return;
        };
        let mut split = usize::MAX;
        for tokens in lines {
            for (_, _, text, col) in Self::phrases(tokens) {
                let in_right = right.iter().any(|(_, l)| Self::matches(l, &text));
                let in_left = left.iter().any(|(_, l)| Self::matches(l, &text));
                if in_right && !in_left && col > 0 {
                    split = split.min(col);
                }
            }
        }
        self.split = split.saturating_sub(2);
    }

    fn find(&mut self, tokens: &[Token]) -> Vec<(usize, Anchor)> {
        let mut out = Vec::new();
        for (first, _, text, col) in Self::phrases(tokens) {
            let panel = usize::from(col >= self.split && self.rows.len() > 1);
            let Some(rows) = self.rows.get(panel) else {
                continue;
            };
            let from = self.next.get(panel).copied().unwrap_or(0);
            let hit = rows
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, (_, l))| Self::matches(l, &text));
            if let Some((i, (row, _))) = hit {
                out.push((first, Anchor::Label(panel, *row)));
                if let Some(n) = self.next.get_mut(panel) {
                    *n = i + 1;
                }
            }
        }
        out
    }
}

/// Is this row of the table a count row (table 10's vehicles)?
fn count_line(def: &TableDef, line: u32) -> bool {
    let Layout::Panels { panels, .. } = &def.layout else {
        return false;
    };
    panels.iter().flat_map(|p| &p.rows).any(|r| {
        r.line == Some(line)
            && match &r.binding {
                juesuan_profile::RowBinding::Key(k) => {
                    k.measure.kind() == juesuan_model::NumKind::Count
                }
                juesuan_profile::RowBinding::Keys(ks) => ks
                    .iter()
                    .flatten()
                    .any(|k| k.measure.kind() == juesuan_model::NumKind::Count),
                _ => false,
            }
    })
}

fn value(t: &Token, line: usize, count: bool) -> Option<Value> {
    let (hundredths, count) = match t.kind {
        Kind::Amount { hundredths, .. } if !count => (hundredths, false),
        // A count beyond i64 is kept as i64::MAX: the assembly reports it as too large.
        Kind::Amount { .. } | Kind::Int(_) if count => {
            (i64::try_from(t.integer()?).unwrap_or(i64::MAX), true)
        }
        _ => return None,
    };
    Some(Value {
        hundredths,
        count,
        line,
        start: t.start,
        end: t.end,
        text: t.text.clone(),
    })
}

/// Why a number too large to read is not read.
pub fn too_large_why() -> String {
    format!(
        "数额过大，超出可处理的范围（绝对值不超过 {} 元），未读入",
        juesuan_model::Money::from_fen(juesuan_model::MAX_ABS_FEN)
    )
}

/// The row a number printed on a line without an anchor belongs to (layout text):
/// among the rows whose anchor is at or left of it, within three lines, the nearest
/// by line, the one below on a tie, the rightmost anchor on its line. `rows` are in
/// (line, column) order, as read.
fn nearest_row(rows: &[Observation], v: &Value) -> Option<usize> {
    // (line distance, above, rightmost first) and the row's index.
    type Ranked = ((usize, bool, std::cmp::Reverse<usize>), usize);
    let mut best: Option<Ranked> = None;
    for line in v.line.saturating_sub(3)..=v.line.saturating_add(3) {
        let lo = rows.partition_point(|r| r.line < line);
        let hi = lo
            + rows
                .get(lo..)
                .unwrap_or(&[])
                .partition_point(|r| r.line == line);
        let on_line = rows.get(lo..hi).unwrap_or(&[]);
        let left = on_line.partition_point(|r| r.col <= v.start);
        let Some(i) = left.checked_sub(1).map(|k| lo + k) else {
            continue;
        };
        let Some(r) = rows.get(i) else { continue };
        let key = (
            r.line.abs_diff(v.line),
            r.line < v.line,
            std::cmp::Reverse(r.col),
        );
        if best.as_ref().is_none_or(|(b, _)| key < *b) {
            best = Some((key, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Reads one table region.
pub fn read_table(lines: &[Line], region: &TableRegion, profile: &Profile) -> ReadTable {
    let def = &profile.tables[region.index];
    let layout = is_layout(lines, region.start, region.end);
    let mut rows: Vec<Observation> = Vec::new();
    let mut unread = Vec::new();
    let mut too_large = Vec::new();
    let mut expected = PanelLines::new(def);
    let mut labels = PanelLabels::new(def);
    if let Some(l) = labels.as_mut() {
        let all: Vec<Vec<Token>> = (region.start..region.end)
            .filter_map(|i| lines.get(i))
            .map(|l| line_tokens(&l.text))
            .collect();
        l.learn_split(&all);
    }
    // Numbers on lines without an anchor (layout text): attached afterwards.
    let mut floating: Vec<Value> = Vec::new();
    let mut grid: Vec<Value> = Vec::new();
    // Skip the header: everything before the first anchor or number of the body.
    // Tokens of every line; in layout text a 款 printed under its 类 on the next line
    // (`302` … / `01`) is joined to it.
    let mut all: Vec<Vec<Token>> = (region.start..region.end)
        .map(|i| {
            lines
                .get(i)
                .map(|l| line_tokens(&l.text))
                .unwrap_or_default()
        })
        .collect();
    if layout
        && matches!(
            def.layout,
            Layout::Economic { .. } | Layout::Functional { .. }
        )
    {
        join_codes_down(&mut all);
    }
    for li in region.start..region.end {
        let Some(line) = lines.get(li) else { break };
        let c = compact(&line.text);
        if c.starts_with("注：")
            || c.starts_with("注:")
            || c.contains("本表无数据")
            || c.starts_with("说明：")
        {
            continue;
        }
        if crate::structure::unit_of(&line.text).is_some() || c.starts_with("栏次") {
            continue;
        }
        let tokens = all.get(li - region.start).cloned().unwrap_or_default();
        if let Layout::Grid { .. } = def.layout {
            for t in &tokens {
                if t.kind == Kind::TooLarge {
                    too_large.push(Unread {
                        line: li,
                        text: t.text.clone(),
                        why: too_large_why(),
                    });
                }
            }
            grid.extend(tokens.iter().filter_map(|t| value(t, li, false)));
            continue;
        }
        let found = anchors(&tokens, def, profile, &mut expected, &mut labels);
        // The anchors are in token order: walked alongside the tokens.
        let mut found = found.into_iter().peekable();
        let mut current: Option<usize> = None;
        let mut first = true;
        for (k, t) in tokens.iter().enumerate() {
            while found.peek().is_some_and(|(i, _)| *i < k) {
                found.next();
            }
            if let Some((_, a)) = found.next_if(|(i, _)| *i == k) {
                rows.push(Observation {
                    anchor: a.clone(),
                    label: String::new(),
                    line: li,
                    col: t.start,
                    values: Vec::new(),
                    dashes: 0,
                });
                current = Some(rows.len() - 1);
                first = false;
                continue;
            }
            let count = match rows.last() {
                Some(Observation {
                    anchor: Anchor::Line(n),
                    ..
                }) => count_line(def, *n),
                _ => false,
            };
            // An integer glued to the word before it is part of a label (`单价100万元`).
            let glued = k > 0
                && tokens
                    .get(k - 1)
                    .is_some_and(|p| p.end == t.start && p.kind == Kind::Word);
            if glued && matches!(t.kind, Kind::Int(_)) {
                continue;
            }
            match (&t.kind, layout) {
                (Kind::TooLarge, _) => too_large.push(Unread {
                    line: li,
                    text: t.text.clone(),
                    why: too_large_why(),
                }),
                (Kind::Word, _) => {
                    // Names: kept with the row they follow (stream) or share a line with.
                    let target = if layout {
                        current
                    } else {
                        current.or(rows.len().checked_sub(1))
                    };
                    if let Some(r) = target.and_then(|i| rows.get_mut(i)) {
                        r.label.push_str(&undouble(&t.text));
                    }
                }
                (Kind::Dash, _) => {
                    let target = if layout {
                        current
                    } else {
                        rows.len().checked_sub(1)
                    };
                    if let Some(r) = target.and_then(|i| rows.get_mut(i)) {
                        r.dashes += 1;
                    }
                }
                (_, false) => {
                    if let Some(v) = value(t, li, count) {
                        match rows.last_mut() {
                            Some(r) => r.values.push(v),
                            None => floating.push(v),
                        }
                    }
                }
                (_, true) => {
                    if let Some(v) = value(t, li, count) {
                        match current {
                            Some(i) if !first => {
                                if let Some(r) = rows.get_mut(i) {
                                    r.values.push(v);
                                }
                            }
                            _ => floating.push(v),
                        }
                    }
                }
            }
        }
    }
    // The header: the lines before the first row.
    let first_row = rows.first().map_or(region.end, |r| r.line);
    let header: Vec<Vec<Token>> = all
        .iter()
        .take(first_row.saturating_sub(region.start))
        .cloned()
        .collect();
    let split = labels.as_ref().map_or(usize::MAX, |l| l.split);
    let centers = if layout {
        column_centers(def, &header, split)
    } else {
        Vec::new()
    };
    if let Layout::Grid { .. } = def.layout {
        if !grid.is_empty() {
            rows.push(Observation {
                anchor: Anchor::Grid(0),
                label: String::new(),
                line: grid.first().map_or(region.start, |v| v.line),
                col: 0,
                values: grid,
                dashes: 0,
            });
        }
        return ReadTable {
            index: region.index,
            rows,
            unread,
            too_large,
            layout,
            centers,
        };
    }
    // Layout text: a number on a line of its own belongs to the nearest row whose
    // anchor sits left of it, the following row on a tie (cells are centred
    // vertically, so a number may print a line above its row's code).
    // Rows are in (line, column) order: on each of the seven lines around the number
    // the candidate is the rightmost anchor left of it, found by binary search.
    for v in floating {
        let best = if layout { nearest_row(&rows, &v) } else { None };
        match best {
            Some(i) => {
                if let Some(r) = rows.get_mut(i) {
                    r.values.push(v);
                }
            }
            _ => unread.push(Unread {
                line: v.line,
                text: v.text.clone(),
                why: "不属于任何一行".to_string(),
            }),
        }
    }
    // Keep each row's numbers in reading order: by column in layout text (a number
    // printed a line higher is still in its column), by line then column otherwise.
    for r in &mut rows {
        if layout {
            r.values.sort_by_key(|v| (v.start, v.line));
        } else {
            r.values.sort_by_key(|v| (v.line, v.start));
        }
    }
    ReadTable {
        index: region.index,
        rows,
        unread,
        too_large,
        layout,
        centers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_codes_join() {
        let t = line_tokens("201   06   01   行政运行           1,511.90");
        assert_eq!(t[0].text, "2010601");
        let t = line_tokens("301301 工资福利支出工资福利支出 24333836.17");
        assert_eq!(t[0].text, "301");
        let t = line_tokens("208             社会保障和就业支出        326.72");
        assert_eq!(t[0].text, "208");
    }
}
