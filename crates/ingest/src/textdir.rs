//! A text directory: `report.toml`, `narrative.toml` and the CSV files of
//! [`crate::tables_csv`]. The format a person edits and reviews in git; see
//! `docs/INPUT.md`.

use crate::error::{InputError, InputErrors, did_you_mean};
use crate::guard;
use crate::tables_csv::{ECON_FILE, FN_FILES, read_economic, read_functional};
use crate::values::{Amount, AnyNum, Count};
use juesuan_model::{
    Facts, Key, Measure, Meta, Money, NarrativeInputs, Num, NumKind, OrgUnit, Overview, Points,
    Report, SourceRef, Stated, UnitKind,
};
use juesuan_profile::{Profile, key_pattern_matches};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

/// The main file of a text directory.
pub const REPORT_FILE: &str = "report.toml";
/// The narrative inputs file.
pub const NARRATIVE_FILE: &str = "narrative.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    profile: Spanned<String>,
    department: Spanned<String>,
    year: Spanned<i64>,
    #[serde(default)]
    title: Option<Spanned<String>>,
    #[serde(default)]
    department_code: Option<Spanned<String>>,
    #[serde(default)]
    overview: RawOverview,
    #[serde(default)]
    balances: Section<Amount>,
    #[serde(default)]
    fiscal: Section<Amount>,
    #[serde(default)]
    sangong_budget: Section<Amount>,
    #[serde(default)]
    sangong_actual: Section<Amount>,
    #[serde(default)]
    procurement: Section<Amount>,
    #[serde(default)]
    running_costs: Section<Amount>,
    #[serde(default)]
    vehicles: Section<Count>,
}

type Section<T> = BTreeMap<Spanned<String>, Spanned<T>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOverview {
    #[serde(default)]
    duties: String,
    #[serde(default)]
    offices: Vec<String>,
    #[serde(default)]
    units: Vec<RawUnit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    name: String,
    kind: Spanned<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNarrative {
    #[serde(default)]
    last_year: Section<AnyNum>,
    #[serde(default)]
    initial_budget: Section<Amount>,
    #[serde(default)]
    texts: Section<String>,
    #[serde(default)]
    counts: Section<Count>,
    #[serde(default)]
    amounts: Section<Amount>,
    #[serde(default)]
    scores: Section<String>,
    #[serde(default)]
    lists: Section<Vec<String>>,
}

/// What a key of a `report.toml` section means: an input fact, or a derived value
/// that is only checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// An input figure.
    Fact(Measure),
    /// A derived figure: checked (rule `IN-DERIVED`), never used.
    Derived(Measure),
}

impl Slot {
    /// The figure's measure.
    pub fn measure(self) -> Measure {
        match self {
            Slot::Fact(m) | Slot::Derived(m) => m,
        }
    }
}

/// The sections of `report.toml` that hold whole-department figures, in file
/// order, each with its keys. Shared by the readers and writers of every input
/// format, so a figure has one name everywhere.
pub const REPORT_SECTIONS: &[(&str, &[(&str, Slot)])] = &[
    ("balances", BALANCES),
    ("fiscal", FISCAL),
    ("sangong_budget", SANGONG_BUDGET),
    ("sangong_actual", SANGONG_ACTUAL),
    ("procurement", PROCUREMENT),
    ("running_costs", RUNNING_COSTS),
    ("vehicles", VEHICLES),
];

const BALANCES: &[(&str, Slot)] = &[
    ("nonfiscal_used", Slot::Fact(Measure::NonfiscalUsed)),
    ("carry_in", Slot::Fact(Measure::CarryIn)),
    ("distribution", Slot::Fact(Measure::Distribution)),
    ("carry_out", Slot::Fact(Measure::CarryOut)),
    ("income_total", Slot::Derived(Measure::IncomeGrand)),
    ("expenditure_total", Slot::Derived(Measure::ExpGrand)),
];

const FISCAL: &[(&str, Slot)] = &[
    ("general_carry_in", Slot::Fact(Measure::FbalInGpb)),
    ("general_carry_out", Slot::Fact(Measure::FbalOutGpb)),
    ("capital_income", Slot::Fact(Measure::IncSocFund)),
    ("capital_carry_in", Slot::Fact(Measure::FbalInSoc)),
    ("capital_carry_out", Slot::Fact(Measure::FbalOutSoc)),
    ("general_income", Slot::Derived(Measure::IncGpbFund)),
];

