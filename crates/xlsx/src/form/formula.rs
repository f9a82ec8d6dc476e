//! Excel formulas for the derived cells of the form: the same derivation as
//! `juesuan_tables::derive` (类 = Σ项, totals, 公开01/04表 from the detail
//! tables, 公开07表 决算数 from 公开06表 …), written as formulas over the input
//! cells so the workbook shows the totals while it is filled in.
//!
//! The formulas are for the person filling the form; the importer never uses
//! their values (a derived cell is only read when a value was typed over its
//! formula, and then it is checked, rule `IN-DERIVED`).
//!
//! A derived figure sums leaf cells with `SUMIFS` on the code column
//! (`"201????"` = every 项 of 类 201), over the blocks of input rows of its own
//! sheet (never over other derived rows: that would be a circular reference) or
//! over whole columns of another sheet. Components placed elsewhere in the form
//! are referenced by address.

use super::cell::col_letters;
use juesuan_model::{Domain, EconGroup, EconomicCode, ExpKind, Fund, Key, Measure, Scope};
use juesuan_tables::{SANGONG_ECON, SCALAR_SUMS};
use std::collections::BTreeMap;

/// A cell of the form: sheet index, zero-based row and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Addr {
    pub sheet: usize,
    pub row: u32,
    pub col: u32,
}

/// Where the leaf values of a measure are: a column of a code table.
#[derive(Clone, Debug)]
pub(crate) struct Source {
    pub sheet: usize,
    pub col: u32,
    pub code_col: u32,
    /// Runs of input rows (inclusive), between the derived rows.
    pub blocks: Vec<(u32, u32)>,
}

/// Everything the formulas need to know about the form.
#[derive(Clone, Debug, Default)]
pub(crate) struct Index {
    /// Sheet names, by index.
    pub sheets: Vec<String>,
    /// Leaf columns of functional measures.
    pub functional: BTreeMap<Measure, Source>,
    /// Leaf columns of economic measures.
    pub economic: BTreeMap<Measure, Source>,
    /// Every cell bound to a figure (input or derived), in placement order.
    pub placed: BTreeMap<Key, Vec<Addr>>,
    /// Economic classes of each group (人员经费 / 公用经费).
    pub groups: Vec<(EconGroup, Vec<EconomicCode>)>,
}

/// A signed term of a sum.
type Terms = Vec<(bool, String)>;

fn quote(sheet: &str) -> String {
    format!("'{}'", sheet.replace('\'', "''"))
}

impl Index {
    fn cell_ref(&self, from: Addr, to: Addr) -> String {
        let a = format!("{}{}", col_letters(to.col), to.row + 1);
        if from.sheet == to.sheet {
            a
        } else {
            format!("{}!{a}", quote(&self.sheets[to.sheet]))
        }
    }

    /// The best placed cell of `key` seen from `at`: same row, same sheet, any.
    fn placed_at(&self, key: &Key, at: Addr) -> Option<Addr> {
        let cells = self.placed.get(key)?;
        cells
            .iter()
            .find(|a| a.sheet == at.sheet && a.row == at.row)
            .or_else(|| cells.iter().find(|a| a.sheet == at.sheet))
            .or_else(|| cells.first())
            .copied()
    }

    fn sumifs(&self, src: &Source, pattern: &str, at: Addr) -> Terms {
        let v = col_letters(src.col);
        let c = col_letters(src.code_col);
        if src.sheet == at.sheet {
            src.blocks
                .iter()
                .map(|(a, b)| {
                    (
                        true,
                        format!(
                            "SUMIFS(${v}${}:${v}${},${c}${}:${c}${},\"{pattern}\")",
                            a + 1,
                            b + 1,
                            a + 1,
                            b + 1
                        ),
                    )
                })
                .collect()
        } else {
            let s = quote(&self.sheets[src.sheet]);
            vec![(
                true,
                format!("SUMIFS({s}!${v}:${v},{s}!${c}:${c},\"{pattern}\")"),
            )]
        }
    }

