//! Thresholds in whole days, written as a number or a named preset.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// The named presets and their days: CIS Control 5.3 (45), PCI DSS (90), CMMC programs (180).
pub const PRESETS: [(&str, u32); 3] = [("cis-5.3", 45), ("pci", 90), ("cmmc", 180)];

/// A number of whole days, at least one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Days(u32);

impl Days {
    /// `days` as a threshold; `None` for 0, which is refused.
    pub fn new(days: u32) -> Option<Self> {
        (days > 0).then_some(Self(days))
    }

    /// The number of days.
    pub fn get(self) -> u32 {
        self.0
    }

    /// The days of a named preset (`cis-5.3`, `pci`, `cmmc`).
    pub fn preset(name: &str) -> Option<Self> {
        PRESETS
            .iter()
            .find(|(preset, _)| *preset == name)
            .map(|(_, days)| Self(*days))
    }
}

impl fmt::Display for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} days", self.0)
    }
}

impl<'de> Deserialize<'de> for Days {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DaysVisitor)
    }
}

struct DaysVisitor;

impl Visitor<'_> for DaysVisitor {
    type Value = Days;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number of days or a preset (cis-5.3, pci, cmmc)")
    }

    fn visit_i64<E: de::Error>(self, days: i64) -> Result<Days, E> {
        if days == 0 {
            return Err(E::custom("a threshold of 0 days is refused"));
        }
        u32::try_from(days)
            .ok()
            .and_then(Days::new)
            .ok_or_else(|| E::custom(format!("{days} is not a positive number of days")))
    }

    fn visit_u64<E: de::Error>(self, days: u64) -> Result<Days, E> {
        self.visit_i64(i64::try_from(days).unwrap_or(-1))
    }

    fn visit_f64<E: de::Error>(self, days: f64) -> Result<Days, E> {
        Err(E::custom(format!("{days} is not a whole number of days")))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Days, E> {
        Days::preset(name).ok_or_else(|| {
            E::custom(format!(
                "unknown preset `{name}` (expected cis-5.3, pci, cmmc or a whole number of days)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct One {
        after: Days,
    }

    fn parse(value: &str) -> Result<Days, String> {
        toml::from_str::<One>(&format!("after = {value}"))
            .map(|one| one.after)
            .map_err(|error| error.message().to_owned())
    }

    #[test]
    fn presets_are_the_documented_day_counts() {
        assert_eq!(parse("\"cis-5.3\"").unwrap().get(), 45);
        assert_eq!(parse("\"pci\"").unwrap().get(), 90);
        assert_eq!(parse("\"cmmc\"").unwrap().get(), 180);
        assert_eq!(parse("14").unwrap().get(), 14);
    }

    #[test]
    fn zero_negative_fractional_and_unknown_are_refused() {
        assert!(parse("0").unwrap_err().contains("0 days is refused"));
        assert!(parse("-3").unwrap_err().contains("not a positive"));
        assert!(parse("1.5").unwrap_err().contains("whole number"));
        assert!(
            parse("\"hipaa\"")
                .unwrap_err()
                .contains("unknown preset `hipaa`")
        );
    }
}
