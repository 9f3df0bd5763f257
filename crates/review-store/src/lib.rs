#![doc = include_str!("../README.md")]

mod chain;
mod diff;
mod error;
mod evidence;
mod model;
mod review;
mod schema;
mod snapshot;
mod store;
mod verify;

pub use chain::{EventKind, ReviewEvent};
pub use diff::{Diff, DiffCounts, DiffEntry, Field, FieldChange, SkippedPortal};
pub use error::{Error, Result};
pub use evidence::ExportSummary;
pub use model::{
    Account, AccountKey, Applied, Decision, DecisionRecord, LastLogin, PortalOutcome, PortalRun,
    RecordedPortal, Review, ReviewId, Signature, Snapshot, SnapshotId, Verdict,
};
pub use schema::SCHEMA_VERSION;
pub use snapshot::SnapshotWriter;
pub use store::Store;
pub use verify::ChainCheck;
