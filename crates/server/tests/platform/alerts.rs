//! The bureau's 预警 page, on SQLite and (when available) PostgreSQL: one year's
//! reports by what needs attention.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::{Platform, explain_and_submit, version_id};
use axum::http::StatusCode;
use juesuan_engine::sample;
use juesuan_model::{Measure, Money, Num};
use juesuan_server::auth::Role;
use juesuan_server::ops;

#[tokio::test]
async fn who_is_late_who_has_errors_who_published_with_warnings() {
    let (base, profile) = sample::example().unwrap();
    let depts: Vec<_> = (0..3).map(|i| sample::department("晋城市", i)).collect();
    let mut reports: Vec<_> = depts
        .iter()
        .enumerate()
        .map(|(i, d)| sample::years(&base, profile, d, i, &[2022], &[]).remove(0))
        .collect();
    // The second department's 机关运行经费 far above its 公用经费: an error.
    reports[1]
        .facts
        .scalars
        .insert(Measure::OrcAdmin, Num::Money(Money::from_yuan(900_000_000)));
    let books: Vec<Vec<u8>> = reports
        .iter()
        .map(|r| juesuan_xlsx::form::form(r, profile).unwrap())
        .collect();
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let db = &p.state.db;
        ops::add_year(db, 2022, "shanxi-2022").await.unwrap();
        let mut ids = Vec::new();
        for d in &depts {
            let id = ops::upsert_department(db, &d.code, &d.name, &[])
                .await
                .unwrap();
            // Long past: every report not yet published is overdue.
            ids.push(ops::approval(db, id, 2022, "2023-08-20").await.unwrap());
        }
        let mut rev = p.user("rev", Role::Reviewer, None).await;
        // First: published, its warnings explained. Second: uploaded with an error.
        for i in 0..2 {
            let mut prep = p
                .user(&format!("p{i}"), Role::Preparer, Some(&depts[i].code))
                .await;
            prep.get(&format!("/work/reports/{}", ids[i])).await;
            let r = prep
                .upload(
                    &format!("/work/reports/{}/upload", ids[i]),
                    "f.xlsx",
                    &books[i],
                )
                .await;
            let v = version_id(&r.location());
            if i == 0 {
                let r = explain_and_submit(&mut prep, v, "与原报告一致。", &[]).await;
                assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
                rev.get(&format!("/work/versions/{v}")).await;
                rev.post(&format!("/work/versions/{v}/approve"), &[]).await;
            }
        }
        p.drain().await;

        let page = rev.get("/work/alerts").await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let html = page.text();
        assert!(html.contains("应公开 3 个部门：已公开 1"), "{backend}");
        assert!(html.contains("逾期 2"), "{backend}");
        let section = |title: &str| {
            html.split("<h2>")
                .find(|part| part.starts_with(title))
                .unwrap_or_else(|| panic!("{title}"))
                .to_string()
        };
        let overdue = section("逾期未公开");
        assert!(overdue.contains(&depts[1].name) && overdue.contains(&depts[2].name));
        assert!(
            !overdue.contains(&depts[0].name),
            "{backend}: published is not overdue"
        );
        let open = section("未提交（2）");
        assert!(open.contains("第 1 版：错误 1"), "{backend}: {open}");
        assert!(open.contains("未上传"), "{backend}");
        let warned = section("带警告公开（1）");
        assert!(
            warned.contains(&depts[0].name) && warned.contains("均已说明"),
            "{backend}"
        );
        // The bureau's own summary, as HTML and PDF.
        let sum = rev.get("/work/summary?year=2022").await;
        assert_eq!(sum.status, StatusCode::OK, "{backend}");
        let html = sum.text();
        assert!(
            html.contains("应公开部门决算的部门 3 个，已公开 1 个"),
            "{backend}"
        );
        assert!(
            html.contains("逾期未公开 2 个，最新上传仍有错误的 1 个"),
            "{backend}"
        );
        assert!(
            html.contains(&depts[2].name) && html.contains("预警表"),
            "{backend}"
        );
        assert!(html.contains("上年度尚无已公开的报告可比"), "{backend}");
        let pdf = rev.get("/work/summary?year=2022&format=pdf").await;
        assert_eq!(pdf.status, StatusCode::OK, "{backend}");
        assert!(pdf.body.starts_with(b"%PDF"), "{backend}");
        assert_eq!(
            prep_status(&p, &depts[2].code, "/work/summary").await,
            StatusCode::FORBIDDEN
        );

        // The published PDF was audited as a report from the web: what check
        // passed, the audit passes (or, without poppler, says why it could not).
        let row = sqlx::query("SELECT errors, note FROM publication_audits")
            .fetch_all(&db.pool)
            .await
            .unwrap();
        assert_eq!(row.len(), 1, "{backend}");
        let errors: Option<i64> = sqlx::Row::try_get(&row[0], 0).unwrap();
        let note: Option<String> = sqlx::Row::try_get(&row[0], 1).unwrap();
        let poppler = std::process::Command::new("pdftotext")
            .arg("-v")
            .output()
            .is_ok_and(|o| o.status.success());
        if poppler {
            assert_eq!(errors, Some(0), "{backend}: {note:?}");
        } else {
            assert!(errors.is_none() && note.is_some_and(|n| n.contains("pdftotext")));
        }
        // A publication whose PDF the audit finds wrong is listed with each error.
        sqlx::query("UPDATE publication_audits SET errors = 1, findings = $1")
            .bind(
                r#"[{"rule":"AU-CHANGE","severity":"错误","at":"report.pdf 第31页 第 4 行","message":"增减率应为 5.36%，文中为 4.36%"}]"#,
            )
            .execute(&db.pool)
            .await
            .unwrap();
        let html = rev.get("/work/alerts").await.text();
        let wrong = html
            .split("<h2>")
            .find(|part| part.starts_with("公开文件经审读有误（1）"))
            .unwrap_or_else(|| panic!("{backend}: {html}"));
        assert!(
            wrong.contains(&depts[0].name)
                && wrong.contains("AU-CHANGE")
                && wrong.contains("第31页")
                && wrong.contains("文中为 4.36%"),
            "{backend}: {wrong}"
        );
        let sum = rev.get("/work/summary?year=2022").await.text();
        assert!(sum.contains("公开文件经审读有误的 1 个"), "{backend}");

        // Preparers may not see it; a year with no report is a 400 naming the field.
        let mut prep = p.user("px", Role::Preparer, Some(&depts[2].code)).await;
        assert_eq!(prep.get("/work/alerts").await.status, StatusCode::FORBIDDEN);
        let r = rev.get("/work/alerts?year=1999").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.text().contains("year"));
    }
}

async fn prep_status(p: &Platform, code: &str, path: &str) -> StatusCode {
    let mut c = p
        .user(&format!("s{code}"), Role::Preparer, Some(code))
        .await;
    c.get(path).await.status
}
