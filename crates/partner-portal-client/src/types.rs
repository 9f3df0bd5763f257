//! Hand-written value types: the tolerant last-login time and the user attribute.

use std::fmt;
use std::ops::Deref;

use chrono::{DateTime, FixedOffset, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Epoch values from this magnitude up are read as milliseconds, below it as seconds.
///
/// `1e11` seconds lies in the year 5138, while `1e11` milliseconds is March 1973, so
/// every plausible login time is read correctly either way.
pub const EPOCH_MILLIS_THRESHOLD: f64 = 1e11;

/// When a portal user last logged in: `None` for someone who never did.
///
/// Whaly's schema says "ISO 8601 date-time" while every rendered example shows a number,
/// so this reads any of (unverified, see the crate docs):
///
/// - an ISO 8601 / RFC 3339 string (`"2024-05-02T08:41:17.000Z"`; without an offset it
///   is taken as UTC; a string of digits is read as an epoch number),
/// - an epoch number: seconds, or milliseconds from [`EPOCH_MILLIS_THRESHOLD`] up,
/// - `null`, an empty string, or no field at all: never logged in.
///
/// It dereferences to `Option<DateTime<Utc>>`, and serializes as an RFC 3339 string with
/// milliseconds, or `null`.
///
/// ```
/// use partner_portal_client::LastLoggedAt;
/// let seconds: LastLoggedAt = serde_json::from_str("1714639277").unwrap();
/// let millis: LastLoggedAt = serde_json::from_str("1714639277000").unwrap();
/// let text: LastLoggedAt = serde_json::from_str(r#""2024-05-02T08:41:17.000Z""#).unwrap();
/// assert_eq!(seconds, millis);
/// assert_eq!(seconds, text);
/// let never: LastLoggedAt = serde_json::from_str("null").unwrap();
/// assert!(never.is_none());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LastLoggedAt(pub Option<DateTime<Utc>>);

impl LastLoggedAt {
    /// A user who never logged in.
    pub const NEVER: Self = Self(None);

    /// The time, if the user ever logged in.
    pub fn get(self) -> Option<DateTime<Utc>> {
        self.0
    }
}

impl Deref for LastLoggedAt {
    type Target = Option<DateTime<Utc>>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl From<Option<DateTime<Utc>>> for LastLoggedAt {
    fn from(value: Option<DateTime<Utc>>) -> Self {
        Self(value)
    }
}

impl From<DateTime<Utc>> for LastLoggedAt {
    fn from(value: DateTime<Utc>) -> Self {
        Self(Some(value))
    }
}

impl From<LastLoggedAt> for Option<DateTime<Utc>> {
    fn from(value: LastLoggedAt) -> Self {
        value.0
    }
}

impl Serialize for LastLoggedAt {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(time) => {
                serializer.serialize_str(&time.to_rfc3339_opts(SecondsFormat::Millis, true))
            }
            None => serializer.serialize_none(),
        }
    }
}

impl<'de> Deserialize<'de> for LastLoggedAt {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // `deserialize_option` also makes a missing field read as `None` (serde's derive
        // hands a missing field to `visit_none`), so "absent" needs no `#[serde(default)]`.
        deserializer.deserialize_option(LastLoggedAtVisitor)
    }
}

struct LastLoggedAtVisitor;

