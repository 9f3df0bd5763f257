//! Rate-limit headers, read into one vendor-neutral shape.

use std::time::Duration;

use http::{HeaderMap, HeaderName};

/// What a response said about the caller's request quota.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimitInfo {
    /// Requests allowed per window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// Time until the quota is restored, when the vendor says.
    pub reset_after: Option<Duration>,
    /// Length of the (possibly rolling) window, when the vendor says.
    pub window: Option<Duration>,
}

impl RateLimitInfo {
    /// How long to wait for a fresh quota: the reset time if known, else the window length.
    pub fn wait_hint(&self) -> Option<Duration> {
        self.reset_after.or(self.window)
    }

    /// Whether the quota is used up.
    pub fn is_exhausted(&self) -> bool {
        self.remaining == Some(0)
    }
}

/// What the third header of a vendor's rate-limit triple means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetHeader {
    /// Seconds until the quota resets (Whaly's `X-RateLimit-Reset`).
    SecondsUntilReset,
    /// Length of the window in seconds (LogicMonitor's `X-Rate-Limit-Window`).
    WindowSeconds,
}

/// The names of a vendor's rate-limit headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitHeaders {
    limit: HeaderName,
    remaining: HeaderName,
    reset: HeaderName,
    reset_kind: ResetHeader,
}

impl Default for RateLimitHeaders {
    /// The common `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`
    /// (seconds until reset) triple.
    fn default() -> Self {
        Self::new(
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            ResetHeader::SecondsUntilReset,
        )
    }
}

impl RateLimitHeaders {
    /// Names the three headers (lower-case) and what the third one means.
    ///
    /// # Panics
    /// If a name is not a valid lower-case header name; names are compile-time constants.
    pub fn new(
        limit: &'static str,
        remaining: &'static str,
        reset: &'static str,
        reset_kind: ResetHeader,
    ) -> Self {
        Self {
            limit: HeaderName::from_static(limit),
            remaining: HeaderName::from_static(remaining),
            reset: HeaderName::from_static(reset),
            reset_kind,
        }
    }

    /// Reads the headers; `None` when none of them is present and well-formed.
    pub fn parse(&self, headers: &HeaderMap) -> Option<RateLimitInfo> {
        let number =
            |name: &HeaderName| headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok();
        let reset = number(&self.reset).map(Duration::from_secs);
        let info = RateLimitInfo {
            limit: number(&self.limit),
            remaining: number(&self.remaining),
            reset_after: reset.filter(|_| self.reset_kind == ResetHeader::SecondsUntilReset),
            window: reset.filter(|_| self.reset_kind == ResetHeader::WindowSeconds),
        };
        (info != RateLimitInfo::default()).then_some(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn reads_reset_as_seconds_until_reset() {
        let info = RateLimitHeaders::default()
            .parse(&headers(&[
                ("x-ratelimit-limit", "500"),
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", "42"),
            ]))
            .unwrap();
        assert_eq!(
            info,
            RateLimitInfo {
                limit: Some(500),
                remaining: Some(0),
                reset_after: Some(Duration::from_secs(42)),
                window: None
            }
        );
        assert!(info.is_exhausted());
        assert_eq!(info.wait_hint(), Some(Duration::from_secs(42)));
    }

    #[test]
    fn reads_window_length_headers() {
        let names = RateLimitHeaders::new(
            "x-rate-limit-limit",
            "x-rate-limit-remaining",
            "x-rate-limit-window",
            ResetHeader::WindowSeconds,
        );
        let info = names
            .parse(&headers(&[
                ("x-rate-limit-limit", "1000"),
                ("x-rate-limit-remaining", "998"),
                ("x-rate-limit-window", "60"),
            ]))
            .unwrap();
        assert_eq!(info.window, Some(Duration::from_secs(60)));
        assert_eq!(info.reset_after, None);
        assert!(!info.is_exhausted());
    }

    #[test]
    fn absent_or_malformed_headers_give_nothing() {
        assert_eq!(RateLimitHeaders::default().parse(&HeaderMap::new()), None);
        assert_eq!(
            RateLimitHeaders::default().parse(&headers(&[("x-ratelimit-remaining", "lots")])),
            None
        );
    }
}
