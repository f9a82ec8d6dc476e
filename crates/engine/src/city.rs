//! One year, every department: the table a bureau reviewer and a journalist
//! compare departments with. Each publication keeps its [`Headline`] (exact
//! figures, counted projects and grades), taken once when it is published; the
//! table is computed here from those, with every share 四舍五入 to 0.01 %, and
//! rendered by the report's own renderers (HTML, Excel) and as CSV.

use crate::Loaded;
use juesuan_compose::{Document, HeaderCell, Part, RowStyle, TableView, ViewCell, ViewRow};
use juesuan_model::{AmountUnit, FunctionalCode, Key, Measure, Money, NumKind, Percent, Scope};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a publication contributes to the comparison tables.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Headline {
    /// Raw values (fen, or a count) by measure name (`grand.income`).
    pub figures: BTreeMap<String, i64>,
    /// Number of project self-evaluations.
    pub projects: i64,
    /// Projects by the grade they state (优, 良, 中, 差 …).
    pub grades: BTreeMap<String, i64>,
    /// Every functional 科目 (类, 款 and 项) the report spends on, by code.
    /// Absent from headlines stored before it was kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub subjects: BTreeMap<String, Subject>,
}

/// One functional 科目 of a report: its name as printed and what was spent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// 科目名称.
    pub name: String,
    /// 本年支出合计 (公开03表), fen.
    pub total: i64,
    /// 一般公共预算财政拨款支出 (公开05表), fen.
    pub fiscal: i64,
}

/// The measures a headline keeps.
const KEPT: &[Measure] = &[
    Measure::IncomeGrand,
    Measure::ExpGrand,
    Measure::ExpTotal,
    Measure::ExpBasic,
    Measure::ExpProject,
    Measure::FiscalTotal,
    Measure::GpbTotal,
    Measure::SgBudgetTotal,
    Measure::SgActualTotal,
    Measure::SgActualAbroad,
    Measure::SgActualVehiclePurchase,
    Measure::SgActualVehicleRunning,
    Measure::SgActualReception,
    Measure::OrcTotal,
    Measure::ProcTotal,
    Measure::ProcSme,
    Measure::VehTotal,
];

/// The headline of a loaded report.
pub fn headline(loaded: &Loaded) -> Headline {
    let fig = &loaded.derived.figures;
    let mut grades = BTreeMap::new();
    for p in &loaded.report.projects {
        let grade = p
            .stated
            .grade
            .clone()
            .unwrap_or_else(|| "未评级".to_string());
        *grades.entry(grade).or_insert(0) += 1;
    }
    Headline {
        figures: KEPT
            .iter()
            .map(|m| (m.name().to_string(), fig.get(&Key::all(*m)).raw()))
            .collect(),
        projects: i64::try_from(loaded.report.projects.len()).unwrap_or(i64::MAX),
        grades,
        subjects: subjects(loaded),
    }
}

/// Every functional code with a 本年支出合计 or a 财政拨款支出 figure.
fn subjects(loaded: &Loaded) -> BTreeMap<String, Subject> {
    let mut out: BTreeMap<String, Subject> = BTreeMap::new();
    for (key, value) in loaded.derived.figures.iter() {
        let Scope::Fn(code) = &key.scope else {
            continue;
        };
        let total = match key.measure {
            Measure::ExpTotal => true,
            Measure::GpbTotal => false,
            _ => continue,
        };
        if value.is_zero() {
            continue;
        }
        let subject = out
            .entry(code.as_str().to_string())
            .or_insert_with(|| Subject {
                name: juesuan_tables::functional_name(&loaded.report, loaded.profile, code),
                ..Subject::default()
            });
        if total {
            subject.total = value.raw();
        } else {
            subject.fiscal = value.raw();
        }
    }
    out
}

/// One department's row.
#[derive(Clone, Debug)]
pub struct Entry {
    /// 部门编码.
    pub code: String,
    /// 部门名称.
    pub name: String,
    /// Its published report's page.
    pub href: String,
    /// Its figures.
    pub headline: Headline,
}

/// What a column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    /// A figure.
    Figure(Measure),
    /// `part / whole`.
    Share(Measure, Measure),
    /// Number of projects.
    Projects,
}

