//! The account a policy judges: what every portal can tell about one user, in one shape.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::signal::Signal;
use crate::config::Vendor;
use crate::record::{UserRecord, UserStatus};

/// Whether an account can sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    /// It can sign in.
    Enabled,
    /// Suspended or disabled, reversibly.
    Suspended,
    /// Anything else (invited, pending, unknown to us): never acted on.
    Other,
}

/// Whether a person or a program uses the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountKind {
    /// A person who signs in.
    Human,
    /// An API-only account (LogicMonitor `apionly`).
    ApiOnly,
}

/// One account on one portal.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// The configured portal name.
    pub portal: String,
    /// The portal's vendor.
    pub vendor: Vendor,
    /// The vendor's id for the account.
    pub id: String,
    /// The email address, if the vendor has one.
    pub email: Option<String>,
    /// The user name, if the vendor has one apart from the email.
    pub username: Option<String>,
    /// Whether it can sign in.
    pub status: AccountStatus,
    /// The groups it belongs to, by name.
    pub groups: Vec<String>,
    /// Its roles, by name.
    pub roles: Vec<String>,
    /// Whether it is an API-only account.
    pub api_only: bool,
    /// When it was created, if the vendor says.
    pub created_at: Option<DateTime<Utc>>,
    /// Since when it is suspended, if it is and that is known.
    pub suspended_since: Option<DateTime<Utc>>,
    /// The activity signals the portal reported: a missing key means the portal did not
    /// report that signal; `None` means it reported "never".
    pub signals: BTreeMap<Signal, Option<DateTime<Utc>>>,
}

impl Account {
    /// Whether a person or a program uses it.
    pub fn kind(&self) -> AccountKind {
        if self.api_only {
            AccountKind::ApiOnly
        } else {
            AccountKind::Human
        }
    }
}

impl From<&UserRecord> for Account {
    /// The account a listed user is judged as (see `From<UserRecord>`).
    fn from(record: &UserRecord) -> Self {
        Self::from(record.clone())
    }
}

impl From<UserRecord> for Account {
    /// The account a listed user is judged as: the one place a [`UserRecord`] becomes an
    /// [`Account`], moving its fields. Pending and uninterpreted vendor states are
    /// [`AccountStatus::Other`].
    fn from(record: UserRecord) -> Self {
        let facts = record.activity;
        Self {
            portal: record.portal,
            vendor: record.vendor,
            id: record.id,
            email: record.email,
            username: facts.username,
            status: match record.status {
                UserStatus::Active => AccountStatus::Enabled,
                UserStatus::Suspended => AccountStatus::Suspended,
                UserStatus::Pending | UserStatus::Other(_) | UserStatus::Unknown(_) => {
                    AccountStatus::Other
                }
            },
            groups: record.groups,
            roles: record.roles,
            api_only: facts.api_only,
            created_at: facts.created_at,
            suspended_since: facts.suspended_since,
            signals: facts.signals,
        }
    }
}
