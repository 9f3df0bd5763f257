//! Fault rules: what to do to which requests, settable at runtime.
//!
//! A [`Fault`] says what happens (a status, an HTML page, a delay, a dropped
//! connection, a truncated body, a rate limit), to which requests (any, or
//! by method and/or exact or prefix path) and how often (the next `n`
//! matching requests, or until removed). Rules are checked in the order
//! they were injected; the first one that matches a request applies to it,
//! and a rule whose count is used up disappears.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use tokio::time::Instant;

use crate::rate_limit::{RateLimit, Window};

/// Identifies an injected rule; returned by [`Faults::inject`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FaultId(u64);

impl fmt::Display for FaultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fault#{}", self.0)
    }
}

/// A fault rule: an action, the requests it targets and how often it fires.
///
/// Built with a constructor (the action) and refined with modifiers:
///
/// ```
/// use std::time::Duration;
/// use http::Method;
/// use portal_sandbox::Fault;
///
/// let fault = Fault::status(503)
///     .retry_after(2)
///     .on_method(Method::GET)
///     .on_path("/v1/users")
///     .times(3);
/// let slow = Fault::delay(Duration::from_millis(20)).on_path_prefix("/v1/");
/// # let _ = (fault, slow);
/// ```
///
/// Extra headers (including `Retry-After`) are added to every response the
/// rule produces; a body set with [`Fault::body`] or [`Fault::json_body`]
/// replaces the body of responses the sandbox writes itself (status, HTML
/// and rate-limit refusals).
#[derive(Debug, Clone)]
pub struct Fault {
    action: Action,
    delay: Duration,
    headers: HeaderMap,
    body: Bytes,
    target: Target,
    times: Option<u32>,
}

/// What a rule does to a matching request.
#[derive(Debug, Clone)]
enum Action {
    Respond(StatusCode),
    PassThrough,
    Disconnect,
    Truncate { keep: usize, framing: Framing },
    RateLimit(RateLimit),
}

/// How a truncated body announces its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// The full `Content-Length` of the untruncated body.
    ContentLength,
    /// `Transfer-Encoding: chunked`, cut before the final chunk.
    Chunked,
}

impl Fault {
    /// Answer with `status` (and an empty body) instead of the handler.
    ///
    /// # Panics
    /// If `status` is not a valid status code (100 to 999).
    pub fn status(status: u16) -> Self {
        Self::new(Action::Respond(valid_status(status)))
    }

    /// Answer with `status` and an HTML error page, as a proxy or load
    /// balancer in front of an API would.
    ///
    /// # Panics
    /// If `status` is not a valid status code (100 to 999).
    pub fn html(status: u16) -> Self {
        let status = valid_status(status);
        Self::new(Action::Respond(status))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )
            .body(html_page(&status_line(status)))
    }

    /// Wait `delay`, then let the handler answer normally.
    pub fn delay(delay: Duration) -> Self {
        Self::new(Action::PassThrough).with_delay(delay)
    }

    /// Close the connection without sending any response.
    pub fn drop_connection() -> Self {
        Self::new(Action::Disconnect)
    }

    /// Send the handler's response head (with its full `Content-Length`),
    /// then close the connection before any body byte.
    ///
    /// If the handler's body is empty, the head says `Transfer-Encoding:
    /// chunked` instead, so that the response is still visibly incomplete.
    pub fn drop_after_headers() -> Self {
        Self::truncate_body(0)
    }

    /// Send the handler's response head with the full `Content-Length`, then
    /// at most `keep` body bytes (always fewer than the full body), then
    /// close the connection.
    pub fn truncate_body(keep: usize) -> Self {
        Self::new(Action::Truncate {
            keep,
            framing: Framing::ContentLength,
        })
    }

    /// Like [`Fault::truncate_body`], but with `Transfer-Encoding: chunked`:
    /// the connection closes before the terminating chunk.
    pub fn truncate_body_chunked(keep: usize) -> Self {
        Self::new(Action::Truncate {
            keep,
            framing: Framing::Chunked,
        })
    }

    /// Let `limit` requests per window through and refuse the rest with 429.
    pub fn rate_limit(limit: RateLimit) -> Self {
        Self::new(Action::RateLimit(limit))
    }

    /// Adds `Retry-After: <seconds>` to the responses of this rule.
    #[must_use]
    pub fn retry_after(self, seconds: u64) -> Self {
        self.header(RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// Adds (or replaces) a header on the responses of this rule.
    #[must_use]
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// Sets the body of the responses the sandbox writes itself.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets a JSON body (and `Content-Type: application/json`).
    #[must_use]
    pub fn json_body(self, body: &serde_json::Value) -> Self {
        self.header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body.to_string())
    }

    /// Waits `delay` before acting (in addition to any other behaviour).
    #[must_use]
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Only requests with this method.
    #[must_use]
    pub fn on_method(mut self, method: Method) -> Self {
        self.target.method = Some(method);
        self
    }

    /// Only requests to exactly this path (no query string).
    #[must_use]
    pub fn on_path(mut self, path: impl Into<String>) -> Self {
        self.target.path = Some(PathMatch::Exact(path.into()));
        self
    }

    /// Only requests whose path starts with `prefix`.
    #[must_use]
    pub fn on_path_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.target.path = Some(PathMatch::Prefix(prefix.into()));
        self
    }

    /// Only the next `n` matching requests; by default the rule stays until removed.
    #[must_use]
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    fn new(action: Action) -> Self {
        Self {
            action,
            delay: Duration::ZERO,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            target: Target::default(),
            times: None,
        }
    }

    /// The plan for one matching request (rate limits count it).
    fn plan(&self, id: FaultId, window: &mut Window, now: Instant) -> Plan {
        let mut headers = HeaderMap::new();
        let step = match &self.action {
            Action::Respond(status) => Step::Respond {
                status: *status,
                body: self.body.clone(),
            },
            Action::PassThrough => Step::PassThrough,
            Action::Disconnect => Step::Disconnect,
            Action::Truncate { keep, framing } => Step::Truncate {
                keep: *keep,
                framing: *framing,
            },
            Action::RateLimit(limit) => {
                let admission = limit.admit(window, now);
                headers = limit.response_headers(&admission);
                if admission.allowed {
                    Step::PassThrough
                } else {
                    Step::Respond {
                        status: StatusCode::TOO_MANY_REQUESTS,
                        body: self.body.clone(),
                    }
                }
            }
        };
        headers.extend(self.headers.clone());
        Plan {
            id,
            delay: self.delay,
            step,
            headers,
        }
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, Default)]
struct Target {
    method: Option<Method>,
    path: Option<PathMatch>,
}

