//! The bureau administrator's pages: region, years, departments and units, 批复,
//! users, CSV import, and the audit log. Every action is logged.

use crate::auth::Role;
use crate::flow::audit;
use crate::ops;
use crate::pages::{self, SITE};
use crate::web::{Fields, Page, Shared, Viewer, bad_field, db_error, forbidden_page, id};
use axum::Extension;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

fn admin<'a>(viewer: &'a Viewer, path: &str) -> Result<&'a crate::auth::User, Response> {
    let user = viewer.require(path)?;
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(forbidden_page(viewer, "只有财政局管理员可以使用管理功能。"))
    }
}

/// `/admin`.
pub async fn page(State(state): State<Shared>, Extension(viewer): Extension<Viewer>) -> Page {
    admin(&viewer, "/admin")?;
    let db = db_error(&viewer);
    let years = sqlx::query("SELECT year, profile FROM years ORDER BY year DESC")
        .fetch_all(&state.db.pool)
        .await
        .map_err(&db)?;
    let years: Vec<(i64, String)> = years
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(&db)?;
    let deps = sqlx::query(
        "SELECT d.id, d.code, d.name, (SELECT COUNT(*) FROM units u WHERE u.department_id = d.id) FROM departments d ORDER BY d.code",
    )
    .fetch_all(&state.db.pool)
    .await
    .map_err(&db)?;
    let approvals = sqlx::query("SELECT department_id, year, approval_date FROM reports")
        .fetch_all(&state.db.pool)
        .await
        .map_err(&db)?;
    let mut by: HashMap<(i64, i64), Option<String>> = HashMap::new();
    for r in &approvals {
        by.insert(
            (r.try_get(0).map_err(&db)?, r.try_get(1).map_err(&db)?),
            r.try_get(2).map_err(&db)?,
        );
    }
    let mut departments = Vec::new();
    for d in &deps {
        let did: i64 = d.try_get(0).map_err(&db)?;
        departments.push(json!({
            "id": did,
            "code": d.try_get::<String, _>(1).map_err(&db)?,
            "name": d.try_get::<String, _>(2).map_err(&db)?,
            "units": d.try_get::<i64, _>(3).map_err(&db)?,
            "approvals": years.iter().map(|(y, _)| by.get(&(did, *y)).cloned().flatten()).collect::<Vec<_>>(),
        }));
    }
    let users = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, d.name, u.disabled, u.must_change FROM users u LEFT JOIN departments d ON d.id = u.department_id ORDER BY u.role, u.username",
    )
    .fetch_all(&state.db.pool)
    .await
    .map_err(&db)?;
    let mut list = Vec::new();
    for u in &users {
        let role: String = u.try_get(3).map_err(&db)?;
        list.push(json!({
            "id": u.try_get::<i64, _>(0).map_err(&db)?,
            "username": u.try_get::<String, _>(1).map_err(&db)?,
            "display_name": u.try_get::<String, _>(2).map_err(&db)?,
            "role_label": Role::parse(&role).map_or("未知", Role::label),
            "department": u.try_get::<Option<String>, _>(4).map_err(&db)?,
            "disabled": u.try_get::<i64, _>(5).map_err(&db)? != 0,
            "must_change": u.try_get::<i64, _>(6).map_err(&db)? != 0,
        }));
    }
    let profiles: Vec<serde_json::Value> = juesuan_profile::BUILTIN
        .iter()
        .filter_map(|id| juesuan_profile::builtin(id).ok())
        .map(|p| json!({ "id": p.id, "name": p.name }))
        .collect();
    Ok(pages::render(
        StatusCode::OK,
        "admin.html",
        context! {
            title => "管理",
            region => state.db.setting("region").await.map_err(&db)?.unwrap_or_default(),
            years => years.iter().map(|(y, p)| json!({ "year": y, "profile": p })).collect::<Vec<_>>(),
            departments => departments, users => list, profiles => profiles,
            ..viewer.base()
        },
    ))
}

fn done(viewer: &Viewer, title: &str, lines: &[&str], secret: Option<&str>) -> Response {
    pages::message(
        StatusCode::OK,
        title,
        lines,
        context! { back => "/admin", secret => secret, site => SITE, ..viewer.base() },
    )
}

