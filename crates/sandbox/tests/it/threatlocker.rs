//! The ThreatLocker simulator, spoken to in raw HTTP/1.1 so that header-name case and
//! path case are exactly what the test writes.

use portal_sandbox::Sandbox;
use portal_sandbox::threatlocker::{InviteResponse, PageBelowOne, Permission, ThreatLockerSim};
use std::fmt::Write as _;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

async fn send(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &str,
) -> Reply {
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        write!(request, "{name}: {value}\r\n").unwrap();
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

async fn start() -> (ThreatLockerSim, Sandbox) {
    let portal = ThreatLockerSim::builder().seed(3).children(4).build();
    let sandbox = portal.serve().await.unwrap();
    (portal, sandbox)
}

#[tokio::test]
async fn paths_and_header_names_are_case_insensitive() {
    let (portal, sandbox) = start().await;
    for path in [
        "/portalapi/User/UserGetAllTimezones",
        "/portalAPI/user/usergetalltimezones",
        "/PortalApi/USER/UserGetAllTimezones",
    ] {
        for name in ["Authorization", "authorization", "AUTHORIZATION"] {
            let reply = send(&sandbox, "GET", path, &[(name, portal.token())], "").await;
            assert_eq!(reply.status, 200, "{path} {name}");
            assert!(
                reply
                    .json()
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|z| z["id"] == "Eastern Standard Time")
            );
        }
    }
    let child = portal.child_ids()[1];
    for name in [
        "ManagedOrganizationId",
        "managedOrganizationId",
        "managedorganizationid",
    ] {
        let reply = send(
            &sandbox,
            "POST",
            "/portalapi/UserRoles/UserRolesGetByParameters",
            &[
                ("Authorization", portal.token()),
                (name, child.to_string()),
                ("Content-Type", "application/json".into()),
            ],
            r#"{"pageNumber":1,"pageSize":2}"#,
        )
        .await;
        assert_eq!(reply.status, 200);
        let roles = reply.json();
        assert_eq!(roles.as_array().unwrap().len(), 2);
        assert!(
            roles
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["organizationId"] == child.to_string())
        );
        let pagination: Value = serde_json::from_str(reply.header("pagination").unwrap()).unwrap();
        assert_eq!(
            pagination,
            json!({"currentPage":1,"itemsPerPage":2,"totalItems":5,"totalPages":3})
        );
    }
}

#[tokio::test]
async fn zero_guid_is_the_tokens_own_organization() {
    let (portal, sandbox) = start().await;
    let reply = send(
        &sandbox,
        "POST",
        "/portalapi/Organization/OrganizationGetChildOrganizationsByParameters",
        &[
            ("Authorization", portal.token()),
            (
                "ManagedOrganizationId",
                "00000000-0000-0000-0000-000000000000".into(),
            ),
        ],
        r#"{"pageNumber":1,"pageSize":50}"#,
    )
    .await;
    assert_eq!(reply.status, 200);
    let ids: Vec<String> = reply
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["organizationId"].as_str().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = portal.child_ids().iter().map(ToString::to_string).collect();
    let mut got = ids.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
}

const INVITE: &str = "/portalapi/User/UserInviteByUsername";
const ROLES: &str = "/portalapi/UserRoles/UserRolesGetByParameters";
const TIMEZONES: &str = "/portalapi/User/UserGetAllTimezones";

