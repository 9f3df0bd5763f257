//! Users (LogicMonitor *admins*): list, read, create, replace, update, suspend, delete,
//! group membership and inactivity.

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, Utc};
use core_http::{Error, ItemStream, Operation, Result, SecretString};
use futures_util::{StreamExt, TryStreamExt};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::client::Client;
use crate::filter::{Clause, Filter};
use crate::generated::{Admin, AdminCreate, AdminGroup, RoleReference};
use crate::groups::GroupRef;
use crate::ids::{AdminGroupId, AdminId, RoleId};
use crate::paging::{ListRequest, fields_param};
use crate::roles::RoleRef;
use crate::types::AdminStatus;
use crate::validate::{self, MAX_PAGE_SIZE};

pub(crate) static LIST: Operation = Operation::get("admins.list", "/setting/admins");
static GET: Operation = Operation::get("admins.get", "/setting/admins/{id}");
static CREATE: Operation = Operation::post("admins.create", "/setting/admins");
static REPLACE: Operation = Operation::put("admins.replace", "/setting/admins/{id}");
static PATCH: Operation = Operation::patch("admins.patch", "/setting/admins/{id}");
static DELETE: Operation = Operation::delete("admins.delete", "/setting/admins/{id}");

/// Users: `client.users()`.
#[derive(Debug, Clone, Copy)]
pub struct Users<'c> {
    pub(crate) client: &'c Client,
}

