//! The library API under both shells, the CLI (`juesuan`) and the server
//! (`juesuan serve`): input → report → figures and tables → document → findings →
//! output files. Neither shell holds report logic of its own: a finding on a web
//! page is the same [`Finding`] as on the terminal, with the same message.
//!
//! - [`load`] reads a path (text directory or workbook) and checks it;
//! - [`load_upload`] does the same for bytes received (a workbook, or a zip of
//!   the text form, unpacked with bounded sizes by [`upload`]);
//! - [`render`] makes the output files of a loaded report.

pub mod carry;
pub mod city;
pub mod compare;
pub mod diff;
pub mod sample;
pub mod upload;

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

/// The other reports a report is checked against.
#[derive(Clone, Copy, Default)]
pub struct Against<'a> {
    /// Last year's report of the same department and how findings name it
    /// (`晋城市市场监督管理局 2021 年度报告`): the cross-year rules run on it.
    pub previous: Option<(&'a Loaded, &'a str)>,
    /// The reports of the department's units and how findings name them: the
    /// department's facts must be their sums (`XU-SUM`).
    pub units: &'a [(&'a Loaded, &'a str)],
}

/// Reads, composes and checks a report; with `narrative`, also compares a stated
/// 情况说明 (a text file, e.g. last year's or a published report) with ours; with
/// `previous`, checks what it says of last year against last year's report.
pub fn load(
    input: &Path,
    narrative: Option<&Path>,
    against: Against<'_>,
) -> Result<Loaded, Failure> {
    let (report, profile) = read_input(input)?;
    let workbook = is_workbook(input);
    let narrative = match narrative {
        Some(path) => {
            let shown = path.display().to_string();
            let text = juesuan_ingest::guard::read_file(
                path,
                &shown,
                juesuan_ingest::guard::Kind::Narrative,
            )
            .and_then(|bytes| juesuan_ingest::guard::decode_text(&bytes, &shown))
            .map_err(|e| Failure::Other(format!("情况说明文件 {e}")))?;
            Some((shown, text))
        }
        None => None,
    };
    let stated = narrative.as_ref().map(|(f, t)| (f.as_str(), t.as_str()));
    check(report, profile, workbook, stated, against)
}

