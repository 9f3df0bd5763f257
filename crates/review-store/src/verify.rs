//! Checking a review against its hash chain: every entry's hash and link recomputed, and
//! the stored rows (decisions, applied revocations, the signature, the snapshot's
//! accounts in scope) compared with what the entries say. Whatever was edited, removed
//! or reordered by hand, the first entry that no longer holds is named.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::chain::{self, EventKind, GENESIS, ReviewEvent, entry_hash};
use crate::error::Result;
use crate::model::{AccountKey, ReviewId, Verdict};
use crate::review::{AppliedData, Decided, Opened, ReviewRow, accounts_digest, review_row};
use crate::store::Store;

/// What [`Store::verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every entry holds and the stored rows match them.
    Intact {
        /// How many entries the chain has.
        entries: u64,
        /// The last entry's hash.
        head: String,
    },
    /// The first entry that does not hold, and why.
    Broken {
        /// Its position (from 1); `None` for a stored row that no entry made.
        seq: Option<u64>,
        /// Its kind as stored (`opened`, `decided`, `applied`, `signed`), or `missing`.
        kind: String,
        /// What does not match.
        problem: String,
    },
}

/// An entry's content, as far as the check reads it.
#[derive(Debug, Deserialize)]
struct Content<T> {
    review: i64,
    seq: u64,
    kind: EventKind,
    data: T,
}

/// A decision as the chain has it, and the entry that made it.
#[derive(Debug, PartialEq)]
struct Decision {
    seq: u64,
    verdict: Verdict,
    reason: Option<String>,
    expires_on: Option<chrono::NaiveDate>,
    applied: Option<(u64, String)>,
}

impl Store {
    /// Recomputes the review's hash chain and compares the stored rows with it.
    pub fn verify(&self, review: ReviewId) -> Result<ChainCheck> {
        let row = review_row(&self.conn, review)?;
        let events = chain::events(&self.conn, review)?;
        let mut decided: BTreeMap<AccountKey, Decision> = BTreeMap::new();
        let mut prev = GENESIS.to_owned();
        for (index, event) in events.iter().enumerate() {
            let expected = index as u64 + 1;
            if event.seq != expected {
                return Ok(broken(
                    Some(expected),
                    "missing",
                    format!(
                        "entry {expected} is missing (the next stored entry is {})",
                        event.seq
                    ),
                ));
            }
            if event.prev_hash != prev {
                return Ok(at(
                    event,
                    "its link does not match the previous entry's hash",
                ));
            }
            if entry_hash(&prev, &event.content) != event.hash {
                return Ok(at(event, "its content does not match its hash (edited)"));
            }
            let Some(kind) =
                content::<serde_json::Value>(event, review).map(|content| content.kind)
            else {
                return Ok(at(event, "its content is not an entry of this review"));
            };
            match kind {
                EventKind::Opened => {
                    if let Some(problem) = self.opened_holds(&row, event, review)? {
                        return Ok(problem);
                    }
                }
                EventKind::Decided => {
                    let Some(entry) = content::<Decided>(event, review) else {
                        return Ok(at(event, "its content can not be read"));
                    };
                    decided.insert(
                        entry.data.account,
                        Decision {
                            seq: event.seq,
                            verdict: entry.data.verdict,
                            reason: entry.data.reason,
                            expires_on: entry.data.expires_on,
                            applied: None,
                        },
                    );
                }
                EventKind::Applied => {
                    let Some(entry) = content::<AppliedData>(event, review) else {
                        return Ok(at(event, "its content can not be read"));
                    };
                    match decided.get_mut(&entry.data.account) {
                        Some(decision) => {
                            decision.applied = Some((event.seq, entry.data.reference));
                        }
                        None => return Ok(at(event, "it applies an account never decided")),
                    }
                }
                EventKind::Signed => {
                    if row.signed.as_ref().map(|signature| &signature.head) != Some(&event.hash) {
                        return Ok(at(event, "the review's signature is not this entry's hash"));
                    }
                }
            }
            prev.clone_from(&event.hash);
        }
        if let Some(problem) = self.rows_against(review, &decided)? {
            return Ok(problem);
        }
        let signed_in_chain = events
            .last()
            .is_some_and(|event| event.kind == EventKind::Signed.as_str());
        if row.signed.is_some() && !signed_in_chain {
            let next = events.len() as u64 + 1;
            return Ok(broken(
                Some(next),
                "missing",
                "the review is signed but the chain has no signed entry at its end".to_owned(),
            ));
        }
        Ok(ChainCheck::Intact {
            entries: events.len() as u64,
            head: prev,
        })
    }

