//! The Allthenticate organization API simulator (feature `allthenticate`).
//!
//! A stateful, independent implementation of the vendor side of the Users and Invites
//! endpoints described in `shared/vendors/allthenticate.md` (it shares no types with
//! `allthenticate-client`). Serve it with [`AllthenticateSim::serve`]:
//!
//! ```
//! use portal_sandbox::allthenticate::AllthenticateSim;
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> std::io::Result<()> {
//!     let sim = AllthenticateSim::builder().seed(7).users(10).guests(2).build();
//!     let sandbox = sim.serve().await?;
//!     assert_eq!(sim.members().len(), 12);
//!     assert!(!sim.api_key().is_empty());
//!     assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//!     Ok(())
//! }
//! ```
//!
//! # Routes
//!
//! `GET /multipleusers`, `GET`/`DELETE /user`, `POST /modifyallusernames`,
//! `POST /modifyrank`, `GET`/`POST /modifysmartcard`, `POST /promoteguest`,
//! `POST /togglesuspension`, `GET`/`POST`/`PUT /invites`.
//!
//! # Wire behaviour (the vendor publishes none of this; these are the simulator's rules)
//!
//! - **Parameters** are read from the query string, an
//!   `application/x-www-form-urlencoded` body or a JSON object body (a body value wins
//!   over a query value of the same name). Array parameters may be a JSON-encoded string
//!   or a native JSON array; booleans may be `true/false/1/0/yes/no` in any case (or JSON
//!   booleans); integer ids may be JSON numbers or strings.
//! - **The API key** is accepted, in [`AuthMode::Any`] (default), as
//!   `Authorization: Bearer <key>`, `Authorization: <key>`, any other header whose value
//!   is the key, or any query parameter whose value is the key. The strict modes accept
//!   only one place. Missing or wrong key: `401 {"error": ...}`.
//! - **Errors** are `{"error": "<message>"}` with 400 (bad input, unknown ids), 401 (key)
//!   or 405 (method).
//! - `GET /multipleusers` without `user_tag` returns the `USER` members only, with
//!   `user_tag=GUEST` the guests only; with `email=true` the name reads
//!   `"<first> <last> (<email>)"`.
//!
//! # Effects
//!
//! Each rule is tagged: **\[doc\]** the vendor documents it; **\[inferred\]** the vendor
//! reference infers it from the docs; **\[choice\]** this simulator's own choice where the
//! docs are silent. Every \[inferred\] or \[choice\] rule that a client could trip over is
//! configurable on [`AllthenticateSimBuilder`].
//!
//! - `DELETE /user` (by `email_id`, or `email`; `email_id` wins when both are given
//!   \[doc\]) removes the member from the organization and from every group, deletes the
//!   policies assigned only to them and takes them out of shared ones; the account stays
//!   (see [`AllthenticateSim::outside_accounts`]) \[doc\]. Neither parameter: 400 \[choice\].
//!   Given the email of a pending invite, it cancels the invite [doc: Invites page; by
//!   `email` is inferred].
//! - `/modifyallusernames` and `POST /modifysmartcard` replace the whole list [doc for
//!   smart cards; inferred for usernames from "an empty list deletes them all"]. Smart
//!   card numbers must be digit strings [inferred from "integer string"]; unless
//!   `allow_duplicates` is true, a list that repeats a number or uses one held by another
//!   member is refused with 400 [choice: the duplicate rule is ambiguous]. A missing
//!   `label` is stored as `""` \[choice\].
//! - `/modifyrank` takes the target's `user_id` as `admin_user_id` \[doc\]; only a caller
//!   of rank `SUPER` ([`AllthenticateSimBuilder::caller_rank`], default `SUPER` \[choice\]:
//!   the API key's own rank is unknown) may grant `ADMIN` or `SUPER` \[inferred\]; an
//!   unknown rank or user is 400 \[inferred\].
//! - `/promoteguest` takes an `email_id` [doc: the wire name; the text calls it a
//!   `user_id`] (optionally also a `user_id`, see
//!   [`AllthenticateSimBuilder::promote_accepts_user_id`]); 400 if the member is not a
//!   guest \[inferred\].
//! - `GET /user` for an unknown or deleted `email_id`: 400 \[inferred\].
//! - `/togglesuspension` flips the suspension; the two states `ACTIVE`/`SUSPENDED` are
//!   documented \[doc\]. Members whose email is not confirmed get 400 \[inferred\]. The body
//!   is `{"success": ...}` [inferred: the vendor's "Returns" is empty], or empty with
//!   [`AllthenticateSimBuilder::empty_toggle_response`].
//! - **Where suspension shows is not documented.** No public field is shown to carry
//!   it; by default the listing's `ad_status` reads `SUSPENDED`/`ACTIVE` [inferred: its
//!   values match the documented states]. This is configurable with
//!   [`SuspensionReport`] via [`AllthenticateSimBuilder::suspension_report`]: report it in
//!   another field, keep `ad_status` at `ACTIVE` whatever the state, or not report it at
//!   all.
//! - `PUT /invites` (and `POST /invites` with an `emails` parameter, as the Quickstart
//!   has it [doc: the two pages disagree]) adds known accounts at once and records
//!   invites for new addresses \[doc\]; `POST /invites` with `email` resends a pending
//!   invite \[doc\]. The value types of the answer's keys are \[inferred\].
//! - Seeded data: `user_id`, `email_id` and `unique_id` come from different counters so
//!   mix-ups show [choice, as the reference advises]; timestamps are
//!   `YYYY-MM-DD HH:MM:SS` taken as UTC \[inferred\].

mod http_api;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use state::{Account, Group, Member, PendingInvite, Policy, SmartCard};

use crate::clock::{Clock, Source};
use state::State;

/// Where the simulator accepts the API key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum AuthMode {
    /// Anywhere: bearer, raw `Authorization`, any header or any query parameter (default).
    #[default]
    Any,
    /// Only `Authorization: Bearer <key>`.
    Bearer,
    /// Only `Authorization: <key>`.
    RawAuthorization,
    /// Only this header (case-insensitive name).
    Header(String),
    /// Only this query parameter.
    Query(String),
}

