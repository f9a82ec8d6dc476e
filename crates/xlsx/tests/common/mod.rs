//! The example report's document, built as the CLI builds it.

use juesuan_compose::Document;
use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The document of `examples/jincheng-amr-2022`.
pub fn example() -> Document {
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    let derived = juesuan_tables::derive_all(&report, profile);
    juesuan_compose::compose(&report, profile, &derived).unwrap()
}
