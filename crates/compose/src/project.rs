//! 第五部分: one 项目支出绩效自评分析报告 per project, from the profile's `project`
//! template and two tables (预算执行情况, 绩效指标完成情况) laid out like the seed:
//! merged 一级/二级 cells, the 合计 row derived.

use crate::doc::{HeaderCell, RowStyle, TableView, ViewCell, ViewRow};
use juesuan_model::{AmountUnit, Project};
use juesuan_perf::ProjectEval;
use serde::Serialize;

/// What templates see of a project: its texts, its derived figures and scores.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectView {
    /// Position (1-based) in the report.
    pub index: usize,
    /// 项目名称.
    pub name: String,
    /// 1 or 2.
    pub level: u8,
    /// 项目单位.
    pub unit: String,
    /// 主管部门.
    pub department: String,
    /// Cover date.
    pub date: String,
    /// Fund type.
    pub fund: String,
    /// 全年预算数 (fen).
    pub full_year: i64,
    /// 全年执行数 (fen).
    pub executed: i64,
    /// 执行率, or none.
    pub rate: Option<String>,
    /// 预算执行情况得分.
    pub budget_score: String,
    /// 指标完成情况得分 (Σ stated 得分).
    pub indicator_score: String,
    /// 总得分.
    pub total: String,
    /// 等级.
    pub grade: String,
    /// Texts (概况 … 改进措施).
    pub texts: juesuan_model::ProjectTexts,
}

/// The view of a project for templates.
pub fn project_view(index: usize, p: &Project, e: &ProjectEval) -> ProjectView {
    ProjectView {
        index,
        name: p.name.clone(),
        level: p.level,
        unit: p.unit.clone(),
        department: p.department.clone(),
        date: p.date.clone(),
        fund: p.fund.clone(),
        full_year: e.budget.full_year.fen(),
        executed: e.budget.executed.fen(),
        rate: e.budget.rate.map(|r| r.display()),
        budget_score: e.budget.score.display(),
        indicator_score: e.indicator_score.display(),
        total: e.total.display(),
        grade: e.grade.clone(),
        texts: p.texts.clone(),
    }
}

fn h(text: &str, colspan: u32, rowspan: u32) -> HeaderCell {
    HeaderCell {
        text: text.to_string(),
        colspan,
        rowspan,
    }
}

fn t(text: &str) -> ViewCell {
    ViewCell::Text {
        text: text.to_string(),
        indent: 0,
        colspan: 1,
        rowspan: 1,
    }
}

fn amount(m: juesuan_model::Money) -> ViewCell {
    ViewCell::Amount(m)
}

fn bare(id: String, title: &str, header: Vec<Vec<HeaderCell>>, rows: Vec<ViewRow>) -> TableView {
    TableView {
        id,
        number: String::new(),
        title: title.to_string(),
        org_line: String::new(),
        year_line: String::new(),
        unit_line: String::new(),
        unit: AmountUnit::Yuan,
        landscape: false,
        header,
        numbers: None,
        rows,
        note: None,
        empty_note: None,
    }
}

/// 预算执行情况: the 合计 row (derived) and one row per funding line.
pub fn budget_table(index: usize, p: &Project, e: &ProjectEval) -> TableView {
    let header = vec![
        vec![
            h("资金来源", 1, 2),
            h("年初预算数", 2, 1),
            h("全年预算数(元)", 1, 2),
            h("全年执行数(元)", 1, 2),
            h("资金结(转)余(元)", 1, 2),
            h("执行率", 1, 2),
            h("得分", 1, 2),
        ],
        vec![h("目标申报(元)", 1, 1), h("预算编制(元)", 1, 1)],
    ];
    let b = &e.budget;
    let mut rows = vec![ViewRow {
        style: RowStyle::Total,
        cells: vec![
            t("合计"),
            amount(b.declared),
            amount(b.compiled),
            amount(b.full_year),
            amount(b.executed),
            amount(b.balance),
            b.rate.map_or(ViewCell::Empty, ViewCell::Rate),
            ViewCell::Score(b.score),
        ],
    }];
    for l in &p.budget {
        rows.push(ViewRow {
            style: RowStyle::Item,
            cells: vec![
                t(&l.source),
                amount(l.declared),
                amount(l.compiled),
                amount(l.full_year),
                amount(l.executed),
                amount(l.full_year - l.executed),
                ViewCell::Empty,
                ViewCell::Empty,
            ],
        });
    }
    bare(format!("p{index}-budget"), "预算执行情况", header, rows)
}

/// 绩效指标完成情况: merged 一级/二级 cells like the seed.
pub fn indicator_table(index: usize, p: &Project) -> TableView {
    let header = vec![
        vec![
            h("一级指标", 1, 2),
            h("二级指标", 1, 2),
            h("指标名称", 1, 2),
            h("年度指标", 2, 1),
            h("实际完成值", 1, 2),
            h("权重", 1, 2),
            h("得分", 1, 2),
            h("偏差原因分析及改进措施", 1, 2),
        ],
        vec![h("年初指标", 1, 1), h("调整后指标", 1, 1)],
    ];
    let run = |i: usize, same: &dyn Fn(usize, usize) -> bool| -> u32 {
        let n = (i..p.indicators.len()).take_while(|&j| same(i, j)).count();
        u32::try_from(n).unwrap_or(1)
    };
    let mut rows = Vec::new();
    for (i, ind) in p.indicators.iter().enumerate() {
        let mut cells = Vec::new();
        let l1_same = |a: usize, b: usize| p.indicators[a].level1 == p.indicators[b].level1;
        let l2_same =
            |a: usize, b: usize| l1_same(a, b) && p.indicators[a].level2 == p.indicators[b].level2;
        if i == 0 || !l1_same(i - 1, i) {
            cells.push(ViewCell::Text {
                text: ind.level1.clone(),
                indent: 0,
                colspan: 1,
                rowspan: run(i, &l1_same),
            });
        }
        if i == 0 || !l2_same(i - 1, i) {
            cells.push(ViewCell::Text {
                text: ind.level2.clone(),
                indent: 0,
                colspan: 1,
                rowspan: run(i, &l2_same),
            });
        }
        cells.push(t(&ind.name));
        cells.push(t(&ind.initial));
        cells.push(t(&ind.target.text));
        cells.push(t(&ind.actual.text));
        cells.push(ViewCell::Score(ind.weight));
        cells.push(ind.score.map_or(ViewCell::Empty, ViewCell::Score));
        cells.push(t(&ind.deviation));
        rows.push(ViewRow {
            style: RowStyle::Item,
            cells,
        });
    }
    bare(
        format!("p{index}-indicators"),
        "绩效指标完成情况",
        header,
        rows,
    )
}
