//! Request handling: version and auth checks, routing, rate limits, the resources.

mod auth;
mod body;
mod groups;
mod listing;
mod roles;
mod tokens;
mod users;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use serde::Serialize;
use serde_json::json;

use super::{BASE_PATH, LogicMonitorSim, lock};
use crate::wire::{JSON, form_pairs, json_response, percent_decode};
use auth::authenticate;
use groups::{delete_group, get_group, list_groups, write_group};
use roles::{delete_role, get_role, list_roles, write_role};
use tokens::{create_token, delete_token, list_tokens, write_token};
use users::{Mode, delete_user, get_user, list_users, write_user};

type Reply = Response<Body>;

/// Per-route fixed-window counters.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    pub(crate) default: Option<(u32, Duration)>,
    pub(crate) routes: HashMap<(Method, String), (u32, Duration)>,
    pub(crate) windows: HashMap<(Method, String), (SystemTime, u32)>,
}

impl RateLimits {
    /// Counts a request; `None` when the route is not limited, else whether it may
    /// pass and the headers to send.
    fn admit(
        &mut self,
        method: &Method,
        template: &str,
        now: SystemTime,
    ) -> Option<(bool, HeaderMap)> {
        let key = (method.clone(), template.to_owned());
        let (limit, window) = self.routes.get(&key).copied().or(self.default)?;
        let entry = self.windows.entry(key).or_insert((now, 0));
        let expired = now
            .duration_since(entry.0)
            .map_or(true, |elapsed| elapsed >= window);
        if expired {
            *entry = (now, 0);
        }
        let allowed = entry.1 < limit;
        if allowed {
            entry.1 += 1;
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static("x-rate-limit-limit"),
            HeaderValue::from(limit),
        );
        headers.insert(
            HeaderName::from_static("x-rate-limit-remaining"),
            HeaderValue::from(limit.saturating_sub(entry.1)),
        );
        let secs = window.as_secs() + u64::from(window.subsec_nanos() > 0);
        headers.insert(
            HeaderName::from_static("x-rate-limit-window"),
            HeaderValue::from(secs),
        );
        Some((allowed, headers))
    }
}

fn ok(value: &impl Serialize) -> Reply {
    json_response(StatusCode::OK, JSON, value)
}

/// An error answer, rendered by [`Fail::into_reply`].
#[derive(Debug)]
pub(crate) struct Fail {
    status: u16,
    message: String,
}

impl Fail {
    /// A v3 error: `{"errorMessage", "errorCode": 1000 + status, "errorDetail": null}`.
    fn into_reply(self) -> Reply {
        let code = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(
            code,
            JSON,
            &json!({"errorMessage": self.message, "errorCode": 1000 + u32::from(self.status), "errorDetail": null}),
        )
    }
}

fn error(status: u16, message: impl Into<String>) -> Fail {
    Fail {
        status,
        message: message.into(),
    }
}

/// The parsed query string, decoded once.
struct Query(Vec<(String, String)>);

impl Query {
    fn parse(raw: Option<&str>) -> Self {
        Self(form_pairs(raw.unwrap_or_default()))
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean, case-insensitively (`True` as the Python SDK sends it).
    fn flag(&self, name: &str) -> Result<bool, Fail> {
        match self.get(name).map(str::to_ascii_lowercase).as_deref() {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(_) => Err(error(400, format!("{name} must be true or false"))),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Route {
    Admins,
    Admin(i32),
    AllTokens,
    Tokens(i32),
    Token(i32, i32),
    Groups,
    Group(i32),
    Roles,
    Role(i32),
}

impl Route {
    /// The methods the route answers, for the `Allow` header of a 405.
    fn allowed(&self) -> &'static str {
        match self {
            Self::Admins | Self::Tokens(_) | Self::Groups | Self::Roles => "GET, POST",
            Self::Admin(_) | Self::Group(_) | Self::Role(_) => "GET, PUT, PATCH, DELETE",
            Self::AllTokens => "GET",
            Self::Token(..) => "PUT, PATCH, DELETE",
        }
    }
}

fn parse_id(segment: &str) -> Result<i32, Fail> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(error(400, format!("Invalid id: {segment}")));
    }
    segment
        .parse()
        .map_err(|_| error(400, format!("Invalid id: {segment}")))
}

/// The route and its path template.
fn route(path: &str) -> Result<(Route, &'static str), Fail> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').skip(1).collect();
    let not_found = || error(404, "No such resource");
    Ok(match segments.as_slice() {
        ["setting", "admins"] => (Route::Admins, "/setting/admins"),
        ["setting", "admins", "apitokens"] => (Route::AllTokens, "/setting/admins/apitokens"),
        ["setting", "admins", id] => (Route::Admin(parse_id(id)?), "/setting/admins/{id}"),
        ["setting", "admins", id, "apitokens"] => (
            Route::Tokens(parse_id(id)?),
            "/setting/admins/{adminId}/apitokens",
        ),
        ["setting", "admins", id, "apitokens", token] => (
            Route::Token(parse_id(id)?, parse_id(token)?),
            "/setting/admins/{adminId}/apitokens/{apitokenId}",
        ),
        ["setting", "admin", "groups"] => (Route::Groups, "/setting/admin/groups"),
        ["setting", "admin", "groups", id] => {
            (Route::Group(parse_id(id)?), "/setting/admin/groups/{id}")
        }
        ["setting", "roles"] => (Route::Roles, "/setting/roles"),
        ["setting", "roles", id] => (Route::Role(parse_id(id)?), "/setting/roles/{id}"),
        _ => return Err(not_found()),
    })
}

