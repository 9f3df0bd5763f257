//! Roles: `/setting/roles` (read-only here).

use core_http::{Error, Operation, Result};

use crate::client::{Client, ListRequest};
use crate::filter::Clause;
use crate::generated::Role;
use crate::ids::RoleId;

static LIST: Operation = Operation::get("roles.list", "/setting/roles");
static GET: Operation = Operation::get("roles.get", "/setting/roles/{id}");

/// A role named by id or by (exact) name, e.g. one of the built-in `administrator`,
/// `manager`, `ackonly`, `readonly`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef {
    /// A role id.
    Id(RoleId),
    /// A role name.
    Name(String),
}

impl RoleRef {
    /// A role by name.
    pub fn name(name: impl Into<String>) -> Self {
        Self::Name(name.into())
    }

    pub(crate) fn check(&self) -> Result<()> {
        match self {
            Self::Id(id) => id.check("roles").map(|_| ()),
            Self::Name(name) if name.trim().is_empty() => Err(Error::invalid_input(
                "roles",
                "a role name must not be empty",
            )),
            Self::Name(_) => Ok(()),
        }
    }

    /// The id, looking the name up when needed; an unknown name is
    /// [`Error::InvalidInput`] naming `roles`.
    pub(crate) async fn resolve(&self, client: &Client) -> Result<RoleId> {
        self.check()?;
        match self {
            Self::Id(id) => Ok(*id),
            Self::Name(name) => client
                .roles()
                .find_by_name(name)
                .await?
                .map(|role| role.id)
                .ok_or_else(|| Error::invalid_input("roles", format!("no role is named {name:?}"))),
        }
    }
}

impl From<RoleId> for RoleRef {
    fn from(id: RoleId) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for RoleRef {
    fn from(name: &str) -> Self {
        Self::Name(name.to_owned())
    }
}

/// Roles: `client.roles()`.
#[derive(Debug, Clone, Copy)]
pub struct Roles<'c> {
    pub(crate) client: &'c Client,
}

impl<'c> Roles<'c> {
    /// Lists roles.
    pub fn list(&self) -> ListRequest<'c, Role> {
        ListRequest::new(self.client, &LIST)
    }

    /// Reads one role.
    pub async fn get(&self, id: RoleId) -> Result<Role> {
        let id = id.check("id")?;
        self.client
            .http
            .request(&GET)
            .path_param("id", id)
            .send_json()
            .await
    }

    /// The role named exactly `name`, if any.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<Role>> {
        if name.trim().is_empty() {
            return Err(Error::invalid_input("name", "must not be empty"));
        }
        let page = self
            .list()
            .filter(Clause::eq("name", name))
            .size(50)
            .send()
            .await?;
        Ok(page
            .items
            .into_iter()
            .find(|role| role.name.as_deref() == Some(name)))
    }
}
