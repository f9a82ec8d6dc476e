//! The workflow, independent of HTTP (the web handlers, `juesuan admin` and the
//! demo call it): a report moves open → draft → submitted → returned | approved →
//! published; each upload is an immutable version; approval queues the
//! publication job. Every change is one database transaction, guarded by the
//! state it expects, so two people acting at once cannot both win.

use crate::auth::User;
use crate::db::{Db, now};
use crate::web::Shared;
use juesuan_engine::{Failure, Loaded};
use juesuan_model::{Finding, Severity};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A finding as stored with a version and shown on its page: the engine's
/// [`Finding`], its place and values already in words.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredFinding {
    /// `error`, `warning` or `info`.
    pub level: String,
    /// 错误, 警告, 提示.
    pub severity: String,
    /// Rule id.
    pub rule: String,
    /// Where (the sheet!cell of a workbook when the rule names one).
    pub location: String,
    /// The message.
    pub message: String,
    /// 应为 … 实为 … 相差 ….
    pub values: String,
    /// Other places.
    pub related: Vec<String>,
    /// How to fix it.
    pub hint: String,
}

impl StoredFinding {
    /// An input the 情况说明 needs and was not given (`NARR-INPUT`): the report
    /// cannot be submitted until it is supplied; no explanation lifts it.
    pub fn is_missing_input(&self) -> bool {
        self.rule == juesuan_engine::MISSING_INPUT
    }

    /// A warning the preparer may keep with a written explanation.
    pub fn explainable(&self) -> bool {
        self.level == "warning" && !self.is_missing_input()
    }

    /// The stored form of a finding.
    pub fn of(f: &Finding) -> StoredFinding {
        let mut values = Vec::new();
        if let Some(e) = &f.expected {
            values.push(format!("应为 {e}"));
        }
        if let Some(a) = &f.actual {
            values.push(format!("实为 {a}"));
        }
        if let Some(d) = &f.difference {
            values.push(format!("相差 {d}"));
        }
        StoredFinding {
            level: match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            }
            .to_string(),
            severity: f.severity.label().to_string(),
            rule: f.rule.clone(),
            location: f.location.to_string(),
            message: f.message.clone(),
            values: values.join("　"),
            related: f.related.iter().map(ToString::to_string).collect(),
            hint: f.hint.clone(),
        }
    }
}

/// States, with their Chinese labels.
pub fn state_label(state: &str) -> &'static str {
    match state {
        "open" => "待填报",
        "draft" => "填报中",
        "submitted" => "已提交，待审核",
        "returned" => "已退回修改",
        "approved" => "已批准，公开中",
        "published" => "已公开",
        _ => "未知",
    }
}

/// States in which the department may upload a new version.
pub const UPLOADABLE: &[&str] = &["open", "draft", "returned", "published"];

/// Records an action in the audit log.
pub async fn audit(
    db: &Db,
    user: Option<&User>,
    ip: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, user_id, username, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(user.map(|u| u.id))
    .bind(user.map_or("-", |u| u.username.as_str()))
    .bind(action)
    .bind(target)
    .bind(detail)
    .bind(ip)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Queues a job and wakes the workers.
pub async fn enqueue(state: &Shared, kind: &str, target: i64) -> Result<i64, sqlx::Error> {
    let t = now();
    let row = sqlx::query(
        "INSERT INTO jobs (kind, target, state, created_at, updated_at) VALUES ($1, $2, 'queued', $3, $3) RETURNING id",
    )
    .bind(kind)
    .bind(target)
    .bind(t)
    .fetch_one(&state.db.pool)
    .await?;
    state.jobs.notify_waiters();
    row.try_get(0)
}

/// The report a version belongs to, as the workflow needs it.
#[derive(Clone, Debug, Serialize)]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// Department id.
    pub department_id: i64,
    /// Department code (the public URL's).
    pub code: String,
    /// Department name.
    pub department: String,
    /// Year.
    pub year: i64,
    /// Template id.
    pub profile: String,
    /// 批复日期.
    pub approval_date: Option<String>,
    /// Deadline of publication.
    pub deadline: Option<String>,
    /// Workflow state.
    pub state: String,
    /// Its label.
    pub state_label: &'static str,
    /// Number of the latest version.
    pub latest_version: i64,
    /// The version submitted (or approved / published last).
    pub submitted_version: Option<i64>,
    /// Past the deadline and not published.
    pub overdue: bool,
}

