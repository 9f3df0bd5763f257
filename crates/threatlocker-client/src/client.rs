//! The client and its builder.

use std::fmt;

use core_http::{
    Error, HeaderName, HeaderValue, HttpClient, Operation, RequestBuilder, Result, SecretString,
    TransportOptions,
};
use uuid::Uuid;

use crate::auth;
use crate::error::ThreatLockerErrorDecoder;
use crate::validate::{self, IntoGuid};

/// The header that selects the organization a call acts on.
///
/// HTTP/1.1 header names are case-insensitive and go out lower-cased
/// (`managedorganizationid`); the portal matches them without regard to case.
pub const MANAGED_ORGANIZATION_HEADER: &str = "ManagedOrganizationId";

/// Which organization calls act on.
#[derive(Clone, PartialEq, Eq)]
enum Managed {
    /// The token's own organization: no header.
    Own,
    /// The given organization, sent in the `ManagedOrganizationId` header.
    Org(Uuid),
    /// A malformed id given to [`Client::organization`]; every call fails with this reason.
    Invalid(String),
}

/// A ThreatLocker portal API client.
///
/// Cheap to clone: clones share the connection pool. [`Client::organization`] returns a
/// clone that acts on another (child) organization.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: HttpClient,
    managed: Managed,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle acting on organization `id`: every call sends `ManagedOrganizationId: id`.
    ///
    /// Cheap (a clone sharing the connection pool). A malformed id is reported as
    /// [`Error::InvalidInput`] (field `managedOrganizationId`) by the first call, before
    /// anything is sent. The zero GUID means the token's own organization to the portal.
    #[must_use]
    pub fn organization(&self, id: impl IntoGuid) -> Client {
        let managed = match id.into_guid() {
            Ok(id) => Managed::Org(id),
            Err(reason) => Managed::Invalid(reason),
        };
        Client {
            http: self.http.clone(),
            managed,
        }
    }

    /// A handle acting on the token's own organization (no `ManagedOrganizationId` header).
    #[must_use]
    pub fn own_organization(&self) -> Client {
        Client {
            http: self.http.clone(),
            managed: Managed::Own,
        }
    }

    /// The organization this handle sends as `ManagedOrganizationId`, if any.
    pub fn managed_organization(&self) -> Option<Uuid> {
        match self.managed {
            Managed::Org(id) => Some(id),
            _ => None,
        }
    }

    /// The organization this handle acts on, when the client knows it: the managed
    /// organization unless that is absent or the zero GUID (then it is the token's own
    /// organization, whose id the public API does not reveal).
    pub(crate) fn target_organization(&self) -> Option<Uuid> {
        self.managed_organization().filter(|id| !id.is_nil())
    }

    /// Users: timezones and invitations.
    pub fn users(&self) -> crate::users::Users<'_> {
        crate::users::Users::new(self)
    }

    /// Roles of the managed organization.
    pub fn roles(&self) -> crate::roles::Roles<'_> {
        crate::roles::Roles::new(self)
    }

    /// Child organizations of the managed organization.
    pub fn organizations(&self) -> crate::organizations::Organizations<'_> {
        crate::organizations::Organizations::new(self)
    }

    /// Invites one person into many organizations, resolving a role by name in each; see
    /// [`FanOutInvite`](crate::FanOutInvite).
    pub fn invite_across(
        &self,
        username: impl Into<String>,
        role_name: impl Into<String>,
    ) -> crate::fanout::FanOutInvite<'_> {
        crate::fanout::FanOutInvite::new(self, username.into(), role_name.into())
    }

    /// The underlying transport, for calls this crate does not wrap.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Starts a request with the managed-organization header, or fails without sending
    /// when the managed organization id was malformed.
    pub(crate) fn request<'a>(&'a self, operation: &'a Operation) -> Result<RequestBuilder<'a>> {
        let builder = self.http.request(operation);
        match &self.managed {
            Managed::Own => Ok(builder),
            Managed::Org(id) => Ok(builder.header(
                HeaderName::from_static("managedorganizationid"),
                HeaderValue::from_str(&id.hyphenated().to_string()).map_err(|_| {
                    Error::invalid_input("managedOrganizationId", "not a header value")
                })?,
            )),
            Managed::Invalid(reason) => Err(Error::invalid_input(
                "managedOrganizationId",
                reason.clone(),
            )),
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let managed = match &self.managed {
            Managed::Own => "own organization".to_owned(),
            Managed::Org(id) => id.to_string(),
            Managed::Invalid(_) => "invalid".to_owned(),
        };
        f.debug_struct("Client")
            .field("base_url", &self.http.base_url().as_str())
            .field("managed_organization", &managed)
            .field("http", &self.http)
            .finish()
    }
}

