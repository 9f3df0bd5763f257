//! The HTTP side: auth, rate limit, and the documented response shapes.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State as AxumState};
use axum::response::Response;
use http::header::{AUTHORIZATION, RETRY_AFTER};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use serde_json::{Value, json};

use super::PartnerPortalSim;
use super::state::{Admission, ApiError, Outcome, State};
use crate::wire::{JSON, json_response};

type Sim = AxumState<PartnerPortalSim>;
type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// Whether an operation changes anything (read-only keys may not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Read,
    Write,
}

pub(super) async fn list_users(
    AxumState(sim): Sim,
    Path(portal_id): Path<String>,
    query: Params,
    headers: HeaderMap,
) -> Response {
    serve(&sim, &headers, Access::Read, |state| {
        state.list_users(&portal_id, &query_map(query)?)
    })
}

pub(super) async fn create_user(
    AxumState(sim): Sim,
    Path(portal_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(&sim, &headers, Access::Write, |state| {
        state.create_user(&portal_id, &body)
    })
}

pub(super) async fn get_user(
    AxumState(sim): Sim,
    Path((portal_id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(&sim, &headers, Access::Read, |state| {
        state.get_user(&portal_id, &user_id)
    })
}

pub(super) async fn delete_user(
    AxumState(sim): Sim,
    Path((portal_id, user_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(&sim, &headers, Access::Write, |state| {
        state.delete_user(&portal_id, &user_id)
    })
}

pub(super) async fn list_roles(AxumState(sim): Sim, query: Params, headers: HeaderMap) -> Response {
    serve(&sim, &headers, Access::Read, |state| {
        state.list_roles(&query_map(query)?)
    })
}

pub(super) async fn get_role(
    AxumState(sim): Sim,
    Path(role_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(&sim, &headers, Access::Read, |state| {
        state.get_role(&role_id)
    })
}

pub(super) async fn list_attributes(
    AxumState(sim): Sim,
    query: Params,
    headers: HeaderMap,
) -> Response {
    serve(&sim, &headers, Access::Read, |state| {
        state.list_attributes(&query_map(query)?)
    })
}

pub(super) async fn get_attribute(
    AxumState(sim): Sim,
    Path(attribute_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    serve(&sim, &headers, Access::Read, |state| {
        state.get_attribute(&attribute_id)
    })
}

fn query_map(query: Params) -> Result<HashMap<String, String>, ApiError> {
    query
        .map(|Query(map)| map)
        .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "Malformed query string"))
}

/// The bearer token, if the header is well-formed.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Rate limit, then auth, then the operation; rate-limit headers on every answer.
fn serve(
    sim: &PartnerPortalSim,
    headers: &HeaderMap,
    access: Access,
    operation: impl FnOnce(&mut State) -> Outcome,
) -> Response {
    let config = sim.config();
    let now = config.clock.now();
    let token = bearer(headers);
    let mut state = sim.lock();
    let admission = state.admit(token.unwrap_or(""), now, config.quota, config.window);
    let outcome = if admission.allowed {
        match token {
            Some(token) if config.api_keys.iter().any(|key| key == token) => operation(&mut state),
            Some(token) if config.read_only_keys.iter().any(|key| key == token) => {
                if access == Access::Write {
                    Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        "Forbidden: this Service Account key may not modify resources",
                    ))
                } else {
                    operation(&mut state)
                }
            }
            _ => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized: a valid Service Account key is required",
            )),
        }
    } else {
        Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "Too Many Requests",
        ))
    };
    let (status, body) = match outcome {
        Ok(body) => (StatusCode::OK, body),
        Err(error) => {
            let request_id = state.request_id();
            (
                error.status,
                json!({
                    "status_code": error.status.as_u16(),
                    "message": error.message,
                    "request_id": request_id,
                }),
            )
        }
    };
    drop(state);
    respond(status, &body, admission)
}

fn respond(status: StatusCode, body: &Value, admission: Admission) -> Response {
    let mut response = json_response(status, JSON, body);
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-ratelimit-limit"),
        HeaderValue::from(admission.limit),
    );
    headers.insert(
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderValue::from(admission.remaining),
    );
    headers.insert(
        HeaderName::from_static("x-ratelimit-reset"),
        HeaderValue::from(admission.reset_secs),
    );
    if !admission.allowed {
        headers.insert(RETRY_AFTER, HeaderValue::from(admission.reset_secs));
    }
    response
}
