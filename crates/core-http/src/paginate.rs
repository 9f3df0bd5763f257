//! Paged listings as lazy streams of items.
//!
//! [`paginate`] drives any of the four paging styles the portals use, from the first page
//! request the caller chooses ([`PageRequest`]: an offset, a cursor, a page number, or the
//! one request of a single-response listing). The vendor crate supplies a closure that
//! fetches one page for a [`PageRequest`] and reports what the server said about the rest
//! as it said it: totals are absolute (all items from offset 0, all pages from page 1),
//! whatever page the listing started at. The stream yields items one by one, keeps at most
//! one page in memory (two when reading ahead), sends nothing until polled, and stops on an
//! empty page, a missing cursor or the reported total. A server that repeats a cursor or
//! returns the same page twice ends the stream with [`Error::Pagination`] instead of
//! looping, and so does an empty page before the total or page count the server announced
//! (the listing would otherwise end early without a word), unless the caller chose
//! [`EarlyEnd::Stop`] through [`paginate_with`]: then the stream ends with what it has,
//! logs a warning and records the [`Shortfall`] where the caller can read it.
//!
//! Offset paging can read ahead ([`PagingOptions::read_ahead`]): while one page is
//! fetched and decoded, the request for the page after it is already out, so the server
//! prepares page *n + 1* while the client decodes page *n*. The next offset is only
//! certain once a page is counted, so the request ahead assumes a full page and is only
//! sent when the server's reported total says that page exists; when the page in hand
//! turns out short, the page read ahead is dropped unused and the right one fetched. A
//! listing whose total is not yet known (the first page) never reads ahead, so a
//! one-page listing sends one request.

use std::collections::HashSet;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;

use futures_util::future::{MaybeDone, maybe_done};
use futures_util::{Stream, TryStreamExt, stream};

use crate::error::{Error, Result};

/// A stream of listed items, ending at the first error.
pub type ItemStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send>>;

/// The page to fetch: the first one, chosen by the caller, then each next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// Skip `offset` items, return at most `size`; the server reports the `total` of
    /// items (LogicMonitor).
    Offset {
        /// Items to skip.
        offset: u64,
        /// Items per page.
        size: u32,
    },
    /// Items after the cursor (`None` for the first page); the server reports the next
    /// cursor (Whaly).
    Cursor {
        /// The cursor from the previous page.
        after: Option<String>,
        /// Items per page.
        limit: u32,
    },
    /// Page `page` of pages holding `size` items, counted from 1; the server may report
    /// the number of pages (ThreatLocker).
    PageNumber {
        /// The page number, from 1.
        page: u32,
        /// Items per page.
        size: u32,
    },
    /// The one and only request: everything in one response (Allthenticate).
    Single,
}

impl PageRequest {
    /// The first page: `size` items from offset 0.
    pub fn offset(size: u32) -> Self {
        Self::Offset { offset: 0, size }
    }

    /// The first page: `limit` items from the start.
    pub fn cursor(limit: u32) -> Self {
        Self::Cursor { after: None, limit }
    }

    /// The first page: page 1 of pages holding `size` items.
    pub fn page_number(size: u32) -> Self {
        Self::PageNumber { page: 1, size }
    }
}

/// How [`paginate_with`] streams a listing; the default is [`paginate`]'s.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct PagingOptions {
    read_ahead: bool,
    early_end: EarlyEnd,
}

impl PagingOptions {
    /// Offset paging only: request the next page while this one is fetched and decoded
    /// (see the [module docs](self)): at most two requests in flight. Default: off.
    pub fn read_ahead(mut self, read_ahead: bool) -> Self {
        self.read_ahead = read_ahead;
        self
    }

    /// What an empty page before the end the server announced does. Default:
    /// [`EarlyEnd::Fail`].
    pub fn early_end(mut self, early_end: EarlyEnd) -> Self {
        self.early_end = early_end;
        self
    }
}

