//! The whole model as JSON: inputs, every derived figure, the tables with their
//! relations, the composed text, and the findings. Documented in docs/JSON.md.
//! Amounts are strings in 元 with two decimals (never binary floats); keys are
//! sorted, so the same input always gives the same bytes.

use juesuan_compose::{Block, Document};
use juesuan_model::{Finding, Num, Report, TableSet};
use juesuan_tables::Figures;
use serde::Serialize;
use std::collections::BTreeMap;

/// Version of the JSON layout; bumped on any incompatible change.
pub const SCHEMA: &str = "juesuan/report@1";

#[derive(Serialize)]
struct Out<'a> {
    schema: &'static str,
    generator: String,
    title: &'a str,
    profile: &'a str,
    report: &'a Report,
    figures: BTreeMap<String, Num>,
    tables: &'a TableSet,
    text: Vec<TextPart<'a>>,
    findings: &'a [Finding],
}

#[derive(Serialize)]
struct TextPart<'a> {
    id: &'a str,
    title: &'a str,
    blocks: Vec<&'a Block>,
}

/// Renders the model, tables, text and findings as pretty-printed JSON.
pub fn render(
    report: &Report,
    figures: &Figures,
    tables: &TableSet,
    doc: &Document,
    findings: &[Finding],
) -> Result<String, serde_json::Error> {
    let out = Out {
        schema: SCHEMA,
        generator: format!("juesuan {}", env!("CARGO_PKG_VERSION")),
        title: &doc.title,
        profile: &doc.profile,
        report,
        figures: figures.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        tables,
        text: doc
            .parts
            .iter()
            .filter(|p| p.id != "tables")
            .map(|p| TextPart {
                id: &p.id,
                title: &p.title,
                blocks: p
                    .blocks
                    .iter()
                    .filter(|b| !matches!(b, Block::Table(_)))
                    .collect(),
            })
            .collect(),
        findings,
    };
    let mut s = serde_json::to_string_pretty(&out)?;
    s.push('\n');
    Ok(s)
}
