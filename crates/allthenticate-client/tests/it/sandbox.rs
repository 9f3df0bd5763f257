//! Scenarios against the Allthenticate simulator: every endpoint's documented effect.

use allthenticate_client::{
    ArrayEncoding, AuthPlacement, BodyEncoding, Client, ClientBuilder, EmailId, Error, InviteGroup,
    Rank, SmartCard, SuspensionChange, SuspensionError, SuspensionSource, SuspensionState, UserId,
    UserTag,
};
use http::Method;
use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::{
    AllthenticateSim, AllthenticateSimBuilder, AuthMode, Member, SuspensionReport,
};

use crate::support;

struct Env {
    sim: AllthenticateSim,
    sandbox: Sandbox,
    client: Client,
}

async fn env_with(
    sim: AllthenticateSimBuilder,
    client: impl FnOnce(ClientBuilder) -> ClientBuilder,
) -> Env {
    let sim = sim.build();
    let sandbox = sim.serve().await.unwrap();
    let client = client(support::client_builder(&sandbox, sim.api_key()))
        .build()
        .unwrap();
    Env {
        sim,
        sandbox,
        client,
    }
}

async fn env() -> Env {
    env_with(
        AllthenticateSim::builder().seed(11).users(12).guests(3),
        |b| b,
    )
    .await
}

fn eid(member: &Member) -> EmailId {
    EmailId::new(member.email_id)
}

/// A regular member with a confirmed email.
fn confirmed_user(sim: &AllthenticateSim, skip: usize) -> Member {
    sim.members()
        .into_iter()
        .filter(|m| m.tag == "USER" && m.email_status == "CONFIRMED")
        .nth(skip)
        .expect("enough confirmed members")
}

