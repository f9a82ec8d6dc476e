//! Report templates as data ("profiles"): for one region and year, the tables (captions,
//! columns, fixed rows with 行次, what each cell means, what adds up to what), the
//! narrative templates of 第一部分 and 第三部分, the glossary, the inputs the
//! narrative needs, and the classification code lists.
//!
//! Pipeline position: model ← **profile** ← (ingest, tables, rules, compose).
//! A new region or year is a new directory under `profiles/`, not new code; the
//! built-in ones are compiled into the binary.

mod catalog;
mod defs;
mod load;

pub use catalog::{Catalog, CatalogEntry, NameMatch, normalize_name};
pub use defs::*;
pub use load::{ProfileFiles, layout_width, load};

use std::sync::OnceLock;

/// Why a profile cannot be used. `Display` is the Chinese message.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No profile of that id.
    #[error("未知的模板 “{0}”。可用的模板：{1}（运行 juesuan profiles 查看）")]
    Unknown(String, String),
    /// A TOML file does not parse.
    #[error("模板文件 {file}{} 格式错误：{message}", line.map(|l| format!(" 第 {l} 行")).unwrap_or_default())]
    Syntax {
        /// File.
        file: String,
        /// Line, when known.
        line: Option<usize>,
        /// Parser message.
        message: String,
    },
    /// A profile parses but contradicts itself.
    #[error("模板文件 {file} 有误：{message}")]
    Invalid {
        /// File.
        file: String,
        /// What is wrong.
        message: String,
    },
}

macro_rules! builtin_files {
    ($id:literal) => {
        ProfileFiles {
            dir: concat!("profiles/", $id),
            profile: include_str!(concat!("../../../profiles/", $id, "/profile.toml")),
            tables: include_str!(concat!("../../../profiles/", $id, "/tables.toml")),
            narrative: include_str!(concat!("../../../profiles/", $id, "/narrative.toml")),
            functional_catalog: include_str!(concat!(
                "../../../profiles/",
                $id,
                "/functional-codes.csv"
            )),
            economic_catalog: include_str!(concat!(
                "../../../profiles/",
                $id,
                "/economic-codes.csv"
            )),
        }
    };
}

/// Ids of the profiles compiled into the binary.
pub const BUILTIN: &[&str] = &["shanxi-2022"];

fn builtin_files(id: &str) -> Option<ProfileFiles<'static>> {
    match id {
        "shanxi-2022" => Some(builtin_files!("shanxi-2022")),
        _ => None,
    }
}

/// A built-in profile, loaded and validated once per process.
pub fn builtin(id: &str) -> Result<&'static Profile, ProfileError> {
    static SHANXI_2022: OnceLock<Result<Profile, String>> = OnceLock::new();
    let cell = match id {
        "shanxi-2022" => &SHANXI_2022,
        _ => return Err(ProfileError::Unknown(id.to_string(), BUILTIN.join("、"))),
    };
    let loaded = cell.get_or_init(|| match builtin_files(id) {
        Some(files) => load(&files).map_err(|e| e.to_string()),
        None => Err(format!("未知的模板 “{id}”")),
    });
    loaded.as_ref().map_err(|m| ProfileError::Invalid {
        file: format!("profiles/{id}"),
        message: m.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_loads() {
        for id in BUILTIN {
            let p = builtin(id).unwrap();
            assert_eq!(&p.id, id);
        }
    }

    #[test]
    fn shanxi_has_ten_tables_and_26_classes() {
        let p = builtin("shanxi-2022").unwrap();
        let ids: Vec<&str> = p.tables.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(
            ids,
            ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"]
        );
        assert_eq!(p.classes().len(), 26);
        assert_eq!(p.economic_catalog.len(), 109);
        assert_eq!(p.narrative.sections.len(), 10);
        assert_eq!(p.glossary.len(), 12);
        for t in &p.tables {
            assert!(t.number.starts_with("公开"), "{}", t.number);
        }
    }

    #[test]
    fn unknown_profile_is_a_chinese_message() {
        let e = builtin("beijing-2030").unwrap_err().to_string();
        assert!(e.contains("未知的模板 “beijing-2030”"), "{e}");
        assert!(e.contains("shanxi-2022"), "{e}");
    }

    #[test]
    fn malformed_profiles_are_rejected_with_their_reason() {
        let base = builtin_files("shanxi-2022").unwrap();
        let bad_key = base
            .tables
            .replace("key = \"inc.gpb_fund\"", "key = \"inc.nonsense\"");
        let files = ProfileFiles {
            tables: &bad_key,
            ..builtin_files("shanxi-2022").unwrap()
        };
        assert!(
            load(&files)
                .unwrap_err()
                .to_string()
                .contains("inc.nonsense")
        );

        let bad_sum = base.tables.replace("sum = \"27-30\"", "sum = \"27-99\"");
        let files = ProfileFiles {
            tables: &bad_sum,
            ..builtin_files("shanxi-2022").unwrap()
        };
        assert!(load(&files).unwrap_err().to_string().contains("行次"));

        let bad_header = base.tables.replace(
            "{ t = \"收入\", cs = 3 }, { t = \"支出\", cs = 3 }",
            "{ t = \"收入\", cs = 3 }, { t = \"支出\", cs = 2 }",
        );
        let files = ProfileFiles {
            tables: &bad_header,
            ..builtin_files("shanxi-2022").unwrap()
        };
        assert!(load(&files).unwrap_err().to_string().contains("表头"));

        let bad_toml = "id = ";
        let files = ProfileFiles {
            profile: bad_toml,
            ..builtin_files("shanxi-2022").unwrap()
        };
        let e = load(&files).unwrap_err().to_string();
        assert!(e.contains("profile.toml") && e.contains("第 1 行"), "{e}");
    }

    #[test]
    fn input_patterns_match_class_codes() {
        assert!(key_pattern_matches("gpb.total@{class}", "gpb.total@201"));
        assert!(!key_pattern_matches("gpb.total@{class}", "gpb.total@20138"));
        assert!(key_pattern_matches("grand.income", "grand.income"));
    }
}
