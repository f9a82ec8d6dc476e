//! What anyone may see without logging in: the index of published reports by
//! year, each report's page and files, search, the JSON API — and the login.

use crate::auth::{self, SESSION_COOKIE, SESSION_SECONDS};
use crate::pages::{self, SITE};
use crate::search::{SEARCH_LIMIT, run_search};
use crate::time::{format_day, format_time};
use crate::web::{Fields, Page, Shared, Viewer, db_error, not_found, set_cookie};
use axum::Extension;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use std::collections::HashMap;

/// A published report in a list.
#[derive(Serialize)]
struct Listed {
    department: String,
    code: String,
    year: i64,
    number: i64,
    published: String,
    url: String,
}

/// The latest publication of every report, optionally of one year.
async fn published(state: &Shared, year: Option<i64>) -> Result<Vec<Listed>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.name, d.code, r.year, p.number, p.published_at FROM publications p \
         JOIN reports r ON r.id = p.report_id JOIN departments d ON d.id = r.department_id \
         WHERE p.number = (SELECT MAX(q.number) FROM publications q WHERE q.report_id = p.report_id) \
         AND ($1 = 0 OR r.year = $1) ORDER BY r.year DESC, d.code",
    )
    .bind(year.unwrap_or(0))
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get(1)?;
            let year: i64 = r.try_get(2)?;
            let number: i64 = r.try_get(3)?;
            Ok(Listed {
                department: r.try_get(0)?,
                url: format!("/r/{code}/{year}/{number}/"),
                code,
                year,
                number,
                published: format_day(r.try_get(4)?),
            })
        })
        .collect()
}

async fn region(state: &Shared) -> String {
    state
        .db
        .setting("region")
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// An anonymous visitor's public page from the cache, or rendered and kept.
async fn cached<F>(state: &Shared, viewer: &Viewer, key: String, render: F) -> Page
where
    F: std::future::Future<Output = Page>,
{
    if viewer.user().is_some() {
        return render.await;
    }
    if let Some(body) = state.published.page(&key) {
        let mut resp = (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response();
        pages::harden(&mut resp);
        return Ok(resp);
    }
    let resp = render.await?;
    if resp.status() != StatusCode::OK {
        return Ok(resp);
    }
    let (parts, body) = resp.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .map_err(|_| crate::web::internal(viewer, "页面生成中断"))?;
    state.published.keep_page(&key, bytes.clone());
    Ok(Response::from_parts(parts, axum::body::Body::from(bytes)))
}

/// `/`: published reports by year.
pub async fn index(State(state): State<Shared>, Extension(viewer): Extension<Viewer>) -> Page {
    let key = "/".to_string();
    cached(&state, &viewer, key, render_index(&state, &viewer)).await
}

async fn render_index(state: &Shared, viewer: &Viewer) -> Page {
    let list = published(state, None).await.map_err(db_error(viewer))?;
    let mut years: Vec<serde_json::Value> = Vec::new();
    let mut current: Option<i64> = None;
    for item in list {
        if current != Some(item.year) {
            current = Some(item.year);
            years.push(json!({ "year": item.year, "reports": [] }));
        }
        if let Some(serde_json::Value::Array(a)) =
            years.last_mut().and_then(|y| y.get_mut("reports"))
        {
            a.push(serde_json::to_value(&item).unwrap_or_default());
        }
    }
    Ok(pages::render(
        StatusCode::OK,
        "index.html",
        context! { title => "部门决算公开", region => region(state).await, years => years, ..viewer.base() },
    ))
}

struct Publication {
    id: i64,
    department: String,
    code: String,
    year: i64,
    number: i64,
    published_at: i64,
    correction: Option<String>,
}

async fn publication(
    state: &Shared,
    code: &str,
    year: i64,
    number: Option<i64>,
) -> Result<Option<Publication>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.id, d.name, d.code, r.year, p.number, p.published_at, p.correction_note FROM publications p \
         JOIN reports r ON r.id = p.report_id JOIN departments d ON d.id = r.department_id \
         WHERE d.code = $1 AND r.year = $2 AND ($3 = 0 OR p.number = $3) ORDER BY p.number DESC LIMIT 1",
    )
    .bind(code)
    .bind(year)
    .bind(number.unwrap_or(0))
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|r| {
        Ok(Publication {
            id: r.try_get(0)?,
            department: r.try_get(1)?,
            code: r.try_get(2)?,
            year: r.try_get(3)?,
            number: r.try_get(4)?,
            published_at: r.try_get(5)?,
            correction: r.try_get(6)?,
        })
    })
    .transpose()
}

