//! Figures → the tables of a profile, each cell bound to its key, each table with the
//! relations its cells must satisfy.

use crate::figures::Figures;
use juesuan_model::{
    Cell, CellRef, Column, EconomicCode, FnLevel, FunctionalCode, Key, Measure, Panel, RelFamily,
    Relation, Report, Row, RowKey, RowKind, Table, TableSet,
};
use juesuan_profile::{ColumnDef, Layout, PanelDef, Profile, RowBinding};
use std::collections::BTreeMap;

/// The printed name of a functional code: as the input gives it, else the catalog's.
pub fn functional_name(report: &Report, profile: &Profile, code: &FunctionalCode) -> String {
    report
        .facts
        .functional_names
        .get(code)
        .cloned()
        .or_else(|| profile.functional_catalog.name(code).map(String::from))
        .unwrap_or_default()
}

/// The printed name of an economic code: as the input gives it, else the catalog's.
pub fn economic_name(report: &Report, profile: &Profile, code: &EconomicCode) -> String {
    report
        .facts
        .economic_names
        .get(code)
        .cloned()
        .or_else(|| profile.economic_catalog.name(code).map(String::from))
        .unwrap_or_default()
}

fn columns(defs: &[ColumnDef]) -> Vec<Column> {
    defs.iter()
        .map(|c| Column {
            id: c.id.clone(),
            label: c.label.clone(),
            number: c.number,
        })
        .collect()
}

fn cell(fig: &Figures, key: Option<Key>) -> Cell {
    Cell {
        value: key.as_ref().map(|k| fig.get(k)),
        key,
        ..Cell::default()
    }
}

/// Builds every table of the profile.
pub fn build(report: &Report, profile: &Profile, fig: &Figures) -> TableSet {
    let mut set = TableSet::default();
    for (ti, def) in profile.tables.iter().enumerate() {
        let (panels, relations) = match &def.layout {
            Layout::Panels {
                panels,
                equal,
                line_numbers,
                ..
            } => panels_table(ti, panels, equal, *line_numbers, fig),
            Layout::Functional {
                columns: cols,
                row_equal,
                total_last,
            } => functional_table(
                ti,
                report,
                profile,
                cols,
                row_equal.as_ref(),
                *total_last,
                fig,
            ),
            Layout::Economic {
                columns: cols,
                groups,
                codes,
                ..
            } => economic_table(ti, report, profile, cols, groups, codes.as_deref(), fig),
            Layout::Grid {
                columns: cols,
                rows,
            } => grid_table(ti, cols, rows, fig),
        };
        let mut table = Table {
            id: def.id.clone(),
            number: def.number.clone(),
            title: def.title.clone(),
            unit: profile.amount_unit,
            half_step_fen: 0,
            panels,
            relations,
            empty_note_shown: false,
            source: None,
        };
        table.empty_note_shown = def.empty_note.is_some() && table.is_empty();
        set.tables.push(table);
    }
    set
}

/// Column-sum relations (`sum_of`) for one row of a panel.
fn column_sums(ti: usize, pi: usize, ri: usize, cols: &[ColumnDef], out: &mut Vec<Relation>) {
    let index: BTreeMap<&str, usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for (ci, c) in cols.iter().enumerate() {
        if c.sum_of.is_empty() {
            continue;
        }
        let parts = c
            .sum_of
            .iter()
            .filter_map(|id| index.get(id.as_str()))
            .map(|&col| CellRef {
                table: ti,
                panel: pi,
                row: ri,
                col,
            })
            .collect();
        out.push(Relation::Sum {
            family: RelFamily::ColumnSum,
            total: CellRef {
                table: ti,
                panel: pi,
                row: ri,
                col: ci,
            },
            parts,
        });
    }
}

