//! Open data: one tidy CSV per table (one row per figure: row identity × column, the
//! amount in 元 with two decimals) and a `datapackage.json` describing the files in
//! the style of a Frictionless Fiscal Data Package (fields, units, classification
//! columns, fiscal period).
//!
//! Every figure comes from the exact table cells (fen), never from a rounded view.
//! Blank cells of a figure count as 0.00, as in the printed tables; cells the
//! template marks "────" or keeps blank are left out.

use juesuan_model::{AmountUnit, Num, Report, RowKey, RowKind, TableSet};
use serde_json::{Value, json};

/// The CSV header, in order. Each is described in `datapackage.json`.
const FIELDS: &[(&str, &str, &str, &str)] = &[
    // (name, type, title, description)
    ("department", "string", "部门名称", "Reporting department."),
    (
        "year",
        "year",
        "决算年度",
        "Fiscal year the figures are for.",
    ),
    (
        "table",
        "string",
        "表号",
        "Table number as printed (公开01表 …).",
    ),
    (
        "panel",
        "string",
        "栏目",
        "Side of a two-sided table (收入 / 支出); empty otherwise.",
    ),
    (
        "line",
        "integer",
        "行次",
        "Printed line number, when the table has one; for a table that prints none (上海 2024), the row's number in the template, which identifies it.",
    ),
    (
        "row_kind",
        "string",
        "行类型",
        "total, class (类), section (款), item (项 or plain row), heading.",
    ),
    (
        "functional_code",
        "string",
        "支出功能分类科目编码",
        "Functional classification code (3, 5 or 7 digits), when the row is one.",
    ),
    (
        "functional_class",
        "string",
        "功能分类类级编码",
        "The 3-digit 类 the functional code belongs to.",
    ),
    (
        "economic_code",
        "string",
        "支出经济分类科目编码",
        "Economic classification code (3 or 5 digits), when the row is one.",
    ),
    (
        "economic_class",
        "string",
        "经济分类类级编码",
        "The 3-digit 类 the economic code belongs to.",
    ),
    ("label", "string", "项目/科目名称", "Row label as printed."),
    ("column", "string", "列名", "Column header as printed."),
    (
        "column_number",
        "integer",
        "栏次",
        "Printed column number, when the table has one.",
    ),
    (
        "measure",
        "string",
        "数据项",
        "Juesuan's identifier of the figure (measure@scope), stable across years.",
    ),
    (
        "amount",
        "number",
        "金额（元）",
        "Amount in yuan with two decimals (exact; no thousands separators). Empty for counts.",
    ),
    (
        "count",
        "integer",
        "数量",
        "Count (vehicles, items), for count figures. Empty for amounts.",
    ),
];

fn kind(k: RowKind) -> &'static str {
    match k {
        RowKind::Total => "total",
        RowKind::Class => "class",
        RowKind::Section => "section",
        RowKind::Item | RowKind::Blank => "item",
        RowKind::Heading => "heading",
    }
}

/// The CSV file name of a table.
pub fn file_name(id: &str) -> String {
    format!("table-{id}.csv")
}

/// The row's 行次, or its identity number in a table that prints none.
fn line_id(r: &juesuan_model::Row) -> Option<u32> {
    r.line.or(match r.key {
        RowKey::Line(n) => Some(n),
        _ => None,
    })
}

