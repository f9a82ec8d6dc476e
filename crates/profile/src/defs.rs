//! The validated shape of a profile. Built from the TOML files by `load`.

use crate::catalog::Catalog;
use juesuan_model::{AmountUnit, EconGroup, EconomicCode, FunctionalCode, Key, Measure, Points};

/// One report template: a region and year's tables, texts and rules, as data.
#[derive(Clone, Debug)]
pub struct Profile {
    /// `shanxi-2022`
    pub id: String,
    /// Human name.
    pub name: String,
    /// 山西省
    pub region: String,
    /// Year of the template.
    pub year: i32,
    /// 金额单位 of the tables.
    pub amount_unit: AmountUnit,
    /// Report title template (`{{ department }}{{ year }}年…`).
    pub title: String,
    /// Parts in order (概况, 决算表, 情况说明, 名词解释, 附件).
    pub parts: Vec<PartDef>,
    /// The tables in order.
    pub tables: Vec<TableDef>,
    /// Narrative inputs the templates use.
    pub inputs: InputDecls,
    /// 名词解释, in order.
    pub glossary: Vec<GlossaryEntry>,
    /// 第一部分 and 第三部分 templates.
    pub narrative: NarrativeDef,
    /// 支出功能分类 codes known for this template's year.
    pub functional_catalog: Catalog<FunctionalCode>,
    /// 支出经济分类 codes known for this template's year.
    pub economic_catalog: Catalog<EconomicCode>,
    /// How project self-evaluations are scored and graded.
    pub performance: PerformanceDef,
    /// The faces the PDF is set in, by family name.
    pub fonts: FontFamilies,
}

/// The faces a report is set in, by family name (any language the font's name
/// table gives: `SimSun` or `宋体`), best first. The PDF uses each one that is
/// installed or given with `--font-dir`, in this order; Noto CJK SC, Source Han SC
/// and the embedded faces follow.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FontFamilies {
    /// Song- or FangSong-style faces for the text and the tables.
    pub body: Vec<String>,
    /// Hei-style faces for titles and headings.
    pub heading: Vec<String>,
}

/// The scoring method of 项目支出绩效自评 (see docs/PERFORMANCE.md).
#[derive(Clone, Debug)]
pub struct PerformanceDef {
    /// 预算执行率分值 (10).
    pub budget_weight: Points,
    /// 绩效指标分值合计 (90).
    pub indicator_weight: Points,
    /// Weight each 一级指标 should carry (产出 50, 效益 30, 满意度 10), if prescribed.
    pub level1_weights: Vec<(String, Points)>,
    /// Score band of an achieved qualitative indicator, percent of its weight.
    pub achieved_band: (i64, i64),
    /// Score band of a 部分达成 qualitative indicator.
    pub partial_band: (i64, i64),
    /// Score band of a 未达成 qualitative indicator.
    pub not_achieved_band: (i64, i64),
    /// An actual value this many times its target hints the target was set too low.
    pub overshoot_ratio: i64,
    /// Share of the weight an indicator without a target earns, in percent.
    pub not_set_percent: i64,
    /// 二级指标 whose "＝" targets mean "at most" (costs); others mean "at least".
    pub lower_is_better: Vec<String>,
    /// 一级指标 with their usual 二级指标, in order (the dropdowns of the workbook
    /// form; other wordings are accepted).
    pub categories: Vec<(String, Vec<String>)>,
    /// The method in words, for `juesuan score` and docs.
    pub method: String,
    /// Grade bands, best first: a total ≥ `min` earns `name`.
    pub grades: Vec<(String, Points)>,
}

impl PerformanceDef {
    /// The grade of a total.
    pub fn grade(&self, total: Points) -> String {
        self.grades
            .iter()
            .find(|(_, min)| total >= *min)
            .or_else(|| self.grades.last())
            .map(|(n, _)| n.clone())
            .unwrap_or_default()
    }
}