fn parse_year(viewer: &Viewer, raw: &str) -> Result<i64, Response> {
    raw.parse::<i64>()
        .ok()
        .filter(|y| (1949..=2200).contains(y))
        .ok_or_else(|| not_found(viewer))
}

/// `/r/{code}/{year}/`: the latest publication.
pub async fn latest(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path((code, year)): Path<(String, String)>,
) -> Page {
    let year = parse_year(&viewer, &year)?;
    let p = publication(&state, &code, year, None)
        .await
        .map_err(db_error(&viewer))?
        .ok_or_else(|| not_found(&viewer))?;
    Ok(Redirect::to(&format!("/r/{}/{}/{}/", p.code, p.year, p.number)).into_response())
}

fn size_text(n: i64) -> String {
    if n >= 1_000_000 {
        format!("{}.{} MB", n / 1_000_000, n % 1_000_000 / 100_000)
    } else {
        format!("{} KB", (n + 999) / 1000)
    }
}

/// `/r/{code}/{year}/{number}/`: one publication's page.
pub async fn report(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path((code, year, number)): Path<(String, String, String)>,
) -> Page {
    let key = format!("/r/{code}/{year}/{number}/");
    cached(
        &state,
        &viewer,
        key,
        render_report(&state, &viewer, code, year, number),
    )
    .await
}

async fn render_report(
    state: &Shared,
    viewer: &Viewer,
    code: String,
    year: String,
    number: String,
) -> Page {
    let year = parse_year(viewer, &year)?;
    let number = crate::web::id(viewer, &number)?;
    let db = db_error(viewer);
    let p = publication(state, &code, year, Some(number))
        .await
        .map_err(&db)?
        .ok_or_else(|| not_found(viewer))?;
    let files = sqlx::query(
        "SELECT name, size FROM publication_files WHERE publication_id = $1 ORDER BY name",
    )
    .bind(p.id)
    .fetch_all(&state.db.pool)
    .await
    .map_err(&db)?;
    let mut sizes = HashMap::new();
    let mut list = Vec::new();
    for f in &files {
        let name: String = f.try_get(0).map_err(&db)?;
        let size: i64 = f.try_get(1).map_err(&db)?;
        if let Some(ext) = name.strip_prefix("report.") {
            sizes.insert(ext.to_string(), size_text(size));
        }
        if name.starts_with("data/") {
            list.push(json!({ "name": name, "size": size_text(size) }));
        }
    }
    let all = sqlx::query(
        "SELECT p.number, p.published_at, p.correction_note FROM publications p JOIN reports r ON r.id = p.report_id \
         JOIN departments d ON d.id = r.department_id WHERE d.code = $1 AND r.year = $2 ORDER BY p.number DESC",
    )
    .bind(&code)
    .bind(year)
    .fetch_all(&state.db.pool)
    .await
    .map_err(&db)?;
    let mut versions = Vec::new();
    let mut latest = number;
    for r in &all {
        let n: i64 = r.try_get(0).map_err(&db)?;
        latest = latest.max(n);
        versions.push(json!({
            "number": n,
            "published": format_day(r.try_get(1).map_err(&db)?),
            "correction": r.try_get::<Option<String>, _>(2).map_err(&db)?,
            "url": format!("/r/{}/{}/{n}/", p.code, p.year),
        }));
    }
    let base = format!("/r/{}/{}/{}/", p.code, p.year, p.number);
    Ok(pages::render(
        StatusCode::OK,
        "public_report.html",
        context! {
            title => format!("{} {} 年度部门决算", p.department, p.year),
            department => p.department, year => p.year, number => p.number,
            published => format_day(p.published_at), correction => p.correction,
            is_latest => latest == number, latest_url => format!("/r/{}/{}/{latest}/", p.code, p.year),
            trend_url => format!("/d/{}/", p.code),
            base => base, sizes => sizes, files => list, versions => versions,
            ..viewer.base()
        },
    ))
}

