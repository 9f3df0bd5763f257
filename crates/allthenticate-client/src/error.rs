//! How Allthenticate's error bodies are read.

use core_http::{ErrorDecoder, ErrorDetails, StatusCode};
use http::HeaderMap;

/// Reads Allthenticate's `{"error": "..."}` bodies (anything else keeps the raw body in
/// the error's snippet).
#[derive(Debug, Clone, Copy, Default)]
pub struct AllthenticateErrorDecoder;

impl ErrorDecoder for AllthenticateErrorDecoder {
    fn decode(&self, _status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorDetails {
        let message = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|value| {
                ["error", "message"]
                    .iter()
                    .find_map(|key| match value.get(key)? {
                        serde_json::Value::String(text) => Some(text.clone()),
                        serde_json::Value::Null => None,
                        other => Some(other.to_string()),
                    })
            });
        ErrorDetails {
            code: None,
            message,
            request_id: None,
        }
    }
}