const REPORT_COLUMNS: &str = "r.id, r.department_id, d.code, d.name, r.year, y.profile, r.approval_date, r.deadline, r.state, r.latest_version, r.submitted_version \
     FROM reports r JOIN departments d ON d.id = r.department_id JOIN years y ON y.year = r.year";

fn report_row(r: &sqlx::any::AnyRow) -> Result<ReportRow, sqlx::Error> {
    let state: String = r.try_get(8)?;
    let deadline: Option<String> = r.try_get(7)?;
    let overdue = state != "published"
        && deadline
            .as_deref()
            .and_then(crate::time::parse_date)
            .is_some_and(|d| crate::time::today() > d);
    Ok(ReportRow {
        id: r.try_get(0)?,
        department_id: r.try_get(1)?,
        code: r.try_get(2)?,
        department: r.try_get(3)?,
        year: r.try_get(4)?,
        profile: r.try_get(5)?,
        approval_date: r.try_get(6)?,
        deadline,
        state_label: state_label(&state),
        state,
        latest_version: r.try_get(9)?,
        submitted_version: r.try_get(10)?,
        overdue,
    })
}

/// One report by id.
pub async fn report(db: &Db, id: i64) -> Result<Option<ReportRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {REPORT_COLUMNS} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(report_row).transpose()
}

/// Reports, all or one department's, newest year first.
pub async fn reports(db: &Db, department: Option<i64>) -> Result<Vec<ReportRow>, sqlx::Error> {
    let rows =
        match department {
            Some(d) => sqlx::query(&format!(
                "SELECT {REPORT_COLUMNS} WHERE r.department_id = $1 ORDER BY r.year DESC, d.code"
            ))
            .bind(d)
            .fetch_all(&db.pool)
            .await?,
            None => {
                sqlx::query(&format!(
                    "SELECT {REPORT_COLUMNS} ORDER BY r.year DESC, d.code"
                ))
                .fetch_all(&db.pool)
                .await?
            }
        };
    rows.iter().map(report_row).collect()
}

/// Whether a user may see a report's drafts: the bureau, or its own department.
pub fn may_see(user: &User, report: &ReportRow) -> bool {
    user.is_bureau() || user.department_id == Some(report.department_id)
}

/// Why an upload was not stored.
#[derive(Debug)]
pub enum UploadError {
    /// The file cannot be used: every message (sheet!cell), as the CLI prints them.
    Input(Vec<String>),
    /// The report's state does not allow an upload now.
    State(String),
    /// Storage failed (full disk …).
    Storage(String),
    /// Database.
    Db(sqlx::Error),
}

impl From<sqlx::Error> for UploadError {
    fn from(e: sqlx::Error) -> UploadError {
        UploadError::Db(e)
    }
}

/// Messages of an engine failure, one per line, as the CLI prints them.
pub fn failure_lines(f: Failure) -> Vec<String> {
    match f {
        Failure::Input(errors) => errors.0.iter().map(ToString::to_string).collect(),
        Failure::Other(m) => vec![m],
    }
}

/// What is stored of a version besides the upload.
struct Built {
    html: Vec<u8>,
    findings: Vec<StoredFinding>,
    snapshot: juesuan_engine::diff::Snapshot,
    department: String,
}

