//! Hand-written models that the generated ones refer to: open enums and secrets.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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
        let text = String::deserialize(deserializer)?;
        Ok(Self::from(text.as_str()))
    }
}

/// An API token secret (`accessKey`), returned only by the call that creates the token.
///
/// `Debug` redacts it; read it with [`AccessKey::secret`] and store it somewhere safe.
#[derive(Clone)]
pub struct AccessKey(SecretString);

impl AccessKey {
    /// The secret.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl PartialEq for AccessKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessKey([REDACTED])")
    }
}

impl Serialize for AccessKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}

impl<'de> Deserialize<'de> for AccessKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(SecretString::from(String::deserialize(deserializer)?)))
    }
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
    fn access_key_debug_is_redacted() {
        let key: AccessKey = serde_json::from_str(r#""canary-abc""#).unwrap();
        assert!(!format!("{key:?}").contains("canary"));
        assert_eq!(key.secret().expose_secret(), "canary-abc");
    }
}