/// A panels table. Rows are identified by their 行次 (`RowKey::Line`); when the
/// template prints no 行次 (`line_numbers` false) the number stays the row's identity
/// but the row carries no printed line.
fn panels_table(
    ti: usize,
    defs: &[PanelDef],
    equal: &[juesuan_profile::EqualDef],
    line_numbers: bool,
    fig: &Figures,
) -> (Vec<Panel>, Vec<Relation>) {
    let mut panels = Vec::new();
    let mut relations = Vec::new();
    // 行次 → (panel, row)
    let mut at: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
    for (pi, p) in defs.iter().enumerate() {
        let mut rows = Vec::new();
        for (ri, r) in p.rows.iter().enumerate() {
            if let Some(n) = r.line {
                at.insert(n, (pi, ri));
            }
            if r.heading.is_some() {
                rows.push(Row {
                    key: RowKey::Single,
                    label: r.label.clone(),
                    line: None,
                    kind: RowKind::Heading,
                    cells: Vec::new(),
                });
                continue;
            }
            let keys: Vec<Option<Key>> = match &r.binding {
                RowBinding::Key(k) => vec![Some(k.clone())],
                RowBinding::Keys(ks) => ks.clone(),
                RowBinding::Class(c) => p
                    .columns
                    .iter()
                    .map(|col| col.measure.map(|m| Key::func(m, c)))
                    .collect(),
                RowBinding::All => p
                    .columns
                    .iter()
                    .map(|col| col.measure.map(Key::all))
                    .collect(),
                RowBinding::None => vec![None; p.columns.len()],
            };
            let cells: Vec<Cell> = keys.into_iter().map(|k| cell(fig, k)).collect();
            let kind = if r.blank {
                RowKind::Blank
            } else if r.total {
                RowKind::Total
            } else {
                RowKind::Item
            };
            if r.blank {
                for col in 0..cells.len() {
                    relations.push(Relation::Blank {
                        cell: CellRef {
                            table: ti,
                            panel: pi,
                            row: ri,
                            col,
                        },
                    });
                }
            } else {
                column_sums(ti, pi, ri, &p.columns, &mut relations);
            }
            let key = r.line.map_or(RowKey::Single, RowKey::Line);
            rows.push(Row {
                key,
                label: r.label.clone(),
                line: r.line.filter(|_| line_numbers),
                kind,
                cells,
            });
        }
        panels.push(Panel {
            name: p.name.clone(),
            columns: columns(&p.columns),
            rows,
        });
    }
    // Declared row sums.
    for (pi, p) in defs.iter().enumerate() {
        for (ri, r) in p.rows.iter().enumerate() {
            if r.sum.is_empty() {
                continue;
            }
            for col in 0..p.columns.len() {
                let parts = r
                    .sum
                    .iter()
                    .filter_map(|n| at.get(n))
                    .map(|&(ppi, pri)| CellRef {
                        table: ti,
                        panel: ppi,
                        row: pri,
                        col,
                    })
                    .collect();
                relations.push(Relation::Sum {
                    family: RelFamily::RowSum,
                    total: CellRef {
                        table: ti,
                        panel: pi,
                        row: ri,
                        col,
                    },
                    parts,
                });
            }
        }
    }
    // Declared balances.
    let resolve = |a: &juesuan_profile::CellAddr| -> Option<CellRef> {
        let &(pi, ri) = at.get(&a.line)?;
        let col = match &a.column {
            None => 0,
            Some(id) => defs[pi].columns.iter().position(|c| &c.id == id)?,
        };
        Some(CellRef {
            table: ti,
            panel: pi,
            row: ri,
            col,
        })
    };
    for e in equal {
        relations.push(Relation::Equal {
            family: RelFamily::Balance,
            left: e.left.iter().filter_map(resolve).collect(),
            right: e.right.iter().filter_map(resolve).collect(),
        });
    }
    (panels, relations)
}

