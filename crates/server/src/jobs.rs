//! Long work as jobs in the database: a version's PDF (`pdf`) and a publication
//! (`publish`). Workers claim one job at a time — on PostgreSQL with
//! `FOR UPDATE SKIP LOCKED`, so several `serve` processes on several machines
//! share the queue; on SQLite the claim is one write transaction — and hold it
//! for a lease they extend while they work. A worker that dies (kill -9, power)
//! leaves its lease to expire; the next worker takes the job again from the
//! start. Every job is idempotent: a PDF is stored under its digest, and a
//! publication is one transaction that inserts it only if it is not there yet,
//! so a half-done publication is never visible.

use crate::db::{Backend, now};
use crate::web::{Shared, log};
use juesuan_engine::Format;
use sqlx::Row;
use std::time::Duration;

/// How long a claim holds without being extended, by default.
pub const LEASE_SECONDS: i64 = 120;

/// The environment variable that sets the lease in seconds (tests of a killed
/// server use a short one; several slow machines may want a longer one).
pub const LEASE_ENV: &str = "JUESUAN_JOB_LEASE_SECONDS";

/// The lease in force: [`LEASE_ENV`] when a positive number, else [`LEASE_SECONDS`].
pub fn lease_seconds() -> i64 {
    std::env::var(LEASE_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(LEASE_SECONDS)
}
/// Attempts before a job is marked failed.
pub const MAX_ATTEMPTS: i64 = 3;

/// A claimed job.
#[derive(Debug)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// `pdf` or `publish`.
    pub kind: String,
    /// The version it is for.
    pub target: i64,
    /// This attempt's number (1 for the first).
    pub attempts: i64,
}

/// Claims the oldest waiting job (or one whose lease expired).
pub async fn claim(state: &Shared) -> Result<Option<Job>, sqlx::Error> {
    let t = now();
    let lock = match state.db.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_until = $1, updated_at = $2 \
         WHERE id = (SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < $2) \
         ORDER BY id LIMIT 1{lock}) RETURNING id, kind, target, attempts"
    );
    let row = sqlx::query(&sql)
        .bind(t + lease_seconds())
        .bind(t)
        .fetch_optional(&state.db.pool)
        .await?;
    row.map(|r| {
        Ok(Job {
            id: r.try_get(0)?,
            kind: r.try_get(1)?,
            target: r.try_get(2)?,
            attempts: r.try_get(3)?,
        })
    })
    .transpose()
}

async fn progress(
    state: &Shared,
    job: &Job,
    percent: i64,
    message: &str,
) -> Result<(), sqlx::Error> {
    let t = now();
    sqlx::query("UPDATE jobs SET progress = $1, message = $2, lease_until = $3, updated_at = $4 WHERE id = $5")
        .bind(percent)
        .bind(message)
        .bind(t + lease_seconds())
        .bind(t)
        .bind(job.id)
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

async fn finish(state: &Shared, job: &Job, outcome: Result<(), String>) -> Result<(), sqlx::Error> {
    let (st, msg) = match &outcome {
        Ok(()) => ("done", "完成".to_string()),
        Err(m) if job.attempts >= MAX_ATTEMPTS => ("failed", m.clone()),
        Err(m) => ("queued", format!("第 {} 次失败，将重试：{m}", job.attempts)),
    };
    sqlx::query("UPDATE jobs SET state = $1, message = $2, progress = $3, updated_at = $4, lease_until = 0 WHERE id = $5")
        .bind(st)
        .bind(&msg)
        .bind(if st == "done" { 100 } else { 0 })
        .bind(now())
        .bind(job.id)
        .execute(&state.db.pool)
        .await?;
    if st != "done" {
        log(
            "job",
            &format!("任务 {} （{} {}）：{msg}", job.id, job.kind, job.target),
        );
    }
    Ok(())
}

/// The fonts, loaded on first use (once per process).
pub(crate) fn fonts(state: &Shared) -> Result<juesuan_engine::Fonts, String> {
    if let Some(f) = state.fonts.get() {
        return Ok(f.clone());
    }
    let loaded = juesuan_pdf::load_fonts(&[], false).map_err(|e| e.to_string())?;
    Ok(state.fonts.get_or_init(|| loaded).clone())
}

/// Rendered files: (name, bytes).
type Files = Vec<(String, Vec<u8>)>;

/// Loads a version's upload again (against the other reports given — last
/// year's publication, the units' reports — so that the published findings
/// include the cross-year and unit ones) and renders `formats`.
fn render_version(
    state: &Shared,
    upload_sha: &str,
    file_name: &str,
    others: &crate::flow::Others,
    formats: &[Format],
) -> Result<(Files, juesuan_engine::city::Headline), String> {
    let bytes = state.store.get(upload_sha)?;
    let loaded = crate::flow::load_checked(&state.store, &bytes, file_name, others)
        .map_err(|f| crate::flow::failure_lines(f).join("；"))?;
    let fonts = if formats.contains(&Format::Pdf) {
        Some(fonts(state)?)
    } else {
        None
    };
    Ok((
        juesuan_engine::render(&loaded, formats, fonts)?.files,
        juesuan_engine::city::headline(&loaded),
    ))
}

/// One error or warning the audit finds in a published PDF.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct AuditedFinding {
    /// Rule id (`AU-CHANGE`).
    pub rule: String,
    /// 错误 or 警告.
    pub severity: String,
    /// Where, in the PDF (`report.pdf 第12页 第 3 行`, `公开05表 …`).
    pub at: String,
    /// What.
    pub message: String,
}

