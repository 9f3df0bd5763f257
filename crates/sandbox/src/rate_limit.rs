//! Fixed-window rate limiting with configurable response headers.

use std::time::Duration;

use http::header::RETRY_AFTER;
use http::{HeaderMap, HeaderName, HeaderValue};
use tokio::time::Instant;

/// A fixed window of `limit` requests per `window`; see [`crate::Fault::rate_limit`].
///
/// The window opens at the first matching request. Requests beyond the
/// limit get `429 Too Many Requests` with `Retry-After` (whole seconds until
/// the window closes, at least 1) until the window has passed.
#[derive(Debug, Clone)]
pub struct RateLimit {
    limit: u32,
    window: Duration,
    headers: Option<RateLimitHeaders>,
}

impl RateLimit {
    /// `limit` requests per `window`, without limit headers.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            headers: None,
        }
    }

    /// Sends these limit headers on every matching response, allowed or not.
    #[must_use]
    pub fn headers(mut self, headers: RateLimitHeaders) -> Self {
        self.headers = Some(headers);
        self
    }

    /// Counts one request against `window` and decides whether it may pass.
    pub(crate) fn admit(&self, window: &mut Window, now: Instant) -> Admission {
        let opened = match window.opened {
            Some(opened) if now.duration_since(opened) < self.window => opened,
            _ => {
                *window = Window {
                    opened: Some(now),
                    used: 0,
                };
                now
            }
        };
        let resets_in = self.window.saturating_sub(now.duration_since(opened));
        if window.used < self.limit {
            window.used += 1;
            Admission {
                allowed: true,
                remaining: self.limit - window.used,
                resets_in,
            }
        } else {
            Admission {
                allowed: false,
                remaining: 0,
                resets_in,
            }
        }
    }

    /// The headers to send for `admission`.
    pub(crate) fn response_headers(&self, admission: &Admission) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(names) = &self.headers {
            headers.insert(names.limit.clone(), HeaderValue::from(self.limit));
            headers.insert(
                names.remaining.clone(),
                HeaderValue::from(admission.remaining),
            );
            let (name, value) = match &names.reset {
                ResetHeader::WindowLength(name) => (name, ceil_secs(self.window)),
                ResetHeader::SecondsUntilReset(name) => (name, ceil_secs(admission.resets_in)),
            };
            headers.insert(name.clone(), HeaderValue::from(value));
        }
        if !admission.allowed {
            headers.insert(
                RETRY_AFTER,
                HeaderValue::from(ceil_secs(admission.resets_in).max(1)),
            );
        }
        headers
    }
}

/// Names of the rate-limit headers, which differ between vendors.
#[derive(Debug, Clone)]
pub struct RateLimitHeaders {
    limit: HeaderName,
    remaining: HeaderName,
    reset: ResetHeader,
}

/// The third rate-limit header and what its value means.
#[derive(Debug, Clone)]
pub enum ResetHeader {
    /// The window length in seconds (for example `X-Rate-Limit-Window`).
    WindowLength(HeaderName),
    /// Seconds until the current window resets (for example `X-RateLimit-Reset`).
    SecondsUntilReset(HeaderName),
}

impl RateLimitHeaders {
    /// Custom header names.
    pub fn new(limit: HeaderName, remaining: HeaderName, reset: ResetHeader) -> Self {
        Self {
            limit,
            remaining,
            reset,
        }
    }

    /// `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
    /// `X-Rate-Limit-Window` (window length in seconds).
    pub fn window_length_style() -> Self {
        Self::new(
            HeaderName::from_static("x-rate-limit-limit"),
            HeaderName::from_static("x-rate-limit-remaining"),
            ResetHeader::WindowLength(HeaderName::from_static("x-rate-limit-window")),
        )
    }

    /// `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`
    /// (seconds until the window resets, not an epoch time).
    pub fn reset_seconds_style() -> Self {
        Self::new(
            HeaderName::from_static("x-ratelimit-limit"),
            HeaderName::from_static("x-ratelimit-remaining"),
            ResetHeader::SecondsUntilReset(HeaderName::from_static("x-ratelimit-reset")),
        )
    }
}

/// Where a rule's current window stands.
#[derive(Debug, Default)]
pub(crate) struct Window {
    opened: Option<Instant>,
    used: u32,
}

/// The decision for one request.
#[derive(Debug)]
pub(crate) struct Admission {
    pub(crate) allowed: bool,
    remaining: u32,
    resets_in: Duration,
}

/// Whole seconds, rounded up.
fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("<missing>")
    }

    #[test]
    fn allows_limit_requests_per_window_then_refuses() {
        let limit = RateLimit::new(2, Duration::from_secs(10));
        let mut window = Window::default();
        let start = Instant::now();
        assert!(limit.admit(&mut window, start).allowed);
        assert!(
            limit
                .admit(&mut window, start + Duration::from_secs(1))
                .allowed
        );
        let refused = limit.admit(&mut window, start + Duration::from_millis(2_500));
        assert!(!refused.allowed);
        let headers = limit.response_headers(&refused);
        assert_eq!(value(&headers, "retry-after"), "8");
        assert!(
            limit
                .admit(&mut window, start + Duration::from_secs(10))
                .allowed
        );
    }

    #[test]
    fn window_length_style_headers() {
        let limit = RateLimit::new(5, Duration::from_secs(60))
            .headers(RateLimitHeaders::window_length_style());
        let mut window = Window::default();
        let headers = limit.response_headers(&limit.admit(&mut window, Instant::now()));
        assert_eq!(value(&headers, "x-rate-limit-limit"), "5");
        assert_eq!(value(&headers, "x-rate-limit-remaining"), "4");
        assert_eq!(value(&headers, "x-rate-limit-window"), "60");
        assert!(headers.get(RETRY_AFTER).is_none());
    }

    #[test]
    fn reset_seconds_style_headers_count_down() {
        let limit = RateLimit::new(1, Duration::from_secs(30))
            .headers(RateLimitHeaders::reset_seconds_style());
        let mut window = Window::default();
        let start = Instant::now();
        limit.admit(&mut window, start);
        let refused = limit.admit(&mut window, start + Duration::from_secs(20));
        let headers = limit.response_headers(&refused);
        assert_eq!(value(&headers, "x-ratelimit-remaining"), "0");
        assert_eq!(value(&headers, "x-ratelimit-reset"), "10");
        assert_eq!(value(&headers, "retry-after"), "10");
    }

    #[test]
    fn seconds_round_up() {
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_secs(2)), 2);
        assert_eq!(ceil_secs(Duration::ZERO), 0);
    }
}
