//! Scenarios against the LogicMonitor sandbox: the forum thread's four wishes, the
//! 90-day flow end to end, paging 2,500 users, concurrent moves, auth and rate limits,
//! and bad input that must not reach the server.

#![allow(clippy::too_many_lines)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::DateTime;
use core_http::clock::{ManualClock, Sleep};
use core_http::{Clock, RetryPolicy};
use futures_util::TryStreamExt;
use http::Method;
use logicmonitor_client::{
    AdminGroupId, AdminId, AdminStatus, ApiOnlyUsers, Clause, Client, Error, LastLogin,
    NeverLoggedIn, NewRole, NewUser, RoleId, RoleRef, TokenKind, TokenStatus,
};
use portal_sandbox::Sandbox;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use secrecy::{ExposeSecret, SecretString};

use crate::support;

/// 2026-01-01T00:00:00Z.
const NOW_SECS: u64 = 1_767_225_600;
const DAY: i64 = 86_400;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

struct Env {
    lm: LogicMonitorSim,
    sandbox: Sandbox,
    client: Client,
    clock: ManualClock,
}

async fn env(users: usize) -> Env {
    let lm = LogicMonitorSim::builder()
        .seed(42)
        .users(users)
        .now(now())
        .build();
    let sandbox = lm.serve().await.unwrap();
    let clock = ManualClock::new(now());
    let client = client_for(&sandbox, &lm, Arc::new(clock.clone()));
    Env {
        lm,
        sandbox,
        client,
        clock,
    }
}

fn client_for(sandbox: &Sandbox, lm: &LogicMonitorSim, clock: Arc<dyn Clock>) -> Client {
    support::lmv1_builder(sandbox, lm.access_id(), lm.access_key(), clock)
        .build()
        .unwrap()
}

fn group_id_named(lm: &LogicMonitorSim, name: &str) -> i32 {
    lm.groups()
        .iter()
        .find(|g| g["name"] == name)
        .and_then(|g| g["id"].as_i64())
        .map(|id| i32::try_from(id).unwrap())
        .unwrap()
}

