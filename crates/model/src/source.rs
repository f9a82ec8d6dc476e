//! Where a figure or a text came from: file and line (text inputs), sheet and cell
//! (workbooks), page and line (published reports). Findings quote it.

use serde::Serialize;
use std::fmt;

/// A place in an input.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SourceRef {
    /// File path as the user gave it.
    pub file: String,
    /// 1-based line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// Field, column header or cell name (`财政拨款收入`, `D14`), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Sheet name (workbooks) or page (PDF), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
}

impl SourceRef {
    /// A whole file.
    pub fn file(file: impl Into<String>) -> SourceRef {
        SourceRef {
            file: file.into(),
            ..SourceRef::default()
        }
    }

    /// A line of a file.
    pub fn line(file: impl Into<String>, line: usize) -> SourceRef {
        SourceRef {
            file: file.into(),
            line: Some(line),
            ..SourceRef::default()
        }
    }

    /// A cell of a workbook: `file sheet!D14`.
    pub fn cell(
        file: impl Into<String>,
        sheet: impl Into<String>,
        cell: impl Into<String>,
    ) -> SourceRef {
        SourceRef {
            file: file.into(),
            line: None,
            field: Some(cell.into()),
            sheet: Some(sheet.into()),
        }
    }

    /// The same place, narrowed to a field.
    pub fn with_field(mut self, field: impl Into<String>) -> SourceRef {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for SourceRef {
    /// `income.csv 第 5 行「财政拨款收入」`, `决算.xlsx 公开02表!D14`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        // A workbook cell: sheet and cell address as Excel writes them.
        if let (Some(sheet), None, Some(cell)) = (&self.sheet, self.line, &self.field) {
            return write!(f, " {sheet}!{cell}");
        }
        if let Some(sheet) = &self.sheet {
            write!(f, " 工作表「{sheet}」")?;
        }
        if let Some(line) = self.line {
            write!(f, " 第 {line} 行")?;
        }
        if let Some(field) = &self.field {
            write!(f, "「{field}」")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_display_as_people_name_them() {
        assert_eq!(
            SourceRef::line("income.csv", 5)
                .with_field("财政拨款收入")
                .to_string(),
            "income.csv 第 5 行「财政拨款收入」"
        );
        assert_eq!(
            SourceRef::cell("决算.xlsx", "公开02表", "D14").to_string(),
            "决算.xlsx 公开02表!D14"
        );
    }
}
