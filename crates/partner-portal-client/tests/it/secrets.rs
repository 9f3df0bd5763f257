//! Canary secrets (the API key and a user's password) never appear in `Debug`,
//! `Display` or TRACE-level logs, across successful, retried and failed requests.

use core_http::test_util::{TraceCapture, assert_no_secret};

use core_http::clock::ManualClock;
use core_http::{Clock, Method};
use futures_util::TryStreamExt;
use partner_portal_client::{NewUser, SecretString};
use portal_sandbox::Fault;
use portal_sandbox::partner_portal::PartnerPortalSim;

use crate::support;

const KEY: &str = "sk:canary-5f1e2d";
const KEY_WITHOUT_PREFIX: &str = "canary-nosk-77aa";
const PASSWORD: &str = "canary-pw-91c4";

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert_no_secret(
        what,
        text,
        &["canary-5f1e2d", "canary-nosk-77aa", "canary-pw-91c4"],
    );
}

#[tokio::test(flavor = "current_thread")]
async fn canaries_stay_out_of_debug_errors_and_trace_logs() {
    let captured = TraceCapture::start();

    let clock = ManualClock::new(support::start_time());
    let sim_clock = clock.clone();
    let sim = PartnerPortalSim::builder()
        .seed(1)
        .users(3)
        .api_key(KEY)
        .time_source(move || sim_clock.now())
        .build();
    let sandbox = sim.serve().await.unwrap();
    let builder = support::client_builder(&sandbox, KEY, &clock);
    assert_clean("the builder's Debug", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("the client's Debug", &format!("{client:?}"));
    let portal = client.portal(sim.portal_id());
    assert_clean("the portal handle's Debug", &format!("{portal:?}"));

    // Success, with the password sent on the wire.
    let new = NewUser::new("Ada", "Moreau", "ada@acme.example")
        .role_named("Viewer")
        .password(SecretString::from(PASSWORD));
    assert_clean("NewUser's Debug", &format!("{new:?}"));
    let created = portal.create_user(&new).await.unwrap();
    assert_clean("the created user", &format!("{created:?}"));
    let posted = sandbox.journal().matching(
        &Method::POST,
        &format!("/v1/partner-portals/{}/users", sim.portal_id()),
    );
    assert!(
        posted[0].body_text().unwrap().contains(PASSWORD),
        "the password was sent"
    );
    assert_eq!(
        posted[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );

    // A retried 503, then a failed create (duplicate) and its error.
    sandbox.faults().inject(
        Fault::status(503)
            .retry_after(1)
            .on_method(Method::GET)
            .times(1),
    );
    let users: Vec<_> = portal.list_users().stream().try_collect().await.unwrap();
    assert_eq!(users.len(), 4);
    let error = portal.create_user(&new).await.unwrap_err();
    assert_clean("an API error", &format!("{error} {error:?}"));

    // A key without the `sk:` prefix is used, with a warning that does not show it.
    let odd = support::client_builder(&sandbox, KEY_WITHOUT_PREFIX, &clock)
        .build()
        .unwrap();
    let error = odd.roles().list().send().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_clean("a 401 error", &format!("{error} {error:?}"));
    assert_eq!(
        sandbox.journal().last().unwrap().header("authorization"),
        Some(format!("Bearer {KEY_WITHOUT_PREFIX}").as_str())
    );

    let logs = captured.text();
    assert!(
        logs.contains("WARN") && logs.contains("does not start with `sk:`"),
        "{logs}"
    );
    assert!(
        logs.contains("portal_users.create"),
        "the spans were captured: {logs}"
    );
    assert!(logs.contains("retrying"), "the retry was logged: {logs}");
    assert_clean("TRACE logs", &logs);
}
