//! What changed between two snapshots: accounts added, removed and changed.
//!
//! Both sides are read in key order (portal, tenant, id) straight off the accounts'
//! primary key, a chunk at a time, and merged: memory holds two chunks whatever the
//! snapshots' sizes. Only the key and a fingerprint of the compared fields are read for
//! the merge; full accounts are fetched for the entries that differ.
//!
//! A portal that failed in either snapshot is not compared (its accounts are unknown on
//! that side, and comparing would report them all as added or removed): it is listed in
//! [`DiffCounts::skipped`] instead.

use std::collections::{BTreeMap, VecDeque};

use rusqlite::Statement;
use serde::Serialize;

use crate::error::Result;
use crate::model::{Account, AccountKey, PortalOutcome, SnapshotId};
use crate::snapshot::{READ_ACCOUNT, read_account, read_snapshot};
use crate::store::Store;

/// How many keys each side reads per query.
const CHUNK: i64 = 8_192;

/// A field the diff compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The account status.
    Status,
    /// The role names.
    Roles,
    /// The group names.
    Groups,
    /// The last sign-in.
    LastLogin,
    /// The display name.
    Name,
}

impl Field {
    /// The field's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Status => "status",
            Field::Roles => "roles",
            Field::Groups => "groups",
            Field::LastLogin => "last_login",
            Field::Name => "name",
        }
    }
}

/// One changed field, old value to new, as display text (lists joined with `, `).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Which field.
    pub field: Field,
    /// Its value in the older snapshot.
    pub old: String,
    /// Its value in the newer snapshot.
    pub new: String,
}

/// One difference between two snapshots.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum DiffEntry {
    /// In the newer snapshot only.
    Added {
        /// The account.
        account: Account,
    },
    /// In the older snapshot only.
    Removed {
        /// The account.
        account: Account,
    },
    /// In both, with different compared fields.
    Changed {
        /// The account in the newer snapshot.
        account: Account,
        /// What changed.
        changes: Vec<FieldChange>,
    },
}

impl DiffEntry {
    /// The account's key.
    pub fn key(&self) -> AccountKey {
        match self {
            DiffEntry::Added { account }
            | DiffEntry::Removed { account }
            | DiffEntry::Changed { account, .. } => account.key(),
        }
    }
}

/// A portal left out of a diff, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedPortal {
    /// The portal.
    pub portal: String,
    /// Why it was not compared.
    pub reason: String,
}

/// The totals of a diff (complete once the iterator is exhausted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffCounts {
    /// Accounts added.
    pub added: u64,
    /// Accounts removed.
    pub removed: u64,
    /// Accounts changed.
    pub changed: u64,
    /// Accounts in both and unchanged.
    pub unchanged: u64,
    /// Portals not compared.
    pub skipped: Vec<SkippedPortal>,
}

/// The differences between two snapshots, in key order: an iterator of
/// `Result<DiffEntry>`, with running [`Diff::counts`].
#[derive(Debug)]
pub struct Diff<'s> {
    store: &'s Store,
    /// Reads one account by key, prepared once for every entry.
    lookup: Statement<'s>,
    /// Whether this diff opened the read transaction it runs in (ended on drop): one
    /// lock for the whole walk instead of one per query.
    owns_transaction: bool,
    from: SnapshotId,
    to: SnapshotId,
    portals: VecDeque<String>,
    old: Side,
    new: Side,
    counts: DiffCounts,
    failed: bool,
}

/// One snapshot's keys for the current portal, a chunk at a time.
#[derive(Debug, Default)]
struct Side {
    chunk: VecDeque<(String, String, i64)>,
    after: Option<(String, String)>,
    exhausted: bool,
}

impl Store {
    /// The differences from snapshot `from` to snapshot `to`, for the portals in `scope`
    /// (all when empty). See [`Store::last_two_snapshots`] for the default pair.
    pub fn diff(&self, from: SnapshotId, to: SnapshotId, scope: &[String]) -> Result<Diff<'_>> {
        let old = read_snapshot(&self.conn, from)?;
        let new = read_snapshot(&self.conn, to)?;
        let outcomes = |snapshot: &crate::model::Snapshot| -> BTreeMap<String, PortalOutcome> {
            snapshot
                .portals
                .iter()
                .filter(|p| scope.is_empty() || scope.contains(&p.run.portal))
                .map(|p| (p.run.portal.clone(), p.run.outcome.clone()))
                .collect()
        };
        let (old_portals, new_portals) = (outcomes(&old), outcomes(&new));
        let mut names: Vec<&String> = old_portals.keys().chain(new_portals.keys()).collect();
        names.sort();
        names.dedup();
        let mut counts = DiffCounts::default();
        let mut portals = VecDeque::new();
        for name in names {
            let failed = [(from, old_portals.get(name)), (to, new_portals.get(name))]
                .into_iter()
                .find_map(|(id, outcome)| match outcome {
                    Some(PortalOutcome::Failed(error)) => Some((id, error)),
                    _ => None,
                });
            match failed {
                Some((id, error)) => counts.skipped.push(SkippedPortal {
                    portal: name.clone(),
                    reason: format!("failed in snapshot {id}: {error}"),
                }),
                None => portals.push_back(name.clone()),
            }
        }
        let owns_transaction = self.conn.is_autocommit();
        if owns_transaction {
            self.conn.execute_batch("BEGIN DEFERRED")?;
        }
        Ok(Diff {
            owns_transaction,
            store: self,
            lookup: self.conn.prepare(READ_ACCOUNT)?,
            from,
            to,
            portals,
            old: Side::default(),
            new: Side::default(),
            counts,
            failed: false,
        })
    }
}

