//! Read tables → the profile's [`TableSet`]: the rows the text shows, every number
//! in its column, with its source line, so the same rules that check our own tables
//! check the published ones.
//!
//! Extracted text drops blank cells, so a row printing fewer numbers than the table
//! has columns is ambiguous. Each such row gets every order-keeping placement of its
//! numbers as a candidate; the placement kept is the one under which the tables'
//! own relations (sums, 类 = Σ款 = Σ项, balances, the same figure in two tables) are
//! violated least, ties going to the placement furthest left (the first columns are
//! the totals and the most common sources). Rows are settled one at a time, over a
//! few passes, each against the current placement of all the others.
//!
//! Cost: a row printing more numbers than its table has columns is not placed at
//! all (its numbers are reported unread, one finding for the line). A row keeps at
//! most 5,001 placements, and all rows together at most a million column entries
//! (rows past that budget keep their leftmost placements), so memory is linear in
//! the rows read. Rows are found by key through an index, groups of rows are
//! de-duplicated through a set; the solver's passes are bounded (three), each
//! trying every kept placement of a row against the relations touching it: time
//! O(placements × relation size), linear in the text for a bounded table width.

use crate::read::{Anchor, Observation, ReadTable, Unread};
use crate::structure::TableRegion;
use juesuan_model::{
    AmountUnit, CellRef, Key, MAX_ABS_FEN, Measure, Money, Num, Relation, Report, RowKey,
    SourceRef, TableSet,
};
use juesuan_profile::{Layout, Profile};
use juesuan_tables::{Figures, SANGONG_ECON};
use std::collections::BTreeMap;

/// An unread number, with its table.
#[derive(Clone, Debug)]
pub struct TableUnread {
    /// Profile index of the table.
    pub table: usize,
    /// What and why.
    pub unread: Unread,
}

/// The tables as read.
#[derive(Clone, Debug, Default)]
pub struct Assembled {
    /// Tables with the printed values, in profile order (tables not found are present
    /// and empty; see `found`).
    pub tables: TableSet,
    /// Which profile tables were found in the text.
    pub found: Vec<bool>,
    /// Numbers that could not be given a cell.
    pub unread: Vec<TableUnread>,
    /// Rows whose numbers could be placed in more than one way, with the number of
    /// placements the relations could not tell apart (for the "could not read" list).
    pub ambiguous: usize,
}

/// Whether a label read next to a code is the name printed for it: not empty and not
/// a piece of the catalog's name (a name wrapped over lines reads as a piece of it; the
/// catalog's is then kept). A name that differs otherwise is kept, so that the rules
/// on code names can report it.
fn printed_name(label: &str, catalog: Option<&str>) -> bool {
    let l: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    match catalog {
        _ if l.is_empty() => false,
        Some(c) => c != l && !c.contains(l.as_str()),
        None => true,
    }
}

/// The most placements kept for one row.
const PLACEMENTS_PER_ROW: usize = 5001;

/// The most column entries (placements × numbers) kept for all rows together: 160
/// times what the largest report seen needs. Rows beyond it keep fewer placements
/// (the leftmost; at least one), so memory stays linear in the rows, never the
/// product of rows and placements.
const PLACEMENT_BUDGET: usize = 1_000_000;

/// Order-keeping placements of `k` numbers into the columns `cols`, at most `limit`
/// (the leftmost first).
fn placements(k: usize, cols: &[usize], limit: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    fn rec(
        k: usize,
        cols: &[usize],
        start: usize,
        cur: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
        limit: usize,
    ) {
        if out.len() >= limit {
            return;
        }
        if cur.len() == k {
            out.push(cur.clone());
            return;
        }
        let need = k - cur.len();
        let mut i = start;
        while i + need <= cols.len() {
            if let Some(&c) = cols.get(i) {
                cur.push(c);
                rec(k, cols, i + 1, cur, out, limit);
                cur.pop();
            }
            i += 1;
            if out.len() >= limit {
                return;
            }
        }
    }
    rec(k, cols, 0, &mut cur, &mut out, limit.max(1));
    out
}

