//! What goes on the wire, and how responses are read.

use core_http::{
    BearerAuth, Error, HeaderName, HeaderValue, HttpClient, Operation, RetryPolicy, SecretString,
};
use httpmock::prelude::*;

const UPDATE_ADMIN: Operation = Operation::patch("admins.update", "/setting/admins/{id}");
const LIST_ITEMS: Operation = Operation::get("items.list", "/items");

#[tokio::test]
async fn sends_the_request_as_built() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path("/santaba/rest/setting/admins/a%2Fb")
                .query_param("fields", "id,username")
                .query_param("filter", "username:\"j doe\"")
                .header("authorization", "Bearer t0ken")
                .header("x-version", "3")
                .header("content-type", "application/json")
                .body(r#"{"status":"suspended"}"#);
            then.status(200).body("{}");
        })
        .await;
    let client = HttpClient::builder(format!("{}/santaba/rest", server.base_url()))
        .auth(BearerAuth::new(&SecretString::from("t0ken")))
        .default_header(
            HeaderName::from_static("x-version"),
            HeaderValue::from_static("3"),
        )
        .build()
        .unwrap();

    client
        .request(&UPDATE_ADMIN)
        .path_param("id", "a/b")
        .query("fields", "id,username")
        .query("filter", "username:\"j doe\"")
        .json(&serde_json::json!({"status": "suspended"}))
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
}

#[tokio::test]
async fn a_bad_argument_is_rejected_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let error = client
        .request(&UPDATE_ADMIN)
        .path_param("id", "")
        .send()
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::InvalidInput { field, .. } if field == "id"),
        "{error:?}"
    );
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn a_decode_error_names_the_json_path() {
    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        id: u64,
    }
    #[derive(Debug, serde::Deserialize)]
    struct Items {
        #[allow(dead_code)]
        items: Vec<Item>,
    }
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/items");
            then.status(200)
                .body(r#"{"items":[{"id":1},{"id":2},{"id":"3"}]}"#);
        })
        .await;
    let client = HttpClient::builder(server.base_url()).build().unwrap();

    let error = client
        .request(&LIST_ITEMS)
        .send_json::<Items>()
        .await
        .unwrap_err();

    match &error {
        Error::Decode {
            path, operation, ..
        } => {
            assert_eq!(path, "items[2].id");
            assert_eq!(*operation, "items.list");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(error.to_string().contains("items[2].id"));
}

#[tokio::test]
async fn a_response_over_the_cap_is_an_error() {
    let server = MockServer::start_async().await;
    let big = format!("[{}]", vec!["1"; 2000].join(","));
    server
        .mock_async(|when, then| {
            when.method(GET).path("/items");
            then.status(200).body(big);
        })
        .await;
    let client = HttpClient::builder(server.base_url())
        .max_response_bytes(1024)
        .build()
        .unwrap();

    let error = client.request(&LIST_ITEMS).send().await.unwrap_err();

    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 1024, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_chunked_response_is_abandoned_once_it_passes_the_cap() {
    use tokio::io::AsyncWriteExt;
    // A server that streams an endless chunked body: reading it whole would never end.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 1024];
        let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        stream.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("200\r\n{}\r\n", "1".repeat(0x200));
        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
    });
    let client = HttpClient::builder(format!("http://{addr}"))
        .max_response_bytes(4096)
        .build()
        .unwrap();

    let error = client.request(&LIST_ITEMS).send().await.unwrap_err();

    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 4096, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn api_errors_carry_status_message_request_id_and_a_capped_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/items");
            then.status(404)
                .header("x-request-id", "req-42")
                .body(format!(
                    r#"{{"message":"no such item","pad":"{}"}}"#,
                    "x".repeat(4000)
                ));
        })
        .await;
    let client = HttpClient::builder(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let error = client.request(&LIST_ITEMS).send().await.unwrap_err();

    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    assert_eq!(error.request_id(), Some("req-42"));
    assert!(!error.is_retryable());
    match &error {
        Error::Api { message, body, .. } => {
            assert_eq!(message, "no such item");
            assert!(body.len() <= core_http::BODY_SNIPPET_LIMIT + '…'.len_utf8());
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = MockServer::start_async().await;
    let target = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/items");
            then.status(302).header("location", elsewhere.url("/items"));
        })
        .await;
    let client = HttpClient::builder(server.base_url())
        .auth(BearerAuth::new(&SecretString::from("t0ken")))
        .build()
        .unwrap();

    let error = client.request(&LIST_ITEMS).send().await.unwrap_err();

    assert_eq!(error.status().map(|status| status.as_u16()), Some(302));
    assert_eq!(
        target.calls_async().await,
        0,
        "the credential never went to the other host"
    );
}

#[test]
fn plain_http_to_a_remote_host_is_refused_at_build_time() {
    let error = HttpClient::builder("http://example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(&error, Error::Config { field, .. } if field == "base_url"),
        "{error:?}"
    );
    assert!(HttpClient::builder("http://127.0.0.1:8080").build().is_ok());
    assert!(
        HttpClient::builder("http://example.com")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
}

core_http::transport_option_tests! {
    builder: |base_url| HttpClient::builder(base_url),
    call: |client| client.request(&LIST_ITEMS).send().await,
    path: "/items",
    body: "[]",
}
