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
    /// `元`, `万元`, `亿元`.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
        }
    }

    /// Decimals of this unit that are still whole fen: one unit is
    /// `10^max_decimals` fen (元: 2, 万元: 6, 亿元: 10).
    fn max_decimals(self) -> i32 {
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
/// `decimals` is negative for a number with more trailing zeros than `digits`
/// holds (a double such as `1e308` is `digits = 1, decimals = -308`), so every
/// finite double and every typed decimal has one, without overflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    /// All digits as an integer.
    pub digits: i128,
    /// Digits after the point (negative: zeros before it).
    pub decimals: i32,
}

/// Longest plain text [`Decimal::text`] writes; longer numbers are written as
/// Excel shows them (`1E-128`), which also bounds the text's size.
const MAX_PLAIN: usize = 40;

impl Decimal {
    /// Zero.
    const ZERO: Decimal = Decimal {
        digits: 0,
        decimals: 0,
    };

    /// As text, without exponent and without trailing zeros after the point:
    /// `1234.5`, `60`, `-0.25`; a number that would need more than 40
    /// characters so is written as Excel shows it: `1E-128`, `-1.5E+308`.
    /// Total: works on the digits' text, never on powers of ten.
    pub fn text(self) -> String {
        let mag = self.digits.unsigned_abs().to_string();
        let sign = if self.digits < 0 { "-" } else { "" };
        if self.digits == 0 {
            return "0".to_string();
        }
        // Digits before the point, and zeros after them or before the digits.
        let n = i64::try_from(mag.len()).unwrap_or(i64::MAX);
        let point = n - i64::from(self.decimals);
        let plain_len = if self.decimals <= 0 {
            point
        } else {
            n.max(i64::from(self.decimals) + 1) + 1
        };
        if plain_len > i64::try_from(MAX_PLAIN).unwrap_or(i64::MAX) {
            // d.ddd × 10^(point − 1)
            let mut chars = mag.chars();
            let first = chars.next().unwrap_or('0');
            let rest: String = chars.collect();
            let rest = rest.trim_end_matches('0');
            let exp = point - 1;
            let mantissa = if rest.is_empty() {
                first.to_string()
            } else {
                format!("{first}.{rest}")
            };
            let esign = if exp < 0 { '-' } else { '+' };
            return format!("{sign}{mantissa}E{esign}{:02}", exp.unsigned_abs());
        }
        let body = if self.decimals <= 0 {
            let zeros = usize::try_from(self.decimals.unsigned_abs()).unwrap_or(0);
            format!("{mag}{}", "0".repeat(zeros))
        } else {
            let dec = usize::try_from(self.decimals).unwrap_or(0);
            let padded = if mag.len() <= dec {
                format!("{}{mag}", "0".repeat(dec + 1 - mag.len()))
            } else {
                mag
            };
            let int_len = padded.len() - dec;
            let int: String = padded.chars().take(int_len).collect();
            let frac: String = padded.chars().skip(int_len).collect();
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                int
            } else {
                format!("{int}.{frac}")
            }
        };
        format!("{sign}{body}")
    }

    /// The value as an integer, when it is one and fits in an i128.
    fn integer(self) -> Option<i128> {
        if self.decimals > 0 {
            return None;
        }
        let scale = 10_i128.checked_pow(self.decimals.unsigned_abs())?;
        self.digits.checked_mul(scale)
    }
}

/// The number Excel shows for a double: 15 significant digits, read exactly.
/// `None` for infinities and NaN (which a cell cannot hold anyway). Total for
/// every finite double (subnormals, `-0.0`, `±f64::MAX`): the decimal keeps
/// its exponent instead of multiplying it out.
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
    // At most 15 digits: far inside an i128.
    let mut d: i128 = digits.parse().ok()?;
    if d == 0 {
        return Some(Decimal::ZERO);
    }
    // value = d × 10^(exp − 14)
    let mut e = exp.checked_sub(14)?;
    while d % 10 == 0 {
        d /= 10;
        e = e.checked_add(1)?;
    }
    Some(Decimal {
        digits: if neg { -d } else { d },
        decimals: e.checked_neg()?,
    })
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
        decimals: i32::try_from(frac.len()).unwrap_or(i32::MAX),
    })
}

