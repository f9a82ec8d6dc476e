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
pub use load::{ProfileFiles, in_block, layout_width, load};

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
pub const BUILTIN: &[&str] = &["shanxi-2022", "shanghai-2024"];

fn builtin_files(id: &str) -> Option<ProfileFiles<'static>> {
    match id {
        "shanxi-2022" => Some(builtin_files!("shanxi-2022")),
        "shanghai-2024" => Some(builtin_files!("shanghai-2024")),
        _ => None,
    }
}

/// A built-in profile, loaded and validated once per process.
pub fn builtin(id: &str) -> Result<&'static Profile, ProfileError> {
    static SHANXI_2022: OnceLock<Result<Profile, String>> = OnceLock::new();
    static SHANGHAI_2024: OnceLock<Result<Profile, String>> = OnceLock::new();
    let cell = match id {
        "shanxi-2022" => &SHANXI_2022,
        "shanghai-2024" => &SHANGHAI_2024,
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
    fn shanghai_has_nine_tables_24_classes_four_parts_and_eleven_sections() {
        let p = builtin("shanghai-2024").unwrap();
        assert_eq!(p.region, "上海市");
        assert_eq!(p.year, 2024);
        assert_eq!(p.amount_unit, juesuan_model::AmountUnit::Wan);
        let titles: Vec<&str> = p.tables.iter().map(|t| t.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "收入支出决算总表",
                "收入决算表",
                "支出决算表",
                "财政拨款收入支出决算总表",
                "一般公共预算财政拨款支出决算表",
                "一般公共预算财政拨款基本支出决算表",
                "财政拨款“三公”经费支出决算表",
                "政府性基金预算财政拨款收入支出决算表",
                "国有资本经营预算财政拨款收入支出决算表",
            ]
        );
        // 24 类: the template has no 债务还本支出 (231) or 债务付息支出 (232).
        let classes: Vec<String> = p.classes().iter().map(ToString::to_string).collect();
        assert_eq!(classes.len(), 24);
        assert!(!classes.iter().any(|c| c == "231" || c == "232"));
        assert_eq!(classes.last().map(String::as_str), Some("234"));
        // The two-sided tables print no 行次; the functional 表五 prints 合计 last.
        for t in &p.tables {
            match &t.layout {
                Layout::Panels { line_numbers, .. } => assert!(!line_numbers, "{}", t.id),
                Layout::Functional { total_last, .. } => {
                    assert_eq!(*total_last, t.id == "05", "{}", t.id);
                }
                Layout::Economic {
                    codes: Some(codes),
                    columns,
                    ..
                } => {
                    assert_eq!(codes.len(), 65);
                    assert_eq!(columns.len(), 1);
                }
                Layout::Economic { codes: None, .. } => panic!("表六 prints the template's codes"),
                Layout::Grid { columns, .. } => assert_eq!(columns.len(), 12),
            }
            // No 栏次 row: no column is numbered.
            assert!(
                layout_width(t) > 0 && t.header.iter().flatten().all(|h| h.text != "栏次"),
                "{}",
                t.id
            );
        }
        let parts: Vec<&str> = p.parts.iter().map(|x| x.id.as_str()).collect();
        assert_eq!(parts, ["overview", "tables", "narrative", "glossary"]);
        let sections: Vec<&str> = p
            .narrative
            .sections
            .iter()
            .map(|s| s.title.as_str())
            .collect();
        assert_eq!(
            sections,
            [
                "一、收入支出决算总体情况说明",
                "二、收入决算情况说明",
                "三、支出决算情况说明",
                "四、财政拨款收入支出决算总体情况说明",
                "五、一般公共预算财政拨款支出决算情况说明",
                "六、一般公共预算财政拨款基本支出决算情况说明",
                "七、财政拨款“三公”经费支出决算情况说明",
                "八、政府性基金预算财政拨款收入支出决算情况说明",
                "九、国有资本经营预算财政拨款收入支出决算情况说明",
                "十、预算绩效管理情况",
                "十一、其他重要事项的情况说明",
            ]
        );
        assert_eq!(p.glossary.len(), 11);
        let grades: Vec<&str> = p
            .performance
            .grades
            .iter()
            .map(|(g, _)| g.as_str())
            .collect();
        assert_eq!(grades, ["优", "良", "合格", "不合格"]);
        assert_eq!(
            p.performance
                .grade(juesuan_model::Points::parse("75").unwrap()),
            "合格"
        );
        // The catalog accepts the national codes as input; the table prints 65.
        assert!(!p.economic_catalog.complete);
        assert_eq!(p.economic_catalog.len(), 109);
    }

    #[test]
    fn item_patterns_match_item_codes_only() {
        assert!(key_pattern_matches("gpb.total@{item}", "gpb.total@2010601"));
        assert!(!key_pattern_matches("gpb.total@{item}", "gpb.total@201"));
        assert!(!key_pattern_matches("gpb.total@{item}", "gpb.total@20106"));
        let d = InputDecl {
            id: "use.{item}".to_string(),
            label: String::new(),
            sum_of: Vec::new(),
            optional: false,
        };
        assert!(d.matches("use.2010601") && !d.matches("use.201"));
    }

    #[test]
    fn table_options_are_checked() {
        let base = builtin_files("shanghai-2024").unwrap();
        let bad_option =
            base.tables
                .replacen("\ntotal_row = \"last\"\n", "\nline_numbers = false\n", 1);
        let files = ProfileFiles {
            tables: &bad_option,
            ..builtin_files("shanghai-2024").unwrap()
        };
        let e = load(&files)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("line_numbers"), "{e}");

        let bad_code = base.tables.replacen("\"31099\",\n", "\"39999\",\n", 1);
        let files = ProfileFiles {
            tables: &bad_code,
            ..builtin_files("shanghai-2024").unwrap()
        };
        let e = load(&files)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("39999"), "{e}");

        // Without a 行次 column the header is one column narrower per panel.
        let with_lines =
            base.tables
                .replacen("\nline_numbers = false\n", "\nline_numbers = true\n", 1);
        let files = ProfileFiles {
            tables: &with_lines,
            ..builtin_files("shanghai-2024").unwrap()
        };
        assert!(
            load(&files)
                .err()
                .is_some_and(|e| e.to_string().contains("表头"))
        );
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
