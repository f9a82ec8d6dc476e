#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Spanning cells of a small hand-made table land where the printed form has
//! them: every expected position and merged range written out by hand.

use calamine::{Data, Reader, Xlsx};
use juesuan_compose::{Block, Document, HeaderCell, Part, RowStyle, TableView, ViewCell, ViewRow};
use juesuan_model::{AmountUnit, Money, Percent, Points};
use std::collections::BTreeSet;
use std::io::Cursor;

fn h(text: &str, colspan: u32, rowspan: u32) -> HeaderCell {
    HeaderCell {
        text: text.to_string(),
        colspan,
        rowspan,
    }
}

fn t(text: &str, colspan: u32, rowspan: u32) -> ViewCell {
    ViewCell::Text {
        text: text.to_string(),
        indent: 0,
        colspan,
        rowspan,
    }
}

fn yuan(fen: i64) -> ViewCell {
    ViewCell::Amount(Money::from_fen(fen))
}

fn row(style: RowStyle, cells: Vec<ViewCell>) -> ViewRow {
    ViewRow { style, cells }
}

fn view(number: &str, header: Vec<Vec<HeaderCell>>, rows: Vec<ViewRow>) -> TableView {
    TableView {
        id: "t".to_string(),
        number: number.to_string(),
        title: "测试表".to_string(),
        org_line: "部门名称：测试部门".to_string(),
        year_line: "2022年度".to_string(),
        unit_line: "金额单位：元".to_string(),
        unit: AmountUnit::Yuan,
        landscape: false,
        header,
        numbers: None,
        rows,
        note: None,
        empty_note: None,
    }
}

/// Three header rows (a column spanning all of them, a group over three
/// columns), 栏次, and a body with nested rowspans and a colspan.
fn table() -> TableView {
    let mut v = view(
        "公开99表",
        vec![
            vec![h("预算数", 5, 1), h("备注", 1, 3)],
            vec![h("合计", 1, 2), h("出国", 1, 2), h("公务用车", 3, 1)],
            vec![h("小计", 1, 1), h("购置", 1, 1), h("运维", 1, 1)],
        ],
        vec![
            row(
                RowStyle::Item,
                vec![
                    t("一级", 1, 3),
                    t("二级", 1, 2),
                    yuan(100),
                    yuan(200),
                    yuan(300),
                    ViewCell::Code("2013801".to_string()),
                ],
            ),
            row(
                RowStyle::Item,
                vec![yuan(400), yuan(500), yuan(600), ViewCell::Empty],
            ),
            row(
                RowStyle::Item,
                vec![
                    t("二级乙", 1, 1),
                    yuan(700),
                    ViewCell::NotApplicable,
                    ViewCell::Rate(Percent::from_hundredths(1289)),
                    ViewCell::Score(Points::from_hundredths(250)),
                ],
            ),
            row(
                RowStyle::Total,
                vec![
                    t("合计", 2, 1),
                    yuan(4_459_281_601),
                    ViewCell::Count(13),
                    ViewCell::Line(9),
                    ViewCell::Empty,
                ],
            ),
        ],
    );
    v.numbers = Some((1..=6).map(|i| h(&i.to_string(), 1, 1)).collect());
    v.note = Some("注：测试。".to_string());
    v
}

fn document(parts: Vec<Part>) -> Document {
    Document {
        title: "测试部门2022年部门决算公开报告".to_string(),
        department: "测试部门".to_string(),
        year: 2022,
        profile: "test".to_string(),
        parts,
        draft: false,
        fonts: Default::default(),
    }
}

fn part(id: &str, title: &str, blocks: Vec<Block>) -> Part {
    Part {
        id: id.to_string(),
        title: title.to_string(),
        blocks,
    }
}

type Merges = BTreeSet<((u32, u32), (u32, u32))>;

fn read(doc: &Document, sheet: &str) -> (calamine::Range<Data>, Merges) {
    let bytes = juesuan_xlsx::workbook(doc).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    let merges = book
        .merge_cells_by_sheet_name(sheet)
        .unwrap()
        .iter()
        .map(|d| (d.start, d.end))
        .collect();
    (range, merges)
}