/// A text cell made safe for spreadsheet programs (OWASP, "CSV Injection"): a cell
/// starting with `=`, `+`, `-`, `@`, tab or carriage return would be taken by Excel
/// as a formula, so it gets a leading `'`. Only text columns go through this;
/// amounts and counts are numbers and stay as they are. Shared by every CSV
/// Juesuan writes (open data, the audit's batch summary).
pub fn csv_text(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// The open-data files, as (path relative to the output directory, bytes):
/// `data/table-01.csv` … and `data/datapackage.json`.
pub fn render(report: &Report, tables: &TableSet) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::new();
    let mut resources = Vec::new();
    let year = report.meta.year.to_string();
    for t in &tables.tables {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let header: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        w.write_record(&header).map_err(|e| e.to_string())?;
        let mut rows = 0usize;
        for p in &t.panels {
            for r in &p.rows {
                if r.kind == RowKind::Blank {
                    continue;
                }
                let (fcode, fclass, ecode, eclass) = match &r.key {
                    RowKey::Fn(c) => (
                        c.to_string(),
                        c.class().to_string(),
                        String::new(),
                        String::new(),
                    ),
                    RowKey::Econ(c) => (
                        String::new(),
                        String::new(),
                        c.to_string(),
                        c.class().to_string(),
                    ),
                    _ => Default::default(),
                };
                for (c, col) in r.cells.iter().zip(&p.columns) {
                    if c.not_applicable || (c.key.is_none() && c.value.is_none()) {
                        continue;
                    }
                    let (amount, count) = match c.value {
                        Some(Num::Count(n)) => (String::new(), n.to_string()),
                        Some(Num::Money(m)) => (m.display(AmountUnit::Yuan, false), String::new()),
                        None if c
                            .key
                            .as_ref()
                            .is_some_and(|k| k.measure.kind() == juesuan_model::NumKind::Count) =>
                        {
                            (String::new(), "0".to_string())
                        }
                        None => ("0.00".to_string(), String::new()),
                    };
                    let (department, table, panel) = (
                        csv_text(&report.meta.department),
                        csv_text(&t.number),
                        csv_text(p.name.as_deref().unwrap_or("")),
                    );
                    let (label, column) = (csv_text(&r.label), csv_text(&col.label));
                    let record = [
                        &*department,
                        year.as_str(),
                        &*table,
                        &*panel,
                        &line_id(r).map(|l| l.to_string()).unwrap_or_default(),
                        kind(r.kind),
                        &fcode,
                        &fclass,
                        &ecode,
                        &eclass,
                        &*label,
                        &*column,
                        &col.number.map(|n| n.to_string()).unwrap_or_default(),
                        &c.key.as_ref().map(ToString::to_string).unwrap_or_default(),
                        &amount,
                        &count,
                    ];
                    w.write_record(record).map_err(|e| e.to_string())?;
                    rows += 1;
                }
            }
        }
        let bytes = w.into_inner().map_err(|e| e.to_string())?;
        let name = file_name(&t.id);
        resources.push(resource(t, &name, rows));
        files.push((format!("data/{name}"), bytes));
    }
    let package = json!({
        // A Tabular Data Package, whose schema validators carry with them (the
        // "fiscal-data-package" profile made them fetch one from the web, and fail
        // offline); `model` below is the Fiscal Data Package's, which they pass over.
        "profile": "tabular-data-package",
        "name": format!("juesuan-{}-{}", report.meta.year, slug(&report.meta.department)),
        "title": format!("{}{}年度部门决算公开数据", report.meta.department, report.meta.year),
        "description": "部门决算公开报告的十张公开表，每行一个数字（行 × 栏），金额以元计、保留两位小数，由 Juesuan 从决算数据生成。",
        "language": "zh-CN",
        "countryCode": "CN",
        "currency": "CNY",
        "fiscalPeriod": { "start": format!("{}-01-01", report.meta.year), "end": format!("{}-12-31", report.meta.year) },
        "granularity": "aggregated",
        "status": "final",
        "publisher": report.meta.department,
        "generator": format!("juesuan {}", env!("CARGO_PKG_VERSION")),
        "model": {
            "measures": {
                "amount": { "source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）" }
            },
            "dimensions": {
                "table": { "dimensionType": "other", "primaryKey": ["table"], "attributes": { "table": { "source": "table" } } },
                "row": {
                    "dimensionType": "other",
                    "primaryKey": ["panel", "line", "label"],
                    "attributes": {
                        "panel": { "source": "panel" },
                        "line": { "source": "line" },
                        "label": { "source": "label" },
                        "row_kind": { "source": "row_kind" }
                    }
                },
                "functional-classification": {
                    "dimensionType": "classification",
                    "classificationType": "functional",
                    "primaryKey": ["functional_code"],
                    "attributes": {
                        "functional_code": { "source": "functional_code", "title": "支出功能分类科目编码" },
                        "functional_class": { "source": "functional_class", "parent": "functional_code", "title": "类" }
                    }
                },
                "economic-classification": {
                    "dimensionType": "classification",
                    "classificationType": "economic",
                    "primaryKey": ["economic_code"],
                    "attributes": {
                        "economic_code": { "source": "economic_code", "title": "支出经济分类科目编码" },
                        "economic_class": { "source": "economic_class", "parent": "economic_code", "title": "类" }
                    }
                },
                "column": {
                    "dimensionType": "other",
                    "primaryKey": ["column"],
                    "attributes": { "column": { "source": "column" }, "column_number": { "source": "column_number" } }
                }
            }
        },
        "resources": resources,
    });
    let mut json = serde_json::to_string_pretty(&package).map_err(|e| e.to_string())?;
    json.push('\n');
    files.push(("data/datapackage.json".to_string(), json.into_bytes()));
    Ok(files)
}

