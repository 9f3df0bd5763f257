//! The Whaly partner-portal API simulator.
//!
//! An independent implementation of the vendor side of
//! `/v1/partner-portals/{portalId}/users`, `/v1/roles` and `/v1/user-attributes`,
//! following the documented behaviour (and, where Whaly is silent, the reference's
//! recommended choices):
//!
//! - **State**: users per portal, in creation order, unique by email
//!   (case-insensitive); roles and user attributes organisation-wide.
//! - **Auth**: `Authorization: Bearer <key>`; a missing or unknown key gets 401, a
//!   read-only key gets 403 on `POST` and `DELETE`.
//! - **Lists**: oldest first, `limit` (default 25, capped at 100, 400 when not a
//!   positive integer) and an opaque base64 `after` cursor; `paging.next.after` only
//!   when more items exist, `"paging": {}` on the last page.
//! - **Rate limits**: a fixed window of [`DEFAULT_QUOTA_PER_MINUTE`] requests per minute
//!   and per key (configurable); `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds
//!   until the window resets) on **every** response, and `429` with `Retry-After` past
//!   the quota.
//! - **Errors**: `{"status_code", "message", "request_id"}` with a fresh 32-hex
//!   `request_id` each time.
//! - **Create** validates required fields, the email, a non-empty list of known role
//!   ids, the locale shape and attribute ids; it answers `200` with the user
//!   (`last_logged_at: null`). A duplicate email is `400`. **Delete** answers
//!   `{"id", "isDeleted": true}`, then the user is `404`.
//! - `last_logged_at` is an ISO 8601 string (or `null`), switchable to epoch
//!   milliseconds ([`LastLoginFormat`]) to exercise client tolerance.
//!
//! # Time
//!
//! The simulator reads the time through a [`TimeSource`](crate::TimeSource) closure (default:
//! `SystemTime::now`). Tests that pace against the quota share one virtual clock
//! between the client and the simulator: the client's sleeps advance the clock, and
//! the simulator sees the window reset without anyone waiting a real minute. A test
//! may also pin the clock ([`PartnerPortalSim::set_now`]) and move it
//! ([`PartnerPortalSim::advance`]), as with the other simulators.
//!
//! ```
//! use std::sync::{Arc, Mutex};
//! use std::time::{Duration, SystemTime};
//! use portal_sandbox::partner_portal::PartnerPortalSim;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let now = Arc::new(Mutex::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600)));
//! let clock = Arc::clone(&now);
//! let sim = PartnerPortalSim::builder()
//!     .seed(7)
//!     .users(40)
//!     .quota_per_minute(100)
//!     .time_source(move || *clock.lock().unwrap())
//!     .build();
//! let sandbox = sim.serve().await?;
//! assert_eq!(sim.users(sim.portal_id()).len(), 40);
//! assert_eq!(sim.roles().len(), 5);
//! # drop(sandbox);
//! # Ok(()) }
//! ```

mod handlers;
mod state;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::routing::get;

use crate::clock::{Clock, Source};
use state::{Portal, State};
pub use state::{SimAttribute, SimRole, SimUser};

/// The read-write Service Account key accepted unless configured otherwise.
pub const DEFAULT_API_KEY: &str = "sk:sandbox4eC39HqLyjWDarjtT1zdp7dc";
/// The read-only Service Account key accepted unless configured otherwise.
pub const DEFAULT_READ_ONLY_KEY: &str = "sk:sandboxReadOnly9fQ2mZx7Lk3Ws";
/// The id of the portal every simulator has unless configured otherwise.
pub const DEFAULT_PORTAL_ID: &str = "pp_sandbox0Partners";
/// The default quota: Whaly's documented 500 requests per minute.
pub const DEFAULT_QUOTA_PER_MINUTE: u32 = 500;
/// Page size when a list request has no `limit` (invented; Whaly documents none).
pub const DEFAULT_PAGE_LIMIT: usize = 25;
/// The largest page served, whatever `limit` asks (invented; Whaly documents none).
pub const MAX_PAGE_LIMIT: usize = 100;

/// How `last_logged_at` is written in responses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LastLoginFormat {
    /// `"2024-05-02T08:41:17.000Z"`, or `null` (as the schema documents).
    #[default]
    Iso8601,
    /// Epoch milliseconds as a JSON number, or `null` (as some rendered examples hint).
    EpochMillis,
}

/// A running simulation's state and configuration; cheap to clone (shared state).
///
/// Pass [`router`](Self::router) to [`crate::SandboxBuilder::router`].
#[derive(Clone)]
pub struct PartnerPortalSim {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    state: Mutex<State>,
    first_portal: String,
}

