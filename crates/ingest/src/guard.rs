//! The one way an input file is read: checked before it is opened, bounded while it
//! is read, decoded once.
//!
//! Every file of a text directory (and, through [`read_file`], any other input a
//! caller names) goes through [`read_file`]:
//!
//! - it must be a regular file: a broken or looping symbolic link, a directory, a
//!   FIFO, a socket or a device (`/dev/zero`) is refused with a Chinese message
//!   naming the path — checked before anything is read, and again on the opened
//!   handle (opened non-blocking, so a FIFO swapped in between cannot hang us);
//! - it is read through a reader bounded at its kind's cap ([`Kind::cap`]), so a file
//!   that grows while it is read cannot exceed it either;
//! - [`decode_text`] accepts UTF-8 (with or without a byte-order mark) and names
//!   every other encoding it recognises (UTF-16, GBK, a PDF or a workbook given by
//!   mistake, binary data); line endings become `\n` (CRLF and lone CR alike);
//!   NUL and other C0 control characters except tab are refused with their line.
//!
//! Cost: one `stat`, one `open`, one `fstat`, one read of at most the cap; decoding
//! and the control-character scan are linear in the file's size.

use crate::error::InputError;
use juesuan_model::SourceRef;
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// What kind of input a file is; each kind has its own size cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A TOML or CSV file of a text directory (`report.toml`, `income.csv`,
    /// `projects/*.toml` …): 20 MB, the same order as the workbook's cap.
    TextDir,
    /// A stated 情况说明 given to `check --narrative`: 20 MB.
    Narrative,
}

/// The environment variable that overrides every cap of this module, in MB
/// (decimal megabytes, as the messages state them).
pub const CAP_ENV: &str = "JUESUAN_MAX_INPUT_MB";

impl Kind {
    /// The default cap in bytes.
    pub const fn default_cap(self) -> u64 {
        match self {
            Kind::TextDir | Kind::Narrative => 20_000_000,
        }
    }

    /// The cap in force: [`CAP_ENV`] when set to a positive whole number of MB,
    /// else [`Kind::default_cap`].
    pub fn cap(self) -> u64 {
        std::env::var(CAP_ENV)
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|mb| *mb > 0)
            .map_or(self.default_cap(), |mb| mb.saturating_mul(1_000_000))
    }
}

/// Whether anything is at `path` at all — a file, a directory, or a symbolic
/// link even when it points nowhere. An optional input that "exists" by this test
/// must then be readable: a broken link is an error, not a missing file.
pub fn present(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// `O_NONBLOCK` on Linux: opening a FIFO then returns at once instead of waiting
/// for a writer (the handle is then refused as not a regular file).
#[cfg(target_os = "linux")]
const O_NONBLOCK: i32 = 0o4000;

/// What a file system object that is not a regular file is, in Chinese.
pub fn describe(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "这是目录，不是文件"
    } else if t.is_fifo() {
        "这是命名管道（FIFO），不是普通文件：读取它可能永远等不到结束，已拒绝"
    } else if t.is_socket() {
        "这是套接字，不是普通文件"
    } else if t.is_block_device() || t.is_char_device() {
        "这是设备文件，不是普通文件：已拒绝读取"
    } else {
        "不是普通文件"
    }
}

/// Why [`open_regular`] did not open a path; each caller words it in its own error.
#[derive(Debug)]
pub enum Refusal {
    /// `stat` or `open` failed (missing, no permission, a link loop …).
    Io(std::io::Error),
    /// A symbolic link whose target does not exist.
    BrokenLink,
    /// Not a regular file (directory, FIFO, socket, device): its type.
    NotRegular(std::fs::FileType),
}

/// Opens `path` for reading only if it is a regular file, following symbolic links:
/// checked with `stat` before opening (so a FIFO is never waited on), opened
/// non-blocking, and checked again on the opened handle (the object can be
/// swapped in between). Returns the handle and its size. The one opener of every
/// input reader (this module's, the audit's).
pub fn open_regular(path: &Path) -> Result<(File, u64), Refusal> {
    let link = std::fs::symlink_metadata(path).map_err(Refusal::Io)?;
    let meta = if link.file_type().is_symlink() {
        std::fs::metadata(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Refusal::BrokenLink
            } else {
                Refusal::Io(e)
            }
        })?
    } else {
        link
    };
    if !meta.is_file() {
        return Err(Refusal::NotRegular(meta.file_type()));
    }
    let mut o = OpenOptions::new();
    o.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(O_NONBLOCK);
    }
    let file = o.open(path).map_err(Refusal::Io)?;
    let opened = file.metadata().map_err(Refusal::Io)?;
    if !opened.is_file() {
        return Err(Refusal::NotRegular(opened.file_type()));
    }
    Ok((file, opened.len()))
}

