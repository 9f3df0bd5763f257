//! Dormancy policy: a TOML file, checked in by the team, that says which activity signal
//! counts, when an account is dormant, who is never touched, and what happens at each
//! stage; and the pure functions that judge accounts by it.
//!
//! Input: [`Account`]s (one shape for every vendor) and `now`. Output: a [`PolicyPlan`]:
//! each account's [`Classification`] (`active`, `dormant`, `never-logged-in`, `unknown`),
//! the [`Stage`] reached and the [`Action`]s still needed, the [`Exclusion`] that spared
//! it, and per portal the share of enabled accounts that are dormant (the CIS 5.3
//! metric). No I/O: listing and acting belong to the caller.
//!
//! Rules that keep it safe: `unknown` (no usable signal) is never acted on;
//! `never-logged-in` only when the account is known to be older than `dormant_after`, or
//! the policy says `never_logged_in = "always"`; `delete` only where configured and only
//! for accounts suspended at least `delete_after_suspended`, since a known date.
//!
//! A complete example is `examples/policy.toml` in this package:
//!
//! ```toml
#![doc = include_str!("../../examples/policy.toml")]
//! ```
//!
//! Parsing, and judging one account:
//!
//! ```
//! use std::collections::BTreeMap;
//! use chrono::{Duration, Utc};
//! use portalctl::config::Vendor;
//! use portalctl::policy::{Account, AccountStatus, Classification, Policy, Signal, Stage};
//!
//! let policy = Policy::parse("[defaults]\ndormant_after = \"pci\"\nsuspend_after = \"pci\"\n")?;
//! let now = Utc::now();
//! let account = Account {
//!     portal: "acme-lm".into(),
//!     vendor: Vendor::Logicmonitor,
//!     id: "42".into(),
//!     email: Some("jo@acme.example".into()),
//!     username: Some("jo".into()),
//!     status: AccountStatus::Enabled,
//!     groups: vec![],
//!     roles: vec![],
//!     api_only: false,
//!     created_at: None,
//!     suspended_since: None,
//!     signals: BTreeMap::from([(Signal::LastLoginOn, Some(now - Duration::days(120)))]),
//! };
//! let planned = policy.evaluate(&account, now);
//! assert_eq!(planned.classification, Classification::Dormant);
//! assert_eq!(planned.stage, Some(Stage::Suspend));
//! # Ok::<(), portalctl::policy::PolicyError>(())
//! ```
//!
//! - [`file`](mod@file): the policy file and its checks; [`threshold`]: days and presets;
//!   [`signal`]: each vendor's activity fields; [`account`]: the input.
//! - [`classify`], [`exclude`], [`plan`]: judging one account; [`report`]: the plan and
//!   the per-portal report.

pub mod account;
pub mod classify;
pub mod exclude;
pub mod file;
pub mod plan;
pub mod report;
pub mod signal;
pub mod threshold;

pub use account::{Account, AccountKind, AccountStatus};
pub use classify::{Activity, Classification};
pub use exclude::{Exclusion, ExclusionRule};
pub use file::{NeverLoggedIn, Policy, PolicyError, Thresholds};
pub use plan::{Action, PlannedAccount, Stage};
pub use report::{ManualCheck, PlanRow, PolicyPlan, PortalReport, Report, Unlisted};
pub use signal::Signal;
pub use threshold::Days;

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeMap;

    use chrono::{DateTime, Duration, TimeZone, Utc};

    use super::{Account, AccountStatus};
    use crate::config::Vendor;

    /// A fixed `now`: 2026-12-01T00:00:00Z.
    pub(crate) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
    }

    pub(crate) fn days_ago(days: i64) -> DateTime<Utc> {
        now() - Duration::days(days)
    }

    /// An enabled, human LogicMonitor account on portal `portal`, changed by `edit`.
    pub(crate) fn account(portal: &str, edit: impl FnOnce(&mut Account)) -> Account {
        let mut account = Account {
            portal: portal.to_owned(),
            vendor: Vendor::Logicmonitor,
            id: "1".to_owned(),
            email: Some("jo@acme.example".to_owned()),
            username: Some("jo".to_owned()),
            status: AccountStatus::Enabled,
            groups: Vec::new(),
            roles: Vec::new(),
            api_only: false,
            created_at: None,
            suspended_since: None,
            signals: BTreeMap::new(),
        };
        edit(&mut account);
        account
    }
}

#[cfg(test)]
mod tests;