/// What the audit finds in a published PDF: counts of errors and warnings and
/// each of them, or why it could not be audited.
pub(crate) struct PdfAudit {
    pub errors: Option<i64>,
    pub warnings: Option<i64>,
    pub findings: Vec<AuditedFinding>,
    pub note: Option<String>,
}

/// Audits a PDF as `juesuan audit` would a report from the web (poppler reads
/// it back; nothing of our own input is used). Messages name it `report.pdf`.
fn audit_pdf(pdf: &[u8]) -> PdfAudit {
    let failed = |note: String| PdfAudit {
        errors: None,
        warnings: None,
        findings: Vec::new(),
        note: Some(note),
    };
    let Ok(dir) = tempfile::tempdir() else {
        return failed("无法建立临时目录".to_string());
    };
    let path = dir.path().join("report.pdf");
    if let Err(e) = std::fs::write(&path, pdf) {
        return failed(format!("无法写出 PDF：{e}"));
    }
    let shown = path.display().to_string();
    let clean = |s: String| s.replace(&shown, "report.pdf");
    match juesuan_audit::audit_path(&path) {
        Ok(a) => {
            let count = |sev: juesuan_model::Severity| {
                let n = a.findings.iter().filter(|f| f.severity == sev).count();
                Some(i64::try_from(n).unwrap_or(i64::MAX))
            };
            PdfAudit {
                errors: count(juesuan_model::Severity::Error),
                warnings: count(juesuan_model::Severity::Warning),
                findings: a
                    .findings
                    .iter()
                    .filter(|f| f.severity >= juesuan_model::Severity::Warning)
                    .map(|f| AuditedFinding {
                        rule: f.rule.clone(),
                        severity: f.severity.label().to_string(),
                        at: clean(f.location.to_string()),
                        message: clean(f.message.clone()),
                    })
                    .collect(),
                note: None,
            }
        }
        Err(e) => failed(clean(e.to_string())),
    }
}

/// Runs one job to its end.
pub async fn run(state: &Shared, job: &Job) -> Result<(), sqlx::Error> {
    let outcome = match job.kind.as_str() {
        "pdf" => pdf(state, job).await,
        "publish" => publish(state, job).await,
        other => Err(format!("未知的任务类型 {other}")),
    };
    finish(state, job, outcome).await
}

