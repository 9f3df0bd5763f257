//! The access-review store behind `portalctl snapshot`, `diff` and `review`.

mod error;
mod model;
mod schema;
mod snapshot;
mod store;

pub use error::{Error, Result};
pub use model::{
    Account, AccountKey, Applied, Decision, DecisionRecord, LastLogin, PortalOutcome, PortalRun,
    RecordedPortal, Review, ReviewId, Signature, Snapshot, SnapshotId, Verdict,
};
pub use schema::SCHEMA_VERSION;
pub use snapshot::SnapshotWriter;
pub use store::Store;
