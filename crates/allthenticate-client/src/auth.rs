//! Where the API key goes, and attaching it to every request.

use std::fmt;

use core_http::{Authenticate, ExposeSecret, HeaderName, Result, SecretString, SignableRequest};

/// Where the API key goes. Allthenticate does not publish it; [`Bearer`](Self::Bearer)
/// is the default. The key is a [`SecretString`] in every mode: headers carrying it are
/// marked sensitive, and a query parameter is appended to the URL only (URLs are never
/// logged or put into errors).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthPlacement {
    /// `Authorization: Bearer <key>` (default).
    #[default]
    Bearer,
    /// `Authorization: <key>`, no scheme.
    RawAuthorization,
    /// The key alone in the named header, e.g. `X-API-Key`.
    Header(HeaderName),
    /// The key as the named query parameter, e.g. `api_key`.
    Query(String),
}

/// Attaches the API key where [`AuthPlacement`] says.
pub(crate) struct ApiKeyAuth {
    pub(crate) key: SecretString,
    pub(crate) placement: AuthPlacement,
}

impl fmt::Debug for ApiKeyAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyAuth")
            .field("placement", &self.placement)
            .field("key", &"[REDACTED]")
            .finish()
    }
}

impl Authenticate for ApiKeyAuth {
    fn authenticate(&self, request: &mut SignableRequest<'_>) -> Result<()> {
        match &self.placement {
            AuthPlacement::Bearer => request.set_secret_header(
                http_authorization(),
                &SecretString::from(format!("Bearer {}", self.key.expose_secret())),
            ),
            AuthPlacement::RawAuthorization => {
                request.set_secret_header(http_authorization(), &self.key)
            }
            AuthPlacement::Header(name) => request.set_secret_header(name.clone(), &self.key),
            AuthPlacement::Query(name) => {
                request.append_secret_query(name.clone(), self.key.clone());
                Ok(())
            }
        }
    }
}

fn http_authorization() -> HeaderName {
    HeaderName::from_static("authorization")
}
