//! Any UTF-8 text as the stated 情况说明 of `check --narrative`: the example's
//! document is composed once, then its sections are compared sentence by
//! sentence with the sections found in the fuzzer's text (the same calls as
//! crates/cli/src/pipeline.rs `narrative_diffs`). Never panics, never hangs.
#![no_main]

use juesuan_compose::{Block, Document};
use juesuan_profile::Profile;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn example() -> &'static (Document, &'static Profile) {
    static DOC: OnceLock<(Document, &'static Profile)> = OnceLock::new();
    DOC.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jincheng-amr-2022");
        let (report, profile) =
            juesuan_ingest::read_text_dir(std::path::Path::new(dir)).expect("example");
        let derived = juesuan_tables::derive_all(&report, profile);
        let doc = juesuan_compose::compose(&report, profile, &derived).expect("compose");
        (doc, profile)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (doc, profile) = example();
    let ids: Vec<String> = profile
        .narrative
        .sections
        .iter()
        .map(|s| s.id.clone())
        .collect();
    let ours = juesuan_compose::document_sections(doc, &ids);
    let titles: Vec<(String, String)> = profile
        .narrative
        .sections
        .iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .collect();
    let headings: Vec<String> = doc
        .parts
        .iter()
        .flat_map(|p| &p.blocks)
        .filter_map(|b| match b {
            Block::Heading { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let stop = profile.part("glossary").map_or_else(
        || "第四部分".to_string(),
        |p| {
            p.title
                .split_whitespace()
                .next()
                .unwrap_or("第四部分")
                .to_string()
        },
    );
    let theirs = juesuan_compose::stated_sections(
        text,
        &titles,
        &headings,
        std::slice::from_ref(&doc.title),
        &stop,
    );
    let _ = juesuan_compose::diff(&ours, &theirs);
});
