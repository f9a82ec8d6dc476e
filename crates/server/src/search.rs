//! Search over every published report: the department, every table row (科目
//! codes and names) and every sentence, in Chinese without a word segmenter.
//!
//! On SQLite two FTS5 indexes serve it (migration 0003): one with the trigram
//! tokenizer over the text, for queries of three characters or more, and one
//! over the text's character pairs (`教育局` is indexed as `教育 育局`), written
//! here, for queries of one or two characters — the commonest Chinese searches
//! (教育, 卫生), which a trigram index cannot answer. On PostgreSQL pg_trgm's
//! index serves LIKE. Results are ranked: department names that contain the
//! query first, then relevance (bm25 on SQLite, the number of occurrences
//! otherwise), then the newest year.

use crate::db::{Backend, Db};
use crate::web::Shared;
use serde::Serialize;
use sqlx::Row;

/// A search hit.
#[derive(Serialize)]
pub struct Hit {
    /// 部门名称.
    pub department: String,
    /// 年度.
    pub year: i64,
    /// The publication's page.
    pub url: String,
    /// Text before the match.
    pub before: String,
    /// The match.
    pub hit: String,
    /// Text after it.
    pub after: String,
}

/// The most hits a search returns.
pub const SEARCH_LIMIT: usize = 50;

