//! Transport overhead: one GET of a ~1 KB JSON object through `HttpClient` versus bare
//! `reqwest` + `serde_json`, against the same loopback server, in one process.
//!
//! The two sides run in alternating rounds (ABAB…, the order flipped every round) so both
//! see the same machine state; each side's figure is the median over rounds of the mean
//! time per request within a round. Prints a table, the line
//! `core-http overhead ratio: X.XX`, and merges the result into `target/bench/summary.json`.
//! `--quick` runs fewer rounds for a smoke check.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use benchmarks::{Entry, record};
use bytes::Bytes;
use core_http::{HttpClient, Operation};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde::Deserialize;
use serde_json::json;

const GET_USER: Operation = Operation::get("users.get", "/users/{id}");
const TARGET_RATIO: f64 = 1.05;

/// The object served: about 1 KB of JSON, shaped like a portal user.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct User {
    id: u64,
    username: String,
    email: String,
    first_name: String,
    last_name: String,
    status: String,
    roles: Vec<String>,
    groups: Vec<u64>,
    last_login_on: u64,
    note: String,
}

fn payload() -> Bytes {
    let user = json!({
        "id": 4242, "username": "jdoe", "email": "jane.doe@corp.example", "first_name": "Jane",
        "last_name": "Doe", "status": "active", "roles": ["administrator", "readonly"],
        "groups": [1, 2, 3, 5, 8, 13], "last_login_on": 1_700_000_000u64,
        "note": "x".repeat(700),
    });
    Bytes::from(serde_json::to_vec(&user).expect("serializable"))
}

async fn serve(body: Bytes) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_request| {
                    let body = body.clone();
                    async move {
                        let response = hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(body))
                            .expect("valid response");
                        Ok::<_, Infallible>(response)
                    }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Mean time per request over `requests` sequential requests.
async fn timed<F, Fut>(requests: u32, mut one: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let start = Instant::now();
    for _ in 0..requests {
        one().await;
    }
    start.elapsed() / requests
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let (rounds, per_round, warmup) = if quick {
        (15, 100, 200)
    } else {
        (101, 300, 2000)
    };
    let addr = serve(payload()).await;
    let base = format!("http://{addr}");

    let client = HttpClient::builder(&base).build().expect("client");
    // The same request on the wire: the headers core-http adds are sent here too.
    let plain = reqwest::Client::builder()
        .user_agent(concat!("core-http/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("reqwest client");
    let bare_url = format!("{base}/users/4242");

    let ours_once = || async {
        let user: User = client
            .request(&GET_USER)
            .path_param("id", 4242)
            .send_json()
            .await
            .expect("ours");
        std::hint::black_box(user);
    };
    let bare_once = || async {
        let response = plain
            .get(&bare_url)
            .header("accept", "application/json")
            .send()
            .await
            .expect("bare send");
        assert!(response.status().is_success());
        let bytes = response.bytes().await.expect("bare body");
        let user: User = serde_json::from_slice(&bytes).expect("bare decode");
        std::hint::black_box(user);
    };

    timed(warmup, ours_once).await;
    timed(warmup, bare_once).await;
    let (mut ours_samples, mut bare_samples) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        if round % 2 == 0 {
            ours_samples.push(timed(per_round, ours_once).await);
            bare_samples.push(timed(per_round, bare_once).await);
        } else {
            bare_samples.push(timed(per_round, bare_once).await);
            ours_samples.push(timed(per_round, ours_once).await);
        }
    }
    let (ours_median, bare_median) = (median(ours_samples), median(bare_samples));
    let ratio = ours_median.as_secs_f64() / bare_median.as_secs_f64();

    println!("{:<44} {:>12}", "benchmark (median per request)", "time");
    println!(
        "{:<44} {:>10.1}µs",
        "core-http HttpClient GET ~1 KB JSON",
        ours_median.as_secs_f64() * 1e6
    );
    println!(
        "{:<44} {:>10.1}µs",
        "bare reqwest + serde_json GET ~1 KB JSON",
        bare_median.as_secs_f64() * 1e6
    );
    println!("rounds: {rounds} × {per_round} requests per side; target ratio ≤ {TARGET_RATIO:.2}");
    println!(
        "core-http overhead ratio: {ratio:.2} (exactly {ratio:.3}; target ≤ {TARGET_RATIO:.2}: {})",
        if ratio <= TARGET_RATIO {
            "met"
        } else {
            "missed"
        }
    );

    record(&[Entry {
        name: "core-http transport overhead (GET ~1 KB JSON)".into(),
        value: ours_median.as_secs_f64() * 1e6,
        unit: "µs/request".into(),
        baseline: Some("bare reqwest + serde_json".into()),
        baseline_value: Some(bare_median.as_secs_f64() * 1e6),
        target: format!("ratio ≤ {TARGET_RATIO:.2}"),
        met: Some(ratio <= TARGET_RATIO),
    }]);
}
