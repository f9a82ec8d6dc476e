//! The report as an Excel workbook (.xlsx), a pure function of the composed
//! [`Document`].
//!
//! Sheets, in order:
//!
//! - `目录`: report title, department, year, and a link to every sheet;
//! - one sheet per text part before the tables (`概况`);
//! - one sheet per numbered table (`公开01表` … `公开10表`) in the official
//!   layout: caption, table number, 部门/年度/单位 line, header rows and 栏次 with
//!   their spans as merged cells, the body, 注 and 说明; printed on A4 (landscape
//!   where the form is), one page wide, header rows repeated on every page;
//! - one sheet per later text part (`情况说明`, `名词解释`, `项目绩效自评`):
//!   headings and paragraphs one per row, charts as small tables of the figures
//!   they show with a native Excel chart of them below (the same figures as the
//!   PDF's), tables inside the text as printed, page breaks where the
//!   document has them.
//!
//! Figures are Excel numbers, exactly the printed decimals: amounts (integer fen,
//! `juesuan_model::Money`) go through their exact decimal string, parsed into the
//! double Excel stores, with no float arithmetic anywhere (see `table::decimal`).
//! Codes stay text. The output is deterministic: the creation date is fixed (1
//! January of the year after the report year), so the same document always
//! gives the same bytes.

pub mod form;
mod grid;
mod style;
mod table;
mod text;

use juesuan_compose::{Block, Document, TableView};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, FormatAlign, Url, Workbook, Worksheet};
use std::collections::BTreeSet;

/// Why a workbook could not be made. Display is a Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    /// A sheet could not be laid out (an Excel limit was exceeded, …).
    #[error("无法生成 Excel 工作表“{sheet}”：{message}")]
    Sheet {
        /// Sheet name.
        sheet: String,
        /// What went wrong.
        message: String,
    },
    /// A figure could not be written as an Excel number.
    #[error("工作表“{sheet}”中的数值“{text}”无法写成 Excel 数字")]
    Number {
        /// Sheet name.
        sheet: String,
        /// The figure as printed.
        text: String,
    },
    /// The workbook could not be assembled.
    #[error("无法生成 Excel 工作簿：{message}")]
    Workbook {
        /// What went wrong.
        message: String,
    },
}

/// An internal failure, before it is attributed to a sheet.
#[derive(Debug)]
pub(crate) enum Fault {
    /// The writer refused.
    Writer(rust_xlsxwriter::XlsxError),
    /// A figure's decimal string did not parse (cannot happen for figures
    /// displayed by `juesuan_model`).
    Number(String),
}

impl From<rust_xlsxwriter::XlsxError> for Fault {
    fn from(e: rust_xlsxwriter::XlsxError) -> Fault {
        Fault::Writer(e)
    }
}

/// The writer's error in Chinese where it is one a report can run into.
fn writer_message(e: &rust_xlsxwriter::XlsxError) -> String {
    use rust_xlsxwriter::XlsxError as E;
    match e {
        E::RowColumnLimitError => "超出 Excel 的行列上限（1,048,576 行、16,384 列）".to_string(),
        E::MaxStringLengthExceeded => "单元格文字超过 Excel 的上限（32,767 个字符）".to_string(),
        E::MergeRangeOverlaps(a, b) => format!("合并单元格 {a} 与 {b} 重叠"),
        other => format!("Excel 写入出错（{other}）"),
    }
}

impl Fault {
    fn in_sheet(self, sheet: &str) -> XlsxError {
        match self {
            Fault::Writer(e) => XlsxError::Sheet {
                sheet: sheet.to_string(),
                message: writer_message(&e),
            },
            Fault::Number(text) => XlsxError::Number {
                sheet: sheet.to_string(),
                text,
            },
        }
    }
}

/// A column index as Excel's column number.
pub(crate) fn col_num(col: u32) -> Result<u16, Fault> {
    u16::try_from(col).map_err(|_| Fault::Writer(rust_xlsxwriter::XlsxError::RowColumnLimitError))
}

