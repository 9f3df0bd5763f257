//! One partner portal's users: list, get, create, delete, find by email, ensure.

use std::fmt;

use core_http::{ExposeSecret, Operation, SecretString, StatusCode};
use futures_util::TryStreamExt;
use serde::{Serialize, Serializer};

use crate::generated::PartnerPortalUserPage;
use crate::paging::ListRequest;
use crate::{
    Client, DeletedPartnerPortalUser, Error, PartnerPortalUser, Result, UserAttributeValue,
    validate,
};

static LIST_USERS: Operation =
    Operation::get("portal_users.list", "/v1/partner-portals/{portalId}/users");
static GET_USER: Operation = Operation::get(
    "portal_users.get",
    "/v1/partner-portals/{portalId}/users/{userId}",
);
static CREATE_USER: Operation = Operation::post(
    "portal_users.create",
    "/v1/partner-portals/{portalId}/users",
);
static DELETE_USER: Operation = Operation::delete(
    "portal_users.delete",
    "/v1/partner-portals/{portalId}/users/{userId}",
);

/// The locale sent when none is set, as Whaly documents its default.
pub const DEFAULT_LOCALE: &str = "en_US";

/// A handle on one partner portal, borrowing the client; see [`Client::portal`].
#[derive(Debug, Clone)]
pub struct PortalHandle<'c> {
    client: &'c Client,
    id: String,
}

impl<'c> PortalHandle<'c> {
    pub(crate) fn new(client: &'c Client, id: String) -> Self {
        Self { client, id }
    }

