//! The simulator's state: compact user records, groups, roles, API tokens.
//!
//! Seeded users keep only what can change or is cheap to hold (ids, status, roles,
//! groups, last login, about 40 bytes each); names and emails are regenerated from
//! [`People`] on demand, so a million users fit in well under 100 MB. A user whose
//! profile is created or edited through the API carries its own [`Profile`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value, json};

use super::filter::Field;
use crate::people::{People, Person};

/// Marks a user with no generated person behind it.
pub(crate) const NO_PERSON: u32 = u32::MAX;

pub(crate) const STATUS_ACTIVE: u8 = 0;
pub(crate) const STATUS_SUSPENDED: u8 = 1;

const TIMEZONES: &[&str] = &[
    "America/Los_Angeles",
    "America/New_York",
    "America/Chicago",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Asia/Kolkata",
];

/// The seeded user groups.
pub(crate) const SEED_GROUPS: &[(&str, &str)] = &[
    ("Network Operations", "NOC engineers"),
    ("Service Desk", "First-line support"),
    ("Security", "Security operations"),
    ("Engineering", "Platform engineering"),
    ("Management", "Managers and leads"),
    ("Contractors", "External contractors"),
    ("Auditors", "Read-only auditors"),
    ("Finance", "Billing and finance"),
];

/// One user, compactly.
#[derive(Debug, Clone)]
pub(crate) struct User {
    pub(crate) id: i32,
    pub(crate) person: u32,
    pub(crate) status: u8,
    pub(crate) apionly: bool,
    /// Shared between users with the same roles, so a million users hold four lists.
    pub(crate) roles: Arc<[i32]>,
    /// Shared like `roles` for seeded users; replaced on change.
    pub(crate) groups: Arc<[i32]>,
    pub(crate) last_login: i64,
    pub(crate) activity: Activity,
    pub(crate) profile: Option<Box<Profile>>,
}

/// A user's activity signals besides `lastLoginOn`, seeded independently of it (epoch
/// seconds, 0 = never). The relations kept are the module docs' choices: `last_access`
/// is never before the last login, `last_action` never after `last_access`, and
/// `eula_accepted` is set exactly when the user has logged in, never after that login.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Activity {
    /// `lastAccessOn`: the last time the account was used, in the UI or through the API.
    pub(crate) last_access: i64,
    /// `lastActionOn`: the last recorded action.
    pub(crate) last_action: i64,
    /// `acceptEULAOn`: when the EULA was accepted.
    pub(crate) eula_accepted: i64,
}

/// The editable text of a user.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Profile {
    pub(crate) username: String,
    pub(crate) email: String,
    pub(crate) first_name: String,
    pub(crate) last_name: String,
    pub(crate) note: String,
    pub(crate) phone: String,
    pub(crate) timezone: String,
    pub(crate) sms_email: String,
    pub(crate) contact_method: String,
    pub(crate) sms_email_format: String,
    pub(crate) force_password_change: bool,
    pub(crate) two_fa_enabled: bool,
    pub(crate) created_by: String,
    pub(crate) has_password: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) id: i32,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_on: i64,
    pub(crate) updated_on: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Role {
    pub(crate) id: i32,
    pub(crate) name: String,
    /// Whether the role is one of the four every portal ships.
    pub(crate) built_in: bool,
    /// The role as the API shows it, without `associatedUserCount`.
    pub(crate) json: Value,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) id: i32,
    pub(crate) admin_id: i32,
    pub(crate) access_id: String,
    pub(crate) access_key: String,
    pub(crate) bearer: bool,
    pub(crate) note: String,
    pub(crate) status: i32,
    pub(crate) created_on: i64,
}

/// Everything the simulator knows.
#[derive(Debug)]
pub(crate) struct Store {
    people: People,
    pub(crate) users: Vec<User>,
    pub(crate) next_user_id: i32,
    pub(crate) groups: Vec<Group>,
    pub(crate) next_group_id: i32,
    pub(crate) roles: Vec<Role>,
    pub(crate) next_role_id: i32,
    pub(crate) tokens: Vec<Token>,
    pub(crate) next_token_id: i32,
    /// How fields no source gives a value for are rendered.
    pub(crate) choices: Choices,
    /// Lower-cased username → id, built on first need.
    usernames: Option<HashMap<String, i32>>,
}