/// The UTF-8 byte-order mark: Excel on Windows reads a CSV as the system's code
/// page (GBK) unless it starts with one.
pub const BOM: &[u8] = "\u{feff}".as_bytes();

/// Starts a CSV file with [`BOM`] (once).
pub fn prepend_bom(bytes: &mut Vec<u8>) {
    if !bytes.starts_with(BOM) {
        bytes.splice(0..0, BOM.iter().copied());
    }
}

/// The open data for Excel users (`--csv-bom`): every `data/*.csv` of `files`
/// (as [`render`] made them) starts with [`BOM`], and the data package says so —
/// its resources' `encoding` becomes `utf-8-sig`, the name Python (and so the
/// Frictionless validator) gives UTF-8 with a BOM.
pub fn with_bom(files: &mut [(String, Vec<u8>)]) -> Result<(), String> {
    for (name, bytes) in files.iter_mut() {
        if name.starts_with("data/") && name.ends_with(".csv") {
            prepend_bom(bytes);
        } else if name == "data/datapackage.json" {
            let mut package: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
            if let Some(resources) = package["resources"].as_array_mut() {
                for r in resources {
                    r["encoding"] = json!("utf-8-sig");
                }
            }
            let mut json = serde_json::to_string_pretty(&package).map_err(|e| e.to_string())?;
            json.push('\n');
            *bytes = json.into_bytes();
        }
    }
    Ok(())
}

fn resource(t: &juesuan_model::Table, path: &str, rows: usize) -> Value {
    let fields: Vec<Value> = FIELDS
        .iter()
        .map(|(name, ty, title, description)| {
            let mut f =
                json!({ "name": name, "type": ty, "title": title, "description": description });
            if *name == "amount" {
                f["unit"] = json!("元");
                f["decimalChar"] = json!(".");
                f["groupChar"] = json!("");
            }
            if name.ends_with("_code") || name.ends_with("_class") {
                f["constraints"] = json!({ "pattern": "^$|^[0-9]{3}([0-9]{2}){0,2}$" });
            }
            f
        })
        .collect();
    json!({
        "profile": "tabular-data-resource",
        "name": path.trim_end_matches(".csv"),
        "path": path,
        "title": format!("{} {}", t.number, t.title),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "header": true },
        "rows": rows,
        "printedUnit": t.unit.label(),
        "schema": { "fields": fields, "missingValues": [""] },
    })
}

/// An ASCII-safe, stable name part for a department: the FNV-1a hash of its name.
fn slug(s: &str) -> String {
    let mut h: u32 = 2_166_136_261;
    for b in s.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
    }
    format!("{h:08x}")
}
