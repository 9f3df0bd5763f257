//! A canary API key never shows up in `Debug`, `Display` or TRACE-level logs, in any auth
//! placement, across successful and failed requests.

use core_http::test_util::{TraceCapture, assert_no_secret};
use std::fmt::Write as _;

use allthenticate_client::{AuthPlacement, Client, EmailId, SecretString};
use portal_sandbox::allthenticate::AllthenticateSim;

use crate::support;

const CANARY: &str = "canary-5e1f0a77";

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert_no_secret(what, text, &[CANARY]);
}

#[tokio::test]
async fn the_canary_never_leaks() {
    let logs = TraceCapture::start();

    let sim = AllthenticateSim::builder().seed(1).api_key(CANARY).build();
    let sandbox = sim.serve().await.unwrap();
    let mut texts = Vec::new();
    for placement in [
        AuthPlacement::Bearer,
        AuthPlacement::RawAuthorization,
        AuthPlacement::Header(http::HeaderName::from_static("x-api-key")),
        AuthPlacement::Query("api_key".into()),
    ] {
        let builder = support::client_builder(&sandbox, CANARY).auth_placement(placement.clone());
        texts.push(format!("{builder:?} {builder:#?}"));
        let client = builder.build().unwrap();
        texts.push(format!("{client:?} {client:#?}"));
        let users = client.users().list().send().await.unwrap().items;
        assert!(
            !users.is_empty(),
            "{placement:?}: the key was really accepted"
        );
        texts.push(format!("{users:?}"));
        let error = client.users().get(EmailId::new(1)).await.unwrap_err();
        texts.push(format!("{error} {error:?}"));
        let ack = client
            .users()
            .set_computer_usernames(users[0].email_id, ["x"])
            .await
            .unwrap();
        texts.push(format!("{ack:?}"));
    }
    // A refused connection with the key in the query string: the URL must not surface.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let offline = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(SecretString::from(CANARY))
        .auth_placement(AuthPlacement::Query("api_key".into()))
        .retry_policy(core_http::RetryPolicy::none())
        .build()
        .unwrap();
    let error = offline.invites().list().await.unwrap_err();
    let mut chain = format!("{error} {error:?}");
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        write!(chain, " {cause} {cause:?}").unwrap();
        source = cause.source();
    }
    texts.push(chain);
    // The journal's Debug redacts too.
    texts.push(format!("{:?}", sandbox.journal().entries()));

    for text in &texts {
        assert_clean("Debug/Display output", text);
    }
    let logs = logs.text();
    assert!(logs.contains("portal.request"), "spans were captured");
    assert_clean("the TRACE logs", &logs);
    // The key did travel: the journal holds it exactly as received.
    let entries = sandbox.journal().entries();
    assert!(
        entries
            .iter()
            .any(|e| e.query.as_deref().is_some_and(|q| q.contains(CANARY)))
    );
    assert!(
        entries
            .iter()
            .any(|e| e.header("x-api-key") == Some(CANARY))
    );
}