fn build(loaded: &Loaded, report: &ReportRow) -> Result<Built, Vec<String>> {
    let meta = &loaded.report.meta;
    let mut problems = Vec::new();
    if meta.department.trim() != report.department.trim() {
        problems.push(format!(
            "{}：部门名称“{}”与平台登记的“{}”不一致：请下载本部门的填报工作簿，或改正部门名称",
            meta.source, meta.department, report.department
        ));
    }
    if i64::from(meta.year) != report.year {
        problems.push(format!(
            "{}：决算年度 {} 与本报告的 {} 年度不一致",
            meta.source, meta.year, report.year
        ));
    }
    if loaded.profile.id != report.profile {
        problems.push(format!(
            "{}：模板 {} 与本年度规定的模板 {} 不一致：请下载本部门的填报工作簿",
            meta.source, loaded.profile.id, report.profile
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let html = juesuan_engine::render(loaded, &[juesuan_engine::Format::Html], None)
        .map_err(|e| vec![e])?
        .files
        .into_iter()
        .next()
        .map(|(_, b)| b)
        .unwrap_or_default();
    Ok(Built {
        html,
        findings: loaded.findings.iter().map(StoredFinding::of).collect(),
        snapshot: juesuan_engine::diff::snapshot(&loaded.document),
        department: meta.department.clone(),
    })
}

/// Another report's upload, as a rule sees it: last year's publication, or a
/// unit's submitted report.
#[derive(Clone, Debug)]
pub struct StoredUpload {
    /// Store name of its upload.
    pub upload_sha: String,
    /// The upload's file name.
    pub file_name: String,
    /// How findings name it.
    pub label: String,
}

/// The department's publication of `year - 1`, if there is one: the latest,
/// or with `as_of` (Unix seconds) the latest made by then — what an upload made
/// then was checked against, so that publishing it later checks it the same way.
pub async fn previous_upload(
    db: &Db,
    department_id: i64,
    year: i64,
    as_of: Option<i64>,
) -> Result<Option<StoredUpload>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT v.upload_sha, v.file_name, v.department_name, p.number FROM publications p \
         JOIN reports r ON r.id = p.report_id JOIN versions v ON v.id = p.version_id \
         WHERE r.department_id = $1 AND r.year = $2 AND ($3 = 0 OR p.published_at <= $3) \
         ORDER BY p.number DESC LIMIT 1",
    )
    .bind(department_id)
    .bind(year - 1)
    .bind(as_of.unwrap_or(0))
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let department: String = row.try_get(2)?;
    let number: i64 = row.try_get(3)?;
    Ok(Some(StoredUpload {
        upload_sha: row.try_get(0)?,
        file_name: row.try_get(1)?,
        label: if number > 1 {
            format!(
                "{department} {} 年度已公开报告（更正后第 {number} 次公开）",
                year - 1
            )
        } else {
            format!("{department} {} 年度已公开报告", year - 1)
        },
    }))
}

/// The other reports a department's upload is checked against: last year's
/// publication (the cross-year rules) and its units' submitted reports of the
/// same year (their sum, XU-SUM) — the units only when every unit has one.
#[derive(Clone, Debug, Default)]
pub struct Others {
    /// Last year's publication.
    pub previous: Option<StoredUpload>,
    /// Each unit's latest submitted (or approved, published) version.
    pub units: Vec<StoredUpload>,
    /// Units without one: `某单位（填报中）`.
    pub units_missing: Vec<String>,
}

impl Others {
    /// The units' reports to sum: all of them, or none while one is missing.
    pub fn units_to_sum(&self) -> &[StoredUpload] {
        if self.units_missing.is_empty() {
            &self.units
        } else {
            &[]
        }
    }
}

/// What a department's upload of `year` is checked against (see [`Others`]);
/// last year's publication as of `as_of` as in [`previous_upload`].
pub async fn others(
    db: &Db,
    department_id: i64,
    year: i64,
    as_of: Option<i64>,
) -> Result<Others, sqlx::Error> {
    let previous = previous_upload(db, department_id, year, as_of).await?;
    let rows = sqlx::query(
        "SELECT d.name, r.state, v.upload_sha, v.file_name, v.number FROM departments d \
         LEFT JOIN reports r ON r.department_id = d.id AND r.year = $2 \
         LEFT JOIN versions v ON v.report_id = r.id AND v.number = r.latest_version \
         WHERE d.parent_id = $1 ORDER BY d.code",
    )
    .bind(department_id)
    .bind(year)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Others {
        previous,
        ..Others::default()
    };
    for r in &rows {
        let name: String = r.try_get(0)?;
        let state: Option<String> = r.try_get(1)?;
        let sha: Option<String> = r.try_get(2)?;
        match (state.as_deref(), sha) {
            (Some(st @ ("submitted" | "approved" | "published")), Some(sha)) => {
                let number: i64 = r.try_get(4)?;
                out.units.push(StoredUpload {
                    upload_sha: sha,
                    file_name: r.try_get(3)?,
                    label: format!(
                        "{name} {year} 年度单位报告（第 {number} 版，{}）",
                        state_label(st)
                    ),
                });
            }
            (st, _) => out.units_missing.push(format!(
                "{name}（{}）",
                st.map_or("未开通本年度报告", state_label)
            )),
        }
    }
    Ok(out)
}

/// Reads and checks an upload against the other reports given (blocking: call
/// off the async workers). Those were read and checked before; one that cannot
/// be read now is left out (its rules skipped) rather than the upload refused.
/// An upload of another year than the report's is not last year's successor:
/// it is read without, and `build` then says which year it holds.
pub fn load_checked(
    store: &crate::store::Store,
    bytes: &[u8],
    name: &str,
    others: &Others,
) -> Result<juesuan_engine::Loaded, juesuan_engine::Failure> {
    fn read<'a>(
        store: &crate::store::Store,
        p: &'a StoredUpload,
    ) -> Option<(juesuan_engine::Loaded, &'a str)> {
        let b = store.get(&p.upload_sha).ok()?;
        juesuan_engine::load_upload(&b, &p.file_name, juesuan_engine::Against::default())
            .ok()
            .map(|l| (l, p.label.as_str()))
    }
    let prev = others.previous.as_ref().and_then(|p| read(store, p));
    let units: Vec<(juesuan_engine::Loaded, &str)> = others
        .units_to_sum()
        .iter()
        .map_while(|p| read(store, p))
        .collect();
    let units: Vec<(&juesuan_engine::Loaded, &str)> = if units.len() == others.units_to_sum().len()
    {
        units.iter().map(|(l, label)| (l, *label)).collect()
    } else {
        Vec::new()
    };
    let against = juesuan_engine::Against {
        previous: prev.as_ref().map(|(l, label)| (l, *label)),
        units: &units,
    };
    match juesuan_engine::load_upload(bytes, name, against) {
        Err(juesuan_engine::Failure::Other(_)) if prev.is_some() => {
            juesuan_engine::load_upload(bytes, name, juesuan_engine::Against::default())
        }
        other => other,
    }
}

