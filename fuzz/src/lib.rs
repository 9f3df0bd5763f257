//! Checks shared by the fuzz targets: decoding a body the way the clients do, and what
//! must hold for any body a server may send.

use core_http::{ErrorDecoder, StatusCode};
use http::HeaderMap;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Statuses the error decoders are tried with.
const ERROR_STATUSES: [u16; 7] = [400, 401, 404, 417, 429, 440, 500];

/// Decodes `body` as `T` with [`core_http::decode_json`], as every client does, and checks
/// that a decoded value survives a JSON round trip: what it serializes to decodes again.
pub fn decode<T: DeserializeOwned + Serialize>(body: &[u8]) -> Option<T> {
    let value = core_http::decode_json::<T>("fuzz", body).ok()?;
    let json = serde_json::to_vec(&value).expect("a decoded value serializes");
    if let Err(error) = core_http::decode_json::<T>("fuzz", &json) {
        panic!(
            "{} does not decode its own JSON {}: {error}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&json)
        );
    }
    Some(value)
}

/// Runs an error decoder over `body` for the usual error statuses: whatever the body, it
/// must not panic (its contract is "must not fail").
pub fn decode_error(decoder: &dyn ErrorDecoder, body: &[u8]) {
    let headers = HeaderMap::new();
    for status in ERROR_STATUSES {
        let status = StatusCode::from_u16(status).expect("a valid status");
        let _ = decoder.decode(status, &headers, body);
    }
}

/// `body` as text, when it is UTF-8.
pub fn text(body: &[u8]) -> Option<&str> {
    std::str::from_utf8(body).ok()
}