/// What the listing reports about a member's suspension. The vendor documents the states
/// of `/togglesuspension` but no field carrying them, so every mode is a labelled choice.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SuspensionReport {
    /// `ad_status` is `SUSPENDED` for a suspended member, else `ACTIVE` (the default: the
    /// vendor reference's inference).
    #[default]
    AdStatus,
    /// The named field carries `SUSPENDED`/`ACTIVE`; `ad_status` stays `ACTIVE`.
    Field(String),
    /// `ad_status` is `ACTIVE` whatever the state: the suspension is kept but invisible,
    /// while the field looks as if it reported it.
    AdStatusAlwaysActive,
    /// Not reported at all: the records carry no `ad_status` and no other suspension field.
    NotReported,
}

/// Fixed settings of one simulator.
#[derive(Debug)]
struct Config {
    api_key: String,
    auth_mode: AuthMode,
    caller_rank: String,
    promote_accepts_user_id: bool,
    suspension_report: SuspensionReport,
    empty_toggle_response: bool,
}

/// A simulated Allthenticate organization. Cheap to clone; clones share the state.
#[derive(Debug, Clone)]
pub struct AllthenticateSim {
    config: Arc<Config>,
    clock: Arc<Clock>,
    state: Arc<Mutex<State>>,
}

/// Configures an [`AllthenticateSim`] simulator.
#[derive(Debug, Clone)]
pub struct AllthenticateSimBuilder {
    seed: u64,
    users: usize,
    guests: usize,
    outside_accounts: usize,
    pending_invites: usize,
    now: Option<SystemTime>,
    time: Source,
    api_key: Option<String>,
    auth_mode: AuthMode,
    caller_rank: String,
    promote_accepts_user_id: bool,
    suspension_report: SuspensionReport,
    empty_toggle_response: bool,
}

