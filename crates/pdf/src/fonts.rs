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

/// The largest font file read (64 MB, decimal). The largest CJK fonts in use (Noto
/// CJK variable collections) are about 30 MB; a file over this is skipped, not read.
pub const MAX_FONT_BYTES: u64 = 64_000_000;

/// The most font data read from the `--font-dir` directories together (512 MB).
/// Every face of a user-given directory is kept in memory while the PDF is made;
/// files past this total are skipped.
pub const MAX_USER_FONT_BYTES: u64 = 512_000_000;

/// The most font files looked at in one `--font-dir` tree (subdirectories
/// included); further files are skipped.
pub const MAX_FONT_FILES: usize = 4_096;

/// The most faces read from one collection (`.ttc`/`.otc`): a collection header can
/// claim four billion faces, and each is tried in turn.
const MAX_FACES: u32 = 256;

/// A candidate font file that was not read, and why (in Chinese).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedFont {
    /// The path as found in the directory scan.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: String,
}

impl std::fmt::Display for SkippedFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "字体文件 {} 已跳过：{}",
            self.path.display(),
            self.reason
        )
    }
}

/// The fonts loaded, and the candidate files of the `--font-dir` directories that
/// were skipped (a FIFO, a device, a broken link, a file over [`MAX_FONT_BYTES`]…).
/// Skipped files of the system font directories are not listed.
pub struct LoadedFonts {
    /// The faces, in the order Typst should prefer them.
    pub fonts: Vec<Font>,
    /// What was not read, for a warning.
    pub skipped: Vec<SkippedFont>,
}

/// The font-name extensions looked at.
fn is_font_name(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "ttf" | "otf" | "ttc" | "otc"
        )
    })
}

/// The font files under `dir`, `depth` levels of subdirectories deep, in name order.
/// Symbolic links are followed, but every directory is visited once (by device and
/// inode), so a link loop or a hundred links to one directory cost nothing extra.
/// At most [`MAX_FONT_FILES`] names are collected. Whether each is a regular file is
/// checked when it is read ([`read_font`]).
///
/// Cost: one `stat` per directory entry; linear in the entries of the tree.
fn font_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    let mut seen = std::collections::HashSet::new();
    scan(dir, out, depth, &mut seen);
}

fn scan(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    depth: usize,
    seen: &mut std::collections::HashSet<(u64, u64)>,
) {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(dir) else {
        return;
    };
    if !meta.is_dir() || !seen.insert((meta.dev(), meta.ino())) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if out.len() >= MAX_FONT_FILES {
            return;
        }
        if p.is_dir() {
            if depth > 0 {
                scan(&p, out, depth - 1, seen);
            }
        } else if is_font_name(&p) {
            out.push(p);
        }
    }
}

/// `O_NONBLOCK` on Linux: opening a FIFO returns at once instead of waiting for a
/// writer (the handle is then refused as not a regular file).
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;

/// What a file system object that is not a regular file is, in Chinese.
fn not_regular(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "这是目录，不是文件"
    } else if t.is_fifo() {
        "这是命名管道（FIFO），不是普通文件"
    } else if t.is_socket() {
        "这是套接字，不是普通文件"
    } else if t.is_block_device() || t.is_char_device() {
        "这是设备文件，不是普通文件"
    } else {
        "不是普通文件"
    }
}

fn too_large(len: u64, cap: u64) -> String {
    format!(
        "文件过大（{} MB，上限 {} MB）",
        len.div_ceil(1_000_000),
        cap / 1_000_000
    )
}

/// Reads one font file, or says why not: it must be a regular file after following
/// symbolic links (a FIFO, socket, device such as `/dev/zero`, directory or broken
/// link is refused before it is opened), and at most `cap` bytes (≤
/// [`MAX_FONT_BYTES`]). The file is opened non-blocking and the opened handle is
/// checked again, so a FIFO swapped in after the check cannot hang the read; the
/// read itself is bounded at `cap` + 1 bytes, so a file that grows cannot exceed it.
///
/// Cost: one `stat`, one `open`, one `fstat`, one read of at most `cap` bytes.
pub fn read_font(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    read_capped(path, cap.min(MAX_FONT_BYTES))
}

