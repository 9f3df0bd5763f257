//! The Allthenticate simulator, spoken to in raw HTTP/1.1: parameter sources, spellings,
//! auth modes and the switchable inferences.

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::{
    AllthenticateSim, AuthMode, DEFAULT_NOW_UNIX, SuspensionReport,
};
use serde_json::Value;
use std::fmt::Write as _;
use std::time::{Duration, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

async fn send(
    sandbox: &Sandbox,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        write!(request, "{name}: {value}\r\n").unwrap();
    }
    request.push_str("\r\n");
    request.push_str(body);
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = String::new();
    let _ = stream.read_to_string(&mut received).await;
    let (head, body) = received.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Reply {
        status,
        body: body.to_owned(),
    }
}

async fn start(sim: &AllthenticateSim) -> Sandbox {
    sim.serve().await.unwrap()
}

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
const JSON: (&str, &str) = ("Content-Type", "application/json");

#[tokio::test]
async fn the_key_goes_anywhere_by_default_and_errors_are_json() {
    let sim = AllthenticateSim::builder().seed(4).build();
    let sandbox = start(&sim).await;
    let key = sim.api_key().to_owned();
    let bearer = format!("Bearer {key}");
    for headers in [
        vec![("Authorization", bearer.as_str())],
        vec![("Authorization", key.as_str())],
        vec![("X-Api-Token", key.as_str())],
    ] {
        assert_eq!(
            send(&sandbox, "GET", "/invites", &headers, "").await.status,
            200
        );
    }
    let query = send(&sandbox, "GET", &format!("/invites?token={key}"), &[], "").await;
    assert_eq!(query.status, 200);
    let missing = send(&sandbox, "GET", "/invites", &[], "").await;
    assert_eq!(missing.status, 401);
    assert!(missing.json()["error"].is_string());
    let wrong = send(
        &sandbox,
        "GET",
        "/invites",
        &[("Authorization", "Bearer nope")],
        "",
    )
    .await;
    assert_eq!(wrong.status, 401);
    let method = send(
        &sandbox,
        "PATCH",
        "/user",
        &[("Authorization", bearer.as_str())],
        "",
    )
    .await;
    assert_eq!(method.status, 405);
    assert!(method.json()["error"].is_string());
}