/// Reads, checks and stores an upload as the report's next version; queues its
/// PDF. Nothing is stored when the file cannot be used. Returns the version id.
pub async fn upload(
    state: &Shared,
    user: &User,
    ip: &str,
    report: &ReportRow,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<i64, UploadError> {
    if !UPLOADABLE.contains(&report.state.as_str()) {
        return Err(UploadError::State(format!(
            "本报告{}，现在不能上传：审核退回后才能再上传",
            state_label(&report.state)
        )));
    }
    let name = file_name.to_string();
    let report_copy = report.clone();
    let store = state.store.clone();
    let others = others(&state.db, report.department_id, report.year, None).await?;
    // Reading and checking is CPU work: off the async workers.
    let prepared = tokio::task::spawn_blocking(move || {
        let loaded = load_checked(&store, &bytes, &name, &others)
            .map_err(|f| UploadError::Input(failure_lines(f)))?;
        let built = build(&loaded, &report_copy).map_err(UploadError::Input)?;
        let findings = to_json(&built.findings);
        let snapshot = to_json(&built.snapshot);
        let put = |b: &[u8]| store.put(b).map_err(UploadError::Storage);
        Ok::<_, UploadError>((
            put(&bytes)?,
            bytes.len(),
            put(&built.html)?,
            put(findings.as_bytes())?,
            put(snapshot.as_bytes())?,
            built,
        ))
    })
    .await
    .map_err(|_| UploadError::Input(vec!["读取上传文件时出现内部错误".to_string()]))??;
    let (upload_sha, size, html_sha, findings_sha, snapshot_sha, built) = prepared;
    let count = |level: &str| built.findings.iter().filter(|f| f.level == level).count() as i64;
    let mut tx = state.db.pool.begin().await?;
    let t = now();
    let next = sqlx::query(
        "UPDATE reports SET latest_version = latest_version + 1, state = 'draft', updated_at = $2 \
         WHERE id = $1 AND state IN ('open', 'draft', 'returned', 'published') RETURNING latest_version",
    )
    .bind(report.id)
    .bind(t)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(next) = next else {
        return Err(UploadError::State(
            "本报告刚刚已被提交或批准，这次上传未保存：请刷新页面查看".to_string(),
        ));
    };
    let number: i64 = next.try_get(0)?;
    let row = sqlx::query(
        "INSERT INTO versions (report_id, number, file_name, upload_sha, upload_size, html_sha, findings_sha, snapshot_sha, errors, warnings, infos, department_name, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(report.id)
    .bind(number)
    .bind(file_name)
    .bind(&upload_sha)
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    .bind(&html_sha)
    .bind(&findings_sha)
    .bind(&snapshot_sha)
    .bind(count("error"))
    .bind(count("warning"))
    .bind(count("info"))
    .bind(&built.department)
    .bind(user.id)
    .bind(t)
    .fetch_one(&mut *tx)
    .await?;
    let vid: i64 = row.try_get(0)?;
    sqlx::query(
        "INSERT INTO jobs (kind, target, state, created_at, updated_at) VALUES ('pdf', $1, 'queued', $2, $2)",
    )
    .bind(vid)
    .bind(t)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    state.jobs.notify_waiters();
    audit(
        &state.db,
        Some(user),
        ip,
        "上传",
        &format!("report:{}", report.id),
        &format!(
            "第 {number} 版 {file_name}（错误 {} 处，警告 {} 处）",
            count("error"),
            count("warning")
        ),
    )
    .await?;
    Ok(vid)
}

/// JSON of a stored value (these types always serialize; `null` if one did not).
pub fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}

/// A version's row.
#[derive(Clone, Debug, Serialize)]
pub struct VersionRow {
    /// Id.
    pub id: i64,
    /// Report id.
    pub report_id: i64,
    /// 1, 2, …
    pub number: i64,
    /// The uploaded file's name.
    pub file_name: String,
    /// Store names.
    pub upload_sha: String,
    /// The HTML preview.
    pub html_sha: String,
    /// The findings (JSON).
    pub findings_sha: String,
    /// The diff snapshot (JSON).
    pub snapshot_sha: String,
    /// The PDF, once built.
    pub pdf_sha: Option<String>,
    /// Counts.
    pub errors: i64,
    /// Counts.
    pub warnings: i64,
    /// Counts.
    pub infos: i64,
    /// Who uploaded.
    pub by: String,
    /// When.
    pub at: String,
    /// A correction's note.
    pub correction_note: Option<String>,
    /// Whether it has been published.
    pub published: bool,
    /// Whether the PDF is ready.
    pub pdf_ready: bool,
}

const VERSION_COLUMNS: &str = "v.id, v.report_id, v.number, v.file_name, v.upload_sha, v.html_sha, v.findings_sha, v.snapshot_sha, v.pdf_sha, v.errors, v.warnings, v.infos, u.display_name, v.uploaded_at, v.correction_note, \
     (SELECT COUNT(*) FROM publications p WHERE p.version_id = v.id) \
     FROM versions v JOIN users u ON u.id = v.uploaded_by";

fn version_row(r: &sqlx::any::AnyRow) -> Result<VersionRow, sqlx::Error> {
    let pdf_sha: Option<String> = r.try_get(8)?;
    Ok(VersionRow {
        id: r.try_get(0)?,
        report_id: r.try_get(1)?,
        number: r.try_get(2)?,
        file_name: r.try_get(3)?,
        upload_sha: r.try_get(4)?,
        html_sha: r.try_get(5)?,
        findings_sha: r.try_get(6)?,
        snapshot_sha: r.try_get(7)?,
        pdf_ready: pdf_sha.is_some(),
        pdf_sha,
        errors: r.try_get(9)?,
        warnings: r.try_get(10)?,
        infos: r.try_get(11)?,
        by: r.try_get(12)?,
        at: crate::time::format_time(r.try_get(13)?),
        correction_note: r.try_get(14)?,
        published: r.try_get::<i64, _>(15)? > 0,
    })
}

/// One version by id.
pub async fn version(db: &Db, id: i64) -> Result<Option<VersionRow>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {VERSION_COLUMNS} WHERE v.id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    row.as_ref().map(version_row).transpose()
}

