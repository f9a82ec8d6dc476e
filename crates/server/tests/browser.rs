//! A real browser drives the whole cycle: headless Chromium through chromedriver
//! (WebDriver, JSON over loopback HTTP), against `juesuan serve`'s router on a
//! loopback port with its job worker running.
//!
//! The administrator logs in with the first one-time password, sets a year,
//! creates a department, registers its 批复 and creates a preparer and a reviewer
//! (reading their one-time passwords off the page); the preparer sets a password,
//! uploads a workbook with one wrong figure, sees the error with its cell, uploads
//! the fixed one, explains the warnings and submits; the reviewer returns it with
//! a comment on a cell; the preparer resubmits; the reviewer approves; the public
//! page shows the report and its PDF holds the figures. Screenshots at 1280 and
//! 390 px go to the test's temporary directory (and to `JUESUAN_SCREENSHOTS` when set).
//!
//! Needs `chromium` and `chromedriver` (Debian `chromium`, `chromium-driver`;
//! scripts/test.sh installs them and sets `JUESUAN_REQUIRE_BROWSER=1`, so there
//! a missing browser fails the test instead of skipping it).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr
)]

#[path = "platform/common/mod.rs"]
mod common;

use base64::Engine;
use common::{Platform, replace, workbook};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request over loopback; the response's status and body. Reads
/// the head, then exactly Content-Length bytes (or the chunks); a minute at most.
async fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> (u16, Vec<u8>) {
    tokio::time::timeout(Duration::from_secs(60), exchange(addr, method, path, body))
        .await
        .unwrap_or_else(|_| panic!("{method} {path} on {addr}: no answer in 60 s"))
}

async fn exchange(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> (u16, Vec<u8>) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
        payload.len()
    );
    stream.write_all(req.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let mut buf = [0_u8; 65536];
    let split = loop {
        if let Some(at) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buf).await.unwrap();
        assert!(n > 0, "connection closed before the response head");
        raw.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let mut body = raw[split + 4..].to_vec();
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let chunked = head.contains("transfer-encoding: chunked");
    loop {
        let complete = match length {
            Some(n) => body.len() >= n,
            None if chunked => body.windows(5).any(|w| w == b"0\r\n\r\n"),
            None => false,
        };
        if complete {
            break;
        }
        let n = stream.read(&mut buf).await.unwrap();
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if chunked {
        let mut out = Vec::new();
        let mut rest = body.as_slice();
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size =
                usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = &rest[end + 2 + size + 2..];
        }
        body = out;
    }
    (status, body)
}

struct Browser {
    driver: SocketAddr,
    session: String,
    base: String,
    shots: Vec<PathBuf>,
}

