//! Wire tests against httpmock: exact headers, LMv1 signatures (the reference's vectors),
//! query encoding and bodies, using the reference's own example payloads as fixtures.

#![allow(clippy::too_many_lines)]

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use core_http::RetryPolicy;
use core_http::clock::ManualClock;
use futures_util::StreamExt;
use httpmock::prelude::*;
use logicmonitor_client::{
    AdminGroupId, AdminId, AdminStatus, ApiTokenId, Clause, Client, Error, Filter, NewRole,
    NewUser, RoleId, Sort, TokenStatus, ViewPermission,
};
use secrecy::SecretString;

const ACCESS_ID: &str = "lmTestAccessId000001";
const ACCESS_KEY: &str = "Zx9(3Lp~Q^72=vK{8)sT+mN4[bH]eW5!yR6_uA";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn lmv1_header(signature: &str) -> String {
    format!("LMv1 {ACCESS_ID}:{signature}:1700000000000")
}

/// A client at the reference vectors' instant, 1700000000000 ms.
fn client(server: &MockServer) -> Client {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    Client::builder()
        .base_url(server.url("/santaba/rest"))
        .lmv1(ACCESS_ID, SecretString::from(ACCESS_KEY))
        .clock(Arc::new(clock))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn list_sends_x_version_and_the_v1_signature_and_decodes_the_envelope() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/santaba/rest/setting/admins")
                .header("x-version", "3")
                .header("accept", "application/json")
                .header(
                    "authorization",
                    lmv1_header("OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ=="),
                )
                .query_param("size", "25")
                .query_param("fields", "id,username,adminGroupIds")
                .query_param("sort", "+id");
            then.status(200)
                .header("content-type", "application/json")
                .body(fixture("admin_list.json"));
        })
        .await;
    let page = client(&server)
        .users()
        .list()
        .size(25)
        .fields(["username", "adminGroupIds"])
        .sort(Sort::asc("id"))
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.total, Some(2));
    assert_eq!(page.items[0].id, AdminId(42));
    assert_eq!(page.items[0].admin_group_ids, [AdminGroupId(7)]);
    // A user without `adminGroupIds` reads as ungrouped.
    assert!(page.items[1].admin_group_ids.is_empty());
}

#[tokio::test]
async fn plain_filters_read_the_same_after_one_decoding_and_are_never_signed() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/santaba/rest/setting/admins")
                .query_param("filter", r#"status:"active",lastLoginOn<:1690000000"#)
                // The signature is V1's: the query string is not part of it.
                .header(
                    "authorization",
                    lmv1_header("OWIxZWJlOGM4MmQxNzJiYzUxNDJiZGE1OWJlOWJhMjZlNjM4M2MzMWIyZGJhMmNmY2M3MDAwNDEyMGVjOGU5YQ=="),
                );
            then.status(200).body(r#"{"total":0,"searchId":null,"items":[]}"#);
        })
        .await;
    let filter = Filter::new()
        .and(Clause::eq("status", "active"))
        .and(Clause::le("lastLoginOn", 1_690_000_000_i64));
    let page = client(&server)
        .users()
        .list()
        .filter(filter)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(page.total, Some(0));
}

