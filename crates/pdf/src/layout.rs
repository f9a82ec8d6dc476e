//! Document → the compact display model the Typst template lays out: every amount is
//! already a formatted string, every cell knows its span, alignment and weight, so
//! the template only places text (which keeps Typst fast).

use juesuan_compose::{Block, Document, HeaderCell, RowStyle, TableView, ViewCell};
use serde::Serialize;

/// The report as the template sees it.
#[derive(Serialize)]
pub struct PdfDoc {
    /// Report title (footer, metadata).
    pub title: String,
    /// 部门名称 (cover).
    pub department: String,
    /// 决算年度.
    pub year: i32,
    /// The cover's second line: the title without the department (`2022年单位决算公开报告`).
    pub cover: String,
    /// Parts in order.
    pub parts: Vec<PPart>,
    /// A draft: 草稿 on every page.
    pub draft: bool,
    /// Families for the text, best first: the profile's, the installed defaults,
    /// the embedded one (filled by [`crate::typeset`] from the fonts chosen).
    pub serif: Vec<String>,
    /// Families for headings, likewise.
    pub sans: Vec<String>,
}

/// A part (第一部分 …).
#[derive(Serialize)]
pub struct PPart {
    /// Title.
    pub title: String,
    /// Content.
    pub blocks: Vec<PBlock>,
}

/// A block, tagged by `k`.
#[derive(Serialize)]
#[serde(tag = "k")]
pub enum PBlock {
    /// Heading: level, text, text for the table of contents.
    #[serde(rename = "h")]
    Heading {
        /// Level 2–4.
        l: u8,
        /// Text.
        t: String,
        /// Entry in the table of contents, when different.
        #[serde(skip_serializing_if = "Option::is_none")]
        toc: Option<String>,
    },
    /// Paragraph.
    #[serde(rename = "p")]
    Par {
        /// Text.
        t: String,
    },
    /// Table.
    #[serde(rename = "t")]
    Table(Box<PTable>),
    /// Chart, as SVG (the drawing the HTML shows).
    #[serde(rename = "c")]
    Chart {
        /// SVG text.
        svg: String,
    },
    /// Page break.
    #[serde(rename = "b")]
    Break,
}

/// A table.
#[derive(Serialize)]
pub struct PTable {
    /// `公开01表` (empty for tables inside a text).
    pub number: String,
    /// Caption.
    pub title: String,
    /// `部门名称：…`, `2022年度`, `金额单位：元`.
    pub meta: [String; 3],
    /// On a landscape page.
    pub landscape: bool,
    /// Column widths in tenths of an em of the table's type.
    pub widths: Vec<u32>,
    /// Header rows (repeated on every page), including the 栏次 row.
    pub header: Vec<Vec<PCell>>,
    /// Alignment of each column (`l`/`r`/`c`), the common case of its cells.
    pub aligns: Vec<&'static str>,
    /// Body rows.
    pub body: Vec<Vec<PBody>>,
    /// `注：…`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `说明：本表无数据`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty: Option<String>,
    /// Type size in tenths of a point.
    pub size: u32,
}

/// A body cell: plain text when it has the column's alignment and nothing else
/// special (most cells: keeps the template's work per cell small), else in full.
#[derive(Serialize)]
#[serde(untagged)]
pub enum PBody {
    /// Text only.
    Plain(String),
    /// Spans, weight, indent or alignment of its own.
    Full(PCell),
}

