//! Lines → tokens: amounts, integers (codes, 行次, counts), percentages, "────"
//! marks and words, each with its character columns so tables can be read by
//! position when the text keeps the layout.
//!
//! Extracted text glues and doubles things: `6798345.0830201` is an amount and a
//! code, `301301` a bold code printed twice, `４４` full-width digits. The tokenizer
//! undoes what it can and keeps the original text.
//!
//! Cost: one pass over the line's characters; each number run is parsed once (its
//! digits copied once), so time and memory are linear in the line's length.

/// A token's kind and value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A decimal with two places, in hundredths of the printed unit (`44,592,816.01`
    /// → 4459281601). `integral` when the decimals are `.00` (a 行次 may print so).
    Amount {
        /// Hundredths of the unit.
        hundredths: i64,
        /// Printed with thousands separators.
        grouped: bool,
    },
    /// Digits without a decimal point.
    Int(u64),
    /// A percentage, in hundredths of a percent (`12.89%` → 1289), with its decimals.
    Percent {
        /// Basis points.
        bp: i64,
        /// Decimals printed.
        decimals: u8,
    },
    /// `────`: the cell does not apply.
    Dash,
    /// A number too large to be read: more digits than any integer holds, or an
    /// amount beyond [`juesuan_model::MAX_ABS_FEN`] hundredths (the model's limit even
    /// when printed in 元). Kept, so that the reader can say it could not read it —
    /// never read as 0 nor as a saturated value.
    TooLarge,
    /// Anything else.
    Word,
}

/// A token of one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Its text (normalized digits).
    pub text: String,
    /// First character column.
    pub start: usize,
    /// One past the last character column.
    pub end: usize,
}

impl Token {
    /// Hundredths, for amounts.
    pub fn hundredths(&self) -> Option<i64> {
        match self.kind {
            Kind::Amount { hundredths, .. } => Some(hundredths),
            _ => None,
        }
    }

    /// The integer a token stands for when it could be a 行次 or a count: `7`, `7.00`.
    pub fn integer(&self) -> Option<u64> {
        match self.kind {
            Kind::Int(n) => Some(n),
            Kind::Amount {
                hundredths,
                grouped: false,
            } if hundredths >= 0 && hundredths % 100 == 0 => u64::try_from(hundredths / 100).ok(),
            _ => None,
        }
    }
}

/// Full-width digits and signs → ASCII; everything else unchanged.
pub fn normalize(c: char) -> char {
    match c {
        '０'..='９' => {
            char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
        }
        '．' => '.',
        '％' => '%',
        '－' => '-',
        _ => c,
    }
}

fn is_dash(c: char) -> bool {
    matches!(c, '─' | '—' | '━' | '-' | '－' | '–')
}

