//! `UserRoles/UserRolesGetByParameters`: the roles of one organization.

use core_http::{Error, ItemStream, Operation, Page, Result};
use futures_util::TryStreamExt;

use crate::Client;
use crate::generated::{PageParameters, UserRole};
use crate::paging;

/// A read sent as POST: idempotent, so retried like a GET.
pub(crate) static LIST_ROLES: Operation = Operation::post(
    "user_roles.list",
    "/portalapi/UserRoles/UserRolesGetByParameters",
)
.with_idempotent(true);

/// Page size used when looking a role up by name.
pub const ROLE_LOOKUP_PAGE_SIZE: u32 = 500;

/// Default page size of listings.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// Role calls; from [`Client::roles`]. Roles belong to one organization each and are not
/// inherited: use [`Client::organization`] to read a child organization's roles.
#[derive(Debug, Clone, Copy)]
pub struct Roles<'a> {
    client: &'a Client,
}

impl<'a> Roles<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// Starts a listing (page 1, [`DEFAULT_PAGE_SIZE`] per page).
    pub fn list(&self) -> ListRoles<'a> {
        ListRoles {
            client: self.client,
            params: PageParameters {
                page_number: 1,
                page_size: DEFAULT_PAGE_SIZE,
            },
        }
    }

    /// The role named `name` in the managed organization, read through every page.
    ///
    /// An exact match wins; otherwise a match ignoring ASCII case and surrounding spaces
    /// is accepted when it is the only one. `Ok(None)` when no role matches.
    pub async fn find_by_name(&self, name: &str) -> Result<Option<UserRole>> {
        let wanted = name.trim();
        if wanted.is_empty() {
            return Err(Error::invalid_input("name", "must not be empty"));
        }
        let roles: Vec<UserRole> = self
            .list()
            .page_size(ROLE_LOOKUP_PAGE_SIZE)
            .stream()
            .try_collect()
            .await?;
        if let Some(exact) = roles.iter().find(|role| role.name == wanted) {
            return Ok(Some(exact.clone()));
        }
        let mut loose = roles
            .into_iter()
            .filter(|role| role.name.trim().eq_ignore_ascii_case(wanted));
        match (loose.next(), loose.next()) {
            (Some(role), None) => Ok(Some(role)),
            _ => Ok(None),
        }
    }
}

/// `POST /portalapi/UserRoles/UserRolesGetByParameters`; from [`Roles::list`].
#[derive(Debug, Clone)]
#[must_use = "a listing does nothing until sent or streamed"]
pub struct ListRoles<'a> {
    client: &'a Client,
    params: PageParameters,
}

impl ListRoles<'_> {
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

    /// Fetches one page.
    pub async fn send(self) -> Result<Page<UserRole>> {
        paging::send(self.client, &LIST_ROLES, &self.params).await
    }

    /// Every role from the starting page on, fetched lazily. Stops at the header's
    /// `totalPages`, on an empty page, or on a short page.
    ///
    /// Handles and requests borrow the client; the stream owns a clone of what it needs,
    /// so it outlives them and can move to another task:
    ///
    /// ```no_run
    /// fn spawnable<S: Send + 'static>(_: S) {}
    /// # fn demo(client: &threatlocker_client::Client) {
    /// spawnable(client.roles().list().stream());
    /// # }
    /// ```
    pub fn stream(self) -> ItemStream<UserRole> {
        paging::stream(self.client.clone(), &LIST_ROLES, self.params)
    }
}
