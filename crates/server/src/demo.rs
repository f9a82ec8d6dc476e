//! `juesuan serve --demo`: the bundled example (晋城市市场监督管理局 2022)
//! uploaded, submitted, approved and published through the real workflow, and a
//! city of departments with 批复日期 and users, so every page has something to show.

use crate::auth::Role;
use crate::web::Shared;
use crate::{flow, jobs, ops};
use sqlx::Row;

const EXAMPLE: &[(&str, &str)] = &[
    (
        "report.toml",
        include_str!("../../../examples/jincheng-amr-2022/report.toml"),
    ),
    (
        "income.csv",
        include_str!("../../../examples/jincheng-amr-2022/income.csv"),
    ),
    (
        "economic.csv",
        include_str!("../../../examples/jincheng-amr-2022/economic.csv"),
    ),
    (
        "general-budget.csv",
        include_str!("../../../examples/jincheng-amr-2022/general-budget.csv"),
    ),
    (
        "narrative.toml",
        include_str!("../../../examples/jincheng-amr-2022/narrative.toml"),
    ),
    (
        "projects/01-市场监督管理经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/01-市场监督管理经费.toml"),
    ),
    (
        "projects/02-自收自支人员经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/02-自收自支人员经费.toml"),
    ),
    (
        "projects/03-实施标准化战略资金补助经费.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/03-实施标准化战略资金补助经费.toml"
        ),
    ),
    (
        "projects/04-放心消费创建活动经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/04-放心消费创建活动经费.toml"),
    ),
    (
        "projects/05-特种设备安全监管经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/05-特种设备安全监管经费.toml"),
    ),
    (
        "projects/06-标准化工作经费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/06-标准化工作经费.toml"),
    ),
    (
        "projects/07-知识产权强市建设奖补资金.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/07-知识产权强市建设奖补资金.toml"
        ),
    ),
    (
        "projects/08-网络运行维护费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/08-网络运行维护费.toml"),
    ),
    (
        "projects/09-执法服装购置.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/09-执法服装购置.toml"),
    ),
    (
        "projects/10-2021年已完成未执行完合同尾款.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/10-2021年已完成未执行完合同尾款.toml"
        ),
    ),
    (
        "projects/11-打击传销及反不正当竞争专项经费.toml",
        include_str!(
            "../../../examples/jincheng-amr-2022/projects/11-打击传销及反不正当竞争专项经费.toml"
        ),
    ),
    (
        "projects/12-抽检费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/12-抽检费.toml"),
    ),
    (
        "projects/13-办公楼设施维修费.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/13-办公楼设施维修费.toml"),
    ),
    (
        "projects/14-食品安全城市创建.toml",
        include_str!("../../../examples/jincheng-amr-2022/projects/14-食品安全城市创建.toml"),
    ),
];

/// The example as a workbook (the form a department downloads and fills).
pub fn example_workbook() -> Result<Vec<u8>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (name, text) in EXAMPLE {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&path, text).map_err(|e| e.to_string())?;
    }
    let (report, profile) = juesuan_ingest::read_text_dir(dir.path()).map_err(|e| e.to_string())?;
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
    ops::add_year(&state.db, 2022, "shanxi-2022").await?;
    let amr = ops::upsert_department(
        &state.db,
        "065",
        "晋城市市场监督管理局",
        &["晋城市市场监督管理局机关".to_string()],
    )
    .await?;
    let rid = ops::approval(&state.db, amr, 2022, "2023-08-20").await?;
    for (code, name, units) in CITY {
        let units: Vec<String> = units.iter().map(|s| (*s).to_string()).collect();
        let d = ops::upsert_department(&state.db, code, name, &units).await?;
        ops::approval(&state.db, d, 2022, "2023-08-25").await?;
    }
    let mut lines = vec![
        "已载入演示数据：晋城市 11 个部门，2022 年度。演示账号（一次性密码，首次登录须修改）："
            .to_string(),
    ];
    let (_, p) =
        ops::create_user(&state.db, "reviewer", "财政审核员", Role::Reviewer, None).await?;
    lines.push(format!("  财政审核 reviewer / {p}"));
    let (pid, p) = ops::create_user(
        &state.db,
        "amr",
        "市场监管局填报员",
        Role::Preparer,
        Some(amr),
    )
    .await?;
    lines.push(format!("  部门填报（晋城市市场监督管理局） amr / {p}"));
    // The example goes through the real workflow: upload, submit, approve, publish.
    let preparer = crate::auth::User {
        id: pid,
        username: "amr".into(),
        display_name: "市场监管局填报员".into(),
        role: Role::Preparer,
        department_id: Some(amr),
        must_change: false,
    };
    let report = flow::report(&state.db, rid)
        .await
        .map_err(e)?
        .ok_or("演示报告未创建")?;
    let book = tokio::task::spawn_blocking(example_workbook)
        .await
        .map_err(|e| e.to_string())??;
    let vid = match flow::upload(
        state,
        &preparer,
        "-",
        &report,
        "晋城市市场监督管理局2022年度决算公开.xlsx",
        book,
    )
    .await
    {
        Ok(v) => v,
        Err(flow::UploadError::Input(m)) => return Err(m.join("\n")),
        Err(flow::UploadError::State(m) | flow::UploadError::Storage(m)) => return Err(m),
        Err(flow::UploadError::Db(err)) => return Err(err.to_string()),
    };
    let v = flow::version(&state.db, vid)
        .await
        .map_err(e)?
        .ok_or("演示版本未创建")?;
    let findings = flow::findings(state, &v)?;
    for (i, f) in findings.iter().enumerate() {
        if f.level == "warning" {
            sqlx::query("INSERT INTO explanations (version_id, finding, text) VALUES ($1, $2, $3)")
                .bind(vid)
                .bind(i as i64)
                .bind("演示：原报告如此，保留。")
                .execute(&state.db.pool)
                .await
                .map_err(e)?;
        }
    }
    let report = flow::report(&state.db, rid)
        .await
        .map_err(e)?
        .ok_or("演示报告未创建")?;
    if v.errors == 0 {
        flow::submit(state, &preparer, "-", &report, &v, None)
            .await
            .map_err(e)?;
        let report = flow::report(&state.db, rid)
            .await
            .map_err(e)?
            .ok_or("演示报告未创建")?;
        let reviewer = crate::auth::User {
            role: Role::Reviewer,
            department_id: None,
            ..preparer.clone()
        };
        flow::approve(state, &reviewer, "-", &report, &v)
            .await
            .map_err(e)?;
        jobs::drain(state).await.map_err(e)?;
        lines.push("  示例报告已走完上传、提交、批准、公开：见 /r/065/2022/".to_string());
    } else {
        lines.push(format!("  示例报告有 {} 处错误，停在填报中。", v.errors));
    }
    Ok(lines)
}