/// A decimal in `unit` as fen: exact, or an error when it has more decimals than
/// fen allow (元: 2, 万元: 6, 亿元: 10) or is out of range. No division: the fen
/// are the digits times a power of ten, with checked arithmetic.
fn fen_of(d: Decimal, unit: Unit, shown: &str) -> Result<Money, String> {
    if d.digits == 0 {
        return Ok(Money::ZERO);
    }
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
    // fen = digits × 10^(max_decimals − decimals), the exponent ≥ 0 here.
    let too_big = || format!("金额 “{shown}” 超出可处理范围（10 万亿元）");
    let exp = unit
        .max_decimals()
        .checked_sub(d.decimals)
        .and_then(|e| u32::try_from(e).ok())
        .ok_or_else(too_big)?;
    let fen = 10_i128
        .checked_pow(exp)
        .and_then(|scale| d.digits.checked_mul(scale))
        .filter(|v| v.unsigned_abs() <= u128::from(MAX_ABS_FEN.unsigned_abs()))
        .ok_or_else(too_big)?;
    i64::try_from(fen)
        .map(Money::from_fen)
        .map_err(|_| too_big())
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
    d.integer()
        .and_then(|v| i64::try_from(v).ok())
        .map(Some)
        .ok_or_else(|| format!("数量 {} 过大，超出可处理范围", d.text()))
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

/// A heading without its leading number (`三、原因、用途等说明` → `原因、用途等说明`),
/// normalized by [`norm`].
pub(crate) fn unnumbered(s: &str) -> String {
    let n = norm(s);
    let numerals = "一二三四五六七八九十";
    match n.split_once('、') {
        Some((head, rest)) if !head.is_empty() && head.chars().all(|c| numerals.contains(c)) => {
            rest.to_string()
        }
        _ => n,
    }
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

    /// Issue 10 (2): a number between 0 and ±1e-127 divided by a power of ten
    /// that had overflowed to zero. Every numeric conversion is now total.
    #[test]
    fn tiny_number_in_workbook_is_an_error_not_a_panic() {
        for v in [1e-128, -1e-128, 1e-200, f64::MIN_POSITIVE, 5e-324, -5e-324] {
            let e = money(&num(v), Unit::Yuan).unwrap_err();
            assert!(e.contains("超过两位小数"), "{v}: {e}");
            assert!(money(&num(v), Unit::Yi).unwrap_err().contains("不是整分"));
            assert!(count(&num(v)).unwrap_err().contains("整数"));
            assert!(points(&num(v)).unwrap_err().contains("不是分值"));
        }
        assert_eq!(decimal_of_f64(1e-128).unwrap().text(), "1E-128");
        assert_eq!(decimal_of_f64(-2.5e-300).unwrap().text(), "-2.5E-300");
        assert_eq!(text(&num(1e-128)), Ok(Some("1E-128".into())));
    }

    #[test]
    fn huge_and_odd_doubles_are_errors_not_panics() {
        for v in [1e308, -1e308, f64::MAX, f64::MIN, 1e39, 1e20] {
            assert!(
                money(&num(v), Unit::Yuan).unwrap_err().contains("超出"),
                "{v}"
            );
            assert!(
                money(&num(v), Unit::Yi).unwrap_err().contains("超出"),
                "{v}"
            );
        }
        assert_eq!(decimal_of_f64(1e308).unwrap().text(), "1E+308");
        assert_eq!(
            text(&num(f64::MAX)),
            Ok(Some("1.79769313486232E+308".into()))
        );
        assert!(count(&num(1e308)).unwrap_err().contains("过大"));
        assert!(count(&num(-1e308)).unwrap_err().contains("负数"));
        assert!(count(&num(f64::INFINITY)).is_err());
        assert!(money(&num(f64::NEG_INFINITY), Unit::Yuan).is_err());
        assert_eq!(money(&num(-0.0), Unit::Yuan), Ok(Some(Money::ZERO)));
        assert_eq!(count(&num(-0.0)), Ok(Some(0)));
        assert_eq!(text(&num(-0.0)), Ok(Some("0".into())));
        assert_eq!(
            decimal_of_f64(1e20).unwrap().text(),
            "100000000000000000000"
        );
    }

    /// Counts beyond i64 or below zero are errors, exactly at the edge.
    #[test]
    fn counts_beyond_i64_or_negative_are_errors() {
        assert_eq!(count(&txt("9223372036854775807")), Ok(Some(i64::MAX)));
        assert!(
            count(&txt("9223372036854775808"))
                .unwrap_err()
                .contains("过大")
        );
        assert!(
            count(&txt("99999999999999999999999999999"))
                .unwrap_err()
                .contains("过大")
        );
        assert!(count(&txt("-1")).unwrap_err().contains("负数"));
        assert!(count(&num(-3.0)).unwrap_err().contains("负数"));
        // A double can only be as exact as Excel shows it: 15 digits.
        assert_eq!(count(&num(9.0e18)), Ok(Some(9_000_000_000_000_000_000)));
        assert!(count(&num(9.3e18)).unwrap_err().contains("过大"));
    }

    #[test]
    fn decimal_text_is_total_and_plain_when_short() {
        let d = |digits, decimals| Decimal { digits, decimals }.text();
        assert_eq!(d(12345, 2), "123.45");
        assert_eq!(d(5, 3), "0.005");
        assert_eq!(d(-5, 1), "-0.5");
        assert_eq!(d(120, 1), "12");
        assert_eq!(d(7, -3), "7000");
        assert_eq!(d(0, 500), "0");
        assert_eq!(d(1, i32::MAX), "1E-2147483647");
        assert_eq!(d(-1, i32::MIN), "-1E+2147483648");
        assert_eq!(d(i128::MIN, 0), "-170141183460469231731687303715884105728");
        assert_eq!(
            d(i128::MIN, -2),
            "-1.70141183460469231731687303715884105728E+40"
        );
        assert_eq!(d(1, 39), "1E-39");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Any bit pattern: never a panic, and whatever is accepted is exact.
        #[test]
        fn every_double_converts_without_panic(bits in proptest::prelude::any::<u64>()) {
            let v = f64::from_bits(bits);
            let d = decimal_of_f64(v);
            proptest::prop_assert_eq!(d.is_none(), !v.is_finite());
            if let Some(d) = d {
                let t = d.text();
                proptest::prop_assert!(t.len() <= 60, "{}", t);
            }
            for unit in [Unit::Yuan, Unit::Wan, Unit::Yi] {
                let _ = money(&num(v), unit);
            }
            let _ = count(&num(v));
            let _ = points(&num(v));
            let _ = text(&num(v));
            let _ = code(&num(v));
        }

        /// A whole number of fen, as the double Excel stores for it, reads back
        /// as exactly that many fen, in 元 and in 万元.
        #[test]
        fn whole_fen_round_trip(fen in -MAX_ABS_FEN..=MAX_ABS_FEN) {
            let m = Money::from_fen(fen);
            let yuan: f64 = m.display(juesuan_model::AmountUnit::Yuan, false).parse().unwrap();
            proptest::prop_assert_eq!(money(&num(yuan), Unit::Yuan), Ok(Some(m)));
            // The same amount typed in 万元 (six decimals).
            let neg = if fen < 0 { "-" } else { "" };
            let a = fen.unsigned_abs();
            let wan: f64 = format!("{neg}{}.{:06}", a / 1_000_000, a % 1_000_000).parse().unwrap();
            proptest::prop_assert_eq!(money(&num(wan), Unit::Wan), Ok(Some(m)));
            proptest::prop_assert_eq!(money(&txt(&m.display(juesuan_model::AmountUnit::Yuan, false)), Unit::Yuan), Ok(Some(m)));
        }

        /// Whole counts up to 15 digits read back exactly.
        #[test]
        fn whole_counts_round_trip(n in 0_i64..1_000_000_000_000_000) {
            let v: f64 = n.to_string().parse().unwrap();
            proptest::prop_assert_eq!(count(&num(v)), Ok(Some(n)));
            proptest::prop_assert_eq!(count(&txt(&n.to_string())), Ok(Some(n)));
        }

        /// Text cells of any characters never panic any conversion.
        #[test]
        fn any_text_converts_without_panic(s in "\\PC{0,40}") {
            for unit in [Unit::Yuan, Unit::Wan, Unit::Yi] {
                let _ = money(&txt(&s), unit);
            }
            let _ = count(&txt(&s));
            let _ = points(&txt(&s));
        }
    }

    #[test]
    fn headings_are_read_without_their_numbers() {
        // A form made before the sections were renumbered (四、 → 三、) reads the same.
        assert_eq!(
            unnumbered("四、原因、用途等说明"),
            unnumbered("三、原因、用途等说明")
        );
        assert_eq!(
            unnumbered("三、按功能分类“类”填写"),
            unnumbered("按功能分类\"类\"填写")
        );
        assert_eq!(unnumbered("原因、用途"), "原因、用途");
        assert_eq!(unnumbered("、x"), "、x");
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
