//! The whole cycle through the real router, on SQLite and (when available)
//! PostgreSQL: a preparer uploads a workbook with one wrong figure and sees the
//! cell named, fixes it, explains its warnings, submits; the reviewer sees the
//! diff and returns it with a comment on a cell; the preparer resubmits; the
//! reviewer approves; the publication job runs; the public page, search and API
//! show it and its PDF holds the figures. Then a correction is published as
//! version 2 with its 更正说明 while version 1 stays reachable.

// Helpers outside #[test] functions unwrap too: a failed setup is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;
use crate::common::{Platform, explain_and_submit, replace, version_id, workbook};
use axum::http::StatusCode;
use juesuan_server::auth::Role;

#[tokio::test]
async fn collect_check_return_approve_publish_correct() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let (rid, _) = p.city().await;
        let mut prep = p.user("amr", Role::Preparer, Some("065")).await;
        let mut rev = p.user("rev", Role::Reviewer, None).await;

        // One wrong figure: 行政运行's basic expenditure 9 fen off in 公开06表's input.
        let wrong = workbook(|d| replace(d, "general-budget.csv", "25483460.23,", "25483460.32,"));
        let page = prep.get(&format!("/work/reports/{rid}")).await;
        assert!(page.text().contains("上传填报数据"), "{backend}");
        let r = prep
            .upload(
                &format!("/work/reports/{rid}/upload"),
                "市场监管局.xlsx",
                &wrong,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let v1 = version_id(&r.location());
        let page = prep.get(&format!("/work/versions/{v1}")).await.text();
        assert!(page.contains("tag error"), "{backend}: an error is shown");
        assert!(
            page.contains("市场监管局.xlsx"),
            "{backend}: the workbook is named"
        );
        assert!(
            page.contains('!') || page.contains("单元格"),
            "{backend}: a cell is named"
        );
        // Errors block submission.
        let r = prep.post(&format!("/work/versions/{v1}/submit"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        assert!(r.text().contains("错误"), "{backend}");

        // Fixed.
        let right = workbook(|_| {});
        prep.get(&format!("/work/reports/{rid}")).await;
        let r = prep
            .upload(
                &format!("/work/reports/{rid}/upload"),
                "市场监管局.xlsx",
                &right,
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let v2 = version_id(&r.location());
        let page = prep.get(&format!("/work/versions/{v2}")).await.text();
        assert!(
            page.contains("与第 1 版相比"),
            "{backend}: a diff against v1"
        );
        assert!(
            page.contains("25,483,460.32") || page.contains("25483460.32"),
            "{backend}: the changed figure is in the diff"
        );
        let r = explain_and_submit(&mut prep, v2, "已核实，保留。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());

        // The reviewer's queue has it; returned with a comment on a cell.
        let queue = rev.get("/work").await.text();
        assert!(queue.contains(&format!("/work/versions/{v2}")), "{backend}");
        rev.get(&format!("/work/versions/{v2}")).await;
        let r = rev
            .post(
                &format!("/work/versions/{v2}/return"),
                &[
                    ("anchor0", "公开01表!D7"),
                    ("text0", "请核对<b>行政运行</b>"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());

        // The preparer sees the comment (escaped), uploads again, resubmits.
        let page = prep.get(&format!("/work/versions/{v2}")).await.text();
        assert!(
            page.contains("公开01表!D7") && page.contains("请核对&lt;b&gt;行政运行&lt;&#x2f;b&gt;"),
            "{backend}"
        );
        prep.get(&format!("/work/reports/{rid}")).await;
        let r = prep
            .upload(
                &format!("/work/reports/{rid}/upload"),
                "市场监管局.xlsx",
                &right,
            )
            .await;
        let v3 = version_id(&r.location());
        let r = explain_and_submit(&mut prep, v3, "已核实，保留。", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());

        // Approved; published by the job.
        rev.get(&format!("/work/versions/{v3}")).await;
        let r = rev.post(&format!("/work/versions/{v3}/approve"), &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        let mut public = p.client();
        assert_eq!(
            public.get("/r/065/2022/").await.status,
            StatusCode::NOT_FOUND,
            "{backend}: not public before the job"
        );
        assert!(p.drain().await >= 1);
        let r = public.get("/r/065/2022/").await;
        assert_eq!(r.location(), "/r/065/2022/1/", "{backend}");
        let page = public.get("/r/065/2022/1/").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text().contains("晋城市市场监督管理局"), "{backend}");
        let index = public.get("/").await.text();
        assert!(index.contains("晋城市市场监督管理局"), "{backend}");
        let pdf = public.get("/r/065/2022/1/report.pdf").await;
        assert_eq!(pdf.status, StatusCode::OK, "{backend}");
        assert!(pdf.body.starts_with(b"%PDF"), "{backend}");
        let text = pdftotext(&pdf.body);
        for figure in ["25,483,460.23", "5,892,885.90", "1,223,612.00"] {
            assert!(text.contains(figure), "{backend}: the PDF holds {figure}");
        }
        for file in [
            "report.html",
            "report.xlsx",
            "report.json",
            "data/datapackage.json",
        ] {
            let r = public.get(&format!("/r/065/2022/1/{file}")).await;
            assert_eq!(r.status, StatusCode::OK, "{backend}: {file}");
        }
        let hits = public.get("/search?q=2013801").await.text();
        assert!(
            hits.contains("/r/065/2022/1/")
                || hits.contains("&#x2f;r&#x2f;065&#x2f;2022&#x2f;1&#x2f;"),
            "{backend}: search finds the code"
        );
        let api = public.get("/api/v1/reports/065/2022").await.text();
        let json: serde_json::Value = serde_json::from_str(&api).unwrap();
        assert_eq!(json["versions"][0]["number"], 1, "{backend}");

        // A correction: a new version with its 更正说明; v1 stays reachable.
        prep.get(&format!("/work/reports/{rid}")).await;
        let corrected = workbook(|d| replace(d, "narrative.toml", "市场监督", "市场监督"));
        let r = prep
            .upload(
                &format!("/work/reports/{rid}/upload"),
                "更正.xlsx",
                &corrected,
            )
            .await;
        let v4 = version_id(&r.location());
        let r = explain_and_submit(&mut prep, v4, "已核实，保留。", &[]).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{backend}: a correction needs its note"
        );
        let r = prep
            .post(
                &format!("/work/versions/{v4}/submit"),
                &[("correction", "更正第三部分的文字。")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
        rev.get(&format!("/work/versions/{v4}")).await;
        rev.post(&format!("/work/versions/{v4}/approve"), &[]).await;
        p.drain().await;
        assert_eq!(
            public.get("/r/065/2022/").await.location(),
            "/r/065/2022/2/",
            "{backend}"
        );
        let page = public.get("/r/065/2022/2/").await.text();
        assert!(page.contains("更正第三部分的文字。"), "{backend}");
        let old = public.get("/r/065/2022/1/").await;
        assert_eq!(old.status, StatusCode::OK, "{backend}");
        assert!(old.text().contains("已被更正"), "{backend}");

        // The audit log has every step.
        let mut admin = p.user("boss", Role::Admin, None).await;
        let log = admin.get("/admin/log").await.text();
        for action in ["上传", "提交", "退回", "批准", "公开", "登录"] {
            assert!(log.contains(action), "{backend}: log has {action}");
        }
    }
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/test.sh installs it)");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// A report whose 情况说明 lacks an input it needs (here last year's 机关运行经费)
/// cannot be submitted, explained or not: it would print “（未填报）” or a
/// hanging sentence. Once the input is supplied, it goes through.
#[tokio::test]
async fn an_incomplete_report_cannot_be_submitted() {
    for backend in common::backends() {
        let p = Platform::new(backend).await;
        let (rid, _) = p.city().await;
        let mut prep = p.user("amr", Role::Preparer, Some("065")).await;
        let incomplete =
            workbook(|d| replace(d, "narrative.toml", "\"orc.total\" = \"3,052,244.59\"", ""));
        prep.get(&format!("/work/reports/{rid}")).await;
        let v1 = prep.upload_version(rid, "a.xlsx", &incomplete).await;
        let page = prep.get(&format!("/work/versions/{v1}")).await.text();
        assert!(
            page.contains("NARR-INPUT"),
            "{backend}: the finding is shown"
        );
        assert!(
            page.contains("须补齐此项输入后重新上传"),
            "{backend}: no explanation field for it"
        );
        // Every explainable warning explained: still refused, saying why.
        let r = explain_and_submit(&mut prep, v1, "原报告如此", &[]).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend}: {}",
            r.text()
        );
        assert!(
            r.text().contains("情况说明缺少 1 项所需的输入"),
            "{backend}: {}",
            r.text()
        );
        // An explanation posted for it by hand is refused, naming the field.
        let page = prep.get(&format!("/work/versions/{v1}")).await.text();
        let at = page.find("NARR-INPUT").unwrap();
        let index: String = page
            .get(..at)
            .unwrap()
            .rsplit("id=\"f")
            .next()
            .unwrap()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let field = format!("e{index}");
        let r = prep
            .post(
                &format!("/work/versions/{v1}/explanations"),
                &[(field.as_str(), "以后补")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{backend}: {}", r.text());
        assert!(
            r.text().contains("不能以说明代替"),
            "{backend}: {}",
            r.text()
        );

        // Supplied: submitted.
        let v2 = prep.upload_version(rid, "a.xlsx", &workbook(|_| {})).await;
        let r = explain_and_submit(&mut prep, v2, "原报告如此", &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{backend}: {}", r.text());
    }
}