/// The query as a LIKE pattern, its wildcards escaped.
fn like_pattern(q: &str) -> String {
    let mut s = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// Published reports whose text or department name contains `q`, ranked:
/// department names that contain it first, then by relevance, then newest year
/// first. On SQLite a query of three characters or more is a phrase of the
/// trigram index (`publication_search`, migration 0003), ranked by its bm25;
/// a shorter one, or one with a LIKE wildcard, and PostgreSQL (through
/// pg_trgm's index on the same LIKE) rank by how often the text contains it.
/// The ranking reads ids only; the texts of the hits shown are read after.
pub async fn run_search(
    state: &Shared,
    q: &str,
    year: Option<i64>,
) -> Result<Vec<Hit>, sqlx::Error> {
    const LATEST: &str =
        "p.number = (SELECT MAX(q.number) FROM publications q WHERE q.report_id = p.report_id)";
    const NAMED: &str = "CASE WHEN d.name LIKE $1 ESCAPE '\\' THEN 1 ELSE 0 END";
    const JOINS: &str =
        "JOIN reports r ON r.id = p.report_id JOIN departments d ON d.id = r.department_id";
    let sqlite = state.db.backend == Backend::Sqlite;
    let n = q.chars().count();
    let indexed = sqlite && n >= 3 && !q.contains(['%', '_', '\\']);
    let paired = sqlite && n < 3 && q.chars().all(pairable);
    // The fourth parameter and the query: a token of an FTS5 index, ranked by
    // its bm25, or the text itself, counted in every matching text.
    let fts = |table: &str| {
        format!(
            "SELECT p.id FROM {table} s JOIN publications p ON p.id = s.rowid {JOINS} \
             WHERE {table} MATCH $4 AND {LATEST} AND ($2 = 0 OR r.year = $2) \
             ORDER BY {NAMED} DESC, s.rank, r.year DESC, d.code LIMIT $3"
        )
    };
    let (sql, fourth) = if paired {
        // One pair is one token; one character is the prefix of the tokens it
        // starts (a pair, or the last character of a run).
        let token = if n == 2 {
            format!("\"{q}\"")
        } else {
            format!("\"{q}\" *")
        };
        (fts("publication_pairs"), token)
    } else if indexed {
        // One phrase of the trigram tokenizer: a substring, quotes doubled.
        (
            fts("publication_search"),
            format!("\"{}\"", q.replace('"', "\"\"")),
        )
    } else {
        (
            format!(
                "SELECT p.id FROM publications p {JOINS} \
                 WHERE {LATEST} AND ($2 = 0 OR r.year = $2) \
                 AND (p.search_text LIKE $1 ESCAPE '\\' OR d.name LIKE $1 ESCAPE '\\') \
                 ORDER BY {NAMED} DESC, \
                 (LENGTH(p.search_text) - LENGTH(REPLACE(p.search_text, $4, ''))) / NULLIF(LENGTH($4), 0) DESC, \
                 r.year DESC, d.code LIMIT $3"
            ),
            q.to_string(),
        )
    };
    let ranked = sqlx::query(&sql)
        .bind(like_pattern(q))
        .bind(year.unwrap_or(0))
        .bind(SEARCH_LIMIT as i64)
        .bind(fourth)
        .fetch_all(&state.db.pool)
        .await?;
    let ids: Vec<i64> = ranked
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT p.id, d.name, r.year, p.number, d.code, p.search_text FROM publications p {JOINS} \
         WHERE p.id IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query(&sql);
    for id in &ids {
        query = query.bind(*id);
    }
    let mut found = std::collections::HashMap::new();
    for r in query.fetch_all(&state.db.pool).await? {
        let text: String = r.try_get(5)?;
        let (before, hit, after) = snippet(&text, q);
        let code: String = r.try_get(4)?;
        let year: i64 = r.try_get(2)?;
        let number: i64 = r.try_get(3)?;
        found.insert(
            r.try_get::<i64, _>(0)?,
            Hit {
                department: r.try_get(1)?,
                year,
                url: format!("/r/{code}/{year}/{number}/"),
                before,
                hit,
                after,
            },
        );
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// About 30 characters either side of the first match, by characters.
fn snippet(text: &str, q: &str) -> (String, String, String) {
    let chars: Vec<char> = text.chars().collect();
    let needle: Vec<char> = q.chars().collect();
    let at = (!needle.is_empty())
        .then(|| {
            chars
                .windows(needle.len())
                .position(|w| w == needle.as_slice())
        })
        .flatten();
    let clean = |s: &[char]| {
        s.iter()
            .map(|c| if *c == '\n' { ' ' } else { *c })
            .collect::<String>()
    };
    match at {
        Some(i) => (
            clean(&chars[i.saturating_sub(30)..i]),
            clean(&chars[i..i + needle.len()]),
            clean(&chars[i + needle.len()..(i + needle.len() + 30).min(chars.len())]),
        ),
        None => (
            clean(&chars[..chars.len().min(60)]),
            String::new(),
            String::new(),
        ),
    }
}

/// Whether a character is indexed in pairs: letters and digits of any script
/// (what the unicode61 tokenizer keeps in a token).
fn pairable(c: char) -> bool {
    c.is_alphanumeric()
}

/// A text as the pair index holds it: every two adjacent letters or digits
/// (`市场监督` → `市场 场监 监督`), and the last character of each run on its own
/// (`督`), so that a one-character query — a prefix of the tokens — finds a
/// character wherever it stands; lower-cased as the tokenizer folds them.
pub fn pairs(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut prev: Option<char> = None;
    let end_run = |out: &mut String, prev: Option<char>| {
        if let Some(p) = prev {
            out.push(p);
            out.push(' ');
        }
    };
    for c in text.chars().flat_map(char::to_lowercase) {
        if pairable(c) {
            if let Some(p) = prev {
                out.push(p);
                out.push(c);
                out.push(' ');
            }
            prev = Some(c);
        } else {
            end_run(&mut out, prev);
            prev = None;
        }
    }
    end_run(&mut out, prev);
    out
}

/// Indexes a publication's text in pairs (SQLite; PostgreSQL needs nothing),
/// inside the transaction that publishes it.
pub async fn index(
    backend: Backend,
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    publication: i64,
    text: &str,
) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        sqlx::query("INSERT INTO publication_pairs (rowid, pairs) VALUES ($1, $2)")
            .bind(publication)
            .bind(pairs(text))
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Indexes in pairs every publication that is not yet (those published before
/// the index existed, or written into the database by other means). Returns
/// how many it indexed.
pub async fn backfill(db: &Db) -> Result<usize, sqlx::Error> {
    if db.backend != Backend::Sqlite {
        return Ok(0);
    }
    let rows = sqlx::query(
        "SELECT id, search_text FROM publications WHERE id NOT IN (SELECT rowid FROM publication_pairs)",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut tx = db.pool.begin().await?;
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        let text: String = r.try_get(1)?;
        index(db.backend, &mut tx, id, &text).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::pairs;

    #[test]
    fn pairs_of_letters_and_digits() {
        assert_eq!(pairs("市场监督"), "市场 场监 监督 督 ");
        assert_eq!(pairs("201 一般，Ab"), "20 01 1 一般 般 ab b ");
        assert_eq!(pairs("局"), "局 ");
        assert_eq!(pairs("（一）预算"), "一 预算 算 ");
    }
}
