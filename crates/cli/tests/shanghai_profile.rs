#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The built-in profile shanghai-2024 end to end: the example's figures
//! (examples/jincheng-amr-2022) built with the Shanghai template give its nine
//! tables with their captions, amounts in 万元 with two decimals, no 行次, the eleven
//! sections of 情况说明 in order with the Putuo report's wording, and `juesuan check`
//! finds no error on the consistent data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn juesuan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(args)
        .output()
        .unwrap()
}

/// 情况说明 inputs in the Shanghai profile's ids (the example's own narrative.toml
/// uses shanxi-2022's, which this profile rejects as unknown). Last year's figures are
/// the example's; the 年初预算 by 项 add up to the total.
const NARRATIVE: &str = r#"
[last_year]
"grand.income" = "51,214,869.11"
"fiscal.income_grand" = "44,592,816.01"
"gpb.total" = "48,406,694.11"
"sg.actual.abroad" = "0.00"
"sg.actual.vehicle" = "308,989.20"
"sg.actual.reception" = "8,112.00"
"orc.total" = "3,052,244.59"

[initial_budget]
"gpb.total" = "44,711,272.01"
"gpb.total@2013299" = "80,550.00"
"gpb.total@2013801" = "25,606,916.23"
"gpb.total@2013802" = "5,887,885.90"
"gpb.total@2013804" = "1,223,612.00"
"gpb.total@2013805" = "100,000.00"
"gpb.total@2013815" = "912,600.50"
"gpb.total@2013899" = "5,023,424.02"
"gpb.total@2080505" = "1,757,873.83"
"gpb.total@2080506" = "130,687.87"
"gpb.total@2100799" = "72,458.00"
"gpb.total@2101101" = "968,478.84"
"gpb.total@2101103" = "504,038.07"
"gpb.total@2101199" = "19,619.75"
"gpb.total@2210201" = "2,423,127.00"

[texts]
"reason.一" = "财政核减预算资金"
"reason.五.budget" = "人员经费结余"
"use.2013801" = "机关人员经费及公用经费等基本支出"
"reason.2013801" = "人员经费结余"
"reason.sg.vehicle" = "加强车辆管理，节约公车运行成本"
"reason.sg.reception" = "公务接待人次减少"
"reason.orc" = "办公费较上年有所增加"
"perf.systems" = "《预算绩效管理实施办法》"
"perf.mechanism" = "全过程"

[counts]
"sg.abroad.groups" = 0
"sg.abroad.persons" = 0
"sg.vehicles.held" = 13
"sg.reception.domestic.batches" = 8
"sg.reception.domestic.persons" = 38
"perf.self.projects" = 4
"perf.self.grade.优" = 4
"perf.self.grade.良" = 0
"perf.self.grade.合格" = 0
"perf.self.grade.不合格" = 0

[amounts]
"sg.reception.domestic" = "4,502.00"
"sg.reception.foreign_affairs" = "0.00"
"perf.self.amount" = "5,984,200.00"

[scores]
"perf.self.average" = "99.43"
"#;

/// The example's input, switched to shanghai-2024: report.toml names the profile (and
/// no title, so the profile's is used), the CSV files are unchanged, narrative.toml is
/// the one above, and there are no project reports (the Shanghai template has no
/// 第五部分).
fn shanghai_input(dir: &Path) {
    let src = root().join("examples/jincheng-amr-2022");
    std::fs::create_dir_all(dir).unwrap();
    for f in ["income.csv", "general-budget.csv", "economic.csv"] {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    let report = std::fs::read_to_string(src.join("report.toml")).unwrap();
    assert!(report.contains("profile = \"shanxi-2022\""));
    let report: String = report
        .replace("profile = \"shanxi-2022\"", "profile = \"shanghai-2024\"")
        .lines()
        .filter(|l| !l.starts_with("title = "))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("report.toml"), report).unwrap();
    std::fs::write(dir.join("narrative.toml"), NARRATIVE).unwrap();
}

/// The HTML section of one table (`<section class="table…" id="t01">` … `</section>`).
fn table_html<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"t{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

const CAPTIONS: [&str; 9] = [
    "收入支出决算总表",
    "收入决算表",
    "支出决算表",
    "财政拨款收入支出决算总表",
    "一般公共预算财政拨款支出决算表",
    "一般公共预算财政拨款基本支出决算表",
    "财政拨款“三公”经费支出决算表",
    "政府性基金预算财政拨款收入支出决算表",
    "国有资本经营预算财政拨款收入支出决算表",
];

const SECTIONS: [&str; 11] = [
    "一、收入支出决算总体情况说明",
    "二、收入决算情况说明",
    "三、支出决算情况说明",
    "四、财政拨款收入支出决算总体情况说明",
    "五、一般公共预算财政拨款支出决算情况说明",
    "六、一般公共预算财政拨款基本支出决算情况说明",
    "七、财政拨款“三公”经费支出决算情况说明",
    "八、政府性基金预算财政拨款收入支出决算情况说明",
    "九、国有资本经营预算财政拨款收入支出决算情况说明",
    "十、预算绩效管理情况",
    "十一、其他重要事项的情况说明",
];

