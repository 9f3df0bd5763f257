//! The stage each account has reached and the actions still needed to get it there.
//!
//! Stages, in order: `warn` (report only) → `suspend` → `move-to-group` (LogicMonitor
//! only: suspended, and the group made its only one) → `delete` (only where
//! `delete_after_suspended` is set, and only for accounts suspended at least that long,
//! since a known date). An account reaches the furthest stage whose threshold its
//! inactivity meets; the actions are what is still missing (an account already suspended
//! needs no `suspend`). Every stage past `warn` needs a `dormant` account, or a
//! `never-logged-in` one that the policy acts on; `unknown` is never acted on, nor is an
//! excluded account or one that is neither enabled nor suspended.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::account::{Account, AccountKind, AccountStatus};
use super::classify::{Classification, classify};
use super::exclude::Exclusion;
use super::file::{NeverLoggedIn, Policy, Thresholds};
use super::signal::Signal;
use crate::config::Vendor;

/// A lifecycle stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Report only.
    Warn,
    /// Suspend (reversibly).
    Suspend,
    /// Suspend and move to the configured group (LogicMonitor).
    MoveToGroup,
    /// Delete an account suspended long enough.
    Delete,
}

impl Stage {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Warn => "warn",
            Stage::Suspend => "suspend",
            Stage::MoveToGroup => "move-to-group",
            Stage::Delete => "delete",
        }
    }
}

/// One change a stage still needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "action")]
pub enum Action {
    /// Tell someone (no change on the portal).
    Warn,
    /// Suspend the account.
    Suspend,
    /// Make `group` the account's only group.
    MoveToGroup {
        /// The group's name.
        group: String,
    },
    /// Delete the account.
    Delete,
}

impl Action {
    /// A short label, e.g. `move-to-group:Suspended`.
    pub fn label(&self) -> String {
        match self {
            Action::Warn => "warn".to_owned(),
            Action::Suspend => "suspend".to_owned(),
            Action::MoveToGroup { group } => format!("move-to-group:{group}"),
            Action::Delete => "delete".to_owned(),
        }
    }
}

/// One account as the policy sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedAccount {
    /// The configured portal name.
    pub portal: String,
    /// The portal's vendor.
    pub vendor: Vendor,
    /// The vendor's id for the account.
    pub id: String,
    /// The email address, if any.
    pub email: Option<String>,
    /// The user name, if any.
    pub username: Option<String>,
    /// Whether it can sign in.
    pub status: AccountStatus,
    /// Person or program.
    pub kind: AccountKind,
    /// What its activity says.
    pub classification: Classification,
    /// The signal that gave the most recent activity.
    pub signal: Option<Signal>,
    /// The most recent activity.
    pub last_activity: Option<DateTime<Utc>>,
    /// Whole days since the last activity (or since creation, if never logged in).
    pub inactive_days: Option<i64>,
    /// The furthest stage reached, if any (none for excluded or unknown accounts).
    pub stage: Option<Stage>,
    /// The changes still needed, in stage order.
    pub actions: Vec<Action>,
    /// The rule that excluded it, if one did.
    pub excluded_by: Option<Exclusion>,
    /// Why it gets this stage, or none, in words.
    pub reason: String,
}

impl Policy {
    /// Judges one account at `now`.
    pub fn evaluate(&self, account: &Account, now: DateTime<Utc>) -> PlannedAccount {
        let thresholds = self.thresholds(account);
        let activity = classify(
            account,
            self.signals(account.vendor),
            thresholds.dormant_after,
            now,
        );
        let excluded_by = self.exclusions.exclusion(account);
        let (stage, actions, reason) = match &excluded_by {
            Some(exclusion) => (None, Vec::new(), format!("excluded: {exclusion}")),
            None => decide(
                account,
                activity.classification,
                activity.inactive_days,
                &thresholds,
                now,
            ),
        };
        PlannedAccount {
            portal: account.portal.clone(),
            vendor: account.vendor,
            id: account.id.clone(),
            email: account.email.clone(),
            username: account.username.clone(),
            status: account.status,
            kind: account.kind(),
            classification: activity.classification,
            signal: activity.last.map(|(signal, _)| signal),
            last_activity: activity.last.map(|(_, at)| at),
            inactive_days: activity.inactive_days,
            stage,
            actions,
            excluded_by,
            reason,
        }
    }
}