const SANGONG_BUDGET: &[(&str, Slot)] = &[
    ("abroad", Slot::Fact(Measure::SgBudgetAbroad)),
    (
        "vehicle_purchase",
        Slot::Fact(Measure::SgBudgetVehiclePurchase),
    ),
    (
        "vehicle_running",
        Slot::Fact(Measure::SgBudgetVehicleRunning),
    ),
    ("reception", Slot::Fact(Measure::SgBudgetReception)),
    ("vehicle", Slot::Derived(Measure::SgBudgetVehicle)),
    ("total", Slot::Derived(Measure::SgBudgetTotal)),
];

const SANGONG_ACTUAL: &[(&str, Slot)] = &[
    ("abroad", Slot::Derived(Measure::SgActualAbroad)),
    (
        "vehicle_purchase",
        Slot::Derived(Measure::SgActualVehiclePurchase),
    ),
    (
        "vehicle_running",
        Slot::Derived(Measure::SgActualVehicleRunning),
    ),
    ("reception", Slot::Derived(Measure::SgActualReception)),
    ("vehicle", Slot::Derived(Measure::SgActualVehicle)),
    ("total", Slot::Derived(Measure::SgActualTotal)),
];

const PROCUREMENT: &[(&str, Slot)] = &[
    ("goods", Slot::Fact(Measure::ProcGoods)),
    ("works", Slot::Fact(Measure::ProcWorks)),
    ("services", Slot::Fact(Measure::ProcServices)),
    ("sme", Slot::Fact(Measure::ProcSme)),
    ("small_micro", Slot::Fact(Measure::ProcSmallMicro)),
    ("total", Slot::Derived(Measure::ProcTotal)),
];

const RUNNING_COSTS: &[(&str, Slot)] = &[
    ("administrative", Slot::Fact(Measure::OrcAdmin)),
    ("civil_service_managed", Slot::Fact(Measure::OrcCivil)),
    ("total", Slot::Derived(Measure::OrcTotal)),
];

const VEHICLES: &[(&str, Slot)] = &[
    ("ministerial", Slot::Fact(Measure::VehMinisterial)),
    ("leader", Slot::Fact(Measure::VehLeader)),
    ("confidential", Slot::Fact(Measure::VehConfidential)),
    ("emergency", Slot::Fact(Measure::VehEmergency)),
    ("law_enforcement", Slot::Fact(Measure::VehLaw)),
    ("special", Slot::Fact(Measure::VehSpecial)),
    ("retired", Slot::Fact(Measure::VehRetired)),
    ("other", Slot::Fact(Measure::VehOther)),
    ("total", Slot::Derived(Measure::VehTotal)),
    ("equipment", Slot::Fact(Measure::EquipCount)),
];

/// Where each line of a text starts, for turning byte offsets (TOML spans) into
/// 1-based line numbers: built once per file in O(n), each look-up O(log n) — a
/// count of newlines per look-up made a file of many entries quadratic.
pub(crate) struct Lines(Vec<usize>);

impl Lines {
    /// The line starts of `text`.
    pub(crate) fn new(text: &str) -> Lines {
        Lines(
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect(),
        )
    }

    /// 1-based line of a byte offset.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|start| *start <= offset).max(1)
    }
}

/// 1-based line of a byte offset, for a single look-up.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    Lines::new(text).line(offset)
}

/// A text file of the directory, through the one guarded reader.
pub(crate) fn read_text(path: &Path, shown: &str) -> Result<String, InputError> {
    let bytes = guard::read_file(path, shown, guard::Kind::TextDir)?;
    guard::decode_text(&bytes, shown)
}

pub(crate) fn parse_toml<T: for<'de> Deserialize<'de>>(
    text: &str,
    shown: &str,
) -> Result<T, InputError> {
    toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start));
        let message = translate_toml_message(e.message());
        let quote = line
            .and_then(|l| text.lines().nth(l - 1))
            .map(|l| format!("（该行：{}）", l.trim()))
            .unwrap_or_default();
        InputError::at(
            SourceRef {
                file: shown.to_string(),
                line,
                ..SourceRef::default()
            },
            format!("{message}{quote}"),
        )
    })
}

