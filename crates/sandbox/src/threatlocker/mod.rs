//! The ThreatLocker portal API simulator.
//!
//! An organization tree (a parent with many children), roles per organization, users
//! and pending invitations, and a fixed list of real Windows timezone ids, behind the
//! four calls ThreatLocker documents for users:
//!
//! - `GET /portalapi/User/UserGetAllTimezones`
//! - `POST /portalapi/User/UserInviteByUsername`
//! - `POST /portalapi/UserRoles/UserRolesGetByParameters`
//! - `POST /portalapi/Organization/OrganizationGetChildOrganizationsByParameters`
//!
//! Behaviour, following `shared/vendors/threatlocker.md`. ThreatLocker publishes request
//! fields and permissions for these calls but no responses and no error contract, so
//! every choice for an undocumented case is **in brackets**:
//!
//! - Paths are matched without regard to case (`/portalapi/`, `/portalAPI/`, ...), and so
//!   are header names (HTTP) [the reference's inference from the KB's mixed spellings].
//!   [Wrong method on a known path: 405. Unknown path: 404.]
//! - `Authorization: <token>` raw. A missing or unknown token [also `Bearer <token>`]
//!   gets **440** `{"message":"Unauthorized","error":"TOKEN_REVOKED"}` (one client
//!   maintainer's live report; other clients assume 401).
//! - `ManagedOrganizationId` (or, failing that, `OverrideManagedOrganizationId`) selects
//!   the organization; absent or the zero GUID means the token's own organization.
//!   [An organization the token can not manage, or an unknown one: 401. A malformed
//!   GUID: 500.]
//! - Invitations need **both** the Edit Administrators and the Assign Roles permission
//!   (the seed article lists both). A token lacking one gets **401**
//!   `Missing the '<name>' permission`, naming the first one missing in the seed's order
//!   (Edit Administrators, then Assign Roles). [The status is the reference's observed one
//!   for a valid token lacking a permission; the named text and the PascalCase envelope
//!   follow the reference's inference.] [`ThreatLockerSim::token_lacking`] gives such tokens.
//! - Invitations: a malformed email, a missing or empty role list, a role of another
//!   organization or an unknown role, and an email already present in the organization
//!   each get **417** `{LoggerId, StatusCode, Message}` [the reference's recommended
//!   mapping; the real answers are undocumented]. A success creates a pending user
//!   holding only the email (as the seed describes).
//! - [Invitation response: ThreatLocker documents none.] By default 200
//!   `{userId, username, organizationId}`, the body the reference suggests for a
//!   simulator; **`userId` is this simulator's invention**, no public source shows a real
//!   portal returning it. [`ThreatLockerSimBuilder::invite_response`] can answer an empty
//!   body or `true` instead.
//! - Lists are bare arrays [sorted by name; children optionally by date], paged by `pageNumber`/`pageSize` in the body,
//!   with a `pagination` header `{"currentPage","itemsPerPage","totalItems","totalPages"}`.
//!   [Missing paging fields or a page size below 1: 417, the reference's status for a
//!   validation failure.] [A page number below 1 has no documented answer: by default
//!   417 `Page number and page size must be greater than 0`; see [`PageBelowOne`] and
//!   [`ThreatLockerSimBuilder::page_below_one`].] An empty page is `[]`, or `null` or an
//!   empty body with [`ThreatLockerSimBuilder::empty_list`].
//! - A body that is not the expected JSON gets **500** `A problem occurred with the request (<id>)`
//!   (observed for wrong body shapes; [which shapes] is a choice).
//! - Timezones: a fixed list of real Windows ids with `id`, `displayName`,
//!   `standardName`, `baseUtcOffset`, `supportsDaylightSavingTime` [only `id` is
//!   documented]. Roles and organizations carry the fields the reference takes from
//!   ThreatLocker's public C# models and clients [the JSON names are assumed camelCase].
//! - [No rate limit, as none is documented.] Users other than pending invitations are
//!   seeded data; the public API has no call to list them.
//!
//! ```
//! use portal_sandbox::threatlocker::ThreatLockerSim;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let portal = ThreatLockerSim::builder().seed(1).children(500).children_lacking_role("Helpdesk", 20).build();
//! assert_eq!(portal.child_ids().len(), 500);
//! assert_eq!(portal.children_lacking("Helpdesk").len(), 20);
//! let sandbox = portal.serve().await?;
//! assert!(sandbox.base_url().starts_with("http://127.0.0.1:"));
//! # Ok(()) }
//! ```

