//! Wire tests against httpmock, with the vendor documentation's own examples as fixtures.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{TimeZone, Utc};
use core_http::clock::ManualClock;
use futures_util::TryStreamExt;
use httpmock::prelude::*;
use partner_portal_client::{AttributeType, Client, Error, NewUser, Page, SecretString};
use serde_json::Value;

const KEY: &str = "sk:4eC39HqLyjWDarjtT1zdp7dc";
const PORTAL: &str = "pp_acme";
const USERS: &str = "/v1/partner-portals/pp_acme/users";

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn client(server: &MockServer) -> (Client, ManualClock) {
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600));
    let client = Client::builder()
        .base_url(server.base_url())
        .api_key(SecretString::from(KEY))
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    (client, clock)
}

#[tokio::test]
async fn lists_the_documented_page_with_auth_and_iso_or_null_logins() {
    let server = MockServer::start_async().await;
    let page = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(USERS)
                .header("authorization", format!("Bearer {KEY}"))
                .header("accept", "application/json")
                .query_param("limit", "2")
                .query_param_missing("after");
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("users_page.json"));
        })
        .await;
    let (client, _) = client(&server);
    let Page {
        items: users,
        next_cursor: next,
        ..
    } = client
        .portal(PORTAL)
        .list_users()
        .limit(2)
        .send()
        .await
        .unwrap();
    page.assert_async().await;
    assert_eq!(next.as_deref(), Some("MQit="));
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].id, "ppu_8XkQ2mR4tLw0Za");
    assert_eq!(users[0].email, "ada.moreau@acme-partner.com");
    assert_eq!(
        users[0].last_logged_at.get(),
        Some(Utc.with_ymd_and_hms(2024, 5, 2, 8, 41, 17).unwrap())
    );
    assert_eq!(users[1].last_logged_at.get(), None);
}

#[tokio::test]
async fn stream_follows_the_cursor_until_paging_is_empty() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.path(USERS)
                .query_param_missing("after")
                .query_param("limit", "2");
            then.status(200).body(fixture("users_page.json"));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.path(USERS).query_param("after", "MQit=").query_param("limit", "2");
            then.status(200).body(
                r#"{"data":[{"id":"ppu_last","first_name":"C","last_name":"D","email":"c@d.example","last_logged_at":1714639277000}],"paging":{}}"#,
            );
        })
        .await;
    let (client, _) = client(&server);
    let users: Vec<_> = client
        .portal(PORTAL)
        .list_users()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    first.assert_async().await;
    second.assert_async().await;
    let ids: Vec<_> = users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(
        ids,
        ["ppu_8XkQ2mR4tLw0Za", "ppu_3JvN7cY1sPq9Hd", "ppu_last"]
    );
    assert_eq!(users[2].last_logged_at.get(), users[0].last_logged_at.get());
}

#[tokio::test]
async fn every_end_of_list_signal_stops_after_one_request() {
    for body in [
        r#"{"data":[{"id":"u1","first_name":"A","last_name":"B","email":"a@b.example"}]}"#,
        r#"{"data":[{"id":"u1","first_name":"A","last_name":"B","email":"a@b.example"}],"paging":null}"#,
        r#"{"data":[{"id":"u1","first_name":"A","last_name":"B","email":"a@b.example"}],"paging":{"next":{"after":null}}}"#,
        r#"{"data":[{"id":"u1","first_name":"A","last_name":"B","email":"a@b.example"}],"paging":{"next":{"after":""}}}"#,
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.path(USERS);
                then.status(200).body(body);
            })
            .await;
        let (client, _) = client(&server);
        let users: Vec<_> = client
            .portal(PORTAL)
            .list_users()
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(users.len(), 1, "{body}");
        // Absent `last_logged_at` reads as never logged in.
        assert!(users[0].last_logged_at.is_none());
        assert_eq!(mock.calls_async().await, 1, "{body}");
    }
}

#[tokio::test]
async fn a_repeated_cursor_ends_with_an_error_not_a_loop() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(USERS).query_param_missing("after");
            then.status(200).body(fixture("users_page.json"));
        })
        .await;
    let again = server
        .mock_async(|when, then| {
            when.path(USERS).query_param("after", "MQit=");
            then.status(200).body(
                r#"{"data":[{"id":"ppu_other","first_name":"C","last_name":"D","email":"c@d.example","last_logged_at":null}],"paging":{"next":{"after":"MQit="}}}"#,
            );
        })
        .await;
    let (client, _) = client(&server);
    let results: Vec<_> = client
        .portal(PORTAL)
        .list_users()
        .stream()
        .collect_all()
        .await;
    assert_eq!(again.calls_async().await, 1);
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 3);
    assert!(
        matches!(results.last(), Some(Err(Error::Pagination { .. }))),
        "{results:?}"
    );
}