/// A row to fill: where, which numbers, the candidate placements.
struct Slot {
    table: usize,
    panel: usize,
    row: usize,
    values: Vec<Num>,
    sources: Vec<SourceRef>,
    candidates: Vec<Vec<usize>>,
    choice: usize,
    /// Centre columns of the numbers (layout text).
    at: Vec<usize>,
    /// Header centre of each column of the row's panel, where known.
    centers: Vec<Option<usize>>,
}

impl Slot {
    /// How far a candidate puts the numbers from their columns' headers (0 when the
    /// headers are unknown).
    fn misplacement(&self, ci: usize) -> i128 {
        let Some(cols) = self.candidates.get(ci) else {
            return 0;
        };
        cols.iter()
            .zip(&self.at)
            .filter_map(|(c, x)| {
                self.centers
                    .get(*c)
                    .copied()
                    .flatten()
                    .map(|h| i128::try_from(h.abs_diff(*x)).unwrap_or(0))
            })
            .sum()
    }

    /// Orders the candidates best-aligned first (stable: the leftmost first among equals).
    fn sort_by_alignment(&mut self) {
        if self.centers.iter().all(Option::is_none) || self.candidates.len() < 2 {
            return;
        }
        let mut scored: Vec<(i128, Vec<usize>)> = (0..self.candidates.len())
            .map(|ci| {
                (
                    self.misplacement(ci),
                    self.candidates.get(ci).cloned().unwrap_or_default(),
                )
            })
            .collect();
        scored.sort_by_key(|(m, _)| *m);
        self.candidates = scored.into_iter().map(|(_, c)| c).collect();
        self.choice = 0;
    }
}

/// The amount `hundredths` of `unit` stand for; `None` beyond [`MAX_ABS_FEN`].
fn money(hundredths: i64, unit: AmountUnit) -> Option<Money> {
    hundredths
        .checked_mul(unit.fen_per_step())
        .filter(|f| f.unsigned_abs() <= MAX_ABS_FEN.unsigned_abs())
        .map(Money::from_fen)
}

/// Where each row of a table is, looked up by key or 行次 instead of by scanning the
/// rows for every observation.
struct RowIndex {
    /// Rows of the first panel by key (its `Debug` form: `RowKey` has no order), the
    /// first of equal keys.
    by_key: std::collections::HashMap<String, usize>,
    /// (panel, row) by 行次, the first of equal numbers.
    by_line: BTreeMap<u32, (usize, usize)>,
}

impl RowIndex {
    fn new(table: &juesuan_model::Table) -> RowIndex {
        let mut by_key = std::collections::HashMap::new();
        if let Some(p) = table.panels.first() {
            for (ri, r) in p.rows.iter().enumerate() {
                by_key.entry(format!("{:?}", r.key)).or_insert(ri);
            }
        }
        let mut by_line = BTreeMap::new();
        for (pi, p) in table.panels.iter().enumerate() {
            for (ri, r) in p.rows.iter().enumerate() {
                if let Some(n) = r.line {
                    by_line.entry(n).or_insert((pi, ri));
                }
            }
        }
        RowIndex { by_key, by_line }
    }

    fn key(&self, key: &RowKey) -> Option<(usize, usize)> {
        self.by_key.get(&format!("{key:?}")).map(|r| (0, *r))
    }
}

/// Where an observation goes in its table: (panel, row).
fn locate(
    table: &juesuan_model::Table,
    index: &RowIndex,
    obs: &Observation,
    profile: &Profile,
    ti: usize,
) -> Option<(usize, usize)> {
    table.panels.first()?;
    match &obs.anchor {
        Anchor::Total => index.key(&RowKey::Total),
        Anchor::Fn(c) => index.key(&RowKey::Fn(c.clone())),
        Anchor::Econ(c) => index.key(&RowKey::Econ(c.clone())),
        Anchor::Group(g) => {
            let Layout::Economic { groups, .. } = &profile.tables.get(ti)?.layout else {
                return None;
            };
            index.key(&RowKey::Group(groups.get(*g)?.group))
        }
        Anchor::Line(n) => index.by_line.get(n).copied(),
        Anchor::Label(p, r) => Some((*p, *r)),
        Anchor::Grid(r) => Some((0, *r)),
    }
}

