//! Paged listings as lazy streams of items.
//!
//! [`paginate`] drives any of the four paging styles the portals use. The vendor crate
//! supplies a closure that fetches one page for a [`PageRequest`] and reports what the
//! server said about the rest; the stream yields items one by one, keeps at most one page
//! in memory, sends nothing until polled, and stops on an empty page, a missing cursor or
//! the reported total. A server that repeats a cursor or returns the same page twice ends
//! the stream with [`Error::Pagination`] instead of looping, and so does an empty page
//! before the total or page count the server announced (the listing would otherwise end
//! early without a word).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;

use futures_util::Stream;
use futures_util::stream;

use crate::error::{Error, Result};

/// A stream of listed items, ending at the first error.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// How a listing is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagination {
    /// `offset` and `size` parameters with a `total` in the response (LogicMonitor).
    Offset {
        /// Items per page.
        size: u32,
    },
    /// An opaque `after` cursor with a `limit` (Whaly).
    Cursor {
        /// Items per page.
        limit: u32,
    },
    /// Page numbers with a page size, totals optional (ThreatLocker).
    PageNumber {
        /// Items per page.
        size: u32,
        /// The number of the first page (usually 1).
        first: u32,
    },
    /// Everything in one response (Allthenticate).
    Single,
}

/// The page to fetch next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// Skip `offset` items, return at most `size`.
    Offset {
        /// Items to skip.
        offset: u64,
        /// Items per page.
        size: u32,
    },
    /// Items after the cursor (`None` for the first page).
    Cursor {
        /// The cursor from the previous page.
        after: Option<String>,
        /// Items per page.
        limit: u32,
    },
    /// Page `page` of pages holding `size` items.
    PageNumber {
        /// The page number.
        page: u32,
        /// Items per page.
        size: u32,
    },
    /// The one and only request.
    Single,
}

/// One fetched page and what the server said about the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The total number of items, when reported (offset paging).
    pub total: Option<u64>,
    /// The cursor for the next page; absent or empty at the end (cursor paging).
    pub next_cursor: Option<String>,
    /// The number of pages, when reported (page-number paging).
    pub total_pages: Option<u64>,
    /// A hash of the raw response, to notice the same page coming back.
    pub fingerprint: Option<u64>,
}

impl<T> Page<T> {
    /// A page holding `items`, with nothing known about the rest.
    pub fn new(items: Vec<T>) -> Self {
        Self {
            items,
            total: None,
            next_cursor: None,
            total_pages: None,
            fingerprint: None,
        }
    }

    /// Sets the reported total of items.
    #[must_use]
    pub fn total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    /// Sets the cursor of the next page.
    #[must_use]
    pub fn next_cursor(mut self, cursor: Option<String>) -> Self {
        self.next_cursor = cursor;
        self
    }

    /// Sets the reported number of pages.
    #[must_use]
    pub fn total_pages(mut self, pages: Option<u64>) -> Self {
        self.total_pages = pages;
        self
    }

    /// Sets the fingerprint of the raw response (see [`Response::fingerprint`](crate::Response::fingerprint)).
    #[must_use]
    pub fn fingerprint(mut self, fingerprint: u64) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }
}

struct State<T, F> {
    operation: &'static str,
    strategy: Pagination,
    fetch: F,
    next: Option<PageRequest>,
    buffer: VecDeque<T>,
    seen_cursors: HashSet<String>,
    last_fingerprint: Option<u64>,
    /// The last `total` (items) and `total_pages` the server announced.
    announced: (Option<u64>, Option<u64>),
    /// An error to report once the items already fetched have been yielded.
    pending_error: Option<Error>,
}