/// Turns serde/toml's English messages into Chinese ones; our own (Chinese)
/// messages pass through. An English message never reaches the user: one that is
/// not recognised becomes a general Chinese description of TOML syntax.
fn translate_toml_message(m: &str) -> String {
    if let Some(rest) = m.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return format!(
            "未知的字段 “{field}”{}。可用的字段：{}",
            did_you_mean(field, options.iter().copied()),
            options.join("、")
        );
    }
    if let Some(rest) = m.strip_prefix("missing field `") {
        return format!("缺少字段 “{}”", rest.trim_end_matches('`'));
    }
    if m.starts_with("duplicate key") {
        return "同一个键写了两次：每个键只能出现一次".to_string();
    }
    if let Some(rest) = m.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "类型不对：这里应为{}，实际写的是{}",
            type_name(expected),
            type_name(found)
        );
    }
    if let Some(rest) = m.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!(
            "数值不可用：{}超出{}的范围",
            type_name(found),
            type_name(expected)
        );
    }
    if m.starts_with("unknown variant") {
        return "取值不在可用的选项中".to_string();
    }
    // Our own messages (from the value parsers) are Chinese already.
    if m.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        return m.to_string();
    }
    let syntax = [
        ("duplicate", "同一个键或表写了两次"),
        ("unclosed", "括号或引号没有闭合"),
        ("missing value", "等号后缺少值"),
        ("missing comma", "列表或内联表的元素之间缺少逗号"),
        ("extra comma", "多了一个逗号"),
        ("extra `=`", "多了一个等号"),
        ("missing assignment", "缺少等号（应为 键 = 值）"),
        (
            "invalid string",
            "文字的引号或转义字符不对（文字写在双引号内，\\ 写作 \\\\）",
        ),
        ("invalid integer", "不是有效的整数"),
        (
            "invalid float",
            "不是有效的数（金额请写成带引号的文字，如 \"1,234.56\"）",
        ),
        ("invalid boolean", "应为 true 或 false"),
        ("invalid date", "不是有效的日期"),
        (
            "invalid key",
            "键名不对（键名只能含字母、数字、- 和 _，其他请加引号）",
        ),
        ("invalid table", "表名不对（表名写在 [ ] 内）"),
        ("unexpected", "这里有多余的内容"),
        ("expected", "格式不对"),
    ];
    let what = syntax
        .iter()
        .find(|(k, _)| m.contains(k))
        .map_or("该行不符合 TOML 格式", |(_, v)| *v);
    format!("TOML 格式错误：{what}（每行写作 键 = 值，文字加双引号，表名写在 [ ] 内）")
}

/// A serde type description (`i32`, `a string`, `integer \`5\``) in Chinese.
fn type_name(t: &str) -> String {
    let t = t.trim();
    let quoted = t
        .split('`')
        .nth(1)
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let base = if t.starts_with("integer") || t.starts_with('i') || t.starts_with('u') {
        "整数"
    } else if t.contains("string") || t.starts_with("a str") || t.starts_with("char") {
        "文字"
    } else if t.contains("float") {
        "小数"
    } else if t.contains("bool") {
        "true/false"
    } else if t.contains("sequence") || t.contains("array") {
        "列表"
    } else if t.contains("map") || t.contains("table") || t.contains("struct") {
        "表"
    } else if t.contains("date") {
        "日期"
    } else {
        "其他类型"
    };
    format!("{base}{quoted}")
}

struct Ctx<'a> {
    lines: Lines,
    shown: &'a str,
    errors: InputErrors,
}

impl Ctx<'_> {
    fn src<T>(&self, s: &Spanned<T>) -> SourceRef {
        SourceRef::line(self.shown, self.lines.line(s.span().start))
    }
}

