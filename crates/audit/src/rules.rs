//! The audit's own rules (`AU-*`): what only a published text needs checking —
//! its narrative claims against its tables, template leftovers, what could not be
//! read. The table rules (`T-*`, `X-*`) are the core registry's, run on the tables
//! as read. `juesuan explain AU-…` and docs/RULES.md come from this list.

use juesuan_model::Severity;

/// One audit rule, as documented.
pub struct AuditRule {
    /// Identifier, as in the findings.
    pub id: &'static str,
    /// Short Chinese title.
    pub title: &'static str,
    /// The severity of its findings (the most severe one where it has two).
    pub severity: Severity,
    /// What it checks and why (Chinese).
    pub purpose: &'static str,
    /// An example of what it reports (Chinese).
    pub example: &'static str,
}

/// Every audit rule, in documentation order.
pub const RULES: &[AuditRule] = &[
    AuditRule {
        id: "AU-MISSING",
        title: "缺少表格或部分",
        severity: Severity::Error,
        purpose: "模板要求的公开表、情况说明各部分在文中找不到。空表应当列出并注明“本表无数据”，不能省略。",
        example: "（示例）缺少“公开08表 政府性基金预算财政拨款收入支出决算表”",
    },
    AuditRule {
        id: "AU-TITLE",
        title: "标题与模板不符",
        severity: Severity::Warning,
        purpose: "情况说明的小标题被改写或编号错位（如“六、”出现两次），读者据此找不到对应内容。",
        example: "（种子报告）标题为“六、一般公共预算财政拨款支出决算情况说明”，模板为“六、一般公共预算财政拨款基本支出决算情况说明”",
    },
    AuditRule {
        id: "AU-UNIT",
        title: "金额单位",
        severity: Severity::Warning,
        purpose: "每张表分别识别“金额单位：元 / 万元 / 亿元”；缺少单位行或单位与模板不同时报出，并按文中写的单位读数。",
        example: "（示例）公开05表没有“金额单位”行，按模板的 元 读取",
    },
    AuditRule {
        id: "AU-UNREAD",
        title: "无法读取的内容",
        severity: Severity::Warning,
        purpose: "表格中有数字无法放入任何单元格，或整行无法识别。审计不把读不出的内容当作“通过”，而是逐处列出。",
        example: "（示例）公开06表 第 12 行中的 2 个数字无法归入栏目",
    },
    AuditRule {
        id: "AU-LEFTOVER",
        title: "模板残留",
        severity: Severity::Error,
        purpose: "文中留有模板占位符或未删的选择项：“XX”“××”“（增长）”“202 年度”“减增加”等。",
        example: "（种子报告）模板占位符“XX”：“11XX 月 XX 日”（项目绩效自评表）",
    },
    AuditRule {
        id: "AU-YEAR",
        title: "年度不符",
        severity: Severity::Error,
        purpose: "部分标题中的年度与报告年度不同（错误），“截至某年 12 月 31 日”的年份不是报告年度（警告）。",
        example: "（示例）标题写的是 2021 年度，报告是 2022 年度：“第二部分 2021年度部门决算表”",
    },
    AuditRule {
        id: "AU-PUNCT",
        title: "重复标点",
        severity: Severity::Warning,
        purpose: "“。。”“，，”等重复标点，多为删改后留下的。",
        example: "（种子报告）“主要用于:无此项支出。。”",
    },
    AuditRule {
        id: "AU-REPEAT",
        title: "重复词语",
        severity: Severity::Warning,
        purpose: "分句开头把同一词语连写两次（如“人员经费人员经费”），多为复制粘贴留下的。",
        example: "（种子报告）“人员经费27,928,672.17元，主要包括”连续出现两次",
    },
    AuditRule {
        id: "AU-WORD",
        title: "增减用语与数字方向相反",
        severity: Severity::Error,
        purpose: "“增加/增长”与“减少/下降”必须与两个年度的数字方向一致；两数相等时写“增加”或“减少”是警告。",
        example: "（示例）本年 6,131,802.07 元，上年 6,600,360.34 元，是减少，文中写“增加”；（种子报告）比率写成“增加47%”应说“增长/下降”（警告）",
    },
    AuditRule {
        id: "AU-CHANGE",
        title: "增减百分比",
        severity: Severity::Error,
        purpose: "“增加/减少 X 元，增长/下降 P%”：增减额必须等于两数之差，百分比必须落在两个（四舍五入后的）数所允许的区间内。",
        example: "（种子报告）本年 188.86 万元、增加 76.68 万元，推出上年 112.18 万元，变动率应为 68.35%，文中为 47%",
    },
    AuditRule {
        id: "AU-ZERO",
        title: "以零为基数",
        severity: Severity::Error,
        purpose: "上年为 0 却写了增长百分比，或预算为 0 却写了完成率：以零为分母的比率没有意义。",
        example: "（种子报告）因公出国（境）费预算为零，不能计算完成率，却写了“完成全年预算的 0.00%”",
    },
    AuditRule {
        id: "AU-RATE",
        title: "完成率",
        severity: Severity::Error,
        purpose: "“决算数为预算的 P%”“执行率 P%”：P 必须等于决算数 ÷ 预算数（预算取句中所写，或表中同一项目的预算数）。",
        example: "（种子报告）公务用车运行维护费 295,600.55 元 ÷ 公开07表全年预算 295,600.55 元 = 100.00%，文中完成率为 90.81%",
    },
    AuditRule {
        id: "AU-SHARE",
        title: "占比",
        severity: Severity::Error,
        purpose: "“占 … 的 P%”：P 必须等于部分 ÷ 整体；整体取句中所指的合计，否则取句首或上一个占比的整体。",
        example: "（示例）基本支出 5,431,290.81 元 ÷ 支出合计 7,571,875.79 元 = 71.73%，文中为 71.37%",
    },
    AuditRule {
        id: "AU-COUNT",
        title: "文中数量与表不符",
        severity: Severity::Error,
        purpose: "情况说明中按模板句式写出的数量（如“共有车辆…辆”“单价100万元以上设备…台（套）”）必须等于公开表中的数。",
        example: "（示例）“本部门共有车辆14辆”与表中 13辆 不符",
    },
    AuditRule {
        id: "AU-PARTS",
        title: "分项之和",
        severity: Severity::Error,
        purpose: "“合计A，其中：B、C、D”：分项之和必须等于合计——同一句中列出的分项（金额，或车辆等数量），以及“年初预算为A，支出决算为B。其中：”之后逐段列出的各项的预算数、决算数。金额在各数四舍五入的误差范围内的差异只作提示；逐项列出的项没有全部读出时不核对，并作提示（AU-UNREAD）。",
        example: "（普陀区财政局 2024）其中各项 4.79 万元 + 0 万元 + 246.47 万元 之和为 251.26 万元，文中合计 251.25 万元（在四舍五入误差范围内）",
    },
    AuditRule {
        id: "AU-COMPARE",
        title: "决算与预算的比较",
        severity: Severity::Error,
        purpose: "“决算数大于/小于/等于预算数”必须与两个数字的大小一致。",
        example: "（示例）决算数 4,536.00 元小于预算数 5,000.00 元，文中写“决算数大于预算数”",
    },
    AuditRule {
        id: "AU-AMOUNT",
        title: "文中金额与表不符",
        severity: Severity::Error,
        purpose: "情况说明中点名的金额（按模板的句式识别：如“一般公共预算财政拨款支出…元”）必须等于表中对应的数，在四舍五入的区间内。",
        example: "（示例）文中“公务接待费支出 0.54 万元”，公开07表为 4,502.00 元（0.45 万元）",
    },
];

