//! Reviews: opened on a snapshot with a scope and a reviewer, decided account by account,
//! revocations linked to applied actions, signed, then immutable.
//!
//! Decisions: an exception needs a reason and an expiry date after today; keep and revoke
//! take an optional reason and no expiry. A decision may be changed until the review is
//! signed, except a revocation already applied. Applied revocations are recorded before
//! signing (plan, apply, record, sign): after signing every write is refused.

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::{self, EventKind, ReviewEvent};
use crate::error::{Error, Result};
use crate::model::{
    Account, AccountKey, Applied, Decision, DecisionRecord, PortalOutcome, Review, ReviewId,
    Signature, SnapshotId, Verdict, format_time,
};
use crate::snapshot::{ACCOUNT_COLUMNS, account_from_row, invalid, read_snapshot, time};
use crate::store::Store;

/// The data of an `opened` event.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Opened {
    pub(crate) snapshot: i64,
    pub(crate) scope: Vec<String>,
    pub(crate) reviewer: String,
    pub(crate) accounts: u64,
    pub(crate) accounts_digest: String,
}

/// The data of a `decided` event.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Decided {
    pub(crate) account: AccountKey,
    pub(crate) verdict: Verdict,
    pub(crate) reason: Option<String>,
    pub(crate) expires_on: Option<NaiveDate>,
}

/// The data of an `applied` event.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct AppliedData {
    pub(crate) account: AccountKey,
    pub(crate) reference: String,
}

/// The data of a `signed` event.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Signed {
    pub(crate) reviewer: String,
    pub(crate) decided: u64,
}

/// The stored row of a review, before counting.
#[derive(Debug)]
pub(crate) struct ReviewRow {
    pub(crate) snapshot: SnapshotId,
    pub(crate) scope: Vec<String>,
    pub(crate) reviewer: String,
    pub(crate) opened_at: DateTime<Utc>,
    pub(crate) signed: Option<Signature>,
}

impl Store {
    /// Opens a review of `snapshot` for the portals in `scope` (every portal of the
    /// snapshot when empty), by `reviewer`.
    ///
    /// Refused when a portal in scope is not in the snapshot or failed there (its
    /// accounts are unknown, so they can not be reviewed).
    pub fn start_review(
        &mut self,
        snapshot: SnapshotId,
        scope: &[String],
        reviewer: &str,
    ) -> Result<ReviewId> {
        let reviewer = reviewer.trim();
        if reviewer.is_empty() {
            return Err(invalid("reviewer", "must not be empty"));
        }
        let recorded = read_snapshot(&self.conn, snapshot)?;
        let scope: Vec<String> = if scope.is_empty() {
            recorded
                .portals
                .iter()
                .map(|p| p.run.portal.clone())
                .collect()
        } else {
            scope
                .iter()
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        if scope.is_empty() {
            return Err(invalid(
                "scope",
                format!("snapshot {snapshot} has no portals"),
            ));
        }
        for portal in &scope {
            let run = recorded
                .portals
                .iter()
                .find(|p| &p.run.portal == portal)
                .ok_or_else(|| Error::UnknownPortal {
                    snapshot,
                    portal: portal.clone(),
                })?;
            if let PortalOutcome::Failed(error) = &run.run.outcome {
                return Err(Error::PortalFailed {
                    snapshot,
                    portal: portal.clone(),
                    error: error.clone(),
                });
            }
        }
        let now = Utc::now();
        self.write(|conn| {
            conn.execute(
                "INSERT INTO reviews (snapshot_id, scope_json, reviewer, opened_at) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![snapshot.0, scope_json(&scope), reviewer, format_time(now)],
            )?;
            let id = ReviewId(conn.last_insert_rowid());
            let (accounts, accounts_digest) = accounts_digest(conn, snapshot, &scope)?;
            chain::append(
                conn,
                id,
                EventKind::Opened,
                now,
                Opened {
                    snapshot: snapshot.0,
                    scope: scope.clone(),
                    reviewer: reviewer.to_owned(),
                    accounts,
                    accounts_digest,
                },
            )?;
            Ok(id)
        })
    }

    /// One review with its progress.
    pub fn review(&self, id: ReviewId) -> Result<Review> {
        let row = review_row(&self.conn, id)?;
        let accounts = count_in_scope(&self.conn, row.snapshot, &row.scope)?;
        let decided: i64 = self.conn.query_row(
            "SELECT count(*) FROM decisions WHERE review_id = ?1",
            [id.0],
            |r| r.get(0),
        )?;
        Ok(Review {
            id,
            snapshot: row.snapshot,
            scope: row.scope,
            reviewer: row.reviewer,
            opened_at: row.opened_at,
            accounts,
            decided: u64::try_from(decided).unwrap_or(0),
            signed: row.signed,
        })
    }

    /// Every review, oldest first.
    pub fn reviews(&self) -> Result<Vec<Review>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM reviews ORDER BY id")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|id| self.review(ReviewId(id)))
            .collect()
    }

