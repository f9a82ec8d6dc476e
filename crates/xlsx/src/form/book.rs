//! The workbook file: what kind of file it really is, whether it is safe to
//! open, and its cells. Anything that is not a readable .xlsx becomes one
//! Chinese message saying what the file is and what to do — a renamed .xls or
//! .csv, a password-protected or damaged file, an empty or oversized one.
//!
//! Limits keep a hostile or broken file from exhausting memory: the file size,
//! the unpacked size of the zip container, and the number of cells are capped;
//! cells are streamed into a sparse map (a sheet claiming `A1:XFD1048576` costs
//! nothing), never into a dense grid.

use super::cell::{Cell, Value};
use super::scan::{self, Problem};
use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxError};
use std::collections::BTreeMap;
use std::io::{Cursor, Read};

/// Largest workbook accepted: a department's form is well under 1 MB.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Largest total unpacked size of the zip container.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// Most cells with a value in the whole workbook.
pub const MAX_CELLS: usize = 1_000_000;
/// Most entries in the zip container.
const MAX_ENTRIES: usize = 10_000;

/// One worksheet: its cells with a value or formula, and merged ranges.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sheet {
    pub name: String,
    pub cells: BTreeMap<(u32, u32), Cell>,
    /// Merged ranges: first row, first column, last row, last column.
    pub merges: Vec<(u32, u32, u32, u32)>,
}

impl Sheet {
    /// The cell at a position (an empty one when absent).
    pub fn get(&self, row: u32, col: u32) -> &Cell {
        static EMPTY: Cell = Cell {
            value: Value::Empty,
            formula: false,
        };
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    /// The last row with a cell, if any.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.keys().map(|(r, _)| *r).max()
    }

    /// The rows from `start` on that have a cell, in order.
    pub fn rows_from(&self, start: u32) -> Vec<u32> {
        let mut rows: Vec<u32> = self
            .cells
            .range((start, 0)..)
            .map(|((r, _), _)| *r)
            .collect();
        rows.dedup();
        rows
    }

    /// The cells of a row, in column order.
    pub fn row(&self, row: u32) -> impl Iterator<Item = (u32, &Cell)> {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .map(|((_, c), cell)| (*c, cell))
    }

    /// The top-left cell of the merged range covering `(row, col)`.
    pub fn anchor(&self, row: u32, col: u32) -> (u32, u32) {
        self.merges
            .iter()
            .find(|m| m.0 <= row && row <= m.2 && m.1 <= col && col <= m.3)
            .map_or((row, col), |m| (m.0, m.1))
    }
}

/// A workbook: its worksheets in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Book {
    pub sheets: Vec<Sheet>,
}

fn mb(bytes: u64) -> String {
    let tenths = bytes.saturating_mul(10) / (1024 * 1024);
    format!("{}.{} MB", tenths / 10, tenths % 10)
}

fn too_unpacked(size: u64) -> String {
    format!(
        "工作簿解压后过大（{}，上限 {}）：决算公开工作簿通常不到 1 MB，请删去无关的工作表、图片后再试",
        mb(size),
        mb(MAX_UNPACKED_BYTES)
    )
}

/// The message for a file over [`MAX_FILE_BYTES`].
pub(crate) fn too_large(size: u64) -> String {
    format!(
        "文件过大（{}，上限 {}）：决算公开工作簿通常不到 1 MB，请删去无关的工作表、图片后再试",
        mb(size),
        mb(MAX_FILE_BYTES)
    )
}

/// What a file that is not an .xlsx zip is, as far as its first bytes tell.
fn not_a_zip(bytes: &[u8]) -> String {
    const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    if bytes.starts_with(CFB) {
        // Both old .xls files and password-protected .xlsx files are OLE
        // containers; an encrypted workbook has a stream named EncryptedPackage
        // (its directory entry holds the name in UTF-16LE). A byte search, not
        // a parse: nothing in a hostile container is followed.
        let name: Vec<u8> = "EncryptedPackage"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        return if bytes.windows(name.len()).any(|w| w == name.as_slice()) {
            encrypted()
        } else {
            "这是旧版 Excel 97-2003 工作簿（.xls）或其他 Office 文件，不是 .xlsx：请在 Excel / WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后再试".to_string()
        };
    }
    let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(512)])
        .trim_start_matches('\u{feff}')
        .trim_start()
        .to_lowercase();
    if head.starts_with("<?xml")
        || head.starts_with("<html")
        || head.starts_with("<table")
        || head.starts_with("<!doctype")
    {
        return "这是网页或 XML 格式的表格（一些软件导出的 .xls 实为此格式），不是 .xlsx：请在 Excel / WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后再试".to_string();
    }
    if head.starts_with("%pdf") {
        return "这是 PDF 文件，不是 Excel 工作簿".to_string();
    }
    let text_like = std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok()
        || bytes.iter().take(4096).all(|b| *b >= 0x09);
    if text_like
        && bytes
            .iter()
            .take(4096)
            .any(|b| matches!(b, b',' | b'\t' | b'\n'))
    {
        return "这是文本文件（CSV 等），不是 Excel 工作簿：请在 Excel / WPS 中打开，“另存为”Excel 工作簿（*.xlsx）后再试；或把 CSV 放进文本目录（见 docs/INPUT.md）".to_string();
    }
    "不是 Excel 工作簿（.xlsx）：无法识别文件内容".to_string()
}

