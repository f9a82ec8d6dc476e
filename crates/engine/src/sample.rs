//! Reports that are made up but consistent, for the demo, the tests and the
//! benchmarks: the bundled example (晋城市市场监督管理局 2022) as a city of
//! departments over several years.
//!
//! Every amount of the example is multiplied by a whole number, which keeps every
//! sum, balance and cross-table relation exact to the fen (a fractional factor
//! would round and break them); percentages and rates are unchanged. A
//! department's next year is the example under another factor, with the
//! cross-year facts carried over: its 上年数 are the previous year's figures and
//! its 年初结转和结余 the previous year's 年末结转和结余. [`Mistake`] injects
//! what the cross-year rules must find.

use juesuan_model::{Key, Measure, Money, Num, Report};
use juesuan_profile::Profile;
use juesuan_tables::{Figures, derive};

/// The bundled example's files, as `(path in the text directory, content)`.
pub const EXAMPLE: &[(&str, &str)] = &[
    (
        "report.toml",
        include_str!("../../../examples/jincheng-amr-2022/report.toml"),
    ),
    (
        "income.csv",
        include_str!("../../../examples/jincheng-amr-2022/income.csv"),
    ),
    (
        "economic.csv",
        include_str!("../../../examples/jincheng-amr-2022/economic.csv"),
    ),
    (
        "general-budget.csv",
        include_str!("../../../examples/jincheng-amr-2022/general-budget.csv"),
    ),
    (
        "narrative.toml",
        include_str!("../../../examples/jincheng-amr-2022/narrative.toml"),
    ),
    (
        "projects/01-市场监督管理经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/01-市场监督管理经费.toml"),
    ),
    (
        "projects/02-自收自支人员经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/02-自收自支人员经费.toml"),
    ),
    (
        "projects/03-实施标准化战略资金补助经费.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/03-实施标准化战略资金补助经费.toml"
        ),
    ),
    (
        "projects/04-放心消费创建活动经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/04-放心消费创建活动经费.toml"),
    ),
    (
        "projects/05-特种设备安全监管经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/05-特种设备安全监管经费.toml"),
    ),
    (
        "projects/06-标准化工作经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/06-标准化工作经费.toml"),
    ),
    (
        "projects/07-知识产权强市建设奖补资金.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/07-知识产权强市建设奖补资金.toml"
        ),
    ),
    (
        "projects/08-网络运行维护费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/08-网络运行维护费.toml"),
    ),
    (
        "projects/09-执法服装购置.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/09-执法服装购置.toml"),
    ),
    (
        "projects/10-2021年已完成未执行完合同尾款.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/10-2021年已完成未执行完合同尾款.toml"
        ),
    ),
    (
        "projects/11-打击传销及反不正当竞争专项经费.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/11-打击传销及反不正当竞争专项经费.toml"
        ),
    ),
    (
        "projects/12-抽检费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/12-抽检费.toml"),
    ),
    (
        "projects/13-办公楼设施维修费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/13-办公楼设施维修费.toml"),
    ),
    (
        "projects/14-食品安全城市创建.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/14-食品安全城市创建.toml"),
    ),
];

/// The example, read from its embedded files.
pub fn example() -> Result<(Report, &'static Profile), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (name, text) in EXAMPLE {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    juesuan_ingest::read_text_dir(dir.path()).map_err(|e| e.to_string())
}

/// One department of the made-up city.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Department {
    /// 部门编码, three digits or more (`101`).
    pub code: String,
    /// 部门名称.
    pub name: String,
}

const SUBJECTS: &[&str] = &[
    "财政",
    "教育",
    "科学技术",
    "工业和信息化",
    "公安",
    "民政",
    "司法",
    "人力资源和社会保障",
    "自然资源",
    "生态环境",
    "住房和城乡建设",
    "交通运输",
    "水务",
    "农业农村",
    "商务",
    "文化和旅游",
    "卫生健康",
    "退役军人事务",
    "应急管理",
    "审计",
    "统计",
    "医疗保障",
    "林业",
    "体育",
];
const KINDS: &[&str] = &["局", "委员会", "中心", "事务局", "服务中心"];

