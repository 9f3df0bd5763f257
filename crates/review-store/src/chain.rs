//! The review's tamper-evident event log: a SHA-256 hash chain.
//!
//! Each event (opened, decided, applied, signed) is stored as canonical JSON content
//! (review id, sequence number, kind, time, data, in that field order) with
//! `hash = SHA-256(prev_hash + "\n" + content)` in lower-case hex; the first event's
//! `prev_hash` is 64 zeros. Editing, removing or reordering any stored event changes a
//! hash that a later event (or the signature) seals.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::ReviewId;

/// The `prev_hash` of a chain's first event.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    /// The review was opened.
    Opened,
    /// An account was decided.
    Decided,
    /// A revocation was carried out.
    Applied,
    /// The review was signed.
    Signed,
}

impl EventKind {
    /// The kind's name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Decided => "decided",
            EventKind::Applied => "applied",
            EventKind::Signed => "signed",
        }
    }
}

/// One stored event of a review's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewEvent {
    /// Its position, from 1.
    pub seq: u64,
    /// Its kind, as stored.
    pub kind: String,
    /// Its canonical JSON content, as stored.
    pub content: String,
    /// The previous event's hash (64 zeros for the first).
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// The canonical content of an event.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Content<T> {
    pub(crate) review: i64,
    pub(crate) seq: u64,
    pub(crate) kind: EventKind,
    pub(crate) at: String,
    pub(crate) data: T,
}

/// `SHA-256(prev + "\n" + content)` in lower-case hex.
pub(crate) fn entry_hash(prev: &str, content: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev.as_bytes());
    hasher.update(b"\n");
    hasher.update(content.as_bytes());
    hex(&hasher.finalize())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(64), |mut out, byte| {
            let _ = write!(out, "{byte:02x}");
            out
        })
}

/// Appends one event to `review`'s chain and returns its hash.
pub(crate) fn append<T: Serialize>(
    conn: &Connection,
    review: ReviewId,
    kind: EventKind,
    at: DateTime<Utc>,
    data: T,
) -> Result<String> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM review_events WHERE review_id = ?1 ORDER BY seq DESC LIMIT 1",
            [review.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (u64::try_from(seq).unwrap_or(0) + 1, hash),
        None => (1, GENESIS.to_owned()),
    };
    let content = serde_json::to_string(&Content {
        review: review.0,
        seq,
        kind,
        at: crate::model::format_time(at),
        data,
    })
    .map_err(|err| Error::Corrupt(format!("event content: {err}")))?;
    let hash = entry_hash(&prev, &content);
    conn.execute(
        "INSERT INTO review_events (review_id, seq, kind, content, prev_hash, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            review.0,
            crate::snapshot::to_i64(seq),
            kind.as_str(),
            content,
            prev,
            hash
        ],
    )?;
    Ok(hash)
}

/// Every stored event of `review`, in order.
pub(crate) fn events(conn: &Connection, review: ReviewId) -> Result<Vec<ReviewEvent>> {
    let mut statement = conn.prepare(
        "SELECT seq, kind, content, prev_hash, hash FROM review_events \
         WHERE review_id = ?1 ORDER BY seq",
    )?;
    let events = statement
        .query_map([review.0], |row| {
            Ok(ReviewEvent {
                seq: u64::try_from(row.get::<_, i64>(0)?).unwrap_or(0),
                kind: row.get(1)?,
                content: row.get(2)?,
                prev_hash: row.get(3)?,
                hash: row.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(events)
}
