//! Listings: one page or every page, their parameters and LogicMonitor's page envelope.

use std::fmt;
use std::marker::PhantomData;

use core_http::{
    EarlyEnd, Error, HttpClient, ItemStream, Operation, Page, PageRequest, PagingOptions, Result,
    ShortListing, paginate_with,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::filter::Filter;
use crate::validate::{self, MAX_PAGE_SIZE, is_field_name};

/// Sort order for a listing: `+field` or `-field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    field: String,
    descending: bool,
}

impl Sort {
    /// Ascending by `field` (`+field`).
    pub fn asc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: false,
        }
    }

    /// Descending by `field` (`-field`).
    pub fn desc(field: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            descending: true,
        }
    }

    fn render(&self) -> Result<String> {
        if !is_field_name(&self.field) {
            return Err(Error::invalid_input("sort", "not a field name"));
        }
        Ok(format!(
            "{}{}",
            if self.descending { '-' } else { '+' },
            self.field
        ))
    }
}

/// Decodes a list response body, `{"total": …, "items": […]}`, as the client does: missing
/// `items` are none, and a missing or negative `total` is taken as `offset` (where the
/// page was requested) plus the items on this page, so the listing ends there. The page's
/// [`total`](Page::total) is always set.
pub fn decode_list_page<T: DeserializeOwned>(body: &[u8], offset: u64) -> Result<Page<T>> {
    decode("list", body, offset)
}

fn decode<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    offset: u64,
) -> Result<Page<T>> {
    let envelope: Envelope<T> = core_http::decode_json(operation, body)?;
    let total = envelope
        .total
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or(offset.saturating_add(envelope.items.len() as u64));
    Ok(Page::new(envelope.items).total(Some(total)))
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    total: Option<i64>,
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

/// Query parameters of a listing, checked before anything is sent.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListParams {
    pub(crate) size: Option<u32>,
    pub(crate) offset: u64,
    pub(crate) fields: Vec<String>,
    pub(crate) sort: Option<Sort>,
    pub(crate) filter: Option<Filter>,
    pub(crate) read_ahead: bool,
}

