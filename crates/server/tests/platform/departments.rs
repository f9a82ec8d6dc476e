//! One year, every department (`/y/{year}/departments`), on SQLite and (when
//! available) PostgreSQL: the published figures side by side with a 合计 row,
//! sorted and filtered as asked, and the same table as CSV and Excel.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::{Platform, explain_and_submit, version_id};
use axum::http::StatusCode;
use juesuan_engine::sample;
use juesuan_server::auth::Role;
use juesuan_server::ops;

#[tokio::test]
async fn every_department_of_a_year_side_by_side() {
    let (base, profile) = sample::example().unwrap();
    let depts: Vec<_> = (0..2).map(|i| sample::department("晋城市", i)).collect();
    let reports: Vec<_> = depts
        .iter()
        .enumerate()
        .map(|(i, d)| sample::years(&base, profile, d, i, &[2022], &[]).remove(0))
        .collect();
    let books: Vec<Vec<u8>> = reports
        .iter()
        .map(|r| juesuan_xlsx::form::form(r, profile).unwrap())
        .collect();
    let income: Vec<i64> = reports
        .iter()
        .map(|r| {
            let Ok(l) = juesuan_engine::check(r.clone(), profile, false, None, Default::default())
            else {
                panic!("made-up report unusable");
            };
            juesuan_engine::city::headline(&l).figures["grand.income"]
        })
        .collect();
    assert_ne!(income[0], income[1]);
    let yuan = |fen: i64| juesuan_model::Money::from_fen(fen).yuan();
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let db = &p.state.db;
        db.set_setting("region", "晋城市").await.unwrap();
        ops::add_year(db, 2022, "shanxi-2022").await.unwrap();
        let mut rev = p.user("rev", Role::Reviewer, None).await;
        for (i, d) in depts.iter().enumerate() {
            let id = ops::upsert_department(db, &d.code, &d.name, &[])
                .await
                .unwrap();
            let rid = ops::approval(db, id, 2022, "2023-08-20").await.unwrap();
            let mut prep = p
                .user(&format!("p{i}"), Role::Preparer, Some(&d.code))
                .await;
            prep.get(&format!("/work/reports/{rid}")).await;
            let r = prep
                .upload(&format!("/work/reports/{rid}/upload"), "f.xlsx", &books[i])
                .await;
            let v = version_id(&r.location());
            let r = explain_and_submit(&mut prep, v, "与原报告一致。", &[]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
            rev.get(&format!("/work/versions/{v}")).await;
            rev.post(&format!("/work/versions/{v}/approve"), &[]).await;
        }
        p.drain().await;
        let mut public = p.client();

        let page = public.get("/y/2022/departments?sort=income&desc=1").await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let html = page.text();
        let at = |s: &str| {
            html.find(s)
                .unwrap_or_else(|| panic!("{backend}: {s} missing"))
        };
        let (big, small) = if income[0] > income[1] {
            (0, 1)
        } else {
            (1, 0)
        };
        assert!(
            at(&depts[big].name) < at(&depts[small].name),
            "{backend}: largest first"
        );
        assert!(
            html.contains(&format!("href=\"/r/{}/2022/1/\"", depts[0].code)),
            "{backend}"
        );
        assert!(html.contains("合计（2 个部门）"), "{backend}");
        assert!(
            html.contains("各部门本年支出合计占比") && html.contains("<svg"),
            "{backend}: the chart"
        );
        assert!(
            html.contains(&yuan(income[0] + income[1])),
            "{backend}: the total is the sum"
        );
        // The index links here.
        assert!(public.get("/").await.text().contains("/y/2022/departments"));

        // Filtered.
        let one = public
            .get(&format!("/y/2022/departments?q={}", depts[1].code))
            .await
            .text();
        assert!(
            one.contains(&depts[1].name) && !one.contains(&depts[0].name),
            "{backend}"
        );
        assert!(one.contains("合计（1 个部门）"));

        // The same table as CSV (header, two departments, 合计) and as Excel.
        let csv = public
            .get("/y/2022/departments?format=csv&sort=income")
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        let text = csv.text();
        assert!(text.starts_with('\u{feff}'), "{backend}: a BOM for Excel");
        let lines: Vec<&str> = text.trim_end().lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert!(lines[0].contains("部门") && lines[0].contains("收入总计"));
        assert!(
            lines[1].starts_with(&depts[small].name),
            "{backend}: smallest first"
        );
        assert!(lines[3].contains(&format!("{:.2}", (income[0] + income[1]) as f64 / 100.0)));
        let xlsx = public.get("/y/2022/departments?format=xlsx").await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(xlsx.body.starts_with(b"PK"), "{backend}");

        // Search, ranked: a department's own name first; three characters and
        // more through the trigram index, fewer by reading the texts — both find.
        let hits = public
            .get(&format!("/api/v1/search?q={}", depts[1].name))
            .await;
        let v: serde_json::Value = serde_json::from_slice(&hits.body).unwrap();
        let first = &v["hits"][0];
        assert_eq!(
            first["department"],
            depts[1].name.as_str(),
            "{backend}: {v}"
        );
        for q in ["行政运行", "行政", "政", "局", "2013801", "20", "%", "a_b"] {
            let r = public
                .get(&format!(
                    "/api/v1/search?q={}",
                    juesuan_server::web::encode(q)
                ))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{backend}: {q}");
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            let n = v["hits"].as_array().map_or(0, Vec::len);
            // A wildcard is searched for as itself: both texts print rates with %.
            let expect = if q == "a_b" { 0 } else { 2 };
            assert_eq!(n, expect, "{backend}: {q}: {v}");
        }

        // A format we do not make, a year not collected: 4xx.
        assert_eq!(
            public.get("/y/2022/departments?format=pdf").await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            public.get("/y/2019/departments").await.status,
            StatusCode::NOT_FOUND
        );
    }
}
