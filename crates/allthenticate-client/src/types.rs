//! Hand-written value types: the open enums and the zone-less timestamp the generated
//! models refer to, and [`Ack`], what a successful mutation said.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use core_http::Response;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! open_enum {
    (
        $(#[$doc:meta])*
        $name:ident { $( $(#[$vdoc:meta])* $variant:ident => $wire:literal ),+ $(,)? }
    ) => {
        $(#[$doc])*
        ///
        /// Values this crate does not know are kept in `Unknown`, so a new server value
        /// never breaks decoding. Known values match case-insensitively.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )+
            /// A value this crate does not know, exactly as received.
            Unknown(String),
        }

        impl $name {
            /// The wire spelling.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other,
                }
            }

            /// Whether this is one of the documented values.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                $( if value.eq_ignore_ascii_case($wire) { return Ok(Self::$variant); } )+
                Ok(Self::Unknown(value.to_owned()))
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value.parse() {
                    Ok(parsed) => parsed,
                    Err(never) => match never {},
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(Self::from(text.as_str()))
            }
        }
    };
}

open_enum!(
    /// An admin rank, set with `/modifyrank`.
    Rank {
        /// No admin rights.
        Regular => "REGULAR",
        /// Can add users, create policies, etc.
        Admin => "ADMIN",
        /// Can also create other admins and see billing.
        Super => "SUPER",
    }
);

open_enum!(
    /// A user's tag: full member or guest.
    UserTag {
        /// Regular access.
        User => "USER",
        /// Guest access: cannot be put into policies or groups like regular users.
        Guest => "GUEST",
    }
);

open_enum!(
    /// The "Authentication Device" status of a listed user. The vendor shows only
    /// `ACTIVE`; `SUSPENDED` is the documented suspension state, which this crate (following
    /// the reference's inference) expects to appear here after `/togglesuspension`.
    AdStatus {
        /// Active.
        Active => "ACTIVE",
        /// Active but suspended.
        Suspended => "SUSPENDED",
    }
);

open_enum!(
    /// Whether the user confirmed their email. Only `CONFIRMED` is documented; any other
    /// value (such as a pending state) arrives as `Unknown`.
    EmailStatus {
        /// The email is confirmed.
        Confirmed => "CONFIRMED",
    }
);

/// The wire format of Allthenticate timestamps.
pub const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A timestamp as Allthenticate sends it: `YYYY-MM-DD HH:MM:SS` with **no time zone**.
///
/// The vendor does not say which zone; UTC is likely but unverified, so the value is kept
/// as a [`NaiveDateTime`] and [`assume_utc`](Self::assume_utc) makes the assumption
/// explicit at the call site. Reading also accepts a `T` separator and fractional seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub NaiveDateTime);

impl Timestamp {
    /// Parses `YYYY-MM-DD HH:MM:SS` (also with `T` and fractional seconds).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map(Self)
    }

    /// The naive date-time.
    pub fn naive(&self) -> NaiveDateTime {
        self.0
    }

    /// The instant, assuming the server meant UTC (probable, not documented).
    pub fn assume_utc(&self) -> DateTime<Utc> {
        self.0.and_utc()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(TIMESTAMP_FORMAT))
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
        Self::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("`{text}` is not a `YYYY-MM-DD HH:MM:SS` timestamp"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};

    #[test]
    fn open_enums_keep_unknown_values() {
        assert_eq!(Rank::from("admin"), Rank::Admin);
        assert_eq!(Rank::from("OWNER"), Rank::Unknown("OWNER".into()));
        assert!(!Rank::from("OWNER").is_known());
        let status: AdStatus = serde_json::from_str("\"LOCKED\"").unwrap();
        assert_eq!(status.as_str(), "LOCKED");
        assert_eq!(serde_json::to_string(&UserTag::Guest).unwrap(), "\"GUEST\"");
    }

    #[test]
    fn timestamps_parse_the_documented_format() {
        let ts: Timestamp = serde_json::from_str("\"2023-01-23 23:46:35\"").unwrap();
        assert_eq!((ts.0.year(), ts.0.month(), ts.0.day()), (2023, 1, 23));
        assert_eq!((ts.0.hour(), ts.0.minute(), ts.0.second()), (23, 46, 35));
        assert_eq!(ts.to_string(), "2023-01-23 23:46:35");
        assert_eq!(ts.assume_utc().timestamp(), 1_674_517_595);
        assert!(Timestamp::parse("2023-01-23T23:46:35.5").is_some());
        assert!(serde_json::from_str::<Timestamp>("\"yesterday\"").is_err());
    }
}

/// What a successful mutation said. Success is decided by the status alone; the body's
/// `{"success": "..."}` message is kept when there is one (an empty or non-JSON body is
/// fine).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Ack {
    /// The HTTP status (a 2xx).
    pub status: u16,
    /// The `success` message, when the body had one.
    pub message: Option<String>,
}

impl Ack {
    pub(crate) fn from_response(response: &Response) -> Self {
        let message = serde_json::from_slice::<serde_json::Value>(response.body())
            .ok()
            .and_then(|value| {
                value
                    .get("success")
                    .and_then(|v| v.as_str().map(str::to_owned))
            });
        Self {
            status: response.status().as_u16(),
            message,
        }
    }
}
