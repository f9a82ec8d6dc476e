//! The CSV files of a text directory: leaf rows of the functional tables (02, 05,
//! 08, 09, non-fiscal expenditure) and of the economic table (06).
//!
//! Each file has a code column, an optional name column and value columns named as
//! in the official table. 项 (7-digit) rows are facts; 类/款 rows and total columns
//! are derived values — allowed, recorded as *stated*, and checked by rules.

use crate::error::{InputError, InputErrors, did_you_mean};
use juesuan_model::{
    EconFacts, EconGroup, EconomicCode, Facts, FnLevel, FunctionalCode, Key, Measure, Money, Num,
    SourceRef, Stated,
};
use juesuan_profile::Profile;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A value column of a CSV file.
pub struct ColSpec {
    /// Accepted headers; the first is the one written.
    pub headers: &'static [&'static str],
    /// The figure of each row's code.
    pub measure: Measure,
    /// A derived column (合计, 小计): checked, not used.
    pub stated: bool,
}

const fn fact(headers: &'static [&'static str], measure: Measure) -> ColSpec {
    ColSpec {
        headers,
        measure,
        stated: false,
    }
}

const fn derived(headers: &'static [&'static str], measure: Measure) -> ColSpec {
    ColSpec {
        headers,
        measure,
        stated: true,
    }
}

/// A functional-code CSV file.
pub struct FnFile {
    /// File name in the directory.
    pub name: &'static str,
    /// What it holds, in Chinese.
    pub what: &'static str,
    /// Whether a text directory must have it.
    pub required: bool,
    /// Value columns, in the order written.
    pub columns: &'static [ColSpec],
}

/// The functional-code files a text directory may have.
pub const FN_FILES: &[FnFile] = &[
    FnFile {
        name: "income.csv",
        what: "收入决算明细（公开02表，按项）",
        required: true,
        columns: &[
            fact(&["财政拨款收入"], Measure::IncFiscal),
            fact(&["上级补助收入"], Measure::IncSuperior),
            fact(&["事业收入"], Measure::IncBusiness),
            fact(&["经营收入"], Measure::IncOperating),
            fact(&["附属单位上缴收入"], Measure::IncAffiliated),
            fact(&["其他收入"], Measure::IncOther),
            derived(&["本年收入合计", "合计"], Measure::IncTotal),
        ],
    },
    FnFile {
        name: "general-budget.csv",
        what: "一般公共预算财政拨款支出明细（公开05表，按项）",
        required: false,
        columns: &[
            fact(&["基本支出"], Measure::GpbBasic),
            fact(&["项目支出"], Measure::GpbProject),
            derived(&["小计", "合计", "本年支出合计"], Measure::GpbTotal),
        ],
    },
    FnFile {
        name: "government-fund.csv",
        what: "政府性基金预算财政拨款收支明细（公开08表，按项）",
        required: false,
        columns: &[
            fact(&["年初结转和结余"], Measure::GfCarryIn),
            fact(&["本年收入"], Measure::GfIncome),
            fact(&["基本支出"], Measure::GfBasic),
            fact(&["项目支出"], Measure::GfProject),
            fact(&["年末结转和结余"], Measure::GfCarryOut),
            derived(&["本年支出小计", "小计"], Measure::GfTotal),
        ],
    },
    FnFile {
        name: "state-capital.csv",
        what: "国有资本经营预算财政拨款支出明细（公开09表，按项）",
        required: false,
        columns: &[
            fact(&["基本支出"], Measure::SocBasic),
            fact(&["项目支出"], Measure::SocProject),
            derived(&["合计", "小计"], Measure::SocTotal),
        ],
    },
    FnFile {
        name: "nonfiscal.csv",
        what: "非财政拨款支出明细（公开03表减去财政拨款部分，按项）",
        required: false,
        columns: &[
            fact(&["基本支出"], Measure::NfBasic),
            fact(&["项目支出"], Measure::NfProject),
            fact(&["上缴上级支出"], Measure::NfUpper),
            fact(&["经营支出"], Measure::NfOperating),
            fact(&["对附属单位补助支出"], Measure::NfSubsidiary),
        ],
    },
];

/// The economic-code file.
pub const ECON_FILE: &str = "economic.csv";

const FN_CODE_HEADERS: &[&str] = &["科目编码", "功能分类科目编码", "编码"];
const ECON_CODE_HEADERS: &[&str] = &["经济分类科目编码", "科目编码", "编码"];
const NAME_HEADERS: &[&str] = &["科目名称", "名称"];
const ECON_AMOUNT: &[&str] = &["金额"];
const ECON_BASIC: &[&str] = &[
    "其中：基本支出",
    "其中:基本支出",
    "其中基本支出",
    "基本支出",
];