/// 2026-01-01 00:00:00 UTC, the default "now" of generated data.
pub const DEFAULT_NOW_UNIX: u64 = 1_767_225_600;

impl Default for AllthenticateSimBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            users: 20,
            guests: 3,
            outside_accounts: 5,
            pending_invites: 2,
            now: None,
            time: Source::default(),
            api_key: None,
            auth_mode: AuthMode::Any,
            caller_rank: "SUPER".to_owned(),
            promote_accepts_user_id: false,
            suspension_report: SuspensionReport::AdStatus,
            empty_toggle_response: false,
        }
    }
}

impl AllthenticateSimBuilder {
    /// Seed of the generated data (default 0).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Number of regular (`USER`) members (default 20).
    #[must_use]
    pub fn users(mut self, count: usize) -> Self {
        self.users = count;
        self
    }

    /// Number of `GUEST` members (default 3).
    #[must_use]
    pub fn guests(mut self, count: usize) -> Self {
        self.guests = count;
        self
    }

    /// Number of Allthenticate accounts outside the organization, which an invite adds
    /// at once (default 5).
    #[must_use]
    pub fn outside_accounts(mut self, count: usize) -> Self {
        self.outside_accounts = count;
        self
    }

    /// Number of pending invites at start (default 2).
    #[must_use]
    pub fn pending_invites(mut self, count: usize) -> Self {
        self.pending_invites = count;
        self
    }

    /// The "now" that generated timestamps are spread before (default 2026-01-01 UTC).
    #[must_use]
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Where the current time comes from (default `SystemTime::now`); share a virtual
    /// clock with the client under test to check pacing without waiting. Given a time
    /// source and no [`now`](Self::now), the clock follows it instead of staying at
    /// 2026-01-01, and generated timestamps are spread before its time at
    /// [`build`](Self::build).
    #[must_use]
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.time = Source::new(now);
        self
    }

    /// The accepted API key (default derived from the seed: `at-sandbox-<seed hex>`).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Where the key is accepted (default [`AuthMode::Any`]).
    #[must_use]
    pub fn auth_mode(mut self, mode: AuthMode) -> Self {
        self.auth_mode = mode;
        self
    }

    /// The rank of the API key's owner (default `SUPER`); only `SUPER` may grant
    /// `ADMIN` or `SUPER`.
    #[must_use]
    pub fn caller_rank(mut self, rank: impl Into<String>) -> Self {
        self.caller_rank = rank.into();
        self
    }

    /// Lets `/promoteguest` fall back to a `user_id` lookup when no member has the given
    /// `email_id` (default off: the wire name `email_id` is taken literally).
    #[must_use]
    pub fn promote_accepts_user_id(mut self, yes: bool) -> Self {
        self.promote_accepts_user_id = yes;
        self
    }

    /// What the listing reports about suspension (default [`SuspensionReport::AdStatus`]).
    #[must_use]
    pub fn suspension_report(mut self, report: SuspensionReport) -> Self {
        self.suspension_report = report;
        self
    }

    /// Answers `/togglesuspension` with `200` and an empty body, as the vendor's empty
    /// "Returns" section allows (default off: `{"success": ...}`).
    #[must_use]
    pub fn empty_toggle_response(mut self, yes: bool) -> Self {
        self.empty_toggle_response = yes;
        self
    }

    /// Generates the organization.
    pub fn build(self) -> AllthenticateSim {
        let default_now = UNIX_EPOCH + Duration::from_secs(DEFAULT_NOW_UNIX);
        let pinned = self.now.or((!self.time.is_given()).then_some(default_now));
        let state = State::generate(
            self.seed,
            pinned.unwrap_or_else(|| self.time.now()),
            self.users,
            self.guests,
            self.outside_accounts,
            self.pending_invites,
        );
        AllthenticateSim {
            config: Arc::new(Config {
                api_key: self
                    .api_key
                    .unwrap_or_else(|| format!("at-sandbox-{:016x}", self.seed)),
                auth_mode: self.auth_mode,
                caller_rank: self.caller_rank,
                promote_accepts_user_id: self.promote_accepts_user_id,
                suspension_report: self.suspension_report,
                empty_toggle_response: self.empty_toggle_response,
            }),
            clock: Arc::new(Clock::new(self.time, pinned)),
            state: Arc::new(Mutex::new(state)),
        }
    }
}

