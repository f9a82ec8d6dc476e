#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! What `juesuan audit` and `juesuan extract` do with input they cannot use: an
//! encrypted, image-only (scanned), corrupt or unrelated PDF, GBK text, an empty
//! file, a 500-page PDF, no `pdftotext` at all. Each gives a precise Chinese message
//! and exit code 2, never a panic and never an output file; a batch goes on past a
//! bad file and lists it in its summary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> PathBuf {
    root().join("../shared/seed/000_4d08a9674d8dc8ea.txt")
}

fn juesuan(args: &[&str], path_env: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_juesuan"));
    c.args(args);
    if let Some(p) = path_env {
        c.env("PATH", p);
    }
    c.output().unwrap()
}

/// A PDF written object by object, with a correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend_from_slice(data);
    o.extend_from_slice(b"\nendstream");
    o
}

/// `pages` pages, each showing `text` (ASCII) in Helvetica.
fn text_pdf(pages: usize, text: &str) -> Vec<u8> {
    // 1 catalog, 2 pages, 3 font, 4 content, 5.. page objects
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 5)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        stream(
            "",
            format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET").as_bytes(),
        ),
    ];
    for _ in 0..pages {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
                .to_vec(),
        );
    }
    pdf(&objects)
}

/// Two pages that are only a picture each: what a scanner makes.
fn scanned_pdf() -> Vec<u8> {
    let pixels: Vec<u8> = (0..64u32 * 64)
        .map(|i| u8::try_from(i % 251).unwrap())
        .collect();
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [5 0 R 6 0 R] /Count 2 >>".to_vec(),
        stream(
            "/Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8",
            &pixels,
        ),
        stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> /Contents 4 0 R >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 3 0 R >> >> /Contents 4 0 R >>".to_vec(),
    ])
}

/// `部门决算` and a line of the seed's narrative, in GBK.
fn gbk_text() -> Vec<u8> {
    // “部门决算公开” then “收入” repeated: lead bytes 0x81–0xFE, trail 0x40–0xFE.
    let mut b = vec![
        0xB2, 0xBF, 0xC3, 0xC5, 0xBE, 0xF6, 0xCB, 0xE3, 0xB9, 0xAB, 0xBF, 0xAA, b'\n',
    ];
    for _ in 0..200 {
        b.extend_from_slice(&[0xCA, 0xD5, 0xC8, 0xEB, b' ', b'1', b'2', b'3', b'\n']);
    }
    b
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Exit 2, a message with every `expect`, nothing written to `-o`.
fn refused(input: &Path, expect: &[&str], dir: &Path) {
    let out_file = dir.join("findings.html");
    let o = juesuan(
        &[
            "audit",
            input.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            out_file.to_str().unwrap(),
        ],
        None,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{}: {err}", input.display());
    assert!(!err.contains("panicked"), "{err}");
    for e in expect {
        assert!(err.contains(e), "{}: “{e}” not in: {err}", input.display());
    }
    assert!(
        !out_file.exists(),
        "{}: wrote {}",
        input.display(),
        out_file.display()
    );
    let x = dir.join("extracted");
    let o = juesuan(
        &[
            "extract",
            input.to_str().unwrap(),
            "-o",
            x.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2), "extract {}", input.display());
    assert!(!x.exists(), "extract wrote {}", x.display());
}

#[test]
fn inputs_that_cannot_be_audited() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let mut corrupt = text_pdf(3, "Hello");
    corrupt.truncate(corrupt.len() / 3);
    corrupt.extend_from_slice(b"\x00\xff garbage \x00");
    let cases: Vec<(PathBuf, Vec<&str>)> = vec![
        (
            root().join("tests/audit/encrypted.pdf"),
            vec!["encrypted.pdf", "已加密", "解除加密"],
        ),
        (
            write(d, "scan.pdf", &scanned_pdf()),
            vec!["scan.pdf", "扫描件", "OCR"],
        ),
        (write(d, "broken.pdf", &corrupt), vec!["broken.pdf"]),
        (
            write(
                d,
                "other.pdf",
                &text_pdf(2, "Quarterly sales report of a shoe shop"),
            ),
            vec!["other.pdf", "不是部门决算公开报告"],
        ),
        (
            write(
                d,
                "pages500.pdf",
                &text_pdf(500, "Appendix page of something else"),
            ),
            vec!["pages500.pdf", "不是部门决算公开报告"],
        ),
        (
            write(d, "gbk.txt", &gbk_text()),
            vec!["gbk.txt", "不是 UTF-8", "GBK", "iconv"],
        ),
        (write(d, "empty.pdf", b""), vec!["empty.pdf", "空的"]),
        (write(d, "empty.txt", b""), vec!["empty.txt", "空的"]),
        (
            write(d, "binary.dat", &[0u8, 159, 146, 150, 0, 1, 2, 3, 255, 254]),
            vec!["binary.dat"],
        ),
        (
            d.join("does-not-exist.pdf"),
            vec!["does-not-exist.pdf", "不存在"],
        ),
    ];
    for (input, expect) in &cases {
        refused(input, expect, d);
    }
}

#[test]
fn no_pdftotext_says_what_to_install() {
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "r.pdf", &text_pdf(1, "x"));
    // An empty PATH: no pdftotext anywhere.
    let o = juesuan(
        &["audit", p.to_str().unwrap()],
        Some(t.path().to_str().unwrap()),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pdftotext") && err.contains("poppler-utils"),
        "{err}"
    );
    // Text needs no pdftotext.
    let o = juesuan(
        &["audit", seed().to_str().unwrap()],
        Some(t.path().to_str().unwrap()),
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_batch_goes_on_past_bad_files_and_lists_them() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let empty = write(d, "empty.txt", b"");
    let scan = write(d, "scan.pdf", &scanned_pdf());
    let summary = d.join("summary.csv");
    let o = juesuan(
        &[
            "audit",
            empty.to_str().unwrap(),
            seed().to_str().unwrap(),
            scan.to_str().unwrap(),
            "--summary",
            summary.to_str().unwrap(),
            "--csv-bom",
            "--format",
            "json",
            "-o",
            d.join("all.json").to_str().unwrap(),
        ],
        None,
    );
    // The worst input decides: 2.
    assert_eq!(o.status.code(), Some(2));
    let csv = std::fs::read_to_string(&summary).unwrap();
    // --csv-bom: Excel reads it as UTF-8.
    let csv = csv.strip_prefix('\u{feff}').expect("a BOM");
    assert!(csv.starts_with("文件,部门,年度,结果,"), "{csv}");
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "{csv}");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.contains(name))
            .copied()
            .unwrap_or("")
    };
    assert!(row("empty.txt").contains("空的"), "{csv}");
    assert!(row("scan.pdf").contains("OCR"), "{csv}");
    assert!(
        row("000_4d08a9674d8dc8ea.txt").contains("shanxi-2022"),
        "{csv}"
    );
    // The good one's findings are in the JSON.
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("all.json")).unwrap()).unwrap();
    let text = json.to_string();
    assert!(text.contains("AU-CHANGE"), "{text}");
}

