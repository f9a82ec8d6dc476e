//! Document → one self-contained HTML file: readable on a phone (tables scroll
//! sideways), printable (A4, each part and table on its own page, wide tables on
//! landscape pages, header rows repeated across pages).

use juesuan_compose::{Block, Document, HeaderCell, RowStyle, TableView, ViewCell};
use std::fmt::Write;

const CSS: &str = include_str!("report.css");

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn span_attrs(colspan: u32, rowspan: u32) -> String {
    let mut s = String::new();
    if colspan > 1 {
        let _ = write!(s, " colspan=\"{colspan}\"");
    }
    if rowspan > 1 {
        let _ = write!(s, " rowspan=\"{rowspan}\"");
    }
    s
}

fn header_row(out: &mut String, cells: &[HeaderCell], class: &str) {
    let _ = write!(out, "<tr class=\"{class}\">");
    for c in cells {
        let _ = write!(
            out,
            "<th{}>{}</th>",
            span_attrs(c.colspan, c.rowspan),
            esc(&c.text)
        );
    }
    out.push_str("</tr>\n");
}

fn cell(out: &mut String, c: &ViewCell, t: &TableView) {
    match c {
        ViewCell::Text {
            text,
            indent,
            colspan,
            rowspan,
        } => {
            let cls = if *indent > 0 {
                format!(" class=\"label i{indent}\"")
            } else {
                " class=\"label\"".to_string()
            };
            let _ = write!(
                out,
                "<td{cls}{}>{}</td>",
                span_attrs(*colspan, *rowspan),
                esc(text)
            );
        }
        ViewCell::Code(code) => {
            let _ = write!(out, "<td class=\"code\">{}</td>", esc(code));
        }
        ViewCell::Link { text, href } => {
            let _ = write!(
                out,
                "<td class=\"label\"><a href=\"{}\">{}</a></td>",
                esc(href),
                esc(text)
            );
        }
        ViewCell::Line(n) => {
            let _ = write!(out, "<td class=\"line\">{n}</td>");
        }
        ViewCell::Amount(m) => {
            let _ = write!(out, "<td class=\"num\">{}</td>", m.display(t.unit, true));
        }
        ViewCell::Count(n) => {
            let _ = write!(out, "<td class=\"num\">{n}</td>");
        }
        ViewCell::Score(p) => {
            let _ = write!(out, "<td class=\"num\">{p}</td>");
        }
        ViewCell::Rate(p) => {
            let _ = write!(out, "<td class=\"num\">{p}</td>");
        }
        ViewCell::Empty => out.push_str("<td></td>"),
        ViewCell::NotApplicable => out.push_str("<td class=\"na\">────</td>"),
    }
}

fn body(out: &mut String, t: &TableView) {
    for r in &t.rows {
        let class = match r.style {
            RowStyle::Total => " class=\"total\"",
            RowStyle::Class => " class=\"class\"",
            RowStyle::Section => " class=\"section\"",
            RowStyle::Heading => " class=\"heading\"",
            RowStyle::Item => "",
        };
        let _ = write!(out, "<tr{class}>");
        for c in &r.cells {
            cell(out, c, t);
        }
        out.push_str("</tr>\n");
    }
}

/// One table as an HTML fragment, as the report page prints it (for pages that
/// show a table outside a report, such as the comparison of departments).
pub fn table_fragment(t: &TableView) -> String {
    let mut out = String::new();
    table(&mut out, t);
    out
}