#[derive(Debug, Clone)]
enum PathMatch {
    Exact(String),
    Prefix(String),
}

impl Target {
    fn matches(&self, method: &Method, path: &str) -> bool {
        let method_ok = self.method.as_ref().is_none_or(|m| m == method);
        let path_ok = match &self.path {
            None => true,
            Some(PathMatch::Exact(exact)) => path == exact,
            Some(PathMatch::Prefix(prefix)) => path.starts_with(prefix.as_str()),
        };
        method_ok && path_ok
    }
}

/// What the server does with one request, decided by a matching rule.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The rule that matched.
    pub(crate) id: FaultId,
    /// Wait before acting.
    pub(crate) delay: Duration,
    /// The action.
    pub(crate) step: Step,
    /// Headers added to the response.
    pub(crate) headers: HeaderMap,
}

/// The action of a [`Plan`].
#[derive(Debug)]
pub(crate) enum Step {
    /// Answer with this status and body instead of the handler.
    Respond { status: StatusCode, body: Bytes },
    /// Let the handler answer.
    PassThrough,
    /// Close the connection without a response.
    Disconnect,
    /// Send the handler's head and at most `keep` body bytes, then close.
    Truncate { keep: usize, framing: Framing },
}

/// The runtime fault controls of a running sandbox; cheap to clone.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<Rules>>,
}

#[derive(Default)]
struct Rules {
    next_id: u64,
    active: Vec<Rule>,
}

struct Rule {
    id: FaultId,
    fault: Fault,
    remaining: Option<u32>,
    window: Window,
}

impl Faults {
    /// Adds a rule after the existing ones and returns its id.
    pub fn inject(&self, fault: Fault) -> FaultId {
        let mut rules = self.lock();
        let id = FaultId(rules.next_id);
        rules.next_id += 1;
        if fault.times != Some(0) {
            let remaining = fault.times;
            rules.active.push(Rule {
                id,
                fault,
                remaining,
                window: Window::default(),
            });
        }
        id
    }

    /// Removes a rule; `false` if it was not active (removed or used up).
    pub fn remove(&self, id: FaultId) -> bool {
        let mut rules = self.lock();
        let before = rules.active.len();
        rules.active.retain(|rule| rule.id != id);
        rules.active.len() != before
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().active.clear();
    }

    /// Whether a rule is still active.
    pub fn is_active(&self, id: FaultId) -> bool {
        self.lock().active.iter().any(|rule| rule.id == id)
    }

