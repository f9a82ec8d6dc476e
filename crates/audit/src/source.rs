//! Reading a published report: a PDF through poppler's `pdftotext -layout`, or text
//! already extracted from one (UTF-8, or UTF-16 with or without a byte-order mark).
//! Every line keeps its page and line number so a finding can quote it.
//!
//! Every input goes through one guard, [`open_checked`], before a byte of it is read:
//!
//! - it must be a regular file after following symbolic links: a broken or looping
//!   link, a directory, a FIFO, a socket or a device (`/dev/zero`) is refused with a
//!   Chinese message naming the path. The type is checked on the path's metadata
//!   *before* it is opened (opening a FIFO would wait for a writer), the file is then
//!   opened non-blocking and checked again on the handle;
//! - it must be within its kind's size cap: text [`TEXT_CAP_MB`] MB, PDF
//!   [`PDF_CAP_MB`] MB, both overridden by the environment variable [`CAP_ENV`]
//!   (`JUESUAN_MAX_AUDIT_MB`, whole megabytes); text is read through a reader
//!   bounded at the cap, so a file that grows while it is read cannot exceed it, and
//!   the text `pdftotext` extracts is held to the text cap too;
//! - `pdfinfo` and `pdftotext` run under a time limit of [`DEFAULT_TIMEOUT_SECS`]
//!   seconds each (environment variable [`TIMEOUT_ENV`], `JUESUAN_PDFTOTEXT_TIMEOUT`,
//!   whole seconds), killed when it expires, with a message that says so.
//!
//! Text: a UTF-8 or UTF-16 byte-order mark is dropped; UTF-16 is recognised by its
//! mark or, without one, by NUL bytes all on one side of each byte pair; line
//! endings `\r\n` and a lone `\r` are both a line end.
//!
//! Cost: one `stat`, one `open`, one `fstat` and one bounded read; decoding, the
//! line-ending normalisation and the split into lines are each one pass: time and
//! memory linear in the size of the text (the lines hold one copy of it).

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One line of extracted text.
#[derive(Clone, Debug)]
pub struct Line {
    /// The text, as extracted.
    pub text: String,
    /// 1-based page (form feeds in the extracted text separate pages; 1 for text
    /// without them).
    pub page: u32,
    /// 1-based line number in the extracted text.
    pub no: usize,
    /// 1-based line number within its page.
    pub in_page: usize,
    /// The page number its page's footer prints (`-55-`, `第 55 页`, `55`), when
    /// it prints one: findings name it beside the page's index in the file.
    pub printed: Option<u32>,
}

/// What the input was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A PDF, read with `pdftotext -layout`.
    Pdf,
    /// Text extracted from a PDF.
    Text,
}

/// A report's text.
#[derive(Clone, Debug)]
pub struct Source {
    /// The path as given.
    pub path: String,
    /// PDF or text.
    pub kind: SourceKind,
    /// Lines in order.
    pub lines: Vec<Line>,
    /// Pages.
    pub pages: u32,
}

/// The default size cap of a text input, in MB (decimal megabytes): a report's
/// extracted text is well under 1 MB; 20 MB is the workbook's cap too.
pub const TEXT_CAP_MB: u64 = 20;
/// The default size cap of a PDF input, in MB: a scanned 500-page report stays
/// under it.
pub const PDF_CAP_MB: u64 = 200;
/// Overrides both size caps: a positive whole number of MB.
pub const CAP_ENV: &str = "JUESUAN_MAX_AUDIT_MB";
/// The default time limit of each `pdftotext` or `pdfinfo` process, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Overrides the time limit of each `pdftotext` or `pdfinfo` process: a positive
/// whole number of seconds.
pub const TIMEOUT_ENV: &str = "JUESUAN_PDFTOTEXT_TIMEOUT";

/// What an input is, for its size cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// Extracted text.
    Text,
    /// A PDF.
    Pdf,
}

impl InputKind {
    /// The cap in bytes: [`CAP_ENV`] when set to a positive whole number of MB, else
    /// [`TEXT_CAP_MB`] or [`PDF_CAP_MB`].
    pub fn cap(self) -> u64 {
        let default = match self {
            InputKind::Text => TEXT_CAP_MB,
            InputKind::Pdf => PDF_CAP_MB,
        };
        positive_env(CAP_ENV)
            .unwrap_or(default)
            .saturating_mul(1_000_000)
    }

