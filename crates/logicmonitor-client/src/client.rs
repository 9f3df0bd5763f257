//! The client and its builder.

use std::fmt;

use core_http::{
    BearerAuth, Error, HeaderName, HeaderValue, HttpClient, RateLimitHeaders, RateLimitScope,
    ResetHeader, Result, SecretString, TransportOptions,
};

use crate::auth::{Credentials, Lmv1Auth};
use crate::error::LogicMonitorErrorDecoder;

/// A LogicMonitor REST API v3 client. Cheap to clone; clones share connections and the
/// rate-limit pacer.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) http: HttpClient,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Users (LogicMonitor *admins*): `/setting/admins`.
    pub fn users(&self) -> crate::users::Users<'_> {
        crate::users::Users { client: self }
    }

    /// User groups (*admin groups*): `/setting/admin/groups`.
    pub fn groups(&self) -> crate::groups::Groups<'_> {
        crate::groups::Groups { client: self }
    }

    /// Roles: `/setting/roles`.
    pub fn roles(&self) -> crate::roles::Roles<'_> {
        crate::roles::Roles { client: self }
    }

    /// The API tokens of one user: `/setting/admins/{adminId}/apitokens`.
    pub fn api_tokens(&self, user: crate::AdminId) -> crate::tokens::ApiTokens<'_> {
        crate::tokens::ApiTokens { client: self, user }
    }

    /// The underlying transport, for calls this crate does not wrap.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }
}

/// Configures a [`Client`]: where (an account name or a base URL) and how to
/// authenticate (LMv1 or bearer).
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    account: Option<String>,
    credentials: Option<Credentials>,
    transport: TransportOptions,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("account", &self.account)
            .field("credentials", &self.credentials)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    core_http::transport_setters!();

    /// The portal's account name: the base URL becomes
    /// `https://{account}.logicmonitor.com/santaba/rest`.
    #[must_use]
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// An explicit base URL ending in `/santaba/rest` (for a sandbox:
    /// `http://127.0.0.1:PORT/santaba/rest`). Takes precedence over [`account`](Self::account).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// LMv1 credentials: an API token's access id and access key.
    #[must_use]
    pub fn lmv1(
        mut self,
        access_id: impl Into<String>,
        access_key: impl Into<SecretString>,
    ) -> Self {
        self.credentials = Some(Credentials::Lmv1 {
            access_id: access_id.into(),
            access_key: access_key.into(),
        });
        self
    }

    /// A bearer token.
    #[must_use]
    pub fn bearer(mut self, token: impl Into<SecretString>) -> Self {
        self.credentials = Some(Credentials::Bearer(token.into()));
        self
    }

    /// Credentials as a value.
    #[must_use]
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client> {
        let base_url = match (self.base_url, self.account) {
            (Some(url), _) => url,
            (None, Some(account)) => {
                core_http::validate::dns_label("account", &account)?;
                format!("https://{account}.logicmonitor.com/santaba/rest")
            }
            (None, None) => {
                return Err(Error::config(
                    "base_url",
                    "set an account name or a base URL",
                ));
            }
        };
        let credentials = self
            .credentials
            .ok_or_else(|| Error::config("credentials", "set LMv1 or bearer credentials"))?;
        // LMv1 signs with the same clock the transport uses.
        let clock = self.transport.effective_clock();
        let mut builder = HttpClient::builder(base_url)
            .vendor("logicmonitor")
            .user_agent(core_http::default_user_agent!())
            .default_header(
                HeaderName::from_static("x-version"),
                HeaderValue::from_static("3"),
            )
            .error_decoder(LogicMonitorErrorDecoder)
            .rate_limit_headers(Some(RateLimitHeaders::new(
                "x-rate-limit-limit",
                "x-rate-limit-remaining",
                "x-rate-limit-window",
                ResetHeader::WindowSeconds,
            )))
            .rate_limit_scope(RateLimitScope::Operation)
            .transport(self.transport);
        builder = match credentials {
            Credentials::Lmv1 {
                access_id,
                access_key,
            } => {
                if access_id.is_empty() || access_id.contains([':', ' ']) {
                    return Err(Error::config(
                        "access_id",
                        "must be non-empty, without `:` or spaces",
                    ));
                }
                builder.auth(Lmv1Auth::new(access_id, access_key, clock))
            }
            Credentials::Bearer(token) => builder.auth(BearerAuth::new(&token)),
        };
        Ok(Client {
            http: builder.build()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_needs_a_place_and_credentials_and_hides_them() {
        let key = SecretString::from("canary-builder-key");
        let builder = Client::builder().account("acme").lmv1("id", key.clone());
        assert!(!format!("{builder:?}").contains("canary"));
        let client = builder.build().unwrap();
        assert_eq!(
            client.http().base_url().as_str(),
            "https://acme.logicmonitor.com/santaba/rest"
        );
        assert!(!format!("{client:?}").contains("canary"));
        assert!(Client::builder().lmv1("id", key.clone()).build().is_err());
        assert!(Client::builder().account("acme").build().is_err());
        assert!(
            Client::builder()
                .account("ac.me/x")
                .lmv1("id", key.clone())
                .build()
                .is_err()
        );
        assert!(
            Client::builder()
                .account("acme")
                .lmv1("a:b", key)
                .build()
                .is_err()
        );
    }
}