/// A report's versions, newest first.
pub async fn versions(db: &Db, report_id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} WHERE v.report_id = $1 ORDER BY v.number DESC"
    ))
    .bind(report_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(version_row).collect()
}

/// A version by its report and number.
pub async fn version_by_number(
    db: &Db,
    report_id: i64,
    number: i64,
) -> Result<Option<VersionRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {VERSION_COLUMNS} WHERE v.report_id = $1 AND v.number = $2"
    ))
    .bind(report_id)
    .bind(number)
    .fetch_optional(&db.pool)
    .await?;
    row.as_ref().map(version_row).transpose()
}

/// A version's stored findings.
pub fn findings(state: &Shared, v: &VersionRow) -> Result<Vec<StoredFinding>, String> {
    let bytes = state.store.get(&v.findings_sha)?;
    serde_json::from_slice(&bytes).map_err(|e| format!("检查结果无法读取：{e}"))
}

/// A version's explanations, by finding index.
pub async fn explanations(db: &Db, version_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT finding, text FROM explanations WHERE version_id = $1 ORDER BY finding",
    )
    .bind(version_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

/// Why a version cannot be submitted, if it cannot.
pub fn blockers(
    v: &VersionRow,
    findings: &[StoredFinding],
    explained: &[(i64, String)],
) -> Vec<String> {
    let mut out = Vec::new();
    if v.errors > 0 {
        out.push(format!("有 {} 处错误：改正后重新上传", v.errors));
    }
    let inputs = findings.iter().filter(|f| f.is_missing_input()).count();
    if inputs > 0 {
        out.push(format!(
            "情况说明缺少 {inputs} 项所需的输入：补齐后重新上传（不完整的报告不能报送）"
        ));
    }
    let missing = findings
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            f.explainable()
                && !explained
                    .iter()
                    .any(|(j, t)| *j == *i as i64 && !t.trim().is_empty())
        })
        .count();
    if missing > 0 {
        out.push(format!(
            "有 {missing} 处警告未写说明：保留的每处警告都须说明原因"
        ));
    }
    out
}