    fn label(self) -> &'static str {
        match self {
            InputKind::Text => "文本",
            InputKind::Pdf => "PDF",
        }
    }
}

/// A positive whole number from the environment.
fn positive_env(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
}

/// The time limit of one external process: [`TIMEOUT_ENV`] or
/// [`DEFAULT_TIMEOUT_SECS`].
pub fn timeout() -> Duration {
    Duration::from_secs(positive_env(TIMEOUT_ENV).unwrap_or(DEFAULT_TIMEOUT_SECS))
}

/// Why an input cannot be audited. `Display` is the Chinese message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    /// No such file.
    #[error("{0}：文件不存在或无法读取")]
    Missing(String),
    /// It exists but cannot be read (permission, a link loop …).
    #[error("{path}：{why}")]
    Unreadable {
        /// File.
        path: String,
        /// Why, in Chinese.
        why: String,
    },
    /// A symbolic link to nothing.
    #[error("{0}：符号链接指向的文件不存在（断开的链接）")]
    BrokenLink(String),
    /// A directory, FIFO, socket or device.
    #[error("{path}：{what}")]
    NotRegular {
        /// File.
        path: String,
        /// What it is, in Chinese.
        what: String,
    },
    /// Over its kind's size cap.
    #[error(
        "{path}：文件过大（{size_mb} MB，{kind}的上限为 {cap_mb} MB），已拒绝读取：决算公开报告不会这么大，请检查是否选错了文件；确需审计更大的文件时，设置环境变量 {CAP_ENV}（单位 MB）"
    )]
    TooLarge {
        /// File.
        path: String,
        /// Its size, MB rounded up.
        size_mb: u64,
        /// The cap, MB.
        cap_mb: u64,
        /// 文本 or PDF.
        kind: &'static str,
    },
    /// The text `pdftotext` extracted is over the text cap.
    #[error(
        "{path}：从 PDF 提取出的文字超过 {cap_mb} MB，已停止读取：文件可能已损坏；确需审计时，设置环境变量 {CAP_ENV}（单位 MB）"
    )]
    ExtractedTooLarge {
        /// File.
        path: String,
        /// The cap, MB.
        cap_mb: u64,
    },
    /// An empty file.
    #[error("{0}：文件是空的")]
    Empty(String),
    /// Text that is not UTF-8.
    #[error("{path}：文件不是 UTF-8 编码{}。请先转换，例如：iconv -f GB18030 -t UTF-8 原文件 > 新文件", if *.gbk { "（看起来是 GBK/GB18030）" } else { "" })]
    NotUtf8 {
        /// File.
        path: String,
        /// It decodes as GBK/GB18030.
        gbk: bool,
    },
    /// UTF-16 that does not decode.
    #[error(
        "{0}：文本是 UTF-16 编码，但其中有无法解读的字节。请转存为 UTF-8，例如：iconv -f UTF-16 -t UTF-8 原文件 > 新文件"
    )]
    BadUtf16(String),
    /// A binary file that is not a PDF.
    #[error("{0}：既不是 PDF 也不是文本文件")]
    NotPdf(String),
    /// poppler is not installed.
    #[error("未找到 pdftotext（poppler-utils）。请先安装：apt-get install poppler-utils")]
    PdftotextMissing,
    /// The PDF needs a password.
    #[error(
        "{0}：PDF 已加密（设有打开密码），无法读取文字。请使用未加密的文件，或用密码解除加密后再审计（如 qpdf --password=密码 --decrypt 原文件 新文件）"
    )]
    Encrypted(String),
    /// pdftotext could not read it.
    #[error("{path}：PDF 已损坏，无法读取（pdftotext：{detail}）")]
    Corrupt {
        /// File.
        path: String,
        /// What pdftotext said.
        detail: String,
    },
    /// pdftotext or pdfinfo ran over its time limit and was killed.
    #[error(
        "{path}：{tool} 在 {secs} 秒内未完成，已终止：文件可能过大或已损坏（确需更长时间时，设置环境变量 {TIMEOUT_ENV}，单位秒）"
    )]
    Timeout {
        /// File.
        path: String,
        /// `pdftotext` or `pdfinfo`.
        tool: &'static str,
        /// The limit, seconds.
        secs: u64,
    },
    /// A PDF of images: nothing to read without OCR.
    #[error(
        "{path}：PDF 共 {pages} 页，但几乎没有可提取的文字，可能是扫描件，需要先做文字识别（OCR）"
    )]
    Scanned {
        /// File.
        path: String,
        /// Pages.
        pages: u32,
    },
}

