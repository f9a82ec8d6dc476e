//! Cell formats. rust_xlsxwriter deduplicates equal formats, so they are built
//! where needed from these constructors.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder};

/// The font of the printed forms (宋体; other systems substitute a serif CJK font).
const FONT: &str = "宋体";
/// GB2312 character set, so Excel picks the Chinese font for the text.
const CHARSET: u8 = 134;
/// Header fill: light grey.
const HEADER_FILL: u32 = 0x00D9_D9D9;

/// Number format of amounts: thousands separators, two decimals.
pub(crate) const AMOUNT: &str = "#,##0.00";
/// Number format of percentages stored as fractions.
pub(crate) const PERCENT: &str = "0.00%";
/// Number format of counts and 行次.
pub(crate) const INTEGER: &str = "0";

/// Plain text in the report font.
pub(crate) fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_charset(CHARSET)
}

/// A cell of a table: thin border, vertically centred.
pub(crate) fn cell() -> Format {
    base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

/// A header or 栏次 cell: grey, centred, wrapped; bold unless `plain`.
pub(crate) fn header(plain: bool) -> Format {
    let f = cell()
        .set_align(FormatAlign::Center)
        .set_text_wrap()
        .set_background_color(Color::RGB(HEADER_FILL));
    if plain { f } else { f.set_bold() }
}

/// What a body cell holds, for its alignment and number format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A label, wrapped, indented by its depth.
    Label(u8),
    /// A code (text, left).
    Code,
    /// 行次 (centred integer).
    Line,
    /// An amount.
    Amount,
    /// A count.
    Count,
    /// Points, printed as few decimals as needed.
    Score,
    /// A percentage.
    Rate,
    /// Blank.
    Empty,
    /// `────`.
    NotApplicable,
}

/// The format of a body cell of `kind`, bold for totals and headings.
pub(crate) fn body(kind: Kind, bold: bool) -> Format {
    let f = cell();
    let f = match kind {
        Kind::Label(0) => f.set_align(FormatAlign::Left).set_text_wrap(),
        Kind::Label(indent) => f
            .set_align(FormatAlign::Left)
            .set_indent(indent)
            .set_text_wrap(),
        Kind::Code => f.set_align(FormatAlign::Left),
        Kind::Line => f.set_align(FormatAlign::Center).set_num_format(INTEGER),
        Kind::Amount => f.set_align(FormatAlign::Right).set_num_format(AMOUNT),
        Kind::Count => f.set_align(FormatAlign::Right).set_num_format(INTEGER),
        Kind::Score => f.set_align(FormatAlign::Right),
        Kind::Rate => f.set_align(FormatAlign::Right).set_num_format(PERCENT),
        Kind::Empty => f,
        Kind::NotApplicable => f.set_align(FormatAlign::Center),
    };
    if bold { f.set_bold() } else { f }
}

/// The caption of a table: bold, 14 pt, centred.
pub(crate) fn caption() -> Format {
    base()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
}

/// A line of text above or below a table, aligned as given.
pub(crate) fn line(align: FormatAlign) -> Format {
    base()
        .set_align(align)
        .set_align(FormatAlign::VerticalCenter)
}

/// A note below a table: wrapped, top-left.
pub(crate) fn note() -> Format {
    base()
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::Top)
}

/// A heading of a text sheet; level 1 is the part title.
pub(crate) fn heading(level: u8) -> Format {
    base()
        .set_bold()
        .set_font_size(heading_points(level))
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter)
}

/// A paragraph of a text sheet.
pub(crate) fn paragraph() -> Format {
    note()
}

/// A link to another sheet.
pub(crate) fn link() -> Format {
    cell().set_hyperlink()
}

/// Font size (points) of a heading level, for row heights.
pub(crate) fn heading_points(level: u8) -> u32 {
    match level {
        0 | 1 => 16,
        2 => 14,
        3 => 12,
        _ => 11,
    }
}
