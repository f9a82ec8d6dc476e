//! One department over the years: the 科目 table holds each year's derived
//! 本年支出合计 for every code, and the "changed most" table the largest moves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use juesuan_compose::{TableView, ViewCell};
use juesuan_engine::city::{self, MOST_CHANGED, YearEntry};
use juesuan_engine::{Against, Loaded, check, sample};
use juesuan_model::{FunctionalCode, Key, Measure, Scope};

const YEARS: [i32; 3] = [2021, 2022, 2023];

fn loaded_years(i: usize) -> Vec<Loaded> {
    let (base, profile) = sample::example().expect("example");
    let reports = sample::years(
        &base,
        profile,
        &sample::department("晋城市", i),
        i,
        &YEARS,
        &[],
    );
    reports
        .into_iter()
        .map(
            |r| match check(r, profile, false, None, Against::default()) {
                Ok(l) => l,
                Err(_) => panic!("made-up report unusable"),
            },
        )
        .collect()
}

fn entries(years: &[Loaded]) -> Vec<YearEntry> {
    years
        .iter()
        .map(|l| YearEntry {
            year: i64::from(l.report.meta.year),
            href: format!("/r/x/{}/1/", l.report.meta.year),
            number: 1,
            headline: city::headline(l),
        })
        .collect()
}

fn amount(c: &ViewCell) -> Option<i64> {
    match c {
        ViewCell::Amount(m) => Some(m.fen()),
        _ => None,
    }
}

fn code(c: &ViewCell) -> &str {
    match c {
        ViewCell::Code(s) => s,
        other => panic!("not a code cell: {other:?}"),
    }
}

fn spent(l: &Loaded, code: &str) -> i64 {
    let code = FunctionalCode::parse(code).unwrap();
    l.derived
        .figures
        .get(&Key::func(Measure::ExpTotal, &code))
        .raw()
}

#[test]
fn subject_table_holds_every_code_of_every_year_as_derived() {
    let years = loaded_years(3);
    // Entries given newest first: the table orders them by year.
    let mut given = entries(&years);
    given.reverse();
    let t: TableView = city::subject_table("某局", &given);
    let derived_codes: std::collections::BTreeSet<String> = years
        .iter()
        .flat_map(|l| {
            l.derived
                .figures
                .iter()
                .filter_map(|(k, v)| match &k.scope {
                    Scope::Fn(c) if k.measure == Measure::ExpTotal && !v.is_zero() => {
                        Some(c.as_str().to_string())
                    }
                    _ => None,
                })
        })
        .collect();
    let shown: Vec<&str> = t.rows.iter().map(|r| code(&r.cells[0])).collect();
    assert_eq!(
        shown,
        derived_codes.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert!(shown.iter().any(|c| c.len() == 3) && shown.iter().any(|c| c.len() == 7));
    for row in &t.rows {
        let c = code(&row.cells[0]);
        for (j, l) in years.iter().enumerate() {
            assert_eq!(amount(&row.cells[2 + j]), Some(spent(l, c)), "{c} {j}");
        }
        let d = spent(&years[2], c) - spent(&years[1], c);
        assert_eq!(amount(&row.cells[5]), Some(d), "{c} change");
        match &row.cells[1] {
            ViewCell::Text { text, .. } => assert!(!text.is_empty(), "{c} has no name"),
            other => panic!("{other:?}"),
        }
    }
    // The made-up years differ, so something changed.
    assert!(t.rows.iter().any(|r| amount(&r.cells[5]) != Some(0)));
}

#[test]
fn changed_most_lists_the_largest_moves_of_items_in_order() {
    let years = loaded_years(5);
    let t = city::changed_most_table("某局", &entries(&years));
    let mut expected: Vec<(i64, String)> = city::headline(&years[2])
        .subjects
        .keys()
        .chain(city::headline(&years[1]).subjects.keys())
        .filter(|c| c.len() == 7)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|c| (spent(&years[2], c) - spent(&years[1], c), c.clone()))
        .filter(|(d, _)| *d != 0)
        .collect();
    expected.sort_by(|a, b| b.0.abs().cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
    expected.truncate(MOST_CHANGED);
    assert!(!expected.is_empty());
    let got: Vec<(i64, String)> = t
        .rows
        .iter()
        .map(|r| (amount(&r.cells[4]).unwrap(), code(&r.cells[0]).to_string()))
        .collect();
    assert_eq!(got, expected);
    // Two year columns: the last two.
    assert_eq!(t.header[0].len(), 2 + 2 + 2);
    assert_eq!(t.header[0][2].text, "2022年度");
}

#[test]
fn a_year_stored_without_subjects_is_shown_as_not_recorded() {
    let years = loaded_years(2);
    let mut given = entries(&years);
    given[0].headline.subjects.clear();
    let t = city::subject_table("某局", &given);
    assert!(!t.rows.is_empty());
    for row in &t.rows {
        assert!(matches!(row.cells[2], ViewCell::NotApplicable));
        assert!(amount(&row.cells[3]).is_some() && amount(&row.cells[5]).is_some());
    }
    // The latest change compares 2022 with 2023: both recorded.
    let changed = city::changed_most_table("某局", &given);
    assert!(!changed.rows.is_empty());
    given[1].headline.subjects.clear();
    let changed = city::changed_most_table("某局", &given);
    assert!(changed.rows.is_empty());
    assert!(changed.empty_note.is_some());
}