/// The `i`th department of a city named `city` (`晋城市`): distinct names and
/// codes for any `i` (`101 晋城市财政局`, `102 晋城市教育局` …).
pub fn department(city: &str, i: usize) -> Department {
    let subject = SUBJECTS[i % SUBJECTS.len()];
    let round = i / SUBJECTS.len();
    let name = if round == 0 {
        format!("{city}{subject}局")
    } else {
        let kind = KINDS[(round - 1) % KINDS.len()];
        let n = (round - 1) / KINDS.len();
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("第{}", n + 1)
        };
        format!("{city}{subject}{suffix}{kind}")
    };
    Department {
        code: format!("{}", 101 + i),
        name,
    }
}

/// The whole number department `i`'s figures of `year` are the example's
/// times: 8 to 14 by department, plus 0 to 2 changing from year to year (so a
/// figure grows or shrinks by about a tenth).
pub fn factor(i: usize, year: i32) -> i64 {
    let i = i as i64;
    8 + i % 7 + (i64::from(year) + i).rem_euclid(3)
}

fn times(m: Money, k: i64) -> Money {
    Money::from_fen(m.fen().saturating_mul(k))
}

fn times_num(n: Num, k: i64) -> Num {
    match n {
        Num::Money(m) => Num::Money(times(m, k)),
        other => other,
    }
}

/// The example's amounts times `k` (counts, texts, scores unchanged). The
/// projects' performance reports keep their amounts: their texts state them.
pub fn scaled(base: &Report, k: i64) -> Report {
    let mut r = base.clone();
    for row in r.facts.functional.values_mut() {
        for v in row.values_mut() {
            *v = times(*v, k);
        }
    }
    for e in r.facts.economic.values_mut() {
        e.amount = times(e.amount, k);
        e.basic = times(e.basic, k);
    }
    for v in r.facts.scalars.values_mut() {
        *v = times_num(*v, k);
    }
    for s in &mut r.stated {
        s.value = times_num(s.value, k);
    }
    for v in r.narrative.last_year.values_mut() {
        *v = times_num(*v, k);
    }
    for v in r.narrative.initial_budget.values_mut() {
        *v = times(*v, k);
    }
    for v in r.narrative.amounts.values_mut() {
        *v = times(*v, k);
    }
    r
}

/// A mistake a made-up report can carry, for the cross-year rules to find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mistake {
    /// One 上年数 of the narrative off by this many fen.
    LastYear(Key, i64),
    /// 年初结转和结余 off by this many fen (年末 moved with it, so the report
    /// itself still balances).
    CarryIn(i64),
}