impl<'de> Visitor<'de> for LastLoggedAtVisitor {
    type Value = LastLoggedAt;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an ISO 8601 date-time, an epoch number in seconds or milliseconds, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(LastLoggedAt(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(LastLoggedAt(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        // Lossy only past 2^53 milliseconds (year 287 396): no real login time.
        #[allow(clippy::cast_precision_loss)]
        from_epoch(value as f64).map(Some).map(LastLoggedAt)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        #[allow(clippy::cast_precision_loss)]
        from_epoch(value as f64).map(Some).map(LastLoggedAt)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        from_epoch(value).map(Some).map(LastLoggedAt)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        parse_text(value).map(LastLoggedAt)
    }
}

/// An epoch number, in milliseconds from [`EPOCH_MILLIS_THRESHOLD`] up, else seconds.
fn from_epoch<E: de::Error>(value: f64) -> Result<DateTime<Utc>, E> {
    if !value.is_finite() {
        return Err(E::custom("epoch time is not a finite number"));
    }
    let millis = if value.abs() >= EPOCH_MILLIS_THRESHOLD {
        value
    } else {
        value * 1000.0
    };
    // Checked by `timestamp_millis_opt` below; values beyond i64 saturate and fail there.
    #[allow(clippy::cast_possible_truncation)]
    let millis = millis.round() as i64;
    Utc.timestamp_millis_opt(millis)
        .single()
        .ok_or_else(|| E::custom(format!("epoch time {value} is out of range")))
}

fn parse_text<E: de::Error>(text: &str) -> Result<Option<DateTime<Utc>>, E> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    // Years past 9999 or before 0 carry a sign (`+30137-…`), as serializing writes them.
    if text.starts_with(['+', '-'])
        && let Ok(time) = text.parse::<DateTime<FixedOffset>>()
    {
        return Ok(Some(time.with_timezone(&Utc)));
    }
    if let Ok(number) = text.parse::<f64>() {
        return from_epoch(number).map(Some);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(Some(naive.and_utc()));
        }
    }
    Err(E::custom(format!(
        "`{text}` is neither an ISO 8601 date-time nor an epoch number"
    )))
}

/// The value type of a user attribute: an open set, so a new server value still decodes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttributeType {
    /// `STRING`.
    String,
    /// `BOOLEAN`.
    Boolean,
    /// `NUMBER`.
    Number,
    /// `TIME`.
    Time,
    /// Any other value, including Whaly's own `UNKNOWN`, kept as sent.
    Unknown(String),
}

impl AttributeType {
    /// The wire value, e.g. `STRING`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::String => "STRING",
            Self::Boolean => "BOOLEAN",
            Self::Number => "NUMBER",
            Self::Time => "TIME",
            Self::Unknown(other) => other,
        }
    }
}

impl From<&str> for AttributeType {
    fn from(value: &str) -> Self {
        match value {
            "STRING" => Self::String,
            "BOOLEAN" => Self::Boolean,
            "NUMBER" => Self::Number,
            "TIME" => Self::Time,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

impl fmt::Display for AttributeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AttributeType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AttributeType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::from(text.as_str()))
    }
}

/// A user attribute of the organisation (`/v1/user-attributes`), e.g. a per-partner
/// "tenant id" that drives row-level filtering.
///
/// The multi-value flag is read from `allow_multiple_values` (the schema's name) or
/// `allowMultipleValues` (the documentation example's); it is `false` when absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserAttribute {
    /// The attribute id, used in a create's `attributes`.
    pub id: String,
    /// The technical name, e.g. `tenant_id`.
    pub name: String,
    /// The display label, e.g. `Tenant ID`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The value type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub attribute_type: Option<AttributeType>,
    /// Whether a user may hold several values.
    pub allow_multiple_values: bool,
}

#[derive(Deserialize)]
struct UserAttributeWire {
    id: String,
    name: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default, rename = "type")]
    attribute_type: Option<AttributeType>,
    #[serde(default)]
    allow_multiple_values: Option<bool>,
    #[serde(default, rename = "allowMultipleValues")]
    allow_multiple_values_camel: Option<bool>,
}

