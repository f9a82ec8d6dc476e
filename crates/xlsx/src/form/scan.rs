//! A pre-scan of the workbook's XML before calamine reads it, for what calamine
//! does silently: a cell reference beyond Excel's grid (its parser wraps
//! around: `D99999999999` became `A1215752191`), a shared-string index that
//! does not exist (read as string 0), a `<v>` value written as CDATA or with
//! entities (read as empty, or cut at the first entity), an entity no XML
//! defines (the whole file refused, naming no cell).
//!
//! Each worksheet part is streamed once through quick-xml (the version and
//! reader settings calamine uses), in time linear in its size and memory
//! bounded by its largest element; the parts' sizes were already bounded by
//! the container checks. What it finds is a list of [`Problem`]s naming sheet
//! and cell, and the values of the cells calamine would misread ([`Scan`]),
//! which the importer puts in place of calamine's.

use super::cell::{Value, cell_name};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Cursor, Read};

/// Excel's last row (1-based), `1048576`.
const MAX_ROW: u32 = 1_048_576;
/// Excel's last column (1-based), `XFD`.
const MAX_COL: u32 = 16_384;
/// Problems reported at most: a damaged file says enough with these.
const MAX_PROBLEMS: usize = 50;

/// Something wrong in the workbook's XML, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The worksheet, when the problem is in one.
    pub sheet: Option<String>,
    /// The cell (`D12`), when known.
    pub cell: Option<String>,
    /// A Chinese message.
    pub message: String,
}

/// A cell value to put in place of calamine's: zero-based (row, column), the
/// value, and whether the cell has a formula.
pub(crate) type Fix = ((u32, u32), Value, bool);

/// What the scan found: cell values calamine would misread, by sheet name
/// and zero-based (row, column), with whether the cell has a formula.
#[derive(Debug, Default)]
pub(crate) struct Scan {
    pub fixes: BTreeMap<String, Vec<Fix>>,
}

const DAMAGED: &str = "文件已损坏：请用 Excel / WPS 打开并重新保存，或使用备份";

/// The zip part named `name`, compared as calamine does (exactly, else
/// ignoring case and a leading `/`).
fn part_index<R: Read + std::io::Seek>(zip: &zip::ZipArchive<R>, name: &str) -> Option<usize> {
    let name = name.strip_prefix('/').unwrap_or(name);
    if let Some(i) = zip.index_for_name(name) {
        return Some(i);
    }
    let want = name.to_lowercase();
    let found = zip
        .file_names()
        .flatten()
        .find(|n| n.to_lowercase() == want)?
        .into_owned();
    zip.index_for_name(&found)
}

/// A reader with calamine's settings over a part.
fn xml_reader<B: BufRead>(src: B) -> Reader<B> {
    let mut r = Reader::from_reader(src);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// An attribute's raw value by local name.
fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
}

