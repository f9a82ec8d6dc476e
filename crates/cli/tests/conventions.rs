#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! A command line like the tools people know: help in Chinese (clap's own words
//! too) with an example in every subcommand's; colour only when asked or on a
//! terminal, never with `NO_COLOR`; `-q` and `-v`; shell completions and a man
//! page from the same command tree.

mod common;

use common::{example, juesuan};
use std::process::Command;

/// The subcommands the top-level help lists.
fn subcommands() -> Vec<String> {
    let help = juesuan(&["--help"]).stdout;
    let at = help.find("命令：").expect("a 命令 heading");
    help.get(at..)
        .unwrap()
        .lines()
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

/// What clap writes in English when its words are not replaced.
const ENGLISH: [&str; 9] = [
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Print help",
    "Print version",
    "[default:",
    "[OPTIONS]",
    "Possible values",
];

#[test]
fn every_help_is_chinese_with_an_example() {
    let top = juesuan(&["--help"]);
    assert_eq!(top.code, 0);
    for s in [
        "用法：juesuan [选项] <命令>",
        "命令：",
        "选项：",
        "显示帮助",
        "显示版本",
    ] {
        assert!(top.stdout.contains(s), "{s}: {}", top.stdout);
    }
    let subs = subcommands();
    assert!(subs.len() >= 15, "{subs:?}");
    let mut all = vec![top.stdout];
    for sub in &subs {
        for flag in ["-h", "--help"] {
            let r = juesuan(&[sub, flag]);
            assert_eq!(r.code, 0, "{sub} {flag}: {}", r.stderr);
            assert!(
                r.stdout.contains("例：\n  juesuan "),
                "{sub} {flag} has no example:\n{}",
                r.stdout
            );
            assert!(
                r.stdout.contains(&format!("用法：juesuan {sub}")),
                "{}",
                r.stdout
            );
            all.push(r.stdout);
        }
    }
    for sub in [
        "add-user",
        "import-departments",
        "backup",
        "restore",
        "add-year",
        "reset-password",
    ] {
        let r = juesuan(&["admin", sub, "-h"]);
        assert_eq!(r.code, 0, "admin {sub}");
        assert!(r.stdout.contains("例："), "admin {sub}:\n{}", r.stdout);
        all.push(r.stdout);
    }
    for text in &all {
        for e in ENGLISH {
            assert!(!text.contains(e), "“{e}” in:\n{text}");
        }
        // Placeholders in Chinese: no <INPUT>, <OUTPUT>, <FORMAT>.
        assert!(
            !text.contains("<INPUT") && !text.contains("<OUTPUT>") && !text.contains("<FORMAT>"),
            "{text}"
        );
    }
}

#[test]
fn init_requires_xlsx_and_no_subcommand_is_exit_2() {
    let r = juesuan(&["init", "--department", "某某局", "--year", "2023"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("缺少必需的参数") && r.stderr.contains("--xlsx"),
        "{}",
        r.stderr
    );
    let r = juesuan(&["init", "-h"]);
    assert!(r.stdout.contains("--xlsx <文件>"), "{}", r.stdout);
    let r = juesuan(&[]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("用法："), "{}", r.stderr);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let ex = example();
    let ex = ex.to_str().unwrap();
    // Into a pipe: no colour by default.
    let plain = juesuan(&["check", ex]);
    assert!(!plain.stdout.contains('\u{1b}'), "{}", plain.stdout);
    let always = juesuan(&["--color", "always", "check", ex]);
    assert!(
        always.stdout.contains("\u{1b}[1;33m警告\u{1b}[0m ["),
        "{}",
        always.stdout
    );
    let never = juesuan(&["check", ex, "--color", "never"]);
    assert_eq!(never.stdout, plain.stdout);
    // NO_COLOR wins over auto (a terminal is not needed to see it is not used).
    let o = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(["check", ex])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&o.stdout).contains('\u{1b}'));
    let bad = juesuan(&["--color", "sometimes", "check", ex]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("“sometimes” 无效"), "{}", bad.stderr);
}

#[test]
fn quiet_and_verbose() {
    let t = tempfile::tempdir().unwrap();
    let ex = example();
    let ex = ex.to_str().unwrap();
    let out = t.path().join("q");
    let q = juesuan(&[
        "build",
        ex,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "html",
        "-q",
    ]);
    assert_eq!(q.code, 0, "{}", q.stderr);
    assert_eq!(q.stdout, "", "-q prints no summary");
    assert!(out.join("report.html").exists());
    let out = t.path().join("n");
    let n = juesuan(&[
        "build",
        ex,
        "-o",
        out.to_str().unwrap(),
        "--format",
        "pdf",
        "--embedded-fonts-only",
    ]);
    assert!(n.stdout.contains("已生成于"), "{}", n.stdout);
    assert!(
        n.stdout
            .contains("PDF 字体：Juesuan Serif SC、Juesuan Sans SC"),
        "{}",
        n.stdout
    );
    // -v lists the 提示 findings as --all does.
    let v = juesuan(&["check", ex, "-v"]);
    let all = juesuan(&["check", ex, "--all"]);
    assert!(v.stdout.contains("提示 ["), "{}", v.stdout);
    assert_eq!(v.stdout, all.stdout);
    let both = juesuan(&["check", ex, "-q", "-v"]);
    assert_eq!(both.code, 2, "-q and -v together are refused");
}

#[test]
fn completions_and_man_page() {
    let b = juesuan(&["completions", "bash"]);
    assert_eq!(b.code, 0);
    assert!(
        b.stdout.contains("_juesuan()") && b.stdout.contains("build"),
        "{}",
        b.stdout
    );
    let z = juesuan(&["completions", "zsh"]);
    assert!(z.stdout.starts_with("#compdef juesuan"), "{}", z.stdout);
    let m = juesuan(&["man"]);
    assert_eq!(m.code, 0);
    assert!(m.stdout.contains(".TH juesuan 1"), "{}", m.stdout);
    assert!(
        m.stdout.contains("决算"),
        "the man page is the Chinese help"
    );
    let bad = juesuan(&["completions", "cmd.exe"]);
    assert_eq!(bad.code, 2);
}