impl<'c> Users<'c> {
    /// Lists users; see [`ListRequest`].
    pub fn list(&self) -> ListRequest<'c, Admin> {
        ListRequest::new(self.client, &LIST)
    }

    /// Reads one user.
    pub fn get(&self, id: AdminId) -> GetUser<'c> {
        GetUser {
            client: self.client,
            id,
            fields: Vec::new(),
        }
    }

    /// The user whose username is exactly `username`, if any (`filter=username:"…"`,
    /// then an exact match on this side).
    pub async fn find_by_username(&self, username: &str) -> Result<Option<Admin>> {
        validate::non_blank("username", username)?;
        // The filter may match more than the exact username (`*` is a wildcard to
        // LogicMonitor), so the matches are read until the exact one.
        let mut matches = self
            .list()
            .filter(Clause::eq("username", username))
            .size(50)
            .stream();
        while let Some(user) = matches.try_next().await? {
            if user.username.as_deref() == Some(username) {
                return Ok(Some(user));
            }
        }
        Ok(None)
    }

    /// Creates a user. Role names are resolved to ids first; an unknown role name is
    /// [`Error::InvalidInput`] and nothing is created.
    pub async fn create(&self, user: NewUser) -> Result<Admin> {
        user.validate()?;
        let body = user.into_body(self.client).await?;
        self.client
            .http
            .request(&CREATE)
            .json(&body)
            .send_json()
            .await
    }

    /// Replaces a user (`PUT`): every field not in `user` goes back to its default.
    /// The password is applied only when one is given (`changePassword=true`).
    pub async fn replace(&self, id: AdminId, user: NewUser) -> Result<Admin> {
        let id = id.check("id")?;
        user.validate()?;
        let change_password = user.password.is_some();
        let body = user.into_body(self.client).await?;
        self.client
            .http
            .request(&REPLACE)
            .path_param("id", id)
            .query_opt("changePassword", change_password.then_some(true))
            .json(&body)
            .send_json()
            .await
    }

    /// Writes back a user record read before (`PUT /setting/admins/{user.id}`), every
    /// field as it is in `user`: the ones this crate names and the ones it does not (kept
    /// in [`Admin::extra`]), so a read, a change and a write back lose nothing a newer
    /// portal added. Read-only fields travel too; LogicMonitor ignores them on write
    /// (vendor reference §5). No password change is requested, so an echoed `password`
    /// changes nothing.
    pub async fn replace_with(&self, user: &Admin) -> Result<Admin> {
        let id = user.id.check("id")?;
        self.client
            .http
            .request(&REPLACE)
            .path_param("id", id)
            .json(user)
            .send_json()
            .await
    }

    /// Changes only the fields set on the returned builder (`PATCH`).
    pub fn update(&self, id: AdminId) -> UpdateUser<'c> {
        UpdateUser {
            client: self.client,
            id,
            patch: Patch::default(),
            password: None,
            validation_only: false,
        }
    }

    /// Deletes a user.
    pub async fn delete(&self, id: AdminId) -> Result<()> {
        let id = id.check("id")?;
        self.client
            .http
            .request(&DELETE)
            .path_param("id", id)
            .send()
            .await?;
        Ok(())
    }

    /// Suspends a user (`PATCH {"status":"suspended"}`); group membership is untouched.
    pub async fn suspend(&self, id: AdminId) -> Result<Admin> {
        self.update(id).status(AdminStatus::Suspended).send().await
    }

    /// Reactivates a suspended user (`PATCH {"status":"active"}`).
    pub async fn reactivate(&self, id: AdminId) -> Result<Admin> {
        self.update(id).status(AdminStatus::Active).send().await
    }

    /// The user's current group ids (a missing `adminGroupIds` reads as none).
    pub async fn group_ids(&self, id: AdminId) -> Result<Vec<AdminGroupId>> {
        Ok(self
            .get(id)
            .fields(["adminGroupIds"])
            .send()
            .await?
            .admin_group_ids)
    }

    /// The user's groups with their names: one read of the user, one listing of the groups.
    /// Ids that name no group (a group deleted meanwhile) are left out.
    pub async fn groups_of(&self, id: AdminId) -> Result<Vec<AdminGroup>> {
        let ids = self.group_ids(id).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut by_id: HashMap<AdminGroupId, AdminGroup> = self
            .client
            .groups()
            .list()
            .fields(["name", "description"])
            .stream()
            .map_ok(|group| (group.id, group))
            .try_collect()
            .await?;
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }

    /// Adds the user to a group, keeping their other groups: reads `adminGroupIds`, then
    /// patches the list with the group appended (no request when already a member).
    /// Returns the new list.
    pub async fn add_to_group(
        &self,
        id: AdminId,
        group: impl Into<GroupRef>,
    ) -> Result<Vec<AdminGroupId>> {
        let id = id.check("id")?;
        let group = group.into().resolve(self.client).await?;
        let mut ids = self.group_ids(id).await?;
        if ids.contains(&group) {
            return Ok(ids);
        }
        ids.push(group);
        self.set_groups(id, ids).await
    }

    /// Removes the user from a group, keeping their other groups (no request when not a
    /// member). Returns the new list.
    pub async fn remove_from_group(
        &self,
        id: AdminId,
        group: impl Into<GroupRef>,
    ) -> Result<Vec<AdminGroupId>> {
        let id = id.check("id")?;
        let group = group.into().resolve(self.client).await?;
        let mut ids = self.group_ids(id).await?;
        let before = ids.len();
        ids.retain(|existing| *existing != group);
        if ids.len() == before {
            return Ok(ids);
        }
        self.set_groups(id, ids).await
    }

    /// Moves the user: their groups become exactly `groups` (which may be empty, making
    /// the user ungrouped). Every group is resolved before anything changes.
    pub async fn move_to_groups<G: Into<GroupRef>>(
        &self,
        id: AdminId,
        groups: impl IntoIterator<Item = G>,
    ) -> Result<Vec<AdminGroupId>> {
        let id = id.check("id")?;
        let mut ids = Vec::new();
        for group in groups {
            let group = group.into().resolve(self.client).await?;
            if !ids.contains(&group) {
                ids.push(group);
            }
        }
        self.set_groups(id, ids).await
    }

    async fn set_groups(&self, id: AdminId, ids: Vec<AdminGroupId>) -> Result<Vec<AdminGroupId>> {
        let user = self.update(id).admin_group_ids(ids).send().await?;
        Ok(user.admin_group_ids)
    }

    /// Users whose last login is before `cutoff`, as a stream; see [`InactiveQuery`] for
    /// how never-logged-in and API-only users are treated.
    pub fn inactive_since(&self, cutoff: DateTime<Utc>) -> InactiveQuery<'c> {
        InactiveQuery {
            client: self.client,
            cutoff,
            never_logged_in: NeverLoggedIn::Include,
            api_only: ApiOnlyUsers::Exclude,
            include_suspended: false,
            size: MAX_PAGE_SIZE,
        }
    }
}

