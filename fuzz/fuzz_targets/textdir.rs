//! Any bytes as a text directory: the input is cut at each 0xFF byte (never in
//! UTF-8 text) into the files report.toml, income.csv, general-budget.csv,
//! economic.csv, narrative.toml, nonfiscal.csv, government-fund.csv and then one
//! projects/pN.toml per further piece; an empty piece leaves its file out. The
//! loader returns a report or Chinese errors, never panics; a report it accepts
//! goes on through the check pipeline (tables, document, rules), which must not
//! panic on odd but valid input either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::PathBuf;

const FILES: &[&str] = &[
    "report.toml",
    "income.csv",
    "general-budget.csv",
    "economic.csv",
    "narrative.toml",
    "nonfiscal.csv",
    "government-fund.csv",
];

fn dir() -> PathBuf {
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!("juesuan-fuzz-textdir-{}", std::process::id()))
}

fuzz_target!(|data: &[u8]| {
    let dir = dir();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("projects")).expect("temp dir");
    for (i, piece) in data.split(|b| *b == 0xFF).enumerate() {
        if piece.is_empty() {
            continue;
        }
        let path = match FILES.get(i) {
            Some(name) => dir.join(name),
            None => dir.join("projects").join(format!("p{i}.toml")),
        };
        std::fs::write(path, piece).expect("write piece");
    }
    let Ok((report, profile)) = juesuan_ingest::read_text_dir(&dir) else {
        return;
    };
    let derived = juesuan_tables::derive_all(&report, profile);
    let Ok(_document) = juesuan_compose::compose(&report, profile, &derived) else {
        return;
    };
    let ctx = juesuan_rules::Ctx::new(
        profile,
        &derived.tables,
        Some(&report),
        Some(&derived.figures),
    );
    let _ = juesuan_rules::run(ctx);
});
