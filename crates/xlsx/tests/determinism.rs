#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Same document, same bytes: no clock, no random order.

mod common;

#[test]
fn same_document_same_bytes() {
    let doc = common::example();
    let a = juesuan_xlsx::workbook(&doc).unwrap();
    let b = juesuan_xlsx::workbook(&doc).unwrap();
    assert!(a.starts_with(b"PK"), "not a zip file");
    assert!(a == b, "two builds of the same document differ");
    // A document composed again from the same input gives the same bytes too.
    let c = juesuan_xlsx::workbook(&common::example()).unwrap();
    assert!(a == c, "two compositions of the same input differ");
}