/// Outcome of a state change that another person may have made first.
pub enum Change {
    /// Done.
    Done,
    /// Not done, with why (shown as 409).
    Refused(String),
}

/// Submits a version: only the latest, without errors, every warning explained;
/// one of two concurrent submissions wins.
pub async fn submit(
    state: &Shared,
    user: &User,
    ip: &str,
    report: &ReportRow,
    v: &VersionRow,
    correction: Option<&str>,
) -> Result<Change, sqlx::Error> {
    let t = now();
    let mut tx = state.db.pool.begin().await?;
    if let Some(note) = correction {
        sqlx::query("UPDATE versions SET correction_note = $1 WHERE id = $2")
            .bind(note)
            .bind(v.id)
            .execute(&mut *tx)
            .await?;
    }
    let done = sqlx::query(
        "UPDATE reports SET state = 'submitted', submitted_version = $1, updated_at = $2 \
         WHERE id = $3 AND state IN ('draft', 'returned') AND latest_version = $4",
    )
    .bind(v.id)
    .bind(t)
    .bind(report.id)
    .bind(v.number)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Change::Refused(
            "未能提交：本报告已被提交（可能是同部门的另一位填报人刚刚提交），或已有更新的版本。请刷新页面查看当前状态。".to_string(),
        ));
    }
    tx.commit().await?;
    audit(
        &state.db,
        Some(user),
        ip,
        "提交",
        &format!("report:{}", report.id),
        &format!("第 {} 版", v.number),
    )
    .await?;
    Ok(Change::Done)
}

