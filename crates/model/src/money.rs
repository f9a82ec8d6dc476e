//! Money as integer fen (分), its parsing and its display in 元, 万元 and 亿元.

use crate::round::div_round_half_away;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// The largest magnitude accepted from any input: 10¹⁵ fen (10 万亿元). Far above
/// any department's figures, and low enough that sums of thousands of amounts
/// cannot overflow `i64`.
pub const MAX_ABS_FEN: i64 = 1_000_000_000_000_000;

/// The largest total of the magnitudes of every amount one report may hold:
/// 10¹⁷ fen (1,000 万亿元), checked where input enters (`juesuan_ingest::validate`,
/// and the audit for what it reads back). Every figure the pipeline derives is a sum
/// in which each input amount appears at most a few times, and every rule compares
/// two such figures, so with this bound no sum or difference of amounts can come
/// near `i64::MAX` (≈ 9.2 × 10¹⁸ fen): the saturating operators below are never
/// reached by a report that passed the edge. A report beyond it is refused with a
/// message, never summed into a wrong total.
pub const MAX_TOTAL_FEN: i64 = 100_000_000_000_000_000;

/// An exact amount of money in fen (分). Never a float.
///
/// Serialized as a string in 元 with two decimals (`"44592816.01"`), so JSON
/// consumers never see a binary float either.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// The unit an amount is stated in (金额单位). Every unit is displayed with two
/// decimals, as the official tables are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AmountUnit {
    /// 元
    #[serde(rename = "元")]
    Yuan,
    /// 万元
    #[serde(rename = "万元")]
    Wan,
    /// 亿元
    #[serde(rename = "亿元")]
    Yi,
}

impl AmountUnit {
    /// The unit's Chinese name as printed in "金额单位：元".
    pub fn label(self) -> &'static str {
        match self {
            AmountUnit::Yuan => "元",
            AmountUnit::Wan => "万元",
            AmountUnit::Yi => "亿元",
        }
    }

    /// Parses "元", "万元" or "亿元" (surrounding spaces ignored).
    pub fn from_label(s: &str) -> Option<AmountUnit> {
        match s.trim() {
            "元" => Some(AmountUnit::Yuan),
            "万元" => Some(AmountUnit::Wan),
            "亿元" => Some(AmountUnit::Yi),
            _ => None,
        }
    }

    /// Fen in one step of the last displayed decimal (0.01 of the unit).
    pub fn fen_per_step(self) -> i64 {
        match self {
            AmountUnit::Yuan => 1,
            AmountUnit::Wan => 10_000,
            AmountUnit::Yi => 100_000_000,
        }
    }

    /// Half a display step in fen: the rounding envelope of a figure printed in
    /// this unit (a 万元 figure with two decimals is exact to ±0.005 万元 = ±5,000 fen).
    pub fn half_step_fen(self) -> i64 {
        self.fen_per_step() / 2
    }
}

/// Why a text is not an amount. The `Display` is the Chinese message shown to users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// Nothing but spaces.
    Empty,
    /// Characters that are not part of a number.
    NotANumber(String),
    /// More than two decimals (below one fen).
    TooManyDecimals(String),
    /// Thousands separators in the wrong places, e.g. `12,34.00`.
    BadGrouping(String),
    /// Larger than [`MAX_ABS_FEN`].
    TooLarge(String),
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::Empty => write!(f, "金额为空"),
            MoneyError::NotANumber(s) => {
                write!(f, "“{s}” 不是金额（应为如 1,234.56 的数字，最多两位小数）")
            }
            MoneyError::TooManyDecimals(s) => {
                write!(f, "金额 “{s}” 超过两位小数：金额精确到分，最多两位小数")
            }
            MoneyError::BadGrouping(s) => {
                write!(f, "金额 “{s}” 的千分位逗号位置不对（应为如 44,592,816.01）")
            }
            MoneyError::TooLarge(s) => write!(f, "金额 “{s}” 超出可处理范围（10 万亿元）"),
        }
    }
}

impl std::error::Error for MoneyError {}

