//! The LogicMonitor REST API v3 simulator: users (*admins*), user groups (*admin
//! groups*), roles and API tokens under `/santaba/rest`.
//!
//! ```
//! use portal_sandbox::logicmonitor::LogicMonitorSim;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let lm = LogicMonitorSim::builder().seed(1).users(100).build();
//! let sandbox = lm.serve().await?;
//! let base_url = sandbox.url("/santaba/rest");
//! assert_eq!(lm.user_count(), 101); // 100 seeded people and the API user
//! assert!(!lm.access_key().is_empty());
//! # let _ = base_url;
//! # Ok(()) }
//! ```
//!
//! What it does, following `shared/vendors/logicmonitor.md` (section numbers below):
//!
//! - **Data**: seeded users drawn from [`People`](crate::People) (last logins spread
//!   over the year before `now`, some never logged in, some API-only with
//!   `lastLoginOn = 0`, some suspended), the four built-in roles (§4.3, each with
//!   privileges), eight user groups, and user 1, an API-only administrator owning one
//!   LMv1 token and one bearer token. Records are compact and names are regenerated on
//!   demand, so [`LogicMonitorSimBuilder::users`] may go to 1,000,000.
//! - **Auth** (§2): LMv1 verified against the raw received body, the percent-decoded
//!   path after `/santaba/rest` and a ±30 minute window around the sandbox's clock
//!   ([`LogicMonitorSim::now`]); bearer tokens; any enabled API token created
//!   through the API works too. Failures are 401 with `errorCode` 1401.
//! - **Versioning** (§1): `X-Version: 3` (or `?v=3`) is required; anything else is 400.
//! - **Routes** (§4): `/setting/admins` (GET, POST), `/setting/admins/{id}` (GET, PUT,
//!   PATCH, DELETE), `/setting/admins/apitokens` (GET), `/setting/admins/{id}/apitokens`
//!   (GET, POST), `/setting/admins/{id}/apitokens/{tokenId}` (PUT, PATCH, DELETE),
//!   `/setting/admin/groups` (GET, POST), `/setting/admin/groups/{id}` (GET, PUT,
//!   PATCH, DELETE), `/setting/roles` (GET, POST), `/setting/roles/{id}` (GET, PUT,
//!   PATCH, DELETE).
//! - **Lists** (§3.3): `{total, searchId: null, items}`, `size` (default 50, 0..=1000;
//!   more is 400), `offset`, `fields`, `sort` (`+f`/`-f`), `filter` (see below).
//!   `fields` keeps the properties the official SDK requires in every object it
//!   decodes (§7): `username`, `email` and `roles` on a user, `name` and `privileges`
//!   on a role, whether asked for or not.
//! - **User listing** (§4.1): `filterGroupString` is a loose match, a case-insensitive
//!   substring of first name, last name, username, a role name, a group name or the
//!   status (§3.4); `type=bearer` keeps the users owning a bearer token. Values whose
//!   meaning no source gives (`permission`, any `type` but `bearer`) are 400 naming the
//!   parameter, never ignored.
//! - **Filters**: `: !: > < >: <: ~ !~`, `,` AND, `||` OR (AND binds tighter),
//!   `"a"|"b"` any-of, quoted or bare values with `\x` meaning a literal `x`, `*` as a
//!   wildcard in `:` values unless escaped, case-insensitive strings, `a.b` for
//!   `roles.name` / `roles.id`. A malformed filter is 400.
//! - **Writes**: create returns 200 with the new object (§3.1); PUT resets omitted
//!   fields; PATCH changes only the fields sent; passwords are checked against the UI
//!   policy and applied on PUT/PATCH only with `changePassword=true`;
//!   `validationOnly=true` validates without saving; booleans in the query are
//!   case-insensitive (`True`). Duplicate usernames or group names are 409 (1409),
//!   unknown ids 404 (1404), invalid bodies 400 (1400) naming the field. Passwords and
//!   access keys are never returned, except a new token's key in the response that
//!   creates it.
//! - **Roles** (§4.3, §5.2): create needs `name` and a non-empty `privileges` list, each
//!   with `objectType`, `objectId` and `operation` (the SDK's required fields);
//!   `customHelpUrl` is read as `customHelpURL` and a `roleGroupId` string as a number
//!   (community clients send both). Deleting a role some user holds is 400 (§3.2: "the
//!   object cannot be deleted because something depends on it").
//! - **API tokens** (§4.1, §5.3): PUT and PATCH change `note` and `status` (2 enabled,
//!   1 disabled; anything else is 400); a disabled token no longer authenticates.
//!   Every user lists its tokens (without keys) in `apiTokens` (§5.1).
//! - **Rate limits** (§3.5): off unless configured
//!   ([`LogicMonitorSimBuilder::rate_limit`], [`LogicMonitorSim::set_rate_limit`]);
//!   then every response of a limited route carries `X-Rate-Limit-Limit/-Remaining/-Window`,
//!   counted per method and path template in fixed windows of the sandbox's clock, and
//!   requests over the limit get 429 with `errorCode` 1429 (no `Retry-After`, as
//!   LogicMonitor documents waiting the window).
//!
//! # Choices and unverified facts
//!
//! Each is either sourced or the sandbox's own choice; the configurable ones name their
//! builder method and default.
//!
//! - `objectName` of a privilege whose `objectId` is `*` is `*`, as LogicMonitor's
//!   PowerShell module writes it (`New-LMRole.ps1`); a privilege created without one
//!   gets its `objectId` (choice).
//! - `lastAccessOn`, `lastActionOn` and `acceptEULAOn` are seeded independently of
//!   `lastLoginOn` (epoch seconds, §5.1 \[COMM\]); what each means on a real portal is
//!   undocumented, so their relations are choices: access never before the last login
//!   (a UI session lasts up to 8 hours), the last action in the last 30 days of access,
//!   the EULA accepted (and `acceptEULA` true) exactly when the user has logged in, up
//!   to 400 days before. API-only users and a fraction of the others use the API at
//!   times unrelated to their logins, so a never-logged-in user may show recent access:
//!   [`LogicMonitorSimBuilder::api_activity`], default 15 %. `lastAction` and
//!   `lastActionOnLocal` are `""` (their format is undocumented).
//! - `lastAuthIp`: an address from the RFC 5737 documentation ranges, stable per user,
//!   for users with any access, else `""`:
//!   [`LogicMonitorSimBuilder::last_auth_ip`], default on.
//! - `userType` and `tenantId` exist (§5.1) but no source gives their values: left out
//!   unless set with [`LogicMonitorSimBuilder::user_type`] /
//!   [`LogicMonitorSimBuilder::tenant_id`], default none.
//! - Tokens of a suspended user are refused with 401 (no source says):
//!   [`LogicMonitorSimBuilder::reject_suspended_owner_tokens`], default on.
//! - `viewPermission` is the same for everyone, all tabs on; `userPermission` is always
//!   `write`; `trainingEmail` is `""`; `immediateForceLogout` is false (choices).
//! - A non-numeric id is 400 (§4.1 allows 400 or 404); `size=0` returns only `total`.
//! - An unsupported method on a known path is 405 with an `Allow` header and
//!   `errorCode` 1405, following the table's `1000 + status` pattern (§3.2 lists no
//!   405).
//! - Duplicate role names are 409 like duplicate usernames and group names (§3.2 \[INF\]);
//!   the four built-in roles can not be deleted (400); a role `PUT` resets
//!   `description`, the help label and URL to `""`, `twoFARequired` and `requireEULA`
//!   to false and `roleGroupId` to 1; a token `PUT` resets `note` to `""` and `status`
//!   to enabled (choices).
//! - Deleting a group drops its id from every user (§4.2 \[INF\]).

