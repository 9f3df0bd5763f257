//! How LogicMonitor's error bodies are read.

use core_http::{ErrorDecoder, ErrorDetails, StatusCode};

/// Reads LogicMonitor v3 error bodies, `{"errorMessage", "errorCode", "errorDetail"}`:
/// `errorCode` becomes [`core_http::Error::Api`]'s `code`, `errorMessage` its message.
/// Bodies that are not JSON (gateway pages) give empty details.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogicMonitorErrorDecoder;

impl ErrorDecoder for LogicMonitorErrorDecoder {
    fn decode(&self, _status: StatusCode, _headers: &http::HeaderMap, body: &[u8]) -> ErrorDetails {
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
            return ErrorDetails::default();
        };
        let code = match value.get("errorCode") {
            Some(serde_json::Value::Number(number)) => Some(number.to_string()),
            Some(serde_json::Value::String(text)) => Some(text.clone()),
            _ => None,
        };
        let message = value
            .get("errorMessage")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned);
        ErrorDetails {
            code,
            message,
            request_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_decoder_reads_code_and_message() {
        let details = LogicMonitorErrorDecoder.decode(
            StatusCode::NOT_FOUND,
            &http::HeaderMap::new(),
            br#"{"errorMessage":"No such user","errorCode":1404,"errorDetail":null}"#,
        );
        assert_eq!(details.code.as_deref(), Some("1404"));
        assert_eq!(details.message.as_deref(), Some("No such user"));
        let html = LogicMonitorErrorDecoder.decode(
            StatusCode::BAD_GATEWAY,
            &http::HeaderMap::new(),
            b"<html>",
        );
        assert_eq!(html, ErrorDetails::default());
    }
}
