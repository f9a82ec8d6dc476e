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

pub use fonts::{
    EMBEDDED_SANS, EMBEDDED_SERIF, FontChoice, FontError, FontLibrary, Fonts, LoadedFonts,
    MAX_FONT_BYTES, MAX_FONT_FILES, MAX_USER_FONT_BYTES, SkippedFont, load as load_fonts,
    load_all as load_fonts_reporting, read_font,
};
pub use layout::{PdfDoc, layout};

use juesuan_compose::Document;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Smart;
pub use typst::text::Font;
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
    /// The template named by [`TEMPLATE_ENV`] could not be used.
    #[error("环境变量 {TEMPLATE_ENV} 指定的模板 {path} 无法使用：{reason}")]
    Template {
        /// The path as given.
        path: String,
        /// Why, in Chinese.
        reason: String,
    },
}

/// For template work: a path to a `report.typ` that replaces the built-in template
/// without rebuilding. Read like a font ([`read_font`]): a regular file of at most
/// [`MAX_TEMPLATE_BYTES`], else an error naming it (never a wait on a FIFO, never a
/// read without limit).
pub const TEMPLATE_ENV: &str = "JUESUAN_TEMPLATE";

/// The largest template read from [`TEMPLATE_ENV`] (1 MB; the built-in one is 6 KB).
pub const MAX_TEMPLATE_BYTES: u64 = 1_000_000;

