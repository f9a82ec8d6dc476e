#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "test code: a failed unwrap is a failed test; a skipped case says so"
)]
//! Output hardening (issue 10, defects 1, 3, 5, 15, part of 16 and "one way to write
//! outputs"): no output replaces a device, FIFO, socket, symlink, directory or an
//! input of the same run; a report folder is never mixed; a failed run leaves no
//! folder it created; stdout and stderr failures never panic (a closed pipe ends
//! quietly, any other failure is a Chinese message and exit 2); `-o`'s extension
//! chooses or must agree with `--format`; the summary CSV is quoted by the `csv`
//! crate and neutralises formula cells. And no bad input reaches the panic hook.

use std::io::Read as _;
use std::os::unix::fs::FileTypeExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_juesuan");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example() -> PathBuf {
    root().join("examples/jincheng-amr-2022")
}

fn seed() -> PathBuf {
    root().join("../shared/seed/000_4d08a9674d8dc8ea.txt")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `cmd` (stdout and stderr captured unless set), killing it after two
/// minutes: a run that hangs (e.g. opened a FIFO) fails the test instead of the CI.
fn run_cmd(cmd: &mut Command) -> Run {
    let mut child = cmd.stdin(Stdio::null()).spawn().unwrap();
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut s);
        }
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("juesuan did not finish within 120 s: {cmd:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&t_out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&t_err.join().unwrap()).into_owned(),
    }
}

fn juesuan<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    run_cmd(
        Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Never a panic, never the panic hook.
fn no_panic(r: &Run, what: &str) {
    assert!(
        r.code != 101 && r.code != 70 && r.code >= 0,
        "{what}: exit {} (panic)\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{what}: {}", r.stderr);
    assert!(!r.stderr.contains("内部错误"), "{what}: {}", r.stderr);
}

/// Refused: exit 2, a Chinese message naming `path`, no panic.
fn refused(r: &Run, path: &Path, what: &str) {
    no_panic(r, what);
    assert_eq!(r.code, 2, "{what}: stderr:\n{}", r.stderr);
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        r.stderr.contains(&*name),
        "{what}: message does not name {name}:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("错误"), "{what}: {}", r.stderr);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Hidden files of ours (temporaries, backups) left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.contains(".juesuan-") {
                found.push(n);
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                found.extend(leftovers(&e.path()));
            }
        }
    }
    found
}

/// A character device like /dev/null (1, 3) at `path`, or `None` when this
/// process may not make one (not root): the device tests then skip.
fn mknod_null(path: &Path) -> Option<()> {
    let ok = Command::new("mknod")
        .args(["-m", "666", s(path), "c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(())
    } else {
        eprintln!("skipped: mknod not permitted here");
        None
    }
}

fn is_char_device(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_char_device())
}

#[test]
fn device_file_target_is_not_replaced() {
    let t = tempfile::tempdir().unwrap();
    let n = t.path().join("n");
    if mknod_null(&n).is_none() {
        return;
    }
    let r = juesuan(&["audit", s(&seed()), "-o", s(&n)]);
    refused(&r, &n, "audit -o device");
    assert!(r.stderr.contains("设备文件"), "{}", r.stderr);
    assert!(is_char_device(&n), "audit -o replaced the device");
    let r = juesuan(&["audit", s(&seed()), "--summary", s(&n)]);
    refused(&r, &n, "audit --summary device");
    assert!(is_char_device(&n), "audit --summary replaced the device");
    // The .xlsx writers, even with --force.
    let x = t.path().join("n.xlsx");
    mknod_null(&x).unwrap();
    let r = juesuan(&[
        "init",
        "--xlsx",
        s(&x),
        "--department",
        "某某局",
        "--year",
        "2023",
        "--force",
    ]);
    refused(&r, &x, "init --force device");
    assert!(is_char_device(&x), "init --force replaced the device");
    let r = juesuan(&["convert", s(&example()), "-o", s(&x), "--force"]);
    refused(&r, &x, "convert --force device");
    assert!(is_char_device(&x), "convert --force replaced the device");
    // Inside an output folder: a device where report.html goes.
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    mknod_null(&out.join("report.html")).unwrap();
    let r = juesuan(&[
        "build",
        s(&example()),
        "-o",
        s(&out),
        "--format",
        "html,json",
    ]);
    refused(&r, &out.join("report.html"), "build onto a device");
    assert!(is_char_device(&out.join("report.html")));
    assert!(
        !out.join("report.json").exists(),
        "build wrote part of the set"
    );
    assert!(leftovers(t.path()).is_empty(), "{:?}", leftovers(t.path()));
}