/// A column of the table: its id (for `?sort=`), heading and value.
pub struct Column {
    /// Stable id, used in URLs.
    pub id: &'static str,
    /// Heading.
    pub label: &'static str,
    value: Value,
}

const fn col(id: &'static str, label: &'static str, value: Value) -> Column {
    Column { id, label, value }
}

/// The columns after 部门, in order.
pub const COLUMNS: &[Column] = &[
    col("income", "收入总计", Value::Figure(Measure::IncomeGrand)),
    col("exp", "支出总计", Value::Figure(Measure::ExpGrand)),
    col("basic", "基本支出", Value::Figure(Measure::ExpBasic)),
    col("project", "项目支出", Value::Figure(Measure::ExpProject)),
    col(
        "project_share",
        "项目支出占本年支出",
        Value::Share(Measure::ExpProject, Measure::ExpTotal),
    ),
    col(
        "fiscal",
        "财政拨款支出",
        Value::Figure(Measure::FiscalTotal),
    ),
    col(
        "sg_budget",
        "“三公”经费预算",
        Value::Figure(Measure::SgBudgetTotal),
    ),
    col(
        "sg_actual",
        "“三公”经费决算",
        Value::Figure(Measure::SgActualTotal),
    ),
    col(
        "sg_rate",
        "“三公”决算占预算",
        Value::Share(Measure::SgActualTotal, Measure::SgBudgetTotal),
    ),
    col(
        "sg_abroad",
        "因公出国（境）费",
        Value::Figure(Measure::SgActualAbroad),
    ),
    col(
        "sg_vehicle_purchase",
        "公务用车购置费",
        Value::Figure(Measure::SgActualVehiclePurchase),
    ),
    col(
        "sg_vehicle_running",
        "公务用车运行维护费",
        Value::Figure(Measure::SgActualVehicleRunning),
    ),
    col(
        "sg_reception",
        "公务接待费",
        Value::Figure(Measure::SgActualReception),
    ),
    col("orc", "机关运行经费", Value::Figure(Measure::OrcTotal)),
    col("proc", "政府采购", Value::Figure(Measure::ProcTotal)),
    col(
        "sme_share",
        "授予中小企业占采购",
        Value::Share(Measure::ProcSme, Measure::ProcTotal),
    ),
    col("vehicles", "车辆（辆）", Value::Figure(Measure::VehTotal)),
    col("projects", "绩效自评项目", Value::Projects),
];

fn raw(h: &Headline, m: Measure) -> i64 {
    h.figures.get(m.name()).copied().unwrap_or(0)
}

/// A column's value for one headline, as a sortable number and a cell.
fn cell(h: &Headline, v: Value) -> (Option<i64>, ViewCell) {
    match v {
        Value::Figure(m) => {
            let r = raw(h, m);
            let cell = match m.kind() {
                NumKind::Money => ViewCell::Amount(Money::from_fen(r)),
                NumKind::Count => ViewCell::Count(r),
            };
            (Some(r), cell)
        }
        Value::Share(part, whole) => {
            match Percent::of(i128::from(raw(h, part)), i128::from(raw(h, whole))) {
                Some(p) => (Some(p.hundredths()), ViewCell::Rate(p)),
                None => (None, ViewCell::NotApplicable),
            }
        }
        Value::Projects => (Some(h.projects), ViewCell::Count(h.projects)),
    }
}

/// The sum of several headlines (for the 合计 row; shares are then of the sums).
fn total(entries: &[&Entry]) -> Headline {
    let mut t = Headline::default();
    for e in entries {
        for (k, v) in &e.headline.figures {
            let s = t.figures.entry(k.clone()).or_insert(0);
            *s = s.saturating_add(*v);
        }
        t.projects = t.projects.saturating_add(e.headline.projects);
        for (g, n) in &e.headline.grades {
            *t.grades.entry(g.clone()).or_insert(0) += n;
        }
    }
    t
}

/// How the table is ordered and filtered.
#[derive(Clone, Debug, Default)]
pub struct View {
    /// A column id of [`COLUMNS`]; by 部门编码 when none or unknown.
    pub sort: Option<String>,
    /// Largest first.
    pub descending: bool,
    /// Only departments whose name or code contains this.
    pub filter: String,
}