impl AllthenticateSim {
    /// A builder with the defaults.
    pub fn builder() -> AllthenticateSimBuilder {
        AllthenticateSimBuilder::default()
    }

    /// The routes, to pass to [`SandboxBuilder::router`](crate::SandboxBuilder::router).
    pub fn router(&self) -> axum::Router {
        http_api::router(self.clone())
    }

    /// Starts a [`Sandbox`](crate::Sandbox) with the default settings serving this simulator.
    pub async fn serve(&self) -> std::io::Result<crate::Sandbox> {
        crate::Sandbox::builder()
            .router(self.router())
            .start()
            .await
    }

    /// The API key the simulator accepts.
    pub fn api_key(&self) -> &str {
        &self.config.api_key
    }

    /// Where the key is accepted.
    pub fn auth_mode(&self) -> &AuthMode {
        &self.config.auth_mode
    }

    /// The simulator's current time (default: the builder's
    /// [`now`](AllthenticateSimBuilder::now)); invitations are dated with it.
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// Pins the simulator's clock at `now`.
    pub fn set_now(&self, now: SystemTime) {
        self.clock.set_now(now);
    }

    /// Moves the simulator's clock forward.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every member (users and guests), by `email_id`.
    pub fn members(&self) -> Vec<Member> {
        self.lock().members.values().cloned().collect()
    }

    /// The member with this `email_id`.
    pub fn member(&self, email_id: u64) -> Option<Member> {
        self.lock().members.get(&email_id).cloned()
    }

    /// The member with this email (case-insensitive).
    pub fn member_by_email(&self, email: &str) -> Option<Member> {
        self.lock().member_by_email(email).cloned()
    }

    /// The policy names a member is in.
    pub fn policies_of(&self, email_id: u64) -> Vec<String> {
        self.lock().policies_of(email_id)
    }

    /// Every policy.
    pub fn policies(&self) -> Vec<Policy> {
        self.lock().policies.clone()
    }

    /// Every user group.
    pub fn groups(&self) -> Vec<Group> {
        self.lock().groups.clone()
    }

    /// The `email_id`s of the members of the group `name`.
    pub fn group_members(&self, name: &str) -> Vec<u64> {
        self.lock()
            .members
            .values()
            .filter(|member| member.groups.iter().any(|group| group == name))
            .map(|member| member.email_id)
            .collect()
    }

    /// Pending invites.
    pub fn pending_invites(&self) -> Vec<PendingInvite> {
        self.lock().invites.clone()
    }

    /// Allthenticate accounts that are not members (deleted members end up here).
    pub fn outside_accounts(&self) -> Vec<Account> {
        self.lock().accounts.clone()
    }

    /// Addresses an invitation email was sent to, in order.
    pub fn sent_emails(&self) -> Vec<String> {
        self.lock().sent_emails.clone()
    }

    /// Adds (or replaces) a policy with these members, for test setups.
    pub fn add_policy(&self, name: impl Into<String>, email_ids: &[u64]) {
        let name = name.into();
        let mut state = self.lock();
        state.policies.retain(|policy| policy.name != name);
        state.policies.push(Policy {
            name,
            members: email_ids.to_vec(),
        });
    }
}
