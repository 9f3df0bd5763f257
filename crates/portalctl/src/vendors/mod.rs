//! One [`Portal`] implementation per vendor: builds the vendor client from
//! [`crate::config::PortalSettings`], maps its users to [`crate::record::UserRecord`]s and
//! carries out actions. Vendor errors are passed on as [`core_http::Error`]s; they become
//! text only where they are reported (client errors never carry secrets).

pub mod allthenticate;
pub mod logicmonitor;
pub mod partner_portal;
pub mod threatlocker;

use secrecy::{ExposeSecret, SecretString};

use crate::config::{ConfigError, PortalSettings};
use crate::portal::Portal;

/// Builds the portal for `settings` (nothing is sent yet); a refused setting is reported
/// against the portal `name` and the field.
pub fn connect(name: &str, settings: &PortalSettings) -> Result<Box<dyn Portal>, ConfigError> {
    Ok(match settings {
        PortalSettings::Threatlocker {
            location,
            token,
            organization_id,
        } => Box::new(threatlocker::connect(
            name,
            location,
            token,
            organization_id.as_deref(),
        )?),
        PortalSettings::Allthenticate { location, api_key } => {
            Box::new(allthenticate::connect(name, location, api_key)?)
        }
        PortalSettings::PartnerPortal {
            location,
            portal_id,
            api_key,
        } => Box::new(partner_portal::connect(name, location, portal_id, api_key)?),
        PortalSettings::Logicmonitor {
            location,
            credentials,
        } => Box::new(logicmonitor::connect(name, location, credentials)?),
    })
}

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
