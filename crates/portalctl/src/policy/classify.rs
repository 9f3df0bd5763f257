//! Classification of one account from its activity signals: `active`, `dormant`,
//! `never-logged-in` or `unknown`.
//!
//! Only the signals the policy chose for the vendor count, and of those only the ones the
//! portal reported. None reported: `unknown` (never acted on). Reported, all "never":
//! `never-logged-in`. Otherwise the most recent one decides: inactive for at least the
//! threshold (whole days) is `dormant`, else `active`. A date in the future counts as
//! activity today.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::account::Account;
use super::signal::Signal;
use super::threshold::Days;

/// What the activity signals say about an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Classification {
    /// Used within the threshold.
    Active,
    /// Not used for at least the threshold.
    Dormant,
    /// The portal says it was never used.
    NeverLoggedIn,
    /// No usable signal: never acted on.
    Unknown,
}

impl Classification {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Active => "active",
            Classification::Dormant => "dormant",
            Classification::NeverLoggedIn => "never-logged-in",
            Classification::Unknown => "unknown",
        }
    }
}

/// The classification and the evidence for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    /// The classification.
    pub classification: Classification,
    /// The most recent activity and the signal that reported it.
    pub last: Option<(Signal, DateTime<Utc>)>,
    /// Whole days since the last activity; for an account that never logged in, since it
    /// was created (when known).
    pub inactive_days: Option<i64>,
}

/// Classifies `account` by the `signals` that count, against `dormant_after`.
pub fn classify(
    account: &Account,
    signals: &[Signal],
    dormant_after: Days,
    now: DateTime<Utc>,
) -> Activity {
    let days_since = |at: DateTime<Utc>| (now - at).num_days().max(0);
    let mut reported = false;
    let mut last: Option<(Signal, DateTime<Utc>)> = None;
    for signal in signals {
        let Some(value) = account.signals.get(signal) else {
            continue;
        };
        reported = true;
        if let Some(at) = value
            && last.is_none_or(|(_, newest)| *at > newest)
        {
            last = Some((*signal, *at));
        }
    }
    let (classification, inactive_days) = match last {
        Some((_, at)) if days_since(at) >= i64::from(dormant_after.get()) => {
            (Classification::Dormant, Some(days_since(at)))
        }
        Some((_, at)) => (Classification::Active, Some(days_since(at))),
        None if reported => (
            Classification::NeverLoggedIn,
            account.created_at.map(days_since),
        ),
        None => (Classification::Unknown, None),
    };
    Activity {
        classification,
        last,
        inactive_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::test_support::{account, days_ago, now};

    const LM: &[Signal] = &[Signal::LastLoginOn, Signal::LastActionOn];

    #[test]
    fn the_most_recent_chosen_signal_decides_and_the_boundary_is_inclusive() {
        let threshold = Days::new(45).unwrap();
        let mut user = account("lm", |user| {
            user.signals
                .insert(Signal::LastLoginOn, Some(days_ago(100)));
            user.signals
                .insert(Signal::LastActionOn, Some(days_ago(44)));
            user.signals.insert(Signal::LastAccessOn, Some(days_ago(1)));
        });
        let activity = classify(&user, LM, threshold, now());
        assert_eq!(activity.classification, Classification::Active);
        assert_eq!(activity.last, Some((Signal::LastActionOn, days_ago(44))));
        assert_eq!(activity.inactive_days, Some(44));
        user.signals
            .insert(Signal::LastActionOn, Some(days_ago(45)));
        let activity = classify(&user, LM, threshold, now());
        assert_eq!(
            activity.classification,
            Classification::Dormant,
            "45 of 45 days"
        );
        // Only the chosen signals count: lastAccessOn (yesterday) was not chosen above.
        let activity = classify(&user, &[Signal::LastAccessOn], threshold, now());
        assert_eq!(activity.classification, Classification::Active);
    }

    #[test]
    fn never_and_missing_signals_are_told_apart() {
        let threshold = Days::new(45).unwrap();
        let never = account("lm", |user| {
            user.signals.insert(Signal::LastLoginOn, None);
            user.created_at = Some(days_ago(10));
        });
        let activity = classify(&never, LM, threshold, now());
        assert_eq!(activity.classification, Classification::NeverLoggedIn);
        assert_eq!(activity.inactive_days, Some(10), "days since creation");
        let silent = account("lm", |user| {
            user.signals
                .insert(Signal::LastAccessOn, Some(days_ago(400)));
        });
        let activity = classify(&silent, LM, threshold, now());
        assert_eq!(activity.classification, Classification::Unknown);
        assert_eq!(activity.inactive_days, None);
    }
}
