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
//! | `POST /togglesuspension` | [`Users::toggle_suspension`], [`Users::suspend`], [`Users::unsuspend`] |
//! | `GET /invites` | [`Invites::list`] |
//! | `POST /invites` | [`Invites::resend`] |
//! | `PUT /invites` | [`Invites::invite`] |
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
//! | API root | none: required | [`ClientBuilder::base_url`] (a path prefix such as `/api` is kept; a query string or fragment is [`Error::InvalidInput`]) |
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
//! - **`email_id` versus `user_id`.** Two distinct integers; [`EmailId`] and [`UserId`]
//!   are distinct types. `/modifyrank`'s `admin_user_id` is the target's `user_id`.
//! - **`/promoteguest`.** Its parameter is *named* `email_id` but *described* as a
//!   `user_id`. This crate follows the wire name and takes an [`EmailId`], like every
//!   other Users endpoint.
//! - **Suspension state.** No public field is documented to carry it; following the
//!   reference, it is read from `ad_status` (`ACTIVE`/`SUSPENDED`). [`Users::suspend`] and
//!   [`Users::unsuspend`] read the listing first and toggle only when needed:
//!   **read-then-write, not atomic**.
//! - **Replace-all lists.** `/modifyallusernames` and `/modifysmartcard` replace the
//!   whole list (an empty list clears it): `set_…` says so; `add_…`/`remove_…` read,
//!   merge and write back (again read-then-write, not atomic).
//! - **Timestamps** are `YYYY-MM-DD HH:MM:SS` with no zone; kept zone-less as
//!   [`chrono::NaiveDateTime`] inside [`Timestamp`], with [`Timestamp::assume_utc`] for
//!   the probable (undocumented) UTC reading.
//! - **Listing.** `GET /multipleusers` returns everything in one response; without
//!   `user_tag` presumably only regular members, so lookups also check `user_tag=GUEST`.
//!   The `name` format with `email=true` is undocumented.
//! - **Invite results.** Only the key names of the `PUT /invites` answer are documented;
//!   [`InviteResult`]'s value types (email lists, integer ids, a boolean) are inferred.
//!
//! # What the API does not offer
//!
//! No server-side filter or search ([`Users::find_by_email`] lists and filters on the
//! client, up to two requests), no paging, no way to create a user other than inviting,
//! no documented Groups or Policies endpoints (they appear only as fields), no rate-limit
//! headers, and no atomic "set suspended" call.

mod client;
mod generated;
pub mod ids;
mod invites;
mod params;
mod suspension;
pub mod types;
mod users;
mod validate;

pub use client::{
    Ack, AllthenticateErrorDecoder, ArrayEncoding, AuthPlacement, BodyEncoding, Client,
    ClientBuilder,
};
pub use core_http::{Error, Result, SecretString};
pub use generated::{
    ComputerUsernameEntry, Invite, InviteGroup, InviteResult, Message, SmartCard, SmartCardList,
    User, UserDetail,
};
pub use ids::{EmailId, UserId};
pub use invites::{InviteUsers, Invites};
pub use suspension::{SuspensionError, SuspensionSource, SuspensionState};
pub use types::{AdStatus, EmailStatus, Rank, TIMESTAMP_FORMAT, Timestamp, UserTag};
pub use users::{DeleteUser, ListUsers, SuspensionChange, Users, WriteSmartCards};
