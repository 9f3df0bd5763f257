//! The transport options every client builder takes: timeouts, retries, clock, user
//! agent, insecure-http opt-in and a caller's `reqwest::Client`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::client::check_base_url;
use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::retry::RetryPolicy;

/// The seven transport options shared by [`HttpClientBuilder`](crate::HttpClientBuilder)
/// and every client crate's builder.
///
/// An option left unset keeps the default of the builder it is applied to, so a client
/// crate's own defaults (its `User-Agent`, say) survive options that do not mention them.
/// The default value sets nothing.
///
/// ```
/// use std::time::Duration;
/// use core_http::{HttpClient, TransportOptions};
///
/// let options = TransportOptions::default()
///     .timeout(Duration::from_secs(5))
///     .user_agent("acme-sync/1.0");
/// let client = HttpClient::builder("https://api.example.com")
///     .transport(options)
///     .build()?;
/// # Ok::<(), core_http::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct TransportOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
    pub(crate) user_agent: Option<String>,
    pub(crate) allow_insecure_http: Option<bool>,
    pub(crate) reqwest_client: Option<reqwest::Client>,
}

impl TransportOptions {
    /// Whole-request timeout, body included (default 30 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Connect timeout (default 10 s). Ignored with a [`reqwest_client`](Self::reqwest_client).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// When and how to retry (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// The clock for retries, pacing and signing (default the system clock); tests inject
    /// `core_http::clock::ManualClock`, which does not wait.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The `User-Agent` header (default: the name and version of the crate that builds
    /// the client). Ignored with a [`reqwest_client`](Self::reqwest_client).
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Allows plain `http://` to a host that is not loopback (default no). Credentials
    /// then travel in clear text: only for trusted test networks.
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = Some(allow);
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxies, extra root certificates). Its own
    /// redirect, user-agent and connect settings then apply; the default client follows
    /// no redirects.
    #[must_use]
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.reqwest_client = Some(client);
        self
    }

    /// These options with every option `other` sets replaced by `other`'s value.
    #[must_use]
    pub fn overlaid_with(self, other: TransportOptions) -> Self {
        Self {
            timeout: other.timeout.or(self.timeout),
            connect_timeout: other.connect_timeout.or(self.connect_timeout),
            retry_policy: other.retry_policy.or(self.retry_policy),
            clock: other.clock.or(self.clock),
            user_agent: other.user_agent.or(self.user_agent),
            allow_insecure_http: other.allow_insecure_http.or(self.allow_insecure_http),
            reqwest_client: other.reqwest_client.or(self.reqwest_client),
        }
    }

    /// The clock a client built with these options uses: the one set, else the system
    /// clock.
    pub fn effective_clock(&self) -> Arc<dyn Clock> {
        self.clock.clone().unwrap_or_else(|| Arc::new(SystemClock))
    }

    /// Vets `raw` as a client built with these options would (see [`check_base_url`]),
    /// so a builder can report a bad base URL before its other settings.
    pub fn check_base_url(&self, raw: &str) -> Result<Url> {
        check_base_url(raw, self.allow_insecure_http.unwrap_or(false))
    }
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The caller's reqwest client is only named: its proxies may carry credentials.
        f.debug_struct("TransportOptions")
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry_policy", &self.retry_policy)
            .field("clock", &self.clock.as_ref().map(|_| "custom"))
            .field("user_agent", &self.user_agent)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field(
                "reqwest_client",
                &self.reqwest_client.as_ref().map(|_| "custom"),
            )
            .finish()
    }
}

/// The default `User-Agent` of a client built by the crate this expands in:
/// `"<package name>/<package version>"`, e.g. `"logicmonitor-client/0.1.0"`.
#[macro_export]
macro_rules! default_user_agent {
    () => {
        concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"))
    };
}

