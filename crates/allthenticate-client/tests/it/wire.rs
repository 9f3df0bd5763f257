//! Wire tests against httpmock: paths, parameter encodings in each mode, auth
//! placements, response leniency, and the vendor documentation's examples as fixtures.
//!
//! `fixtures/multipleusers_doc_repaired.json` is the `/multipleusers` example of the
//! vendor page, which is not valid JSON as published: the `#` comment, the duplicated
//! `name` (the second one, a formula, was dropped), the missing comma and the valueless
//! `unique_id` (given `1`) were repaired.

use allthenticate_client::{
    AdStatus, ArrayEncoding, AuthPlacement, BodyEncoding, Client, EmailId, EmailStatus, Error,
    InviteGroup, Rank, SecretString, SmartCard, SuspensionError, SuspensionSource, SuspensionState,
    UserId, UserTag,
};
use httpmock::prelude::*;
use serde_json::json;

const KEY: &str = "test-key-123";

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .api_key(SecretString::from(KEY))
        .build()
        .unwrap()
}

fn client_with(
    server: &MockServer,
    f: impl FnOnce(allthenticate_client::ClientBuilder) -> allthenticate_client::ClientBuilder,
) -> Client {
    f(Client::builder()
        .base_url(server.base_url())
        .api_key(SecretString::from(KEY)))
    .build()
    .unwrap()
}

#[tokio::test]
async fn a_listing_larger_than_the_transports_default_cap_is_read_whole() {
    // The documented example's members repeated past core-http's 16 MiB default: the
    // vendor sends every member in one response.
    let example: Vec<serde_json::Value> =
        serde_json::from_str(&fixture("multipleusers_reference.json")).unwrap();
    let one = serde_json::to_string(&example[0]).unwrap();
    let copies = core_http::DEFAULT_MAX_RESPONSE_BYTES / one.len() + 1_000;
    let body = format!("[{}]", vec![one.as_str(); copies].join(","));
    assert!(body.len() > core_http::DEFAULT_MAX_RESPONSE_BYTES);
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/multipleusers");
            then.status(200).body(body);
        })
        .await;

    let users = client(&server).users().list().send().await.unwrap().items;

    assert_eq!(users.len(), copies);
}

#[tokio::test]
async fn lists_users_from_the_documented_examples() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/multipleusers")
                .query_param("email", "true")
                .header("authorization", format!("Bearer {KEY}"));
            then.status(200)
                .body(fixture("multipleusers_reference.json"));
        })
        .await;
    let users = client(&server)
        .users()
        .list()
        .email_in_name(true)
        .send()
        .await
        .unwrap()
        .items;
    mock.assert_async().await;
    let user = &users[0];
    assert_eq!(user.email_id, EmailId::new(12));
    assert_eq!(user.user_id, UserId::new(7));
    assert_eq!(user.ad_status, Some(AdStatus::Active));
    assert_eq!(user.email_status, Some(EmailStatus::Confirmed));
    assert_eq!(user.group_names(), vec!["Employees"]);
    assert_eq!(
        user.device_added.unwrap().to_string(),
        "2023-01-23 23:46:35"
    );
    assert_eq!(
        user.created.unwrap().assume_utc().to_rfc3339(),
        "2020-03-20T01:30:05+00:00"
    );
}

#[tokio::test]
async fn the_repaired_doc_example_decodes_and_guests_use_user_tag() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/multipleusers")
                .query_param("user_tag", "GUEST");
            then.status(200)
                .body(fixture("multipleusers_doc_repaired.json"));
        })
        .await;
    let users = client(&server)
        .users()
        .list()
        .tag(UserTag::Guest)
        .send()
        .await
        .unwrap()
        .items;
    mock.assert_async().await;
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].username.as_deref(), Some("cspensky"));
    assert_eq!(users[0].name.as_deref(), Some("Joe Developer"));
    assert_eq!(users[0].unique_id, Some(json!(1)));
}

