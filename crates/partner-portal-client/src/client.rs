//! The client and its builder.

use std::fmt;

use core_http::{
    HttpClient, RateLimitHeaders, RateLimitScope, ResetHeader, SecretString, TransportOptions,
};

use crate::auth;
use crate::error::PartnerPortalErrorDecoder;
use crate::portal::PortalHandle;
use crate::roles::Roles;
use crate::user_attributes::UserAttributes;
use crate::{Error, Result};

/// The base URL used unless another is configured.
///
/// **Unverified**: Whaly documents no host. `https://api.whaly.io` comes from the test
/// fixtures of Whaly's public `connector-sdk`; organisations may have their own host
/// (`https://<org>.my.whaly.io` is suggested there too). Set the URL shown on your
/// portal's "API Endpoint" page with [`ClientBuilder::base_url`].
pub const DEFAULT_BASE_URL: &str = "https://api.whaly.io";

/// Items per page requested by streams unless configured otherwise.
///
/// Whaly documents no default, minimum or maximum for `limit`; the client sends the
/// number as is and follows the cursor whatever page size the server returns.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// A Whaly API client: partner-portal users, roles and user attributes.
///
/// Cheap to clone; clones share connections and the rate-limit pacer.
#[derive(Clone)]
pub struct Client {
    pub(crate) http: HttpClient,
    pub(crate) page_size: u32,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A handle on one partner portal (its id comes from the Whaly UI).
    ///
    /// The id is checked when a request is made: an empty id or one containing `/` is
    /// [`Error::InvalidInput`] and nothing is sent.
    pub fn portal(&self, portal_id: impl Into<String>) -> PortalHandle<'_> {
        PortalHandle::new(self, portal_id.into())
    }

    /// The organisation's roles.
    pub fn roles(&self) -> Roles<'_> {
        Roles::new(self)
    }

    /// The organisation's user attributes.
    pub fn user_attributes(&self) -> UserAttributes<'_> {
        UserAttributes::new(self)
    }

    /// The underlying transport, for calls this crate does not wrap.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("http", &self.http)
            .field("page_size", &self.page_size)
            .finish()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    base_url: String,
    api_key: Option<SecretString>,
    transport: TransportOptions,
    page_size: u32,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            transport: TransportOptions::default(),
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl ClientBuilder {
    core_http::transport_setters!();

    /// The API base URL (default [`DEFAULT_BASE_URL`], unverified), without `/v1`.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The Service Account key, `sk:…`, sent as `Authorization: Bearer sk:…`.
    ///
    /// A key not starting with `sk:` is still used, with a warning (that never shows the
    /// key) when the client is built.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Items per page for streams (default [`DEFAULT_PAGE_SIZE`]); 0 is refused by
    /// [`build`](Self::build).
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        let auth = auth::service_account_auth(self.api_key)?;
        if self.page_size == 0 {
            return Err(Error::config("page_size", "must be at least 1"));
        }
        let http = HttpClient::builder(self.base_url)
            .vendor("partner-portal")
            .user_agent(core_http::default_user_agent!())
            .auth(auth)
            .error_decoder(PartnerPortalErrorDecoder)
            .rate_limit_headers(Some(RateLimitHeaders::new(
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                ResetHeader::SecondsUntilReset,
            )))
            .rate_limit_scope(RateLimitScope::Client)
            .transport(self.transport);
        Ok(Client {
            http: http.build()?,
            page_size: self.page_size,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("transport", &self.transport)
            .field("page_size", &self.page_size)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_requires_a_key_and_a_page_size() {
        assert!(matches!(
            Client::builder().build(),
            Err(Error::Config { field, .. }) if field == "api_key"
        ));
        assert!(matches!(
            Client::builder().api_key(SecretString::from("sk:x")).page_size(0).build(),
            Err(Error::Config { field, .. }) if field == "page_size"
        ));
        let client = Client::builder()
            .api_key(SecretString::from("sk:x"))
            .build()
            .unwrap();
        assert_eq!(client.http().base_url().as_str(), "https://api.whaly.io/");
    }

    #[test]
    fn spans_and_errors_name_the_crate_vendor() {
        let client = Client::builder()
            .api_key(SecretString::from("sk:x"))
            .build()
            .unwrap();
        let shown = format!("{:?}", client.http());
        assert!(shown.contains(r#"vendor: "partner-portal""#), "{shown}");
    }
}
