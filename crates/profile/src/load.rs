//! Reading and validating profile files. A profile that loads is internally
//! consistent: every key names a known measure, every sum refers to existing rows
//! and columns, every header covers its table.

use crate::ProfileError;
use crate::catalog::{Catalog, CatalogEntry};
use crate::defs::*;
use juesuan_model::{
    AmountUnit, Domain, EconGroup, EconomicCode, FunctionalCode, Key, Measure, Points,
};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The files of one profile, as text.
pub struct ProfileFiles<'a> {
    /// Directory name, for messages (`profiles/shanxi-2022`).
    pub dir: &'a str,
    /// profile.toml
    pub profile: &'a str,
    /// tables.toml
    pub tables: &'a str,
    /// narrative.toml
    pub narrative: &'a str,
    /// The functional catalog CSV.
    pub functional_catalog: &'a str,
    /// The economic catalog CSV.
    pub economic_catalog: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    id: String,
    name: String,
    region: String,
    year: i32,
    amount_unit: String,
    title: String,
    functional_catalog: String,
    economic_catalog: String,
    #[serde(default)]
    economic_catalog_complete: Option<bool>,
    parts: Vec<RawPart>,
    #[serde(default)]
    inputs: RawInputs,
    #[serde(default)]
    glossary: Vec<RawGlossary>,
    performance: RawPerformance,
    #[serde(default)]
    fonts: RawFonts,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFonts {
    #[serde(default)]
    body: Vec<String>,
    #[serde(default)]
    heading: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerformance {
    budget_weight: String,
    indicator_weight: String,
    #[serde(default)]
    level1_weights: std::collections::BTreeMap<String, String>,
    achieved_band: [i64; 2],
    partial_band: [i64; 2],
    not_achieved_band: [i64; 2],
    not_set_percent: i64,
    overshoot_ratio: i64,
    #[serde(default)]
    lower_is_better: Vec<String>,
    method: String,
    grades: Vec<RawGrade>,
    #[serde(default)]
    categories: Vec<RawIndicatorCategory>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicatorCategory {
    level1: String,
    level2: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    name: String,
    min: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    id: String,
    title: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawInputs {
    #[serde(default)]
    last_year: Vec<String>,
    #[serde(default)]
    initial_budget: Vec<String>,
    #[serde(default)]
    texts: Vec<RawInputDecl>,
    #[serde(default)]
    counts: Vec<RawInputDecl>,
    #[serde(default)]
    amounts: Vec<RawInputDecl>,
    #[serde(default)]
    scores: Vec<RawInputDecl>,
    #[serde(default)]
    lists: Vec<RawInputDecl>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputDecl {
    id: String,
    label: String,
    #[serde(default)]
    sum_of: Vec<String>,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGlossary {
    term: String,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTables {
    tables: Vec<RawTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    id: String,
    number: String,
    title: String,
    kind: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    empty_note: Option<String>,
    #[serde(default)]
    org_label: Option<String>,
    #[serde(default)]
    unit_label: Option<String>,
    #[serde(default)]
    landscape: bool,
    #[serde(default)]
    header: Vec<Vec<RawHeaderCell>>,
    #[serde(default)]
    panels: Vec<RawPanel>,
    #[serde(default)]
    equal: Vec<RawEqual>,
    #[serde(default)]
    columns: Vec<RawColumn>,
    #[serde(default)]
    rows: Vec<RawRow>,
    #[serde(default)]
    row_equal: Option<RawRowEqual>,
    #[serde(default)]
    groups: Vec<RawGroup>,
    #[serde(default)]
    blocks: Vec<RawBlock>,
    /// Panels tables: print a 行次 column (default true).
    #[serde(default)]
    line_numbers: Option<bool>,
    /// Functional tables: `first` (default) or `last`.
    #[serde(default)]
    total_row: Option<String>,
    /// Economic tables: the codes printed (default: the catalog's).
    #[serde(default)]
    codes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeaderCell {
    t: String,
    #[serde(default = "one")]
    cs: u32,
    #[serde(default = "one")]
    rs: u32,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPanel {
    #[serde(default)]
    name: Option<String>,
    columns: Vec<RawColumn>,
    rows: Vec<RawRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    id: String,
    label: String,
    #[serde(default)]
    no: Option<u32>,
    #[serde(default)]
    measure: Option<String>,
    #[serde(default)]
    sum_of: Vec<String>,
    #[serde(default)]
    not_applicable: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    lines: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    keys: Option<Vec<String>>,
    #[serde(default)]
    class: Option<String>,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    sum: Option<String>,
    #[serde(default)]
    total: bool,
    #[serde(default)]
    blank: bool,
    #[serde(default)]
    heading: Option<String>,
    #[serde(default)]
    subheader: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEqual {
    left: Vec<String>,
    right: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRowEqual {
    left: Vec<String>,
    right: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: String,
    label: String,
    total_label: String,
    classes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBlock {
    group: String,
    from: String,
    to: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNarrative {
    #[serde(default)]
    macros: String,
    #[serde(default)]
    overview: Vec<RawSection>,
    #[serde(default)]
    sections: Vec<RawSection>,
    #[serde(default)]
    project: String,
    #[serde(default)]
    charts: Vec<RawChart>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChart {
    id: String,
    kind: String,
    title: String,
    series: Vec<RawSeries>,
    #[serde(default)]
    categories: Vec<RawCategory>,
    #[serde(default)]
    classes: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeries {
    name: String,
    #[serde(default)]
    year: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    label: String,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    keys: Vec<String>,
}

fn chart(c: RawChart, file: &str) -> Result<ChartDef, ProfileError> {
    let bad = |message: String| ProfileError::Invalid {
        file: file.to_string(),
        message: format!("图表 {}：{message}", c.id),
    };
    let kind = match c.kind.as_str() {
        "pie" => ChartKind::Pie,
        "bars" => ChartKind::Bars,
        other => return Err(bad(format!("未知的图表类型 “{other}”（可用 pie、bars）"))),
    };
    let series = c
        .series
        .iter()
        .map(|s| {
            let year = match s.year.as_deref() {
                None | Some("this") => ChartYear::This,
                Some("last") => ChartYear::Last,
                Some(other) => return Err(bad(format!("未知的年度 “{other}”（可用 this、last）"))),
            };
            Ok(ChartSeriesDef {
                name: s.name.clone(),
                year,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    if series.is_empty() || (kind == ChartKind::Pie && series.len() != 1) {
        return Err(bad("饼图需要恰好一个系列，柱状图至少一个".to_string()));
    }
    let categories = match (&c.classes, c.categories.is_empty()) {
        (Some(m), true) => ChartCategories::Classes(
            Measure::from_name(m).ok_or_else(|| bad(format!("未知的度量 “{m}”")))?,
        ),
        (None, false) => {
            let mut out = Vec::new();
            for cat in &c.categories {
                let names: Vec<&String> = match (&cat.key, cat.keys.is_empty()) {
                    (Some(k), true) => vec![k; series.len()],
                    (None, false) => cat.keys.iter().collect(),
                    _ => return Err(bad(format!("类别 “{}” 须给出 key 或 keys 之一", cat.label))),
                };
                if names.len() != series.len() {
                    return Err(bad(format!(
                        "类别 “{}” 的 keys 有 {} 个，系列有 {} 个",
                        cat.label,
                        names.len(),
                        series.len()
                    )));
                }
                let keys = names
                    .iter()
                    .map(|k| Key::parse(k).ok_or_else(|| bad(format!("“{k}” 不是有效的数据项"))))
                    .collect::<Result<Vec<_>, _>>()?;
                out.push((cat.label.clone(), keys));
            }
            ChartCategories::Listed(out)
        }
        _ => return Err(bad("须给出 categories 或 classes 之一".to_string())),
    };
    Ok(ChartDef {
        id: c.id,
        kind,
        title: c.title,
        series,
        categories,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    #[serde(default)]
    id: String,
    title: String,
    template: String,
}

fn toml_error(file: String, text: &str, e: &toml::de::Error) -> ProfileError {
    let line = e
        .span()
        .map(|s| text.bytes().take(s.start).filter(|b| *b == b'\n').count() + 1);
    ProfileError::Syntax {
        file,
        line,
        message: e.message().to_string(),
    }
}

fn parse_toml<T: for<'de> Deserialize<'de>>(file: String, text: &str) -> Result<T, ProfileError> {
    toml::from_str(text).map_err(|e| toml_error(file, text, &e))
}

/// Loads and validates a profile from its files.
pub fn load(files: &ProfileFiles<'_>) -> Result<Profile, ProfileError> {
    let dir = files.dir;
    let raw: RawProfile = parse_toml(format!("{dir}/profile.toml"), files.profile)?;
    let tables: RawTables = parse_toml(format!("{dir}/tables.toml"), files.tables)?;
    let mut narrative: RawNarrative = parse_toml(format!("{dir}/narrative.toml"), files.narrative)?;
    let narrative_file = format!("{dir}/narrative.toml");
    let charts = std::mem::take(&mut narrative.charts)
        .into_iter()
        .map(|c| chart(c, &narrative_file))
        .collect::<Result<Vec<_>, _>>()?;
    for s in narrative.overview.iter().chain(&narrative.sections) {
        for line in s.template.lines() {
            if let Some(id) = line
                .trim()
                .strip_prefix("@@chart:")
                .and_then(|r| r.strip_suffix("@@"))
                && !charts.iter().any(|c| c.id == id)
            {
                return Err(ProfileError::Invalid {
                    file: narrative_file,
                    message: format!("“{}” 引用了未定义的图表 {id}", s.title),
                });
            }
        }
    }
    let bad = |file: &str, what: String| ProfileError::Invalid {
        file: format!("{dir}/{file}"),
        message: what,
    };

    for (key, list) in [("body", &raw.fonts.body), ("heading", &raw.fonts.heading)] {
        if list.len() > 16
            || list
                .iter()
                .any(|n| n.trim().is_empty() || n.chars().count() > 64)
        {
            return Err(bad(
                "profile.toml",
                format!("[fonts] {key} 应是至多 16 个字体名，每个非空、不超过 64 个字符"),
            ));
        }
    }
    let fonts = FontFamilies {
        body: raw.fonts.body.clone(),
        heading: raw.fonts.heading.clone(),
    };
    let amount_unit = AmountUnit::from_label(&raw.amount_unit).ok_or_else(|| {
        bad(
            "profile.toml",
            format!("未知的金额单位 “{}”", raw.amount_unit),
        )
    })?;
    let functional_catalog = read_catalog(
        &format!("{dir}/{}", raw.functional_catalog),
        files.functional_catalog,
        |s| FunctionalCode::parse(s).ok(),
        false,
    )?;
    let economic_catalog = read_catalog(
        &format!("{dir}/{}", raw.economic_catalog),
        files.economic_catalog,
        |s| EconomicCode::parse(s).ok(),
        raw.economic_catalog_complete.unwrap_or(true),
    )?;

    let mut defs = Vec::new();
    let mut ids = BTreeSet::new();
    for t in tables.tables {
        if !ids.insert(t.id.clone()) {
            return Err(bad("tables.toml", format!("表 {} 重复", t.id)));
        }
        let def = table_def(t).map_err(|m| bad("tables.toml", m))?;
        check_printed_codes(&def, &economic_catalog).map_err(|m| bad("tables.toml", m))?;
        defs.push(def);
    }

    let inputs = InputDecls {
        last_year: raw.inputs.last_year,
        initial_budget: raw.inputs.initial_budget,
        texts: raw.inputs.texts.into_iter().map(input_decl).collect(),
        counts: raw.inputs.counts.into_iter().map(input_decl).collect(),
        amounts: raw.inputs.amounts.into_iter().map(input_decl).collect(),
        scores: raw.inputs.scores.into_iter().map(input_decl).collect(),
        lists: raw.inputs.lists.into_iter().map(input_decl).collect(),
    };
    for pattern in inputs.last_year.iter().chain(&inputs.initial_budget) {
        let probe = pattern
            .replace("{class}", "201")
            .replace("{item}", "2010101");
        if Key::parse(&probe).is_none() {
            return Err(bad(
                "profile.toml",
                format!("inputs 中的 “{pattern}” 不是有效的数据项"),
            ));
        }
    }

    let points = |s: &str, what: &str| {
        Points::parse(s).ok_or_else(|| {
            bad(
                "profile.toml",
                format!("[performance] {what} “{s}” 不是分值"),
            )
        })
    };
    let perf = &raw.performance;
    let band = |b: [i64; 2]| {
        if 0 <= b[0] && b[0] <= b[1] && b[1] <= 100 {
            Ok((b[0], b[1]))
        } else {
            Err(bad(
                "profile.toml",
                format!("[performance] 得分区间 {b:?} 应在 0–100 之间且下限不大于上限"),
            ))
        }
    };
    let mut grades = Vec::new();
    for g in &perf.grades {
        grades.push((g.name.clone(), points(&g.min, "grades.min")?));
    }
    if grades.windows(2).any(|w| w[0].1 <= w[1].1) || grades.is_empty() {
        return Err(bad(
            "profile.toml",
            "[performance] grades 须按分数线从高到低排列".to_string(),
        ));
    }
    let performance = PerformanceDef {
        budget_weight: points(&perf.budget_weight, "budget_weight")?,
        indicator_weight: points(&perf.indicator_weight, "indicator_weight")?,
        level1_weights: perf
            .level1_weights
            .iter()
            .map(|(k, v)| Ok((k.clone(), points(v, "level1_weights")?)))
            .collect::<Result<_, ProfileError>>()?,
        achieved_band: band(perf.achieved_band)?,
        partial_band: band(perf.partial_band)?,
        not_achieved_band: band(perf.not_achieved_band)?,
        not_set_percent: perf.not_set_percent,
        overshoot_ratio: perf.overshoot_ratio,
        lower_is_better: perf.lower_is_better.clone(),
        method: perf.method.clone(),
        grades,
        categories: perf
            .categories
            .iter()
            .map(|c| (c.level1.clone(), c.level2.clone()))
            .collect(),
    };
    Ok(Profile {
        performance,
        fonts,
        id: raw.id,
        name: raw.name,
        region: raw.region,
        year: raw.year,
        amount_unit,
        title: raw.title,
        parts: raw
            .parts
            .into_iter()
            .map(|p| PartDef {
                id: p.id,
                title: p.title,
            })
            .collect(),
        tables: defs,
        inputs,
        glossary: raw
            .glossary
            .into_iter()
            .map(|g| GlossaryEntry {
                term: g.term,
                text: g.text,
            })
            .collect(),
        narrative: NarrativeDef {
            charts,
            macros: narrative.macros,
            overview: narrative.overview.into_iter().map(section).collect(),
            sections: narrative.sections.into_iter().map(section).collect(),
            project: narrative.project,
        },
        functional_catalog,
        economic_catalog,
    })
}

fn section(s: RawSection) -> SectionDef {
    SectionDef {
        id: s.id,
        title: s.title,
        template: s.template,
    }
}

fn input_decl(d: RawInputDecl) -> InputDecl {
    InputDecl {
        id: d.id,
        label: d.label,
        sum_of: d.sum_of,
        optional: d.optional,
    }
}

fn read_catalog<C: Ord + Clone>(
    file: &str,
    text: &str,
    parse: impl Fn(&str) -> Option<C>,
    complete: bool,
) -> Result<Catalog<C>, ProfileError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ProfileError::Invalid {
            file: file.to_string(),
            message: e.to_string(),
        })?
        .clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ci), Some(ni)) = (col("code"), col("name")) else {
        return Err(ProfileError::Invalid {
            file: file.to_string(),
            message: "目录须有 code 和 name 两列".to_string(),
        });
    };
    let vi = col("also_printed_as");
    let si = col("source");
    let mut entries = BTreeMap::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| ProfileError::Invalid {
            file: file.to_string(),
            message: e.to_string(),
        })?;
        let code_text = rec.get(ci).unwrap_or("");
        let code = parse(code_text).ok_or_else(|| ProfileError::Invalid {
            file: file.to_string(),
            message: format!("第 {} 行：“{code_text}” 不是有效编码", i + 2),
        })?;
        let entry = CatalogEntry {
            name: rec.get(ni).unwrap_or("").to_string(),
            variants: vi
                .and_then(|v| rec.get(v))
                .map(|s| {
                    s.split(';')
                        .filter(|x| !x.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            source: si.and_then(|s| rec.get(s)).unwrap_or("").to_string(),
        };
        entries.insert(code, entry);
    }
    Ok(Catalog::new(entries, complete))
}

fn parse_key(s: &str) -> Result<Key, String> {
    Key::parse(s).ok_or_else(|| format!("“{s}” 不是有效的数据项（见 Measure 列表）"))
}

fn parse_measure(s: &str) -> Result<Measure, String> {
    Measure::from_name(s).ok_or_else(|| format!("“{s}” 不是已知的度量"))
}

/// "1-26" → [1, …, 26]; "27" → [27].
fn parse_lines(s: &str) -> Result<Vec<u32>, String> {
    let err = || format!("“{s}” 不是行次或行次范围（如 1-26）");
    match s.split_once('-') {
        Some((a, b)) => {
            let a: u32 = a.trim().parse().map_err(|_| err())?;
            let b: u32 = b.trim().parse().map_err(|_| err())?;
            if a > b {
                return Err(err());
            }
            Ok((a..=b).collect())
        }
        None => Ok(vec![s.trim().parse().map_err(|_| err())?]),
    }
}

fn column_def(c: RawColumn) -> Result<ColumnDef, String> {
    Ok(ColumnDef {
        measure: c.measure.as_deref().map(parse_measure).transpose()?,
        not_applicable: c
            .not_applicable
            .iter()
            .map(|s| EconomicCode::parse(s).map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?,
        id: c.id,
        label: c.label,
        number: c.no,
        sum_of: c.sum_of,
    })
}

fn check_columns(table: &str, cols: &[ColumnDef]) -> Result<(), String> {
    let ids: BTreeSet<&str> = cols.iter().map(|c| c.id.as_str()).collect();
    if ids.len() != cols.len() {
        return Err(format!("表 {table}：栏目 id 重复"));
    }
    for c in cols {
        for s in &c.sum_of {
            if !ids.contains(s.as_str()) || s == &c.id {
                return Err(format!(
                    "表 {table} 栏目 {}：sum_of 引用了不存在的栏目 “{s}”",
                    c.id
                ));
            }
        }
        if let Some(m) = c.measure
            && m.domain() == Domain::Scalar
        {
            return Err(format!(
                "表 {table} 栏目 {}：度量 {} 不能按行展开",
                c.id,
                m.name()
            ));
        }
    }
    Ok(())
}

fn row_def(table: &str, r: RawRow, ncols: usize) -> Result<Vec<RowDef>, String> {
    let label = r.label.unwrap_or_default();
    if let Some(h) = r.heading {
        return Ok(vec![RowDef {
            line: None,
            label: h,
            binding: RowBinding::None,
            sum: Vec::new(),
            total: false,
            blank: false,
            heading: Some(r.subheader.unwrap_or_default()),
        }]);
    }
    if let Some(lines) = r.lines {
        if !r.blank {
            return Err(format!("表 {table}：lines = “{lines}” 只用于空白行"));
        }
        return Ok(parse_lines(&lines)?
            .into_iter()
            .map(|n| RowDef {
                line: Some(n),
                label: String::new(),
                binding: RowBinding::None,
                sum: Vec::new(),
                total: false,
                blank: true,
                heading: None,
            })
            .collect());
    }
    let binding = match (r.key, r.keys, r.class, r.scope.as_deref(), r.blank) {
        (_, _, _, _, true) => RowBinding::None,
        (Some(k), None, None, None, false) => {
            if ncols != 1 {
                return Err(format!("表 {table} 行 {label}：多栏时用 keys 而非 key"));
            }
            RowBinding::Key(parse_key(&k)?)
        }
        (None, Some(ks), None, None, false) => {
            if ks.len() != ncols {
                return Err(format!("表 {table} 行 {label}：keys 数与栏目数不符"));
            }
            RowBinding::Keys(
                ks.iter()
                    .map(|k| {
                        if k.is_empty() {
                            Ok(None)
                        } else {
                            parse_key(k).map(Some)
                        }
                    })
                    .collect::<Result<_, _>>()?,
            )
        }
        (None, None, Some(c), None, false) => {
            let code = FunctionalCode::parse(&c).map_err(|e| e.to_string())?;
            if code.as_str().len() != 3 {
                return Err(format!("表 {table} 行 {label}：class 须为 3 位类编码"));
            }
            RowBinding::Class(code)
        }
        (None, None, None, Some("all"), false) => RowBinding::All,
        _ => {
            return Err(format!(
                "表 {table} 行 {label}：须且只能有 key、keys、class、scope = \"all\" 之一"
            ));
        }
    };
    Ok(vec![RowDef {
        line: r.line,
        label,
        binding,
        sum: r
            .sum
            .as_deref()
            .map(parse_lines)
            .transpose()?
            .unwrap_or_default(),
        total: r.total,
        blank: r.blank,
        heading: None,
    }])
}

fn panel_def(table: &str, p: RawPanel) -> Result<PanelDef, String> {
    let columns: Vec<ColumnDef> = p
        .columns
        .into_iter()
        .map(column_def)
        .collect::<Result<_, _>>()?;
    check_columns(table, &columns)?;
    let mut rows = Vec::new();
    for r in p.rows {
        rows.extend(row_def(table, r, columns.len())?);
    }
    for r in &rows {
        let needs_measure = matches!(r.binding, RowBinding::Class(_) | RowBinding::All);
        if needs_measure && columns.iter().any(|c| c.measure.is_none()) {
            return Err(format!(
                "表 {table} 行 {}：按类或合计取数的行要求每个栏目都有 measure",
                r.label
            ));
        }
    }
    Ok(PanelDef {
        name: p.name,
        columns,
        rows,
    })
}

fn cell_addr(s: &str) -> Result<CellAddr, String> {
    let (line, col) = match s.split_once(':') {
        Some((l, c)) => (l, Some(c.to_string())),
        None => (s, None),
    };
    let line = line
        .trim()
        .parse()
        .map_err(|_| format!("“{s}” 不是单元格地址（行次 或 行次:栏目）"))?;
    Ok(CellAddr { line, column: col })
}

fn table_def(t: RawTable) -> Result<TableDef, String> {
    let id = t.id.clone();
    let only_for: [(bool, &str, &[&str]); 3] = [
        (
            t.line_numbers.is_some(),
            "line_numbers",
            &["two_sided", "list"],
        ),
        (t.total_row.is_some(), "total_row", &["functional"]),
        (t.codes.is_some(), "codes", &["economic"]),
    ];
    for (set, option, kinds) in only_for {
        if set && !kinds.contains(&t.kind.as_str()) {
            return Err(format!(
                "表 {id}：{option} 只用于 {} 类型的表",
                kinds.join("、")
            ));
        }
    }
    let layout = match t.kind.as_str() {
        "two_sided" | "list" => {
            let panels: Vec<PanelDef> = t
                .panels
                .into_iter()
                .map(|p| panel_def(&id, p))
                .collect::<Result<_, _>>()?;
            let equal = t
                .equal
                .into_iter()
                .map(|e| {
                    Ok(EqualDef {
                        left: e
                            .left
                            .iter()
                            .map(|s| cell_addr(s))
                            .collect::<Result<_, String>>()?,
                        right: e
                            .right
                            .iter()
                            .map(|s| cell_addr(s))
                            .collect::<Result<_, String>>()?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            check_panels(&id, &panels, &equal)?;
            Layout::Panels {
                two_sided: t.kind == "two_sided",
                panels,
                equal,
                line_numbers: t.line_numbers.unwrap_or(true),
            }
        }
        "functional" => {
            let columns: Vec<ColumnDef> = t
                .columns
                .into_iter()
                .map(column_def)
                .collect::<Result<_, _>>()?;
            check_columns(&id, &columns)?;
            if columns
                .iter()
                .any(|c| c.measure.is_none_or(|m| m.domain() != Domain::Functional))
            {
                return Err(format!("表 {id}：功能分类表的每个栏目须有功能分类度量"));
            }
            let row_equal = t.row_equal.map(|r| (r.left, r.right));
            if let Some((l, r)) = &row_equal {
                for c in l.iter().chain(r) {
                    if !columns.iter().any(|x| &x.id == c) {
                        return Err(format!("表 {id}：row_equal 引用了不存在的栏目 “{c}”"));
                    }
                }
            }
            let total_last = match t.total_row.as_deref() {
                None | Some("first") => false,
                Some("last") => true,
                Some(other) => {
                    return Err(format!(
                        "表 {id}：total_row = “{other}” 无效（可用 first、last）"
                    ));
                }
            };
            Layout::Functional {
                columns,
                row_equal,
                total_last,
            }
        }
        "economic" => {
            let columns: Vec<ColumnDef> = t
                .columns
                .into_iter()
                .map(column_def)
                .collect::<Result<_, _>>()?;
            check_columns(&id, &columns)?;
            let group =
                |s: &str| EconGroup::from_name(s).ok_or_else(|| format!("表 {id}：未知分组 “{s}”"));
            let groups = t
                .groups
                .into_iter()
                .map(|g| {
                    Ok(GroupDef {
                        group: group(&g.id)?,
                        label: g.label,
                        total_label: g.total_label,
                        classes: g
                            .classes
                            .iter()
                            .map(|c| EconomicCode::parse(c).map_err(|e| e.to_string()))
                            .collect::<Result<_, String>>()?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let blocks = t
                .blocks
                .into_iter()
                .map(|b| {
                    Ok(BlockDef {
                        group: group(&b.group)?,
                        from: b.from,
                        to: b.to,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let codes = t
                .codes
                .map(|list| {
                    list.iter()
                        .map(|c| EconomicCode::parse(c).map_err(|e| format!("表 {id}：{e}")))
                        .collect::<Result<Vec<_>, String>>()
                })
                .transpose()?;
            Layout::Economic {
                columns,
                groups,
                blocks,
                codes,
            }
        }
        "grid" => {
            let columns: Vec<ColumnDef> = t
                .columns
                .into_iter()
                .map(column_def)
                .collect::<Result<_, _>>()?;
            check_columns(&id, &columns)?;
            let rows = t
                .rows
                .into_iter()
                .map(|r| {
                    let keys = r.keys.unwrap_or_default();
                    if keys.len() != columns.len() {
                        return Err(format!("表 {id}：keys 数与栏目数不符"));
                    }
                    Ok(GridRowDef {
                        label: r.label,
                        keys: keys
                            .iter()
                            .map(|k| {
                                if k.is_empty() {
                                    Ok(None)
                                } else {
                                    parse_key(k).map(Some)
                                }
                            })
                            .collect::<Result<_, _>>()?,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            Layout::Grid { columns, rows }
        }
        other => return Err(format!("表 {id}：未知的表类型 “{other}”")),
    };
    let header: Vec<Vec<HeaderCell>> = t
        .header
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|c| HeaderCell {
                    text: c.t,
                    colspan: c.cs,
                    rowspan: c.rs,
                })
                .collect()
        })
        .collect();
    let def = TableDef {
        id: t.id,
        number: t.number,
        title: t.title,
        note: t.note,
        empty_note: t.empty_note,
        org_label: t.org_label.unwrap_or_else(|| "部门名称".to_string()),
        unit_label: t.unit_label.unwrap_or_else(|| "金额单位".to_string()),
        landscape: t.landscape,
        header,
        layout,
    };
    check_header(&def)?;
    Ok(def)
}

fn check_panels(table: &str, panels: &[PanelDef], equal: &[EqualDef]) -> Result<(), String> {
    let mut lines: BTreeMap<u32, usize> = BTreeMap::new();
    for (pi, p) in panels.iter().enumerate() {
        for r in &p.rows {
            if let Some(n) = r.line
                && lines.insert(n, pi).is_some()
            {
                return Err(format!("表 {table}：行次 {n} 重复"));
            }
        }
    }
    for (pi, p) in panels.iter().enumerate() {
        for r in &p.rows {
            for n in &r.sum {
                if lines.get(n) != Some(&pi) {
                    return Err(format!(
                        "表 {table} 行 {}：sum 引用了本栏不存在的行次 {n}",
                        r.label
                    ));
                }
            }
        }
    }
    for e in equal {
        for a in e.left.iter().chain(&e.right) {
            let Some(&pi) = lines.get(&a.line) else {
                return Err(format!("表 {table}：平衡关系引用了不存在的行次 {}", a.line));
            };
            let cols = &panels[pi].columns;
            match &a.column {
                None if cols.len() != 1 => {
                    return Err(format!("表 {table}：行次 {} 有多栏，须写明栏目", a.line));
                }
                Some(c) if !cols.iter().any(|x| &x.id == c) => {
                    return Err(format!("表 {table}：行次 {} 没有栏目 “{c}”", a.line));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// The codes an economic table prints must be known, belong to a group and fall in
/// a print block.
fn check_printed_codes(def: &TableDef, catalog: &Catalog<EconomicCode>) -> Result<(), String> {
    let Layout::Economic {
        groups,
        blocks,
        codes: Some(codes),
        ..
    } = &def.layout
    else {
        return Ok(());
    };
    let mut seen = BTreeSet::new();
    for c in codes {
        if !seen.insert(c) {
            return Err(format!("表 {}：codes 中 {c} 重复", def.id));
        }
        if catalog.get(c).is_none() {
            return Err(format!("表 {}：codes 中的 {c} 不在经济分类目录中", def.id));
        }
        let Some(g) = groups.iter().find(|g| g.classes.contains(&c.class())) else {
            return Err(format!("表 {}：codes 中的 {c} 不属于任何分组", def.id));
        };
        if !blocks
            .iter()
            .any(|b| b.group == g.group && in_block(c.as_str(), b))
        {
            return Err(format!(
                "表 {}：codes 中的 {c} 不在本组的任何打印块内",
                def.id
            ));
        }
    }
    Ok(())
}

/// Whether an economic code falls in a print block. Codes compare as text padded to
/// five digits: 301 sorts before 30101.
pub fn in_block(code: &str, b: &BlockDef) -> bool {
    let pad = |s: &str| format!("{s:0<5}");
    let c = pad(code);
    c >= pad(&b.from) && c <= pad(&b.to)
}

/// Number of layout columns of a table (labels, 行次 and code columns included).
pub fn layout_width(def: &TableDef) -> u32 {
    let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    match &def.layout {
        Layout::Panels {
            panels,
            line_numbers,
            ..
        } => panels
            .iter()
            .map(|p| 1 + u32::from(*line_numbers) + n(p.columns.len()))
            .sum(),
        Layout::Functional { columns, .. } => 2 + n(columns.len()),
        Layout::Economic {
            columns, blocks, ..
        } => n(blocks.len()) * (2 + n(columns.len())),
        Layout::Grid { columns, .. } => n(columns.len()),
    }
}

/// Checks that header rows, with their spans, exactly tile the layout width.
fn check_header(def: &TableDef) -> Result<(), String> {
    if def.header.is_empty() {
        return Ok(());
    }
    let width = layout_width(def) as usize;
    let rows = def.header.len();
    let mut occupied = vec![vec![false; width]; rows];
    for (ri, row) in def.header.iter().enumerate() {
        let mut col = 0;
        for cell in row {
            while col < width && occupied[ri][col] {
                col += 1;
            }
            let (cs, rs) = (cell.colspan as usize, cell.rowspan as usize);
            if cs == 0 || rs == 0 || col + cs > width || ri + rs > rows {
                return Err(format!("表 {}：表头 “{}” 超出表格范围", def.id, cell.text));
            }
            for r in occupied.iter_mut().skip(ri).take(rs) {
                for c in r.iter_mut().skip(col).take(cs) {
                    if *c {
                        return Err(format!(
                            "表 {}：表头 “{}” 与其他表头重叠",
                            def.id, cell.text
                        ));
                    }
                    *c = true;
                }
            }
            col += cs;
        }
    }
    if occupied.iter().any(|r| r.iter().any(|c| !c)) {
        return Err(format!("表 {}：表头没有覆盖全部 {width} 列", def.id));
    }
    Ok(())
}
