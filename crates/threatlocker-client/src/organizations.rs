//! `Organization/OrganizationGetChildOrganizationsByParameters`.

use core_http::{ItemStream, Operation, Page, Result};

use crate::Client;
use crate::generated::{ChildOrganizationParameters, Organization, OrganizationOrderBy};
use crate::paging;
use crate::roles::DEFAULT_PAGE_SIZE;

/// A read sent as POST: idempotent, so retried like a GET.
pub(crate) static LIST_CHILDREN: Operation = Operation::post(
    "organization.children",
    "/portalapi/Organization/OrganizationGetChildOrganizationsByParameters",
)
.with_idempotent(true);

/// Organization calls; from [`Client::organizations`].
#[derive(Debug, Clone, Copy)]
pub struct Organizations<'a> {
    client: &'a Client,
}

impl<'a> Organizations<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Starts a listing of the managed organization's children (page 1,
    /// [`DEFAULT_PAGE_SIZE`] per page, the portal's default order).
    pub fn children(&self) -> ListChildren<'a> {
        ListChildren {
            client: self.client,
            params: ChildOrganizationParameters {
                page_number: 1,
                page_size: DEFAULT_PAGE_SIZE,
                search_text: None,
                order_by: None,
                is_ascending: None,
                include_all_children: None,
            },
        }
    }
}

/// `POST /portalapi/Organization/OrganizationGetChildOrganizationsByParameters`; from
/// [`Organizations::children`].
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListChildren<'a> {
    client: &'a Client,
    params: ChildOrganizationParameters,
}

impl ListChildren<'_> {
    /// The page to fetch with [`send`](Self::send), or to start streaming from (from 1).
    pub fn page(mut self, page_number: u32) -> Self {
        self.params.page_number = page_number;
        self
    }

    /// Items per page (1 to [`MAX_PAGE_SIZE`](crate::MAX_PAGE_SIZE)).
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.params.page_size = page_size;
        self
    }

    /// Only organizations whose name contains `text`.
    pub fn search_text(mut self, text: impl Into<String>) -> Self {
        self.params.search_text = Some(text.into());
        self
    }

    /// The sort key.
    pub fn order_by(mut self, order: OrganizationOrderBy) -> Self {
        self.params.order_by = Some(order);
        self
    }

    /// The sort direction.
    pub fn ascending(mut self, ascending: bool) -> Self {
        self.params.is_ascending = Some(ascending);
        self
    }

    /// Whether grandchildren (and deeper) are listed too.
    pub fn include_all_children(mut self, include: bool) -> Self {
        self.params.include_all_children = Some(include);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<Organization>> {
        paging::send(self.client, &LIST_CHILDREN, &self.params).await
    }

    /// Every child organization from the starting page on, fetched lazily.
    pub fn stream(self) -> ItemStream<Organization> {
        paging::stream(self.client.clone(), &LIST_CHILDREN, self.params)
    }
}