fn table(out: &mut String, t: &TableView) {
    if t.number.is_empty() {
        // A table inside a text (the project reports): no caption block of its own.
        out.push_str("<div class=\"scroll inline\"><table>\n<thead>\n");
        for r in &t.header {
            header_row(out, r, "h");
        }
        out.push_str("</thead>\n<tbody>\n");
        body(out, t);
        out.push_str("</tbody>\n</table></div>\n");
        return;
    }
    let landscape = if t.landscape { " landscape" } else { "" };
    let _ = write!(
        out,
        "<section class=\"table{landscape}\" id=\"t{id}\">\n<div class=\"tnum\">{num}</div>\n<h3 class=\"ttitle\">{title}</h3>\n\
         <div class=\"tmeta\"><span>{org}</span><span>{year}</span><span>{unit}</span></div>\n<div class=\"scroll\"><table>\n<thead>\n",
        id = esc(&t.id),
        num = esc(&t.number),
        title = esc(&t.title),
        org = esc(&t.org_line),
        year = esc(&t.year_line),
        unit = esc(&t.unit_line),
    );
    for r in &t.header {
        header_row(out, r, "h");
    }
    if let Some(n) = &t.numbers {
        header_row(out, n, "colno");
    }
    out.push_str("</thead>\n<tbody>\n");
    body(out, t);
    out.push_str("</tbody>\n</table></div>\n");
    if let Some(n) = &t.note {
        let _ = writeln!(out, "<p class=\"tnote\">{}</p>", esc(n));
    }
    if let Some(n) = &t.empty_note {
        let _ = writeln!(out, "<p class=\"tnote empty\">{}</p>", esc(n));
    }
    out.push_str("</section>\n");
}

/// Renders the document as one HTML page.
pub fn render(doc: &Document) -> String {
    let mut out = String::with_capacity(256 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"juesuan {version}\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = esc(&doc.title),
    );
    let _ = write!(
        out,
        "{draft}<header class=\"cover\">\n<p class=\"dept\">{dept}</p>\n<h1>{cover}</h1>\n<p class=\"subtitle\">{title}</p>\n</header>\n",
        draft = if doc.draft {
            "<p class=\"draft\">草稿：输入不完整，不得作为公开报告</p>\n"
        } else {
            ""
        },
        dept = esc(&doc.department),
        cover = esc(doc.cover_line()),
        title = esc(&doc.title),
    );
    // Table of contents.
    out.push_str("<nav class=\"toc\">\n<h2>目录</h2>\n<ol>\n");
    for p in &doc.parts {
        let _ = write!(out, "<li><a href=\"#{}\">{}</a>", esc(&p.id), esc(&p.title));
        let subs: Vec<(String, String)> = p
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading {
                    level: 2,
                    text,
                    anchor,
                    toc,
                } => Some((anchor.clone(), toc.clone().unwrap_or_else(|| text.clone()))),
                Block::Table(t) if !t.number.is_empty() => {
                    Some((format!("t{}", t.id), format!("{} {}", t.number, t.title)))
                }
                _ => None,
            })
            .collect();
        if !subs.is_empty() {
            out.push_str("\n<ol>");
            for (a, t) in subs {
                let _ = write!(out, "<li><a href=\"#{}\">{}</a></li>", esc(&a), esc(&t));
            }
            out.push_str("</ol>\n");
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ol>\n</nav>\n<main>\n");
    for p in &doc.parts {
        let _ = write!(
            out,
            "<section class=\"part\" id=\"{}\">\n<h2 class=\"part-title\">{}</h2>\n",
            esc(&p.id),
            esc(&p.title)
        );
        for b in &p.blocks {
            match b {
                Block::Heading {
                    level,
                    text,
                    anchor,
                    ..
                } => {
                    let tag = match level {
                        0..=2 => "h3",
                        3 => "h4",
                        _ => "h5",
                    };
                    let _ = writeln!(out, "<{tag} id=\"{}\">{}</{tag}>", esc(anchor), esc(text));
                }
                Block::Paragraph { text } => {
                    let _ = writeln!(out, "<p>{}</p>", esc(text));
                }
                Block::Table(t) => table(&mut out, t),
                Block::Chart(c) => {
                    let _ = writeln!(
                        out,
                        "<figure class=\"chart\" id=\"chart-{}\">{}</figure>",
                        esc(&c.id),
                        crate::chart::svg(c)
                    );
                }
                Block::PageBreak => out.push_str("<div class=\"pagebreak\"></div>\n"),
            }
        }
        out.push_str("</section>\n");
    }
    let _ = write!(
        out,
        "</main>\n<footer><p>{}</p></footer>\n</body>\n</html>\n",
        esc(&doc.title)
    );
    out
}
