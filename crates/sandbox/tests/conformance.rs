//! What the API contract checks (`cargo xtask conformance`) found: a 405 names the methods
//! the path does answer in `Allow` (RFC 9110 §15.5.6).

use portal_sandbox::Sandbox;
use portal_sandbox::allthenticate::Allthenticate;
use portal_sandbox::logicmonitor::LogicMonitorSandbox;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends a bodiless request; returns the status and the lower-cased `Allow` header.
async fn send(
    sandbox: &Sandbox,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
) -> (u16, Option<String>) {
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
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
    let sim = Allthenticate::builder().seed(1).users(3).build();
    let sandbox = Sandbox::builder()
        .router(sim.router())
        .start()
        .await
        .unwrap();
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
    let lm = LogicMonitorSandbox::builder().seed(1).users(3).build();
    let sandbox = Sandbox::builder()
        .router(lm.router())
        .start()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", lm.bearer_token());
    let headers = [("Authorization", bearer.as_str()), ("X-Version", "3")];
    for (method, path, allow) in [
        ("TRACE", "/setting/admins", "GET, POST"),
        ("POST", "/setting/admins/1", "GET, PUT, PATCH, DELETE"),
        ("DELETE", "/setting/roles", "GET"),
        ("GET", "/setting/admins/1/apitokens/1", "DELETE"),
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