/// A report of `dept` for `year`: the example times `k`, renamed; `previous` is
/// the same department's report of the year before (with its figures), whose
/// closing balances and figures this one carries over.
pub fn report(
    base: &Report,
    dept: &Department,
    k: i64,
    year: i32,
    previous: Option<(&Report, &Figures)>,
    mistakes: &[Mistake],
) -> Report {
    let mut r = scaled(base, k);
    let base_year = base.meta.year;
    // Through placeholders, so that 2022 → 2021 is not then taken for last year.
    let years = |s: &str| {
        s.replace(&format!("{base_year}"), "\u{0}THIS\u{0}")
            .replace(&format!("{}", base_year - 1), "\u{0}LAST\u{0}")
            .replace("\u{0}THIS\u{0}", &format!("{year}"))
            .replace("\u{0}LAST\u{0}", &format!("{}", year - 1))
    };
    let old_name = base.meta.department.clone();
    let renamed = old_name != dept.name;
    r.meta.department = dept.name.clone();
    r.meta.department_code = Some(dept.code.clone());
    r.meta.year = year;
    r.meta.title = base
        .meta
        .title
        .as_ref()
        .map(|t| years(&t.replace(&old_name, &dept.name)));
    for t in r.narrative.texts.values_mut() {
        *t = years(t);
    }
    if renamed {
        r.overview.duties = vec![format!(
            "（演示数据）{}的主要职责。本报告的数字由示例报告按比例生成，各表、各年之间的勾稽关系保持一致。",
            dept.name
        )];
        for (j, u) in r.overview.units.iter_mut().enumerate() {
            u.name = if j == 0 {
                format!("{}（本级）", dept.name)
            } else {
                format!("{}所属单位{j}", dept.name)
            };
        }
    }
    for p in &mut r.projects {
        p.department = p.department.replace(&old_name, &dept.name);
        p.unit = p.unit.replace(&old_name, &dept.name);
        p.date = years(&p.date);
    }
    if let Some((_, fig)) = previous {
        for (key, v) in r.narrative.last_year.iter_mut() {
            *v = fig.get(key);
        }
        for (opening, closing) in crate::carry::CARRIED {
            shift_opening(&mut r, opening, closing, fig.get(&Key::all(closing)).raw());
        }
    }
    for m in mistakes {
        match m {
            Mistake::LastYear(key, delta) => {
                let was = previous
                    .map_or(juesuan_model::Num::zero(key.measure.kind()), |(_, f)| {
                        f.get(key)
                    });
                let v = r.narrative.last_year.entry(key.clone()).or_insert(was);
                *v = v.with_raw(v.raw().saturating_add(*delta));
            }
            Mistake::CarryIn(delta) => {
                let now = r
                    .facts
                    .scalars
                    .get(&Measure::CarryIn)
                    .map_or(0, |v| v.raw());
                shift_opening(&mut r, Measure::CarryIn, Measure::CarryOut, now + delta);
            }
        }
    }
    r
}

/// Sets an opening balance and moves the closing one by as much, so that
/// 收入总计 = 支出总计 still holds.
fn shift_opening(r: &mut Report, opening: Measure, closing: Measure, to_fen: i64) {
    let was = r.facts.scalars.get(&opening).map_or(0, |v| v.raw());
    let delta = to_fen - was;
    if delta == 0 {
        return;
    }
    let close = r.facts.scalars.get(&closing).map_or(0, |v| v.raw());
    r.facts
        .scalars
        .insert(opening, Num::Money(Money::from_fen(to_fen)));
    r.facts
        .scalars
        .insert(closing, Num::Money(Money::from_fen(close + delta)));
}

/// `dept`'s reports of `years` (ascending), each carrying the one before, with
/// factors from [`factor`] for department number `i`; `mistakes` says which year
/// gets which mistakes.
pub fn years(
    base: &Report,
    profile: &Profile,
    dept: &Department,
    i: usize,
    years: &[i32],
    mistakes: &[(i32, Mistake)],
) -> Vec<Report> {
    let mut out: Vec<Report> = Vec::new();
    let mut figures: Option<Figures> = None;
    for &y in years {
        let own: Vec<Mistake> = mistakes
            .iter()
            .filter(|(my, _)| *my == y)
            .map(|(_, m)| m.clone())
            .collect();
        let r = report(
            base,
            dept,
            factor(i, y),
            y,
            out.last().zip(figures.as_ref()),
            &own,
        );
        figures = Some(derive(&r, profile));
        out.push(r);
    }
    out
}

/// A department's report as the reports of its units, named `names`: the first
/// holds every figure and project of the department, the others (units with no
/// income or expenditure that year) none — so that the units' facts sum to the
/// department's exactly, as `XU-SUM` requires.
pub fn units(report: &Report, names: &[&str]) -> Vec<Report> {
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut r = report.clone();
            r.meta.department = (*name).to_string();
            if i > 0 {
                r.facts.functional.clear();
                r.facts.economic.clear();
                r.facts.scalars.clear();
                r.projects.clear();
                // A unit without spending states its counts and amounts as zero
                // (nothing missing): the report is complete, and submittable.
                r.narrative
                    .amounts
                    .values_mut()
                    .for_each(|v| *v = juesuan_model::Money::ZERO);
                r.narrative.counts.values_mut().for_each(|v| *v = 0);
                r.narrative.lists.clear();
            }
            r
        })
        .collect()
}