#[tokio::test]
async fn unknown_enum_values_and_null_timestamps_decode() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/multipleusers");
            then.status(200).body(
                r#"[{"user_id":"3","email_id":4,"ad_status":"LOCKED","email_status":"PENDING","confirmed":null,"extra":1}]"#,
            );
        })
        .await;
    let users = client(&server).users().list().send().await.unwrap().items;
    assert_eq!(users[0].user_id, UserId::new(3));
    assert_eq!(users[0].ad_status, Some(AdStatus::Unknown("LOCKED".into())));
    assert_eq!(
        users[0].email_status,
        Some(EmailStatus::Unknown("PENDING".into()))
    );
    assert_eq!(users[0].confirmed, None);
}

#[tokio::test]
async fn stream_is_a_single_lazy_request() {
    use futures_util::StreamExt as _;
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/multipleusers");
            then.status(200)
                .body(fixture("multipleusers_reference.json"));
        })
        .await;
    let client = client(&server);
    let stream = client.users().list().stream();
    assert_eq!(mock.calls_async().await, 0, "nothing sent before polling");
    let users: Vec<_> = stream.collect().await;
    assert_eq!(users.len(), 1);
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn get_user_and_smart_cards_decode_the_doc_examples() {
    let server = MockServer::start_async().await;
    let user = server
        .mock_async(|when, then| {
            when.method(GET).path("/user").query_param("email_id", "12");
            then.status(200).body(fixture("user_doc.json"));
        })
        .await;
    let cards = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/modifysmartcard")
                .query_param("email_id", "1");
            then.status(200).body(fixture("modifysmartcard_get.json"));
        })
        .await;
    let client = client(&server);
    let detail = client.users().get(EmailId::new(12)).await.unwrap();
    assert_eq!(detail.policy_names(), vec!["test_policy", "asdf"]);
    assert_eq!(detail.computer_usernames, vec!["username"]);
    assert_eq!(detail.smartcards[0].label.as_deref(), Some("Label"));
    let list = client.users().smart_cards(EmailId::new(1)).await.unwrap();
    assert_eq!(list, vec![SmartCard::new("123456", Some("Test"))]);
    user.assert_async().await;
    cards.assert_async().await;
}

#[tokio::test]
async fn delete_sends_query_parameters_and_reads_the_success_message() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path("/user")
                .query_param("email_id", "12")
                .query_param("email", "joe@developer.com");
            then.status(200).body(fixture("delete_success.json"));
        })
        .await;
    let ack = client(&server)
        .users()
        .delete()
        .email_id(EmailId::new(12))
        .email("joe@developer.com")
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(
        ack.message.as_deref(),
        Some("User joe@developer.com/jdev was successfully deleted from your organization.")
    );
}

#[tokio::test]
async fn errors_carry_the_vendor_message() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/promoteguest");
            then.status(400).body(fixture("error.json"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/user");
            then.status(500).body("<html>Internal Server Error</html>");
        })
        .await;
    let client = client_with(&server, |b| b.retry_policy(core_http::RetryPolicy::none()));
    let error = client
        .users()
        .promote_guest(EmailId::new(5))
        .await
        .unwrap_err();
    match &error {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(status.as_u16(), 400);
            assert_eq!(message, "error message");
        }
        other => panic!("expected Api, got {other:?}"),
    }
    let error = client.users().get(EmailId::new(5)).await.unwrap_err();
    match &error {
        Error::Api { status, body, .. } => {
            assert_eq!(status.as_u16(), 500);
            assert!(
                body.contains("Internal Server Error"),
                "raw body kept: {body}"
            );
        }
        other => panic!("expected Api, got {other:?}"),
    }
}