/// A cell: text, spans, alignment (`l`/`r`/`c`), bold, indent (in em).
#[derive(Serialize)]
pub struct PCell {
    s: String,
    #[serde(skip_serializing_if = "is_one")]
    cs: u32,
    #[serde(skip_serializing_if = "is_one")]
    rs: u32,
    a: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    b: bool,
    #[serde(skip_serializing_if = "is_zero")]
    i: u8,
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

fn header_cell(h: &HeaderCell) -> PCell {
    PCell {
        s: h.text.clone(),
        cs: h.colspan.max(1),
        rs: h.rowspan.max(1),
        a: "c",
        b: true,
        i: 0,
    }
}

fn body_cell(c: &ViewCell, t: &TableView, bold: bool) -> PCell {
    let (s, a, cs, rs, i) = match c {
        ViewCell::Text {
            text,
            indent,
            colspan,
            rowspan,
        } => (text.clone(), "l", *colspan, *rowspan, *indent),
        ViewCell::Code(code) => (code.clone(), "l", 1, 1, 0),
        ViewCell::Link { text, .. } => (text.clone(), "l", 1, 1, 0),
        ViewCell::Line(n) => (n.to_string(), "c", 1, 1, 0),
        ViewCell::Amount(m) => (m.display(t.unit, true), "r", 1, 1, 0),
        ViewCell::Count(n) => (n.to_string(), "r", 1, 1, 0),
        ViewCell::Score(p) => (p.display(), "r", 1, 1, 0),
        ViewCell::Rate(p) => (p.display(), "r", 1, 1, 0),
        ViewCell::Empty => (String::new(), "l", 1, 1, 0),
        ViewCell::NotApplicable => ("────".to_string(), "c", 1, 1, 0),
    };
    PCell {
        s,
        cs: cs.max(1),
        rs: rs.max(1),
        a,
        b: bold,
        i,
    }
}

/// Number of layout columns of a table (from its first header row, or its widest row).
fn width(t: &TableView) -> usize {
    let header: usize = t
        .header
        .first()
        .map_or(0, |r| r.iter().map(|c| c.colspan as usize).sum());
    let body = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(span).sum::<usize>())
        .max()
        .unwrap_or(0);
    header.max(body).max(1)
}

/// Every body cell with the layout column it starts in: a cell spanning rows takes its
/// column in the rows below, whose cells then start further right.
fn placed(t: &TableView, n: usize) -> Vec<(usize, &ViewCell)> {
    let mut out = Vec::new();
    let mut taken = vec![0u32; n];
    for r in &t.rows {
        let mut col = 0;
        for c in &r.cells {
            while col < n && taken[col] > 0 {
                col += 1;
            }
            let (sp, rs) = match c {
                ViewCell::Text {
                    colspan, rowspan, ..
                } => ((*colspan).max(1) as usize, (*rowspan).max(1)),
                _ => (1, 1),
            };
            out.push((col, c));
            for t in taken.iter_mut().skip(col).take(sp) {
                *t = rs;
            }
            col += sp;
        }
        for t in &mut taken {
            *t = t.saturating_sub(1);
        }
    }
    out
}

fn span(c: &ViewCell) -> usize {
    match c {
        ViewCell::Text { colspan, .. } => (*colspan).max(1) as usize,
        _ => 1,
    }
}

/// Printed width of a string in tenths of an em: CJK and full-width characters are an
/// em, digits and Latin letters about half, separators a quarter.
fn text_width(s: &str) -> u32 {
    s.chars()
        .map(|c| match c {
            ',' | '.' | ':' | ';' | '\'' | ' ' | '(' | ')' | '-' => 3,
            c if c.is_ascii() => 6,
            _ => 10,
        })
        .sum()
}

/// Cell padding (3pt each side) in tenths of an em at table sizes, plus a safety margin.
const PAD: u32 = 10;
/// Text columns are never squeezed below this (tenths of an em), unless their content is narrower.
const TEXT_MIN: u32 = 60;
/// Text columns get at least this much when the table allows it.
const TEXT_COMFORT: u32 = 120;

/// The width of a table's columns in tenths of an em, its type size and orientation:
/// numbers, codes and 行次 keep their longest entry on one line, headers may wrap to
/// three lines, and text columns (names, labels, prose) share what is left in
/// proportion to their content. Computed here rather than by Typst's `auto` columns
/// so the layout is predictable and cheap.
struct Fit {
    widths: Vec<u32>,
    /// Type size in tenths of a point.
    size: u32,
    landscape: bool,
}

