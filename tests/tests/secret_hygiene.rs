//! Secret hygiene across every client: canary credentials and passwords never show up in
//! TRACE-level tracing output, `Debug` of builders and clients, error `Display`/`Debug`,
//! or panic messages; and they do travel where they must (the sandbox journal shows each
//! credential in its header or query parameter, and each password in its create body), so
//! the test can not pass by sending nothing.
//!
//! LogicMonitor's access key is the exception that proves the rule: it signs requests but
//! never travels, so it must appear nowhere, the journal included.
//!
//! The subscriber is installed for this thread (`set_default`) on a current-thread
//! runtime, so it sees the clients, core-http and the sandbox. Events reqwest and hyper
//! emit through the `log` crate are not bridged and so not captured; neither crate logs
//! header values. The CLI's share of this suite lives with the CLI tests.

#![allow(clippy::too_many_lines)]

use core_http::test_util::TraceCapture;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use core_http::clock::ManualClock;
use core_http::{Error, HeaderName, SecretString};
use http::Method;
use portal_sandbox::Fault;

const AT_KEY: &str = "canary-allthenticate-key-41c9";
const WHALY_KEY: &str = "sk:canary-whaly-key-8d2e";
const WHALY_PASSWORD: &str = "Canary!WhalyPass7";
const LM_ACCESS_ID: &str = "lmCanaryAccessId01";
const LM_KEY: &str = "canary-lm-access-key-5e0b";
const LM_BEARER: &str = "lmb_canary-lm-bearer-77aa";
const LM_PASSWORD: &str = "Canary!LmPass9x";

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// Collects everything shown to a user, then checks it once for every canary.
#[derive(Default)]
struct Shown(Vec<(String, String)>);

impl Shown {
    fn add(&mut self, what: impl Into<String>, text: impl Into<String>) {
        self.0.push((what.into(), text.into()));
    }

    fn error(&mut self, what: &str, error: &Error) {
        self.add(what, format!("{error} / {error:?}"));
    }

    /// `Display` and `Debug` of a result's error; `Debug` of an `Ok` value too.
    fn result<T: std::fmt::Debug>(&mut self, what: &str, result: &Result<T, Error>) {
        match result {
            Ok(value) => self.add(what, format!("{value:?}")),
            Err(error) => self.error(what, error),
        }
    }

    /// The message of a panic raised by `f`.
    fn panic(&mut self, what: &str, f: impl FnOnce()) {
        let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
        let message = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default();
        assert!(!message.is_empty(), "{what}: no panic message");
        self.add(what, message);
    }

    fn assert_clean(&self, canaries: &[&str]) {
        let mut leaks = Vec::new();
        for (what, text) in &self.0 {
            for canary in canaries {
                if text.contains(canary) {
                    leaks.push(format!("{canary} in {what}: {text}"));
                }
            }
        }
        assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
    }
}

#[tokio::test]
async fn canaries_never_leak_but_do_travel() {
    let captured = TraceCapture::start();
    let mut shown = Shown::default();

    let tl_token = threatlocker(&mut shown).await;
    allthenticate(&mut shown).await;
    whaly(&mut shown).await;
    lm(&mut shown).await;

    let logs = captured.text();
    assert!(
        logs.contains("retrying"),
        "TRACE output was captured: {logs}"
    );
    assert!(logs.contains("portal.request"), "spans were captured");
    shown.add("tracing output", logs);
    shown.assert_clean(&[
        &tl_token,
        AT_KEY,
        WHALY_KEY,
        WHALY_PASSWORD,
        LM_KEY,
        LM_BEARER,
        LM_PASSWORD,
        "canary",
        "Canary",
    ]);
}

