//! HTTP side: routing, authentication, parameter parsing and the endpoint handlers.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::State as AxumState;
use axum::routing::any;
use bytes::Bytes;
use http::header::{ALLOW, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, Method, Response, StatusCode, Uri};
use serde_json::{Value, json};

use super::SuspensionReport;
use super::state::{SmartCard, State};
use super::{AllthenticateSim, AuthMode};
use crate::time::{SPACED_SECONDS, format_utc};
use crate::wire::{JSON, form_pairs, json_response, looks_like_email};

type Reply = Response<Body>;

pub(super) fn router(sim: AllthenticateSim) -> Router {
    Router::new()
        .route("/multipleusers", any(dispatch))
        .route("/user", any(dispatch))
        .route("/modifyallusernames", any(dispatch))
        .route("/modifyrank", any(dispatch))
        .route("/modifysmartcard", any(dispatch))
        .route("/promoteguest", any(dispatch))
        .route("/togglesuspension", any(dispatch))
        .route("/invites", any(dispatch))
        .with_state(sim)
}

fn success(message: impl Into<String>) -> Reply {
    json_response(StatusCode::OK, JSON, &json!({ "success": message.into() }))
}

/// A failure: the status and the message sent as `{"error": message}`.
#[derive(Debug)]
struct Fail(StatusCode, String);

impl Fail {
    fn into_reply(self) -> Reply {
        json_response(self.0, JSON, &json!({ "error": self.1 }))
    }
}

fn error(status: StatusCode, message: impl Into<String>) -> Fail {
    Fail(status, message.into())
}

fn bad(message: impl Into<String>) -> Fail {
    error(StatusCode::BAD_REQUEST, message)
}

async fn dispatch(
    AxumState(sim): AxumState<AllthenticateSim>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let query = uri.query().map(form_pairs).unwrap_or_default();
    if !sim.authorized(&headers, &query) {
        return error(StatusCode::UNAUTHORIZED, "Missing or invalid API key").into_reply();
    }
    let params = match Params::parse(query, &headers, &body) {
        Ok(params) => params,
        Err(message) => return bad(message).into_reply(),
    };
    let result = match (uri.path(), &method) {
        ("/multipleusers", &Method::GET) => sim.list_users(&params),
        ("/user", &Method::GET) => sim.get_user(&params),
        ("/user", &Method::DELETE) => sim.delete_user(&params),
        ("/modifyallusernames", &Method::POST) => sim.modify_usernames(&params),
        ("/modifyrank", &Method::POST) => sim.modify_rank(&params),
        ("/modifysmartcard", &Method::GET) => sim.get_smartcards(&params),
        ("/modifysmartcard", &Method::POST) => sim.modify_smartcards(&params),
        ("/promoteguest", &Method::POST) => sim.promote_guest(&params),
        ("/togglesuspension", &Method::POST) => sim.toggle_suspension(&params),
        ("/invites", &Method::GET) => Ok(sim.list_invites()),
        ("/invites", &Method::POST) if params.has("emails") => sim.invite(&params),
        ("/invites", &Method::POST) => sim.resend_invite(&params),
        ("/invites", &Method::PUT) => sim.invite(&params),
        (path, _) => {
            let mut reply = error(
                StatusCode::METHOD_NOT_ALLOWED,
                "The method is not allowed for the requested URL.",
            )
            .into_reply();
            if let Some(methods) = allowed(path) {
                reply
                    .headers_mut()
                    .insert(ALLOW, http::HeaderValue::from_static(methods));
            }
            return reply;
        }
    };
    result.unwrap_or_else(Fail::into_reply)
}

/// The methods a route answers, for the `Allow` header of a 405.
fn allowed(path: &str) -> Option<&'static str> {
    Some(match path {
        "/multipleusers" => "GET",
        "/user" => "GET, DELETE",
        "/modifyallusernames" | "/modifyrank" | "/promoteguest" | "/togglesuspension" => "POST",
        "/modifysmartcard" => "GET, POST",
        "/invites" => "GET, POST, PUT",
        _ => return None,
    })
}

/// Parameters merged from the query string and the body.
#[derive(Debug, Default)]
struct Params(HashMap<String, Value>);

