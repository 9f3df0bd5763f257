//! Users (`/setting/admins`): list, read, create, replace, patch, delete.

use std::sync::Arc;

use serde_json::{Value, json};

use super::body::{body_object, flag, text};
use super::listing::{compare_fields, envelope, fields, list_query, refuse_unknown_permission};
use super::{Fail, Query, Reply, error, ok};
use crate::logicmonitor::filter::Field;
use crate::logicmonitor::store::{
    Activity, NO_PERSON, Profile, STATUS_ACTIVE, STATUS_SUSPENDED, Store, User, UserView,
};
use crate::logicmonitor::{LogicMonitorSim, read, write};
use crate::wire::looks_like_email;

/// The parameters of `GET /setting/admins` that narrow the listing besides `filter`.
struct Narrowing {
    /// `filterGroupString`, lower-cased: a loose (case-insensitive substring) match
    /// against first name, last name, username, role names, group names and status.
    text: Option<String>,
    /// `type=bearer`: only users who own a bearer token.
    bearer_owners: Option<std::collections::HashSet<i32>>,
}

impl Narrowing {
    /// `None` when nothing narrows; a 400 naming the parameter when its meaning is unknown.
    fn parse(store: &Store, query: &Query) -> Result<Option<Self>, Fail> {
        refuse_unknown_permission(query)?;
        let text = query
            .get("filterGroupString")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase);
        let bearer_owners = match query.get("type").map(str::trim) {
            None | Some("") => None,
            Some(kind) if kind.eq_ignore_ascii_case("bearer") => Some(
                store
                    .tokens
                    .iter()
                    .filter(|t| t.bearer)
                    .map(|t| t.admin_id)
                    .collect(),
            ),
            Some(kind) => {
                return Err(error(
                    400,
                    format!("type: only `bearer` is a known value, got {kind:?}"),
                ));
            }
        };
        Ok((text.is_some() || bearer_owners.is_some()).then_some(Self {
            text,
            bearer_owners,
        }))
    }

    fn matches(&self, store: &Store, user: &User, cache: &mut Option<Profile>) -> bool {
        if let Some(owners) = &self.bearer_owners
            && !owners.contains(&user.id)
        {
            return false;
        }
        let Some(text) = &self.text else {
            return true;
        };
        let has = |candidate: &str| candidate.to_lowercase().contains(text.as_str());
        let profile = cache.get_or_insert_with(|| store.profile(user));
        has(&profile.first_name)
            || has(&profile.last_name)
            || has(&profile.username)
            || has(crate::logicmonitor::store::status_name(user.status))
            || user
                .roles
                .iter()
                .filter_map(|id| store.role(*id))
                .any(|role| has(&role.name))
            || user
                .groups
                .iter()
                .filter_map(|id| store.group_index(*id))
                .any(|index| has(&store.groups[index].name))
    }
}

pub(super) fn list_users(lm: &LogicMonitorSim, query: &Query) -> Result<Reply, Fail> {
    let list = list_query(query)?;
    let store = read(&lm.inner.store);
    let narrowing = Narrowing::parse(&store, query)?;
    let by_id = list.sort.as_ref().is_none_or(|(field, _)| field == "id");
    let descending = list.sort.as_ref().is_some_and(|(_, d)| *d);
    let render = |user| store.user_view(user, list.fields.as_deref());
    // Fast path: no filter and id order page straight from the id-ordered records.
    if list.filter.is_none() && narrowing.is_none() && by_id {
        let total = store.users.len();
        let items: Vec<UserView<'_>> = if descending {
            store
                .users
                .iter()
                .rev()
                .skip(list.offset)
                .take(list.size)
                .map(render)
                .collect()
        } else {
            store
                .users
                .iter()
                .skip(list.offset)
                .take(list.size)
                .map(render)
                .collect()
        };
        return Ok(ok(&envelope(total, items)));
    }
    let mut matched: Vec<usize> = store
        .users
        .iter()
        .enumerate()
        .filter(|(_, user)| {
            let mut cache = None;
            list.filter.as_ref().is_none_or(|filter| {
                filter.matches(&mut |name| store.user_field(user, &mut cache, name))
            }) && narrowing
                .as_ref()
                .is_none_or(|n| n.matches(&store, user, &mut cache))
        })
        .map(|(index, _)| index)
        .collect();
    if descending && by_id {
        matched.reverse();
    } else if !by_id && let Some((field, descending)) = &list.sort {
        let mut keyed: Vec<(Field<'_>, usize)> = matched
            .iter()
            .map(|&index| {
                let mut cache = None;
                (
                    store.user_field(&store.users[index], &mut cache, field),
                    index,
                )
            })
            .collect();
        keyed.sort_by(|(a, ia), (b, ib)| {
            let order = compare_fields(a, b).then(ia.cmp(ib));
            if *descending { order.reverse() } else { order }
        });
        matched = keyed.into_iter().map(|(_, index)| index).collect();
    }
    let total = matched.len();
    let items = matched
        .into_iter()
        .skip(list.offset)
        .take(list.size)
        .map(|index| render(&store.users[index]))
        .collect();
    Ok(ok(&envelope(total, items)))
}

