//! Hand-written models that the generated ones refer to: open enums, the UI-tab
//! permissions and secrets.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A user's status. Values LogicMonitor may add later decode as [`AdminStatus::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AdminStatus {
    /// `active`: the user may log in.
    Active,
    /// `suspended`: the user may not log in.
    Suspended,
    /// Any other value, kept verbatim.
    Unknown(String),
}

impl AdminStatus {
    /// The wire value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Unknown(other) => other,
        }
    }
}

impl From<&str> for AdminStatus {
    fn from(value: &str) -> Self {
        match value {
            "active" => Self::Active,
            "suspended" => Self::Suspended,
            other => Self::Unknown(other.to_owned()),
        }
    }
}

impl fmt::Display for AdminStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AdminStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AdminStatus {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor(PhantomData))
    }
}

/// Reads a string into any `T: From<&str>` without first copying it into a `String`.
struct FromStrVisitor<T>(PhantomData<T>);

impl<T: for<'a> From<&'a str>> Visitor<'_> for FromStrVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        Ok(T::from(value))
    }
}

/// The UI tabs a user may see (`viewPermission`).
///
/// In REST v3 it is an object of tab name → allowed, e.g.
/// `{"Resources":true,"Alerts":false}`; tabs keep the server's order and any name (older
/// accounts also have `Hosts` and `Services`), and a value that is not a boolean is kept
/// as sent. LogicMonitor's usual tab names are held without allocating, which matters
/// when a listing decodes many thousands of users. Anything but an object (older
/// examples show a JSON string) is kept verbatim as [`ViewPermission::Other`].
#[derive(Debug, Clone, PartialEq)]
pub enum ViewPermission {
    /// Tab name → the value sent (a boolean in v3).
    Tabs(Vec<(Cow<'static, str>, Value)>),
    /// Any other JSON value, kept verbatim.
    Other(Value),
}

/// Tab names LogicMonitor uses, held as `&'static str` when they arrive.
const KNOWN_TABS: [&str; 11] = [
    "Resources",
    "Websites",
    "Reports",
    "Dashboards",
    "Alerts",
    "Settings",
    "Maps",
    "Logs",
    "Traces",
    "Hosts",
    "Services",
];

impl ViewPermission {
    /// Whether `tab` is allowed: `None` when it is absent or its value is not a boolean.
    pub fn allows(&self, tab: &str) -> Option<bool> {
        self.tabs()
            .find(|(name, _)| *name == tab)
            .and_then(|(_, value)| value.as_bool())
    }

    /// The tabs and their values, in the server's order (none for [`ViewPermission::Other`]).
    pub fn tabs(&self) -> impl Iterator<Item = (&str, &Value)> {
        let tabs = match self {
            Self::Tabs(tabs) => tabs.as_slice(),
            Self::Other(_) => &[],
        };
        tabs.iter().map(|(name, value)| (name.as_ref(), value))
    }
}

/// A tab name: one of [`KNOWN_TABS`] borrowed, any other copied.
struct TabName(Cow<'static, str>);

impl From<&str> for TabName {
    fn from(name: &str) -> Self {
        Self(KNOWN_TABS.iter().find(|known| **known == name).map_or_else(
            || Cow::Owned(name.to_owned()),
            |known| Cow::Borrowed(*known),
        ))
    }
}

impl<'de> Deserialize<'de> for TabName {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor(PhantomData))
    }
}

impl Serialize for ViewPermission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Tabs(tabs) => {
                let mut map = serializer.serialize_map(Some(tabs.len()))?;
                for (name, value) in tabs {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
            Self::Other(value) => value.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for ViewPermission {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ViewPermissionVisitor)
    }
}

struct ViewPermissionVisitor;

impl<'de> Visitor<'de> for ViewPermissionVisitor {
    type Value = ViewPermission;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of UI tabs, or any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ViewPermission, A::Error> {
        let mut tabs = Vec::with_capacity(map.size_hint().unwrap_or(KNOWN_TABS.len()));
        while let Some((TabName(name), value)) = map.next_entry::<TabName, Value>()? {
            tabs.push((name, value));
        }
        Ok(ViewPermission::Tabs(tabs))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ViewPermission, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        Ok(ViewPermission::Other(Value::Array(items)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ViewPermission, E> {
        Ok(ViewPermission::Other(Value::from(value)))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<ViewPermission, E> {
        Ok(ViewPermission::Other(Value::from(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<ViewPermission, E> {
        Ok(ViewPermission::Other(Value::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<ViewPermission, E> {
        Ok(ViewPermission::Other(Value::from(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<ViewPermission, E> {
        Ok(ViewPermission::Other(Value::from(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<ViewPermission, E> {
        Ok(ViewPermission::Other(Value::Null))
    }
}

/// A secret text read from or written to a model field: `Debug` redacts it, serde reads
/// and writes the plain string.
macro_rules! secret_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(SecretString);

        impl $name {
            /// The secret.
            pub fn secret(&self) -> &SecretString {
                &self.0
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.expose_secret() == other.0.expose_secret()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([REDACTED])"))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.0.expose_secret())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(Self(SecretString::from(String::deserialize(deserializer)?)))
            }
        }
    };
}

secret_text! {
    /// An API token secret (`accessKey`), returned only by the call that creates the token.
    ///
    /// `Debug` redacts it; read it with [`AccessKey::secret`] and store it somewhere safe.
    AccessKey
}

secret_text! {
    /// A `password` a portal echoes in a user record (LogicMonitor's spec example does;
    /// whether real portals do is unverified). Kept so that a record written back is the
    /// record read, and redacted in `Debug`. Writing it back changes nothing unless the
    /// request asks for a password change.
    EchoedPassword
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_round_trips_and_keeps_unknown_values() {
        let parsed: Vec<AdminStatus> =
            serde_json::from_str(r#"["active","suspended","locked"]"#).unwrap();
        assert_eq!(
            parsed,
            [
                AdminStatus::Active,
                AdminStatus::Suspended,
                AdminStatus::Unknown("locked".into())
            ]
        );
        assert_eq!(
            serde_json::to_string(&parsed).unwrap(),
            r#"["active","suspended","locked"]"#
        );
    }

    #[test]
    fn view_permission_reads_the_vendor_example_and_writes_it_back_unchanged() {
        // The vendor reference's example, plus an older tab, an unknown one and a
        // value that is not a boolean.
        let text = r#"{"Resources":true,"Websites":true,"Reports":true,"Dashboards":true,"Alerts":false,"Settings":true,"Maps":true,"Logs":true,"Traces":true,"Hosts":true,"LMUptime":true,"Odd":"yes"}"#;
        let parsed: ViewPermission = serde_json::from_str(text).unwrap();
        assert_eq!(parsed.allows("Resources"), Some(true));
        assert_eq!(parsed.allows("Alerts"), Some(false));
        assert_eq!(parsed.allows("LMUptime"), Some(true));
        assert_eq!(parsed.allows("Odd"), None);
        assert_eq!(parsed.allows("Services"), None);
        assert_eq!(parsed.tabs().count(), 12);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
        let ViewPermission::Tabs(tabs) = &parsed else {
            panic!("an object reads as tabs: {parsed:?}")
        };
        assert!(matches!(tabs[0].0, Cow::Borrowed("Resources")));
        assert!(matches!(&tabs[10].0, Cow::Owned(name) if name == "LMUptime"));
    }

    #[test]
    fn view_permission_keeps_any_other_value() {
        for text in [
            r#""Resources,Alerts""#,
            "[1,\"a\"]",
            "true",
            "-3",
            "7",
            "1.5",
        ] {
            let parsed: ViewPermission = serde_json::from_str(text).unwrap();
            let expected: Value = serde_json::from_str(text).unwrap();
            assert_eq!(parsed, ViewPermission::Other(expected), "{text}");
            assert_eq!(parsed.tabs().count(), 0);
            assert_eq!(serde_json::to_string(&parsed).unwrap(), text);
        }
        // An escaped tab name is read as text like any other.
        let parsed: ViewPermission = serde_json::from_str(r#"{"Ma\u0070s":true}"#).unwrap();
        assert_eq!(parsed.allows("Maps"), Some(true));
    }

    #[test]
    fn access_key_debug_is_redacted() {
        let key: AccessKey = serde_json::from_str(r#""canary-abc""#).unwrap();
        assert!(!format!("{key:?}").contains("canary"));
        assert_eq!(key.secret().expose_secret(), "canary-abc");
    }
}