/// Cross-table relations used only to choose placements: a key stated in two tables
/// must agree, and 公开07表's 三公 决算数 match their 公开06表 economic codes.
fn soft_relations(tables: &TableSet) -> Vec<Relation> {
    let mut by_key: BTreeMap<&Key, Vec<CellRef>> = BTreeMap::new();
    for r in tables.all_cells() {
        if let Some(k) = tables.cell(&r).and_then(|c| c.key.as_ref()) {
            by_key.entry(k).or_default().push(r);
        }
    }
    let mut out = Vec::new();
    for cells in by_key.values() {
        if let Some((first, rest)) = cells.split_first() {
            for r in rest {
                out.push(Relation::Equal {
                    family: juesuan_model::RelFamily::Balance,
                    left: vec![*first],
                    right: vec![*r],
                });
            }
        }
    }
    for (m, codes) in SANGONG_ECON {
        let Some(left) = by_key.get(&Key::all(*m)).and_then(|v| v.first()) else {
            continue;
        };
        let right: Vec<CellRef> = codes
            .iter()
            .filter_map(|c| juesuan_model::EconomicCode::parse(c).ok())
            .filter_map(|c| {
                by_key
                    .get(&Key::econ(Measure::EconAmount, &c))
                    .and_then(|v| v.first())
                    .copied()
            })
            .collect();
        if !right.is_empty() {
            out.push(Relation::Equal {
                family: juesuan_model::RelFamily::Balance,
                left: vec![*left],
                right,
            });
        }
    }
    out
}

fn raw(tables: &TableSet, r: &CellRef) -> i64 {
    tables.cell(r).map_or(0, juesuan_model::Cell::raw)
}

/// How far a relation is from holding, beyond the rounding envelope of its table.
fn violation(tables: &TableSet, rel: &Relation) -> i64 {
    let half = |r: &CellRef| tables.tables.get(r.table).map_or(0, |t| t.half_step_fen);
    match rel {
        Relation::Sum { total, parts, .. } => {
            let sum: i64 = parts
                .iter()
                .map(|p| raw(tables, p))
                .fold(0, i64::saturating_add);
            let n = i64::try_from(parts.len()).unwrap_or(0);
            (raw(tables, total) - sum)
                .saturating_abs()
                .saturating_sub(half(total) * (n + 1))
                .max(0)
        }
        Relation::Equal { left, right, .. } => {
            let l: i64 = left.iter().map(|p| raw(tables, p)).sum();
            let r: i64 = right.iter().map(|p| raw(tables, p)).sum();
            let n = i64::try_from(left.len() + right.len()).unwrap_or(0);
            let h = left.first().map_or(0, half);
            (l - r).saturating_abs().saturating_sub(h * n).max(0)
        }
        Relation::Blank { cell } => raw(tables, cell).saturating_abs(),
    }
}

fn apply(tables: &mut TableSet, slot: &Slot, choice: usize) {
    let Some(t) = tables.tables.get_mut(slot.table) else {
        return;
    };
    let Some(row) = t
        .panels
        .get_mut(slot.panel)
        .and_then(|p| p.rows.get_mut(slot.row))
    else {
        return;
    };
    for c in &mut row.cells {
        if !c.not_applicable {
            c.value = None;
            c.source = None;
        }
    }
    if let Some(cols) = slot.candidates.get(choice) {
        for ((col, v), src) in cols.iter().zip(&slot.values).zip(&slot.sources) {
            if let Some(c) = row.cells.get_mut(*col) {
                c.value = Some(*v);
                c.source = Some(src.clone());
            }
        }
    }
}

/// Chooses placements: the relations of all tables (hard and soft), and which of
/// them touch each row.
struct Solver {
    relations: Vec<Relation>,
    /// Budget/actual cells of the same item: a small cost when only one is printed,
    /// so that ties between placements follow the other half of the table.
    pairs: Vec<(CellRef, CellRef)>,
    touching: BTreeMap<RowAt, (Vec<usize>, Vec<usize>)>,
}

/// A row of the skeleton: (table, panel, row).
type RowAt = (usize, usize, usize);

