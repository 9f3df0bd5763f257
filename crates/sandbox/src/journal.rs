//! The request journal: what the sandbox received and how it answered.
//!
//! Every request is recorded as it arrives, before any fault or handler
//! runs, and completed with its status once the response head is decided.
//! Memory is bounded: only the most recent `capacity` entries are kept.
//! Entries hold exactly what was received (no redaction), so tests can
//! check credentials and signatures; only their `Debug` output is redacted.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, Method, StatusCode};

use crate::faults::FaultId;
use crate::redact::{RedactedHeaders, RedactedQuery};

/// The number of entries a journal keeps unless configured otherwise.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 100_000;

/// One received request and the sandbox's answer.
#[derive(Clone)]
#[non_exhaustive]
pub struct JournalEntry {
    /// Arrival order, starting at 0; never reused, not even after [`Journal::clear`].
    pub seq: u64,
    /// When the request (head and body) had been received.
    pub received_at: SystemTime,
    /// Request method.
    pub method: Method,
    /// Request path, without the query string.
    pub path: String,
    /// Raw query string (without `?`), if any.
    pub query: Option<String>,
    /// Request headers, exactly as received.
    pub headers: HeaderMap,
    /// Request body, exactly as received.
    pub body: Bytes,
    /// Status sent back; `None` while the request is in flight and when the
    /// connection was dropped before a response head was sent.
    pub status: Option<StatusCode>,
    /// The fault rule that matched this request, if any.
    pub fault: Option<FaultId>,
}

impl JournalEntry {
    /// The body as UTF-8 text, if it is valid UTF-8.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }

    /// The first value of header `name` as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl fmt::Debug for JournalEntry {
    /// Redacts credentials: values of headers and query parameters whose
    /// names contain `authorization`, `key`, `token`, `secret` (and a few
    /// more), and the body, which is shown by length only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalEntry")
            .field("seq", &self.seq)
            .field("received_at", &self.received_at)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query.as_deref().map(RedactedQuery))
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("status", &self.status)
            .field("fault", &self.fault)
            .finish()
    }
}

/// Shared, bounded record of received requests; cheap to clone.
#[derive(Clone)]
pub struct Journal {
    inner: Arc<Mutex<Entries>>,
}

struct Entries {
    kept: VecDeque<JournalEntry>,
    capacity: usize,
    next_seq: u64,
}

impl Journal {
    /// A journal that keeps the last `capacity` entries.
    pub(crate) fn new(capacity: usize) -> Self {
        let entries = Entries {
            kept: VecDeque::new(),
            capacity,
            next_seq: 0,
        };
        Self {
            inner: Arc::new(Mutex::new(entries)),
        }
    }

    /// Records a received request and returns its sequence number.
    pub(crate) fn record(&self, head: &Parts, body: Bytes) -> u64 {
        let mut entries = self.lock();
        let seq = entries.next_seq;
        entries.next_seq += 1;
        if entries.capacity == 0 {
            return seq;
        }
        if entries.kept.len() == entries.capacity {
            entries.kept.pop_front();
        }
        entries.kept.push_back(JournalEntry {
            seq,
            received_at: SystemTime::now(),
            method: head.method.clone(),
            path: head.uri.path().to_owned(),
            query: head.uri.query().map(str::to_owned),
            headers: head.headers.clone(),
            body,
            status: None,
            fault: None,
        });
        seq
    }

    /// Completes entry `seq` (if still kept) with the outcome.
    pub(crate) fn complete(&self, seq: u64, status: Option<StatusCode>, fault: Option<FaultId>) {
        let mut entries = self.lock();
        // Kept entries have consecutive sequence numbers, so the offset from
        // the oldest one is the position.
        let position = entries
            .kept
            .front()
            .and_then(|oldest| seq.checked_sub(oldest.seq))
            .and_then(|offset| usize::try_from(offset).ok());
        if let Some(entry) = position.and_then(|p| entries.kept.get_mut(p)) {
            entry.status = status;
            entry.fault = fault;
        }
    }

    /// A copy of the kept entries, oldest first.
    pub fn entries(&self) -> Vec<JournalEntry> {
        self.lock().kept.iter().cloned().collect()
    }

