//! The action journal: one JSON line before and one after every change portalctl makes,
//! so an interrupted run can be understood and audited.
//!
//! The `action` field is the typed [`Action`] written as its plan label (`suspend`,
//! `move to group Suspended`, `invite as Technician into GUID`) and read back into the
//! type, so lines written before actions were typed read the same.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::plan::Action;

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// When the line was written.
    pub time: DateTime<Utc>,
    /// The portal acted on.
    pub portal: String,
    /// The account acted on (email, or the vendor id where there is no email).
    pub user: String,
    /// What was done.
    pub action: Action,
    /// What would undo it, where that needs state the portal forgets (the groups before
    /// a move).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<Action>,
    /// How far the action got.
    pub outcome: Outcome,
    /// Why it failed, or other detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl Entry {
    /// Whether this line records a finished action on `user` in `portal`.
    pub fn is_done(&self, portal: &str, user: &str) -> bool {
        self.portal == portal && self.user == user && self.outcome == Outcome::Done
    }
}

/// How far an action got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Written just before the request is sent.
    Started,
    /// The portal confirmed the change.
    Done,
    /// The change failed; see `detail`.
    Failed,
}

/// An append-only JSON Lines file. Each line is flushed to disk before the action it
/// announces goes ahead.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Opens (creating if needed) the journal at `path` for appending.
    pub fn open(path: &Path) -> io::Result<Self> {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            path: path.to_owned(),
            file,
        })
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one line and syncs it to disk.
    pub fn append(&mut self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_vec(entry)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }

    /// Reads every entry of the journal at `path`.
    pub fn read(path: &Path) -> io::Result<Vec<Entry>> {
        let text = std::fs::read_to_string(path)?;
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .map(|line| serde_json::from_str(line).map_err(io::Error::other))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(outcome: Outcome) -> Entry {
        Entry {
            time: DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
            portal: "lm".into(),
            user: "jane@corp.example".into(),
            action: Action::Suspend,
            outcome,
            detail: None,
            undo: None,
        }
    }

    #[test]
    fn appends_lines_that_read_back() {
        let dir = std::env::temp_dir().join(format!("portalctl-journal-{}", std::process::id()));
        let path = dir.join("journal.jsonl");
        let _ = std::fs::remove_file(&path);
        let mut journal = Journal::open(&path).unwrap();
        journal.append(&entry(Outcome::Started)).unwrap();
        journal
            .append(&Entry {
                detail: Some("403 from the server".into()),
                ..entry(Outcome::Failed)
            })
            .unwrap();
        drop(journal);
        // Reopening appends rather than truncating.
        Journal::open(&path)
            .unwrap()
            .append(&entry(Outcome::Done))
            .unwrap();

        let entries = Journal::read(&path).unwrap();
        let outcomes: Vec<_> = entries.iter().map(|entry| entry.outcome).collect();
        assert_eq!(outcomes, [Outcome::Started, Outcome::Failed, Outcome::Done]);
        assert_eq!(entries[1].detail.as_deref(), Some("403 from the server"));
        let first_line = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(
            first_line,
            r#"{"time":"2026-11-23T02:00:00Z","portal":"lm","user":"jane@corp.example","action":"suspend","outcome":"started"}"#
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
