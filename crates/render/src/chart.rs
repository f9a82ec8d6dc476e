//! Charts as SVG: the same drawing goes inline into the HTML and, through Typst, into
//! the PDF. Every number printed on a chart is a label computed by `compose` (万元
//! rounded once, shares from exact fen); this module only turns values into geometry.

#![allow(
    clippy::float_arithmetic,
    reason = "drawing coordinates, not money: amounts arrive as exact fen and their printed labels are computed elsewhere"
)]

use crate::html::esc;
use juesuan_compose::{Chart, ChartKind};
use std::fmt::Write as _;

/// Width of every chart, in SVG user units (pixels at 100%).
pub const WIDTH: f64 = 640.0;

/// Hei-style where installed; in the PDF without it, the embedded Song-style face
/// (the embedded Hei face is bold only, for headings).
const FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, Juesuan Serif SC, Microsoft YaHei, sans-serif";

/// Fill colours, in order: restrained, distinguishable in grey print.
const PALETTE: &[&str] = &[
    "#2f5597", "#c55a11", "#7f7f7f", "#bf9000", "#548235", "#7030a0", "#9dc3e6", "#f4b183",
    "#c9c9c9", "#ffd966",
];

fn color(i: usize) -> &'static str {
    PALETTE.get(i % PALETTE.len()).copied().unwrap_or("#2f5597")
}

/// Fen as a float for geometry only.
fn amount(m: juesuan_model::Money) -> f64 {
    m.fen() as f64
}

/// Approximate width of a label in user units at `size`: CJK glyphs are square, Latin
/// and digits about half.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars()
        .map(|c| if c.is_ascii() { 0.55 } else { 1.0 })
        .sum::<f64>()
        * size
}

fn open(out: &mut String, height: f64, title: &str) {
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0} {height:.0}" width="{WIDTH:.0}" height="{height:.0}" font-family="{FONT}" role="img" aria-label="{t}"><title>{t}</title><rect width="100%" height="100%" fill="#ffffff"/><text x="{x:.1}" y="22" font-size="14" font-weight="bold" text-anchor="middle" fill="#222222">{t}</text>"##,
        x = WIDTH / 2.0,
        t = esc(title)
    );
}

/// The SVG of a chart.
pub fn svg(chart: &Chart) -> String {
    match chart.kind {
        ChartKind::Pie => pie(chart),
        ChartKind::Bars => bars(chart),
    }
}

fn pie(chart: &Chart) -> String {
    let Some(series) = chart.series.first() else {
        return String::new();
    };
    let n = chart.categories.len();
    let row = 22.0;
    let height = (60.0 + row * n as f64).max(250.0);
    let (cx, cy, r) = (140.0, 40.0 + (height - 40.0) / 2.0, 95.0);
    let mut out = String::new();
    open(&mut out, height, &chart.title);
    let total: f64 = series.values.iter().map(|v| amount(*v)).sum();
    if total > 0.0 {
        let mut angle: f64 = 0.0;
        for (i, v) in series.values.iter().enumerate() {
            let share = amount(*v) / total;
            if share <= 0.0 {
                continue;
            }
            if share >= 0.999_999 {
                let _ = write!(
                    out,
                    r##"<circle cx="{cx:.1}" cy="{cy:.1}" r="{r:.1}" fill="{}" stroke="#ffffff" stroke-width="1"/>"##,
                    color(i)
                );
                continue;
            }
            let start = angle;
            angle += share * std::f64::consts::TAU;
            // Clockwise from twelve o'clock.
            let point = |a: f64| (cx + r * a.sin(), cy - r * a.cos());
            let (x0, y0) = point(start);
            let (x1, y1) = point(angle);
            let large = i32::from(share > 0.5);
            let _ = write!(
                out,
                r##"<path d="M{cx:.1},{cy:.1} L{x0:.2},{y0:.2} A{r:.1},{r:.1} 0 {large} 1 {x1:.2},{y1:.2} Z" fill="{}" stroke="#ffffff" stroke-width="1"/>"##,
                color(i)
            );
        }
    }
    // Legend: colour, name, amount, share.
    let top = cy - row * n as f64 / 2.0;
    let name_w = chart
        .categories
        .iter()
        .map(|c| text_width(c, 12.0))
        .fold(0.0, f64::max);
    let x = 270.0;
    let amount_x = (x + 20.0 + name_w + 16.0).min(WIDTH - 150.0);
    for (i, name) in chart.categories.iter().enumerate() {
        let y = top + row * i as f64;
        let label = series.labels.get(i).map_or("", String::as_str);
        let share = series.shares.get(i).map_or("", String::as_str);
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#222222">{}</text><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#222222">{}{}</text><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#555555">{}</text>"##,
            y + 4.0,
            color(i),
            x + 20.0,
            y + 14.5,
            esc(name),
            amount_x + 80.0,
            y + 14.5,
            esc(label),
            esc(&chart.unit),
            (amount_x + 80.0 + 64.0).min(WIDTH - 10.0),
            y + 14.5,
            esc(share),
        );
    }
    out.push_str("</svg>");
    out
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `v`.
fn nice(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= v)
        .unwrap_or(10.0 * p)
}