#[tokio::test]
async fn toggle_accepts_any_2xx_body() {
    let server = MockServer::start_async().await;
    let empty = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/togglesuspension")
                .body("email_id=1");
            then.status(200);
        })
        .await;
    let text = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/togglesuspension")
                .body("email_id=2");
            then.status(204);
        })
        .await;
    let html = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/togglesuspension")
                .body("email_id=3");
            then.status(200).body("OK, toggled");
        })
        .await;
    let client = client(&server);
    let ack = client
        .users()
        .toggle_suspension(EmailId::new(1))
        .await
        .unwrap();
    assert_eq!((ack.status, ack.message), (200, None));
    assert_eq!(
        client
            .users()
            .toggle_suspension(EmailId::new(2))
            .await
            .unwrap()
            .status,
        204
    );
    assert_eq!(
        client
            .users()
            .toggle_suspension(EmailId::new(3))
            .await
            .unwrap()
            .message,
        None
    );
    empty.assert_async().await;
    text.assert_async().await;
    html.assert_async().await;
}

#[tokio::test]
async fn form_encoding_is_the_default_with_json_text_arrays() {
    let server = MockServer::start_async().await;
    let usernames = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/modifyallusernames")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("email_id", "12")
                .form_urlencoded_tuple(
                    "computer_usernames",
                    r#"[{"computer_username":"jdeveloper"}]"#,
                );
            then.status(200)
                .body(r#"{"success":"Computer usernames updated"}"#);
        })
        .await;
    let cards = server
        .mock_async(|when, then| {
            // The reference's own example body, byte for byte.
            when.method(POST)
                .path("/modifysmartcard")
                .body("email_id=12&smartcards=%5B%7B%22number%22%3A%22123456%22%2C%22label%22%3A%22Badge%22%7D%5D&allow_duplicates=false");
            then.status(200).body(r#"{"success":"ok"}"#);
        })
        .await;
    let rank = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/modifyrank")
                .body("admin_user_id=7&rank=ADMIN");
            then.status(200).body(r#"{"success":"ok"}"#);
        })
        .await;
    let client = client(&server);
    let ack = client
        .users()
        .set_computer_usernames(EmailId::new(12), ["jdeveloper"])
        .await
        .unwrap();
    assert_eq!(ack.message.as_deref(), Some("Computer usernames updated"));
    client
        .users()
        .set_smart_cards(EmailId::new(12), [SmartCard::new("123456", Some("Badge"))])
        .allow_duplicates(false)
        .send()
        .await
        .unwrap();
    client
        .users()
        .set_rank(UserId::new(7), Rank::Admin)
        .await
        .unwrap();
    usernames.assert_async().await;
    cards.assert_async().await;
    rank.assert_async().await;
}

#[tokio::test]
async fn json_mode_sends_arrays_as_strings_or_native() {
    let server = MockServer::start_async().await;
    let as_string = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/modifysmartcard")
                .header("content-type", "application/json")
                .json_body(json!({"email_id": 12, "smartcards": "[{\"number\":\"1\"}]", "allow_duplicates": true}));
            then.status(200);
        })
        .await;
    let native = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/modifysmartcard")
                .json_body(json!({"email_id": 13, "smartcards": [{"number": "1"}]}));
            then.status(200);
        })
        .await;
    let strings = client_with(&server, |b| b.body_encoding(BodyEncoding::Json));
    strings
        .users()
        .set_smart_cards(EmailId::new(12), [SmartCard::new("1", None)])
        .allow_duplicates(true)
        .send()
        .await
        .unwrap();
    let natives = client_with(&server, |b| {
        b.body_encoding(BodyEncoding::Json)
            .array_encoding(ArrayEncoding::Native)
    });
    natives
        .users()
        .set_smart_cards(EmailId::new(13), [SmartCard::new("1", None)])
        .send()
        .await
        .unwrap();
    as_string.assert_async().await;
    native.assert_async().await;
}