/// Composes and checks a report already read; `workbook` says whether it came
/// from a workbook (findings then name its sheets); `narrative` is a stated
/// 情况说明 (e.g. a published report's text) to compare ours with: how findings
/// name its file, and its text.
pub fn check(
    report: Report,
    profile: &'static Profile,
    workbook: bool,
    narrative: Option<(&str, &str)>,
    against: Against<'_>,
) -> Result<Loaded, Failure> {
    if let Some((prev, label)) = against.previous
        && prev.report.meta.year != report.meta.year.saturating_sub(1)
    {
        return Err(Failure::Other(format!(
            "{label}是 {} 年度的，而本报告是 {} 年度的：跨年度核对需要上一年度（{} 年度）的报告",
            prev.report.meta.year,
            report.meta.year,
            report.meta.year.saturating_sub(1)
        )));
    }
    let derived = derive_all(&report, profile);
    let document = juesuan_compose::compose(&report, profile, &derived)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut ctx = juesuan_rules::Ctx::new(
        profile,
        &derived.tables,
        Some(&report),
        Some(&derived.figures),
    );
    if let Some((file, text)) = narrative {
        ctx.narrative_diffs = Some(juesuan_compose::narrative_diffs(&document, profile, text));
        ctx.narrative_file = file.to_string();
    }
    if let Some((prev, label)) = against.previous {
        ctx.previous = Some(juesuan_rules::Previous::new(
            label.to_string(),
            prev.report.meta.department.clone(),
            prev.report.meta.year,
            &prev.derived.tables,
            Some(&prev.derived.figures),
        ));
    }
    ctx.document = Some(&document);
    ctx.units = against
        .units
        .iter()
        .map(|(l, label)| (&l.report, (*label).to_string()))
        .collect();
    let mut findings = juesuan_rules::run(ctx);
    if workbook {
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

pub use juesuan_rules::MISSING_INPUT;

/// What the report lacks to be published: the inputs its 情况说明 needs and
/// was not given (the findings of `NARR-INPUT`, in order). Built without
/// them, its text would print “（未填报）” or leave a sentence hanging.
pub fn missing_inputs(loaded: &Loaded) -> Vec<&Finding> {
    loaded
        .findings
        .iter()
        .filter(|f| f.rule == MISSING_INPUT)
        .collect()
}

/// Reads and checks an uploaded file: a workbook (by its content, whatever its
/// name), or a zip of the text form. Every message names `name` and the place in
/// it (sheet!cell, or the file of the zip and its line), never a temporary path.
/// It is checked against the reports in `against` (last year's, its units').
pub fn load_upload(bytes: &[u8], name: &str, against: Against<'_>) -> Result<Loaded, Failure> {
    match upload::kind(bytes) {
        upload::Kind::Workbook => {
            let (report, profile) = juesuan_xlsx::form::read_workbook_bytes(bytes, name)?;
            check(report, profile, true, None, against)
        }
        upload::Kind::TextZip => {
            let dir = upload::unpack_text_zip(bytes, name)?;
            let prefix = format!("{}/", dir.path().display());
            let shown = format!("{name}/");
            match read_text_dir(dir.path()) {
                Ok((mut report, profile)) => {
                    rename_sources(&mut report.meta.source, &prefix, &shown);
                    let mut loaded = check(report, profile, false, None, against)?;
                    for f in &mut loaded.findings {
                        rename_finding(f, &prefix, &shown);
                    }
                    Ok(loaded)
                }
                Err(mut errors) => {
                    for e in &mut errors.0 {
                        rename_sources(&mut e.source, &prefix, &shown);
                        e.message = e.message.replace(&prefix, &shown);
                    }
                    Err(Failure::Input(errors))
                }
            }
        }
        upload::Kind::Other(what) => Err(Failure::Input(
            juesuan_ingest::InputError::at(
                juesuan_model::SourceRef::file(name),
                format!(
                    "不是填报工作簿（.xlsx）也不是文本目录的 zip 压缩包，而是{what}：请上传由 juesuan init 或平台下载的工作簿"
                ),
            )
            .into(),
        )),
    }
}

fn rename_sources(src: &mut juesuan_model::SourceRef, prefix: &str, shown: &str) {
    if let Some(rest) = src.file.strip_prefix(prefix) {
        src.file = format!("{shown}{rest}");
    } else if src.file == prefix.trim_end_matches('/') {
        src.file = shown.trim_end_matches('/').to_string();
    }
}

fn rename_location(l: &mut juesuan_model::Location, prefix: &str, shown: &str) {
    if let juesuan_model::Location::Input(src) = l {
        rename_sources(src, prefix, shown);
    }
}

fn rename_finding(f: &mut Finding, prefix: &str, shown: &str) {
    rename_location(&mut f.location, prefix, shown);
    for r in &mut f.related {
        rename_location(r, prefix, shown);
    }
    f.message = f.message.replace(prefix, shown);
    f.hint = f.hint.replace(prefix, shown);
}

/// One output format of [`render`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `report.pdf`, typeset by Typst.
    Pdf,
    /// `report.html`, one self-contained page.
    Html,
    /// `report.xlsx`, the ten tables.
    Xlsx,
    /// `report.json`: input, figures, tables, document and findings.
    Json,
    /// `data/*.csv` and `data/datapackage.json`: the open data.
    Csv,
}

impl Format {
    /// Every format, in the order [`render`] lists their files.
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Html,
        Format::Xlsx,
        Format::Json,
        Format::Csv,
    ];

    /// The name on the command line (`pdf`, `html` …).
    pub fn name(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Csv => "csv",
        }
    }

    /// The format of a name on the command line.
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Fonts for the PDF: loaded once per process and shared (a reference-counted
/// [`juesuan_pdf::FontLibrary`], so a clone costs nothing).
pub type Fonts = juesuan_pdf::Fonts;

/// What [`render`] made: the files, and what the PDF is set in.
pub struct Outputs {
    /// (relative name, bytes), `report.pdf` first when made.
    pub files: Vec<(String, Vec<u8>)>,
    /// The PDF's families, most used first (empty without a PDF).
    pub pdf_fonts: Vec<String>,
    /// Characters no font had, printed as empty boxes in the PDF.
    pub missing_glyphs: Vec<char>,
}

/// The output files of a loaded report, as (relative name, bytes): `report.pdf`
/// first when asked for (typeset on its own thread while the others are made),
/// then the others in the order of `formats`. `fonts` is needed only for
/// [`Format::Pdf`].
pub fn render(
    loaded: &Loaded,
    formats: &[Format],
    fonts: Option<Fonts>,
) -> Result<Outputs, String> {
    let doc = &loaded.document;
    std::thread::scope(|scope| {
        let pdf = formats.contains(&Format::Pdf).then(|| {
            scope.spawn(move || -> Result<juesuan_pdf::Rendered, String> {
                let fonts = match fonts {
                    Some(f) => f,
                    None => juesuan_pdf::load_fonts(&[], false).map_err(|e| e.to_string())?,
                };
                juesuan_pdf::render_with(doc, &fonts).map_err(|e| e.to_string())
            })
        });
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for f in formats {
            match f {
                Format::Html => files.push((
                    "report.html".to_string(),
                    juesuan_render::html::render(doc).into_bytes(),
                )),
                Format::Json => files.push((
                    "report.json".to_string(),
                    juesuan_render::json::render(
                        &loaded.report,
                        &loaded.derived.figures,
                        &loaded.derived.tables,
                        doc,
                        &loaded.findings,
                    )
                    .map_err(|e| format!("无法生成 JSON：{e}"))?
                    .into_bytes(),
                )),
                Format::Xlsx => files.push((
                    "report.xlsx".to_string(),
                    juesuan_xlsx::workbook(doc).map_err(|e| e.to_string())?,
                )),
                Format::Csv => files.extend(
                    juesuan_render::opendata::render(&loaded.report, &loaded.derived.tables)
                        .map_err(|e| format!("无法生成开放数据：{e}"))?,
                ),
                Format::Pdf => {}
            }
        }
        let mut out = Outputs {
            files,
            pdf_fonts: Vec::new(),
            missing_glyphs: Vec::new(),
        };
        if let Some(pdf) = pdf {
            let r = pdf.join().map_err(|_| "PDF 排版中断".to_string())??;
            out.files.insert(0, ("report.pdf".to_string(), r.pdf));
            out.pdf_fonts = r.fonts;
            out.missing_glyphs = r.missing;
        }
        Ok(out)
    })
}
