//! How ThreatLocker's error bodies are read.

use core_http::{Error, ErrorDecoder, ErrorDetails, StatusCode};
use http::HeaderMap;
use serde_json::Value;

/// The non-standard status ThreatLocker answers for a bad, expired, revoked or
/// wrong-instance token (IIS "Login Time-out"), with
/// `{"message":"Unauthorized","error":"TOKEN_REVOKED"}`.
pub const TOKEN_REVOKED_STATUS: u16 = 440;

/// What a 440 says: the portal does not tell a revoked, an expired and a wrong-instance
/// token apart.
pub const AUTH_HINT: &str = "the API token was rejected: it is revoked, expired or belongs to another ThreatLocker instance";

/// What a 401 says: the reference observes it for a valid token lacking a permission.
pub const PERMISSION_HINT: &str = "the API token is valid but lacks a permission this call needs (an invitation needs Edit Administrators and Assign Roles)";

/// Which authentication failure an error is; see [`auth_failure`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthFailure {
    /// 440 `TOKEN_REVOKED`: the token is revoked, expired or belongs to another instance.
    /// A new token (on the right instance) is needed.
    TokenRejected,
    /// 401: the token is valid but lacks a permission; an administrator must grant it.
    MissingPermission {
        /// The permission named by the portal's `Missing the '<name>' permission`, when
        /// it named one.
        permission: Option<String>,
    },
}

/// Which authentication failure `error` is, if any: a 440 is
/// [`AuthFailure::TokenRejected`], a 401 [`AuthFailure::MissingPermission`].
pub fn auth_failure(error: &Error) -> Option<AuthFailure> {
    let Error::Api {
        status, message, ..
    } = error
    else {
        return None;
    };
    if status.as_u16() == TOKEN_REVOKED_STATUS {
        return Some(AuthFailure::TokenRejected);
    }
    (*status == StatusCode::UNAUTHORIZED).then(|| AuthFailure::MissingPermission {
        permission: permission_named_in(message),
    })
}

/// The `<name>` of `Missing the '<name>' permission`, when not empty.
fn permission_named_in(text: &str) -> Option<String> {
    let (_, rest) = text.split_once("Missing the '")?;
    let (name, _) = rest.split_once("' permission")?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Whether `error` is either authentication failure: a 440 (`TOKEN_REVOKED`) or a 401
/// (missing permission). [`auth_failure`] tells them apart.
pub fn is_auth_error(error: &Error) -> bool {
    auth_failure(error).is_some()
}

/// Reads ThreatLocker error bodies.
///
/// - 440 `{"message":"Unauthorized","error":"TOKEN_REVOKED"}`: the message is
///   [`AUTH_HINT`] followed by the server's text; the code is the body's `error` (or
///   `TOKEN_REVOKED` when it has none).
/// - 401 (a valid token lacking a permission): the message is [`PERMISSION_HINT`]
///   followed by the server's text (`Missing the '<name>' permission`); the code is the
///   body's `error`, if any.
/// - 401/417/500 `{"LoggerId","StatusCode","Message"}`: the message is `Message`; the
///   `LoggerId` becomes the error's request id ([`Error::request_id`]), so it can be
///   quoted to ThreatLocker support.
/// - Otherwise `Message`, `message` or `error`, then a short plain-text body.
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreatLockerErrorDecoder;

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

impl ErrorDecoder for ThreatLockerErrorDecoder {
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
            let hint = if is_token_revoked {
                AUTH_HINT
            } else {
                PERMISSION_HINT
            };
            let message = match server_message {
                Some(text) => format!("{hint} (server said: {text})"),
                None => hint.to_owned(),
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
        ThreatLockerErrorDecoder.decode(
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
            message.starts_with(PERMISSION_HINT) && message.contains("Assign Roles"),
            "{message}"
        );
        assert!(!message.contains("revoked"), "{message}");
        assert_eq!(decode(401, "").message.as_deref(), Some(PERMISSION_HINT));
        assert_eq!(
            decode(500, "plain failure").message.as_deref(),
            Some("plain failure")
        );
        assert_eq!(decode(502, "<html>bad gateway</html>").message, None);
    }
}

#[cfg(test)]
mod classification {
    use super::*;

    fn api(status: u16, message: &str) -> Error {
        Error::Api {
            operation: "user.invite",
            status: StatusCode::from_u16(status).unwrap(),
            code: None,
            message: message.to_owned(),
            request_id: None,
            body: String::new(),
        }
    }

    #[test]
    fn the_two_auth_failures_are_told_apart() {
        assert_eq!(
            auth_failure(&api(440, AUTH_HINT)),
            Some(AuthFailure::TokenRejected)
        );
        assert_eq!(
            auth_failure(&api(
                401,
                "x (server said: Missing the 'Edit Administrators' permission)"
            )),
            Some(AuthFailure::MissingPermission {
                permission: Some("Edit Administrators".to_owned())
            })
        );
        assert_eq!(
            auth_failure(&api(401, "Missing the '' permission")),
            Some(AuthFailure::MissingPermission { permission: None })
        );
        assert_eq!(auth_failure(&api(403, "Forbidden")), None);
        assert_eq!(auth_failure(&api(417, "Missing the 'x' permission")), None);
        assert!(!is_auth_error(&Error::invalid_input("roles", "empty")));
    }
}