/// Runs ThreatLocker calls; returns the (sandbox-issued) token, the canary here.
async fn threatlocker(shown: &mut Shown) -> String {
    use portal_sandbox::threatlocker::ThreatLockerSim;
    use threatlocker_client::Client;

    let portal = ThreatLockerSim::builder().seed(21).children(2).build();
    let sandbox = portal.serve().await.unwrap();
    let token = portal.token();
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .token(token.clone())
        .clock(Arc::new(ManualClock::new(now())));
    shown.add("threatlocker builder", format!("{builder:?}"));
    let client = builder.build().unwrap();
    shown.add("threatlocker client", format!("{client:?}"));
    sandbox.faults().inject(
        Fault::status(503)
            .on_path("/portalapi/User/UserGetAllTimezones")
            .times(1),
    );
    let zones = client.users().timezones().await;
    assert!(zones.is_ok());
    let child = portal.child_ids()[0];
    let role = portal.roles_of(child)[0].id;
    let invited = client
        .organization(child)
        .users()
        .invite("jo.invitee@example.com")
        .role(child, role)
        .send()
        .await;
    shown.result("threatlocker invite", &invited);
    // A role of another organization: refused before sending, naming the field.
    let refused = client
        .organization(child)
        .users()
        .invite("x@example.com")
        .role(portal.child_ids()[1], role)
        .send()
        .await;
    shown.result("threatlocker refused invite", &refused);
    let revoked = Client::builder()
        .base_url(sandbox.base_url())
        .token(format!("{token}0"))
        .build()
        .unwrap();
    let unauthorized = revoked.users().timezones().await;
    assert!(unauthorized.is_err());
    shown.result("threatlocker 440", &unauthorized);
    let bad = Client::builder()
        .base_url(sandbox.base_url())
        .token("canary token")
        .build();
    shown.result("threatlocker config error", &bad.map(|_| ()));
    shown.panic("threatlocker debug panic", || panic!("{client:?}"));
    shown.panic("threatlocker unwrap panic", || {
        unauthorized.unwrap();
    });

    // The token travelled, raw, on every request.
    let journal = sandbox.journal().entries();
    assert!(journal.iter().all(|e| e.header("authorization").is_some()));
    assert!(
        journal
            .iter()
            .any(|e| e.header("authorization") == Some(token.as_str()))
    );
    shown.add("threatlocker journal debug", format!("{journal:?}"));
    token
}

async fn allthenticate(shown: &mut Shown) {
    use allthenticate_client::{AuthPlacement, Client, EmailId};
    use portal_sandbox::allthenticate::AllthenticateSim;

    let sim = AllthenticateSim::builder()
        .seed(22)
        .users(3)
        .api_key(AT_KEY)
        .build();
    let sandbox = sim.serve().await.unwrap();
    let placements = [
        AuthPlacement::Bearer,
        AuthPlacement::RawAuthorization,
        AuthPlacement::Header(HeaderName::from_static("x-api-key")),
        AuthPlacement::Query("api_key".to_owned()),
    ];
    for placement in placements {
        let label = format!("allthenticate {placement:?}");
        let builder = Client::builder()
            .base_url(sandbox.base_url())
            .api_key(SecretString::from(AT_KEY))
            .auth_placement(placement.clone())
            .clock(Arc::new(ManualClock::new(now())));
        shown.add(format!("{label} builder"), format!("{builder:?}"));
        let client = builder.build().unwrap();
        shown.add(format!("{label} client"), format!("{client:?}"));
        sandbox.journal().clear();
        sandbox
            .faults()
            .inject(Fault::status(502).on_path("/multipleusers").times(1));
        let users = client.users().list().send().await.unwrap().items;
        shown.result(
            &format!("{label} missing user"),
            &client.users().get(EmailId::new(999_999)).await,
        );
        sandbox
            .faults()
            .inject(Fault::drop_connection().on_path("/user").times(4));
        let lost = client.users().get(users[0].email_id).await;
        assert!(matches!(lost, Err(Error::Transport { .. })), "{lost:?}");
        shown.result(&format!("{label} lost connection"), &lost);
        let invited = client
            .invites()
            .invite(["new.person@example.com"])
            .send()
            .await;
        shown.result(&format!("{label} invite"), &invited);
        shown.panic(&format!("{label} panic"), || panic!("{client:?} {lost:?}"));

        // The key travelled where the placement says.
        let entry = sandbox.journal().entries()[0].clone();
        let travelled = match &placement {
            AuthPlacement::Bearer => {
                entry.header("authorization") == Some(&format!("Bearer {AT_KEY}"))
            }
            AuthPlacement::RawAuthorization => entry.header("authorization") == Some(AT_KEY),
            AuthPlacement::Header(name) => entry.header(name.as_str()) == Some(AT_KEY),
            AuthPlacement::Query(name) => entry
                .query
                .as_deref()
                .is_some_and(|q| q.contains(&format!("{name}={AT_KEY}"))),
            _ => false,
        };
        assert!(travelled, "{label}: the key did not travel");
        shown.add(format!("{label} journal debug"), format!("{entry:?}"));
    }
    let bad = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(SecretString::from("  "))
        .build();
    shown.result("allthenticate config error", &bad.map(|_| ()));
}