    /// The latest review before `id` on an older snapshot: the baseline of "what changed
    /// since the last review".
    pub fn previous_review(&self, id: ReviewId) -> Result<Option<Review>> {
        let row = review_row(&self.conn, id)?;
        let previous: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM reviews WHERE id < ?1 AND snapshot_id < ?2 \
                 ORDER BY id DESC LIMIT 1",
                params![id.0, row.snapshot.0],
                |r| r.get(0),
            )
            .optional()?;
        previous.map(|p| self.review(ReviewId(p))).transpose()
    }

    /// Records decisions, all or none: each account must be in the review's snapshot and
    /// scope.
    pub fn decide(&mut self, review: ReviewId, decisions: &[Decision]) -> Result<()> {
        let row = open_review(&self.conn, review)?;
        let today = Utc::now().date_naive();
        for decision in decisions {
            validate_decision(decision, today)?;
        }
        let now = Utc::now();
        self.write(|conn| {
            for decision in decisions {
                let key = &decision.account;
                if !row.scope.contains(&key.portal) || !account_exists(conn, row.snapshot, key)? {
                    return Err(Error::AccountNotInReview {
                        review,
                        snapshot: row.snapshot,
                        account: key.clone(),
                    });
                }
                if let Some(applied) = applied_ref(conn, review, key)? {
                    return Err(invalid(
                        "account",
                        format!(
                            "{key}: its revocation was applied ({applied}); the decision stays"
                        ),
                    ));
                }
                conn.execute(
                    "INSERT OR REPLACE INTO decisions (review_id, portal, tenant, account_id, \
                     verdict, reason, expires_on, decided_at) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        review.0,
                        key.portal,
                        key.tenant.as_deref().unwrap_or(""),
                        key.id,
                        decision.verdict.as_str(),
                        decision.reason,
                        decision.expires_on.map(|d| d.to_string()),
                        format_time(now),
                    ],
                )?;
                chain::append(
                    conn,
                    review,
                    EventKind::Decided,
                    now,
                    Decided {
                        account: key.clone(),
                        verdict: decision.verdict,
                        reason: decision.reason.clone(),
                        expires_on: decision.expires_on,
                    },
                )?;
            }
            Ok(())
        })
    }

    /// Links a revocation to the action that carried it out (`reference`: e.g. the
    /// journal entry of the applied plan step).
    pub fn record_applied(
        &mut self,
        review: ReviewId,
        account: &AccountKey,
        reference: &str,
    ) -> Result<()> {
        open_review(&self.conn, review)?;
        if reference.trim().is_empty() {
            return Err(invalid("reference", "must not be empty"));
        }
        let now = Utc::now();
        self.write(|conn| {
            let verdict: Option<String> = conn
                .query_row(
                    "SELECT verdict FROM decisions WHERE review_id = ?1 AND portal = ?2 \
                     AND tenant = ?3 AND account_id = ?4",
                    key_params(review, account),
                    |r| r.get(0),
                )
                .optional()?;
            if verdict.as_deref() != Some(Verdict::Revoke.as_str()) {
                return Err(Error::NotRevoked {
                    review,
                    account: account.clone(),
                });
            }
            conn.execute(
                "UPDATE decisions SET applied_ref = ?5, applied_at = ?6 WHERE review_id = ?1 \
                 AND portal = ?2 AND tenant = ?3 AND account_id = ?4",
                params![
                    review.0,
                    account.portal,
                    account.tenant.as_deref().unwrap_or(""),
                    account.id,
                    reference,
                    format_time(now)
                ],
            )?;
            chain::append(
                conn,
                review,
                EventKind::Applied,
                now,
                AppliedData {
                    account: account.clone(),
                    reference: reference.to_owned(),
                },
            )?;
            Ok(())
        })
    }

    /// Signs the review: refused while accounts are undecided, or when the reviewer
    /// provisioned (or invited) an account in scope. Afterwards the review is immutable.
    pub fn sign(&mut self, review: ReviewId) -> Result<Signature> {
        let row = review_row(&self.conn, review)?;
        if row.signed.is_some() {
            return Err(Error::AlreadySigned(review));
        }
        let progress = self.review(review)?;
        let undecided = progress.accounts.saturating_sub(progress.decided);
        if undecided > 0 {
            return Err(Error::Undecided { review, undecided });
        }
        let (count, example) = provisioned_by(&self.conn, &row)?;
        if let Some(example) = example {
            return Err(Error::ReviewerProvisioned {
                review,
                reviewer: row.reviewer,
                count,
                example,
            });
        }
        let now = Utc::now();
        self.write(|conn| {
            let head = chain::append(
                conn,
                review,
                EventKind::Signed,
                now,
                Signed {
                    reviewer: row.reviewer.clone(),
                    decided: progress.decided,
                },
            )?;
            conn.execute(
                "UPDATE reviews SET signed_at = ?2, signature = ?3 WHERE id = ?1",
                params![review.0, format_time(now), head],
            )?;
            Ok(Signature { at: now, head })
        })
    }

    /// Every decision of a review, ordered by account.
    pub fn decisions(&self, review: ReviewId) -> Result<Vec<DecisionRecord>> {
        review_row(&self.conn, review)?;
        let mut statement = self.conn.prepare(
            "SELECT portal, tenant, account_id, verdict, reason, expires_on, decided_at, \
             applied_ref, applied_at FROM decisions WHERE review_id = ?1 \
             ORDER BY portal, tenant, account_id",
        )?;
        let mut rows = statement.query([review.0])?;
        let mut decisions = Vec::new();
        while let Some(row) = rows.next()? {
            decisions.push(decision_from_row(row, 0)?);
        }
        Ok(decisions)
    }

    /// Calls `visit` with each account in the review's scope and its decision, if any,
    /// ordered by portal, tenant and id.
    pub fn for_each_review_account(
        &self,
        review: ReviewId,
        mut visit: impl FnMut(Account, Option<DecisionRecord>) -> Result<()>,
    ) -> Result<()> {
        let row = review_row(&self.conn, review)?;
        let columns = ACCOUNT_COLUMNS
            .split(", ")
            .map(|column| format!("a.{column}"))
            .collect::<Vec<_>>()
            .join(", ");
        let mut statement = self.conn.prepare(&format!(
            "SELECT {columns}, d.portal, d.tenant, d.account_id, d.verdict, d.reason, \
             d.expires_on, d.decided_at, d.applied_ref, d.applied_at \
             FROM accounts a LEFT JOIN decisions d ON d.review_id = ?3 AND d.portal = a.portal \
             AND d.tenant = a.tenant AND d.account_id = a.account_id \
             WHERE a.snapshot_id = ?1 AND a.portal IN (SELECT value FROM json_each(?2)) \
             ORDER BY a.portal, a.tenant, a.account_id"
        ))?;
        let mut rows =
            statement.query(params![row.snapshot.0, scope_json(&row.scope), review.0])?;
        while let Some(r) = rows.next()? {
            let account = account_from_row(r)?;
            let decision = match r.get::<_, Option<String>>(13)? {
                Some(_) => Some(decision_from_row(r, 13)?),
                None => None,
            };
            visit(account, decision)?;
        }
        Ok(())
    }

    /// The review's event chain, in order.
    pub fn events(&self, review: ReviewId) -> Result<Vec<ReviewEvent>> {
        review_row(&self.conn, review)?;
        chain::events(&self.conn, review)
    }
}