/// `extract` writes the tables the text shows and no others: a table it never
/// read is not a table of zeros.
#[test]
fn extract_writes_only_the_tables_it_found() {
    let t = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(seed()).unwrap();
    let from = text.find(" 国有资本经营预算财政拨款支出决算表").unwrap();
    let to = text.find(" 部门决算公开相关信息统计表").unwrap();
    let cut = t.path().join("no09.txt");
    let (head, tail) = (text.get(..from).unwrap(), text.get(to..).unwrap());
    std::fs::write(&cut, format!("{head}{tail}")).unwrap();
    let out = t.path().join("out");
    let o = juesuan(
        &[
            "extract",
            cut.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        !out.join("data/table-09.csv").exists(),
        "a table never read"
    );
    for n in [1, 2, 8, 10] {
        assert!(
            out.join(format!("data/table-{n:02}.csv")).exists(),
            "table {n}"
        );
    }
    let pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("data/datapackage.json")).unwrap())
            .unwrap();
    assert_eq!(pkg["resources"].as_array().unwrap().len(), 9);
    assert_eq!(pkg["fiscalPeriod"]["start"], "2022-01-01");
}

/// And what `extract` writes for a report it can read: every table's figures as open
/// data, named by department and year, and the audit as JSON.
#[test]
fn extract_writes_the_figures() {
    let t = tempfile::tempdir().unwrap();
    let out = t.path().join("seed");
    let o = juesuan(
        &[
            "extract",
            seed().to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let t01 = std::fs::read_to_string(out.join("data/table-01.csv")).unwrap();
    assert!(
        t01.lines()
            .any(|l| l.starts_with("晋城市市场监督管理局,2022,公开01表")
                && l.contains("44592816.01")),
        "{t01}"
    );
    for n in 1..=10 {
        assert!(
            out.join(format!("data/table-{n:02}.csv")).exists(),
            "table {n}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("audit.json")).unwrap()).unwrap();
    assert!(json.to_string().contains("AU-RATE"));
}