/// Expands, inside an `impl` block of a builder with a `transport:`
/// [`TransportOptions`] field, to the seven transport setters (`timeout`,
/// `connect_timeout`, `retry_policy`, `clock`, `user_agent`, `allow_insecure_http`,
/// `reqwest_client`) and `transport`, which sets several at once. They are inherent
/// methods, so callers need no import, and every builder documents them alike.
///
/// The builder applies its options with
/// [`HttpClientBuilder::transport`](crate::HttpClientBuilder::transport) after its own
/// defaults, and its `User-Agent` default should be [`default_user_agent!`], as the
/// generated documentation says.
///
/// ```
/// use core_http::{HttpClient, Result, TransportOptions};
///
/// #[derive(Default)]
/// pub struct ExampleBuilder {
///     transport: TransportOptions,
/// }
///
/// impl ExampleBuilder {
///     core_http::transport_setters!();
///
///     pub fn build(self) -> Result<HttpClient> {
///         HttpClient::builder("https://api.example.com")
///             .user_agent(core_http::default_user_agent!())
///             .transport(self.transport)
///             .build()
///     }
/// }
///
/// let client = ExampleBuilder::default().timeout(std::time::Duration::from_secs(5)).build()?;
/// # Ok::<(), core_http::Error>(())
/// ```
#[macro_export]
macro_rules! transport_setters {
    () => {
        /// Whole-request timeout, body included (default 30 s).
        #[must_use]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.transport = self.transport.timeout(timeout);
            self
        }

        /// Connect timeout (default 10 s). Ignored with a
        /// [`reqwest_client`](Self::reqwest_client).
        #[must_use]
        pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.transport = self.transport.connect_timeout(timeout);
            self
        }

        /// When and how to retry (default `RetryPolicy::default()`: four attempts).
        /// Idempotent calls retry on 429, 500, 502, 503, 504 and timeouts; others only when the
        /// server certainly did not act.
        #[must_use]
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.transport = self.transport.retry_policy(policy);
            self
        }

        /// The clock for retries, pacing and signing (default the system clock); tests
        /// inject `core_http::clock::ManualClock`, which does not wait.
        #[must_use]
        pub fn clock(mut self, clock: ::std::sync::Arc<dyn $crate::Clock>) -> Self {
            self.transport = self.transport.clock(clock);
            self
        }

        #[doc = concat!("The `User-Agent` header (default `", $crate::default_user_agent!(), "`).")]
        /// Ignored with a [`reqwest_client`](Self::reqwest_client).
        #[must_use]
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.transport = self.transport.user_agent(user_agent);
            self
        }

        /// Allows plain `http://` to a host that is not loopback (default no). Credentials
        /// then travel in clear text: only for trusted test networks.
        #[must_use]
        pub fn allow_insecure_http(mut self, allow: bool) -> Self {
            self.transport = self.transport.allow_insecure_http(allow);
            self
        }

        /// Uses a caller-built `reqwest::Client` (proxies, extra root certificates). Its
        /// own redirect, user-agent and connect settings then apply; the default client
        /// follows no redirects.
        #[must_use]
        pub fn reqwest_client(mut self, client: $crate::reqwest::Client) -> Self {
            self.transport = self.transport.reqwest_client(client);
            self
        }

        /// Sets every transport option `options` sets, at once; the others keep their
        /// current value.
        #[must_use]
        pub fn transport(mut self, options: $crate::TransportOptions) -> Self {
            self.transport = self.transport.overlaid_with(options);
            self
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_replaces_only_what_the_other_sets() {
        let base = TransportOptions::default()
            .timeout(Duration::from_secs(1))
            .user_agent("base/1")
            .allow_insecure_http(true);
        let merged = base.overlaid_with(
            TransportOptions::default()
                .user_agent("other/2")
                .allow_insecure_http(false),
        );
        assert_eq!(merged.timeout, Some(Duration::from_secs(1)));
        assert_eq!(merged.user_agent.as_deref(), Some("other/2"));
        assert_eq!(merged.allow_insecure_http, Some(false));
        assert!(merged.check_base_url("http://example.com").is_err());
    }

    #[test]
    fn debug_names_a_custom_client_without_showing_its_proxy_credentials() {
        let proxy = reqwest::Proxy::all("http://user:canary-proxy@127.0.0.1:9").unwrap();
        let client = reqwest::Client::builder().proxy(proxy).build().unwrap();
        let options = TransportOptions::default().reqwest_client(client);
        let shown = format!("{options:?}");
        assert!(
            shown.contains(r#"reqwest_client: Some("custom")"#),
            "{shown}"
        );
        assert!(!shown.contains("canary"), "{shown}");
    }
}
