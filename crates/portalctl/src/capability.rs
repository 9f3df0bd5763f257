//! What each vendor's API lets portalctl do. An operation a vendor does not offer is
//! reported as unsupported for that portal: never faked, never silently skipped.

use std::fmt;

use crate::config::Vendor;

/// A user-lifecycle operation.
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
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::List => "list users",
            Operation::Invite => "invite",
            Operation::Suspend => "suspend",
            Operation::Delete => "delete",
            Operation::Groups => "user groups",
        })
    }
}

/// Whether `vendor`'s public API offers `operation`.
///
/// | vendor | list | invite | suspend | delete | groups |
/// |---|---|---|---|---|---|
/// | ThreatLocker | no: the public API documents no user listing | yes | no | no | no |
/// | Allthenticate | yes | yes | yes (toggle) | yes | no |
/// | Whaly partner portal | yes | yes (create) | no | yes | no |
/// | LogicMonitor | yes | yes (create) | yes | yes | yes |
pub fn supports(vendor: Vendor, operation: Operation) -> bool {
    use Operation::{Delete, Invite, List, Suspend};
    match vendor {
        Vendor::Threatlocker => matches!(operation, Invite),
        Vendor::Allthenticate => matches!(operation, List | Invite | Suspend | Delete),
        Vendor::PartnerPortal => matches!(operation, List | Invite | Delete),
        Vendor::Logicmonitor => true,
    }
}

/// The error text for an operation a portal's vendor does not offer.
pub fn unsupported(vendor: Vendor, operation: Operation) -> String {
    format!("{vendor}'s API does not offer {operation}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_vendor_apis() {
        let row = |vendor| {
            [
                Operation::List,
                Operation::Invite,
                Operation::Suspend,
                Operation::Delete,
                Operation::Groups,
            ]
            .map(|operation| supports(vendor, operation))
        };
        assert_eq!(
            row(Vendor::Threatlocker),
            [false, true, false, false, false]
        );
        assert_eq!(row(Vendor::Allthenticate), [true, true, true, true, false]);
        assert_eq!(row(Vendor::PartnerPortal), [true, true, false, true, false]);
        assert_eq!(row(Vendor::Logicmonitor), [true, true, true, true, true]);
        assert_eq!(
            unsupported(Vendor::Threatlocker, Operation::Suspend),
            "threatlocker's API does not offer suspend"
        );
    }
}
