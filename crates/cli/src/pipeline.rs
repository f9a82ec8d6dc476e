//! Glue: input → report → figures and tables → findings → document.

use juesuan_compose::Document;
use juesuan_ingest::{InputErrors, read_text_dir};
use juesuan_model::{Finding, Report};
use juesuan_profile::Profile;
use juesuan_tables::{Derived, derive_all};
use std::path::Path;

/// A report read and checked.
pub struct Loaded {
    /// The input.
    pub report: Report,
    /// Its profile.
    pub profile: &'static Profile,
    /// Figures and tables.
    pub derived: Derived,
    /// Findings of every rule, sorted.
    pub findings: Vec<Finding>,
}

/// Why a command cannot proceed: unusable input (exit 2).
pub enum Failure {
    /// Input errors, all of them.
    Input(InputErrors),
    /// Anything else unusable (template, output), one message.
    Other(String),
}

impl From<InputErrors> for Failure {
    fn from(e: InputErrors) -> Failure {
        Failure::Input(e)
    }
}

/// Reads and checks a report.
pub fn load(input: &Path) -> Result<Loaded, Failure> {
    let (report, profile) = read_text_dir(input)?;
    let derived = derive_all(&report, profile);
    let findings = juesuan_rules::check_all(
        profile,
        &derived.tables,
        Some(&report),
        Some(&derived.figures),
    );
    Ok(Loaded {
        report,
        profile,
        derived,
        findings,
    })
}

impl Loaded {
    /// Composes the document.
    pub fn document(&self) -> Result<Document, Failure> {
        juesuan_compose::compose(&self.report, self.profile, &self.derived)
            .map_err(|e| Failure::Other(e.to_string()))
    }
}
