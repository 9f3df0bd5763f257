//! The Whaly simulator over HTTP: auth, error bodies, paging and rate-limit headers.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use portal_sandbox::Sandbox;
use portal_sandbox::partner_portal::{DEFAULT_API_KEY, DEFAULT_READ_ONLY_KEY, PartnerPortalSim};
use serde_json::{Value, json};
use tokio::net::TcpStream;

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

async fn call(
    sandbox: &Sandbox,
    method: Method,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let stream = TcpStream::connect(sandbox.addr()).await.unwrap();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "sandbox");
    if let Some(key) = key {
        request = request.header("authorization", format!("Bearer {key}"));
    }
    let body = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
    let request = request
        .header("content-type", "application/json")
        .body(Full::new(body))
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    }
}

async fn start(sim: &PartnerPortalSim) -> Sandbox {
    sim.serve().await.unwrap()
}

fn header<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    reply.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Every reply carries the three headers: a limit of 6, these remaining counts, and a
/// reset 60 s away (the virtual clock has not moved).
fn assert_limits(replies: &[&Reply], remaining: &[&str]) {
    assert_eq!(replies.len(), remaining.len());
    for (reply, remaining) in replies.iter().zip(remaining) {
        assert_eq!(header(reply, "x-ratelimit-limit"), Some("6"));
        assert_eq!(header(reply, "x-ratelimit-remaining"), Some(*remaining));
        assert_eq!(header(reply, "x-ratelimit-reset"), Some("60"));
    }
}

fn assert_error_shape(reply: &Reply, status: u16) {
    assert_eq!(reply.status.as_u16(), status);
    assert_eq!(reply.body["status_code"], status);
    assert!(reply.body["message"].is_string(), "{}", reply.body);
    let id = reply.body["request_id"].as_str().unwrap();
    assert!(
        id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
}

#[tokio::test]
async fn every_answer_carries_rate_limit_headers_and_errors_use_the_documented_shape() {
    let now = Arc::new(Mutex::new(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600),
    ));
    let clock = Arc::clone(&now);
    let sim = PartnerPortalSim::builder()
        .seed(3)
        .users(2)
        .quota_per_minute(6)
        .time_source(move || *clock.lock().unwrap())
        .build();
    let sandbox = start(&sim).await;
    let users = format!("/v1/partner-portals/{}/users", sim.portal_id());
    let key = Some(DEFAULT_API_KEY);

    let list = call(&sandbox, Method::GET, &users, key, None).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.body["paging"],
        json!({}),
        "the last page has empty paging"
    );
    assert_eq!(list.body["data"].as_array().unwrap().len(), 2);

    let missing = call(
        &sandbox,
        Method::GET,
        &format!("{users}/ppu_nope"),
        key,
        None,
    )
    .await;
    assert_error_shape(&missing, 404);
    let denied = call(
        &sandbox,
        Method::DELETE,
        &format!("{users}/ppu_nope"),
        Some(DEFAULT_READ_ONLY_KEY),
        None,
    )
    .await;
    assert_error_shape(&denied, 403);
    let created = call(
        &sandbox,
        Method::POST,
        &users,
        key,
        Some(json!({"first_name":"Ada","last_name":"Moreau","email":"ada@acme.example","roles":["ro_ZW9dbXgfX2L0Dg"]})),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(created.body["last_logged_at"], Value::Null);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let deleted = call(
        &sandbox,
        Method::DELETE,
        &format!("{users}/{id}"),
        key,
        None,
    )
    .await;
    assert_eq!(deleted.body, json!({"id": id, "isDeleted": true}));
    let bad_limit = call(
        &sandbox,
        Method::GET,
        &format!("{users}?limit=0"),
        key,
        None,
    )
    .await;
    assert_error_shape(&bad_limit, 400);
    let last_allowed = call(&sandbox, Method::GET, "/v1/roles", key, None).await;
    assert_eq!(last_allowed.status, StatusCode::OK);
    let refused = call(&sandbox, Method::GET, &users, key, None).await;
    assert_error_shape(&refused, 429);
    assert_eq!(header(&refused, "retry-after"), Some("60"));

    assert_limits(
        &[
            &list,
            &missing,
            &created,
            &deleted,
            &bad_limit,
            &last_allowed,
            &refused,
        ],
        &["5", "4", "3", "2", "1", "0", "0"],
    );
    // The read-only key has its own window.
    assert_eq!(header(&denied, "x-ratelimit-remaining"), Some("5"));

    // Thirty virtual seconds later the reset counts down; a minute later it is lifted.
    *now.lock().unwrap() += Duration::from_secs(30);
    let still = call(&sandbox, Method::GET, &users, key, None).await;
    assert_eq!(header(&still, "x-ratelimit-reset"), Some("30"));
    assert_eq!(header(&still, "retry-after"), Some("30"));
    *now.lock().unwrap() += Duration::from_secs(30);
    let again = call(&sandbox, Method::GET, &users, key, None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(sim.rate_limited_responses(), 2);
    assert_ne!(missing.body["request_id"], refused.body["request_id"]);
}

#[tokio::test]
async fn a_shorter_window_counts_and_resets_in_its_own_seconds() {
    let now = Arc::new(Mutex::new(
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600),
    ));
    let clock = Arc::clone(&now);
    let sim = PartnerPortalSim::builder()
        .rate_limit(2, Duration::from_secs(5))
        .time_source(move || *clock.lock().unwrap())
        .build();
    let sandbox = sim.serve().await.unwrap();
    let key = Some(DEFAULT_API_KEY);
    let first = call(&sandbox, Method::GET, "/v1/roles", key, None).await;
    assert_eq!(header(&first, "x-ratelimit-limit"), Some("2"));
    assert_eq!(header(&first, "x-ratelimit-reset"), Some("5"));
    *now.lock().unwrap() += Duration::from_millis(1500);
    let second = call(&sandbox, Method::GET, "/v1/roles", key, None).await;
    assert_eq!(
        header(&second, "x-ratelimit-reset"),
        Some("4"),
        "3.5 s rounded up"
    );
    let refused = call(&sandbox, Method::GET, "/v1/roles", key, None).await;
    assert_error_shape(&refused, 429);
    assert_eq!(header(&refused, "retry-after"), Some("4"));
    *now.lock().unwrap() += Duration::from_millis(3500);
    let again = call(&sandbox, Method::GET, "/v1/roles", key, None).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(header(&again, "x-ratelimit-remaining"), Some("1"));
}