/// A CSV file: trimmed headers and non-blank rows with their line numbers.
type CsvRows = (Vec<String>, Vec<(usize, Vec<String>)>);

/// Reads a CSV file into its headers and (line, cells) rows, cells trimmed and
/// padded to the header width. A quote that is never closed, or a cell that
/// spans lines, is an error at the line where it starts: either would silently
/// swallow the rows after it. Linear in the file's size.
fn read_rows(path: &Path, shown: &str) -> Result<CsvRows, InputErrors> {
    let text = crate::textdir::read_text(path, shown)?;
    if let Some(line) = unclosed_quote(&text) {
        return Err(InputError::at(
            SourceRef::line(shown, line),
            "本行有一个没有闭合的双引号：其后的各行都会被读进这一格。请删去多余的引号，或补上闭合的引号",
        )
        .into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| {
            InputError::at(
                SourceRef::line(shown, 1),
                "CSV 表头无法读取：第一行应为列名，以逗号分隔",
            )
        })?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    let mut errors = InputErrors::default();
    for rec in reader.records() {
        match rec {
            Ok(r) => {
                let line = r
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                if r.len() > headers.len()
                    && r.iter().skip(headers.len()).any(|c| !c.trim().is_empty())
                {
                    errors.push(InputError::at(
                        SourceRef::line(shown, line),
                        format!("本行有 {} 列，表头只有 {} 列", r.len(), headers.len()),
                    ));
                    continue;
                }
                if r.iter().any(|c| c.contains('\n')) {
                    errors.push(InputError::at(
                        SourceRef::line(shown, line),
                        "这一格跨了多行（引号中含有换行）：科目、名称和金额都应写在一行内。请检查本行的双引号",
                    ));
                    continue;
                }
                let mut cells: Vec<String> = r.iter().map(|c| c.trim().to_string()).collect();
                cells.resize(headers.len(), String::new());
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                rows.push((line, cells));
            }
            Err(e) => errors.push(InputError::at(
                SourceRef::line(
                    shown,
                    e.position()
                        .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0)),
                ),
                "CSV 格式错误：本行无法按逗号分隔的格式读取".to_string(),
            )),
        }
    }
    if errors.is_empty() {
        Ok((headers, rows))
    } else {
        Err(errors)
    }
}

/// The line of a double quote that opens a quoted field and is never closed
/// (RFC 4180: a field starting with `"` ends at the next `"` not followed by
/// another `"`).
fn unclosed_quote(text: &str) -> Option<usize> {
    let mut line = 1;
    let mut opened_at = 0;
    let mut in_quotes = false;
    let mut field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                }
                '"' => in_quotes = false,
                '\n' => line += 1,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if field_start => {
                in_quotes = true;
                opened_at = line;
                field_start = false;
            }
            ',' => field_start = true,
            '\n' => {
                line += 1;
                field_start = true;
            }
            _ => field_start = false,
        }
    }
    in_quotes.then_some(opened_at)
}

fn find_col(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| names.contains(&h.as_str()))
}

/// Checks that every header is one this file knows.
fn check_headers(headers: &[String], known: &[&[&str]], shown: &str, errors: &mut InputErrors) {
    let all: Vec<&str> = known.iter().flat_map(|k| k.iter().copied()).collect();
    let mut seen = BTreeSet::new();
    for h in headers {
        if h.is_empty() {
            continue;
        }
        if !all.contains(&h.as_str()) {
            errors.push(InputError::at(
                SourceRef::line(shown, 1).with_field(h.clone()),
                format!(
                    "未知的列 “{h}”{}。可用的列：{}",
                    did_you_mean(h, all.iter().copied()),
                    all.join("、")
                ),
            ));
        } else if !seen.insert(h.as_str()) {
            errors.push(InputError::at(
                SourceRef::line(shown, 1).with_field(h.clone()),
                format!("列 “{h}” 重复"),
            ));
        }
    }
}

