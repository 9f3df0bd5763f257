//! Recording snapshots (streaming, one transaction) and reading them back.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, Row, Statement, params};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{
    Account, AccountKey, LastLogin, PortalOutcome, PortalRun, RecordedPortal, Snapshot, SnapshotId,
    format_time, parse_time,
};
use crate::store::Store;

/// The account columns in the order [`account_from_row`] reads them, as a literal.
macro_rules! account_columns {
    () => {
        "portal, tenant, account_id, vendor, email, name, status, last_login, roles_json, \
         groups_json, created_at, provisioned_by, extra"
    };
}

/// The account columns in the order [`account_from_row`] reads them.
pub(crate) const ACCOUNT_COLUMNS: &str = account_columns!();

/// Records one snapshot: accounts one at a time, then each portal's run, then
/// [`SnapshotWriter::finish`].
///
/// Everything goes through one prepared statement inside one transaction, so memory
/// stays flat whatever the number of accounts, and the snapshot appears whole or not at
/// all: dropping the writer without `finish` (an error, a panic) discards it.
#[derive(Debug)]
pub struct SnapshotWriter<'s> {
    conn: &'s Connection,
    insert: Statement<'s>,
    id: SnapshotId,
    returned: BTreeMap<String, u64>,
    runs: Vec<PortalRun>,
    recorded: BTreeSet<String>,
    finished: bool,
    roles: String,
    groups: String,
}

impl Store {
    /// Starts recording a snapshot, with an optional note.
    pub fn begin_snapshot(&mut self, note: Option<&str>) -> Result<SnapshotWriter<'_>> {
        let conn = &self.conn;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let started = (|| -> Result<SnapshotWriter<'_>> {
            let now = format_time(Utc::now());
            conn.execute(
                "INSERT INTO snapshots (taken_at, finished_at, note) VALUES (?1, ?1, ?2)",
                params![now, note],
            )?;
            let id = SnapshotId(conn.last_insert_rowid());
            let insert = conn.prepare(
                "INSERT INTO accounts (snapshot_id, portal, tenant, account_id, vendor, email, \
                 name, status, last_login, roles_json, groups_json, created_at, provisioned_by, \
                 extra, fingerprint) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            Ok(SnapshotWriter {
                conn,
                insert,
                id,
                returned: BTreeMap::new(),
                runs: Vec::new(),
                recorded: BTreeSet::new(),
                finished: false,
                roles: String::new(),
                groups: String::new(),
            })
        })();
        if started.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        started
    }

    /// Every snapshot, oldest first.
    pub fn snapshots(&self) -> Result<Vec<Snapshot>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM snapshots ORDER BY id")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        ids.into_iter()
            .map(|id| read_snapshot(&self.conn, SnapshotId(id)))
            .collect()
    }

    /// One snapshot with its portals' provenance.
    pub fn snapshot(&self, id: SnapshotId) -> Result<Snapshot> {
        read_snapshot(&self.conn, id)
    }

    /// The two most recent snapshots, older first: the default pair to diff.
    pub fn last_two_snapshots(&self) -> Result<(SnapshotId, SnapshotId)> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM snapshots ORDER BY id DESC LIMIT 2")?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        match ids[..] {
            [newer, older] => Ok((SnapshotId(older), SnapshotId(newer))),
            _ => Err(Error::NotEnoughSnapshots(ids.len())),
        }
    }

    /// Calls `visit` with each account of `snapshot` in the portals of `scope` (all when
    /// empty), ordered by portal, tenant and id; stops at the first error `visit` returns.
    pub fn for_each_account(
        &self,
        snapshot: SnapshotId,
        scope: &[String],
        mut visit: impl FnMut(Account) -> Result<()>,
    ) -> Result<()> {
        read_snapshot(&self.conn, snapshot)?;
        let mut statement = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE snapshot_id = ?1 \
             AND (?2 = '[]' OR portal IN (SELECT value FROM json_each(?2))) \
             ORDER BY portal, tenant, account_id"
        ))?;
        let scope_json = serde_json::to_string(scope).expect("strings serialize");
        let mut rows = statement.query(params![snapshot.0, scope_json])?;
        while let Some(row) = rows.next()? {
            visit(account_from_row(row)?)?;
        }
        Ok(())
    }

    /// One account of a snapshot, if it is there.
    pub fn account(&self, snapshot: SnapshotId, key: &AccountKey) -> Result<Option<Account>> {
        read_account(&mut self.conn.prepare(READ_ACCOUNT)?, snapshot, key)
    }
}