#[tokio::test]
async fn create_validates_like_the_reference() {
    let sim = PartnerPortalSim::builder().build();
    let sandbox = start(&sim).await;
    let users = format!("/v1/partner-portals/{}/users", sim.portal_id());
    let key = Some(DEFAULT_API_KEY);
    let base = json!({"first_name":"Ada","last_name":"Moreau","email":"ada@acme.example","roles":["ro_ZW9dbXgfX2L0Dg"]});
    let with = |edit: &dyn Fn(&mut Value)| {
        let mut body = base.clone();
        edit(&mut body);
        body
    };
    for (body, needle) in [
        (
            with(&|b| {
                b.as_object_mut().unwrap().remove("first_name");
            }),
            "first_name",
        ),
        (with(&|b| b["email"] = json!("not-an-email")), "email"),
        (with(&|b| b["roles"] = json!([])), "roles"),
        (with(&|b| b["roles"] = json!(["ro_unknown"])), "ro_unknown"),
        (with(&|b| b["locale"] = json!("en-US")), "locale"),
        (
            with(&|b| b["attributes"] = json!([{"id":"ua_nope","value":"x"}])),
            "ua_nope",
        ),
    ] {
        let reply = call(&sandbox, Method::POST, &users, key, Some(body)).await;
        assert_error_shape(&reply, 400);
        assert!(
            reply.body["message"].as_str().unwrap().contains(needle),
            "{}",
            reply.body
        );
    }
    assert!(sim.users(sim.portal_id()).is_empty());
    let ok = call(
        &sandbox,
        Method::POST,
        &users,
        key,
        Some(with(&|b| {
            b["attributes"] = json!([{"id":"ua_tenant_id","value":"ACME-042"}]);
        })),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let duplicate = call(
        &sandbox,
        Method::POST,
        &users,
        key,
        Some(with(&|b| b["email"] = json!("ADA@acme.example"))),
    )
    .await;
    assert_error_shape(&duplicate, 400);
    let unknown_portal = call(
        &sandbox,
        Method::POST,
        "/v1/partner-portals/pp_nope/users",
        key,
        Some(base.clone()),
    )
    .await;
    assert_error_shape(&unknown_portal, 404);
    assert_eq!(sim.users(sim.portal_id()).len(), 1);
}

#[tokio::test]
async fn a_missing_or_unknown_key_is_401_with_headers() {
    let sim = PartnerPortalSim::builder().build();
    let sandbox = start(&sim).await;
    for key in [None, Some("sk:unknown")] {
        let reply = call(&sandbox, Method::GET, "/v1/roles", key, None).await;
        assert_error_shape(&reply, 401);
        assert_eq!(header(&reply, "x-ratelimit-limit"), Some("500"));
    }
    let roles = call(
        &sandbox,
        Method::GET,
        "/v1/roles?limit=2",
        Some(DEFAULT_API_KEY),
        None,
    )
    .await;
    assert_eq!(roles.body["data"].as_array().unwrap().len(), 2);
    assert!(roles.body["paging"]["next"]["after"].is_string());
}

#[tokio::test]
async fn the_simulator_clock_can_be_pinned_and_moved_past_a_rate_window() {
    let sim = PartnerPortalSim::builder().quota_per_minute(1).build();
    let sandbox = start(&sim).await;
    let users = format!("/v1/partner-portals/{}/users", sim.portal_id());
    let key = Some(DEFAULT_API_KEY);
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    sim.set_now(start);
    assert_eq!(sim.now(), start);

    let first = call(&sandbox, Method::GET, &users, key, None).await;
    assert_eq!(first.status, StatusCode::OK);
    sim.advance(Duration::from_secs(59));
    let refused = call(&sandbox, Method::GET, &users, key, None).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&refused, "x-ratelimit-reset"), Some("1"));
    sim.advance(Duration::from_secs(1));
    assert_eq!(sim.now(), start + Duration::from_secs(60));
    let next_window = call(&sandbox, Method::GET, &users, key, None).await;
    assert_eq!(next_window.status, StatusCode::OK);
}
