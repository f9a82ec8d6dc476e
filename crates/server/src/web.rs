//! The HTTP shell: the router (every route in [`router`], one per line — the
//! access-matrix test reads them from this file), the request context (request
//! id, client address, session), CSRF, body limits, panics, and the helpers every
//! handler answers with.

use crate::auth::{self, CSRF_COOKIE, Limiter, SESSION_COOKIE, Session, User};
use crate::db::Db;
use crate::pages::{self, SITE};
use crate::store::Store;
use crate::{admin, public, work};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::FutureExt;
use minijinja::{Value, context};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

/// What every handler shares.
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The content-addressed file store.
    pub store: Store,
    /// Failed-login counts.
    pub limiter: Limiter,
    /// PDF fonts, loaded once per process by the first job that needs them.
    pub fonts: OnceLock<juesuan_engine::Fonts>,
    /// Wakes the job workers when a job is queued.
    pub jobs: tokio::sync::Notify,
    /// The largest upload accepted, in bytes.
    pub upload_limit: usize,
    /// Set `Secure` on cookies (the site is served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Published files kept in memory (they never change).
    pub published: crate::cache::Published,
}

/// The state as handlers get it.
pub type Shared = Arc<AppState>;

/// A handler's answer: a page, or an error page — both responses.
pub type Page = Result<Response, Response>;

/// The largest urlencoded form accepted (comments and explanations included).
pub const FORM_LIMIT: usize = 1_000_000;

/// Who is asking, resolved once per request by [`context`].
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The session, when logged in.
    pub session: Option<Session>,
    /// The CSRF token of a visitor not logged in (from [`CSRF_COOKIE`]).
    pub anon_csrf: String,
    /// This request's id (logged, and shown on a 500 page).
    pub request_id: String,
    /// The client's address.
    pub ip: String,
}

impl Viewer {
    /// The logged-in user.
    pub fn user(&self) -> Option<&User> {
        self.session.as_ref().map(|s| &s.user)
    }

    /// The CSRF token forms on this page carry.
    pub fn csrf(&self) -> &str {
        self.session.as_ref().map_or(&self.anon_csrf, |s| &s.csrf)
    }

    /// The context every template gets: `me`, `csrf`, `site`.
    pub fn base(&self) -> Value {
        context! { me => self.user(), csrf => self.csrf(), site => SITE }
    }

    /// The user, or a redirect to the login page (anonymous), or a page asking
    /// for a new password first (a one-time password was given).
    pub fn require(&self, path: &str) -> Result<&User, Response> {
        match self.user() {
            Some(u) if u.must_change => Err(Redirect::to("/password").into_response()),
            Some(u) => Ok(u),
            None => Err(Redirect::to(&format!("/login?next={}", encode(path))).into_response()),
        }
    }
}

/// Percent-encodes a string for a query parameter.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Writes one log line to standard error: time, request id, what.
#[allow(clippy::print_stderr)]
pub fn log(request_id: &str, what: &str) {
    eprintln!(
        "{} [{request_id}] {what}",
        crate::time::format_time(crate::db::now())
    );
}

/// The value of a cookie the request carries.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Path=/, Secure when asked.
pub fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut s = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(age) = max_age {
        s.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        s.push_str("; Secure");
    }
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("x=; Path=/"))
}

fn token_like(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The request context, CSRF check, and the last guard against a panic.
async fn context(State(state): State<Shared>, mut req: Request, next: Next) -> Response {
    let request_id = request_id();
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_string(), |c| c.0.ip().to_string());
    let session = match cookie(req.headers(), SESSION_COOKIE).filter(|t| token_like(t)) {
        Some(token) => match auth::session(&state.db, token).await {
            Ok(s) => s,
            Err(e) => {
                log(&request_id, &format!("数据库错误：{e}"));
                return unavailable(&request_id);
            }
        },
        None => None,
    };
    // A visitor not logged in gets a CSRF token only where a form needs one (the
    // login page): public pages stay free of cookies, and cacheable.
    let (anon_csrf, new_anon) = match cookie(req.headers(), CSRF_COOKIE).filter(|t| token_like(t)) {
        Some(t) => (t.to_string(), false),
        None if session.is_none() && req.uri().path() == "/login" => (auth::random_token(), true),
        None => (String::new(), false),
    };
    let viewer = Viewer {
        session,
        anon_csrf,
        request_id: request_id.clone(),
        ip,
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        match check_csrf(req, &viewer, state.upload_limit).await {
            Ok(r) => req = r,
            Err(resp) => return resp,
        }
    }
    req.extensions_mut().insert(viewer.clone());
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let outcome = std::panic::AssertUnwindSafe(next.run(req))
        .catch_unwind()
        .await;
    let mut resp = match outcome {
        Ok(r) => r,
        Err(_) => {
            log(
                &request_id,
                &format!("处理 {method} {path} 时发生内部错误（panic）"),
            );
            pages::message(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器内部错误",
                &[
                    "处理这个请求时出了错，没有保存任何改动。请稍后重试；如仍出错，请把下面的请求编号告诉管理员。",
                ],
                context! { request_id => request_id, ..viewer.base() },
            )
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    if new_anon && viewer.session.is_none() {
        resp.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &viewer.anon_csrf, None, state.secure_cookies),
        );
    }
    resp
}