impl SnapshotWriter<'_> {
    /// The id the snapshot will have.
    pub fn id(&self) -> SnapshotId {
        self.id
    }

    /// Records one account. Its portal's run must be recorded before
    /// [`SnapshotWriter::finish`].
    pub fn add_account(&mut self, account: &Account) -> Result<()> {
        validate_account(account)?;
        sorted_json(&account.roles, &mut self.roles);
        sorted_json(&account.groups, &mut self.groups);
        let last_login = account.last_login.to_text();
        let fingerprint = fingerprint(
            account.name.as_deref(),
            &account.status,
            &last_login,
            &self.roles,
            &self.groups,
        );
        let extra = (!account.extra.is_null()).then(|| account.extra.to_string());
        let inserted = self.insert.execute(params![
            self.id.0,
            account.portal,
            account.tenant.as_deref().unwrap_or(""),
            account.id,
            account.vendor,
            account.email,
            account.name,
            account.status,
            last_login,
            self.roles,
            self.groups,
            account.created_at.map(format_time),
            account.provisioned_by,
            extra,
            fingerprint,
        ]);
        match inserted {
            Ok(_) => {}
            Err(err) if is_unique_violation(&err) => {
                return Err(Error::DuplicateAccount(account.key()));
            }
            Err(err) => return Err(err.into()),
        }
        *self.returned.entry(account.portal.clone()).or_default() += 1;
        Ok(())
    }

    /// Records how listing one portal went. A failed portal is recorded as failed, with
    /// whatever accounts it returned before failing, never as a portal without users.
    pub fn record_portal(&mut self, run: PortalRun) -> Result<()> {
        if run.portal.is_empty() {
            return Err(invalid("portal", "must not be empty"));
        }
        if run.vendor.is_empty() {
            return Err(invalid("vendor", "must not be empty"));
        }
        if run.finished_at < run.started_at {
            return Err(invalid("finished_at", "is before started_at"));
        }
        if let PortalOutcome::Failed(error) = &run.outcome
            && error.trim().is_empty()
        {
            return Err(invalid("outcome", "a failed portal needs its error text"));
        }
        if !self.recorded.insert(run.portal.clone()) {
            return Err(Error::DuplicatePortal(run.portal));
        }
        self.runs.push(run);
        Ok(())
    }

    /// Commits the snapshot and returns it as stored.
    pub fn finish(mut self) -> Result<Snapshot> {
        if let Some(portal) = self
            .returned
            .keys()
            .find(|portal| !self.recorded.contains(*portal))
        {
            return Err(Error::PortalNotRecorded(portal.clone()));
        }
        let mut insert = self.conn.prepare(
            "INSERT INTO portal_runs (snapshot_id, portal, vendor, scope, started_at, \
             finished_at, endpoints, reported, returned, error) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for run in &self.runs {
            let error = match &run.outcome {
                PortalOutcome::Ok => None,
                PortalOutcome::Failed(error) => Some(error.as_str()),
            };
            insert.execute(params![
                self.id.0,
                run.portal,
                run.vendor,
                run.scope,
                format_time(run.started_at),
                format_time(run.finished_at),
                serde_json::to_string(&run.endpoints).expect("strings serialize"),
                run.reported.map(to_i64),
                to_i64(self.returned.get(&run.portal).copied().unwrap_or(0)),
                error,
            ])?;
        }
        drop(insert);
        self.conn.execute(
            "UPDATE snapshots SET finished_at = ?1 WHERE id = ?2",
            params![format_time(Utc::now()), self.id.0],
        )?;
        self.conn.execute_batch("COMMIT")?;
        self.finished = true;
        read_snapshot(self.conn, self.id)
    }
}

