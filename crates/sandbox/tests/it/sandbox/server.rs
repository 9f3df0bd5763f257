//! Starting, serving and stopping.

use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{Method, StatusCode};
use portal_sandbox::{Fault, Sandbox};
use tokio::net::TcpStream;

use super::client::{self, get_path, send};

#[tokio::test]
async fn answers_through_the_router_on_loopback() {
    let sandbox = client::start().await;
    assert!(sandbox.addr().ip().is_loopback());
    assert_eq!(
        sandbox.base_url(),
        format!("http://127.0.0.1:{}", sandbox.addr().port())
    );
    assert_eq!(
        sandbox.url("/hello"),
        format!("{}/hello", sandbox.base_url())
    );

    let reply = get_path(&sandbox, "/hello").await.expect("a reply");
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.text(), "hello, world");
}

#[tokio::test]
async fn passes_request_bodies_and_unknown_routes_through() {
    let sandbox = client::start().await;
    let echoed = send(
        sandbox.addr(),
        Method::POST,
        "/echo",
        Bytes::from_static(b"{\"a\":1}"),
    )
    .await
    .expect("a reply");
    assert_eq!(echoed.text(), "{\"a\":1}");
    let missing = get_path(&sandbox, "/nope").await.expect("a reply");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn keeps_the_seed_and_merges_routers() {
    let extra = axum::Router::new().route("/extra", axum::routing::get(|| async { "extra" }));
    let sandbox = Sandbox::builder()
        .seed(42)
        .router(client::router())
        .router(extra)
        .start()
        .await
        .expect("starts");
    assert_eq!(sandbox.seed(), 42);
    assert_eq!(
        get_path(&sandbox, "/extra").await.expect("a reply").text(),
        "extra"
    );
    assert_eq!(
        get_path(&sandbox, "/hello").await.expect("a reply").text(),
        "hello, world"
    );
}

#[tokio::test]
async fn shutdown_stops_accepting() {
    let sandbox = client::start().await;
    let addr = sandbox.addr();
    sandbox.shutdown().await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn dropping_stops_the_server() {
    let sandbox = client::start().await;
    let addr = sandbox.addr();
    drop(sandbox);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn shutdown_lets_requests_in_flight_finish() {
    let sandbox = client::start().await;
    sandbox
        .faults()
        .inject(Fault::delay(Duration::from_millis(100)));
    let addr = sandbox.addr();
    let in_flight =
        tokio::spawn(async move { send(addr, Method::GET, "/hello", Bytes::new()).await });
    tokio::time::sleep(Duration::from_millis(30)).await;
    sandbox.shutdown().await;
    let reply = in_flight
        .await
        .expect("client task")
        .expect("the delayed reply");
    assert_eq!(reply.text(), "hello, world");
}

#[tokio::test]
async fn shutdown_cuts_connections_after_the_timeout() {
    let sandbox = Sandbox::builder()
        .router(client::router())
        .shutdown_timeout(Duration::from_millis(50))
        .start()
        .await
        .expect("starts");
    sandbox
        .faults()
        .inject(Fault::delay(Duration::from_secs(30)));
    let addr = sandbox.addr();
    let stuck = tokio::spawn(async move { send(addr, Method::GET, "/hello", Bytes::new()).await });
    tokio::time::sleep(Duration::from_millis(30)).await;
    let started = Instant::now();
    sandbox.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert!(stuck.await.expect("client task").is_err());
}

/// Each simulator's `serve` starts a sandbox that answers from that simulator: its
/// credentials are accepted and its people listed.
#[cfg(all(
    feature = "threatlocker",
    feature = "allthenticate",
    feature = "partner-portal",
    feature = "logicmonitor"
))]
#[tokio::test]
async fn each_simulator_serves_itself() {
    use portal_sandbox::allthenticate::AllthenticateSim;
    use portal_sandbox::logicmonitor::LogicMonitorSim;
    use portal_sandbox::partner_portal::PartnerPortalSim;
    use portal_sandbox::threatlocker::ThreatLockerSim;

    let tl = ThreatLockerSim::builder().seed(1).build();
    let at = AllthenticateSim::builder().seed(1).users(3).build();
    let pp = PartnerPortalSim::builder().seed(1).users(3).build();
    let lm = LogicMonitorSim::builder().seed(1).users(3).build();
    let at_email = at.members()[0].email.clone();
    let pp_email = pp.users(pp.portal_id())[0].email.clone();
    let lm_username = (1..).find_map(|id| lm.user(id)).unwrap()["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let served = [
        (
            tl.serve().await.unwrap(),
            "/portalapi/User/UserGetAllTimezones".to_owned(),
            tl.token(),
            "Eastern Standard Time",
        ),
        (
            at.serve().await.unwrap(),
            "/multipleusers".to_owned(),
            format!("Bearer {}", at.api_key()),
            at_email.as_str(),
        ),
        (
            pp.serve().await.unwrap(),
            format!("/v1/partner-portals/{}/users", pp.portal_id()),
            format!("Bearer {}", pp.api_key()),
            pp_email.as_str(),
        ),
        (
            lm.serve().await.unwrap(),
            "/santaba/rest/setting/admins".to_owned(),
            format!("Bearer {}", lm.bearer_token()),
            lm_username.as_str(),
        ),
    ];
    for (sandbox, path, authorization, expected) in served {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: sandbox\r\nConnection: close\r\nAuthorization: {authorization}\r\nX-Version: 3\r\n\r\n"
        );
        let response = client::raw_exchange(sandbox.addr(), &request).await;
        assert!(response.starts_with("HTTP/1.1 200 "), "{path}: {response}");
        assert!(response.contains(expected), "{path}: {response}");
        assert_eq!(sandbox.journal().count_matching(&Method::GET, &path), 1);
        sandbox.shutdown().await;
    }
}
