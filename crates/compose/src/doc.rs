//! The neutral document every renderer turns into bytes. Everything in it is
//! already computed and worded; renderers only lay it out.

use juesuan_model::{AmountUnit, Money};
use serde::Serialize;

/// A whole report, ready to render.
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// Report title (`晋城市市场监督管理局2022年单位决算公开报告`).
    pub title: String,
    /// 部门名称.
    pub department: String,
    /// 决算年度.
    pub year: i32,
    /// Profile id.
    pub profile: String,
    /// Parts in order.
    pub parts: Vec<Part>,
    /// Built with `--draft` from incomplete inputs: every page says 草稿.
    pub draft: bool,
    /// The faces the profile asks for (the PDF's choice; other renderers ignore it).
    #[serde(skip)]
    pub fonts: juesuan_profile::FontFamilies,
}

impl Document {
    /// The cover's second line: the title without the department in front
    /// (`2022年单位决算公开报告`), as the title says 部门 or 单位.
    pub fn cover_line(&self) -> &str {
        self.title
            .strip_prefix(self.department.as_str())
            .unwrap_or(&self.title)
    }
}

/// 第一部分 … 第五部分.
#[derive(Clone, Debug, Serialize)]
pub struct Part {
    /// `overview`, `tables`, `narrative`, `glossary`, `attachments`.
    pub id: String,
    /// `第一部分 概况`.
    pub title: String,
    /// Content.
    pub blocks: Vec<Block>,
}

/// A piece of content.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading inside a part (level 2: 一、…; level 3: （一）…).
    Heading {
        /// 2, 3 or 4.
        level: u8,
        /// Text.
        text: String,
        /// Anchor id, stable across builds.
        anchor: String,
        /// Text for the table of contents, when it differs from `text`.
        #[serde(skip_serializing_if = "Option::is_none")]
        toc: Option<String>,
    },
    /// A paragraph of text.
    Paragraph {
        /// Text.
        text: String,
    },
    /// A table.
    Table(Box<TableView>),
    /// A chart.
    Chart(Box<Chart>),
    /// Start a new page when printing.
    PageBreak,
}

/// A chart, with every number it shows already computed and formatted; renderers
/// draw it (see `juesuan_render::chart`).
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    /// Profile id of the chart, also its anchor (`chart-…`).
    pub id: String,
    /// `pie` or `bars`.
    pub kind: ChartKind,
    /// Title.
    pub title: String,
    /// Unit of the value labels (`万元`).
    pub unit: String,
    /// Category names (slices, bar groups).
    pub categories: Vec<String>,
    /// Series: one for a pie, one or more for bars.
    pub series: Vec<ChartSeries>,
}

/// How a chart draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Shares of a whole.
    Pie,
    /// Grouped vertical bars.
    Bars,
}

/// One series of a chart.
#[derive(Clone, Debug, Serialize)]
pub struct ChartSeries {
    /// Name (`2021年`, `预算数`).
    pub name: String,
    /// Exact values, one per category (they set the geometry).
    pub values: Vec<Money>,
    /// Printed values, one per category (`3871.65`).
    pub labels: Vec<String>,
    /// Shares of the series total, one per category (`86.82%`); pies only, else empty.
    pub shares: Vec<String>,
}

/// A table as printed.
#[derive(Clone, Debug, Serialize)]
pub struct TableView {
    /// Profile id (`01`).
    pub id: String,
    /// `公开01表`.
    pub number: String,
    /// `收入支出决算总表`.
    pub title: String,
    /// `部门名称：晋城市市场监督管理局`.
    pub org_line: String,
    /// `2022年度`.
    pub year_line: String,
    /// `金额单位：元`.
    pub unit_line: String,
    /// Unit amounts are displayed in.
    pub unit: AmountUnit,
    /// Print on a landscape page.
    pub landscape: bool,
    /// Header rows, with spans.
    pub header: Vec<Vec<HeaderCell>>,
    /// The 栏次 row, when printed.
    pub numbers: Option<Vec<HeaderCell>>,
    /// Body rows.
    pub rows: Vec<ViewRow>,
    /// `注：…`.
    pub note: Option<String>,
    /// `说明：本表无数据`, when the table is empty.
    pub empty_note: Option<String>,
}

/// A header cell.
#[derive(Clone, Debug, Serialize)]
pub struct HeaderCell {
    /// Text.
    pub text: String,
    /// Columns spanned.
    pub colspan: u32,
    /// Rows spanned.
    pub rowspan: u32,
}

/// How a body row is styled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStyle {
    /// 合计/总计: bold.
    Total,
    /// 类: bold.
    Class,
    /// 款.
    Section,
    /// 项 and plain rows.
    Item,
    /// A heading inside the table.
    Heading,
}

/// A body row.
#[derive(Clone, Debug, Serialize)]
pub struct ViewRow {
    /// Style.
    pub style: RowStyle,
    /// Cells, one per layout column unless spanning.
    pub cells: Vec<ViewCell>,
}

/// A body cell, typed so each renderer can align and format it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum ViewCell {
    /// Text (科目名称, 项目). `indent` is the hierarchy depth.
    Text {
        /// Text.
        text: String,
        /// Indent level.
        indent: u8,
        /// Columns spanned.
        colspan: u32,
        /// Rows spanned (the rows below omit this column).
        rowspan: u32,
    },
    /// A classification code.
    Code(String),
    /// A name that links to a page (a department's report in a comparison
    /// table); printed as its text where links do not exist (PDF, Excel).
    Link {
        /// Text.
        text: String,
        /// Where it points (a site-relative URL).
        href: String,
    },
    /// 行次.
    Line(u32),
    /// An amount, already rounded to the table's display unit.
    Amount(Money),
    /// A count.
    Count(i64),
    /// A score or weight in points.
    Score(juesuan_model::Points),
    /// A percentage.
    Rate(juesuan_model::Percent),
    /// Nothing printed.
    Empty,
    /// "────": does not apply.
    NotApplicable,
}