impl View {
    /// Whether the view shows a department (its filter).
    pub fn shows(&self, e: &Entry) -> bool {
        let needle = self.filter.trim();
        needle.is_empty() || e.name.contains(needle) || e.code.contains(needle)
    }
}

fn grades_text(h: &Headline) -> String {
    if h.grades.is_empty() {
        return "—".to_string();
    }
    // 优 良 中 差 first, in that order, then any other wording.
    let order = ["优", "良", "中", "差"];
    let mut parts: Vec<String> = order
        .iter()
        .filter_map(|g| h.grades.get(*g).map(|n| format!("{g}{n}")))
        .collect();
    for (g, n) in &h.grades {
        if !order.contains(&g.as_str()) {
            parts.push(format!("{g}{n}"));
        }
    }
    parts.join(" ")
}

/// The table of every department of one year, ordered and filtered as `view`
/// says, with a 合计 row of the departments shown.
pub fn year_table(region: &str, year: i64, entries: &[Entry], view: &View) -> TableView {
    let mut shown: Vec<&Entry> = entries.iter().filter(|e| view.shows(e)).collect();
    let by = view
        .sort
        .as_deref()
        .and_then(|id| COLUMNS.iter().find(|c| c.id == id));
    shown.sort_by(|a, b| {
        let order = match by {
            Some(c) => cell(&a.headline, c.value)
                .0
                .cmp(&cell(&b.headline, c.value).0),
            None => a.code.cmp(&b.code),
        };
        let order = if view.descending {
            order.reverse()
        } else {
            order
        };
        order.then_with(|| a.code.cmp(&b.code))
    });
    let mut header = vec![HeaderCell {
        text: "部门".to_string(),
        colspan: 1,
        rowspan: 1,
    }];
    header.extend(COLUMNS.iter().map(|c| HeaderCell {
        text: c.label.to_string(),
        colspan: 1,
        rowspan: 1,
    }));
    header.push(HeaderCell {
        text: "自评等级".to_string(),
        colspan: 1,
        rowspan: 1,
    });
    let row = |name: ViewCell, h: &Headline, style: RowStyle| {
        let mut cells = vec![name];
        cells.extend(COLUMNS.iter().map(|c| cell(h, c.value).1));
        cells.push(ViewCell::Text {
            text: grades_text(h),
            indent: 0,
            colspan: 1,
            rowspan: 1,
        });
        ViewRow { style, cells }
    };
    let mut rows: Vec<ViewRow> = shown
        .iter()
        .map(|e| {
            row(
                ViewCell::Link {
                    text: e.name.clone(),
                    href: e.href.clone(),
                },
                &e.headline,
                RowStyle::Item,
            )
        })
        .collect();
    if !shown.is_empty() {
        rows.push(row(
            ViewCell::Text {
                text: format!("合计（{} 个部门）", shown.len()),
                indent: 0,
                colspan: 1,
                rowspan: 1,
            },
            &total(&shown),
            RowStyle::Total,
        ));
    }
    TableView {
        id: "departments".to_string(),
        number: "部门对比表".to_string(),
        title: format!("{region}{year}年度各部门决算主要数据"),
        org_line: format!("地区：{region}"),
        year_line: format!("{year}年度"),
        unit_line: "金额单位：元".to_string(),
        unit: AmountUnit::Yuan,
        landscape: true,
        header: vec![header],
        numbers: None,
        note: Some(
            "注：数据取自各部门已公开的决算报告（更正后的以最新一次公开为准）。占比四舍五入保留两位小数；“────”表示分母为零。合计行的占比按合计数计算。"
                .to_string(),
        ),
        empty_note: shown
            .is_empty()
            .then(|| "说明：没有符合条件的已公开报告".to_string()),
        rows,
    }
}

/// A table as a document of its own (for the Excel download); `owner` is the
/// region or the department it is about.
pub fn table_document(owner: &str, year: i64, tables: Vec<TableView>) -> Document {
    let title = tables.first().map(|t| t.title.clone()).unwrap_or_default();
    Document {
        title: title.clone(),
        department: owner.to_string(),
        year: i32::try_from(year).unwrap_or(0),
        profile: String::new(),
        draft: false,
        fonts: Default::default(),
        parts: vec![Part {
            id: "tables".to_string(),
            title,
            blocks: tables
                .into_iter()
                .map(|t| juesuan_compose::Block::Table(Box::new(t)))
                .collect(),
        }],
    }
}

