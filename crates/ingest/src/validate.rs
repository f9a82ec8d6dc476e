//! The field validations every input format shares: a report that one reader
//! accepts, every other reader accepts too, and every output format can hold.
//!
//! Readers (the text directory, the workbook form) turn their cells and lines into a
//! [`Report`] and record where each value came from; [`validate`] then checks the
//! facts that do not depend on the format, once, with one set of messages:
//!
//! | what | allowed |
//! |---|---|
//! | 决算年度 | [`YEARS`] (1949–2200) |
//! | 部门名称, 单位名称, 内设机构, 项目名称, 科目名称 | not empty (where required), at most [`MAX_NAME_CHARS`] characters |
//! | report title | at most [`MAX_TITLE_CHARS`] characters |
//! | every text (职责, 原因, 项目文字, 指标) | at most [`MAX_TEXT_CHARS`] characters (an Excel cell holds 32,767) |
//! | every text | no NUL or other C0 control character except tab and newline |
//! | counts | vehicles 0–[`MAX_VEHICLES`] per kind, equipment 0–[`MAX_EQUIPMENT`], 批次/人次 and other counts 0–[`MAX_COUNT`] |
//! | weights and scores (指标分值, 得分, 自评得分) | 0–[`MAX_POINTS`] points |
//! | amounts | each within ±[`juesuan_model::MAX_ABS_FEN`] (checked by the parsers); all of them together within [`juesuan_model::MAX_TOTAL_FEN`] |
//!
//! Cost: linear in the report's size.

use crate::error::{InputError, InputErrors};
use crate::guard::control_in;
use juesuan_model::{Key, MAX_TOTAL_FEN, Measure, Money, Num, Points, Report, SourceRef};
use std::ops::RangeInclusive;

/// The years a report may be for.
pub const YEARS: RangeInclusive<i32> = 1949..=2200;
/// Names: 部门, 单位, 机构, 项目, 科目 (the longest real department name we have
/// seen has 38 characters).
pub const MAX_NAME_CHARS: usize = 100;
/// The report's title.
pub const MAX_TITLE_CHARS: usize = 200;
/// Any one text (a paragraph, a reason, a project's text): fits one Excel cell
/// (32,767 characters) with room to spare.
pub const MAX_TEXT_CHARS: usize = 30_000;
/// Vehicles of one kind (and their total).
pub const MAX_VEHICLES: i64 = 100_000;
/// 单价100万元以上设备 (台/套).
pub const MAX_EQUIPMENT: i64 = 1_000_000;
/// Other counts: 批次, 人次, 人数.
pub const MAX_COUNT: i64 = 100_000_000;
/// A weight or score: 财预〔2020〕10号 scores a project out of 100 points, so no
/// weight or score exceeds it (and the scorer's products stay exact).
pub const MAX_POINTS: Points = Points::whole(100);

/// The range a count of `measure` (or a declared count id) may take.
pub fn count_range(measure: Option<Measure>) -> RangeInclusive<i64> {
    match measure {
        Some(Measure::EquipCount) => 0..=MAX_EQUIPMENT,
        Some(m) if m.name().starts_with("veh.") => 0..=MAX_VEHICLES,
        _ => 0..=MAX_COUNT,
    }
}

/// Checks `report` against the shared limits; every violation is reported with
/// the place its reader recorded (the report's file when none was recorded).
pub fn validate(report: &Report) -> Result<(), InputErrors> {
    let mut v = Validator {
        report,
        errors: InputErrors::default(),
    };
    v.meta();
    v.overview();
    v.texts();
    v.projects();
    v.counts();
    v.points();
    v.total();
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

struct Validator<'a> {
    report: &'a Report,
    errors: InputErrors,
}