/// What a file system object that is not a regular file is, in Chinese: the
/// input side's words, with what to give instead of a directory.
fn not_regular(t: std::fs::FileType) -> &'static str {
    if t.is_dir() {
        "这是目录，不是文件：请给出要审计的 PDF 或文本文件"
    } else {
        juesuan_ingest::guard::describe(t)
    }
}

/// Why a path cannot be read, as a [`ReadError`].
fn io_error(shown: &str, e: &std::io::Error) -> ReadError {
    use std::io::ErrorKind as K;
    let why = match e.kind() {
        K::NotFound => return ReadError::Missing(shown.to_string()),
        K::PermissionDenied => "没有读取权限".to_string(),
        K::IsADirectory => "这是目录，不是文件".to_string(),
        // ELOOP
        _ if e.raw_os_error() == Some(40) => {
            "符号链接循环（链接指向自己或互相指向），无法读取".to_string()
        }
        _ => format!("无法读取（{e}）"),
    };
    ReadError::Unreadable {
        path: shown.to_string(),
        why,
    }
}

fn too_large(shown: &str, len: u64, cap: u64, kind: InputKind) -> ReadError {
    ReadError::TooLarge {
        path: shown.to_string(),
        size_mb: len.div_ceil(1_000_000),
        cap_mb: cap / 1_000_000,
        kind: kind.label(),
    }
}

/// The one guard of every input of the audit: refuses anything but a regular file
/// (after following symbolic links; the type is checked before opening, so a FIFO
/// cannot hang the open) and anything longer than `cap` bytes, then opens it
/// non-blocking and checks the handle again. Returns the file and its length.
pub fn open_checked(
    path: &Path,
    shown: &str,
    cap: u64,
    kind: InputKind,
) -> Result<(File, u64), ReadError> {
    use juesuan_ingest::guard::Refusal;
    let (file, len) = juesuan_ingest::guard::open_regular(path).map_err(|r| match r {
        Refusal::Io(e) => io_error(shown, &e),
        Refusal::BrokenLink => ReadError::BrokenLink(shown.to_string()),
        Refusal::NotRegular(t) => ReadError::NotRegular {
            path: shown.to_string(),
            what: not_regular(t).to_string(),
        },
    })?;
    if len > cap {
        return Err(too_large(shown, len, cap, kind));
    }
    Ok((file, len))
}

/// Reads at most `cap` bytes more from `r` after `head`; more is [`ReadError::TooLarge`].
fn read_bounded(
    r: &mut impl Read,
    mut head: Vec<u8>,
    shown: &str,
    cap: u64,
    kind: InputKind,
) -> Result<Vec<u8>, ReadError> {
    let have = u64::try_from(head.len()).unwrap_or(u64::MAX);
    r.take(cap.saturating_sub(have).saturating_add(1))
        .read_to_end(&mut head)
        .map_err(|e| io_error(shown, &e))?;
    let len = u64::try_from(head.len()).unwrap_or(u64::MAX);
    if len > cap {
        return Err(too_large(shown, len, cap, kind));
    }
    Ok(head)
}

/// True when the bytes look like GBK/GB18030 Chinese: lead bytes 0x81–0xFE each
/// followed by a trail byte 0x40–0xFE (not 0x7F), and no invalid sequence.
fn looks_gbk(bytes: &[u8]) -> bool {
    let mut i = 0;
    let mut pairs = 0;
    while let Some(&b) = bytes.get(i) {
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0x81..=0xFE).contains(&b) && (0x40..=0xFE).contains(&t) && t != 0x7F => {
                pairs += 1;
                i += 2;
            }
            _ => return false,
        }
    }
    pairs > 0
}