    /// The most recent entry.
    pub fn last(&self) -> Option<JournalEntry> {
        self.lock().kept.back().cloned()
    }

    /// Kept entries with this method and exactly this path, oldest first.
    pub fn matching(&self, method: &Method, path: &str) -> Vec<JournalEntry> {
        let entries = self.lock();
        entries
            .kept
            .iter()
            .filter(|e| e.method == method && e.path == path)
            .cloned()
            .collect()
    }

    /// How many kept entries have this method and exactly this path.
    pub fn count_matching(&self, method: &Method, path: &str) -> usize {
        let entries = self.lock();
        entries
            .kept
            .iter()
            .filter(|e| e.method == method && e.path == path)
            .count()
    }

    /// Number of kept entries.
    pub fn len(&self) -> usize {
        self.lock().kept.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.lock().kept.is_empty()
    }

    /// Maximum number of kept entries.
    pub fn capacity(&self) -> usize {
        self.lock().capacity
    }

    /// Number of requests received since start, including evicted and cleared ones.
    pub fn total_received(&self) -> u64 {
        self.lock().next_seq
    }

    /// Forgets all kept entries (sequence numbers keep counting).
    pub fn clear(&self) {
        self.lock().kept.clear();
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        self.inner.lock().expect("journal lock poisoned")
    }
}

impl fmt::Debug for Journal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entries = self.lock();
        f.debug_struct("Journal")
            .field("kept", &entries.kept.len())
            .field("capacity", &entries.capacity)
            .field("total_received", &entries.next_seq)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use http::{HeaderValue, Request};

    use super::*;

    fn head(method: Method, uri: &str) -> Parts {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .body(())
            .expect("valid request");
        request
            .headers_mut()
            .insert("authorization", HeaderValue::from_static("Bearer hunter2"));
        request
            .headers_mut()
            .insert("x-api-key", HeaderValue::from_static("k-123"));
        request.into_parts().0
    }

    #[test]
    fn keeps_only_the_most_recent_entries() {
        let journal = Journal::new(3);
        for i in 0..5 {
            journal.record(&head(Method::GET, &format!("/n/{i}")), Bytes::new());
        }
        let seqs: Vec<_> = journal.entries().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [2, 3, 4]);
        assert_eq!(journal.total_received(), 5);
    }

    #[test]
    fn completes_kept_entries_and_ignores_evicted_ones() {
        let journal = Journal::new(2);
        let first = journal.record(&head(Method::POST, "/a"), Bytes::new());
        let second = journal.record(&head(Method::POST, "/b"), Bytes::new());
        let third = journal.record(&head(Method::POST, "/c"), Bytes::new());
        journal.complete(first, Some(StatusCode::OK), None);
        journal.complete(third, Some(StatusCode::CREATED), None);
        let entries = journal.entries();
        assert_eq!(entries[0].seq, second);
        assert_eq!(entries[0].status, None);
        assert_eq!(entries[1].status, Some(StatusCode::CREATED));
    }

    #[test]
    fn zero_capacity_keeps_nothing_but_counts() {
        let journal = Journal::new(0);
        let seq = journal.record(&head(Method::GET, "/"), Bytes::new());
        journal.complete(seq, Some(StatusCode::OK), None);
        assert!(journal.is_empty());
        assert_eq!(journal.total_received(), 1);
    }

    #[test]
    fn records_everything_but_debug_redacts_credentials() {
        let journal = Journal::new(10);
        journal.record(
            &head(Method::PUT, "/u?api_key=abc&page=2"),
            Bytes::from_static(b"{\"password\":\"pw1\"}"),
        );
        let entry = journal.last().expect("one entry");
        assert_eq!(entry.header("authorization"), Some("Bearer hunter2"));
        assert_eq!(entry.query.as_deref(), Some("api_key=abc&page=2"));
        assert_eq!(entry.body_text(), Some("{\"password\":\"pw1\"}"));
        let shown = format!("{entry:?}");
        for secret in ["hunter2", "k-123", "abc", "pw1"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(shown.contains("page=2") && shown.contains("/u"), "{shown}");
    }
}
