//! Hand-written value types: lenient date-times.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date-time from the portal, read leniently: RFC 3339 (`2025-02-11T14:03:22Z`), or
/// without an offset (`2025-02-11T14:03:22.123`, as .NET often writes), taken as UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    /// Parses the forms described on the type.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(value) = DateTime::parse_from_rfc3339(text) {
            return Some(Self(value.with_timezone(&Utc)));
        }
        // Years past 9999 or before 0 carry a sign (`+80250-…`), as `Display` writes them.
        if text.starts_with(['+', '-'])
            && let Ok(value) = text.parse::<DateTime<FixedOffset>>()
        {
            return Some(Self(value.with_timezone(&Utc)));
        }
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(|naive| Self(naive.and_utc()))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Self(value)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date-time: {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_past_9999_read_back_what_they_write() {
        // Found by fuzzing: `+80250-06-30T09:12:02` parsed, but its `+80250-…Z` text did not.
        let far = Timestamp::parse("+80250-06-30T09:12:02").unwrap();
        assert_eq!(far.to_string(), "+80250-06-30T09:12:02Z");
        assert_eq!(Timestamp::parse(&far.to_string()), Some(far));
        let json = serde_json::to_string(&far).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), far);
        let early = Timestamp::parse("-0001-01-01T00:00:00Z").unwrap();
        assert_eq!(Timestamp::parse(&early.to_string()), Some(early));
    }

    #[test]
    fn lenient_forms() {
        let z = Timestamp::parse("2025-02-11T14:03:22Z").unwrap();
        assert_eq!(z.to_string(), "2025-02-11T14:03:22Z");
        assert_eq!(Timestamp::parse("2025-02-11T14:03:22").unwrap(), z);
        assert_eq!(Timestamp::parse("2025-02-11T16:03:22+02:00").unwrap(), z);
        assert!(Timestamp::parse("2025-02-11T14:03:22.5").unwrap() > z);
        assert!(Timestamp::parse("yesterday").is_none());
        let json: Timestamp = serde_json::from_str("\"2025-02-11T14:03:22Z\"").unwrap();
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            "\"2025-02-11T14:03:22Z\""
        );
    }
}
