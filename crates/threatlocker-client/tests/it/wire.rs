//! Wire tests: exact paths, headers and bodies against httpmock, with the vendor
//! reference's own example payloads as fixtures.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use core_http::clock::ManualClock;
use futures_util::TryStreamExt;
use httpmock::prelude::*;
use serde_json::Value;
use threatlocker_client::{
    AUTH_HINT, AuthFailure, Client, Error, OrganizationOrderBy, PERMISSION_HINT, PageRequest,
    RetryPolicy, Uuid, auth_failure, is_auth_error,
};

const TOKEN: &str = "3f0c5e7a9b1d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e";
const ORG: &str = "5b2e8f41-7d3c-4a1e-9c55-2f6d0e1a7b90";
const CHILD: &str = "9a1f3c22-0b6e-4d8a-a5f7-3e2c1d0b9a88";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn timezones_raw_token_no_managed_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/portalapi/User/UserGetAllTimezones")
                .header("authorization", TOKEN)
                .header_missing("managedorganizationid");
            then.status(200)
                .header("content-type", "application/json; charset=utf-8")
                .body(fixture("timezones.json"));
        })
        .await;
    let zones = client(&server).users().timezones().await.unwrap();
    mock.assert_async().await;
    assert_eq!(zones.len(), 3);
    assert_eq!(zones[1].id, "Eastern Standard Time");
    assert_eq!(
        zones[1].display_name.as_deref(),
        Some("(UTC-05:00) Eastern Time (US & Canada)")
    );
}

#[tokio::test]
async fn timezones_keep_unknown_fields_and_tolerate_null_and_empty_bodies() {
    let server = MockServer::start_async().await;
    let mut mock = server
        .mock_async(|when, then| {
            when.path("/portalapi/User/UserGetAllTimezones");
            then.status(200)
                .body(r#"[{"id":"UTC","utcOffsetMinutes":0,"displayName":null}]"#);
        })
        .await;
    let zones = client(&server).users().timezones().await.unwrap();
    assert_eq!(zones[0].extra["utcOffsetMinutes"], 0);
    assert_eq!(zones[0].display_name, None);
    for body in ["null", "", "  "] {
        mock.delete_async().await;
        mock = server
            .mock_async(|when, then| {
                when.path("/portalapi/User/UserGetAllTimezones");
                then.status(200).body(body);
            })
            .await;
        assert!(
            client(&server)
                .users()
                .timezones()
                .await
                .unwrap()
                .is_empty(),
            "{body:?}"
        );
    }
}

#[tokio::test]
async fn invite_with_a_scoped_handle_sends_the_documented_body_and_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/portalapi/User/UserInviteByUsername")
                .header("authorization", TOKEN)
                .header("managedorganizationid", ORG)
                .header("content-type", "application/json")
                .json_body(json_fixture("invite_one_role.json"));
            then.status(200);
        })
        .await;
    let invitation = client(&server)
        .organization(ORG)
        .users()
        .invite("jane.doe@contoso.com")
        .role(ORG, "0c7d2b9e-41aa-4f0e-8d3b-6a9f1e2c4d55")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(invitation.username, "jane.doe@contoso.com");
    assert_eq!(invitation.organization_id, Some(ORG.parse().unwrap()));
    assert_eq!(invitation.body, None);
}

#[tokio::test]
async fn invite_with_the_client_wide_managed_organization_and_two_roles() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/portalapi/User/UserInviteByUsername")
                .header("managedorganizationid", CHILD)
                .json_body(json_fixture("invite_two_roles.json"));
            then.status(200).body(r#"{"invited": true}"#);
        })
        .await;
    let client = Client::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .managed_organization(CHILD)
        .build()
        .unwrap();
    let invitation = client
        .users()
        .invite("helpdesk@fabrikam.net")
        .role(CHILD, "7e4b1a90-2c3d-4e5f-8a6b-9c0d1e2f3a4b")
        .role(CHILD, "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(invitation.body, Some(serde_json::json!({"invited": true})));
    assert_eq!(invitation.user_id(), None);
}