fn api_status(error: &Error) -> u16 {
    match error {
        Error::Api { status, .. } => status.as_u16(),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn list_separates_guests_and_ids_differ() {
    let env = env().await;
    let users = env.client.users().list().send().await.unwrap().items;
    let guests = env
        .client
        .users()
        .list()
        .tag(UserTag::Guest)
        .send()
        .await
        .unwrap()
        .items;
    assert_eq!((users.len(), guests.len()), (12, 3));
    assert!(users.iter().all(|u| u.email_id.get() != u.user_id.get()));
    let named = env
        .client
        .users()
        .list()
        .email_in_name(true)
        .send()
        .await
        .unwrap()
        .items;
    let first = &named[0];
    assert_eq!(
        first.name.as_deref().unwrap(),
        format!(
            "{} {} ({})",
            first.first_name.as_deref().unwrap(),
            first.last_name.as_deref().unwrap(),
            first.email.as_deref().unwrap()
        )
    );
    // A guest is found by email too, with a second listing.
    let guest = &guests[1];
    env.sandbox.journal().clear();
    let found = env
        .client
        .users()
        .find_by_email(&guest.email.as_deref().unwrap().to_uppercase())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.email_id, guest.email_id);
    assert_eq!(
        env.sandbox
            .journal()
            .count_matching(&Method::GET, "/multipleusers"),
        2
    );
    assert!(
        env.client
            .users()
            .find_by_email("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn get_user_reports_policies_usernames_and_cards() {
    let env = env().await;
    let member = env
        .sim
        .members()
        .into_iter()
        .find(|m| !m.smartcards.is_empty())
        .unwrap();
    let detail = env.client.users().get(eid(&member)).await.unwrap();
    let mut expected = env.sim.policies_of(member.email_id);
    let mut got: Vec<String> = detail
        .policy_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(detail.computer_usernames, member.computer_usernames);
    assert_eq!(detail.smartcards[0].number, member.smartcards[0].number);
    let error = env
        .client
        .users()
        .get(EmailId::new(999_999))
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 400);
}

#[tokio::test]
async fn delete_prefers_email_id_over_email() {
    let env = env().await;
    let a = confirmed_user(&env.sim, 0);
    let b = confirmed_user(&env.sim, 1);
    let ack = env
        .client
        .users()
        .delete()
        .email_id(eid(&a))
        .email(&b.email)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ack.message.unwrap(),
        format!(
            "User {}/{} was successfully deleted from your organization.",
            a.email, a.username
        )
    );
    assert!(env.sim.member(a.email_id).is_none(), "email_id wins");
    assert!(
        env.sim.member(b.email_id).is_some(),
        "the email was ignored"
    );

    // By email alone.
    env.client
        .users()
        .delete()
        .email(&b.email)
        .send()
        .await
        .unwrap();
    assert!(env.sim.member(b.email_id).is_none());

    // Gone from the organization, its groups and later calls; the account stays.
    for group in env.sim.groups() {
        assert!(!env.sim.group_members(&group.name).contains(&a.email_id));
    }
    assert!(
        env.sim
            .outside_accounts()
            .iter()
            .any(|acc| acc.email == a.email)
    );
    for error in [
        env.client.users().get(eid(&a)).await.unwrap_err(),
        env.client
            .users()
            .smart_cards(eid(&a))
            .await
            .map(|_| ())
            .unwrap_err(),
        env.client
            .users()
            .toggle_suspension(eid(&a))
            .await
            .map(|_| ())
            .unwrap_err(),
        env.client
            .users()
            .delete()
            .email_id(eid(&a))
            .send()
            .await
            .map(|_| ())
            .unwrap_err(),
    ] {
        assert_eq!(api_status(&error), 400);
    }
}

#[tokio::test]
async fn deleting_a_policy_owner_keeps_shared_policies_for_the_others() {
    let env = env().await;
    let a = confirmed_user(&env.sim, 2);
    let b = confirmed_user(&env.sim, 3);
    env.sim.add_policy("Shared Lab", &[a.email_id, b.email_id]);
    env.sim.add_policy("Only A", &[a.email_id]);
    env.client
        .users()
        .delete()
        .email_id(eid(&a))
        .send()
        .await
        .unwrap();

    let policies = env.sim.policies();
    let shared = policies
        .iter()
        .find(|p| p.name == "Shared Lab")
        .expect("shared policy kept");
    assert_eq!(shared.members, vec![b.email_id]);
    assert!(
        !policies.iter().any(|p| p.name == "Only A"),
        "sole policy deleted"
    );
    assert!(policies.iter().all(|p| !p.members.contains(&a.email_id)));
    let detail = env.client.users().get(eid(&b)).await.unwrap();
    assert!(detail.policy_names().contains(&"Shared Lab"));
}

#[tokio::test]
async fn delete_by_email_cancels_a_pending_invite() {
    let env = env().await;
    let invite = env.sim.pending_invites()[0].clone();
    env.client
        .users()
        .delete()
        .email(&invite.email)
        .send()
        .await
        .unwrap();
    let pending = env.client.invites().list().await.unwrap();
    assert!(pending.iter().all(|i| i.email != invite.email));
    assert_eq!(pending.len(), env.sim.pending_invites().len());
}

#[tokio::test]
async fn computer_usernames_replace_add_and_remove() {
    let env = env().await;
    let m = confirmed_user(&env.sim, 0);
    let users = env.client.users();
    users
        .set_computer_usernames(eid(&m), ["alpha", "beta"])
        .await
        .unwrap();
    assert_eq!(
        users.computer_usernames(eid(&m)).await.unwrap(),
        ["alpha", "beta"]
    );
    users
        .add_computer_usernames(eid(&m), ["gamma", "alpha"])
        .await
        .unwrap();
    assert_eq!(
        env.sim.member(m.email_id).unwrap().computer_usernames,
        ["alpha", "beta", "gamma"]
    );
    users
        .remove_computer_usernames(eid(&m), ["beta"])
        .await
        .unwrap();
    assert_eq!(
        users.computer_usernames(eid(&m)).await.unwrap(),
        ["alpha", "gamma"]
    );
    users
        .set_computer_usernames(eid(&m), Vec::<String>::new())
        .await
        .unwrap();
    assert!(
        env.sim
            .member(m.email_id)
            .unwrap()
            .computer_usernames
            .is_empty()
    );
}

#[tokio::test]
async fn rank_is_keyed_by_user_id() {
    let env = env().await;
    let m = confirmed_user(&env.sim, 4);
    env.client
        .users()
        .set_rank(UserId::new(m.user_id), Rank::Super)
        .await
        .unwrap();
    assert_eq!(env.sim.member(m.email_id).unwrap().rank, "SUPER");
    // The simulator's ids never coincide, so an email_id sent as a user_id hits nobody.
    let error = env
        .client
        .users()
        .set_rank(UserId::new(m.email_id), Rank::Regular)
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 400);

    let env = env_with(
        AllthenticateSim::builder().seed(11).caller_rank("ADMIN"),
        |b| b,
    )
    .await;
    let m = confirmed_user(&env.sim, 4);
    let error = env
        .client
        .users()
        .set_rank(UserId::new(m.user_id), Rank::Admin)
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 400, "only SUPER may create admins");
    env.client
        .users()
        .set_rank(UserId::new(m.user_id), Rank::Regular)
        .await
        .unwrap();
}

