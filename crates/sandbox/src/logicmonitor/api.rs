//! Request handling: version and auth checks, routing, rate limits, the resources.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use base64::Engine as _;
use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::Sha256;

use super::filter::{Field, Filter};
use super::store::{
    Activity, Group, NO_PERSON, Profile, Role, STATUS_ACTIVE, STATUS_SUSPENDED, Store, Token, User,
    UserView, epoch_secs,
};
use super::{BASE_PATH, LMV1_MAX_SKEW, LogicMonitorSandbox, MAX_PAGE_SIZE, lock, read, write};

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

fn reply(status: StatusCode, value: &impl Serialize) -> Reply {
    let body = serde_json::to_vec(value).expect("sandbox answers serialize to JSON");
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn ok(value: &impl Serialize) -> Reply {
    reply(StatusCode::OK, value)
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
        reply(
            code,
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
        let pairs = raw
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(name), decode(value))
            })
            .collect();
        Self(pairs)
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

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
pub(super) fn decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
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
    State(lm): State<LogicMonitorSandbox>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    serve(&lm, &method, &uri, &headers, &body)
}

fn serve(
    lm: &LogicMonitorSandbox,
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
    lm: &LogicMonitorSandbox,
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

// ---------------------------------------------------------------------------------------
// Authentication

fn authenticate(
    lm: &LogicMonitorSandbox,
    method: &Method,
    path: &str,
    body: &[u8],
    headers: &HeaderMap,
    now: SystemTime,
) -> Result<(), Fail> {
    let denied = |why: &str| Err(error(401, format!("Authentication failed: {why}")));
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return denied("no Authorization header");
    };
    let store = read(&lm.inner.store);
    let usable = |token: &Token| {
        token.status == 2
            && store.user_index(token.admin_id).is_some_and(|i| {
                !store.choices.reject_suspended_owner_tokens
                    || store.users[i].status == STATUS_ACTIVE
            })
    };
    if let Some(bearer) = value.strip_prefix("Bearer ") {
        let found = store.tokens.iter().any(|t| {
            t.bearer && usable(t) && constant_eq(t.access_key.as_bytes(), bearer.trim().as_bytes())
        });
        return if found {
            Ok(())
        } else {
            denied("unknown bearer token")
        };
    }
    let Some(lmv1) = value.strip_prefix("LMv1 ") else {
        return denied("unsupported scheme");
    };
    let mut parts = lmv1.splitn(3, ':');
    let (Some(access_id), Some(signature), Some(millis)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return denied("malformed LMv1 header");
    };
    let Ok(millis) = millis.trim().parse::<u64>() else {
        return denied("malformed timestamp");
    };
    let now_millis = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let skew = u64::try_from(LMV1_MAX_SKEW.as_millis()).unwrap_or(u64::MAX);
    if now_millis.abs_diff(millis) > skew {
        return denied("timestamp outside the allowed window");
    }
    let Some(token) = store
        .tokens
        .iter()
        .find(|t| !t.bearer && t.access_id == access_id && usable(t))
    else {
        return denied("unknown access id");
    };
    let expected = sign(&token.access_key, method.as_str(), millis, body, path);
    if constant_eq(expected.as_bytes(), signature.as_bytes()) {
        Ok(())
    } else {
        denied("signature mismatch")
    }
}

