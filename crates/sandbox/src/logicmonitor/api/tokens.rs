//! API tokens (`/setting/admins/{adminId}/apitokens`): list, create, update, delete.

use std::time::SystemTime;

use serde_json::{Map, Value, json};

use super::body::{body_object, text};
use super::listing::{list_json, list_query, refuse_unknown_permission};
use super::{Fail, Query, Reply, error, ok};
use crate::logicmonitor::store::{Token, epoch_secs};
use crate::logicmonitor::{LogicMonitorSim, read, write};

pub(super) fn list_tokens(
    lm: &LogicMonitorSim,
    admin: Option<i32>,
    query: &Query,
) -> Result<Reply, Fail> {
    let list = list_query(query)?;
    let store = read(&lm.inner.store);
    if let Some(id) = admin
        && store.user_index(id).is_none()
    {
        return Err(error(404, format!("No user with id {id}")));
    }
    refuse_unknown_permission(query)?;
    let kind = query.get("type").map(str::to_ascii_lowercase);
    let items = store
        .tokens
        .iter()
        .filter(|t| admin.is_none_or(|id| t.admin_id == id))
        .filter(|t| kind.as_deref().is_none_or(|k| (k == "bearer") == t.bearer))
        .map(|t| store.token_json(t, false))
        .collect();
    Ok(ok(&list_json(items, &list, &[])))
}

pub(super) fn create_token(
    lm: &LogicMonitorSim,
    admin: i32,
    query: &Query,
    body: &[u8],
    now: SystemTime,
) -> Result<Reply, Fail> {
    let body = body_object(body)?;
    let mut store = write(&lm.inner.store);
    if store.user_index(admin).is_none() {
        return Err(error(404, format!("No user with id {admin}")));
    }
    let bearer = query
        .get("type")
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer"));
    let note = text(&body, "note")?.unwrap_or_default();
    let status = token_status(&body)?.unwrap_or(2);
    let id = store.next_token_id;
    store.next_token_id += 1;
    let mut rng = fastrand::Rng::with_seed(
        u64::try_from(id).unwrap_or(0)
            ^ u64::try_from(epoch_secs(now)).unwrap_or(0).rotate_left(20),
    );
    let alnum = |rng: &mut fastrand::Rng, n: usize| -> String {
        (0..n).map(|_| rng.alphanumeric()).collect()
    };
    let access_id = alnum(&mut rng, 20);
    let access_key = if bearer {
        format!("lmb_{}", alnum(&mut rng, 40))
    } else {
        alnum(&mut rng, 40)
    };
    let token = Token {
        id,
        admin_id: admin,
        access_id,
        access_key,
        bearer,
        note,
        status,
        created_on: epoch_secs(now),
    };
    let rendered = Value::Object(store.token_json(&token, true));
    store.tokens.push(token);
    Ok(ok(&rendered))
}

/// A token's status from a request: 2 enabled, 1 disabled.
fn token_status(body: &Map<String, Value>) -> Result<Option<i32>, Fail> {
    match body.get("status") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_i64() {
            Some(2) => Ok(Some(2)),
            Some(1) => Ok(Some(1)),
            _ => Err(error(
                400,
                format!("Invalid token status {value}: 2 is enabled, 1 disabled"),
            )),
        },
    }
}

/// Replaces (`full`: an omitted `note` becomes empty and an omitted `status` enabled) or
/// patches a token's note and status; every other field is read-only.
pub(super) fn write_token(
    lm: &LogicMonitorSim,
    admin: i32,
    token: i32,
    full: bool,
    body: &[u8],
) -> Result<Reply, Fail> {
    let body = body_object(body)?;
    let note = text(&body, "note")?;
    let status = token_status(&body)?;
    let mut store = write(&lm.inner.store);
    if store.user_index(admin).is_none() {
        return Err(error(404, format!("No user with id {admin}")));
    }
    let index = store
        .tokens
        .iter()
        .position(|t| t.admin_id == admin && t.id == token)
        .ok_or_else(|| error(404, format!("No API token {token} for user {admin}")))?;
    let entry = &mut store.tokens[index];
    match note {
        Some(note) => entry.note = note,
        None if full => entry.note = String::new(),
        None => {}
    }
    match status {
        Some(status) => entry.status = status,
        None if full => entry.status = 2,
        None => {}
    }
    let rendered = Value::Object(store.token_json(&store.tokens[index], false));
    Ok(ok(&rendered))
}

pub(super) fn delete_token(lm: &LogicMonitorSim, admin: i32, token: i32) -> Result<Reply, Fail> {
    let mut store = write(&lm.inner.store);
    let before = store.tokens.len();
    store
        .tokens
        .retain(|t| !(t.admin_id == admin && t.id == token));
    if store.tokens.len() == before {
        return Err(error(404, format!("No API token {token} for user {admin}")));
    }
    Ok(ok(&json!({})))
}