/// Why a path cannot be read, in Chinese.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在".to_string(),
        K::PermissionDenied => "没有读取权限".to_string(),
        K::IsADirectory => "这是目录，不是文件".to_string(),
        K::InvalidFilename => "文件名无效".to_string(),
        _ if e.raw_os_error() == Some(40) => {
            "符号链接循环（链接指向自己或互相指向），无法读取".to_string()
        }
        _ => format!("无法读取（{e}）"),
    }
}

/// Reads a whole input file of `kind`, refusing anything but a regular file and
/// anything over the kind's cap. `shown` names the file in messages.
pub fn read_file(path: &Path, shown: &str, kind: Kind) -> Result<Vec<u8>, InputError> {
    let cap = kind.cap();
    read_file_with(path, shown, cap, &|len| too_large(len, cap))
}

/// [`read_file`] with a caller's cap and its own message for a file over it (the
/// workbook reader's, which says what makes a workbook large).
pub fn read_file_with(
    path: &Path,
    shown: &str,
    cap: u64,
    too_large: &dyn Fn(u64) -> String,
) -> Result<Vec<u8>, InputError> {
    let err = |m: String| InputError::at(SourceRef::file(shown), m);
    let (file, len) = open_regular(path).map_err(|r| {
        err(match r {
            Refusal::Io(e) => io_reason(&e),
            Refusal::BrokenLink => "符号链接指向的文件不存在（断开的链接）".to_string(),
            Refusal::NotRegular(t) => describe(t).to_string(),
        })
    })?;
    if len > cap {
        return Err(err(too_large(len)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(cap)).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| err(io_reason(&e)))?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > cap {
        return Err(err(too_large(
            u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        )));
    }
    Ok(bytes)
}

fn too_large(len: u64, cap: u64) -> String {
    format!(
        "文件过大（{} MB，上限 {} MB）：决算数据文件不会这么大，请检查是否选错了文件；确需更大时设置环境变量 {CAP_ENV}",
        len.div_ceil(1_000_000),
        cap / 1_000_000
    )
}

/// Decodes an input file's bytes as text: UTF-8 with an optional byte-order mark.
/// Line endings become `\n`. Every other encoding or content it recognises is named
/// (what the file seems to be and what to do), and NUL and C0 control characters
/// other than tab are refused with their line.
pub fn decode_text(bytes: &[u8], shown: &str) -> Result<String, InputError> {
    let err = |m: &str| InputError::at(SourceRef::file(shown), m.to_string());
    if let Some(what) = sniff_binary(bytes) {
        return Err(err(what));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(body).map_err(|_| {
        err(if decodes_as_utf16(body) {
            UTF16
        } else if looks_like_gbk(body) {
            "文件不是 UTF-8 编码（可能是 GBK）：请用编辑器或 Excel“另存为 CSV UTF-8”后再试"
        } else {
            "文件不是 UTF-8 编码的文本（含有无法解读的字节）：请转存为 UTF-8 文本"
        })
    })?;
    let text = normalize_newlines(text);
    check_controls(&text, shown)?;
    Ok(text)
}

/// `\r\n` and a lone `\r` become `\n`.
fn normalize_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_string();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Refuses NUL and the other C0 control characters (U+0000–U+001F except tab and
/// newline) and DEL: invisible, they would pass into every output.
pub fn check_controls(text: &str, shown: &str) -> Result<(), InputError> {
    let mut line = 1;
    for c in text.chars() {
        if c == '\n' {
            line += 1;
        } else if is_forbidden_control(c) {
            return Err(InputError::at(
                SourceRef::line(shown, line),
                format!(
                    "含有不可见的控制字符 U+{:04X}：请删除后再试（文件可能已损坏，或由其他程序误写入）",
                    u32::from(c)
                ),
            ));
        }
    }
    Ok(())
}

/// NUL, C0 controls other than tab, newline and carriage return, and DEL.
pub fn is_forbidden_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7f}'
}

/// The first forbidden control character of a text value, for validators of values
/// that come from elsewhere than a text file (a workbook cell).
pub fn control_in(text: &str) -> Option<char> {
    text.chars().find(|c| is_forbidden_control(*c))
}

/// What a file that is not text seems to be, by its first bytes.
fn sniff_binary(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF") {
        return Some(
            "这是 PDF 文件，不是决算数据：数据请用文本目录（含 report.toml）或 .xlsx 填报工作簿；已公开的 PDF 报告请用 juesuan audit 审计",
        );
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(
            "这是 zip 压缩文件（.xlsx/.docx 等），不是文本：Excel 填报工作簿请以 .xlsx 为扩展名直接给出",
        );
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("这是旧版 Office 文件（.xls/.doc），不是文本：请另存为 UTF-8 文本或 .xlsx");
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") || looks_like_utf16(bytes) {
        return Some(UTF16);
    }
    None
}