/// Width available for a table, in points (A4 less 2.1 cm margins on each side).
const PORTRAIT_PT: u32 = 476;
const LANDSCAPE_PT: u32 = 723;

fn fit(t: &TableView, inline: bool) -> Fit {
    let n = width(t);
    let mut content = vec![0u32; n];
    let mut is_text = vec![false; n];
    let mut is_amount = vec![false; n];
    let mut filled = vec![false; n];
    // The width of every text cell, by column: where text wraps is where width helps.
    let mut texts: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (col, c) in placed(t, n) {
        let sp = span(c);
        if sp == 1 && col < n {
            let (w, text) = match c {
                ViewCell::Text { text, indent, .. } => (
                    text_width(text) + u32::from(*indent) * 10,
                    text.chars().count() > 4,
                ),
                ViewCell::Code(code) => (text_width(code), false),
                ViewCell::Link { text, .. } => (text_width(text), true),
                ViewCell::Line(l) => (text_width(&l.to_string()), false),
                ViewCell::Amount(m) => {
                    is_amount[col] = true;
                    (text_width(&m.display(t.unit, true)), false)
                }
                ViewCell::Count(k) => (text_width(&k.to_string()), false),
                ViewCell::Score(p) => (text_width(&p.display()), false),
                ViewCell::Rate(p) => (text_width(&p.display()), false),
                ViewCell::Empty => (0, false),
                ViewCell::NotApplicable => (40, false),
            };
            content[col] = content[col].max(w);
            is_text[col] |= text;
            if matches!(c, ViewCell::Text { .. }) {
                texts[col].push(w);
            }
            filled[col] |= !matches!(c, ViewCell::Empty);
        }
    }
    // Columns with nothing in them hold amounts that happen to be zero this year.
    let amounts = is_amount.iter().any(|b| *b);
    for j in 0..n {
        if amounts && !filled[j] {
            is_amount[j] = true;
        }
    }
    let mut header_min = vec![20u32; n];
    for row in &t.header {
        let mut col = 0;
        for h in row {
            let sp = h.colspan.max(1) as usize;
            if sp == 1 && col < n {
                let chars = u32::try_from(h.text.chars().count()).unwrap_or(u32::MAX);
                header_min[col] = header_min[col].max(chars.div_ceil(3).max(2) * 10);
            }
            col += sp;
        }
    }
    let natural: Vec<u32> = (0..n)
        .map(|j| content[j].max(header_min[j]) + PAD)
        .collect();
    let widest_amount = (0..n)
        .filter(|j| is_amount[*j])
        .map(|j| natural[j])
        .max()
        .unwrap_or(0);
    let minimum = |uniform: bool, floor: u32| -> Vec<u32> {
        (0..n)
            .map(|j| {
                if is_text[j] {
                    content[j].min(floor).max(header_min[j]) + PAD
                } else if uniform && is_amount[j] {
                    widest_amount
                } else {
                    natural[j]
                }
            })
            .collect()
    };
    let orientations: &[bool] = if t.landscape {
        &[true]
    } else if inline {
        &[false]
    } else {
        &[false, true]
    };
    // (type size in tenths of a point, amount columns of one width): even columns are
    // worth half a point of type, not more.
    let sizes: &[(u32, bool)] = if inline {
        &[
            (85, true),
            (80, true),
            (85, false),
            (80, false),
            (75, true),
            (75, false),
            (70, false),
        ]
    } else {
        &[
            (80, true),
            (75, true),
            (80, false),
            (75, false),
            (70, true),
            (70, false),
            (65, false),
        ]
    };
    // Preference: portrait before landscape; text columns wide enough for a name of
    // twelve characters on one line before narrower ones; larger type; amount columns
    // of one width.
    let mut chosen = None;
    'search: for &landscape in orientations {
        for floor in [TEXT_COMFORT, TEXT_MIN] {
            for &(size, uniform) in sizes {
                let avail = if landscape { LANDSCAPE_PT } else { PORTRAIT_PT } * 100 / size;
                let widths = minimum(uniform, floor);
                if widths.iter().sum::<u32>() <= avail {
                    chosen = Some((landscape, size, avail, widths));
                    break 'search;
                }
            }
        }
    }
    let (landscape, size, avail, mut widths) = chosen.unwrap_or_else(|| {
        let landscape = orientations.contains(&true);
        let size = 60;
        let avail = if landscape { LANDSCAPE_PT } else { PORTRAIT_PT } * 100 / size;
        (landscape, size, avail, minimum(false, TEXT_MIN))
    });
    // What is left goes first to text columns, a step at a time, each to the column
    // whose cells overflow most in all (long names, deviation reasons: that is where
    // rows grow tall), then to amount columns narrower than the widest, evenly.
    let mut rest = avail.saturating_sub(widths.iter().sum());
    let amount_even: Vec<u32> = (0..n)
        .map(|j| if is_amount[j] { widest_amount } else { 0 })
        .collect();
    widen_text(&mut widths, &texts, &is_text, &mut rest);
    grow(&mut widths, &amount_even, &mut rest);
    // Any rest widens the text columns in proportion, or, in a table of figures only,
    // every column.
    let receiving: Vec<usize> = if is_text.iter().any(|b| *b) {
        (0..n).filter(|j| is_text[*j]).collect()
    } else {
        (0..n).collect()
    };
    let total: u32 = receiving.iter().map(|j| widths[*j]).sum();
    if total > 0 && rest > 0 {
        let before = widths.clone();
        for j in receiving {
            widths[j] += u32::try_from(u64::from(rest) * u64::from(before[j]) / u64::from(total))
                .unwrap_or(0);
        }
    }
    Fit {
        widths,
        size,
        landscape,
    }
}