impl Params {
    fn parse(
        query: Vec<(String, String)>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self, String> {
        let mut map: HashMap<String, Value> = query
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect();
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Ok(Self(map));
        }
        if content_type.contains("json")
            || (!content_type.contains("form") && trimmed.starts_with('{'))
        {
            match serde_json::from_str::<Value>(trimmed) {
                Ok(Value::Object(object)) => map.extend(object),
                Ok(_) => return Err("The JSON body must be an object".into()),
                Err(_) => return Err("The request body is not valid JSON".into()),
            }
        } else {
            map.extend(
                form_pairs(trimmed)
                    .into_iter()
                    .map(|(name, value)| (name, Value::String(value))),
            );
        }
        Ok(Self(map))
    }

    fn has(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|value| !value.is_null())
    }

    fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(text) => Some(text.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn int(&self, name: &str) -> Result<Option<u64>, Fail> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number
                .as_u64()
                .map(Some)
                .ok_or_else(|| bad(format!("{name} must be an integer"))),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| bad(format!("{name} must be an integer"))),
            Some(_) => Err(bad(format!("{name} must be an integer"))),
        }
    }

    fn required_int(&self, name: &str) -> Result<u64, Fail> {
        self.int(name)?
            .ok_or_else(|| bad(format!("Missing required parameter {name}")))
    }

    fn bool(&self, name: &str) -> Result<Option<bool>, Fail> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(Value::Number(number)) => match number.as_u64() {
                Some(0) => Ok(Some(false)),
                Some(1) => Ok(Some(true)),
                _ => Err(bad(format!("{name} must be a boolean"))),
            },
            Some(Value::String(text)) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(Some(true)),
                "false" | "0" | "no" => Ok(Some(false)),
                _ => Err(bad(format!("{name} must be a boolean"))),
            },
            Some(_) => Err(bad(format!("{name} must be a boolean"))),
        }
    }

    fn array(&self, name: &str) -> Result<Option<Vec<Value>>, Fail> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items.clone())),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => Ok(Some(items)),
                _ => Err(bad(format!("{name} must be a JSON array"))),
            },
            Some(_) => Err(bad(format!("{name} must be a JSON array"))),
        }
    }
}

fn member_json(member: &super::Member, email_in_name: bool, report: &SuspensionReport) -> Value {
    let mut name = format!("{} {}", member.first_name, member.last_name);
    if email_in_name {
        name = format!("{name} ({})", member.email);
    }
    let state = if member.suspended {
        "SUSPENDED"
    } else {
        "ACTIVE"
    };
    let mut record = json!({
        "user_id": member.user_id,
        "email_id": member.email_id,
        "email": member.email,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "name": name,
        "username": member.username,
        "unique_id": member.unique_id,
        "email_status": member.email_status,
        "created": member.created,
        "confirmed": member.confirmed,
        "active_date": member.active_date,
        "device_added": member.device_added,
        "groups": member.groups.iter().map(|group| vec![group]).collect::<Vec<_>>(),
    });
    let (ad_status, field) = match report {
        SuspensionReport::AdStatus => (Some(state), None),
        SuspensionReport::Field(name) => (Some("ACTIVE"), Some(name)),
        SuspensionReport::AdStatusAlwaysActive => (Some("ACTIVE"), None),
        SuspensionReport::NotReported => (None, None),
    };
    if let Some(object) = record.as_object_mut() {
        if let Some(ad_status) = ad_status {
            object.insert("ad_status".to_owned(), json!(ad_status));
        }
        if let Some(field) = field {
            object.insert(field.clone(), json!(state));
        }
    }
    record
}

fn cards_json(cards: &[SmartCard]) -> Value {
    Value::Array(
        cards
            .iter()
            .map(|card| json!({ "label": card.label, "number": card.number }))
            .collect(),
    )
}

fn unknown_member() -> Fail {
    bad("No user with that email_id in your organization")
}

impl AllthenticateSim {
    fn authorized(&self, headers: &HeaderMap, query: &[(String, String)]) -> bool {
        let key = self.config.api_key.as_str();
        let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        let bearer = || {
            header(AUTHORIZATION.as_str()).is_some_and(|value| {
                value.split_once(' ').is_some_and(|(scheme, token)| {
                    scheme.eq_ignore_ascii_case("bearer") && token.trim() == key
                })
            })
        };
        let raw = || header(AUTHORIZATION.as_str()).is_some_and(|value| value == key);
        match &self.config.auth_mode {
            AuthMode::Any => {
                bearer()
                    || headers
                        .values()
                        .any(|value| value.to_str().is_ok_and(|value| value == key))
                    || query.iter().any(|(_, value)| value == key)
            }
            AuthMode::Bearer => bearer(),
            AuthMode::RawAuthorization => raw(),
            AuthMode::Header(name) => header(name).is_some_and(|value| value == key),
            AuthMode::Query(name) => query
                .iter()
                .any(|(param, value)| param == name && value == key),
        }
    }

