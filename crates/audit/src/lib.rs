//! The audit of a published report: its text (a PDF through `pdftotext`, or text
//! already extracted) read back into the model — the profile's tables with every
//! printed number in its cell, the narrative's claims — and checked by the same rules
//! that check our own reports, plus the checks only a published text needs (claims
//! against tables, template leftovers, what could not be read).
//!
//! Pipeline position: source → **audit** (structure → read → assemble → rules,
//! claims) → findings.
//!
//! Bounds (issue 10): every input passes one guard ([`source::open_checked`]: a
//! regular file, text ≤ 20 MB, PDF ≤ 200 MB, `JUESUAN_MAX_AUDIT_MB` overrides;
//! `pdfinfo`/`pdftotext` killed after 60 s, `JUESUAN_PDFTOTEXT_TIMEOUT`
//! overrides), and every stage is linear in memory in the text it reads (n lines /
//! characters; the profile's tables, rows and columns are constants):
//!
//! | stage | time | memory |
//! |---|---|---|
//! | [`source`] decode, line ends, split | O(n) | O(n) |
//! | [`structure`] captions, sections | O(n × tables of the profile) | O(n) |
//! | [`tokens`] / [`read`] rows and numbers | O(n log n) | O(n) |
//! | [`assemble`] placements and solver | O(rows × ≤ 5,001 placements × relation size), ≤ 10⁶ entries in all | O(n) |
//! | [`claims`] sentences and claims | O(n) per sentence of ≤ 200 numbers | O(n) |
//! | [`checks`] shape, unread, leftovers | O(n) | O(n); one finding per unread line |

pub mod assemble;
pub mod checks;
pub mod claims;
pub mod read;
pub mod rules;
pub mod source;
pub mod structure;
pub mod tokens;

pub use source::{ReadError, Source, SourceKind};

use juesuan_model::Finding;
use juesuan_profile::Profile;
use std::path::Path;

/// Why an input cannot be audited. `Display` is the Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    /// The file could not be read as text.
    #[error("{0}")]
    Read(#[from] ReadError),
    /// The text is not a 决算公开 report of a known template.
    #[error(
        "{path}：没有找到决算公开报告的表格（已尝试模板：{tried}）。这份文件可能不是部门决算公开报告"
    )]
    NotAReport {
        /// File.
        path: String,
        /// Profiles tried.
        tried: String,
    },
    /// A built-in profile failed to load (a bug).
    #[error("{0}")]
    Profile(String),
    /// The figures read add up beyond what exact fen sums are guaranteed for
    /// ([`juesuan_model::MAX_TOTAL_FEN`]); the rules' sums would not be exact.
    #[error(
        "{path}：读到的表中金额的绝对值之和超出可精确计算的范围（1,000 万亿元）：这份文件的数字不像决算报告，未审计"
    )]
    TooLarge {
        /// File.
        path: String,
    },
}

/// An audited report.
pub struct Audit {
    /// The text read.
    pub source: Source,
    /// The template recognised.
    pub profile: &'static Profile,
    /// Where the tables and sections are.
    pub structure: structure::Structure,
    /// The tables as read.
    pub tables: assemble::Assembled,
    /// Everything found, sorted (errors first).
    pub findings: Vec<Finding>,
}

/// The built-in profile whose tables and sections the text shows best, with where
/// they are.
pub fn detect(src: &Source) -> Result<(&'static Profile, structure::Structure), AuditError> {
    let mut best: Option<(usize, &'static Profile, structure::Structure)> = None;
    for id in juesuan_profile::BUILTIN {
        let p = juesuan_profile::builtin(id).map_err(|e| AuditError::Profile(e.to_string()))?;
        let s = structure::locate(&src.lines, p);
        let score = s.tables.len() * 2 + s.sections.len();
        if best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, p, s));
        }
    }
    match best {
        Some((score, p, s)) if s.tables.len() >= 3 && score > 0 => Ok((p, s)),
        _ => Err(AuditError::NotAReport {
            path: src.path.clone(),
            tried: juesuan_profile::BUILTIN.join("、"),
        }),
    }
}