/// One fetched page and what the server said about the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The total number of items in the listing from offset 0, when reported (offset
    /// paging; page-number paging may report it too).
    pub total: Option<u64>,
    /// The cursor for the next page; absent or empty at the end (cursor paging).
    pub next_cursor: Option<String>,
    /// The number of pages in the listing from page 1, when reported (page-number paging).
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

    /// The request for the page after this one, which `request` fetched; `None` when
    /// this page is the last: it is empty, the total or page count is reached, the cursor
    /// is gone, or a page-numbered page came back short. [`paginate`] follows the same rule.
    pub fn next_request(&self, request: &PageRequest) -> Option<PageRequest> {
        self.follows(request).ok().flatten()
    }

    /// [`next_request`](Self::next_request), or why no next page can be asked for though
    /// one should follow.
    fn follows(
        &self,
        request: &PageRequest,
    ) -> std::result::Result<Option<PageRequest>, &'static str> {
        if self.items.is_empty() {
            return Ok(None);
        }
        let count = self.items.len() as u64;
        Ok(match request {
            PageRequest::Offset { offset, size } => {
                let offset = offset.saturating_add(count);
                self.total
                    .is_none_or(|total| offset < total)
                    .then_some(PageRequest::Offset {
                        offset,
                        size: *size,
                    })
            }
            PageRequest::Cursor { limit, .. } => self
                .next_cursor
                .as_ref()
                .filter(|cursor| !cursor.is_empty())
                .map(|cursor| PageRequest::Cursor {
                    after: Some(cursor.clone()),
                    limit: *limit,
                }),
            PageRequest::PageNumber { page, size } => {
                let last = self
                    .total_pages
                    .is_some_and(|pages| u64::from(*page) >= pages)
                    || count < u64::from(*size);
                if last {
                    return Ok(None);
                }
                let next = page
                    .checked_add(1)
                    .ok_or("the page numbers ran out before the last page")?;
                Some(PageRequest::PageNumber {
                    page: next,
                    size: *size,
                })
            }
            PageRequest::Single => None,
        })
    }
}

/// A page iterates over its items.
impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// What an empty page before the end the server announced does to a listing.
#[derive(Debug, Clone, Default)]
pub enum EarlyEnd {
    /// End the stream with [`Error::Pagination`] (the default of [`paginate`]).
    #[default]
    Fail,
    /// End the stream cleanly with the items it has, log a warning and record the
    /// [`Shortfall`] in the handle (for servers whose totals can overcount, such as a
    /// total that includes items the caller may not see).
    Stop(ShortListing),
}

/// Where a listing run with [`EarlyEnd::Stop`] records that it ended early; clones share
/// the record.
#[derive(Debug, Clone, Default)]
pub struct ShortListing(Arc<Mutex<Option<Shortfall>>>);

impl ShortListing {
    /// A handle with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// How the listing fell short, once it has ended early; `None` while it has not.
    pub fn shortfall(&self) -> Option<Shortfall> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, shortfall: Shortfall) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(shortfall);
    }
}

/// A listing that ended on an empty page before the end the server had announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortfall {
    /// The items the listing returned.
    pub returned: u64,
    /// The total number of items the server announced (from offset 0, whatever offset
    /// the listing started at), when it announced one.
    pub announced_items: Option<u64>,
    /// The number of pages the server announced (from page 1), when it announced one.
    pub announced_pages: Option<u64>,
}

/// A page request sent ahead of its turn, and its (possibly finished) fetch.
type Ahead<Fut> = (PageRequest, Pin<Box<MaybeDone<Fut>>>);

struct State<F, Fut: Future> {
    operation: &'static str,
    read_ahead: bool,
    fetch: F,
    next: Option<PageRequest>,
    seen_cursors: HashSet<String>,
    last_fingerprint: Option<u64>,
    /// The last `total` (items) and `total_pages` the server announced.
    announced: (Option<u64>, Option<u64>),
    /// An error to report once the items already fetched have been yielded.
    pending_error: Option<Error>,
    /// The page requested ahead (offset paging with `read_ahead`).
    ahead: Option<Ahead<Fut>>,
    /// What an empty page before the announced end does.
    early_end: EarlyEnd,
    /// The items the pages so far held.
    returned: u64,
}

