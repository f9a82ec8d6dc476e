//! `juesuan serve --demo`: a city of departments over three years, every report
//! through the real workflow (upload, check, submit, approve, publish). The
//! bundled example (晋城市市场监督管理局 2022) is published as it is; the other
//! departments' reports are made up by [`juesuan_engine::sample`] (the example
//! scaled, consistent across tables and years) for 2021 and 2022, with one 2022
//! report carrying a wrong 上年数 (held at 填报中 by the cross-year rule), one
//! not uploaded, and 2023 open for collection. The finance bureau's two units
//! submit their own 2022 reports, and its upload is checked against their sum.

use crate::auth::{Role, User};
use crate::web::Shared;
use crate::{flow, jobs, ops};
use juesuan_engine::sample::{self, Department, Mistake};
use juesuan_model::{Key, Measure};
use sqlx::Row;

/// The example as a workbook (the form a department downloads and fills).
pub fn example_workbook() -> Result<Vec<u8>, String> {
    let (report, profile) = sample::example()?;
    juesuan_xlsx::form::form(&report, profile).map_err(|e| e.to_string())
}

/// The city's departments besides the example's (code, name, units).
const CITY: &[(&str, &str, &[&str])] = &[
    (
        "001",
        "晋城市财政局",
        &["晋城市财政局机关", "晋城市国库支付中心"],
    ),
    (
        "012",
        "晋城市教育局",
        &["晋城市教育局机关", "晋城市第一中学校", "晋城市实验小学"],
    ),
    (
        "023",
        "晋城市卫生健康委员会",
        &["晋城市卫生健康委员会机关", "晋城市疾病预防控制中心"],
    ),
    ("034", "晋城市公安局", &["晋城市公安局机关"]),
    (
        "045",
        "晋城市民政局",
        &["晋城市民政局机关", "晋城市社会福利院"],
    ),
    ("056", "晋城市交通运输局", &["晋城市交通运输局机关"]),
    (
        "067",
        "晋城市农业农村局",
        &["晋城市农业农村局机关", "晋城市农业技术推广站"],
    ),
    ("078", "晋城市生态环境局", &["晋城市生态环境局机关"]),
    (
        "089",
        "晋城市住房和城乡建设局",
        &["晋城市住房和城乡建设局机关"],
    ),
    (
        "090",
        "晋城市文化和旅游局",
        &["晋城市文化和旅游局机关", "晋城博物馆"],
    ),
];

/// The demo's years and the 批复日期 of each department's report (every year uses shanxi-2022).
const YEARS: &[(i64, &str)] = &[
    (2021, "2022-08-22"),
    (2022, "2023-08-25"),
    (2023, "2024-08-23"),
];

/// The department whose 2022 report states a wrong 上年数, and the one that has
/// not uploaded its 2022 report.
const WRONG_LAST_YEAR: &str = "045";
const NOT_UPLOADED: &str = "034";

