//! The cross-year rules for a whole city-year: 1,000 made-up departments, each
//! 2022 report checked against its 2021 report, on every core. Prints how long
//! the 2022 checks take with last year's report and without (the difference is
//! what the cross-year rules cost), and the findings, which must be none.
//!
//!   cargo bench -p juesuan-engine --bench city_year [-- departments]

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use juesuan_engine::sample;
use juesuan_engine::{Against, Loaded, check};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let (base, profile) = sample::example().unwrap();
    let t = Instant::now();
    let pairs: Vec<Vec<juesuan_model::Report>> = (0..n)
        .map(|i| {
            sample::years(
                &base,
                profile,
                &sample::department("基准市", i),
                i,
                &[2021, 2022],
                &[],
            )
        })
        .collect();
    println!(
        "made {n} departments × 2 years in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let chunk = n.div_ceil(threads);
    let t = Instant::now();
    let last: Vec<Loaded> = std::thread::scope(|s| {
        let parts: Vec<_> = pairs
            .chunks(chunk)
            .map(|c| {
                s.spawn(move || {
                    c.iter()
                        .map(|y| {
                            check(y[0].clone(), profile, false, None, Against::default())
                                .ok()
                                .unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap()).collect()
    });
    println!(
        "checked the 2021 reports in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let run = |with_previous: bool| {
        let t = Instant::now();
        let found: usize = std::thread::scope(|s| {
            let parts: Vec<_> = pairs
                .chunks(chunk)
                .zip(last.chunks(chunk))
                .map(|(c, l)| {
                    s.spawn(move || {
                        c.iter()
                            .zip(l)
                            .map(|(y, prev)| {
                                let against = Against {
                                    previous: with_previous.then_some((prev, "上年度报告")),
                                    ..Against::default()
                                };
                                let loaded = check(y[1].clone(), profile, false, None, against)
                                    .ok()
                                    .unwrap();
                                loaded
                                    .findings
                                    .iter()
                                    .filter(|f| f.rule.starts_with("XY-"))
                                    .count()
                            })
                            .sum::<usize>()
                    })
                })
                .collect();
            parts.into_iter().map(|p| p.join().unwrap()).sum()
        });
        (t.elapsed().as_secs_f64(), found)
    };
    let (without, _) = run(false);
    let (with, found) = run(true);
    println!(
        "checked the 2022 reports: {with:.2} s against last year's, {without:.2} s without ({threads} threads); cross-year findings: {found}"
    );
    assert_eq!(found, 0, "consistent years have no cross-year finding");
}
