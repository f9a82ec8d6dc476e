//! The workbook form, empty (`juesuan init --xlsx`) or filled with a report's
//! data (`juesuan convert DIR -o X.xlsx`).
//!
//! Every sheet is first planned as a grid of cells — texts, typed values, cells
//! bound to a figure — so that every figure's address is known before any
//! formula is written; then derived cells get their formulas (module
//! [`super::formula`]) with the values we derive as cached results (spreadsheets
//! that do not recalculate on opening still show the right totals), and the
//! workbook is written. Input cells are light yellow, derived cells light blue.

use super::cell::col_letters;
use super::formula::{Addr, Index, Source};
use super::layout::{
    self, BUDGET, BUDGET_COLS, CLASS_SHEET, ECON_CODE, FN_CODE, FUND_TYPES, FnSheet, GUIDE,
    INDICATOR_COLS, INDICATORS, INFO, INFO_CODE, INFO_DEPARTMENT, INFO_DUTIES, INFO_OFFICES,
    INFO_PROFILE, INFO_TITLE, INFO_UNITS, INFO_YEAR, LISTS, NAME, NARR_AMOUNTS, NARR_CLASS,
    NARR_CLASSES, NARR_COUNTS, NARR_ID, NARR_INITIAL, NARR_LAST_YEAR, NARR_LISTS, NARR_SCORES,
    NARR_TEXTS, NARRATIVE, PCol, PROJECT_COLS, PROJECTS, TEXT_COLS, TEXT_FIELDS, TEXTS,
};
use crate::grid::{lines, place, row_height};
use crate::style;
use crate::table::exact_decimal;
use crate::{Fault, XlsxError, col_num};
use juesuan_model::{
    AmountUnit, EconomicCode, FnLevel, FunctionalCode, Key, Measure, Meta, Money, Num, NumKind,
    Report, Scope, UnitKind,
};
use juesuan_profile::{HeaderCell, Layout, PanelDef, Profile, TableDef};
use juesuan_tables::Figures;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, Formula, IgnoreError, Workbook, Worksheet,
};
use std::collections::{BTreeMap, BTreeSet};

const INPUT_FILL: u32 = 0x00FF_F2CC;
const DERIVED_FILL: u32 = 0x00DD_EBF7;
const NA_FILL: u32 = 0x00ED_EDED;
/// Number format of derived amounts: zero shows blank, as the official tables print it.
const DERIVED_AMOUNT: &str = "#,##0.00;-#,##0.00;";
/// Rows below the last planned row that the same-sheet sums still cover, so rows
/// inserted or appended later count.
const MARGIN: u32 = 1000;

/// Cell styles of the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Caption,
    Right,
    Left,
    Center,
    Header,
    HeaderPlain,
    Heading,
    Label {
        indent: u8,
        bold: bool,
    },
    Line,
    Note,
    Id,
    InText {
        wrap: bool,
    },
    /// A 科目名称 to fill in, indented by its level (类 flush, 款 one step, 项 two).
    InName {
        indent: u8,
    },
    InCode,
    InAmount,
    InCount,
    InScore,
    DerText {
        indent: u8,
        bold: bool,
    },
    DerAmount {
        bold: bool,
    },
    DerCount {
        bold: bool,
    },
    Na,
}

fn format(st: St) -> Format {
    let input = |f: Format| f.set_background_color(Color::RGB(INPUT_FILL));
    let derived = |f: Format| f.set_background_color(Color::RGB(DERIVED_FILL));
    let bold = |f: Format, b: bool| if b { f.set_bold() } else { f };
    match st {
        St::Caption => style::caption(),
        St::Right => style::line(FormatAlign::Right),
        St::Left => style::line(FormatAlign::Left),
        St::Center => style::line(FormatAlign::Center),
        St::Header => style::header(false),
        St::HeaderPlain => style::header(true),
        St::Heading => style::heading(3),
        St::Label { indent, bold: b } => bold(style::body(style::Kind::Label(indent), false), b),
        St::Line => style::body(style::Kind::Line, false),
        St::Note => style::note(),
        St::Id => style::cell()
            .set_font_color(Color::RGB(0x0080_8080))
            .set_font_size(9)
            .set_num_format("@"),
        St::InText { wrap } => {
            let f = input(
                style::cell()
                    .set_align(FormatAlign::Left)
                    .set_num_format("@"),
            );
            if wrap { f.set_text_wrap() } else { f }
        }
        St::InName { indent } => {
            input(style::body(style::Kind::Label(indent), false).set_num_format("@"))
        }
        St::InCode => input(
            style::cell()
                .set_align(FormatAlign::Left)
                .set_num_format("@"),
        ),
        St::InAmount => input(style::body(style::Kind::Amount, false)),
        St::InCount => input(style::body(style::Kind::Count, false)),
        St::InScore => input(style::body(style::Kind::Score, false)),
        St::DerText { indent, bold: b } => {
            derived(bold(style::body(style::Kind::Label(indent), false), b))
        }
        St::DerAmount { bold: b } => derived(bold(
            style::cell()
                .set_align(FormatAlign::Right)
                .set_num_format(DERIVED_AMOUNT),
            b,
        )),
        St::DerCount { bold: b } => derived(bold(style::body(style::Kind::Count, false), b)),
        St::Na => {
            style::body(style::Kind::NotApplicable, false).set_background_color(Color::RGB(NA_FILL))
        }
    }
}

/// A planned cell.
#[derive(Clone, Debug)]
enum PCell {
    /// Text.
    Text(String, St),
    /// A number, as its exact decimal text (`1234.56`).
    Num(String, St),
    /// An empty cell with a format.
    Blank(St),
    /// A derived figure: its formula is written once all sheets are planned.
    Derived(Key, St),
    /// An explicit formula and its cached result.
    Formula(String, String, St),
}

/// A dropdown: the list (a range of the lists sheet), advisory only.
#[derive(Clone, Debug)]
struct Dropdown {
    range: (u32, u32, u32, u32),
    list: String,
    title: &'static str,
    message: String,
}

/// One sheet, planned.
#[derive(Clone, Debug, Default)]
struct Plan {
    name: String,
    widths: Vec<u32>,
    cells: BTreeMap<(u32, u32), PCell>,
    merges: Vec<(u32, u32, u32, u32)>,
    heights: BTreeMap<u32, u32>,
    dropdowns: Vec<Dropdown>,
    freeze: Option<(u32, u32)>,
    repeat: Option<(u32, u32)>,
    landscape: bool,
    hidden: bool,
    /// Columns kept from view: the ids by which the reader knows each row, which a
    /// person neither needs to read nor should change.
    hidden_columns: Vec<u32>,
    /// Cells that hold text looking like numbers (codes): no warning triangles.
    text_range: Option<(u32, u32, u32, u32)>,
}

impl Plan {
    fn new(name: &str, widths: Vec<u32>) -> Plan {
        Plan {
            name: name.to_string(),
            widths,
            ..Plan::default()
        }
    }

    fn width(&self) -> u32 {
        u32::try_from(self.widths.len()).unwrap_or(1).max(1)
    }

    fn put(&mut self, row: u32, col: u32, c: PCell) {
        self.cells.insert((row, col), c);
    }

    fn text(&mut self, row: u32, col: u32, s: &str, st: St) {
        self.put(row, col, PCell::Text(s.to_string(), st));
    }

    /// A row of the narrative-data sheet: its id, its label, and its input cell in
    /// column C (the value when there is one, else blank, in the input style `st`).
    fn input_row(&mut self, row: u32, id: &str, label: &str, value: Option<String>, st: St) {
        self.text(row, 0, id, St::Id);
        self.text(
            row,
            1,
            label,
            St::Label {
                indent: 0,
                bold: false,
            },
        );
        match value {
            Some(v) => self.put(row, 2, PCell::Num(v, st)),
            None => self.put(row, 2, PCell::Blank(st)),
        }
    }

    /// Text across columns `c1..=c2` of `row`.
    fn span(&mut self, row: u32, c1: u32, c2: u32, s: &str, st: St) {
        if c2 > c1 {
            self.merges.push((row, c1, row, c2));
        }
        self.text(row, c1, s, st);
    }

    /// Caption, table number and 部门/年度/单位 line; returns the next row.
    fn caption(&mut self, title: &str, number: &str, lines3: [&str; 3]) -> u32 {
        let w = self.width();
        self.span(0, 0, w - 1, title, St::Caption);
        self.heights.insert(0, 28);
        self.span(1, 0, w - 1, number, St::Right);
        if w >= 3 {
            let side = (w / 3).max(1);
            self.span(2, 0, side - 1, lines3[0], St::Left);
            self.span(2, side, w - side - 1, lines3[1], St::Center);
            self.span(2, w - side, w - 1, lines3[2], St::Right);
        } else {
            self.span(2, 0, w - 1, &lines3.join("　"), St::Left);
        }
        3
    }

    /// Header rows with their spans from `top`; returns the next row.
    fn header(&mut self, top: u32, rows: &[Vec<HeaderCell>]) -> u32 {
        let n = u32::try_from(rows.len()).unwrap_or(0);
        self.header_placed(top, n, &placed_header(rows))
    }

