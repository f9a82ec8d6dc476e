//! Tables → table views: the printed layout of each table kind (two panels side by
//! side, code tables with 合计 first or last, the blocks of 公开06表, …), with amounts
//! rounded to the display unit. Zero prints as a blank cell, as in the official tables.
//! The 栏次 row is printed when the profile numbers the columns; notes may name the
//! department (`{{ department }}`).

use crate::doc::{HeaderCell, RowStyle, TableView, ViewCell, ViewRow};
use crate::narrative::render_line;
use juesuan_model::{Cell, FnLevel, Num, Report, Row, RowKey, RowKind, Table};
use juesuan_profile::{BlockDef, Layout, TableDef, in_block};

fn value(cell: &Cell, def_unit: juesuan_model::AmountUnit) -> ViewCell {
    if cell.not_applicable {
        return ViewCell::NotApplicable;
    }
    match cell.value {
        None => ViewCell::Empty,
        Some(v) if v.is_zero() => ViewCell::Empty,
        Some(Num::Money(m)) => ViewCell::Amount(m.round_to(def_unit)),
        Some(Num::Count(c)) => ViewCell::Count(c),
    }
}

fn text(s: &str, indent: u8, colspan: u32) -> ViewCell {
    ViewCell::Text {
        text: s.to_string(),
        indent,
        colspan,
        rowspan: 1,
    }
}

fn style(kind: RowKind) -> RowStyle {
    match kind {
        RowKind::Total => RowStyle::Total,
        RowKind::Class => RowStyle::Class,
        RowKind::Section => RowStyle::Section,
        RowKind::Heading => RowStyle::Heading,
        RowKind::Item | RowKind::Blank => RowStyle::Item,
    }
}

fn header(def: &TableDef) -> Vec<Vec<HeaderCell>> {
    def.header
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| HeaderCell {
                    text: c.text.clone(),
                    colspan: c.colspan,
                    rowspan: c.rowspan,
                })
                .collect()
        })
        .collect()
}

fn h(text: &str, colspan: u32) -> HeaderCell {
    HeaderCell {
        text: text.to_string(),
        colspan,
        rowspan: 1,
    }
}

/// Whether any column carries a 栏次 (else no 栏次 row is printed).
fn numbered(cols: &[juesuan_model::Column]) -> bool {
    cols.iter().any(|c| c.number.is_some())
}

fn number_cells(cols: &[juesuan_model::Column]) -> Vec<HeaderCell> {
    cols.iter()
        .map(|c| h(&c.number.map(|n| n.to_string()).unwrap_or_default(), 1))
        .collect()
}

/// The view of one table.
pub fn view(table: &Table, def: &TableDef, report: &Report) -> TableView {
    let unit = table.unit;
    let (numbers, rows) = match &def.layout {
        Layout::Panels {
            two_sided,
            line_numbers,
            ..
        } => panels_view(table, *two_sided, *line_numbers, unit),
        Layout::Functional { total_last, .. } => functional_view(table, *total_last, unit),
        Layout::Economic { blocks, groups, .. } => {
            (None, economic_view(table, blocks, groups, unit))
        }
        Layout::Grid { .. } => {
            let p = &table.panels[0];
            let rows = p
                .rows
                .iter()
                .map(|r| ViewRow {
                    style: RowStyle::Item,
                    cells: r.cells.iter().map(|c| value(c, unit)).collect(),
                })
                .collect();
            (Some(number_cells(&p.columns)), rows)
        }
    };
    let header = match &def.layout {
        Layout::Economic {
            columns,
            blocks,
            groups,
            ..
        } if def.header.is_empty() => economic_header(columns, blocks, groups),
        _ => header(def),
    };
    let note = |n: &Option<String>| n.as_deref().map(|t| render_line(t, report));
    TableView {
        id: table.id.clone(),
        number: table.number.clone(),
        title: table.title.clone(),
        org_line: format!("{}：{}", def.org_label, report.meta.department),
        year_line: format!("{}年度", report.meta.year),
        unit_line: format!("{}：{}", def.unit_label, unit.label()),
        unit,
        landscape: def.landscape,
        header,
        numbers: numbers.filter(|n| n.iter().any(|c| !c.text.is_empty())),
        rows,
        note: note(&def.note),
        empty_note: if table.empty_note_shown {
            note(&def.empty_note)
        } else {
            None
        },
    }
}

