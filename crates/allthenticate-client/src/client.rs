//! The client and its builder.

use std::fmt;

use core_http::{
    Error, ExposeSecret, HttpClient, Method, Operation, Response, Result, SecretString,
    TransportOptions,
};

use crate::auth::{ApiKeyAuth, AuthPlacement};
use crate::error::AllthenticateErrorDecoder;
use crate::generated::User;
use crate::invites::Invites;
use crate::params::{ArrayEncoding, BodyEncoding, Params, Wire};
use crate::suspension::{SuspensionSource, SuspensionState};
use crate::users::Users;

/// The largest response the client reads: 256 MiB. Allthenticate answers a listing with
/// every member in one response (it documents no paging), about 600 bytes a member, so
/// the transport's default cap of 16 MiB would refuse an organization of some 25,000
/// members; this one reads about 400,000. (Our choice; the vendor documents no size.)
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// A client for one Allthenticate organization. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: HttpClient,
    pub(crate) wire: Wire,
    pub(crate) invite_method: Method,
    pub(crate) auth: AuthPlacement,
    pub(crate) suspension: SuspensionSource,
}

impl Client {
    /// Starts configuring a client; [`ClientBuilder::base_url`] and
    /// [`ClientBuilder::api_key`] are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The Users endpoints.
    pub fn users(&self) -> Users<'_> {
        Users::new(self)
    }

    /// The Invites endpoints.
    pub fn invites(&self) -> Invites<'_> {
        Invites::new(self)
    }

    /// Where this client reads suspension from.
    pub fn suspension_source(&self) -> &SuspensionSource {
        &self.suspension
    }

    /// The suspension of a listed member as this client sees it, through its
    /// [`SuspensionSource`]: no request. [`SuspensionState::Unknown`] says why it can not
    /// tell; [`Users::suspend`] would refuse such a member.
    pub fn suspension_state(&self, user: &User) -> SuspensionState {
        self.suspension.read(user)
    }

    /// The underlying transport.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// Sends `params` for `operation`: in the query string for `GET`/`DELETE`, otherwise
    /// in the body as configured.
    pub(crate) async fn send(
        &self,
        operation: &'static Operation,
        params: Params,
    ) -> Result<Response> {
        let mut request = self.http.request(operation);
        if operation.method == Method::GET || operation.method == Method::DELETE {
            for (name, value) in params.as_strings() {
                request = request.query(name, value);
            }
        } else {
            request = match self.wire.body {
                BodyEncoding::Form => request.form(params.as_strings()),
                BodyEncoding::Json => request.json(&params.as_json(self.wire.arrays)),
            };
        }
        request.send().await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("http", &self.http)
            .field("auth", &self.auth)
            .field("wire", &self.wire)
            .field("invite_method", &self.invite_method)
            .field("suspension_source", &self.suspension)
            .finish()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: Option<String>,
    api_key: Option<SecretString>,
    auth: AuthPlacement,
    body: BodyEncoding,
    arrays: ArrayEncoding,
    invite_method: Method,
    suspension: SuspensionSource,
    transport: TransportOptions,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            auth: AuthPlacement::default(),
            body: BodyEncoding::default(),
            arrays: ArrayEncoding::default(),
            invite_method: Method::PUT,
            suspension: SuspensionSource::default(),
            transport: TransportOptions::default(),
        }
    }
}

impl ClientBuilder {
    core_http::transport_setters!();

    /// The API root (required; Allthenticate publishes none). Endpoint names are joined
    /// onto it, so a prefix such as `https://host/api` is kept. It must not carry a query
    /// string or fragment.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The API key from Settings → API Keys (required).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Where the key goes (default [`AuthPlacement::Bearer`]).
    #[must_use]
    pub fn auth_placement(mut self, placement: AuthPlacement) -> Self {
        self.auth = placement;
        self
    }

    /// How `POST`/`PUT` parameters travel (default [`BodyEncoding::Form`]).
    #[must_use]
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.body = encoding;
        self
    }

    /// How arrays travel in JSON bodies (default [`ArrayEncoding::JsonString`]).
    #[must_use]
    pub fn array_encoding(mut self, encoding: ArrayEncoding) -> Self {
        self.arrays = encoding;
        self
    }

    /// The verb that invites users on `/invites` (default `PUT`, as the Invites reference
    /// says; the Quickstart says `POST`). Only `PUT` and `POST` are accepted.
    #[must_use]
    pub fn invite_method(mut self, method: Method) -> Self {
        self.invite_method = method;
        self
    }

    /// Where suspension is read from (default [`SuspensionSource::AdStatus`], the vendor
    /// reference's inference). Use [`SuspensionSource::Field`] for a portal reporting it
    /// elsewhere, and [`SuspensionSource::NotReported`] for one not reporting it: then
    /// [`Users::suspend`] and [`Users::unsuspend`] refuse rather than toggle blindly.
    /// An empty field name is [`Error::Config`].
    #[must_use]
    pub fn suspension_source(mut self, source: SuspensionSource) -> Self {
        self.suspension = source;
        self
    }

    /// Checks the configuration and builds the client. Nothing is sent.
    ///
    /// Every problem is [`Error::Config`] naming the setting: a missing base URL or key,
    /// or a base URL core-http refuses (one with a query string or fragment, among
    /// others), checked first.
    pub fn build(self) -> Result<Client> {
        let base_url = self.base_url.ok_or_else(|| {
            Error::config("base_url", "required: Allthenticate publishes no API host")
        })?;
        self.transport.check_base_url(&base_url)?;
        let key = self
            .api_key
            .ok_or_else(|| Error::config("api_key", "required"))?;
        if key.expose_secret().trim().is_empty() {
            return Err(Error::config("api_key", "must not be empty"));
        }
        match &self.auth {
            AuthPlacement::Query(name) if name.trim().is_empty() => {
                return Err(Error::config(
                    "auth_placement",
                    "the query parameter name is empty",
                ));
            }
            _ => {}
        }
        if matches!(&self.suspension, SuspensionSource::Field(name) if name.trim().is_empty()) {
            return Err(Error::config(
                "suspension_source",
                "the field name is empty",
            ));
        }
        if self.invite_method != Method::PUT && self.invite_method != Method::POST {
            return Err(Error::config("invite_method", "must be PUT or POST"));
        }
        let http = HttpClient::builder(base_url)
            .vendor("allthenticate")
            .auth(ApiKeyAuth {
                key,
                placement: self.auth.clone(),
            })
            .error_decoder(AllthenticateErrorDecoder)
            .rate_limit_headers(None)
            .max_response_bytes(MAX_RESPONSE_BYTES)
            .user_agent(core_http::default_user_agent!())
            .transport(self.transport);
        Ok(Client {
            http: http.build()?,
            wire: Wire {
                body: self.body,
                arrays: self.arrays,
            },
            invite_method: self.invite_method,
            auth: self.auth,
            suspension: self.suspension,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("auth", &self.auth)
            .field("body", &self.body)
            .field("arrays", &self.arrays)
            .field("invite_method", &self.invite_method)
            .field("suspension_source", &self.suspension)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}