#[tokio::test]
async fn get_parameters_stay_in_the_query_in_json_mode() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/user")
                .query_param("email_id", "9")
                .header_missing("content-type");
            then.status(200).body("{}");
        })
        .await;
    let client = client_with(&server, |b| b.body_encoding(BodyEncoding::Json));
    client.users().get(EmailId::new(9)).await.unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn every_auth_placement() {
    let server = MockServer::start_async().await;
    let raw = server
        .mock_async(|when, then| {
            when.path("/invites").header("authorization", KEY);
            then.status(200).body(fixture("invites.json"));
        })
        .await;
    let named = server
        .mock_async(|when, then| {
            when.path("/invites")
                .header("x-api-key", KEY)
                .header_missing("authorization");
            then.status(200).body("[]");
        })
        .await;
    let query = server
        .mock_async(|when, then| {
            when.path("/invites")
                .query_param("api_key", KEY)
                .header_missing("authorization");
            then.status(200).body("[]");
        })
        .await;
    let invites = client_with(&server, |b| {
        b.auth_placement(AuthPlacement::RawAuthorization)
    })
    .invites()
    .list()
    .await
    .unwrap();
    assert_eq!(invites[0].email, "new.hire@example.com");
    assert_eq!(
        invites[0].added_date.unwrap().to_string(),
        "2024-05-01 09:30:00"
    );
    client_with(&server, |b| {
        b.auth_placement(AuthPlacement::Header(http::HeaderName::from_static(
            "x-api-key",
        )))
    })
    .invites()
    .list()
    .await
    .unwrap();
    client_with(&server, |b| {
        b.auth_placement(AuthPlacement::Query("api_key".into()))
    })
    .invites()
    .list()
    .await
    .unwrap();
    raw.assert_async().await;
    named.assert_async().await;
    query.assert_async().await;
}

#[tokio::test]
async fn invites_put_by_default_post_when_configured() {
    let server = MockServer::start_async().await;
    let put = server
        .mock_async(|when, then| {
            when.method(PUT)
                .path("/invites")
                .form_urlencoded_tuple("emails", r#"["new.hire@example.com"]"#)
                .form_urlencoded_tuple("groups", r#"[{"id":3,"name":"Employees"}]"#)
                .form_urlencoded_tuple("no_email", "true");
            then.status(200).body(fixture("invite_result.json"));
        })
        .await;
    let post = server
        .mock_async(|when, then| {
            when.method(POST).path("/invites").body_includes("emails=");
            then.status(200).body(fixture("invite_result.json"));
        })
        .await;
    let resend = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/invites")
                .body("email=new.hire%40example.com");
            then.status(200).body(r#"{"success":"resent"}"#);
        })
        .await;
    let client = client(&server);
    let result = client
        .invites()
        .invite(["new.hire@example.com"])
        .groups(vec![InviteGroup {
            id: 3,
            name: "Employees".into(),
        }])
        .no_email(true)
        .send()
        .await
        .unwrap();
    assert_eq!(result.invited, vec!["new.hire@example.com"]);
    assert_eq!(result.send_email, Some(false));
    client_with(&server, |b| b.invite_method(http::Method::POST))
        .invites()
        .invite(["new.hire@example.com"])
        .send()
        .await
        .unwrap();
    client
        .invites()
        .resend("new.hire@example.com")
        .await
        .unwrap();
    put.assert_async().await;
    post.assert_async().await;
    resend.assert_async().await;
}

#[tokio::test]
async fn a_base_url_prefix_is_kept() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/api/multipleusers");
            then.status(200).body("[]");
        })
        .await;
    let client = Client::builder()
        .base_url(server.url("/api"))
        .api_key(SecretString::from(KEY))
        .build()
        .unwrap();
    assert!(client.users().list().send().await.unwrap().items.is_empty());
    mock.assert_async().await;
}