/// The simulator's labelled choices for user fields no source gives a value for (see
/// the module docs and the builder).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Choices {
    /// `userType` on every user; `None` leaves the field out.
    pub(crate) user_type: Option<String>,
    /// `tenantId` on every user; `None` leaves the field out.
    pub(crate) tenant_id: Option<i32>,
    /// Whether users who accessed the portal carry a `lastAuthIp` (from the
    /// documentation address ranges of RFC 5737); otherwise it is `""`.
    pub(crate) last_auth_ip: bool,
    /// Whether API tokens of a suspended user are refused (401).
    pub(crate) reject_suspended_owner_tokens: bool,
}

/// How to seed a store.
#[derive(Debug, Clone)]
#[allow(clippy::struct_field_names)]
pub(crate) struct Seed {
    pub(crate) seed: u64,
    pub(crate) users: usize,
    pub(crate) now: SystemTime,
    pub(crate) never_logged_in: f64,
    pub(crate) api_only: f64,
    pub(crate) suspended: f64,
    pub(crate) api_activity: f64,
    pub(crate) choices: Choices,
    pub(crate) access_id: String,
    pub(crate) access_key: String,
    pub(crate) bearer: String,
}

pub(crate) fn epoch_secs(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Seeds one user's activity signals from their own random stream, so they do not move
/// the other seeded values. API-only users and a fraction (`api_activity`) of the others
/// use the API, at times unrelated to their logins; a UI session lasts up to 8 hours
/// after a login; the last action falls in the last 30 days of access; the EULA was
/// accepted up to 400 days before the last login.
fn seed_activity(seed: &Seed, index: usize, apionly: bool, last_login: i64, now: i64) -> Activity {
    const DAY: i64 = 86_400;
    let mut rng = fastrand::Rng::with_seed(
        seed.seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03) ^ 0x4C4D_4163,
    );
    let uses_api = apionly || rng.f64() < seed.api_activity;
    let api_access = if uses_api && rng.f64() < 0.9 {
        now - rng.i64(0..365 * DAY)
    } else {
        0
    };
    let session_end = if last_login > 0 {
        (last_login + rng.i64(60..8 * 3_600)).min(now)
    } else {
        0
    };
    let last_access = session_end.max(api_access);
    let last_action = if last_access > 0 {
        let earliest = (last_access - 30 * DAY).max(last_login);
        rng.i64(earliest.min(last_access)..=last_access)
    } else {
        0
    };
    let eula_accepted = if last_login > 0 {
        (last_login - rng.i64(0..400 * DAY)).max(1)
    } else {
        0
    };
    Activity {
        last_access,
        last_action,
        eula_accepted,
    }
}

/// A `lastAuthIp` for a user: an address from the RFC 5737 documentation ranges, stable
/// per user.
fn auth_ip(user: &User) -> String {
    const RANGES: [&str; 3] = ["192.0.2", "198.51.100", "203.0.113"];
    let id = u64::from(user.id.unsigned_abs()).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let range = RANGES[usize::try_from(id >> 62).unwrap_or(0) % RANGES.len()];
    format!("{range}.{}", (id >> 32) % 254 + 1)
}

