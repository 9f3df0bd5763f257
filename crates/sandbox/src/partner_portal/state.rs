//! The simulator's data and the operations on it, independent of HTTP.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;
use serde_json::{Map, Value, json};

use super::{DEFAULT_PAGE_LIMIT, LastLoginFormat, MAX_PAGE_LIMIT};
use crate::People;
use crate::time::{RFC3339_MILLIS, epoch_millis, format_utc};
use crate::wire::looks_like_email;

/// A portal user as the simulator stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimUser {
    /// `ppu_` and 14 random characters.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email, as given.
    pub email: String,
    /// Last login; `None` for someone who never logged in (every created user).
    pub last_logged_at: Option<SystemTime>,
    /// Granted role ids.
    pub roles: Vec<String>,
    /// Locale, `en_US` unless given.
    pub locale: String,
    /// Attribute `(id, value)` pairs, as given.
    pub attributes: Vec<(String, String)>,
    /// Whether a password was given at creation (the password itself is not kept).
    pub has_password: bool,
}

/// An organisation role.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimRole {
    /// `ro_…`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Whether the role is built in.
    pub is_system: bool,
}

/// An organisation user attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SimAttribute {
    /// `ua_…`.
    pub id: String,
    /// Technical name.
    pub name: String,
    /// Display label.
    pub label: String,
    /// `STRING`, `BOOLEAN`, `NUMBER`, `TIME` or `UNKNOWN`.
    pub attribute_type: String,
    /// Whether a user may hold several values.
    pub allow_multiple_values: bool,
}

/// One portal's users: by creation sequence, with email and id indexes.
#[derive(Debug, Default)]
pub(crate) struct Portal {
    pub(crate) users: BTreeMap<u64, SimUser>,
    pub(crate) by_email: HashMap<String, u64>,
    pub(crate) by_id: HashMap<String, u64>,
}

impl Portal {
    fn insert(&mut self, seq: u64, user: SimUser) {
        self.by_email.insert(user.email.to_lowercase(), seq);
        self.by_id.insert(user.id.clone(), seq);
        self.users.insert(seq, user);
    }
}

/// A fixed rate-limit window.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    opened: SystemTime,
    used: u32,
}

/// The verdict on one request against the quota.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Admission {
    pub(crate) allowed: bool,
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    pub(crate) reset_secs: u64,
}

/// An error answer: status and message.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
}

pub(crate) type Outcome = Result<Value, ApiError>;

/// Everything mutable.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) portals: BTreeMap<String, Portal>,
    pub(crate) roles: Vec<SimRole>,
    pub(crate) attributes: Vec<SimAttribute>,
    pub(crate) format: LastLoginFormat,
    pub(crate) rate_limited: u64,
    windows: HashMap<String, Window>,
    rng: fastrand::Rng,
    next_seq: u64,
}