/// UTF-16 by its byte-order mark, or without one by its NUL bytes: text in UTF-16
/// has a NUL in every ASCII character (spaces, digits, line ends), all on the same
/// side of the byte pair. `Some(true)` little-endian, `Some(false)` big-endian, and
/// the bytes after the mark.
fn utf16_order(bytes: &[u8]) -> Option<(bool, &[u8])> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Some((true, rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Some((false, rest));
    }
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in bytes.iter().enumerate() {
        if *b == 0 {
            if i.is_multiple_of(2) {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    let pairs = bytes.len() / 2;
    // Most of a report's characters are ASCII (spaces, digits): at least one pair in
    // eight has a NUL on the ASCII side; the other side has a NUL only in the few
    // characters U+xx00 (`一` is 4E00). Decoding then has the last word.
    if odd * 8 >= pairs && even * 4 < odd {
        Some((true, bytes))
    } else if even * 8 >= pairs && odd * 4 < even {
        Some((false, bytes))
    } else {
        None
    }
}

/// Decodes UTF-16 (`le` little-endian); `None` on an unpaired surrogate.
fn decode_utf16(bytes: &[u8], le: bool) -> Option<String> {
    let units = bytes.chunks_exact(2).map(|p| match (p, le) {
        ([a, b], true) => u16::from_le_bytes([*a, *b]),
        ([a, b], false) => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .ok()
}

/// `\r\n` and a lone `\r` become `\n` (one pass; the text is borrowed when it has
/// no `\r`).
fn normalize_newlines(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('\r') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The page number a footer line prints — `-55-`, `- 55 -`, `—55—`, `第55页`,
/// `第 55 页（共 60 页）` — and whether it was the number alone (`55`), which
/// only the page's last line may be.
fn footer_number(line: &str) -> Option<(u32, bool)> {
    let t: String = line.chars().filter(|c| !c.is_whitespace()).collect();
    let t = t.split(['（', '(', '/']).next().unwrap_or("");
    let (t, marked) = match t.strip_prefix('第').and_then(|r| r.strip_suffix('页')) {
        Some(n) => (n, true),
        None => {
            let n = t.trim_matches(|c| matches!(c, '-' | '—' | '－' | '–'));
            (n, n.len() < t.len())
        }
    };
    if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok().map(|n| (n, !marked))
}

/// Sets each line's [`Line::printed`]: the page number among the last three
/// non-empty lines of its page (the footer), the lowest such line winning; a
/// number alone counts only on the last line.
fn number_pages(lines: &mut [Line]) {
    let mut start = 0;
    while start < lines.len() {
        let page = lines[start].page;
        let end = lines[start..]
            .iter()
            .position(|l| l.page != page)
            .map_or(lines.len(), |n| start + n);
        let printed = lines[start..end]
            .iter()
            .rev()
            .filter(|l| !l.text.trim().is_empty())
            .take(3)
            .enumerate()
            .find_map(|(i, l)| match footer_number(&l.text) {
                Some((n, alone)) if !alone || i == 0 => Some(n),
                _ => None,
            });
        for l in &mut lines[start..end] {
            l.printed = printed;
        }
        start = end;
    }
}

/// Lines and pages of a text whose line ends are `\n` (one pass).
fn split(text: &str) -> (Vec<Line>, u32) {
    let mut lines = Vec::new();
    let mut page = 1u32;
    let mut in_page = 0usize;
    for (no, raw) in (1usize..).zip(text.split('\n')) {
        in_page += 1;
        let mut rest = raw;
        while let Some((before, after)) = rest.split_once('\u{c}') {
            if !before.trim().is_empty() {
                lines.push(Line {
                    text: before.trim_end().to_string(),
                    page,
                    no,
                    in_page,
                    printed: None,
                });
            }
            page = page.saturating_add(1);
            in_page = 1;
            rest = after;
        }
        lines.push(Line {
            text: rest.trim_end().to_string(),
            page,
            no,
            in_page,
            printed: None,
        });
    }
    if page > 1 {
        number_pages(&mut lines);
    }
    // A trailing form feed ends the last page; it does not start a new one.
    let pages = if text.trim_end().ends_with('\u{c}') || text.ends_with('\u{c}') {
        page.saturating_sub(1).max(1)
    } else {
        page
    };
    (lines, pages)
}

/// Reads text extracted from a PDF: UTF-8 (a byte-order mark is dropped) or UTF-16
/// (by its mark, or by its NUL bytes); every line ending is a line end.
pub fn from_text(path: &str, bytes: &[u8]) -> Result<Source, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty(path.to_string()));
    }
    let decoded;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if memchr::memchr(0, bytes).is_none() => t.strip_prefix('\u{feff}').unwrap_or(t),
        _ => {
            if let Some((le, body)) = utf16_order(bytes) {
                decoded =
                    decode_utf16(body, le).ok_or_else(|| ReadError::BadUtf16(path.to_string()))?;
                let t = decoded.strip_prefix('\u{feff}').unwrap_or(&decoded);
                // Binary data can pass for UTF-16; text has no control characters
                // but tab, line ends and form feeds.
                if t.chars()
                    .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
                {
                    return Err(ReadError::NotPdf(path.to_string()));
                }
                if t.trim().is_empty() {
                    return Err(ReadError::Empty(path.to_string()));
                }
                t
            } else if memchr::memchr(0, bytes).is_some() {
                return Err(ReadError::NotPdf(path.to_string()));
            } else {
                return Err(ReadError::NotUtf8 {
                    path: path.to_string(),
                    gbk: looks_gbk(bytes),
                });
            }
        }
    };
    if text.contains('\0') {
        return Err(ReadError::NotPdf(path.to_string()));
    }
    let text = normalize_newlines(text);
    let (lines, pages) = split(&text);
    Ok(Source {
        path: path.to_string(),
        kind: SourceKind::Text,
        lines,
        pages,
    })
}

/// Runs `pdftotext -layout` on a PDF (its pages counted by `pdfinfo`).
pub fn from_pdf(path: &str) -> Result<Source, ReadError> {
    let pages = pdf_pages(path)?.unwrap_or(0);
    from_pdf_pages(path, pages)
}

/// What a bounded process printed.
struct Ran {
    ok: bool,
    stdout: Vec<u8>,
    stderr: String,
}

/// Runs `cmd` (stdin closed) under the time limit [`timeout`], keeping at most
/// `out_cap` bytes of its output: over the limit it is killed
/// ([`ReadError::Timeout`]), over the cap killed too ([`ReadError::ExtractedTooLarge`]).
/// The process is polled with `try_wait` (every few milliseconds) while two threads
/// drain its pipes, so neither a full pipe nor a hung process can block the audit;
/// the output reader drops the pipe at the cap, which ends a process still writing.
fn run_bounded(
    mut cmd: Command,
    tool: &'static str,
    shown: &str,
    out_cap: u64,
) -> Result<Ran, ReadError> {
    let limit = timeout();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::PdftotextMissing,
        _ => ReadError::Corrupt {
            path: shown.to_string(),
            detail: e.to_string(),
        },
    })?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stdout {
            // An error reading the pipe leaves what was read; the exit status tells.
            let _ = s.take(out_cap.saturating_add(1)).read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(s) = stderr {
            let _ = s.take(64 * 1024).read_to_end(&mut buf);
        }
        buf
    });
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    let kill = |child: &mut std::process::Child| {
        let _ = child.kill();
        let _ = child.wait();
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                kill(&mut child);
                return Err(ReadError::Corrupt {
                    path: shown.to_string(),
                    detail: e.to_string(),
                });
            }
        }
        if start.elapsed() >= limit {
            kill(&mut child);
            return Err(ReadError::Timeout {
                path: shown.to_string(),
                tool,
                secs: limit.as_secs(),
            });
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    if u64::try_from(stdout.len()).unwrap_or(u64::MAX) > out_cap {
        return Err(ReadError::ExtractedTooLarge {
            path: shown.to_string(),
            cap_mb: out_cap / 1_000_000,
        });
    }
    Ok(Ran {
        ok: status.success(),
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    })
}

