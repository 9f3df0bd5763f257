//! Allthenticate: list, invite, suspend (reversible), delete. The API reports no sign-in
//! times, so last login is `unknown` and nobody is judged idle here.

use allthenticate_client::{Client, EmailId, User};

use crate::config::{ConfigError, Location, Vendor};
use crate::record::{LastLogin, UserRecord, UserStatus};
use crate::vendors::{copy, full_name};

/// Builds the client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    api_key: &secrecy::SecretString,
) -> Result<Client, ConfigError> {
    let mut builder = Client::builder().api_key(copy(api_key));
    if let Location::BaseUrl(url) = location {
        builder = builder.base_url(url);
    }
    builder
        .build()
        .map_err(|error| ConfigError::client(portal, "api_key_env", &error))
}

/// Every member, normalized.
pub async fn list(client: &Client, portal: &str) -> Result<Vec<UserRecord>, String> {
    let users = client
        .users()
        .list()
        .send()
        .await
        .map_err(|error| error.to_string())?;
    Ok(users.iter().map(|user| record(portal, user)).collect())
}

fn record(portal: &str, user: &User) -> UserRecord {
    UserRecord {
        portal: portal.to_owned(),
        vendor: Vendor::Allthenticate,
        tenant: None,
        id: user.email_id.to_string(),
        email: user.email.as_deref().map(str::to_lowercase),
        name: user
            .name
            .clone()
            .or_else(|| full_name(user.first_name.as_deref(), user.last_name.as_deref())),
        status: if user.is_suspended() {
            UserStatus::Suspended
        } else {
            UserStatus::Active
        },
        last_login: LastLogin::Unknown,
        roles: Vec::new(),
        groups: user.group_names().into_iter().map(str::to_owned).collect(),
        inactive: false,
    }
}

fn email_id(id: &str) -> Result<EmailId, String> {
    id.parse()
        .map(EmailId::new)
        .map_err(|_| format!("`{id}` is not an Allthenticate email_id"))
}

/// Suspends the member (no request when already suspended).
pub async fn suspend(client: &Client, id: &str) -> Result<(), String> {
    client
        .users()
        .suspend(email_id(id)?)
        .await
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Removes the member from the organization.
pub async fn delete(client: &Client, id: &str) -> Result<(), String> {
    client
        .users()
        .delete()
        .email_id(email_id(id)?)
        .send()
        .await
        .map(drop)
        .map_err(|error| error.to_string())
}

/// Invites the address into the organization.
pub async fn invite(client: &Client, email: &str) -> Result<(), String> {
    client
        .invites()
        .invite([email])
        .send()
        .await
        .map(drop)
        .map_err(|error| error.to_string())
}
