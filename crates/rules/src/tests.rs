//! One case per rule: a targeted change of the (clean) example that the rule must
//! report, and the test that every rule of the registry has such a case.

use crate::{Ctx, registry, run};
use juesuan_model::{
    CellRef, Finding, Key, Measure, Money, Num, Points, Report, RowKey, SourceRef, Stated, TableSet,
};
use juesuan_profile::Profile;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn example() -> (Report, &'static Profile) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022");
    juesuan_ingest::read_text_dir(&dir).unwrap()
}

fn ids(findings: &[Finding]) -> BTreeSet<String> {
    findings.iter().map(|f| f.rule.clone()).collect()
}

/// Checks a report (inputs and derived tables) after `edit`: `rule` must report more
/// than it did on the example.
fn fires(rule: &'static str, edit: impl FnOnce(&mut Report)) {
    let (mut r, p) = example();
    let before = count(rule, &r, p);
    edit(&mut r);
    assert!(
        count(rule, &r, p) > before,
        "{rule} did not report the change"
    );
}

/// How many findings `rule` reports on a report, checked as `juesuan check`
/// does: derived tables and the composed document.
fn count(rule: &str, r: &Report, p: &Profile) -> usize {
    let d = juesuan_tables::derive_all(r, p);
    let doc = juesuan_compose::compose(r, p, &d).unwrap();
    let mut ctx = Ctx::new(p, &d.tables, Some(r), Some(&d.figures));
    ctx.document = Some(&doc);
    run(ctx).into_iter().filter(|f| f.rule == rule).count()
}

/// Like [`fires`], but changes the tables themselves, as in an audit of a published
/// report (no inputs).
fn fires_on_tables(rule: &'static str, edit: impl FnOnce(&mut TableSet)) {
    let (r, p) = example();
    let d = juesuan_tables::derive_all(&r, p);
    let mut t = d.tables.clone();
    edit(&mut t);
    let after = run(Ctx::new(p, &t, None, None));
    assert!(
        after.iter().any(|f| f.rule == rule),
        "{rule} silent; got {:?}",
        ids(&after)
    );
}

fn cell(
    t: &TableSet,
    table: &str,
    row: &dyn Fn(&RowKey, u32) -> bool,
    col: usize,
    panel: usize,
) -> CellRef {
    let ti = t.tables.iter().position(|x| x.id == table).unwrap();
    let p = &t.tables[ti].panels[panel];
    let ri = p
        .rows
        .iter()
        .position(|r| row(&r.key, r.line.unwrap_or(0)))
        .unwrap();
    CellRef {
        table: ti,
        panel,
        row: ri,
        col,
    }
}

fn add(t: &mut TableSet, at: CellRef, fen: i64) {
    let c = t.cell_mut(&at).unwrap();
    let v = c.value.unwrap_or(Num::Money(Money::ZERO));
    c.value = Some(v.with_raw(v.raw() + fen));
}

fn code(c: &str) -> impl Fn(&RowKey, u32) -> bool + '_ {
    move |k, _| match k {
        RowKey::Fn(x) => x.as_str() == c,
        RowKey::Econ(x) => x.as_str() == c,
        _ => false,
    }
}

fn line(n: u32) -> impl Fn(&RowKey, u32) -> bool {
    move |_, l| l == n
}

fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