#[tokio::test]
async fn token_and_routing_errors() {
    let (portal, sandbox) = start().await;
    let auth = [("Authorization", portal.token())];
    let reply = send(
        &sandbox,
        "GET",
        TIMEZONES,
        &[("Authorization", format!("Bearer {}", portal.token()))],
        "",
    )
    .await;
    assert_eq!(reply.status, 440);
    assert_eq!(
        reply.json(),
        json!({"message":"Unauthorized","error":"TOKEN_REVOKED"})
    );
    assert_eq!(send(&sandbox, "GET", TIMEZONES, &[], "").await.status, 440);
    assert_eq!(
        send(&sandbox, "POST", TIMEZONES, &auth, "{}").await.status,
        405
    );
    assert_eq!(
        send(
            &sandbox,
            "GET",
            "/portalapi/User/UserGetByParameters",
            &auth,
            ""
        )
        .await
        .status,
        404
    );
    assert_eq!(
        send(&sandbox, "GET", "/api/User/UserGetAllTimezones", &auth, "")
            .await
            .status,
        404
    );
    let reply = send(&sandbox, "POST", ROLES, &auth, r#"{"pageNumber":1}"#).await;
    assert_eq!(reply.status, 417);
    let bad_org = [
        ("Authorization", portal.token()),
        ("ManagedOrganizationId", "nope".to_owned()),
    ];
    let reply = send(
        &sandbox,
        "POST",
        ROLES,
        &bad_org,
        r#"{"pageNumber":1,"pageSize":1}"#,
    )
    .await;
    assert_eq!(reply.status, 500);
    let reply = send(&sandbox, "POST", INVITE, &auth, "{not json").await;
    assert_eq!(reply.status, 500);
    assert!(
        reply.json()["Message"]
            .as_str()
            .unwrap()
            .starts_with("A problem occurred with the request (")
    );
}

#[tokio::test]
async fn invitation_validation_errors() {
    let (portal, sandbox) = start().await;
    let parent = portal.parent_id();
    let parent_role = portal.roles_of(parent)[0].id;
    let child = portal.child_ids()[0];
    let child_role = portal.roles_of(child)[0].id;
    let auth = [("Authorization", portal.token())];
    for (body, message) in [
        (
            json!({"username": "not-an-email", "roles": [{"organizationId": parent, "userRoleId": parent_role}]}),
            "Invalid email address",
        ),
        (
            json!({"username": "a@example.com", "roles": []}),
            "At least one role is required",
        ),
        (
            json!({"username": "a@example.com"}),
            "At least one role is required",
        ),
        (
            json!({"username": "a@example.com", "roles": [{"organizationId": child, "userRoleId": child_role}]}),
            "Roles must belong to the organization the user is invited to",
        ),
        (
            json!({"username": "a@example.com", "roles": [{"organizationId": parent, "userRoleId": child_role}]}),
            "Invalid role for this organization",
        ),
    ] {
        let reply = send(&sandbox, "POST", INVITE, &auth, &body.to_string()).await;
        assert_eq!(reply.status, 417, "{body}");
        let json = reply.json();
        assert_eq!(json["Message"], message);
        assert_eq!(json["StatusCode"], 417);
        assert!(json["LoggerId"].is_string());
    }
    assert!(portal.all_pending_users().is_empty());
}

#[tokio::test]
async fn invitation_success_duplicate_and_permission() {
    let (portal, sandbox) = start().await;
    let parent = portal.parent_id();
    let parent_role = portal.roles_of(parent)[0].id;
    let auth = [("Authorization", portal.token())];
    let ok = json!({"username": "a@example.com", "roles": [{"organizationId": parent, "userRoleId": parent_role}]}).to_string();
    let reply = send(&sandbox, "POST", INVITE, &auth, &ok).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["username"], "a@example.com");
    let pending = portal.pending_users(parent);
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].first_name, None);
    assert_eq!(reply.json()["userId"], pending[0].id.to_string());
    let reply = send(&sandbox, "POST", INVITE, &auth, &ok).await;
    assert_eq!(
        (reply.status, reply.json()["Message"].as_str()),
        (417, Some("User already exists"))
    );
    let limited = [("Authorization", portal.limited_token())];
    let reply = send(&sandbox, "POST", INVITE, &limited, &ok).await;
    assert_eq!(
        (reply.status, reply.json()["Message"].as_str()),
        (401, Some("Missing the 'Assign Roles' permission"))
    );
    assert_eq!(portal.all_pending_users().len(), 1);
}

