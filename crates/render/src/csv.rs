//! A table view as CSV, one line per header row and body row, each cell as the
//! table prints it (amounts in yuan with two decimals and no grouping, shares
//! with their % sign); text cells made safe for spreadsheet programs.

use crate::opendata::csv_text;
use juesuan_compose::{TableView, ViewCell};

fn cell(c: &ViewCell, t: &TableView) -> String {
    match c {
        ViewCell::Text { text, .. } | ViewCell::Link { text, .. } => csv_text(text).into_owned(),
        ViewCell::Code(code) => csv_text(code).into_owned(),
        ViewCell::Line(n) => n.to_string(),
        ViewCell::Amount(m) => m.display(t.unit, false),
        ViewCell::Count(n) => n.to_string(),
        ViewCell::Score(p) => p.display(),
        ViewCell::Rate(p) => p.display(),
        ViewCell::Empty | ViewCell::NotApplicable => String::new(),
    }
}

/// The CSV bytes of a table (UTF-8 with a byte-order mark, so that Excel opens
/// Chinese text correctly).
pub fn table(t: &TableView) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new().from_writer(vec![0xEF, 0xBB, 0xBF]);
    for h in &t.header {
        let mut record = Vec::new();
        for c in h {
            record.push(csv_text(&c.text).into_owned());
            for _ in 1..c.colspan {
                record.push(String::new());
            }
        }
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    for r in &t.rows {
        let record: Vec<String> = r.cells.iter().map(|c| cell(c, t)).collect();
        w.write_record(&record).map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}
