//! The send loop: pacing, authentication, one attempt, the retry decision, tracing.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, StatusCode, header};
use secrecy::ExposeSecret;
use tracing::{Instrument, field};

use crate::auth::SignableRequest;
use crate::client::Inner;
use crate::error::{Error, Result, body_snippet};
use crate::operation::Operation;
use crate::rate_limit::RateLimitInfo;
use crate::request::{Prepared, Response};
use crate::retry::{self, AttemptOutcome, Decision, RetryInput};

/// What one attempt produced.
struct Received {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// Why an attempt produced no response.
enum Failure {
    Connect(reqwest::Error),
    Timeout,
    Lost(reqwest::Error),
    TooLarge,
    /// Not worth retrying: authentication or request-building failed locally.
    Local(Error),
}

pub(crate) async fn execute(
    inner: &Inner,
    operation: &Operation,
    prepared: Prepared,
) -> Result<Response> {
    let span = tracing::info_span!(
        "portal.request",
        vendor = inner.vendor,
        operation = operation.name,
        method = %operation.method,
        path = operation.path,
        status = field::Empty,
        attempts = field::Empty,
        request_id = field::Empty,
    );
    // A disabled span (no subscriber interested) costs nothing to skip entering on every poll.
    if span.is_disabled() {
        return run(inner, operation, &prepared, &span).await;
    }
    run(inner, operation, &prepared, &span)
        .instrument(span.clone())
        .await
}

async fn run(
    inner: &Inner,
    operation: &Operation,
    prepared: &Prepared,
    span: &tracing::Span,
) -> Result<Response> {
    let mut waited = Duration::ZERO;
    let mut attempt = 0;
    loop {
        attempt += 1;
        span.record("attempts", attempt);
        let slot = inner
            .pacer
            .acquire(operation.name, inner.clock.as_ref())
            .await;
        let result = attempt_once(inner, operation, prepared).await;
        let limits = match &result {
            Ok(received) => inner
                .rate_limit_headers
                .as_ref()
                .and_then(|names| names.parse(&received.headers)),
            Err(_) => None,
        };
        slot.release(limits.as_ref());

        let result = match result {
            Ok(received) if received.status.is_success() => {
                span.record("status", received.status.as_u16());
                if let Some(id) = header_request_id(inner, &received.headers) {
                    span.record("request_id", id.as_str());
                }
                tracing::debug!("request succeeded");
                return Ok(Response {
                    operation: operation.name,
                    status: received.status,
                    headers: received.headers,
                    body: received.body,
                    rate_limit: limits,
                });
            }
            other => other,
        };
        let outcome = match &result {
            Ok(received) => {
                span.record("status", received.status.as_u16());
                let retry_after =
                    retry_after(inner, &received.headers, received.status, limits.as_ref());
                AttemptOutcome::Status {
                    status: received.status,
                    retry_after,
                }
            }
            Err(Failure::Connect(_)) => AttemptOutcome::ConnectFailed,
            Err(Failure::Timeout) => AttemptOutcome::TimedOut,
            Err(Failure::Lost(_)) => AttemptOutcome::ConnectionLost,
            Err(Failure::TooLarge | Failure::Local(_)) => {
                return Err(into_error(inner, operation, result, limits));
            }
        };

        let input = RetryInput {
            attempt,
            idempotent: prepared.idempotent,
            outcome,
            waited,
            jitter: fastrand::f64(),
        };
        match retry::decide(&inner.retry, &input) {
            Decision::RetryAfter(wait) => {
                tracing::warn!(attempt, wait_ms = wait.as_millis(), reason = %describe(&outcome), "retrying");
                inner.clock.sleep(wait).await;
                waited += wait;
            }
            Decision::GiveUp => {
                let error = into_error(inner, operation, result, limits);
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                return Err(error);
            }
        }
    }
}

async fn attempt_once(
    inner: &Inner,
    operation: &Operation,
    prepared: &Prepared,
) -> Result<Received, Failure> {
    let mut headers = prepared.headers.clone();
    let mut secret_query = Vec::new();
    let mut signable = SignableRequest {
        method: &operation.method,
        path: prepared.path(),
        body: &prepared.body,
        headers: &mut headers,
        query: &mut secret_query,
    };
    inner
        .auth
        .authenticate(&mut signable)
        .map_err(Failure::Local)?;
    let mut url = prepared.url.clone();
    if !secret_query.is_empty() {
        url.query_pairs_mut().extend_pairs(
            secret_query
                .iter()
                .map(|(name, value)| (name, value.expose_secret())),
        );
    }
    let mut request = reqwest::Request::new(operation.method.clone(), url);
    *request.headers_mut() = headers;
    *request.timeout_mut() = Some(inner.timeout);
    if !prepared.body.is_empty() {
        *request.body_mut() = Some(prepared.body.clone().into());
    }
    let mut response = inner.http.execute(request).await.map_err(classify)?;
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = read_capped(response, inner.max_response_bytes).await?;
    Ok(Received {
        status,
        headers,
        body,
    })
}

/// Reads the body, refusing to buffer more than `limit` bytes.
///
/// A `Content-Length` over the limit is refused before reading; otherwise the body is
/// read chunk by chunk and abandoned as soon as it passes the limit. Chunks are copied
/// into one buffer as they arrive (sized from `Content-Length` when there is one), so a
/// large body is held once rather than as received chunks plus their copy; a body that
/// arrives in one chunk is kept as it is.
async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<Bytes, Failure> {
    let declared = response.content_length();
    if declared.is_some_and(|declared| declared > limit as u64) {
        return Err(Failure::TooLarge);
    }
    let Some(first) = response.chunk().await.map_err(classify)? else {
        return Ok(Bytes::new());
    };
    if declared == Some(first.len() as u64) {
        return Ok(first);
    }
    // Within `limit`, so it fits in a `usize`.
    let capacity = declared.map_or(first.len(), |declared| {
        usize::try_from(declared).unwrap_or(limit)
    });
    let mut body = BytesMut::with_capacity(capacity);
    let mut chunk = Some(first);
    while let Some(bytes) = chunk {
        if body.len() + bytes.len() > limit {
            return Err(Failure::TooLarge);
        }
        body.extend_from_slice(&bytes);
        chunk = response.chunk().await.map_err(classify)?;
    }
    Ok(body.freeze())
}

fn classify(error: reqwest::Error) -> Failure {
    if error.is_timeout() {
        Failure::Timeout
    } else if error.is_connect() {
        Failure::Connect(error.without_url())
    } else {
        Failure::Lost(error.without_url())
    }
}

/// The wait a non-success response asks for: `Retry-After`, else for a 429 the
/// rate-limit reset or window.
fn retry_after(
    inner: &Inner,
    headers: &HeaderMap,
    status: StatusCode,
    limits: Option<&RateLimitInfo>,
) -> Option<Duration> {
    let header = headers
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok());
    header
        .and_then(|value| retry::parse_retry_after(value, inner.clock.now()))
        .or_else(|| {
            (status == StatusCode::TOO_MANY_REQUESTS)
                .then(|| limits.and_then(RateLimitInfo::wait_hint))
                .flatten()
        })
}