/// One published year of a department, for its trend.
#[derive(Clone, Debug)]
pub struct YearEntry {
    /// 决算年度.
    pub year: i64,
    /// Its published report's page.
    pub href: String,
    /// Which publication (2 and more: corrected).
    pub number: i64,
    /// Its figures.
    pub headline: Headline,
}

/// One department over the years: every column of [`COLUMNS`] as a row, a
/// column per year (oldest first), and the change of the latest year against
/// the one before (amount and rate; shares change in percentage points).
pub fn trend_table(name: &str, years: &[YearEntry]) -> TableView {
    let years = by_year(years);
    let text = |t: String| ViewCell::Text {
        text: t,
        indent: 0,
        colspan: 1,
        rowspan: 1,
    };
    let head = |t: String| HeaderCell {
        text: t,
        colspan: 1,
        rowspan: 1,
    };
    let mut header = vec![head("项目".to_string())];
    header.extend(years.iter().map(|y| head(format!("{}年度", y.year))));
    header.push(head("最近一年增减".to_string()));
    header.push(head("增减率".to_string()));
    let last_two = match years.as_slice() {
        [.., a, b] => Some((*a, *b)),
        _ => None,
    };
    let mut rows = vec![{
        let mut cells = vec![text("公开报告".to_string())];
        cells.extend(years.iter().map(|y| ViewCell::Link {
            text: if y.number > 1 {
                format!("第 {} 次公开（已更正）", y.number)
            } else {
                "查看".to_string()
            },
            href: y.href.clone(),
        }));
        cells.push(ViewCell::Empty);
        cells.push(ViewCell::Empty);
        ViewRow {
            style: RowStyle::Item,
            cells,
        }
    }];
    for c in COLUMNS {
        let mut cells = vec![text(c.label.to_string())];
        cells.extend(years.iter().map(|y| cell(&y.headline, c.value).1));
        let (change, rate) = match (last_two, c.value) {
            (Some((a, b)), Value::Share(..)) => {
                match (cell(&a.headline, c.value).0, cell(&b.headline, c.value).0) {
                    (Some(x), Some(y)) => (
                        text(format!(
                            "{}个百分点",
                            Percent::from_hundredths(y - x).number()
                        )),
                        ViewCell::NotApplicable,
                    ),
                    _ => (ViewCell::NotApplicable, ViewCell::NotApplicable),
                }
            }
            (Some((a, b)), v) => {
                let (Some(x), Some(y)) = (cell(&a.headline, v).0, cell(&b.headline, v).0) else {
                    continue;
                };
                let d = y.saturating_sub(x);
                let change = match v {
                    Value::Figure(m) if m.kind() == NumKind::Money => {
                        ViewCell::Amount(Money::from_fen(d))
                    }
                    _ => ViewCell::Count(d),
                };
                let rate = Percent::of(i128::from(d), i128::from(x))
                    .map_or(ViewCell::NotApplicable, ViewCell::Rate);
                (change, rate)
            }
            (None, _) => (ViewCell::NotApplicable, ViewCell::NotApplicable),
        };
        cells.push(change);
        cells.push(rate);
        rows.push(ViewRow {
            style: RowStyle::Item,
            cells,
        });
    }
    TableView {
        id: "trend".to_string(),
        number: "历年对比表".to_string(),
        title: format!("{name}历年决算主要数据"),
        org_line: format!("部门：{name}"),
        year_line: year_span(&years),
        unit_line: "金额单位：元".to_string(),
        unit: AmountUnit::Yuan,
        landscape: false,
        header: vec![header],
        numbers: None,
        note: Some(
            "注：各年数据取自已公开的决算报告（更正后的以最新一次公开为准）；增减率四舍五入保留两位小数，“────”表示上年为零不计算增长率。"
                .to_string(),
        ),
        empty_note: years
            .is_empty()
            .then(|| "说明：该部门尚无已公开的报告".to_string()),
        rows,
    }
}

/// How many 科目 the "changed most" table lists.
pub const MOST_CHANGED: usize = 10;

/// The years, oldest first.
fn by_year(years: &[YearEntry]) -> Vec<&YearEntry> {
    let mut years: Vec<&YearEntry> = years.iter().collect();
    years.sort_by_key(|y| y.year);
    years
}

