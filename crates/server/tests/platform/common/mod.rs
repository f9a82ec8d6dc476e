//! The platform under test: a fresh data directory and database per test —
//! SQLite always, and PostgreSQL too when `JUESUAN_TEST_POSTGRES` names a server
//! (scripts/test.sh starts a throwaway cluster and sets it; each test then gets
//! its own database in it) — driven through the real router, with a client that
//! keeps cookies and reads each page's CSRF token as a browser would.

#![allow(
    dead_code,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use juesuan_server::web::Shared;
use juesuan_server::{Options, auth::Role, ops};
use std::collections::HashMap;
use tower::ServiceExt;

pub struct Platform {
    pub state: Shared,
    pub router: Router,
    pub dir: tempfile::TempDir,
    pub backend: &'static str,
}

/// The backends to run a test on.
pub fn backends() -> Vec<&'static str> {
    let mut b = vec!["sqlite"];
    if std::env::var("JUESUAN_TEST_POSTGRES").is_ok_and(|v| !v.is_empty()) {
        b.push("postgres");
    }
    b
}

async fn postgres_url(name: &str) -> String {
    let base = std::env::var("JUESUAN_TEST_POSTGRES").unwrap();
    // A database of its own per test: created through the server's `postgres` database.
    sqlx::any::install_default_drivers();
    let admin = format!("{}/postgres", base.trim_end_matches('/'));
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
        .await
        .unwrap();
    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&mut conn)
        .await;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    format!("{}/{name}", base.trim_end_matches('/'))
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Platform {
    pub async fn new(backend: &'static str) -> Platform {
        let dir = tempfile::tempdir().unwrap();
        let mut options = Options::new(dir.path());
        if backend == "postgres" {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let name = format!("jt_{}_{n}", std::process::id());
            options.database = Some(postgres_url(&name).await);
        }
        let state = juesuan_server::open(&options).await.unwrap();
        let router = juesuan_server::web::router(state.clone());
        Platform {
            state,
            router,
            dir,
            backend,
        }
    }

    /// Region, year 2022 (shanxi-2022), the example's department and another,
    /// both with 批复; returns (report id of 065, report id of 001).
    pub async fn city(&self) -> (i64, i64) {
        let db = &self.state.db;
        db.set_setting("region", "晋城市").await.unwrap();
        ops::add_year(db, 2022, "shanxi-2022").await.unwrap();
        let a = ops::upsert_department(db, "065", "晋城市市场监督管理局", &[])
            .await
            .unwrap();
        let b = ops::upsert_department(db, "001", "晋城市财政局", &[])
            .await
            .unwrap();
        let ra = ops::approval(db, a, 2022, "2023-08-20").await.unwrap();
        let rb = ops::approval(db, b, 2022, "2023-08-20").await.unwrap();
        (ra, rb)
    }

    /// A user with a known password (the one-time one replaced), logged in.
    pub async fn user(&self, name: &str, role: Role, department: Option<&str>) -> Client {
        let db = &self.state.db;
        let dep = match department {
            Some(code) => ops::department_by_code(db, code).await.unwrap(),
            None => None,
        };
        let (id, _) = ops::create_user(db, name, name, role, dep).await.unwrap();
        let hash = juesuan_server::auth::hash_password("password-for-tests").unwrap();
        sqlx::query("UPDATE users SET password_hash = $1, must_change = 0 WHERE id = $2")
            .bind(hash)
            .bind(id)
            .execute(&db.pool)
            .await
            .unwrap();
        let mut c = self.client();
        c.login(name, "password-for-tests").await;
        c
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    /// Runs every queued job (PDF builds, publications).
    pub async fn drain(&self) -> usize {
        juesuan_server::jobs::drain(&self.state).await.unwrap()
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

#[derive(Clone)]
pub struct Client {
    pub router: Router,
    pub cookies: HashMap<String, String>,
    pub csrf: String,
}

/// The value of the first `name="csrf" value="…"` on a page.
pub fn csrf_of(html: &str) -> Option<String> {
    let tail = html.split("name=\"csrf\" value=\"").nth(1)?;
    Some(tail.chars().take_while(|c| *c != '"').collect())
}

/// The names of a version page's explanation fields (one per warning).
pub fn warning_fields(html: &str) -> Vec<String> {
    html.split("<textarea name=\"")
        .skip(1)
        .map(|t| t.chars().take_while(|c| *c != '"').collect::<String>())
        .filter(|n| n.starts_with('e'))
        .collect()
}

/// Explains every warning of a version with `text`, then submits it with `extra` fields.
pub async fn explain_and_submit(
    c: &mut Client,
    vid: i64,
    text: &str,
    extra: &[(&str, &str)],
) -> Resp {
    let page = c.get(&format!("/work/versions/{vid}")).await;
    let names = warning_fields(&page.text());
    if !names.is_empty() {
        let refs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), text)).collect();
        let r = c
            .post(&format!("/work/versions/{vid}/explanations"), &refs)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        c.get(&format!("/work/versions/{vid}")).await;
    }
    c.post(&format!("/work/versions/{vid}/submit"), extra).await
}

/// The version id a redirect after upload points at.
pub fn version_id(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap()
}

impl Client {
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (kv, _) = s.split_once(';').unwrap_or((s, ""));
            if let Some((k, v)) = kv.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        let body = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        let r = Resp {
            status,
            headers,
            body,
        };
        if let Some(t) = csrf_of(&r.text()) {
            self.csrf = t;
        }
        r
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form with this client's CSRF token (from the last page it read).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        all.push(("csrf", &csrf));
        self.post_raw(path, &all).await
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Uploads a file as the browser's multipart form does.
    pub async fn upload(&mut self, path: &str, file_name: &str, bytes: &[u8]) -> Resp {
        let boundary = "----juesuan-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        let req = Request::post(format!("{path}{sep}csrf={}", self.csrf))
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Uploads `bytes` as `file_name` to report `report`; the new version's id (the
    /// upload must be accepted).
    pub async fn upload_version(&mut self, report: i64, file_name: &str, bytes: &[u8]) -> i64 {
        let r = self
            .upload(&format!("/work/reports/{report}/upload"), file_name, bytes)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "upload: {}", r.text());
        version_id(&r.location())
    }

    pub async fn login(&mut self, name: &str, password: &str) -> Resp {
        self.get("/login").await;
        let r = self
            .post(
                "/login",
                &[
                    ("username", name),
                    ("password", password),
                    ("next", "/work"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {name}: {}",
            r.text()
        );
        self.get("/work").await;
        r
    }
}

/// The example as text-directory files.
pub fn example_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022");
    copy(&src, dir.path());
    dir
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &t);
        } else {
            std::fs::copy(e.path(), t).unwrap();
        }
    }
}

/// The example as a workbook, with `edit` applied to its text form first.
pub fn workbook(edit: impl FnOnce(&std::path::Path)) -> Vec<u8> {
    let dir = example_dir();
    edit(dir.path());
    let (report, profile) = juesuan_ingest::read_text_dir(dir.path()).unwrap();
    juesuan_xlsx::form::form(&report, profile).unwrap()
}

/// Replaces text in a file of the example.
pub fn replace(dir: &std::path::Path, file: &str, from: &str, to: &str) {
    let p = dir.join(file);
    let s = std::fs::read_to_string(&p).unwrap();
    assert!(s.contains(from), "{file} has no {from}");
    std::fs::write(&p, s.replacen(from, to, 1)).unwrap();
}