    /// Number of active rules.
    pub fn len(&self) -> usize {
        self.lock().active.len()
    }

    /// Whether no rule is active.
    pub fn is_empty(&self) -> bool {
        self.lock().active.is_empty()
    }

    /// Applies the first matching rule to a request, counting it.
    pub(crate) fn plan(&self, method: &Method, path: &str, now: Instant) -> Option<Plan> {
        let mut rules = self.lock();
        let position = rules
            .active
            .iter()
            .position(|rule| rule.fault.target.matches(method, path))?;
        let rule = &mut rules.active[position];
        let plan = rule.fault.plan(rule.id, &mut rule.window, now);
        if let Some(remaining) = &mut rule.remaining {
            *remaining -= 1;
            if *remaining == 0 {
                rules.active.remove(position);
            }
        }
        Some(plan)
    }

    fn lock(&self) -> MutexGuard<'_, Rules> {
        self.inner.lock().expect("fault rules lock poisoned")
    }
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rules = self.lock();
        let ids: Vec<_> = rules.active.iter().map(|rule| rule.id).collect();
        f.debug_struct("Faults").field("active", &ids).finish()
    }
}

fn valid_status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).expect("a status code between 100 and 999")
}

/// "503 Service Unavailable", or just the code if it has no reason phrase.
fn status_line(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn html_page(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n\
         <body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(faults: &Faults, method: &Method, path: &str) -> Option<Plan> {
        faults.plan(method, path, Instant::now())
    }

    #[test]
    fn targets_match_method_and_exact_or_prefix_path() {
        let any = Target::default();
        assert!(any.matches(&Method::DELETE, "/anything"));
        let exact = Fault::status(500)
            .on_method(Method::GET)
            .on_path("/v1/users")
            .target;
        assert!(exact.matches(&Method::GET, "/v1/users"));
        assert!(!exact.matches(&Method::POST, "/v1/users"));
        assert!(!exact.matches(&Method::GET, "/v1/users/7"));
        let prefix = Fault::status(500).on_path_prefix("/v1/").target;
        assert!(prefix.matches(&Method::PATCH, "/v1/users/7"));
        assert!(!prefix.matches(&Method::PATCH, "/v2/users"));
    }

    #[test]
    fn counted_rules_expire() {
        let faults = Faults::default();
        let id = faults.inject(Fault::status(503).times(2));
        assert!(plan(&faults, &Method::GET, "/").is_some());
        assert!(faults.is_active(id));
        assert!(plan(&faults, &Method::GET, "/").is_some());
        assert!(!faults.is_active(id));
        assert!(plan(&faults, &Method::GET, "/").is_none());
    }

    #[test]
    fn first_matching_rule_wins_and_rules_can_be_removed() {
        let faults = Faults::default();
        let first = faults.inject(Fault::status(500).on_path("/a"));
        let second = faults.inject(Fault::status(502));
        assert_eq!(plan(&faults, &Method::GET, "/a").map(|p| p.id), Some(first));
        assert_eq!(
            plan(&faults, &Method::GET, "/b").map(|p| p.id),
            Some(second)
        );
        assert!(faults.remove(first));
        assert!(!faults.remove(first));
        assert_eq!(
            plan(&faults, &Method::GET, "/a").map(|p| p.id),
            Some(second)
        );
        faults.clear();
        assert!(faults.is_empty());
    }

    #[test]
    fn zero_times_never_fires() {
        let faults = Faults::default();
        let id = faults.inject(Fault::status(500).times(0));
        assert!(!faults.is_active(id));
        assert!(plan(&faults, &Method::GET, "/").is_none());
    }

    #[test]
    fn status_plan_carries_headers_and_body() {
        let faults = Faults::default();
        faults.inject(Fault::status(503).retry_after(2).body("busy"));
        let plan = plan(&faults, &Method::GET, "/").expect("a plan");
        assert_eq!(
            plan.headers.get(RETRY_AFTER).map(HeaderValue::as_bytes),
            Some(&b"2"[..])
        );
        match plan.step {
            Step::Respond { status, body } => {
                assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
                assert_eq!(body, "busy");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn html_page_names_the_status() {
        let fault = Fault::html(502);
        assert!(
            std::str::from_utf8(&fault.body)
                .expect("utf-8")
                .contains("502 Bad Gateway")
        );
        assert_eq!(fault.headers[CONTENT_TYPE], "text/html; charset=utf-8");
    }

    #[test]
    fn fault_ids_display() {
        assert_eq!(FaultId(4).to_string(), "fault#4");
    }
}
