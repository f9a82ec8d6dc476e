//! Any bytes as the text of a report to audit (what `juesuan audit x.txt` reads,
//! and what pdftotext hands over for a PDF): the reader, table assembly, the
//! rules and the claims in the prose return findings or an error, never panic,
//! never hang, never run out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = juesuan_audit::source::from_text("fuzz.txt", data) else {
        return;
    };
    let _ = juesuan_audit::audit_source(src);
});
