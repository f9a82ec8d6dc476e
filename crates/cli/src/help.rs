//! The command line's own words in Chinese: clap's headings ("Usage", "Options",
//! "Commands"), its help and version flags, and the placeholders of values, set
//! on the derived command tree before parsing. Descriptions and examples stay
//! beside each command and option in `main.rs`.

use clap::{Arg, ArgAction, Command};

/// The placeholder of a value, by the option's id (`<输入>` rather than `<INPUT>`);
/// an option that names its own (`value_name = "目录"`) keeps it.
fn placeholder(id: &str) -> Option<&'static str> {
    Some(match id {
        "input" | "inputs" | "first" | "second" => "输入",
        "output" => "输出",
        "format" => "格式",
        "rule" => "规则",
        "profile" => "模板",
        "department" => "部门",
        "year" => "年度",
        "workers" => "个数",
        "username" => "用户名",
        "name" => "姓名",
        "role" => "角色",
        "csv" => "文件",
        "target" | "source" => "目录",
        "shell" => "外壳",
        _ => return None,
    })
}

/// The template of every help page: clap's with Chinese headings.
const TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// Localises one command and, recursively, its subcommands.
fn localise(cmd: Command, root: bool) -> Command {
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .mut_args(|a| {
            let a = if a.is_positional() {
                a.help_heading("参数")
            } else {
                a.help_heading("选项")
            };
            // Derived options carry their id in capitals (`INPUT`); ours are Chinese.
            let derived = a.get_id().as_str().to_uppercase();
            let own = a
                .get_value_names()
                .is_some_and(|v| v.iter().any(|n| n.as_str() != derived));
            match placeholder(a.get_id().as_str()) {
                Some(p) if !own && a.get_action().takes_values() => a.value_name(p),
                _ => a,
            }
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    if root {
        cmd = cmd
            .disable_version_flag(true)
            .disable_help_subcommand(true)
            .arg(
                Arg::new("version")
                    .short('V')
                    .long("version")
                    .action(ArgAction::Version)
                    .help("显示版本")
                    .help_heading("选项"),
            );
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, |s| localise(s, false));
    }
    cmd
}

/// The command tree of `juesuan`, in Chinese.
pub fn command() -> Command {
    use clap::CommandFactory;
    localise(crate::Cli::command(), true)
}

/// clap's remaining English in a rendered help or usage: the `[OPTIONS]` of a
/// usage line, `[default: …]`, `[possible values: …]`, and the colon after a
/// heading.
pub fn words(text: &str) -> String {
    let text = text
        .replace("[OPTIONS]", "[选项]")
        .replace("Usage: ", "用法：")
        .replace("[default: ", "[默认：")
        .replace("[default:", "[默认：")
        .replace("[possible values: ", "[可选：")
        .replace("[aliases: ", "[别名：");
    text.lines()
        .map(|l| match l.strip_suffix(':') {
            Some(h @ ("参数" | "选项" | "命令")) => format!("{h}："),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}
