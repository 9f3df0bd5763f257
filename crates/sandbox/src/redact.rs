//! Redaction of credentials in `Debug` output.

use std::fmt;

use http::HeaderMap;

/// What is shown instead of a secret.
const REDACTED: &str = "[redacted]";

/// Name fragments that mark a header or query parameter as a credential.
const SENSITIVE_FRAGMENTS: &[&str] = &[
    "authorization",
    "cookie",
    "key",
    "token",
    "secret",
    "password",
    "signature",
];

/// Whether a header or query parameter named `name` may carry a credential.
pub(crate) fn is_sensitive(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SENSITIVE_FRAGMENTS
        .iter()
        .any(|fragment| name.contains(fragment))
}

/// Debug view of a header map that hides the values of sensitive headers.
pub(crate) struct RedactedHeaders<'a>(pub(crate) &'a HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            if is_sensitive(name.as_str()) || value.is_sensitive() {
                map.entry(&name.as_str(), &REDACTED);
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

/// Debug view of a query string that hides the values of sensitive parameters.
pub(crate) struct RedactedQuery<'a>(pub(crate) &'a str);

impl fmt::Debug for RedactedQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = String::with_capacity(self.0.len());
        for (i, pair) in self.0.split('&').enumerate() {
            if i > 0 {
                shown.push('&');
            }
            match pair.split_once('=') {
                Some((name, _)) if is_sensitive(name) => {
                    shown.push_str(name);
                    shown.push('=');
                    shown.push_str(REDACTED);
                }
                _ => shown.push_str(pair),
            }
        }
        fmt::Debug::fmt(&shown, f)
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn sensitive_names_are_recognised() {
        for name in [
            "Authorization",
            "x-api-key",
            "X-Auth-Token",
            "client_secret",
            "cookie",
            "LMv1-Signature",
        ] {
            assert!(is_sensitive(name), "{name}");
        }
        for name in ["content-type", "accept", "x-request-id", "page"] {
            assert!(!is_sensitive(name), "{name}");
        }
    }

    #[test]
    fn headers_hide_sensitive_values_only() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", HeaderValue::from_static("Bearer hunter2"));
        headers.insert("x-api-key", HeaderValue::from_static("k-123"));
        headers.insert("accept", HeaderValue::from_static("application/json"));
        let shown = format!("{:?}", RedactedHeaders(&headers));
        assert!(
            !shown.contains("hunter2") && !shown.contains("k-123"),
            "{shown}"
        );
        assert!(shown.contains("application/json"), "{shown}");
    }

    #[test]
    fn query_hides_sensitive_values_only() {
        let shown = format!("{:?}", RedactedQuery("page=2&access_token=abc&flag"));
        assert_eq!(shown, "\"page=2&access_token=[redacted]&flag\"");
    }
}