#[test]
fn symlink_target_is_not_replaced_or_followed() {
    let t = tempfile::tempdir().unwrap();
    let victim = t.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = t.path().join("link.txt");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let r = juesuan(&["audit", s(&seed()), "-o", s(&link)]);
    refused(&r, &link, "audit -o symlink");
    assert!(r.stderr.contains("符号链接"), "{}", r.stderr);
    let r = juesuan(&["audit", s(&seed()), "--summary", s(&link)]);
    refused(&r, &link, "audit --summary symlink");
    // A dangling symlink is refused too (writing would create its target).
    let dangling = t.path().join("dangling.xlsx");
    std::os::unix::fs::symlink(t.path().join("nowhere.xlsx"), &dangling).unwrap();
    let r = juesuan(&[
        "init",
        "--xlsx",
        s(&dangling),
        "--department",
        "某某局",
        "--year",
        "2023",
        "--force",
    ]);
    refused(&r, &dangling, "init --force dangling symlink");
    assert!(!t.path().join("nowhere.xlsx").exists());
    let xlink = t.path().join("wb.xlsx");
    std::os::unix::fs::symlink(&victim, &xlink).unwrap();
    let r = juesuan(&["convert", s(&example()), "-o", s(&xlink), "--force"]);
    refused(&r, &xlink, "convert --force symlink");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::symlink_metadata(&xlink)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // A symlink where a report file goes, and a symlinked data/ folder.
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join("report.html")).unwrap();
    let r = juesuan(&["build", s(&example()), "-o", s(&out), "--format", "html"]);
    refused(&r, &out.join("report.html"), "build onto a symlink");
    let out2 = t.path().join("out2");
    std::fs::create_dir(&out2).unwrap();
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out2.join("data")).unwrap();
    let r = juesuan(&["build", s(&example()), "-o", s(&out2), "--format", "csv"]);
    refused(&r, &out2.join("data"), "build through a symlinked data/");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
}

#[test]
fn fifo_target_is_refused_without_hanging() {
    let t = tempfile::tempdir().unwrap();
    let fifo = t.path().join("f.txt");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mkfifo not available");
        return;
    }
    let r = juesuan(&["audit", s(&seed()), "-o", s(&fifo)]);
    refused(&r, &fifo, "audit -o FIFO");
    assert!(r.stderr.contains("FIFO"), "{}", r.stderr);
    let r = juesuan(&["audit", s(&seed()), "--summary", s(&fifo)]);
    refused(&r, &fifo, "audit --summary FIFO");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn directory_target_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("d.txt");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("inside"), "x").unwrap();
    let r = juesuan(&["audit", s(&seed()), "-o", s(&d)]);
    refused(&r, &d, "audit -o directory");
    assert!(r.stderr.contains("目录"), "{}", r.stderr);
    let x = t.path().join("d.xlsx");
    std::fs::create_dir(&x).unwrap();
    let r = juesuan(&["convert", s(&example()), "-o", s(&x), "--force"]);
    refused(&r, &x, "convert --force directory");
    assert!(x.is_dir() && d.join("inside").is_file());
    // And the other way: an output folder that is a file.
    let f = t.path().join("file");
    std::fs::write(&f, "x").unwrap();
    let r = juesuan(&["build", s(&example()), "-o", s(&f), "--format", "html"]);
    refused(&r, &f, "build -o a file");
    let r = juesuan(&["extract", s(&seed()), "-o", s(&f)]);
    refused(&r, &f, "extract -o a file");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "x");
}