/// Streams every item of a paged listing from the `first` page on, one page at a time;
/// see the [module docs](self). An empty page before the announced end is an error
/// ([`EarlyEnd::Fail`]).
pub fn paginate<T, F, Fut>(operation: &'static str, first: PageRequest, fetch: F) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(PageRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    paginate_with(operation, first, PagingOptions::default(), fetch)
}

/// [`paginate`], with [`PagingOptions`]: reading ahead, and what an empty page before
/// the announced end does.
pub fn paginate_with<T, F, Fut>(
    operation: &'static str,
    first: PageRequest,
    options: PagingOptions,
    fetch: F,
) -> ItemStream<T>
where
    T: Send + 'static,
    F: FnMut(PageRequest) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>>> + Send + 'static,
{
    let PagingOptions {
        read_ahead,
        early_end,
    } = options;
    let state = State {
        operation,
        read_ahead,
        fetch,
        next: Some(first),
        seen_cursors: HashSet::new(),
        last_fingerprint: None,
        announced: (None, None),
        pending_error: None,
        ahead: None,
        early_end,
        returned: 0,
    };
    // The engine works page by page; items are then handed out straight from each page,
    // so the paging state is not moved around once per item.
    let pages = stream::unfold(state, |mut state| async move {
        if let Some(error) = state.pending_error.take() {
            return Some((Err(error), state));
        }
        let request = state.next.take()?;
        let page = match state.fetch_page(&request).await {
            Ok(page) => page,
            Err(error) => {
                state.ahead = None;
                return Some((Err(error), state));
            }
        };
        if page.fingerprint.is_some()
            && page.fingerprint == state.last_fingerprint
            && !page.items.is_empty()
        {
            // The items repeat the previous page's: report, do not yield them again.
            state.ahead = None;
            let error = state.misbehaved("the server returned the same page twice");
            return Some((Err(error), state));
        }
        state.last_fingerprint = page.fingerprint;
        state.returned += page.items.len() as u64;
        match state.after(&request, &page) {
            Ok(next) => state.next = next,
            Err(error) => state.pending_error = Some(error),
        }
        if state.ahead.as_ref().map(|(ahead, _)| ahead) != state.next.as_ref() {
            // Read ahead on a guess the page in hand proved wrong: not needed.
            state.ahead = None;
        }
        Some((Ok(page.items), state))
    });
    Box::pin(
        pages
            .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
            .try_flatten(),
    )
}

