//! Times as the simulated vendors write them: UTC dates in each vendor's pattern, and
//! epoch milliseconds.

use std::time::SystemTime;

use chrono::{DateTime, Utc};

/// `2023-01-23 23:46:35`, Allthenticate's dates.
#[cfg(feature = "allthenticate")]
pub(crate) const SPACED_SECONDS: &str = "%Y-%m-%d %H:%M:%S";

/// `2026-01-01T00:00:00Z`, ThreatLocker's dates.
#[cfg(feature = "threatlocker")]
pub(crate) const RFC3339_SECONDS: &str = "%Y-%m-%dT%H:%M:%SZ";

/// `2024-05-02T08:41:17.000Z`, Whaly's dates.
#[cfg(feature = "partner-portal")]
pub(crate) const RFC3339_MILLIS: &str = "%Y-%m-%dT%H:%M:%S%.3fZ";

/// `time` in UTC, written with a `strftime` pattern (one of this module's constants).
#[cfg(any(
    feature = "allthenticate",
    feature = "threatlocker",
    feature = "partner-portal"
))]
pub(crate) fn format_utc(time: SystemTime, pattern: &str) -> String {
    DateTime::<Utc>::from(time).format(pattern).to_string()
}

/// Milliseconds since the epoch (negative before it).
#[cfg(any(feature = "partner-portal", feature = "logicmonitor"))]
pub(crate) fn epoch_millis(time: SystemTime) -> i64 {
    DateTime::<Utc>::from(time).timestamp_millis()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// The instant `millis` after the epoch, written with `pattern`.
    #[cfg(any(
        feature = "allthenticate",
        feature = "threatlocker",
        feature = "partner-portal"
    ))]
    fn written(millis: u64, pattern: &str) -> String {
        format_utc(UNIX_EPOCH + Duration::from_millis(millis), pattern)
    }

    #[cfg(feature = "allthenticate")]
    #[test]
    fn allthenticate_dates_are_spaced_seconds() {
        assert_eq!(
            written(1_674_517_595_000, SPACED_SECONDS),
            "2023-01-23 23:46:35"
        );
        assert_eq!(written(0, SPACED_SECONDS), "1970-01-01 00:00:00");
        assert_eq!(
            written(951_782_400_000, SPACED_SECONDS),
            "2000-02-29 00:00:00"
        );
    }

    #[cfg(feature = "threatlocker")]
    #[test]
    fn threatlocker_dates_are_rfc3339_seconds() {
        assert_eq!(
            written(1_767_225_600_000, RFC3339_SECONDS),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            written(1_739_282_602_000, RFC3339_SECONDS),
            "2025-02-11T14:03:22Z"
        );
    }

    #[cfg(feature = "partner-portal")]
    #[test]
    fn whaly_dates_are_rfc3339_millis() {
        assert_eq!(written(0, RFC3339_MILLIS), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            written(1_714_639_277_000, RFC3339_MILLIS),
            "2024-05-02T08:41:17.000Z"
        );
        assert_eq!(
            written(951_782_400_123, RFC3339_MILLIS),
            "2000-02-29T00:00:00.123Z"
        );
        assert_eq!(
            written(1_767_225_599_999, RFC3339_MILLIS),
            "2025-12-31T23:59:59.999Z"
        );
    }

    #[cfg(any(feature = "partner-portal", feature = "logicmonitor"))]
    #[test]
    fn epoch_millis_count_both_ways() {
        let after = UNIX_EPOCH + Duration::from_millis(1_714_639_277_123);
        assert_eq!(epoch_millis(after), 1_714_639_277_123);
        assert_eq!(
            epoch_millis(UNIX_EPOCH - Duration::from_millis(1_500)),
            -1_500
        );
    }
}
