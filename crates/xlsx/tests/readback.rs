#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The example's workbook read back with calamine: every figure of every
//! 公开表 at its place, as a number equal to the printed decimal; codes as
//! text; nothing numeric anywhere else; captions, headers and merges as printed;
//! the contents sheet linking every sheet; the document properties.

mod common;

use calamine::{Data, Dimensions, Range, Reader, Xlsx};
use juesuan_compose::{Block, Document, HeaderCell, TableView, ViewCell};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

type Book = Xlsx<Cursor<Vec<u8>>>;
/// Merged ranges as (first, last) cells.
type Merges = BTreeSet<((u32, u32), (u32, u32))>;

fn open(doc: &Document) -> Book {
    let bytes = juesuan_xlsx::workbook(doc).unwrap();
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

fn tables(doc: &Document) -> Vec<&TableView> {
    doc.parts
        .iter()
        .filter(|p| p.id == "tables")
        .flat_map(|p| &p.blocks)
        .filter_map(|b| match b {
            Block::Table(t) if !t.number.is_empty() => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// Positions of spanning cells, computed independently of the crate: mark every
/// covered cell of a grid and put each cell at the first free column.
fn grid(rows: &[Vec<(u32, u32)>]) -> Vec<Vec<(u32, u32)>> {
    let mut taken: BTreeSet<(u32, u32)> = BTreeSet::new();
    let mut out = Vec::new();
    for (r, cells) in rows.iter().enumerate() {
        let r = u32::try_from(r).unwrap();
        let mut c = 0;
        let mut placed = Vec::new();
        for &(cs, rs) in cells {
            while taken.contains(&(r, c)) {
                c += 1;
            }
            placed.push((r, c));
            for dr in 0..rs.max(1) {
                for dc in 0..cs.max(1) {
                    taken.insert((r + dr, c + dc));
                }
            }
            c += cs.max(1);
        }
        out.push(placed);
    }
    out
}

fn s(v: Option<&Data>) -> String {
    match v {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => panic!("expected text, found {other:?}"),
    }
}

fn number(v: Option<&Data>, at: &str) -> f64 {
    match v {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => f64::from(i32::try_from(*x).unwrap()),
        other => panic!("{at}: expected a number, found {other:?}"),
    }
}

fn merges(book: &mut Book, sheet: &str) -> Merges {
    book.merge_cells_by_sheet_name(sheet)
        .unwrap()
        .iter()
        .map(|d: &Dimensions| (d.start, d.end))
        .collect()
}

/// Checks header cells: text at their place, merged over their spans.
fn check_header(
    sheet: &str,
    range: &Range<Data>,
    merged: &Merges,
    top: u32,
    rows: &[&Vec<HeaderCell>],
) {
    let spans: Vec<Vec<(u32, u32)>> = rows
        .iter()
        .map(|r| r.iter().map(|c| (c.colspan, c.rowspan)).collect())
        .collect();
    for (cells, places) in rows.iter().zip(grid(&spans)) {
        for (c, (r, col)) in cells.iter().zip(places) {
            let at = (top + r, col);
            assert_eq!(s(range.get_value(at)), c.text, "{sheet} header at {at:?}");
            if c.colspan > 1 || c.rowspan > 1 {
                let end = (at.0 + c.rowspan.max(1) - 1, at.1 + c.colspan.max(1) - 1);
                assert!(
                    merged.contains(&(at, end)),
                    "{sheet}: header “{}” not merged over {at:?}–{end:?}",
                    c.text
                );
            }
        }
    }
}

#[test]
fn every_figure_at_its_place() {
    let doc = common::example();
    let mut book = open(&doc);
    let tables = tables(&doc);
    assert_eq!(tables.len(), 10);
    let mut amounts = 0;
    for t in &tables {
        let sheet = t.number.as_str();
        let range = book.worksheet_range(sheet).unwrap();
        let merged = merges(&mut book, sheet);
        let styles = book.worksheet_style(sheet).unwrap();

        // Caption block.
        assert_eq!(s(range.get_value((0, 0))), t.title, "{sheet} caption");
        assert_eq!(s(range.get_value((1, 0))), t.number, "{sheet} number");
        assert_eq!(s(range.get_value((2, 0))), t.org_line, "{sheet} org line");
        let row_text: Vec<String> = (0..20).map(|c| s(range.get_value((2, c)))).collect();
        assert!(row_text.contains(&t.year_line), "{sheet} year line");
        assert!(row_text.contains(&t.unit_line), "{sheet} unit line");
        assert!(
            styles
                .get((0, 0))
                .and_then(|st| st.font.as_ref())
                .is_some_and(|f| f.is_bold()),
            "{sheet} caption bold"
        );

        // Header rows and 栏次.
        let header: Vec<&Vec<HeaderCell>> = t.header.iter().chain(t.numbers.as_ref()).collect();
        check_header(sheet, &range, &merged, 3, &header);

        // Body.
        let top = 3 + u32::try_from(header.len()).unwrap();
        let spans: Vec<Vec<(u32, u32)>> = t
            .rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| match c {
                        ViewCell::Text {
                            colspan, rowspan, ..
                        } => (*colspan, *rowspan),
                        _ => (1, 1),
                    })
                    .collect()
            })
            .collect();
        let mut numeric = 0;
        for (row, places) in t.rows.iter().zip(grid(&spans)) {
            for (c, (r, col)) in row.cells.iter().zip(places) {
                let at = (top + r, col);
                let v = range.get_value(at);
                let here = format!("{sheet} {at:?}");
                match c {
                    ViewCell::Amount(m) => {
                        let x = number(v, &here);
                        assert_eq!(
                            format!("{x:.2}"),
                            m.display(t.unit, false),
                            "{sheet} {at:?}"
                        );
                        let fmt = styles
                            .get(at)
                            .and_then(|st| st.number_format.as_ref())
                            .map(|f| f.format_code.clone());
                        assert_eq!(fmt.as_deref(), Some("#,##0.00"), "{sheet} {at:?} format");
                        amounts += 1;
                        numeric += 1;
                    }
                    ViewCell::Line(n) => {
                        assert_eq!(
                            number(v, &here).to_string(),
                            n.to_string(),
                            "{sheet} 行次 {at:?}"
                        );
                        numeric += 1;
                    }
                    ViewCell::Count(n) => {
                        assert_eq!(
                            format!("{}", number(v, &here)),
                            n.to_string(),
                            "{sheet} {at:?}"
                        );
                        numeric += 1;
                    }
                    ViewCell::Score(p) => {
                        assert_eq!(
                            format!("{}", number(v, &here)),
                            p.display(),
                            "{sheet} {at:?}"
                        );
                        numeric += 1;
                    }
                    ViewCell::Rate(p) => {
                        assert_eq!(format!("{:.4}", number(v, &here)), {
                            let h = p.hundredths();
                            format!("{}.{:04}", h / 10_000, h % 10_000)
                        });
                        numeric += 1;
                    }
                    ViewCell::Code(code) => {
                        assert_eq!(v, Some(&Data::String(code.clone())), "{sheet} code {at:?}");
                    }
                    ViewCell::Link { text, .. } => {
                        assert_eq!(&s(v), text, "{sheet} link {at:?}");
                    }
                    ViewCell::Text {
                        text,
                        colspan,
                        rowspan,
                        ..
                    } => {
                        assert_eq!(&s(v), text, "{sheet} label {at:?}");
                        if *colspan > 1 || *rowspan > 1 {
                            let end = (at.0 + rowspan - 1, at.1 + colspan - 1);
                            assert!(merged.contains(&(at, end)), "{sheet} {text} merged");
                        }
                    }
                    ViewCell::Empty => {
                        assert!(
                            matches!(v, None | Some(Data::Empty)),
                            "{sheet} blank {at:?}: {v:?}"
                        );
                    }
                    ViewCell::NotApplicable => assert_eq!(s(v), "────", "{sheet} {at:?}"),
                }
            }
        }
        // Nothing numeric anywhere else on the sheet.
        let floats = range
            .used_cells()
            .filter(|(_, _, d)| matches!(d, Data::Float(_) | Data::Int(_)))
            .count();
        assert_eq!(
            floats, numeric,
            "{sheet}: numbers outside the table's figures"
        );

        // Notes below the body.
        let below = top + u32::try_from(t.rows.len()).unwrap();
        for (row, note) in (below..).zip(t.note.iter().chain(&t.empty_note)) {
            assert_eq!(&s(range.get_value((row, 0))), note, "{sheet} note");
        }
    }
    // Every amount of the ten tables was found (the example's 公开01–10表).
    assert!(amounts > 250, "only {amounts} amounts checked");
}

#[test]
fn sheets_contents_and_links() {
    let doc = common::example();
    let mut book = open(&doc);
    let names = book.sheet_names();
    let mut expected = vec!["目录".to_string(), "概况".to_string()];
    expected.extend((1..=10).map(|i| format!("公开{i:02}表")));
    expected.extend(["情况说明", "名词解释", "项目绩效自评"].map(String::from));
    assert_eq!(names, expected);

    let toc = book.worksheet_range("目录").unwrap();
    assert_eq!(s(toc.get_value((0, 0))), doc.title);
    assert_eq!(
        s(toc.get_value((1, 0))),
        format!("部门：{}", doc.department)
    );
    let links = book.hyperlinks_by_sheet_name("目录").unwrap();
    let targets: BTreeMap<String, (u32, u32)> = links
        .iter()
        .map(|h| (h.location.clone().unwrap_or_default(), h.range.start))
        .collect();
    for (i, name) in expected.iter().skip(1).enumerate() {
        let row = 5 + u32::try_from(i).unwrap();
        assert_eq!(s(toc.get_value((row, 1))), *name);
        assert_eq!(
            targets.get(&format!("'{name}'!A1")),
            Some(&(row, 1)),
            "link to {name}"
        );
    }

    let props = book.workbook_properties().unwrap();
    assert_eq!(props.title.as_deref(), Some(doc.title.as_str()));
    assert_eq!(props.creator.as_deref(), Some(doc.department.as_str()));
    assert_eq!(props.created.as_deref(), Some("2023-01-01T00:00:00Z"));
}

#[test]
fn text_parts_and_project_reports() {
    let doc = common::example();
    let mut book = open(&doc);
    for (id, sheet) in [
        ("overview", "概况"),
        ("narrative", "情况说明"),
        ("glossary", "名词解释"),
        ("attachments", "项目绩效自评"),
    ] {
        let part = doc.parts.iter().find(|p| p.id == id).unwrap();
        let range = book.worksheet_range(sheet).unwrap();
        let texts: Vec<String> = range
            .used_cells()
            .filter_map(|(_, _, d)| match d {
                Data::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(texts.first(), Some(&part.title), "{sheet} title");
        // Every heading and paragraph, in order.
        let wanted: Vec<&String> = part
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { text, .. } | Block::Paragraph { text } => Some(text),
                _ => None,
            })
            .collect();
        let mut it = texts.iter();
        for w in &wanted {
            assert!(
                it.any(|t| t == *w),
                "{sheet}: “{w}” missing or out of order"
            );
        }
    }

    // The project reports: every amount of their tables (page breaks are
    // checked in the LibreOffice test).
    let part = doc.parts.iter().find(|p| p.id == "attachments").unwrap();
    let range = book.worksheet_range("项目绩效自评").unwrap();
    let mut found: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, d) in range.used_cells() {
        if let Data::Float(x) = d {
            *found.entry(format!("{x:.2}")).or_default() += 1;
        }
    }
    let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
    let mut projects = 0;
    for b in &part.blocks {
        match b {
            Block::Table(t) => {
                for c in t.rows.iter().flat_map(|r| &r.cells) {
                    if let ViewCell::Amount(m) = c {
                        *wanted.entry(m.display(t.unit, false)).or_default() += 1;
                    }
                }
            }
            Block::Heading { level: 2, .. } => projects += 1,
            _ => {}
        }
    }
    assert_eq!(projects, 14);
    for (v, n) in &wanted {
        assert!(found.get(v).copied().unwrap_or(0) >= *n, "{v} ×{n} missing");
    }
    // Merged cells of the indicator tables (一级指标 over several rows).
    let merged = merges(&mut book, "项目绩效自评");
    assert!(
        merged
            .iter()
            .any(|(a, b)| a.1 == 0 && b.1 == 0 && b.0 > a.0 + 5)
    );
}

