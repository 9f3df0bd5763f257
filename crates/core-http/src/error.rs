//! The one error type every client returns, and the hook through which a vendor crate
//! reads its own error bodies.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::rate_limit::RateLimitInfo;

/// The most of a response body kept in an error, in bytes.
pub const BODY_SNIPPET_LIMIT: usize = 1024;

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling a portal API.
///
/// Messages name the operation and its path template, never the full URL, a query string
/// or a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-success status.
    #[error("{operation}: {} from the server{}: {message}", status.as_u16(), code.as_ref().map(|c| format!(" (code {c})")).unwrap_or_default())]
    Api {
        /// The operation that failed.
        operation: &'static str,
        /// The HTTP status.
        status: StatusCode,
        /// The vendor's own error code, when its body has one.
        code: Option<String>,
        /// The vendor's message, or the status reason when the body has none.
        message: String,
        /// The request id, from a header or the body.
        request_id: Option<String>,
        /// The start of the body, at most [`BODY_SNIPPET_LIMIT`] bytes.
        body: String,
    },
    /// The server asked us to slow down for longer than the retry policy allows to wait,
    /// or kept doing so until the attempts ran out.
    #[error("{operation}: rate limited{}", retry_after.map(|d| format!(", retry after {}s", d.as_secs_f64())).unwrap_or_default())]
    RateLimited {
        /// The operation that was limited.
        operation: &'static str,
        /// How long the server asked us to wait, when it said.
        retry_after: Option<Duration>,
        /// The rate-limit headers of the last response, when present.
        limits: Option<RateLimitInfo>,
    },
    /// The request could not be sent or the response could not be read.
    #[error("{operation}: transport error: {source}")]
    Transport {
        /// The operation that failed.
        operation: &'static str,
        /// Whether the connection was never established, so the server cannot have acted.
        connect: bool,
        /// The underlying error, with any URL removed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// No complete response arrived within the configured timeout.
    #[error("{operation}: timed out")]
    Timeout {
        /// The operation that timed out.
        operation: &'static str,
    },
    /// The response body did not have the expected shape.
    #[error("{operation}: could not decode the response at `{path}`: {message}")]
    Decode {
        /// The operation whose response failed to decode.
        operation: &'static str,
        /// The JSON path of the failing value, e.g. `items[2].id`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the body, at most [`BODY_SNIPPET_LIMIT`] bytes.
        body: String,
    },
    /// The response body was larger than the configured maximum.
    #[error("{operation}: response larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The operation whose response was too large.
        operation: &'static str,
        /// The configured maximum, in bytes.
        limit: usize,
    },
    /// A paged listing misbehaved (a repeated cursor, the same page twice, too many pages).
    #[error("{operation}: pagination stopped: {reason}")]
    Pagination {
        /// The listing operation.
        operation: &'static str,
        /// What the server did wrong.
        reason: String,
    },
    /// An argument was rejected before anything was sent.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The name of the offending field or argument.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// The client was configured wrongly.
    #[error("configuration error in {field}: {reason}")]
    Config {
        /// The offending setting.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
}

impl Error {
    /// An [`Error::InvalidInput`] for `field`.
    pub fn invalid_input(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// An [`Error::Config`] for `field`.
    pub fn config(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Config {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The HTTP status the server answered with, if the error came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }

    /// Whether the same request might succeed if sent again later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api { status, .. } => crate::retry::is_retryable_status(*status),
            Self::RateLimited { .. } | Self::Transport { .. } | Self::Timeout { .. } => true,
            _ => false,
        }
    }

    /// The request id the server gave, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// What a vendor's error body says, as read by an [`ErrorDecoder`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorDetails {
    /// The vendor's error code (`errorCode`, `StatusCode`, …).
    pub code: Option<String>,
    /// The human-readable message.
    pub message: Option<String>,
    /// A request id carried in the body.
    pub request_id: Option<String>,
}

/// Reads a vendor's error body. Each vendor crate supplies one; [`DefaultErrorDecoder`]
/// covers bodies shaped `{"message": …}` or `{"error": …}`.
pub trait ErrorDecoder: Send + Sync + fmt::Debug {
    /// Extracts what it can from an error response. Must not fail: a body that is not
    /// JSON (a gateway page) yields empty details.
    fn decode(&self, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ErrorDetails;
}

/// Reads `message` or `error` (a string, or an object with a `message`) from a JSON body.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultErrorDecoder;

impl ErrorDecoder for DefaultErrorDecoder {
    fn decode(&self, _status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorDetails {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return ErrorDetails::default();
        };
        let message =
            ["message", "error", "errorMessage"]
                .iter()
                .find_map(|key| match value.get(key)? {
                    serde_json::Value::String(text) => Some(text.clone()),
                    serde_json::Value::Object(inner) => {
                        inner.get("message")?.as_str().map(str::to_owned)
                    }
                    _ => None,
                });
        ErrorDetails {
            code: None,
            message,
            request_id: None,
        }
    }
}

/// The first [`BODY_SNIPPET_LIMIT`] bytes of a body as text, cut on a character boundary.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_SNIPPET_LIMIT)];
    let text = String::from_utf8_lossy(cut);
    let mut snippet = text.into_owned();
    if body.len() > BODY_SNIPPET_LIMIT {
        snippet.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_decoder_reads_message_or_error() {
        let headers = HeaderMap::new();
        let decode = |body: &str| {
            DefaultErrorDecoder
                .decode(StatusCode::BAD_REQUEST, &headers, body.as_bytes())
                .message
        };
        assert_eq!(
            decode(r#"{"message":"bad email"}"#).as_deref(),
            Some("bad email")
        );
        assert_eq!(
            decode(r#"{"error":"no such user"}"#).as_deref(),
            Some("no such user")
        );
        assert_eq!(
            decode(r#"{"error":{"message":"nested"}}"#).as_deref(),
            Some("nested")
        );
        assert_eq!(decode("<html>502 Bad Gateway</html>"), None);
    }

    #[test]
    fn snippet_is_capped_and_marked() {
        let long = "x".repeat(5000);
        let snippet = body_snippet(long.as_bytes());
        assert_eq!(
            snippet.chars().filter(|c| *c == 'x').count(),
            BODY_SNIPPET_LIMIT
        );
        assert!(snippet.ends_with('…'));
        assert_eq!(body_snippet(b"short"), "short");
    }

    #[test]
    fn helpers_classify() {
        let api = |status: u16| Error::Api {
            operation: "op",
            status: StatusCode::from_u16(status).unwrap(),
            code: Some("1404".into()),
            message: "no such user".into(),
            request_id: Some("req-1".into()),
            body: String::new(),
        };
        assert_eq!(api(404).status(), Some(StatusCode::NOT_FOUND));
        assert!(!api(404).is_retryable());
        assert!(api(503).is_retryable());
        assert_eq!(api(404).request_id(), Some("req-1"));
        assert_eq!(
            api(404).to_string(),
            "op: 404 from the server (code 1404): no such user"
        );
        assert!(!Error::invalid_input("email", "not an email").is_retryable());
        assert_eq!(
            Error::invalid_input("email", "not an email").to_string(),
            "invalid email: not an email"
        );
    }
}