    fn with_member<T>(
        &self,
        email_id: u64,
        f: impl FnOnce(&mut State, &mut super::Member) -> Result<T, Fail>,
    ) -> Result<T, Fail> {
        let mut state = self.lock();
        let mut member = state
            .members
            .get(&email_id)
            .cloned()
            .ok_or_else(unknown_member)?;
        let result = f(&mut state, &mut member)?;
        state.members.insert(email_id, member);
        Ok(result)
    }

    fn list_users(&self, params: &Params) -> Result<Reply, Fail> {
        let email_in_name = params.bool("email")?.unwrap_or(false);
        let tag = match params.text("user_tag") {
            None => "USER".to_owned(),
            Some(tag) if tag.trim().is_empty() => "USER".to_owned(),
            Some(tag) => tag.trim().to_ascii_uppercase(),
        };
        if tag != "USER" && tag != "GUEST" {
            return Err(bad(format!("Unknown user_tag {tag}")));
        }
        let state = self.lock();
        let users: Vec<Value> = state
            .members
            .values()
            .filter(|member| member.tag == tag)
            .map(|member| member_json(member, email_in_name, &self.config.suspension_report))
            .collect();
        Ok(json_response(StatusCode::OK, JSON, &Value::Array(users)))
    }

    fn get_user(&self, params: &Params) -> Result<Reply, Fail> {
        let email_id = params.required_int("email_id")?;
        let state = self.lock();
        let member = state.members.get(&email_id).ok_or_else(unknown_member)?;
        let policies: Vec<Vec<String>> = state
            .policies_of(email_id)
            .into_iter()
            .map(|name| vec![name])
            .collect();
        Ok(json_response(
            StatusCode::OK,
            JSON,
            &json!({
                "policies": policies,
                "computer_usernames": member.computer_usernames,
                "smartcards": cards_json(&member.smartcards),
            }),
        ))
    }

    fn delete_user(&self, params: &Params) -> Result<Reply, Fail> {
        let mut state = self.lock();
        // email_id takes precedence when both are given.
        let email_id = if let Some(id) = params.int("email_id")? {
            id
        } else {
            let Some(email) = params
                .text("email")
                .filter(|email| !email.trim().is_empty())
            else {
                return Err(bad("Either email_id or email must be provided"));
            };
            let email = email.trim().to_owned();
            if let Some(member) = state.member_by_email(&email) {
                member.email_id
            } else {
                // Not a member: cancel a pending invite for that address, if any.
                let before = state.invites.len();
                state
                    .invites
                    .retain(|invite| !invite.email.eq_ignore_ascii_case(&email));
                if state.invites.len() < before {
                    return Ok(success(format!("Invite for {email} was cancelled.")));
                }
                return Err(bad("No user with that email in your organization"));
            }
        };
        let member = state.remove_member(email_id).ok_or_else(unknown_member)?;
        Ok(success(format!(
            "User {}/{} was successfully deleted from your organization.",
            member.email, member.username
        )))
    }

