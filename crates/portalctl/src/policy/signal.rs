//! The activity signals each vendor documents, by the vendor's own field names.

use std::fmt;

use serde::Serialize;

use crate::config::Vendor;

/// One documented sign of activity on an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Signal {
    /// LogicMonitor `lastLoginOn` (0 means never logged in).
    #[serde(rename = "lastLoginOn")]
    LastLoginOn,
    /// LogicMonitor `lastActionOn`.
    #[serde(rename = "lastActionOn")]
    LastActionOn,
    /// LogicMonitor `lastAccessOn`.
    #[serde(rename = "lastAccessOn")]
    LastAccessOn,
    /// LogicMonitor: the newest `lastUsedOn` of the user's API tokens (API-only users).
    #[serde(rename = "apiTokens.lastUsedOn")]
    ApiTokenLastUsedOn,
    /// Allthenticate `active_date`.
    #[serde(rename = "active_date")]
    ActiveDate,
    /// Whaly partner portal `last_logged_at`.
    #[serde(rename = "last_logged_at")]
    LastLoggedAt,
}

impl Signal {
    /// The signals a vendor documents; ThreatLocker documents none.
    pub fn of(vendor: Vendor) -> &'static [Signal] {
        match vendor {
            Vendor::Logicmonitor => &[
                Signal::LastLoginOn,
                Signal::LastActionOn,
                Signal::LastAccessOn,
                Signal::ApiTokenLastUsedOn,
            ],
            Vendor::Allthenticate => &[Signal::ActiveDate],
            Vendor::PartnerPortal => &[Signal::LastLoggedAt],
            Vendor::Threatlocker => &[],
        }
    }

    /// The field name, as the vendor spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Signal::LastLoginOn => "lastLoginOn",
            Signal::LastActionOn => "lastActionOn",
            Signal::LastAccessOn => "lastAccessOn",
            Signal::ApiTokenLastUsedOn => "apiTokens.lastUsedOn",
            Signal::ActiveDate => "active_date",
            Signal::LastLoggedAt => "last_logged_at",
        }
    }

    /// The vendor's signal called `name`; Whaly's is also accepted as `lastLoggedAt`.
    pub fn named(vendor: Vendor, name: &str) -> Option<Signal> {
        let name = if vendor == Vendor::PartnerPortal && name == "lastLoggedAt" {
            "last_logged_at"
        } else {
            name
        };
        Signal::of(vendor)
            .iter()
            .copied()
            .find(|signal| signal.as_str() == name)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_vendor_has_its_own_signals_and_threatlocker_none() {
        assert_eq!(
            Signal::named(Vendor::Logicmonitor, "lastActionOn"),
            Some(Signal::LastActionOn)
        );
        assert_eq!(Signal::named(Vendor::Allthenticate, "lastLoginOn"), None);
        assert_eq!(
            Signal::named(Vendor::PartnerPortal, "lastLoggedAt"),
            Some(Signal::LastLoggedAt)
        );
        assert!(Signal::of(Vendor::Threatlocker).is_empty());
    }
}