/// The attributes (by local name) of every element named `local` in a small
/// part (workbook, relationships): they are read whole, capped at 20 MB.
fn elements(bytes: &[u8], local: &str) -> Vec<Vec<(String, String)>> {
    let mut r = xml_reader(bytes);
    let mut buf = Vec::new();
    let mut out = Vec::new();
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == local => {
                out.push(
                    e.attributes()
                        .with_checks(false)
                        .flatten()
                        .map(|a| {
                            (
                                a.key.local_name().as_ref().to_string(),
                                a.value.into_owned(),
                            )
                        })
                        .collect(),
                );
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Reads a small part whole (at most 20 MB).
fn read_small<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Option<Vec<u8>> {
    let i = part_index(zip, name)?;
    let f = zip.by_index(i).ok()?;
    let mut out = Vec::new();
    f.take(20 << 20).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The worksheets: (sheet name, part path), found as calamine finds them
/// (`_rels/.rels` → workbook → its relationships); the shared-strings part.
/// Empty when the structure is not there: calamine then says what is missing.
fn sheet_parts<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
) -> (Vec<(String, String)>, String) {
    let root = read_small(zip, "_rels/.rels")
        .map(|b| elements(&b, "Relationship"))
        .unwrap_or_default();
    let target = root
        .iter()
        .find(|a| get(a, "Type").is_some_and(|t| t.ends_with("/relationships/officeDocument")))
        .and_then(|a| get(a, "Target"))
        .unwrap_or("xl/workbook.xml")
        .to_string();
    let (dir, name) = match target.rfind('/') {
        Some(i) => (
            target.chars().take(i + 1).collect::<String>(),
            target.chars().skip(i + 1).collect::<String>(),
        ),
        None => (String::new(), target.clone()),
    };
    let dir = dir.strip_prefix('/').unwrap_or(&dir).to_string();
    let strings = format!("{dir}sharedStrings.xml");
    let rels: BTreeMap<String, String> = read_small(zip, &format!("{dir}_rels/{name}.rels"))
        .map(|b| elements(&b, "Relationship"))
        .unwrap_or_default()
        .iter()
        .filter(|a| get(a, "Type").is_some_and(|t| t.ends_with("/worksheet")))
        .filter_map(|a| Some((get(a, "Id")?.to_string(), get(a, "Target")?.to_string())))
        .collect();
    let sheets = read_small(zip, &format!("{dir}{name}"))
        .map(|b| elements(&b, "sheet"))
        .unwrap_or_default()
        .iter()
        .filter_map(|a| {
            let sheet = unescape_attr(get(a, "name")?);
            let target = rels.get(get(a, "id")?)?;
            let path = match target.strip_prefix('/') {
                Some(abs) => abs.to_string(),
                None => format!("{dir}{target}"),
            };
            Some((sheet, path))
        })
        .collect();
    (sheets, strings)
}

/// An attribute value with its predefined entities and character references
/// resolved (a sheet name such as `R&amp;D`).
fn unescape_attr(raw: &str) -> String {
    quick_xml::escape::unescape(raw).map_or_else(|_| raw.to_string(), |s| s.into_owned())
}

/// Why a reference is not a cell of Excel's grid.
#[derive(Debug, PartialEq, Eq)]
enum RefError {
    /// Not letters then digits.
    Malformed,
    /// A column past `XFD` or a row past 1048576.
    Beyond,
}

/// Zero-based (row, column) of an `A1` reference within Excel's grid.
fn cell_ref(r: &str) -> Result<(u32, u32), RefError> {
    let letters: Vec<u8> = r.bytes().take_while(u8::is_ascii_alphabetic).collect();
    let digits = r.get(letters.len()..).ok_or(RefError::Malformed)?;
    if letters.is_empty() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RefError::Malformed);
    }
    if letters.len() > 3 {
        return Err(RefError::Beyond);
    }
    let col = letters.iter().fold(0_u32, |c, l| {
        c * 26 + u32::from(l.to_ascii_uppercase() - b'A') + 1
    });
    let row = row_number(digits)?;
    if col > MAX_COL {
        return Err(RefError::Beyond);
    }
    Ok((row, col - 1))
}

/// Zero-based row of a 1-based row number within Excel's grid.
fn row_number(digits: &str) -> Result<u32, RefError> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RefError::Malformed);
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Err(RefError::Malformed);
    }
    if digits.len() > 7 {
        return Err(RefError::Beyond);
    }
    let row: u32 = digits.parse().map_err(|_| RefError::Malformed)?;
    if row > MAX_ROW {
        return Err(RefError::Beyond);
    }
    Ok(row - 1)
}

/// A range (`A1` or `A1:C3`) within Excel's grid, first corner first.
fn range_ok(r: &str) -> Result<(), RefError> {
    let mut parts = r.split(':');
    let a = cell_ref(parts.next().unwrap_or(""))?;
    let b = match parts.next() {
        Some(p) => cell_ref(p)?,
        None => a,
    };
    if parts.next().is_some() || b.0 < a.0 || b.1 < a.1 {
        return Err(RefError::Malformed);
    }
    Ok(())
}