/// Print setup shared by every sheet: A4, one page wide (as many pages tall as
/// needed), centred horizontally, page numbers in the footer.
pub(crate) fn print_setup(ws: &mut Worksheet, landscape: bool) {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
    ws.set_footer("&C第 &P 页，共 &N 页");
}

/// What a sheet shows.
enum Content<'a> {
    /// A numbered table.
    Table(&'a TableView),
    /// A part's text (title, blocks).
    Text(&'a str, Vec<&'a Block>),
}

struct Sheet<'a> {
    name: String,
    /// What the contents sheet says it is.
    description: String,
    content: Content<'a>,
}

/// The sheet name of a text part.
fn part_sheet_name(id: &str, title: &str) -> String {
    match id {
        "overview" => "概况".to_string(),
        "narrative" => "情况说明".to_string(),
        "glossary" => "名词解释".to_string(),
        "attachments" => "项目绩效自评".to_string(),
        "tables" => "决算表".to_string(),
        // `第六部分 其他` → `其他`.
        _ => title
            .split_once(char::is_whitespace)
            .map_or(title, |(_, rest)| rest.trim())
            .to_string(),
    }
}

/// A valid, unused sheet name from `wanted`: characters Excel forbids replaced,
/// at most 31 characters, `（2）`, `（3）` … appended on a clash (Excel compares
/// names case-insensitively).
fn unique_name(wanted: &str, used: &mut BTreeSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| match c {
            '*' | '?' | ':' | '[' | ']' | '\\' | '/' => '_',
            '\'' => '’',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let clean = clean.trim();
    let base = if clean.is_empty() { "表" } else { clean };
    let fit = |s: &str, room: usize| -> String {
        // Excel counts UTF-16 units.
        let mut out = String::new();
        let mut n = 0;
        for c in s.chars() {
            n += c.len_utf16();
            if n > room {
                break;
            }
            out.push(c);
        }
        out
    };
    let mut name = fit(base, 31);
    let mut k = 2_u32;
    while used.contains(&name.to_lowercase()) {
        let suffix = format!("（{k}）");
        name = format!("{}{suffix}", fit(base, 31 - suffix.encode_utf16().count()));
        k += 1;
    }
    used.insert(name.to_lowercase());
    name
}

/// The sheets of a document, in order (the contents sheet excluded).
fn plan<'a>(doc: &'a Document, used: &mut BTreeSet<String>) -> Vec<Sheet<'a>> {
    let mut sheets = Vec::new();
    for part in &doc.parts {
        let mut rest: Vec<&Block> = Vec::new();
        for b in &part.blocks {
            match b {
                Block::Table(t) if part.id == "tables" && !t.number.is_empty() => {
                    sheets.push(Sheet {
                        name: unique_name(&t.number, used),
                        description: t.title.clone(),
                        content: Content::Table(t),
                    });
                }
                _ => rest.push(b),
            }
        }
        let has_content = rest.iter().any(|b| !matches!(b, Block::PageBreak));
        if part.id != "tables" || has_content {
            sheets.push(Sheet {
                name: unique_name(&part_sheet_name(&part.id, &part.title), used),
                description: part.title.clone(),
                content: Content::Text(&part.title, rest),
            });
        }
    }
    sheets
}