/// Reads the report in a text directory (or the `report.toml` given directly). All
/// errors found are returned together.
pub fn read_text_dir(path: &Path) -> Result<(Report, &'static Profile), InputErrors> {
    if !guard::present(path) {
        return Err(
            InputError::at(SourceRef::file(path.display().to_string()), "路径不存在").into(),
        );
    }
    let (dir, report_path) = if path.is_dir() {
        (path.to_path_buf(), path.join(REPORT_FILE))
    } else {
        not_a_report_file(path)?;
        (
            path.parent().map(Path::to_path_buf).unwrap_or_default(),
            path.to_path_buf(),
        )
    };
    let shown_dir = dir.display().to_string();
    let shown_dir = if shown_dir.is_empty() {
        ".".to_string()
    } else {
        shown_dir
    };
    let shown = report_path.display().to_string();
    if !guard::present(&report_path) {
        return Err(InputError::at(
            SourceRef::file(&shown),
            format!("找不到 {REPORT_FILE}：输入目录须有 {REPORT_FILE}（部门、年度、模板与决算表数据），见 docs/INPUT.md"),
        )
        .into());
    }
    let text = read_text(&report_path, &shown)?;
    let raw: RawReport = parse_toml(&text, &shown)?;
    let mut ctx = Ctx {
        lines: Lines::new(&text),
        shown: &shown,
        errors: InputErrors::default(),
    };

    let profile = juesuan_profile::builtin(raw.profile.get_ref())
        .map_err(|e| InputError::at(ctx.src(&raw.profile).with_field("profile"), e.to_string()))?;

    let mut facts = Facts::default();
    let mut stated = Vec::new();
    for (section, slots, values) in [
        ("balances", BALANCES, &raw.balances),
        ("fiscal", FISCAL, &raw.fiscal),
        ("sangong_budget", SANGONG_BUDGET, &raw.sangong_budget),
        ("sangong_actual", SANGONG_ACTUAL, &raw.sangong_actual),
        ("procurement", PROCUREMENT, &raw.procurement),
        ("running_costs", RUNNING_COSTS, &raw.running_costs),
    ] {
        for (k, v) in values {
            let num = Num::Money(v.get_ref().0);
            let src = ctx.src(v);
            take_slot(
                &mut ctx,
                section,
                slots,
                k,
                src,
                num,
                &mut facts,
                &mut stated,
            );
        }
    }
    for (k, v) in &raw.vehicles {
        let num = Num::Count(v.get_ref().0);
        let src = ctx.src(v);
        take_slot(
            &mut ctx,
            "vehicles",
            VEHICLES,
            k,
            src,
            num,
            &mut facts,
            &mut stated,
        );
    }

    let mut units = Vec::new();
    for u in &raw.overview.units {
        match UnitKind::from_label(u.kind.get_ref()) {
            Some(kind) => units.push(OrgUnit {
                name: u.name.clone(),
                kind,
            }),
            None => ctx.errors.push(InputError::at(
                ctx.src(&u.kind).with_field("kind"),
                format!(
                    "未知的单位性质 “{}”。可用：{}",
                    u.kind.get_ref(),
                    UnitKind::ALL
                        .iter()
                        .map(|k| k.label())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            )),
        }
    }
    let overview = Overview {
        duties: raw
            .overview
            .duties
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        units,
        offices: raw.overview.offices.clone(),
    };

    let mut errors = std::mem::take(&mut ctx.errors);
    read_functional(
        &dir,
        &shown_dir,
        profile,
        &mut facts,
        &mut stated,
        &mut errors,
    );
    read_economic(
        &dir,
        &shown_dir,
        profile,
        &mut facts,
        &mut stated,
        &mut errors,
    );
    check_no_stray_files(&dir, &shown_dir, &mut errors);
    let projects = crate::projects::read_projects(&dir, &shown_dir, &mut errors);

    let narrative_path = dir.join(NARRATIVE_FILE);
    let narrative = if guard::present(&narrative_path) {
        let nshown = format!("{shown_dir}/{NARRATIVE_FILE}");
        match read_text(&narrative_path, &nshown).and_then(|t| {
            let raw: RawNarrative = parse_toml(&t, &nshown)?;
            Ok((t, raw))
        }) {
            Ok((t, raw)) => read_narrative(&t, &nshown, &raw, profile, &mut errors),
            Err(e) => {
                errors.push(e);
                NarrativeInputs::default()
            }
        }
    } else {
        NarrativeInputs::default()
    };

    if let Some(names) = narrative.lists.get("perf.summarized") {
        for n in names {
            if !projects.iter().any(|p| &p.name == n) {
                let src = narrative
                    .sources
                    .get("lists.perf.summarized")
                    .cloned()
                    .unwrap_or_else(|| SourceRef::file(format!("{shown_dir}/{NARRATIVE_FILE}")));
                errors.push(InputError::at(
                    src,
                    format!(
                        "要公开的项目“{n}”不在 projects/ 中{}",
                        did_you_mean(n, projects.iter().map(|p| p.name.as_str()))
                    ),
                ));
            }
        }
    }
    let year = match i32::try_from(*raw.year.get_ref()) {
        Ok(y) => y,
        Err(_) => {
            errors.push(InputError::at(
                ctx.src(&raw.year).with_field("year"),
                format!("决算年度 {} 不是有效的年份", raw.year.get_ref()),
            ));
            // A placeholder the validator accepts: the error above is the one to say.
            *crate::validate::YEARS.start()
        }
    };
    let mut sources = BTreeMap::new();
    sources.insert(
        "department".to_string(),
        ctx.src(&raw.department).with_field("department"),
    );
    sources.insert("year".to_string(), ctx.src(&raw.year).with_field("year"));
    if let Some(t) = &raw.title {
        sources.insert("title".to_string(), ctx.src(t).with_field("title"));
    }
    if let Some(c) = &raw.department_code {
        sources.insert(
            "department_code".to_string(),
            ctx.src(c).with_field("department_code"),
        );
    }
    sources.insert(
        "overview".to_string(),
        SourceRef::file(&shown).with_field("overview"),
    );
    let report = Report {
        meta: Meta {
            department: raw.department.into_inner(),
            year,
            profile: profile.id.clone(),
            title: raw.title.map(Spanned::into_inner),
            department_code: raw.department_code.map(Spanned::into_inner),
            source: SourceRef::file(&shown),
            sources,
        },
        overview,
        facts,
        narrative,
        projects,
        stated,
    };
    // The checks every input format shares, reported with the reader's own errors.
    if let Err(e) = crate::validate::validate(&report) {
        errors.0.extend(e.0);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((report, profile))
}

/// A file given instead of a directory must be a `report.toml`: a CSV of the
/// directory, a PDF or anything else is named for what it is.
fn not_a_report_file(path: &Path) -> Result<(), InputErrors> {
    let shown = path.display().to_string();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "toml" {
        return Ok(());
    }
    let dir = path
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_string());
    if ext == "csv" {
        return Err(InputError::at(
            SourceRef::file(&shown),
            format!("这是文本目录中的一个 CSV 文件，不是整份决算数据：请给出它所在的目录（{dir}，其中须有 {REPORT_FILE}）"),
        )
        .into());
    }
    // What the content is, when it is not text (PDF, zip, UTF-16 …).
    read_text(path, &shown)?;
    Err(InputError::at(
        SourceRef::file(&shown),
        format!("不是决算数据：输入应为文本目录（含 {REPORT_FILE}）、{REPORT_FILE} 文件或 .xlsx 填报工作簿"),
    )
    .into())
}

#[allow(clippy::too_many_arguments)]
fn take_slot(
    ctx: &mut Ctx<'_>,
    section: &str,
    slots: &[(&str, Slot)],
    key: &Spanned<String>,
    src: SourceRef,
    value: Num,
    facts: &mut Facts,
    stated: &mut Vec<Stated>,
) {
    let k = key.get_ref().as_str();
    let src = src.with_field(format!("{section}.{k}"));
    match slots.iter().find(|(n, _)| *n == k) {
        Some((_, Slot::Fact(m))) => {
            facts.scalars.insert(*m, value);
            facts.sources.insert(Key::all(*m), src);
        }
        Some((_, Slot::Derived(m))) => stated.push(Stated {
            key: Key::all(*m),
            value,
            source: src,
        }),
        None => {
            let names: Vec<&str> = slots.iter().map(|(n, _)| *n).collect();
            ctx.errors.push(InputError::at(
                ctx.src(key),
                format!(
                    "[{section}] 中没有 “{k}” 这一项{}。可用：{}",
                    did_you_mean(k, names.iter().copied()),
                    names.join("、")
                ),
            ));
        }
    }
}

/// CSV files whose name we do not know are probably misspelt: refuse them rather
/// than silently leaving a table empty.
fn check_no_stray_files(dir: &Path, shown_dir: &str, errors: &mut InputErrors) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let known: Vec<&str> = FN_FILES.iter().map(|f| f.name).chain([ECON_FILE]).collect();
    let mut stray: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.to_lowercase().ends_with(".csv") && !known.contains(&n.as_str()))
        .collect();
    stray.sort();
    for n in stray {
        errors.push(InputError::at(
            SourceRef::file(format!("{shown_dir}/{n}")),
            format!(
                "不认识的文件 {n}{}。可用的 CSV 文件：{}",
                did_you_mean(&n, known.iter().copied()),
                known.join("、")
            ),
        ));
    }
}

