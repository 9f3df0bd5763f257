//! User groups (`/setting/admin/groups`): list, read, create, replace, patch, delete.

use std::time::SystemTime;

use serde_json::{Value, json};

use super::body::{body_object, text};
use super::listing::{fields, list_json, list_query, project};
use super::{Fail, Query, Reply, error, ok};
use crate::logicmonitor::store::{Group, Store, epoch_secs};
use crate::logicmonitor::{LogicMonitorSim, read, write};

pub(super) fn list_groups(lm: &LogicMonitorSim, query: &Query) -> Result<Reply, Fail> {
    let list = list_query(query)?;
    let store = read(&lm.inner.store);
    let items = store.groups.iter().map(Store::group_json).collect();
    Ok(ok(&list_json(items, &list, &[])))
}

pub(super) fn get_group(lm: &LogicMonitorSim, id: i32, query: &Query) -> Result<Reply, Fail> {
    let store = read(&lm.inner.store);
    let index = store
        .group_index(id)
        .ok_or_else(|| error(404, format!("No user group with id {id}")))?;
    Ok(ok(&project(
        Store::group_json(&store.groups[index]),
        fields(query).as_ref(),
        &[],
    )))
}

pub(super) fn write_group(
    lm: &LogicMonitorSim,
    id: Option<i32>,
    full: bool,
    body: &[u8],
    now: SystemTime,
) -> Result<Reply, Fail> {
    let body = body_object(body)?;
    let mut store = write(&lm.inner.store);
    let now = epoch_secs(now);
    let index = match id {
        Some(id) => Some(
            store
                .group_index(id)
                .ok_or_else(|| error(404, format!("No user group with id {id}")))?,
        ),
        None => None,
    };
    let mut group = match index {
        Some(index) => store.groups[index].clone(),
        None => Group {
            id: store.next_group_id,
            name: String::new(),
            description: String::new(),
            created_on: now,
            updated_on: now,
        },
    };
    match text(&body, "name")? {
        Some(name) if name.trim().is_empty() => return Err(error(400, "name must not be empty")),
        Some(name) => group.name = name,
        None if full => return Err(error(400, "name is required")),
        None => {}
    }
    if let Some(description) = text(&body, "description")? {
        group.description = description;
    } else if full && index.is_some() {
        group.description = String::new();
    }
    if store
        .groups
        .iter()
        .any(|g| g.id != group.id && g.name.eq_ignore_ascii_case(&group.name))
    {
        return Err(error(
            409,
            format!("A user group named {} already exists", group.name),
        ));
    }
    group.updated_on = now;
    let rendered = Value::Object(Store::group_json(&group));
    if let Some(index) = index {
        store.groups[index] = group;
    } else {
        store.next_group_id += 1;
        store.groups.push(group);
    }
    Ok(ok(&rendered))
}

pub(super) fn delete_group(lm: &LogicMonitorSim, id: i32) -> Result<Reply, Fail> {
    let mut store = write(&lm.inner.store);
    let index = store
        .group_index(id)
        .ok_or_else(|| error(404, format!("No user group with id {id}")))?;
    store.groups.remove(index);
    for user in &mut store.users {
        if user.groups.contains(&id) {
            user.groups = user.groups.iter().copied().filter(|g| *g != id).collect();
        }
    }
    Ok(ok(&json!({})))
}