/// Reads every functional-code file present in `dir` into `facts` and `stated`.
pub fn read_functional(
    dir: &Path,
    shown_dir: &str,
    profile: &Profile,
    facts: &mut Facts,
    stated: &mut Vec<Stated>,
    errors: &mut InputErrors,
) {
    let classes = profile.classes();
    // Where each 项 was first given, for messages about its 类 and 款.
    let mut row_src: BTreeMap<FunctionalCode, SourceRef> = BTreeMap::new();
    for spec in FN_FILES {
        let path = dir.join(spec.name);
        let shown = format!("{shown_dir}/{}", spec.name);
        if !crate::guard::present(&path) {
            if spec.required {
                errors.push(InputError::at(
                    SourceRef::file(&shown),
                    format!("缺少文件 {}（{}）", spec.name, spec.what),
                ));
            }
            continue;
        }
        let (headers, rows) = match read_rows(&path, &shown) {
            Ok(x) => x,
            Err(e) => {
                errors.0.extend(e.0);
                continue;
            }
        };
        let mut known: Vec<&[&str]> = vec![FN_CODE_HEADERS, NAME_HEADERS];
        known.extend(spec.columns.iter().map(|c| c.headers));
        check_headers(&headers, &known, &shown, errors);
        let Some(code_col) = find_col(&headers, FN_CODE_HEADERS) else {
            errors.push(InputError::at(
                SourceRef::line(&shown, 1),
                "缺少“科目编码”列",
            ));
            continue;
        };
        let name_col = find_col(&headers, NAME_HEADERS);
        let cols: Vec<(usize, &ColSpec)> = spec
            .columns
            .iter()
            .filter_map(|c| find_col(&headers, c.headers).map(|i| (i, c)))
            .collect();
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (line, cells) in rows {
            let src = SourceRef::line(&shown, line);
            let code_text = cells[code_col].as_str();
            let name = name_col.map(|i| cells[i].clone()).filter(|n| !n.is_empty());
            // Amount cells of this row.
            let mut values = Vec::new();
            for (i, c) in &cols {
                let t = cells[*i].as_str();
                if t.is_empty() {
                    continue;
                }
                match Money::parse(t) {
                    Ok(m) => values.push((*c, m, headers[*i].clone())),
                    Err(e) => errors.push(InputError::at(
                        src.clone().with_field(headers[*i].clone()),
                        e.to_string(),
                    )),
                }
            }
            if code_text.is_empty() {
                match name.as_deref() {
                    Some("合计" | "总计") => {
                        for (c, m, h) in values {
                            stated.push(Stated {
                                key: Key::all(c.measure),
                                value: Num::Money(m),
                                source: src.clone().with_field(h),
                            });
                        }
                    }
                    _ => errors.push(InputError::at(
                        src,
                        "缺少科目编码（只有“合计”行可以不填编码）",
                    )),
                }
                continue;
            }
            let code = match FunctionalCode::parse(code_text) {
                Ok(c) => c,
                Err(e) => {
                    errors.push(InputError::at(src.with_field("科目编码"), e.to_string()));
                    continue;
                }
            };
            if let Some(first) = seen.insert(code.to_string(), line) {
                errors.push(InputError::at(
                    src.with_field("科目编码"),
                    format!("科目 {code} 重复（第 {first} 行已有）：同一文件中每个科目只能有一行"),
                ));
                continue;
            }
            if !classes.contains(&code.class()) {
                errors.push(InputError::at(
                    src.with_field("科目编码"),
                    format!(
                        "科目 {code} 的类 {} 不是公开01表所列的 {} 个功能类之一，无法列入决算表",
                        code.class(),
                        classes.len()
                    ),
                ));
                continue;
            }
            if let Some(n) = &name {
                facts.functional_names.insert(code.clone(), n.clone());
            } else if profile.functional_catalog.get(&code).is_none()
                && !facts.functional_names.contains_key(&code)
            {
                errors.push(InputError::at(
                    src.clone().with_field("科目名称"),
                    format!(
                        "科目 {code} 不在 {} 的科目目录中，请填写科目名称",
                        profile.id
                    ),
                ));
            }
            for (c, m, h) in values {
                let s = src.clone().with_field(h);
                if c.stated || code.level() != FnLevel::Item {
                    stated.push(Stated {
                        key: Key::func(c.measure, &code),
                        value: Num::Money(m),
                        source: s,
                    });
                } else {
                    facts
                        .functional
                        .entry(code.clone())
                        .or_default()
                        .insert(c.measure, m);
                    facts.sources.insert(Key::func(c.measure, &code), s);
                }
            }
            if code.level() == FnLevel::Item {
                facts.functional.entry(code.clone()).or_default();
                row_src.entry(code.clone()).or_insert_with(|| src.clone());
            }
        }
    }
    // Every 类 and 款 of a 项 must have a name to print (reported once per code).
    let items: Vec<FunctionalCode> = facts.functional.keys().cloned().collect();
    let mut reported = BTreeSet::new();
    for item in items {
        for anc in item.lineage() {
            if profile.functional_catalog.get(&anc).is_none()
                && !facts.functional_names.contains_key(&anc)
                && reported.insert(anc.clone())
            {
                let src = row_src
                    .get(&item)
                    .cloned()
                    .unwrap_or_else(|| SourceRef::file(shown_dir));
                errors.push(InputError::at(
                    src,
                    format!(
                        "{}{anc} 不在 {} 的科目目录中：请在 CSV 中加一行科目编码为 {anc} 的行并填写科目名称（金额可留空）",
                        anc.level().label(),
                        profile.id
                    ),
                ));
            }
        }
    }
}

