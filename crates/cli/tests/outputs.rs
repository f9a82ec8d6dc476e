#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The outputs of `juesuan build` on the example: the HTML equals its reviewed golden
//! file, every figure of every seed table is in the right table of the HTML, the JSON
//! holds the model, and two builds give the same bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build(out: &Path) {
    let s = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args([
            "build",
            root().join("examples/jincheng-amr-2022").to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
}

/// Our PDF is valid as poppler and qpdf read it: neither prints anything on
/// standard error (poppler used to report the catalog's `/Suspects false` on
/// every read).
#[test]
fn the_pdf_is_accepted_silently_by_poppler_and_qpdf() {
    let t = tempfile::tempdir().unwrap();
    build(t.path());
    let pdf = t.path().join("report.pdf");
    for (tool, args) in [
        ("pdfinfo", vec![pdf.to_str().unwrap()]),
        ("pdftotext", vec![pdf.to_str().unwrap(), "/dev/null"]),
        ("qpdf", vec!["--check", pdf.to_str().unwrap()]),
    ] {
        let out = match Command::new(tool).args(&args).output() {
            Ok(o) => o,
            // qpdf is optional on a developer's machine; scripts/test.sh installs it
            // and sets JUESUAN_REQUIRE_BROWSER (every tool present) for the full suite.
            Err(_) if tool == "qpdf" && std::env::var_os("JUESUAN_REQUIRE_BROWSER").is_none() => {
                continue;
            }
            Err(e) => panic!("{tool}: {e}"),
        };
        assert!(out.status.success(), "{tool} failed");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "{tool} complained about our PDF"
        );
    }
}

#[test]
fn html_matches_the_golden_file_and_builds_are_deterministic() {
    let t = tempfile::tempdir().unwrap();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    build(&a);
    build(&b);
    let mut files = vec![
        "report.html",
        "report.json",
        "report.pdf",
        "data/datapackage.json",
    ];
    let tables: Vec<String> = (1..=10).map(|i| format!("data/table-{i:02}.csv")).collect();
    files.extend(tables.iter().map(String::as_str));
    for f in files {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{f} differs between two builds"
        );
    }
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    let golden =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden/jincheng-amr-2022.html");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &html).unwrap();
    }
    let want = std::fs::read_to_string(&golden)
        .expect("golden missing: run with UPDATE_GOLDEN=1 and review");
    assert!(
        want == html,
        "report.html differs from {}; review with UPDATE_GOLDEN=1 and git diff",
        golden.display()
    );
}

/// The HTML section of one table (`<section class="table…" id="t01">` … `</section>`).
fn table_html<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"t{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let rest = html.get(start..).unwrap();
    rest.get(..rest.find("</section>").unwrap()).unwrap()
}

fn grouped(plain: &str) -> String {
    juesuan_model::Money::parse(plain).unwrap().yuan()
}

#[test]
fn every_seed_figure_is_in_its_table_in_the_html() {
    let t = tempfile::tempdir().unwrap();
    build(t.path());
    let html = std::fs::read_to_string(t.path().join("report.html")).unwrap();
    let seed = root().join("../shared/seed/structured");
    for (id, file) in [
        ("01", "t01_shouru_zhichu_zongbiao.csv"),
        ("02", "t02_shouru_juesuan.csv"),
        ("03", "t03_zhichu_juesuan.csv"),
        ("04", "t04_caizheng_bokuan_zongbiao.csv"),
        ("05", "t05_yiban_gonggong_zhichu.csv"),
        ("06", "t06_yiban_gonggong_mingxi.csv"),
        ("07", "t07_sangong.csv"),
        ("10", "t10_xiangguan_xinxi.csv"),
    ] {
        let section = table_html(&html, id);
        let mut r = csv::Reader::from_path(seed.join(file)).unwrap();
        let mut n = 0;
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                if cell.len() > 3
                    && cell.contains('.')
                    && cell.chars().all(|c| c.is_ascii_digit() || c == '.')
                {
                    let shown = format!(">{}<", grouped(cell));
                    assert!(section.contains(&shown), "公开{id}表 lacks {shown}");
                    n += 1;
                }
            }
        }
        assert!(n > 0 || id == "08", "no figures compared for {id}");
    }
    for id in ["08", "09"] {
        assert!(table_html(&html, id).contains("说明：本表无数据"));
    }
}