    /// The terms of `key` at `at`: a reference when it is placed (unless `top`:
    /// the cell being defined), its derivation otherwise.
    fn terms(&self, key: &Key, at: Addr, top: bool, depth: u32) -> Terms {
        if depth > 16 {
            return Vec::new();
        }
        if !top && let Some(a) = self.placed_at(key, at) {
            return vec![(true, self.cell_ref(at, a))];
        }
        let sum = |parts: &[(bool, Key)]| -> Terms {
            parts
                .iter()
                .flat_map(|(plus, k)| {
                    self.terms(k, at, false, depth + 1)
                        .into_iter()
                        .map(move |(p, t)| (p == *plus, t))
                })
                .collect()
        };
        match key.measure.domain() {
            Domain::Functional => {
                if let Some(src) = self.functional.get(&key.measure) {
                    let pattern = match &key.scope {
                        Scope::Fn(c) => format!("{c}{}", "?".repeat(7 - c.as_str().len())),
                        _ => "???????".to_string(),
                    };
                    return self.sumifs(src, &pattern, at);
                }
                let parts: Vec<(bool, Key)> = item_parts(key.measure)
                    .into_iter()
                    .map(|m| {
                        (
                            true,
                            Key {
                                measure: m,
                                scope: key.scope.clone(),
                            },
                        )
                    })
                    .collect();
                sum(&parts)
            }
            Domain::Economic => match &key.scope {
                Scope::Econ(c) if c.is_class() => match self.economic.get(&key.measure) {
                    Some(src) => self.sumifs(src, &format!("{c}??"), at),
                    None => Vec::new(),
                },
                Scope::Group(g) => {
                    let parts: Vec<(bool, Key)> = self
                        .groups
                        .iter()
                        .filter(|(x, _)| x == g)
                        .flat_map(|(_, classes)| classes)
                        .map(|c| (true, Key::econ(key.measure, c)))
                        .collect();
                    sum(&parts)
                }
                Scope::All => {
                    let parts: Vec<(bool, Key)> = self
                        .groups
                        .iter()
                        .map(|(g, _)| (true, Key::group(key.measure, *g)))
                        .collect();
                    sum(&parts)
                }
                _ => Vec::new(),
            },
            Domain::Scalar => {
                let parts = scalar_parts(key.measure);
                if parts.is_empty() {
                    // A fact shown in two tables: the cell where it is typed.
                    return self
                        .placed
                        .get(key)
                        .and_then(|cells| cells.iter().find(|a| **a != at))
                        .map(|a| vec![(true, self.cell_ref(at, *a))])
                        .unwrap_or_default();
                }
                sum(&parts)
            }
        }
    }

    /// The formula (without `=`) of the derived cell `at` showing `key`.
    pub fn formula(&self, key: &Key, at: Addr) -> String {
        join(&self.terms(key, at, true, 0))
    }
}

/// `a+b-c`; `0` for nothing.
pub(crate) fn join(terms: &[(bool, String)]) -> String {
    let mut s = String::new();
    for (i, (plus, t)) in terms.iter().enumerate() {
        match (i, plus) {
            (0, true) => {}
            (0, false) => s.push('-'),
            (_, true) => s.push('+'),
            (_, false) => s.push('-'),
        }
        s.push_str(t);
    }
    if s.is_empty() { "0".to_string() } else { s }
}

/// The measures a per-code derived measure adds up (as `juesuan_tables` derives them).
fn item_parts(m: Measure) -> Vec<Measure> {
    if m == Measure::IncTotal {
        return vec![
            Measure::IncFiscal,
            Measure::IncSuperior,
            Measure::IncBusiness,
            Measure::IncOperating,
            Measure::IncAffiliated,
            Measure::IncOther,
        ];
    }
    if m == Measure::ExpTotal {
        return ExpKind::ALL.iter().map(|k| k.total()).collect();
    }
    if m == Measure::FiscalTotal {
        return Fund::ALL.iter().filter_map(|f| f.total()).collect();
    }
    for fund in Fund::ALL {
        if fund.total() == Some(m) {
            return ExpKind::ALL
                .iter()
                .filter_map(|k| fund.measure(*k))
                .collect();
        }
    }
    for kind in ExpKind::ALL {
        if kind.total() == m {
            return Fund::ALL.iter().filter_map(|f| f.measure(kind)).collect();
        }
    }
    Vec::new()
}