/// Every chart of the document is a native Excel chart too, titled as the PDF's,
/// one series per series, whose values are the cells that hold the chart's
/// figures (so the chart shows exactly what the table above it prints).
#[test]
fn every_chart_is_a_native_chart_of_its_figures() {
    use std::io::Read;
    let doc = common::example();
    let charts: Vec<&juesuan_compose::Chart> = doc
        .parts
        .iter()
        .flat_map(|p| &p.blocks)
        .filter_map(|b| match b {
            Block::Chart(c) => Some(c.as_ref()),
            _ => None,
        })
        .collect();
    assert!(charts.len() >= 5, "{}", charts.len());
    let bytes = juesuan_xlsx::workbook(&doc).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
    let mut book: Book = Xlsx::new(Cursor::new(bytes)).unwrap();
    for (i, c) in charts.iter().enumerate() {
        let mut xml = String::new();
        zip.by_name(&format!("xl/charts/chart{}.xml", i + 1))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        assert!(
            xml.contains(&c.title),
            "chart {}: no title {}",
            i + 1,
            c.title
        );
        let kind = if c.kind == juesuan_compose::ChartKind::Pie {
            "<c:pieChart>"
        } else {
            "<c:barChart>"
        };
        assert!(xml.contains(kind), "chart {}", i + 1);
        // Each series' values: a range of the sheet whose cells are the labels.
        let refs: Vec<&str> = xml
            .split("<c:val><c:numRef><c:f>")
            .skip(1)
            .map(|r| r.split("</c:f>").next().unwrap())
            .collect();
        assert_eq!(refs.len(), c.series.len(), "chart {}", i + 1);
        for (s, r) in c.series.iter().zip(refs) {
            let (sheet, range) = r.rsplit_once('!').unwrap();
            let sheet = sheet.trim_matches('\'');
            let cells: Vec<&str> = range.split(':').collect();
            let col =
                |a: &str| a.trim_start_matches('$').chars().next().unwrap() as u32 - 'A' as u32;
            let row =
                |a: &str| -> u32 { a.rsplit('$').next().unwrap().parse::<u32>().unwrap() - 1 };
            let data = book.worksheet_range(sheet).unwrap();
            for (k, label) in s.labels.iter().enumerate() {
                let at = (row(cells[0]) + k as u32, col(cells[0]));
                let v = data.get_value(at).unwrap();
                assert_eq!(format!("{:.2}", number(Some(v), r)), *label, "{r} #{k}");
            }
            assert_eq!(row(cells[1]) - row(cells[0]) + 1, s.labels.len() as u32);
        }
    }
}
