//! Writing outputs and printing findings.
//!
//! Every file any command writes (build, audit `-o`/`--summary`, extract, convert
//! both ways, init) goes through [`write_files`] or [`write_dir`], which promise:
//!
//! - **Only a regular file is ever replaced.** A target that exists is looked at
//!   with `lstat` (not following a symlink): a symlink, directory, device, FIFO or
//!   socket is refused with a Chinese message naming it, nothing is written. The
//!   check is repeated just before the rename to keep the window small.
//! - **No output replaces an input of the same run**: a target whose canonical path
//!   or `(device, inode)` equals a file the run reads (any file under an input
//!   directory counts) is refused — also through another spelling or a hard link.
//! - **Atomic, all or nothing**: every file is written to a temporary file beside
//!   its target, created with `O_EXCL` (never through a planted symlink), synced,
//!   and renamed over the target only when all of them were written. On any failure
//!   the temporary files are removed, replaced files are restored from a hard-linked
//!   backup, and directories this run created are removed again.
//! - **A report folder is never mixed** ([`DirMode::Report`]): report files of ours
//!   that the new build does not write (`report.pdf/.html/.xlsx/.json`,
//!   `data/table-*.csv`, `data/datapackage.json`) are removed in the same commit;
//!   foreign files are never touched.
//! - **Output directories**: a path that exists and is not a directory is refused.
//!   The output directory itself may be a symlink to a directory (a common way to
//!   point `out` elsewhere) — files inside it are still checked one by one;
//!   subdirectories inside it (`data/`) must be real directories, not symlinks.

use juesuan_model::{Finding, Severity};
use std::fmt::Write as _;
use std::fs::Metadata;
use std::io::{ErrorKind, Write as _};
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A Chinese description of an I/O error.
pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::PermissionDenied => "没有写入权限".to_string(),
        ErrorKind::StorageFull => "磁盘空间不足".to_string(),
        ErrorKind::NotFound => "路径不存在".to_string(),
        ErrorKind::ReadOnlyFilesystem => "文件系统为只读".to_string(),
        ErrorKind::AlreadyExists => "已存在同名文件".to_string(),
        ErrorKind::NotADirectory => "路径中有一段不是目录".to_string(),
        ErrorKind::IsADirectory => "是目录".to_string(),
        ErrorKind::FileTooLarge => "文件过大（超出文件大小限制）".to_string(),
        ErrorKind::InvalidFilename => "文件名过长或无效".to_string(),
        ErrorKind::QuotaExceeded => "超出磁盘配额".to_string(),
        ErrorKind::CrossesDevices => "不能跨文件系统改名".to_string(),
        ErrorKind::BrokenPipe => "管道已关闭".to_string(),
        _ => format!("输入输出错误（{e}）"),
    }
}

/// One file a run reads: its canonical path and its `(device, inode)`.
struct FileId {
    canonical: Option<PathBuf>,
    dev_ino: (u64, u64),
}

/// The files a run reads, so that no output replaces one of them. A directory
/// input counts every file under it (symlinks to files followed, as the readers
/// do; at most [`Inputs::WALK_LIMIT`] entries are looked at).
#[derive(Default)]
pub struct Inputs {
    files: Vec<FileId>,
    canonical: Vec<PathBuf>,
}

impl Inputs {
    /// How many directory entries are looked at, at most, under input directories.
    pub const WALK_LIMIT: usize = 100_000;

    /// A run that reads no file (`init`).
    pub fn none() -> Inputs {
        Inputs::default()
    }

    /// The inputs `paths` (files or directories; a path that does not exist is
    /// skipped: reading it fails anyway).
    pub fn of<P: AsRef<Path>>(paths: &[P]) -> Inputs {
        let mut inputs = Inputs::default();
        let mut budget = Inputs::WALK_LIMIT;
        for p in paths {
            inputs.add(p.as_ref(), 0, &mut budget);
        }
        inputs
    }

