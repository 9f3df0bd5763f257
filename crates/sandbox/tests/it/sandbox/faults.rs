//! Each fault kind, observed from a real client.

use std::time::{Duration, Instant};

use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderName, HeaderValue, Method, StatusCode};
use portal_sandbox::Fault;
use serde_json::json;

use super::client::{self, Failure, get_path, raw_exchange, raw_get, send};

const USERS_JSON: &str = r#"[{"id":1,"name":"Ada"}]"#;

#[tokio::test]
async fn status_fault_answers_with_retry_after_and_body() {
    let sandbox = client::start().await;
    sandbox
        .faults()
        .inject(Fault::status(503).retry_after(2).body("try later"));
    let reply = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert_eq!(reply.text(), "try later");
}

#[tokio::test]
async fn counted_path_fault_fires_n_times_then_requests_pass() {
    let sandbox = client::start().await;
    let id = sandbox
        .faults()
        .inject(Fault::status(500).on_path("/v1/users").times(3));
    assert_eq!(
        get_path(&sandbox, "/hello").await.expect("a reply").status,
        StatusCode::OK
    );
    for _ in 0..3 {
        assert_eq!(
            get_path(&sandbox, "/v1/users")
                .await
                .expect("a reply")
                .status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
    let reply = get_path(&sandbox, "/v1/users").await.expect("a reply");
    assert_eq!((reply.status, reply.text()), (StatusCode::OK, USERS_JSON));
    assert!(!sandbox.faults().is_active(id));
}

#[tokio::test]
async fn faults_match_method_and_path_prefix() {
    let sandbox = client::start().await;
    sandbox.faults().inject(
        Fault::status(418)
            .on_method(Method::POST)
            .on_path_prefix("/ec"),
    );
    let posted = send(sandbox.addr(), Method::POST, "/echo", "x".into())
        .await
        .expect("a reply");
    assert_eq!(posted.status, StatusCode::IM_A_TEAPOT);
    let fetched = get_path(&sandbox, "/echo").await.expect("a reply");
    assert_eq!(fetched.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn permanent_faults_stay_until_removed_or_cleared() {
    let sandbox = client::start().await;
    let id = sandbox.faults().inject(Fault::status(502));
    for _ in 0..3 {
        assert_eq!(
            get_path(&sandbox, "/hello").await.expect("a reply").status,
            StatusCode::BAD_GATEWAY
        );
    }
    assert!(sandbox.faults().remove(id));
    assert_eq!(
        get_path(&sandbox, "/hello").await.expect("a reply").status,
        StatusCode::OK
    );
    sandbox.faults().inject(Fault::status(502));
    sandbox.faults().clear();
    assert_eq!(
        get_path(&sandbox, "/hello").await.expect("a reply").status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn delay_holds_the_normal_response_back() {
    let sandbox = client::start().await;
    sandbox
        .faults()
        .inject(Fault::delay(Duration::from_millis(80)).times(1));
    let started = Instant::now();
    let reply = get_path(&sandbox, "/hello").await.expect("a reply");
    assert!(
        started.elapsed() >= Duration::from_millis(80),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.text(), "hello, world");
}

#[tokio::test]
async fn delay_combines_with_a_status() {
    let sandbox = client::start().await;
    sandbox
        .faults()
        .inject(Fault::status(504).with_delay(Duration::from_millis(50)));
    let started = Instant::now();
    assert_eq!(
        get_path(&sandbox, "/hello").await.expect("a reply").status,
        StatusCode::GATEWAY_TIMEOUT
    );
    assert!(started.elapsed() >= Duration::from_millis(50));
}

#[tokio::test]
async fn dropped_connection_sends_nothing() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::drop_connection());
    match get_path(&sandbox, "/hello").await {
        Err(Failure::NoResponse(error)) => assert!(error.is_incomplete_message(), "{error}"),
        other => panic!("expected no response, got {other:?}"),
    }
    assert_eq!(raw_exchange(sandbox.addr(), &raw_get("/hello")).await, "");
}

#[tokio::test]
async fn drop_after_headers_sends_the_head_only() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::drop_after_headers());
    match get_path(&sandbox, "/v1/users").await {
        Err(Failure::BodyCut {
            status, received, ..
        }) => {
            assert_eq!(status, StatusCode::OK);
            assert!(received.is_empty());
        }
        other => panic!("expected a cut body, got {other:?}"),
    }
    let raw = raw_exchange(sandbox.addr(), &raw_get("/v1/users")).await;
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete head");
    assert!(
        head.contains(&format!("content-length: {}", USERS_JSON.len())),
        "{head}"
    );
    assert_eq!(body, "");
}

#[tokio::test]
async fn drop_after_headers_of_an_empty_body_is_chunked() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::drop_after_headers());
    let raw = raw_exchange(sandbox.addr(), &raw_get("/empty")).await;
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete head");
    assert!(head.contains("transfer-encoding: chunked"), "{head}");
    assert_eq!(body, "");
}