mod api;
mod filter;
mod store;

use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::routing::any;

use crate::clock::{Clock, Source};
use store::{Choices, Seed, Store};

/// The path prefix of every LogicMonitor route.
pub const BASE_PATH: &str = "/santaba/rest";

/// How far an LMv1 timestamp may be from the sandbox's clock.
pub const LMV1_MAX_SKEW: Duration = Duration::from_secs(30 * 60);

/// The largest `size` a listing accepts.
pub const MAX_PAGE_SIZE: usize = 1000;

/// A handle on one simulated LogicMonitor portal. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct LogicMonitorSim {
    inner: Arc<Inner>,
}

struct Inner {
    store: RwLock<Store>,
    clock: Clock,
    limits: Mutex<api::RateLimits>,
    access_id: String,
    access_key: String,
    bearer: String,
}

impl fmt::Debug for LogicMonitorSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogicMonitorSim")
            .field("users", &self.user_count())
            .field("credentials", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Configures a [`LogicMonitorSim`].
#[derive(Debug, Clone)]
pub struct LogicMonitorSimBuilder {
    seed: u64,
    users: usize,
    now: Option<SystemTime>,
    time: Source,
    never_logged_in: f64,
    api_only: f64,
    suspended: f64,
    api_activity: f64,
    choices: Choices,
    access_id: Option<String>,
    access_key: Option<String>,
    bearer: Option<String>,
    rate_limit: Option<(u32, Duration)>,
}

impl Default for LogicMonitorSimBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            users: 100,
            now: None,
            time: Source::default(),
            never_logged_in: crate::DEFAULT_NEVER_LOGGED_IN,
            api_only: 0.03,
            suspended: 0.1,
            api_activity: 0.15,
            choices: Choices {
                user_type: None,
                tenant_id: None,
                last_auth_ip: true,
                reject_suspended_owner_tokens: true,
            },
            access_id: None,
            access_key: None,
            bearer: None,
            rate_limit: None,
        }
    }
}

