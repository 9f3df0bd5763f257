//! The policy plan: every account judged, and per portal the share of enabled accounts
//! that are dormant (the CIS 5.3 metric) with the stages planned. Serializable as JSON,
//! and as CSV through [`PlanRow`].
//!
//! The metric counts `dormant` enabled accounts over all enabled accounts, exclusions
//! included (an excluded dormant account is still dormant); `never-logged-in` and
//! `unknown` are counted beside it, not in it. A portal whose vendor documents no
//! activity signal (ThreatLocker) gets a manual check listing its organizations.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::account::{Account, AccountStatus};
use super::classify::Classification;
use super::file::Policy;
use super::plan::{PlannedAccount, Stage};
use super::signal::Signal;
use crate::config::Vendor;

/// A portal the policy can not judge account by account (ThreatLocker lists no users):
/// its organizations are listed for a check by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    /// The configured portal name.
    pub portal: String,
    /// The portal's vendor.
    pub vendor: Vendor,
    /// The organizations to check by hand.
    pub organizations: Vec<String>,
}

/// What must be checked by hand on a portal, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManualCheck {
    /// Why the policy can not decide.
    pub reason: String,
    /// The organizations to check.
    pub organizations: Vec<String>,
}

/// One portal's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortalReport {
    /// The configured portal name.
    pub portal: String,
    /// The portal's vendor.
    pub vendor: Vendor,
    /// The signals that counted.
    pub signals: Vec<Signal>,
    /// Accounts judged.
    pub accounts: usize,
    /// Enabled accounts.
    pub enabled: usize,
    /// Enabled accounts classified `dormant`.
    pub dormant: usize,
    /// Enabled accounts classified `never-logged-in`.
    pub never_logged_in: usize,
    /// Accounts classified `unknown` (never acted on).
    pub unknown: usize,
    /// Accounts excluded by a rule.
    pub excluded: usize,
    /// `dormant` over `enabled`, in percent (one decimal); none without enabled accounts.
    pub dormant_percent: Option<f64>,
    /// Accounts per stage reached.
    pub stages: BTreeMap<Stage, usize>,
    /// What to check by hand, when the vendor documents no activity signal.
    pub manual_check: Option<ManualCheck>,
}

impl PortalReport {
    fn new(policy: &Policy, portal: &str, vendor: Vendor) -> Self {
        Self {
            portal: portal.to_owned(),
            vendor,
            signals: policy.signals(vendor).to_vec(),
            accounts: 0,
            enabled: 0,
            dormant: 0,
            never_logged_in: 0,
            unknown: 0,
            excluded: 0,
            dormant_percent: None,
            stages: BTreeMap::new(),
            manual_check: Signal::of(vendor).is_empty().then(|| ManualCheck {
                reason: format!(
                    "{vendor} documents no activity signal: check its accounts by hand"
                ),
                organizations: Vec::new(),
            }),
        }
    }
}

/// Adds accounts one at a time, so a caller streaming accounts needs no list of them.
#[derive(Debug)]
pub struct Report<'a> {
    policy: &'a Policy,
    portals: BTreeMap<String, PortalReport>,
}

impl<'a> Report<'a> {
    /// An empty report.
    pub fn new(policy: &'a Policy) -> Self {
        Self {
            policy,
            portals: BTreeMap::new(),
        }
    }

    fn portal(&mut self, portal: &str, vendor: Vendor) -> &mut PortalReport {
        if !self.portals.contains_key(portal) {
            let report = PortalReport::new(self.policy, portal, vendor);
            self.portals.insert(portal.to_owned(), report);
        }
        self.portals.get_mut(portal).expect("inserted above")
    }

    /// Counts one judged account.
    pub fn add(&mut self, account: &PlannedAccount) {
        let report = self.portal(&account.portal, account.vendor);
        report.accounts += 1;
        let enabled = account.status == AccountStatus::Enabled;
        report.enabled += usize::from(enabled);
        match account.classification {
            Classification::Dormant => report.dormant += usize::from(enabled),
            Classification::NeverLoggedIn => report.never_logged_in += usize::from(enabled),
            Classification::Unknown => report.unknown += 1,
            Classification::Active => {}
        }
        report.excluded += usize::from(account.excluded_by.is_some());
        if let Some(stage) = account.stage {
            *report.stages.entry(stage).or_default() += 1;
        }
    }