/// The audit rule with this id (case-insensitive).
pub fn find(id: &str) -> Option<&'static AuditRule> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

/// Markdown documentation of the audit rules (the tail of docs/RULES.md).
pub fn markdown() -> String {
    let mut s = String::from(
        "\n## 审计规则（AU-*，`juesuan audit`）\n\n\
         审计已公开的报告（PDF 或文本）时，先把表格读回模型，再运行上面的全部表格规则（四舍五入后的数字\n\
         按区间判断：n 个各差半个单位的数相加，合计可差 n 个半单位，在此范围内只是“提示”），\n\
         再运行下面这些只有已公开的文本才需要的规则。\n\n\
         | 编号 | 名称 | 级别 | 检查什么 | 例 |\n|---|---|---|---|---|\n",
    );
    for r in RULES {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.id,
            r.title,
            r.severity.label(),
            r.purpose,
            r.example
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `AU-*` id the audit reports is documented, and every documented one is
    /// reported somewhere.
    #[test]
    fn registry_matches_the_code() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut used = std::collections::BTreeSet::new();
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.file_name().is_some_and(|n| n == "rules.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices("\"AU-") {
                let id: String = text
                    .get(i + 1..)
                    .unwrap_or("")
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '-')
                    .collect();
                used.insert(id);
            }
        }
        let documented: std::collections::BTreeSet<String> =
            RULES.iter().map(|r| r.id.to_string()).collect();
        assert_eq!(used, documented);
    }
}
