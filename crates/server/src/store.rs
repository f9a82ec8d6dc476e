//! The content-addressed store: every uploaded and built file, named by the
//! SHA-256 of its bytes, under `store/ab/cdef…` in the data directory, and
//! referenced from the database by that name.
//!
//! A file is written to `store/tmp/`, flushed to disk, then renamed into place —
//! so a crash or a full disk leaves at most a stray temporary file, never a
//! truncated blob under its name; the database row that refers to it is written
//! only after [`Store::put`] returns. The same bytes stored twice are one file.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The store under a data directory.
#[derive(Clone, Debug)]
pub struct Store {
    root: PathBuf,
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// A Chinese message for an I/O error while storing, naming a full disk as such.
/// By the error's kind, which survives the wrapping that adds a path (as
/// `tempfile` does), not only by its OS code.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match (e.kind(), e.raw_os_error()) {
        (ErrorKind::StorageFull, _) | (_, Some(28)) => {
            "数据目录所在的磁盘已满，未保存任何内容：请清理磁盘或扩容后重试".to_string()
        }
        (ErrorKind::QuotaExceeded, _) | (_, Some(122)) => {
            "数据目录的磁盘配额已用完，未保存任何内容".to_string()
        }
        (ErrorKind::PermissionDenied, _) => "没有写入数据目录的权限，未保存任何内容".to_string(),
        (ErrorKind::ReadOnlyFilesystem, _) => {
            "数据目录所在的文件系统是只读的，未保存任何内容".to_string()
        }
        _ => format!("无法写入数据目录，未保存任何内容：{e}"),
    }
}

fn valid(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Store {
    /// The store under `data_dir`, created if missing.
    pub fn open(data_dir: &Path) -> Result<Store, String> {
        let root = data_dir.join("store");
        std::fs::create_dir_all(root.join("tmp"))
            .map_err(|e| format!("无法创建存储目录 {}：{}", root.display(), io_message(&e)))?;
        Ok(Store { root })
    }

    fn path(&self, sha: &str) -> Option<PathBuf> {
        let (head, tail) = (sha.get(..2)?, sha.get(2..)?);
        valid(sha).then(|| self.root.join(head).join(tail))
    }

    /// Stores `bytes`; returns their SHA-256 name.
    pub fn put(&self, bytes: &[u8]) -> Result<String, String> {
        let sha = sha256_hex(bytes);
        let Some(path) = self.path(&sha) else {
            return Err("内部错误：摘要无效".to_string());
        };
        if path.is_file() {
            return Ok(sha);
        }
        let write = || -> std::io::Result<()> {
            let mut tmp = tempfile::NamedTempFile::new_in(self.root.join("tmp"))?;
            tmp.write_all(bytes)?;
            tmp.as_file().sync_all()?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            tmp.persist(&path).map_err(|e| e.error)?;
            if let Some(dir) = path.parent()
                && let Ok(d) = std::fs::File::open(dir)
            {
                let _ = d.sync_all();
            }
            Ok(())
        };
        write().map_err(|e| io_message(&e))?;
        Ok(sha)
    }

    /// The bytes stored under `sha`.
    pub fn get(&self, sha: &str) -> Result<Vec<u8>, String> {
        let path = self.path(sha).ok_or_else(|| "无效的文件摘要".to_string())?;
        std::fs::read(&path).map_err(|e| format!("存储中缺少文件 {sha}：{e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let sha = store.put(b"abc").unwrap();
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(store.put(b"abc").unwrap(), sha);
        assert_eq!(store.get(&sha).unwrap(), b"abc");
        assert!(store.get("../../etc/passwd").is_err());
        assert!(store.get(&"A".repeat(64)).is_err());
    }
}
