//! Access control as a matrix: every route × every kind of visitor, with the
//! status expected. The table must have a row for every route the router has —
//! the test reads `src/web.rs`'s `.route(` lines and fails on one without a row.
//!
//! Visitors: anonymous, a preparer of another department, a preparer of the
//! report's own department, a reviewer, an administrator. The report has a
//! published version (v1) and a draft (v2). Mutating rows act on things that
//! cannot change (v1 is published), so the order of rows does not matter —
//! except `/logout`, run last.

// Helpers outside #[test] functions unwrap too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::common::{Client, Platform, workbook};
use axum::http::StatusCode;
use juesuan_server::auth::Role;
use std::collections::BTreeSet;

const ANON: usize = 0;
const OTHER: usize = 1;
const OWN: usize = 2;
const REVIEWER: usize = 3;
const ADMIN: usize = 4;

/// (method, route pattern as in web.rs, concrete path, form fields or upload, expected per visitor)
type Row = (&'static str, &'static str, String, Body, [u16; 5]);

#[derive(Clone)]
enum Body {
    None,
    Form(Vec<(&'static str, String)>),
    Upload(&'static str, Vec<u8>),
}

fn routes_in_source() -> BTreeSet<(String, String)> {
    // Each `.route(…)` call with its parentheses balanced, however rustfmt wrapped it.
    let src = include_str!("../../src/web.rs");
    let mut out = BTreeSet::new();
    for piece in src.split(".route(").skip(1) {
        // A call, not a mention in a comment: the path string follows.
        let Some(rest) = piece.trim_start().strip_prefix('"') else {
            continue;
        };
        let path: String = rest.chars().take_while(|c| *c != '"').collect();
        let mut depth = 1;
        let mut call = String::new();
        for c in piece.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                break;
            }
            call.push(c);
        }
        for (needle, method) in [
            ("get(", "GET"),
            ("post(", "POST"),
            ("put(", "PUT"),
            ("delete(", "DELETE"),
            ("patch(", "PATCH"),
        ] {
            if call.contains(needle) {
                out.insert((method.to_string(), path.clone()));
            }
        }
    }
    assert!(
        out.len() > 20,
        "the router's routes were not found in src/web.rs"
    );
    out
}

#[tokio::test]
async fn every_route_by_every_visitor() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let (rid, _) = p.city().await;
        let mut own = p.user("own", Role::Preparer, Some("065")).await;
        let other = p.user("other", Role::Preparer, Some("001")).await;
        let mut reviewer = p.user("rev", Role::Reviewer, None).await;
        let admin = p.user("adm", Role::Admin, None).await;
        let mut anon = p.client();
        anon.get("/").await;