    fn add(&mut self, path: &Path, depth: usize, budget: &mut usize) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        if let Ok(c) = std::fs::canonicalize(path) {
            self.canonical.push(c);
        }
        let Ok(meta) = std::fs::metadata(path) else {
            return;
        };
        if meta.is_dir() {
            // A symlinked directory below the top is not entered (it may loop).
            let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            if depth > 16 || (depth > 0 && is_link) {
                return;
            }
            let Ok(entries) = std::fs::read_dir(path) else {
                return;
            };
            for e in entries.flatten() {
                self.add(&e.path(), depth + 1, budget);
            }
        } else {
            self.files.push(FileId {
                canonical: std::fs::canonicalize(path).ok(),
                dev_ino: (meta.dev(), meta.ino()),
            });
        }
    }

    /// Whether the existing `target` (its `lstat` in `meta`) is one of the inputs.
    fn contains(&self, target: &Path, meta: &Metadata) -> bool {
        let id = (meta.dev(), meta.ino());
        let canonical = std::fs::canonicalize(target).ok();
        self.files
            .iter()
            .any(|f| f.dev_ino == id || (canonical.is_some() && f.canonical == canonical))
            || canonical.is_some_and(|c| self.canonical.contains(&c))
    }
}

/// What kind of thing an existing non-regular path is, in Chinese.
fn odd_kind(meta: &Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_symlink() {
        Some("符号链接")
    } else if t.is_dir() {
        Some("目录")
    } else if t.is_char_device() || t.is_block_device() {
        Some("设备文件")
    } else if t.is_fifo() {
        Some("命名管道（FIFO）")
    } else if t.is_socket() {
        Some("套接字")
    } else if !t.is_file() {
        Some("特殊文件")
    } else {
        None
    }
}

/// Checks one output file: absent (`None`), or an existing regular file that is no
/// input of the run (its metadata). Anything else is refused.
fn check_target(target: &Path, inputs: &Inputs) -> Result<Option<Metadata>, String> {
    if target.file_name().is_none() {
        return Err(format!(
            "{} 不是文件名：请指定要写入的文件",
            target.display()
        ));
    }
    match std::fs::symlink_metadata(target) {
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("无法写入 {}：{}", target.display(), io_message(&e))),
        Ok(meta) => {
            if let Some(kind) = odd_kind(&meta) {
                return Err(format!(
                    "{} 是{kind}，不是普通文件：为免破坏它（或写到它所指之处），未写入。请指定一个普通文件的路径",
                    target.display()
                ));
            }
            if inputs.contains(target, &meta) {
                return Err(format!(
                    "{} 是本次运行的输入文件：输出不能覆盖输入，未写入。请换一个输出路径",
                    target.display()
                ));
            }
            Ok(Some(meta))
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh hidden name beside `target`: `.NAME.juesuan-PID-N.TAG`.
fn sibling(target: &Path, tag: &str) -> PathBuf {
    let name: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(64).collect())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.juesuan-{}-{n}.{tag}", std::process::id()))
}

/// The parent directory of `path` (`.` for a bare name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Creates `dir` and its missing ancestors, recording in `created` each directory
/// this call made (outermost first), so that a failure can remove them again.
fn create_dirs(dir: &Path, created: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut missing = Vec::new();
    let mut at = Some(dir);
    while let Some(p) = at {
        match std::fs::symlink_metadata(p) {
            Ok(_) => break,
            Err(e) if e.kind() == ErrorKind::NotFound => {
                missing.push(p.to_path_buf());
                at = p.parent().filter(|q| !q.as_os_str().is_empty());
            }
            Err(e) => {
                return Err(format!(
                    "无法创建输出目录 {}：{}",
                    dir.display(),
                    io_message(&e)
                ));
            }
        }
    }
    for d in missing.into_iter().rev() {
        match std::fs::create_dir(&d) {
            Ok(()) => created.push(d),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => {
                return Err(format!(
                    "无法创建输出目录 {}：{}",
                    d.display(),
                    io_message(&e)
                ));
            }
        }
    }
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!("无法写入 {}：它不是目录", dir.display())),
        Err(e) => Err(format!(
            "无法创建输出目录 {}：{}",
            dir.display(),
            io_message(&e)
        )),
    }
}

