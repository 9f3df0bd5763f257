//! Scenarios against the stateful ThreatLocker sandbox.

use futures_util::TryStreamExt;
use portal_sandbox::threatlocker::{EmptyList, InviteResponse, Permission, ThreatLockerSim};
use threatlocker_client::{
    AuthFailure, Client, Error, InviteOutcome, PageRequest, Uuid, auth_failure, is_auth_error,
};

use crate::support;

#[tokio::test]
async fn timezones_are_windows_ids_with_display_names() {
    let portal = ThreatLockerSim::builder().seed(1).build();
    let (_sandbox, client) = support::start(&portal).await;
    let zones = client.users().timezones().await.unwrap();
    assert!(zones.len() > 20);
    let eastern = zones
        .iter()
        .find(|zone| zone.id == "Eastern Standard Time")
        .unwrap();
    assert_eq!(
        eastern.display_name.as_deref(),
        Some("(UTC-05:00) Eastern Time (US & Canada)")
    );
    assert_eq!(eastern.supports_daylight_saving_time, Some(true));
    assert!(
        zones.iter().all(|zone| !zone.id.contains('/')),
        "Windows ids, not IANA"
    );
}

#[tokio::test]
async fn invite_then_see_the_pending_user_with_only_the_email() {
    let portal = ThreatLockerSim::builder().seed(2).build();
    let (_sandbox, client) = support::start(&portal).await;
    let role = client
        .roles()
        .find_by_name("read only")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(role.name, "Read Only");
    let invitation = client
        .users()
        .invite("new.tech@example.com")
        .user_role(&role)
        .send()
        .await
        .unwrap();
    let pending = portal.pending_users(portal.parent_id());
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].username, "new.tech@example.com");
    assert_eq!(pending[0].first_name, None);
    assert_eq!(pending[0].role_ids, vec![role.user_role_id]);
    assert_eq!(invitation.user_id(), Some(pending[0].id));

    let again = client
        .users()
        .invite("NEW.TECH@example.com")
        .user_role(&role)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&again, Error::Api { status, message, request_id: Some(_), .. } if status.as_u16() == 417 && message == "User already exists"),
        "{again:?}"
    );
}

#[tokio::test]
async fn invite_into_a_child_with_that_childs_role() {
    let portal = ThreatLockerSim::builder().seed(3).children(5).build();
    let (sandbox, client) = support::start(&portal).await;
    let child = portal.child_ids()[2];
    let scoped = client.organization(child);
    let role = scoped
        .roles()
        .find_by_name("Helpdesk")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(role.organization_id, Some(child));
    scoped
        .users()
        .invite("tech@corp.example")
        .user_role(&role)
        .send()
        .await
        .unwrap();
    assert_eq!(portal.pending_users(child).len(), 1);
    assert!(portal.pending_users(portal.parent_id()).is_empty());
    let invite = sandbox
        .journal()
        .matching(&http::Method::POST, "/portalapi/User/UserInviteByUsername");
    assert_eq!(invite.len(), 1);
    assert_eq!(
        invite[0].header("managedorganizationid"),
        Some(child.to_string().as_str())
    );

    // The parent's role is refused by the portal when the invite acts on the parent
    // but names the child's organization (no managed organization: the client can not
    // check it).
    let error = client
        .users()
        .invite("other@corp.example")
        .user_role(&role)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api { status, .. } if status.as_u16() == 417),
        "{error:?}"
    );
}

#[tokio::test]
async fn fan_out_over_300_children_where_20_lack_the_role() {
    let portal = ThreatLockerSim::builder()
        .seed(4)
        .children(300)
        .children_lacking_role("Helpdesk", 20)
        .build();
    let (_sandbox, client) = support::start(&portal).await;
    let children: Vec<Uuid> = client
        .organizations()
        .children()
        .page_size(100)
        .stream()
        .map_ok(|org| org.organization_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(children.len(), 300);

    let report = client
        .invite_across("msp.tech@example.com", "Helpdesk")
        .organizations(children.iter().copied())
        .concurrency(16)
        .send()
        .await
        .unwrap();
    assert_eq!(report.results.len(), 300);
    assert_eq!(
        report
            .results
            .iter()
            .map(|r| r.organization_id)
            .collect::<Vec<_>>(),
        children,
        "results keep the input order"
    );
    assert_eq!(report.invited().count(), 280);
    assert_eq!(report.role_not_found().count(), 20);
    assert_eq!(report.failed().count(), 0);
    let mut missing: Vec<Uuid> = report.role_not_found().map(|r| r.organization_id).collect();
    let mut expected = portal.children_lacking("Helpdesk");
    missing.sort();
    expected.sort();
    assert_eq!(missing, expected);

    let pending = portal.all_pending_users();
    assert_eq!(pending.len(), 280);
    for result in report.invited() {
        let InviteOutcome::Invited { role, .. } = &result.outcome else {
            unreachable!()
        };
        let user = pending
            .iter()
            .find(|u| u.organization_id == result.organization_id)
            .unwrap();
        assert_eq!(user.username, "msp.tech@example.com");
        assert_eq!(user.role_ids, vec![role.user_role_id]);
        assert_eq!(role.organization_id, Some(result.organization_id));
    }

    // Running it again: every organization that has the role reports the duplicate,
    // none is lost.
    let again = client
        .invite_across("msp.tech@example.com", "Helpdesk")
        .organizations(children.iter().copied())
        .send()
        .await
        .unwrap();
    assert_eq!(again.failed().count(), 280);
    assert_eq!(again.role_not_found().count(), 20);
    assert!(again.failed().all(|r| matches!(&r.outcome, InviteOutcome::Failed(Error::Api { message, .. }) if message == "User already exists")));
}

#[tokio::test]
async fn roles_page_across_pages() {
    let names = [
        "Auditor",
        "Billing",
        "Full Admin",
        "Helpdesk",
        "Installer",
        "Read Only",
        "Tier 2",
    ];
    let portal = ThreatLockerSim::builder()
        .seed(5)
        .children(1)
        .role_names(names)
        .build();
    let (sandbox, client) = support::start(&portal).await;
    let page = client
        .roles()
        .list()
        .page(2)
        .page_size(3)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Helpdesk", "Installer", "Read Only"]
    );
    assert_eq!((page.total, page.total_pages), (Some(7), Some(3)));
    assert_eq!(
        page.next_request(&PageRequest::PageNumber { page: 2, size: 3 }),
        Some(PageRequest::PageNumber { page: 3, size: 3 })
    );
    sandbox.journal().clear();

    let roles: Vec<_> = client
        .roles()
        .list()
        .page_size(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        roles.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        names
    );
    assert_eq!(
        sandbox.journal().count_matching(
            &http::Method::POST,
            "/portalapi/UserRoles/UserRolesGetByParameters"
        ),
        3
    );
}

