//! Typed identifiers.
//!
//! Allthenticate keys most Users endpoints by an **`email_id`**, but `/modifyrank` takes
//! the account's **`user_id`** (under the parameter name `admin_user_id`). Both are plain
//! integers on the wire and the vendor's examples give both as `1`, which invites mixing
//! them up. Here they are distinct types, so passing one where the other is expected does
//! not compile:
//!
//! ```compile_fail
//! use allthenticate_client::{EmailId, UserId};
//! fn wants_user_id(_: UserId) {}
//! wants_user_id(EmailId::new(12));
//! ```

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u64);

        impl $name {
            /// Wraps a raw id. Ids are positive; `0` is rejected with
            /// `Error::InvalidInput` when used in a request.
            pub const fn new(id: u64) -> Self {
                Self(id)
            }

            /// The raw integer.
            pub const fn get(self) -> u64 {
                self.0
            }

            /// Rejects `0`, which no record carries.
            pub(crate) fn check(self, field: &str) -> core_http::Result<Self> {
                if self.0 == 0 {
                    Err(core_http::Error::invalid_input(field, concat!("a ", $what, " is a positive integer")))
                } else {
                    Ok(self)
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.0)
            }
        }

        /// Accepts a JSON integer or an integer written as a string.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IdVisitor($what)).map(Self)
            }
        }
    };
}

id_type!(
    /// The `email_id` of a member: the key of `GET`/`DELETE /user`, `/modifyallusernames`,
    /// `/modifysmartcard`, `/togglesuspension` and (by this crate's choice) `/promoteguest`.
    EmailId,
    "email_id"
);

id_type!(
    /// The `user_id` of an Allthenticate account: the key of `/modifyrank`
    /// (sent as `admin_user_id`).
    UserId,
    "user_id"
);

struct IdVisitor(&'static str);

impl Visitor<'_> for IdVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a non-negative integer {}", self.0)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<u64, E> {
        Ok(value)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<u64, E> {
        u64::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<u64, E> {
        value
            .trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_integers_and_integer_strings() {
        let id: EmailId = serde_json::from_str("12").unwrap();
        assert_eq!(id, EmailId::new(12));
        let id: UserId = serde_json::from_str("\"7\"").unwrap();
        assert_eq!(id.get(), 7);
        assert!(serde_json::from_str::<UserId>("-1").is_err());
        assert!(serde_json::from_str::<UserId>("\"x\"").is_err());
        assert_eq!(serde_json::to_string(&EmailId::new(3)).unwrap(), "3");
        assert!(EmailId::new(0).check("email_id").is_err());
    }
}