const ID_ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl State {
    pub(crate) fn new(seed: u64, format: LastLoginFormat) -> Self {
        let role = |id: &str, name: &str, is_system| SimRole {
            id: id.to_owned(),
            name: name.to_owned(),
            is_system,
        };
        let attribute = |id: &str, name: &str, label: &str, kind: &str, multiple| SimAttribute {
            id: id.to_owned(),
            name: name.to_owned(),
            label: label.to_owned(),
            attribute_type: kind.to_owned(),
            allow_multiple_values: multiple,
        };
        Self {
            portals: BTreeMap::new(),
            roles: vec![
                role("ro_ZW9dbXgfX2L0Dg", "Admin Builder", true),
                role("ro_3zrr1XRrXMyYG6", "Builder", true),
                role("ro_Q8mE4tYv2KcN1s", "Editor", true),
                role("ro_7HbT0xWq5LdR9p", "Viewer", true),
                role("ro_Mf2Zk8Pq1VnB6j", "Report Viewer", false),
            ],
            attributes: vec![
                attribute("ua_tenant_id", "tenant_id", "Tenant ID", "STRING", false),
                attribute("ua_region", "region", "Region", "STRING", true),
                attribute(
                    "ua_is_reseller",
                    "is_reseller",
                    "Reseller",
                    "BOOLEAN",
                    false,
                ),
                attribute(
                    "ua_contract_end",
                    "contract_end",
                    "Contract end",
                    "TIME",
                    false,
                ),
            ],
            format,
            rate_limited: 0,
            windows: HashMap::new(),
            rng: fastrand::Rng::with_seed(seed ^ 0x5748_414c_5921),
            next_seq: 0,
        }
    }

    /// Adds `count` generated people to `portal`.
    pub(crate) fn seed_users(
        &mut self,
        portal: &mut Portal,
        seed: u64,
        now: SystemTime,
        count: usize,
    ) {
        let viewers = [
            "ro_7HbT0xWq5LdR9p",
            "ro_Mf2Zk8Pq1VnB6j",
            "ro_Q8mE4tYv2KcN1s",
        ];
        for person in People::new(seed, now).iter(count) {
            let role = viewers[self.rng.usize(..viewers.len())].to_owned();
            let seq = self.next_seq();
            let user = SimUser {
                id: self.new_user_id(portal),
                first_name: person.first_name.to_owned(),
                last_name: person.last_name.to_owned(),
                email: person.email,
                last_logged_at: person.last_login,
                roles: vec![role],
                locale: "en_US".to_owned(),
                attributes: Vec::new(),
                has_password: false,
            };
            portal.insert(seq, user);
        }
    }

    fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn random_text(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(ID_ALPHABET[self.rng.usize(..ID_ALPHABET.len())]))
            .collect()
    }

    fn new_user_id(&mut self, portal: &Portal) -> String {
        loop {
            let id = format!("ppu_{}", self.random_text(14));
            if !portal.by_id.contains_key(&id) {
                return id;
            }
        }
    }

    /// A fresh 32-hex request id.
    pub(crate) fn request_id(&mut self) -> String {
        format!("{:016x}{:016x}", self.rng.u64(..), self.rng.u64(..))
    }

    /// Counts a request by `key` against a fixed window of `quota` per `window`.
    pub(crate) fn admit(
        &mut self,
        key: &str,
        now: SystemTime,
        quota: u32,
        window: Duration,
    ) -> Admission {
        let current = self.windows.entry(key.to_owned()).or_insert(Window {
            opened: now,
            used: 0,
        });
        let elapsed = now.duration_since(current.opened).unwrap_or_default();
        if elapsed >= window {
            *current = Window {
                opened: now,
                used: 0,
            };
        }
        let left = window.saturating_sub(now.duration_since(current.opened).unwrap_or_default());
        let reset_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let allowed = current.used < quota;
        if allowed {
            current.used += 1;
        } else {
            self.rate_limited += 1;
        }
        Admission {
            allowed,
            limit: quota,
            remaining: quota.saturating_sub(current.used),
            reset_secs: reset_secs.max(1),
        }
    }

    fn portal(&self, portal_id: &str) -> Result<&Portal, ApiError> {
        self.portals
            .get(portal_id)
            .ok_or_else(|| ApiError::not_found(format!("Partner portal {portal_id} not found")))
    }

    fn user_json(&self, user: &SimUser) -> Value {
        let last = match (user.last_logged_at, self.format) {
            (None, _) => Value::Null,
            (Some(at), LastLoginFormat::Iso8601) => Value::String(format_utc(at, RFC3339_MILLIS)),
            (Some(at), LastLoginFormat::EpochMillis) => json!(epoch_millis(at)),
        };
        json!({
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "last_logged_at": last,
        })
    }

    pub(crate) fn list_users(&self, portal_id: &str, query: &HashMap<String, String>) -> Outcome {
        let portal = self.portal(portal_id)?;
        let (limit, after) = page_params(query)?;
        let mut items = portal
            .users
            .range(after.saturating_add(1)..)
            .map(|(seq, user)| (*seq, user));
        let page: Vec<(u64, &SimUser)> = items.by_ref().take(limit).collect();
        let more = items.next().is_some();
        let data: Vec<Value> = page.iter().map(|(_, user)| self.user_json(user)).collect();
        Ok(paged(
            data,
            page.last().map(|(seq, _)| *seq).filter(|_| more),
        ))
    }

    pub(crate) fn get_user(&self, portal_id: &str, user_id: &str) -> Outcome {
        let portal = self.portal(portal_id)?;
        portal
            .by_id
            .get(user_id)
            .and_then(|seq| portal.users.get(seq))
            .map(|user| self.user_json(user))
            .ok_or_else(|| ApiError::not_found(format!("Portal user {user_id} not found")))
    }

    pub(crate) fn delete_user(&mut self, portal_id: &str, user_id: &str) -> Outcome {
        self.portal(portal_id)?;
        let portal = self
            .portals
            .get_mut(portal_id)
            .ok_or_else(|| ApiError::not_found("Partner portal not found"))?;
        let seq = portal
            .by_id
            .remove(user_id)
            .ok_or_else(|| ApiError::not_found(format!("Portal user {user_id} not found")))?;
        if let Some(user) = portal.users.remove(&seq) {
            portal.by_email.remove(&user.email.to_lowercase());
        }
        Ok(json!({ "id": user_id, "isDeleted": true }))
    }

    pub(crate) fn create_user(&mut self, portal_id: &str, body: &[u8]) -> Outcome {
        self.portal(portal_id)?;
        let body: Value = serde_json::from_slice(body)
            .map_err(|_| ApiError::bad_request("The request body is not valid JSON"))?;
        let Value::Object(body) = body else {
            return Err(ApiError::bad_request(
                "The request body must be a JSON object",
            ));
        };
        let first_name = required_text(&body, "first_name")?;
        let last_name = required_text(&body, "last_name")?;
        let email = required_text(&body, "email")?;
        if !looks_like_email(&email) {
            return Err(ApiError::bad_request("email must be an email"));
        }
        let roles = match body.get("roles") {
            Some(Value::Array(roles)) if !roles.is_empty() => roles
                .iter()
                .map(|role| {
                    role.as_str()
                        .map(str::to_owned)
                        .ok_or_else(|| ApiError::bad_request("roles must be an array of role ids"))
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(Value::Array(_)) => {
                return Err(ApiError::bad_request("roles should not be empty"));
            }
            Some(_) => return Err(ApiError::bad_request("roles must be an array of role ids")),
            None => return Err(ApiError::bad_request("roles is required")),
        };
        for role in &roles {
            if !self.roles.iter().any(|known| &known.id == role) {
                return Err(ApiError::bad_request(format!("Unknown role id: {role}")));
            }
        }
        let password = match body.get("password") {
            None | Some(Value::Null) => false,
            Some(Value::String(_)) => true,
            Some(_) => return Err(ApiError::bad_request("password must be a string")),
        };
        let locale = match body.get("locale") {
            None | Some(Value::Null) => "en_US".to_owned(),
            Some(Value::String(locale)) if valid_locale(locale) => locale.clone(),
            Some(_) => {
                return Err(ApiError::bad_request(
                    "locale must be a locale such as en_US",
                ));
            }
        };
        let attributes = self.attribute_values(body.get("attributes"))?;
        let portal = self
            .portals
            .get(portal_id)
            .ok_or_else(|| ApiError::not_found("Partner portal not found"))?;
        if portal.by_email.contains_key(&email.to_lowercase()) {
            return Err(ApiError::bad_request(format!(
                "A user with email {email} already exists in this portal"
            )));
        }
        let id = loop {
            let id = format!("ppu_{}", self.random_text(14));
            if !self
                .portals
                .get(portal_id)
                .is_some_and(|portal| portal.by_id.contains_key(&id))
            {
                break id;
            }
        };
        let seq = self.next_seq();
        let user = SimUser {
            id,
            first_name,
            last_name,
            email,
            last_logged_at: None,
            roles,
            locale,
            attributes,
            has_password: password,
        };
        let answer = self.user_json(&user);
        if let Some(portal) = self.portals.get_mut(portal_id) {
            portal.insert(seq, user);
        }
        Ok(answer)
    }

    fn attribute_values(
        &self,
        attributes: Option<&Value>,
    ) -> Result<Vec<(String, String)>, ApiError> {
        let entries = match attributes {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(entries)) => entries,
            Some(_) => return Err(ApiError::bad_request("attributes must be an array")),
        };
        entries
            .iter()
            .map(|entry| {
                let id = entry
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::bad_request("attributes[].id is required"))?;
                if !self.attributes.iter().any(|known| known.id == id) {
                    return Err(ApiError::bad_request(format!(
                        "Unknown user attribute id: {id}"
                    )));
                }
                let value = match entry.get("value") {
                    Some(Value::String(text)) => text.clone(),
                    Some(value @ (Value::Number(_) | Value::Bool(_))) => value.to_string(),
                    _ => return Err(ApiError::bad_request("attributes[].value is required")),
                };
                Ok((id.to_owned(), value))
            })
            .collect()
    }

    pub(crate) fn list_roles(&self, query: &HashMap<String, String>) -> Outcome {
        let (limit, after) = page_params(query)?;
        let roles: Vec<Value> = self
            .roles
            .iter()
            .map(|role| json!({ "id": role.id, "name": role.name, "is_system": role.is_system }))
            .collect();
        Ok(page_of_list(&roles, limit, after))
    }

    pub(crate) fn get_role(&self, role_id: &str) -> Outcome {
        self.roles
            .iter()
            .find(|role| role.id == role_id)
            .map(|role| json!({ "id": role.id, "name": role.name, "is_system": role.is_system }))
            .ok_or_else(|| ApiError::not_found(format!("Role {role_id} not found")))
    }

    fn attribute_json(attribute: &SimAttribute) -> Value {
        json!({
            "id": attribute.id,
            "name": attribute.name,
            "label": attribute.label,
            "type": attribute.attribute_type,
            "allow_multiple_values": attribute.allow_multiple_values,
        })
    }

    pub(crate) fn list_attributes(&self, query: &HashMap<String, String>) -> Outcome {
        let (limit, after) = page_params(query)?;
        let attributes: Vec<Value> = self.attributes.iter().map(Self::attribute_json).collect();
        Ok(page_of_list(&attributes, limit, after))
    }

    pub(crate) fn get_attribute(&self, attribute_id: &str) -> Outcome {
        self.attributes
            .iter()
            .find(|attribute| attribute.id == attribute_id)
            .map(Self::attribute_json)
            .ok_or_else(|| ApiError::not_found(format!("User attribute {attribute_id} not found")))
    }
}