/// A year's 科目; `None` for a headline stored before they were kept.
fn kept(y: &YearEntry) -> Option<&BTreeMap<String, Subject>> {
    (!y.headline.subjects.is_empty() || raw(&y.headline, Measure::ExpTotal) == 0)
        .then_some(&y.headline.subjects)
}

fn subject_total(y: &YearEntry, code: &str) -> Option<i64> {
    kept(y).map(|s| s.get(code).map_or(0, |x| x.total))
}

/// The change of `code` between two years, amount and rate cells; `None`
/// when either year's 科目 are not on record.
fn subject_change(a: &YearEntry, b: &YearEntry, code: &str) -> Option<(i64, ViewCell)> {
    let (x, y) = (subject_total(a, code)?, subject_total(b, code)?);
    let d = y.saturating_sub(x);
    let rate =
        Percent::of(i128::from(d), i128::from(x)).map_or(ViewCell::NotApplicable, ViewCell::Rate);
    Some((d, rate))
}

fn subject_name<'a>(years: &[&'a YearEntry], code: &str) -> &'a str {
    years
        .iter()
        .rev()
        .find_map(|y| y.headline.subjects.get(code))
        .map_or("", |s| s.name.as_str())
}

fn subject_header(years: &[&YearEntry]) -> Vec<HeaderCell> {
    let head = |t: String| HeaderCell {
        text: t,
        colspan: 1,
        rowspan: 1,
    };
    let mut header = vec![head("科目编码".to_string()), head("科目名称".to_string())];
    header.extend(years.iter().map(|y| head(format!("{}年度", y.year))));
    header.push(head("最近一年增减".to_string()));
    header.push(head("增减率".to_string()));
    header
}

fn year_span(years: &[&YearEntry]) -> String {
    match (years.first(), years.last()) {
        (Some(a), Some(b)) if a.year != b.year => format!("{}—{}年度", a.year, b.year),
        (Some(a), _) => format!("{}年度", a.year),
        _ => String::new(),
    }
}

/// One row of a 科目 table: code, name (indented by level), each year's
/// 本年支出合计, the latest change and its rate.
fn subject_row(years: &[&YearEntry], code: &str, indent: bool) -> ViewRow {
    let level = FunctionalCode::parse(code).map_or(juesuan_model::FnLevel::Item, |c| c.level());
    let (style, depth) = match level {
        juesuan_model::FnLevel::Class => (RowStyle::Class, 0),
        juesuan_model::FnLevel::Section => (RowStyle::Section, 1),
        juesuan_model::FnLevel::Item => (RowStyle::Item, 2),
    };
    let mut cells = vec![
        ViewCell::Code(code.to_string()),
        ViewCell::Text {
            text: subject_name(years, code).to_string(),
            indent: if indent { depth } else { 0 },
            colspan: 1,
            rowspan: 1,
        },
    ];
    cells.extend(years.iter().map(|y| {
        subject_total(y, code).map_or(ViewCell::NotApplicable, |v| {
            ViewCell::Amount(Money::from_fen(v))
        })
    }));
    let change = match years {
        [.., a, b] => subject_change(a, b, code),
        _ => None,
    };
    match change {
        Some((d, rate)) => {
            cells.push(ViewCell::Amount(Money::from_fen(d)));
            cells.push(rate);
        }
        None => {
            cells.push(ViewCell::NotApplicable);
            cells.push(ViewCell::NotApplicable);
        }
    }
    ViewRow {
        style: if indent { style } else { RowStyle::Item },
        cells,
    }
}

/// The same 科目 side by side year by year: every functional 类, 款 and 项 any
/// published year spends on, in code order, with its 本年支出合计 (公开03表)
/// each year and the latest year's change. A year published before the
/// platform kept 科目 shows “────”.
pub fn subject_table(name: &str, years: &[YearEntry]) -> TableView {
    let years = by_year(years);
    let codes: std::collections::BTreeSet<&str> = years
        .iter()
        .flat_map(|y| y.headline.subjects.keys().map(String::as_str))
        .collect();
    TableView {
        id: "subjects".to_string(),
        number: "历年科目对比表".to_string(),
        title: format!("{name}历年支出决算（按支出功能分类科目）"),
        org_line: format!("部门：{name}"),
        year_line: year_span(&years),
        unit_line: "金额单位：元".to_string(),
        unit: AmountUnit::Yuan,
        landscape: false,
        header: vec![subject_header(&years)],
        numbers: None,
        rows: codes.iter().map(|c| subject_row(&years, c, true)).collect(),
        note: Some(
            "注：各年为本年支出合计（公开03表），取自已公开的决算报告；增减为最近一年比上一年，增减率四舍五入保留两位小数，“────”表示上年为零或该年未记录科目。"
                .to_string(),
        ),
        empty_note: codes
            .is_empty()
            .then(|| "说明：该部门尚无已公开的科目支出".to_string()),
    }
}

