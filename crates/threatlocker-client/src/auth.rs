//! The portal API token, checked and attached to every request.

use core_http::{Error, ExposeSecret, HeaderAuth, HeaderName, Result, SecretString};

/// The token as `Authorization: <token>` (no scheme), refused before anything is sent
/// when it is missing, empty, or holds whitespace or control characters.
pub(crate) fn token_auth(token: Option<SecretString>) -> Result<HeaderAuth> {
    let token = token.ok_or_else(|| Error::config("token", "required: the portal API token"))?;
    let raw = token.expose_secret();
    if raw.is_empty() {
        return Err(Error::config("token", "must not be empty"));
    }
    if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config(
            "token",
            "must not contain whitespace or control characters",
        ));
    }
    Ok(HeaderAuth::new(
        HeaderName::from_static("authorization"),
        token,
    ))
}
