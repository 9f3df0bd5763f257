//! Page-number listings with totals in the `pagination` response header.

use core_http::{Operation, Page, Response, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::generated::PaginationHeader;

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
pub(crate) async fn fetch<T: DeserializeOwned, B: Serialize>(
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
pub(crate) fn to_core_page<T>(page: ListPage<T>, fingerprint: u64, first: u32) -> Page<T> {
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
pub(crate) fn failed_stream<T: Send + 'static>(
    error: core_http::Error,
) -> core_http::ItemStream<T> {
    Box::pin(futures_util::stream::once(std::future::ready(Err(error))))
}