/// Widens text columns a step at a time, each step to the column whose cells
/// overflow it most in all, until nothing overflows or `rest` runs out.
fn widen_text(widths: &mut [u32], texts: &[Vec<u32>], is_text: &[bool], rest: &mut u32) {
    const STEP: u32 = 5;
    while *rest >= STEP {
        let best = (0..widths.len())
            .filter(|j| is_text[*j])
            .map(|j| {
                let overflow: u32 = texts[j]
                    .iter()
                    .map(|c| (c + PAD).saturating_sub(widths[j]))
                    .sum();
                (overflow, std::cmp::Reverse(j))
            })
            .filter(|(o, _)| *o > 0)
            .max();
        let Some((_, std::cmp::Reverse(j))) = best else {
            return;
        };
        widths[j] += STEP;
        *rest -= STEP;
    }
}

/// Grows every column narrower than its `target` evenly until each reaches it or
/// `rest` runs out.
fn grow(widths: &mut [u32], target: &[u32], rest: &mut u32) {
    loop {
        let growing: Vec<usize> = (0..widths.len())
            .filter(|j| widths[*j] < target[*j])
            .collect();
        if growing.is_empty() || *rest == 0 {
            return;
        }
        let share = (*rest / u32::try_from(growing.len()).unwrap_or(1)).max(1);
        for j in growing {
            let add = share.min(target[j] - widths[j]).min(*rest);
            widths[j] += add;
            *rest -= add;
        }
    }
}

/// Breaks a header label into balanced lines for a column `width` tenths of an em
/// wide, so a label never leaves one character alone on its last line.
fn balance(label: &str, width: u32) -> String {
    let chars: Vec<char> = label.chars().collect();
    let per_line = (width.saturating_sub(PAD) / 10).max(1) as usize;
    if chars.len() <= per_line || label.contains('\n') {
        return label.to_string();
    }
    let lines = chars.len().div_ceil(per_line);
    let per = chars.len().div_ceil(lines);
    // Closing punctuation never starts a line (禁则): it joins the line before.
    let mut out: Vec<String> = Vec::new();
    for chunk in chars.chunks(per) {
        let mut line = String::new();
        for &c in chunk {
            match out.last_mut() {
                Some(prev) if line.is_empty() && "）)、，。：；”".contains(c) => {
                    prev.push(c)
                }
                _ => line.push(c),
            }
        }
        if !line.is_empty() {
            out.push(line);
        }
    }
    out.join("\n")
}

