//! The client and its builder.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use url::{Host, Url};

use crate::auth::{Authenticate, NoAuth};
use crate::clock::Clock;
use crate::error::{DefaultErrorDecoder, Error, ErrorDecoder, Result};
use crate::operation::Operation;
use crate::pacer::{Pacer, RateLimitScope};
use crate::rate_limit::RateLimitHeaders;
use crate::request::RequestBuilder;
use crate::retry::RetryPolicy;
use crate::transport::TransportOptions;

/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default maximum response body size: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// An HTTP client for one API: a base URL, credentials and policies.
///
/// Cheap to clone (an `Arc` inside); clones share the connection pool and the rate-limit
/// pacer, so concurrent tasks pace together.
#[derive(Clone)]
pub struct HttpClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base_url: Url,
    pub(crate) vendor: &'static str,
    pub(crate) http: reqwest::Client,
    pub(crate) timeout: Duration,
    /// `None` when the caller's own `reqwest::Client` decides.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) default_headers: HeaderMap,
    pub(crate) auth: Arc<dyn Authenticate>,
    pub(crate) error_decoder: Arc<dyn ErrorDecoder>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limit_headers: Option<RateLimitHeaders>,
    pub(crate) pacer: Pacer,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_response_bytes: usize,
    pub(crate) request_id_headers: Vec<HeaderName>,
}

impl HttpClient {
    /// Starts configuring a client for the API at `base_url`.
    pub fn builder(base_url: impl Into<String>) -> HttpClientBuilder {
        HttpClientBuilder::new(base_url.into())
    }

    /// Starts a request for `operation`.
    pub fn request<'a>(&'a self, operation: &'a Operation) -> RequestBuilder<'a> {
        RequestBuilder::new(self, operation)
    }

    /// The base URL every path is appended to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The clock used for retries, pacing and signing.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("HttpClient")
            .field("vendor", &inner.vendor)
            .field("base_url", &inner.base_url.as_str())
            .field("timeout", &inner.timeout)
            .field("connect_timeout", &inner.connect_timeout)
            .field("auth", &inner.auth)
            .field("retry", &inner.retry)
            .field("rate_limit_headers", &inner.rate_limit_headers)
            .field("max_response_bytes", &inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Configures an [`HttpClient`].
pub struct HttpClientBuilder {
    base_url: String,
    vendor: &'static str,
    transport: TransportOptions,
    default_headers: HeaderMap,
    auth: Arc<dyn Authenticate>,
    error_decoder: Arc<dyn ErrorDecoder>,
    rate_limit_headers: Option<RateLimitHeaders>,
    rate_limit_scope: RateLimitScope,
    max_response_bytes: usize,
    request_id_headers: Vec<HeaderName>,
}

impl HttpClientBuilder {
    fn new(base_url: String) -> Self {
        Self {
            base_url,
            vendor: "http",
            transport: TransportOptions::default(),
            default_headers: HeaderMap::new(),
            auth: Arc::new(NoAuth),
            error_decoder: Arc::new(DefaultErrorDecoder),
            rate_limit_headers: Some(RateLimitHeaders::default()),
            rate_limit_scope: RateLimitScope::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            request_id_headers: vec![
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("request-id"),
            ],
        }
    }

    /// The vendor name recorded on spans, e.g. `logicmonitor`.
    #[must_use]
    pub fn vendor(mut self, vendor: &'static str) -> Self {
        self.vendor = vendor;
        self
    }

    crate::transport_setters!();

    /// A header sent with every request, such as `X-Version: 3`.
    #[must_use]
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.default_headers.insert(name, value);
        self
    }

    /// How credentials are attached (default: none).
    #[must_use]
    pub fn auth(mut self, auth: impl Authenticate + 'static) -> Self {
        self.auth = Arc::new(auth);
        self
    }

    /// How the vendor's error bodies are read.
    #[must_use]
    pub fn error_decoder(mut self, decoder: impl ErrorDecoder + 'static) -> Self {
        self.error_decoder = Arc::new(decoder);
        self
    }

    /// The vendor's rate-limit header names, or `None` to ignore them and not pace.
    #[must_use]
    pub fn rate_limit_headers(mut self, headers: Option<RateLimitHeaders>) -> Self {
        self.rate_limit_headers = headers;
        self
    }

    /// Which requests share one quota (default: the whole client).
    #[must_use]
    pub fn rate_limit_scope(mut self, scope: RateLimitScope) -> Self {
        self.rate_limit_scope = scope;
        self
    }

    /// The largest response body accepted (default 16 MiB); larger is an error, and the
    /// body is not read past the limit.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Response headers that carry a request id, tried in order.
    #[must_use]
    pub fn request_id_headers(mut self, names: Vec<HeaderName>) -> Self {
        self.request_id_headers = names;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<HttpClient> {
        let base_url = self.transport.check_base_url(&self.base_url)?;
        let clock = self.transport.effective_clock();
        let TransportOptions {
            timeout,
            connect_timeout,
            retry_policy,
            clock: _,
            user_agent,
            allow_insecure_http,
            reqwest_client,
        } = self.transport;
        let retry = retry_policy.unwrap_or_default();
        if self.max_response_bytes == 0 {
            return Err(Error::config(
                "max_response_bytes",
                "must be greater than zero",
            ));
        }
        if retry.max_attempts == 0 {
            return Err(Error::config(
                "retry_policy.max_attempts",
                "must be at least 1",
            ));
        }
        let (http, connect_timeout) = if let Some(client) = reqwest_client {
            (client, None)
        } else {
            let connect_timeout = connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
            let user_agent = user_agent.unwrap_or_else(|| crate::default_user_agent!().to_owned());
            let client = reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                .user_agent(user_agent)
                .redirect(reqwest::redirect::Policy::none())
                .https_only(!allow_insecure_http.unwrap_or(false) && base_url.scheme() == "https")
                .build()
                .map_err(|error| Error::config("http_client", error.without_url().to_string()))?;
            (client, Some(connect_timeout))
        };
        Ok(HttpClient {
            inner: Arc::new(Inner {
                base_url,
                vendor: self.vendor,
                http,
                timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
                connect_timeout,
                default_headers: self.default_headers,
                auth: self.auth,
                error_decoder: self.error_decoder,
                retry,
                rate_limit_headers: self.rate_limit_headers,
                pacer: Pacer::new(self.rate_limit_scope),
                clock,
                max_response_bytes: self.max_response_bytes,
                request_id_headers: self.request_id_headers,
            }),
        })
    }
}

impl fmt::Debug for HttpClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClientBuilder")
            .field("base_url", &self.base_url)
            .field("vendor", &self.vendor)
            .field("transport", &self.transport)
            .field("auth", &self.auth)
            .finish_non_exhaustive()
    }
}