/// A page of a fixed list, where the cursor is the 1-based position of the last item.
fn page_of_list(items: &[Value], limit: usize, after: u64) -> Value {
    let start = usize::try_from(after)
        .unwrap_or(usize::MAX)
        .min(items.len());
    let end = start.saturating_add(limit).min(items.len());
    let more = end < items.len();
    let data = items[start..end].to_vec();
    paged(data, more.then_some(end as u64))
}

/// `{"data": [...], "paging": {"next": {"after": cursor}}}`, or `"paging": {}` at the end.
fn paged(data: Vec<Value>, next: Option<u64>) -> Value {
    let paging = match next {
        Some(position) => json!({ "next": { "after": encode_cursor(position) } }),
        None => Value::Object(Map::new()),
    };
    let mut page = Map::new();
    page.insert("data".to_owned(), Value::Array(data));
    page.insert("paging".to_owned(), paging);
    Value::Object(page)
}

fn encode_cursor(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("after:{position}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    text.strip_prefix("after:")?.parse().ok()
}

/// `limit` (default 25, at most 100, 400 unless a positive integer) and the cursor.
fn page_params(query: &HashMap<String, String>) -> Result<(usize, u64), ApiError> {
    let limit = match query.get("limit") {
        None => DEFAULT_PAGE_LIMIT,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(limit) if limit > 0 => usize::try_from(limit)
                .unwrap_or(MAX_PAGE_LIMIT)
                .min(MAX_PAGE_LIMIT),
            _ => return Err(ApiError::bad_request("limit must be a positive number")),
        },
    };
    let after = match query.get("after").map(String::as_str) {
        None | Some("") => 0,
        Some(cursor) => {
            decode_cursor(cursor).ok_or_else(|| ApiError::bad_request("Invalid cursor: after"))?
        }
    };
    Ok((limit, after))
}

