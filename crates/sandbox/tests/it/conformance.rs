//! What the API contract checks (`cargo xtask conformance`) found: a 405 names the methods
//! the path does answer in `Allow` (RFC 9110 §15.5.6), and a JSON integer written with a
//! fraction (`1.0`) is still an integer; ThreatLocker answers a children listing whose
//! filters have the wrong type, or an unknown `orderBy`, with its 500 envelope.

use std::fmt::Write as _;

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::AllthenticateSim;
use portal_sandbox::logicmonitor::LogicMonitorSim;
use portal_sandbox::threatlocker::ThreatLockerSim;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends a bodiless request; returns the status and the `Allow` header.
async fn send(
    sandbox: &Sandbox,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>) {
    send_body(sandbox, method, target, headers, "").await
}

/// Sends a request with `body`; returns the status and the `Allow` header.
async fn send_body(
    sandbox: &Sandbox,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Option<String>) {
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
    let (head, _) = received.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let allow = head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("allow")
            .then(|| value.trim().to_owned())
    });
    (status, allow)
}

#[tokio::test]
async fn allthenticate_405_lists_the_allowed_methods() {
    let sim = AllthenticateSim::builder().seed(1).users(3).build();
    let sandbox = sim.serve().await.unwrap();
    let bearer = format!("Bearer {}", sim.api_key());
    let auth = [("Authorization", bearer.as_str())];
    for (method, path, allow) in [
        ("TRACE", "/user", "GET, DELETE"),
        ("PATCH", "/invites", "GET, POST, PUT"),
        ("GET", "/togglesuspension", "POST"),
        ("DELETE", "/multipleusers", "GET"),
        ("PUT", "/modifysmartcard", "GET, POST"),
    ] {
        let (status, header) = send(&sandbox, method, path, &auth).await;
        assert_eq!(
            (status, header.as_deref()),
            (405, Some(allow)),
            "{method} {path}"
        );
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn logicmonitor_405_lists_the_allowed_methods() {
    let lm = LogicMonitorSim::builder().seed(1).users(3).build();
    let sandbox = lm.serve().await.unwrap();
    let bearer = format!("Bearer {}", lm.bearer_token());
    let headers = [("Authorization", bearer.as_str()), ("X-Version", "3")];
    for (method, path, allow) in [
        ("TRACE", "/setting/admins", "GET, POST"),
        ("POST", "/setting/admins/1", "GET, PUT, PATCH, DELETE"),
        ("DELETE", "/setting/roles", "GET, POST"),
        ("GET", "/setting/admins/1/apitokens/1", "PUT, PATCH, DELETE"),
        ("POST", "/setting/roles/1", "GET, PUT, PATCH, DELETE"),
        ("PUT", "/setting/admin/groups", "GET, POST"),
    ] {
        let target = format!("/santaba/rest{path}");
        let (status, header) = send(&sandbox, method, &target, &headers).await;
        assert_eq!(
            (status, header.as_deref()),
            (405, Some(allow)),
            "{method} {path}"
        );
    }
    sandbox.shutdown().await;
}

/// Serves `portal`; returns the sandbox and a token with every permission.
async fn serve_threatlocker(portal: &ThreatLockerSim) -> (Sandbox, String) {
    let sandbox = portal.serve().await.unwrap();
    (sandbox, portal.token())
}

#[tokio::test]
async fn threatlocker_paging_takes_integers_written_with_a_fraction() {
    let portal = ThreatLockerSim::builder().seed(1).users(3).build();
    let (sandbox, token) = serve_threatlocker(&portal).await;
    let headers = [
        ("Authorization", token.as_str()),
        ("Content-Type", "application/json"),
    ];
    let roles = "/portalapi/UserRoles/UserRolesGetByParameters";
    for (body, status) in [
        (r#"{"pageNumber":1.0,"pageSize":2.0}"#, 200),
        (r#"{"pageNumber":1,"pageSize":2}"#, 200),
        (r#"{"pageNumber":1.5,"pageSize":2}"#, 417),
        (r#"{"pageNumber":0.0,"pageSize":2}"#, 417),
    ] {
        let (got, _) = send_body(&sandbox, "POST", roles, &headers, body).await;
        assert_eq!(got, status, "{body}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn threatlocker_children_filters_of_the_wrong_shape_are_a_500() {
    let portal = ThreatLockerSim::builder().seed(1).children(3).build();
    let (sandbox, token) = serve_threatlocker(&portal).await;
    let headers = [
        ("Authorization", token.as_str()),
        ("Content-Type", "application/json"),
    ];
    let children = "/portalapi/Organization/OrganizationGetChildOrganizationsByParameters";
    for (filters, status) in [
        (r#""orderBy":"dateAdded","isAscending":false"#, 200),
        (
            r#""orderBy":"NAME","searchText":"","includeAllChildren":null"#,
            200,
        ),
        (r#""orderBy":"size""#, 500),
        (r#""orderBy":7"#, 500),
        (r#""isAscending":"yes""#, 500),
        (r#""includeAllChildren":1"#, 500),
        (r#""searchText":["a"]"#, 500),
    ] {
        let body = format!(r#"{{"pageNumber":1,"pageSize":10,{filters}}}"#);
        let (got, _) = send_body(&sandbox, "POST", children, &headers, &body).await;
        assert_eq!(got, status, "{body}");
    }
    sandbox.shutdown().await;
}