fn invalid_field(error: Error) -> String {
    match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

fn writes(sandbox: &Sandbox) -> usize {
    sandbox
        .journal()
        .entries()
        .iter()
        .filter(|e| e.method != Method::GET)
        .count()
}

// Wish 1: read a user's group(s), by name.
#[tokio::test]
async fn reads_a_users_groups_by_name() {
    let Env {
        lm,
        client,
        sandbox: _sandbox,
        ..
    } = env(50).await;
    let (id, expected) = (2..=51)
        .find_map(|id| {
            let ids = lm.user_group_ids(id).unwrap();
            (ids.len() == 2).then_some((id, ids))
        })
        .expect("some seeded user is in two groups");
    let groups = client.users().groups_of(AdminId(id)).await.unwrap();
    let got: Vec<i32> = groups.iter().map(|g| g.id.get()).collect();
    assert_eq!(got, expected);
    for group in &groups {
        let truth = lm
            .groups()
            .into_iter()
            .find(|g| g["id"] == group.id.get())
            .unwrap();
        assert_eq!(group.name.as_deref(), truth["name"].as_str());
    }
}

// Wish 2: move users between groups, keeping or replacing other memberships.
#[tokio::test]
async fn adds_removes_and_moves_without_losing_other_groups() {
    let Env {
        lm,
        client,
        sandbox,
        ..
    } = env(50).await;
    let id = (2..=51)
        .find(|id| lm.user_group_ids(*id).unwrap().len() == 1)
        .unwrap();
    let before = lm.user_group_ids(id).unwrap();
    let security = group_id_named(&lm, "Security");
    let finance = group_id_named(&lm, "Finance");
    let target = if before[0] == security {
        finance
    } else {
        security
    };
    let target_name = if target == security {
        "Security"
    } else {
        "Finance"
    };

    let after = client
        .users()
        .add_to_group(AdminId(id), target_name)
        .await
        .unwrap();
    assert_eq!(
        after.iter().map(|g| g.get()).collect::<Vec<_>>(),
        [before[0], target]
    );
    assert_eq!(lm.user_group_ids(id).unwrap(), [before[0], target]);

    // Adding again changes nothing and sends no PATCH.
    let patches = sandbox.journal().count_matching(
        &Method::PATCH,
        &format!("/santaba/rest/setting/admins/{id}"),
    );
    client
        .users()
        .add_to_group(AdminId(id), AdminGroupId(target))
        .await
        .unwrap();
    assert_eq!(
        sandbox.journal().count_matching(
            &Method::PATCH,
            &format!("/santaba/rest/setting/admins/{id}")
        ),
        patches
    );

    client
        .users()
        .remove_from_group(AdminId(id), AdminGroupId(before[0]))
        .await
        .unwrap();
    assert_eq!(lm.user_group_ids(id).unwrap(), [target]);

    let moved = client
        .users()
        .move_to_groups(AdminId(id), ["Auditors", "Engineering"])
        .await
        .unwrap();
    let expected = [
        group_id_named(&lm, "Auditors"),
        group_id_named(&lm, "Engineering"),
    ];
    assert_eq!(moved.iter().map(|g| g.get()).collect::<Vec<_>>(), expected);
    assert_eq!(lm.user_group_ids(id).unwrap(), expected);

    // Moving to no group at all makes the user ungrouped.
    client
        .users()
        .move_to_groups(AdminId(id), Vec::<AdminGroupId>::new())
        .await
        .unwrap();
    assert!(lm.user_group_ids(id).unwrap().is_empty());
}

// Wish 3: add and delete groups, find them by name.
#[tokio::test]
async fn creates_finds_and_deletes_groups() {
    let Env {
        lm,
        client,
        sandbox: _sandbox,
        ..
    } = env(20).await;
    let groups = client.groups();
    assert!(groups.find_by_name("Suspended").await.unwrap().is_none());
    let created = groups
        .create("Suspended", Some("inactive users"))
        .await
        .unwrap();
    let found = groups.find_by_name("Suspended").await.unwrap().unwrap();
    assert_eq!(found.id, created.id);
    assert_eq!(found.description.as_deref(), Some("inactive users"));

    let duplicate = groups.create("Suspended", None).await.unwrap_err();
    assert!(
        matches!(&duplicate, Error::Api { status, code, .. } if status.as_u16() == 409 && code.as_deref() == Some("1409")),
        "{duplicate:?}"
    );
    let (again, was_created) = groups.get_or_create("Suspended", None).await.unwrap();
    assert!(!was_created);
    assert_eq!(again.id, created.id);

    let renamed = groups
        .update(created.id, Some("Suspended users"), None)
        .await
        .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Suspended users"));

    groups.delete(created.id).await.unwrap();
    assert!(
        groups
            .find_by_name("Suspended users")
            .await
            .unwrap()
            .is_none()
    );
    let missing = groups.get(created.id).await.unwrap_err();
    assert!(
        matches!(&missing, Error::Api { code, .. } if code.as_deref() == Some("1404")),
        "{missing:?}"
    );
    assert!(lm.groups().iter().all(|g| g["id"] != created.id.get()));
}

// Wish 4: the 90-day flow, end to end, with never-logged-in and API-only users.
#[tokio::test]
async fn suspends_users_idle_for_90_days_and_files_them_in_suspended() {
    let Env {
        lm,
        client,
        sandbox: _sandbox,
        ..
    } = env(2_500).await;
    let now_secs = i64::try_from(NOW_SECS).unwrap();
    let cutoff_secs = now_secs - 90 * DAY;
    let cutoff = DateTime::from_timestamp(cutoff_secs, 0).unwrap();

    // Arrange a few known cases on top of the seeded spread.
    let readonly = RoleRef::name("readonly");
    let api_only = client
        .users()
        .create(NewUser::api_only("svc-backup").role(readonly.clone()))
        .await
        .unwrap();
    let newcomer = client
        .users()
        .create(
            NewUser::new("new.hire")
                .email("new.hire@example.com")
                .role(readonly),
        )
        .await
        .unwrap();
    assert_eq!(newcomer.last_login_on, Some(0));
    let (stale, recent, exact) = (10, 11, 12);
    assert!(lm.set_last_login(stale, now_secs - 200 * DAY));
    assert!(lm.set_last_login(recent, now_secs - 10 * DAY));
    assert!(lm.set_last_login(exact, cutoff_secs));
    client.users().reactivate(AdminId(stale)).await.unwrap();
    client.users().reactivate(AdminId(recent)).await.unwrap();
    client.users().reactivate(AdminId(exact)).await.unwrap();

    let found: Vec<_> = client
        .users()
        .inactive_since(cutoff)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let ids: HashSet<i32> = found.iter().map(|u| u.user.id.get()).collect();
    let truth: HashSet<i32> = lm
        .user_ids_matching(&format!(
            r#"status:"active",lastLoginOn<{cutoff_secs},apionly:false"#
        ))
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(ids, truth);
    assert!(
        ids.len() > 100,
        "a year of seeded logins leaves many idle users: {}",
        ids.len()
    );
    assert!(ids.contains(&stale));
    assert!(
        ids.contains(&newcomer.id.get()),
        "never logged in counts by default"
    );
    assert!(!ids.contains(&recent));
    assert!(
        !ids.contains(&exact),
        "a login exactly at the cutoff is not before it"
    );
    assert!(
        !ids.contains(&api_only.id.get()),
        "API-only users are excluded by default"
    );
    assert!(!ids.contains(&1), "the sandbox's API user is API-only");
    let newcomer_entry = found.iter().find(|u| u.user.id == newcomer.id).unwrap();
    assert_eq!(newcomer_entry.last_login, LastLogin::Never);
    let stale_entry = found.iter().find(|u| u.user.id.get() == stale).unwrap();
    assert_eq!(
        stale_entry.last_login,
        LastLogin::At(DateTime::from_timestamp(now_secs - 200 * DAY, 0).unwrap())
    );

    // The other choices, visible in the API.
    let without_never: Vec<_> = client
        .users()
        .inactive_since(cutoff)
        .never_logged_in(NeverLoggedIn::Exclude)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(
        without_never
            .iter()
            .all(|u| matches!(u.last_login, LastLogin::At(_)))
    );
    assert!(!without_never.iter().any(|u| u.user.id == newcomer.id));
    let with_api: Vec<_> = client
        .users()
        .inactive_since(cutoff)
        .api_only(ApiOnlyUsers::Include)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(with_api.iter().any(|u| u.user.id == api_only.id));

    // Apply: create "Suspended" if missing, suspend and move.
    let (suspended_group, created) = client
        .groups()
        .get_or_create("Suspended", Some("inactive users"))
        .await
        .unwrap();
    assert!(created);
    for user in &found {
        client
            .users()
            .update(user.user.id)
            .status(AdminStatus::Suspended)
            .admin_group_ids([suspended_group.id])
            .send()
            .await
            .unwrap();
    }
    for id in &ids {
        let user = lm.user(*id).unwrap();
        assert_eq!(user["status"], "suspended");
        assert_eq!(
            user["adminGroupIds"],
            serde_json::json!([suspended_group.id.get()])
        );
    }
    assert_eq!(lm.user(recent).unwrap()["status"], "active");
    assert_eq!(lm.user(api_only.id.get()).unwrap()["status"], "active");
    // A second run finds nothing left to do.
    let again: Vec<_> = client
        .users()
        .inactive_since(cutoff)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(again.is_empty());
}

#[tokio::test]
async fn pages_through_2500_users() {
    let Env {
        sandbox, client, ..
    } = env(2_500).await;
    sandbox.journal().clear();
    let users: Vec<_> = client
        .users()
        .list()
        .fields(["username"])
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(users.len(), 2_501);
    let ids: Vec<i32> = users.iter().map(|u| u.id.get()).collect();
    assert_eq!(ids, (1..=2_501).collect::<Vec<_>>());
    assert!(
        users
            .iter()
            .all(|u| u.username.is_some() && u.first_name.is_none() && u.last_login_on.is_none()),
        "projection applied"
    );
    // The fields LogicMonitor's SDK requires of every Admin come along (§7).
    assert!(
        users
            .iter()
            .all(|u| u.email.is_some() && !u.roles.is_empty())
    );
    assert_eq!(
        sandbox
            .journal()
            .count_matching(&Method::GET, "/santaba/rest/setting/admins"),
        3
    );

    // From an offset on, reading ahead: LogicMonitor's total counts every user, and the
    // stream ends there (pages at 500, 1500 and 2500, none past the end).
    sandbox.journal().clear();
    let rest: Vec<i32> = client
        .users()
        .list()
        .offset(500)
        .read_ahead(true)
        .stream()
        .map_ok(|user| user.id.get())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest, (501..=2_501).collect::<Vec<_>>());
    assert_eq!(
        sandbox
            .journal()
            .count_matching(&Method::GET, "/santaba/rest/setting/admins"),
        3
    );

    // Smaller pages, a filter and descending order.
    let suspended: Vec<_> = client
        .users()
        .list()
        .filter(Clause::eq("status", "suspended"))
        .sort(logicmonitor_client::Sort::desc("id"))
        .size(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(suspended.len() > 150);
    assert!(
        suspended
            .iter()
            .all(|u| u.status == Some(AdminStatus::Suspended))
    );
    assert!(suspended.windows(2).all(|w| w[0].id > w[1].id));
    let page = client
        .users()
        .list()
        .filter(Clause::eq("status", "suspended"))
        .size(10)
        .offset(5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total, Some(suspended.len() as u64));
    assert_eq!(page.items[0].id, suspended[suspended.len() - 6].id);
}

#[tokio::test]
async fn reading_ahead_lists_the_same_users_with_one_request_per_page() {
    let Env {
        sandbox, client, ..
    } = env(2_450).await;
    let list = || client.users().list().fields(["username"]).size(500);
    let plain: Vec<_> = list().stream().try_collect().await.unwrap();
    sandbox.journal().clear();

    let ahead: Vec<_> = list()
        .read_ahead(true)
        .stream()
        .try_collect()
        .await
        .unwrap();

    let ids = |users: &[logicmonitor_client::Admin]| -> Vec<i32> {
        users.iter().map(|u| u.id.get()).collect()
    };
    assert_eq!(ids(&ahead), (1..=2_451).collect::<Vec<_>>());
    assert_eq!(ids(&ahead), ids(&plain));
    let mut offsets: Vec<u64> = sandbox
        .journal()
        .matching(&Method::GET, "/santaba/rest/setting/admins")
        .iter()
        .map(|entry| {
            let query = entry.query.as_deref().unwrap_or_default();
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("offset="))
                .map_or(0, |value| value.parse().unwrap())
        })
        .collect();
    offsets.sort_unstable();
    assert_eq!(
        offsets,
        [0, 500, 1_000, 1_500, 2_000],
        "each page once, none past the end"
    );
}

