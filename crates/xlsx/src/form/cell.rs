//! Cell values as the importer understands them: amounts (exact fen), counts,
//! scores, codes and texts, from what people type into a spreadsheet — numbers,
//! text with thousands separators, full-width digits, trailing spaces.
//!
//! The one place a float becomes money is [`decimal_of_f64`]: Excel stores every
//! number as an IEEE double and shows it with 15 significant digits; the double
//! is formatted with 15 significant digits (that is the rounding, done once, by
//! the formatter — no float arithmetic) and the resulting decimal text is read
//! exactly. So `1234.56` typed in Excel is 123,456 fen, `=0.1+0.2` is 0.30 元,
//! and `1234.565` is an error (three decimals), never a silently rounded amount.

use juesuan_model::{MAX_ABS_FEN, Money, Points};

/// A cell's value as read from the workbook.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    /// Nothing.
    Empty,
    /// Text (shared or inline string), as stored.
    Text(String),
    /// A number.
    Number(f64),
    /// TRUE / FALSE.
    Bool(bool),
    /// A date or time (a number Excel formats as a date).
    Date,
    /// An error value such as `#REF!`.
    Error(String),
}

/// A cell: its value and whether a formula computed it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cell {
    /// Cached or literal value.
    pub value: Value,
    /// A formula cell (the value is the formula's cached result).
    pub formula: bool,
}

/// The unit amounts on a sheet are stated in (金额单位).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    /// 元
    Yuan,
    /// 万元
    Wan,
    /// 亿元
    Yi,
}

impl Unit {
    /// Fen in one unit.
    fn fen(self) -> i128 {
        match self {
            Unit::Yuan => 100,
            Unit::Wan => 1_000_000,
            Unit::Yi => 10_000_000_000,
        }
    }

    /// `元`, `万元`, `亿元`.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
        }
    }

    /// Decimals of this unit that are still whole fen.
    fn max_decimals(self) -> u32 {
        match self {
            Unit::Yuan => 2,
            Unit::Wan => 6,
            Unit::Yi => 10,
        }
    }

    /// Parses `元`, `万元`, `亿元`.
    pub fn from_label(s: &str) -> Option<Unit> {
        match s.trim() {
            "元" => Some(Unit::Yuan),
            "万元" => Some(Unit::Wan),
            "亿元" => Some(Unit::Yi),
            _ => None,
        }
    }
}

/// An exact decimal: `digits × 10^-decimals`, with its sign in `digits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    /// All digits as an integer.
    pub digits: i128,
    /// Digits after the point.
    pub decimals: u32,
}

impl Decimal {
    /// As text, without exponent and without trailing zeros after the point:
    /// `1234.5`, `60`, `-0.25`.
    pub fn text(self) -> String {
        let neg = self.digits < 0;
        let v = self.digits.unsigned_abs();
        let p = 10_u128.pow(self.decimals);
        let int = v / p;
        let frac = v % p;
        let mut s = if self.decimals == 0 {
            int.to_string()
        } else {
            let f = format!("{frac:0w$}", w = self.decimals as usize);
            let f = f.trim_end_matches('0');
            if f.is_empty() {
                int.to_string()
            } else {
                format!("{int}.{f}")
            }
        };
        if neg && v != 0 {
            s.insert(0, '-');
        }
        s
    }
}

/// The number Excel shows for a double: 15 significant digits, read exactly.
/// `None` for infinities and NaN (which a cell cannot hold anyway).
///
/// This is the importer's float edge (see the module documentation).
pub(crate) fn decimal_of_f64(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    // `d.dddddddddddddde±x`: 15 significant digits, rounded by the formatter.
    let s = format!("{v:.14e}");
    let (mantissa, exp) = s.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let neg = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut d: i128 = digits.parse().ok()?;
    // value = d × 10^(exp − 14)
    let mut e = exp - 14;
    while d != 0 && d % 10 == 0 {
        d /= 10;
        e += 1;
    }
    if d == 0 {
        return Some(Decimal {
            digits: 0,
            decimals: 0,
        });
    }
    let d = if neg { -d } else { d };
    if e >= 0 {
        let scale = 10_i128.checked_pow(u32::try_from(e).ok()?)?;
        Some(Decimal {
            digits: d.checked_mul(scale)?,
            decimals: 0,
        })
    } else {
        Some(Decimal {
            digits: d,
            decimals: e.unsigned_abs(),
        })
    }
}