fn unavailable(request_id: &str) -> Response {
    pages::message(
        StatusCode::SERVICE_UNAVAILABLE,
        "暂时无法服务",
        &["数据库暂时不可用，请稍后重试。"],
        context! { request_id => request_id, site => SITE },
    )
}

/// A request id: a random prefix per process and a counter (cheap, unique, and
/// in order within a process's log).
fn request_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| auth::random_token().chars().take(6).collect());
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{prefix}-{n}")
}

/// Every request that changes something carries the CSRF token of its session
/// (or, before login, of its [`CSRF_COOKIE`]): a `csrf` field of a urlencoded
/// form, or a `csrf` query parameter (multipart uploads, whose body is not read
/// here). A body larger than its limit is refused with 413 before it is read.
async fn check_csrf(
    req: Request,
    viewer: &Viewer,
    upload_limit: usize,
) -> Result<Request, Response> {
    let expected = viewer.csrf().to_string();
    let refuse = || {
        forbidden_page(
            viewer,
            "表单已失效或来源不明（CSRF 令牌不符），未做任何改动。请回到上一页刷新后再提交。",
        )
    };
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let limit = if content_type.starts_with("multipart/") {
        upload_limit
    } else {
        FORM_LIMIT
    };
    if length.is_some_and(|n| n > limit as u64) {
        return Err(too_large(viewer, limit));
    }
    if expected.is_empty() {
        // No session and no token issued: nothing this visitor may post.
        return Err(refuse());
    }
    if let Some(t) = query_param(req.uri().query(), "csrf") {
        return if t == expected {
            Ok(req)
        } else {
            Err(refuse())
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(refuse());
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| too_large(viewer, FORM_LIMIT))?;
    let ok = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .map(|fields| fields.iter().any(|(k, v)| k == "csrf" && *v == expected))
        .unwrap_or(false);
    if !ok {
        return Err(refuse());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// 413 with the limit in Chinese.
pub fn too_large(viewer: &Viewer, limit: usize) -> Response {
    let mb = limit.div_ceil(1_000_000);
    pages::message(
        StatusCode::PAYLOAD_TOO_LARGE,
        "提交的内容过大",
        &[&format!(
            "上限为 {mb} MB，未读取也未保存。工作簿通常只有几百 KB；请检查是否选错了文件。"
        )],
        context! { back => "javascript:history.back()", ..viewer.base() },
    )
}

/// 404 in Chinese.
pub fn not_found(viewer: &Viewer) -> Response {
    pages::message(
        StatusCode::NOT_FOUND,
        "找不到这个页面",
        &["地址有误，或这份内容不存在、尚未公开，或您无权查看。"],
        viewer.base(),
    )
}

/// 403 in Chinese, with why.
pub fn forbidden_page(viewer: &Viewer, why: &str) -> Response {
    pages::message(
        StatusCode::FORBIDDEN,
        "不能执行此操作",
        &[why],
        viewer.base(),
    )
}

/// 400 naming the form field.
pub fn bad_field(viewer: &Viewer, field: &str, why: &str) -> Response {
    pages::message(
        StatusCode::BAD_REQUEST,
        "表单内容有误",
        &[&format!("字段 “{field}”：{why}")],
        context! { back => "javascript:history.back()", ..viewer.base() },
    )
}

/// 409: the state changed under the user (a concurrent submission, say).
pub fn conflict(viewer: &Viewer, why: &str, back: &str) -> Response {
    pages::message(
        StatusCode::CONFLICT,
        "操作未完成",
        &[why],
        context! { back => back, ..viewer.base() },
    )
}

/// 500 for an error that is ours (database, store), logged with the request id.
pub fn internal(viewer: &Viewer, what: &str) -> Response {
    log(&viewer.request_id, what);
    pages::message(
        StatusCode::INTERNAL_SERVER_ERROR,
        "服务器内部错误",
        &["没有保存任何改动。请稍后重试；如仍出错，请把下面的请求编号告诉管理员。"],
        context! { request_id => viewer.request_id.clone(), ..viewer.base() },
    )
}

/// A storage failure (full disk …): 507 with its Chinese message.
pub fn storage(viewer: &Viewer, message: &str) -> Response {
    log(&viewer.request_id, message);
    pages::message(
        StatusCode::INSUFFICIENT_STORAGE,
        "无法保存",
        &[message],
        context! { request_id => viewer.request_id.clone(), ..viewer.base() },
    )
}

/// Maps a database error to a 500 page.
pub fn db_error(viewer: &Viewer) -> impl Fn(sqlx::Error) -> Response + '_ {
    move |e| internal(viewer, &format!("数据库错误：{e}"))
}

/// A urlencoded form's fields, in order (read after [`check_csrf`] buffered it).
pub struct Fields(pub Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Response;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let viewer = req.extensions().get::<Viewer>().cloned();
        let bytes = Bytes::from_request(req, &())
            .await
            .map_err(IntoResponse::into_response)?;
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map(Fields)
            .map_err(|_| match viewer {
                Some(v) => bad_field(&v, "（整个表单）", "不是有效的表单编码"),
                None => StatusCode::BAD_REQUEST.into_response(),
            })
    }
}

impl Fields {
    /// A field's value, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// A field that must be present and non-empty, at most `max` characters.
    pub fn required<'a>(
        &'a self,
        viewer: &Viewer,
        name: &str,
        max: usize,
    ) -> Result<&'a str, Response> {
        let v = self.optional(viewer, name, max)?;
        if v.is_empty() {
            return Err(bad_field(viewer, name, "不能为空"));
        }
        Ok(v)
    }

    /// An optional field, at most `max` characters.
    pub fn optional<'a>(
        &'a self,
        viewer: &Viewer,
        name: &str,
        max: usize,
    ) -> Result<&'a str, Response> {
        let v = self.get(name);
        if v.chars().count() > max {
            return Err(bad_field(viewer, name, &format!("最多 {max} 个字符")));
        }
        if v.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(bad_field(viewer, name, "含有控制字符"));
        }
        Ok(v)
    }

    /// A whole number field.
    pub fn number(&self, viewer: &Viewer, name: &str) -> Result<i64, Response> {
        self.get(name)
            .parse::<i64>()
            .map_err(|_| bad_field(viewer, name, "应为整数"))
    }
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        pages::CSS,
    )
        .into_response()
}