async fn pdf(state: &Shared, job: &Job) -> Result<(), String> {
    let row = sqlx::query("SELECT upload_sha, file_name, pdf_sha FROM versions WHERE id = $1")
        .bind(job.target)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("版本不存在")?;
    if row
        .try_get::<Option<String>, _>(2)
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Ok(());
    }
    let (sha, name): (String, String) = (
        row.try_get(0).map_err(|e| e.to_string())?,
        row.try_get(1).map_err(|e| e.to_string())?,
    );
    progress(state, job, 10, "排版 PDF")
        .await
        .map_err(|e| e.to_string())?;
    let st = state.clone();
    let pdf_sha = tokio::task::spawn_blocking(move || {
        let (files, _) = render_version(
            &st,
            &sha,
            &name,
            &crate::flow::Others::default(),
            &[Format::Pdf],
        )?;
        let pdf = files.into_iter().next().ok_or("PDF 未生成")?.1;
        st.store.put(&pdf)
    })
    .await
    .map_err(|_| "PDF 排版中断".to_string())??;
    sqlx::query("UPDATE versions SET pdf_sha = $1 WHERE id = $2")
        .bind(&pdf_sha)
        .bind(job.target)
        .execute(&state.db.pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The text searched for a publication: department, year, every table row
/// (科目 codes and names) and every sentence.
fn search_text(snapshot: &juesuan_engine::diff::Snapshot, department: &str, year: i64) -> String {
    let mut s = format!("{department} {year}\n");
    for (k, v) in &snapshot.rows {
        s.push_str(k);
        for cell in v.split(" | ").filter(|c| !c.trim().is_empty()) {
            s.push(' ');
            s.push_str(cell);
        }
        s.push('\n');
    }
    for (_, sentence) in &snapshot.sentences {
        s.push_str(sentence);
        s.push('\n');
    }
    s
}

async fn publish(state: &Shared, job: &Job) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    let row = sqlx::query(
        "SELECT v.report_id, v.upload_sha, v.file_name, v.snapshot_sha, v.correction_note, v.department_name, r.year, r.department_id, v.uploaded_at \
         FROM versions v JOIN reports r ON r.id = v.report_id WHERE v.id = $1",
    )
    .bind(job.target)
    .fetch_optional(&state.db.pool)
    .await
    .map_err(e)?
    .ok_or("版本不存在")?;
    let report_id: i64 = row.try_get(0).map_err(e)?;
    let upload_sha: String = row.try_get(1).map_err(e)?;
    let file_name: String = row.try_get(2).map_err(e)?;
    let snapshot_sha: String = row.try_get(3).map_err(e)?;
    let note: Option<String> = row.try_get(4).map_err(e)?;
    let department: String = row.try_get(5).map_err(e)?;
    let year: i64 = row.try_get(6).map_err(e)?;
    // Against last year's publication as it stood when this version was uploaded:
    // the findings published are those the preparer and the reviewer saw.
    let others = crate::flow::others(
        &state.db,
        row.try_get(7).map_err(e)?,
        year,
        Some(row.try_get(8).map_err(e)?),
    )
    .await
    .map_err(e)?;
    let already = sqlx::query("SELECT id FROM publications WHERE version_id = $1")
        .bind(job.target)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(e)?;
    if already.is_some() {
        return Ok(());
    }
    progress(state, job, 10, "生成 PDF、HTML、Excel 与开放数据，审读 PDF")
        .await
        .map_err(e)?;
    let st = state.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let (files, headline) =
            render_version(&st, &upload_sha, &file_name, &others, &Format::ALL)?;
        let mut out = Vec::new();
        let mut pdf = None;
        for (name, bytes) in files {
            let sha = st.store.put(&bytes)?;
            out.push((name.clone(), sha, bytes.len()));
            if name == "report.pdf" {
                pdf = Some(bytes);
            }
        }
        let snapshot: juesuan_engine::diff::Snapshot =
            serde_json::from_slice(&st.store.get(&snapshot_sha)?).map_err(|e| e.to_string())?;
        let audit = pdf.map_or_else(
            || PdfAudit {
                errors: None,
                warnings: None,
                findings: Vec::new(),
                note: Some("没有 PDF".to_string()),
            },
            |b| audit_pdf(&b),
        );
        Ok::<_, String>((out, snapshot, headline, audit))
    })
    .await
    .map_err(|_| "公开文件生成中断".to_string())??;
    let (files, snapshot, headline, audit) = stored;
    progress(state, job, 90, "写入公开记录").await.map_err(e)?;
    let t = now();
    let mut tx = state.db.pool.begin().await.map_err(e)?;
    let number: i64 = sqlx::query("SELECT COUNT(*) FROM publications WHERE report_id = $1")
        .bind(report_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(e)?
        .try_get::<i64, _>(0)
        .map_err(e)?
        + 1;
    let text = search_text(&snapshot, &department, year);
    let pid: i64 = sqlx::query(
        "INSERT INTO publications (report_id, version_id, number, published_at, correction_note, search_text) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(report_id)
    .bind(job.target)
    .bind(number)
    .bind(t)
    .bind(if number > 1 { note } else { None })
    .bind(&text)
    .fetch_one(&mut *tx)
    .await
    .map_err(e)?
    .try_get(0)
    .map_err(e)?;
    crate::search::index(state.db.backend, &mut tx, pid, &text)
        .await
        .map_err(e)?;
    sqlx::query("INSERT INTO publication_headlines (publication_id, headline) VALUES ($1, $2)")
        .bind(pid)
        .bind(crate::flow::to_json(&headline))
        .execute(&mut *tx)
        .await
        .map_err(e)?;
    sqlx::query(
        "INSERT INTO publication_audits (publication_id, errors, warnings, findings, note) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(pid)
    .bind(audit.errors)
    .bind(audit.warnings)
    .bind(crate::flow::to_json(&audit.findings))
    .bind(audit.note.as_deref())
    .execute(&mut *tx)
    .await
    .map_err(e)?;
    for (name, sha, size) in &files {
        sqlx::query("INSERT INTO publication_files (publication_id, name, sha, size) VALUES ($1, $2, $3, $4)")
            .bind(pid)
            .bind(name)
            .bind(sha)
            .bind(i64::try_from(*size).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await
            .map_err(e)?;
    }
    sqlx::query("UPDATE reports SET state = 'published', updated_at = $1 WHERE id = $2 AND state = 'approved'")
        .bind(t)
        .bind(report_id)
        .execute(&mut *tx)
        .await
        .map_err(e)?;
    tx.commit().await.map_err(e)?;
    state.published.clear_pages();
    crate::flow::audit(
        &state.db,
        None,
        "-",
        "公开",
        &format!("report:{report_id}"),
        &format!("第 {number} 版公开（{} 个文件）", files.len()),
    )
    .await
    .map_err(e)?;
    Ok(())
}

/// Waits for and runs jobs until the process ends. `idle` is how long to sleep
/// when nothing waits and no one rings.
pub async fn worker(state: Shared, idle: Duration) {
    loop {
        let notified = state.jobs.notified();
        match claim(&state).await {
            Ok(Some(job)) => {
                if let Err(err) = run(&state, &job).await {
                    log("job", &format!("任务 {} 无法记录结果：{err}", job.id));
                }
            }
            Ok(None) => {
                let _ = tokio::time::timeout(idle, notified).await;
            }
            Err(err) => {
                log("job", &format!("无法领取任务：{err}"));
                tokio::time::sleep(idle).await;
            }
        }
    }
}

/// Runs every waiting job now (tests, `admin`, the demo): returns how many ran.
pub async fn drain(state: &Shared) -> Result<usize, sqlx::Error> {
    let mut n = 0;
    while let Some(job) = claim(state).await? {
        run(state, &job).await?;
        n += 1;
    }
    Ok(n)
}

/// Queues a failed job of a version again (its attempts from zero): the one a
/// person retries after fixing what made it fail (a font, the disk). False when
/// no job of that kind and target has failed.
pub async fn retry(state: &Shared, kind: &str, target: i64, by: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempts = 0, progress = 0, lease_until = 0, message = $1, updated_at = $2 \
         WHERE id = (SELECT MAX(id) FROM jobs WHERE kind = $3 AND target = $4) AND state = 'failed'",
    )
    .bind(format!("{by} 重新排队"))
    .bind(now())
    .bind(kind)
    .bind(target)
    .execute(&state.db.pool)
    .await?
    .rows_affected()
        > 0;
    if done {
        state.jobs.notify_waiters();
    }
    Ok(done)
}

/// The latest job of a kind for a version, as (state, progress, message).
pub async fn status(
    state: &Shared,
    kind: &str,
    target: i64,
) -> Result<Option<(String, i64, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT state, progress, message FROM jobs WHERE kind = $1 AND target = $2 ORDER BY id DESC LIMIT 1")
        .bind(kind)
        .bind(target)
        .fetch_optional(&state.db.pool)
        .await?;
    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .transpose()
}