    /// The portal id.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn checked_id(&self) -> Result<&str> {
        validate::path_segment("portal_id", &self.id)?;
        Ok(&self.id)
    }

    /// Lists the portal's users, oldest first.
    pub fn list_users(&self) -> ListRequest<'c, PartnerPortalUser> {
        ListRequest::new::<PartnerPortalUserPage>(self.client, &LIST_USERS).path_param(
            "portal_id",
            "portalId",
            &self.id,
        )
    }

    /// Gets one user.
    pub async fn get_user(&self, user_id: &str) -> Result<PartnerPortalUser> {
        let portal = self.checked_id()?;
        validate::path_segment("user_id", user_id)?;
        self.client
            .http
            .request(&GET_USER)
            .path_param("portalId", portal)
            .path_param("userId", user_id)
            .send_json()
            .await
    }

    /// Creates a user, after checking it and resolving role and attribute names.
    ///
    /// Role and attribute names given with [`NewUser::role_named`] and
    /// [`NewUser::attribute_named`] are resolved through the role and attribute lists
    /// first; an unknown name is [`Error::InvalidInput`] and no user is created. Any 2xx
    /// is success (Whaly documents 200). Creating is not retried on 5xx, because the
    /// server may have acted; see [`ensure_user`](Self::ensure_user) for a re-runnable
    /// form.
    pub async fn create_user(&self, user: &NewUser) -> Result<PartnerPortalUser> {
        let portal = self.checked_id()?;
        user.validate()?;
        let mut roles = Vec::with_capacity(user.roles.len());
        let names: Vec<&str> = user
            .roles
            .iter()
            .filter_map(|role| match role {
                Ref::Name(name) => Some(name.as_str()),
                Ref::Id(_) => None,
            })
            .collect();
        let mut resolved = self.client.roles().resolve_ids(&names).await?.into_iter();
        for role in &user.roles {
            match role {
                Ref::Id(id) => roles.push(id.clone()),
                Ref::Name(_) => roles.extend(resolved.next()),
            }
        }
        let attribute_names: Vec<(&str, String)> = user
            .attributes
            .iter()
            .filter_map(|(attribute, value)| match attribute {
                Ref::Name(name) => Some((name.as_str(), value.clone())),
                Ref::Id(_) => None,
            })
            .collect();
        let mut resolved = self
            .client
            .user_attributes()
            .resolve(attribute_names)
            .await?
            .into_iter();
        let mut attributes = Vec::with_capacity(user.attributes.len());
        for (attribute, value) in &user.attributes {
            match attribute {
                Ref::Id(id) => attributes.push(UserAttributeValue {
                    id: id.clone(),
                    value: value.clone(),
                }),
                Ref::Name(_) => attributes.extend(resolved.next()),
            }
        }
        let body = CreateBody {
            first_name: user.first_name.trim(),
            last_name: user.last_name.trim(),
            email: user.email.trim(),
            password: user.password.as_ref().map(ExposedPassword),
            roles,
            locale: user.locale.as_deref().unwrap_or(DEFAULT_LOCALE),
            attributes,
        };
        self.client
            .http
            .request(&CREATE_USER)
            .path_param("portalId", portal)
            .json(&body)
            .send_json()
            .await
    }

    /// Deletes a user; a missing user is an [`Error::Api`] with status 404.
    pub async fn delete_user(&self, user_id: &str) -> Result<DeletedPartnerPortalUser> {
        let portal = self.checked_id()?;
        validate::path_segment("user_id", user_id)?;
        self.client
            .http
            .request(&DELETE_USER)
            .path_param("portalId", portal)
            .path_param("userId", user_id)
            .send_json()
            .await
    }

    /// Deletes a user, treating 404 as "already gone" (`Ok(None)`).
    ///
    /// Whaly does not document whether deleting is idempotent; this is the opt-in.
    pub async fn delete_user_if_exists(
        &self,
        user_id: &str,
    ) -> Result<Option<DeletedPartnerPortalUser>> {
        match self.delete_user(user_id).await {
            Ok(deleted) => Ok(Some(deleted)),
            Err(error) if error.status() == Some(StatusCode::NOT_FOUND) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// The user with this email, compared case-insensitively, if any.
    ///
    /// The API has no filter, so this lists the portal's users client-side: one request
    /// per page, stopping at the first match.
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<PartnerPortalUser>> {
        self.checked_id()?;
        validate::email("email", email.trim())?;
        let wanted = email.trim().to_lowercase();
        let mut users = self.list_users().stream();
        while let Some(user) = users.try_next().await? {
            if user.email.trim().to_lowercase() == wanted {
                return Ok(Some(user));
            }
        }
        Ok(None)
    }

    /// Creates the user unless one with the same email (case-insensitive) exists, and
    /// returns either; re-running an onboarding script therefore creates nobody twice.
    ///
    /// An existing user is returned as is: the API offers no update, so its names, roles
    /// and attributes are not changed. Should the create race with another and answer
    /// 409 (or 400 naming an existing email), the user is looked up again.
    pub async fn ensure_user(&self, user: &NewUser) -> Result<Ensured> {
        user.validate()?;
        if let Some(existing) = self.find_user_by_email(&user.email).await? {
            return Ok(Ensured::Existing(existing));
        }
        match self.create_user(user).await {
            Ok(created) => Ok(Ensured::Created(created)),
            Err(error) if is_duplicate(&error) => self
                .find_user_by_email(&user.email)
                .await?
                .map(Ensured::Existing)
                .ok_or(error),
            Err(error) => Err(error),
        }
    }
}

fn is_duplicate(error: &Error) -> bool {
    match error {
        Error::Api {
            status, message, ..
        } => {
            *status == StatusCode::CONFLICT
                || (*status == StatusCode::BAD_REQUEST
                    && message.to_lowercase().contains("already exist"))
        }
        _ => false,
    }
}

/// What [`PortalHandle::ensure_user`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Ensured {
    /// The user was created.
    Created(PartnerPortalUser),
    /// A user with that email already existed and was left unchanged.
    Existing(PartnerPortalUser),
}

impl Ensured {
    /// The user, created or existing.
    pub fn user(&self) -> &PartnerPortalUser {
        match self {
            Self::Created(user) | Self::Existing(user) => user,
        }
    }

    /// The user, created or existing.
    pub fn into_user(self) -> PartnerPortalUser {
        match self {
            Self::Created(user) | Self::Existing(user) => user,
        }
    }

    /// Whether this call created the user.
    pub fn was_created(&self) -> bool {
        matches!(self, Self::Created(_))
    }
}

/// A role or attribute given by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ref {
    Id(String),
    Name(String),
}

