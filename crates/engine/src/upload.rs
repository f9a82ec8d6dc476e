//! The input side of an upload: what the bytes are, and a zip of the text form
//! unpacked into a private temporary directory with every size bounded.
//!
//! A zip is refused before it is unpacked whole: at most [`MAX_ENTRIES`] entries;
//! every entry is read through a reader bounded at the text directory's cap
//! ([`juesuan_ingest::guard::Kind::TextDir`]), so an entry that claims 1 KB and
//! inflates to gigabytes stops at the cap; the total inflated stays under
//! [`max_total`]. Names must be relative, without `..`, and plain files or
//! folders (a symbolic link or device entry is refused). A zip whose files sit in
//! one top folder (`部门/report.toml`) is read from that folder.

use juesuan_ingest::{InputError, InputErrors, guard::Kind as GuardKind};
use juesuan_model::SourceRef;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// At most this many entries in an uploaded zip.
pub const MAX_ENTRIES: usize = 2_000;

/// What the bytes of an upload are, by their content.
#[derive(Debug, PartialEq, Eq)]
pub enum Kind {
    /// An Office Open XML workbook (a zip holding `xl/workbook.xml`) or an old
    /// binary workbook (an OLE container; the reader names it).
    Workbook,
    /// A zip of the text form.
    TextZip,
    /// Anything else, named in Chinese (`PDF 文件`, `文本`, …).
    Other(&'static str),
}

/// What the bytes are.
pub fn kind(bytes: &[u8]) -> Kind {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Kind::Workbook;
    }
    if bytes.starts_with(b"PK") {
        let Ok(zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
            // A damaged zip: the workbook reader says what is wrong with it.
            return Kind::Workbook;
        };
        let workbook = zip
            .file_names()
            .filter_map(Result::ok)
            .any(|n| n == "xl/workbook.xml" || n == "[Content_Types].xml");
        return if workbook {
            Kind::Workbook
        } else {
            Kind::TextZip
        };
    }
    if bytes.starts_with(b"%PDF") {
        Kind::Other("PDF 文件（已公开的报告请用 juesuan audit 审计）")
    } else if bytes.is_empty() {
        Kind::Other("空文件")
    } else {
        Kind::Other("无法识别的文件")
    }
}

/// The most bytes all entries of one zip may inflate to: five times the
/// per-file cap.
pub fn max_total() -> u64 {
    GuardKind::TextDir.cap().saturating_mul(5)
}

fn refuse(name: &str, entry: Option<&str>, message: String) -> InputErrors {
    let file = match entry {
        Some(e) => format!("{name}/{e}"),
        None => name.to_string(),
    };
    InputError::at(SourceRef::file(file), message).into()
}

/// Unpacks a zip of the text form; the directory returned holds `report.toml`
/// (or is where its absence will be reported) and is removed when dropped.
pub fn unpack_text_zip(bytes: &[u8], name: &str) -> Result<tempfile::TempDir, InputErrors> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| refuse(name, None, format!("不是有效的 zip 压缩包：{e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(refuse(
            name,
            None,
            format!(
                "压缩包有 {} 个条目，超过上限 {MAX_ENTRIES}：文本目录只需 report.toml、几个 CSV 与 projects/ 下的项目文件",
                zip.len()
            ),
        ));
    }
    let dir = tempfile::Builder::new()
        .prefix("juesuan-upload-")
        .tempdir()
        .map_err(|e| refuse(name, None, format!("无法创建临时目录：{e}")))?;
    let cap = GuardKind::TextDir.cap();
    let mut total: u64 = 0;
    let mut roots: Vec<PathBuf> = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| {
            refuse(
                name,
                None,
                format!("压缩包第 {} 个条目无法读取：{e}", i + 1),
            )
        })?;
        let raw = entry
            .name()
            .map_err(|e| {
                refuse(
                    name,
                    None,
                    format!("压缩包第 {} 个条目的名称无法读取：{e}", i + 1),
                )
            })?
            .to_string();
        let Some(rel) = safe_relative(&raw) else {
            return Err(refuse(
                name,
                Some(&raw),
                "条目名称不安全（绝对路径或含 ..），已拒绝整个压缩包".to_string(),
            ));
        };
        if entry.is_dir() {
            std::fs::create_dir_all(dir.path().join(&rel))
                .map_err(|e| refuse(name, Some(&raw), format!("无法解压：{e}")))?;
            continue;
        }
        if entry.is_symlink() || !entry.is_file() {
            return Err(refuse(
                name,
                Some(&raw),
                "不是普通文件（符号链接或特殊文件），已拒绝整个压缩包".to_string(),
            ));
        }
        if entry.size() > cap {
            return Err(refuse(
                name,
                Some(&raw),
                format!("解压后 {} 字节，超过单个文件上限 {cap} 字节", entry.size()),
            ));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|e| refuse(name, Some(&raw), format!("无法解压：{e}")))?;
        if data.len() as u64 > cap {
            return Err(refuse(
                name,
                Some(&raw),
                format!("解压后超过单个文件上限 {cap} 字节（压缩包所称的大小不实）"),
            ));
        }
        total += data.len() as u64;
        if total > max_total() {
            return Err(refuse(
                name,
                None,
                format!("解压后合计超过 {} 字节，已拒绝", max_total()),
            ));
        }
        let target = dir.path().join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| refuse(name, Some(&raw), format!("无法解压：{e}")))?;
        }
        std::fs::write(&target, &data)
            .map_err(|e| refuse(name, Some(&raw), format!("无法解压：{e}")))?;
        if rel.file_name().is_some_and(|n| n == "report.toml") {
            roots.push(rel.parent().map(Path::to_path_buf).unwrap_or_default());
        }
    }
    roots.sort();
    roots.dedup();
    match roots.as_slice() {
        [] => Err(refuse(
            name,
            None,
            "压缩包里没有 report.toml：请把整个文本目录（report.toml、各 CSV、projects/）压缩后上传".to_string(),
        )),
        [root] if root.as_os_str().is_empty() => Ok(dir),
        [root] => {
            // One top folder: move its content up so the names shown stay short.
            let from = dir.path().join(root);
            let staged = tempfile::Builder::new()
                .prefix("juesuan-upload-")
                .tempdir()
                .map_err(|e| refuse(name, None, format!("无法创建临时目录：{e}")))?;
            for item in std::fs::read_dir(&from)
                .map_err(|e| refuse(name, None, format!("无法解压：{e}")))?
                .flatten()
            {
                std::fs::rename(item.path(), staged.path().join(item.file_name()))
                    .map_err(|e| refuse(name, None, format!("无法解压：{e}")))?;
            }
            Ok(staged)
        }
        _ => Err(refuse(
            name,
            None,
            "压缩包里有多个 report.toml：一次只上传一个部门的文本目录".to_string(),
        )),
    }
}

/// `raw` as a relative path of normal components, or `None` when it is absolute,
/// climbs with `..`, or names a drive.
fn safe_relative(raw: &str) -> Option<PathBuf> {
    let path = Path::new(raw);
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty() && !raw.contains('\\')).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_names_are_refused() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../b").is_none());
        assert!(safe_relative("a\\..\\b").is_none());
        assert_eq!(safe_relative("a/b.csv"), Some(PathBuf::from("a/b.csv")));
    }

    #[test]
    fn kinds_by_content() {
        assert_eq!(
            kind(b"%PDF-1.7"),
            Kind::Other("PDF 文件（已公开的报告请用 juesuan audit 审计）")
        );
        assert_eq!(kind(b""), Kind::Other("空文件"));
    }
}
