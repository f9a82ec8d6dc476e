//! Security, on SQLite and PostgreSQL: markup in names, comments and narratives
//! comes out escaped on every page and in the outputs; injection in every search
//! and filter parameter; CSRF; a new session at login; path traversal in file
//! URLs; limits on uploads (size, zip bombs); a panicking handler answered 500
//! with a request id; two preparers submitting at once.

// Helpers outside #[test] functions unwrap too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::common::{Platform, replace, workbook};
use axum::http::StatusCode;
use juesuan_server::auth::Role;
use std::io::Write;

const EVIL: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

fn raw_markup(s: &str) -> bool {
    s.contains("<script>alert") || s.contains("<img src=x")
}

#[tokio::test]
async fn markup_is_escaped_everywhere() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        p.city().await;
        let name = format!("晋城市{EVIL}局");
        let did = juesuan_server::ops::upsert_department(&p.state.db, "666", &name, &[])
            .await
            .unwrap();
        let rid = juesuan_server::ops::approval(&p.state.db, did, 2022, "2023-08-20")
            .await
            .unwrap();
        let mut prep = p.user("evil", Role::Preparer, Some("666")).await;
        let mut rev = p.user("rev", Role::Reviewer, None).await;
        let mut admin = p.user("adm", Role::Admin, None).await;
        let book = workbook(|d| {
            replace(
                d,
                "report.toml",
                "department = \"晋城市市场监督管理局\"",
                &format!("department = \"{}\"", name.replace('"', "\\\"")),
            );
        });
        prep.get(&format!("/work/reports/{rid}")).await;
        let vid = prep
            .upload_version(rid, &format!("{EVIL}.xlsx").replace('"', ""), &book)
            .await;
        let page = prep.get(&format!("/work/versions/{vid}")).await.text();
        let names = common::warning_fields(&page);
        let refs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), EVIL)).collect();
        prep.post(&format!("/work/versions/{vid}/explanations"), &refs)
            .await;
        prep.get(&format!("/work/versions/{vid}")).await;
        assert_eq!(
            prep.post(&format!("/work/versions/{vid}/submit"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER,
            "{backend}"
        );
        rev.get("/work").await;
        rev.post(
            &format!("/work/versions/{vid}/return"),
            &[("anchor0", EVIL), ("text0", EVIL)],
        )
        .await;
        p.drain().await;
        let pages = [
            (0, format!("/work/versions/{vid}")),
            (0, format!("/work/reports/{rid}")),
            (0, format!("/work/versions/{vid}/preview.html")),
            (1, "/work".to_string()),
            (1, format!("/work/versions/{vid}")),
            (2, "/admin".to_string()),
            (2, "/admin/log".to_string()),
        ];
        for (who, path) in pages {
            let client = match who {
                0 => &mut prep,
                1 => &mut rev,
                _ => &mut admin,
            };
            let text = client.get(&path).await.text();
            assert!(
                !raw_markup(&text),
                "{backend}: raw markup on {path} as {who}"
            );
            assert!(
                text.contains("&lt;script") || text.contains("&lt;img"),
                "{backend}: {path} shows the markup escaped"
            );
        }
        // Published: every page and output.
        prep.get(&format!("/work/reports/{rid}")).await;
        let r = prep
            .upload(&format!("/work/reports/{rid}/upload"), "b.xlsx", &book)
            .await;
        let v2: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
        let page = prep.get(&format!("/work/versions/{v2}")).await.text();
        let names = common::warning_fields(&page);
        let refs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "ok")).collect();
        prep.post(&format!("/work/versions/{v2}/explanations"), &refs)
            .await;
        prep.get(&format!("/work/versions/{v2}")).await;
        prep.post(&format!("/work/versions/{v2}/submit"), &[]).await;
        rev.get("/work").await;
        rev.post(&format!("/work/versions/{v2}/approve"), &[]).await;
        p.drain().await;
        let mut public = p.client();
        for path in [
            "/",
            "/r/666/2022/1/",
            "/r/666/2022/1/report.html",
            "/search?q=%E6%99%8B%E5%9F%8E",
            "/api/v1/reports",
            "/api/v1/reports/666/2022",
        ] {
            let r = public.get(path).await;
            assert_eq!(r.status, StatusCode::OK, "{backend}: {path}");
            assert!(
                !raw_markup(&r.text()) || path.starts_with("/api/"),
                "{backend}: raw markup on {path}"
            );
        }
        // JSON carries the name as data, served as application/json (never HTML).
        let api = public.get("/api/v1/reports/666/2022").await;
        assert!(
            api.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let xlsx = public.get("/r/666/2022/1/report.xlsx").await.body;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut f, &mut s);
            assert!(
                !raw_markup(&s),
                "{backend}: raw markup in report.xlsx {}",
                f.name().unwrap_or_default()
            );
        }
        let csv = public
            .get("/r/666/2022/1/data/datapackage.json")
            .await
            .text();
        assert!(
            csv.contains("alert"),
            "{backend}: the name is in the open data as text"
        );
    }
}

