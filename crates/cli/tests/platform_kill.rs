//! `kill -9` of a running `juesuan serve`: right after an upload (its PDF job
//! queued or running) and right after an approval (its publication job queued or
//! running). After a restart on the same data directory nothing is lost — the
//! version is there, its PDF is built, the report is published whole — because
//! every change is a committed transaction and a dead worker's job lease expires
//! (`JUESUAN_JOB_LEASE_SECONDS=2` here) and the job is taken again.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_juesuan");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `serve` and waits for its "started" line.
fn serve(data: &Path, port: u16) -> Child {
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data)
        .env("JUESUAN_JOB_LEASE_SECONDS", "2")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if line.contains("已启动") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(60))
        .expect("serve started");
    child
}

fn admin(data: &Path, args: &[&str]) -> String {
    let out = Command::new(BIN)
        .arg("admin")
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "admin {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

struct Http {
    addr: SocketAddr,
    cookies: HashMap<String, String>,
    csrf: String,
}

struct Resp {
    status: u16,
    location: String,
    body: Vec<u8>,
}

impl Http {
    fn send(&mut self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Resp {
        let mut s = TcpStream::connect(self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let cookie: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            cookie.join("; "),
            body.len()
        );
        s.write_all(head.as_bytes()).unwrap();
        s.write_all(body).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        let mut location = String::new();
        for line in head.lines() {
            let lower = line.to_lowercase();
            if let Some(v) = lower
                .strip_prefix("set-cookie: ")
                .map(|_| line.split_once(": ").unwrap().1)
            {
                let kv = v.split(';').next().unwrap();
                let (k, v) = kv.split_once('=').unwrap();
                self.cookies.insert(k.to_string(), v.to_string());
            }
            if lower.starts_with("location: ") {
                location = line.split_once(": ").unwrap().1.trim().to_string();
            }
        }
        let body = raw[split + 4..].to_vec();
        let text = String::from_utf8_lossy(&body);
        if let Some(t) = text.split("name=\"csrf\" value=\"").nth(1) {
            self.csrf = t.chars().take_while(|c| *c != '"').collect();
        }
        Resp {
            status,
            location,
            body,
        }
    }

    fn get(&mut self, path: &str) -> Resp {
        self.send("GET", path, "text/plain", b"")
    }

    fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        let csrf = self.csrf.clone();
        all.push(("csrf", &csrf));
        let body: Vec<String> = all
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect();
        self.send(
            "POST",
            path,
            "application/x-www-form-urlencoded",
            body.join("&").as_bytes(),
        )
    }

    fn upload(&mut self, path: &str, name: &str, bytes: &[u8]) -> Resp {
        let b = "----kill9";
        let mut body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        let csrf = self.csrf.clone();
        self.send(
            "POST",
            &format!("{path}?csrf={csrf}"),
            &format!("multipart/form-data; boundary={b}"),
            &body,
        )
    }

    fn login(&mut self, user: &str, one_time: &str, new: &str) {
        self.get("/login");
        assert_eq!(
            self.post(
                "/login",
                &[
                    ("username", user),
                    ("password", one_time),
                    ("next", "/work")
                ]
            )
            .status,
            303
        );
        self.get("/password");
        assert_eq!(
            self.post(
                "/password",
                &[("current", one_time), ("new", new), ("again", new)]
            )
            .status,
            200
        );
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn otp(out: &str) -> String {
    out.split("一次性密码：")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

fn wait_for(what: &str, mut ok: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(120) {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!("{what}: not within 120 s after the restart");
}

#[test]
fn kill_9_during_an_upload_and_a_publication_loses_nothing() {
    let t = tempfile::tempdir().unwrap();
    let data = t.path().join("data");
    let port = free_port();
    let mut server = serve(&data, port);
    admin(&data, &["add-year", "2022", "--profile", "shanxi-2022"]);
    let csv = t.path().join("d.csv");
    std::fs::write(
        &csv,
        "编码,部门名称,单位,年度,批复日期\n065,晋城市市场监督管理局,,2022,2023-08-20\n",
    )
    .unwrap();
    admin(&data, &["import-departments", csv.to_str().unwrap()]);
    let prep_otp = otp(&admin(
        &data,
        &[
            "add-user",
            "amr",
            "--name",
            "填报员",
            "--role",
            "preparer",
            "--department",
            "065",
        ],
    ));
    let rev_otp = otp(&admin(
        &data,
        &["add-user", "rev", "--name", "审核员", "--role", "reviewer"],
    ));
    let book = t.path().join("book.xlsx");
    let ex = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/jincheng-amr-2022");
    let st = Command::new(BIN)
        .arg("convert")
        .arg(&ex)
        .arg("-o")
        .arg(&book)
        .status()
        .unwrap();
    assert!(st.success());
    let bytes = std::fs::read(&book).unwrap();

    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut prep = Http {
        addr,
        cookies: HashMap::new(),
        csrf: String::new(),
    };
    prep.login("amr", &prep_otp, "preparer-password-1");
    prep.get("/work/reports/1");
    let r = prep.upload("/work/reports/1/upload", "book.xlsx", &bytes);
    assert_eq!(r.status, 303, "{}", String::from_utf8_lossy(&r.body));
    let version = r.location.clone();
    // kill -9 with the version's PDF job queued or running.
    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = serve(&data, port);
    let page = prep.get(&version);
    assert_eq!(page.status, 200, "the upload survived the kill");
    wait_for("the PDF job finished", || {
        prep.get(&format!("{version}/preview.pdf")).status == 200
    });
    assert!(
        prep.get(&format!("{version}/preview.pdf"))
            .body
            .starts_with(b"%PDF")
    );

    // Explain the warnings, submit; the reviewer approves; kill -9 at once.
    let html = String::from_utf8_lossy(&prep.get(&version).body).to_string();
    let names: Vec<String> = html
        .split("<textarea name=\"")
        .skip(1)
        .map(|s| s.chars().take_while(|c| *c != '"').collect::<String>())
        .filter(|n| n.starts_with('e'))
        .collect();
    let fields: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "保留")).collect();
    assert_eq!(
        prep.post(&format!("{version}/explanations"), &fields)
            .status,
        303
    );
    prep.get(&version);
    assert_eq!(prep.post(&format!("{version}/submit"), &[]).status, 303);
    let mut rev = Http {
        addr,
        cookies: HashMap::new(),
        csrf: String::new(),
    };
    rev.login("rev", &rev_otp, "reviewer-password-1");
    rev.get(&version);
    assert_eq!(rev.post(&format!("{version}/approve"), &[]).status, 303);
    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = serve(&data, port);
    let mut public = Http {
        addr,
        cookies: HashMap::new(),
        csrf: String::new(),
    };
    wait_for("the publication finished", || {
        let page = public.get("/r/065/2022/1/").status;
        // Whenever the page is there, so is every file: never half-published.
        if page == 200 {
            assert_eq!(public.get("/r/065/2022/1/report.pdf").status, 200);
            assert_eq!(
                public.get("/r/065/2022/1/data/datapackage.json").status,
                200
            );
        }
        page == 200
    });
    server.kill().unwrap();
    server.wait().unwrap();
}