/// Maps full-width digits and punctuation (a Chinese IME's) to ASCII.
pub(crate) fn halfwidth(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        'Ａ'..='Ｚ' => char::from_u32(c as u32 - 'Ａ' as u32 + 'A' as u32).unwrap_or(c),
        'ａ'..='ｚ' => char::from_u32(c as u32 - 'ａ' as u32 + 'a' as u32).unwrap_or(c),
        '．' | '。' => '.',
        '，' => ',',
        '－' | '−' | '—' | '–' => '-',
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        '％' => '%',
        '\u{3000}' | '\u{a0}' => ' ',
        _ => c,
    }
}

/// Why a cell is not an amount (a Chinese message).
fn not_amount(original: &str) -> String {
    format!("“{original}” 不是金额（应为如 1,234.56 的数字）")
}

/// Reads a decimal as people type it: `1,234.56`, `１２３４．５`, `(1,234.50)`,
/// `-5`, with spaces anywhere. Thousands separators must be in the right places.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let original = text.trim();
    let s: String = original
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err("金额为空".to_string());
    }
    let (neg, body) = if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        (true, inner)
    } else if let Some(rest) = s.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = s.strip_prefix('+') {
        (false, rest)
    } else {
        (false, s.as_str())
    };
    let (int_part, frac) = body.split_once('.').unwrap_or((body, ""));
    if int_part.is_empty() && frac.is_empty() {
        return Err(not_amount(original));
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    if groups
        .iter()
        .any(|g| !g.bytes().all(|b| b.is_ascii_digit()))
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(not_amount(original));
    }
    if groups.len() > 1
        && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3))
    {
        return Err(format!(
            "金额 “{original}” 的千分位逗号位置不对（应为如 44,592,816.01）"
        ));
    }
    let frac = frac.trim_end_matches('0');
    let all = format!("{}{frac}", groups.concat());
    let all = all.trim_start_matches('0');
    if all.len() > 30 {
        return Err(format!("金额 “{original}” 超出可处理范围（10 万亿元）"));
    }
    let v: i128 = if all.is_empty() {
        0
    } else {
        all.parse().map_err(|_| not_amount(original))?
    };
    Ok(Decimal {
        digits: if neg { -v } else { v },
        decimals: u32::try_from(frac.len()).unwrap_or(u32::MAX),
    })
}

/// A decimal in `unit` as fen: exact, or an error when it has more decimals than
/// fen allow (元: 2, 万元: 6) or is out of range.
fn fen_of(d: Decimal, unit: Unit, shown: &str) -> Result<Money, String> {
    if d.decimals > unit.max_decimals() {
        return Err(if unit == Unit::Yuan {
            format!("金额 “{shown}” 超过两位小数：金额精确到分，最多两位小数")
        } else {
            format!(
                "金额 “{shown}” {} 不是整分（{}最多 {} 位小数）",
                unit.label(),
                unit.label(),
                unit.max_decimals()
            )
        });
    }
    let scale = 10_i128.pow(d.decimals);
    let fen = d
        .digits
        .checked_mul(unit.fen())
        .map(|v| v / scale)
        .filter(|v| v.abs() <= i128::from(MAX_ABS_FEN))
        .ok_or_else(|| format!("金额 “{shown}” 超出可处理范围（10 万亿元）"))?;
    i64::try_from(fen)
        .map(Money::from_fen)
        .map_err(|_| format!("金额 “{shown}” 超出可处理范围（10 万亿元）"))
}

/// Marks that mean "nothing here" in an amount cell: dashes as forms print them.
fn is_dash(t: &str) -> bool {
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '-' | '—' | '─' | '－' | '/' | '–'))
}

/// Describes a non-text, non-number value for messages.
fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "逻辑值（TRUE/FALSE）",
        Value::Date => "日期",
        _ => "非数字",
    }
}

/// The error value message: which error, and what to do.
pub(crate) fn error_message(e: &str) -> String {
    format!("单元格显示错误值 {e}：公式出错（如引用了已删除的单元格），请改正公式或填写数值")
}

/// An amount cell: `None` when empty (or a dash), fen otherwise.
pub(crate) fn money(cell: &Cell, unit: Unit) -> Result<Option<Money>, String> {
    match &cell.value {
        Value::Empty => {
            if cell.formula {
                Err("公式没有计算结果：请在 Excel / WPS 中打开本工作簿、重新计算并保存".to_string())
            } else {
                Ok(None)
            }
        }
        Value::Text(t) => {
            let t = t.trim();
            if t.is_empty() || is_dash(t) {
                return Ok(None);
            }
            let d = parse_decimal(t)?;
            fen_of(d, unit, t).map(Some)
        }
        Value::Number(v) => {
            let d = decimal_of_f64(*v).ok_or_else(|| "不是有限的数".to_string())?;
            fen_of(d, unit, &d.text()).map(Some)
        }
        Value::Error(e) => Err(error_message(e)),
        other => Err(format!("应为金额，单元格是{}", kind_of(other))),
    }
}