#[tokio::test]
async fn strict_query_mode_accepts_only_that_parameter() {
    let sim = AllthenticateSim::builder()
        .auth_mode(AuthMode::Query("api_key".into()))
        .build();
    let sandbox = start(&sim).await;
    let key = sim.api_key().to_owned();
    let bearer = format!("Bearer {key}");
    assert_eq!(
        send(
            &sandbox,
            "GET",
            "/invites",
            &[("Authorization", bearer.as_str())],
            ""
        )
        .await
        .status,
        401
    );
    assert_eq!(
        send(&sandbox, "GET", &format!("/invites?other={key}"), &[], "")
            .await
            .status,
        401
    );
    assert_eq!(
        send(&sandbox, "GET", &format!("/invites?api_key={key}"), &[], "")
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn parameters_from_query_form_or_json() {
    let sim = AllthenticateSim::builder().seed(9).build();
    let sandbox = start(&sim).await;
    let auth = format!("Bearer {}", sim.api_key());
    let member = sim.members().into_iter().find(|m| m.tag == "USER").unwrap();
    let id = member.email_id;

    // POST parameters in the query string.
    let target = format!(
        "/modifyallusernames?email_id={id}&computer_usernames=%5B%7B%22computer_username%22%3A%22q1%22%7D%5D"
    );
    let reply = send(&sandbox, "POST", &target, &[("Authorization", &auth)], "").await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(sim.member(id).unwrap().computer_usernames, ["q1"]);
    // Form body with JSON text.
    let body =
        format!("email_id={id}&computer_usernames=%5B%7B%22computer_username%22%3A%22f1%22%7D%5D");
    let reply = send(
        &sandbox,
        "POST",
        "/modifyallusernames",
        &[("Authorization", &auth), FORM],
        &body,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(sim.member(id).unwrap().computer_usernames, ["f1"]);
    // JSON body, id as a string, native array.
    let body = format!(
        r#"{{"email_id":"{id}","computer_usernames":[{{"computer_username":"j1"}},{{"computer_username":"j2"}}]}}"#
    );
    let reply = send(
        &sandbox,
        "POST",
        "/modifyallusernames",
        &[("Authorization", &auth), JSON],
        &body,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(sim.member(id).unwrap().computer_usernames, ["j1", "j2"]);
    // Empty names and broken JSON are 400 {"error"}.
    for body in [
        format!(r#"{{"email_id":{id},"computer_usernames":[{{"computer_username":""}}]}}"#),
        format!(r#"{{"email_id":{id},"computer_usernames":"[oops"}}"#),
        "{not json".to_owned(),
    ] {
        let reply = send(
            &sandbox,
            "POST",
            "/modifyallusernames",
            &[("Authorization", &auth), JSON],
            &body,
        )
        .await;
        assert_eq!(reply.status, 400, "{body}");
        assert!(reply.json()["error"].is_string());
    }
    assert_eq!(
        sim.member(id).unwrap().computer_usernames,
        ["j1", "j2"],
        "failed writes change nothing"
    );

    // Booleans in every documented spelling.
    for (spelling, with_email) in [
        ("true", true),
        ("TRUE", true),
        ("1", true),
        ("yes", true),
        ("No", false),
        ("0", false),
        ("false", false),
    ] {
        let reply = send(
            &sandbox,
            "GET",
            &format!("/multipleusers?email={spelling}"),
            &[("Authorization", &auth)],
            "",
        )
        .await;
        let name = reply.json()[0]["name"].as_str().unwrap().to_owned();
        assert_eq!(name.contains('@'), with_email, "{spelling}");
    }
    let reply = send(
        &sandbox,
        "GET",
        "/multipleusers?user_tag=ADMINS",
        &[("Authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn switchable_inferences() {
    let sim = AllthenticateSim::builder()
        .seed(2)
        .promote_accepts_user_id(true)
        .suspension_report(SuspensionReport::AdStatusAlwaysActive)
        .build();
    let sandbox = start(&sim).await;
    let auth = format!("Bearer {}", sim.api_key());
    let guest = sim
        .members()
        .into_iter()
        .find(|m| m.tag == "GUEST")
        .unwrap();
    let body = format!("email_id={}", guest.user_id);
    let reply = send(
        &sandbox,
        "POST",
        "/promoteguest",
        &[("Authorization", &auth), FORM],
        &body,
    )
    .await;
    assert_eq!(reply.status, 200, "user_id fallback: {}", reply.body);
    assert_eq!(sim.member(guest.email_id).unwrap().tag, "USER");

    let member = sim
        .members()
        .into_iter()
        .find(|m| m.email_status == "CONFIRMED")
        .unwrap();
    let body = format!("email_id={}", member.email_id);
    assert_eq!(
        send(
            &sandbox,
            "POST",
            "/togglesuspension",
            &[("Authorization", &auth), FORM],
            &body
        )
        .await
        .status,
        200
    );
    assert!(sim.member(member.email_id).unwrap().suspended);
    let listed = send(
        &sandbox,
        "GET",
        "/multipleusers",
        &[("Authorization", &auth)],
        "",
    )
    .await
    .json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email_id"] == member.email_id)
        .unwrap()
        .clone();
    assert_eq!(row["ad_status"], "ACTIVE", "hidden when the switch is off");

    let strict = AllthenticateSim::builder().seed(2).build();
    let sandbox = start(&strict).await;
    let auth = format!("Bearer {}", strict.api_key());
    let body = format!("email_id={}", guest.user_id);
    let reply = send(
        &sandbox,
        "POST",
        "/promoteguest",
        &[("Authorization", &auth), FORM],
        &body,
    )
    .await;
    assert_eq!(
        reply.status, 400,
        "by default the parameter is an email_id only"
    );
}

/// What the listing says about one member before and after a toggle, in each
/// [`SuspensionReport`] mode.
#[tokio::test]
async fn suspension_report_modes() {
    let cases = [
        (
            SuspensionReport::AdStatus,
            ("ad_status", Some("ACTIVE"), Some("SUSPENDED")),
        ),
        (
            SuspensionReport::AdStatusAlwaysActive,
            ("ad_status", Some("ACTIVE"), Some("ACTIVE")),
        ),
        (
            SuspensionReport::Field("suspension".to_owned()),
            ("suspension", Some("ACTIVE"), Some("SUSPENDED")),
        ),
        (SuspensionReport::NotReported, ("ad_status", None, None)),
    ];
    for (report, (field, before, after)) in cases {
        let sim = AllthenticateSim::builder()
            .seed(4)
            .suspension_report(report.clone())
            .build();
        let sandbox = start(&sim).await;
        let auth = format!("Bearer {}", sim.api_key());
        let member = sim
            .members()
            .into_iter()
            .find(|m| m.tag == "USER" && m.email_status == "CONFIRMED")
            .unwrap();
        let row = || async {
            let listed = send(
                &sandbox,
                "GET",
                "/multipleusers",
                &[("Authorization", &auth)],
                "",
            )
            .await
            .json();
            listed
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["email_id"] == member.email_id)
                .unwrap()
                .clone()
        };
        let seen = row().await;
        assert_eq!(seen[field].as_str(), before, "{report:?} before");
        if let SuspensionReport::Field(_) = report {
            assert_eq!(seen["ad_status"], "ACTIVE", "{report:?}");
        }
        if report == SuspensionReport::NotReported {
            assert!(
                seen.as_object().unwrap().keys().all(|k| k != "ad_status"),
                "{seen}"
            );
        }
        let body = format!("email_id={}", member.email_id);
        let reply = send(
            &sandbox,
            "POST",
            "/togglesuspension",
            &[("Authorization", &auth), FORM],
            &body,
        )
        .await;
        assert_eq!(reply.status, 200);
        assert!(sim.member(member.email_id).unwrap().suspended, "{report:?}");
        assert_eq!(row().await[field].as_str(), after, "{report:?} after");
    }
}

#[tokio::test]
async fn invitations_are_dated_by_the_simulator_clock() {
    let sim = AllthenticateSim::builder().seed(4).build();
    let sandbox = start(&sim).await;
    let auth = format!("Bearer {}", sim.api_key());
    assert_eq!(
        sim.now(),
        UNIX_EPOCH + Duration::from_secs(DEFAULT_NOW_UNIX)
    );
    sim.set_now(UNIX_EPOCH + Duration::from_secs(1_674_517_595));
    sim.advance(Duration::from_secs(60));

    let reply = send(
        &sandbox,
        "PUT",
        "/invites",
        &[("Authorization", &auth), JSON],
        r#"{"emails":["clock.check@example.org"]}"#,
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let invite = sim
        .pending_invites()
        .into_iter()
        .find(|invite| invite.email == "clock.check@example.org")
        .unwrap();
    assert_eq!(invite.added_date, "2023-01-23 23:47:35");
}