/// Collects problems, at most [`MAX_PROBLEMS`].
#[derive(Default)]
struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    fn push(&mut self, sheet: Option<&str>, cell: Option<String>, message: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem {
                sheet: sheet.map(str::to_string),
                cell,
                message,
            });
        }
    }

    fn full(&self) -> bool {
        self.list.len() >= MAX_PROBLEMS
    }
}

/// The text an entity stands for: the five XML entities and character
/// references; `Err` with the message for anything else.
fn entity(r: &BytesRef<'_>) -> Result<String, String> {
    let name: &str = r;
    if let Some(s) = quick_xml::escape::resolve_xml_entity(name) {
        return Ok(s.to_string());
    }
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(c.to_string()),
        Ok(None) => Err(format!(
            "未知的 XML 实体 &{name};（XML 只定义 &lt; &gt; &amp; &apos; &quot; 和字符引用），{DAMAGED}"
        )),
        Err(_) => Err(format!("无效的字符引用 &{name};，{DAMAGED}")),
    }
}

/// The number of shared strings (`<si>` items); an unknown entity in them is a
/// problem. `None` when the workbook has no shared-strings part.
fn shared_strings<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    path: &str,
    problems: &mut Problems,
) -> Option<usize> {
    let i = part_index(zip, path)?;
    let f = zip.by_index(i).ok()?;
    let mut r = xml_reader(BufReader::new(f));
    let mut buf = Vec::new();
    let mut n = 0_usize;
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => n += 1,
            Ok(Event::GeneralRef(e)) => {
                if let Err(m) = entity(&e) {
                    problems.push(None, None, format!("共享字符串表第 {n} 项：{m}"));
                    return Some(n);
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => {
                problems.push(
                    None,
                    None,
                    format!("共享字符串表 XML 格式错误（{e}），{DAMAGED}"),
                );
                break;
            }
            _ => {}
        }
    }
    Some(n)
}

/// The cell being read.
struct CellState {
    pos: (u32, u32),
    typ: Option<String>,
    formula: bool,
    /// The `<v>` text, decoded.
    value: String,
    in_v: bool,
    /// The `<v>` held CDATA or an entity: calamine misreads it.
    odd: bool,
    /// A problem was reported for this cell already.
    bad: bool,
}

/// What calamine's reader would have made of a `<v>` it could read, from the
/// decoded text: the same rules (`n` and untyped numbers, `b`, `e`, `str`, `d`).
fn value_of(typ: Option<&str>, v: &str) -> Result<Value, String> {
    Ok(match typ {
        Some("b") => match v.trim() {
            "" => Value::Empty,
            "0" | "false" | "FALSE" => Value::Bool(false),
            "1" | "true" | "TRUE" => Value::Bool(true),
            other => return Err(format!("逻辑值 “{other}” 无效，{DAMAGED}")),
        },
        Some("e") => Value::Error(v.trim().to_string()),
        Some("str") => Value::Text(v.to_string()),
        Some("d") => Value::Date,
        Some("inlineStr" | "is") => Value::Empty,
        Some("n") | None => {
            let t = v.trim();
            if t.is_empty() {
                Value::Empty
            } else {
                match t.parse::<f64>() {
                    Ok(n) => Value::Number(n),
                    Err(_) if typ.is_none() => Value::Text(v.to_string()),
                    Err(_) => return Err(format!("数值 “{t}” 无效，{DAMAGED}")),
                }
            }
        }
        Some(other) => return Err(format!("单元格类型 “{other}” 无效，{DAMAGED}")),
    })
}

