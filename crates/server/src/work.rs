//! The departments' and reviewers' pages: the work list, a report's versions, a
//! version's findings, explanations, diff and preview; upload, submit, return,
//! approve. A department's drafts are visible only to its own users and the
//! bureau: anyone else asking for one by id gets the same 404 as for an id that
//! does not exist.

use crate::auth::{Role, User};
use crate::flow::{self, Change, ReportRow, UploadError, VersionRow};
use crate::pages;
use crate::web::{
    Fields, Page, Shared, Viewer, conflict, db_error, forbidden_page, id, internal, not_found,
};
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde_json::json;
use sqlx::Row;

/// `/work`: by role — a department's reports; the reviewer's queue and all reports.
pub async fn home(State(state): State<Shared>, Extension(viewer): Extension<Viewer>) -> Page {
    let user = viewer.require("/work")?;
    let db = db_error(&viewer);
    let department = match user.department_id {
        Some(d) if user.role == Role::Preparer => Some(d),
        _ => None,
    };
    if user.role == Role::Preparer && department.is_none() {
        return Err(forbidden_page(
            &viewer,
            "您的账号没有关联部门，请联系财政局管理员。",
        ));
    }
    let reports = flow::reports(&state.db, department).await.map_err(&db)?;
    let name = reports.first().map(|r| r.department.clone());
    let queue = if user.is_bureau() {
        let rows = sqlx::query(
            "SELECT v.id, d.name, r.year, v.number, v.warnings, r.updated_at FROM reports r \
             JOIN versions v ON v.id = r.submitted_version JOIN departments d ON d.id = r.department_id \
             WHERE r.state = 'submitted' ORDER BY r.updated_at",
        )
        .fetch_all(&state.db.pool)
        .await
        .map_err(&db)?;
        let mut q = Vec::new();
        for r in &rows {
            q.push(json!({
                "version_id": r.try_get::<i64, _>(0).map_err(&db)?,
                "department": r.try_get::<String, _>(1).map_err(&db)?,
                "year": r.try_get::<i64, _>(2).map_err(&db)?,
                "number": r.try_get::<i64, _>(3).map_err(&db)?,
                "warnings": r.try_get::<i64, _>(4).map_err(&db)?,
                "at": crate::time::format_time(r.try_get(5).map_err(&db)?),
            }));
        }
        Some(q)
    } else {
        None
    };
    let mut ctx = context! {
        title => "工作台", role_label => user.role.label(), reports => reports,
        department => if department.is_some() { name } else { None },
        ..viewer.base()
    };
    if let Some(q) = queue {
        ctx = context! { queue => q, ..ctx };
    }
    Ok(pages::render(StatusCode::OK, "work.html", ctx))
}

/// The report, if this user may see it; otherwise 404.
async fn visible_report(
    state: &Shared,
    viewer: &Viewer,
    user: &User,
    rid: i64,
) -> Result<ReportRow, Response> {
    let r = flow::report(&state.db, rid)
        .await
        .map_err(db_error(viewer))?
        .ok_or_else(|| not_found(viewer))?;
    if flow::may_see(user, &r) {
        Ok(r)
    } else {
        Err(not_found(viewer))
    }
}

/// The version and its report, if this user may see them; otherwise 404.
async fn visible_version(
    state: &Shared,
    viewer: &Viewer,
    user: &User,
    vid: i64,
) -> Result<(ReportRow, VersionRow), Response> {
    let v = flow::version(&state.db, vid)
        .await
        .map_err(db_error(viewer))?
        .ok_or_else(|| not_found(viewer))?;
    let r = visible_report(state, viewer, user, v.report_id).await?;
    Ok((r, v))
}

async fn events(state: &Shared, rid: i64) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.at, COALESCE(u.display_name, '平台'), a.action, a.detail FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
         WHERE a.target = $1 ORDER BY a.id DESC LIMIT 100",
    )
    .bind(format!("report:{rid}"))
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(json!({
                "at": crate::time::format_time(r.try_get(0)?),
                "who": r.try_get::<String, _>(1)?,
                "what": r.try_get::<String, _>(2)?,
                "detail": r.try_get::<String, _>(3)?,
            }))
        })
        .collect()
}