/// Hierarchy relations of a code table: each parent row = Σ its child rows, and the
/// total row = Σ top-level rows, in every column. `parent_of` gives a row's parent
/// row index (None for top-level rows); `total` is the 合计 row if any.
pub fn hierarchy_relations(
    ti: usize,
    pi: usize,
    ncols: usize,
    parent_of: &[Option<usize>],
    total: Option<usize>,
    tops: &[usize],
    out: &mut Vec<Relation>,
) {
    let mut children: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (ri, p) in parent_of.iter().enumerate() {
        if let Some(p) = p {
            children.entry(*p).or_default().push(ri);
        }
    }
    for col in 0..ncols {
        for (parent, kids) in &children {
            out.push(Relation::Sum {
                family: RelFamily::Hierarchy,
                total: CellRef {
                    table: ti,
                    panel: pi,
                    row: *parent,
                    col,
                },
                parts: kids
                    .iter()
                    .map(|&row| CellRef {
                        table: ti,
                        panel: pi,
                        row,
                        col,
                    })
                    .collect(),
            });
        }
        if let Some(t) = total {
            out.push(Relation::Sum {
                family: RelFamily::RowSum,
                total: CellRef {
                    table: ti,
                    panel: pi,
                    row: t,
                    col,
                },
                parts: tops
                    .iter()
                    .map(|&row| CellRef {
                        table: ti,
                        panel: pi,
                        row,
                        col,
                    })
                    .collect(),
            });
        }
    }
}

/// Relations of a functional table whose rows are already laid out (合计 first or
/// last, and the codes): hierarchy, 合计 = Σ类, column sums, per-row balances. Shared
/// by build and audit.
pub fn functional_relations(
    ti: usize,
    rows: &[Row],
    cols: &[ColumnDef],
    row_equal: Option<&(Vec<String>, Vec<String>)>,
) -> Vec<Relation> {
    let mut out = Vec::new();
    let index: BTreeMap<String, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.key {
            RowKey::Fn(c) => Some((c.to_string(), i)),
            _ => None,
        })
        .collect();
    let parent_of: Vec<Option<usize>> = rows
        .iter()
        .map(|r| match &r.key {
            RowKey::Fn(c) => c.parent().and_then(|p| index.get(p.as_str()).copied()),
            _ => None,
        })
        .collect();
    let total = rows.iter().position(|r| r.key == RowKey::Total);
    let tops: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(&r.key, RowKey::Fn(c) if c.level() == FnLevel::Class))
        .map(|(i, _)| i)
        .collect();
    hierarchy_relations(ti, 0, cols.len(), &parent_of, total, &tops, &mut out);
    let cindex: BTreeMap<&str, usize> = cols
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for ri in 0..rows.len() {
        column_sums(ti, 0, ri, cols, &mut out);
        if let Some((l, r)) = row_equal {
            let refs = |ids: &[String]| -> Vec<CellRef> {
                ids.iter()
                    .filter_map(|id| cindex.get(id.as_str()))
                    .map(|&col| CellRef {
                        table: ti,
                        panel: 0,
                        row: ri,
                        col,
                    })
                    .collect()
            };
            out.push(Relation::Equal {
                family: RelFamily::Balance,
                left: refs(l),
                right: refs(r),
            });
        }
    }
    out
}

fn functional_table(
    ti: usize,
    report: &Report,
    profile: &Profile,
    cols: &[ColumnDef],
    row_equal: Option<&(Vec<String>, Vec<String>)>,
    total_last: bool,
    fig: &Figures,
) -> (Vec<Panel>, Vec<Relation>) {
    let measures: Vec<Measure> = cols.iter().filter_map(|c| c.measure).collect();
    let total = Row {
        key: RowKey::Total,
        label: "合计".to_string(),
        line: None,
        kind: RowKind::Total,
        cells: measures
            .iter()
            .map(|m| cell(fig, Some(Key::all(*m))))
            .collect(),
    };
    let mut rows = Vec::new();
    let mut total = Some(total);
    if !total_last {
        rows.extend(total.take());
    }
    for code in &fig.functional_codes {
        let keys: Vec<Key> = measures.iter().map(|m| Key::func(*m, code)).collect();
        if keys.iter().all(|k| fig.get(k).is_zero()) {
            continue;
        }
        let kind = match code.level() {
            FnLevel::Class => RowKind::Class,
            FnLevel::Section => RowKind::Section,
            FnLevel::Item => RowKind::Item,
        };
        rows.push(Row {
            key: RowKey::Fn(code.clone()),
            label: functional_name(report, profile, code),
            line: None,
            kind,
            cells: keys.into_iter().map(|k| cell(fig, Some(k))).collect(),
        });
    }
    rows.extend(total);
    let relations = functional_relations(ti, &rows, cols, row_equal);
    (
        vec![Panel {
            name: None,
            columns: columns(cols),
            rows,
        }],
        relations,
    )
}

