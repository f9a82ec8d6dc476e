#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::string_slice,
    reason = "test code: a failed unwrap is a failed test; XML is cut at ASCII delimiters found by `find`"
)]
//! The workbook form as input.
//!
//! - A bad-input corpus generated from the example's workbook (by editing its
//!   XML or its bytes — no binary fixtures): every malformed workbook exits 2
//!   with a message naming the sheet and cell, writes nothing, never panics.
//! - What people do in spreadsheets is tolerated: amounts as text, 万元, moved
//!   and blank rows, merged cells, full-width digits, a row for a new code.
//! - Round trip: text directory → workbook → text directory reads into the same
//!   report, and building from the directory or from its workbook gives the
//!   same bytes.

use juesuan_model::{Report, SourceRef};
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022")
}

/// The example as a workbook form.
fn example_xlsx() -> Vec<u8> {
    let (report, profile) = juesuan_ingest::read_text_dir(&example()).unwrap();
    juesuan_xlsx::form::form(&report, profile).unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn juesuan(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The report as JSON without where it came from.
fn semantic(r: &Report) -> serde_json::Value {
    let mut r = r.clone();
    r.meta.source = SourceRef::default();
    for s in &mut r.stated {
        s.source = SourceRef::default();
    }
    serde_json::to_value(&r).unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A new value for a cell.
enum New<'a> {
    Text(&'a str),
    Num(&'a str),
    Formula(&'a str, &'a str),
    Error(&'a str),
    Bool,
    Empty,
}

/// A workbook's zip entries, edited as text.
struct Book {
    entries: Vec<(String, Vec<u8>)>,
}

impl Book {
    fn open(bytes: &[u8]) -> Book {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut entries = Vec::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            entries.push((name, data));
        }
        Book { entries }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in &self.entries {
            out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    fn xml(&self, path: &str) -> String {
        let (_, d) = self.entries.iter().find(|(n, _)| n == path).unwrap();
        String::from_utf8(d.clone()).unwrap()
    }

    fn set_xml(&mut self, path: &str, s: String) {
        let e = self.entries.iter_mut().find(|(n, _)| n == path).unwrap();
        e.1 = s.into_bytes();
    }

    /// Replaces the first `from` in an entry (which must contain it).
    fn replace(&mut self, path: &str, from: &str, to: &str) {
        let s = self.xml(path);
        assert!(s.contains(from), "{path} lacks {from}");
        self.set_xml(path, s.replacen(from, to, 1));
    }

    /// The worksheet part of a sheet (sheets are written in workbook order).
    fn sheet(&self, name: &str) -> String {
        let wb = self.xml("xl/workbook.xml");
        let names: Vec<String> = wb
            .split("<sheet ")
            .skip(1)
            .map(|s| {
                let a = s.find("name=\"").unwrap() + 6;
                let b = a + s[a..].find('"').unwrap();
                unescape(&s[a..b])
            })
            .collect();
        let i = names.iter().position(|n| n == name).unwrap();
        format!("xl/worksheets/sheet{}.xml", i + 1)
    }

    fn shared(&self) -> Vec<String> {
        self.xml("xl/sharedStrings.xml")
            .split("<si>")
            .skip(1)
            .map(|s| {
                let a = s.find("<t").unwrap();
                let a = a + s[a..].find('>').unwrap() + 1;
                let b = s.find("</t>").unwrap();
                unescape(&s[a..b])
            })
            .collect()
    }

    /// The 1-based row of the first cell of `sheet` holding `text`.
    fn row_of(&self, sheet: &str, text: &str) -> u32 {
        let idx = self.shared().iter().position(|s| s == text).unwrap();
        let xml = self.xml(&self.sheet(sheet));
        let needle = format!("t=\"s\"><v>{idx}</v>");
        let at = xml
            .find(&needle)
            .unwrap_or_else(|| panic!("{text} not in {sheet}"));
        let c = xml[..at].rfind("<c r=\"").unwrap() + 6;
        let r: String = xml[c..]
            .chars()
            .skip_while(char::is_ascii_uppercase)
            .take_while(char::is_ascii_digit)
            .collect();
        r.parse().unwrap()
    }

    /// Sets a cell of a sheet (`D14`), keeping its style.
    fn set(&mut self, sheet: &str, cell: &str, new: New<'_>) {
        let path = self.sheet(sheet);
        let xml = self.xml(&path);
        let open = format!("<c r=\"{cell}\"");
        let body = |style: &str| match &new {
            New::Text(t) => format!(
                "<c r=\"{cell}\"{style} t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
                escape(t)
            ),
            New::Num(n) => format!("<c r=\"{cell}\"{style}><v>{n}</v></c>"),
            New::Formula(f, v) => {
                format!("<c r=\"{cell}\"{style}><f>{}</f><v>{v}</v></c>", escape(f))
            }
            New::Error(e) => format!("<c r=\"{cell}\"{style} t=\"e\"><f>1/0</f><v>{e}</v></c>"),
            New::Bool => format!("<c r=\"{cell}\"{style} t=\"b\"><v>1</v></c>"),
            New::Empty => format!("<c r=\"{cell}\"{style}/>"),
        };
        let out = match xml
            .find(&(open.clone() + " "))
            .or_else(|| xml.find(&(open.clone() + ">")))
        {
            Some(start) => {
                let tag_end = start + xml[start..].find('>').unwrap();
                let end = if xml.as_bytes()[tag_end - 1] == b'/' {
                    tag_end + 1
                } else {
                    start + xml[start..].find("</c>").unwrap() + 4
                };
                let tag = &xml[start..tag_end];
                let style = tag
                    .find(" s=\"")
                    .map(|i| {
                        let j = i + 4 + tag[i + 4..].find('"').unwrap();
                        tag[i..=j].to_string()
                    })
                    .unwrap_or_default();
                format!("{}{}{}", &xml[..start], body(&style), &xml[end..])
            }
            None => {
                let row: String = cell.chars().skip_while(char::is_ascii_uppercase).collect();
                let row_open = format!("<row r=\"{row}\"");
                match xml.find(&row_open) {
                    Some(r) => {
                        let end = r + xml[r..].find("</row>").unwrap();
                        format!("{}{}{}", &xml[..end], body(""), &xml[end..])
                    }
                    None => xml.replacen(
                        "</sheetData>",
                        &format!("<row r=\"{row}\">{}</row></sheetData>", body("")),
                        1,
                    ),
                }
            }
        };
        self.set_xml(&path, out);
    }

    /// Renames a sheet in the workbook.
    fn rename(&mut self, from: &str, to: &str) {
        self.replace(
            "xl/workbook.xml",
            &format!("name=\"{from}\""),
            &format!("name=\"{to}\""),
        );
    }

    /// Moves row `from` of a sheet to row `to` (which must be free).
    fn move_row(&mut self, sheet: &str, from: u32, to: u32) {
        let path = self.sheet(sheet);
        let xml = self.xml(&path);
        let open = format!("<row r=\"{from}\"");
        let start = xml.find(&open).unwrap();
        let end = start + xml[start..].find("</row>").unwrap() + 6;
        let mut row = xml[start..end].replacen(&open, &format!("<row r=\"{to}\""), 1);
        // Cell references: r="D12" → r="D90".
        let mut i = 0;
        while let Some(at) = row[i..].find("<c r=\"") {
            let a = i + at + 6;
            let letters = row[a..]
                .chars()
                .take_while(char::is_ascii_uppercase)
                .count();
            let b = a + letters;
            let digits = row[b..].chars().take_while(char::is_ascii_digit).count();
            row.replace_range(b..b + digits, &to.to_string());
            i = b;
        }
        let rest = format!("{}{}", &xml[..start], &xml[end..]);
        self.set_xml(
            &path,
            rest.replacen("</sheetData>", &format!("{row}</sheetData>"), 1),
        );
    }

    /// Adds a merged range to a sheet.
    fn merge(&mut self, sheet: &str, range: &str) {
        let path = self.sheet(sheet);
        let xml = self.xml(&path);
        let xml = if xml.contains("<mergeCells") {
            let i = xml.find("</mergeCells>").unwrap();
            format!("{}<mergeCell ref=\"{range}\"/>{}", &xml[..i], &xml[i..])
        } else {
            xml.replacen(
                "</sheetData>",
                &format!(
                    "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"{range}\"/></mergeCells>"
                ),
                1,
            )
        };
        self.set_xml(&path, xml);
    }
}

/// A minimal OLE compound file (the container of .xls files and of encrypted
/// .xlsx files) with streams of these names.
fn ole(streams: &[&str]) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let mut h = vec![0_u8; 512];
    h[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    h[24..26].copy_from_slice(&0x3E_u16.to_le_bytes());
    h[26..28].copy_from_slice(&3_u16.to_le_bytes());
    h[28..30].copy_from_slice(&0xFFFE_u16.to_le_bytes());
    h[30..32].copy_from_slice(&9_u16.to_le_bytes());
    h[32..34].copy_from_slice(&6_u16.to_le_bytes());
    h[44..48].copy_from_slice(&1_u32.to_le_bytes());
    h[48..52].copy_from_slice(&1_u32.to_le_bytes());
    h[56..60].copy_from_slice(&4096_u32.to_le_bytes());
    h[60..64].copy_from_slice(&END.to_le_bytes());
    h[68..72].copy_from_slice(&END.to_le_bytes());
    h[76..80].copy_from_slice(&0_u32.to_le_bytes());
    for i in 1..109 {
        h[76 + i * 4..80 + i * 4].copy_from_slice(&FREE.to_le_bytes());
    }
    let mut fat = vec![0xFF_u8; 512];
    fat[..4].copy_from_slice(&0xFFFF_FFFD_u32.to_le_bytes());
    fat[4..8].copy_from_slice(&END.to_le_bytes());
    let mut dir = vec![0_u8; 512];
    let entry = |d: &mut [u8], name: &str, kind: u8, child: u32, right: u32| {
        let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        d[..units.len()].copy_from_slice(&units);
        d[64..66].copy_from_slice(&u16::try_from(units.len() + 2).unwrap().to_le_bytes());
        d[66] = kind;
        d[68..72].copy_from_slice(&FREE.to_le_bytes());
        d[72..76].copy_from_slice(&right.to_le_bytes());
        d[76..80].copy_from_slice(&child.to_le_bytes());
        d[116..120].copy_from_slice(&END.to_le_bytes());
    };
    entry(&mut dir[..128], "Root Entry", 5, 1, FREE);
    for (i, s) in streams.iter().enumerate().take(3) {
        let next = if i + 1 < streams.len().min(3) {
            u32::try_from(i + 2).unwrap()
        } else {
            FREE
        };
        entry(&mut dir[128 * (i + 1)..128 * (i + 2)], s, 2, FREE, next);
    }
    [h, fat, dir].concat()
}

/// The workbook with one stored (uncompressed) entry of `size` bytes added.
fn with_entry(bytes: &[u8], name: &str, size: usize, stored: bool) -> Vec<u8> {
    let book = Book::open(bytes);
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (n, d) in &book.entries {
        out.start_file(n.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(d).unwrap();
    }
    let method = if stored {
        zip::CompressionMethod::Stored
    } else {
        zip::CompressionMethod::Deflated
    };
    out.start_file(
        name,
        zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .large_file(size > u32::MAX as usize / 2),
    )
    .unwrap();
    // Incompressible when stored (a pseudo-random sequence), zeros otherwise.
    let mut x: u32 = 12345;
    let chunk: Vec<u8> = (0..1 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            if stored { x.to_le_bytes()[0] } else { 0 }
        })
        .collect();
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        out.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    out.finish().unwrap().into_inner()
}

/// `check` and `build` both refuse `bytes` with exit 2, say every `expect`ed
/// phrase, write nothing and do not panic. Returns the first message if not.
fn refused(name: &str, bytes: &[u8], expect: &[String]) -> Option<String> {
    let t = tempfile::tempdir().unwrap();
    let input = t.path().join(name);
    std::fs::write(&input, bytes).unwrap();
    let input = input.to_str().unwrap();
    let check = juesuan(&["check", input]);
    let out = t.path().join("out");
    let build = juesuan(&["build", input, "-o", out.to_str().unwrap()]);
    let mut problems = Vec::new();
    for (what, r) in [("check", &check), ("build", &build)] {
        if r.code != 2 {
            problems.push(format!("{what} exit {} (stdout {})", r.code, r.stdout));
        }
        if r.stderr.contains("panicked") {
            problems.push(format!("{what} panicked"));
        }
        for e in expect {
            if !r.stderr.contains(e.as_str()) {
                problems.push(format!("{what} lacks {e:?}"));
            }
        }
    }
    if out.exists() {
        problems.push("build wrote output".to_string());
    }
    let entries: Vec<_> = std::fs::read_dir(t.path()).unwrap().collect();
    if entries.len() != 1 {
        problems.push("files were written beside the input".to_string());
    }
    (!problems.is_empty()).then(|| format!("{name}: {}\n{}", problems.join("; "), check.stderr))
}

fn s(x: &str) -> String {
    x.to_string()
}

/// A corpus of workbooks, each with what its messages must say.
type Corpus = Vec<(&'static str, Vec<u8>, Vec<String>)>;

fn run_corpus(corpus: Corpus) {
    let failures: Vec<String> = corpus
        .iter()
        .filter_map(|(name, bytes, expect)| refused(&format!("{name}.xlsx"), bytes, expect))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Files that are not a readable workbook at all.
#[test]
fn files_that_are_not_workbooks() {
    let good = example_xlsx();
    let mut truncated = good.clone();
    truncated.truncate(good.len() / 2);
    let mut docx = zip::ZipWriter::new(Cursor::new(Vec::new()));
    docx.start_file(
        "word/document.xml",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    docx.write_all(b"<w:document/>").unwrap();
    let docx = docx.finish().unwrap().into_inner();
    let mut no_workbook = Book::open(&good);
    no_workbook.entries.retain(|(n, _)| n != "xl/workbook.xml");
    let corpus: Corpus = vec![
        ("empty", Vec::new(), vec![s("文件为空")]),
        (
            "csv",
            std::fs::read(example().join("income.csv")).unwrap(),
            vec![s("CSV"), s("不是 Excel 工作簿")],
        ),
        (
            "xls",
            ole(&["Workbook", "SummaryInformation"]),
            vec![s("97-2003"), s(".xls")],
        ),
        (
            "password",
            ole(&["EncryptionInfo", "EncryptedPackage"]),
            vec![s("设有打开密码"), s("清除密码")],
        ),
        ("truncated", truncated, vec![s("文件已损坏")]),
        (
            "html",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(),
            vec![s("网页")],
        ),
        ("docx", docx, vec![s("Word 文档")]),
        (
            "no-workbook-part",
            no_workbook.bytes(),
            vec![s("没有 xl/workbook.xml")],
        ),
        (
            "random",
            (0..4096_u32)
                .map(|i| u8::try_from(i * 7919 % 251).unwrap())
                .collect(),
            vec![s("无法识别")],
        ),
        // 50 MB: refused before it is read.
        (
            "large",
            with_entry(&good, "xl/media/image1.png", 50 << 20, true),
            vec![s("文件过大"), s("上限 20.0 MB")],
        ),
        // A few hundred KB that unpack to 210 MB.
        (
            "bomb",
            with_entry(&good, "xl/media/zeros.bin", 210 << 20, false),
            vec![s("解压后过大")],
        ),
    ];
    run_corpus(corpus);
}

/// Sheets missing, renamed, or without their header.
#[test]
fn damaged_structure() {
    let good = example_xlsx();
    let edit = |f: &dyn Fn(&mut Book)| {
        let mut b = Book::open(&good);
        f(&mut b);
        b.bytes()
    };
    let corpus: Corpus = vec![
        // Found by fuzzing (fuzz/): a cell reference whose column overflows calamine's
        // parser made it panic; now a damaged workbook like any other.
        (
            "overflowing-cell-reference",
            edit(&|b| {
                let sheet = b
                    .entries
                    .iter_mut()
                    .find(|(n, _)| n == "xl/worksheets/sheet3.xml")
                    .unwrap();
                sheet.1 = br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="ZZZZZZZZZZZZZZZZ1" t="n"><v>1</v></c></row></sheetData></worksheet>"#.to_vec();
            }),
            vec![s("文件已损坏")],
        ),
        (
            "renamed-sheet",
            edit(&|b| b.rename("公开02表", "公开02表 (2)")),
            vec![s("缺少工作表“公开02表”"), s("是否应为 “公开02表 (2)”")],
        ),
        (
            "missing-info",
            edit(&|b| b.rename("基本信息", "基础信息")),
            vec![s("缺少工作表“基本信息”"), s("是否应为 “基础信息”")],
        ),
        (
            "missing-projects",
            edit(&|b| b.rename("绩效指标", "Sheet1")),
            vec![s("缺少工作表“绩效指标”")],
        ),
        (
            "no-header",
            edit(&|b| {
                let r = b.row_of("公开05表", "功能分类科目编码");
                b.set("公开05表", &format!("A{r}"), New::Empty);
            }),
            vec![s("公开05表"), s("找不到表头"), s("功能分类科目编码")],
        ),
        (
            "no-line-column",
            edit(&|b| {
                let r = b.row_of("公开01表", "行次");
                b.set("公开01表", &format!("B{r}"), New::Text("序号"));
            }),
            vec![s("公开01表"), s("“行次”列")],
        ),
        (
            "unknown-column",
            edit(&|b| {
                // Without its 栏次 row, 公开05表's columns are found by header.
                let r = b.row_of("公开05表", "栏次");
                b.set("公开05表", &format!("A{r}"), New::Empty);
                let h = b.row_of("公开05表", "基本支出");
                b.set("公开05表", &format!("D{h}"), New::Text("基本支岀"));
            }),
            vec![s("未知的列“基本支岀”"), s("是否应为 “基本支出”")],
        ),
        (
            "unknown-profile",
            edit(&|b| {
                let r = b.row_of("基本信息", "报告模板");
                b.set("基本信息", &format!("B{r}"), New::Text("shanxi-2099"));
            }),
            vec![s("基本信息!B"), s("未知的模板 “shanxi-2099”")],
        ),
        (
            "no-department",
            edit(&|b| {
                let r = b.row_of("基本信息", "部门名称");
                b.set("基本信息", &format!("B{r}"), New::Empty);
            }),
            vec![s("基本信息"), s("缺少“部门名称”")],
        ),
        (
            "year-not-a-number",
            edit(&|b| {
                let r = b.row_of("基本信息", "决算年度");
                b.set("基本信息", &format!("B{r}"), New::Text("二〇二二"));
            }),
            vec![s("基本信息!B"), s("“二〇二二” 不是数量")],
        ),
    ];
    run_corpus(corpus);
}

/// Cells whose values cannot be used.
#[test]
fn cells_that_cannot_be_used() {
    let good = example_xlsx();
    let b0 = Book::open(&good);
    let r02 = b0.row_of("公开02表", "2013801");
    let r05 = b0.row_of("公开05表", "2013801");
    let r06 = b0.row_of("公开06表", "30201");
    let r10 = b0.row_of("公开10表", "4.应急保障用车");
    let r05b = b0.row_of("公开05表", "2101101");
    let edit = |f: &dyn Fn(&mut Book)| {
        let mut b = Book::open(&good);
        f(&mut b);
        b.bytes()
    };
    let corpus: Corpus = vec![
        (
            "text-amount",
            edit(&|b| b.set("公开02表", &format!("D{r02}"), New::Text("1,2x3"))),
            vec![format!("公开02表!D{r02}：“1,2x3” 不是金额")],
        ),
        (
            "three-decimals",
            edit(&|b| b.set("公开02表", &format!("D{r02}"), New::Num("1234.565"))),
            vec![format!("公开02表!D{r02}："), s("超过两位小数")],
        ),
        (
            "three-decimals-text",
            edit(&|b| b.set("公开05表", &format!("D{r05}"), New::Text("80,550.123"))),
            vec![format!("公开05表!D{r05}："), s("超过两位小数")],
        ),
        (
            "bad-grouping",
            edit(&|b| b.set("公开05表", &format!("D{r05}"), New::Text("25,483,46.23"))),
            vec![format!("公开05表!D{r05}："), s("千分位")],
        ),
        (
            "ref-error",
            edit(&|b| b.set("公开06表", &format!("C{r06}"), New::Error("#REF!"))),
            vec![format!("公开06表!C{r06}："), s("#REF!")],
        ),
        (
            "error-in-derived-cell",
            edit(&|b| {
                let r = b.row_of("公开02表", "合计");
                b.set("公开02表", &format!("C{r}"), New::Error("#DIV/0!"));
            }),
            vec![s("公开02表!C"), s("#DIV/0!")],
        ),
        (
            "formula-without-result",
            edit(&|b| {
                b.set(
                    "公开02表",
                    &format!("D{r02}"),
                    New::Formula("1000+234.56", ""),
                )
            }),
            vec![format!("公开02表!D{r02}："), s("公式没有计算结果")],
        ),
        (
            "negative-vehicles",
            edit(&|b| b.set("公开10表", &format!("C{r10}"), New::Num("-5"))),
            vec![format!("公开10表!C{r10}："), s("数量不能为负数")],
        ),
        (
            "fractional-vehicles",
            edit(&|b| b.set("公开10表", &format!("C{r10}"), New::Num("5.5"))),
            vec![format!("公开10表!C{r10}："), s("数量应为整数")],
        ),
        (
            "bool-amount",
            edit(&|b| b.set("公开06表", &format!("D{r06}"), New::Bool)),
            vec![format!("公开06表!D{r06}："), s("逻辑值")],
        ),
        (
            "huge-amount",
            edit(&|b| b.set("公开06表", &format!("C{r06}"), New::Num("1E+20"))),
            vec![format!("公开06表!C{r06}："), s("超出可处理范围")],
        ),
        (
            "malformed-code",
            edit(&|b| b.set("公开05表", &format!("A{r05}"), New::Text("201380"))),
            vec![
                format!("公开05表!A{r05}："),
                s("“201380” 不是支出功能分类科目编码"),
            ],
        ),
        (
            "unknown-class",
            edit(&|b| b.set("公开05表", &format!("A{r05}"), New::Text("9990101"))),
            vec![format!("公开05表!A{r05}："), s("类 999 不是公开01表所列")],
        ),
        (
            "duplicate-code",
            edit(&|b| b.set("公开05表", &format!("A{r05b}"), New::Text("2013801"))),
            vec![
                format!("公开05表!A{r05b}："),
                s("科目 2013801 重复"),
                format!("公开05表!A{r05} 已有"),
            ],
        ),
        (
            "unknown-economic-code",
            edit(&|b| b.set("公开06表", &format!("A{r06}"), New::Text("30298"))),
            vec![format!("公开06表!A{r06}："), s("经济分类科目 30298 不在")],
        ),
        (
            "unknown-unit",
            edit(&|b| {
                b.replace(
                    "xl/sharedStrings.xml",
                    "<t>金额单位：元</t>",
                    "<t>金额单位：千元</t>",
                )
            }),
            vec![s("金额单位无法识别"), s("元、万元 或 亿元")],
        ),
        (
            "too-fine-in-wan",
            edit(&|b| {
                let r = b.row_of("公开06表", "金额单位：元");
                b.set("公开06表", &format!("D{r}"), New::Text("金额单位：万元"));
                b.set("公开06表", &format!("C{r06}"), New::Num("47.1234567"));
            }),
            vec![format!("公开06表!C{r06}："), s("万元 不是整分")],
        ),
        (
            "unknown-unit-kind",
            edit(&|b| {
                let r = b.row_of("基本信息", "行政单位");
                b.set("基本信息", &format!("C{r}"), New::Text("行政机关"));
            }),
            vec![s("基本信息!C"), s("“行政机关” 不是单位性质")],
        ),
        (
            "date-as-amount",
            edit(&|b| {
                // A number in a date format reads as a date.
                let styles = b.xml("xl/styles.xml");
                let count: usize = {
                    let a = styles.find("<cellXfs count=\"").unwrap() + 16;
                    styles[a..a + styles[a..].find('"').unwrap()]
                        .parse()
                        .unwrap()
                };
                let styles = styles.replacen(
                    "</cellXfs>",
                    "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>",
                    1,
                );
                let styles = styles.replacen(
                    &format!("<cellXfs count=\"{count}\""),
                    &format!("<cellXfs count=\"{}\"", count + 1),
                    1,
                );
                b.set_xml("xl/styles.xml", styles);
                let path = b.sheet("公开02表");
                let x = b.xml(&path);
                let cell = format!("<c r=\"D{r02}\" s=\"{count}\"><v>44927</v></c>");
                let start = x.find(&format!("<c r=\"D{r02}\"")).unwrap();
                let end = start + x[start..].find("</c>").unwrap() + 4;
                b.set_xml(&path, format!("{}{cell}{}", &x[..start], &x[end..]));
            }),
            vec![format!("公开02表!D{r02}："), s("日期")],
        ),
    ];
    run_corpus(corpus);
}

/// 情况说明 and project sheets.
#[test]
fn narrative_and_project_cells() {
    let good = example_xlsx();
    let b0 = Book::open(&good);
    let rtext = b0.row_of("情况说明数据", "reason.一");
    let rlist = b0.row_of("情况说明数据", "perf.summarized");
    let rind = b0.row_of("绩效指标", "授权专利数量");
    let edit = |f: &dyn Fn(&mut Book)| {
        let mut b = Book::open(&good);
        f(&mut b);
        b.bytes()
    };
    let corpus: Corpus = vec![
        (
            "unknown-narrative-id",
            edit(&|b| b.set("情况说明数据", &format!("A{rtext}"), New::Text("reasn.一"))),
            vec![
                format!("情况说明数据!A{rtext}："),
                s("[texts] 中没有 “reasn.一”"),
                s("是否应为 “reason.一”"),
            ],
        ),
        (
            "weight-not-a-number",
            edit(&|b| b.set("绩效指标", &format!("H{rind}"), New::Text("八"))),
            vec![format!("绩效指标!H{rind}："), s("“八” 不是分值")],
        ),
        (
            "negative-score",
            edit(&|b| b.set("绩效指标", &format!("I{rind}"), New::Num("-1"))),
            vec![format!("绩效指标!I{rind}："), s("不是分值")],
        ),
        (
            "indicator-without-level2",
            edit(&|b| b.set("绩效指标", &format!("C{rind}"), New::Empty)),
            vec![format!("绩效指标!C{rind}："), s("缺少二级指标")],
        ),
        (
            "indicator-of-unknown-project",
            edit(&|b| b.set("绩效指标", &format!("A{rind}"), New::Text("市场监督管理经"))),
            vec![
                format!("绩效指标!A{rind}："),
                s("不在“项目”表中"),
                s("是否应为 “市场监督管理经费”"),
            ],
        ),
        (
            "summary-of-unknown-project",
            edit(&|b| {
                b.set(
                    "情况说明数据",
                    &format!("C{rlist}"),
                    New::Text("市场监督管理费"),
                )
            }),
            vec![s("情况说明数据!C"), s("“市场监督管理费”不在“项目”表中")],
        ),
        (
            "unknown-text-field",
            edit(&|b| {
                let r = b.row_of("项目文字", "立项依据");
                b.set("项目文字", &format!("B{r}"), New::Text("立项根据"));
            }),
            vec![
                s("项目文字!B"),
                s("“立项根据” 不是项目自评报告的栏目"),
                s("是否应为 “立项依据”"),
            ],
        ),
        (
            "budget-without-amount",
            edit(&|b| {
                let r = b.row_of("项目资金", "市县区财政资金");
                b.set("项目资金", &format!("F{r}"), New::Empty);
            }),
            vec![s("项目资金!F"), s("缺少“全年执行数”")],
        ),
    ];
    run_corpus(corpus);
}

#[test]
fn all_errors_of_a_workbook_are_reported_at_once() {
    let mut b = Book::open(&example_xlsx());
    let r02 = b.row_of("公开02表", "2013801");
    let r06 = b.row_of("公开06表", "30201");
    let rind = b.row_of("绩效指标", "授权专利数量");
    b.set("公开02表", &format!("D{r02}"), New::Text("1,2x3"));
    b.set("公开06表", &format!("C{r06}"), New::Error("#REF!"));
    b.set("绩效指标", &format!("H{rind}"), New::Text("八"));
    b.rename("公开09表", "公开9表");
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("x.xlsx");
    std::fs::write(&p, b.bytes()).unwrap();
    let r = juesuan(&["check", p.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for e in [
        format!("公开02表!D{r02}"),
        format!("公开06表!C{r06}"),
        format!("绩效指标!H{rind}"),
        s("缺少工作表“公开09表”"),
        s("4 处错误"),
    ] {
        assert!(r.stderr.contains(&e), "lacks {e}:\n{}", r.stderr);
    }
}

/// What people do in spreadsheets reads into the same report.
#[test]
fn what_people_do_in_spreadsheets_is_tolerated() {
    let good = example_xlsx();
    let (want, _) = juesuan_xlsx::form::read_workbook_bytes(&good, "x.xlsx").unwrap();
    let mut b = Book::open(&good);
    let r = |b: &Book, code: &str| b.row_of("公开02表", code);
    // Amounts as text: thousands separators, trailing spaces, full-width digits.
    let r1 = r(&b, "2013801");
    b.set("公开02表", &format!("D{r1}"), New::Text("25,483,460.23  "));
    let r2 = r(&b, "2013802");
    b.set(
        "公开02表",
        &format!("D{r2}"),
        New::Text("５８９２８８５．９０"),
    );
    // A code typed with spaces and full-width digits.
    let r3 = r(&b, "2013804");
    b.set("公开02表", &format!("A{r3}"), New::Text(" ２０１３８０４ "));
    // A row moved far down (a different order, blank rows between).
    let r4 = r(&b, "2210201");
    b.move_row("公开02表", r4, 90);
    // 万元 on 公开05表: every input amount stated in 万元.
    let r5 = b.row_of("公开05表", "2013801");
    b.set("公开05表", &format!("D{r5}"), New::Num("2548.346023"));
    let unit = b.row_of("公开05表", "金额单位：元");
    b.set("公开05表", &format!("E{unit}"), New::Text("金额单位：万元"));
    for code in [
        "2013299", "2013802", "2013804", "2013805", "2013815", "2013899", "2080505", "2080506",
        "2100799", "2101101", "2101103", "2101199", "2210201",
    ] {
        let row = b.row_of("公开05表", code);
        let sheet = b.sheet("公开05表");
        let x = b.xml(&sheet);
        for col in ["D", "E"] {
            let open = format!("<c r=\"{col}{row}\"");
            let Some(i) = x.find(&open) else { continue };
            let tail = &x[i..];
            if tail.find("/>").unwrap_or(usize::MAX) < tail.find('>').unwrap() + 1 {
                continue;
            }
            let v0 = tail.find("<v>").unwrap() + 3;
            let v1 = tail.find("</v>").unwrap();
            let v = &tail[v0..v1];
            // Shift the decimal point four places (元 → 万元), as text.
            let (int, frac) = v.split_once('.').unwrap_or((v, ""));
            let digits = format!("{int}{frac:0<2}");
            let digits = format!("{digits:0>7}");
            let (a, c) = digits.split_at(digits.len() - 6);
            let wan = format!("{}.{c}", a.trim_start_matches('0'));
            let wan = if wan.starts_with('.') {
                format!("0{wan}")
            } else {
                wan
            };
            b.set("公开05表", &format!("{col}{row}"), New::Text(&wan));
        }
    }
    // A merged range over a label and the cell beside it; a merged header.
    b.merge("基本信息", "A1:C1");
    // The sheet name typed with full-width digits.
    b.rename("公开06表", "公开０６表");
    let (got, _) = juesuan_xlsx::form::read_workbook_bytes(&b.bytes(), "x.xlsx")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(semantic(&want), semantic(&got));
    // And the tolerated workbook checks and builds.
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("x.xlsx");
    std::fs::write(&p, b.bytes()).unwrap();
    let r = juesuan(&["check", p.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// A spare row's 科目名称 follows the code chosen: the form looks it up in the
/// catalog, so a person picks a code and enters amounts, nothing more; the blank
/// name of an unused spare row is no name.
#[test]
fn a_spare_rows_name_is_looked_up_from_the_code() {
    let good = example_xlsx();
    let mut b = Book::open(&good);
    let last = b.row_of("公开02表", "2210201");
    let row = last + 3;
    b.set("公开02表", &format!("A{row}"), New::Text("2010505"));
    b.set("公开02表", &format!("D{row}"), New::Num("1000"));
    let (r, _) = juesuan_xlsx::form::read_workbook_bytes(&b.bytes(), "x.xlsx")
        .unwrap_or_else(|e| panic!("{e}"));
    let code = juesuan_model::FunctionalCode::parse("2010505").unwrap();
    assert!(r.facts.functional.contains_key(&code));
    assert!(
        !r.facts.functional_names.contains_key(&code),
        "the catalog's name"
    );
    // The name cell holds the lookup.
    let xml = unzip_sheet(&good, "公开02表");
    assert!(
        xml.contains(&format!("<c r=\"B{row}\"")) && xml.contains("VLOOKUP($A"),
        "no lookup in B{row}"
    );
}

#[test]
fn a_row_for_a_new_code_and_a_typed_total() {
    let good = example_xlsx();
    let mut b = Book::open(&good);
    // A new 项 in a spare row of 公开02表 and 公开05表.
    let last = b.row_of("公开02表", "2210201");
    let row = last + 3;
    b.set("公开02表", &format!("A{row}"), New::Text("2013808"));
    b.set("公开02表", &format!("B{row}"), New::Text("执法办案专项"));
    b.set("公开02表", &format!("D{row}"), New::Num("1000"));
    // A value typed over the formula of the 合计 row: checked, not used.
    let total = b.row_of("公开02表", "合计");
    b.set("公开02表", &format!("D{total}"), New::Num("1"));
    let (r, _) = juesuan_xlsx::form::read_workbook_bytes(&b.bytes(), "x.xlsx")
        .unwrap_or_else(|e| panic!("{e}"));
    let code = juesuan_model::FunctionalCode::parse("2013808").unwrap();
    assert_eq!(
        r.facts.functional[&code][&juesuan_model::Measure::IncFiscal],
        juesuan_model::Money::from_yuan(1000)
    );
    assert_eq!(r.facts.functional_names[&code], "执法办案专项");
    assert_eq!(r.stated.len(), 1);
    assert_eq!(
        r.stated[0].source.to_string(),
        format!("x.xlsx 公开02表!D{total}")
    );
    // The typed total is reported by IN-DERIVED, with its cell.
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("x.xlsx");
    std::fs::write(&p, b.bytes()).unwrap();
    let run = juesuan(&["check", p.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("[IN-DERIVED]") && run.stdout.contains(&format!("公开02表!D{total}")),
        "{}",
        run.stdout
    );
}

/// The XML of a sheet of a workbook, by the sheet's name.
fn unzip_sheet(xlsx: &[u8], name: &str) -> String {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut wb = String::new();
    z.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut wb)
        .unwrap();
    let at = wb.find(&format!("<sheet name=\"{name}\"")).unwrap();
    let n = (1..)
        .zip(wb.match_indices("<sheet name="))
        .find(|(_, (i, _))| *i == at)
        .unwrap()
        .0;
    let mut xml = String::new();
    z.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn convert_there_and_back_is_lossless() {
    let t = tempfile::tempdir().unwrap();
    let xlsx = t.path().join("jincheng.xlsx");
    let back = t.path().join("back");
    let r = juesuan(&[
        "convert",
        example().to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = juesuan(&[
        "convert",
        xlsx.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (a, _) = juesuan_ingest::read_text_dir(&example()).unwrap();
    let (b, _) = juesuan_ingest::read_text_dir(&back).unwrap();
    assert_eq!(semantic(&a), semantic(&b));
    // The CSV files come back byte for byte; 14 projects in order.
    for f in ["income.csv", "general-budget.csv", "economic.csv"] {
        assert_eq!(
            std::fs::read(example().join(f)).unwrap(),
            std::fs::read(back.join(f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(
        std::fs::read_dir(back.join("projects")).unwrap().count(),
        14
    );
    // Converting again refuses to overwrite.
    let r = juesuan(&[
        "convert",
        example().to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("已存在"), "{}", r.stderr);
    let r = juesuan(&[
        "convert",
        xlsx.to_str().unwrap(),
        "-o",
        back.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("不为空"), "{}", r.stderr);
}

/// `report.json` names the input file (the report's source and the places of
/// findings): compared without those, every other output byte for byte.
fn json_without_sources(bytes: &[u8]) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                if m.contains_key("file") {
                    m.remove("file");
                    m.remove("line");
                    m.remove("sheet");
                    m.remove("field");
                }
                for x in m.values_mut() {
                    strip(x);
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    strip(&mut v);
    v
}

#[test]
fn building_from_the_directory_or_its_workbook_gives_the_same_bytes() {
    let t = tempfile::tempdir().unwrap();
    let xlsx = t.path().join("jincheng.xlsx");
    let r = juesuan(&[
        "convert",
        example().to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (o1, o2) = (t.path().join("o1"), t.path().join("o2"));
    for (input, out) in [(example(), &o1), (xlsx.clone(), &o2)] {
        let r = juesuan(&[
            "build",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
    let (a, b) = (files(&o1), files(&o2));
    let names: Vec<&String> = a.iter().map(|(n, _)| n).collect();
    assert_eq!(names, b.iter().map(|(n, _)| n).collect::<Vec<_>>());
    for name in ["report.pdf", "report.html", "report.xlsx", "report.json"] {
        assert!(names.iter().any(|n| *n == name), "{name} missing");
    }
    assert!(names.iter().filter(|n| n.ends_with(".csv")).count() >= 10);
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        if name == "report.json" {
            assert_eq!(json_without_sources(x), json_without_sources(y), "{name}");
        } else {
            assert!(x == y, "{name} differs");
        }
    }
}

#[test]
fn init_writes_an_empty_form_that_checks() {
    let t = tempfile::tempdir().unwrap();
    let x = t.path().join("2023决算公开.xlsx");
    let x = x.to_str().unwrap();
    let r = juesuan(&[
        "init",
        "--xlsx",
        x,
        "--profile",
        "shanxi-2022",
        "--department",
        "某某局",
        "--year",
        "2023",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("juesuan check"), "{}", r.stdout);
    let r = juesuan(&["check", x]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("某某局 2023 年度"), "{}", r.stdout);
    // Not twice; not with an unknown profile; not without --xlsx.
    let r = juesuan(&[
        "init",
        "--xlsx",
        x,
        "--department",
        "某某局",
        "--year",
        "2023",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("已存在"), "{}", r.stderr);
    let y = t.path().join("y.xlsx");
    let r = juesuan(&[
        "init",
        "--xlsx",
        y.to_str().unwrap(),
        "--profile",
        "beijing",
        "--department",
        "某某局",
        "--year",
        "2023",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("未知的模板"), "{}", r.stderr);
    assert!(!y.exists());
    let r = juesuan(&["init", "--department", "某某局", "--year", "2023"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--xlsx"), "{}", r.stderr);
}