    /// Records a portal that could not be listed, with its organizations to check.
    pub fn add_unlisted(&mut self, unlisted: &Unlisted) {
        let report = self.portal(&unlisted.portal, unlisted.vendor);
        let check = report.manual_check.get_or_insert_with(|| ManualCheck {
            reason: format!(
                "{} accounts could not be listed: check them by hand",
                unlisted.vendor
            ),
            organizations: Vec::new(),
        });
        check
            .organizations
            .extend(unlisted.organizations.iter().cloned());
    }

    /// The per-portal summaries, by portal name.
    pub fn finish(self) -> Vec<PortalReport> {
        self.portals
            .into_values()
            .map(|mut report| {
                report.dormant_percent = (report.enabled > 0).then(|| {
                    #[allow(clippy::cast_precision_loss)]
                    let percent = report.dormant as f64 * 100.0 / report.enabled as f64;
                    (percent * 10.0).round() / 10.0
                });
                report
            })
            .collect()
    }
}

/// The whole plan: every account judged, and the per-portal report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyPlan {
    /// Every account, in input order.
    pub accounts: Vec<PlannedAccount>,
    /// One summary per portal, by name.
    pub portals: Vec<PortalReport>,
}

impl PolicyPlan {
    /// One flat row per account, for CSV and tables.
    pub fn rows(&self) -> impl Iterator<Item = PlanRow> + '_ {
        self.accounts.iter().map(PlanRow::from)
    }
}

/// One account as a flat row (CSV columns).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRow {
    /// Portal name.
    pub portal: String,
    /// Vendor.
    pub vendor: &'static str,
    /// Account id.
    pub id: String,
    /// Email, or empty.
    pub email: String,
    /// User name, or empty.
    pub username: String,
    /// `active`, `dormant`, `never-logged-in` or `unknown`.
    pub classification: &'static str,
    /// The signal that gave the last activity, or empty.
    pub signal: String,
    /// The last activity (RFC 3339), or empty.
    pub last_activity: String,
    /// Days inactive, or empty.
    pub inactive_days: String,
    /// The stage reached, or empty.
    pub stage: &'static str,
    /// The actions still needed, `;`-separated.
    pub actions: String,
    /// The exclusion, or empty.
    pub excluded_by: String,
    /// Why, in words.
    pub reason: String,
}

impl From<&PlannedAccount> for PlanRow {
    fn from(account: &PlannedAccount) -> Self {
        let text = |value: Option<&String>| value.cloned().unwrap_or_default();
        Self {
            portal: account.portal.clone(),
            vendor: account.vendor.as_str(),
            id: account.id.clone(),
            email: text(account.email.as_ref()),
            username: text(account.username.as_ref()),
            classification: account.classification.as_str(),
            signal: account
                .signal
                .map(|signal| signal.as_str().to_owned())
                .unwrap_or_default(),
            last_activity: account
                .last_activity
                .map(|at| at.to_rfc3339())
                .unwrap_or_default(),
            inactive_days: account
                .inactive_days
                .map(|days| days.to_string())
                .unwrap_or_default(),
            stage: account.stage.map_or("", Stage::as_str),
            actions: account
                .actions
                .iter()
                .map(super::plan::Action::label)
                .collect::<Vec<_>>()
                .join(";"),
            excluded_by: account
                .excluded_by
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            reason: account.reason.clone(),
        }
    }
}

impl Policy {
    /// Judges every account at `now` and reports per portal, including the portals that
    /// could not be listed.
    /// Each account is dropped once judged, so judging accounts moved out of a listing
    /// holds no second copy of them.
    pub fn plan(
        &self,
        accounts: impl IntoIterator<Item = Account>,
        unlisted: &[Unlisted],
        now: DateTime<Utc>,
    ) -> PolicyPlan {
        let mut report = Report::new(self);
        let accounts: Vec<PlannedAccount> = accounts
            .into_iter()
            .map(|account| {
                let planned = self.evaluate(&account, now);
                report.add(&planned);
                planned
            })
            .collect();
        for portal in unlisted {
            report.add_unlisted(portal);
        }
        PolicyPlan {
            accounts,
            portals: report.finish(),
        }
    }
}
