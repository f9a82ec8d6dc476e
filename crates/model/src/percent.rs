//! Percentages (占比, 增长率, 完成率) as exact integers of 0.01 %.

use crate::money::Money;
use crate::round::div_round_half_away;
use serde::{Serialize, Serializer};
use std::fmt;

/// A percentage in basis points of a percent: `Percent(1289)` is 12.89 %.
///
/// Always computed from exact fen by [`Percent::ratio`], 四舍五入 to two decimals,
/// and never computed from rounded amounts. A zero denominator has no percentage
/// (`None`): callers must say so in words, never print "增长100%" on a zero base.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(i64);

impl Percent {
    /// `part / whole × 100 %`, 四舍五入 to 0.01 %; `None` when `whole` is zero.
    pub fn ratio(part: Money, whole: Money) -> Option<Percent> {
        Percent::of(i128::from(part.fen()), i128::from(whole.fen()))
    }

    /// Like [`Percent::ratio`] for plain integers (counts).
    pub fn of(part: i128, whole: i128) -> Option<Percent> {
        if whole == 0 {
            return None;
        }
        let bp = div_round_half_away(part * 10_000, whole);
        i64::try_from(bp).ok().map(Percent)
    }

    /// A percentage of `hundredths` × 0.01 %.
    pub const fn from_hundredths(hundredths: i64) -> Percent {
        Percent(hundredths)
    }

    /// The value in 0.01 %.
    pub const fn hundredths(self) -> i64 {
        self.0
    }

    /// The magnitude.
    pub const fn abs(self) -> Percent {
        Percent(self.0.saturating_abs())
    }

    /// `12.89%`: two decimals and the sign if negative.
    pub fn display(self) -> String {
        let neg = self.0 < 0;
        let v = self.0.unsigned_abs();
        format!("{}{}.{:02}%", if neg { "-" } else { "" }, v / 100, v % 100)
    }

    /// The number without the % sign: `12.89`.
    pub fn number(self) -> String {
        let s = self.display();
        s.trim_end_matches('%').to_string()
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.display())
    }
}

/// Whether a percentage stated with `decimals` decimals (e.g. "10.8%" is
/// `stated_scaled = 108, decimals = 1`) is what `part / whole` gives when
/// 四舍五入 to that many decimals. This is how a rounded figure in someone
/// else's text is judged: "10.8%" is right for 10.7956 %, "47%" is not for 68.35 %.
pub fn percent_consistent(stated_scaled: i128, decimals: u32, part: i128, whole: i128) -> bool {
    if whole == 0 {
        return false;
    }
    let scale = 10_i128.pow(decimals) * 100;
    div_round_half_away(part * scale, whole) == stated_scaled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn ratios_from_the_seed() {
        // 一、收入总计 decreased by 6,600,378.10 from 51,214,869.11: 12.89 %.
        assert_eq!(
            Percent::ratio(m("6,600,378.10"), m("51,214,869.11"))
                .unwrap()
                .display(),
            "12.89%"
        );
        assert_eq!(
            Percent::ratio(m("31,359,743.59"), m("44,592,816.01"))
                .unwrap()
                .display(),
            "70.32%"
        );
        assert_eq!(Percent::ratio(m("1"), m("0")), None);
        assert_eq!(
            Percent::ratio(m("-1"), m("3")).unwrap().display(),
            "-33.33%"
        );
        assert_eq!(Percent::ratio(m("2"), m("3")).unwrap().display(), "66.67%");
        assert_eq!(Percent::ratio(m("0"), m("3")).unwrap().display(), "0.00%");
    }

    #[test]
    fn half_hundredths_round_up() {
        // 1/8 = 12.5 % exactly; 1/16 = 6.25 %; 1/32 = 3.125 % → 3.13 %
        assert_eq!(Percent::of(1, 32).unwrap().display(), "3.13%");
        assert_eq!(Percent::of(-1, 32).unwrap().display(), "-3.13%");
    }

    #[test]
    fn stated_percentages_are_judged_at_their_precision() {
        // 468.55 / 4340.20 = 10.7956 %: "10.8%" is consistent, "10.9%" is not.
        assert!(percent_consistent(108, 1, 46855, 434020));
        assert!(!percent_consistent(109, 1, 46855, 434020));
        // 76.68 / 112.18 = 68.35 %: "47%" is not.
        assert!(!percent_consistent(47, 0, 7668, 11218));
        assert!(percent_consistent(68, 0, 7668, 11218));
    }
}
