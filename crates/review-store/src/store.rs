//! Opening the store: one SQLite file, migrated on open.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::schema;

/// The review store: snapshots, diffs, reviews and their evidence, in one SQLite file.
///
/// Every write runs in a transaction: a failure (read-only file, full disk, a refused
/// value) leaves the file as it was.
#[derive(Debug)]
pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens the store at `path` for reading and writing, creating it if missing and
    /// migrating an older schema.
    ///
    /// Refused with a one-line error: a file that is not a store ([`Error::NotADatabase`]),
    /// one from a newer program ([`Error::NewerSchema`]), one that can not be written
    /// ([`Error::ReadOnly`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| open_error(err, path))?;
        let mut store = Store::configure(conn, path).map_err(|err| open_error(err, path))?;
        if store.conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(Error::ReadOnly);
        }
        schema::migrate(&mut store.conn, path)?;
        Ok(store)
    }

    /// Opens an existing store for reading only: every write is refused with
    /// [`Error::ReadOnly`]. A store of an older schema must be opened with
    /// [`Store::open`] once to migrate it.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|err| open_error(err, path))?;
        let store = Store::configure(conn, path).map_err(|err| open_error(err, path))?;
        let found = schema::schema_version(&store.conn, path)?;
        if found < schema::SCHEMA_VERSION {
            return Err(Error::InvalidInput {
                field: "store",
                reason: format!(
                    "{} has schema version {found}; open it writable once to migrate it to {}",
                    path.display(),
                    schema::SCHEMA_VERSION
                ),
            });
        }
        Ok(store)
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn configure(conn: Connection, path: &Path) -> rusqlite::Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // A bounded page cache (negative: KiB) keeps memory flat whatever the store's size.
        conn.pragma_update(None, "cache_size", -16_384)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        Ok(Store {
            conn,
            path: path.to_owned(),
        })
    }

    /// Runs `write` in one immediate transaction: committed if it succeeds, rolled back
    /// otherwise.
    pub(crate) fn write<T>(&mut self, write: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let value = write(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

fn open_error(err: rusqlite::Error, path: &Path) -> Error {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::NotADatabase {
            path: path.to_owned(),
        },
        Some(rusqlite::ErrorCode::CannotOpen) => Error::Io {
            path: path.to_owned(),
            source: std::io::Error::other("cannot open the file"),
        },
        _ => Error::from(err),
    }
}