impl Solver {
    fn new(tables: &TableSet) -> Solver {
        let mut relations: Vec<Relation> = tables
            .tables
            .iter()
            .flat_map(|t| t.relations.clone())
            .collect();
        relations.extend(soft_relations(tables));
        let mut by_measure: BTreeMap<String, CellRef> = BTreeMap::new();
        for r in tables.all_cells() {
            if let Some(k) = tables.cell(&r).and_then(|c| c.key.as_ref()) {
                by_measure.entry(k.to_string()).or_insert(r);
            }
        }
        let pairs: Vec<(CellRef, CellRef)> = by_measure
            .iter()
            .filter(|(k, _)| k.contains(".budget."))
            .filter_map(|(k, r)| {
                by_measure
                    .get(&k.replace(".budget.", ".actual."))
                    .map(|a| (*r, *a))
            })
            .collect();
        let mut touching: BTreeMap<RowAt, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (i, rel) in relations.iter().enumerate() {
            let cells: Vec<&CellRef> = match rel {
                Relation::Sum { total, parts, .. } => std::iter::once(total).chain(parts).collect(),
                Relation::Equal { left, right, .. } => left.iter().chain(right).collect(),
                Relation::Blank { cell } => vec![cell],
            };
            for c in cells {
                let e = &mut touching.entry((c.table, c.panel, c.row)).or_default().0;
                if e.last() != Some(&i) {
                    e.push(i);
                }
            }
        }
        for (i, (a, b)) in pairs.iter().enumerate() {
            for c in [a, b] {
                touching
                    .entry((c.table, c.panel, c.row))
                    .or_default()
                    .1
                    .push(i);
            }
        }
        Solver {
            relations,
            pairs,
            touching,
        }
    }

    /// The relations and pairs touching these rows.
    fn touching_rows(&self, rows: &[RowAt]) -> (Vec<usize>, Vec<usize>) {
        let mut rels: Vec<usize> = Vec::new();
        let mut pairs: Vec<usize> = Vec::new();
        for r in rows {
            if let Some((a, b)) = self.touching.get(r) {
                rels.extend(a);
                pairs.extend(b);
            }
        }
        rels.sort_unstable();
        rels.dedup();
        pairs.sort_unstable();
        pairs.dedup();
        (rels, pairs)
    }

    /// The cost of these relations and pairs under the current placement.
    fn cost_of(&self, tables: &TableSet, rels: &[usize], pairs: &[usize]) -> i64 {
        let hard: i64 = rels
            .iter()
            .filter_map(|&i| self.relations.get(i))
            .map(|r| violation(tables, r))
            .fold(0, i64::saturating_add);
        let soft = pairs
            .iter()
            .filter_map(|&i| self.pairs.get(i))
            .filter(|(a, b)| {
                let blank = |c: &CellRef| tables.cell(c).is_none_or(|x| x.value.is_none());
                blank(a) != blank(b)
            })
            .count();
        hard.saturating_mul(4)
            .saturating_add(i64::try_from(soft).unwrap_or(0))
    }