#[test]
fn table_rules() {
    fires_on_tables("T-COLSUM", |t| {
        let c = cell(t, "02", &code("2013801"), 1, 0);
        add(t, c, 100);
    });
    fires_on_tables("T-ROWSUM", |t| {
        let c = cell(t, "01", &line(27), 0, 0);
        add(t, c, 100);
    });
    fires_on_tables("T-HIER", |t| {
        let c = cell(t, "05", &code("20138"), 1, 0);
        add(t, c, 100);
    });
    fires_on_tables("T-GROUP", |t| {
        let c = cell(
            t,
            "06",
            &|k, _| *k == RowKey::Group(juesuan_model::EconGroup::Personnel),
            1,
            0,
        );
        add(t, c, 100);
    });
    fires_on_tables("T-BLANK", |t| {
        let c = cell(t, "01", &line(9), 0, 0);
        add(t, c, 100);
    });
    fires_on_tables("T-EMPTY", |t| {
        let i = t.tables.iter().position(|x| x.id == "08").unwrap();
        t.tables[i].empty_note_shown = false;
    });
    fires_on_tables("T-06-BASIC", |t| {
        let c = cell(t, "06", &code("30201"), 1, 0);
        add(t, c, 100_000_000);
    });
    fires_on_tables("XT-SAME", |t| {
        let c = cell(t, "04", &line(33), 1, 1);
        add(t, c, 100);
    });
    fires_on_tables("XT-03-FUND", |t| {
        let c = cell(t, "03", &code("2013801"), 1, 0);
        add(t, c, -100);
    });
    fires_on_tables("XT-02-04", |t| {
        let c = cell(t, "04", &line(27), 0, 0);
        add(t, c, 100);
    });
    fires_on_tables("XT-07-06", |t| {
        let c = cell(t, "07", &|_, _| true, 11, 0);
        add(t, c, -100);
    });
}

#[test]
fn report_rules() {
    fires("T-BALANCE", |r| {
        r.facts
            .scalars
            .insert(Measure::CarryOut, Num::Money(m("21,675.01")));
    });
    fires("T-NEG", |r| {
        r.facts
            .scalars
            .insert(Measure::ProcWorks, Num::Money(m("-570,000.00")));
    });
    fires("XT-05-06", |r| {
        r.facts
            .economic
            .get_mut(&juesuan_model::EconomicCode::parse("30101").unwrap())
            .unwrap()
            .amount += Money::from_fen(1);
    });
    fires("XT-01-04", |r| {
        r.facts
            .scalars
            .insert(Measure::FbalOutGpb, Num::Money(m("100,000.00")));
    });
    fires("XT-10-06", |r| {
        r.facts
            .scalars
            .insert(Measure::OrcAdmin, Num::Money(m("3,431,071.43")));
    });
    fires("IN-DERIVED", |r| {
        r.stated.push(Stated {
            key: Key::all(Measure::ProcTotal),
            value: Num::Money(m("1.00")),
            source: SourceRef::line("report.toml", 1),
        });
    });
    fires("CAT-FN", |r| {
        r.facts.functional_names.insert(
            juesuan_model::FunctionalCode::parse("2013801").unwrap(),
            "行政运转".into(),
        );
    });
    fires("CAT-ECON", |r| {
        r.facts.economic_names.insert(
            juesuan_model::EconomicCode::parse("30201").unwrap(),
            "办公经费".into(),
        );
    });
    fires("NARR-INPUT", |r| {
        r.narrative.texts.remove("reason.一");
    });
    fires("NARR-BUDGET", |r| {
        r.narrative
            .initial_budget
            .insert(Key::parse("gpb.total@201").unwrap(), m("42,243,100.00"));
    });
    fires("NARR-ZERO", |r| {
        r.narrative.last_year.insert(
            Key::parse("gpb.total@210").unwrap(),
            Num::Money(Money::ZERO),
        );
    });
    fires("SG-RECEPTION", |r| {
        r.narrative
            .amounts
            .insert("sg.reception.domestic".into(), m("4,500.00"));
    });
    fires("SG-VEHICLES", |r| {
        r.narrative.counts.insert("sg.vehicles.held".into(), 20);
    });
    fires("PROC-SME", |r| {
        r.facts
            .scalars
            .insert(Measure::ProcSme, Num::Money(m("9,000,000.00")));
    });
    fires("PERF-WEIGHT", |r| {
        r.projects[1].indicators[0].weight = Points::whole(11);
    });
    fires("PERF-SCORE", |r| {
        r.projects[1].indicators[0].score = Some(Points::whole(11));
    });
    fires("PERF-TOTAL", |r| {
        r.projects[0].stated.total = Some(Points::whole(99));
    });
    fires("PERF-BUDGET", |r| {
        r.projects[7].budget[0].executed += m("1.00");
    });
    fires("PERF-COVER", |r| {
        r.projects[0].budget[0].full_year += m("9,000,000.00");
        r.projects[0].budget[0].executed += m("9,000,000.00");
    });
}

