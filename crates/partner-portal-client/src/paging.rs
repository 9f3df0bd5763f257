//! Cursor paging shared by every listing: `limit` and the opaque `after` cursor.

use core_http::{HttpClient, ItemStream, Operation, Page, PageRequest, Pagination, paginate};
use futures_util::stream;
use serde::de::DeserializeOwned;

use crate::generated::{Paging, PartnerPortalUserPage, RolePage, UserAttributePage};
use crate::{Error, PartnerPortalUser, Result, Role, UserAttribute};

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

/// What a listing request carries besides its cursor.
#[derive(Debug, Clone)]
pub(crate) struct Listing {
    pub(crate) operation: &'static Operation,
    pub(crate) path_params: Vec<(&'static str, String)>,
    pub(crate) limit: Option<u32>,
    pub(crate) after: Option<String>,
}

/// Checks a page size given by the caller.
pub(crate) fn check_limit(limit: Option<u32>) -> Result<()> {
    match limit {
        Some(0) => Err(Error::invalid_input("limit", "must be at least 1")),
        _ => Ok(()),
    }
}

/// Fetches one page.
pub(crate) async fn fetch<P: CursorPage>(
    http: &HttpClient,
    listing: &Listing,
    after: Option<&str>,
    limit: Option<u32>,
) -> Result<(Vec<P::Item>, Option<String>, u64)> {
    let mut request = http.request(listing.operation);
    for (name, value) in &listing.path_params {
        request = request.path_param(name, value);
    }
    let response = request
        .query_opt("limit", limit)
        .query_opt("after", after)
        .send()
        .await?;
    let page: P = response.json()?;
    let (items, next) = page.into_parts();
    Ok((items, next, response.fingerprint()))
}

/// Streams every item from `listing.after` (or the start) on, `page_size` per page.
pub(crate) fn stream<P: CursorPage>(
    http: HttpClient,
    listing: Listing,
    page_size: u32,
) -> ItemStream<P::Item> {
    if let Err(error) = check_limit(listing.limit) {
        return failed(error);
    }
    let limit = listing.limit.unwrap_or(page_size);
    let operation = listing.operation.name;
    paginate(operation, Pagination::Cursor { limit }, move |request| {
        let http = http.clone();
        let listing = listing.clone();
        async move {
            let (after, limit) = match request {
                PageRequest::Cursor { after, limit } => (after.or(listing.after.clone()), limit),
                _ => (listing.after.clone(), limit),
            };
            let (items, next, fingerprint) =
                fetch::<P>(&http, &listing, after.as_deref(), Some(limit)).await?;
            Ok(Page::new(items).next_cursor(next).fingerprint(fingerprint))
        }
    })
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