/// Reads one user: `client.users().get(id)`.
#[must_use = "a request does nothing until sent"]
#[derive(Debug)]
pub struct GetUser<'c> {
    client: &'c Client,
    id: AdminId,
    fields: Vec<String>,
}

impl GetUser<'_> {
    /// Returns only these properties (`id` is always added).
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Admin> {
        let id = self.id.check("id")?;
        let fields = if self.fields.is_empty() {
            None
        } else {
            Some(fields_param(&self.fields)?)
        };
        self.client
            .http
            .request(&GET)
            .path_param("id", id)
            .query_opt("fields", fields)
            .send_json()
            .await
    }
}

/// A user to create or to replace another with.
///
/// ```
/// use logicmonitor_client::{NewUser, RoleRef};
/// let user = NewUser::new("jdoe")
///     .email("jdoe@example.com")
///     .role(RoleRef::name("readonly"))
///     .first_name("John");
/// ```
#[derive(Clone)]
pub struct NewUser {
    username: String,
    email: Option<String>,
    password: Option<SecretString>,
    roles: Vec<RoleRef>,
    groups: Vec<GroupRef>,
    status: Option<AdminStatus>,
    first_name: Option<String>,
    last_name: Option<String>,
    note: Option<String>,
    phone: Option<String>,
    timezone: Option<String>,
    api_only: bool,
    force_password_change: Option<bool>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("roles", &self.roles)
            .field("groups", &self.groups)
            .field("api_only", &self.api_only)
            .finish_non_exhaustive()
    }
}

impl NewUser {
    /// A user with this login name. Add at least one role, and an email unless the user
    /// is [`api_only`](Self::api_only).
    pub fn new(username: impl Into<String>) -> Self {
        Self {
            username: username.into(),
            email: None,
            password: None,
            roles: Vec::new(),
            groups: Vec::new(),
            status: None,
            first_name: None,
            last_name: None,
            note: None,
            phone: None,
            timezone: None,
            api_only: false,
            force_password_change: None,
        }
    }

    /// An API-only user: no email, no password, never logs in interactively.
    pub fn api_only(username: impl Into<String>) -> Self {
        Self {
            api_only: true,
            ..Self::new(username)
        }
    }

    /// The email address.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// The password: at least 8 characters with an upper-case and a lower-case letter,
    /// a digit and a special character (LogicMonitor's UI policy).
    #[must_use]
    pub fn password(mut self, password: SecretString) -> Self {
        self.password = Some(password);
        self
    }

    /// Adds a role (by id or by name).
    #[must_use]
    pub fn role(mut self, role: impl Into<RoleRef>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Adds a group (by id or by name).
    #[must_use]
    pub fn group(mut self, group: impl Into<GroupRef>) -> Self {
        self.groups.push(group.into());
        self
    }

    /// The initial status (LogicMonitor's default is active).
    #[must_use]
    pub fn status(mut self, status: AdminStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Given name.
    #[must_use]
    pub fn first_name(mut self, name: impl Into<String>) -> Self {
        self.first_name = Some(name.into());
        self
    }

    /// Family name.
    #[must_use]
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.last_name = Some(name.into());
        self
    }

    /// A free-text note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Phone number.
    #[must_use]
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.phone = Some(phone.into());
        self
    }

