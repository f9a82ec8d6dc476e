//! Where spanning cells land: the HTML table model (a cell with `rowspan > 1`
//! makes the rows below omit its columns), turned into absolute grid positions,
//! and the integer text metrics used to size columns and rows.

/// A cell's place in a block of rows: its top-left corner, relative to the
/// block, and how many rows and columns it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    /// Row of the top-left corner, from the first row of the block.
    pub row: u32,
    /// Column of the top-left corner.
    pub col: u32,
    /// Rows covered (at least 1).
    pub rows: u32,
    /// Columns covered (at least 1).
    pub cols: u32,
}

/// Places rows of cells given as `(colspan, rowspan)`, as a browser lays out a
/// `<thead>` or `<tbody>`: each cell takes the next column not covered by a
/// rowspan from a row above; a rowspan never reaches past the last row of the
/// block, and a colspan stops before a column that is already covered (so no
/// two cells ever overlap, which Excel would reject). Spans of 0 count as 1.
///
/// Returns the places, row by row and cell by cell as given, and the width of
/// the block (one past the rightmost column covered).
pub(crate) fn place(rows: &[Vec<(u32, u32)>]) -> (Vec<Vec<Place>>, u32) {
    let n = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    // Rows still covered in each column by a cell from a row above (or this row).
    let mut busy: Vec<u32> = Vec::new();
    let mut width = 0_u32;
    let mut out = Vec::with_capacity(rows.len());
    for (r, cells) in (0_u32..).zip(rows) {
        let mut placed = Vec::with_capacity(cells.len());
        let mut col = 0_usize;
        for &(colspan, rowspan) in cells {
            while busy.get(col).is_some_and(|&b| b > 0) {
                col += 1;
            }
            let wanted = usize::try_from(colspan.max(1)).unwrap_or(1);
            let mut cols = 0_usize;
            while cols < wanted && busy.get(col + cols).is_none_or(|&b| b == 0) {
                cols += 1;
            }
            let rows_left = n.saturating_sub(r).max(1);
            let span_rows = rowspan.clamp(1, rows_left);
            if busy.len() < col + cols {
                busy.resize(col + cols, 0);
            }
            for b in busy.iter_mut().skip(col).take(cols) {
                *b = span_rows;
            }
            let p = Place {
                row: r,
                col: u32::try_from(col).unwrap_or(u32::MAX),
                rows: span_rows,
                cols: u32::try_from(cols).unwrap_or(1),
            };
            width = width.max(p.col.saturating_add(p.cols));
            placed.push(p);
            col += cols;
        }
        for b in &mut busy {
            *b = b.saturating_sub(1);
        }
        out.push(placed);
    }
    (out, width)
}

/// Width of a text in Excel column units: its display width by Unicode's East
/// Asian Width (unicode-width): one for ASCII and narrow characters (curly
/// quotes and dashes included), two for a Chinese one.
pub(crate) fn text_units(s: &str) -> u32 {
    u32::try_from(unicode_width::UnicodeWidthStr::width(s)).unwrap_or(u32::MAX)
}

/// Lines a wrapped 11-pt text needs in a cell `width` units wide; explicit
/// line breaks start new lines. Errs on the side of one line too many: a
/// Chinese character at 11 pt is a little wider than two units, and a unit
/// is lost to the cell's padding.
pub(crate) fn lines(text: &str, width: u32) -> u32 {
    let usable = usable(width);
    text.split('\n')
        .map(|l| text_units(l).div_ceil(usable).max(1))
        .sum::<u32>()
        .max(1)
}

/// Units of text one line of a cell `width` units wide holds, by [`lines`]'s
/// reckoning.
fn usable(width: u32) -> u32 {
    width.saturating_sub(width / 16 + 1).max(1)
}

/// The narrowest cell width in which a text of `units` takes one line.
pub(crate) fn fit_width(units: u32) -> u32 {
    let mut w = units.saturating_add(1);
    while usable(w) < units {
        w += 1;
    }
    w
}

/// Lines `text` takes in `width` units at a font size of `points`.
pub(crate) fn lines_at(text: &str, width: u32, points: u32) -> u32 {
    lines(text, width.saturating_mul(11) / points.max(1))
}

