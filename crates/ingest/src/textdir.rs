//! A text directory: `report.toml`, `narrative.toml` and the CSV files of
//! [`crate::tables_csv`]. The format a person edits and reviews in git; see
//! `docs/INPUT.md`.

use crate::error::{InputError, InputErrors, did_you_mean};
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
    department: String,
    year: i32,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    department_code: Option<String>,
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

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |t| t.matches('\n').count() + 1)
}

fn read_text(path: &Path, shown: &str) -> Result<String, InputError> {
    let bytes = std::fs::read(path).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "文件不存在".to_string()
        } else {
            format!("无法读取：{e}")
        };
        InputError::at(SourceRef::file(shown), why)
    })?;
    String::from_utf8(bytes).map_err(|_| {
        InputError::at(
            SourceRef::file(shown),
            "文件不是 UTF-8 编码（可能是 GBK），请转存为 UTF-8",
        )
    })
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
/// messages pass through.
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
    if m.starts_with("invalid type") {
        return format!("类型不对：{m}");
    }
    if m.contains("expected") || m.contains("invalid") || m.contains("duplicate") {
        return format!("TOML 格式错误：{m}");
    }
    m.to_string()
}

struct Ctx<'a> {
    text: &'a str,
    shown: &'a str,
    errors: InputErrors,
}

impl Ctx<'_> {
    fn src<T>(&self, s: &Spanned<T>) -> SourceRef {
        SourceRef::line(self.shown, line_of(self.text, s.span().start))
    }
}

/// Reads the report in a text directory (or the `report.toml` given directly). All
/// errors found are returned together.
pub fn read_text_dir(path: &Path) -> Result<(Report, &'static Profile), InputErrors> {
    let (dir, report_path) = if path.is_dir() {
        (path.to_path_buf(), path.join(REPORT_FILE))
    } else {
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
    if !path.exists() {
        return Err(
            InputError::at(SourceRef::file(path.display().to_string()), "路径不存在").into(),
        );
    }
    let shown = report_path.display().to_string();
    if !report_path.exists() {
        return Err(InputError::at(
            SourceRef::file(&shown),
            format!("找不到 {REPORT_FILE}：输入目录须有 {REPORT_FILE}（部门、年度、模板与决算表数据），见 docs/INPUT.md"),
        )
        .into());
    }
    let text = read_text(&report_path, &shown)?;
    let raw: RawReport = parse_toml(&text, &shown)?;
    let mut ctx = Ctx {
        text: &text,
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
    let narrative = if narrative_path.exists() {
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
    if !errors.is_empty() {
        return Err(errors);
    }
    let report = Report {
        meta: Meta {
            department: raw.department,
            year: raw.year,
            profile: profile.id.clone(),
            title: raw.title,
            department_code: raw.department_code,
            source: SourceRef::file(&shown),
        },
        overview,
        facts,
        narrative,
        projects,
        stated,
    };
    Ok((report, profile))
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
    let src = |s: &Spanned<String>| SourceRef::line(shown, line_of(text, s.span().start));
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