/// A count cell (辆, 批次, 人次): `None` when empty, a non-negative integer otherwise.
pub(crate) fn count(cell: &Cell) -> Result<Option<i64>, String> {
    let d = match &cell.value {
        Value::Empty => return Ok(None),
        Value::Text(t) => {
            let t = t.trim();
            if t.is_empty() || is_dash(t) {
                return Ok(None);
            }
            parse_decimal(t).map_err(|_| format!("“{t}” 不是数量（应为非负整数）"))?
        }
        Value::Number(v) => decimal_of_f64(*v).ok_or_else(|| "不是有限的数".to_string())?,
        Value::Error(e) => return Err(error_message(e)),
        other => return Err(format!("应为数量，单元格是{}", kind_of(other))),
    };
    if d.decimals > 0 {
        return Err(format!("数量应为整数，不是 {}", d.text()));
    }
    if d.digits < 0 {
        return Err(format!("数量不能为负数（{}）", d.text()));
    }
    i64::try_from(d.digits)
        .map(Some)
        .map_err(|_| "数量过大".to_string())
}

/// A weight or score: `None` when empty; at most two decimals, not negative.
pub(crate) fn points(cell: &Cell) -> Result<Option<Points>, String> {
    let t = match text(cell)? {
        None => return Ok(None),
        Some(t) => t,
    };
    let normal: String = t
        .chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .collect();
    Points::parse(&normal)
        .map(Some)
        .ok_or_else(|| format!("“{t}” 不是分值（应为不小于 0、最多两位小数的数，如 2.5）"))
}

/// A text cell, trimmed: `None` when empty. Numbers become their decimal text
/// (`60`, `98.5`), as the form shows them.
pub(crate) fn text(cell: &Cell) -> Result<Option<String>, String> {
    match &cell.value {
        Value::Empty => Ok(None),
        Value::Text(t) => {
            let t = t.trim();
            Ok((!t.is_empty()).then(|| t.to_string()))
        }
        Value::Number(v) => decimal_of_f64(*v)
            .map(|d| Some(d.text()))
            .ok_or_else(|| "不是有限的数".to_string()),
        Value::Bool(b) => Ok(Some(if *b { "TRUE" } else { "FALSE" }.to_string())),
        Value::Date => Err(
            "单元格被识别为日期：请把该列设为“文本”格式后重新输入（如 2022 年 12 月）".to_string(),
        ),
        Value::Error(e) => Err(error_message(e)),
    }
}

/// A classification code as typed: digits, full-width or not, with spaces, or a
/// number. `None` when empty.
pub(crate) fn code(cell: &Cell) -> Result<Option<String>, String> {
    Ok(text(cell)?.map(|t| {
        t.chars()
            .map(halfwidth)
            .filter(|c| !c.is_whitespace())
            .collect()
    }))
}

/// A label normalized for comparison: no spaces, ASCII digits, full-width
/// brackets and colons as one form.
pub(crate) fn norm(s: &str) -> String {
    s.chars()
        .map(halfwidth)
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            ':' => '：',
            '"' | '“' | '”' => '"',
            c => c,
        })
        .collect()
}