const UTF16: &str = "文件是 UTF-16 编码（Windows“Unicode”文本）：请另存为 UTF-8 后再试";

/// Bytes that are not UTF-8 but read as UTF-16 (either byte order) into text made
/// almost only of Chinese, ASCII and CJK punctuation.
fn decodes_as_utf16(bytes: &[u8]) -> bool {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return false;
    }
    let plausible = |c: char| {
        matches!(c, '\u{20}'..='\u{7e}' | '\t' | '\n' | '\r' | '\u{3000}'..='\u{303f}'
            | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}' | '\u{2014}'..='\u{201d}')
    };
    [u16::from_le_bytes, u16::from_be_bytes]
        .iter()
        .any(|order| {
            let units = bytes.chunks_exact(2).map(|p| order([p[0], p[1]]));
            let (mut good, mut all) = (0usize, 0usize);
            for c in char::decode_utf16(units) {
                all += 1;
                if c.is_ok_and(plausible) {
                    good += 1;
                }
            }
            all > 0 && good * 20 >= all * 19
        })
}

/// UTF-16 text without a byte-order mark: every second byte of the first few
/// hundred is NUL.
fn looks_like_utf16(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(512)).unwrap_or(bytes);
    if head.len() < 8 {
        return false;
    }
    let zeros = |start: usize| {
        head.iter()
            .skip(start)
            .step_by(2)
            .filter(|b| **b == 0)
            .count()
    };
    let half = head.len() / 2;
    zeros(0) * 10 >= half * 9 || zeros(1) * 10 >= half * 9
}

/// Bytes that are not UTF-8 but pair up as GBK double-byte characters
/// (lead byte 0x81–0xFE, trail 0x40–0xFE except 0x7F) for the most part.
fn looks_like_gbk(bytes: &[u8]) -> bool {
    let (mut pairs, mut bad) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if b < 0x80 {
            i += 1;
            continue;
        }
        let t = bytes.get(i + 1).copied().unwrap_or(0);
        if (0x81..=0xFE).contains(&b) && (0x40..=0xFE).contains(&t) && t != 0x7F {
            pairs += 1;
            i += 2;
        } else {
            bad += 1;
            i += 1;
        }
    }
    pairs > 0 && bad * 10 <= pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_endings_become_newlines() {
        assert_eq!(decode_text(b"a\r\nb\rc\n", "f").unwrap(), "a\nb\nc\n");
    }

    #[test]
    fn control_characters_are_refused_with_their_line() {
        let e = decode_text("a\nb\u{7}c".as_bytes(), "f").unwrap_err();
        assert_eq!(e.source.line, Some(2));
        assert!(e.message.contains("U+0007"), "{}", e.message);
        let e = decode_text(b"x\0", "f").unwrap_err();
        assert!(e.message.contains("U+0000"), "{}", e.message);
        assert!(decode_text("tab\there".as_bytes(), "f").is_ok());
    }

    #[test]
    fn other_encodings_are_named() {
        for text in [
            "部门 = 1\n",
            "部门名称：晋城市市场监督管理局",
            "year = 2022\n",
        ] {
            let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            let mut bom = vec![0xFF, 0xFE];
            bom.extend(&le);
            for b in [le, be, bom] {
                let e = decode_text(&b, "f").unwrap_err();
                assert!(e.message.contains("UTF-16"), "{text}: {}", e.message);
            }
        }
        // 晋城市 in GBK.
        let gbk = [0xBD, 0xFA, 0xB3, 0xC7, 0xCA, 0xD0];
        assert!(decode_text(&gbk, "f").unwrap_err().message.contains("GBK"));
        assert!(
            decode_text(&[0xFF, 0x00, 0x80], "f")
                .unwrap_err()
                .message
                .contains("UTF-8")
        );
        assert!(
            decode_text(b"%PDF-1.7", "f")
                .unwrap_err()
                .message
                .contains("audit")
        );
        assert_eq!(decode_text(b"\xEF\xBB\xBFok", "f").unwrap(), "ok");
    }
}
