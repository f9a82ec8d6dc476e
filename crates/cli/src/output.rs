//! Writing outputs and printing findings.

use juesuan_model::{Finding, Severity};
use std::fmt::Write as _;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A Chinese description of an I/O error.
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        ErrorKind::StorageFull => "磁盘空间不足".to_string(),
        ErrorKind::NotFound => "路径不存在".to_string(),
        ErrorKind::ReadOnlyFilesystem => "文件系统为只读".to_string(),
        ErrorKind::AlreadyExists => "已存在同名文件".to_string(),
        ErrorKind::NotADirectory => "路径中有一段不是目录".to_string(),
        _ => e.to_string(),
    }
}

/// Writes every file into `dir` or none: each goes to a temporary name first and is
/// renamed into place only when all were written. On failure the temporary files
/// are removed and nothing half-written is left behind.
pub fn write_all(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("无法创建输出目录 {}：{}", dir.display(), io_message(&e)))?;
    let mut temps: Vec<(PathBuf, PathBuf)> = Vec::new();
    let cleanup = |temps: &[(PathBuf, PathBuf)]| {
        for (t, _) in temps {
            let _ = std::fs::remove_file(t);
        }
    };
    for (name, bytes) in files {
        let target = dir.join(name);
        // The temporary file sits beside its target, so the rename stays on one file system.
        let file_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temp = target.with_file_name(format!(".{file_name}.juesuan-tmp"));
        if let Some(parent) = target.parent()
            && let Err(e) = std::fs::create_dir_all(parent)
        {
            cleanup(&temps);
            return Err(format!(
                "无法创建目录 {}：{}",
                parent.display(),
                io_message(&e)
            ));
        }
        if let Err(e) = std::fs::write(&temp, bytes) {
            let _ = std::fs::remove_file(&temp);
            cleanup(&temps);
            return Err(format!("无法写入 {}：{}", target.display(), io_message(&e)));
        }
        temps.push((temp, target));
    }
    let mut done = Vec::new();
    for (i, (temp, target)) in temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(temp, target) {
            cleanup(&temps[i..]);
            return Err(format!("无法写入 {}：{}", target.display(), io_message(&e)));
        }
        done.push(target.clone());
    }
    Ok(done)
}

/// Counts by severity.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// Findings as terminal text, grouped by severity (errors first).
pub fn findings_text(findings: &[Finding], show_info: bool) -> String {
    let mut s = String::new();
    for f in findings {
        if f.severity == Severity::Info && !show_info {
            continue;
        }
        let _ = writeln!(s, "{} [{}] {}", f.severity.label(), f.rule, f.location);
        let _ = writeln!(s, "  {}", f.message);
        let mut vals = Vec::new();
        if let Some(e) = &f.expected {
            vals.push(format!("应为 {e}"));
        }
        if let Some(a) = &f.actual {
            vals.push(format!("实为 {a}"));
        }
        if let Some(d) = &f.difference {
            vals.push(format!("相差 {d}"));
        }
        if !vals.is_empty() {
            let _ = writeln!(s, "  {}", vals.join("　"));
        }
        for r in &f.related {
            let _ = writeln!(s, "  相关：{r}");
        }
        let _ = writeln!(s, "  处理：{}", f.hint);
        s.push('\n');
    }
    s
}