    /// Keeps only the placements of a row that its own relations (total = Σ parts
    /// within the row) like best.
    fn prune(&self, tables: &mut TableSet, slot: &mut Slot) {
        if slot.candidates.len() < 2 {
            return;
        }
        let key = (slot.table, slot.panel, slot.row);
        let local: Vec<usize> = self
            .touching
            .get(&key)
            .map(|(rels, _)| {
                rels.iter()
                    .copied()
                    .filter(|&i| {
                        self.relations.get(i).is_some_and(|r| match r {
                            Relation::Sum { total, parts, .. } => std::iter::once(total)
                                .chain(parts)
                                .all(|c| (c.table, c.panel, c.row) == key),
                            _ => false,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        if local.is_empty() {
            return;
        }
        let costs: Vec<i64> = (0..slot.candidates.len())
            .map(|ci| {
                apply(tables, slot, ci);
                local
                    .iter()
                    .filter_map(|&i| self.relations.get(i))
                    .map(|r| violation(tables, r))
                    .sum()
            })
            .collect();
        let min = costs.iter().copied().min().unwrap_or(0);
        let kept: Vec<Vec<usize>> = slot
            .candidates
            .iter()
            .zip(&costs)
            .filter(|(_, c)| **c == min)
            .map(|(cand, _)| cand.clone())
            .collect();
        slot.candidates = kept;
        slot.choice = 0;
        apply(tables, slot, 0);
    }

    fn solve(&self, tables: &mut TableSet, slots: &mut [Slot]) {
        for s in slots.iter_mut() {
            self.prune(tables, s);
        }
        let row_of = |s: &Slot| (s.table, s.panel, s.row);
        let by_row: BTreeMap<(usize, usize, usize), usize> = slots
            .iter()
            .enumerate()
            .map(|(i, s)| (row_of(s), i))
            .collect();
        // Groups: the ambiguous rows whose cells are the parts of one sum (the 项 of
        // one 款, the 类 of 合计): settled together, every combination tried when
        // there are few enough.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut seen: std::collections::BTreeSet<Vec<usize>> = std::collections::BTreeSet::new();
        for rel in &self.relations {
            let Relation::Sum { total, parts, .. } = rel else {
                continue;
            };
            let mut g: Vec<usize> = std::iter::once(total)
                .chain(parts)
                .filter_map(|p| by_row.get(&(p.table, p.panel, p.row)).copied())
                .filter(|&i| slots.get(i).is_some_and(|s| s.candidates.len() > 1))
                .collect();
            g.sort_unstable();
            g.dedup();
            if g.len() >= 2 && seen.insert(g.clone()) {
                groups.push(g);
            }
        }
        for _pass in 0..3 {
            let mut changed = false;
            for g in &groups {
                // Each row's first candidates (the leftmost placements), as many as keep
                // the search under 50,000 combinations.
                let n = u32::try_from(g.len()).unwrap_or(u32::MAX);
                let mut k = 2usize;
                while (k + 1).checked_pow(n).is_some_and(|t| t <= 50_000) {
                    k += 1;
                }
                let sizes: Vec<usize> = g
                    .iter()
                    .filter_map(|&i| slots.get(i))
                    .map(|s| s.candidates.len().min(k))
                    .collect();
                let total = sizes.iter().try_fold(1usize, |a, &n| a.checked_mul(n));
                if total.is_none_or(|t| t > 50_000) {
                    continue;
                }
                let rows: Vec<(usize, usize, usize)> =
                    g.iter().filter_map(|&i| slots.get(i)).map(row_of).collect();
                let (rels, pairs) = self.touching_rows(&rows);
                // Nothing to mend: keep the current placement.
                if self.cost_of(tables, &rels, &pairs) == 0 {
                    continue;
                }
                let current: Vec<usize> = g
                    .iter()
                    .filter_map(|&i| slots.get(i))
                    .map(|s| s.choice)
                    .collect();
                let mut best = (i128::MAX, current.clone());
                let mut combo = vec![0usize; g.len()];
                loop {
                    for (&i, &c) in g.iter().zip(&combo) {
                        if let Some(s) = slots.get(i) {
                            apply(tables, s, c);
                        }
                    }
                    let misplaced: i128 = g
                        .iter()
                        .zip(&combo)
                        .filter_map(|(&i, &c)| slots.get(i).map(|s| s.misplacement(c)))
                        .sum();
                    let cost =
                        i128::from(self.cost_of(tables, &rels, &pairs)) * 1_000_000 + misplaced;
                    if cost < best.0 {
                        best = (cost, combo.clone());
                        if cost == 0 {
                            break;
                        }
                    }
                    // Next combination (mixed radix).
                    let mut k = 0;
                    while let (Some(d), Some(&n)) = (combo.get_mut(k), sizes.get(k)) {
                        *d += 1;
                        if *d < n {
                            break;
                        }
                        *d = 0;
                        k += 1;
                    }
                    if k >= combo.len() {
                        break;
                    }
                }
                for (&i, &c) in g.iter().zip(&best.1) {
                    if let Some(s) = slots.get_mut(i) {
                        if s.choice != c {
                            changed = true;
                        }
                        s.choice = c;
                        apply(tables, s, c);
                    }
                }
            }
            for si in 0..slots.len() {
                let Some(slot) = slots.get(si) else { continue };
                if slot.candidates.len() < 2 {
                    continue;
                }
                let (rels, pairs) = self.touching_rows(&[row_of(slot)]);
                if self.cost_of(tables, &rels, &pairs) == 0 {
                    continue;
                }
                let mut best = (i128::MAX, slot.choice);
                for ci in 0..slot.candidates.len() {
                    apply(tables, slot, ci);
                    let c = i128::from(self.cost_of(tables, &rels, &pairs)) * 1_000_000
                        + slot.misplacement(ci);
                    if c < best.0 {
                        best = (c, ci);
                    }
                }
                apply(tables, slot, best.1);
                if best.1 != slot.choice {
                    changed = true;
                    if let Some(s) = slots.get_mut(si) {
                        s.choice = best.1;
                    }
                }
            }
            if !changed {
                break;
            }
        }
    }
}

/// Builds the table set of what was read.
pub fn assemble(
    profile: &Profile,
    regions: &[TableRegion],
    reads: &[ReadTable],
    src: &crate::source::Source,
) -> Assembled {
    let (lines, path, paged) = (&src.lines, src.path.as_str(), src.pages > 1);
    // Rows: functional codes each table shows (a marker makes `build` create them).
    let mut fig = Figures::default();
    let mut stub = Report::default();
    stub.meta.profile = profile.id.clone();
    for read in reads {
        let Some(def) = profile.tables.get(read.index) else {
            continue;
        };
        let first_measure = match &def.layout {
            Layout::Functional { columns, .. } => columns.iter().find_map(|c| c.measure),
            _ => None,
        };
        for o in &read.rows {
            match &o.anchor {
                Anchor::Fn(code) => {
                    fig.functional_codes.insert(code.clone());
                    if let Some(m) = first_measure {
                        fig.set(Key::func(m, code), Num::Money(Money::from_fen(1)));
                    }
                    if printed_name(&o.label, profile.functional_catalog.name(code)) {
                        stub.facts
                            .functional_names
                            .entry(code.clone())
                            .or_insert_with(|| o.label.clone());
                    }
                }
                Anchor::Econ(code)
                    if printed_name(&o.label, profile.economic_catalog.name(code)) =>
                {
                    stub.facts
                        .economic_names
                        .entry(code.clone())
                        .or_insert_with(|| o.label.clone());
                }
                _ => {}
            }
        }
    }
    let mut tables = juesuan_tables::build(&stub, profile, &fig);
    for t in &mut tables.tables {
        t.empty_note_shown = false;
        for p in &mut t.panels {
            for r in &mut p.rows {
                for c in &mut r.cells {
                    c.value = None;
                }
            }
        }
    }
    let mut found = vec![false; profile.tables.len()];
    let mut unread = Vec::new();
    let mut slots: Vec<Slot> = Vec::new();
    let mut budget = PLACEMENT_BUDGET;
    for (read, region) in reads.iter().zip(regions) {
        let ti = read.index;
        let unit = region.unit.map_or(profile.amount_unit, |u| u.0);
        if let Some(f) = found.get_mut(ti) {
            *f = true;
        }
        let Some(table) = tables.tables.get_mut(ti) else {
            continue;
        };
        table.unit = unit;
        table.half_step_fen = if unit == AmountUnit::Yuan {
            0
        } else {
            unit.fen_per_step() / 2
        };
        table.empty_note_shown = region.empty_note;
        table.source = lines
            .get(region.caption)
            .map(|l| source(path, l, None, paged));
        for u in &read.too_large {
            unread.push(TableUnread {
                table: ti,
                unread: u.clone(),
            });
        }
        let index = RowIndex::new(table);
        for o in &read.rows {
            let Some((pi, ri)) = locate(table, &index, o, profile, ti) else {
                for v in &o.values {
                    unread.push(TableUnread {
                        table: ti,
                        unread: Unread {
                            line: v.line,
                            text: v.text.clone(),
                            why: "所在行不在模板的表内".to_string(),
                        },
                    });
                }
                continue;
            };
            let Some(row) = table.panels.get(pi).and_then(|p| p.rows.get(ri)) else {
                continue;
            };
            // A number beyond the model's range in this table's unit is not read: it
            // is reported, never saturated nor read as 0.
            let (in_range, beyond): (Vec<&crate::read::Value>, Vec<&crate::read::Value>) =
                o.values.iter().partition(|v| {
                    if v.count {
                        v.hundredths.unsigned_abs() <= MAX_ABS_FEN.unsigned_abs()
                    } else {
                        money(v.hundredths, unit).is_some()
                    }
                });
            for v in beyond {
                unread.push(TableUnread {
                    table: ti,
                    unread: Unread {
                        line: v.line,
                        text: v.text.clone(),
                        why: crate::read::too_large_why(),
                    },
                });
            }
            let o_values: Vec<&crate::read::Value> = in_range;
            if o_values.is_empty() {
                continue;
            }
            let free: Vec<usize> = row
                .cells
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.not_applicable)
                .map(|(i, _)| i)
                .collect();
            if o_values.len() > free.len() {
                for v in &o_values {
                    unread.push(TableUnread {
                        table: ti,
                        unread: Unread {
                            line: v.line,
                            text: v.text.clone(),
                            why: format!(
                                "这一行印有 {} 个数，表中只有 {} 栏",
                                o_values.len(),
                                free.len()
                            ),
                        },
                    });
                }
                continue;
            }
            let values = o_values
                .iter()
                .map(|v| {
                    if v.count {
                        Num::Count(v.hundredths)
                    } else {
                        Num::Money(money(v.hundredths, unit).unwrap_or_default())
                    }
                })
                .collect();
            let sources = o_values
                .iter()
                .map(|v| {
                    lines
                        .get(v.line)
                        .map(|l| source(path, l, Some(&v.text), paged))
                        .unwrap_or_default()
                })
                .collect();
            let mut slot = Slot {
                table: ti,
                panel: pi,
                row: ri,
                values,
                sources,
                candidates: placements(
                    o_values.len(),
                    &free,
                    PLACEMENTS_PER_ROW.min(budget / o_values.len().max(1)),
                ),
                choice: 0,
                at: o_values.iter().map(|v| (v.start + v.end) / 2).collect(),
                centers: read.centers.get(pi).cloned().unwrap_or_default(),
            };
            budget = budget.saturating_sub(slot.candidates.len() * slot.values.len());
            slot.sort_by_alignment();
            slots.push(slot);
        }
    }
    for s in &slots {
        apply(&mut tables, s, 0);
    }
    let solver = Solver::new(&tables);
    solver.solve(&mut tables, &mut slots);
    let mut ambiguous = 0;
    for slot in &slots {
        if slot.candidates.len() > 1 {
            ambiguous += 1;
        }
    }
    Assembled {
        tables,
        found,
        unread,
        ambiguous,
    }
}

/// A source reference to a line of the text: `report.pdf 第3页 第 12 行「44,592,816.01」`
/// when the text has pages (`paged`), `report.txt 第 880 行…` when it has one.
pub fn source(
    path: &str,
    line: &crate::source::Line,
    field: Option<&str>,
    paged: bool,
) -> SourceRef {
    SourceRef {
        file: match (paged, line.printed) {
            (true, Some(n)) if n != line.page => {
                format!("{path} 第{}页（页脚页码 -{n}-）", line.page)
            }
            (true, _) => format!("{path} 第{}页", line.page),
            (false, _) => path.to_string(),
        },
        line: Some(if paged { line.in_page } else { line.no }),
        field: field.map(str::to_string),
        sheet: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placements_keep_order() {
        let p = placements(2, &[0, 1, 2], PLACEMENTS_PER_ROW);
        assert_eq!(p, vec![vec![0, 1], vec![0, 2], vec![1, 2]]);
        assert_eq!(
            placements(0, &[0, 1], PLACEMENTS_PER_ROW),
            vec![Vec::<usize>::new()]
        );
        let twelve: Vec<usize> = (0..12).collect();
        assert_eq!(placements(12, &twelve, PLACEMENTS_PER_ROW).len(), 1);
        assert_eq!(placements(8, &twelve, PLACEMENTS_PER_ROW).len(), 495);
        // Bounded: the leftmost first, at least one.
        assert_eq!(placements(8, &twelve, 3).len(), 3);
        assert_eq!(placements(8, &twelve, 0).len(), 1);
        let forty: Vec<usize> = (0..40).collect();
        assert_eq!(
            placements(20, &forty, PLACEMENTS_PER_ROW).len(),
            PLACEMENTS_PER_ROW
        );
    }
}
