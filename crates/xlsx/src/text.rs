//! A text part (概况, 情况说明, 名词解释, 项目绩效自评) on one sheet: one row per
//! heading or paragraph, charts as small tables of their figures, tables as
//! printed, page breaks where the document has them.

use crate::grid::{lines_at, row_height};
use crate::style::{self, Kind};
use crate::table::{self, merged_text};
use crate::{Fault, col_num};
use juesuan_compose::{Block, Chart, ChartKind, TableView};
use rust_xlsxwriter::{Format, Worksheet};

/// Width of the first column of a sheet without tables (chart categories).
const FIRST_COL: u32 = 40;
/// Width of the other columns (chart figures).
const CHART_COL: u32 = 15;
/// Total column width above which a text sheet prints in landscape.
const LANDSCAPE_ABOVE: u32 = 130;

/// Columns a chart's data takes: category, then per series its values and,
/// for pies, its shares.
fn chart_cols(c: &Chart) -> u32 {
    let per_series = |s: &juesuan_compose::ChartSeries| if s.shares.is_empty() { 1 } else { 2 };
    1 + c.series.iter().map(per_series).sum::<u32>()
}

/// Size of a native chart, in pixels.
const CHART_WIDTH: u32 = 600;
/// Height of a native chart, in pixels.
const CHART_HEIGHT: u32 = 320;

struct Writer<'w> {
    ws: &'w mut Worksheet,
    /// Next free row.
    row: u32,
    /// Column widths.
    widths: Vec<u32>,
    /// Rows that start a new printed page.
    breaks: Vec<u32>,
    /// Whether anything but the part title has been written.
    content: bool,
}

impl Writer<'_> {
    fn width(&self) -> u32 {
        u32::try_from(self.widths.len()).unwrap_or(1).max(1)
    }

    fn text_row(&mut self, text: &str, format: &Format, points: u32) -> Result<(), Fault> {
        // Text spans all columns, in a row as tall as its wrapped lines need.
        merged_text(self.ws, self.row, self.width(), text, format)?;
        let width = self.widths.iter().sum();
        let h = row_height(lines_at(text, width, points), points);
        self.ws.set_row_height(self.row, h)?;
        self.row += 1;
        Ok(())
    }

    fn chart(&mut self, c: &Chart) -> Result<(), Fault> {
        self.text_row(&format!("图：{}", c.title), &style::heading(4), 11)?;
        let head = style::header(false);
        self.ws
            .write_string_with_format(self.row, 0, "项目", &head)?;
        let mut col = 1_u32;
        for s in &c.series {
            let name = if c.unit.is_empty() {
                s.name.clone()
            } else {
                format!("{}（{}）", s.name, c.unit)
            };
            self.ws
                .write_string_with_format(self.row, col_num(col)?, &name, &head)?;
            col += 1;
            if !s.shares.is_empty() {
                self.ws.write_string_with_format(
                    self.row,
                    col_num(col)?,
                    format!("{}占比", s.name),
                    &head,
                )?;
                col += 1;
            }
        }
        self.row += 1;
        let first = self.row;
        let label = style::body(Kind::Label(0), false);
        let amount = style::body(Kind::Amount, false);
        for (i, cat) in c.categories.iter().enumerate() {
            self.ws.write_string_with_format(self.row, 0, cat, &label)?;
            let mut col = 1_u32;
            for s in &c.series {
                let text = s.labels.get(i).map_or("", String::as_str);
                // The printed value is an exact decimal (`3871.65`): a number
                // parsed from it (no arithmetic), or the text as it is.
                match table::exact_decimal(text) {
                    Some(n) => {
                        self.ws
                            .write_number_with_format(self.row, col_num(col)?, n, &amount)?
                    }
                    None => {
                        self.ws
                            .write_string_with_format(self.row, col_num(col)?, text, &amount)?
                    }
                };
                col += 1;
                if !s.shares.is_empty() {
                    let share = s.shares.get(i).map_or("", String::as_str);
                    self.ws
                        .write_string_with_format(self.row, col_num(col)?, share, &amount)?;
                    col += 1;
                }
            }
            self.row += 1;
        }
        if self.row > first {
            self.native_chart(c, first, self.row - 1)?;
        }
        self.row += 1;
        Ok(())
    }

    /// The chart itself, as Excel draws it, from the figures just written in rows
    /// `first..=last` (categories in column A, each series' values in its column):
    /// the same figures as the PDF's chart, and Excel's own if a figure is edited.
    fn native_chart(&mut self, c: &Chart, first: u32, last: u32) -> Result<(), Fault> {
        use rust_xlsxwriter::{Chart as XChart, ChartDataLabel, ChartType};
        let pie = c.kind == ChartKind::Pie;
        let mut chart = XChart::new(if pie {
            ChartType::Pie
        } else {
            ChartType::Column
        });
        chart.title().set_name(&c.title);
        let sheet = self.ws.name();
        let mut col = 1_u32;
        for s in &c.series {
            let values = col_num(col)?;
            let mut label = ChartDataLabel::new();
            label.show_value();
            if pie {
                label.show_percentage();
            }
            chart
                .add_series()
                .set_name(&s.name)
                .set_categories((sheet.as_str(), first, 0, last, 0))
                .set_values((sheet.as_str(), first, values, last, values))
                .set_data_label(&label);
            col += if s.shares.is_empty() { 1 } else { 2 };
        }
        if pie || c.series.len() < 2 {
            chart.legend().set_hidden();
        }
        if !pie {
            // Bars from zero, as the PDF's: Excel would start the axis near the
            // smallest value and exaggerate the differences.
            chart.y_axis().set_min(0);
            if !c.unit.is_empty() {
                chart.y_axis().set_name(&c.unit);
            }
        }
        chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT);
        self.row += 1;
        self.ws.insert_chart(self.row, 0, &chart)?;
        // The rows the chart covers (default rows are 20 px high).
        self.row += CHART_HEIGHT.div_ceil(20);
        Ok(())
    }

    fn table(&mut self, t: &TableView) -> Result<(), Fault> {
        let w = table::write(self.ws, t, self.row, &self.widths)?;
        self.row = w.last + 2;
        Ok(())
    }

    fn page_break(&mut self) {
        if self.content && self.breaks.last() != Some(&self.row) {
            self.breaks.push(self.row);
        }
    }
}

