//! A `Report` as a text directory: `report.toml`, the CSV files, `narrative.toml`
//! and `projects/*.toml`, such that [`crate::read_text_dir`] reads them back into
//! the same `Report` (sources aside). Used to convert a workbook into the form
//! that is edited and reviewed in git.
//!
//! Pure: returns the files as bytes; the caller writes them. TOML is written by
//! hand (strings escaped as TOML basic strings, amounts as quoted 元 with two
//! decimals, never floats), so the output is stable and reviewable.

use crate::PROJECTS_DIR;
use crate::tables_csv::{ECON_FILE, FN_FILES, FnFile};
use crate::textdir::{NARRATIVE_FILE, REPORT_FILE, REPORT_SECTIONS, Slot};
use juesuan_model::{
    AmountUnit, EconGroup, EconomicCode, FnLevel, FunctionalCode, Key, Measure, Money, Num,
    Project, Report, Scope, Stated,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// A text directory made from a report.
#[derive(Clone, Debug, Default)]
pub struct TextDir {
    /// Files by path relative to the directory (`report.toml`, `projects/01-….toml`).
    pub files: Vec<(String, Vec<u8>)>,
    /// Stated (checked-only) values the text format has no place for — e.g. a
    /// total of 公开03表 typed over a workbook formula. Left out; the caller says so.
    pub dropped: Vec<Stated>,
}

/// A TOML basic string: `"…"` with `\`, `"` and control characters escaped.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A multi-line TOML basic string (`"""…"""`), for paragraphs (the line break
/// after the opening quotes is not part of the string).
fn toml_text(s: &str) -> String {
    if !s.contains('\n') {
        return toml_str(s);
    }
    let mut out = String::from("\"\"\"\n");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push('\n'),
            '\r' => out.push_str("\\r"),
            '\t' => out.push('\t'),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

/// An amount as the TOML files write it: `"1,234.56"`.
fn toml_money(m: Money) -> String {
    toml_str(&m.yuan())
}

fn toml_num(n: Num) -> String {
    match n {
        Num::Money(m) => toml_money(m),
        Num::Count(c) => c.to_string(),
    }
}

/// A key quoted when it is not a bare TOML key.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        toml_str(k)
    }
}

/// An amount as the CSV files write it: `80550.00`.
fn csv_money(m: Money) -> String {
    m.display(AmountUnit::Yuan, false)
}

fn report_toml(report: &Report, stated: &mut Vec<Stated>) -> String {
    let m = &report.meta;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} {} 年度部门决算公开 —— 基本信息与决算表数据（由 juesuan convert 生成）",
        m.department, m.year
    );
    let _ = writeln!(s, "# 金额以“元”为单位；类、款、合计、总计由程序计算。\n");
    let _ = writeln!(s, "profile = {}", toml_str(&m.profile));
    let _ = writeln!(s, "department = {}", toml_str(&m.department));
    if let Some(code) = &m.department_code {
        let _ = writeln!(s, "department_code = {}", toml_str(code));
    }
    let _ = writeln!(s, "year = {}", m.year);
    if let Some(title) = &m.title {
        let _ = writeln!(s, "title = {}", toml_str(title));
    }

    let o = &report.overview;
    let _ = writeln!(s, "\n[overview]");
    let _ = writeln!(s, "duties = {}", toml_text(&o.duties.join("\n")));
    if o.offices.is_empty() {
        let _ = writeln!(s, "offices = []");
    } else {
        let _ = writeln!(s, "offices = [");
        for office in &o.offices {
            let _ = writeln!(s, "  {},", toml_str(office));
        }
        let _ = writeln!(s, "]");
    }
    for u in &o.units {
        let _ = writeln!(s, "[[overview.units]]");
        let _ = writeln!(s, "name = {}", toml_str(&u.name));
        let _ = writeln!(s, "kind = {}", toml_str(u.kind.label()));
    }

    for (section, slots) in REPORT_SECTIONS {
        let mut lines = Vec::new();
        for (name, slot) in *slots {
            let value = match slot {
                Slot::Fact(measure) => report.facts.scalars.get(measure).copied(),
                Slot::Derived(measure) => take_stated(stated, &Key::all(*measure)),
            };
            if let Some(v) = value {
                lines.push(format!("{name} = {}", toml_num(v)));
            }
        }
        if !lines.is_empty() {
            let _ = writeln!(s, "\n[{section}]");
            for l in lines {
                let _ = writeln!(s, "{l}");
            }
        }
    }
    s
}