fn header_request_id(inner: &Inner, headers: &HeaderMap) -> Option<String> {
    inner
        .request_id_headers
        .iter()
        .find_map(|name| Some(headers.get(name)?.to_str().ok()?.to_owned()))
}

fn describe(outcome: &AttemptOutcome) -> String {
    match outcome {
        AttemptOutcome::Status { status, .. } => format!("status {}", status.as_u16()),
        AttemptOutcome::ConnectFailed => "connection failed".to_owned(),
        AttemptOutcome::TimedOut => "timed out".to_owned(),
        AttemptOutcome::ConnectionLost => "connection lost".to_owned(),
    }
}

fn into_error(
    inner: &Inner,
    operation: &Operation,
    result: Result<Received, Failure>,
    limits: Option<RateLimitInfo>,
) -> Error {
    let name = operation.name;
    match result {
        Ok(received) if received.status == StatusCode::TOO_MANY_REQUESTS => Error::RateLimited {
            operation: name,
            retry_after: retry_after(inner, &received.headers, received.status, limits.as_ref()),
            limits,
        },
        Ok(received) => api_error(inner, name, &received),
        Err(Failure::Connect(source)) => Error::Transport {
            operation: name,
            connect: true,
            source: Box::new(source),
        },
        Err(Failure::Lost(source)) => Error::Transport {
            operation: name,
            connect: false,
            source: Box::new(source),
        },
        Err(Failure::Timeout) => Error::Timeout { operation: name },
        Err(Failure::TooLarge) => Error::ResponseTooLarge {
            operation: name,
            limit: inner.max_response_bytes,
        },
        Err(Failure::Local(error)) => error,
    }
}

fn api_error(inner: &Inner, operation: &'static str, received: &Received) -> Error {
    let details = inner
        .error_decoder
        .decode(received.status, &received.headers, &received.body);
    let request_id = details
        .request_id
        .or_else(|| header_request_id(inner, &received.headers));
    Error::Api {
        operation,
        status: received.status,
        code: details.code,
        message: details.message.unwrap_or_else(|| {
            received
                .status
                .canonical_reason()
                .unwrap_or("unexpected status")
                .to_owned()
        }),
        request_id,
        body: body_snippet(&received.body),
    }
}