async fn whaly(shown: &mut Shown) {
    use partner_portal_client::{Client, NewUser};
    use portal_sandbox::partner_portal::PartnerPortalSim;

    let sim = PartnerPortalSim::builder()
        .seed(23)
        .users(3)
        .api_key(WHALY_KEY)
        .build();
    let sandbox = sim.serve().await.unwrap();
    let builder = Client::builder()
        .base_url(sandbox.base_url())
        .api_key(SecretString::from(WHALY_KEY))
        .clock(Arc::new(ManualClock::new(now())));
    shown.add("whaly builder", format!("{builder:?}"));
    let client = builder.build().unwrap();
    shown.add("whaly client", format!("{client:?}"));
    let portal = client.portal(sim.portal_id());
    let role = sim.roles()[0].id.clone();
    let user = NewUser::new("Casey", "Person", "c.person@acme-partner.example")
        .role(role.clone())
        .password(SecretString::from(WHALY_PASSWORD));
    shown.add("whaly new user", format!("{user:?}"));
    let users_path = format!("/v1/partner-portals/{}/users", sim.portal_id());
    sandbox.faults().inject(
        Fault::status(429)
            .retry_after(1)
            .on_path(&users_path)
            .times(1),
    );
    let created = portal.create_user(&user).await;
    shown.result("whaly create", &created);
    let duplicate = portal.create_user(&user).await;
    assert!(duplicate.is_err());
    shown.result("whaly duplicate", &duplicate);
    let bad_input = portal
        .create_user(
            &NewUser::new("A", "B", "not-an-email")
                .role(role)
                .password(SecretString::from(WHALY_PASSWORD)),
        )
        .await;
    assert!(matches!(bad_input, Err(Error::InvalidInput { .. })));
    shown.result("whaly bad input", &bad_input);
    shown.result("whaly missing", &portal.get_user("nobody").await);
    shown.panic("whaly panic", || {
        panic!("{client:?} {user:?} {duplicate:?}")
    });

    let posts = sandbox.journal().matching(&Method::POST, &users_path);
    assert!(
        posts
            .iter()
            .all(|e| e.header("authorization") == Some(&format!("Bearer {WHALY_KEY}")))
    );
    assert!(
        posts
            .iter()
            .any(|e| e.body_text().is_some_and(|b| b.contains(WHALY_PASSWORD))),
        "the password travelled in the create body"
    );
    shown.add("whaly journal debug", format!("{posts:?}"));
}

async fn lm(shown: &mut Shown) {
    use logicmonitor_client::{AdminId, Client, NewUser, RoleId};
    use portal_sandbox::logicmonitor::LogicMonitorSim;

    let lm = LogicMonitorSim::builder()
        .users(4)
        .now(now())
        .lmv1_credentials(LM_ACCESS_ID, LM_KEY)
        .bearer_token(LM_BEARER)
        .build();
    let sandbox = lm.serve().await.unwrap();
    let builder = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .lmv1(LM_ACCESS_ID, SecretString::from(LM_KEY))
        .clock(Arc::new(ManualClock::new(now())));
    shown.add("lm builder", format!("{builder:?}"));
    let client = builder.build().unwrap();
    shown.add("lm client", format!("{client:?}"));
    let user = NewUser::new("watched.user")
        .email("c.user@example.com")
        .password(SecretString::from(LM_PASSWORD))
        .role(RoleId(2));
    shown.add("lm new user", format!("{user:?}"));
    sandbox.faults().inject(
        Fault::status(429)
            .on_path("/santaba/rest/setting/admins")
            .times(1),
    );
    let created = client.users().create(user.clone()).await;
    shown.result("lm create", &created);
    let duplicate = client.users().create(user).await;
    assert!(duplicate.is_err());
    shown.result("lm duplicate", &duplicate);
    let weak = client
        .users()
        .update(AdminId(2))
        .password(SecretString::from("Canary"))
        .send()
        .await;
    shown.result("lm weak password", &weak);
    shown.result(
        "lm missing",
        &client.users().get(AdminId(9_999)).send().await,
    );
    let bearer = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .bearer(SecretString::from(LM_BEARER))
        .build()
        .unwrap();
    shown.add("lm bearer client", format!("{bearer:?}"));
    shown.result(
        "lm bearer roles",
        &bearer.roles().list().send().await.map(|_| ()),
    );
    let wrong = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .lmv1(LM_ACCESS_ID, SecretString::from("canary-wrong-key"))
        .build()
        .unwrap();
    let unauthorized = wrong.roles().list().send().await;
    assert!(unauthorized.is_err());
    shown.result("lm 401", &unauthorized.map(|_| ()));
    shown.panic("lm panic", || panic!("{client:?} {bearer:?} {duplicate:?}"));

    let journal = sandbox.journal().entries();
    for entry in &journal {
        let auth = entry.header("authorization").unwrap_or_default();
        assert!(
            auth.starts_with("LMv1 ") || auth == format!("Bearer {LM_BEARER}"),
            "{auth}"
        );
        // The access key signs but never travels, not even in the journal.
        assert!(!format!("{:?}{:?}", entry.headers, entry.body).contains(LM_KEY));
    }
    assert!(journal.iter().any(|e| {
        e.header("authorization")
            .is_some_and(|a| a.starts_with(&format!("LMv1 {LM_ACCESS_ID}:")))
    }));
    assert!(
        journal
            .iter()
            .any(|e| e.method == Method::POST
                && e.body_text().is_some_and(|b| b.contains(LM_PASSWORD))),
        "the password travelled in the create body"
    );
    shown.add("lm journal debug", format!("{journal:?}"));
}