        // v1 published.
        let book = workbook(|_| {});
        own.get(&format!("/work/reports/{rid}")).await;
        let r = own
            .upload(&format!("/work/reports/{rid}/upload"), "a.xlsx", &book)
            .await;
        let v1: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
        let vpage = own.get(&format!("/work/versions/{v1}")).await.text();
        let names = common::warning_fields(&vpage);
        let refs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "保留")).collect();
        own.post(&format!("/work/versions/{v1}/explanations"), &refs)
            .await;
        own.get(&format!("/work/versions/{v1}")).await;
        assert_eq!(
            own.post(&format!("/work/versions/{v1}/submit"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        reviewer.get("/work").await;
        assert_eq!(
            reviewer
                .post(&format!("/work/versions/{v1}/approve"), &[])
                .await
                .status,
            StatusCode::SEE_OTHER
        );
        p.drain().await;
        // v2: a draft.
        own.get(&format!("/work/reports/{rid}")).await;
        let r = own
            .upload(&format!("/work/reports/{rid}/upload"), "b.xlsx", &book)
            .await;
        let v2: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
        p.drain().await;
        let (spare, _) =
            juesuan_server::ops::create_user(&p.state.db, "spare", "备用", Role::Reviewer, None)
                .await
                .unwrap();
        let d065 = juesuan_server::ops::department_by_code(&p.state.db, "065")
            .await
            .unwrap()
            .unwrap();

        let f = |pairs: &[(&'static str, &str)]| {
            Body::Form(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect())
        };
        let csv = "编码,部门名称,单位,年度,批复日期\n099,晋城市测试局,,2022,2023-08-22\n"
            .as_bytes()
            .to_vec();
        let rows: Vec<Row> = vec![
            (
                "GET",
                "/",
                "/".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/static/site.css",
                "/static/site.css".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/search",
                "/search?q=%E8%A1%8C%E6%94%BF".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/y/{year}/departments",
                "/y/2022/departments?sort=income&desc=1".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/d/{code}/",
                "/d/065/".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/r/{code}/{year}/",
                "/r/065/2022/".into(),
                Body::None,
                [303, 303, 303, 303, 303],
            ),
            (
                "GET",
                "/r/{code}/{year}/{number}/",
                "/r/065/2022/1/".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/r/{code}/{year}/{number}/{*file}",
                "/r/065/2022/1/report.pdf".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/api/v1/",
                "/api/v1/".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/api/v1/reports",
                "/api/v1/reports?year=2022".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/api/v1/reports/{code}/{year}",
                "/api/v1/reports/065/2022".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/api/v1/search",
                "/api/v1/search?q=2013801".into(),
                Body::None,
                [200, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/login",
                "/login".into(),
                Body::None,
                [200, 303, 303, 303, 303],
            ),
            (
                "POST",
                "/login",
                "/login".into(),
                f(&[("username", "nobody"), ("password", "wrong-password")]),
                [401, 401, 401, 401, 401],
            ),
            (
                "GET",
                "/password",
                "/password".into(),
                Body::None,
                [303, 200, 200, 200, 200],
            ),
            (
                "POST",
                "/password",
                "/password".into(),
                f(&[("current", "x"), ("new", "short"), ("again", "short")]),
                [303, 400, 400, 400, 400],
            ),
            (
                "GET",
                "/work",
                "/work".into(),
                Body::None,
                [303, 200, 200, 200, 200],
            ),
            (
                "GET",
                "/work/alerts",
                "/work/alerts?year=2022".into(),
                Body::None,
                [303, 403, 403, 200, 200],
            ),
            (
                "GET",
                "/work/summary",
                "/work/summary?year=2022".into(),
                Body::None,
                [303, 403, 403, 200, 200],
            ),
            (
                "GET",
                "/work/reports/{id}",
                format!("/work/reports/{rid}"),
                Body::None,
                [303, 404, 200, 200, 200],
            ),
            (
                "GET",
                "/work/reports/{id}/form.xlsx",
                format!("/work/reports/{rid}/form.xlsx"),
                Body::None,
                [303, 404, 200, 200, 200],
            ),
            (
                "POST",
                "/work/reports/{id}/upload",
                format!("/work/reports/{rid}/upload"),
                Body::Upload("x.xlsx", b"not a workbook".to_vec()),
                [303, 404, 422, 403, 403],
            ),
            (
                "GET",
                "/work/versions/{id}",
                format!("/work/versions/{v2}"),
                Body::None,
                [303, 404, 200, 200, 200],
            ),
            (
                "GET",
                "/work/versions/{id}/preview.html",
                format!("/work/versions/{v2}/preview.html"),
                Body::None,
                [303, 404, 200, 200, 200],
            ),
            (
                "GET",
                "/work/versions/{id}/preview.pdf",
                format!("/work/versions/{v2}/preview.pdf"),
                Body::None,
                [303, 404, 200, 200, 200],
            ),
            (
                "POST",
                "/work/versions/{id}/explanations",
                format!("/work/versions/{v1}/explanations"),
                f(&[]),
                [303, 404, 409, 403, 403],
            ),
            (
                "POST",
                "/work/versions/{id}/submit",
                format!("/work/versions/{v1}/submit"),
                f(&[]),
                [303, 404, 409, 403, 403],
            ),
            (
                "POST",
                "/work/versions/{id}/return",
                format!("/work/versions/{v1}/return"),
                f(&[("anchor0", "公开01表"), ("text0", "意见")]),
                [303, 404, 403, 409, 409],
            ),
            (
                "POST",
                "/work/versions/{id}/approve",
                format!("/work/versions/{v1}/approve"),
                f(&[]),
                [303, 404, 403, 409, 409],
            ),
            (
                "POST",
                "/work/versions/{id}/retry",
                format!("/work/versions/{v1}/retry"),
                f(&[]),
                [303, 404, 409, 409, 409],
            ),
            (
                "GET",
                "/admin",
                "/admin".into(),
                Body::None,
                [303, 403, 403, 403, 200],
            ),
            (
                "GET",
                "/admin/log",
                "/admin/log".into(),
                Body::None,
                [303, 403, 403, 403, 200],
            ),
            (
                "POST",
                "/admin/settings",
                "/admin/settings".into(),
                f(&[("region", "晋城市")]),
                [303, 403, 403, 403, 303],
            ),
            (
                "POST",
                "/admin/years",
                "/admin/years".into(),
                f(&[("year", "2023"), ("profile", "shanxi-2022")]),
                [303, 403, 403, 403, 303],
            ),
            (
                "POST",
                "/admin/departments",
                "/admin/departments".into(),
                f(&[("code", "098"), ("name", "晋城市某局")]),
                [303, 403, 403, 403, 303],
            ),
            (
                "POST",
                "/admin/departments/import",
                "/admin/departments/import".into(),
                Body::Upload("d.csv", csv),
                [303, 403, 403, 403, 200],
            ),
            (
                "POST",
                "/admin/approvals",
                "/admin/approvals".into(),
                Body::Form(vec![
                    ("department", d065.to_string()),
                    ("year", "2022".into()),
                    ("approval_date", "2023-08-20".into()),
                ]),
                [303, 403, 403, 403, 303],
            ),
            (
                "POST",
                "/admin/users",
                "/admin/users".into(),
                f(&[
                    ("username", "new"),
                    ("display_name", "新用户"),
                    ("role", "reviewer"),
                ]),
                [303, 403, 403, 403, 200],
            ),
            (
                "POST",
                "/admin/users/{id}/reset",
                format!("/admin/users/{spare}/reset"),
                f(&[]),
                [303, 403, 403, 403, 200],
            ),
            (
                "POST",
                "/admin/users/{id}/disable",
                format!("/admin/users/{spare}/disable"),
                f(&[]),
                [303, 403, 403, 403, 303],
            ),
            (
                "POST",
                "/logout",
                "/logout".into(),
                f(&[]),
                [303, 303, 303, 303, 303],
            ),
        ];

        let listed: BTreeSet<(String, String)> = rows
            .iter()
            .map(|r| (r.0.to_string(), r.1.to_string()))
            .collect();
        let routes = routes_in_source();
        let missing: Vec<_> = routes.difference(&listed).collect();
        assert!(
            missing.is_empty(),
            "routes without a row in the access matrix: {missing:?}"
        );
        let stale: Vec<_> = listed.difference(&routes).collect();
        assert!(
            stale.is_empty(),
            "rows for routes that no longer exist: {stale:?}"
        );

        let mut visitors: [Client; 5] = [anon, other, own, reviewer, admin];
        let names = [
            "anonymous",
            "other department",
            "own department",
            "reviewer",
            "administrator",
        ];
        let mut failures = Vec::new();
        for (method, pattern, path, body, expected) in &rows {
            for (who, client) in visitors.iter_mut().enumerate() {
                // Each visitor reads a page with a form first, as a browser holds its token.
                client.get(if who == ANON { "/login" } else { "/" }).await;
                let r = match (method, body) {
                    (&"GET", _) => client.get(path).await,
                    (_, Body::Upload(name, bytes)) => client.upload(path, name, bytes).await,
                    (_, Body::Form(fields)) => {
                        let refs: Vec<(&str, &str)> =
                            fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                        client.post(path, &refs).await
                    }
                    (_, Body::None) => client.post(path, &[]).await,
                };
                if r.status.as_u16() != expected[who] {
                    failures.push(format!(
                        "{backend}: {method} {pattern} ({path}) as {}: {} (expected {})",
                        names[who],
                        r.status.as_u16(),
                        expected[who]
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        let _ = (ANON, OTHER, OWN, REVIEWER, ADMIN);
    }
}