/// The exact query string for a value holding each character the issue names: escaped
/// and percent-encoded as LogicMonitor's module does, then URL-encoded once more.
#[tokio::test]
async fn filter_values_are_escaped_and_encoded_twice_as_logicmonitors_module_does() {
    let cases = [
        ('+', "%252B"),
        ('%', "%2525"),
        ('(', "%255C%2528"),
        (')', "%255C%2529"),
        (',', "%2C"),
        ('"', "%255C%22"),
        ('&', "%255C%2526"),
        ('#', "%255C%2523"),
        ('[', "%255C%255B"),
        (']', "%255C%255D"),
        ('$', "%255C%2524"),
        ('*', "*"),
        (' ', "+"),
    ];
    let server = MockServer::start_async().await;
    let client = client(&server);
    for (ch, wire) in cases {
        let expected = format!("filter=username%3A%22x{wire}y%22");
        let mock = server
            .mock_async(|when, then| {
                let expected = expected.clone();
                when.method(GET)
                    .path("/santaba/rest/setting/admins")
                    .is_true(move |request| request.uri().query() == Some(expected.as_str()));
                then.status(200)
                    .body(r#"{"total":0,"searchId":null,"items":[]}"#);
            })
            .await;
        client
            .users()
            .list()
            .filter(Clause::eq("username", format!("x{ch}y")))
            .send()
            .await
            .unwrap_or_else(|error| panic!("{ch:?}: expected {expected}: {error}"));
        mock.assert_async().await;
        mock.delete_async().await;
    }

    // All at once, in an email, through `find_by_username`.
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/santaba/rest/setting/admins")
                .is_true(|request| {
                    request.uri().query()
                        == Some(
                            "size=50&filter=username%3A%22jane%252Badmin%2525%255C%2528x%255C%2529%2C\
                             %255C%22%255C%2526%255C%2523%255C%255B%255C%255D%255C%2524*+\
                             %40corp.example%22",
                        )
                });
            then.status(200).body(r#"{"total":0,"searchId":null,"items":[]}"#);
        })
        .await;
    let found = client
        .users()
        .find_by_username(r#"jane+admin%(x),"&#[]$* @corp.example"#)
        .await
        .unwrap();
    mock.assert_async().await;
    assert!(found.is_none());
}

#[tokio::test]
async fn suspend_and_move_sends_the_v3c_body_and_signature() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/santaba/rest/setting/admins/42")
                .header("content-type", "application/json")
                .header("x-version", "3")
                .header(
                    "authorization",
                    lmv1_header("MjBkM2M0NzJjMGYxYmNiM2JlYzliZjFjZDVkZDQyNjI2YWRlYmMyMzBmMzU5NWQyNDA5M2MwNTJmOTFkNDcyZg=="),
                )
                .body(r#"{"status":"suspended","adminGroupIds":[9]}"#);
            then.status(200).body(fixture("admin.json"));
        })
        .await;
    let user = client(&server)
        .users()
        .update(AdminId(42))
        .status(AdminStatus::Suspended)
        .admin_group_ids([AdminGroupId(9)])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(user.status, Some(AdminStatus::Suspended));
    assert_eq!(user.roles[0].privileges[0].object_id, "*");
    let tabs = user.view_permission.expect("the example has UI tabs");
    assert_eq!(tabs.allows("Traces"), Some(true));
    assert_eq!(tabs.tabs().count(), 9);
}

#[tokio::test]
async fn delete_sends_no_body_and_signs_the_empty_string_v4b() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/santaba/rest/setting/admins/42")
                .header(
                    "authorization",
                    lmv1_header("MGE4MTJkYzNjNmNiNDJmZTVlMDAwYjFlMGU1OWM1YTUyOWQ4YjE2MjgxMzg4YzM5MWVlZWNkMTQ5YzdlMzZjNA=="),
                )
                .body("");
            then.status(200).body("{}");
        })
        .await;
    client(&server).users().delete(AdminId(42)).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn group_get_and_create_match_v5_and_v6() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/santaba/rest/setting/admin/groups/7")
                .header(
                    "authorization",
                    lmv1_header("MGNiYjQ5ZTEzMGZmNWZjMTMwYTAzM2QxN2YzNGFkMjZhMmJiMDdhZTYzMjdjNjVmZmU3OTkwMWU1ZDBkMDViZA=="),
                );
            then.status(200).body(fixture("group.json"));
        })
        .await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/santaba/rest/setting/admin/groups")
                .body(r#"{"name":"Suspended","description":"inactive users"}"#)
                .header(
                    "authorization",
                    lmv1_header("NTEzNGFhOTVhZTRmZTBkZjNmZWM2NWE2M2E5YWIyMzc4YzhmMTExZTFhZGYwMzcwNTQ2MzQxMjY2MzViYzRiNA=="),
                );
            then.status(200).body(fixture("group.json"));
        })
        .await;
    let client = client(&server);
    let group = client.groups().get(AdminGroupId(7)).await.unwrap();
    assert_eq!(group.name.as_deref(), Some("Suspended"));
    let created = client
        .groups()
        .create("Suspended", Some("inactive users"))
        .await
        .unwrap();
    assert_eq!(created.id, AdminGroupId(7));
    get.assert_async().await;
    create.assert_async().await;
}