/// A portal user to create; see [`PortalHandle::create_user`].
///
/// ```
/// use partner_portal_client::{NewUser, SecretString};
/// let user = NewUser::new("Ada", "Moreau", "ada.moreau@acme-partner.com")
///     .role_named("Viewer")
///     .locale("fr_FR")
///     .attribute_named("tenant_id", "ACME-042")
///     .password(SecretString::from("initial password"));
/// assert!(!format!("{user:?}").contains("initial password"));
/// ```
///
/// Checked before sending: non-blank names, a plausible email, at least one role, a
/// locale like `en_US` (the default), non-empty attribute ids or names.
#[derive(Clone)]
pub struct NewUser {
    first_name: String,
    last_name: String,
    email: String,
    password: Option<SecretString>,
    roles: Vec<Ref>,
    locale: Option<String>,
    attributes: Vec<(Ref, String)>,
}

impl NewUser {
    /// A user with these names and email, and (so far) no role.
    pub fn new(
        first_name: impl Into<String>,
        last_name: impl Into<String>,
        email: impl Into<String>,
    ) -> Self {
        Self {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: email.into(),
            password: None,
            roles: Vec::new(),
            locale: None,
            attributes: Vec::new(),
        }
    }

    /// Grants the role with this id (e.g. `ro_ZW9dbXgfX2L0Dg`).
    #[must_use]
    pub fn role(mut self, role_id: impl Into<String>) -> Self {
        self.roles.push(Ref::Id(role_id.into()));
        self
    }

    /// Grants the roles with these ids.
    #[must_use]
    pub fn roles<I, S>(mut self, role_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles
            .extend(role_ids.into_iter().map(|id| Ref::Id(id.into())));
        self
    }

    /// Grants the role with this name (e.g. `Viewer`), resolved through `GET /v1/roles`
    /// when the user is created.
    #[must_use]
    pub fn role_named(mut self, name: impl Into<String>) -> Self {
        self.roles.push(Ref::Name(name.into()));
        self
    }

    /// The password the user can use at the first connection. Never logged, never in
    /// `Debug`. Without one, Whaly presumably invites the user by email (unverified).
    #[must_use]
    pub fn password(mut self, password: SecretString) -> Self {
        self.password = Some(password);
        self
    }

    /// The locale for time and number formatting, like `fr_FR` (default `en_US`).
    #[must_use]
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Sets a user attribute by id. Repeat the id for a multi-valued attribute
    /// (unverified: Whaly documents one value per entry).
    #[must_use]
    pub fn attribute(mut self, attribute_id: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes
            .push((Ref::Id(attribute_id.into()), value.into()));
        self
    }

    /// Sets a user attribute by technical name (e.g. `tenant_id`), resolved through
    /// `GET /v1/user-attributes` when the user is created.
    #[must_use]
    pub fn attribute_named(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((Ref::Name(name.into()), value.into()));
        self
    }

    /// The email address.
    pub fn email(&self) -> &str {
        &self.email
    }

    /// Everything checkable without the server.
    pub(crate) fn validate(&self) -> Result<()> {
        validate::non_blank("first_name", &self.first_name)?;
        validate::non_blank("last_name", &self.last_name)?;
        validate::email("email", self.email.trim())?;
        if self.roles.is_empty() {
            return Err(Error::invalid_input(
                "roles",
                "at least one role is required",
            ));
        }
        for role in &self.roles {
            let (Ref::Id(text) | Ref::Name(text)) = role;
            validate::non_blank("roles", text)?;
        }
        if let Some(locale) = &self.locale {
            validate::locale(locale)?;
        }
        if let Some(password) = &self.password
            && password.expose_secret().is_empty()
        {
            return Err(Error::invalid_input(
                "password",
                "must not be empty (leave it unset instead)",
            ));
        }
        for (attribute, _) in &self.attributes {
            let (Ref::Id(text) | Ref::Name(text)) = attribute;
            validate::non_blank("attributes", text)?;
        }
        Ok(())
    }
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .field("email", &self.email)
            .field("password", &self.password.as_ref().map(|_| "[REDACTED]"))
            .field("roles", &self.roles)
            .field("locale", &self.locale)
            .field("attributes", &self.attributes)
            .finish()
    }
}

/// The wire body of a create.
#[derive(Serialize)]
struct CreateBody<'a> {
    first_name: &'a str,
    last_name: &'a str,
    email: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    password: Option<ExposedPassword<'a>>,
    roles: Vec<String>,
    locale: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attributes: Vec<UserAttributeValue>,
}

/// The password, exposed only while the body is serialized.
struct ExposedPassword<'a>(&'a SecretString);

impl Serialize for ExposedPassword<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.expose_secret())
    }
}
