#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "test code: a failed unwrap is a failed test"
)]
//! Every number of the seed's 公开01–10表 appears at the same place in the tables we
//! derive from the example's facts, and we print no number the seed does not.
//! Truth: `../shared/seed/structured/*.csv` (transcribed from the seed and verified
//! by their sums).

use juesuan_model::{Money, Num, RowKey, Table, TableSet};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed_csv(name: &str) -> Vec<Vec<(String, String)>> {
    let path = root().join("../shared/seed/structured").join(name);
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn get<'a>(row: &'a [(String, String)], k: &str) -> &'a str {
    row.iter()
        .find(|(h, _)| h == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no column {k}"))
}

fn tables() -> TableSet {
    let (report, profile) =
        juesuan_ingest::read_text_dir(&root().join("examples/jincheng-amr-2022")).unwrap();
    juesuan_tables::derive_all(&report, profile).tables
}

/// Our value at (panel, row predicate, column label); blank and zero are the same.
fn ours(
    t: &Table,
    panel: usize,
    row: &dyn Fn(&juesuan_model::Row) -> bool,
    col: &str,
) -> Option<Num> {
    let p = &t.panels[panel];
    let ci = p
        .columns
        .iter()
        .position(|c| c.label == col)
        .unwrap_or_else(|| panic!("{} has no column {col}", t.number));
    let r = p
        .rows
        .iter()
        .find(|r| row(r))
        .unwrap_or_else(|| panic!("{}: row not found", t.number));
    r.cells[ci].value.filter(|v| !v.is_zero())
}

fn expect(text: &str) -> Option<Num> {
    if text.is_empty() {
        None
    } else {
        Some(Num::Money(Money::parse(text).unwrap()))
    }
}

/// Counts every cell compared and every non-zero cell we print, to show nothing is extra.
struct Tally {
    compared: BTreeSet<(String, usize, usize, usize)>,
}

impl Tally {
    fn mark(
        &mut self,
        t: &Table,
        panel: usize,
        row: &dyn Fn(&juesuan_model::Row) -> bool,
        col: &str,
    ) {
        let p = &t.panels[panel];
        let ci = p.columns.iter().position(|c| c.label == col).unwrap();
        let ri = p.rows.iter().position(row).unwrap();
        self.compared.insert((t.id.clone(), panel, ri, ci));
    }
}

fn check(
    t: &Table,
    tally: &mut Tally,
    panel: usize,
    row: &dyn Fn(&juesuan_model::Row) -> bool,
    col: &str,
    text: &str,
    what: &str,
) {
    assert_eq!(
        ours(t, panel, row, col),
        expect(text),
        "{} {what} / {col}",
        t.number
    );
    tally.mark(t, panel, row, col);
}

fn functional(set: &TableSet, tally: &mut Tally, id: &str, file: &str, cols: &[&str]) {
    let t = set.get(id).unwrap();
    let rows = seed_csv(file);
    let n_ours = t.panels[0].rows.len();
    assert_eq!(n_ours, rows.len(), "{}: row count", t.number);
    for row in &rows {
        let code = get(row, "科目编码").to_string();
        let pred = |r: &juesuan_model::Row| match &r.key {
            RowKey::Total => code.is_empty(),
            RowKey::Fn(c) => c.as_str() == code,
            _ => false,
        };
        let label = &t.panels[0].rows.iter().find(|r| pred(r)).unwrap().label;
        assert_eq!(label, get(row, "科目名称"), "{} {code}", t.number);
        for c in cols {
            check(t, tally, 0, &pred, c, get(row, c), &code);
        }
    }
}