/// Maps full-width digits and punctuation (as typed with a Chinese IME) to ASCII.
fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' | '。' => '.',
        '，' => ',',
        '－' | '−' | '—' => '-',
        '＋' => '+',
        '（' => '(',
        '）' => ')',
        _ => c,
    }
}

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(0);

    /// An amount of `fen` fen.
    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    /// An amount of whole 元.
    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan.saturating_mul(100))
    }

    /// The sum, or `None` when it would leave `i64`.
    pub const fn checked_add(self, rhs: Money) -> Option<Money> {
        match self.0.checked_add(rhs.0) {
            Some(v) => Some(Money(v)),
            None => None,
        }
    }

    /// The amount in fen.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// True for zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// True below zero.
    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// The magnitude.
    pub const fn abs(self) -> Money {
        Money(self.0.saturating_abs())
    }

    /// Parses an amount in 元: `44,592,816.01`, `44592816.01`, `-1,234.5`, `1234`,
    /// `(1,234.00)` (negative), full-width digits. At most two decimals; extra
    /// decimals must be zeros (`1.500` is 1.50 元, `1.505` is an error).
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        Money::parse_in(text, AmountUnit::Yuan)
    }

    /// Parses an amount stated in `unit`, e.g. `4224.31` in 万元 = 42,243,100.00 元.
    /// At most two decimals of the unit.
    pub fn parse_in(text: &str, unit: AmountUnit) -> Result<Money, MoneyError> {
        let original = text.trim();
        let s: String = original
            .chars()
            .map(normalize_char)
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let not_number = || MoneyError::NotANumber(original.to_string());
        let (negative, body) =
            if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                (true, inner)
            } else if let Some(rest) = s.strip_prefix('-') {
                (true, rest)
            } else if let Some(rest) = s.strip_prefix('+') {
                (false, rest)
            } else {
                (false, s.as_str())
            };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return Err(not_number());
        }
        // Integer digits, with optional, correctly placed thousands separators.
        let groups: Vec<&str> = int_part.split(',').collect();
        if groups
            .iter()
            .any(|g| !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(not_number());
        }
        if groups.len() > 1
            && (groups[0].is_empty()
                || groups[0].len() > 3
                || groups[1..].iter().any(|g| g.len() != 3))
        {
            return Err(MoneyError::BadGrouping(original.to_string()));
        }
        let digits: String = groups.concat();
        let frac = frac_part.unwrap_or("");
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_number());
        }
        if frac.bytes().skip(2).any(|b| b != b'0') {
            return Err(MoneyError::TooManyDecimals(original.to_string()));
        }
        let mut cents: i128 = 0;
        for b in digits
            .bytes()
            .chain(frac.bytes().chain(std::iter::repeat(b'0')).take(2))
        {
            cents = cents * 10 + i128::from(b - b'0');
            if cents > i128::from(MAX_ABS_FEN) * 100 {
                return Err(MoneyError::TooLarge(original.to_string()));
            }
        }
        let fen = cents * i128::from(unit.fen_per_step());
        if fen > i128::from(MAX_ABS_FEN) {
            return Err(MoneyError::TooLarge(original.to_string()));
        }
        let fen = i64::try_from(fen).map_err(|_| MoneyError::TooLarge(original.to_string()))?;
        Ok(Money(if negative { -fen } else { fen }))
    }

    /// This amount 四舍五入 to the display precision of `unit` (two decimals of
    /// the unit), still in fen: 42,243,130.75 元 in 万元 → 42,243,100.00 元 (4224.31 万元).
    pub fn round_to(self, unit: AmountUnit) -> Money {
        let step = i128::from(unit.fen_per_step());
        let steps = div_round_half_away(i128::from(self.0), step);
        Money(i64::try_from(steps * step).unwrap_or(self.0))
    }

    /// Displays the amount in `unit` with two decimals, 四舍五入; with thousands
    /// separators when `grouped` (`44,592,816.01`), without otherwise (`44592816.01`).
    pub fn display(self, unit: AmountUnit, grouped: bool) -> String {
        let steps = div_round_half_away(i128::from(self.0), i128::from(unit.fen_per_step()));
        let negative = steps < 0;
        let steps = steps.unsigned_abs();
        let int = (steps / 100).to_string();
        let frac = steps % 100;
        let int = if grouped { group_thousands(&int) } else { int };
        format!("{}{int}.{frac:02}", if negative { "-" } else { "" })
    }

    /// `44,592,816.01` — the form used in narrative text.
    pub fn yuan(self) -> String {
        self.display(AmountUnit::Yuan, true)
    }

    /// `4224.31` — 万元 with two decimals, no separators, as the seed's narrative prints them.
    pub fn wan(self) -> String {
        self.display(AmountUnit::Wan, false)
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    let first = digits.len() % 3;
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.yuan())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display(AmountUnit::Yuan, false))
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        let s = String::deserialize(d)?;
        Money::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> i64 {
        Money::parse(s).unwrap().fen()
    }

    #[test]
    fn parses_the_forms_people_write() {
        assert_eq!(p("44,592,816.01"), 4_459_281_601);
        assert_eq!(p("44592816.01"), 4_459_281_601);
        assert_eq!(p("1234"), 123_400);
        assert_eq!(p("1234.5"), 123_450);
        assert_eq!(p("-1,234.50"), -123_450);
        assert_eq!(p("(1,234.50)"), -123_450);
        assert_eq!(p("  0.00 "), 0);
        assert_eq!(p("１２３．４５"), 12_345);
        assert_eq!(p("－5"), -500);
        assert_eq!(p(".5"), 50);
        assert_eq!(p("1.500"), 150);
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert!(matches!(
            Money::parse("1,2x3"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("12.345"),
            Err(MoneyError::TooManyDecimals(_))
        ));
        assert!(matches!(
            Money::parse("12,34.00"),
            Err(MoneyError::BadGrouping(_))
        ));
        assert!(matches!(
            Money::parse("1,2345"),
            Err(MoneyError::BadGrouping(_))
        ));
        assert!(matches!(
            Money::parse("1.2.3"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(Money::parse("-"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("."), Err(MoneyError::NotANumber(_))));
        assert!(matches!(
            Money::parse("1e5"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("99999999999999999999"),
            Err(MoneyError::TooLarge(_))
        ));
        assert_eq!(
            Money::parse("1,2x3").unwrap_err().to_string(),
            "“1,2x3” 不是金额（应为如 1,234.56 的数字，最多两位小数）"
        );
    }

    #[test]
    fn displays_in_yuan_and_wan() {
        let m = Money::from_fen(4_459_281_601);
        assert_eq!(m.yuan(), "44,592,816.01");
        assert_eq!(m.display(AmountUnit::Yuan, false), "44592816.01");
        assert_eq!(m.wan(), "4459.28");
        assert_eq!(Money::from_fen(-123_450).yuan(), "-1,234.50");
        assert_eq!(Money::ZERO.yuan(), "0.00");
        assert_eq!(Money::from_fen(99).yuan(), "0.99");
        assert_eq!(Money::from_fen(100_000).yuan(), "1,000.00");
        assert_eq!(
            Money::from_fen(10_000_000).display(AmountUnit::Yi, false),
            "0.00"
        );
    }

    #[test]
    fn wan_rounds_half_away_from_zero() {
        // 0.005 万元 = 50 元 = 5,000 fen
        assert_eq!(Money::from_fen(5_000).wan(), "0.01");
        assert_eq!(Money::from_fen(4_999).wan(), "0.00");
        assert_eq!(Money::from_fen(-5_000).wan(), "-0.01");
        assert_eq!(Money::parse("38,716,532.65").unwrap().wan(), "3871.65");
        assert_eq!(
            Money::parse("42,243,130.75")
                .unwrap()
                .round_to(AmountUnit::Wan),
            Money::parse("42,243,100.00").unwrap()
        );
    }

    #[test]
    fn parses_other_units() {
        assert_eq!(
            Money::parse_in("4224.31", AmountUnit::Wan).unwrap(),
            Money::parse("42,243,100").unwrap()
        );
        assert_eq!(
            Money::parse_in("1.5", AmountUnit::Yi).unwrap().fen(),
            15_000_000_000
        );
    }

    proptest! {
        #[test]
        fn display_then_parse_is_identity(fen in -MAX_ABS_FEN..MAX_ABS_FEN) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(Money::parse(&m.yuan()).unwrap(), m);
            prop_assert_eq!(Money::parse(&m.display(AmountUnit::Yuan, false)).unwrap(), m);
        }

        #[test]
        fn wan_display_is_within_half_a_step(fen in -MAX_ABS_FEN..MAX_ABS_FEN) {
            let m = Money::from_fen(fen);
            let back = Money::parse_in(&m.wan(), AmountUnit::Wan).unwrap();
            prop_assert!((back.fen() - fen).abs() <= AmountUnit::Wan.half_step_fen());
            prop_assert_eq!(back, m.round_to(AmountUnit::Wan));
        }
    }
}
