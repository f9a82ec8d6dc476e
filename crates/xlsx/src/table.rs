//! One `TableView` laid out on a worksheet as the printed form is: caption,
//! table number, 部门/年度/单位 line, header rows and 栏次 with their spans as
//! merged cells, body rows, 注 and 说明 below.

use crate::grid::{Place, fit_width, lines, place, row_height, text_units};
use crate::style::{self, Kind};
use crate::{Fault, col_num};
use juesuan_compose::{HeaderCell, RowStyle, TableView, ViewCell};
use juesuan_model::AmountUnit;
use rust_xlsxwriter::{Format, FormatAlign, IgnoreError, Worksheet};

/// Rows of the caption block above the header of a numbered table: caption,
/// table number, 部门/年度/单位 line.
pub(crate) const CAPTION_ROWS: u32 = 3;

/// Where a table went on its sheet (absolute, zero-based rows).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Written {
    /// First and last header row (including 栏次), if any.
    pub header: Option<(u32, u32)>,
    /// First body row.
    pub body: u32,
    /// Last row used, notes included.
    pub last: u32,
    /// Columns.
    pub width: u32,
    /// Leading label columns (codes and names) worth freezing.
    pub label_cols: u32,
}

/// A value to put into a cell.
#[derive(Clone, Debug)]
enum Value {
    Text(String),
    Number(f64),
    Blank,
}

/// Spans of a body cell.
fn spans(c: &ViewCell) -> (u32, u32) {
    match c {
        ViewCell::Text {
            colspan, rowspan, ..
        } => (*colspan, *rowspan),
        _ => (1, 1),
    }
}

/// The exact decimal `text` as an Excel number.
///
/// This is the crate's one float edge: Excel stores numbers as IEEE doubles, so
/// an amount (integer fen, displayed by `juesuan_model` as an exact decimal
/// string such as `44592816.01`) becomes the double nearest to that decimal by
/// parsing the string. No arithmetic is ever done on the double; Excel and
/// every reader print it back as the same decimal (doubles keep 15 significant
/// digits, far more than any amount below 10 万亿元 with two decimals needs).
fn decimal(text: &str) -> Result<f64, Fault> {
    exact_decimal(text).ok_or_else(|| Fault::Number(text.to_string()))
}

/// `text` as a number if it is a plain decimal (`-1234.5`): digits, at most one
/// point, an optional leading minus. `inf`, `NaN`, exponents and separators are
/// not numbers here.
pub(crate) fn exact_decimal(text: &str) -> Option<f64> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let points = body.chars().filter(|&c| c == '.').count();
    if digits == 0 || points > 1 || digits + points != body.chars().count() {
        return None;
    }
    text.parse::<f64>().ok()
}

/// `Percent` hundredths of a percent as the exact fraction Excel's `0.00%` shows:
/// 1289 (12.89 %) → `0.1289`.
fn percent_fraction(hundredths: i64) -> String {
    let v = hundredths.unsigned_abs();
    let sign = if hundredths < 0 { "-" } else { "" };
    format!("{sign}{}.{:04}", v / 10_000, v % 10_000)
}

/// The value and kind of a body cell.
fn value(c: &ViewCell, unit: AmountUnit) -> Result<(Value, Kind), Fault> {
    Ok(match c {
        ViewCell::Text { text, indent, .. } => {
            let v = if text.is_empty() {
                Value::Blank
            } else {
                Value::Text(text.clone())
            };
            (v, Kind::Label(*indent))
        }
        // Codes stay text: `2013801` is a classification, not a quantity.
        ViewCell::Code(code) => (Value::Text(code.clone()), Kind::Code),
        ViewCell::Link { text, .. } => (Value::Text(text.clone()), Kind::Label(0)),
        ViewCell::Line(n) => (Value::Number(f64::from(*n)), Kind::Line),
        ViewCell::Amount(m) => (
            Value::Number(decimal(&m.display(unit, false))?),
            Kind::Amount,
        ),
        ViewCell::Count(n) => (Value::Number(decimal(&n.to_string())?), Kind::Count),
        // Points are exact hundredths printed with as few decimals as needed
        // (`8`, `2.5`, `3.33`): a number in the General format shows the same.
        ViewCell::Score(p) => (Value::Number(decimal(&p.display())?), Kind::Score),
        // Percentages are exact hundredths of a percent: the fraction with four
        // decimals, shown by `0.00%` as the report prints it (`100.00%`).
        ViewCell::Rate(p) => (
            Value::Number(decimal(&percent_fraction(p.hundredths()))?),
            Kind::Rate,
        ),
        ViewCell::Empty => (Value::Blank, Kind::Empty),
        ViewCell::NotApplicable => (Value::Text("────".to_string()), Kind::NotApplicable),
    })
}