impl Validator<'_> {
    fn file(&self) -> SourceRef {
        SourceRef::file(&self.report.meta.source.file)
    }

    fn meta_src(&self, field: &str) -> SourceRef {
        self.report
            .meta
            .sources
            .get(field)
            .cloned()
            .unwrap_or_else(|| self.file().with_field(field))
    }

    fn err(&mut self, src: SourceRef, m: impl Into<String>) {
        self.errors.push(InputError::at(src, m));
    }

    /// A text value: no control characters, at most `max` characters, and not
    /// empty when `required`.
    fn text(&mut self, src: &SourceRef, what: &str, value: &str, max: usize, required: bool) {
        if required && value.trim().is_empty() {
            self.err(src.clone(), format!("{what}不能为空"));
            return;
        }
        if let Some(c) = control_in(value) {
            self.err(
                src.clone(),
                format!(
                    "{what}含有不可见的控制字符 U+{:04X}：请删除后再试",
                    u32::from(c)
                ),
            );
        }
        let n = value.chars().count();
        if n > max {
            self.err(
                src.clone(),
                format!("{what}过长（{n} 个字符，最多 {max} 个）：报告的各种格式都要能容纳它"),
            );
        }
    }

    fn meta(&mut self) {
        let m = &self.report.meta;
        if !YEARS.contains(&m.year) {
            let src = self.meta_src("year");
            self.err(
                src,
                format!(
                    "决算年度 {} 不是有效的年份（应在 {}–{} 之间）",
                    m.year,
                    YEARS.start(),
                    YEARS.end()
                ),
            );
        }
        let src = self.meta_src("department");
        self.text(&src, "部门名称", &m.department, MAX_NAME_CHARS, true);
        if let Some(t) = &m.title {
            let src = self.meta_src("title");
            self.text(&src, "报告标题", t, MAX_TITLE_CHARS, false);
        }
        if let Some(c) = &m.department_code {
            let src = self.meta_src("department_code");
            self.text(&src, "部门编码", c, MAX_NAME_CHARS, false);
        }
    }

    fn overview(&mut self) {
        let o = &self.report.overview;
        let src = self.meta_src("overview");
        for d in &o.duties {
            self.text(&src, "职责", d, MAX_TEXT_CHARS, false);
        }
        for u in &o.units {
            self.text(&src, "单位名称", &u.name, MAX_NAME_CHARS, true);
        }
        for off in &o.offices {
            self.text(&src, "内设机构名称", off, MAX_NAME_CHARS, false);
        }
    }

    fn texts(&mut self) {
        let r = self.report;
        for (code, name) in &r.facts.functional_names {
            let src = self.file().with_field(code.to_string());
            self.text(
                &src,
                &format!("科目 {code} 的名称"),
                name,
                MAX_NAME_CHARS,
                false,
            );
        }
        for (code, name) in &r.facts.economic_names {
            let src = self.file().with_field(code.to_string());
            self.text(
                &src,
                &format!("经济分类科目 {code} 的名称"),
                name,
                MAX_NAME_CHARS,
                false,
            );
        }
        let n = &r.narrative;
        let src_of = |id: String| n.sources.get(&id).cloned();
        for (id, t) in &n.texts {
            let src = src_of(format!("texts.{id}")).unwrap_or_else(|| self.file());
            self.text(&src, "情况说明文字", t, MAX_TEXT_CHARS, false);
        }
        for (id, items) in &n.lists {
            let src = src_of(format!("lists.{id}")).unwrap_or_else(|| self.file());
            for t in items {
                self.text(&src, "列表项", t, MAX_TEXT_CHARS, false);
            }
        }
    }

    fn projects(&mut self) {
        for p in &self.report.projects {
            let src = p.source.clone();
            self.text(&src, "项目名称", &p.name, MAX_NAME_CHARS, true);
            let short = [
                ("实施单位", &p.unit),
                ("主管部门", &p.department),
                ("日期", &p.date),
                ("资金来源", &p.fund),
            ];
            for (what, v) in short {
                self.text(
                    &src,
                    &format!("项目“{}”的{what}", p.name),
                    v,
                    MAX_NAME_CHARS,
                    false,
                );
            }
            for v in p.texts.all() {
                self.text(
                    &src,
                    &format!("项目“{}”的文字", p.name),
                    v,
                    MAX_TEXT_CHARS,
                    false,
                );
            }
            for b in &p.budget {
                self.text(&src, "资金来源", &b.source, MAX_NAME_CHARS, false);
            }
            for i in &p.indicators {
                let isrc = i.source.clone();
                for (what, v) in [
                    ("一级指标", &i.level1),
                    ("二级指标", &i.level2),
                    ("三级指标", &i.name),
                ] {
                    self.text(&isrc, what, v, MAX_NAME_CHARS * 10, false);
                }
                for (what, v) in [
                    ("年初指标值", &i.initial),
                    ("年度指标值", &i.target.text),
                    ("实际完成值", &i.actual.text),
                    ("偏差原因", &i.deviation),
                ] {
                    self.text(&isrc, what, v, MAX_TEXT_CHARS, false);
                }
            }
        }
    }

    fn counts(&mut self) {
        let r = self.report;
        let mut bad: Vec<(SourceRef, String)> = Vec::new();
        let out_of = |what: &str, v: i64, range: &RangeInclusive<i64>| {
            format!(
                "{what} {v} 超出合理范围（应为 {}–{} 的整数）",
                range.start(),
                range.end()
            )
        };
        for (m, v) in &r.facts.scalars {
            if let Num::Count(c) = v {
                let range = count_range(Some(*m));
                if !range.contains(c) {
                    let src = r
                        .facts
                        .sources
                        .get(&Key::all(*m))
                        .cloned()
                        .unwrap_or_else(|| self.file());
                    bad.push((src, out_of(m.label(), *c, &range)));
                }
            }
        }
        for (k, v) in &r.narrative.last_year {
            if let Num::Count(c) = v {
                let range = count_range(Some(k.measure));
                if !range.contains(c) {
                    let src = r
                        .narrative
                        .sources
                        .get(&format!("last_year.{k}"))
                        .cloned()
                        .unwrap_or_else(|| self.file());
                    bad.push((
                        src,
                        out_of(&format!("上年{}", k.measure.label()), *c, &range),
                    ));
                }
            }
        }
        for (id, c) in &r.narrative.counts {
            let range = count_range(None);
            if !range.contains(c) {
                let src = r
                    .narrative
                    .sources
                    .get(&format!("counts.{id}"))
                    .cloned()
                    .unwrap_or_else(|| self.file());
                bad.push((src, out_of("数量", *c, &range)));
            }
        }
        for (src, m) in bad {
            self.err(src, m);
        }
    }

    /// Weights and scores within 0–[`MAX_POINTS`].
    fn points(&mut self) {
        let r = self.report;
        let mut bad: Vec<(SourceRef, String)> = Vec::new();
        let over = |what: &str, p: Points| {
            format!(
                "{what} {} 超出范围（应为 0–{} 分）",
                p.display(),
                MAX_POINTS.display()
            )
        };
        for p in &r.projects {
            for i in &p.indicators {
                if i.weight > MAX_POINTS {
                    bad.push((
                        i.source.clone(),
                        over(&format!("指标“{}”的分值", i.name), i.weight),
                    ));
                }
                if let Some(s) = i.score.filter(|s| *s > MAX_POINTS) {
                    bad.push((
                        i.source.clone(),
                        over(&format!("指标“{}”的得分", i.name), s),
                    ));
                }
            }
            let st = &p.stated;
            for (id, what, v) in [
                ("budget_score", "预算执行率得分", st.budget_score),
                ("indicator_score", "指标得分", st.indicator_score),
                ("total", "总得分", st.total),
            ] {
                if let Some(v) = v.filter(|v| *v > MAX_POINTS) {
                    let src = st
                        .sources
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| p.source.clone());
                    bad.push((src, over(&format!("项目“{}”的{what}", p.name), v)));
                }
            }
        }
        for (id, v) in &r.narrative.scores {
            if *v > MAX_POINTS {
                let src = r
                    .narrative
                    .sources
                    .get(&format!("scores.{id}"))
                    .cloned()
                    .unwrap_or_else(|| self.file());
                bad.push((src, over("得分", *v)));
            }
        }
        for (src, m) in bad {
            self.err(src, m);
        }
    }

    /// The magnitudes of every amount together within [`MAX_TOTAL_FEN`]: then no
    /// derived sum can overflow (see the constant).
    fn total(&mut self) {
        let r = self.report;
        let mut total: i128 = 0;
        let mut add = |m: Money| total += i128::from(m.fen()).abs();
        for row in r.facts.functional.values() {
            row.values().copied().for_each(&mut add);
        }
        for e in r.facts.economic.values() {
            add(e.amount);
            add(e.basic);
        }
        let money = |n: &Num| match n {
            Num::Money(m) => Some(*m),
            Num::Count(_) => None,
        };
        r.facts
            .scalars
            .values()
            .filter_map(money)
            .for_each(&mut add);
        r.stated
            .iter()
            .map(|s| &s.value)
            .filter_map(money)
            .for_each(&mut add);
        r.narrative
            .last_year
            .values()
            .filter_map(money)
            .for_each(&mut add);
        r.narrative
            .initial_budget
            .values()
            .copied()
            .for_each(&mut add);
        r.narrative.amounts.values().copied().for_each(&mut add);
        for p in &r.projects {
            for b in &p.budget {
                for m in [b.declared, b.compiled, b.full_year, b.executed] {
                    add(m);
                }
            }
        }
        if total > i128::from(MAX_TOTAL_FEN) {
            let src = self.file();
            self.err(
                src,
                format!(
                    "全部金额的绝对值之和（约 {} 万亿元）超出可精确计算的范围（{} 万亿元）：请检查金额单位或是否多写了位数",
                    total / 100_000_000_000_000,
                    MAX_TOTAL_FEN / 100_000_000_000_000
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use juesuan_model::FunctionalCode;

    fn report() -> Report {
        let mut r = Report::default();
        r.meta.department = "某局".into();
        r.meta.year = 2022;
        r.meta.source = SourceRef::file("x/report.toml");
        r
    }

    #[test]
    fn a_plain_report_passes() {
        assert!(validate(&report()).is_ok());
    }

    #[test]
    fn years_outside_the_range_are_refused() {
        for y in [-1, 0, 1900, 1948, 2201, 99_999] {
            let mut r = report();
            r.meta.year = y;
            let e = validate(&r).unwrap_err();
            assert!(e.0[0].message.contains("年份"), "{y}: {e}");
        }
    }

    #[test]
    fn names_empty_long_or_with_controls_are_refused() {
        let mut r = report();
        r.meta.department = "  ".into();
        assert!(validate(&r).unwrap_err().0[0].message.contains("不能为空"));
        r.meta.department = "局".repeat(MAX_NAME_CHARS + 1);
        assert!(validate(&r).unwrap_err().0[0].message.contains("过长"));
        r.meta.department = "某\u{0}局".into();
        assert!(validate(&r).unwrap_err().0[0].message.contains("U+0000"));
        r.meta.department = "局".repeat(MAX_NAME_CHARS);
        assert!(validate(&r).is_ok());
    }

    #[test]
    fn counts_beyond_their_range_are_refused() {
        let mut r = report();
        r.facts
            .scalars
            .insert(Measure::VehEmergency, Num::Count(i64::MAX));
        assert!(
            validate(&r).unwrap_err().0[0]
                .message
                .contains("超出合理范围")
        );
        r.facts
            .scalars
            .insert(Measure::VehEmergency, Num::Count(MAX_VEHICLES));
        assert!(validate(&r).is_ok());
    }

    #[test]
    fn points_beyond_a_hundred_are_refused() {
        let mut r = report();
        r.narrative
            .scores
            .insert("perf.overall".into(), Points::whole(101));
        assert!(validate(&r).unwrap_err().0[0].message.contains("超出范围"));
        r.narrative.scores.insert("perf.overall".into(), MAX_POINTS);
        assert!(validate(&r).is_ok());
    }

    #[test]
    fn a_total_beyond_exact_arithmetic_is_refused() {
        let mut r = report();
        // 9,801 rows of 10 万亿元: each within the per-amount limit, together not.
        for i in 0..9_801 {
            let code =
                FunctionalCode::parse(&format!("201{:02}{:02}", i / 99 % 99 + 1, i % 99 + 1))
                    .unwrap();
            r.facts.functional.entry(code).or_default().insert(
                Measure::IncFiscal,
                Money::from_fen(juesuan_model::MAX_ABS_FEN),
            );
        }
        let e = validate(&r).unwrap_err();
        assert!(e.0[0].message.contains("超出可精确计算的范围"), "{e}");
    }
}
