//! A canary credential never shows up in `Debug` output, errors or TRACE-level logs.

use core_http::test_util::{TraceCapture, assert_no_secret};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use core_http::clock::ManualClock;
use logicmonitor_client::{AdminId, Client, NewUser, RoleId, TokenKind};
use portal_sandbox::logicmonitor::LogicMonitorSim;
use secrecy::SecretString;

use crate::support;

const KEY: &str = "canary-key-5d1e77";
const BEARER: &str = "lmb_canary-bearer-9b2c";
const PASSWORD: &str = "Canary!Pass9";

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert_no_secret(what, text, &[KEY, BEARER, PASSWORD, "canary"]);
}

#[tokio::test]
async fn credentials_stay_out_of_debug_errors_and_trace_logs() {
    let captured = TraceCapture::start();

    let now = UNIX_EPOCH + Duration::from_secs(1_767_225_600);
    let lm = LogicMonitorSim::builder()
        .users(5)
        .now(now)
        .lmv1_credentials("lmAccessIdForCanary1", KEY)
        .bearer_token(BEARER)
        .build();
    let sandbox = lm.serve().await.unwrap();
    let builder = support::lmv1_builder(
        &sandbox,
        "lmAccessIdForCanary1",
        KEY,
        Arc::new(ManualClock::new(now)),
    );
    assert_clean("the builder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("the client", &format!("{client:?}"));
    assert_clean("the sandbox handle", &format!("{lm:?}"));

    // Success, a 404, a 409 and an invalid input, with a password in play.
    client.roles().list().send().await.unwrap();
    let missing = client.users().get(AdminId(9_999)).send().await.unwrap_err();
    let user = NewUser::new("watched.user")
        .email("c@example.com")
        .password(SecretString::from(PASSWORD))
        .role(RoleId(2));
    assert_clean("a new user", &format!("{user:?}"));
    let created = client.users().create(user.clone()).await.unwrap();
    let duplicate = client.users().create(user).await.unwrap_err();
    let weak = client
        .users()
        .update(created.id)
        .password(SecretString::from("canary"))
        .send()
        .await
        .unwrap_err();
    for error in [&missing, &duplicate, &weak] {
        assert_clean("an error", &format!("{error} {error:?}"));
    }

    // A new token's key is shown once, but never in Debug.
    let token = client
        .api_tokens(AdminId(1))
        .create(TokenKind::Bearer, None)
        .await
        .unwrap();
    assert!(!format!("{token:?}").contains("lmb_"), "{token:?}");

    let bearer = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .bearer(SecretString::from(BEARER))
        .build()
        .unwrap();
    assert_clean("a bearer client", &format!("{bearer:?}"));
    bearer.roles().list().send().await.unwrap();
    let bad = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .bearer(SecretString::from("lmb_canary-wrong"))
        .build()
        .unwrap();
    let denied = bad.roles().list().send().await.unwrap_err();
    assert_clean("a 401", &format!("{denied} {denied:?}"));

    let logs = captured.text();
    assert!(
        logs.contains("portal.request"),
        "tracing was captured: {logs}"
    );
    assert_clean("TRACE logs", &logs);
}
