//! Roles: `/setting/roles`: list, read, find by name, create, replace, update, delete.

use core_http::{Error, Operation, Result};

use crate::client::Client;
use crate::filter::Clause;
use crate::generated::{PrivilegeGrant, Role, RoleCreate, RoleUpdate};
use crate::ids::RoleId;
use crate::paging::ListRequest;
use crate::validate;

static LIST: Operation = Operation::get("roles.list", "/setting/roles");
static GET: Operation = Operation::get("roles.get", "/setting/roles/{id}");
static CREATE: Operation = Operation::post("roles.create", "/setting/roles");
static REPLACE: Operation = Operation::put("roles.replace", "/setting/roles/{id}");
static PATCH: Operation = Operation::patch("roles.patch", "/setting/roles/{id}");
static DELETE: Operation = Operation::delete("roles.delete", "/setting/roles/{id}");

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

    /// Creates a role; the response carries its new id.
    pub async fn create(&self, role: NewRole) -> Result<Role> {
        let body = role.into_body()?;
        self.client
            .http
            .request(&CREATE)
            .json(&body)
            .send_json()
            .await
    }

    /// Replaces a role (`PUT`): every property not in `role` goes back to its default.
    pub async fn replace(&self, id: RoleId, role: NewRole) -> Result<Role> {
        let id = id.check("id")?;
        let body = role.into_body()?;
        self.client
            .http
            .request(&REPLACE)
            .path_param("id", id)
            .json(&body)
            .send_json()
            .await
    }

    /// Changes only the properties set on the returned builder (`PATCH`).
    pub fn update(&self, id: RoleId) -> UpdateRole<'c> {
        UpdateRole {
            client: self.client,
            id,
            patch: RoleUpdate::default(),
        }
    }

    /// Deletes a role. A role that users still hold can not be deleted: LogicMonitor
    /// answers 400 ("something depends on it").
    pub async fn delete(&self, id: RoleId) -> Result<()> {
        let id = id.check("id")?;
        self.client
            .http
            .request(&DELETE)
            .path_param("id", id)
            .send()
            .await?;
        Ok(())
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

/// One privilege: what (`object_type`, `object_id`, `*` for all) may be done how
/// (`operation`, e.g. `read`, `write`), checked before anything is sent.
fn grant(object_type: &str, object_id: &str, operation: &str) -> PrivilegeGrant {
    PrivilegeGrant {
        object_type: object_type.to_owned(),
        object_id: object_id.to_owned(),
        operation: operation.to_owned(),
        object_name: None,
    }
}

/// A role to create or to replace another with.
///
/// ```
/// use logicmonitor_client::NewRole;
/// let role = NewRole::new("service-desk")
///     .description("First-line support")
///     .privilege("dashboard_group", "*", "read")
///     .privilege("host_group", "*", "read");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct NewRole {
    body: RoleCreate,
}

impl NewRole {
    /// A role called `name`; add at least one [`privilege`](Self::privilege).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            body: RoleCreate {
                name: name.into(),
                privileges: Vec::new(),
                description: None,
                custom_help_label: None,
                custom_help_url: None,
                require_eula: None,
                role_group_id: None,
                two_fa_required: None,
            },
        }
    }

    /// Adds a privilege: `operation` (e.g. `read`, `write`) on `object_type` (e.g.
    /// `dashboard_group`, `host_group`, `setting`), limited to `object_id` (`*` for all).
    pub fn privilege(mut self, object_type: &str, object_id: &str, operation: &str) -> Self {
        self.body
            .privileges
            .push(grant(object_type, object_id, operation));
        self
    }

    /// The description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.body.description = Some(description.into());
        self
    }

    /// Whether holders must use two-factor authentication.
    pub fn two_fa_required(mut self, required: bool) -> Self {
        self.body.two_fa_required = Some(required);
        self
    }

    /// Whether holders must accept the EULA.
    pub fn require_eula(mut self, required: bool) -> Self {
        self.body.require_eula = Some(required);
        self
    }

    /// The label of the UI's custom help link.
    pub fn custom_help_label(mut self, label: impl Into<String>) -> Self {
        self.body.custom_help_label = Some(label.into());
        self
    }

    /// The URL of the UI's custom help link.
    pub fn custom_help_url(mut self, url: impl Into<String>) -> Self {
        self.body.custom_help_url = Some(url.into());
        self
    }

    /// The role group (LogicMonitor's default is 1).
    pub fn role_group_id(mut self, id: u32) -> Self {
        self.body.role_group_id = Some(i32::try_from(id).unwrap_or(i32::MAX));
        self
    }

    fn into_body(self) -> Result<RoleCreate> {
        validate::non_blank("name", &self.body.name)?;
        validate::privileges(&self.body.privileges)?;
        Ok(self.body)
    }
}

/// A partial update of one role: `client.roles().update(id)`.
#[must_use = "an update does nothing until sent"]
#[derive(Debug)]
pub struct UpdateRole<'c> {
    client: &'c Client,
    id: RoleId,
    patch: RoleUpdate,
}

impl UpdateRole<'_> {
    /// Renames the role.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.patch.name = Some(name.into());
        self
    }

    /// Changes the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.patch.description = Some(description.into());
        self
    }

    /// Adds a privilege to the new privilege list; once one is given, the role's
    /// privileges become exactly those given.
    pub fn privilege(mut self, object_type: &str, object_id: &str, operation: &str) -> Self {
        self.patch
            .privileges
            .push(grant(object_type, object_id, operation));
        self
    }

    /// Whether holders must use two-factor authentication.
    pub fn two_fa_required(mut self, required: bool) -> Self {
        self.patch.two_fa_required = Some(required);
        self
    }

    /// Whether holders must accept the EULA.
    pub fn require_eula(mut self, required: bool) -> Self {
        self.patch.require_eula = Some(required);
        self
    }

    /// The label of the UI's custom help link.
    pub fn custom_help_label(mut self, label: impl Into<String>) -> Self {
        self.patch.custom_help_label = Some(label.into());
        self
    }

    /// The URL of the UI's custom help link.
    pub fn custom_help_url(mut self, url: impl Into<String>) -> Self {
        self.patch.custom_help_url = Some(url.into());
        self
    }

    /// Sends the update and returns the role as the server now has it.
    pub async fn send(self) -> Result<Role> {
        let id = self.id.check("id")?;
        if let Some(name) = &self.patch.name {
            validate::non_blank("name", name)?;
        }
        if !self.patch.privileges.is_empty() {
            validate::privileges(&self.patch.privileges)?;
        }
        if self.patch == RoleUpdate::default() {
            return Err(Error::invalid_input("update", "nothing to change"));
        }
        self.client
            .http
            .request(&PATCH)
            .path_param("id", id)
            .json(&self.patch)
            .send_json()
            .await
    }
}