/// Returns a submitted version with comments.
pub async fn return_version(
    state: &Shared,
    user: &User,
    ip: &str,
    report: &ReportRow,
    v: &VersionRow,
    comments: &[(String, String)],
) -> Result<Change, sqlx::Error> {
    let t = now();
    let mut tx = state.db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE reports SET state = 'returned', updated_at = $1 WHERE id = $2 AND state = 'submitted' AND submitted_version = $3",
    )
    .bind(t)
    .bind(report.id)
    .bind(v.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Change::Refused(
            "未能退回：这个版本已不在待审核状态（可能已被他人处理）。".to_string(),
        ));
    }
    for (anchor, text) in comments {
        sqlx::query("INSERT INTO comments (version_id, anchor, text, user_id, at) VALUES ($1, $2, $3, $4, $5)")
            .bind(v.id)
            .bind(anchor)
            .bind(text)
            .bind(user.id)
            .bind(t)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    audit(
        &state.db,
        Some(user),
        ip,
        "退回",
        &format!("report:{}", report.id),
        &format!("第 {} 版，意见 {} 条", v.number, comments.len()),
    )
    .await?;
    Ok(Change::Done)
}

/// Approves a submitted version and queues its publication.
pub async fn approve(
    state: &Shared,
    user: &User,
    ip: &str,
    report: &ReportRow,
    v: &VersionRow,
) -> Result<Change, sqlx::Error> {
    let t = now();
    let mut tx = state.db.pool.begin().await?;
    let done = sqlx::query(
        "UPDATE reports SET state = 'approved', updated_at = $1 WHERE id = $2 AND state = 'submitted' AND submitted_version = $3",
    )
    .bind(t)
    .bind(report.id)
    .bind(v.id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        tx.rollback().await?;
        return Ok(Change::Refused(
            "未能批准：这个版本已不在待审核状态（可能已被他人处理）。".to_string(),
        ));
    }
    sqlx::query("INSERT INTO jobs (kind, target, state, created_at, updated_at) VALUES ('publish', $1, 'queued', $2, $2)")
        .bind(v.id)
        .bind(t)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    state.jobs.notify_waiters();
    audit(
        &state.db,
        Some(user),
        ip,
        "批准",
        &format!("report:{}", report.id),
        &format!("第 {} 版，已排队公开", v.number),
    )
    .await?;
    Ok(Change::Done)
}

/// A version's comments.
pub async fn comments(db: &Db, version_id: i64) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.anchor, c.text, u.display_name, c.at FROM comments c JOIN users u ON u.id = c.user_id WHERE c.version_id = $1 ORDER BY c.id",
    )
    .bind(version_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(serde_json::json!({
                "anchor": r.try_get::<String, _>(0)?,
                "text": r.try_get::<String, _>(1)?,
                "who": r.try_get::<String, _>(2)?,
                "at": crate::time::format_time(r.try_get(3)?),
            }))
        })
        .collect()
}

/// Whether a report has been published at least once (a new version is then a
/// correction and needs its 更正说明).
pub async fn has_publication(db: &Db, report_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM publications WHERE report_id = $1")
        .bind(report_id)
        .fetch_one(&db.pool)
        .await?
        .try_get(0)?;
    Ok(n > 0)
}
