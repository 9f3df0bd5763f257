//! Building one request and reading its response.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::client::HttpClient;
use crate::error::{Error, Result, body_snippet};
use crate::operation::Operation;
use crate::rate_limit::RateLimitInfo;

/// One request under construction. Arguments are checked as they are added; the first
/// problem is reported by `send` before anything leaves the process.
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'a> {
    client: &'a HttpClient,
    operation: &'a Operation,
    path_params: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<(Bytes, HeaderValue)>,
    idempotent: bool,
    error: Option<Error>,
}

/// A request ready to go: URL, headers and exact body bytes.
pub(crate) struct Prepared {
    pub(crate) url: Url,
    /// Length of the base URL's own path, which `url.path()` starts with.
    pub(crate) base_path_len: usize,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) idempotent: bool,
}

impl Prepared {
    /// The path after the base URL's own path, as sent.
    pub(crate) fn path(&self) -> &str {
        &self.url.path()[self.base_path_len..]
    }
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(client: &'a HttpClient, operation: &'a Operation) -> Self {
        Self {
            client,
            operation,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            idempotent: operation.idempotent,
            error: None,
        }
    }

    /// Fills the `{name}` placeholder of the path template. The value is percent-encoded
    /// as one path segment, so a `/` in it can not reach another resource.
    pub fn path_param(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.path_params.push((name, value.to_string()));
        self
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl fmt::Display) -> Self {
        self.query.push((name.into(), value.to_string()));
        self
    }

    /// Adds a query parameter when there is a value.
    pub fn query_opt(self, name: impl Into<String>, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Adds a header for this request only.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sends `value` as a compact JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.body = Some((bytes.into(), HeaderValue::from_static("application/json")));
            }
            Err(error) => self.fail(Error::invalid_input("body", error.to_string())),
        }
        self
    }

    /// Sends the pairs as an `application/x-www-form-urlencoded` body.
    pub fn form<K: AsRef<str>, V: AsRef<str>>(
        mut self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut encoder = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            encoder.append_pair(name.as_ref(), value.as_ref());
        }
        self.body = Some((
            encoder.finish().into(),
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        ));
        self
    }

    /// Sends `bytes` as the body with the given content type.
    pub fn body(mut self, bytes: impl Into<Bytes>, content_type: HeaderValue) -> Self {
        self.body = Some((bytes.into(), content_type));
        self
    }

    /// Overrides the operation's idempotency for this request.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    fn fail(&mut self, error: Error) {
        self.error.get_or_insert(error);
    }

    /// Sends the request (retrying as the policy allows) and returns a successful response.
    pub async fn send(self) -> Result<Response> {
        let (client, operation) = (self.client, self.operation);
        let prepared = self.prepare()?;
        crate::execute::execute(&client.inner, operation, prepared).await
    }

    /// Sends the request and decodes a JSON body into `T`.
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T> {
        self.send().await?.json()
    }

    fn prepare(mut self) -> Result<Prepared> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let inner = &self.client.inner;
        let mut url = inner.base_url.clone();
        let base_path_len = url.path().trim_end_matches('/').len();
        {
            let mut segments = url
                .path_segments_mut()
                .map_err(|()| Error::config("base_url", "cannot carry a path"))?;
            segments.pop_if_empty();
            for segment in self
                .operation
                .path
                .split('/')
                .filter(|segment| !segment.is_empty())
            {
                segments.push(fill_segment(segment, &self.path_params)?);
            }
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let mut headers = inner.default_headers.clone();
        headers.extend(self.headers);
        headers
            .entry(header::ACCEPT)
            .or_insert(HeaderValue::from_static("application/json"));
        let body = match self.body {
            Some((bytes, content_type)) => {
                headers.insert(header::CONTENT_TYPE, content_type);
                bytes
            }
            None => Bytes::new(),
        };
        Ok(Prepared {
            url,
            base_path_len,
            headers,
            body,
            idempotent: self.idempotent,
        })
    }
}

/// The value for one template segment: a literal, or a filled `{name}` placeholder.
fn fill_segment<'a>(segment: &'a str, params: &'a [(&'static str, String)]) -> Result<&'a str> {
    let Some(name) = segment
        .strip_prefix('{')
        .and_then(|rest| rest.strip_suffix('}'))
    else {
        return Ok(segment);
    };
    let value = params
        .iter()
        .rev()
        .find(|(param, _)| *param == name)
        .map(|(_, value)| value)
        .ok_or_else(|| Error::invalid_input(name, "missing path parameter"))?;
    if value.is_empty() || value == "." || value == ".." {
        return Err(Error::invalid_input(name, "must not be empty, `.` or `..`"));
    }
    Ok(value)
}