impl Drop for SnapshotWriter<'_> {
    fn drop(&mut self) {
        if !self.finished {
            // Nothing of an unfinished snapshot is kept.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

fn validate_account(account: &Account) -> Result<()> {
    if account.portal.is_empty() {
        return Err(invalid("portal", "must not be empty"));
    }
    if account.id.is_empty() {
        return Err(invalid(
            "id",
            format!("must not be empty (portal {:?})", account.portal),
        ));
    }
    if account.tenant.as_deref() == Some("") {
        return Err(invalid(
            "tenant",
            format!("must be None rather than empty (account {})", account.key()),
        ));
    }
    if account.status.is_empty() {
        return Err(invalid(
            "status",
            format!("must not be empty (account {})", account.key()),
        ));
    }
    Ok(())
}

pub(crate) fn invalid(field: &'static str, reason: impl Into<String>) -> Error {
    Error::InvalidInput {
        field,
        reason: reason.into(),
    }
}

fn is_unique_violation(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(failure, _)
            if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// Writes `names` sorted and without duplicates as a JSON array into `out`.
fn sorted_json(names: &[String], out: &mut String) {
    out.clear();
    let serialize = |names: &[&String], out: &mut String| {
        *out = serde_json::to_string(names).expect("strings serialize");
    };
    if names.is_sorted_by(|a, b| a < b) {
        serialize(&names.iter().collect::<Vec<_>>(), out);
    } else {
        let mut sorted: Vec<&String> = names.iter().collect();
        sorted.sort();
        sorted.dedup();
        serialize(&sorted, out);
    }
}

/// 64 bits of the SHA-256 of the fields a diff compares: equal fingerprints mean an
/// unchanged account (a chance collision is 1 in 2^64 per account).
pub(crate) fn fingerprint(
    name: Option<&str>,
    status: &str,
    last_login: &str,
    roles_json: &str,
    groups_json: &str,
) -> i64 {
    let mut hasher = Sha256::new();
    match name {
        Some(name) => {
            hasher.update(b"+");
            hasher.update(name.as_bytes());
        }
        None => hasher.update(b"-"),
    }
    for field in [status, last_login, roles_json, groups_json] {
        hasher.update(b"\x1f");
        hasher.update(field.as_bytes());
    }
    let digest = hasher.finalize();
    i64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

pub(crate) fn to_i64(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

fn to_u64(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

pub(crate) fn read_snapshot(conn: &Connection, id: SnapshotId) -> Result<Snapshot> {
    let head = conn
        .query_row(
            "SELECT taken_at, finished_at, note FROM snapshots WHERE id = ?1",
            [id.0],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .optional()?
        .ok_or(Error::UnknownSnapshot(id))?;
    let mut statement = conn.prepare(
        "SELECT portal, vendor, scope, started_at, finished_at, endpoints, reported, returned, \
         error FROM portal_runs WHERE snapshot_id = ?1 ORDER BY portal",
    )?;
    let mut rows = statement.query([id.0])?;
    let mut portals = Vec::new();
    while let Some(row) = rows.next()? {
        let endpoints: String = row.get(5)?;
        portals.push(RecordedPortal {
            run: PortalRun {
                portal: row.get(0)?,
                vendor: row.get(1)?,
                scope: row.get(2)?,
                started_at: time(&row.get::<_, String>(3)?)?,
                finished_at: time(&row.get::<_, String>(4)?)?,
                endpoints: serde_json::from_str(&endpoints)
                    .map_err(|err| Error::Corrupt(format!("portal endpoints: {err}")))?,
                reported: row.get::<_, Option<i64>>(6)?.map(to_u64),
                outcome: match row.get::<_, Option<String>>(8)? {
                    None => PortalOutcome::Ok,
                    Some(error) => PortalOutcome::Failed(error),
                },
            },
            returned: to_u64(row.get(7)?),
        });
    }
    Ok(Snapshot {
        id,
        taken_at: time(&head.0)?,
        finished_at: time(&head.1)?,
        note: head.2,
        portals,
    })
}

/// The statement [`read_account`] runs: one account of a snapshot by key.
pub(crate) const READ_ACCOUNT: &str = concat!(
    "SELECT ",
    account_columns!(),
    " FROM accounts WHERE snapshot_id = ?1 AND portal = ?2 AND tenant = ?3 AND account_id = ?4"
);

/// One account of `snapshot` through `statement`, prepared from [`READ_ACCOUNT`].
pub(crate) fn read_account(
    statement: &mut Statement<'_>,
    snapshot: SnapshotId,
    key: &AccountKey,
) -> Result<Option<Account>> {
    let mut rows = statement.query(params![
        snapshot.0,
        key.portal,
        key.tenant.as_deref().unwrap_or(""),
        key.id
    ])?;
    rows.next()?.map(account_from_row).transpose()
}

pub(crate) fn account_from_row(row: &Row<'_>) -> Result<Account> {
    let tenant: String = row.get(1)?;
    let last_login: String = row.get(7)?;
    let roles: String = row.get(8)?;
    let groups: String = row.get(9)?;
    let created_at: Option<String> = row.get(10)?;
    let extra: Option<String> = row.get(12)?;
    let corrupt = |what: &str| Error::Corrupt(format!("account {what} can not be read"));
    Ok(Account {
        portal: row.get(0)?,
        tenant: (!tenant.is_empty()).then_some(tenant),
        id: row.get(2)?,
        vendor: row.get(3)?,
        email: row.get(4)?,
        name: row.get(5)?,
        status: row.get(6)?,
        last_login: LastLogin::from_text(&last_login).ok_or_else(|| corrupt("last_login"))?,
        roles: serde_json::from_str(&roles).map_err(|_| corrupt("roles"))?,
        groups: serde_json::from_str(&groups).map_err(|_| corrupt("groups"))?,
        created_at: created_at.as_deref().map(time).transpose()?,
        provisioned_by: row.get(11)?,
        extra: match extra {
            Some(extra) => serde_json::from_str(&extra).map_err(|_| corrupt("extra"))?,
            None => serde_json::Value::Null,
        },
    })
}

pub(crate) fn time(text: &str) -> Result<chrono::DateTime<Utc>> {
    parse_time(text).ok_or_else(|| Error::Corrupt(format!("time {text:?} can not be read")))
}