/// `base64(hex(HMAC-SHA256(key, VERB + millis + body + path)))`.
pub(crate) fn sign(key: &str, method: &str, millis: u64, body: &[u8], path: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        unreachable!("HMAC takes keys of any length")
    };
    mac.update(method.as_bytes());
    mac.update(millis.to_string().as_bytes());
    mac.update(body);
    mac.update(path.as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in mac.finalize().into_bytes() {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    base64::engine::general_purpose::STANDARD.encode(hex)
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------
// Listing helpers

struct ListQuery {
    size: usize,
    offset: usize,
    fields: Option<Vec<String>>,
    sort: Option<(String, bool)>,
    filter: Option<Filter>,
}

fn list_query(query: &Query) -> Result<ListQuery, Fail> {
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

fn fields(query: &Query) -> Option<Vec<String>> {
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
fn project(mut map: Map<String, Value>, fields: Option<&Vec<String>>, required: &[&str]) -> Value {
    if let Some(fields) = fields {
        map.retain(|key, _| required.contains(&key.as_str()) || fields.iter().any(|f| f == key));
    }
    Value::Object(map)
}

/// The fields every projected role keeps (`shared/vendors/logicmonitor.md` §7).
const REQUIRED_ROLE_FIELDS: &[&str] = &["name", "privileges"];

/// The v3 list envelope.
#[derive(Serialize)]
struct Envelope<T> {
    total: usize,
    /// Always `null`: the sandbox keeps no search state.
    #[serde(rename = "searchId")]
    search_id: Option<()>,
    items: Vec<T>,
}

fn envelope<T>(total: usize, items: Vec<T>) -> Envelope<T> {
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

fn compare_fields(a: &Field<'_>, b: &Field<'_>) -> Ordering {
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
fn list_json(
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

fn body_object(body: &[u8]) -> Result<Map<String, Value>, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(error(400, "The body must be a JSON object")),
        Err(e) => Err(error(400, format!("Malformed JSON body: {e}"))),
    }
}

// ---------------------------------------------------------------------------------------
// Users

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
            || has(super::store::status_name(user.status))
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

/// `permission` (documented with the example `traces`) selects users or tokens by a
/// permission whose meaning no source describes: rather than ignore it and return
/// everything, the sandbox refuses it.
fn refuse_unknown_permission(query: &Query) -> Result<(), Fail> {
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

fn list_users(lm: &LogicMonitorSandbox, query: &Query) -> Result<Reply, Fail> {
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

fn get_user(lm: &LogicMonitorSandbox, id: i32, query: &Query) -> Result<Reply, Fail> {
    let store = read(&lm.inner.store);
    let index = store
        .user_index(id)
        .ok_or_else(|| error(404, format!("No user with id {id}")))?;
    Ok(ok(
        &store.user_view(&store.users[index], fields(query).as_deref())
    ))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Replace,
    Patch,
}

fn text(body: &Map<String, Value>, name: &str) -> Result<Option<String>, Fail> {
    match body.get(name) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(String::new())),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(error(400, format!("{name} must be a string"))),
    }
}

fn flag(body: &Map<String, Value>, name: &str) -> Result<Option<bool>, Fail> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(error(400, format!("{name} must be a boolean"))),
    }
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

fn valid_password(password: &str) -> bool {
    password.chars().count() >= 8
        && password.chars().any(char::is_uppercase)
        && password.chars().any(char::is_lowercase)
        && password.chars().any(|c| c.is_ascii_digit())
        && password.chars().any(|c| !c.is_alphanumeric())
}

#[allow(clippy::too_many_lines)]
fn write_user(
    lm: &LogicMonitorSandbox,
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
        if !email.is_empty() && !valid_email(&email) {
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

fn delete_user(lm: &LogicMonitorSandbox, id: i32) -> Result<Reply, Fail> {
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

// ---------------------------------------------------------------------------------------
// API tokens

fn list_tokens(lm: &LogicMonitorSandbox, admin: Option<i32>, query: &Query) -> Result<Reply, Fail> {
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

fn create_token(
    lm: &LogicMonitorSandbox,
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
fn write_token(
    lm: &LogicMonitorSandbox,
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

fn delete_token(lm: &LogicMonitorSandbox, admin: i32, token: i32) -> Result<Reply, Fail> {
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

// ---------------------------------------------------------------------------------------
// Groups

fn list_groups(lm: &LogicMonitorSandbox, query: &Query) -> Result<Reply, Fail> {
    let list = list_query(query)?;
    let store = read(&lm.inner.store);
    let items = store.groups.iter().map(Store::group_json).collect();
    Ok(ok(&list_json(items, &list, &[])))
}

fn get_group(lm: &LogicMonitorSandbox, id: i32, query: &Query) -> Result<Reply, Fail> {
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

fn write_group(
    lm: &LogicMonitorSandbox,
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

fn delete_group(lm: &LogicMonitorSandbox, id: i32) -> Result<Reply, Fail> {
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

// ---------------------------------------------------------------------------------------
// Roles

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

fn list_roles(lm: &LogicMonitorSandbox, query: &Query) -> Result<Reply, Fail> {
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

fn get_role(lm: &LogicMonitorSandbox, id: i32, query: &Query) -> Result<Reply, Fail> {
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
fn write_role(
    lm: &LogicMonitorSandbox,
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
fn delete_role(lm: &LogicMonitorSandbox, id: i32) -> Result<Reply, Fail> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Zx9(3Lp~Q^72=vK{8)sT+mN4[bH]eW5!yR6_uA";

    #[test]
    fn signatures_match_the_reference_vectors() {
        let cases = [
            (
                "GET",
                "/setting/admins",
                "",
                "OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ==",
            ),
            (
                "PATCH",
                "/setting/admins/42",
                r#"{"status":"suspended","adminGroupIds":[9]}"#,
                "MjBkM2M0NzJjMGYxYmNiM2JlYzliZjFjZDVkZDQyNjI2YWRlYmMyMzBmMzU5NWQyNDA5M2MwNTJmOTFkNDcyZg==",
            ),
            (
                "DELETE",
                "/setting/admins/42",
                "{}",
                "OGZjYmM1ODBhZjRiOTZkODgzNmZhMWRjMTg3NTIwM2QyYWRkN2JjMDA0MjBkNDMzOGQ5OTgwZjRhNDJhMGU4YQ==",
            ),
            (
                "POST",
                "/setting/admin/groups",
                r#"{"name":"Suspended","description":"inactive users"}"#,
                "NTEzNGFhOTVhZTRmZTBkZjNmZWM2NWE2M2E5YWIyMzc4YzhmMTExZTFhZGYwMzcwNTQ2MzQxMjY2MzViYzRiNA==",
            ),
        ];
        for (method, path, body, expected) in cases {
            assert_eq!(
                sign(KEY, method, 1_700_000_000_000, body.as_bytes(), path),
                expected
            );
        }
    }

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
