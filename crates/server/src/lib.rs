//! `juesuan serve`: the platform a finance bureau runs for all its departments —
//! collect, check, return, approve, publish — and the public site and JSON API.
//!
//! Layers, each in its own module:
//! - [`web`]: router, request context, CSRF, limits, error pages;
//!   [`public`], [`work`], [`admin`]: the handlers, by audience;
//! - [`flow`]: the workflow as database transactions; [`ops`]: setup operations
//!   (shared with `juesuan admin`); [`jobs`]: the job queue;
//! - [`db`] (SQLite or PostgreSQL through one pool), [`store`] (content-addressed
//!   files), [`auth`] (passwords, sessions, rate limit), [`pages`] (templates).
//!
//! The server holds no report logic: reading, checking and rendering are
//! [`juesuan_engine`] calls, the same as the CLI's.

// Handlers and their helpers answer with an axum `Response` on both sides of a
// `Result` (an error page is a page); boxing it would only add noise at every `?`.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod auth;
pub mod cache;
pub mod db;
pub mod demo;
pub mod flow;
pub mod jobs;
pub mod ops;
pub mod pages;
pub mod public;
pub mod search;
pub mod store;
pub mod time;
pub mod web;
pub mod work;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use web::{AppState, Shared};

/// How the platform is started.
#[derive(Clone, Debug)]
pub struct Options {
    /// The data directory (database file for SQLite, the file store).
    pub data_dir: PathBuf,
    /// A database URL; `None` is SQLite in the data directory.
    pub database: Option<String>,
    /// Where to listen.
    pub listen: SocketAddr,
    /// Job workers in this process.
    pub workers: usize,
    /// The largest upload, in bytes.
    pub upload_limit: usize,
    /// Cookies marked `Secure` (served over TLS).
    pub secure_cookies: bool,
}

impl Options {
    /// The defaults: `./juesuan-data`, SQLite, 127.0.0.1:8080.
    pub fn new(data_dir: &Path) -> Options {
        Options {
            data_dir: data_dir.to_path_buf(),
            database: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            workers: 1,
            upload_limit: juesuan_ingest::guard::Kind::TextDir.cap() as usize + 1_000_000,
            secure_cookies: false,
        }
    }

    /// The database URL in force.
    pub fn database_url(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| db::sqlite_url(&self.data_dir))
    }
}

/// Opens the data directory and the database: the state every part shares.
pub async fn open(options: &Options) -> Result<Shared, String> {
    std::fs::create_dir_all(&options.data_dir).map_err(|e| {
        format!(
            "无法创建数据目录 {}：{}",
            options.data_dir.display(),
            store::io_message(&e)
        )
    })?;
    let store = store::Store::open(&options.data_dir)?;
    let db = db::Db::connect(&options.database_url()).await?;
    Ok(Arc::new(AppState {
        db,
        store,
        limiter: auth::Limiter::default(),
        fonts: OnceLock::new(),
        jobs: tokio::sync::Notify::new(),
        upload_limit: options.upload_limit,
        secure_cookies: options.secure_cookies,
        published: cache::Published::default(),
    }))
}

/// A multi-threaded runtime for the CLI's blocking entry points.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动运行时：{e}"))
}

/// Creates the first administrator when there is none; returns its one-time password.
pub async fn first_admin(state: &Shared) -> Result<Option<String>, String> {
    use sqlx::Row;
    let n: i64 = sqlx::query("SELECT COUNT(*) FROM users WHERE role = 'admin'")
        .fetch_one(&state.db.pool)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(|e| e.to_string())?;
    if n > 0 {
        return Ok(None);
    }
    let (_, password) =
        ops::create_user(&state.db, "admin", "财政局管理员", auth::Role::Admin, None).await?;
    if state
        .db
        .setting("region")
        .await
        .map_err(|e| e.to_string())?
        .is_none()
    {
        state
            .db
            .set_setting("region", "本地区")
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(Some(password))
}

/// Runs the server until Ctrl-C (or SIGTERM); `say` prints a line for the operator.
pub async fn serve(
    options: Options,
    demo: bool,
    say: &(dyn Fn(&str) + Sync),
) -> Result<(), String> {
    let state = open(&options).await?;
    if let Some(password) = first_admin(&state).await? {
        say(&format!(
            "已创建第一个管理员：用户名 admin，一次性密码 {password}\n（只显示这一次；首次登录后须修改。忘记时用 juesuan admin reset-password admin 重置。）"
        ));
    }
    if demo {
        let lines = demo::load(&state).await?;
        for l in lines {
            say(&l);
        }
    }
    for _ in 0..options.workers.max(1) {
        tokio::spawn(jobs::worker(state.clone(), Duration::from_secs(5)));
    }
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|e| format!("无法监听 {}：{e}", options.listen))?;
    say(&format!(
        "决算公开平台已启动：http://{}/ （数据库 {}，数据目录 {}）。按 Ctrl-C 停止。",
        options.listen,
        db::redact(&options.database_url()),
        options.data_dir.display()
    ));
    let app = web::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("服务中断：{e}"))
}