/// Audits a text already read.
pub fn audit_source(src: Source) -> Result<Audit, AuditError> {
    let (profile, structure) = detect(&src)?;
    let reads: Vec<read::ReadTable> = structure
        .tables
        .iter()
        .map(|r| read::read_table(&src.lines, r, profile))
        .collect();
    let tables = assemble::assemble(profile, &structure.tables, &reads, &src);
    // Exact sums, or no audit: the same bound as for every input (money.rs).
    let total: i128 = tables
        .tables
        .tables
        .iter()
        .flat_map(|t| &t.panels)
        .flat_map(|p| &p.rows)
        .flat_map(|r| &r.cells)
        .filter_map(|c| match c.value {
            Some(juesuan_model::Num::Money(m)) => Some(i128::from(m.fen()).abs()),
            _ => None,
        })
        .sum();
    if total > i128::from(juesuan_model::MAX_TOTAL_FEN) {
        return Err(AuditError::TooLarge {
            path: src.path.clone(),
        });
    }
    let mut findings = juesuan_rules::check_all(profile, &tables.tables, None, None);
    // A table the text lacks is reported once (AU-MISSING); the relations that need
    // its figures cannot be judged, and its empty skeleton would fail every one.
    let missing: Vec<&str> = profile
        .tables
        .iter()
        .enumerate()
        .filter(|(i, _)| !structure.tables.iter().any(|t| t.index == *i))
        .map(|(_, d)| d.number.as_str())
        .collect();
    let in_missing = |l: &juesuan_model::Location| match l {
        juesuan_model::Location::Cell { table, .. } | juesuan_model::Location::Table { table } => {
            missing.contains(&table.as_str())
        }
        _ => false,
    };
    findings.retain(|f| !in_missing(&f.location) && !f.related.iter().any(in_missing));
    let (stated, _) = juesuan_tables::read_figures(&tables.tables);
    let lookup = |k: &juesuan_model::Key| stated.get(k).map(|(v, _)| *v);
    // Budget columns by item (`预算数 公务接待费` → 公务接待费), for completion rates.
    let mut budgets = Vec::new();
    for r in tables.tables.all_cells() {
        let Some(cell) = tables.tables.cell(&r) else {
            continue;
        };
        if !cell
            .key
            .as_ref()
            .is_some_and(|k| k.to_string().contains(".budget."))
        {
            continue;
        }
        let (_, _, col) = tables.tables.describe(&r);
        // `预算数 因公出国（境）费（栏次2）` → `因公出国（境）费`
        let item = col
            .split("（栏次")
            .next()
            .unwrap_or("")
            .trim_start_matches("预算数")
            .trim()
            .to_string();
        if let Some(juesuan_model::Num::Money(m)) = cell
            .value
            .or(Some(juesuan_model::Num::Money(juesuan_model::Money::ZERO)))
        {
            budgets.push((item, m));
        }
    }
    findings.extend(claims::check(
        profile,
        &src.lines,
        &structure,
        &lookup,
        &budgets,
        &src.path,
        src.pages > 1,
    ));
    findings.extend(checks::check(profile, &src, &structure, &tables));
    juesuan_model::sort_findings(&mut findings);
    Ok(Audit {
        source: src,
        profile,
        structure,
        tables,
        findings,
    })
}

/// Audits a file (PDF or text).
pub fn audit_path(path: &Path) -> Result<Audit, AuditError> {
    // The templates are parsed while pdftotext runs (they are cached for the process).
    let src = std::thread::scope(|s| {
        s.spawn(|| {
            for id in juesuan_profile::BUILTIN {
                drop(juesuan_profile::builtin(id));
            }
        });
        source::read(path)
    })?;
    audit_source(src)
}