    /// IANA time zone, e.g. `America/Los_Angeles`.
    #[must_use]
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = Some(timezone.into());
        self
    }

    /// Whether the user must change the password at the next login.
    #[must_use]
    pub fn force_password_change(mut self, force: bool) -> Self {
        self.force_password_change = Some(force);
        self
    }

    fn validate(&self) -> Result<()> {
        validate::username(&self.username)?;
        match (&self.email, self.api_only) {
            (Some(email), _) => core_http::validate::email("email", email)?,
            (None, false) => {
                return Err(Error::invalid_input(
                    "email",
                    "required unless the user is API-only",
                ));
            }
            (None, true) => {}
        }
        if self.api_only && self.password.is_some() {
            return Err(Error::invalid_input(
                "password",
                "API-only users have no password",
            ));
        }
        if let Some(password) = &self.password {
            validate::password(password)?;
        }
        if self.roles.is_empty() {
            return Err(Error::invalid_input(
                "roles",
                "at least one role is required",
            ));
        }
        for role in &self.roles {
            role.check()?;
        }
        for group in &self.groups {
            group.check()?;
        }
        Ok(())
    }

    async fn into_body(self, client: &Client) -> Result<AdminCreate> {
        let mut roles = Vec::with_capacity(self.roles.len());
        for role in &self.roles {
            let id: RoleId = role.resolve(client).await?;
            roles.push(RoleReference { id });
        }
        let mut groups = Vec::with_capacity(self.groups.len());
        for group in self.groups {
            groups.push(group.resolve(client).await?);
        }
        Ok(AdminCreate {
            username: self.username,
            email: self.email,
            password: self.password.map(|p| p.expose_secret().to_owned()),
            roles,
            admin_group_ids: groups,
            status: self.status,
            first_name: self.first_name,
            last_name: self.last_name,
            note: self.note,
            phone: self.phone,
            timezone: self.timezone,
            apionly: self.api_only.then_some(true),
            force_password_change: self.force_password_change,
        })
    }
}

/// The PATCH body: only the fields set are serialised; an empty `adminGroupIds` is sent
/// as `[]` (ungroup), unlike the generated model, which skips empty lists.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Patch {
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<AdminStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin_group_ids: Option<Vec<AdminGroupId>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    roles: Option<Vec<RoleReference>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timezone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<String>,
}

/// A partial update of one user: `client.users().update(id)`.
#[must_use = "an update does nothing until sent"]
pub struct UpdateUser<'c> {
    client: &'c Client,
    id: AdminId,
    patch: Patch,
    password: Option<SecretString>,
    validation_only: bool,
}

impl fmt::Debug for UpdateUser<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UpdateUser")
            .field("id", &self.id)
            .field("status", &self.patch.status)
            .field("admin_group_ids", &self.patch.admin_group_ids)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .finish_non_exhaustive()
    }
}

