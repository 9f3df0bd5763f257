//! Scenarios against the Whaly sandbox (`portal_sandbox::partner_portal`).

use std::time::Duration;

use core_http::clock::ManualClock;
use core_http::{Clock, Method, Operation, RetryPolicy, StatusCode};
use futures_util::TryStreamExt;
use partner_portal_client::{Client, Ensured, Error, NewUser, SecretString};
use portal_sandbox::Sandbox;
use portal_sandbox::partner_portal::{LastLoginFormat, PartnerPortalSim};

use crate::support;

static RAW_LIST: Operation = Operation::get("raw.list", "/v1/partner-portals/{portalId}/users");

struct Setup {
    sim: PartnerPortalSim,
    sandbox: Sandbox,
    client: Client,
    clock: ManualClock,
}

impl Setup {
    fn users_path(&self) -> String {
        format!("/v1/partner-portals/{}/users", self.sim.portal_id())
    }

    fn count(&self, method: &Method, path: &str) -> usize {
        self.sandbox.journal().count_matching(method, path)
    }

    fn statuses(&self, status: u16) -> usize {
        self.sandbox
            .journal()
            .entries()
            .iter()
            .filter(|e| e.status.map(|s| s.as_u16()) == Some(status))
            .count()
    }
}

/// A simulator and a client sharing one virtual clock: the client's sleeps move the
/// simulator's time too, so rate-limit windows reset without real waiting.
async fn setup(users: usize, quota: u32) -> Setup {
    let clock = ManualClock::new(support::start_time());
    let sim_clock = clock.clone();
    let sim = PartnerPortalSim::builder()
        .seed(42)
        .users(users)
        .quota_per_minute(quota)
        .time_source(move || sim_clock.now())
        .build();
    let sandbox = sim.serve().await.unwrap();
    let client = support::client_builder(&sandbox, sim.api_key(), &clock)
        .build()
        .unwrap();
    Setup {
        sim,
        sandbox,
        client,
        clock,
    }
}