/// The template in force: the file named by [`TEMPLATE_ENV`], or the built-in one.
fn template() -> Result<std::borrow::Cow<'static, str>, PdfError> {
    let Some(path) = std::env::var_os(TEMPLATE_ENV) else {
        return Ok(std::borrow::Cow::Borrowed(TEMPLATE));
    };
    let path = std::path::PathBuf::from(path);
    let fail = |reason: String| PdfError::Template {
        path: path.display().to_string(),
        reason,
    };
    let bytes = fonts::read_capped(&path, MAX_TEMPLATE_BYTES).map_err(fail)?;
    String::from_utf8(bytes)
        .map(std::borrow::Cow::Owned)
        .map_err(|_| fail("不是 UTF-8 文本".to_string()))
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

    /// The families the text is set in (most glyphs first), and the characters
    /// that no font had — Typst sets those as the font's empty box (glyph 0).
    pub fn fonts_used(&self) -> (Vec<String>, Vec<char>) {
        use typst::layout::{Frame, FrameItem};
        fn walk(
            frame: &Frame,
            used: &mut std::collections::HashMap<String, usize>,
            missing: &mut Vec<char>,
        ) {
            for (_, item) in frame.items() {
                match item {
                    FrameItem::Group(g) => walk(&g.frame, used, missing),
                    FrameItem::Text(t) => {
                        *used.entry(t.font.info().family.clone()).or_default() += t.glyphs.len();
                        for g in t.glyphs.iter().filter(|g| g.id == 0) {
                            let c = t.text.get(g.range()).and_then(|s| s.chars().next());
                            if let Some(c) =
                                c.filter(|c| !c.is_whitespace() && !missing.contains(c))
                            {
                                missing.push(c);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut used = std::collections::HashMap::new();
        let mut missing = Vec::new();
        for page in self.document.pages() {
            walk(&page.frame, &mut used, &mut missing);
        }
        let mut used: Vec<(String, usize)> = used.into_iter().collect();
        used.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        (used.into_iter().map(|(f, _)| f).collect(), missing)
    }

    /// The PDF bytes.
    pub fn pdf(&self, ident: &str) -> Result<Vec<u8>, PdfError> {
        let options = typst_pdf::PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("juesuan {}", env!("CARGO_PKG_VERSION")))),
            ..typst_pdf::PdfOptions::default()
        };
        let mut pdf = typst_pdf::pdf(&self.document, &options)
            .map_err(|e| PdfError::Typeset(diagnostics(&e)))?;
        without_suspects(&mut pdf);
        Ok(pdf)
    }
}

/// The catalog's `/MarkInfo` as typst writes it: `/Suspects false` is the
/// default, and poppler reports "Syntax Error: Suspects object is wrong type
/// (boolean)" on every page it reads of such a file.
const MARK_INFO: &[u8] = b"/MarkInfo<</Marked true/Suspects false>>";

/// Blanks the `/Suspects false` of the catalog's `/MarkInfo` with spaces of the
/// same length — every byte offset (the cross-reference table) stays valid, and
/// the dictionary means the same. Written as a post-pass because typst's PDF
/// options do not expose it; the catalog is not in a compressed stream, and a
/// file without the exact dictionary is left as it is.
fn without_suspects(pdf: &mut [u8]) {
    const SUSPECTS: &[u8] = b"/Suspects false";
    if let Some(at) = pdf.windows(MARK_INFO.len()).position(|w| w == MARK_INFO) {
        let from = at + MARK_INFO.len() - 2 - SUSPECTS.len();
        if let Some(span) = pdf.get_mut(from..from + SUSPECTS.len()) {
            span.fill(b' ');
        }
    }
}

/// Lays out a document with fonts chosen from `fonts` for its profile.
pub fn typeset(doc: &Document, fonts: &FontLibrary) -> Result<Typeset, PdfError> {
    let choice = fonts.choose(&doc.fonts.body, &doc.fonts.heading);
    let mut data = layout(doc);
    data.serif = choice.serif;
    data.sans = choice.sans;
    let data = serde_json::to_vec(&data).map_err(|e| PdfError::Typeset(e.to_string()))?;
    let template = template()?;
    let world = ReportWorld::new(&template, data, choice.fonts)
        .ok_or_else(|| PdfError::Typeset("内部路径无效".into()))?;
    let Warned { output, .. } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|e| PdfError::Typeset(diagnostics(e.as_slice())))?;
    Ok(Typeset { document })
}

/// Renders a document to PDF bytes, with the profile's fonts and Noto CJK where
/// installed or under `font_dirs`, and the embedded faces.
pub fn render(doc: &Document, font_dirs: &[std::path::PathBuf]) -> Result<Vec<u8>, PdfError> {
    let fonts = load_fonts(font_dirs, false)?;
    render_with(doc, &fonts).map(|r| r.pdf)
}

/// A rendered PDF and what it is set in.
pub struct Rendered {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// The families its text is set in, most used first.
    pub fonts: Vec<String>,
    /// Characters no font had (printed as empty boxes), in order of first use.
    pub missing: Vec<char>,
}

/// Renders a document to PDF bytes with fonts already loaded (callers may load them
/// on another thread while they read the input). `JUESUAN_TIMING=1` prints the time
/// of each stage on standard error.
pub fn render_with(doc: &Document, fonts: &FontLibrary) -> Result<Rendered, PdfError> {
    let t0 = std::time::Instant::now();
    let typeset = typeset(doc, fonts)?;
    let t1 = std::time::Instant::now();
    let pdf = typeset.pdf(&doc.title)?;
    let t2 = std::time::Instant::now();
    if std::env::var_os("JUESUAN_TIMING").is_some() {
        // Opt-in timing of the stages, for benchmarks. Written with `writeln!` and
        // its error ignored: `eprintln!` panics when standard error is closed or
        // full. (Issue 14 moves this out of the library.)
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "pdf: typeset {:?} ({} pages), export {:?}",
            t1 - t0,
            typeset.pages(),
            t2 - t1
        );
    }
    let (fonts, missing) = typeset.fonts_used();
    // Typst memoises layout and shaping in process-wide caches (comemo) that are
    // never emptied on their own: a process that typesets report after report
    // (the platform's worker, a batch) grew by some 20 MB per report, to 23 GB.
    // Empty them after each report (measured: the same speed on two threads, and
    // about 1.6 MB per report left instead of 20; docs/BENCHMARKS.md).
    typst::comemo::evict(0);
    Ok(Rendered {
        pdf,
        fonts,
        missing,
    })
}