async fn fallback(axum::Extension(viewer): axum::Extension<Viewer>) -> Response {
    not_found(&viewer)
}

/// Every route of the platform, one per line: the access-matrix test
/// (`tests/platform/matrix.rs`) reads this function's `.route(` lines and fails when one
/// has no row in its table.
pub fn router(state: Shared) -> Router {
    let routes = Router::new()
        .route("/", get(public::index))
        .route("/static/site.css", get(css))
        .route("/search", get(public::search))
        .route("/y/{year}/departments", get(public::departments))
        .route("/d/{code}/", get(public::department))
        .route("/r/{code}/{year}/", get(public::latest))
        .route("/r/{code}/{year}/{number}/", get(public::report))
        .route("/r/{code}/{year}/{number}/{*file}", get(public::file))
        .route("/api/v1/", get(public::api_root))
        .route("/api/v1/reports", get(public::api_reports))
        .route("/api/v1/reports/{code}/{year}", get(public::api_report))
        .route("/api/v1/search", get(public::api_search))
        .route("/login", get(public::login_page).post(public::login))
        .route("/logout", post(public::logout))
        .route(
            "/password",
            get(public::password_page).post(public::password),
        )
        .route("/work", get(work::home))
        .route("/work/alerts", get(work::alerts))
        .route("/work/summary", get(work::summary))
        .route("/work/reports/{id}", get(work::report))
        .route("/work/reports/{id}/form.xlsx", get(work::form))
        .route("/work/reports/{id}/upload", post(work::upload))
        .route("/work/versions/{id}", get(work::version))
        .route("/work/versions/{id}/preview.html", get(work::preview_html))
        .route("/work/versions/{id}/preview.pdf", get(work::preview_pdf))
        .route("/work/versions/{id}/explanations", post(work::explain))
        .route("/work/versions/{id}/submit", post(work::submit))
        .route("/work/versions/{id}/return", post(work::return_version))
        .route("/work/versions/{id}/approve", post(work::approve))
        .route("/work/versions/{id}/retry", post(work::retry))
        .route("/admin", get(admin::page))
        .route("/admin/log", get(admin::log_page))
        .route("/admin/settings", post(admin::settings))
        .route("/admin/years", post(admin::add_year))
        .route("/admin/departments", post(admin::add_department))
        .route("/admin/departments/import", post(admin::import_departments))
        .route("/admin/approvals", post(admin::approval))
        .route("/admin/users", post(admin::add_user))
        .route("/admin/users/{id}/reset", post(admin::reset_user))
        .route("/admin/users/{id}/disable", post(admin::disable_user))
        .fallback(fallback);
    guarded(routes, state)
}

/// The guards every route runs under: the request context and CSRF check, body
/// limits, and the catch that turns a panic into a logged 500 with a request id.
pub fn guarded(routes: Router<Shared>, state: Shared) -> Router {
    let upload_limit = state.upload_limit;
    routes
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(middleware::from_fn_with_state(state.clone(), context))
        .with_state(state)
}

/// Ids in paths: a malformed one is a 404, like an unknown one.
pub fn id(viewer: &Viewer, raw: &str) -> Result<i64, Response> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| not_found(viewer))
}
