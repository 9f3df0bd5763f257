//! The one error type of the store: a clear one-line message per failure.

use std::path::PathBuf;

use crate::model::{AccountKey, ReviewId, SnapshotId};

/// Everything the store can refuse or fail at.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file exists but is not an SQLite database.
    #[error("{}: not a review store (the file is not an SQLite database)", path.display())]
    NotADatabase {
        /// The file.
        path: PathBuf,
    },
    /// The database was written by a newer program.
    #[error(
        "{}: the store has schema version {found}, newer than the {supported} this program knows; use a newer portalctl",
        path.display()
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this crate knows.
        supported: i64,
    },
    /// The store can not be written (read-only file, directory or opening mode).
    #[error("the review store is read-only: nothing was written")]
    ReadOnly,
    /// The disk (or the database's size limit) is full.
    #[error("the disk is full: nothing was written")]
    DiskFull,
    /// A value given to the store is not acceptable; nothing was written.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The field at fault.
        field: &'static str,
        /// Why it was refused.
        reason: String,
    },
    /// No snapshot with this id.
    #[error("unknown snapshot {0}")]
    UnknownSnapshot(SnapshotId),
    /// A diff needs two snapshots.
    #[error("a diff needs two snapshots; the store has {0}")]
    NotEnoughSnapshots(usize),
    /// No review with this id.
    #[error("unknown review {0}")]
    UnknownReview(ReviewId),
    /// A portal named in a review scope is not in the snapshot.
    #[error("portal {portal:?} is not in snapshot {snapshot}")]
    UnknownPortal {
        /// The snapshot.
        snapshot: SnapshotId,
        /// The portal name given.
        portal: String,
    },
    /// A portal in a review scope failed to list in the snapshot: its accounts are unknown.
    #[error(
        "portal {portal:?} failed in snapshot {snapshot} ({error}); its accounts can not be reviewed"
    )]
    PortalFailed {
        /// The snapshot.
        snapshot: SnapshotId,
        /// The portal.
        portal: String,
        /// The error recorded for it.
        error: String,
    },
    /// Two accounts with the same key in one snapshot.
    #[error("account {0} appears twice in the snapshot")]
    DuplicateAccount(AccountKey),
    /// A portal was recorded twice in one snapshot.
    #[error("portal {0:?} is recorded twice in the snapshot")]
    DuplicatePortal(String),
    /// Accounts were written for a portal whose run was never recorded.
    #[error("portal {0:?} has accounts but no recorded run (call record_portal)")]
    PortalNotRecorded(String),
    /// A decision or action names an account outside the review.
    #[error("account {account} is not in review {review} (snapshot {snapshot}, its scope)")]
    AccountNotInReview {
        /// The review.
        review: ReviewId,
        /// The review's snapshot.
        snapshot: SnapshotId,
        /// The account named.
        account: AccountKey,
    },
    /// An applied revocation was recorded for an account not decided `revoke`.
    #[error("account {account} is not decided revoke in review {review}")]
    NotRevoked {
        /// The review.
        review: ReviewId,
        /// The account named.
        account: AccountKey,
    },
    /// The review is signed: it can no longer change.
    #[error("review {0} is signed and can no longer be changed")]
    ReviewSigned(ReviewId),
    /// Signing a signed review.
    #[error("review {0} is already signed")]
    AlreadySigned(ReviewId),
    /// Signing while accounts are undecided.
    #[error("cannot sign review {review}: {undecided} account(s) undecided")]
    Undecided {
        /// The review.
        review: ReviewId,
        /// How many accounts have no decision.
        undecided: u64,
    },
    /// The reviewer provisioned accounts in the review's scope.
    #[error(
        "cannot sign review {review}: reviewer {reviewer:?} provisioned {count} account(s) in scope (e.g. {example}); another reviewer must sign"
    )]
    ReviewerProvisioned {
        /// The review.
        review: ReviewId,
        /// The reviewer.
        reviewer: String,
        /// How many accounts the reviewer provisioned.
        count: u64,
        /// One of them.
        example: AccountKey,
    },
    /// Stored data could not be read back (edited by hand or damaged).
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// A file of the evidence export could not be written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Any other database failure.
    #[error("review store: {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ReadOnly) => Error::ReadOnly,
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::Sqlite(err),
        }
    }
}

/// The store's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