/// The content type of a published file by its name.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("html") => "text/html; charset=utf-8",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Serves stored bytes as a download (or, for HTML, a page without scripts).
pub fn serve_bytes(name: &str, bytes: impl Into<Bytes>, immutable: bool) -> Response {
    let bytes: Bytes = bytes.into();
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; sandbox",
        ),
    );
    if immutable {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    } else {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
    }
    let base = name.rsplit('/').next().unwrap_or(name);
    if !name.ends_with(".html") {
        let ascii: String = base
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
            .collect();
        if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{ascii}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    resp
}

/// `/r/{code}/{year}/{number}/{file}`: a published file, looked up by its exact
/// name in the publication's list (so no path reaches the file system).
pub async fn file(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path((code, year, number, name)): Path<(String, String, String, String)>,
) -> Page {
    let year = parse_year(&viewer, &year)?;
    let number = crate::web::id(&viewer, &number)?;
    let sha = match state.published.digest(&code, year, number, &name) {
        Some(sha) => sha,
        None => {
            let db = db_error(&viewer);
            let p = publication(&state, &code, year, Some(number))
                .await
                .map_err(&db)?
                .ok_or_else(|| not_found(&viewer))?;
            let row = sqlx::query(
                "SELECT sha FROM publication_files WHERE publication_id = $1 AND name = $2",
            )
            .bind(p.id)
            .bind(&name)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(&db)?
            .ok_or_else(|| not_found(&viewer))?;
            let sha: String = row.try_get(0).map_err(&db)?;
            state
                .published
                .remember_digest(&code, year, number, &name, &sha);
            sha
        }
    };
    let bytes = match state.published.bytes(&sha) {
        Some(b) => b,
        None => {
            let st = state.clone();
            let digest = sha.clone();
            let b = tokio::task::spawn_blocking(move || st.store.get(&digest))
                .await
                .map_err(|_| crate::web::internal(&viewer, "读取文件中断"))?
                .map_err(|e| crate::web::internal(&viewer, &e))?;
            let b = Bytes::from(b);
            state.published.keep(&sha, b.clone());
            b
        }
    };
    Ok(serve_bytes(&name, bytes, true))
}

fn search_query(params: &HashMap<String, String>) -> Result<(String, Option<i64>), &'static str> {
    let q = params
        .get("q")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if q.chars().count() > 100 {
        return Err("检索词最多 100 个字符");
    }
    if q.chars().any(char::is_control) {
        return Err("检索词含有控制字符");
    }
    let year = match params
        .get("year")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(y) => Some(
            y.parse::<i64>()
                .ok()
                .filter(|y| (1949..=2200).contains(y))
                .ok_or("年度应为 1949 至 2200 之间的整数")?,
        ),
    };
    Ok((q, year))
}

async fn years(state: &Shared) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query("SELECT DISTINCT r.year FROM publications p JOIN reports r ON r.id = p.report_id ORDER BY r.year DESC")
        .fetch_all(&state.db.pool)
        .await?;
    rows.iter().map(|r| r.try_get(0)).collect()
}

/// `/search?q=&year=`.
pub async fn search(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Query(params): Query<HashMap<String, String>>,
) -> Page {
    let db = db_error(&viewer);
    let (q, year) = match search_query(&params) {
        Ok(v) => v,
        Err(why) => {
            return Err(crate::web::bad_field(
                &viewer,
                if why.contains("年度") { "year" } else { "q" },
                why,
            ));
        }
    };
    let hits = if q.is_empty() {
        Vec::new()
    } else {
        run_search(&state, &q, year).await.map_err(&db)?
    };
    Ok(pages::render(
        StatusCode::OK,
        "search.html",
        context! { title => "检索", q => q, year => year, years => years(&state).await.map_err(&db)?, hits => hits, limit => SEARCH_LIMIT, ..viewer.base() },
    ))
}

