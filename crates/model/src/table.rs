//! The ten tables as grids of cells — the shape every table-level rule runs on.
//!
//! A [`TableSet`] is either *derived* from a [`crate::Report`]'s facts (build) or
//! *read* from a published report (audit). Either way each cell may carry the
//! [`Key`] it stands for, and each table lists the [`Relation`]s its cells must
//! satisfy (row sums, 类 = Σ款, balances). Rules check relations and keys, so
//! the same rules judge our own output and anyone else's.

use crate::codes::{EconomicCode, FunctionalCode};
use crate::keys::{EconGroup, Key, Num};
use crate::money::AmountUnit;
use crate::source::SourceRef;
use serde::Serialize;

/// All tables of a report, in profile order.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TableSet {
    /// The tables.
    pub tables: Vec<Table>,
}

impl TableSet {
    /// The table with this profile id (`01` … `10`).
    pub fn get(&self, id: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The cell a reference points to.
    pub fn cell(&self, r: &CellRef) -> Option<&Cell> {
        self.tables
            .get(r.table)?
            .panels
            .get(r.panel)?
            .rows
            .get(r.row)?
            .cells
            .get(r.col)
    }

    /// Mutable access to the cell a reference points to.
    pub fn cell_mut(&mut self, r: &CellRef) -> Option<&mut Cell> {
        self.tables
            .get_mut(r.table)?
            .panels
            .get_mut(r.panel)?
            .rows
            .get_mut(r.row)?
            .cells
            .get_mut(r.col)
    }

    /// References to every cell of every table, in order.
    pub fn all_cells(&self) -> Vec<CellRef> {
        let mut out = Vec::new();
        for (ti, t) in self.tables.iter().enumerate() {
            for (pi, p) in t.panels.iter().enumerate() {
                for (ri, r) in p.rows.iter().enumerate() {
                    for ci in 0..r.cells.len() {
                        out.push(CellRef {
                            table: ti,
                            panel: pi,
                            row: ri,
                            col: ci,
                        });
                    }
                }
            }
        }
        out
    }

    /// `公开02表`, `201 一般公共服务支出`, `本年收入合计（栏次1）` for a cell reference.
    pub fn describe(&self, r: &CellRef) -> (String, String, String) {
        let Some(t) = self.tables.get(r.table) else {
            return (String::new(), String::new(), String::new());
        };
        let Some(p) = t.panels.get(r.panel) else {
            return (t.number.clone(), String::new(), String::new());
        };
        let row = p.rows.get(r.row).map(Row::describe).unwrap_or_default();
        let col = p
            .columns
            .get(r.col)
            .map(Column::describe)
            .unwrap_or_default();
        (t.number.clone(), row, col)
    }
}

/// One table.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// Profile id: `01` … `10`.
    pub id: String,
    /// Printed number: `公开01表`.
    pub number: String,
    /// Caption: `收入支出决算总表`.
    pub title: String,
    /// 金额单位 of the table as printed.
    pub unit: AmountUnit,
    /// Rounding envelope of one printed figure in fen (0 for exact data; 5,000 for
    /// 万元 with two decimals). Sums of n figures may differ by up to (n+1)× this.
    pub half_step_fen: i64,
    /// Side-by-side parts (收入 | 支出), or one panel.
    pub panels: Vec<Panel>,
    /// What the cells must satisfy. Not serialized: it follows from the profile.
    #[serde(skip)]
    pub relations: Vec<Relation>,
    /// Whether the table carries "说明：本表无数据" (or the profile's equivalent).
    pub empty_note_shown: bool,
    /// Where the table was read from (audit), if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

impl Table {
    /// True when no cell holds a non-zero value.
    pub fn is_empty(&self) -> bool {
        self.panels
            .iter()
            .flat_map(|p| &p.rows)
            .flat_map(|r| &r.cells)
            .all(|c| c.value.is_none_or(Num::is_zero))
    }
}

/// A block of columns with its rows (one side of a two-sided table).
#[derive(Clone, Debug, Serialize)]
pub struct Panel {
    /// `收入`, `支出`, or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Value columns (code, name and 行次 are row attributes, not columns).
    pub columns: Vec<Column>,
    /// Rows in print order.
    pub rows: Vec<Row>,
}

/// A value column.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// Profile id of the column.
    pub id: String,
    /// Header label (`本年收入合计`).
    pub label: String,
    /// 栏次, when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u32>,
}