fn built_in_roles() -> Vec<Role> {
    // `objectName` of an `objectId` of `*` is `*`, as LogicMonitor's PowerShell module
    // (New-LMRole.ps1) writes it.
    let privilege = |object_type: &str, operation: &str| json!({"objectType": object_type, "objectId": "*", "objectName": "*", "operation": operation, "subOperation": ""});
    let role = |id: i32, name: &str, description: &str, privileges: Vec<Value>| Role {
        id,
        name: name.to_owned(),
        built_in: true,
        json: json!({
            "id": id, "name": name, "description": description, "privileges": privileges,
            "customHelpLabel": "", "customHelpURL": "", "twoFARequired": false,
            "requireEULA": false, "acctRequireTwoFA": false,
            "enableRemoteSessionInCompanyLevel": true, "roleGroupId": 1,
            "userPermission": "write", "isSamlRole": false,
        }),
    };
    vec![
        role(
            1,
            "administrator",
            "Administrator can do everything, including security-sensitive actions",
            vec![
                privilege("dashboard_group", "write"),
                privilege("host_group", "write"),
                privilege("setting", "write"),
                privilege("remoteSession", "write"),
            ],
        ),
        role(
            2,
            "readonly",
            "Read-only access to everything",
            vec![
                privilege("dashboard_group", "read"),
                privilege("host_group", "read"),
                privilege("setting", "read"),
            ],
        ),
        role(
            3,
            "manager",
            "Manage resources, alerts and dashboards",
            vec![
                privilege("dashboard_group", "write"),
                privilege("host_group", "write"),
                privilege("setting", "read"),
            ],
        ),
        role(
            4,
            "ackonly",
            "Acknowledge alerts only",
            vec![
                privilege("host_group", "ack"),
                privilege("dashboard_group", "read"),
            ],
        ),
    ]
}

impl Store {
    #[allow(clippy::too_many_lines)]
    pub(crate) fn seeded(seed: &Seed) -> Self {
        let people = People::new(seed.seed, seed.now).never_logged_in(seed.never_logged_in);
        let now = epoch_secs(seed.now);
        let groups: Vec<Group> = SEED_GROUPS
            .iter()
            .zip(1..)
            .map(|((name, description), id)| Group {
                id,
                name: (*name).to_owned(),
                description: (*description).to_owned(),
                created_on: now - 400 * 86_400 + i64::from(id) * 3_600,
                updated_on: now - 30 * 86_400,
            })
            .collect();
        let group_count = i32::try_from(groups.len()).unwrap_or(i32::MAX);
        // Seeded users share these lists instead of allocating their own.
        let role_lists: Vec<Arc<[i32]>> = (1..=4).map(|r| Arc::from([r])).collect();
        let no_group: Arc<[i32]> = Arc::from([]);
        let single: Vec<Arc<[i32]>> = (1..=group_count).map(|g| Arc::from([g])).collect();
        let pairs: Vec<Arc<[i32]>> = (1..=group_count)
            .map(|g| Arc::from([g, g % group_count + 1]))
            .collect();
        let mut users = Vec::with_capacity(seed.users + 1);
        // User 1 owns the sandbox's credentials: an API-only administrator.
        users.push(User {
            id: 1,
            person: NO_PERSON,
            status: STATUS_ACTIVE,
            apionly: true,
            roles: Arc::from([1]),
            groups: Arc::from([]),
            last_login: 0,
            activity: Activity {
                last_access: now - 3_600,
                last_action: now - 3_600,
                eula_accepted: 0,
            },
            profile: Some(Box::new(Profile {
                username: "sandbox.api".to_owned(),
                note: "Owns the sandbox's API tokens".to_owned(),
                timezone: "UTC".to_owned(),
                contact_method: "email".to_owned(),
                sms_email_format: "sms".to_owned(),
                created_by: "LogicMonitor".to_owned(),
                ..Profile::default()
            })),
        });
        for index in 0..seed.users {
            let person = people.person(index);
            let mut rng = fastrand::Rng::with_seed(
                seed.seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x4C4D,
            );
            let apionly = rng.f64() < seed.api_only;
            let status = if rng.f64() < seed.suspended {
                STATUS_SUSPENDED
            } else {
                STATUS_ACTIVE
            };
            let role = match rng.u32(0..100) {
                0..5 => 1,
                5..20 => 3,
                20..30 => 4,
                _ => 2,
            };
            let groups = match rng.u32(0..100) {
                0..15 => Arc::clone(&no_group),
                15..85 => Arc::clone(&single[rng.usize(..single.len())]),
                _ => {
                    let first = rng.i32(1..=group_count);
                    Arc::clone(&pairs[usize::try_from(first - 1).unwrap_or(0)])
                }
            };
            let last_login = if apionly {
                0
            } else {
                person.last_login.map_or(0, epoch_secs)
            };
            users.push(User {
                id: i32::try_from(index + 2).unwrap_or(i32::MAX),
                person: u32::try_from(index).unwrap_or(NO_PERSON),
                status,
                apionly,
                roles: Arc::clone(&role_lists[usize::try_from(role - 1).unwrap_or(0)]),
                groups,
                last_login,
                activity: seed_activity(seed, index, apionly, last_login, now),
                profile: None,
            });
        }
        let next_user_id = i32::try_from(users.len() + 1).unwrap_or(i32::MAX);
        let tokens = vec![
            Token {
                id: 1,
                admin_id: 1,
                access_id: seed.access_id.clone(),
                access_key: seed.access_key.clone(),
                bearer: false,
                note: "sandbox LMv1 token".to_owned(),
                status: 2,
                created_on: now - 86_400,
            },
            Token {
                id: 2,
                admin_id: 1,
                access_id: "lmb_sandbox_bearer".to_owned(),
                access_key: seed.bearer.clone(),
                bearer: true,
                note: "sandbox bearer token".to_owned(),
                status: 2,
                created_on: now - 86_400,
            },
        ];
        Self {
            people,
            users,
            next_user_id,
            next_group_id: group_count + 1,
            groups,
            roles: built_in_roles(),
            next_role_id: 5,
            tokens,
            next_token_id: 3,
            choices: seed.choices.clone(),
            usernames: None,
        }
    }