#[tokio::test]
async fn truncated_body_keeps_the_full_content_length() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::truncate_body(5));
    match get_path(&sandbox, "/v1/users").await {
        Err(Failure::BodyCut {
            status,
            headers,
            received,
        }) => {
            assert_eq!(status, StatusCode::OK);
            assert_eq!(
                headers["content-length"],
                USERS_JSON.len().to_string().as_str()
            );
            assert_eq!(received, &USERS_JSON.as_bytes()[..5]);
        }
        other => panic!("expected a cut body, got {other:?}"),
    }
}

#[tokio::test]
async fn truncation_never_sends_the_whole_body() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::truncate_body(10_000));
    let raw = raw_exchange(sandbox.addr(), &raw_get("/v1/users")).await;
    let (_, body) = raw.split_once("\r\n\r\n").expect("a complete head");
    assert_eq!(body, &USERS_JSON[..USERS_JSON.len() - 1]);
}

#[tokio::test]
async fn chunked_truncation_stops_before_the_last_chunk() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::truncate_body_chunked(4));
    let raw = raw_exchange(sandbox.addr(), &raw_get("/v1/users")).await;
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete head");
    assert!(
        head.contains("transfer-encoding: chunked") && !head.contains("content-length"),
        "{head}"
    );
    assert_eq!(body, "4\r\n[{\"i\r\n");

    match get_path(&sandbox, "/v1/users").await {
        Err(Failure::BodyCut { received, .. }) => assert_eq!(received, "[{\"i"),
        other => panic!("expected a cut body, got {other:?}"),
    }
}

#[tokio::test]
async fn html_fault_serves_a_proxy_error_page() {
    let sandbox = client::start().await;
    sandbox
        .faults()
        .inject(Fault::html(502).on_path("/v1/users"));
    let reply = get_path(&sandbox, "/v1/users").await.expect("a reply");
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(
        reply.text().starts_with("<!DOCTYPE html>") && reply.text().contains("502 Bad Gateway")
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&reply.body).is_err());
}

#[tokio::test]
async fn json_body_and_custom_headers() {
    let sandbox = client::start().await;
    let request_id = HeaderName::from_static("x-request-id");
    sandbox.faults().inject(
        Fault::status(440)
            .json_body(&json!({ "error": "session expired" }))
            .header(request_id.clone(), HeaderValue::from_static("req-7"))
            .header(
                RETRY_AFTER,
                HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
            ),
    );
    let reply = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(reply.status.as_u16(), 440);
    assert_eq!(reply.headers[CONTENT_TYPE], "application/json");
    assert_eq!(reply.headers[request_id], "req-7");
    assert_eq!(reply.headers[RETRY_AFTER], "Wed, 21 Oct 2015 07:28:00 GMT");
    assert_eq!(reply.text(), r#"{"error":"session expired"}"#);
}

#[tokio::test]
async fn connection_stays_usable_for_other_clients_after_faults() {
    let sandbox = client::start().await;
    sandbox.faults().inject(Fault::drop_connection().times(1));
    assert!(get_path(&sandbox, "/hello").await.is_err());
    assert_eq!(
        get_path(&sandbox, "/hello").await.expect("a reply").status,
        StatusCode::OK
    );
}