fn api_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// `/api/v1/`: the endpoints.
pub async fn api_root() -> Response {
    Json(json!({
        "name": "决算公开平台开放数据接口",
        "version": "v1",
        "endpoints": [
            { "path": "/api/v1/", "description": "本列表" },
            { "path": "/api/v1/reports", "query": { "year": "可选，年度" }, "description": "已公开的报告（每份报告的最新版本）" },
            { "path": "/api/v1/reports/{部门编码}/{年度}", "description": "一份报告的全部公开版本及其文件（PDF、HTML、XLSX、JSON、CSV、datapackage.json）" },
            { "path": "/api/v1/search", "query": { "q": "检索词", "year": "可选，年度" }, "description": "检索已公开的报告：部门、科目编码与名称、项目、情况说明" }
        ],
        "documentation": "docs/PLATFORM.md"
    }))
    .into_response()
}

/// `/api/v1/reports?year=`.
pub async fn api_reports(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let year = match params
        .get("year")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(y) => match y.parse::<i64>().ok().filter(|y| (1949..=2200).contains(y)) {
            Some(y) => Some(y),
            None => {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    "参数 year 应为 1949 至 2200 之间的整数",
                );
            }
        },
    };
    match published(&state, year).await {
        Ok(list) => Json(json!({ "reports": list })).into_response(),
        Err(_) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误"),
    }
}

/// `/api/v1/reports/{code}/{year}`.
pub async fn api_report(
    State(state): State<Shared>,
    Path((code, year)): Path<(String, String)>,
) -> Response {
    let Some(year) = year.parse::<i64>().ok() else {
        return api_error(StatusCode::NOT_FOUND, "没有这份报告");
    };
    let rows = sqlx::query(
        "SELECT p.id, p.number, p.published_at, p.correction_note, d.name FROM publications p JOIN reports r ON r.id = p.report_id \
         JOIN departments d ON d.id = r.department_id WHERE d.code = $1 AND r.year = $2 ORDER BY p.number",
    )
    .bind(&code)
    .bind(year)
    .fetch_all(&state.db.pool)
    .await;
    let Ok(rows) = rows else {
        return api_error(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误");
    };
    if rows.is_empty() {
        return api_error(StatusCode::NOT_FOUND, "没有这份报告");
    }
    let mut versions = Vec::new();
    let mut department = String::new();
    for r in &rows {
        let (Ok(id), Ok(number), Ok(at), Ok(note), Ok(name)) = (
            r.try_get::<i64, _>(0),
            r.try_get::<i64, _>(1),
            r.try_get::<i64, _>(2),
            r.try_get::<Option<String>, _>(3),
            r.try_get::<String, _>(4),
        ) else {
            return api_error(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误");
        };
        department = name;
        let files = sqlx::query(
            "SELECT name, sha, size FROM publication_files WHERE publication_id = $1 ORDER BY name",
        )
        .bind(id)
        .fetch_all(&state.db.pool)
        .await
        .unwrap_or_default();
        let files: Vec<serde_json::Value> = files
            .iter()
            .filter_map(|f| {
                let name: String = f.try_get(0).ok()?;
                Some(json!({
                    "name": name,
                    "sha256": f.try_get::<String, _>(1).ok()?,
                    "size": f.try_get::<i64, _>(2).ok()?,
                    "url": format!("/r/{code}/{year}/{number}/{name}"),
                }))
            })
            .collect();
        versions.push(json!({
            "number": number,
            "published_at": format_time(at),
            "correction_note": note,
            "files": files,
        }));
    }
    Json(json!({ "department": department, "code": code, "year": year, "versions": versions }))
        .into_response()
}

/// `/api/v1/search?q=&year=`.
pub async fn api_search(
    State(state): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let (q, year) = match search_query(&params) {
        Ok(v) => v,
        Err(why) => return api_error(StatusCode::BAD_REQUEST, why),
    };
    if q.is_empty() {
        return api_error(StatusCode::BAD_REQUEST, "缺少检索词 q");
    }
    match run_search(&state, &q, year).await {
        Ok(hits) => Json(json!({ "q": q, "hits": hits })).into_response(),
        Err(_) => api_error(StatusCode::INTERNAL_SERVER_ERROR, "数据库错误"),
    }
}

fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/work"
    }
}