impl Profile {
    /// The table with this id.
    pub fn table(&self, id: &str) -> Option<&TableDef> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// The 功能分类 类 codes that have a fixed row in a two-sided table (the 26
    /// classes of 公开01表), in order. A 项 whose 类 is not among them cannot be
    /// placed in the report.
    pub fn classes(&self) -> Vec<FunctionalCode> {
        let mut out: Vec<FunctionalCode> = Vec::new();
        for t in &self.tables {
            if let Layout::Panels { panels, .. } = &t.layout {
                for r in panels.iter().flat_map(|p| &p.rows) {
                    if let RowBinding::Class(c) = &r.binding
                        && !out.contains(c)
                    {
                        out.push(c.clone());
                    }
                }
            }
        }
        out
    }

    /// The part with this id.
    pub fn part(&self, id: &str) -> Option<&PartDef> {
        self.parts.iter().find(|p| p.id == id)
    }
}

/// A part of the report.
#[derive(Clone, Debug)]
pub struct PartDef {
    /// `overview`, `tables`, `narrative`, `glossary`, `attachments`.
    pub id: String,
    /// Title template, e.g. `第二部分 {{ year }}年部门决算表`.
    pub title: String,
}

/// One table.
#[derive(Clone, Debug)]
pub struct TableDef {
    /// `01` …
    pub id: String,
    /// `公开01表`
    pub number: String,
    /// `收入支出决算总表`
    pub title: String,
    /// Note printed under the table (`注：…`).
    pub note: Option<String>,
    /// What the table says when it has no data (`说明：本表无数据`).
    pub empty_note: Option<String>,
    /// `部门名称` or `单位名称` in the line above the table.
    pub org_label: String,
    /// `金额单位` or `单位`.
    pub unit_label: String,
    /// Printed on a landscape page.
    pub landscape: bool,
    /// Header rows (without the 栏次 row, which is generated).
    pub header: Vec<Vec<HeaderCell>>,
    /// Rows and columns.
    pub layout: Layout,
}

impl TableDef {
    /// The kind name (`two_sided`, `functional` …), for messages and docs.
    pub fn kind_name(&self) -> &'static str {
        match &self.layout {
            Layout::Panels {
                two_sided: true, ..
            } => "two_sided",
            Layout::Panels { .. } => "list",
            Layout::Functional { .. } => "functional",
            Layout::Economic { .. } => "economic",
            Layout::Grid { .. } => "grid",
        }
    }
}

/// A header cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderCell {
    /// Text.
    pub text: String,
    /// Columns spanned.
    pub colspan: u32,
    /// Rows spanned.
    pub rowspan: u32,
}

/// How a table's rows and columns are made.
#[derive(Clone, Debug)]
pub enum Layout {
    /// Explicit rows with 行次 in one or two panels (01, 04, 10).
    Panels {
        /// Two panels side by side (收入 | 支出).
        two_sided: bool,
        /// The panels.
        panels: Vec<PanelDef>,
        /// Balances between cells.
        equal: Vec<EqualDef>,
        /// Whether a 行次 column is printed. When not (上海 2024), each row's `line`
        /// is only its identity in the template, for sums and balances.
        line_numbers: bool,
    },
    /// Rows are functional codes (02, 03, 05, 08, 09).
    Functional {
        /// Value columns.
        columns: Vec<ColumnDef>,
        /// Per-row balance, e.g. 08: 年初结转 + 本年收入 = 本年支出 + 年末结转.
        row_equal: Option<(Vec<String>, Vec<String>)>,
        /// The 合计 row is printed after the codes instead of before them.
        total_last: bool,
    },
    /// Rows are economic codes, grouped 人员经费/公用经费 (06).
    Economic {
        /// Value columns (金额, 其中：基本支出).
        columns: Vec<ColumnDef>,
        /// The groups and their classes.
        groups: Vec<GroupDef>,
        /// Print blocks, side by side.
        blocks: Vec<BlockDef>,
        /// The codes printed, when the table prints fewer than the catalog holds
        /// (the catalog also lists codes accepted as input); else every catalog code
        /// of the groups' classes.
        codes: Option<Vec<EconomicCode>>,
    },
    /// Explicit rows × columns (07).
    Grid {
        /// Value columns.
        columns: Vec<ColumnDef>,
        /// Rows.
        rows: Vec<GridRowDef>,
    },
}

