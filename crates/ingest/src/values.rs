//! Scalar values in TOML inputs: amounts (strings in 元, or whole 元 as integers —
//! never floats) and counts.

use juesuan_model::Money;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// An amount in a TOML file. Written as a string (`"1,234.56"`) or as an integer of
/// whole 元 (`1234`). A float (`1234.56` without quotes) is refused: TOML floats are
/// binary and cannot hold fen exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount(pub Money);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("金额（写成带引号的字符串，如 \"1,234.56\"）")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Amount, E> {
                Money::parse(s)
                    .map(Amount)
                    .map_err(|e| E::custom(e.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
                Money::parse(&v.to_string())
                    .map(Amount)
                    .map_err(|e| E::custom(e.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
                Money::parse(&v.to_string())
                    .map(Amount)
                    .map_err(|e| E::custom(e.to_string()))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Amount, E> {
                Err(E::custom(
                    "金额请写成带引号的字符串（如 \"1,234.56\"）：不带引号的小数会按二进制浮点数读取，不能精确到分",
                ))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Amount, E> {
                Err(E::custom("这里应填金额，不是 true/false"))
            }
        }
        d.deserialize_any(V)
    }
}

/// A count (辆, 批次, 人次): a non-negative integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Count(pub i64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("非负整数")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Count, E> {
                if v < 0 {
                    Err(E::custom(format!("数量不能为负数（{v}）")))
                } else {
                    Ok(Count(v))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Count, E> {
                i64::try_from(v)
                    .map(Count)
                    .map_err(|_| E::custom("数量过大"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Count, E> {
                Err(E::custom(format!("数量应为整数，不是 {v}")))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Count, E> {
                let t = s.trim();
                match t.parse::<i64>() {
                    Ok(v) if v >= 0 => Ok(Count(v)),
                    _ => Err(E::custom(format!("“{s}” 不是非负整数"))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A value of `last_year`: an amount or a count, decided by the key's measure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnyNum {
    /// Written as a string.
    Text(String),
    /// Written as an integer.
    Int(i64),
}

impl<'de> Deserialize<'de> for AnyNum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<AnyNum, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = AnyNum;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("金额或数量")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<AnyNum, E> {
                Ok(AnyNum::Text(s.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<AnyNum, E> {
                Ok(AnyNum::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<AnyNum, E> {
                i64::try_from(v)
                    .map(AnyNum::Int)
                    .map_err(|_| E::custom("数值过大"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<AnyNum, E> {
                Err(E::custom(
                    "金额请写成带引号的字符串（如 \"1,234.56\"）：不带引号的小数会按二进制浮点数读取，不能精确到分",
                ))
            }
        }
        d.deserialize_any(V)
    }
}
