//! The one rounding rule of the project: 四舍五入, applied once, to an exact value.
//!
//! Every displayed amount (元 → 万元) and every percentage is the exact rational
//! value rounded half away from zero ("四舍五入" as taught and as the 决算 software
//! does it: 0.005 → 0.01, −0.005 → −0.01). Nothing is ever rounded twice: shares
//! and rates are computed from exact fen, never from already rounded figures.

/// Divides `num` by `den`, rounding half away from zero. `den` must not be zero;
/// callers check it (a zero denominator is a domain case, e.g. a zero base).
pub fn div_round_half_away(num: i128, den: i128) -> i128 {
    if den == 0 {
        return 0;
    }
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den.abs() {
        if (num < 0) == (den < 0) { q + 1 } else { q - 1 }
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::div_round_half_away as d;

    #[test]
    fn halves_go_away_from_zero() {
        assert_eq!(d(5, 10), 1);
        assert_eq!(d(-5, 10), -1);
        assert_eq!(d(5, -10), -1);
        assert_eq!(d(4, 10), 0);
        assert_eq!(d(15, 10), 2);
        assert_eq!(d(14, 10), 1);
        assert_eq!(d(-15, 10), -2);
        assert_eq!(d(0, 7), 0);
    }
}
