//! Fonts for the PDF: installed Noto CJK (Song-style serif for text, Hei-style sans for
//! headings, with real bold faces) when present, directories the user adds, and an
//! embedded fallback so a machine with no CJK font still gets correct Chinese.
//!
//! The fallback is WenQuanYi Micro Hei (Apache-2.0; `crates/pdf/fonts/`), compiled into
//! the binary. Only the glyphs used are embedded in a PDF (Typst subsets fonts).

use std::path::{Path, PathBuf};
use typst::foundations::Bytes;
use typst::text::{Font, FontInfo};

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

/// Loads the faces of a font file whose family is one we ask for (or all faces, for
/// user-given directories).
fn faces(data: Bytes, all: bool, out: &mut Vec<Font>) {
    for (index, info) in FontInfo::iter(&data).enumerate() {
        let wanted = all
            || SERIF
                .iter()
                .chain(SANS)
                .any(|f| info.family.eq_ignore_ascii_case(f));
        if wanted
            && let Some(font) = u32::try_from(index)
                .ok()
                .and_then(|i| Font::new(data.clone(), i))
        {
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
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if PREFERRED.iter().any(|p| name.starts_with(p))
            && let Ok(data) = std::fs::read(&f)
        {
            faces(Bytes::new(data), false, &mut fonts);
        }
    }
    faces(Bytes::new(FALLBACK), true, &mut fonts);
    Ok(fonts)
}

/// Only the embedded fallback (for tests of a machine without CJK fonts).
pub fn fallback_only() -> Vec<Font> {
    let mut fonts = Vec::new();
    faces(Bytes::new(FALLBACK), true, &mut fonts);
    fonts
}