impl UpdateUser<'_> {
    /// Sets the status.
    pub fn status(mut self, status: AdminStatus) -> Self {
        self.patch.status = Some(status);
        self
    }

    /// Replaces the whole group list (see also [`Users::add_to_group`], which keeps the
    /// other groups).
    pub fn admin_group_ids(mut self, ids: impl IntoIterator<Item = AdminGroupId>) -> Self {
        self.patch.admin_group_ids = Some(ids.into_iter().collect());
        self
    }

    /// Replaces the roles (by id).
    pub fn role_ids(mut self, ids: impl IntoIterator<Item = RoleId>) -> Self {
        self.patch.roles = Some(ids.into_iter().map(|id| RoleReference { id }).collect());
        self
    }

    /// Changes the login name.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.patch.username = Some(username.into());
        self
    }

    /// Changes the email.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.patch.email = Some(email.into());
        self
    }

    /// Changes the given name.
    pub fn first_name(mut self, name: impl Into<String>) -> Self {
        self.patch.first_name = Some(name.into());
        self
    }

    /// Changes the family name.
    pub fn last_name(mut self, name: impl Into<String>) -> Self {
        self.patch.last_name = Some(name.into());
        self
    }

    /// Changes the note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.patch.note = Some(note.into());
        self
    }

    /// Changes the phone number.
    pub fn phone(mut self, phone: impl Into<String>) -> Self {
        self.patch.phone = Some(phone.into());
        self
    }

    /// Changes the time zone.
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.patch.timezone = Some(timezone.into());
        self
    }

    /// Sets a new password (sent with `changePassword=true`).
    pub fn password(mut self, password: SecretString) -> Self {
        self.password = Some(password);
        self
    }

    /// Validates on the server without saving (`validationOnly=true`).
    pub fn validation_only(mut self, validation_only: bool) -> Self {
        self.validation_only = validation_only;
        self
    }

    /// Sends the update and returns the user as the server now has it.
    pub async fn send(self) -> Result<Admin> {
        let id = self.id.check("id")?;
        let mut patch = self.patch;
        if let Some(username) = &patch.username {
            validate::username(username)?;
        }
        if let Some(email) = &patch.email {
            core_http::validate::email("email", email)?;
        }
        if let Some(ids) = &patch.admin_group_ids {
            for group in ids {
                group.check("admin_group_ids")?;
            }
        }
        if let Some(roles) = &patch.roles {
            if roles.is_empty() {
                return Err(Error::invalid_input(
                    "roles",
                    "at least one role is required",
                ));
            }
            for role in roles {
                role.id.check("roles")?;
            }
        }
        if let Some(password) = &self.password {
            validate::password(password)?;
            patch.password = Some(password.expose_secret().to_owned());
        }
        let body = serde_json::to_value(&patch)
            .map_err(|error| Error::invalid_input("update", error.to_string()))?;
        if body.as_object().is_none_or(serde_json::Map::is_empty) {
            return Err(Error::invalid_input("update", "nothing to change"));
        }
        self.client
            .http
            .request(&PATCH)
            .path_param("id", id)
            .query_opt("changePassword", self.password.is_some().then_some(true))
            .query_opt("validationOnly", self.validation_only.then_some(true))
            .json(&patch)
            .send_json()
            .await
    }
}

/// How [`Users::inactive_since`] treats users who never logged in (`lastLoginOn = 0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NeverLoggedIn {
    /// Count them as inactive (the default, and what the server's `lastLoginOn<cutoff`
    /// filter does on its own). They come back with [`LastLogin::Never`], so a caller
    /// can still treat them differently. LogicMonitor does not expose when a user was
    /// created, so a user invited yesterday who has not logged in yet is included too.
    Include,
    /// Leave them out.
    Exclude,
}

/// How [`Users::inactive_since`] treats API-only users (`apionly = true`), who never log
/// in by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiOnlyUsers {
    /// Leave them out (the default): suspending an integration's user breaks it.
    Exclude,
    /// Count them like everyone else.
    Include,
}

/// When an inactive user last logged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LastLogin {
    /// Never (`lastLoginOn = 0` or absent).
    Never,
    /// At this time.
    At(DateTime<Utc>),
}

/// A user found by [`Users::inactive_since`].
#[derive(Debug, Clone, PartialEq)]
pub struct InactiveUser {
    /// The user (projected to the fields listed in [`InactiveQuery::stream`]).
    pub user: Admin,
    /// The last login, or that there was none.
    pub last_login: LastLogin,
}

