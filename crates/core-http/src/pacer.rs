//! Pacing requests to the quota the server reports, so bulk work does not run into 429s.
//!
//! One [`Pacer`] is shared by every clone of a client. Before each request a slot is
//! taken; the response's rate-limit headers then correct the count, net of requests still
//! in flight. When the quota is used up, callers wait for the reported reset (or window).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::clock::Clock;
use crate::rate_limit::RateLimitInfo;

/// Which requests share one quota.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RateLimitScope {
    /// One quota for every request of the client (Whaly).
    #[default]
    Client,
    /// One quota per operation (LogicMonitor counts per endpoint and method).
    Operation,
}

#[derive(Debug, Default)]
struct Bucket {
    limit: Option<u64>,
    /// Requests believed left, net of those in flight; `None` when unknown.
    remaining: Option<u64>,
    in_flight: u64,
    /// When the quota is exhausted: the time it is expected back.
    resume_at: Option<SystemTime>,
}

/// Shared pacing state: one bucket for the client, or one per operation.
#[derive(Debug, Default)]
pub(crate) struct Pacer {
    scope: RateLimitScope,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    client: Bucket,
    per_operation: HashMap<&'static str, Bucket>,
}

impl Buckets {
    /// The bucket for `key`: the client's when `None`.
    fn get(&mut self, key: Option<&'static str>) -> &mut Bucket {
        match key {
            None => &mut self.client,
            Some(operation) => self.per_operation.entry(operation).or_default(),
        }
    }
}

/// A request's share of the quota while it is in flight. Hand it back with
/// [`Slot::release`] once the response is in; dropping it (a cancelled request) releases
/// it without news from the server.
#[derive(Debug)]
pub(crate) struct Slot<'a> {
    pacer: &'a Pacer,
    clock: &'a dyn Clock,
    key: Option<&'static str>,
    released: bool,
}

impl Slot<'_> {
    /// Returns the slot; `info` is what the response said about the quota, if anything.
    pub(crate) fn release(mut self, info: Option<&RateLimitInfo>) {
        self.pacer.finish(self.key, info, self.clock.now());
        self.released = true;
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if !self.released {
            self.pacer.finish(self.key, None, self.clock.now());
        }
    }
}

impl Pacer {
    pub(crate) fn new(scope: RateLimitScope) -> Self {
        Self {
            scope,
            buckets: Mutex::default(),
        }
    }

    fn key(&self, operation: &'static str) -> Option<&'static str> {
        match self.scope {
            RateLimitScope::Client => None,
            RateLimitScope::Operation => Some(operation),
        }
    }

    /// Waits until the bucket has quota, then takes one request's worth of it.
    pub(crate) async fn acquire<'a>(
        &'a self,
        operation: &'static str,
        clock: &'a dyn Clock,
    ) -> Slot<'a> {
        let key = self.key(operation);
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().expect("pacer lock poisoned");
                let bucket = buckets.get(key);
                match bucket.wait(clock.now()) {
                    None => {
                        bucket.take();
                        return Slot {
                            pacer: self,
                            clock,
                            key,
                            released: false,
                        };
                    }
                    Some(wait) => wait,
                }
            };
            tracing::debug!(
                wait_ms = wait.as_millis(),
                "rate-limit quota used up; pacing"
            );
            clock.sleep(wait).await;
        }
    }

    fn finish(&self, key: Option<&'static str>, info: Option<&RateLimitInfo>, now: SystemTime) {
        let mut buckets = self.buckets.lock().expect("pacer lock poisoned");
        let bucket = buckets.get(key);
        bucket.in_flight = bucket.in_flight.saturating_sub(1);
        if let Some(info) = info {
            bucket.observe(info, now);
        }
    }
}

impl Bucket {
    /// How long to wait before a request may go, if at all.
    fn wait(&mut self, now: SystemTime) -> Option<Duration> {
        match self.resume_at {
            Some(at) if at > now => Some(at.duration_since(now).unwrap_or_default()),
            Some(_) => {
                // The window has turned: a fresh quota, as far as we know.
                self.resume_at = None;
                self.remaining = self.limit;
                None
            }
            None => None,
        }
    }

    fn take(&mut self) {
        self.in_flight += 1;
        self.remaining = self.remaining.map(|left| left.saturating_sub(1));
    }

    fn observe(&mut self, info: &RateLimitInfo, now: SystemTime) {
        if info.limit.is_some() {
            self.limit = info.limit;
        }
        let Some(reported) = info.remaining else {
            return;
        };
        let left = reported.saturating_sub(self.in_flight);
        self.remaining = Some(left);
        // A reset too far ahead to be a time is no reset the pacer can wait for.
        if left == 0
            && let Some(at) = info.wait_hint().and_then(|wait| now.checked_add(wait))
        {
            self.resume_at = Some(self.resume_at.map_or(at, |earlier| earlier.max(at)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn info(remaining: u64, reset: u64) -> RateLimitInfo {
        RateLimitInfo {
            limit: Some(10),
            remaining: Some(remaining),
            reset_after: Some(Duration::from_secs(reset)),
            window: None,
        }
    }

    #[tokio::test]
    async fn waits_for_the_reset_once_the_quota_is_used_up() {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(RateLimitScope::Client);
        let slot = pacer.acquire("op", &clock).await;
        slot.release(Some(&info(0, 5)));
        let slot = pacer.acquire("op", &clock).await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
        slot.release(None);
        // After the reset the full limit is available again without waiting.
        for _ in 0..10 {
            let slot = pacer.acquire("op", &clock).await;
            slot.release(None);
        }
        assert_eq!(clock.sleeps().len(), 1);
    }

    #[tokio::test]
    async fn counts_requests_in_flight_against_the_reported_quota() {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(RateLimitScope::Client);
        let first = pacer.acquire("op", &clock).await;
        let second = pacer.acquire("op", &clock).await;
        // The server saw the first request and reports one left; the second is still in flight.
        first.release(Some(&info(1, 3)));
        let third = pacer.acquire("op", &clock).await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(3)]);
        second.release(None);
        third.release(None);
    }

    #[tokio::test]
    async fn operation_scope_keeps_quotas_apart() {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(RateLimitScope::Operation);
        let slot = pacer.acquire("a", &clock).await;
        slot.release(Some(&info(0, 5)));
        let other = pacer.acquire("b", &clock).await;
        assert!(clock.sleeps().is_empty());
        other.release(None);
        let again = pacer.acquire("a", &clock).await;
        assert_eq!(clock.sleeps(), vec![Duration::from_secs(5)]);
        again.release(None);
    }

    #[tokio::test]
    async fn a_reset_beyond_any_time_is_not_waited_for() {
        // `now + wait` panicked on `X-RateLimit-Reset: 18446744073709551615`.
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(RateLimitScope::Client);
        let slot = pacer.acquire("op", &clock).await;
        slot.release(Some(&info(0, u64::MAX)));
        let slot = pacer.acquire("op", &clock).await;
        slot.release(None);
        assert!(clock.sleeps().is_empty());
    }

    #[tokio::test]
    async fn unknown_quota_never_blocks() {
        let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
        let pacer = Pacer::new(RateLimitScope::Client);
        let slot = pacer.acquire("op", &clock).await;
        let exhausted_without_reset = RateLimitInfo {
            remaining: Some(0),
            ..RateLimitInfo::default()
        };
        slot.release(Some(&exhausted_without_reset));
        let slot = pacer.acquire("op", &clock).await;
        slot.release(None);
        assert!(clock.sleeps().is_empty());
    }
}
