//! Units that submit their own reports, on SQLite and (when available)
//! PostgreSQL: once every unit of a department has submitted, the department's
//! upload is checked against their sum (XU-SUM, an error naming the units'
//! reports); until then its report page says which units are awaited.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::{Platform, explain_and_submit};
use axum::http::StatusCode;
use juesuan_engine::sample;
use juesuan_model::{Measure, Money, Num};
use juesuan_server::auth::Role;
use juesuan_server::ops;

#[tokio::test]
async fn a_departments_upload_is_checked_against_its_units_reports() {
    let (base, profile) = sample::example().unwrap();
    let dept = sample::department("晋城市", 0);
    let report = sample::years(&base, profile, &dept, 0, &[2022], &[]).remove(0);
    // 本级 spends everything; the other unit nothing: their sum is the department.
    let split = sample::units(
        &report,
        &[
            &format!("{}本级", dept.name),
            &format!("{}下属中心", dept.name),
        ],
    );
    let (own, other) = (&split[0], &split[1]);
    let mut wrong = report.clone();
    wrong
        .facts
        .scalars
        .insert(Measure::OrcAdmin, Num::Money(Money::from_fen(123)));
    let book = |r: &juesuan_model::Report| juesuan_xlsx::form::form(r, profile).unwrap();
    let units = [
        (
            format!("{}01", dept.code),
            own.meta.department.clone(),
            book(own),
        ),
        (
            format!("{}02", dept.code),
            other.meta.department.clone(),
            book(other),
        ),
    ];
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let db = &p.state.db;
        ops::add_year(db, 2022, "shanxi-2022").await.unwrap();
        let d = ops::upsert_department(db, &dept.code, &dept.name, &[])
            .await
            .unwrap();
        let rd = ops::approval(db, d, 2022, "2023-08-20").await.unwrap();
        let mut unit_reports = Vec::new();
        for (code, name, _) in &units {
            let u = ops::upsert_department(db, code, name, &[]).await.unwrap();
            ops::set_parent(db, code, Some(&dept.code)).await.unwrap();
            unit_reports.push(ops::approval(db, u, 2022, "2023-08-20").await.unwrap());
        }
        // One level only, and never one's own parent.
        assert!(
            ops::set_parent(db, &dept.code, Some(&units[0].0))
                .await
                .is_err()
        );
        assert!(
            ops::set_parent(db, &units[0].0, Some(&units[0].0))
                .await
                .is_err()
        );
        assert!(
            ops::set_parent(db, &units[0].0, Some("nope"))
                .await
                .is_err()
        );

        let mut prep = p.user("prep", Role::Preparer, Some(&dept.code)).await;
        // The first unit submits; the second has not: nothing is summed yet.
        let mut u0 = p.user("u0", Role::Preparer, Some(&units[0].0)).await;
        u0.get(&format!("/work/reports/{}", unit_reports[0])).await;
        let v = u0
            .upload_version(unit_reports[0], "f.xlsx", &units[0].2)
            .await;
        let r = explain_and_submit(&mut u0, v, "与实际一致。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let page = prep.get(&format!("/work/reports/{rd}")).await.text();
        assert!(
            page.contains("单位报告未齐") && page.contains(&units[1].1),
            "{backend}: {page}"
        );
        let v = prep.upload_version(rd, "f.xlsx", &book(&wrong)).await;
        let vp = prep.get(&format!("/work/versions/{v}")).await.text();
        assert!(!vp.contains("XU-SUM"), "{backend}");

        // Both submitted: the wrong upload is an error naming both units' reports.
        let mut u1 = p.user("u1", Role::Preparer, Some(&units[1].0)).await;
        u1.get(&format!("/work/reports/{}", unit_reports[1])).await;
        let v = u1
            .upload_version(unit_reports[1], "f.xlsx", &units[1].2)
            .await;
        let r = explain_and_submit(&mut u1, v, "本单位本年无收支。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let page = prep.get(&format!("/work/reports/{rd}")).await.text();
        assert!(
            !page.contains("单位报告未齐") && page.contains("与各单位报告之和核对"),
            "{backend}"
        );
        let v = prep.upload_version(rd, "f.xlsx", &book(&wrong)).await;
        let vp = prep.get(&format!("/work/versions/{v}")).await.text();
        assert!(vp.contains("XU-SUM"), "{backend}: {vp}");
        assert!(
            vp.contains(&format!("{} 2022 年度单位报告", units[0].1)),
            "{backend}"
        );
        let r = prep.post(&format!("/work/versions/{v}/submit"), &[]).await;
        assert_ne!(r.status, StatusCode::SEE_OTHER, "{backend}: errors block");
        // The consistent upload passes the sum.
        let v = prep.upload_version(rd, "f.xlsx", &book(&report)).await;
        let vp = prep.get(&format!("/work/versions/{v}")).await.text();
        assert!(!vp.contains("XU-SUM"), "{backend}");
        let r = explain_and_submit(&mut prep, v, "与实际一致。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
    }
}

/// Uploads a workbook to a report; the new version's id.
#[tokio::test]
async fn the_department_csv_names_each_units_department() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let db = &p.state.db;
        // A unit may come before its department; a wrong parent names its line.
        let csv = "编码,部门名称,单位,年度,批复日期,上级部门编码\n\
                   10101,某局本级,,,,101\n101,某局,,,,\n10102,某局中心,,,,101\n";
        assert_eq!(ops::import_departments(db, csv).await.unwrap(), 3);
        let parents: Vec<(String, Option<String>)> = sqlx::query(
            "SELECT d.code, p.code FROM departments d LEFT JOIN departments p ON p.id = d.parent_id ORDER BY d.code",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (sqlx::Row::get(r, 0), sqlx::Row::get(r, 1)))
        .collect();
        assert_eq!(
            parents,
            vec![
                ("101".to_string(), None),
                ("10101".to_string(), Some("101".to_string())),
                ("10102".to_string(), Some("101".to_string())),
            ],
            "{backend}"
        );
        let bad = "编码,部门名称,单位,年度,批复日期,上级部门编码\n102,某委,,,,999\n";
        let e = ops::import_departments(db, bad).await.unwrap_err();
        assert!(
            e.iter().any(|m| m.contains("第 2 行") && m.contains("999")),
            "{backend}: {e:?}"
        );
        let bad = "编码,部门名称,单位,年度,批复日期,上级部门编码\n103,某办,,,,10101\n";
        let e = ops::import_departments(db, bad).await.unwrap_err();
        assert!(
            e.iter().any(|m| m.contains("本身是单位")),
            "{backend}: {e:?}"
        );
        // Nothing of a refused file was written.
        for code in ["102", "103"] {
            assert!(
                ops::department_by_code(db, code).await.unwrap().is_none(),
                "{backend}: {code}"
            );
        }
    }
}