    fn modify_usernames(&self, params: &Params) -> Result<Reply, Fail> {
        let email_id = params.required_int("email_id")?;
        let items = params
            .array("computer_usernames")?
            .ok_or_else(|| bad("Missing required parameter computer_usernames"))?;
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            match item.get("computer_username") {
                Some(Value::String(name)) if !name.trim().is_empty() => names.push(name.clone()),
                _ => {
                    return Err(bad(
                        "Each computer_usernames entry needs a non-empty string computer_username",
                    ));
                }
            }
        }
        self.with_member(email_id, |_, member| {
            member.computer_usernames = names;
            Ok(())
        })?;
        Ok(success("Computer usernames updated"))
    }

    fn modify_rank(&self, params: &Params) -> Result<Reply, Fail> {
        let user_id = params.required_int("admin_user_id")?;
        let rank = params
            .text("rank")
            .ok_or_else(|| bad("Missing required parameter rank"))?
            .trim()
            .to_owned();
        if !["REGULAR", "ADMIN", "SUPER"].contains(&rank.as_str()) {
            return Err(bad(format!(
                "Invalid rank {rank}: use ADMIN, REGULAR or SUPER"
            )));
        }
        if rank != "REGULAR" && self.config.caller_rank != "SUPER" {
            return Err(bad("Only SUPER admins can create admins"));
        }
        let mut state = self.lock();
        let member = state
            .members
            .values_mut()
            .find(|member| member.user_id == user_id)
            .ok_or_else(|| bad("No user with that user_id in your organization"))?;
        member.rank.clone_from(&rank);
        Ok(success(format!("Rank of {} set to {rank}", member.email)))
    }

    fn get_smartcards(&self, params: &Params) -> Result<Reply, Fail> {
        let email_id = params.required_int("email_id")?;
        let state = self.lock();
        let member = state.members.get(&email_id).ok_or_else(unknown_member)?;
        Ok(json_response(
            StatusCode::OK,
            JSON,
            &json!({ "email_id": email_id, "smartcards": cards_json(&member.smartcards) }),
        ))
    }

    fn modify_smartcards(&self, params: &Params) -> Result<Reply, Fail> {
        let email_id = params.required_int("email_id")?;
        let items = params
            .array("smartcards")?
            .ok_or_else(|| bad("Missing required parameter smartcards"))?;
        let allow_duplicates = params.bool("allow_duplicates")?.unwrap_or(false);
        let cards = parse_cards(&items)?;
        self.with_member(email_id, |state, member| {
            if !allow_duplicates {
                for (i, card) in cards.iter().enumerate() {
                    if cards[..i].iter().any(|other| other.number == card.number) {
                        return Err(bad(format!("Duplicate smartcard number {}", card.number)));
                    }
                    let held = state.members.values().any(|other| {
                        other.email_id != email_id
                            && other.smartcards.iter().any(|c| c.number == card.number)
                    });
                    if held {
                        return Err(bad(format!(
                            "Smartcard number {} is already in use in your organization",
                            card.number
                        )));
                    }
                }
            }
            member.smartcards = cards;
            Ok(())
        })?;
        Ok(success("Smartcards updated"))
    }

    fn promote_guest(&self, params: &Params) -> Result<Reply, Fail> {
        let id = params.required_int("email_id")?;
        let mut state = self.lock();
        let email_id = if state.members.contains_key(&id) {
            id
        } else if self.config.promote_accepts_user_id {
            state
                .members
                .values()
                .find(|member| member.user_id == id)
                .map(|member| member.email_id)
                .ok_or_else(unknown_member)?
        } else {
            return Err(unknown_member());
        };
        let member = state
            .members
            .get_mut(&email_id)
            .ok_or_else(unknown_member)?;
        if member.tag != "GUEST" {
            return Err(bad("The user is not a guest"));
        }
        member.tag = "USER".into();
        Ok(success(format!(
            "{} was promoted from GUEST to USER",
            member.email
        )))
    }

    fn toggle_suspension(&self, params: &Params) -> Result<Reply, Fail> {
        let email_id = params.required_int("email_id")?;
        let suspended = self.with_member(email_id, |_, member| {
            if member.email_status != "CONFIRMED" {
                return Err(bad("The user has not confirmed their email"));
            }
            member.suspended = !member.suspended;
            Ok(member.suspended)
        })?;
        if self.config.empty_toggle_response {
            let mut response = Response::new(Body::empty());
            *response.status_mut() = StatusCode::OK;
            return Ok(response);
        }
        Ok(success(if suspended {
            "User suspended"
        } else {
            "User unsuspended"
        }))
    }

    fn list_invites(&self) -> Reply {
        let state = self.lock();
        let invites: Vec<Value> = state
            .invites
            .iter()
            .map(|invite| json!({ "email": invite.email, "added_date": invite.added_date }))
            .collect();
        json_response(StatusCode::OK, JSON, &Value::Array(invites))
    }

    fn resend_invite(&self, params: &Params) -> Result<Reply, Fail> {
        let email = params
            .text("email")
            .filter(|email| !email.trim().is_empty())
            .ok_or_else(|| bad("Missing required parameter email"))?;
        let mut state = self.lock();
        let invite = state
            .invites
            .iter_mut()
            .find(|invite| invite.email.eq_ignore_ascii_case(email.trim()))
            .ok_or_else(|| bad("No pending invite for that email"))?;
        invite.resent += 1;
        let address = invite.email.clone();
        state.sent_emails.push(address.clone());
        Ok(success(format!("Invite resent to {address}")))
    }

    fn invite(&self, params: &Params) -> Result<Reply, Fail> {
        let emails = params
            .array("emails")?
            .ok_or_else(|| bad("Missing required parameter emails"))?;
        if emails.is_empty() {
            return Err(bad("emails must not be empty"));
        }
        let card_lists = params.array("smartcards")?.unwrap_or_default();
        let mut cards_by_position = Vec::with_capacity(card_lists.len());
        for list in &card_lists {
            let Value::Array(items) = list else {
                return Err(bad("smartcards must be a list of smartcard arrays"));
            };
            cards_by_position.push(parse_cards(items)?);
        }
        let groups = params.array("groups")?.unwrap_or_default();
        let send_email = !params.bool("no_email")?.unwrap_or(false);
        let mut state = self.lock();
        let mut group_names = Vec::new();
        for group in &groups {
            let id = group.get("id").and_then(|id| match id {
                Value::Number(number) => number.as_u64(),
                Value::String(text) => text.parse().ok(),
                _ => None,
            });
            let name = group.get("name").and_then(Value::as_str);
            let found = state
                .groups
                .iter()
                .find(|known| Some(known.id) == id || Some(known.name.as_str()) == name)
                .ok_or_else(|| bad("Unknown group"))?;
            group_names.push(found.name.clone());
        }
        let now = self.clock.now();
        let (mut added, mut invited, mut exists, mut invalid, mut add_ids) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (position, email) in emails.iter().enumerate() {
            let Some(email) = email
                .as_str()
                .map(str::trim)
                .filter(|email| looks_like_email(email))
            else {
                invalid.push(
                    email
                        .as_str()
                        .map_or_else(|| email.to_string(), str::to_owned),
                );
                continue;
            };
            if state.member_by_email(email).is_some() {
                exists.push(email.to_owned());
                continue;
            }
            let cards = cards_by_position.get(position).cloned().unwrap_or_default();
            if let Some(index) = state
                .accounts
                .iter()
                .position(|account| account.email.eq_ignore_ascii_case(email))
            {
                let account = state.accounts.remove(index);
                let email_id = state.admit(account, now);
                if let Some(member) = state.members.get_mut(&email_id) {
                    member.groups.clone_from(&group_names);
                    member.smartcards = cards;
                }
                add_ids.push(email_id);
                added.push(email.to_owned());
            } else {
                if !state
                    .invites
                    .iter()
                    .any(|invite| invite.email.eq_ignore_ascii_case(email))
                {
                    state.invites.push(super::PendingInvite {
                        email: email.to_owned(),
                        added_date: format_utc(now, SPACED_SECONDS),
                        resent: 0,
                    });
                }
                invited.push(email.to_owned());
            }
            if send_email {
                state.sent_emails.push(email.to_owned());
            }
        }
        Ok(json_response(
            StatusCode::OK,
            JSON,
            &json!({
                "success": format!("{} added, {} invited", added.len(), invited.len()),
                "added": added,
                "invited": invited,
                "exists": exists,
                "invalid": invalid,
                "failed_invite": Vec::<String>::new(),
                "add_ids": add_ids,
                "group_names": group_names,
                "send_email": send_email,
            }),
        ))
    }
}