/// Removes the directories this run created (innermost first, only if empty).
fn remove_created(created: &[PathBuf]) {
    for d in created.iter().rev() {
        let _ = std::fs::remove_dir(d);
    }
}

/// Writes `bytes` to a new temporary file beside `target` (created with `O_EXCL`,
/// synced), with the permissions of the file it will replace, if any.
fn write_temp(target: &Path, bytes: &[u8], old: Option<&Metadata>) -> Result<PathBuf, String> {
    let fail = |e: &std::io::Error| format!("无法写入 {}：{}", target.display(), io_message(e));
    let mut attempt = 0;
    let (temp, mut file) = loop {
        let temp = sibling(target, "tmp");
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(f) => break (temp, f),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && attempt < 16 => attempt += 1,
            Err(e) => return Err(fail(&e)),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| match old {
            Some(m) => file.set_permissions(std::fs::Permissions::from_mode(m.mode() & 0o777)),
            None => Ok(()),
        });
    drop(file);
    match written {
        Ok(()) => Ok(temp),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(fail(&e))
        }
    }
}

/// Files written to temporaries, not yet in place.
struct Staged {
    /// (temporary, target).
    temps: Vec<(PathBuf, PathBuf)>,
    /// Directories this run created.
    created: Vec<PathBuf>,
}

impl Staged {
    /// Removes everything this run made (on failure).
    fn abandon(&self) {
        for (t, _) in &self.temps {
            let _ = std::fs::remove_file(t);
        }
        remove_created(&self.created);
    }
}

/// Puts the staged files in place and removes `stale` (old report files the new
/// set does not have), all or nothing as far as the file system allows: stale
/// files are first moved aside, replaced targets hard-linked to a backup; if any
/// rename fails, every change is undone.
fn commit(staged: Staged, stale: &[PathBuf], inputs: &Inputs) -> Result<(), String> {
    // The last look before anything changes (narrows the window between check and rename).
    for (_, target) in &staged.temps {
        if let Err(m) = check_target(target, inputs) {
            staged.abandon();
            return Err(m);
        }
    }
    // Stale files moved aside.
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let restore_moved = |moved: &[(PathBuf, PathBuf)]| {
        for (original, aside) in moved.iter().rev() {
            let _ = std::fs::rename(aside, original);
        }
    };
    for s in stale {
        let aside = sibling(s, "old");
        if let Err(e) = std::fs::rename(s, &aside) {
            restore_moved(&moved);
            staged.abandon();
            return Err(format!(
                "无法删除旧文件 {}：{}",
                s.display(),
                io_message(&e)
            ));
        }
        moved.push((s.clone(), aside));
    }
    // Backups of the files about to be replaced (none where hard links are not supported).
    let backups: Vec<Option<PathBuf>> = staged
        .temps
        .iter()
        .map(|(_, target)| {
            let b = sibling(target, "old");
            std::fs::hard_link(target, &b).ok().map(|()| b)
        })
        .collect();
    let drop_backups = || {
        for b in backups.iter().flatten() {
            let _ = std::fs::remove_file(b);
        }
    };
    for (i, (temp, target)) in staged.temps.iter().enumerate() {
        if let Err(e) = std::fs::rename(temp, target) {
            for ((_, done), backup) in staged.temps.iter().zip(&backups).take(i) {
                match backup {
                    Some(b) => {
                        let _ = std::fs::rename(b, done);
                    }
                    None => {
                        let _ = std::fs::remove_file(done);
                    }
                }
            }
            drop_backups();
            restore_moved(&moved);
            for (t, _) in staged.temps.iter().skip(i) {
                let _ = std::fs::remove_file(t);
            }
            remove_created(&staged.created);
            return Err(format!("无法写入 {}：{}", target.display(), io_message(&e)));
        }
    }
    drop_backups();
    for (_, aside) in &moved {
        let _ = std::fs::remove_file(aside);
    }
    Ok(())
}