fn required_text(body: &Map<String, Value>, field: &str) -> Result<String, ApiError> {
    match body.get(field) {
        Some(Value::String(text)) if !text.trim().is_empty() => Ok(text.clone()),
        Some(Value::String(_)) => Err(ApiError::bad_request(format!(
            "{field} should not be empty"
        ))),
        Some(_) => Err(ApiError::bad_request(format!("{field} must be a string"))),
        None => Err(ApiError::bad_request(format!("{field} is required"))),
    }
}

fn valid_locale(locale: &str) -> bool {
    let (language, region) = locale
        .split_once('_')
        .map_or((locale, None), |(l, r)| (l, Some(r)));
    (2..=3).contains(&language.len())
        && language.chars().all(|c| c.is_ascii_lowercase())
        && region.is_none_or(|r| r.len() == 2 && r.chars().all(|c| c.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("MQit="), None);
        assert!(page_params(&query(&[("after", "nope")])).is_err());
        assert!(page_params(&query(&[("limit", "0")])).is_err());
        assert!(page_params(&query(&[("limit", "ten")])).is_err());
        assert_eq!(
            page_params(&query(&[("limit", "1000")])).unwrap().0,
            MAX_PAGE_LIMIT
        );
        assert_eq!(page_params(&query(&[])).unwrap(), (DEFAULT_PAGE_LIMIT, 0));
    }

    #[test]
    fn lists_page_in_creation_order_and_end_with_empty_paging() {
        let mut state = State::new(1, LastLoginFormat::Iso8601);
        let mut portal = Portal::default();
        state.seed_users(
            &mut portal,
            1,
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600),
            5,
        );
        state.portals.insert("p".into(), portal);
        let first = state.list_users("p", &query(&[("limit", "3")])).unwrap();
        assert_eq!(first["data"].as_array().unwrap().len(), 3);
        let after = first["paging"]["next"]["after"]
            .as_str()
            .unwrap()
            .to_owned();
        let second = state
            .list_users("p", &query(&[("limit", "3"), ("after", &after)]))
            .unwrap();
        assert_eq!(second["data"].as_array().unwrap().len(), 2);
        assert_eq!(second["paging"], json!({}));
        assert_ne!(first["data"][0]["id"], second["data"][0]["id"]);
    }

    #[test]
    fn fixed_window_counts_down_and_resets() {
        let mut state = State::new(1, LastLoginFormat::Iso8601);
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let minute = Duration::from_secs(60);
        assert_eq!(state.admit("k", start, 2, minute).remaining, 1);
        assert_eq!(state.admit("k", start, 2, minute).remaining, 0);
        let refused = state.admit("k", start + Duration::from_secs(15), 2, minute);
        assert!(!refused.allowed);
        assert_eq!(refused.reset_secs, 45);
        assert!(state.admit("other", start, 2, minute).allowed);
        assert!(state.admit("k", start + minute, 2, minute).allowed);
        assert_eq!(state.rate_limited, 1);
    }

    #[test]
    fn request_ids_are_fresh_32_hex() {
        let mut state = State::new(1, LastLoginFormat::Iso8601);
        let a = state.request_id();
        let b = state.request_id();
        assert_ne!(a, b);
        assert!(a.len() == 32 && a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
