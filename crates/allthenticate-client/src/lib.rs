#![doc = include_str!("../README.md")]
//!
//! # What it covers
//!
//! Every documented Users endpoint and the Invites endpoints:
//!
//! | endpoint | call |
//! |---|---|
//! | `GET /multipleusers` | [`Users::list`] (`.send()` or `.stream()`), [`Users::find_by_email`], [`Users::find_by_email_id`] |
//! | `GET /user` | [`Users::get`], [`Users::computer_usernames`] |
//! | `DELETE /user` | [`Users::delete`] (`.email_id(..)` and/or `.email(..)`; also cancels a pending invite) |
//! | `POST /modifyallusernames` | [`Users::set_computer_usernames`] (replace-all), [`Users::add_computer_usernames`], [`Users::remove_computer_usernames`] |
//! | `POST /modifyrank` | [`Users::set_rank`] (takes a [`UserId`]) |
//! | `GET /modifysmartcard` | [`Users::smart_cards`] |
//! | `POST /modifysmartcard` | [`Users::set_smart_cards`] (replace-all), [`Users::add_smart_cards`], [`Users::remove_smart_cards`]; `.allow_duplicates(..)` |
//! | `POST /promoteguest` | [`Users::promote_guest`] |
//! | `POST /togglesuspension` | [`Users::toggle_suspension`], [`Users::suspend`], [`Users::unsuspend`] (guarded; see below), [`Users::suspension_state`], [`Client::suspension_state`] |
//! | `GET /invites` | [`Invites::list`] |
//! | `POST /invites` | [`Invites::resend`] |
//! | `PUT /invites` | [`Invites::invite`] |
//!
//! - **Transport.** [`ClientBuilder`] takes core-http's transport options, named and
//!   documented alike in every portal client: `timeout`, `connect_timeout`,
//!   `retry_policy`, `clock`, `user_agent` (default `allthenticate-client/<version>`),
//!   `allow_insecure_http` and `reqwest_client`, or several at once with
//!   `transport(`[`TransportOptions`]`)`.
//!
//! Models are generated from `openapi.json` by `cargo xtask codegen`. Ranks, user tags,
//! `ad_status` and `email_status` are open enums ([`Rank`], [`UserTag`], [`AdStatus`],
//! [`EmailStatus`]) with an `Unknown(String)` fallback; timestamps are [`Timestamp`]s.
//!
//! # Wire choices
//!
//! Allthenticate publishes no host, no auth header and no parameter encoding. The
//! defaults below are the vendor reference's recommendations; each can be changed.
//!
//! | what | default | how to change |
//! |---|---|---|
//! | API root | none: required | [`ClientBuilder::base_url`] (a path prefix such as `/api` is kept; a query string or fragment is [`Error::Config`]) |
//! | API key placement | `Authorization: Bearer <key>` | [`ClientBuilder::auth_placement`]: [`AuthPlacement::RawAuthorization`], [`AuthPlacement::Header`] (e.g. `X-API-Key`), [`AuthPlacement::Query`] (e.g. `api_key`) |
//! | `GET`/`DELETE` parameters | query string | fixed |
//! | `POST`/`PUT` parameters | `application/x-www-form-urlencoded` | [`ClientBuilder::body_encoding`] with [`BodyEncoding::Json`] |
//! | array parameters | compact JSON text (the docs' "serialized JSON array") | in JSON bodies, [`ClientBuilder::array_encoding`] with [`ArrayEncoding::Native`] |
//! | booleans | `true` / `false` | fixed |
//! | invite verb | `PUT /invites` (Invites reference) | [`ClientBuilder::invite_method`] (`POST`, as the Quickstart has it) |
//!
//! The key is a [`SecretString`] in every mode: headers carrying it are marked
//! sensitive, a query-string key is only appended to the URL (which is never logged or put
//! in errors), and every `Debug` redacts it.
//!
//! # Responses and errors
//!
//! Success is decided by the HTTP status. Mutations return an [`Ack`] holding the
//! optional `{"success": ...}` message; `/togglesuspension`, whose response the vendor
//! leaves undocumented, accepts any 2xx including an empty or non-JSON body. On a non-2xx
//! status the `{"error": ...}` message becomes [`Error::Api`]'s `message` (the raw body
//! is kept otherwise). Bad input (malformed emails, `0` ids, unknown ranks, non-digit
//! smart card numbers, blank computer usernames, empty lists) is [`Error::InvalidInput`]
//! naming the field, and nothing is sent.
//!
//! # Unverified facts and the choices made
//!
//! The public material is four documentation pages and no public code calls the API.
//! What the pages do not say, and what this crate does about it:
//!
//! - **Host, auth header, parameter encoding**: not published; see *Wire choices* above
//!   (each configurable).
//! - **`email_id` versus `user_id`.** Two distinct integers; [`EmailId`] and [`UserId`]
//!   are distinct types. `/modifyrank`'s `admin_user_id` is the target's `user_id`.
//! - **`/promoteguest`.** Its parameter is *named* `email_id` but *described* as a
//!   `user_id`. This crate follows the wire name and takes an [`EmailId`], like every
//!   other Users endpoint.
//! - **Suspension state.** The docs name the two states of `/togglesuspension`
//!   (`ACTIVE`, `SUSPENDED`) but **no field that reports them**, and the call flips the
//!   state blindly, so a toggle is not idempotent. The client reads the state from a
//!   [`SuspensionSource`] ([`ClientBuilder::suspension_source`]); the default,
//!   `ad_status`, is the vendor reference's inference (its values match the states), not
//!   a documented fact. [`Users::suspend`] and [`Users::unsuspend`]:
//!   - refuse with [`SuspensionError::StateUnknown`], sending nothing, when the source
//!     does not tell ([`SuspensionState::Unknown`], e.g. no `ad_status`, an unexpected
//!     value, or [`SuspensionSource::NotReported`]);
//!   - send nothing when the member is already in the requested state;
//!   - otherwise toggle **once** and read back; when the state did not move they stop
//!     with [`SuspensionError::NotMoved`] (or [`SuspensionError::Unconfirmed`] when the
//!     read-back fails) and never toggle a second time.
//!
//!   This is read-then-write, not atomic. [`Client::suspension_state`] tells a caller
//!   the state of a listed member without a request, so it can refuse to plan a
//!   suspension it can not verify.
//! - **`/togglesuspension` response**: the "Returns" section is empty; any 2xx is
//!   success, whatever the body.
//! - **Replace-all lists.** `/modifysmartcard` replaces the whole list (documented);
//!   `/modifyallusernames` is taken to do the same, inferred from "an empty list deletes
//!   them all". `set_…` says so; `add_…`/`remove_…` read, merge and write back (again
//!   read-then-write, not atomic).
//! - **Smart cards.** `number` is taken to be a digit string ("integer string"); the
//!   duplicate rule behind `allow_duplicates` is ambiguous; a missing `label` may come
//!   back as `""` or `null` (both accepted).
//! - **Timestamps** are `YYYY-MM-DD HH:MM:SS` with no zone; kept zone-less as
//!   [`chrono::NaiveDateTime`] inside [`Timestamp`], with [`Timestamp::assume_utc`] for
//!   the probable (undocumented) UTC reading. They may be null before onboarding.
//! - **User record.** Only the two ids are required; `unique_id` has no documented type
//!   (kept as raw JSON); `email_status` shows only `CONFIRMED` in the docs and `ad_status`
//!   only `ACTIVE` (open enums keep other values); fields the docs do not show are kept in
//!   [`User::extra`].
//! - **Listing.** `GET /multipleusers` returns everything in one response; without
//!   `user_tag` presumably only regular members, so lookups also check `user_tag=GUEST`.
//!   The `name` format with `email=true` is undocumented.
//! - **Errors.** Only `{"error": ...}` with "!200" (400/500 mentioned) is documented;
//!   which status a bad key or an unknown id gets is not.
//! - **Invites.** The verb for inviting is `PUT` (Invites reference) or `POST`
//!   (Quickstart): configurable. Only the key names of the answer are documented;
//!   [`InviteResult`]'s value types (email lists, integer ids, a boolean) are inferred.
//!   Cancelling an invite through `DELETE /user` by `email` is inferred.
//!
//! # What the API does not offer
//!
//! No server-side filter or search ([`Users::find_by_email`] lists and filters on the
//! client, up to two requests), no paging, no way to create a user other than inviting,
//! no documented Groups or Policies endpoints (they appear only as fields), no rate-limit
//! headers, no atomic "set suspended" call and no documented field reporting suspension.

mod auth;
mod client;
mod error;
mod generated;
pub mod ids;
mod invites;
mod paging;
mod params;
mod suspension;
pub mod types;
mod users;
mod validate;

pub use auth::AuthPlacement;
pub use client::{Client, ClientBuilder, MAX_RESPONSE_BYTES};
pub use core_http::{
    Error, ItemStream, Page, PageRequest, Result, RetryPolicy, SecretString, TransportOptions,
};
pub use error::AllthenticateErrorDecoder;
pub use generated::{
    ComputerUsernameEntry, Invite, InviteGroup, InviteResult, Message, SmartCard, SmartCardList,
    User, UserDetail,
};
pub use ids::{EmailId, UserId};
pub use invites::{InviteUsers, Invites};
pub use paging::ListUsers;
pub use params::{ArrayEncoding, BodyEncoding};
pub use suspension::{SuspensionError, SuspensionSource, SuspensionState};
pub use types::{Ack, AdStatus, EmailStatus, Rank, TIMESTAMP_FORMAT, Timestamp, UserTag};
pub use users::{DeleteUser, SuspensionChange, Users, WriteSmartCards};