async fn report_page(
    state: &Shared,
    viewer: &Viewer,
    user: &User,
    r: &ReportRow,
    upload_errors: Vec<String>,
    status: StatusCode,
) -> Page {
    let db = db_error(viewer);
    let versions = flow::versions(&state.db, r.id).await.map_err(&db)?;
    let public_url = if versions.iter().any(|v| v.published) {
        Some(format!("/r/{}/{}/", r.code, r.year))
    } else {
        None
    };
    let own = user.department_id == Some(r.department_id) && user.role == Role::Preparer;
    let can_upload = own && flow::UPLOADABLE.contains(&r.state.as_str());
    let upload_note = if own && !can_upload {
        Some(format!("本报告{}，审核退回后才能再上传。", r.state_label))
    } else {
        None
    };
    // Units that submit their own reports: which are summed, which are awaited.
    let others = flow::others(&state.db, r.department_id, r.year, None)
        .await
        .map_err(&db)?;
    let units: Vec<&str> = others.units.iter().map(|u| u.label.as_str()).collect();
    Ok(pages::render(
        status,
        "report.html",
        context! {
            title => format!("{} {} 年度", r.department, r.year), r => r, public_url => public_url,
            units => units, units_missing => others.units_missing,
            versions => versions.clone(), has_versions => !versions.is_empty(), can_upload => can_upload,
            upload_note => upload_note, upload_errors => upload_errors,
            events => events(state, r.id).await.map_err(&db)?,
            ..viewer.base()
        },
    ))
}

/// `/work/reports/{id}`.
pub async fn report(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/reports/{raw}"))?;
    let r = visible_report(&state, &viewer, user, id(&viewer, &raw)?).await?;
    report_page(&state, &viewer, user, &r, Vec::new(), StatusCode::OK).await
}