    /// Header cells at their places (relative to `top`), `n` rows; every cell
    /// of the block not covered gets a blank header cell. Returns the next row.
    fn header_placed(&mut self, top: u32, n: u32, cells: &[HeadPlace]) -> u32 {
        let mut covered = BTreeSet::new();
        for c in cells {
            let (r1, c1) = (top + c.row, c.col);
            let (r2, c2) = (r1 + c.rows.max(1) - 1, c1 + c.cols.max(1) - 1);
            if r2 > r1 || c2 > c1 {
                self.merges.push((r1, c1, r2, c2));
            }
            self.text(r1, c1, &c.text, St::Header);
            for r in r1..=r2 {
                for col in c1..=c2 {
                    covered.insert((r, col));
                }
            }
        }
        for r in top..top + n {
            for c in 0..self.width() {
                if !covered.contains(&(r, c)) {
                    self.put(r, c, PCell::Blank(St::Header));
                }
            }
            self.heights.insert(r, 36);
        }
        top + n
    }

    fn note(&mut self, row: u32, text: &str) {
        let w = self.width();
        self.span(row, 0, w - 1, text, St::Note);
        let total: u32 = self.widths.iter().sum();
        self.heights.insert(row, row_height(lines(text, total), 11));
    }

    fn dropdown(
        &mut self,
        range: (u32, u32, u32, u32),
        list: String,
        title: &'static str,
        message: &str,
    ) {
        self.dropdowns.push(Dropdown {
            range,
            list,
            title,
            message: message.to_string(),
        });
    }
}

/// The figure's value as an exact decimal, for a cell.
/// A header cell at its place in the header block.
#[derive(Clone, Debug, PartialEq, Eq)]
struct HeadPlace {
    row: u32,
    col: u32,
    rows: u32,
    cols: u32,
    text: String,
}

/// A profile's header rows placed as a browser lays them out.
fn placed_header(rows: &[Vec<HeaderCell>]) -> Vec<HeadPlace> {
    let spans: Vec<Vec<(u32, u32)>> = rows
        .iter()
        .map(|r| r.iter().map(|c| (c.colspan, c.rowspan)).collect())
        .collect();
    let (places, _) = place(&spans);
    rows.iter()
        .zip(&places)
        .flat_map(|(cells, ps)| {
            cells.iter().zip(ps).map(|(c, p)| HeadPlace {
                row: p.row,
                col: p.col,
                rows: p.rows,
                cols: p.cols,
                text: c.text.clone(),
            })
        })
        .collect()
}

/// The header of a two-sided table on the form. On the form every panel is
/// `label | 行次 | values…` — the importer finds the panels by their 行次
/// columns — whether or not the printed table shows 行次 (上海 2024 does not:
/// `line_numbers = false`). A profile header one column per panel narrower
/// (no 行次) gets a 行次 column inserted after each panel's label column; a
/// header of any other width is replaced by one row of panel names and one
/// of 项目, 行次 and the column labels.
fn panel_header(header: &[Vec<HeaderCell>], panels: &[PanelDef]) -> (u32, Vec<HeadPlace>) {
    let n = u32::try_from(header.len()).unwrap_or(0);
    let cells = placed_header(header);
    let width = cells.iter().map(|c| c.col + c.cols).max().unwrap_or(0);
    let ncols = |pd: &PanelDef| u32::try_from(pd.columns.len()).unwrap_or(0);
    let with_lines: u32 = panels.iter().map(|pd| 2 + ncols(pd)).sum();
    let without: u32 = panels.iter().map(|pd| 1 + ncols(pd)).sum();
    if n > 0 && width == with_lines {
        return (n, cells);
    }
    if n > 0 && width == without {
        // Label columns of the panels, in the profile's columns.
        let mut labels = Vec::new();
        let mut at = 0;
        for pd in panels {
            labels.push(at);
            at += 1 + ncols(pd);
        }
        // A profile column's form column: one further right per 行次 inserted
        // before it.
        let map =
            |c: u32| c + u32::try_from(labels.iter().filter(|l| **l < c).count()).unwrap_or(0);
        let mut out: Vec<HeadPlace> = cells
            .iter()
            .map(|c| {
                let first = map(c.col);
                let last = map(c.col + c.cols - 1);
                HeadPlace {
                    col: first,
                    cols: last - first + 1,
                    ..c.clone()
                }
            })
            .collect();
        for l in &labels {
            let line_col = map(*l) + 1;
            // The rows of the new column no spanning cell covers, to the bottom.
            let covered = |r: u32| {
                out.iter().any(|c| {
                    c.col <= line_col
                        && line_col < c.col + c.cols
                        && c.row <= r
                        && r < c.row + c.rows
                })
            };
            let Some(first) = (0..n).find(|r| !covered(*r)) else {
                continue;
            };
            out.push(HeadPlace {
                row: first,
                col: line_col,
                rows: n - first,
                cols: 1,
                text: "行次".to_string(),
            });
        }
        return (n, out);
    }
    let mut out = Vec::new();
    let mut at = 0;
    for pd in panels {
        let w = 2 + ncols(pd);
        out.push(HeadPlace {
            row: 0,
            col: at,
            rows: 1,
            cols: w,
            text: pd.name.clone().unwrap_or_default(),
        });
        for (j, label) in ["项目", "行次"]
            .into_iter()
            .map(str::to_string)
            .chain(pd.columns.iter().map(|c| c.label.clone()))
            .enumerate()
        {
            out.push(HeadPlace {
                row: 1,
                col: at + u32::try_from(j).unwrap_or(0),
                rows: 1,
                cols: 1,
                text: label,
            });
        }
        at += w;
    }
    (2, out)
}

fn num_text(n: Num) -> String {
    match n {
        Num::Money(m) => m.display(AmountUnit::Yuan, false),
        Num::Count(c) => c.to_string(),
    }
}

fn money_text(m: Money) -> String {
    m.display(AmountUnit::Yuan, false)
}

/// Where the planner is and what it knows.
struct Planner<'a> {
    report: &'a Report,
    profile: &'a Profile,
    fig: Figures,
    /// Derived values the report states (typed over formulas in a workbook).
    stated: BTreeMap<Key, Num>,
    plans: Vec<Plan>,
    index: Index,
    /// Spare input rows under the data of a table.
    spare: u32,
    /// The ranges of the lists sheet, by name.
    lists: BTreeMap<&'static str, String>,
    /// Whole-department facts already given an input cell: a second table
    /// showing one gets a formula pointing at the first.
    typed: BTreeSet<Key>,
}

fn lists_range(col: u32, n: usize) -> String {
    let c = col_letters(col);
    format!("'{LISTS}'!${c}$2:${c}${}", n.max(1) + 1)
}