mod handlers;
mod state;
mod timezones;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::routing::any;
use uuid::Uuid;

use crate::names::LAST_NAMES;
use crate::people::People;
use handlers::dispatch;
use state::{State, Token, hex_token, rfc3339, slug, uuid_from};

/// The status ThreatLocker answers for a bad token.
pub const TOKEN_REVOKED_STATUS: u16 = 440;

/// The role names every organization gets unless configured otherwise.
pub const DEFAULT_ROLE_NAMES: &[&str] =
    &["Full Admin", "Helpdesk", "Read Only", "Approver", "Billing"];

/// 2026-01-01T00:00:00Z, the default "now" of generated data.
const DEFAULT_NOW_SECS: u64 = 1_767_225_600;

const ORG_KINDS: &[&str] = &[
    "Dental",
    "Law Group",
    "Logistics",
    "Family Medicine",
    "Builders",
    "Accounting",
    "Veterinary Clinic",
    "Realty",
    "Manufacturing",
    "Insurance",
    "Engineering",
    "Pharmacy",
];

/// How an empty list page is answered (the reference says clients see all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmptyList {
    /// `[]` (the default).
    #[default]
    Array,
    /// `null`.
    Null,
    /// An empty body.
    EmptyBody,
}

/// How a list call with a `pageNumber` below 1 is answered.
///
/// No source says what the portal does (the KB only says pages count from 1); this is a
/// labelled simulator choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PageBelowOne {
    /// 417 `Page number and page size must be greater than 0`, the reference's status for
    /// a validation failure (the default).
    #[default]
    Reject,
    /// Treated as page 1, as a lenient server might.
    FirstPage,
}

/// What a successful invitation answers. ThreatLocker documents no response body, so
/// each is a labelled simulator choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum InviteResponse {
    /// `{"userId", "username", "organizationId"}`, the reference's suggested simulator
    /// body (the default). `userId` is invented: no source shows a real portal sending it.
    #[default]
    Object,
    /// An empty body.
    Empty,
    /// `true`.
    True,
}

/// A permission the invitation call needs (the seed lists both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Permission {
    /// `Edit Administrators`.
    EditAdministrators,
    /// `Assign Roles`.
    AssignRoles,
}

impl Permission {
    /// The name the portal uses in `Missing the '<name>' permission`.
    pub fn name(self) -> &'static str {
        match self {
            Self::EditAdministrators => "Edit Administrators",
            Self::AssignRoles => "Assign Roles",
        }
    }
}

/// An organization of the simulated tree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimOrganization {
    /// Its id.
    pub id: Uuid,
    /// RMM identifier (`name`).
    pub name: String,
    /// Name shown in the portal (`displayName`).
    pub display_name: String,
    /// The parent, `None` for the top organization.
    pub parent_id: Option<Uuid>,
    /// Creation time, RFC 3339.
    pub date_added: String,
    /// Computers in it.
    pub computer_count: u32,
}

/// A role of one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimRole {
    /// Its id (`userRoleId`).
    pub id: Uuid,
    /// The organization defining it.
    pub organization_id: Uuid,
    /// Its name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Creation time, RFC 3339.
    pub date_created: String,
}

/// A portal user of one organization: active, or pending after an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimUser {
    /// Its id.
    pub id: Uuid,
    /// The organization it belongs to.
    pub organization_id: Uuid,
    /// The email address.
    pub username: String,
    /// Given name; `None` while pending (an invited user holds only the email).
    pub first_name: Option<String>,
    /// Family name; `None` while pending.
    pub last_name: Option<String>,
    /// Whether the invitation is not accepted yet.
    pub pending: bool,
    /// The roles given.
    pub role_ids: Vec<Uuid>,
}

