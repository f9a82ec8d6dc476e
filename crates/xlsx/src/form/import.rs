//! The workbook form → `Report`: the same report the text directory gives, with
//! every value's source a sheet and cell.
//!
//! Tolerant of what people do in spreadsheets: rows in any order, inserted and
//! blank rows, merged cells, amounts typed as text with thousands separators or
//! full-width digits, trailing spaces, 万元 instead of 元 in a sheet's unit
//! line, sheets renamed only in the width of their digits, columns found by
//! their 栏次 or header. Strict about what matters: exact fen, codes that exist,
//! every required sheet present. Every unusable cell is reported (all of them,
//! not only the first) as `sheet!cell：what was found, what was expected`.
//!
//! Derived cells (类、款、合计 rows, totals, most of 公开01/04表) are read only
//! when a value was typed over the formula: then the value is recorded as
//! stated and checked (rule `IN-DERIVED`), never used — as in the text form.

use super::book::{self, Book, Sheet};
use super::cell::{self, Cell, Unit, Value, cell_name, halfwidth, norm};
use super::layout::{
    self, BUDGET, BUDGET_COLS, CLASS_SHEET, ECON_CODE, FN_CODE, FnSheet, INDICATOR_COLS,
    INDICATORS, INFO, INFO_CODE, INFO_DEPARTMENT, INFO_DUTIES, INFO_OFFICES, INFO_PROFILE,
    INFO_TITLE, INFO_UNITS, INFO_YEAR, NARR_AMOUNTS, NARR_CLASS, NARR_COUNTS, NARR_ID,
    NARR_INITIAL, NARR_LAST_YEAR, NARR_LISTS, NARR_SCORES, NARR_TEXTS, NARRATIVE, PCol,
    PROJECT_COLS, PROJECTS, TEXT_COLS, TEXT_FIELDS, TEXTS,
};
use juesuan_ingest::{
    FN_FILES, InputError, InputErrors, NarrativeSection, did_you_mean, narrative_id,
};
use juesuan_model::{
    Actual, BudgetLine, Dec, EconFacts, EconomicCode, Facts, FnLevel, FunctionalCode, Indicator,
    Key, Measure, Meta, Money, NarrativeInputs, Num, NumKind, OrgUnit, Overview, Parsed, Project,
    ProjectStated, ProjectTexts, Report, SourceRef, Stated, Target, UnitKind,
};
use juesuan_profile::{Layout, PanelDef, Profile, normalize_name};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Reads a workbook form from a file. All errors found are returned together.
pub fn read_workbook(path: &Path) -> Result<(Report, &'static Profile), InputErrors> {
    let shown = path.display().to_string();
    // Regular file only (a FIFO or device named .xlsx is refused, never read), and
    // refused by its size before it is read into memory.
    let bytes = juesuan_ingest::guard::read_file_with(
        path,
        &shown,
        book::MAX_FILE_BYTES,
        &book::too_large,
    )?;
    read_workbook_bytes(&bytes, &shown)
}

/// Reads a workbook form from its bytes; `shown` names it in messages.
pub fn read_workbook_bytes(
    bytes: &[u8],
    shown: &str,
) -> Result<(Report, &'static Profile), InputErrors> {
    let book = book::open(bytes).map_err(|problems| {
        let mut errors = InputErrors::default();
        for p in problems {
            let src = match (p.sheet, p.cell) {
                (Some(sheet), Some(cell)) => SourceRef::cell(shown, sheet, cell),
                (Some(sheet), None) => SourceRef {
                    file: shown.to_string(),
                    sheet: Some(sheet),
                    ..SourceRef::default()
                },
                (None, _) => SourceRef::file(shown),
            };
            errors.push(InputError::at(src, p.message));
        }
        errors
    })?;
    let mut imp = Importer {
        shown,
        typed: BTreeSet::new(),
        book: &book,
        errors: InputErrors::default(),
        facts: Facts::default(),
        stated: Vec::new(),
        expected: Vec::new(),
    };
    let Some((meta, overview, profile)) = imp.info() else {
        return Err(imp.errors);
    };
    imp.expected = layout::expected_sheets(profile);
    let report = imp.rest(meta, overview, profile);
    // The checks every input format shares (years, names, counts, totals),
    // reported with the importer's own errors.
    if let Err(e) = juesuan_ingest::validate(&report) {
        imp.errors.0.extend(e.0);
    }
    if imp.errors.is_empty() {
        Ok((report, profile))
    } else {
        Err(imp.errors)
    }
}

/// Names meaning a total row.
fn is_total(s: &str) -> bool {
    matches!(norm(s).as_str(), "合计" | "总计" | "本年合计")
}

/// A note row under a table (`注：…`, `说明：…`).
fn is_note(s: &str) -> bool {
    let n = norm(s);
    n.starts_with("注：") || n.starts_with("说明：") || n.starts_with("注:")
}

struct Importer<'a> {
    shown: &'a str,
    /// Whole-department facts read so far: a later table showing one again
    /// shows it by formula, and a value typed there is only checked.
    typed: BTreeSet<Key>,
    book: &'a Book,
    errors: InputErrors,
    facts: Facts,
    stated: Vec<Stated>,
    /// The sheet names the form has (after 基本信息 tells the profile).
    expected: Vec<String>,
}

impl<'a> Importer<'a> {
    fn at(&self, sheet: &Sheet, row: u32, col: u32) -> SourceRef {
        SourceRef::cell(self.shown, &sheet.name, cell_name(row, col))
    }

    fn sheet_ref(&self, sheet: &str) -> SourceRef {
        SourceRef {
            file: self.shown.to_string(),
            sheet: Some(sheet.to_string()),
            ..SourceRef::default()
        }
    }

    fn err(&mut self, src: SourceRef, m: impl Into<String>) {
        self.errors.push(InputError::at(src, m));
    }

    fn cell_err(&mut self, sheet: &Sheet, row: u32, col: u32, m: impl Into<String>) {
        let src = self.at(sheet, row, col);
        self.err(src, m);
    }