    pub(crate) fn user_index(&self, id: i32) -> Option<usize> {
        self.users.binary_search_by_key(&id, |u| u.id).ok()
    }

    pub(crate) fn group_index(&self, id: i32) -> Option<usize> {
        self.groups.binary_search_by_key(&id, |g| g.id).ok()
    }

    pub(crate) fn role(&self, id: i32) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    fn person(&self, user: &User) -> Option<Person> {
        (user.person != NO_PERSON).then(|| self.people.person(user.person as usize))
    }

    /// The user's profile, generated from its person when it has none of its own.
    pub(crate) fn profile(&self, user: &User) -> Profile {
        if let Some(profile) = &user.profile {
            return (**profile).clone();
        }
        let Some(person) = self.person(user) else {
            return Profile::default();
        };
        Profile {
            email: if user.apionly {
                String::new()
            } else {
                person.email.clone()
            },
            first_name: person.first_name.to_owned(),
            last_name: person.last_name.to_owned(),
            timezone: TIMEZONES[person.index % TIMEZONES.len()].to_owned(),
            contact_method: "email".to_owned(),
            sms_email_format: "sms".to_owned(),
            created_by: if person.index % 3 == 0 {
                "SAML"
            } else {
                "Chief Admin"
            }
            .to_owned(),
            has_password: !user.apionly,
            username: person.username,
            ..Profile::default()
        }
    }