fn economic_table(
    ti: usize,
    report: &Report,
    profile: &Profile,
    cols: &[ColumnDef],
    groups: &[juesuan_profile::GroupDef],
    printed: Option<&[EconomicCode]>,
    fig: &Figures,
) -> (Vec<Panel>, Vec<Relation>) {
    let group_of = |c: &EconomicCode| {
        groups
            .iter()
            .find(|g| g.classes.contains(&c.class()))
            .map(|g| g.group)
    };
    let mut rows = Vec::new();
    let mut relations = Vec::new();
    let codes: Vec<&EconomicCode> = match printed {
        Some(list) => list.iter().collect(),
        None => profile
            .economic_catalog
            .codes()
            .filter(|c| group_of(c).is_some())
            .collect(),
    };
    for code in &codes {
        let cells = cols
            .iter()
            .map(|c| {
                let na = c.not_applicable.contains(&code.class());
                let mut cell = cell(fig, c.measure.map(|m| Key::econ(m, code)));
                if na {
                    cell.not_applicable = true;
                    cell.value = None;
                }
                cell
            })
            .collect();
        rows.push(Row {
            key: RowKey::Econ((*code).clone()),
            label: economic_name(report, profile, code),
            line: None,
            kind: if code.is_class() {
                RowKind::Class
            } else {
                RowKind::Item
            },
            cells,
        });
    }
    for g in groups {
        rows.push(Row {
            key: RowKey::Group(g.group),
            label: g.total_label.clone(),
            line: None,
            kind: RowKind::Total,
            cells: cols
                .iter()
                .map(|c| cell(fig, c.measure.map(|m| Key::group(m, g.group))))
                .collect(),
        });
    }
    // 类 = Σ款; group total = Σ its classes.
    let index: BTreeMap<String, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.key {
            RowKey::Econ(c) => Some((c.to_string(), i)),
            _ => None,
        })
        .collect();
    let parent_of: Vec<Option<usize>> = rows
        .iter()
        .map(|r| match &r.key {
            RowKey::Econ(c) if !c.is_class() => index.get(c.class().as_str()).copied(),
            _ => None,
        })
        .collect();
    hierarchy_relations(ti, 0, cols.len(), &parent_of, None, &[], &mut relations);
    for (gi, g) in groups.iter().enumerate() {
        let total_row = codes.len() + gi;
        let classes: Vec<usize> = g
            .classes
            .iter()
            .filter_map(|c| index.get(c.as_str()).copied())
            .collect();
        for col in 0..cols.len() {
            relations.push(Relation::Sum {
                family: RelFamily::Group,
                total: CellRef {
                    table: ti,
                    panel: 0,
                    row: total_row,
                    col,
                },
                parts: classes
                    .iter()
                    .map(|&row| CellRef {
                        table: ti,
                        panel: 0,
                        row,
                        col,
                    })
                    .collect(),
            });
        }
    }
    for (ri, r) in rows.iter().enumerate() {
        for (col, c) in r.cells.iter().enumerate() {
            if c.not_applicable {
                relations.push(Relation::Blank {
                    cell: CellRef {
                        table: ti,
                        panel: 0,
                        row: ri,
                        col,
                    },
                });
            }
        }
    }
    (
        vec![Panel {
            name: None,
            columns: columns(cols),
            rows,
        }],
        relations,
    )
}

fn grid_table(
    ti: usize,
    cols: &[ColumnDef],
    rows_def: &[juesuan_profile::GridRowDef],
    fig: &Figures,
) -> (Vec<Panel>, Vec<Relation>) {
    let mut rows = Vec::new();
    let mut relations = Vec::new();
    for (ri, r) in rows_def.iter().enumerate() {
        rows.push(Row {
            key: RowKey::Single,
            label: r.label.clone().unwrap_or_default(),
            line: None,
            kind: RowKind::Item,
            cells: r.keys.iter().map(|k| cell(fig, k.clone())).collect(),
        });
        column_sums(ti, 0, ri, cols, &mut relations);
    }
    (
        vec![Panel {
            name: None,
            columns: columns(cols),
            rows,
        }],
        relations,
    )
}
