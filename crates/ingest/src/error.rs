//! Input errors: what is unusable, and exactly where. Every message is Chinese and
//! names file and line (and field where there is one).

use juesuan_model::SourceRef;
use std::fmt;

/// One unusable piece of input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// Where.
    pub source: SourceRef,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl InputError {
    /// An error at a place.
    pub fn at(source: SourceRef, message: impl Into<String>) -> InputError {
        InputError {
            source,
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.source, self.message)
    }
}

/// All the errors found in an input, in the order found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputErrors(pub Vec<InputError>);

impl InputErrors {
    /// Adds one.
    pub fn push(&mut self, e: InputError) {
        self.0.push(e);
    }

    /// True when there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for InputErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputErrors {}

impl From<InputError> for InputErrors {
    fn from(e: InputError) -> InputErrors {
        InputErrors(vec![e])
    }
}

/// The closest of `candidates` to `word` by edit distance (Levenshtein, over
/// characters, by strsim — clap's own), if reasonably close — for "did you mean
/// …" hints on misspelt keys, columns and sheet names.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let len = word.chars().count();
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count().max(len) / 2).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `，您是否想写 “x”？` when a near candidate exists.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word, candidates)
        .map(|n| format!("，是否应为 “{n}”？"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        assert_eq!(
            nearest("carry_inn", ["carry_in", "carry_out"]),
            Some("carry_in")
        );
        assert_eq!(
            nearest("财政拨款收", ["财政拨款收入", "事业收入"]),
            Some("财政拨款收入")
        );
        assert_eq!(nearest("zzzzzz", ["carry_in"]), None);
    }
}
