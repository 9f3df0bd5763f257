//! What the simulators share on the wire: JSON answers, form and percent decoding, and
//! the email check.

use axum::body::Body;
use http::{HeaderValue, Response, StatusCode, header};
use serde::Serialize;

/// `application/json`, the content type Allthenticate, Whaly and LogicMonitor answer with.
#[cfg(any(
    feature = "allthenticate",
    feature = "partner-portal",
    feature = "logicmonitor"
))]
pub(crate) const JSON: &str = "application/json";

/// `application/json; charset=utf-8`, ThreatLocker's content type
/// (`shared/vendors/threatlocker.md`).
#[cfg(feature = "threatlocker")]
pub(crate) const JSON_UTF8: &str = "application/json; charset=utf-8";

/// An answer with `status` and `body` as JSON, labelled `content_type` (one of this
/// module's constants).
pub(crate) fn json_response(
    status: StatusCode,
    content_type: &'static str,
    body: &impl Serialize,
) -> Response<Body> {
    let body = serde_json::to_vec(body).expect("sandbox answers serialize to JSON");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// The decoded name/value pairs of an `application/x-www-form-urlencoded` body or query
/// string; empty pairs are skipped and a pair without `=` has an empty value.
#[cfg(any(feature = "allthenticate", feature = "logicmonitor"))]
pub(crate) fn form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
#[cfg(any(feature = "allthenticate", feature = "logicmonitor"))]
pub(crate) fn form_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// `%XX` is a byte; anything else, a malformed escape included, is kept as it is. Bytes
/// that are not UTF-8 become U+FFFD.
#[cfg(any(feature = "allthenticate", feature = "logicmonitor"))]
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(any(feature = "allthenticate", feature = "logicmonitor"))]
fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Whether `text` looks like an email address: a non-empty local part, one `@`, a domain
/// of two or more non-empty dot-separated labels, and no white space or control
/// character anywhere. None of the vendors documents its rule; this is the sandbox's.
pub(crate) fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(any(feature = "allthenticate", feature = "logicmonitor"))]
    #[test]
    fn form_decoding_handles_plus_and_percent() {
        assert_eq!(
            form_pairs("email=joe%40developer.com&name=a+b&bad=%zz&empty"),
            vec![
                ("email".to_owned(), "joe@developer.com".to_owned()),
                ("name".to_owned(), "a b".to_owned()),
                ("bad".to_owned(), "%zz".to_owned()),
                ("empty".to_owned(), String::new()),
            ]
        );
        assert_eq!(form_decode("a%2Bb+c"), "a+b c");
        assert_eq!(percent_decode("a+b%20c%"), "a+b c%");
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        for good in ["joe@developer.com", "jane+admin@corp.example", "a@b.c.d"] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "not-an-email",
            "@developer.com",
            "joe@developer",
            "joe@.com",
            "joe@developer.",
            "joe@developer..com",
            "joe@dev@eloper.com",
            "jo e@developer.com",
            "joe\u{1}@developer.com",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }

    #[test]
    fn json_answers_carry_status_and_content_type() {
        let response = json_response(StatusCode::CREATED, "application/json", &[1, 2]);
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
    }
}