fn validate_decision(decision: &Decision, today: NaiveDate) -> Result<()> {
    let key = &decision.account;
    if decision
        .reason
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        return Err(invalid("reason", format!("{key}: must not be blank")));
    }
    match decision.verdict {
        Verdict::Exception => {
            if decision.reason.is_none() {
                return Err(invalid(
                    "reason",
                    format!("{key}: an exception needs a reason"),
                ));
            }
            match decision.expires_on {
                None => {
                    return Err(invalid(
                        "expires_on",
                        format!("{key}: an exception needs an expiry date"),
                    ));
                }
                Some(date) if date <= today => {
                    return Err(invalid(
                        "expires_on",
                        format!("{key}: {date} is not after today ({today})"),
                    ));
                }
                Some(_) => {}
            }
        }
        Verdict::Keep | Verdict::Revoke => {
            if decision.expires_on.is_some() {
                return Err(invalid(
                    "expires_on",
                    format!("{key}: only an exception expires"),
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn scope_json(scope: &[String]) -> String {
    serde_json::to_string(scope).expect("strings serialize")
}

pub(crate) fn review_row(conn: &Connection, id: ReviewId) -> Result<ReviewRow> {
    let row = conn
        .query_row(
            "SELECT snapshot_id, scope_json, reviewer, opened_at, signed_at, signature \
             FROM reviews WHERE id = ?1",
            [id.0],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            },
        )
        .optional()?
        .ok_or(Error::UnknownReview(id))?;
    let signed = match (row.4, row.5) {
        (Some(at), Some(head)) => Some(Signature {
            at: time(&at)?,
            head,
        }),
        _ => None,
    };
    Ok(ReviewRow {
        snapshot: SnapshotId(row.0),
        scope: serde_json::from_str(&row.1)
            .map_err(|err| Error::Corrupt(format!("review {id} scope: {err}")))?,
        reviewer: row.2,
        opened_at: time(&row.3)?,
        signed,
    })
}

/// The review's row, refused once signed.
fn open_review(conn: &Connection, id: ReviewId) -> Result<ReviewRow> {
    let row = review_row(conn, id)?;
    if row.signed.is_some() {
        return Err(Error::ReviewSigned(id));
    }
    Ok(row)
}

fn count_in_scope(conn: &Connection, snapshot: SnapshotId, scope: &[String]) -> Result<u64> {
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM accounts WHERE snapshot_id = ?1 \
         AND portal IN (SELECT value FROM json_each(?2))",
        params![snapshot.0, scope_json(scope)],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(count).unwrap_or(0))
}

fn key_params(review: ReviewId, key: &AccountKey) -> (i64, &str, &str, &str) {
    (
        review.0,
        key.portal.as_str(),
        key.tenant.as_deref().unwrap_or(""),
        key.id.as_str(),
    )
}

fn account_exists(conn: &Connection, snapshot: SnapshotId, key: &AccountKey) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM accounts WHERE snapshot_id = ?1 AND portal = ?2 AND tenant = ?3 \
             AND account_id = ?4",
            (
                snapshot.0,
                key.portal.as_str(),
                key.tenant.as_deref().unwrap_or(""),
                key.id.as_str(),
            ),
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

fn applied_ref(conn: &Connection, review: ReviewId, key: &AccountKey) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT applied_ref FROM decisions WHERE review_id = ?1 AND portal = ?2 \
             AND tenant = ?3 AND account_id = ?4",
            key_params(review, key),
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?
        .flatten())
}

/// How many accounts in scope the reviewer provisioned, and the first of them.
fn provisioned_by(conn: &Connection, row: &ReviewRow) -> Result<(u64, Option<AccountKey>)> {
    let mut statement = conn.prepare(
        "SELECT portal, tenant, account_id, count(*) OVER () FROM accounts \
         WHERE snapshot_id = ?1 AND portal IN (SELECT value FROM json_each(?2)) \
         AND lower(trim(provisioned_by)) = lower(?3) \
         ORDER BY portal, tenant, account_id LIMIT 1",
    )?;
    let found = statement
        .query_row(
            params![row.snapshot.0, scope_json(&row.scope), row.reviewer],
            |r| {
                let tenant: String = r.get(1)?;
                Ok((
                    AccountKey::new(
                        r.get::<_, String>(0)?,
                        (!tenant.is_empty()).then_some(tenant.as_str()),
                        r.get::<_, String>(2)?,
                    ),
                    r.get::<_, i64>(3)?,
                ))
            },
        )
        .optional()?;
    Ok(match found {
        Some((key, count)) => (u64::try_from(count).unwrap_or(0), Some(key)),
        None => (0, None),
    })
}

/// How many accounts are in scope and the SHA-256 over all their stored columns, in key
/// order: sealed in the `opened` event, so editing a reviewed account is detected.
pub(crate) fn accounts_digest(
    conn: &Connection,
    snapshot: SnapshotId,
    scope: &[String],
) -> Result<(u64, String)> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE snapshot_id = ?1 \
         AND portal IN (SELECT value FROM json_each(?2)) ORDER BY portal, tenant, account_id"
    ))?;
    let columns = statement.column_count();
    let mut rows = statement.query(params![snapshot.0, scope_json(scope)])?;
    let mut hasher = Sha256::new();
    let mut count = 0_u64;
    while let Some(row) = rows.next()? {
        for column in 0..columns {
            match row.get_ref(column)? {
                rusqlite::types::ValueRef::Null => hasher.update(b"\x00"),
                rusqlite::types::ValueRef::Integer(value) => {
                    hasher.update(b"i");
                    hasher.update(value.to_le_bytes());
                }
                rusqlite::types::ValueRef::Real(value) => {
                    hasher.update(b"r");
                    hasher.update(value.to_le_bytes());
                }
                rusqlite::types::ValueRef::Text(bytes) | rusqlite::types::ValueRef::Blob(bytes) => {
                    hasher.update(b"t");
                    hasher.update(bytes);
                }
            }
            hasher.update(b"\x1f");
        }
        hasher.update(b"\x1e");
        count += 1;
    }
    Ok((count, chain::hex(&hasher.finalize())))
}