/// What changed most: the [`MOST_CHANGED`] 项 whose 本年支出合计 moved most
/// (by the absolute amount, then by code) between the last two published years.
pub fn changed_most_table(name: &str, years: &[YearEntry]) -> TableView {
    let years = by_year(years);
    let mut moved: Vec<(i64, &str)> = match years.as_slice() {
        [.., a, b] => {
            let codes: std::collections::BTreeSet<&str> = [a, b]
                .iter()
                .flat_map(|y| y.headline.subjects.keys().map(String::as_str))
                .filter(|c| c.len() == 7)
                .collect();
            codes
                .into_iter()
                .filter_map(|c| subject_change(a, b, c).map(|(d, _)| (d, c)))
                .filter(|(d, _)| *d != 0)
                .collect()
        }
        _ => Vec::new(),
    };
    moved.sort_by(|x, y| {
        y.0.unsigned_abs()
            .cmp(&x.0.unsigned_abs())
            .then(x.1.cmp(y.1))
    });
    moved.truncate(MOST_CHANGED);
    let last_two: Vec<&YearEntry> = years.iter().rev().take(2).rev().copied().collect();
    TableView {
        id: "changed".to_string(),
        number: "变动最大的科目".to_string(),
        title: format!("{name}支出变动最大的科目"),
        org_line: format!("部门：{name}"),
        year_line: year_span(&last_two),
        unit_line: "金额单位：元".to_string(),
        unit: AmountUnit::Yuan,
        landscape: false,
        header: vec![subject_header(&last_two)],
        numbers: None,
        rows: moved
            .iter()
            .map(|(_, c)| subject_row(&last_two, c, false))
            .collect(),
        note: Some(format!(
            "注：最近两个已公开年度之间本年支出合计增减额（绝对值）最大的 {MOST_CHANGED} 个项级科目。"
        )),
        empty_note: moved
            .is_empty()
            .then(|| "说明：尚无两个已记录科目的公开年度可比，或各科目均无变化".to_string()),
    }
}

/// The trend as a bar chart: 基本支出 and 项目支出 by year, labelled in 万元.
pub fn trend_chart(name: &str, years: &[YearEntry]) -> juesuan_compose::Chart {
    let years = by_year(years);
    let series = |label: &str, m: Measure| {
        let values: Vec<Money> = years
            .iter()
            .map(|y| Money::from_fen(raw(&y.headline, m)))
            .collect();
        juesuan_compose::ChartSeries {
            name: label.to_string(),
            labels: values.iter().map(|v| v.wan()).collect(),
            values,
            shares: Vec::new(),
        }
    };
    juesuan_compose::Chart {
        id: "trend".to_string(),
        kind: juesuan_compose::ChartKind::Bars,
        title: format!("{name}历年基本支出和项目支出"),
        unit: "万元".to_string(),
        categories: years.iter().map(|y| format!("{}年", y.year)).collect(),
        series: vec![
            series("基本支出", Measure::ExpBasic),
            series("项目支出", Measure::ExpProject),
        ],
    }
}

