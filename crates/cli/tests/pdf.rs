#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test code: a failed unwrap is a failed test"
)]
//! The PDF of the example, read back as a reader's tools see it (`pdftotext -layout`,
//! `pdffonts`, `pdfinfo` from poppler, which the test command installs): every figure
//! of every seed table is on the pages of its own table, the contents' page numbers
//! point at their headings, the footers count the pages, and the fonts are embedded
//! subsets.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One build of the example's PDF for all tests here.
fn pdf() -> &'static Path {
    static BUILT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &BUILT
        .get_or_init(|| {
            let t = tempfile::tempdir().unwrap();
            let s = Command::new(env!("CARGO_BIN_EXE_juesuan"))
                .args([
                    "build",
                    root().join("examples/jincheng-amr-2022").to_str().unwrap(),
                    "-o",
                    t.path().to_str().unwrap(),
                    "--format",
                    "pdf",
                ])
                .output()
                .unwrap();
            assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
            let path = t.path().join("report.pdf");
            (t, path)
        })
        .1
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed (poppler-utils; scripts/test.sh installs it): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of every page, in order (pdftotext separates pages by form feeds).
fn pages() -> &'static [String] {
    static PAGES: OnceLock<Vec<String>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let text = poppler("pdftotext", &["-layout", pdf().to_str().unwrap(), "-"]);
        let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
        if pages.last().is_some_and(|p| p.trim().is_empty()) {
            pages.pop();
        }
        pages
    })
}

/// The printed page number of a page: its footer `-N-`.
fn footer(page: &str) -> Option<u32> {
    page.lines().rev().find_map(|l| {
        let t = l.trim();
        t.strip_prefix('-')?.strip_suffix('-')?.parse().ok()
    })
}

/// Index of the first page of table `id` (its number and its 部门/单位名称 line).
fn table_start(id: &str) -> usize {
    pages()
        .iter()
        .position(|p| p.contains(&format!("公开{id}表")) && p.contains("名称："))
        .unwrap_or_else(|| panic!("公开{id}表 not found"))
}

#[test]
fn every_seed_figure_is_on_the_pages_of_its_table() {
    let seed = root().join("../shared/seed/structured");
    let ids = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10"];
    let narrative = pages()
        .iter()
        .position(|p| p.contains("第三部分 情况说明") && footer(p).is_some())
        .unwrap();
    for (i, id) in ids.iter().enumerate() {
        let start = table_start(id);
        let end = ids.get(i + 1).map_or(narrative, |n| table_start(n));
        assert!(start < end, "公开{id}表 has no pages");
        let text = pages()[start..end].join("\n");
        let file = match *id {
            "01" => "t01_shouru_zhichu_zongbiao.csv",
            "02" => "t02_shouru_juesuan.csv",
            "03" => "t03_zhichu_juesuan.csv",
            "04" => "t04_caizheng_bokuan_zongbiao.csv",
            "05" => "t05_yiban_gonggong_zhichu.csv",
            "06" => "t06_yiban_gonggong_mingxi.csv",
            "07" => "t07_sangong.csv",
            "10" => "t10_xiangguan_xinxi.csv",
            _ => {
                assert!(
                    text.contains("说明：本表无数据"),
                    "公开{id}表 not marked empty"
                );
                continue;
            }
        };
        let mut r = csv::Reader::from_path(seed.join(file)).unwrap();
        let mut n = 0;
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                if cell.len() > 3
                    && cell.contains('.')
                    && cell.chars().all(|c| c.is_ascii_digit() || c == '.')
                {
                    let shown = juesuan_model::Money::parse(cell).unwrap().yuan();
                    assert!(
                        text.contains(&shown),
                        "公开{id}表 (pages {start}–{end}) lacks {shown}"
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 0, "no figures compared for 公开{id}表");
    }
}

#[test]
fn contents_page_numbers_point_at_their_headings() {
    let pages = pages();
    let contents = pages
        .iter()
        .position(|p| p.contains("目        录") || p.contains("目 录"))
        .unwrap();
    // Entries look like `  公开01表 收入支出决算总表 . . . . . 3`.
    let mut entries = Vec::new();
    for line in pages[contents].lines() {
        let t = line.trim();
        let Some((head, num)) = t.rsplit_once(' ') else {
            continue;
        };
        let Ok(n) = num.parse::<u32>() else { continue };
        let title = head.trim_end_matches([' ', '.']).trim();
        if !title.is_empty() {
            entries.push((title.to_string(), n));
        }
    }
    assert!(
        entries.len() >= 40,
        "only {} contents entries",
        entries.len()
    );
    for (title, n) in &entries {
        let page = pages
            .iter()
            .find(|p| footer(p) == Some(*n))
            .unwrap_or_else(|| panic!("no page numbered -{n}- for “{title}”"));
        // A table's entry is `公开01表 收入支出决算总表`: the page shows both parts.
        for part in title.split(' ').filter(|s| !s.is_empty()) {
            assert!(
                page.contains(part),
                "page -{n}- does not show “{part}” of “{title}”"
            );
        }
    }
}

#[test]
fn footers_count_every_page_after_the_contents() {
    let pages = pages();
    let info = poppler("pdfinfo", &[pdf().to_str().unwrap()]);
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(count, pages.len());
    // Cover and contents carry no number; the rest are -1- … -N- in order, each with
    // the report title beneath.
    assert_eq!(footer(&pages[0]), None);
    assert_eq!(footer(&pages[1]), None);
    for (i, p) in pages.iter().enumerate().skip(2) {
        assert_eq!(
            footer(p),
            Some(u32::try_from(i - 1).unwrap()),
            "page {}",
            i + 1
        );
        assert!(
            p.contains("晋城市市场监督管理局2022年单位决算公开报告"),
            "page {}",
            i + 1
        );
    }
    assert!(
        pages[0].contains("晋城市市场监督管理局") && pages[0].contains("2022年单位决算公开报告")
    );
}

/// Width and height of a page (1-based), in points.
fn page_size(n: usize) -> (f64, f64) {
    let info = poppler(
        "pdfinfo",
        &[
            "-f",
            &n.to_string(),
            "-l",
            &n.to_string(),
            pdf().to_str().unwrap(),
        ],
    );
    let line = info.lines().find(|l| l.contains(" size:")).unwrap();
    let nums: Vec<f64> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[nums.len() - 2], nums[nums.len() - 1])
}

#[test]
fn the_wide_table_is_on_landscape_pages_and_the_rest_portrait() {
    let (w, h) = page_size(table_start("06") + 1);
    assert!(w > h, "公开06表 is not landscape: {w} x {h}");
    for id in ["01", "03", "10"] {
        let (w, h) = page_size(table_start(id) + 1);
        assert!(w < h, "公开{id}表 is not portrait: {w} x {h}");
    }
}

#[test]
fn fonts_are_embedded_subsets_with_unicode_maps() {
    let fonts = poppler("pdffonts", &[pdf().to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for r in rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type… emb sub uni object-id generation
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{r}");
    }
}

#[test]
fn the_five_parts_and_all_fourteen_projects_are_there() {
    let all = pages().join("\n");
    for part in [
        "第一部分 概况",
        "第二部分 2022年部门决算表",
        "第三部分 情况说明",
        "第四部分 名词解释",
        "第五部分 附件",
    ] {
        assert!(all.contains(part), "{part}");
    }
    assert_eq!(all.matches("项目支出绩效自评分析报告").count(), 14);
}