pub(super) fn get_user(lm: &LogicMonitorSim, id: i32, query: &Query) -> Result<Reply, Fail> {
    let store = read(&lm.inner.store);
    let index = store
        .user_index(id)
        .ok_or_else(|| error(404, format!("No user with id {id}")))?;
    Ok(ok(
        &store.user_view(&store.users[index], fields(query).as_deref())
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Create,
    Replace,
    Patch,
}

fn valid_password(password: &str) -> bool {
    password.chars().count() >= 8
        && password.chars().any(char::is_uppercase)
        && password.chars().any(char::is_lowercase)
        && password.chars().any(|c| c.is_ascii_digit())
        && password.chars().any(|c| !c.is_alphanumeric())
}

#[allow(clippy::too_many_lines)]
pub(super) fn write_user(
    lm: &LogicMonitorSim,
    id: Option<i32>,
    mode: Mode,
    query: &Query,
    body: &[u8],
) -> Result<Reply, Fail> {
    let change_password = query.flag("changePassword")?;
    let validation_only = query.flag("validationOnly")?;
    let body = body_object(body)?;
    let mut store = write(&lm.inner.store);
    let existing = match id {
        Some(id) => Some(
            store
                .user_index(id)
                .ok_or_else(|| error(404, format!("No user with id {id}")))?,
        ),
        None => None,
    };
    let (mut user, mut profile) = match (existing, mode) {
        (Some(index), Mode::Patch) => {
            let user = store.users[index].clone();
            let profile = store.profile(&user);
            (user, profile)
        }
        (Some(index), _) => {
            let old = &store.users[index];
            let user = User {
                id: old.id,
                status: STATUS_ACTIVE,
                apionly: false,
                roles: Arc::from([]),
                groups: Arc::from([]),
                last_login: old.last_login,
                ..old.clone()
            };
            let keep_password = store.profile(old).has_password;
            (
                user,
                Profile {
                    has_password: keep_password,
                    ..default_profile()
                },
            )
        }
        (None, _) => (
            User {
                id: store.next_user_id,
                status: STATUS_ACTIVE,
                apionly: false,
                roles: Arc::from([]),
                groups: Arc::from([]),
                last_login: 0,
                activity: Activity::default(),
                profile: None,
                person: NO_PERSON,
            },
            Profile {
                created_by: "sandbox.api".to_owned(),
                ..default_profile()
            },
        ),
    };
    let old_username = existing.map(|i| store.profile(&store.users[i]).username);
    let full = mode != Mode::Patch;

    if let Some(username) = text(&body, "username")? {
        if username.trim().is_empty() {
            return Err(error(400, "username must not be empty"));
        }
        profile.username = username;
    } else if full {
        return Err(error(400, "username is required"));
    }
    if let Some(apionly) = flag(&body, "apionly")? {
        user.apionly = apionly;
    }
    if let Some(email) = text(&body, "email")? {
        if !email.is_empty() && !looks_like_email(&email) {
            return Err(error(400, format!("Invalid email: {email}")));
        }
        profile.email = email;
    }
    if profile.email.is_empty() && !user.apionly {
        return Err(error(400, "email is required"));
    }
    match body.get("roles") {
        None if full => return Err(error(400, "roles is required")),
        None => {}
        Some(Value::Array(roles)) => {
            if roles.is_empty() {
                return Err(error(400, "at least one role is required"));
            }
            let mut ids = Vec::new();
            for role in roles {
                let found = match (
                    role.get("id").and_then(Value::as_i64),
                    role.get("name").and_then(Value::as_str),
                ) {
                    (Some(id), _) => store.roles.iter().find(|r| i64::from(r.id) == id),
                    (None, Some(name)) => store
                        .roles
                        .iter()
                        .find(|r| r.name.eq_ignore_ascii_case(name)),
                    (None, None) => None,
                };
                let Some(found) = found else {
                    return Err(error(400, format!("Role not found: {role}")));
                };
                ids.push(found.id);
            }
            user.roles = Arc::from(ids);
        }
        Some(_) => return Err(error(400, "roles must be an array")),
    }
    match body.get("adminGroupIds") {
        None => {}
        Some(Value::Array(groups)) => {
            let mut ids: Vec<i32> = Vec::new();
            for group in groups {
                let id = group
                    .as_i64()
                    .and_then(|id| i32::try_from(id).ok())
                    .ok_or_else(|| error(400, "adminGroupIds must hold group ids"))?;
                if store.group_index(id).is_none() {
                    return Err(error(400, format!("User group {id} does not exist")));
                }
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            user.groups = Arc::from(ids);
        }
        Some(Value::Null) => user.groups = Arc::from([]),
        Some(_) => return Err(error(400, "adminGroupIds must be an array")),
    }
    if let Some(status) = text(&body, "status")? {
        user.status = match status.to_ascii_lowercase().as_str() {
            "active" => STATUS_ACTIVE,
            "suspended" => STATUS_SUSPENDED,
            _ => return Err(error(400, format!("Invalid status: {status}"))),
        };
    }
    if let Some(password) = text(&body, "password")?
        && !user.apionly
        && (mode == Mode::Create || change_password)
    {
        if !valid_password(&password) {
            return Err(error(400, "The password does not meet the password policy"));
        }
        profile.has_password = true;
    }
    for (name, slot) in [
        ("firstName", &mut profile.first_name),
        ("lastName", &mut profile.last_name),
        ("note", &mut profile.note),
        ("phone", &mut profile.phone),
        ("timezone", &mut profile.timezone),
        ("smsEmail", &mut profile.sms_email),
        ("contactMethod", &mut profile.contact_method),
        ("smsEmailFormat", &mut profile.sms_email_format),
    ] {
        if let Some(value) = text(&body, name)? {
            *slot = value;
        }
    }
    if let Some(force) = flag(&body, "forcePasswordChange")? {
        profile.force_password_change = force;
    }
    if let Some(two_fa) = flag(&body, "twoFAEnabled")? {
        profile.two_fa_enabled = two_fa;
    }
    if let Some(other) = store.find_username(&profile.username)
        && Some(other) != id
    {
        return Err(error(
            409,
            format!("A user named {} already exists", profile.username),
        ));
    }
    let new_username = profile.username.clone();
    user.profile = Some(Box::new(profile));
    if validation_only {
        return Ok(ok(&Value::Object(store.user_json(&user))));
    }
    let rendered = Value::Object(store.user_json(&user));
    if let Some(index) = existing {
        store.users[index] = user;
        store.rename(
            id.unwrap_or_default(),
            old_username.as_deref(),
            Some(&new_username),
        );
    } else {
        let new_id = user.id;
        store.next_user_id += 1;
        store.users.push(user);
        store.rename(new_id, None, Some(&new_username));
    }
    Ok(ok(&rendered))
}

fn default_profile() -> Profile {
    Profile {
        contact_method: "email".to_owned(),
        sms_email_format: "sms".to_owned(),
        ..Profile::default()
    }
}

pub(super) fn delete_user(lm: &LogicMonitorSim, id: i32) -> Result<Reply, Fail> {
    let mut store = write(&lm.inner.store);
    let index = store
        .user_index(id)
        .ok_or_else(|| error(404, format!("No user with id {id}")))?;
    let username = store.profile(&store.users[index]).username;
    store.users.remove(index);
    store.tokens.retain(|t| t.admin_id != id);
    store.rename(id, Some(&username), None);
    Ok(ok(&json!({})))
}
