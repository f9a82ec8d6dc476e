//! Any bytes as a workbook: the importer returns a report or Chinese errors,
//! never panics, never runs out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = juesuan_xlsx::form::read_workbook_bytes(data, "fuzz.xlsx");
});
