//! The database: SQLite (a file in the data directory, WAL) by default, PostgreSQL
//! by URL, through one pool of sqlx's `Any` driver so that every query in this
//! crate is written once and runs on both (placeholders `$1`, `$2` … which SQLite
//! also reads by number). The one statement that differs — claiming a job, with
//! `FOR UPDATE SKIP LOCKED` on PostgreSQL — asks [`Db::backend`].
//!
//! Migrations are the numbered files of `migrations/sqlite` and
//! `migrations/postgres`, embedded in the binary and applied by sqlx's migrator
//! at start (each in a transaction, recorded in `_sqlx_migrations`).

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Row};
use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

/// Which database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, one file, WAL.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The pool and what is behind it.
#[derive(Clone, Debug)]
pub struct Db {
    /// The pool.
    pub pool: AnyPool,
    /// The backend.
    pub backend: Backend,
}

const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "platform",
        include_str!("../migrations/sqlite/0001_platform.sql"),
    ),
    (
        2,
        "headlines",
        include_str!("../migrations/sqlite/0002_headlines.sql"),
    ),
    (
        3,
        "search",
        include_str!("../migrations/sqlite/0003_search.sql"),
    ),
    (
        4,
        "publication audits",
        include_str!("../migrations/sqlite/0004_publication_audits.sql"),
    ),
    (
        5,
        "unit reports",
        include_str!("../migrations/sqlite/0005_unit_reports.sql"),
    ),
];
const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "platform",
        include_str!("../migrations/postgres/0001_platform.sql"),
    ),
    (
        2,
        "headlines",
        include_str!("../migrations/postgres/0002_headlines.sql"),
    ),
    (
        3,
        "search",
        include_str!("../migrations/postgres/0003_search.sql"),
    ),
    (
        4,
        "publication audits",
        include_str!("../migrations/postgres/0004_publication_audits.sql"),
    ),
    (
        5,
        "unit reports",
        include_str!("../migrations/postgres/0005_unit_reports.sql"),
    ),
];

fn migrator(backend: Backend) -> Migrator {
    let list = match backend {
        Backend::Sqlite => SQLITE,
        Backend::Postgres => POSTGRES,
    };
    Migrator {
        migrations: Cow::Owned(
            list.iter()
                .map(|(v, d, sql)| {
                    Migration::new(
                        *v,
                        Cow::Borrowed(*d),
                        MigrationType::Simple,
                        Cow::Borrowed(*sql),
                        false,
                    )
                })
                .collect(),
        ),
        ..Migrator::DEFAULT
    }
}

/// The URL of the default database: `juesuan.db` in the data directory.
pub fn sqlite_url(data_dir: &Path) -> String {
    format!(
        "sqlite://{}?mode=rwc",
        data_dir.join("juesuan.db").display()
    )
}

impl Db {
    /// Connects and applies the migrations. `url` is `sqlite://…` or
    /// `postgres://…` (`postgresql://` too).
    pub async fn connect(url: &str) -> Result<Db, String> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(format!(
                "不支持的数据库地址 “{url}”：请用 sqlite://文件 或 postgres://用户@主机/库"
            ));
        };
        let mut options = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(30));
        if backend == Backend::Sqlite {
            options = options.after_connect(|conn, _| {
                Box::pin(async move {
                    use sqlx::Executor;
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;",
                    )
                    .await?;
                    Ok(())
                })
            });
        }
        let pool = options
            .connect(url)
            .await
            .map_err(|e| format!("无法连接数据库 {}：{e}", redact(url)))?;
        migrator(backend)
            .run(&pool)
            .await
            .map_err(|e| format!("数据库迁移失败：{e}"))?;
        let db = Db { pool, backend };
        crate::search::backfill(&db)
            .await
            .map_err(|e| format!("检索索引补建失败：{e}"))?;
        Ok(db)
    }

    /// A setting, if set.
    pub async fn setting(&self, key: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get::<String, _>(0)).transpose()
    }

    /// Sets a setting.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// `url` without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((creds, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