pub(crate) struct Config {
    pub(crate) api_keys: Vec<String>,
    pub(crate) read_only_keys: Vec<String>,
    pub(crate) quota: u32,
    pub(crate) window: Duration,
    pub(crate) clock: Clock,
}

impl PartnerPortalSim {
    /// A builder with the defaults: seed 0, one empty portal ([`DEFAULT_PORTAL_ID`]),
    /// keys [`DEFAULT_API_KEY`] and [`DEFAULT_READ_ONLY_KEY`], 500 requests/minute.
    pub fn builder() -> PartnerPortalSimBuilder {
        PartnerPortalSimBuilder::default()
    }

    /// The routes, to pass to [`crate::SandboxBuilder::router`].
    pub fn router(&self) -> Router {
        Router::new()
            .route(
                "/v1/partner-portals/{portal_id}/users",
                get(handlers::list_users).post(handlers::create_user),
            )
            .route(
                "/v1/partner-portals/{portal_id}/users/{user_id}",
                get(handlers::get_user).delete(handlers::delete_user),
            )
            .route("/v1/roles", get(handlers::list_roles))
            .route("/v1/roles/{role_id}", get(handlers::get_role))
            .route("/v1/user-attributes", get(handlers::list_attributes))
            .route(
                "/v1/user-attributes/{attribute_id}",
                get(handlers::get_attribute),
            )
            .with_state(self.clone())
    }

    /// Starts a [`Sandbox`](crate::Sandbox) with the default settings serving this simulator.
    pub async fn serve(&self) -> std::io::Result<crate::Sandbox> {
        crate::Sandbox::builder()
            .router(self.router())
            .start()
            .await
    }

    /// The first read-write key.
    pub fn api_key(&self) -> &str {
        self.inner
            .config
            .api_keys
            .first()
            .map_or("", String::as_str)
    }

    /// The first read-only key.
    pub fn read_only_key(&self) -> &str {
        self.inner
            .config
            .read_only_keys
            .first()
            .map_or("", String::as_str)
    }

    /// The id of the first portal.
    pub fn portal_id(&self) -> &str {
        &self.inner.first_portal
    }

    /// Requests allowed per key and minute.
    pub fn quota_per_minute(&self) -> u32 {
        self.inner.config.quota
    }

    /// Every portal id, sorted.
    pub fn portal_ids(&self) -> Vec<String> {
        self.lock().portals.keys().cloned().collect()
    }

    /// Adds an empty portal (no-op if it exists).
    pub fn add_portal(&self, portal_id: impl Into<String>) {
        self.lock().portals.entry(portal_id.into()).or_default();
    }