fn parse_cards(items: &[Value]) -> Result<Vec<SmartCard>, Fail> {
    items
        .iter()
        .map(|item| {
            let number = match item.get("number") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Number(number)) if number.is_u64() => number.to_string(),
                _ => return Err(bad("Each smartcard needs a number")),
            };
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad(format!(
                    "Smartcard number {number} must be an integer string"
                )));
            }
            let label = match item.get("label") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(text)) => text.clone(),
                Some(_) => return Err(bad("A smartcard label must be a string")),
            };
            Ok(SmartCard { number, label })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_accept_documented_spellings() {
        let query = vec![
            ("flag".to_owned(), "YES".to_owned()),
            ("id".to_owned(), "12".to_owned()),
        ];
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        let params =
            Params::parse(query, &headers, br#"{"list":[1],"text":"[2]","off":0}"#).unwrap();
        assert_eq!(params.bool("flag").unwrap(), Some(true));
        assert_eq!(params.bool("off").unwrap(), Some(false));
        assert_eq!(params.int("id").unwrap(), Some(12));
        assert_eq!(params.array("list").unwrap(), Some(vec![json!(1)]));
        assert_eq!(params.array("text").unwrap(), Some(vec![json!(2)]));
        assert!(params.array("flag").is_err());
    }
}