/// The axum handler behind every LogicMonitor route.
pub(crate) async fn handle(
    State(lm): State<LogicMonitorSim>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    serve(&lm, &method, &uri, &headers, &body)
}

fn serve(
    lm: &LogicMonitorSim,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let raw_path = uri.path().strip_prefix(BASE_PATH).unwrap_or("/");
    let path = percent_decode(if raw_path.is_empty() { "/" } else { raw_path });
    let query = Query::parse(uri.query());
    let version = headers
        .get("x-version")
        .and_then(|v| v.to_str().ok())
        .or_else(|| query.get("v"));
    if version.map(str::trim) != Some("3") {
        return error(
            400,
            "This sandbox serves REST API v3 only: send X-Version: 3",
        )
        .into_reply();
    }
    let now = lm.now();
    if let Err(fail) = authenticate(lm, method, &path, body, headers, now) {
        return fail.into_reply();
    }
    let (route, template) = match route(&path) {
        Ok(found) => found,
        Err(fail) => return fail.into_reply(),
    };
    let limited = lock(&lm.inner.limits).admit(method, template, now);
    let mut response = match &limited {
        Some((false, _)) => error(
            429,
            "Too many requests, please wait for the rate-limit window",
        )
        .into_reply(),
        _ => dispatch(lm, method, route, &query, body, now),
    };
    if let Some((_, limit_headers)) = limited {
        response.headers_mut().extend(limit_headers);
    }
    response
}

fn dispatch(
    lm: &LogicMonitorSim,
    method: &Method,
    route: Route,
    query: &Query,
    body: &[u8],
    now: SystemTime,
) -> Reply {
    let result = match (route, method.as_str()) {
        (Route::Admins, "GET") => list_users(lm, query),
        (Route::Admins, "POST") => write_user(lm, None, Mode::Create, query, body),
        (Route::Admin(id), "GET") => get_user(lm, id, query),
        (Route::Admin(id), "PUT") => write_user(lm, Some(id), Mode::Replace, query, body),
        (Route::Admin(id), "PATCH") => write_user(lm, Some(id), Mode::Patch, query, body),
        (Route::Admin(id), "DELETE") => delete_user(lm, id),
        (Route::AllTokens, "GET") => list_tokens(lm, None, query),
        (Route::Tokens(id), "GET") => list_tokens(lm, Some(id), query),
        (Route::Tokens(id), "POST") => create_token(lm, id, query, body, now),
        (Route::Token(id, token), "PUT") => write_token(lm, id, token, true, body),
        (Route::Token(id, token), "PATCH") => write_token(lm, id, token, false, body),
        (Route::Token(id, token), "DELETE") => delete_token(lm, id, token),
        (Route::Groups, "GET") => list_groups(lm, query),
        (Route::Groups, "POST") => write_group(lm, None, true, body, now),
        (Route::Group(id), "GET") => get_group(lm, id, query),
        (Route::Group(id), "PUT") => write_group(lm, Some(id), true, body, now),
        (Route::Group(id), "PATCH") => write_group(lm, Some(id), false, body, now),
        (Route::Group(id), "DELETE") => delete_group(lm, id),
        (Route::Roles, "GET") => list_roles(lm, query),
        (Route::Roles, "POST") => write_role(lm, None, true, body),
        (Route::Role(id), "GET") => get_role(lm, id, query),
        (Route::Role(id), "PUT") => write_role(lm, Some(id), true, body),
        (Route::Role(id), "PATCH") => write_role(lm, Some(id), false, body),
        (Route::Role(id), "DELETE") => delete_role(lm, id),
        (route, _) => {
            let mut reply = error(405, format!("{method} is not supported here")).into_reply();
            reply
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(route.allowed()));
            return reply;
        }
    };
    result.unwrap_or_else(Fail::into_reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding_and_flags() {
        let query = Query::parse(Some(
            "filter=username%3A%22a%2Bb%22&x=a+b&changePassword=True&bad=yes",
        ));
        assert_eq!(query.get("filter"), Some(r#"username:"a+b""#));
        assert_eq!(query.get("x"), Some("a b"));
        assert!(query.flag("changePassword").unwrap());
        assert!(!query.flag("missing").unwrap());
        assert!(query.flag("bad").is_err());
    }

    #[test]
    fn routes_and_ids() {
        assert!(matches!(
            route("/setting/admins/42").unwrap(),
            (Route::Admin(42), _)
        ));
        assert!(matches!(
            route("/setting/admins/apitokens").unwrap(),
            (Route::AllTokens, _)
        ));
        assert_eq!(route("/setting/admins/4x").unwrap_err().status, 400);
        assert_eq!(route("/setting/nothing").unwrap_err().status, 404);
    }

    #[test]
    fn rate_windows_reset_after_their_length() {
        let mut limits = RateLimits {
            default: Some((2, Duration::from_secs(60))),
            ..RateLimits::default()
        };
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        assert!(limits.admit(&Method::GET, "/a", start).unwrap().0);
        assert!(limits.admit(&Method::GET, "/a", start).unwrap().0);
        let (allowed, headers) = limits.admit(&Method::GET, "/a", start).unwrap();
        assert!(!allowed);
        assert_eq!(headers["x-rate-limit-remaining"], "0");
        assert_eq!(headers["x-rate-limit-window"], "60");
        // Another route has its own window.
        assert!(limits.admit(&Method::POST, "/a", start).unwrap().0);
        assert!(
            limits
                .admit(&Method::GET, "/a", start + Duration::from_secs(60))
                .unwrap()
                .0
        );
    }
}
