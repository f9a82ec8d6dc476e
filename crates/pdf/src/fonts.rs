//! Fonts for the PDF: installed Noto CJK (Song-style serif for text, Hei-style sans for
//! headings, with real bold faces) when present, directories the user adds, and an
//! embedded fallback so a machine with no CJK font still gets correct Chinese.
//!
//! The fallback is WenQuanYi Micro Hei (Apache-2.0; `crates/pdf/fonts/`), compiled into
//! the binary. Only the glyphs used are embedded in a PDF (Typst subsets fonts).

use std::path::{Path, PathBuf};
use typst::foundations::Bytes;
use typst::text::Font;

/// The embedded fallback font.
static FALLBACK: &[u8] = include_bytes!("../fonts/wqy-microhei.ttc");

/// Directories where distributions install fonts.
const SYSTEM_DIRS: &[&str] = &[
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/usr/share/fonts/opentype/noto",
];

/// File names of the preferred installed families (searched for in the system dirs).
const PREFERRED: &[&str] = &[
    "NotoSerifCJK",
    "NotoSansCJK",
    "SourceHanSerif",
    "SourceHanSans",
];

/// Families the template asks for, best first; the last is the embedded fallback.
pub const SERIF: &[&str] = &[
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "WenQuanYi Micro Hei",
];
/// Heading families.
pub const SANS: &[&str] = &[
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
];

/// Why fonts could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum FontError {
    /// A `--font-dir` that does not exist.
    #[error("字体目录 {0} 不存在或无法读取")]
    MissingDir(String),
}

fn font_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() && depth > 0 {
            font_files(&p, out, depth - 1);
        } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
            matches!(
                e.to_ascii_lowercase().as_str(),
                "ttf" | "otf" | "ttc" | "otc"
            )
        }) {
            out.push(p);
        }
    }
}

/// The family names a face declares (typographic and legacy), read from its name
/// table without parsing the rest of the font.
fn families(data: &[u8], index: u32) -> Vec<String> {
    let Ok(face) = ttf_parser::Face::parse(data, index) else {
        return Vec::new();
    };
    face.names()
        .into_iter()
        .filter(|n| {
            n.name_id == ttf_parser::name_id::FAMILY
                || n.name_id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY
        })
        .filter_map(|n| n.to_string())
        .collect()
}

/// Loads the faces of a font file whose family is one we ask for (or all faces, for
/// user-given directories). A collection (.ttc) holds a face per region; only the
/// wanted ones are parsed in full, which keeps start-up fast.
fn faces(data: Bytes, all: bool, out: &mut Vec<Font>) {
    let count = ttf_parser::fonts_in_collection(&data).unwrap_or(1);
    for index in 0..count {
        let wanted = all
            || families(&data, index)
                .iter()
                .any(|f| SERIF.iter().chain(SANS).any(|w| f.eq_ignore_ascii_case(w)));
        if wanted && let Some(font) = Font::new(data.clone(), index) {
            out.push(font);
        }
    }
}

/// The fonts to typeset with: installed preferred families, every font of `extra`
/// directories, and the embedded fallback, in that order.
pub fn load(extra: &[PathBuf]) -> Result<Vec<Font>, FontError> {
    let mut fonts = Vec::new();
    for dir in extra {
        if !dir.is_dir() {
            return Err(FontError::MissingDir(dir.display().to_string()));
        }
        let mut files = Vec::new();
        font_files(dir, &mut files, 4);
        for f in files {
            if let Ok(data) = std::fs::read(&f) {
                faces(Bytes::new(data), true, &mut fonts);
            }
        }
    }
    let mut files = Vec::new();
    for dir in SYSTEM_DIRS {
        font_files(Path::new(dir), &mut files, 3);
    }
    files.sort();
    files.dedup();
    // The preferred families, regular and bold only (the weights the template uses).
    files.retain(|f| {
        let stem = f.file_stem().and_then(|n| n.to_str()).unwrap_or("");
        PREFERRED.iter().any(|p| stem.starts_with(p))
            && (stem.ends_with("-Regular") || stem.ends_with("-Bold"))
    });
    // CJK fonts are large (20–30 MB each): read and index them on parallel threads,
    // then keep the file order so the result does not depend on timing.
    let loaded: Vec<Vec<Font>> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .iter()
            .map(|f| {
                scope.spawn(move || {
                    let mut out = Vec::new();
                    if let Ok(data) = std::fs::read(f) {
                        faces(Bytes::new(data), false, &mut out);
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    fonts.extend(loaded.into_iter().flatten());
    // The fallback only when a Song-style or a Hei-style family is missing.
    let has = |families: &[&str]| {
        fonts.iter().any(|f| {
            families
                .iter()
                .take(2)
                .any(|w| f.info().family.eq_ignore_ascii_case(w))
        })
    };
    if !has(SERIF) || !has(SANS) {
        faces(Bytes::new(FALLBACK), true, &mut fonts);
    }
    Ok(fonts)
}

/// Only the embedded fallback (for tests of a machine without CJK fonts).
pub fn fallback_only() -> Vec<Font> {
    let mut fonts = Vec::new();
    faces(Bytes::new(FALLBACK), true, &mut fonts);
    fonts
}
