//! The Service Account key, checked and attached to every request.

use core_http::{BearerAuth, Error, ExposeSecret, Result, SecretString};

/// The key as `Authorization: Bearer sk:…`, refused before anything is sent when it is
/// missing or blank. A key not starting with `sk:` is still used, with a warning that
/// never shows the key.
pub(crate) fn service_account_auth(key: Option<SecretString>) -> Result<BearerAuth> {
    let key = key.ok_or_else(|| Error::config("api_key", "a Service Account key is required"))?;
    let exposed = key.expose_secret();
    if exposed.trim().is_empty() {
        return Err(Error::config("api_key", "must not be empty"));
    }
    if !exposed.starts_with("sk:") {
        tracing::warn!(
            "the Whaly API key does not start with `sk:` as Service Account keys do; using it anyway"
        );
    }
    Ok(BearerAuth::new(&key))
}