    /// The sheet named `want` (ignoring spaces and the width of digits); a
    /// missing one is an error with the nearest name the workbook has.
    fn sheet(&mut self, want: &str) -> Option<&'a Sheet> {
        let book = self.book;
        if let Some(s) = book.sheets.iter().find(|s| s.name == want) {
            return Some(s);
        }
        let n = norm(want);
        if let Some(s) = book.sheets.iter().find(|s| norm(&s.name) == n) {
            return Some(s);
        }
        let expected: Vec<String> = self.expected.iter().map(|e| norm(e)).collect();
        let others: Vec<&str> = book
            .sheets
            .iter()
            .map(|s| s.name.as_str())
            .filter(|name| !expected.contains(&norm(name)))
            .collect();
        let all: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        let src = SourceRef::file(self.shown);
        self.err(
            src,
            format!(
                "缺少工作表“{want}”{}（工作簿中的工作表：{}）。工作表名称不要改动；可用 juesuan init 生成空白工作簿对照",
                did_you_mean(want, others.iter().copied()),
                all.join("、")
            ),
        );
        None
    }

    /// Runs `f` on a cell's parse, recording its error at the cell.
    fn parse<T>(
        &mut self,
        sheet: &Sheet,
        row: u32,
        col: u32,
        f: impl FnOnce(&Cell) -> Result<Option<T>, String>,
    ) -> Option<T> {
        match f(sheet.get(row, col)) {
            Ok(v) => v,
            Err(m) => {
                self.cell_err(sheet, row, col, m);
                None
            }
        }
    }

    /// A text cell; NUL and other control characters are refused at the cell (they
    /// would pass invisibly into every output).
    fn text(&mut self, sheet: &Sheet, row: u32, col: u32) -> Option<String> {
        let t = self.parse(sheet, row, col, cell::text)?;
        if let Some(c) = juesuan_ingest::guard::control_in(&t) {
            self.cell_err(
                sheet,
                row,
                col,
                format!("含有不可见的控制字符 U+{:04X}：请删除后再试", u32::from(c)),
            );
            return None;
        }
        Some(t)
    }

    /// The unit amounts on `sheet` are stated in: its `金额单位：…` line, 元 when
    /// it has none.
    fn unit(&mut self, sheet: &Sheet, before: u32) -> Unit {
        for ((r, c), cl) in &sheet.cells {
            if *r > before.max(6) {
                break;
            }
            let Value::Text(t) = &cl.value else { continue };
            let n = norm(t);
            let rest = n
                .strip_prefix("金额单位")
                .or_else(|| n.strip_prefix("单位"))
                .and_then(|r| r.strip_prefix('：'));
            let Some(rest) = rest else { continue };
            return match Unit::from_label(rest) {
                Some(u) => u,
                None => {
                    self.cell_err(
                        sheet,
                        *r,
                        *c,
                        format!("“{}” 中的金额单位无法识别：应为 元、万元 或 亿元", t.trim()),
                    );
                    Unit::Yuan
                }
            };
        }
        Unit::Yuan
    }

    /// A sheet listed by classification code: the sheet, its header row and code
    /// column (headed `code_label`, 科目编码 or 编码), the 金额单位 stated above the
    /// header, and the 科目名称 column (else the one after the code). A missing header
    /// is an error naming the sheet; a missing sheet was reported when it was looked up.
    fn code_sheet(
        &mut self,
        name: &str,
        code_label: &str,
    ) -> Option<(&'a Sheet, u32, u32, Unit, u32)> {
        let sheet = self.sheet(name)?;
        let Some((hr, code_col)) = Self::find(sheet, &[code_label, "科目编码", "编码"])
        else {
            let src = self.sheet_ref(name);
            self.err(
                src,
                format!("找不到表头：应有“{code_label}”列（表头被删除或改动了？可用 juesuan init 生成空白工作簿对照）"),
            );
            return None;
        };
        let unit = self.unit(sheet, hr);
        let name_col = sheet
            .row(hr)
            .find(|(_, c)| matches!(&c.value, Value::Text(t) if matches!(norm(t).as_str(), "科目名称" | "名称")))
            .map_or(code_col + 1, |(c, _)| c);
        Some((sheet, hr, code_col, unit, name_col))
    }

    /// The first row (within the top 40) with a cell whose normalized text is one
    /// of `labels`: (row, column).
    fn find(sheet: &Sheet, labels: &[&str]) -> Option<(u32, u32)> {
        let labels: Vec<String> = labels.iter().map(|l| norm(l)).collect();
        sheet
            .cells
            .iter()
            .take_while(|((r, _), _)| *r < 40)
            .find(|(_, c)| matches!(&c.value, Value::Text(t) if labels.contains(&norm(t))))
            .map(|(pos, _)| *pos)
    }

    // ─── 基本信息 ───
    fn info(&mut self) -> Option<(Meta, Overview, &'static Profile)> {
        // The profile is not known yet: the missing-sheet hint looks at every name.
        self.expected = vec![INFO.to_string()];
        let sheet = self.sheet(INFO)?;
        #[derive(PartialEq)]
        enum Mode {
            Keys,
            Units,
            Offices,
            Duties,
        }
        let mut mode = Mode::Keys;
        let mut department = None;
        let mut code = None;
        let mut year = None;
        let mut profile_id: Option<(String, u32)> = None;
        let mut title = None;
        let mut sources = BTreeMap::new();
        let mut overview = Overview::default();
        let rows: BTreeSet<u32> = sheet.cells.keys().map(|(r, _)| *r).collect();
        for r in rows {
            let a = match &sheet.get(r, 0).value {
                Value::Text(t) => norm(t),
                _ => String::new(),
            };
            if a == norm(INFO_UNITS) {
                mode = Mode::Units;
                continue;
            }
            if a == norm(INFO_OFFICES) {
                mode = Mode::Offices;
                continue;
            }
            if a == norm(INFO_DUTIES) || (a.contains("职责") && a.chars().count() < 12) {
                mode = Mode::Duties;
                continue;
            }
            if a == "序号" || a == "项目" {
                continue;
            }
            let key = [
                INFO_DEPARTMENT,
                INFO_CODE,
                INFO_YEAR,
                INFO_PROFILE,
                INFO_TITLE,
            ]
            .into_iter()
            .find(|k| norm(k) == a);
            if let Some(k) = key {
                let field = match k {
                    INFO_DEPARTMENT => "department",
                    INFO_CODE => "department_code",
                    INFO_YEAR => "year",
                    INFO_PROFILE => "profile",
                    _ => "title",
                };
                sources.insert(field.to_string(), self.at(sheet, r, 1));
                match k {
                    INFO_YEAR => {
                        year = self.parse(sheet, r, 1, cell::count).map(|y| (y, r));
                    }
                    _ => {
                        let v = self.text(sheet, r, 1);
                        match k {
                            INFO_DEPARTMENT => department = v,
                            INFO_CODE => code = v,
                            INFO_PROFILE => profile_id = v.map(|v| (v, r)),
                            _ => title = v,
                        }
                    }
                }
                continue;
            }
            match mode {
                Mode::Keys => {}
                Mode::Units => {
                    let Some(name) = self.text(sheet, r, 1) else {
                        continue;
                    };
                    if norm(&name) == "单位名称" {
                        continue;
                    }
                    match self.text(sheet, r, 2) {
                        None => self.cell_err(
                            sheet,
                            r,
                            2,
                            format!("单位“{name}”缺少单位性质（{}）", kinds()),
                        ),
                        Some(k) => match UnitKind::from_label(&k) {
                            Some(kind) => overview.units.push(OrgUnit { name, kind }),
                            None => self.cell_err(
                                sheet,
                                r,
                                2,
                                format!("“{k}” 不是单位性质。可用：{}", kinds()),
                            ),
                        },
                    }
                }
                Mode::Offices => {
                    if let Some(o) = self.text(sheet, r, 1)
                        && !norm(&o).starts_with("机构名称")
                    {
                        overview.offices.push(o);
                    }
                }
                Mode::Duties => {
                    if let Some(d) = self.text(sheet, r, 1)
                        && !norm(&d).starts_with("内容（每段一行）")
                    {
                        overview.duties.extend(
                            d.lines()
                                .map(str::trim)
                                .filter(|l| !l.is_empty())
                                .map(String::from),
                        );
                    }
                }
            }
        }
        let missing = |label: &str| format!("缺少“{label}”：在 A 列写“{label}”，B 列填写内容");
        if department.is_none() {
            let src = self.sheet_ref(INFO);
            self.err(src, missing(INFO_DEPARTMENT));
        }
        let year = match year {
            Some((y, r)) => match i32::try_from(y) {
                Ok(y) if (1949..=2200).contains(&y) => Some(y),
                _ => {
                    self.cell_err(sheet, r, 1, format!("决算年度 {y} 不是有效的年份"));
                    None
                }
            },
            None => {
                let src = self.sheet_ref(INFO);
                self.err(src, missing(INFO_YEAR));
                None
            }
        };
        let profile = match profile_id {
            Some((id, r)) => match juesuan_profile::builtin(id.trim()) {
                Ok(p) => Some(p),
                Err(e) => {
                    self.cell_err(sheet, r, 1, e.to_string());
                    None
                }
            },
            None => {
                let src = self.sheet_ref(INFO);
                self.err(src, missing(INFO_PROFILE));
                None
            }
        };
        let (Some(department), Some(year), Some(profile)) = (department, year, profile) else {
            return None;
        };
        Some((
            Meta {
                department,
                year,
                profile: profile.id.clone(),
                title,
                department_code: code,
                source: SourceRef::file(self.shown),
                sources,
            },
            overview,
            profile,
        ))
    }

    fn rest(&mut self, meta: Meta, overview: Overview, profile: &'static Profile) -> Report {
        let sheets = layout::fn_sheets(profile);
        let mut row_src: BTreeMap<FunctionalCode, SourceRef> = BTreeMap::new();
        for def in &profile.tables {
            match &def.layout {
                Layout::Panels { panels, .. } => self.panels(&def.number, panels),
                Layout::Functional { .. } => {
                    if let Some(fs) = sheets.iter().find(|s| s.name == def.number) {
                        self.functional(fs, profile, &mut row_src);
                    }
                }
                Layout::Economic {
                    columns, groups, ..
                } => {
                    self.economic(&def.number, columns, groups, profile);
                }
                Layout::Grid { columns, rows } => {
                    self.grid(&def.number, &def.header, columns, rows);
                }
            }
        }
        for fs in sheets.iter().filter(|s| s.number.is_empty()) {
            self.functional(fs, profile, &mut row_src);
        }
        self.ancestors(profile, &row_src);
        let mut narrative = self.narrative(profile);
        self.class_grid(profile, &mut narrative);
        let projects = self.projects();
        if let Some(names) = narrative.lists.get("perf.summarized") {
            for n in names {
                if !projects.iter().any(|p| &p.name == n) {
                    let src = narrative
                        .sources
                        .get("lists.perf.summarized")
                        .cloned()
                        .unwrap_or_else(|| self.sheet_ref(NARRATIVE));
                    self.err(
                        src,
                        format!(
                            "要公开的项目“{n}”不在“{PROJECTS}”表中{}",
                            did_you_mean(n, projects.iter().map(|p| p.name.as_str()))
                        ),
                    );
                }
            }
        }
        Report {
            meta,
            overview,
            facts: std::mem::take(&mut self.facts),
            narrative,
            projects,
            stated: std::mem::take(&mut self.stated),
        }
    }

    /// A value of a derived cell: recorded as stated when typed over the formula.
    fn stated_cell(&mut self, sheet: &Sheet, row: u32, col: u32, key: Key, unit: Unit) {
        let c = sheet.get(row, col);
        if c.formula {
            if let Value::Error(e) = &c.value {
                let m = cell::error_message(e);
                self.cell_err(sheet, row, col, m);
            }
            return;
        }
        let value = match key.measure.kind() {
            NumKind::Money => self
                .parse(sheet, row, col, |c| cell::money(c, unit))
                .map(Num::Money),
            NumKind::Count => self.parse(sheet, row, col, cell::count).map(Num::Count),
        };
        if let Some(value) = value {
            let source = self.at(sheet, row, col);
            self.stated.push(Stated { key, value, source });
        }
    }

    /// A whole-department input figure.
    fn scalar_fact(&mut self, sheet: &Sheet, row: u32, col: u32, m: Measure, unit: Unit) {
        let value = match m.kind() {
            NumKind::Money => self
                .parse(sheet, row, col, |c| cell::money(c, unit))
                .map(Num::Money),
            NumKind::Count => self.parse(sheet, row, col, cell::count).map(Num::Count),
        };
        if let Some(v) = value {
            self.facts.scalars.insert(m, v);
            let src = self.at(sheet, row, col);
            self.facts.sources.insert(Key::all(m), src);
        }
    }

    // ─── 公开01、04、10表 ───
    fn panels(&mut self, name: &str, panels: &[PanelDef]) {
        let Some(sheet) = self.sheet(name) else {
            return;
        };
        let unit = self.unit(sheet, 6);
        // Panels are found by their 行次 columns.
        let mut line_cols: Vec<u32> = Vec::new();
        let mut header_row = None;
        for ((r, c), cl) in &sheet.cells {
            if matches!(&cl.value, Value::Text(t) if norm(t) == "行次") {
                if !line_cols.contains(c) {
                    line_cols.push(*c);
                }
                header_row.get_or_insert(*r);
            }
        }
        line_cols.sort_unstable();
        let Some(header_row) = header_row else {
            let src = self.sheet_ref(name);
            self.err(src, "找不到表头：应有“行次”列（表头被删除或改动了？可用 juesuan init 生成空白工作簿对照）");
            return;
        };
        if line_cols.len() != panels.len() {
            let src = self.sheet_ref(name);
            self.err(
                src,
                format!(
                    "应有 {} 个“行次”列，找到 {} 个（表头被改动了？）",
                    panels.len(),
                    line_cols.len()
                ),
            );
            return;
        }
        let mut seen: BTreeMap<(usize, u32), SourceRef> = BTreeMap::new();
        for r in sheet.rows_from(header_row + 1) {
            for (pi, (pd, lc)) in panels.iter().zip(&line_cols).enumerate() {
                let lcell = sheet.get(r, *lc);
                let line = match &lcell.value {
                    Value::Number(_) | Value::Text(_) => cell::count(lcell).ok().flatten(),
                    _ => None,
                };
                let Some(line) = line.and_then(|l| u32::try_from(l).ok()) else {
                    continue;
                };
                let Some(def) = pd.rows.iter().find(|d| d.line == Some(line)) else {
                    let typed = (0..pd.columns.len()).any(|j| {
                        let c = sheet.get(r, lc + 1 + u32::try_from(j).unwrap_or(0));
                        !c.formula && c.value != Value::Empty
                    });
                    if typed {
                        self.cell_err(sheet, r, *lc, format!("行次 {line} 不在{name}中"));
                    }
                    continue;
                };
                let here = self.at(sheet, r, *lc);
                if let Some(first) = seen.insert((pi, line), here) {
                    self.cell_err(sheet, r, *lc, format!("行次 {line} 重复（{first} 已有）"));
                    continue;
                }
                for (j, cd) in pd.columns.iter().enumerate() {
                    let col = lc + 1 + u32::try_from(j).unwrap_or(0);
                    let Some(key) = layout::panel_key(def, j, cd) else {
                        continue;
                    };
                    if layout::is_scalar_fact(&key) && self.typed.insert(key.clone()) {
                        self.scalar_fact(sheet, r, col, key.measure, unit);
                    } else {
                        self.stated_cell(sheet, r, col, key, unit);
                    }
                }
            }
        }
    }

    // ─── 公开07表 ───
    fn grid(
        &mut self,
        name: &str,
        header: &[Vec<juesuan_profile::HeaderCell>],
        columns: &[juesuan_profile::ColumnDef],
        rows: &[juesuan_profile::GridRowDef],
    ) {
        let Some(sheet) = self.sheet(name) else {
            return;
        };
        let unit = self.unit(sheet, 6);
        let wanted: BTreeSet<u32> = columns.iter().filter_map(|c| c.number).collect();
        // The 栏次 row: a row whose cells are exactly the columns' numbers.
        let last = sheet.last_row().unwrap_or(0);
        let mut numbers = None;
        if wanted.is_empty() {
            // No 栏次 numbers (上海 2024): the form's 栏次 row is the row under
            // the last row showing a header label, and the columns are in the
            // profile's order.
            let labels: BTreeSet<String> = header.iter().flatten().map(|h| norm(&h.text)).collect();
            let last_header = sheet
                .cells
                .iter()
                .take_while(|((r, _), _)| *r <= 40)
                .filter(|(_, c)| matches!(&c.value, Value::Text(t) if !t.trim().is_empty() && labels.contains(&norm(t))))
                .map(|((r, _), _)| *r)
                .max();
            if let Some(hr) = last_header {
                let map: BTreeMap<u32, usize> = (0_u32..).zip(0..columns.len()).collect();
                numbers = Some((hr + 1, map));
            }
        }
        for r in 0..=last.min(40) {
            if numbers.is_some() {
                break;
            }
            let mut map = BTreeMap::new();
            let mut other = false;
            for (c, cl) in sheet.row(r) {
                match cell::count(cl) {
                    Ok(Some(n)) if u32::try_from(n).is_ok_and(|n| wanted.contains(&n)) => {
                        map.insert(c, u32::try_from(n).unwrap_or(0));
                    }
                    Ok(None) => {}
                    _ => other = true,
                }
            }
            if !other && map.len() == wanted.len() {
                let map = map
                    .into_iter()
                    .filter_map(|(c, no)| {
                        columns
                            .iter()
                            .position(|cd| cd.number == Some(no))
                            .map(|i| (c, i))
                    })
                    .collect();
                numbers = Some((r, map));
                break;
            }
        }
        let Some((nr, map)) = numbers else {
            let src = self.sheet_ref(name);
            self.err(
                src,
                format!(
                    "找不到栏次行（1–{}）：表头下的栏次行被删除或改动了？可用 juesuan init 生成空白工作簿对照",
                    wanted.len()
                ),
            );
            return;
        };
        let mut defs = rows.iter();
        for r in sheet.rows_from(nr + 1) {
            let cells: Vec<(u32, &Cell)> = sheet.row(r).collect();
            if cells.is_empty() {
                continue;
            }
            if cells
                .iter()
                .any(|(_, c)| matches!(&c.value, Value::Text(t) if is_note(t)))
            {
                break;
            }
            let Some(def) = defs.next() else { break };
            for (c, i) in &map {
                let Some(Some(key)) = def.keys.get(*i) else {
                    continue;
                };
                if layout::is_scalar_fact(key) && self.typed.insert(key.clone()) {
                    self.scalar_fact(sheet, r, *c, key.measure, unit);
                } else {
                    self.stated_cell(sheet, r, *c, key.clone(), unit);
                }
            }
        }
    }

    /// The value columns of a code table: by 栏次 when the sheet has its 栏次
    /// row, by header label otherwise. Returns (column, index into `cols`) and
    /// the first body row.
    fn columns(
        &mut self,
        sheet: &Sheet,
        header: (u32, u32),
        name_col: u32,
        cols: &[(String, Option<u32>, Vec<String>)],
        header_rows: u32,
    ) -> (Vec<(u32, usize)>, u32) {
        let (hr, code_col) = header;
        let last_col = sheet.cells.keys().map(|(_, c)| *c).max().unwrap_or(0);
        // 栏次 row: the next row naming itself so.
        let mut nr = None;
        for r in hr + 1..hr + 4 {
            let is = [code_col, name_col].iter().any(|c| {
                let (ar, ac) = sheet.anchor(r, *c);
                matches!(&sheet.get(ar, ac).value, Value::Text(t) if norm(t) == "栏次")
            });
            if is {
                nr = Some(r);
                break;
            }
        }
        let mut map: Vec<(u32, usize)> = Vec::new();
        // A table whose columns have no 栏次 numbers (上海 2024) may still have
        // the 栏次 row on the form: its columns are found by their labels, and
        // its body starts under that row.
        let numbered = cols.iter().any(|x| x.1.is_some());
        if let Some(nr) = nr.filter(|_| numbered) {
            for (c, cl) in sheet.row(nr) {
                if c == code_col || c == name_col {
                    continue;
                }
                let Ok(Some(n)) = cell::count(cl) else {
                    continue;
                };
                match cols
                    .iter()
                    .position(|x| x.1.is_some_and(|no| i64::from(no) == n))
                {
                    Some(i) => map.push((c, i)),
                    None => self.cell_err(sheet, nr, c, format!("栏次 {n} 不在本表中")),
                }
            }
            return (map, nr + 1);
        }
        // By the header labels: each column's lowest non-empty header text.
        let top = hr.saturating_sub(header_rows.saturating_sub(1));
        for c in 0..=last_col {
            if c == code_col || c == name_col {
                continue;
            }
            let mut label = None;
            for r in (top..=hr).rev() {
                if let Value::Text(t) = &sheet.get(r, c).value
                    && !t.trim().is_empty()
                {
                    label = Some(t.clone());
                    break;
                }
            }
            let Some(label) = label else { continue };
            let n = norm(&label);
            match cols
                .iter()
                .position(|x| norm(&x.0) == n || x.2.iter().any(|a| norm(a) == n))
            {
                Some(i) if !map.iter().any(|(_, j)| *j == i) => map.push((c, i)),
                Some(_) => self.cell_err(sheet, hr, c, format!("列“{}”重复", label.trim())),
                None => {
                    let names: Vec<&str> = cols.iter().map(|x| x.0.as_str()).collect();
                    let m = format!(
                        "未知的列“{}”{}。本表的列：{}",
                        label.trim(),
                        did_you_mean(&n, names.iter().copied()),
                        names.join("、")
                    );
                    self.cell_err(sheet, hr, c, m);
                }
            }
        }
        (map, nr.map_or(hr, |nr| nr.max(hr)) + 1)
    }

    // ─── 公开02/03/05/08/09表, 非财政拨款支出 ───
    fn functional(
        &mut self,
        fs: &FnSheet,
        profile: &Profile,
        row_src: &mut BTreeMap<FunctionalCode, SourceRef>,
    ) {
        let Some((sheet, hr, code_col, unit, name_col)) = self.code_sheet(&fs.name, FN_CODE) else {
            return;
        };
        // Column labels, with the CSV headers as aliases.
        let cols: Vec<(String, Option<u32>, Vec<String>)> = fs
            .cols
            .iter()
            .map(|fc| {
                let aliases = FN_FILES
                    .iter()
                    .flat_map(|f| f.columns)
                    .filter(|c| c.measure == fc.measure)
                    .flat_map(|c| c.headers.iter().map(|h| h.to_string()))
                    .collect();
                (fc.label.clone(), fc.number, aliases)
            })
            .collect();
        let header_rows = u32::try_from(fs.header.len()).unwrap_or(1);
        let (map, body) = self.columns(sheet, (hr, code_col), name_col, &cols, header_rows);
        let classes = profile.classes();
        let mut seen: BTreeMap<FunctionalCode, SourceRef> = BTreeMap::new();
        for r in sheet.rows_from(body) {
            let code_cell = sheet.get(r, code_col);
            let raw_code = match cell::text(code_cell) {
                Ok(v) => v,
                Err(m) => {
                    self.cell_err(sheet, r, code_col, m);
                    continue;
                }
            };
            // An empty name is none: the form's name cells look the chosen code up
            // in the catalog, and give "" (some writers cache it as 0) while no code
            // is chosen — a formula's name counts only as text.
            let looked_up = sheet.get(r, name_col);
            let unnamed = looked_up.formula && !matches!(looked_up.value, Value::Text(_));
            let mut name = if unnamed {
                None
            } else if fs.input {
                self.text(sheet, r, name_col)
            } else {
                cell::text(sheet.get(r, name_col)).ok().flatten()
            }
            .filter(|n| !n.trim().is_empty());
            let typed = map.iter().any(|(c, _)| {
                let cl = sheet.get(r, *c);
                !cl.formula && cl.value != Value::Empty
            });
            let label = raw_code
                .clone()
                .or_else(|| name.clone())
                .unwrap_or_default();
            if is_note(&label) {
                continue;
            }
            if raw_code.is_none() && name.is_none() && !typed {
                continue;
            }
            if raw_code.as_deref().is_some_and(is_total)
                || (raw_code.is_none() && name.as_deref().is_some_and(is_total))
            {
                for (c, i) in &map {
                    let key = Key::all(fs.cols[*i].measure);
                    self.stated_cell(sheet, r, *c, key, unit);
                }
                continue;
            }
            let Some(raw_code) = raw_code else {
                self.cell_err(
                    sheet,
                    r,
                    code_col,
                    "缺少科目编码（只有“合计”行可以不填编码）",
                );
                continue;
            };
            // `2013801 行政运行` in one cell (as some software exports it).
            let normal: String = raw_code.chars().map(halfwidth).collect();
            let digits: String = normal.chars().take_while(char::is_ascii_digit).collect();
            let rest = normal.get(digits.len()..).unwrap_or("").trim();
            let code_text = if matches!(digits.len(), 3 | 5 | 7) && !rest.is_empty() {
                if name.is_none() {
                    name = Some(rest.to_string());
                }
                digits
            } else {
                normal.chars().filter(|c| !c.is_whitespace()).collect()
            };
            let code = match FunctionalCode::parse(&code_text) {
                Ok(c) => c,
                Err(e) => {
                    self.cell_err(sheet, r, code_col, e.to_string());
                    continue;
                }
            };
            let here = self.at(sheet, r, code_col);
            if let Some(first) = seen.insert(code.clone(), here.clone()) {
                self.cell_err(
                    sheet,
                    r,
                    code_col,
                    format!("科目 {code} 重复（{first} 已有）：同一张表中每个科目只能有一行"),
                );
                continue;
            }
            if !classes.contains(&code.class()) {
                self.cell_err(
                    sheet,
                    r,
                    code_col,
                    format!(
                        "科目 {code} 的类 {} 不是公开01表所列的 {} 个功能类之一，无法列入决算表",
                        code.class(),
                        classes.len()
                    ),
                );
                continue;
            }
            let item = code.level() == FnLevel::Item;
            if fs.input {
                let catalog = profile.functional_catalog.get(&code);
                match &name {
                    Some(n)
                        if item
                            || catalog
                                .is_none_or(|e| normalize_name(&e.name) != normalize_name(n)) =>
                    {
                        self.facts.functional_names.insert(code.clone(), n.clone());
                    }
                    None if item
                        && catalog.is_none()
                        && !self.facts.functional_names.contains_key(&code) =>
                    {
                        self.cell_err(
                            sheet,
                            r,
                            name_col,
                            format!(
                                "科目 {code} 不在 {} 的科目目录中，请填写科目名称",
                                profile.id
                            ),
                        );
                    }
                    _ => {}
                }
            }
            for (c, i) in &map {
                let fc = &fs.cols[*i];
                let key = Key::func(fc.measure, &code);
                if fc.fact && item && fs.input {
                    if let Some(m) = self.parse(sheet, r, *c, |cl| cell::money(cl, unit)) {
                        self.facts
                            .functional
                            .entry(code.clone())
                            .or_default()
                            .insert(fc.measure, m);
                        let src = self.at(sheet, r, *c);
                        self.facts.sources.insert(key, src);
                    }
                } else {
                    self.stated_cell(sheet, r, *c, key, unit);
                }
            }
            if item && fs.input {
                self.facts.functional.entry(code.clone()).or_default();
                row_src.entry(code).or_insert(here);
            }
        }
    }

    /// Every 类 and 款 of a 项 must have a name to print.
    fn ancestors(&mut self, profile: &Profile, row_src: &BTreeMap<FunctionalCode, SourceRef>) {
        let items: Vec<FunctionalCode> = self.facts.functional.keys().cloned().collect();
        let mut reported = BTreeSet::new();
        for item in items {
            for anc in item.lineage() {
                if profile.functional_catalog.get(&anc).is_none()
                    && !self.facts.functional_names.contains_key(&anc)
                    && reported.insert(anc.clone())
                {
                    let src = row_src
                        .get(&item)
                        .cloned()
                        .unwrap_or_else(|| SourceRef::file(self.shown));
                    self.err(
                        src,
                        format!(
                            "{}{anc} 不在 {} 的科目目录中：请加一行科目编码为 {anc} 的行并填写科目名称（金额可留空）",
                            anc.level().label(),
                            profile.id
                        ),
                    );
                }
            }
        }
    }

    // ─── 公开06表 ───
    fn economic(
        &mut self,
        name: &str,
        columns: &[juesuan_profile::ColumnDef],
        groups: &[juesuan_profile::GroupDef],
        profile: &Profile,
    ) {
        let Some((sheet, hr, code_col, unit, name_col)) = self.code_sheet(name, ECON_CODE) else {
            return;
        };
        let columns = &layout::econ_form_columns(columns);
        let cols: Vec<(String, Option<u32>, Vec<String>)> = columns
            .iter()
            .map(|c| {
                let aliases = if c.measure == Some(Measure::EconBasic) {
                    vec!["其中基本支出".to_string(), "基本支出".to_string()]
                } else {
                    Vec::new()
                };
                (c.label.clone(), None, aliases)
            })
            .collect();
        let (map, body) = self.columns(sheet, (hr, code_col), name_col, &cols, 1);
        let mut seen: BTreeMap<EconomicCode, SourceRef> = BTreeMap::new();
        for r in sheet.rows_from(body) {
            let raw = match cell::text(sheet.get(r, code_col)) {
                Ok(v) => v,
                Err(m) => {
                    self.cell_err(sheet, r, code_col, m);
                    continue;
                }
            };
            let label_name = self.text(sheet, r, name_col);
            let label = raw
                .clone()
                .or_else(|| label_name.clone())
                .unwrap_or_default();
            let typed = map.iter().any(|(c, _)| {
                let cl = sheet.get(r, *c);
                !cl.formula && cl.value != Value::Empty
            });
            if is_note(&label) || (raw.is_none() && label_name.is_none() && !typed) {
                continue;
            }
            if groups.iter().any(|g| norm(&g.label) == norm(&label)) {
                continue;
            }
            if let Some(g) = groups.iter().find(|g| {
                norm(&layout::group_total(g.group)) == norm(&label)
                    || norm(&g.total_label) == norm(&label)
            }) {
                for (c, i) in &map {
                    if let Some(m) = columns[*i].measure {
                        self.stated_cell(sheet, r, *c, Key::group(m, g.group), unit);
                    }
                }
                continue;
            }
            let Some(raw) = raw else {
                self.cell_err(
                    sheet,
                    r,
                    code_col,
                    "缺少经济分类科目编码（只有“人员经费合计”“公用经费合计”行可以不填）",
                );
                continue;
            };
            let code_text: String = raw
                .chars()
                .map(halfwidth)
                .filter(|c| !c.is_whitespace())
                .collect();
            let code = match EconomicCode::parse(&code_text) {
                Ok(c) => c,
                Err(e) => {
                    self.cell_err(sheet, r, code_col, e.to_string());
                    continue;
                }
            };
            let here = self.at(sheet, r, code_col);
            if let Some(first) = seen.insert(code.clone(), here) {
                self.cell_err(
                    sheet,
                    r,
                    code_col,
                    format!("经济分类科目 {code} 重复（{first} 已有）"),
                );
                continue;
            }
            let Some(entry) = profile.economic_catalog.get(&code) else {
                self.cell_err(
                    sheet,
                    r,
                    code_col,
                    format!(
                        "经济分类科目 {code} 不在 {} 的支出经济分类目录中（目录见 profiles/{}/economic-codes.csv）",
                        profile.id, profile.id
                    ),
                );
                continue;
            };
            let differs = label_name
                .as_ref()
                .is_some_and(|n| normalize_name(n) != normalize_name(&entry.name));
            if code.is_class() {
                if differs && let Some(n) = &label_name {
                    self.facts.economic_names.insert(code.clone(), n.clone());
                }
                for (c, i) in &map {
                    if let Some(m) = columns[*i].measure {
                        self.stated_cell(sheet, r, *c, Key::econ(m, &code), unit);
                    }
                }
                continue;
            }
            let mut amount = None;
            let mut basic = None;
            for (c, i) in &map {
                let Some(m) = columns[*i].measure else {
                    continue;
                };
                let v = self.parse(sheet, r, *c, |cl| cell::money(cl, unit));
                if let Some(v) = v {
                    let src = self.at(sheet, r, *c);
                    self.facts.sources.insert(Key::econ(m, &code), src);
                    if m == Measure::EconBasic {
                        basic = Some(v);
                    } else {
                        amount = Some(v);
                    }
                }
            }
            let entry_present = amount.is_some() || basic.is_some();
            if entry_present {
                self.facts.economic.insert(
                    code.clone(),
                    EconFacts {
                        amount: amount.unwrap_or(Money::ZERO),
                        basic: basic.unwrap_or(Money::ZERO),
                    },
                );
            }
            if let Some(n) = label_name
                && (entry_present || differs)
            {
                self.facts.economic_names.insert(code, n);
            }
        }
    }

    // ─── 情况说明数据 ───
    fn narrative(&mut self, profile: &Profile) -> NarrativeInputs {
        let mut out = NarrativeInputs::default();
        let Some(sheet) = self.sheet(NARRATIVE) else {
            return out;
        };
        let unit = self.unit(sheet, 2);
        let sections: [(&str, NarrativeSection); 8] = [
            (NARR_LAST_YEAR, NarrativeSection::LastYear),
            (NARR_INITIAL, NarrativeSection::InitialBudget),
            (NARR_TEXTS, NarrativeSection::Texts),
            (NARR_COUNTS, NarrativeSection::Counts),
            (NARR_AMOUNTS, NarrativeSection::Amounts),
            (NARR_SCORES, NarrativeSection::Scores),
            (NARR_LISTS, NarrativeSection::Lists),
            // The per-class grid lives on its own sheet; its heading here is a note.
            (layout::NARR_CLASSES, NarrativeSection::Texts),
        ];
        let loose = layout::loose_scalars(profile);
        let mut section: Option<NarrativeSection> = None;
        let mut seen: BTreeMap<String, SourceRef> = BTreeMap::new();
        let mut list_id: Option<String> = None;
        let rows: BTreeSet<u32> = sheet.cells.keys().map(|(r, _)| *r).collect();
        for r in rows {
            let a = match cell::text(sheet.get(r, 0)) {
                Ok(v) => v.unwrap_or_default(),
                Err(m) => {
                    self.cell_err(sheet, r, 0, m);
                    continue;
                }
            };
            let na = norm(&a);
            let heading = cell::unnumbered(&a);
            if let Some((_, s)) = sections
                .iter()
                .find(|(h, _)| cell::unnumbered(h) == heading)
            {
                section = Some(*s);
                list_id = None;
                continue;
            }
            if na == NARR_ID {
                continue;
            }
            let Some(sec) = section else { continue };
            let mut id: String = a
                .chars()
                .map(halfwidth)
                .filter(|c| !c.is_whitespace())
                .collect();
            if id.is_empty() {
                match (sec, &list_id) {
                    (NarrativeSection::Lists, Some(l)) => id = l.clone(),
                    _ => {
                        if sheet.get(r, 2).value != Value::Empty {
                            self.cell_err(
                                sheet,
                                r,
                                0,
                                "缺少编号：A 列的编号是程序识别这一项的名称",
                            );
                        }
                        continue;
                    }
                }
            }
            let here = self.at(sheet, r, 2);
            // The row's key and its id among the sources (`last_year.grand.income`);
            // the cell awaits the input whether given or not (a slot). An unknown id
            // is an error only in a row that holds a value (below).
            let parsed = narrative_id(sec, &id, profile).map(|key| {
                let src_key = match &key {
                    Some(k) => format!("{}.{k}", sec.name()),
                    None => format!("{}.{id}", sec.name()),
                };
                (key, src_key)
            });
            if let Ok((_, src_key)) = &parsed {
                out.slots
                    .entry(src_key.clone())
                    .or_insert_with(|| here.clone());
            }
            let vcell = sheet.get(r, 2);
            if vcell.value == Value::Empty && !vcell.formula {
                if sec == NarrativeSection::Lists {
                    list_id = Some(id);
                }
                continue;
            }
            let loose_m = Measure::from_name(&id).filter(|m| loose.contains(m));
            if sec == NarrativeSection::Amounts
                && let Some(m) = loose_m
            {
                self.scalar_fact(sheet, r, 2, m, unit);
                continue;
            }
            let (key, src_key) = match parsed {
                Ok(p) => p,
                Err(m) => {
                    self.cell_err(sheet, r, 0, m);
                    continue;
                }
            };
            if sec == NarrativeSection::Lists {
                list_id = Some(id.clone());
                if let Some(item) = self.text(sheet, r, 2) {
                    out.sources.entry(src_key).or_insert(here);
                    out.lists.entry(id).or_default().push(item);
                }
                continue;
            }
            if let Some(first) = seen.insert(src_key.clone(), here.clone()) {
                self.cell_err(sheet, r, 0, format!("“{id}” 重复（{first} 已有）"));
                continue;
            }
            let ok = match (sec, key) {
                (NarrativeSection::LastYear, Some(k)) => {
                    let v = match k.measure.kind() {
                        NumKind::Money => self
                            .parse(sheet, r, 2, |c| cell::money(c, unit))
                            .map(Num::Money),
                        NumKind::Count => self.parse(sheet, r, 2, cell::count).map(Num::Count),
                    };
                    v.map(|v| out.last_year.insert(k, v)).is_some()
                }
                (NarrativeSection::InitialBudget, Some(k)) => self
                    .parse(sheet, r, 2, |c| cell::money(c, unit))
                    .map(|v| out.initial_budget.insert(k, v))
                    .is_some(),
                (NarrativeSection::Texts, _) => self
                    .text(sheet, r, 2)
                    .map(|t| out.texts.insert(id.clone(), t))
                    .is_some(),
                (NarrativeSection::Counts, _) => self
                    .parse(sheet, r, 2, cell::count)
                    .map(|v| out.counts.insert(id.clone(), v))
                    .is_some(),
                (NarrativeSection::Amounts, _) => self
                    .parse(sheet, r, 2, |c| cell::money(c, unit))
                    .map(|v| out.amounts.insert(id.clone(), v))
                    .is_some(),
                (NarrativeSection::Scores, _) => self
                    .parse(sheet, r, 2, cell::points)
                    .map(|v| out.scores.insert(id.clone(), v))
                    .is_some(),
                _ => false,
            };
            if ok {
                out.sources.insert(src_key, here);
            }
        }
        out
    }

    // ─── 情况说明按类 ───
    fn class_grid(&mut self, profile: &Profile, out: &mut NarrativeInputs) {
        let Some(sheet) = self.sheet(CLASS_SHEET) else {
            return;
        };
        let Some((hr, code_col)) = Self::find(sheet, &[NARR_CLASS]) else {
            let src = self.sheet_ref(CLASS_SHEET);
            self.err(src, format!("找不到表头：应有“{NARR_CLASS}”列"));
            return;
        };
        let unit = self.unit(sheet, hr);
        let ccols = layout::class_columns(profile);
        let mut map: Vec<(u32, usize)> = Vec::new();
        for (c, cl) in sheet.row(hr) {
            if c <= code_col + 1 {
                continue;
            }
            let Value::Text(t) = &cl.value else { continue };
            let n = norm(t);
            match ccols
                .iter()
                .position(|x| norm(&x.label) == n || norm(&x.pattern) == n)
            {
                Some(i) => map.push((c, i)),
                None => {
                    let names: Vec<&str> = ccols.iter().map(|x| x.label.as_str()).collect();
                    let m = format!(
                        "未知的列“{}”{}",
                        t.trim(),
                        did_you_mean(&n, names.iter().copied())
                    );
                    self.cell_err(sheet, hr, c, m);
                }
            }
        }
        let classes = profile.classes();
        for r in sheet.rows_from(hr + 1) {
            let Some(code) = self.parse(sheet, r, code_col, cell::code) else {
                continue;
            };
            let class = match FunctionalCode::parse(&code) {
                Ok(c) if c.level() == FnLevel::Class && classes.contains(&c) => c,
                _ => {
                    self.cell_err(
                        sheet,
                        r,
                        code_col,
                        format!("“{code}” 不是公开01表所列的功能分类“类”编码（3 位，如 201）"),
                    );
                    continue;
                }
            };
            for (c, i) in &map {
                let cc = &ccols[*i];
                let cl = sheet.get(r, *c);
                if cl.value == Value::Empty && !cl.formula {
                    continue;
                }
                let id = cc.pattern.replace("{class}", class.as_str());
                let key = match narrative_id(cc.section, &id, profile) {
                    Ok(k) => k,
                    Err(m) => {
                        self.cell_err(sheet, r, *c, m);
                        continue;
                    }
                };
                let here = self.at(sheet, r, *c);
                let src_key = match &key {
                    Some(k) => format!("{}.{k}", cc.section.name()),
                    None => format!("{}.{id}", cc.section.name()),
                };
                if out.sources.contains_key(&src_key) {
                    self.cell_err(
                        sheet,
                        r,
                        *c,
                        format!("“{id}” 已在{NARRATIVE}中填写，不要重复填写"),
                    );
                    continue;
                }
                let ok = match (cc.section, key) {
                    (NarrativeSection::LastYear, Some(k)) => self
                        .parse(sheet, r, *c, |x| cell::money(x, unit))
                        .map(|v| out.last_year.insert(k, Num::Money(v)))
                        .is_some(),
                    (NarrativeSection::InitialBudget, Some(k)) => self
                        .parse(sheet, r, *c, |x| cell::money(x, unit))
                        .map(|v| out.initial_budget.insert(k, v))
                        .is_some(),
                    (NarrativeSection::Texts, _) => self
                        .text(sheet, r, *c)
                        .map(|t| out.texts.insert(id.clone(), t))
                        .is_some(),
                    _ => false,
                };
                if ok {
                    out.sources.insert(src_key, here);
                }
            }
        }
    }

    /// The header row of a list sheet (the row with `first` in some cell) and
    /// its columns mapped to `labels`.
    fn list_header(&mut self, sheet: &Sheet, labels: &[&str]) -> Option<(u32, Vec<Option<u32>>)> {
        let Some((hr, _)) = Self::find(sheet, &labels[..1]) else {
            let src = self.sheet_ref(&sheet.name);
            self.err(
                src,
                format!(
                    "找不到表头：应有“{}”列（可用 juesuan init 生成空白工作簿对照）",
                    labels[0]
                ),
            );
            return None;
        };
        let mut cols = vec![None; labels.len()];
        for (c, cl) in sheet.row(hr) {
            let Value::Text(t) = &cl.value else { continue };
            let n = norm(t);
            match labels.iter().position(|l| norm(l) == n) {
                Some(i) if cols[i].is_none() => cols[i] = Some(c),
                Some(_) => self.cell_err(sheet, hr, c, format!("列“{}”重复", t.trim())),
                None => {
                    let m = format!(
                        "未知的列“{}”{}。本表的列：{}",
                        t.trim(),
                        did_you_mean(&n, labels.iter().copied()),
                        labels.join("、")
                    );
                    self.cell_err(sheet, hr, c, m);
                }
            }
        }
        Some((hr, cols))
    }

    // ─── 项目, 项目资金, 绩效指标, 项目文字 ───
    fn projects(&mut self) -> Vec<Project> {
        let sheets = [
            self.sheet(PROJECTS),
            self.sheet(BUDGET),
            self.sheet(INDICATORS),
            self.sheet(TEXTS),
        ];
        let [Some(ps), budget, indicators, texts] = sheets else {
            return Vec::new();
        };
        let labels: Vec<&str> = PROJECT_COLS.iter().map(|(_, l)| *l).collect();
        let Some((hr, cols)) = self.list_header(ps, &labels) else {
            return Vec::new();
        };
        let col = |want: PCol| {
            PROJECT_COLS
                .iter()
                .position(|(c, _)| *c == want)
                .and_then(|i| cols[i])
        };
        let unit = self.unit(ps, hr);
        let mut projects: Vec<(Option<i64>, Project)> = Vec::new();
        for r in ps.rows_from(hr + 1) {
            let get = |imp: &mut Importer<'_>, c: PCol| col(c).and_then(|c| imp.text(ps, r, c));
            let Some(name_col) = col(PCol::Name) else {
                break;
            };
            let Some(name) = self.text(ps, r, name_col) else {
                let others = PROJECT_COLS.iter().any(|(c, _)| {
                    !matches!(c, PCol::No | PCol::Name)
                        && col(*c).is_some_and(|cc| ps.get(r, cc).value != Value::Empty)
                });
                if others {
                    self.cell_err(ps, r, name_col, "缺少项目名称");
                }
                continue;
            };
            if let Some((_, first)) = projects.iter().find(|(_, p)| p.name == name) {
                let m = format!("项目“{name}”重复（{} 已有）", first.source);
                self.cell_err(ps, r, name_col, m);
                continue;
            }
            let no = col(PCol::No).and_then(|c| cell::count(ps.get(r, c)).ok().flatten());
            let level = match col(PCol::Level).map(|c| (c, cell::text(ps.get(r, c)))) {
                None | Some((_, Ok(None))) => 2,
                Some((c, Ok(Some(t)))) => match norm(&t).as_str() {
                    "1" | "一级" | "一级项目" => 1,
                    "2" | "二级" | "二级项目" => 2,
                    _ => {
                        self.cell_err(
                            ps,
                            r,
                            c,
                            format!("项目级次“{t}”应为 1（一级项目）或 2（二级项目）"),
                        );
                        2
                    }
                },
                Some((c, Err(m))) => {
                    self.cell_err(ps, r, c, m);
                    2
                }
            };
            let mut stated = ProjectStated::default();
            if let Some(c) = col(PCol::Balance)
                && let Some(v) = self.parse(ps, r, c, |x| cell::money(x, unit))
            {
                stated.balance = Some(v);
                stated.sources.insert("balance".into(), self.at(ps, r, c));
            }
            if let Some(c) = col(PCol::Rate)
                && let Some(t) = self.text(ps, r, c)
            {
                let n: String = t
                    .chars()
                    .map(halfwidth)
                    .filter(|c| !c.is_whitespace())
                    .collect();
                match Dec::parse(n.trim_end_matches('%')) {
                    Some(d) => {
                        stated.execution_rate = Some(d);
                        stated
                            .sources
                            .insert("execution_rate".into(), self.at(ps, r, c));
                    }
                    None => {
                        self.cell_err(ps, r, c, format!("执行率“{t}”不是百分数（如 100 或 58.5）"))
                    }
                }
            }
            for (pc, field) in [
                (PCol::BudgetScore, "budget_score"),
                (PCol::IndicatorScore, "indicator_score"),
                (PCol::Total, "total"),
            ] {
                if let Some(c) = col(pc)
                    && let Some(v) = self.parse(ps, r, c, cell::points)
                {
                    match pc {
                        PCol::BudgetScore => stated.budget_score = Some(v),
                        PCol::IndicatorScore => stated.indicator_score = Some(v),
                        _ => stated.total = Some(v),
                    }
                    stated.sources.insert(field.into(), self.at(ps, r, c));
                }
            }
            if let Some(c) = col(PCol::Grade)
                && let Some(g) = self.text(ps, r, c)
            {
                stated.grade = Some(g);
                stated.sources.insert("grade".into(), self.at(ps, r, c));
            }
            let project = Project {
                name,
                level,
                unit: get(self, PCol::Unit).unwrap_or_default(),
                department: get(self, PCol::Department).unwrap_or_default(),
                date: get(self, PCol::Date).unwrap_or_default(),
                fund: get(self, PCol::Fund).unwrap_or_else(|| "一般公共预算".to_string()),
                texts: ProjectTexts::default(),
                budget: Vec::new(),
                indicators: Vec::new(),
                stated,
                source: self.at(ps, r, name_col),
            };
            projects.push((no, project));
        }
        if projects.iter().all(|(no, _)| no.is_some()) {
            projects.sort_by_key(|(no, _)| *no);
        }
        let mut projects: Vec<Project> = projects.into_iter().map(|(_, p)| p).collect();
        let names: Vec<String> = projects.iter().map(|p| p.name.clone()).collect();
        let find = |imp: &mut Importer<'_>, sheet: &Sheet, r: u32, c: u32| -> Option<usize> {
            let name = imp.text(sheet, r, c)?;
            let i = names.iter().position(|n| *n == name);
            if i.is_none() {
                let m = format!(
                    "项目“{name}”不在“{PROJECTS}”表中{}",
                    did_you_mean(&name, names.iter().map(String::as_str))
                );
                imp.cell_err(sheet, r, c, m);
            }
            i
        };
        let any_value = |sheet: &Sheet, r: u32| {
            sheet
                .row(r)
                .any(|(_, c)| c.value != Value::Empty && !c.formula)
        };

        if let Some(bs) = budget
            && let Some((hr, cols)) = self.list_header(bs, BUDGET_COLS)
        {
            let unit = self.unit(bs, hr);
            for r in bs.rows_from(hr + 1) {
                let Some(pc) = cols[0] else { break };
                if !any_value(bs, r) {
                    continue;
                }
                if cell::text(bs.get(r, pc)).ok().flatten().is_none() {
                    self.cell_err(bs, r, pc, "缺少项目名称");
                    continue;
                }
                let Some(pi) = find(self, bs, r, pc) else {
                    continue;
                };
                let source = cols[1]
                    .and_then(|c| self.text(bs, r, c))
                    .unwrap_or_default();
                let mut amounts = [Money::ZERO; 4];
                let mut ok = true;
                for (k, amount) in amounts.iter_mut().enumerate() {
                    let Some(c) = cols[2 + k] else {
                        ok = false;
                        continue;
                    };
                    match self.parse(bs, r, c, |x| cell::money(x, unit)) {
                        Some(v) => *amount = v,
                        None => {
                            if bs.get(r, c).value == Value::Empty {
                                self.cell_err(bs, r, c, format!("缺少“{}”", BUDGET_COLS[2 + k]));
                            }
                            ok = false;
                        }
                    }
                }
                if ok {
                    projects[pi].budget.push(BudgetLine {
                        source,
                        declared: amounts[0],
                        compiled: amounts[1],
                        full_year: amounts[2],
                        executed: amounts[3],
                    });
                }
            }
        }

        if let Some(is) = indicators
            && let Some((hr, cols)) = self.list_header(is, INDICATOR_COLS)
        {
            for r in is.rows_from(hr + 1) {
                let Some(pc) = cols[0] else { break };
                if !any_value(is, r) {
                    continue;
                }
                if cell::text(is.get(r, pc)).ok().flatten().is_none() {
                    self.cell_err(is, r, pc, "缺少项目名称");
                    continue;
                }
                let Some(pi) = find(self, is, r, pc) else {
                    continue;
                };
                let t = |imp: &mut Importer<'_>, i: usize| {
                    cols[i].and_then(|c| imp.text(is, r, c)).unwrap_or_default()
                };
                let (level1, level2, name) = (t(self, 1), t(self, 2), t(self, 3));
                let (initial, target, actual) = (t(self, 4), t(self, 5), t(self, 6));
                let deviation = t(self, 9);
                if level1.is_empty() || level2.is_empty() {
                    let (i, what) = if level1.is_empty() {
                        (1, "一级指标（产出指标/效益指标/满意度指标）")
                    } else {
                        (2, "二级指标（数量指标/质量指标/…）")
                    };
                    let c = cols[i].unwrap_or(pc);
                    self.cell_err(is, r, c, format!("绩效指标“{name}”缺少{what}"));
                    continue;
                }
                let weight = match cols[7] {
                    Some(c) => match self.parse(is, r, c, cell::points) {
                        Some(w) => w,
                        None => {
                            if is.get(r, c).value == Value::Empty {
                                self.cell_err(is, r, c, format!("绩效指标“{name}”缺少权重"));
                            }
                            continue;
                        }
                    },
                    None => continue,
                };
                let score = cols[8].and_then(|c| self.parse(is, r, c, cell::points));
                let target = match Target::parse(&target) {
                    Ok(v) => Parsed {
                        text: target,
                        value: v,
                    },
                    // Kept as text; rule PERF-TARGET reports it as a warning.
                    Err(_) => Parsed {
                        text: target.clone(),
                        value: Target::Qualitative { text: target },
                    },
                };
                let source = self.at(is, r, pc);
                projects[pi].indicators.push(Indicator {
                    level1,
                    level2,
                    name,
                    initial,
                    target,
                    actual: Parsed {
                        value: Actual::parse(&actual),
                        text: actual,
                    },
                    weight,
                    score,
                    deviation,
                    source,
                });
            }
        }

        if let Some(ts) = texts
            && let Some((hr, cols)) = self.list_header(ts, TEXT_COLS)
        {
            let mut seen: BTreeMap<(usize, usize), SourceRef> = BTreeMap::new();
            for r in ts.rows_from(hr + 1) {
                let (Some(pc), Some(fc), Some(cc)) = (cols[0], cols[1], cols[2]) else {
                    break;
                };
                if !any_value(ts, r) {
                    continue;
                }
                if cell::text(ts.get(r, pc)).ok().flatten().is_none() {
                    self.cell_err(ts, r, pc, "缺少项目名称");
                    continue;
                }
                let Some(pi) = find(self, ts, r, pc) else {
                    continue;
                };
                let Some(field) = self.text(ts, r, fc) else {
                    self.cell_err(ts, r, fc, format!("缺少栏目（{}）", TEXT_FIELDS.join("、")));
                    continue;
                };
                let Some(fi) = TEXT_FIELDS.iter().position(|f| norm(f) == norm(&field)) else {
                    let m = format!(
                        "“{field}” 不是项目自评报告的栏目{}。可用：{}",
                        did_you_mean(&field, TEXT_FIELDS.iter().copied()),
                        TEXT_FIELDS.join("、")
                    );
                    self.cell_err(ts, r, fc, m);
                    continue;
                };
                let here = self.at(ts, r, fc);
                if let Some(first) = seen.insert((pi, fi), here) {
                    let m = format!(
                        "项目“{}”的栏目“{field}”重复（{first} 已有）",
                        projects[pi].name
                    );
                    self.cell_err(ts, r, fc, m);
                    continue;
                }
                let content = self.text(ts, r, cc).unwrap_or_default();
                if let Some(slot) = layout::text_field(&mut projects[pi].texts, fi) {
                    *slot = content;
                }
            }
        }
        projects
    }
}

fn kinds() -> String {
    UnitKind::ALL
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("、")
}