#[test]
fn json_holds_the_model_figures_tables_text_and_findings() {
    let t = tempfile::tempdir().unwrap();
    build(t.path());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(v["schema"], "juesuan/report@1");
    assert_eq!(v["profile"], "shanxi-2022");
    assert_eq!(v["figures"]["grand.income"], "44614491.01");
    assert_eq!(v["figures"]["gpb.total@201"], "38716532.65");
    assert_eq!(v["figures"]["veh.total"], 13);
    assert_eq!(v["tables"]["tables"].as_array().unwrap().len(), 10);
    assert_eq!(v["report"]["meta"]["department"], "晋城市市场监督管理局");
    assert_eq!(v["report"]["projects"].as_array().unwrap().len(), 14);
    let parts: Vec<&str> = v["text"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(parts, ["overview", "narrative", "glossary", "attachments"]);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "error")
    );
}

#[test]
fn open_data_has_every_figure_once_and_a_package_describing_it() {
    let t = tempfile::tempdir().unwrap();
    build(t.path());
    let data = t.path().join("data");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("report.json")).unwrap()).unwrap();
    let pkg: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("datapackage.json")).unwrap()).unwrap();
    assert_eq!(pkg["profile"], "tabular-data-package");
    assert!(
        pkg["model"]["measures"]["amount"].is_object(),
        "the Fiscal Data Package model"
    );
    assert_eq!(pkg["fiscalPeriod"]["start"], "2022-01-01");
    let resources = pkg["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 10);
    let mut measures = std::collections::BTreeMap::new();
    for r in resources {
        let path = data.join(r["path"].as_str().unwrap());
        let mut rd = csv::Reader::from_path(&path).unwrap();
        // The header is the schema's fields, in order.
        let header: Vec<String> = rd.headers().unwrap().iter().map(str::to_string).collect();
        let fields: Vec<&str> = r["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(header, fields, "{}", path.display());
        let mut rows = 0;
        for rec in rd.records() {
            let rec = rec.unwrap();
            rows += 1;
            let (measure, amount, count) = (&rec[13], &rec[14], &rec[15]);
            assert!(amount.is_empty() != count.is_empty(), "{rec:?}");
            if !amount.is_empty() {
                // Two decimals, no separators.
                let (int, frac) = amount.split_once('.').unwrap();
                assert!(
                    frac.len() == 2
                        && int
                            .trim_start_matches('-')
                            .chars()
                            .all(|c| c.is_ascii_digit()),
                    "{amount}"
                );
            }
            if !measure.is_empty() {
                measures.insert(
                    measure.to_string(),
                    if amount.is_empty() {
                        count.to_string()
                    } else {
                        amount.to_string()
                    },
                );
            }
        }
        assert_eq!(r["rows"].as_u64().unwrap(), rows, "{}", path.display());
    }
    // Every figure of the model with a non-zero value is in the open data, equal.
    let figures = v["figures"].as_object().unwrap();
    let mut compared = 0;
    for (k, val) in figures {
        let Some(csv_value) = measures.get(k) else {
            continue;
        };
        let want = match val {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(csv_value, &want, "{k}");
        compared += 1;
    }
    assert!(compared > 150, "only {compared} figures compared");
    assert_eq!(measures["gpb.total@201"], "38716532.65");
    assert_eq!(measures["veh.total"], "13");
    // Classification columns: a 项 row names its 类.
    let text = std::fs::read_to_string(data.join("table-05.csv")).unwrap();
    assert!(
        text.contains(",2013801,201,"),
        "no 2013801 row with its class"
    );
}

/// A blank form does not build a report that looks publishable: `build` refuses,
/// listing what is missing, and writes nothing; `--draft` builds it with 草稿
/// on every page of the PDF and a banner on the HTML.
#[test]
fn a_blank_form_builds_only_as_a_draft() {
    let t = tempfile::tempdir().unwrap();
    let form = t.path().join("blank.xlsx");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_juesuan"))
            .args(args)
            .output()
            .unwrap()
    };
    let s = run(&[
        "init",
        "--xlsx",
        form.to_str().unwrap(),
        "--department",
        "某某局",
        "--year",
        "2022",
    ]);
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let out = t.path().join("out");
    let s = run(&["build", form.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&s.stderr);
    assert_eq!(s.status.code(), Some(1), "{err}");
    assert!(
        err.contains("输入不完整") && err.contains("--draft"),
        "{err}"
    );
    assert!(err.contains("情况说明数据"), "names the sheet: {err}");
    assert!(!out.exists(), "nothing written");
    let s = run(&[
        "build",
        form.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--draft",
    ]);
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("class=\"draft\""));
    let text = Command::new("pdftotext")
        .args(["-layout", out.join("report.pdf").to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() > 3);
    for (i, p) in pages.iter().enumerate() {
        // Set at an angle, the two characters come out on lines of their own.
        assert!(
            p.contains('草') && p.contains('稿'),
            "page {} has no 草稿 mark",
            i + 1
        );
    }
    // The example is complete: no mark.
    let ex = t.path().join("ex");
    build(&ex);
    let html = std::fs::read_to_string(ex.join("report.html")).unwrap();
    assert!(!html.contains("class=\"draft\""));
    assert!(
        html.contains("<h1>2022年单位决算公开报告</h1>"),
        "the cover says what the title says"
    );
}

/// The Frictionless validator (PyPI `frictionless`; scripts/test.sh installs it in a
/// virtual environment and names it in `JUESUAN_FRICTIONLESS`), when present.
fn frictionless() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("JUESUAN_FRICTIONLESS") {
        return Some(PathBuf::from(p));
    }
    let found = Command::new("frictionless").arg("--version").output();
    found
        .is_ok_and(|o| o.status.success())
        .then(|| PathBuf::from("frictionless"))
}

/// The open data validates with Frictionless on a machine without network (the
/// validator resolves the package's profile from what it carries), as written and
/// with `--csv-bom` for Excel, whose CSV files start with a UTF-8 BOM.
#[test]
fn open_data_validates_with_frictionless_offline_with_and_without_bom() {
    let Some(validator) = frictionless() else {
        assert!(
            std::env::var_os("JUESUAN_REQUIRE_BROWSER").is_none(),
            "scripts/test.sh should have installed frictionless"
        );
        return;
    };
    let t = tempfile::tempdir().unwrap();
    let plain = t.path().join("plain");
    build(&plain);
    let bom = t.path().join("bom");
    let s = Command::new(env!("CARGO_BIN_EXE_juesuan"))
        .args([
            "build",
            root().join("examples/jincheng-amr-2022").to_str().unwrap(),
            "--format",
            "csv",
            "--csv-bom",
            "-o",
            bom.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let first = std::fs::read(bom.join("data/table-01.csv")).unwrap();
    assert!(first.starts_with(b"\xef\xbb\xbf"), "no BOM");
    assert!(
        !std::fs::read(plain.join("data/table-01.csv"))
            .unwrap()
            .starts_with(b"\xef\xbb\xbf")
    );
    for dir in [&plain, &bom] {
        let o = Command::new(&validator)
            .args(["validate", "datapackage.json"])
            .current_dir(dir.join("data"))
            // No network: a proxy that does not exist makes any fetch fail at once.
            .env("HTTP_PROXY", "http://127.0.0.1:9")
            .env("HTTPS_PROXY", "http://127.0.0.1:9")
            .env("http_proxy", "http://127.0.0.1:9")
            .env("https_proxy", "http://127.0.0.1:9")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{}: {out}{}",
            dir.display(),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!out.contains("INVALID"), "{out}");
    }
}