/// A handle on the simulated portal: cheap to clone, all clones share the state.
#[derive(Clone)]
pub struct ThreatLockerSim {
    state: Arc<Mutex<State>>,
    token: String,
    limited_token: String,
}

impl fmt::Debug for ThreatLockerSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("ThreatLockerSim")
            .field("parent", &state.parent)
            .field("organizations", &state.organizations.len())
            .field("roles", &state.roles.len())
            .field("users", &state.users.len())
            .field("tokens", &"[REDACTED]")
            .finish()
    }
}

/// Configures a [`ThreatLockerSim`] simulator.
#[derive(Debug, Clone)]
pub struct ThreatLockerSimBuilder {
    seed: u64,
    children: usize,
    role_names: Vec<String>,
    lacking: Vec<(String, usize)>,
    users: usize,
    now: SystemTime,
    empty_list: EmptyList,
    page_below_one: PageBelowOne,
    invite_response: InviteResponse,
}

impl Default for ThreatLockerSimBuilder {
    fn default() -> Self {
        Self {
            seed: 0,
            children: 10,
            role_names: DEFAULT_ROLE_NAMES
                .iter()
                .map(|name| (*name).to_owned())
                .collect(),
            lacking: Vec::new(),
            users: 10,
            now: UNIX_EPOCH + Duration::from_secs(DEFAULT_NOW_SECS),
            empty_list: EmptyList::Array,
            page_below_one: PageBelowOne::Reject,
            invite_response: InviteResponse::Object,
        }
    }
}

impl ThreatLockerSimBuilder {
    /// The seed for ids, names and tokens (default 0).
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Number of child organizations under the parent (default 10).
    #[must_use]
    pub fn children(mut self, children: usize) -> Self {
        self.children = children;
        self
    }

