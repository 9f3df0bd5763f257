//! Transport security: redirects never carry credentials to another host, plain `http://`
//! to a real host is refused unless the caller opted in, and TLS is rustls with
//! certificate verification on.
//!
//! Only loopback addresses are used: the "other host" of a redirect is a second sandbox
//! named `localhost` (another host name and port than the `127.0.0.1` the client talks
//! to), and the TLS server listens on `127.0.0.1` with a self-signed certificate for
//! `localhost` made by rcgen at test time. Non-loopback base URLs are only built, never
//! connected to.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use core_http::clock::ManualClock;
use core_http::{Error, HeaderName, HttpClient, Operation, SecretString};
use http::{HeaderValue, header};
use portal_sandbox::{Fault, Sandbox};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_767_225_600)
}

/// A second sandbox on another host name, and a redirect to it for every request.
async fn redirect_everything(sandbox: &Sandbox, status: u16) -> Sandbox {
    let other = Sandbox::builder().start().await.unwrap();
    let location = format!("http://localhost:{}/collect", other.addr().port());
    sandbox.faults().inject(
        Fault::status(status).header(header::LOCATION, HeaderValue::from_str(&location).unwrap()),
    );
    other
}

fn assert_redirect_refused<T: std::fmt::Debug>(label: &str, result: Result<T, Error>, status: u16) {
    match result {
        Err(Error::Api { status: got, .. }) if got.as_u16() == status => {}
        other => panic!("{label}: expected the {status} as an error, got {other:?}"),
    }
}

const REDIRECTS: [u16; 4] = [301, 302, 307, 308];

#[tokio::test]
#[allow(clippy::too_many_lines)] // one scenario per auth scheme, kept side by side
async fn redirects_to_another_host_carry_no_credentials() {
    use portal_sandbox::allthenticate::AllthenticateSim;
    use portal_sandbox::logicmonitor::LogicMonitorSim;
    use portal_sandbox::partner_portal::PartnerPortalSim;
    use portal_sandbox::threatlocker::ThreatLockerSim;

    for status in REDIRECTS {
        // ThreatLocker: `Authorization: <token>`.
        let portal = ThreatLockerSim::builder().seed(1).children(1).build();
        let sandbox = portal.serve().await.unwrap();
        let other = redirect_everything(&sandbox, status).await;
        let client = threatlocker_client::Client::builder()
            .base_url(sandbox.base_url())
            .token(portal.token())
            .build()
            .unwrap();
        assert_redirect_refused("threatlocker", client.users().timezones().await, status);
        assert_eq!(sandbox.journal().len(), 1, "not retried");
        assert!(
            sandbox.journal().entries()[0]
                .header("authorization")
                .is_some()
        );
        assert!(
            other.journal().is_empty(),
            "threatlocker followed a {status}"
        );

        // Allthenticate: every key placement, the named header and the query included.
        let sim = AllthenticateSim::builder().seed(2).users(2).build();
        let sandbox = sim.serve().await.unwrap();
        let other = redirect_everything(&sandbox, status).await;
        for placement in [
            allthenticate_client::AuthPlacement::Bearer,
            allthenticate_client::AuthPlacement::RawAuthorization,
            allthenticate_client::AuthPlacement::Header(HeaderName::from_static("x-api-key")),
            allthenticate_client::AuthPlacement::Query("api_key".to_owned()),
        ] {
            let client = allthenticate_client::Client::builder()
                .base_url(sandbox.base_url())
                .api_key(SecretString::from(sim.api_key().to_owned()))
                .auth_placement(placement.clone())
                .build()
                .unwrap();
            assert_redirect_refused(
                &format!("allthenticate {placement:?}"),
                client.users().list().send().await,
                status,
            );
            assert_redirect_refused(
                &format!("allthenticate {placement:?} invite"),
                client
                    .invites()
                    .invite(["new.person@example.com"])
                    .send()
                    .await,
                status,
            );
        }
        let sent = sandbox.journal().entries();
        assert_eq!(sent.len(), 8);
        assert!(
            sent.iter()
                .any(|e| e.header("x-api-key") == Some(sim.api_key()))
        );
        assert!(
            other.journal().is_empty(),
            "allthenticate followed a {status}"
        );

        // Whaly: bearer.
        let sim = PartnerPortalSim::builder().seed(3).users(2).build();
        let sandbox = sim.serve().await.unwrap();
        let other = redirect_everything(&sandbox, status).await;
        let client = partner_portal_client::Client::builder()
            .base_url(sandbox.base_url())
            .api_key(SecretString::from(sim.api_key()))
            .build()
            .unwrap();
        assert_redirect_refused(
            "whaly",
            client.portal(sim.portal_id()).list_users().send().await,
            status,
        );
        assert!(other.journal().is_empty(), "whaly followed a {status}");

        // LogicMonitor: LMv1 and bearer.
        let lm = LogicMonitorSim::builder().users(2).now(now()).build();
        let sandbox = lm.serve().await.unwrap();
        let other = redirect_everything(&sandbox, status).await;
        let lmv1 = logicmonitor_client::Client::builder()
            .base_url(sandbox.url("/santaba/rest"))
            .lmv1(lm.access_id(), SecretString::from(lm.access_key()))
            .clock(Arc::new(ManualClock::new(now())))
            .build()
            .unwrap();
        let bearer = logicmonitor_client::Client::builder()
            .base_url(sandbox.url("/santaba/rest"))
            .bearer(SecretString::from(lm.bearer_token()))
            .build()
            .unwrap();
        assert_redirect_refused("lm lmv1", lmv1.roles().list().send().await, status);
        assert_redirect_refused("lm bearer", bearer.roles().list().send().await, status);
        assert!(
            other.journal().is_empty(),
            "logicmonitor followed a {status}"
        );
    }
}

