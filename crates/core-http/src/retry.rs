//! When to send a failed request again, and how long to wait first.
//!
//! [`decide`] is a pure function of the policy and what happened, so every rule is
//! unit-tested without a server or a clock; the client's send loop only carries it out.

use std::time::{Duration, SystemTime};

use http::StatusCode;

/// Limits on retrying one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included. `1` disables retries.
    pub max_attempts: u32,
    /// Back-off ceiling for the first retry; doubled for each later one.
    pub base_delay: Duration,
    /// Ceiling for any computed back-off (not for a server's `Retry-After`).
    pub max_delay: Duration,
    /// The most this call may spend sleeping between attempts. A server asking for a
    /// longer wait ends the call at once instead of sleeping.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    /// Four attempts, back-off from 250 ms up to 10 s, at most 60 s of waiting.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(10),
            max_total_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
}

/// How one attempt ended, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The server answered with this non-success status.
    Status {
        /// The status received.
        status: StatusCode,
        /// The wait the server asked for (`Retry-After`, or a rate-limit reset header).
        retry_after: Option<Duration>,
    },
    /// No connection was made, so the server cannot have seen the request.
    ConnectFailed,
    /// The request was sent but no complete response came in time.
    TimedOut,
    /// The connection failed after the request may have been sent.
    ConnectionLost,
}

/// Everything [`decide`] looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryInput {
    /// Attempts made so far, this one included (1 after the first attempt).
    pub attempt: u32,
    /// Whether the operation may safely be repeated.
    pub idempotent: bool,
    /// How the attempt ended.
    pub outcome: AttemptOutcome,
    /// Time already spent sleeping between earlier attempts of this call.
    pub waited: Duration,
    /// A uniform random number in `[0, 1)` for full jitter.
    pub jitter: f64,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Sleep this long, then try again.
    RetryAfter(Duration),
    /// Return the error to the caller.
    GiveUp,
}

/// Whether a status is worth retrying for an idempotent request.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// Decides whether to retry and how long to wait.
///
/// - Retried whatever the method: 429 and connection failures, because the server did not act.
/// - Retried only when idempotent: 500, 502, 503, 504, timeouts and connections lost mid-request.
/// - A server-given wait is used as is; otherwise the wait is full jitter over an
///   exponential ceiling (`base_delay · 2^(attempt-1)`, at most `max_delay`).
/// - No retry past `max_attempts`, nor when the wait would exceed `max_total_wait`.
pub fn decide(policy: &RetryPolicy, input: &RetryInput) -> Decision {
    let (retryable, server_wait) = match input.outcome {
        AttemptOutcome::Status {
            status,
            retry_after,
        } => {
            let retryable = status == StatusCode::TOO_MANY_REQUESTS
                || (input.idempotent && is_retryable_status(status));
            (retryable, retry_after)
        }
        AttemptOutcome::ConnectFailed => (true, None),
        AttemptOutcome::TimedOut | AttemptOutcome::ConnectionLost => (input.idempotent, None),
    };
    if !retryable || input.attempt >= policy.max_attempts {
        return Decision::GiveUp;
    }
    let wait = server_wait.unwrap_or_else(|| backoff(policy, input.attempt, input.jitter));
    if input.waited.saturating_add(wait) > policy.max_total_wait {
        return Decision::GiveUp;
    }
    Decision::RetryAfter(wait)
}

fn backoff(policy: &RetryPolicy, attempt: u32, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(30);
    let ceiling = policy
        .base_delay
        .saturating_mul(1 << doublings)
        .min(policy.max_delay);
    // `clamp` keeps NaN, which `mul_f64` refuses: no usable jitter means no wait.
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    ceiling.mul_f64(jitter)
}

