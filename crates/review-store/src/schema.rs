//! The database schema and its versioned migrations (`PRAGMA user_version`).
//!
//! Version `n` is reached by running `MIGRATIONS[n - 1]` on version `n - 1`; a new file
//! starts at 0 and runs them all. Every migration of one open runs in one transaction.
//! Shipped migrations are never edited: a change is a new entry.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

/// The schema version this crate writes.
#[expect(
    clippy::cast_possible_wrap,
    reason = "the number of migrations is far below i64::MAX"
)]
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Version 1: snapshots with per-portal provenance, accounts, reviews, decisions and the
/// review event chain.
const V1: &str = "
CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY,
    taken_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    note TEXT
);
CREATE TABLE portal_runs (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    portal TEXT NOT NULL,
    vendor TEXT NOT NULL,
    scope TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    endpoints TEXT NOT NULL,
    reported INTEGER,
    returned INTEGER NOT NULL,
    error TEXT,
    PRIMARY KEY (snapshot_id, portal)
) WITHOUT ROWID;
CREATE TABLE accounts (
    snapshot_id INTEGER NOT NULL,
    portal TEXT NOT NULL,
    tenant TEXT NOT NULL,
    account_id TEXT NOT NULL,
    vendor TEXT NOT NULL,
    email TEXT,
    name TEXT,
    status TEXT NOT NULL,
    last_login TEXT NOT NULL,
    roles_json TEXT NOT NULL,
    groups_json TEXT NOT NULL,
    created_at TEXT,
    fingerprint INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, portal, tenant, account_id)
) WITHOUT ROWID;
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    scope_json TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    signed_at TEXT,
    signature TEXT
);
CREATE TABLE decisions (
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    portal TEXT NOT NULL,
    tenant TEXT NOT NULL,
    account_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    reason TEXT,
    expires_on TEXT,
    decided_at TEXT NOT NULL,
    applied_ref TEXT,
    applied_at TEXT,
    PRIMARY KEY (review_id, portal, tenant, account_id)
) WITHOUT ROWID;
CREATE TABLE review_events (
    review_id INTEGER NOT NULL REFERENCES reviews(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    content TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (review_id, seq)
) WITHOUT ROWID;
";

/// Version 2: who provisioned an account (for the reviewer check) and vendor-specific
/// activity signals.
const V2: &str = "
ALTER TABLE accounts ADD COLUMN provisioned_by TEXT;
ALTER TABLE accounts ADD COLUMN extra TEXT;
";

/// Every migration, in order.
const MIGRATIONS: &[&str] = &[V1, V2];

/// Brings the database at `path` to [`SCHEMA_VERSION`], refusing a file that is not a
/// store or comes from a newer program.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found = schema_version(conn, path)?;
    if found == SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction()?;
    for migration in &MIGRATIONS[usize::try_from(found).expect("checked non-negative")..] {
        tx.execute_batch(migration)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// The file's schema version, checked to be one this crate can open.
pub(crate) fn schema_version(conn: &Connection, path: &Path) -> Result<i64> {
    let not_a_store = || Error::NotADatabase {
        path: path.to_owned(),
    };
    let found: i64 = conn
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|err| match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => not_a_store(),
            _ => Error::from(err),
        })?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    if found < 0 {
        return Err(not_a_store());
    }
    if found == 0 {
        // A new file is empty; an SQLite file of some other program has tables.
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        if tables > 0 {
            return Err(not_a_store());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_in_turn_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:")).unwrap();
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('accounts')")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            columns.contains(&"provisioned_by".to_owned()),
            "{columns:?}"
        );
        assert!(columns.contains(&"extra".to_owned()), "{columns:?}");
    }
}
