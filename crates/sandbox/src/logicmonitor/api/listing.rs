//! Listing helpers: the list query, projection, filtering, sorting and paging.

use std::cmp::Ordering;

use serde::Serialize;
use serde_json::{Map, Value};

use super::{Fail, Query, error};
use crate::logicmonitor::MAX_PAGE_SIZE;
use crate::logicmonitor::filter::{Field, Filter};

pub(super) struct ListQuery {
    pub(super) size: usize,
    pub(super) offset: usize,
    pub(super) fields: Option<Vec<String>>,
    pub(super) sort: Option<(String, bool)>,
    pub(super) filter: Option<Filter>,
}

pub(super) fn list_query(query: &Query) -> Result<ListQuery, Fail> {
    let number = |name: &str, default: usize| -> Result<usize, Fail> {
        match query.get(name) {
            None | Some("") => Ok(default),
            Some(text) => text
                .trim()
                .parse()
                .map_err(|_| error(400, format!("{name} must be a non-negative integer"))),
        }
    };
    let size = number("size", 50)?;
    if size > MAX_PAGE_SIZE {
        return Err(error(400, format!("size must be at most {MAX_PAGE_SIZE}")));
    }
    let offset = number("offset", 0)?;
    let filter = match query.get("filter") {
        None | Some("") => None,
        Some(text) => Some(
            Filter::from_query(text).map_err(|why| error(400, format!("Invalid filter: {why}")))?,
        ),
    };
    let sort = query.get("sort").filter(|s| !s.is_empty()).map(|s| {
        let s = s.trim();
        match s.strip_prefix('-') {
            Some(field) => (field.to_owned(), true),
            None => (s.trim_start_matches('+').to_owned(), false),
        }
    });
    Ok(ListQuery {
        size,
        offset,
        fields: fields(query),
        sort,
        filter,
    })
}

pub(super) fn fields(query: &Query) -> Option<Vec<String>> {
    query.get("fields").filter(|f| !f.is_empty()).map(|f| {
        f.split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect()
    })
}

/// Keeps only `fields` (when given) and the `required` ones, which LogicMonitor's SDK
/// needs in every object it decodes.
pub(super) fn project(
    mut map: Map<String, Value>,
    fields: Option<&Vec<String>>,
    required: &[&str],
) -> Value {
    if let Some(fields) = fields {
        map.retain(|key, _| required.contains(&key.as_str()) || fields.iter().any(|f| f == key));
    }
    Value::Object(map)
}

/// The v3 list envelope.
#[derive(Serialize)]
pub(super) struct Envelope<T> {
    total: usize,
    /// Always `null`: the sandbox keeps no search state.
    #[serde(rename = "searchId")]
    search_id: Option<()>,
    items: Vec<T>,
}

pub(super) fn envelope<T>(total: usize, items: Vec<T>) -> Envelope<T> {
    Envelope {
        total,
        search_id: None,
        items,
    }
}

/// A filter's view of a JSON object, `a.b` reaching into nested objects and arrays.
fn json_field<'a>(value: &'a Value, name: &str) -> Field<'a> {
    let (head, rest) = match name.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (name, None),
    };
    let Some(inner) = value.get(head) else {
        return Field::Null;
    };
    match rest {
        Some(rest) => match inner {
            Value::Array(items) => Field::List(items.iter().map(|i| json_field(i, rest)).collect()),
            other => json_field(other, rest),
        },
        None => scalar(inner),
    }
}

fn scalar(value: &Value) -> Field<'_> {
    match value {
        Value::String(text) => Field::Str(text.as_str().into()),
        Value::Number(n) => n.as_i64().map_or(Field::Null, Field::Int),
        Value::Bool(b) => Field::Bool(*b),
        Value::Array(items) => Field::List(items.iter().map(scalar).collect()),
        Value::Null | Value::Object(_) => Field::Null,
    }
}

pub(super) fn compare_fields(a: &Field<'_>, b: &Field<'_>) -> Ordering {
    match (a, b) {
        (Field::Int(x), Field::Int(y)) => x.cmp(y),
        (Field::Str(x), Field::Str(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        (Field::Bool(x), Field::Bool(y)) => x.cmp(y),
        (Field::Null, Field::Null) => Ordering::Equal,
        (Field::Null, _) => Ordering::Less,
        (_, Field::Null) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// Filters, sorts and pages small collections rendered as JSON, keeping the `required`
/// fields in every projected item.
pub(super) fn list_json(
    items: Vec<Map<String, Value>>,
    list: &ListQuery,
    required: &[&str],
) -> Envelope<Value> {
    let mut items: Vec<Value> = items
        .into_iter()
        .map(Value::Object)
        .filter(|item| {
            list.filter
                .as_ref()
                .is_none_or(|f| f.matches(&mut |name| json_field(item, name)))
        })
        .collect();
    if let Some((field, descending)) = &list.sort {
        items.sort_by(|a, b| {
            let order = compare_fields(&json_field(a, field), &json_field(b, field));
            if *descending { order.reverse() } else { order }
        });
    }
    let total = items.len();
    let page = items
        .into_iter()
        .skip(list.offset)
        .take(list.size)
        .map(|item| match item {
            Value::Object(map) => project(map, list.fields.as_ref(), required),
            other => other,
        })
        .collect();
    envelope(total, page)
}

/// `permission` (documented with the example `traces`) selects users or tokens by a
/// permission whose meaning no source describes: rather than ignore it and return
/// everything, the sandbox refuses it.
pub(super) fn refuse_unknown_permission(query: &Query) -> Result<(), Fail> {
    match query.get("permission").map(str::trim) {
        None | Some("") => Ok(()),
        Some(permission) => Err(error(
            400,
            format!(
                "permission: the sandbox does not know which records permission={permission:?} selects"
            ),
        )),
    }
}