fn read_narrative(
    text: &str,
    shown: &str,
    raw: &RawNarrative,
    profile: &Profile,
    errors: &mut InputErrors,
) -> NarrativeInputs {
    let lines = Lines::new(text);
    let src = |s: &Spanned<String>| SourceRef::line(shown, lines.line(s.span().start));
    let mut out = NarrativeInputs::default();
    for (k, v) in &raw.last_year {
        let here = src(k).with_field(format!("last_year.{}", k.get_ref()));
        let key = match narrative_id(NarrativeSection::LastYear, k.get_ref(), profile) {
            Ok(Some(key)) => key,
            Ok(None) => continue,
            Err(m) => {
                errors.push(InputError::at(here, m));
                continue;
            }
        };
        let num = match (key.measure.kind(), v.get_ref()) {
            (NumKind::Money, AnyNum::Text(t)) => {
                Money::parse(t).map(Num::Money).map_err(|e| e.to_string())
            }
            (NumKind::Money, AnyNum::Int(i)) => Money::parse(&i.to_string())
                .map(Num::Money)
                .map_err(|e| e.to_string()),
            (NumKind::Count, AnyNum::Int(i)) if *i >= 0 => Ok(Num::Count(*i)),
            (NumKind::Count, _) => Err(format!("{} 是数量，应为非负整数", key.measure.label())),
        };
        match num {
            Ok(n) => {
                out.sources.insert(format!("last_year.{key}"), here);
                out.last_year.insert(key, n);
            }
            Err(m) => errors.push(InputError::at(here, m)),
        }
    }
    for (k, v) in &raw.initial_budget {
        let here = src(k).with_field(format!("initial_budget.{}", k.get_ref()));
        match narrative_id(NarrativeSection::InitialBudget, k.get_ref(), profile) {
            Ok(Some(key)) => {
                out.sources.insert(format!("initial_budget.{key}"), here);
                out.initial_budget.insert(key, v.get_ref().0);
            }
            Ok(None) => {}
            Err(m) => errors.push(InputError::at(here, m)),
        }
    }
    for (k, v) in &raw.texts {
        let here = src(k).with_field(format!("texts.{}", k.get_ref()));
        if check_declared(k.get_ref(), &profile.inputs.texts, "texts", &here, errors) {
            out.sources.insert(format!("texts.{}", k.get_ref()), here);
            out.texts
                .insert(k.get_ref().clone(), v.get_ref().trim().to_string());
        }
    }
    for (k, v) in &raw.counts {
        let here = src(k).with_field(format!("counts.{}", k.get_ref()));
        if check_declared(k.get_ref(), &profile.inputs.counts, "counts", &here, errors) {
            out.sources.insert(format!("counts.{}", k.get_ref()), here);
            out.counts.insert(k.get_ref().clone(), v.get_ref().0);
        }
    }
    for (k, v) in &raw.scores {
        let here = src(k).with_field(format!("scores.{}", k.get_ref()));
        if check_declared(k.get_ref(), &profile.inputs.scores, "scores", &here, errors) {
            match Points::parse(v.get_ref()) {
                Some(p) => {
                    out.sources.insert(format!("scores.{}", k.get_ref()), here);
                    out.scores.insert(k.get_ref().clone(), p);
                }
                None => errors.push(InputError::at(
                    here,
                    format!("“{}” 不是分值（如 \"85.47\"）", v.get_ref()),
                )),
            }
        }
    }
    for (k, v) in &raw.lists {
        let here = src(k).with_field(format!("lists.{}", k.get_ref()));
        if check_declared(k.get_ref(), &profile.inputs.lists, "lists", &here, errors) {
            out.sources.insert(format!("lists.{}", k.get_ref()), here);
            out.lists.insert(
                k.get_ref().clone(),
                v.get_ref().iter().map(|x| x.trim().to_string()).collect(),
            );
        }
    }
    for (k, v) in &raw.amounts {
        let here = src(k).with_field(format!("amounts.{}", k.get_ref()));
        if check_declared(
            k.get_ref(),
            &profile.inputs.amounts,
            "amounts",
            &here,
            errors,
        ) {
            out.sources.insert(format!("amounts.{}", k.get_ref()), here);
            out.amounts.insert(k.get_ref().clone(), v.get_ref().0);
        }
    }
    out
}

