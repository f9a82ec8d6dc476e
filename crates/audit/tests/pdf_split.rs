#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Reading a PDF with two `pdftotext` processes, one per half of its pages, gives
//! exactly the text of one process; the page count pdfinfo gives is the one pdftotext reads.

use juesuan_audit::source::{from_pdf_pages, pdf_pages};
use std::path::PathBuf;

#[test]
fn halves_join_to_the_whole() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    let mut seen = 0;
    for name in [
        "shanghai-2024-template.pdf",
        "shanghai-putuo-caizhengju-2024.pdf",
        "shanghai-putuo-caizhengju-2024-injected-errors.pdf",
    ] {
        let path = corpus.join(name);
        let p = path.to_str().unwrap();
        let est = pdf_pages(p).unwrap().unwrap();
        let whole = from_pdf_pages(p, 0).unwrap();
        assert_eq!(est, usize::try_from(whole.pages).unwrap(), "{name}");
        let split = from_pdf_pages(p, est).unwrap();
        assert_eq!(split.pages, whole.pages, "{name}");
        let text = |s: &juesuan_audit::Source| -> Vec<(u32, usize, String)> {
            s.lines
                .iter()
                .map(|l| (l.page, l.no, l.text.clone()))
                .collect()
        };
        assert!(
            text(&split) == text(&whole),
            "{name}: the halves differ from the whole"
        );
        // A wrong estimate (more pages than there are) falls back to one process.
        let over = from_pdf_pages(p, est * 3).unwrap();
        assert!(text(&over) == text(&whole), "{name}");
        seen += 1;
    }
    assert_eq!(seen, 3);
}
