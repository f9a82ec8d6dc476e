//! `juesuan`: the command line. Glue only — every decision lives in the library crates.
//!
//! Exit codes: 0 no error found; 1 errors found (`check`, `build` without `--force`);
//! 2 unusable input or output (a Chinese message names file and line), never a panic.

//! Every write to the terminal goes through [`term`] (a closed pipe ends quietly, any
//! other failure is exit 2); a panic, should one slip through, ends in one Chinese
//! line and exit code 70 (see [`install_panic_hook`]).

#![deny(clippy::print_stdout, clippy::print_stderr)]

mod audit;
mod check;
mod convert;
mod help;
mod output;
mod parallel;
mod platform;
mod score;
mod term;

use clap::{FromArgMatches, Parser, Subcommand};
use juesuan_engine::{Failure, Format, load};
use juesuan_model::Severity;
use output::{DirMode, Inputs, findings_text, format_of_extension, write_dir};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "juesuan",
    version,
    about = "决算：部门决算公开报告的生成、检查与发布",
    long_about = "决算（juesuan）：由部门决算数据生成完整的部门决算公开报告（十张公开表、情况说明、名词解释），\n检查每一条勾稽关系，并输出 HTML、JSON 等格式。\n\n退出码：0 未发现错误；1 发现错误；2 输入无法使用。"
)]
struct Cli {
    /// 着色：auto（默认：仅在终端上，且未设 NO_COLOR 时）、always、never
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "何时",
        hide_possible_values = true
    )]
    color: term::ColorWhen,
    /// 安静：不输出汇总、进度与生成说明，只输出发现的问题和错误
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// 详细：同时列出“提示”级别的发现（同 check、audit 的 --all）
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查一份决算数据：逐条规则核对，列出发现的问题
    #[command(
        after_help = "例：\n  juesuan check examples/jincheng-amr-2022\n  juesuan check 2023决算公开.xlsx --format json\n  juesuan check 2023/ --previous 2022/\n  juesuan check 各部门/*.xlsx"
    )]
    Check {
        /// 输入目录（含 report.toml）、report.toml 文件或 .xlsx 填报工作簿；可给多份，并行检查并汇总
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 输出格式：text（默认）或 json
        #[arg(long, default_value = "text")]
        format: String,
        /// 同时列出“提示”级别的发现
        #[arg(long)]
        all: bool,
        /// 把警告也当作错误（退出码 1）
        #[arg(long)]
        strict: bool,
        /// 与一份已有的情况说明（文本文件，如已公开报告的全文）逐句比对
        #[arg(long, value_name = "文件")]
        narrative: Option<PathBuf>,
        /// 同一部门上一年度的决算数据（目录或工作簿）：核对本年所述上年数、年初结转和结余
        #[arg(long, value_name = "输入")]
        previous: Option<PathBuf>,
        /// 所属单位的决算数据（可重复）：部门的每个明细数须等于各单位之和
        #[arg(long = "unit", value_name = "输入")]
        units: Vec<PathBuf>,
    },
    /// 比较同一部门两个年度的决算数据：哪些数据变了，本年所述上年数与上年报告是否一致
    #[command(
        after_help = "例：\n  juesuan compare 2022/ 2023/\n  juesuan compare 2022.xlsx 2023.xlsx --format json"
    )]
    Compare {
        /// 一个年度的输入（目录或工作簿）
        first: PathBuf,
        /// 另一个年度的输入（顺序不限，按数据中的年度区分新旧）
        second: PathBuf,
        /// 输出格式：text（默认）或 json
        #[arg(long, default_value = "text")]
        format: String,
        /// 逐项列出两年所有不同的数据
        #[arg(long)]
        all: bool,
    },
    /// 生成决算公开报告
    #[command(
        after_help = "例：\n  juesuan build examples/jincheng-amr-2022 -o out\n  juesuan build 2023决算公开.xlsx -o out --format pdf,html\n  juesuan build 2023决算公开.xlsx -o out --embedded-fonts-only --csv-bom"
    )]
    Build {
        /// 输入目录（含 report.toml）、report.toml 文件或 .xlsx 填报工作簿
        input: PathBuf,
        /// 输出目录
        #[arg(short, long, default_value = "out")]
        output: PathBuf,
        /// 输出格式，逗号分隔：pdf,html,xlsx,json,csv
        #[arg(long, default_value = "pdf,html,xlsx,json,csv")]
        format: String,
        /// 即使发现错误也生成报告
        #[arg(long)]
        force: bool,
        /// 输入不完整（情况说明缺少所需的输入）时仍生成，每页标“草稿”，不可公开
        #[arg(long)]
        draft: bool,
        /// 另加字体目录（可重复）。PDF字体依次为：模板指定的字体（如宋体、黑体）、Noto CJK，须已安装或在此目录中；最后是内置的宋体、黑体（Noto字体的子集）
        #[arg(long = "font-dir", value_name = "目录")]
        font_dir: Vec<PathBuf>,
        /// 只用内置字体排版 PDF：不同机器生成的 PDF 逐字节相同
        #[arg(long, conflicts_with = "font_dir")]
        embedded_fonts_only: bool,
        /// 开放数据的 CSV 文件前加 UTF-8 BOM，供 Excel 直接双击打开不乱码
        #[arg(long)]
        csv_bom: bool,
    },
    /// 解释一条规则：它检查什么、为什么、举例
    #[command(after_help = "例：\n  juesuan explain T-ROWSUM\n  juesuan explain AU-CHANGE")]
    Explain {
        /// 规则编号，如 T-ROWSUM
        rule: String,
    },
    /// 列出全部规则
    #[command(after_help = "例：\n  juesuan rules\n  juesuan rules --format json")]
    Rules {
        /// 以 Markdown 输出（即 docs/RULES.md）
        #[arg(long)]
        markdown: bool,
        /// 输出格式：text（默认）或 json
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// 项目绩效自评：逐项目列出自评得分、按评分方法应得的分数及差异原因
    #[command(after_help = "例：\n  juesuan score examples/jincheng-amr-2022")]
    Score {
        /// 输入目录（含 report.toml）、report.toml 文件或 .xlsx 填报工作簿
        input: PathBuf,
        /// 输出格式：text（默认）或 json
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// 列出内置的报告模板（profile）
    #[command(after_help = "例：\n  juesuan profiles\n  juesuan profiles --format json")]
    Profiles {
        /// 输出格式：text（默认）或 json
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// 生成空白的填报工作簿（.xlsx）：按模板列出基本信息、十张公开表、情况说明与项目绩效自评各表
    #[command(
        after_help = "例：\n  juesuan init --xlsx 2023决算公开.xlsx --department 某某局 --year 2023\n  juesuan init --xlsx 上海.xlsx --profile shanghai-2024 --department 上海市某局 --year 2024"
    )]
    Init {
        /// 要生成的工作簿，如 2023决算公开.xlsx
        #[arg(long, value_name = "文件")]
        xlsx: PathBuf,
        /// 报告模板（juesuan profiles 列出全部）
        #[arg(long, default_value = "shanxi-2022")]
        profile: String,
        /// 部门名称
        #[arg(long)]
        department: String,
        /// 决算年度
        #[arg(long)]
        year: i32,
        /// 覆盖已存在的文件
        #[arg(long)]
        force: bool,
    },
    /// 审计已公开的决算报告（PDF 或从 PDF 提取的文本）：读回表格与情况说明，列出不相符之处
    #[command(
        after_help = "例：\n  juesuan audit 已公开报告.pdf\n  juesuan audit 已公开报告.pdf -o 审计结果.html\n  juesuan audit 各部门/*.pdf --summary 汇总.csv --csv-bom"
    )]
    Audit {
        /// 一个或多个 PDF / 文本文件（多个时并行审计）
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// 输出格式：text（默认）、json 或 html（独立的网页报告）；未指定时按 -o 的扩展名（.txt/.json/.html）选择
        #[arg(long)]
        format: Option<String>,
        /// 写入文件而不是终端（扩展名须与 --format 相符）
        #[arg(short, long, value_name = "文件")]
        output: Option<PathBuf>,
        /// 每个输入一行的汇总表（CSV），用于批量审计
        #[arg(long, value_name = "文件")]
        summary: Option<PathBuf>,
        /// 同时列出“提示”级别的发现（如四舍五入差异）
        #[arg(long)]
        all: bool,
        /// 汇总表（--summary）前加 UTF-8 BOM，供 Excel 直接打开
        #[arg(long, requires = "summary")]
        csv_bom: bool,
    },
    /// 从已公开的报告（PDF 或文本）中提取各表数字：CSV（开放数据格式）及 audit.json
    #[command(after_help = "例：\n  juesuan extract 已公开报告.pdf -o 提取的数据")]
    Extract {
        /// PDF 或文本文件
        input: PathBuf,
        /// 输出目录（新的或空的目录）
        #[arg(short, long)]
        output: PathBuf,
        /// CSV 文件前加 UTF-8 BOM，供 Excel 直接打开
        #[arg(long)]
        csv_bom: bool,
    },
    /// 启动决算公开平台：财政局收集、检查、退回、批准、公开各部门的报告；公众阅读、下载、检索
    #[command(
        after_help = "例：\n  juesuan serve\n  juesuan serve --demo\n  juesuan serve --database postgres://user@host/db --listen 0.0.0.0:8080 --data-dir /srv/juesuan"
    )]
    Serve {
        /// 数据库地址；默认是数据目录中的 SQLite 文件。PostgreSQL：postgres://用户@主机/库
        #[arg(long, value_name = "地址")]
        database: Option<String>,
        /// 监听地址
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "地址:端口")]
        listen: String,
        /// 数据目录（数据库文件与上传、生成的文件）
        #[arg(long, default_value = "juesuan-data", value_name = "目录")]
        data_dir: PathBuf,
        /// 载入演示数据：示例报告（已公开）与一个城市的部门和账号
        #[arg(long)]
        demo: bool,
        /// 本进程的后台任务数（PDF 生成、公开）
        #[arg(long, default_value_t = 1)]
        workers: usize,
        /// 通过 HTTPS 提供服务（直接或在反向代理之后）：Cookie 加 Secure
        #[arg(long)]
        secure_cookies: bool,
    },
    /// 平台管理：用户、部门导入、备份与恢复
    #[command(
        after_help = "例：\n  juesuan admin add-user wang --name 王某 --role preparer --department 065\n  juesuan admin import-departments 部门.csv\n  juesuan admin backup /srv/备份/2026-12-04"
    )]
    Admin {
        /// 数据库地址（同 serve）
        #[arg(long, value_name = "地址", global = true)]
        database: Option<String>,
        /// 数据目录（同 serve）
        #[arg(
            long,
            default_value = "juesuan-data",
            value_name = "目录",
            global = true
        )]
        data_dir: PathBuf,
        #[command(subcommand)]
        action: AdminAction,
    },
    /// 生成命令行补全脚本
    #[command(
        after_help = "例：\n  juesuan completions bash > ~/.local/share/bash-completion/completions/juesuan\n  juesuan completions zsh > ~/.zfunc/_juesuan"
    )]
    Completions {
        /// 外壳：bash、zsh、fish、powershell、elvish
        shell: clap_complete::Shell,
    },
    /// 生成 man 手册页（roff 格式）
    #[command(
        after_help = "例：\n  juesuan man > ~/.local/share/man/man1/juesuan.1 && man juesuan"
    )]
    Man,
    /// 转换输入格式：文本目录 → .xlsx 填报工作簿，或 .xlsx → 文本目录
    #[command(
        after_help = "例：\n  juesuan convert examples/jincheng-amr-2022 -o 填报.xlsx\n  juesuan convert 填报.xlsx -o 文本目录"
    )]
    Convert {
        /// 文本目录（或其 report.toml），或 .xlsx 填报工作簿
        input: PathBuf,
        /// 输出：.xlsx 文件（输入为目录时），或新的空目录（输入为工作簿时）
        #[arg(short, long)]
        output: PathBuf,
        /// 覆盖已存在的 .xlsx 文件
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum AdminAction {
    /// 添加用户，打印一次性密码
    #[command(after_help = "例：\n  juesuan admin add-user li --name 李某 --role reviewer")]
    AddUser {
        /// 用户名
        username: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 角色：admin（财政局管理员）、reviewer（财政审核）、preparer（部门填报）
        #[arg(long)]
        role: String,
        /// 部门编码（部门填报必填）
        #[arg(long)]
        department: Option<String>,
    },
    /// 重置用户密码，打印新的一次性密码
    #[command(after_help = "例：\n  juesuan admin reset-password li")]
    ResetPassword {
        /// 用户名
        username: String,
    },
    /// 从 CSV 导入部门（列：编码,部门名称,单位,年度,批复日期,上级部门编码；最后一列填写的是单独填报的单位）
    #[command(after_help = "例：\n  juesuan admin import-departments 部门.csv")]
    ImportDepartments {
        /// CSV 文件
        csv: PathBuf,
    },
    /// 设置年度及其模板
    #[command(after_help = "例：\n  juesuan admin add-year 2023 --profile shanxi-2022")]
    AddYear {
        /// 决算年度
        year: i64,
        /// 模板（juesuan profiles 列出全部）
        #[arg(long, default_value = "shanxi-2022")]
        profile: String,
    },
    /// 备份数据库与文件存储到一个新目录
    #[command(after_help = "例：\n  juesuan admin backup /srv/备份/2026-12-04")]
    Backup {
        /// 新的备份目录
        target: PathBuf,
    },
    /// 从备份恢复到空的数据目录
    #[command(
        after_help = "例：\n  juesuan admin restore /srv/备份/2026-12-04 --data-dir juesuan-data"
    )]
    Restore {
        /// 备份目录
        source: PathBuf,
    },
}