    /// The users of a portal in creation order (empty for an unknown portal).
    pub fn users(&self, portal_id: &str) -> Vec<SimUser> {
        self.lock()
            .portals
            .get(portal_id)
            .map(|portal| portal.users.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The user of a portal with this email (case-insensitive).
    pub fn user_by_email(&self, portal_id: &str, email: &str) -> Option<SimUser> {
        let state = self.lock();
        let portal = state.portals.get(portal_id)?;
        let seq = portal.by_email.get(&email.to_lowercase())?;
        portal.users.get(seq).cloned()
    }

    /// The organisation's roles, in creation order.
    pub fn roles(&self) -> Vec<SimRole> {
        self.lock().roles.clone()
    }

    /// The organisation's user attributes, in creation order.
    pub fn attributes(&self) -> Vec<SimAttribute> {
        self.lock().attributes.clone()
    }

    /// Adds a role (e.g. to page over many).
    pub fn add_role(&self, id: impl Into<String>, name: impl Into<String>, is_system: bool) {
        self.lock().roles.push(SimRole {
            id: id.into(),
            name: name.into(),
            is_system,
        });
    }

    /// How many `429` responses the simulator has sent.
    pub fn rate_limited_responses(&self) -> u64 {
        self.lock().rate_limited
    }

    /// How `last_logged_at` is written from now on.
    pub fn set_last_login_format(&self, format: LastLoginFormat) {
        self.lock().format = format;
    }

    /// The simulator's current time.
    pub fn now(&self) -> SystemTime {
        self.inner.config.clock.now()
    }

    /// Pins the simulator's clock at `now` (rate windows run on it).
    pub fn set_now(&self, now: SystemTime) {
        self.inner.config.clock.set_now(now);
    }

    /// Moves the simulator's clock forward.
    pub fn advance(&self, by: Duration) {
        self.inner.config.clock.advance(by);
    }

    pub(crate) fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data (every change is one
        // step), so a poisoned lock is still usable.
        self.inner
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl fmt::Debug for PartnerPortalSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerPortalSim")
            .field("portal_id", &self.portal_id())
            .field("quota_per_minute", &self.inner.config.quota)
            .field("api_keys", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Configures a [`PartnerPortalSim`]; see [`PartnerPortalSim::builder`].
pub struct PartnerPortalSimBuilder {
    seed: u64,
    now: Option<SystemTime>,
    users: usize,
    portal_id: String,
    extra_portals: Vec<String>,
    api_keys: Vec<String>,
    read_only_keys: Vec<String>,
    quota: u32,
    window: Duration,
    time: Source,
    format: LastLoginFormat,
}

impl Default for PartnerPortalSimBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            now: None,
            users: 0,
            portal_id: DEFAULT_PORTAL_ID.to_owned(),
            extra_portals: Vec::new(),
            api_keys: Vec::new(),
            read_only_keys: Vec::new(),
            quota: DEFAULT_QUOTA_PER_MINUTE,
            window: Duration::from_secs(60),
            time: Source::default(),
            format: LastLoginFormat::default(),
        }
    }
}

impl PartnerPortalSimBuilder {
    /// The seed for generated users and ids (default 0).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The time generated last logins are spread before (default: the time source's
    /// current time at [`build`](Self::build)).
    #[must_use]
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Generated users in the first portal (default 0), from [`crate::People`].
    #[must_use]
    pub fn users(mut self, count: usize) -> Self {
        self.users = count;
        self
    }

    /// The id of the first portal (default [`DEFAULT_PORTAL_ID`]).
    #[must_use]
    pub fn portal_id(mut self, id: impl Into<String>) -> Self {
        self.portal_id = id.into();
        self
    }

    /// Adds another, empty portal.
    #[must_use]
    pub fn extra_portal(mut self, id: impl Into<String>) -> Self {
        self.extra_portals.push(id.into());
        self
    }

    /// Accepts this read-write key (the first one replaces [`DEFAULT_API_KEY`]).
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_keys.push(key.into());
        self
    }

    /// Accepts this read-only key (the first one replaces [`DEFAULT_READ_ONLY_KEY`]).
    #[must_use]
    pub fn read_only_key(mut self, key: impl Into<String>) -> Self {
        self.read_only_keys.push(key.into());
        self
    }

    /// Requests allowed per key and minute (default [`DEFAULT_QUOTA_PER_MINUTE`]).
    #[must_use]
    pub fn quota_per_minute(self, quota: u32) -> Self {
        self.rate_limit(quota, Duration::from_secs(60))
    }

    /// Requests allowed per key and `window` (whole seconds show in
    /// `X-RateLimit-Reset`): a window shorter than Whaly's minute runs a rate-limited
    /// scenario faster without changing its logic.
    #[must_use]
    pub fn rate_limit(mut self, quota: u32, window: Duration) -> Self {
        self.quota = quota;
        self.window = window;
        self
    }

    /// Where the current time comes from (default `SystemTime::now`); share a virtual
    /// clock with the client under test to check pacing without waiting.
    #[must_use]
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.time = Source::new(now);
        self
    }

    /// How `last_logged_at` is written (default ISO 8601).
    #[must_use]
    pub fn last_login_format(mut self, format: LastLoginFormat) -> Self {
        self.format = format;
        self
    }

    /// Builds the simulator and its seeded data.
    pub fn build(self) -> PartnerPortalSim {
        let now = self.now.unwrap_or_else(|| self.time.now());
        let api_keys = if self.api_keys.is_empty() {
            vec![DEFAULT_API_KEY.to_owned()]
        } else {
            self.api_keys
        };
        let read_only_keys = if self.read_only_keys.is_empty() {
            vec![DEFAULT_READ_ONLY_KEY.to_owned()]
        } else {
            self.read_only_keys
        };
        let mut state = State::new(self.seed, self.format);
        let mut portal = Portal::default();
        state.seed_users(&mut portal, self.seed, now, self.users);
        state.portals.insert(self.portal_id.clone(), portal);
        for extra in self.extra_portals {
            state.portals.entry(extra).or_default();
        }
        PartnerPortalSim {
            inner: Arc::new(Inner {
                config: Config {
                    api_keys,
                    read_only_keys,
                    quota: self.quota,
                    window: self.window,
                    clock: Clock::new(self.time, None),
                },
                state: Mutex::new(state),
                first_portal: self.portal_id,
            }),
        }
    }
}

impl fmt::Debug for PartnerPortalSimBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartnerPortalSimBuilder")
            .field("seed", &self.seed)
            .field("users", &self.users)
            .field("portal_id", &self.portal_id)
            .field("quota", &self.quota)
            .finish_non_exhaustive()
    }
}
