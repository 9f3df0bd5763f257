//! The HTTP side: routing, authentication, the organization header and the four calls.

use axum::body::Body;
use axum::extract::{Path, State as AxumState};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use serde_json::{Value, json};
use uuid::Uuid;

use super::state::{State, Token, uuid_from};
use super::{
    EmptyList, InviteResponse, PageBelowOne, Permission, SimOrganization, SimRole, SimUser,
    TOKEN_REVOKED_STATUS, ThreatLockerSim, timezones,
};
use crate::wire::{JSON_UTF8, json_response, looks_like_email};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Timezones,
    Invite,
    Roles,
    Children,
}

impl Call {
    fn from_path(controller: &str, action: &str) -> Option<Self> {
        match (
            controller.to_ascii_lowercase().as_str(),
            action.to_ascii_lowercase().as_str(),
        ) {
            ("user", "usergetalltimezones") => Some(Self::Timezones),
            ("user", "userinvitebyusername") => Some(Self::Invite),
            ("userroles", "userrolesgetbyparameters") => Some(Self::Roles),
            ("organization", "organizationgetchildorganizationsbyparameters") => {
                Some(Self::Children)
            }
            _ => None,
        }
    }

    fn method(self) -> Method {
        match self {
            Self::Timezones => Method::GET,
            _ => Method::POST,
        }
    }
}

/// A JSON answer, or one with an empty body (and no content type) for `None`.
fn respond(status: StatusCode, body: Option<&Value>) -> Response<Body> {
    if let Some(value) = body {
        return json_response(status, JSON_UTF8, value);
    }
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

fn token_revoked() -> Response<Body> {
    respond(
        StatusCode::from_u16(TOKEN_REVOKED_STATUS).unwrap_or(StatusCode::UNAUTHORIZED),
        Some(&json!({"message": "Unauthorized", "error": "TOKEN_REVOKED"})),
    )
}

impl State {
    /// The PascalCase envelope used for 401, 417 and 500.
    fn envelope(&mut self, status: StatusCode, message: &str) -> Response<Body> {
        let logger = self.logger_id();
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            format!("A problem occurred with the request ({logger})")
        } else {
            message.to_owned()
        };
        respond(
            status,
            Some(&json!({"LoggerId": logger, "StatusCode": status.as_u16(), "Message": message})),
        )
    }

    fn expectation_failed(&mut self, message: &str) -> Response<Body> {
        self.envelope(StatusCode::EXPECTATION_FAILED, message)
    }

    fn internal_error(&mut self) -> Response<Body> {
        self.envelope(StatusCode::INTERNAL_SERVER_ERROR, "")
    }

    fn list_response(
        &self,
        items: Vec<Value>,
        page: u64,
        size: u64,
        total: usize,
    ) -> Response<Body> {
        let total = total as u64;
        let pages = total.div_ceil(size);
        let mut response = if items.is_empty() {
            match self.empty_list {
                EmptyList::Array => respond(StatusCode::OK, Some(&json!([]))),
                EmptyList::Null => respond(StatusCode::OK, Some(&Value::Null)),
                EmptyList::EmptyBody => respond(StatusCode::OK, None),
            }
        } else {
            respond(StatusCode::OK, Some(&Value::Array(items)))
        };
        let pagination = json!({"currentPage": page, "itemsPerPage": size, "totalItems": total, "totalPages": pages});
        if let Ok(value) = HeaderValue::from_str(&pagination.to_string()) {
            response.headers_mut().insert("pagination", value);
        }
        response
    }
}

/// `(pageNumber, pageSize)` from a list body, or the 417/500 to answer.
fn paging(state: &mut State, body: &Value) -> Result<(u64, u64), Box<Response<Body>>> {
    let Some(object) = body.as_object() else {
        return Err(Box::new(state.internal_error()));
    };
    // JSON has one number type: `2.0` is the integer 2, as .NET's JSON readers take it.
    let number = |name: &str| {
        let value = object.get(name)?;
        value.as_i64().or_else(|| {
            let float = value.as_f64()?;
            #[allow(clippy::cast_possible_truncation)]
            (float.fract() == 0.0 && float.abs() < 9.0e15).then_some(float as i64)
        })
    };
    match (number("pageNumber"), number("pageSize")) {
        (Some(page), Some(size)) if page > 0 && size > 0 => {
            Ok((page.unsigned_abs(), size.unsigned_abs()))
        }
        (Some(_), Some(size)) if size > 0 && state.page_below_one == PageBelowOne::FirstPage => {
            Ok((1, size.unsigned_abs()))
        }
        _ => Err(Box::new(state.expectation_failed(
            "Page number and page size must be greater than 0",
        ))),
    }
}