/// Height (points) of a row of `lines` lines at a font size of `points`: about
/// 1.4 line spacing (CJK fonts draw taller lines than Latin ones) and padding.
///
/// Rows holding wrapped text get an explicit height because spreadsheets do
/// not re-measure rows when they open a file (LibreOffice prints them one line
/// high), and never size rows of merged cells.
pub(crate) fn row_height(lines: u32, points: u32) -> u32 {
    lines.max(1) * (points * 27 / 20 + 2) + 4
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn p(row: u32, col: u32, rows: u32, cols: u32) -> Place {
        Place {
            row,
            col,
            rows,
            cols,
        }
    }

    #[test]
    fn header_with_rowspans() {
        // 公开02表: 项目(2) then six columns spanning both header rows; the second
        // row only names the two columns under 项目.
        let (places, width) = place(&[vec![(2, 1), (1, 2), (1, 2), (1, 2)], vec![(1, 1), (1, 1)]]);
        assert_eq!(width, 5);
        assert_eq!(
            places[0],
            vec![p(0, 0, 1, 2), p(0, 2, 2, 1), p(0, 3, 2, 1), p(0, 4, 2, 1)]
        );
        assert_eq!(places[1], vec![p(1, 0, 1, 1), p(1, 1, 1, 1)]);
    }

    #[test]
    fn three_level_header() {
        // 公开07表 (one half): 合计, 出国 span two rows; 车 spans three columns.
        let (places, width) = place(&[
            vec![(5, 1)],
            vec![(1, 2), (1, 2), (3, 1), (1, 2)],
            vec![(1, 1), (1, 1), (1, 1)],
        ]);
        assert_eq!(width, 6);
        assert_eq!(places[1][3], p(1, 5, 2, 1));
        assert_eq!(places[2], vec![p(2, 2, 1, 1), p(2, 3, 1, 1), p(2, 4, 1, 1)]);
    }

    #[test]
    fn nested_body_rowspans() {
        // An indicator table: 一级 spans 3 rows, 二级 spans 2, then 1.
        let (places, _) = place(&[
            vec![(1, 3), (1, 2), (1, 1), (1, 1)],
            vec![(1, 1), (1, 1)],
            vec![(1, 1), (1, 1), (1, 1)],
            vec![(1, 1), (1, 1), (1, 1), (1, 1)],
        ]);
        assert_eq!(places[1], vec![p(1, 2, 1, 1), p(1, 3, 1, 1)]);
        assert_eq!(places[2], vec![p(2, 1, 1, 1), p(2, 2, 1, 1), p(2, 3, 1, 1)]);
        assert_eq!(places[3][0], p(3, 0, 1, 1));
    }

    #[test]
    fn spans_are_clipped_never_overlap() {
        // A rowspan past the last row is cut; a colspan running into a column
        // covered from above stops before it; zero spans count as one.
        let (places, width) = place(&[vec![(0, 0), (1, 5)], vec![(3, 1)]]);
        assert_eq!(places[0], vec![p(0, 0, 1, 1), p(0, 1, 2, 1)]);
        assert_eq!(places[1], vec![p(1, 0, 1, 1)]);
        assert_eq!(width, 2);
    }

    #[test]
    fn metrics() {
        assert_eq!(text_units("公开01表"), 8);
        assert_eq!(text_units("44,592,816.01"), 13);
        assert_eq!(lines("", 10), 1);
        assert_eq!(lines("一二三四五", 11), 1);
        assert_eq!(lines("一二三四五六", 11), 2);
        assert_eq!(lines(&"一".repeat(46), 100), 1);
        assert_eq!(lines(&"一".repeat(47), 100), 2);
        assert_eq!(lines("", fit_width(0)), 1);
        for units in [1, 8, 15, 16, 32, 60, 100] {
            let w = fit_width(units);
            let text = "a".repeat(usize::try_from(units).unwrap());
            assert_eq!(lines(&text, w), 1, "{units} in {w}");
            assert_eq!(lines(&format!("{text}a"), w), 2, "{units}+1 in {w}");
        }
        assert_eq!(row_height(1, 11), 20);
        assert_eq!(row_height(2, 11), 36);
        assert_eq!(lines("a\nb", 10), 2);
    }
}