/// Reads `economic.csv` (公开06表 rows).
pub fn read_economic(
    dir: &Path,
    shown_dir: &str,
    profile: &Profile,
    facts: &mut Facts,
    stated: &mut Vec<Stated>,
    errors: &mut InputErrors,
) {
    let path = dir.join(ECON_FILE);
    let shown = format!("{shown_dir}/{ECON_FILE}");
    if !crate::guard::present(&path) {
        return;
    }
    let (headers, rows) = match read_rows(&path, &shown) {
        Ok(x) => x,
        Err(e) => {
            errors.0.extend(e.0);
            return;
        }
    };
    check_headers(
        &headers,
        &[ECON_CODE_HEADERS, NAME_HEADERS, ECON_AMOUNT, ECON_BASIC],
        &shown,
        errors,
    );
    let Some(code_col) = find_col(&headers, ECON_CODE_HEADERS) else {
        errors.push(InputError::at(
            SourceRef::line(&shown, 1),
            "缺少“经济分类科目编码”列",
        ));
        return;
    };
    let name_col = find_col(&headers, NAME_HEADERS);
    let amount_col = find_col(&headers, ECON_AMOUNT);
    let basic_col = find_col(&headers, ECON_BASIC);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (line, cells) in rows {
        let src = SourceRef::line(&shown, line);
        let money = |col: Option<usize>, errors: &mut InputErrors| -> Option<(Money, String)> {
            let i = col?;
            let t = cells[i].as_str();
            if t.is_empty() {
                return None;
            }
            match Money::parse(t) {
                Ok(m) => Some((m, headers[i].clone())),
                Err(e) => {
                    errors.push(InputError::at(
                        src.clone().with_field(headers[i].clone()),
                        e.to_string(),
                    ));
                    None
                }
            }
        };
        let amount = money(amount_col, errors);
        let basic = money(basic_col, errors);
        let name = name_col.map(|i| cells[i].clone()).filter(|n| !n.is_empty());
        let code_text = cells[code_col].as_str();
        if code_text.is_empty() {
            let group = match name.as_deref() {
                Some("人员经费合计") => EconGroup::Personnel,
                Some("公用经费合计") => EconGroup::Public,
                _ => {
                    errors.push(InputError::at(
                        src,
                        "缺少经济分类科目编码（只有“人员经费合计”“公用经费合计”行可以不填）",
                    ));
                    continue;
                }
            };
            for (m, v) in [(Measure::EconAmount, &amount), (Measure::EconBasic, &basic)] {
                if let Some((v, h)) = v {
                    stated.push(Stated {
                        key: Key::group(m, group),
                        value: Num::Money(*v),
                        source: src.clone().with_field(h.clone()),
                    });
                }
            }
            continue;
        }
        let code = match EconomicCode::parse(code_text) {
            Ok(c) => c,
            Err(e) => {
                errors.push(InputError::at(
                    src.with_field("经济分类科目编码"),
                    e.to_string(),
                ));
                continue;
            }
        };
        if let Some(first) = seen.insert(code.to_string(), line) {
            errors.push(InputError::at(
                src.with_field("经济分类科目编码"),
                format!("经济分类科目 {code} 重复（第 {first} 行已有）"),
            ));
            continue;
        }
        if profile.economic_catalog.get(&code).is_none() {
            errors.push(InputError::at(
                src.with_field("经济分类科目编码"),
                format!("经济分类科目 {code} 不在 {} 的支出经济分类目录中（目录见 profiles/{}/economic-codes.csv）", profile.id, profile.id),
            ));
            continue;
        }
        if let Some(n) = name {
            facts.economic_names.insert(code.clone(), n);
        }
        if code.is_class() {
            for (m, v) in [(Measure::EconAmount, &amount), (Measure::EconBasic, &basic)] {
                if let Some((v, h)) = v {
                    stated.push(Stated {
                        key: Key::econ(m, &code),
                        value: Num::Money(*v),
                        source: src.clone().with_field(h.clone()),
                    });
                }
            }
            continue;
        }
        let e = EconFacts {
            amount: amount.as_ref().map_or(Money::ZERO, |x| x.0),
            basic: basic.as_ref().map_or(Money::ZERO, |x| x.0),
        };
        if let Some((_, h)) = &amount {
            facts.sources.insert(
                Key::econ(Measure::EconAmount, &code),
                src.clone().with_field(h.clone()),
            );
        }
        if let Some((_, h)) = &basic {
            facts.sources.insert(
                Key::econ(Measure::EconBasic, &code),
                src.clone().with_field(h.clone()),
            );
        }
        facts.economic.insert(code, e);
    }
}