    /// The role names every organization defines (default [`DEFAULT_ROLE_NAMES`]).
    #[must_use]
    pub fn role_names<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.role_names = names.into_iter().map(Into::into).collect();
        self
    }

    /// `count` children (picked by the seed) do not define role `name`; see
    /// [`ThreatLockerSim::children_lacking`]. Capped at the number of children.
    #[must_use]
    pub fn children_lacking_role(mut self, name: impl Into<String>, count: usize) -> Self {
        self.lacking.push((name.into(), count));
        self
    }

    /// Active users of the parent organization, from [`People`] (default 10).
    #[must_use]
    pub fn users(mut self, users: usize) -> Self {
        self.users = users;
        self
    }

    /// The "now" creation dates are spread before (default 2026-01-01T00:00:00Z).
    #[must_use]
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = now;
        self
    }

    /// How empty list pages are answered (default `[]`).
    #[must_use]
    pub fn empty_list(mut self, style: EmptyList) -> Self {
        self.empty_list = style;
        self
    }

    /// How a `pageNumber` below 1 is answered (default [`PageBelowOne::Reject`]: 417).
    #[must_use]
    pub fn page_below_one(mut self, choice: PageBelowOne) -> Self {
        self.page_below_one = choice;
        self
    }

    /// What a successful invitation answers (default [`InviteResponse::Object`]).
    #[must_use]
    pub fn invite_response(mut self, choice: InviteResponse) -> Self {
        self.invite_response = choice;
        self
    }

    /// The parent and its children.
    fn generate_organizations(&self, rng: &mut fastrand::Rng) -> Vec<SimOrganization> {
        let now_secs = self
            .now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let parent = uuid_from(rng);
        let mut organizations = vec![SimOrganization {
            id: parent,
            name: "msp-parent".to_owned(),
            display_name: "Example MSP".to_owned(),
            parent_id: None,
            date_added: rfc3339(now_secs.saturating_sub(3 * 365 * 86_400)),
            computer_count: 12,
        }];
        let mut names_seen = HashSet::new();
        let mut date_rng = fastrand::Rng::with_seed(self.seed.rotate_left(9) ^ 0x5eed);
        for index in 0..self.children {
            let id = uuid_from(rng);
            let last = LAST_NAMES[date_rng.usize(..LAST_NAMES.len())];
            let kind = ORG_KINDS[date_rng.usize(..ORG_KINDS.len())];
            let mut display_name = format!("{last} {kind}");
            if !names_seen.insert(display_name.clone()) {
                display_name = format!("{display_name} {}", index + 1);
                names_seen.insert(display_name.clone());
            }
            organizations.push(SimOrganization {
                id,
                name: slug(&display_name),
                display_name,
                parent_id: Some(parent),
                date_added: rfc3339(
                    now_secs.saturating_sub(date_rng.u64(86_400..2 * 365 * 86_400)),
                ),
                computer_count: date_rng.u32(1..400),
            });
        }
        organizations
    }

    /// Generates the data.
    pub fn build(self) -> ThreatLockerSim {
        let mut rng = fastrand::Rng::with_seed(self.seed ^ 0x7411_0c6e_d00d_f00d);
        let organizations = self.generate_organizations(&mut rng);
        let parent = organizations[0].id;
        let child_ids: Vec<Uuid> = organizations[1..].iter().map(|org| org.id).collect();
        let mut lacking: HashMap<String, Vec<Uuid>> = HashMap::new();
        let mut pick_rng = fastrand::Rng::with_seed(self.seed ^ 0x1ac4);
        for (name, count) in &self.lacking {
            let mut pool = child_ids.clone();
            pick_rng.shuffle(&mut pool);
            pool.truncate((*count).min(pool.len()));
            lacking.insert(name.clone(), pool);
        }
        let mut roles = Vec::new();
        for org in &organizations {
            for name in &self.role_names {
                if lacking.get(name).is_some_and(|ids| ids.contains(&org.id)) {
                    continue;
                }
                roles.push(SimRole {
                    id: uuid_from(&mut rng),
                    organization_id: org.id,
                    name: name.clone(),
                    description: format!("{name} access for {}", org.display_name),
                    date_created: org.date_added.clone(),
                });
            }
        }
        let parent_roles: Vec<Uuid> = roles
            .iter()
            .filter(|r| r.organization_id == parent)
            .map(|r| r.id)
            .collect();
        let people = People::new(self.seed, self.now);
        let users = people
            .iter(self.users)
            .map(|person| SimUser {
                id: uuid_from(&mut rng),
                organization_id: parent,
                username: person.email.clone(),
                first_name: Some(person.first_name.to_owned()),
                last_name: Some(person.last_name.to_owned()),
                pending: false,
                role_ids: parent_roles.first().copied().into_iter().collect(),
            })
            .collect();
        let token = hex_token(&mut rng);
        let limited_token = hex_token(&mut rng);
        let mut tokens = HashMap::new();
        tokens.insert(
            token.clone(),
            Token {
                organization_id: parent,
                lacking: Vec::new(),
            },
        );
        tokens.insert(
            limited_token.clone(),
            Token {
                organization_id: parent,
                lacking: vec![Permission::AssignRoles],
            },
        );
        ThreatLockerSim {
            state: Arc::new(Mutex::new(State {
                parent,
                organizations,
                roles,
                users,
                tokens,
                lacking,
                empty_list: self.empty_list,
                page_below_one: self.page_below_one,
                invite_response: self.invite_response,
                rng,
                logger_seq: 0,
            })),
            token,
            limited_token,
        }
    }
}

impl ThreatLockerSim {
    /// A builder with the defaults (10 children, [`DEFAULT_ROLE_NAMES`]).
    pub fn builder() -> ThreatLockerSimBuilder {
        ThreatLockerSimBuilder::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The router to pass to [`SandboxBuilder::router`](crate::SandboxBuilder::router).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/{prefix}/{controller}/{action}", any(dispatch))
            .with_state(self.clone())
    }

    /// Starts a [`Sandbox`](crate::Sandbox) with the default settings serving this simulator.
    pub async fn serve(&self) -> std::io::Result<crate::Sandbox> {
        crate::Sandbox::builder()
            .router(self.router())
            .start()
            .await
    }