#[tokio::test]
async fn create_user_sends_role_references_and_groups() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/santaba/rest/setting/admins")
                .json_body(serde_json::json!({
                    "username": "jdoe", "email": "jdoe@example.com", "password": "S3cret!pass",
                    "roles": [{"id": 2}], "adminGroupIds": [7], "status": "active"
                }));
            then.status(200).body(fixture("admin.json"));
        })
        .await;
    let user = client(&server)
        .users()
        .create(
            NewUser::new("jdoe")
                .email("jdoe@example.com")
                .password(SecretString::from("S3cret!pass"))
                .role(RoleId(2))
                .group(AdminGroupId(7))
                .status(AdminStatus::Active),
        )
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(user.username.as_deref(), Some("jdoe"));
}

#[tokio::test]
async fn bearer_tokens_go_in_the_authorization_header() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/santaba/rest/setting/roles/2")
                .header("authorization", "Bearer lmb_exampletoken")
                .header("x-version", "3");
            then.status(200).body(
                r#"{"id":2,"name":"readonly","privileges":[{"objectType":"dashboard_group","objectId":"*","operation":"read"}],"associatedUserCount":12}"#,
            );
        })
        .await;
    let client = Client::builder()
        .base_url(server.url("/santaba/rest"))
        .bearer(SecretString::from("lmb_exampletoken"))
        .build()
        .unwrap();
    let role = client.roles().get(RoleId(2)).await.unwrap();
    mock.assert_async().await;
    assert_eq!(role.associated_user_count, Some(12));
}

#[tokio::test]
async fn the_seed_threads_user_model_decodes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/santaba/rest/setting/admins/1");
            then.status(200).body(fixture("admin_from_seed.json"));
        })
        .await;
    let user = client(&server)
        .users()
        .get(AdminId(1))
        .send()
        .await
        .unwrap();
    assert_eq!(user.first_name.as_deref(), Some("John"));
    assert_eq!(user.roles[0].name.as_deref(), Some("administrator"));
    assert_eq!(user.api_tokens[0].status, Some(2));
    assert_eq!(user.last_login_on, Some(0));
    // The thread's older account sends its tabs as a JSON string: kept as it came.
    assert!(matches!(
        user.view_permission,
        Some(ViewPermission::Other(serde_json::Value::String(ref text))) if text.contains("\"Hosts\" : true")
    ));
}

/// Read-then-replace loses nothing: fields this crate does not name (at the top, in a
/// role, a privilege and a token) go back byte for byte, the new named ones too.
#[tokio::test]
async fn a_user_read_and_written_back_keeps_every_field_it_came_with() {
    let server = MockServer::start_async().await;
    let text = fixture("admin_with_unknown_fields.json");
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path("/santaba/rest/setting/admins/42");
            then.status(200).body(text.clone());
        })
        .await;
    let mut expected: serde_json::Value = serde_json::from_str(&text).unwrap();
    expected["note"] = "moved to ops".into();
    let unknown = [
        r#""futureFlag":true"#,
        r#""futureSettings":{"mode":"strict","nested":{"list":[{"k":"v"},7,-1]}}"#,
        r#""futureEmpty":[]"#,
        r#""roleFutureSetting":{"a":[1,2.5,"x"],"b":null}"#,
        r#""privilegeFutureScope":"tenant""#,
        r#""tokenFutureExpiry":1700000000"#,
    ];
    let put = server
        .mock_async(|when, then| {
            let mut when = when
                .method(PUT)
                .path("/santaba/rest/setting/admins/42")
                .query_param_missing("changePassword")
                .json_body(expected.clone());
            for field in unknown {
                when = when.body_includes(field);
            }
            then.status(200).body(expected.to_string());
        })
        .await;
    let client = client(&server);
    let mut user = client.users().get(AdminId(42)).send().await.unwrap();
    get.assert_async().await;
    // The named fields issue 15 added decode, and the echoed password stays out of Debug.
    assert_eq!(user.accept_eula_on, Some(1_600_000_000));
    assert_eq!(user.training_email.as_deref(), Some("training@example.com"));
    assert_eq!(user.inactive_session_timeout_in_seconds, Some(1800));
    assert_eq!(user.persistent_session_enabled, Some(true));
    assert_eq!(user.immediate_force_logout, Some(false));
    assert!(user.last_action_on_local.is_some());
    assert_eq!(user.roles[0].acct_require_two_fa, Some(true));
    assert_eq!(
        user.roles[0].enable_remote_session_in_company_level,
        Some(true)
    );
    assert_eq!(user.api_tokens[0].user_permission.as_deref(), Some("write"));
    assert_eq!(user.extra["futureFlag"], true);
    assert!(!format!("{user:?}").contains("JohnDoe1"));

    user.note = Some("moved to ops".into());
    let written = client.users().replace_with(&user).await.unwrap();
    put.assert_async().await;
    assert_eq!(written.note, user.note);
    assert_eq!(written.extra, user.extra);
    assert_eq!(written.roles, user.roles);
}