fn page_of<T: Clone>(items: &[T], page: u64, size: u64) -> Vec<T> {
    let start = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    items.iter().skip(start).take(size).cloned().collect()
}

pub(super) async fn dispatch(
    AxumState(portal): AxumState<ThreatLockerSim>,
    Path((prefix, controller, action)): Path<(String, String, String)>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    if !prefix.eq_ignore_ascii_case("portalapi") {
        return respond(StatusCode::NOT_FOUND, None);
    }
    let Some(call) = Call::from_path(&controller, &action) else {
        return respond(StatusCode::NOT_FOUND, None);
    };
    if method != call.method() {
        let mut response = respond(StatusCode::METHOD_NOT_ALLOWED, None);
        if let Ok(allow) = HeaderValue::from_str(call.method().as_str()) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        return response;
    }
    let mut state = portal.lock();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| state.tokens.get(value.trim()).cloned());
    let Some(token) = token else {
        return token_revoked();
    };
    let managed = headers
        .get("managedorganizationid")
        .or_else(|| headers.get("overridemanagedorganizationid"))
        .map(|value| {
            value
                .to_str()
                .ok()
                .and_then(|text| Uuid::try_parse(text.trim()).ok())
        });
    let organization = match managed {
        None => token.organization_id,
        Some(None) => return state.internal_error(),
        Some(Some(id)) if id.is_nil() => token.organization_id,
        Some(Some(id)) => {
            let known = state.organizations.iter().any(|org| org.id == id);
            if !known || !state.is_descendant(id, token.organization_id) {
                return state.envelope(
                    StatusCode::UNAUTHORIZED,
                    "You do not have access to manage this organization",
                );
            }
            id
        }
    };
    if call == Call::Timezones {
        let zones: Vec<Value> = timezones::TIMEZONES
            .iter()
            .map(|(id, display, standard, offset, dst)| {
                json!({"id": id, "displayName": display, "standardName": standard, "baseUtcOffset": offset, "supportsDaylightSavingTime": dst})
            })
            .collect();
        return respond(StatusCode::OK, Some(&Value::Array(zones)));
    }
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return state.internal_error();
    };
    match call {
        Call::Roles => list_roles(&mut state, organization, &body),
        Call::Children => list_children(&mut state, organization, &body),
        Call::Invite => invite(&mut state, &token, organization, &body),
        Call::Timezones => respond(StatusCode::NOT_FOUND, None),
    }
}

fn list_roles(state: &mut State, organization: Uuid, body: &Value) -> Response<Body> {
    let (page, size) = match paging(state, body) {
        Ok(paging) => paging,
        Err(response) => return *response,
    };
    let mut roles: Vec<&SimRole> = state
        .roles
        .iter()
        .filter(|role| role.organization_id == organization)
        .collect();
    roles.sort_by_key(|role| role.name.to_lowercase());
    let total = roles.len();
    let items = page_of(&roles, page, size)
        .into_iter()
        .map(|role| {
            json!({
                "userRoleId": role.id,
                "organizationId": role.organization_id,
                "name": role.name,
                "description": role.description,
                "dateCreated": role.date_created,
                "lastEdited": role.date_created,
            })
        })
        .collect();
    state.list_response(items, page, size, total)
}

/// The `orderBy` values the portal knows (matched without regard to case, as .NET reads
/// enum names).
const CHILD_ORDERS: [&str; 4] = [
    "name",
    "dateAdded",
    "billingMethod",
    "businessClassificationName",
];

/// Whether the optional filter fields of a children listing have their types, and
/// `orderBy` one of [`CHILD_ORDERS`].
fn children_filters_fit(body: &Value) -> bool {
    let fits = |name: &str, check: fn(&Value) -> bool| {
        body.get(name)
            .is_none_or(|value| value.is_null() || check(value))
    };
    fits("includeAllChildren", Value::is_boolean)
        && fits("isAscending", Value::is_boolean)
        && fits("searchText", Value::is_string)
        && fits("orderBy", |value| {
            value.as_str().is_some_and(|order| {
                CHILD_ORDERS
                    .iter()
                    .any(|known| known.eq_ignore_ascii_case(order))
            })
        })
}