/// `A`, `B`, …, `Z`, `AA` …: the column letters of a zero-based column.
pub(crate) fn col_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(r).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// `D14` for zero-based row 13, column 3.
pub(crate) fn cell_name(row: u32, col: u32) -> String {
    format!("{}{}", col_letters(col), row + 1)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    fn num(v: f64) -> Cell {
        Cell {
            value: Value::Number(v),
            formula: false,
        }
    }

    fn txt(s: &str) -> Cell {
        Cell {
            value: Value::Text(s.to_string()),
            formula: false,
        }
    }

    fn fen(c: &Cell, unit: Unit) -> i64 {
        money(c, unit).unwrap().unwrap().fen()
    }

    #[test]
    fn doubles_become_exact_fen() {
        assert_eq!(fen(&num(1234.56), Unit::Yuan), 123_456);
        assert_eq!(fen(&num(44_592_816.01), Unit::Yuan), 4_459_281_601);
        assert_eq!(fen(&num(0.1 + 0.2), Unit::Yuan), 30);
        assert_eq!(fen(&num(-5.0), Unit::Yuan), -500);
        assert_eq!(fen(&num(0.0), Unit::Yuan), 0);
        assert_eq!(fen(&num(1e12), Unit::Yuan), 100_000_000_000_000);
        // 4224.3175 万元 = 42,243,175.00 元
        assert_eq!(fen(&num(4224.3175), Unit::Wan), 4_224_317_500);
        assert_eq!(fen(&num(1.5), Unit::Yi), 15_000_000_000);
        assert!(
            money(&num(1234.565), Unit::Yuan)
                .unwrap_err()
                .contains("超过两位小数")
        );
        assert!(
            money(&num(1.0000001), Unit::Wan)
                .unwrap_err()
                .contains("不是整分")
        );
        assert!(money(&num(1e20), Unit::Yuan).unwrap_err().contains("超出"));
        assert!(money(&num(f64::NAN), Unit::Yuan).is_err());
    }

    #[test]
    fn text_amounts_as_people_type_them() {
        assert_eq!(fen(&txt("1,234.56"), Unit::Yuan), 123_456);
        assert_eq!(fen(&txt(" 1234.56  "), Unit::Yuan), 123_456);
        assert_eq!(fen(&txt("１，２３４．５６"), Unit::Yuan), 123_456);
        assert_eq!(fen(&txt("(1,234.50)"), Unit::Yuan), -123_450);
        assert_eq!(fen(&txt("1.500"), Unit::Yuan), 150);
        assert_eq!(fen(&txt("4,224.3175"), Unit::Wan), 4_224_317_500);
        assert_eq!(money(&txt("  "), Unit::Yuan), Ok(None));
        assert_eq!(money(&txt("—"), Unit::Yuan), Ok(None));
        assert_eq!(money(&txt("────"), Unit::Yuan), Ok(None));
        assert_eq!(
            money(&txt("1,2x3"), Unit::Yuan).unwrap_err(),
            "“1,2x3” 不是金额（应为如 1,234.56 的数字）"
        );
        assert!(
            money(&txt("12,34.00"), Unit::Yuan)
                .unwrap_err()
                .contains("千分位")
        );
        assert!(
            money(&txt("1.234"), Unit::Yuan)
                .unwrap_err()
                .contains("超过两位小数")
        );
        assert!(money(&txt("1e5"), Unit::Yuan).is_err());
    }

    #[test]
    fn errors_and_other_values() {
        let e = Cell {
            value: Value::Error("#REF!".into()),
            formula: true,
        };
        assert!(money(&e, Unit::Yuan).unwrap_err().contains("#REF!"));
        let f = Cell {
            value: Value::Empty,
            formula: true,
        };
        assert!(money(&f, Unit::Yuan).unwrap_err().contains("没有计算结果"));
        let b = Cell {
            value: Value::Bool(true),
            formula: false,
        };
        assert!(money(&b, Unit::Yuan).unwrap_err().contains("逻辑值"));
    }

    #[test]
    fn counts_scores_codes_texts() {
        assert_eq!(count(&num(13.0)), Ok(Some(13)));
        assert_eq!(count(&txt("１３")), Ok(Some(13)));
        assert!(count(&num(-1.0)).unwrap_err().contains("负数"));
        assert!(count(&num(1.5)).unwrap_err().contains("整数"));
        assert_eq!(points(&num(3.3)), Ok(Some(Points::from_hundredths(330))));
        assert_eq!(points(&txt("2.5")), Ok(Some(Points::from_hundredths(250))));
        assert!(points(&txt("八")).unwrap_err().contains("不是分值"));
        assert_eq!(code(&num(2_013_801.0)), Ok(Some("2013801".into())));
        assert_eq!(code(&txt(" ２０１３８０１ ")), Ok(Some("2013801".into())));
        assert_eq!(text(&num(60.0)), Ok(Some("60".into())));
        assert_eq!(text(&num(98.5)), Ok(Some("98.5".into())));
        assert_eq!(text(&txt("  a b ")), Ok(Some("a b".into())));
    }

    #[test]
    fn names_and_addresses() {
        assert_eq!(cell_name(13, 3), "D14");
        assert_eq!(col_letters(25), "Z");
        assert_eq!(col_letters(26), "AA");
        assert_eq!(col_letters(701), "ZZ");
        assert_eq!(col_letters(702), "AAA");
        assert_eq!(norm(" 其中: 基本支出 "), "其中：基本支出");
        assert_eq!(norm("公开０２表"), "公开02表");
    }
}
