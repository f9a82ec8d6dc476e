//! Fonts for the PDF. The template asks for two lists of families, best first: a
//! Song-style face for the text and a Hei-style face for headings. Each list is
//!
//! 1. the families the profile names (`[fonts]` in `profile.toml`: SimSun, 仿宋_GB2312,
//!    SimHei…), where installed or found under `--font-dir`;
//! 2. Noto CJK SC or Source Han SC, where installed;
//! 3. the embedded faces: subsets of Noto Serif CJK SC (Regular, Bold) and Noto Sans
//!    CJK SC (Bold), renamed "Juesuan Serif SC" / "Juesuan Sans SC" (OFL 1.1,
//!    `crates/pdf/fonts/`, made by `scripts/subset-fonts.py`), covering GB 2312 and
//!    every character of the profiles and the example: 10.7 MB in the binary (the
//!    WenQuanYi Micro Hei they replace weighed 5.2 MB).
//!
//! With `--embedded-fonts-only` only 3 is used, so two machines make the same bytes.
//! Installed fonts are found by their family names (any language: “宋体” finds
//! SimSun) through an index of the system's font files that reads name tables only;
//! a file is read in full only when a document asks for its family. Only the glyphs
//! used are embedded in a PDF (Typst subsets fonts).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use typst::foundations::Bytes;
use typst::text::Font;

/// The embedded faces: (file bytes).
static EMBEDDED: [&[u8]; 3] = [
    include_bytes!("../fonts/JuesuanNotoSerifSC-Regular.otf"),
    include_bytes!("../fonts/JuesuanNotoSerifSC-Bold.otf"),
    include_bytes!("../fonts/JuesuanNotoSansSC-Bold.otf"),
];

/// The embedded Song-style family.
pub const EMBEDDED_SERIF: &str = "Juesuan Serif SC";
/// The embedded Hei-style family.
pub const EMBEDDED_SANS: &str = "Juesuan Sans SC";

/// Installed families looked for after the profile's, before the embedded ones.
const DEFAULT_SERIF: &[&str] = &["Noto Serif CJK SC", "Source Han Serif SC"];
/// Heading families looked for after the profile's.
const DEFAULT_SANS: &[&str] = &["Noto Sans CJK SC", "Source Han Sans SC"];

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
    /// The library.
    pub fonts: Fonts,
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

/// The family names a face declares (typographic and legacy, every language).
fn family_names(font: &Font) -> Vec<String> {
    let face = ttf_parser::Face::parse(font.data(), font.index()).ok();
    let mut names: Vec<String> = face
        .iter()
        .flat_map(|f| f.names())
        .filter(|n| {
            n.name_id == ttf_parser::name_id::FAMILY
                || n.name_id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY
        })
        .filter_map(|n| n.to_string())
        .collect();
    names.push(font.info().family.clone());
    names.sort();
    names.dedup();
    names
}

/// Every face of a font file. A collection (.ttc) holds several; the number tried is
/// what the file can hold (a 4-byte offset each) and at most 256, whatever its
/// header claims.
fn faces(data: Bytes, out: &mut Vec<Font>) {
    let room = u32::try_from(data.len().saturating_sub(12) / 4).unwrap_or(u32::MAX);
    let count = ttf_parser::fonts_in_collection(&data)
        .map_or(1, |n| n.min(room))
        .min(MAX_FACES);
    for index in 0..count {
        if let Some(font) = Font::new(data.clone(), index) {
            out.push(font);
        }
    }
}

/// An installed face, known by its names until a document asks for it.
struct SystemFace {
    path: PathBuf,
    index: u32,
    families: Vec<String>,
    /// Regular (400) or bold (700): the weights the template uses. Other weights
    /// of an installed family are not read.
    plain_weight: bool,
}

/// Where the PDF's fonts come from: the faces of `--font-dir` (read), the
/// installed ones (indexed, read on first use and then kept), and the embedded
/// ones. Shared between documents (the platform loads it once per process).
pub struct FontLibrary {
    user: Vec<(Font, Vec<String>)>,
    system: Vec<SystemFace>,
    read: Mutex<HashMap<(PathBuf, u32), Option<Font>>>,
    embedded: Vec<Font>,
}

impl std::fmt::Debug for FontLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontLibrary")
            .field("user_faces", &self.user.len())
            .field("installed_faces", &self.system.len())
            .field("embedded_faces", &self.embedded.len())
            .finish()
    }
}

/// A font library shared by reference.
pub type Fonts = Arc<FontLibrary>;

/// The fonts chosen for one document: the faces to typeset with and the two
/// family lists the template uses, best first (each ending in the embedded one).
pub struct FontChoice {
    /// The faces (the chosen families' regular and bold faces, then the embedded).
    pub fonts: Vec<Font>,
    /// Families for the text.
    pub serif: Vec<String>,
    /// Families for headings.
    pub sans: Vec<String>,
}

impl FontLibrary {
    /// The embedded faces only (`--embedded-fonts-only`).
    pub fn embedded() -> FontLibrary {
        let mut embedded = Vec::new();
        for data in EMBEDDED {
            faces(Bytes::new(data), &mut embedded);
        }
        FontLibrary {
            user: Vec::new(),
            system: Vec::new(),
            read: Mutex::new(HashMap::new()),
            embedded,
        }
    }