    /// A filter's view of one user; text fields are generated only when asked for.
    pub(crate) fn user_field<'a>(
        &'a self,
        user: &'a User,
        cache: &mut Option<Profile>,
        name: &str,
    ) -> Field<'a> {
        let mut text = |pick: fn(&Profile) -> &str| {
            let profile = cache.get_or_insert_with(|| self.profile(user));
            Field::Str(pick(profile).to_owned().into())
        };
        match name {
            "id" => Field::Int(user.id.into()),
            "status" => Field::Str(status_name(user.status).into()),
            "apionly" => Field::Bool(user.apionly),
            "lastLoginOn" => Field::Int(user.last_login),
            "lastAccessOn" => Field::Int(user.activity.last_access),
            "lastActionOn" => Field::Int(user.activity.last_action),
            "acceptEULAOn" => Field::Int(user.activity.eula_accepted),
            "adminGroupIds" => Field::List(
                user.groups
                    .iter()
                    .map(|g| Field::Int((*g).into()))
                    .collect(),
            ),
            "roles.id" => Field::List(user.roles.iter().map(|r| Field::Int((*r).into())).collect()),
            "roles.name" => Field::List(
                user.roles
                    .iter()
                    .filter_map(|r| self.role(*r))
                    .map(|r| Field::Str(r.name.as_str().into()))
                    .collect(),
            ),
            "username" => text(|p| &p.username),
            "email" => text(|p| &p.email),
            "firstName" => text(|p| &p.first_name),
            "lastName" => text(|p| &p.last_name),
            "note" => text(|p| &p.note),
            "phone" => text(|p| &p.phone),
            "timezone" => text(|p| &p.timezone),
            "createdBy" => text(|p| &p.created_by),
            _ => Field::Null,
        }
    }

    /// A user as the API shows it (never the password), as a JSON object.
    pub(crate) fn user_json(&self, user: &User) -> Map<String, Value> {
        match serde_json::to_value(self.user_view(user, None)) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    }

    /// A user as the API shows it, keeping only `fields` when given, ready to serialize.
    pub(crate) fn user_view<'a>(
        &'a self,
        user: &'a User,
        fields: Option<&'a [String]>,
    ) -> UserView<'a> {
        UserView {
            store: self,
            user,
            fields,
        }
    }

    pub(crate) fn group_json(group: &Group) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("id".into(), group.id.into());
        map.insert("name".into(), group.name.clone().into());
        map.insert("description".into(), group.description.clone().into());
        map.insert("parentId".into(), 0.into());
        map.insert("createdOn".into(), group.created_on.into());
        map.insert("updatedOn".into(), group.updated_on.into());
        map.insert("userPermission".into(), "write".into());
        map
    }

    pub(crate) fn token_json(&self, token: &Token, with_key: bool) -> Map<String, Value> {
        let owner = self.user_index(token.admin_id).map(|i| &self.users[i]);
        let mut map = Map::new();
        map.insert("id".into(), token.id.into());
        map.insert("adminId".into(), token.admin_id.into());
        map.insert(
            "adminName".into(),
            owner
                .map(|u| self.profile(u).username)
                .unwrap_or_default()
                .into(),
        );
        map.insert("accessId".into(), token.access_id.clone().into());
        if with_key {
            map.insert("accessKey".into(), token.access_key.clone().into());
        }
        map.insert("note".into(), token.note.clone().into());
        map.insert("status".into(), token.status.into());
        map.insert(
            "roles".into(),
            owner.map_or_else(
                || Value::Array(Vec::new()),
                |u| {
                    u.roles
                        .iter()
                        .filter_map(|r| self.role(*r))
                        .map(|r| Value::from(r.name.as_str()))
                        .collect()
                },
            ),
        );
        map.insert("createdOn".into(), token.created_on.into());
        map.insert("lastUsedOn".into(), 0.into());
        map.insert("createdBy".into(), "sandbox.api".into());
        if token.bearer {
            map.insert("type".into(), "bearer".into());
        }
        map
    }

    /// The id of the user called `username` (any case), if any.
    pub(crate) fn find_username(&mut self, username: &str) -> Option<i32> {
        if self.usernames.is_none() {
            let mut index = HashMap::with_capacity(self.users.len());
            for user in &self.users {
                index.insert(self.profile(user).username.to_lowercase(), user.id);
            }
            self.usernames = Some(index);
        }
        self.usernames
            .as_ref()
            .and_then(|index| index.get(&username.to_lowercase()).copied())
    }

    /// Keeps the username index (when built) in step with a change.
    pub(crate) fn rename(&mut self, id: i32, old: Option<&str>, new: Option<&str>) {
        if let Some(index) = &mut self.usernames {
            if let Some(old) = old {
                index.remove(&old.to_lowercase());
            }
            if let Some(new) = new {
                index.insert(new.to_lowercase(), id);
            }
        }
    }

    pub(crate) fn role_user_counts(&self) -> HashMap<i32, usize> {
        let mut counts = HashMap::new();
        for user in &self.users {
            for role in user.roles.iter() {
                *counts.entry(*role).or_insert(0) += 1;
            }
        }
        counts
    }
}