/// `pdftotext -layout` of pages `first..=last` (all when `None`): its text, or the error
/// it reports. Time-bounded and its output held to the text cap ([`run_bounded`]).
fn pdftotext(path: &str, range: Option<(usize, Option<usize>)>) -> Result<Vec<u8>, ReadError> {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-layout", "-enc", "UTF-8"]);
    if let Some((first, last)) = range {
        cmd.args(["-f", &first.to_string()]);
        if let Some(last) = last {
            cmd.args(["-l", &last.to_string()]);
        }
    }
    cmd.args([path, "-"]);
    let out = run_bounded(cmd, "pdftotext", path, InputKind::Text.cap())?;
    if out.ok {
        return Ok(out.stdout);
    }
    if out.stderr.contains("password") || out.stderr.contains("Password") {
        return Err(ReadError::Encrypted(path.to_string()));
    }
    let detail = out
        .stderr
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("无输出")
        .trim()
        .to_string();
    Err(ReadError::Corrupt {
        path: path.to_string(),
        detail,
    })
}

/// The number of pages of a PDF as poppler's `pdfinfo` counts them (the same reader
/// `pdftotext` uses, so the count agrees with what it extracts), time-bounded like
/// `pdftotext`. `None` when `pdfinfo` is not installed or cannot read the file
/// (encrypted, damaged): the caller then reads the PDF with one `pdftotext`
/// process, whose own error is the one reported.
pub fn pdf_pages(path: &str) -> Result<Option<usize>, ReadError> {
    let mut cmd = Command::new("pdfinfo");
    cmd.arg(path);
    let out = match run_bounded(cmd, "pdfinfo", path, 1_000_000) {
        Ok(out) => out,
        Err(e @ ReadError::Timeout { .. }) => return Err(e),
        Err(_) => return Ok(None),
    };
    if !out.ok {
        return Ok(None);
    }
    Ok(String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
        l.strip_prefix("Pages:")
            .and_then(|n| n.trim().parse::<usize>().ok())
    }))
}