#[tokio::test]
async fn error_bodies_become_api_errors_with_the_error_code() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/santaba/rest/setting/admins/404");
            then.status(404).body(fixture("error_404.json"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/santaba/rest/setting/admins/502");
            then.status(502).body("<html>Bad gateway</html>");
        })
        .await;
    let client = client(&server);
    let error = client.users().get(AdminId(404)).send().await.unwrap_err();
    match &error {
        Error::Api {
            status,
            code,
            message,
            ..
        } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(code.as_deref(), Some("1404"));
            assert_eq!(message, "No such user");
        }
        other => panic!("expected an API error, got {other:?}"),
    }
    let error = client.users().get(AdminId(502)).send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Api { code: None, status, .. } if status.as_u16() == 502),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_429_waits_the_window_then_gives_up_as_rate_limited() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.path("/santaba/rest/setting/roles");
            then.status(429)
                .header("x-rate-limit-limit", "100")
                .header("x-rate-limit-remaining", "0")
                .header("x-rate-limit-window", "60")
                .body(fixture("error_429.json"));
        })
        .await;
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    let client = Client::builder()
        .base_url(server.url("/santaba/rest"))
        .lmv1(ACCESS_ID, SecretString::from(ACCESS_KEY))
        .clock(Arc::new(clock.clone()))
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            max_total_wait: Duration::from_secs(600),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let error = client.roles().list().send().await.unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    assert_eq!(mock.calls_async().await, 3);
    // Each retry waited the advertised 60 s window (pacing may add its own waits).
    assert!(
        clock.total_slept() >= Duration::from_secs(120),
        "{:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn bad_input_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server);
    let users = client.users();
    let field = |error: Error| match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    let readonly = RoleId(2);
    assert_eq!(
        field(
            users
                .create(NewUser::new("").email("a@example.com").role(readonly))
                .await
                .unwrap_err()
        ),
        "username"
    );
    assert_eq!(
        field(
            users
                .create(NewUser::new("jdoe").email("jdoe@@example").role(readonly))
                .await
                .unwrap_err()
        ),
        "email"
    );
    assert_eq!(
        field(
            users
                .create(NewUser::new("jdoe").role(readonly))
                .await
                .unwrap_err()
        ),
        "email"
    );
    assert_eq!(
        field(
            users
                .create(NewUser::new("jdoe").email("jdoe@example.com"))
                .await
                .unwrap_err()
        ),
        "roles"
    );
    assert_eq!(
        field(
            users
                .create(
                    NewUser::new("jdoe")
                        .email("jdoe@example.com")
                        .role(readonly)
                        .password(SecretString::from("weak"))
                )
                .await
                .unwrap_err()
        ),
        "password"
    );
    assert_eq!(
        field(users.list().size(0).send().await.unwrap_err()),
        "size"
    );
    assert_eq!(
        field(users.list().size(1001).send().await.unwrap_err()),
        "size"
    );
    assert_eq!(field(users.get(AdminId(0)).send().await.unwrap_err()), "id");
    assert_eq!(
        field(users.update(AdminId(42)).send().await.unwrap_err()),
        "update"
    );
    assert_eq!(
        field(
            users
                .update(AdminId(42))
                .email("nope")
                .send()
                .await
                .unwrap_err()
        ),
        "email"
    );
    assert_eq!(
        field(users.list().fields(["a,b"]).send().await.unwrap_err()),
        "fields"
    );
    assert_eq!(
        field(
            users
                .list()
                .filter(Clause::eq("bad field", 1))
                .send()
                .await
                .unwrap_err()
        ),
        "filter"
    );
    assert_eq!(
        field(client.groups().create(" ", None).await.unwrap_err()),
        "name"
    );
    assert_eq!(
        field(
            client
                .api_tokens(AdminId(-1))
                .list()
                .send()
                .await
                .unwrap_err()
        ),
        "adminId"
    );
    let first = users.list().size(5000).stream().next().await.unwrap();
    assert_eq!(field(first.unwrap_err()), "size");
    assert_eq!(any.calls_async().await, 0, "nothing may reach the server");
}