pub(crate) fn status_name(status: u8) -> &'static str {
    if status == STATUS_SUSPENDED {
        "suspended"
    } else {
        "active"
    }
}

/// A user as the API shows it (never the password), written straight from the compact
/// record: a page of a thousand users builds no JSON tree on the way to the wire.
pub(crate) struct UserView<'a> {
    store: &'a Store,
    user: &'a User,
    /// The `fields` projection; `None` shows every field.
    fields: Option<&'a [String]>,
}

/// The fields every projected user keeps: LogicMonitor's SDK refuses an `Admin` without
/// them (`shared/vendors/logicmonitor.md` §7).
pub(crate) const REQUIRED_USER_FIELDS: [&str; 3] = ["username", "email", "roles"];

/// The same for every user: the sandbox does not model view permissions.
static VIEW_PERMISSION: [(&str, bool); 9] = [
    ("Resources", true),
    ("Websites", true),
    ("Reports", true),
    ("Dashboards", true),
    ("Alerts", true),
    ("Settings", true),
    ("Maps", true),
    ("Logs", true),
    ("Traces", true),
];

impl Serialize for UserView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (store, user) = (self.store, self.user);
        let profile = store.profile(user);
        let wanted = |key: &str| {
            REQUIRED_USER_FIELDS.contains(&key)
                || self
                    .fields
                    .is_none_or(|fields| fields.iter().any(|field| field == key))
        };
        let mut map = serializer.serialize_map(None)?;
        // Each value is computed only when its key is wanted.
        macro_rules! entries {
            ($($key:literal => $value:expr),* $(,)?) => {
                $(if wanted($key) {
                    map.serialize_entry($key, &$value)?;
                })*
            };
        }
        entries! {
            "id" => user.id,
            "username" => profile.username,
            "email" => profile.email,
            "firstName" => profile.first_name,
            "lastName" => profile.last_name,
            "note" => profile.note,
            "phone" => profile.phone,
            "smsEmail" => profile.sms_email,
            "smsEmailFormat" => profile.sms_email_format,
            "timezone" => profile.timezone,
            "contactMethod" => profile.contact_method,
            "status" => status_name(user.status),
            "roles" => user
                .roles
                .iter()
                .filter_map(|id| store.role(*id))
                .map(|role| &role.json)
                .collect::<Vec<_>>(),
            "adminGroupIds" => &*user.groups,
            "lastLoginOn" => user.last_login,
            "lastAccessOn" => user.activity.last_access,
            "lastActionOn" => user.activity.last_action,
            "lastAction" => "",
            "lastActionOnLocal" => "",
            "apionly" => user.apionly,
            "twoFAEnabled" => profile.two_fa_enabled,
            "forcePasswordChange" => profile.force_password_change,
            "acceptEULA" => user.activity.eula_accepted > 0,
            "acceptEULAOn" => user.activity.eula_accepted,
            "lastAuthIp" => if store.choices.last_auth_ip && user.activity.last_access > 0 {
                auth_ip(user)
            } else {
                String::new()
            },
            "apiTokens" => store
                .tokens
                .iter()
                .filter(|token| token.admin_id == user.id)
                .map(|token| store.token_json(token, false))
                .collect::<Vec<_>>(),
            "createdBy" => profile.created_by,
            "userPermission" => "write",
            "trainingEmail" => "",
            "immediateForceLogout" => false,
            "viewPermission" => ViewPermission,
        }
        if let Some(user_type) = &store.choices.user_type
            && wanted("userType")
        {
            map.serialize_entry("userType", user_type)?;
        }
        if let Some(tenant_id) = store.choices.tenant_id
            && wanted("tenantId")
        {
            map.serialize_entry("tenantId", &tenant_id)?;
        }
        map.end()
    }
}

/// Serializes [`VIEW_PERMISSION`] as a JSON object.
struct ViewPermission;

impl Serialize for ViewPermission {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(VIEW_PERMISSION.iter().copied())
    }
}
