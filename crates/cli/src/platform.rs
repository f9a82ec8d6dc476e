//! `juesuan serve` and `juesuan admin`: thin shells over `juesuan_server`.

use crate::{AdminAction, Outcome, fail, term};
use juesuan_engine::Failure;
use juesuan_server::{Options, auth::Role, ops};
use std::path::Path;
use std::process::ExitCode;

fn options(database: Option<String>, data_dir: &Path) -> Options {
    let mut o = Options::new(data_dir);
    o.database = database;
    o
}

fn say(line: &str) {
    let _ = term::outln(line);
}

pub fn serve(
    database: Option<String>,
    listen: &str,
    data_dir: &Path,
    demo: bool,
    workers: usize,
    secure_cookies: bool,
) -> Outcome {
    let mut o = options(database, data_dir);
    o.listen = listen.parse().map_err(|_| {
        fail(Failure::Other(format!(
            "监听地址 “{listen}” 无效（--listen）：应为 地址:端口，如 127.0.0.1:8080 或 0.0.0.0:8080"
        )))
    })?;
    o.workers = workers.clamp(1, 64);
    o.secure_cookies = secure_cookies;
    let rt = juesuan_server::runtime().map_err(|m| fail(Failure::Other(m)))?;
    rt.block_on(juesuan_server::serve(o, demo, &say))
        .map_err(|m| fail(Failure::Other(m)))?;
    Ok(ExitCode::SUCCESS)
}

pub fn admin(database: Option<String>, data_dir: &Path, action: AdminAction) -> Outcome {
    let o = options(database, data_dir);
    let rt = juesuan_server::runtime().map_err(|m| fail(Failure::Other(m)))?;
    let result: Result<Vec<String>, String> = rt.block_on(async {
        match action {
            AdminAction::Backup { target } => juesuan_server::backup(&o, &target).await,
            AdminAction::Restore { source } => juesuan_server::restore(&o, &source),
            other => {
                let state = juesuan_server::open(&o).await?;
                run(&state, other).await
            }
        }
    });
    let lines = result.map_err(|m| fail(Failure::Other(m)))?;
    for l in lines {
        term::outln(&l)?;
    }
    Ok(ExitCode::SUCCESS)
}

async fn department_id(state: &juesuan_server::web::Shared, code: &str) -> Result<i64, String> {
    ops::department_by_code(&state.db, code)
        .await?
        .ok_or_else(|| format!("没有编码为 “{code}” 的部门（--department）"))
}

async fn run(
    state: &juesuan_server::web::Shared,
    action: AdminAction,
) -> Result<Vec<String>, String> {
    match action {
        AdminAction::AddUser {
            username,
            name,
            role,
            department,
        } => {
            let role = Role::parse(&role).ok_or_else(|| {
                format!("角色 “{role}” 无效（--role）：可用 admin、reviewer、preparer")
            })?;
            let dep = match department {
                Some(code) => Some(department_id(state, &code).await?),
                None => None,
            };
            let (_, password) = ops::create_user(&state.db, &username, &name, role, dep).await?;
            Ok(vec![format!(
                "已添加用户 {username}（{}），一次性密码：{password}（只显示这一次，首次登录须修改）",
                role.label()
            )])
        }
        AdminAction::ResetPassword { username } => {
            let id = ops::user_by_name(&state.db, &username)
                .await?
                .ok_or_else(|| format!("没有用户 “{username}”"))?;
            let password = ops::reset_password(&state.db, id).await?;
            Ok(vec![format!("用户 {username} 的新一次性密码：{password}")])
        }
        AdminAction::ImportDepartments { csv } => {
            let shown = csv.display().to_string();
            let bytes = juesuan_ingest::guard::read_file(
                &csv,
                &shown,
                juesuan_ingest::guard::Kind::TextDir,
            )
            .map_err(|e| e.to_string())?;
            let text =
                juesuan_ingest::guard::decode_text(&bytes, &shown).map_err(|e| e.to_string())?;
            let n = ops::import_departments(&state.db, &text)
                .await
                .map_err(|errors| {
                    errors
                        .iter()
                        .map(|e| format!("{shown} {e}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                        + "\n未导入任何部门。"
                })?;
            Ok(vec![format!("已从 {shown} 导入 {n} 个部门。")])
        }
        AdminAction::AddYear { year, profile } => {
            ops::add_year(&state.db, year, &profile).await?;
            Ok(vec![format!("已设置 {year} 年度，模板 {profile}。")])
        }
        AdminAction::Backup { .. } | AdminAction::Restore { .. } => Ok(Vec::new()),
    }
}