/// The text of a PDF of `pages` pages (as [`pdf_pages`] counts them; 0 when not
/// known). Two `pdftotext` processes, one for each half of the pages, run side by
/// side when there are enough pages to gain from it (each page's layout is
/// independent, so the halves joined are the whole text); if either fails — the
/// count was wrong, the file is damaged or encrypted — one process reads the whole
/// file and its error is the one reported.
pub fn from_pdf_pages(path: &str, pages: usize) -> Result<Source, ReadError> {
    let halves = if pages >= 8 {
        let k = pages / 2;
        std::thread::scope(|s| {
            let a = s.spawn(|| pdftotext(path, Some((1, Some(k)))));
            let b = pdftotext(path, Some((k + 1, None)));
            match (a.join(), b) {
                (Ok(Ok(mut a)), Ok(b)) => {
                    a.extend_from_slice(&b);
                    Some(Ok(a))
                }
                // A process killed for its time or its output is not retried.
                (Ok(Err(e)), _) | (_, Err(e))
                    if matches!(
                        e,
                        ReadError::Timeout { .. } | ReadError::ExtractedTooLarge { .. }
                    ) =>
                {
                    Some(Err(e))
                }
                _ => None,
            }
        })
    } else {
        None
    };
    let stdout = match halves {
        Some(t) => t?,
        None => pdftotext(path, None)?,
    };
    let cap = InputKind::Text.cap();
    if u64::try_from(stdout.len()).unwrap_or(u64::MAX) > cap {
        return Err(ReadError::ExtractedTooLarge {
            path: path.to_string(),
            cap_mb: cap / 1_000_000,
        });
    }
    let text = String::from_utf8_lossy(&stdout);
    let text = normalize_newlines(&text);
    // pdftotext ends every page with a form feed: the pages it read.
    let (lines, pages) = split(&text);
    let letters = text.chars().filter(|c| !c.is_whitespace()).count();
    // Fewer than twenty readable characters a page: images, not text.
    if u32::try_from(letters).unwrap_or(u32::MAX) < pages.saturating_mul(20) {
        return Err(ReadError::Scanned {
            path: path.to_string(),
            pages,
        });
    }
    Ok(Source {
        path: path.to_string(),
        kind: SourceKind::Pdf,
        lines,
        pages,
    })
}