/// Reads a `Retry-After` value: delay seconds, or an HTTP date compared with `now`.
/// A date in the past means no wait. Anything else is ignored.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(outcome: AttemptOutcome, idempotent: bool) -> RetryInput {
        RetryInput {
            attempt: 1,
            idempotent,
            outcome,
            waited: Duration::ZERO,
            jitter: 0.5,
        }
    }

    fn status(code: u16) -> AttemptOutcome {
        AttemptOutcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        }
    }

    #[test]
    fn idempotent_requests_retry_server_errors_and_lost_connections() {
        let policy = RetryPolicy::default();
        for outcome in [
            status(500),
            status(502),
            status(503),
            status(504),
            status(429),
            AttemptOutcome::TimedOut,
            AttemptOutcome::ConnectionLost,
            AttemptOutcome::ConnectFailed,
        ] {
            assert!(
                matches!(
                    decide(&policy, &input(outcome, true)),
                    Decision::RetryAfter(_)
                ),
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn non_idempotent_requests_retry_only_when_the_server_did_not_act() {
        let policy = RetryPolicy::default();
        for outcome in [status(429), AttemptOutcome::ConnectFailed] {
            assert!(
                matches!(
                    decide(&policy, &input(outcome, false)),
                    Decision::RetryAfter(_)
                ),
                "{outcome:?}"
            );
        }
        for outcome in [
            status(500),
            status(502),
            status(503),
            status(504),
            AttemptOutcome::TimedOut,
            AttemptOutcome::ConnectionLost,
        ] {
            assert_eq!(
                decide(&policy, &input(outcome, false)),
                Decision::GiveUp,
                "{outcome:?}"
            );
        }
    }

    #[test]
    fn client_errors_are_never_retried() {
        let policy = RetryPolicy::default();
        for code in [400, 401, 403, 404, 409, 417, 440] {
            assert_eq!(
                decide(&policy, &input(status(code), true)),
                Decision::GiveUp,
                "{code}"
            );
        }
    }

    #[test]
    fn a_jitter_that_is_not_a_number_means_no_wait() {
        // Found by fuzzing: `mul_f64(NaN)` panicked.
        let mut next = input(status(503), true);
        next.jitter = f64::NAN;
        assert_eq!(
            decide(&RetryPolicy::default(), &next),
            Decision::RetryAfter(Duration::ZERO)
        );
        next.jitter = f64::INFINITY;
        assert_eq!(
            decide(&RetryPolicy::default(), &next),
            Decision::RetryAfter(Duration::from_millis(250))
        );
    }

    #[test]
    fn attempts_are_capped() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let mut next = input(status(503), true);
        next.attempt = 2;
        assert!(matches!(decide(&policy, &next), Decision::RetryAfter(_)));
        next.attempt = 3;
        assert_eq!(decide(&policy, &next), Decision::GiveUp);
        assert_eq!(
            decide(&RetryPolicy::none(), &input(status(503), true)),
            Decision::GiveUp
        );
    }

    #[test]
    fn server_wait_is_honoured_and_capped_by_the_total_budget() {
        let policy = RetryPolicy {
            max_total_wait: Duration::from_secs(30),
            ..RetryPolicy::default()
        };
        let asked = |secs| AttemptOutcome::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            decide(&policy, &input(asked(2), false)),
            Decision::RetryAfter(Duration::from_secs(2))
        );
        assert_eq!(decide(&policy, &input(asked(31), false)), Decision::GiveUp);
        let mut late = input(asked(10), false);
        late.waited = Duration::from_secs(25);
        assert_eq!(decide(&policy, &late), Decision::GiveUp);
    }

    #[test]
    fn backoff_is_full_jitter_over_a_doubling_ceiling() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            max_total_wait: Duration::from_secs(60),
        };
        let wait = |attempt, jitter| {
            let next = RetryInput {
                attempt,
                idempotent: true,
                outcome: status(503),
                waited: Duration::ZERO,
                jitter,
            };
            match decide(&policy, &next) {
                Decision::RetryAfter(wait) => wait,
                Decision::GiveUp => panic!("expected a retry"),
            }
        };
        assert_eq!(
            wait(1, 0.999_999),
            Duration::from_millis(100).mul_f64(0.999_999)
        );
        assert_eq!(wait(2, 0.5), Duration::from_millis(100));
        assert_eq!(wait(3, 0.5), Duration::from_millis(200));
        assert_eq!(
            wait(5, 0.5),
            Duration::from_millis(350),
            "ceiling capped at max_delay"
        );
        assert_eq!(wait(3, 0.0), Duration::ZERO);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(7)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