/// A value column.
#[derive(Clone, Debug)]
pub struct ColumnDef {
    /// Id, unique in its panel.
    pub id: String,
    /// Label.
    pub label: String,
    /// 栏次.
    pub number: Option<u32>,
    /// The figure this column shows for each row's scope.
    pub measure: Option<Measure>,
    /// This column is the sum of these columns (ids), in every row.
    pub sum_of: Vec<String>,
    /// Economic classes whose cells in this column print "────" (不适用).
    pub not_applicable: Vec<EconomicCode>,
}

/// A panel of explicit rows.
#[derive(Clone, Debug)]
pub struct PanelDef {
    /// `收入` / `支出`.
    pub name: Option<String>,
    /// Value columns.
    pub columns: Vec<ColumnDef>,
    /// Rows.
    pub rows: Vec<RowDef>,
}

/// How a row's cells get their figures.
#[derive(Clone, Debug, PartialEq)]
pub enum RowBinding {
    /// One figure (one-column panels).
    Key(Key),
    /// One figure per column (`None` = blank).
    Keys(Vec<Option<Key>>),
    /// Each column's measure for this 类.
    Class(FunctionalCode),
    /// Each column's measure for the whole department.
    All,
    /// Nothing (blank rows, headings).
    None,
}

/// An explicit row.
#[derive(Clone, Debug)]
pub struct RowDef {
    /// 行次.
    pub line: Option<u32>,
    /// Label.
    pub label: String,
    /// Figures.
    pub binding: RowBinding,
    /// This row is the sum of these 行次 (same panel, same column).
    pub sum: Vec<u32>,
    /// A total row (bold).
    pub total: bool,
    /// A row the template keeps blank.
    pub blank: bool,
    /// A section heading inside the table, with its own column labels.
    pub heading: Option<Vec<String>>,
}

/// A cell address in a panels table: 行次 and optional column id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellAddr {
    /// 行次.
    pub line: u32,
    /// Column id; the only column when absent.
    pub column: Option<String>,
}

/// `Σ left = Σ right`.
#[derive(Clone, Debug)]
pub struct EqualDef {
    /// One side.
    pub left: Vec<CellAddr>,
    /// The other.
    pub right: Vec<CellAddr>,
}

/// 人员经费 / 公用经费.
#[derive(Clone, Debug)]
pub struct GroupDef {
    /// Which group.
    pub group: EconGroup,
    /// `人员经费`
    pub label: String,
    /// `人员经费合计`
    pub total_label: String,
    /// Its economic classes.
    pub classes: Vec<EconomicCode>,
}

/// A print block of 公开06表: a run of codes.
#[derive(Clone, Debug)]
pub struct BlockDef {
    /// Group it belongs to.
    pub group: EconGroup,
    /// First code (inclusive, compared as text).
    pub from: String,
    /// Last code (inclusive).
    pub to: String,
}

/// A row of a grid table.
#[derive(Clone, Debug)]
pub struct GridRowDef {
    /// Label, if the row has one.
    pub label: Option<String>,
    /// One figure per column.
    pub keys: Vec<Option<Key>>,
}

/// Inputs of the narrative.
#[derive(Clone, Debug, Default)]
pub struct InputDecls {
    /// Last-year keys the templates use (`gpb.total@{class}` = one per 类).
    pub last_year: Vec<String>,
    /// 年初预算 keys the templates use.
    pub initial_budget: Vec<String>,
    /// Text inputs.
    pub texts: Vec<InputDecl>,
    /// Count inputs.
    pub counts: Vec<InputDecl>,
    /// Amount inputs.
    pub amounts: Vec<InputDecl>,
    /// Score inputs.
    pub scores: Vec<InputDecl>,
    /// List inputs.
    pub lists: Vec<InputDecl>,
}

