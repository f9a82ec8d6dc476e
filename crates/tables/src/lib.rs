//! The ten tables: every figure derived from the facts, laid out as each profile
//! prints them, with the relations their cells must satisfy.
//!
//! Pipeline position: `Report` (facts) → **tables** (`Figures`, `TableSet`) → rules,
//! compose. The same relations are built for tables read back from published
//! reports (audit), so one set of rules judges both.

mod build;
mod figures;

pub use build::{build, economic_name, functional_name, functional_relations, hierarchy_relations};
pub use figures::{
    Figures, SANGONG_ECON, SCALAR_SUMS, complete_scalar_sums, derive, economic_groups,
};

use juesuan_model::{CellRef, Key, Num, Report, TableSet};
use juesuan_profile::Profile;
use std::collections::BTreeMap;

/// Figures and tables of a report.
#[derive(Clone, Debug)]
pub struct Derived {
    /// Every figure.
    pub figures: Figures,
    /// The tables.
    pub tables: TableSet,
}

/// Derives figures and tables from a report.
pub fn derive_all(report: &Report, profile: &Profile) -> Derived {
    let figures = derive(report, profile);
    let tables = build(report, profile, &figures);
    Derived { figures, tables }
}

/// Figures as tables state them: each key with its value and the first cell stating it.
pub type StatedFigures = BTreeMap<Key, (Num, CellRef)>;

/// Further cells stating a key already stated: (key, first cell, this cell).
pub type Repeats = Vec<(Key, CellRef, CellRef)>;

/// The figures a table set states, by key, with the first cell stating each; and
/// every further cell that states the same key (for cross-table comparison).
pub fn read_figures(tables: &TableSet) -> (StatedFigures, Repeats) {
    let mut first: StatedFigures = BTreeMap::new();
    let mut again = Vec::new();
    for r in tables.all_cells() {
        let Some(cell) = tables.cell(&r) else {
            continue;
        };
        let (Some(key), false) = (&cell.key, cell.not_applicable) else {
            continue;
        };
        let value = cell.value.unwrap_or_else(|| Num::zero(key.measure.kind()));
        match first.get(key) {
            Some((_, f)) => again.push((key.clone(), *f, r)),
            None => {
                first.insert(key.clone(), (value, r));
            }
        }
    }
    (first, again)
}