/// Writes `value` at `p` (relative to `top`), merging the cells it covers.
fn put(
    ws: &mut Worksheet,
    top: u32,
    p: Place,
    value: &Value,
    format: &Format,
) -> Result<(), Fault> {
    let row = top.saturating_add(p.row);
    let col = col_num(p.col)?;
    if p.rows > 1 || p.cols > 1 {
        let last_row = row.saturating_add(p.rows - 1);
        let last_col = col_num(p.col.saturating_add(p.cols - 1))?;
        let text = match value {
            Value::Text(s) => s.as_str(),
            _ => "",
        };
        ws.merge_range(row, col, last_row, last_col, text, format)?;
        if let Value::Number(n) = value {
            ws.write_number_with_format(row, col, *n, format)?;
        }
        return Ok(());
    }
    match value {
        Value::Text(s) => ws.write_string_with_format(row, col, s, format)?,
        Value::Number(n) => ws.write_number_with_format(row, col, *n, format)?,
        Value::Blank => ws.write_blank(row, col, format)?,
    };
    Ok(())
}

/// Gives every cell of a `rows` × `width` block not covered by `places` a
/// bordered blank, so the table's grid is complete.
fn fill_holes(
    ws: &mut Worksheet,
    top: u32,
    places: &[Vec<Place>],
    width: u32,
    format: impl Fn(usize) -> Format,
) -> Result<(), Fault> {
    let w = usize::try_from(width).unwrap_or(0);
    let mut covered = vec![vec![false; w]; places.len()];
    for p in places.iter().flatten() {
        for r in p.row..p.row.saturating_add(p.rows) {
            for c in p.col..p.col.saturating_add(p.cols) {
                let (Ok(r), Ok(c)) = (usize::try_from(r), usize::try_from(c)) else {
                    continue;
                };
                if let Some(cell) = covered.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *cell = true;
                }
            }
        }
    }
    for (r, row) in (0_u32..).zip(&covered) {
        for (c, &done) in (0_u32..).zip(row) {
            if !done {
                let fmt = format(usize::try_from(r).unwrap_or(0));
                ws.write_blank(top.saturating_add(r), col_num(c)?, &fmt)?;
            }
        }
    }
    Ok(())
}

/// Header rows followed by the 栏次 row, placed as one block (as `<thead>`).
fn header_block(t: &TableView) -> Vec<&[HeaderCell]> {
    t.header
        .iter()
        .map(Vec::as_slice)
        .chain(t.numbers.as_deref())
        .collect()
}

fn header_places(t: &TableView) -> (Vec<Vec<Place>>, u32) {
    let rows: Vec<Vec<(u32, u32)>> = header_block(t)
        .iter()
        .map(|r| r.iter().map(|c| (c.colspan, c.rowspan)).collect())
        .collect();
    place(&rows)
}

fn body_places(t: &TableView) -> (Vec<Vec<Place>>, u32) {
    let rows: Vec<Vec<(u32, u32)>> = t
        .rows
        .iter()
        .map(|r| r.cells.iter().map(spans).collect())
        .collect();
    place(&rows)
}

