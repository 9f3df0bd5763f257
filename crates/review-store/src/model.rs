//! The plain values the store takes and gives back.

use std::fmt;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};

/// The id of a snapshot (increasing in the order snapshots were taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct SnapshotId(pub i64);

/// The id of a review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ReviewId(pub i64);

impl fmt::Display for SnapshotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl fmt::Display for ReviewId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// When the person last signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastLogin {
    /// At this time.
    At(DateTime<Utc>),
    /// The vendor says the account was never used.
    Never,
    /// The vendor does not report sign-ins for this account.
    Unknown,
}

impl LastLogin {
    /// RFC 3339 (UTC), `never` or `unknown`: the stored and exported form.
    pub fn to_text(&self) -> String {
        match self {
            LastLogin::At(at) => format_time(*at),
            LastLogin::Never => "never".to_owned(),
            LastLogin::Unknown => "unknown".to_owned(),
        }
    }

    /// Reads the form written by [`LastLogin::to_text`].
    pub fn from_text(text: &str) -> Option<LastLogin> {
        match text {
            "never" => Some(LastLogin::Never),
            "unknown" => Some(LastLogin::Unknown),
            _ => parse_time(text).map(LastLogin::At),
        }
    }
}

impl Serialize for LastLogin {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

/// An account as recorded in a snapshot: the same shape for every vendor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Account {
    /// The configured portal name.
    pub portal: String,
    /// The vendor (`threatlocker`, `logicmonitor`, ...).
    pub vendor: String,
    /// The tenant or organization inside the portal, where the vendor has one (never empty).
    pub tenant: Option<String>,
    /// The vendor's id for the account.
    pub id: String,
    /// The email address.
    pub email: Option<String>,
    /// The display name.
    pub name: Option<String>,
    /// The account state as the CLI names it (`active`, `suspended`, `pending`, ...).
    pub status: String,
    /// The last sign-in.
    pub last_login: LastLogin,
    /// Role names (stored sorted and without duplicates).
    pub roles: Vec<String>,
    /// Group names (stored sorted and without duplicates).
    pub groups: Vec<String>,
    /// When the account was created, if the vendor says.
    pub created_at: Option<DateTime<Utc>>,
    /// Who provisioned or invited the account, where the vendor's data says so.
    pub provisioned_by: Option<String>,
    /// Vendor-specific activity signals (any JSON; `null` when there are none).
    pub extra: serde_json::Value,
}

impl Account {
    /// The key that identifies this account across snapshots.
    pub fn key(&self) -> AccountKey {
        AccountKey {
            portal: self.portal.clone(),
            tenant: self.tenant.clone(),
            id: self.id.clone(),
        }
    }
}

/// What identifies an account across snapshots: portal, tenant and the vendor's id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AccountKey {
    /// The portal name.
    pub portal: String,
    /// The tenant, if any.
    pub tenant: Option<String>,
    /// The vendor's account id.
    pub id: String,
}

impl AccountKey {
    /// A key from its parts.
    pub fn new(portal: impl Into<String>, tenant: Option<&str>, id: impl Into<String>) -> Self {
        AccountKey {
            portal: portal.into(),
            tenant: tenant.map(str::to_owned),
            id: id.into(),
        }
    }
}

impl fmt::Display for AccountKey {
    /// `portal/tenant/id`, or `portal/id` without a tenant.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tenant {
            Some(tenant) => write!(f, "{}/{}/{}", self.portal, tenant, self.id),
            None => write!(f, "{}/{}", self.portal, self.id),
        }
    }
}

/// How listing one portal ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "error", rename_all = "lowercase")]
pub enum PortalOutcome {
    /// Every account the portal returned was recorded.
    Ok,
    /// The listing failed: the portal's accounts are unknown (never "no users").
    Failed(String),
}

/// The provenance of one portal's part of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalRun {
    /// The configured portal name.
    pub portal: String,
    /// The vendor.
    pub vendor: String,
    /// The tenant or organization scope listed (e.g. a ThreatLocker parent and its children).
    pub scope: Option<String>,
    /// When listing started.
    pub started_at: DateTime<Utc>,
    /// When listing finished (or failed).
    pub finished_at: DateTime<Utc>,
    /// The API endpoints used.
    pub endpoints: Vec<String>,
    /// How many accounts the portal said it has, where it says so.
    pub reported: Option<u64>,
    /// How it ended.
    pub outcome: PortalOutcome,
}