/// Bad input is refused with `InvalidInput` naming the field, and nothing is sent.
#[tokio::test]
async fn bad_input_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_when, then| {
            then.status(200).body("{}");
        })
        .await;
    let client = client(&server);
    let users = client.users();
    let id = EmailId::new(1);

    assert_eq!(
        invalid_field(users.find_by_email("not-an-email").await),
        "email"
    );
    assert_eq!(
        invalid_field(users.delete().email("joe@").send().await),
        "email"
    );
    assert_eq!(invalid_field(users.delete().send().await), "email_id");
    let owner = Rank::from("OWNER");
    assert_eq!(
        invalid_field(users.set_rank(UserId::new(7), owner).await),
        "rank"
    );
    let zero = UserId::new(0);
    assert_eq!(
        invalid_field(users.set_rank(zero, Rank::Admin).await),
        "admin_user_id"
    );
    let letters = [SmartCard::new("12a4", None)];
    let set = users.set_smart_cards(id, letters).send().await;
    assert_eq!(invalid_field(set), "smartcards.number");
    let empty = [SmartCard::new("", None)];
    let add = users.add_smart_cards(id, empty).send().await;
    assert_eq!(invalid_field(add), "smartcards.number");
    let remove = users.remove_smart_cards(id, ["x1"]).await;
    assert_eq!(invalid_field(remove), "numbers");
    let blank = users.set_computer_usernames(id, ["jdev", " "]).await;
    assert_eq!(invalid_field(blank), "computer_usernames");
    let none = users.add_computer_usernames(id, Vec::<String>::new()).await;
    assert_eq!(invalid_field(none), "computer_usernames");
    let zero = EmailId::new(0);
    assert_eq!(invalid_field(users.promote_guest(zero).await), "email_id");
    assert_eq!(invalid_field(users.get(zero).await), "email_id");
    let invites = client.invites();
    let nobody = invites.invite(Vec::<String>::new()).send().await;
    assert_eq!(invalid_field(nobody), "emails");
    let one_bad = invites.invite(["ok@example.com", "bad"]).send().await;
    assert_eq!(invalid_field(one_bad), "emails");
    assert_eq!(invalid_field(invites.resend("nope").await), "email");

    assert_eq!(any.calls_async().await, 0, "nothing may be sent");
}

/// A base URL with a query string, like a missing one, is a configuration error for
/// `base_url`. No client, so nothing is sent.
#[tokio::test]
async fn base_url_is_required_and_may_not_carry_a_query() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_when, then| {
            then.status(200).body("{}");
        })
        .await;
    let with_query = Client::builder()
        .base_url(format!("{}?tenant=1", server.base_url()))
        .api_key(SecretString::from(KEY))
        .build();
    assert!(
        matches!(&with_query, Err(Error::Config { field, .. }) if field == "base_url"),
        "{with_query:?}"
    );
    let missing = Client::builder().api_key(SecretString::from(KEY)).build();
    assert!(matches!(&missing, Err(Error::Config { field, .. }) if field == "base_url"));

    assert_eq!(any.calls_async().await, 0);
}

