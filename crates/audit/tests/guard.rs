#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The one guard every audit input goes through (`source::read` → `open_checked`):
//! anything but a regular file within its cap is refused with a Chinese message
//! naming it, before a byte is read; a PDF's page count is poppler's.

use juesuan_audit::source::{ReadError, pdf_pages, read};
use std::path::Path;
use std::time::{Duration, Instant};

/// A fresh directory under the system's temporary directory, removed on drop.
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("juesuan-guard-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn message(p: &Path) -> String {
    read(p).err().unwrap().to_string()
}

#[test]
fn fifo_input_does_not_hang() {
    let t = TempDir::new("fifo");
    let p = t.path().join("pipe.txt");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap()
            .success()
    );
    let start = Instant::now();
    let m = message(&p);
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(m.contains("pipe.txt") && m.contains("命名管道"), "{m}");
}

#[test]
fn dev_zero_input_is_refused() {
    let m = message(Path::new("/dev/zero"));
    assert!(m.contains("/dev/zero") && m.contains("设备文件"), "{m}");
}

#[test]
fn directory_and_links() {
    let t = TempDir::new("links");
    let m = message(t.path());
    assert!(m.contains("目录"), "{m}");
    let broken = t.path().join("broken.txt");
    std::os::unix::fs::symlink(t.path().join("nowhere"), &broken).unwrap();
    assert_eq!(
        read(&broken).err(),
        Some(ReadError::BrokenLink(broken.display().to_string()))
    );
    let a = t.path().join("a.txt");
    let b = t.path().join("b.txt");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let m = message(&a);
    assert!(m.contains("a.txt") && m.contains("符号链接循环"), "{m}");
    let m = message(&t.path().join("missing.txt"));
    assert!(m.contains("missing.txt") && m.contains("不存在"), "{m}");
}

#[test]
fn oversized_text_is_refused() {
    let t = TempDir::new("big");
    let p = t.path().join("big.txt");
    std::fs::File::create(&p)
        .unwrap()
        .set_len(20_000_001)
        .unwrap();
    let m = message(&p);
    assert!(
        m.contains("big.txt") && m.contains("文件过大") && m.contains("上限为 20 MB"),
        "{m}"
    );
    // Just at the cap it is read (and found to be binary, not text).
    std::fs::File::create(&p)
        .unwrap()
        .set_len(20_000_000)
        .unwrap();
    assert_eq!(
        read(&p).err(),
        Some(ReadError::NotPdf(p.display().to_string()))
    );
}

/// A PDF of `pages` pages with a little text each, and a content string that looks
/// like a page tree of 400 pages to a byte scan.
fn pdf_with_a_false_count(pages: usize) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 5)).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec());
    let data = b"BT /F1 12 Tf 72 720 Td (Quarterly sales of a shoe shop /Kids [] /Count 400) Tj ET";
    let mut content = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
    content.extend_from_slice(data);
    content.extend_from_slice(b"\nendstream");
    objects.push(content);
    for _ in 0..pages {
        objects.push(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>".to_vec());
    }
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

#[test]
fn pdf_page_count_from_pdfinfo() {
    let t = TempDir::new("pdf");
    for pages in [1, 3, 12] {
        let p = t.path().join(format!("p{pages}.pdf"));
        std::fs::write(&p, pdf_with_a_false_count(pages)).unwrap();
        assert_eq!(pdf_pages(p.to_str().unwrap()).unwrap(), Some(pages));
        let s = read(&p).unwrap();
        assert_eq!(s.pages, u32::try_from(pages).unwrap());
    }
    // Not a PDF poppler can read: no count, and no error from the count itself.
    let bad = t.path().join("bad.pdf");
    std::fs::write(&bad, b"%PDF-1.4\ngarbage").unwrap();
    assert_eq!(pdf_pages(bad.to_str().unwrap()).unwrap(), None);
}

/// Issue 10, defect 7 for the audit: every figure of the seed's tables printed as
/// 9,999,999,999,999.99 元 (each within the model's per-amount limit) adds up beyond
/// what exact sums are guaranteed for: the audit refuses rather than saturating.
#[test]
fn read_totals_beyond_exact_arithmetic_are_refused() {
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed/000_4d08a9674d8dc8ea.txt");
    let text = std::fs::read_to_string(seed).unwrap();
    let mut out = String::with_capacity(text.len() * 2);
    // Every printed amount with two decimals becomes the huge one.
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let is_amount = word.contains('.')
            && word.rsplit('.').next().is_some_and(|d| d.len() == 2)
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
        out.push_str(if is_amount {
            "9,999,999,999,999.99"
        } else {
            word
        });
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || ((c == ',' || c == '.') && !word.is_empty()) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    let src = juesuan_audit::source::from_text("huge.txt", out.as_bytes()).unwrap();
    let e = juesuan_audit::audit_source(src).err().unwrap().to_string();
    assert!(e.contains("超出可精确计算的范围"), "{e}");
}