impl LogicMonitorSimBuilder {
    /// The seed for generated data and credentials (default 0).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How many people to seed as users (default 100, at most 1,000,000 is tested);
    /// user 1, the API user, comes on top.
    #[must_use]
    pub fn users(mut self, users: usize) -> Self {
        self.users = users.min(i32::MAX as usize - 16);
        self
    }

    /// Pins the sandbox's clock at `now` (default: the system clock). Last logins are
    /// spread over the year before it, LMv1 timestamps are checked against it, and rate
    /// windows run on it; move it with [`LogicMonitorSim::advance`].
    #[must_use]
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Where the current time comes from while the clock is not pinned with
    /// [`now`](Self::now) (default `SystemTime::now`); share a virtual clock with the
    /// client under test to check pacing without waiting.
    #[must_use]
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.time = Source::new(now);
        self
    }

    /// The fraction of (non-API) people who never logged in (default 8 %).
    #[must_use]
    pub fn never_logged_in(mut self, fraction: f64) -> Self {
        self.never_logged_in = fraction;
        self
    }

    /// The fraction of users that are API-only (default 3 %).
    #[must_use]
    pub fn api_only(mut self, fraction: f64) -> Self {
        self.api_only = fraction.clamp(0.0, 1.0);
        self
    }

    /// The fraction of users seeded as suspended (default 10 %).
    #[must_use]
    pub fn suspended(mut self, fraction: f64) -> Self {
        self.suspended = fraction.clamp(0.0, 1.0);
        self
    }

    /// The fraction of users who are not API-only that also use the API (default 15 %):
    /// their `lastAccessOn` follows their API use, not their last login, and some of
    /// them never logged in at all. API-only users always may.
    #[must_use]
    pub fn api_activity(mut self, fraction: f64) -> Self {
        self.api_activity = fraction.clamp(0.0, 1.0);
        self
    }

    /// The `userType` every user shows (default: none, the field is left out; no source
    /// gives its values).
    #[must_use]
    pub fn user_type(mut self, user_type: Option<String>) -> Self {
        self.choices.user_type = user_type;
        self
    }

    /// The `tenantId` every user shows (default: none, the field is left out; no source
    /// gives its values).
    #[must_use]
    pub fn tenant_id(mut self, tenant_id: Option<i32>) -> Self {
        self.choices.tenant_id = tenant_id;
        self
    }

    /// Whether users who accessed the portal show a `lastAuthIp`, an address from the
    /// RFC 5737 documentation ranges stable per user (default: yes); otherwise it is `""`.
    #[must_use]
    pub fn last_auth_ip(mut self, show: bool) -> Self {
        self.choices.last_auth_ip = show;
        self
    }

    /// Whether the API tokens of a suspended user are refused with 401 (default: yes; no
    /// source says what a real portal does).
    #[must_use]
    pub fn reject_suspended_owner_tokens(mut self, reject: bool) -> Self {
        self.choices.reject_suspended_owner_tokens = reject;
        self
    }

    /// The LMv1 access id and key the API user's token has (default: derived from the seed).
    #[must_use]
    pub fn lmv1_credentials(
        mut self,
        access_id: impl Into<String>,
        access_key: impl Into<String>,
    ) -> Self {
        self.access_id = Some(access_id.into());
        self.access_key = Some(access_key.into());
        self
    }

    /// The API user's bearer token (default: `lmb_` and characters derived from the seed).
    #[must_use]
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// Limits every route to `limit` requests per `window` (per method and path template).
    #[must_use]
    pub fn rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.rate_limit = Some((limit, window));
        self
    }

    /// Generates the data.
    pub fn build(self) -> LogicMonitorSim {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const KEY: &[u8] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789()[]{}=+-_!~^";
        let mut rng = fastrand::Rng::with_seed(self.seed ^ 0x006C_6D76_3100);
        let mut token = |len: usize, alphabet: &[u8]| -> String {
            (0..len)
                .map(|_| char::from(alphabet[rng.usize(..alphabet.len())]))
                .collect()
        };

        let access_id = self.access_id.unwrap_or_else(|| token(20, ALNUM));
        let access_key = self.access_key.unwrap_or_else(|| token(40, KEY));
        let bearer = self
            .bearer
            .unwrap_or_else(|| format!("lmb_{}", token(40, ALNUM)));
        let now = self.now.unwrap_or_else(|| self.time.now());
        let store = Store::seeded(&Seed {
            seed: self.seed,
            users: self.users,
            now,
            never_logged_in: self.never_logged_in,
            api_only: self.api_only,
            suspended: self.suspended,
            api_activity: self.api_activity,
            choices: self.choices,
            access_id: access_id.clone(),
            access_key: access_key.clone(),
            bearer: bearer.clone(),
        });
        let limits = api::RateLimits {
            default: self.rate_limit,
            ..api::RateLimits::default()
        };
        LogicMonitorSim {
            inner: Arc::new(Inner {
                store: RwLock::new(store),
                clock: Clock::new(self.time, self.now),
                limits: Mutex::new(limits),
                access_id,
                access_key,
                bearer,
            }),
        }
    }
}