fn invalid_field(error: Error) -> String {
    match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn create_list_get_delete_then_404() {
    let s = setup(3, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    let new =
        NewUser::new("Ada", "Moreau", "ada.moreau@acme-partner.example").role("ro_7HbT0xWq5LdR9p");
    let created = portal.create_user(&new).await.unwrap();
    assert!(created.id.starts_with("ppu_"));
    assert!(created.last_logged_at.is_none());

    let listed: Vec<_> = portal.list_users().stream().try_collect().await.unwrap();
    assert_eq!(listed.len(), 4);
    assert_eq!(
        listed.last().unwrap().id,
        created.id,
        "creation order, newest last"
    );
    assert_eq!(portal.get_user(&created.id).await.unwrap(), created);

    let deleted = portal.delete_user(&created.id).await.unwrap();
    assert_eq!(deleted.id, created.id);
    assert!(deleted.is_deleted);

    for error in [
        portal.get_user(&created.id).await.unwrap_err(),
        portal.delete_user(&created.id).await.unwrap_err(),
    ] {
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        let id = error.request_id().expect("a request id");
        assert!(
            id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "{id}"
        );
    }
    assert_eq!(
        portal.delete_user_if_exists(&created.id).await.unwrap(),
        None
    );
    assert_eq!(s.sim.users(s.sim.portal_id()).len(), 3);
}

#[tokio::test]
async fn error_request_ids_are_fresh() {
    let s = setup(0, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    let a = portal.get_user("ppu_missing").await.unwrap_err();
    let b = portal.get_user("ppu_missing").await.unwrap_err();
    assert_ne!(a.request_id(), b.request_id());
    let unknown = s.client.portal("pp_nope").get_user("x").await.unwrap_err();
    assert_eq!(unknown.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn paging_over_230_users_with_several_limits() {
    let s = setup(230, 10_000).await;
    let expected: Vec<String> = s
        .sim
        .users(s.sim.portal_id())
        .into_iter()
        .map(|u| u.id)
        .collect();
    assert_eq!(expected.len(), 230);
    let path = s.users_path();
    // The sandbox caps pages at 100, so 250 behaves as 100: the client follows the cursor.
    for (limit, pages) in [(1, 230), (7, 33), (25, 10), (100, 3), (230, 3), (250, 3)] {
        s.sandbox.journal().clear();
        let users: Vec<_> = s
            .client
            .portal(s.sim.portal_id())
            .list_users()
            .limit(limit)
            .stream()
            .try_collect()
            .await
            .unwrap();
        let ids: Vec<String> = users.into_iter().map(|u| u.id).collect();
        assert_eq!(ids, expected, "limit {limit}");
        assert_eq!(s.count(&Method::GET, &path), pages, "limit {limit}");
        let queries: Vec<_> = s
            .sandbox
            .journal()
            .entries()
            .into_iter()
            .filter_map(|e| e.query)
            .collect();
        assert!(
            queries
                .iter()
                .all(|q| q.contains(&format!("limit={limit}"))),
            "{queries:?}"
        );
        assert!(!queries[0].contains("after="));
        assert!(queries[1..].iter().all(|q| q.contains("after=")));
    }
    // One page at a time, by hand, with the cursor.
    let portal = s.client.portal(s.sim.portal_id());
    let first = portal.list_users().limit(200).send().await.unwrap();
    assert_eq!(first.items.len(), 100);
    let second = portal
        .list_users()
        .limit(100)
        .after(first.next_cursor.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(second.items[0].id, expected[100]);
    let after_second = second.next_cursor.unwrap();
    // A stream can start from a cursor too: the rest, with no request for the first page.
    s.sandbox.journal().clear();
    let rest: Vec<_> = portal
        .list_users()
        .limit(100)
        .after(after_second.clone())
        .stream()
        .map_ok(|user| user.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(rest, expected[200..]);
    assert_eq!(s.count(&Method::GET, &path), 1);
    let third = portal
        .list_users()
        .limit(100)
        .after(after_second)
        .send()
        .await
        .unwrap();
    assert_eq!(third.items.len(), 30);
    assert_eq!(third.next_cursor, None);
}

#[tokio::test]
async fn epoch_millis_logins_read_the_same_as_iso() {
    let s = setup(40, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    let iso: Vec<_> = portal.list_users().stream().try_collect().await.unwrap();
    s.sim.set_last_login_format(LastLoginFormat::EpochMillis);
    let millis: Vec<_> = portal.list_users().stream().try_collect().await.unwrap();
    assert_eq!(iso, millis);
    let never = iso.iter().filter(|u| u.last_logged_at.is_none()).count();
    assert!(never < iso.len(), "some users logged in");
    // The sandbox really sent numbers this time.
    let raw = s
        .client
        .http()
        .request(&RAW_LIST)
        .path_param("portalId", s.sim.portal_id())
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = raw.json().unwrap();
    let logins: Vec<_> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| &u["last_logged_at"])
        .collect();
    assert!(
        logins
            .iter()
            .any(|v| v.as_i64().is_some_and(|ms| ms > 1_000_000_000_000)),
        "{logins:?}"
    );
    assert!(
        logins.iter().all(|v| v.is_null() || v.is_number()),
        "{logins:?}"
    );
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(raw.headers().contains_key(name), "{name}");
    }
}

#[tokio::test]
async fn roles_and_attributes_resolve_by_name() {
    let s = setup(0, 500).await;
    let viewer = s
        .client
        .roles()
        .find_by_name("viewer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(viewer.name, "Viewer");
    assert_eq!(s.client.roles().get(&viewer.id).await.unwrap(), viewer);
    assert_eq!(s.client.roles().find_by_name("Nobody").await.unwrap(), None);
    let tenant = s
        .client
        .user_attributes()
        .find_by_name("tenant_id")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tenant.label.as_deref(), Some("Tenant ID"));

    let portal = s.client.portal(s.sim.portal_id());
    let new = NewUser::new("Chiamaka", "Okafor", "c.okafor@reseller.example")
        .role_named("Viewer")
        .role("ro_3zrr1XRrXMyYG6")
        .attribute_named("tenant_id", "ACME-042")
        .attribute_named("region", "EMEA")
        .attribute_named("region", "APAC")
        .locale("fr_FR");
    let created = portal.create_user(&new).await.unwrap();
    let stored = s
        .sim
        .user_by_email(s.sim.portal_id(), &created.email)
        .unwrap();
    assert_eq!(
        stored.roles,
        [viewer.id.clone(), "ro_3zrr1XRrXMyYG6".to_owned()]
    );
    assert_eq!(
        stored.attributes,
        [
            ("ua_tenant_id".to_owned(), "ACME-042".to_owned()),
            ("ua_region".to_owned(), "EMEA".to_owned()),
            ("ua_region".to_owned(), "APAC".to_owned()),
        ]
    );
    assert_eq!(stored.locale, "fr_FR");
    assert!(!stored.has_password);
}

#[tokio::test]
async fn ensure_user_twice_creates_one_user() {
    let s = setup(5, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    let new = NewUser::new("Bruno", "Keller", "b.keller@northwind.example")
        .role_named("Report Viewer")
        .password(SecretString::from("first-login"));
    let first = portal.ensure_user(&new).await.unwrap();
    assert!(matches!(first, Ensured::Created(_)));
    let shouting =
        NewUser::new("Bruno", "Keller", "B.Keller@Northwind.Example").role_named("Report Viewer");
    let second = portal.ensure_user(&shouting).await.unwrap();
    assert!(matches!(second, Ensured::Existing(_)));
    assert_eq!(second.user(), first.user());
    assert_eq!(s.sim.users(s.sim.portal_id()).len(), 6);
    assert_eq!(s.count(&Method::POST, &s.users_path()), 1);
    assert!(
        s.sim
            .user_by_email(s.sim.portal_id(), "b.keller@northwind.example")
            .unwrap()
            .has_password
    );
    // And the email is found case-insensitively among seeded users too.
    let seeded = s.sim.users(s.sim.portal_id())[2].clone();
    let found = portal
        .find_user_by_email(&seeded.email.to_uppercase())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, seeded.id);
}

#[tokio::test]
async fn a_duplicate_create_is_a_400_from_the_sandbox() {
    let s = setup(0, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    let new = NewUser::new("Ada", "Moreau", "ada@acme.example").role("ro_7HbT0xWq5LdR9p");
    portal.create_user(&new).await.unwrap();
    let error = portal
        .create_user(&NewUser::new("A", "M", "ADA@acme.example").role("ro_7HbT0xWq5LdR9p"))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
    // ensure_user copes with the race: it finds the existing user.
    assert!(!portal.ensure_user(&new).await.unwrap().was_created());
}

#[tokio::test]
async fn bulk_create_1200_under_500_per_minute_without_a_single_429() {
    let s = setup(0, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    for i in 0..1_200 {
        let new = NewUser::new(
            "Bulk",
            format!("User{i}"),
            format!("bulk.user{i}@partners.example"),
        )
        .role("ro_7HbT0xWq5LdR9p");
        portal.create_user(&new).await.unwrap();
    }
    assert_eq!(s.sim.users(s.sim.portal_id()).len(), 1_200);
    assert_eq!(s.count(&Method::POST, &s.users_path()), 1_200);
    assert_eq!(
        s.statuses(429),
        0,
        "the pacer should have prevented every 429"
    );
    assert_eq!(s.statuses(200), 1_200);
    assert_eq!(s.sim.rate_limited_responses(), 0);
    // 1,200 requests at 500 per minute: two waits for the window to reset, read from
    // X-RateLimit-Reset; the virtual clock (shared with the sandbox) moved two minutes.
    let sleeps = s.clock.sleeps();
    assert_eq!(sleeps.len(), 2, "{sleeps:?}");
    assert!(
        sleeps.iter().all(|d| *d == Duration::from_secs(60)),
        "{sleeps:?}"
    );
    assert_eq!(s.clock.total_slept(), Duration::from_secs(120));
}

#[tokio::test]
async fn the_quota_is_enforced_with_real_429s_and_headers() {
    let s = setup(0, 3).await;
    let roles = s.client.roles();
    for _ in 0..3 {
        roles.list().send().await.unwrap();
    }
    // A second client (its own pacer, knowing nothing) on the same key draws a real 429.
    let stranger = support::client_builder(&s.sandbox, s.sim.api_key(), &s.clock)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = stranger.roles().list().send().await.unwrap_err();
    match error {
        Error::RateLimited {
            retry_after,
            limits,
            ..
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(60)));
            let limits = limits.unwrap();
            assert_eq!((limits.limit, limits.remaining), (Some(3), Some(0)));
        }
        other => panic!("expected a rate-limit error, got {other:?}"),
    }
    assert_eq!(s.sim.rate_limited_responses(), 1);
    let last = s.sandbox.journal().last().unwrap();
    assert_eq!(last.status, Some(http_status(429)));
    // The first client's pacer read the headers and waits for the reset instead.
    roles.list().send().await.unwrap();
    assert_eq!(s.sim.rate_limited_responses(), 1);
    assert_eq!(s.clock.sleeps(), [Duration::from_secs(60)]);
    assert_eq!(s.sandbox.journal().len(), 5);
}

fn http_status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap()
}

#[tokio::test]
async fn read_only_keys_read_but_get_403_on_writes_and_bad_keys_401() {
    let s = setup(2, 500).await;
    let reader = support::client_builder(&s.sandbox, s.sim.read_only_key(), &s.clock)
        .build()
        .unwrap();
    let portal = reader.portal(s.sim.portal_id());
    assert_eq!(
        portal
            .list_users()
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        2
    );
    let new = NewUser::new("Ada", "Moreau", "ada@acme.example").role("ro_7HbT0xWq5LdR9p");
    assert_eq!(
        portal.create_user(&new).await.unwrap_err().status(),
        Some(StatusCode::FORBIDDEN)
    );
    let someone = s.sim.users(s.sim.portal_id())[0].id.clone();
    assert_eq!(
        portal.delete_user(&someone).await.unwrap_err().status(),
        Some(StatusCode::FORBIDDEN)
    );
    assert_eq!(s.sim.users(s.sim.portal_id()).len(), 2);

    let stranger = support::client_builder(&s.sandbox, "sk:not-a-real-key", &s.clock)
        .build()
        .unwrap();
    let error = stranger.roles().list().send().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert!(error.request_id().is_some());
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let s = setup(0, 500).await;
    let portal = s.client.portal(s.sim.portal_id());
    let good = NewUser::new("Ada", "Moreau", "ada@acme.example").role("ro_7HbT0xWq5LdR9p");

    let bad_email = NewUser::new("Ada", "Moreau", "ada@acme").role("ro_7HbT0xWq5LdR9p");
    assert_eq!(
        invalid_field(portal.create_user(&bad_email).await.unwrap_err()),
        "email"
    );
    let no_roles = NewUser::new("Ada", "Moreau", "ada@acme.example");
    assert_eq!(
        invalid_field(portal.create_user(&no_roles).await.unwrap_err()),
        "roles"
    );
    assert_eq!(
        invalid_field(portal.ensure_user(&no_roles).await.unwrap_err()),
        "roles"
    );
    let slashed = s.client.portal(format!("{}/../other", s.sim.portal_id()));
    assert_eq!(
        invalid_field(slashed.create_user(&good).await.unwrap_err()),
        "portal_id"
    );
    let first = slashed.list_users().stream().try_next().await;
    assert_eq!(invalid_field(first.unwrap_err()), "portal_id");
    let first = portal.list_users().limit(0).stream().try_next().await;
    assert_eq!(invalid_field(first.unwrap_err()), "limit");
    assert!(
        s.sandbox.journal().is_empty(),
        "{:?}",
        s.sandbox.journal().entries()
    );

    // An unknown role name needs the role list, but no user is created.
    let unknown = good.clone().role_named("Galactic Overlord");
    assert_eq!(
        invalid_field(portal.create_user(&unknown).await.unwrap_err()),
        "roles"
    );
    let unknown = good.clone().attribute_named("shoe_size", "44");
    assert_eq!(
        invalid_field(portal.create_user(&unknown).await.unwrap_err()),
        "attributes"
    );
    assert_eq!(s.count(&Method::POST, &s.users_path()), 0);
    assert!(s.sim.users(s.sim.portal_id()).is_empty());
}