fn check_declared(
    id: &str,
    decls: &[juesuan_profile::InputDecl],
    section: &str,
    here: &SourceRef,
    errors: &mut InputErrors,
) -> bool {
    match declared_message(id, decls, section) {
        None => true,
        Some(m) => {
            errors.push(InputError::at(here.clone(), m));
            false
        }
    }
}

/// Why `id` cannot be given in `[section]`, if it cannot: not declared by the
/// profile (with the nearest declared id), or derived.
fn declared_message(
    id: &str,
    decls: &[juesuan_profile::InputDecl],
    section: &str,
) -> Option<String> {
    match decls.iter().find(|d| d.matches(id)) {
        Some(d) if !d.sum_of.is_empty() => Some(format!(
            "“{id}” 由程序计算（= {}），不必填写",
            d.sum_of.join(" + ")
        )),
        Some(_) => None,
        None => {
            let ids: Vec<&str> = decls.iter().map(|d| d.id.as_str()).collect();
            Some(format!(
                "[{section}] 中没有 “{id}” 这一项{}（可用的项见 docs/INPUT.md）",
                did_you_mean(id, ids.iter().copied())
            ))
        }
    }
}

/// The sections of narrative inputs (`narrative.toml`'s tables; the same ids in a
/// workbook's 情况说明数据 sheet).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NarrativeSection {
    /// `[last_year]`: last year's figures by key.
    LastYear,
    /// `[initial_budget]`: 年初预算 by key.
    InitialBudget,
    /// `[texts]`
    Texts,
    /// `[counts]`
    Counts,
    /// `[amounts]`
    Amounts,
    /// `[scores]`
    Scores,
    /// `[lists]`
    Lists,
}

