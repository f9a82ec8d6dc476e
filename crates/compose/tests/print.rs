#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::print_stdout, clippy::print_stderr, reason = "test code: a failed unwrap is a failed test")]
//! Prints the narrative and its differences from the seed (debug aid; run with --nocapture).

use std::path::PathBuf;

#[test]
fn print_narrative() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root.join("examples/jincheng-amr-2022")).unwrap();
    let d = juesuan_tables::derive_all(&report, profile);
    let empty: Vec<String> = d
        .tables
        .tables
        .iter()
        .filter(|t| t.is_empty())
        .map(|t| t.id.clone())
        .collect();
    let (_, sections) = juesuan_compose::render(&report, profile, &d.figures, empty).unwrap();
    let ours = juesuan_compose::our_sections(&sections);
    let seed =
        std::fs::read_to_string(root.join("../shared/seed/000_4d08a9674d8dc8ea.txt")).unwrap();
    let titles: Vec<(String, String)> = profile
        .narrative
        .sections
        .iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .collect();
    let headings: Vec<String> = sections
        .iter()
        .flat_map(|s| s.blocks.iter())
        .filter_map(|b| match b {
            juesuan_compose::Block::Heading { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let theirs = juesuan_compose::stated_sections(
        &seed,
        &titles,
        &headings,
        &[report.meta.title.clone().unwrap()],
        "第四部分",
    );
    for dd in juesuan_compose::diff(&ours, &theirs) {
        println!(
            "[{}] {:?}\n  seed: {}\n  ours: {}",
            dd.section,
            dd.kind,
            dd.theirs.unwrap_or_default(),
            dd.ours.unwrap_or_default()
        );
    }
}
