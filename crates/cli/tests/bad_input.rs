#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Bad input: every unusable input gets a Chinese message naming file and line (and
//! field), exit code 2, no output written, and never a panic.

mod common;

use common::{Run, example, juesuan, refused, replace, scratch};
use std::process::Command;

#[test]
fn unknown_profile() {
    let t = scratch(|d| {
        replace(
            &d.join("report.toml"),
            "profile = \"shanxi-2022\"",
            "profile = \"shanxi-2099\"",
        )
    });
    refused(
        &t,
        &[
            "report.toml 第 9 行",
            "未知的模板 “shanxi-2099”",
            "shanxi-2022",
        ],
    );
}

#[test]
fn missing_report_toml() {
    let t = scratch(|d| std::fs::remove_file(d.join("report.toml")).unwrap());
    refused(&t, &["report.toml", "找不到 report.toml"]);
}

#[test]
fn missing_income_csv() {
    let t = scratch(|d| std::fs::remove_file(d.join("income.csv")).unwrap());
    refused(&t, &["income.csv", "缺少文件 income.csv"]);
}

#[test]
fn missing_input_directory() {
    let r = juesuan(&["check", "/nonexistent/juesuan-input"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("/nonexistent/juesuan-input") && r.stderr.contains("路径不存在"),
        "{}",
        r.stderr
    );
}

#[test]
fn malformed_toml() {
    let t = scratch(|d| {
        replace(
            &d.join("report.toml"),
            "year = 2022",
            "year = 2022\n[balances",
        )
    });
    refused(&t, &["report.toml 第 13 行", "TOML"]);
}

#[test]
fn float_amount_in_toml() {
    let t = scratch(|d| {
        replace(
            &d.join("report.toml"),
            "carry_in = \"21,675.00\"",
            "carry_in = 21675.5",
        )
    });
    refused(&t, &["report.toml 第", "金额请写成带引号的字符串"]);
}

#[test]
fn unknown_key_in_toml_gets_a_suggestion() {
    let t = scratch(|d| {
        replace(
            &d.join("report.toml"),
            "carry_out = \"21,675.00\"",
            "carry_uot = \"21,675.00\"",
        )
    });
    refused(
        &t,
        &[
            "report.toml 第",
            "[balances] 中没有 “carry_uot”",
            "是否应为 “carry_out”",
        ],
    );
}

#[test]
fn non_numeric_amount() {
    let t = scratch(|d| replace(&d.join("general-budget.csv"), "25483460.23", "2548x3460.23"));
    refused(&t, &["general-budget.csv 第 3 行「基本支出」", "不是金额"]);
}

#[test]
fn amount_with_three_decimals() {
    let t = scratch(|d| replace(&d.join("income.csv"), "80550.00", "80550.123"));
    refused(&t, &["income.csv 第 2 行「财政拨款收入」", "超过两位小数"]);
}

#[test]
fn malformed_functional_code() {
    let t = scratch(|d| replace(&d.join("income.csv"), "2013299,", "201329,"));
    refused(
        &t,
        &[
            "income.csv 第 2 行「科目编码」",
            "“201329” 不是支出功能分类科目编码",
        ],
    );
}

#[test]
fn unknown_economic_code() {
    let t = scratch(|d| replace(&d.join("economic.csv"), "30101,基本工资", "30198,基本工资"));
    refused(
        &t,
        &[
            "economic.csv 第 2 行「经济分类科目编码」",
            "30198 不在 shanxi-2022 的支出经济分类目录中",
        ],
    );
}

#[test]
fn unknown_functional_code_without_a_name() {
    let t = scratch(|d| {
        replace(
            &d.join("income.csv"),
            "2013299,其他组织事务支出,",
            "2013298,,",
        )
    });
    refused(
        &t,
        &[
            "income.csv 第 2 行「科目名称」",
            "2013298 不在 shanxi-2022 的科目目录中",
        ],
    );
}

#[test]
fn duplicated_row() {
    let t = scratch(|d| {
        let p = d.join("general-budget.csv");
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str("2013801,行政运行,1.00,\n");
        std::fs::write(p, s).unwrap();
    });
    refused(
        &t,
        &[
            "general-budget.csv 第 16 行",
            "科目 2013801 重复（第 3 行已有）",
        ],
    );
}

#[test]
fn item_without_a_known_class() {
    let t = scratch(|d| {
        let p = d.join("income.csv");
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str("2280101,其他支出,100.00,,,,,\n");
        std::fs::write(p, s).unwrap();
    });
    refused(
        &t,
        &[
            "income.csv 第 16 行「科目编码」",
            "类 228 不是公开01表所列的 26 个功能类之一",
        ],
    );
}

#[test]
fn csv_row_wider_than_its_header() {
    let t = scratch(|d| {
        replace(
            &d.join("general-budget.csv"),
            "2013801,行政运行,25483460.23,",
            "2013801,行政运行,25483460.23,,99",
        )
    });
    refused(
        &t,
        &["general-budget.csv 第 3 行", "本行有 5 列，表头只有 4 列"],
    );
}

#[test]
fn unknown_csv_column() {
    let t = scratch(|d| {
        replace(
            &d.join("general-budget.csv"),
            "基本支出,项目支出",
            "基本支出,项目之出",
        )
    });
    refused(
        &t,
        &[
            "general-budget.csv 第 1 行「项目之出」",
            "未知的列",
            "是否应为 “项目支出”",
        ],
    );
}

#[test]
fn gbk_encoded_csv() {
    let t = scratch(|d| {
        // "科目编码" in GBK, then ASCII: not valid UTF-8.
        let gbk: &[u8] = &[0xBF, 0xC6, 0xC4, 0xBF, 0xB1, 0xE0, 0xC2, 0xEB, b'\n'];
        std::fs::write(d.join("economic.csv"), gbk).unwrap();
    });
    refused(&t, &["economic.csv", "不是 UTF-8 编码（可能是 GBK）"]);
}

#[test]
fn misspelt_csv_file_name() {
    let t = scratch(|d| {
        std::fs::rename(d.join("general-budget.csv"), d.join("general-budgets.csv")).unwrap()
    });
    refused(
        &t,
        &[
            "general-budgets.csv",
            "不认识的文件",
            "是否应为 “general-budget.csv”",
        ],
    );
}

#[test]
fn unknown_narrative_input() {
    let t = scratch(|d| {
        replace(
            &d.join("narrative.toml"),
            "\"reason.一\" =",
            "\"reasn.一\" =",
        )
    });
    refused(&t, &["narrative.toml 第", "[texts] 中没有 “reasn.一”"]);
}

#[test]
fn project_weight_not_a_number() {
    let t = scratch(|d| {
        let p = std::fs::read_dir(d.join("projects"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .min()
            .unwrap();
        replace(&p, "weight = \"8\"", "weight = \"八\"");
    });
    refused(
        &t,
        &["projects/01-市场监督管理经费.toml 第", "“八” 不是分值"],
    );
}

#[test]
fn project_indicator_without_category() {
    let t = scratch(|d| {
        let p = std::fs::read_dir(d.join("projects"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .min()
            .unwrap();
        replace(&p, "level2 = \"数量指标\"", "level2 = \"\"");
    });
    refused(
        &t,
        &["projects/01-市场监督管理经费.toml 第", "缺少二级指标"],
    );
}

#[test]
fn project_summary_naming_no_project() {
    let t = scratch(|d| replace(&d.join("narrative.toml"), "\"抽检费\",", "\"抽检经费\","));
    refused(
        &t,
        &["narrative.toml 第", "“抽检经费”", "不在 projects/ 中"],
    );
}

/// Not unusable, but wrong: a project spending more than its budget is an error
/// finding (exit 1), and an unreadable target a warning — check still runs.
#[test]
fn project_execution_over_budget_and_an_unreadable_target_are_findings() {
    let t = scratch(|d| {
        let p = std::fs::read_dir(d.join("projects"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .min()
            .unwrap();
        replace(
            &p,
            "executed = \"2,737,825.90\"",
            "executed = \"2,837,825.90\"",
        );
        replace(&p, "target = \"≥60个\"", "target = \"≥六十个\"");
    });
    let r = juesuan(&["check", t.path().join("in").to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("[PERF-BUDGET]")
            && r.stdout
                .contains("全年执行数 2,837,825.90 超过全年预算数 2,737,825.90"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("[PERF-TARGET]")
            && r.stdout.contains("“≥六十个” 有比较符号“≥”，但其后不是数值"),
        "{}",
        r.stdout
    );
}

#[test]
fn all_errors_of_an_input_are_reported_at_once() {
    let t = scratch(|d| {
        replace(&d.join("income.csv"), "80550.00", "80550.123");
        replace(&d.join("general-budget.csv"), "25483460.23", "abc");
        replace(&d.join("economic.csv"), "30101,基本工资", "30198,基本工资");
    });
    let r = juesuan(&["check", t.path().join("in").to_str().unwrap()]);
    assert_eq!(r.code, 2);
    for e in [
        "income.csv 第 2 行",
        "general-budget.csv 第 3 行",
        "economic.csv 第 2 行",
        "3 处错误",
    ] {
        assert!(r.stderr.contains(e), "lacks {e}:\n{}", r.stderr);
    }
}

#[test]
fn unwritable_output_directory() {
    let t = tempfile::tempdir().unwrap();
    let blocker = t.path().join("file");
    std::fs::write(&blocker, "not a directory").unwrap();
    let out = blocker.join("out");
    let r = juesuan(&[
        "build",
        example().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("无法创建输出目录"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
}

#[test]
fn unknown_output_format_and_unknown_rule() {
    let r = juesuan(&["build", example().to_str().unwrap(), "--format", "docx"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("未知的输出格式 “docx”"), "{}", r.stderr);
    let r = juesuan(&["explain", "T-ROWSUMM"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("没有规则 “T-ROWSUMM”") && r.stderr.contains("是否应为 “T-ROWSUM”"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("？。"),
        "doubled punctuation: {}",
        r.stderr
    );
}

#[test]
fn a_command_line_people_mistype_is_answered_in_chinese_with_exit_2() {
    // No subcommand: the help, exit 2.
    let r = juesuan(&[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("check") && r.stdout.is_empty(),
        "{}",
        r.stderr
    );
    for (args, want) in [
        (vec!["chek"], "没有子命令 “chek”，是否应为 “check”？"),
        (
            vec!["check", "--fromat", "json", "x"],
            "不认识的参数 “--fromat”，是否应为 “--format”？",
        ),
        (vec!["init"], "缺少必需的参数"),
    ] {
        let r = juesuan(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("error:"), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn check_json_carries_its_schema_and_counts() {
    let r = juesuan(&["check", example().to_str().unwrap(), "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "juesuan/check@1");
    assert_eq!(v["counts"]["error"], 0);
    let findings = v["findings"].as_array().unwrap();
    let warnings = findings
        .iter()
        .filter(|f| f["severity"] == "warning")
        .count();
    assert_eq!(v["counts"]["warning"], warnings);
    assert_eq!(v["year"], 2022);
    assert_eq!(v["profile"], "shanxi-2022");
}

#[test]
fn a_build_with_errors_writes_nothing_unless_forced() {
    let t = scratch(|d| {
        replace(
            &d.join("report.toml"),
            "administrative = \"3,431,071.42\"",
            "administrative = \"3,531,071.42\"",
        )
    });
    let input = t.path().join("in");
    let out = t.path().join("out");
    let r = juesuan(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("[XT-10-06]") && r.stderr.contains("未生成报告"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    let r = juesuan(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(r.code, 1);
    assert!(out.join("report.html").exists() && out.join("report.json").exists());
}

#[test]
fn a_full_disk_leaves_no_half_written_report() {
    // Every write past the first 512 bytes fails (a file-size limit, with SIGXFSZ
    // ignored: EFBIG), as on a full disk. Temporary files are created with O_EXCL,
    // so a symlink planted at a temporary name cannot stand in for /dev/full.
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let out_ = Command::new("sh")
        .args([
            "-c",
            "ulimit -f 1; trap '' XFSZ; exec \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_juesuan"),
            "build",
            example().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let r = Run {
        code: out_.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out_.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out_.stderr).into_owned(),
    };
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("无法写入"), "{}", r.stderr);
    assert!(!r.stderr.contains("panicked"));
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_missing_font_directory_is_refused_before_anything_is_written() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("out");
    let r = juesuan(&[
        "build",
        example().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--font-dir",
        "/nonexistent/fonts",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("字体目录 /nonexistent/fonts 不存在"),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
}

#[test]
fn rules_and_profiles_as_json() {
    let r = juesuan(&["rules", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "juesuan/rules@1");
    let ids: Vec<&str> = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for want in ["T-ROWSUM", "XU-SUM", "TX-LEFTOVER", "AU-CHANGE"] {
        assert!(ids.contains(&want), "{want}");
    }
    assert!(
        v["rules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["purpose"].as_str().is_some_and(|p| !p.is_empty()))
    );
    let r = juesuan(&["profiles", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema"], "juesuan/profiles@1");
    let shanghai = v["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "shanghai-2024")
        .unwrap();
    assert_eq!(shanghai["amount_unit"], "万元");
    assert_eq!(shanghai["tables"].as_array().unwrap().len(), 9);
    let r = juesuan(&["profiles", "--format", "xml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("未知的输出格式"), "{}", r.stderr);
}