/// Removes the stated value of `key` from `stated` (the first, if several).
fn take_stated(stated: &mut Vec<Stated>, key: &Key) -> Option<Num> {
    let i = stated.iter().position(|s| &s.key == key)?;
    Some(stated.remove(i).value)
}

/// Which functional file a 项 with only an empty entry goes to: the required one.
fn home_file() -> &'static FnFile {
    FN_FILES.iter().find(|f| f.required).unwrap_or(&FN_FILES[0])
}

fn functional_csv(
    report: &Report,
    spec: &FnFile,
    stated: &mut Vec<Stated>,
) -> Result<Option<Vec<u8>>, String> {
    let facts = &report.facts;
    let measures: Vec<Measure> = spec.columns.iter().map(|c| c.measure).collect();
    let is_home = std::ptr::eq(spec, home_file());
    // Stated values of this file's measures, by scope.
    let mut mine: BTreeMap<Scope, BTreeMap<Measure, Money>> = BTreeMap::new();
    let mut rest = Vec::new();
    for s in stated.drain(..) {
        match (measures.contains(&s.key.measure), &s.key.scope, s.value) {
            (true, Scope::All | Scope::Fn(_), Num::Money(m)) => {
                mine.entry(s.key.scope.clone())
                    .or_default()
                    .insert(s.key.measure, m);
            }
            _ => rest.push(s),
        }
    }
    *stated = rest;

    let mut codes: BTreeSet<FunctionalCode> = BTreeSet::new();
    for (code, values) in &facts.functional {
        if values.keys().any(|m| measures.contains(m)) || (values.is_empty() && is_home) {
            codes.insert(code.clone());
        }
    }
    for scope in mine.keys() {
        if let Scope::Fn(code) = scope {
            codes.insert(code.clone());
        }
    }
    if is_home {
        for code in facts.functional_names.keys() {
            if code.level() != FnLevel::Item {
                codes.insert(code.clone());
            }
        }
    }
    let total = mine.get(&Scope::All);
    if codes.is_empty() && total.is_none() && !spec.required {
        return Ok(None);
    }
    // Fact columns always; a derived column only when some value of it is stated.
    let cols: Vec<_> = spec
        .columns
        .iter()
        .filter(|c| !c.stated || mine.values().any(|v| v.contains_key(&c.measure)))
        .collect();
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let mut header = vec!["科目编码".to_string(), "科目名称".to_string()];
    header.extend(cols.iter().map(|c| c.headers[0].to_string()));
    w.write_record(&header).map_err(|e| e.to_string())?;
    if let Some(t) = total {
        let mut row = vec![String::new(), "合计".to_string()];
        row.extend(
            cols.iter()
                .map(|c| t.get(&c.measure).map(|m| csv_money(*m)).unwrap_or_default()),
        );
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    for code in &codes {
        let mut row = vec![
            code.to_string(),
            facts
                .functional_names
                .get(code)
                .cloned()
                .unwrap_or_default(),
        ];
        let item = facts.functional.get(code);
        let st = mine.get(&Scope::Fn(code.clone()));
        for c in &cols {
            let v = if c.stated || code.level() != FnLevel::Item {
                st.and_then(|s| s.get(&c.measure))
            } else {
                item.and_then(|i| i.get(&c.measure))
            };
            row.push(v.map(|m| csv_money(*m)).unwrap_or_default());
        }
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    w.into_inner().map(Some).map_err(|e| e.to_string())
}

fn economic_csv(report: &Report, stated: &mut Vec<Stated>) -> Result<Option<Vec<u8>>, String> {
    let facts = &report.facts;
    let mut classes: BTreeMap<EconomicCode, BTreeMap<Measure, Money>> = BTreeMap::new();
    let mut groups: BTreeMap<EconGroup, BTreeMap<Measure, Money>> = BTreeMap::new();
    let mut rest = Vec::new();
    for s in stated.drain(..) {
        let econ = matches!(s.key.measure, Measure::EconAmount | Measure::EconBasic);
        match (econ, &s.key.scope, s.value) {
            (true, Scope::Econ(c), Num::Money(m)) if c.is_class() => {
                classes
                    .entry(c.clone())
                    .or_default()
                    .insert(s.key.measure, m);
            }
            (true, Scope::Group(g), Num::Money(m)) => {
                groups.entry(*g).or_default().insert(s.key.measure, m);
            }
            _ => rest.push(s),
        }
    }
    *stated = rest;
    let codes: BTreeSet<&EconomicCode> = facts
        .economic
        .keys()
        .chain(facts.economic_names.keys())
        .chain(classes.keys())
        .collect();
    if codes.is_empty() && groups.is_empty() {
        return Ok(None);
    }
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    w.write_record(["经济分类科目编码", "科目名称", "金额", "其中：基本支出"])
        .map_err(|e| e.to_string())?;
    for code in codes {
        let name = facts.economic_names.get(code).cloned().unwrap_or_default();
        let (amount, basic) = if code.is_class() {
            let v = classes.get(code);
            let get = |m| v.and_then(|v| v.get(&m)).map(|x| csv_money(*x));
            (
                get(Measure::EconAmount).unwrap_or_default(),
                get(Measure::EconBasic).unwrap_or_default(),
            )
        } else {
            match facts.economic.get(code) {
                // An empty 其中：基本支出 reads as zero.
                Some(e) => (
                    csv_money(e.amount),
                    if e.basic.is_zero() {
                        String::new()
                    } else {
                        csv_money(e.basic)
                    },
                ),
                None => (String::new(), String::new()),
            }
        };
        w.write_record([code.to_string(), name, amount, basic])
            .map_err(|e| e.to_string())?;
    }
    for (g, v) in &groups {
        let get = |m| v.get(&m).map(|x| csv_money(*x)).unwrap_or_default();
        w.write_record([
            String::new(),
            format!("{}合计", g.label()),
            get(Measure::EconAmount),
            get(Measure::EconBasic),
        ])
        .map_err(|e| e.to_string())?;
    }
    w.into_inner().map(Some).map_err(|e| e.to_string())
}

fn narrative_toml(report: &Report) -> Option<String> {
    let n = &report.narrative;
    if n.last_year.is_empty()
        && n.initial_budget.is_empty()
        && n.texts.is_empty()
        && n.counts.is_empty()
        && n.amounts.is_empty()
        && n.scores.is_empty()
        && n.lists.is_empty()
    {
        return None;
    }
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} {} 年度 —— 情况说明所需的其他数据（由 juesuan convert 生成；金额以元为单位）",
        report.meta.department, report.meta.year
    );
    let mut section = |title: &str, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = writeln!(s, "\n[{title}]");
            for l in lines {
                let _ = writeln!(s, "{l}");
            }
        }
    };
    section(
        "last_year",
        n.last_year
            .iter()
            .map(|(k, v)| format!("{} = {}", toml_str(&k.to_string()), toml_num(*v)))
            .collect(),
    );
    section(
        "initial_budget",
        n.initial_budget
            .iter()
            .map(|(k, v)| format!("{} = {}", toml_str(&k.to_string()), toml_money(*v)))
            .collect(),
    );
    section(
        "texts",
        n.texts
            .iter()
            .map(|(k, v)| format!("{} = {}", toml_key(k), toml_text(v)))
            .collect(),
    );
    section(
        "counts",
        n.counts
            .iter()
            .map(|(k, v)| format!("{} = {v}", toml_key(k)))
            .collect(),
    );
    section(
        "scores",
        n.scores
            .iter()
            .map(|(k, v)| format!("{} = {}", toml_key(k), toml_str(&v.display())))
            .collect(),
    );
    section(
        "lists",
        n.lists
            .iter()
            .map(|(k, v)| {
                let items: Vec<String> = v.iter().map(|x| toml_str(x)).collect();
                format!("{} = [{}]", toml_key(k), items.join(", "))
            })
            .collect(),
    );
    section(
        "amounts",
        n.amounts
            .iter()
            .map(|(k, v)| format!("{} = {}", toml_key(k), toml_money(*v)))
            .collect(),
    );
    Some(s)
}

