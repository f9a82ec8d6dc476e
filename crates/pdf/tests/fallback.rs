#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! A machine with no CJK font: the embedded fallback alone typesets Chinese, and the
//! PDF carries only the glyphs it uses.

use juesuan_compose::{Block, Document, HeaderCell, Part, RowStyle, TableView, ViewCell, ViewRow};
use juesuan_model::{AmountUnit, Money};
use std::process::Command;

fn doc() -> Document {
    let table = TableView {
        id: "01".into(),
        number: "公开01表".into(),
        title: "收入支出决算总表".into(),
        org_line: "部门名称：测试局".into(),
        year_line: "2022年度".into(),
        unit_line: "金额单位：元".into(),
        unit: AmountUnit::Yuan,
        landscape: false,
        header: vec![vec![
            HeaderCell {
                text: "项目".into(),
                colspan: 1,
                rowspan: 1,
            },
            HeaderCell {
                text: "决算数".into(),
                colspan: 1,
                rowspan: 1,
            },
        ]],
        numbers: None,
        rows: vec![ViewRow {
            style: RowStyle::Total,
            cells: vec![
                ViewCell::Text {
                    text: "本年收入合计".into(),
                    indent: 0,
                    colspan: 1,
                    rowspan: 1,
                },
                ViewCell::Amount(Money::from_fen(4_459_281_601)),
            ],
        }],
        note: None,
        empty_note: None,
    };
    Document {
        title: "测试局2022年单位决算公开报告".into(),
        department: "测试局".into(),
        year: 2022,
        profile: "shanxi-2022".into(),
        draft: false,
        parts: vec![Part {
            id: "tables".into(),
            title: "第二部分 2022年部门决算表".into(),
            blocks: vec![
                Block::Paragraph {
                    text: "财政拨款收入占比100.00%。".into(),
                },
                Block::Table(Box::new(table)),
            ],
        }],
    }
}

#[test]
fn the_embedded_font_alone_typesets_chinese() {
    let fonts = juesuan_pdf::fallback_only();
    assert!(!fonts.is_empty());
    let set = juesuan_pdf::typeset(&doc(), fonts).unwrap();
    let bytes = set.pdf("test").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed; scripts/test.sh installs it");
    let text = String::from_utf8(text.stdout).unwrap();
    for s in [
        "收入支出决算总表",
        "本年收入合计",
        "44,592,816.01",
        "财政拨款收入占比100.00%",
        "-1-",
    ] {
        assert!(text.contains(s), "{s} missing from:\n{text}");
    }
    let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
    let fonts = String::from_utf8(fonts.stdout).unwrap();
    assert!(fonts.contains("WenQuanYi"), "{fonts}");
    // Subset: the embedded font file is a small part of the 5 MB original.
    assert!(
        bytes.len() < 400_000,
        "PDF is {} bytes: the font was not subset",
        bytes.len()
    );
}

#[test]
fn a_missing_font_directory_is_a_clear_error() {
    let e = juesuan_pdf::load_fonts(&["/nonexistent/fonts".into()]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "字体目录 /nonexistent/fonts 不存在或无法读取"
    );
}

#[test]
fn typesetting_is_deterministic() {
    let a = juesuan_pdf::typeset(&doc(), juesuan_pdf::fallback_only())
        .unwrap()
        .pdf("x")
        .unwrap();
    let b = juesuan_pdf::typeset(&doc(), juesuan_pdf::fallback_only())
        .unwrap()
        .pdf("x")
        .unwrap();
    assert!(a == b);
}