    /// A token of the parent organization with every permission (64 lowercase hex).
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// A token of the parent organization lacking the Assign Roles permission (it has
    /// Edit Administrators).
    pub fn limited_token(&self) -> String {
        self.limited_token.clone()
    }

    /// A new token of the parent organization lacking `permissions` (and holding the
    /// other invitation permission), 64 lowercase hex.
    pub fn token_lacking(&self, permissions: &[Permission]) -> String {
        let mut state = self.lock();
        let token = hex_token(&mut state.rng);
        let organization_id = state.parent;
        state.tokens.insert(
            token.clone(),
            Token {
                organization_id,
                lacking: permissions.to_vec(),
            },
        );
        token
    }

    /// Revokes `token`: later calls with it get 440. Returns whether it existed.
    pub fn revoke(&self, token: &str) -> bool {
        self.lock().tokens.remove(token).is_some()
    }

    /// The parent organization (the tokens' own organization).
    pub fn parent_id(&self) -> Uuid {
        self.lock().parent
    }

    /// The child organizations' ids, in creation order.
    pub fn child_ids(&self) -> Vec<Uuid> {
        let state = self.lock();
        state
            .organizations
            .iter()
            .filter(|org| org.parent_id == Some(state.parent))
            .map(|org| org.id)
            .collect()
    }

    /// Every organization, the parent first.
    pub fn organizations(&self) -> Vec<SimOrganization> {
        self.lock().organizations.clone()
    }

    /// The children configured to lack role `name`
    /// ([`ThreatLockerSimBuilder::children_lacking_role`]).
    pub fn children_lacking(&self, name: &str) -> Vec<Uuid> {
        self.lock().lacking.get(name).cloned().unwrap_or_default()
    }

    /// The roles organization `organization` defines.
    pub fn roles_of(&self, organization: Uuid) -> Vec<SimRole> {
        self.lock()
            .roles
            .iter()
            .filter(|role| role.organization_id == organization)
            .cloned()
            .collect()
    }

    /// Adds role `name` to `organization`; returns its id.
    pub fn add_role(&self, organization: Uuid, name: &str) -> Uuid {
        let mut state = self.lock();
        let id = uuid_from(&mut state.rng);
        state.roles.push(SimRole {
            id,
            organization_id: organization,
            name: name.to_owned(),
            description: String::new(),
            date_created: rfc3339(DEFAULT_NOW_SECS),
        });
        id
    }

    /// Every user (active and pending) of `organization`.
    pub fn users_of(&self, organization: Uuid) -> Vec<SimUser> {
        self.lock()
            .users
            .iter()
            .filter(|user| user.organization_id == organization)
            .cloned()
            .collect()
    }

    /// The pending (invited, not yet accepted) users of `organization`.
    pub fn pending_users(&self, organization: Uuid) -> Vec<SimUser> {
        self.users_of(organization)
            .into_iter()
            .filter(|user| user.pending)
            .collect()
    }

    /// Every pending user of every organization.
    pub fn all_pending_users(&self) -> Vec<SimUser> {
        self.lock()
            .users
            .iter()
            .filter(|user| user.pending)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_tree_with_lacking_roles() {
        let build = || {
            ThreatLockerSim::builder()
                .seed(5)
                .children(50)
                .children_lacking_role("Helpdesk", 7)
                .build()
        };
        let (a, b) = (build(), build());
        assert_eq!(a.child_ids(), b.child_ids());
        assert_eq!(a.token(), b.token());
        assert_eq!(a.token().len(), 64);
        let lacking = a.children_lacking("Helpdesk");
        assert_eq!(lacking.len(), 7);
        for child in a.child_ids() {
            let has = a.roles_of(child).iter().any(|role| role.name == "Helpdesk");
            assert_eq!(has, !lacking.contains(&child));
        }
        assert_eq!(a.users_of(a.parent_id()).len(), 10);
        assert!(a.all_pending_users().is_empty());
    }
}