fn text(range: &calamine::Range<Data>, at: (u32, u32)) -> String {
    match range.get_value(at) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("{at:?}: expected text, found {other:?}"),
    }
}

fn num(range: &calamine::Range<Data>, at: (u32, u32)) -> String {
    match range.get_value(at) {
        Some(Data::Float(x)) => x.to_string(),
        other => panic!("{at:?}: expected a number, found {other:?}"),
    }
}

#[test]
fn spans_land_as_printed() {
    let doc = document(vec![part(
        "tables",
        "第二部分 决算表",
        vec![Block::Table(Box::new(table()))],
    )]);
    let (r, merges) = read(&doc, "公开99表");

    // Caption block, rows 0–2.
    assert_eq!(text(&r, (0, 0)), "测试表");
    assert_eq!(text(&r, (1, 0)), "公开99表");
    assert_eq!(text(&r, (2, 0)), "部门名称：测试部门");
    assert_eq!(text(&r, (2, 2)), "2022年度");
    assert_eq!(text(&r, (2, 4)), "金额单位：元");

    // Header, rows 3–5, and 栏次, row 6.
    for (at, want) in [
        ((3, 0), "预算数"),
        ((3, 5), "备注"),
        ((4, 0), "合计"),
        ((4, 1), "出国"),
        ((4, 2), "公务用车"),
        ((5, 2), "小计"),
        ((5, 3), "购置"),
        ((5, 4), "运维"),
        ((6, 0), "1"),
        ((6, 5), "6"),
    ] {
        assert_eq!(text(&r, at), want, "header {at:?}");
    }

    // Body, rows 7–10: the rows below a rowspan omit its columns.
    assert_eq!(text(&r, (7, 0)), "一级");
    assert_eq!(text(&r, (7, 1)), "二级");
    assert_eq!(num(&r, (7, 2)), "1");
    assert_eq!(num(&r, (7, 3)), "2");
    assert_eq!(num(&r, (7, 4)), "3");
    assert_eq!(
        r.get_value((7, 5)),
        Some(&Data::String("2013801".to_string()))
    );
    assert_eq!(num(&r, (8, 2)), "4");
    assert_eq!(num(&r, (8, 3)), "5");
    assert_eq!(num(&r, (8, 4)), "6");
    assert_eq!(text(&r, (8, 5)), "");
    assert_eq!(text(&r, (9, 0)), "");
    assert_eq!(text(&r, (9, 1)), "二级乙");
    assert_eq!(num(&r, (9, 2)), "7");
    assert_eq!(text(&r, (9, 3)), "────");
    assert_eq!(num(&r, (9, 4)), "0.1289");
    assert_eq!(num(&r, (9, 5)), "2.5");
    assert_eq!(text(&r, (10, 0)), "合计");
    assert_eq!(num(&r, (10, 2)), "44592816.01");
    assert_eq!(num(&r, (10, 3)), "13");
    assert_eq!(num(&r, (10, 4)), "9");
    assert_eq!(text(&r, (10, 5)), "");
    assert_eq!(text(&r, (11, 0)), "注：测试。");

    let want: Merges = [
        ((0, 0), (0, 5)),   // caption
        ((1, 0), (1, 5)),   // table number
        ((2, 0), (2, 1)),   // 部门
        ((2, 2), (2, 3)),   // 年度
        ((2, 4), (2, 5)),   // 单位
        ((3, 0), (3, 4)),   // 预算数
        ((3, 5), (5, 5)),   // 备注
        ((4, 0), (5, 0)),   // 合计
        ((4, 1), (5, 1)),   // 出国
        ((4, 2), (4, 4)),   // 公务用车
        ((7, 0), (9, 0)),   // 一级
        ((7, 1), (8, 1)),   // 二级
        ((10, 0), (10, 1)), // 合计
        ((11, 0), (11, 5)), // 注
    ]
    .into_iter()
    .collect();
    assert_eq!(merges, want);
}