#[tokio::test]
async fn zero_guid_means_the_tokens_own_organization() {
    let portal = ThreatLockerSim::builder().seed(6).children(2).build();
    let (_sandbox, client) = support::start(&portal).await;
    let own: Vec<_> = client
        .organization(Uuid::nil())
        .roles()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(!own.is_empty());
    assert!(
        own.iter()
            .all(|role| role.organization_id == Some(portal.parent_id()))
    );
    let children: Vec<_> = client
        .organization(Uuid::nil())
        .organizations()
        .children()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(children.len(), 2);
}

#[tokio::test]
async fn empty_lists_as_null_or_empty_body_end_the_stream_quietly() {
    for style in [EmptyList::Null, EmptyList::EmptyBody, EmptyList::Array] {
        let portal = ThreatLockerSim::builder()
            .seed(7)
            .children(3)
            .empty_list(style)
            .build();
        let (_sandbox, client) = support::start(&portal).await;
        // A child has no children of its own.
        let grandchildren: Vec<_> = client
            .organization(portal.child_ids()[0])
            .organizations()
            .children()
            .stream()
            .try_collect()
            .await
            .unwrap();
        assert!(grandchildren.is_empty(), "{style:?}");
    }
}

#[tokio::test]
async fn bad_tokens_and_missing_permissions() {
    let portal = ThreatLockerSim::builder().seed(8).build();
    let sandbox = portal.serve().await.unwrap();
    let stranger = support::client(&sandbox, "not-a-real-token");
    let error = stranger.users().timezones().await.unwrap_err();
    assert!(is_auth_error(&error));
    assert_eq!(auth_failure(&error), Some(AuthFailure::TokenRejected));
    assert_eq!(error.status().unwrap().as_u16(), 440);
    assert!(
        error
            .to_string()
            .contains("revoked, expired or belongs to another"),
        "{error}"
    );

    let limited = support::client(&sandbox, &portal.limited_token());
    let role = limited
        .roles()
        .find_by_name("Helpdesk")
        .await
        .unwrap()
        .unwrap();
    let error = limited
        .users()
        .invite("a@example.com")
        .user_role(&role)
        .send()
        .await
        .unwrap_err();
    assert!(is_auth_error(&error));
    assert!(
        error
            .to_string()
            .contains("Missing the 'Assign Roles' permission"),
        "{error}"
    );
    assert_eq!(
        auth_failure(&error),
        Some(AuthFailure::MissingPermission {
            permission: Some("Assign Roles".to_owned())
        })
    );
    let no_edit = support::client(
        &sandbox,
        &portal.token_lacking(&[Permission::EditAdministrators]),
    );
    let error = no_edit
        .users()
        .invite("a@example.com")
        .user_role(&role)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        auth_failure(&error),
        Some(AuthFailure::MissingPermission {
            permission: Some("Edit Administrators".to_owned())
        })
    );
    assert!(portal.all_pending_users().is_empty());

    let token = portal.token();
    let client = support::client(&sandbox, token.as_str());
    client.users().timezones().await.unwrap();
    assert!(portal.revoke(&token));
    let error = client.users().timezones().await.unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 440);

    // An organization the token can not manage.
    let error = Client::builder()
        .base_url(sandbox.base_url())
        .token(portal.limited_token())
        .managed_organization(Uuid::from_u128(42))
        .build()
        .unwrap()
        .roles()
        .list()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 401);
}

/// `userId` is only the sandbox's default invitation body; a portal answering with no
/// body (or `true`) still invites, and the client reports no id rather than inventing one.
#[tokio::test]
async fn invitation_without_a_body_has_no_user_id() {
    for choice in [InviteResponse::Empty, InviteResponse::True] {
        let portal = ThreatLockerSim::builder()
            .seed(2)
            .invite_response(choice)
            .build();
        let (_sandbox, client) = support::start(&portal).await;
        let role = client
            .roles()
            .find_by_name("Helpdesk")
            .await
            .unwrap()
            .unwrap();
        let invitation = client
            .users()
            .invite("quiet@example.com")
            .user_role(&role)
            .send()
            .await
            .unwrap();
        assert_eq!(invitation.user_id(), None, "{choice:?}");
        assert_eq!(
            invitation.body,
            (choice == InviteResponse::True).then_some(serde_json::Value::Bool(true))
        );
        assert_eq!(portal.pending_users(portal.parent_id()).len(), 1);
    }
}