/// `GET /login`.
pub async fn login_page(
    Extension(viewer): Extension<Viewer>,
    Query(params): Query<HashMap<String, String>>,
) -> Page {
    if viewer.user().is_some() {
        return Ok(Redirect::to("/work").into_response());
    }
    let next = params.get("next").map_or("/work", |n| safe_next(n));
    Ok(pages::render(
        StatusCode::OK,
        "login.html",
        context! { title => "登录", next => next, ..viewer.base() },
    ))
}

/// `POST /login`: a new session id every time (the old one, if any, ends).
pub async fn login(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    headers: axum::http::HeaderMap,
    fields: Fields,
) -> Page {
    let username = fields.get("username").to_string();
    let password = fields.get("password").to_string();
    let next = safe_next(fields.get("next")).to_string();
    let again = |status: StatusCode, error: &str| {
        pages::render(
            status,
            "login.html",
            context! { title => "登录", next => next.clone(), error => error, username => username.clone(), ..viewer.base() },
        )
    };
    if let Some(wait) = state.limiter.blocked(&username, &viewer.ip) {
        let _ = crate::flow::audit(
            &state.db,
            None,
            &viewer.ip,
            "登录被限制",
            &format!("user:{username}"),
            "",
        )
        .await;
        return Err(again(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("登录失败次数过多，请 {} 分钟后再试。", wait.div_ceil(60)),
        ));
    }
    let db = db_error(&viewer);
    let row = sqlx::query("SELECT id, password_hash, disabled FROM users WHERE username = $1")
        .bind(&username)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(&db)?;
    let found = row.and_then(|r| {
        let id: i64 = r.try_get(0).ok()?;
        let hash: String = r.try_get(1).ok()?;
        let disabled: i64 = r.try_get(2).ok()?;
        Some((id, hash, disabled != 0))
    });
    // The same work for an unknown name, so timing does not tell names apart.
    let hash = found
        .as_ref()
        .map_or_else(|| dummy_hash().to_string(), |f| f.1.clone());
    let pw = password.clone();
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &pw))
        .await
        .unwrap_or(false);
    let Some((id, _, disabled)) = found.filter(|_| ok) else {
        state.limiter.failed(&username, &viewer.ip);
        let _ = crate::flow::audit(
            &state.db,
            None,
            &viewer.ip,
            "登录失败",
            &format!("user:{username}"),
            "",
        )
        .await;
        return Err(again(StatusCode::UNAUTHORIZED, "用户名或密码不对。"));
    };
    if disabled {
        return Err(again(
            StatusCode::FORBIDDEN,
            "这个账号已停用，请联系财政局管理员。",
        ));
    }
    state.limiter.succeeded(&username);
    // A login in a browser that was logged in ends that browser's session.
    if let Some(old) = session_token(&headers) {
        let _ = auth::end_session(&state.db, &old).await;
    }
    let token = auth::create_session(&state.db, id).await.map_err(&db)?;
    let user = auth::session(&state.db, &token)
        .await
        .map_err(&db)?
        .map(|s| s.user);
    let _ = crate::flow::audit(
        &state.db,
        user.as_ref(),
        &viewer.ip,
        "登录",
        &format!("user:{username}"),
        "",
    )
    .await;
    let mut resp = Redirect::to(&next).into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            SESSION_COOKIE,
            &token,
            Some(SESSION_SECONDS),
            state.secure_cookies,
        ),
    );
    Ok(resp)
}

