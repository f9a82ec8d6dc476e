//! What the workbook form consists of — sheet names, the columns of each code
//! table, the labels of the 基本信息, 情况说明数据 and project sheets — shared by
//! the template writer and the importer, so the two cannot drift apart.

use juesuan_ingest::{FN_FILES, REPORT_SECTIONS, Slot};
use juesuan_model::{EconGroup, Key, Measure};
use juesuan_profile::{ColumnDef, HeaderCell, Layout, Profile, TableDef};

/// 填表说明: how to fill the workbook (ignored on import).
pub const GUIDE: &str = "填表说明";
/// 基本信息: department, year, profile, units, offices, duties.
pub const INFO: &str = "基本信息";
/// 情况说明数据: last year's figures, 年初预算, reasons, counts …
pub const NARRATIVE: &str = "情况说明数据";
/// 项目: one row per project.
pub const PROJECTS: &str = "项目";
/// 项目资金: one row per funding line of a project.
pub const BUDGET: &str = "项目资金";
/// 绩效指标: one row per indicator.
pub const INDICATORS: &str = "绩效指标";
/// 项目文字: one row per text of a project.
pub const TEXTS: &str = "项目文字";
/// 代码表: lists behind the dropdowns (hidden; ignored on import).
pub const LISTS: &str = "代码表";

/// Labels of the key–value rows of 基本信息.
pub const INFO_DEPARTMENT: &str = "部门名称";
/// 部门编码
pub const INFO_CODE: &str = "部门编码";
/// 决算年度
pub const INFO_YEAR: &str = "决算年度";
/// 报告模板
pub const INFO_PROFILE: &str = "报告模板";
/// 报告标题
pub const INFO_TITLE: &str = "报告标题";
/// Heading of the units list.
pub const INFO_UNITS: &str = "纳入本报告的单位";
/// Heading of the offices list.
pub const INFO_OFFICES: &str = "内设机构";
/// Heading of the duties paragraphs.
pub const INFO_DUTIES: &str = "本部门（单位）职责";

/// A value column of a code table in the form.
#[derive(Clone, Debug)]
pub struct FormCol {
    /// Id (unique in the table), for `sum_of`.
    pub id: String,
    /// Header label (its last line).
    pub label: String,
    /// 栏次.
    pub number: Option<u32>,
    /// The figure of each row's code.
    pub measure: Measure,
    /// An input column (leaf facts); otherwise derived.
    pub fact: bool,
    /// Same-row columns this one adds up.
    pub sum_of: Vec<String>,
}

/// A sheet of functional-code rows: an official table (02, 03, 05, 08, 09) or
/// an input table the official ones are derived from (非财政拨款支出).
#[derive(Clone, Debug)]
pub struct FnSheet {
    /// Sheet name (`公开02表`).
    pub name: String,
    /// Caption.
    pub title: String,
    /// Table number printed above the header (empty for input-only sheets).
    pub number: String,
    /// Note under the table.
    pub note: Option<String>,
    /// Header rows (the 栏次 row is generated).
    pub header: Vec<Vec<HeaderCell>>,
    /// Value columns.
    pub cols: Vec<FormCol>,
    /// Rows are typed in (leaf facts); a derived table only shows formulas.
    pub input: bool,
    /// Takes the 项 that the input lists without any figure (as `income.csv` does).
    pub home: bool,
}

/// Whether a functional measure is a leaf fact typed into some table.
pub fn is_fn_fact(m: Measure) -> bool {
    FN_FILES
        .iter()
        .flat_map(|f| f.columns)
        .any(|c| c.measure == m && !c.stated)
}

/// Whether a whole-department measure is an input fact (and under which
/// `report.toml` key), or derived.
pub fn scalar_slot(m: Measure) -> Option<(&'static str, &'static str, bool)> {
    REPORT_SECTIONS.iter().find_map(|(section, slots)| {
        slots.iter().find_map(|(name, slot)| match slot {
            Slot::Fact(x) if *x == m => Some((*section, *name, true)),
            Slot::Derived(x) if *x == m => Some((*section, *name, false)),
            _ => None,
        })
    })
}

/// Whether a key is a whole-department input fact.
pub fn is_scalar_fact(key: &Key) -> bool {
    key.scope == juesuan_model::Scope::All
        && scalar_slot(key.measure).is_some_and(|(_, _, fact)| fact)
}