#[tokio::test]
async fn roles_page_reads_the_pagination_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/portalapi/UserRoles/UserRolesGetByParameters")
                .header("authorization", TOKEN)
                .header("managedorganizationid", ORG)
                .json_body(json_fixture("roles_request.json"));
            then.status(200)
                .header("pagination", fixture("roles_pagination_header.txt"))
                .body(fixture("roles_response.json"));
        })
        .await;
    let page = client(&server)
        .organization(ORG)
        .roles()
        .list()
        .page_size(25)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[0].name, "Helpdesk");
    assert_eq!(page.items[0].organization_id, Some(ORG.parse().unwrap()));
    assert_eq!(
        page.items[0].date_created.unwrap().to_string(),
        "2025-02-11T14:03:22Z"
    );
    assert_eq!(page.total, Some(2));
    assert_eq!(page.total_pages, Some(1));
    assert_eq!(page.next_request(&PageRequest::page_number(25)), None);
}

fn role(index: usize) -> Value {
    serde_json::json!({"userRoleId": Uuid::from_u128(index as u128 + 1), "name": format!("Role {index}")})
}

#[tokio::test]
async fn role_stream_follows_total_pages() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for page in 1..=3u32 {
        let items: Vec<Value> = (0..2).map(|i| role((page as usize - 1) * 2 + i)).collect();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.path("/portalapi/UserRoles/UserRolesGetByParameters")
                        .json_body(serde_json::json!({"pageNumber": page, "pageSize": 2}));
                    then.status(200)
                        .header(
                            "pagination",
                            format!(r#"{{"currentPage":{page},"itemsPerPage":2,"totalItems":6,"totalPages":3}}"#),
                        )
                        .json_body(Value::Array(items));
                })
                .await,
        );
    }
    let roles: Vec<_> = client(&server)
        .roles()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(roles.len(), 6);
    assert_eq!(roles[5].name, "Role 5");
    for mock in &mocks {
        mock.assert_calls_async(1).await;
    }

    // Started at page 2, the stream still ends at page 3 (no request for page 4).
    let page_four = server
        .mock_async(|when, then| {
            when.path("/portalapi/UserRoles/UserRolesGetByParameters")
                .json_body(serde_json::json!({"pageNumber": 4, "pageSize": 2}));
            then.status(200).body("[]");
        })
        .await;
    let roles: Vec<_> = client(&server)
        .roles()
        .list()
        .page(2)
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(roles.len(), 4);
    assert_eq!(roles[0].name, "Role 2");
    mocks[0].assert_calls_async(1).await;
    mocks[1].assert_calls_async(2).await;
    mocks[2].assert_calls_async(2).await;
    page_four.assert_calls_async(0).await;
}

#[tokio::test]
async fn role_stream_without_header_stops_on_a_short_page_or_null() {
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.path("/portalapi/UserRoles/UserRolesGetByParameters")
                .json_body(serde_json::json!({"pageNumber": 1, "pageSize": 2}));
            then.status(200)
                .json_body(Value::Array(vec![role(0), role(1)]));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.path("/portalapi/UserRoles/UserRolesGetByParameters")
                .json_body(serde_json::json!({"pageNumber": 2, "pageSize": 2}));
            then.status(200).body("null");
        })
        .await;
    let roles: Vec<_> = client(&server)
        .roles()
        .list()
        .page_size(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(roles.len(), 2);
    first.assert_calls_async(1).await;
    second.assert_calls_async(1).await;
}

#[tokio::test]
async fn child_organizations_send_every_filter() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/portalapi/Organization/OrganizationGetChildOrganizationsByParameters")
                .header_missing("managedorganizationid")
                .json_body(json_fixture("children_request.json"));
            then.status(200)
                .header(
                    "pagination",
                    r#"{"currentPage":1,"itemsPerPage":25,"totalItems":1,"totalPages":1}"#,
                )
                .body(fixture("children_response.json"));
        })
        .await;
    let page = client(&server)
        .organizations()
        .children()
        .page_size(25)
        .search_text("Contoso")
        .order_by(OrganizationOrderBy::DateAdded)
        .ascending(false)
        .include_all_children(true)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        page.items[0].display_name.as_deref(),
        Some("Contoso Dental")
    );
    assert_eq!(page.items[0].computer_count, Some(42));
    assert_eq!(page.items[0].parent_id, Some(ORG.parse().unwrap()));
}

async fn error_from(status: u16, body: String) -> Error {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/portalapi/User/UserGetAllTimezones");
            then.status(status).body(body);
        })
        .await;
    client(&server).users().timezones().await.unwrap_err()
}

