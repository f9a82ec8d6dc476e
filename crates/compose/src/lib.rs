//! Composition: everything computed for presentation — the narrative sentences
//! from the profile's templates and the figures, the table views — into one
//! neutral [`Document`] that every renderer turns into bytes.
//!
//! Pipeline position: report + tables → **compose** → `Document` → render.
//! Renderers never compute a number; all rounding happens here or in the model.

mod compare;
mod doc;
mod narrative;
mod numerals;
mod project;
mod views;

pub use compare::{
    DiffKind, Difference, SectionText, diff, document_sections, marked, narrative_diffs,
    our_sections, stated_sections,
};
pub use doc::{
    Block, Chart, ChartKind, ChartSeries, Document, HeaderCell, Part, RowStyle, TableView,
    ViewCell, ViewRow,
};
pub use narrative::{ComposeError, ProjectParts, Rendered, Section, render, render_line};
pub use numerals::chinese;
pub use project::{ProjectView, budget_table, indicator_table, project_view};
pub use views::view;

use juesuan_model::Report;
use juesuan_profile::Profile;
use juesuan_tables::Derived;

/// The report title: as the input states it, else the profile's.
pub fn title(report: &Report, profile: &Profile) -> String {
    report
        .meta
        .title
        .clone()
        .unwrap_or_else(|| render_line(&profile.title, report))
}

fn section_blocks(part: &str, sections: Vec<Section>) -> Vec<Block> {
    let mut out = Vec::new();
    for (i, s) in sections.into_iter().enumerate() {
        out.push(Block::Heading {
            level: 2,
            text: s.title,
            anchor: format!("{part}-{}", i + 1),
            toc: None,
        });
        out.extend(s.blocks);
    }
    out
}

/// Composes the whole report. 第五部分 (project self-evaluations) is a placeholder
/// until the performance module fills it.
pub fn compose(
    report: &Report,
    profile: &Profile,
    derived: &Derived,
) -> Result<Document, ComposeError> {
    let empty: Vec<String> = derived
        .tables
        .tables
        .iter()
        .filter(|t| t.is_empty())
        .map(|t| t.id.clone())
        .collect();
    let projects: Vec<ProjectParts> = report
        .projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let e = juesuan_perf::evaluate(p, &profile.performance);
            ProjectParts {
                view: project_view(i + 1, p, &e),
                budget: budget_table(i + 1, p, &e),
                indicators: indicator_table(i + 1, p),
            }
        })
        .collect();
    let rendered = render(report, profile, &derived.figures, empty, &projects)?;
    let mut overview = Some(rendered.overview);
    let mut narrative = Some(rendered.narrative);
    let mut attachments = Some(rendered.projects);
    let mut parts = Vec::new();
    for p in &profile.parts {
        let blocks = match p.id.as_str() {
            "overview" => section_blocks("overview", overview.take().unwrap_or_default()),
            "narrative" => section_blocks("narrative", narrative.take().unwrap_or_default()),
            "tables" => derived
                .tables
                .tables
                .iter()
                .filter_map(|t| {
                    profile
                        .table(&t.id)
                        .map(|def| Block::Table(Box::new(view(t, def, report))))
                })
                .collect(),
            "glossary" => profile
                .glossary
                .iter()
                .enumerate()
                .map(|(i, g)| Block::Paragraph {
                    text: format!(
                        "{}、{}：{}",
                        chinese(u32::try_from(i + 1).unwrap_or(0)),
                        g.term,
                        g.text
                    ),
                })
                .collect(),
            _ => attachments.take().unwrap_or_default(),
        };
        parts.push(Part {
            id: p.id.clone(),
            title: render_line(&p.title, report),
            blocks,
        });
    }
    Ok(Document {
        title: title(report, profile),
        department: report.meta.department.clone(),
        year: report.meta.year,
        profile: profile.id.clone(),
        parts,
        draft: false,
        fonts: profile.fonts.clone(),
    })
}
