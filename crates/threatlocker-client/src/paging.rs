//! Page-number listings with totals in the `pagination` response header: one page as a
//! [`core_http::Page`] (its `total` and `total_pages` from the header), or every page
//! from the one asked for as a stream.

use core_http::{ItemStream, Operation, Page, PageRequest, Response, Result, paginate};
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
) -> Result<Page<T>> {
    check(body)?;
    fetch(client, operation, body).await
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
    let (page, size) = body.page();
    paginate(
        operation.name,
        PageRequest::PageNumber { page, size },
        move |request: PageRequest| {
            let client = client.clone();
            let mut body = body.clone();
            async move {
                let PageRequest::PageNumber { page, size } = request else {
                    return Ok(Page::new(Vec::new()));
                };
                body.set_page(page, size);
                fetch(&client, operation, &body).await
            }
        },
    )
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

/// Fetches one page of `operation` with `body`: its items, and the `pagination`
/// header's `totalItems` and `totalPages` when the server sent a readable one.
async fn fetch<T: DeserializeOwned, B: Serialize>(
    client: &Client,
    operation: &'static Operation,
    body: &B,
) -> Result<Page<T>> {
    let response = client.request(operation)?.json(body).send().await?;
    let header = pagination_of(&response);
    let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok());
    Ok(Page::new(items_of(&response)?)
        .total(header.as_ref().and_then(|h| count(h.total_items)))
        .total_pages(header.as_ref().and_then(|h| count(h.total_pages)))
        .fingerprint(response.fingerprint()))
}

/// A stream that fails at once with `error`, sending nothing.
fn failed_stream<T: Send + 'static>(error: core_http::Error) -> core_http::ItemStream<T> {
    Box::pin(futures_util::stream::once(std::future::ready(Err(error))))
}