impl fmt::Debug for RequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("operation", &self.operation.name)
            .field("path", &self.operation.path)
            .field(
                "body_bytes",
                &self.body.as_ref().map(|(bytes, _)| bytes.len()),
            )
            .finish_non_exhaustive()
    }
}

/// A successful response, body fully read.
pub struct Response {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) rate_limit: Option<RateLimitInfo>,
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The rate-limit headers, when the server sent them.
    pub fn rate_limit(&self) -> Option<&RateLimitInfo> {
        self.rate_limit.as_ref()
    }

    /// Decodes the JSON body; on failure the error names the JSON path that failed.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        decode_json(self.operation, &self.body)
    }

    /// A hash of the body, used to spot a server returning the same page again.
    pub fn fingerprint(&self) -> u64 {
        fingerprint(&self.body)
    }
}

/// A fast, non-cryptographic 64-bit hash of `bytes`: four independent multiply-rotate
/// lanes over 32-byte blocks, then the tail. It only has to tell two pages apart, and it
/// runs over every byte of every listed page, so speed matters more than strength.
fn fingerprint(bytes: &[u8]) -> u64 {
    const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;
    let mix = |lane: u64, word: u64| (lane ^ word).wrapping_mul(MULTIPLIER).rotate_left(31);
    let word = |chunk: &[u8]| {
        let mut padded = [0u8; 8];
        padded[..chunk.len()].copy_from_slice(chunk);
        u64::from_le_bytes(padded)
    };
    let mut lanes = [bytes.len() as u64, 1, 2, 3];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, chunk) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            *lane = mix(*lane, word(chunk));
        }
    }
    let mut hash = lanes.iter().fold(0, |hash, &lane| mix(hash, lane));
    for chunk in blocks.remainder().chunks(8) {
        hash = mix(hash, word(chunk));
    }
    hash ^ (hash >> 32)
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Decodes JSON, reporting the path of the first value that did not fit.
///
/// The fast path checks the body is UTF-8 once and decodes it as text with plain
/// `serde_json` (no per-string check); only a body that fails is decoded again with path
/// tracking, so successful responses pay nothing for the better error.
pub fn decode_json<T: DeserializeOwned>(operation: &'static str, body: &[u8]) -> Result<T> {
    if let Ok(text) = std::str::from_utf8(body)
        && let Ok(value) = serde_json::from_str(text)
    {
        return Ok(value);
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => Ok(value),
        Err(error) => {
            let path = error.path().to_string();
            Err(Error::Decode {
                operation,
                path,
                message: error.into_inner().to_string(),
                body: body_snippet(body),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_and_encodes_path_segments() {
        let params = [("id", "a/b c".to_owned())];
        assert_eq!(fill_segment("users", &params).unwrap(), "users");
        assert_eq!(fill_segment("{id}", &params).unwrap(), "a/b c");
        assert!(
            matches!(fill_segment("{other}", &params), Err(Error::InvalidInput { field, .. }) if field == "other")
        );
        for bad in ["", ".", ".."] {
            assert!(
                fill_segment("{id}", &[("id", bad.to_owned())]).is_err(),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Item {
            #[allow(dead_code)]
            id: u64,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Page {
            #[allow(dead_code)]
            items: Vec<Item>,
        }
        let body = br#"{"items":[{"id":1},{"id":2},{"id":"three"}]}"#;
        let error = decode_json::<Page>("users.list", body).unwrap_err();
        match error {
            Error::Decode { path, body, .. } => {
                assert_eq!(path, "items[2].id");
                assert!(body.contains("three"));
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    #[test]
    fn decode_reads_text_and_refuses_invalid_utf8() {
        let value: Vec<String> = decode_json("x", "[\"Zoë\",\"a\\u00e9\"]".as_bytes()).unwrap();
        assert_eq!(value, ["Zoë", "aé"]);
        let error = decode_json::<Vec<String>>("x", b"[\"a\xff\"]").unwrap_err();
        assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    }

    #[test]
    fn fingerprint_tells_apart_bodies_that_differ_in_any_byte() {
        let body: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let base = fingerprint(&body);
        assert_eq!(base, fingerprint(&body.clone()));
        // Every position: each of the four lanes, every byte of a word, and the tail.
        for position in 0..body.len() {
            let mut changed = body.clone();
            changed[position] ^= 1;
            assert_ne!(fingerprint(&changed), base, "byte {position}");
        }
        // The length counts: a trailing zero byte is not the same body.
        let mut longer = body.clone();
        longer.push(0);
        assert_ne!(fingerprint(&longer), base);
        assert_ne!(fingerprint(b""), fingerprint(b"\0"));
    }
}
