//! A canary token never appears in `Debug` of the builder, client or errors, nor in
//! TRACE-level logs.

use core_http::test_util::{TraceCapture, assert_no_secret};

use portal_sandbox::threatlocker::ThreatLockerSim;
use threatlocker_client::Client;

const CANARY: &str = "canary-5e1d0c9b7a";

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert_no_secret(what, text, &[CANARY]);
}

#[tokio::test]
async fn the_canary_never_leaks() {
    let logs = TraceCapture::start();

    let portal = ThreatLockerSim::builder().seed(10).build();
    let sandbox = portal.serve().await.unwrap();
    let builder = Client::builder().base_url(sandbox.base_url()).token(CANARY);
    assert_clean("builder Debug", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("client Debug", &format!("{client:?}"));
    assert_clean(
        "scoped client Debug",
        &format!("{:?}", client.organization(portal.parent_id())),
    );

    // The sandbox rejects the canary (440): the error must not quote it.
    let error = client.users().timezones().await.unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 440);
    assert_clean("error", &format!("{error} {error:?}"));
    let error = client
        .users()
        .invite("jane@example.com")
        .role(
            portal.parent_id(),
            portal.roles_of(portal.parent_id())[0].id,
        )
        .send()
        .await
        .unwrap_err();
    assert_clean("invite error", &format!("{error} {error:?}"));

    // Build-time rejections of a bad token do not quote it either.
    for bad in [
        format!("{CANARY} x"),
        format!(" {CANARY}"),
        format!("{CANARY}\n"),
    ] {
        let error = Client::builder()
            .instance("g")
            .token(bad)
            .build()
            .unwrap_err();
        assert_clean("config error", &format!("{error} {error:?}"));
    }

    // The token was really sent (so the check above means something).
    let sent = sandbox.journal().entries();
    assert!(
        sent.iter()
            .any(|entry| entry.header("authorization") == Some(CANARY))
    );
    assert_clean("journal Debug", &format!("{sent:?}"));

    let text = logs.text();
    assert!(
        text.contains("user.timezones"),
        "logs were captured: {text}"
    );
    assert_clean("logs", &text);
}