impl NarrativeSection {
    /// The TOML table name.
    pub fn name(self) -> &'static str {
        match self {
            NarrativeSection::LastYear => "last_year",
            NarrativeSection::InitialBudget => "initial_budget",
            NarrativeSection::Texts => "texts",
            NarrativeSection::Counts => "counts",
            NarrativeSection::Amounts => "amounts",
            NarrativeSection::Scores => "scores",
            NarrativeSection::Lists => "lists",
        }
    }
}

/// Checks an id of a narrative section against the profile: `Ok(Some(key))` for
/// the figure keys of `last_year` and `initial_budget`, `Ok(None)` for a declared
/// id of the other sections, `Err` with the Chinese reason otherwise.
pub fn narrative_id(
    section: NarrativeSection,
    id: &str,
    profile: &Profile,
) -> Result<Option<Key>, String> {
    let decls = match section {
        NarrativeSection::LastYear => {
            return Key::parse(id)
                .map(Some)
                .ok_or_else(|| format!("“{id}” 不是有效的数据项名称（见 docs/INPUT.md）"));
        }
        NarrativeSection::InitialBudget => {
            return match Key::parse(id) {
                Some(key) if key.measure.kind() == NumKind::Money => {
                    if profile
                        .inputs
                        .initial_budget
                        .iter()
                        .any(|p| key_pattern_matches(p, id))
                    {
                        Ok(Some(key))
                    } else {
                        Err(format!(
                            "模板 {} 不使用 “{id}” 的年初预算。可用：{}",
                            profile.id,
                            profile.inputs.initial_budget.join("、")
                        ))
                    }
                }
                _ => Err(format!("“{id}” 不是有效的金额数据项名称")),
            };
        }
        NarrativeSection::Texts => &profile.inputs.texts,
        NarrativeSection::Counts => &profile.inputs.counts,
        NarrativeSection::Amounts => &profile.inputs.amounts,
        NarrativeSection::Scores => &profile.inputs.scores,
        NarrativeSection::Lists => &profile.inputs.lists,
    };
    match declared_message(id, decls, section.name()) {
        None => Ok(None),
        Some(m) => Err(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_counting_newlines() {
        let text = "a\nbb\n\nccc\nd";
        let lines = Lines::new(text);
        for offset in 0..text.len() + 3 {
            let naive = text
                .get(..offset.min(text.len()))
                .map_or(1, |t| t.matches('\n').count() + 1);
            assert_eq!(lines.line(offset), naive, "offset {offset}");
        }
    }
}