/// Whole-department facts with no cell in any table of the profile (e.g.
/// 授予中小企业合同金额): they go into the 情况说明数据 sheet.
pub fn loose_scalars(profile: &Profile) -> Vec<Measure> {
    let mut bound = Vec::new();
    for t in &profile.tables {
        match &t.layout {
            Layout::Panels { panels, .. } => {
                for r in panels.iter().flat_map(|p| &p.rows) {
                    match &r.binding {
                        juesuan_profile::RowBinding::Key(k) => bound.push(k.measure),
                        juesuan_profile::RowBinding::Keys(ks) => {
                            bound.extend(ks.iter().flatten().map(|k| k.measure));
                        }
                        _ => {}
                    }
                }
            }
            Layout::Grid { rows, .. } => {
                bound.extend(
                    rows.iter()
                        .flat_map(|r| r.keys.iter().flatten().map(|k| k.measure)),
                );
            }
            _ => {}
        }
    }
    REPORT_SECTIONS
        .iter()
        .flat_map(|(_, slots)| slots.iter())
        .filter_map(|(_, s)| match s {
            Slot::Fact(m) if !bound.contains(m) => Some(*m),
            _ => None,
        })
        .collect()
}

fn h(text: &str) -> HeaderCell {
    HeaderCell {
        text: text.to_string(),
        colspan: 1,
        rowspan: 1,
    }
}

/// The code-table sheets of a profile's form, in order: its functional tables,
/// then one input sheet per kind of leaf figure that no table shows.
pub fn fn_sheets(profile: &Profile) -> Vec<FnSheet> {
    let mut out = Vec::new();
    let home_measure = FN_FILES
        .iter()
        .find(|f| f.required)
        .and_then(|f| f.columns.iter().find(|c| !c.stated))
        .map(|c| c.measure);
    for t in &profile.tables {
        let Layout::Functional { columns, .. } = &t.layout else {
            continue;
        };
        let cols: Vec<FormCol> = columns
            .iter()
            .filter_map(|c| {
                c.measure.map(|m| FormCol {
                    id: c.id.clone(),
                    label: c.label.rsplit(' ').next().unwrap_or(&c.label).to_string(),
                    number: c.number,
                    measure: m,
                    fact: is_fn_fact(m),
                    sum_of: c.sum_of.clone(),
                })
            })
            .collect();
        let input = cols.iter().any(|c| c.fact);
        out.push(FnSheet {
            name: t.number.clone(),
            title: t.title.clone(),
            number: t.number.clone(),
            note: t.note.clone(),
            header: t.header.clone(),
            home: input && cols.iter().any(|c| Some(c.measure) == home_measure),
            cols,
            input,
        });
    }
    let shown: Vec<Measure> = out
        .iter()
        .flat_map(|s| s.cols.iter().map(|c| c.measure))
        .collect();
    for f in FN_FILES {
        let facts: Vec<_> = f.columns.iter().filter(|c| !c.stated).collect();
        if facts.iter().all(|c| shown.contains(&c.measure)) {
            continue;
        }
        let name = if f.name == "nonfiscal.csv" {
            "非财政拨款支出".to_string()
        } else {
            f.name.trim_end_matches(".csv").to_string()
        };
        let cols: Vec<FormCol> = (1_u32..)
            .zip(f.columns)
            .map(|(no, c)| FormCol {
                id: c.measure.name().to_string(),
                label: c.headers[0].to_string(),
                number: Some(no),
                measure: c.measure,
                fact: !c.stated,
                sum_of: Vec::new(),
            })
            .collect();
        let mut head = vec![h("功能分类科目编码"), h("科目名称")];
        head.extend(cols.iter().map(|c| h(&c.label)));
        out.push(FnSheet {
            name,
            title: f.what.to_string(),
            number: String::new(),
            note: Some(
                "注：本表不公开，由程序用于计算公开03表（支出决算表）：公开03表 = 一般公共预算 + 政府性基金 + 国有资本经营 + 非财政拨款支出。"
                    .to_string(),
            ),
            header: vec![head],
            home: false,
            cols,
            input: true,
        });
    }
    out
}

/// The economic table (06) of a profile, if it has one.
pub fn econ_table(profile: &Profile) -> Option<&TableDef> {
    profile
        .tables
        .iter()
        .find(|t| matches!(t.layout, Layout::Economic { .. }))
}

