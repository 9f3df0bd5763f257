//! One normalized user record for every vendor.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Serialize, Serializer};

use crate::config::Vendor;
use crate::policy::Signal;

/// A person's account in one portal, in the same shape whatever the vendor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserRecord {
    /// The configured portal name.
    pub portal: String,
    /// The vendor.
    pub vendor: Vendor,
    /// The tenant or organization inside the portal, where the vendor has one.
    pub tenant: Option<String>,
    /// The vendor's id for the account.
    pub id: String,
    /// The email address, lower-cased for matching across portals.
    pub email: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// Whether the account can be used.
    pub status: UserStatus,
    /// The last sign-in.
    pub last_login: LastLogin,
    /// Role names.
    pub roles: Vec<String>,
    /// Group names.
    pub groups: Vec<String>,
    /// Set by an audit: idle longer than the threshold (see [`LastLogin::is_idle`]).
    pub inactive: bool,
    /// Who created or invited the account, where the vendor says (LogicMonitor's
    /// `createdBy`): a review's reviewer must not be the provisioner. Not printed.
    #[serde(skip)]
    pub provisioned_by: Option<String>,
    /// What the vendor says about the account's activity and age, for dormancy policies
    /// (not printed with the record).
    #[serde(skip)]
    pub activity: ActivityFacts,
}

/// What a vendor reports about one account's activity and age.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivityFacts {
    /// Each activity signal the vendor reported for the account: `None` means "never".
    /// A signal the vendor did not report is absent.
    pub signals: BTreeMap<Signal, Option<DateTime<Utc>>>,
    /// The user name, where the vendor has one apart from the email.
    pub username: Option<String>,
    /// Whether only programs use the account (LogicMonitor `apionly`).
    pub api_only: bool,
    /// When the account was created, where the vendor says.
    pub created_at: Option<DateTime<Utc>>,
    /// Since when the account is suspended, where the vendor says.
    pub suspended_since: Option<DateTime<Utc>>,
}

/// Account state, as far as portalctl needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserStatus {
    /// Can sign in.
    Active,
    /// Suspended or disabled.
    Suspended,
    /// Invited, not yet signed up.
    Pending,
    /// A vendor state portalctl does not interpret.
    Other(String),
    /// The portal does not show whether the account is suspended (the reason): nothing
    /// that depends on it is done.
    Unknown(String),
}

impl UserStatus {
    /// The lower-case name used in output.
    pub fn as_str(&self) -> &str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Suspended => "suspended",
            UserStatus::Pending => "pending",
            UserStatus::Other(other) => other,
            UserStatus::Unknown(_) => "unknown",
        }
    }
}

impl Serialize for UserStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// When the person last signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastLogin {
    /// At this time.
    At(DateTime<Utc>),
    /// Never: the vendor says the account was never used.
    Never,
    /// The vendor does not report sign-ins for this account.
    Unknown,
}

impl LastLogin {
    /// Idle longer than `days` before `now`. An account that never signed in is idle; one
    /// whose sign-ins the vendor does not report is not judged.
    pub fn is_idle(&self, now: DateTime<Utc>, days: u32) -> bool {
        match self {
            LastLogin::At(at) => now.signed_duration_since(*at) > Duration::days(i64::from(days)),
            LastLogin::Never => true,
            LastLogin::Unknown => false,
        }
    }

    /// RFC 3339 time, `never` or `unknown`, for tables.
    pub fn display(&self) -> String {
        match self {
            LastLogin::At(at) => at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            LastLogin::Never => "never".to_owned(),
            LastLogin::Unknown => "unknown".to_owned(),
        }
    }
}

impl Serialize for LastLogin {
    /// An RFC 3339 string, or `null` when there is no sign-in time.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            LastLogin::At(at) => {
                serializer.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
            }
            LastLogin::Never | LastLogin::Unknown => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The fixed "now" of the tests.
    pub(crate) fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    /// An active account `id` in `portal`, `ID@corp.example`, never logged in, no groups.
    pub(crate) fn user(portal: &str, id: &str) -> UserRecord {
        UserRecord {
            portal: portal.to_owned(),
            vendor: Vendor::Logicmonitor,
            tenant: None,
            id: id.to_owned(),
            email: Some(format!("{id}@corp.example")),
            name: None,
            status: UserStatus::Active,
            last_login: LastLogin::Never,
            roles: Vec::new(),
            groups: Vec::new(),
            inactive: false,
            provisioned_by: None,
            activity: ActivityFacts::default(),
        }
    }

    #[test]
    fn idleness_counts_never_but_not_unknown() {
        let days_ago = |days| LastLogin::At(now() - Duration::days(days));
        assert!(days_ago(91).is_idle(now(), 90));
        assert!(!days_ago(89).is_idle(now(), 90));
        assert!(LastLogin::Never.is_idle(now(), 90));
        assert!(!LastLogin::Unknown.is_idle(now(), 90));
    }

    #[test]
    fn serializes_with_the_documented_keys() {
        let record = UserRecord {
            portal: "lm".into(),
            vendor: Vendor::PartnerPortal,
            tenant: None,
            id: "42".into(),
            email: Some("jane@corp.example".into()),
            name: Some("Jane Doe".into()),
            status: UserStatus::Suspended,
            last_login: LastLogin::At(now()),
            roles: vec!["admin".into()],
            groups: vec![],
            inactive: false,
            provisioned_by: None,
            activity: ActivityFacts::default(),
        };
        let value = serde_json::to_value(&record).unwrap();
        let mut keys: Vec<_> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        let mut documented = [
            "portal",
            "vendor",
            "tenant",
            "id",
            "email",
            "name",
            "status",
            "last_login",
            "roles",
            "groups",
            "inactive",
        ];
        documented.sort_unstable();
        assert_eq!(keys, documented);
        assert_eq!(value["vendor"], "partner-portal");
        assert_eq!(value["status"], "suspended");
        assert_eq!(value["last_login"], "2026-11-23T12:00:00Z");
        let never = UserRecord {
            last_login: LastLogin::Never,
            ..record
        };
        assert!(serde_json::to_value(&never).unwrap()["last_login"].is_null());
    }
}