/// A declared narrative input.
#[derive(Clone, Debug)]
pub struct InputDecl {
    /// Id; `{class}` stands for any 功能分类 类 code, `{item}` for any 项 code.
    pub id: String,
    /// What it is, in Chinese.
    pub label: String,
    /// Derived as the sum of these ids (never entered).
    pub sum_of: Vec<String>,
    /// Not needed: its sentence is left out, or a default is used, when absent.
    pub optional: bool,
}

impl InputDecl {
    /// Whether an id given in an input file is this declaration.
    pub fn matches(&self, id: &str) -> bool {
        for (placeholder, digits) in CODE_PLACEHOLDERS {
            if let Some((pre, post)) = self.id.split_once(placeholder) {
                return id
                    .strip_prefix(pre)
                    .and_then(|r| r.strip_suffix(post))
                    .is_some_and(|code| {
                        code.len() == *digits && code.bytes().all(|b| b.is_ascii_digit())
                    });
            }
        }
        self.id == id
    }
}

/// Placeholders of declared input ids and the length of the functional code each
/// stands for: `{class}` a 类 (3 digits), `{item}` a 项 (7 digits).
pub const CODE_PLACEHOLDERS: &[(&str, usize)] = &[("{class}", 3), ("{item}", 7)];

/// Whether `key` (as text) matches a declared key pattern (`gpb.total@{class}`,
/// `gpb.total@{item}`).
pub fn key_pattern_matches(pattern: &str, key: &str) -> bool {
    InputDecl {
        id: pattern.to_string(),
        label: String::new(),
        sum_of: Vec::new(),
        optional: true,
    }
    .matches(key)
}

/// A 名词解释 entry.
#[derive(Clone, Debug)]
pub struct GlossaryEntry {
    /// The term.
    pub term: String,
    /// Its explanation.
    pub text: String,
}

/// Narrative templates.
#[derive(Clone, Debug, Default)]
pub struct NarrativeDef {
    /// Macros imported into every template as `m`.
    pub macros: String,
    /// 第一部分 sections.
    pub overview: Vec<SectionDef>,
    /// The template of one 项目支出绩效自评分析报告 (第五部分).
    pub project: String,
    /// 第三部分 sections.
    pub sections: Vec<SectionDef>,
    /// Charts the templates place with `@@chart:ID@@`.
    pub charts: Vec<ChartDef>,
}

/// A chart of figures, drawn where a template says `@@chart:ID@@`.
#[derive(Clone, Debug)]
pub struct ChartDef {
    /// Id used in the marker.
    pub id: String,
    /// Pie (shares of a whole) or grouped bars.
    pub kind: ChartKind,
    /// Title template (`{{ year }}`, `{{ prev_year }}` available).
    pub title: String,
    /// Series (one for a pie).
    pub series: Vec<ChartSeriesDef>,
    /// Categories (slices, bar groups).
    pub categories: ChartCategories,
}

/// How a chart draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    /// Shares of a whole.
    Pie,
    /// Grouped vertical bars, one bar per series in each category.
    Bars,
}

/// Which year's figure a series shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartYear {
    /// This year's figures.
    This,
    /// Last year's, as supplied; the chart is left out when one is missing.
    Last,
}

/// A series.
#[derive(Clone, Debug)]
pub struct ChartSeriesDef {
    /// Name template (`{{ prev_year }}年`).
    pub name: String,
    /// Which year.
    pub year: ChartYear,
}

/// A chart's categories.
#[derive(Clone, Debug)]
pub enum ChartCategories {
    /// Listed: a label and one key per series.
    Listed(Vec<(String, Vec<Key>)>),
    /// The 功能分类 类 with a non-zero figure of this measure.
    Classes(Measure),
}

/// A narrative section.
#[derive(Clone, Debug)]
pub struct SectionDef {
    /// `一` … (empty for overview sections).
    pub id: String,
    /// Heading.
    pub title: String,
    /// MiniJinja template.
    pub template: String,
}