/// Configures a [`Client`].
///
/// Give either an [`instance`](Self::instance) (`g` for `https://portalapi.g.threatlocker.com`)
/// or a [`base_url`](Self::base_url), and a [`token`](Self::token). A key only works on
/// the instance that created it; there is no default instance.
#[derive(Default)]
pub struct ClientBuilder {
    instance: Option<String>,
    base_url: Option<String>,
    token: Option<SecretString>,
    managed: Option<std::result::Result<Uuid, String>>,
    transport: TransportOptions,
}

impl ClientBuilder {
    core_http::transport_setters!();

    /// The portal instance, the letter in `portal.<x>.threatlocker.com` (one DNS label).
    #[must_use]
    pub fn instance(mut self, instance: impl Into<String>) -> Self {
        self.instance = Some(instance.into());
        self
    }

    /// An explicit base URL such as `https://betaportalapi.g.threatlocker.com` or a
    /// sandbox's `http://127.0.0.1:PORT`, instead of an instance.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API token, sent raw as `Authorization: <token>` (no `Bearer`).
    #[must_use]
    pub fn token(mut self, token: impl Into<SecretString>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The organization every call acts on unless a handle from [`Client::organization`]
    /// says otherwise. Without it, calls act on the token's own organization.
    #[must_use]
    pub fn managed_organization(mut self, id: impl IntoGuid) -> Self {
        self.managed = Some(id.into_guid());
        self
    }

    /// Checks the settings and builds the client.
    ///
    /// Every problem is [`Error::Config`] naming the setting: an instance that is not a
    /// DNS label, a malformed managed organization id, a missing, empty or
    /// whitespace-containing token (never quoted), or both or neither of instance and
    /// base URL.
    pub fn build(self) -> Result<Client> {
        let base_url = match (self.instance, self.base_url) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "base_url",
                    "set either an instance or a base URL, not both",
                ));
            }
            (None, None) => {
                return Err(Error::config(
                    "instance",
                    "required: a key only works on the instance that created it (e.g. `g`), or set a base URL",
                ));
            }
            (Some(instance), None) => {
                format!(
                    "https://portalapi.{}.threatlocker.com",
                    validate::instance(&instance)?
                )
            }
            (None, Some(url)) => url,
        };
        let auth = auth::token_auth(self.token)?;
        let managed = match self.managed {
            None => Managed::Own,
            Some(Ok(id)) => Managed::Org(id),
            Some(Err(reason)) => return Err(Error::config("managedOrganizationId", reason)),
        };
        let http = HttpClient::builder(base_url)
            .vendor("threatlocker")
            .auth(auth)
            .error_decoder(ThreatLockerErrorDecoder)
            .rate_limit_headers(None)
            .user_agent(core_http::default_user_agent!())
            .transport(self.transport);
        Ok(Client {
            http: http.build()?,
            managed,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("instance", &self.instance)
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("managed_organization", &self.managed)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_rules() {
        for bad in ["", " ", "canary-1 2", "canary-1\n", "\tcanary"] {
            let error = Client::builder()
                .instance("g")
                .token(bad)
                .build()
                .unwrap_err();
            assert!(
                matches!(&error, Error::Config { field, .. } if field == "token"),
                "{bad:?}: {error:?}"
            );
            assert!(!format!("{error} {error:?}").contains("canary"));
        }
        assert!(matches!(
            Client::builder().instance("g").build(),
            Err(Error::Config { .. })
        ));
    }

    #[test]
    fn instance_and_base_url() {
        let client = Client::builder()
            .instance("G")
            .token("t0k3n")
            .build()
            .unwrap();
        assert_eq!(
            client.http().base_url().as_str(),
            "https://portalapi.g.threatlocker.com/"
        );
        for bad in ["g.evil.com", "g/x"] {
            let error = Client::builder()
                .instance(bad)
                .token("t")
                .build()
                .unwrap_err();
            assert!(
                matches!(&error, Error::Config { field, .. } if field == "instance"),
                "{error:?}"
            );
        }
        assert!(Client::builder().token("t").build().is_err());
        assert!(
            Client::builder()
                .instance("g")
                .base_url("https://x.example")
                .token("t")
                .build()
                .is_err()
        );
        assert!(matches!(
            Client::builder().instance("g").token("t").managed_organization("nope").build(),
            Err(Error::Config { field, .. }) if field == "managedOrganizationId"
        ));
    }

    #[test]
    fn scoped_handles() {
        let client = Client::builder().instance("g").token("t").build().unwrap();
        assert_eq!(client.managed_organization(), None);
        let id = Uuid::from_u128(7);
        let child = client.organization(id);
        assert_eq!(child.managed_organization(), Some(id));
        assert_eq!(child.own_organization().managed_organization(), None);
        assert_eq!(client.organization(Uuid::nil()).target_organization(), None);
        assert!(matches!(
            client.organization("bad").request(&crate::roles::LIST_ROLES),
            Err(Error::InvalidInput { field, .. }) if field == "managedOrganizationId"
        ));
    }
}