/// A command's outcome: `Err` is an exit code decided early (its message printed).
pub(crate) type Outcome = Result<ExitCode, ExitCode>;

/// Prints why a command cannot proceed; exit code 2.
pub(crate) fn fail(f: Failure) -> ExitCode {
    term::err(&check::failure_text(&f));
    ExitCode::from(2)
}

/// The options of `build` beside its input, output and formats.
struct BuildOptions {
    /// `--force`: despite errors.
    force: bool,
    /// `--draft`: despite missing inputs, marked 草稿.
    draft: bool,
    /// `--font-dir`.
    font_dirs: Vec<PathBuf>,
    /// `--embedded-fonts-only`.
    embedded_fonts_only: bool,
    /// `--csv-bom`.
    csv_bom: bool,
}

/// `build`.
fn build(input: &Path, out: &Path, format: &str, options: &BuildOptions) -> Outcome {
    let (force, draft) = (options.force, options.draft);
    let (font_dirs, embedded_only) = (&options.font_dirs, options.embedded_fonts_only);
    let names: Vec<&str> = format
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let mut formats = Vec::new();
    for name in &names {
        match Format::parse(name) {
            Some(f) => formats.push(f),
            None => {
                let all: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                return Err(fail(Failure::Other(format!(
                    "未知的输出格式 “{name}”：可用 {}",
                    all.join("、")
                ))));
            }
        }
    }
    if formats.is_empty() {
        return Err(fail(Failure::Other("没有指定输出格式".to_string())));
    }
    // `-o` is a folder: a name like `r.pdf` was meant as a file; say so rather than
    // make a folder called `r.pdf` holding every format.
    if let Some(ext) = format_of_extension(out)
        && !out.is_dir()
    {
        return Err(fail(Failure::Other(format!(
            "build 的 -o 是输出目录，而 {} 看起来是一个 .{ext} 文件名：请用 -o 指定目录，用 --format 选择格式（如 --format {ext}）",
            out.display()
        ))));
    }
    // CJK fonts take tens of milliseconds to read: load them while the input is read
    // and checked.
    let fonts = formats.contains(&Format::Pdf).then(|| {
        let dirs = font_dirs.to_vec();
        std::thread::spawn(move || juesuan_pdf::load_fonts(&dirs, embedded_only))
    });
    let mut loaded = load(input, None, juesuan_engine::Against::default()).map_err(fail)?;
    let has_errors = loaded
        .findings
        .iter()
        .any(|f| f.severity == Severity::Error);
    if has_errors && !force {
        term::err(&findings_text(&loaded.findings, false));
        term::errln(&check::summary(&loaded, input));
        term::errln("数据有错误，未生成报告。改正后重试，或加 --force 照样生成。");
        return Ok(ExitCode::from(1));
    }
    // A blank or incomplete form does not make a report that looks publishable.
    let missing = juesuan_engine::missing_inputs(&loaded);
    if !missing.is_empty() && !draft {
        let mut s = format!(
            "输入不完整：情况说明缺少 {} 项所需的输入，未生成报告。\n",
            missing.len()
        );
        for f in &missing {
            let _ = std::fmt::Write::write_fmt(
                &mut s,
                format_args!("  {}：{}\n", f.location, f.message),
            );
        }
        s.push_str("补齐后重试，或加 --draft 生成每页标有“草稿”、不可公开的报告。\n");
        term::err(&s);
        return Ok(ExitCode::from(1));
    }
    loaded.document.draft = draft && !missing.is_empty();
    let fonts = match fonts.map(std::thread::JoinHandle::join) {
        None => None,
        Some(Ok(Ok(f))) => Some(f),
        Some(Ok(Err(e))) => return Err(fail(Failure::Other(e.to_string()))),
        Some(Err(_)) => return Err(fail(Failure::Other("无法加载字体".to_string()))),
    };
    let rendered = juesuan_engine::render(&loaded, &formats, fonts);
    let outputs = rendered.map_err(|m| fail(Failure::Other(m)))?;
    let mut files = outputs.files;
    if options.csv_bom {
        juesuan_render::opendata::with_bom(&mut files).map_err(|m| fail(Failure::Other(m)))?;
    }
    let mut read = vec![input.to_path_buf()];
    read.extend(font_dirs.iter().cloned());
    match write_dir(out, &files, &Inputs::of(&read), DirMode::Report) {
        Ok(_) => {
            // Files at the top with their sizes; the open data as one entry.
            let mut list: Vec<String> = files
                .iter()
                .filter(|(name, _)| !name.contains('/'))
                .map(|(name, b)| format!("{name}（{} KB）", b.len().div_ceil(1024)))
                .collect();
            let data = files
                .iter()
                .filter(|(name, _)| name.starts_with("data/"))
                .count();
            if data > 0 {
                list.push(format!("data/（开放数据 {data} 个文件）"));
            }
            term::note(&check::summary(&loaded, input))?;
            term::note(&format!("已生成于 {}：{}", out.display(), list.join("、")))?;
            if !outputs.pdf_fonts.is_empty() {
                term::note(&format!("PDF 字体：{}", outputs.pdf_fonts.join("、")))?;
            }
            if !outputs.missing_glyphs.is_empty() {
                let chars: String = outputs.missing_glyphs.iter().collect();
                term::errln(&format!(
                    "警告：所用字体都没有这些字符，PDF 中显示为空框：{chars}。请安装含这些字的字体（如 fonts-noto-cjk），或用 --font-dir 指定字体目录。"
                ));
            }
            Ok(if has_errors {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Err(m) => Err(fail(Failure::Other(m))),
    }
}

fn explain(id: &str) -> Outcome {
    if let Some(r) = juesuan_audit::rules::find(id) {
        term::outln(&format!(
            "{} — {}（审计规则，juesuan audit）\n\n级别：{}\n\n{}\n\n例：{}",
            r.id,
            r.title,
            r.severity.label(),
            r.purpose,
            r.example
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(rule) = juesuan_rules::find(id) else {
        let ids: Vec<&str> = juesuan_rules::registry()
            .iter()
            .map(|r| r.info().id)
            .chain(juesuan_audit::rules::RULES.iter().map(|r| r.id))
            .collect();
        term::errln(&format!(
            "错误：没有规则 “{id}”{}运行 juesuan rules 查看全部规则。",
            match juesuan_ingest::did_you_mean(&id.to_uppercase(), ids.iter().copied()) {
                s if s.is_empty() => "。".to_string(),
                s => s,
            }
        ));
        return Ok(ExitCode::from(2));
    };
    let i = rule.info();
    term::outln(&format!(
        "{} — {}（{}）\n\n级别：{}\n\n{}\n\n例：{}",
        i.id,
        i.title,
        i.family.label(),
        i.severity,
        i.purpose,
        i.example
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `text` or `json`, else the Chinese message (exit 2).
fn text_or_json(format: &str) -> Result<bool, ExitCode> {
    match format {
        "text" => Ok(false),
        "json" => Ok(true),
        other => Err(fail(Failure::Other(format!(
            "未知的输出格式 “{other}”：可用 text、json"
        )))),
    }
}

fn rules(markdown: bool, format: &str) -> Outcome {
    if text_or_json(format)? {
        let mut list: Vec<serde_json::Value> = juesuan_rules::registry()
            .iter()
            .map(|r| {
                let i = r.info();
                serde_json::json!({
                    "id": i.id, "family": i.family.label(), "title": i.title,
                    "severity": i.severity, "purpose": i.purpose, "example": i.example,
                })
            })
            .collect();
        list.extend(juesuan_audit::rules::RULES.iter().map(|r| {
            serde_json::json!({
                "id": r.id, "family": "审计", "title": r.title,
                "severity": r.severity.label(), "purpose": r.purpose, "example": r.example,
            })
        }));
        let doc = serde_json::json!({ "schema": "juesuan/rules@1", "rules": list });
        term::out(&format!("{doc:#}\n"))?;
    } else if markdown {
        term::out(&rules_markdown())?;
    } else {
        let mut s = String::new();
        for r in juesuan_rules::registry() {
            let i = r.info();
            s.push_str(&format!(
                "{:<14} {:<6} {}\n",
                i.id,
                i.family.label(),
                i.title
            ));
        }
        for r in juesuan_audit::rules::RULES {
            s.push_str(&format!("{:<14} {:<6} {}\n", r.id, "审计", r.title));
        }
        term::out(&s)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// docs/RULES.md: the core registry's rules, then the audit's.
pub(crate) fn rules_markdown() -> String {
    juesuan_rules::rules_markdown() + &juesuan_audit::rules::markdown()
}

fn score(input: &Path, format: &str) -> Outcome {
    if !matches!(format, "text" | "json") {
        return Err(fail(Failure::Other(format!(
            "未知的输出格式 “{format}”：可用 text、json"
        ))));
    }
    let loaded = load(input, None, juesuan_engine::Against::default()).map_err(fail)?;
    if loaded.report.projects.is_empty() {
        term::outln("没有项目绩效自评（projects/ 目录为空或不存在）。")?;
        return Ok(ExitCode::SUCCESS);
    }
    if format == "json" {
        match serde_json::to_string_pretty(&score::scores(&loaded.report, loaded.profile)) {
            Ok(s) => term::outln(&s)?,
            Err(e) => return Err(fail(Failure::Other(format!("无法输出 JSON：{e}")))),
        }
    } else {
        term::out(&score::text(&loaded.report, loaded.profile))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn profiles(format: &str) -> Outcome {
    if text_or_json(format)? {
        let mut list = Vec::new();
        for id in juesuan_profile::BUILTIN {
            let p =
                juesuan_profile::builtin(id).map_err(|e| fail(Failure::Other(e.to_string())))?;
            list.push(serde_json::json!({
                "id": p.id, "name": p.name, "region": p.region, "year": p.year,
                "amount_unit": p.amount_unit.label(),
                "tables": p.tables.iter().map(|t| serde_json::json!({
                    "id": t.id, "number": t.number, "title": t.title,
                })).collect::<Vec<_>>(),
                "sections": p.narrative.sections.iter().map(|s| s.title.clone()).collect::<Vec<_>>(),
            }));
        }
        let doc = serde_json::json!({ "schema": "juesuan/profiles@1", "profiles": list });
        term::out(&format!("{doc:#}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut s = String::new();
    for id in juesuan_profile::BUILTIN {
        let p = juesuan_profile::builtin(id).map_err(|e| fail(Failure::Other(e.to_string())))?;
        s.push_str(&format!(
            "{:<14} {}（{} 张表，情况说明 {} 节）\n",
            p.id,
            p.name,
            p.tables.len(),
            p.narrative.sections.len()
        ));
    }
    term::out(&s)?;
    Ok(ExitCode::SUCCESS)
}

/// Set by the panic hook: the run ends with [`PANIC_EXIT`] whatever else happens.
static PANICKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The exit code after a panic (EX_SOFTWARE: an internal error).
const PANIC_EXIT: u8 = 70;

/// The last guard: a panic (a bug) prints one Chinese line saying where and how to
/// report it — a backtrace only when `RUST_BACKTRACE` asks for one — and the run
/// ends with exit code 70, whichever thread it happened on: `main` catches the
/// unwinding and checks [`PANICKED`] at the end (no `process::exit`, so temporary
/// files are still cleaned up on the way out).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        PANICKED.store(true, std::sync::atomic::Ordering::SeqCst);
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_else(|| "未知位置".to_string());
        term::errln(&format!(
            "内部错误：{what}（位于 {at}）（请把这条信息和所用的命令报告给开发者）"
        ));
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            term::errln(&std::backtrace::Backtrace::force_capture().to_string());
        }
    }));
}

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    install_panic_hook();
    let parsed = help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                return match term::out(&help::words(&e.to_string())) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(code) => code,
                };
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                // No subcommand: the help, as for any other unusable command line.
                term::errln(&help::words(&e.to_string()));
                return ExitCode::from(2);
            }
            term::errln(&format!(
                "命令行参数有误（运行 juesuan --help 查看用法）：\n{}",
                cli_error(&e)
            ));
            return ExitCode::from(2);
        }
    };
    term::setup(cli.color, cli.quiet, cli.verbose);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli)));
    match outcome {
        _ if PANICKED.load(std::sync::atomic::Ordering::SeqCst) => ExitCode::from(PANIC_EXIT),
        Ok(Ok(code) | Err(code)) => code,
        Err(_) => ExitCode::from(PANIC_EXIT),
    }
}

/// clap's error in Chinese for the common kinds (an unknown subcommand or
/// option, with one "did you mean"; a missing or invalid value); clap's own
/// text for the rest.
fn cli_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let one = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        _ => None,
    };
    let all = |k: ContextKind| match e.get(k) {
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let hint = |k: ContextKind| {
        one(k)
            .map(|s| format!("，是否应为 “{s}”？"))
            .unwrap_or_else(|| "。".to_string())
    };
    match e.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "没有子命令 “{}”{}",
            one(ContextKind::InvalidSubcommand).unwrap_or_default(),
            hint(ContextKind::SuggestedSubcommand)
        ),
        ErrorKind::UnknownArgument => format!(
            "不认识的参数 “{}”{}",
            one(ContextKind::InvalidArg).unwrap_or_default(),
            hint(ContextKind::SuggestedArg)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("缺少必需的参数：{}。", all(ContextKind::InvalidArg))
        }
        ErrorKind::InvalidValue => {
            let valid = all(ContextKind::ValidValue);
            format!(
                "参数 {} 的值 “{}” 无效{}",
                one(ContextKind::InvalidArg).unwrap_or_default(),
                one(ContextKind::InvalidValue).unwrap_or_default(),
                if valid.is_empty() {
                    "。".to_string()
                } else {
                    format!("，可用：{valid}。")
                }
            )
        }
        ErrorKind::ArgumentConflict => format!(
            "参数 {} 不能与 {} 同时使用。",
            one(ContextKind::InvalidArg).unwrap_or_default(),
            all(ContextKind::PriorArg)
        ),
        _ => e.to_string(),
    }
}