impl<'de> Deserialize<'de> for UserAttribute {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = UserAttributeWire::deserialize(deserializer)?;
        Ok(Self {
            id: wire.id,
            name: wire.name,
            label: wire.label,
            attribute_type: wire.attribute_type,
            allow_multiple_values: wire
                .allow_multiple_values
                .or(wire.allow_multiple_values_camel)
                .unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Holder {
        #[allow(dead_code)]
        id: u8,
        last_logged_at: LastLoggedAt,
    }

    #[test]
    fn times_past_year_9999_read_back_what_they_write() {
        // Found by fuzzing: 888888888888882 ms is in the year 30137, written with a
        // sign (`+30137-…`) that the RFC 3339 parser refused.
        for json in ["888888888888882", "-62135596800001", "253402300800000"] {
            let at: LastLoggedAt = serde_json::from_str(json).unwrap();
            let written = serde_json::to_string(&at).unwrap();
            let again: LastLoggedAt = serde_json::from_str(&written).unwrap();
            assert_eq!(again, at, "{json} written as {written}");
        }
        let far: LastLoggedAt = serde_json::from_str(r#""+30137-10-07T20:14:48.882Z""#).unwrap();
        assert_eq!(
            far.map(|at| at.timestamp_millis()),
            Some(888_888_888_888_882)
        );
    }

    fn read(json: &str) -> Option<DateTime<Utc>> {
        serde_json::from_str::<Holder>(json)
            .unwrap()
            .last_logged_at
            .get()
    }

    #[test]
    fn reads_every_documented_shape() {
        let expected = Utc.with_ymd_and_hms(2024, 5, 2, 8, 41, 17).unwrap();
        assert_eq!(
            read(r#"{"id":1,"last_logged_at":"2024-05-02T08:41:17.000Z"}"#),
            Some(expected)
        );
        assert_eq!(
            read(r#"{"id":1,"last_logged_at":"2024-05-02T10:41:17+02:00"}"#),
            Some(expected)
        );
        assert_eq!(
            read(r#"{"id":1,"last_logged_at":1714639277}"#),
            Some(expected)
        );
        assert_eq!(
            read(r#"{"id":1,"last_logged_at":1714639277000}"#),
            Some(expected)
        );
        assert_eq!(
            read(r#"{"id":1,"last_logged_at":1714639277.0}"#),
            Some(expected)
        );
        assert_eq!(read(r#"{"id":1,"last_logged_at":null}"#), None);
        assert_eq!(read(r#"{"id":1}"#), None);
        assert_eq!(read(r#"{"id":1,"last_logged_at":""}"#), None);
        // The docs' rendered example: the number 1, one second after the epoch.
        assert_eq!(
            read(r#"{"id":1,"last_logged_at":1}"#),
            Some(Utc.timestamp_opt(1, 0).unwrap())
        );
    }

    #[test]
    fn rejects_garbage_with_a_clear_message() {
        let error =
            serde_json::from_str::<Holder>(r#"{"id":1,"last_logged_at":"yesterday"}"#).unwrap_err();
        assert!(error.to_string().contains("yesterday"), "{error}");
        assert!(serde_json::from_str::<Holder>(r#"{"id":1,"last_logged_at":true}"#).is_err());
    }

    #[test]
    fn round_trips_as_rfc3339_or_null() {
        let time = LastLoggedAt::from(Utc.with_ymd_and_hms(2024, 5, 2, 8, 41, 17).unwrap());
        let json = serde_json::to_string(&time).unwrap();
        assert_eq!(json, r#""2024-05-02T08:41:17.000Z""#);
        assert_eq!(serde_json::from_str::<LastLoggedAt>(&json).unwrap(), time);
        assert_eq!(serde_json::to_string(&LastLoggedAt::NEVER).unwrap(), "null");
    }

    #[test]
    fn attribute_flag_accepts_both_spellings_and_open_types() {
        let snake: UserAttribute = serde_json::from_str(
            r#"{"id":"ua_1","name":"region","type":"STRING","allow_multiple_values":true}"#,
        )
        .unwrap();
        let camel: UserAttribute = serde_json::from_str(
            r#"{"id":"ua_1","name":"region","type":"STRING","allowMultipleValues":true}"#,
        )
        .unwrap();
        assert!(snake.allow_multiple_values);
        assert_eq!(snake, camel);
        let both: UserAttribute = serde_json::from_str(
            r#"{"id":"ua_1","name":"r","allow_multiple_values":false,"allowMultipleValues":false}"#,
        )
        .unwrap();
        assert!(!both.allow_multiple_values);
        let odd: UserAttribute =
            serde_json::from_str(r#"{"id":"ua_2","name":"x","type":"GEOPOINT"}"#).unwrap();
        assert_eq!(
            odd.attribute_type,
            Some(AttributeType::Unknown("GEOPOINT".into()))
        );
        assert!(!odd.allow_multiple_values);
    }
}
