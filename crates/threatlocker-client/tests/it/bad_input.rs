//! Bad input is refused with `Error::InvalidInput` naming the field, and the sandbox
//! journal shows that nothing was sent.

use futures_util::StreamExt;
use portal_sandbox::Sandbox;
use portal_sandbox::threatlocker::ThreatLockerSim;
use threatlocker_client::{Client, Error, Uuid};

use crate::support;

fn field_of(error: &Error) -> &str {
    match error {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

struct Setup {
    portal: ThreatLockerSim,
    sandbox: Sandbox,
    client: Client,
    child: Uuid,
    child_role: Uuid,
    other: Uuid,
    other_role: Uuid,
}

async fn setup() -> Setup {
    let portal = ThreatLockerSim::builder().seed(9).children(2).build();
    let (sandbox, client) = support::start(&portal).await;
    let child = portal.child_ids()[0];
    let other = portal.child_ids()[1];
    let child_role = portal.roles_of(child)[0].id;
    let other_role = portal.roles_of(other)[0].id;
    Setup {
        portal,
        sandbox,
        client,
        child,
        child_role,
        other,
        other_role,
    }
}

impl Setup {
    fn assert_nothing_sent(&self) {
        assert_eq!(
            self.sandbox.journal().total_received(),
            0,
            "{:?}",
            self.sandbox.journal().entries()
        );
        assert!(self.portal.all_pending_users().is_empty());
    }
}

#[tokio::test]
async fn invalid_invitations_are_not_sent() {
    let setup = setup().await;
    let client = &setup.client;
    let (child, child_role, other, other_role) =
        (setup.child, setup.child_role, setup.other, setup.other_role);
    let scoped = client.organization(child);

    for bad in [
        "",
        "jane",
        "jane@",
        "jane@contoso",
        "jane doe@contoso.com",
        "@contoso.com",
    ] {
        let error = scoped
            .users()
            .invite(bad)
            .role(child, child_role)
            .send()
            .await
            .unwrap_err();
        assert_eq!(field_of(&error), "username", "{bad:?}");
    }

    let error = scoped
        .users()
        .invite("jane@contoso.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "roles");

    let error = scoped
        .users()
        .invite("jane@contoso.com")
        .role(child, child_role)
        .role(other, other_role)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "roles[1].organizationId");
    let message = error.to_string();
    assert!(
        message.contains(&other_role.to_string()) && message.contains(&child.to_string()),
        "{message}"
    );

    // Without a managed organization, roles must at least agree with each other.
    let error = client
        .users()
        .invite("jane@contoso.com")
        .role(child, child_role)
        .role(other, other_role)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "roles[1].organizationId");

    let error = scoped
        .users()
        .invite("jane@contoso.com")
        .role(child, "0c7d2b9e-41aa-4f0e-8d3b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "roles[0].userRoleId");
    let error = scoped
        .users()
        .invite("jane@contoso.com")
        .role("not-a-guid", child_role)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "roles[0].organizationId");

    setup.assert_nothing_sent();
}

#[tokio::test]
async fn malformed_ids_and_page_arguments_are_not_sent() {
    let setup = setup().await;
    let client = &setup.client;
    let error = client
        .organization("5b2e8f41-7d3c-4a1e-9c55")
        .roles()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "managedOrganizationId");
    let error = client
        .organization("5b2e8f41/../x")
        .users()
        .timezones()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "managedOrganizationId");

    let error = client.roles().list().page_size(0).send().await.unwrap_err();
    assert_eq!(field_of(&error), "pageSize");
    let error = client
        .organizations()
        .children()
        .page(0)
        .stream()
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(field_of(&error), "pageNumber");
    let error = client.roles().find_by_name("  ").await.unwrap_err();
    assert_eq!(field_of(&error), "name");

    setup.assert_nothing_sent();
}

#[tokio::test]
async fn invalid_fan_outs_are_not_sent() {
    let setup = setup().await;
    let (client, child) = (&setup.client, setup.child);
    let error = client
        .invite_across("bad", "Helpdesk")
        .organizations([child])
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "username");
    let error = client
        .invite_across("a@example.com", "Helpdesk")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "organizations");
    let error = client
        .invite_across("a@example.com", "Helpdesk")
        .organizations([child.to_string(), "oops".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "organizations[1]");
    let error = client
        .invite_across("a@example.com", "Helpdesk")
        .organizations([child, child])
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "organizations[1]");
    let error = client
        .invite_across("a@example.com", "Helpdesk")
        .organizations([Uuid::nil()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "organizations[0]");
    let error = client
        .invite_across("a@example.com", "Helpdesk")
        .organizations([child])
        .concurrency(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field_of(&error), "concurrency");

    setup.assert_nothing_sent();
}

#[tokio::test]
async fn an_instance_that_is_not_a_dns_label_is_refused() {
    let setup = setup().await;
    let portal = &setup.portal;
    for instance in ["g.threatlocker.com", "g/portalapi", "evil.example/x"] {
        let error = Client::builder()
            .instance(instance)
            .token(portal.token())
            .build()
            .unwrap_err();
        assert!(
            matches!(&error, Error::Config { field, .. } if field == "instance"),
            "{instance}: {error:?}"
        );
    }

    setup.assert_nothing_sent();
}
