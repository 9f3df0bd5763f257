//! Whaly partner portals: list, create (invite), delete. No suspension in the API.

use futures_util::TryStreamExt;
use partner_portal_client::{Client, NewUser, PartnerPortalUser, PortalHandle};

use crate::config::{ConfigError, Location, Vendor};
use crate::record::{LastLogin, UserRecord, UserStatus};
use crate::vendors::{copy, full_name};

/// Builds the portal handle; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    portal_id: &str,
    api_key: &secrecy::SecretString,
) -> Result<PortalHandle, ConfigError> {
    let mut builder = Client::builder().api_key(copy(api_key));
    if let Location::BaseUrl(url) = location {
        builder = builder.base_url(url);
    }
    let client = builder
        .build()
        .map_err(|error| ConfigError::client(portal, "api_key_env", &error))?;
    Ok(client.portal(portal_id))
}

/// Page size asked of Whaly, which documents no default or maximum: a server that caps
/// lower still answers with a cursor, and 100 takes a quarter of the round trips of a
/// 25-item default.
const PAGE_SIZE: u32 = 100;

/// Every portal user, normalized as each page arrives.
pub async fn list(handle: &PortalHandle, portal: &str) -> Result<Vec<UserRecord>, String> {
    handle
        .list_users()
        .limit(PAGE_SIZE)
        .stream()
        .map_ok(|user| record(handle, portal, &user))
        .try_collect()
        .await
        .map_err(|error| error.to_string())
}

fn record(handle: &PortalHandle, portal: &str, user: &PartnerPortalUser) -> UserRecord {
    UserRecord {
        portal: portal.to_owned(),
        vendor: Vendor::PartnerPortal,
        tenant: Some(handle.id().to_owned()),
        id: user.id.clone(),
        email: Some(user.email.to_lowercase()),
        name: full_name(Some(&user.first_name), Some(&user.last_name)),
        status: UserStatus::Active,
        last_login: user
            .last_logged_at
            .get()
            .map_or(LastLogin::Never, LastLogin::At),
        roles: Vec::new(),
        groups: Vec::new(),
        inactive: false,
    }
}

/// Deletes the portal user.
pub async fn delete(handle: &PortalHandle, id: &str) -> Result<(), String> {
    handle
        .delete_user(id)
        .await
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Creates the user with the role named `role` (names taken from the address).
pub async fn invite(handle: &PortalHandle, email: &str, role: &str) -> Result<(), String> {
    let local = email.split('@').next().unwrap_or(email);
    let mut parts = local.splitn(2, '.');
    let first = parts.next().unwrap_or(local);
    let last = parts.next().unwrap_or("-");
    handle
        .ensure_user(&NewUser::new(first, last, email).role_named(role))
        .await
        .map(drop)
        .map_err(|error| error.to_string())
}