/// Balances every header label of a table against the final column widths.
fn balance_header(header: &mut [Vec<PCell>], widths: &[u32]) {
    // Columns taken by cells spanning down from rows above.
    let mut taken = vec![0u32; widths.len()];
    for row in header.iter_mut() {
        let mut col = 0;
        for c in row.iter_mut() {
            while col < widths.len() && taken[col] > 0 {
                col += 1;
            }
            let cs = c.cs as usize;
            let w: u32 = widths.iter().skip(col).take(cs).sum();
            c.s = balance(&c.s, w);
            for t in taken.iter_mut().skip(col).take(cs) {
                *t = c.rs;
            }
            col += cs;
        }
        for t in &mut taken {
            *t = t.saturating_sub(1);
        }
    }
}

fn table(t: &TableView) -> PTable {
    let mut header: Vec<Vec<PCell>> = t
        .header
        .iter()
        .map(|r| r.iter().map(header_cell).collect())
        .collect();
    if let Some(n) = &t.numbers {
        header.push(
            n.iter()
                .map(|h| PCell {
                    s: h.text.clone(),
                    cs: h.colspan.max(1),
                    rs: 1,
                    a: "c",
                    b: false,
                    i: 0,
                })
                .collect(),
        );
    }
    let full: Vec<Vec<PCell>> = t
        .rows
        .iter()
        .map(|r| {
            let bold = matches!(
                r.style,
                RowStyle::Total | RowStyle::Class | RowStyle::Heading
            );
            r.cells.iter().map(|c| body_cell(c, t, bold)).collect()
        })
        .collect();
    let n = width(t);
    // Each column's alignment is the most common one among its cells.
    let mut votes = vec![[0usize; 3]; n];
    let placed_cols: Vec<usize> = placed(t, n).into_iter().map(|(col, _)| col).collect();
    for (cell, col) in full.iter().flatten().zip(&placed_cols) {
        if let Some(v) = votes.get_mut(*col) {
            v[match cell.a {
                "r" => 1,
                "c" => 2,
                _ => 0,
            }] += 1;
        }
    }
    let aligns: Vec<&'static str> = votes
        .iter()
        .map(|v| {
            if v[1] > v[0] && v[1] >= v[2] {
                "r"
            } else if v[2] > v[0] && v[2] > v[1] {
                "c"
            } else {
                "l"
            }
        })
        .collect();
    let mut cols = placed_cols.iter();
    let body = full
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|c| {
                    let col = cols.next().copied().unwrap_or(0);
                    let plain = c.cs == 1
                        && c.rs == 1
                        && !c.b
                        && c.i == 0
                        && aligns.get(col).is_some_and(|a| *a == c.a);
                    if plain {
                        PBody::Plain(c.s)
                    } else {
                        PBody::Full(c)
                    }
                })
                .collect()
        })
        .collect();
    let fit = fit(t, t.number.is_empty());
    balance_header(&mut header, &fit.widths);
    PTable {
        number: t.number.clone(),
        title: t.title.clone(),
        meta: [t.org_line.clone(), t.year_line.clone(), t.unit_line.clone()],
        landscape: fit.landscape,
        widths: fit.widths,
        header,
        aligns,
        body,
        note: t.note.clone(),
        empty: t.empty_note.clone(),
        size: fit.size,
    }
}

