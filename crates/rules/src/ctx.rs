//! What a rule sees: the tables (always), the report's facts and inputs (when we
//! build it ourselves, not when we audit someone else's), the profile.

use juesuan_model::{CellRef, Key, Location, Num, Report, TableSet};
use juesuan_profile::Profile;
use juesuan_tables::{Figures, read_figures};
use juesuan_tables::{Repeats, StatedFigures};

/// The subject of a check.
pub struct Ctx<'a> {
    /// The template.
    pub profile: &'a Profile,
    /// The tables, derived or read back.
    pub tables: &'a TableSet,
    /// The report's inputs, when known (build and check; not audit).
    pub report: Option<&'a Report>,
    /// Figures derived from the facts, when known.
    pub derived: Option<&'a Figures>,
    /// Figures as the tables state them (first cell per key).
    pub stated: StatedFigures,
    /// Further cells that state a key already stated.
    pub repeats: Repeats,
    /// Differences between a stated narrative and ours, when one was given to compare.
    pub narrative_diffs: Option<Vec<juesuan_compose::Difference>>,
    /// How findings name the stated narrative's file (its lines are in the diffs).
    pub narrative_file: String,
    /// Last year's report of the same department, when known (cross-year rules).
    pub previous: Option<Previous<'a>>,
    /// The reports of the department's units, when given (their facts must sum
    /// to the department's), each with how findings name it.
    pub units: Vec<(&'a Report, String)>,
    /// The composed document, when the report is ours (its text rules).
    pub document: Option<&'a juesuan_compose::Document>,
}

/// Last year's report as the cross-year rules see it: its tables (derived from
/// its input, or read back from its published PDF) and what to call it.
pub struct Previous<'a> {
    /// How findings name it: `晋城市市场监督管理局 2021 年度报告（已公开第 1 版）`.
    pub label: String,
    /// Its 部门名称.
    pub department: String,
    /// Its year.
    pub year: i32,
    /// Its tables.
    pub tables: &'a TableSet,
    /// Figures as its tables state them.
    pub stated: StatedFigures,
    /// Its figures derived from its input, when known (also those no table prints).
    pub derived: Option<&'a Figures>,
}

impl<'a> Previous<'a> {
    /// Last year's report over its tables (and its derived figures, when known).
    pub fn new(
        label: String,
        department: String,
        year: i32,
        tables: &'a TableSet,
        derived: Option<&'a Figures>,
    ) -> Self {
        let (stated, _) = read_figures(tables);
        Previous {
            label,
            department,
            year,
            tables,
            stated,
            derived,
        }
    }

    /// The value its tables state for a key, or else its derived figure (zero
    /// when it has none: derived figures are complete). `None` only for a report
    /// read back from a PDF that does not print the key.
    pub fn value(&self, key: &Key) -> Option<Num> {
        self.stated
            .get(key)
            .map(|(v, _)| *v)
            .or_else(|| Some(self.derived?.get(key)))
    }

    /// The first cell stating a key.
    pub fn cell_of(&self, key: &Key) -> Option<CellRef> {
        self.stated.get(key).map(|(_, c)| *c)
    }

    /// Rounding envelope of the table stating a key (0 for exact data).
    pub fn half_step(&self, key: &Key) -> i64 {
        self.cell_of(key)
            .and_then(|c| self.tables.tables.get(c.table))
            .map_or(0, |t| t.half_step_fen)
    }
}

impl<'a> Ctx<'a> {
    /// How this report's template numbers a table (`公开05表`, `表五`), by its id;
    /// a table the template lacks by the id (messages then still name something).
    pub fn table_no(&self, id: &str) -> String {
        self.profile
            .table(id)
            .map_or_else(|| format!("{id}表"), |t| t.number.clone())
    }

    /// A context over tables, with the report when there is one.
    pub fn new(
        profile: &'a Profile,
        tables: &'a TableSet,
        report: Option<&'a Report>,
        derived: Option<&'a Figures>,
    ) -> Ctx<'a> {
        let (stated, repeats) = read_figures(tables);
        Ctx {
            profile,
            tables,
            report,
            derived,
            stated,
            repeats,
            narrative_diffs: None,
            narrative_file: String::new(),
            previous: None,
            units: Vec::new(),
            document: None,
        }
    }

    /// The value a table states for a key, if any table states it.
    pub fn value(&self, key: &Key) -> Option<Num> {
        self.stated.get(key).map(|(v, _)| *v)
    }

    /// Raw value (fen or count) of a key as stated; 0 when no table states it.
    pub fn raw(&self, key: &Key) -> i64 {
        self.value(key).map_or(0, Num::raw)
    }

    /// The first cell stating a key.
    pub fn cell_of(&self, key: &Key) -> Option<CellRef> {
        self.stated.get(key).map(|(_, c)| *c)
    }

    /// Location of a cell.
    pub fn at(&self, r: &CellRef) -> Location {
        let (table, row, column) = self.tables.describe(r);
        Location::Cell { table, row, column }
    }

    /// Location of the cell stating a key, or of the report when none does.
    pub fn at_key(&self, key: &Key) -> Location {
        self.cell_of(key).map_or(Location::Report, |c| self.at(&c))
    }

    /// Where an input figure was given, if it was (build mode).
    pub fn input_of(&self, key: &Key) -> Option<Location> {
        self.report?
            .facts
            .sources
            .get(key)
            .map(|s| Location::Input(s.clone()))
    }

    /// Rounding envelope of a cell's table (0 for exact data).
    pub fn half_step(&self, r: &CellRef) -> i64 {
        self.tables
            .tables
            .get(r.table)
            .map_or(0, |t| t.half_step_fen)
    }
}