/// A real argon2id hash of nothing anyone knows, computed once.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| auth::hash_password(&auth::random_token()).unwrap_or_default())
}

/// The session cookie's token, if the request has one.
fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    crate::web::cookie(headers, SESSION_COOKIE).map(str::to_string)
}

/// `POST /logout`.
pub async fn logout(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    headers: axum::http::HeaderMap,
) -> Page {
    if let Some(token) = session_token(&headers) {
        let _ = auth::end_session(&state.db, &token).await;
        let _ = crate::flow::audit(&state.db, viewer.user(), &viewer.ip, "退出", "", "").await;
    }
    let mut resp = Redirect::to("/").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), state.secure_cookies),
    );
    Ok(resp)
}

/// `GET /password`.
pub async fn password_page(Extension(viewer): Extension<Viewer>) -> Page {
    if viewer.user().is_none() {
        return Ok(Redirect::to("/login").into_response());
    }
    Ok(pages::render(
        StatusCode::OK,
        "password.html",
        context! { title => "设置新密码", ..viewer.base() },
    ))
}

/// `POST /password`: checks the current one, sets the new one, ends other sessions.
pub async fn password(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    fields: Fields,
) -> Page {
    let Some(user) = viewer.user() else {
        return Ok(Redirect::to("/login").into_response());
    };
    let again = |error: &str| {
        pages::render(
            StatusCode::BAD_REQUEST,
            "password.html",
            context! { title => "设置新密码", error => error, ..viewer.base() },
        )
    };
    let (current, new, repeat) = (
        fields.get("current").to_string(),
        fields.get("new").to_string(),
        fields.get("again").to_string(),
    );
    if new != repeat {
        return Err(again("两次输入的新密码不一致。"));
    }
    if let Some(p) = auth::password_problem(&new) {
        return Err(again(p));
    }
    if new == current {
        return Err(again("新密码不能与当前密码相同。"));
    }
    let db = db_error(&viewer);
    let hash: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&state.db.pool)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(&db)?;
    let ok = tokio::task::spawn_blocking(move || auth::verify_password(&hash, &current))
        .await
        .unwrap_or(false);
    if !ok {
        return Err(again("当前密码不对。"));
    }
    let new_hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(|_| crate::web::internal(&viewer, "密码摘要计算中断"))?
        .map_err(|e| crate::web::internal(&viewer, &e))?;
    sqlx::query("UPDATE users SET password_hash = $1, must_change = 0 WHERE id = $2")
        .bind(&new_hash)
        .bind(user.id)
        .execute(&state.db.pool)
        .await
        .map_err(&db)?;
    let _ = crate::flow::audit(
        &state.db,
        Some(user),
        &viewer.ip,
        "修改密码",
        &format!("user:{}", user.username),
        "",
    )
    .await;
    Ok(pages::message(
        StatusCode::OK,
        "密码已更新",
        &["新密码已生效。"],
        context! { back => "/work", site => SITE, ..viewer.base() },
    ))
}

/// Every department's latest publication of a year, with its headline figures
/// (departments only: a unit that submits its own report is in its department's).
pub(crate) async fn entries(
    state: &Shared,
    year: i64,
) -> Result<Vec<juesuan_engine::city::Entry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.code, d.name, p.number, h.headline FROM publications p \
         JOIN reports r ON r.id = p.report_id JOIN departments d ON d.id = r.department_id \
         JOIN publication_headlines h ON h.publication_id = p.id \
         WHERE r.year = $1 AND d.parent_id IS NULL \
         AND p.number = (SELECT MAX(q.number) FROM publications q WHERE q.report_id = p.report_id) \
         ORDER BY d.code",
    )
    .bind(year)
    .fetch_all(&state.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let code: String = r.try_get(0)?;
            let number: i64 = r.try_get(2)?;
            let headline: String = r.try_get(3)?;
            Ok(juesuan_engine::city::Entry {
                href: format!("/r/{code}/{year}/{number}/"),
                code,
                name: r.try_get(1)?,
                headline: serde_json::from_str(&headline).unwrap_or_default(),
            })
        })
        .collect()
}

