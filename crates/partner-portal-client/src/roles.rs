//! Organisation roles: `GET /v1/roles` and `GET /v1/roles/{roleId}`.

use core_http::{ItemStream, Operation};
use futures_util::TryStreamExt;

use crate::generated::RolePage;
use crate::paging::{self, Listing};
use crate::{Client, Error, Result, Role, validate};

static LIST_ROLES: Operation = Operation::get("roles.list", "/v1/roles");
static GET_ROLE: Operation = Operation::get("roles.get", "/v1/roles/{roleId}");

/// The organisation's roles; see [`Client::roles`].
#[derive(Debug, Clone)]
pub struct Roles {
    client: Client,
}

impl Roles {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Lists roles, oldest first.
    pub fn list(&self) -> ListRoles {
        ListRoles {
            client: self.client.clone(),
            limit: None,
            after: None,
        }
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

/// A role listing; see [`Roles::list`].
#[derive(Debug)]
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListRoles {
    client: Client,
    limit: Option<u32>,
    after: Option<String>,
}

impl ListRoles {
    /// Items per page (any positive number; 0 is refused before sending).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Starts after this opaque cursor (from an earlier page's `paging.next.after`).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.after = Some(cursor.into());
        self
    }

    fn listing(&self) -> Listing {
        Listing {
            operation: &LIST_ROLES,
            path_params: Vec::new(),
            limit: self.limit,
            after: self.after.clone(),
        }
    }

    /// Fetches one page: the roles, and the cursor of the next page (`None` at the end).
    pub async fn send(self) -> Result<(Vec<Role>, Option<String>)> {
        paging::check_limit(self.limit)?;
        let listing = self.listing();
        let (items, next, _) = paging::fetch::<RolePage>(
            &self.client.http,
            &listing,
            self.after.as_deref(),
            self.limit,
        )
        .await?;
        Ok((items, next))
    }

    /// Every role, lazily, page by page.
    pub fn stream(self) -> ItemStream<Role> {
        paging::stream::<RolePage>(
            self.client.http.clone(),
            self.listing(),
            self.client.page_size,
        )
    }
}