/// Reads a report from a path: a PDF (by its `%PDF` header, whatever its name) or text.
/// The path goes through [`open_checked`] first; text is read through a reader bounded
/// at the text cap; a PDF's pages are counted by `pdfinfo` and its text extracted by
/// `pdftotext`, both time-bounded.
pub fn read(path: &Path) -> Result<Source, ReadError> {
    let shown = path.display().to_string();
    let largest = InputKind::Pdf.cap().max(InputKind::Text.cap());
    let (mut file, len) = open_checked(path, &shown, largest, InputKind::Pdf)?;
    let mut head = Vec::with_capacity(8);
    (&mut file)
        .take(8)
        .read_to_end(&mut head)
        .map_err(|e| io_error(&shown, &e))?;
    if head.is_empty() {
        return Err(ReadError::Empty(shown));
    }
    if head.starts_with(b"%PDF") {
        let cap = InputKind::Pdf.cap();
        if len > cap {
            return Err(too_large(&shown, len, cap, InputKind::Pdf));
        }
        drop(file);
        let pages = pdf_pages(&shown)?.unwrap_or(0);
        return from_pdf_pages(&shown, pages);
    }
    let cap = InputKind::Text.cap();
    if len > cap {
        return Err(too_large(&shown, len, cap, InputKind::Text));
    }
    let bytes = read_bounded(&mut file, head, &shown, cap, InputKind::Text)?;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        && memchr::memchr(0, &bytes).is_some()
        && utf16_order(&bytes).is_none()
    {
        return Err(ReadError::Corrupt {
            path: shown,
            detail: "文件头不是 %PDF".to_string(),
        });
    }
    from_text(&shown, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_lines() {
        let s = from_text("x", "a\nb\u{c}c\n\u{c}".as_bytes()).unwrap();
        assert_eq!(s.pages, 2);
        let pages: Vec<(u32, &str)> = s.lines.iter().map(|l| (l.page, l.text.as_str())).collect();
        assert_eq!(pages, [(1, "a"), (1, "b"), (2, "c"), (3, "")]);
    }

    #[test]
    fn bad_text() {
        assert_eq!(
            from_text("x", b"  \n").err(),
            Some(ReadError::Empty("x".into()))
        );
        // “收入” in GBK.
        let gbk = [0xCA, 0xD5, 0xC8, 0xEB];
        assert_eq!(
            from_text("x", &gbk).err(),
            Some(ReadError::NotUtf8 {
                path: "x".into(),
                gbk: true
            })
        );
        assert!(from_text("x", &[0xFF, 0x00, 0x01]).is_err());
    }

    #[test]
    fn utf16_text_is_read_or_named() {
        let text = "收入决算表\n金额单位：元\n合计 12.00\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let lines = |s: Source| -> Vec<String> { s.lines.into_iter().map(|l| l.text).collect() };
        let want = ["收入决算表", "金额单位：元", "合计 12.00", ""];
        for bytes in [
            [b"\xFF\xFE".as_slice(), &le].concat(),
            [b"\xFE\xFF".as_slice(), &be].concat(),
            le.clone(),
            be.clone(),
        ] {
            assert_eq!(lines(from_text("x", &bytes).unwrap()), want);
        }
        // An unpaired surrogate: named as UTF-16, not as "not a text file".
        let mut bad = b"\xFF\xFE".to_vec();
        bad.extend_from_slice(&le);
        bad.extend_from_slice(&0xD800u16.to_le_bytes());
        bad.extend_from_slice(&le);
        let e = from_text("x", &bad).unwrap_err();
        assert_eq!(e, ReadError::BadUtf16("x".into()));
        assert!(e.to_string().contains("UTF-16"));
    }

    #[test]
    fn cr_only_line_endings_are_lines() {
        for text in ["a\rb\rc", "a\r\nb\r\nc", "a\nb\rc"] {
            let s = from_text("x", text.as_bytes()).unwrap();
            let got: Vec<(usize, &str)> = s.lines.iter().map(|l| (l.no, l.text.as_str())).collect();
            assert_eq!(got, [(1, "a"), (2, "b"), (3, "c")], "{text:?}");
        }
    }
}

#[cfg(test)]
mod footer_tests {
    use super::*;

    #[test]
    fn footers_number_their_pages() {
        for (line, n) in [
            ("      -55-", Some((55, false))),
            ("- 3 -", Some((3, false))),
            ("—12—", Some((12, false))),
            ("第 7 页（共 60 页）", Some((7, false))),
            ("第7页", Some((7, false))),
            ("  42  ", Some((42, true))),
            ("2022年单位决算公开报告", None),
            ("12345", None),
            ("合计 100", None),
        ] {
            assert_eq!(footer_number(line), n, "{line}");
        }
    }

    #[test]
    fn each_page_takes_its_own_footer() {
        // A cover with no number, then pages whose footers read -1- and -2-.
        // A number alone counts only as the page's last line.
        let text = "封面\n\n\u{c}正文第一页\n表格 1,234.00\n-1-\n某局2022年报告\n\u{c}第二页\n2\n\u{c}表\n4\n某局\n";
        let (lines, pages) = split(text);
        assert_eq!(pages, 4);
        let on = |p: u32| lines.iter().find(|l| l.page == p).and_then(|l| l.printed);
        assert_eq!((on(1), on(2), on(3), on(4)), (None, Some(1), Some(2), None));
        let l = lines.iter().find(|l| l.text.contains("1,234.00")).unwrap();
        let s = crate::assemble::source("r.pdf", l, None, true);
        assert_eq!(s.file, "r.pdf 第2页（页脚页码 -1-）");
    }
}
