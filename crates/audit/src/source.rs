//! Reading a published report: a PDF through poppler's `pdftotext -layout`, or text
//! already extracted from one (UTF-8). Every line keeps its page and line number so a
//! finding can quote it.

use std::path::Path;
use std::process::Command;

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

/// Why an input cannot be audited. `Display` is the Chinese message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    /// No such file.
    #[error("{0}：文件不存在或无法读取")]
    Missing(String),
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
                });
            }
            page += 1;
            in_page = 1;
            rest = after;
        }
        lines.push(Line {
            text: rest.trim_end_matches('\r').trim_end().to_string(),
            page,
            no,
            in_page,
        });
    }
    // A trailing form feed ends the last page; it does not start a new one.
    let pages = if text.trim_end().ends_with('\u{c}') || text.ends_with('\u{c}') {
        page.saturating_sub(1).max(1)
    } else {
        page
    };
    (lines, pages)
}

/// Reads text extracted from a PDF.
pub fn from_text(path: &str, bytes: &[u8]) -> Result<Source, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty(path.to_string()));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
        Err(_) => {
            if bytes.contains(&0) {
                return Err(ReadError::NotPdf(path.to_string()));
            }
            return Err(ReadError::NotUtf8 {
                path: path.to_string(),
                gbk: looks_gbk(bytes),
            });
        }
    };
    if text.contains('\0') {
        return Err(ReadError::NotPdf(path.to_string()));
    }
    let (lines, pages) = split(text);
    Ok(Source {
        path: path.to_string(),
        kind: SourceKind::Text,
        lines,
        pages,
    })
}

/// Runs `pdftotext -layout` on a PDF.
pub fn from_pdf(path: &str) -> Result<Source, ReadError> {
    from_pdf_pages(path, 0)
}

/// `pdftotext -layout` of pages `first..=last` (all when `None`): its text, or the error
/// it reports.
fn pdftotext(path: &str, range: Option<(usize, Option<usize>)>) -> Result<Vec<u8>, ReadError> {
    let mut cmd = Command::new("pdftotext");
    cmd.args(["-layout", "-enc", "UTF-8"]);
    if let Some((first, last)) = range {
        cmd.args(["-f", &first.to_string()]);
        if let Some(last) = last {
            cmd.args(["-l", &last.to_string()]);
        }
    }
    let out = cmd.args([path, "-"]).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::PdftotextMissing,
        _ => ReadError::Corrupt {
            path: path.to_string(),
            detail: e.to_string(),
        },
    })?;
    if out.status.success() {
        return Ok(out.stdout);
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("password") || stderr.contains("Password") {
        return Err(ReadError::Encrypted(path.to_string()));
    }
    let detail = stderr
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

/// The number of pages, as the PDF's page tree states it where it is not compressed:
/// the largest `/Count` of a dictionary with `/Kids` (the tree's root), else the
/// number of `/Type /Page` objects; 0 when neither can be seen.
pub fn page_estimate(bytes: &[u8]) -> usize {
    let find_all =
        |needle: &[u8]| -> Vec<usize> { memchr::memmem::find_iter(bytes, needle).collect() };
    let mut root = 0usize;
    for at in find_all(b"/Count") {
        let digits: String = bytes
            .get(at + 6..)
            .unwrap_or(&[])
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take_while(|b| b.is_ascii_digit())
            .map(|b| char::from(*b))
            .collect();
        let near = bytes
            .get(at.saturating_sub(80)..(at + 80).min(bytes.len()))
            .unwrap_or(&[]);
        let kids = near.windows(5).any(|w| w == b"/Kids");
        if let (true, Ok(n)) = (kids, digits.parse::<usize>()) {
            root = root.max(n);
        }
    }
    if root > 0 {
        return root;
    }
    [b"/Type/Page".as_slice(), b"/Type /Page".as_slice()]
        .iter()
        .flat_map(|needle| find_all(needle).into_iter().map(move |i| i + needle.len()))
        .filter(|end| bytes.get(*end).is_some_and(|b| *b != b's'))
        .count()
}

/// The text of a PDF of about `pages` pages. Two `pdftotext` processes, one for each
/// half of the pages, run side by side when there are enough pages to gain from it
/// (each page's layout is independent, so the halves joined are the whole text); if
/// either fails — the estimate was wrong, the file is damaged or encrypted — one
/// process reads the whole file and its error is the one reported.
pub fn from_pdf_pages(path: &str, pages: usize) -> Result<Source, ReadError> {
    let halves = if pages >= 8 {
        let k = pages / 2;
        std::thread::scope(|s| {
            let a = s.spawn(|| pdftotext(path, Some((1, Some(k)))));
            let b = pdftotext(path, Some((k + 1, None)));
            match (a.join(), b) {
                (Ok(Ok(mut a)), Ok(b)) => {
                    a.extend_from_slice(&b);
                    Some(a)
                }
                _ => None,
            }
        })
    } else {
        None
    };
    let stdout = match halves {
        Some(t) => t,
        None => pdftotext(path, None)?,
    };
    let text = String::from_utf8_lossy(&stdout);
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
pub fn read(path: &Path) -> Result<Source, ReadError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|_| ReadError::Missing(shown.clone()))?;
    if bytes.is_empty() {
        return Err(ReadError::Empty(shown));
    }
    if bytes.starts_with(b"%PDF") {
        return from_pdf_pages(&shown, page_estimate(&bytes));
    }
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        && bytes.contains(&0)
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
}