impl<'a> Planner<'a> {
    fn new(report: &'a Report, profile: &'a Profile) -> Planner<'a> {
        let fig = juesuan_tables::derive(report, profile);
        let stated = report
            .stated
            .iter()
            .map(|s| (s.key.clone(), s.value))
            .collect();
        let spare = if report.facts.functional.is_empty() {
            30
        } else {
            10
        };
        Planner {
            report,
            profile,
            fig,
            stated,
            plans: Vec::new(),
            index: Index {
                groups: juesuan_tables::economic_groups(profile),
                ..Index::default()
            },
            spare,
            lists: BTreeMap::new(),
            typed: BTreeSet::new(),
        }
    }

    fn meta(&self) -> &Meta {
        &self.report.meta
    }

    fn sheet_index(&self) -> usize {
        self.plans.len()
    }

    fn place(&mut self, key: &Key, sheet: usize, row: u32, col: u32) {
        self.index
            .placed
            .entry(key.clone())
            .or_default()
            .push(Addr { sheet, row, col });
    }

    /// A derived cell: the typed value when the report states one, else the formula.
    fn derived(&mut self, plan: &mut Plan, row: u32, col: u32, key: Key, bold: bool) {
        let st = if key.measure.kind() == NumKind::Count {
            St::DerCount { bold }
        } else {
            St::DerAmount { bold }
        };
        let sheet = self.sheet_index();
        self.place(&key, sheet, row, col);
        match self.stated.get(&key) {
            Some(v) => plan.put(row, col, PCell::Num(num_text(*v), st)),
            None => plan.put(row, col, PCell::Derived(key, st)),
        }
    }

    /// An input cell of a figure with its value, if any.
    fn input(&mut self, plan: &mut Plan, row: u32, col: u32, key: Key, value: Option<Num>) {
        let st = if key.measure.kind() == NumKind::Count {
            St::InCount
        } else {
            St::InAmount
        };
        let sheet = self.sheet_index();
        self.place(&key, sheet, row, col);
        match value {
            Some(v) => plan.put(row, col, PCell::Num(num_text(v), st)),
            None => plan.put(row, col, PCell::Blank(st)),
        }
    }

    fn meta_lines(&self, org_label: &str, unit_label: &str) -> [String; 3] {
        [
            format!("{org_label}：{}", self.meta().department),
            format!("{}年度", self.meta().year),
            // The form's amounts are written in 元 whatever unit the printed
            // tables use (上海 2024 prints 万元): the line states what the
            // cells hold, and the importer reads them in the unit it states.
            format!("{unit_label}：元"),
        ]
    }

    fn lines_of(&self, def: &TableDef) -> [String; 3] {
        self.meta_lines(&def.org_label, &def.unit_label)
    }

    // ─── 填表说明 ───
    fn guide(&mut self) {
        let mut p = Plan::new(GUIDE, vec![76]);
        p.text(
            0,
            0,
            &format!(
                "{}{}年度部门决算公开 填报工作簿",
                self.meta().department,
                self.meta().year
            ),
            St::Caption,
        );
        p.heights.insert(0, 28);
        let lines: Vec<String> = vec![
            "一、怎样填".to_string(),
            "1. 只填浅黄色单元格；浅蓝色单元格是公式，自动计算（类、款、合计、总计，公开01、03、04表，公开07表决算数等）。".to_string(),
            "2. 金额以各表“金额单位”所写的单位填写（默认“元”，可改为“万元”），元最多两位小数；可以输入数字，也可以输入“1,234.56”这样带千分位的文字，全角数字也可以。".to_string(),
            "3. 科目编码按文本填写（如 2013801），只填“项”；类、款、合计由公式计算。行的先后不限，可插入行，空行会被忽略。新增科目请在表中空白的浅黄色行填写编码和名称。".to_string(),
            "4. 计算值一般不要改动；如果在浅蓝色单元格中直接填了数，程序只核对、不采用：与按明细计算的结果不符时，检查报告会指出（规则 IN-DERIVED）。".to_string(),
            "5. 公开03表（支出决算表）= 公开05表 + 公开08表 + 公开09表 + “非财政拨款支出”表，不必填写。".to_string(),
            "二、各工作表".to_string(),
            format!("· {INFO}：部门名称、年度、报告模板、纳入报告的单位、内设机构、职责。"),
            "· 公开01表 … 公开10表：决算表，按官方表样排列；公开01表只填结转结余等几行，公开04表只填财政拨款结转结余和国有资本经营预算收入。".to_string(),
            "· 非财政拨款支出：事业收入等非财政拨款资金安排的支出（按项），用于计算公开03表。".to_string(),
            format!("· {NARRATIVE}、{CLASS_SHEET}：情况说明所需的上年决算数、年初预算数、增减原因、用途、“三公”批次人次等，在 C 列填写。"),
            format!("· {PROJECTS}、{BUDGET}、{INDICATORS}、{TEXTS}：项目支出绩效自评，每个项目在“{PROJECTS}”表占一行，其余各表用项目名称对应。"),
            "三、检查与生成".to_string(),
            "在命令行运行：juesuan check 本工作簿.xlsx（逐条检查）；juesuan build 本工作簿.xlsx -o 输出目录（生成 PDF、网页、Excel 等）。".to_string(),
            "有无法使用的内容时，程序会一次列出全部问题，指明工作表和单元格（如 公开02表!D14），不生成任何输出。".to_string(),
            "工作表名称不要改动；可以增加自己的工作表（程序忽略）。".to_string(),
        ];
        for (i, l) in (2_u32..).zip(&lines) {
            let heading = l.starts_with(['一', '二', '三']);
            p.text(i, 0, l, if heading { St::Heading } else { St::Note });
            p.heights.insert(i, row_height(lines_count(l, 76), 11));
        }
        self.plans.push(p);
    }

    // ─── 基本信息 ───
    fn info(&mut self) {
        let mut p = Plan::new(INFO, vec![22, 50, 28]);
        p.span(0, 0, 2, "基本信息", St::Caption);
        p.heights.insert(0, 28);
        p.text(2, 0, "项目", St::Header);
        p.span(2, 1, 2, "内容", St::Header);
        let m = self.meta();
        let rows: [(&str, String); 5] = [
            (INFO_DEPARTMENT, m.department.clone()),
            (INFO_CODE, m.department_code.clone().unwrap_or_default()),
            (INFO_YEAR, m.year.to_string()),
            (INFO_PROFILE, m.profile.clone()),
            (INFO_TITLE, m.title.clone().unwrap_or_default()),
        ];
        let mut row = 3;
        for (label, value) in rows {
            p.text(
                row,
                0,
                label,
                St::Label {
                    indent: 0,
                    bold: true,
                },
            );
            p.merges.push((row, 1, row, 2));
            if label == INFO_YEAR {
                p.put(row, 1, PCell::Num(value, St::InCount));
            } else if value.is_empty() {
                p.put(row, 1, PCell::Blank(St::InText { wrap: false }));
            } else {
                p.text(row, 1, &value, St::InText { wrap: false });
            }
            row += 1;
        }
        let profile_row = row - 2;
        let profiles = self.lists.get("profiles").cloned().unwrap_or_default();
        p.dropdown(
            (profile_row, 1, profile_row, 1),
            profiles,
            "报告模板",
            "选择报告模板（juesuan profiles 列出全部）",
        );
        p.text(row, 0, "（报告标题留空则用模板的标题）", St::Note);
        row += 2;

        let o = &self.report.overview;
        p.span(row, 0, 2, INFO_UNITS, St::Heading);
        row += 1;
        p.text(row, 0, "序号", St::Header);
        p.text(row, 1, "单位名称", St::Header);
        p.text(row, 2, "单位性质", St::Header);
        row += 1;
        let first = row;
        let n = o.units.len() + if o.units.is_empty() { 10 } else { 3 };
        for i in 0..n {
            p.put(row, 0, PCell::Num((i + 1).to_string(), St::Line));
            match o.units.get(i) {
                Some(u) => {
                    p.text(row, 1, &u.name, St::InText { wrap: false });
                    p.text(row, 2, u.kind.label(), St::InText { wrap: false });
                }
                None => {
                    p.put(row, 1, PCell::Blank(St::InText { wrap: false }));
                    p.put(row, 2, PCell::Blank(St::InText { wrap: false }));
                }
            }
            row += 1;
        }
        let kinds = self.lists.get("kinds").cloned().unwrap_or_default();
        p.dropdown((first, 2, row + 50, 2), kinds, "单位性质", "行政单位、参照公务员法管理事业单位、全额事业单位、差额事业单位、自收自支单位、其他单位");
        row += 1;

        p.span(row, 0, 2, INFO_OFFICES, St::Heading);
        row += 1;
        p.text(row, 0, "序号", St::Header);
        p.span(row, 1, 2, "机构名称（按公布顺序）", St::Header);
        row += 1;
        let n = o.offices.len() + if o.offices.is_empty() { 20 } else { 3 };
        for i in 0..n {
            p.put(row, 0, PCell::Num((i + 1).to_string(), St::Line));
            p.merges.push((row, 1, row, 2));
            match o.offices.get(i) {
                Some(x) => p.text(row, 1, x, St::InText { wrap: false }),
                None => p.put(row, 1, PCell::Blank(St::InText { wrap: false })),
            }
            row += 1;
        }
        row += 1;

        p.span(row, 0, 2, INFO_DUTIES, St::Heading);
        row += 1;
        p.text(row, 0, "序号", St::Header);
        p.span(row, 1, 2, "内容（每段一行）", St::Header);
        row += 1;
        let n = o.duties.len() + if o.duties.is_empty() { 20 } else { 3 };
        for i in 0..n {
            p.put(row, 0, PCell::Num((i + 1).to_string(), St::Line));
            p.merges.push((row, 1, row, 2));
            match o.duties.get(i) {
                Some(x) => {
                    p.text(row, 1, x, St::InText { wrap: true });
                    p.heights.insert(row, row_height(lines_count(x, 78), 11));
                }
                None => p.put(row, 1, PCell::Blank(St::InText { wrap: true })),
            }
            row += 1;
        }
        p.freeze = Some((3, 0));
        self.plans.push(p);
    }

    // ─── 公开01表, 公开04表 ───
    fn two_sided(&mut self, def: &TableDef, panels: &[PanelDef]) {
        let mut widths = Vec::new();
        for pd in panels {
            widths.push(34);
            widths.push(6);
            widths.extend(pd.columns.iter().map(|_| 17));
        }
        let mut p = Plan::new(&def.number, widths);
        p.landscape = def.landscape;
        let l = self.lines_of(def);
        let top = p.caption(&def.title, &def.number, [&l[0], &l[1], &l[2]]);
        let (n, header) = panel_header(&def.header, panels);
        let mut row = p.header_placed(top, n, &header);
        // 栏次
        let mut col = 0;
        for pd in panels {
            p.text(row, col, "栏次", St::HeaderPlain);
            p.put(row, col + 1, PCell::Blank(St::HeaderPlain));
            for (j, c) in (0_u32..).zip(&pd.columns) {
                let no = c.number.map(|n| n.to_string()).unwrap_or_default();
                p.text(row, col + 2 + j, &no, St::HeaderPlain);
            }
            col += 2 + u32::try_from(pd.columns.len()).unwrap_or(0);
        }
        let header_end = row;
        row += 1;
        let body = row;
        let n = panels.iter().map(|pd| pd.rows.len()).max().unwrap_or(0);
        for i in 0..n {
            let mut col = 0;
            for pd in panels {
                let ncols = u32::try_from(pd.columns.len()).unwrap_or(0);
                self.panel_row(&mut p, row, col, pd, pd.rows.get(i));
                col += 2 + ncols;
            }
            row += 1;
        }
        if let Some(note) = &def.note {
            p.note(row, note);
        }
        p.freeze = Some((body, 0));
        p.repeat = Some((top, header_end));
        self.plans.push(p);
    }

    fn panel_row(
        &mut self,
        p: &mut Plan,
        row: u32,
        col: u32,
        pd: &PanelDef,
        r: Option<&juesuan_profile::RowDef>,
    ) {
        let Some(r) = r else {
            for c in 0..2 + u32::try_from(pd.columns.len()).unwrap_or(0) {
                p.put(
                    row,
                    col + c,
                    PCell::Blank(St::Label {
                        indent: 0,
                        bold: false,
                    }),
                );
            }
            return;
        };
        let bold = r.total;
        p.text(row, col, &r.label, St::Label { indent: 0, bold });
        match r.line {
            Some(l) => p.put(row, col + 1, PCell::Num(l.to_string(), St::Line)),
            None => p.put(row, col + 1, PCell::Blank(St::Line)),
        }
        for (j, cd) in (0_u32..).zip(&pd.columns) {
            let at = col + 2 + j;
            let key = layout::panel_key(r, j as usize, cd);
            match key {
                Some(k) if layout::is_scalar_fact(&k) && self.typed.insert(k.clone()) => {
                    let v = self.report.facts.scalars.get(&k.measure).copied();
                    self.input(p, row, at, k, v);
                }
                Some(k) => self.derived(p, row, at, k, bold),
                None => p.put(
                    row,
                    at,
                    PCell::Blank(St::Label {
                        indent: 0,
                        bold: false,
                    }),
                ),
            }
        }
    }

    // ─── 公开10表 ───
    fn list_table(&mut self, def: &TableDef, panels: &[PanelDef]) {
        let Some(pd) = panels.first() else { return };
        let mut p = Plan::new(&def.number, vec![46, 6, 20]);
        let l = self.lines_of(def);
        let mut row = p.caption(&def.title, &def.number, [&l[0], &l[1], &l[2]]);
        let body = row;
        for r in &pd.rows {
            if let Some(sub) = &r.heading {
                p.span(row, 0, 2, &r.label, St::Heading);
                row += 1;
                if !sub.is_empty() {
                    for (c, s) in (0_u32..).zip(sub) {
                        p.text(row, c, s, St::HeaderPlain);
                    }
                    row += 1;
                }
                continue;
            }
            self.panel_row(&mut p, row, 0, pd, Some(r));
            row += 1;
        }
        if let Some(note) = &def.note {
            p.note(row, note);
        }
        p.freeze = Some((body, 0));
        self.plans.push(p);
    }

    // ─── 公开07表 ───
    fn grid(
        &mut self,
        def: &TableDef,
        columns: &[juesuan_profile::ColumnDef],
        rows: &[juesuan_profile::GridRowDef],
    ) {
        let mut p = Plan::new(&def.number, columns.iter().map(|_| 14).collect());
        p.landscape = def.landscape;
        let l = self.lines_of(def);
        let top = p.caption(&def.title, &def.number, [&l[0], &l[1], &l[2]]);
        let mut row = p.header(top, &def.header);
        for (c, cd) in (0_u32..).zip(columns) {
            let no = cd.number.map(|n| n.to_string()).unwrap_or_default();
            p.text(row, c, &no, St::HeaderPlain);
        }
        row += 1;
        for r in rows {
            for (c, k) in (0_u32..).zip(&r.keys) {
                match k {
                    Some(k) if layout::is_scalar_fact(k) && self.typed.insert(k.clone()) => {
                        let v = self.report.facts.scalars.get(&k.measure).copied();
                        self.input(&mut p, row, c, k.clone(), v);
                    }
                    Some(k) => self.derived(&mut p, row, c, k.clone(), false),
                    None => p.put(
                        row,
                        c,
                        PCell::Blank(St::Label {
                            indent: 0,
                            bold: false,
                        }),
                    ),
                }
            }
            row += 1;
        }
        if let Some(note) = &def.note {
            p.note(row, note);
        }
        self.plans.push(p);
    }

    /// The rows of a code table: 项 with figures in it, their 类 and 款, codes
    /// with stated values; for a derived table, the codes its figures cover.
    fn fn_codes(&self, fs: &FnSheet) -> BTreeSet<FunctionalCode> {
        let facts = &self.report.facts;
        let measures: Vec<Measure> = fs.cols.iter().map(|c| c.measure).collect();
        let mut codes = BTreeSet::new();
        if fs.input {
            for (code, values) in &facts.functional {
                if values.keys().any(|m| measures.contains(m)) || (values.is_empty() && fs.home) {
                    codes.extend(code.lineage());
                }
            }
            if fs.home {
                for code in facts.functional_names.keys() {
                    if code.level() != FnLevel::Item {
                        codes.insert(code.clone());
                    }
                }
            }
        } else {
            for code in &self.fig.functional_codes {
                if measures
                    .iter()
                    .any(|m| !self.fig.get(&Key::func(*m, code)).is_zero())
                {
                    codes.insert(code.clone());
                }
            }
        }
        for k in self.stated.keys() {
            if let Scope::Fn(code) = &k.scope
                && measures.contains(&k.measure)
            {
                codes.extend(code.lineage());
            }
        }
        codes
    }

    fn fn_name(&self, code: &FunctionalCode) -> String {
        juesuan_tables::functional_name(self.report, self.profile, code)
    }

    // ─── 公开02/03/05/08/09表, 非财政拨款支出 ───
    fn functional(&mut self, fs: &FnSheet, def: Option<&TableDef>) {
        let mut widths = vec![12, 34];
        widths.extend(fs.cols.iter().map(|_| 17));
        let mut p = Plan::new(&fs.name, widths);
        p.landscape = def.is_some_and(|d| d.landscape);
        let l = match def {
            Some(d) => self.lines_of(d),
            None => self.meta_lines("部门名称", "金额单位"),
        };
        let top = p.caption(&fs.title, &fs.number, [&l[0], &l[1], &l[2]]);
        let mut row = p.header(top, &fs.header);
        p.span(row, 0, 1, "栏次", St::HeaderPlain);
        for (c, fc) in (2_u32..).zip(&fs.cols) {
            p.text(
                row,
                c,
                &fc.number.map(|n| n.to_string()).unwrap_or_default(),
                St::HeaderPlain,
            );
        }
        let header_end = row;
        row += 1;
        let sheet = self.sheet_index();
        // 合计
        let total_row = row;
        p.span(
            row,
            0,
            1,
            "合计",
            St::DerText {
                indent: 0,
                bold: true,
            },
        );
        for (c, fc) in (2_u32..).zip(&fs.cols) {
            self.derived(&mut p, row, c, Key::all(fc.measure), true);
        }
        row += 1;
        let mut blocks: Vec<(u32, u32)> = Vec::new();
        let push_block = |blocks: &mut Vec<(u32, u32)>, r: u32| match blocks.last_mut() {
            Some((_, b)) if *b + 1 == r => *b = r,
            _ => blocks.push((r, r)),
        };
        let codes = self.fn_codes(fs);
        let col_of = |id: &str| {
            fs.cols
                .iter()
                .position(|c| c.id == id)
                .and_then(|i| u32::try_from(i).ok())
                .map(|i| i + 2)
        };
        for code in &codes {
            let item = code.level() == FnLevel::Item;
            let indent = match code.level() {
                FnLevel::Class => 0,
                FnLevel::Section => 1,
                FnLevel::Item => 2,
            };
            let name = self.fn_name(code);
            if item && fs.input {
                p.text(row, 0, code.as_str(), St::InCode);
                p.text(row, 1, &name, St::InName { indent });
                let values = self
                    .report
                    .facts
                    .functional
                    .get(code)
                    .cloned()
                    .unwrap_or_default();
                for (c, fc) in (2_u32..).zip(&fs.cols) {
                    let key = Key::func(fc.measure, code);
                    if fc.fact {
                        let v = values.get(&fc.measure).map(|m| Num::Money(*m));
                        self.input(&mut p, row, c, key, v);
                    } else {
                        self.derived(&mut p, row, c, key, false);
                    }
                }
                push_block(&mut blocks, row);
            } else {
                let bold = code.level() == FnLevel::Class;
                p.text(row, 0, code.as_str(), St::DerText { indent: 0, bold });
                p.text(row, 1, &name, St::DerText { indent, bold });
                for (c, fc) in (2_u32..).zip(&fs.cols) {
                    self.derived(&mut p, row, c, Key::func(fc.measure, code), bold);
                }
            }
            row += 1;
        }
        let data_end = row;
        if fs.input {
            for _ in 0..self.spare {
                p.put(row, 0, PCell::Blank(St::InCode));
                // The name follows the code chosen (from the catalog on the hidden
                // 代码表 sheet); typing over it names a code outside the catalog.
                p.put(
                    row,
                    1,
                    PCell::Formula(
                        format!(
                            "IFERROR(VLOOKUP($A{},'{LISTS}'!$A:$B,2,FALSE),\"\")",
                            row + 1
                        ),
                        String::new(),
                        St::InName { indent: 2 },
                    ),
                );
                for (c, fc) in (2_u32..).zip(&fs.cols) {
                    if fc.fact {
                        p.put(row, c, PCell::Blank(St::InAmount));
                    } else {
                        let parts: Vec<String> = fc
                            .sum_of
                            .iter()
                            .filter_map(|id| col_of(id))
                            .map(|pc| format!("{}{}", col_letters(pc), row + 1))
                            .collect();
                        if parts.is_empty() {
                            p.put(row, c, PCell::Blank(St::DerAmount { bold: false }));
                        } else {
                            p.put(
                                row,
                                c,
                                PCell::Formula(
                                    parts.join("+"),
                                    "0".into(),
                                    St::DerAmount { bold: false },
                                ),
                            );
                        }
                    }
                }
                push_block(&mut blocks, row);
                row += 1;
            }
            // Rows inserted below the last one still count.
            match blocks.last_mut() {
                Some((_, b)) => *b += MARGIN,
                None => blocks.push((row, row + MARGIN)),
            }
            for (c, fc) in (2_u32..).zip(&fs.cols) {
                if fc.fact {
                    self.index.functional.insert(
                        fc.measure,
                        Source {
                            sheet,
                            col: c,
                            code_col: 0,
                            blocks: blocks.clone(),
                        },
                    );
                }
            }
            let codes_list = self.lists.get("fn").cloned().unwrap_or_default();
            p.dropdown(
                (total_row + 1, 0, row + 200, 0),
                codes_list,
                "功能分类科目编码",
                "只填“项”（7 位）编码；目录以外的科目请同时填写科目名称",
            );
        }
        let _ = data_end;
        row += 1;
        if let Some(note) = &fs.note {
            p.note(row, note);
        }
        p.freeze = Some((total_row, 2));
        p.repeat = Some((top, header_end));
        p.text_range = Some((total_row, 0, row, 0));
        self.plans.push(p);
    }

    // ─── 公开06表 ───
    fn economic(
        &mut self,
        def: &TableDef,
        columns: &[juesuan_profile::ColumnDef],
        groups: &[juesuan_profile::GroupDef],
    ) {
        let columns = &layout::econ_form_columns(columns);
        let mut widths = vec![12, 34];
        widths.extend(columns.iter().map(|_| 17));
        let mut p = Plan::new(&def.number, widths);
        let l = self.lines_of(def);
        let top = p.caption(&def.title, &def.number, [&l[0], &l[1], &l[2]]);
        let mut row = top;
        p.text(row, 0, ECON_CODE, St::Header);
        p.text(row, 1, NAME, St::Header);
        for (c, cd) in (2_u32..).zip(columns) {
            p.text(row, c, &cd.label, St::Header);
        }
        p.heights.insert(row, 36);
        let header_end = row;
        row += 1;
        let body = row;
        let sheet = self.sheet_index();
        let facts = &self.report.facts;
        let catalog: Vec<EconomicCode> = self.profile.economic_catalog.codes().cloned().collect();
        let mut blocks: Vec<(u32, u32)> = Vec::new();
        let na_text = "────";
        for g in groups {
            p.span(
                row,
                0,
                1 + u32::try_from(columns.len()).unwrap_or(0),
                &g.label,
                St::Heading,
            );
            row += 1;
            for class in &g.classes {
                let name = juesuan_tables::economic_name(self.report, self.profile, class);
                p.text(
                    row,
                    0,
                    class.as_str(),
                    St::DerText {
                        indent: 0,
                        bold: true,
                    },
                );
                p.text(
                    row,
                    1,
                    &name,
                    St::DerText {
                        indent: 0,
                        bold: true,
                    },
                );
                for (c, cd) in (2_u32..).zip(columns) {
                    let Some(m) = cd.measure else { continue };
                    if cd.not_applicable.contains(class) {
                        p.text(row, c, na_text, St::Na);
                    } else {
                        self.derived(&mut p, row, c, Key::econ(m, class), true);
                    }
                }
                row += 1;
                let mut kuan: BTreeSet<EconomicCode> = catalog
                    .iter()
                    .filter(|c| !c.is_class() && c.class() == *class)
                    .cloned()
                    .collect();
                kuan.extend(
                    facts
                        .economic
                        .keys()
                        .filter(|c| c.class() == *class)
                        .cloned(),
                );
                let first = row;
                for code in &kuan {
                    let name = juesuan_tables::economic_name(self.report, self.profile, code);
                    p.text(
                        row,
                        0,
                        code.as_str(),
                        St::Label {
                            indent: 0,
                            bold: false,
                        },
                    );
                    p.text(
                        row,
                        1,
                        &name,
                        St::Label {
                            indent: 1,
                            bold: false,
                        },
                    );
                    let e = facts.economic.get(code).copied();
                    for (c, cd) in (2_u32..).zip(columns) {
                        let Some(m) = cd.measure else { continue };
                        let key = Key::econ(m, code);
                        let v = e.map(|e| {
                            if m == Measure::EconBasic {
                                e.basic
                            } else {
                                e.amount
                            }
                        });
                        // 金额 always (a row with figures); 其中：基本支出 when not zero.
                        let v = v.filter(|x| m != Measure::EconBasic || !x.is_zero());
                        if cd.not_applicable.contains(class) && v.is_none() {
                            p.text(row, c, na_text, St::Na);
                            let s = self.sheet_index();
                            self.place(&key, s, row, c);
                        } else {
                            self.input(&mut p, row, c, key, v.map(Num::Money));
                        }
                    }
                    row += 1;
                }
                if row > first {
                    blocks.push((first, row - 1));
                }
            }
            p.span(
                row,
                0,
                1,
                &layout::group_total(g.group),
                St::DerText {
                    indent: 0,
                    bold: true,
                },
            );
            for (c, cd) in (2_u32..).zip(columns) {
                let Some(m) = cd.measure else { continue };
                self.derived(&mut p, row, c, Key::group(m, g.group), true);
            }
            row += 1;
        }
        for cd in columns {
            if let Some(m) = cd.measure {
                let c = 2 + u32::try_from(columns.iter().position(|x| x.id == cd.id).unwrap_or(0))
                    .unwrap_or(0);
                self.index.economic.insert(
                    m,
                    Source {
                        sheet,
                        col: c,
                        code_col: 0,
                        blocks: blocks.clone(),
                    },
                );
            }
        }
        row += 1;
        if let Some(note) = &def.note {
            p.note(row, note);
        }
        p.freeze = Some((body, 2));
        p.repeat = Some((top, header_end));
        p.text_range = Some((body, 0, row, 0));
        self.plans.push(p);
    }

    // ─── 情况说明数据 ───
    fn narrative(&mut self) {
        let mut p = Plan::new(NARRATIVE, vec![34, 56, 60]);
        let n = &self.report.narrative;
        let inputs = &self.profile.inputs;
        p.span(0, 0, 2, "情况说明所需数据", St::Caption);
        p.heights.insert(0, 28);
        // Column A holds each row's id, hidden: the labels say what each is.
        p.hidden_columns.push(0);
        p.text(1, 1, "在 C 列填写；不需要的项留空。", St::Note);
        p.text(1, 2, "金额单位：元", St::Right);
        let mut row = 3;
        let no_class = |s: &&String| !s.contains("{class}");
        let section_head = |p: &mut Plan, row: &mut u32, title: &str, value: &str| {
            p.span(*row, 0, 2, title, St::Heading);
            *row += 1;
            p.text(*row, 0, NARR_ID, St::Header);
            p.text(*row, 1, "项目", St::Header);
            p.text(*row, 2, value, St::Header);
            *row += 1;
        };

        section_head(&mut p, &mut row, NARR_LAST_YEAR, "上年决算数");
        let mut ids: Vec<String> = inputs.last_year.iter().filter(no_class).cloned().collect();
        for k in n.last_year.keys() {
            let s = k.to_string();
            if !ids.contains(&s)
                && !inputs
                    .last_year
                    .iter()
                    .any(|p| juesuan_profile::key_pattern_matches(p, &s) && p.contains("{class}"))
            {
                ids.push(s);
            }
        }
        for id in &ids {
            let Some(key) = Key::parse(id) else { continue };
            p.text(row, 0, id, St::Id);
            p.text(
                row,
                1,
                &key.describe(),
                St::Label {
                    indent: 0,
                    bold: false,
                },
            );
            let v = n.last_year.get(&key).copied();
            match (v, key.measure.kind()) {
                (Some(v), NumKind::Count) => p.put(row, 2, PCell::Num(num_text(v), St::InCount)),
                (Some(v), NumKind::Money) => p.put(row, 2, PCell::Num(num_text(v), St::InAmount)),
                (None, NumKind::Count) => p.put(row, 2, PCell::Blank(St::InCount)),
                (None, NumKind::Money) => p.put(row, 2, PCell::Blank(St::InAmount)),
            }
            row += 1;
        }
        row += 1;

        section_head(&mut p, &mut row, NARR_INITIAL, "年初预算数");
        let mut ids: Vec<String> = inputs
            .initial_budget
            .iter()
            .filter(no_class)
            .cloned()
            .collect();
        for k in n.initial_budget.keys() {
            let s = k.to_string();
            if !ids.contains(&s)
                && !inputs
                    .initial_budget
                    .iter()
                    .any(|p| juesuan_profile::key_pattern_matches(p, &s) && p.contains("{class}"))
            {
                ids.push(s);
            }
        }
        for id in &ids {
            let Some(key) = Key::parse(id) else { continue };
            p.text(row, 0, id, St::Id);
            p.text(
                row,
                1,
                &key.describe(),
                St::Label {
                    indent: 0,
                    bold: false,
                },
            );
            match n.initial_budget.get(&key) {
                Some(v) => p.put(row, 2, PCell::Num(money_text(*v), St::InAmount)),
                None => p.put(row, 2, PCell::Blank(St::InAmount)),
            }
            row += 1;
        }
        row += 1;

        section_head(&mut p, &mut row, NARR_TEXTS, "内容");
        for d in inputs
            .texts
            .iter()
            .filter(|d| d.sum_of.is_empty() && !d.id.contains("{class}"))
        {
            p.text(row, 0, &d.id, St::Id);
            let label = if d.optional {
                format!("{}（可不填）", d.label)
            } else {
                d.label.clone()
            };
            p.text(
                row,
                1,
                &label,
                St::Label {
                    indent: 0,
                    bold: false,
                },
            );
            match n.texts.get(&d.id) {
                Some(t) => {
                    p.text(row, 2, t, St::InText { wrap: true });
                    p.heights.insert(
                        row,
                        row_height(lines_count(t, 58).max(lines_count(&label, 54)), 11),
                    );
                }
                None => {
                    p.put(row, 2, PCell::Blank(St::InText { wrap: true }));
                    p.heights
                        .insert(row, row_height(lines_count(&label, 54), 11));
                }
            }
            row += 1;
        }
        // Texts of ids the list above shows only as a pattern (`use.{item}` in
        // 上海 2024): one row each, so that they read back. Those of a
        // `{class}` pattern are on the class sheet.
        let class_pattern = |id: &str| {
            inputs.texts.iter().any(|d| {
                d.id.split_once("{class}").is_some_and(|(a, b)| {
                    id.strip_prefix(a)
                        .and_then(|r| r.strip_suffix(b))
                        .is_some_and(|c| c.len() == 3 && c.bytes().all(|x| x.is_ascii_digit()))
                })
            })
        };
        for (id, t) in &n.texts {
            if inputs.texts.iter().any(|d| d.id == *id) || class_pattern(id) {
                continue;
            }
            p.text(row, 0, id, St::Id);
            p.text(
                row,
                1,
                id,
                St::Label {
                    indent: 0,
                    bold: false,
                },
            );
            p.text(row, 2, t, St::InText { wrap: true });
            p.heights.insert(row, row_height(lines_count(t, 58), 11));
            row += 1;
        }
        row += 1;

        section_head(&mut p, &mut row, NARR_COUNTS, "数量");
        for d in inputs.counts.iter().filter(|d| d.sum_of.is_empty()) {
            let v = n.counts.get(&d.id).map(ToString::to_string);
            p.input_row(row, &d.id, &d.label, v, St::InCount);
            row += 1;
        }
        row += 1;

        section_head(&mut p, &mut row, NARR_AMOUNTS, "金额");
        for d in inputs.amounts.iter().filter(|d| d.sum_of.is_empty()) {
            let v = n.amounts.get(&d.id).map(|v| money_text(*v));
            p.input_row(row, &d.id, &d.label, v, St::InAmount);
            row += 1;
        }
        for m in layout::loose_scalars(self.profile) {
            let v = self.report.facts.scalars.get(&m).map(|v| num_text(*v));
            let label = format!("{}（元）", m.label());
            p.input_row(row, m.name(), &label, v, St::InAmount);
            let sheet = self.sheet_index();
            self.place(&Key::all(m), sheet, row, 2);
            row += 1;
        }
        row += 1;

        section_head(&mut p, &mut row, NARR_SCORES, "得分");
        for d in inputs.scores.iter().filter(|d| d.sum_of.is_empty()) {
            let v = n.scores.get(&d.id).map(|v| v.display());
            p.input_row(row, &d.id, &d.label, v, St::InScore);
            row += 1;
        }
        row += 1;

        section_head(&mut p, &mut row, NARR_LISTS, "内容（每行一项，按顺序）");
        for d in inputs.lists.iter().filter(|d| d.sum_of.is_empty()) {
            let items = n.lists.get(&d.id).cloned().unwrap_or_default();
            let extra = if items.is_empty() { 8 } else { 2 };
            for (i, item) in items
                .iter()
                .map(Some)
                .chain(std::iter::repeat_n(None, extra))
                .enumerate()
            {
                p.text(row, 0, &d.id, St::Id);
                if i == 0 {
                    p.text(
                        row,
                        1,
                        &d.label,
                        St::Label {
                            indent: 0,
                            bold: false,
                        },
                    );
                } else {
                    p.put(
                        row,
                        1,
                        PCell::Blank(St::Label {
                            indent: 0,
                            bold: false,
                        }),
                    );
                }
                match item {
                    Some(t) => p.text(row, 2, t, St::InText { wrap: false }),
                    None => p.put(row, 2, PCell::Blank(St::InText { wrap: false })),
                }
                row += 1;
            }
        }
        p.freeze = Some((3, 0));
        self.plans.push(p);
    }

    // ─── 情况说明按类 ───
    fn class_grid(&mut self) {
        use juesuan_ingest::NarrativeSection as S;
        let cols = layout::class_columns(self.profile);
        let mut widths = vec![10, 24];
        widths.extend(cols.iter().map(|c| if c.amount { 18 } else { 40 }));
        let mut p = Plan::new(CLASS_SHEET, widths);
        let w = p.width();
        p.span(0, 0, w - 1, "情况说明所需数据：按功能分类“类”", St::Caption);
        p.heights.insert(0, 28);
        p.span(1, 0, w - 2, NARR_CLASSES, St::Note);
        p.text(1, w - 1, "金额单位：元", St::Right);
        let mut row = 2;
        p.text(row, 0, NARR_CLASS, St::Header);
        p.text(row, 1, "类名称", St::Header);
        for (c, col) in (2_u32..).zip(&cols) {
            p.text(row, c, &col.label, St::Header);
        }
        p.heights.insert(row, row_height(4, 11));
        row += 1;
        let body = row;
        let n = &self.report.narrative;
        for class in self.profile.classes() {
            p.text(
                row,
                0,
                class.as_str(),
                St::Label {
                    indent: 0,
                    bold: false,
                },
            );
            p.text(
                row,
                1,
                &self.fn_name(&class),
                St::Label {
                    indent: 0,
                    bold: false,
                },
            );
            let mut tall = 1;
            for (c, cc) in (2_u32..).zip(&cols) {
                let (section, amount) = (&cc.section, &cc.amount);
                let id = cc.pattern.replace("{class}", class.as_str());
                let cell = match section {
                    S::LastYear => Key::parse(&id)
                        .and_then(|k| n.last_year.get(&k).copied())
                        .map(|v| PCell::Num(num_text(v), St::InAmount)),
                    S::InitialBudget => Key::parse(&id)
                        .and_then(|k| n.initial_budget.get(&k).copied())
                        .map(|v| PCell::Num(money_text(v), St::InAmount)),
                    _ => n.texts.get(&id).map(|t| {
                        tall = tall.max(lines_count(t, 38));
                        PCell::Text(t.clone(), St::InText { wrap: true })
                    }),
                };
                let blank = if *amount {
                    St::InAmount
                } else {
                    St::InText { wrap: true }
                };
                p.put(row, c, cell.unwrap_or(PCell::Blank(blank)));
            }
            if tall > 1 {
                p.heights.insert(row, row_height(tall, 11));
            }
            row += 1;
        }
        p.freeze = Some((body, 2));
        p.text_range = Some((body, 0, row, 0));
        self.plans.push(p);
    }

    // ─── 项目, 项目资金, 绩效指标, 项目文字 ───
    fn projects(&mut self) {
        let projects = &self.report.projects;
        let spare = if projects.is_empty() { 20 } else { 5 };
        let name_list = format!("'{PROJECTS}'!$B$3:$B${}", projects.len() + spare + 200);

        // 项目
        let widths: Vec<u32> = PROJECT_COLS
            .iter()
            .map(|(c, _)| match c {
                PCol::No | PCol::Level => 6,
                PCol::Name => 30,
                PCol::Unit | PCol::Department => 26,
                PCol::Date | PCol::Fund => 14,
                _ => 12,
            })
            .collect();
        let mut p = Plan::new(PROJECTS, widths);
        let w = p.width();
        p.span(
            0,
            0,
            w - 2,
            "项目支出绩效自评：项目（每个项目一行，按公开顺序）",
            St::Caption,
        );
        p.text(0, w - 1, "金额单位：元", St::Right);
        for (c, (_, label)) in (0_u32..).zip(PROJECT_COLS) {
            p.text(1, c, label, St::Header);
        }
        p.heights.insert(1, row_height(3, 11));
        let mut row = 2;
        for i in 0..projects.len() + spare {
            let pr = projects.get(i);
            for (c, (col, _)) in (0_u32..).zip(PROJECT_COLS) {
                let t = |s: &str| {
                    if s.is_empty() {
                        PCell::Blank(St::InText { wrap: false })
                    } else {
                        PCell::Text(s.to_string(), St::InText { wrap: false })
                    }
                };
                let cell = match (col, pr) {
                    (PCol::No, _) => PCell::Num((i + 1).to_string(), St::Line),
                    (PCol::Name, Some(x)) => t(&x.name),
                    (PCol::Level, Some(x)) => PCell::Num(x.level.to_string(), St::InCount),
                    (PCol::Unit, Some(x)) => t(&x.unit),
                    (PCol::Department, Some(x)) => t(&x.department),
                    (PCol::Date, Some(x)) => t(&x.date),
                    (PCol::Fund, Some(x)) => t(&x.fund),
                    (PCol::Balance, Some(x)) => {
                        x.stated.balance.map_or(PCell::Blank(St::InAmount), |v| {
                            PCell::Num(money_text(v), St::InAmount)
                        })
                    }
                    (PCol::Rate, Some(x)) => x
                        .stated
                        .execution_rate
                        .map_or(PCell::Blank(St::InText { wrap: false }), |v| {
                            PCell::Text(v.display(), St::InText { wrap: false })
                        }),
                    (PCol::BudgetScore, Some(x)) => score_cell(x.stated.budget_score),
                    (PCol::IndicatorScore, Some(x)) => score_cell(x.stated.indicator_score),
                    (PCol::Total, Some(x)) => score_cell(x.stated.total),
                    (PCol::Grade, Some(x)) => t(x.stated.grade.as_deref().unwrap_or("")),
                    (PCol::Balance, None) => PCell::Blank(St::InAmount),
                    (PCol::Level, None) => PCell::Blank(St::InCount),
                    (PCol::BudgetScore | PCol::IndicatorScore | PCol::Total, None) => {
                        PCell::Blank(St::InScore)
                    }
                    (_, None) => PCell::Blank(St::InText { wrap: false }),
                };
                p.put(row, c, cell);
            }
            row += 1;
        }
        let col_of = |want: PCol| {
            u32::try_from(
                PROJECT_COLS
                    .iter()
                    .position(|(c, _)| *c == want)
                    .unwrap_or(0),
            )
            .unwrap_or(0)
        };
        let last = row + 200;
        if let Some(l) = self.lists.get("funds").cloned() {
            let c = col_of(PCol::Fund);
            p.dropdown(
                (2, c, last, c),
                l,
                "资金性质",
                "可从列表选择，也可填写其他资金性质",
            );
        }
        if let Some(l) = self.lists.get("levels").cloned() {
            let c = col_of(PCol::Level);
            p.dropdown((2, c, last, c), l, "项目级次", "1 = 一级项目，2 = 二级项目");
        }
        if let Some(l) = self.lists.get("grades").cloned() {
            let c = col_of(PCol::Grade);
            p.dropdown((2, c, last, c), l, "等级", "自评表上填写的等级（只核对）");
        }
        p.freeze = Some((2, 2));
        self.plans.push(p);

        // 项目资金
        let mut p = Plan::new(BUDGET, vec![30, 20, 18, 18, 18, 18]);
        p.span(
            0,
            0,
            4,
            "项目支出绩效自评：预算执行情况（每个资金来源一行；合计由程序计算）",
            St::Caption,
        );
        p.text(0, 5, "金额单位：元", St::Right);
        for (c, label) in (0_u32..).zip(BUDGET_COLS) {
            p.text(1, c, label, St::Header);
        }
        p.heights.insert(1, row_height(2, 11));
        let mut row = 2;
        for pr in projects {
            for b in &pr.budget {
                p.text(row, 0, &pr.name, St::InText { wrap: false });
                p.text(row, 1, &b.source, St::InText { wrap: false });
                for (c, v) in (2_u32..).zip([b.declared, b.compiled, b.full_year, b.executed]) {
                    p.put(row, c, PCell::Num(money_text(v), St::InAmount));
                }
                row += 1;
            }
        }
        for _ in 0..spare {
            p.put(row, 0, PCell::Blank(St::InText { wrap: false }));
            p.put(row, 1, PCell::Blank(St::InText { wrap: false }));
            for c in 2..6 {
                p.put(row, c, PCell::Blank(St::InAmount));
            }
            row += 1;
        }
        p.dropdown(
            (2, 0, row + 200, 0),
            name_list.clone(),
            "项目名称",
            "与“项目”表中的项目名称一致",
        );
        p.freeze = Some((2, 1));
        self.plans.push(p);

        // 绩效指标
        let mut p = Plan::new(INDICATORS, vec![24, 12, 16, 30, 14, 16, 16, 9, 9, 40]);
        p.span(
            0,
            0,
            9,
            "项目支出绩效自评：绩效指标（每个指标一行）",
            St::Caption,
        );
        for (c, label) in (0_u32..).zip(INDICATOR_COLS) {
            p.text(1, c, label, St::Header);
        }
        p.heights.insert(1, row_height(2, 11));
        let mut row = 2;
        for pr in projects {
            for ind in &pr.indicators {
                let texts = [
                    &pr.name,
                    &ind.level1,
                    &ind.level2,
                    &ind.name,
                    &ind.initial,
                    &ind.target.text,
                    &ind.actual.text,
                ];
                for (c, t) in (0_u32..).zip(texts) {
                    p.put(
                        row,
                        c,
                        if t.is_empty() {
                            PCell::Blank(St::InText { wrap: false })
                        } else {
                            PCell::Text(t.clone(), St::InText { wrap: false })
                        },
                    );
                }
                p.put(row, 7, PCell::Num(ind.weight.display(), St::InScore));
                p.put(row, 8, score_cell(ind.score));
                if ind.deviation.is_empty() {
                    p.put(row, 9, PCell::Blank(St::InText { wrap: true }));
                } else {
                    p.text(row, 9, &ind.deviation, St::InText { wrap: true });
                    p.heights
                        .insert(row, row_height(lines_count(&ind.deviation, 38), 11));
                }
                row += 1;
            }
        }
        for _ in 0..spare * 4 {
            for c in 0..7 {
                p.put(row, c, PCell::Blank(St::InText { wrap: false }));
            }
            p.put(row, 7, PCell::Blank(St::InScore));
            p.put(row, 8, PCell::Blank(St::InScore));
            p.put(row, 9, PCell::Blank(St::InText { wrap: true }));
            row += 1;
        }
        let last = row + 500;
        p.dropdown(
            (2, 0, last, 0),
            name_list.clone(),
            "项目名称",
            "与“项目”表中的项目名称一致",
        );
        if let Some(l) = self.lists.get("level1").cloned() {
            p.dropdown(
                (2, 1, last, 1),
                l,
                "一级指标",
                "产出指标、效益指标、满意度指标",
            );
        }
        if let Some(l) = self.lists.get("level2").cloned() {
            p.dropdown(
                (2, 2, last, 2),
                l,
                "二级指标",
                "数量指标、质量指标、时效指标、成本指标、经济效益指标 …",
            );
        }
        p.freeze = Some((2, 1));
        self.plans.push(p);

        // 项目文字
        let mut p = Plan::new(TEXTS, vec![24, 26, 100]);
        p.span(
            0,
            0,
            2,
            "项目支出绩效自评：各栏目文字（每个栏目一行）",
            St::Caption,
        );
        for (c, label) in (0_u32..).zip(TEXT_COLS) {
            p.text(1, c, label, St::Header);
        }
        let mut row = 2;
        for pr in projects {
            let mut texts = pr.texts.clone();
            for (i, label) in TEXT_FIELDS.iter().enumerate() {
                let Some(t) = layout::text_field(&mut texts, i) else {
                    continue;
                };
                if t.is_empty() {
                    continue;
                }
                p.text(row, 0, &pr.name, St::InText { wrap: false });
                p.text(row, 1, label, St::InText { wrap: false });
                p.text(row, 2, t, St::InText { wrap: true });
                p.heights
                    .insert(row, row_height(lines_count(t, 98).min(25), 11));
                row += 1;
            }
        }
        for _ in 0..spare * 3 {
            p.put(row, 0, PCell::Blank(St::InText { wrap: false }));
            p.put(row, 1, PCell::Blank(St::InText { wrap: false }));
            p.put(row, 2, PCell::Blank(St::InText { wrap: true }));
            row += 1;
        }
        let last = row + 500;
        p.dropdown(
            (2, 0, last, 0),
            name_list,
            "项目名称",
            "与“项目”表中的项目名称一致",
        );
        if let Some(l) = self.lists.get("texts").cloned() {
            p.dropdown(
                (2, 1, last, 1),
                l,
                "栏目",
                "项目概况、立项依据 … 下一步改进措施及管理建议",
            );
        }
        p.freeze = Some((2, 2));
        self.plans.push(p);
    }

    /// The hidden sheet of lists; records their ranges for the dropdowns.
    fn lists_sheet(&mut self) -> Plan {
        let mut p = Plan::new(
            LISTS,
            vec![12, 30, 4, 12, 30, 4, 26, 18, 14, 20, 30, 14, 8, 8],
        );
        p.hidden = true;
        let column = |p: &mut Plan, col: u32, title: &str, items: &[String]| -> String {
            p.text(0, col, title, St::Header);
            for (r, s) in (1_u32..).zip(items) {
                p.text(r, col, s, St::Left);
            }
            lists_range(col, items.len())
        };
        let fn_codes: Vec<String> = self
            .profile
            .functional_catalog
            .codes()
            .map(ToString::to_string)
            .collect();
        let fn_names: Vec<String> = self
            .profile
            .functional_catalog
            .codes()
            .map(|c| {
                self.profile
                    .functional_catalog
                    .name(c)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let fn_list = column(&mut p, 0, FN_CODE, &fn_codes);
        column(&mut p, 1, NAME, &fn_names);
        let econ: Vec<&EconomicCode> = self
            .profile
            .economic_catalog
            .codes()
            .filter(|c| !c.is_class())
            .collect();
        let econ_codes: Vec<String> = econ.iter().map(ToString::to_string).collect();
        let econ_names: Vec<String> = econ
            .iter()
            .map(|c| {
                self.profile
                    .economic_catalog
                    .name(c)
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        let econ_list = column(&mut p, 3, ECON_CODE, &econ_codes);
        column(&mut p, 4, NAME, &econ_names);
        let kinds: Vec<String> = UnitKind::ALL
            .iter()
            .map(|k| k.label().to_string())
            .collect();
        let kinds = column(&mut p, 6, "单位性质", &kinds);
        let funds: Vec<String> = FUND_TYPES.iter().map(ToString::to_string).collect();
        let funds = column(&mut p, 7, "资金性质", &funds);
        let cats = &self.profile.performance.categories;
        let l1: Vec<String> = cats.iter().map(|(a, _)| a.clone()).collect();
        let l2: Vec<String> = cats.iter().flat_map(|(_, b)| b.iter().cloned()).collect();
        let level1 = column(&mut p, 8, "一级指标", &l1);
        let level2 = column(&mut p, 9, "二级指标", &l2);
        let texts: Vec<String> = TEXT_FIELDS.iter().map(ToString::to_string).collect();
        let texts = column(&mut p, 10, "栏目", &texts);
        let profiles: Vec<String> = juesuan_profile::BUILTIN
            .iter()
            .map(ToString::to_string)
            .collect();
        let profiles = column(&mut p, 11, "报告模板", &profiles);
        let grades: Vec<String> = self
            .profile
            .performance
            .grades
            .iter()
            .map(|(g, _)| g.clone())
            .collect();
        let grades = column(&mut p, 12, "等级", &grades);
        let levels = column(&mut p, 13, "项目级次", &["1".to_string(), "2".to_string()]);
        for (k, v) in [
            ("fn", fn_list),
            ("econ", econ_list),
            ("kinds", kinds),
            ("funds", funds),
            ("level1", level1),
            ("level2", level2),
            ("texts", texts),
            ("profiles", profiles),
            ("grades", grades),
            ("levels", levels),
        ] {
            self.lists.insert(k, v);
        }
        p
    }

    fn plan_all(&mut self) {
        let lists = self.lists_sheet();
        self.guide();
        self.info();
        let profile = self.profile;
        let sheets = layout::fn_sheets(profile);
        for def in &profile.tables {
            match &def.layout {
                Layout::Panels {
                    two_sided: true,
                    panels,
                    ..
                } => self.two_sided(def, panels),
                Layout::Panels { panels, .. } => self.list_table(def, panels),
                Layout::Functional { .. } => {
                    if let Some(fs) = sheets.iter().find(|s| s.name == def.number) {
                        self.functional(fs, Some(def));
                    }
                }
                Layout::Economic {
                    columns, groups, ..
                } => self.economic(def, columns, groups),
                Layout::Grid { columns, rows } => self.grid(def, columns, rows),
            }
        }
        for fs in sheets.iter().filter(|s| s.number.is_empty()) {
            self.functional(fs, None);
        }
        self.narrative();
        self.class_grid();
        self.projects();
        self.plans.push(lists);
        self.index.sheets = self.plans.iter().map(|p| p.name.clone()).collect();
    }
}

fn score_cell(p: Option<juesuan_model::Points>) -> PCell {
    match p {
        Some(v) => PCell::Num(v.display(), St::InScore),
        None => PCell::Blank(St::InScore),
    }
}

/// Lines a text takes in a column `width` units wide (explicit breaks count).
fn lines_count(text: &str, width: u32) -> u32 {
    lines(text, width)
}

fn number(text: &str) -> Result<f64, Fault> {
    exact_decimal(text).ok_or_else(|| Fault::Number(text.to_string()))
}

fn write_sheet(
    ws: &mut Worksheet,
    plan: &Plan,
    sheet: usize,
    index: &Index,
    fig: &Figures,
) -> Result<(), Fault> {
    // A formula whose cached result is the empty text (a name not yet looked up)
    // is written so, not as 0 (rust_xlsxwriter's default).
    ws.set_formula_result_default("");
    for (c, w) in (0_u32..).zip(&plan.widths) {
        ws.set_column_width(col_num(c)?, *w)?;
    }
    for c in &plan.hidden_columns {
        ws.set_column_hidden(col_num(*c)?)?;
    }
    let merged: BTreeSet<(u32, u32)> = plan
        .merges
        .iter()
        .flat_map(|&(r1, c1, r2, c2)| (r1..=r2).flat_map(move |r| (c1..=c2).map(move |c| (r, c))))
        .collect();
    for &(r1, c1, r2, c2) in &plan.merges {
        let (text, st) = match plan.cells.get(&(r1, c1)) {
            Some(PCell::Text(t, st)) => (t.as_str(), *st),
            Some(PCell::Blank(st)) => ("", *st),
            _ => (
                "",
                St::Label {
                    indent: 0,
                    bold: false,
                },
            ),
        };
        ws.merge_range(r1, col_num(c1)?, r2, col_num(c2)?, text, &format(st))?;
    }
    for (&(r, c), cell) in &plan.cells {
        let col = col_num(c)?;
        if merged.contains(&(r, c)) {
            match cell {
                PCell::Text(..) | PCell::Blank(_) => continue,
                _ => {}
            }
        }
        match cell {
            PCell::Text(t, st) => {
                ws.write_string_with_format(r, col, t, &format(*st))?;
            }
            PCell::Num(t, st) => {
                ws.write_number_with_format(r, col, number(t)?, &format(*st))?;
            }
            PCell::Blank(st) => {
                ws.write_blank(r, col, &format(*st))?;
            }
            PCell::Derived(key, st) => {
                let f = index.formula(
                    key,
                    Addr {
                        sheet,
                        row: r,
                        col: c,
                    },
                );
                let result = num_text(fig.get(key));
                ws.write_formula_with_format(
                    r,
                    col,
                    Formula::new(f).set_result(result),
                    &format(*st),
                )?;
            }
            PCell::Formula(f, result, st) => {
                ws.write_formula_with_format(
                    r,
                    col,
                    Formula::new(f).set_result(result),
                    &format(*st),
                )?;
            }
        }
    }
    for (r, h) in &plan.heights {
        ws.set_row_height(*r, *h)?;
    }
    for d in &plan.dropdowns {
        let v = DataValidation::new()
            .allow_list_formula(Formula::new(&d.list))
            .set_error_style(DataValidationErrorStyle::Information)
            .set_input_title(d.title)?
            .set_input_message(&d.message)?
            .set_error_title(d.title)?
            .set_error_message("该值不在列表中。如确实如此，点“确定”保留。")?;
        let (r1, c1, r2, c2) = d.range;
        ws.add_data_validation(r1, col_num(c1)?, r2, col_num(c2)?, &v)?;
    }
    if let Some((r1, c1, r2, c2)) = plan.text_range {
        ws.ignore_error_range(
            r1,
            col_num(c1)?,
            r2,
            col_num(c2)?,
            IgnoreError::NumberStoredAsText,
        )?;
    }
    if let Some((r, c)) = plan.freeze {
        ws.set_freeze_panes(r, col_num(c)?)?;
    }
    if let Some((a, b)) = plan.repeat {
        ws.set_repeat_rows(a, b)?;
    }
    // Wide sheets print across the page.
    let wide = plan.widths.iter().sum::<u32>() > 130;
    crate::print_setup(ws, plan.landscape || wide);
    if plan.hidden {
        ws.set_hidden(true);
    }
    Ok(())
}

/// An empty report for a template: only who, which year, which profile.
pub fn empty_report(profile: &Profile, department: &str, year: i32) -> Report {
    Report {
        meta: Meta {
            department: department.to_string(),
            year,
            profile: profile.id.clone(),
            ..Meta::default()
        },
        ..Report::default()
    }
}

/// The form as .xlsx bytes, filled with `report`'s data (an empty report gives
/// the empty form). Deterministic: same report, same bytes.
pub fn form(report: &Report, profile: &Profile) -> Result<Vec<u8>, XlsxError> {
    let mut planner = Planner::new(report, profile);
    planner.plan_all();
    let mut wb = Workbook::new();
    let year = report
        .meta
        .year
        .checked_add(1)
        .and_then(|y| u16::try_from(y).ok())
        .filter(|y| (1900..=9999).contains(y))
        .unwrap_or(2000);
    let date = ExcelDateTime::from_ymd(year, 1, 1).map_err(|e| XlsxError::Workbook {
        message: crate::writer_message(&e),
    })?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "{}{}年度部门决算公开填报表",
                report.meta.department, report.meta.year
            ))
            .set_author(&report.meta.department)
            .set_company(&report.meta.department)
            .set_creation_datetime(&date),
    );
    for (i, plan) in planner.plans.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(&plan.name)
            .map_err(Fault::from)
            .and_then(|ws| write_sheet(ws, plan, i, &planner.index, &planner.fig))
            .map_err(|e| e.in_sheet(&plan.name))?;
    }
    wb.save_to_buffer().map_err(|e| XlsxError::Workbook {
        message: crate::writer_message(&e),
    })
}
