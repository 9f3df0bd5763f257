#![doc = include_str!("../README.md")]
//!
//! # What it covers
//!
//! - [`Client`]: base URL from an account name (`https://{account}.logicmonitor.com/santaba/rest`)
//!   or an explicit URL; `X-Version: 3` on every request; LMv1 ([`Lmv1Auth`], signing
//!   the exact body bytes sent and the resource path, with an injectable clock) or
//!   bearer credentials; LogicMonitor's error bodies decoded into
//!   [`Error::Api`] with `errorCode` as `code`
//!   ([`LogicMonitorErrorDecoder`]); `X-Rate-Limit-Limit/-Remaining/-Window` feeding core-http's
//!   pacer, counted per operation (LogicMonitor limits each endpoint and method
//!   separately); 429 (`errorCode` 1429) retried after the window, per core-http's rules.
//! - [`Users`]: list (stream or one page, `size` ≤ 1000, `offset`, `fields`, `sort`,
//!   [`Filter`], [`read_ahead`](ListRequest::read_ahead) for large listings), get, create, replace (`PUT`), update (`PATCH`, only the fields set),
//!   delete, [`suspend`](Users::suspend) / [`reactivate`](Users::reactivate),
//!   [`inactive_since`](Users::inactive_since).
//! - Group membership, the thing LogicMonitor's own SDK cannot do:
//!   [`groups_of`](Users::groups_of) (names, not just ids), [`add_to_group`](Users::add_to_group),
//!   [`remove_from_group`](Users::remove_from_group) and [`move_to_groups`](Users::move_to_groups).
//!   Membership lives on the user (`adminGroupIds`), so each is a read-modify-write of
//!   that list which leaves the other memberships intact. Two concurrent changes to the
//!   *same* user can still race (LogicMonitor has no conditional update); changes to
//!   different users never interfere.
//! - [`Groups`]: list, get, find by name, create, get-or-create, update, delete.
//! - [`Roles`]: list, get, find by name, create ([`NewRole`]), replace, update
//!   ([`UpdateRole`]), delete (a role users hold is refused by the server).
//!   [`ApiTokens`]: list, create, enable or disable ([`TokenStatus`]), delete.
//! - [`Filter`] / [`Clause`]: LogicMonitor's filter syntax with every string value quoted
//!   and escaped, so a value can not change the filter's meaning, and encoded twice as
//!   LogicMonitor's own PowerShell module does (its servers decode `filter` twice), so
//!   `+`, `%`, parentheses and the like reach the server intact.
//! - **Transport.** [`ClientBuilder`] takes core-http's transport options, named and
//!   documented alike in every portal client: `timeout`, `connect_timeout`,
//!   `retry_policy`, `clock`, `user_agent` (default `logicmonitor-client/<version>`),
//!   `allow_insecure_http` and `reqwest_client`, or several at once with
//!   `transport(`[`TransportOptions`]`)`.
//! - Inputs are checked before anything is sent: empty usernames, malformed emails,
//!   passwords outside the UI policy, no roles, page sizes outside 1..=1000, non-positive
//!   ids, bad field names all give [`Error::InvalidInput`].
//!   Role and group *names* are resolved with a read first; an unknown name is
//!   `InvalidInput` and nothing is written.
//!
//! # Inactive users: never-logged-in and API-only users
//!
//! [`Users::inactive_since`] returns an [`InactiveQuery`] whose two choices are explicit
//! enums with documented defaults:
//!
//! - [`NeverLoggedIn::Include`] (default): `lastLoginOn = 0` counts as inactive (that is
//!   what LogicMonitor's own `lastLoginOn<cutoff` filter does). Such users come back with
//!   [`LastLogin::Never`], so a script can report or skip them separately.
//!   [`NeverLoggedIn::Exclude`] leaves them out. LogicMonitor exposes no creation date,
//!   so a brand-new user can not be told apart from a long-idle one that never logged in.
//! - [`ApiOnlyUsers::Exclude`] (default): API-only users never log in by design, and
//!   suspending one breaks an integration. [`ApiOnlyUsers::Include`] counts them.
//!
//! Only active users are listed unless [`InactiveQuery::include_suspended`] says otherwise.
//!
//! # Unverified vendor facts and the choices made
//!
//! - The user-group endpoints are not in LogicMonitor's published spec; paths and the
//!   create body follow community clients. `PATCH` on a group is inferred; duplicate
//!   group names and deleting a group with members behave as the sandbox does (409;
//!   ids dropped from users) but callers should not rely on either.
//! - A user without groups may come back without `adminGroupIds`: read as empty.
//! - `lastLoginOn` is taken as Unix epoch **seconds**, as the C# client does.
//! - Filter escaping and encoding follow LogicMonitor's PowerShell module
//!   (`Format-LMFilter.ps1`, vendor reference §3.4): `"` and `( ) $ & # [ ]` are
//!   backslash-escaped, then the filter is encoded twice. See [`Filter`] for the
//!   unverified parts (`*` has no escape and is always a wildcard; a value can not end
//!   with a backslash).
//! - GET and DELETE are sent without a body and signed with an empty body ("sign what
//!   you send").
//! - `size` above 1000 is never sent. `DELETE` responses may be empty or `{}`.
//! - An empty page before `total` ends a listing with what it has, as LogicMonitor's
//!   own module does (`total` may count items the credentials can not see); a warning is
//!   logged and [`ListRequest::stream_counted`] tells the shortfall.
//! - `password` and `accessKey` are assumed never to be echoed by reads; the access key
//!   of a new token is an [`AccessKey`] whose `Debug` is redacted.
//!
//! # What the API does not offer
//!
//! No conditional (compare-and-set) update, so group read-modify-writes on the same user
//! can race; no user creation date; no server-side "move" of a user between groups (it
//! is a whole-list replacement); no documented rate-limit numbers.

mod auth;
mod client;
mod error;
mod filter;
#[allow(clippy::all, clippy::pedantic)]
mod generated;
mod groups;
mod ids;
mod paging;
mod roles;
mod tokens;
mod types;
mod users;
mod validate;

pub use auth::{Credentials, Lmv1Auth, lmv1_signature};
pub use client::{Client, ClientBuilder};
pub use core_http::{
    Error, ItemStream, Page, PageRequest, Result, RetryPolicy, SecretString, TransportOptions,
};
pub use error::LogicMonitorErrorDecoder;
pub use filter::{Clause, Filter, FilterValue, Operator};
pub use generated::{Admin, AdminGroup, ApiToken, ErrorResponse, Privilege, Role};
pub use groups::{GroupRef, Groups};
pub use ids::{AdminGroupId, AdminId, ApiTokenId, RoleId};
pub use paging::{ListRequest, Sort, decode_list_page};
pub use roles::{NewRole, RoleRef, Roles, UpdateRole};
pub use tokens::{ApiTokens, TokenKind, TokenStatus};
pub use types::{AccessKey, AdminStatus, EchoedPassword, ViewPermission};
pub use users::{
    ApiOnlyUsers, GetUser, InactiveQuery, InactiveUser, LastLogin, NeverLoggedIn, NewUser,
    UpdateUser, Users,
};
pub use validate::MAX_PAGE_SIZE;
