//! ThreatLocker: no user listing in the public API; invitations, alone or fanned out over
//! every child organization with the role resolved by name in each.

use futures_util::TryStreamExt;
use threatlocker_client::{Client, FanOutReport, Uuid};

use crate::config::{ConfigError, Location};
use crate::vendors::copy;

/// Builds the client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    token: &secrecy::SecretString,
    organization_id: Option<&str>,
) -> Result<Client, ConfigError> {
    let mut builder = Client::builder().token(copy(token));
    builder = match location {
        Location::Named(instance) => builder.instance(instance),
        Location::BaseUrl(url) => builder.base_url(url),
        Location::Default => builder,
    };
    if let Some(id) = organization_id {
        builder = builder.managed_organization(id);
    }
    builder
        .build()
        .map_err(|error| ConfigError::client(portal, "token_env", &error))
}

/// Checks connectivity and the token with a harmless read.
pub async fn check(client: &Client) -> Result<String, String> {
    let zones = client
        .users()
        .timezones()
        .await
        .map_err(|error| error.to_string())?;
    Ok(format!("token accepted ({} timezones)", zones.len()))
}

/// The child organizations of the client's organization.
pub async fn children(client: &Client) -> Result<Vec<Uuid>, String> {
    client
        .organizations()
        .children()
        .stream()
        .map_ok(|organization| organization.organization_id)
        .try_collect()
        .await
        .map_err(|error| error.to_string())
}

/// Invites `email` into the client's organization with the role named `role`.
pub async fn invite(client: &Client, email: &str, role: &str) -> Result<(), String> {
    let found = client
        .roles()
        .find_by_name(role)
        .await
        .map_err(|error| error.to_string())?
        .ok_or_else(|| format!("no role named `{role}` in this organization"))?;
    client
        .users()
        .invite(email)
        .user_role(&found)
        .send()
        .await
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Invites `email` into each organization with the role named `role` there.
pub async fn invite_across(
    client: &Client,
    email: &str,
    role: &str,
    organizations: &[Uuid],
) -> Result<FanOutReport, String> {
    client
        .invite_across(email, role)
        .organizations(organizations.iter().copied())
        .concurrency(8)
        .send()
        .await
        .map_err(|error| error.to_string())
}