/// The role of the seed thread's user model, as a request: what `NewRole` must send.
fn seed_role_request() -> NewRole {
    NewRole::new("administrator")
        .description("Administrator can do everything, including security-sensitive actions")
        .custom_help_label("Internal Support Resources")
        .custom_help_url("")
        .require_eula(true)
        .two_fa_required(true)
        .privilege("dashboard group", "123", "write")
}

#[tokio::test]
async fn role_create_and_replace_send_the_seed_role_and_decode_it() {
    let server = MockServer::start_async().await;
    let expected = serde_json::json!({
        "name": "administrator",
        "description": "Administrator can do everything, including security-sensitive actions",
        "customHelpLabel": "Internal Support Resources",
        "customHelpURL": "",
        "requireEULA": true,
        "twoFARequired": true,
        "privileges": [{"objectType": "dashboard group", "objectId": "123", "operation": "write"}],
    });
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/santaba/rest/setting/roles")
                .header("content-type", "application/json")
                .json_body(expected.clone());
            then.status(200).body(fixture("role_from_seed.json"));
        })
        .await;
    let replace = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/santaba/rest/setting/roles/5")
                .json_body(expected.clone());
            then.status(200).body(fixture("role_from_seed.json"));
        })
        .await;
    let client = client(&server);
    let role = client.roles().create(seed_role_request()).await.unwrap();
    create.assert_async().await;
    assert_eq!(role.name.as_deref(), Some("administrator"));
    assert_eq!(role.privileges[0].object_type, "dashboard group");
    assert_eq!(role.privileges[0].object_name.as_deref(), Some("string"));
    assert_eq!(role.two_fa_required, Some(true));
    client
        .roles()
        .replace(RoleId(5), seed_role_request())
        .await
        .unwrap();
    replace.assert_async().await;
}

#[tokio::test]
async fn role_update_sends_only_what_changed_and_delete_sends_no_body() {
    let server = MockServer::start_async().await;
    let patch = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/santaba/rest/setting/roles/5")
                .body(r#"{"description":"Administrator can do everything, including security-sensitive actions"}"#);
            then.status(200).body(fixture("role_from_seed.json"));
        })
        .await;
    let privileges = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/santaba/rest/setting/roles/6")
                .json_body(serde_json::json!({
                    "privileges": [
                        {"objectType": "dashboard_group", "objectId": "*", "operation": "read"},
                        {"objectType": "host_group", "objectId": "*", "operation": "read"},
                    ],
                }));
            then.status(200).body(fixture("role_from_seed.json"));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/santaba/rest/setting/roles/5")
                .body("");
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server);
    client
        .roles()
        .update(RoleId(5))
        .description("Administrator can do everything, including security-sensitive actions")
        .send()
        .await
        .unwrap();
    patch.assert_async().await;
    client
        .roles()
        .update(RoleId(6))
        .privilege("dashboard_group", "*", "read")
        .privilege("host_group", "*", "read")
        .send()
        .await
        .unwrap();
    privileges.assert_async().await;
    client.roles().delete(RoleId(5)).await.unwrap();
    delete.assert_async().await;
}

