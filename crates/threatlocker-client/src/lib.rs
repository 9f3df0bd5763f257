#![doc = include_str!("../README.md")]
//!
//! # What it covers
//!
//! | Call | API |
//! |---|---|
//! | `GET /portalapi/User/UserGetAllTimezones` | [`Users::timezones`] |
//! | `POST /portalapi/User/UserInviteByUsername` | [`Users::invite`] → [`Invite`] |
//! | `POST /portalapi/UserRoles/UserRolesGetByParameters` | [`Roles::list`] (`send` a page / `stream` all), [`Roles::find_by_name`] |
//! | `POST /portalapi/Organization/OrganizationGetChildOrganizationsByParameters` | [`Organizations::children`] |
//! | fan-out of the two above over many organizations | [`Client::invite_across`] → [`FanOutReport`] |
//!
//! - **Base URL and auth.** `https://portalapi.{instance}.threatlocker.com` from
//!   [`ClientBuilder::instance`] (one DNS label, checked) or an explicit
//!   [`ClientBuilder::base_url`]. The token goes out raw as `Authorization: <token>` (no
//!   `Bearer`), in a header marked sensitive; an empty token or one containing whitespace
//!   is refused by `build` with [`Error::Config`], which never quotes it.
//! - **Transport.** [`ClientBuilder`] takes core-http's transport options, named and
//!   documented alike in every portal client: `timeout`, `connect_timeout`,
//!   `retry_policy`, `clock`, `user_agent` (default `threatlocker-client/<version>`),
//!   `allow_insecure_http` and `reqwest_client`, or several at once with
//!   `transport(`[`TransportOptions`]`)`.
//! - **Managed organization.** A client-wide default
//!   ([`ClientBuilder::managed_organization`]) and cheap scoped handles
//!   ([`Client::organization`]); the `ManagedOrganizationId` header is sent only when one
//!   is set. GUIDs are [`uuid::Uuid`]; text ids are accepted through [`IntoGuid`] and a
//!   malformed one is refused before anything is sent: by `build` with [`Error::Config`]
//!   for the client-wide default, with [`Error::InvalidInput`] for a scoped handle.
//! - **Invitations** are checked before sending: `username` is an email address, `roles`
//!   is not empty, and every role's `organizationId` is the organization the invitation
//!   goes to (the portal only accepts that organization's roles); the error names the
//!   offending `roles[i]`.
//! - **Listings** send `pageNumber`/`pageSize` in the POST body and read totals from the
//!   `pagination` response header. They stop at `currentPage >= totalPages`, on an empty
//!   page or on a short page, and tolerate a missing header, an empty body and JSON
//!   `null`. They are reads, so they are retried like GETs (idempotent operations);
//!   invitations are retried only when the server certainly did not act.
//! - **Errors.** The two authentication failures are told apart, as the vendor
//!   reference describes them ([`auth_failure`] → [`AuthFailure`]):
//!   - **440** `{"message":"Unauthorized","error":"TOKEN_REVOKED"}`: the token is revoked,
//!     expired or belongs to another instance. [`Error::Api`] with code `TOKEN_REVOKED`
//!     and a message starting with [`AUTH_HINT`].
//!   - **401**: a *valid* token lacking a permission (an invitation needs Edit
//!     Administrators and Assign Roles). [`Error::Api`] whose message starts with
//!     [`PERMISSION_HINT`] and carries the server's `Missing the '<name>' permission`.
//!
//!   [`is_auth_error`] is true for either. 417 and 500 bodies
//!   `{LoggerId, StatusCode, Message}` become [`Error::Api`] with `message` = `Message`
//!   and the **`LoggerId` as the request id** ([`Error::request_id`]).
//! - **Sandbox.** `portal_sandbox::threatlocker` (feature `threatlocker`) simulates these
//!   calls with an organization tree, per-organization roles, pending invitations and the
//!   vendor's error bodies, for offline tests like the quickstart above.
//! - **Models** are generated from `openapi.json` by `cargo xtask codegen`; unknown fields
//!   are ignored (timezones keep them in `extra`).
//!
//! # Unverified vendor facts and the choices made
//!
//! ThreatLocker publishes request fields for these calls but no response bodies.
//!
//! - Timezone objects: only `id` is certain; `displayName` and the rest are optional.
//! - Invitation response: undocumented; any 2xx is success and the body, if any, is kept
//!   as JSON in [`Invitation::body`]. [`Invitation::user_id`] reads a `userId` that only
//!   this project's sandbox is known to send; a real portal may never send it.
//! - Status codes: ThreatLocker publishes no per-endpoint error contract. 440 for a bad
//!   token rests on one client maintainer's live report (other clients assume 401); 401
//!   for a missing permission on a live observation of `Missing the '' permission`; the
//!   named form `Missing the '<name>' permission` and the PascalCase envelope of a 401
//!   are the reference's inference. If a portal answered 401 for a bad token, the
//!   [`PERMISSION_HINT`] would mislead; the server's own text is always included.
//! - 417 for validation failures is observed on other endpoints; which invitation
//!   errors (bad email, empty roles, foreign role, existing user) get it is inferred.
//! - Page numbers: pages count from 1 (KB), so page 0 is refused before sending
//!   ([`Error::InvalidInput`], field `pageNumber`). What the portal answers for a page
//!   number below 1 is **not documented**; the sandbox answers 417 by default, a
//!   labelled choice (`portal_sandbox::threatlocker::PageBelowOne`).
//! - Role and organization objects: only `userRoleId` + `name` (roles) and
//!   `organizationId` (organizations) are required; dates are read leniently
//!   ([`Timestamp`]: RFC 3339, or without an offset taken as UTC).
//! - List bodies are bare arrays with a `pagination` header (one live-verified client);
//!   page sizes are limited to 1..=[`MAX_PAGE_SIZE`] as clients in the wild clamp.
//! - `childOrganizations: true` (said by one client to be needed) is not sent.
//! - Header names go out lower-case over HTTP/1.1 (`managedorganizationid`,
//!   `authorization`); HTTP header names are case-insensitive and one public client sends
//!   them that way.
//! - The zero GUID as `ManagedOrganizationId` is taken to mean the token's own
//!   organization; invitations sent that way can only be checked for roles all naming
//!   one organization, since the client can not know the token's organization id.
//! - `OverrideManagedOrganizationId` (a Swagger security scheme with no documented
//!   meaning) is never sent; `usenewsearch` does not apply to these calls.
//! - No rate limit is documented; a 429 with `Retry-After` is still honoured.
//! - Role names are matched exactly first, then (if unique) ignoring ASCII case.
//!
//! # What the public API does not offer
//!
//! ThreatLocker documents only two `/portalapi/User/*` calls: `UserGetAllTimezones` and
//! `UserInviteByUsername`. There is **no documented call to list users, get a user, update
//! a user, suspend or disable a user, delete a user, resend or revoke an invitation, or
//! change a user's roles**. This crate does not guess at undocumented endpoints; use the
//! portal for those, or [`Client::http`] at your own risk.