impl LogicMonitorSim {
    /// A builder with 100 users and the system clock.
    pub fn builder() -> LogicMonitorSimBuilder {
        LogicMonitorSimBuilder::default()
    }

    /// The routes, to pass to [`SandboxBuilder::router`](crate::SandboxBuilder::router);
    /// the client's base URL is the sandbox's URL followed by [`BASE_PATH`].
    pub fn router(&self) -> Router {
        let state = self.clone();
        Router::new()
            .route(&format!("{BASE_PATH}/{{*rest}}"), any(api::handle))
            .route(BASE_PATH, any(api::handle))
            .with_state(state)
    }

    /// Starts a [`Sandbox`](crate::Sandbox) with the default settings serving this simulator.
    pub async fn serve(&self) -> std::io::Result<crate::Sandbox> {
        crate::Sandbox::builder()
            .router(self.router())
            .start()
            .await
    }

    /// The access id of the API user's LMv1 token.
    pub fn access_id(&self) -> &str {
        &self.inner.access_id
    }

    /// The access key of the API user's LMv1 token.
    pub fn access_key(&self) -> &str {
        &self.inner.access_key
    }

    /// The API user's bearer token.
    pub fn bearer_token(&self) -> &str {
        &self.inner.bearer
    }

    /// The sandbox's current time.
    pub fn now(&self) -> SystemTime {
        self.inner.clock.now()
    }

