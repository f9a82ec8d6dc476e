//! A city's reports at scale (issue 11): N made-up, consistent departments
//! (`engine::sample`: the example's figures times 8–14, renamed), of which every
//! third reports without its projects and every tenth carries a mistake (one
//! 项 of 公开05表 a yuan off, which XT-05-06 finds). Timed on every core:
//!
//! 1. each written as its Excel form (what a department downloads and fills);
//! 2. the bulk import: every workbook read back and checked by every rule, as
//!    an upload is (`engine::load_upload`);
//! 3. every report's HTML;
//! 4. every report's PDF, with the fonts loaded once for the process (what the
//!    platform's job queue does per publication).
//!
//!   cargo bench -p juesuan-engine --bench city_scale [-- departments [pdfs]]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use juesuan_engine::{Against, Format, Loaded, load_upload, render, sample};
use juesuan_model::{Money, Severity};
use std::time::Instant;

/// Runs `f` on every item, the items split over the cores; results in order.
fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let chunk = items.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(|| c.iter().map(&f).collect::<Vec<_>>()))
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    })
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let pdfs = args.get(1).copied().unwrap_or(n).min(n);
    let (base, profile) = sample::example().unwrap();
    let t = Instant::now();
    let reports: Vec<juesuan_model::Report> = (0..n)
        .map(|i| {
            let mut r = sample::years(
                &base,
                profile,
                &sample::department("基准市", i),
                i,
                &[2022],
                &[],
            )
            .pop()
            .unwrap();
            if i % 3 == 1 {
                r.projects.clear();
                r.narrative.lists.clear();
            }
            if i % 10 == 7 {
                // One 项 of 公开05表 a yuan off: the functional side no longer
                // equals the economic side.
                if let Some(m) = r
                    .facts
                    .functional
                    .values_mut()
                    .next()
                    .and_then(|row| row.values_mut().next())
                {
                    *m += Money::from_yuan(1);
                }
            }
            r
        })
        .collect();
    println!("made {n} departments in {:.2} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let books: Vec<Vec<u8>> = each(&reports, |r| juesuan_xlsx::form::form(r, profile).unwrap());
    let size: usize = books.iter().map(Vec::len).sum();
    println!(
        "wrote {n} Excel forms ({} MB) in {:.2} s",
        size / 1_000_000,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let loaded: Vec<Loaded> = each(&books, |b| {
        let Ok(l) = load_upload(b, "部门.xlsx", Against::default()) else {
            panic!("a generated workbook did not load")
        };
        l
    });
    let import = t.elapsed().as_secs_f64();
    let with_errors = loaded
        .iter()
        .filter(|l| l.findings.iter().any(|f| f.severity == Severity::Error))
        .count();
    let findings: usize = loaded.iter().map(|l| l.findings.len()).sum();
    println!(
        "bulk import: {n} workbooks read and checked by every rule in {import:.2} s \
         ({findings} findings; {with_errors} reports with errors)"
    );

    let t = Instant::now();
    let html: Vec<usize> = each(&loaded, |l| {
        render(l, &[Format::Html], None).unwrap().files[0].1.len()
    });
    println!(
        "HTML: {n} reports ({} MB) in {:.2} s",
        html.iter().sum::<usize>() / 1_000_000,
        t.elapsed().as_secs_f64()
    );

    println!("memory before the PDFs: {}", peak());
    let t = Instant::now();
    let fonts = juesuan_pdf::load_fonts(&[], false).unwrap();
    println!("fonts loaded once in {:.2} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let pages: Vec<usize> = each(&loaded[..pdfs], |l| {
        let out = render(l, &[Format::Pdf], Some(fonts.clone())).unwrap();
        out.files[0].1.len()
    });
    println!(
        "PDF: {pdfs} reports ({} MB) in {:.2} s",
        pages.iter().sum::<usize>() / 1_000_000,
        t.elapsed().as_secs_f64()
    );
    println!("memory: {}", peak());
}

/// The process's peak and current resident memory (Linux), as /proc states them.
fn peak() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join(", ")
}