#[test]
fn every_seed_table_number_is_in_place() {
    let set = tables();
    let mut tally = Tally {
        compared: BTreeSet::new(),
    };

    // 01 and 04: two-sided, by 行次.
    for (id, file, left_cols, right_cols) in [
        (
            "01",
            "t01_shouru_zhichu_zongbiao.csv",
            vec![("决算数", "决算数")],
            vec![("决算数", "决算数")],
        ),
        (
            "04",
            "t04_caizheng_bokuan_zongbiao.csv",
            vec![("金额", "金额")],
            vec![
                ("合计", "合计"),
                ("一般公共预算财政拨款", "一般公共预算财政拨款"),
                ("政府性基金预算财政拨款", "政府性基金预算财政拨款"),
                ("国有资本经营预算财政拨款", "国有资本经营预算财政拨款"),
            ],
        ),
    ] {
        let t = set.get(id).unwrap();
        let rows = seed_csv(file);
        assert_eq!(
            rows.len(),
            t.panels[0].rows.len() + t.panels[1].rows.len(),
            "{id} rows"
        );
        for row in &rows {
            let line: u32 = get(row, "行次").parse().unwrap();
            let (panel, cols) = if get(row, "side") == "收入" {
                (0, &left_cols)
            } else {
                (1, &right_cols)
            };
            let pred = |r: &juesuan_model::Row| r.line == Some(line);
            let ours_row = t.panels[panel].rows.iter().find(|r| pred(r)).unwrap();
            assert_eq!(ours_row.label, get(row, "项目"), "{id} 行次 {line}");
            for (seed_col, our_col) in cols.iter() {
                check(
                    t,
                    &mut tally,
                    panel,
                    &pred,
                    our_col,
                    get(row, seed_col),
                    &format!("行次{line}"),
                );
            }
        }
    }

    functional(
        &set,
        &mut tally,
        "02",
        "t02_shouru_juesuan.csv",
        &[
            "本年收入合计",
            "财政拨款收入",
            "上级补助收入",
            "事业收入",
            "经营收入",
            "附属单位上缴收入",
            "其他收入",
        ],
    );
    functional(
        &set,
        &mut tally,
        "03",
        "t03_zhichu_juesuan.csv",
        &[
            "本年支出合计",
            "基本支出",
            "项目支出",
            "上缴上级支出",
            "经营支出",
            "对附属单位补助支出",
        ],
    );
    functional(
        &set,
        &mut tally,
        "05",
        "t05_yiban_gonggong_zhichu.csv",
        &["小计", "基本支出", "项目支出"],
    );

    // 06: by economic code, plus the two group totals.
    let t = set.get("06").unwrap();
    for row in seed_csv("t06_yiban_gonggong_mingxi.csv") {
        let code = get(&row, "经济分类科目编码").to_string();
        let name = get(&row, "科目名称").to_string();
        let pred = |r: &juesuan_model::Row| match &r.key {
            RowKey::Econ(c) => c.as_str() == code,
            RowKey::Group(_) => code.is_empty() && r.label == name,
            _ => false,
        };
        let ours_row = t.panels[0]
            .rows
            .iter()
            .find(|r| pred(r))
            .unwrap_or_else(|| panic!("06 {code} {name}"));
        assert_eq!(ours_row.label, name);
        check(t, &mut tally, 0, &pred, "金额", get(&row, "金额"), &code);
        check(
            t,
            &mut tally,
            0,
            &pred,
            "其中：基本支出",
            get(&row, "其中基本支出"),
            &code,
        );
        assert_eq!(
            ours_row.cells[1].not_applicable,
            get(&row, "不适用") == "yes",
            "06 {code} 不适用"
        );
    }
    assert_eq!(t.panels[0].rows.len(), 111);

    // 07: 预算数 and 决算数.
    let t = set.get("07").unwrap();
    for row in seed_csv("t07_sangong.csv") {
        let prefix = get(&row, "口径").to_string();
        for c in [
            "合计",
            "因公出国（境）费",
            "公务用车购置及运行维护费小计",
            "公务用车购置费",
            "公务用车运行维护费",
            "公务接待费",
        ] {
            check(
                t,
                &mut tally,
                0,
                &|_| true,
                &format!("{prefix} {c}"),
                get(&row, c),
                &prefix,
            );
        }
    }

    // 08, 09: no data, and they say so.
    for id in ["08", "09"] {
        let t = set.get(id).unwrap();
        assert!(t.is_empty() && t.empty_note_shown, "{id}");
    }

    // 10: by 行次; vehicle rows are counts.
    let t = set.get("10").unwrap();
    for row in seed_csv("t10_xiangguan_xinxi.csv") {
        let line: u32 = get(&row, "行次").parse().unwrap();
        let pred = |r: &juesuan_model::Row| r.line == Some(line);
        let v = get(&row, "数值");
        let expected = if v.is_empty() {
            None
        } else if v.contains('.') {
            Some(Num::Money(Money::parse(v).unwrap()))
        } else {
            Some(Num::Count(v.parse().unwrap()))
        };
        assert_eq!(ours(t, 0, &pred, "数值"), expected, "10 行次{line}");
        tally.mark(t, 0, &pred, "数值");
    }

    // Nothing extra: every non-zero cell we print was compared with the seed.
    for r in set.all_cells() {
        let c = set.cell(&r).unwrap();
        if c.value.is_some_and(|v| !v.is_zero()) {
            let id = set.tables[r.table].id.clone();
            assert!(
                tally
                    .compared
                    .contains(&(id.clone(), r.panel, r.row, r.col)),
                "extra number in {id}: {r:?}"
            );
        }
    }
}