    /// Moves the sandbox's clock forward (LMv1 windows, rate windows).
    pub fn advance(&self, by: Duration) {
        self.inner.clock.advance(by);
    }

    /// Pins the clock at `now`.
    pub fn set_now(&self, now: SystemTime) {
        self.inner.clock.set_now(now);
    }

    /// Limits every route to `limit` requests per `window`, or lifts limits with `None`.
    /// Counters start afresh.
    pub fn set_rate_limit(&self, limit: Option<(u32, Duration)>) {
        let mut limits = lock(&self.inner.limits);
        limits.default = limit;
        limits.windows.clear();
    }

    /// Limits one route (`method` and path template after [`BASE_PATH`], e.g.
    /// `"/setting/admins/{id}"`) to `limit` requests per `window`.
    pub fn set_route_rate_limit(
        &self,
        method: http::Method,
        template: &str,
        limit: u32,
        window: Duration,
    ) {
        let mut limits = lock(&self.inner.limits);
        limits
            .routes
            .insert((method, template.to_owned()), (limit, window));
    }

    /// How many users exist.
    pub fn user_count(&self) -> usize {
        read(&self.inner.store).users.len()
    }

    /// A user as `GET /setting/admins/{id}` would return it.
    pub fn user(&self, id: i32) -> Option<serde_json::Value> {
        let store = read(&self.inner.store);
        let index = store.user_index(id)?;
        Some(serde_json::Value::Object(
            store.user_json(&store.users[index]),
        ))
    }

    /// A user's group ids.
    pub fn user_group_ids(&self, id: i32) -> Option<Vec<i32>> {
        let store = read(&self.inner.store);
        let index = store.user_index(id)?;
        Some(store.users[index].groups.to_vec())
    }

    /// Every user group as the API returns it.
    pub fn groups(&self) -> Vec<serde_json::Value> {
        let store = read(&self.inner.store);
        store
            .groups
            .iter()
            .map(|g| serde_json::Value::Object(Store::group_json(g)))
            .collect()
    }

    /// Sets a user's `lastLoginOn` (epoch seconds; 0 = never), to arrange a scenario.
    /// Returns whether the user exists.
    pub fn set_last_login(&self, id: i32, epoch_secs: i64) -> bool {
        let mut store = write(&self.inner.store);
        let Some(index) = store.user_index(id) else {
            return false;
        };
        let user = &mut store.users[index];
        user.last_login = epoch_secs;
        // Access is never before the last login.
        user.activity.last_access = user.activity.last_access.max(epoch_secs);
        true
    }

    /// Ids of the users matching a LogicMonitor filter (the text the server reads after
    /// decoding the `filter` query parameter twice), in id order; `Err` explains a
    /// malformed filter.
    pub fn user_ids_matching(&self, filter: &str) -> Result<Vec<i32>, String> {
        let filter = filter::Filter::parse(filter)?;
        let store = read(&self.inner.store);
        Ok(store
            .users
            .iter()
            .filter(|user| {
                let mut cache = None;
                filter.matches(&mut |name| store.user_field(user, &mut cache, name))
            })
            .map(|user| user.id)
            .collect())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