/// Splits a number run (digits, separators, one point) into tokens: an amount with two
/// decimals and, glued after it, another number (`6798345.0830201` → amount + 30201).
fn number_tokens(run: &[char], start: usize, percent: bool, out: &mut Vec<Token>) {
    let text: String = run.iter().collect();
    let negative = text.starts_with('-');
    let body = text.trim_start_matches('-');
    let offset = usize::from(negative);
    let grouped = body.contains(',');
    let digits = |s: &str| -> Option<i64> { s.replace(',', "").parse::<i64>().ok() };
    let too_large = |out: &mut Vec<Token>, len: usize| {
        out.push(Token {
            kind: Kind::TooLarge,
            text: run.iter().take(len).collect(),
            start,
            end: start + len,
        });
    };
    // Hundredths beyond the model's limit are not an amount.
    let limit = juesuan_model::MAX_ABS_FEN;
    match body.split_once('.') {
        Some((int, frac)) if frac.chars().all(|c| c.is_ascii_digit()) && !frac.is_empty() => {
            if percent {
                let decimals = u8::try_from(frac.len().min(4)).unwrap_or(2);
                let scale = 10i64.pow(u32::from(decimals));
                let frac4: String = frac.chars().take(usize::from(decimals)).collect();
                // Basis points: hundredths of a percent, exact for ≤ 2 decimals.
                let bp = digits(int)
                    .zip(digits(&frac4))
                    .and_then(|(i, f)| i.checked_mul(scale)?.checked_add(f)?.checked_mul(100))
                    .map(|x| x / scale)
                    .filter(|bp| *bp <= limit);
                match bp {
                    Some(bp) => out.push(Token {
                        kind: Kind::Percent {
                            bp: if negative { -bp } else { bp },
                            decimals,
                        },
                        text: text.clone(),
                        start,
                        end: start + run.len() + 1,
                    }),
                    None => too_large(out, run.len()),
                }
                return;
            }
            let (two, rest) = if frac.len() > 2 {
                frac.split_at(2)
            } else {
                (frac, "")
            };
            let two = if two.len() == 1 {
                format!("{two}0")
            } else {
                two.to_string()
            };
            let len = offset + int.chars().count() + 1 + frac.chars().count().min(2);
            let h = digits(int)
                .zip(digits(&two))
                .and_then(|(i, f)| i.checked_mul(100)?.checked_add(f))
                .filter(|h| *h <= limit);
            if h.is_none() {
                too_large(out, len);
            }
            if let Some(h) = h {
                out.push(Token {
                    kind: Kind::Amount {
                        hundredths: if negative { -h } else { h },
                        grouped,
                    },
                    text: run.iter().take(len).collect(),
                    start,
                    end: start + len,
                });
                if !rest.is_empty() {
                    let s = start + len;
                    if let Ok(n) = rest.parse::<u64>() {
                        out.push(Token {
                            kind: Kind::Int(n),
                            text: rest.to_string(),
                            start: s,
                            end: s + rest.len(),
                        });
                    }
                }
            }
        }
        _ => {
            if percent {
                match digits(body)
                    .and_then(|i| i.checked_mul(100))
                    .filter(|bp| *bp <= limit)
                {
                    Some(bp) => out.push(Token {
                        kind: Kind::Percent {
                            bp: if negative { -bp } else { bp },
                            decimals: 0,
                        },
                        text: text.clone(),
                        start,
                        end: start + run.len() + 1,
                    }),
                    None if body.chars().all(|c| c.is_ascii_digit() || c == ',') => {
                        too_large(out, run.len());
                    }
                    None => {}
                }
                return;
            }
            if grouped {
                match digits(body)
                    .and_then(|i| i.checked_mul(100))
                    .filter(|h| *h <= limit)
                {
                    Some(h) => out.push(Token {
                        kind: Kind::Amount {
                            hundredths: if negative { -h } else { h },
                            grouped,
                        },
                        text,
                        start,
                        end: start + run.len(),
                    }),
                    None if body.chars().all(|c| c.is_ascii_digit() || c == ',') => {
                        too_large(out, run.len());
                    }
                    None => {}
                }
            } else if let Ok(n) = body.parse::<u64>() {
                out.push(Token {
                    kind: Kind::Int(n),
                    text,
                    start,
                    end: start + run.len(),
                });
            } else if body.chars().all(|c| c.is_ascii_digit()) {
                too_large(out, run.len());
            }
        }
    }
}

/// The tokens of a line.
pub fn tokenize(line: &str) -> Vec<Token> {
    let chars: Vec<char> = line.chars().map(normalize).collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut word_start: Option<usize> = None;
    let flush = |out: &mut Vec<Token>, from: Option<usize>, to: usize, chars: &[char]| {
        if let Some(s) = from {
            let text: String = chars.get(s..to).unwrap_or(&[]).iter().collect();
            if !text.trim().is_empty() {
                out.push(Token {
                    kind: Kind::Word,
                    text,
                    start: s,
                    end: to,
                });
            }
        }
    };
    while let Some(&c) = chars.get(i) {
        let prev_digit = i > 0 && chars.get(i - 1).is_some_and(char::is_ascii_digit);
        let starts_number = c.is_ascii_digit()
            || (c == '-'
                && !prev_digit
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && (i == 0 || chars.get(i - 1).is_some_and(|p| p.is_whitespace())));
        if starts_number && !prev_digit {
            flush(&mut out, word_start.take(), i, &chars);
            let mut j = i + 1;
            while let Some(&d) = chars.get(j) {
                let next_digit = chars.get(j + 1).is_some_and(char::is_ascii_digit);
                if d.is_ascii_digit() || ((d == ',' || d == '.') && next_digit) {
                    j += 1;
                } else {
                    break;
                }
            }
            let percent = chars.get(j) == Some(&'%');
            let run = chars.get(i..j).unwrap_or(&[]);
            // An ordinal (`1.副部级用车`, `2、`, `3）`) is part of its label.
            let ordinal = !run.contains(&'.')
                && matches!(chars.get(j), Some('.' | '、' | '）' | ')'))
                && !chars.get(j + 1).is_some_and(char::is_ascii_digit);
            if ordinal {
                if word_start.is_none() {
                    word_start = Some(i);
                }
                i = j;
                continue;
            }
            number_tokens(run, i, percent, &mut out);
            i = j + usize::from(percent);
            continue;
        }
        if is_dash(c) && chars.get(i + 1).is_some_and(|d| is_dash(*d)) {
            flush(&mut out, word_start.take(), i, &chars);
            let mut j = i;
            while chars.get(j).is_some_and(|d| is_dash(*d)) {
                j += 1;
            }
            out.push(Token {
                kind: Kind::Dash,
                text: chars.get(i..j).unwrap_or(&[]).iter().collect(),
                start: i,
                end: j,
            });
            i = j;
            continue;
        }
        if c.is_whitespace() {
            flush(&mut out, word_start.take(), i, &chars);
        } else if word_start.is_none() {
            word_start = Some(i);
        }
        i += 1;
    }
    flush(&mut out, word_start.take(), chars.len(), &chars);
    out
}