#[tokio::test]
async fn injection_csrf_sessions_traversal() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        p.city().await;
        let mut c = p.client();
        for q in [
            "' OR 1=1 --",
            "%",
            "_",
            "\\",
            "\"; DROP TABLE users; --",
            "%' UNION SELECT password_hash FROM users --",
        ] {
            let enc = juesuan_server::web::encode(q);
            let r = c.get(&format!("/search?q={enc}")).await;
            assert_eq!(r.status, StatusCode::OK, "{backend}: search {q}");
            assert!(!r.text().contains("$argon2"), "{backend}");
            let r = c.get(&format!("/api/v1/search?q={enc}")).await;
            assert_eq!(r.status, StatusCode::OK, "{backend}: api search {q}");
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(
                v["hits"].as_array().unwrap().len(),
                0,
                "{backend}: {q} matches nothing"
            );
        }
        for bad in ["1;DROP TABLE years", "abc", "99999", "2022'"] {
            let enc = juesuan_server::web::encode(bad);
            assert_eq!(
                c.get(&format!("/search?q=a&year={enc}")).await.status,
                StatusCode::BAD_REQUEST,
                "{backend}: year {bad}"
            );
            assert_eq!(
                c.get(&format!("/api/v1/reports?year={enc}")).await.status,
                StatusCode::BAD_REQUEST,
                "{backend}: api year {bad}"
            );
            assert_eq!(
                c.get(&format!("/r/065/{enc}/1/")).await.status,
                StatusCode::NOT_FOUND,
                "{backend}"
            );
        }
        assert!(c.get("/api/v1/").await.text().contains("endpoints"));
        assert_eq!(c.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
        assert!(c.get("/no/such/page").await.text().contains("找不到"));

        // CSRF: a post without the token, or with another's, is refused.
        let mut admin = p.user("adm", Role::Admin, None).await;
        let r = admin
            .post_raw("/admin/settings", &[("region", "被篡改")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        let r = admin
            .post_raw(
                "/admin/settings",
                &[("region", "被篡改"), ("csrf", &"0".repeat(64))],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        assert_ne!(
            p.state.db.setting("region").await.unwrap().as_deref(),
            Some("被篡改")
        );
        let r = admin
            .upload("/admin/departments/import", "x.csv", b"a")
            .await;
        assert_ne!(
            r.status,
            StatusCode::FORBIDDEN,
            "{backend}: with the token it passes the check"
        );
        let mut stranger = admin.clone();
        stranger.csrf = "f".repeat(64);
        assert_eq!(
            stranger
                .upload("/admin/departments/import", "x.csv", b"a")
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // A visitor who never received a token cannot post at all, not even an empty one.
        let mut anon = p.client();
        let r = anon
            .post_raw("/login", &[("username", "adm"), ("password", "x")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        let r = anon
            .post_raw(
                "/login",
                &[("username", "adm"), ("password", "x"), ("csrf", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{backend}");
        // Public pages set no cookie.
        let r = anon.get("/").await;
        assert!(r.headers.get("set-cookie").is_none(), "{backend}");
        // A malformed field is a 400 naming it.
        admin.get("/admin").await;
        let r = admin
            .post(
                "/admin/years",
                &[("year", "二〇二三"), ("profile", "shanxi-2022")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(r.text().contains("year"), "{backend}");

        // A new session id at every login; a cookie set before login is never adopted.
        let mut u = p.user("someone", Role::Reviewer, None).await;
        let first = u.cookies.get("juesuan_session").cloned().unwrap();
        u.login("someone", "password-for-tests").await;
        let second = u.cookies.get("juesuan_session").cloned().unwrap();
        assert_ne!(first, second, "{backend}");
        let mut old = p.client();
        old.cookies.insert("juesuan_session".into(), first);
        assert_eq!(
            old.get("/work").await.status,
            StatusCode::SEE_OTHER,
            "{backend}: the old session ended"
        );
        let mut fixated = p.client();
        fixated
            .cookies
            .insert("juesuan_session".into(), "a".repeat(64));
        fixated.login("someone", "password-for-tests").await;
        assert_ne!(fixated.cookies["juesuan_session"], "a".repeat(64));
        let cookie = {
            let mut c = p.client();
            c.get("/login").await;
            let r = c
                .post(
                    "/login",
                    &[("username", "someone"), ("password", "password-for-tests")],
                )
                .await;
            r.headers
                .get_all("set-cookie")
                .iter()
                .map(|v| v.to_str().unwrap().to_string())
                .find(|v| v.starts_with("juesuan_session="))
                .unwrap()
        };
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );

        // The login rate limit.
        let mut guess = p.client();
        guess.get("/login").await;
        let mut last = StatusCode::OK;
        for _ in 0..6 {
            last = guess
                .post(
                    "/login",
                    &[("username", "someone"), ("password", "guess-guess")],
                )
                .await
                .status;
        }
        assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "{backend}");

        // Path traversal in file URLs.
        for path in [
            "/r/065/2022/1/../../../../etc/passwd",
            "/r/065/2022/1/%2e%2e/%2e%2e/etc/passwd",
            "/r/065/2022/1/data/..%2F..%2Fjuesuan.db",
            "/r/..%2F..%2F/2022/1/report.pdf",
            "/r/065/2022/1/%00",
        ] {
            let r = c.get(path).await;
            assert!(
                r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST,
                "{backend}: {path} → {}",
                r.status
            );
        }
    }
}

#[tokio::test]
async fn upload_limits_and_zip_bombs() {
    let p = Platform::new("sqlite").await;
    let (rid, _) = p.city().await;
    let mut prep = p.user("amr", Role::Preparer, Some("065")).await;
    prep.get(&format!("/work/reports/{rid}")).await;
    // Over the limit: refused by its length before the body is read.
    let big = vec![b'x'; p.state.upload_limit + 10];
    let r = prep
        .upload(&format!("/work/reports/{rid}/upload"), "big.xlsx", &big)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.text().contains("过大"));
    // A zip bomb: 60 MB of zeros in a few KB, claimed as report.toml.
    let mut buf = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("report.toml", opts).unwrap();
        let zeros = vec![0_u8; 1_000_000];
        for _ in 0..60 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    assert!(buf.len() < 1_000_000);
    prep.get(&format!("/work/reports/{rid}")).await;
    let r = prep
        .upload(&format!("/work/reports/{rid}/upload"), "bomb.zip", &buf)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("上限"), "{}", r.text());
    // A zip with a path escaping its folder.
    let mut buf = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        zip.start_file("../../evil.toml", zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"x").unwrap();
        zip.finish().unwrap();
    }
    prep.get(&format!("/work/reports/{rid}")).await;
    let r = prep
        .upload(&format!("/work/reports/{rid}/upload"), "evil.zip", &buf)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("不安全"));
    // Nothing was stored as a version.
    let n: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) FROM versions")
            .fetch_one(&p.state.db.pool)
            .await
            .unwrap(),
        0,
    );
    assert_eq!(n, 0);
    // The text form as a zip is accepted, its files named inside the zip.
    let dir = common::example_dir();
    replace(dir.path(), "income.csv", "25483460.23", "25483460.24");
    let mut buf = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        for e in walk(dir.path()) {
            let rel = e
                .strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .to_string();
            zip.start_file(
                format!("市场监管局/{rel}"),
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            zip.write_all(&std::fs::read(&e).unwrap()).unwrap();
        }
        zip.finish().unwrap();
    }
    prep.get(&format!("/work/reports/{rid}")).await;
    let r = prep
        .upload(&format!("/work/reports/{rid}/upload"), "text.zip", &buf)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = prep.get(&r.location()).await.text();
    assert!(
        page.contains("text.zip&#x2f;projects&#x2f;"),
        "findings name the file inside the zip, with its line"
    );
    assert!(
        !page.contains("&#x2f;tmp&#x2f;") && !page.contains("juesuan-upload-"),
        "no temporary path is shown"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[allow(clippy::panic)]
async fn boom() -> &'static str {
    panic!("deliberate")
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_with_a_request_id() {
    let p = Platform::new("sqlite").await;
    let routes = axum::Router::new().route("/boom", axum::routing::get(boom));
    let router = juesuan_server::web::guarded(routes, p.state.clone());
    let mut c = common::Client {
        router,
        cookies: Default::default(),
        csrf: String::new(),
    };
    let r = c.get("/boom").await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    let id = r.headers["x-request-id"].to_str().unwrap().to_string();
    assert!(r.text().contains(&id) && r.text().contains("请求编号"));
}

#[tokio::test]
async fn two_preparers_submit_at_once_and_one_wins() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let (rid, _) = p.city().await;
        let mut a = p.user("a", Role::Preparer, Some("065")).await;
        let mut b = p.user("b", Role::Preparer, Some("065")).await;
        a.get(&format!("/work/reports/{rid}")).await;
        let vid = a.upload_version(rid, "a.xlsx", &workbook(|_| {})).await;
        let page = a.get(&format!("/work/versions/{vid}")).await.text();
        let names = common::warning_fields(&page);
        let refs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "ok")).collect();
        a.post(&format!("/work/versions/{vid}/explanations"), &refs)
            .await;
        a.get(&format!("/work/versions/{vid}")).await;
        b.get(&format!("/work/versions/{vid}")).await;
        let path = format!("/work/versions/{vid}/submit");
        let (ra, rb) = tokio::join!(a.post(&path, &[]), b.post(&path, &[]));
        let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
        statuses.sort();
        assert_eq!(
            statuses,
            [303, 409],
            "{backend}: {} / {}",
            ra.text(),
            rb.text()
        );
        let loser = if ra.status == StatusCode::CONFLICT {
            ra
        } else {
            rb
        };
        assert!(
            loser.text().contains("已被提交") || loser.text().contains("不能修改"),
            "{backend}: {}",
            loser.text()
        );
    }
}