#[test]
fn rules_the_example_already_exercises() {
    // The seed's own scoring mistakes (KNOWN_DIFFERENCES.md §7) exercise these.
    let (r, p) = example();
    let d = juesuan_tables::derive_all(&r, p);
    let got = ids(&run(Ctx::new(p, &d.tables, Some(&r), Some(&d.figures))));
    for rule in ["PERF-JUDGE", "PERF-PROSE"] {
        assert!(got.contains(rule), "{rule}");
    }
    // And its doubled comma, in the text as it will be printed.
    assert_eq!(count("TX-PUNCT", &r, p), 1);
}

#[test]
fn target_and_text_rules() {
    fires("PERF-TARGET", |r| {
        r.projects[0].indicators[0].target.text = "2022.11-2022.3".into();
    });
    // A placeholder in a target, a reason, a project text: each an error where
    // it is printed, naming the input it came from.
    fires("TX-LEFTOVER", |r| {
        r.projects[0].indicators[0].target.text = "2022.3-2022.11XX 月 XX 日".into();
    });
    fires("TX-LEFTOVER", |r| {
        r.projects[1].texts.problems = "XX 局未按时完成。".into();
    });
    let (mut r, p) = example();
    let (id, _) = r
        .narrative
        .texts
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    r.narrative
        .texts
        .insert(id.clone(), "主要原因是比上年增加（减少）了人员。".into());
    let d = juesuan_tables::derive_all(&r, p);
    let doc = juesuan_compose::compose(&r, p, &d).unwrap();
    let mut ctx = Ctx::new(p, &d.tables, Some(&r), Some(&d.figures));
    ctx.document = Some(&doc);
    let found: Vec<Finding> = run(ctx)
        .into_iter()
        .filter(|f| f.rule == "TX-LEFTOVER")
        .collect();
    assert!(
        found.iter().any(|f| f.message.contains("增加（减少）")
            && f.severity == juesuan_model::Severity::Error
            && f.related
                .iter()
                .any(|l| matches!(l, juesuan_model::Location::Input(_)))),
        "{id}: {found:#?}"
    );
    fires("TX-PUNCT", |r| {
        r.projects[0].texts.problems = "资金到位较晚。。".into();
    });
    fires("TX-REPEAT", |r| {
        r.projects[0].texts.problems = "存在问题：预算编制不够细化预算编制不够细化。".into();
    });
}

#[test]
fn stated_narrative_rule() {
    use juesuan_compose::{DiffKind, Difference};
    let (r, p) = example();
    let d = juesuan_tables::derive_all(&r, p);
    let mut ctx = Ctx::new(p, &d.tables, Some(&r), Some(&d.figures));
    ctx.narrative_file = "seed.txt".into();
    ctx.narrative_diffs = Some(vec![Difference {
        section: "五".into(),
        line: Some(812),
        ours: Some("增长68.36%".into()),
        theirs: Some("增加47%".into()),
        kind: DiffKind::Number {
            ours: "68.36%".into(),
            theirs: "47%".into(),
        },
    }]);
    let f = run(ctx);
    let n = f.iter().find(|f| f.rule == "NARR-STATED").unwrap();
    assert_eq!(n.severity, juesuan_model::Severity::Error);
    assert!(n.message.contains("47%") && n.message.contains("68.36%"));
    // Where: the stated file's line, and the section; what differs, marked.
    assert_eq!(n.location.to_string(), "seed.txt 第 812 行");
    assert!(
        n.related.iter().any(|l| l.to_string() == "情况说明 五"),
        "{n:?}"
    );
    assert_eq!(n.actual.as_ref().unwrap().to_string(), "增【加47%】");
    assert_eq!(n.expected.as_ref().unwrap().to_string(), "增【长68.36%】");
}

