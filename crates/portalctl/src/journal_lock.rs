//! One `--apply` run per journal at a time: an OS file lock on `JOURNAL.lock`, held from
//! before the portals are read until the run ends, so two runs never plan from the same
//! state or interleave their changes. The lock file holds the holder's pid, for the
//! message the second run gives; the OS releases the lock when the holder exits, even
//! when it is killed.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use fs4::FileExt;
use fs4::TryLockError;

use crate::exit::Stop;

/// A held journal lock; dropping it releases the lock.
#[derive(Debug)]
pub struct JournalLock {
    _file: File,
}

/// The lock file guarding `journal`: the journal's path with `.lock` appended.
pub fn lock_path(journal: &Path) -> PathBuf {
    let mut path = journal.as_os_str().to_owned();
    path.push(".lock");
    PathBuf::from(path)
}

impl JournalLock {
    /// Takes the lock on `journal`. When another process holds it: with `wait`, blocks
    /// until it is released; otherwise refuses at once, naming the journal and the
    /// holder's pid.
    pub fn acquire(journal: &Path, wait: bool) -> Result<Self, Stop> {
        let path = lock_path(journal);
        let failure = |error: std::io::Error| {
            Stop::Failure(format!("journal lock `{}`: {error}", path.display()))
        };
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent).map_err(failure)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(failure)?;
        match FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) if wait => {
                eprintln!(
                    "portalctl: waiting for {} to finish with journal `{}`",
                    holder(&mut file),
                    journal.display()
                );
                FileExt::lock(&file).map_err(failure)?;
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Stop::Failure(format!(
                    "journal `{}` is in use by {}; nothing was done (add --wait to wait for it)",
                    journal.display(),
                    holder(&mut file)
                )));
            }
            Err(TryLockError::Error(error)) => return Err(failure(error)),
        }
        file.set_len(0).map_err(failure)?;
        file.rewind().map_err(failure)?;
        writeln!(file, "{}", std::process::id()).map_err(failure)?;
        file.flush().map_err(failure)?;
        Ok(Self { _file: file })
    }
}

/// Who holds the lock, as read from the lock file.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let pid = file
        .rewind()
        .and_then(|()| file.read_to_string(&mut text))
        .ok()
        .and_then(|_| text.trim().parse::<u32>().ok());
    pid.map_or_else(
        || "another portalctl run".to_owned(),
        |pid| format!("portalctl process {pid}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_with_the_holders_pid_until_release() {
        let dir = std::env::temp_dir().join(format!("portalctl-lock-{}", std::process::id()));
        let journal = dir.join("journal.jsonl");
        let held = JournalLock::acquire(&journal, false).unwrap();
        assert_eq!(
            std::fs::read_to_string(lock_path(&journal)).unwrap(),
            format!("{}\n", std::process::id())
        );

        let refused = JournalLock::acquire(&journal, false).unwrap_err();
        assert_eq!(
            refused,
            Stop::Failure(format!(
                "journal `{}` is in use by portalctl process {}; nothing was done (add --wait to wait for it)",
                journal.display(),
                std::process::id()
            ))
        );

        drop(held);
        assert!(JournalLock::acquire(&journal, false).is_ok());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
