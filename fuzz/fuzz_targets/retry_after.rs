//! `Retry-After` values and rate-limit headers, as a server may send them, through the
//! parser and the retry decision.

#![no_main]

use std::time::{Duration, SystemTime};

use arbitrary::Arbitrary;
use core_http::retry::{self, AttemptOutcome, Decision, RetryInput};
use core_http::{HeaderName, HeaderValue, RateLimitHeaders, ResetHeader, RetryPolicy, StatusCode};
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    retry_after: String,
    /// Seconds since the epoch the clock reads.
    now: u32,
    status: u16,
    attempt: u32,
    idempotent: bool,
    waited_ms: u32,
    jitter: f64,
    limit: String,
    remaining: String,
    reset: String,
}

fuzz_target!(|input: Input| {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::from(input.now));
    let wait = retry::parse_retry_after(&input.retry_after, now);
    if let Ok(seconds) = input.retry_after.trim().parse::<u64>() {
        assert_eq!(wait, Some(Duration::from_secs(seconds)));
    }

    let policy = RetryPolicy::default();
    let waited = Duration::from_millis(u64::from(input.waited_ms));
    if let Ok(status) = StatusCode::from_u16(input.status) {
        let decision = retry::decide(
            &policy,
            &RetryInput {
                attempt: input.attempt,
                idempotent: input.idempotent,
                outcome: AttemptOutcome::Status {
                    status,
                    retry_after: wait,
                },
                waited,
                jitter: input.jitter,
            },
        );
        if let Decision::RetryAfter(sleep) = decision {
            assert!(input.attempt < policy.max_attempts);
            assert!(waited.saturating_add(sleep) <= policy.max_total_wait);
            if let Some(asked) = wait {
                assert_eq!(sleep, asked, "the server's wait is used as is");
            }
        }
    }

    let mut headers = http::HeaderMap::new();
    for (name, value) in [
        ("x-ratelimit-limit", &input.limit),
        ("x-ratelimit-remaining", &input.remaining),
        ("x-ratelimit-reset", &input.reset),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    for kind in [ResetHeader::SecondsUntilReset, ResetHeader::WindowSeconds] {
        let names = RateLimitHeaders::new(
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            kind,
        );
        if let Some(info) = names.parse(&headers) {
            let _ = (info.wait_hint(), info.is_exhausted());
            let sent = headers
                .get("x-ratelimit-remaining")
                .and_then(|v| v.to_str().ok());
            if let Some(remaining) = sent.and_then(|v| v.trim().parse::<u64>().ok()) {
                assert_eq!(info.remaining, Some(remaining));
            }
        }
    }
});