/// `/y/{year}/departments`: every department's published figures of one year,
/// sortable (`?sort=` a column id, `&desc=1`) and filtered (`?q=`), as a page,
/// or with `?format=csv` / `?format=xlsx` as a download of the same table.
pub async fn departments(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(year): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Page {
    use juesuan_engine::city::{COLUMNS, View, year_table};
    let year = parse_year(&viewer, &year)?;
    let db = db_error(&viewer);
    if !years(&state).await.map_err(&db)?.contains(&year) {
        return Err(not_found(&viewer));
    }
    let sort = params
        .get("sort")
        .filter(|s| COLUMNS.iter().any(|c| c.id == s.as_str()))
        .cloned();
    let view = View {
        sort: sort.clone(),
        descending: params.get("desc").is_some_and(|v| v == "1"),
        filter: params
            .get("q")
            .map(|q| q.trim().chars().take(50).collect())
            .unwrap_or_default(),
    };
    let region = region(&state).await;
    let list = entries(&state, year).await.map_err(&db)?;
    // Publications made before headlines were kept (migration 0002) are left out, and counted.
    let missing: i64 = sqlx::query(
        "SELECT COUNT(*) FROM publications p JOIN reports r ON r.id = p.report_id \
         WHERE r.year = $1 AND p.number = (SELECT MAX(q.number) FROM publications q WHERE q.report_id = p.report_id) \
         AND NOT EXISTS (SELECT 1 FROM publication_headlines h WHERE h.publication_id = p.id)",
    )
    .bind(year)
    .fetch_one(&state.db.pool)
    .await
    .and_then(|r| r.try_get(0))
    .map_err(&db)?;
    let table = year_table(&region, year, &list, &view);
    let shown: Vec<juesuan_engine::city::Entry> =
        list.iter().filter(|e| view.shows(e)).cloned().collect();
    let base = format!("{region}{year}年度各部门决算主要数据");
    if let Some(download) = table_download(
        &viewer,
        &params,
        &base,
        &region,
        year,
        std::slice::from_ref(&table),
    ) {
        return download;
    }
    let query = |format: &str| {
        let mut q = vec![format!("format={format}")];
        if let Some(s) = &view.sort {
            q.push(format!("sort={s}"));
        }
        if view.descending {
            q.push("desc=1".to_string());
        }
        if !view.filter.is_empty() {
            q.push(format!("q={}", urlencoding(&view.filter)));
        }
        q.join("&")
    };
    let columns: Vec<serde_json::Value> = COLUMNS
        .iter()
        .map(|c| json!({ "id": c.id, "label": c.label }))
        .collect();
    Ok(pages::render(
        StatusCode::OK,
        "departments.html",
        context! {
            title => base,
            region => region,
            year => year,
            count => list.len(),
            missing => missing,
            chart => juesuan_engine::city::top_chart(&shown).map(|c| juesuan_render::chart::svg(&c)),
            table => juesuan_render::html::table_fragment(&table),
            columns => columns,
            sort => view.sort.clone().unwrap_or_default(),
            desc => view.descending,
            q => view.filter.clone(),
            csv => query("csv"),
            xlsx => query("xlsx"),
            ..viewer.base()
        },
    ))
}

/// Comparison tables as the download `?format=` asks for, named `base`: `xlsx`
/// holds them all, a sheet each; `csv` the one `?table=` names by its id (the
/// first by default); `None` for the page itself (no format, or `html`); a 400
/// for any other format or table.
fn table_download(
    viewer: &Viewer,
    params: &HashMap<String, String>,
    base: &str,
    owner: &str,
    year: i64,
    tables: &[juesuan_compose::TableView],
) -> Option<Page> {
    let internal = |e: String| crate::web::internal(viewer, &e);
    let bad = |what: &str| {
        Ok(pages::message(
            StatusCode::BAD_REQUEST,
            "无法提供这种下载",
            &[what],
            viewer.base(),
        ))
    };
    Some(match params.get("format").map(String::as_str) {
        None | Some("" | "html") => return None,
        Some("csv") => {
            let wanted = params.get("table").map(String::as_str);
            let Some(table) = tables
                .iter()
                .find(|t| wanted.is_none_or(|w| w.is_empty() || t.id == w))
            else {
                let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
                return Some(bad(&format!("表（table）只能是 {}。", ids.join("、"))));
            };
            let name = if table.id == tables[0].id {
                format!("{base}.csv")
            } else {
                format!("{}.csv", table.title)
            };
            juesuan_render::csv::table(table)
                .map(|bytes| download(&name, "text/csv; charset=utf-8", bytes))
                .map_err(internal)
        }
        Some("xlsx") => juesuan_xlsx::workbook(&juesuan_engine::city::table_document(
            owner,
            year,
            tables.to_vec(),
        ))
        .map(|bytes| {
            download(
                &format!("{base}.xlsx"),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            )
        })
        .map_err(|e| internal(e.to_string())),
        Some(_) => bad("下载格式（format）只能是 csv 或 xlsx。"),
    })
}

/// A download of generated bytes (not cached: the table follows publications).
fn download(name: &str, content_type: &'static str, bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"departments\"; filename*=UTF-8''{}",
        urlencoding(name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// Percent-encodes a text for a URL query or a header's `filename*`.
fn urlencoding(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `/d/{code}/`: one department over the years (the latest publication of each
/// year), as a page with a chart, or with `?format=csv` / `?format=xlsx`.
pub async fn department(
    State(state): State<Shared>,
    Extension(viewer): Extension<Viewer>,
    Path(code): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Page {
    use juesuan_engine::city::{
        YearEntry, changed_most_table, subject_table, trend_chart, trend_table,
    };
    let db = db_error(&viewer);
    let name: String = sqlx::query("SELECT name FROM departments WHERE code = $1")
        .bind(&code)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(&db)?
        .ok_or_else(|| not_found(&viewer))?
        .try_get(0)
        .map_err(&db)?;
    let rows = sqlx::query(
        "SELECT r.year, p.number, h.headline FROM publications p \
         JOIN reports r ON r.id = p.report_id JOIN departments d ON d.id = r.department_id \
         JOIN publication_headlines h ON h.publication_id = p.id \
         WHERE d.code = $1 AND p.number = (SELECT MAX(q.number) FROM publications q WHERE q.report_id = p.report_id) \
         ORDER BY r.year",
    )
    .bind(&code)
    .fetch_all(&state.db.pool)
    .await
    .map_err(&db)?;
    let mut years = Vec::new();
    for r in &rows {
        let year: i64 = r.try_get(0).map_err(&db)?;
        let number: i64 = r.try_get(1).map_err(&db)?;
        let headline: String = r.try_get(2).map_err(&db)?;
        years.push(YearEntry {
            year,
            href: format!("/r/{code}/{year}/{number}/"),
            number,
            headline: serde_json::from_str(&headline).unwrap_or_default(),
        });
    }
    let tables = [
        trend_table(&name, &years),
        subject_table(&name, &years),
        changed_most_table(&name, &years),
    ];
    let base = format!("{name}历年决算主要数据");
    let last = years.last().map_or(0, |y| y.year);
    if let Some(download) = table_download(&viewer, &params, &base, &name, last, &tables) {
        return download;
    }
    let [table, subjects, changed] = tables;
    let chart = (years.len() > 1).then(|| juesuan_render::chart::svg(&trend_chart(&name, &years)));
    Ok(pages::render(
        StatusCode::OK,
        "department.html",
        context! {
            title => base,
            department => name,
            code => code,
            count => years.len(),
            table => juesuan_render::html::table_fragment(&table),
            subjects => juesuan_render::html::table_fragment(&subjects),
            changed => juesuan_render::html::table_fragment(&changed),
            chart => chart,
            ..viewer.base()
        },
    ))
}
