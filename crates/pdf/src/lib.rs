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
    let world = ReportWorld::new(TEMPLATE, data, fonts)
        .ok_or_else(|| PdfError::Typeset("内部路径无效".into()))?;
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|e| PdfError::Typeset(diagnostics(e.as_slice())))?;
    Ok(Typeset { document })
}

/// Renders a document to PDF bytes, with installed CJK fonts when present, fonts from
/// `font_dirs`, and the embedded fallback.
pub fn render(doc: &Document, font_dirs: &[std::path::PathBuf]) -> Result<Vec<u8>, PdfError> {
    let fonts = load_fonts(font_dirs)?;
    typeset(doc, fonts)?.pdf(&doc.title)
}
