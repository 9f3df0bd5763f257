//! Cursor paging shared by every listing: `limit` and the opaque `after` cursor, and the
//! one listing request, [`ListRequest`].

use std::fmt;

use core_http::{HttpClient, ItemStream, Operation, Page, PageRequest, Response, paginate};
use futures_util::stream;
use serde::de::DeserializeOwned;

use crate::generated::{Paging, PartnerPortalUserPage, RolePage, UserAttributePage};
use crate::{Client, Error, PartnerPortalUser, Result, Role, UserAttribute, validate};

/// A decoded page of some listing.
pub(crate) trait CursorPage: DeserializeOwned {
    /// The listed item.
    type Item: Send + 'static;
    /// The items, and the next cursor if there is one.
    fn into_parts(self) -> (Vec<Self::Item>, Option<String>);
}

/// The cursor of the next page; `None` at the end, which Whaly signals by `after` no
/// longer appearing. A missing or null `paging`, `next` or `after`, and an empty `after`,
/// all mean the end.
pub(crate) fn next_after(paging: Option<&Paging>) -> Option<String> {
    paging?
        .next
        .as_ref()?
        .after
        .clone()
        .filter(|after| !after.is_empty())
}

impl CursorPage for PartnerPortalUserPage {
    type Item = PartnerPortalUser;
    fn into_parts(self) -> (Vec<PartnerPortalUser>, Option<String>) {
        let next = next_after(self.paging.as_ref());
        (self.data, next)
    }
}

impl CursorPage for RolePage {
    type Item = Role;
    fn into_parts(self) -> (Vec<Role>, Option<String>) {
        let next = next_after(self.paging.as_ref());
        (self.data, next)
    }
}

impl CursorPage for UserAttributePage {
    type Item = UserAttribute;
    fn into_parts(self) -> (Vec<UserAttribute>, Option<String>) {
        let next = next_after(self.paging.as_ref());
        (self.data, next)
    }
}

/// Reads one page of a listing: its items and the next cursor.
type DecodePage<T> = fn(&Response) -> Result<(Vec<T>, Option<String>)>;

fn decode_page<P: CursorPage>(response: &Response) -> Result<(Vec<P::Item>, Option<String>)> {
    let page: P = response.json()?;
    Ok(page.into_parts())
}

/// What a listing request carries besides its cursor.
#[derive(Debug, Clone)]
struct Listing {
    operation: &'static Operation,
    path_params: Vec<(&'static str, String)>,
    limit: Option<u32>,
    after: Option<String>,
}

/// A listing of users, roles or user attributes: one page with [`send`](Self::send),
/// every page with [`stream`](Self::stream).
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListRequest<'c, T> {
    client: &'c Client,
    listing: Listing,
    /// Why the request can not be sent (a bad path parameter), found when it was made.
    refused: Option<Error>,
    decode: DecodePage<T>,
}

impl<T> fmt::Debug for ListRequest<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("operation", &self.listing.operation.name)
            .field("path_params", &self.listing.path_params)
            .field("limit", &self.listing.limit)
            .field("after", &self.listing.after)
            .finish_non_exhaustive()
    }
}