/// What a column holds, for its width.
#[derive(Clone, Copy, Debug, Default)]
struct ColUse {
    /// Widest label (with its indent), when the column has labels.
    label: Option<u32>,
    /// Widest code.
    code: Option<u32>,
    /// Widest amount as printed with separators.
    amount: Option<u32>,
    line: bool,
    count: bool,
    score: bool,
    rate: bool,
    /// Widest header text of a cell one column wide.
    header: u32,
}

fn max_opt(a: Option<u32>, b: u32) -> Option<u32> {
    Some(a.map_or(b, |a| a.max(b)))
}

fn col_uses(t: &TableView) -> Vec<ColUse> {
    let (hp, hw) = header_places(t);
    let (bp, bw) = body_places(t);
    let mut uses = vec![ColUse::default(); usize::try_from(hw.max(bw)).unwrap_or(0)];
    for (cells, places) in header_block(t).iter().zip(&hp) {
        for (c, p) in cells.iter().zip(places) {
            if p.cols == 1
                && let Some(u) = usize::try_from(p.col).ok().and_then(|i| uses.get_mut(i))
            {
                u.header = u.header.max(text_units(&c.text));
            }
        }
    }
    for (row, places) in t.rows.iter().zip(&bp) {
        for (c, p) in row.cells.iter().zip(places) {
            if p.cols != 1 {
                continue;
            }
            let Some(u) = usize::try_from(p.col).ok().and_then(|i| uses.get_mut(i)) else {
                continue;
            };
            match c {
                ViewCell::Text { text, indent, .. } => {
                    let w = fit_width(text_units(text)) + 2 * u32::from(*indent);
                    u.label = max_opt(u.label, w);
                }
                ViewCell::Code(code) => u.code = max_opt(u.code, text_units(code)),
                ViewCell::Link { text, .. } => {
                    u.label = max_opt(u.label, fit_width(text_units(text)))
                }
                ViewCell::Amount(m) => {
                    u.amount = max_opt(u.amount, text_units(&m.display(t.unit, true)));
                }
                ViewCell::Line(_) => u.line = true,
                ViewCell::Count(_) => u.count = true,
                ViewCell::Score(_) => u.score = true,
                ViewCell::Rate(_) => u.rate = true,
                ViewCell::Empty | ViewCell::NotApplicable => {}
            }
        }
    }
    uses
}

/// Column widths (Excel character units) the table wants: names 10–40 as their
/// longest text needs (longer ones wrap; 10–24 in a table inside a text, whose
/// columns are many and whose texts are long), codes ~10, amounts ~16, 行次 6.
pub(crate) fn widths(t: &TableView) -> Vec<u32> {
    let widest_label = if t.number.is_empty() { 24 } else { 40 };
    col_uses(t)
        .iter()
        .map(|u| {
            let body = if let Some(l) = u.label {
                l.clamp(10, widest_label)
            } else if let Some(c) = u.code {
                (c + 3).clamp(8, 14)
            } else if let Some(a) = u.amount {
                (a + 3).clamp(14, 22)
            } else if u.rate || u.count {
                10
            } else if u.score {
                8
            } else if u.line {
                6
            } else {
                12
            };
            // A header wraps, but should not need more than two or three lines.
            body.max((u.header + 2).min(12))
        })
        .collect()
}

/// Leading columns of codes and names, when no other column holds labels.
fn label_cols(t: &TableView) -> u32 {
    let uses = col_uses(t);
    let is_label = |u: &ColUse| u.label.is_some() || u.code.is_some();
    let lead = uses.iter().take_while(|u| is_label(u)).count();
    if uses.iter().skip(lead).any(is_label) {
        return 0;
    }
    u32::try_from(lead).unwrap_or(0)
}

/// Sum of the widths of columns `from..from + n`.
fn span_width(widths: &[u32], from: u32, n: u32) -> u32 {
    widths
        .iter()
        .skip(usize::try_from(from).unwrap_or(usize::MAX))
        .take(usize::try_from(n).unwrap_or(0))
        .sum()
}