/// The field of an `InvalidInput` error; panics on anything else.
fn invalid_field<T: std::fmt::Debug>(result: Result<T, Error>) -> String {
    match result {
        Err(Error::InvalidInput { field, .. }) => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// The vendor's `/multipleusers` example (ad_status `ACTIVE`) served before and after a
/// toggle: the read-back did not move, so `suspend` stops after exactly one toggle.
#[tokio::test]
async fn suspend_stops_when_the_read_back_did_not_move() {
    let server = MockServer::start_async().await;
    let list = server
        .mock_async(|when, then| {
            when.method(GET).path("/multipleusers");
            then.status(200)
                .body(fixture("multipleusers_reference.json"));
        })
        .await;
    let toggle = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/togglesuspension")
                .body("email_id=12");
            then.status(200).body(r#"{"success":"toggled"}"#);
        })
        .await;
    let error = client(&server)
        .users()
        .suspend(EmailId::new(12))
        .await
        .unwrap_err();
    toggle.assert_calls_async(1).await;
    list.assert_calls_async(2).await;
    assert!(error.toggled());
    match &error {
        SuspensionError::NotMoved {
            email_id,
            expected,
            observed,
        } => {
            assert_eq!(*email_id, EmailId::new(12));
            assert_eq!(expected, &SuspensionState::Suspended);
            assert_eq!(observed, &SuspensionState::Active);
        }
        other => panic!("{other:?}"),
    }
    let text = error.to_string();
    assert!(
        text.contains("sent once") && text.contains("not toggling again"),
        "{text}"
    );
}

/// Without `ad_status` (or with the source set to "not reported") the state is unknown:
/// `suspend` refuses and sends no toggle.
#[tokio::test]
async fn suspend_refuses_when_the_state_is_unknown() {
    let mut record: serde_json::Value =
        serde_json::from_str(&fixture("multipleusers_reference.json")).unwrap();
    record[0].as_object_mut().unwrap().remove("ad_status");
    let cases = [
        (
            record.to_string(),
            SuspensionSource::AdStatus,
            "no ad_status",
        ),
        (
            fixture("multipleusers_reference.json"),
            SuspensionSource::NotReported,
            "does not report suspension",
        ),
    ];
    for (body, source, reason_part) in cases {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(GET).path("/multipleusers");
                then.status(200).body(body);
            })
            .await;
        let toggle = server
            .mock_async(|when, then| {
                when.path("/togglesuspension");
                then.status(200);
            })
            .await;
        let client = client_with(&server, |b| b.suspension_source(source.clone()));
        let state = client
            .users()
            .suspension_state(EmailId::new(12))
            .await
            .unwrap();
        assert!(
            matches!(&state, SuspensionState::Unknown { reason } if reason.contains(reason_part)),
            "{source:?}: {state:?}"
        );
        for result in [
            client.users().suspend(EmailId::new(12)).await,
            client.users().unsuspend(EmailId::new(12)).await,
        ] {
            let error = result.unwrap_err();
            assert!(
                matches!(&error, SuspensionError::StateUnknown { email_id, reason }
                    if *email_id == EmailId::new(12) && reason.contains(reason_part)),
                "{error:?}"
            );
            assert!(!error.toggled());
            assert!(error.to_string().contains("nothing was toggled"), "{error}");
        }
        toggle.assert_calls_async(0).await;
    }
}

/// A portal reporting suspension in another field: the configured field is read, and
/// `ad_status` is ignored.
#[tokio::test]
async fn suspension_read_from_a_configured_field() {
    let mut record: serde_json::Value =
        serde_json::from_str(&fixture("multipleusers_reference.json")).unwrap();
    record[0]["suspension"] = json!("suspended");
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path("/multipleusers");
            then.status(200).body(record.to_string());
        })
        .await;
    let toggle = server
        .mock_async(|when, then| {
            when.path("/togglesuspension");
            then.status(200);
        })
        .await;
    let client = client_with(&server, |b| {
        b.suspension_source(SuspensionSource::Field("suspension".into()))
    });
    let users = client.users().list().send().await.unwrap().items;
    assert_eq!(
        client.suspension_state(&users[0]),
        SuspensionState::Suspended
    );
    assert!(!users[0].is_suspended(), "ad_status still says ACTIVE");
    assert_eq!(
        client.users().suspend(EmailId::new(12)).await.unwrap(),
        allthenticate_client::SuspensionChange::AlreadySo
    );
    toggle.assert_calls_async(0).await;
    let other = client_with(&server, |b| {
        b.suspension_source(SuspensionSource::Field("state".into()))
    });
    assert!(matches!(
        other.suspension_state(&users[0]),
        SuspensionState::Unknown { reason } if reason.contains("`state`")
    ));
    assert!(matches!(
        Client::builder()
            .base_url(server.base_url())
            .api_key(SecretString::from(KEY))
            .suspension_source(SuspensionSource::Field(" ".into()))
            .build(),
        Err(Error::Config { field, .. }) if field == "suspension_source"
    ));
}

core_http::transport_option_tests! {
    builder: |base_url| Client::builder().base_url(base_url).api_key(SecretString::from(KEY)),
    call: |client| client.users().list().send().await,
    path: "/multipleusers",
    body: fixture("multipleusers_reference.json"),
}