/// The signed parts of a derived whole-department figure (as `juesuan_tables`
/// derives them); facts have none.
fn scalar_parts(m: Measure) -> Vec<(bool, Key)> {
    use Measure::*;
    let all =
        |ms: &[Measure]| -> Vec<(bool, Key)> { ms.iter().map(|m| (true, Key::all(*m))).collect() };
    if let Some((_, parts)) = SCALAR_SUMS.iter().find(|(t, _)| *t == m) {
        return all(parts);
    }
    if let Some((_, codes)) = SANGONG_ECON.iter().find(|(t, _)| *t == m) {
        return codes
            .iter()
            .filter_map(|c| EconomicCode::parse(c).ok())
            .map(|c| (true, Key::econ(EconAmount, &c)))
            .collect();
    }
    match m {
        IncGfFund => all(&[GfIncome]),
        IncGpbFund => vec![
            (true, Key::all(IncFiscal)),
            (false, Key::all(GfIncome)),
            (false, Key::all(IncSocFund)),
        ],
        FbalInGf => all(&[GfCarryIn]),
        FbalOutGf => all(&[GfCarryOut]),
        FbalInTotal => all(&[FbalInGpb, FbalInGf, FbalInSoc]),
        FbalOutTotal => all(&[FbalOutGpb, FbalOutGf, FbalOutSoc]),
        FiscalIncome => all(&[IncGpbFund, IncGfFund, IncSocFund]),
        FiscalIncomeGrand => all(&[FiscalIncome, FbalInTotal]),
        GpbGrand => all(&[GpbTotal, FbalOutGpb]),
        GfGrand => all(&[GfTotal, FbalOutGf]),
        SocGrand => all(&[SocTotal, FbalOutSoc]),
        FiscalGrand => all(&[FiscalTotal, FbalOutTotal]),
        IncomeGrand => all(&[IncTotal, NonfiscalUsed, CarryIn]),
        ExpGrand => all(&[ExpTotal, Distribution, CarryOut]),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use juesuan_model::FunctionalCode;

    fn index() -> Index {
        let mut ix = Index {
            sheets: vec!["公开01表".into(), "公开02表".into()],
            ..Index::default()
        };
        ix.functional.insert(
            Measure::IncFiscal,
            Source {
                sheet: 1,
                col: 3,
                code_col: 0,
                blocks: vec![(8, 9), (11, 30)],
            },
        );
        ix
    }

    #[test]
    fn same_sheet_sums_skip_derived_rows() {
        let ix = index();
        let code = FunctionalCode::parse("201").unwrap();
        let f = ix.formula(
            &Key::func(Measure::IncFiscal, &code),
            Addr {
                sheet: 1,
                row: 7,
                col: 3,
            },
        );
        assert_eq!(
            f,
            "SUMIFS($D$9:$D$10,$A$9:$A$10,\"201????\")+SUMIFS($D$12:$D$31,$A$12:$A$31,\"201????\")"
        );
    }

    #[test]
    fn other_sheets_by_whole_columns_and_placed_cells_by_address() {
        let mut ix = index();
        ix.placed.insert(
            Key::all(Measure::IncSocFund),
            vec![Addr {
                sheet: 0,
                row: 4,
                col: 2,
            }],
        );
        let f = ix.formula(
            &Key::all(Measure::IncGpbFund),
            Addr {
                sheet: 0,
                row: 3,
                col: 2,
            },
        );
        // gf.income has no source here: it contributes nothing.
        assert_eq!(
            f,
            "SUMIFS('公开02表'!$D:$D,'公开02表'!$A:$A,\"???????\")-C5"
        );
    }

    #[test]
    fn joins_signs() {
        assert_eq!(join(&[]), "0");
        assert_eq!(
            join(&[
                (false, "A1".into()),
                (true, "B1".into()),
                (false, "C1".into())
            ]),
            "-A1+B1-C1"
        );
    }
}