/// Scans one worksheet part.
fn scan_sheet<B: BufRead>(
    src: B,
    sheet: &str,
    strings: Option<usize>,
    problems: &mut Problems,
    fixes: &mut Vec<Fix>,
) {
    let mut r = xml_reader(src);
    let mut buf = Vec::new();
    let mut in_data = false;
    let (mut row, mut col) = (0_u32, 0_u32);
    let mut cell: Option<CellState> = None;
    let here = |c: &CellState| Some(cell_name(c.pos.0, c.pos.1));
    let beyond = |what: &str, r: &str| {
        format!("{what} {r} 超出 Excel 的范围（最大为 XFD1048576），{DAMAGED}")
    };
    let malformed = |what: &str, r: &str| format!("{what} “{r}” 无效，{DAMAGED}");
    while !problems.full() {
        buf.clear();
        let ev = match r.read_event_into(&mut buf) {
            Ok(ev) => ev,
            Err(e) => {
                let at = cell.as_ref().and_then(here);
                problems.push(Some(sheet), at, format!("XML 格式错误（{e}），{DAMAGED}"));
                return;
            }
        };
        match ev {
            Event::Eof => return,
            Event::Start(e) => {
                match e.local_name().as_ref() {
                    "sheetData" => in_data = true,
                    "dimension" | "mergeCell" => {
                        let what = if e.local_name().as_ref() == "mergeCell" {
                            "合并单元格范围"
                        } else {
                            "工作表范围"
                        };
                        if let Some(rf) = attr(&e, "ref") {
                            match range_ok(&rf) {
                                Ok(()) => {}
                                Err(RefError::Beyond) => {
                                    problems.push(Some(sheet), None, beyond(what, &rf))
                                }
                                Err(RefError::Malformed) => {
                                    problems.push(Some(sheet), None, malformed(what, &rf));
                                }
                            }
                        }
                    }
                    "row" if in_data && cell.is_none() => {
                        if let Some(rr) = attr(&e, "r") {
                            match row_number(&rr) {
                                Ok(n) => row = n,
                                Err(RefError::Beyond) => {
                                    problems.push(Some(sheet), None, beyond("行号", &rr));
                                    return;
                                }
                                Err(RefError::Malformed) => {
                                    problems.push(Some(sheet), None, malformed("行号", &rr));
                                    return;
                                }
                            }
                        }
                    }
                    "c" if in_data && cell.is_none() => {
                        let pos = match attr(&e, "r") {
                            Some(rf) => match cell_ref(&rf) {
                                Ok(p) => p,
                                Err(RefError::Beyond) => {
                                    problems.push(Some(sheet), None, beyond("单元格引用", &rf));
                                    return;
                                }
                                Err(RefError::Malformed) => {
                                    problems.push(Some(sheet), None, malformed("单元格引用", &rf));
                                    return;
                                }
                            },
                            None => (row, col),
                        };
                        if pos.0 >= MAX_ROW || pos.1 >= MAX_COL {
                            problems.push(
                            Some(sheet),
                            None,
                            format!("第 {} 行的单元格超出 Excel 的范围（最大为 XFD1048576），{DAMAGED}", pos.0.saturating_add(1)),
                        );
                            return;
                        }
                        col = pos.1;
                        cell = Some(CellState {
                            pos,
                            typ: attr(&e, "t"),
                            formula: false,
                            value: String::new(),
                            in_v: false,
                            odd: false,
                            bad: false,
                        });
                    }
                    "f" => {
                        if let Some(c) = cell.as_mut() {
                            c.formula = true;
                        }
                    }
                    "v" => {
                        if let Some(c) = cell.as_mut() {
                            c.in_v = true;
                            c.value.clear();
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_v) {
                    c.value.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(c) = cell.as_mut().filter(|c| c.in_v) {
                    c.value.push_str(&t.xml10_content());
                    c.odd = true;
                }
            }
            Event::GeneralRef(g) => match entity(&g) {
                Ok(s) => {
                    if let Some(c) = cell.as_mut().filter(|c| c.in_v) {
                        c.value.push_str(&s);
                        c.odd = true;
                    }
                }
                Err(m) => match cell.as_mut() {
                    Some(c) if !c.bad => {
                        c.bad = true;
                        let at = Some(cell_name(c.pos.0, c.pos.1));
                        problems.push(Some(sheet), at, m);
                    }
                    // Outside cells calamine does not read the text.
                    _ => {}
                },
            },
            Event::End(e) => match e.local_name().as_ref() {
                "sheetData" => in_data = false,
                "row" if in_data && cell.is_none() => {
                    row = row.saturating_add(1);
                    col = 0;
                }
                "v" => {
                    if let Some(c) = cell.as_mut() {
                        c.in_v = false;
                    }
                }
                "c" => {
                    if let Some(c) = cell.take() {
                        end_cell(c, sheet, strings, problems, fixes);
                        col = col.saturating_add(1);
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
}

/// Checks a finished cell: its shared-string index, and a value calamine
/// would misread.
fn end_cell(
    c: CellState,
    sheet: &str,
    strings: Option<usize>,
    problems: &mut Problems,
    fixes: &mut Vec<Fix>,
) {
    if c.bad {
        return;
    }
    let at = Some(cell_name(c.pos.0, c.pos.1));
    if c.typ.as_deref() == Some("s") {
        let t = c.value.trim();
        if t.is_empty() {
            return;
        }
        let n = strings.unwrap_or(0);
        match t.parse::<u64>() {
            Ok(i) if usize::try_from(i).is_ok_and(|i| i < n) => {
                // A valid index, but written with CDATA or entities, which
                // calamine reads as no index at all: refused as damaged.
                if c.odd {
                    problems.push(
                        Some(sheet),
                        at,
                        format!("共享字符串索引写法异常（CDATA 或实体），{DAMAGED}"),
                    );
                }
            }
            Ok(i) => problems.push(
                Some(sheet),
                at,
                format!("共享字符串索引 {i} 不存在（共享字符串表共有 {n} 项），文件已损坏：请用 Excel / WPS 打开并重新保存，或使用备份"),
            ),
            Err(_) if t.bytes().all(|b| b.is_ascii_digit()) => problems.push(
                Some(sheet),
                at,
                format!("共享字符串索引 {t} 不存在（共享字符串表共有 {n} 项），文件已损坏：请用 Excel / WPS 打开并重新保存，或使用备份"),
            ),
            Err(_) => problems.push(
                Some(sheet),
                at,
                format!("共享字符串索引 “{t}” 无效，文件已损坏：请用 Excel / WPS 打开并重新保存，或使用备份"),
            ),
        }
        return;
    }
    if c.odd {
        match value_of(c.typ.as_deref(), &c.value) {
            Ok(v) => fixes.push((c.pos, v, c.formula)),
            Err(m) => problems.push(Some(sheet), at, m),
        }
    }
}

/// Scans every worksheet of a container that passed the container checks.
pub(crate) fn scan(bytes: &[u8]) -> Result<Scan, Vec<Problem>> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Scan::default());
    };
    let (sheets, strings_path) = sheet_parts(&mut zip);
    let mut problems = Problems::default();
    let strings = shared_strings(&mut zip, &strings_path, &mut problems);
    let mut out = Scan::default();
    for (name, path) in sheets {
        if problems.full() {
            break;
        }
        let Some(i) = part_index(&zip, &path) else {
            continue;
        };
        let Ok(f) = zip.by_index(i) else { continue };
        let mut fixes = Vec::new();
        scan_sheet(BufReader::new(f), &name, strings, &mut problems, &mut fixes);
        if !fixes.is_empty() {
            out.fixes.insert(name, fixes);
        }
    }
    if problems.list.is_empty() {
        Ok(out)
    } else {
        Err(problems.list)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn references_within_excel_only() {
        assert_eq!(cell_ref("A1"), Ok((0, 0)));
        assert_eq!(cell_ref("d12"), Ok((11, 3)));
        assert_eq!(cell_ref("XFD1048576"), Ok((1_048_575, 16_383)));
        assert_eq!(cell_ref("XFE1"), Err(RefError::Beyond));
        assert_eq!(cell_ref("A1048577"), Err(RefError::Beyond));
        assert_eq!(cell_ref("D99999999999"), Err(RefError::Beyond));
        assert_eq!(cell_ref("ZZZZZZZZZZZZZZZZ1"), Err(RefError::Beyond));
        assert_eq!(cell_ref("A0"), Err(RefError::Malformed));
        assert_eq!(cell_ref("12"), Err(RefError::Malformed));
        assert_eq!(cell_ref("A"), Err(RefError::Malformed));
        assert_eq!(cell_ref("A1B"), Err(RefError::Malformed));
        assert_eq!(cell_ref("公1"), Err(RefError::Malformed));
        assert_eq!(cell_ref(""), Err(RefError::Malformed));
        assert_eq!(range_ok("A1:C3"), Ok(()));
        assert_eq!(range_ok("C3:A1"), Err(RefError::Malformed));
        assert_eq!(range_ok("A1:XFD99999999"), Err(RefError::Beyond));
    }

    fn sheet(xml: &str, strings: Option<usize>) -> (Vec<Problem>, Vec<Fix>) {
        let mut p = Problems::default();
        let mut fixes = Vec::new();
        scan_sheet(xml.as_bytes(), "S", strings, &mut p, &mut fixes);
        (p.list, fixes)
    }

    fn wrap(cells: &str) -> String {
        format!("<worksheet><sheetData><row r=\"1\">{cells}</row></sheetData></worksheet>")
    }

    #[test]
    fn odd_values_are_read_as_written() {
        let (p, f) = sheet(
            &wrap(
                "<c r=\"B1\"><v><![CDATA[12.5]]></v></c><c r=\"C1\"><v>1&#48;</v></c><c><v>7</v></c>",
            ),
            None,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            f,
            vec![
                ((0, 1), Value::Number(12.5), false),
                ((0, 2), Value::Number(10.0), false)
            ]
        );
        let (p, f) = sheet(
            &wrap("<c r=\"A1\" t=\"str\"><f>A2</f><v><![CDATA[a<b]]></v></c>"),
            None,
        );
        assert!(p.is_empty());
        assert_eq!(f, vec![((0, 0), Value::Text("a<b".into()), true)]);
    }

    #[test]
    fn unknown_entities_and_bad_indexes_name_the_cell() {
        let (p, _) = sheet(
            &wrap("<c r=\"D1\" t=\"inlineStr\"><is><t>a&foo;</t></is></c>"),
            Some(3),
        );
        assert_eq!(p[0].cell.as_deref(), Some("D1"));
        assert!(p[0].message.contains("&foo;"), "{p:?}");
        let (p, _) = sheet(
            &wrap(
                "<c r=\"D1\" t=\"s\"><v>3</v></c><c r=\"E1\" t=\"s\"><v>-1</v></c><c r=\"F1\" t=\"s\"><v>2</v></c>",
            ),
            Some(3),
        );
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message.contains("共享字符串索引 3 不存在"));
        assert_eq!(p[1].cell.as_deref(), Some("E1"));
        assert!(p[1].message.contains("“-1” 无效"));
    }

    #[test]
    fn positions_follow_calamine() {
        // Cells without `r` continue from the last one; rows without `r` count on.
        let (p, f) = sheet(
            "<worksheet><sheetData><row r=\"3\"><c r=\"B3\"><v>1</v></c><c><v>&#50;</v></c></row><row><c><v>&#51;</v></c></row></sheetData></worksheet>",
            None,
        );
        assert!(p.is_empty());
        assert_eq!(
            f,
            vec![
                ((2, 2), Value::Number(2.0), false),
                ((3, 0), Value::Number(3.0), false)
            ]
        );
        let (p, _) = sheet(&wrap("<c r=\"D99999999999\"><v>1</v></c>"), None);
        assert!(
            p[0].message
                .contains("单元格引用 D99999999999 超出 Excel 的范围")
        );
        let (p, _) = sheet(
            "<worksheet><mergeCells><mergeCell ref=\"A1:B9999999\"/></mergeCells></worksheet>",
            None,
        );
        assert!(p[0].message.contains("合并单元格范围 A1:B9999999 超出"));
    }
}