/// The stage, actions and reason for an account that is not excluded.
fn decide(
    account: &Account,
    classification: Classification,
    inactive_days: Option<i64>,
    thresholds: &Thresholds<'_>,
    now: DateTime<Utc>,
) -> (Option<Stage>, Vec<Action>, String) {
    let none = |reason: String| (None, Vec::new(), reason);
    let dormant_after = i64::from(thresholds.dormant_after.get());
    let age = match (classification, inactive_days, thresholds.never_logged_in) {
        (Classification::Unknown, ..) => {
            return none(format!(
                "no usable activity signal from {}: never acted on",
                account.vendor
            ));
        }
        (Classification::NeverLoggedIn, _, NeverLoggedIn::Always) => i64::MAX,
        (Classification::NeverLoggedIn, Some(days), NeverLoggedIn::WhenOlder)
            if days >= dormant_after =>
        {
            days
        }
        (Classification::NeverLoggedIn, Some(days), NeverLoggedIn::WhenOlder) => {
            return none(format!(
                "never logged in, created {days} days ago: younger than {}",
                thresholds.dormant_after
            ));
        }
        (Classification::NeverLoggedIn, None, NeverLoggedIn::WhenOlder) => {
            return none(
                "never logged in, creation date unknown: not acted on (never_logged_in = \"always\" would)"
                    .to_owned(),
            );
        }
        (_, days, _) => days.unwrap_or(0),
    };
    if account.status == AccountStatus::Other {
        return none("neither enabled nor suspended: not acted on".to_owned());
    }
    let enabled = account.status == AccountStatus::Enabled;
    let acted_on = classification != Classification::Active;
    let reached = |after: Option<crate::policy::Days>| {
        after.is_some_and(|after| age >= i64::from(after.get()))
    };
    let moving = thresholds
        .move_after
        .filter(|(after, _)| {
            account.vendor == Vendor::Logicmonitor && acted_on && reached(Some(*after))
        })
        .map(|(_, group)| group);
    let suspended_days = account
        .suspended_since
        .map(|since| (now - since).num_days());
    let deleting = !enabled
        && acted_on
        && thresholds
            .delete_after_suspended
            .is_some_and(|after| suspended_days.is_some_and(|days| days >= i64::from(after.get())));
    let stage = if deleting {
        Stage::Delete
    } else if moving.is_some() {
        Stage::MoveToGroup
    } else if acted_on && reached(thresholds.suspend_after) {
        Stage::Suspend
    } else if enabled && reached(thresholds.warn_after) {
        Stage::Warn
    } else {
        let why = match classification {
            Classification::Active => format!("active {age} days ago"),
            _ if !enabled => "suspended; no further stage reached".to_owned(),
            _ => "no stage threshold reached".to_owned(),
        };
        return none(why);
    };
    let mut actions = Vec::new();
    match stage {
        Stage::Warn => actions.push(Action::Warn),
        Stage::Delete => actions.push(Action::Delete),
        Stage::Suspend | Stage::MoveToGroup => {
            if enabled {
                actions.push(Action::Suspend);
            }
            if let Some(group) = moving {
                let only_there =
                    matches!(account.groups.as_slice(), [only] if only.eq_ignore_ascii_case(group));
                if !only_there {
                    actions.push(Action::MoveToGroup {
                        group: group.to_owned(),
                    });
                }
            }
        }
    }
    let inactive = if age == i64::MAX {
        "never logged in (acted on by policy)".to_owned()
    } else {
        format!("inactive {age} days")
    };
    let reason = match (stage, suspended_days) {
        (Stage::Delete, Some(days)) => format!("{inactive}; suspended {days} days"),
        _ => inactive,
    };
    (Some(stage), actions, reason)
}