/// `juesuan admin backup DIR`: the database (SQLite: an online `VACUUM INTO`, a
/// consistent copy while the server runs) and the file store, into a new
/// directory. For PostgreSQL the store is copied and the database is left to
/// `pg_dump` (see docs/PLATFORM.md).
pub async fn backup(options: &Options, target: &Path) -> Result<Vec<String>, String> {
    if target.exists() {
        return Err(format!(
            "备份目录 {} 已存在：请指定一个新的目录",
            target.display()
        ));
    }
    let state = open(options).await?;
    std::fs::create_dir_all(target)
        .map_err(|e| format!("无法创建备份目录：{}", store::io_message(&e)))?;
    let mut lines = Vec::new();
    if state.db.backend == db::Backend::Sqlite {
        let file = target.join("juesuan.db");
        let path = file.display().to_string().replace('\'', "''");
        sqlx::query(&format!("VACUUM INTO '{path}'"))
            .execute(&state.db.pool)
            .await
            .map_err(|e| format!("数据库备份失败：{e}"))?;
        lines.push(format!("数据库：{}", file.display()));
    } else {
        lines.push(
            "PostgreSQL 数据库请用 pg_dump 备份（见 docs/PLATFORM.md），这里只复制文件存储。"
                .to_string(),
        );
    }
    let n = copy_tree(&options.data_dir.join("store"), &target.join("store"))?;
    lines.push(format!("文件存储：{n} 个文件"));
    Ok(lines)
}

/// `juesuan admin restore DIR`: into an empty (or new) data directory.
pub fn restore(options: &Options, source: &Path) -> Result<Vec<String>, String> {
    let db_file = source.join("juesuan.db");
    if options.database.is_some() {
        return Err("PostgreSQL 数据库请用 pg_restore 恢复（见 docs/PLATFORM.md）；本命令只恢复 SQLite 数据目录".to_string());
    }
    if !db_file.is_file() {
        return Err(format!(
            "{} 不是 juesuan admin backup 生成的备份（缺少 juesuan.db）",
            source.display()
        ));
    }
    let target_db = options.data_dir.join("juesuan.db");
    if target_db.exists() {
        return Err(format!(
            "数据目录 {} 已有数据库：恢复只写入空的数据目录，以免覆盖现有数据（可用 --data-dir 指定新目录）",
            options.data_dir.display()
        ));
    }
    std::fs::create_dir_all(&options.data_dir).map_err(|e| store::io_message(&e))?;
    let n = copy_tree(&source.join("store"), &options.data_dir.join("store"))?;
    let tmp = options.data_dir.join("juesuan.db.restoring");
    std::fs::copy(&db_file, &tmp).map_err(|e| store::io_message(&e))?;
    std::fs::rename(&tmp, &target_db).map_err(|e| store::io_message(&e))?;
    Ok(vec![format!(
        "已恢复数据库与 {n} 个存储文件到 {}",
        options.data_dir.display()
    )])
}

fn copy_tree(from: &Path, to: &Path) -> Result<usize, String> {
    let mut n = 0;
    if !from.is_dir() {
        return Ok(0);
    }
    std::fs::create_dir_all(to).map_err(|e| store::io_message(&e))?;
    for entry in std::fs::read_dir(from)
        .map_err(|e| store::io_message(&e))?
        .flatten()
    {
        let ty = entry.file_type().map_err(|e| store::io_message(&e))?;
        let target = to.join(entry.file_name());
        if ty.is_dir() {
            n += copy_tree(&entry.path(), &target)?;
        } else if ty.is_file() {
            std::fs::copy(entry.path(), &target).map_err(|e| store::io_message(&e))?;
            n += 1;
        }
    }
    Ok(n)
}