/// Each department's share of the 本年支出合计 of those shown, as a pie: the
/// eight that spent most and, when there are more, the others together; 万元
/// labels, shares 四舍五入 to 0.01 %. None for fewer than two departments or
/// when nothing was spent.
pub fn top_chart(entries: &[Entry]) -> Option<juesuan_compose::Chart> {
    use juesuan_compose::{Chart, ChartKind, ChartSeries};
    const SHOWN: usize = 8;
    let mut by_size: Vec<(&str, i64)> = entries
        .iter()
        .map(|e| (e.name.as_str(), raw(&e.headline, Measure::ExpTotal)))
        .collect();
    by_size.sort_by_key(|(_, v)| std::cmp::Reverse(*v));
    let total = by_size.iter().fold(0_i64, |a, (_, v)| a.saturating_add(*v));
    if by_size.len() < 2 || total <= 0 {
        return None;
    }
    let mut slices: Vec<(String, i64)> = by_size
        .iter()
        .take(SHOWN)
        .map(|(n, v)| ((*n).to_string(), *v))
        .collect();
    if by_size.len() > SHOWN {
        let rest = by_size[SHOWN..]
            .iter()
            .fold(0_i64, |a, (_, v)| a.saturating_add(*v));
        slices.push((format!("其他 {} 个部门", by_size.len() - SHOWN), rest));
    }
    let values: Vec<Money> = slices.iter().map(|(_, v)| Money::from_fen(*v)).collect();
    Some(Chart {
        id: "shares".to_string(),
        kind: ChartKind::Pie,
        title: "各部门本年支出合计占比".to_string(),
        unit: "万元".to_string(),
        categories: slices.iter().map(|(n, _)| n.clone()).collect(),
        series: vec![ChartSeries {
            name: "本年支出合计".to_string(),
            labels: values.iter().map(|v| v.wan()).collect(),
            shares: values
                .iter()
                .map(|v| {
                    Percent::ratio(*v, Money::from_fen(total))
                        .map_or_else(String::new, |p| p.display())
                })
                .collect(),
            values,
        }],
    })
}

/// A report's standing, for the bureau's summary.
#[derive(Clone, Debug)]
pub struct Standing {
    /// 部门名称.
    pub name: String,
    /// Its workflow state's label (已公开, 填报中 …).
    pub state: String,
    /// Its deadline (批复日期 + 20 days), if known.
    pub deadline: Option<String>,
    /// Past the deadline and not published.
    pub overdue: bool,
    /// Errors of its latest upload.
    pub errors: i64,
    /// Errors the audit finds in its latest publication's PDF.
    pub audit_errors: i64,
    /// Published more than once.
    pub corrected: bool,
}

fn sum_of(entries: &[Entry], m: Measure) -> i64 {
    entries
        .iter()
        .fold(0_i64, |a, e| a.saturating_add(raw(&e.headline, m)))
}

/// `增加 1,234.00 元，增长 5.00%` / `减少 …，下降 …` / `与上年持平`, exact to the fen.
fn change_text(now: i64, then: i64) -> String {
    let d = now.saturating_sub(then);
    if d == 0 {
        return "与上年持平".to_string();
    }
    let (verb, rate_verb) = if d > 0 {
        ("增加", "增长")
    } else {
        ("减少", "下降")
    };
    let amount = Money::from_fen(d.saturating_abs()).yuan();
    match Percent::of(i128::from(d), i128::from(then)) {
        Some(p) => format!("{verb} {amount} 元，{rate_verb} {}", p.abs().display()),
        None => format!("{verb} {amount} 元（上年为零，不计算增长率）"),
    }
}