/// Parses and vets a base URL as [`HttpClientBuilder::build`] does: `https`, or `http` to a
/// loopback host unless insecure transport was explicitly allowed; no credentials, query
/// or fragment. Lets a caller check configuration before building anything.
pub fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url> {
    let url = Url::parse(raw.trim())
        .map_err(|error| Error::config("base_url", format!("not a valid URL: {error}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("base_url", "must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(
            "base_url",
            "must not contain a query string or fragment",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || url.host().is_some_and(|host| is_loopback(&host)) => {}
        "http" => {
            return Err(Error::config(
                "base_url",
                "plain http is only allowed to a loopback host; use https, or opt in with allow_insecure_http",
            ));
        }
        other => {
            return Err(Error::config(
                "base_url",
                format!("unsupported scheme `{other}`"),
            ));
        }
    }
    Ok(url)
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://127.5.0.1/api",
            "http://[::1]:9/",
            "http://localhost:3000",
            "https://acme.logicmonitor.com/santaba/rest",
        ] {
            assert!(check_base_url(ok, false).is_ok(), "{ok}");
        }
        let refused = check_base_url("http://example.com", false).unwrap_err();
        assert!(
            matches!(&refused, Error::Config { field, .. } if field == "base_url"),
            "{refused:?}"
        );
        assert!(check_base_url("http://10.0.0.1", false).is_err());
        assert!(check_base_url("http://example.com", true).is_ok());
    }

    #[test]
    fn rejects_credentials_queries_and_odd_schemes() {
        assert!(check_base_url("https://user:pw@example.com", false).is_err());
        assert!(check_base_url("https://example.com/api?key=1", false).is_err());
        assert!(check_base_url("https://example.com/#frag", false).is_err());
        assert!(check_base_url("ftp://example.com", false).is_err());
        assert!(check_base_url("not a url", false).is_err());
    }

    #[test]
    fn build_refuses_plain_http_to_a_remote_host() {
        let error = HttpClient::builder("http://example.com")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("loopback"), "{error}");
        HttpClient::builder("http://127.0.0.1:1").build().unwrap();
    }
}
