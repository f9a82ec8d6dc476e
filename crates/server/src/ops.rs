//! The bureau's setup operations, shared by the administration pages and
//! `juesuan admin`: years, departments and units, 批复 (which opens a report and
//! sets its deadline), users with one-time passwords, CSV import.

use crate::auth::{self, Role};
use crate::db::{Db, now};
use sqlx::Row;

/// A department code: what the public URL holds.
pub fn code_problem(code: &str) -> Option<&'static str> {
    if code.is_empty() || code.len() > 32 {
        Some("部门编码须为 1 至 32 个字符")
    } else if !code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Some("部门编码只能含字母、数字、- 和 _")
    } else {
        None
    }
}

fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("名称不能为空")
    } else if name.chars().count() > 60 {
        Some("名称最多 60 个字符")
    } else if name.chars().any(char::is_control) {
        Some("名称含有控制字符")
    } else {
        None
    }
}

/// Adds a year with its template.
pub async fn add_year(db: &Db, year: i64, profile: &str) -> Result<(), String> {
    if !(1949..=2200).contains(&year) {
        return Err(format!("年度 {year} 无效"));
    }
    juesuan_profile::builtin(profile).map_err(|e| e.to_string())?;
    sqlx::query("INSERT INTO years (year, profile) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET profile = excluded.profile")
        .bind(year)
        .bind(profile)
        .execute(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Adds (or renames) a department and adds its units; returns its id.
pub async fn upsert_department(
    db: &Db,
    code: &str,
    name: &str,
    units: &[String],
) -> Result<i64, String> {
    if let Some(p) = code_problem(code) {
        return Err(format!("{p}（“{code}”）"));
    }
    if let Some(p) = name_problem(name) {
        return Err(format!("部门{p}"));
    }
    let e = |e: sqlx::Error| e.to_string();
    let row = sqlx::query(
        "INSERT INTO departments (code, name, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (code) DO UPDATE SET name = excluded.name RETURNING id",
    )
    .bind(code)
    .bind(name.trim())
    .bind(now())
    .fetch_one(&db.pool)
    .await
    .map_err(e)?;
    let id: i64 = row.try_get(0).map_err(e)?;
    for (i, unit) in units
        .iter()
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
        .enumerate()
    {
        if let Some(p) = name_problem(unit) {
            return Err(format!("单位{p}"));
        }
        sqlx::query("INSERT INTO units (department_id, code, name) VALUES ($1, $2, $3) ON CONFLICT (department_id, code) DO UPDATE SET name = excluded.name")
            .bind(id)
            .bind(format!("{code}-{:03}", i + 1))
            .bind(unit)
            .execute(&db.pool)
            .await
            .map_err(e)?;
    }
    Ok(id)
}

/// Records a department's 批复日期 for a year: opens its report (or moves the
/// deadline of one not yet published).
pub async fn approval(db: &Db, department_id: i64, year: i64, date: &str) -> Result<i64, String> {
    let deadline = crate::time::deadline(date)
        .ok_or_else(|| format!("批复日期 “{date}” 不是有效的日期（应为 YYYY-MM-DD）"))?;
    let e = |e: sqlx::Error| e.to_string();
    let known = sqlx::query("SELECT year FROM years WHERE year = $1")
        .bind(year)
        .fetch_optional(&db.pool)
        .await
        .map_err(e)?;
    if known.is_none() {
        return Err(format!("{year} 年度尚未设置：请先添加年度及其模板"));
    }
    let row = sqlx::query(
        "INSERT INTO reports (department_id, year, approval_date, deadline, state, updated_at) VALUES ($1, $2, $3, $4, 'open', $5) \
         ON CONFLICT (department_id, year) DO UPDATE SET approval_date = excluded.approval_date, deadline = excluded.deadline RETURNING id",
    )
    .bind(department_id)
    .bind(year)
    .bind(crate::time::parse_date(date).map(crate::time::format_date))
    .bind(&deadline)
    .bind(now())
    .fetch_one(&db.pool)
    .await
    .map_err(e)?;
    row.try_get(0).map_err(e)
}

/// Creates a user with a one-time password; returns (id, password).
pub async fn create_user(
    db: &Db,
    username: &str,
    display_name: &str,
    role: Role,
    department_id: Option<i64>,
) -> Result<(i64, String), String> {
    let username = username.trim();
    if username.is_empty()
        || username.len() > 64
        || !username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.@-".contains(&b))
    {
        return Err("用户名须为 1 至 64 个字母、数字或 _ . @ -".to_string());
    }
    if let Some(p) = name_problem(display_name) {
        return Err(format!("姓名{p}"));
    }
    if role == Role::Preparer && department_id.is_none() {
        return Err("部门填报人员须选择部门".to_string());
    }
    let password = auth::one_time_password();
    let hash = auth::hash_password(&password)?;
    let row = sqlx::query(
        "INSERT INTO users (username, display_name, role, department_id, password_hash, must_change, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(username)
    .bind(display_name.trim())
    .bind(role.key())
    .bind(if role == Role::Preparer { department_id } else { None })
    .bind(hash)
    .bind(now())
    .fetch_one(&db.pool)
    .await
    .map_err(|e| {
        if e.to_string().to_lowercase().contains("unique") {
            format!("用户名 “{username}” 已存在")
        } else {
            e.to_string()
        }
    })?;
    Ok((row.try_get(0).map_err(|e| e.to_string())?, password))
}

/// Gives a user a new one-time password (they must change it at next login)
/// and ends their sessions.
pub async fn reset_password(db: &Db, user_id: i64) -> Result<String, String> {
    let password = auth::one_time_password();
    let hash = auth::hash_password(&password)?;
    let done = sqlx::query("UPDATE users SET password_hash = $1, must_change = 1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    if done.rows_affected() != 1 {
        return Err("没有这个用户".to_string());
    }
    auth::end_sessions_of(db, user_id)
        .await
        .map_err(|e| e.to_string())?;
    Ok(password)
}

/// Imports departments from CSV: `编码,部门名称,单位,年度,批复日期,上级部门编码`
/// with a header row; 单位 separated by `；` or `;`; 年度, 批复日期 and 上级部门编码
/// may be empty (a row with 上级部门编码 is a unit that submits its own report). Every row is
/// checked before anything is written; an error names its line.
pub async fn import_departments(db: &Db, text: &str) -> Result<usize, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("第 {line} 行：无法读取（{e}）"));
                continue;
            }
        };
        let get = |k: usize| rec.get(k).unwrap_or("").trim().to_string();
        let (code, name, units, year, date, parent) =
            (get(0), get(1), get(2), get(3), get(4), get(5));
        if !parent.is_empty()
            && let Some(p) = code_problem(&parent)
        {
            errors.push(format!("第 {line} 行 上级部门编码：{p}"));
        }
        if let Some(p) = code_problem(&code) {
            errors.push(format!("第 {line} 行 编码：{p}"));
        }
        if let Some(p) = name_problem(&name) {
            errors.push(format!("第 {line} 行 部门名称：{p}"));
        }
        let year = if year.is_empty() {
            None
        } else {
            match year.parse::<i64>() {
                Ok(y) if (1949..=2200).contains(&y) => Some(y),
                _ => {
                    errors.push(format!("第 {line} 行 年度：“{year}” 不是有效的年度"));
                    None
                }
            }
        };
        if !date.is_empty() && crate::time::parse_date(&date).is_none() {
            errors.push(format!(
                "第 {line} 行 批复日期：“{date}” 不是有效的日期（应为 YYYY-MM-DD）"
            ));
        }
        if !date.is_empty() && year.is_none() {
            errors.push(format!("第 {line} 行：有批复日期时须填年度"));
        }
        let units: Vec<String> = units
            .split(['；', ';'])
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        rows.push((code, name, units, year, date, parent));
    }
    if rows.len() > 20_000 {
        errors.push(format!(
            "一次最多导入 20000 个部门（此文件 {} 个）",
            rows.len()
        ));
    }
    // Units' departments, checked before anything is written too: in the file
    // (and not a unit there) or already a department (and not a unit).
    let in_file: std::collections::HashMap<&str, &str> =
        rows.iter().map(|r| (r.0.as_str(), r.5.as_str())).collect();
    for (i, r) in rows.iter().enumerate() {
        let (code, parent) = (&r.0, &r.5);
        if parent.is_empty() {
            continue;
        }
        let line = i + 2;
        let problem = if parent == code {
            Some("不能是自己的上级部门".to_string())
        } else if rows.iter().any(|o| &o.5 == code) {
            Some(format!("“{code}” 有下属单位，不能再作为单位"))
        } else {
            match in_file.get(parent.as_str()) {
                Some(grand) if !grand.is_empty() => {
                    Some(format!("“{parent}” 本身是单位，不能再有下属单位"))
                }
                Some(_) => None,
                None => match sqlx::query("SELECT parent_id FROM departments WHERE code = $1")
                    .bind(parent)
                    .fetch_optional(&db.pool)
                    .await
                {
                    Ok(None) => Some(format!("上级部门 “{parent}” 不存在")),
                    Ok(Some(row)) => match row.try_get::<Option<i64>, _>(0) {
                        Ok(Some(_)) => Some(format!("“{parent}” 本身是单位，不能再有下属单位")),
                        Ok(None) => None,
                        Err(e) => Some(e.to_string()),
                    },
                    Err(e) => Some(e.to_string()),
                },
            }
        };
        if let Some(p) = problem {
            errors.push(format!("第 {line} 行 上级部门编码：{p}"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let n = rows.len();
    let parents: Vec<(String, String, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.0.clone(), r.5.clone(), i + 2))
        .collect();
    for (code, name, units, year, date, _) in rows {
        let id = upsert_department(db, &code, &name, &units)
            .await
            .map_err(|e| vec![e])?;
        if let Some(y) = year
            && !date.is_empty()
        {
            approval(db, id, y, &date)
                .await
                .map_err(|e| vec![format!("{code}：{e}")])?;
        }
    }
    // Units after every row exists: a unit may come before its department.
    for (code, parent, line) in parents.iter().filter(|(_, p, _)| !p.is_empty()) {
        set_parent(db, code, Some(parent))
            .await
            .map_err(|e| vec![format!("第 {line} 行 上级部门编码：{e}")])?;
    }
    Ok(n)
}

/// A department's id by its code.
pub async fn department_by_code(db: &Db, code: &str) -> Result<Option<i64>, String> {
    let row = sqlx::query("SELECT id FROM departments WHERE code = $1")
        .bind(code)
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    row.map(|r| r.try_get(0).map_err(|e| e.to_string()))
        .transpose()
}

/// Makes the department `code` a unit (单位) of `parent` that submits its own
/// report, or (`None`) a department again. One level: a department with units
/// cannot become a unit, nor a unit have units.
pub async fn set_parent(db: &Db, code: &str, parent: Option<&str>) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    let id = department_by_code(db, code)
        .await?
        .ok_or_else(|| format!("没有编码为 “{code}” 的部门"))?;
    let parent_id = match parent.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) if p == code => return Err(format!("“{code}” 不能是自己的上级部门")),
        Some(p) => {
            let row = sqlx::query("SELECT id, parent_id FROM departments WHERE code = $1")
                .bind(p)
                .fetch_optional(&db.pool)
                .await
                .map_err(e)?
                .ok_or_else(|| format!("上级部门 “{p}” 不存在"))?;
            let grand: Option<i64> = row.try_get(1).map_err(e)?;
            if grand.is_some() {
                return Err(format!("“{p}” 本身是单位，不能再有下属单位"));
            }
            let children: i64 =
                sqlx::query("SELECT COUNT(*) FROM departments WHERE parent_id = $1")
                    .bind(id)
                    .fetch_one(&db.pool)
                    .await
                    .map_err(e)?
                    .try_get(0)
                    .map_err(e)?;
            if children > 0 {
                return Err(format!("“{code}” 有下属单位，不能再作为单位"));
            }
            Some(row.try_get::<i64, _>(0).map_err(e)?)
        }
    };
    sqlx::query("UPDATE departments SET parent_id = $1 WHERE id = $2")
        .bind(parent_id)
        .bind(id)
        .execute(&db.pool)
        .await
        .map_err(e)?;
    Ok(())
}

/// A user's id by name.
pub async fn user_by_name(db: &Db, username: &str) -> Result<Option<i64>, String> {
    let row = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_optional(&db.pool)
        .await
        .map_err(|e| e.to_string())?;
    row.map(|r| r.try_get(0).map_err(|e| e.to_string()))
        .transpose()
}
