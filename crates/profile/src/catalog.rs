//! Classification code lists (支出功能分类 / 支出经济分类) with their printed names.
//!
//! No complete machine-readable 2022 list was found; each profile ships what it can
//! vouch for, with the source of every entry. Rules treat a code missing from a
//! partial list as "not verified", not as wrong.

use std::collections::BTreeMap;

/// One known code.
#[derive(Clone, Debug)]
pub struct CatalogEntry {
    /// Name as the template's year prints it.
    pub name: String,
    /// Other names seen in print for the same code.
    pub variants: Vec<String>,
    /// Where this entry comes from.
    pub source: String,
}

/// A code list.
#[derive(Clone, Debug)]
pub struct Catalog<C: Ord> {
    entries: BTreeMap<C, CatalogEntry>,
    /// Whether the list is complete for its year (unknown codes are then errors).
    pub complete: bool,
}

impl<C: Ord + Clone> Catalog<C> {
    /// A catalog from entries.
    pub fn new(entries: BTreeMap<C, CatalogEntry>, complete: bool) -> Catalog<C> {
        Catalog { entries, complete }
    }

    /// The entry of a code.
    pub fn get(&self, code: &C) -> Option<&CatalogEntry> {
        self.entries.get(code)
    }

    /// The printed name of a code.
    pub fn name(&self, code: &C) -> Option<&str> {
        self.entries.get(code).map(|e| e.name.as_str())
    }

    /// All codes in code order.
    pub fn codes(&self) -> impl Iterator<Item = &C> {
        self.entries.keys()
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// How a stated name compares with the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameMatch {
    /// Same name (ignoring spaces and the width of brackets).
    Same,
    /// A known printed variant.
    Variant,
    /// Different.
    Different,
}

/// Normalizes a name for comparison: no spaces, ASCII brackets as full-width.
pub fn normalize_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            _ => c,
        })
        .collect()
}

impl CatalogEntry {
    /// Compares a stated name with this entry.
    pub fn compare(&self, stated: &str) -> NameMatch {
        let s = normalize_name(stated);
        if s == normalize_name(&self.name) {
            NameMatch::Same
        } else if self.variants.iter().any(|v| normalize_name(v) == s) {
            NameMatch::Variant
        } else {
            NameMatch::Different
        }
    }
}
