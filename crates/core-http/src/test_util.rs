//! Helpers for tests of code built on core-http (feature `test-util`).

use std::io::{self, Write};
use std::sync::{Arc, Mutex, OnceLock};

use tracing::Dispatch;
use tracing::subscriber::{DefaultGuard, NoSubscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;

pub use crate::clock::ManualClock;

/// Captures everything `tracing` emits on the current thread at TRACE level, span
/// enter/exit events included, until dropped: the net for secret-canary tests.
///
/// Run the code under test on a current-thread runtime (the default for `#[tokio::test]`)
/// so its events reach this thread's subscriber.
///
/// ```
/// let logs = core_http::test_util::TraceCapture::start();
/// tracing::info!(user = "jane", "suspended");
/// assert!(logs.text().contains("suspended"));
/// ```
#[derive(Debug)]
pub struct TraceCapture {
    buffer: Buffer,
    _guard: DefaultGuard,
}

/// A subscriber registered for the life of the process next to every capture's.
///
/// While a single subscriber is registered, `tracing` settles the interest of a callsite
/// met for the first time from the subscriber of the thread meeting it, and keeps it: a
/// callsite that a test on another thread reaches first (with no subscriber) would stay
/// disabled for a capture running at the same time. With two registered, it asks every one.
static SECOND_SUBSCRIBER: OnceLock<Dispatch> = OnceLock::new();

impl TraceCapture {
    /// Installs the capturing subscriber for the current thread.
    pub fn start() -> Self {
        SECOND_SUBSCRIBER.get_or_init(|| Dispatch::new(NoSubscriber::default()));
        let buffer = Buffer::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(buffer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        Self {
            buffer,
            _guard: guard,
        }
    }

    /// Everything captured so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.buffer.0.lock().expect("capture lock poisoned")).into_owned()
    }
}

#[derive(Clone, Default, Debug)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .expect("capture lock poisoned")
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Panics if any of `secrets` occurs in `text`, taken from `what` (a `Debug` output, an
/// error, captured logs): the check of every secret-canary test.
///
/// The message names the first leaking secret by its position in `secrets` and shows
/// `text` with every secret masked, so that a failure does not spread them further.
///
/// ```
/// let logs = "GET /users?api_key=<redacted> 200";
/// core_http::test_util::assert_no_secret("the logs", logs, &["canary-5e1f"]);
/// ```
#[track_caller]
pub fn assert_no_secret(what: &str, text: &str, secrets: &[&str]) {
    assert!(
        secrets.iter().all(|secret| !secret.is_empty()),
        "an empty secret would be found in any text"
    );
    let Some(leaked) = secrets.iter().position(|secret| text.contains(secret)) else {
        return;
    };
    // Longest first, so that a secret containing another is masked whole.
    let mut by_length: Vec<(usize, &str)> = secrets.iter().copied().enumerate().collect();
    by_length.sort_by_key(|(_, secret)| std::cmp::Reverse(secret.len()));
    let masked = by_length
        .into_iter()
        .fold(text.to_owned(), |masked, (index, secret)| {
            masked.replace(secret, &format!("<secret #{index}>"))
        });
    panic!("secret #{leaked} leaked into {what}: {masked}");
}

/// Expands to one test, `every_transport_option_reaches_the_wire_or_the_client`, proving
/// that a builder with the [`transport_setters!`](crate::transport_setters) passes each
/// option through: against an `httpmock` server on loopback, the `User-Agent` set (and the
/// crate's [`default_user_agent!`](crate::default_user_agent) otherwise) and a caller's
/// `reqwest::Client` reach the wire, `transport` sets options at once, `timeout` ends a
/// slow response with [`Error::Timeout`](crate::Error::Timeout), `retry_policy` sets the
/// attempts, `clock` does the waiting, `connect_timeout` reaches the client, and
/// `allow_insecure_http` decides whether a plain-`http` remote base URL is refused with
/// [`Error::Config`](crate::Error::Config).
///
/// - `builder: |base_url| ...`: a builder for the server whose root URL (no trailing slash)
///   is `base_url`, with credentials, ready to build.
/// - `call: |client| ...`: one read on the built client, awaited, returning a `Result`.
/// - `path`, `body`: the path that read requests, and a JSON body it accepts with `200`.
///
/// The calling crate needs `httpmock` and `tokio` (with `macros`) as dev-dependencies.
#[macro_export]
macro_rules! transport_option_tests {
    (
        builder: |$base_url:ident| $builder:expr,
        call: |$client:ident| $call:expr,
        path: $path:expr,
        body: $body:expr $(,)?
    ) => {
        #[tokio::test]
        async fn every_transport_option_reaches_the_wire_or_the_client() {
            let builder = |$base_url: String| $builder;
            let server = ::httpmock::MockServer::start_async().await;
            let serve_with = |name: &'static str, value: &'static str| {
                server.mock_async(move |when, then| {
                    when.path($path).header(name, value);
                    then.status(200)
                        .header("content-type", "application/json")
                        .body($body);
                })
            };

            let by_setter = serve_with("user-agent", "transport-check/setter").await;
            let $client = builder(server.base_url())
                .user_agent("transport-check/setter")
                .build()
                .expect("builds with a user agent");
            let result = ($call).map(drop);
            assert!(result.is_ok(), "user_agent: {result:?}");
            by_setter.assert_calls_async(1).await;

            let by_default = serve_with("user-agent", $crate::default_user_agent!()).await;
            let $client = builder(server.base_url()).build().expect("builds");
            let result = ($call).map(drop);
            assert!(result.is_ok(), "default user agent: {result:?}");
            by_default.assert_calls_async(1).await;

            let at_once = serve_with("user-agent", "transport-check/at-once").await;
            let $client = builder(server.base_url())
                .transport($crate::TransportOptions::default().user_agent("transport-check/at-once"))
                .build()
                .expect("builds with transport options");
            let result = ($call).map(drop);
            assert!(result.is_ok(), "transport: {result:?}");
            at_once.assert_calls_async(1).await;

            let by_caller = serve_with("x-transport-check", "caller-client").await;
            let mut headers = $crate::reqwest::header::HeaderMap::new();
            headers.insert(
                "x-transport-check",
                $crate::HeaderValue::from_static("caller-client"),
            );
            let caller_client = $crate::reqwest::Client::builder()
                .default_headers(headers)
                .build()
                .expect("a reqwest client");
            let $client = builder(server.base_url())
                .reqwest_client(caller_client)
                .build()
                .expect("builds with a caller's client");
            let result = ($call).map(drop);
            assert!(result.is_ok(), "reqwest_client: {result:?}");
            by_caller.assert_calls_async(1).await;

            let slow_server = ::httpmock::MockServer::start_async().await;
            slow_server
                .mock_async(|when, then| {
                    when.path($path);
                    then.status(200)
                        .header("content-type", "application/json")
                        .body($body)
                        .delay(::std::time::Duration::from_secs(3));
                })
                .await;
            let $client = builder(slow_server.base_url())
                .timeout(::std::time::Duration::from_millis(150))
                .retry_policy($crate::RetryPolicy::none())
                .build()
                .expect("builds with a timeout");
            let result = ($call).map(drop);
            assert!(
                matches!(result, Err($crate::Error::Timeout { .. })),
                "timeout: {result:?}"
            );

            let busy_server = ::httpmock::MockServer::start_async().await;
            let busy = busy_server
                .mock_async(|when, then| {
                    when.path($path);
                    then.status(503).header("retry-after", "3");
                })
                .await;
            let clock = $crate::test_util::ManualClock::new(::std::time::SystemTime::now());
            let $client = builder(busy_server.base_url())
                .retry_policy($crate::RetryPolicy {
                    max_attempts: 2,
                    ..$crate::RetryPolicy::default()
                })
                .clock(::std::sync::Arc::new(clock.clone()))
                .build()
                .expect("builds with a retry policy and a clock");
            let result = ($call).map(drop);
            assert!(result.is_err(), "retry_policy: {result:?}");
            busy.assert_calls_async(2).await;
            assert_eq!(clock.sleeps(), [::std::time::Duration::from_secs(3)], "clock");

            let $client = builder(server.base_url())
                .connect_timeout(::std::time::Duration::from_millis(1234))
                .build()
                .expect("builds with a connect timeout");
            let shown = format!("{:?}", $client);
            assert!(
                shown.contains("connect_timeout: Some(1.234s)"),
                "connect_timeout: {shown}"
            );

            let refused = builder("http://portal.example".to_owned())
                .allow_insecure_http(false)
                .build()
                .map(drop);
            assert!(
                matches!(&refused, Err($crate::Error::Config { field, .. }) if field == "base_url"),
                "allow_insecure_http(false): {refused:?}"
            );
            let allowed = builder("http://portal.example".to_owned())
                .allow_insecure_http(true)
                .build()
                .map(drop);
            assert!(allowed.is_ok(), "allow_insecure_http(true): {allowed:?}");
        }
    };
}

#[cfg(test)]
mod tests {
    use std::panic::{UnwindSafe, catch_unwind};

    use super::{TraceCapture, assert_no_secret};

    /// One callsite, met by the two threads of the test below.
    fn emit() {
        tracing::info!("met on two threads");
    }

    #[test]
    fn a_callsite_another_thread_met_first_is_still_captured() {
        let logs = TraceCapture::start();
        std::thread::spawn(emit).join().unwrap();
        emit();
        assert!(
            logs.text().contains("met on two threads"),
            "{}",
            logs.text()
        );
    }

    /// The message `check` panicked with, if it did.
    fn panic_message(check: impl FnOnce() + UnwindSafe) -> Option<String> {
        let payload = catch_unwind(check).err()?;
        let message = payload.downcast_ref::<String>().cloned().or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
        });
        Some(message.expect("a text panic"))
    }

    #[test]
    fn text_without_the_secrets_passes() {
        let message = panic_message(|| {
            assert_no_secret("a greeting", "hello, canary", &["canary-1", "canary-2"]);
        });
        assert_eq!(message, None);
    }

    #[test]
    fn a_leak_is_reported_with_every_secret_masked() {
        let message = panic_message(|| {
            assert_no_secret(
                "the logs",
                "pw=canary-2 key=canary-1 key=canary-1",
                &["canary-1", "canary-2", "canary-3"],
            );
        });
        assert_eq!(
            message.as_deref(),
            Some("secret #0 leaked into the logs: pw=<secret #1> key=<secret #0> key=<secret #0>")
        );
    }

    #[test]
    fn a_secret_inside_another_is_masked_with_it() {
        let message = panic_message(|| {
            assert_no_secret(
                "an error",
                "bearer lmb_canary-9b",
                &["canary", "lmb_canary-9b"],
            );
        });
        assert_eq!(
            message.as_deref(),
            Some("secret #0 leaked into an error: bearer <secret #1>")
        );
    }

    #[test]
    fn an_empty_secret_is_refused() {
        let message = panic_message(|| assert_no_secret("a greeting", "hello", &["canary", ""]));
        assert_eq!(
            message.as_deref(),
            Some("an empty secret would be found in any text")
        );
    }
}