#[tokio::test]
async fn invitation_needs_edit_administrators_and_assign_roles() {
    let (portal, sandbox) = start().await;
    let parent = portal.parent_id();
    let parent_role = portal.roles_of(parent)[0].id;
    let ok = json!({"username": "b@example.com", "roles": [{"organizationId": parent, "userRoleId": parent_role}]}).to_string();
    for (lacking, named) in [
        (vec![Permission::EditAdministrators], "Edit Administrators"),
        (vec![Permission::AssignRoles], "Assign Roles"),
        (
            vec![Permission::AssignRoles, Permission::EditAdministrators],
            "Edit Administrators",
        ),
    ] {
        let token = portal.token_lacking(&lacking);
        let reply = send(
            &sandbox,
            "POST",
            INVITE,
            &[("Authorization", token.clone())],
            &ok,
        )
        .await;
        assert_eq!(reply.status, 401, "{lacking:?}");
        let body = reply.json();
        assert_eq!(
            body["Message"],
            format!("Missing the '{named}' permission"),
            "{lacking:?}"
        );
        assert_eq!(body["StatusCode"], 401);
        // The token itself is valid: reads that need neither permission still work.
        let reply = send(&sandbox, "GET", TIMEZONES, &[("Authorization", token)], "").await;
        assert_eq!(reply.status, 200);
    }
    assert!(portal.all_pending_users().is_empty());
    let reply = send(
        &sandbox,
        "POST",
        INVITE,
        &[("Authorization", portal.token_lacking(&[]))],
        &ok,
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(portal.all_pending_users().len(), 1);
}

#[tokio::test]
async fn page_below_one_is_a_configurable_choice() {
    let (portal, sandbox) = start().await;
    let auth = [("Authorization", portal.token())];
    for page in ["0", "-1"] {
        let body = format!(r#"{{"pageNumber":{page},"pageSize":2}}"#);
        let reply = send(&sandbox, "POST", ROLES, &auth, &body).await;
        assert_eq!(reply.status, 417, "{page}");
        assert_eq!(
            reply.json()["Message"],
            "Page number and page size must be greater than 0"
        );
    }
    let lenient = ThreatLockerSim::builder()
        .seed(3)
        .children(4)
        .page_below_one(PageBelowOne::FirstPage)
        .build();
    let sandbox = lenient.serve().await.unwrap();
    let auth = [("Authorization", lenient.token())];
    let first = send(
        &sandbox,
        "POST",
        ROLES,
        &auth,
        r#"{"pageNumber":1,"pageSize":2}"#,
    )
    .await;
    let zero = send(
        &sandbox,
        "POST",
        ROLES,
        &auth,
        r#"{"pageNumber":0,"pageSize":2}"#,
    )
    .await;
    assert_eq!(zero.status, 200);
    assert_eq!(zero.json(), first.json());
    assert_eq!(zero.header("pagination"), first.header("pagination"));
    // A page size below 1 stays a 417 in either mode.
    let reply = send(
        &sandbox,
        "POST",
        ROLES,
        &auth,
        r#"{"pageNumber":0,"pageSize":0}"#,
    )
    .await;
    assert_eq!(reply.status, 417);
}

#[tokio::test]
async fn invite_response_is_a_configurable_choice() {
    for (choice, expected) in [(InviteResponse::Empty, ""), (InviteResponse::True, "true")] {
        let portal = ThreatLockerSim::builder()
            .seed(3)
            .children(1)
            .invite_response(choice)
            .build();
        let sandbox = portal.serve().await.unwrap();
        let parent = portal.parent_id();
        let role = portal.roles_of(parent)[0].id;
        let body = json!({"username": "c@example.com", "roles": [{"organizationId": parent, "userRoleId": role}]}).to_string();
        let reply = send(
            &sandbox,
            "POST",
            INVITE,
            &[("Authorization", portal.token())],
            &body,
        )
        .await;
        assert_eq!((reply.status, reply.body.as_str()), (200, expected));
        assert_eq!(portal.pending_users(parent).len(), 1);
    }
}