#[tokio::test]
async fn smart_cards_add_keeps_existing_and_duplicates_need_permission() {
    let env = env().await;
    let holder = env
        .sim
        .members()
        .into_iter()
        .find(|m| !m.smartcards.is_empty())
        .unwrap();
    let other = confirmed_user(&env.sim, 5);
    assert_ne!(holder.email_id, other.email_id);
    let users = env.client.users();

    users
        .set_smart_cards(eid(&other), [SmartCard::new("111", Some("Desk"))])
        .send()
        .await
        .unwrap();
    users
        .add_smart_cards(eid(&other), [SmartCard::new("222", None)])
        .send()
        .await
        .unwrap();
    let cards = users.smart_cards(eid(&other)).await.unwrap();
    let numbers: Vec<&str> = cards.iter().map(|c| c.number.as_str()).collect();
    assert_eq!(numbers, ["111", "222"], "the existing card was kept");
    assert_eq!(cards[0].label.as_deref(), Some("Desk"));

    let taken = holder.smartcards[0].number.clone();
    let error = users
        .add_smart_cards(eid(&other), [SmartCard::new(taken.clone(), None)])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        api_status(&error),
        400,
        "a number held by another member is refused"
    );
    users
        .add_smart_cards(eid(&other), [SmartCard::new(taken.clone(), None)])
        .allow_duplicates(true)
        .send()
        .await
        .unwrap();
    assert_eq!(env.sim.member(other.email_id).unwrap().smartcards.len(), 3);

    let error = users
        .set_smart_cards(
            eid(&other),
            [SmartCard::new("5", None), SmartCard::new("5", None)],
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 400, "a repeated number is refused");

    users
        .remove_smart_cards(eid(&other), ["111"])
        .await
        .unwrap();
    assert_eq!(users.smart_cards(eid(&other)).await.unwrap().len(), 2);
    users.set_smart_cards(eid(&other), []).send().await.unwrap();
    assert!(users.smart_cards(eid(&other)).await.unwrap().is_empty());
}

#[tokio::test]
async fn promote_guest_moves_the_member_to_the_default_list() {
    let env = env().await;
    let guest = env
        .sim
        .members()
        .into_iter()
        .find(|m| m.tag == "GUEST")
        .unwrap();
    env.client.users().promote_guest(eid(&guest)).await.unwrap();
    let users = env.client.users().list().send().await.unwrap().items;
    let guests = env
        .client
        .users()
        .list()
        .tag(UserTag::Guest)
        .send()
        .await
        .unwrap()
        .items;
    assert!(users.iter().any(|u| u.email_id.get() == guest.email_id));
    assert!(guests.iter().all(|u| u.email_id.get() != guest.email_id));
    let error = env
        .client
        .users()
        .promote_guest(eid(&guest))
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 400, "no longer a guest");
}