mod auth;
mod client;
mod error;
mod fanout;
mod generated;
mod organizations;
mod paging;
mod roles;
mod types;
mod users;
mod validate;

pub use client::{Client, ClientBuilder, MANAGED_ORGANIZATION_HEADER};
pub use error::{
    AUTH_HINT, AuthFailure, PERMISSION_HINT, TOKEN_REVOKED_STATUS, ThreatLockerErrorDecoder,
    auth_failure, is_auth_error,
};
pub use fanout::{
    DEFAULT_FAN_OUT_CONCURRENCY, FanOutInvite, FanOutReport, InviteOutcome,
    MAX_FAN_OUT_CONCURRENCY, OrganizationInvite,
};
pub use generated::{
    ChildOrganizationParameters, InviteRequest, InviteRole, Organization, OrganizationOrderBy,
    PageParameters, PaginationHeader, PortalErrorBody, Timezone, TokenRevokedBody, UserRole,
};
pub use organizations::{ListChildren, Organizations};
pub use roles::{DEFAULT_PAGE_SIZE, ListRoles, ROLE_LOOKUP_PAGE_SIZE, Roles};
pub use types::Timestamp;
pub use users::{Invitation, Invite, Users};
pub use validate::{IntoGuid, MAX_PAGE_SIZE};

pub use core_http::{
    Error, ItemStream, Page, PageRequest, Result, RetryPolicy, SecretString, TransportOptions,
};
pub use uuid::Uuid;