/// Pages through users who have not logged in since a cutoff: `client.users().inactive_since(cutoff)`.
///
/// Defaults, each visible and changeable here: only **active** users
/// ([`include_suspended`](Self::include_suspended)), never-logged-in users **included**
/// ([`NeverLoggedIn::Include`]), API-only users **excluded** ([`ApiOnlyUsers::Exclude`]).
/// The server filters with `status:"active",lastLoginOn<{cutoff}` (plus `apionly:false`
/// and `lastLoginOn>0` as chosen); every item is checked again on this side, so a server
/// that ignores part of the filter can not widen the result.
///
/// Collect the users before suspending them: changing users while paging shifts the
/// offsets of the pages still to come (LogicMonitor pages by offset only).
#[must_use = "a query does nothing until streamed"]
#[derive(Debug)]
pub struct InactiveQuery<'c> {
    client: &'c Client,
    cutoff: DateTime<Utc>,
    never_logged_in: NeverLoggedIn,
    api_only: ApiOnlyUsers,
    include_suspended: bool,
    size: u32,
}

impl InactiveQuery<'_> {
    /// How to treat users who never logged in.
    pub fn never_logged_in(mut self, choice: NeverLoggedIn) -> Self {
        self.never_logged_in = choice;
        self
    }

    /// How to treat API-only users.
    pub fn api_only(mut self, choice: ApiOnlyUsers) -> Self {
        self.api_only = choice;
        self
    }

    /// Whether already-suspended users are listed too (default: no).
    pub fn include_suspended(mut self, include: bool) -> Self {
        self.include_suspended = include;
        self
    }

    /// Page size, 1 to 1000 (default 1000).
    pub fn size(mut self, size: u32) -> Self {
        self.size = size;
        self
    }

    /// The filter sent to the server.
    pub fn filter(&self) -> Filter {
        let mut filter = Filter::new();
        if !self.include_suspended {
            filter = filter.and(Clause::eq("status", "active"));
        }
        filter = filter.and(Clause::lt("lastLoginOn", self.cutoff.timestamp()));
        if self.never_logged_in == NeverLoggedIn::Exclude {
            filter = filter.and(Clause::gt("lastLoginOn", 0));
        }
        if self.api_only == ApiOnlyUsers::Exclude {
            filter = filter.and(Clause::eq("apionly", false));
        }
        filter
    }

    /// Streams the matching users with the fields `id`, `username`, `email`,
    /// `firstName`, `lastName`, `status`, `lastLoginOn`, `apionly`, `adminGroupIds`.
    pub fn stream(self) -> ItemStream<InactiveUser> {
        let cutoff = self.cutoff.timestamp();
        let never = self.never_logged_in;
        let api_only = self.api_only;
        let include_suspended = self.include_suspended;
        let users = self
            .client
            .users()
            .list()
            .filter(self.filter())
            .fields([
                "username",
                "email",
                "firstName",
                "lastName",
                "status",
                "lastLoginOn",
                "apionly",
                "adminGroupIds",
            ])
            .sort(crate::Sort::asc("id"))
            .size(self.size)
            .stream();
        Box::pin(users.try_filter_map(move |user| {
            let last = user.last_login_on.unwrap_or(0);
            let keep = last < cutoff
                && (include_suspended || user.status == Some(AdminStatus::Active))
                && (never == NeverLoggedIn::Include || last > 0)
                && (api_only == ApiOnlyUsers::Include || user.apionly != Some(true));
            let last_login = if last <= 0 {
                LastLogin::Never
            } else {
                DateTime::from_timestamp(last, 0).map_or(LastLogin::Never, LastLogin::At)
            };
            std::future::ready(Ok(keep.then_some(InactiveUser { user, last_login })))
        }))
        .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_sends_empty_group_lists_and_nothing_else() {
        let patch = Patch {
            admin_group_ids: Some(Vec::new()),
            ..Patch::default()
        };
        assert_eq!(
            serde_json::to_string(&patch).unwrap(),
            r#"{"adminGroupIds":[]}"#
        );
        let patch = Patch {
            status: Some(AdminStatus::Suspended),
            admin_group_ids: Some(vec![AdminGroupId(9)]),
            ..Patch::default()
        };
        assert_eq!(
            serde_json::to_string(&patch).unwrap(),
            r#"{"status":"suspended","adminGroupIds":[9]}"#
        );
    }
}