/// The bureau's own summary of a year (全市部门决算公开情况): how many reports
/// are due, published, corrected and late; the published departments' totals
/// and 三公 against last year's published ones; every department's figures; the
/// late and erroneous reports; a chart of the largest. Every number computed
/// here from the headlines and standings given.
pub fn summary(
    region: &str,
    year: i64,
    entries: &[Entry],
    last_year: &[Entry],
    standings: &[Standing],
) -> Document {
    use juesuan_compose::Block;
    let text = |t: String| Block::Paragraph { text: t };
    let heading = |t: &str, n: usize| Block::Heading {
        level: 2,
        text: t.to_string(),
        anchor: format!("summary-{n}"),
        toc: None,
    };
    let due = standings.len();
    let published = standings.iter().filter(|s| s.state == "已公开").count();
    let late: Vec<&Standing> = standings.iter().filter(|s| s.overdue).collect();
    let corrected = standings.iter().filter(|s| s.corrected).count();
    let erroneous: Vec<&Standing> = standings.iter().filter(|s| s.errors > 0).collect();
    let audited_wrong = standings.iter().filter(|s| s.audit_errors > 0).count();
    let yuan = |fen: i64| Money::from_fen(fen).yuan();
    let mut blocks = vec![
        heading("一、公开情况", 1),
        text(format!(
            "{region}{year}年度应公开部门决算的部门 {due} 个，已公开 {published} 个（其中公开后更正 {corrected} 个），逾期未公开 {} 个，最新上传仍有错误的 {} 个，公开文件经审读有误的 {audited_wrong} 个。",
            late.len(),
            erroneous.len()
        )),
        heading("二、主要数据", 2),
        text(format!(
            "已公开的 {} 个部门收入总计 {} 元，支出总计 {} 元，其中基本支出 {} 元、项目支出 {} 元；财政拨款支出 {} 元。",
            entries.len(),
            yuan(sum_of(entries, Measure::IncomeGrand)),
            yuan(sum_of(entries, Measure::ExpGrand)),
            yuan(sum_of(entries, Measure::ExpBasic)),
            yuan(sum_of(entries, Measure::ExpProject)),
            yuan(sum_of(entries, Measure::FiscalTotal)),
        )),
    ];
    let sg_now = sum_of(entries, Measure::SgActualTotal);
    let sg_then = sum_of(last_year, Measure::SgActualTotal);
    blocks.push(text(if last_year.is_empty() {
        format!(
            "“三公”经费决算合计 {} 元（预算 {} 元）；上年度尚无已公开的报告可比。",
            yuan(sg_now),
            yuan(sum_of(entries, Measure::SgBudgetTotal))
        )
    } else {
        format!(
            "“三公”经费决算合计 {} 元（预算 {} 元），比上年已公开的 {} 个部门合计 {} 元{}。",
            yuan(sg_now),
            yuan(sum_of(entries, Measure::SgBudgetTotal)),
            last_year.len(),
            yuan(sg_then),
            change_text(sg_now, sg_then)
        )
    }));
    blocks.push(Block::Table(Box::new(year_table(
        region,
        year,
        entries,
        &View {
            sort: Some("exp".to_string()),
            descending: true,
            filter: String::new(),
        },
    ))));
    if let Some(chart) = top_chart(entries) {
        blocks.push(juesuan_compose::Block::Chart(Box::new(chart)));
    }
    blocks.push(heading("三、逾期与有误的报告", 3));
    let flagged: Vec<&Standing> = standings
        .iter()
        .filter(|s| s.overdue || s.errors > 0 || s.audit_errors > 0)
        .collect();
    if flagged.is_empty() {
        blocks.push(text("没有逾期或有误的报告。".to_string()));
    } else {
        let head = |t: &str| HeaderCell {
            text: t.to_string(),
            colspan: 1,
            rowspan: 1,
        };
        let cell = |t: String| ViewCell::Text {
            text: t,
            indent: 0,
            colspan: 1,
            rowspan: 1,
        };
        blocks.push(Block::Table(Box::new(TableView {
            id: "flagged".to_string(),
            number: "预警表".to_string(),
            title: format!("{region}{year}年度逾期与有误的部门决算"),
            org_line: format!("地区：{region}"),
            year_line: format!("{year}年度"),
            unit_line: String::new(),
            unit: AmountUnit::Yuan,
            landscape: false,
            header: vec![vec![
                head("部门"),
                head("状态"),
                head("公开期限"),
                head("逾期"),
                head("最新上传的错误"),
                head("公开文件审读的错误"),
            ]],
            numbers: None,
            rows: flagged
                .iter()
                .map(|s| ViewRow {
                    style: RowStyle::Item,
                    cells: vec![
                        cell(s.name.clone()),
                        cell(s.state.clone()),
                        cell(s.deadline.clone().unwrap_or_else(|| "—".to_string())),
                        cell(if s.overdue { "是" } else { "否" }.to_string()),
                        ViewCell::Count(s.errors),
                        ViewCell::Count(s.audit_errors),
                    ],
                })
                .collect(),
            note: None,
            empty_note: None,
        })));
    }
    Document {
        title: format!("{region}{year}年度部门决算公开情况"),
        department: region.to_string(),
        year: i32::try_from(year).unwrap_or(0),
        profile: String::new(),
        draft: false,
        fonts: Default::default(),
        parts: vec![Part {
            id: "summary".to_string(),
            title: format!("{region}{year}年度部门决算公开情况"),
            blocks,
        }],
    }
}