/// The example checked against a "last year" that is the example itself with
/// `edit` applied (its figures are what the example states of last year when
/// the example's own 上年数 are set to them): each cross-year rule must fire
/// on its change and stay silent without it.
fn cross_year(rule: &'static str, edit: impl FnOnce(&mut Report)) {
    use crate::Previous;
    let (mut r, p) = example();
    let d = juesuan_tables::derive_all(&r, p);
    // This year's 上年数 and opening balances: last year's figures.
    for (k, v) in r.narrative.last_year.iter_mut() {
        *v = d.figures.get(k);
    }
    for (open, close) in [
        (Measure::CarryIn, Measure::CarryOut),
        (Measure::FbalInGpb, Measure::FbalOutGpb),
    ] {
        let v = d.figures.get(&Key::all(close));
        r.facts.scalars.insert(open, v);
    }
    let mut last = r.clone();
    let count = |last: &Report| {
        let dl = juesuan_tables::derive_all(last, p);
        let dr = juesuan_tables::derive_all(&r, p);
        let mut ctx = Ctx::new(p, &dr.tables, Some(&r), Some(&dr.figures));
        ctx.previous = Some(Previous::new(
            "上年度报告".into(),
            last.meta.department.clone(),
            last.meta.year - 1,
            &dl.tables,
            Some(&dl.figures),
        ));
        run(ctx).into_iter().filter(|f| f.rule == rule).count()
    };
    assert_eq!(count(&last), 0, "{rule} fires on consistent years");
    edit(&mut last);
    assert!(count(&last) > 0, "{rule} did not report the change");
}

#[test]
fn cross_year_rules() {
    // Last year's 机关运行经费 (an input of its 公开10表) other than this year states.
    cross_year("XY-LASTYEAR", |last| {
        let v = last.facts.scalars.get(&Measure::OrcAdmin).copied();
        if let Some(Num::Money(m)) = v {
            last.facts.scalars.insert(
                Measure::OrcAdmin,
                Num::Money(Money::from_fen(m.fen() + 100)),
            );
        }
    });
    cross_year("XY-CARRY", |last| {
        let v = last.facts.scalars.get(&Measure::CarryOut).copied();
        if let Some(Num::Money(m)) = v {
            last.facts.scalars.insert(
                Measure::CarryOut,
                Num::Money(Money::from_fen(m.fen() + 500)),
            );
            let inn = last.facts.scalars.get(&Measure::CarryIn).copied();
            if let Some(Num::Money(i)) = inn {
                last.facts
                    .scalars
                    .insert(Measure::CarryIn, Num::Money(Money::from_fen(i.fen() + 500)));
            }
        }
    });
    cross_year("XY-DEPT", |last| {
        last.meta.department = "晋城市工商行政管理局".into();
    });
}

#[test]
fn units_sum_rule() {
    let (r, p) = example();
    let d = juesuan_tables::derive_all(&r, p);
    // Two units: one with every fact of the department, one with none.
    let mut empty = r.clone();
    empty.facts.functional.clear();
    empty.facts.economic.clear();
    empty.facts.scalars.clear();
    let count = |units: Vec<(&Report, String)>| {
        let mut ctx = Ctx::new(p, &d.tables, Some(&r), Some(&d.figures));
        ctx.units = units;
        run(ctx).into_iter().filter(|f| f.rule == "XU-SUM").count()
    };
    assert_eq!(count(vec![(&r, "本级".into()), (&empty, "下属".into())]), 0);
    let mut extra = empty.clone();
    extra
        .facts
        .scalars
        .insert(Measure::OrcAdmin, Num::Money(Money::from_fen(100)));
    assert_eq!(count(vec![(&r, "本级".into()), (&extra, "下属".into())]), 1);
}

/// Every registered rule id appears in a case above.
#[test]
fn every_rule_has_a_case() {
    let src = include_str!("tests.rs");
    for r in registry() {
        let id = r.info().id;
        assert!(
            src.contains(&format!("\"{id}\"")),
            "rule {id} has no case in rules/src/tests.rs"
        );
    }
}