impl Browser {
    async fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, bytes) = Box::pin(http(
            self.driver,
            method,
            &format!("/session/{}{path}", self.session),
            body.as_ref(),
        ))
        .await;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert!(status < 300, "WebDriver {method} {path}: {status} {v}");
        v["value"].clone()
    }

    async fn go(&self, path: &str) {
        self.cmd(
            "POST",
            "/url",
            Some(json!({ "url": format!("{}{path}", self.base) })),
        )
        .await;
    }

    async fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits (up to 10 s) until the page holds `text`: a click returns before the
    /// page it leads to has loaded.
    async fn has(&self, text: &str) -> bool {
        for _ in 0..100 {
            if self.source().await.contains(text) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// The element `css` names, waiting (up to 10 s) for it: a page may still be
    /// loading, or be replaced between two calls.
    async fn find(&self, css: &str) -> String {
        let body = json!({ "using": "css selector", "value": css });
        for _ in 0..100 {
            let (status, bytes) = Box::pin(http(
                self.driver,
                "POST",
                &format!("/session/{}/element", self.session),
                Some(&body),
            ))
            .await;
            if status == 200 {
                let v: Value = serde_json::from_slice(&bytes).unwrap();
                return v["value"]
                    .as_object()
                    .and_then(|o| o.values().next())
                    .and_then(Value::as_str)
                    .unwrap()
                    .to_string();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let url = self.url().await;
        let src = self.source().await;
        let h1: String = src
            .split("<h1>")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        let errors: String = src
            .split("class=\"error\">")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(200)
            .collect();
        panic!("no element {css} on {url}: <h1>{h1} … {errors}");
    }

    async fn count(&self, css: &str) -> usize {
        let v = self
            .cmd(
                "POST",
                "/elements",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        v.as_array().map_or(0, Vec::len)
    }

    /// Finds `css` and does `actions` on it (`clear`, `value`, `click` …), again
    /// from the start when the page replaced the element in between (stale).
    async fn on(&self, css: &str, actions: &[(&str, Value)]) {
        'again: for _ in 0..50 {
            let e = self.find(css).await;
            for (action, body) in actions {
                let (status, bytes) = Box::pin(http(
                    self.driver,
                    "POST",
                    &format!("/session/{}/element/{e}/{action}", self.session),
                    Some(body),
                ))
                .await;
                if status == 404 && String::from_utf8_lossy(&bytes).contains("stale element") {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue 'again;
                }
                assert!(
                    status < 300,
                    "{action} on {css}: {status} {}",
                    String::from_utf8_lossy(&bytes)
                );
            }
            return;
        }
        panic!("{css} kept going stale");
    }

    async fn type_in(&self, css: &str, text: &str) {
        self.on(
            css,
            &[("clear", json!({})), ("value", json!({ "text": text }))],
        )
        .await;
    }

    /// Clicks something that loads a new page, and waits until the old page is
    /// gone (its root element goes stale) — a click returns before that.
    async fn click(&self, css: &str) {
        let root = self.find("html").await;
        self.on(css, &[("click", json!({}))]).await;
        for _ in 0..200 {
            let (status, _) = http(
                self.driver,
                "GET",
                &format!("/session/{}/element/{root}/name", self.session),
                None,
            )
            .await;
            if status >= 400 {
                return self.loaded().await;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let src = self.source().await;
        let why: String = src
            .split("<ul class=\"bad\">")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(300)
            .collect();
        panic!(
            "clicking {css} loaded no new page (at {}): {why}",
            self.url().await
        );
    }

    /// Waits until the current document has loaded.
    async fn loaded(&self) {
        for _ in 0..200 {
            let state = self
                .cmd(
                    "POST",
                    "/execute/sync",
                    Some(json!({ "script": "return document.readyState", "args": [] })),
                )
                .await;
            if state == "complete" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page did not finish loading");
    }

    /// Clicks something that stays on the page (an option of a select).
    async fn pick(&self, css: &str) {
        self.on(css, &[("click", json!({}))]).await;
    }

    async fn screenshot(&mut self, name: &str, dir: &Path) {
        for (width, tag) in [(1280, "1280"), (390, "390")] {
            self.cmd(
                "POST",
                "/window/rect",
                Some(json!({ "width": width, "height": 900 })),
            )
            .await;
            let b64 = self.cmd("GET", "/screenshot", None).await;
            let png = base64::engine::general_purpose::STANDARD
                .decode(b64.as_str().unwrap())
                .unwrap();
            let path = dir.join(format!("{name}-{tag}.png"));
            std::fs::write(&path, png).unwrap();
            self.shots.push(path);
        }
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": 1280, "height": 900 })),
        )
        .await;
    }

    async fn login(&self, user: &str, password: &str) {
        self.go("/login").await;
        self.type_in("input[name=username]", user).await;
        self.type_in("input[name=password]", password).await;
        self.click("form button[type=submit]").await;
    }

    async fn logout(&self) {
        self.click("nav form button").await;
    }

    /// The one-time password a page shows.
    async fn secret(&self) -> String {
        assert!(
            self.has("<p class=\"secret\"><code>").await,
            "a one-time password on the page"
        );
        let src = self.source().await;
        let tail = src.split("<p class=\"secret\"><code>").nth(1).unwrap();
        tail.chars().take_while(|c| *c != '<').collect()
    }

    async fn set_password(&self, old: &str, new: &str) {
        assert!(
            self.has("设置新密码").await,
            "a one-time password leads to the password page"
        );
        self.type_in("input[name=current]", old).await;
        self.type_in("input[name=new]", new).await;
        self.type_in("input[name=again]", new).await;
        self.click("form.card button[type=submit]").await;
    }

    async fn explain_warnings(&self) {
        let names = common::warning_fields(&self.source().await);
        for name in &names {
            self.type_in(&format!("textarea[name={name}]"), "已核实，保留。")
                .await;
        }
        if !names.is_empty() {
            self.click("form[action$=explanations] button[type=submit]")
                .await;
        }
    }

    async fn upload(&self, file: &Path) {
        let path = file.display().to_string();
        self.on("input[type=file]", &[("value", json!({ "text": path }))])
            .await;
        self.click("form[enctype] button[type=submit]").await;
    }
}

fn which(cmd: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(cmd))
            .find(|p| p.is_file())
    })
}

#[test]
fn a_browser_drives_the_whole_cycle() {
    // A debug build's nested WebDriver futures need more than a test thread's stack.
    let run = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(16 * 1024 * 1024)
                .enable_all()
                .build()
                .unwrap()
                .block_on(cycle())
        })
        .unwrap();
    if let Err(panic) = run.join() {
        std::panic::resume_unwind(panic);
    }
}