    /// Whether the opening entry still matches the review and its snapshot's accounts.
    fn opened_holds(
        &self,
        row: &ReviewRow,
        event: &ReviewEvent,
        review: ReviewId,
    ) -> Result<Option<ChainCheck>> {
        let Some(opened) = content::<Opened>(event, review) else {
            return Ok(Some(at(event, "its content can not be read")));
        };
        if opened.data.snapshot != row.snapshot.0
            || opened.data.scope != row.scope
            || opened.data.reviewer != row.reviewer
        {
            return Ok(Some(at(
                event,
                "the review's snapshot, scope or reviewer was changed",
            )));
        }
        let (count, digest) = accounts_digest(&self.conn, row.snapshot, &opened.data.scope)?;
        if (count, digest) != (opened.data.accounts, opened.data.accounts_digest) {
            return Ok(Some(at(
                event,
                "the snapshot's accounts in scope were changed since the review opened",
            )));
        }
        Ok(None)
    }

    /// The first decision row that differs from the chain, as a broken entry.
    fn rows_against(
        &self,
        review: ReviewId,
        decided: &BTreeMap<AccountKey, Decision>,
    ) -> Result<Option<ChainCheck>> {
        let rows = self.decisions(review)?;
        for record in &rows {
            let key = &record.decision.account;
            let Some(chained) = decided.get(key) else {
                return Ok(Some(broken(
                    None,
                    "missing",
                    format!("the decision for {key} has no entry in the chain (added by hand)"),
                )));
            };
            let stored = (
                record.decision.verdict,
                &record.decision.reason,
                record.decision.expires_on,
                record.applied.as_ref().map(|applied| &applied.reference),
            );
            let expected = (
                chained.verdict,
                &chained.reason,
                chained.expires_on,
                chained.applied.as_ref().map(|(_, reference)| reference),
            );
            if stored != expected {
                let seq = chained
                    .applied
                    .as_ref()
                    .map_or(chained.seq, |(seq, _)| *seq);
                let kind = if chained.applied.is_some() {
                    "applied"
                } else {
                    "decided"
                };
                return Ok(Some(broken(
                    Some(seq),
                    kind,
                    format!("the stored decision for {key} differs from this entry (edited)"),
                )));
            }
        }
        if let Some((key, chained)) = decided
            .iter()
            .find(|(key, _)| !rows.iter().any(|record| &record.decision.account == *key))
        {
            return Ok(Some(broken(
                Some(chained.seq),
                "decided",
                format!("the decision for {key} was removed from the store"),
            )));
        }
        Ok(None)
    }
}

/// The entry's content as `T`, when it is one of `review`'s entries at its own position.
fn content<T: DeserializeOwned>(event: &ReviewEvent, review: ReviewId) -> Option<Content<T>> {
    serde_json::from_str::<Content<T>>(&event.content)
        .ok()
        .filter(|content| {
            content.review == review.0
                && content.seq == event.seq
                && content.kind.as_str() == event.kind
        })
}

fn at(event: &ReviewEvent, problem: &str) -> ChainCheck {
    broken(Some(event.seq), &event.kind, problem.to_owned())
}

fn broken(seq: Option<u64>, kind: &str, problem: String) -> ChainCheck {
    ChainCheck::Broken {
        seq,
        kind: kind.to_owned(),
        problem,
    }
}

impl std::fmt::Display for ChainCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainCheck::Intact { entries, head } => {
                write!(f, "intact: {entries} entries, head {head}")
            }
            ChainCheck::Broken {
                seq: Some(seq),
                kind,
                problem,
            } => write!(f, "broken at entry {seq} ({kind}): {problem}"),
            ChainCheck::Broken {
                seq: None, problem, ..
            } => write!(f, "broken: {problem}"),
        }
    }
}
