//! Helpers the text-directory input tests share (`bad_input.rs`,
//! `hardening_input.rs`): a scratch copy of the example to break, the binary run
//! with a time limit, and the refusal every unusable input must get.
#![allow(
    dead_code,
    reason = "each test file uses the helpers it needs; the rest are unused there"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The bundled example's text directory.
pub fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022")
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
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

/// A scratch copy of the example (as `in/`), changed by `edit`.
pub fn scratch(edit: impl FnOnce(&Path)) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&example(), &t.path().join("in"));
    edit(&t.path().join("in"));
    t
}

/// Replaces the first `from` in a file, which must contain it.
pub fn replace(path: &Path, from: &str, to: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(
        s.contains(from),
        "{} does not contain {from:?}",
        path.display()
    );
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

/// What a run of the binary gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the binary, killing it after 60 s: a hang is a failed test, not a stuck one.
/// Its output is read while it runs (a large output must not fill the pipe and
/// stall it).
pub fn juesuan(args: &[&str]) -> Run {
    use std::io::Read as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            b
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("juesuan {args:?} hung for 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    }
}

/// `check` and `build` of `t`'s `in/` both refuse with exit 2, say every `expect`ed
/// phrase, write nothing, and do not panic.
pub fn refused(t: &tempfile::TempDir, expect: &[&str]) {
    let input = t.path().join("in");
    let input = input.to_str().unwrap();
    let check = juesuan(&["check", input]);
    assert_eq!(check.code, 2, "check exit code; stderr:\n{}", check.stderr);
    for e in expect {
        assert!(
            check.stderr.contains(e),
            "check stderr lacks {e:?}:\n{}",
            check.stderr
        );
    }
    let out = t.path().join("out");
    let build = juesuan(&["build", input, "-o", out.to_str().unwrap()]);
    assert_eq!(build.code, 2, "build exit code; stderr:\n{}", build.stderr);
    assert!(!out.exists(), "build wrote output despite bad input");
    for r in [&check, &build] {
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
        assert!(r.stderr.contains("错误："), "{}", r.stderr);
    }
}