#[test]
fn plain_http_to_a_real_host_is_refused_unless_opted_in() {
    let remote = [
        "http://portal.example.com",
        "http://10.0.0.7:8080",
        "http://localhost.example.com",
        "http://127.0.0.1.example.com",
    ];
    let refused = |label: &str, result: Result<(), Error>| match result {
        Err(Error::Config { field, .. }) if field == "base_url" => {}
        other => panic!("{label}: expected a base_url configuration error, got {other:?}"),
    };
    for url in remote {
        refused(
            &format!("core-http {url}"),
            HttpClient::builder(url).build().map(drop),
        );
        HttpClient::builder(url)
            .allow_insecure_http(true)
            .build()
            .expect("opted in");
        // ThreatLocker, Whaly and LogicMonitor offer no opt-in at all.
        refused(
            &format!("threatlocker {url}"),
            threatlocker_client::Client::builder()
                .base_url(url)
                .token("tok123")
                .build()
                .map(drop),
        );
        refused(
            &format!("whaly {url}"),
            partner_portal_client::Client::builder()
                .base_url(url)
                .api_key(SecretString::from("sk:k"))
                .build()
                .map(drop),
        );
        refused(
            &format!("logicmonitor {url}"),
            logicmonitor_client::Client::builder()
                .base_url(format!("{url}/santaba/rest"))
                .bearer(SecretString::from("t"))
                .build()
                .map(drop),
        );
        let allthenticate = || {
            allthenticate_client::Client::builder()
                .base_url(url)
                .api_key(SecretString::from("k"))
        };
        refused(
            &format!("allthenticate {url}"),
            allthenticate().build().map(drop),
        );
        allthenticate()
            .allow_insecure_http(true)
            .build()
            .expect("opted in");
    }
    // https to a real host and http to loopback need no opt-in.
    for url in [
        "https://portal.example.com",
        "http://127.0.0.1:9",
        "http://localhost:9",
    ] {
        HttpClient::builder(url).build().expect(url);
    }
}

/// A one-shot HTTPS server on 127.0.0.1 with a self-signed certificate for `names`;
/// returns its port and the certificate (DER). Answers `200 []` to one request per
/// connection.
async fn tls_server(names: &[&str]) -> (u16, Vec<u8>) {
    let certified = rcgen::generate_simple_self_signed(
        names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>(),
    )
    .unwrap();
    let cert_der = certified.cert.der().to_vec();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that rejects the certificate ends the handshake: fine.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]";
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, cert_der)
}

const LIST: Operation = Operation::get("things.list", "/things");

#[tokio::test]
async fn tls_verifies_certificates_unless_the_root_is_added() {
    let (port, cert) = tls_server(&["localhost"]).await;
    let url = format!("https://localhost:{port}");

    // The default client: rustls with the platform verifier rejects a self-signed cert.
    let default = HttpClient::builder(&url)
        .retry_policy(core_http::RetryPolicy::none())
        .build()
        .unwrap();
    let refused = default.request(&LIST).send().await.unwrap_err();
    assert!(
        matches!(refused, Error::Transport { connect: true, .. }),
        "{refused:?}"
    );

    // The same certificate added as a root: the call goes through.
    let root = reqwest::Certificate::from_der(&cert).unwrap();
    let trusting = reqwest::Client::builder()
        .tls_certs_merge([root.clone()])
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = HttpClient::builder(&url)
        .reqwest_client(trusting)
        .build()
        .unwrap();
    let things: Vec<u32> = client.request(&LIST).send_json().await.unwrap();
    assert!(things.is_empty());

    // The root is trusted for the names it was issued for, not for another host name:
    // hostname verification stays on.
    let (port, cert) = tls_server(&["other.example"]).await;
    let trusting = reqwest::Client::builder()
        .tls_certs_merge([reqwest::Certificate::from_der(&cert).unwrap()])
        .build()
        .unwrap();
    let client = HttpClient::builder(format!("https://localhost:{port}"))
        .reqwest_client(trusting)
        .retry_policy(core_http::RetryPolicy::none())
        .build()
        .unwrap();
    let wrong_name = client.request(&LIST).send().await.unwrap_err();
    assert!(
        matches!(wrong_name, Error::Transport { connect: true, .. }),
        "{wrong_name:?}"
    );
}

/// The TLS stack is rustls: no OpenSSL or native-tls crate is in the workspace's lockfile.
#[test]
fn no_openssl_in_the_dependency_graph() {
    let lockfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let lock = std::fs::read_to_string(lockfile).unwrap();
    let packages: Vec<&str> = lock
        .lines()
        .filter_map(|line| line.strip_prefix("name = \""))
        .map(|name| name.trim_end_matches('"'))
        .collect();
    assert!(packages.contains(&"rustls"), "rustls is the TLS stack");
    for banned in ["openssl", "openssl-sys", "native-tls", "hyper-tls"] {
        assert!(!packages.contains(&banned), "{banned} is in Cargo.lock");
    }
}
