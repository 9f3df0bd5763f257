//! Organisation roles: `GET /v1/roles` and `GET /v1/roles/{roleId}`.

use core_http::Operation;
use futures_util::TryStreamExt;

use crate::generated::RolePage;
use crate::paging::ListRequest;
use crate::{Client, Error, Result, Role, validate};

static LIST_ROLES: Operation = Operation::get("roles.list", "/v1/roles");
static GET_ROLE: Operation = Operation::get("roles.get", "/v1/roles/{roleId}");

/// The organisation's roles, borrowing the client; see [`Client::roles`].
#[derive(Debug, Clone, Copy)]
pub struct Roles<'c> {
    client: &'c Client,
}

impl<'c> Roles<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists roles, oldest first.
    pub fn list(&self) -> ListRequest<'c, Role> {
        ListRequest::new::<RolePage>(self.client, &LIST_ROLES)
    }

    /// Gets one role by id.
    pub async fn get(&self, role_id: &str) -> Result<Role> {
        validate::path_segment("role_id", role_id)?;
        self.client
            .http
            .request(&GET_ROLE)
            .path_param("roleId", role_id)
            .send_json()
            .await
    }

    /// The role with this name, if any: an exact match, else the only case-insensitive one.
    ///
    /// Lists every role (the API has no filter). Role names vary between tenants (the
    /// built-in ones are Admin Builder, Builder, Editor and Viewer), so resolve at runtime.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Role>> {
        let roles: Vec<Role> = self.list().stream().try_collect().await?;
        Ok(pick_by_name(roles, name, |role| &role.name))
    }

    /// The ids of the roles with these names, in order, listing roles once.
    ///
    /// An unknown name is [`Error::InvalidInput`] for the field `roles`.
    pub async fn resolve_ids<I, S>(&self, names: I) -> Result<Vec<String>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let names: Vec<String> = names.into_iter().map(|n| n.as_ref().to_owned()).collect();
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let roles: Vec<Role> = self.list().stream().try_collect().await?;
        names
            .iter()
            .map(|name| {
                pick_by_name(roles.clone(), name, |role| &role.name)
                    .map(|role| role.id)
                    .ok_or_else(|| unknown_name("roles", "role", name))
            })
            .collect()
    }
}

/// The item named `name`: the exact match, else the single case-insensitive match.
pub(crate) fn pick_by_name<T>(items: Vec<T>, name: &str, key: impl Fn(&T) -> &str) -> Option<T> {
    let mut folded = Vec::new();
    for item in items {
        if key(&item) == name {
            return Some(item);
        }
        if key(&item).to_lowercase() == name.to_lowercase() {
            folded.push(item);
        }
    }
    if folded.len() == 1 {
        folded.pop()
    } else {
        None
    }
}

pub(crate) fn unknown_name(field: &str, what: &str, name: &str) -> Error {
    Error::invalid_input(field, format!("no {what} named `{name}` exists"))
}
