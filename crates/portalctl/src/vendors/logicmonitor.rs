//! LogicMonitor: users, suspension, deletion and user groups.
//!
//! Last login follows the LogicMonitor client's decision: `lastLoginOn` 0 or absent is
//! "never" (counted as idle), API-only users are "unknown" (never judged idle, since
//! suspending one breaks an integration).

use std::collections::HashMap;

use futures_util::TryStreamExt;
use logicmonitor_client::{
    Admin, AdminGroup, AdminGroupId, AdminId, AdminStatus, Client, GroupRef, NewUser, RoleRef,
};

use crate::config::{ConfigError, Location, LogicMonitorCredentials, Vendor};
use crate::record::{LastLogin, UserRecord, UserStatus};
use crate::vendors::{copy, full_name};

/// Builds the client; a problem is reported against the portal and field.
pub fn connect(
    portal: &str,
    location: &Location,
    credentials: &LogicMonitorCredentials,
) -> Result<Client, ConfigError> {
    let mut builder = Client::builder();
    builder = match location {
        Location::Named(account) => builder.account(account),
        Location::BaseUrl(url) => builder.base_url(url),
        Location::Default => builder,
    };
    let field = match credentials {
        LogicMonitorCredentials::Lmv1 {
            access_id,
            access_key,
        } => {
            use secrecy::ExposeSecret;
            builder = builder.lmv1(access_id.expose_secret(), copy(access_key));
            "access_key_env"
        }
        LogicMonitorCredentials::Bearer(token) => {
            builder = builder.bearer(copy(token));
            "bearer_token_env"
        }
    };
    builder
        .build()
        .map_err(|error| ConfigError::client(portal, field, &error))
}

fn text(error: &logicmonitor_client::Error) -> String {
    error.to_string()
}

/// Every user group.
pub async fn groups(client: &Client) -> Result<Vec<AdminGroup>, String> {
    client
        .groups()
        .list()
        .stream()
        .try_collect()
        .await
        .map_err(|error| text(&error))
}

/// Every user, normalized with group names as each page arrives.
pub async fn list(client: &Client, portal: &str) -> Result<Vec<UserRecord>, String> {
    let names: HashMap<_, _> = groups(client)
        .await?
        .into_iter()
        .map(|group| (group.id, group.name.unwrap_or_default()))
        .collect();
    client
        .users()
        .list()
        .size(1000)
        // The pages LogicMonitor's total announces are fetched one ahead: it prepares the
        // next page while this one is normalized.
        .read_ahead(true)
        .stream()
        .map_ok(|user| record(portal, &names, &user))
        .try_collect()
        .await
        .map_err(|error| text(&error))
}

fn record(portal: &str, group_names: &HashMap<AdminGroupId, String>, user: &Admin) -> UserRecord {
    UserRecord {
        portal: portal.to_owned(),
        vendor: Vendor::Logicmonitor,
        tenant: None,
        id: user.id.to_string(),
        email: user
            .email
            .as_deref()
            .filter(|email| !email.trim().is_empty())
            .map(str::to_lowercase),
        name: full_name(user.first_name.as_deref(), user.last_name.as_deref())
            .or_else(|| user.username.clone()),
        status: match &user.status {
            Some(AdminStatus::Active) | None => UserStatus::Active,
            Some(AdminStatus::Suspended) => UserStatus::Suspended,
            Some(AdminStatus::Unknown(other)) => UserStatus::Other(other.clone()),
        },
        last_login: last_login(user),
        roles: user
            .roles
            .iter()
            .filter_map(|role| role.name.clone())
            .collect(),
        groups: user
            .admin_group_ids
            .iter()
            .filter_map(|id| group_names.get(id).cloned())
            .collect(),
        inactive: false,
    }
}

fn last_login(user: &Admin) -> LastLogin {
    if user.apionly == Some(true) {
        return LastLogin::Unknown;
    }
    match user.last_login_on {
        Some(seconds) if seconds > 0 => {
            chrono::DateTime::from_timestamp(seconds, 0).map_or(LastLogin::Unknown, LastLogin::At)
        }
        _ => LastLogin::Never,
    }
}

fn admin_id(id: &str) -> Result<AdminId, String> {
    id.parse::<i32>()
        .map(AdminId::from)
        .map_err(|_| format!("`{id}` is not a LogicMonitor user id"))
}

/// Suspends the user.
pub async fn suspend(client: &Client, id: &str) -> Result<(), String> {
    client
        .users()
        .suspend(admin_id(id)?)
        .await
        .map(drop)
        .map_err(|error| text(&error))
}

/// Deletes the user.
pub async fn delete(client: &Client, id: &str) -> Result<(), String> {
    client
        .users()
        .delete(admin_id(id)?)
        .await
        .map_err(|error| text(&error))
}

/// Makes `group` the user's only group, creating the group when it does not exist.
pub async fn move_to_group(client: &Client, id: &str, group: &str) -> Result<(), String> {
    let (group, _) = client
        .groups()
        .get_or_create(group, None)
        .await
        .map_err(|error| text(&error))?;
    client
        .users()
        .move_to_groups(admin_id(id)?, [GroupRef::from(&group)])
        .await
        .map(drop)
        .map_err(|error| text(&error))
}

/// Creates a group.
pub async fn create_group(client: &Client, name: &str) -> Result<(), String> {
    client
        .groups()
        .create(name, None)
        .await
        .map(drop)
        .map_err(|error| text(&error))
}

/// Deletes the group named `name`.
pub async fn delete_group(client: &Client, name: &str) -> Result<(), String> {
    let group = client
        .groups()
        .find_by_name(name)
        .await
        .map_err(|error| text(&error))?
        .ok_or_else(|| format!("no group named `{name}`"))?;
    client
        .groups()
        .delete(group.id)
        .await
        .map_err(|error| text(&error))
}

/// Creates a user with the role named `role`, the address as username.
pub async fn invite(client: &Client, email: &str, role: &str) -> Result<(), String> {
    client
        .users()
        .create(NewUser::new(email).email(email).role(RoleRef::name(role)))
        .await
        .map(drop)
        .map_err(|error| text(&error))
}
