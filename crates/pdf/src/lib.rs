//! The PDF renderer: the composed [`Document`] typeset by Typst as a library,
//! in-process, with fonts embedded (only the glyphs used).
//!
//! Pipeline position: compose → render (**pdf**) → bytes. The document is turned into a
//! compact display model (`layout`), handed to the template `report.typ` as a
//! virtual `/data.json`, compiled, and exported. No clock and a fixed document
//! identifier make the same input give the same bytes.

mod fonts;
mod layout;
mod world;

pub use fonts::{FontError, fallback_only, load as load_fonts};
pub use layout::{PdfDoc, layout};

use juesuan_compose::Document;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Smart;
use typst::text::Font;
use typst_layout::PagedDocument;
use world::ReportWorld;

/// The Typst template of the report.
pub const TEMPLATE: &str = include_str!("report.typ");

/// Why a PDF could not be made. `Display` is the Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// Fonts could not be loaded.
    #[error("{0}")]
    Fonts(#[from] FontError),
    /// The template did not compile (a bug in the template or the data).
    #[error("PDF 排版失败：{0}")]
    Typeset(String),
}

fn diagnostics(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("；")
}

/// A laid-out report: its pages, ready to export.
pub struct Typeset {
    document: PagedDocument,
}

impl Typeset {
    /// Number of pages.
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }

    /// The PDF bytes.
    pub fn pdf(&self, ident: &str) -> Result<Vec<u8>, PdfError> {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("juesuan {}", env!("CARGO_PKG_VERSION")))),
            ..typst_pdf::PdfOptions::default()
        };
        typst_pdf::pdf(&self.document, &options).map_err(|e| PdfError::Typeset(diagnostics(&e)))
    }
}

/// Lays out a document with the given fonts.
pub fn typeset(doc: &Document, fonts: Vec<Font>) -> Result<Typeset, PdfError> {
    let data = serde_json::to_vec(&layout(doc)).map_err(|e| PdfError::Typeset(e.to_string()))?;
    // For template work: JUESUAN_TEMPLATE=path/to/report.typ replaces the built-in
    // template without rebuilding.
    let custom = std::env::var_os("JUESUAN_TEMPLATE").and_then(|p| std::fs::read_to_string(p).ok());
    let world = ReportWorld::new(custom.as_deref().unwrap_or(TEMPLATE), data, fonts)
        .ok_or_else(|| PdfError::Typeset("内部路径无效".into()))?;
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|e| PdfError::Typeset(diagnostics(e.as_slice())))?;
    Ok(Typeset { document })
}

/// Renders a document to PDF bytes, with installed CJK fonts when present, fonts from
/// `font_dirs`, and the embedded fallback.
pub fn render(doc: &Document, font_dirs: &[std::path::PathBuf]) -> Result<Vec<u8>, PdfError> {
    render_with(doc, load_fonts(font_dirs)?)
}

/// Renders a document to PDF bytes with fonts already loaded (callers may load them
/// on another thread while they read the input). `JUESUAN_TIMING=1` prints the time
/// of each stage on standard error.
pub fn render_with(doc: &Document, fonts: Vec<Font>) -> Result<Vec<u8>, PdfError> {
    let t0 = std::time::Instant::now();
    let typeset = typeset(doc, fonts)?;
    let t1 = std::time::Instant::now();
    let pdf = typeset.pdf(&doc.title)?;
    let t2 = std::time::Instant::now();
    if std::env::var_os("JUESUAN_TIMING").is_some() {
        #[allow(
            clippy::print_stderr,
            reason = "opt-in timing of the stages, for benchmarks"
        )]
        {
            eprintln!(
                "pdf: typeset {:?} ({} pages), export {:?}",
                t1 - t0,
                typeset.pages(),
                t2 - t1
            );
        }
    }
    Ok(pdf)
}