/// Streams every item of a paged listing; see the [module docs](self).
pub fn paginate<T, F, Fut>(operation: &'static str, strategy: Pagination, fetch: F) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(PageRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send,
{
    let first = match strategy {
        Pagination::Offset { size } => PageRequest::Offset { offset: 0, size },
        Pagination::Cursor { limit } => PageRequest::Cursor { after: None, limit },
        Pagination::PageNumber { size, first } => PageRequest::PageNumber { page: first, size },
        Pagination::Single => PageRequest::Single,
    };
    let state = State {
        operation,
        strategy,
        fetch,
        next: Some(first),
        buffer: VecDeque::new(),
        seen_cursors: HashSet::new(),
        last_fingerprint: None,
        announced: (None, None),
        pending_error: None,
    };
    Box::pin(stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            if let Some(error) = state.pending_error.take() {
                return Some((Err(error), state));
            }
            let request = state.next.take()?;
            let page = match (state.fetch)(request.clone()).await {
                Ok(page) => page,
                Err(error) => return Some((Err(error), state)),
            };
            if page.fingerprint.is_some()
                && page.fingerprint == state.last_fingerprint
                && !page.items.is_empty()
            {
                // The items repeat the previous page's: report, do not yield them again.
                return Some((
                    Err(state.misbehaved("the server returned the same page twice")),
                    state,
                ));
            }
            state.last_fingerprint = page.fingerprint;
            match state.after(&request, &page) {
                Ok(next) => state.next = next,
                Err(error) => state.pending_error = Some(error),
            }
            state.buffer.extend(page.items);
        }
    }))
}

impl<T, F> State<T, F> {
    /// The request that follows `request`, given the page it returned; `None` at the end,
    /// an error when the server's paging information can not be trusted.
    fn after(&mut self, request: &PageRequest, page: &Page<T>) -> Result<Option<PageRequest>> {
        let total = page.total.or(self.announced.0);
        let pages = page.total_pages.or(self.announced.1);
        self.announced = (total, pages);
        if page.items.is_empty() {
            return self.check_end(request, total, pages);
        }
        let count = page.items.len() as u64;
        match (request, self.strategy) {
            (PageRequest::Offset { offset, size }, _) => {
                let offset = offset + count;
                Ok(
                    (page.total.is_none_or(|total| offset < total)).then_some(
                        PageRequest::Offset {
                            offset,
                            size: *size,
                        },
                    ),
                )
            }
            (PageRequest::Cursor { limit, .. }, _) => match page.next_cursor.as_deref() {
                None | Some("") => Ok(None),
                Some(cursor) if !self.seen_cursors.insert(cursor.to_owned()) => {
                    Err(self.misbehaved("the server repeated a cursor"))
                }
                Some(cursor) => Ok(Some(PageRequest::Cursor {
                    after: Some(cursor.to_owned()),
                    limit: *limit,
                })),
            },
            (
                PageRequest::PageNumber { page: number, size },
                Pagination::PageNumber { first, .. },
            ) => {
                let pages_seen = u64::from(number.saturating_sub(first)) + 1;
                let last = page.total_pages.is_some_and(|pages| pages_seen >= pages)
                    || count < u64::from(*size);
                if last {
                    return Ok(None);
                }
                match number.checked_add(1) {
                    Some(next) => Ok(Some(PageRequest::PageNumber {
                        page: next,
                        size: *size,
                    })),
                    None => Err(self.misbehaved("the page numbers ran out before the last page")),
                }
            }
            _ => Ok(None),
        }
    }

    /// An empty page ends the listing, unless the server announced more items (offset)
    /// or pages (page number) than were reached: then the listing stopped early, which is
    /// reported instead of passing for the end.
    fn check_end(
        &self,
        request: &PageRequest,
        total: Option<u64>,
        pages: Option<u64>,
    ) -> Result<Option<PageRequest>> {
        let early = match (request, self.strategy) {
            (PageRequest::Offset { offset, .. }, _) => total.is_some_and(|total| *offset < total),
            (PageRequest::PageNumber { page, .. }, Pagination::PageNumber { first, .. }) => {
                let reached = u64::from(page.saturating_sub(first)) + 1;
                pages.is_some_and(|pages| reached <= pages)
            }
            _ => false,
        };
        if early {
            Err(self.misbehaved("an empty page came before the end the server had announced"))
        } else {
            Ok(None)
        }
    }

    fn misbehaved(&self, reason: &str) -> Error {
        Error::Pagination {
            operation: self.operation,
            reason: reason.to_owned(),
        }
    }
}