impl<T, F, Fut> State<F, Fut>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    /// Fetches the page for `request`, taking it from the read-ahead when it was sent
    /// already, and sends the request for the page after it when reading ahead.
    async fn fetch_page(&mut self, request: &PageRequest) -> Result<Page<T>> {
        let mut current = match self.ahead.take() {
            Some((ahead, fetch)) if ahead == *request => fetch,
            _ => Box::pin(maybe_done((self.fetch)(request.clone()))),
        };
        if let Some(next) = self.request_ahead(request) {
            let mut fetch = Box::pin(maybe_done((self.fetch)(next.clone())));
            // Poll it once, then let the runtime write it out before this task goes on to
            // decode the current page: the server works on it meanwhile.
            poll_fn(|cx| {
                let _ = fetch.as_mut().poll(cx);
                Poll::Ready(())
            })
            .await;
            tokio::task::yield_now().await;
            self.ahead = Some((next, fetch));
        }
        let mut ahead = self.ahead.as_mut().map(|(_, fetch)| fetch.as_mut());
        poll_fn(|cx| {
            if let Some(ahead) = ahead.as_mut() {
                let _ = ahead.as_mut().poll(cx);
            }
            match current.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(
                    current
                        .as_mut()
                        .take_output()
                        .expect("a finished fetch holds its page"),
                ),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }

    /// The page after `request`, when reading ahead and the server's total says that
    /// page exists if `request`'s page comes back full.
    fn request_ahead(&self, request: &PageRequest) -> Option<PageRequest> {
        let PageRequest::Offset { offset, size } = request else {
            return None;
        };
        if !self.read_ahead {
            return None;
        }
        let offset = offset.checked_add(u64::from(*size))?;
        let total = self.announced.0?;
        (offset < total).then_some(PageRequest::Offset {
            offset,
            size: *size,
        })
    }
}

impl<F, Fut: Future> State<F, Fut> {
    /// The request that follows `request`, given the page it returned; `None` at the end,
    /// an error when the server's paging information can not be trusted.
    fn after<T>(&mut self, request: &PageRequest, page: &Page<T>) -> Result<Option<PageRequest>> {
        let total = page.total.or(self.announced.0);
        let pages = page.total_pages.or(self.announced.1);
        self.announced = (total, pages);
        if page.items.is_empty() {
            return self.check_end(request, total, pages);
        }
        let next = page
            .follows(request)
            .map_err(|reason| self.misbehaved(reason))?;
        if let Some(PageRequest::Cursor {
            after: Some(cursor),
            ..
        }) = &next
            && !self.seen_cursors.insert(cursor.clone())
        {
            return Err(self.misbehaved("the server repeated a cursor"));
        }
        Ok(next)
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
        let early = match request {
            PageRequest::Offset { offset, .. } => total.is_some_and(|total| *offset < total),
            PageRequest::PageNumber { page, .. } => {
                pages.is_some_and(|pages| u64::from(*page) <= pages)
            }
            PageRequest::Cursor { .. } | PageRequest::Single => false,
        };
        if !early {
            return Ok(None);
        }
        match &self.early_end {
            EarlyEnd::Fail => {
                Err(self.misbehaved("an empty page came before the end the server had announced"))
            }
            EarlyEnd::Stop(short) => {
                let shortfall = Shortfall {
                    returned: self.returned,
                    announced_items: total,
                    announced_pages: pages,
                };
                tracing::warn!(
                    operation = self.operation,
                    returned = shortfall.returned,
                    announced_items = shortfall.announced_items,
                    announced_pages = shortfall.announced_pages,
                    "the listing ended on an empty page before the end the server announced; stopping with what was returned"
                );
                short.record(shortfall);
                Ok(None)
            }
        }
    }

    fn misbehaved(&self, reason: &str) -> Error {
        Error::Pagination {
            operation: self.operation,
            reason: reason.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_request_follows_each_styles_end_of_listing_signal() {
        let offset = PageRequest::Offset { offset: 2, size: 2 };
        let page = Page::new(vec![3, 4]).total(Some(5));
        assert_eq!(
            page.next_request(&offset),
            Some(PageRequest::Offset { offset: 4, size: 2 })
        );
        let last = PageRequest::Offset { offset: 4, size: 2 };
        assert_eq!(Page::new(vec![5]).total(Some(5)).next_request(&last), None);

        let cursor = PageRequest::cursor(2);
        let page = Page::new(vec![1]).next_cursor(Some("MQit=".into()));
        assert_eq!(
            page.next_request(&cursor),
            Some(PageRequest::Cursor {
                after: Some("MQit=".into()),
                limit: 2
            })
        );
        let page = Page::new(vec![1]).next_cursor(Some(String::new()));
        assert_eq!(page.next_request(&cursor), None);

        let numbered = PageRequest::PageNumber { page: 2, size: 2 };
        let page = Page::new(vec![3, 4]).total_pages(Some(3));
        assert_eq!(
            page.next_request(&numbered),
            Some(PageRequest::PageNumber { page: 3, size: 2 })
        );
        assert_eq!(
            Page::new(vec![3, 4])
                .total_pages(Some(2))
                .next_request(&numbered),
            None
        );
        assert_eq!(
            Page::new(vec![3]).next_request(&numbered),
            None,
            "a short page"
        );
        let last = PageRequest::PageNumber {
            page: u32::MAX,
            size: 1,
        };
        assert_eq!(Page::new(vec![1]).next_request(&last), None);

        assert_eq!(Page::new(vec![1]).next_request(&PageRequest::Single), None);
        assert_eq!(
            Page::<i32>::new(vec![])
                .total(Some(9))
                .next_request(&offset),
            None
        );
    }
}