#[tokio::test]
async fn suspend_twice_is_a_no_op_and_toggling_twice_restores() {
    let env = env().await;
    let m = confirmed_user(&env.sim, 0);
    let users = env.client.users();
    assert!(matches!(
        users.suspend(eid(&m)).await.unwrap(),
        SuspensionChange::Toggled(_)
    ));
    assert!(env.sim.member(m.email_id).unwrap().suspended);
    assert_eq!(
        users.suspend(eid(&m)).await.unwrap(),
        SuspensionChange::AlreadySo
    );
    assert!(
        env.sim.member(m.email_id).unwrap().suspended,
        "still suspended"
    );
    assert_eq!(
        env.sandbox
            .journal()
            .count_matching(&Method::POST, "/togglesuspension"),
        1,
        "the second suspend sent no toggle"
    );
    let listed = users.find_by_email_id(eid(&m)).await.unwrap().unwrap();
    assert!(listed.is_suspended());
    assert_eq!(
        env.client.suspension_state(&listed),
        SuspensionState::Suspended
    );
    assert_eq!(
        users.suspension_state(eid(&m)).await.unwrap(),
        SuspensionState::Suspended
    );
    assert!(matches!(
        users.unsuspend(eid(&m)).await.unwrap(),
        SuspensionChange::Toggled(_)
    ));
    assert_eq!(
        users.unsuspend(eid(&m)).await.unwrap(),
        SuspensionChange::AlreadySo
    );
    assert!(!env.sim.member(m.email_id).unwrap().suspended);

    users.toggle_suspension(eid(&m)).await.unwrap();
    users.toggle_suspension(eid(&m)).await.unwrap();
    assert!(
        !env.sim.member(m.email_id).unwrap().suspended,
        "two toggles restore"
    );

    if let Some(pending) = env
        .sim
        .members()
        .into_iter()
        .find(|m| m.email_status != "CONFIRMED")
    {
        let error = users.toggle_suspension(eid(&pending)).await.unwrap_err();
        assert_eq!(api_status(&error), 400);
    }
}

#[tokio::test]
async fn suspend_all_reads_every_state_once_and_reads_back_once() {
    let env = env().await;
    let (a, b, already) = (
        confirmed_user(&env.sim, 0),
        confirmed_user(&env.sim, 1),
        confirmed_user(&env.sim, 2),
    );
    let users = env.client.users();
    users.suspend(eid(&already)).await.unwrap();
    env.sandbox.journal().clear();
    let ids = [eid(&a), EmailId::new(999_999), eid(&already), eid(&b)];

    let results = users.suspend_all(&ids).await.unwrap();

    assert!(matches!(results[0], Ok(SuspensionChange::Toggled(_))));
    assert!(
        matches!(&results[1], Err(SuspensionError::Request(Error::InvalidInput { field, .. })) if *field == "email_id"),
        "{:?}",
        results[1]
    );
    assert_eq!(results[2].as_ref().unwrap(), &SuspensionChange::AlreadySo);
    assert!(matches!(results[3], Ok(SuspensionChange::Toggled(_))));
    for member in [&a, &b, &already] {
        assert!(env.sim.member(member.email_id).unwrap().suspended);
    }
    let journal = env.sandbox.journal();
    assert_eq!(
        journal.count_matching(&Method::POST, "/togglesuspension"),
        2
    );
    assert_eq!(
        journal.count_matching(&Method::GET, "/multipleusers"),
        4,
        "two listings (members and guests) before, two after, however many members"
    );

    let back = users.unsuspend_all(&[eid(&a), eid(&b)]).await.unwrap();
    assert!(
        back.iter()
            .all(|result| matches!(result, Ok(SuspensionChange::Toggled(_))))
    );
    assert!(!env.sim.member(a.email_id).unwrap().suspended);
}

#[tokio::test]
async fn toggle_with_an_empty_body_is_success() {
    let env = env_with(
        AllthenticateSim::builder()
            .seed(3)
            .empty_toggle_response(true),
        |b| b,
    )
    .await;
    let m = confirmed_user(&env.sim, 0);
    let ack = env.client.users().toggle_suspension(eid(&m)).await.unwrap();
    assert_eq!((ack.status, ack.message), (200, None));
    assert!(env.sim.member(m.email_id).unwrap().suspended);
}

