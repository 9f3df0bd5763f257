//! The client's credentials: LMv1 request signing and bearer tokens.

use std::fmt;
use std::sync::Arc;
use std::time::UNIX_EPOCH;

use base64::Engine as _;
use core_http::{Authenticate, Clock, HeaderName, SecretString, SignableRequest};
use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;

/// How the client authenticates.
#[derive(Clone)]
pub enum Credentials {
    /// LMv1 HMAC signing with an API token's access id and access key.
    Lmv1 {
        /// The access id (the first part of the `Authorization` header).
        access_id: String,
        /// The access key, the HMAC secret.
        access_key: SecretString,
    },
    /// `Authorization: Bearer <token>` (real tokens start with `lmb_`).
    Bearer(SecretString),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Lmv1 { .. } => f.write_str("Credentials::Lmv1([REDACTED])"),
            Self::Bearer(_) => f.write_str("Credentials::Bearer([REDACTED])"),
        }
    }
}

/// The LMv1 signature of one request:
/// `base64(lowercase_hex(HMAC-SHA256(access_key, VERB + epochMillis + body + resourcePath)))`.
///
/// `resource_path` is the path after `/santaba/rest`, without the query string; `body` is
/// the exact bytes sent (empty when there is none). The result is always 88 characters.
///
/// ```
/// use logicmonitor_client::lmv1_signature;
/// use secrecy::SecretString;
///
/// let key = SecretString::from("Zx9(3Lp~Q^72=vK{8)sT+mN4[bH]eW5!yR6_uA");
/// let signature = lmv1_signature(&key, "GET", 1_700_000_000_000, b"", "/setting/admins");
/// assert_eq!(signature, "OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ==");
/// ```
pub fn lmv1_signature(
    access_key: &SecretString,
    method: &str,
    epoch_millis: u64,
    body: &[u8],
    resource_path: &str,
) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` can not fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(access_key.expose_secret().as_bytes()) else {
        unreachable!("HMAC-SHA256 takes keys of any length")
    };
    mac.update(method.to_ascii_uppercase().as_bytes());
    mac.update(epoch_millis.to_string().as_bytes());
    mac.update(body);
    mac.update(resource_path.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(64);
    for byte in digest {
        use fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    base64::engine::general_purpose::STANDARD.encode(hex.as_bytes())
}

/// LMv1 HMAC authentication: `Authorization: LMv1 {accessId}:{signature}:{epochMillis}`.
///
/// Signs the method, the current time in milliseconds (from the injected [`Clock`]), the
/// exact body bytes sent and the percent-decoded path after the base URL (the base URL
/// ends in `/santaba/rest`, so that is the resource path LogicMonitor expects). Query
/// strings are never signed. `Debug` shows neither the access id nor the key.
#[derive(Clone)]
pub struct Lmv1Auth {
    access_id: String,
    access_key: SecretString,
    clock: Arc<dyn Clock>,
}

impl Lmv1Auth {
    /// An authenticator for an access id and key, reading time from `clock`.
    pub fn new(
        access_id: impl Into<String>,
        access_key: SecretString,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            access_id: access_id.into(),
            access_key,
            clock,
        }
    }

    /// The `Authorization` header value for one request at `epoch_millis`.
    pub fn header_value(&self, method: &str, epoch_millis: u64, body: &[u8], path: &str) -> String {
        let signature = lmv1_signature(&self.access_key, method, epoch_millis, body, path);
        format!("LMv1 {}:{signature}:{epoch_millis}", self.access_id)
    }
}

impl fmt::Debug for Lmv1Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lmv1Auth([REDACTED])")
    }
}

impl Authenticate for Lmv1Auth {
    fn authenticate(&self, request: &mut SignableRequest<'_>) -> core_http::Result<()> {
        let millis = self
            .clock
            .now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| core_http::Error::config("clock", "the clock reads before 1970"))?
            .as_millis();
        let millis = u64::try_from(millis)
            .map_err(|_| core_http::Error::config("clock", "the clock reads too far ahead"))?;
        let path = percent_decode(request.path());
        let value = self.header_value(request.method().as_str(), millis, request.body(), &path);
        request.set_secret_header(
            HeaderName::from_static("authorization"),
            &SecretString::from(value),
        )
    }
}

/// Decodes `%XX` escapes, as LogicMonitor's own SDK does before signing the path.
fn percent_decode(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex_value(bytes[i + 1]), hex_value(bytes[i + 2]))
        {
            out.push(hi << 4 | lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Zx9(3Lp~Q^72=vK{8)sT+mN4[bH]eW5!yR6_uA";
    const MILLIS: u64 = 1_700_000_000_000;

    fn sign(method: &str, path: &str, body: &str) -> String {
        lmv1_signature(
            &SecretString::from(KEY),
            method,
            MILLIS,
            body.as_bytes(),
            path,
        )
    }

    #[test]
    fn v1_get_admins_without_body() {
        assert_eq!(
            sign("GET", "/setting/admins", ""),
            "OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ=="
        );
    }

    #[test]
    fn v2_post_admin_with_python_style_json() {
        let body = r#"{"username": "jdoe", "email": "jdoe@example.com", "password": "S3cret!pass", "roles": [{"id": 2}], "adminGroupIds": [7], "status": "active"}"#;
        assert_eq!(
            sign("POST", "/setting/admins", body),
            "M2YwM2JlNGNiYTY0ZDc2ZTdlNDcxNDg1YzQwMmFjYTBmNDVlNDI3YmY3MGQ3ZTVmOWI4MTc1MWU5OWJhOTJhZA=="
        );
    }

    #[test]
    fn v3_patch_python_style() {
        assert_eq!(
            sign(
                "PATCH",
                "/setting/admins/42",
                r#"{"status": "suspended", "adminGroupIds": [9]}"#
            ),
            "MTYwZGU5YzA5OGMwMzJlMjBhYmI2MWE0YjkzYWY2OWIyMzZjZmRhY2QxMzJmYTQwYjcwOTIzNTdhMDljYzg5ZA=="
        );
    }

    #[test]
    fn v3c_patch_compact_json() {
        assert_eq!(
            sign(
                "PATCH",
                "/setting/admins/42",
                r#"{"status":"suspended","adminGroupIds":[9]}"#
            ),
            "MjBkM2M0NzJjMGYxYmNiM2JlYzliZjFjZDVkZDQyNjI2YWRlYmMyMzBmMzU5NWQyNDA5M2MwNTJmOTFkNDcyZg=="
        );
    }

    #[test]
    fn v4_delete_with_empty_object_body() {
        assert_eq!(
            sign("DELETE", "/setting/admins/42", "{}"),
            "OGZjYmM1ODBhZjRiOTZkODgzNmZhMWRjMTg3NTIwM2QyYWRkN2JjMDA0MjBkNDMzOGQ5OTgwZjRhNDJhMGU4YQ=="
        );
    }

    #[test]
    fn v4b_delete_without_body() {
        assert_eq!(
            sign("DELETE", "/setting/admins/42", ""),
            "MGE4MTJkYzNjNmNiNDJmZTVlMDAwYjFlMGU1OWM1YTUyOWQ4YjE2MjgxMzg4YzM5MWVlZWNkMTQ5YzdlMzZjNA=="
        );
    }

    #[test]
    fn v5_get_admin_group() {
        assert_eq!(
            sign("GET", "/setting/admin/groups/7", ""),
            "MGNiYjQ5ZTEzMGZmNWZjMTMwYTAzM2QxN2YzNGFkMjZhMmJiMDdhZTYzMjdjNjVmZmU3OTkwMWU1ZDBkMDViZA=="
        );
    }

    #[test]
    fn v6_post_admin_group() {
        assert_eq!(
            sign(
                "POST",
                "/setting/admin/groups",
                r#"{"name":"Suspended","description":"inactive users"}"#
            ),
            "NTEzNGFhOTVhZTRmZTBkZjNmZWM2NWE2M2E5YWIyMzc4YzhmMTExZTFhZGYwMzcwNTQ2MzQxMjY2MzViYzRiNA=="
        );
    }

    #[test]
    fn header_has_id_signature_and_millis_and_debug_hides_the_key() {
        let auth = Lmv1Auth::new(
            "lmTestAccessId000001",
            SecretString::from(KEY),
            Arc::new(core_http::SystemClock),
        );
        assert_eq!(
            auth.header_value("get", MILLIS, b"", "/setting/admins"),
            "LMv1 lmTestAccessId000001:OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ==:1700000000000"
        );
        let debug = format!("{auth:?}");
        assert!(
            !debug.contains("Zx9") && !debug.contains("lmTest"),
            "{debug}"
        );
    }

    #[test]
    fn paths_are_percent_decoded_before_signing() {
        assert_eq!(percent_decode("/setting/admins/4%32"), "/setting/admins/42");
        assert_eq!(percent_decode("/a%2"), "/a%2");
        assert_eq!(percent_decode("/a%zz"), "/a%zz");
    }
}