fn project_toml(p: &Project, index: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# 项目支出绩效自评分析报告 —— 第 {index} 个项目（由 juesuan convert 生成）"
    );
    let _ = writeln!(s, "name = {}", toml_str(&p.name));
    let _ = writeln!(s, "level = {}", p.level);
    let _ = writeln!(s, "unit = {}", toml_str(&p.unit));
    let _ = writeln!(s, "department = {}", toml_str(&p.department));
    let _ = writeln!(s, "date = {}", toml_str(&p.date));
    let _ = writeln!(s, "fund = {}", toml_str(&p.fund));
    let t = &p.texts;
    let _ = writeln!(s, "\n[info]");
    for (k, v) in [
        ("overview", &t.overview),
        ("basis", &t.basis),
        ("necessity", &t.necessity),
        ("safeguards", &t.safeguards),
    ] {
        let _ = writeln!(s, "{k} = {}", toml_text(v));
    }
    let _ = writeln!(s, "\n[goals]");
    for (k, v) in [
        ("period", &t.period_goal),
        ("annual", &t.annual_goal),
        ("plan", &t.plan),
    ] {
        let _ = writeln!(s, "{k} = {}", toml_text(v));
    }
    for b in &p.budget {
        let _ = writeln!(s, "\n[[budget]]");
        let _ = writeln!(s, "source = {}", toml_str(&b.source));
        for (k, v) in [
            ("declared", b.declared),
            ("compiled", b.compiled),
            ("full_year", b.full_year),
            ("executed", b.executed),
        ] {
            let _ = writeln!(s, "{k} = {}", toml_money(v));
        }
    }
    let st = &p.stated;
    let mut stated = Vec::new();
    if let Some(v) = st.balance {
        stated.push(format!("balance = {}", toml_money(v)));
    }
    if let Some(v) = st.execution_rate {
        stated.push(format!("execution_rate = {}", toml_str(&v.display())));
    }
    for (k, v) in [
        ("budget_score", st.budget_score),
        ("indicator_score", st.indicator_score),
        ("total", st.total),
    ] {
        if let Some(v) = v {
            stated.push(format!("{k} = {}", toml_str(&v.display())));
        }
    }
    if let Some(g) = &st.grade {
        stated.push(format!("grade = {}", toml_str(g)));
    }
    if !stated.is_empty() {
        let _ = writeln!(s, "\n[stated]");
        for l in stated {
            let _ = writeln!(s, "{l}");
        }
    }
    for i in &p.indicators {
        let _ = writeln!(s, "\n[[indicators]]");
        for (k, v) in [
            ("level1", &i.level1),
            ("level2", &i.level2),
            ("name", &i.name),
            ("initial", &i.initial),
            ("target", &i.target.text),
            ("actual", &i.actual.text),
        ] {
            let _ = writeln!(s, "{k} = {}", toml_str(v));
        }
        let _ = writeln!(s, "weight = {}", toml_str(&i.weight.display()));
        if let Some(score) = i.score {
            let _ = writeln!(s, "score = {}", toml_str(&score.display()));
        }
        if !i.deviation.is_empty() {
            let _ = writeln!(s, "deviation = {}", toml_text(&i.deviation));
        }
    }
    let _ = writeln!(s, "\n[results]");
    for (k, v) in [
        ("completion", &t.completion),
        ("execution", &t.execution),
        ("outputs", &t.outputs),
        ("effects", &t.effects),
        ("satisfaction", &t.satisfaction),
        ("experience", &t.experience),
        ("problems", &t.problems),
        ("improvements", &t.improvements),
    ] {
        let _ = writeln!(s, "{k} = {}", toml_text(v));
    }
    s
}

