//! Authentication: bearer tokens and LMv1 signatures.

use std::time::SystemTime;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::{HeaderMap, Method, header};
use sha2::Sha256;

use super::{Fail, error};
use crate::logicmonitor::store::{STATUS_ACTIVE, Token};
use crate::logicmonitor::{LMV1_MAX_SKEW, LogicMonitorSim, read};
use crate::time::epoch_millis;

pub(super) fn authenticate(
    lm: &LogicMonitorSim,
    method: &Method,
    path: &str,
    body: &[u8],
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(), Fail> {
    let denied = |why: &str| Err(error(401, format!("Authentication failed: {why}")));
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return denied("no Authorization header");
    };
    let store = read(&lm.inner.store);
    let usable = |token: &Token| {
        token.status == 2
            && store.user_index(token.admin_id).is_some_and(|i| {
                !store.choices.reject_suspended_owner_tokens
                    || store.users[i].status == STATUS_ACTIVE
            })
    };
    if let Some(bearer) = value.strip_prefix("Bearer ") {
        let found = store.tokens.iter().any(|t| {
            t.bearer && usable(t) && constant_eq(t.access_key.as_bytes(), bearer.trim().as_bytes())
        });
        return if found {
            Ok(())
        } else {
            denied("unknown bearer token")
        };
    }
    let Some(lmv1) = value.strip_prefix("LMv1 ") else {
        return denied("unsupported scheme");
    };
    let mut parts = lmv1.splitn(3, ':');
    let (Some(access_id), Some(signature), Some(millis)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return denied("malformed LMv1 header");
    };
    let Ok(millis) = millis.trim().parse::<u64>() else {
        return denied("malformed timestamp");
    };
    let now_millis = u64::try_from(epoch_millis(now)).unwrap_or(0);
    let skew = u64::try_from(LMV1_MAX_SKEW.as_millis()).unwrap_or(u64::MAX);
    if now_millis.abs_diff(millis) > skew {
        return denied("timestamp outside the allowed window");
    }
    let Some(token) = store
        .tokens
        .iter()
        .find(|t| !t.bearer && t.access_id == access_id && usable(t))
    else {
        return denied("unknown access id");
    };
    let expected = sign(&token.access_key, method.as_str(), millis, body, path);
    if constant_eq(expected.as_bytes(), signature.as_bytes()) {
        Ok(())
    } else {
        denied("signature mismatch")
    }
}

/// `base64(hex(HMAC-SHA256(key, VERB + millis + body + path)))`.
pub(crate) fn sign(key: &str, method: &str, millis: u64, body: &[u8], path: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(method.as_bytes());
    mac.update(millis.to_string().as_bytes());
    mac.update(body);
    mac.update(path.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in mac.finalize().into_bytes() {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    base64::engine::general_purpose::STANDARD.encode(hex)
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Zx9(3Lp~Q^72=vK{8)sT+mN4[bH]eW5!yR6_uA";

    #[test]
    fn signatures_match_the_reference_vectors() {
        let cases = [
            (
                "GET",
                "/setting/admins",
                "",
                "OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ==",
            ),
            (
                "PATCH",
                "/setting/admins/42",
                r#"{"status":"suspended","adminGroupIds":[9]}"#,
                "MjBkM2M0NzJjMGYxYmNiM2JlYzliZjFjZDVkZDQyNjI2YWRlYmMyMzBmMzU5NWQyNDA5M2MwNTJmOTFkNDcyZg==",
            ),
            (
                "DELETE",
                "/setting/admins/42",
                "{}",
                "OGZjYmM1ODBhZjRiOTZkODgzNmZhMWRjMTg3NTIwM2QyYWRkN2JjMDA0MjBkNDMzOGQ5OTgwZjRhNDJhMGU4YQ==",
            ),
            (
                "POST",
                "/setting/admin/groups",
                r#"{"name":"Suspended","description":"inactive users"}"#,
                "NTEzNGFhOTVhZTRmZTBkZjNmZWM2NWE2M2E5YWIyMzc4YzhmMTExZTFhZGYwMzcwNTQ2MzQxMjY2MzViYzRiNA==",
            ),
        ];
        for (method, path, body, expected) in cases {
            assert_eq!(
                sign(KEY, method, 1_700_000_000_000, body.as_bytes(), path),
                expected
            );
        }
    }
}
