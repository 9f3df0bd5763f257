//! Typed identifiers, so a group id can not be passed where a user id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i32);

        impl $name {
            /// The raw integer id.
            pub fn get(self) -> i32 {
                self.0
            }

            /// Checks that the id can name a resource (positive), naming `field` otherwise.
            pub(crate) fn check(self, field: &str) -> core_http::Result<Self> {
                if self.0 > 0 {
                    Ok(self)
                } else {
                    Err(core_http::Error::invalid_input(
                        field,
                        concat!("a ", $what, " id must be a positive integer"),
                    ))
                }
            }
        }

        impl From<i32> for $name {
            fn from(id: i32) -> Self {
                Self(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = core_http::Error;

            /// Parses a decimal id (`\d+`); anything else, a `/` included, is
            /// [`core_http::Error::InvalidInput`].
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                let invalid = || {
                    core_http::Error::invalid_input(
                        "id",
                        concat!("a ", $what, " id is a positive decimal integer"),
                    )
                };
                if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                let id: i32 = text.parse().map_err(|_| invalid())?;
                Self(id).check("id")
            }
        }
    };
}

id_type!(
    /// A user id (`Admin.id`).
    AdminId,
    "user"
);
id_type!(
    /// A user group id (`AdminGroup.id`, an entry of `Admin.adminGroupIds`).
    AdminGroupId,
    "user group"
);
id_type!(
    /// A role id.
    RoleId,
    "role"
);
id_type!(
    /// An API token id.
    ApiTokenId,
    "API token"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_positive_decimal_ids() {
        assert_eq!("42".parse::<AdminId>().unwrap(), AdminId(42));
        for bad in ["", "0", "-1", "4/2", "12a", "../1", "99999999999"] {
            assert!(bad.parse::<AdminId>().is_err(), "{bad:?}");
        }
        assert!(AdminGroupId(0).check("group").is_err());
    }
}
