//! Glue: input → report → figures and tables → document → findings.

use juesuan_compose::Document;
use juesuan_ingest::{InputErrors, read_text_dir};
use juesuan_model::{Finding, Report, sort_findings};
use juesuan_profile::Profile;
use juesuan_tables::{Derived, derive_all};
use std::path::Path;

/// A report read, composed and checked.
pub struct Loaded {
    /// The input.
    pub report: Report,
    /// Its profile.
    pub profile: &'static Profile,
    /// Figures and tables.
    pub derived: Derived,
    /// The composed document.
    pub document: Document,
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

/// Whether `input` names a workbook rather than a text directory: a spreadsheet
/// extension, or a file whose first bytes are a zip or OLE container (a
/// `report.toml` never starts so).
pub fn is_workbook(input: &Path) -> bool {
    const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xltx", "xls", "xlsb", "ods", "et"];
    let ext = input
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if EXTENSIONS.contains(&ext.as_str()) {
        return true;
    }
    if !input.is_file() {
        return false;
    }
    let mut head = [0_u8; 4];
    std::fs::File::open(input)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && (head.starts_with(b"PK") || head == [0xD0, 0xCF, 0x11, 0xE0])
}

/// Reads the input: a workbook form or a text directory.
pub fn read_input(input: &Path) -> Result<(Report, &'static Profile), InputErrors> {
    if is_workbook(input) {
        juesuan_xlsx::form::read_workbook(input)
    } else {
        read_text_dir(input)
    }
}

/// Findings of a workbook input say where in the workbook: the narrative-input
/// rules name `narrative.toml` (the text form) for inputs that are missing, which
/// in a workbook are the 情况说明数据 and 情况说明按类 sheets.
fn for_workbook(findings: &mut [Finding], workbook: &str) {
    use juesuan_model::{Location, SourceRef};
    use juesuan_xlsx::form::layout::{CLASS_SHEET, NARRATIVE};
    for f in findings {
        if let Location::Input(src) = &mut f.location
            && src.sheet.is_none()
            && src.file.ends_with("narrative.toml")
        {
            *src = SourceRef {
                file: workbook.to_string(),
                sheet: Some(NARRATIVE.to_string()),
                ..SourceRef::default()
            };
        }
        if f.hint.contains("narrative.toml") {
            f.hint = f
                .hint
                .replace(
                    "narrative.toml 的 [last_year]",
                    &format!("“{NARRATIVE}”表的上年决算数（按类的填入“{CLASS_SHEET}”表）"),
                )
                .replace(
                    "narrative.toml 的 [initial_budget]",
                    &format!("“{NARRATIVE}”表的年初预算数（按类的填入“{CLASS_SHEET}”表）"),
                )
                .replace(
                    "narrative.toml",
                    &format!("工作簿的“{NARRATIVE}”“{CLASS_SHEET}”表"),
                );
        }
    }
}

/// Reads, composes and checks a report; with `narrative`, also compares a stated
/// 情况说明 (a text file, e.g. last year's or a published report) with ours.
pub fn load(input: &Path, narrative: Option<&Path>) -> Result<Loaded, Failure> {
    let (report, profile) = read_input(input)?;
    let derived = derive_all(&report, profile);
    let document = juesuan_compose::compose(&report, profile, &derived)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut ctx = juesuan_rules::Ctx::new(
        profile,
        &derived.tables,
        Some(&report),
        Some(&derived.figures),
    );
    if let Some(path) = narrative {
        let shown = path.display().to_string();
        let text =
            juesuan_ingest::guard::read_file(path, &shown, juesuan_ingest::guard::Kind::Narrative)
                .and_then(|bytes| juesuan_ingest::guard::decode_text(&bytes, &shown))
                .map_err(|e| Failure::Other(format!("情况说明文件 {e}")))?;
        ctx.narrative_diffs = Some(juesuan_compose::narrative_diffs(&document, profile, &text));
    }
    let mut findings = juesuan_rules::run(ctx);
    if is_workbook(input) {
        for_workbook(&mut findings, &report.meta.source.file);
    }
    sort_findings(&mut findings);
    Ok(Loaded {
        report,
        profile,
        derived,
        document,
        findings,
    })
}