/// The value columns of the economic sheet on the form: the profile's table
/// columns, then an input column for each economic fact (金额, 其中：基本支出)
/// the table does not show — 上海 2024's 表六 shows only 基本支出 — so that
/// every figure of the text directory's `economic.csv` has a cell and the
/// form reads back into the same report.
pub fn econ_form_columns(columns: &[ColumnDef]) -> Vec<ColumnDef> {
    let mut out = columns.to_vec();
    for m in [Measure::EconAmount, Measure::EconBasic] {
        if !out.iter().any(|c| c.measure == Some(m)) {
            out.push(ColumnDef {
                id: m.name().to_string(),
                label: m.label().to_string(),
                number: None,
                measure: Some(m),
                sum_of: Vec::new(),
                not_applicable: Vec::new(),
            });
        }
    }
    out
}

/// Labels of the economic table's columns: code, name, 金额, 其中：基本支出.
pub const ECON_CODE: &str = "经济分类科目编码";
/// Name column.
pub const NAME: &str = "科目名称";
/// Code column of functional tables.
pub const FN_CODE: &str = "功能分类科目编码";

/// Group total label (`人员经费合计`).
pub fn group_total(g: EconGroup) -> String {
    format!("{}合计", g.label())
}

/// Section headings of 情况说明数据, with the section each lists. A workbook is read
/// by the heading after its number ([`crate::form::cell::unnumbered`]), so that a
/// form made before the sections were renumbered reads the same.
pub const NARR_LAST_YEAR: &str = "一、上年决算数";
/// 年初预算
pub const NARR_INITIAL: &str = "二、年初预算数";
/// The grid by 功能分类 类 (its own sheet; once a section of 情况说明数据).
pub const NARR_CLASSES: &str = "按功能分类“类”填写";
/// Texts.
pub const NARR_TEXTS: &str = "三、原因、用途等说明";
/// Counts.
pub const NARR_COUNTS: &str = "四、数量";
/// Amounts.
pub const NARR_AMOUNTS: &str = "五、其他金额";
/// Scores.
pub const NARR_SCORES: &str = "六、得分";
/// Lists.
pub const NARR_LISTS: &str = "七、名单";
/// Header of the id column of the list sections.
pub const NARR_ID: &str = "编号";
/// Header of the class-code column of the class grid.
pub const NARR_CLASS: &str = "类编码";

/// A column of a project sheet: header label and what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PCol {
    /// 序号
    No,
    /// 项目名称
    Name,
    /// 项目级次
    Level,
    /// 项目单位
    Unit,
    /// 主管部门
    Department,
    /// 封面日期
    Date,
    /// 资金性质
    Fund,
    /// Stated 资金结余
    Balance,
    /// Stated 执行率
    Rate,
    /// Stated 预算执行得分
    BudgetScore,
    /// Stated 指标得分
    IndicatorScore,
    /// Stated 总得分
    Total,
    /// Stated 等级
    Grade,
}

/// Columns of the 项目 sheet.
pub const PROJECT_COLS: &[(PCol, &str)] = &[
    (PCol::No, "序号"),
    (PCol::Name, "项目名称"),
    (PCol::Level, "项目级次"),
    (PCol::Unit, "项目单位"),
    (PCol::Department, "主管部门"),
    (PCol::Date, "封面日期"),
    (PCol::Fund, "资金性质"),
    (PCol::Balance, "自评表：资金结余（元）"),
    (PCol::Rate, "自评表：执行率（%）"),
    (PCol::BudgetScore, "自评表：预算执行得分"),
    (PCol::IndicatorScore, "自评表：指标得分"),
    (PCol::Total, "自评表：总得分"),
    (PCol::Grade, "自评表：等级"),
];

/// Columns of the 项目资金 sheet (after 项目名称, 资金来源).
pub const BUDGET_COLS: &[&str] = &[
    "项目名称",
    "资金来源",
    "年初预算数（目标申报）",
    "年初预算数（预算编制）",
    "全年预算数",
    "全年执行数",
];

/// Columns of the 绩效指标 sheet.
pub const INDICATOR_COLS: &[&str] = &[
    "项目名称",
    "一级指标",
    "二级指标",
    "指标名称",
    "年初指标值",
    "年度指标值（调整后）",
    "实际完成值",
    "权重（分值）",
    "自评得分",
    "偏差原因分析及改进措施",
];

/// Columns of the 项目文字 sheet.
pub const TEXT_COLS: &[&str] = &["项目名称", "栏目", "内容"];

/// The texts of a project report, by their 栏目 label, in printed order.
pub const TEXT_FIELDS: &[&str] = &[
    "项目概况",
    "立项依据",
    "项目设立的必要性",
    "保证项目实施的措施与制度",
    "项目实施期绩效目标",
    "项目年度目标",
    "项目实施计划",
    "全年目标实际完成情况",
    "项目实施和预算执行情况分析",
    "产出情况及分析",
    "效益情况及分析",
    "满意度情况及分析",
    "项目主要经验做法",
    "项目管理中存在的主要问题及原因分析",
    "下一步改进措施及管理建议",
];