/// Column widths of a text sheet: with tables, the widest each column needs in
/// any of them; without, a 100-unit text width split into a first column for
/// chart categories and narrow ones for chart figures. Text is merged across
/// all columns (a single column wider than the page is not scaled down by
/// LibreOffice when it fits a sheet to the page width; it is cut).
fn sheet_widths(blocks: &[&Block]) -> Vec<u32> {
    let mut widths: Vec<u32> = Vec::new();
    let mut charts = 1_u32;
    for b in blocks {
        match b {
            Block::Table(t) => {
                for (i, w) in table::widths(t).into_iter().enumerate() {
                    match widths.get_mut(i) {
                        Some(x) => *x = (*x).max(w),
                        None => widths.push(w),
                    }
                }
            }
            Block::Chart(c) => charts = charts.max(chart_cols(c)),
            _ => {}
        }
    }
    if widths.is_empty() {
        widths = vec![FIRST_COL, CHART_COL, CHART_COL, CHART_COL, CHART_COL];
    }
    let n = usize::try_from(charts).unwrap_or(1);
    for w in widths.iter_mut().take(n).skip(1) {
        *w = (*w).max(CHART_COL);
    }
    if widths.len() < n {
        widths.resize(n, CHART_COL);
    }
    widths
}

/// Fills `ws` with a part's title and `blocks`.
pub(crate) fn sheet(ws: &mut Worksheet, title: &str, blocks: &[&Block]) -> Result<(), Fault> {
    let widths = sheet_widths(blocks);
    for (c, w) in (0_u32..).zip(&widths) {
        ws.set_column_width(col_num(c)?, *w)?;
    }
    let mut w = Writer {
        ws,
        row: 0,
        widths,
        breaks: Vec::new(),
        content: false,
    };
    w.text_row(title, &style::heading(1), style::heading_points(1))?;
    let paragraph = style::paragraph();
    for b in blocks {
        match b {
            Block::Heading { level, text, .. } => {
                w.text_row(text, &style::heading(*level), style::heading_points(*level))?;
            }
            Block::Paragraph { text } => w.text_row(text, &paragraph, 11)?,
            Block::Table(t) => w.table(t)?,
            Block::Chart(c) => w.chart(c)?,
            Block::PageBreak => {
                w.page_break();
                continue;
            }
        }
        w.content = true;
    }
    if !w.breaks.is_empty() {
        let breaks = std::mem::take(&mut w.breaks);
        w.ws.set_page_breaks(&breaks)?;
    }
    let last_col = col_num(w.width() - 1)?;
    let last_row = w.row.saturating_sub(1);
    w.ws.set_print_area(0, 0, last_row, last_col)?;
    // Wide tables (the project reports' indicator tables) print on landscape
    // pages, so that fitting them to the page width keeps the text legible.
    let landscape = w.widths.iter().sum::<u32>() > LANDSCAPE_ABOVE;
    crate::print_setup(w.ws, landscape);
    Ok(())
}
