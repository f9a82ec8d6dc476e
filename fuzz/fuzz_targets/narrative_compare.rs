//! Any UTF-8 text as the stated 情况说明 of `check --narrative`: the example's
//! document is composed once, then compared sentence by sentence with the
//! fuzzer's text by `juesuan_compose::narrative_diffs`, what `check --narrative`
//! runs. Never panics, never hangs.
#![no_main]

use juesuan_compose::Document;
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
    let _ = juesuan_compose::narrative_diffs(doc, profile, text);
});