/// A portal run as stored: the run plus how many accounts were recorded for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedPortal {
    /// The run as given.
    #[serde(flatten)]
    pub run: PortalRun,
    /// How many accounts were returned and recorded.
    pub returned: u64,
}

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Its id.
    pub id: SnapshotId,
    /// When recording started.
    pub taken_at: DateTime<Utc>,
    /// When recording finished.
    pub finished_at: DateTime<Utc>,
    /// A free-form note.
    pub note: Option<String>,
    /// Each portal's provenance, by portal name.
    pub portals: Vec<RecordedPortal>,
}

impl Snapshot {
    /// Whether every portal was listed completely.
    pub fn is_complete(&self) -> bool {
        self.portals
            .iter()
            .all(|portal| portal.run.outcome == PortalOutcome::Ok)
    }
}

/// A reviewer's verdict on one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The access stays.
    Keep,
    /// The access goes.
    Revoke,
    /// The access stays against policy, for a reason, until a date.
    Exception,
}

impl Verdict {
    /// `keep`, `revoke` or `exception`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Keep => "keep",
            Verdict::Revoke => "revoke",
            Verdict::Exception => "exception",
        }
    }

    /// Reads [`Verdict::as_str`]'s form.
    pub fn parse(text: &str) -> Option<Verdict> {
        match text {
            "keep" => Some(Verdict::Keep),
            "revoke" => Some(Verdict::Revoke),
            "exception" => Some(Verdict::Exception),
            _ => None,
        }
    }
}

/// One decision to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    /// The account decided on.
    pub account: AccountKey,
    /// The verdict.
    pub verdict: Verdict,
    /// Why (required for an exception).
    pub reason: Option<String>,
    /// Until when an exception holds (required for an exception, refused otherwise).
    pub expires_on: Option<NaiveDate>,
}

impl Decision {
    /// Keep the account's access.
    pub fn keep(account: AccountKey) -> Self {
        Decision {
            account,
            verdict: Verdict::Keep,
            reason: None,
            expires_on: None,
        }
    }

    /// Revoke the account's access.
    pub fn revoke(account: AccountKey, reason: Option<&str>) -> Self {
        Decision {
            account,
            verdict: Verdict::Revoke,
            reason: reason.map(str::to_owned),
            expires_on: None,
        }
    }

    /// Keep the access as an exception, for `reason`, until `expires_on`.
    pub fn exception(account: AccountKey, reason: &str, expires_on: NaiveDate) -> Self {
        Decision {
            account,
            verdict: Verdict::Exception,
            reason: Some(reason.to_owned()),
            expires_on: Some(expires_on),
        }
    }
}

/// A stored decision, with when it was made and the revocation applied for it, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionRecord {
    /// The decision.
    #[serde(flatten)]
    pub decision: Decision,
    /// When it was (last) made.
    pub decided_at: DateTime<Utc>,
    /// The revocation carried out for it: a reference to the applied action and when.
    pub applied: Option<Applied>,
}

impl DecisionRecord {
    /// `decision`'s verdict (`undecided` without one), reason, expiry date and applied
    /// reference, as text columns (empty where there is none).
    pub fn columns(decision: Option<&DecisionRecord>) -> [String; 4] {
        [
            decision.map_or_else(
                || "undecided".to_owned(),
                |d| d.decision.verdict.as_str().to_owned(),
            ),
            decision
                .and_then(|d| d.decision.reason.clone())
                .unwrap_or_default(),
            decision
                .and_then(|d| d.decision.expires_on)
                .map(|date| date.to_string())
                .unwrap_or_default(),
            decision
                .and_then(|d| d.applied.as_ref())
                .map(|applied| applied.reference.clone())
                .unwrap_or_default(),
        ]
    }
}

/// A revocation that was carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// The reference of the applied action (e.g. a journal entry id).
    pub reference: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// A stored review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    /// Its id.
    pub id: ReviewId,
    /// The snapshot reviewed.
    pub snapshot: SnapshotId,
    /// The portals in scope (sorted).
    pub scope: Vec<String>,
    /// Who reviews (and signs).
    pub reviewer: String,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// How many accounts are in scope.
    pub accounts: u64,
    /// How many of them are decided.
    pub decided: u64,
    /// The signature, once signed.
    pub signed: Option<Signature>,
}

/// A review's sign-off: when, and the hash-chain head it sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signature {
    /// When it was signed.
    pub at: DateTime<Utc>,
    /// The SHA-256 (hex) of the `signed` event, the head of the review's hash chain.
    pub head: String,
}

/// RFC 3339 in UTC with a `Z`, the form every time is stored in.
pub(crate) fn format_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Reads [`format_time`]'s form (any RFC 3339 offset).
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
}