    /// Every family this library can give (user, installed, embedded), for messages
    /// and tests.
    pub fn families(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .user
            .iter()
            .map(|(f, _)| f.info().family.clone())
            .chain(
                self.system
                    .iter()
                    .filter_map(|f| f.families.first().cloned()),
            )
            .chain(self.embedded.iter().map(|f| f.info().family.clone()))
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// An installed face, read on first use (bounded like every font read) and kept.
    fn system_face(&self, face: &SystemFace) -> Option<Font> {
        let key = (face.path.clone(), face.index);
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read.entry(key)
            .or_insert_with(|| {
                let data = read_font(&face.path, MAX_FONT_BYTES).ok()?;
                Font::new(Bytes::new(data), face.index)
            })
            .clone()
    }

    /// The faces of one wished-for family: the user's first, else the installed ones.
    fn family(&self, wish: &str) -> Vec<Font> {
        let matches = |names: &[String]| names.iter().any(|n| n.eq_ignore_ascii_case(wish));
        let user: Vec<Font> = self
            .user
            .iter()
            .filter(|(_, names)| matches(names))
            .map(|(f, _)| f.clone())
            .collect();
        if !user.is_empty() {
            return user;
        }
        let found: Vec<&SystemFace> = self
            .system
            .iter()
            .filter(|f| matches(&f.families))
            .collect();
        let plain: Vec<&SystemFace> = found.iter().copied().filter(|f| f.plain_weight).collect();
        let chosen = if plain.is_empty() { found } else { plain };
        chosen
            .into_iter()
            .filter_map(|f| self.system_face(f))
            .collect()
    }

    /// The fonts for a document whose profile wishes for `serif` (text) and `sans`
    /// (headings) families, in its order; the defaults and the embedded faces follow.
    pub fn choose(&self, serif: &[String], sans: &[String]) -> FontChoice {
        let mut fonts: Vec<Font> = Vec::new();
        let mut pick = |wishes: &[String], defaults: &[&str], embedded: &str| {
            let mut list: Vec<String> = Vec::new();
            let wanted = wishes
                .iter()
                .map(String::as_str)
                .chain(defaults.iter().copied());
            for wish in wanted {
                for font in self.family(wish) {
                    let family = font.info().family.clone();
                    if !list.contains(&family) {
                        list.push(family);
                    }
                    if !fonts.contains(&font) {
                        fonts.push(font);
                    }
                }
            }
            list.push(embedded.to_string());
            list
        };
        let serif = pick(serif, DEFAULT_SERIF, EMBEDDED_SERIF);
        let sans = pick(sans, DEFAULT_SANS, EMBEDDED_SANS);
        fonts.extend(self.embedded.iter().cloned());
        FontChoice { fonts, serif, sans }
    }
}

/// The fonts to typeset with: every font of `extra` directories, the installed ones
/// (indexed), and the embedded ones; with `embedded_only`, the embedded ones alone.
pub fn load(extra: &[PathBuf], embedded_only: bool) -> Result<Fonts, FontError> {
    load_all(extra, embedded_only).map(|l| l.fonts)
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
///
/// The installed fonts (the system's and the user's font directories, as
/// fontconfig lists them) are indexed by their name tables, memory-mapped, not
/// read; only the faces a document asks for are read, by [`read_font`].
pub fn load_all(extra: &[PathBuf], embedded_only: bool) -> Result<LoadedFonts, FontError> {
    let mut library = FontLibrary::embedded();
    let mut skipped = Vec::new();
    if embedded_only {
        return Ok(LoadedFonts {
            fonts: Arc::new(library),
            skipped,
        });
    }
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
                    let mut found = Vec::new();
                    faces(Bytes::new(data), &mut found);
                    library
                        .user
                        .extend(found.into_iter().map(|f| {
                            let names = family_names(&f);
                            (f, names)
                        }));
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
    library.system = system_faces();
    Ok(LoadedFonts {
        fonts: Arc::new(library),
        skipped,
    })
}

/// The installed faces, by name: fontdb's scan of the system's font directories
/// (fontconfig's list on Linux, plus the usual ones), which maps each file and reads
/// its name table only. Collections are listed face by face.
fn system_faces() -> Vec<SystemFace> {
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    let mut faces: Vec<SystemFace> = db
        .faces()
        .filter_map(|f| match &f.source {
            fontdb::Source::File(path) => Some(SystemFace {
                path: path.clone(),
                index: f.index,
                families: f.families.iter().map(|(n, _)| n.clone()).collect(),
                plain_weight: matches!(f.weight.0, 400 | 700) && f.style == fontdb::Style::Normal,
            }),
            _ => None,
        })
        .collect();
    // The same file found through two directories (a link) is listed once; the
    // order is the paths', whatever the scan's.
    faces.sort_by(|a, b| (&a.path, a.index).cmp(&(&b.path, b.index)));
    faces.dedup_by(|a, b| a.path == b.path && a.index == b.index);
    faces
}