fn bars(chart: &Chart) -> String {
    let height = 300.0;
    let (left, right, top, bottom) = (70.0, WIDTH - 20.0, 56.0, height - 46.0);
    let mut out = String::new();
    open(&mut out, height, &chart.title);
    let max = chart
        .series
        .iter()
        .flat_map(|s| &s.values)
        .map(|v| amount(*v))
        .fold(0.0, f64::max);
    // Axis in 万元 (1 万元 = 1,000,000 fen), four intervals of a round step.
    let step = nice(max / 4.0 / 1_000_000.0) * 1_000_000.0;
    let intervals = (max / step).ceil().max(1.0);
    let top_value = step * intervals;
    let y_of = |v: f64| bottom - (v.max(0.0) / top_value) * (bottom - top);
    let ticks = intervals as i64;
    for t in 0..=ticks {
        let v = step * t as f64;
        let y = y_of(v);
        let wan = v / 1_000_000.0;
        let label = if wan.fract().abs() < 1e-9 {
            format!("{wan:.0}")
        } else {
            format!("{wan:.2}")
        };
        let _ = write!(
            out,
            r##"<line x1="{left:.1}" y1="{y:.1}" x2="{right:.1}" y2="{y:.1}" stroke="{}" stroke-width="0.6"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#555555">{label}</text>"##,
            if t == 0 { "#444444" } else { "#dddddd" },
            left - 6.0,
            y + 3.5
        );
    }
    let _ = write!(
        out,
        r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#555555">{}</text>"##,
        left - 6.0 - text_width(&chart.unit, 10.0) / 2.0,
        top - 10.0,
        esc(&chart.unit)
    );
    let n = chart.categories.len().max(1) as f64;
    let m = chart.series.len().max(1) as f64;
    let group = (right - left) / n;
    let bar = (group * 0.7 / m).min(56.0);
    for (ci, name) in chart.categories.iter().enumerate() {
        let gx = left + group * ci as f64 + (group - bar * m) / 2.0;
        for (si, s) in chart.series.iter().enumerate() {
            let v = s.values.get(ci).map_or(0.0, |v| amount(*v));
            let x = gx + bar * si as f64;
            let y = y_of(v);
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#222222">{}</text>"##,
                bar - 2.0,
                (bottom - y).max(0.0),
                color(si),
                x + (bar - 2.0) / 2.0,
                y - 4.0,
                esc(s.labels.get(ci).map_or("", String::as_str)),
            );
        }
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="middle" fill="#222222">{}</text>"##,
            left + group * (ci as f64 + 0.5),
            bottom + 18.0,
            esc(name)
        );
    }
    // Legend, centred under the axis.
    let widths: Vec<f64> = chart
        .series
        .iter()
        .map(|s| 18.0 + text_width(&s.name, 12.0) + 18.0)
        .collect();
    let mut x = (WIDTH - widths.iter().sum::<f64>()) / 2.0;
    for (si, s) in chart.series.iter().enumerate() {
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="12" fill="#222222">{}</text>"##,
            height - 20.0,
            color(si),
            x + 17.0,
            height - 9.5,
            esc(&s.name)
        );
        x += widths.get(si).copied().unwrap_or(0.0);
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use juesuan_compose::ChartSeries;
    use juesuan_model::Money;

    fn series(name: &str, fen: &[i64]) -> ChartSeries {
        ChartSeries {
            name: name.into(),
            values: fen.iter().map(|f| Money::from_fen(*f)).collect(),
            labels: fen.iter().map(|f| Money::from_fen(*f).wan()).collect(),
            shares: vec![],
        }
    }

    #[test]
    fn pie_has_a_slice_per_category_and_prints_the_labels() {
        let c = Chart {
            id: "x".into(),
            kind: ChartKind::Pie,
            title: "构成".into(),
            unit: "万元".into(),
            categories: vec!["基本支出".into(), "项目支出".into()],
            series: vec![series("本年", &[3_135_974_359, 1_323_307_242])],
        };
        let s = svg(&c);
        assert_eq!(s.matches("<path").count(), 2);
        assert!(s.contains("3135.97万元"));
        assert!(s.contains("1323.31万元"));
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
    }

    #[test]
    fn a_whole_pie_is_a_circle() {
        let c = Chart {
            id: "x".into(),
            kind: ChartKind::Pie,
            title: "t".into(),
            unit: "万元".into(),
            categories: vec!["财政拨款收入".into()],
            series: vec![series("本年", &[100])],
        };
        let s = svg(&c);
        assert_eq!(s.matches("<circle").count(), 1);
        assert_eq!(s.matches("<path").count(), 0);
    }

    #[test]
    fn bars_scale_to_the_largest_value_and_escape_text() {
        let c = Chart {
            id: "x".into(),
            kind: ChartKind::Bars,
            title: "A & B".into(),
            unit: "万元".into(),
            categories: vec!["收入总计".into(), "支出总计".into()],
            series: vec![
                series("2021年", &[5_121_486_920, 5_121_486_920]),
                series("2022年", &[4_461_449_101, 4_461_449_101]),
            ],
        };
        let s = svg(&c);
        assert!(s.contains("A &amp; B"));
        assert_eq!(s.matches("<rect x=").count(), 4 + 2);
        // The axis runs to a round step above the largest value: 6000 万元.
        assert!(s.contains(">6000</text>"), "{s}");
    }

    #[test]
    fn nice_steps() {
        assert!((nice(0.7) - 1.0).abs() < 1e-12);
        assert!((nice(1.3) - 2.0).abs() < 1e-12);
        assert!((nice(3.0) - 5.0).abs() < 1e-12);
        assert!((nice(1280.0) - 2000.0).abs() < 1e-9);
    }
}