#[tokio::test]
async fn invites_add_known_accounts_and_invite_new_addresses() {
    let env = env().await;
    let account = env.sim.outside_accounts()[0].clone();
    let result = env
        .client
        .invites()
        .invite([
            account.email.as_str(),
            "brand.new@example.com",
            "not-valid@x",
        ])
        .groups(vec![InviteGroup {
            id: 1,
            name: "Employees".into(),
        }])
        .smart_cards(vec![vec![SmartCard::new("777001", Some("Badge"))]])
        .send()
        .await;
    // "not-valid@x" is refused by the client before anything is sent.
    assert!(matches!(result, Err(Error::InvalidInput { .. })));
    assert_eq!(
        env.sandbox
            .journal()
            .count_matching(&Method::PUT, "/invites"),
        0
    );

    let result = env
        .client
        .invites()
        .invite([account.email.as_str(), "brand.new@example.com"])
        .groups(vec![InviteGroup {
            id: 1,
            name: "Employees".into(),
        }])
        .smart_cards(vec![vec![SmartCard::new("777001", Some("Badge"))]])
        .send()
        .await
        .unwrap();
    assert_eq!(result.added, vec![account.email.clone()]);
    assert_eq!(result.invited, ["brand.new@example.com"]);
    assert_eq!(result.group_names, ["Employees"]);
    assert_eq!(result.send_email, Some(true));
    let member = env.sim.member_by_email(&account.email).unwrap();
    assert_eq!(result.add_ids, [i64::try_from(member.email_id).unwrap()]);
    assert_eq!(member.groups, ["Employees"]);
    assert_eq!(member.smartcards[0].number, "777001");
    assert!(
        env.client
            .invites()
            .list()
            .await
            .unwrap()
            .iter()
            .any(|i| i.email == "brand.new@example.com")
    );

    env.client
        .invites()
        .resend("brand.new@example.com")
        .await
        .unwrap();
    let invite = env
        .sim
        .pending_invites()
        .into_iter()
        .find(|i| i.email == "brand.new@example.com")
        .unwrap();
    assert_eq!(invite.resent, 1);
    let error = env
        .client
        .invites()
        .resend("stranger@example.com")
        .await
        .unwrap_err();
    assert_eq!(api_status(&error), 400);

    let sent_before = env.sim.sent_emails().len();
    let result = env
        .client
        .invites()
        .invite(["quiet@example.com"])
        .no_email(true)
        .send()
        .await
        .unwrap();
    assert_eq!(result.send_email, Some(false));
    assert_eq!(
        env.sim.sent_emails().len(),
        sent_before,
        "no_email suppresses the email"
    );
    let again = env
        .client
        .invites()
        .invite([member.email.as_str()])
        .send()
        .await
        .unwrap();
    assert_eq!(again.exists, vec![member.email.clone()]);
}

#[tokio::test]
async fn every_wire_mode_works_end_to_end() {
    for (body, arrays) in [
        (BodyEncoding::Form, ArrayEncoding::JsonString),
        (BodyEncoding::Json, ArrayEncoding::JsonString),
        (BodyEncoding::Json, ArrayEncoding::Native),
    ] {
        let env = env_with(AllthenticateSim::builder().seed(5), |b| {
            b.body_encoding(body)
                .array_encoding(arrays)
                .invite_method(Method::POST)
        })
        .await;
        let m = confirmed_user(&env.sim, 1);
        env.client
            .users()
            .set_computer_usernames(eid(&m), ["w1"])
            .await
            .unwrap();
        env.client
            .users()
            .set_smart_cards(eid(&m), [SmartCard::new("90210", None)])
            .allow_duplicates(true)
            .send()
            .await
            .unwrap();
        let result = env
            .client
            .invites()
            .invite(["mode@example.com"])
            .send()
            .await
            .unwrap();
        assert_eq!(result.invited, ["mode@example.com"], "{body:?} {arrays:?}");
        let member = env.sim.member(m.email_id).unwrap();
        assert_eq!(member.computer_usernames, ["w1"], "{body:?} {arrays:?}");
        assert_eq!(member.smartcards[0].number, "90210");
        assert_eq!(
            member.smartcards[0].label, "",
            "a missing label is stored empty"
        );
        let entry = env
            .sandbox
            .journal()
            .matching(&Method::POST, "/modifysmartcard")
            .pop()
            .unwrap();
        let content_type = entry.header("content-type").unwrap().to_owned();
        match body {
            BodyEncoding::Form => assert_eq!(content_type, "application/x-www-form-urlencoded"),
            _ => assert_eq!(content_type, "application/json"),
        }
    }
}