/// The display model of a document.
pub fn layout(doc: &Document) -> PdfDoc {
    PdfDoc {
        title: doc.title.clone(),
        department: doc.department.clone(),
        year: doc.year,
        draft: doc.draft,
        serif: vec![crate::fonts::EMBEDDED_SERIF.to_string()],
        sans: vec![crate::fonts::EMBEDDED_SANS.to_string()],
        cover: doc.cover_line().to_string(),
        parts: doc
            .parts
            .iter()
            .map(|p| PPart {
                title: p.title.clone(),
                blocks: p
                    .blocks
                    .iter()
                    .map(|b| match b {
                        Block::Heading {
                            level, text, toc, ..
                        } => PBlock::Heading {
                            l: *level,
                            t: text.clone(),
                            toc: toc.clone(),
                        },
                        Block::Paragraph { text } => PBlock::Par { t: text.clone() },
                        Block::Table(t) => PBlock::Table(Box::new(table(t))),
                        Block::Chart(c) => PBlock::Chart {
                            svg: juesuan_render::chart::svg(c),
                        },
                        Block::PageBreak => PBlock::Break,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juesuan_compose::{HeaderCell, ViewRow};
    use juesuan_model::{AmountUnit, Money};

    fn view(columns: usize, landscape: bool) -> TableView {
        let header = vec![
            std::iter::once(HeaderCell {
                text: "科目名称".into(),
                colspan: 1,
                rowspan: 1,
            })
            .chain((1..columns).map(|i| HeaderCell {
                text: format!("对附属单位补助支出{i}"),
                colspan: 1,
                rowspan: 1,
            }))
            .collect(),
        ];
        let rows = (0..5)
            .map(|r| ViewRow {
                style: RowStyle::Item,
                cells: std::iter::once(ViewCell::Text {
                    text: "机关事业单位基本养老保险缴费支出".into(),
                    indent: 1,
                    colspan: 1,
                    rowspan: 1,
                })
                .chain((1..columns).map(|c| {
                    if c == 1 {
                        ViewCell::Amount(Money::from_fen(4_459_281_601 + r))
                    } else {
                        ViewCell::Empty
                    }
                }))
                .collect(),
            })
            .collect();
        TableView {
            id: "x".into(),
            number: "公开99表".into(),
            title: "t".into(),
            org_line: String::new(),
            year_line: String::new(),
            unit_line: String::new(),
            unit: AmountUnit::Yuan,
            landscape,
            header,
            numbers: None,
            rows,
            note: None,
            empty_note: None,
        }
    }

    #[test]
    fn header_labels_break_into_balanced_lines_without_leading_punctuation() {
        assert_eq!(balance("对附属单位补助支出", 40), "对附属\n单位补\n助支出");
        assert_eq!(balance("合计", 40), "合计");
        assert_eq!(balance("因公出国（境）费", 40), "因公出\n国（境）\n费");
        assert!(
            !balance("公务用车购置及运行维护费", 50)
                .lines()
                .any(|l| l.starts_with('）'))
        );
    }

    #[test]
    fn narrow_tables_stay_portrait_with_even_amount_columns_and_fill_the_width() {
        let f = fit(&view(5, false), false);
        assert!(!f.landscape);
        assert_eq!(f.size, 80);
        // Amount columns (filled or empty) share one width.
        assert!(
            f.widths[1..].windows(2).all(|w| w[0] == w[1]),
            "{:?}",
            f.widths
        );
        let avail = PORTRAIT_PT * 100 / f.size;
        let total: u32 = f.widths.iter().sum();
        assert!(total <= avail && total + 5 >= avail, "{total} of {avail}");
    }

    #[test]
    fn wide_tables_shrink_then_turn_landscape() {
        let f = fit(&view(12, false), false);
        assert!(f.landscape || f.size < 80, "{:?}", (f.landscape, f.size));
        let f = fit(&view(18, false), false);
        assert!(f.landscape);
        // Inline tables (inside a project report) never turn.
        let f = fit(&view(18, false), true);
        assert!(!f.landscape);
    }

    #[test]
    fn cells_below_a_row_span_start_further_right() {
        let mut t = view(3, false);
        t.rows[0].cells[0] = ViewCell::Text {
            text: "产出指标".into(),
            indent: 0,
            colspan: 1,
            rowspan: 2,
        };
        t.rows[1].cells.remove(0);
        let cols: Vec<usize> = placed(&t, 3).iter().take(5).map(|(c, _)| *c).collect();
        assert_eq!(cols, [0, 1, 2, 1, 2]);
    }
}