/// Writes every `(target, bytes)` or none (see the module documentation). Missing
/// parent directories are created (and removed again on failure).
pub fn write_files(files: &[(PathBuf, Vec<u8>)], inputs: &Inputs) -> Result<(), String> {
    let mut olds = Vec::new();
    for (i, (target, _)) in files.iter().enumerate() {
        if files
            .iter()
            .take(i)
            .any(|(other, _)| same_place(other, target))
        {
            return Err(format!(
                "两个输出都指向 {}：请为它们指定不同的文件",
                target.display()
            ));
        }
        olds.push(check_target(target, inputs)?);
    }
    let mut staged = Staged {
        temps: Vec::new(),
        created: Vec::new(),
    };
    for ((target, bytes), old) in files.iter().zip(&olds) {
        let written = create_dirs(parent_of(target), &mut staged.created)
            .and_then(|()| write_temp(target, bytes, old.as_ref()));
        match written {
            Ok(temp) => staged.temps.push((temp, target.clone())),
            Err(m) => {
                staged.abandon();
                return Err(m);
            }
        }
    }
    commit(staged, &[], inputs)
}

/// Whether two output paths name the same file (same canonical parent and name).
fn same_place(a: &Path, b: &Path) -> bool {
    let key = |p: &Path| {
        let parent = std::fs::canonicalize(parent_of(p)).unwrap_or_else(|_| parent_of(p).into());
        parent.join(p.file_name().unwrap_or_default())
    };
    a == b || key(a) == key(b)
}

/// How a directory output treats what is already there.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DirMode {
    /// The directory must be new or empty (`extract`, `convert` to a text directory).
    NewOrEmpty,
    /// A report folder (`build`): an old report in it is replaced as a whole — its
    /// files the new set does not have are removed; foreign files stay.
    Report,
}

/// Report files of ours in `dir` (top-level `report.*`, open data under `data/`).
fn our_report_files(dir: &Path) -> Vec<String> {
    let mut ours: Vec<String> = ["report.pdf", "report.html", "report.xlsx", "report.json"]
        .iter()
        .map(|s| (*s).to_string())
        .filter(|n| std::fs::symlink_metadata(dir.join(n)).is_ok())
        .collect();
    let data = dir.join("data");
    if std::fs::symlink_metadata(&data).is_ok_and(|m| m.is_dir())
        && let Ok(entries) = std::fs::read_dir(&data)
    {
        let mut names: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| {
                n == "datapackage.json"
                    || (n.starts_with("table-") && n.ends_with(".csv") && !n.contains(".juesuan-"))
            })
            .map(|n| format!("data/{n}"))
            .collect();
        names.sort();
        ours.extend(names);
    }
    ours
}

/// Checks an output directory before anything is made: absent (`false`), or an
/// existing directory (`true`, empty if `mode` is [`DirMode::NewOrEmpty`]) — or a
/// symlink to one; anything else is refused.
pub fn check_dir(dir: &Path, mode: DirMode) -> Result<bool, String> {
    let exists = match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == ErrorKind::NotFound => false,
        Err(e) => {
            return Err(format!(
                "无法创建输出目录 {}：{}",
                dir.display(),
                io_message(&e)
            ));
        }
        Ok(m) if m.is_dir() => true,
        Ok(m) if m.file_type().is_symlink() => {
            if std::fs::metadata(dir).is_ok_and(|t| t.is_dir()) {
                true
            } else {
                return Err(format!(
                    "输出目录 {} 是符号链接，但不指向目录：未写入。请指定一个目录",
                    dir.display()
                ));
            }
        }
        Ok(m) => {
            return Err(format!(
                "输出目录 {} 已存在，但是{}，不是目录：未写入。请指定一个目录",
                dir.display(),
                odd_kind(&m).unwrap_or("普通文件")
            ));
        }
    };
    if exists && mode == DirMode::NewOrEmpty {
        let non_empty = std::fs::read_dir(dir)
            .map_err(|e| format!("无法读取输出目录 {}：{}", dir.display(), io_message(&e)))?
            .next()
            .is_some();
        if non_empty {
            return Err(format!(
                "输出目录 {} 已存在且不为空：为免与其中的文件混在一起，未写入。请指定一个新的或空的目录",
                dir.display()
            ));
        }
    }
    Ok(exists)
}