/// Loads the demo into an empty platform; says what it made. Does nothing when
/// the platform already has departments.
pub async fn load(state: &Shared) -> Result<Vec<String>, String> {
    let e = |e: sqlx::Error| e.to_string();
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM departments")
        .fetch_one(&state.db.pool)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(e)?;
    if n > 0 {
        return Ok(vec!["演示数据已存在，未重复载入。".to_string()]);
    }
    state.db.set_setting("region", "晋城市").await.map_err(e)?;
    for (year, _) in YEARS {
        ops::add_year(&state.db, *year, "shanxi-2022").await?;
    }
    let amr = ops::upsert_department(
        &state.db,
        "065",
        "晋城市市场监督管理局",
        &["晋城市市场监督管理局机关".to_string()],
    )
    .await?;
    let mut city = Vec::new();
    for (code, name, units) in CITY {
        let units: Vec<String> = units.iter().map(|s| (*s).to_string()).collect();
        city.push((
            ops::upsert_department(&state.db, code, name, &units).await?,
            Department {
                code: (*code).to_string(),
                name: (*name).to_string(),
            },
        ));
    }
    // The finance bureau's two units submit their own 2022 reports.
    let mut units = Vec::new();
    for (code, name) in UNITS {
        let id = ops::upsert_department(&state.db, code, name, &[]).await?;
        ops::set_parent(&state.db, code, Some(WITH_UNITS)).await?;
        let date = YEARS
            .iter()
            .find(|(y, _)| *y == 2022)
            .map_or("2023-08-20", |(_, d)| *d);
        let r = ops::approval(&state.db, id, 2022, date).await?;
        let username = format!("d{code}");
        let (uid, _) = ops::create_user(
            &state.db,
            &username,
            &format!("{name}填报员"),
            Role::Preparer,
            Some(id),
        )
        .await?;
        units.push((r, preparer(uid, &username, id), (*name).to_string()));
    }
    let mut reports = Vec::new();
    for (year, date) in YEARS {
        if *year >= 2022 {
            reports.push((
                amr,
                *year,
                ops::approval(&state.db, amr, *year, date).await?,
            ));
        }
        for (d, _) in &city {
            reports.push((*d, *year, ops::approval(&state.db, *d, *year, date).await?));
        }
    }
    let mut lines = vec![format!(
        "已载入演示数据：晋城市 {} 个部门，2021—2023 年度。演示账号（一次性密码，首次登录须修改）：",
        city.len() + 1
    )];
    let (rid, p) =
        ops::create_user(&state.db, "reviewer", "财政审核员", Role::Reviewer, None).await?;
    lines.push(format!("  财政审核 reviewer / {p}"));
    let reviewer = User {
        id: rid,
        username: "reviewer".into(),
        display_name: "财政审核员".into(),
        role: Role::Reviewer,
        department_id: None,
        must_change: false,
    };
    let (pid, p) = ops::create_user(
        &state.db,
        "amr",
        "市场监管局填报员",
        Role::Preparer,
        Some(amr),
    )
    .await?;
    lines.push(format!("  部门填报（晋城市市场监督管理局） amr / {p}"));
    let mut preparers = vec![(amr, preparer(pid, "amr", amr))];
    for (d, dept) in &city {
        let name = format!("d{}", dept.code);
        let (uid, _) = ops::create_user(
            &state.db,
            &name,
            &format!("{}填报员", dept.name),
            Role::Preparer,
            Some(*d),
        )
        .await?;
        preparers.push((*d, preparer(uid, &name, *d)));
    }
    let report_of = |d: i64, y: i64| {
        reports
            .iter()
            .find(|(rd, ry, _)| *rd == d && *ry == y)
            .map(|(_, _, r)| *r)
    };
    let who = |d: i64| {
        preparers
            .iter()
            .find(|(pd, _)| *pd == d)
            .map(|(_, u)| u.clone())
    };
    // The example, as published.
    let book = tokio::task::spawn_blocking(example_workbook)
        .await
        .map_err(|e| e.to_string())??;
    let (Some(r), Some(u)) = (report_of(amr, 2022), who(amr)) else {
        return Err("演示报告未创建".to_string());
    };
    let outcome = through(
        state,
        &u,
        &reviewer,
        r,
        "晋城市市场监督管理局2022年度决算公开.xlsx",
        book,
    )
    .await?;
    jobs::drain(state).await.map_err(e)?;
    lines.push(format!("  示例报告（/r/065/2022/）：{outcome}"));
    // The city's made-up reports, a year at a time: each year's upload is
    // checked against the year before, which must be published by then.
    let made = tokio::task::spawn_blocking({
        let city: Vec<Department> = city.iter().map(|(_, d)| d.clone()).collect();
        move || made_up(&city)
    })
    .await
    .map_err(|e| e.to_string())??;
    for year in [2021_i64, 2022] {
        if year == 2022 {
            // The units first: the bureau's upload is then checked against their sum.
            let Some(whole) = city
                .iter()
                .zip(&made)
                .find(|((_, d), _)| d.code == WITH_UNITS)
                .and_then(|(_, books)| books.iter().find(|(y, _)| *y == 2022))
            else {
                return Err("演示单位的部门未找到".to_string());
            };
            let books = tokio::task::spawn_blocking({
                let whole = whole.1.clone();
                let names: Vec<String> = UNITS.iter().map(|(_, n)| (*n).to_string()).collect();
                move || unit_books(&whole, &names)
            })
            .await
            .map_err(|e| e.to_string())??;
            for ((r, u, name), book) in units.iter().zip(books) {
                let file = format!("{name}2022年度决算公开.xlsx");
                let outcome = through(state, u, &reviewer, *r, &file, book).await?;
                if outcome != PUBLISHED {
                    lines.push(format!("  {name} 2022 年度：{outcome}"));
                }
            }
        }
        for ((d, dept), books) in city.iter().zip(&made) {
            if year == 2022 && dept.code == NOT_UPLOADED {
                continue;
            }
            let (Some(r), Some(u)) = (report_of(*d, year), who(*d)) else {
                continue;
            };
            let Some((_, book)) = books.iter().find(|(y, _)| i64::from(*y) == year) else {
                continue;
            };
            let name = format!("{}{year}年度决算公开.xlsx", dept.name);
            let outcome = through(state, &u, &reviewer, r, &name, book.clone()).await?;
            if outcome != PUBLISHED {
                lines.push(format!("  {} {year} 年度：{outcome}", dept.name));
            }
        }
        jobs::drain(state).await.map_err(e)?;
    }
    lines.push(format!(
        "  {}的两个单位单独填报 2022 年度报告，部门的上传与两单位之和核对。",
        CITY.iter()
            .find(|(c, _, _)| *c == WITH_UNITS)
            .map_or("", |(_, n, _)| *n)
    ));
    lines.push(format!(
        "  其余部门 2021、2022 年度的报告已公开；{} 2022 年度未上传；2023 年度收集中。",
        CITY.iter()
            .find(|(c, _, _)| *c == NOT_UPLOADED)
            .map_or("", |(_, n, _)| *n)
    ));
    Ok(lines)
}