#[tokio::test]
async fn token_revoked_440_says_revoked_expired_or_other_instance() {
    let revoked = error_from(440, fixture("token_revoked.json")).await;
    assert!(is_auth_error(&revoked));
    assert_eq!(auth_failure(&revoked), Some(AuthFailure::TokenRejected));
    match &revoked {
        Error::Api {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(status.as_u16(), 440);
            assert_eq!(code.as_deref(), Some("TOKEN_REVOKED"));
            assert!(message.starts_with(AUTH_HINT), "{message}");
            assert!(
                message.contains("revoked, expired or belongs to another"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The reference's 401 is a valid token lacking a permission (observed live as
/// `Missing the '' permission`), not a rejected token.
#[tokio::test]
async fn unauthorized_401_says_a_valid_token_lacks_a_permission() {
    let unauthorized = error_from(401, fixture("error_401_permission.json")).await;
    assert!(is_auth_error(&unauthorized));
    assert_eq!(
        auth_failure(&unauthorized),
        Some(AuthFailure::MissingPermission { permission: None })
    );
    let text = unauthorized.to_string();
    assert!(text.contains(PERMISSION_HINT), "{text}");
    assert!(text.contains("Missing the '' permission"), "{text}");
    assert!(!text.contains("revoked"), "{text}");
    assert!(!text.contains("another ThreatLocker instance"), "{text}");
    assert_eq!(unauthorized.request_id(), Some("7c1e9a42"));
}

#[tokio::test]
async fn invite_lacking_each_permission_names_it() {
    for permission in ["Edit Administrators", "Assign Roles"] {
        let server = MockServer::start_async().await;
        let body = format!(
            r#"{{"LoggerId":"7c1e9a42","StatusCode":401,"Message":"Missing the '{permission}' permission"}}"#
        );
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/portalapi/User/UserInviteByUsername")
                    .json_body(json_fixture("invite_one_role.json"));
                then.status(401).body(body);
            })
            .await;
        let error = client(&server)
            .users()
            .invite("jane.doe@contoso.com")
            .role(ORG, "0c7d2b9e-41aa-4f0e-8d3b-6a9f1e2c4d55")
            .send()
            .await
            .unwrap_err();
        mock.assert_async().await;
        assert_eq!(
            auth_failure(&error),
            Some(AuthFailure::MissingPermission {
                permission: Some(permission.to_owned())
            })
        );
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
        assert!(error.to_string().starts_with("user.invite: 401"), "{error}");
        assert!(error.to_string().contains(PERMISSION_HINT), "{error}");
    }
}

#[tokio::test]
async fn envelope_errors_carry_message_and_logger_id() {
    let failed = error_from(417, fixture("error_417.json")).await;
    assert!(!is_auth_error(&failed));
    assert_eq!(auth_failure(&failed), None);
    match &failed {
        Error::Api {
            status,
            message,
            request_id,
            ..
        } => {
            assert_eq!(status.as_u16(), 417);
            assert_eq!(message, "Invalid Date Range");
            assert_eq!(request_id.as_deref(), Some("7c1e9a42"));
        }
        other => panic!("{other:?}"),
    }
    let crashed = error_from(500, fixture("error_500.json")).await;
    match &crashed {
        Error::Api {
            status,
            message,
            request_id,
            ..
        } => {
            assert_eq!(status.as_u16(), 500);
            assert_eq!(message, "A problem occurred with the request (7c1e9a42)");
            assert_eq!(request_id.as_deref(), Some("7c1e9a42"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn listings_are_retried_as_reads_but_invitations_are_not() {
    let server = MockServer::start_async().await;
    let roles = server
        .mock_async(|when, then| {
            when.path("/portalapi/UserRoles/UserRolesGetByParameters");
            then.status(500).body(fixture("error_500.json"));
        })
        .await;
    let invite = server
        .mock_async(|when, then| {
            when.path("/portalapi/User/UserInviteByUsername");
            then.status(500).body(fixture("error_500.json"));
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_767_225_600));
    let client = Client::builder()
        .base_url(server.base_url())
        .token(TOKEN)
        .clock(Arc::new(clock.clone()))
        .build()
        .unwrap();
    let scoped = client.organization(ORG);
    assert!(scoped.roles().list().send().await.is_err());
    roles.assert_calls_async(4).await;
    assert!(
        scoped
            .users()
            .invite("jane.doe@contoso.com")
            .role(ORG, Uuid::from_u128(1))
            .send()
            .await
            .is_err()
    );
    invite.assert_calls_async(1).await;
    assert_eq!(clock.sleeps().len(), 3);
}

core_http::transport_option_tests! {
    builder: |base_url| Client::builder().base_url(base_url).token(TOKEN),
    call: |client| client.users().timezones().await,
    path: "/portalapi/User/UserGetAllTimezones",
    body: fixture("timezones.json"),
}
