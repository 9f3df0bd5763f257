//! How Whaly's error bodies are read.

use core_http::{ErrorDecoder, ErrorDetails, StatusCode};
use http::HeaderMap;

/// Reads Whaly error bodies leniently.
///
/// The documented shape is `{"status_code", "message", "request_id"}`; NestJS's default
/// `{"statusCode", "message", "error"}` (with `message` possibly an array of strings) is
/// read too. A body that is not JSON yields nothing, and the HTTP status stands.
#[derive(Debug, Clone, Copy, Default)]
pub struct PartnerPortalErrorDecoder;

impl ErrorDecoder for PartnerPortalErrorDecoder {
    fn decode(&self, _status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorDetails {
        let Ok(serde_json::Value::Object(body)) = serde_json::from_slice(body) else {
            return ErrorDetails::default();
        };
        let text = |key: &str| body.get(key).and_then(serde_json::Value::as_str);
        let message = match body.get("message") {
            Some(serde_json::Value::String(message)) => Some(message.clone()),
            Some(serde_json::Value::Array(parts)) => {
                let parts: Vec<&str> = parts.iter().filter_map(serde_json::Value::as_str).collect();
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            _ => None,
        }
        .or_else(|| text("error").map(str::to_owned));
        ErrorDetails {
            code: text("error")
                .filter(|error| message.as_deref() != Some(*error))
                .map(str::to_owned),
            message,
            request_id: text("request_id")
                .or_else(|| text("requestId"))
                .map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(body: &str) -> ErrorDetails {
        PartnerPortalErrorDecoder.decode(
            StatusCode::BAD_REQUEST,
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn reads_the_documented_shape() {
        let details = decode(
            r#"{"status_code":404,"message":"Not Found","request_id":"20256c3e71efa5aa267df84eb9c129e5"}"#,
        );
        assert_eq!(details.message.as_deref(), Some("Not Found"));
        assert_eq!(
            details.request_id.as_deref(),
            Some("20256c3e71efa5aa267df84eb9c129e5")
        );
        assert_eq!(details.code, None);
    }

    #[test]
    fn reads_the_nestjs_shape_with_an_array_message() {
        let details = decode(
            r#"{"statusCode":400,"message":["email must be an email","roles should not be empty"],"error":"Bad Request"}"#,
        );
        assert_eq!(
            details.message.as_deref(),
            Some("email must be an email; roles should not be empty")
        );
        assert_eq!(details.code.as_deref(), Some("Bad Request"));
        assert_eq!(details.request_id, None);
    }

    #[test]
    fn tolerates_non_json() {
        assert_eq!(decode("<html>502</html>"), ErrorDetails::default());
        assert_eq!(decode("[1,2]"), ErrorDetails::default());
    }
}
