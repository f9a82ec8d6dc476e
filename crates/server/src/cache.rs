//! The public site's memory of published files. A publication never changes
//! once committed (a correction is a new number) and every file is named by the
//! SHA-256 of its bytes, so both the lookup (department, year, number, name) →
//! digest and the bytes of a digest can be kept without ever being stale. Both
//! are bounded: at most [`MAX_NAMES`] lookups and [`MAX_BYTES`] of bytes, the
//! oldest dropped first. Misses are never remembered (a report may be published
//! a moment later).

use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Lookups kept.
pub const MAX_NAMES: usize = 200_000;
/// Bytes of files kept.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

type Name = (String, i64, i64, String);

/// How long an anonymous visitor's rendered public page is reused: the pages
/// list every published version, which another process may add to, so they are
/// kept only briefly.
pub const PAGE_SECONDS: u64 = 2;
/// Rendered pages kept.
pub const MAX_PAGES: usize = 10_000;

/// The cache.
#[derive(Default)]
pub struct Published {
    names: Mutex<(HashMap<Name, String>, VecDeque<Name>)>,
    blobs: Mutex<(HashMap<String, Bytes>, VecDeque<String>, usize)>,
    pages: Mutex<HashMap<String, (std::time::Instant, Bytes)>>,
}

impl Published {
    /// A public page rendered for anonymous visitors less than [`PAGE_SECONDS`] ago.
    pub fn page(&self, key: &str) -> Option<Bytes> {
        let guard = self.pages.lock().ok()?;
        let (at, bytes) = guard.get(key)?;
        (at.elapsed().as_secs() < PAGE_SECONDS).then(|| bytes.clone())
    }

    /// Forgets every rendered page (a publication was just committed here).
    pub fn clear_pages(&self) {
        if let Ok(mut guard) = self.pages.lock() {
            guard.clear();
        }
    }

    /// Keeps a rendered public page.
    pub fn keep_page(&self, key: &str, bytes: Bytes) {
        let Ok(mut guard) = self.pages.lock() else {
            return;
        };
        if guard.len() >= MAX_PAGES {
            guard.retain(|_, (at, _)| at.elapsed().as_secs() < PAGE_SECONDS);
            if guard.len() >= MAX_PAGES {
                guard.clear();
            }
        }
        guard.insert(key.to_string(), (std::time::Instant::now(), bytes));
    }

    /// The digest of a published file, if remembered.
    pub fn digest(&self, code: &str, year: i64, number: i64, name: &str) -> Option<String> {
        let key = (code.to_string(), year, number, name.to_string());
        self.names.lock().ok()?.0.get(&key).cloned()
    }

    /// Remembers the digest of a published file.
    pub fn remember_digest(&self, code: &str, year: i64, number: i64, name: &str, sha: &str) {
        let Ok(mut guard) = self.names.lock() else {
            return;
        };
        let (map, order) = &mut *guard;
        let key = (code.to_string(), year, number, name.to_string());
        if map.insert(key.clone(), sha.to_string()).is_none() {
            order.push_back(key);
        }
        while order.len() > MAX_NAMES {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }

    /// The bytes of a digest, if kept.
    pub fn bytes(&self, sha: &str) -> Option<Bytes> {
        self.blobs.lock().ok()?.0.get(sha).cloned()
    }

    /// Keeps the bytes of a digest (files over a quarter of the budget are not kept).
    pub fn keep(&self, sha: &str, bytes: Bytes) {
        if bytes.len() > MAX_BYTES / 4 {
            return;
        }
        let Ok(mut guard) = self.blobs.lock() else {
            return;
        };
        let (map, order, total) = &mut *guard;
        if map.contains_key(sha) {
            return;
        }
        *total += bytes.len();
        map.insert(sha.to_string(), bytes);
        order.push_back(sha.to_string());
        while *total > MAX_BYTES {
            let Some(old) = order.pop_front() else { break };
            if let Some(b) = map.remove(&old) {
                *total -= b.len();
            }
        }
    }
}
