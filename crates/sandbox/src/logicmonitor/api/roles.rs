//! Roles (`/setting/roles`): list, read, create, replace, patch, delete.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::body::{body_object, flag, text};
use super::listing::{fields, list_json, list_query, project};
use super::{Fail, Query, Reply, error, ok};
use crate::logicmonitor::store::{Role, Store};
use crate::logicmonitor::{LogicMonitorSim, read, write};

/// The fields every projected role keeps (`shared/vendors/logicmonitor.md` §7).
const REQUIRED_ROLE_FIELDS: &[&str] = &["name", "privileges"];

fn role_json(store: &Store, id: i32, counts: &HashMap<i32, usize>) -> Option<Map<String, Value>> {
    let role = store.role(id)?;
    let mut map = match &role.json {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    map.insert(
        "associatedUserCount".into(),
        counts.get(&id).copied().unwrap_or(0).into(),
    );
    Some(map)
}

pub(super) fn list_roles(lm: &LogicMonitorSim, query: &Query) -> Result<Reply, Fail> {
    let list = list_query(query)?;
    let exclude_admin = query.flag("excludeAdmin")?;
    let store = read(&lm.inner.store);
    let counts = store.role_user_counts();
    let items = store
        .roles
        .iter()
        .filter(|r| !(exclude_admin && r.name == "administrator"))
        .filter_map(|r| role_json(&store, r.id, &counts))
        .collect();
    Ok(ok(&list_json(items, &list, REQUIRED_ROLE_FIELDS)))
}

pub(super) fn get_role(lm: &LogicMonitorSim, id: i32, query: &Query) -> Result<Reply, Fail> {
    let store = read(&lm.inner.store);
    let counts = store.role_user_counts();
    let map = role_json(&store, id, &counts)
        .ok_or_else(|| error(404, format!("No role with id {id}")))?;
    Ok(ok(&project(
        map,
        fields(query).as_ref(),
        REQUIRED_ROLE_FIELDS,
    )))
}

/// The role properties a request may set, with the value a `PUT` or a create gives
/// those it leaves out.
const ROLE_TEXT: [(&str, &str); 3] = [
    ("description", ""),
    ("customHelpLabel", ""),
    ("customHelpURL", ""),
];
const ROLE_FLAGS: [(&str, bool); 2] = [("twoFARequired", false), ("requireEULA", false)];

/// One privilege of a request, checked: `objectType`, `objectId` and `operation` are
/// required strings (the SDK's `Privilege`); `objectName` defaults to the `objectId`.
fn privilege(value: &Value, index: usize) -> Result<Value, Fail> {
    let Value::Object(body) = value else {
        return Err(error(400, format!("privileges[{index}] must be an object")));
    };
    let field = |name: &str| -> Result<String, Fail> {
        match body.get(name) {
            Some(Value::String(text)) if !text.trim().is_empty() || name == "objectId" => {
                Ok(text.clone())
            }
            Some(Value::String(_)) => Err(error(
                400,
                format!("privileges[{index}].{name} must not be empty"),
            )),
            None | Some(Value::Null) => Err(error(
                400,
                format!("privileges[{index}].{name} is required"),
            )),
            Some(_) => Err(error(
                400,
                format!("privileges[{index}].{name} must be a string"),
            )),
        }
    };
    let object_type = field("objectType")?;
    let object_id = field("objectId")?;
    let operation = field("operation")?;
    let object_name = match body.get("objectName") {
        Some(Value::String(name)) if !name.is_empty() => name.clone(),
        _ => object_id.clone(),
    };
    Ok(json!({
        "objectType": object_type, "objectId": object_id, "objectName": object_name,
        "operation": operation, "subOperation": "",
    }))
}

/// Sets the role properties `body` carries on `json` (`full`: `privileges` is required).
fn apply_role_body(
    json: &mut Map<String, Value>,
    body: &Map<String, Value>,
    full: bool,
) -> Result<(), Fail> {
    match body.get("privileges") {
        None if full => return Err(error(400, "privileges is required")),
        None => {}
        Some(Value::Array(items)) => {
            if items.is_empty() {
                return Err(error(400, "privileges must hold at least one privilege"));
            }
            let privileges = items
                .iter()
                .enumerate()
                .map(|(i, item)| privilege(item, i))
                .collect::<Result<Vec<_>, _>>()?;
            json.insert("privileges".into(), Value::Array(privileges));
        }
        Some(_) => return Err(error(400, "privileges must be an array")),
    }
    for (name, _) in ROLE_TEXT {
        if let Some(value) = text(body, name)? {
            json.insert(name.into(), value.into());
        }
    }
    // The C# client spells it `customHelpUrl`.
    if let Some(url) = text(body, "customHelpUrl")? {
        json.insert("customHelpURL".into(), url.into());
    }
    for (name, _) in ROLE_FLAGS {
        if let Some(value) = flag(body, name)? {
            json.insert(name.into(), value.into());
        }
    }
    match body.get("roleGroupId") {
        None | Some(Value::Null) => {}
        // LogicMonitor's PowerShell module sends it as a string.
        Some(value) => {
            let group = value
                .as_i64()
                .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
                .and_then(|g| i32::try_from(g).ok())
                .filter(|g| *g >= 0)
                .ok_or_else(|| error(400, "roleGroupId must be a non-negative integer"))?;
            json.insert("roleGroupId".into(), group.into());
        }
    }
    Ok(())
}

/// Creates (`id` none), replaces (`full`) or patches a role.
pub(super) fn write_role(
    lm: &LogicMonitorSim,
    id: Option<i32>,
    full: bool,
    body: &[u8],
) -> Result<Reply, Fail> {
    let body = body_object(body)?;
    let mut store = write(&lm.inner.store);
    let index = match id {
        Some(id) => Some(
            store
                .roles
                .iter()
                .position(|r| r.id == id)
                .ok_or_else(|| error(404, format!("No role with id {id}")))?,
        ),
        None => None,
    };
    let mut json = match index {
        Some(index) if !full => match &store.roles[index].json {
            Value::Object(map) => map.clone(),
            _ => Map::new(),
        },
        _ => {
            let mut map = Map::new();
            for (name, default) in ROLE_TEXT {
                map.insert(name.into(), default.into());
            }
            for (name, default) in ROLE_FLAGS {
                map.insert(name.into(), default.into());
            }
            map.insert("roleGroupId".into(), 1.into());
            map
        }
    };
    let role_id = index.map_or(store.next_role_id, |i| store.roles[i].id);
    let name = match text(&body, "name")? {
        Some(name) if name.trim().is_empty() => return Err(error(400, "name must not be empty")),
        Some(name) => name,
        None if full => return Err(error(400, "name is required")),
        None => store.roles[index.unwrap_or_default()].name.clone(),
    };
    apply_role_body(&mut json, &body, full)?;
    if store
        .roles
        .iter()
        .any(|r| r.id != role_id && r.name.eq_ignore_ascii_case(&name))
    {
        return Err(error(409, format!("A role named {name} already exists")));
    }
    json.insert("id".into(), role_id.into());
    json.insert("name".into(), name.clone().into());
    for (name, value) in [
        ("acctRequireTwoFA", Value::Bool(false)),
        ("enableRemoteSessionInCompanyLevel", Value::Bool(true)),
        ("userPermission", Value::from("write")),
        ("isSamlRole", Value::Bool(false)),
    ] {
        json.entry(name).or_insert(value);
    }
    let role = Role {
        id: role_id,
        name,
        built_in: index.is_some_and(|i| store.roles[i].built_in),
        json: Value::Object(json),
    };
    if let Some(index) = index {
        store.roles[index] = role;
    } else {
        store.next_role_id += 1;
        store.roles.push(role);
    }
    let counts = store.role_user_counts();
    let rendered = role_json(&store, role_id, &counts).unwrap_or_default();
    Ok(ok(&Value::Object(rendered)))
}

/// Deletes a role; a role some user holds can not be deleted (400, "the object cannot be
/// deleted because something depends on it").
pub(super) fn delete_role(lm: &LogicMonitorSim, id: i32) -> Result<Reply, Fail> {
    let mut store = write(&lm.inner.store);
    let index = store
        .roles
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| error(404, format!("No role with id {id}")))?;
    if store.roles[index].built_in {
        return Err(error(400, "A built-in role can not be deleted"));
    }
    let holders = store.role_user_counts().get(&id).copied().unwrap_or(0);
    if holders > 0 {
        return Err(error(
            400,
            format!("The role is assigned to {holders} user(s) and can not be deleted"),
        ));
    }
    store.roles.remove(index);
    Ok(ok(&json!({})))
}