#[test]
fn table_inside_a_text_has_no_caption_block() {
    let mut inline = table();
    inline.number = String::new();
    inline.note = None;
    let doc = document(vec![part(
        "attachments",
        "第五部分 附件",
        vec![
            Block::PageBreak,
            Block::Heading {
                level: 2,
                text: "项目支出绩效自评分析报告".to_string(),
                anchor: "p1".to_string(),
                toc: None,
            },
            Block::Table(Box::new(inline)),
            Block::Paragraph {
                text: "说明文字。".to_string(),
            },
        ],
    )]);
    let (r, merges) = read(&doc, "项目绩效自评");
    assert_eq!(text(&r, (0, 0)), "第五部分 附件");
    assert_eq!(text(&r, (1, 0)), "项目支出绩效自评分析报告");
    // Header from row 2, 栏次 row 5, body rows 6–9, a blank row, the paragraph.
    assert_eq!(text(&r, (2, 0)), "预算数");
    assert_eq!(text(&r, (3, 0)), "合计");
    assert_eq!(text(&r, (5, 0)), "1");
    assert_eq!(text(&r, (6, 0)), "一级");
    assert_eq!(num(&r, (7, 2)), "4");
    assert_eq!(num(&r, (9, 2)), "44592816.01");
    assert_eq!(text(&r, (11, 0)), "说明文字。");
    for m in [
        ((2, 0), (2, 4)),
        ((2, 5), (4, 5)),
        ((6, 0), (8, 0)),
        ((11, 0), (11, 5)),
    ] {
        assert!(merges.contains(&m), "{m:?} not merged: {merges:?}");
    }
}

#[test]
fn overlapping_spans_are_clipped_not_fatal() {
    // A colspan running into a column covered by a rowspan from above, and a
    // rowspan past the last row: laid out as a browser would, without error.
    let bad = view(
        "公开98表",
        vec![vec![h("甲", 1, 1), h("乙", 1, 1), h("丙", 1, 1)]],
        vec![
            row(RowStyle::Item, vec![t("A", 1, 1), t("B", 1, 5), yuan(1)]),
            row(RowStyle::Item, vec![t("C", 3, 1), yuan(2)]),
        ],
    );
    let doc = document(vec![part(
        "tables",
        "第二部分 决算表",
        vec![Block::Table(Box::new(bad))],
    )]);
    let (r, merges) = read(&doc, "公开98表");
    assert_eq!(text(&r, (4, 1)), "B");
    assert_eq!(text(&r, (5, 0)), "C");
    assert_eq!(num(&r, (5, 2)), "0.02");
    assert!(merges.contains(&((4, 1), (5, 1))));
}

#[test]
fn degenerate_documents_still_make_workbooks() {
    // No parts at all: just the contents sheet.
    let bytes = juesuan_xlsx::workbook(&document(Vec::new())).unwrap();
    let book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["目录".to_string()]);

    // An empty table, a chart without figures, page breaks only, a part title
    // without a space, two tables with the same number.
    let empty = view("公开01表", Vec::new(), Vec::new());
    let chart = juesuan_compose::Chart {
        id: "c".to_string(),
        kind: juesuan_compose::ChartKind::Pie,
        title: "空图".to_string(),
        unit: "万元".to_string(),
        categories: vec!["甲".to_string()],
        series: vec![juesuan_compose::ChartSeries {
            name: "2022年".to_string(),
            values: Vec::new(),
            labels: vec!["inf".to_string()],
            shares: Vec::new(),
        }],
    };
    let doc = document(vec![
        part(
            "tables",
            "第二部分 决算表",
            vec![
                Block::Table(Box::new(empty.clone())),
                Block::Table(Box::new(empty)),
            ],
        ),
        part(
            "other",
            "其他",
            vec![
                Block::PageBreak,
                Block::Chart(Box::new(chart)),
                Block::PageBreak,
            ],
        ),
    ]);
    let bytes = juesuan_xlsx::workbook(&doc).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["目录", "公开01表", "公开01表（2）", "其他"].map(String::from)
    );
    let r = book.worksheet_range("其他").unwrap();
    assert_eq!(text(&r, (1, 0)), "图：空图");
    assert_eq!(text(&r, (3, 1)), "inf");
}