/// Writes text merged across columns `0..width` of `row` (a single cell when
/// the width is one column).
pub(crate) fn merged_text(
    ws: &mut Worksheet,
    row: u32,
    width: u32,
    text: &str,
    format: &Format,
) -> Result<(), Fault> {
    if width > 1 {
        ws.merge_range(row, 0, row, col_num(width - 1)?, text, format)?;
    } else {
        ws.write_string_with_format(row, 0, text, format)?;
    }
    Ok(())
}

/// Columns of the 部门/年度/单位 line: the org line from the left and the unit
/// line from the right take a third of the columns each, more when their text
/// needs it, leaving at least one column in the middle for the year. For
/// `width ≥ 3` the result always has `left ≥ 1`, `right ≥ 1` and
/// `left + right < width`, however long the texts are (a long department name
/// wraps in its cells; it never pushes the line past the table).
fn meta_split(widths: &[u32], width: u32, org: &str, unit: &str) -> (u32, u32) {
    if width < 3 {
        return (1, 1);
    }
    let side = (width / 3).max(1);
    let mut left = side;
    while left + 2 < width && span_width(widths, 0, left) < text_units(org) + 2 {
        left += 1;
    }
    // The org line may have taken the unit line's third: keep one column for
    // the year and one for the unit.
    let mut right = side.min(width - left - 1);
    while left + right + 1 < width
        && span_width(widths, width - right, right) < text_units(unit) + 2
    {
        right += 1;
    }
    (left, right)
}

/// Writes the 部门/年度/单位 line: left, centre and right.
fn meta_line(
    ws: &mut Worksheet,
    row: u32,
    width: u32,
    widths: &[u32],
    t: &TableView,
) -> Result<(), Fault> {
    if width < 3 {
        let text = [&t.org_line, &t.year_line, &t.unit_line]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("　　");
        return merged_text(ws, row, width, &text, &style::line(FormatAlign::Left));
    }
    let (left, right) = meta_split(widths, width, &t.org_line, &t.unit_line);
    let parts = [
        (0, left, &t.org_line, FormatAlign::Left),
        (
            left,
            width - left - right,
            &t.year_line,
            FormatAlign::Center,
        ),
        (width - right, right, &t.unit_line, FormatAlign::Right),
    ];
    for (col, n, text, align) in parts {
        let p = Place {
            row: 0,
            col,
            rows: 1,
            cols: n,
        };
        let v = if text.is_empty() {
            Value::Blank
        } else {
            Value::Text(text.clone())
        };
        put(ws, row, p, &v, &style::line(align))?;
    }
    Ok(())
}

