//! The workbook form: the Excel workbook a department fills in instead of a
//! text directory — one sheet per 公开表 in its official layout (input cells
//! light yellow, derived cells light blue with formulas), plus 基本信息,
//! 情况说明数据 and the project sheets.
//!
//! - [`form`] writes it, empty (`juesuan init --xlsx`) or filled with a report
//!   (`juesuan convert DIR -o X.xlsx`);
//! - [`read_workbook`] reads it into the same `Report` as the text directory,
//!   tolerant of what people do in spreadsheets and strict about amounts; every
//!   unusable cell is an `InputError` naming sheet and cell.
//!
//! [`layout`] holds what both sides share (sheet names, columns, labels).

mod book;
mod cell;
mod formula;
mod import;
pub mod layout;
mod scan;
mod template;

pub use book::{MAX_CELLS, MAX_FILE_BYTES, MAX_UNPACKED_BYTES};
pub use import::{read_workbook, read_workbook_bytes};
pub use template::{empty_report, form};