#[tokio::test]
async fn concurrent_moves_of_different_users_lose_nothing() {
    let Env {
        lm,
        client,
        sandbox: _sandbox,
        ..
    } = env(200).await;
    let auditors = group_id_named(&lm, "Auditors");
    let candidates: Vec<i32> = (2..=201)
        .filter(|id| !lm.user_group_ids(*id).unwrap().contains(&auditors))
        .take(60)
        .collect();
    let before: Vec<Vec<i32>> = candidates
        .iter()
        .map(|id| lm.user_group_ids(*id).unwrap())
        .collect();
    let tasks: Vec<_> = candidates
        .iter()
        .map(|id| {
            let client = client.clone();
            let id = *id;
            tokio::spawn(async move { client.users().add_to_group(AdminId(id), "Auditors").await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    for (id, before) in candidates.iter().zip(before) {
        let mut expected = before;
        expected.push(auditors);
        assert_eq!(lm.user_group_ids(*id).unwrap(), expected, "user {id}");
    }
}

#[tokio::test]
async fn filter_values_cannot_change_the_filters_meaning() {
    let Env {
        client,
        lm,
        sandbox: _sandbox,
        ..
    } = env(30).await;
    let tricky = [
        r#"evil",status:"suspended"#,
        r#"x"||username:"*"#,
        "a,b",
        r"back\slash*",
        r#"q"uote"#,
    ];
    let mut created = Vec::new();
    for name in tricky {
        let user = client
            .users()
            .create(
                NewUser::new(name)
                    .email("odd.name@example.com")
                    .role(RoleId(2)),
            )
            .await
            .unwrap();
        created.push(user.id);
    }
    for (name, id) in tricky.iter().zip(&created) {
        let page = client
            .users()
            .list()
            .filter(Clause::eq("username", *name))
            .send()
            .await
            .unwrap();
        assert_eq!(page.total, Some(1), "{name}");
        assert_eq!(page.items[0].id, *id);
        assert_eq!(
            client
                .users()
                .find_by_username(name)
                .await
                .unwrap()
                .unwrap()
                .id,
            *id
        );
    }
    // Without escaping, `x"||username:"*` would match every user.
    let none = client
        .users()
        .list()
        .filter(Clause::eq("username", r#"nobody"||username:"*"#))
        .send()
        .await
        .unwrap();
    assert_eq!(none.total, Some(0));
    // The sandbox's own reading of the escaped text agrees.
    let rendered = logicmonitor_client::Filter::from(Clause::eq("username", tricky[0]))
        .render()
        .unwrap();
    assert_eq!(lm.user_ids_matching(&rendered).unwrap(), [created[0].get()]);
}

/// The characters issue 15 names: each must survive LogicMonitor's double decoding.
const SPECIAL: [char; 13] = [
    '+', '%', '(', ')', ',', '"', '&', '#', '[', ']', '$', '*', ' ',
];

#[tokio::test]
async fn users_and_groups_named_with_each_special_character_are_found() {
    let Env {
        client,
        lm,
        sandbox: _sandbox,
        ..
    } = env(30).await;
    for ch in SPECIAL {
        let username = format!("jane{ch}admin");
        // An email address allows only some of them before the `@` (the client's check).
        let email = if "+%&#$*".contains(ch) {
            format!("jane{ch}admin@corp.example")
        } else {
            format!("jane.{}@corp.example", u32::from(ch))
        };
        let created = client
            .users()
            .create(NewUser::new(&username).email(&email).role(RoleId(2)))
            .await
            .unwrap();
        let found = client.users().find_by_username(&username).await.unwrap();
        assert_eq!(found.map(|user| user.id), Some(created.id), "{username}");
        let by_email: Vec<AdminId> = client
            .users()
            .list()
            .filter(Clause::eq("email", email.as_str()))
            .stream()
            .map_ok(|user| user.id)
            .try_collect()
            .await
            .unwrap();
        if ch == '*' {
            // A wildcard: every `jane?admin` so far matches, the exact one among them.
            assert!(by_email.contains(&created.id), "{email}: {by_email:?}");
            assert!(by_email.len() > 1, "{email}: {by_email:?}");
        } else {
            assert_eq!(by_email, [created.id], "{email}");
        }

        let name = format!("team{ch}ops");
        let (group, created_now) = client.groups().get_or_create(&name, None).await.unwrap();
        assert!(created_now, "{name}");
        let (again, created_again) = client.groups().get_or_create(&name, None).await.unwrap();
        assert!(!created_again, "{name} was created twice");
        assert_eq!(again.id, group.id);
        let found = client.groups().find_by_name(&name).await.unwrap();
        assert_eq!(found.map(|group| group.id), Some(group.id), "{name}");
    }
    for ch in SPECIAL {
        let name = format!("team{ch}ops");
        let copies = lm.groups().iter().filter(|g| g["name"] == name).count();
        assert_eq!(copies, 1, "{name}");
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_written() {
    let Env {
        client, sandbox, ..
    } = env(10).await;
    sandbox.journal().clear();
    let users = client.users();
    let err = users
        .create(NewUser::new("").email("x@example.com").role(RoleId(2)))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "username");
    let err = users
        .create(NewUser::new("jdoe").email("not-an-email").role(RoleId(2)))
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "email");
    let err = users.list().size(0).send().await.unwrap_err();
    assert_eq!(invalid_field(err), "size");
    let err = users.list().size(1001).send().await.unwrap_err();
    assert_eq!(invalid_field(err), "size");
    assert!(
        sandbox.journal().is_empty(),
        "nothing at all was sent so far"
    );

    // Names need a lookup, but nothing is written when they do not resolve.
    let err = users
        .create(
            NewUser::new("jdoe")
                .email("jdoe@example.com")
                .role(RoleRef::name("superhero")),
        )
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "roles");
    let err = users
        .add_to_group(AdminId(2), "No Such Group")
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "group");
    let err = users
        .move_to_groups(AdminId(2), ["Security", "No Such Group"])
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err), "group");
    assert_eq!(writes(&sandbox), 0);

    // What only the server knows comes back as its 4xx.
    let err = users
        .create(
            NewUser::new("jdoe")
                .email("jdoe@example.com")
                .role(RoleId(99)),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status, code, .. } if status.as_u16() == 400 && code.as_deref() == Some("1400")),
        "{err:?}"
    );
    let err = users
        .update(AdminId(99_999))
        .status(AdminStatus::Suspended)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { code, .. } if code.as_deref() == Some("1404")),
        "{err:?}"
    );
    let err = users
        .update(AdminId(2))
        .admin_group_ids([AdminGroupId(999)])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { code, .. } if code.as_deref() == Some("1400")),
        "{err:?}"
    );
    let taken = client
        .users()
        .get(AdminId(3))
        .send()
        .await
        .unwrap()
        .username
        .unwrap();
    let err = users
        .create(NewUser::new(taken).email("dup@example.com").role(RoleId(2)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { code, .. } if code.as_deref() == Some("1409")),
        "{err:?}"
    );
}