/// Writes `t` from row `top` down. `widths` are the sheet's column widths (for
/// row heights of wrapped merged text); the caller sets them.
pub(crate) fn write(
    ws: &mut Worksheet,
    t: &TableView,
    top: u32,
    widths: &[u32],
) -> Result<Written, Fault> {
    let (hp, hw) = header_places(t);
    let (bp, bw) = body_places(t);
    let width = hw.max(bw).max(1);
    let mut row = top;

    // Caption block: only numbered tables have one (a table inside a text is
    // introduced by the heading before it).
    if !t.number.is_empty() {
        merged_text(ws, row, width, &t.title, &style::caption())?;
        ws.set_row_height(row, 28)?;
        merged_text(
            ws,
            row + 1,
            width,
            &t.number,
            &style::line(FormatAlign::Right),
        )?;
        meta_line(ws, row + 2, width, widths, t)?;
        row += CAPTION_ROWS;
    }

    // Header rows and 栏次.
    let block = header_block(t);
    let header = if block.is_empty() {
        None
    } else {
        let numbers_row = t.numbers.as_ref().map(|_| block.len() - 1);
        let mut need = vec![1_u32; block.len()];
        for (r, (cells, places)) in block.iter().zip(&hp).enumerate() {
            let plain = numbers_row == Some(r);
            for (c, p) in cells.iter().zip(places) {
                let fmt = style::header(plain);
                let v = if c.text.is_empty() {
                    Value::Blank
                } else {
                    Value::Text(c.text.clone())
                };
                put(ws, row, *p, &v, &fmt)?;
                // Lines this cell needs in each of the rows it covers.
                let l = lines(&c.text, span_width(widths, p.col, p.cols)).div_ceil(p.rows);
                for n in need
                    .iter_mut()
                    .skip(r)
                    .take(usize::try_from(p.rows).unwrap_or(1))
                {
                    *n = (*n).max(l);
                }
            }
        }
        fill_holes(ws, row, &hp, width, |r| {
            style::header(numbers_row == Some(r))
        })?;
        for (r, n) in (0_u32..).zip(&need) {
            ws.set_row_height(row + r, row_height(*n, 11))?;
        }
        let first = row;
        row += u32::try_from(block.len()).unwrap_or(0);
        Some((first, row - 1))
    };

    // Body. Rows whose labels wrap get the height they need.
    let body = row;
    let mut need = vec![1_u32; t.rows.len()];
    for (r, (vr, places)) in t.rows.iter().zip(&bp).enumerate() {
        let bold = matches!(
            vr.style,
            RowStyle::Total | RowStyle::Class | RowStyle::Heading
        );
        for (c, p) in vr.cells.iter().zip(places) {
            let (v, kind) = value(c, t.unit)?;
            put(ws, body, *p, &v, &style::body(kind, bold))?;
            if let ViewCell::Text { text, indent, .. } = c {
                let width =
                    span_width(widths, p.col, p.cols).saturating_sub(2 * u32::from(*indent));
                let l = lines(text, width).div_ceil(p.rows);
                for n in need
                    .iter_mut()
                    .skip(r)
                    .take(usize::try_from(p.rows).unwrap_or(1))
                {
                    *n = (*n).max(l);
                }
            }
        }
    }
    for (r, n) in (0_u32..).zip(&need) {
        if *n > 1 {
            ws.set_row_height(body + r, row_height(*n, 11))?;
        }
    }
    fill_holes(ws, body, &bp, width, |r| {
        let bold = t.rows.get(r).is_some_and(|r| {
            matches!(
                r.style,
                RowStyle::Total | RowStyle::Class | RowStyle::Heading
            )
        });
        style::body(Kind::Empty, bold)
    })?;
    row = body + u32::try_from(t.rows.len()).unwrap_or(0);
    let table_last = row.saturating_sub(1).max(header.map_or(body, |h| h.1));
    // Codes and 栏次 are text that looks like numbers: no green triangles.
    let first = header.map_or(body, |h| h.0);
    if table_last >= first && (t.numbers.is_some() || !t.rows.is_empty()) {
        ws.ignore_error_range(
            first,
            0,
            table_last,
            col_num(width - 1)?,
            IgnoreError::NumberStoredAsText,
        )?;
    }

    // 注 and 说明.
    let total_width = span_width(widths, 0, width);
    for text in t.note.iter().chain(&t.empty_note) {
        merged_text(ws, row, width, text, &style::note())?;
        ws.set_row_height(row, row_height(lines(text, total_width), 11))?;
        row += 1;
    }

    Ok(Written {
        header,
        body,
        last: row.saturating_sub(1).max(table_last),
        width,
        label_cols: label_cols(t),
    })
}