impl Column {
    /// `本年收入合计（栏次1）`
    pub fn describe(&self) -> String {
        match self.number {
            Some(n) => format!("{}（栏次{n}）", self.label),
            None => self.label.clone(),
        }
    }
}

/// How a row is identified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum RowKey {
    /// By 行次.
    Line(u32),
    /// By functional code.
    Fn(FunctionalCode),
    /// By economic code.
    Econ(EconomicCode),
    /// The 合计 row.
    Total,
    /// 人员经费合计 / 公用经费合计.
    Group(EconGroup),
    /// The only row of a one-row table (公开07表).
    Single,
}

/// What role a row plays, for layout (bold totals, indented items).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// 合计/总计 rows.
    Total,
    /// 类 rows.
    Class,
    /// 款 rows.
    Section,
    /// 项 rows and plain rows.
    Item,
    /// Section header inside a table (公开10表 "一、政府采购情况").
    Heading,
    /// A row the template keeps empty (blank 行次 rows).
    Blank,
}

/// A row.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Identity.
    pub key: RowKey,
    /// Printed label (科目名称 or 项目).
    pub label: String,
    /// 行次, when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Role.
    pub kind: RowKind,
    /// One cell per panel column.
    pub cells: Vec<Cell>,
}

impl Row {
    /// `201 一般公共服务支出`, `行次27 本年收入合计`, `合计`. A row of a table that
    /// prints no 行次 is described by its label alone (its number is not printed).
    pub fn describe(&self) -> String {
        match (&self.key, self.line) {
            (RowKey::Line(_), None) if self.label.is_empty() => "（空白行）".to_string(),
            (RowKey::Line(n), Some(_)) if self.label.is_empty() => format!("行次{n}"),
            (RowKey::Line(n), Some(_)) => format!("行次{n} {}", self.label),
            (RowKey::Fn(c), _) => format!("{c} {}", self.label),
            (RowKey::Econ(c), _) => format!("{c} {}", self.label),
            (RowKey::Line(_) | RowKey::Total | RowKey::Group(_) | RowKey::Single, _) => {
                self.label.clone()
            }
        }
    }
}

/// A cell.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The value; `None` is a blank cell (counts as zero in sums).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Num>,
    /// The figure this cell stands for, if it has a meaning of its own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
    /// Printed as "────": the template says this cell does not apply.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    /// Where the value was read (audit), if anywhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

impl Cell {
    /// The value, blank as zero.
    pub fn raw(&self) -> i64 {
        self.value.map_or(0, Num::raw)
    }
}

/// Index of a cell within a [`TableSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CellRef {
    /// Index of the table in the set.
    pub table: usize,
    /// Index of the panel in the table.
    pub panel: usize,
    /// Index of the row in the panel.
    pub row: usize,
    /// Index of the column in the panel.
    pub col: usize,
}

/// Which family of checks a relation belongs to; each family is one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelFamily {
    /// A column that is the sum of other columns in the same row (本年收入合计 = Σ来源).
    ColumnSum,
    /// A row that is the sum of other rows (行27 = Σ行1–26; 合计 = Σ类).
    RowSum,
    /// 类 = Σ款, 款 = Σ项 (functional and economic classification).
    Hierarchy,
    /// 人员经费合计 = 301 + 303; 公用经费合计 = the other classes.
    Group,
    /// Two totals that must balance (收入总计 = 支出总计).
    Balance,
}

/// A constraint between cells of one table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relation {
    /// `total = Σ parts`.
    Sum {
        /// Which rule checks it.
        family: RelFamily,
        /// The stated total.
        total: CellRef,
        /// Its parts.
        parts: Vec<CellRef>,
    },
    /// `Σ left = Σ right`.
    Equal {
        /// Which rule checks it.
        family: RelFamily,
        /// One side.
        left: Vec<CellRef>,
        /// The other.
        right: Vec<CellRef>,
    },
    /// A cell the template keeps blank (blank 行次 rows, "────" cells).
    Blank {
        /// The cell.
        cell: CellRef,
    },
}