#[tokio::test]
async fn crud_suspend_reactivate_and_validation_only() {
    let Env {
        client,
        lm,
        sandbox: _sandbox,
        ..
    } = env(10).await;
    let users = client.users();
    let user = users
        .create(
            NewUser::new("jane.roe")
                .email("jane.roe@example.com")
                .password(SecretString::from("S3cret!pass"))
                .role(RoleRef::name("manager"))
                .group("Security")
                .first_name("Jane"),
        )
        .await
        .unwrap();
    assert_eq!(user.roles[0].name.as_deref(), Some("manager"));
    assert!(!user.roles[0].privileges.is_empty());
    assert_eq!(
        user.admin_group_ids,
        [AdminGroupId(group_id_named(&lm, "Security"))]
    );
    assert!(lm.user(user.id.get()).unwrap().get("password").is_none());

    let suspended = users.suspend(user.id).await.unwrap();
    assert_eq!(suspended.status, Some(AdminStatus::Suspended));
    assert_eq!(
        suspended.admin_group_ids, user.admin_group_ids,
        "suspending keeps groups"
    );
    assert_eq!(
        users.reactivate(user.id).await.unwrap().status,
        Some(AdminStatus::Active)
    );

    let checked = users
        .update(user.id)
        .first_name("Janet")
        .validation_only(true)
        .send()
        .await
        .unwrap();
    assert_eq!(checked.first_name.as_deref(), Some("Janet"));
    assert_eq!(
        lm.user(user.id.get()).unwrap()["firstName"],
        "Jane",
        "validation only saves nothing"
    );

    let replaced = users
        .replace(
            user.id,
            NewUser::new("jane.roe")
                .email("jane@example.org")
                .role(RoleId(2)),
        )
        .await
        .unwrap();
    assert_eq!(
        replaced.first_name.as_deref(),
        Some(""),
        "PUT resets omitted fields"
    );
    assert!(replaced.admin_group_ids.is_empty());

    users.delete(user.id).await.unwrap();
    let gone = users.get(user.id).send().await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    let roles: Vec<_> = client.roles().list().stream().try_collect().await.unwrap();
    let names: HashSet<_> = roles.iter().filter_map(|r| r.name.clone()).collect();
    assert_eq!(
        names,
        ["administrator", "manager", "ackonly", "readonly"]
            .map(String::from)
            .into()
    );
    assert!(roles.iter().all(|r| !r.privileges.is_empty()));
}