/// [`read_font`] with any cap (the template named by `JUESUAN_TEMPLATE` is read so).
pub(crate) fn read_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在（或是断开的符号链接）".to_string(),
        _ if e.raw_os_error() == Some(40) => "符号链接循环，无法读取".to_string(),
        _ => format!("无法读取（{e}）"),
    })?;
    if !meta.is_file() {
        return Err(not_regular(&meta).to_string());
    }
    if meta.len() > cap {
        return Err(too_large(meta.len(), cap));
    }
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(O_NONBLOCK);
    }
    let file = o.open(path).map_err(|e| format!("无法打开（{e}）"))?;
    let opened = file.metadata().map_err(|e| format!("无法读取（{e}）"))?;
    if !opened.is_file() {
        return Err(not_regular(&opened).to_string());
    }
    let mut data = Vec::with_capacity(usize::try_from(opened.len().min(cap)).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|e| format!("无法读取（{e}）"))?;
    let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
    if len > cap {
        return Err(too_large(len, cap));
    }
    Ok(data)
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
/// wanted ones are parsed in full, which keeps start-up fast. The number of faces
/// tried is what the file can hold (a 4-byte offset each) and at most 256, whatever
/// its header claims.
fn faces(data: Bytes, all: bool, out: &mut Vec<Font>) {
    let room = u32::try_from(data.len().saturating_sub(12) / 4).unwrap_or(u32::MAX);
    let count = ttf_parser::fonts_in_collection(&data)
        .map_or(1, |n| n.min(room))
        .min(MAX_FACES);
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
    load_all(extra).map(|l| l.fonts)
}

/// [`load`], also returning the candidate files of `extra` that were skipped.
///
/// Every candidate (a `.ttf`/`.otf`/`.ttc`/`.otc` name, found at most four levels
/// deep, each directory visited once) is read by [`read_font`]: only a regular file
/// (after following links) of at most [`MAX_FONT_BYTES`] is read, through a bounded
/// reader; anything else — a FIFO, a socket, a device such as `/dev/zero`, a broken
/// or looping link, a file too large — is skipped, as fontconfig skips what is not a
/// font, and listed in [`LoadedFonts::skipped`] so the caller can warn. The files of
/// the `extra` directories together are read up to [`MAX_USER_FONT_BYTES`]; at most
/// [`MAX_FONT_FILES`] names are looked at per directory. Nothing here waits on a
/// writer or reads without limit.
pub fn load_all(extra: &[PathBuf]) -> Result<LoadedFonts, FontError> {
    let mut fonts = Vec::new();
    let mut skipped = Vec::new();
    let mut budget = MAX_USER_FONT_BYTES;
    for dir in extra {
        if !dir.is_dir() {
            return Err(FontError::MissingDir(dir.display().to_string()));
        }
        let mut files = Vec::new();
        font_files(dir, &mut files, 4);
        for f in files {
            match read_font(&f, budget) {
                Ok(data) => {
                    budget = budget
                        .saturating_sub(u64::try_from(data.len()).unwrap_or(u64::MAX));
                    faces(Bytes::new(data), true, &mut fonts);
                }
                Err(reason) => skipped.push(SkippedFont {
                    path: f,
                    reason: if budget < MAX_FONT_BYTES && reason.starts_with("文件过大") {
                        format!(
                            "{reason}：各 --font-dir 的字体合计最多读取 {} MB，前面的字体已用去其余",
                            MAX_USER_FONT_BYTES / 1_000_000
                        )
                    } else {
                        reason
                    },
                }),
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
                    if let Ok(data) = read_font(f, MAX_FONT_BYTES) {
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
    Ok(LoadedFonts { fonts, skipped })
}

/// Only the embedded fallback (for tests of a machine without CJK fonts).
pub fn fallback_only() -> Vec<Font> {
    let mut fonts = Vec::new();
    faces(Bytes::new(FALLBACK), true, &mut fonts);
    fonts
}