impl<'c, T: Send + 'static> ListRequest<'c, T> {
    /// A listing of `operation`, whose pages decode as `P`.
    pub(crate) fn new<P: CursorPage<Item = T>>(
        client: &'c Client,
        operation: &'static Operation,
    ) -> Self {
        Self {
            client,
            listing: Listing {
                operation,
                path_params: Vec::new(),
                limit: None,
                after: None,
            },
            refused: None,
            decode: decode_page::<P>,
        }
    }

    /// Fills the path parameter `name` with `value`; a value that is not one path segment
    /// makes [`send`](Self::send) and [`stream`](Self::stream) fail for `field`.
    pub(crate) fn path_param(mut self, field: &str, name: &'static str, value: &str) -> Self {
        if let Err(error) = validate::path_segment(field, value) {
            self.refused.get_or_insert(error);
        }
        self.listing.path_params.push((name, value.to_owned()));
        self
    }

    /// Items per page (any positive number, not clamped; 0 is refused before sending).
    pub fn limit(mut self, limit: u32) -> Self {
        self.listing.limit = Some(limit);
        self
    }

    /// Starts after this opaque cursor (from an earlier page's `paging.next.after`).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.listing.after = Some(cursor.into());
        self
    }

    /// Fetches one page: its items, and in [`next_cursor`](Page::next_cursor) the cursor
    /// of the next page (`None` at the end).
    pub async fn send(self) -> Result<Page<T>> {
        if let Some(error) = self.refused {
            return Err(error);
        }
        check_limit(self.listing.limit)?;
        fetch(
            &self.client.http,
            &self.listing,
            self.decode,
            self.listing.after.as_deref(),
            self.listing.limit,
        )
        .await
    }

    /// Every item from the starting cursor on, lazily, page by page, following the
    /// `after` cursor until it stops appearing. A server repeating a cursor ends the
    /// stream with [`Error::Pagination`] instead of looping.
    ///
    /// Handles and requests borrow the client; the stream owns a clone of what it needs,
    /// so it outlives them and can move to another task:
    ///
    /// ```no_run
    /// fn spawnable<S: Send + 'static>(_: S) {}
    /// # fn demo(client: &partner_portal_client::Client) {
    /// spawnable(client.portal("pp_1").list_users().stream());
    /// # }
    /// ```
    pub fn stream(self) -> ItemStream<T> {
        if let Some(error) = self.refused {
            return failed(error);
        }
        let listing = self.listing;
        if let Err(error) = check_limit(listing.limit) {
            return failed(error);
        }
        let http = self.client.http.clone();
        let decode = self.decode;
        let first = PageRequest::Cursor {
            after: listing.after.clone(),
            limit: listing.limit.unwrap_or(self.client.page_size),
        };
        paginate(listing.operation.name, first, move |request| {
            let http = http.clone();
            let listing = listing.clone();
            async move {
                let PageRequest::Cursor { after, limit } = request else {
                    return Ok(Page::new(Vec::new()));
                };
                fetch(&http, &listing, decode, after.as_deref(), Some(limit)).await
            }
        })
    }
}

/// Checks a page size given by the caller.
fn check_limit(limit: Option<u32>) -> Result<()> {
    match limit {
        Some(0) => Err(Error::invalid_input("limit", "must be at least 1")),
        _ => Ok(()),
    }
}

/// Fetches one page.
async fn fetch<T>(
    http: &HttpClient,
    listing: &Listing,
    decode: DecodePage<T>,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<Page<T>> {
    let mut request = http.request(listing.operation);
    for (name, value) in &listing.path_params {
        request = request.path_param(name, value);
    }
    let response = request
        .query_opt("limit", limit)
        .query_opt("after", after)
        .send()
        .await?;
    let (items, next) = decode(&response)?;
    Ok(Page::new(items)
        .next_cursor(next)
        .fingerprint(response.fingerprint()))
}

/// A stream that yields `error` and ends, for input rejected before sending.
pub(crate) fn failed<T: Send + 'static>(error: Error) -> ItemStream<T> {
    Box::pin(stream::once(async move { Err(error) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(json: &str) -> Option<String> {
        let page: PartnerPortalUserPage = serde_json::from_str(json).unwrap();
        next_after(page.paging.as_ref())
    }

    #[test]
    fn every_end_of_list_signal_ends() {
        assert_eq!(
            paging(r#"{"data":[],"paging":{"next":{"after":"MQit="}}}"#).as_deref(),
            Some("MQit=")
        );
        for end in [
            r#"{"data":[]}"#,
            r#"{"data":[],"paging":null}"#,
            r#"{"data":[],"paging":{}}"#,
            r#"{"data":[],"paging":{"next":null}}"#,
            r#"{"data":[],"paging":{"next":{}}}"#,
            r#"{"data":[],"paging":{"next":{"after":null}}}"#,
            r#"{"data":[],"paging":{"next":{"after":""}}}"#,
        ] {
            assert_eq!(paging(end), None, "{end}");
        }
    }
}