#[tokio::test]
async fn lmv1_and_bearer_are_verified() {
    let Env {
        lm,
        sandbox,
        client,
        clock,
    } = env(5).await;
    client.roles().list().send().await.unwrap();

    // 29 minutes off is fine, 31 is not.
    let skewed = ManualClock::new(now() - Duration::from_secs(29 * 60));
    client_for(&sandbox, &lm, Arc::new(skewed.clone()))
        .roles()
        .list()
        .send()
        .await
        .unwrap();
    skewed.advance(Duration::from_secs(60 * 61));
    let stale = client_for(&sandbox, &lm, Arc::new(skewed))
        .roles()
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&stale, Error::Api { code, .. } if code.as_deref() == Some("1401")),
        "{stale:?}"
    );

    let wrong_key = support::lmv1_builder(
        &sandbox,
        lm.access_id(),
        "not-the-key",
        Arc::new(clock.clone()),
    )
    .build()
    .unwrap();
    let err = wrong_key.roles().list().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let unknown = support::lmv1_builder(
        &sandbox,
        "unknownAccessId",
        lm.access_key(),
        Arc::new(clock.clone()),
    )
    .build()
    .unwrap();
    assert_eq!(
        unknown
            .roles()
            .list()
            .send()
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(401)
    );

    let bearer = Client::builder()
        .base_url(sandbox.url("/santaba/rest"))
        .bearer(SecretString::from(lm.bearer_token()))
        .build()
        .unwrap();
    bearer.roles().list().send().await.unwrap();

    // A token created through the API authenticates; deleted, it no longer does.
    let token = client
        .api_tokens(AdminId(1))
        .create(TokenKind::Lmv1, Some("ci"))
        .await
        .unwrap();
    let key = token
        .access_key
        .as_ref()
        .unwrap()
        .secret()
        .expose_secret()
        .to_owned();
    let fresh = support::lmv1_builder(
        &sandbox,
        token.access_id.as_deref().unwrap(),
        &key,
        Arc::new(clock.clone()),
    )
    .build()
    .unwrap();
    fresh.roles().list().send().await.unwrap();
    let listed = client.api_tokens(AdminId(1)).list().send().await.unwrap();
    assert!(listed.items.iter().any(|t| t.id == token.id));
    assert!(
        listed.items.iter().all(|t| t.access_key.is_none()),
        "secrets are shown once"
    );
    client
        .api_tokens(AdminId(1))
        .delete(token.id)
        .await
        .unwrap();
    assert_eq!(
        fresh
            .roles()
            .list()
            .send()
            .await
            .unwrap_err()
            .status()
            .map(|s| s.as_u16()),
        Some(401)
    );
}

