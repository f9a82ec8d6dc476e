//! Who is asking: users and roles, passwords (argon2id), sessions (a random token
//! in an HttpOnly, SameSite=Strict cookie; only its SHA-256 in the database; a new
//! one at every login), CSRF tokens, and the login rate limit.

use crate::db::{Db, now};
use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Serialize;
use sqlx::Row;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "juesuan_session";
/// The cookie holding the CSRF token of a visitor not logged in (the login form).
pub const CSRF_COOKIE: &str = "juesuan_csrf";
/// How long a session lasts without a new login.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// A role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 财政局管理员: region, years, departments, users.
    Admin,
    /// 财政审核: the queue, return, approve.
    Reviewer,
    /// 部门填报: one department's uploads and submissions.
    Preparer,
}

impl Role {
    /// The name stored in the database.
    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Reviewer => "reviewer",
            Role::Preparer => "preparer",
        }
    }

    /// The role of a stored name, or of its Chinese label.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim() {
            "admin" | "财政局管理员" | "管理员" => Some(Role::Admin),
            "reviewer" | "财政审核" | "审核" => Some(Role::Reviewer),
            "preparer" | "部门填报" | "填报" => Some(Role::Preparer),
            _ => None,
        }
    }

    /// The Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "财政局管理员",
            Role::Reviewer => "财政审核",
            Role::Preparer => "部门填报",
        }
    }
}

/// A logged-in user.
#[derive(Clone, Debug, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The department of a preparer.
    pub department_id: Option<i64>,
    /// Must set a new password (a one-time password was given).
    pub must_change: bool,
}

impl User {
    /// Whether the user sees every department's work (reviewer or administrator).
    pub fn is_bureau(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Reviewer)
    }
}

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A one-time password a person can type: 16 letters and digits without the
/// ones mistaken for each other (0/O, 1/l/I).
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

/// The argon2id hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("无法计算密码摘要：{e}"))
}

/// Whether `password` matches the stored hash.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The checks a new password must pass.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.chars().count() < 10 {
        Some("密码至少 10 个字符")
    } else if password.chars().count() > 200 {
        Some("密码最多 200 个字符")
    } else {
        None
    }
}

fn token_hash(token: &str) -> String {
    crate::store::sha256_hex(token.as_bytes())
}

/// A session: the user and the session's CSRF token.
#[derive(Clone, Debug)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The CSRF token every form of this session carries.
    pub csrf: String,
}

/// Creates a session; returns the cookie token.
pub async fn create_session(db: &Db, user_id: i64) -> Result<String, sqlx::Error> {
    let token = random_token();
    let t = now();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(random_token())
    .bind(t)
    .bind(t + SESSION_SECONDS)
    .execute(&db.pool)
    .await?;
    // Expired sessions go as new ones come.
    sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(t)
        .execute(&db.pool)
        .await?;
    Ok(token)
}

/// Ends a session.
pub async fn end_session(db: &Db, token: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends every session of a user (password or role changed, user disabled).
pub async fn end_sessions_of(db: &Db, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The session of a cookie token, if valid.
pub async fn session(db: &Db, token: &str) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, u.department_id, u.must_change, s.csrf \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
    )
    .bind(token_hash(token))
    .bind(now())
    .fetch_optional(&db.pool)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let role: String = r.try_get(3)?;
    let Some(role) = Role::parse(&role) else {
        return Ok(None);
    };
    Ok(Some(Session {
        user: User {
            id: r.try_get(0)?,
            username: r.try_get(1)?,
            display_name: r.try_get(2)?,
            role,
            department_id: r.try_get(4)?,
            must_change: r.try_get::<i64, _>(5)? != 0,
        },
        csrf: r.try_get(6)?,
    }))
}

/// The login rate limit: at most [`Limiter::PER_NAME`] failed logins per user
/// name and [`Limiter::PER_ADDRESS`] per client address in [`Limiter::WINDOW`];
/// past that, logins are refused (HTTP 429) until the oldest failure ages out.
/// Kept in memory: several processes each keep their own, which at worst
/// multiplies the limit by their number.
#[derive(Default)]
pub struct Limiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Limiter {
    /// Failures allowed per user name in a window.
    pub const PER_NAME: usize = 5;
    /// Failures allowed per client address in a window.
    pub const PER_ADDRESS: usize = 20;
    /// The window.
    pub const WINDOW: Duration = Duration::from_secs(15 * 60);

    fn keys(name: &str, addr: &str) -> [(String, usize); 2] {
        [
            (format!("n:{}", name.trim().to_lowercase()), Self::PER_NAME),
            (format!("a:{addr}"), Self::PER_ADDRESS),
        ]
    }

    /// Seconds to wait before another attempt, if blocked now.
    pub fn blocked(&self, name: &str, addr: &str) -> Option<u64> {
        let mut map = self.failures.lock().ok()?;
        let now = Instant::now();
        let mut wait = None;
        for (key, limit) in Self::keys(name, addr) {
            if let Some(q) = map.get_mut(&key) {
                while q
                    .front()
                    .is_some_and(|t| now.duration_since(*t) > Self::WINDOW)
                {
                    q.pop_front();
                }
                if q.len() >= limit
                    && let Some(oldest) = q.front()
                {
                    let left = Self::WINDOW.saturating_sub(now.duration_since(*oldest));
                    wait = Some(wait.unwrap_or(0).max(left.as_secs() + 1));
                }
            }
        }
        wait
    }

    /// Records a failed login.
    pub fn failed(&self, name: &str, addr: &str) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() > 100_000 {
                map.clear();
            }
            for (key, _) in Self::keys(name, addr) {
                map.entry(key).or_default().push_back(Instant::now());
            }
        }
    }

    /// Forgets a user name's failures after a good login.
    pub fn succeeded(&self, name: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("n:{}", name.trim().to_lowercase()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "wrong"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn limiter_blocks_after_five() {
        let l = Limiter::default();
        for _ in 0..Limiter::PER_NAME {
            assert!(l.blocked("a", "1").is_none());
            l.failed("a", "1");
        }
        assert!(l.blocked("a", "1").is_some());
        assert!(l.blocked("b", "1").is_none());
        l.succeeded("a");
        assert!(l.blocked("a", "1").is_none());
    }
}