async fn cycle() {
    let (Some(driver_bin), Some(chromium)) = (which("chromedriver"), which("chromium")) else {
        assert!(
            std::env::var("JUESUAN_REQUIRE_BROWSER").is_err(),
            "JUESUAN_REQUIRE_BROWSER is set but chromium / chromedriver are missing"
        );
        eprintln!("skipped: chromium and chromedriver are not installed");
        return;
    };
    let p = Platform::new("sqlite").await;
    let admin_password = juesuan_server::first_admin(&p.state)
        .await
        .unwrap()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site = listener.local_addr().unwrap();
    let app = juesuan_server::web::router(p.state.clone())
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    tokio::spawn(juesuan_server::jobs::worker(
        p.state.clone(),
        Duration::from_millis(200),
    ));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut driver = std::process::Command::new(driver_bin)
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let driver_addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut ready = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(driver_addr).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "chromedriver did not start");
    let profile = tempfile::tempdir().unwrap();
    let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": {
        "binary": chromium.display().to_string(),
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                 format!("--user-data-dir={}", profile.path().display()), "--window-size=1280,900"]
    }}}});
    let (status, body) = http(driver_addr, "POST", "/session", Some(&caps)).await;
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "new session: {v}");
    let mut b = Browser {
        driver: driver_addr,
        session: v["value"]["sessionId"].as_str().unwrap().to_string(),
        base: format!("http://{site}"),
        shots: Vec::new(),
    };
    let shots = std::env::var_os("JUESUAN_SCREENSHOTS")
        .map_or_else(|| p.dir.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&shots).unwrap();

    // Boxed: in a debug build this state machine is larger than the test thread's stack.
    let result = Box::pin(async {
        // The administrator sets up the year, the department, its 批复 and users.
        b.login("admin", &admin_password).await;
        b.set_password(&admin_password, "admin-password-1").await;
        b.go("/admin").await;
        b.type_in("input[name=region]", "晋城市").await;
        b.click("form[action='/admin/settings'] button").await;
        b.type_in("input[name=year]", "2022").await;
        b.click("form[action='/admin/years'] button").await;
        b.type_in("form[action='/admin/departments'] input[name=code]", "065")
            .await;
        b.type_in(
            "form[action='/admin/departments'] input[name=name]",
            "晋城市市场监督管理局",
        )
        .await;
        b.click("form[action='/admin/departments'] button").await;
        b.type_in("input[name=approval_date]", "08/20/2023").await;
        b.click("form[action='/admin/approvals'] button").await;
        assert!(b.has("2023-08-20").await, "the 批复 date is registered");
        b.type_in("form[action='/admin/users'] input[name=username]", "amr")
            .await;
        b.type_in(
            "form[action='/admin/users'] input[name=display_name]",
            "市场监管局填报员",
        )
        .await;
        b.pick("select[name=department] option:nth-of-type(2)")
            .await;
        b.click("form[action='/admin/users'] button").await;
        let preparer_otp = b.secret().await;
        b.go("/admin").await;
        b.type_in("form[action='/admin/users'] input[name=username]", "rev")
            .await;
        b.type_in(
            "form[action='/admin/users'] input[name=display_name]",
            "审核员",
        )
        .await;
        b.pick("select[name=role] option[value=reviewer]").await;
        b.click("form[action='/admin/users'] button").await;
        let reviewer_otp = b.secret().await;
        b.go("/admin").await;
        b.screenshot("admin", &shots).await;
        b.logout().await;

        // The preparer uploads a workbook with one wrong figure.
        let dir = tempfile::tempdir().unwrap();
        let wrong = dir.path().join("市场监管局-有误.xlsx");
        std::fs::write(
            &wrong,
            workbook(|d| replace(d, "general-budget.csv", "25483460.23,", "25483460.32,")),
        )
        .unwrap();
        let right = dir.path().join("市场监管局.xlsx");
        std::fs::write(&right, workbook(|_| {})).unwrap();
        b.login("amr", &preparer_otp).await;
        b.set_password(&preparer_otp, "preparer-password-1").await;
        b.go("/work").await;
        b.click("table.list a").await;
        b.upload(&wrong).await;
        assert!(b.has("tag error").await, "the error is shown");
        assert!(b.has("市场监管局-有误.xlsx").await, "the workbook is named");
        b.screenshot("findings", &shots).await;
        assert!(
            b.count("form[action$=submit] button[disabled]").await == 1,
            "errors block submission"
        );
        b.click(".crumbs a:nth-of-type(2)").await;
        b.upload(&right).await;
        b.explain_warnings().await;
        b.click("form[action$=submit] button").await;
        assert!(b.has("已提交，待审核").await, "submitted");
        b.logout().await;

        // The reviewer returns it with a comment on a cell.
        b.login("rev", &reviewer_otp).await;
        b.set_password(&reviewer_otp, "reviewer-password-1").await;
        b.go("/work").await;
        b.click("table.list a").await;
        assert!(
            b.has("与第 1 版相比").await,
            "the diff against the previous version"
        );
        b.type_in("input[name=anchor0]", "公开01表!D7").await;
        b.type_in("textarea[name=text0]", "请核对行政运行的基本支出。")
            .await;
        b.screenshot("review", &shots).await;
        b.click("form[action$=return] button").await;
        b.logout().await;

        // The preparer sees the comment and resubmits.
        b.login("amr", "preparer-password-1").await;
        b.go("/work").await;
        b.click("table.list a").await;
        b.click("table.list a").await;
        assert!(
            b.has("请核对行政运行的基本支出。").await,
            "the comment reaches the preparer"
        );
        b.click(".crumbs a:nth-of-type(2)").await;
        b.upload(&right).await;
        b.explain_warnings().await;
        b.click("form[action$=submit] button").await;
        b.logout().await;

        // The reviewer approves; the worker publishes.
        b.login("rev", "reviewer-password-1").await;
        b.go("/work").await;
        b.click("table.list a").await;
        b.click("form[action$=approve] button").await;
        b.logout().await;
        let mut published = false;
        for _ in 0..300 {
            let (status, _) = http(site, "GET", "/r/065/2022/1/", None).await;
            if status == 200 {
                published = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert!(published, "published by the job worker");
        b.go("/").await;
        b.click("table.list a").await;
        assert!(b.has("晋城市市场监督管理局 2022 年度部门决算").await);
        b.screenshot("public", &shots).await;

        // Every department of the year side by side, sorted by 支出总计.
        b.go("/").await;
        b.click("a.more").await;
        assert!(b.has("各部门决算主要数据").await);
        assert!(b.has("合计（1 个部门）").await);
        b.pick("select[name=sort] option[value=exp]").await;
        b.click("form.filters button").await;
        assert!(b.url().await.contains("sort=exp"));
        assert!(b.has("晋城市市场监督管理局").await);
        b.screenshot("departments", &shots).await;

        // One department over the years, reached from its report page.
        b.click("td.label a").await;
        b.click("a[href^='/d/']").await;
        assert!(b.has("晋城市市场监督管理局历年决算主要数据").await);
        assert!(b.has("2022年度").await);
        b.screenshot("trend", &shots).await;

        // Search, with the matching sentence quoted.
        b.go("/search?q=%E8%A1%8C%E6%94%BF%E8%BF%90%E8%A1%8C").await;
        assert!(b.has("行政运行").await);
        b.screenshot("search", &shots).await;

        // The bureau's 预警: the one report is published, with its warnings explained.
        b.login("rev", "reviewer-password-1").await;
        b.go("/work/alerts").await;
        assert!(b.has("应公开 1 个部门：已公开 1").await);
        assert!(b.has("带警告公开（1）").await);
        b.screenshot("alerts", &shots).await;
        b.logout().await;
        let (status, pdf) = http(site, "GET", "/r/065/2022/1/report.pdf", None).await;
        assert_eq!(status, 200);
        let path = dir.path().join("r.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let out = std::process::Command::new("pdftotext")
            .args(["-layout"])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for figure in ["25,483,460.23", "5,892,885.90", "1,223,612.00"] {
            assert!(text.contains(figure), "the PDF holds {figure}");
        }
    })
    .await;
    let _ = http(
        driver_addr,
        "DELETE",
        &format!("/session/{}", b.session),
        None,
    )
    .await;
    let _ = driver.kill();
    let _ = driver.wait();
    result
}