/// A decision read from nine columns starting at `first` (portal, tenant, account id,
/// verdict, reason, expiry, decided at, applied reference, applied at).
fn decision_from_row(row: &rusqlite::Row<'_>, first: usize) -> Result<DecisionRecord> {
    let tenant: String = row.get(first + 1)?;
    let verdict: String = row.get(first + 3)?;
    let expires_on: Option<String> = row.get(first + 5)?;
    let applied_ref: Option<String> = row.get(first + 7)?;
    let applied_at: Option<String> = row.get(first + 8)?;
    let corrupt = |what: &str| Error::Corrupt(format!("decision {what} can not be read"));
    Ok(DecisionRecord {
        decision: Decision {
            account: AccountKey::new(
                row.get::<_, String>(first)?,
                (!tenant.is_empty()).then_some(tenant.as_str()),
                row.get::<_, String>(first + 2)?,
            ),
            verdict: Verdict::parse(&verdict).ok_or_else(|| corrupt("verdict"))?,
            reason: row.get(first + 4)?,
            expires_on: expires_on
                .map(|d| d.parse::<NaiveDate>().map_err(|_| corrupt("expiry")))
                .transpose()?,
        },
        decided_at: time(&row.get::<_, String>(first + 6)?)?,
        applied: match (applied_ref, applied_at) {
            (Some(reference), Some(at)) => Some(Applied {
                reference,
                at: time(&at)?,
            }),
            _ => None,
        },
    })
}
