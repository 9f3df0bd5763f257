//! A minimal HTTP/1.1 client (hyper) and raw TCP exchanges for the tests.

use std::net::SocketAddr;
use std::time::Duration;

use axum::routing::{get, post};
use axum::{Json, Router};
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use portal_sandbox::Sandbox;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest any single exchange may take in a test.
const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(1);

/// A complete response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub(crate) fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a UTF-8 body")
    }
}

/// How an exchange failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// No response head arrived.
    NoResponse(hyper::Error),
    /// The head arrived, then the body broke off after `received`.
    BodyCut {
        status: StatusCode,
        headers: HeaderMap,
        received: Bytes,
    },
}

/// A router with a few trivial routes.
pub(crate) fn router() -> Router {
    Router::new()
        .route("/hello", get(|| async { "hello, world" }))
        .route("/echo", post(|body: Bytes| async move { body }))
        .route(
            "/v1/users",
            get(|| async { Json(serde_json::json!([{ "id": 1, "name": "Ada" }])) }),
        )
        .route(
            "/v1/users/{id}",
            get(|| async { Json(serde_json::json!({ "id": 1 })) }),
        )
        .route("/empty", get(|| async { StatusCode::OK }))
}

/// A sandbox serving [`router`].
pub(crate) async fn start() -> Sandbox {
    Sandbox::builder()
        .router(router())
        .start()
        .await
        .expect("sandbox starts")
}

/// `GET path` on a fresh connection.
pub(crate) async fn get_path(sandbox: &Sandbox, path: &str) -> Result<Reply, Failure> {
    send(sandbox.addr(), Method::GET, path, Bytes::new()).await
}

/// One request on a fresh connection, read to the end of the body.
pub(crate) async fn send(
    addr: SocketAddr,
    method: Method,
    path: &str,
    body: Bytes,
) -> Result<Reply, Failure> {
    tokio::time::timeout(EXCHANGE_TIMEOUT, exchange(addr, method, path, body))
        .await
        .expect("exchange within a second")
}

async fn exchange(
    addr: SocketAddr,
    method: Method,
    path: &str,
    body: Bytes,
) -> Result<Reply, Failure> {
    let stream = TcpStream::connect(addr)
        .await
        .expect("connect to the sandbox");
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(Failure::NoResponse)?;
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr.to_string())
        .header("authorization", "Bearer test-token-123")
        .body(Full::new(body))
        .expect("a valid request");
    let response = sender
        .send_request(request)
        .await
        .map_err(Failure::NoResponse)?;
    let (head, mut body) = response.into_parts();
    let mut received = BytesMut::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => received.extend_from_slice(frame.data_ref().map_or(&[][..], |d| &d[..])),
            Err(_) => {
                return Err(Failure::BodyCut {
                    status: head.status,
                    headers: head.headers,
                    received: received.freeze(),
                });
            }
        }
    }
    Ok(Reply {
        status: head.status,
        headers: head.headers,
        body: received.freeze(),
    })
}

/// Writes `request` verbatim and returns everything read until the server closes.
pub(crate) async fn raw_exchange(addr: SocketAddr, request: &str) -> String {
    let exchange = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .expect("connect to the sandbox");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("send the request");
        let mut received = Vec::new();
        // A reset after the data is fine: what arrived is what we check.
        let _ = stream.read_to_end(&mut received).await;
        String::from_utf8(received).expect("a UTF-8 response")
    };
    tokio::time::timeout(EXCHANGE_TIMEOUT, exchange)
        .await
        .expect("server closes within a second")
}

/// A raw `GET` that asks the server to keep the connection open.
pub(crate) fn raw_get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: sandbox\r\n\r\n")
}
