//! Stateful local simulators of the portal APIs.
//!
//! This crate is the vendor side of the test setup: an HTTP/1.1 server on
//! `127.0.0.1` with a random port that serves [`axum::Router`]s, wrapped in a
//! layer that tests drive at runtime:
//!
//! - **Faults** ([`Sandbox::faults`], [`Fault`]): status codes with
//!   `Retry-After` and bodies, HTML error pages, delays, connections dropped
//!   before or after the response head, truncated bodies (with the full
//!   `Content-Length`, or chunked) and fixed-window rate limits with
//!   configurable header names. Rules target any request, a method and/or an
//!   exact or prefix path, for the next `n` requests or until removed.
//! - **Journal** ([`Sandbox::journal`], [`JournalEntry`]): every request as
//!   received (method, path, query, headers, raw body), the status sent and
//!   the fault rule applied, bounded to the last 100 000 entries by default.
//!   Entries are not redacted; their `Debug` output is.
//! - **People** ([`People`], [`Person`]): deterministic, seeded, realistic
//!   people (names, unique emails at reserved example domains, usernames,
//!   last logins over the past year, some who never logged in), generated
//!   lazily so a million cost no more memory than one.
//!
//! Vendor simulators are added as modules behind features, all in one shape: a
//! `<Vendor>Sim` configured by its `<Vendor>SimBuilder` (seed, people, the vendor's
//! choices), whose `router()` a [`SandboxBuilder::router`] serves, or whose `serve()`
//! starts a sandbox for it in one call. The simulators that keep time (Allthenticate,
//! Whaly, LogicMonitor) run on one kind of clock: their builder's `now` pins it, their
//! `time_source` ([`TimeSource`]) feeds it otherwise, and the simulator's `now()`,
//! `set_now()` and `advance()` read and move it.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get};
//! use portal_sandbox::{Fault, Sandbox};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! async fn get_status(sandbox: &Sandbox, path: &str) -> std::io::Result<String> {
//!     let mut stream = tokio::net::TcpStream::connect(sandbox.addr()).await?;
//!     let request = format!("GET {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n\r\n");
//!     stream.write_all(request.as_bytes()).await?;
//!     let mut response = String::new();
//!     stream.read_to_string(&mut response).await?;
//!     Ok(response.lines().next().unwrap_or_default().to_owned())
//! }
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let router = Router::new().route("/v1/users", get(|| async { "[]" }));
//!     let sandbox = Sandbox::builder().seed(42).router(router).start().await?;
//!     assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//!
//!     // The next request to /v1/users fails, the one after succeeds.
//!     sandbox.faults().inject(Fault::status(503).retry_after(2).on_path("/v1/users").times(1));
//!     assert_eq!(get_status(&sandbox, "/v1/users").await?, "HTTP/1.1 503 Service Unavailable");
//!     assert_eq!(get_status(&sandbox, "/v1/users").await?, "HTTP/1.1 200 OK");
//!
//!     assert_eq!(sandbox.journal().count_matching(&http::Method::GET, "/v1/users"), 2);
//!     sandbox.shutdown().await;
//!     Ok(())
//! }
//! ```

#[cfg(feature = "allthenticate")]
pub mod allthenticate;
#[cfg(feature = "logicmonitor")]
pub mod logicmonitor;
#[cfg(feature = "partner-portal")]
pub mod partner_portal;
#[cfg(feature = "threatlocker")]
pub mod threatlocker;

mod body;
#[cfg(any(
    feature = "allthenticate",
    feature = "partner-portal",
    feature = "logicmonitor"
))]
mod clock;
mod faults;
mod handler;
mod journal;
mod names;
mod people;
mod rate_limit;
mod redact;
mod server;
#[cfg(any(
    feature = "threatlocker",
    feature = "allthenticate",
    feature = "partner-portal",
    feature = "logicmonitor"
))]
mod time;
#[cfg(any(
    feature = "threatlocker",
    feature = "allthenticate",
    feature = "partner-portal",
    feature = "logicmonitor"
))]
mod wire;

#[cfg(any(
    feature = "allthenticate",
    feature = "partner-portal",
    feature = "logicmonitor"
))]
pub use clock::TimeSource;
pub use faults::{Fault, FaultId, Faults};
pub use journal::{DEFAULT_JOURNAL_CAPACITY, Journal, JournalEntry};
pub use people::{DEFAULT_NEVER_LOGGED_IN, People, PeopleIter, Person};
pub use rate_limit::{RateLimit, RateLimitHeaders, ResetHeader};
pub use server::{DEFAULT_SHUTDOWN_TIMEOUT, Sandbox, SandboxBuilder};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
