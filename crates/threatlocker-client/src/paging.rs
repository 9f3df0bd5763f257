//! Page-number listings with totals in the `pagination` response header.

use core_http::{ItemStream, Operation, Page, PageRequest, Pagination, Response, Result, paginate};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::generated::{ChildOrganizationParameters, PageParameters, PaginationHeader};
use crate::validate;

/// A listing's request body, which names the page it asks for.
pub(crate) trait PageBody: Serialize + Clone + Send + Sync + 'static {
    /// The page number (from 1) and the page size.
    fn page(&self) -> (u32, u32);
    /// Asks for page `number`, `size` items per page.
    fn set_page(&mut self, number: u32, size: u32);
}

impl PageBody for PageParameters {
    fn page(&self) -> (u32, u32) {
        (self.page_number, self.page_size)
    }
    fn set_page(&mut self, number: u32, size: u32) {
        self.page_number = number;
        self.page_size = size;
    }
}

impl PageBody for ChildOrganizationParameters {
    fn page(&self) -> (u32, u32) {
        (self.page_number, self.page_size)
    }
    fn set_page(&mut self, number: u32, size: u32) {
        self.page_number = number;
        self.page_size = size;
    }
}

/// Checks the page number and size of `body` before anything is sent.
fn check<B: PageBody>(body: &B) -> Result<()> {
    let (number, size) = body.page();
    validate::page_number(number)?;
    validate::page_size(size)
}

/// The page of `operation` that `body` asks for, its page number and size checked first.
pub(crate) async fn send<T: DeserializeOwned, B: PageBody>(
    client: &Client,
    operation: &'static Operation,
    body: &B,
) -> Result<ListPage<T>> {
    check(body)?;
    Ok(fetch(client, operation, body).await?.0)
}

/// Every item of `operation` from `body`'s page on, fetched lazily. Stops at the
/// header's `totalPages`, on an empty page, or on a short page.
pub(crate) fn stream<T, B>(client: Client, operation: &'static Operation, body: B) -> ItemStream<T>
where
    T: DeserializeOwned + Send + 'static,
    B: PageBody,
{
    if let Err(error) = check(&body) {
        return failed_stream(error);
    }
    let (first, size) = body.page();
    paginate(
        operation.name,
        Pagination::PageNumber { size, first },
        move |request: PageRequest| {
            let client = client.clone();
            let mut body = body.clone();
            async move {
                let PageRequest::PageNumber { page, size } = request else {
                    return Ok(Page::new(Vec::new()));
                };
                body.set_page(page, size);
                let (page, fingerprint) = fetch(&client, operation, &body).await?;
                Ok(to_core_page(page, fingerprint, first))
            }
        },
    )
}

/// One page of a listing and what the `pagination` header said about the rest.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage<T> {
    /// The items of this page (empty for an empty body or JSON `null`).
    pub items: Vec<T>,
    /// The `pagination` header, when the server sent a readable one.
    pub pagination: Option<PaginationHeader>,
}

impl<T> ListPage<T> {
    /// Whether another page probably follows: the header's `currentPage < totalPages`,
    /// or, without a header, a full page.
    pub fn has_more(&self, page_size: u32) -> bool {
        match self
            .pagination
            .as_ref()
            .and_then(|p| Some((p.current_page?, p.total_pages?)))
        {
            Some((current, total)) => current < total,
            None => !self.items.is_empty() && self.items.len() >= page_size as usize,
        }
    }
}

/// Reads the `pagination` header; a missing or unreadable one is `None`.
pub(crate) fn pagination_of(response: &Response) -> Option<PaginationHeader> {
    let value = response.headers().get("pagination")?.to_str().ok()?;
    match serde_json::from_str(value) {
        Ok(header) => Some(header),
        Err(error) => {
            tracing::debug!(%error, "ignoring an unreadable `pagination` header");
            None
        }
    }
}

/// Decodes a bare array, tolerating an empty body and JSON `null`.
pub(crate) fn items_of<T: DeserializeOwned>(response: &Response) -> Result<Vec<T>> {
    if response.body().iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    Ok(response.json::<Option<Vec<T>>>()?.unwrap_or_default())
}

/// Fetches one page of `operation` with `body`.
async fn fetch<T: DeserializeOwned, B: Serialize>(
    client: &Client,
    operation: &'static Operation,
    body: &B,
) -> Result<(ListPage<T>, u64)> {
    let response = client.request(operation)?.json(body).send().await?;
    let page = ListPage {
        items: items_of(&response)?,
        pagination: pagination_of(&response),
    };
    Ok((page, response.fingerprint()))
}

/// Converts a fetched page into what `core_http::paginate` needs.
///
/// `core_http` counts pages from the first one streamed, so the header's `totalPages`
/// is made relative to `first`: a stream started at page 2 of 3 ends after page 3.
fn to_core_page<T>(page: ListPage<T>, fingerprint: u64, first: u32) -> Page<T> {
    let header = page.pagination.as_ref();
    let total = header
        .and_then(|p| p.total_items)
        .and_then(|n| u64::try_from(n).ok());
    let pages = header
        .and_then(|p| p.total_pages)
        .and_then(|n| u64::try_from(n).ok())
        .map(|n| n.saturating_sub(u64::from(first.saturating_sub(1))));
    Page::new(page.items)
        .total(total)
        .total_pages(pages)
        .fingerprint(fingerprint)
}

/// A stream that fails at once with `error`, sending nothing.
fn failed_stream<T: Send + 'static>(error: core_http::Error) -> core_http::ItemStream<T> {
    Box::pin(futures_util::stream::once(std::future::ready(Err(error))))
}