impl Diff<'_> {
    /// The counts so far: complete once the iterator returned `None`.
    pub fn counts(&self) -> &DiffCounts {
        &self.counts
    }

    /// Runs the diff to the end and returns its counts, calling `visit` on each entry.
    pub fn for_each(
        mut self,
        mut visit: impl FnMut(DiffEntry) -> Result<()>,
    ) -> Result<DiffCounts> {
        for entry in self.by_ref() {
            visit(entry?)?;
        }
        Ok(std::mem::take(&mut self.counts))
    }

    fn fill(&self, side: &mut Side, snapshot: SnapshotId, portal: &str) -> Result<()> {
        if !side.chunk.is_empty() || side.exhausted {
            return Ok(());
        }
        // Two statements, so that each chunk seeks the primary key instead of scanning
        // the portal's rows from the start.
        let mut statement;
        let mut rows = match &side.after {
            None => {
                statement = self.store.conn.prepare(
                    "SELECT tenant, account_id, fingerprint FROM accounts \
                     WHERE snapshot_id = ?1 AND portal = ?2 \
                     ORDER BY tenant, account_id LIMIT ?3",
                )?;
                statement.query(rusqlite::params![snapshot.0, portal, CHUNK])?
            }
            Some((tenant, id)) => {
                statement = self.store.conn.prepare(
                    "SELECT tenant, account_id, fingerprint FROM accounts \
                     WHERE snapshot_id = ?1 AND portal = ?2 AND (tenant, account_id) > (?3, ?4) \
                     ORDER BY tenant, account_id LIMIT ?5",
                )?;
                statement.query(rusqlite::params![snapshot.0, portal, tenant, id, CHUNK])?
            }
        };
        while let Some(row) = rows.next()? {
            side.chunk
                .push_back((row.get(0)?, row.get(1)?, row.get(2)?));
        }
        side.exhausted = i64::try_from(side.chunk.len()).unwrap_or(i64::MAX) < CHUNK;
        side.after = side.chunk.back().map(|(t, i, _)| (t.clone(), i.clone()));
        Ok(())
    }

    fn step(&mut self) -> Result<Option<DiffEntry>> {
        loop {
            let Some(portal) = self.portals.front().cloned() else {
                return Ok(None);
            };
            let (mut old, mut new) = (std::mem::take(&mut self.old), std::mem::take(&mut self.new));
            let filled = self
                .fill(&mut old, self.from, &portal)
                .and_then(|()| self.fill(&mut new, self.to, &portal));
            self.old = old;
            self.new = new;
            filled?;
            let key = |tenant: &str, id: &str| {
                AccountKey::new(portal.clone(), (!tenant.is_empty()).then_some(tenant), id)
            };
            let order = match (self.old.chunk.front(), self.new.chunk.front()) {
                (None, None) => {
                    self.portals.pop_front();
                    self.old = Side::default();
                    self.new = Side::default();
                    continue;
                }
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some((ot, oi, _)), Some((nt, ni, _))) => (ot, oi).cmp(&(nt, ni)),
            };
            match order {
                std::cmp::Ordering::Less => {
                    let (tenant, id, _) = self.old.chunk.pop_front().expect("front exists");
                    self.counts.removed += 1;
                    let account = self.fetch(self.from, &key(&tenant, &id))?;
                    return Ok(Some(DiffEntry::Removed { account }));
                }
                std::cmp::Ordering::Greater => {
                    let (tenant, id, _) = self.new.chunk.pop_front().expect("front exists");
                    self.counts.added += 1;
                    let account = self.fetch(self.to, &key(&tenant, &id))?;
                    return Ok(Some(DiffEntry::Added { account }));
                }
                std::cmp::Ordering::Equal => {
                    let (_, _, old_print) = self.old.chunk.pop_front().expect("front exists");
                    let (tenant, id, new_print) = self.new.chunk.pop_front().expect("front exists");
                    if old_print == new_print {
                        self.counts.unchanged += 1;
                        continue;
                    }
                    let key = key(&tenant, &id);
                    let before = self.fetch(self.from, &key)?;
                    let account = self.fetch(self.to, &key)?;
                    let changes = changes(&before, &account);
                    if changes.is_empty() {
                        self.counts.unchanged += 1;
                        continue;
                    }
                    self.counts.changed += 1;
                    return Ok(Some(DiffEntry::Changed { account, changes }));
                }
            }
        }
    }

    fn fetch(&mut self, snapshot: SnapshotId, key: &AccountKey) -> Result<Account> {
        read_account(&mut self.lookup, snapshot, key)?.ok_or_else(|| {
            crate::Error::Corrupt(format!("account {key} vanished from snapshot {snapshot}"))
        })
    }
}

impl Drop for Diff<'_> {
    fn drop(&mut self) {
        if self.owns_transaction {
            // Only reads happened; ending the transaction can not lose anything.
            let _ = self.store.conn.execute_batch("COMMIT");
        }
    }
}

impl Iterator for Diff<'_> {
    type Item = Result<DiffEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let step = self.step();
        self.failed = step.is_err();
        step.transpose()
    }
}

/// The compared fields that differ between `old` and `new`.
pub(crate) fn changes(old: &Account, new: &Account) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut compare = |field, old: String, new: String| {
        if old != new {
            changes.push(FieldChange { field, old, new });
        }
    };
    compare(Field::Status, old.status.clone(), new.status.clone());
    compare(Field::Roles, old.roles.join(", "), new.roles.join(", "));
    compare(Field::Groups, old.groups.join(", "), new.groups.join(", "));
    compare(
        Field::LastLogin,
        old.last_login.to_text(),
        new.last_login.to_text(),
    );
    compare(
        Field::Name,
        old.name.clone().unwrap_or_default(),
        new.name.clone().unwrap_or_default(),
    );
    changes
}