/// Runs the command given.
fn run(cli: Cli) -> Outcome {
    match cli.command {
        Command::Check {
            inputs,
            format,
            all,
            strict,
            narrative,
            previous,
            units,
        } => check::check(&check::CheckArgs {
            inputs,
            format,
            all: all || term::verbose(),
            strict,
            narrative,
            previous,
            units,
        }),
        Command::Compare {
            first,
            second,
            format,
            all,
        } => check::compare(&first, &second, &format, all),
        Command::Build {
            input,
            output,
            format,
            force,
            draft,
            font_dir,
            embedded_fonts_only,
            csv_bom,
        } => build(
            &input,
            &output,
            &format,
            &BuildOptions {
                force,
                draft,
                font_dirs: font_dir,
                embedded_fonts_only,
                csv_bom,
            },
        ),
        Command::Explain { rule } => explain(&rule),
        Command::Rules { markdown, format } => rules(markdown, &format),
        Command::Score { input, format } => score(&input, &format),
        Command::Profiles { format } => profiles(&format),
        Command::Init {
            xlsx,
            profile,
            department,
            year,
            force,
        } => convert::init(&xlsx, &profile, &department, year, force),
        Command::Convert {
            input,
            output,
            force,
        } => convert::convert(&input, &output, force),
        Command::Audit {
            inputs,
            format,
            output,
            summary,
            all,
            csv_bom,
        } => audit::audit(
            &inputs,
            format.as_deref(),
            output.as_deref(),
            summary.as_deref().map(|s| (s, csv_bom)),
            all || term::verbose(),
        ),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut help::command(), "juesuan", &mut buf);
            term::out(&String::from_utf8_lossy(&buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(help::command())
                .render(&mut buf)
                .map_err(|e| fail(Failure::Other(format!("无法生成手册页：{e}"))))?;
            term::out(&String::from_utf8_lossy(&buf))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Extract {
            input,
            output,
            csv_bom,
        } => audit::extract(&input, &output, csv_bom),
        Command::Serve {
            database,
            listen,
            data_dir,
            demo,
            workers,
            secure_cookies,
        } => platform::serve(database, &listen, &data_dir, demo, workers, secure_cookies),
        Command::Admin {
            database,
            data_dir,
            action,
        } => platform::admin(database, &data_dir, action),
    }
}
