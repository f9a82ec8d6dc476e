//! Cross-year checks on the platform, on SQLite and (when available) PostgreSQL:
//! a department's upload is checked against its own published report of the year
//! before. A wrong 上年数 is an error naming both reports and blocks submission;
//! the consistent upload passes and is published.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use crate::common::{Platform, explain_and_submit, version_id};
use axum::http::StatusCode;
use juesuan_engine::sample::{self, Mistake};
use juesuan_model::{Key, Measure};
use juesuan_server::auth::Role;
use juesuan_server::ops;

/// Department 0 of the made-up city, 2021 and 2022, as workbooks; `mistakes` as given.
fn books(mistakes: &[(i32, Mistake)]) -> Vec<Vec<u8>> {
    let (base, profile) = sample::example().unwrap();
    let dept = sample::department("晋城市", 0);
    sample::years(&base, profile, &dept, 0, &[2021, 2022], mistakes)
        .iter()
        .map(|r| juesuan_xlsx::form::form(r, profile).unwrap())
        .collect()
}

#[tokio::test]
async fn an_upload_is_checked_against_last_years_publication() {
    let dept = sample::department("晋城市", 0);
    let consistent = books(&[]);
    let wrong = books(&[(
        2022,
        Mistake::LastYear(Key::all(Measure::SgActualReception), 12_345),
    )]);
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let db = &p.state.db;
        ops::add_year(db, 2021, "shanxi-2022").await.unwrap();
        ops::add_year(db, 2022, "shanxi-2022").await.unwrap();
        let d = ops::upsert_department(db, &dept.code, &dept.name, &[])
            .await
            .unwrap();
        let r2021 = ops::approval(db, d, 2021, "2022-08-20").await.unwrap();
        let r2022 = ops::approval(db, d, 2022, "2023-08-20").await.unwrap();
        let mut prep = p.user("prep", Role::Preparer, Some(&dept.code)).await;
        let mut rev = p.user("rev", Role::Reviewer, None).await;

        // Before last year is published, there is nothing to compare with.
        prep.get(&format!("/work/reports/{r2022}")).await;
        let r = prep
            .upload(
                &format!("/work/reports/{r2022}/upload"),
                "2022.xlsx",
                &wrong[1],
            )
            .await;
        let early = version_id(&r.location());
        let page = prep.get(&format!("/work/versions/{early}")).await.text();
        assert!(!page.contains("XY-LASTYEAR"), "{backend}");

        // 2021 published.
        prep.get(&format!("/work/reports/{r2021}")).await;
        let r = prep
            .upload(
                &format!("/work/reports/{r2021}/upload"),
                "2021.xlsx",
                &consistent[0],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let v2021 = version_id(&r.location());
        let r = explain_and_submit(&mut prep, v2021, "与原报告一致。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        rev.get(&format!("/work/versions/{v2021}")).await;
        let r = rev
            .post(&format!("/work/versions/{v2021}/approve"), &[])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        p.drain().await;

        // A wrong 上年数 now: an error naming both reports, and submission refused.
        prep.get(&format!("/work/reports/{r2022}")).await;
        let r = prep
            .upload(
                &format!("/work/reports/{r2022}/upload"),
                "2022.xlsx",
                &wrong[1],
            )
            .await;
        let v = version_id(&r.location());
        let page = prep.get(&format!("/work/versions/{v}")).await.text();
        assert!(
            page.contains("XY-LASTYEAR"),
            "{backend}: {}",
            page.split("<main")
                .nth(1)
                .unwrap_or("")
                .chars()
                .take(3000)
                .collect::<String>()
        );
        assert!(
            page.contains(&format!("{} 2021 年度已公开报告", dept.name)),
            "{backend}: last year's report is named"
        );
        assert!(
            page.contains("123.45"),
            "{backend}: the difference is shown"
        );
        let r = prep.post(&format!("/work/versions/{v}/submit"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");

        // The consistent one passes, and is published with no cross-year finding.
        prep.get(&format!("/work/reports/{r2022}")).await;
        let r = prep
            .upload(
                &format!("/work/reports/{r2022}/upload"),
                "2022.xlsx",
                &consistent[1],
            )
            .await;
        let v = version_id(&r.location());
        let page = prep.get(&format!("/work/versions/{v}")).await.text();
        assert!(!page.contains("XY-"), "{backend}");
        let r = explain_and_submit(&mut prep, v, "与原报告一致。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        rev.get(&format!("/work/versions/{v}")).await;
        let r = rev.post(&format!("/work/versions/{v}/approve"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        p.drain().await;
        let public = p.client().get(&format!("/r/{}/2022/", dept.code)).await;
        assert_eq!(
            public.location(),
            format!("/r/{}/2022/1/", dept.code),
            "{backend}"
        );

        // The department over the years: both years, their reports, the change.
        let mut c = p.client();
        let page = c.get(&format!("/d/{}/", dept.code)).await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        let html = page.text();
        assert!(
            html.contains("2021年度") && html.contains("2022年度"),
            "{backend}"
        );
        for y in [2021, 2022] {
            assert!(
                html.contains(&format!("href=\"/r/{}/{y}/1/\"", dept.code)),
                "{backend}"
            );
        }
        assert!(
            html.contains("最近一年增减") && html.contains("<svg"),
            "{backend}"
        );
        let csv = c.get(&format!("/d/{}/?format=csv", dept.code)).await.text();
        assert!(
            csv.lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("公开报告")),
            "{csv}"
        );
        assert!(csv.contains("收入总计"));
        // The same 科目 year by year, and what changed most.
        assert!(
            html.contains("按支出功能分类科目历年对比")
                && html.contains("变动最大的科目")
                && html.contains("2013801"),
            "{backend}"
        );
        let subjects = c
            .get(&format!("/d/{}/?format=csv&table=subjects", dept.code))
            .await
            .text();
        assert!(subjects.contains("科目编码"), "{subjects}");
        let row = subjects
            .lines()
            .find(|l| l.starts_with("2013801,"))
            .unwrap_or_else(|| panic!("{subjects}"));
        assert_eq!(row.split(',').count(), 2 + 2 + 2, "{row}");
        let bad = c
            .get(&format!("/d/{}/?format=csv&table=nope", dept.code))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{backend}");
        assert!(bad.text().contains("subjects"), "{backend}");
        let book = c.get(&format!("/d/{}/?format=xlsx", dept.code)).await;
        assert_eq!(book.status, StatusCode::OK, "{backend}");
        assert_eq!(c.get("/d/999/").await.status, StatusCode::NOT_FOUND);

        // 2023's first form carries 2022's publication over: 上年数 and 年初结转和结余.
        ops::add_year(db, 2023, "shanxi-2022").await.unwrap();
        let r2023 = ops::approval(db, d, 2023, "2024-08-20").await.unwrap();
        let form = prep.get(&format!("/work/reports/{r2023}/form.xlsx")).await;
        assert_eq!(form.status, StatusCode::OK, "{backend}");
        let (filled, _) = juesuan_xlsx::form::read_workbook_bytes(&form.body, "form.xlsx")
            .unwrap_or_else(|_| panic!("{backend}: the form reads back"));
        let (base, profile) = sample::example().unwrap();
        let published = sample::years(&base, profile, &dept, 0, &[2021, 2022], &[]).remove(1);
        let Ok(last) = juesuan_engine::check(published, profile, false, None, Default::default())
        else {
            panic!("2022 checks");
        };
        let fig = |k: Key| last.derived.figures.get(&k);
        assert_eq!(filled.meta.year, 2023);
        for m in [Measure::IncomeGrand, Measure::GpbTotal, Measure::OrcTotal] {
            assert_eq!(
                filled.narrative.last_year.get(&Key::all(m)),
                Some(&fig(Key::all(m))),
                "{backend}: {m:?}"
            );
        }
        let class = juesuan_model::FunctionalCode::parse("201").unwrap();
        let k = Key::func(Measure::GpbTotal, &class);
        assert_eq!(
            filled.narrative.last_year.get(&k),
            Some(&fig(k.clone())),
            "{backend}: per 类"
        );
        assert_eq!(
            filled.facts.scalars.get(&Measure::CarryIn),
            Some(&fig(Key::all(Measure::CarryOut))),
            "{backend}: opening = last year's closing"
        );
    }
}