/// A clock that, when the client sleeps, moves the sandbox's clock too.
#[derive(Debug, Clone)]
struct Linked {
    manual: ManualClock,
    lm: LogicMonitorSim,
}

impl Clock for Linked {
    fn now(&self) -> SystemTime {
        self.manual.now()
    }

    fn sleep(&self, duration: Duration) -> Sleep {
        self.lm.advance(duration);
        self.manual.sleep(duration)
    }
}

#[tokio::test]
async fn rate_limits_pace_and_429s_are_retried_after_the_window() {
    let lm = LogicMonitorSim::builder()
        .seed(1)
        .users(10)
        .now(now())
        .rate_limit(3, Duration::from_secs(60))
        .build();
    let sandbox = lm.serve().await.unwrap();
    let linked = Linked {
        manual: ManualClock::new(now()),
        lm: lm.clone(),
    };
    let client = client_for(&sandbox, &lm, Arc::new(linked.clone()));

    // Five calls under a limit of three per minute: the pacer waits out the window
    // instead of drawing a 429.
    for _ in 0..5 {
        let page = client.roles().list().send().await.unwrap();
        assert_eq!(page.total, Some(4));
    }
    let statuses: Vec<u16> = sandbox
        .journal()
        .entries()
        .iter()
        .filter_map(|e| e.status.map(|s| s.as_u16()))
        .collect();
    assert_eq!(statuses, [200; 5]);
    assert!(
        linked.manual.total_slept() >= Duration::from_secs(60),
        "{:?}",
        linked.manual.sleeps()
    );
    let last = sandbox.journal().entries();
    assert!(!last.is_empty());

    // A second client, whose pacer knows nothing, runs into a 429 and retries after
    // the advertised window.
    let other = Linked {
        manual: ManualClock::new(linked.manual.now()),
        lm: lm.clone(),
    };
    let second = client_for(&sandbox, &lm, Arc::new(other.clone()));
    for _ in 0..3 {
        let _ = client.users().list().size(1).send().await.unwrap();
    }
    sandbox.journal().clear();
    let page = second.users().list().size(1).send().await.unwrap();
    assert_eq!(page.items.len(), 1);
    let statuses: Vec<u16> = sandbox
        .journal()
        .entries()
        .iter()
        .filter_map(|e| e.status.map(|s| s.as_u16()))
        .collect();
    assert_eq!(statuses, [429, 200]);
    assert_eq!(other.manual.sleeps(), [Duration::from_secs(60)]);
    let _ = RetryPolicy::default();
}