/// Checks output files before a long run: each absent, or a regular file that is
/// no input (the same checks [`write_files`] makes again when writing).
pub fn check_files(targets: &[&Path], inputs: &Inputs) -> Result<(), String> {
    for t in targets {
        check_target(t, inputs)?;
    }
    Ok(())
}

/// Writes every file of `files` (paths relative to `dir`) into `dir`, or none
/// (see the module documentation for what is refused and how `mode` treats what
/// is there). Returns the paths written.
pub fn write_dir(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    inputs: &Inputs,
    mode: DirMode,
) -> Result<Vec<PathBuf>, String> {
    let exists = check_dir(dir, mode)?;
    // Names are ours, but stay inside `dir` whatever they are.
    for (name, _) in files {
        let p = Path::new(name);
        if name.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(format!("内部错误：输出文件名 “{name}” 无效"));
        }
    }
    // Subdirectories inside the output directory must be real directories.
    let mut subdirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|(n, _)| Path::new(n).parent().map(Path::to_path_buf))
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    subdirs.sort();
    subdirs.dedup();
    for sub in &subdirs {
        let mut at = dir.to_path_buf();
        for c in sub.components() {
            at.push(c);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => {}
                Err(e) if e.kind() == ErrorKind::NotFound => break,
                Ok(m) => {
                    return Err(format!(
                        "{} 是{}，不是目录：未写入。请移走它或换一个输出目录",
                        at.display(),
                        odd_kind(&m).unwrap_or("普通文件")
                    ));
                }
                Err(e) => {
                    return Err(format!("无法使用 {}：{}", at.display(), io_message(&e)));
                }
            }
        }
    }
    let targets: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    let mut olds = Vec::new();
    for t in &targets {
        olds.push(check_target(t, inputs)?);
    }
    // An old report's files the new set does not write (never an input).
    let mut stale = Vec::new();
    if exists && mode == DirMode::Report {
        for name in our_report_files(dir) {
            if files.iter().any(|(n, _)| *n == name) {
                continue;
            }
            let path = dir.join(&name);
            match std::fs::symlink_metadata(&path) {
                Ok(m) if odd_kind(&m).is_some() => {
                    return Err(format!(
                        "{} 是{}，无法替换旧报告的这一部分：未写入。请移走它或换一个输出目录",
                        path.display(),
                        odd_kind(&m).unwrap_or("特殊文件")
                    ));
                }
                // An input is never removed (e.g. a workbook named report.xlsx).
                Ok(m) if inputs.contains(&path, &m) => {}
                Ok(_) => stale.push(path),
                Err(_) => {}
            }
        }
    }
    let mut staged = Staged {
        temps: Vec::new(),
        created: Vec::new(),
    };
    for ((target, (_, bytes)), old) in targets.iter().zip(files).zip(&olds) {
        let written = create_dirs(parent_of(target), &mut staged.created)
            .and_then(|()| write_temp(target, bytes, old.as_ref()));
        match written {
            Ok(temp) => staged.temps.push((temp, target.clone())),
            Err(m) => {
                staged.abandon();
                return Err(m);
            }
        }
    }
    commit(staged, &stale, inputs)?;
    // A data/ folder left empty by the stale files removed goes too.
    if !stale.is_empty() && !files.iter().any(|(n, _)| n.starts_with("data/")) {
        let _ = std::fs::remove_dir(dir.join("data"));
    }
    Ok(targets)
}

/// The format an output file name's extension names, if it names one.
pub fn format_of_extension(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    match ext.as_str() {
        "json" => Some("json"),
        "html" | "htm" => Some("html"),
        "txt" | "text" => Some("text"),
        "csv" => Some("csv"),
        "pdf" => Some("pdf"),
        "xlsx" => Some("xlsx"),
        _ => None,
    }
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