#[tokio::test]
async fn the_key_is_accepted_in_every_place_and_strict_mode_narrows_it() {
    let placements = [
        AuthPlacement::Bearer,
        AuthPlacement::RawAuthorization,
        AuthPlacement::Header(http::HeaderName::from_static("x-api-key")),
        AuthPlacement::Query("api_key".into()),
    ];
    for placement in placements.clone() {
        let env = env_with(AllthenticateSim::builder(), |b| {
            b.auth_placement(placement.clone())
        })
        .await;
        env.client.users().list().send().await.unwrap();
    }
    let strict = AllthenticateSim::builder().auth_mode(AuthMode::Header("X-API-Key".into()));
    for placement in placements {
        let accepted = matches!(placement, AuthPlacement::Header(_));
        let env = env_with(strict.clone(), |b| b.auth_placement(placement.clone())).await;
        let result = env.client.invites().list().await;
        match result {
            Ok(_) => assert!(accepted, "{placement:?} should be refused"),
            Err(error) => {
                assert!(!accepted, "{placement:?}: {error}");
                assert_eq!(api_status(&error), 401);
            }
        }
    }
    let env = env().await;
    let wrong = support::client_builder(&env.sandbox, "wrong-key")
        .build()
        .unwrap();
    match wrong.users().list().send().await.unwrap_err() {
        Error::Api {
            status, message, ..
        } => {
            assert_eq!(status.as_u16(), 401);
            assert!(message.contains("API key"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_simulator_reads_documented_parameter_spellings() {
    use core_http::{HeaderValue, HttpClient, Operation};
    static SET: Operation = Operation::post("raw.cards", "/modifysmartcard");
    static LIST: Operation = Operation::get("raw.list", "/multipleusers");
    let env = env().await;
    let http = HttpClient::builder(env.sandbox.base_url()).build().unwrap();
    let key = env.sim.api_key().to_owned();
    let m = confirmed_user(&env.sim, 2);
    // JSON body: id as a string, native array, boolean as "YES"; key in a query parameter.
    let body = serde_json::json!({
        "email_id": m.email_id.to_string(),
        "smartcards": [{"number": 31337, "label": "Fob"}],
        "allow_duplicates": "YES",
    });
    http.request(&SET)
        .query("key", &key)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        env.sim.member(m.email_id).unwrap().smartcards[0].number,
        "31337"
    );
    // Form body with "0" as a boolean and the array as JSON text.
    let form = format!(
        "email_id={}&smartcards=%5B%5D&allow_duplicates=0",
        m.email_id
    );
    http.request(&SET)
        .query("key", &key)
        .body(
            form,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )
        .send()
        .await
        .unwrap();
    assert!(env.sim.member(m.email_id).unwrap().smartcards.is_empty());
    // A boolean outside the documented spellings, and a non-digit number: 400 {"error"}.
    for bad in [
        serde_json::json!({"email_id": m.email_id, "smartcards": [], "allow_duplicates": "maybe"}),
        serde_json::json!({"email_id": m.email_id, "smartcards": [{"number": "12a"}]}),
        serde_json::json!({"email_id": m.email_id, "smartcards": "not json"}),
    ] {
        let error = http
            .request(&SET)
            .query("key", &key)
            .json(&bad)
            .send()
            .await
            .unwrap_err();
        match error {
            Error::Api {
                status, message, ..
            } => {
                assert_eq!(status.as_u16(), 400);
                assert!(!message.is_empty());
            }
            other => panic!("{other:?}"),
        }
    }
    let listed: serde_json::Value = http
        .request(&LIST)
        .query("email", "Yes")
        .query("key", &key)
        .send_json()
        .await
        .unwrap();
    assert!(listed[0]["name"].as_str().unwrap().contains('@'));
}

#[tokio::test]
async fn bad_input_never_reaches_the_simulator() {
    let env = env().await;
    let users = env.client.users();
    let m = confirmed_user(&env.sim, 0);
    assert!(users.find_by_email("joe@@example.com").await.is_err());
    assert!(
        users
            .set_rank(UserId::new(m.user_id), Rank::from("OWNER"))
            .await
            .is_err()
    );
    assert!(
        users
            .set_smart_cards(eid(&m), [SmartCard::new("12-34", None)])
            .send()
            .await
            .is_err()
    );
    assert!(users.set_computer_usernames(eid(&m), [""]).await.is_err());
    assert!(users.delete().email("joe").send().await.is_err());
    assert_eq!(env.sandbox.journal().len(), 0, "nothing was sent");
}

fn toggles(env: &Env) -> usize {
    env.sandbox
        .journal()
        .count_matching(&Method::POST, "/togglesuspension")
}

/// (b) A portal that does not report suspension: `suspend` refuses and toggles nothing,
/// so a member suspended in the portal is not re-activated by a blind toggle.
#[tokio::test]
async fn suspend_on_a_portal_not_reporting_state_refuses_and_toggles_nothing() {
    let env = env_with(
        AllthenticateSim::builder()
            .seed(11)
            .users(6)
            .suspension_report(SuspensionReport::NotReported),
        |b| b,
    )
    .await;
    let m = confirmed_user(&env.sim, 0);
    let users = env.client.users();
    users.toggle_suspension(eid(&m)).await.unwrap();
    assert!(env.sim.member(m.email_id).unwrap().suspended);
    assert_eq!(toggles(&env), 1);

    let state = users.suspension_state(eid(&m)).await.unwrap();
    assert!(
        matches!(&state, SuspensionState::Unknown { reason } if reason.contains("ad_status")),
        "{state:?}"
    );
    for result in [users.suspend(eid(&m)).await, users.unsuspend(eid(&m)).await] {
        let error = result.unwrap_err();
        assert!(
            matches!(error, SuspensionError::StateUnknown { .. }),
            "{error:?}"
        );
    }
    assert_eq!(toggles(&env), 1, "no toggle after the manual one");
    assert!(
        env.sim.member(m.email_id).unwrap().suspended,
        "still suspended: not re-activated"
    );

    // The same refusal when the client is told the portal does not report it, even
    // though this portal's ad_status looks usable.
    let env = env_with(AllthenticateSim::builder().seed(11).users(6), |b| {
        b.suspension_source(SuspensionSource::NotReported)
    })
    .await;
    let m = confirmed_user(&env.sim, 0);
    let error = env.client.users().suspend(eid(&m)).await.unwrap_err();
    assert!(matches!(error, SuspensionError::StateUnknown { .. }));
    assert_eq!(toggles(&env), 0);
    assert!(!env.sim.member(m.email_id).unwrap().suspended);
}

/// (c) `ad_status` stays `ACTIVE` whatever the state: the toggle is sent once, the
/// read-back did not move, and `suspend` stops with an error instead of toggling again.
#[tokio::test]
async fn a_toggle_whose_read_back_did_not_move_stops_after_one_toggle() {
    let env = env_with(
        AllthenticateSim::builder()
            .seed(11)
            .users(6)
            .suspension_report(SuspensionReport::AdStatusAlwaysActive),
        |b| b,
    )
    .await;
    let m = confirmed_user(&env.sim, 0);
    let error = env.client.users().suspend(eid(&m)).await.unwrap_err();
    assert!(
        matches!(
            &error,
            SuspensionError::NotMoved {
                expected: SuspensionState::Suspended,
                observed: SuspensionState::Active,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.toggled());
    assert_eq!(toggles(&env), 1, "exactly one toggle");
    assert!(env.sim.member(m.email_id).unwrap().suspended);
    // Trying again toggles once more and stops again: each call sends at most one toggle.
    let again = env.client.users().suspend(eid(&m)).await.unwrap_err();
    assert!(matches!(again, SuspensionError::NotMoved { .. }));
    assert_eq!(toggles(&env), 2);
}

/// (a) with the state in another field: the client configured to read it suspends,
/// reads back, and a second suspend sends nothing.
#[tokio::test]
async fn suspend_through_a_configured_field_is_idempotent() {
    let env = env_with(
        AllthenticateSim::builder()
            .seed(11)
            .users(6)
            .suspension_report(SuspensionReport::Field("suspension".into())),
        |b| b.suspension_source(SuspensionSource::Field("suspension".into())),
    )
    .await;
    let m = confirmed_user(&env.sim, 0);
    let users = env.client.users();
    assert_eq!(
        users.suspension_state(eid(&m)).await.unwrap(),
        SuspensionState::Active
    );
    assert!(matches!(
        users.suspend(eid(&m)).await.unwrap(),
        SuspensionChange::Toggled(_)
    ));
    assert_eq!(
        users.suspend(eid(&m)).await.unwrap(),
        SuspensionChange::AlreadySo
    );
    assert_eq!(toggles(&env), 1);
    assert!(env.sim.member(m.email_id).unwrap().suspended);
    assert!(matches!(
        users.unsuspend(eid(&m)).await.unwrap(),
        SuspensionChange::Toggled(_)
    ));
    assert_eq!(toggles(&env), 2);
    assert!(!env.sim.member(m.email_id).unwrap().suspended);
}