/// The contents sheet: title, department, year, a linked list of the sheets.
fn contents(ws: &mut Worksheet, doc: &Document, sheets: &[Sheet<'_>]) -> Result<(), Fault> {
    ws.set_column_width(0, 6)?;
    ws.set_column_width(1, 16)?;
    ws.set_column_width(2, 60)?;
    ws.merge_range(0, 0, 0, 2, &doc.title, &style::heading(1))?;
    ws.set_row_height(0, 26)?;
    let line = style::line(FormatAlign::Left);
    ws.merge_range(1, 0, 1, 2, &format!("部门：{}", doc.department), &line)?;
    ws.merge_range(2, 0, 2, 2, &format!("年度：{}年度", doc.year), &line)?;
    let head = style::header(false);
    ws.write_string_with_format(4, 0, "序号", &head)?;
    ws.write_string_with_format(4, 1, "工作表", &head)?;
    ws.write_string_with_format(4, 2, "内容", &head)?;
    let number = style::body(style::Kind::Line, false);
    let link = style::link();
    let label = style::body(style::Kind::Label(0), false);
    for (row, (i, s)) in (5_u32..).zip((1_u32..).zip(sheets)) {
        ws.write_number_with_format(row, 0, f64::from(i), &number)?;
        let url = Url::new(format!("internal:'{}'!A1", s.name)).set_text(&s.name);
        ws.write_url_with_format(row, 1, url, &link)?;
        ws.write_string_with_format(row, 2, &s.description, &label)?;
    }
    print_setup(ws, false);
    Ok(())
}

/// Document properties with a fixed creation date, so builds are byte-identical.
fn properties(doc: &Document) -> Result<DocProperties, XlsxError> {
    let year = doc
        .year
        .checked_add(1)
        .and_then(|y| u16::try_from(y).ok())
        .filter(|y| (1900..=9999).contains(y))
        .unwrap_or(2000);
    let date = ExcelDateTime::from_ymd(year, 1, 1).map_err(|e| XlsxError::Workbook {
        message: writer_message(&e),
    })?;
    Ok(DocProperties::new()
        .set_title(&doc.title)
        .set_subject(format!("{}年度部门决算公开报告", doc.year))
        .set_author(&doc.department)
        .set_company(&doc.department)
        .set_creation_datetime(&date))
}

/// The report as .xlsx bytes. Deterministic: same document, same bytes.
pub fn workbook(doc: &juesuan_compose::Document) -> Result<Vec<u8>, XlsxError> {
    let mut used = BTreeSet::new();
    let toc_name = unique_name("目录", &mut used);
    let sheets = plan(doc, &mut used);
    let mut wb = Workbook::new();
    wb.set_properties(&properties(doc)?);

    let ws = wb.add_worksheet();
    ws.set_name(&toc_name)
        .map_err(Fault::from)
        .and_then(|ws| contents(ws, doc, &sheets))
        .map_err(|e| e.in_sheet(&toc_name))?;

    for s in &sheets {
        let ws = wb.add_worksheet();
        let done = ws
            .set_name(&s.name)
            .map_err(Fault::from)
            .and_then(|ws| match &s.content {
                Content::Table(t) => table::sheet(ws, t),
                Content::Text(title, blocks) => text::sheet(ws, title, blocks.as_slice()),
            });
        done.map_err(|e| e.in_sheet(&s.name))?;
    }
    wb.save_to_buffer().map_err(|e| XlsxError::Workbook {
        message: writer_message(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(unique_name("公开01表", &mut used), "公开01表");
        assert_eq!(unique_name("公开01表", &mut used), "公开01表（2）");
        assert_eq!(unique_name("a/b:c", &mut used), "a_b_c");
        assert_eq!(unique_name("A_B_C", &mut used), "A_B_C（2）");
        assert_eq!(unique_name("  ", &mut used), "表");
        let long = "一".repeat(40);
        let name = unique_name(&long, &mut used);
        assert_eq!(name.chars().count(), 31);
        let again = unique_name(&long, &mut used);
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with("（2）"));
    }

    #[test]
    fn part_names() {
        assert_eq!(part_sheet_name("overview", "第一部分 概况"), "概况");
        assert_eq!(
            part_sheet_name("attachments", "第五部分 附件"),
            "项目绩效自评"
        );
        assert_eq!(part_sheet_name("x", "第六部分 其他事项"), "其他事项");
    }
}
