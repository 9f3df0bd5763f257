//! User groups (LogicMonitor *admin groups*): `/setting/admin/groups`.
//!
//! These endpoints are not in LogicMonitor's published v3 spec; the paths and the create
//! body follow three independent community clients. `PATCH` on a group is inferred.
//! Membership lives on the user (`adminGroupIds`): see [`Users::add_to_group`](crate::Users::add_to_group).

use core_http::{Error, Operation, Result};
use futures_util::TryStreamExt;

use crate::client::Client;
use crate::filter::Clause;
use crate::paging::{ListRequest, fields_param};
use serde::Serialize;

use crate::generated::{AdminGroup, AdminGroupUpdate};
use crate::ids::AdminGroupId;
use crate::validate;

static LIST: Operation = Operation::get("admin_groups.list", "/setting/admin/groups");
static GET: Operation = Operation::get("admin_groups.get", "/setting/admin/groups/{id}");
static CREATE: Operation = Operation::post("admin_groups.create", "/setting/admin/groups");
static PATCH: Operation = Operation::patch("admin_groups.patch", "/setting/admin/groups/{id}");
static DELETE: Operation = Operation::delete("admin_groups.delete", "/setting/admin/groups/{id}");

/// A group named by id or by (exact) name; names are resolved with one listing call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupRef {
    /// A group id.
    Id(AdminGroupId),
    /// A group name.
    Name(String),
}

impl GroupRef {
    /// A group by name.
    pub fn name(name: impl Into<String>) -> Self {
        Self::Name(name.into())
    }

    pub(crate) fn check(&self) -> Result<()> {
        match self {
            Self::Id(id) => id.check("group").map(|_| ()),
            Self::Name(name) if name.trim().is_empty() => Err(Error::invalid_input(
                "group",
                "a group name must not be empty",
            )),
            Self::Name(_) => Ok(()),
        }
    }

    /// The id, looking the name up when needed; an unknown name is
    /// [`Error::InvalidInput`] naming `group`.
    pub(crate) async fn resolve(&self, client: &Client) -> Result<AdminGroupId> {
        self.check()?;
        match self {
            Self::Id(id) => Ok(*id),
            Self::Name(name) => client
                .groups()
                .find_by_name(name)
                .await?
                .map(|group| group.id)
                .ok_or_else(|| {
                    Error::invalid_input("group", format!("no user group is named {name:?}"))
                }),
        }
    }
}

impl From<AdminGroupId> for GroupRef {
    fn from(id: AdminGroupId) -> Self {
        Self::Id(id)
    }
}

impl From<&str> for GroupRef {
    fn from(name: &str) -> Self {
        Self::Name(name.to_owned())
    }
}

impl From<String> for GroupRef {
    fn from(name: String) -> Self {
        Self::Name(name)
    }
}

impl From<&AdminGroup> for GroupRef {
    fn from(group: &AdminGroup) -> Self {
        Self::Id(group.id)
    }
}

/// The create body, `name` first as LogicMonitor's own examples write it.
#[derive(Serialize)]
struct CreateBody<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

/// User groups: `client.groups()`.
#[derive(Debug, Clone, Copy)]
pub struct Groups<'c> {
    pub(crate) client: &'c Client,
}

impl<'c> Groups<'c> {
    /// Lists groups.
    pub fn list(&self) -> ListRequest<'c, AdminGroup> {
        ListRequest::new(self.client, &LIST)
    }

    /// Reads one group, optionally projected to `fields`.
    pub async fn get(&self, id: AdminGroupId) -> Result<AdminGroup> {
        self.get_fields(id, &[]).await
    }

    async fn get_fields(&self, id: AdminGroupId, fields: &[String]) -> Result<AdminGroup> {
        let id = id.check("id")?;
        let fields = if fields.is_empty() {
            None
        } else {
            Some(fields_param(fields)?)
        };
        self.client
            .http
            .request(&GET)
            .path_param("id", id)
            .query_opt("fields", fields)
            .send_json()
            .await
    }

    /// The group named exactly `name`, if any (`filter=name:"…"`, then an exact match
    /// on this side).
    pub async fn find_by_name(&self, name: &str) -> Result<Option<AdminGroup>> {
        validate::non_blank("name", name)?;
        // The filter may match more than the exact name (`*` is a wildcard to
        // LogicMonitor), so the matches are read until the exact one.
        let mut matches = self
            .list()
            .filter(Clause::eq("name", name))
            .size(50)
            .stream();
        while let Some(group) = matches.try_next().await? {
            if group.name.as_deref() == Some(name) {
                return Ok(Some(group));
            }
        }
        Ok(None)
    }

    /// Creates a group. A second group with the same name is refused by the server (409
    /// in the sandbox; unverified on real portals).
    pub async fn create(&self, name: &str, description: Option<&str>) -> Result<AdminGroup> {
        validate::non_blank("name", name)?;
        let body = CreateBody { name, description };
        self.client
            .http
            .request(&CREATE)
            .json(&body)
            .send_json()
            .await
    }

    /// The group named `name`, created when missing; `true` when it was created.
    pub async fn get_or_create(
        &self,
        name: &str,
        description: Option<&str>,
    ) -> Result<(AdminGroup, bool)> {
        if let Some(group) = self.find_by_name(name).await? {
            return Ok((group, false));
        }
        Ok((self.create(name, description).await?, true))
    }

    /// Renames a group or changes its description (`PATCH`, inferred from LogicMonitor's
    /// other group resources).
    pub async fn update(
        &self,
        id: AdminGroupId,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<AdminGroup> {
        let id = id.check("id")?;
        if name.is_some_and(|name| name.trim().is_empty()) {
            return Err(Error::invalid_input("name", "must not be empty"));
        }
        if name.is_none() && description.is_none() {
            return Err(Error::invalid_input("update", "nothing to change"));
        }
        let body = AdminGroupUpdate {
            name: name.map(str::to_owned),
            description: description.map(str::to_owned),
        };
        self.client
            .http
            .request(&PATCH)
            .path_param("id", id)
            .json(&body)
            .send_json()
            .await
    }

    /// Deletes a group. What happens to its members on a real portal is unverified (the
    /// sandbox drops the id from every user); do not rely on either.
    pub async fn delete(&self, id: AdminGroupId) -> Result<()> {
        let id = id.check("id")?;
        self.client
            .http
            .request(&DELETE)
            .path_param("id", id)
            .send()
            .await?;
        Ok(())
    }
}
