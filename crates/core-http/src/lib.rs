//! The HTTP transport shared by every portal client.
//!
//! `core-http` knows nothing about any vendor. A client crate describes its operations
//! ([`Operation`]), how it authenticates ([`Authenticate`]), how its error bodies read
//! ([`ErrorDecoder`]) and which rate-limit headers it sends ([`RateLimitHeaders`]); this
//! crate does the rest:
//!
//! - **Transport security**: plain `http://` only to loopback hosts unless explicitly
//!   allowed, no redirects followed, rustls for TLS, a cap on response size.
//! - **Transport options** ([`TransportOptions`]): timeouts, retry policy, clock, user
//!   agent, the insecure-http opt-in and a caller's `reqwest::Client`, defined once and
//!   given to every client crate's builder by [`transport_setters!`].
//! - **Retries** ([`retry`]): a pure decision function. Idempotent operations retry on
//!   429, 500, 502, 503, 504, timeouts and lost connections; others only when the server
//!   certainly did not act (429, connection refused). `Retry-After` in seconds or as an
//!   HTTP date is honoured; otherwise full-jitter exponential back-off, within caps on
//!   attempts and total wait. A server asking for a longer wait than allowed gets
//!   [`Error::RateLimited`] at once.
//! - **Pacing**: rate-limit headers feed a pacer shared by all clones of a client, so bulk
//!   work waits for the window to reset instead of drawing 429s.
//! - **Pagination** ([`paginate()`]): offset/size, cursor, page number and single-response
//!   listings as lazy streams.
//! - **Errors** ([`Error`]): one typed enum; decode errors name the JSON path that failed.
//! - **Tracing**: one span per request (vendor, operation, method, path template, status,
//!   attempts, request id) and a warning per retry; bodies, headers and URLs are never logged.
//! - **Secrets**: credentials are [`secrecy::SecretString`]s, sent in headers marked
//!   sensitive, and every `Debug` here is written by hand to leave them out.
//!
//! ```no_run
//! use core_http::{BearerAuth, HttpClient, Operation};
//! use secrecy::SecretString;
//!
//! const GET_USER: Operation = Operation::get("users.get", "/v1/users/{id}");
//!
//! # async fn run() -> core_http::Result<()> {
//! let client = HttpClient::builder("https://api.example.com")
//!     .vendor("example")
//!     .auth(BearerAuth::new(&SecretString::from("token")))
//!     .build()?;
//! let user: serde_json::Value = client.request(&GET_USER).path_param("id", 42).send_json().await?;
//! # Ok(()) }
//! ```

mod auth;
mod client;
pub mod clock;
mod error;
mod execute;
mod operation;
mod pacer;
pub mod paginate;
mod rate_limit;
mod request;
pub mod retry;
#[cfg(feature = "test-util")]
pub mod test_util;
mod transport;
pub mod validate;

pub use auth::{Authenticate, BearerAuth, HeaderAuth, NoAuth, SignableRequest};
pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, HttpClient,
    HttpClientBuilder, check_base_url,
};
pub use clock::{Clock, SystemClock};
pub use error::{
    BODY_SNIPPET_LIMIT, DefaultErrorDecoder, Error, ErrorDecoder, ErrorDetails, Result,
};
pub use operation::Operation;
pub use pacer::RateLimitScope;
pub use paginate::{
    EarlyEnd, ItemStream, Page, PageRequest, PagingOptions, ShortListing, Shortfall, paginate,
    paginate_with,
};
pub use rate_limit::{RateLimitHeaders, RateLimitInfo, ResetHeader};
pub use request::{RequestBuilder, Response, decode_json};
pub use retry::RetryPolicy;
pub use transport::TransportOptions;

pub use http::{HeaderName, HeaderValue, Method, StatusCode};
/// The HTTP library underneath, for building a client to pass to
/// [`TransportOptions::reqwest_client`] without depending on a matching version.
pub use reqwest;
pub use secrecy::{ExposeSecret, SecretString};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