/// The text of a project by its index in [`TEXT_FIELDS`].
pub fn text_field(t: &mut juesuan_model::ProjectTexts, i: usize) -> Option<&mut String> {
    Some(match i {
        0 => &mut t.overview,
        1 => &mut t.basis,
        2 => &mut t.necessity,
        3 => &mut t.safeguards,
        4 => &mut t.period_goal,
        5 => &mut t.annual_goal,
        6 => &mut t.plan,
        7 => &mut t.completion,
        8 => &mut t.execution,
        9 => &mut t.outputs,
        10 => &mut t.effects,
        11 => &mut t.satisfaction,
        12 => &mut t.experience,
        13 => &mut t.problems,
        14 => &mut t.improvements,
        _ => return None,
    })
}

/// Fund types offered in the 资金性质 dropdown (others may be typed).
pub const FUND_TYPES: &[&str] = &[
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "财政专户管理资金",
    "单位资金",
];

/// The figure of column `j` of a panel row (公开01、04、10表), as the tables bind it.
pub fn panel_key(
    r: &juesuan_profile::RowDef,
    j: usize,
    col: &juesuan_profile::ColumnDef,
) -> Option<Key> {
    if r.blank {
        return None;
    }
    match &r.binding {
        juesuan_profile::RowBinding::Key(k) => (j == 0).then(|| k.clone()),
        juesuan_profile::RowBinding::Keys(ks) => ks.get(j).cloned().flatten(),
        juesuan_profile::RowBinding::Class(c) => col.measure.map(|m| Key::func(m, c)),
        juesuan_profile::RowBinding::All => col.measure.map(Key::all),
        juesuan_profile::RowBinding::None => None,
    }
}

/// A column of the 情况说明按类 grid: which section, the id pattern with
/// `{class}`, the header label, and whether it holds amounts.
#[derive(Clone, Debug)]
pub struct ClassCol {
    /// Section of the narrative inputs.
    pub section: juesuan_ingest::NarrativeSection,
    /// Id pattern (`gpb.total@{class}`, `use.{class}`).
    pub pattern: String,
    /// Header label.
    pub label: String,
    /// An amount column (else text).
    pub amount: bool,
}

/// The columns of the per-class grid, from the profile's declared inputs.
pub fn class_columns(profile: &Profile) -> Vec<ClassCol> {
    use juesuan_ingest::NarrativeSection as S;
    let inputs = &profile.inputs;
    let mut out = Vec::new();
    let measure_label = |pat: &str, prefix: &str| {
        pat.split('@')
            .next()
            .and_then(Measure::from_name)
            .map_or(pat.to_string(), |m| format!("{prefix}：{}", m.label()))
    };
    for pat in inputs.last_year.iter().filter(|p| p.contains("{class}")) {
        out.push(ClassCol {
            section: S::LastYear,
            pattern: pat.clone(),
            label: measure_label(pat, "上年决算数"),
            amount: true,
        });
    }
    for pat in inputs
        .initial_budget
        .iter()
        .filter(|p| p.contains("{class}"))
    {
        out.push(ClassCol {
            section: S::InitialBudget,
            pattern: pat.clone(),
            label: measure_label(pat, "年初预算数"),
            amount: true,
        });
    }
    for d in inputs
        .texts
        .iter()
        .filter(|d| d.id.contains("{class}") && d.sum_of.is_empty())
    {
        out.push(ClassCol {
            section: S::Texts,
            pattern: d.id.clone(),
            label: d.label.clone(),
            amount: false,
        });
    }
    out
}

/// Every sheet name the form of a profile has that the importer reads.
pub fn expected_sheets(profile: &Profile) -> Vec<String> {
    let mut out = vec![INFO.to_string()];
    out.extend(profile.tables.iter().map(|t| t.number.clone()));
    out.extend(
        fn_sheets(profile)
            .into_iter()
            .filter(|s| s.number.is_empty())
            .map(|s| s.name),
    );
    for s in [NARRATIVE, CLASS_SHEET, PROJECTS, BUDGET, INDICATORS, TEXTS] {
        out.push(s.to_string());
    }
    out
}

/// 情况说明按类: the narrative inputs by 功能分类 类.
pub const CLASS_SHEET: &str = "情况说明按类";