/// `/work/reports/{id}/form.xlsx`: the department's workbook — its latest upload
/// when that was a workbook, else a blank form with its name, year and template,
/// carrying last year's publication over (上年数, 年初结转和结余) when there is one.
pub async fn form(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/reports/{raw}"))?;
    let r = visible_report(&state, &viewer, user, id(&viewer, &raw)?).await?;
    let latest = flow::version_by_number(&state.db, r.id, r.latest_version)
        .await
        .map_err(db_error(&viewer))?;
    let previous = flow::previous_upload(&state.db, r.department_id, r.year, None)
        .await
        .map_err(db_error(&viewer))?;
    let st = state.clone();
    let rr = r.clone();
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, String> {
        if let Some(v) = latest {
            let upload = st.store.get(&v.upload_sha)?;
            if let Ok((report, profile)) =
                juesuan_xlsx::form::read_workbook_bytes(&upload, &v.file_name)
            {
                return juesuan_xlsx::form::form(&report, profile).map_err(|e| e.to_string());
            }
        }
        let profile = juesuan_profile::builtin(&rr.profile).map_err(|e| e.to_string())?;
        let year = i32::try_from(rr.year).map_err(|_| "年度无效".to_string())?;
        let mut report = juesuan_xlsx::form::empty_report(profile, &rr.department, year);
        // A first form of the year carries last year's publication over: its
        // figures as 上年数, its closing balances as this year's opening ones.
        if let Some(p) = &previous
            && let Ok(bytes) = st.store.get(&p.upload_sha)
            && let Ok(last) = juesuan_engine::load_upload(&bytes, &p.file_name, Default::default())
        {
            juesuan_engine::carry::carry_over(&mut report, profile, &last);
        }
        juesuan_xlsx::form::form(&report, profile).map_err(|e| e.to_string())
    })
    .await
    .map_err(|_| internal(&viewer, "工作簿生成中断"))?
    .map_err(|e| internal(&viewer, &e))?;
    let mut resp = crate::public::serve_bytes("form.xlsx", bytes, false);
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
        "attachment; filename=\"form.xlsx\"; filename*=UTF-8''{}",
        crate::web::encode(&format!("{}{}年度决算公开.xlsx", r.department, r.year))
    )) {
        resp.headers_mut()
            .insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

/// `POST /work/reports/{id}/upload` (multipart, field `file`).
pub async fn upload(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let user = viewer.require(&format!("/work/reports/{raw}"))?;
    let r = visible_report(&state, &viewer, user, id(&viewer, &raw)?).await?;
    if user.role != Role::Preparer || user.department_id != Some(r.department_id) {
        return Err(forbidden_page(&viewer, "只有本部门的填报人员可以上传。"));
    }
    let mut multipart = multipart.map_err(|_| {
        crate::web::bad_field(&viewer, "file", "不是文件上传表单（multipart/form-data）")
    })?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                if field.name() != Some("file") {
                    continue;
                }
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| "上传文件".to_string());
                let name: String = name.chars().filter(|c| !c.is_control()).take(120).collect();
                match field.bytes().await {
                    Ok(b) => file = Some((name, b.to_vec())),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        return Err(crate::web::too_large(&viewer, state.upload_limit));
                    }
                    Err(_) => {
                        return Err(crate::web::bad_field(
                            &viewer,
                            "file",
                            "文件上传中断，请重试",
                        ));
                    }
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(crate::web::too_large(&viewer, state.upload_limit));
            }
            Err(_) => return Err(crate::web::bad_field(&viewer, "file", "上传的表单无法读取")),
        }
    }
    let Some((name, bytes)) = file else {
        return Err(crate::web::bad_field(&viewer, "file", "没有选择文件"));
    };
    match flow::upload(&state, user, &viewer.ip, &r, &name, bytes).await {
        Ok(vid) => Ok(Redirect::to(&format!("/work/versions/{vid}")).into_response()),
        Err(UploadError::Input(lines)) => {
            let _ = flow::audit(
                &state.db,
                Some(user),
                &viewer.ip,
                "上传被拒",
                &format!("report:{}", r.id),
                &format!("{name}：{} 处错误", lines.len()),
            )
            .await;
            Err(report_page(
                &state,
                &viewer,
                user,
                &r,
                lines,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await?)
        }
        Err(UploadError::State(m)) => {
            Err(conflict(&viewer, &m, &format!("/work/reports/{}", r.id)))
        }
        Err(UploadError::Storage(m)) => Err(crate::web::storage(&viewer, &m)),
        Err(UploadError::Db(e)) => Err(internal(&viewer, &format!("数据库错误：{e}"))),
    }
}