#[tokio::test]
async fn last_logged_at_as_the_rendered_number_as_millis_and_as_text() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(format!("{USERS}/ppu_one"));
            then.status(200).body(fixture("user_rendered_example.json"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(format!("{USERS}/ppu_ms"));
            then.status(200).body(
                r#"{"id":"ppu_ms","first_name":"A","last_name":"B","email":"a@b.example","last_logged_at":1714639277000}"#,
            );
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(format!("{USERS}/ppu_s"));
            then.status(200).body(
                r#"{"id":"ppu_s","first_name":"A","last_name":"B","email":"a@b.example","last_logged_at":1714639277}"#,
            );
        })
        .await;
    let (client, _) = client(&server);
    let portal = client.portal(PORTAL);
    let one = portal.get_user("ppu_one").await.unwrap();
    assert_eq!(
        one.last_logged_at.get(),
        Some(Utc.timestamp_opt(1, 0).unwrap())
    );
    let expected = Some(Utc.with_ymd_and_hms(2024, 5, 2, 8, 41, 17).unwrap());
    assert_eq!(
        portal
            .get_user("ppu_ms")
            .await
            .unwrap()
            .last_logged_at
            .get(),
        expected
    );
    assert_eq!(
        portal.get_user("ppu_s").await.unwrap().last_logged_at.get(),
        expected
    );
}

#[tokio::test]
async fn create_sends_the_documented_body_and_accepts_any_2xx() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(USERS)
                .header("content-type", "application/json")
                .json_body(fixture_json("create_user_request.json"));
            // NestJS's default for POST, although Whaly documents 200.
            then.status(201).body(
                r#"{"id":"ppu_8XkQ2mR4tLw0Za","first_name":"Ada","last_name":"Moreau","email":"ada.moreau@acme-partner.com","last_logged_at":null}"#,
            );
        })
        .await;
    let (client, _) = client(&server);
    let user = NewUser::new("Ada", "Moreau", "ada.moreau@acme-partner.com")
        .role("ro_ZW9dbXgfX2L0Dg")
        .locale("fr_FR")
        .attribute("ua_tenant_id", "ACME-042");
    let created = client.portal(PORTAL).create_user(&user).await.unwrap();
    create.assert_async().await;
    assert_eq!(created.id, "ppu_8XkQ2mR4tLw0Za");
    assert!(created.last_logged_at.is_none());
}

#[tokio::test]
async fn create_defaults_the_locale_and_sends_the_password_only_on_the_wire() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path(USERS).json_body(serde_json::json!({
                "first_name": "Bruno", "last_name": "Keller", "email": "b.keller@northwind.example",
                "password": "first-login-secret", "roles": ["ro_3zrr1XRrXMyYG6"], "locale": "en_US"
            }));
            then.status(200).body(
                r#"{"id":"ppu_3JvN7cY1sPq9Hd","first_name":"Bruno","last_name":"Keller","email":"b.keller@northwind.example","last_logged_at":null}"#,
            );
        })
        .await;
    let (client, _) = client(&server);
    let user = NewUser::new("Bruno", "Keller", "b.keller@northwind.example")
        .role("ro_3zrr1XRrXMyYG6")
        .password(SecretString::from("first-login-secret"));
    client.portal(PORTAL).create_user(&user).await.unwrap();
    create.assert_async().await;
}

#[tokio::test]
async fn delete_reads_is_deleted() {
    let server = MockServer::start_async().await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("{USERS}/ppu_8XkQ2mR4tLw0Za"));
            then.status(200).body(fixture("deleted_user.json"));
        })
        .await;
    let (client, _) = client(&server);
    let deleted = client
        .portal(PORTAL)
        .delete_user("ppu_8XkQ2mR4tLw0Za")
        .await
        .unwrap();
    delete.assert_async().await;
    assert_eq!(deleted.id, "ppu_8XkQ2mR4tLw0Za");
    assert!(deleted.is_deleted);
}