const PUBLISHED: &str = "已公开";

/// The department whose units submit their own reports (2022), and the units.
const WITH_UNITS: &str = "001";
const UNITS: &[(&str, &str)] = &[
    ("001-01", "晋城市财政局机关"),
    ("001-02", "晋城市国库支付中心"),
];

/// The units' workbooks of a department's workbook ([`sample::units`]).
fn unit_books(whole: &[u8], names: &[String]) -> Result<Vec<Vec<u8>>, String> {
    let (report, profile) =
        juesuan_xlsx::form::read_workbook_bytes(whole, "演示.xlsx").map_err(|e| e.to_string())?;
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    sample::units(&report, &names)
        .iter()
        .map(|r| juesuan_xlsx::form::form(r, profile).map_err(|e| e.to_string()))
        .collect()
}

fn preparer(id: i64, username: &str, department: i64) -> User {
    User {
        id,
        username: username.into(),
        display_name: format!("{username} 填报员"),
        role: Role::Preparer,
        department_id: Some(department),
        must_change: false,
    }
}

/// One department's workbooks, by year.
type Workbooks = Vec<(i32, Vec<u8>)>;

/// The city's workbooks for 2021 and 2022, each department's years consistent
/// except the one with a wrong 上年数 in 2022.
fn made_up(city: &[Department]) -> Result<Vec<Workbooks>, String> {
    let (base, profile) = sample::example()?;
    let mut out = Vec::new();
    for (i, dept) in city.iter().enumerate() {
        let mistakes = if dept.code == WRONG_LAST_YEAR {
            vec![(
                2022,
                Mistake::LastYear(Key::all(Measure::IncomeGrand), 1_000_000),
            )]
        } else {
            Vec::new()
        };
        let mut books = Vec::new();
        for r in sample::years(&base, profile, dept, i, &[2021, 2022], &mistakes) {
            let book = juesuan_xlsx::form::form(&r, profile).map_err(|e| e.to_string())?;
            books.push((r.meta.year, book));
        }
        out.push(books);
    }
    Ok(out)
}

/// Uploads a workbook as the report's next version and, when it has no error,
/// explains its warnings ("as in the original"), submits, approves and queues
/// its publication (run by the next [`jobs::drain`]). Says where it stopped.
async fn through(
    state: &Shared,
    preparer: &User,
    reviewer: &User,
    report_id: i64,
    file_name: &str,
    book: Vec<u8>,
) -> Result<String, String> {
    let e = |e: sqlx::Error| e.to_string();
    let report = flow::report(&state.db, report_id)
        .await
        .map_err(e)?
        .ok_or("演示报告未创建")?;
    let vid = match flow::upload(state, preparer, "-", &report, file_name, book).await {
        Ok(v) => v,
        Err(flow::UploadError::Input(m)) => return Err(m.join("\n")),
        Err(flow::UploadError::State(m) | flow::UploadError::Storage(m)) => return Err(m),
        Err(flow::UploadError::Db(err)) => return Err(err.to_string()),
    };
    let v = flow::version(&state.db, vid)
        .await
        .map_err(e)?
        .ok_or("演示版本未创建")?;
    if v.errors > 0 {
        return Ok(format!("有 {} 处错误，停在填报中", v.errors));
    }
    let findings = flow::findings(state, &v)?;
    for (i, f) in findings.iter().enumerate() {
        if f.explainable() {
            sqlx::query("INSERT INTO explanations (version_id, finding, text) VALUES ($1, $2, $3)")
                .bind(vid)
                .bind(i as i64)
                .bind("演示：原报告如此，保留。")
                .execute(&state.db.pool)
                .await
                .map_err(e)?;
        }
    }
    let report = flow::report(&state.db, report_id)
        .await
        .map_err(e)?
        .ok_or("演示报告未创建")?;
    flow::submit(state, preparer, "-", &report, &v, None)
        .await
        .map_err(e)?;
    let report = flow::report(&state.db, report_id)
        .await
        .map_err(e)?
        .ok_or("演示报告未创建")?;
    flow::approve(state, reviewer, "-", &report, &v)
        .await
        .map_err(e)?;
    Ok(PUBLISHED.to_string())
}