#[tokio::test]
async fn token_status_updates_patch_the_status_code() {
    let server = MockServer::start_async().await;
    let enable = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/santaba/rest/setting/admins/42/apitokens/5")
                .body(r#"{"status":2}"#);
            then.status(200).body(fixture("api_token_from_seed.json"));
        })
        .await;
    let disable = server
        .mock_async(|when, then| {
            when.method("PATCH")
                .path("/santaba/rest/setting/admins/42/apitokens/6")
                .body(r#"{"status":1}"#);
            then.status(200)
                .body(r#"{"id":6,"adminId":42,"note":"automation","status":1}"#);
        })
        .await;
    let tokens = client(&server);
    let tokens = tokens.api_tokens(AdminId(42));
    let enabled = tokens
        .set_status(ApiTokenId(5), TokenStatus::Active)
        .await
        .unwrap();
    enable.assert_async().await;
    assert_eq!(enabled.note.as_deref(), Some("John Doe's API Token"));
    assert_eq!(
        enabled.status.and_then(TokenStatus::from_code),
        Some(TokenStatus::Active)
    );
    let disabled = tokens
        .set_status(ApiTokenId(6), TokenStatus::Inactive)
        .await
        .unwrap();
    disable.assert_async().await;
    assert_eq!(
        disabled.status.and_then(TokenStatus::from_code),
        Some(TokenStatus::Inactive)
    );
}

#[tokio::test]
async fn bad_role_and_token_input_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server);
    let roles = client.roles();
    let field = |error: Error| match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected invalid input, got {other:?}"),
    };
    let read = |role: NewRole| role.privilege("dashboard_group", "*", "read");
    for (role, expected) in [
        (read(NewRole::new(" ")), "name"),
        (NewRole::new("desk"), "privileges"),
        (
            NewRole::new("desk").privilege("", "*", "read"),
            "privileges[0].objectType",
        ),
        (
            read(NewRole::new("desk")).privilege("host_group", "*", " "),
            "privileges[1].operation",
        ),
    ] {
        assert_eq!(
            field(roles.create(role.clone()).await.unwrap_err()),
            expected
        );
        assert_eq!(
            field(roles.replace(RoleId(5), role).await.unwrap_err()),
            expected
        );
    }
    assert_eq!(
        field(
            roles
                .replace(RoleId(0), read(NewRole::new("desk")))
                .await
                .unwrap_err()
        ),
        "id"
    );
    assert_eq!(
        field(roles.update(RoleId(5)).send().await.unwrap_err()),
        "update"
    );
    assert_eq!(
        field(roles.update(RoleId(5)).name("").send().await.unwrap_err()),
        "name"
    );
    assert_eq!(
        field(
            roles
                .update(RoleId(5))
                .privilege("x", "*", "")
                .send()
                .await
                .unwrap_err()
        ),
        "privileges[0].operation"
    );
    assert_eq!(field(roles.delete(RoleId(-1)).await.unwrap_err()), "id");
    let tokens = client.api_tokens(AdminId(42));
    assert_eq!(
        field(
            tokens
                .set_status(ApiTokenId(0), TokenStatus::Inactive)
                .await
                .unwrap_err()
        ),
        "apitokenId"
    );
    assert_eq!(
        field(
            client
                .api_tokens(AdminId(0))
                .set_status(ApiTokenId(5), TokenStatus::Inactive)
                .await
                .unwrap_err()
        ),
        "adminId"
    );
    any.assert_calls_async(0).await;
}

/// LogicMonitor's `total` can overcount (role-restricted visibility): an empty page
/// before it ends the listing with what was returned, and the shortfall is reported.
#[tokio::test]
async fn an_empty_page_before_total_ends_the_listing_and_reports_the_shortfall() {
    let server = MockServer::start_async().await;
    for (offset, body) in [
        (
            None,
            r#"{"total":5,"items":[{"id":1,"username":"a"},{"id":2,"username":"b"}]}"#,
        ),
        (Some("2"), r#"{"total":5,"items":[]}"#),
    ] {
        server
            .mock_async(|when, then| {
                let when = when.method(GET).path("/santaba/rest/setting/admins");
                match offset {
                    Some(offset) => when.query_param("offset", offset),
                    None => when.query_param_missing("offset"),
                };
                then.status(200).body(body);
            })
            .await;
    }
    let client = client(&server);

    let (stream, short) = client.users().list().size(2).stream_counted();
    let users: Vec<_> = stream.collect().await;

    let ids: Vec<_> = users.into_iter().map(|user| user.unwrap().id).collect();
    assert_eq!(ids, [AdminId(1), AdminId(2)]);
    let shortfall = short.shortfall().expect("the listing fell short");
    assert_eq!(
        (shortfall.returned, shortfall.announced_items),
        (2, Some(5))
    );
}

core_http::transport_option_tests! {
    builder: |base_url| Client::builder()
        .base_url(format!("{base_url}/santaba/rest"))
        .lmv1(ACCESS_ID, SecretString::from(ACCESS_KEY)),
    call: |client| client.users().list().send().await,
    path: "/santaba/rest/setting/admins",
    body: fixture("admin_list.json"),
}
