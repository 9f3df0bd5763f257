#![doc = include_str!("../README.md")]
//!
//! # What it covers
//!
//! - [`Client`] / [`ClientBuilder`]: base URL, `Authorization: Bearer sk:…` (a
//!   [`SecretString`]; a key not starting with `sk:` is used with a warning that never
//!   shows it), page size.
//! - **Transport.** [`ClientBuilder`] takes core-http's transport options, named and
//!   documented alike in every portal client: `timeout`, `connect_timeout`,
//!   `retry_policy`, `clock`, `user_agent` (default `partner-portal-client/<version>`),
//!   `allow_insecure_http` and `reqwest_client`, or several at once with
//!   `transport(`[`TransportOptions`]`)`.
//! - [`Client::portal`] → [`PortalHandle`]: `GET/POST /v1/partner-portals/{portalId}/users`,
//!   `GET/DELETE …/users/{userId}`, plus [`PortalHandle::find_user_by_email`] and
//!   [`PortalHandle::ensure_user`].
//! - [`Client::roles`] (`/v1/roles`, `/v1/roles/{roleId}`) and
//!   [`Client::user_attributes`] (`/v1/user-attributes`, `/v1/user-attributes/{id}`),
//!   with lookup by name.
//! - Listings are lazy streams ([`ItemStream`]) over the opaque `after` cursor with
//!   `limit`; the end is a missing or null `paging`, `next` or `after`, or an empty
//!   `after`. A server repeating a cursor ends the stream with [`Error::Pagination`].
//! - Input is checked before anything is sent (ids in paths must be non-empty and free of
//!   `/`, emails, non-empty roles, locale shape, `limit` ≥ 1): [`Error::InvalidInput`].
//! - Rate limits: `X-RateLimit-Limit/-Remaining/-Reset` (seconds until reset) feed
//!   core-http's pacer, shared by clones of a client, so bulk jobs wait for the window
//!   instead of drawing 429s; a 429 is retried after its `Retry-After`.
//! - Errors: Whaly's documented `{status_code, message, request_id}` and NestJS's
//!   `{statusCode, message (string or array), error}` (inferred, see below) are both read
//!   ([`PartnerPortalErrorDecoder`]); the body's `request_id` (or an `x-request-id` header) ends
//!   up in [`Error::request_id`]. Any 2xx is success.
//!
//! # Unverified vendor facts, and the choices made
//!
//! - **Base URL**: Whaly documents none. The default, [`DEFAULT_BASE_URL`]
//!   (`https://api.whaly.io`), is unverified: it only appears in the test fixtures of
//!   Whaly's `connector-sdk`, whose doc comments also suggest per-organisation hosts
//!   (`https://org.my.whaly.io`); configure yours.
//! - **Error shapes**: only `{status_code, message, request_id}` is documented. The
//!   NestJS shape is inferred from the operation ids (`PortalsController_…`), for
//!   framework errors. Which status an unknown portal (404) or a bad `limit` (400) gets
//!   is inferred.
//! - **Success codes**: every documented success is 200; any 2xx is accepted (NestJS
//!   answers 201 to a POST by default).
//! - **Limits**: `limit` has no documented default or bounds; streams send
//!   [`DEFAULT_PAGE_SIZE`] (configurable) unclamped. The quota (500 requests/minute by
//!   default, per Service Account) is not hard-coded: the pacer follows the headers.
//! - **`last_logged_at`**: documented as an ISO 8601 string, shown as a number;
//!   [`LastLoggedAt`] reads strings, epoch seconds or milliseconds (by magnitude, from
//!   1e11 on) and null/absent (never logged in).
//! - **`allow_multiple_values`** vs the example's `allowMultipleValues`: both read.
//! - **Attribute type**: an open set ([`AttributeType::Unknown`] keeps other values).
//! - **Create**: `attributes` appear only in Whaly's sample body; values are sent as
//!   strings, a multi-valued attribute as repeated ids (unverified). That a `password`
//!   lets the user log in with it at first connection, and that without one the user is
//!   emailed an invitation, are inferences from the UI flow. `locale` is always sent
//!   (`en_US` unless set). A duplicate email is undocumented: 409, or 400 naming an
//!   existing user, makes [`PortalHandle::ensure_user`] look the user up again.
//! - **Delete** of a missing user: 404; [`PortalHandle::delete_user_if_exists`] opts in
//!   to treating it as done.
//! - **Request ids**: whether a header carries one is unknown; the body's is used.
//! - **Pagination end**: the OpenAPI marks `paging.next.after` required, the pagination
//!   guide says it stops appearing on the last page; the guide (and Whaly's own SDK) is
//!   followed.
//! - **Email uniqueness**: whether a portal compares emails case-insensitively is
//!   undocumented; [`PortalHandle::find_user_by_email`] ignores case.
//!
//! # What the API does not offer
//!
//! No update of a user (names, roles, attributes), no server-side filter (so finding a
//! user by email lists the portal client-side), no list of portals (portal ids come from
//! the Whaly UI), and the user object carries neither roles nor attributes.

mod auth;
mod client;
mod error;
mod generated;
mod paging;
mod portal;
mod roles;
mod types;
mod user_attributes;
mod validate;

pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE};
pub use error::PartnerPortalErrorDecoder;
pub use generated::{
    DeletedPartnerPortalUser, ErrorResponse, NestErrorResponse, NestErrorResponseMessage, Paging,
    PagingNext, PartnerPortalUser, PartnerPortalUserPage, Role, RolePage, UserAttributePage,
    UserAttributeValue,
};
pub use paging::ListRequest;
pub use portal::{DEFAULT_LOCALE, Ensured, NewUser, PortalHandle};
pub use roles::Roles;
pub use types::{AttributeType, EPOCH_MILLIS_THRESHOLD, LastLoggedAt, UserAttribute};
pub use user_attributes::UserAttributes;

pub use core_http::{
    Error, ItemStream, Page, PageRequest, Result, RetryPolicy, SecretString, TransportOptions,
};
