//! The [`Portal`] trait: one configured portal as every command sees it, whatever the
//! vendor. Each vendor implements it once in [`crate::vendors`]; nothing outside those
//! modules knows a vendor client.
//!
//! What a vendor's API offers is answered by [`Portal::supports`] and nowhere else. An
//! operation a vendor does not offer is reported as unsupported for that portal: never
//! faked, never silently skipped.

use std::fmt;

use futures_util::future::BoxFuture;
use uuid::Uuid;

use crate::config::Vendor;
use crate::plan::{Action, Step};
use crate::record::UserRecord;

/// A user-lifecycle operation a vendor's API may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// List the portal's users.
    List,
    /// Invite or create a user.
    Invite,
    /// Suspend (and reactivate) a user.
    Suspend,
    /// Delete a user.
    Delete,
    /// Manage user groups and memberships.
    Groups,
    /// Walk child organizations and invite into each of them.
    ChildOrganizations,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::List => "list users",
            Operation::Invite => "invite",
            Operation::Suspend => "suspend",
            Operation::Delete => "delete",
            Operation::Groups => "user groups",
            Operation::ChildOrganizations => "child organizations",
        })
    }
}

/// The text for an operation a portal's vendor does not offer.
pub fn unsupported(vendor: Vendor, operation: Operation) -> String {
    format!("{vendor}'s API does not offer {operation}")
}

/// What listing a portal's users gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// The portal's users.
    Users(Vec<UserRecord>),
    /// The users the portal returned before its listing ended early, on an empty page
    /// before the total it had announced (LogicMonitor's total can count users the
    /// credentials may not see): worked with, and reported.
    Partial {
        /// The users returned.
        users: Vec<UserRecord>,
        /// How many users the portal reported.
        reported: u64,
    },
    /// The vendor offers no user listing; its organization and these child
    /// organizations hold people who must be checked by hand.
    Unlisted {
        /// The child organizations found.
        child_organizations: Vec<Uuid>,
    },
}

/// A user group, as far as portalctl needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The vendor's id.
    pub id: String,
    /// Its name (empty when the vendor gives none).
    pub name: String,
    /// Its description (empty when the vendor gives none).
    pub description: String,
}

/// Why a portal did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    /// The vendor client failed: transport, the vendor's answer, or input it refused.
    #[error(transparent)]
    Client(#[from] core_http::Error),
    /// The vendor's API does not offer the operation.
    #[error("{}", unsupported(*vendor, *operation))]
    Unsupported {
        /// The portal's vendor.
        vendor: Vendor,
        /// What was asked.
        operation: Operation,
    },
    /// Something the plan names (a role, a group) is not in the portal.
    #[error("{0}")]
    NotFound(String),
    /// The portal's state could not be confirmed, so the action was not taken (or, where
    /// the message says so, taken once and not confirmed); a person should look.
    #[error("{0}")]
    Unconfirmed(String),
}

/// Each step's result, in the order of the steps.
pub type Outcomes = Vec<Result<(), PortalError>>;

/// What a [`Portal`] method returns: a boxed future of `T` or a [`PortalError`] (boxed,
/// so that a directory can hold every vendor as `dyn Portal`).
pub type Reply<'a, T> = BoxFuture<'a, Result<T, PortalError>>;

/// One configured portal: what it offers, how to read it, how to change it.
///
/// Reads (`list`, `check`, `groups`, `child_organizations`) never change anything; the
/// only way to a change is [`Portal::act`] (or [`Portal::act_together`]), which only the
/// plan runner ([`crate::runner::Runner`]) calls, journaling each step.
pub trait Portal: fmt::Debug + Send + Sync {
    /// The vendor behind the portal.
    fn vendor(&self) -> Vendor;

    /// Whether the vendor's API offers `operation`: the capability table, once.
    fn supports(&self, operation: Operation) -> bool;

    /// Lists the portal's users, normalized.
    fn list(&self) -> Reply<'_, Listing>;

    /// The API endpoints [`Portal::list`] reads (a snapshot's provenance).
    fn listing_endpoints(&self) -> &'static [&'static str];

    /// Checks connectivity and credentials with a read; says what was seen.
    fn check(&self) -> Reply<'_, String> {
        Box::pin(async move {
            match self.list().await? {
                Listing::Users(users) => Ok(format!("credentials accepted, {} users", users.len())),
                Listing::Partial { users, reported } => Ok(format!(
                    "credentials accepted, {} users (the portal reported {reported})",
                    users.len()
                )),
                Listing::Unlisted { .. } => Err(self.refuse(Operation::List)),
            }
        })
    }

    /// Every user group ([`Operation::Groups`]).
    fn groups(&self) -> Reply<'_, Vec<Group>> {
        Box::pin(async move { Err(self.refuse(Operation::Groups)) })
    }

    /// The child organizations ([`Operation::ChildOrganizations`]).
    fn child_organizations(&self) -> Reply<'_, Vec<Uuid>> {
        Box::pin(async move { Err(self.refuse(Operation::ChildOrganizations)) })
    }

    /// Carries out one planned action on `target`: the vendor's id for the account, the
    /// address for an invitation, the name for a group action.
    fn act<'a>(&'a self, action: &'a Action, target: &'a str) -> Reply<'a, ()>;

    /// How many consecutive steps of an action the runner hands to
    /// [`Portal::act_together`] at once (1, the default: each through [`Portal::act`]).
    /// A vendor whose single action costs a whole listing batches it.
    fn batch_size(&self, _action: &Action) -> usize {
        1
    }

    /// Carries out `steps` (all for this portal) as one batch, each result in the order
    /// of the steps; `Err` when the batch as a whole failed. By default one after
    /// another through [`Portal::act`]; a vendor with a bulk call uses it.
    fn act_together<'a>(&'a self, steps: &'a [Step]) -> Reply<'a, Outcomes> {
        Box::pin(async move { Ok(one_by_one(self, steps).await) })
    }

    /// The error for an operation this portal's vendor does not offer.
    fn refuse(&self, operation: Operation) -> PortalError {
        PortalError::Unsupported {
            vendor: self.vendor(),
            operation,
        }
    }
}

/// Carries out `steps` on `portal` one after another through [`Portal::act`]: the
/// batch of a vendor without a bulk call.
pub async fn one_by_one<P: Portal + ?Sized>(portal: &P, steps: &[Step]) -> Outcomes {
    let mut outcomes = Vec::with_capacity(steps.len());
    for step in steps {
        outcomes.push(portal.act(&step.action, &step.target).await);
    }
    outcomes
}
