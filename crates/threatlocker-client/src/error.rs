//! How ThreatLocker's error bodies are read.

use core_http::{Error, ErrorDecoder, ErrorDetails, StatusCode};
use http::HeaderMap;
use serde_json::Value;

/// The non-standard status ThreatLocker answers for a bad, expired, revoked or
/// wrong-instance token (IIS "Login Time-out").
pub const TOKEN_REVOKED_STATUS: u16 = 440;

/// What every authentication failure says, since the portal does not tell the cases apart.
pub const AUTH_HINT: &str = "the API token was rejected: it is revoked, expired or belongs to another ThreatLocker instance";

/// Whether `error` is an authentication failure: a 440 (`TOKEN_REVOKED`) or a 401.
///
/// ThreatLocker also answers 401 when a valid token lacks a permission; the message then
/// carries the server's text (`Missing the '<name>' permission`) after [`AUTH_HINT`].
pub fn is_auth_error(error: &Error) -> bool {
    error.status().is_some_and(|status| {
        status.as_u16() == TOKEN_REVOKED_STATUS || status == StatusCode::UNAUTHORIZED
    })
}

/// Reads ThreatLocker error bodies.
///
/// - 440 `{"message":"Unauthorized","error":"TOKEN_REVOKED"}` and 401: the message is
///   [`AUTH_HINT`] followed by the server's text; the code is the body's `error` (or
///   `TOKEN_REVOKED` for a 440 without one).
/// - 401/417/500 `{"LoggerId","StatusCode","Message"}`: the message is `Message`; the
///   `LoggerId` becomes the error's request id ([`Error::request_id`]), so it can be
///   quoted to ThreatLocker support.
/// - Otherwise `Message`, `message` or `error`, then a short plain-text body.
#[derive(Debug, Clone, Copy, Default)]
pub struct PortalErrorDecoder;

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

impl ErrorDecoder for PortalErrorDecoder {
    fn decode(&self, status: StatusCode, _headers: &HeaderMap, body: &[u8]) -> ErrorDetails {
        let json = serde_json::from_slice::<Value>(body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|value| value.get(name))
                .and_then(text_of)
        };
        let server_message = field("Message")
            .or_else(|| field("message"))
            .or_else(|| field("error"))
            .or_else(|| {
                let text = std::str::from_utf8(body).ok()?.trim();
                (json.is_none() && !text.is_empty() && text.len() <= 200 && !text.starts_with('<'))
                    .then(|| text.to_owned())
            });
        let logger_id = field("LoggerId").or_else(|| field("loggerId"));
        let is_token_revoked = status.as_u16() == TOKEN_REVOKED_STATUS;
        if is_token_revoked || status == StatusCode::UNAUTHORIZED {
            let code =
                field("error").or_else(|| is_token_revoked.then(|| "TOKEN_REVOKED".to_owned()));
            let message = match server_message {
                Some(text) => format!("{AUTH_HINT} (server said: {text})"),
                None => AUTH_HINT.to_owned(),
            };
            return ErrorDetails {
                code,
                message: Some(message),
                request_id: logger_id,
            };
        }
        ErrorDetails {
            code: None,
            message: server_message,
            request_id: logger_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(status: u16, body: &str) -> ErrorDetails {
        PortalErrorDecoder.decode(
            StatusCode::from_u16(status).unwrap(),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn token_revoked() {
        let details = decode(440, r#"{"message":"Unauthorized","error":"TOKEN_REVOKED"}"#);
        assert_eq!(details.code.as_deref(), Some("TOKEN_REVOKED"));
        let message = details.message.unwrap();
        assert!(
            message.contains("revoked, expired or belongs to another"),
            "{message}"
        );
        let bare = decode(440, "");
        assert_eq!(bare.code.as_deref(), Some("TOKEN_REVOKED"));
        assert_eq!(bare.message.as_deref(), Some(AUTH_HINT));
    }

    #[test]
    fn envelope() {
        let details = decode(
            417,
            r#"{"LoggerId":"abc123","StatusCode":417,"Message":"Invalid Date Range"}"#,
        );
        assert_eq!(details.message.as_deref(), Some("Invalid Date Range"));
        assert_eq!(details.request_id.as_deref(), Some("abc123"));
        let missing = decode(
            401,
            r#"{"LoggerId":"9","StatusCode":401,"Message":"Missing the 'Assign Roles' permission"}"#,
        );
        let message = missing.message.unwrap();
        assert!(
            message.starts_with(AUTH_HINT) && message.contains("Assign Roles"),
            "{message}"
        );
        assert_eq!(
            decode(500, "plain failure").message.as_deref(),
            Some("plain failure")
        );
        assert_eq!(decode(502, "<html>bad gateway</html>").message, None);
    }
}
