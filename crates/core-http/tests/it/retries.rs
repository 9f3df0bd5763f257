//! Retry, timeout and rate-limit behaviour against a loopback mock server.
//! Every wait goes through a manual clock, so nothing here sleeps for real.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use core_http::clock::ManualClock;
use core_http::{Error, HttpClient, Operation, RetryPolicy};
use httpmock::prelude::*;

const GET_USER: Operation = Operation::get("users.get", "/users/{id}");
const CREATE_USER: Operation = Operation::post("users.create", "/users");

fn start_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

fn client(server: &MockServer, clock: &ManualClock) -> HttpClient {
    HttpClient::builder(server.base_url())
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn retry_after_seconds_is_honoured_once() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/users/7");
            then.status(429).header("retry-after", "2");
        })
        .await;
    limited.up_to_n_times_async(1).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path("/users/7");
            then.status(200).json_body(serde_json::json!({"id": 7}));
        })
        .await;
    let clock = ManualClock::new(start_time());

    let user: serde_json::Value = client(&server, &clock)
        .request(&GET_USER)
        .path_param("id", 7)
        .send_json()
        .await
        .unwrap();

    assert_eq!(user["id"], 7);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(ok.calls_async().await, 1);
}

#[tokio::test]
async fn retry_after_http_date_is_honoured_once() {
    let server = MockServer::start_async().await;
    let date = httpdate::fmt_http_date(start_time() + Duration::from_secs(2));
    let limited = server
        .mock_async(|when, then| {
            when.method(POST).path("/users");
            then.status(429).header("retry-after", date);
        })
        .await;
    limited.up_to_n_times_async(1).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST).path("/users");
            then.status(201).json_body(serde_json::json!({"id": 8}));
        })
        .await;
    let clock = ManualClock::new(start_time());

    // A 429 means the server did not act, so even a non-idempotent create is retried.
    let response = client(&server, &clock)
        .request(&CREATE_USER)
        .json(&serde_json::json!({"name": "a"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 201);
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
    assert_eq!(limited.calls_async().await + ok.calls_async().await, 2);
}

/// Answers 503 three times, then 200.
async fn flaky<'a>(
    server: &'a MockServer,
    method: &str,
    path: &str,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let failing = server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.status(503).body("<html>Service Unavailable</html>");
        })
        .await;
    failing.up_to_n_times_async(3).await;
    let ok = server
        .mock_async(|when, then| {
            when.method(method).path(path);
            then.status(200).json_body(serde_json::json!({"ok": true}));
        })
        .await;
    (failing, ok)
}

#[tokio::test]
async fn idempotent_get_survives_three_503s() {
    let server = MockServer::start_async().await;
    let (failing, ok) = flaky(&server, "GET", "/users/1").await;
    let clock = ManualClock::new(start_time());

    let response = client(&server, &clock)
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(failing.calls_async().await, 3);
    assert_eq!(ok.calls_async().await, 1);
    assert_eq!(clock.sleeps().len(), 3, "one back-off per retry");
}

#[tokio::test]
async fn non_idempotent_post_is_not_retried_on_503() {
    let server = MockServer::start_async().await;
    let (failing, ok) = flaky(&server, "POST", "/users").await;
    let clock = ManualClock::new(start_time());

    let error = client(&server, &clock)
        .request(&CREATE_USER)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::Api { status, .. } if status.as_u16() == 503),
        "{error:?}"
    );
    assert_eq!(
        failing.calls_async().await,
        1,
        "the server saw exactly one request"
    );
    assert_eq!(ok.calls_async().await, 0);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn retry_after_beyond_the_cap_is_rate_limited_at_once() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/users/1");
            then.status(429).header("retry-after", "3600");
        })
        .await;
    let clock = ManualClock::new(start_time());

    let error = client(&server, &clock)
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap_err();

    match error {
        Error::RateLimited { retry_after, .. } => {
            assert_eq!(retry_after, Some(Duration::from_secs(3600)));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert!(clock.sleeps().is_empty(), "no sleep");
    assert_eq!(limited.calls_async().await, 1);
}

#[tokio::test]
async fn a_slow_response_times_out() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users/1");
            then.status(200).delay(Duration::from_secs(3)).body("{}");
        })
        .await;
    let client = HttpClient::builder(server.base_url())
        .timeout(Duration::from_millis(100))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let error = client
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            Error::Timeout {
                operation: "users.get"
            }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    // Bind and drop a listener to find a loopback port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clock = ManualClock::new(start_time());
    let client = HttpClient::builder(format!("http://127.0.0.1:{port}"))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();

    let error = client
        .request(&CREATE_USER)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Transport { connect: true, .. }),
        "{error:?}"
    );
    assert_eq!(clock.sleeps().len(), 3, "retried up to the attempt cap");
}

#[tokio::test]
async fn the_pacer_waits_for_the_reset_instead_of_drawing_a_429() {
    let server = MockServer::start_async().await;
    let exhausted = server
        .mock_async(|when, then| {
            when.method(GET).path("/users/1");
            then.status(200)
                .header("x-ratelimit-limit", "2")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "5")
                .json_body(serde_json::json!({"id": 1}));
        })
        .await;
    let clock = ManualClock::new(start_time());
    let client = client(&server, &clock);

    client
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap();
    assert!(clock.sleeps().is_empty());
    // A clone shares the pacer, so it too waits out the window before sending.
    client
        .clone()
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap();

    assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
    assert_eq!(exhausted.calls_async().await, 2);
}

#[tokio::test]
async fn a_429_without_retry_after_waits_for_the_rate_limit_reset() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path("/users/1");
            then.status(429)
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "4");
        })
        .await;
    limited.up_to_n_times_async(1).await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/users/1");
            then.status(200).body("{}");
        })
        .await;
    let clock = ManualClock::new(start_time());

    client(&server, &clock)
        .request(&GET_USER)
        .path_param("id", 1)
        .send()
        .await
        .unwrap();

    // The retry waits the reset; the pacer then finds the window already over.
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(4)]);
}