#[tokio::test]
async fn documented_error_body_gives_message_and_request_id() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(format!("{USERS}/ppu_gone"));
            then.status(404).body(fixture("error_not_found.json"));
        })
        .await;
    let (client, _) = client(&server);
    let error = client
        .portal(PORTAL)
        .get_user("ppu_gone")
        .await
        .unwrap_err();
    match &error {
        Error::Api {
            status,
            message,
            request_id,
            ..
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(message, "Not Found");
            assert_eq!(
                request_id.as_deref(),
                Some("20256c3e71efa5aa267df84eb9c129e5")
            );
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    assert_eq!(error.request_id(), Some("20256c3e71efa5aa267df84eb9c129e5"));
}

#[tokio::test]
async fn nestjs_error_body_with_an_array_message() {
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST).path(USERS);
            then.status(400)
                .header("x-request-id", "hdr-req-7")
                .body(fixture("error_nestjs.json"));
        })
        .await;
    let (client, _) = client(&server);
    let user = NewUser::new("Ada", "Moreau", "ada@acme.example").role("ro_x");
    let error = client.portal(PORTAL).create_user(&user).await.unwrap_err();
    // A 400 on a create is not retried.
    assert_eq!(create.calls_async().await, 1);
    match error {
        Error::Api {
            status,
            message,
            code,
            request_id,
            ..
        } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(message, "email must be an email; roles should not be empty");
            assert_eq!(code.as_deref(), Some("Bad Request"));
            assert_eq!(request_id.as_deref(), Some("hdr-req-7"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_without_waiting_for_real() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.path("/v1/roles");
            then.status(429)
                .header("retry-after", "7")
                .header("x-ratelimit-limit", "500")
                .header("x-ratelimit-remaining", "0")
                .header("x-ratelimit-reset", "7")
                .body(r#"{"status_code":429,"message":"Too Many Requests","request_id":"0123456789abcdef0123456789abcdef"}"#);
        })
        .await;
    limited.up_to_n_times_async(1).await;
    let ok = server
        .mock_async(|when, then| {
            when.path("/v1/roles");
            then.status(200).body(fixture("roles_page.json"));
        })
        .await;
    let (client, clock) = client(&server);
    let Page {
        items: roles,
        next_cursor: next,
        ..
    } = client.roles().list().send().await.unwrap();
    assert_eq!(limited.calls_async().await, 1);
    assert_eq!(ok.calls_async().await, 1);
    assert_eq!(roles.len(), 2);
    assert_eq!(roles[0].name, "Admin Builder");
    assert!(roles[0].is_system);
    assert_eq!(next.as_deref(), Some("MQit="));
    // The wait came from the headers (Retry-After 7 s, and the pacer's reset of 7 s).
    assert!(
        clock.total_slept() >= Duration::from_secs(7),
        "{:?}",
        clock.sleeps()
    );
    assert!(
        clock.total_slept() <= Duration::from_secs(14),
        "{:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn user_attributes_in_both_flag_spellings() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v1/user-attributes");
            then.status(200).body(fixture("user_attributes_page.json"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v1/user-attributes/ua_region");
            then.status(200).body(
                r#"{"id":"ua_region","name":"region","label":"Region","type":"STRING","allowMultipleValues":true}"#,
            );
        })
        .await;
    let (client, _) = client(&server);
    let attributes: Vec<_> = client
        .user_attributes()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(attributes.len(), 1);
    assert_eq!(attributes[0].name, "tenant_id");
    assert_eq!(attributes[0].attribute_type, Some(AttributeType::String));
    assert!(!attributes[0].allow_multiple_values);
    let region = client.user_attributes().get("ua_region").await.unwrap();
    assert!(region.allow_multiple_values);
}

#[tokio::test]
async fn invalid_input_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_when, then| {
            then.status(200).body("{}");
        })
        .await;
    let (client, _) = client(&server);
    let good = NewUser::new("Ada", "Moreau", "ada@acme.example").role("ro_x");
    let field = |error: Error| match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    assert_eq!(
        field(client.portal("a/b").create_user(&good).await.unwrap_err()),
        "portal_id"
    );
    assert_eq!(
        field(client.portal("").get_user("u").await.unwrap_err()),
        "portal_id"
    );
    assert_eq!(
        field(client.portal(PORTAL).get_user("u/../x").await.unwrap_err()),
        "user_id"
    );
    assert_eq!(field(client.roles().get("").await.unwrap_err()), "role_id");
    let bad_email = NewUser::new("Ada", "Moreau", "ada at acme").role("ro_x");
    assert_eq!(
        field(
            client
                .portal(PORTAL)
                .create_user(&bad_email)
                .await
                .unwrap_err()
        ),
        "email"
    );
    let no_roles = NewUser::new("Ada", "Moreau", "ada@acme.example");
    assert_eq!(
        field(
            client
                .portal(PORTAL)
                .create_user(&no_roles)
                .await
                .unwrap_err()
        ),
        "roles"
    );
    let bad_locale = good.clone().locale("en-US");
    assert_eq!(
        field(
            client
                .portal(PORTAL)
                .create_user(&bad_locale)
                .await
                .unwrap_err()
        ),
        "locale"
    );
    let first = client
        .portal(PORTAL)
        .list_users()
        .limit(0)
        .stream()
        .try_next()
        .await;
    assert_eq!(field(first.unwrap_err()), "limit");
    assert_eq!(
        field(client.roles().list().limit(0).send().await.unwrap_err()),
        "limit"
    );
    assert_eq!(any.calls_async().await, 0);
}

trait CollectAll: futures_util::Stream + Sized {
    async fn collect_all(self) -> Vec<Self::Item> {
        futures_util::StreamExt::collect(self).await
    }
}

impl<S: futures_util::Stream> CollectAll for S {}

core_http::transport_option_tests! {
    builder: |base_url| Client::builder().base_url(base_url).api_key(SecretString::from(KEY)),
    call: |client| client.portal(PORTAL).list_users().send().await,
    path: USERS,
    body: fixture("users_page.json"),
}