#[test]
fn audit_output_equal_to_input_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let v = t.path().join("v.txt");
    std::fs::copy(seed(), &v).unwrap();
    let original = std::fs::read(&v).unwrap();
    let hard = t.path().join("hard.txt");
    std::fs::hard_link(&v, &hard).unwrap();
    let sub = t.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let spelled = sub.join("../v.txt");
    for (flag, target) in [
        ("-o", v.clone()),
        ("-o", spelled.clone()),
        ("-o", hard.clone()),
        ("--summary", v.clone()),
        ("--summary", hard.clone()),
    ] {
        let r = juesuan(&["audit", s(&v), flag, s(&target)]);
        refused(
            &r,
            &target,
            &format!("audit v.txt {flag} {}", target.display()),
        );
        assert!(r.stderr.contains("输入"), "{}", r.stderr);
        assert_eq!(std::fs::read(&v).unwrap(), original, "{flag} {target:?}");
    }
    // The same spelled relative to the working directory: ./v.txt.
    let r = run_cmd(
        Command::new(BIN)
            .current_dir(t.path())
            .args(["audit", "v.txt", "-o", "./v.txt"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    refused(&r, Path::new("v.txt"), "audit v.txt -o ./v.txt");
    assert_eq!(std::fs::read(&v).unwrap(), original);
    // -o and --summary on one file.
    let both = t.path().join("both.txt");
    let r = juesuan(&["audit", s(&v), "-o", s(&both), "--summary", s(&both)]);
    refused(&r, &both, "-o and --summary the same");
    assert!(!both.exists());
}

#[test]
fn convert_onto_its_own_input_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let wb = t.path().join("wb.xlsx");
    let r = juesuan(&["convert", s(&example()), "-o", s(&wb)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(&wb).unwrap();
    // A text directory holding the workbook itself as a file of its own.
    let dir = t.path().join("in");
    copy_dir(&example(), &dir);
    let inside = dir.join("copy.xlsx");
    std::fs::hard_link(&wb, &inside).unwrap();
    let r = juesuan(&["convert", s(&dir), "-o", s(&inside), "--force"]);
    refused(
        &r,
        &inside,
        "convert dir -o a file under the input directory",
    );
    assert_eq!(std::fs::read(&wb).unwrap(), before);
}

/// The exit code and stderr a command has with its whole output read.
fn normal(args: &[&str]) -> Run {
    let r = juesuan(args);
    no_panic(&r, "normal run");
    assert!(!r.stdout.is_empty(), "{args:?} printed nothing");
    r
}

/// Standard error without the batch's elapsed time (`用时 0.2 秒`), which varies.
fn untimed(s: &str) -> String {
    s.lines()
        .map(|l| match l.find("用时 ") {
            Some(i) => format!("{}用时 …", l.get(..i).unwrap_or(l)),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn broken_pipe_ends_quietly_with_the_usual_exit_code() {
    let seed = seed();
    let ex = example();
    let t = tempfile::tempdir().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", s(&ex), "--format", "json", "--all"],
        vec!["check", s(&ex)],
        vec!["audit", s(&seed), s(&seed), "--all"],
        vec!["audit", s(&seed), "--format", "json"],
        vec!["rules"],
        vec!["rules", "--markdown"],
        vec!["profiles"],
        vec!["explain", "T-ROWSUM"],
        vec!["score", s(&ex)],
        vec!["--help"],
    ];
    for args in &cases {
        let usual = normal(args);
        // A pipe whose reader is already gone: the very first write fails.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let r = run_cmd(
            Command::new(BIN)
                .args(args)
                .current_dir(t.path())
                .stdout(writer)
                .stderr(Stdio::piped()),
        );
        no_panic(&r, &format!("{args:?} | (closed)"));
        assert_eq!(r.code, usual.code, "{args:?}: {}", r.stderr);
        assert_eq!(
            untimed(&r.stderr),
            untimed(&usual.stderr),
            "{args:?}: a closed pipe is quiet"
        );
    }
    // The reader takes one byte and goes away, as `| head -c1` does (262 KB of JSON
    // do not fit in the pipe).
    let args = ["audit", s(&seed), "--format", "json"];
    let usual = normal(&args);
    assert!(usual.stdout.len() > 200_000);
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    out.read_exact(&mut one).unwrap();
    drop(out);
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(usual.code), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("标准输出"),
        "{err}"
    );
    // Through a shell pipeline, as a user types it.
    let line = format!(
        "'{BIN}' check '{}' --format json | head -1 >/dev/null; echo \"${{PIPESTATUS[0]}}\"",
        s(&ex)
    );
    let r = run_cmd(
        Command::new("bash")
            .args(["-c", &line])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    assert_eq!(
        r.stdout.trim(),
        normal(&["check", s(&ex), "--format", "json"])
            .code
            .to_string(),
        "{}",
        r.stderr
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

fn dev_full() -> Option<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .ok()
}

#[test]
fn stdout_to_dev_full_is_a_chinese_message_and_exit_2() {
    let Some(_) = dev_full() else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    let seed = seed();
    for args in [
        vec!["rules"],
        vec!["profiles"],
        vec!["explain", "T-ROWSUM"],
        vec!["check", s(&example())],
        vec!["audit", s(&seed)],
        vec!["--help"],
    ] {
        let r = run_cmd(
            Command::new(BIN)
                .args(&args)
                .stdout(dev_full().unwrap())
                .stderr(Stdio::piped()),
        );
        no_panic(&r, &format!("{args:?} > /dev/full"));
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("无法写入标准输出") && r.stderr.contains("磁盘空间不足"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

#[test]
fn stderr_to_dev_full_does_not_panic() {
    let Some(_) = dev_full() else {
        eprintln!("skipped: no /dev/full");
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let missing = t.path().join("missing.txt");
    for (args, code) in [
        (vec!["audit", s(&missing)], 2),
        (vec!["explain", "NO-SUCH-RULE"], 2),
        (vec!["check", s(&missing)], 2),
        (vec!["no-such-command"], 2),
    ] {
        let r = run_cmd(
            Command::new(BIN)
                .args(&args)
                .stdout(Stdio::piped())
                .stderr(dev_full().unwrap()),
        );
        assert_eq!(r.code, code, "{args:?} 2>/dev/full");
    }
    // Both gone: still no panic.
    let r = run_cmd(
        Command::new(BIN)
            .args(["rules"])
            .stdout(dev_full().unwrap())
            .stderr(dev_full().unwrap()),
    );
    assert_eq!(r.code, 2, "rules >/dev/full 2>/dev/full");
}

#[test]
fn extract_into_non_empty_dir_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("foreign.txt"), "mine").unwrap();
    let r = juesuan(&["extract", s(&seed()), "-o", s(&out)]);
    refused(&r, &out, "extract into a non-empty folder");
    assert!(r.stderr.contains("不为空"), "{}", r.stderr);
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("foreign.txt")]);
    // An empty folder is fine, and so is a new one.
    let empty = t.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let r = juesuan(&["extract", s(&seed()), "-o", s(&empty)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(empty.join("audit.json").is_file());
    let r = juesuan(&["extract", s(&seed()), "-o", s(&t.path().join("new/deeper"))]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Extracting again into what it wrote: refused, not mixed.
    let r = juesuan(&["extract", s(&seed()), "-o", s(&empty)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn build_pdf_only_into_old_full_report_dir_leaves_no_stale_files() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let r = juesuan(&[
        "build",
        s(&example()),
        "-o",
        s(&out),
        "--format",
        "html,xlsx,json,csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("report.html").is_file() && out.join("data/datapackage.json").is_file());
    std::fs::write(out.join("notes.txt"), "foreign").unwrap();
    std::fs::write(out.join("data/mine.csv"), "foreign").unwrap();
    let r = juesuan(&["build", s(&example()), "-o", s(&out), "--format", "pdf"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("report.pdf").is_file());
    for stale in [
        "report.html",
        "report.xlsx",
        "report.json",
        "data/datapackage.json",
    ] {
        assert!(!out.join(stale).exists(), "{stale} left beside the new PDF");
    }
    let tables: Vec<_> = std::fs::read_dir(out.join("data"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(tables, vec!["mine.csv".to_string()], "old open data left");
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "foreign"
    );
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    // And back: html only replaces the PDF.
    let r = juesuan(&["build", s(&example()), "-o", s(&out), "--format", "html"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(out.join("report.html").is_file() && !out.join("report.pdf").exists());
}

#[test]
fn build_never_removes_its_own_input() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let wb = out.join("report.xlsx");
    let r = juesuan(&["convert", s(&example()), "-o", s(&wb)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(&wb).unwrap();
    let r = juesuan(&["build", s(&wb), "-o", s(&out), "--format", "html"]);
    no_panic(&r, "build report.xlsx -o its folder");
    assert_eq!(
        std::fs::read(&wb).unwrap(),
        before,
        "the input was removed or replaced"
    );
    // Writing report.xlsx over the input workbook is refused.
    let r = juesuan(&["build", s(&wb), "-o", s(&out), "--format", "xlsx"]);
    refused(&r, &wb, "build -o over the input workbook");
    assert_eq!(std::fs::read(&wb).unwrap(), before);
}

/// Runs `juesuan args` with a 1-block file-size limit (writes fail with EFBIG, as
/// on a full disk), or `None` where the shell cannot set it.
fn with_tiny_file_limit(args: &[&str]) -> Option<Run> {
    let ok = Command::new("sh")
        .args(["-c", "ulimit -f 1"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: ulimit -f not available");
        return None;
    }
    Some(run_cmd(
        Command::new("sh")
            .args(["-c", "ulimit -f 1; trap '' XFSZ; exec \"$0\" \"$@\"", BIN])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    ))
}

#[test]
fn failed_build_leaves_no_created_dir() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("new/out");
    let Some(r) = with_tiny_file_limit(&[
        "build",
        s(&example()),
        "-o",
        s(&out),
        "--format",
        "html,json",
    ]) else {
        return;
    };
    no_panic(&r, "build with no space");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("无法写入"), "{}", r.stderr);
    assert!(
        !t.path().join("new").exists(),
        "the failed build left the folders it made"
    );
    // Into an existing folder: nothing at all is left (no temporary files).
    let old = t.path().join("old");
    std::fs::create_dir(&old).unwrap();
    let r =
        with_tiny_file_limit(&["build", s(&example()), "-o", s(&old), "--format", "html"]).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_dir(&old).unwrap().count(), 0);
    // extract and audit -o the same.
    let x = t.path().join("x/y");
    let r = with_tiny_file_limit(&["extract", s(&seed()), "-o", s(&x)]).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!t.path().join("x").exists());
    let a = t.path().join("a/findings.json");
    let r = with_tiny_file_limit(&["audit", s(&seed()), "-o", s(&a)]).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!t.path().join("a").exists());
    assert!(leftovers(t.path()).is_empty(), "{:?}", leftovers(t.path()));
}

#[test]
fn failed_replace_keeps_the_old_file() {
    let t = tempfile::tempdir().unwrap();
    let f = t.path().join("findings.txt");
    std::fs::write(&f, "old").unwrap();
    let r = with_tiny_file_limit(&["audit", s(&seed()), "-o", s(&f)]).unwrap_or_else(|| Run {
        code: 2,
        stdout: String::new(),
        stderr: String::new(),
    });
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "old");
    assert!(leftovers(t.path()).is_empty(), "{:?}", leftovers(t.path()));
}

#[test]
fn audit_output_extension_chooses_the_format() {
    let t = tempfile::tempdir().unwrap();
    let html = t.path().join("f.html");
    let r = juesuan(&["audit", s(&seed()), "-o", s(&html)]);
    no_panic(&r, "audit -o f.html");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.starts_with("<!doctype html>"),
        "{}",
        page.get(..200).unwrap_or(&page)
    );
    // Readable on a phone: the viewport is the device's, rows stack below 600 px.
    assert!(page.contains("name=\"viewport\" content=\"width=device-width"));
    assert!(page.contains("@media (max-width:600px)"));
    let json = t.path().join("f.JSON");
    juesuan(&["audit", s(&seed()), "-o", s(&json)]);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["schema"], "juesuan/audit@1");
    let txt = t.path().join("f.txt");
    juesuan(&["audit", s(&seed()), "-o", s(&txt), "--format", "text"]);
    assert!(std::fs::read_to_string(&txt).unwrap().contains("审计 "));
    // No format-naming extension: --format decides, default text.
    let other = t.path().join("findings.out");
    juesuan(&["audit", s(&seed()), "-o", s(&other), "--format", "json"]);
    assert!(serde_json::from_slice::<serde_json::Value>(&std::fs::read(&other).unwrap()).is_ok());
}

#[test]
fn audit_output_extension_conflicting_with_format_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let html = t.path().join("f.html");
    let r = juesuan(&["audit", s(&seed()), "-o", s(&html), "--format", "json"]);
    refused(&r, &html, "-o f.html --format json");
    assert!(r.stderr.contains("不符"), "{}", r.stderr);
    assert!(!html.exists());
    let csv = t.path().join("f.csv");
    let r = juesuan(&["audit", s(&seed()), "-o", s(&csv)]);
    refused(&r, &csv, "-o f.csv");
    assert!(r.stderr.contains("--summary"), "{}", r.stderr);
    let sum = t.path().join("sum.json");
    let r = juesuan(&["audit", s(&seed()), "--summary", s(&sum)]);
    refused(&r, &sum, "--summary sum.json");
    assert!(!csv.exists() && !sum.exists());
    // build -o is a folder: a file name is refused, not made a folder.
    let pdf = t.path().join("r.pdf");
    let r = juesuan(&["build", s(&example()), "-o", s(&pdf)]);
    refused(&r, &pdf, "build -o r.pdf");
    assert!(!pdf.exists());
}

#[test]
fn summary_csv_neutralises_formula_cells_and_quotes_carriage_returns() {
    let t = tempfile::tempdir().unwrap();
    let names = [
        "=HYPERLINK(\"x.example\",\"点我\").txt",
        "+1.txt",
        "@SUM(A1).txt",
        "a\rb,c.txt",
        "-2.txt",
    ];
    let mut inputs = Vec::new();
    for n in names {
        let p = t.path().join(n);
        std::fs::copy(seed(), &p).unwrap();
        inputs.push(p);
    }
    let sum = t.path().join("sum.csv");
    // `--` so that `-2.txt` is a file, not an option.
    let mut args: Vec<String> = vec![
        "audit".into(),
        "--summary".into(),
        "sum.csv".into(),
        "--".into(),
    ];
    args.extend(
        inputs
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned()),
    );
    let r = run_cmd(
        Command::new(BIN)
            .current_dir(t.path())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    no_panic(&r, "audit --summary");
    let mut rd = csv::Reader::from_path(&sum).unwrap();
    let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(
        header[..4],
        ["文件", "部门", "年度", "结果"],
        "Chinese headers"
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), names.len(), "one row per input");
    for (row, name) in rows.iter().zip(names) {
        assert_eq!(row.len(), 13, "{row:?}");
        let cell = row.get(0).unwrap();
        if name.starts_with(['=', '+', '-', '@']) {
            assert_eq!(cell, format!("'{name}"), "formula cell not neutralised");
        } else {
            assert_eq!(cell, name);
        }
        // The department and year the report names; numeric columns stay numbers.
        assert_eq!(row.get(1).unwrap(), "晋城市市场监督管理局", "{row:?}");
        assert_eq!(row.get(2).unwrap(), "2022", "{row:?}");
        assert!(row.get(6).unwrap().parse::<u64>().is_ok(), "{row:?}");
        assert!(row.get(11).unwrap().parse::<f64>().is_ok(), "{row:?}");
    }
}

#[test]
fn bad_inputs_never_reach_the_panic_hook() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path();
    let write = |n: &str, b: &[u8]| {
        let f = p.join(n);
        std::fs::write(&f, b).unwrap();
        f
    };
    let empty = write("empty.txt", b"");
    let nul = write("nul.txt", b"\0\0\0\x01\x02");
    let garbage_pdf = write(
        "g.pdf",
        b"%PDF-1.4\n1 0 obj <<>> endobj trailer <<>>\n%%EOF",
    );
    let garbage_xlsx = write("g.xlsx", b"PK\x03\x04not really a zip");
    let gbk = write("gbk.txt", &[0xb2, 0xbf, 0xc3, 0xc5, 0xbe, 0xf6, 0xcb, 0xe3]);
    let half_seed = {
        let s = std::fs::read(seed()).unwrap();
        write("half.txt", &s[..s.len() / 2])
    };
    let toml_dir = p.join("badtoml");
    std::fs::create_dir(&toml_dir).unwrap();
    std::fs::write(toml_dir.join("report.toml"), "year = \"x\"\n[[[").unwrap();
    let empty_dir = p.join("emptydir");
    std::fs::create_dir(&empty_dir).unwrap();
    let broken = p.join("broken");
    copy_dir(&example(), &broken);
    std::fs::write(broken.join("income.csv"), "\"unterminated,1,2\n3,4").unwrap();
    let missing = p.join("missing");
    let out = p.join("out");
    let mut cases: Vec<Vec<String>> = Vec::new();
    let str_of = |x: &Path| x.to_string_lossy().into_owned();
    for f in [
        &empty,
        &nul,
        &garbage_pdf,
        &garbage_xlsx,
        &gbk,
        &half_seed,
        &missing,
        &empty_dir,
    ] {
        cases.push(vec!["audit".into(), str_of(f)]);
        cases.push(vec![
            "audit".into(),
            str_of(f),
            "--format".into(),
            "json".into(),
        ]);
        cases.push(vec!["extract".into(), str_of(f), "-o".into(), str_of(&out)]);
    }
    for d in [
        &toml_dir,
        &empty_dir,
        &broken,
        &garbage_xlsx,
        &missing,
        &empty,
    ] {
        for cmd in ["check", "score"] {
            cases.push(vec![cmd.into(), str_of(d)]);
        }
        cases.push(vec!["build".into(), str_of(d), "-o".into(), str_of(&out)]);
        cases.push(vec![
            "convert".into(),
            str_of(d),
            "-o".into(),
            str_of(&p.join("c.xlsx")),
        ]);
    }
    cases.push(vec![
        "check".into(),
        str_of(&example()),
        "--format".into(),
        "yaml".into(),
    ]);
    cases.push(vec![
        "build".into(),
        str_of(&example()),
        "--format".into(),
        "doc".into(),
    ]);
    cases.push(vec![
        "init".into(),
        "--department".into(),
        "".into(),
        "--year".into(),
        "-5".into(),
    ]);
    cases.push(vec!["audit".into()]);
    cases.push(vec!["explain".into(), "\u{7}".into()]);
    for args in &cases {
        let r = juesuan(args);
        no_panic(&r, &format!("{args:?}"));
        assert!(
            matches!(r.code, 0..=2),
            "{args:?}: exit {}: {}",
            r.code,
            r.stderr
        );
    }
}

#[test]
fn planted_symlink_at_a_temporary_name_is_not_followed() {
    // The old fixed temporary names (`.report.html.juesuan-tmp`) and every name of
    // the new pattern for the next pids: symlinks to a victim. Temporary files are
    // created with O_EXCL, so none of them is written through.
    let t = tempfile::tempdir().unwrap();
    let victim = t.path().join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let out = t.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(&victim, out.join(".report.html.juesuan-tmp")).unwrap();
    let r = juesuan(&["build", s(&example()), "-o", s(&out), "--format", "html"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(
        std::fs::read_to_string(out.join("report.html"))
            .unwrap()
            .starts_with("<!")
    );
}