/// The cells of one panel row: label, 行次 (when printed), values.
fn panel_cells(
    r: Option<&Row>,
    ncols: usize,
    lines: bool,
    unit: juesuan_model::AmountUnit,
) -> Vec<ViewCell> {
    let width = ncols + 1 + usize::from(lines);
    match r {
        Some(r) => {
            let mut cells = vec![text(&r.label, 0, 1)];
            if lines {
                cells.push(r.line.map_or(ViewCell::Empty, ViewCell::Line));
            }
            cells.extend(r.cells.iter().map(|c| value(c, unit)));
            cells.resize(width, ViewCell::Empty);
            cells
        }
        None => vec![ViewCell::Empty; width],
    }
}

fn panels_view(
    table: &Table,
    two_sided: bool,
    lines: bool,
    unit: juesuan_model::AmountUnit,
) -> (Option<Vec<HeaderCell>>, Vec<ViewRow>) {
    if !two_sided {
        // One panel with section headings (公开10表).
        let p = &table.panels[0];
        let width = u32::try_from(p.columns.len() + 1 + usize::from(lines)).unwrap_or(3);
        let mut rows = Vec::new();
        for r in &p.rows {
            if r.kind == RowKind::Heading {
                rows.push(ViewRow {
                    style: RowStyle::Heading,
                    cells: vec![text(&r.label, 0, width)],
                });
                continue;
            }
            rows.push(ViewRow {
                style: style(r.kind),
                cells: panel_cells(Some(r), p.columns.len(), lines, unit),
            });
        }
        return (None, rows);
    }
    let n = table.panels.iter().map(|p| p.rows.len()).max().unwrap_or(0);
    let mut rows = Vec::new();
    for i in 0..n {
        let mut cells = Vec::new();
        let mut st = RowStyle::Item;
        for p in &table.panels {
            let r = p.rows.get(i);
            if r.is_some_and(|r| r.kind == RowKind::Total) {
                st = RowStyle::Total;
            }
            cells.extend(panel_cells(r, p.columns.len(), lines, unit));
        }
        rows.push(ViewRow { style: st, cells });
    }
    if !table.panels.iter().any(|p| numbered(&p.columns)) {
        return (None, rows);
    }
    let mut numbers = Vec::new();
    for p in &table.panels {
        numbers.push(h("栏次", 1));
        if lines {
            numbers.push(h("", 1));
        }
        numbers.extend(number_cells(&p.columns));
    }
    (Some(numbers), rows)
}

fn functional_view(
    table: &Table,
    total_last: bool,
    unit: juesuan_model::AmountUnit,
) -> (Option<Vec<HeaderCell>>, Vec<ViewRow>) {
    let p = &table.panels[0];
    let mut rows = Vec::new();
    for r in &p.rows {
        let mut cells = match &r.key {
            RowKey::Fn(code) => {
                let indent = match code.level() {
                    FnLevel::Class => 0,
                    FnLevel::Section => 1,
                    FnLevel::Item => 2,
                };
                vec![ViewCell::Code(code.to_string()), text(&r.label, indent, 1)]
            }
            _ => vec![text(&r.label, 0, 2)],
        };
        cells.extend(r.cells.iter().map(|c| value(c, unit)));
        rows.push(ViewRow {
            style: style(r.kind),
            cells,
        });
    }
    // An empty table prints one blank body row beside 合计 (under it, or above it
    // when 合计 comes last), as the official form does.
    if table.is_empty() {
        let mut cells = vec![ViewCell::Empty, ViewCell::Empty];
        cells.extend(p.columns.iter().map(|_| ViewCell::Empty));
        let blank = ViewRow {
            style: RowStyle::Item,
            cells,
        };
        if total_last {
            rows.insert(rows.len().saturating_sub(1), blank);
        } else {
            rows.push(blank);
        }
    }
    if !numbered(&p.columns) {
        return (None, rows);
    }
    let mut numbers = vec![h("栏次", 2)];
    numbers.extend(number_cells(&p.columns));
    (Some(numbers), rows)
}