fn encrypted() -> String {
    "工作簿设有打开密码（已加密），程序无法读取：请在 Excel 中“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码（WPS：文件 → 文档加密），保存后再试".to_string()
}

fn corrupt(detail: &str) -> String {
    format!(
        "文件已损坏，不是完整的 .xlsx 工作簿（{detail}）：请用 Excel / WPS 打开并重新保存，或使用备份"
    )
}

/// Checks the zip container before calamine opens it: complete, not too large
/// unpacked, and a spreadsheet (not a Word or OpenDocument file).
fn check_container(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(&e.to_string()))?;
    if zip.len() > MAX_ENTRIES {
        return Err(corrupt(&format!("压缩包中有 {} 个文件", zip.len())));
    }
    let mut unpacked: u64 = 0;
    let has = |name: &str| zip.index_for_name(name).is_some();
    let workbook = has("xl/workbook.xml");
    let ods = has("content.xml") && has("mimetype");
    let docx = has("word/document.xml");
    let pptx = has("ppt/presentation.xml");
    for i in 0..zip.len() {
        let f = zip.by_index_raw(i).map_err(|e| corrupt(&e.to_string()))?;
        if f.encrypted() {
            return Err(encrypted());
        }
        unpacked = unpacked.saturating_add(f.size());
    }
    if unpacked > MAX_UNPACKED_BYTES {
        return Err(too_unpacked(unpacked));
    }
    // The sizes are only what the container claims: unpack every part once,
    // never past its claimed size, so a part that unpacks larger (a zip bomb) or
    // fails its checksum is refused before the workbook is parsed.
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).map_err(|e| corrupt(&e.to_string()))?;
        let claimed = f.size();
        let n = std::io::copy(
            &mut (&mut f).take(claimed.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|e| corrupt(&e.to_string()))?;
        if n > claimed {
            return Err(corrupt("压缩包中的文件比声明的大"));
        }
    }
    if !workbook {
        return Err(if ods {
            "这是 OpenDocument 表格（.ods），不是 .xlsx：请“另存为”Excel 工作簿（*.xlsx）后再试"
                .to_string()
        } else if docx {
            "这是 Word 文档，不是 Excel 工作簿".to_string()
        } else if pptx {
            "这是 PowerPoint 文件，不是 Excel 工作簿".to_string()
        } else {
            corrupt("压缩包中没有 xl/workbook.xml")
        });
    }
    Ok(())
}

fn calamine_message(e: &XlsxError) -> String {
    match e {
        XlsxError::Password => encrypted(),
        XlsxError::Zip(z) => corrupt(&z.to_string()),
        XlsxError::Xml(x) => corrupt(&format!("XML 格式错误：{x}")),
        XlsxError::XmlEof(t) => corrupt(&format!("XML 不完整，缺少 </{t}>")),
        XlsxError::FileNotFound(f) => corrupt(&format!("缺少 {f}")),
        other => corrupt(&other.to_string()),
    }
}

fn value(v: DataRef<'_>) -> Value {
    match v {
        DataRef::Empty => Value::Empty,
        DataRef::String(s) => Value::Text(s),
        DataRef::SharedString(s) => Value::Text(s.to_string()),
        // An i64 as Excel shows it: through its decimal text, no arithmetic.
        DataRef::Int(i) => i
            .to_string()
            .parse::<f64>()
            .map_or(Value::Empty, Value::Number),
        DataRef::Float(f) => Value::Number(f),
        DataRef::Bool(b) => Value::Bool(b),
        DataRef::DateTime(_) | DataRef::DateTimeIso(_) | DataRef::DurationIso(_) => Value::Date,
        DataRef::Error(e) => Value::Error(e.to_string()),
    }
}

/// A problem with the whole file (no sheet, no cell).
fn whole(message: String) -> Vec<Problem> {
    vec![Problem {
        sheet: None,
        cell: None,
        message,
    }]
}