/// Places a reviewer can tie a comment to: every table and section of the version.
fn anchors(snapshot: &juesuan_engine::diff::Snapshot) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (k, _) in &snapshot.rows {
        let table = k.split(" · ").next().unwrap_or(k).to_string();
        if !out.contains(&table) {
            out.push(table);
        }
    }
    for (section, _) in &snapshot.sentences {
        let s = format!("情况说明 {section}");
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// `/work/versions/{id}`: findings, explanations, diff with the previous version,
/// preview links, and the actions this user may take.
pub async fn version(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (r, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    let db = db_error(&viewer);
    let store_err = |e: String| internal(&viewer, &e);
    let all = flow::findings(&state, &v).map_err(store_err)?;
    let explained = flow::explanations(&state.db, v.id).await.map_err(&db)?;
    let snapshot: juesuan_engine::diff::Snapshot =
        serde_json::from_slice(&state.store.get(&v.snapshot_sha).map_err(store_err)?)
            .map_err(|e| internal(&viewer, &e.to_string()))?;
    let changes = match flow::version_by_number(&state.db, r.id, v.number - 1)
        .await
        .map_err(&db)?
    {
        Some(prev) => {
            let old: juesuan_engine::diff::Snapshot =
                serde_json::from_slice(&state.store.get(&prev.snapshot_sha).map_err(store_err)?)
                    .map_err(|e| internal(&viewer, &e.to_string()))?;
            Some(juesuan_engine::diff::diff(&old, &snapshot))
        }
        None => None,
    };
    let shown: Vec<serde_json::Value> = all
        .iter()
        .enumerate()
        .filter(|(_, f)| f.level != "info")
        .map(|(i, f)| {
            let explanation = explained
                .iter()
                .find(|(j, _)| *j == i as i64)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            let mut val = serde_json::to_value(f).unwrap_or_default();
            if let Some(o) = val.as_object_mut() {
                o.insert("explanation".into(), json!(explanation));
                o.insert("explainable".into(), json!(f.explainable()));
                o.insert("index".into(), json!(i));
            }
            val
        })
        .collect();
    let own = user.role == Role::Preparer && user.department_id == Some(r.department_id);
    let latest = v.number == r.latest_version;
    let can_explain = own && latest && matches!(r.state.as_str(), "draft" | "returned");
    let can_submit = can_explain;
    let can_review =
        user.is_bureau() && r.state == "submitted" && r.submitted_version == Some(v.id);
    let published_before = flow::has_publication(&state.db, r.id).await.map_err(&db)?;
    let job = crate::jobs::status(&state, "pdf", v.id)
        .await
        .map_err(&db)?;
    let publish_job = crate::jobs::status(&state, "publish", v.id)
        .await
        .map_err(&db)?;
    // A failed job can be queued again: the PDF by whoever sees the version, the
    // publication by the bureau.
    let can_retry = job.as_ref().is_some_and(|j| j.0 == "failed")
        || (user.is_bureau() && publish_job.as_ref().is_some_and(|j| j.0 == "failed"));
    let pending = !v.pdf_ready
        && job
            .as_ref()
            .is_some_and(|j| j.0 == "queued" || j.0 == "running");
    Ok(pages::render(
        StatusCode::OK,
        "version.html",
        context! {
            title => format!("{} {} 第 {} 版", r.department, r.year, v.number),
            r => r, v => v, findings => shown, changes => changes,
            comments => flow::comments(&state.db, v.id).await.map_err(&db)?,
            blockers => flow::blockers(&v, &all, &explained),
            can_explain => can_explain, can_submit => can_submit, can_review => can_review,
            correction => published_before, anchors => anchors(&snapshot),
            job => job.map(|j| json!({ "state": j.0, "progress": j.1, "message": j.2 })),
            publish_job => publish_job.map(|j| json!({ "state": j.0, "progress": j.1, "message": j.2 })),
            can_retry => can_retry,
            // Reloading would wipe what a preparer or reviewer is typing: only a
            // page without a form refreshes itself while the PDF is built.
            refresh => if pending && !can_explain && !can_review { Some(3) } else { None },
            ..viewer.base()
        },
    ))
}

/// `/work/versions/{id}/preview.html`: the report exactly as it will be published.
pub async fn preview_html(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (_, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    let bytes = state
        .store
        .get(&v.html_sha)
        .map_err(|e| internal(&viewer, &e))?;
    Ok(crate::public::serve_bytes("report.html", bytes, false))
}

/// `/work/versions/{id}/preview.pdf`: once its job has built it.
pub async fn preview_pdf(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (_, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    let Some(sha) = v.pdf_sha else {
        return Err(pages::message(
            StatusCode::NOT_FOUND,
            "PDF 尚未生成",
            &["PDF 正在排队生成，请稍后刷新版本页面。"],
            context! { back => format!("/work/versions/{}", v.id), ..viewer.base() },
        ));
    };
    let bytes = state.store.get(&sha).map_err(|e| internal(&viewer, &e))?;
    Ok(crate::public::serve_bytes("report.pdf", bytes, false))
}

fn own_editable(
    viewer: &Viewer,
    user: &User,
    r: &ReportRow,
    v: &VersionRow,
) -> Result<(), Response> {
    if user.role != Role::Preparer || user.department_id != Some(r.department_id) {
        return Err(forbidden_page(viewer, "只有本部门的填报人员可以这样做。"));
    }
    if v.number != r.latest_version || !matches!(r.state.as_str(), "draft" | "returned") {
        return Err(conflict(
            viewer,
            "这个版本已不能修改（已提交，或已有更新的版本）。",
            &format!("/work/versions/{}", v.id),
        ));
    }
    Ok(())
}

/// `POST /work/versions/{id}/explanations`: fields `e{index}` for warnings.
pub async fn explain(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
    fields: Fields,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (r, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    own_editable(&viewer, user, &r, &v)?;
    let findings = flow::findings(&state, &v).map_err(|e| internal(&viewer, &e))?;
    let db = db_error(&viewer);
    let mut tx = state.db.pool.begin().await.map_err(&db)?;
    let mut n = 0;
    for (key, _) in &fields.0 {
        let Some(index) = key.strip_prefix('e') else {
            continue;
        };
        let field = key.as_str();
        let i: usize = index
            .parse()
            .map_err(|_| crate::web::bad_field(&viewer, field, "不是检查结果的编号"))?;
        match findings.get(i) {
            Some(f) if f.explainable() => {}
            Some(f) if f.is_missing_input() => {
                return Err(crate::web::bad_field(
                    &viewer,
                    field,
                    "缺少的输入不能以说明代替：请补齐后重新上传",
                ));
            }
            _ => return Err(crate::web::bad_field(&viewer, field, "没有这条警告")),
        }
        let text = fields.optional(&viewer, field, 2000)?;
        sqlx::query("DELETE FROM explanations WHERE version_id = $1 AND finding = $2")
            .bind(v.id)
            .bind(i as i64)
            .execute(&mut *tx)
            .await
            .map_err(&db)?;
        if !text.is_empty() {
            sqlx::query("INSERT INTO explanations (version_id, finding, text) VALUES ($1, $2, $3)")
                .bind(v.id)
                .bind(i as i64)
                .bind(text)
                .execute(&mut *tx)
                .await
                .map_err(&db)?;
            n += 1;
        }
    }
    tx.commit().await.map_err(&db)?;
    let _ = flow::audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "说明警告",
        &format!("report:{}", r.id),
        &format!("第 {} 版，{n} 条说明", v.number),
    )
    .await;
    Ok(Redirect::to(&format!("/work/versions/{}", v.id)).into_response())
}

/// `POST /work/versions/{id}/submit`.
pub async fn submit(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
    fields: Fields,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (r, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    own_editable(&viewer, user, &r, &v)?;
    let db = db_error(&viewer);
    let findings = flow::findings(&state, &v).map_err(|e| internal(&viewer, &e))?;
    let explained = flow::explanations(&state.db, v.id).await.map_err(&db)?;
    let blockers = flow::blockers(&v, &findings, &explained);
    if !blockers.is_empty() {
        let lines: Vec<&str> = blockers.iter().map(String::as_str).collect();
        return Err(pages::message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "还不能提交",
            &lines,
            context! { back => format!("/work/versions/{}", v.id), ..viewer.base() },
        ));
    }
    let published_before = flow::has_publication(&state.db, r.id).await.map_err(&db)?;
    let correction = if published_before {
        Some(fields.required(&viewer, "correction", 2000)?)
    } else {
        None
    };
    match flow::submit(&state, user, &viewer.ip, &r, &v, correction)
        .await
        .map_err(&db)?
    {
        Change::Done => Ok(Redirect::to(&format!("/work/reports/{}", r.id)).into_response()),
        Change::Refused(m) => Err(conflict(&viewer, &m, &format!("/work/reports/{}", r.id))),
    }
}

fn reviewer(viewer: &Viewer, user: &User) -> Result<(), Response> {
    if user.is_bureau() {
        Ok(())
    } else {
        Err(forbidden_page(viewer, "只有财政审核人员可以退回或批准。"))
    }
}

/// `POST /work/versions/{id}/return`: comments `anchor{i}` + `text{i}`; at least one.
pub async fn return_version(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
    fields: Fields,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (r, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    reviewer(&viewer, user)?;
    let mut comments = Vec::new();
    for i in 0..20 {
        let text = fields.optional(&viewer, &format!("text{i}"), 2000)?;
        let anchor = fields.optional(&viewer, &format!("anchor{i}"), 100)?;
        if text.is_empty() {
            continue;
        }
        comments.push((
            if anchor.is_empty() {
                "全文".to_string()
            } else {
                anchor.to_string()
            },
            text.to_string(),
        ));
    }
    if comments.is_empty() {
        return Err(crate::web::bad_field(
            &viewer,
            "text0",
            "退回时至少写一条意见",
        ));
    }
    match flow::return_version(&state, user, &viewer.ip, &r, &v, &comments)
        .await
        .map_err(db_error(&viewer))?
    {
        Change::Done => Ok(Redirect::to("/work").into_response()),
        Change::Refused(m) => Err(conflict(&viewer, &m, "/work")),
    }
}

/// `POST /work/versions/{id}/retry`: queues the version's failed jobs again —
/// its PDF (anyone who sees the version), its publication (the bureau).
pub async fn retry(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (_, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    let db = db_error(&viewer);
    let mut any = crate::jobs::retry(&state, "pdf", v.id, &user.username)
        .await
        .map_err(&db)?;
    if user.is_bureau() {
        any |= crate::jobs::retry(&state, "publish", v.id, &user.username)
            .await
            .map_err(&db)?;
    }
    if !any {
        return Err(conflict(
            &viewer,
            "这个版本没有失败的任务可重试。",
            &format!("/work/versions/{}", v.id),
        ));
    }
    let _ = flow::audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "重试任务",
        &format!("version:{}", v.id),
        "",
    )
    .await;
    Ok(Redirect::to(&format!("/work/versions/{}", v.id)).into_response())
}

/// `POST /work/versions/{id}/approve`: approves and queues the publication.
pub async fn approve(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = viewer.require(&format!("/work/versions/{raw}"))?;
    let (r, v) = visible_version(&state, &viewer, user, id(&viewer, &raw)?).await?;
    reviewer(&viewer, user)?;
    if v.errors > 0 {
        return Err(conflict(&viewer, "这个版本有错误，不能批准。", "/work"));
    }
    match flow::approve(&state, user, &viewer.ip, &r, &v)
        .await
        .map_err(db_error(&viewer))?
    {
        Change::Done => Ok(Redirect::to(&format!("/work/reports/{}", r.id)).into_response()),
        Change::Refused(m) => Err(conflict(&viewer, &m, "/work")),
    }
}

/// One report on the 预警 page.
#[derive(serde::Serialize)]
struct Alerted {
    report: flow::ReportRow,
    /// Errors and warnings of its latest version, if it has one.
    errors: i64,
    warnings: i64,
    /// Times it was published (more than one: corrected).
    publications: i64,
    /// Warnings of the published version (each explained).
    published_warnings: i64,
    /// Errors the audit finds in the latest publication's PDF (None: not
    /// published, or not audited).
    audit_errors: Option<i64>,
    /// Those errors, each with its place.
    audit_findings: Vec<crate::jobs::AuditedFinding>,
    /// Why the latest publication's PDF was not audited.
    audit_note: Option<String>,
}

/// `/work/alerts` (bureau only): one year's reports by what needs attention —
/// not submitted (and whether what was uploaded has errors), overdue against
/// 批复日期 + 20 days, waiting for review, published with warnings kept, whose
/// published PDF the audit finds errors in (or could not audit), and corrected
/// after publication. `?year=` chooses the year (default: the latest).
pub async fn alerts(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Page {
    let user = viewer.require("/work/alerts")?;
    if !user.is_bureau() {
        return Err(forbidden_page(
            &viewer,
            "预警页面只供财政局审核与管理使用。",
        ));
    }
    let db = db_error(&viewer);
    let (years, year) = chosen_year(&state, &viewer, &params).await?;
    let list = year_reports(&state, year).await.map_err(&db)?;
    let pick =
        |f: &dyn Fn(&Alerted) -> bool| -> Vec<&Alerted> { list.iter().filter(|a| f(a)).collect() };
    let not_submitted = pick(&|a| matches!(a.report.state.as_str(), "open" | "draft" | "returned"));
    let overdue = pick(&|a| a.report.overdue);
    let waiting = pick(&|a| a.report.state == "submitted");
    let published = pick(&|a| a.publications > 0);
    let with_warnings = pick(&|a| a.publications > 0 && a.published_warnings > 0);
    let corrected = pick(&|a| a.publications > 1);
    let audit_errors = pick(&|a| a.audit_errors.is_some_and(|n| n > 0));
    let unaudited = pick(&|a| a.publications > 0 && a.audit_errors.is_none());
    Ok(pages::render(
        StatusCode::OK,
        "alerts.html",
        context! {
            title => format!("{year} 年度预警"),
            year => year,
            years => years,
            total => list.len(),
            not_submitted => not_submitted,
            overdue => overdue,
            waiting => waiting,
            published => published.len(),
            with_warnings => with_warnings,
            corrected => corrected,
            audit_errors => audit_errors,
            unaudited => unaudited,
            ..viewer.base()
        },
    ))
}

/// The years that have reports, newest first, and the one `?year=` chooses
/// (default: the newest); a year without reports is a 400 naming the field.
async fn chosen_year(
    state: &Shared,
    viewer: &Viewer,
    params: &std::collections::HashMap<String, String>,
) -> Result<(Vec<i64>, i64), Response> {
    let rows = sqlx::query("SELECT DISTINCT year FROM reports ORDER BY year DESC")
        .fetch_all(&state.db.pool)
        .await
        .map_err(db_error(viewer))?;
    let years: Vec<i64> = rows
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()
        .map_err(db_error(viewer))?;
    let year = match params.get("year") {
        Some(y) => match y.parse::<i64>() {
            Ok(y) if years.contains(&y) => y,
            _ => return Err(crate::web::bad_field(viewer, "year", "没有这个年度的报告")),
        },
        None => years.first().copied().unwrap_or(0),
    };
    Ok((years, year))
}

/// One year's reports with their latest upload's counts and publications.
async fn year_reports(state: &Shared, year: i64) -> Result<Vec<Alerted>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.id, COALESCE(v.errors, 0), COALESCE(v.warnings, 0), \
         (SELECT COUNT(*) FROM publications p WHERE p.report_id = r.id), \
         COALESCE((SELECT pv.warnings FROM publications p JOIN versions pv ON pv.id = p.version_id \
                   WHERE p.report_id = r.id ORDER BY p.number DESC LIMIT 1), 0) \
         FROM reports r LEFT JOIN versions v ON v.report_id = r.id AND v.number = r.latest_version \
         WHERE r.year = $1",
    )
    .bind(year)
    .fetch_all(&state.db.pool)
    .await?;
    let mut extra = std::collections::HashMap::new();
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let v: [i64; 4] = [r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?];
        extra.insert(id, v);
    }
    // The audit of each report's latest publication.
    let audited = sqlx::query(
        "SELECT p.report_id, a.errors, a.findings, a.note FROM publications p          JOIN reports r ON r.id = p.report_id JOIN publication_audits a ON a.publication_id = p.id          WHERE r.year = $1 AND p.number = (SELECT MAX(q.number) FROM publications q WHERE q.report_id = p.report_id)",
    )
    .bind(year)
    .fetch_all(&state.db.pool)
    .await?;
    let mut audits = std::collections::HashMap::new();
    for r in &audited {
        let id: i64 = r.try_get(0)?;
        let errors: Option<i64> = r.try_get(1)?;
        let findings: String = r.try_get(2)?;
        let note: Option<String> = r.try_get(3)?;
        let findings: Vec<crate::jobs::AuditedFinding> =
            serde_json::from_str(&findings).unwrap_or_default();
        audits.insert(
            id,
            (
                errors,
                findings
                    .into_iter()
                    .filter(|f| f.severity == juesuan_model::Severity::Error.label())
                    .collect::<Vec<_>>(),
                note,
            ),
        );
    }
    Ok(flow::reports(&state.db, None)
        .await?
        .into_iter()
        .filter(|r| r.year == year)
        .map(|report| {
            let [errors, warnings, publications, published_warnings] =
                extra.get(&report.id).copied().unwrap_or_default();
            let (audit_errors, audit_findings, audit_note) =
                audits.remove(&report.id).unwrap_or_default();
            Alerted {
                report,
                errors,
                warnings,
                publications,
                published_warnings,
                audit_errors,
                audit_findings,
                audit_note,
            }
        })
        .collect())
}

/// `/work/summary` (bureau only): the bureau's own summary of a year
/// (全市部门决算公开情况) as HTML, or as PDF with `?format=pdf`; `?year=` as on 预警.
pub async fn summary(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Query(params): Query<std::collections::HashMap<String, String>>,
) -> Page {
    let user = viewer.require("/work/summary")?;
    if !user.is_bureau() {
        return Err(forbidden_page(
            &viewer,
            "公开情况汇总只供财政局审核与管理使用。",
        ));
    }
    let db = db_error(&viewer);
    let (_, year) = chosen_year(&state, &viewer, &params).await?;
    let region = state
        .db
        .setting("region")
        .await
        .map_err(&db)?
        .unwrap_or_default();
    let entries = crate::public::entries(&state, year).await.map_err(&db)?;
    let last = crate::public::entries(&state, year - 1)
        .await
        .map_err(&db)?;
    let standings: Vec<juesuan_engine::city::Standing> = year_reports(&state, year)
        .await
        .map_err(&db)?
        .into_iter()
        .map(|a| juesuan_engine::city::Standing {
            name: a.report.department.clone(),
            state: a.report.state_label.to_string(),
            deadline: a.report.deadline.clone(),
            overdue: a.report.overdue,
            errors: a.errors,
            audit_errors: a.audit_errors.unwrap_or(0),
            corrected: a.publications > 1,
        })
        .collect();
    let doc = juesuan_engine::city::summary(&region, year, &entries, &last, &standings);
    let title = doc.title.clone();
    match params.get("format").map(String::as_str) {
        None | Some("" | "html") => {
            let html = juesuan_render::html::render(&doc);
            Ok(crate::public::serve_bytes(
                "summary.html",
                html.into_bytes(),
                false,
            ))
        }
        Some("pdf") => {
            let st = state.clone();
            let bytes = tokio::task::spawn_blocking(move || {
                let fonts = crate::jobs::fonts(&st)?;
                juesuan_pdf::render_with(&doc, &fonts)
                    .map(|r| r.pdf)
                    .map_err(|e| e.to_string())
            })
            .await
            .map_err(|_| internal(&viewer, "PDF 排版中断"))?
            .map_err(|e| internal(&viewer, &e))?;
            let mut resp = crate::public::serve_bytes("summary.pdf", bytes, false);
            if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
                "inline; filename=\"summary.pdf\"; filename*=UTF-8''{}",
                crate::web::encode(&format!("{title}.pdf"))
            )) {
                resp.headers_mut()
                    .insert(axum::http::header::CONTENT_DISPOSITION, v);
            }
            Ok(resp)
        }
        Some(_) => Err(crate::web::bad_field(
            &viewer,
            "format",
            "只能是 html 或 pdf",
        )),
    }
}