fn economic_header(
    columns: &[juesuan_profile::ColumnDef],
    blocks: &[BlockDef],
    groups: &[juesuan_profile::GroupDef],
) -> Vec<Vec<HeaderCell>> {
    let per = u32::try_from(columns.len() + 2).unwrap_or(4);
    let mut top = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let g = blocks[i].group;
        let n = blocks[i..].iter().take_while(|b| b.group == g).count();
        let label = groups
            .iter()
            .find(|x| x.group == g)
            .map_or("", |x| x.label.as_str());
        top.push(h(label, per * u32::try_from(n).unwrap_or(1)));
        i += n;
    }
    let mut second = Vec::new();
    for _ in blocks {
        second.push(h("科目编码", 1));
        second.push(h("科目名称", 1));
        second.extend(columns.iter().map(|c| h(&c.label, 1)));
    }
    vec![top, second]
}

fn economic_view(
    table: &Table,
    blocks: &[BlockDef],
    groups: &[juesuan_profile::GroupDef],
    unit: juesuan_model::AmountUnit,
) -> Vec<ViewRow> {
    let p = &table.panels[0];
    let ncols = p.columns.len();
    // A block holds the codes of its run that belong to its group: the 人员经费 run
    // 301–30399 skips the 公用经费 class 302 printed in the next block.
    let in_group = |c: &juesuan_model::EconomicCode, b: &BlockDef| {
        groups
            .iter()
            .any(|g| g.group == b.group && g.classes.contains(&c.class()))
    };
    let per_block: Vec<Vec<&Row>> = blocks
        .iter()
        .map(|b| {
            p.rows
                .iter()
                .filter(|r| {
                    matches!(&r.key, RowKey::Econ(c) if in_block(c.as_str(), b) && in_group(c, b))
                })
                .collect()
        })
        .collect();
    let n = per_block.iter().map(Vec::len).max().unwrap_or(0);
    let mut rows = Vec::new();
    for i in 0..n {
        let mut cells = Vec::new();
        let mut st = RowStyle::Item;
        for b in &per_block {
            match b.get(i) {
                Some(r) => {
                    if r.kind == RowKind::Class {
                        st = RowStyle::Class;
                    }
                    let code = match &r.key {
                        RowKey::Econ(c) => c.to_string(),
                        _ => String::new(),
                    };
                    cells.push(ViewCell::Code(code));
                    cells.push(text(&r.label, u8::from(r.kind != RowKind::Class), 1));
                    cells.extend(r.cells.iter().map(|c| value(c, unit)));
                }
                None => cells.extend(vec![ViewCell::Empty; ncols + 2]),
            }
        }
        rows.push(ViewRow {
            style: if st == RowStyle::Class {
                RowStyle::Item
            } else {
                st
            },
            cells,
        });
    }
    // The total row: each group's total under its first block, its label spanning
    // the group's other columns, its amounts in the group's last block.
    let mut cells = Vec::new();
    let mut i = 0;
    while i < blocks.len() {
        let g = blocks[i].group;
        let nb = blocks[i..].iter().take_while(|b| b.group == g).count();
        let total = p.rows.iter().find(|r| r.key == RowKey::Group(g));
        let span = u32::try_from(nb * (ncols + 2) - ncols).unwrap_or(2);
        cells.push(text(total.map_or("", |r| r.label.as_str()), 0, span));
        match total {
            Some(r) => cells.extend(r.cells.iter().map(|c| value(c, unit))),
            None => cells.extend(vec![ViewCell::Empty; ncols]),
        }
        i += nb;
    }
    rows.push(ViewRow {
        style: RowStyle::Total,
        cells,
    });
    rows
}