/// Opens a workbook from its bytes. `Err` is why it cannot be read at all:
/// one reason for the file, or the damaged cells the pre-scan found, each
/// naming its sheet and cell (the caller adds the file name).
pub(crate) fn open(bytes: &[u8]) -> Result<Book, Vec<Problem>> {
    let scanned = check(bytes).map_err(whole)?;
    let scanned = scanned?;
    let mut book = read(bytes).map_err(whole)?;
    // The values calamine misreads (CDATA, entities in `<v>`), as written.
    for sheet in &mut book.sheets {
        let Some(fixes) = scanned.fixes.get(&sheet.name) else {
            continue;
        };
        for (pos, value, formula) in fixes {
            match sheet.cells.get_mut(pos) {
                // A date is a number styled as one: calamine knew the style.
                Some(c) if c.value == Value::Date => {}
                Some(c) => c.value = value.clone(),
                None if *value != Value::Empty || *formula => {
                    sheet.cells.insert(
                        *pos,
                        Cell {
                            value: value.clone(),
                            formula: *formula,
                        },
                    );
                }
                None => {}
            }
        }
    }
    Ok(book)
}

/// The checks before anything is parsed, then the pre-scan of the XML.
fn check(bytes: &[u8]) -> Result<Result<scan::Scan, Vec<Problem>>, String> {
    if bytes.is_empty() {
        return Err("文件为空（0 字节）：不是 Excel 工作簿".to_string());
    }
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    if !bytes.starts_with(b"PK") {
        return Err(not_a_zip(bytes));
    }
    check_container(bytes)?;
    Ok(scan::scan(bytes))
}

/// The cells, through calamine.
fn read(bytes: &[u8]) -> Result<Book, String> {
    // calamine can panic on crafted XML (found by fuzzing: an arithmetic overflow in
    // its cell-reference parser; fuzz/). A workbook that makes it panic is a
    // damaged workbook: say so, never crash. The default hook is silenced for the
    // duration so that no panic text reaches the user.
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let read = std::panic::catch_unwind(|| read_cells(bytes));
    std::panic::set_hook(quiet);
    read.unwrap_or_else(|_| {
        Err(
            "文件已损坏：工作簿的内部结构无法解析（XML 中有无效内容）：请用 Excel / WPS 打开并重新保存，或使用备份"
                .to_string(),
        )
    })
}

/// The cells of every worksheet, through calamine.
fn read_cells(bytes: &[u8]) -> Result<Book, String> {
    let mut xlsx: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| calamine_message(&e))?;
    let sheets: Vec<String> = xlsx
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let mut book = Book::default();
    let mut total = 0_usize;
    for name in sheets {
        let mut sheet = Sheet {
            name: name.clone(),
            ..Sheet::default()
        };
        {
            let mut reader = xlsx
                .worksheet_cells_reader(&name)
                .map_err(|e| format!("工作表“{name}”无法读取：{}", calamine_message(&e)))?;
            loop {
                let rec = reader
                    .next_cell_with_formula_metadata()
                    .map_err(|e| format!("工作表“{name}”无法读取：{}", calamine_message(&e)))?;
                let Some(rec) = rec else { break };
                let formula = rec.formula.is_some();
                let v = value(rec.value);
                if v == Value::Empty && !formula {
                    continue;
                }
                total += 1;
                if total > MAX_CELLS {
                    return Err(format!(
                        "工作簿中有值的单元格超过 {MAX_CELLS} 个：决算公开工作簿不会这么大，请删去无关的内容后再试"
                    ));
                }
                sheet.cells.insert(rec.pos, Cell { value: v, formula });
            }
        }
        if let Ok(merges) = xlsx.merge_cells_by_sheet_name(&name) {
            sheet.merges = merges
                .iter()
                .take(100_000)
                .map(|d| {
                    (
                        d.start.0,
                        d.start.1,
                        d.end.0.max(d.start.0),
                        d.end.1.max(d.start.1),
                    )
                })
                .collect();
        }
        book.sheets.push(sheet);
    }
    Ok(book)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    /// The one message of a file that cannot be opened.
    fn err(bytes: &[u8]) -> String {
        open(bytes).unwrap_err().remove(0).message
    }

    #[test]
    fn files_that_are_not_workbooks_say_what_they_are() {
        assert!(err(b"").contains("文件为空"));
        assert!(err(b"a,b,c\n1,2,3\n").contains("CSV"));
        assert!(err(b"<html><table></table></html>").contains("网页"));
        assert!(err(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0]).contains(".xls"));
        assert!(err(b"PK\x03\x04garbage").contains("已损坏"));
        assert!(err(&[0_u8, 1, 2, 3, 255, 254]).contains("无法识别"));
    }

    #[test]
    fn sizes_read_as_megabytes() {
        assert_eq!(mb(50 * 1024 * 1024), "50.0 MB");
        assert_eq!(mb(1536 * 1024), "1.5 MB");
    }
}