fn list_children(state: &mut State, organization: Uuid, body: &Value) -> Response<Body> {
    let (page, size) = match paging(state, body) {
        Ok(paging) => paging,
        Err(response) => return *response,
    };
    if !children_filters_fit(body) {
        // The portal's JSON binding fails on a wrong type or an unknown `orderBy`: 500.
        return state.internal_error();
    }
    let all = body
        .get("includeAllChildren")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let search = body
        .get("searchText")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let ascending = body
        .get("isAscending")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let by_date = body
        .get("orderBy")
        .and_then(Value::as_str)
        .is_some_and(|order| order.eq_ignore_ascii_case("dateAdded"));
    let mut children: Vec<&SimOrganization> = state
        .organizations
        .iter()
        .filter(|org| org.id != organization)
        .filter(|org| {
            if all {
                state.is_descendant(org.id, organization)
            } else {
                org.parent_id == Some(organization)
            }
        })
        .filter(|org| {
            search.is_empty()
                || org.display_name.to_lowercase().contains(&search)
                || org.name.to_lowercase().contains(&search)
        })
        .collect();
    children.sort_by(|a, b| {
        let order = if by_date {
            a.date_added.cmp(&b.date_added)
        } else {
            a.display_name
                .to_lowercase()
                .cmp(&b.display_name.to_lowercase())
        };
        order.then(a.id.cmp(&b.id))
    });
    if !ascending {
        children.reverse();
    }
    let total = children.len();
    let items = page_of(&children, page, size)
        .into_iter()
        .map(|org| {
            json!({
                "organizationId": org.id,
                "name": org.name,
                "displayName": org.display_name,
                "dateAdded": org.date_added,
                "computerCount": org.computer_count,
                "parentId": org.parent_id,
            })
        })
        .collect();
    state.list_response(items, page, size, total)
}

fn invite(state: &mut State, token: &Token, organization: Uuid, body: &Value) -> Response<Body> {
    // The seed's order: Edit Administrators and Assign Roles.
    for permission in [Permission::EditAdministrators, Permission::AssignRoles] {
        if token.lacking.contains(&permission) {
            return state.envelope(
                StatusCode::UNAUTHORIZED,
                &format!("Missing the '{}' permission", permission.name()),
            );
        }
    }
    let Some(object) = body.as_object() else {
        return state.internal_error();
    };
    let username = match object.get("username") {
        Some(Value::String(text)) => text.trim().to_owned(),
        None | Some(Value::Null) => String::new(),
        Some(_) => return state.internal_error(),
    };
    if !looks_like_email(&username) {
        return state.expectation_failed("Invalid email address");
    }
    let roles = match object.get("roles") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(roles)) => roles.clone(),
        Some(_) => return state.internal_error(),
    };
    if roles.is_empty() {
        return state.expectation_failed("At least one role is required");
    }
    let mut role_ids = Vec::new();
    for role in &roles {
        let guid = |name: &str| {
            role.get(name)
                .and_then(Value::as_str)
                .and_then(|text| Uuid::try_parse(text).ok())
        };
        let (Some(role_org), Some(role_id)) = (guid("organizationId"), guid("userRoleId")) else {
            return state.internal_error();
        };
        if role_org != organization {
            return state.expectation_failed(
                "Roles must belong to the organization the user is invited to",
            );
        }
        if !state
            .roles
            .iter()
            .any(|r| r.id == role_id && r.organization_id == organization)
        {
            return state.expectation_failed("Invalid role for this organization");
        }
        role_ids.push(role_id);
    }
    if state.users.iter().any(|user| {
        user.organization_id == organization && user.username.eq_ignore_ascii_case(&username)
    }) {
        return state.expectation_failed("User already exists");
    }
    let id = uuid_from(&mut state.rng);
    state.users.push(SimUser {
        id,
        organization_id: organization,
        username: username.clone(),
        first_name: None,
        last_name: None,
        pending: true,
        role_ids,
    });
    match state.invite_response {
        InviteResponse::Object => respond(
            StatusCode::OK,
            Some(&json!({"userId": id, "username": username, "organizationId": organization})),
        ),
        InviteResponse::Empty => respond(StatusCode::OK, None),
        InviteResponse::True => respond(StatusCode::OK, Some(&Value::Bool(true))),
    }
}
