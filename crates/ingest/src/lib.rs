//! Reading a department's figures into the model.
//!
//! Pipeline position: sources → **ingest** → `Report` → tables, rules, compose.
//! One module per source format; every value keeps its file and line so findings
//! can point at it, and every unusable input is an [`InputError`] naming file, line
//! and field in Chinese — never a panic, never a partial report.

mod error;
mod projects;
mod tables_csv;
mod textdir;
mod values;

pub use error::{InputError, InputErrors, did_you_mean, nearest};
pub use projects::PROJECTS_DIR;
pub use tables_csv::{ECON_FILE, FN_FILES};
pub use textdir::{NARRATIVE_FILE, REPORT_FILE, read_text_dir};
pub use values::{Amount, Count};