/// A file name for a project: its number (zero-padded, so file-name order is the
/// report's order) and its name without characters file systems refuse.
fn project_file(index: usize, width: usize, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .take(60)
        .collect();
    let clean = clean.trim().trim_start_matches('.');
    format!("{index:0width$}-{clean}.toml")
}

/// The report as a text directory. Derived values the report states are written
/// where the text format holds them; the others are returned in
/// [`TextDir::dropped`].
pub fn write_text_dir(report: &Report) -> Result<TextDir, String> {
    let mut stated = report.stated.clone();
    let mut files = vec![(
        REPORT_FILE.to_string(),
        report_toml(report, &mut stated).into_bytes(),
    )];
    for spec in FN_FILES {
        if let Some(bytes) = functional_csv(report, spec, &mut stated)? {
            files.push((spec.name.to_string(), bytes));
        }
    }
    if let Some(bytes) = economic_csv(report, &mut stated)? {
        files.push((ECON_FILE.to_string(), bytes));
    }
    if let Some(text) = narrative_toml(report) {
        files.push((NARRATIVE_FILE.to_string(), text.into_bytes()));
    }
    let width = report.projects.len().to_string().len().max(2);
    for (i, p) in report.projects.iter().enumerate() {
        files.push((
            format!("{PROJECTS_DIR}/{}", project_file(i + 1, width, &p.name)),
            project_toml(p, i + 1).into_bytes(),
        ));
    }
    Ok(TextDir {
        files,
        dropped: stated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(toml_str("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(toml_key("reason.一"), "\"reason.一\"");
        assert_eq!(toml_key("carry_in"), "carry_in");
        let t = toml_text("第一行\n“引号” \"x\"");
        let v: toml::Value = toml::from_str(&format!("k = {t}")).unwrap();
        assert_eq!(v["k"].as_str(), Some("第一行\n“引号” \"x\""));
    }

    #[test]
    fn project_files_sort_in_order() {
        assert_eq!(project_file(3, 2, "a/b"), "03-a_b.toml");
        assert_eq!(project_file(10, 3, " x "), "010-x.toml");
    }
}
