//! Chinese numerals for numbering (一、二、… 二十六 … 一百零五).

const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 26 → 二十六, 100 → 一百, 105 → 一百零五,
/// 110 → 一百一十, 1001 → 一千零一, 9999 → 九千九百九十九; 0 → 零. From 10,000 on
/// (no report numbers that many items) the Arabic digits.
pub fn chinese(n: u32) -> String {
    match n {
        0..=9 => digit(n).to_string(),
        10..=99 => tens(n, false),
        100..=9_999 => {
            let (unit, size) = if n < 1_000 {
                ("百", 100)
            } else {
                ("千", 1_000)
            };
            let (head, rest) = (n / size, n % size);
            let tail = match rest {
                0 => String::new(),
                // A gap of one place or more is read 零: 一百零五, 一千零五十.
                r if r < size / 10 => format!("零{}", below(r)),
                r => below(r),
            };
            format!("{}{unit}{tail}", digit(head))
        }
        _ => n.to_string(),
    }
}

fn digit(n: u32) -> &'static str {
    D.get(n as usize).copied().unwrap_or("")
}

/// 10–99; `inner` when it follows 百 or 千 (一百一十, not 一百十).
fn tens(n: u32, inner: bool) -> String {
    let (t, u) = (n / 10, n % 10);
    let head = if t == 1 && !inner { "" } else { digit(t) };
    let unit = if u == 0 { "" } else { digit(u) };
    format!("{head}十{unit}")
}

/// The part after 百 or 千.
fn below(r: u32) -> String {
    match r {
        0..=9 => digit(r).to_string(),
        10..=99 => tens(r, true),
        _ => chinese(r),
    }
}

#[cfg(test)]
mod tests {
    use super::chinese;

    #[test]
    fn numerals() {
        for (n, s) in [
            (0, "零"),
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (26, "二十六"),
            (99, "九十九"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
            (115, "一百一十五"),
            (120, "一百二十"),
            (999, "九百九十九"),
            (1_000, "一千"),
            (1_001, "一千零一"),
            (1_050, "一千零五十"),
            (1_100, "一千一百"),
            (1_234, "一千二百三十四"),
            (9_999, "九千九百九十九"),
            (10_000, "10000"),
        ] {
            assert_eq!(chinese(n), s, "{n}");
        }
    }
}