#[test]
fn the_example_built_with_the_shanghai_template() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in");
    let out = t.path().join("out");
    shanghai_input(&input);
    let o = juesuan(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "html,json",
    ]);
    // The example's inputs are Shanxi's: the Shanghai 情况说明 asks for more
    // (绩效 counts, 预留 procurement …), so only a draft is built.
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("输入不完整") && err.contains("perf.goals.amount"),
        "{err}"
    );
    assert!(!out.exists());
    let o = juesuan(&[
        "build",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--format",
        "html,json",
        "--draft",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("class=\"draft\""));

    // Nine tables, in order, with the template's captions; no tenth.
    let mut at = 0;
    for (i, caption) in CAPTIONS.iter().enumerate() {
        let id = format!("{:02}", i + 1);
        let section = table_html(&html, &id);
        assert!(
            section.contains(&format!("<h3 class=\"ttitle\">{caption}</h3>")),
            "table {id}: {caption}"
        );
        let pos = html.find(&format!("id=\"t{id}\"")).unwrap();
        assert!(pos > at, "table {id} out of order");
        at = pos;
        assert!(section.contains("单位：万元"), "table {id}");
        assert!(!section.contains("栏次"), "table {id} prints no 栏次 row");
    }
    assert!(!html.contains("id=\"t10\""));

    // Amounts in 万元 with two decimals: 44,592,816.01 元 → 4,459.28.
    let t01 = table_html(&html, "01");
    assert!(t01.contains(">4,459.28<"), "本年收入合计 in 万元");
    assert!(t01.contains(">4,461.45<"), "总计 in 万元");
    assert!(!t01.contains("44,592,816.01"));
    // No 行次 in the two-sided tables; the 24 classes end with 抗疫特别国债.
    for id in ["01", "04"] {
        let s = table_html(&html, id);
        assert!(!s.contains("行次") && !s.contains("class=\"line\""), "{id}");
        assert!(s.contains("二十四、抗疫特别国债安排的支出"), "{id}");
        assert!(
            !s.contains("债务还本支出") && !s.contains("二十五、"),
            "{id}"
        );
    }
    // 表五 prints 合计 after the codes.
    let t05 = table_html(&html, "05");
    let total_row = t05.find("colspan=\"2\">合计<").unwrap();
    assert!(total_row > t05.find(">2210201<").unwrap());
    let t02 = table_html(&html, "02");
    assert!(t02.find("colspan=\"2\">合计<").unwrap() < t02.find(">201<").unwrap());
    // 表六: 基本支出 only, 人员经费 (301, 303) beside 公用经费 (302, 310).
    let t06 = table_html(&html, "06");
    assert!(t06.contains(">2,792.87<") && t06.contains(">343.11<"));
    assert!(t06.contains("人员经费合计") && t06.contains("公用经费合计"));
    assert_eq!(t06.matches(">30201<").count(), 1, "302 rows print once");
    assert!(!t06.contains(">30905<"), "only the template's codes");
    // 表七: 预算数/决算数 pairs.
    assert!(table_html(&html, "07").contains(">30.01<"));
    // 表八、表九 empty, with the template's note naming the department.
    for (id, what) in [("08", "政府性基金"), ("09", "国有资本经营")] {
        assert!(
            table_html(&html, id).contains(&format!(
                "说明：晋城市市场监督管理局本年度没有{what}预算财政拨款收入和支出，故本表无数据。"
            )),
            "{id}"
        );
    }

    // Parts: four, no 第五部分.
    for part in [
        "第一部分 晋城市市场监督管理局概况",
        "第二部分 晋城市市场监督管理局2022年度部门决算表",
        "第三部分 晋城市市场监督管理局2022年度部门决算情况说明",
        "第四部分 名词解释",
    ] {
        assert!(html.contains(part), "{part}");
    }
    assert!(!html.contains("第五部分"));

    // The eleven sections, in order.
    let mut at = 0;
    for s in SECTIONS {
        let pos = html
            .find(&format!(">{s}</h3>"))
            .unwrap_or_else(|| panic!("section {s}"));
        assert!(pos > at, "{s} out of order");
        at = pos;
    }
    // Sentences in the Putuo report's wording, every number in 万元 from exact fen.
    for sentence in [
        "晋城市市场监督管理局2022年度收入支出总计4461.45万元。与2021年度相比，收入支出总计减少660.04万元，下降12.89%。主要原因：财政核减预算资金。",
        "本年收入合计4459.28万元，其中：财政拨款收入4459.28万元，占100.00%。",
        "本年支出合计4459.28万元，其中：基本支出3135.97万元，占70.32%；项目支出1323.31万元，占29.68%。",
        "与2021年度相比，财政拨款收入支出总计持平。",
        "一般公共预算财政拨款支出4459.28万元，占本年支出合计的100.00%。与2021年度相比，一般公共预算财政拨款支出减少381.39万元，下降7.88%。",
        "一般公共服务支出（类）3871.65万元，占86.82%；",
        "一般公共预算财政拨款支出年初预算为4471.13万元，支出决算为4459.28万元，完成年初预算的99.74%。决算数小于预算数的主要原因：人员经费结余。其中：",
        "2、一般公共服务支出（类）市场监督管理事务（款）行政运行（项）。主要用于：机关人员经费及公用经费等基本支出。年初预算为2560.69万元，支出决算为2548.35万元。决算数小于预算数的主要原因：人员经费结余。",
        "14、住房保障支出（类）住房改革支出（款）住房公积金（项）。年初预算为242.31万元，支出决算为242.31万元。决算数与预算数持平。",
        "一般公共预算财政拨款基本支出3135.97万元。其中：人员经费2792.87万元，主要包括：基本工资、",
        "“三公”经费财政拨款支出年初预算为30.01万元，支出决算为30.01万元，完成预算的100.00%，其中：因公出国（境）费决算为0.00万元，年初未安排预算；",
        "2022年度“三公”经费财政拨款支出决算数比2021年度减少1.70万元，下降5.36%，其中：因公出国（境）费支出决算持平；公务用车购置及运行维护费支出决算减少1.34万元，下降4.33%；公务接待费支出决算减少0.36万元，下降44.50%。",
        "公务接待费支出减少的主要原因是公务接待人次减少。",
        "国内公务接待支出0.45万元（含外宾接待支出0.00万元）。共接待8批次、38人次",
        "晋城市市场监督管理局2022年度无政府性基金预算财政拨款收入和支出。",
        "绩效自评的2022年度项目4个，涉及预算金额598.42万元，平均得分99.43分（其中，绩效评级为“优”的项目4个；绩效评级为“良”的项目0个；绩效评级为“合格”的项目0个；绩效评级为“不合格”的项目0个。",
        "机关运行经费支出343.11万元，比2021年度增加37.88万元，增长12.41%。主要原因是办公费较上年有所增加。",
        "截至2022年12月31日，晋城市市场监督管理局共有车辆13辆，其中：部级领导干部用车0辆",
        "十一、机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费支出。",
    ] {
        assert!(html.contains(sentence), "missing: {sentence}");
    }

    // The JSON: profile, nine tables, the eleven sections, no error-level finding.
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(v["profile"], "shanghai-2024");
    assert_eq!(v["title"], "晋城市市场监督管理局2022年度部门决算");
    let tables = v["tables"]["tables"].as_array().unwrap();
    let captions: Vec<&str> = tables
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(captions, CAPTIONS);
    let headings: Vec<&str> = v["text"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"] == "narrative")
        .flat_map(|p| p["blocks"].as_array().unwrap())
        .filter(|b| b["type"] == "heading" && b["level"] == 2)
        .map(|b| b["text"].as_str().unwrap())
        .collect();
    assert_eq!(headings, SECTIONS);
    let errors: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // `juesuan check` agrees: exit code 0, no error.
    let o = juesuan(&["check", input.to_str().unwrap()]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("错误 0 处"), "{text}");
}

#[test]
fn an_inconsistent_budget_is_an_error_under_the_shanghai_template() {
    // 年初预算 by 项 that do not add up to the total (one 项 raised by 1 元).
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in");
    shanghai_input(&input);
    let narrative = NARRATIVE.replace(
        "\"gpb.total@2210201\" = \"2,423,127.00\"",
        "\"gpb.total@2210201\" = \"2,423,128.00\"",
    );
    std::fs::write(input.join("narrative.toml"), narrative).unwrap();
    let o = juesuan(&["check", input.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("NARR-BUDGET") && text.contains("年初预算按项之和"),
        "{text}"
    );
}

#[test]
fn profiles_lists_the_shanghai_template() {
    let o = juesuan(&["profiles"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("shanxi-2022"), "{text}");
    assert!(
        text.contains("shanghai-2024") && text.contains("9 张表，情况说明 11 节"),
        "{text}"
    );
}

/// A rule's message names the tables as the template numbers them: under the
/// Shanghai template 表五 and 表六, never the Shanxi 公开05表/公开06表 (issue 14).
#[test]
fn messages_name_the_templates_own_table_numbers() {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join("in");
    shanghai_input(&input);
    let econ = std::fs::read_to_string(input.join("economic.csv")).unwrap();
    let changed = econ.replacen(
        "30101,基本工资,6798345.08,6798345.08",
        "30101,基本工资,6798445.08,6798445.08",
        1,
    );
    assert_ne!(econ, changed);
    std::fs::write(input.join("economic.csv"), changed).unwrap();
    let o = juesuan(&["check", input.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(o.status.code(), Some(1), "{text}");
    let xt: Vec<&str> = text
        .split("\n\n")
        .filter(|f| f.contains("[XT-05-06]"))
        .collect();
    assert!(!xt.is_empty(), "{text}");
    for f in xt {
        assert!(f.contains("表五") && f.contains("表六"), "{f}");
        assert!(!f.contains("公开0"), "Shanxi numbers under Shanghai: {f}");
    }
}