/// `POST /admin/settings`.
pub async fn settings(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    fields: Fields,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let region = fields.required(&viewer, "region", 40)?;
    state
        .db
        .set_setting("region", region)
        .await
        .map_err(db_error(&viewer))?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "设置地区",
        "settings",
        region,
    )
    .await;
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/years`.
pub async fn add_year(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    fields: Fields,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let year = fields.number(&viewer, "year")?;
    let profile = fields.required(&viewer, "profile", 40)?;
    ops::add_year(&state.db, year, profile)
        .await
        .map_err(|e| bad_field(&viewer, "year", &e))?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "设置年度",
        &format!("year:{year}"),
        profile,
    )
    .await;
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/departments`.
pub async fn add_department(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    fields: Fields,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let code = fields.required(&viewer, "code", 32)?;
    let name = fields.required(&viewer, "name", 60)?;
    let units: Vec<String> = fields
        .optional(&viewer, "units", 20_000)?
        .lines()
        .map(str::to_string)
        .collect();
    let did = ops::upsert_department(&state.db, code, name, &units)
        .await
        .map_err(|e| bad_field(&viewer, "code", &e))?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "添加部门",
        &format!("department:{did}"),
        &format!("{code} {name}"),
    )
    .await;
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/approvals`.
pub async fn approval(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    fields: Fields,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let department = fields.number(&viewer, "department")?;
    let year = fields.number(&viewer, "year")?;
    let date = fields.required(&viewer, "approval_date", 10)?;
    let rid = ops::approval(&state.db, department, year, date)
        .await
        .map_err(|e| bad_field(&viewer, "approval_date", &e))?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "登记批复",
        &format!("report:{rid}"),
        date,
    )
    .await;
    Ok(Redirect::to("/admin").into_response())
}

/// `POST /admin/departments/import` (multipart CSV).
pub async fn import_departments(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let mut multipart = multipart.map_err(|_| bad_field(&viewer, "file", "不是文件上传表单"))?;
    let mut text = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("file") {
            let bytes = field
                .bytes()
                .await
                .map_err(|_| bad_field(&viewer, "file", "文件上传中断"))?;
            let decoded = juesuan_ingest::guard::decode_text(&bytes, "部门 CSV")
                .map_err(|e| bad_field(&viewer, "file", &e.to_string()))?;
            text = Some(decoded);
        }
    }
    let text = text.ok_or_else(|| bad_field(&viewer, "file", "没有选择文件"))?;
    match ops::import_departments(&state.db, &text).await {
        Ok(n) => {
            let _ = audit(
                &state.db,
                Some(user),
                &viewer.ip,
                "导入部门",
                "departments",
                &format!("{n} 个"),
            )
            .await;
            Ok(done(
                &viewer,
                "导入完成",
                &[&format!("已导入 {n} 个部门。")],
                None,
            ))
        }
        Err(errors) => {
            let lines: Vec<&str> = errors.iter().map(String::as_str).collect();
            Err(pages::message(
                StatusCode::UNPROCESSABLE_ENTITY,
                "CSV 有误，未导入任何部门",
                &lines,
                context! { back => "/admin", ..viewer.base() },
            ))
        }
    }
}

/// `POST /admin/users`: shows the one-time password once.
pub async fn add_user(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    fields: Fields,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let username = fields.required(&viewer, "username", 64)?;
    let display = fields.required(&viewer, "display_name", 60)?;
    let role = Role::parse(fields.get("role"))
        .ok_or_else(|| bad_field(&viewer, "role", "应为 preparer、reviewer 或 admin"))?;
    let department = match fields.get("department") {
        "" => None,
        _ => Some(fields.number(&viewer, "department")?),
    };
    let (uid, password) = ops::create_user(&state.db, username, display, role, department)
        .await
        .map_err(|e| bad_field(&viewer, "username", &e))?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "添加用户",
        &format!("user:{uid}"),
        &format!("{username}（{}）", role.label()),
    )
    .await;
    Ok(done(
        &viewer,
        "用户已添加",
        &[
            &format!("用户名：{username}"),
            "一次性密码如下，只显示这一次；请当面或以安全方式交给本人，首次登录时须修改：",
        ],
        Some(&password),
    ))
}

/// `POST /admin/users/{id}/reset`.
pub async fn reset_user(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let uid = id(&viewer, &raw)?;
    let password = ops::reset_password(&state.db, uid)
        .await
        .map_err(|e| bad_field(&viewer, "id", &e))?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "重置密码",
        &format!("user:{uid}"),
        "",
    )
    .await;
    Ok(done(
        &viewer,
        "密码已重置",
        &["新的一次性密码如下，只显示这一次："],
        Some(&password),
    ))
}

/// `POST /admin/users/{id}/disable`: toggles; ends the user's sessions.
pub async fn disable_user(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(raw): Path<String>,
) -> Page {
    let user = admin(&viewer, "/admin")?;
    let uid = id(&viewer, &raw)?;
    if uid == user.id {
        return Err(bad_field(&viewer, "id", "不能停用自己的账号"));
    }
    let db = db_error(&viewer);
    let done_rows = sqlx::query("UPDATE users SET disabled = 1 - disabled WHERE id = $1")
        .bind(uid)
        .execute(&state.db.pool)
        .await
        .map_err(&db)?;
    if done_rows.rows_affected() != 1 {
        return Err(crate::web::not_found(&viewer));
    }
    crate::auth::end_sessions_of(&state.db, uid)
        .await
        .map_err(&db)?;
    let _ = audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "停用/启用用户",
        &format!("user:{uid}"),
        "",
    )
    .await;
    Ok(Redirect::to("/admin").into_response())
}

/// `/admin/log?before=`.
pub async fn log_page(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    admin(&viewer, "/admin/log")?;
    let before = match q.get("before") {
        None => i64::MAX,
        Some(b) => b
            .parse::<i64>()
            .map_err(|_| bad_field(&viewer, "before", "应为整数"))?,
    };
    let db = db_error(&viewer);
    let rows = sqlx::query("SELECT id, at, username, action, target, detail, ip FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT 200")
        .bind(before)
        .fetch_all(&state.db.pool)
        .await
        .map_err(&db)?;
    let mut entries = Vec::new();
    let mut last = None;
    for r in &rows {
        let id: i64 = r.try_get(0).map_err(&db)?;
        last = Some(id);
        entries.push(json!({
            "at": crate::time::format_time(r.try_get(1).map_err(&db)?),
            "username": r.try_get::<String, _>(2).map_err(&db)?,
            "action": r.try_get::<String, _>(3).map_err(&db)?,
            "target": r.try_get::<String, _>(4).map_err(&db)?,
            "detail": r.try_get::<String, _>(5).map_err(&db)?,
            "ip": r.try_get::<String, _>(6).map_err(&db)?,
        }));
    }
    let more = if rows.len() == 200 { last } else { None };
    Ok(pages::render(
        StatusCode::OK,
        "log.html",
        context! { title => "操作日志", entries => entries, more => more, ..viewer.base() },
    ))
}