fn api_status(error: &Error) -> (u16, Option<&str>) {
    match error {
        Error::Api { status, code, .. } => (status.as_u16(), code.as_deref()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_role_is_created_updated_assigned_and_deleted() {
    let Env {
        lm,
        client,
        sandbox: _sandbox,
        ..
    } = env(10).await;
    let roles = client.roles();
    let created = roles
        .create(
            NewRole::new("service-desk")
                .description("First-line support")
                .two_fa_required(true)
                .privilege("dashboard_group", "*", "read")
                .privilege("host_group", "*", "ack"),
        )
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("service-desk"));
    assert_eq!(created.privileges.len(), 2);
    let found = roles.find_by_name("service-desk").await.unwrap().unwrap();
    assert_eq!(found.id, created.id);
    let duplicate = roles
        .create(NewRole::new("Service-Desk").privilege("help", "*", "read"))
        .await
        .unwrap_err();
    assert_eq!(api_status(&duplicate), (409, Some("1409")));

    let updated = roles
        .update(created.id)
        .description("Service desk, tier 1")
        .send()
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("Service desk, tier 1"));
    assert_eq!(updated.privileges.len(), 2, "PATCH keeps the privileges");
    assert_eq!(updated.two_fa_required, Some(true));
    let narrowed = roles
        .update(created.id)
        .privilege("dashboard_group", "*", "read")
        .send()
        .await
        .unwrap();
    assert_eq!(narrowed.privileges.len(), 1);

    // Assigned to a user, the role shows on them and can not be deleted.
    let user = client
        .users()
        .update(AdminId(3))
        .role_ids([created.id])
        .send()
        .await
        .unwrap();
    assert_eq!(user.roles[0].name.as_deref(), Some("service-desk"));
    let in_use = roles.delete(created.id).await.unwrap_err();
    assert_eq!(api_status(&in_use), (400, Some("1400")));
    assert!(roles.get(created.id).await.is_ok(), "nothing was deleted");
    client
        .users()
        .update(AdminId(3))
        .role_ids([RoleId(2)])
        .send()
        .await
        .unwrap();
    roles.delete(created.id).await.unwrap();
    let gone = roles.get(created.id).await.unwrap_err();
    assert_eq!(api_status(&gone), (404, Some("1404")));
    assert_eq!(
        lm.user(3).unwrap()["roles"][0]["name"],
        "readonly",
        "the user kept the role they were given back"
    );
}

#[tokio::test]
async fn a_deactivated_token_is_listed_inactive_and_refused() {
    let Env {
        client,
        sandbox,
        clock,
        ..
    } = env(5).await;
    let tokens = client.api_tokens(AdminId(2));
    let token = tokens
        .create(TokenKind::Lmv1, Some("automation"))
        .await
        .unwrap();
    let key = token
        .access_key
        .as_ref()
        .unwrap()
        .secret()
        .expose_secret()
        .to_owned();
    let as_token = support::lmv1_builder(
        &sandbox,
        token.access_id.as_deref().unwrap(),
        &key,
        Arc::new(clock.clone()),
    )
    .retry_policy(RetryPolicy::none())
    .build()
    .unwrap();
    as_token.roles().list().send().await.unwrap();

    let deactivated = tokens
        .set_status(token.id, TokenStatus::Inactive)
        .await
        .unwrap();
    assert_eq!(
        deactivated.status.and_then(TokenStatus::from_code),
        Some(TokenStatus::Inactive)
    );
    assert_eq!(deactivated.note.as_deref(), Some("automation"));
    let listed = tokens.list().send().await.unwrap();
    let listed = listed.items.iter().find(|t| t.id == token.id).unwrap();
    assert_eq!(
        listed.status.and_then(TokenStatus::from_code),
        Some(TokenStatus::Inactive),
        "listed inactive"
    );
    let refused = as_token.roles().list().send().await.unwrap_err();
    assert_eq!(api_status(&refused), (401, Some("1401")));

    tokens
        .set_status(token.id, TokenStatus::Active)
        .await
        .unwrap();
    as_token.roles().list().send().await.unwrap();
}
