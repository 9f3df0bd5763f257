//! A canary credential never shows up in `Debug`, `Display` or TRACE-level logs,
//! across successful, retried and failed requests.

use core_http::test_util::{TraceCapture, assert_no_secret};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use core_http::clock::ManualClock;
use core_http::{
    Authenticate, BearerAuth, HeaderAuth, HttpClient, Operation, RetryPolicy, SecretString,
    SignableRequest,
};
use httpmock::prelude::*;

const CANARY: &str = "canary-7f3a9c";
const GET_USER: Operation = Operation::get("users.get", "/users/{id}");

/// Puts the key in the query string, as some vendors allow.
#[derive(Debug)]
struct QueryKey;

impl Authenticate for QueryKey {
    fn authenticate(&self, request: &mut SignableRequest<'_>) -> core_http::Result<()> {
        request.append_secret_query("api_key", SecretString::from(CANARY));
        Ok(())
    }
}

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert_no_secret(what, text, &[CANARY]);
}

/// Routes for every outcome: a retried 503, a 404, a long 429, a body that fails to decode.
async fn mock_routes(server: &MockServer) -> (httpmock::Mock<'_>, httpmock::Mock<'_>) {
    let flaky = server
        .mock_async(|when, then| {
            when.path("/users/1");
            then.status(503).body("busy");
        })
        .await;
    flaky.up_to_n_times_async(1).await;
    let bearer = server
        .mock_async(|when, then| {
            when.path("/users/1")
                .header("authorization", format!("Bearer {CANARY}"));
            then.status(200).body("{}");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/users/2");
            then.status(404).body(r#"{"message":"no such user"}"#);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/users/3");
            then.status(429).header("retry-after", "9999");
        })
        .await;
    let raw = server
        .mock_async(|when, then| {
            when.path("/users/4").header("authorization", CANARY);
            then.status(200).body(r#"{"id":"not a number"}"#);
        })
        .await;
    (bearer, raw)
}

/// An error's `Display` and `Debug`, and those of every cause.
fn error_chain(error: &core_http::Error) -> String {
    let mut chain = format!("{error} {error:?}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        write!(chain, " {cause} {cause:?}").unwrap();
        source = cause.source();
    }
    chain
}

#[tokio::test]
async fn the_canary_never_leaks() {
    let logs = TraceCapture::start();
    let server = MockServer::start_async().await;
    let (bearer, raw) = mock_routes(&server).await;

    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let builder = HttpClient::builder(server.base_url())
        .auth(BearerAuth::new(&SecretString::from(CANARY)))
        .clock(Arc::new(clock));
    assert_clean("the builder's Debug", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("the client's Debug", &format!("{client:?} {client:#?}"));

    let mut errors = Vec::new();
    client
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap();
    for id in [2, 3] {
        errors.push(
            client
                .request(&GET_USER)
                .path_param("id", id)
                .send()
                .await
                .unwrap_err(),
        );
    }
    let header_client = HttpClient::builder(server.base_url())
        .auth(HeaderAuth::new(
            http::header::AUTHORIZATION,
            SecretString::from(CANARY),
        ))
        .build()
        .unwrap();
    assert_clean("the header client's Debug", &format!("{header_client:?}"));
    errors.push(
        header_client
            .request(&GET_USER)
            .path_param("id", 4)
            .send_json::<Id>()
            .await
            .unwrap_err(),
    );
    // A refused connection with the key in the query string: the URL must not surface.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let query_client = HttpClient::builder(format!("http://127.0.0.1:{port}"))
        .auth(QueryKey)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    errors.push(
        query_client
            .request(&GET_USER)
            .path_param("id", 5)
            .send()
            .await
            .unwrap_err(),
    );

    assert_eq!(
        bearer.calls_async().await,
        1,
        "the bearer credential was really sent"
    );
    assert_eq!(
        raw.calls_async().await,
        1,
        "the raw header credential was really sent"
    );
    assert_eq!(errors.len(), 4);
    for error in &errors {
        assert_clean("an error", &error_chain(error));
    }
    let logs = logs.text();
    assert!(
        logs.contains("retrying") && logs.contains("users.get"),
        "tracing captured the requests: {logs}"
    );
    assert_clean("the TRACE log", &logs);
}

#[derive(Debug, serde::Deserialize)]
struct Id {
    #[allow(dead_code)]
    id: u64,
}
