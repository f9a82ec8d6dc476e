//! The example's workbook with one part replaced by the fuzzer's bytes: the
//! first byte picks the part (a worksheet, the shared strings, the workbook, the
//! styles), the rest is its new content. Gets past the zip container, so the
//! XML reader and the importer's sheet logic are what is exercised.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Read, Write};
use std::sync::OnceLock;

fn parts() -> &'static Vec<(String, Vec<u8>)> {
    static PARTS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    PARTS.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/jincheng-amr-2022");
        let (report, profile) =
            juesuan_ingest::read_text_dir(std::path::Path::new(dir)).expect("example");
        let bytes = juesuan_xlsx::form::form(&report, profile).expect("form");
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut out = Vec::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).expect("entry");
            let name = f.name().expect("name").to_string();
            let mut d = Vec::new();
            f.read_to_end(&mut d).expect("read");
            out.push((name, d));
        }
        out
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let parts = parts();
    let targets: Vec<usize> = parts
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.starts_with("xl/"))
        .map(|(i, _)| i)
        .collect();
    let target = targets[usize::from(pick) % targets.len()];
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored);
    for (i, (name, d)) in parts.iter().enumerate() {
        out.start_file(name.as_str(), stored).expect("start");
        out.write_all(if i == target { content } else { d }).expect("write");
    }
    let bytes = out.finish().expect("finish").into_inner();
    let _ = juesuan_xlsx::form::read_workbook_bytes(&bytes, "fuzz.xlsx");
});
