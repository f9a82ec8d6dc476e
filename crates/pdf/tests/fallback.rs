#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Fonts: on a machine with no CJK font the embedded Song/Hei faces alone typeset
//! Chinese, with real bold, and the PDF carries only the glyphs it uses; the
//! profile's families come first where installed; a character no font has is named.

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
        fonts: Default::default(),
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

fn pdffonts(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, bytes).unwrap();
    let fonts = Command::new("pdffonts").arg(&path).output().unwrap();
    String::from_utf8(fonts.stdout).unwrap()
}

#[test]
fn the_embedded_faces_alone_typeset_chinese() {
    let fonts = juesuan_pdf::FontLibrary::embedded();
    assert_eq!(
        fonts.families(),
        [juesuan_pdf::EMBEDDED_SANS, juesuan_pdf::EMBEDDED_SERIF]
    );
    let set = juesuan_pdf::typeset(&doc(), &fonts).unwrap();
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
    // A Song-style text face and a Hei-style heading face, the bold one real
    // (its own face, not a stroked regular).
    let fonts = pdffonts(&bytes);
    assert!(fonts.contains("JuesuanSerifSC-Regular"), "{fonts}");
    assert!(fonts.contains("JuesuanSansSC-Bold"), "{fonts}");
    let (used, missing) = set.fonts_used();
    assert_eq!(used[0], juesuan_pdf::EMBEDDED_SERIF, "{used:?}");
    assert!(used.iter().any(|f| f == juesuan_pdf::EMBEDDED_SANS));
    assert!(missing.is_empty(), "{missing:?}");
    // Subset: the embedded faces are a small part of their 10.7 MB.
    assert!(
        bytes.len() < 400_000,
        "PDF is {} bytes: the font was not subset",
        bytes.len()
    );
}

#[test]
fn the_profiles_families_come_first_where_installed() {
    let fonts = juesuan_pdf::load_fonts(&[], false).unwrap();
    if !fonts.families().iter().any(|f| f == "Noto Serif CJK JP") {
        // fonts-noto-cjk, which scripts/test.sh installs, holds it.
        assert!(
            std::env::var_os("JUESUAN_REQUIRE_BROWSER").is_none(),
            "Noto Serif CJK is not installed"
        );
        return;
    }
    let mut d = doc();
    // A family the machine lacks is passed over; the next one the profile names
    // is used, by any of its names.
    d.fonts.body = vec!["SimSun-Nowhere".into(), "Noto Serif CJK JP".into()];
    let set = juesuan_pdf::typeset(&d, &fonts).unwrap();
    let (used, _) = set.fonts_used();
    assert_eq!(used[0], "Noto Serif CJK JP", "{used:?}");
    // Without wishes: Noto Serif CJK SC, before the embedded face.
    let set = juesuan_pdf::typeset(&doc(), &fonts).unwrap();
    let (used, _) = set.fonts_used();
    assert_eq!(used[0], "Noto Serif CJK SC", "{used:?}");
    assert!(!used.iter().any(|f| f.starts_with("Juesuan")), "{used:?}");
}

#[test]
fn a_character_no_font_has_is_named() {
    let mut d = doc();
    if let Block::Paragraph { text } = &mut d.parts[0].blocks[0] {
        // U+2A6A5 (CJK Extension B) is in no GB 2312 subset.
        text.push('𪚥');
    }
    let set = juesuan_pdf::typeset(&d, &juesuan_pdf::FontLibrary::embedded()).unwrap();
    let (_, missing) = set.fonts_used();
    assert_eq!(missing, ['𪚥']);
}

#[test]
fn a_missing_font_directory_is_a_clear_error() {
    let e = juesuan_pdf::load_fonts(&["/nonexistent/fonts".into()], false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "字体目录 /nonexistent/fonts 不存在或无法读取"
    );
}

#[test]
fn typesetting_is_deterministic() {
    let fonts = juesuan_pdf::FontLibrary::embedded();
    let a = juesuan_pdf::typeset(&doc(), &fonts)
        .unwrap()
        .pdf("x")
        .unwrap();
    let b = juesuan_pdf::typeset(&doc(), &juesuan_pdf::FontLibrary::embedded())
        .unwrap()
        .pdf("x")
        .unwrap();
    assert!(a == b);
}
