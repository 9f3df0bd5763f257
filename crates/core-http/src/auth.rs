//! Attaching credentials to requests.

use std::fmt;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// A request about to be sent, as an [`Authenticate`] implementation sees it.
#[derive(Debug)]
pub struct SignableRequest<'a> {
    pub(crate) method: &'a Method,
    pub(crate) path: &'a str,
    pub(crate) body: &'a [u8],
    pub(crate) headers: &'a mut HeaderMap,
    pub(crate) query: &'a mut Vec<(String, SecretString)>,
}

impl SignableRequest<'_> {
    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.method
    }

    /// The path after the base URL's own path, percent-encoded as sent, without the
    /// query string: `/setting/admins/42` for `https://acme.logicmonitor.com/santaba/rest/setting/admins/42?size=5`.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The exact body bytes that will be sent (empty when there is none).
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// The headers so far, to read or to add to.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.headers
    }

    /// Sets a header that carries a credential: it is marked sensitive.
    pub fn set_secret_header(&mut self, name: HeaderName, value: &SecretString) -> Result<()> {
        let mut value = HeaderValue::from_str(value.expose_secret()).map_err(|_| {
            Error::config(
                name.as_str(),
                "the credential contains characters not allowed in a header",
            )
        })?;
        value.set_sensitive(true);
        self.headers.insert(name, value);
        Ok(())
    }

    /// Adds a query parameter that carries a credential. It is appended to the URL only;
    /// URLs are never logged or put in errors.
    pub fn append_secret_query(&mut self, name: impl Into<String>, value: SecretString) {
        self.query.push((name.into(), value));
    }
}

/// Adds credentials to every request.
///
/// Implementations see the method, the path, the exact body bytes and the headers, which
/// is enough for an HMAC scheme such as LogicMonitor's LMv1. `Debug` must not reveal the
/// credential.
pub trait Authenticate: Send + Sync + fmt::Debug {
    /// Adds whatever the scheme needs. Called once per attempt, so signatures are fresh.
    fn authenticate(&self, request: &mut SignableRequest<'_>) -> Result<()>;
}

/// A credential sent verbatim in a header, e.g. ThreatLocker's `Authorization: <token>`.
pub struct HeaderAuth {
    name: HeaderName,
    value: SecretString,
}

impl HeaderAuth {
    /// Sends `value` as the header `name`.
    pub fn new(name: HeaderName, value: SecretString) -> Self {
        Self { name, value }
    }
}

impl fmt::Debug for HeaderAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderAuth")
            .field("name", &self.name)
            .field("value", &"[REDACTED]")
            .finish()
    }
}

impl Authenticate for HeaderAuth {
    fn authenticate(&self, request: &mut SignableRequest<'_>) -> Result<()> {
        request.set_secret_header(self.name.clone(), &self.value)
    }
}

/// `Authorization: Bearer <token>`.
pub struct BearerAuth {
    header: SecretString,
}

impl BearerAuth {
    /// Sends `token` as a bearer token.
    pub fn new(token: &SecretString) -> Self {
        Self {
            header: SecretString::from(format!("Bearer {}", token.expose_secret())),
        }
    }
}

impl fmt::Debug for BearerAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerAuth([REDACTED])")
    }
}

impl Authenticate for BearerAuth {
    fn authenticate(&self, request: &mut SignableRequest<'_>) -> Result<()> {
        request.set_secret_header(http::header::AUTHORIZATION, &self.header)
    }
}

/// No credentials at all.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

impl Authenticate for NoAuth {
    fn authenticate(&self, _request: &mut SignableRequest<'_>) -> Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(auth: &dyn Authenticate) -> (HeaderMap, Vec<(String, SecretString)>) {
        let mut headers = HeaderMap::new();
        let mut query = Vec::new();
        let mut request = SignableRequest {
            method: &Method::GET,
            path: "/users",
            body: b"",
            headers: &mut headers,
            query: &mut query,
        };
        auth.authenticate(&mut request).unwrap();
        (headers, query)
    }

    #[test]
    fn header_auth_sends_the_raw_value_marked_sensitive() {
        let auth = HeaderAuth::new(
            http::header::AUTHORIZATION,
            SecretString::from("canary-7f3a9c"),
        );
        let (headers, _) = sign(&auth);
        let value = &headers[http::header::AUTHORIZATION];
        assert_eq!(value, "canary-7f3a9c");
        assert!(value.is_sensitive());
        assert!(!format!("{auth:?}").contains("canary"));
    }

    #[test]
    fn bearer_auth_prefixes_the_token() {
        let auth = BearerAuth::new(&SecretString::from("canary-7f3a9c"));
        let (headers, _) = sign(&auth);
        assert_eq!(headers[http::header::AUTHORIZATION], "Bearer canary-7f3a9c");
        assert!(headers[http::header::AUTHORIZATION].is_sensitive());
        assert!(!format!("{auth:?}").contains("canary"));
    }

    #[test]
    fn a_credential_unfit_for_a_header_is_a_config_error_without_the_value() {
        let auth = HeaderAuth::new(
            http::header::AUTHORIZATION,
            SecretString::from("canary\n7f3a9c"),
        );
        let mut headers = HeaderMap::new();
        let mut query = Vec::new();
        let mut request = SignableRequest {
            method: &Method::GET,
            path: "/",
            body: b"",
            headers: &mut headers,
            query: &mut query,
        };
        let error = auth.authenticate(&mut request).unwrap_err();
        assert!(matches!(error, Error::Config { .. }));
        assert!(!format!("{error} {error:?}").contains("canary"));
    }
}
