//! Classification codes: 支出功能分类 (类/款/项) and 部门支出经济分类 (类/款).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text is not a classification code. `Display` is the Chinese message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeError {
    /// Not 3, 5 or 7 ASCII digits.
    Functional(String),
    /// Not 3 or 5 ASCII digits.
    Economic(String),
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeError::Functional(s) => write!(
                f,
                "“{s}” 不是支出功能分类科目编码（应为 3 位类、5 位款或 7 位项的数字编码，如 2013801）"
            ),
            CodeError::Economic(s) => write!(
                f,
                "“{s}” 不是支出经济分类科目编码（应为 3 位类或 5 位款的数字编码，如 30201）"
            ),
        }
    }
}

impl std::error::Error for CodeError {}

fn digits_only(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Level of a functional code: 类 (3 digits), 款 (5), 项 (7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FnLevel {
    /// 类, e.g. 201 一般公共服务支出.
    Class,
    /// 款, e.g. 20138 市场监督管理事务.
    Section,
    /// 项, e.g. 2013801 行政运行.
    Item,
}

impl FnLevel {
    /// 类 / 款 / 项.
    pub fn label(self) -> &'static str {
        match self {
            FnLevel::Class => "类",
            FnLevel::Section => "款",
            FnLevel::Item => "项",
        }
    }
}

/// A 支出功能分类科目编码: 3 digits (类), 5 (款) or 7 (项). The parent of a code
/// is its prefix, so 2013801 belongs to 款 20138 and 类 201.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FunctionalCode(String);

impl FunctionalCode {
    /// Validates a code (surrounding spaces ignored).
    pub fn parse(s: &str) -> Result<FunctionalCode, CodeError> {
        let t = s.trim();
        if digits_only(t) && matches!(t.len(), 3 | 5 | 7) {
            Ok(FunctionalCode(t.to_string()))
        } else {
            Err(CodeError::Functional(t.to_string()))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 类, 款 or 项.
    pub fn level(&self) -> FnLevel {
        match self.0.len() {
            3 => FnLevel::Class,
            5 => FnLevel::Section,
            _ => FnLevel::Item,
        }
    }

    /// The enclosing code one level up (项 → 款 → 类), none for a 类.
    pub fn parent(&self) -> Option<FunctionalCode> {
        match self.level() {
            FnLevel::Class => None,
            FnLevel::Section => Some(self.prefix(3)),
            FnLevel::Item => Some(self.prefix(5)),
        }
    }

    /// The first `n` digits (the code is ASCII digits, so chars are bytes).
    fn prefix(&self, n: usize) -> FunctionalCode {
        FunctionalCode(self.0.chars().take(n).collect())
    }

    /// The 类 this code belongs to (itself for a 类).
    pub fn class(&self) -> FunctionalCode {
        self.prefix(3)
    }

    /// The code and all its ancestors, from the 类 down to itself.
    pub fn lineage(&self) -> Vec<FunctionalCode> {
        [3, 5, 7]
            .into_iter()
            .filter(|&n| n <= self.0.len())
            .map(|n| self.prefix(n))
            .collect()
    }
}

impl TryFrom<String> for FunctionalCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        FunctionalCode::parse(&s)
    }
}

impl From<FunctionalCode> for String {
    fn from(c: FunctionalCode) -> String {
        c.0
    }
}

impl fmt::Display for FunctionalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A 部门支出经济分类科目编码: 3 digits (类, e.g. 302 商品和服务支出) or
/// 5 digits (款, e.g. 30201 办公费).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EconomicCode(String);

impl EconomicCode {
    /// Validates a code (surrounding spaces ignored).
    pub fn parse(s: &str) -> Result<EconomicCode, CodeError> {
        let t = s.trim();
        if digits_only(t) && matches!(t.len(), 3 | 5) {
            Ok(EconomicCode(t.to_string()))
        } else {
            Err(CodeError::Economic(t.to_string()))
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for a 3-digit 类.
    pub fn is_class(&self) -> bool {
        self.0.len() == 3
    }

    /// The 类 this code belongs to (itself for a 类).
    pub fn class(&self) -> EconomicCode {
        EconomicCode(self.0.chars().take(3).collect())
    }
}

impl TryFrom<String> for EconomicCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, CodeError> {
        EconomicCode::parse(&s)
    }
}

impl From<EconomicCode> for String {
    fn from(c: EconomicCode) -> String {
        c.0
    }
}

impl fmt::Display for EconomicCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functional_levels_and_parents() {
        let c = FunctionalCode::parse("2013801").unwrap();
        assert_eq!(c.level(), FnLevel::Item);
        assert_eq!(c.parent().unwrap().as_str(), "20138");
        assert_eq!(c.parent().unwrap().parent().unwrap().as_str(), "201");
        assert_eq!(c.class().as_str(), "201");
        assert_eq!(FunctionalCode::parse("201").unwrap().parent(), None);
        let lineage: Vec<String> = c.lineage().into_iter().map(String::from).collect();
        assert_eq!(lineage, ["201", "20138", "2013801"]);
    }

    #[test]
    fn malformed_codes_are_rejected() {
        for bad in ["", "20", "2013", "201380", "20138011", "2O138", "２０１"] {
            assert!(FunctionalCode::parse(bad).is_err(), "{bad}");
        }
        for bad in ["", "30", "3020", "302011", "30a01"] {
            assert!(EconomicCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            FunctionalCode::parse("2013").unwrap_err().to_string(),
            "“2013” 不是支出功能分类科目编码（应为 3 位类、5 位款或 7 位项的数字编码，如 2013801）"
        );
    }

    #[test]
    fn economic_class() {
        let c = EconomicCode::parse("30201").unwrap();
        assert!(!c.is_class());
        assert_eq!(c.class().as_str(), "302");
    }
}
