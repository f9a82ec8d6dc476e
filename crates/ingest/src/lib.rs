//! Reading a department's figures into the model, and writing them back.
//!
//! Pipeline position: sources → **ingest** → `Report` → tables, rules, compose.
//! One module per source format; every value keeps its file and line so findings
//! can point at it, and every unusable input is an [`InputError`] naming file, line
//! and field in Chinese — never a panic, never a partial report.
//! [`write_text_dir`] is the way back: a `Report` as a text directory that reads
//! into the same `Report` (used to convert a workbook into a text directory).

mod error;
pub mod guard;
mod projects;
mod tables_csv;
mod textdir;
pub mod validate;
mod values;
mod write;

pub use error::{InputError, InputErrors, did_you_mean, nearest};
pub use projects::PROJECTS_DIR;
pub use tables_csv::{ColSpec, ECON_FILE, FN_FILES, FnFile};
pub use textdir::{
    NARRATIVE_FILE, NarrativeSection, REPORT_FILE, REPORT_SECTIONS, Slot, narrative_id,
    read_text_dir,
};
pub use validate::validate;
pub use values::{Amount, Count};
pub use write::{TextDir, write_text_dir};