/// Fills `ws` with a numbered table on its own sheet, with print setup: A4,
/// landscape if the form is, one page wide, header rows repeated, centred.
pub(crate) fn sheet(ws: &mut Worksheet, t: &TableView) -> Result<(), Fault> {
    let widths = widths(t);
    for (c, w) in (0_u32..).zip(&widths) {
        ws.set_column_width(col_num(c)?, *w)?;
    }
    let w = write(ws, t, 0, &widths)?;
    let freeze_cols = if w.width > w.label_cols + 2 {
        w.label_cols
    } else {
        0
    };
    ws.set_freeze_panes(w.body, col_num(freeze_cols)?)?;
    if let Some((first, last)) = w.header {
        ws.set_repeat_rows(first, last)?;
    }
    ws.set_print_area(0, 0, w.last, col_num(w.width - 1)?)?;
    crate::print_setup(ws, t.landscape);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use juesuan_model::{Percent, Points};

    #[test]
    fn meta_line_gives_long_texts_room() {
        // Thirds when they suffice.
        assert_eq!(
            meta_split(
                &[34, 6, 16, 34, 6, 16],
                6,
                "部门名称：晋城市市场监督管理局",
                "金额单位：元"
            ),
            (2, 2)
        );
        // A long org line takes more columns; the year keeps one.
        assert_eq!(
            meta_split(
                &[12, 12, 14, 14, 14],
                5,
                "部门名称：晋城市市场监督管理局",
                "单位：元"
            ),
            (3, 1)
        );
        assert_eq!(
            meta_split(
                &[8, 8, 8],
                3,
                "部门名称：晋城市市场监督管理局",
                "金额单位：元"
            ),
            (1, 1)
        );
    }

    /// Issue 10 (8): with a department name too long for two thirds of a table
    /// of nine or more columns, the unit line's third was still subtracted:
    /// `width − left − right` wrapped around and the year line became a merged
    /// range billions of columns wide (“超出 Excel 的行列上限”).
    #[test]
    fn long_department_name_keeps_the_meta_line_inside_the_table() {
        let org = format!("部门名称：{}", "很".repeat(200));
        for width in 3..=30_u32 {
            let widths = vec![12; usize::try_from(width).unwrap()];
            let (left, right) = meta_split(&widths, width, &org, "金额单位：元");
            assert!(
                left >= 1 && right >= 1 && left + right < width,
                "{width}: {left} {right}"
            );
        }
    }

    #[test]
    fn only_plain_decimals_are_numbers() {
        assert_eq!(
            exact_decimal("3871.65").map(|x| x.to_string()),
            Some("3871.65".into())
        );
        assert_eq!(
            exact_decimal("-0.5").map(|x| x.to_string()),
            Some("-0.5".into())
        );
        assert_eq!(
            exact_decimal("12").map(|x| x.to_string()),
            Some("12".into())
        );
        for bad in [
            "", "-", ".", "inf", "NaN", "1e5", "1,234.00", "1.2.3", "86.82%", " 1",
        ] {
            assert!(exact_decimal(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn numbers_are_exact_decimals() {
        assert_eq!(percent_fraction(1289), "0.1289");
        assert_eq!(percent_fraction(10_000), "1.0000");
        assert_eq!(percent_fraction(-5), "-0.0005");
        let (v, k) = value(
            &ViewCell::Rate(Percent::from_hundredths(1289)),
            AmountUnit::Yuan,
        )
        .unwrap();
        assert_eq!(k, Kind::Rate);
        assert!(matches!(v, Value::Number(n) if n.to_string() == "0.1289"));
        let (v, _) = value(
            &ViewCell::Score(Points::from_hundredths(333)),
            AmountUnit::Yuan,
        )
        .unwrap();
        assert!(matches!(v, Value::Number(n) if n.to_string() == "3.33"));
        let m = juesuan_model::Money::from_fen(4_459_281_601);
        let (v, _) = value(&ViewCell::Amount(m), AmountUnit::Yuan).unwrap();
        assert!(matches!(v, Value::Number(n) if n.to_string() == "44592816.01"));
        let (v, _) = value(&ViewCell::Amount(m), AmountUnit::Wan).unwrap();
        assert!(matches!(v, Value::Number(n) if n.to_string() == "4459.28"));
        let (v, k) = value(&ViewCell::Code("2013801".into()), AmountUnit::Yuan).unwrap();
        assert_eq!(k, Kind::Code);
        assert!(matches!(v, Value::Text(s) if s == "2013801"));
    }
}