/// The validated query: `(name, value)` pairs except `size` and `offset`.
#[derive(Debug, Clone)]
pub(crate) struct CheckedParams {
    size: Option<u32>,
    offset: u64,
    query: Vec<(&'static str, String)>,
}

impl ListParams {
    pub(crate) fn check(&self) -> Result<CheckedParams> {
        if let Some(size) = self.size {
            validate::page_size(size)?;
        }
        let mut query = Vec::new();
        if !self.fields.is_empty() {
            query.push(("fields", fields_param(&self.fields)?));
        }
        if let Some(filter) = &self.filter
            && !filter.is_empty()
        {
            // Encoded once here and once more by the request: LogicMonitor decodes twice.
            query.push(("filter", filter.encoded()?));
        }
        if let Some(sort) = &self.sort {
            query.push(("sort", sort.render()?));
        }
        Ok(CheckedParams {
            size: self.size,
            offset: self.offset,
            query,
        })
    }
}

/// `fields=` with `id` always included, so results decode and can be acted on.
pub(crate) fn fields_param(fields: &[String]) -> Result<String> {
    let mut out = vec!["id"];
    for field in fields {
        if !is_field_name(field) {
            return Err(Error::invalid_input(
                "fields",
                format!("{field:?} is not a field name"),
            ));
        }
        if !out.contains(&field.as_str()) {
            out.push(field);
        }
    }
    Ok(out.join(","))
}

/// A listing: one page with [`send`](Self::send), every page with [`stream`](Self::stream).
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListRequest<'c, T> {
    client: &'c Client,
    operation: &'static Operation,
    path_param: Option<(&'static str, i32)>,
    params: ListParams,
    _item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ListRequest<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("operation", &self.operation.name)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<'c, T: DeserializeOwned + Send + 'static> ListRequest<'c, T> {
    pub(crate) fn new(client: &'c Client, operation: &'static Operation) -> Self {
        Self {
            client,
            operation,
            path_param: None,
            params: ListParams::default(),
            _item: PhantomData,
        }
    }

    pub(crate) fn path_param(mut self, name: &'static str, value: i32) -> Self {
        self.path_param = Some((name, value));
        self
    }

    /// Items per page, 1 to 1000 (LogicMonitor's default is 50 for [`send`](Self::send);
    /// [`stream`](Self::stream) uses 1000 unless told otherwise).
    pub fn size(mut self, size: u32) -> Self {
        self.params.size = Some(size);
        self
    }

    /// Items to skip before the first one returned (default 0).
    pub fn offset(mut self, offset: u64) -> Self {
        self.params.offset = offset;
        self
    }

    /// Returns only these properties (camelCase; `id` is always added). Properties left
    /// out decode as absent or empty.
    pub fn fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.params.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Sort order.
    pub fn sort(mut self, sort: Sort) -> Self {
        self.params.sort = Some(sort);
        self
    }

    /// [`stream`](Self::stream) requests the next page while the current one is fetched
    /// and decoded, so LogicMonitor prepares one page while the client reads the other
    /// (default: off, one request at a time). Only pages the reported `total` says exist
    /// are requested ahead, so a listing sends no more requests than without it unless
    /// a page comes back short or fails; the first page is never read ahead. Costs one
    /// more page in memory.
    pub fn read_ahead(mut self, read_ahead: bool) -> Self {
        self.params.read_ahead = read_ahead;
        self
    }

    /// Only items matching `filter`.
    pub fn filter(mut self, filter: impl Into<Filter>) -> Self {
        self.params.filter = Some(filter.into());
        self
    }

    fn checked(&self) -> Result<CheckedParams> {
        if let Some((name, value)) = self.path_param
            && value <= 0
        {
            return Err(Error::invalid_input(
                name,
                "an id must be a positive integer",
            ));
        }
        self.params.check()
    }

    /// Fetches one page; its [`total`](Page::total) counts every matching item.
    pub async fn send(self) -> Result<Page<T>> {
        let checked = self.checked()?;
        fetch_page::<T>(
            &self.client.http,
            self.operation,
            self.path_param,
            &checked,
            checked.offset,
            checked.size,
        )
        .await
    }

    /// Every matching item, page after page (`offset += items`), until `total` is reached
    /// or a page comes back empty. Nothing is sent until the stream is polled; invalid
    /// parameters are reported as its first item.
    ///
    /// LogicMonitor's `total` can count items the caller may not see (role-restricted
    /// visibility), so an empty page before it ends the stream with what it has and a
    /// logged warning, as LogicMonitor's own PowerShell module does, rather than with an
    /// error; [`stream_counted`](Self::stream_counted) also tells by how much it fell short.
    pub fn stream(self) -> ItemStream<T> {
        self.stream_counted().0
    }

    /// [`stream`](Self::stream), and a handle that tells, once the stream has ended,
    /// whether it ended on an empty page before LogicMonitor's `total` (which counts every
    /// matching item, whatever offset the listing started at) and how many items were
    /// returned.
    pub fn stream_counted(self) -> (ItemStream<T>, ShortListing) {
        let short = ShortListing::new();
        let checked = match self.checked() {
            Ok(checked) => checked,
            Err(error) => {
                return (
                    Box::pin(futures_util::stream::once(async { Err(error) })),
                    short,
                );
            }
        };
        let http = self.client.http.clone();
        let operation = self.operation;
        let path_param = self.path_param;
        let first = PageRequest::Offset {
            offset: checked.offset,
            size: checked.size.unwrap_or(MAX_PAGE_SIZE),
        };
        let options = PagingOptions::default()
            .read_ahead(self.params.read_ahead)
            .early_end(EarlyEnd::Stop(short.clone()));
        let stream = paginate_with(operation.name, first, options, move |request| {
            let http = http.clone();
            let checked = checked.clone();
            async move {
                let PageRequest::Offset { offset, size } = request else {
                    return Ok(Page::new(Vec::new()));
                };
                fetch_page::<T>(&http, operation, path_param, &checked, offset, Some(size)).await
            }
        });
        (stream, short)
    }
}

async fn fetch_page<T: DeserializeOwned>(
    http: &HttpClient,
    operation: &'static Operation,
    path_param: Option<(&'static str, i32)>,
    checked: &CheckedParams,
    offset: u64,
    size: Option<u32>,
) -> Result<Page<T>> {
    let mut request = http.request(operation);
    if let Some((name, value)) = path_param {
        request = request.path_param(name, value);
    }
    request = request.query_opt("size", size);
    if offset > 0 {
        request = request.query("offset", offset);
    }
    for (name, value) in &checked.query {
        request = request.query(*name, value);
    }
    let response = request.send().await?;
    let page = decode(operation.name, response.body(), offset)?;
    Ok(page.fingerprint(response.fingerprint()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_pages_read_the_total_or_count_it() {
        let page = decode_list_page::<i32>(br#"{"total":7,"items":[1,2]}"#, 0).unwrap();
        assert_eq!((page.total, page.items), (Some(7), vec![1, 2]));
        let page = decode_list_page::<i32>(br#"{"total":-1,"items":[1,2]}"#, 40).unwrap();
        assert_eq!(page.total, Some(42));
        let page = decode_list_page::<i32>(b"{}", 40).unwrap();
        assert_eq!((page.total, page.items), (Some(40), vec![]));
        // `offset + items` used to overflow at the very end of the range.
        let page = decode_list_page::<i32>(br#"{"items":[1]}"#, u64::MAX).unwrap();
        assert_eq!(page.total, Some(u64::MAX));
        let error = decode_list_page::<i32>(br#"{"items":["x"]}"#, 0).unwrap_err();
        assert!(
            matches!(&error, Error::Decode { path, .. } if path == "items[0]"),
            "{error:?}"
        );
    }

    #[test]
    fn list_params_are_checked() {
        let params = |size| ListParams {
            size: Some(size),
            ..ListParams::default()
        };
        assert!(params(0).check().is_err());
        assert!(params(1001).check().is_err());
        assert!(params(1000).check().is_ok());
        assert_eq!(
            fields_param(&["username".into(), "id".into()]).unwrap(),
            "id,username"
        );
        assert!(fields_param(&["user name".into()]).is_err());
        assert!(Sort::asc("a b").render().is_err());
        assert_eq!(Sort::desc("lastLoginOn").render().unwrap(), "-lastLoginOn");
    }
}
