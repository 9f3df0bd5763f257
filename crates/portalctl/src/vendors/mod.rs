//! One adapter per vendor: builds the vendor client from [`crate::config::PortalSettings`]
//! and maps its users to [`crate::record::UserRecord`]s. Everything here returns vendor
//! errors as text (client errors never carry secrets).

pub mod allthenticate;
pub mod logicmonitor;
pub mod partner_portal;
pub mod threatlocker;

use secrecy::{ExposeSecret, SecretString};

/// A copy of a secret for a client builder.
pub(crate) fn copy(secret: &SecretString) -> SecretString {
    SecretString::from(secret.expose_secret().to_owned())
}

/// A display name from optional first and last names.
pub(crate) fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}