/// A line without spaces and with a doubled text collapsed: `收入决算表收入决算表` →
/// `收入决算表` (the seed's PDF prints bold text twice).
pub fn compact(line: &str) -> String {
    let s: String = line
        .chars()
        .map(normalize)
        .filter(|c| !c.is_whitespace())
        .collect();
    undouble(&s)
}

/// `ab ab` → `ab` when a string is exactly one text twice.
pub fn undouble(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n >= 2 && n.is_multiple_of(2) {
        let (a, b) = chars.split_at(n / 2);
        if a == b {
            return a.iter().collect();
        }
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(Kind, String)> {
        tokenize(line)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn amounts_codes_and_glue() {
        let t = kinds("30101 基本工资 6798345.08 6798345.0830201 办公费");
        assert_eq!(t[0], (Kind::Int(30101), "30101".into()));
        assert_eq!(t[1].0, Kind::Word);
        assert_eq!(
            t[2],
            (
                Kind::Amount {
                    hundredths: 679_834_508,
                    grouped: false
                },
                "6798345.08".into()
            )
        );
        assert_eq!(
            t[3],
            (
                Kind::Amount {
                    hundredths: 679_834_508,
                    grouped: false
                },
                "6798345.08".into()
            )
        );
        assert_eq!(t[4], (Kind::Int(30201), "30201".into()));
    }

    #[test]
    fn grouped_percent_dash_fullwidth() {
        let t = tokenize("一、一般公共服务支出        2,106.66  占比８６．８２％  ────");
        assert_eq!(
            t[1].kind,
            Kind::Amount {
                hundredths: 210_666,
                grouped: true
            }
        );
        assert_eq!(t[1].start, 18);
        assert!(matches!(t[2].kind, Kind::Word));
        assert_eq!(
            t[3].kind,
            Kind::Percent {
                bp: 8682,
                decimals: 2
            }
        );
        assert_eq!(t[4].kind, Kind::Dash);
        assert_eq!(tokenize("1.00 44592816.01")[0].integer(), Some(1));
        assert_eq!(tokenize("-12.50")[0].hundredths(), Some(-1250));
        assert_eq!(
            tokenize("下降12.89%")[1].kind,
            Kind::Percent {
                bp: 1289,
                decimals: 2
            }
        );
        let t = tokenize("1.副部（省）级及以上领导用车 8 2");
        assert_eq!(t[0].kind, Kind::Word);
        assert_eq!(t[1].kind, Kind::Int(8));
    }

    #[test]
    fn huge_printed_amount_is_not_zero() {
        let long = "9".repeat(2000);
        for text in [
            format!("{long}.00"),
            long.clone(),
            "100000000000000000000.00".to_string(),
            "10000000000000001.00".to_string(),
            "-10000000000000001.00".to_string(),
            "100,000,000,000,000,000,000".to_string(),
            format!("{long}%"),
        ] {
            let t = tokenize(&format!("合计 {text} 5.00"));
            assert_eq!(t[1].kind, Kind::TooLarge, "{text}");
            assert!(!t[1].text.is_empty());
            assert_eq!(t[1].hundredths(), None);
            assert_eq!(t[2].hundredths(), Some(500), "{text}");
        }
        // The largest amount the model holds is still an amount.
        assert_eq!(
            tokenize("10000000000000.00")[0].hundredths(),
            Some(juesuan_model::MAX_ABS_FEN)
        );
        // Not numbers at all stay what they were: dates, versions.
        assert!(
            tokenize("2022.12.31")
                .iter()
                .all(|t| t.kind != Kind::TooLarge)
        );
    }

    #[test]
    fn doubled_headings() {
        assert_eq!(compact(" 收入决算表收入决算表"), "收入决算表");
        assert_eq!(compact("合计 合计"), "合计");
        assert_eq!(undouble("301301"), "301");
        assert_eq!(undouble("3011"), "3011");
    }
}
